//! OBProxy clusters: async create and delete, hosts taken and released, OBProxies added and
//! removed, links to OceanBase clusters, parameters, and the refusals.

use serde_json::{json, Value};

use crate::support::{sim_virtual, Client};

const CLUSTERS: &str = "/api/v2/obproxy/clusters";
const PKG: &str = "obproxy-ce-4.2.1.0-11.el7.x86_64.rpm";

fn body(name: &str, hosts: &[i64]) -> Value {
    json!({
        "name": name,
        "workMode": "CONFIG_URL",
        "password": "Proxysys_123",
        "proxyroPassword": "Proxyro_123",
        "obproxyInstallParam": {"hostIds": hosts, "sqlPort": 2883, "exporterPort": 2884, "version": PKG},
        "obLinks": [{"clusterName": "demo-cluster", "obClusterId": 1_700_000_001i64, "username": "proxyro"}],
        "startupParameters": [],
        "parameters": [{"name": "enable_compression_protocol", "value": "False"}],
    })
}

async fn create(c: &Client, name: &str, hosts: &[i64]) -> i64 {
    let r = c.post(CLUSTERS, body(name, hosts)).await;
    c.wait_ok(r.task_id()).await;
    let list = c.data(&format!("{CLUSTERS}?name={name}")).await;
    list["contents"][0]["id"]
        .as_i64()
        .expect("created cluster listed")
}

#[tokio::test]
async fn lifecycle_takes_and_releases_hosts() {
    let (_sim, c) = sim_virtual(60.0).await;
    let r = c.post(CLUSTERS, body("p1", &[1_003_004])).await;
    let task = r.task_id();
    let list = c.data(CLUSTERS).await;
    let id = list["contents"][0]["id"].as_i64().unwrap();
    assert_eq!(list["contents"][0]["status"], "CREATING");
    c.wait_ok(task).await;
    let d = c.data(&format!("{CLUSTERS}/{id}")).await;
    assert_eq!(d["status"], "RUNNING");
    assert_eq!(d["obproxies"][0]["hostId"], 1_003_004);
    assert_eq!(d["obproxies"][0]["ip"], "172.16.0.14");
    assert_eq!(d["obproxies"][0]["sqlPort"], 2883);
    assert_eq!(d["obLinks"][0]["clusterName"], "demo-cluster");
    assert!(!d.to_string().contains("Proxyro_123"), "{d}");
    // Parameters: booleans are stored as OCP spells them.
    let ps = c.data(&format!("{CLUSTERS}/{id}/parameters")).await;
    let p = ps["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "enable_compression_protocol")
        .unwrap()
        .clone();
    assert_eq!(p["value"], "false");
    assert_eq!(p["defaultValue"], "true");

    // The host is taken: neither another proxy nor an OBServer may use it.
    let free = c.data("/api/v2/compute/hosts?used=false&size=100").await;
    assert!(
        !free["contents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == 1_003_004),
        "{free}"
    );
    c.post(CLUSTERS, body("p2", &[1_003_005, 1_003_004]))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "obproxyInstallParam.hostIds[1]");
    let r = c
        .post(
            "/api/v2/ob/clusters/1000001/servers",
            json!({"zoneName": "zone1", "servers": [1_003_004]}),
        )
        .await;
    r.assert_err(400, "ILLEGAL_ARGUMENT", "OBProxy cluster p1");
    c.delete("/api/v2/compute/hosts/1003004")
        .await
        .assert_err(400, "ILLEGAL_STATE", "OBProxy");

    // Add an OBProxy, remove it.
    let r = c
        .post(
            &format!("{CLUSTERS}/{id}/obproxies/batchAdd"),
            json!({"hostIds": [1_003_005], "sqlPort": 2883, "exporterPort": 2884, "version": PKG}),
        )
        .await;
    let t = r.ok()["contents"][0]["id"].as_i64().unwrap();
    c.wait_ok(t).await;
    let d = c.data(&format!("{CLUSTERS}/{id}")).await;
    assert_eq!(d["obproxies"].as_array().unwrap().len(), 2);
    let second = d["obproxies"][1]["id"].clone();
    let t = c
        .post(
            &format!("{CLUSTERS}/{id}/servers/delete"),
            json!({"obproxyServerIds": [second]}),
        )
        .await
        .task_id();
    c.wait_ok(t).await;
    assert_eq!(
        c.data(&format!("{CLUSTERS}/{id}")).await["obproxies"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Delete: the hosts are free again.
    let t = c.delete(&format!("{CLUSTERS}/{id}")).await.task_id();
    assert_eq!(
        c.data(&format!("{CLUSTERS}/{id}")).await["status"],
        "DELETING"
    );
    c.wait_ok(t).await;
    assert_eq!(c.get(&format!("{CLUSTERS}/{id}")).await.status, 404);
    create(&c, "p3", &[1_003_004, 1_003_005]).await;
}

#[tokio::test]
async fn links_and_parameters_change_in_place_and_bad_input_is_refused() {
    let (_sim, c) = sim_virtual(60.0).await;
    let id = create(&c, "p1", &[1_003_006]).await;
    // Unknown version, unknown cluster, used host: nothing is created.
    let mut b = body("bad", &[1_003_007]);
    b["obproxyInstallParam"]["version"] = json!("obproxy-9.9.rpm");
    c.post(CLUSTERS, b)
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "obproxyInstallParam.version");
    let mut b = body("bad", &[1_003_007]);
    b["obLinks"][0]["clusterName"] = json!("nope");
    c.post(CLUSTERS, b)
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "obLinks[0].clusterName");
    c.post(CLUSTERS, body("bad", &[1_003_001]))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "hostIds[0]");
    c.post(CLUSTERS, body("p1", &[1_003_007]))
        .await
        .assert_err(400, "DUPLICATE_NAME", "p1");
    assert_eq!(c.total(CLUSTERS).await, 1);

    // Links: the last one cannot go; an unknown cluster cannot be linked.
    let links = format!("{CLUSTERS}/{id}/obLinks");
    c.post(
        &format!("{links}/batchAdd"),
        json!([{"clusterName": "nope", "username": "proxyro"}]),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "[0].clusterName");
    c.delete(&format!("{links}/demo-cluster"))
        .await
        .assert_err(400, "ILLEGAL_STATE", "last");
    c.delete(&format!("{links}/other"))
        .await
        .assert_err(404, "OBPROXY_OB_LINK_NOT_FOUND", "other");

    // Parameters: a known one is set, the default value clears it, an unknown one is refused.
    let params = format!("{CLUSTERS}/{id}/parameters");
    c.put(
        &params,
        json!([{"name": "client_max_connections", "value": "100"}]),
    )
    .await
    .no_data();
    let ps = c.data(&params).await;
    let v = |ps: &Value, n: &str| {
        ps["contents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == n)
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(v(&ps, "client_max_connections"), "100");
    c.put(&params, json!([{"name": "nope", "value": "1"}]))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "[0].name");
    c.put(
        &params,
        json!([{"name": "client_max_connections", "value": "8192"}]),
    )
    .await
    .no_data();
    assert_eq!(v(&c.data(&params).await, "client_max_connections"), "8192");
}
