//! `--state-file`: the state survives a restart (also a SIGKILL), tasks resume by wall clock.

use std::path::Path;
use std::time::Duration;

use ocp_sim::{Sim, SimConfig};
use serde_json::{json, Value};

use crate::support::{run_bin, spawn_bin, tenant_body, Client, TempDir, TENANTS};

const SYS_BACKUP: &str = "/api/v2/ob/clusters/1000001/tenants/1002001/backup";
const CREDENTIALS: &str = "/api/v2/profiles/me/credentials";

async fn start(file: &Path, task_seconds: f64) -> (Sim, Client) {
    let sim = Sim::start(SimConfig {
        task_seconds,
        state_file: Some(file.to_path_buf()),
        ..SimConfig::default()
    })
    .await
    .expect("start sim");
    let c = Client::new(&sim);
    (sim, c)
}

fn oss_strategy() -> Value {
    json!({
        "backupMode": "PHYSICAL_BACKUP",
        "obBackupScheduleConfig": {
            "backupScheduleMode": "WEEK", "backupScheduleEnabled": false,
            "backupScheduleTime": "02:00+08:00",
            "dayAndDataBackupModelMap": {"1": "FULL_BACKUP", "4": "INCREMENTAL_BACKUP"},
            "startLogBackup": true
        },
        "obBackupThresholdConfig": {"dataBackupTimeoutMinutes": 120},
        "obBackupServiceStorageConfig": {
            "configName": "oss-main",
            "obBackupStorageBaseInfo": {
                "backupStorageType": "BACKUP_STORAGE_OSS", "storageUrl": "mybucket/ob/t1",
                "ossAccessKey": {"endpoint": "oss-cn-hangzhou.aliyuncs.com",
                                 "accessKeyId": "AKID-oss", "accessKeySecret": "SK-1"}
            }
        }
    })
}

fn hosts_body(ip: &str, credential: i64) -> Value {
    json!({
        "hostBasicDataList": [{"innerIpAddress": ip}],
        "sshPort": 22,
        "kind": "DEDICATED_PHYSICAL_MACHINE",
        "idcId": 1_006_001,
        "typeId": 1_007_001,
        "credentialId": credential,
        "vpcId": 1,
    })
}

/// `(host id, task id)` of a one-host batchCreate.
async fn add_host(c: &Client, ip: &str, credential: i64) -> (i64, i64) {
    let d = c
        .post(
            "/api/v2/compute/hosts/batchCreate",
            hosts_body(ip, credential),
        )
        .await
        .ok()
        .clone();
    (
        d["contents"][0]["hostId"].as_i64().expect("host id"),
        d["contents"][0]["id"].as_i64().expect("task id"),
    )
}

async fn create_tenant(c: &Client, name: &str) -> (i64, i64) {
    let d = c
        .post(
            &format!("{TENANTS}/createTenant"),
            tenant_body(name, "MYSQL"),
        )
        .await
        .ok()
        .clone();
    (
        d["tenantId"].as_i64().expect("tenant id"),
        d["id"].as_i64().expect("task id"),
    )
}

async fn host_status(c: &Client, id: i64) -> Value {
    c.data(&format!("/api/v2/compute/hosts/{id}")).await["status"].clone()
}

#[tokio::test]
async fn restart_with_state_file_keeps_everything_and_resumes_tasks() {
    let dir = TempDir::new("restart");
    let file = dir.path("state.json");

    // --- First run -----------------------------------------------------------------------
    let (sim_a, c) = start(&file, 0.2).await;
    assert!(file.exists(), "the state is saved at start");
    // An Oracle tenant with users and an object privilege.
    let (ora, task) = {
        let d = c
            .post(
                &format!("{TENANTS}/createTenant"),
                tenant_body("ora", "ORACLE"),
            )
            .await
            .ok()
            .clone();
        (
            d["tenantId"].as_i64().expect("id"),
            d["id"].as_i64().expect("task"),
        )
    };
    assert_eq!(c.wait_task(task).await["status"], "SUCCESSFUL");
    let users = format!("{TENANTS}/{ora}/users");
    for u in ["owner", "reader"] {
        c.post(&users, json!({"username": u, "password": "User_pw_123"}))
            .await
            .ok();
    }
    let r = c
        .post(
            &format!("{users}/reader/grantObjectPrivilege"),
            json!({"objectPrivileges": [{"object": {"objectType": "TABLE", "objectName": "orders",
                    "schemaName": "owner"}, "privileges": ["SELECT", "INSERT"]}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let reader = c.data(&format!("{users}/reader")).await;
    assert_eq!(
        reader["objectPrivileges"][0]["object"]["objectName"],
        "ORDERS"
    );
    let objects = c.data(&format!("{TENANTS}/{ora}/objects")).await;
    // A backup strategy (a map keyed by backup object) and a credential.
    c.post(
        &format!("{SYS_BACKUP}/config/backupStrategy"),
        oss_strategy(),
    )
    .await
    .ok();
    let strategy = c.data(&format!("{SYS_BACKUP}/config/backupStrategy")).await;
    let cred = c
        .post(
            CREDENTIALS,
            json!({"targetType": "HOST", "name": "ssh",
                   "sshCredentialProperty": {"type": "PASSWORD", "username": "root",
                                             "passphrase": "Ssh_pw_1"}}),
        )
        .await
        .ok()
        .clone()["id"]
        .as_i64()
        .expect("credential id");
    // A failed task and a stuck one (task faults persist with their task).
    assert_eq!(
        c.post(
            "/_sim/tasks/fail_next",
            json!({"subtask": 2, "message": "disk full"})
        )
        .await
        .status,
        200
    );
    let (failed_host, failed_task) = add_host(&c, "172.16.0.31", cred).await;
    assert_eq!(c.wait_task(failed_task).await["status"], "FAILED");
    assert_eq!(
        c.post("/_sim/tasks/stuck_next", json!({})).await.status,
        200
    );
    let (stuck_host, stuck_task) = add_host(&c, "172.16.0.32", cred).await;
    // Long tasks running at the restart: a tenant create and a backupNow.
    assert_eq!(
        c.post("/_sim/config", json!({"task_seconds": 1.5}))
            .await
            .status,
        200
    );
    let backup = c
        .post(
            &format!("{SYS_BACKUP}/backupNow"),
            json!({"backupMode": "PHYSICAL_BACKUP", "dataBackupMode": "FULL_BACKUP",
                   "obBackupServiceStorageConfig": oss_strategy()["obBackupServiceStorageConfig"]}),
        )
        .await
        .ok()
        .clone();
    let backup_task = backup["backupObjectOpsResultList"][0]["taskIdList"][0]
        .as_i64()
        .expect("backup task");
    let (t1, t1_task) = create_tenant(&c, "t1").await;
    assert_eq!(c.task(t1_task).await["status"], "RUNNING");
    let clusters = c.data("/api/v2/ob/clusters").await;
    let requests_a = sim_a.state().request_count();
    assert!(requests_a > 10);
    drop(sim_a);

    // --- Second run, same file -----------------------------------------------------------
    let (sim_b, c) = start(&file, 0.2).await;
    assert_eq!(sim_b.state().request_count(), 0, "counters are not kept");
    assert_eq!(c.get("/_sim/faults").await.body["task_faults"], 0);
    let t = c.tenant_named("t1").await.expect("t1 survived");
    assert_eq!(t["id"], t1);
    assert!(
        ["CREATING", "NORMAL"].contains(&t["status"].as_str().unwrap_or("")),
        "{t}"
    );
    // The tasks resume by wall clock with their effects.
    let done = c.wait_task(t1_task).await;
    assert_eq!(done["status"], "SUCCESSFUL", "{done}");
    let t = c.tenant_named("t1").await.expect("t1");
    assert_eq!(t["status"], "NORMAL");
    assert!(t["obTenantId"].as_i64().is_some(), "{t}");
    assert_eq!(c.wait_task(backup_task).await["status"], "SUCCESSFUL");
    let rows = c.data(&format!("{SYS_BACKUP}/task/dataBackupTasks")).await;
    assert_eq!(rows["contents"].as_array().map(Vec::len), Some(1), "{rows}");
    // Everything else is as it was.
    assert_eq!(c.data(&format!("{users}/reader")).await, reader);
    assert_eq!(c.data(&format!("{TENANTS}/{ora}/objects")).await, objects);
    assert_eq!(
        c.data(&format!("{SYS_BACKUP}/config/backupStrategy")).await,
        strategy
    );
    let creds = c.data(CREDENTIALS).await;
    assert_eq!(creds["contents"][0]["id"], cred, "{creds}");
    assert_eq!(c.data("/api/v2/ob/clusters").await, clusters);
    // The failed task keeps its failure and log; retrying it applies the host's effect.
    let t = c.task(failed_task).await;
    assert_eq!(t["status"], "FAILED");
    let sid = t["subtasks"][1]["id"].as_i64().expect("sid");
    let log = c
        .data(&format!(
            "/api/v2/tasks/instances/{failed_task}/subtasks/{sid}/log"
        ))
        .await;
    assert!(
        log.as_str().is_some_and(|l| l.contains("disk full")),
        "{log}"
    );
    assert_eq!(host_status(&c, failed_host).await, "NEW");
    c.post(
        &format!("/api/v2/tasks/instances/{failed_task}/retry"),
        json!({}),
    )
    .await
    .ok();
    assert_eq!(c.wait_task(failed_task).await["status"], "SUCCESSFUL");
    assert_eq!(host_status(&c, failed_host).await, "ONLINE");
    // The stuck task is still stuck; cancelling releases it. Its last subtask starts when
    // the ones before it have had their time, which a loaded machine may not have given yet:
    // poll for it with a deadline.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let last = loop {
        let t = c.task(stuck_task).await;
        assert_eq!(t["status"], "RUNNING");
        let last = t["subtasks"]
            .as_array()
            .and_then(|s| s.last())
            .cloned()
            .expect("last");
        if last["status"] == "RUNNING" || std::time::Instant::now() > deadline {
            break last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(last["status"], "RUNNING");
    let r = c
        .post(
            &format!(
                "/api/v2/tasks/instances/{stuck_task}/subtasks/{}/cancel",
                last["id"]
            ),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(c.task(stuck_task).await["status"], "FAILED");
    assert_eq!(host_status(&c, stuck_host).await, "NEW");
    // Id counters continue.
    let (t2, _) = create_tenant(&c, "t2").await;
    assert!(t2 > t1, "{t2} after {t1}");

    // --- A task that ends while the simulator is down completes at the first look ----------
    assert_eq!(
        c.post("/_sim/config", json!({"task_seconds": 0.5}))
            .await
            .status,
        200
    );
    let (t3, t3_task) = create_tenant(&c, "t3").await;
    drop(sim_b);
    // Real time passes while the simulator is down, on purpose: more than the task's 0.5 s
    // (tasks resume by the wall clock).
    tokio::time::sleep(Duration::from_millis(800)).await;
    let (_sim_c, c) = start(&file, 0.2).await;
    let t = c.tenant_named("t3").await.expect("t3");
    assert_eq!(t["status"], "NORMAL", "{t}");
    assert_eq!(c.task(t3_task).await["status"], "SUCCESSFUL");
    // ... and that completion was saved by the GET that observed it.
    let saved: Value =
        serde_json::from_slice(&std::fs::read(&file).expect("read state")).expect("json");
    assert_eq!(
        saved["store"]["tenants"][t3.to_string()]["status"],
        "NORMAL"
    );
}

#[tokio::test]
async fn state_file_errors_are_clear() {
    let dir = TempDir::new("bad-state");
    let bad = dir.path("bad.json");
    std::fs::write(&bad, "{\"version\": 1, \"store\": {").expect("write");
    let err = Sim::start(SimConfig {
        state_file: Some(bad.clone()),
        ..SimConfig::default()
    })
    .await
    .expect_err("a broken state file is an error");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(err.to_string().contains("bad.json"), "{err}");
    // The broken file is left alone.
    assert!(std::fs::read_to_string(&bad)
        .expect("read")
        .starts_with("{\"version\""));
    let missing_dir = dir.path("no/such/dir/state.json");
    let err = Sim::start(SimConfig {
        state_file: Some(missing_dir),
        ..SimConfig::default()
    })
    .await
    .expect_err("an unwritable state file is an error");
    assert!(err.to_string().contains("state.json"), "{err}");

    let bad_arg = bad.to_string_lossy().into_owned();
    let (ok, stderr) = run_bin(&["--listen", "127.0.0.1:0", "--state-file", &bad_arg]);
    assert!(!ok);
    assert!(stderr.contains("cannot load state file"), "{stderr}");
}

#[tokio::test]
async fn cli_restart_after_sigkill_on_the_same_port() {
    let dir = TempDir::new("sigkill");
    let file = dir.path("sim-state.json");
    let file_arg = file.to_string_lossy().into_owned();
    let args = |listen: &str| -> Vec<String> {
        [
            "--listen",
            listen,
            "--username",
            "u1",
            "--password",
            "p1",
            "--task-seconds",
            "0.6",
            "--state-file",
            &file_arg,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let first: Vec<String> = args("127.0.0.1:0");
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    let (mut child, url) = spawn_bin(&first).await;
    let addr = url.strip_prefix("http://").expect("http url").to_string();
    let c = Client::at(&url, "u1", "p1");
    let (tid, task) = create_tenant(&c, "k1").await;
    // SIGKILL right after the answer: the create is already on disk.
    child.kill().expect("kill");
    let _ = child.wait();

    let again: Vec<String> = args(&addr);
    let again: Vec<&str> = again.iter().map(String::as_str).collect();
    let (mut child, url2) = spawn_bin(&again).await;
    assert_eq!(url2, url, "same address");
    let c = Client::at(&url2, "u1", "p1");
    let t = c.tenant_named("k1").await.expect("k1 survived the SIGKILL");
    assert_eq!(t["id"], tid);
    assert_eq!(c.wait_task(task).await["status"], "SUCCESSFUL");
    assert_eq!(c.tenant_named("k1").await.expect("k1")["status"], "NORMAL");
    let _ = child.kill();
    let _ = child.wait();
}
