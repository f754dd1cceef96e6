//! End-to-end tests of the infrastructure writes: regions, IDCs, host types, credentials, hosts
//! (§3.7) and the cluster topology (create/delete cluster, zones, OBServers; §3.1-§3.3).

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::{sim, Client};

const DEMO: i64 = 1_000_001;
const REGION: i64 = 1_005_001;
const HZ1: i64 = 1_006_001;
const HOST_TYPE: i64 = 1_007_001;
/// Free seeded hosts: 1003004/1003007 in hz1, 1003005/1003008 in hz2, 1003006/1003009 in hz3.
const FREE_HZ1: [i64; 2] = [1_003_004, 1_003_007];
const FREE_HZ2: [i64; 2] = [1_003_005, 1_003_008];
const FREE_HZ3: [i64; 2] = [1_003_006, 1_003_009];
const PKG: &str = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm";
const CLUSTER_PW: &str = "Cluster_pw_1";
const SSH_PW: &str = "Ssh_secret_9";
const TENANT_PW: &str = "Tenant_pw_1";

impl Client {
    async fn host(&self, id: i64) -> Value {
        self.data(&format!("/api/v2/compute/hosts/{id}")).await
    }

    async fn free_host_ids(&self) -> Vec<i64> {
        ids(&self.data("/api/v2/compute/hosts?used=false&size=100").await)
    }

    /// Create a cluster and wait for it; returns its id.
    async fn create_cluster_ok(&self, body: Value) -> i64 {
        let r = self.post("/api/v2/ob/clusters", body).await;
        let task = r.task_id();
        let cid = r.body["data"]["clusterId"].as_i64().expect("clusterId");
        self.wait_ok(task).await;
        cid
    }

    fn assert_no_secret(&self, secrets: &[&str]) {
        let mut needles = secrets.to_vec();
        needles.extend(["\"passphrase\"", "\"password\""]);
        self.assert_no_leak(&needles);
    }
}

fn ids(page: &Value) -> Vec<i64> {
    page["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .map(|v| v["id"].as_i64().expect("id"))
        .collect()
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|v| v[key].as_str().unwrap_or("?").to_string())
        .collect()
}

fn cluster_body(name: &str, zones: &[(&str, &str, &[i64])]) -> Value {
    let zones: Vec<Value> = zones
        .iter()
        .map(|(z, idc, hosts)| json!({"name": z, "idcName": idc, "servers": hosts}))
        .collect();
    json!({
        "name": name,
        "type": "PRIMARY",
        "password": CLUSTER_PW,
        "rpmName": PKG,
        "primaryZone": "",
        "zones": zones,
    })
}

fn three_zone_body(name: &str) -> Value {
    cluster_body(
        name,
        &[
            ("zone1", "hz1", &[FREE_HZ1[0]]),
            ("zone2", "hz2", &[FREE_HZ2[0]]),
            ("zone3", "hz3", &[FREE_HZ3[0]]),
        ],
    )
}

fn tenant_body(name: &str, zones: &[&str]) -> Value {
    let zones: Vec<Value> = zones
        .iter()
        .map(|z| {
            json!({"name": z, "replicaType": "FULL",
                   "resourcePool": {"unitSpecName": "S1", "unitCount": 1}})
        })
        .collect();
    json!({"name": name, "rootPassword": TENANT_PW, "zones": zones})
}

// -------------------------------------------------------------------------------------------------
// Regions, IDCs, host types

#[tokio::test]
async fn regions_idcs_host_types_create_delete_and_rules() {
    let (_sim, c) = sim(0.2).await;
    // Region create (§4.6 shape) and rules.
    let r = c
        .post(
            "/api/v2/compute/regions",
            json!({"name": "cn-shanghai", "description": "Shanghai"}),
        )
        .await;
    let region = r.ok().clone();
    let rid = region["id"].as_i64().expect("region id");
    assert_eq!(region["name"], "cn-shanghai");
    assert_eq!(region["description"], "Shanghai");
    assert_eq!(
        c.data(&format!("/api/v2/compute/regions/{rid}")).await["name"],
        "cn-shanghai"
    );
    c.post("/api/v2/compute/regions", json!({"name": "CN-Shanghai"}))
        .await
        .assert_err(400, "DUPLICATE_NAME", "cn-shanghai");
    c.post("/api/v2/compute/regions", json!({"description": "x"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "name is required");
    c.post("/api/v2/compute/regions", json!({"name": "-x"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid name");
    assert_eq!(c.total("/api/v2/compute/regions").await, 2);

    // IDCs.
    let r = c
        .post(
            "/api/v2/compute/idcs",
            json!({"name": "sh1", "regionId": rid}),
        )
        .await;
    let idc = r.ok().clone();
    let idc_id = idc["id"].as_i64().expect("idc id");
    assert_eq!(idc["regionName"], "cn-shanghai");
    assert_eq!(idc["regionId"], rid);
    assert!(idc["description"].is_null());
    c.post(
        "/api/v2/compute/idcs",
        json!({"name": "sh2", "regionId": 1_005_999}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "invalid regionId");
    c.post("/api/v2/compute/idcs", json!({"name": "sh2"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "regionId is required");
    c.post(
        "/api/v2/compute/idcs",
        json!({"name": "HZ1", "regionId": REGION}),
    )
    .await
    .assert_err(400, "DUPLICATE_NAME", "hz1");
    assert_eq!(c.total("/api/v2/compute/idcs").await, 4);

    // Host types: no hyphens (C-inst).
    let r = c
        .post(
            "/api/v2/compute/hostTypes",
            json!({"name": "big_box", "description": "64C256G"}),
        )
        .await;
    let ht = r.ok()["id"].as_i64().expect("host type id");
    c.post("/api/v2/compute/hostTypes", json!({"name": "big-box"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "hyphen");
    c.post("/api/v2/compute/hostTypes", json!({"name": "Standard"}))
        .await
        .assert_err(400, "DUPLICATE_NAME", "standard");
    assert_eq!(c.total("/api/v2/compute/hostTypes").await, 2);

    // In-use rules name what still uses the object.
    c.delete(&format!("/api/v2/compute/regions/{rid}"))
        .await
        .assert_err(400, "ILLEGAL_STATE", "sh1");
    c.delete(&format!("/api/v2/compute/regions/{REGION}"))
        .await
        .assert_err(400, "ILLEGAL_STATE", "hz1");
    c.delete(&format!("/api/v2/compute/idcs/{HZ1}"))
        .await
        .assert_err(400, "ILLEGAL_STATE", "172.16.0.11");
    c.delete(&format!("/api/v2/compute/hostTypes/{HOST_TYPE}"))
        .await
        .assert_err(400, "ILLEGAL_STATE", "172.16.0.11");

    // No modify calls (S0 lists none).
    let r = c
        .send(
            reqwest::Method::PUT,
            &format!("/api/v2/compute/regions/{rid}"),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(r.status, 405);

    // Deletes: sync, no data, then 404.
    let r = c.delete(&format!("/api/v2/compute/idcs/{idc_id}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.get("data").is_none());
    let r = c.delete(&format!("/api/v2/compute/regions/{rid}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c.get(&format!("/api/v2/compute/regions/{rid}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "REGION_NOT_FOUND");
    assert_eq!(
        c.delete(&format!("/api/v2/compute/hostTypes/{ht}"))
            .await
            .status,
        200
    );
    let r = c.delete(&format!("/api/v2/compute/hostTypes/{ht}")).await;
    assert_eq!(r.code(), "HOST_TYPE_NOT_FOUND");
    assert_eq!(c.delete("/api/v2/compute/idcs/abc").await.status, 400);
}

// -------------------------------------------------------------------------------------------------
// Credentials

fn credential_body(name: &str) -> Value {
    json!({
        "validate": false,
        "targetType": "HOST",
        "name": name,
        "description": "root ssh",
        "sshCredentialProperty": {
            "type": "PASSWORD", "username": "root", "passphrase": SSH_PW, "hostIdList": [1_003_004]
        }
    })
}

#[tokio::test]
async fn credentials_create_list_delete_without_passphrase() {
    let (_sim, c) = sim(0.2).await;
    let path = "/api/v2/profiles/me/credentials";
    let mut bad = credential_body("x");
    bad["targetType"] = json!("OB");
    c.post(path, bad)
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid targetType");
    let mut bad = credential_body("x");
    bad["sshCredentialProperty"]
        .as_object_mut()
        .expect("obj")
        .remove("passphrase");
    c.post(path, bad).await.assert_err(
        400,
        "ILLEGAL_ARGUMENT",
        "sshCredentialProperty.passphrase is required",
    );
    let mut bad = credential_body("x");
    bad["sshCredentialProperty"]["type"] = json!("PRIVATE_KEY");
    c.post(path, bad)
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "sshCredentialProperty.type");
    let mut bad = credential_body("x");
    bad["sshCredentialProperty"]["hostIdList"] = json!([1_003_999]);
    c.post(path, bad).await.assert_err(
        400,
        "ILLEGAL_ARGUMENT",
        "sshCredentialProperty.hostIdList[0]",
    );
    assert_eq!(c.total(path).await, 0);

    let r = c.post(path, credential_body("ssh-root")).await;
    let cred = r.ok().clone();
    let id = cred["id"].as_i64().expect("credential id");
    assert!((1_013_001..1_014_000).contains(&id), "{id}");
    assert_eq!(cred["sshCredentialProperty"]["username"], "root");
    assert_eq!(
        cred["sshCredentialProperty"]["hostIdList"],
        json!([1_003_004])
    );
    c.post(path, credential_body("SSH-ROOT"))
        .await
        .assert_err(400, "DUPLICATE_NAME", "ssh-root");

    let list = c.data(&format!("{path}?targetType=HOST")).await;
    assert_eq!(ids(&list), vec![id]);
    assert_eq!(c.total(&format!("{path}?targetType=OB")).await, 0);

    let r = c.delete(&format!("{path}/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.get("data").is_none());
    assert_eq!(c.total(path).await, 0);
    let r = c.delete(&format!("{path}/{id}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "CREDENTIAL_NOT_FOUND");
    c.assert_no_secret(&[SSH_PW]);
}

// -------------------------------------------------------------------------------------------------
// Hosts

async fn credential(c: &Client) -> i64 {
    c.post("/api/v2/profiles/me/credentials", credential_body("ssh"))
        .await
        .ok()["id"]
        .as_i64()
        .expect("credential id")
}

fn hosts_body(ips: &[&str], credential: i64) -> Value {
    let list: Vec<Value> = ips
        .iter()
        .enumerate()
        .map(|(i, ip)| json!({"innerIpAddress": ip, "serialNumber": format!("SN-{i}")}))
        .collect();
    json!({
        "hostBasicDataList": list,
        "sshPort": 22,
        "kind": "DEDICATED_PHYSICAL_MACHINE",
        "idcId": HZ1,
        "typeId": HOST_TYPE,
        "credentialId": credential,
        "vpcId": 1,
        "description": "rack 7",
    })
}

#[tokio::test]
async fn hosts_batch_create_rules_filters_and_delete() {
    // Tasks outlast the test: it sees them running, then ends each one (`wait_task`).
    let (_sim, c) = sim(3600.0).await;
    let cred = credential(&c).await;
    let path = "/api/v2/compute/hosts/batchCreate";
    let total = "/api/v2/compute/hosts";
    assert_eq!(c.total(total).await, 9);

    // Rule violations: 400 naming the field, nothing created.
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            {
                let mut b = hosts_body(&["10.0.0.1"], cred);
                b["idcId"] = json!(1_006_999);
                b
            },
            "ILLEGAL_ARGUMENT",
            "invalid idcId",
        ),
        (
            {
                let mut b = hosts_body(&["10.0.0.1"], cred);
                b["typeId"] = json!(1_007_999);
                b
            },
            "ILLEGAL_ARGUMENT",
            "invalid typeId",
        ),
        (
            {
                let mut b = hosts_body(&["10.0.0.1"], cred);
                b["credentialId"] = json!(1_013_999);
                b
            },
            "ILLEGAL_ARGUMENT",
            "invalid credentialId",
        ),
        (
            {
                let mut b = hosts_body(&["10.0.0.1"], cred);
                b.as_object_mut().expect("obj").remove("credentialId");
                b
            },
            "ILLEGAL_ARGUMENT",
            "credentialId is required",
        ),
        (
            hosts_body(&["10.0.0.1", "172.16.0.11"], cred),
            "DUPLICATE_NAME",
            "hostBasicDataList[1].innerIpAddress",
        ),
        (
            hosts_body(&["10.0.0.1", "10.0.0.1"], cred),
            "ILLEGAL_ARGUMENT",
            "invalid hostBasicDataList[1].innerIpAddress",
        ),
        (
            hosts_body(&["10.0.0.256"], cred),
            "ILLEGAL_ARGUMENT",
            "invalid hostBasicDataList[0].innerIpAddress",
        ),
        (
            hosts_body(&[], cred),
            "ILLEGAL_ARGUMENT",
            "invalid hostBasicDataList",
        ),
        (
            {
                let mut b = hosts_body(&["10.0.0.1", "10.0.0.2"], cred);
                b["alias"] = json!("one");
                b
            },
            "ILLEGAL_ARGUMENT",
            "invalid alias",
        ),
        (
            {
                let mut b = hosts_body(&["10.0.0.1"], cred);
                b["kind"] = json!("VM");
                b
            },
            "ILLEGAL_ARGUMENT",
            "invalid kind",
        ),
        (
            {
                let mut b = hosts_body(&["10.0.0.1"], cred);
                b["sshPort"] = json!(0);
                b
            },
            "ILLEGAL_ARGUMENT",
            "invalid sshPort",
        ),
        (
            {
                let mut b = hosts_body(&["10.0.0.1"], cred);
                b["publishPorts"] = json!(["2881:2881"]);
                b
            },
            "ILLEGAL_ARGUMENT",
            "invalid publishPorts",
        ),
        (
            {
                let mut b = hosts_body(&["10.0.0.1"], cred);
                b["vpcId"] = json!(7);
                b
            },
            "ILLEGAL_ARGUMENT",
            "invalid vpcId",
        ),
    ];
    for (body, code, needle) in cases {
        c.post(path, body).await.assert_err(400, code, needle);
    }
    assert_eq!(c.total(total).await, 9);
    assert_eq!(c.total("/api/v2/tasks/instances").await, 0);

    // Batch create: one task per host, each with hostId (§5 #17); hosts exist at once as NEW.
    let r = c
        .post(path, hosts_body(&["10.0.0.1", "10.0.0.2"], cred))
        .await;
    let tasks = r.ok()["contents"].as_array().expect("contents").clone();
    assert_eq!(tasks.len(), 2);
    let mut new_hosts = Vec::new();
    for t in &tasks {
        assert_eq!(t["name"], "Add host");
        assert_eq!(t["status"], "RUNNING");
        assert_eq!(t["subtasks"].as_array().map(Vec::len), Some(4));
        new_hosts.push(t["hostId"].as_i64().expect("hostId"));
    }
    let h = c.host(new_hosts[0]).await;
    assert_eq!(h["status"], "NEW");
    assert_eq!(h["innerIpAddress"], "10.0.0.1");
    assert_eq!(h["serialNumber"], "SN-0");
    assert_eq!(h["credentialId"], cred);
    assert_eq!(h["idcName"], "hz1");
    assert_eq!(h["used"], false);
    assert_eq!(
        ids(&c.data("/api/v2/compute/hosts?status=NEW").await),
        new_hosts
    );
    // A host being added is locked; its credential is in use.
    c.delete(&format!("/api/v2/compute/hosts/{}", new_hosts[0]))
        .await
        .assert_err(400, "RESOURCE_BUSY", "Add host");
    c.delete(&format!("/api/v2/profiles/me/credentials/{cred}"))
        .await
        .assert_err(400, "ILLEGAL_STATE", "10.0.0.1");
    // A NEW host cannot run an OBServer yet.
    c.post(
        &format!("/api/v2/ob/clusters/{DEMO}/servers"),
        json!({"zoneName": "zone1", "servers": [new_hosts[0]]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "servers[0]");
    for t in &tasks {
        c.wait_ok(t["id"].as_i64().expect("id")).await;
    }
    assert_eq!(c.host(new_hosts[1]).await["status"], "ONLINE");
    assert_eq!(c.total(total).await, 11);

    // Filters.
    assert_eq!(
        ids(&c.data(&format!("/api/v2/compute/hosts?idcId={HZ1}")).await),
        vec![1_003_001, 1_003_004, 1_003_007, new_hosts[0], new_hosts[1]]
    );
    let used = ids(&c.data("/api/v2/compute/hosts?used=true").await);
    assert_eq!(used, vec![1_003_001, 1_003_002, 1_003_003]);
    let free = c.free_host_ids().await;
    assert_eq!(free.len(), 8);
    assert_eq!(
        ids(&c
            .data("/api/v2/compute/hosts?excludedServiceType=OB_CLUSTER&size=100")
            .await),
        free
    );
    assert_eq!(
        ids(&c
            .data("/api/v2/compute/hosts?includedServiceType=OB_CLUSTER")
            .await),
        used
    );
    assert_eq!(
        ids(&c.data("/api/v2/compute/hosts?keyword=demo").await),
        used
    );
    assert_eq!(
        c.total(&format!("/api/v2/compute/hosts?typeId={HOST_TYPE}"))
            .await,
        11
    );
    assert_eq!(c.total("/api/v2/compute/hosts?typeId=1007999").await, 0);
    assert_eq!(
        ids(&c
            .data(&format!(
                "/api/v2/compute/hosts?idcId={HZ1}&used=false&status=ONLINE"
            ))
            .await),
        vec![1_003_004, 1_003_007, new_hosts[0], new_hosts[1]]
    );
    for bad in ["idcId=x", "used=maybe", "includedServiceType=NOPE"] {
        let r = c.get(&format!("/api/v2/compute/hosts?{bad}")).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
    }

    // Delete: sync, no data; a host running an OBServer is refused.
    let r = c
        .delete(&format!("/api/v2/compute/hosts/{}", new_hosts[0]))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.get("data").is_none());
    assert_eq!(
        c.get(&format!("/api/v2/compute/hosts/{}", new_hosts[0]))
            .await
            .code(),
        "HOST_NOT_FOUND"
    );
    c.delete("/api/v2/compute/hosts/1003001").await.assert_err(
        400,
        "ILLEGAL_STATE",
        "demo-cluster",
    );
    assert_eq!(c.delete("/api/v2/compute/hosts/1003999").await.status, 404);
    // Once its hosts are gone the credential can be deleted.
    assert_eq!(
        c.delete(&format!("/api/v2/compute/hosts/{}", new_hosts[1]))
            .await
            .status,
        200
    );
    assert_eq!(
        c.delete(&format!("/api/v2/profiles/me/credentials/{cred}"))
            .await
            .status,
        200
    );
    c.assert_no_secret(&[SSH_PW]);
}

#[tokio::test]
async fn host_add_failure_and_rollback_remove_the_host() {
    let (sim, c) = sim(0.2).await;
    let cred = credential(&c).await;
    sim.state().fail_next_task(2, "agent install failed");
    let r = c
        .post(
            "/api/v2/compute/hosts/batchCreate",
            hosts_body(&["10.0.0.9"], cred),
        )
        .await;
    let task = r.ok()["contents"][0].clone();
    let tid = task["id"].as_i64().expect("id");
    let hid = task["hostId"].as_i64().expect("hostId");
    assert_eq!(c.wait_task(tid).await["status"], "FAILED");
    assert_eq!(c.host(hid).await["status"], "NEW");
    assert_eq!(
        c.post(
            &format!("/api/v2/tasks/instances/{tid}/rollback"),
            json!({})
        )
        .await
        .status,
        200
    );
    c.wait_task(tid).await;
    assert_eq!(
        c.get(&format!("/api/v2/compute/hosts/{hid}")).await.status,
        404
    );
}

/// §5 #18: a real OCP may answer a host delete with a cleanup task. After
/// `POST /_sim/config {"host_delete_task": true}` the simulator does: the host is `DELETING`
/// while the task runs and gone once it succeeds; a failed task gives it its status back.
#[tokio::test]
async fn host_delete_may_answer_a_cleanup_task() {
    let (sim, c) = sim(0.2).await;
    let r = c
        .post("/_sim/config", json!({"host_delete_task": true}))
        .await;
    assert_eq!(r.body["host_delete_task"], true, "{}", r.text);
    let cred = credential(&c).await;
    let r = c
        .post(
            "/api/v2/compute/hosts/batchCreate",
            hosts_body(&["10.0.0.9", "10.0.0.10"], cred),
        )
        .await;
    let added: Vec<(i64, i64)> = r.ok()["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .map(|t| {
            (
                t["id"].as_i64().expect("id"),
                t["hostId"].as_i64().expect("hostId"),
            )
        })
        .collect();
    for (task, _) in &added {
        c.wait_ok(*task).await;
    }
    let (kept, gone) = (added[0].1, added[1].1);

    sim.state().fail_next_task(2, "agent did not stop");
    let r = c.delete(&format!("/api/v2/compute/hosts/{kept}")).await;
    let task = r.ok().clone();
    assert_eq!(task["name"], "Delete host", "{task}");
    assert_eq!(task["hostId"], kept, "{task}");
    assert_eq!(c.host(kept).await["status"], "DELETING");
    assert_eq!(
        c.wait_task(task["id"].as_i64().expect("id")).await["status"],
        "FAILED"
    );
    assert_eq!(
        c.host(kept).await["status"],
        "ONLINE",
        "a failed cleanup keeps the host"
    );

    let r = c.delete(&format!("/api/v2/compute/hosts/{gone}")).await;
    let tid = r.ok()["id"].as_i64().expect("task id");
    c.wait_ok(tid).await;
    let path = format!("/api/v2/compute/hosts/{gone}");
    assert_eq!(c.get(&path).await.status, 404);

    let r = c
        .post("/_sim/config", json!({"host_delete_task": false}))
        .await;
    assert_eq!(r.body["host_delete_task"], false, "{}", r.text);
    let r = c.delete(&format!("/api/v2/compute/hosts/{kept}")).await;
    assert!(
        r.ok().is_null(),
        "deleted at once, as D documents: {}",
        r.text
    );
    assert_eq!(
        c.get(&format!("/api/v2/compute/hosts/{kept}")).await.status,
        404
    );
}

#[tokio::test]
async fn software_package_catalogue() {
    let (_sim, c) = sim(0.2).await;
    let all = c.data("/api/v2/software-packages").await;
    assert_eq!(all["page"]["totalElements"], 3);
    assert_eq!(all["contents"][0]["name"], PKG);
    assert_eq!(all["contents"][0]["type"], "OB_SERVER_INSTALL_PACKAGE");
    let v = c.data("/api/v2/software-packages?version=4.3.3.0").await;
    assert_eq!(
        v["contents"][0]["name"],
        "oceanbase-4.3.3.0-200000142024073011.el7.x86_64.rpm"
    );
    assert_eq!(
        c.total("/api/v2/software-packages?architecture=aarch64")
            .await,
        0
    );
    assert_eq!(c.total("/api/v2/software-packages?keyword=4.2").await, 2);
}

// -------------------------------------------------------------------------------------------------
// Clusters

#[tokio::test]
async fn cluster_create_shows_progress_then_runs_with_sys_tenant() {
    let (_sim, c) = sim(1.2).await;
    let r = c.post("/api/v2/ob/clusters", three_zone_body("c2")).await;
    let task = r.ok().clone();
    assert_eq!(task["name"], "Create OB cluster");
    assert_eq!(task["status"], "RUNNING");
    let cid = task["clusterId"].as_i64().expect("clusterId");
    assert!(cid > DEMO);
    let subtasks = names(&task["subtasks"], "name");
    assert_eq!(
        subtasks,
        vec![
            "Check hosts",
            "Install OBServer package",
            "Start OBServers",
            "Bootstrap cluster",
            "Create sys tenant",
            "Update cluster status"
        ]
    );
    assert_eq!(
        names(&task["subtasks"], "status")[..2],
        ["RUNNING".to_string(), "PENDING".to_string()]
    );
    assert_eq!(task["context"]["stringMap"]["cluster_name"], "c2");

    // The cluster, its zones, servers and sys tenant exist at once; the hosts are used.
    let cl = c.data(&format!("/api/v2/ob/clusters/{cid}")).await;
    assert_eq!(cl["status"], "CREATING");
    assert_eq!(names(&cl["zones"], "status"), vec!["CREATING"; 3]);
    let h = c.host(FREE_HZ1[0]).await;
    assert_eq!(h["clusterId"], cid);
    assert_eq!(h["used"], true);
    let sys = c.data(&format!("/api/v2/ob/clusters/{cid}/tenants")).await;
    assert_eq!(names(&sys["contents"], "name"), vec!["sys"]);
    assert_eq!(sys["contents"][0]["status"], "CREATING");
    // Tenant writes wait for the cluster (its task holds the cluster lock).
    c.post(
        &format!("/api/v2/ob/clusters/{cid}/tenants/createTenant"),
        tenant_body("early", &["zone1"]),
    )
    .await
    .assert_err(400, "RESOURCE_BUSY", "Create OB cluster");
    // The cluster lock refuses a second task.
    c.delete(&format!("/api/v2/ob/clusters/{cid}"))
        .await
        .assert_err(400, "RESOURCE_BUSY", "Create OB cluster");

    // Subtasks progress while the task runs.
    let tid = task["id"].as_i64().expect("id");
    let mut seen_progress = false;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let done = loop {
        let t = c.data(&format!("/api/v2/tasks/instances/{tid}")).await;
        if t["status"] != "RUNNING" {
            break t;
        }
        let st = names(&t["subtasks"], "status");
        let ok = st.iter().filter(|s| *s == "SUCCESSFUL").count();
        if (1..6).contains(&ok) {
            assert_eq!(st[ok], "RUNNING", "{st:?}");
            assert!(st[ok + 1..].iter().all(|s| s == "PENDING"), "{st:?}");
            seen_progress = true;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the task did not finish: {t}"
        );
        // Polling a condition (progress and end on the wall clock) with a deadline.
        tokio::time::sleep(Duration::from_millis(30)).await;
    };
    assert!(seen_progress);
    assert_eq!(done["status"], "SUCCESSFUL");

    let cl = c.data(&format!("/api/v2/ob/clusters/{cid}")).await;
    assert_eq!(cl["status"], "RUNNING");
    assert_eq!(cl["name"], "c2");
    assert_eq!(cl["type"], "PRIMARY");
    assert_eq!(cl["obVersion"], "4.2.1.0");
    assert_eq!(cl["fullVersion"], "4.2.1.0-100000102023092807");
    assert_eq!(cl["obClusterId"], 1_700_000_002_i64);
    assert_eq!(names(&cl["zones"], "name"), vec!["zone1", "zone2", "zone3"]);
    assert_eq!(names(&cl["zones"], "idcName"), vec!["hz1", "hz2", "hz3"]);
    for z in cl["zones"].as_array().expect("zones") {
        assert_eq!(z["status"], "RUNNING");
        assert_eq!(z["servers"].as_array().map(Vec::len), Some(1));
        assert_eq!(z["servers"][0]["status"], "RUNNING");
    }
    assert_eq!(cl["zones"][1]["servers"][0]["ip"], "172.16.0.15");
    let sys = c.data(&format!("/api/v2/ob/clusters/{cid}/tenants")).await["contents"][0].clone();
    assert_eq!(sys["status"], "NORMAL");
    assert_eq!(sys["obTenantId"], 1);
    assert_eq!(
        sys["locality"],
        "FULL{1}@zone1, FULL{1}@zone2, FULL{1}@zone3"
    );
    assert_eq!(sys["primaryZone"], "RANDOM");
    let sys_id = sys["id"].as_i64().expect("sys id");
    let users = c
        .data(&format!("/api/v2/ob/clusters/{cid}/tenants/{sys_id}/users"))
        .await;
    assert_eq!(names(&users["contents"], "username"), vec!["root"]);
    assert_eq!(
        c.total(&format!("/api/v2/ob/clusters/{cid}/tenants/{sys_id}/units"))
            .await,
        3
    );
    // Free hosts shrank by three; a user tenant fits on the new cluster.
    assert_eq!(
        c.free_host_ids().await,
        vec![FREE_HZ1[1], FREE_HZ2[1], FREE_HZ3[1]]
    );
    assert_eq!(c.total("/api/v2/ob/clusters").await, 2);
    let r = c
        .post(
            &format!("/api/v2/ob/clusters/{cid}/tenants/createTenant"),
            tenant_body("t1", &["zone1", "zone2", "zone3"]),
        )
        .await;
    c.wait_ok(r.task_id()).await;
    c.assert_no_secret(&[CLUSTER_PW, TENANT_PW]);
}

#[tokio::test]
async fn cluster_create_rules_create_nothing() {
    let (_sim, c) = sim(0.2).await;
    let body = || three_zone_body("c2");
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = body();
        f(&mut b);
        b
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with(&|b| {
                b.as_object_mut().expect("obj").remove("name");
            }),
            "ILLEGAL_ARGUMENT",
            "name is required",
        ),
        (
            with(&|b| b["name"] = json!("Demo-Cluster")),
            "DUPLICATE_NAME",
            "demo-cluster",
        ),
        (
            with(&|b| b["name"] = json!("9lives")),
            "ILLEGAL_ARGUMENT",
            "invalid name",
        ),
        (
            with(&|b| b["type"] = json!("BOTH")),
            "ILLEGAL_ARGUMENT",
            "invalid type",
        ),
        (
            with(&|b| b["password"] = json!("weakpassword")),
            "ILLEGAL_ARGUMENT",
            "invalid password",
        ),
        (
            with(&|b| b["rpmName"] = json!("oceanbase-4.9.9.9-1.el7.x86_64.rpm")),
            "ILLEGAL_ARGUMENT",
            "invalid rpmName",
        ),
        (
            with(&|b| {
                b.as_object_mut().expect("obj").remove("rpmName");
            }),
            "ILLEGAL_ARGUMENT",
            "rpmName is required",
        ),
        (
            with(&|b| b["fullVersion"] = json!("4.2.1.0-1")),
            "ILLEGAL_ARGUMENT",
            "invalid fullVersion",
        ),
        (
            with(&|b| b["obClusterId"] = json!(1_700_000_001)),
            "ILLEGAL_ARGUMENT",
            "invalid obClusterId",
        ),
        (
            with(&|b| {
                b.as_object_mut().expect("obj").remove("zones");
            }),
            "ILLEGAL_ARGUMENT",
            "zones is required",
        ),
        (
            with(&|b| b["zones"] = json!([])),
            "ILLEGAL_ARGUMENT",
            "invalid zones",
        ),
        (
            with(&|b| b["zones"][1]["idcName"] = json!("nowhere")),
            "ILLEGAL_ARGUMENT",
            "invalid zones[1].idcName",
        ),
        (
            with(&|b| b["zones"][0]["servers"] = json!([])),
            "ILLEGAL_ARGUMENT",
            "invalid zones[0].servers",
        ),
        (
            with(&|b| {
                b["zones"][2]
                    .as_object_mut()
                    .expect("obj")
                    .remove("servers");
            }),
            "ILLEGAL_ARGUMENT",
            "zones[2].servers is required",
        ),
        (
            with(&|b| b["zones"][0]["servers"] = json!([1_003_999])),
            "ILLEGAL_ARGUMENT",
            "invalid zones[0].servers[0]",
        ),
        (
            with(&|b| b["zones"][0]["servers"] = json!([1_003_001])),
            "ILLEGAL_ARGUMENT",
            "demo-cluster",
        ),
        (
            with(&|b| b["zones"][1]["servers"] = json!([FREE_HZ1[0]])),
            "ILLEGAL_ARGUMENT",
            "invalid zones[1].servers[0]",
        ),
        (
            with(&|b| b["zones"][0]["servers"] = json!([FREE_HZ2[1]])),
            "ILLEGAL_ARGUMENT",
            "IDC",
        ),
        (
            with(&|b| b["zones"][1]["name"] = json!("zone1")),
            "ILLEGAL_ARGUMENT",
            "invalid zones[1].name",
        ),
        (
            with(&|b| b["zones"][0]["rootServer"] = json!(FREE_HZ1[1])),
            "ILLEGAL_ARGUMENT",
            "invalid zones[0].rootServer",
        ),
        (
            with(&|b| b["zones"][0]["architecture"] = json!("aarch64")),
            "ILLEGAL_ARGUMENT",
            "invalid zones[0].architecture",
        ),
        (
            with(&|b| b["primaryZone"] = json!("zone9")),
            "ILLEGAL_ARGUMENT",
            "invalid primaryZone",
        ),
        (
            with(&|b| b["startupParameters"] = json!([{"name": "memory_limit"}])),
            "ILLEGAL_ARGUMENT",
            "startupParameters[0].value is required",
        ),
    ];
    for (b, code, needle) in cases {
        let r = c.post("/api/v2/ob/clusters", b).await;
        r.assert_err(400, code, needle);
        assert!(!r.message().contains(CLUSTER_PW));
    }
    assert_eq!(c.total("/api/v2/ob/clusters").await, 1);
    assert_eq!(c.total("/api/v2/ob/tenants").await, 1);
    assert_eq!(c.free_host_ids().await.len(), 6);
    assert_eq!(c.total("/api/v2/tasks/instances").await, 0);
    c.assert_no_secret(&[CLUSTER_PW]);
}

#[tokio::test]
async fn cluster_create_failure_then_rollback_frees_hosts() {
    let (sim, c) = sim(0.3).await;
    sim.state().fail_next_task(4, "bootstrap failed");
    let r = c.post("/api/v2/ob/clusters", three_zone_body("c2")).await;
    let tid = r.task_id();
    let cid = r.body["data"]["clusterId"].as_i64().expect("clusterId");
    assert_eq!(c.wait_task(tid).await["status"], "FAILED");
    let cl = c.data(&format!("/api/v2/ob/clusters/{cid}")).await;
    assert_eq!(cl["status"], "FAILED");
    assert_eq!(c.free_host_ids().await.len(), 3);
    // Retry brings it back to CREATING and then RUNNING would follow; roll back instead.
    assert_eq!(
        c.post(
            &format!("/api/v2/tasks/instances/{tid}/rollback"),
            json!({})
        )
        .await
        .status,
        200
    );
    c.wait_task(tid).await;
    assert_eq!(
        c.get(&format!("/api/v2/ob/clusters/{cid}")).await.code(),
        "OB_CLUSTER_NOT_FOUND"
    );
    assert_eq!(c.free_host_ids().await.len(), 6);
    assert_eq!(c.total("/api/v2/ob/tenants").await, 1);
}

#[tokio::test]
async fn cluster_delete_frees_hosts_and_removes_tenants() {
    // Tasks outlast the test: it sees them running, then ends each one (`wait_task`).
    let (_sim, c) = sim(3600.0).await;
    let cid = c.create_cluster_ok(three_zone_body("c2")).await;
    let r = c
        .post(
            &format!("/api/v2/ob/clusters/{cid}/tenants/createTenant"),
            tenant_body("t1", &["zone1", "zone2"]),
        )
        .await;
    let t1 = r.body["data"]["tenantId"].as_i64().expect("tenantId");
    c.wait_ok(r.task_id()).await;
    assert_eq!(c.total("/api/v2/ob/tenants").await, 3);

    let r = c.delete(&format!("/api/v2/ob/clusters/{cid}")).await;
    let task = r.ok().clone();
    assert_eq!(task["name"], "Delete primary OB cluster");
    assert_eq!(task["clusterId"], cid);
    assert_eq!(task["subtasks"][0]["name"], "Prepare delete cluster");
    assert_eq!(
        task["context"]["stringMap"]["former_cluster_status"],
        "RUNNING"
    );
    assert_eq!(
        c.data(&format!("/api/v2/ob/clusters/{cid}")).await["status"],
        "DELETING"
    );
    // Tenant writes are blocked by the cluster task.
    c.post(
        &format!("/api/v2/ob/clusters/{cid}/tenants/{t1}/lock"),
        json!({}),
    )
    .await
    .assert_err(400, "RESOURCE_BUSY", "Delete primary OB cluster");
    c.wait_ok(task["id"].as_i64().expect("id")).await;
    assert_eq!(
        c.get(&format!("/api/v2/ob/clusters/{cid}")).await.code(),
        "OB_CLUSTER_NOT_FOUND"
    );
    assert_eq!(
        c.get(&format!("/api/v2/ob/clusters/{cid}/tenants/{t1}"))
            .await
            .status,
        404
    );
    assert_eq!(c.total("/api/v2/ob/tenants").await, 1);
    assert_eq!(c.free_host_ids().await.len(), 6);
    assert!(c.host(FREE_HZ1[0]).await["clusterId"].is_null());

    // The seeded demo cluster can be deleted too; then its hosts can be removed.
    let r = c.delete(&format!("/api/v2/ob/clusters/{DEMO}")).await;
    c.wait_ok(r.task_id()).await;
    assert_eq!(c.total("/api/v2/ob/clusters").await, 0);
    assert_eq!(c.total("/api/v2/ob/tenants").await, 0);
    assert_eq!(c.free_host_ids().await.len(), 9);
    assert_eq!(c.delete("/api/v2/compute/hosts/1003001").await.status, 200);
    assert_eq!(
        c.delete(&format!("/api/v2/ob/clusters/{DEMO}"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn cluster_delete_needs_a_settled_status() {
    let (_sim, c) = sim(0.3).await;
    let r = c
        .post(&format!("/api/v2/ob/clusters/{DEMO}/stop"), json!({}))
        .await;
    c.wait_ok(r.task_id()).await;
    // STOPPED clusters can be deleted; a failed delete restores the former status.
    let r = c.delete(&format!("/api/v2/ob/clusters/{DEMO}")).await;
    assert_eq!(
        r.ok()["context"]["stringMap"]["former_cluster_status"],
        "STOPPED"
    );
    c.wait_ok(r.task_id()).await;
    assert_eq!(c.total("/api/v2/ob/clusters").await, 0);
}

// -------------------------------------------------------------------------------------------------
// Zones

#[tokio::test]
async fn zone_add_delete_and_units_rule() {
    // Tasks outlast the test: it sees them running, then ends each one (`wait_task`).
    let (_sim, c) = sim(3600.0).await;
    let zones = format!("/api/v2/ob/clusters/{DEMO}/zones");
    // Rules first: nothing is created.
    c.post(
        &zones,
        json!({"name": "zone1", "idcName": "hz1", "servers": [FREE_HZ1[0]]}),
    )
    .await
    .assert_err(400, "DUPLICATE_NAME", "zone1");
    c.post(
        &zones,
        json!({"name": "zone4", "idcName": "hz1", "servers": []}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "invalid servers");
    c.post(
        &zones,
        json!({"name": "zone4", "idcName": "nowhere", "servers": [FREE_HZ1[0]]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "invalid idcName");
    c.post(
        &zones,
        json!({"name": "zone4", "idcName": "hz1", "servers": [1_003_002]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "invalid servers[0]");
    c.post(
        &zones,
        json!({"name": "zone4", "idcName": "hz1", "servers": [FREE_HZ1[0]],
               "addReplicaParams": [{"tenantName": "nope", "replicaType": "FULL",
                                     "resourcePool": {"unitSpecName": "S0", "unitCount": 1}}]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "addReplicaParams[0].tenantName");
    assert_eq!(c.total(&zones).await, 3);

    // Add zone4 (§3.2 sample body shape).
    let r = c
        .post(
            &zones,
            json!({"name": "zone4", "idcName": "hz1", "servers": [FREE_HZ1[0]]}),
        )
        .await;
    let task = r.ok().clone();
    assert_eq!(task["name"], "Add zone");
    assert_eq!(task["clusterId"], DEMO);
    let z = c.data(&format!("{zones}/zone4/servers")).await;
    assert_eq!(z["contents"][0]["status"], "CREATING");
    let cl = c.data(&format!("/api/v2/ob/clusters/{DEMO}")).await;
    assert_eq!(cl["zones"][3]["status"], "CREATING");
    assert_eq!(cl["status"], "RUNNING");
    // The zone is locked while it is being added.
    c.delete(&format!("{zones}/zone4"))
        .await
        .assert_err(400, "RESOURCE_BUSY", "Add zone");
    c.wait_ok(task["id"].as_i64().expect("id")).await;
    let cl = c.data(&format!("/api/v2/ob/clusters/{DEMO}")).await;
    assert_eq!(cl["zones"][3]["status"], "RUNNING");
    assert_eq!(cl["zones"][3]["servers"][0]["ip"], "172.16.0.14");

    // A zone holding units cannot be deleted: the message names the tenants.
    c.delete(&format!("{zones}/zone1"))
        .await
        .assert_err(400, "ILLEGAL_STATE", "sys");
    let base = format!("/api/v2/ob/clusters/{DEMO}/tenants");
    let r = c
        .post(
            &format!("{base}/createTenant"),
            tenant_body("t1", &["zone1", "zone2", "zone4"]),
        )
        .await;
    let t1 = r.body["data"]["tenantId"].as_i64().expect("tenantId");
    c.wait_ok(r.task_id()).await;
    c.delete(&format!("{zones}/zone4"))
        .await
        .assert_err(400, "ILLEGAL_STATE", "t1");
    let r = c
        .post(
            &format!("{base}/{t1}/deleteReplica"),
            json!([{"zoneName": "zone4"}]),
        )
        .await;
    c.wait_ok(r.task_id()).await;

    // Now it can go.
    let r = c.delete(&format!("{zones}/zone4")).await;
    let task = r.ok().clone();
    assert_eq!(task["name"], "Delete zone");
    assert_eq!(task["context"]["stringMap"]["zone_name"], "zone4");
    let cl = c.data(&format!("/api/v2/ob/clusters/{DEMO}")).await;
    assert_eq!(cl["zones"][3]["status"], "DELETING");
    c.wait_ok(task["id"].as_i64().expect("id")).await;
    assert_eq!(c.total(&zones).await, 3);
    assert!(c.host(FREE_HZ1[0]).await["clusterId"].is_null());
    let r = c.delete(&format!("{zones}/zone9")).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "OB_ZONE_NOT_FOUND");

    // Add a zone together with a replica of t1 (addReplicaParams, §3.2).
    let r = c
        .post(
            &zones,
            json!({"name": "zone5", "idcName": "hz2", "servers": [FREE_HZ2[1]],
                   "addReplicaParams": [{"tenantName": "t1", "zoneName": "zone5",
                                         "replicaType": "READONLY",
                                         "resourcePool": {"unitSpecName": "S2", "unitCount": 1}}]}),
        )
        .await;
    let task = r.ok().clone();
    assert!(names(&task["subtasks"], "name").contains(&"Add tenant replicas".to_string()));
    assert_eq!(c.data(&format!("{base}/{t1}")).await["status"], "MODIFYING");
    c.wait_ok(task["id"].as_i64().expect("id")).await;
    let t = c.data(&format!("{base}/{t1}")).await;
    assert_eq!(t["status"], "NORMAL");
    assert_eq!(
        t["locality"],
        "FULL{1}@zone1, FULL{1}@zone2, READONLY{1}@zone5"
    );
    let units = c.data(&format!("{base}/{t1}/units?zoneName=zone5")).await;
    assert_eq!(units["contents"][0]["serverIp"], "172.16.0.18");
    // More units than the new zone has OBServers: one unit of a tenant per OBServer.
    c.post(
        &zones,
        json!({"name": "zone6", "idcName": "hz3", "servers": [FREE_HZ3[1]],
               "addReplicaParams": [{"tenantId": t1, "replicaType": "FULL",
                                     "resourcePool": {"unitSpecName": "S0", "unitCount": 2}}]}),
    )
    .await
    .assert_err(
        400,
        "ILLEGAL_ARGUMENT",
        "addReplicaParams[0].resourcePool.unitCount: 2 units per zone, but the new zone zone6 has 1 OBServer(s)",
    );
    // Too big for a fresh zone: RESOURCE_NOT_ENOUGH (two S4 units of 12 cores on one server).
    c.post(
        &zones,
        json!({"name": "zone6", "idcName": "hz3", "servers": [FREE_HZ3[1]],
               "addReplicaParams": [{"tenantId": t1, "replicaType": "FULL",
                                     "resourcePool": {"unitSpecName": "S4", "unitCount": 1}},
                                    {"tenantName": "sys", "replicaType": "FULL",
                                     "resourcePool": {"unitSpecName": "S4", "unitCount": 1}}]}),
    )
    .await
    .assert_err(
        400,
        "RESOURCE_NOT_ENOUGH",
        "addReplicaParams[1].resourcePool",
    );
    assert_eq!(c.total(&zones).await, 4);
    c.assert_no_secret(&[TENANT_PW]);
}

#[tokio::test]
async fn last_zone_cannot_be_deleted() {
    let (_sim, c) = sim(0.2).await;
    let cid = c
        .create_cluster_ok(cluster_body("solo", &[("z1", "hz3", &[FREE_HZ3[0]])]))
        .await;
    c.delete(&format!("/api/v2/ob/clusters/{cid}/zones/z1"))
        .await
        .assert_err(400, "ILLEGAL_STATE", "last zone");
}

// -------------------------------------------------------------------------------------------------
// OBServers

#[tokio::test]
async fn servers_add_and_batch_delete() {
    // Tasks outlast the test: it sees them running, then ends each one (`wait_task`).
    let (_sim, c) = sim(3600.0).await;
    let servers = format!("/api/v2/ob/clusters/{DEMO}/servers");
    // Rules.
    c.post(
        &servers,
        json!({"zoneName": "zone9", "servers": [FREE_HZ1[1]]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "invalid zoneName");
    c.post(
        &servers,
        json!({"zoneName": "zone1", "servers": [FREE_HZ2[1]]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "IDC");
    c.post(
        &servers,
        json!({"zoneName": "zone1", "servers": [1_003_001]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "invalid servers[0]");
    c.post(&servers, json!({"zoneName": "zone1"}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "servers is required");
    c.post(
        &servers,
        json!({"zoneName": "zone1", "servers": [FREE_HZ1[1], FREE_HZ1[1]]}),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "invalid servers[1]");
    assert_eq!(c.total(&servers).await, 3);

    // Add an OBServer to zone1.
    let r = c
        .post(
            &servers,
            json!({"zoneName": "zone1", "servers": [FREE_HZ1[1]]}),
        )
        .await;
    let task = r.ok().clone();
    assert_eq!(task["name"], "Add OBServer");
    let zone1 = format!("/api/v2/ob/clusters/{DEMO}/zones/zone1/servers");
    let z = c.data(&zone1).await;
    assert_eq!(names(&z["contents"], "status"), vec!["RUNNING", "CREATING"]);
    // Same zone busy; another zone is not.
    c.post(
        &servers,
        json!({"zoneName": "zone1", "servers": [FREE_HZ1[0]]}),
    )
    .await
    .assert_err(400, "RESOURCE_BUSY", "Add OBServer");
    let r2 = c
        .post(
            &servers,
            json!({"zoneName": "zone2", "servers": [FREE_HZ2[0]]}),
        )
        .await;
    c.wait_ok(task["id"].as_i64().expect("id")).await;
    c.wait_ok(r2.task_id()).await;
    assert_eq!(
        names(&c.data(&zone1).await["contents"], "status"),
        vec!["RUNNING", "RUNNING"]
    );
    assert_eq!(c.host(FREE_HZ1[1]).await["clusterId"], DEMO);
    // The new server offers the default capacity and takes no units yet.
    let new_server = &c.data(&zone1).await["contents"][1];
    assert_eq!(new_server["stats"]["cpuCoreTotal"], 16.0);
    assert_eq!(new_server["stats"]["cpuCoreAssigned"], 0.0);

    // batchDelete: servers holding units are refused (sys), unknown hosts named.
    let del = format!("{servers}/batchDelete");
    c.post(&del, json!({"servers": [1_003_001]}))
        .await
        .assert_err(400, "ILLEGAL_STATE", "sys");
    c.post(&del, json!({"servers": [FREE_HZ3[0]]}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid servers[0]");
    c.post(&del, json!({"servers": []})).await.assert_err(
        400,
        "ILLEGAL_ARGUMENT",
        "invalid servers",
    );
    let r = c
        .post(&del, json!({"servers": [FREE_HZ1[1], FREE_HZ2[0]]}))
        .await;
    let task = r.ok().clone();
    assert_eq!(task["name"], "Delete OBServer");
    assert_eq!(
        names(&c.data(&zone1).await["contents"], "status"),
        vec!["RUNNING", "DELETING"]
    );
    c.wait_ok(task["id"].as_i64().expect("id")).await;
    assert_eq!(c.total(&servers).await, 3);
    assert!(c.host(FREE_HZ1[1]).await["clusterId"].is_null());
    assert_eq!(c.free_host_ids().await.len(), 6);

    // The last OBServer of a zone cannot be removed (delete the zone instead).
    let r = c
        .post(
            &format!("/api/v2/ob/clusters/{DEMO}/zones"),
            json!({"name": "zone4", "idcName": "hz3", "servers": [FREE_HZ3[0]]}),
        )
        .await;
    c.wait_ok(r.task_id()).await;
    c.post(&del, json!({"servers": [FREE_HZ3[0]]}))
        .await
        .assert_err(400, "ILLEGAL_STATE", "last OBServer");
}

#[tokio::test]
async fn new_tenants_avoid_servers_being_added() {
    // Tasks outlast the test: it sees them running, then ends each one (`wait_task`).
    let (_sim, c) = sim(3600.0).await;
    let r = c
        .post(
            &format!("/api/v2/ob/clusters/{DEMO}/servers"),
            json!({"zoneName": "zone1", "servers": [FREE_HZ1[0]]}),
        )
        .await;
    let add = r.task_id();
    // The new (CREATING) server has more free capacity than the sys server, but must not be
    // chosen for units while it is being deployed.
    let r = c
        .post(
            &format!("/api/v2/ob/clusters/{DEMO}/tenants/createTenant"),
            tenant_body("t1", &["zone1"]),
        )
        .await;
    let tid = r.body["data"]["tenantId"].as_i64().expect("tenantId");
    let units = c
        .data(&format!("/api/v2/ob/clusters/{DEMO}/tenants/{tid}/units"))
        .await;
    assert_eq!(units["contents"][0]["serverIp"], "172.16.0.11");
    c.wait_ok(add).await;
}
