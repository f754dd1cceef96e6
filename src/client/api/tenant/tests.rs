//! Tests of `client::api::tenant`, against the simulator where they call OCP.

use serde_json::json;

use super::*;
use crate::client::testutil::{
    assert_echo_masked, assert_hidden, assert_no_password, expect_err, ok, wait_ok, LossyFront,
    TestSim,
};

fn replica(zone: &str, spec: &str, count: i64) -> ReplicaSpec {
    ReplicaSpec {
        zone_name: zone.into(),
        replica_type: "FULL".into(),
        unit_spec_name: spec.into(),
        unit_count: count,
    }
}

fn create_body(name: &str, zones: &[&str]) -> CreateTenant {
    CreateTenant {
        name: name.into(),
        mode: "MYSQL".into(),
        primary_zone: Some(zones.join(";")),
        charset: Some("utf8mb4".into()),
        collation: Some("utf8mb4_general_ci".into()),
        description: Some("made by a test".into()),
        whitelist: Some("%".into()),
        root_password: Secret::new("Tenant_Root#pw-42"),
        save_to_credential: false,
        zones: zones.iter().map(|z| replica(z, "S1", 1)).collect(),
        ..CreateTenant::default()
    }
}

/// Creates a tenant, waits for its task, returns it read in full.
async fn create_ready(client: &OcpClient, cluster_id: i64, body: &CreateTenant) -> Tenant {
    let task = ok(client.create_tenant(cluster_id, body).await).expect_new();
    let done = wait_ok(client, task.id).await;
    let id = done
        .tenant_id()
        .unwrap_or_else(|| panic!("the create task carries no tenantId (§5 #2): {done:?}"));
    let t = ok(client.find_tenant(cluster_id, id).await)
        .unwrap_or_else(|| panic!("tenant {id} not found after its create task"));
    assert_eq!(t.name, body.name);
    t
}

async fn find(client: &OcpClient, cluster_id: i64, id: i64) -> Tenant {
    ok(client.find_tenant(cluster_id, id).await).unwrap_or_else(|| panic!("tenant {id} not found"))
}

/// Waits for `task` (which must succeed), then reads tenant `id`.
async fn done_then_find(
    client: &OcpClient,
    cluster_id: i64,
    id: i64,
    task: TaskInstance,
) -> Tenant {
    wait_ok(client, task.id).await;
    find(client, cluster_id, id).await
}

/// A simulator (tasks of `task_seconds`), a client, the id of `demo-cluster`, and a new
/// ready tenant `name` on `zones`.
async fn ready_tenant(
    task_seconds: f64,
    name: &str,
    zones: &[&str],
) -> (TestSim, OcpClient, i64, Tenant) {
    let (sim, client, cid) = TestSim::with_demo(task_seconds).await;
    let t = create_ready(&client, cid, &create_body(name, zones)).await;
    (sim, client, cid, t)
}

/// Waits for the delete `task` (which must succeed), then asserts tenant `id` is gone.
async fn assert_deleted(client: &OcpClient, cluster_id: i64, id: i64, task: TaskInstance) {
    wait_ok(client, task.id).await;
    let found = ok(client.find_tenant(cluster_id, id).await);
    assert!(found.is_none(), "{found:?}");
}

fn zone_specs(t: &Tenant) -> Vec<(String, Option<String>, Option<i64>)> {
    t.zones
        .iter()
        .map(|z| {
            let pool = z.resource_pool.clone().unwrap_or_default();
            (z.name.clone(), pool.unit_spec_name, pool.unit_count)
        })
        .collect()
}

// ---- pure unit tests ----

#[test]
fn the_create_body_has_ocp_field_names_and_debug_hides_the_password() {
    let body = create_body("t1", &["zone1", "zone2"]);
    let v = serde_json::to_value(&body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        v,
        json!({
            "name": "t1", "mode": "MYSQL", "primaryZone": "zone1;zone2",
            "charset": "utf8mb4", "collation": "utf8mb4_general_ci",
            "description": "made by a test", "whitelist": "%",
            "rootPassword": "Tenant_Root#pw-42", "saveToCredential": false,
            "zones": [
                {"name": "zone1", "replicaType": "FULL", "resourcePool": {"unitSpecName": "S1", "unitCount": 1}},
                {"name": "zone2", "replicaType": "FULL", "resourcePool": {"unitSpecName": "S1", "unitCount": 1}}
            ]
        })
    );
    let dbg = format!("{body:?}");
    assert!(!dbg.contains("Tenant_Root#pw-42"), "{dbg}");
    assert!(dbg.contains("***"), "{dbg}");
    let minimal = CreateTenant {
        name: "t2".into(),
        mode: "ORACLE".into(),
        root_password: Secret::new("x"),
        ..CreateTenant::default()
    };
    let v = serde_json::to_value(&minimal).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        v,
        json!({"name": "t2", "mode": "ORACLE", "rootPassword": "x",
               "saveToCredential": false, "zones": []})
    );
}

#[test]
fn replica_bodies_use_zone_name() {
    let r = replica("zone3", "S2", 2);
    let v = serde_json::to_value(ReplicaBody::from(&r)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        v,
        json!({"zoneName": "zone3", "replicaType": "FULL",
               "resourcePool": {"unitSpecName": "S2", "unitCount": 2}})
    );
}

#[test]
fn the_s2_sample_tenant_decodes_and_odd_fields_are_tolerated() {
    let t: Tenant = serde_json::from_value(json!({
        "clusterId": 6000004, "clusterName": "ob3233", "clusterStatus": "RUNNING",
        "clusterType": "PRIMARY", "createTime": "2025-03-20T12:09:15+08:00",
        "id": 6000006, "locality": "FULL{1}@zone1", "locked": false, "mode": "MYSQL",
        "name": "sys", "obClusterId": 1658110574, "obTenantId": 1, "obVersion": "3.2.3.3",
        "ocpClusterView": {"id": 10086}, "primaryZone": "zone1", "readonly": false,
        "role": "PRIMARY", "status": "NORMAL", "syncStatus": "VALID", "zoneList": "zone1"
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.id, 6_000_006);
    assert_eq!(t.ob_tenant_id, Some(1));
    assert_eq!(t.zone_list.as_deref(), Some("zone1"));
    assert!(t.zones.is_empty() && t.whitelist.is_none());
    let t: Tenant = serde_json::from_value(json!({
        "id": "7", "name": "x", "obTenantId": null, "locked": "true", "zones": [
            {"zoneName": "zone1", "replicaType": "FULL", "resourcePool": {"unitSpecName": "S1", "unitCount": "2"}},
            {"name": "zone2"}
        ]
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.id, 7);
    assert_eq!(t.locked, Some(true));
    assert_eq!(
        zone_specs(&t),
        [
            ("zone1".to_owned(), Some("S1".to_owned()), Some(2)),
            ("zone2".to_owned(), None, None)
        ]
    );
    // A replica of unexpected shape is an error that names it, never a replica read as
    // absent (design rule R6).
    let e = crate::client::de::decode_at::<Tenant>(
        "",
        json!({"id": 7, "name": "x", "zones": [{"name": "zone1"},
            {"name": "zone2", "resourcePool": "broken"}]}),
    )
    .err()
    .unwrap_or_else(|| panic!("a broken resource pool must not decode"));
    assert!(e.starts_with("zones[1].resourcePool: "), "{e}");
}

#[test]
fn only_task_shaped_data_counts_as_a_task() {
    let p = "/x";
    let none = |v: Value| {
        task_in_data("POST", p, v)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_none()
    };
    assert!(none(Value::Null));
    assert!(none(json!(true)));
    assert!(none(
        json!({"id": 5, "name": "t1", "status": "NORMAL", "mode": "MYSQL"})
    ));
    let task = task_in_data(
        "POST",
        p,
        json!({"id": 9, "name": "Modify primary zone", "status": "RUNNING",
               "operation": "EXECUTE", "subtasks": []}),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .unwrap_or_else(|| panic!("a task was expected"));
    assert_eq!(task.id, 9);
}

#[test]
fn an_echoed_tenant_password_is_masked() {
    assert_echo_masked("Tenant_Root#pw-42");
}

// ---- reads against the simulator ----

#[tokio::test]
async fn the_sys_tenant_is_found_by_id_and_by_name() {
    let (_sim, client, cid) = TestSim::with_demo(0.3).await;
    let sys =
        ok(client.find_tenant_by_name(cid, "sys").await).unwrap_or_else(|| panic!("sys not found"));
    assert_eq!(sys.name, "sys");
    assert_eq!(sys.cluster_id, Some(cid));
    assert_eq!(sys.status.as_deref(), Some("NORMAL"));
    assert_eq!(sys.mode.as_deref(), Some("MYSQL"));
    assert_eq!(sys.ob_tenant_id, Some(1));
    assert_eq!(sys.whitelist.as_deref(), Some("%"));
    assert_eq!(sys.charset.as_deref(), Some("utf8mb4"));
    assert_eq!(
        zone_specs(&sys),
        ["zone1", "zone2", "zone3"].map(|z| (z.to_owned(), Some("S0".to_owned()), Some(1)))
    );
    assert!(sys
        .zones
        .iter()
        .all(|z| z.replica_type.as_deref() == Some("FULL")));
    let by_id = find(&client, cid, sys.id).await;
    assert_eq!(by_id, sys);
}

#[tokio::test]
async fn unknown_tenants_are_none() {
    let (_sim, client, cid) = TestSim::with_demo(0.3).await;
    let sys =
        ok(client.find_tenant_by_name(cid, "sys").await).unwrap_or_else(|| panic!("sys not found"));
    for (c, t) in [(cid, 987_654_321), (987_654_321, sys.id)] {
        let found = ok(client.find_tenant(c, t).await);
        assert!(found.is_none(), "cluster {c} tenant {t}: {found:?}");
    }
    for name in ["nope", "sy", "SYS", ""] {
        let found = ok(client.find_tenant_by_name(cid, name).await);
        assert!(found.is_none(), "{name:?}: {found:?}");
    }
    let found = ok(client.find_tenant_by_name(987_654_321, "sys").await);
    assert!(found.is_none());
}

#[tokio::test]
async fn tenants_are_listed_with_filters() {
    let (_sim, client, cid) = TestSim::with_demo(0.3).await;
    let names = |list: Vec<Tenant>| list.into_iter().map(|t| t.name).collect::<Vec<_>>();
    let all = ok(client.list_tenants(None, &TenantFilter::default()).await);
    assert!(all
        .iter()
        .any(|t| t.name == "sys" && t.cluster_id == Some(cid)));
    assert!(
        all.iter().all(|t| t.zones.is_empty()),
        "list items carry no detail"
    );
    // (cluster, name, mode, status, whether sys is listed)
    let cases = [
        (Some(cid), None, None, None, true),
        (Some(cid), Some("SY"), None, None, true),
        (None, None, Some("MYSQL"), Some("NORMAL,CREATING"), true),
        (Some(cid), None, Some("ORACLE"), None, false),
        (None, None, None, Some("CREATING"), false),
        (Some(cid), Some("nomatch"), None, None, false),
    ];
    for (c, name, mode, status, has_sys) in cases {
        let f = TenantFilter {
            name: name.map(Into::into),
            mode: mode.map(Into::into),
            status: status.map(Into::into),
        };
        let got = names(ok(client.list_tenants(c, &f).await));
        assert_eq!(
            got.contains(&"sys".to_owned()),
            has_sys,
            "{c:?} {f:?}: {got:?}"
        );
    }
}

#[tokio::test]
async fn the_unit_spec_catalogue_is_listed() {
    let (_sim, client, _) = TestSim::with_demo(0.3).await;
    let specs = ok(client.list_unit_specs().await);
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"S0") && names.contains(&"S1"), "{names:?}");
    let s1 = specs
        .iter()
        .find(|s| s.name == "S1")
        .unwrap_or_else(|| panic!("no S1"));
    assert!(
        s1.id.is_some() && s1.max_cpu.is_some() && s1.max_memory.is_some(),
        "{s1:?}"
    );
}

// ---- writes against the simulator ----

const CREATE_ROUTE: &str = "POST /api/v2/ob/clusters/{id}/tenants/createTenant";

#[tokio::test]
async fn a_created_tenant_becomes_normal_with_its_zones() {
    let (_sim, client, cid) = TestSim::with_demo(0.3).await;
    let body = create_body("t_create", &["zone1", "zone2", "zone3"]);
    let t = create_ready(&client, cid, &body).await;
    assert_eq!(t.status.as_deref(), Some("NORMAL"));
    assert_eq!(t.mode.as_deref(), Some("MYSQL"));
    assert_eq!(t.primary_zone.as_deref(), Some("zone1;zone2;zone3"));
    assert_eq!(t.description.as_deref(), Some("made by a test"));
    assert_eq!(t.whitelist.as_deref(), Some("%"));
    assert_eq!(
        zone_specs(&t),
        ["zone1", "zone2", "zone3"].map(|z| (z.to_owned(), Some("S1".to_owned()), Some(1)))
    );
    let by_name = ok(client.find_tenant_by_name(cid, "t_create").await);
    assert_eq!(by_name.as_ref(), Some(&t));
}

#[tokio::test]
async fn create_reports_a_tenant_that_existed_before_and_sends_no_post() {
    let (sim, client, cid) = TestSim::with_demo(0.3).await;
    let body = create_body("t_adopt", &["zone1"]);
    let existing = create_ready(&client, cid, &body).await;
    sim.refuse_next_post(&format!("/api/v2/ob/clusters/{cid}/tenants/createTenant"))
        .await;
    let found = ok(client.create_tenant(cid, &body).await).expect_existing();
    assert_eq!(found, existing);
    assert_eq!(sim.count(CREATE_ROUTE).await, 0);
}

#[tokio::test]
async fn create_adopts_the_tenant_a_post_with_a_lost_answer_created() {
    let (sim, _front, client, cid) = TestSim::losing_first_post(0.5).await;
    let body = create_body("t_lost", &["zone1"]);
    let t = ok(client.create_tenant(cid, &body).await).expect_adopted();
    assert_eq!(t.name, "t_lost");
    assert_eq!(sim.count(CREATE_ROUTE).await, 1);
}

#[tokio::test]
async fn a_create_refused_by_ocp_keeps_the_password_out_of_the_error() {
    let (_sim, client, cid) = TestSim::with_demo(0.3).await;
    let mut body = create_body("t_bad", &["zone1"]);
    body.zones[0].unit_spec_name = "NO_SUCH_SPEC".into();
    let err = expect_err(client.create_tenant(cid, &body).await);
    assert!(
        matches!(
            err,
            ClientError::Api {
                http_status: 400,
                ..
            }
        ),
        "an unknown unit spec is a 400 (§5 #11): {err:?}"
    );
    assert_hidden(&err, "Tenant_Root#pw-42");
    assert_no_password(&err);
}

#[tokio::test]
async fn a_deleted_tenant_is_gone_and_deleting_again_is_none() {
    let (_sim, client, cid, t) = ready_tenant(0.3, "t_delete", &["zone1"]).await;
    let task = ok(client.delete_tenant(cid, t.id).await)
        .unwrap_or_else(|| panic!("delete returned no task"));
    assert_deleted(&client, cid, t.id, task).await;
    let again = ok(client.delete_tenant(cid, t.id).await);
    assert!(again.is_none(), "{again:?}");
}

#[tokio::test]
async fn a_delete_whose_answer_was_lost_returns_the_running_delete_task() {
    let (sim, plain, cid, t) = ready_tenant(1.0, "t_lostdel", &["zone1"]).await;
    let front = LossyFront::start(sim.sim.addr(), 1).await;
    let client = sim.client_at(&front.url);
    sim.reset_requests().await;
    let task = ok(client.delete_tenant(cid, t.id).await)
        .unwrap_or_else(|| panic!("the delete task was expected"));
    assert_eq!(task.tenant_id(), Some(t.id), "{task:?}");
    assert_eq!(
        sim.count("DELETE /api/v2/ob/clusters/{id}/tenants/{id}")
            .await,
        2,
        "the lost DELETE is repeated once, like every DELETE"
    );
    assert_deleted(&plain, cid, t.id, task).await;
}

#[tokio::test]
async fn a_delete_refused_while_another_task_runs_is_an_error() {
    let (_sim, client, cid, t) = ready_tenant(0.3, "t_busy", &["zone1"]).await;
    let add = ok(client
        .add_tenant_replicas(cid, t.id, &[replica("zone2", "S1", 1)])
        .await);
    let res = client.delete_tenant(cid, t.id).await;
    match &res {
        Err(ClientError::Api {
            http_status: 400, ..
        }) => {}
        other => panic!("expected OCP's busy refusal, got {other:?}"),
    }
    wait_ok(&client, add.id).await;
}

#[tokio::test]
async fn a_failed_primary_zone_change_is_not_repeated() {
    let (sim, client, cid, t) = ready_tenant(0.3, "t_once", &["zone1", "zone2"]).await;
    sim.reset_requests().await;
    let path = format!(
        "/api/v2/ob/clusters/{cid}/tenants/{}/modifyPrimaryZone",
        t.id
    );
    sim.fail_next(1, 503, "POST", &path).await;
    let res = client
        .modify_tenant_primary_zone(cid, t.id, "zone2;zone1")
        .await;
    assert!(res.is_err(), "{res:?}");
    let route = "POST /api/v2/ob/clusters/{id}/tenants/{id}/modifyPrimaryZone";
    assert_eq!(sim.count(route).await, 1);
}

#[tokio::test]
async fn sync_actions_round_trip() {
    let (sim, client, cid, t) = ready_tenant(0.3, "t_sync", &["zone1"]).await;
    let ok = |r: Result<(), ClientError>| r.unwrap_or_else(|e| panic!("{e}"));

    ok(client
        .modify_tenant_whitelist(cid, t.id, "10.0.0.0/8,192.168.1.%")
        .await);
    ok(client.lock_tenant(cid, t.id).await);
    let got = find(&client, cid, t.id).await;
    assert_eq!(got.whitelist.as_deref(), Some("10.0.0.0/8,192.168.1.%"));
    assert_eq!(got.locked, Some(true));
    ok(client.lock_tenant(cid, t.id).await);
    ok(client.unlock_tenant(cid, t.id).await);
    assert_eq!(find(&client, cid, t.id).await.locked, Some(false));

    let pw = Secret::new("Changed_Pw#77");
    ok(client.change_tenant_password(cid, t.id, &pw).await);
    let stored = sim
        .sim
        .state()
        .lock()
        .tenants
        .get(&t.id)
        .map(|x| x.root_password.clone());
    assert_eq!(stored.as_deref(), Some("Changed_Pw#77"));
}

#[tokio::test]
async fn replicas_are_added_modified_and_deleted() {
    let (_sim, client, cid, t) = ready_tenant(0.3, "t_rep", &["zone1", "zone2"]).await;

    let task = ok(client
        .add_tenant_replicas(cid, t.id, &[replica("zone3", "S1", 1)])
        .await);
    assert_eq!(
        zone_specs(&done_then_find(&client, cid, t.id, task).await),
        ["zone1", "zone2", "zone3"].map(|z| (z.to_owned(), Some("S1".to_owned()), Some(1)))
    );
    let task = ok(client
        .modify_tenant_replicas(cid, t.id, &[replica("zone3", "S2", 1)])
        .await);
    assert_eq!(
        zone_specs(&done_then_find(&client, cid, t.id, task).await)[2],
        ("zone3".to_owned(), Some("S2".to_owned()), Some(1))
    );

    let pz = client
        .modify_tenant_primary_zone(cid, t.id, "zone2;zone1")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(task) = pz {
        wait_ok(&client, task.id).await;
    }
    assert_eq!(
        find(&client, cid, t.id).await.primary_zone.as_deref(),
        Some("zone2;zone1")
    );

    let task = ok(client
        .delete_tenant_replicas(cid, t.id, &["zone3".to_owned()])
        .await);
    let got = done_then_find(&client, cid, t.id, task).await;
    assert_eq!(
        got.zones
            .iter()
            .map(|z| z.name.as_str())
            .collect::<Vec<_>>(),
        ["zone1", "zone2"]
    );
    assert_eq!(got.status.as_deref(), Some("NORMAL"));
}
