//! Conversions between framework types and tfplugin5 messages.
//!
//! Schemas become `Schema` messages (types as cty type JSON), diagnostics always carry a
//! severity, attribute paths map step by step, and dynamic values decode from msgpack
//! (else JSON, else null) and always encode as msgpack.

use crate::framework::diag::{AttrPath, Diagnostic, Diagnostics, Severity};
use crate::framework::schema::{Block, Nesting, Schema};
use crate::value::{decode_json, decode_msgpack, encode_msgpack, PathStep, Type, Value};

use super::proto::tfplugin5 as pb;

/// A framework schema as a tfplugin5 schema.
pub fn schema_to_proto(s: &Schema) -> pb::Schema {
    pb::Schema {
        version: s.version,
        block: Some(block_to_proto(&s.block)),
    }
}

fn block_to_proto(b: &Block) -> pb::schema::Block {
    pb::schema::Block {
        version: 0,
        attributes: b
            .attributes
            .iter()
            .map(|(name, a)| pb::schema::Attribute {
                name: name.clone(),
                r#type: a.ty.to_json().into_bytes(),
                description: a.description.clone(),
                required: a.required,
                optional: a.optional,
                computed: a.computed,
                sensitive: a.sensitive,
                description_kind: pb::StringKind::Markdown as i32,
                deprecated: false,
            })
            .collect(),
        block_types: b
            .blocks
            .iter()
            .map(|(name, nb)| pb::schema::NestedBlock {
                type_name: name.clone(),
                block: Some(block_to_proto(&nb.block)),
                nesting: match nb.nesting {
                    Nesting::Single => pb::schema::nested_block::NestingMode::Single,
                    Nesting::List => pb::schema::nested_block::NestingMode::List,
                    Nesting::Set => pb::schema::nested_block::NestingMode::Set,
                    Nesting::Map => pb::schema::nested_block::NestingMode::Map,
                    Nesting::Group => pb::schema::nested_block::NestingMode::Group,
                } as i32,
                min_items: nb.min_items,
                max_items: nb.max_items,
            })
            .collect(),
        description: b.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: false,
    }
}

/// A framework path as a tfplugin5 path.
pub fn path_to_proto(p: &AttrPath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: p
            .0
            .iter()
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attr(a) => Selector::AttributeName(a.clone()),
                    PathStep::Index(i) => {
                        Selector::ElementKeyInt(i64::try_from(*i).unwrap_or(i64::MAX))
                    }
                    PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                }),
            })
            .collect(),
    }
}

/// Framework diagnostics as tfplugin5 diagnostics (severity always ERROR or WARNING).
pub fn diags_to_proto(d: &Diagnostics) -> Vec<pb::Diagnostic> {
    d.0.iter().map(diag_to_proto).collect()
}

fn diag_to_proto(d: &Diagnostic) -> pb::Diagnostic {
    pb::Diagnostic {
        severity: match d.severity {
            Severity::Error => pb::diagnostic::Severity::Error,
            Severity::Warning => pb::diagnostic::Severity::Warning,
        } as i32,
        summary: d.summary.clone(),
        detail: d.detail.clone(),
        attribute: d.path.as_ref().map(path_to_proto),
    }
}

/// Decodes a DynamicValue against `ty`: msgpack when present, else JSON, else null.
/// Undecodable bytes become an error diagnostic naming `what`, never a panic.
pub fn decode_dynamic(
    dv: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let Some(dv) = dv else {
        return Some(Value::Null);
    };
    let res = if !dv.msgpack.is_empty() {
        decode_msgpack(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        decode_json(&dv.json, ty)
    } else {
        return Some(Value::Null);
    };
    match res {
        Ok(v) => Some(v),
        Err(e) => {
            diags.error(
                "Invalid Value From Terraform",
                format!("The {what} sent by Terraform could not be decoded: {e}. This usually means Terraform and terraform-provider-ocp disagree on the schema; run `terraform init -upgrade`."),
            );
            None
        }
    }
}

/// Encodes a value as a msgpack DynamicValue; a value that does not fit the schema is a bug
/// reported as a diagnostic.
pub fn encode_dynamic(v: &Value, ty: &Type, diags: &mut Diagnostics) -> Option<pb::DynamicValue> {
    match encode_msgpack(v, ty) {
        Ok(msgpack) => Some(pb::DynamicValue {
            msgpack,
            json: Vec::new(),
        }),
        Err(e) => {
            diags.bug(
                "Unable to Encode Value",
                format!("A value did not match its schema: {e}."),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Attr, NestedBlock};

    #[test]
    fn schemas_carry_type_json_and_nesting() {
        let s = Schema::new("r")
            .attr("tags", Attr::map(Type::String).optional().doc("t"))
            .block(
                "zone",
                NestedBlock::list(Block::new("z").attr("name", Attr::string().required().doc("n")))
                    .items(1, 0),
            );
        let p = schema_to_proto(&s);
        let b = p.block.unwrap();
        assert_eq!(b.attributes[0].r#type, br#"["map","string"]"#.to_vec());
        assert_eq!(
            b.block_types[0].nesting,
            pb::schema::nested_block::NestingMode::List as i32
        );
        assert_eq!(b.block_types[0].min_items, 1);
    }

    #[test]
    fn diagnostics_always_have_a_severity_and_keep_their_path() {
        let mut d = Diagnostics::new();
        d.attr_error(AttrPath::root("zone").index(2).attr("name"), "Bad", "x");
        d.warning("W", "y");
        let p = diags_to_proto(&d);
        assert_eq!(p[0].severity, pb::diagnostic::Severity::Error as i32);
        assert_eq!(p[1].severity, pb::diagnostic::Severity::Warning as i32);
        assert_eq!(p[0].attribute.as_ref().unwrap().steps.len(), 3);
    }

    #[test]
    fn undecodable_bytes_are_a_diagnostic() {
        let mut d = Diagnostics::new();
        let dv = pb::DynamicValue {
            msgpack: vec![0xc1, 0xff],
            json: vec![],
        };
        assert!(decode_dynamic(Some(&dv), &Type::String, "config", &mut d).is_none());
        assert!(d.has_errors());
    }

    #[test]
    fn empty_dynamic_values_decode_as_null() {
        let mut d = Diagnostics::new();
        let dv = pb::DynamicValue::default();
        assert_eq!(
            decode_dynamic(Some(&dv), &Type::String, "x", &mut d),
            Some(Value::Null)
        );
        assert_eq!(
            decode_dynamic(None, &Type::String, "x", &mut d),
            Some(Value::Null)
        );
    }
}
