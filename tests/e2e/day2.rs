//! Day-2 drift and reads through real Terraform: a tenant locked through OCP's own API, and
//! the data sources that read one database or every role of a tenant.

use serde_json::json;

use crate::support::*;

const ROOT_PW: &str = "Tenant_Pa55-word";

fn plan_code(tf: &TfProject) -> (Option<i32>, String) {
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    (r.code, r.all())
}

fn tenant(primary_zone: &str, locked: bool) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
variable "pw" {{
  type      = string
  sensitive = true
}}
resource "ocp_tenant" "t" {{
  cluster_id    = 1000001
  name          = "dayafter"
  root_password = var.pw
  primary_zone  = "{primary_zone}"
  locked        = {locked}
  zone {{
    name      = "zone1"
    unit_spec = "S1"
  }}
  zone {{
    name      = "zone2"
    unit_spec = "S1"
  }}
}}
"#
    )
}

#[test]
fn a_tenant_locked_through_ocp_is_drift_that_apply_undoes_in_place() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file("main.tf", &tenant("zone1;zone2", false))
        .with_sim(&sim)
        .env("TF_VAR_pw", ROOT_PW);
    tf.init();
    tf.apply().success();
    let s = state_values(&tf, "ocp_tenant.t");
    let path = format!("/api/v2/ob/clusters/1000001/tenants/{}", s["id"]);
    let locked = |sim: &ocp_sim::Sim| ocp_call(sim, "GET", &path, None)["locked"].clone();

    // Someone locks the tenant through OCP's API; the plan unlocks it, in place.
    ocp_call(&sim, "POST", &format!("{path}/lock"), None);
    assert_eq!(locked(&sim), true);
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("~ locked") && out.contains("1 to change"),
        "{out}"
    );
    assert!(!out.contains("forces replacement"), "{out}");
    tf.apply().success();
    assert_eq!(locked(&sim), false);
    assert_eq!(
        state_values(&tf, "ocp_tenant.t")["id"],
        s["id"],
        "same tenant"
    );
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn one_database_and_every_role_of_a_tenant_are_read() {
    let sim = start_sim(0.05);
    let mysql = make_tenant(&sim, "dsmysql", "MYSQL");
    let oracle = make_tenant(&sim, "dsoracle", "ORACLE");
    let base = format!("/api/v2/ob/clusters/1000001/tenants/{mysql}");
    ocp_call(
        &sim,
        "POST",
        &format!("{base}/databases"),
        Some(json!({"dbName": "orders", "charset": "utf8mb4"})),
    );
    let roles = format!("/api/v2/ob/clusters/1000001/tenants/{oracle}/roles");
    ocp_call(
        &sim,
        "POST",
        &roles,
        Some(json!({"roleName": "AUDITOR", "globalPrivileges": ["CREATE_SESSION"]})),
    );
    let hcl = format!(
        r#"{REQUIRED_PROVIDERS}
data "ocp_database" "orders" {{
  cluster_id = 1000001
  tenant_id  = {mysql}
  name       = "orders"
}}
data "ocp_db_roles" "all" {{
  cluster_id = 1000001
  tenant_id  = {oracle}
}}
output "charset" {{
  value = data.ocp_database.orders.charset
}}
output "id" {{
  value = data.ocp_database.orders.id
}}
output "roles" {{
  value = {{ for r in data.ocp_db_roles.all.roles : r.name => r.global_privileges }}
}}
"#
    );
    let tf = TfProject::new().file("main.tf", &hcl).with_sim(&sim);
    tf.init();
    tf.apply().success();
    let out = tf.run(&["output", "-json"]).success().stdout;
    let out: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(out["charset"]["value"], "utf8mb4");
    assert_eq!(out["id"]["value"], format!("1000001/{mysql}/orders"));
    assert_eq!(
        out["roles"]["value"]["AUDITOR"],
        json!(["CREATE_SESSION"]),
        "{out}"
    );

    // A database that does not exist is an error on `name`.
    std::fs::write(
        tf.path().join("main.tf"),
        hcl.replace("name       = \"orders\"", "name       = \"nope\""),
    )
    .unwrap();
    let r = tf.run(&["plan", "-no-color"]).failure();
    assert!(
        r.stderr.contains("Database Not Found") && r.stderr.contains("nope"),
        "{}",
        r.stderr
    );
}
