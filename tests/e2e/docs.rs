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

/// `docs/contributing.md` walks a newcomer through adding a resource; this keeps it true.
#[test]
fn the_contributing_walkthrough_matches_the_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let guide = std::fs::read_to_string(root.join("docs/contributing.md")).unwrap();
    // Every repository path the guide names exists.
    let mut missing: Vec<String> = guide
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            [
                "src/",
                "crates/",
                "tests/",
                "examples/",
                "docs/",
                "scripts/",
            ]
            .iter()
            .any(|p| s.starts_with(p))
                && !s.contains('<')
                && !s.contains(' ')
        })
        .filter(|s| !root.join(s).exists())
        .map(str::to_string)
        .collect();
    assert!(
        missing.is_empty(),
        "paths named in docs/contributing.md that do not exist: {missing:?}"
    );

    // One registry line per resource, each through the lifecycle adapter.
    let registry = std::fs::read_to_string(root.join("src/resources/mod.rs")).unwrap();
    let body = registry
        .split("pub fn all_resources()")
        .nth(1)
        .and_then(|b| b.split("\n}\n").next())
        .unwrap();
    let core = terraform_provider_ocp::provider_core();
    let lines: Vec<&str> = body.lines().filter(|l| l.contains("Arc::new(")).collect();
    assert_eq!(lines.len(), core.resources().len(), "{body}");
    for l in &lines {
        assert!(l.contains("Arc::new(Managed("), "not on the lifecycle: {l}");
    }

    // Every resource and data source has its example and its docs, and every example
    // directory belongs to a registered type.
    for (kind, names, file) in [
        (
            "resources",
            core.resources().keys().copied().collect::<Vec<_>>(),
            "resource.tf",
        ),
        (
            "data-sources",
            core.data_sources().keys().copied().collect(),
            "data-source.tf",
        ),
    ] {
        for name in &names {
            for p in [
                format!("examples/{kind}/{name}/{file}"),
                format!("docs/{kind}/{name}.md"),
            ] {
                if !root.join(&p).is_file() {
                    missing.push(p);
                }
            }
        }
        for dir in std::fs::read_dir(root.join("examples").join(kind)).unwrap() {
            let dir = dir.unwrap().file_name().to_string_lossy().to_string();
            if !names.contains(&dir.as_str()) {
                missing.push(format!("a registered type for examples/{kind}/{dir}"));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}
