//! Every example configuration applies against the simulator.

use std::path::Path;

use crate::support::*;

#[test]
fn quickstart_applies_and_prints_the_zones() {
    let sim = start_sim(0.2);
    let tf = TfProject::new()
        .copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart"))
        .with_sim(&sim);
    tf.init();
    let r = tf.apply().success();
    assert!(
        r.stdout.contains("zone1") && r.stdout.contains("zone3"),
        "{}",
        r.stdout
    );
    let out = tf.outputs();
    let zones = out["zones"]["value"].as_object().unwrap();
    assert_eq!(zones.len(), 3);
    assert_no_secret(&r.all());
}

#[test]
fn data_source_examples_apply() {
    let sim = start_sim(0.2);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data-sources");
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let tf = TfProject::new()
            .file("versions.tf", REQUIRED_PROVIDERS)
            .copy_dir(&dir)
            .with_sim(&sim);
        tf.init();
        let r = tf.apply();
        assert!(r.ok, "example {} failed:\n{}", dir.display(), r.all());
    }
}
