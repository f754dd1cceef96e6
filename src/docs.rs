//! Renders `docs/` from the registered schemas, in the tfplugindocs layout the Terraform
//! Registry shows: `index.md`, `resources/<type>.md`, `data-sources/<type>.md` (full type names, e.g. `ocp_tenant.md`). Examples come
//! from `examples/` (`provider/provider.tf`, `resources/<type>/resource.tf` and `import.sh`,
//! `data-sources/<type>/data-source.tf`). `cargo run --bin ocp-docs` writes the files; a test
//! fails when the committed docs differ from what this renders.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::framework::core::ProviderCore;
use crate::framework::schema::{Block, Nesting, Schema};
use crate::value::Type;

/// Every doc file as (path relative to `docs/`, content).
pub fn render_all(core: &ProviderCore, examples: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    out.insert(
        "index.md".to_string(),
        render_index(core.provider_schema(), examples),
    );
    for (name, e) in core.resources() {
        out.insert(
            format!("resources/{name}.md"),
            render_page(name, "Resource", &e.schema, examples),
        );
    }
    for (name, e) in core.data_sources() {
        out.insert(
            format!("data-sources/{name}.md"),
            render_page(name, "Data Source", &e.schema, examples),
        );
    }
    out
}

fn read_example(examples: &Path, rel: &str) -> Option<String> {
    std::fs::read_to_string(examples.join(rel)).ok()
}

fn front_matter(title: &str, description: &str) -> String {
    let first = description.lines().next().unwrap_or("");
    format!("---\npage_title: \"{title}\"\nsubcategory: \"\"\ndescription: |-\n  {first}\n---\n\n")
}

fn render_index(schema: &Schema, examples: &Path) -> String {
    let mut s = front_matter("ocp Provider", &schema.block.description);
    let _ = writeln!(s, "# ocp Provider\n\n{}\n", schema.block.description);
    if let Some(ex) = read_example(examples, "provider/provider.tf") {
        let _ = writeln!(
            s,
            "## Example Usage\n\n```terraform\n{}```\n",
            ensure_nl(&ex)
        );
    }
    s.push_str(&render_schema(&schema.block));
    s
}

fn render_page(name: &str, kind: &str, schema: &Schema, examples: &Path) -> String {
    let dir = if kind == "Resource" {
        "resources"
    } else {
        "data-sources"
    };
    let file = if kind == "Resource" {
        "resource.tf"
    } else {
        "data-source.tf"
    };
    let mut s = front_matter(
        &format!("{name} {kind} - terraform-provider-ocp"),
        &schema.block.description,
    );
    let _ = writeln!(s, "# {name} ({kind})\n\n{}\n", schema.block.description);
    if let Some(ex) = read_example(examples, &format!("{dir}/{name}/{file}")) {
        let _ = writeln!(
            s,
            "## Example Usage\n\n```terraform\n{}```\n",
            ensure_nl(&ex)
        );
    }
    s.push_str(&render_schema(&schema.block));
    if let Some(ex) = read_example(examples, &format!("{dir}/{name}/import.sh")) {
        let _ = writeln!(
            s,
            "\n## Import\n\nImport is supported using the following syntax:\n\n```shell\n{}```\n\n{IMPORT_NOTE}",
            ensure_nl(&ex)
        );
    }
    s
}

/// How an object that exists already comes under Terraform: the same for every resource
/// (design rule R2, `resources::refuse_existing`).
const IMPORT_NOTE: &str = "Terraform never takes over an object it did not create. When OCP \
already has the object a create names (made by hand, by another tool, or by another Terraform \
state), the apply fails with an `Already Exists` error that names the object and prints the \
`terraform import` command with its id; nothing is recorded in state, so no later destroy can \
delete it. Run that command to manage the object here. A `timeouts` block, which an import \
cannot know, shows as added on the first plan after an import; applying it changes nothing in \
OCP.\n\nThe same rule makes replacements safe: with `lifecycle { create_before_destroy = true \
}`, a replacement that keeps the object's name (its key in OCP) fails at the create, and the \
existing object stays untouched and in state. Change the name in the same apply, or drop \
`create_before_destroy` so that the old object is deleted first.\n";

fn ensure_nl(s: &str) -> String {
    if s.ends_with('\n') {
        s.to_string()
    } else {
        format!("{s}\n")
    }
}

/// Human name of a type, as tfplugindocs writes it.
pub fn type_name(t: &Type) -> String {
    match t {
        Type::String => "String".into(),
        Type::Number => "Number".into(),
        Type::Bool => "Boolean".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_name(e)),
        Type::Set(e) => format!("Set of {}", type_name(e)),
        Type::Map(e) => format!("Map of {}", type_name(e)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

/// Object types reached from `t` (the element type of a list of objects, …).
fn object_of(t: &Type) -> Option<&BTreeMap<String, Type>> {
    match t {
        Type::Object(a) => Some(a),
        Type::List(e) | Type::Set(e) | Type::Map(e) => object_of(e),
        _ => None,
    }
}

fn render_schema(block: &Block) -> String {
    let mut s = String::from("<!-- schema generated by ocp-docs -->\n## Schema\n");
    let mut nested = Vec::new();
    render_block_lists(block, "", &mut s, &mut nested);
    while let Some((anchor, title, item)) = nested.pop() {
        let _ = write!(
            s,
            "\n<a id=\"{anchor}\"></a>\n### Nested Schema for `{title}`\n"
        );
        match item {
            NestedItem::Block(b) => {
                render_block_lists(b, &format!("{title}."), &mut s, &mut nested)
            }
            NestedItem::Object(attrs) => {
                s.push_str("\nRead-Only:\n\n");
                for (n, t) in attrs {
                    let _ = writeln!(s, "- `{n}` ({})", type_name(t));
                    if let Some(inner) = object_of(t) {
                        let anchor =
                            format!("nestedobjatt--{}{n}", title.replace('.', "--") + "--");
                        nested.insert(
                            0,
                            (anchor, format!("{title}.{n}"), NestedItem::Object(inner)),
                        );
                    }
                }
            }
        }
    }
    s
}

/// Picks the attributes of one docs section.
type AttrFilter = fn(&crate::framework::Attr) -> bool;

enum NestedItem<'a> {
    Block(&'a Block),
    Object(&'a BTreeMap<String, Type>),
}

fn render_block_lists<'a>(
    block: &'a Block,
    prefix: &str,
    s: &mut String,
    nested: &mut Vec<(String, String, NestedItem<'a>)>,
) {
    let groups: [(&str, AttrFilter); 3] = [
        ("Required", |a| a.required),
        ("Optional", |a| a.optional),
        ("Read-Only", |a| a.computed && !a.optional),
    ];
    let mut new_nested = Vec::new();
    for (title, pick) in groups {
        let mut lines = Vec::new();
        for (name, a) in block.attributes.iter().filter(|(_, a)| pick(a)) {
            let mut line = format!(
                "- `{name}` ({}{}) {}",
                type_name(&a.ty),
                if a.sensitive { ", Sensitive" } else { "" },
                a.description
            );
            if let Some(obj) = object_of(&a.ty) {
                let anchor = format!("nestedatt--{}{name}", prefix.replace('.', "--"));
                let _ = write!(line, " (see [below for nested schema](#{anchor}))");
                new_nested.push((anchor, format!("{prefix}{name}"), NestedItem::Object(obj)));
            }
            lines.push(line);
        }
        if title == "Optional" || title == "Required" {
            for (name, b) in &block.blocks {
                let required = b.min_items > 0;
                if (title == "Required") != required {
                    continue;
                }
                let kind = match b.nesting {
                    Nesting::Single | Nesting::Group => "Block".to_string(),
                    Nesting::List => "Block List".to_string(),
                    Nesting::Set => "Block Set".to_string(),
                    Nesting::Map => "Block Map".to_string(),
                };
                let limits = match (b.min_items, b.max_items) {
                    (_, 0) if b.min_items > 0 => format!(", Min: {}", b.min_items),
                    (0, 0) => String::new(),
                    (0, max) => format!(", Max: {max}"),
                    (min, max) => format!(", Min: {min}, Max: {max}"),
                };
                let anchor = format!("nestedblock--{}{name}", prefix.replace('.', "--"));
                lines.push(format!(
                    "- `{name}` ({kind}{limits}) {} (see [below for nested schema](#{anchor}))",
                    b.block.description
                ));
                new_nested.push((
                    anchor,
                    format!("{prefix}{name}"),
                    NestedItem::Block(&b.block),
                ));
            }
        }
        if !lines.is_empty() {
            let _ = write!(s, "\n### {title}\n\n");
            for l in lines {
                let _ = writeln!(s, "{l}");
            }
        }
    }
    // Render in declaration order: the stack pops from the end.
    new_nested.reverse();
    nested.extend(new_nested);
}
