//! Lifecycles against an OCP that answers in other shapes (ocp-sim's shape chaos): fields the
//! reference does not guarantee are omitted, undocumented extras are added (`extInfo`,
//! `sqlPort` beside `port`), lists come newest-first. One lifecycle per family: apply, an empty
//! re-plan, destroy (design rule R6).

use ocp_sim::{Sim, SimConfig};

use crate::support::*;

fn start_chaos_sim(seed: u64) -> Sim {
    runtime()
        .block_on(Sim::start(SimConfig {
            username: SIM_USER.to_string(),
            password: SIM_PASSWORD.to_string(),
            task_seconds: 0.05,
            shape_chaos: Some(seed),
            ..SimConfig::default()
        }))
        .expect("start ocp-sim")
}

/// Apply, an empty plan, destroy; the simulator really answers in chaos shapes.
fn lifecycle(seed: u64, config: &str) {
    lifecycle_checked(seed, config, |_| {});
}

/// [`lifecycle`], with `check` run on the applied project before the re-plan.
fn lifecycle_checked(seed: u64, config: &str, check: impl Fn(&TfProject)) {
    let sim = start_chaos_sim(seed);
    let clusters = ocp_call(&sim, "GET", "/api/v2/ob/clusters", None);
    assert!(
        clusters["contents"][0].get("zones").is_none()
            && clusters["contents"][0].get("extInfo").is_some(),
        "shape chaos is on: {clusters}"
    );
    let tf = TfProject::new()
        .file("main.tf", &format!("{REQUIRED_PROVIDERS}\n{config}"))
        .with_sim(&sim);
    tf.init();
    tf.apply().success();
    check(&tf);
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(0), "empty re-plan:\n{}", r.all());
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    assert!(
        tf.run(&["state", "list"]).stdout.trim().is_empty(),
        "everything destroyed"
    );
}

const TENANT: &str = r#"
resource "ocp_tenant" "t" {
  cluster_id    = 1000001
  name          = "chaos_t"
  primary_zone  = "zone1"
  root_password = "Tenant_Pa55-word"
  whitelist     = ["10.0.0.0/8"]
  zone {
    name      = "zone1"
    unit_spec = "S0"
  }
}
"#;

#[test]
fn tenant_lifecycle() {
    lifecycle(11, TENANT);
}

#[test]
fn db_user_and_grant_lifecycle() {
    lifecycle(
        12,
        &format!(
            r#"{TENANT}
resource "ocp_database" "orders" {{
  cluster_id = 1000001
  tenant_id  = ocp_tenant.t.id
  name       = "orders"
}}
resource "ocp_db_user" "app" {{
  cluster_id        = 1000001
  tenant_id         = ocp_tenant.t.id
  username          = "app"
  password          = "User_Pa55-word1"
  global_privileges = ["select"]
}}
resource "ocp_db_grant" "app_orders" {{
  cluster_id = 1000001
  tenant_id  = ocp_tenant.t.id
  user       = ocp_db_user.app.username
  database   = ocp_database.orders.name
  privileges = ["SELECT", "INSERT"]
}}
"#
        ),
    );
}

#[test]
fn cluster_zone_and_host_lifecycle() {
    lifecycle_checked(
        13,
        r#"
data "ocp_idc" "hz1" {
  name = "hz1"
}
resource "ocp_host_type" "t" {
  name = "chaos_type"
}
resource "ocp_host" "a" {
  ip           = "10.20.0.1"
  idc_id       = data.ocp_idc.hz1.id
  host_type_id = ocp_host_type.t.id
  ssh_username = "admin"
  ssh_password = "Ssh_Pa55-word"
}
resource "ocp_host" "b" {
  ip           = "10.20.0.2"
  idc_id       = data.ocp_idc.hz1.id
  host_type_id = ocp_host_type.t.id
  ssh_username = "admin"
  ssh_password = "Ssh_Pa55-word"
}
resource "ocp_cluster" "c" {
  name          = "chaos-cluster"
  rpm_name      = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm"
  root_password = "Cluster_Pa55-word"
  zone {
    name     = "zone1"
    idc_name = data.ocp_idc.hz1.name
    servers  = [ocp_host.a.id]
  }
}
resource "ocp_zone" "z2" {
  cluster_id = ocp_cluster.c.id
  name       = "zone2"
  idc_name   = data.ocp_idc.hz1.name
  servers    = [ocp_host.b.id]
}
data "ocp_cluster" "c" {
  id = ocp_zone.z2.cluster_id
}
output "zones" {
  value = sort([for z in data.ocp_cluster.c.zones : z.name])
}
"#,
        |tf| {
            // The cluster object carries no zones here: the data source finds them in the
            // documented zone list.
            let out = tf.outputs();
            assert_eq!(out["zones"]["value"], serde_json::json!(["zone1", "zone2"]));
        },
    );
}

#[test]
fn backup_policy_lifecycle() {
    lifecycle(
        14,
        &format!(
            r#"{TENANT}
resource "ocp_backup_policy" "p" {{
  cluster_id     = 1000001
  tenant_id      = ocp_tenant.t.id
  backup_mode    = "PHYSICAL_BACKUP"
  retention_days = 7
  log_backup     = true
  schedule {{
    mode = "WEEK"
    time = "02:00:00.000+08:00"
    days = {{ "1" = "FULL", "4" = "INCREMENTAL" }}
  }}
  storage {{
    name              = "oss-main"
    type              = "OSS"
    url               = "bucket/t1"
    endpoint          = "oss-cn-hangzhou.aliyuncs.com"
    access_key_id     = "AKID"
    access_key_secret = "SK_secret"
  }}
}}
"#
        ),
    );
}
