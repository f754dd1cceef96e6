//! Backup (§3.8, §5 #16, #25, #27, #28): strategies, schedules, backupNow and the backup task
//! lists of tenants and clusters. Model, rules and shapes: [`crate::domain::backup`].
//!
//! Tenant base `T = /api/v2/ob/clusters/{id}/tenants/{tenantId}/backup`, cluster base
//! `C = /api/v2/ob/clusters/{id}/backup`; every call exists under both.
//!
//! | Method + path | Body | Answer `data` | Source |
//! |---|---|---|---|
//! | `GET {T\|C}/config/backupStrategy` | — | `OcpBackupStrategy`, or only the object fields (no `id`) when none is configured | D, C-ui |
//! | `POST {T\|C}/config/backupStrategy` | StrategyBody | `BackupCommonResponse` `CREATE_BACKUP_STRATEGY` | D (cluster); tenant path (inferred, §5 #16) |
//! | `PATCH {T\|C}/config/backupStrategy` | StrategyBody (full replacement, §5 #27) | `MODIFY_BACKUP_STRATEGY` | D (tenant); cluster (inferred) |
//! | `DELETE {T\|C}/config/backupStrategy` | — | `DELETE_BACKUP_STRATEGY` | D (tenant); cluster (inferred) |
//! | `POST {T\|C}/config/backupStrategy/startSchedule` \| `/stopSchedule` | none | `START_BACKUP_SCHEDULE` / `STOP_BACKUP_SCHEDULE` | D; cluster stop (inferred) |
//! | `POST {T\|C}/backupNow` | BackupNowBody | `BACKUP_NOW` (our name) with `taskIdList: [task id]` (§5 #25) | D |
//! | `GET {T\|C}/task/dataBackupTasks` | query `startTime`, `endTime`, `status`, `backupSetId` | paged data-backup rows | D; cluster (inferred) |
//! | `GET {T\|C}/task/logBackupTasks` | query `startTime`, `endTime`, `status` | paged log-backup rows | D; cluster (inferred) |
//!
//! Strategy writes and start/stopSchedule are synchronous (no `taskIdList`, §5 #25); backupNow
//! is async: a task `Tenant data backup` / `Cluster data backup` whose success adds a `DONE`
//! data-backup row (§3.8.4).
//!
//! Preconditions of writes, in this order: numeric ids (400), cluster / tenant exist (404
//! `OB_CLUSTER_NOT_FOUND` / `OB_TENANT_NOT_FOUND`), no running task holding the object's lock
//! (400 `RESOURCE_BUSY`: tenant key `cluster/{id}/tenant/{tenantId}` as the tenant writes,
//! cluster key `cluster/{id}/backup`, which only cluster-wide tasks and cluster backups hold),
//! cluster `RUNNING` and tenant `NORMAL` (400 `ILLEGAL_STATE`), strategy present (404
//! `BACKUP_STRATEGY_NOT_FOUND`) or, for create, absent (400 `BACKUP_STRATEGY_EXISTS`, our code),
//! then the body (400 `ILLEGAL_ARGUMENT` naming the field). Reads work in any status. A failed
//! call changes nothing. A backupNow task holds `backup/cluster/{id}[/tenant/{tenantId}]`, so
//! only one backup of an object (and no tenant backup during its cluster's) runs at a time,
//! without blocking other tenant writes.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use serde_json::Value;

use crate::domain::backup as bk;
use crate::envelope::{parse_body, parse_id, Api, ApiError, ApiResult};
use crate::paging::{in_list, page_of, Query};
use crate::shared::SharedState;
use crate::state::backup::BackupObject;
use crate::state::effects::BackupNowEffect;
use crate::state::task::TaskSpec;
use crate::state::HookKind;
use crate::state::Store;

use crate::domain::tenants::{lock_key, NORMAL};

const PKG: &str = "com.alipay.ocp.service.task.business.backup";

type Params = Path<Vec<(String, String)>>;

/// The backup object addressed by the path (`{id}` and, for tenant paths, `{tid}`).
fn object_of(params: &[(String, String)]) -> Result<BackupObject, ApiError> {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let cid = parse_id(get("id").unwrap_or(""), "cluster")?;
    Ok(match get("tid") {
        Some(t) => BackupObject::tenant(cid, parse_id(t, "tenant")?),
        None => BackupObject::cluster(cid),
    })
}

/// 404 unless the cluster (and tenant) exist.
fn exists(store: &Store, obj: BackupObject) -> Result<(), ApiError> {
    store.cluster(obj.cluster_id)?;
    if let Some(t) = obj.tenant_id {
        store.tenant_in(obj.cluster_id, t)?;
    }
    Ok(())
}

/// Lock key held by a backupNow task of `obj`.
fn backup_lock(obj: BackupObject) -> String {
    match obj.tenant_id {
        Some(t) => format!("backup/cluster/{}/tenant/{t}", obj.cluster_id),
        None => format!("backup/cluster/{}", obj.cluster_id),
    }
}

/// Preconditions of every write (see the module docs).
fn writable(store: &Store, obj: BackupObject, what: &str) -> Result<(), ApiError> {
    let c = store.cluster(obj.cluster_id)?;
    let tenant = match obj.tenant_id {
        Some(tid) => Some(store.tenant_in(obj.cluster_id, tid)?),
        None => None,
    };
    let key = match obj.tenant_id {
        Some(tid) => lock_key(obj.cluster_id, tid),
        None => format!("cluster/{}/backup", obj.cluster_id),
    };
    store.ensure_not_busy(&[key])?;
    if c.status != "RUNNING" {
        return Err(ApiError::illegal_state(format!(
            "cannot {what}: OB cluster {} is {}",
            c.name, c.status
        )));
    }
    if let Some(t) = tenant {
        if t.status != NORMAL {
            return Err(ApiError::illegal_state(format!(
                "cannot {what}: tenant {} is {} (needs {NORMAL})",
                t.name, t.status
            )));
        }
    }
    Ok(())
}

/// Lock the store and bring the backup schedules up to now.
fn locked(st: &SharedState) -> (std::sync::MutexGuard<'_, Store>, i64) {
    let mut store = st.lock();
    let now = store.now();
    bk::advance(&mut store, now);
    (store, now)
}

pub(crate) async fn get_strategy(State(st): State<SharedState>, Path(p): Params) -> ApiResult {
    let obj = object_of(&p)?;
    let (store, _) = locked(&st);
    exists(&store, obj)?;
    Ok(Api::data(match store.backup.strategies.get(&obj) {
        Some(s) => bk::strategy_json(&store, s),
        None => bk::unconfigured_json(&store, obj),
    }))
}

pub(crate) async fn create_strategy(
    State(st): State<SharedState>,
    Path(p): Params,
    body: Bytes,
) -> ApiResult {
    let obj = object_of(&p)?;
    let body: Value = parse_body(&body)?;
    let (mut store, now) = locked(&st);
    writable(&store, obj, "create a backup strategy")?;
    if store.backup.strategies.contains_key(&obj) {
        return Err(bk::strategy_exists(obj));
    }
    let (config, enabled) = bk::parse_strategy(&body, obj)?;
    // Tenant page: backupScheduleEnabled optional; absent = false (our decision).
    bk::create(&mut store, obj, config, enabled.unwrap_or(false), now);
    Ok(Api::data(bk::common_response(
        bk::CREATE_BACKUP_STRATEGY,
        obj,
        None,
    )))
}

pub(crate) async fn modify_strategy(
    State(st): State<SharedState>,
    Path(p): Params,
    body: Bytes,
) -> ApiResult {
    let obj = object_of(&p)?;
    let body: Value = parse_body(&body)?;
    let (mut store, now) = locked(&st);
    writable(&store, obj, "modify the backup strategy")?;
    let current = store
        .backup
        .strategies
        .get(&obj)
        .map(|s| s.schedule_enabled)
        .ok_or_else(|| bk::strategy_not_found(obj))?;
    let (config, enabled) = bk::parse_strategy(&body, obj)?;
    // Full replacement (§5 #27), except the schedule switch: absent keeps its state (it is also
    // driven by start/stopSchedule; our decision). Cluster bodies must carry it.
    bk::modify(&mut store, obj, config, enabled.unwrap_or(current), now);
    Ok(Api::data(bk::common_response(
        bk::MODIFY_BACKUP_STRATEGY,
        obj,
        None,
    )))
}

pub(crate) async fn delete_strategy(State(st): State<SharedState>, Path(p): Params) -> ApiResult {
    let obj = object_of(&p)?;
    let (mut store, now) = locked(&st);
    writable(&store, obj, "delete the backup strategy")?;
    if !bk::delete(&mut store, obj, now) {
        return Err(bk::strategy_not_found(obj));
    }
    Ok(Api::data(bk::common_response(
        bk::DELETE_BACKUP_STRATEGY,
        obj,
        None,
    )))
}

fn schedule(st: &SharedState, p: &[(String, String)], enabled: bool) -> ApiResult {
    let obj = object_of(p)?;
    let (mut store, now) = locked(st);
    let what = if enabled {
        "start the backup schedule"
    } else {
        "stop the backup schedule"
    };
    writable(&store, obj, what)?;
    if !bk::set_schedule(&mut store, obj, enabled, now) {
        return Err(bk::strategy_not_found(obj));
    }
    let kind = if enabled {
        bk::START_BACKUP_SCHEDULE
    } else {
        bk::STOP_BACKUP_SCHEDULE
    };
    Ok(Api::data(bk::common_response(kind, obj, None)))
}

pub(crate) async fn start_schedule(State(st): State<SharedState>, Path(p): Params) -> ApiResult {
    schedule(&st, &p, true)
}

pub(crate) async fn stop_schedule(State(st): State<SharedState>, Path(p): Params) -> ApiResult {
    schedule(&st, &p, false)
}

pub(crate) async fn backup_now(
    State(st): State<SharedState>,
    Path(p): Params,
    body: Bytes,
) -> ApiResult {
    let obj = object_of(&p)?;
    let body: Value = parse_body(&body)?;
    let (mut store, _) = locked(&st);
    writable(&store, obj, "start a data backup")?;
    let req = bk::parse_backup_now(&body, obj)?;
    let c = store.cluster(obj.cluster_id)?.clone();
    let name = match obj.tenant_id {
        Some(_) => "Tenant data backup",
        None => "Cluster data backup",
    };
    let mut spec = TaskSpec::new(name)
        .cluster(c.id)
        .lock(backup_lock(obj))
        .string("cluster_name", &c.name)
        .string("ob_cluster_id", c.ob_cluster_id)
        .string("backup_dimension", obj.dimension())
        .string("backup_mode", &req.backup_mode)
        .string("data_backup_mode", &req.data_backup_mode)
        .string("backup_storage_type", &req.storage.storage_type)
        .string("storage_url", &req.storage.storage_url)
        .prohibit_rollback(false);
    if let Some(tid) = obj.tenant_id {
        let t = store.tenant_in(obj.cluster_id, tid)?;
        spec = spec.tenant(tid).string("tenant_name", &t.name);
    }
    for (n, class) in [
        ("Check backup storage", "CheckBackupStorageTask"),
        ("Start data backup", "StartDataBackupTask"),
        ("Wait data backup finished", "WaitDataBackupFinishedTask"),
    ] {
        spec = spec.subtask(n, &format!("{PKG}.{class}"));
    }
    let spec = spec.effect(BackupNowEffect {
        object: obj,
        backup_mode: req.backup_mode.clone(),
        data_backup_mode: req.data_backup_mode.clone(),
    });
    let id = store.submit_task(spec)?;
    Ok(Api::data(bk::common_response(
        bk::BACKUP_NOW,
        obj,
        Some(vec![id]),
    )))
}

impl BackupNowEffect {
    /// Apply the effect of task `task_id` at the moment `kind` (only success does something).
    pub fn run(&self, kind: HookKind, s: &mut Store, task_id: i64) {
        if kind != HookKind::Success {
            return;
        }
        let Some((start, end)) = s
            .tasks
            .get(&task_id)
            .map(|t| (t.start_time, t.finish_time.unwrap_or(t.start_time)))
        else {
            return;
        };
        bk::record_backup_now(
            s,
            self.object,
            &self.backup_mode,
            &self.data_backup_mode,
            start,
            end,
        );
    }
}

/// `startTime` / `endTime` window (UTC `YYYY-MM-DDThh:mm:ssZ`, §3.8.1) of the task lists.
struct Window {
    from: Option<i64>,
    to: Option<i64>,
}

impl Window {
    fn parse(q: &Query) -> Result<Self, ApiError> {
        let time = |k: &str| -> Result<Option<i64>, ApiError> {
            match q.get(k) {
                None => Ok(None),
                Some(v) => bk::parse_utc(v).map(Some).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "invalid {k}: {v:?}, expected UTC YYYY-MM-DDThh:mm:ssZ"
                    ))
                }),
            }
        };
        let w = Window {
            from: time("startTime")?,
            to: time("endTime")?,
        };
        if let (Some(f), Some(t)) = (w.from, w.to) {
            if t < f {
                return Err(ApiError::bad_request(
                    "invalid endTime: it is before startTime",
                ));
            }
        }
        Ok(w)
    }

    /// A run `[start, end]` matches when it overlaps the window.
    fn overlaps(&self, start: i64, end: i64) -> bool {
        self.to.is_none_or(|t| start <= t) && self.from.is_none_or(|f| end >= f)
    }
}

fn statuses(q: &Query, allowed: &[&str]) -> Result<Option<Vec<String>>, ApiError> {
    let list = q.list("status");
    if let Some(l) = &list {
        for s in l {
            if !allowed.iter().any(|a| a.eq_ignore_ascii_case(s)) {
                return Err(ApiError::bad_request(format!(
                    "invalid status: {s:?} is not one of {}",
                    allowed.join(", ")
                )));
            }
        }
    }
    Ok(list)
}

pub(crate) async fn data_tasks(
    State(st): State<SharedState>,
    Path(p): Params,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let obj = object_of(&p)?;
    let q = Query::parse(raw.as_deref());
    q.paging()?;
    let window = Window::parse(&q)?;
    let status = statuses(&q, &bk::DATA_TASK_STATUSES)?;
    let set_id = q.i64("backupSetId")?;
    let (store, now) = locked(&st);
    exists(&store, obj)?;
    let items: Vec<Value> = store
        .backup
        .data_rows
        .values()
        .filter(|r| r.object == obj)
        .filter(|r| window.overlaps(r.start, r.end.min(now)))
        .filter(|r| set_id.is_none_or(|id| r.backup_set_id == id))
        .filter(|r| {
            status
                .as_ref()
                .is_none_or(|l| in_list(Some(bk::data_status(r, now)), l))
        })
        .map(|r| bk::data_row_json(r, now))
        .collect();
    Ok(Api::data(page_of(items, &q)?))
}

pub(crate) async fn log_tasks(
    State(st): State<SharedState>,
    Path(p): Params,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let obj = object_of(&p)?;
    let q = Query::parse(raw.as_deref());
    q.paging()?;
    let window = Window::parse(&q)?;
    let status = statuses(&q, &bk::LOG_TASK_STATUSES)?;
    let (store, now) = locked(&st);
    exists(&store, obj)?;
    let items: Vec<Value> = store
        .backup
        .log_rows
        .values()
        .filter(|r| r.object == obj)
        .filter(|r| window.overlaps(r.start, r.end.unwrap_or(now)))
        .filter(|r| {
            let s = if r.end.is_some() {
                "STOPPED"
            } else {
                "INPROGRESS"
            };
            status.as_ref().is_none_or(|l| in_list(Some(s), l))
        })
        .map(|r| bk::log_row_json(r, now))
        .collect();
    Ok(Api::data(page_of(items, &q)?))
}
