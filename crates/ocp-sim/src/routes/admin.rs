//! The simulator admin API under `/_sim/` (a prefix real OCP does not have).
//!
//! No authentication, no OCP envelope, not counted in the request log and never subject to
//! injected HTTP faults. Answers are plain JSON; a bad body gives 400 `{"error": "..."}`.
//!
//! | Method + path | Body | Effect / answer |
//! |---|---|---|
//! | `POST /_sim/faults` | `{"fail_next": N, "status": 500, "retry_after": S?, "message": "..."?, "path_prefix": "/api/v2/..."?, "method": "GET"?}` | the next N matching requests (any path outside `/_sim/`) get `status` (400..=599, default 500) with an error envelope, plus `Retry-After: S` when given |
//! | `POST /_sim/faults` | `{"delay_ms": M, "count": N?, "phase": "before"\|"after"?, "path_prefix"?, "method"?}` | the next N (default 1) matching responses are delayed by M ms: `before` (default) sleeps and then runs the handler, `after` runs the handler first (its changes are applied even if the client gives up) and answers M ms later; `fail_next` and `delay_ms` may be given in one body |
//! | `POST /_sim/faults` | `{"fail_fraction": F, "statuses": [500, 502, 503, 429]?, "status": 503?, "retry_after": S?, "message"?, "seed": N?, "count": N?, "path_prefix"?, "method"?}` | each matching request fails with probability F (0 < F ≤ 1), status drawn uniformly from `statuses` (or the single `status`, default 503), error envelope, `Retry-After: S` on every injected failure when given; deterministic per `seed`; at most `count` failures (no limit when absent); stays until `DELETE /_sim/faults` |
//! | `POST /_sim/faults` | `{"reset_next": N, "phase": "before"\|"after"?, "path_prefix"?, "method"?}` | the next N matching requests get their connection closed without any HTTP answer; `before` (default): the handler does not run; `after`: it runs fully first |
//! | `POST /_sim/faults` | `{"drop_response_next": N, "path_prefix"?, "method"?}` | alias of `reset_next` with `phase: "after"` (apply the request, drop its answer) |
//! | `POST /_sim/faults` | `{"garbage_next": N, "body": "..."?, "content_type": "..."?, "status": 200?, "phase"?, "path_prefix"?, "method"?}` | the next N matching requests are answered with `status` (200..=599, default 200) and `body` (default truncated JSON `{"success": tru`), `Content-Type` default `application/json`; phase as for `reset_next` |
//! | `GET /_sim/faults` | — | `{"faults": [...armed rules...], "task_faults": n}` |
//! | `DELETE /_sim/faults` | — | clears all HTTP rules and all armed task faults |
//! | `POST /_sim/tasks/fail_next` | `{"subtask": K?, "message": "..."?}` | the next created task fails at its K-th subtask (1-based, default 1, clamped to the last); the failed subtask's log ends with `message` (default `Injected failure`) |
//! | `POST /_sim/tasks/stuck_next` | — | the next created task never finishes: its last subtask stays `RUNNING` until cancelled |
//! | `GET /_sim/requests` | — | `{"count": n, "by_route": {"GET /api/v2/ob/clusters/{id}": 2, ...}, "recent": [{method, path, query, status}]}`; route keys template all-digit segments as `{id}` |
//! | `DELETE /_sim/requests` | — | resets the counters |
//! | `POST /_sim/config` | `{"task_seconds": S}` | duration of tasks created from now on |
//! | `GET /_sim/clock` | — | `{"clock": "wall"\|"virtual", "now": ISO, "now_ms": ms}` |
//! | `POST /_sim/clock/advance` | `{"seconds": S}` | virtual clock only (`--clock virtual`): time moves S seconds forward at once; tasks progress and backup schedules run up to the new now; answers as `GET /_sim/clock` (400 under the wall clock) |
//! | `POST /_sim/tasks/{id}/finish` | — | a `RUNNING` task ends now, whatever the clock: its remaining subtasks run at this instant (a stuck task too); answers the task (400 when it is not running) |
//! | `POST /_sim/tasks/{id}/fail` | `{"message": "..."?}` | a `RUNNING` task fails now at its running (or next) subtask, whose log ends with `message` (default `Injected failure`) |
//! | `POST /_sim/config` | `{"host_delete_task": true\|false}` | `DELETE /api/v2/compute/hosts/{id}` answers with a `Delete host` cleanup task (as a real OCP may, ocp-api.md §5 #18) instead of deleting at once (the default, as D documents) |
//! | `POST /_sim/config` | `{"create_tenant_plain": true\|false}` | create-tenant reads only the body of ocp-api.md §3.4.1 and ignores OCP Express's `parameters` and `timeZone` (default `false`: they are set at creation) |
//! | `POST /_sim/config` | `{"backup_period_seconds": P}` | simulator-clock time between scheduled data backups (P > 0, at least 0.01; `0` restores the default `max(1, 5 × task_seconds)`), see `crate::domain::backup`; the answer shows both settings |
//!
//! One fault kind per `POST /_sim/faults` body (except `fail_next` + `delay_ms`); fields that do
//! not apply to the kind are refused with 400. Task faults are queued: each `fail_next` /
//! `stuck_next` call arms one upcoming task.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::{FailTaskRequest, FaultRequest};
use crate::shared::SharedState;

/// Routes of the admin API.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .route(
            "/_sim/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/_sim/tasks/fail_next", post(fail_next_task))
        .route("/_sim/tasks/stuck_next", post(stuck_next_task))
        .route("/_sim/requests", get(requests).delete(reset_requests))
        .route("/_sim/config", post(config))
        .route("/_sim/clock", get(clock))
        .route("/_sim/clock/advance", post(advance_clock))
        .route("/_sim/tasks/{id}/finish", post(finish_task))
        .route("/_sim/tasks/{id}/fail", post(fail_task))
}

fn bad(msg: impl std::fmt::Display) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": msg.to_string()})),
    )
        .into_response()
}

fn parse<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> Result<T, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| format!("invalid body: {e}"))
}

fn faults_json(st: &SharedState) -> Value {
    let task_faults = st.with_store(|s| s.task_faults.len());
    json!({"faults": st.faults(), "task_faults": task_faults})
}

async fn list_faults(State(st): State<SharedState>) -> Json<Value> {
    Json(faults_json(&st))
}

async fn add_faults(State(st): State<SharedState>, body: Bytes) -> Response {
    let req: FaultRequest = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    match req.into_rules() {
        Ok(rules) => {
            for r in rules {
                st.add_fault(r);
            }
            Json(faults_json(&st)).into_response()
        }
        Err(e) => bad(e),
    }
}

async fn clear_faults(State(st): State<SharedState>) -> Json<Value> {
    st.clear_faults();
    Json(faults_json(&st))
}

async fn fail_next_task(State(st): State<SharedState>, body: Bytes) -> Response {
    let req: FailTaskRequest = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    st.fail_next_task(
        req.subtask.unwrap_or(1),
        req.message.unwrap_or_else(|| "Injected failure".into()),
    );
    Json(faults_json(&st)).into_response()
}

async fn stuck_next_task(State(st): State<SharedState>) -> Json<Value> {
    st.stuck_next_task();
    Json(faults_json(&st))
}

async fn requests(State(st): State<SharedState>) -> Json<Value> {
    Json(st.requests_json())
}

async fn reset_requests(State(st): State<SharedState>) -> Json<Value> {
    st.reset_requests();
    Json(st.requests_json())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigRequest {
    task_seconds: Option<f64>,
    backup_period_seconds: Option<f64>,
    host_delete_task: Option<bool>,
    create_tenant_plain: Option<bool>,
}

async fn config(State(st): State<SharedState>, body: Bytes) -> Response {
    let req: ConfigRequest = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    if let Some(p) = req.backup_period_seconds {
        if !(p.is_finite() && p >= 0.0) {
            return bad("backup_period_seconds must be a finite number >= 0 (0 = default)");
        }
    }
    if let Some(s) = req.task_seconds {
        if !(s.is_finite() && s >= 0.0) {
            return bad("task_seconds must be a finite number >= 0");
        }
        st.set_task_seconds(s);
    }
    if let Some(p) = req.backup_period_seconds {
        st.set_backup_period_seconds(p);
    }
    if let Some(on) = req.host_delete_task {
        st.with_store(|s| s.host_delete_task = on);
    }
    if let Some(on) = req.create_tenant_plain {
        st.with_store(|s| s.create_tenant_plain = on);
    }
    let (secs, host_task, plain) =
        st.with_store(|s| (s.task_seconds, s.host_delete_task, s.create_tenant_plain));
    let period = st.backup_period_seconds();
    Json(
        json!({"task_seconds": secs, "backup_period_seconds": period,
                "host_delete_task": host_task, "create_tenant_plain": plain}),
    )
    .into_response()
}

fn clock_json(st: &SharedState) -> Value {
    let clock = st.clock();
    json!({"clock": clock.kind(), "now": crate::util::iso(clock.now()), "now_ms": clock.now()})
}

async fn clock(State(st): State<SharedState>) -> Json<Value> {
    Json(clock_json(&st))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceRequest {
    seconds: f64,
}

async fn advance_clock(State(st): State<SharedState>, body: Bytes) -> Response {
    let req: AdvanceRequest = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    match st.advance_clock(req.seconds) {
        Ok(_) => Json(clock_json(&st)).into_response(),
        Err(e) => bad(e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FailRequest {
    message: Option<String>,
}

fn finish(st: &SharedState, id: &str, failure: Option<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return bad(format!("invalid task id {id:?}"));
    };
    match st.finish_task(id, failure) {
        Ok(()) => {
            let task = st.with_store(|s| s.task_detail(id));
            match task {
                Ok(t) => Json(t).into_response(),
                Err(e) => bad(e.message),
            }
        }
        Err(e) => bad(e.message),
    }
}

async fn finish_task(State(st): State<SharedState>, Path(id): Path<String>) -> Response {
    finish(&st, &id, None)
}

async fn fail_task(State(st): State<SharedState>, Path(id): Path<String>, body: Bytes) -> Response {
    let req: FailRequest = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    let message = req.message.unwrap_or_else(|| "Injected failure".into());
    finish(&st, &id, Some(message))
}
