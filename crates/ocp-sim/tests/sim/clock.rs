//! The virtual clock (`--clock virtual`): time moves only through `/_sim/clock/advance`, and
//! `/_sim/tasks/{id}/finish|fail` end a task on purpose.

use serde_json::json;

use crate::support::{sim, sim_virtual, statuses};

const CLUSTER: &str = "/api/v2/ob/clusters/1000001";

#[tokio::test]
async fn tasks_wait_for_the_clock_and_move_subtask_by_subtask() {
    let (_sim, c) = sim_virtual(400.0).await;
    let id = c.post_empty(&format!("{CLUSTER}/stop")).await.task_id();
    // Nothing moves by itself, however long the test takes.
    let t = c.task(id).await;
    assert_eq!(t["status"], "RUNNING");
    assert_eq!(statuses(&t), ["RUNNING", "PENDING", "PENDING", "PENDING"]);
    // 4 subtasks of 100 s each: 150 s finishes the first and starts the second.
    c.post("/_sim/clock/advance", json!({"seconds": 150})).await;
    let t = c.task(id).await;
    assert_eq!(
        statuses(&t),
        ["SUCCESSFUL", "RUNNING", "PENDING", "PENDING"]
    );
    assert_eq!(c.data(CLUSTER).await["status"], "STOPPING");
    c.post("/_sim/clock/advance", json!({"seconds": 250})).await;
    assert_eq!(c.task(id).await["status"], "SUCCESSFUL");
    assert_eq!(c.data(CLUSTER).await["status"], "STOPPED");
}

#[tokio::test]
async fn finish_and_fail_end_a_task_now() {
    let (_sim, c) = sim_virtual(3600.0).await;
    let id = c.post_empty(&format!("{CLUSTER}/stop")).await.task_id();
    let r = c.post(&format!("/_sim/tasks/{id}/finish"), json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "SUCCESSFUL");
    assert_eq!(c.data(CLUSTER).await["status"], "STOPPED");

    let id = c.post_empty(&format!("{CLUSTER}/start")).await.task_id();
    let r = c
        .post(
            &format!("/_sim/tasks/{id}/fail"),
            json!({"message": "disk full"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "FAILED");
    assert_eq!(statuses(&r.body)[0], "FAILED");
    // The failed task is over: it can be neither finished nor failed again.
    let again = c.post(&format!("/_sim/tasks/{id}/finish"), json!({})).await;
    assert_eq!(again.status, 400, "{}", again.body);
    assert_eq!(c.data(CLUSTER).await["status"], "STOPPED");
}

#[tokio::test]
async fn the_wall_clock_cannot_be_advanced() {
    let (_sim, c) = sim(0.1).await;
    let r = c.post("/_sim/clock/advance", json!({"seconds": 1})).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let clock = c.get("/_sim/clock").await;
    assert_eq!(clock.body["clock"], "wall");
}
