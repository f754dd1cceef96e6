//! End-to-end tests of the tenant write endpoints (create, delete, modify*, replicas).

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::{sim, statuses, Client, CLUSTER, SYS, TENANTS};

const PASSWORD: &str = "Tenant_pw_1";

impl Client {
    async fn tenant(&self, tid: i64) -> Value {
        self.data(&format!("{TENANTS}/{tid}")).await
    }

    async fn tenant_count(&self) -> u64 {
        self.total(&format!("{TENANTS}?size=2000")).await
    }

    async fn task_count(&self) -> u64 {
        self.total("/api/v2/tasks/instances").await
    }

    /// Create a tenant and wait for its task; returns the tenant id.
    async fn create_ok(&self, body: Value) -> i64 {
        let r = self.post(&format!("{TENANTS}/createTenant"), body).await;
        let tid = r.ok()["tenantId"].as_i64().expect("tenantId");
        self.wait_ok(r.task_id()).await;
        tid
    }

    /// Add the free host `host` as an OBServer of `zone` and wait for it.
    async fn add_server(&self, zone: &str, host: i64) {
        let r = self
            .post(
                &format!("/api/v2/ob/clusters/{CLUSTER}/servers"),
                json!({"zoneName": zone, "servers": [host]}),
            )
            .await;
        self.wait_ok(r.task_id()).await;
    }

    /// Free CPU cores of the (first) server of zone `n` (1-based).
    async fn free_cpu(&self, n: usize) -> f64 {
        let s = self
            .data(&format!(
                "/api/v2/ob/clusters/{CLUSTER}/zones/zone{n}/servers"
            ))
            .await;
        let st = &s["contents"][0]["stats"];
        st["cpuCoreTotal"].as_f64().expect("total") - st["cpuCoreAssigned"].as_f64().expect("used")
    }

    fn assert_no_password(&self, passwords: &[&str]) {
        let mut needles = passwords.to_vec();
        needles.push("rootPassword");
        self.assert_no_leak(&needles);
    }
}

fn zone(name: &str, replica_type: &str, spec: &str, count: i64) -> Value {
    json!({"name": name, "replicaType": replica_type,
           "resourcePool": {"unitSpecName": spec, "unitCount": count}})
}

fn body(name: &str) -> Value {
    json!({
        "name": name,
        "mode": "MYSQL",
        "primaryZone": "zone1;zone2",
        "charset": "utf8mb4",
        "collation": "utf8mb4_general_ci",
        "description": "test tenant",
        "whitelist": "10.0.0.0/8,127.0.0.1",
        "rootPassword": PASSWORD,
        "saveToCredential": false,
        "zones": [zone("zone1", "FULL", "S1", 1), zone("zone2", "FULL", "S1", 1)],
    })
}

#[tokio::test]
async fn create_creating_then_normal_with_ob_tenant_id() {
    let (sim, c) = sim(0.6).await;
    let r = c.post(&format!("{TENANTS}/createTenant"), body("t1")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let task = &r.body["data"];
    assert_eq!(task["name"], "Create tenant");
    assert_eq!(task["status"], "RUNNING");
    assert_eq!(task["clusterId"], CLUSTER);
    let tid = task["tenantId"].as_i64().expect("tenantId");
    let names: Vec<&str> = task["subtasks"]
        .as_array()
        .expect("subtasks")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        [
            "Create resource pool",
            "Create tenant",
            "Set tenant whitelist",
            "Update tenant status"
        ]
    );
    assert_eq!(task["context"]["stringMap"]["tenant_id"], tid.to_string());
    assert_eq!(task["context"]["stringMap"]["tenant_name"], "t1");
    let task_id = task["id"].as_i64().expect("id");

    let t = c.tenant(tid).await;
    assert_eq!(t["status"], "CREATING");
    assert!(t["obTenantId"].is_null(), "{t}");
    // Visible in the lists while creating.
    let l = c.data(&format!("{TENANTS}?status=CREATING")).await;
    assert_eq!(l["contents"][0]["id"], tid);
    let l = c.data("/api/v2/ob/tenants?name=t1").await;
    assert_eq!(l["page"]["totalElements"], 1);
    // A second write on the same tenant is busy.
    let r = c
        .post(
            &format!("{TENANTS}/{tid}/modifyWhitelist"),
            json!({"whitelist": "%"}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.code(), "RESOURCE_BUSY", "{}", r.body);
    assert_eq!(
        c.delete(&format!("{TENANTS}/{tid}")).await.code(),
        "RESOURCE_BUSY"
    );

    let done = c.wait_task(task_id).await;
    assert_eq!(done["status"], "SUCCESSFUL");
    let t = c.tenant(tid).await;
    assert_eq!(t["status"], "NORMAL");
    assert_eq!(t["obTenantId"], 1002);
    assert_eq!(t["name"], "t1");
    assert_eq!(t["mode"], "MYSQL");
    assert_eq!(t["charset"], "utf8mb4");
    assert_eq!(t["collation"], "utf8mb4_general_ci");
    assert_eq!(t["primaryZone"], "zone1;zone2");
    assert_eq!(t["whitelist"], "10.0.0.0/8,127.0.0.1");
    assert_eq!(t["description"], "test tenant");
    assert_eq!(t["locked"], false);
    assert_eq!(t["locality"], "FULL{1}@zone1, FULL{1}@zone2");
    assert_eq!(t["zoneList"], "zone1,zone2");
    assert_eq!(t["obVersion"], "4.2.1.0");
    assert!(t["createTime"].is_string());
    assert_eq!(t["zones"][1]["name"], "zone2");
    assert_eq!(t["zones"][1]["replicaType"], "FULL");
    assert_eq!(t["zones"][1]["resourcePool"]["unitSpecName"], "S1");
    assert_eq!(t["zones"][1]["resourcePool"]["unitCount"], 1);
    for f in [
        "clusterName",
        "ocpClusterView",
        "sqlAuditEnabled",
        "role",
        "readonly",
    ] {
        assert!(t.get(f).is_some(), "missing {f}");
    }
    let units = c.data(&format!("{TENANTS}/{tid}/units")).await;
    assert_eq!(units["page"]["totalElements"], 2);
    assert_eq!(units["contents"][0]["status"], "NORMAL");
    // sys uses S0 (1C), t1 uses S1 (2C) on zone1 and zone2 only.
    assert!((c.free_cpu(1).await - 13.0).abs() < 1e-6);
    assert!((c.free_cpu(3).await - 15.0).abs() < 1e-6);

    // Older path, defaults, Oracle collation, increasing obTenantId.
    sim.state().set_task_seconds(0.05);
    let r = c
        .post(
            TENANTS,
            json!({"name": "ora1", "mode": "ORACLE", "collation": "utf8mb4_general_ci",
                   "rootPassword": "Oracle_pw_22", "zones": [zone("zone3", "FULL", "S0", 1)]}),
        )
        .await;
    let tid2 = r.body["data"]["tenantId"].as_i64().expect("tenantId");
    c.wait_task(r.task_id()).await;
    let t2 = c.tenant(tid2).await;
    assert_eq!(t2["obTenantId"], 1004);
    assert_eq!(t2["mode"], "ORACLE");
    assert_eq!(t2["charset"], "utf8mb4");
    assert_eq!(t2["collation"], "utf8mb4_bin");
    assert_eq!(t2["whitelist"], "%");
    assert_eq!(t2["primaryZone"], "RANDOM");
    assert!(t2["description"].is_null());
    let tid3 = c
        .create_ok(
            json!({"name": "g1", "charset": "gbk", "rootPassword": "Gbk_pw_333",
                          "zones": [zone("zone3", "FULL", "S0", 1)]}),
        )
        .await;
    let t3 = c.tenant(tid3).await;
    assert_eq!(t3["collation"], "gbk_chinese_ci");
    assert_eq!(t3["obTenantId"], 1006);
    // Task list by tenant.
    let l = c
        .data(&format!("/api/v2/tasks/instances?tenantId={tid}"))
        .await;
    assert_eq!(l["contents"][0]["name"], "Create tenant");
    c.assert_no_password(&[PASSWORD, "Oracle_pw_22", "Gbk_pw_333"]);
}

#[tokio::test]
async fn create_validations_give_400_and_create_nothing() {
    let (_sim, c) = sim(0.05).await;
    let tenants = c.tenant_count().await;
    let tasks = c.task_count().await;
    let with = |k: &str, v: Value| {
        let mut b = body("v1");
        b[k] = v;
        b
    };
    let without = |k: &str| {
        let mut b = body("v1");
        b.as_object_mut().expect("obj").remove(k);
        b
    };
    let zones = |zs: Vec<Value>| with("zones", Value::Array(zs));
    let cases: Vec<(Value, &str)> = vec![
        (without("name"), "name"),
        (with("name", json!("")), "name"),
        (with("name", json!("1abc")), "name"),
        (with("name", json!("a-b")), "name"),
        (with("name", json!("a".repeat(65))), "name"),
        (with("name", json!(42)), "name"),
        (with("mode", json!("POSTGRES")), "mode"),
        (with("mode", json!("mysql")), "mode"),
        (with("charset", json!("latin1")), "charset"),
        (with("collation", json!("gbk_bin")), "collation"),
        (with("whitelist", json!("10.0.0.1, 10.0.0.2")), "whitelist"),
        (with("whitelist", json!("10.0.0.0/33")), "whitelist"),
        (with("whitelist", json!("300.1.1.1")), "whitelist"),
        (with("whitelist", json!("")), "whitelist"),
        (with("whitelist", json!("10.10.1%.1")), "whitelist"),
        (without("rootPassword"), "rootPassword"),
        (with("rootPassword", json!("Short_1")), "rootPassword"),
        (with("rootPassword", json!("alllowercase1")), "rootPassword"),
        (with("rootPassword", json!("Has$dollar1")), "rootPassword"),
        (
            with("rootPassword", json!("A_1".repeat(11))),
            "rootPassword",
        ),
        (with("saveToCredential", json!("yes")), "saveToCredential"),
        (without("zones"), "zones"),
        (zones(vec![]), "zones"),
        (with("zones", json!("zone1")), "zones"),
        (zones(vec![zone("zone9", "FULL", "S1", 1)]), "zones[0].name"),
        (
            zones(vec![
                zone("zone1", "FULL", "S1", 1),
                zone("zone1", "FULL", "S1", 1),
            ]),
            "zones[1].name",
        ),
        (
            zones(vec![zone("zone1", "FULL", "S9", 1)]),
            "zones[0].resourcePool.unitSpecName",
        ),
        (
            zones(vec![zone("zone1", "FULL", "S1", 0)]),
            "zones[0].resourcePool.unitCount",
        ),
        (
            zones(vec![zone("zone1", "FULL", "S1", -1)]),
            "zones[0].resourcePool.unitCount",
        ),
        (
            zones(vec![zone("zone1", "PAXOS", "S1", 1)]),
            "zones[0].replicaType",
        ),
        (
            zones(vec![json!({"name": "zone1", "replicaType": "FULL"})]),
            "zones[0].resourcePool",
        ),
        (zones(vec![zone("zone1", "READONLY", "S1", 1)]), "FULL"),
        (with("primaryZone", json!("zone3")), "primaryZone"),
        (with("primaryZone", json!("zone1;;zone2")), "primaryZone"),
        (with("description", json!(["x"])), "description"),
    ];
    for (b, field) in cases {
        let r = c.post(&format!("{TENANTS}/createTenant"), b.clone()).await;
        assert_eq!(r.status, 400, "{field}: {b} -> {}", r.body);
        assert_eq!(r.code(), "ILLEGAL_ARGUMENT", "{field}: {}", r.body);
        assert_eq!(r.body["successful"], false);
        assert!(
            r.message().contains(field),
            "message does not name {field}: {}",
            r.message()
        );
        assert!(!r.message().contains(PASSWORD));
    }
    // Oracle charset rule: binary is MySQL-only.
    let mut b = body("v1");
    b["mode"] = json!("ORACLE");
    b["charset"] = json!("binary");
    let r = c.post(&format!("{TENANTS}/createTenant"), b).await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("charset"));
    // Malformed JSON and a non-object body.
    let r = c.post(&format!("{TENANTS}/createTenant"), json!([1])).await;
    assert_eq!(r.status, 400);
    assert_eq!(c.tenant_count().await, tenants);
    assert_eq!(c.task_count().await, tasks);
    // Unknown cluster → 404.
    let r = c
        .post(
            "/api/v2/ob/clusters/1000999/tenants/createTenant",
            body("v1"),
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "OB_CLUSTER_NOT_FOUND");
}

#[tokio::test]
async fn duplicate_names() {
    let (_sim, c) = sim(0.05).await;
    c.create_ok(body("dup1")).await;
    let n = c.tenant_count().await;
    for name in ["dup1", "DUP1", "sys"] {
        let r = c.post(&format!("{TENANTS}/createTenant"), body(name)).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.code(), "DUPLICATE_NAME");
        assert!(r.message().contains(name), "{}", r.message());
    }
    assert_eq!(c.tenant_count().await, n);
}

#[tokio::test]
async fn capacity_exhaustion_delete_frees_capacity() {
    let (_sim, c) = sim(0.6).await;
    let big = |name: &str| {
        json!({"name": name, "rootPassword": PASSWORD,
               "zones": [zone("zone1", "FULL", "S4", 1), zone("zone2", "FULL", "S4", 1),
                         zone("zone3", "FULL", "S4", 1)]})
    };
    let r = c
        .post(&format!("{TENANTS}/createTenant"), big("big1"))
        .await;
    let t1 = r.body["data"]["tenantId"].as_i64().expect("tid");
    let task = r.task_id();
    // Capacity is reserved at once, even while creating.
    assert!((c.free_cpu(1).await - 3.0).abs() < 1e-6);
    let n = c.tenant_count().await;
    let r = c
        .post(&format!("{TENANTS}/createTenant"), big("big2"))
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.code(), "RESOURCE_NOT_ENOUGH");
    assert!(r.message().contains("zones[0]"), "{}", r.message());
    assert!(r.message().contains("3 CPU cores"), "{}", r.message());
    assert_eq!(c.tenant_count().await, n);
    c.wait_task(task).await;
    // Small tenants still fit until the servers are full: 3 free cores = 3 x S0.
    for i in 0..3 {
        c.create_ok(
            json!({"name": format!("small{i}"), "rootPassword": PASSWORD,
                           "zones": [zone("zone1", "FULL", "S0", 1)]}),
        )
        .await;
    }
    let r = c
        .post(
            &format!("{TENANTS}/createTenant"),
            json!({"name": "small9", "rootPassword": PASSWORD,
                   "zones": [zone("zone1", "FULL", "S0", 1)]}),
        )
        .await;
    assert_eq!(r.code(), "RESOURCE_NOT_ENOUGH");

    // Delete: DELETING while running, then 404 and the capacity is back.
    let r = c.delete(&format!("{TENANTS}/{t1}")).await;
    assert_eq!(r.body["data"]["name"], "Delete tenant");
    assert_eq!(r.body["data"]["tenantId"], t1);
    let task = r.task_id();
    assert_eq!(c.tenant(t1).await["status"], "DELETING");
    let r = c.delete(&format!("{TENANTS}/{t1}")).await;
    assert_eq!(r.code(), "RESOURCE_BUSY");
    assert_eq!(c.wait_task(task).await["status"], "SUCCESSFUL");
    let r = c.get(&format!("{TENANTS}/{t1}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "OB_TENANT_NOT_FOUND");
    assert_eq!(r.body["successful"], false);
    assert!((c.free_cpu(2).await - 15.0).abs() < 1e-6);
    let r = c.delete(&format!("{TENANTS}/{t1}")).await;
    assert_eq!(r.status, 404);
    c.create_ok(big("big2")).await;
}

#[tokio::test]
async fn sys_rules_and_cluster_state() {
    let (_sim, c) = sim(0.6).await;
    let r = c.delete(&format!("{TENANTS}/{SYS}")).await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("sys"));
    let r = c.post(&format!("{TENANTS}/{SYS}/lock"), json!(null)).await;
    assert_eq!(r.status, 400);
    let r = c
        .post(
            &format!("{TENANTS}/{SYS}/deleteReplica"),
            json!([{"zoneName": "zone3"}]),
        )
        .await;
    assert_eq!(r.status, 400);
    // Cluster busy, then stopped.
    let r = c
        .post(&format!("/api/v2/ob/clusters/{CLUSTER}/stop"), json!(null))
        .await;
    let task = r.task_id();
    let r = c
        .post(&format!("{TENANTS}/createTenant"), body("late"))
        .await;
    assert_eq!(r.code(), "RESOURCE_BUSY", "{}", r.body);
    let r = c
        .post(
            &format!("{TENANTS}/{SYS}/modifyWhitelist"),
            json!({"whitelist": "%"}),
        )
        .await;
    assert_eq!(r.code(), "RESOURCE_BUSY");
    c.wait_task(task).await;
    let r = c
        .post(&format!("{TENANTS}/createTenant"), body("late"))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.code(), "ILLEGAL_STATE", "{}", r.body);
    let r = c
        .post(
            &format!("{TENANTS}/{SYS}/changePassword"),
            json!({"newPassword": PASSWORD}),
        )
        .await;
    assert_eq!(r.code(), "ILLEGAL_STATE");
    assert_eq!(c.tenant_count().await, 1);
}

#[tokio::test]
async fn sync_modifications() {
    let (_sim, c) = sim(0.05).await;
    let tid = c.create_ok(body("m1")).await;
    let p = |what: &str| format!("{TENANTS}/{tid}/{what}");

    let r = c
        .post(
            &p("modifyWhitelist"),
            json!({"whitelist": "192.168.1.%,10.1.0.0/16"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.get("data").is_none());
    assert_eq!(r.body["successful"], true);
    assert_eq!(c.tenant(tid).await["whitelist"], "192.168.1.%,10.1.0.0/16");
    for bad in [
        json!({}),
        json!({"whitelist": "a.b.c.d"}),
        json!({"whitelist": 1}),
    ] {
        let r = c.post(&p("modifyWhitelist"), bad).await;
        assert_eq!(r.status, 400);
        assert!(r.message().contains("whitelist"), "{}", r.message());
    }
    assert_eq!(c.tenant(tid).await["whitelist"], "192.168.1.%,10.1.0.0/16");

    let r = c
        .post(
            &p("changePassword"),
            json!({"newPassword": "New_pass_77", "saveToCredential": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.get("data").is_none());
    for bad in [
        json!({}),
        json!({"newPassword": "weakweak"}),
        json!({"newPassword": "Bad pass 1"}),
    ] {
        let r = c.post(&p("changePassword"), bad).await;
        assert_eq!(r.status, 400);
        assert!(r.message().contains("newPassword"), "{}", r.message());
    }

    for _ in 0..2 {
        assert_eq!(c.post(&p("lock"), json!(null)).await.status, 200);
        assert_eq!(c.tenant(tid).await["locked"], true);
    }
    let l = c.data("/api/v2/ob/tenants?locked=true").await;
    assert_eq!(l["contents"][0]["id"], tid);
    assert_eq!(c.post(&p("unlock"), json!(null)).await.status, 200);
    assert_eq!(c.tenant(tid).await["locked"], false);

    // The reference has no call that changes a tenant's description: none is served.
    let r = c
        .post(&p("modifyDescription"), json!({"description": "new text"}))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);

    // A locked tenant can be deleted (our decision).
    assert_eq!(c.post(&p("lock"), json!(null)).await.status, 200);
    let r = c.delete(&format!("{TENANTS}/{tid}")).await;
    assert_eq!(c.wait_task(r.task_id()).await["status"], "SUCCESSFUL");
    let r = c.post(&p("unlock"), json!(null)).await;
    assert_eq!(r.status, 404);
    c.assert_no_password(&[PASSWORD, "New_pass_77"]);
}

#[tokio::test]
async fn modify_primary_zone_async() {
    let (_sim, c) = sim(0.6).await;
    let tid = c.create_ok(body("pz1")).await;
    let r = c
        .post(
            &format!("{TENANTS}/{tid}/modifyPrimaryZone"),
            json!({"primaryZone": "zone2,zone1"}),
        )
        .await;
    assert_eq!(r.body["data"]["name"], "Modify tenant primary zone");
    assert_eq!(r.body["data"]["tenantId"], tid);
    let task = r.task_id();
    let t = c.tenant(tid).await;
    assert_eq!(t["status"], "MODIFYING");
    assert_eq!(
        t["primaryZone"], "zone1;zone2",
        "not applied before success"
    );
    let r = c
        .post(
            &format!("{TENANTS}/{tid}/modifyPrimaryZone"),
            json!({"primaryZone": "zone1"}),
        )
        .await;
    assert_eq!(r.code(), "RESOURCE_BUSY");
    c.wait_task(task).await;
    let t = c.tenant(tid).await;
    assert_eq!(t["status"], "NORMAL");
    assert_eq!(t["primaryZone"], "zone2,zone1");
    for bad in [
        json!({}),
        json!({"primaryZone": "zone3"}),
        json!({"primaryZone": "zone1,zone1"}),
    ] {
        let r = c
            .post(&format!("{TENANTS}/{tid}/modifyPrimaryZone"), bad)
            .await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.message().contains("primaryZone"), "{}", r.message());
    }
    let r = c
        .post(
            &format!("{TENANTS}/{tid}/modifyPrimaryZone"),
            json!({"primaryZone": "random"}),
        )
        .await;
    c.wait_task(r.task_id()).await;
    assert_eq!(c.tenant(tid).await["primaryZone"], "RANDOM");
}

#[tokio::test]
async fn replicas_add_modify_delete() {
    let (_sim, c) = sim(0.6).await;
    let tid = c.create_ok(body("r1")).await;
    let p = |what: &str| format!("{TENANTS}/{tid}/{what}");

    // Add a READONLY replica in zone3.
    let r = c
        .post(
            &p("addReplica"),
            json!([{"zoneName": "zone3", "replicaType": "READONLY",
                                         "resourcePool": {"unitSpecName": "S2", "unitCount": 1}}]),
        )
        .await;
    assert_eq!(r.body["data"]["name"], "Add tenant replica");
    assert_eq!(
        r.body["data"]["context"]["listMap"]["zone_names"],
        json!(["zone3"])
    );
    let task = r.task_id();
    let t = c.tenant(tid).await;
    assert_eq!(t["status"], "MODIFYING");
    assert_eq!(t["locality"], "FULL{1}@zone1, FULL{1}@zone2");
    // The growth is reserved while the task runs.
    assert!((c.free_cpu(3).await - 11.0).abs() < 1e-6);
    c.wait_task(task).await;
    let t = c.tenant(tid).await;
    assert_eq!(t["status"], "NORMAL");
    assert_eq!(
        t["locality"],
        "FULL{1}@zone1, FULL{1}@zone2, READONLY{1}@zone3"
    );
    assert_eq!(t["zoneList"], "zone1,zone2,zone3");
    assert_eq!(t["zones"][2]["resourcePool"]["unitSpecName"], "S2");
    assert!((c.free_cpu(3).await - 11.0).abs() < 1e-6);
    let u = c
        .data(&format!("{TENANTS}/{tid}/units?zoneName=zone3"))
        .await;
    assert_eq!(u["page"]["totalElements"], 1);

    // addReplica validations.
    let cases = [
        (
            json!([{"zoneName": "zone3", "replicaType": "FULL",
                 "resourcePool": {"unitSpecName": "S1", "unitCount": 1}}]),
            "[0].zoneName",
        ),
        (
            json!([{"zoneName": "zone7", "replicaType": "FULL",
                 "resourcePool": {"unitSpecName": "S1", "unitCount": 1}}]),
            "[0].zoneName",
        ),
        (
            json!([{"zoneName": "zone3", "replicaType": "FULL"}]),
            "[0].resourcePool",
        ),
        (json!([]), "replica"),
        (json!({"zoneName": "zone3"}), "array"),
    ];
    for (b, field) in cases {
        let r = c.post(&p("addReplica"), b).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.message().contains(field), "{field}: {}", r.message());
    }

    // Two units in zone2 need two OBServers there (one unit of a tenant per OBServer).
    let r = c
        .post(&p("modifyReplica"), json!([{"zoneName": "zone2",
                                            "resourcePool": {"unitSpecName": "S1", "unitCount": 2}}]))
        .await;
    r.assert_err(
        400,
        "ILLEGAL_ARGUMENT",
        "[0].resourcePool.unitCount: 2 units per zone, but zone zone2 has 1 OBServer(s)",
    );
    c.add_server("zone2", 1_003_005).await;
    // Modify zone2 to two S4 units: growing the kept unit (+10 of 13 free cores) fits, but the
    // second unit needs 12 cores on the new server, which tenant `filler` (S3, 8 cores) has
    // taken half of.
    let filler = c
        .post(
            &format!("{TENANTS}/createTenant"),
            json!({"name": "filler", "rootPassword": PASSWORD,
                   "zones": [zone("zone2", "FULL", "S3", 1)]}),
        )
        .await;
    c.wait_ok(filler.task_id()).await;
    let r = c
        .post(&p("modifyReplica"), json!([{"zoneName": "zone2",
                                            "resourcePool": {"unitSpecName": "S4", "unitCount": 2}}]))
        .await;
    assert_eq!(r.code(), "RESOURCE_NOT_ENOUGH", "{}", r.body);
    let filler_id = filler.body["data"]["tenantId"].as_i64().expect("tenantId");
    let r = c.delete(&format!("{TENANTS}/{filler_id}")).await;
    c.wait_ok(r.task_id()).await;
    let r = c
        .post(&p("modifyReplica"), json!([{"zoneName": "zone2",
                                            "resourcePool": {"unitSpecName": "S2", "unitCount": 2}}]))
        .await;
    assert_eq!(r.body["data"]["name"], "Modify tenant replica");
    let task = r.task_id();
    let t = c.tenant(tid).await;
    assert_eq!(t["status"], "MODIFYING");
    assert_eq!(t["zones"][1]["resourcePool"]["unitSpecName"], "S1");
    // 16 - 1 (sys) - 2 (S1) - 2 (growth to S2) = 11; the new S2 unit goes to the other server.
    assert!((c.free_cpu(2).await - 11.0).abs() < 1e-6);
    c.wait_task(task).await;
    let t = c.tenant(tid).await;
    assert_eq!(t["status"], "NORMAL");
    assert_eq!(t["zones"][1]["resourcePool"]["unitSpecName"], "S2");
    assert_eq!(t["zones"][1]["resourcePool"]["unitCount"], 2);
    assert!((c.free_cpu(2).await - 11.0).abs() < 1e-6);
    let u = c
        .data(&format!("{TENANTS}/{tid}/units?zoneName=zone2"))
        .await;
    assert_eq!(u["page"]["totalElements"], 2);
    let servers: std::collections::BTreeSet<&str> = u["contents"]
        .as_array()
        .expect("units")
        .iter()
        .filter_map(|x| x["serverIp"].as_str())
        .collect();
    assert_eq!(servers.len(), 2, "one unit per OBServer: {u}");

    // Type change: zone3 READONLY -> FULL; zone1 (primary) cannot become READONLY.
    let r = c
        .post(
            &p("modifyReplica"),
            json!([{"zoneName": "zone1", "replicaType": "READONLY"}]),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("[0].replicaType"), "{}", r.message());
    let r = c
        .post(
            &p("modifyReplica"),
            json!([{"zoneName": "zone3", "replicaType": "FULL",
                                            "resourcePool": {"unitCount": 1}}]),
        )
        .await;
    c.wait_task(r.task_id()).await;
    assert_eq!(
        c.tenant(tid).await["locality"],
        "FULL{1}@zone1, FULL{1}@zone2, FULL{1}@zone3"
    );
    for (b, field) in [
        (
            json!([{"zoneName": "zone2", "resourcePool": {"unitCount": 0}}]),
            "[0].resourcePool.unitCount",
        ),
        (
            json!([{"zoneName": "zone2", "resourcePool": {"unitSpecName": "XL"}}]),
            "[0].resourcePool.unitSpecName",
        ),
        (
            json!([{"zoneName": "zone2", "replicaType": "WITNESS"}]),
            "[0].replicaType",
        ),
        (
            json!([{"zoneName": "zone2"}, {"zoneName": "zone2"}]),
            "[1].zoneName",
        ),
        (json!([{"replicaType": "FULL"}]), "[0].zoneName"),
    ] {
        let r = c.post(&p("modifyReplica"), b).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.message().contains(field), "{field}: {}", r.message());
    }

    // Shrink zone2 back to one S1 unit: capacity freed on success.
    let r = c
        .post(&p("modifyReplica"), json!([{"zoneName": "zone2",
                                            "resourcePool": {"unitSpecName": "S1", "unitCount": 1}}]))
        .await;
    c.wait_task(r.task_id()).await;
    assert!((c.free_cpu(2).await - 13.0).abs() < 1e-6);

    // Delete replicas: primary zone refused, zone3 accepted, the last one refused.
    let r = c
        .post(&p("deleteReplica"), json!([{"zoneName": "zone1"}]))
        .await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("primaryZone"), "{}", r.message());
    let r = c
        .post(&p("deleteReplica"), json!([{"zoneName": "zone9"}]))
        .await;
    assert!(r.message().contains("[0].zoneName"), "{}", r.message());
    let r = c
        .post(&p("deleteReplica"), json!([{"zoneName": "zone3"}]))
        .await;
    assert_eq!(r.body["data"]["name"], "Delete tenant replica");
    let task = r.task_id();
    assert_eq!(c.tenant(tid).await["zoneList"], "zone1,zone2,zone3");
    c.wait_task(task).await;
    let t = c.tenant(tid).await;
    assert_eq!(t["locality"], "FULL{1}@zone1, FULL{1}@zone2");
    assert!((c.free_cpu(3).await - 15.0).abs() < 1e-6);
    let r = c
        .post(
            &format!("{TENANTS}/{tid}/modifyPrimaryZone"),
            json!({"primaryZone": "zone1"}),
        )
        .await;
    c.wait_task(r.task_id()).await;
    let r = c
        .post(&p("deleteReplica"), json!([{"zoneName": "zone2"}]))
        .await;
    c.wait_task(r.task_id()).await;
    let r = c
        .post(&p("deleteReplica"), json!([{"zoneName": "zone1"}]))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(c.tenant(tid).await["locality"], "FULL{1}@zone1");
}

#[tokio::test]
async fn failed_create_is_listed_and_rollback_removes_it() {
    let (_sim, c) = sim(0.4).await;
    let r = c
        .send(
            reqwest::Method::POST,
            "/_sim/tasks/fail_next",
            Some(json!({"subtask": 2, "message": "ERROR 4030: Tenant memory not enough"})),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = c.post(&format!("{TENANTS}/createTenant"), body("f1")).await;
    let tid = r.body["data"]["tenantId"].as_i64().expect("tid");
    let task = r.task_id();
    let t = c.wait_task(task).await;
    assert_eq!(t["status"], "FAILED");
    assert_eq!(statuses(&t), ["SUCCESSFUL", "FAILED", "PENDING", "PENDING"]);
    let sid = t["subtasks"][1]["id"].as_i64().expect("sid");
    let log = c
        .data(&format!(
            "/api/v2/tasks/instances/{task}/subtasks/{sid}/log"
        ))
        .await;
    assert!(
        log.as_str()
            .is_some_and(|l| l.contains("Tenant memory not enough")),
        "{log}"
    );
    let t = c.tenant(tid).await;
    assert_eq!(t["status"], "FAILED");
    assert!(t["obTenantId"].is_null());
    let l = c.data(&format!("{TENANTS}?name=f1")).await;
    assert_eq!(l["page"]["totalElements"], 1);
    assert_eq!(l["contents"][0]["status"], "FAILED");
    // Modifications need NORMAL; the name stays taken.
    let r = c
        .post(
            &format!("{TENANTS}/{tid}/modifyWhitelist"),
            json!({"whitelist": "%"}),
        )
        .await;
    assert_eq!(r.code(), "ILLEGAL_STATE");
    assert_eq!(
        c.post(&format!("{TENANTS}/createTenant"), body("f1"))
            .await
            .code(),
        "DUPLICATE_NAME"
    );
    // Rollback removes the tenant and frees its units.
    let r = c
        .post(
            &format!("/api/v2/tasks/instances/{task}/rollback"),
            json!(null),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(c.wait_task(task).await["operation"], "ROLLBACK");
    assert_eq!(c.get(&format!("{TENANTS}/{tid}")).await.status, 404);
    assert!((c.free_cpu(1).await - 15.0).abs() < 1e-6);

    // A second failed create, then retry: CREATING again and finally NORMAL.
    c.send(
        reqwest::Method::POST,
        "/_sim/tasks/fail_next",
        Some(json!({})),
    )
    .await;
    let r = c.post(&format!("{TENANTS}/createTenant"), body("f2")).await;
    let tid = r.body["data"]["tenantId"].as_i64().expect("tid");
    let task = r.task_id();
    assert_eq!(c.wait_task(task).await["status"], "FAILED");
    let r = c
        .post(
            &format!("/api/v2/tasks/instances/{task}/retry"),
            json!(null),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(c.tenant(tid).await["status"], "CREATING");
    assert_eq!(c.wait_task(task).await["status"], "SUCCESSFUL");
    let t = c.tenant(tid).await;
    assert_eq!(t["status"], "NORMAL");
    assert_eq!(t["obTenantId"], 1002);

    // A failed create can also be deleted.
    c.send(
        reqwest::Method::POST,
        "/_sim/tasks/fail_next",
        Some(json!({})),
    )
    .await;
    let r = c.post(&format!("{TENANTS}/createTenant"), body("f3")).await;
    let tid = r.body["data"]["tenantId"].as_i64().expect("tid");
    c.wait_task(r.task_id()).await;
    let r = c.delete(&format!("{TENANTS}/{tid}")).await;
    c.wait_task(r.task_id()).await;
    assert_eq!(c.get(&format!("{TENANTS}/{tid}")).await.status, 404);
}

#[tokio::test]
async fn failed_modifications_leave_tenant_unchanged() {
    let (sim, c) = sim(0.4).await;
    let tid = c.create_ok(body("fm1")).await;
    let p = |what: &str| format!("{TENANTS}/{tid}/{what}");

    // addReplica fails: NORMAL again, no zone3, reservation released; rollback keeps it so.
    sim.state().fail_next_task(3, "locality change timed out");
    let r = c
        .post(
            &p("addReplica"),
            json!([{"zoneName": "zone3", "replicaType": "FULL",
                                         "resourcePool": {"unitSpecName": "S3", "unitCount": 1}}]),
        )
        .await;
    let task = r.task_id();
    assert_eq!(c.wait_task(task).await["status"], "FAILED");
    let t = c.tenant(tid).await;
    assert_eq!(t["status"], "NORMAL");
    assert_eq!(t["zoneList"], "zone1,zone2");
    assert!((c.free_cpu(3).await - 15.0).abs() < 1e-6);
    let r = c
        .post(
            &format!("/api/v2/tasks/instances/{task}/rollback"),
            json!(null),
        )
        .await;
    assert_eq!(r.status, 200);
    c.wait_task(task).await;
    assert_eq!(c.tenant(tid).await["zoneList"], "zone1,zone2");

    // Retry of a failed modifyReplica applies it.
    sim.state().fail_next_task(1, "boom");
    let r = c
        .post(
            &p("modifyReplica"),
            json!([{"zoneName": "zone1",
                                            "resourcePool": {"unitSpecName": "S2"}}]),
        )
        .await;
    let task = r.task_id();
    assert_eq!(c.wait_task(task).await["status"], "FAILED");
    assert_eq!(
        c.tenant(tid).await["zones"][0]["resourcePool"]["unitSpecName"],
        "S1"
    );
    c.post(
        &format!("/api/v2/tasks/instances/{task}/retry"),
        json!(null),
    )
    .await;
    assert_eq!(c.tenant(tid).await["status"], "MODIFYING");
    assert_eq!(c.wait_task(task).await["status"], "SUCCESSFUL");
    assert_eq!(
        c.tenant(tid).await["zones"][0]["resourcePool"]["unitSpecName"],
        "S2"
    );
    assert!((c.free_cpu(1).await - 11.0).abs() < 1e-6);

    // Stuck delete: DELETING until cancelled, then NORMAL again.
    sim.state().stuck_next_task();
    let r = c.delete(&format!("{TENANTS}/{tid}")).await;
    let task = r.task_id();
    // Proving that nothing happens needs a wait: longer than a whole task, a stuck one still
    // runs.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let t = c.data(&format!("/api/v2/tasks/instances/{task}")).await;
    assert_eq!(t["status"], "RUNNING");
    assert_eq!(c.tenant(tid).await["status"], "DELETING");
    let sid = t["subtasks"][3]["id"].as_i64().expect("sid");
    let r = c
        .post(
            &format!("/api/v2/tasks/instances/{task}/subtasks/{sid}/cancel"),
            json!(null),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(c.tenant(tid).await["status"], "NORMAL");

    // Failed primary zone change, rolled back.
    sim.state().fail_next_task(1, "boom");
    let r = c
        .post(&p("modifyPrimaryZone"), json!({"primaryZone": "zone2"}))
        .await;
    let task = r.task_id();
    c.wait_task(task).await;
    c.post(
        &format!("/api/v2/tasks/instances/{task}/rollback"),
        json!(null),
    )
    .await;
    c.wait_task(task).await;
    let t = c.tenant(tid).await;
    assert_eq!(t["primaryZone"], "zone1;zone2");
    assert_eq!(t["status"], "NORMAL");
}

#[tokio::test]
async fn list_filters_and_paging_over_many_tenants() {
    let (_sim, c) = sim(0.0).await;
    for i in 0..25 {
        let mode = if i % 5 == 0 { "ORACLE" } else { "MYSQL" };
        let z = format!("zone{}", i % 3 + 1);
        c.create_ok(
            json!({"name": format!("pg{i:02}"), "mode": mode, "rootPassword": PASSWORD,
                           "zones": [zone(&z, "FULL", "S0", 1)]}),
        )
        .await;
    }
    let d = c.data(&format!("{TENANTS}?size=10&page=3")).await;
    assert_eq!(
        d["page"],
        json!({"number": 3, "size": 10, "totalElements": 26, "totalPages": 3})
    );
    assert_eq!(d["contents"].as_array().expect("contents").len(), 6);
    assert_eq!(d["contents"][5]["name"], "pg24");
    let d = c.data(&format!("{TENANTS}?mode=ORACLE&size=100")).await;
    assert_eq!(d["page"]["totalElements"], 5);
    let d = c.data(&format!("{TENANTS}?name=PG1&sort=name,desc")).await;
    assert_eq!(d["page"]["totalElements"], 10);
    assert_eq!(d["contents"][0]["name"], "pg19");
    let d = c.data(&format!("{TENANTS}?status=NORMAL&size=2000")).await;
    assert_eq!(d["page"]["totalElements"], 26);
    let d = c.data(&format!("{TENANTS}?status=CREATING,DELETING")).await;
    assert_eq!(d["page"]["totalElements"], 0);
    let d = c
        .data("/api/v2/ob/tenants?mode=MYSQL&name=pg&size=5&page=4")
        .await;
    assert_eq!(d["page"]["totalElements"], 20);
    assert_eq!(d["contents"].as_array().expect("contents").len(), 5);
    // Zero-second tasks: everything is NORMAL with distinct, increasing OB tenant ids.
    let all = c.data(&format!("{TENANTS}?size=2000")).await;
    let ob: Vec<i64> = all["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .map(|t| t["obTenantId"].as_i64().expect("ob id"))
        .collect();
    assert_eq!(ob[0], 1);
    assert!(ob.windows(2).all(|w| w[0] < w[1]), "{ob:?}");
    c.assert_no_password(&[PASSWORD]);
}

#[tokio::test]
async fn request_counter_and_faults_on_tenant_routes() {
    let (sim, c) = sim(0.05).await;
    sim.state().fail_next_requests(1, 503);
    let r = c.post(&format!("{TENANTS}/createTenant"), body("x1")).await;
    assert_eq!(r.status, 503);
    assert_eq!(
        c.tenant_count().await,
        1,
        "a faulted create creates nothing"
    );
    let tid = c.create_ok(body("x1")).await;
    c.post(&format!("{TENANTS}/{tid}/lock"), json!(null)).await;
    c.post(&format!("{TENANTS}/{tid}/addReplica"), json!([]))
        .await;
    c.delete(&format!("{TENANTS}/{tid}")).await;
    let st = sim.state();
    assert_eq!(
        st.route_count("POST /api/v2/ob/clusters/{id}/tenants/createTenant"),
        2
    );
    assert_eq!(
        st.route_count("POST /api/v2/ob/clusters/{id}/tenants/{id}/lock"),
        1
    );
    assert_eq!(
        st.route_count("POST /api/v2/ob/clusters/{id}/tenants/{id}/addReplica"),
        1
    );
    assert_eq!(
        st.route_count("DELETE /api/v2/ob/clusters/{id}/tenants/{id}"),
        1
    );
    // Non-numeric tenant id → 400; unknown tenant → 404.
    let r = c.post(&format!("{TENANTS}/abc/lock"), json!(null)).await;
    assert_eq!(r.status, 400);
    let r = c
        .post(&format!("{TENANTS}/1002999/lock"), json!(null))
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "OB_TENANT_NOT_FOUND");
}
