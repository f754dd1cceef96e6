//! Every example configuration applies against the simulator.

use std::path::Path;

use crate::support::*;

#[test]
fn quickstart_applies_and_prints_the_zones() {
    let sim = start_sim(0.2);
    let tf = TfProject::new()
        .copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart"))
        .with_sim(&sim)
        .env("TF_VAR_tenant_root_password", "Quick_Start-2024");
    tf.init();
    let r = tf.apply().success();
    assert!(
        r.stdout.contains("zone1") && r.stdout.contains("zone3"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("1 added"),
        "the quickstart creates a tenant:\n{}",
        r.stdout
    );
    let out = tf.outputs();
    let zones = out["zones"]["value"].as_object().unwrap();
    assert_eq!(zones.len(), 3);
    assert_no_secret(&r.all());
    assert!(!r.all().contains("Quick_Start-2024"));
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
}

#[test]
fn resource_and_data_source_examples_apply_and_destroy() {
    let sim = start_sim(0.2);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs: Vec<_> = ["resources", "data-sources"]
        .iter()
        .flat_map(|kind| {
            std::fs::read_dir(root.join(kind))
                .unwrap()
                .map(|e| e.unwrap().path())
        })
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 5, "{dirs:?}");
    for dir in dirs {
        let tf = TfProject::new()
            .file("versions.tf", REQUIRED_PROVIDERS)
            .copy_dir(&dir)
            .with_sim(&sim)
            .env("TF_VAR_tenant_root_password", "Example_Pa55-word")
            .env("TF_VAR_db_user_password", "Example_User-2024")
            .env("TF_VAR_host_ssh_password", "Example_Ssh-Pa55")
            .env("TF_VAR_cluster_root_password", "Example_Root-2024")
            .env("TF_VAR_proxyro_password", "Example_Proxyro-2024");
        tf.init();
        let r = tf.apply();
        assert!(r.ok, "example {} failed:\n{}", dir.display(), r.all());
        let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
        assert_eq!(
            r.code,
            Some(0),
            "example {} plans changes right after its apply:\n{}",
            dir.display(),
            r.all()
        );
        let r = tf.run(&["destroy", "-no-color", "-auto-approve"]);
        assert!(
            r.ok,
            "example {} did not destroy:\n{}",
            dir.display(),
            r.all()
        );
    }
}
