//! Issue #14: never touch what Terraform does not own. A create never adopts an object that
//! existed before it (design rule R2): it fails naming the object and the `terraform import`
//! command, records nothing, and so no destroy or replacement can ever delete it.

use serde_json::json;

use crate::support::{
    is_tainted, make_tenant, ocp_call, record, route_count, start_sim, state_values, tenant_names,
    TfProject, REQUIRED_PROVIDERS,
};

const TENANT_PW: &str = "Tenant_Pa55-word";
const OTHER_PW: &str = "Other_Pa55-word!";
const USER_PW: &str = "User_Pa55-word!";

fn project(sim: &ocp_sim::Sim, hcl: &str) -> TfProject {
    let tf = TfProject::new()
        .file("main.tf", &format!("{REQUIRED_PROVIDERS}\n{hcl}"))
        .with_sim(sim);
    tf.init();
    tf
}

fn plan_code(tf: &TfProject) -> (Option<i32>, String) {
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    (r.code, r.all())
}

fn state_list(tf: &TfProject) -> Vec<String> {
    let r = tf.run(&["state", "list"]);
    r.stdout.lines().map(str::to_string).collect()
}

fn tenant_id(sim: &ocp_sim::Sim, name: &str) -> Option<i64> {
    let data = ocp_call(sim, "GET", "/api/v2/ob/tenants?size=2000", None);
    data["contents"]
        .as_array()?
        .iter()
        .find(|t| t["name"] == name)
        .and_then(|t| t["id"].as_i64())
}

fn handmade_tenant_hcl(name: &str, extra: &str) -> String {
    format!(
        r#"
resource "ocp_tenant" "t" {{
  cluster_id    = 1000001
  name          = "{name}"
  root_password = "{OTHER_PW}"
  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}
  {extra}
}}
"#
    )
}

/// Case 1: a tenant made through OCP's API is not adopted by a create of the same name;
/// destroy leaves it alone; the import command the error gives brings it under Terraform.
#[test]
fn issue_14_a_tenant_made_outside_terraform_is_never_adopted_or_deleted() {
    let sim = start_sim(0.2);
    let id = make_tenant(&sim, "handmade", "MYSQL");
    let tf = project(&sim, &handmade_tenant_hcl("handmade", ""));
    let r = tf.apply().failure();
    let err = r.all();
    assert!(err.contains("Tenant Already Exists"), "{err}");
    assert!(err.contains(&format!("OCP id {id}")), "{err}");
    let import = format!("terraform import ocp_tenant.<resource name> 1000001/{id}");
    assert!(err.contains(&import), "{err}");
    assert!(!err.contains("Creation complete"), "{err}");
    assert!(!err.contains(OTHER_PW), "{err}");
    assert_eq!(
        route_count(&sim, "POST /api/v2/ob/clusters/{id}/tenants/createTenant"),
        1,
        "only make_tenant's POST; the apply sent none"
    );
    assert!(state_list(&tf).is_empty(), "{:?}", state_list(&tf));

    // Destroy knows nothing of it: the tenant survives.
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    assert_eq!(tenant_id(&sim, "handmade"), Some(id));

    // The command from the error imports it; the only change left is the password OCP
    // never returns, in place (never a replacement).
    tf.run(&[
        "import",
        "-no-color",
        "ocp_tenant.t",
        &format!("1000001/{id}"),
    ])
    .success();
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("1 to change, 0 to destroy"), "{out}");
    assert!(out.contains("root_password"), "{out}");
    assert!(!out.contains("must be replaced"), "{out}");
    tf.apply().success();
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "{out}");
}

/// Case 2: `create_before_destroy` with `-replace` (and with `taint`) on objects whose name
/// is their key: the create fails on the name, the live object and its state stay.
#[test]
fn issue_14_create_before_destroy_replacement_never_deletes_the_live_object() {
    let sim = start_sim(0.2);
    let hcl = format!(
        r#"
resource "ocp_tenant" "t" {{
  cluster_id    = 1000001
  name          = "cbd_tenant"
  root_password = "{TENANT_PW}"
  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}
  lifecycle {{
    create_before_destroy = true
  }}
}}

resource "ocp_db_user" "u" {{
  cluster_id = ocp_tenant.t.cluster_id
  tenant_id  = ocp_tenant.t.id
  username   = "cbd_user"
  password   = "{USER_PW}"
  lifecycle {{
    create_before_destroy = true
  }}
}}
"#
    );
    let tf = project(&sim, &hcl);
    tf.apply().success();
    let tid = state_values(&tf, "ocp_tenant.t")["id"].as_i64().unwrap();
    let users = |sim: &ocp_sim::Sim| -> Vec<String> {
        ocp_call(
            sim,
            "GET",
            &format!("/api/v2/ob/clusters/1000001/tenants/{tid}/users"),
            None,
        )["contents"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|u| u["username"].as_str().map(str::to_string))
            .collect()
    };
    assert!(users(&sim).contains(&"cbd_user".to_string()));

    let r = tf
        .run(&[
            "apply",
            "-no-color",
            "-auto-approve",
            "-replace=ocp_db_user.u",
        ])
        .failure();
    let err = r.all();
    assert!(err.contains("Database User Already Exists"), "{err}");
    assert!(
        err.contains(&format!("1000001/{tid}/cbd_user")),
        "the import id: {err}"
    );
    assert!(err.contains("create_before_destroy"), "{err}");
    assert!(
        users(&sim).contains(&"cbd_user".to_string()),
        "user deleted"
    );
    assert!(state_list(&tf).contains(&"ocp_db_user.u".to_string()));
    assert_eq!(
        route_count(
            &sim,
            "DELETE /api/v2/ob/clusters/{id}/tenants/{id}/users/cbd_user"
        ),
        0
    );

    tf.run(&["taint", "ocp_tenant.t"]).success();
    let r = tf.apply().failure();
    let err = r.all();
    assert!(err.contains("Tenant Already Exists"), "{err}");
    assert_eq!(tenant_id(&sim, "cbd_tenant"), Some(tid), "tenant deleted");
    assert_eq!(
        route_count(&sim, "DELETE /api/v2/ob/clusters/{id}/tenants/{id}"),
        0
    );
    assert_eq!(
        state_values(&tf, "ocp_tenant.t")["id"].as_i64(),
        Some(tid),
        "state still holds the live tenant"
    );
    // Untainted, the configuration converges again without touching OCP's tenant.
    tf.run(&["untaint", "ocp_tenant.t"]).success();
    assert!(!is_tainted(&tf, "ocp_tenant.t"));
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "{out}");
}

/// The fault suite's row: one configuration naming, for every resource type, an object that
/// OCP already has (seeded by OCP, made through its API, or managed by another Terraform
/// state). Every create fails with the import command; nothing is recorded; destroy deletes
/// nothing; the other state still plans empty.
#[test]
fn objects_made_outside_terraform_are_never_adopted_and_never_deleted() {
    let sim = start_sim(0.2);
    // The other owner: a second Terraform state with tenant-level objects of every kind.
    let owner = project(
        &sim,
        &format!(
            r#"
resource "ocp_tenant" "shop" {{
  cluster_id    = 1000001
  name          = "owned_shop"
  root_password = "{TENANT_PW}"
  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}
}}

resource "ocp_tenant" "hr" {{
  cluster_id    = 1000001
  name          = "owned_hr"
  mode          = "ORACLE"
  root_password = "{TENANT_PW}"
  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}
}}

resource "ocp_database" "orders" {{
  cluster_id = ocp_tenant.shop.cluster_id
  tenant_id  = ocp_tenant.shop.id
  name       = "orders"
}}

resource "ocp_db_user" "app" {{
  cluster_id = ocp_tenant.shop.cluster_id
  tenant_id  = ocp_tenant.shop.id
  username   = "app"
  password   = "{USER_PW}"
}}

resource "ocp_db_grant" "app_process" {{
  cluster_id = ocp_tenant.shop.cluster_id
  tenant_id  = ocp_tenant.shop.id
  user       = ocp_db_user.app.username
  privileges = ["PROCESS"]
}}

resource "ocp_db_role" "analyst" {{
  cluster_id = ocp_tenant.hr.cluster_id
  tenant_id  = ocp_tenant.hr.id
  name       = "ANALYST"
}}

resource "ocp_backup_policy" "shop" {{
  cluster_id     = ocp_tenant.shop.cluster_id
  tenant_id      = ocp_tenant.shop.id
  backup_mode    = "PHYSICAL_BACKUP"
  retention_days = 7
  schedule {{
    mode = "WEEK"
    time = "02:00"
    days = {{ "1" = "FULL" }}
  }}
  storage {{
    name = "nfs"
    type = "FILE"
    url  = "/obbackup/shop"
  }}
}}
"#
        ),
    );
    owner.apply().success();
    let shop = state_values(&owner, "ocp_tenant.shop")["id"]
        .as_i64()
        .unwrap();
    let hr = state_values(&owner, "ocp_tenant.hr")["id"]
        .as_i64()
        .unwrap();
    // And one made through OCP's API.
    let handmade = make_tenant(&sim, "handmade", "MYSQL");
    let host_id = ocp_call(
        &sim,
        "GET",
        "/api/v2/compute/hosts?keyword=172.16.0.14",
        None,
    )["contents"][0]["id"]
        .as_i64()
        .unwrap();

    let intruder = project(
        &sim,
        &format!(
            r#"
resource "ocp_region" "r" {{
  name = "cn-hangzhou"
}}

resource "ocp_idc" "i" {{
  name      = "hz1"
  region_id = 1
}}

resource "ocp_host_type" "h" {{
  name = "standard"
}}

resource "ocp_host" "h" {{
  ip           = "172.16.0.14"
  idc_id       = 1
  host_type_id = 1
  ssh_username = "admin"
  ssh_password = "{USER_PW}"
}}

resource "ocp_cluster" "c" {{
  name          = "demo-cluster"
  rpm_name      = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm"
  root_password = "{TENANT_PW}"
  zone {{
    name     = "zone1"
    idc_name = "hz1"
    servers  = [{host_id}]
  }}
}}

resource "ocp_zone" "z" {{
  cluster_id = 1000001
  name       = "zone1"
  idc_name   = "hz1"
  servers    = [{host_id}]
}}

resource "ocp_tenant" "handmade" {{
  cluster_id    = 1000001
  name          = "handmade"
  root_password = "{OTHER_PW}"
  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}
}}

resource "ocp_tenant" "shop" {{
  cluster_id    = 1000001
  name          = "owned_shop"
  root_password = "{OTHER_PW}"
  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}
}}

resource "ocp_database" "orders" {{
  cluster_id = 1000001
  tenant_id  = {shop}
  name       = "orders"
}}

resource "ocp_db_user" "app" {{
  cluster_id = 1000001
  tenant_id  = {shop}
  username   = "app"
  password   = "{OTHER_PW}"
}}

resource "ocp_db_grant" "app_process" {{
  cluster_id = 1000001
  tenant_id  = {shop}
  user       = "app"
  privileges = ["PROCESS", "SUPER"]
}}

resource "ocp_db_role" "analyst" {{
  cluster_id = 1000001
  tenant_id  = {hr}
  name       = "analyst"
}}

resource "ocp_backup_policy" "shop" {{
  cluster_id     = 1000001
  tenant_id      = {shop}
  backup_mode    = "PHYSICAL_BACKUP"
  retention_days = 30
  schedule {{
    mode = "WEEK"
    time = "03:00"
    days = {{ "2" = "FULL" }}
  }}
  storage {{
    name = "nfs"
    type = "FILE"
    url  = "/obbackup/other"
  }}
}}
"#
        ),
    );
    let posts_before = route_count(&sim, "POST /api/v2/ob/clusters/{id}/tenants/createTenant");
    let r = intruder.apply().failure();
    let err = r.all();
    let expected = [
        ("Region Already Exists", "ocp_region"),
        ("IDC Already Exists", "ocp_idc"),
        ("Host Type Already Exists", "ocp_host_type"),
        ("Host Already Exists", "ocp_host"),
        ("Cluster Already Exists", "ocp_cluster"),
        ("Zone Already Exists", "ocp_zone"),
        ("Tenant Already Exists", "ocp_tenant"),
        ("Database Already Exists", "ocp_database"),
        ("Database User Already Exists", "ocp_db_user"),
        ("Grant Already Exists", "ocp_db_grant"),
        ("Database Role Already Exists", "ocp_db_role"),
        ("Backup Policy Already Exists", "ocp_backup_policy"),
    ];
    for (summary, ty) in expected {
        assert!(err.contains(summary), "{summary}: {err}");
        assert!(
            err.contains(&format!("terraform import {ty}.<resource name> ")),
            "{ty}: {err}"
        );
    }
    for id in [
        format!("1000001/{handmade}"),
        format!("1000001/{shop}"),
        format!("1000001/{shop}/orders"),
        format!("1000001/{shop}/app"),
        format!("1000001/{shop}/user/app/global"),
        format!("1000001/{hr}/ANALYST"),
        "1000001/zone1".to_string(),
    ] {
        assert!(err.contains(&id), "import id {id}: {err}");
    }
    assert!(!err.contains(OTHER_PW) && !err.contains(USER_PW), "{err}");
    assert_eq!(
        route_count(&sim, "POST /api/v2/ob/clusters/{id}/tenants/createTenant"),
        posts_before,
        "no tenant create was sent"
    );
    assert!(
        state_list(&intruder).is_empty(),
        "{:?}",
        state_list(&intruder)
    );
    let deletes_before: u64 = [
        "DELETE /api/v2/ob/clusters/{id}/tenants/{id}",
        "DELETE /api/v2/ob/clusters/{id}",
    ]
    .iter()
    .map(|r| route_count(&sim, r))
    .sum();
    let r = intruder
        .run(&["destroy", "-no-color", "-auto-approve"])
        .success();
    assert!(r.stdout.contains("0 destroyed"), "{}", r.all());
    let deletes_after: u64 = [
        "DELETE /api/v2/ob/clusters/{id}/tenants/{id}",
        "DELETE /api/v2/ob/clusters/{id}",
    ]
    .iter()
    .map(|r| route_count(&sim, r))
    .sum();
    assert_eq!(deletes_before, deletes_after);

    // Everything is where it was: OCP's seeds, the hand-made tenant, the other state's objects.
    let names = tenant_names(&sim);
    for t in ["handmade", "owned_shop", "owned_hr"] {
        assert!(names.contains(&t.to_string()), "{t} gone: {names:?}");
    }
    let (code, out) = plan_code(&owner);
    assert_eq!(code, Some(0), "the owner's objects are untouched:\n{out}");
    let grant = ocp_call(
        &sim,
        "GET",
        &format!("/api/v2/ob/clusters/1000001/tenants/{shop}/users/app"),
        None,
    );
    assert_eq!(grant["globalPrivileges"], json!(["PROCESS"]), "{grant}");
    record(
        "object made outside Terraform",
        "never adopted, never deleted",
        "12 resource types, each naming an object OCP had (seeded, made through the API, or another state's): each create failed naming the object and `terraform import`; nothing in state; destroy deleted nothing; the other state plans empty",
        "12 of 12 refused; 0 adopted; 0 deleted",
        true,
    );
}
