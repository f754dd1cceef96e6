//! Fault knobs over HTTP: fraction failures, connection resets, delayed and malformed answers.

use std::time::{Duration, Instant};

use ocp_sim::{HttpFault, Phase};
use serde_json::{json, Value};

use crate::support::{run_bin, sim, spawn_bin, tenant_body, Client, Resp, TENANTS};

/// Statuses of `n` GETs of `/api/v2/time`, checking every injected failure's envelope and
/// `Retry-After`.
async fn pattern(c: &Client, n: usize, retry_after: Option<&str>) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        let r = c.get("/api/v2/time").await;
        if r.status != 200 {
            assert_eq!(r.body["successful"], false, "{}", r.text);
            assert_eq!(r.body["status"], r.status, "{}", r.text);
            assert!(r.body["error"]["code"].is_string(), "{}", r.text);
            assert_eq!(
                r.headers.get("retry-after").and_then(|v| v.to_str().ok()),
                retry_after
            );
        }
        out.push(r.status);
    }
    out
}

#[tokio::test]
async fn fail_fraction_is_random_but_deterministic_per_seed() {
    let (sim, c) = sim(0.2).await;
    let rule = json!({"fail_fraction": 0.5, "statuses": [500, 502, 503, 429],
                      "retry_after": 1, "seed": 42});
    let listed = c.fault(rule.clone()).await;
    assert_eq!(listed["faults"][0]["kind"], "fraction", "{listed}");
    assert_eq!(listed["faults"][0]["remaining"], Value::Null, "{listed}");
    let first = pattern(&c, 200, Some("1")).await;
    let failed = first.iter().filter(|s| **s != 200).count();
    assert!((60..=140).contains(&failed), "{failed} of 200 failed");
    for s in [500, 502, 503, 429] {
        assert!(first.contains(&s), "status {s} never drawn: {first:?}");
    }
    assert!(first.iter().all(|s| [200, 500, 502, 503, 429].contains(s)));
    // The rule stays until cleared.
    assert_eq!(
        c.get("/_sim/faults").await.body["faults"][0]["injected"],
        json!(failed)
    );
    c.clear_faults().await;
    assert_eq!(pattern(&c, 20, None).await, vec![200; 20]);
    // Same seed, same sequence; another seed, another sequence.
    c.fault(rule.clone()).await;
    assert_eq!(pattern(&c, 200, Some("1")).await, first);
    c.clear_faults().await;
    let mut other = rule.clone();
    other["seed"] = json!(7);
    c.fault(other).await;
    assert_ne!(pattern(&c, 200, Some("1")).await, first);
    c.clear_faults().await;

    // Every faulted request is counted.
    assert_eq!(sim.state().route_count("GET /api/v2/time"), 620);

    // `count` caps the injected failures; `status` is the single status, no Retry-After.
    c.fault(json!({"fail_fraction": 1.0, "status": 502, "count": 3}))
        .await;
    assert_eq!(pattern(&c, 5, None).await, vec![502, 502, 502, 200, 200]);
    // Default status 503; the in-process knob.
    sim.state().fail_fraction(1.0, Vec::new(), 1);
    assert_eq!(c.get("/api/v2/time").await.status, 503);
    c.clear_faults().await;
}

#[tokio::test]
async fn fail_fraction_never_reaches_the_handler_and_respects_filters() {
    let (_sim, c) = sim(0.2).await;
    c.fault(json!({"fail_fraction": 1.0, "method": "POST", "path_prefix": TENANTS}))
        .await;
    assert_eq!(c.get(TENANTS).await.status, 200, "GET does not match");
    let r = c
        .post(
            &format!("{TENANTS}/createTenant"),
            tenant_body("ff1", "MYSQL"),
        )
        .await;
    assert_eq!(r.status, 503, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "SERVICE_UNAVAILABLE");
    assert!(c.tenant_named("ff1").await.is_none(), "no side effect");
    c.clear_faults().await;
    let r = c
        .post(
            &format!("{TENANTS}/createTenant"),
            tenant_body("ff1", "MYSQL"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn fault_bodies_are_validated() {
    let (_sim, c) = sim(0.2).await;
    for bad in [
        json!({"fail_fraction": 0}),
        json!({"fail_fraction": 1.5}),
        json!({"fail_fraction": 0.5, "statuses": [200]}),
        json!({"fail_fraction": 0.5, "statuses": []}),
        json!({"fail_fraction": 0.5, "statuses": [500], "status": 503}),
        json!({"fail_next": 1, "seed": 3}),
        json!({"fail_next": 1, "reset_next": 1}),
        json!({"reset_next": 1, "delay_ms": 5}),
        json!({"reset_next": 1, "phase": "during"}),
        json!({"drop_response_next": 1, "phase": "before"}),
        json!({"garbage_next": 1, "status": 99}),
        json!({"fail_next": 1, "body": "x"}),
        json!({"fail_next": 1, "phase": "after"}),
    ] {
        let r = c.post("/_sim/faults", bad.clone()).await;
        assert_eq!(r.status, 400, "{bad} was accepted");
        assert!(r.body["error"].is_string(), "{}", r.text);
    }
    assert_eq!(c.get("/_sim/faults").await.body["faults"], json!([]));
}

/// A reqwest error from a closed connection: not an HTTP status, not a timeout.
fn assert_closed(r: Result<Resp, reqwest::Error>, what: &str) {
    match r {
        Ok(r) => panic!(
            "{what}: expected a closed connection, got HTTP {}",
            r.status
        ),
        Err(e) => {
            assert!(e.status().is_none(), "{what}: {e}");
            assert!(!e.is_timeout(), "{what}: {e}");
            assert!(
                e.is_request() || e.is_body() || e.is_connect(),
                "{what}: {e:?}"
            );
        }
    }
}

#[tokio::test]
async fn reset_before_closes_the_connection_without_running_the_handler() {
    let (sim, c) = sim(0.2).await;
    c.fault(json!({"reset_next": 1, "method": "POST", "path_prefix": TENANTS}))
        .await;
    // A GET on a kept-alive connection first: the reset must hit the matching request only.
    assert_eq!(c.get(TENANTS).await.status, 200);
    let r = c
        .try_send(
            reqwest::Method::POST,
            &format!("{TENANTS}/createTenant"),
            Some(tenant_body("rs1", "MYSQL")),
        )
        .await;
    assert_closed(r, "reset before");
    assert!(
        c.tenant_named("rs1").await.is_none(),
        "the handler did not run"
    );
    // Used up: the next one goes through.
    let r = c
        .post(
            &format!("{TENANTS}/createTenant"),
            tenant_body("rs1", "MYSQL"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Counted, shown as dropped without status.
    assert_eq!(
        sim.state()
            .route_count("POST /api/v2/ob/clusters/{id}/tenants/createTenant"),
        2
    );
    let log = c.get("/_sim/requests").await.body;
    let dropped: Vec<&Value> = log["recent"]
        .as_array()
        .expect("recent")
        .iter()
        .filter(|r| r["dropped"] == true)
        .collect();
    assert_eq!(dropped.len(), 1, "{log}");
    assert_eq!(dropped[0]["method"], "POST");
    assert_eq!(dropped[0]["status"], Value::Null);

    // The in-process knob; any method.
    sim.state().reset_next_requests(2, Phase::Before);
    for _ in 0..2 {
        assert_closed(
            c.try_send(reqwest::Method::GET, "/api/v2/time", None).await,
            "in-process reset",
        );
    }
    assert_eq!(c.get("/api/v2/time").await.status, 200);
}

#[tokio::test]
async fn drop_response_applies_the_request_then_closes_the_connection() {
    let (_sim, c) = sim(0.2).await;
    for (i, rule) in [
        json!({"drop_response_next": 1, "method": "POST"}),
        json!({"reset_next": 1, "phase": "after", "method": "POST"}),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("dr{i}");
        c.fault(rule).await;
        let r = c
            .try_send(
                reqwest::Method::POST,
                &format!("{TENANTS}/createTenant"),
                Some(tenant_body(&name, "MYSQL")),
            )
            .await;
        assert_closed(r, &name);
        let t = c.tenant_named(&name).await.expect("the create was applied");
        assert!(["CREATING", "NORMAL"].contains(&t["status"].as_str().unwrap_or("")));
        // Its task exists and finishes.
        let tasks = c
            .data(&format!(
                "/api/v2/tasks/instances?clusterId=1000001&tenantId={}",
                t["id"]
            ))
            .await;
        let id = tasks["contents"][0]["id"].as_i64().expect("task id");
        assert_eq!(c.wait_task(id).await["status"], "SUCCESSFUL");
        // A retry of the create is refused as a duplicate: the client must look first.
        let r = c
            .post(
                &format!("{TENANTS}/createTenant"),
                tenant_body(&name, "MYSQL"),
            )
            .await;
        assert_eq!(r.status, 400, "{}", r.text);
    }
}

#[tokio::test]
async fn delay_after_runs_the_handler_even_when_the_client_gives_up() {
    let (sim, c) = sim(0.2).await;
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let mut quick = Client::new(&sim);
    quick.http = impatient;

    // Phase after: applied, then answered late.
    c.fault(json!({"delay_ms": 1500, "phase": "after", "method": "POST"}))
        .await;
    let r = quick
        .try_send(
            reqwest::Method::POST,
            &format!("{TENANTS}/createTenant"),
            Some(tenant_body("late1", "MYSQL")),
        )
        .await;
    assert!(
        r.as_ref().err().is_some_and(|e| e.is_timeout()),
        "expected a timeout"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while c.tenant_named("late1").await.is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "applied before the delay"
        );
        // Polling a condition (the create applied by the handler) with a deadline.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Phase after with a patient client: the answer comes after the delay, with the real
    // duration.
    c.fault(json!({"delay_ms": 400, "phase": "after"})).await;
    let t0 = Instant::now();
    let r = c.get("/api/v2/time").await;
    assert_eq!(r.status, 200);
    assert!(t0.elapsed() >= Duration::from_millis(400));

    // Default phase (before): the delay comes first; a client that gave up before the handler
    // ran leaves nothing behind.
    c.fault(json!({"delay_ms": 1500, "method": "POST"})).await;
    let listed = c.get("/_sim/faults").await.body;
    assert_eq!(listed["faults"][0]["phase"], "before", "{listed}");
    let r = quick
        .try_send(
            reqwest::Method::POST,
            &format!("{TENANTS}/createTenant"),
            Some(tenant_body("late2", "MYSQL")),
        )
        .await;
    assert!(
        r.as_ref().err().is_some_and(|e| e.is_timeout()),
        "expected a timeout"
    );
    // Proving that nothing happens needs a wait: longer than the injected 1.5 s delay, after
    // which the handler would have run had the request not been abandoned.
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert!(
        c.tenant_named("late2").await.is_none(),
        "the handler of an abandoned request does not run"
    );
}

#[tokio::test]
async fn garbage_answers_are_not_envelopes() {
    let (sim, c) = sim(0.2).await;
    // Default: 200 with truncated JSON.
    c.fault(json!({"garbage_next": 1})).await;
    let r = c.get("/api/v2/time").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text, r#"{"success": tru"#);
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    assert!(serde_json::from_str::<Value>(&r.text).is_err());
    // A proxy's HTML page.
    c.fault(
        json!({"garbage_next": 1, "status": 502, "body": "<html>proxy error</html>",
                   "content_type": "text/html"}),
    )
    .await;
    let r = c.get("/api/v2/time").await;
    assert_eq!(r.status, 502);
    assert_eq!(r.text, "<html>proxy error</html>");
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/html")
    );
    // Valid JSON that is not an envelope.
    sim.state().garbage_next_requests(1, 200, "[1,2]");
    let r = c.get("/api/v2/time").await;
    assert_eq!((r.status, r.body.clone()), (200, json!([1, 2])));

    // Phase before (default): the handler does not run; phase after: it does.
    c.fault(json!({"garbage_next": 1, "method": "POST"})).await;
    let r = c
        .post(
            &format!("{TENANTS}/createTenant"),
            tenant_body("g1", "MYSQL"),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(c.tenant_named("g1").await.is_none());
    c.fault(json!({"garbage_next": 1, "method": "POST", "phase": "after", "body": "[1,2]"}))
        .await;
    let r = c
        .post(
            &format!("{TENANTS}/createTenant"),
            tenant_body("g2", "MYSQL"),
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (200, "[1,2]"));
    assert!(c.tenant_named("g2").await.is_some());
    assert_eq!(c.get("/api/v2/time").await.body["successful"], true);
}

#[tokio::test]
async fn existing_fault_json_and_builders_still_work() {
    let (sim, c) = sim(0.2).await;
    // The first-version body: fail_next + delay_ms in one body.
    let listed = c
        .fault(
            json!({"fail_next": 1, "status": 503, "retry_after": 2, "delay_ms": 50,
                      "count": 1, "path_prefix": "/api/v2/time", "method": "GET"}),
        )
        .await;
    assert_eq!(listed["faults"][0]["kind"], "fail");
    assert_eq!(listed["faults"][0]["remaining"], 1);
    assert_eq!(listed["faults"][1]["kind"], "delay");
    let r = c.get("/api/v2/time").await;
    assert_eq!(r.status, 503);
    assert_eq!(
        r.headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("2")
    );
    sim.state()
        .add_fault(HttpFault::fail(1, 429).path_prefix("/api/v2/ob/clusters/"));
    assert_eq!(c.get("/api/v2/ob/clusters/1000001").await.status, 429);
    assert_eq!(c.get("/api/v2/ob/clusters/1000001").await.status, 200);
}

#[tokio::test]
async fn cli_fail_fraction_arms_a_rule_at_start() {
    let (mut child, url) = spawn_bin(&[
        "--listen",
        "127.0.0.1:0",
        "--fail-fraction",
        "1",
        "--fail-statuses",
        "429",
        "--retry-after",
        "2",
        "--fault-seed",
        "9",
    ])
    .await;
    let c = Client::at(&url, "admin", "aaAA11__");
    let r = c.get("/api/v2/time").await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(
        r.headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("2")
    );
    let listed = c.get("/_sim/faults").await.body;
    assert_eq!(listed["faults"][0]["seed"], 9, "{listed}");
    c.clear_faults().await;
    assert_eq!(c.get("/api/v2/time").await.status, 200);
    let _ = child.kill();
    let _ = child.wait();

    let help = std::process::Command::new(env!("CARGO_BIN_EXE_ocp-sim"))
        .arg("--help")
        .output()
        .expect("--help");
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--state-file",
        "--tls-cert",
        "--tls-key",
        "--fail-fraction",
        "--fail-statuses",
        "--retry-after",
        "--fault-seed",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
    for args in [
        &["--retry-after", "1"][..],
        &["--fail-fraction", "0"],
        &["--fail-fraction", "1", "--fail-statuses", "200"],
        &["--fault-seed", "x"],
    ] {
        let (ok, err) = run_bin(args);
        assert!(!ok, "{args:?} accepted");
        assert!(err.contains("ocp-sim:"), "{err}");
    }
}

#[tokio::test]
async fn stuck_task_stays_running_and_failed_subtask_log_is_served() {
    let (_sim, c) = sim(0.1).await;
    // Stuck: RUNNING (last subtask RUNNING) on every look, long after its 0.1 s run.
    assert_eq!(
        c.post("/_sim/tasks/stuck_next", json!({})).await.status,
        200
    );
    let r = c
        .post(
            &format!("{TENANTS}/createTenant"),
            tenant_body("st1", "MYSQL"),
        )
        .await;
    let id = r.body["data"]["id"].as_i64().expect("task id");
    for _ in 0..10 {
        // Proving that nothing happens needs a wait: a stuck task stays RUNNING well past its
        // whole duration.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let t = c.task(id).await;
        assert_eq!(t["status"], "RUNNING", "{t}");
        let subs = t["subtasks"].as_array().expect("subtasks");
        assert_eq!(
            subs.last().map(|s| s["status"].clone()),
            Some(json!("RUNNING"))
        );
        assert!(t["finishTime"].is_null());
    }
    assert_eq!(
        c.tenant_named("st1").await.expect("st1")["status"],
        "CREATING"
    );
    // Cancelling its running subtask releases it (and the cluster lock).
    let t = c.task(id).await;
    let last = t["subtasks"][3]["id"].clone();
    let r = c
        .post(
            &format!("/api/v2/tasks/instances/{id}/subtasks/{last}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Failed at subtask 3: the log endpoint serves that subtask's log with the message.
    let r = c
        .post(
            "/_sim/tasks/fail_next",
            json!({"subtask": 3, "message": "ORA-00600: internal error"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = c
        .post("/api/v2/ob/clusters/1000001/restart", json!({}))
        .await;
    let id = r.body["data"]["id"].as_i64().expect("task id");
    let t = c.wait_task(id).await;
    assert_eq!(t["status"], "FAILED");
    let failed = &t["subtasks"][2];
    assert_eq!(failed["status"], "FAILED");
    let log = c
        .data(&format!(
            "/api/v2/tasks/instances/{id}/subtasks/{}/log",
            failed["id"]
        ))
        .await;
    let log = log.as_str().expect("log string");
    assert!(
        log.lines()
            .any(|l| l.contains("ERROR") && l.ends_with("ORA-00600: internal error")),
        "{log}"
    );
}
