//! Day-2 changes made in place through real Terraform: a tenant's primary zone and lock, with
//! the drift OCP's own API makes and the progress of task waits in the logs; and the data
//! sources that read one database or every role of a tenant.

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

/// Whether a progress line says which subtask of how many runs: `(k/n)`.
fn has_place(line: &str) -> bool {
    line.split('(').any(|part| {
        part.split_once(')')
            .and_then(|(inside, _)| inside.split_once('/'))
            .is_some_and(|(k, n)| k.parse::<u32>().is_ok() && n.parse::<u32>().is_ok())
    })
}

fn set_main(tf: &TfProject, hcl: &str) {
    std::fs::write(tf.path().join("main.tf"), hcl).unwrap();
}

/// Applies `hcl` and checks that it changed the one object in place.
fn apply_in_place(tf: &TfProject, hcl: &str) {
    set_main(tf, hcl);
    let r = tf.apply().success();
    assert!(
        r.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        r.stdout
    );
    let (code, out) = plan_code(tf);
    assert_eq!(code, Some(0), "empty plan after the change:\n{out}");
}

#[test]
fn a_tenants_primary_zone_and_lock_change_in_place_and_drift_shows() {
    let sim = start_sim(0.4);
    let tf = TfProject::new()
        .file("main.tf", &tenant("zone1;zone2", false))
        .with_sim(&sim)
        .env("TF_VAR_pw", ROOT_PW);
    tf.init();
    // The create's task wait reports its progress at INFO, which users see with
    // TF_LOG_PROVIDER=info; DEBUG lines stay out.
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
        .filter(|l| l.contains("OCP task") && l.contains("running subtask"))
        .collect();
    assert!(!progress.is_empty(), "subtask progress lines:\n{log}");
    assert!(
        progress
            .iter()
            .all(|l| l.contains("(Create tenant)") && has_place(l)),
        "each progress line names the task and the subtask's place in it:\n{progress:#?}"
    );
    assert!(
        log.lines()
            .any(|l| l.contains("OCP task") && l.contains("succeeded after")),
        "the end of the wait is logged:\n{log}"
    );
    assert!(!log.contains(ROOT_PW), "the tenant's password leaked");
    assert!(
        !log.to_lowercase().contains("\"@level\":\"debug\""),
        "INFO filters DEBUG out:\n{log}"
    );
    let s = state_values(&tf, "ocp_tenant.t");
    let path = format!("/api/v2/ob/clusters/1000001/tenants/{}", s["id"]);
    let ocp = |sim: &ocp_sim::Sim| ocp_call(sim, "GET", &path, None);
    assert_eq!(ocp(&sim)["locked"], false);

    apply_in_place(&tf, &tenant("zone2;zone1", false));
    assert_eq!(ocp(&sim)["primaryZone"], "zone2;zone1");
    assert_eq!(
        state_values(&tf, "ocp_tenant.t")["id"],
        s["id"],
        "same tenant"
    );

    apply_in_place(&tf, &tenant("zone2;zone1", true));
    assert_eq!(ocp(&sim)["locked"], true);
    apply_in_place(&tf, &tenant("zone2;zone1", false));
    assert_eq!(ocp(&sim)["locked"], false);

    // Drift: someone locks the tenant through OCP's API; the plan unlocks it, in place.
    ocp_call(&sim, "POST", &format!("{path}/lock"), None);
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("~ locked") && out.contains("1 to change"),
        "{out}"
    );
    assert!(!out.contains("forces replacement"), "{out}");
    tf.apply().success();
    assert_eq!(ocp(&sim)["locked"], false);
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
