//! End-to-end tests of databases, OB users, roles, privileges and objects (§3.5, §3.6).

use serde_json::{json, Value};

use crate::support::{sim, Client, SYS, TENANTS};

const ROOT_PW: &str = "Tenant_pw_1";
const USER_PW: &str = "User_pw_22";
const NEW_PW: &str = "Changed_pw_333";
/// Passwords are write-only: no response body ever carries one or a `password` member.
const LEAKS: [&str; 5] = [ROOT_PW, USER_PW, NEW_PW, "Root_sys_123", "\"password\""];

const MYSQL_GLOBAL: [&str; 18] = [
    "ALTER",
    "CREATE",
    "DELETE",
    "DROP",
    "INSERT",
    "SELECT",
    "UPDATE",
    "INDEX",
    "CREATE_VIEW",
    "SHOW_VIEW",
    "CREATE_USER",
    "PROCESS",
    "SUPER",
    "SHOW_DB",
    "GRANT_OPTION",
    "FILE",
    "REPLICATION_SLAVE",
    "REPLICATION_CLIENT",
];
const MYSQL_DB: [&str; 10] = [
    "ALTER",
    "CREATE",
    "DELETE",
    "DROP",
    "INSERT",
    "SELECT",
    "UPDATE",
    "INDEX",
    "CREATE_VIEW",
    "SHOW_VIEW",
];

impl Client {
    /// `data.contents` of a tenant-level list (no `page`, §5 #24).
    async fn contents(&self, path: &str) -> Vec<Value> {
        let d = self.data(path).await;
        assert!(d.get("page").is_none(), "{d}");
        d["contents"].as_array().expect("contents").clone()
    }

    /// Create a tenant in `mode` (one S0 replica in zone1) and wait for it; returns its base path.
    async fn new_tenant(&self, name: &str, mode: &str) -> String {
        let r = self
            .post(
                &format!("{TENANTS}/createTenant"),
                json!({
                    "name": name, "mode": mode, "rootPassword": ROOT_PW,
                    "zones": [{"name": "zone1", "replicaType": "FULL",
                               "resourcePool": {"unitSpecName": "S0", "unitCount": 1}}],
                }),
            )
            .await;
        let tid = r.ok()["tenantId"].as_i64().expect("tenantId");
        self.wait_ok(r.task_id()).await;
        format!("{TENANTS}/{tid}")
    }
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_str().expect("string").to_string())
        .collect()
}

fn names(items: &[Value], field: &str) -> Vec<String> {
    items
        .iter()
        .map(|x| x[field].as_str().expect("name").to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// MySQL

#[tokio::test]
async fn mysql_seeded_root() {
    let (_sim, c) = sim(0.1).await;
    let sys = format!("{TENANTS}/{SYS}");
    let users = c.contents(&format!("{sys}/users")).await;
    assert_eq!(names(&users, "username"), ["root"]);
    let root = &users[0];
    assert_eq!(strs(&root["globalPrivileges"]), MYSQL_GLOBAL);
    assert_eq!(root["locked"], false);
    for empty in ["dbPrivileges", "objectPrivileges", "roles"] {
        assert_eq!(root[empty], json!([]), "{empty}");
    }
    assert!(root["createTime"]
        .as_str()
        .is_some_and(|s| s.ends_with("+08:00")));
    assert_eq!(c.data(&format!("{sys}/users/root")).await, *root);
    // Case-sensitive on MySQL.
    c.get(&format!("{sys}/users/ROOT"))
        .await
        .assert_err(404, "OB_USER_NOT_FOUND", "ROOT");
    // A tenant created through createTenant gets root too; no databases, no objects.
    let t = c.new_tenant("my1", "MYSQL").await;
    assert_eq!(
        names(&c.contents(&format!("{t}/users")).await, "username"),
        ["root"]
    );
    assert!(c.contents(&format!("{t}/databases")).await.is_empty());
    assert!(c.contents(&format!("{t}/objects")).await.is_empty());
    c.delete(&format!("{t}/users/root"))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "root");
    // root's password is the tenant's root password: changing it works, nothing echoes it.
    c.post(
        &format!("{t}/users/root/changePassword"),
        json!({"newPassword": NEW_PW}),
    )
    .await
    .no_data();
    c.assert_no_leak(&LEAKS);
}

#[tokio::test]
async fn mysql_databases() {
    let (_sim, c) = sim(0.1).await;
    let t = c.new_tenant("dbt", "MYSQL").await;
    let dbs = format!("{t}/databases");
    let d = c.post(&dbs, json!({"dbName": "sales"})).await.ok().clone();
    assert!(d["id"].as_i64().is_some_and(|id| id >= 1_011_001), "{d}");
    assert_eq!(d["dbName"], "sales");
    assert_eq!(d["charset"], "utf8mb4");
    assert_eq!(d["collation"], "utf8mb4_general_ci");
    assert_eq!(d["primaryZone"], Value::Null);
    assert_eq!(d["readonly"], false);
    assert_eq!(d["requiredSize"], 0);
    assert_eq!(d["connectionUrls"][0]["connectionStringType"], "DIRECT");
    assert!(d["createTime"].as_str().is_some());
    let g = c
        .post(
            &dbs,
            json!({"dbName": "Archive", "charset": "GBK", "primaryZone": "zone1", "readonly": true}),
        )
        .await
        .ok()
        .clone();
    assert_eq!(g["charset"], "gbk");
    assert_eq!(g["collation"], "gbk_chinese_ci");
    assert_eq!(g["primaryZone"], "zone1");
    assert_eq!(g["readonly"], true);
    // Sorted by dbName (byte order).
    assert_eq!(
        names(&c.contents(&dbs).await, "dbName"),
        ["Archive", "sales"]
    );

    c.post(&dbs, json!({"dbName": "sales"}))
        .await
        .assert_err(400, "DUPLICATE_NAME", "sales");
    c.post(&dbs, json!({}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "dbName is required");
    c.post(&dbs, json!({"dbName": "1abc"})).await.assert_err(
        400,
        "ILLEGAL_ARGUMENT",
        "invalid dbName",
    );
    c.post(&dbs, json!({"dbName": "mysql"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "reserved");
    c.post(&dbs, json!({"dbName": "x", "collation": "gbk_bin"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid collation");
    c.post(&dbs, json!({"dbName": "x", "charset": "latin1"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid charset");
    c.post(&dbs, json!({"dbName": "x", "primaryZone": "zone2"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid primaryZone");
    c.post(&dbs, json!({"dbName": "x", "readonly": "yes"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid readonly");

    // PUT: primaryZone and readonly change; charset/collation/dbName cannot.
    let m = c
        .put(
            &format!("{dbs}/sales"),
            json!({"primaryZone": "zone1", "readonly": true, "collation": "UTF8MB4_GENERAL_CI"}),
        )
        .await
        .ok()
        .clone();
    assert_eq!(m["primaryZone"], "zone1");
    assert_eq!(m["readonly"], true);
    assert_eq!(m["id"], d["id"]);
    let m = c
        .put(&format!("{dbs}/sales"), json!({"primaryZone": ""}))
        .await
        .ok()
        .clone();
    assert_eq!(m["primaryZone"], Value::Null);
    assert_eq!(m["readonly"], true);
    c.put(&format!("{dbs}/sales"), json!({"collation": "utf8mb4_bin"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid collation");
    c.put(&format!("{dbs}/sales"), json!({"charset": "gbk"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid charset");
    c.put(&format!("{dbs}/nope"), json!({"readonly": false}))
        .await
        .assert_err(404, "OB_DATABASE_NOT_FOUND", "nope");
    c.put(&format!("{dbs}/Sales"), json!({"readonly": false}))
        .await
        .assert_err(404, "OB_DATABASE_NOT_FOUND", "Sales");
    c.delete(&format!("{dbs}/nope"))
        .await
        .assert_err(404, "OB_DATABASE_NOT_FOUND", "nope");
    c.delete(&format!("{dbs}/Archive")).await.no_data();
    assert_eq!(names(&c.contents(&dbs).await, "dbName"), ["sales"]);
}

#[tokio::test]
async fn mysql_user_privileges() {
    let (_sim, c) = sim(0.1).await;
    let t = c.new_tenant("privs", "MYSQL").await;
    for db in ["d1", "d2", "d3"] {
        c.post(&format!("{t}/databases"), json!({"dbName": db}))
            .await
            .ok();
    }
    let users = format!("{t}/users");
    let created = c
        .post(
            &users,
            json!({
                "username": "app", "password": USER_PW, "saveToCredential": true,
                "globalPrivileges": ["SELECT", "CREATE_VIEW", "SELECT"],
                "dbPrivileges": [{"dbName": "d1", "privileges": MYSQL_DB},
                                 {"dbName": "d2", "privileges": ["INSERT", "SELECT"]}],
            }),
        )
        .await
        .ok()
        .clone();
    assert_eq!(created["username"], "app");
    assert_eq!(created["locked"], false);
    assert_eq!(
        strs(&created["globalPrivileges"]),
        ["SELECT", "CREATE_VIEW"]
    );
    assert_eq!(
        created["dbPrivileges"],
        json!([{"dbName": "d1", "privileges": MYSQL_DB},
               {"dbName": "d2", "privileges": ["INSERT", "SELECT"]}])
    );
    assert_eq!(created["objectPrivileges"], json!([]));
    assert_eq!(created["roles"], json!([]));
    let u = format!("{users}/app");
    assert_eq!(c.data(&u).await, created);

    // Global: grant, revoke, modify replaces, idempotence.
    c.post(
        &format!("{u}/grantGlobalPrivilege"),
        json!({"globalPrivileges": MYSQL_GLOBAL}),
    )
    .await
    .no_data();
    assert_eq!(strs(&c.data(&u).await["globalPrivileges"]), MYSQL_GLOBAL);
    c.post(
        &format!("{u}/revokeGlobalPrivilege"),
        json!({"globalPrivileges": ["SUPER", "GRANT_OPTION", "GRANT_OPTION"]}),
    )
    .await
    .no_data();
    let g = strs(&c.data(&u).await["globalPrivileges"]);
    assert_eq!(g.len(), 16);
    assert!(!g.contains(&"SUPER".to_string()) && !g.contains(&"GRANT_OPTION".to_string()));
    c.post(
        &format!("{u}/revokeGlobalPrivilege"),
        json!({"globalPrivileges": ["SUPER"]}),
    )
    .await
    .no_data();
    c.post(
        &format!("{u}/modifyGlobalPrivilege"),
        json!({"globalPrivileges": ["UPDATE", "SELECT"]}),
    )
    .await
    .no_data();
    assert_eq!(
        strs(&c.data(&u).await["globalPrivileges"]),
        ["SELECT", "UPDATE"]
    );
    c.post(
        &format!("{u}/grantGlobalPrivilege"),
        json!({"globalPrivileges": ["SELECT"]}),
    )
    .await
    .no_data();
    assert_eq!(
        strs(&c.data(&u).await["globalPrivileges"]),
        ["SELECT", "UPDATE"]
    );
    c.post(
        &format!("{u}/grantGlobalPrivilege"),
        json!({"globalPrivileges": ["SELECT", "FLY"]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "globalPrivileges[1]: \"FLY\"");
    c.post(
        &format!("{u}/grantGlobalPrivilege"),
        json!({"globalPrivileges": ["CREATE_SESSION"]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "CREATE_SESSION");
    c.post(
        &format!("{u}/grantGlobalPrivilege"),
        json!({"globalPrivileges": []}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "globalPrivileges");
    c.post(&format!("{u}/grantGlobalPrivilege"), json!({}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "globalPrivileges is required");
    c.post(
        &format!("{u}/modifyGlobalPrivilege"),
        json!({"globalPrivileges": []}),
    )
    .await
    .no_data();
    assert_eq!(c.data(&u).await["globalPrivileges"], json!([]));

    // Database privileges.
    c.post(
        &format!("{u}/grantDbPrivilege"),
        json!({"dbPrivileges": [{"dbName": "d3", "privileges": ["SHOW_VIEW", "SELECT"]},
                                {"dbName": "d2", "privileges": ["UPDATE"]}]}),
    )
    .await
    .no_data();
    let db = c.data(&u).await["dbPrivileges"].clone();
    assert_eq!(
        db,
        json!([{"dbName": "d1", "privileges": MYSQL_DB},
               {"dbName": "d2", "privileges": ["INSERT", "SELECT", "UPDATE"]},
               {"dbName": "d3", "privileges": ["SELECT", "SHOW_VIEW"]}])
    );
    c.post(
        &format!("{u}/revokeDbPrivilege"),
        json!({"dbPrivileges": [{"dbName": "d1", "privileges": ["DROP", "ALTER"]},
                                {"dbName": "nowhere", "privileges": ["SELECT"]}]}),
    )
    .await
    .no_data();
    c.post(
        &format!("{u}/revokeDbPrivilege"),
        json!({"dbPrivileges": [{"dbName": "d3", "privileges": ["SHOW_VIEW", "SELECT"]}]}),
    )
    .await
    .no_data();
    // modify: listed databases replaced, empty list removes, unlisted untouched (§5 #15).
    c.post(
        &format!("{u}/modifyDbPrivilege"),
        json!({"dbPrivileges": [{"dbName": "d2", "privileges": []},
                                {"dbName": "d3", "privileges": ["CREATE"]}]}),
    )
    .await
    .no_data();
    let db = c.data(&u).await["dbPrivileges"].clone();
    assert_eq!(
        db,
        json!([{"dbName": "d1", "privileges": ["CREATE", "DELETE", "INSERT", "SELECT", "UPDATE", "INDEX", "CREATE_VIEW", "SHOW_VIEW"]},
               {"dbName": "d3", "privileges": ["CREATE"]}])
    );
    c.post(
        &format!("{u}/grantDbPrivilege"),
        json!({"dbPrivileges": [{"dbName": "d1", "privileges": ["SUPER"]}]}),
    )
    .await
    .assert_err(
        400,
        "ILLEGAL_ARGUMENT",
        "dbPrivileges[0].privileges[0]: \"SUPER\" is not a valid MySQL database privilege",
    );
    c.post(
        &format!("{u}/grantDbPrivilege"),
        json!({"dbPrivileges": [{"dbName": "nowhere", "privileges": ["SELECT"]}]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "dbPrivileges[0].dbName");
    c.post(
        &format!("{u}/grantDbPrivilege"),
        json!({"dbPrivileges": [{"dbName": "d1", "privileges": []}]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "dbPrivileges[0].privileges");
    c.post(
        &users,
        json!({"username": "bad", "password": USER_PW,
               "dbPrivileges": [{"dbName": "zz", "privileges": ["SELECT"]}]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "dbPrivileges[0].dbName");

    // Deleting a database removes its privileges.
    c.delete(&format!("{t}/databases/d1")).await.no_data();
    assert_eq!(
        c.data(&u).await["dbPrivileges"],
        json!([{"dbName": "d3", "privileges": ["CREATE"]}])
    );

    // Oracle-only calls are refused on MySQL.
    c.post(&format!("{u}/grantRole"), json!({"roles": ["DBA"]}))
        .await
        .assert_err(
            400,
            "ILLEGAL_ARGUMENT",
            "roles are supported only by Oracle-mode tenants",
        );
    c.post(
        &format!("{u}/grantObjectPrivilege"),
        json!({"objectPrivileges": [{"object": {"objectType": "TABLE", "objectName": "t", "schemaName": "app"}, "privileges": ["SELECT"]}]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "object privileges are supported only by Oracle-mode tenants");
    c.post(
        &users,
        json!({"username": "r", "password": USER_PW, "roles": ["DBA"]}),
    )
    .await
    .assert_err(
        400,
        "ILLEGAL_ARGUMENT",
        "roles are supported only by Oracle-mode tenants",
    );
    for (path, body) in [
        (format!("{t}/roles"), None),
        (format!("{t}/roles/DBA"), None),
        (format!("{t}/roles"), Some(json!({"roleName": "r1"}))),
        (
            format!("{t}/roles/DBA/grantGlobalPrivilege"),
            Some(json!({"globalPrivileges": ["SELECT"]})),
        ),
    ] {
        let r = match body {
            None => c.get(&path).await,
            Some(b) => c.post(&path, b).await,
        };
        r.assert_err(
            400,
            "ILLEGAL_ARGUMENT",
            "roles are supported only by Oracle-mode tenants",
        );
    }
    c.assert_no_leak(&LEAKS);
}

#[tokio::test]
async fn mysql_users_lifecycle_and_errors() {
    let (sim, c) = sim(0.1).await;
    let t = c.new_tenant("life", "MYSQL").await;
    let users = format!("{t}/users");
    c.post(&users, json!({"username": "bob", "password": USER_PW}))
        .await
        .ok();
    // Case-sensitive names: Bob is another user.
    c.post(&users, json!({"username": "Bob", "password": USER_PW}))
        .await
        .ok();
    c.post(&users, json!({"username": "bob", "password": USER_PW}))
        .await
        .assert_err(400, "DUPLICATE_NAME", "bob");
    assert_eq!(
        names(&c.contents(&users).await, "username"),
        ["Bob", "bob", "root"]
    );
    c.post(&users, json!({"username": "_x", "password": USER_PW}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid username");
    c.post(
        &users,
        json!({"username": "a".repeat(65), "password": USER_PW}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "invalid username");
    c.post(&users, json!({"username": "weak", "password": "password"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid password");
    c.post(&users, json!({"username": "nopw"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "password is required");
    c.get(&format!("{users}/ghost"))
        .await
        .assert_err(404, "OB_USER_NOT_FOUND", "ghost");
    c.post(&format!("{users}/ghost/lock"), json!({}))
        .await
        .assert_err(404, "OB_USER_NOT_FOUND", "ghost");
    c.delete(&format!("{users}/ghost"))
        .await
        .assert_err(404, "OB_USER_NOT_FOUND", "ghost");
    c.post(&format!("{users}/bob/fly"), json!({}))
        .await
        .assert_err(404, "NOT_FOUND", "/fly");
    c.get(&format!("{TENANTS}/1002999/users")).await.assert_err(
        404,
        "OB_TENANT_NOT_FOUND",
        "1002999",
    );
    c.get(&format!("{TENANTS}/abc/users"))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "abc");

    // Lock: grants refused, revoke/changePassword work; unlock restores grants.
    let bob = format!("{users}/bob");
    c.post(&format!("{bob}/lock"), json!({})).await.no_data();
    c.post(&format!("{bob}/lock"), json!({})).await.no_data();
    assert_eq!(c.data(&bob).await["locked"], true);
    c.post(
        &format!("{bob}/grantGlobalPrivilege"),
        json!({"globalPrivileges": ["SELECT"]}),
    )
    .await
    .assert_err(400, "ILLEGAL_STATE", "user bob is locked");
    c.post(
        &format!("{bob}/modifyGlobalPrivilege"),
        json!({"globalPrivileges": ["SELECT"]}),
    )
    .await
    .assert_err(400, "ILLEGAL_STATE", "user bob is locked");
    c.post(
        &format!("{bob}/revokeGlobalPrivilege"),
        json!({"globalPrivileges": ["SELECT"]}),
    )
    .await
    .no_data();
    c.post(
        &format!("{bob}/changePassword"),
        json!({"newPassword": NEW_PW, "saveToCredential": false}),
    )
    .await
    .no_data();
    c.post(
        &format!("{bob}/changePassword"),
        json!({"newPassword": "short1A"}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "invalid newPassword");
    c.post(
        &format!("{bob}/changePassword"),
        json!({"newPassword": "alllowercase"}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "invalid newPassword");
    c.post(&format!("{bob}/changePassword"), json!({}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "newPassword is required");
    c.post(&format!("{bob}/unlock"), json!({})).await.no_data();
    assert_eq!(c.data(&bob).await["locked"], false);
    c.post(
        &format!("{bob}/grantGlobalPrivilege"),
        json!({"globalPrivileges": ["SELECT"]}),
    )
    .await
    .no_data();
    // A locked user can be deleted.
    c.post(&format!("{bob}/lock"), json!({})).await.no_data();
    c.delete(&bob).await.no_data();
    c.get(&bob)
        .await
        .assert_err(404, "OB_USER_NOT_FOUND", "bob");

    // Request counting and fault injection cover the new routes.
    let st = sim.state();
    st.reset_requests();
    c.get(&users).await.ok();
    st.fail_next_requests(1, 503);
    c.get(&users)
        .await
        .assert_err(503, "SERVICE_UNAVAILABLE", "");
    let key = format!("GET {TENANTS}/{{id}}/users").replace("1000001", "{id}");
    assert_eq!(st.route_count(&key), 2, "{:?}", st.requests_by_route());
    assert_eq!(
        st.route_count("GET /api/v2/ob/clusters/{id}/tenants/{id}/users/Bob"),
        0
    );
    c.get(&format!("{users}/Bob")).await.ok();
    assert_eq!(
        st.route_count("GET /api/v2/ob/clusters/{id}/tenants/{id}/users/Bob"),
        1
    );
    c.assert_no_leak(&LEAKS);
}

#[tokio::test]
async fn writes_need_a_normal_idle_tenant() {
    let (sim, c) = sim(0.1).await;
    let t = c.new_tenant("busy", "MYSQL").await;
    // A running tenant task holds the tenant lock.
    sim.state().stuck_next_task();
    let r = c
        .post(
            &format!("{t}/modifyPrimaryZone"),
            json!({"primaryZone": "zone1"}),
        )
        .await;
    let task = r.ok()["id"].as_i64().expect("task");
    c.post(
        &format!("{t}/users"),
        json!({"username": "u", "password": USER_PW}),
    )
    .await
    .assert_err(400, "RESOURCE_BUSY", "");
    c.post(&format!("{t}/databases"), json!({"dbName": "d"}))
        .await
        .assert_err(400, "RESOURCE_BUSY", "");
    c.post(&format!("{t}/users/root/lock"), json!({}))
        .await
        .assert_err(400, "RESOURCE_BUSY", "");
    // Reads still work.
    assert_eq!(c.contents(&format!("{t}/users")).await.len(), 1);
    // Cancel the stuck subtask: the task fails, the tenant is NORMAL again.
    let running = c.stuck_subtask(task).await;
    c.post(
        &format!("/api/v2/tasks/instances/{task}/subtasks/{running}/cancel"),
        json!({}),
    )
    .await
    .ok();
    c.post(&format!("{t}/databases"), json!({"dbName": "d"}))
        .await
        .ok();

    // A tenant whose create failed is not NORMAL.
    sim.state().fail_next_task(2, "boom");
    let r = c
        .post(
            &format!("{TENANTS}/createTenant"),
            json!({"name": "broken", "rootPassword": ROOT_PW,
                   "zones": [{"name": "zone2", "replicaType": "FULL",
                              "resourcePool": {"unitSpecName": "S0", "unitCount": 1}}]}),
        )
        .await;
    let task = r.ok()["id"].as_i64().expect("task");
    let tid = r.ok()["tenantId"].as_i64().expect("tenantId");
    assert_eq!(c.wait_task(task).await["status"], "FAILED");
    c.post(
        &format!("{TENANTS}/{tid}/users"),
        json!({"username": "u", "password": USER_PW}),
    )
    .await
    .assert_err(400, "ILLEGAL_STATE", "FAILED");
}

// ---------------------------------------------------------------------------------------------
// Oracle

#[tokio::test]
async fn oracle_seeded_users_and_roles() {
    let (_sim, c) = sim(0.1).await;
    let t = c.new_tenant("ora1", "ORACLE").await;
    let users = c.contents(&format!("{t}/users")).await;
    assert_eq!(names(&users, "username"), ["SYS", "SYSTEM"]);
    for u in &users {
        assert_eq!(u["globalPrivileges"].as_array().map(Vec::len), Some(22));
        assert_eq!(u["roles"], json!(["DBA"]));
        assert_eq!(u["dbPrivileges"], json!([]));
        assert_eq!(u["objectPrivileges"], json!([]));
    }
    let roles = c.contents(&format!("{t}/roles")).await;
    assert_eq!(
        names(&roles, "roleName"),
        ["CONNECT", "DBA", "PUBLIC", "RESOURCE"]
    );
    assert_eq!(roles[0]["globalPrivileges"], json!(["CREATE_SESSION"]));
    assert_eq!(roles[2]["globalPrivileges"], json!([]));
    // Case-insensitive lookups.
    assert_eq!(c.data(&format!("{t}/users/sys")).await["username"], "SYS");
    assert_eq!(c.data(&format!("{t}/roles/dba")).await["roleName"], "DBA");
    c.get(&format!("{t}/roles/nope"))
        .await
        .assert_err(404, "OB_ROLE_NOT_FOUND", "nope");
    for builtin in ["SYS", "system"] {
        c.delete(&format!("{t}/users/{builtin}")).await.assert_err(
            400,
            "ILLEGAL_ARGUMENT",
            "built-in",
        );
    }
    for builtin in ["CONNECT", "resource", "DBA", "PUBLIC"] {
        c.delete(&format!("{t}/roles/{builtin}")).await.assert_err(
            400,
            "ILLEGAL_ARGUMENT",
            "built-in",
        );
    }
    // Databases belong to MySQL tenants.
    for r in [
        c.get(&format!("{t}/databases")).await,
        c.post(&format!("{t}/databases"), json!({"dbName": "d"}))
            .await,
        c.put(&format!("{t}/databases/d"), json!({"readonly": true}))
            .await,
        c.delete(&format!("{t}/databases/d")).await,
        c.post(
            &format!("{t}/users/SYS/grantDbPrivilege"),
            json!({"dbPrivileges": [{"dbName": "d", "privileges": ["SELECT"]}]}),
        )
        .await,
    ] {
        r.assert_err(
            400,
            "ILLEGAL_ARGUMENT",
            "supported only by MySQL-mode tenants",
        );
    }
    c.post(
        &format!("{t}/users"),
        json!({"username": "x", "password": USER_PW,
               "dbPrivileges": [{"dbName": "d", "privileges": ["SELECT"]}]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "database privileges");
    c.assert_no_leak(&LEAKS);
}

#[tokio::test]
async fn oracle_users_and_roles() {
    let (_sim, c) = sim(0.1).await;
    let t = c.new_tenant("ora2", "ORACLE").await;
    let users = format!("{t}/users");
    let roles = format!("{t}/roles");
    let alice = c
        .post(
            &users,
            json!({"username": "alice", "password": USER_PW,
                   "globalPrivileges": ["CREATE_TABLE", "CREATE_SESSION"],
                   "roles": ["connect", "resource"]}),
        )
        .await
        .ok()
        .clone();
    assert_eq!(alice["username"], "ALICE");
    assert_eq!(
        strs(&alice["globalPrivileges"]),
        ["CREATE_SESSION", "CREATE_TABLE"]
    );
    assert_eq!(alice["roles"], json!(["CONNECT", "RESOURCE"]));
    assert_eq!(alice["dbPrivileges"], json!([]));
    assert_eq!(c.data(&format!("{users}/Alice")).await, alice);
    c.post(&users, json!({"username": "ALICE", "password": USER_PW}))
        .await
        .assert_err(400, "DUPLICATE_NAME", "ALICE");
    c.post(
        &users,
        json!({"username": "u2", "password": USER_PW, "globalPrivileges": ["SELECT"]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "Oracle system privilege");
    c.post(
        &users,
        json!({"username": "u2", "password": USER_PW, "roles": ["GHOST"]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "roles[0]");

    // Roles CRUD with role-to-role grants.
    let r1 = c
        .post(
            &roles,
            json!({"roleName": "app_read", "globalPrivileges": ["CREATE_VIEW"], "roles": ["connect"]}),
        )
        .await
        .ok()
        .clone();
    assert_eq!(r1["roleName"], "APP_READ");
    assert_eq!(r1["globalPrivileges"], json!(["CREATE_VIEW"]));
    assert_eq!(r1["roles"], json!(["CONNECT"]));
    assert_eq!(r1["objectPrivileges"], json!([]));
    c.post(
        &roles,
        json!({"roleName": "app_write", "roles": ["APP_READ"]}),
    )
    .await
    .ok();
    c.post(&roles, json!({"roleName": "App_Read"}))
        .await
        .assert_err(400, "DUPLICATE_NAME", "APP_READ");
    c.post(&roles, json!({"roleName": "alice"}))
        .await
        .assert_err(400, "DUPLICATE_NAME", "ALICE");
    c.post(&users, json!({"username": "app_read", "password": USER_PW}))
        .await
        .assert_err(400, "DUPLICATE_NAME", "APP_READ");
    c.post(&roles, json!({"roleName": "selfish", "roles": ["SELFISH"]}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "itself");
    // Cycles: APP_WRITE includes APP_READ, so APP_READ cannot receive APP_WRITE.
    c.post(
        &format!("{roles}/app_read/grantRole"),
        json!({"roles": ["app_write"]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "cycle");
    c.post(
        &format!("{roles}/app_read/modifyRole"),
        json!({"roles": ["CONNECT", "APP_WRITE"]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "cycle");
    c.post(
        &format!("{roles}/app_read/grantRole"),
        json!({"roles": ["app_read"]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "itself");
    c.post(
        &format!("{roles}/app_write/grantRole"),
        json!({"roles": ["dba"]}),
    )
    .await
    .no_data();
    assert_eq!(
        c.data(&format!("{roles}/APP_WRITE")).await["roles"],
        json!(["APP_READ", "DBA"])
    );
    c.post(
        &format!("{roles}/app_write/revokeRole"),
        json!({"roles": ["DBA", "PUBLIC"]}),
    )
    .await
    .no_data();
    c.post(
        &format!("{roles}/app_write/grantGlobalPrivilege"),
        json!({"globalPrivileges": ["SELECT_ANY_TABLE", "CREATE_SESSION"]}),
    )
    .await
    .no_data();
    c.post(
        &format!("{roles}/app_write/revokeGlobalPrivilege"),
        json!({"globalPrivileges": ["CREATE_SESSION"]}),
    )
    .await
    .no_data();
    c.post(
        &format!("{roles}/app_write/modifyGlobalPrivilege"),
        json!({"globalPrivileges": ["INSERT_ANY_TABLE", "SELECT_ANY_TABLE"]}),
    )
    .await
    .no_data();
    let w = c.data(&format!("{roles}/app_write")).await;
    assert_eq!(
        w["globalPrivileges"],
        json!(["SELECT_ANY_TABLE", "INSERT_ANY_TABLE"])
    );
    assert_eq!(w["roles"], json!(["APP_READ"]));
    c.post(
        &format!("{roles}/app_write/grantDbPrivilege"),
        json!({"dbPrivileges": []}),
    )
    .await
    .assert_err(404, "NOT_FOUND", "grantDbPrivilege");

    // Roles for users: grant/revoke/modify; unknown role refused.
    let a = format!("{users}/alice");
    c.post(&format!("{a}/grantRole"), json!({"roles": ["app_write"]}))
        .await
        .no_data();
    c.post(&format!("{a}/revokeRole"), json!({"roles": ["resource"]}))
        .await
        .no_data();
    assert_eq!(c.data(&a).await["roles"], json!(["APP_WRITE", "CONNECT"]));
    c.post(&format!("{a}/grantRole"), json!({"roles": ["GHOST"]}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "GHOST");
    c.post(
        &format!("{a}/modifyRole"),
        json!({"roles": ["app_read", "app_write"]}),
    )
    .await
    .no_data();
    assert_eq!(c.data(&a).await["roles"], json!(["APP_READ", "APP_WRITE"]));
    // Locked users cannot receive roles.
    c.post(&format!("{a}/lock"), json!({})).await.no_data();
    c.post(&format!("{a}/grantRole"), json!({"roles": ["dba"]}))
        .await
        .assert_err(400, "ILLEGAL_STATE", "user ALICE is locked");
    c.post(&format!("{a}/revokeRole"), json!({"roles": ["app_write"]}))
        .await
        .no_data();
    c.post(&format!("{a}/unlock"), json!({})).await.no_data();
    c.post(&format!("{a}/grantRole"), json!({"roles": ["app_write"]}))
        .await
        .no_data();

    // Deleting a role removes it from users and roles.
    c.delete(&format!("{roles}/app_read")).await.no_data();
    assert_eq!(c.data(&a).await["roles"], json!(["APP_WRITE"]));
    assert_eq!(
        c.data(&format!("{roles}/app_write")).await["roles"],
        json!([])
    );
    c.delete(&format!("{roles}/app_read"))
        .await
        .assert_err(404, "OB_ROLE_NOT_FOUND", "app_read");
    assert_eq!(
        names(&c.contents(&roles).await, "roleName"),
        ["APP_WRITE", "CONNECT", "DBA", "PUBLIC", "RESOURCE"]
    );
    c.assert_no_leak(&LEAKS);
}

#[tokio::test]
async fn oracle_object_privileges() {
    let (_sim, c) = sim(0.1).await;
    let t = c.new_tenant("ora3", "ORACLE").await;
    let users = format!("{t}/users");
    for u in ["owner", "reader"] {
        c.post(&users, json!({"username": u, "password": USER_PW}))
            .await
            .ok();
    }
    let r = format!("{users}/reader");
    let obj = |ty: &str, name: &str, privs: Value| {
        json!({"object": {"objectType": ty, "objectName": name, "schemaName": "owner"},
               "privileges": privs})
    };
    c.post(
        &format!("{r}/grantObjectPrivilege"),
        json!({"objectPrivileges": [obj("TABLE", "orders", json!(["SELECT", "INSERT"])),
                                    obj("STORED_PROCEDURE", "p_calc", json!(["EXECUTE"]))]}),
    )
    .await
    .no_data();
    let got = c.data(&r).await["objectPrivileges"].clone();
    assert_eq!(
        got,
        json!([
            {"object": {"objectType": "TABLE", "objectName": "ORDERS", "schemaName": "OWNER", "fullName": "OWNER.ORDERS"},
             "privileges": ["SELECT", "INSERT"]},
            {"object": {"objectType": "STORED_PROCEDURE", "objectName": "P_CALC", "schemaName": "OWNER", "fullName": "OWNER.P_CALC"},
             "privileges": ["EXECUTE"]},
        ])
    );
    // EXECUTE only on stored procedures, and only EXECUTE there.
    c.post(
        &format!("{r}/grantObjectPrivilege"),
        json!({"objectPrivileges": [obj("TABLE", "orders", json!(["EXECUTE"]))]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "objectPrivileges[0].privileges[0]");
    c.post(
        &format!("{r}/grantObjectPrivilege"),
        json!({"objectPrivileges": [obj("STORED_PROCEDURE", "p_calc", json!(["SELECT"]))]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "STORED_PROCEDURE");
    c.post(
        &format!("{r}/grantObjectPrivilege"),
        json!({"objectPrivileges": [obj("INDEX", "x", json!(["SELECT"]))]}),
    )
    .await
    .assert_err(
        400,
        "ILLEGAL_ARGUMENT",
        "objectPrivileges[0].object.objectType",
    );
    c.post(
        &format!("{r}/grantObjectPrivilege"),
        json!({"objectPrivileges": [{"object": {"objectType": "TABLE", "objectName": "t", "schemaName": "ghost"},
                                     "privileges": ["SELECT"]}]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "objectPrivileges[0].object.schemaName");
    // The seven table privileges on a view; modify replaces per object.
    c.post(
        &format!("{r}/grantObjectPrivilege"),
        json!({"objectPrivileges": [obj("VIEW", "v_orders", json!(["SELECT", "INSERT", "UPDATE", "DELETE", "ALTER", "INDEX", "REFERENCES"]))]}),
    )
    .await
    .no_data();
    c.post(
        &format!("{r}/revokeObjectPrivilege"),
        json!({"objectPrivileges": [obj("VIEW", "v_orders", json!(["REFERENCES", "INDEX"]))]}),
    )
    .await
    .no_data();
    c.post(
        &format!("{r}/modifyObjectPrivilege"),
        json!({"objectPrivileges": [obj("TABLE", "orders", json!(["UPDATE"])),
                                    obj("STORED_PROCEDURE", "p_calc", json!([]))]}),
    )
    .await
    .no_data();
    let got = c.data(&r).await["objectPrivileges"].clone();
    assert_eq!(
        got,
        json!([
            {"object": {"objectType": "TABLE", "objectName": "ORDERS", "schemaName": "OWNER", "fullName": "OWNER.ORDERS"},
             "privileges": ["UPDATE"]},
            {"object": {"objectType": "VIEW", "objectName": "V_ORDERS", "schemaName": "OWNER", "fullName": "OWNER.V_ORDERS"},
             "privileges": ["SELECT", "INSERT", "UPDATE", "DELETE", "ALTER"]},
        ])
    );
    // Roles hold object privileges too.
    c.post(&format!("{t}/roles"), json!({"roleName": "auditor"}))
        .await
        .ok();
    c.post(
        &format!("{t}/roles/auditor/grantObjectPrivilege"),
        json!({"objectPrivileges": [obj("TABLE", "audit_log", json!(["SELECT"]))]}),
    )
    .await
    .no_data();
    c.post(
        &format!("{t}/roles/auditor/modifyObjectPrivilege"),
        json!({"objectPrivileges": [obj("TABLE", "audit_log", json!(["SELECT", "DELETE"]))]}),
    )
    .await
    .no_data();
    assert_eq!(
        c.data(&format!("{t}/roles/auditor")).await["objectPrivileges"][0]["privileges"],
        json!(["SELECT", "DELETE"])
    );

    // Every object that received a grant is listed.
    let objects = c.contents(&format!("{t}/objects")).await;
    assert_eq!(
        names(&objects, "fullName"),
        [
            "OWNER.AUDIT_LOG",
            "OWNER.ORDERS",
            "OWNER.P_CALC",
            "OWNER.V_ORDERS"
        ]
    );
    assert_eq!(
        objects[1],
        json!({"objectType": "TABLE", "objectName": "ORDERS", "schemaName": "OWNER", "fullName": "OWNER.ORDERS"})
    );

    // Dropping the schema's user drops its objects and the privileges on them.
    c.delete(&format!("{users}/owner")).await.no_data();
    assert_eq!(c.data(&r).await["objectPrivileges"], json!([]));
    assert!(c.contents(&format!("{t}/objects")).await.is_empty());
    assert_eq!(
        c.data(&format!("{t}/roles/auditor")).await["objectPrivileges"],
        json!([])
    );
    // Changing SYS's password changes the tenant root password; nothing ever echoes one.
    c.post(
        &format!("{users}/sys/changePassword"),
        json!({"newPassword": NEW_PW}),
    )
    .await
    .no_data();
    c.assert_no_leak(&LEAKS);
}
