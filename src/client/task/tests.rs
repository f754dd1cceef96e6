//! Tests of the task model (both OCP formats) and of the waiter against the simulator.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::*;
use crate::client::api::cluster::LifecycleAction;
use crate::client::testutil::{assert_no_password, expect_err, ok, TestSim};

#[test]
fn the_newer_task_format_parses() {
    // §4.4 sample (abridged subtask without id or status).
    let v = json!({
        "clusterId": 9,
        "context": {"listMap": {"zone_names": ["zone3"]}, "parallel": false, "parallelIdx": -1,
                    "stringMap": {"tenant_id": "18", "cluster_id": "9"}},
        "creator": "admin",
        "executor": "10.0.0.1",
        "id": 239885,
        "name": "Delete tenant replica",
        "operation": "EXECUTE",
        "startTime": "2021-06-30T12:06:51.078+08:00",
        "status": "RUNNING",
        "subtasks": [{"className": "com.alipay.ocp.service.task.business.tenant.UpdateTenantStatusTask",
                      "description": "Update tenant status"}]
    });
    let t: TaskInstance = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.id, 239885);
    assert_eq!(t.cluster_id(), Some(9));
    assert_eq!(t.creator(), Some("admin"));
    assert!(t.context.as_ref().is_some_and(serde_json::Value::is_object));
    assert_eq!(t.subtasks().len(), 1);
    assert_eq!(t.subtasks()[0].label(), "Update tenant status");
    assert!(!t.is_terminal());
}

#[test]
fn the_older_task_format_parses() {
    // §4.5 sample: `tasks`, creator object, context string, cluster object.
    let v = json!({
        "cluster": {"id": 19, "name": "terran", "obClusterId": 25},
        "context": "Context(parallelIdx=-1, stringMap={cluster_name=terran}, listMap={host_ids=[1]})",
        "creator": {"id": 100, "name": "admin"},
        "id": 107280,
        "name": "Delete primary OB cluster",
        "startTime": "2021-03-02T10:27:16.449+08:00",
        "status": "RUNNING",
        "tasks": [
            {"description": "Prepare delete cluster", "downstreams": [128767], "id": 128764,
             "name": "Prepare delete cluster", "operation": "EXECUTE", "status": "RUNNING", "upstreams": []}
        ]
    });
    let t: TaskInstance = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.cluster_id(), Some(19));
    assert_eq!(t.creator(), Some("admin"));
    assert!(t.context.as_ref().is_some_and(serde_json::Value::is_string));
    assert_eq!(t.subtasks().len(), 1);
    assert_eq!(t.subtasks()[0].downstreams, vec![128767]);
    assert_eq!(t.running_subtask().and_then(|s| s.id), Some(128764));
}

#[test]
fn nulls_string_ids_and_unknown_fields_are_tolerated() {
    let v = json!({"id": "42", "name": null, "status": "PENDING", "subtasks": null,
                   "tenantId": "7", "finishTime": null, "somethingNew": {"a": 1}});
    let t: TaskInstance = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.id, 42);
    assert_eq!(t.tenant_id(), Some(7));
    assert_eq!(t.label(), "task 42");
    assert!(t.subtasks().is_empty());
    assert!(serde_json::from_value::<TaskInstance>(json!({"name": "no id"})).is_err());
}

#[test]
fn the_failed_subtask_is_the_lowest_series_id_with_status_failed() {
    let v = json!({"id": 1, "status": "FAILED", "subtasks": [
        {"id": 13, "seriesId": 3, "name": "c", "status": "FAILED"},
        {"id": 11, "seriesId": 1, "name": "a", "status": "SUCCESSFUL"},
        {"id": 12, "seriesId": 2, "name": "b", "status": "FAILED"}
    ]});
    let t: TaskInstance = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.failed_subtask().map(|s| s.name.as_str()), Some("b"));
}

#[test]
fn log_tails_keep_the_last_lines() {
    let log: String = (1..=50).map(|i| format!("line {i}\n")).collect();
    let tail = log_tail(&log);
    assert!(tail.starts_with("line 31"), "{tail}");
    assert!(tail.ends_with("line 50"), "{tail}");
    assert_eq!(log_text(json!({"logContent": "x"})), "x");
    assert_eq!(log_text(json!(["a", "b"])), "a\nb");
}

#[test]
fn poll_intervals_grow_with_elapsed_time_up_to_the_cap() {
    let o = WaitOptions::default();
    for _ in 0..100 {
        let first = o.interval_after(Duration::ZERO);
        assert!(first <= o.initial_interval && first >= o.initial_interval.mul_f64(0.79));
        let mid = o.interval_after(Duration::from_secs(40));
        assert!(
            mid <= Duration::from_secs(2) && mid >= Duration::from_millis(1590),
            "{mid:?}"
        );
        assert!(o.interval_after(Duration::from_secs(3600)) <= o.max_interval);
    }
}

/// Starts a restart of `demo-cluster` (OCP id `cluster_id`): a task of the simulator's
/// task length.
async fn restart(client: &OcpClient, cluster_id: i64) -> TaskInstance {
    ok(client
        .cluster_action(cluster_id, LifecycleAction::Restart)
        .await)
}

/// Waits for task `id` with the default options, never cancelled.
async fn wait(client: &OcpClient, id: i64) -> Result<TaskInstance, ClientError> {
    client
        .wait_task(id, &WaitOptions::default(), &CancellationToken::new())
        .await
}

/// A simulator, a client, and a restart of `demo-cluster` that never ends.
async fn stuck_restart() -> (TestSim, OcpClient, TaskInstance) {
    let (sim, client, id) = TestSim::with_demo(0.3).await;
    sim.stuck_next_task().await;
    let task = restart(&client, id).await;
    (sim, client, task)
}

#[tokio::test]
async fn wait_task_returns_a_successful_task_with_little_overhead() {
    let task_seconds = 0.3;
    let (_sim, client, id) = TestSim::with_demo(task_seconds).await;
    let started = Instant::now();
    let task = restart(&client, id).await;
    let done = ok(wait(&client, task.id).await);
    let total = started.elapsed();
    assert!(done.is_successful(), "{done:?}");
    assert_eq!(done.id, task.id);
    let overhead = total.saturating_sub(Duration::from_secs_f64(task_seconds));
    println!("task of {task_seconds} s waited {total:?}: overhead {overhead:?} (target <= 300 ms)");
}

#[tokio::test]
async fn wait_task_overhead_on_a_two_second_task() {
    let task_seconds = 2.0;
    let (sim, client, id) = TestSim::with_demo(task_seconds).await;
    sim.reset_requests().await;
    let started = Instant::now();
    let task = restart(&client, id).await;
    ok(wait(&client, task.id).await);
    let total = started.elapsed();
    let polls = sim.count("GET /api/v2/tasks/instances/{id}").await;
    let overhead = total.saturating_sub(Duration::from_secs_f64(task_seconds));
    println!("task of {task_seconds} s waited {total:?}: overhead {overhead:?}, {polls} polls (target <= 300 ms)");
}

#[tokio::test]
async fn a_failed_task_names_the_failed_subtask_and_its_log() {
    let (sim, client, id) = TestSim::with_demo(0.3).await;
    sim.fail_next_task(2, "observer 10.0.0.7 refused to stop: disk full")
        .await;
    let task = restart(&client, id).await;
    let expected_subtask = task
        .subtasks()
        .iter()
        .find(|s| s.series_id == Some(2))
        .map(|s| s.name.clone())
        .unwrap_or_else(|| panic!("no second subtask in {task:?}"));
    let err = expect_err(wait(&client, task.id).await);
    match &err {
        ClientError::TaskFailed {
            task_id,
            subtask_name,
            subtask_id,
            log_tail,
            ..
        } => {
            assert_eq!(*task_id, task.id);
            assert_eq!(subtask_name.as_deref(), Some(expected_subtask.as_str()));
            assert!(subtask_id.is_some());
            assert!(log_tail.contains("disk full"), "{log_tail}");
        }
        other => panic!("unexpected {other:?}"),
    }
    let (summary, detail) = err.summary_detail();
    assert!(summary.contains(&task.id.to_string()), "{summary}");
    assert!(
        detail.contains(&expected_subtask) && detail.contains("disk full"),
        "{detail}"
    );
    assert_no_password(&err);
    println!("{detail}");
}

#[tokio::test]
async fn a_stuck_task_times_out_with_its_id_and_last_status() {
    let (_sim, client, task) = stuck_restart().await;
    let started = Instant::now();
    let err = expect_err(
        client
            .wait_task(
                task.id,
                &WaitOptions::with_timeout(Duration::from_secs(1)),
                &CancellationToken::new(),
            )
            .await,
    );
    let waited = started.elapsed();
    match &err {
        ClientError::TaskTimeout {
            task_id,
            last_status,
            elapsed,
            ..
        } => {
            assert_eq!(*task_id, task.id);
            assert_eq!(last_status, "RUNNING");
            assert!(*elapsed >= Duration::from_secs(1));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(waited < Duration::from_millis(1800), "waited {waited:?}");
    println!("{err}");
}

#[tokio::test]
async fn cancelling_the_token_stops_the_wait_promptly() {
    let (_sim, client, task) = stuck_restart().await;
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let canceller = tokio::spawn(async move {
        // Not a guess: the stuck task never ends, so the wait is in progress whenever the
        // token fires; 700 ms lets it poll a few times first, and the lag is measured from
        // the moment it fires.
        tokio::time::sleep(Duration::from_millis(700)).await;
        trigger.cancel();
        Instant::now()
    });
    let res = client
        .wait_task(task.id, &WaitOptions::default(), &cancel)
        .await;
    let stopped = Instant::now();
    let fired = canceller.await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(res, Err(ClientError::Cancelled { task_id: Some(t) }) if t == task.id),
        "{res:?}"
    );
    let lag = stopped.saturating_duration_since(fired);
    assert!(lag < Duration::from_millis(100), "took {lag:?} to stop");
}

#[tokio::test]
async fn transient_poll_errors_do_not_fail_the_wait() {
    let sim = TestSim::start(0.5).await;
    let client = sim.client_with(|c| c.max_retries = 0);
    let id = sim.demo_cluster_id(&client).await;
    let task = restart(&client, id).await;
    sim.fail_next(3, 503, "GET", "/api/v2/tasks/instances")
        .await;
    let done = ok(wait(&client, task.id).await);
    assert!(done.is_successful());
}

#[tokio::test]
async fn waiting_for_an_unknown_task_fails_with_not_found() {
    let sim = TestSim::start(0.3).await;
    let client = sim.client();
    let res = wait(&client, 987_654_321).await;
    assert!(matches!(res, Err(ref e) if e.is_not_found()), "{res:?}");
    assert!(matches!(client.find_task(987_654_321).await, Ok(None)));
}

#[test]
fn progress_lines_count_subtasks_in_execution_order_once_each() {
    let task: TaskInstance = serde_json::from_value(serde_json::json!({
        "id": 42, "name": "Create tenant", "status": "RUNNING",
        "subtasks": [
            {"id": 3, "name": "Set tenant whitelist", "seriesId": 3, "status": "PENDING"},
            {"id": 1, "name": "Create resource pool", "seriesId": 1, "status": "SUCCESSFUL"},
            {"id": 2, "name": "Create tenant", "seriesId": 2, "status": "RUNNING"},
        ],
    }))
    .unwrap();
    let mut last = None;
    assert_eq!(
        progress_line(&task, &mut last).as_deref(),
        Some("OCP task 42 (Create tenant): subtask 2/3 running: Create tenant (1 done)")
    );
    // The same subtask still running: no new line.
    assert_eq!(progress_line(&task, &mut last), None);
    let idle: TaskInstance = serde_json::from_value(serde_json::json!({
        "id": 42, "status": "RUNNING", "subtasks": [{"id": 1, "status": "PENDING"}]
    }))
    .unwrap();
    assert_eq!(progress_line(&idle, &mut last), None);
}
