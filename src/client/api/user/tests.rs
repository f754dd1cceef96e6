//! Tests of `client::api::user`, against the simulator where they call OCP.

use serde_json::json;

use super::fixture::{tenant, TenantFixture};
use super::*;
use crate::client::api::db::CreateDatabase;
use crate::client::testutil::{assert_echo_masked, assert_hidden, expect_err, ok};

const USER_PW: &str = "Db_User#pw-2024";

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn db_priv(db: &str, privs: &[&str]) -> DbPrivilege {
    DbPrivilege {
        db_name: db.into(),
        privileges: strings(privs),
    }
}

// ---- pure unit tests ----

#[test]
fn the_create_user_body_has_ocp_names_and_debug_hides_the_password() {
    let body = CreateDbUser {
        username: "app".into(),
        password: Secret::new(USER_PW),
        global_privileges: strings(&["SELECT"]),
        db_privileges: vec![db_priv("d1", &["SELECT", "INSERT"])],
        roles: vec![],
    };
    let v = serde_json::to_value(&body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        v,
        json!({"username": "app", "password": USER_PW, "saveToCredential": false,
               "globalPrivileges": ["SELECT"],
               "dbPrivileges": [{"dbName": "d1", "privileges": ["SELECT", "INSERT"]}]}),
        "roles (Oracle only) is left out of a MySQL user's body"
    );
    let oracle = CreateDbUser {
        global_privileges: vec![],
        db_privileges: vec![],
        roles: strings(&["R1"]),
        ..body.clone()
    };
    assert_eq!(
        serde_json::to_value(&oracle).unwrap_or_else(|e| panic!("{e}")),
        json!({"username": "app", "password": USER_PW, "saveToCredential": false,
               "globalPrivileges": [], "roles": ["R1"]}),
        "dbPrivileges (MySQL only) is left out of an Oracle user's body"
    );
    let dbg = format!("{body:?}");
    assert!(!dbg.contains(USER_PW), "{dbg}");
    assert!(dbg.contains("***"), "{dbg}");
    let role = CreateDbRole {
        role_name: "R1".into(),
        global_privileges: strings(&["CREATE_TABLE"]),
        roles: strings(&["PUBLIC"]),
    };
    assert_eq!(
        serde_json::to_value(&role).unwrap_or_else(|e| panic!("{e}")),
        json!({"roleName": "R1", "globalPrivileges": ["CREATE_TABLE"], "roles": ["PUBLIC"]})
    );
}

#[test]
fn privilege_calls_have_ocp_action_names_and_bodies() {
    let g = strings(&["SELECT"]);
    let d = vec![db_priv("d1", &["SELECT"])];
    let o = vec![ObjectPrivilege {
        object: DbObject {
            object_type: "TABLE".into(),
            object_name: "T1".into(),
            schema_name: "U1".into(),
        },
        privileges: strings(&["SELECT"]),
    }];
    let r = strings(&["R1"]);
    let actions = [
        (
            PrivilegeOp::Grant,
            PrivilegeScope::Global(&g),
            "grantGlobalPrivilege",
        ),
        (
            PrivilegeOp::Revoke,
            PrivilegeScope::Db(&d),
            "revokeDbPrivilege",
        ),
        (
            PrivilegeOp::Modify,
            PrivilegeScope::Object(&o),
            "modifyObjectPrivilege",
        ),
        (PrivilegeOp::Grant, PrivilegeScope::Roles(&r), "grantRole"),
        (PrivilegeOp::Revoke, PrivilegeScope::Roles(&r), "revokeRole"),
        (
            PrivilegeOp::Modify,
            PrivilegeScope::Global(&g),
            "modifyGlobalPrivilege",
        ),
    ];
    for (op, scope, action) in actions {
        assert_eq!(privilege_action(op, scope), action);
    }
    // The body depends on the scope alone.
    let bodies = [
        (
            PrivilegeScope::Global(&g),
            json!({"globalPrivileges": ["SELECT"]}),
        ),
        (
            PrivilegeScope::Db(&d),
            json!({"dbPrivileges": [{"dbName": "d1", "privileges": ["SELECT"]}]}),
        ),
        (
            PrivilegeScope::Object(&o),
            json!({"objectPrivileges": [{"object": {"objectType": "TABLE", "objectName": "T1",
                                                 "schemaName": "U1"},
                                      "privileges": ["SELECT"]}]}),
        ),
        (PrivilegeScope::Roles(&r), json!({"roles": ["R1"]})),
    ];
    for (scope, body) in bodies {
        assert_eq!(scope.body(), body, "{scope:?}");
    }
    assert_eq!(
        Grantee::User("a b/c").path(1, 2),
        "/api/v2/ob/clusters/1/tenants/2/users/a%20b%2Fc"
    );
    assert_eq!(
        Grantee::Role("R#1").path(1, 2),
        "/api/v2/ob/clusters/1/tenants/2/roles/R%231"
    );
}

#[test]
fn users_roles_and_objects_decode_tolerantly() {
    let u: DbUser = serde_json::from_value(json!({
        "username": "user1", "globalPrivileges": ["SELECT", "CREATE"], "dbPrivileges": null,
        "createTime": "2021-09-07T15:21:52.664003+08:00", "hostName": "%", "locked": "false"
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(u.username, "user1");
    assert_eq!(u.global_privileges, strings(&["SELECT", "CREATE"]));
    assert!(u.db_privileges.is_empty() && u.object_privileges.is_empty() && u.roles.is_empty());
    assert_eq!(u.locked, Some(false));
    let u: DbUser = serde_json::from_value(json!({
        "username": "U1", "locked": true, "roles": ["R1"],
        "dbPrivileges": [{"dbName": "d1", "privileges": null}],
        "objectPrivileges": [{"object": {"objectType": "TABLE", "objectName": "T1",
                                         "schemaName": "U1", "fullName": "U1.T1"},
                              "privileges": ["SELECT"]}]
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(u.roles, strings(&["R1"]));
    assert_eq!(u.db_privileges, vec![db_priv("d1", &[])]);
    assert_eq!(u.object_privileges[0].object.object_name, "T1");
    // An element of unexpected shape is an error naming it, never skipped (R6): a role or
    // privilege that vanished would read as drift.
    for (body, at) in [
        (json!({"username": "U1", "roles": ["R1", 7]}), "roles[1]: "),
        (
            json!({"username": "U1", "dbPrivileges": [{"dbName": "d1"}, "broken"]}),
            "dbPrivileges[1]: ",
        ),
    ] {
        let e = crate::client::de::decode_at::<DbUser>("", body)
            .err()
            .unwrap_or_else(|| panic!("{at} must not decode"));
        assert!(e.starts_with(at), "{e}");
    }
    let r: DbRole = serde_json::from_value(json!({"roleName": "R1", "globalPrivileges": null}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.role_name, "R1");
    assert!(r.global_privileges.is_empty());
    let o: DbObject = serde_json::from_value(json!({
        "objectType": "VIEW", "objectName": "V1", "schemaName": "U1", "fullName": "U1.V1"
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        serde_json::to_value(&o).unwrap_or_else(|e| panic!("{e}")),
        json!({"objectType": "VIEW", "objectName": "V1", "schemaName": "U1"})
    );
}

#[test]
fn an_echoed_user_password_is_masked() {
    assert_echo_masked(USER_PW);
    let short = ClientError::Decode {
        method: "GET",
        path: "/p".into(),
        message: "ab cd".into(),
    };
    assert!(format!("{}", short.mask(&Secret::new("ab"))).contains("ab cd"));
}

#[test]
fn upper_case_variants() {
    assert_eq!(upper_variant("app").as_deref(), Some("APP"));
    assert_eq!(upper_variant("APP"), None);
    assert_eq!(upper_variant("A_1"), None);
}

// ---- against the simulator ----

async fn create_user(f: &TenantFixture, body: &CreateDbUser) -> DbUser {
    ok(f.client.create_db_user(f.cid, f.tid, body).await).expect_new()
}

async fn find_user(f: &TenantFixture, name: &str) -> DbUser {
    ok(f.client.find_named::<DbUser>(f.cid, f.tid, name).await)
        .unwrap_or_else(|| panic!("user {name} not found"))
}

async fn find_role(f: &TenantFixture, name: &str) -> DbRole {
    ok(f.client.find_named::<DbRole>(f.cid, f.tid, name).await)
        .unwrap_or_else(|| panic!("role {name} not found"))
}

async fn create_db(f: &TenantFixture, name: &str) {
    let body = CreateDatabase {
        db_name: name.into(),
        ..CreateDatabase::default()
    };
    ok(f.client.create_database(f.cid, f.tid, &body).await);
}

async fn change(
    f: &TenantFixture,
    grantee: Grantee<'_>,
    op: PrivilegeOp,
    scope: PrivilegeScope<'_>,
) {
    ok(f.client
        .change_privileges(f.cid, f.tid, grantee, op, scope)
        .await);
}

/// What `grantee` holds: its global privileges and its roles, each sorted.
async fn holdings(f: &TenantFixture, grantee: Grantee<'_>) -> (Vec<String>, Vec<String>) {
    let (global, roles) = match grantee {
        Grantee::User(name) => {
            let u = find_user(f, name).await;
            (u.global_privileges, u.roles)
        }
        Grantee::Role(name) => {
            let r = find_role(f, name).await;
            (r.global_privileges, r.roles)
        }
    };
    (sorted(global), sorted(roles))
}

/// Applies `op` on `scope` to `grantee`, then asserts the global privileges and roles it
/// holds (sorted).
async fn step(
    f: &TenantFixture,
    grantee: Grantee<'_>,
    op: PrivilegeOp,
    scope: PrivilegeScope<'_>,
    global: &[&str],
    roles: &[&str],
) {
    change(f, grantee, op, scope).await;
    let want = (strings(global), strings(roles));
    assert_eq!(holdings(f, grantee).await, want, "{op:?} {scope:?}");
}

/// Deletes `name` (which must exist), then asserts it is gone and a second delete finds
/// nothing to delete.
async fn delete_until_gone<T: TenantNamed + std::fmt::Debug>(f: &TenantFixture, name: &str) {
    let (c, cid, tid) = (&f.client, f.cid, f.tid);
    assert!(ok(c.delete_named::<T>(cid, tid, name).await), "{name}");
    assert!(ok(c.find_named::<T>(cid, tid, name).await).is_none());
    assert!(!ok(c.delete_named::<T>(cid, tid, name).await), "{name}");
}

/// The request route of `method` on the users (or roles) of a tenant, in the simulator's
/// request counters.
fn named_route(method: &str, kind: &str) -> String {
    format!("{method} /api/v2/ob/clusters/{{id}}/tenants/{{id}}/{kind}")
}

fn mysql_user(name: &str) -> CreateDbUser {
    CreateDbUser {
        username: name.into(),
        password: Secret::new(USER_PW),
        global_privileges: strings(&["SELECT"]),
        db_privileges: vec![db_priv("d1", &["SELECT", "INSERT"])],
        roles: vec![],
    }
}

fn db_privs_of(u: &DbUser, db: &str) -> Vec<String> {
    sorted(
        u.db_privileges
            .iter()
            .filter(|p| p.db_name == db)
            .flat_map(|p| p.privileges.clone())
            .collect(),
    )
}

#[tokio::test]
async fn mysql_users_are_created_granted_locked_and_deleted() {
    let f = tenant("MYSQL", "t_users").await;
    let (c, cid, tid) = (&f.client, f.cid, f.tid);
    create_db(&f, "d1").await;
    create_db(&f, "d2").await;

    let created = create_user(&f, &mysql_user("app")).await;
    assert_eq!(created.username, "app");
    assert_eq!(created.global_privileges, strings(&["SELECT"]));
    assert_eq!(db_privs_of(&created, "d1"), strings(&["INSERT", "SELECT"]));
    let found = find_user(&f, "app").await;
    assert_eq!(found.username, "app");
    assert_eq!(db_privs_of(&found, "d1"), strings(&["INSERT", "SELECT"]));
    assert!(ok(c.list_named::<DbUser>(cid, tid).await)
        .iter()
        .any(|u| u.username == "app"));
    assert!(ok(c.find_named::<DbUser>(cid, tid, "nobody").await).is_none());

    let user = Grantee::User("app");
    // Global scope.
    let (create, select, both) = (
        strings(&["CREATE"]),
        strings(&["SELECT"]),
        strings(&["SELECT", "UPDATE"]),
    );
    for (op, privs, want) in [
        (PrivilegeOp::Grant, &create, &["CREATE", "SELECT"][..]),
        (PrivilegeOp::Revoke, &select, &["CREATE"]),
        (PrivilegeOp::Modify, &both, &["SELECT", "UPDATE"]),
    ] {
        step(&f, user, op, PrivilegeScope::Global(privs), want, &[]).await;
    }
    // Database scope: the privileges on d1 and on d2 after each change.
    for (op, privs, d1, d2) in [
        (
            PrivilegeOp::Grant,
            vec![db_priv("d1", &["UPDATE"]), db_priv("d2", &["SELECT"])],
            &["INSERT", "SELECT", "UPDATE"][..],
            &["SELECT"][..],
        ),
        (
            PrivilegeOp::Revoke,
            vec![db_priv("d1", &["INSERT"])],
            &["SELECT", "UPDATE"],
            &["SELECT"],
        ),
        // A modify leaves unlisted databases alone.
        (
            PrivilegeOp::Modify,
            vec![db_priv("d1", &["DELETE"])],
            &["DELETE"],
            &["SELECT"],
        ),
        (
            PrivilegeOp::Modify,
            vec![db_priv("d2", &[])],
            &["DELETE"],
            &[],
        ),
    ] {
        change(&f, user, op, PrivilegeScope::Db(&privs)).await;
        let u = find_user(&f, "app").await;
        let got = (db_privs_of(&u, "d1"), db_privs_of(&u, "d2"));
        assert_eq!(got, (strings(d1), strings(d2)), "{op:?} {privs:?}");
    }
    let u = find_user(&f, "app").await;
    assert_eq!(u.db_privileges, vec![db_priv("d1", &["DELETE"])]);

    // Lock, unlock (each twice: idempotent).
    ok(c.set_db_user_locked(cid, tid, "app", true).await);
    ok(c.set_db_user_locked(cid, tid, "app", true).await);
    assert_eq!(find_user(&f, "app").await.locked, Some(true));
    ok(c.set_db_user_locked(cid, tid, "app", false).await);
    ok(c.set_db_user_locked(cid, tid, "app", false).await);
    assert_eq!(find_user(&f, "app").await.locked, Some(false));

    ok(
        c.change_db_user_password(cid, tid, "app", &Secret::new("Other_Pw#2025-y"))
            .await,
    );
    let stored = f
        .sim
        .sim
        .state()
        .lock()
        .objects_mut(tid)
        .users
        .get("app")
        .map(|u| u.password.clone());
    assert_eq!(
        stored,
        Some(ocp_sim::state::db_objects::Password::Own(
            "Other_Pw#2025-y".into()
        ))
    );

    delete_until_gone::<DbUser>(&f, "app").await;
}

#[tokio::test]
async fn an_empty_grant_or_revoke_sends_nothing() {
    let f = tenant("MYSQL", "t_empty").await;
    create_db(&f, "d1").await;
    create_user(&f, &mysql_user("app")).await;
    f.sim.reset_requests().await;
    for op in [PrivilegeOp::Grant, PrivilegeOp::Revoke] {
        ok(f.client
            .change_privileges(
                f.cid,
                f.tid,
                Grantee::User("app"),
                op,
                PrivilegeScope::Global(&[]),
            )
            .await);
    }
    assert_eq!(f.sim.requests().await["count"].as_u64(), Some(0));
    ok(f.client
        .change_privileges(
            f.cid,
            f.tid,
            Grantee::User("app"),
            PrivilegeOp::Modify,
            PrivilegeScope::Global(&[]),
        )
        .await);
    assert!(find_user(&f, "app").await.global_privileges.is_empty());
}

#[tokio::test]
async fn refresh_reads_share_one_list_and_a_read_after_a_write_sees_it() {
    let f = tenant("MYSQL", "t_coalesce").await;
    create_db(&f, "d1").await;
    let names: Vec<String> = (0..30).map(|i| format!("u{i}")).collect();
    for n in &names {
        create_user(&f, &mysql_user(n)).await;
    }
    let refresh = f.client.for_refresh();
    f.sim.reset_requests().await;
    // All at once, as Terraform's concurrent ReadResource calls come.
    let mut reads = tokio::task::JoinSet::new();
    for n in &names {
        let (c, n, cid, tid) = (refresh.clone(), n.clone(), f.cid, f.tid);
        reads.spawn(async move { c.find_named::<DbUser>(cid, tid, &n).await });
    }
    while let Some(r) = reads.join_next().await {
        assert!(matches!(r, Ok(Ok(Some(_)))), "{r:?}");
    }
    let list = f.sim.count(&named_route("GET", "users")).await;
    let single = f
        .sim
        .count("GET /api/v2/ob/clusters/{id}/tenants/{id}/users/u0")
        .await;
    let total = f.sim.requests().await["count"].as_u64().unwrap();
    assert_eq!(list, 1, "one list call for 30 refresh reads");
    assert!(total <= 2, "{total} requests for 30 reads");
    assert!(single <= 1);
    // A write through any clone drops the list: the next read sees the change.
    ok(f.client
        .change_privileges(
            f.cid,
            f.tid,
            Grantee::User("u1"),
            PrivilegeOp::Grant,
            PrivilegeScope::Global(&strings(&["INSERT"])),
        )
        .await);
    let u1 = ok(refresh.find_named::<DbUser>(f.cid, f.tid, "u1").await).unwrap();
    assert!(
        u1.global_privileges.contains(&"INSERT".to_string()),
        "{u1:?}"
    );
    ok(f.client.delete_named::<DbUser>(f.cid, f.tid, "u2").await);
    for _ in 0..2 {
        assert_eq!(
            ok(refresh.find_named::<DbUser>(f.cid, f.tid, "u2").await),
            None
        );
    }
    // Reads that are not a refresh never use the list.
    f.sim.reset_requests().await;
    find_user(&f, "u3").await;
    find_user(&f, "u4").await;
    assert_eq!(f.sim.count(&named_route("GET", "users")).await, 0);
}

#[tokio::test]
async fn create_user_reports_one_that_existed_before_and_sends_no_post() {
    let f = tenant("MYSQL", "t_adopt").await;
    create_db(&f, "d1").await;
    let body = mysql_user("app");
    let existing = create_user(&f, &body).await;
    let path = format!("/api/v2/ob/clusters/{}/tenants/{}/users", f.cid, f.tid);
    f.sim.refuse_next_post(&path).await;
    let found = ok(f.client.create_db_user(f.cid, f.tid, &body).await).expect_existing();
    assert_eq!(found, find_user(&f, &existing.username).await);
    assert_eq!(f.sim.count(&named_route("POST", "users")).await, 0);
}

#[tokio::test]
async fn the_user_password_never_appears_in_an_error() {
    let f = tenant("MYSQL", "t_secret").await;
    create_db(&f, "d1").await;
    let base = format!("/api/v2/ob/clusters/{}/tenants/{}/users", f.cid, f.tid);
    // OCP echoing the password in its refusal of the create.
    let echo = format!("password {USER_PW} is not allowed");
    f.sim.refuse_next("POST", &base, &echo).await;
    let err = expect_err(
        f.client
            .create_db_user(f.cid, f.tid, &mysql_user("app"))
            .await,
    );
    assert_hidden(&err, USER_PW);
    assert!(format!("{err}").contains("password ***"), "{err}");
    // The simulator's own refusal of a weak password.
    let mut weak = mysql_user("weak");
    weak.password = Secret::new("weakpw");
    match f.client.create_db_user(f.cid, f.tid, &weak).await {
        Err(
            e @ ClientError::Api {
                http_status: 400, ..
            },
        ) => assert_hidden(&e, "weakpw"),
        other => panic!("expected OCP's refusal of a weak password, got {other:?}"),
    }
    // And in the refusal of a password change.
    create_user(&f, &mysql_user("app")).await;
    let new_pw = "New_User#pw-77";
    let path = format!("{base}/app/changePassword");
    let echo = format!("{new_pw} was used before");
    f.sim.refuse_next("POST", &path, &echo).await;
    let err = expect_err(
        f.client
            .change_db_user_password(f.cid, f.tid, "app", &Secret::new(new_pw))
            .await,
    );
    assert_hidden(&err, new_pw);
}

#[tokio::test]
async fn oracle_users_roles_and_object_privileges() {
    let f = tenant("ORACLE", "t_ora").await;
    let (c, cid, tid) = (&f.client, f.cid, f.tid);

    // Roles.
    for (name, privs) in [
        ("R_BASE", &["CREATE_SESSION"][..]),
        ("R_APP", &["CREATE_TABLE", "CREATE_VIEW"]),
    ] {
        let body = CreateDbRole {
            role_name: name.into(),
            global_privileges: strings(privs),
            roles: vec![],
        };
        let made = ok(c.create_db_role(cid, tid, &body).await).expect_new();
        assert_eq!(made.role_name, name);
        assert_eq!(sorted(made.global_privileges), strings(privs));
    }
    let names: Vec<String> = ok(c.list_named::<DbRole>(cid, tid).await)
        .into_iter()
        .map(|r| r.role_name)
        .collect();
    assert!(
        names.contains(&"R_BASE".to_owned()) && names.contains(&"R_APP".to_owned()),
        "{names:?}"
    );
    assert!(ok(c.find_named::<DbRole>(cid, tid, "R_NONE").await).is_none());

    // Role to role.
    let role = Grantee::Role("R_APP");
    let (r_base, session) = (strings(&["R_BASE"]), strings(&["CREATE_SESSION"]));
    let app_privs = ["CREATE_TABLE", "CREATE_VIEW"];
    for (op, scope, global, roles) in [
        (
            PrivilegeOp::Grant,
            PrivilegeScope::Roles(&r_base),
            &app_privs[..],
            &["R_BASE"][..],
        ),
        (
            PrivilegeOp::Revoke,
            PrivilegeScope::Roles(&r_base),
            &app_privs,
            &[],
        ),
        (
            PrivilegeOp::Modify,
            PrivilegeScope::Global(&session),
            &["CREATE_SESSION"],
            &[],
        ),
    ] {
        step(&f, role, op, scope, global, roles).await;
    }

    // A user with system privileges and a role.
    let body = CreateDbUser {
        username: "APP_USER".into(),
        password: Secret::new(USER_PW),
        global_privileges: strings(&["CREATE_SESSION", "CREATE_TABLE"]),
        db_privileges: vec![],
        roles: strings(&["R_APP"]),
    };
    let u = create_user(&f, &body).await;
    assert_eq!(u.username, "APP_USER");
    let user = Grantee::User("APP_USER");
    let user_privs = strings(&["CREATE_SESSION", "CREATE_TABLE"]);
    assert_eq!(
        holdings(&f, user).await,
        (user_privs.clone(), strings(&["R_APP"]))
    );
    for (op, roles) in [
        (PrivilegeOp::Grant, &["R_APP", "R_BASE"][..]),
        (PrivilegeOp::Modify, &["R_BASE"]),
    ] {
        change(&f, user, op, PrivilegeScope::Roles(&r_base)).await;
        assert_eq!(
            holdings(&f, user).await,
            (user_privs.clone(), strings(roles)),
            "{op:?}"
        );
    }

    // Object privileges, for the user and for a role.
    // OCP lists the objects known to it; a table created by SQL is outside its API, so the
    // simulator lists an object once it received a grant (schema = an existing user).
    let object = DbObject {
        object_type: "TABLE".into(),
        object_name: "T1".into(),
        schema_name: "APP_USER".into(),
    };
    let grant = [ObjectPrivilege {
        object: object.clone(),
        privileges: strings(&["SELECT"]),
    }];
    for (op, held) in [(PrivilegeOp::Grant, 1), (PrivilegeOp::Revoke, 0)] {
        for grantee in [user, role] {
            change(&f, grantee, op, PrivilegeScope::Object(&grant)).await;
        }
        let of_user = find_user(&f, "APP_USER").await.object_privileges;
        assert_eq!(of_user.len(), held, "{op:?} {of_user:?}");
        let of_role = find_role(&f, "R_APP").await.object_privileges;
        assert_eq!(of_role.len(), held, "{op:?} {of_role:?}");
        if op == PrivilegeOp::Grant {
            assert_eq!(ok(c.list_db_objects(cid, tid).await), vec![object.clone()]);
            assert_eq!(of_user[0].object, object);
            assert_eq!(of_user[0].privileges, strings(&["SELECT"]));
        }
    }

    // Oracle stores unquoted names upper case.
    let low = CreateDbUser {
        username: "low_user".into(),
        password: Secret::new(USER_PW),
        global_privileges: strings(&["CREATE_SESSION"]),
        ..CreateDbUser::default()
    };
    assert_eq!(create_user(&f, &low).await.username, "LOW_USER");
    assert_eq!(find_user(&f, "LOW_USER").await.username, "LOW_USER");
    assert!(ok(c.delete_named::<DbUser>(cid, tid, "LOW_USER").await));

    // Deletes.
    assert!(ok(c.delete_named::<DbUser>(cid, tid, "APP_USER").await));
    delete_until_gone::<DbRole>(&f, "R_APP").await;
}

#[tokio::test]
async fn an_oracle_role_that_exists_upper_cased_is_reported_not_created_again() {
    let f = tenant("ORACLE", "t_ora_adopt").await;
    let body = CreateDbRole {
        role_name: "r_low".into(),
        global_privileges: vec![],
        roles: vec![],
    };
    let first = ok(f.client.create_db_role(f.cid, f.tid, &body).await);
    assert!(!first.is_adopted(), "{first:?}");
    let path = format!("/api/v2/ob/clusters/{}/tenants/{}/roles", f.cid, f.tid);
    f.sim.refuse_next_post(&path).await;
    let r = ok(f.client.create_db_role(f.cid, f.tid, &body).await).expect_existing();
    assert!(r.role_name.eq_ignore_ascii_case("r_low"), "{r:?}");
    assert_eq!(f.sim.count(&named_route("POST", "roles")).await, 0);
}
