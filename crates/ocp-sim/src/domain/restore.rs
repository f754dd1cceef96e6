//! Restore of a tenant from its backups (§3.8.1 "Restore a tenant", RestoreTenantParam, §5 #25,
//! #26) and the restore task lists. The HTTP side is `crate::routes::restore`.
//!
//! | Method + path | Body / query | Answer `data` | Source |
//! |---|---|---|---|
//! | `POST /api/v2/ob/clusters/{id}/backup/restore` (`{id}` = the backed-up cluster) | RestoreTenantParam | `BackupCommonResponse` `RESTORE_TENANT` (our name) with `taskIdList: [task id]` (§5 #25) | D |
//! | `GET /api/v2/ob/clusters/{id}/backup/task/restoreTasks` | `startTime`, `endTime`, `restoreClusterName`, `status`, `page`, `size` | paged `RestoreHistoryTask` | D (public OCP docs, "Query recovery tasks of a cluster") |
//! | `GET /api/v2/ob/clusters/{id}/tenants/{tenantId}/backup/task/restoreTasks` | same | same, restores of that tenant | D ("View restore tasks") |
//!
//! ## What a restore does (our decisions where the reference is silent)
//!
//! * Only `backupTenantStatus: ONLINE` (the source tenant still exists) is served: the fields
//!   of the OFFLINE variant are not readable in the docs, so `OFFLINE` is 400 naming the field.
//! * The new tenant is created in `restoreClusterId` like a create-tenant call (same checks:
//!   name, zones, unit specs, capacity) with the source's mode, character set, collation,
//!   whitelist, description and root password, shown with status **`RESTORING`** while the
//!   task `Restore tenant` runs, then `NORMAL` (§5 #26, inferred). On success it holds a copy of
//!   the source's databases, users and roles as they are at that moment (the simulator keeps no
//!   history of them). A failed task leaves it `FAILED`; rollback removes it.
//! * The restorable range of a tenant runs from the end of its first finished data backup
//!   (tenant or cluster backup) to the latest point its backups reach: the end of its last
//!   finished data backup, or the checkpoint of a log backup (archiving) running since then.
//!   `restoreEndTime` outside that range is 400 `ILLEGAL_ARGUMENT` naming
//!   `restoreOnlineTenantRequiredParam.restoreEndTime` and the range; a tenant without a
//!   finished data backup is 400 naming `restoreOnlineTenantRequiredParam.backupTenantId`.
//! * A `RestoreHistoryTask` (only `id`, `ocpJobId` and `backupMode` are readable in the docs;
//!   the other names are ours): `{id, ocpJobId, backupMode, backupClusterId, backupClusterName,
//!   backupTenantId, backupTenantName, restoreClusterId, restoreClusterName, restoreTenantId,
//!   restoreTenantName, restoreEndTime, status, startTime, endTime}`; `status` mirrors its OCP
//!   task: `RUNNING`, `SUCCESSFUL`, `FAILED` (inferred).

use serde_json::{json, Map, Value};

use crate::domain::backup::parse_utc;
use crate::domain::rules::{self as rules, invalid, required};
use crate::domain::tenants::{new_tenant, Birth};
use crate::envelope::{parse_body, parse_id, ApiError};
use crate::state::backup::BackupObject;
use crate::state::restore::RestoreRow;
use crate::state::task::TaskStatus;
use crate::state::{IdKind, Store};
use crate::util;

use super::Reply;

/// `obBackupTaskType` of a restore (name unseen, §3.8.3; our choice).
pub const RESTORE_TENANT: &str = "RESTORE_TENANT";
/// Prefix of the fields of an ONLINE restore.
const ONLINE: &str = "restoreOnlineTenantRequiredParam";
/// Prefix of the new tenant's fields.
const INFO: &str = "restoreOnlineTenantRequiredParam.restoreTenantInfoParam";

/// Parses an `OffsetDateTime` (`2025-03-20T16:47:00.342+08:00`, `...Z`) to epoch ms.
pub fn parse_offset_datetime(s: &str) -> Option<i64> {
    if s.ends_with('Z') {
        return parse_utc(s);
    }
    let (civil, offset) = s.split_at(s.len().checked_sub(6)?);
    let sign = match offset.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = offset[1..].split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    if h > 23 || m > 59 {
        return None;
    }
    Some(parse_utc(&format!("{civil}Z"))? - sign * (h * 3_600_000 + m * 60_000))
}

/// The points in time tenant `tid` of cluster `cid` can be restored to at `now` (see the
/// module docs); `None` without a finished data backup.
pub fn restorable_range(store: &Store, cid: i64, tid: i64, now: i64) -> Option<(i64, i64)> {
    let ours =
        |o: &BackupObject| *o == BackupObject::tenant(cid, tid) || *o == BackupObject::cluster(cid);
    let done: Vec<i64> = store
        .backup
        .data_rows
        .values()
        .filter(|r| ours(&r.object) && r.end <= now)
        .map(|r| r.end)
        .collect();
    let first = *done.iter().min()?;
    let last = *done.iter().max()?;
    let archived = store
        .backup
        .log_rows
        .values()
        .filter(|r| ours(&r.object) && r.start <= last)
        .map(|r| r.end.unwrap_or(now).min(now))
        .max()
        .unwrap_or(last);
    Some((first, last.max(archived)))
}

/// The backup mode of the tenant's last finished data backup.
fn backup_mode(store: &Store, cid: i64, tid: i64, now: i64) -> String {
    let ours =
        |o: &BackupObject| *o == BackupObject::tenant(cid, tid) || *o == BackupObject::cluster(cid);
    store
        .backup
        .data_rows
        .values()
        .filter(|r| ours(&r.object) && r.end <= now)
        .max_by_key(|r| r.end)
        .map_or_else(|| "PHYSICAL_BACKUP".into(), |r| r.backup_mode.clone())
}

/// An error of the create-tenant checks, with the field renamed into the restore body
/// (`zones[0].name` → `restoreOnlineTenantRequiredParam.restoreTenantInfoParam.zones[0].name`).
fn in_info(mut e: ApiError) -> ApiError {
    let m = &e.message;
    let renamed = if let Some(rest) = m.strip_prefix("invalid ") {
        Some(format!("invalid {INFO}.{rest}"))
    } else if m
        .strip_suffix(" is required")
        .is_some_and(|f| !f.is_empty() && !f.contains(' '))
    {
        Some(format!("{INFO}.{m}"))
    } else {
        None
    };
    if let Some(r) = renamed {
        e.message = r;
    }
    e
}

/// The source tenant's settings the new tenant takes, with the info param's name, primary zone
/// and zones: a create-tenant body (§3.4.1).
fn create_body(src: &crate::state::Tenant, info: &Map<String, Value>) -> Value {
    json!({
        "name": info.get("name").cloned().unwrap_or(Value::Null),
        "mode": src.mode,
        "charset": src.charset,
        "collation": src.collation,
        "whitelist": src.whitelist,
        "description": src.description,
        "rootPassword": src.root_password,
        "primaryZone": info.get("primaryZone").cloned().unwrap_or(Value::Null),
        "zones": info.get("zones").cloned().unwrap_or(Value::Null),
    })
}

/// `POST /api/v2/ob/clusters/{id}/backup/restore` (see the module docs).
pub fn restore(store: &mut Store, id: &str, body: &[u8]) -> Reply {
    let cid = parse_id(id, "cluster")?;
    let body: Value = parse_body(body)?;
    store.cluster(cid)?;
    let obj = rules::object(&body, "")?;
    let status = rules::req_str(obj, "", "backupTenantStatus")?;
    match status.as_str() {
        "ONLINE" => {}
        "OFFLINE" => {
            return Err(invalid(
                "backupTenantStatus",
                "OFFLINE restores are not supported by this OCP; restore from a tenant that still exists (ONLINE)",
            ))
        }
        other => {
            return Err(invalid(
                "backupTenantStatus",
                format!("{other:?} is not one of ONLINE, OFFLINE"),
            ))
        }
    }
    let online = match obj.get(ONLINE) {
        None | Some(Value::Null) => return Err(required(ONLINE)),
        Some(v) => rules::object(v, ONLINE)?,
    };
    let int = |key: &str| -> Result<i64, ApiError> {
        rules::opt_int(online, ONLINE, key)?.ok_or_else(|| required(&format!("{ONLINE}.{key}")))
    };
    let backup_cluster = int("backupClusterId")?;
    if backup_cluster != cid {
        return Err(invalid(
            &format!("{ONLINE}.backupClusterId"),
            format!("{backup_cluster} is not the cluster of the path ({cid})"),
        ));
    }
    let backup_tenant = int("backupTenantId")?;
    let restore_cluster = int("restoreClusterId")?;
    let end_text = rules::req_str(online, ONLINE, "restoreEndTime")?;
    let info = match online.get("restoreTenantInfoParam") {
        None | Some(Value::Null) => return Err(required(INFO)),
        Some(v) => rules::object(v, INFO)?.clone(),
    };
    let src = store.tenant_in(cid, backup_tenant)?.clone();
    let target = store.cluster(restore_cluster)?.clone();
    let end = parse_offset_datetime(&end_text).ok_or_else(|| {
        invalid(
            &format!("{ONLINE}.restoreEndTime"),
            format!(
                "{end_text:?} is not a date-time with offset (e.g. 2025-03-20T16:47:00.342+08:00)"
            ),
        )
    })?;
    let now = store.now();
    let Some((from, to)) = restorable_range(store, cid, backup_tenant, now) else {
        return Err(invalid(
            &format!("{ONLINE}.backupTenantId"),
            format!(
                "tenant {} has no finished data backup to restore from",
                src.name
            ),
        ));
    };
    if end < from || end > to {
        return Err(invalid(
            &format!("{ONLINE}.restoreEndTime"),
            format!(
                "{end_text} is outside the restorable range of tenant {} (from {} to {})",
                src.name,
                util::iso(from),
                util::iso(to)
            ),
        ));
    }
    let create = create_body(&src, &info);
    let task = new_tenant(
        store,
        restore_cluster,
        &create,
        Birth::Restore {
            source_tenant_id: backup_tenant,
        },
    )
    .map_err(in_info)?;
    let new_id = store
        .tasks
        .get(&task)
        .and_then(|t| t.tenant_id)
        .unwrap_or_default();
    let row_id = store.restores.next_id();
    let mode = backup_mode(store, cid, backup_tenant, now);
    let backup_cluster_name = store
        .cluster(cid)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    store.restores.rows.insert(
        row_id,
        RestoreRow {
            id: row_id,
            task_id: task,
            backup_mode: mode,
            backup_cluster_id: cid,
            backup_cluster_name,
            backup_tenant_id: backup_tenant,
            backup_tenant_name: src.name.clone(),
            restore_cluster_id: restore_cluster,
            restore_cluster_name: target.name.clone(),
            restore_tenant_id: new_id,
            restore_tenant_name: info
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            restore_end_time: end,
        },
    );
    Ok(Some(crate::domain::backup::common_response(
        RESTORE_TENANT,
        BackupObject::tenant(cid, backup_tenant),
        Some(vec![task]),
    )))
}

/// On success of a restore: the new tenant gets a copy of the source's databases (with new
/// OCP ids), users and roles. A source gone meanwhile leaves the built-in users only.
pub fn copy_objects(s: &mut Store, source: i64, target: i64) {
    let Some(mut objs) = s.tenant_objects.get(&source).cloned() else {
        return;
    };
    for db in objs.databases.values_mut() {
        db.id = s.next_id(IdKind::Database);
    }
    s.tenant_objects.insert(target, objs);
}

/// Status of a restore row: that of its task.
pub fn row_status(store: &Store, r: &RestoreRow) -> &'static str {
    store
        .tasks
        .get(&r.task_id)
        .map_or(TaskStatus::Failed.as_str(), |t| t.status.as_str())
}

/// A `RestoreHistoryTask` (see the module docs).
pub fn row_json(store: &Store, r: &RestoreRow) -> Value {
    let task = store.tasks.get(&r.task_id);
    json!({
        "id": r.id,
        "ocpJobId": r.task_id,
        "backupMode": r.backup_mode,
        "backupClusterId": r.backup_cluster_id,
        "backupClusterName": r.backup_cluster_name,
        "backupTenantId": r.backup_tenant_id,
        "backupTenantName": r.backup_tenant_name,
        "restoreClusterId": r.restore_cluster_id,
        "restoreClusterName": r.restore_cluster_name,
        "restoreTenantId": r.restore_tenant_id,
        "restoreTenantName": r.restore_tenant_name,
        "restoreEndTime": util::iso(r.restore_end_time),
        "status": row_status(store, r),
        "startTime": task.map(|t| util::iso(t.start_time)),
        "endTime": task.and_then(|t| t.finish_time).map(util::iso),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_date_times() {
        let z = parse_offset_datetime("2025-03-20T08:47:00Z");
        assert!(z.is_some());
        assert_eq!(parse_offset_datetime("2025-03-20T16:47:00+08:00"), z);
        assert_eq!(parse_offset_datetime("2025-03-20T03:47:00-05:00"), z);
        assert_eq!(
            parse_offset_datetime("2025-03-20T16:47:00.342+08:00"),
            z.map(|ms| ms + 342)
        );
        assert_eq!(parse_offset_datetime("2025-03-20T16:47:00"), None);
        assert_eq!(parse_offset_datetime("2025-03-20T16:47:00+8:00"), None);
        assert_eq!(parse_offset_datetime("yesterday"), None);
    }

    #[test]
    fn create_errors_are_renamed_into_the_restore_body() {
        let e = in_info(invalid("zones[0].name", "no such zone"));
        assert_eq!(
            e.message,
            format!("invalid {INFO}.zones[0].name: no such zone")
        );
        let e = in_info(required("name"));
        assert_eq!(e.message, format!("{INFO}.name is required"));
    }
}
