//! Day-2 work on tenants and databases through real Terraform: the primary zone changed in
//! place, lock and unlock, the progress of a task wait in the provider log, connection strings
//! and the singular `ocp_database` data source.

use crate::support::*;

const ROOT_PW: &str = "Tenant_Pa55-word";

fn config(name: &str, primary_zone: &str, locked: bool, extra: &str) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
provider "ocp" {{}}
variable "pw" {{
  type      = string
  sensitive = true
}}
resource "ocp_tenant" "t" {{
  cluster_id    = 1000001
  name          = "{name}"
  root_password = var.pw
  primary_zone  = "{primary_zone}"
  locked        = {locked}
  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}
  zone {{
    name      = "zone2"
    unit_spec = "S0"
  }}
}}
{extra}
"#
    )
}

fn tenant(sim: &ocp_sim::Sim, id: i64) -> serde_json::Value {
    ocp_call(
        sim,
        "GET",
        &format!("/api/v2/ob/clusters/1000001/tenants/{id}"),
        None,
    )
}

fn empty_plan(tf: &TfProject, when: &str) {
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(0), "empty plan {when}:\n{}", r.all());
}

#[test]
fn primary_zone_changes_in_place_and_the_tenant_locks_and_unlocks() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file("main.tf", &config("day2", "zone1;zone2", false, ""))
        .with_sim(&sim)
        .env("TF_VAR_pw", ROOT_PW);
    tf.init();
    tf.apply().success();
    let id = state_values(&tf, "ocp_tenant.t")["id"].as_i64().unwrap();
    empty_plan(&tf, "after create");

    std::fs::write(
        tf.path().join("main.tf"),
        config("day2", "zone2;zone1", false, ""),
    )
    .unwrap();
    let r = tf.apply().success();
    assert!(
        r.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        r.stdout
    );
    assert_eq!(tenant(&sim, id)["primaryZone"], "zone2;zone1");
    assert_eq!(state_values(&tf, "ocp_tenant.t")["id"], id);
    empty_plan(&tf, "after the primary zone change");

    for locked in [true, false] {
        std::fs::write(
            tf.path().join("main.tf"),
            config("day2", "zone2;zone1", locked, ""),
        )
        .unwrap();
        let r = tf.apply().success();
        assert!(
            r.stdout.contains("0 added, 1 changed, 0 destroyed"),
            "{}",
            r.stdout
        );
        assert_eq!(tenant(&sim, id)["locked"], locked);
        empty_plan(&tf, &format!("after locked = {locked}"));
    }
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
}

#[test]
fn a_task_wait_shows_its_progress_at_info_level() {
    let sim = start_sim(0.4);
    let tf = TfProject::new()
        .file("main.tf", &config("progress", "zone1;zone2", false, ""))
        .with_sim(&sim)
        .env("TF_VAR_pw", ROOT_PW);
    tf.init();
    let log_path = tf.path().join("provider.log");
    tf.run_with(
        &[
            ("TF_LOG_PROVIDER", "INFO"),
            ("TF_LOG_PATH", log_path.to_str().unwrap()),
        ],
        &["apply", "-no-color", "-input=false", "-auto-approve"],
    )
    .success();
    let log = std::fs::read_to_string(&log_path).unwrap();
    let progress: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("[INFO]") && l.contains("(Create tenant): subtask "))
        .collect();
    assert!(
        progress
            .iter()
            .any(|l| l.contains("subtask 1/4 running: Create resource pool (0 done)")),
        "the first subtask's line:\n{}",
        progress.join("\n")
    );
    assert!(
        progress.iter().any(|l| l.contains("/4 running: ")),
        "{}",
        progress.join("\n")
    );
    assert!(!log.contains(ROOT_PW));
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
}

const DATABASE: &str = r#"resource "ocp_database" "orders" {
  cluster_id = ocp_tenant.t.cluster_id
  tenant_id  = ocp_tenant.t.id
  name       = "orders"
}
data "ocp_database" "orders" {
  cluster_id = ocp_database.orders.cluster_id
  tenant_id  = ocp_database.orders.tenant_id
  name       = ocp_database.orders.name
}
output "db_dsn" {
  value = ocp_database.orders.connection_strings[0].string
}
output "ds_dsn" {
  value = data.ocp_database.orders.connection_strings[0].string
}
output "ds_charset" {
  value = data.ocp_database.orders.charset
}
output "tenant_dsn" {
  value = ocp_tenant.t.connection_strings[0]
}
data "ocp_tenant" "t" {
  cluster_id = ocp_tenant.t.cluster_id
  id         = ocp_tenant.t.id
}
output "ds_tenant_dsn" {
  value = data.ocp_tenant.t.connection_strings
}
output "tenant_dsns" {
  value = ocp_tenant.t.connection_strings
}
"#;

#[test]
fn connection_strings_and_the_database_data_source() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file("main.tf", &config("conn", "zone1;zone2", false, DATABASE))
        .with_sim(&sim)
        .env("TF_VAR_pw", ROOT_PW);
    tf.init();
    let r = tf.apply().success();
    assert!(!r.all().contains(ROOT_PW));
    let out = tf.outputs();
    let db = out["db_dsn"]["value"].as_str().unwrap();
    assert!(
        db.contains("-uroot@conn") && db.contains("-Dorders"),
        "{db}"
    );
    assert!(db.ends_with("-p"), "no password in {db}");
    assert_eq!(out["ds_dsn"]["value"], out["db_dsn"]["value"]);
    assert_eq!(out["ds_charset"]["value"], "utf8mb4");
    let t = &out["tenant_dsn"]["value"];
    assert_eq!(t["type"], "DIRECT");
    assert!(t["port"].as_i64().is_some());
    assert!(t["string"].as_str().unwrap().contains("-uroot@conn"), "{t}");
    // The data source reads the same list.
    assert_eq!(out["ds_tenant_dsn"]["value"], out["tenant_dsns"]["value"]);
    empty_plan(&tf, "with connection strings");

    // A database that does not exist: an error on `name`.
    let missing = format!(
        "{}\ndata \"ocp_database\" \"missing\" {{\n  cluster_id = 1000001\n  tenant_id  = ocp_tenant.t.id\n  name       = \"nope\"\n}}\n",
        config("conn", "zone1;zone2", false, DATABASE)
    );
    std::fs::write(tf.path().join("main.tf"), missing).unwrap();
    let r = tf.run(&["plan", "-no-color"]).failure();
    assert!(r.stderr.contains("Database Not Found"), "{}", r.stderr);
    std::fs::write(
        tf.path().join("main.tf"),
        config("conn", "zone1;zone2", false, DATABASE),
    )
    .unwrap();
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
}
