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

#[test]
fn every_resource_has_an_example_and_an_import_id_and_every_data_source_an_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let core = terraform_provider_ocp::provider_core();
    let mut missing = Vec::new();
    for name in core.resources().keys() {
        for file in ["resource.tf", "import.sh"] {
            let rel = format!("resources/{name}/{file}");
            if !root.join(&rel).is_file() {
                missing.push(rel);
            }
        }
        let import = std::fs::read_to_string(root.join(format!("resources/{name}/import.sh")))
            .unwrap_or_default();
        if !import.contains(&format!("terraform import {name}.")) {
            missing.push(format!(
                "resources/{name}/import.sh: a `terraform import {name}.` line"
            ));
        }
    }
    for name in core.data_sources().keys() {
        let rel = format!("data-sources/{name}/data-source.tf");
        if !root.join(&rel).is_file() {
            missing.push(rel);
        }
    }
    assert!(missing.is_empty(), "examples missing: {missing:#?}");
}
