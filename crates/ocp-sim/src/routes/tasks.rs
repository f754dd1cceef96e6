//! Task instances (§2.4). Semantics of retry/rollback/skip/cancel: see [`crate::domain::tasks`].
//!
//! | Method + path | `data` |
//! |---|---|
//! | `GET /api/v2/tasks/instances` | paged basic TaskInstances (no `context`/`subtasks`); filters `name` (case-insensitive keyword), `status` (list), `type` (list), `clusterName` (keyword; the doc's `cluterName` spelling is accepted too), `clusterId`, `tenantName` (requires `clusterId`, else 400), `tenantId`, `hostId` |
//! | `GET /api/v2/tasks/instances/{id}` | TaskInstance with `context` and `subtasks` |
//! | `POST /api/v2/tasks/instances/{id}/retry` | TaskInstance |
//! | `POST /api/v2/tasks/instances/{id}/rollback` | TaskInstance |
//! | `POST /api/v2/tasks/instances/{id}/subtasks/{sid}/retry` \| `skip` \| `cancel` | SubtaskInstance |
//! | `GET /api/v2/tasks/instances/{id}/subtasks/{sid}/log` | the log as one JSON **string** (lines joined with `\n`, empty for a subtask that has not started). Our decision: §2.4 only says "log text" |

use axum::extract::{Path, RawQuery, State};
use serde_json::{json, Value};

use crate::envelope::{parse_id, Api, ApiError, ApiResult};
use crate::paging::{contains_ci, in_list, page_of, Query};
use crate::shared::SharedState;
use crate::state::Store;
use crate::state::Task;

fn cluster_name_of(store: &Store, t: &Task) -> Option<String> {
    t.cluster_id
        .and_then(|id| store.clusters.get(&id))
        .map(|c| c.name.clone())
        .or_else(|| t.string_map.get("cluster_name").cloned())
}

fn tenant_name_of(store: &Store, t: &Task) -> Option<String> {
    t.tenant_id
        .and_then(|id| store.tenants.get(&id))
        .map(|x| x.name.clone())
        .or_else(|| t.string_map.get("tenant_name").cloned())
}

pub(crate) async fn list_tasks(
    State(st): State<SharedState>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let name = q.get("name").map(String::from);
    let status = q.list("status");
    let types = q.list("type");
    let cluster_name = q
        .get("clusterName")
        .or_else(|| q.get("cluterName"))
        .map(String::from);
    let cluster_id = q.i64("clusterId")?;
    let tenant_name = q.get("tenantName").map(String::from);
    let tenant_id = q.i64("tenantId")?;
    let host_id = q.i64("hostId")?;
    if tenant_name.is_some() && cluster_id.is_none() {
        return Err(ApiError::bad_request("tenantName requires clusterId"));
    }
    let store = st.lock();
    let items: Vec<Value> = store
        .tasks
        .values()
        .filter(|t| {
            name.as_deref()
                .is_none_or(|n| contains_ci(Some(&t.name), n))
        })
        .filter(|t| {
            status
                .as_ref()
                .is_none_or(|l| in_list(Some(t.status.as_str()), l))
        })
        .filter(|t| {
            types
                .as_ref()
                .is_none_or(|l| in_list(Some(&t.task_type), l))
        })
        .filter(|t| {
            cluster_name
                .as_deref()
                .is_none_or(|n| contains_ci(cluster_name_of(&store, t).as_deref(), n))
        })
        .filter(|t| cluster_id.is_none_or(|c| t.cluster_id == Some(c)))
        .filter(|t| {
            tenant_name
                .as_deref()
                .is_none_or(|n| tenant_name_of(&store, t).as_deref() == Some(n))
        })
        .filter(|t| tenant_id.is_none_or(|x| t.tenant_id == Some(x)))
        .filter(|t| host_id.is_none_or(|x| t.host_id == Some(x)))
        .map(|t| store.task_json(t, false))
        .collect();
    Ok(Api::data(page_of(items, &q)?))
}

pub(crate) async fn get_task(State(st): State<SharedState>, Path(id): Path<String>) -> ApiResult {
    let id = parse_id(&id, "task instance")?;
    let store = st.lock();
    Ok(Api::data(store.task_detail(id)?))
}

pub(crate) async fn retry_task(State(st): State<SharedState>, Path(id): Path<String>) -> ApiResult {
    let id = parse_id(&id, "task instance")?;
    let mut store = st.lock();
    store.retry_task(id)?;
    Ok(Api::data(store.task_detail(id)?))
}

pub(crate) async fn rollback_task(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    let id = parse_id(&id, "task instance")?;
    let mut store = st.lock();
    store.rollback_task(id)?;
    Ok(Api::data(store.task_detail(id)?))
}

type SubOp = fn(&mut Store, i64, i64) -> Result<(), ApiError>;

fn subtask_op(st: &SharedState, id: &str, sid: &str, op: SubOp) -> ApiResult {
    let id = parse_id(id, "task instance")?;
    let sid = parse_id(sid, "subtask instance")?;
    let mut store = st.lock();
    op(&mut store, id, sid)?;
    let idx = store.subtask_index(id, sid)?;
    let task = store.task(id)?;
    Ok(Api::data(store.subtask_json(task, idx)))
}

pub(crate) async fn retry_subtask(
    State(st): State<SharedState>,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult {
    subtask_op(&st, &id, &sid, Store::retry_subtask)
}

pub(crate) async fn skip_subtask(
    State(st): State<SharedState>,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult {
    subtask_op(&st, &id, &sid, Store::skip_subtask)
}

pub(crate) async fn cancel_subtask(
    State(st): State<SharedState>,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult {
    subtask_op(&st, &id, &sid, Store::cancel_subtask)
}

pub(crate) async fn subtask_log(
    State(st): State<SharedState>,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult {
    let id = parse_id(&id, "task instance")?;
    let sid = parse_id(&sid, "subtask instance")?;
    let store = st.lock();
    let idx = store.subtask_index(id, sid)?;
    let task = store.task(id)?;
    let log = task
        .subtasks
        .get(idx)
        .map(|s| s.log.join("\n"))
        .unwrap_or_default();
    Ok(Api::data(json!(log)))
}
