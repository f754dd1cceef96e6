//! Backup strategies, simulated backup schedules and backup task rows (§3.8, §5 #16, #25, #27,
//! #28): the model, the validation rules and every JSON shape of the backup family. The HTTP
//! side is `crate::routes::backup`.
//!
//! ## Model
//!
//! * One [`Strategy`] per backup object ([`BackupObject`]: a cluster, or a tenant of a cluster),
//!   §3.8.4 "Simulator (inferred)". Strategy ids start at [`STRATEGY_ID_BASE`] (own range, so a
//!   strategy id is never mistaken for another kind of id).
//! * Data-backup rows ([`DataBackupRow`], ids from [`DATA_ROW_ID_BASE`]) and log-backup rows
//!   ([`LogBackupRow`], ids from [`LOG_ROW_ID_BASE`]) belong to the object, not to the strategy:
//!   they stay listed after the strategy is deleted (backup history).
//!
//! ## Simulated schedule (our decision, on the simulator's clock)
//!
//! While a strategy's schedule is enabled (`backupScheduleEnabled`), one data backup starts every
//! *backup period* of the simulator clock's time, counted from the moment the schedule was enabled (the first one
//! a full period later). The period is [`BackupState::period_override_seconds`] when set
//! (`SharedState::set_backup_period_seconds`, `POST /_sim/config {"backup_period_seconds"}`),
//! else `5 × task_seconds` but at least 1 s. A row is `DOING` for `task_seconds` (the value when
//! it started), then `DONE`. `dataBackupMode` follows `dayAndDataBackupModelMap` round-robin in
//! day order (first day first), so `{"1": FULL, "4": INCREMENTAL}` gives FULL, INCREMENTAL, FULL,
//! ... Rows are materialised lazily from timestamps ([`advance`]) whenever a backup endpoint is
//! called, like tasks (§2). When the period changes, running schedules re-anchor at that moment.
//!
//! Log backup (archiving) is the strategy switch `obBackupScheduleConfig.startLogBackup` (§3.8.1):
//! while the schedule is enabled **and** `startLogBackup` is true the object has one log-backup
//! row `INPROGRESS` (checkpoint = now); `stopSchedule`, a modify that switches either off, or the
//! strategy's deletion turns it `STOPPED` (endTime and checkpoint = that moment). Switching it on
//! again opens a new row.
//!
//! `backupNow` rows are added when its task succeeds, `DONE` with the task's start and finish
//! times (§3.8.4); nothing is added when it fails.
//!
//! ## Secrets (§5 #27)
//!
//! `accessKeySecret` is accepted, stored, and **never** rendered (the member is omitted in GET)
//! nor echoed in error messages or task contexts; `accessKeyId` is returned.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::domain::rules::{self as rules, invalid, required};
use crate::envelope::ApiError;
use crate::state::Store;
use crate::util;

pub use crate::state::backup::*;

/// Rows materialised per strategy and [`advance`] at most (older due runs are skipped).
pub const MAX_CATCH_UP: u64 = 1000;
/// Smallest accepted backup period override, in seconds.
pub const MIN_PERIOD_SECONDS: f64 = 0.01;

/// Backup modes (§3.8.2).
pub const BACKUP_MODES: [&str; 2] = ["PHYSICAL_BACKUP", "LOGICAL_BACKUP"];
/// Data backup modes (§3.8.2).
pub const DATA_BACKUP_MODES: [&str; 2] = ["FULL_BACKUP", "INCREMENTAL_BACKUP"];
/// Schedule modes (§3.8.2).
pub const SCHEDULE_MODES: [&str; 2] = ["WEEK", "MONTH"];
/// Storage types (§3.8.2).
pub const STORAGE_TYPES: [&str; 4] = [
    "BACKUP_STORAGE_FILE",
    "BACKUP_STORAGE_OSS",
    "BACKUP_STORAGE_COS",
    "BACKUP_STORAGE_S3",
];
/// `backupType` values of `customBackupRangeList` entries (C-ui).
pub const RANGE_BACKUP_TYPES: [&str; 2] = ["DATA", "LOG"];
/// Data-backup task statuses (§3.8.1, D).
pub const DATA_TASK_STATUSES: [&str; 9] = [
    "BEGINNING",
    "INITIALIZING",
    "DOING",
    "DONE",
    "FAILED",
    "CANCELING",
    "CANCELED",
    "OVERDUE",
    "UNKNOWN",
];
/// Log-backup task statuses (§3.8.1, D).
pub const LOG_TASK_STATUSES: [&str; 7] = [
    "STARTING",
    "INPROGRESS",
    "STOPPING",
    "STOPPED",
    "FAILED",
    "INTERRUPTED",
    "UNKNOWN",
];

/// `obBackupTaskType` of strategy create.
pub const CREATE_BACKUP_STRATEGY: &str = "CREATE_BACKUP_STRATEGY";
/// `obBackupTaskType` of strategy modify (name unseen, §3.8.3; our choice).
pub const MODIFY_BACKUP_STRATEGY: &str = "MODIFY_BACKUP_STRATEGY";
/// `obBackupTaskType` of strategy delete (name unseen, §3.8.3; our choice).
pub const DELETE_BACKUP_STRATEGY: &str = "DELETE_BACKUP_STRATEGY";
/// `obBackupTaskType` of startSchedule (§3.8.3, D).
pub const START_BACKUP_SCHEDULE: &str = "START_BACKUP_SCHEDULE";
/// `obBackupTaskType` of stopSchedule (§3.8.3, D).
pub const STOP_BACKUP_SCHEDULE: &str = "STOP_BACKUP_SCHEDULE";
/// `obBackupTaskType` of backupNow (name unseen, §3.8.3; our choice).
pub const BACKUP_NOW: &str = "BACKUP_NOW";

/// 400 `BACKUP_STRATEGY_EXISTS` (our code): create on an object that already has a strategy.
pub fn strategy_exists(obj: BackupObject) -> ApiError {
    ApiError::new(
        400,
        "BACKUP_STRATEGY_EXISTS",
        format!(
            "a backup strategy already exists for {}; modify (PATCH) or delete it instead",
            obj.describe()
        ),
    )
}

/// 404 `BACKUP_STRATEGY_NOT_FOUND` (§3.8.4).
pub fn strategy_not_found(obj: BackupObject) -> ApiError {
    ApiError::not_found(
        "BACKUP_STRATEGY",
        format!("no backup strategy is configured for {}", obj.describe()),
    )
}

/// Whether the object (cluster, or tenant of its cluster) exists.
fn object_exists(obj: &BackupObject, store: &Store) -> bool {
    match obj.tenant_id {
        Some(t) => store.tenant_in(obj.cluster_id, t).is_ok(),
        None => store.clusters.contains_key(&obj.cluster_id),
    }
}

/// Effective backup period in ms (see the module docs).
pub fn period_ms(store: &Store) -> i64 {
    let secs = store
        .backup
        .period_override_seconds
        .unwrap_or_else(|| (5.0 * store.task_seconds).max(1.0));
    ((secs * 1000.0).round() as i64).max(1)
}

/// Set (`Some(s)`, `s > 0`, at least [`MIN_PERIOD_SECONDS`]) or reset (`None`, or a value that is
/// not a positive finite number) the backup period knob. Running schedules are advanced to `now`
/// first and then re-anchor at `now` with the new period.
pub fn set_period(store: &mut Store, seconds: Option<f64>, now: i64) {
    advance(store, now);
    store.backup.period_override_seconds = seconds
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(|s| s.max(MIN_PERIOD_SECONDS));
    advance(store, now);
}

/// Materialise every due scheduled run up to `now`; drop strategies (closing their log rows)
/// whose cluster or tenant no longer exists. Called by every backup endpoint.
pub fn advance(store: &mut Store, now: i64) {
    let gone: Vec<BackupObject> = store
        .backup
        .strategies
        .keys()
        .filter(|o| !object_exists(o, store))
        .copied()
        .collect();
    for obj in gone {
        store.backup.strategies.remove(&obj);
        store.backup.sync_log(obj, now);
    }
    let period = period_ms(store);
    let duration = (store.task_seconds * 1000.0).round() as i64;
    let objects: Vec<BackupObject> = store.backup.strategies.keys().copied().collect();
    for obj in objects {
        let b = &mut store.backup;
        let Some(s) = b.strategies.get_mut(&obj) else {
            continue;
        };
        let Some(mut sched) = s.sched else {
            continue;
        };
        let due = u64::try_from((now - sched.anchor) / sched.period_ms.max(1)).unwrap_or(0);
        let mut starts = Vec::new();
        if due > sched.emitted {
            // Skip runs that are too old to be worth materialising.
            let first = sched.emitted.max(due.saturating_sub(MAX_CATCH_UP)) + 1;
            let days: Vec<&String> = s.config.schedule.day_map.values().collect();
            for k in first..=due {
                let start = sched.anchor + sched.period_ms * i64::try_from(k).unwrap_or(0);
                let idx = (s.runs % days.len().max(1) as u64) as usize;
                let mode = days
                    .get(idx)
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "FULL_BACKUP".into());
                s.runs += 1;
                starts.push((start, mode));
            }
            sched.emitted = due;
        }
        if sched.period_ms != period {
            // The knob (or task_seconds) changed: re-anchor now with the new period.
            sched = Sched {
                anchor: now,
                emitted: 0,
                period_ms: period,
            };
        }
        s.sched = Some(sched);
        let backup_mode = s.config.backup_mode.clone();
        if !starts.is_empty() {
            store.dirty = true;
        }
        let b = &mut store.backup;
        for (start, mode) in starts {
            b.push_data_row(obj, &backup_mode, &mode, start, start + duration);
        }
    }
}

/// Store a new strategy (the caller checked that none exists).
pub fn create(
    store: &mut Store,
    obj: BackupObject,
    config: StrategyConfig,
    enabled: bool,
    now: i64,
) {
    let period = period_ms(store);
    let b = &mut store.backup;
    let id = take_id(&mut b.next_strategy, STRATEGY_ID_BASE);
    b.strategies.insert(
        obj,
        Strategy {
            id,
            object: obj,
            create_time: now,
            update_time: now,
            config,
            schedule_enabled: enabled,
            runs: 0,
            sched: enabled.then_some(Sched {
                anchor: now,
                emitted: 0,
                period_ms: period,
            }),
        },
    );
    b.sync_log(obj, now);
}

/// Replace the configuration of an existing strategy (full replacement, §5 #27) and set the
/// schedule switch. Returns false when there is no strategy.
pub fn modify(
    store: &mut Store,
    obj: BackupObject,
    config: StrategyConfig,
    enabled: bool,
    now: i64,
) -> bool {
    let period = period_ms(store);
    let b = &mut store.backup;
    let Some(s) = b.strategies.get_mut(&obj) else {
        return false;
    };
    if s.config.schedule.day_map != config.schedule.day_map {
        s.runs = 0;
    }
    s.config = config;
    s.update_time = now;
    set_enabled(s, enabled, now, period);
    b.sync_log(obj, now);
    true
}

fn set_enabled(s: &mut Strategy, enabled: bool, now: i64, period: i64) {
    if enabled && s.sched.is_none() {
        s.sched = Some(Sched {
            anchor: now,
            emitted: 0,
            period_ms: period,
        });
    } else if !enabled {
        s.sched = None;
    }
    s.schedule_enabled = enabled;
}

/// start/stopSchedule: flip `backupScheduleEnabled` (idempotent, our decision). Returns false
/// when there is no strategy.
pub fn set_schedule(store: &mut Store, obj: BackupObject, enabled: bool, now: i64) -> bool {
    let period = period_ms(store);
    let b = &mut store.backup;
    let Some(s) = b.strategies.get_mut(&obj) else {
        return false;
    };
    if s.schedule_enabled != enabled {
        s.update_time = now;
    }
    set_enabled(s, enabled, now, period);
    b.sync_log(obj, now);
    true
}

/// Remove a strategy (its log row stops; data rows stay). Returns false when there is none.
pub fn delete(store: &mut Store, obj: BackupObject, now: i64) -> bool {
    let found = store.backup.strategies.remove(&obj).is_some();
    store.backup.sync_log(obj, now);
    found
}

/// Record a successful `backupNow` run as a `DONE` data-backup row.
pub fn record_backup_now(
    store: &mut Store,
    obj: BackupObject,
    backup_mode: &str,
    data_backup_mode: &str,
    start: i64,
    end: i64,
) {
    store
        .backup
        .push_data_row(obj, backup_mode, data_backup_mode, start, end.max(start));
}

// ---------------------------------------------------------------------------------------------
// Rendering

fn names(store: &Store, obj: BackupObject) -> Map<String, Value> {
    let c = store.clusters.get(&obj.cluster_id);
    let t = obj.tenant_id.and_then(|t| store.tenants.get(&t));
    let mut m = Map::new();
    m.insert("clusterId".into(), json!(obj.cluster_id));
    m.insert("clusterName".into(), json!(c.map(|c| c.name.clone())));
    m.insert("obClusterId".into(), json!(c.map(|c| c.ob_cluster_id)));
    // Empty for cluster strategies (§3.8.3, inferred): rendered as null.
    m.insert("tenantId".into(), json!(obj.tenant_id));
    m.insert("tenantName".into(), json!(t.map(|t| t.name.clone())));
    m.insert("obTenantId".into(), json!(t.and_then(|t| t.ob_tenant_id)));
    m.insert("backupDimension".into(), json!(obj.dimension()));
    m
}

/// GET answer when no strategy is configured: the object's fields without `id` (C-ui shows
/// "not configured", §3.8.1).
pub fn unconfigured_json(store: &Store, obj: BackupObject) -> Value {
    Value::Object(names(store, obj))
}

fn access_key_json(k: &AccessKey) -> Value {
    let mut m = Map::new();
    m.insert("endpoint".into(), json!(k.endpoint));
    if let Some(app) = &k.app_id {
        m.insert("appId".into(), json!(app));
    }
    m.insert("accessKeyId".into(), json!(k.access_key_id));
    if let Some(region) = &k.region {
        m.insert("region".into(), json!(region));
    }
    // accessKeySecret is write-only (§5 #27): never rendered.
    Value::Object(m)
}

/// `obBackupServiceStorageConfig` without secrets.
pub fn storage_json(s: &StorageConfig) -> Value {
    let mut base = Map::new();
    base.insert("backupStorageType".into(), json!(s.storage_type));
    base.insert("storageUrl".into(), json!(s.storage_url));
    if let Some(k) = &s.access_key {
        base.insert(access_key_field(&s.storage_type).into(), access_key_json(k));
    }
    if let Some(list) = &s.custom_backup_range_list {
        base.insert("customBackupRangeList".into(), Value::Array(list.clone()));
    }
    json!({
        "configName": s.config_name,
        "serviceName": s.service_name,
        "alarmStoragePercentageThreshold": s.alarm_storage_percentage_threshold,
        "obBackupStorageBaseInfo": Value::Object(base),
    })
}

/// `OcpBackupStrategy` (§3.8.3).
pub fn strategy_json(store: &Store, s: &Strategy) -> Value {
    let mut m = names(store, s.object);
    let sc = &s.config.schedule;
    let th = &s.config.thresholds;
    let days: Map<String, Value> = sc
        .day_map
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    m.insert("id".into(), json!(s.id));
    m.insert("createTime".into(), json!(util::iso(s.create_time)));
    m.insert("updateTime".into(), json!(util::iso(s.update_time)));
    m.insert("type".into(), json!("BACKUP"));
    m.insert("backupMode".into(), json!(s.config.backup_mode));
    m.insert(
        "obBackupServiceStorageConfig".into(),
        storage_json(&s.config.storage),
    );
    m.insert(
        "obBackupScheduleConfig".into(),
        json!({
            "backupScheduleMode": sc.mode,
            "backupScheduleEnabled": s.schedule_enabled,
            "backupScheduleTime": sc.time,
            "dayAndDataBackupModelMap": days,
            "startLogBackup": sc.start_log_backup,
            "cleanEnabled": sc.clean_enabled,
            "cleanScheduleTime": sc.clean_schedule_time,
            "backupDataRetentionDays": sc.backup_data_retention_days,
        }),
    );
    m.insert(
        "obBackupThresholdConfig".into(),
        json!({
            "dataBackupTimeoutMinutes": th.data_backup_timeout_minutes,
            "logBackupDelaySeconds": th.log_backup_delay_seconds,
            "noSuccessfulDataBackupAlarmDays": th.no_successful_data_backup_alarm_days,
            "libObLogExpireDays": th.lib_ob_log_expire_days,
        }),
    );
    m.insert(
        "autoCompactEnabled".into(),
        json!(s.config.auto_compact_enabled),
    );
    m.insert("secondaryBackupEnabled".into(), json!(false));
    Value::Object(m)
}

/// `BackupCommonResponse` (§3.8.3) for one object; `taskIdList` only when `task_ids` is given
/// (§5 #25: backupNow and restore only).
pub fn common_response(task_type: &str, obj: BackupObject, task_ids: Option<Vec<i64>>) -> Value {
    let mut r = Map::new();
    r.insert("obBackupObjectList".into(), json!([obj.to_json()]));
    r.insert("beSuccessful".into(), json!(true));
    if let Some(ids) = task_ids {
        r.insert("taskIdList".into(), json!(ids));
    }
    json!({
        "obBackupTaskType": task_type,
        "backupObjectOpsResultList": [Value::Object(r)],
    })
}

/// Status of a data-backup row at `now`.
pub fn data_status(r: &DataBackupRow, now: i64) -> &'static str {
    if now < r.end {
        "DOING"
    } else {
        "DONE"
    }
}

/// A `dataBackupTasks` item.
pub fn data_row_json(r: &DataBackupRow, now: i64) -> Value {
    let status = data_status(r, now);
    json!({
        "id": r.id,
        "backupSetId": r.backup_set_id,
        "backupMode": r.backup_mode,
        "dataBackupMode": r.data_backup_mode,
        "status": status,
        "startTime": util::iso(r.start),
        "endTime": (status == "DONE").then(|| util::iso(r.end)),
        "clusterId": r.object.cluster_id,
        "tenantId": r.object.tenant_id,
        "backupDimension": r.object.dimension(),
    })
}

/// A `logBackupTasks` item; the checkpoint of a running log backup is `now`.
pub fn log_row_json(r: &LogBackupRow, now: i64) -> Value {
    let (status, checkpoint) = match r.end {
        Some(end) => ("STOPPED", end),
        None => ("INPROGRESS", now.max(r.start)),
    };
    json!({
        "id": r.id,
        "backupDimension": r.object.dimension(),
        "status": status,
        "startTime": util::iso(r.start),
        "endTime": r.end.map(util::iso),
        "checkpoint": util::iso(checkpoint),
        "clusterId": r.object.cluster_id,
        "tenantId": r.object.tenant_id,
    })
}

// ---------------------------------------------------------------------------------------------
// Validation

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("{value:?} is not one of {}", allowed.join(", ")),
        ))
    }
}

fn req_object<'a>(
    obj: &'a Map<String, Value>,
    prefix: &str,
    key: &str,
) -> Result<&'a Map<String, Value>, ApiError> {
    let field = join(prefix, key);
    match obj.get(key) {
        None | Some(Value::Null) => Err(required(&field)),
        Some(v) => rules::object(v, &field),
    }
}

/// Optional positive integer that fits a Java `Integer` (§5 #28: positive integers only).
fn opt_positive(
    obj: &Map<String, Value>,
    prefix: &str,
    key: &str,
) -> Result<Option<i64>, ApiError> {
    let field = join(prefix, key);
    match rules::opt_int(obj, prefix, key)? {
        None => Ok(None),
        Some(n) if n < 1 => Err(invalid(&field, format!("{n}, must be a positive integer"))),
        Some(n) if n > i64::from(i32::MAX) => Err(invalid(&field, format!("{n} is too large"))),
        Some(n) => Ok(Some(n)),
    }
}

fn two_digits(s: &str, max: u32) -> Option<u32> {
    if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|n| *n <= max)
}

/// Parse a Java `OffsetTime` string: `HH:mm`, `HH:mm:ss` or `HH:mm:ss.S…` (1–9 fraction
/// digits) followed by a required offset `Z` or `±hh:mm`; returns it as `HH:mm:ss.SSS+hh:mm`
/// (fraction truncated to millis, `Z` = `+00:00`), or `None`.
pub fn parse_offset_time(s: &str) -> Option<String> {
    let split = s.find(['+', '-', 'Z'])?;
    let (time, offset) = s.split_at(split);
    let offset = if offset == "Z" {
        "+00:00".to_string()
    } else {
        let sign = &offset[..1];
        let (oh, om) = offset[1..].split_once(':')?;
        let (oh, om) = (two_digits(oh, 18)?, two_digits(om, 59)?);
        if oh == 18 && om != 0 {
            return None;
        }
        format!("{sign}{oh:02}:{om:02}")
    };
    let (hms, frac) = match time.split_once('.') {
        Some((hms, frac)) => (hms, Some(frac)),
        None => (time, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m] if frac.is_none() => (two_digits(h, 23)?, two_digits(m, 59)?, 0),
        [h, m, sec] => (two_digits(h, 23)?, two_digits(m, 59)?, two_digits(sec, 59)?),
        _ => return None,
    };
    let millis = match frac {
        None => 0,
        Some(f) if (1..=9).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            let padded = format!("{f:0<3}");
            padded[..3].parse::<u32>().ok()?
        }
        Some(_) => return None,
    };
    Some(format!("{h:02}:{m:02}:{sec:02}.{millis:03}{offset}"))
}

fn offset_time(
    obj: &Map<String, Value>,
    prefix: &str,
    key: &str,
    req: bool,
) -> Result<Option<String>, ApiError> {
    let field = join(prefix, key);
    let raw = if req {
        Some(rules::req_str(obj, prefix, key)?)
    } else {
        rules::opt_str(obj, prefix, key)?
    };
    match raw {
        None => Ok(None),
        Some(t) => parse_offset_time(&t).map(Some).ok_or_else(|| {
            invalid(
                &field,
                format!(
                    "{t:?} is not a time of day with offset (HH:mm[:ss[.SSS]]+hh:mm, e.g. 02:00:00.000+08:00)"
                ),
            )
        }),
    }
}

/// Parse a query time `YYYY-MM-DDThh:mm:ssZ` (UTC, optional fraction, §3.8.1) to epoch ms.
pub fn parse_utc(s: &str) -> Option<i64> {
    let rest = s.strip_suffix('Z')?;
    let (date, time) = rest.split_once('T')?;
    let d: Vec<&str> = date.split('-').collect();
    let [y, mo, day] = d.as_slice() else {
        return None;
    };
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i64 = y.parse().ok()?;
    let mo = two_digits(mo, 12).filter(|m| *m >= 1)?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let dim = match mo {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let day = two_digits(day, dim).filter(|d| *d >= 1)?;
    let (hms, frac) = match time.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (time, None),
    };
    let t: Vec<&str> = hms.split(':').collect();
    let [h, mi, sec] = t.as_slice() else {
        return None;
    };
    let (h, mi, sec) = (
        two_digits(h, 23)?,
        two_digits(mi, 59)?,
        two_digits(sec, 59)?,
    );
    let ms = match frac {
        None => 0,
        Some(f) if (1..=9).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{f:0<3}")[..3].parse::<i64>().ok()?
        }
        Some(_) => return None,
    };
    // util::local_ms reads the civil time as +08:00; shift back to read it as UTC.
    Some(util::local_ms(y, mo, day, h, mi, sec) + 8 * 3_600_000 + ms)
}

fn access_key_field(storage_type: &str) -> &'static str {
    match storage_type {
        "BACKUP_STORAGE_OSS" => "ossAccessKey",
        "BACKUP_STORAGE_S3" => "s3AccessKey",
        "BACKUP_STORAGE_COS" => "cosAccessKey",
        _ => "",
    }
}

const ACCESS_KEY_FIELDS: [&str; 3] = ["ossAccessKey", "s3AccessKey", "cosAccessKey"];

fn parse_access_key(
    base: &Map<String, Value>,
    prefix: &str,
    storage_type: &str,
) -> Result<Option<AccessKey>, ApiError> {
    let wanted = access_key_field(storage_type);
    for f in ACCESS_KEY_FIELDS {
        let present = !matches!(base.get(f), None | Some(Value::Null));
        if present && f != wanted {
            return Err(invalid(
                &join(prefix, f),
                format!("not allowed with backupStorageType {storage_type}"),
            ));
        }
    }
    if wanted.is_empty() {
        return Ok(None);
    }
    let kp = join(prefix, wanted);
    let k = req_object(base, prefix, wanted)?;
    // Member order of the checks: endpoint, appId/region, accessKeyId, accessKeySecret.
    let endpoint = rules::req_str(k, &kp, "endpoint")?;
    let app_id = match storage_type {
        "BACKUP_STORAGE_COS" => Some(rules::req_str(k, &kp, "appId")?),
        _ => None,
    };
    let region = match storage_type {
        "BACKUP_STORAGE_S3" => Some(rules::req_str(k, &kp, "region")?),
        _ => None,
    };
    let access_key_id = rules::req_str(k, &kp, "accessKeyId")?;
    // Never echo the secret: type and presence errors only name the field.
    let access_key_secret = match k.get("accessKeySecret") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        None | Some(Value::Null) | Some(Value::String(_)) => {
            return Err(required(&join(&kp, "accessKeySecret")))
        }
        Some(_) => {
            return Err(invalid(
                &join(&kp, "accessKeySecret"),
                "a string is expected",
            ))
        }
    };
    Ok(Some(AccessKey {
        endpoint,
        access_key_id,
        access_key_secret,
        region,
        app_id,
    }))
}

fn check_storage_url(field: &str, storage_type: &str, url: &str) -> Result<(), ApiError> {
    if url.contains("://") {
        return Err(invalid(
            field,
            format!("{url:?} must not carry a protocol prefix (give /path for FILE, bucket/dir for object stores, §3.8.2)"),
        ));
    }
    if url.chars().any(char::is_whitespace) {
        return Err(invalid(
            field,
            format!("{url:?} must not contain whitespace"),
        ));
    }
    if storage_type == "BACKUP_STORAGE_FILE" {
        if !url.starts_with('/') {
            return Err(invalid(
                field,
                format!(
                    "{url:?} must be an absolute path (e.g. /obbackup) for BACKUP_STORAGE_FILE"
                ),
            ));
        }
        return Ok(());
    }
    let ok = match url.split_once('/') {
        Some((bucket, dir)) => !bucket.is_empty() && !dir.trim_matches('/').is_empty(),
        None => false,
    };
    if !ok {
        return Err(invalid(
            field,
            format!("{url:?} must be bucket/dir (e.g. mybucket/ob/backup) for {storage_type}"),
        ));
    }
    Ok(())
}

fn parse_ranges(
    base: &Map<String, Value>,
    prefix: &str,
    tenant: bool,
) -> Result<Option<Vec<Value>>, ApiError> {
    let field = join(prefix, "customBackupRangeList");
    let list = match base.get("customBackupRangeList") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(invalid(&field, "a JSON array is expected")),
    };
    if !tenant {
        return Err(invalid(
            &field,
            "only tenant backup strategies take a customBackupRangeList",
        ));
    }
    let mut out = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let p = format!("{field}[{i}]");
        let o = rules::object(v, &p)?;
        let backup_type = rules::req_str(o, &p, "backupType")?;
        one_of(&join(&p, "backupType"), &backup_type, &RANGE_BACKUP_TYPES)?;
        let node_type = rules::opt_str(o, &p, "nodeType")?;
        let nodes = match o.get("nodeList") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => {
                let mut nodes = Vec::new();
                for (j, n) in a.iter().enumerate() {
                    match n {
                        Value::String(s) if !s.is_empty() => nodes.push(json!(s)),
                        _ => {
                            return Err(invalid(
                                &format!("{p}.nodeList[{j}]"),
                                "a non-empty string is expected",
                            ))
                        }
                    }
                }
                nodes
            }
            Some(_) => return Err(invalid(&join(&p, "nodeList"), "a JSON array is expected")),
        };
        out.push(json!({"backupType": backup_type, "nodeType": node_type, "nodeList": nodes}));
    }
    Ok(Some(out))
}

/// Validate an `obBackupServiceStorageConfig` at `field` (strategy bodies and backupNow).
/// `tenant` allows `customBackupRangeList`.
pub fn parse_storage(
    parent: &Map<String, Value>,
    field: &str,
    tenant: bool,
) -> Result<StorageConfig, ApiError> {
    let s = req_object(parent, "", field)?;
    let config_name = rules::req_str(s, field, "configName")?;
    let service_name = rules::opt_str(s, field, "serviceName")?;
    let bp = join(field, "obBackupStorageBaseInfo");
    let base = req_object(s, field, "obBackupStorageBaseInfo")?;
    let storage_type = rules::req_str(base, &bp, "backupStorageType")?;
    one_of(
        &join(&bp, "backupStorageType"),
        &storage_type,
        &STORAGE_TYPES,
    )?;
    let storage_url = rules::req_str(base, &bp, "storageUrl")?;
    check_storage_url(&join(&bp, "storageUrl"), &storage_type, &storage_url)?;
    let access_key = parse_access_key(base, &bp, &storage_type)?;
    let custom_backup_range_list = parse_ranges(base, &bp, tenant)?;
    let alarm_field = join(field, "alarmStoragePercentageThreshold");
    let alarm = rules::opt_int(s, field, "alarmStoragePercentageThreshold")?;
    if let Some(p) = alarm {
        if !(1..=100).contains(&p) {
            return Err(invalid(
                &alarm_field,
                format!("{p}, must be between 1 and 100"),
            ));
        }
        if storage_type != "BACKUP_STORAGE_FILE" {
            return Err(invalid(
                &alarm_field,
                "only BACKUP_STORAGE_FILE storage has a capacity alarm",
            ));
        }
    }
    Ok(StorageConfig {
        config_name,
        service_name,
        alarm_storage_percentage_threshold: alarm,
        storage_type,
        storage_url,
        access_key,
        custom_backup_range_list,
    })
}

fn parse_day_map(
    sc: &Map<String, Value>,
    prefix: &str,
    mode: &str,
) -> Result<BTreeMap<u8, String>, ApiError> {
    let field = join(prefix, "dayAndDataBackupModelMap");
    let map = match sc.get("dayAndDataBackupModelMap") {
        None | Some(Value::Null) => return Err(required(&field)),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(invalid(&field, "a JSON object is expected")),
    };
    if map.is_empty() {
        // §5 #28: empty maps are rejected.
        return Err(invalid(&field, "at least one day is required"));
    }
    // §5 #28: WEEK 1..7 = Monday..Sunday, MONTH 1..31 = day of month.
    let max: u8 = if mode == "WEEK" { 7 } else { 31 };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let kf = format!("{field}[{k:?}]");
        let day = k
            .parse::<u8>()
            .ok()
            .filter(|d| (1..=max).contains(d) && *k == d.to_string())
            .ok_or_else(|| {
                invalid(
                    &kf,
                    format!(
                        "day {k:?} is not valid for backupScheduleMode {mode} (1..{max}{})",
                        if mode == "WEEK" { ", 1 = Monday" } else { "" }
                    ),
                )
            })?;
        let value = v
            .as_str()
            .ok_or_else(|| invalid(&kf, "a string is expected"))?;
        one_of(&kf, value, &DATA_BACKUP_MODES)?;
        out.insert(day, value.to_string());
    }
    // Our decision: incremental backups need a full one to build on.
    if !out.values().any(|v| v == "FULL_BACKUP") {
        return Err(invalid(
            &field,
            "at least one day must be FULL_BACKUP (incremental backups need a full backup)",
        ));
    }
    Ok(out)
}

fn parse_schedule(
    body: &Map<String, Value>,
    field: &str,
) -> Result<(ScheduleConfig, Option<bool>), ApiError> {
    let sc = req_object(body, "", field)?;
    let mode = rules::req_str(sc, field, "backupScheduleMode")?;
    one_of(&join(field, "backupScheduleMode"), &mode, &SCHEDULE_MODES)?;
    let enabled = rules::opt_bool(sc, field, "backupScheduleEnabled")?;
    let time = offset_time(sc, field, "backupScheduleTime", true)?.unwrap_or_default();
    let day_map = parse_day_map(sc, field, &mode)?;
    let start_log_backup = rules::opt_bool(sc, field, "startLogBackup")?.unwrap_or(false);
    let clean_enabled = rules::opt_bool(sc, field, "cleanEnabled")?.unwrap_or(false);
    let clean_schedule_time = offset_time(sc, field, "cleanScheduleTime", false)?;
    let backup_data_retention_days = opt_positive(sc, field, "backupDataRetentionDays")?;
    if clean_enabled && backup_data_retention_days.is_none() {
        // Our decision: cleanup removes what is older than the retention, so it needs one.
        return Err(required(&format!(
            "{field}.backupDataRetentionDays (with cleanEnabled true)"
        )));
    }
    Ok((
        ScheduleConfig {
            mode,
            time,
            day_map,
            start_log_backup,
            clean_enabled,
            clean_schedule_time,
            backup_data_retention_days,
        },
        enabled,
    ))
}

fn parse_thresholds(body: &Map<String, Value>, field: &str) -> Result<Thresholds, ApiError> {
    let th = req_object(body, "", field)?;
    let mut v = THRESHOLD_FIELDS
        .iter()
        .map(|k| opt_positive(th, field, k))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter();
    Ok(Thresholds {
        data_backup_timeout_minutes: v.next().flatten(),
        log_backup_delay_seconds: v.next().flatten(),
        no_successful_data_backup_alarm_days: v.next().flatten(),
        lib_ob_log_expire_days: v.next().flatten(),
    })
}

/// The body as a JSON object (400 otherwise; an empty body is `{}`).
pub fn body_object(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    match body {
        Value::Null => Ok(EMPTY.get_or_init(Map::new)),
        v => rules::object(v, ""),
    }
}

/// Validate a StrategyBody (§3.8.2) for `obj`. All four members are required (create and
/// modify alike: modify is a full replacement, §5 #27). Returns the configuration and the
/// `backupScheduleEnabled` switch as given (`None` when absent; cluster strategies require it,
/// D marks it required on the cluster page).
pub fn parse_strategy(
    body: &Value,
    obj: BackupObject,
) -> Result<(StrategyConfig, Option<bool>), ApiError> {
    let b = body_object(body)?;
    let backup_mode = rules::req_str(b, "", "backupMode")?;
    one_of("backupMode", &backup_mode, &BACKUP_MODES)?;
    let (schedule, enabled) = parse_schedule(b, "obBackupScheduleConfig")?;
    if obj.tenant_id.is_none() && enabled.is_none() {
        return Err(required("obBackupScheduleConfig.backupScheduleEnabled"));
    }
    let thresholds = parse_thresholds(b, "obBackupThresholdConfig")?;
    let storage = parse_storage(b, "obBackupServiceStorageConfig", obj.tenant_id.is_some())?;
    let auto_compact_enabled = rules::opt_bool(b, "", "autoCompactEnabled")?.unwrap_or(false);
    if auto_compact_enabled && backup_mode != "PHYSICAL_BACKUP" {
        return Err(invalid(
            "autoCompactEnabled",
            "only physical backups can start a major compaction",
        ));
    }
    // Secondary backup is an OB < 4 feature (C-ui, §3.8.2); every simulated cluster runs 4.x.
    if rules::opt_bool(b, "", "secondaryBackupEnabled")? == Some(true) {
        return Err(invalid(
            "secondaryBackupEnabled",
            "secondary backup needs OceanBase < 4.0 and is not supported by the simulator",
        ));
    }
    if !matches!(b.get("obSecondaryBackupConfig"), None | Some(Value::Null)) {
        return Err(invalid(
            "obSecondaryBackupConfig",
            "secondary backup needs OceanBase < 4.0 and is not supported by the simulator",
        ));
    }
    Ok((
        StrategyConfig {
            backup_mode,
            schedule,
            thresholds,
            storage,
            auto_compact_enabled,
        },
        enabled,
    ))
}

/// A validated BackupNowBody (§3.8.2).
#[derive(Debug, Clone, PartialEq)]
pub struct BackupNowRequest {
    /// `backupMode`.
    pub backup_mode: String,
    /// `dataBackupMode`.
    pub data_backup_mode: String,
    /// `obBackupServiceStorageConfig` (validated; the row does not show it).
    pub storage: StorageConfig,
}

/// Validate a BackupNowBody: `backupMode*`, `dataBackupMode*`, `obBackupServiceStorageConfig*`;
/// `obBackupObject` is optional and ignored ("filled in by the server").
pub fn parse_backup_now(body: &Value, obj: BackupObject) -> Result<BackupNowRequest, ApiError> {
    let b = body_object(body)?;
    if !matches!(b.get("obBackupObject"), None | Some(Value::Null)) {
        rules::object(&b["obBackupObject"], "obBackupObject")?;
    }
    let backup_mode = rules::req_str(b, "", "backupMode")?;
    one_of("backupMode", &backup_mode, &BACKUP_MODES)?;
    let data_backup_mode = rules::req_str(b, "", "dataBackupMode")?;
    one_of("dataBackupMode", &data_backup_mode, &DATA_BACKUP_MODES)?;
    let storage = parse_storage(b, "obBackupServiceStorageConfig", obj.tenant_id.is_some())?;
    Ok(BackupNowRequest {
        backup_mode,
        data_backup_mode,
        storage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_times() {
        let ok = [
            ("02:00:00.000+08:00", "02:00:00.000+08:00"),
            ("02:00+08:00", "02:00:00.000+08:00"),
            ("23:59:59-05:30", "23:59:59.000-05:30"),
            ("01:02:03.4Z", "01:02:03.400+00:00"),
            ("01:02:03.123456789+18:00", "01:02:03.123+18:00"),
        ];
        for (i, o) in ok {
            assert_eq!(parse_offset_time(i).as_deref(), Some(o), "{i}");
        }
        for bad in [
            "02:00",
            "02:00:00",
            "2:00+08:00",
            "24:00+08:00",
            "02:60+08:00",
            "02:00.5+08:00",
            "02:00:00.+08:00",
            "02:00:00+8:00",
            "02:00:00+19:00",
            "02:00:00+18:30",
            "02:00:00+0800",
            "",
        ] {
            assert_eq!(parse_offset_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn utc_times() {
        assert_eq!(parse_utc("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_utc("1970-01-01T00:00:01.5Z"), Some(1500));
        assert_eq!(
            parse_utc("2024-02-29T12:00:00Z"),
            Some(util::local_ms(2024, 2, 29, 20, 0, 0))
        );
        for bad in [
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00:00+08:00",
        ] {
            assert_eq!(parse_utc(bad), None, "{bad}");
        }
    }
}
