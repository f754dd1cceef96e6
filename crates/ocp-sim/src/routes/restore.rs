//! Restore (§3.8.1, §5 #25, #26): the restore call and the restore task lists of a cluster and of
//! a tenant. Rules and shapes: [`crate::domain::restore`].

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use serde_json::Value;

use crate::domain::backup as bk;
use crate::domain::restore as rs;
use crate::envelope::{parse_id, Api, ApiError, ApiResult};
use crate::paging::{in_list, page_of, Query};
use crate::shared::SharedState;

use super::answer;

type Params = Path<Vec<(String, String)>>;

/// Restore statuses (those of the tasks that run them, §2.2; inferred).
const STATUSES: [&str; 3] = ["RUNNING", "SUCCESSFUL", "FAILED"];

pub(crate) async fn restore(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let mut store = st.lock();
    let now = store.now();
    bk::advance(&mut store, now);
    answer(rs::restore(&mut store, &id, &body))
}

/// A time of the query: UTC `YYYY-MM-DDThh:mm:ssZ` (tenant page) or an `OffsetDateTime`
/// (cluster page).
fn time(q: &Query, k: &str) -> Result<Option<i64>, ApiError> {
    match q.get(k) {
        None => Ok(None),
        Some(v) => rs::parse_offset_datetime(v).map(Some).ok_or_else(|| {
            ApiError::bad_request(format!(
                "invalid {k}: {v:?}, expected a date-time such as 2024-08-06T00:00:00Z"
            ))
        }),
    }
}

pub(crate) async fn restore_tasks(
    State(st): State<SharedState>,
    Path(p): Params,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let cid = parse_id(get("id").unwrap_or(""), "cluster")?;
    let tid = get("tid").map(|t| parse_id(t, "tenant")).transpose()?;
    let q = Query::parse(raw.as_deref());
    q.paging()?;
    let (from, to) = (time(&q, "startTime")?, time(&q, "endTime")?);
    let status = q.list("status");
    if let Some(l) = &status {
        if let Some(bad) = l
            .iter()
            .find(|s| !STATUSES.iter().any(|a| a.eq_ignore_ascii_case(s)))
        {
            return Err(ApiError::bad_request(format!(
                "invalid status: {bad:?} is not one of {}",
                STATUSES.join(", ")
            )));
        }
    }
    let clusters = q.list("restoreClusterName");
    let store = st.lock();
    store.cluster(cid)?;
    if let Some(t) = tid {
        store.tenant_in(cid, t)?;
    }
    let items: Vec<Value> = store
        .restores
        .rows
        .values()
        .filter(|r| r.backup_cluster_id == cid && tid.is_none_or(|t| r.backup_tenant_id == t))
        .filter(|r| {
            let start = store.tasks.get(&r.task_id).map_or(0, |t| t.start_time);
            from.is_none_or(|f| start >= f) && to.is_none_or(|t| start <= t)
        })
        .filter(|r| {
            clusters
                .as_ref()
                .is_none_or(|l| l.contains(&r.restore_cluster_name))
        })
        .filter(|r| {
            status
                .as_ref()
                .is_none_or(|l| in_list(Some(rs::row_status(&store, r)), l))
        })
        .map(|r| rs::row_json(&store, r))
        .collect();
    Ok(Api::data(page_of(items, &q)?))
}
