//! The committed docs are exactly what `cargo run --bin ocp-docs` renders from the schemas.

use std::path::Path;

#[test]
fn docs_are_up_to_date_with_the_schemas() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let core = terraform_provider_ocp::provider_core();
    let rendered = terraform_provider_ocp::docs::render_all(&core, &root.join("examples"));
    let mut stale = Vec::new();
    for (rel, content) in &rendered {
        let committed = std::fs::read_to_string(root.join("docs").join(rel)).unwrap_or_default();
        if &committed != content {
            stale.push(rel.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "docs are stale: {stale:?}. Run `cargo run --bin ocp-docs` and commit the result."
    );
    assert!(rendered.contains_key("index.md"));
    assert!(rendered.contains_key("data-sources/ocp_cluster.md"));
}

#[test]
fn every_schema_documents_every_attribute() {
    let core = terraform_provider_ocp::provider_core();
    let mut problems = core.provider_schema().check();
    for (name, e) in core.resources() {
        problems.extend(e.schema.check().into_iter().map(|p| format!("{name}: {p}")));
    }
    for (name, e) in core.data_sources() {
        problems.extend(e.schema.check().into_iter().map(|p| format!("{name}: {p}")));
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
