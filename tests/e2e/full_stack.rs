//! `examples/full-stack` through real Terraform: hosts to cluster to tenant in one apply, a
//! zone added and removed, import, and a destroy that returns OCP to where it started.

use std::path::Path;

use crate::support::*;

fn names(sim: &ocp_sim::Sim, path: &str, field: &str) -> Vec<String> {
    let mut v: Vec<String> = ocp_call(sim, "GET", &format!("{path}?size=2000"), None)["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x[field].as_str().map(str::to_string))
        .collect();
    v.sort();
    v
}

fn inventory(sim: &ocp_sim::Sim) -> Vec<Vec<String>> {
    vec![
        names(sim, "/api/v2/ob/clusters", "name"),
        names(sim, "/api/v2/compute/hosts", "innerIpAddress"),
        names(sim, "/api/v2/compute/regions", "name"),
        names(sim, "/api/v2/compute/idcs", "name"),
        names(sim, "/api/v2/compute/hostTypes", "name"),
        names(sim, "/api/v2/ob/tenants", "name"),
    ]
}

const EXTRA_ZONE: &str = r#"
resource "ocp_host" "extra" {
  ip           = "10.10.1.12"
  idc_id       = ocp_idc.dc["sh1"].id
  host_type_id = ocp_host_type.ob.id
  ssh_username = "admin"
  ssh_password = var.host_ssh_password
}

resource "ocp_zone" "zone4" {
  cluster_id = ocp_cluster.orders.id
  name       = "zone4"
  idc_name   = ocp_idc.dc["sh1"].name
  servers    = [ocp_host.extra.id]
}
"#;

#[test]
fn full_stack_applies_grows_a_zone_imports_and_destroys_in_order() {
    let sim = start_sim(0.05);
    let seeded = inventory(&sim);
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/full-stack");
    let tf = TfProject::new()
        .copy_dir(&example)
        .with_sim(&sim)
        .env("TF_VAR_host_ssh_password", "Ssh_Pa55-word")
        .env("TF_VAR_cluster_root_password", "Cluster_Pa55-word")
        .env("TF_VAR_tenant_root_password", "Tenant_Pa55-word");
    tf.init();
    let t0 = std::time::Instant::now();
    let r = tf.apply().success();
    eprintln!("full-stack apply: {:?}", t0.elapsed());
    assert!(r.stdout.contains("12 added"), "{}", r.stdout);
    for secret in ["Ssh_Pa55-word", "Cluster_Pa55-word", "Tenant_Pa55-word"] {
        assert!(!r.all().contains(secret), "{secret} leaked");
    }
    let out = tf.outputs();
    assert_eq!(out["cluster"]["value"]["status"], "RUNNING");
    assert!(out["tenant_locality"]["value"]
        .as_str()
        .unwrap()
        .contains("zone3"));
    assert_eq!(
        out["connection_string"]["value"],
        "obclient -h10.10.1.21 -P2883 -uroot@orders#orders-cluster -p"
    );
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(
        r.code,
        Some(0),
        "empty plan after the full stack:\n{}",
        r.all()
    );

    // Add a zone on a new host, then remove it again.
    std::fs::write(tf.path().join("zone4.tf"), EXTRA_ZONE).unwrap();
    let r = tf.apply().success();
    assert!(
        r.stdout.contains("2 added, 0 changed, 0 destroyed"),
        "{}",
        r.stdout
    );
    let zones = ocp_call(
        &sim,
        "GET",
        &format!(
            "/api/v2/ob/clusters/{}/zones",
            out["cluster"]["value"]["id"]
        ),
        None,
    );
    assert!(zones.to_string().contains("zone4"));
    assert_eq!(
        tf.run(&["plan", "-no-color", "-detailed-exitcode"]).code,
        Some(0)
    );
    std::fs::remove_file(tf.path().join("zone4.tf")).unwrap();
    let r = tf.apply().success();
    assert!(
        r.stdout.contains("0 added, 0 changed, 2 destroyed"),
        "{}",
        r.stdout
    );

    // Import the cluster and a host into a fresh state: an empty plan (the passwords OCP never
    // returns are ignored there, as the import docs explain).
    let cluster_id = state_values(&tf, "ocp_cluster.orders")["id"]
        .as_i64()
        .unwrap();
    let fresh = TfProject::new()
        .file(
            "main.tf",
            &format!(
                "{REQUIRED_PROVIDERS}
variable \"host_ssh_password\" {{
  type      = string
  sensitive = true
}}
variable \"cluster_root_password\" {{
  type      = string
  sensitive = true
}}
resource \"ocp_cluster\" \"orders\" {{
  name          = \"orders-cluster\"
  rpm_name      = \"oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm\"
  root_password = var.cluster_root_password
  lifecycle {{
    ignore_changes = [root_password]
  }}
  zone {{
    name     = \"zone1\"
    idc_name = \"sh1\"
    servers  = [{h1}]
  }}
  zone {{
    name     = \"zone2\"
    idc_name = \"sh2\"
    servers  = [{h2}]
  }}
  zone {{
    name     = \"zone3\"
    idc_name = \"sh3\"
    servers  = [{h3}]
  }}
}}
resource \"ocp_host\" \"h1\" {{
  ip           = \"10.10.1.11\"
  idc_id       = {idc1}
  host_type_id = {ht}
  ssh_username = \"admin\"
  ssh_password = var.host_ssh_password
  lifecycle {{
    ignore_changes = [ssh_username, ssh_password]
  }}
}}
",
                h1 = state_values(&tf, "ocp_host.ob[\"zone1\"]")["id"],
                h2 = state_values(&tf, "ocp_host.ob[\"zone2\"]")["id"],
                h3 = state_values(&tf, "ocp_host.ob[\"zone3\"]")["id"],
                idc1 = state_values(&tf, "ocp_idc.dc[\"sh1\"]")["id"],
                ht = state_values(&tf, "ocp_host_type.ob")["id"],
            ),
        )
        .with_sim(&sim)
        .env("TF_VAR_host_ssh_password", "Ssh_Pa55-word")
        .env("TF_VAR_cluster_root_password", "Cluster_Pa55-word");
    fresh.init();
    fresh
        .run(&[
            "import",
            "-no-color",
            "ocp_cluster.orders",
            &cluster_id.to_string(),
        ])
        .success();
    fresh
        .run(&["import", "-no-color", "ocp_host.h1", "10.10.1.11"])
        .success();
    let r = fresh.run_with(
        &[("TF_LOG_PROVIDER", "DEBUG")],
        &["plan", "-no-color", "-detailed-exitcode"],
    );
    let why: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("require replacement"))
        .collect();
    assert_eq!(
        r.code,
        Some(0),
        "empty plan after importing the cluster and a host:\n{}\n{why:?}",
        r.stdout
    );

    let t0 = std::time::Instant::now();
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    eprintln!("full-stack destroy: {:?}", t0.elapsed());
    assert_eq!(
        inventory(&sim),
        seeded,
        "destroy returns OCP to its seeded state"
    );
}

#[test]
fn bad_cluster_input_is_a_clear_error_on_the_attribute() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!(
                "{REQUIRED_PROVIDERS}
resource \"ocp_cluster\" \"c\" {{
  name          = \"bad\"
  rpm_name      = \"oceanbase-9.9.9.9-1.el7.x86_64.rpm\"
  root_password = \"Cluster_Pa55-word\"
  zone {{
    name     = \"zone1\"
    idc_name = \"hz1\"
    servers  = [1003004]
  }}
}}
"
            ),
        )
        .with_sim(&sim);
    tf.init();
    let r = tf.apply().failure();
    assert!(
        r.stderr.contains("Unable to Create Cluster") && r.stderr.contains("rpm_name"),
        "{}",
        r.stderr
    );
    assert!(!tf.run(&["state", "list"]).stdout.contains("ocp_cluster.c"));

    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!(
                "{REQUIRED_PROVIDERS}
resource \"ocp_cluster\" \"c\" {{
  name          = \"bad2\"
  rpm_name      = \"oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm\"
  root_password = \"Cluster_Pa55-word\"
  zone {{
    name     = \"zone1\"
    idc_name = \"hz1\"
    servers  = []
  }}
}}
"
            ),
        )
        .with_sim(&sim);
    tf.init();
    let r = tf.run(&["validate", "-no-color"]).failure();
    assert!(r.stderr.contains("Zone Without Servers"), "{}", r.stderr);
}
