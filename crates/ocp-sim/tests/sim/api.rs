//! End-to-end tests of the simulator over HTTP (reqwest against a `Sim` on port 0).

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{sim, spawn_bin, statuses, Client, CLUSTER};

fn assert_envelope(body: &Value, status: u16) {
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["successful"], status == 200, "{body}");
    let trace = body["traceId"].as_str().expect("traceId");
    assert_eq!(trace.len(), 16);
    assert!(trace.chars().all(|c| c.is_ascii_hexdigit()));
    let server = body["server"].as_str().expect("server");
    assert_eq!(server.len(), 10);
    assert!(server.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(body["duration"].is_u64(), "{body}");
    let ts = body["timestamp"].as_str().expect("timestamp");
    // 2025-03-20T16:47:00.342+08:00
    assert_eq!(ts.len(), 29, "{ts}");
    assert_eq!(&ts[10..11], "T");
    assert_eq!(&ts[19..20], ".");
    assert!(ts.ends_with("+08:00"), "{ts}");
    if status != 200 {
        assert!(body["error"]["code"].is_string(), "{body}");
        assert!(body["error"]["message"].is_string(), "{body}");
        assert!(body.get("data").is_none());
    }
}

#[tokio::test]
async fn unauthorized_requests_get_401_envelope() {
    let (_sim, c) = sim(2.0).await;
    let r = c
        .send_anonymous(reqwest::Method::GET, "/api/v2/ob/clusters")
        .await;
    assert_eq!(r.status, 401);
    assert_envelope(&r.body, 401);
    assert_eq!(r.body["error"]["code"], "UNAUTHORIZED");
    assert!(r.headers.get("www-authenticate").is_some());

    let bad = Client::at(&c.base, "admin", "wrong");
    let r = bad.get("/api/v2/time").await;
    assert_eq!(r.status, 401);
    assert_envelope(&r.body, 401);

    // Unknown paths under /api/v2 need auth first, then give a 404 envelope.
    let r = c.send_anonymous(reqwest::Method::GET, "/api/v2/nope").await;
    assert_eq!(r.status, 401);
    let r = c.get("/api/v2/nope").await;
    assert_eq!(r.status, 404);
    assert_envelope(&r.body, 404);
    let r = c.delete("/api/v2/time").await;
    assert_eq!(r.status, 405);
    assert_envelope(&r.body, 405);
}

#[tokio::test]
async fn envelope_time_and_info() {
    let (_sim, c) = sim(2.0).await;
    let r = c.get("/api/v2/time").await;
    assert_eq!(r.status, 200);
    assert_envelope(&r.body, 200);
    assert!(r.body["data"]
        .as_str()
        .is_some_and(|s| s.ends_with("+08:00")));
    let info = c.data("/api/v2/info").await;
    assert_eq!(info["version"], "4.3.6");
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
}

#[tokio::test]
async fn paging_defaults_limits_and_sort() {
    let (_sim, c) = sim(2.0).await;
    let d = c.data("/api/v2/compute/hosts").await;
    assert_eq!(
        d["page"],
        json!({"number": 1, "size": 10, "totalElements": 9, "totalPages": 1})
    );
    let ids: Vec<i64> = d["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .map(|h| h["id"].as_i64().expect("id"))
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "default order is id ascending");
    let free = d["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .filter(|h| h["clusterId"].is_null())
        .count();
    assert_eq!(free, 6, "six free hosts");

    let d = c.data("/api/v2/compute/hosts?size=2&page=2").await;
    assert_eq!(
        d["page"],
        json!({"number": 2, "size": 2, "totalElements": 9, "totalPages": 5})
    );
    assert_eq!(d["contents"][0]["id"], ids[2]);
    assert_eq!(d["contents"].as_array().map(Vec::len), Some(2));

    let d = c.data("/api/v2/compute/hosts?size=2000&page=5").await;
    assert_eq!(d["contents"], json!([]));

    for bad in [
        "size=0",
        "size=2001",
        "size=abc",
        "page=0",
        "sort=nosuchfield,asc",
        "sort=id,sideways",
    ] {
        let r = c.get(&format!("/api/v2/compute/hosts?{bad}")).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert_envelope(&r.body, 400);
    }

    let d = c
        .data("/api/v2/compute/hosts?sort=innerIpAddress,desc")
        .await;
    assert_eq!(d["contents"][0]["innerIpAddress"], "172.16.0.19");
    let d = c.data("/api/v2/ob/unitSpecs?sort=maxCpu,desc&size=1").await;
    assert_eq!(d["contents"][0]["name"], "S4");
    assert_eq!(d["page"]["totalElements"], 5);
}

#[tokio::test]
async fn clusters_zones_servers() {
    // Tasks outlast the test: it sees them running, then ends each one (`wait_task`).
    let (_sim, c) = sim(3600.0).await;
    let d = c.data("/api/v2/ob/clusters").await;
    assert_eq!(d["page"]["totalElements"], 1);
    let cl = &d["contents"][0];
    assert_eq!(cl["id"], CLUSTER);
    assert_eq!(cl["name"], "demo-cluster");
    assert_eq!(cl["status"], "RUNNING");
    assert_eq!(cl["type"], "PRIMARY");
    assert_eq!(cl["obVersion"], "4.2.1.0");

    assert_eq!(
        c.data("/api/v2/ob/clusters?name=DEMO").await["page"]["totalElements"],
        1
    );
    assert_eq!(
        c.data("/api/v2/ob/clusters?status=STOPPED,CREATING").await["page"]["totalElements"],
        0
    );

    let cl = c.data(&format!("/api/v2/ob/clusters/{CLUSTER}")).await;
    let zones = cl["zones"].as_array().expect("zones");
    assert_eq!(zones.len(), 3);
    for (i, z) in zones.iter().enumerate() {
        assert_eq!(z["name"], format!("zone{}", i + 1));
        assert_eq!(z["idcName"], format!("hz{}", i + 1));
        assert_eq!(z["regionName"], "cn-hangzhou");
        let s = &z["servers"][0];
        assert_eq!(s["ip"], format!("172.16.0.{}", 11 + i));
        assert_eq!(s["port"], 2881);
        assert_eq!(s["status"], "RUNNING");
        assert!(s["id"].is_i64());
        assert_eq!(s["stats"]["cpuCoreTotal"], 16.0);
        assert_eq!(s["stats"]["cpuCoreAssigned"], 1.0);
    }

    let r = c.get("/api/v2/ob/clusters/999").await;
    assert_eq!(r.status, 404);
    assert_envelope(&r.body, 404);
    assert_eq!(r.body["error"]["code"], "OB_CLUSTER_NOT_FOUND");
    let r = c.get("/api/v2/ob/clusters/abc").await;
    assert_eq!(r.status, 400);

    let d = c
        .data(&format!("/api/v2/ob/clusters/{CLUSTER}/zones"))
        .await;
    assert_eq!(d["page"]["totalElements"], 3);
    let d = c
        .data(&format!(
            "/api/v2/ob/clusters/{CLUSTER}/zones/zone2/servers"
        ))
        .await;
    assert_eq!(d["contents"][0]["ip"], "172.16.0.12");
    let r = c
        .get(&format!(
            "/api/v2/ob/clusters/{CLUSTER}/zones/zone9/servers"
        ))
        .await;
    assert_eq!(r.status, 404);
    let d = c
        .data(&format!(
            "/api/v2/ob/clusters/{CLUSTER}/servers?idcName=hz3"
        ))
        .await;
    assert_eq!(d["page"]["totalElements"], 1);
    assert_eq!(d["contents"][0]["zoneName"], "zone3");
}

#[tokio::test]
async fn tenants_units_and_compute() {
    let (_sim, c) = sim(2.0).await;
    let d = c
        .data("/api/v2/ob/tenants?name=SY&status=NORMAL,CREATING&mode=MYSQL&locked=false")
        .await;
    assert_eq!(d["page"]["totalElements"], 1);
    let t = &d["contents"][0];
    assert_eq!(t["name"], "sys");
    assert_eq!(t["obTenantId"], 1);
    assert_eq!(t["clusterName"], "demo-cluster");
    assert_eq!(t["locality"], "FULL{1}@zone1, FULL{1}@zone2, FULL{1}@zone3");
    for f in [
        "clusterStatus",
        "clusterType",
        "obClusterId",
        "primaryZone",
        "zoneList",
        "role",
        "ocpClusterView",
        "createTime",
    ] {
        assert!(t.get(f).is_some_and(|v| !v.is_null()), "missing {f}: {t}");
    }
    assert_eq!(
        c.data("/api/v2/ob/tenants?mode=ORACLE").await["page"]["totalElements"],
        0
    );
    assert_eq!(c.get("/api/v2/ob/tenants?locked=maybe").await.status, 400);

    let tid = t["id"].as_i64().expect("tenant id");
    let d = c
        .data(&format!("/api/v2/ob/clusters/{CLUSTER}/tenants"))
        .await;
    assert_eq!(d["contents"][0]["id"], tid);
    let detail = c
        .data(&format!("/api/v2/ob/clusters/{CLUSTER}/tenants/{tid}"))
        .await;
    assert_eq!(detail["whitelist"], "%");
    assert_eq!(detail["zones"][0]["replicaType"], "FULL");
    assert_eq!(detail["zones"][0]["resourcePool"]["unitSpecName"], "S0");
    assert_eq!(detail["zones"][0]["resourcePool"]["unitCount"], 1);
    assert_eq!(
        c.get(&format!("/api/v2/ob/clusters/{CLUSTER}/tenants/1"))
            .await
            .status,
        404
    );

    let d = c
        .data(&format!(
            "/api/v2/ob/clusters/{CLUSTER}/tenants/{tid}/units?zoneName=zone2"
        ))
        .await;
    assert_eq!(d["page"]["totalElements"], 1);
    assert_eq!(d["contents"][0]["serverIp"], "172.16.0.12");

    assert_eq!(
        c.data("/api/v2/compute/regions").await["contents"][0]["name"],
        "cn-hangzhou"
    );
    let idcs = c.data("/api/v2/compute/idcs").await;
    assert_eq!(idcs["page"]["totalElements"], 3);
    assert_eq!(idcs["contents"][0]["regionName"], "cn-hangzhou");
    let idc_id = idcs["contents"][1]["id"].as_i64().expect("idc id");
    assert_eq!(
        c.data(&format!("/api/v2/compute/idcs/{idc_id}")).await["name"],
        "hz2"
    );
    assert_eq!(
        c.data("/api/v2/compute/hostTypes").await["page"]["totalElements"],
        1
    );
    let host = c.data("/api/v2/compute/hosts/1003004").await;
    assert!(host["clusterId"].is_null());
    assert_eq!(c.get("/api/v2/compute/hosts/1004001").await.status, 404);
}

#[tokio::test]
async fn task_lifecycle_progress_busy_and_success() {
    let (_sim, c) = sim(1.2).await;
    let r = c
        .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/stop"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_envelope(&r.body, 200);
    let task = &r.body["data"];
    let id = task["id"].as_i64().expect("task id");
    assert_eq!(task["name"], "Stop OB cluster");
    assert_eq!(task["status"], "RUNNING");
    assert_eq!(task["operation"], "EXECUTE");
    assert_eq!(task["creator"], "admin");
    assert_eq!(task["clusterId"], CLUSTER);
    assert!(task["finishTime"].is_null());
    assert_eq!(task["context"]["stringMap"]["cluster_name"], "demo-cluster");
    assert_eq!(task["context"]["parallelIdx"], -1);
    assert_eq!(statuses(task), ["RUNNING", "PENDING", "PENDING", "PENDING"]);
    for (i, s) in task["subtasks"]
        .as_array()
        .expect("subtasks")
        .iter()
        .enumerate()
    {
        assert_eq!(s["seriesId"], i + 1);
        assert!(s["className"]
            .as_str()
            .is_some_and(|c| c.starts_with("com.alipay.ocp.")));
    }

    assert_eq!(
        c.data(&format!("/api/v2/ob/clusters/{CLUSTER}")).await["status"],
        "STOPPING"
    );

    // Busy: a second async write on the same resource.
    for path in ["stop", "restart", "zones/zone1/stop"] {
        let r = c
            .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/{path}"))
            .await;
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        assert_eq!(r.body["error"]["code"], "RESOURCE_BUSY");
        assert!(r.body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("busy")));
    }

    // Progress is visible while running.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let t = c.data(&format!("/api/v2/tasks/instances/{id}")).await;
        let st = statuses(&t);
        if t["status"] == "RUNNING" && st[0] == "SUCCESSFUL" {
            assert_eq!(st.iter().filter(|s| *s == "RUNNING").count(), 1, "{st:?}");
            break;
        }
        assert!(Instant::now() < deadline, "no progress seen: {t}");
        // Polling a condition (progress on the wall clock) with a deadline.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let done = c.wait_task(id).await;
    assert_eq!(done["status"], "SUCCESSFUL");
    assert!(done["finishTime"].is_string());
    assert!(statuses(&done).iter().all(|s| s == "SUCCESSFUL"));
    let cl = c.data(&format!("/api/v2/ob/clusters/{CLUSTER}")).await;
    assert_eq!(cl["status"], "STOPPED");
    assert_eq!(cl["zones"][0]["servers"][0]["status"], "STOPPED");

    let list = c
        .data(&format!(
            "/api/v2/tasks/instances?clusterId={CLUSTER}&status=SUCCESSFUL"
        ))
        .await;
    assert_eq!(list["page"]["totalElements"], 1);
    assert_eq!(list["contents"][0]["id"], id);
    assert_eq!(
        c.data("/api/v2/tasks/instances?name=start").await["page"]["totalElements"],
        0
    );
    assert_eq!(
        c.get("/api/v2/tasks/instances?tenantName=sys").await.status,
        400
    );

    // Stopping again is an illegal state; starting works.
    let r = c
        .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/stop"))
        .await;
    assert_eq!(r.body["error"]["code"], "ILLEGAL_STATE");
    let r = c
        .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/start"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["data"]["id"].as_i64().expect("id");
    assert_eq!(c.wait_task(id).await["status"], "SUCCESSFUL");
    assert_eq!(
        c.data(&format!("/api/v2/ob/clusters/{CLUSTER}")).await["status"],
        "RUNNING"
    );
    assert_eq!(c.get("/api/v2/tasks/instances/42").await.status, 404);
}

#[tokio::test]
async fn zone_operations() {
    let (_sim, c) = sim(0.1).await;
    let r = c
        .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/zones/zone1/stop"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["data"]["name"], "Stop OB zone");
    // Once zone1 is down, stopping a second zone would break the majority.
    let id = r.body["data"]["id"].as_i64().expect("id");
    assert_eq!(c.wait_task(id).await["status"], "SUCCESSFUL");
    let cl = c.data(&format!("/api/v2/ob/clusters/{CLUSTER}")).await;
    assert_eq!(cl["status"], "RUNNING");
    assert_eq!(cl["zones"][0]["status"], "STOPPED");
    assert_eq!(cl["zones"][0]["servers"][0]["status"], "STOPPED");
    assert_eq!(cl["zones"][1]["status"], "RUNNING");
    let r = c
        .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/zones/zone2/stop"))
        .await;
    assert_eq!(r.body["error"]["code"], "ILLEGAL_STATE");
    let r = c
        .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/zones/zone9/stop"))
        .await;
    assert_eq!(r.status, 404);
    let r = c
        .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/zones/zone1/start"))
        .await;
    let id = r.body["data"]["id"].as_i64().expect("id");
    assert_eq!(c.wait_task(id).await["status"], "SUCCESSFUL");
    assert_eq!(
        c.data(&format!("/api/v2/ob/clusters/{CLUSTER}")).await["zones"][0]["status"],
        "RUNNING"
    );
}

#[tokio::test]
async fn injected_task_failure_log_and_retry() {
    // Long enough that the retried run is still going when we look at it, even on a busy box.
    let (_sim, c) = sim(0.8).await;
    let r = c
        .post(
            "/_sim/tasks/fail_next",
            json!({"subtask": 2, "message": "observer 172.16.0.12:2882 did not stop within 600s"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c
        .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/stop"))
        .await;
    let id = r.body["data"]["id"].as_i64().expect("id");
    let t = c.wait_task(id).await;
    assert_eq!(t["status"], "FAILED");
    assert!(t["finishTime"].is_string());
    assert_eq!(statuses(&t), ["SUCCESSFUL", "FAILED", "PENDING", "PENDING"]);
    let failed = &t["subtasks"][1];
    let sid = failed["id"].as_i64().expect("sid");
    let log = c
        .data(&format!("/api/v2/tasks/instances/{id}/subtasks/{sid}/log"))
        .await;
    let log = log.as_str().expect("log is a string");
    assert!(log.contains("did not stop within 600s"), "{log}");
    assert!(log.lines().count() >= 3, "{log}");
    // Every line starts with a `yyyy-MM-dd HH:mm:ss.SSS` timestamp.
    for line in log.lines() {
        assert_eq!(&line[4..5], "-", "{line}");
        assert_eq!(&line[10..11], " ", "{line}");
        assert_eq!(&line[19..20], ".", "{line}");
    }
    let pending_sid = t["subtasks"][3]["id"].as_i64().expect("sid");
    let log = c
        .data(&format!(
            "/api/v2/tasks/instances/{id}/subtasks/{pending_sid}/log"
        ))
        .await;
    assert_eq!(log, "");
    // The resource is back to its former state and not locked.
    assert_eq!(
        c.data(&format!("/api/v2/ob/clusters/{CLUSTER}")).await["status"],
        "RUNNING"
    );

    // Retrying a running/successful task is refused; retrying the failed one works.
    let r = c
        .post_empty(&format!("/api/v2/tasks/instances/{id}/retry"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["data"]["id"], id);
    assert_eq!(r.body["data"]["status"], "RUNNING");
    assert_eq!(r.body["data"]["operation"], "RETRY");
    assert_eq!(r.body["data"]["subtasks"][1]["status"], "RUNNING");
    assert_eq!(r.body["data"]["subtasks"][1]["operation"], "RETRY");
    assert_eq!(r.body["data"]["subtasks"][1]["runTime"], 2);
    assert_eq!(
        c.data(&format!("/api/v2/ob/clusters/{CLUSTER}")).await["status"],
        "STOPPING"
    );
    let r2 = c
        .post_empty(&format!("/api/v2/tasks/instances/{id}/retry"))
        .await;
    assert_eq!(r2.status, 400);
    let t = c.wait_task(id).await;
    assert_eq!(t["status"], "SUCCESSFUL");
    assert_eq!(
        c.data(&format!("/api/v2/ob/clusters/{CLUSTER}")).await["status"],
        "STOPPED"
    );
}

#[tokio::test]
async fn rollback_and_skip() {
    let (sim, c) = sim(0.2).await;
    // Rollback restores the former state.
    sim.state().fail_next_task(3, "boom");
    let r = c
        .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/restart"))
        .await;
    let id = r.body["data"]["id"].as_i64().expect("id");
    assert_eq!(c.wait_task(id).await["status"], "FAILED");
    let r = c
        .post_empty(&format!("/api/v2/tasks/instances/{id}/rollback"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["data"]["operation"], "ROLLBACK");
    let t = c.wait_task(id).await;
    assert_eq!(t["status"], "SUCCESSFUL");
    assert_eq!(t["operation"], "ROLLBACK");
    assert_eq!(
        c.data(&format!("/api/v2/ob/clusters/{CLUSTER}")).await["status"],
        "RUNNING"
    );
    let r = c
        .post_empty(&format!("/api/v2/tasks/instances/{id}/rollback"))
        .await;
    assert_eq!(r.status, 400);

    // Skip the failed subtask: the task continues and succeeds.
    sim.state().fail_next_task(1, "precheck failed");
    let r = c
        .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/stop"))
        .await;
    let id = r.body["data"]["id"].as_i64().expect("id");
    let t = c.wait_task(id).await;
    assert_eq!(statuses(&t), ["FAILED", "PENDING", "PENDING", "PENDING"]);
    let sid = t["subtasks"][0]["id"].as_i64().expect("sid");
    let r = c
        .post_empty(&format!("/api/v2/tasks/instances/{id}/subtasks/{sid}/skip"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["data"]["status"], "SUCCESSFUL");
    assert_eq!(r.body["data"]["operation"], "SKIP");
    let t = c.wait_task(id).await;
    assert_eq!(t["status"], "SUCCESSFUL");
    assert_eq!(
        c.data(&format!("/api/v2/ob/clusters/{CLUSTER}")).await["status"],
        "STOPPED"
    );
}

#[tokio::test]
async fn stuck_task_cancel_and_subtask_retry() {
    let (_sim, c) = sim(0.1).await;
    let r = c.post_empty("/_sim/tasks/stuck_next").await;
    assert_eq!(r.status, 200);
    let r = c
        .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/stop"))
        .await;
    let id = r.body["data"]["id"].as_i64().expect("id");
    // Proving that nothing happens needs a wait: longer than a whole task, a stuck one still
    // runs.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let t = c.data(&format!("/api/v2/tasks/instances/{id}")).await;
    assert_eq!(t["status"], "RUNNING");
    assert_eq!(
        statuses(&t),
        ["SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL", "RUNNING"]
    );
    let sid = t["subtasks"][3]["id"].as_i64().expect("sid");
    let r = c
        .post_empty(&format!(
            "/api/v2/tasks/instances/{id}/subtasks/{sid}/cancel"
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["data"]["status"], "FAILED");
    assert_eq!(r.body["data"]["operation"], "CANCEL");
    let t = c.data(&format!("/api/v2/tasks/instances/{id}")).await;
    assert_eq!(t["status"], "FAILED");
    let r = c
        .post_empty(&format!(
            "/api/v2/tasks/instances/{id}/subtasks/{sid}/retry"
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(c.wait_task(id).await["status"], "SUCCESSFUL");
}

#[tokio::test]
async fn http_fault_injection() {
    let (sim, c) = sim(2.0).await;
    let r = c
        .post("/_sim/faults", json!({"fail_next": 2, "status": 500}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    for _ in 0..2 {
        let r = c.get("/api/v2/ob/clusters").await;
        assert_eq!(r.status, 500);
        assert_envelope(&r.body, 500);
    }
    assert_eq!(c.get("/api/v2/ob/clusters").await.status, 200);

    let r = c
        .post("/_sim/faults", json!({"fail_next": 1, "status": 429, "retry_after": 3, "path_prefix": "/api/v2/tasks", "method": "GET"}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        c.get("/api/v2/ob/clusters").await.status,
        200,
        "prefix does not match"
    );
    let r = c.get("/api/v2/tasks/instances").await;
    assert_eq!(r.status, 429);
    assert_envelope(&r.body, 429);
    assert_eq!(
        r.headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("3")
    );
    assert_eq!(c.get("/api/v2/tasks/instances").await.status, 200);

    // Delay.
    let r = c
        .post("/_sim/faults", json!({"delay_ms": 300, "count": 1}))
        .await;
    assert_eq!(r.status, 200);
    let t0 = Instant::now();
    let r = c.get("/api/v2/time").await;
    assert_eq!(r.status, 200);
    assert!(t0.elapsed() >= Duration::from_millis(300));
    assert!(
        r.body["duration"].as_u64().is_some_and(|d| d >= 300),
        "{}",
        r.body
    );

    // Clear, in-process setters, bad admin bodies.
    sim.state().fail_next_requests(5, 503);
    let r = c.delete("/_sim/faults").await;
    assert_eq!(r.status, 200);
    assert_eq!(c.get("/api/v2/time").await.status, 200);
    let r = c.post("/_sim/faults", json!({"nope": 1})).await;
    assert_eq!(r.status, 400);
    let r = c
        .post("/_sim/faults", json!({"fail_next": 1, "status": 200}))
        .await;
    assert_eq!(r.status, 400);
    sim.state().fail_next_requests(1, 502);
    assert_eq!(c.get("/api/v2/time").await.status, 502);
}

#[tokio::test]
async fn request_counters() {
    let (sim, c) = sim(2.0).await;
    c.get("/api/v2/ob/clusters").await;
    c.get(&format!("/api/v2/ob/clusters/{CLUSTER}")).await;
    c.get(&format!(
        "/api/v2/ob/clusters/{CLUSTER}/zones/zone1/servers?size=5"
    ))
    .await;
    c.send_anonymous(reqwest::Method::GET, "/api/v2/time").await;
    let r = c.get("/_sim/requests").await;
    assert_eq!(r.body["count"], 4, "{}", r.body);
    assert_eq!(r.body["by_route"]["GET /api/v2/ob/clusters"], 1);
    assert_eq!(r.body["by_route"]["GET /api/v2/ob/clusters/{id}"], 1);
    assert_eq!(
        r.body["by_route"]["GET /api/v2/ob/clusters/{id}/zones/zone1/servers"],
        1
    );
    let recent = r.body["recent"].as_array().expect("recent");
    assert_eq!(recent[2]["query"], "size=5");
    assert_eq!(recent[3]["status"], 401);
    assert_eq!(sim.state().route_count("GET /api/v2/time"), 1);
    let r = c.delete("/_sim/requests").await;
    assert_eq!(r.body["count"], 0);
    assert_eq!(sim.state().request_count(), 0);
}

#[tokio::test]
async fn binary_prints_listening_line_first() {
    let (mut child, url) = spawn_bin(&[
        "--listen",
        "127.0.0.1:0",
        "--username",
        "u1",
        "--password",
        "p1",
        "--task-seconds",
        "0.5",
        "--server-capacity",
        "400:1600",
    ])
    .await;
    let addr = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("unexpected URL {url:?}"));
    let sock: std::net::SocketAddr = addr.parse().expect("socket addr");
    assert_ne!(sock.port(), 0);
    let http = reqwest::Client::new();
    let r = http
        .get(format!("http://{addr}/api/v2/time"))
        .basic_auth("u1", Some("p1"))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 200);
    let r = http
        .get(format!("http://{addr}/api/v2/time"))
        .basic_auth("admin", Some("aaAA11__"))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 401);
    let servers: Value = http
        .get(format!("http://{addr}/api/v2/ob/clusters/1000001/servers"))
        .basic_auth("u1", Some("p1"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(
        servers["data"]["contents"][0]["stats"]["cpuCoreTotal"].as_f64(),
        Some(400.0),
        "--server-capacity sets every server's capacity: {servers}"
    );
    let _ = child.kill();
    let _ = child.wait();

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ocp-sim"))
        .arg("--help")
        .output()
        .expect("run --help");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--task-seconds"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ocp-sim"))
        .arg("--bogus")
        .output()
        .expect("run --bogus");
    assert!(!out.status.success());
}
