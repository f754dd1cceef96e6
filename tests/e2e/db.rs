//! Databases, users, roles and grants through real Terraform, in a MySQL and an Oracle tenant.

use serde_json::json;

use crate::support::*;

const USER_PW: &str = "User_Pa55-word1";
const USER_PW2: &str = "User_Pa55-word2";

/// Users, roles and databases of a tenant, as OCP lists them (to compare before and after).
fn inventory(sim: &ocp_sim::Sim, tenant: i64, oracle: bool) -> serde_json::Value {
    let base = format!("/api/v2/ob/clusters/1000001/tenants/{tenant}");
    let users = ocp_call(sim, "GET", &format!("{base}/users"), None);
    if oracle {
        json!({"users": users, "roles": ocp_call(sim, "GET", &format!("{base}/roles"), None)})
    } else {
        json!({"users": users, "databases": ocp_call(sim, "GET", &format!("{base}/databases"), None)})
    }
}

fn header(tenant: i64) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
variable "user_pw" {{
  type      = string
  sensitive = true
}}
locals {{
  cluster_id = 1000001
  tenant_id  = {tenant}
}}
"#
    )
}

fn mysql_config(tenant: i64, extra: &str) -> String {
    format!(
        r#"{}
resource "ocp_database" "orders" {{
  cluster_id = local.cluster_id
  tenant_id  = local.tenant_id
  name       = "orders"
  {extra}
}}
resource "ocp_db_user" "app" {{
  cluster_id        = local.cluster_id
  tenant_id         = local.tenant_id
  username          = "app"
  password          = var.user_pw
  global_privileges = ["select", "create view"]
  db_privileges     = [{{ database = ocp_database.orders.name, privileges = ["ALL"] }}]
}}
resource "ocp_db_user" "reporter" {{
  cluster_id = local.cluster_id
  tenant_id  = local.tenant_id
  username   = "reporter"
  password   = var.user_pw
}}
resource "ocp_db_grant" "reporter_orders" {{
  cluster_id = local.cluster_id
  tenant_id  = local.tenant_id
  user       = ocp_db_user.reporter.username
  database   = ocp_database.orders.name
  privileges = ["SELECT", "INSERT"]
}}
resource "ocp_db_grant" "reporter_global" {{
  cluster_id = local.cluster_id
  tenant_id  = local.tenant_id
  user       = ocp_db_user.reporter.username
  privileges = ["process"]
}}
"#,
        header(tenant)
    )
}

fn plan_code(tf: &TfProject) -> (Option<i32>, String) {
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    (r.code, r.all())
}

fn import_all(sim: &ocp_sim::Sim, config: &str, imports: &[(&str, String)]) {
    let tf = TfProject::new()
        .file("main.tf", config)
        .with_sim(sim)
        .env("TF_VAR_user_pw", USER_PW2);
    tf.init();
    for (addr, id) in imports {
        tf.run(&["import", "-no-color", addr, id]).success();
    }
    let (code, out) = plan_code(&tf);
    assert_eq!(
        code,
        Some(0),
        "empty plan after importing everything:\n{out}"
    );
}

/// Import configurations ignore the passwords OCP never returns (see the import docs).
fn ignoring_passwords(config: &str) -> String {
    config.replace("  password          = var.user_pw\n", "  password          = var.user_pw\n  lifecycle {\n    ignore_changes = [password]\n  }\n").replace(
        "  password   = var.user_pw\n",
        "  password   = var.user_pw\n  lifecycle {\n    ignore_changes = [password]\n  }\n",
    )
}

#[test]
fn mysql_databases_users_and_grants_lifecycle() {
    let sim = start_sim(0.05);
    let tenant = make_tenant(&sim, "dbmysql", "MYSQL");
    let before = inventory(&sim, tenant, false);
    let config = mysql_config(tenant, "");
    let tf = TfProject::new()
        .file("main.tf", &config)
        .with_sim(&sim)
        .env("TF_VAR_user_pw", USER_PW);
    tf.init();
    let r = tf
        .run_with(
            &[("TF_LOG", "TRACE")],
            &["apply", "-no-color", "-auto-approve"],
        )
        .success();
    assert!(r.stdout.contains("5 added"), "{}", r.stdout);
    assert!(
        !r.all().contains(USER_PW),
        "a password leaked into output or TF_LOG=TRACE logs"
    );
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "empty plan after apply:\n{out}");

    // Revoke one privilege behind Terraform's back: the plan shows exactly that privilege.
    let base = format!("/api/v2/ob/clusters/1000001/tenants/{tenant}");
    ocp_call(
        &sim,
        "POST",
        &format!("{base}/users/reporter/revokeDbPrivilege"),
        Some(json!({"dbPrivileges": [{"dbName": "orders", "privileges": ["INSERT"]}]})),
    );
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("ocp_db_grant.reporter_orders will be updated in-place"),
        "{out}"
    );
    assert!(
        out.contains("+ \"INSERT\""),
        "shows the revoked privilege:\n{out}"
    );
    assert!(out.contains("0 to add, 1 to change, 0 to destroy"), "{out}");
    tf.apply().success();
    let reporter = ocp_call(&sim, "GET", &format!("{base}/users/reporter"), None);
    let orders = reporter["dbPrivileges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dbName"] == "orders")
        .unwrap()
        .clone();
    let mut held: Vec<String> = orders["privileges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str().map(str::to_string))
        .collect();
    held.sort();
    assert_eq!(
        held,
        ["INSERT", "SELECT"],
        "apply restored only the revoked privilege"
    );
    assert_eq!(plan_code(&tf).0, Some(0));

    // A password change is a sensitive in-place change that never shows the value.
    let r = tf
        .run_with(&[("TF_VAR_user_pw", USER_PW2)], &["plan", "-no-color"])
        .success();
    assert!(r.stdout.contains("~ password"), "{}", r.stdout);
    assert!(r.stdout.contains("(sensitive value)"), "{}", r.stdout);
    assert!(!r.all().contains(USER_PW2) && !r.all().contains(USER_PW));
    tf.run_with(
        &[("TF_VAR_user_pw", USER_PW2)],
        &["apply", "-no-color", "-auto-approve"],
    )
    .success();

    // Import everything into a fresh state: an empty plan.
    import_all(
        &sim,
        &ignoring_passwords(&config),
        &[
            ("ocp_database.orders", format!("1000001/{tenant}/orders")),
            ("ocp_db_user.app", format!("1000001/{tenant}/app")),
            ("ocp_db_user.reporter", format!("1000001/{tenant}/reporter")),
            (
                "ocp_db_grant.reporter_orders",
                format!("1000001/{tenant}/user/reporter/database/orders"),
            ),
            (
                "ocp_db_grant.reporter_global",
                format!("1000001/{tenant}/user/reporter/global"),
            ),
        ],
    );

    tf.run_with(
        &[("TF_VAR_user_pw", USER_PW2)],
        &["destroy", "-no-color", "-auto-approve"],
    )
    .success();
    assert_eq!(
        inventory(&sim, tenant, false),
        before,
        "destroy leaves the tenant as it was"
    );
}

fn oracle_config(tenant: i64) -> String {
    format!(
        r#"{}
resource "ocp_db_user" "app" {{
  cluster_id        = local.cluster_id
  tenant_id         = local.tenant_id
  username          = "app_owner"
  password          = var.user_pw
  global_privileges = ["CREATE_SESSION", "create table"]
  roles             = ["CONNECT"]
}}
resource "ocp_db_role" "analyst" {{
  cluster_id        = local.cluster_id
  tenant_id         = local.tenant_id
  name              = "analyst"
  global_privileges = ["CREATE_SESSION"]
  roles             = ["RESOURCE"]
}}
resource "ocp_db_user" "reader" {{
  cluster_id = local.cluster_id
  tenant_id  = local.tenant_id
  username   = "reader"
  password   = var.user_pw
}}
resource "ocp_db_grant" "reader_roles" {{
  cluster_id = local.cluster_id
  tenant_id  = local.tenant_id
  user       = ocp_db_user.reader.username
  roles      = [ocp_db_role.analyst.name]
}}
resource "ocp_db_grant" "reader_orders" {{
  cluster_id    = local.cluster_id
  tenant_id     = local.tenant_id
  user          = ocp_db_user.reader.username
  object_type   = "TABLE"
  object_schema = ocp_db_user.app.username
  object_name   = "ORDERS"
  privileges    = ["SELECT", "UPDATE"]
}}
"#,
        header(tenant)
    )
}

#[test]
fn oracle_users_roles_and_grants_lifecycle() {
    let sim = start_sim(0.05);
    let tenant = make_tenant(&sim, "dboracle", "ORACLE");
    let before = inventory(&sim, tenant, true);
    let config = oracle_config(tenant);
    let tf = TfProject::new()
        .file("main.tf", &config)
        .with_sim(&sim)
        .env("TF_VAR_user_pw", USER_PW);
    tf.init();
    let r = tf.apply().success();
    assert!(r.stdout.contains("5 added"), "{}", r.stdout);
    let (code, out) = plan_code(&tf);
    assert_eq!(
        code,
        Some(0),
        "empty plan after apply (names are stored upper case by OCP):\n{out}"
    );

    let base = format!("/api/v2/ob/clusters/1000001/tenants/{tenant}");
    ocp_call(
        &sim,
        "POST",
        &format!("{base}/users/READER/revokeObjectPrivilege"),
        Some(
            json!({"objectPrivileges": [{"object": {"objectType": "TABLE", "objectName": "ORDERS", "schemaName": "APP_OWNER"}, "privileges": ["UPDATE"]}]}),
        ),
    );
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("ocp_db_grant.reader_orders will be updated in-place"),
        "{out}"
    );
    assert!(out.contains("+ \"UPDATE\""), "{out}");
    assert!(out.contains("0 to add, 1 to change, 0 to destroy"), "{out}");
    tf.apply().success();
    assert_eq!(plan_code(&tf).0, Some(0));

    import_all(
        &sim,
        &ignoring_passwords(&config),
        &[
            ("ocp_db_user.app", format!("1000001/{tenant}/app_owner")),
            ("ocp_db_role.analyst", format!("1000001/{tenant}/analyst")),
            ("ocp_db_user.reader", format!("1000001/{tenant}/reader")),
            (
                "ocp_db_grant.reader_roles",
                format!("1000001/{tenant}/user/reader/roles"),
            ),
            (
                "ocp_db_grant.reader_orders",
                format!("1000001/{tenant}/user/reader/object/TABLE/APP_OWNER/ORDERS"),
            ),
        ],
    );

    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    assert_eq!(
        inventory(&sim, tenant, true),
        before,
        "destroy leaves the tenant as it was"
    );
}

#[test]
fn a_grant_to_a_missing_user_names_the_user_attribute() {
    let sim = start_sim(0.05);
    let tenant = make_tenant(&sim, "dbmissing", "MYSQL");
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!(
                "{}\nresource \"ocp_db_grant\" \"g\" {{\n  cluster_id = local.cluster_id\n  tenant_id  = local.tenant_id\n  user       = \"nobody\"\n  privileges = [\"SELECT\"]\n}}\n",
                header(tenant)
            ),
        )
        .with_sim(&sim)
        .env("TF_VAR_user_pw", USER_PW);
    tf.init();
    let r = tf.apply().failure();
    assert!(r.stderr.contains("Unable to Create Grant"), "{}", r.stderr);
    assert!(r.stderr.contains("nobody"), "{}", r.stderr);
    assert!(
        r.stderr.contains("user       = \"nobody\""),
        "points at the user attribute:\n{}",
        r.stderr
    );
}

#[test]
fn bad_names_privileges_and_passwords_are_clear_errors() {
    let sim = start_sim(0.05);
    let tenant = make_tenant(&sim, "dbbad", "MYSQL");
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!(
                r#"{}
resource "ocp_db_user" "u" {{
  cluster_id        = local.cluster_id
  tenant_id         = local.tenant_id
  username          = "9lives"
  password          = var.user_pw
  global_privileges = ["SELECT", "FLY"]
}}
resource "ocp_db_grant" "g" {{
  cluster_id = local.cluster_id
  tenant_id  = local.tenant_id
  user       = "someone"
  database   = "orders"
  privileges = ["EXECUTE"]
}}
"#,
                header(tenant)
            ),
        )
        .with_sim(&sim)
        .env("TF_VAR_user_pw", USER_PW);
    tf.init();
    let r = tf.run(&["validate", "-no-color"]).failure();
    assert!(
        r.stderr.contains("Invalid Name") && r.stderr.contains("username"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Unknown Privilege") && r.stderr.contains("FLY"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("EXECUTE"), "{}", r.stderr);

    // A password OCP's policy refuses is OCP's error on the password attribute.
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!(
                "{}\nresource \"ocp_db_user\" \"u\" {{\n  cluster_id = local.cluster_id\n  tenant_id  = local.tenant_id\n  username   = \"weak\"\n  password   = var.user_pw\n}}\n",
                header(tenant)
            ),
        )
        .with_sim(&sim)
        .env("TF_VAR_user_pw", "short");
    tf.init();
    let r = tf.apply().failure();
    assert!(
        r.stderr.contains("Unable to Create Database User"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("password   = var.user_pw"),
        "points at the password:\n{}",
        r.stderr
    );
    assert!(
        !r.all().contains("\"short\""),
        "the refused password is not echoed:\n{}",
        r.all()
    );
}

#[test]
fn mixing_authoritative_and_additive_privileges_warns_at_plan_time() {
    let sim = start_sim(0.05);
    let tenant = make_tenant(&sim, "dbmixed", "MYSQL");
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!(
                r#"{}
resource "ocp_db_user" "u" {{
  cluster_id        = local.cluster_id
  tenant_id         = local.tenant_id
  username          = "mixed"
  password          = var.user_pw
  global_privileges = ["SELECT"]
}}
resource "ocp_db_grant" "g" {{
  cluster_id = local.cluster_id
  tenant_id  = local.tenant_id
  user       = ocp_db_user.u.username
  privileges = ["INSERT"]
}}
"#,
                header(tenant)
            ),
        )
        .with_sim(&sim)
        .env("TF_VAR_user_pw", USER_PW);
    tf.init();
    let r = tf.run(&["plan", "-no-color"]).success();
    assert!(
        r.all().contains("Privileges Managed in Two Places"),
        "{}",
        r.all()
    );
}

/// A user whose `db_privileges` name database "orders" twice, the second time through a
/// reference (so `terraform validate` cannot see it): refused at plan time, naming both
/// entries, before anything reaches OCP.
#[test]
fn a_database_named_twice_in_db_privileges_is_refused_before_apply() {
    let sim = start_sim(0.05);
    let tenant = make_tenant(&sim, "dbdup", "MYSQL");
    let config = |privileges: &str| {
        format!(
            r#"{}
resource "ocp_database" "orders" {{
  cluster_id = local.cluster_id
  tenant_id  = local.tenant_id
  name       = "orders"
}}
locals {{
  readers = [{{ database = "orders", privileges = ["SELECT"] }}]
}}
resource "ocp_db_user" "app" {{
  cluster_id    = local.cluster_id
  tenant_id     = local.tenant_id
  username      = "app"
  password      = var.user_pw
  db_privileges = {privileges}
}}
"#,
            header(tenant)
        )
    };
    let twice = config(
        r#"concat(local.readers, [{ database = ocp_database.orders.name, privileges = ["INSERT"] }])"#,
    );
    let tf = TfProject::new()
        .file("main.tf", &twice)
        .with_sim(&sim)
        .env("TF_VAR_user_pw", USER_PW);
    tf.init();
    tf.run(&["validate", "-no-color"]).success();
    let before = inventory(&sim, tenant, false);

    let r = tf.apply().failure();
    let err = r.stderr.clone();
    assert!(
        err.contains("Duplicate Database in db_privileges"),
        "{}",
        r.all()
    );
    assert!(
        err.contains("db_privileges[0].database and db_privileges[1].database"),
        "{err}"
    );
    assert!(err.contains("Merge them into one entry"), "{err}");
    assert!(!err.contains("inconsistent"), "{err}");
    assert_eq!(
        inventory(&sim, tenant, false),
        before,
        "nothing reached OCP"
    );

    let merged =
        config(r#"[{ database = ocp_database.orders.name, privileges = ["SELECT", "INSERT"] }]"#);
    std::fs::write(tf.path().join("main.tf"), merged).unwrap();
    tf.apply().success();
    let users = ocp_call(
        &sim,
        "GET",
        &format!("/api/v2/ob/clusters/1000001/tenants/{tenant}/users"),
        None,
    );
    let app = users["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "app")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        app["dbPrivileges"],
        json!([{"dbName": "orders", "privileges": ["INSERT", "SELECT"]}]),
        "{users}"
    );
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "{out}");
}

/// OCP refuses `ALL` in a create (`Invalid database privilege 'ALL'`, issue #15): the provider
/// sends the mode's list instead, OCP holds every privilege, and state keeps `ALL` as written,
/// so the plan after apply is empty. The shape of examples/resources/ocp_db_user, plus an
/// Oracle user and role created with `ALL` system privileges, and `ALL` on a table, a view and
/// a stored procedure (which OCP grants different lists on).
#[test]
fn all_privileges_at_create_are_listed_for_ocp_and_kept_as_written() {
    let sim = start_sim(0.05);
    let my = make_tenant(&sim, "allmysql", "MYSQL");
    let ora = make_tenant(&sim, "alloracle", "ORACLE");
    let config = format!(
        r#"{REQUIRED_PROVIDERS}
variable "user_pw" {{
  type      = string
  sensitive = true
}}
resource "ocp_database" "orders" {{
  cluster_id = 1000001
  tenant_id  = {my}
  name       = "orders"
}}
resource "ocp_db_user" "app" {{
  cluster_id        = 1000001
  tenant_id         = {my}
  username          = "app"
  password          = var.user_pw
  global_privileges = ["SELECT", "CREATE VIEW"]
  db_privileges = [
    {{ database = ocp_database.orders.name, privileges = ["ALL"] }},
  ]
}}
resource "ocp_db_user" "admin" {{
  cluster_id        = 1000001
  tenant_id         = {my}
  username          = "admin"
  password          = var.user_pw
  global_privileges = ["all privileges"]
}}
resource "ocp_db_user" "owner" {{
  cluster_id        = 1000001
  tenant_id         = {ora}
  username          = "owner"
  password          = var.user_pw
  global_privileges = ["ALL"]
}}
resource "ocp_db_role" "ops" {{
  cluster_id        = 1000001
  tenant_id         = {ora}
  name              = "ops"
  global_privileges = ["ALL"]
}}
resource "ocp_db_user" "reader" {{
  cluster_id = 1000001
  tenant_id  = {ora}
  username   = "reader"
  password   = var.user_pw
  object_privileges = [
    {{ object_type = "TABLE", schema = ocp_db_user.owner.username, object_name = "orders", privileges = ["ALL"] }},
    {{ object_type = "STORED_PROCEDURE", schema = ocp_db_user.owner.username, object_name = "p_calc", privileges = ["ALL"] }},
  ]
}}
resource "ocp_db_grant" "ops_view" {{
  cluster_id    = 1000001
  tenant_id     = {ora}
  role          = ocp_db_role.ops.name
  object_type   = "VIEW"
  object_schema = ocp_db_user.owner.username
  object_name   = "v_orders"
  privileges    = ["ALL"]
}}
"#
    );
    let tf = TfProject::new()
        .file("main.tf", &config)
        .with_sim(&sim)
        .env("TF_VAR_user_pw", USER_PW);
    tf.init();
    let r = tf.apply().success();
    assert!(r.stdout.contains("7 added"), "{}", r.stdout);
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "empty plan after apply:\n{out}");

    let base = |t: i64| format!("/api/v2/ob/clusters/1000001/tenants/{t}");
    let app = ocp_call(&sim, "GET", &format!("{}/users/app", base(my)), None);
    assert_eq!(
        app["dbPrivileges"][0]["privileges"]
            .as_array()
            .map(Vec::len),
        Some(10),
        "OCP holds every MySQL database privilege: {app}"
    );
    let admin = ocp_call(&sim, "GET", &format!("{}/users/admin", base(my)), None);
    assert_eq!(
        admin["globalPrivileges"].as_array().map(Vec::len),
        Some(18),
        "{admin}"
    );
    let ops = ocp_call(&sim, "GET", &format!("{}/roles/OPS", base(ora)), None);
    assert_eq!(
        ops["globalPrivileges"].as_array().map(Vec::len),
        Some(22),
        "{ops}"
    );
    // On objects ALL means what OCP grants on the type: EXECUTE only on a procedure, never on
    // a table or view.
    let reader = ocp_call(&sim, "GET", &format!("{}/users/READER", base(ora)), None);
    assert_eq!(
        reader["objectPrivileges"],
        json!([
            {"object": {"objectType": "TABLE", "objectName": "ORDERS", "schemaName": "OWNER", "fullName": "OWNER.ORDERS"},
             "privileges": ["SELECT", "INSERT", "UPDATE", "DELETE", "ALTER", "INDEX", "REFERENCES"]},
            {"object": {"objectType": "STORED_PROCEDURE", "objectName": "P_CALC", "schemaName": "OWNER", "fullName": "OWNER.P_CALC"},
             "privileges": ["EXECUTE"]},
        ]),
        "{reader}"
    );
    let ops = ocp_call(&sim, "GET", &format!("{}/roles/OPS", base(ora)), None);
    assert_eq!(
        ops["objectPrivileges"][0]["privileges"]
            .as_array()
            .map(Vec::len),
        Some(7),
        "{ops}"
    );
    let state = tf.run(&["show", "-no-color"]).success().stdout;
    assert!(
        state.contains("\"ALL\""),
        "state keeps ALL as written:\n{state}"
    );
    assert!(state.contains("\"all privileges\""), "{state}");
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
}
