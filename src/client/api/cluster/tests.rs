//! Tests of the cluster calls against the simulator's seeded `demo-cluster`.

use serde_json::json;

use super::*;
use crate::client::testutil::{ok, TestSim};

#[tokio::test]
async fn find_cluster_of_an_unknown_id_is_none() {
    let sim = TestSim::start(0.3).await;
    let client = sim.client();
    let found = ok(client.find_cluster(987_654_321).await);
    assert!(found.is_none());
}

#[tokio::test]
async fn find_cluster_by_name_returns_demo_cluster_with_three_zones() {
    let sim = TestSim::start(0.3).await;
    let client = sim.client();
    let c = ok(client.find_cluster_by_name("demo-cluster").await)
        .unwrap_or_else(|| panic!("demo-cluster not found"));
    assert_eq!(c.name, "demo-cluster");
    assert_eq!(c.status.as_deref(), Some("RUNNING"));
    assert_eq!(c.zones.len(), 3);
    assert!(c.zones.iter().all(|z| z.servers.len() == 1), "{c:?}");
    assert!(c.zones[0].servers[0].ip().is_some());
    assert!(ok(client.find_cluster_by_name("demo").await).is_none());
    let by_id = ok(client.find_cluster(c.id).await);
    assert_eq!(by_id.as_ref(), Some(&c));
}

#[tokio::test]
async fn zones_and_servers_of_a_cluster_are_listed() {
    let (_sim, client, id) = TestSim::with_demo(0.3).await;
    let zones = ok(client.list_zones(id).await);
    assert_eq!(
        zones.iter().map(|z| z.name.as_str()).collect::<Vec<_>>(),
        ["zone1", "zone2", "zone3"]
    );
    let servers = ok(client.list_servers(id).await);
    assert_eq!(servers.len(), 3);
    assert!(servers
        .iter()
        .all(|s| s.id.is_some() && s.sql_port().is_some() && s.rpc_port().is_some()));
    let z1 = ok(client.list_zone_servers(id, "zone1").await);
    assert_eq!(z1.len(), 1);
    assert_eq!(z1[0].zone_name.as_deref(), Some("zone1"));
    let all = ok(client.list_clusters(None).await);
    assert!(all.iter().any(|c| c.id == id));
}

#[test]
fn a_cluster_with_missing_optional_fields_decodes() {
    let c: Cluster =
        serde_json::from_value(json!({"id": 5, "name": "x", "zones": null, "obClusterId": null}))
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.id, 5);
    assert!(c.zones.is_empty() && c.ob_cluster_id.is_none());
}

#[test]
fn the_create_cluster_body_has_ocp_field_names_and_the_password() {
    let req = CreateClusterRequest {
        name: "c1".into(),
        cluster_type: "PRIMARY".into(),
        password: Secret::new("pw"),
        rpm_name: "oceanbase.rpm".into(),
        zones: vec![CreateClusterZone {
            zone: ZoneSpec {
                name: "zone1".into(),
                idc_name: "hz1".into(),
                servers: vec![1],
                ..ZoneSpec::default()
            },
            ..CreateClusterZone::default()
        }],
        ..CreateClusterRequest::default()
    };
    let v = serde_json::to_value(&req).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        v,
        json!({"name": "c1", "type": "PRIMARY", "password": "pw", "rpmName": "oceanbase.rpm",
               "zones": [{"name": "zone1", "idcName": "hz1", "servers": [1]}]})
    );
    assert!(!format!("{req:?}").contains("\"pw\""));
}

/// A DELETE of a zone or cluster that meets the delete task its lost first attempt started is
/// refused as busy; the client finds the zone/cluster `DELETING` and returns that task.
#[tokio::test]
async fn a_delete_whose_answer_was_lost_joins_the_running_delete_task() {
    let (sim, plain, cid) = TestSim::with_demo(0.6).await;
    let zone = ZoneSpec {
        name: "zone4".into(),
        idc_name: "hz1".into(),
        servers: vec![1_003_004],
        ..ZoneSpec::default()
    };
    let add = AddZoneRequest {
        zone,
        ..AddZoneRequest::default()
    };
    let Created::New(task) = ok(plain.add_zone(cid, &add).await) else {
        panic!("a new zone was expected")
    };
    let opts = crate::client::WaitOptions::with_timeout(std::time::Duration::from_secs(30));
    let cancel = tokio_util::sync::CancellationToken::new();
    ok(plain.wait_task(task.id, &opts, &cancel).await);

    let front = crate::client::testutil::LossyFront::start(sim.sim.addr(), 1).await;
    let client = sim.client_at(&front.url);
    sim.reset_requests().await;
    let task = ok(client.delete_zone(cid, "zone4").await)
        .unwrap_or_else(|| panic!("the running delete task was expected"));
    assert_eq!(
        sim.count("DELETE /api/v2/ob/clusters/{id}/zones/zone4")
            .await,
        2,
        "the lost DELETE is repeated once, like every DELETE"
    );
    ok(plain.wait_task(task.id, &opts, &cancel).await);
    let zones = ok(plain.list_zones(cid).await);
    assert!(zones.iter().all(|z| z.name != "zone4"), "{zones:?}");
    // Gone: deleting again has nothing to wait for.
    let again = ok(plain.delete_zone(cid, "zone4").await);
    assert!(again.is_none(), "{again:?}");
}

#[test]
fn a_server_with_both_port_spellings_decodes_with_the_right_ports() {
    // OCP's ObServer shape: `port` is the RPC port when `sqlPort` is beside it.
    let s: Server = crate::client::de::decode_at(
        "",
        json!({"id": 1, "ip": "10.0.0.1", "port": 2882, "sqlPort": 2881, "hostId": 11}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((s.sql_port(), s.rpc_port()), (Some(2881), Some(2882)));
    // §5 #13's shape: one `port`, the SQL port; `svrPort` is the RPC port.
    let s: Server = crate::client::de::decode_at("", json!({"port": 2881, "svrPort": 2882}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((s.sql_port(), s.rpc_port()), (Some(2881), Some(2882)));
    let s: Server =
        crate::client::de::decode_at("", json!({"port": 2881})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((s.sql_port(), s.rpc_port()), (Some(2881), None));
    // The same inside a cluster: every server survives, none is dropped.
    let c: Cluster = crate::client::de::decode_at(
        "",
        json!({"id": 5, "name": "c", "extInfo": {"x": 1}, "zones": [{"name": "zone1", "servers": [
            {"id": 1, "ip": "10.0.0.1", "port": 2882, "sqlPort": 2881, "hostId": 11},
            {"id": 2, "ip": "10.0.0.2", "port": 2882, "sqlPort": 2881, "hostId": 12}
        ]}]}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.zones[0].servers.len(), 2);
    assert_eq!(c.zones[0].servers[1].host_id, Some(12));
}

#[test]
fn an_undecodable_list_element_is_an_error_naming_index_and_field() {
    let e = crate::client::de::decode_at::<Cluster>(
        "",
        json!({"id": 5, "name": "c", "zones": [{"name": "zone1", "servers": []},
            {"name": "zone2", "servers": [{"id": 1}, {"id": 2}, "10.0.0.3"]}]}),
    )
    .err()
    .unwrap_or_else(|| panic!("a server that is a string must not decode"));
    assert!(e.starts_with("zones[1].servers[2]"), "{e}");
    let e = crate::client::de::decode_at::<Vec<Cluster>>(
        "",
        json!([{"id": 1, "name": "a"}, {"id": "x", "name": "b"}]),
    )
    .err()
    .unwrap_or_else(|| panic!("an id that is not a number must not decode"));
    assert!(e.starts_with("[1].id: expected an integer id"), "{e}");
}

#[test]
fn a_list_answer_with_an_undecodable_item_is_an_error_naming_it() {
    // `list_all` goes through the same decoding; a bad item is never skipped.
    let e = crate::client::de::decode_at::<Vec<ClusterZone>>(
        "contents",
        json!([{"name": "zone1"}, {"name": "zone2", "servers": 7}]),
    )
    .err()
    .unwrap_or_else(|| panic!("servers that are a number must not decode"));
    assert!(e.starts_with("contents[1].servers: invalid type"), "{e}");
}

#[test]
fn the_upgrade_body_carries_both_forms_ocp_documents() {
    let req =
        UpgradeClusterRequest::for_package("oceanbase-4.2.2.0-100000192024011915.el7.x86_64.rpm");
    let v = serde_json::to_value(&req).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        v,
        json!({"rpmFileName": "oceanbase-4.2.2.0-100000192024011915.el7.x86_64.rpm",
               "upgradeMode": "ROLLING", "destVersion": "4.2.2.0-100000192024011915",
               "operatingSystem": "el7"})
    );
    assert_eq!(
        package_parts("oceanbase-ce-4.2.1.0-100000102023092807.el8.aarch64.rpm"),
        Some(("4.2.1.0-100000102023092807".into(), "el8".into()))
    );
    // A name of another shape sends the package name alone.
    for odd in [
        "x.rpm",
        "oceanbase.rpm",
        "oceanbase-4.2-abc.el7.x86_64.rpm",
        "foo-1-2.el7.x86_64.rpm",
    ] {
        assert_eq!(package_parts(odd), None, "{odd}");
        let v = serde_json::to_value(UpgradeClusterRequest::for_package(odd))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v, json!({"rpmFileName": odd}));
    }
}

#[tokio::test]
async fn cluster_password_and_upgrade_calls_reach_ocp() {
    let (_sim, client, id) = TestSim::with_demo(0.05).await;
    ok(client
        .change_cluster_password(id, &Secret::new("New_root_pw_1"))
        .await);
    let err = client
        .change_cluster_password(id, &Secret::new("weak"))
        .await
        .err()
        .unwrap_or_else(|| panic!("a weak password is refused"));
    assert_eq!(
        err.field().map(|f| f.leaf().to_string()).as_deref(),
        Some("newPassword")
    );
    let req =
        UpgradeClusterRequest::for_package("oceanbase-4.2.2.0-100000192024011915.el7.x86_64.rpm");
    let task = ok(client.upgrade_cluster(id, &req).await);
    assert_eq!(task.cluster_id(), Some(id));
    let c = ok(client.find_cluster(id).await).unwrap_or_else(|| panic!("cluster"));
    assert_eq!(c.status.as_deref(), Some("UPGRADING"));
    let tenants = ok(client.list_tenants(Some(id), &Default::default()).await);
    let sys = tenants
        .iter()
        .find(|t| t.name == "sys")
        .unwrap_or_else(|| panic!("sys"));
    let units = ok(client.list_tenant_units(id, sys.id).await);
    assert_eq!(units.len(), 3, "{units:?}");
    assert!(units
        .iter()
        .all(|u| u.server_id.is_some() && u.zone_name.is_some()));
}
