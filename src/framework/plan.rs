//! The generic plan rules Terraform expects of every resource (tfplugin5.md §4.2).
//!
//! Starting from Terraform's proposed new state: defaults fill attributes the configuration
//! leaves out; on create every computed attribute the configuration leaves out becomes
//! unknown; on update the computed attributes of changed objects become unknown unless they
//! are marked `use_state_for_unknown`; non-computed attributes always echo the configuration.
//! Replacement paths come from `requires_replace` flags. Resources refine this in
//! `Resource::modify_plan`.

use super::diag::AttrPath;
use super::schema::{Block, NestedBlock, Nesting, Schema};
use crate::value::Value;

/// The planned state and the paths that force replacement.
pub fn plan(
    schema: &Schema,
    prior: &Value,
    proposed: &Value,
    config: &Value,
) -> (Value, Vec<AttrPath>) {
    let mut planned = schema.block.conform(proposed);
    apply_defaults(&schema.block, &mut planned, config);
    let mut replace = Vec::new();
    if prior.is_null() {
        mark_computed_unknown(&schema.block, &mut planned, config, &Value::Null);
    } else if planned != *prior {
        // A change of the `timeouts` block alone (e.g. the first plan after an import, which
        // cannot know it) only records the new timeouts: nothing in OCP changes, so no
        // computed value becomes unknown.
        if without_timeouts(&planned) == without_timeouts(prior) {
            return (planned, Vec::new());
        }
        mark_computed_unknown(&schema.block, &mut planned, config, prior);
        replace_paths(
            &schema.block,
            prior,
            &planned,
            &AttrPath::default(),
            &mut replace,
        );
    }
    (planned, replace)
}

/// For an update OCP does not see (nothing that forces replacement changed, and the in-place
/// changes only record values in state): every computed attribute planned unknown keeps its
/// prior value, so the plan shows what is known instead of "(known after apply)".
pub fn keep_computed(block: &Block, planned: &mut Value, prior: &Value) {
    let Value::Object(obj) = planned else { return };
    for (name, _) in block.attributes.iter().filter(|(_, a)| a.computed) {
        if let (Some(v @ Value::Unknown), Some(p)) = (obj.get_mut(name), prior.get(name)) {
            *v = p.clone();
        }
    }
}

/// An object value without its `timeouts` block (a setting of this provider, not of OCP).
fn without_timeouts(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(o) = &mut v {
        o.remove(super::timeouts::BLOCK);
    }
    v
}

fn apply_defaults(block: &Block, planned: &mut Value, config: &Value) {
    let Value::Object(obj) = planned else { return };
    for (name, attr) in &block.attributes {
        if let Some(default) = &attr.default {
            if config.get(name).is_none_or(Value::is_null) {
                obj.insert(name.clone(), default.clone());
            }
        }
    }
    for (name, nested) in &block.blocks {
        let cfg = config.get(name).unwrap_or(&Value::Null);
        if let Some(v) = obj.get_mut(name) {
            for_each_element(nested, v, cfg, None, &mut |b, item, c, _| {
                apply_defaults(b, item, c)
            });
        }
    }
}

/// Sets computed attributes whose configuration is null to unknown, in objects that differ
/// from `prior` (all of them when `prior` is null).
pub fn mark_computed_unknown(block: &Block, planned: &mut Value, config: &Value, prior: &Value) {
    if !prior.is_null() && planned == prior {
        return;
    }
    let Value::Object(obj) = planned else { return };
    for (name, attr) in &block.attributes {
        if !attr.computed || attr.default.is_some() {
            continue;
        }
        if !config.get(name).is_none_or(Value::is_null) {
            continue;
        }
        let prior_v = prior.get(name).unwrap_or(&Value::Null);
        // An update never changes an attribute whose change replaces the object: left out of
        // the configuration, it keeps its prior value, null included (unknown would plan a
        // replacement nobody asked for).
        let kept = attr.requires_replace && !prior.is_null();
        if kept || attr.use_state_for_unknown && !prior_v.is_null() {
            obj.insert(name.clone(), prior_v.clone());
        } else {
            obj.insert(name.clone(), Value::Unknown);
        }
    }
    for (name, nested) in &block.blocks {
        let cfg = config.get(name).unwrap_or(&Value::Null);
        let pri = prior.get(name).unwrap_or(&Value::Null);
        if let Some(v) = obj.get_mut(name) {
            for_each_element(nested, v, cfg, Some(pri), &mut |b, item, c, p| {
                mark_computed_unknown(b, item, c, p.unwrap_or(&Value::Null))
            });
        }
    }
}

/// A visitor of one block object with its config and prior counterparts.
type ElementFn<'a> = dyn FnMut(&Block, &mut Value, &Value, Option<&Value>) + 'a;

/// Calls `f` on each block object inside a nested block value, with the matching config
/// element (same index for lists, same key for maps, equal-by-config for sets) and prior one.
fn for_each_element(
    nested: &NestedBlock,
    v: &mut Value,
    config: &Value,
    prior: Option<&Value>,
    f: &mut ElementFn<'_>,
) {
    match (nested.nesting, v) {
        (Nesting::Single | Nesting::Group, v @ Value::Object(_)) => {
            f(&nested.block, v, config, prior)
        }
        (Nesting::List, Value::List(items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                let c = config.elements().get(i).unwrap_or(&Value::Null);
                let p = prior.map(|p| p.elements().get(i).unwrap_or(&Value::Null));
                f(&nested.block, item, c, p);
            }
        }
        (Nesting::Set, Value::Set(items)) => {
            for item in items.iter_mut() {
                // A set element's identity is its value: the config element is the one whose
                // configured attributes match, and an element already in the prior set is
                // unchanged.
                let c = config
                    .elements()
                    .iter()
                    .find(|c| configured_attrs_match(&nested.block, c, item))
                    .unwrap_or(&Value::Null);
                let p = prior.map(|pr| {
                    if pr.elements().contains(item) {
                        item.clone()
                    } else {
                        Value::Null
                    }
                });
                f(&nested.block, item, c, p.as_ref());
            }
        }
        (Nesting::Map, Value::Map(items)) => {
            for (k, item) in items.iter_mut() {
                let c = match config {
                    Value::Map(m) => m.get(k).unwrap_or(&Value::Null),
                    _ => &Value::Null,
                };
                let p = prior.map(|p| match p {
                    Value::Map(m) => m.get(k).unwrap_or(&Value::Null),
                    _ => &Value::Null,
                });
                f(&nested.block, item, c, p);
            }
        }
        _ => {}
    }
}

fn configured_attrs_match(block: &Block, config: &Value, item: &Value) -> bool {
    block
        .attributes
        .iter()
        .all(|(name, _)| match config.get(name) {
            None | Some(Value::Null) => true,
            Some(c) => item.get(name) == Some(c),
        })
}

fn replace_paths(
    block: &Block,
    prior: &Value,
    planned: &Value,
    path: &AttrPath,
    out: &mut Vec<AttrPath>,
) {
    for (name, attr) in &block.attributes {
        if attr.requires_replace && prior.get(name) != planned.get(name) {
            out.push(path.attr(name));
        }
    }
    for (name, nested) in &block.blocks {
        let (p, n) = (
            prior.get(name).unwrap_or(&Value::Null),
            planned.get(name).unwrap_or(&Value::Null),
        );
        if p == n {
            continue;
        }
        let bp = path.attr(name);
        if nested.requires_replace {
            out.push(bp);
            continue;
        }
        match nested.nesting {
            Nesting::Single | Nesting::Group => replace_paths(&nested.block, p, n, &bp, out),
            Nesting::List => {
                for (i, item) in n.elements().iter().enumerate() {
                    if let Some(pi) = p.elements().get(i) {
                        replace_paths(&nested.block, pi, item, &bp.index(i), out);
                    }
                }
            }
            Nesting::Set | Nesting::Map => {
                if block_has_replace_attr(&nested.block) {
                    out.push(bp);
                }
            }
        }
    }
}

fn block_has_replace_attr(block: &Block) -> bool {
    block.attributes.iter().any(|(_, a)| a.requires_replace)
        || block
            .blocks
            .iter()
            .any(|(_, b)| b.requires_replace || block_has_replace_attr(&b.block))
}

/// The first path where `new` contradicts a value that was known in `planned`
/// (Terraform's "inconsistent result after apply"), if any.
pub fn first_inconsistency(planned: &Value, new: &Value, path: &AttrPath) -> Option<AttrPath> {
    match (planned, new) {
        (Value::Unknown, _) => None,
        (Value::Object(a), Value::Object(b)) => a.iter().find_map(|(k, pv)| {
            first_inconsistency(pv, b.get(k).unwrap_or(&Value::Null), &path.attr(k.clone()))
        }),
        (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b))
            if a.len() == b.len() =>
        {
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| first_inconsistency(x, y, &path.index(i)))
        }
        (Value::Map(a), Value::Map(b)) if a.len() == b.len() => a.iter().find_map(|(k, pv)| {
            b.get(k).map_or(Some(path.key(k.clone())), |nv| {
                first_inconsistency(pv, nv, &path.key(k.clone()))
            })
        }),
        (Value::Set(a), Value::Set(b)) if !planned.is_wholly_known() => {
            (a.len() != b.len()).then(|| path.clone())
        }
        (a, b) => (a != b).then(|| path.clone()),
    }
}

/// Replaces every unknown inside `v` by null; returns true when one was found.
pub fn strip_unknowns(v: &mut Value) -> bool {
    match v {
        Value::Unknown => {
            *v = Value::Null;
            true
        }
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => items
            .iter_mut()
            .fold(false, |acc, i| strip_unknowns(i) | acc),
        Value::Map(m) | Value::Object(m) => {
            m.values_mut().fold(false, |acc, i| strip_unknowns(i) | acc)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Attr, NestedBlock};

    fn schema() -> Schema {
        Schema::new("t")
            .attr(
                "id",
                Attr::string().computed().use_state_for_unknown().doc("d"),
            )
            .attr("name", Attr::string().required().doc("d"))
            .attr(
                "mode",
                Attr::string()
                    .default(Value::string("MYSQL"))
                    .requires_replace()
                    .doc("d"),
            )
            .attr("status", Attr::string().computed().doc("d"))
            .block(
                "zone",
                NestedBlock::list(
                    Block::new("z")
                        .attr("name", Attr::string().required().doc("d"))
                        .attr("units", Attr::int().optional().doc("d"))
                        .attr("used", Attr::string().computed().doc("d")),
                ),
            )
    }

    fn zone(name: &str, units: i64, used: Value) -> Value {
        Value::object([
            ("name", Value::string(name)),
            ("units", Value::from_i64(units)),
            ("used", used),
        ])
    }

    #[test]
    fn create_plans_defaults_and_unknown_computed_values() {
        let s = schema();
        let config = Value::object([
            ("name", Value::string("a")),
            ("mode", Value::Null),
            ("id", Value::Null),
            ("status", Value::Null),
            ("zone", Value::List(vec![zone("z1", 1, Value::Null)])),
        ]);
        let (planned, replace) = plan(&s, &Value::Null, &config, &config);
        assert_eq!(planned.get("mode"), Some(&Value::string("MYSQL")));
        assert_eq!(planned.get("id"), Some(&Value::Unknown));
        assert_eq!(planned.get("status"), Some(&Value::Unknown));
        assert_eq!(
            planned.get("zone").map(|z| z.elements()[0].get("used")),
            Some(Some(&Value::Unknown))
        );
        assert!(replace.is_empty());
    }

    fn prior() -> Value {
        Value::object([
            ("id", Value::string("7")),
            ("name", Value::string("a")),
            ("mode", Value::string("MYSQL")),
            ("status", Value::string("NORMAL")),
            (
                "zone",
                Value::List(vec![
                    zone("z1", 1, Value::string("1C")),
                    zone("z2", 1, Value::string("1C")),
                ]),
            ),
        ])
    }

    #[test]
    fn a_change_of_timeouts_alone_keeps_every_computed_value() {
        let s = schema().timeouts(&[("create", std::time::Duration::from_secs(60))]);
        let p = prior();
        let mut proposed = p.clone();
        if let Value::Object(o) = &mut proposed {
            o.insert(
                "timeouts".into(),
                Value::object([("create", Value::string("30m"))]),
            );
        }
        let mut config = proposed.clone();
        for k in ["id", "status", "mode"] {
            *config.get_mut(k).unwrap() = Value::Null;
        }
        let (planned, replace) = plan(&s, &p, &proposed, &config);
        assert_eq!(planned.get("status"), Some(&Value::string("NORMAL")));
        assert_eq!(
            planned.get("timeouts").and_then(|t| t.get("create")),
            Some(&Value::string("30m"))
        );
        assert!(replace.is_empty());
        // Anything else changing as well: computed values become unknown as usual.
        *proposed.get_mut("name").unwrap() = Value::string("b");
        *config.get_mut("name").unwrap() = Value::string("b");
        let (planned, _) = plan(&s, &p, &proposed, &config);
        assert_eq!(planned.get("status"), Some(&Value::Unknown));
    }

    #[test]
    fn keep_computed_takes_only_unknown_computed_values_from_the_prior() {
        let s = schema();
        let p = prior();
        let mut planned = p.clone();
        *planned.get_mut("status").unwrap() = Value::Unknown;
        *planned.get_mut("name").unwrap() = Value::string("b");
        keep_computed(&s.block, &mut planned, &p);
        assert_eq!(planned.get("status"), p.get("status"));
        assert_eq!(planned.get("name"), Some(&Value::string("b")));
    }

    #[test]
    fn unchanged_config_plans_no_change() {
        let p = prior();
        let mut config = p.clone();
        for k in ["id", "status", "mode"] {
            *config.get_mut(k).unwrap() = Value::Null;
        }
        let (planned, replace) = plan(&schema(), &p, &p, &config);
        assert_eq!(planned, p);
        assert!(replace.is_empty());
    }

    #[test]
    fn update_keeps_stable_ids_and_marks_changed_computed_values_unknown() {
        let p = prior();
        let mut proposed = p.clone();
        *proposed.get_mut("name").unwrap() = Value::string("b");
        if let Some(Value::List(z)) = proposed.get_mut("zone") {
            *z[1].get_mut("units").unwrap() = Value::from_i64(2);
        }
        let mut config = proposed.clone();
        for k in ["id", "status", "mode"] {
            *config.get_mut(k).unwrap() = Value::Null;
        }
        if let Some(Value::List(z)) = config.get_mut("zone") {
            for zone in z {
                *zone.get_mut("used").unwrap() = Value::Null;
            }
        }
        let (planned, replace) = plan(&schema(), &p, &proposed, &config);
        assert_eq!(planned.get("id"), Some(&Value::string("7")));
        assert_eq!(planned.get("status"), Some(&Value::Unknown));
        let zones = planned.get("zone").unwrap().elements();
        assert_eq!(
            zones[0].get("used"),
            Some(&Value::string("1C")),
            "unchanged zone keeps its values"
        );
        assert_eq!(zones[1].get("used"), Some(&Value::Unknown));
        assert!(replace.is_empty());
    }

    #[test]
    fn changing_a_force_new_attribute_requires_replacement() {
        let p = prior();
        let mut proposed = p.clone();
        *proposed.get_mut("mode").unwrap() = Value::string("ORACLE");
        let config = proposed.clone();
        let (_, replace) = plan(&schema(), &p, &proposed, &config);
        assert_eq!(replace, vec![AttrPath::root("mode")]);
    }

    /// A computed attribute whose change replaces the object, left out of the configuration,
    /// keeps its prior value in an update, null included: unknown would plan a replacement.
    #[test]
    fn an_unconfigured_replacing_attribute_keeps_its_prior_value_even_null() {
        let s = schema().attr(
            "note",
            Attr::string()
                .optional()
                .computed()
                .use_state_for_unknown()
                .requires_replace()
                .doc("d"),
        );
        let mut p = prior();
        if let Value::Object(o) = &mut p {
            o.insert("note".into(), Value::Null);
        }
        let mut proposed = p.clone();
        *proposed.get_mut("name").unwrap() = Value::string("b");
        let mut config = proposed.clone();
        for k in ["id", "status", "mode", "note"] {
            *config.get_mut(k).unwrap() = Value::Null;
        }
        let (planned, replace) = plan(&s, &p, &proposed, &config);
        assert_eq!(planned.get("note"), Some(&Value::Null));
        assert!(replace.is_empty(), "{replace:?}");
        // At create there is no prior value: unknown, as for every computed attribute.
        let (planned, _) = plan(&s, &Value::Null, &proposed, &config);
        assert_eq!(planned.get("note"), Some(&Value::Unknown));
    }

    #[test]
    fn results_may_fill_unknowns_but_not_change_known_values() {
        let planned = Value::object([("id", Value::Unknown), ("name", Value::string("a"))]);
        let good = Value::object([("id", Value::string("1")), ("name", Value::string("a"))]);
        let bad = Value::object([("id", Value::string("1")), ("name", Value::string("A"))]);
        assert_eq!(
            first_inconsistency(&planned, &good, &AttrPath::default()),
            None
        );
        assert_eq!(
            first_inconsistency(&planned, &bad, &AttrPath::default()),
            Some(AttrPath::root("name"))
        );
    }

    #[test]
    fn unknowns_are_stripped_at_any_depth() {
        let mut v = Value::object([
            ("a", Value::List(vec![Value::Unknown])),
            ("b", Value::string("x")),
        ]);
        assert!(strip_unknowns(&mut v));
        assert!(v.is_wholly_known());
        assert!(!strip_unknowns(&mut v));
    }
}
