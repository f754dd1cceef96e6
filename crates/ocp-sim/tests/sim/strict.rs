//! The simulator refuses what OCP refuses (issue #15; the list is in the README, "Rules the
//! simulator enforces"). One test per rule: each sends what OCP would refuse and checks the
//! error envelope (§1.3, §5 #3), that nothing changed, and that the valid form is accepted.

use serde_json::{json, Value};

use crate::support::{sim, tenant_body, Client, TENANTS};

const USER_PW: &str = "User_pw_22";

/// A refusal in OCP's envelope: HTTP 400, `successful: false`, `status: 400`, `error.code`,
/// an `error.message` holding `needle`, and the usual `traceId`.
#[track_caller]
fn refused(r: &crate::support::Resp, code: &str, needle: &str) {
    r.assert_err(400, code, needle);
    assert_eq!(r.body["status"], 400, "{}", r.text);
    assert!(r.body.get("data").is_none(), "{}", r.text);
    assert_eq!(
        r.body["traceId"].as_str().map(str::len),
        Some(16),
        "{}",
        r.text
    );
}

impl Client {
    /// Create a tenant (zone1 and zone2, one S1 unit each) and wait; returns its path.
    async fn strict_tenant(&self, name: &str, mode: &str) -> String {
        let r = self
            .post(&format!("{TENANTS}/createTenant"), tenant_body(name, mode))
            .await;
        let tid = r.ok()["tenantId"].as_i64().expect("tenantId");
        self.wait_ok(r.task_id()).await;
        format!("{TENANTS}/{tid}")
    }
}

fn zone(name: &str, count: i64) -> Value {
    json!({"name": name, "replicaType": "FULL",
           "resourcePool": {"unitSpecName": "S0", "unitCount": count}})
}

/// Rule: no request carries `ALL` (or `ALL PRIVILEGES`): create user, create role, grant,
/// revoke and modify, for global, database and object privileges (OCP: `Invalid database
/// privilege 'ALL'`).
#[tokio::test]
async fn all_is_refused_in_every_privilege_request() {
    let (_sim, c) = sim(0.1).await;
    let my = c.strict_tenant("strict_my", "MYSQL").await;
    c.post(&format!("{my}/databases"), json!({"dbName": "d1"}))
        .await
        .ok();
    let users = format!("{my}/users");
    // Create user with ALL on a database: the docs' example shape.
    let r = c
        .post(
            &users,
            json!({"username": "app", "password": USER_PW,
                   "dbPrivileges": [{"dbName": "d1", "privileges": ["ALL"]}]}),
        )
        .await;
    refused(
        &r,
        "ILLEGAL_ARGUMENT",
        "dbPrivileges[0].privileges[0]: Invalid database privilege 'ALL'",
    );
    let r = c
        .post(
            &users,
            json!({"username": "app", "password": USER_PW,
                   "globalPrivileges": ["SELECT", "ALL PRIVILEGES"]}),
        )
        .await;
    refused(
        &r,
        "ILLEGAL_ARGUMENT",
        "globalPrivileges[1]: Invalid global privilege 'ALL PRIVILEGES'",
    );
    c.get(&format!("{users}/app"))
        .await
        .assert_err(404, "OB_USER_NOT_FOUND", "app");
    // The listed form is accepted.
    c.post(
        &users,
        json!({"username": "app", "password": USER_PW,
               "dbPrivileges": [{"dbName": "d1", "privileges": ["SELECT", "INSERT"]}]}),
    )
    .await
    .ok();
    let u = format!("{users}/app");
    for action in ["grant", "revoke", "modify"] {
        let r = c
            .post(
                &format!("{u}/{action}GlobalPrivilege"),
                json!({"globalPrivileges": ["all"]}),
            )
            .await;
        refused(
            &r,
            "ILLEGAL_ARGUMENT",
            "globalPrivileges[0]: Invalid global privilege 'all'",
        );
        let r = c
            .post(
                &format!("{u}/{action}DbPrivilege"),
                json!({"dbPrivileges": [{"dbName": "d1", "privileges": ["ALL"]}]}),
            )
            .await;
        refused(&r, "ILLEGAL_ARGUMENT", "Invalid database privilege 'ALL'");
    }
    let got = c.data(&u).await;
    assert_eq!(got["globalPrivileges"], json!([]));
    assert_eq!(
        got["dbPrivileges"],
        json!([{"dbName": "d1", "privileges": ["INSERT", "SELECT"]}])
    );

    // Oracle: users, roles and object privileges.
    let ora = c.strict_tenant("strict_ora", "ORACLE").await;
    let r = c
        .post(
            &format!("{ora}/users"),
            json!({"username": "alice", "password": USER_PW, "globalPrivileges": ["ALL"]}),
        )
        .await;
    refused(&r, "ILLEGAL_ARGUMENT", "Invalid system privilege 'ALL'");
    let r = c
        .post(
            &format!("{ora}/roles"),
            json!({"roleName": "reader", "globalPrivileges": ["ALL"]}),
        )
        .await;
    refused(&r, "ILLEGAL_ARGUMENT", "Invalid system privilege 'ALL'");
    c.get(&format!("{ora}/roles/READER"))
        .await
        .assert_err(404, "OB_ROLE_NOT_FOUND", "READER");
    c.post(
        &format!("{ora}/users"),
        json!({"username": "alice", "password": USER_PW}),
    )
    .await
    .ok();
    c.post(&format!("{ora}/roles"), json!({"roleName": "reader"}))
        .await
        .ok();
    let object = json!({"objectPrivileges": [{
        "object": {"objectType": "TABLE", "objectName": "t1", "schemaName": "alice"},
        "privileges": ["ALL"]}]});
    for grantee in ["users/alice", "roles/reader"] {
        for action in ["grant", "revoke", "modify"] {
            let r = c
                .post(
                    &format!("{ora}/{grantee}/{action}ObjectPrivilege"),
                    object.clone(),
                )
                .await;
            refused(
                &r,
                "ILLEGAL_ARGUMENT",
                "objectPrivileges[0].privileges[0]: Invalid object privilege 'ALL'",
            );
            let r = c
                .post(
                    &format!("{ora}/{grantee}/{action}GlobalPrivilege"),
                    json!({"globalPrivileges": ["ALL"]}),
                )
                .await;
            refused(&r, "ILLEGAL_ARGUMENT", "Invalid system privilege 'ALL'");
        }
    }
    assert_eq!(
        c.data(&format!("{ora}/roles/reader")).await["globalPrivileges"],
        json!([])
    );
}

/// Rule: privilege names and object types are spelled exactly as OCP lists them (upper case,
/// underscores); other spellings and names of another scope are refused, with a hint.
#[tokio::test]
async fn privileges_need_ocps_exact_names() {
    let (_sim, c) = sim(0.1).await;
    let my = c.strict_tenant("names_my", "MYSQL").await;
    let users = format!("{my}/users");
    for (privs, needle) in [
        (
            json!(["create view"]),
            "\"create view\" is not a valid MySQL global privilege (OCP spells it CREATE_VIEW)",
        ),
        (json!(["Select"]), "(OCP spells it SELECT)"),
        (
            json!(["CREATE_SESSION"]),
            "\"CREATE_SESSION\" is not a valid MySQL global privilege",
        ),
    ] {
        let r = c
            .post(
                &users,
                json!({"username": "u1", "password": USER_PW, "globalPrivileges": privs}),
            )
            .await;
        refused(&r, "ILLEGAL_ARGUMENT", needle);
    }
    c.post(
        &users,
        json!({"username": "u1", "password": USER_PW, "globalPrivileges": ["CREATE_VIEW"]}),
    )
    .await
    .ok();
    let ora = c.strict_tenant("names_ora", "ORACLE").await;
    c.post(
        &format!("{ora}/users"),
        json!({"username": "alice", "password": USER_PW}),
    )
    .await
    .ok();
    let r = c
        .post(
            &format!("{ora}/users/alice/grantObjectPrivilege"),
            json!({"objectPrivileges": [{
                "object": {"objectType": "table", "objectName": "t1", "schemaName": "alice"},
                "privileges": ["SELECT"]}]}),
        )
        .await;
    refused(
        &r,
        "ILLEGAL_ARGUMENT",
        "objectPrivileges[0].object.objectType",
    );
}

/// Rule: a zone holds at most one unit of a tenant per OBServer: `unitCount` above the
/// OBServers of a zone is refused on create, addReplica and modifyReplica.
#[tokio::test]
async fn unit_count_is_at_most_the_servers_of_the_zone() {
    let (_sim, c) = sim(0.1).await;
    let create = format!("{TENANTS}/createTenant");
    let r = c
        .post(
            &create,
            json!({"name": "wide", "rootPassword": "Tenant_pw_1",
                   "zones": [zone("zone1", 1), zone("zone2", 2)]}),
        )
        .await;
    refused(
        &r,
        "ILLEGAL_ARGUMENT",
        "invalid zones[1].resourcePool.unitCount: 2 units per zone, but zone zone2 has 1 OBServer(s)",
    );
    assert!(c.tenant_named("wide").await.is_none());
    let r = c
        .post(
            &create,
            json!({"name": "wide", "rootPassword": "Tenant_pw_1",
                   "zones": [zone("zone1", 1), zone("zone2", 1)]}),
        )
        .await;
    let tid = r.ok()["tenantId"].as_i64().expect("tenantId");
    c.wait_ok(r.task_id()).await;
    let t = format!("{TENANTS}/{tid}");
    let r = c
        .post(
            &format!("{t}/addReplica"),
            json!([{"zoneName": "zone3", "replicaType": "FULL",
                    "resourcePool": {"unitSpecName": "S0", "unitCount": 3}}]),
        )
        .await;
    refused(
        &r,
        "ILLEGAL_ARGUMENT",
        "invalid [0].resourcePool.unitCount: 3 units per zone, but zone zone3 has 1 OBServer(s)",
    );
    let r = c
        .post(
            &format!("{t}/modifyReplica"),
            json!([{"zoneName": "zone1", "resourcePool": {"unitCount": 2}}]),
        )
        .await;
    refused(
        &r,
        "ILLEGAL_ARGUMENT",
        "invalid [0].resourcePool.unitCount: 2 units per zone, but zone zone1 has 1 OBServer(s)",
    );
    let got = c.data(&t).await;
    assert_eq!(got["status"], "NORMAL");
    assert_eq!(got["locality"], "FULL{1}@zone1, FULL{1}@zone2");
    // With a second OBServer in zone1, two units fit, one on each server.
    let r = c
        .post(
            "/api/v2/ob/clusters/1000001/servers",
            json!({"zoneName": "zone1", "servers": [1_003_004]}),
        )
        .await;
    c.wait_ok(r.task_id()).await;
    let r = c
        .post(
            &format!("{t}/modifyReplica"),
            json!([{"zoneName": "zone1", "resourcePool": {"unitCount": 2}}]),
        )
        .await;
    c.wait_ok(r.task_id()).await;
    let units = c.data(&format!("{t}/units?zoneName=zone1")).await;
    let ips: std::collections::BTreeSet<&str> = units["contents"]
        .as_array()
        .expect("units")
        .iter()
        .filter_map(|u| u["serverIp"].as_str())
        .collect();
    assert_eq!(ips.len(), 2, "{units}");
}

/// Rule: whitelist entries are `%`, IPv4, IPv4/prefix or IPv4 with `%` octets, comma separated
/// without spaces, each once (create and modifyWhitelist).
#[tokio::test]
async fn whitelist_entries_ocp_rejects() {
    let (_sim, c) = sim(0.1).await;
    let create = format!("{TENANTS}/createTenant");
    for (wl, needle) in [
        ("10.0.0.1,10.0.0.1", "entry \"10.0.0.1\" is listed twice"),
        (
            "10.0.0.1, 10.0.0.2",
            "entries are separated by commas without spaces",
        ),
        ("db.example.com", "entry \"db.example.com\""),
        ("10.0.0.0/33", "entry \"10.0.0.0/33\""),
    ] {
        let mut b = tenant_body("wl", "MYSQL");
        b["whitelist"] = json!(wl);
        let r = c.post(&create, b).await;
        refused(
            &r,
            "ILLEGAL_ARGUMENT",
            &format!("invalid whitelist: {needle}"),
        );
    }
    assert!(c.tenant_named("wl").await.is_none());
    let t = c.strict_tenant("wl", "MYSQL").await;
    let r = c
        .post(
            &format!("{t}/modifyWhitelist"),
            json!({"whitelist": "127.0.0.1,10.%.%.%,127.0.0.1"}),
        )
        .await;
    refused(
        &r,
        "ILLEGAL_ARGUMENT",
        "invalid whitelist: entry \"127.0.0.1\" is listed twice",
    );
    c.post(
        &format!("{t}/modifyWhitelist"),
        json!({"whitelist": "127.0.0.1,10.%.%.%"}),
    )
    .await
    .no_data();
    assert_eq!(c.data(&t).await["whitelist"], "127.0.0.1,10.%.%.%");
}

/// Rule: a primary zone names only zones of the tenant holding a FULL replica, each once,
/// without spaces (create and modifyPrimaryZone).
#[tokio::test]
async fn primary_zone_names_only_zones_of_the_tenant() {
    let (_sim, c) = sim(0.1).await;
    let create = format!("{TENANTS}/createTenant");
    for (pz, needle) in [
        ("zone1;zone9", "zone zone9 is not a zone of the tenant"),
        ("zone1;zone3", "zone zone3 is not a zone of the tenant"),
        (
            "zone1; zone2",
            "\"zone1; zone2\": zone names are separated by , and ; without spaces",
        ),
    ] {
        let mut b = tenant_body("pz", "MYSQL");
        b["primaryZone"] = json!(pz);
        let r = c.post(&create, b).await;
        refused(
            &r,
            "ILLEGAL_ARGUMENT",
            &format!("invalid primaryZone: {needle}"),
        );
    }
    assert!(c.tenant_named("pz").await.is_none());
    let t = c.strict_tenant("pz", "MYSQL").await;
    let r = c
        .post(
            &format!("{t}/modifyPrimaryZone"),
            json!({"primaryZone": "zone3"}),
        )
        .await;
    refused(
        &r,
        "ILLEGAL_ARGUMENT",
        "invalid primaryZone: zone zone3 is not a zone of the tenant",
    );
    assert_eq!(c.data(&t).await["primaryZone"], "zone1;zone2");
    let r = c
        .post(
            &format!("{t}/modifyPrimaryZone"),
            json!({"primaryZone": "zone2,zone1"}),
        )
        .await;
    c.wait_ok(r.task_id()).await;
    assert_eq!(c.data(&t).await["primaryZone"], "zone2,zone1");
}

/// Rule: duplicate names are refused with `DUPLICATE_NAME`: tenants in a cluster regardless
/// of case; MySQL users and databases by exact name; Oracle users and roles regardless of case,
/// in one namespace.
#[tokio::test]
async fn duplicate_names() {
    let (_sim, c) = sim(0.1).await;
    let t = c.strict_tenant("dup", "MYSQL").await;
    let r = c
        .post(
            &format!("{TENANTS}/createTenant"),
            tenant_body("DUP", "MYSQL"),
        )
        .await;
    refused(&r, "DUPLICATE_NAME", "tenant name \"DUP\" is already used");
    let users = format!("{t}/users");
    c.post(&users, json!({"username": "app", "password": USER_PW}))
        .await
        .ok();
    let r = c
        .post(&users, json!({"username": "app", "password": USER_PW}))
        .await;
    refused(&r, "DUPLICATE_NAME", "user app already exists");
    c.post(&users, json!({"username": "APP", "password": USER_PW}))
        .await
        .ok();
    let dbs = format!("{t}/databases");
    c.post(&dbs, json!({"dbName": "d1"})).await.ok();
    let r = c.post(&dbs, json!({"dbName": "d1"})).await;
    refused(&r, "DUPLICATE_NAME", "database d1 already exists");

    let ora = c.strict_tenant("dup_ora", "ORACLE").await;
    c.post(
        &format!("{ora}/users"),
        json!({"username": "alice", "password": USER_PW}),
    )
    .await
    .ok();
    let r = c
        .post(
            &format!("{ora}/users"),
            json!({"username": "Alice", "password": USER_PW}),
        )
        .await;
    refused(&r, "DUPLICATE_NAME", "user ALICE already exists");
    let r = c
        .post(&format!("{ora}/roles"), json!({"roleName": "ALICE"}))
        .await;
    refused(&r, "DUPLICATE_NAME", "ALICE is already used by a user");
}
