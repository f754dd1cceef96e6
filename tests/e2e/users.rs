//! Database users and roles through real Terraform: locking in place, the refresh of many users
//! of one tenant, and the list of a tenant's roles.

use crate::support::*;

const USER_PW: &str = "User_Pa55-word1";

/// The configuration of `users` as `ocp_db_user.u[*]` (named `u0`, `u1`, ...) in `tenant`,
/// locked as `var.locked` says.
fn users_config(tenant: i64, users: usize) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
variable "locked" {{
  type    = bool
  default = false
}}
resource "ocp_db_user" "u" {{
  count      = {users}
  cluster_id = 1000001
  tenant_id  = {tenant}
  username   = "u${{count.index}}"
  password   = "{USER_PW}"
  locked     = var.locked
}}
"#
    )
}

fn user_path(tenant: i64, name: &str) -> String {
    format!("/api/v2/ob/clusters/1000001/tenants/{tenant}/users/{name}")
}

fn plan(tf: &TfProject) -> (Option<i32>, String) {
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    (r.code, r.all())
}

#[test]
fn a_user_is_locked_and_unlocked_in_place_and_a_lock_made_through_ocp_is_drift() {
    let sim = start_sim(0.05);
    let tenant = make_tenant(&sim, "locks", "MYSQL");
    let tf = TfProject::new()
        .file("main.tf", &users_config(tenant, 1))
        .with_sim(&sim);
    tf.init();
    tf.apply().success();
    let locked = || ocp_call(&sim, "GET", &user_path(tenant, "u0"), None)["locked"].clone();
    assert_eq!(locked(), false);
    let route = |action: &str| {
        let path = format!("/api/v2/ob/clusters/{{id}}/tenants/{{id}}/users/u0/{action}");
        route_count(&sim, &format!("POST {path}"))
    };

    // Lock: one in-place change through OCP's lock call, never a replacement.
    let lock = [("TF_VAR_locked", "true")];
    let r = tf.run_with(&lock, &["plan", "-no-color"]).success();
    assert!(
        r.stdout.contains("locked") && r.stdout.contains("1 to change, 0 to destroy"),
        "{}",
        r.all()
    );
    tf.run_with(&lock, &["apply", "-no-color", "-auto-approve"])
        .success();
    assert_eq!(
        (locked(), route("lock"), route("unlock")),
        (true.into(), 1, 0)
    );
    assert_eq!(state_values(&tf, "ocp_db_user.u[0]")["locked"], true);
    let r = tf.run_with(&lock, &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(0), "{}", r.all());

    // Unlock, the same way.
    tf.apply().success();
    assert_eq!(
        (locked(), route("lock"), route("unlock")),
        (false.into(), 1, 1)
    );

    // Locked through OCP's API: the next plan shows the drift and unlocks again.
    ocp_call(
        &sim,
        "POST",
        &format!("{}/lock", user_path(tenant, "u0")),
        None,
    );
    let (code, out) = plan(&tf);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("locked") && out.contains("true -> false"),
        "{out}"
    );
    tf.apply().success();
    assert_eq!((locked(), route("unlock")), (false.into(), 2));
}

#[test]
fn a_refresh_of_200_users_of_one_tenant_asks_ocp_for_them_at_most_3_times() {
    let sim = start_sim(0.05);
    let tenant = make_tenant(&sim, "many", "MYSQL");
    let tf = TfProject::new()
        .file("main.tf", &users_config(tenant, 200))
        .with_sim(&sim);
    tf.init();
    tf.run(&["apply", "-no-color", "-auto-approve", "-parallelism=20"])
        .success();
    // Drift made through OCP's API must still show: the shared list is read fresh.
    ocp_call(
        &sim,
        "POST",
        &format!("{}/lock", user_path(tenant, "u7")),
        None,
    );
    sim_admin_delete(&sim, "/_sim/requests");

    let (code, out) = plan(&tf);

    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("ocp_db_user.u[7]") && out.contains("1 to change"),
        "{out}"
    );
    let counted: serde_json::Value = runtime().block_on(async {
        let url = format!("{}/_sim/requests", sim.url());
        reqwest::get(url).await.unwrap().json().await.unwrap()
    });
    let users: u64 = counted["by_route"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(route, _)| route.contains("/users"))
        .map(|(_, n)| n.as_u64().unwrap())
        .sum();
    assert!(users <= 3, "{users} requests for the users: {counted}");
}

#[test]
fn the_roles_of_an_oracle_tenant_are_listed_by_name() {
    let sim = start_sim(0.05);
    let tenant = make_tenant(&sim, "rolelist", "ORACLE");
    let roles = format!("/api/v2/ob/clusters/1000001/tenants/{tenant}/roles");
    let body = serde_json::json!({"roleName": "R_APP", "globalPrivileges": ["CREATE_SESSION"], "roles": ["CONNECT"]});
    ocp_call(&sim, "POST", &roles, Some(body));
    let config = format!(
        r#"{REQUIRED_PROVIDERS}
data "ocp_db_roles" "all" {{
  cluster_id = 1000001
  tenant_id  = {tenant}
}}
output "roles" {{
  value = data.ocp_db_roles.all.roles
}}
"#
    );
    let tf = TfProject::new().file("main.tf", &config).with_sim(&sim);
    tf.init();
    tf.apply().success();

    let listed = tf.outputs()["roles"]["value"].clone();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "by name");
    assert!(names.contains(&"CONNECT"), "OCP's own roles too: {names:?}");
    let app = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "R_APP")
        .unwrap_or_else(|| panic!("R_APP in {listed}"));
    assert_eq!(
        app["global_privileges"],
        serde_json::json!(["CREATE_SESSION"])
    );
    assert_eq!(app["roles"], serde_json::json!(["CONNECT"]));
    assert!(app["create_time"].is_string(), "{app}");
}
