//! The `ocp_backup_policy` resource and the `ocp_backup_policy` / `ocp_backup_tasks` data
//! sources: a tenant's (or, without `tenant_id`, a cluster's) backup strategy.
//!
//! API: ocp-api.md §3.8. OCP's modify call replaces the whole strategy (§5 #27), so every
//! update sends every part, built from the plan, never a partial body. Storage secrets are
//! write-only: OCP never returns them, so state keeps the configured value. Which paths and
//! fields are inferred is listed in `client::api::backup`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::client::api::backup::{
    AccessKey, BackupTarget, ScheduleConfig, StorageBaseInfo, StorageConfig, StrategyBody,
    ThresholdConfig,
};
use crate::client::{ClientError, Created, OcpClient, Secret};
use crate::framework::validate::{IntBetween, NotBlank, OneOf, Validator};
use crate::framework::{
    Attr, AttrPath, Block, CreateRequest, CreateResponse, Ctx, DataReadRequest, DataReadResponse,
    DataSource, DeleteRequest, DeleteResponse, Diagnostics, ImportResponse, NestedBlock,
    ReadRequest, ReadResponse, Resource, Schema, UpdateRequest, UpdateResponse,
};
use crate::value::{Type, Value};

use super::{
    import_id, refuse_existing, report, set_reported, wait_ids, wait_tasks, Existing, Waited,
};
use crate::lifecycle::pending::Op;

/// The UTC offset of schedule times written without one. Every OCP sample shows `+08:00`
/// (China Standard Time, OCP's default server zone); this is an assumption kept here only.
pub const DEFAULT_OFFSET: &str = "+08:00";

const STORAGE_TYPES: &[&str] = &["FILE", "OSS", "COS", "S3"];

fn ocp_storage_type(t: &str) -> String {
    format!("BACKUP_STORAGE_{t}")
}

fn user_storage_type(t: &str) -> String {
    t.trim_start_matches("BACKUP_STORAGE_").to_string()
}

fn ocp_day_mode(m: &str) -> String {
    format!("{}_BACKUP", m.to_ascii_uppercase())
}

fn user_day_mode(m: &str) -> String {
    m.trim_end_matches("_BACKUP").to_string()
}

/// A schedule time: hours, minutes and the UTC offset (`+08:00`).
#[derive(Debug, PartialEq, Eq)]
struct ClockTime {
    h: u32,
    m: u32,
    offset: String,
}

fn valid_offset(o: &str) -> bool {
    let b = o.as_bytes();
    b.len() == 6
        && (b[0] == b'+' || b[0] == b'-')
        && o[1..3].parse::<u32>().is_ok_and(|h| h <= 14)
        && b[3] == b':'
        && o[4..6].parse::<u32>().is_ok_and(|m| m < 60)
}

/// Parses `HH:MM`, `HH:MM+hh:mm` (the user's forms) and `HH:MM:SS[.fff]+hh:mm` (OCP's).
fn parse_time(s: &str) -> Option<ClockTime> {
    let split = s.find(['+', '-']).unwrap_or(s.len());
    let (clock, offset) = s.split_at(split);
    let offset = if offset.is_empty() {
        DEFAULT_OFFSET
    } else {
        offset
    };
    if !valid_offset(offset) {
        return None;
    }
    let mut parts = clock.split(':');
    let h = parts.next()?.parse::<u32>().ok().filter(|h| *h < 24)?;
    let mm = parts.next()?;
    let m = (mm.len() == 2)
        .then(|| mm.parse::<u32>().ok())
        .flatten()
        .filter(|m| *m < 60)?;
    if let Some(sec) = parts.next() {
        if !sec
            .split('.')
            .next()
            .is_some_and(|x| x.parse::<u32>().is_ok_and(|v| v == 0))
        {
            return None;
        }
    }
    Some(ClockTime {
        h,
        m,
        offset: offset.to_string(),
    })
}

fn ocp_time(t: &ClockTime) -> String {
    format!("{:02}:{:02}:00.000{}", t.h, t.m, t.offset)
}

fn user_time(t: &ClockTime) -> String {
    if t.offset == DEFAULT_OFFSET {
        format!("{:02}:{:02}", t.h, t.m)
    } else {
        format!("{:02}:{:02}{}", t.h, t.m, t.offset)
    }
}

/// OCP's time in the user's spelling when both mean the same instant of the day.
fn time_value(ocp: Option<&str>, mine: Option<&str>) -> Value {
    let Some(o) = ocp else { return Value::Null };
    match (
        parse_time(o),
        mine.and_then(|m| parse_time(m).map(|p| (m, p))),
    ) {
        (Some(a), Some((m, b))) if a == b => Value::string(m),
        (Some(a), _) => Value::string(user_time(&a)),
        (None, _) => Value::string(o),
    }
}

struct ScheduleTime;

impl Validator for ScheduleTime {
    fn description(&self) -> String {
        format!("a time of day `HH:MM`, optionally with a UTC offset (`02:00+00:00`); without one, `{DEFAULT_OFFSET}` is assumed")
    }
    fn validate(&self, path: &AttrPath, v: &Value, diags: &mut Diagnostics) {
        if let Some(s) = v.as_str() {
            if parse_time(s).is_none() {
                diags.attr_error(
                    path.clone(),
                    "Invalid Schedule Time",
                    format!(
                        "Attribute {path} must be {}, got {s:?}.",
                        self.description()
                    ),
                );
            }
        }
    }
}

fn schedule_block() -> Block {
    Block::new("When data backups run.")
        .attr("mode", Attr::string().required().validate(OneOf(&["WEEK", "MONTH"])).doc("`WEEK` (days 1-7, 1 = Monday) or `MONTH` (days 1-31)."))
        .attr("time", Attr::string().required().validate(ScheduleTime).doc(format!("Time of day backups start, `HH:MM`, optionally with a UTC offset such as `02:00+00:00`. Without an offset, `{DEFAULT_OFFSET}` (OCP's default server zone) is assumed.")))
        .attr("days", Attr::map(Type::String).required().doc("Backup days: a map from day number (as a string: `\"1\"` = Monday for `WEEK`, day of month for `MONTH`) to `FULL` or `INCREMENTAL`, e.g. `{ \"1\" = \"FULL\", \"4\" = \"INCREMENTAL\" }`."))
        .attr("enabled", Attr::bool().default(Value::Bool(true)).doc("Whether scheduled backups run (OCP's start/stop schedule calls). Default `true`. Changed in place."))
}

fn storage_block() -> Block {
    Block::new("Where backups are written.")
        .attr("name", Attr::string().required().validate(NotBlank).doc("Name of the storage configuration."))
        .attr("type", Attr::string().required().validate(OneOf(STORAGE_TYPES)).doc("`FILE` (an NFS path), `OSS`, `COS` or `S3`."))
        .attr("url", Attr::string().required().validate(NotBlank).doc("Destination without a protocol prefix: a path such as `/obbackup/t1` for `FILE`, `bucket/dir` for object stores."))
        .attr("endpoint", Attr::string().optional().doc("Object store endpoint, such as `oss-cn-hangzhou.aliyuncs.com`. Required for `OSS`, `COS` and `S3`."))
        .attr("region", Attr::string().optional().doc("Region of an `S3` bucket. Required for `S3`."))
        .attr("app_id", Attr::string().optional().doc("APPID of a `COS` account. Required for `COS`."))
        .attr("access_key_id", Attr::string().optional().doc("Access key id for `OSS`, `COS` and `S3`."))
        .attr("access_key_secret", Attr::string().optional().sensitive().doc("Access key secret for `OSS`, `COS` and `S3`. OCP never returns it: state keeps the configured value, and a change made outside Terraform cannot be seen."))
}

fn thresholds_block() -> Block {
    Block::new("Alert thresholds of the strategy. Left out, OCP's defaults apply.")
        .attr("data_backup_timeout_minutes", Attr::int().optional().validate(IntBetween(1, 100_000)).doc("Alert when one data backup runs longer than this many minutes."))
        .attr("log_backup_delay_seconds", Attr::int().optional().validate(IntBetween(1, 10_000_000)).doc("Alert when log backup lags by more than this many seconds."))
        .attr("no_successful_data_backup_alarm_days", Attr::int().optional().validate(IntBetween(1, 10_000)).doc("Alert when no data backup succeeded for this many days (at least the schedule's period)."))
        .attr("lib_ob_log_expire_days", Attr::int().optional().validate(IntBetween(1, 10_000)).doc("Days to keep the log-backup component's own logs. `LOGICAL_BACKUP` only: physical backup has no such component, so setting it there is refused at plan time."))
}

/// Whose strategy a value describes.
fn target_of(v: &Value) -> Option<BackupTarget> {
    Some(BackupTarget {
        cluster_id: v.get("cluster_id")?.as_i64()?,
        tenant_id: v.get("tenant_id").and_then(Value::as_i64),
    })
}

fn id_of(t: BackupTarget) -> String {
    match t.tenant_id {
        Some(tid) => import_id::join(&[t.cluster_id.to_string(), tid.to_string()]),
        None => t.cluster_id.to_string(),
    }
}

/// The `storage` block's object. It is a one-item list block, not a single block: Terraform
/// 1.0.3 crashes printing a diff of a single nested block that holds a sensitive attribute
/// (`access_key_secret`), while list blocks are redacted as a whole.
fn storage_of(v: &Value) -> Value {
    v.get("storage")
        .and_then(|l| l.elements().first().cloned())
        .unwrap_or(Value::Null)
}

fn s(v: &Value, a: &str) -> Option<String> {
    v.get(a).and_then(Value::as_str).map(str::to_string)
}

fn i(v: &Value, a: &str) -> Option<i64> {
    v.get(a).and_then(Value::as_i64)
}

/// The complete strategy body from a plan (§5 #27: modify replaces everything).
fn body_of(plan: &Value) -> StrategyBody {
    let sched = plan.get("schedule").cloned().unwrap_or(Value::Null);
    let days: BTreeMap<String, String> = sched
        .get("days")
        .and_then(Value::as_map)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), ocp_day_mode(v.as_str()?))))
                .collect()
        })
        .unwrap_or_default();
    let st = storage_of(plan);
    let ty = s(&st, "type").unwrap_or_else(|| "FILE".into());
    let key = (ty != "FILE").then(|| AccessKey {
        endpoint: s(&st, "endpoint"),
        access_key_id: s(&st, "access_key_id"),
        access_key_secret: s(&st, "access_key_secret").map(Secret::new),
        region: s(&st, "region"),
        app_id: s(&st, "app_id"),
    });
    let th = plan.get("thresholds").cloned().unwrap_or(Value::Null);
    StrategyBody {
        backup_mode: s(plan, "backup_mode").unwrap_or_else(|| "PHYSICAL_BACKUP".into()),
        ob_backup_schedule_config: ScheduleConfig {
            backup_schedule_mode: s(&sched, "mode"),
            backup_schedule_enabled: sched.get("enabled").and_then(Value::as_bool),
            backup_schedule_time: s(&sched, "time")
                .and_then(|t| parse_time(&t))
                .map(|t| ocp_time(&t)),
            day_and_data_backup_model_map: Some(days),
            start_log_backup: plan.get("log_backup").and_then(Value::as_bool),
            clean_enabled: plan.get("cleanup_enabled").and_then(Value::as_bool),
            clean_schedule_time: s(plan, "cleanup_time")
                .and_then(|t| parse_time(&t))
                .map(|t| ocp_time(&t)),
            backup_data_retention_days: i(plan, "retention_days"),
        },
        ob_backup_threshold_config: ThresholdConfig {
            data_backup_timeout_minutes: i(&th, "data_backup_timeout_minutes"),
            log_backup_delay_seconds: i(&th, "log_backup_delay_seconds"),
            no_successful_data_backup_alarm_days: i(&th, "no_successful_data_backup_alarm_days"),
            lib_ob_log_expire_days: i(&th, "lib_ob_log_expire_days"),
        },
        ob_backup_service_storage_config: StorageConfig {
            config_name: Some(s(&st, "name").unwrap_or_default()),
            ob_backup_storage_base_info: Some(StorageBaseInfo {
                backup_storage_type: Some(ocp_storage_type(&ty)),
                storage_url: Some(s(&st, "url").unwrap_or_default()),
                oss_access_key: if ty == "OSS" { key.clone() } else { None },
                s3_access_key: if ty == "S3" { key.clone() } else { None },
                cos_access_key: if ty == "COS" { key } else { None },
            }),
        },
    }
}

/// The state for the strategy OCP reports, keeping what OCP never returns (secrets,
/// `timeouts`) and the user's spelling of equivalent values (times).
fn state_from(
    st: &crate::client::api::backup::BackupStrategy,
    base: &Value,
    target: BackupTarget,
    status: Option<String>,
) -> Value {
    let mut out = base.clone();
    if !matches!(out, Value::Object(_)) {
        out = Value::object(Vec::<(String, Value)>::new());
    }
    out.set_attr("id", Value::string(id_of(target)));
    out.set_attr("cluster_id", Value::from_i64(target.cluster_id));
    out.set_attr("tenant_id", Value::opt_i64(target.tenant_id));
    // No field of OcpBackupStrategy is guaranteed (§3.8.3): what OCP leaves out keeps the
    // prior value (R6, `set_reported`), block by block and field by field.
    set_reported(
        &mut out,
        base,
        "backup_mode",
        st.backup_mode.clone().map(Value::string),
    );
    set_reported(
        &mut out,
        base,
        "create_time",
        st.create_time.clone().map(Value::string),
    );
    set_reported(
        &mut out,
        base,
        "update_time",
        st.update_time.clone().map(Value::string),
    );
    set_reported(&mut out, base, "status", status.map(Value::string));
    let prior_sched = base.get("schedule").cloned().unwrap_or(Value::Null);
    let sc = st.ob_backup_schedule_config.clone().unwrap_or_default();
    let mut sched = Value::object(Vec::<(String, Value)>::new());
    set_reported(
        &mut sched,
        &prior_sched,
        "mode",
        sc.backup_schedule_mode.clone().map(Value::string),
    );
    let time = sc
        .backup_schedule_time
        .as_deref()
        .map(|t| time_value(Some(t), prior_sched.get("time").and_then(Value::as_str)));
    set_reported(&mut sched, &prior_sched, "time", time);
    let days = sc.day_and_data_backup_model_map.as_ref().map(|m| {
        Value::map(
            m.iter()
                .map(|(k, v)| (k.clone(), Value::string(user_day_mode(v)))),
        )
    });
    set_reported(&mut sched, &prior_sched, "days", days);
    set_reported(
        &mut sched,
        &prior_sched,
        "enabled",
        sc.backup_schedule_enabled.map(Value::Bool),
    );
    if sched.get("enabled").is_none_or(Value::is_null) {
        sched.set_attr("enabled", Value::Bool(false));
    }
    out.set_attr("schedule", sched);
    set_reported(
        &mut out,
        base,
        "log_backup",
        sc.start_log_backup.map(Value::Bool),
    );
    set_reported(
        &mut out,
        base,
        "cleanup_enabled",
        sc.clean_enabled.map(Value::Bool),
    );
    for a in ["log_backup", "cleanup_enabled"] {
        if out.get(a).is_none_or(Value::is_null) {
            out.set_attr(a, Value::Bool(false));
        }
    }
    let cleanup = sc
        .clean_schedule_time
        .as_deref()
        .map(|t| time_value(Some(t), base.get("cleanup_time").and_then(Value::as_str)));
    set_reported(&mut out, base, "cleanup_time", cleanup);
    set_reported(
        &mut out,
        base,
        "retention_days",
        sc.backup_data_retention_days.map(Value::from_i64),
    );
    let prior_th = base.get("thresholds").cloned().unwrap_or(Value::Null);
    match st.ob_backup_threshold_config.clone() {
        // None reported: the prior block (or none) stays.
        None => set_reported(&mut out, base, "thresholds", None),
        Some(th) => {
            let mut thresholds = Value::object(Vec::<(String, Value)>::new());
            for (a, v) in [
                (
                    "data_backup_timeout_minutes",
                    th.data_backup_timeout_minutes,
                ),
                ("log_backup_delay_seconds", th.log_backup_delay_seconds),
                (
                    "no_successful_data_backup_alarm_days",
                    th.no_successful_data_backup_alarm_days,
                ),
                ("lib_ob_log_expire_days", th.lib_ob_log_expire_days),
            ] {
                set_reported(&mut thresholds, &prior_th, a, v.map(Value::from_i64));
            }
            let any_threshold = thresholds
                .as_object()
                .is_some_and(|m| m.values().any(|v| !v.is_null()));
            // A block the user left out stays out while OCP reports no thresholds.
            out.set_attr(
                "thresholds",
                if any_threshold || !prior_th.is_null() {
                    thresholds
                } else {
                    Value::Null
                },
            );
        }
    }
    let prior_storage = storage_of(base);
    match st.ob_backup_service_storage_config.clone() {
        None => set_reported(&mut out, base, "storage", None),
        Some(sc) => {
            let info = sc.ob_backup_storage_base_info.unwrap_or_default();
            let key = info
                .oss_access_key
                .or(info.s3_access_key)
                .or(info.cos_access_key)
                .unwrap_or_default();
            let mut v = Value::object(Vec::<(String, Value)>::new());
            let p = &prior_storage;
            set_reported(&mut v, p, "name", sc.config_name.map(Value::string));
            let ty = info.backup_storage_type.as_deref().map(user_storage_type);
            set_reported(&mut v, p, "type", ty.map(Value::string));
            set_reported(&mut v, p, "url", info.storage_url.map(Value::string));
            set_reported(&mut v, p, "endpoint", key.endpoint.map(Value::string));
            set_reported(&mut v, p, "region", key.region.map(Value::string));
            set_reported(&mut v, p, "app_id", key.app_id.map(Value::string));
            set_reported(
                &mut v,
                p,
                "access_key_id",
                key.access_key_id.map(Value::string),
            );
            // Write-only: OCP never returns it (§5 #27).
            set_reported(&mut v, p, "access_key_secret", None);
            out.set_attr("storage", Value::List(vec![v]));
        }
    }
    out
}

/// The status of the most recent data backup, as OCP reports it.
async fn last_status(client: &OcpClient, target: BackupTarget) -> Option<String> {
    let tasks = client.list_data_backup_tasks(target).await.ok()?;
    tasks
        .into_iter()
        .max_by_key(|t| t.id.unwrap_or(0))
        .and_then(|t| t.status)
}

/// Reads the strategy back; None with an error diagnostic when it is missing.
async fn read_back(
    client: &OcpClient,
    target: BackupTarget,
    base: &Value,
    diags: &mut Diagnostics,
    action: &str,
) -> Option<Value> {
    match client.find_backup_strategy(target).await {
        Ok(Some(st)) => Some(state_from(
            &st,
            base,
            target,
            last_status(client, target).await,
        )),
        Ok(None) => {
            diags.error(
                format!("Unable to {action} Backup Policy"),
                "The backup strategy was not found right after OCP accepted it.",
            );
            None
        }
        Err(e) => {
            report(
                diags,
                &format!("Read Backup Policy After {action}"),
                None,
                &e,
            );
            None
        }
    }
}

/// Starts or stops the schedule when OCP's state differs from the plan's `schedule.enabled`.
async fn align_schedule(
    client: &OcpClient,
    target: BackupTarget,
    want: bool,
) -> Result<(), ClientError> {
    let have = client
        .find_backup_strategy(target)
        .await?
        .and_then(|s| s.ob_backup_schedule_config)
        .and_then(|c| c.backup_schedule_enabled)
        .unwrap_or(false);
    match (have, want) {
        (false, true) => client.start_backup_schedule(target).await,
        (true, false) => client.stop_backup_schedule(target).await,
        _ => Ok(()),
    }
}

/// The `ocp_backup_policy` resource.
pub struct BackupPolicyResource;

fn validate_policy(config: &Value, diags: &mut Diagnostics) {
    let sched = config.get("schedule").cloned().unwrap_or(Value::Null);
    let mode = sched.get("mode").and_then(Value::as_str);
    if let (Some(mode), Some(days)) = (mode, sched.get("days").and_then(Value::as_map)) {
        let max = if mode == "WEEK" { 7 } else { 31 };
        if days.is_empty() {
            diags.attr_error(
                AttrPath::root("schedule").attr("days"),
                "Invalid Backup Days",
                "Give at least one backup day.",
            );
        }
        for (k, v) in days {
            let path = AttrPath::root("schedule").attr("days").key(k.clone());
            if !k.parse::<u32>().is_ok_and(|d| (1..=max).contains(&d)) {
                diags.attr_error(
                    path.clone(),
                    "Invalid Backup Day",
                    format!(
                        "Day {k:?} is not a day of a {mode} schedule: use \"1\" to \"{max}\"{}.",
                        if mode == "WEEK" { " (1 = Monday)" } else { "" }
                    ),
                );
            }
            if let Some(m) = v.as_str() {
                if m != "FULL" && m != "INCREMENTAL" {
                    diags.attr_error(
                        path,
                        "Invalid Backup Kind",
                        format!("Day {k:?} must be \"FULL\" or \"INCREMENTAL\", got {m:?}."),
                    );
                }
            }
        }
        if days
            .values()
            .all(|v| v.as_str().is_some_and(|m| m == "INCREMENTAL"))
            && !days.is_empty()
        {
            diags.attr_error(
                AttrPath::root("schedule").attr("days"),
                "No Full Backup",
                "A schedule needs at least one FULL day: incremental backups build on a full one.",
            );
        }
    }
    // Settings OCP documents for logical backup only (ocp-api.md §3.8.2): with physical
    // backup OceanBase cleans up by itself and OCP runs no log-backup component, so OCP need
    // not keep them, and a create could not promise them back.
    let mode = config.get("backup_mode");
    let physical = mode.is_none_or(|m| m.is_null() || m.as_str() == Some("PHYSICAL_BACKUP"));
    if physical {
        let set = |v: Option<&Value>| v.is_some_and(|x| !x.is_null() && !x.is_unknown());
        if set(config.get("cleanup_time")) {
            diags.attr_error(
                AttrPath::root("cleanup_time"),
                "Cleanup Time Needs Logical Backup",
                "OCP uses cleanup_time only for LOGICAL_BACKUP strategies: with physical backup OceanBase runs the cleanup itself (ocp-api.md §3.8.2). Remove cleanup_time, or set backup_mode = \"LOGICAL_BACKUP\".",
            );
        }
        if set(config
            .get("thresholds")
            .and_then(|t| t.get("lib_ob_log_expire_days")))
        {
            diags.attr_error(
                AttrPath::root("thresholds").attr("lib_ob_log_expire_days"),
                "Log Component Setting Needs Logical Backup",
                "OCP uses lib_ob_log_expire_days only for LOGICAL_BACKUP strategies, whose log-backup component keeps those logs (ocp-api.md §3.8.2). Remove it, or set backup_mode = \"LOGICAL_BACKUP\".",
            );
        }
    }
    let st = storage_of(config);
    if let (Some(ty), Some(url)) = (
        st.get("type").and_then(Value::as_str),
        st.get("url").and_then(Value::as_str),
    ) {
        let url_path = AttrPath::root("storage").index(0).attr("url");
        if url.contains("://") {
            diags.attr_error(url_path.clone(), "Invalid Storage URL", format!("Write the destination without a protocol prefix (OCP adds it for the type), e.g. {:?}.", url.split("://").nth(1).unwrap_or("")));
        } else if ty == "FILE" && !url.starts_with('/') {
            diags.attr_error(
                url_path,
                "Invalid Storage URL",
                format!(
                    "A FILE destination is an absolute path such as \"/obbackup/t1\", got {url:?}."
                ),
            );
        }
        let need: &[&str] = match ty {
            "OSS" => &["endpoint", "access_key_id", "access_key_secret"],
            "S3" => &["endpoint", "region", "access_key_id", "access_key_secret"],
            "COS" => &["endpoint", "app_id", "access_key_id", "access_key_secret"],
            _ => &[],
        };
        for a in need {
            if st.get(a).is_none_or(Value::is_null) {
                diags.attr_error(
                    AttrPath::root("storage").index(0).attr(*a),
                    "Missing Storage Setting",
                    format!("{ty} storage needs `{a}`."),
                );
            }
        }
    }
}

#[tonic::async_trait]
impl Resource for BackupPolicyResource {
    fn type_name(&self) -> &'static str {
        "ocp_backup_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new("The backup strategy of a tenant, or of a cluster when `tenant_id` is left out: schedule, storage, retention and alert thresholds. OCP's modify call replaces the whole strategy, so every change sends every setting.\n\n**What rests on OCP's documentation and what is inferred.** Reading a strategy, starting its schedule, creating a cluster's strategy, and modifying, stopping and deleting a tenant's strategy use calls OCP documents. Creating a tenant's strategy, and modifying, stopping and deleting a cluster's strategy, use the same `.../backup/config/backupStrategy` paths with the methods OCP documents for the other kind, because OCP's published pages do not show them. The name of the storage secret field (`accessKeySecret`) and the shape of the answer to create and modify are inferred too. Should a real OCP refuse one of these calls with 404 or 405, the error names the call.")
            .attr("id", Attr::string().computed().use_state_for_unknown().doc("`<cluster_id>/<tenant_id>` for a tenant policy, `<cluster_id>` for a cluster policy; also the import id."))
            .attr("cluster_id", Attr::int().required().requires_replace().doc("OCP id of the cluster. Changing it replaces the policy."))
            .attr("tenant_id", Attr::int().optional().requires_replace().doc("OCP id of the tenant; leave out for a cluster policy. Changing it replaces the policy."))
            .attr("backup_mode", Attr::string().default(Value::string("PHYSICAL_BACKUP")).validate(OneOf(&["PHYSICAL_BACKUP", "LOGICAL_BACKUP"])).doc("`PHYSICAL_BACKUP` or `LOGICAL_BACKUP`. Default `PHYSICAL_BACKUP`."))
            .attr("retention_days", Attr::int().optional().validate(IntBetween(1, 36_500)).doc("Days backups are kept before cleanup."))
            .attr("cleanup_enabled", Attr::bool().default(Value::Bool(false)).doc("Whether expired backups are cleaned up on a schedule. Default `false`."))
            .attr("cleanup_time", Attr::string().optional().validate(ScheduleTime).doc("Time of day of the cleanup, in the format of `schedule.time`. `LOGICAL_BACKUP` only: with physical backup OceanBase runs the cleanup itself, so setting it there is refused at plan time."))
            .attr("log_backup", Attr::bool().default(Value::Bool(false)).doc("Whether log backup (archiving) runs, for point-in-time restore. Default `false`."))
            .attr("status", Attr::string().computed().doc("Status of the most recent data backup as OCP reports it (`DOING`, `DONE`, `FAILED`, ...), null before the first one."))
            .attr("create_time", Attr::string().computed().use_state_for_unknown().doc("When the strategy was created."))
            .attr("update_time", Attr::string().computed().doc("When the strategy was last changed."))
            .block("schedule", NestedBlock::single(schedule_block()).items(1, 1))
            .block("storage", NestedBlock::list(storage_block()).items(1, 1))
            .block("thresholds", NestedBlock::single(thresholds_block()))
            .timeouts(&[("create", Duration::from_secs(600)), ("update", Duration::from_secs(600)), ("delete", Duration::from_secs(600))])
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        validate_policy(config, diags);
    }

    async fn create(&self, ctx: &Ctx, req: CreateRequest, resp: &mut CreateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let deadline = Instant::now() + req.timeout;
        let Some(target) = target_of(&req.plan) else {
            return;
        };
        let tasks = match client
            .create_backup_strategy(target, &body_of(&req.plan))
            .await
        {
            Ok(Created::New(t)) => t,
            // Made by this create's unanswered POST: read back below.
            Ok(Created::Adopted(_)) => Vec::new(),
            Ok(Created::Existing(st)) => {
                let owner = match target.tenant_id {
                    Some(t) => format!("tenant {t} of cluster {}", target.cluster_id),
                    None => format!("cluster {}", target.cluster_id),
                };
                return refuse_existing(
                    &mut resp.diags,
                    Existing {
                        type_name: "ocp_backup_policy",
                        noun: "Backup Policy",
                        what: format!(
                            "a backup strategy{} for {owner}",
                            st.id.map(|i| format!(" (OCP id {i})")).unwrap_or_default()
                        ),
                        import_id: id_of(target),
                        attr: if target.tenant_id.is_some() {
                            "tenant_id"
                        } else {
                            "cluster_id"
                        },
                    },
                );
            }
            Err(e) => {
                let path = (e.is_not_found() && target.tenant_id.is_some())
                    .then(|| AttrPath::root("tenant_id"));
                return report(&mut resp.diags, "Create Backup Policy", path, &e);
            }
        };
        let mut state = req.plan.clone();
        state.set_attr("id", Value::string(id_of(target)));
        resp.state = state.clone();
        let w = wait_tasks(
            client,
            ctx,
            Op::Create,
            &tasks,
            deadline,
            &mut resp.private,
            &mut resp.diags,
            "Create Backup Policy",
        )
        .await;
        if w != Waited::Done {
            return;
        }
        let want = req
            .plan
            .get("schedule")
            .and_then(|s| s.get("enabled"))
            .and_then(Value::as_bool)
            .unwrap_or(true);
        if let Err(e) = align_schedule(client, target, want).await {
            report(
                &mut resp.diags,
                "Start Backup Schedule",
                Some(AttrPath::root("schedule").attr("enabled")),
                &e,
            );
        }
        if let Some(s) = read_back(client, target, &state, &mut resp.diags, "Create").await {
            resp.state = s;
        }
    }

    async fn read(&self, ctx: &Ctx, req: ReadRequest, resp: &mut ReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(target) = target_of(&req.state) else {
            return;
        };
        match client.find_backup_strategy(target).await {
            Ok(Some(st)) => {
                resp.state = Some(state_from(
                    &st,
                    &req.state,
                    target,
                    last_status(client, target).await,
                ))
            }
            Ok(None) => resp.remove(),
            Err(e) if e.is_not_found() => resp.remove(),
            Err(e) => report(&mut resp.diags, "Read Backup Policy", None, &e),
        }
    }

    async fn update(&self, ctx: &Ctx, req: UpdateRequest, resp: &mut UpdateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let deadline = Instant::now() + req.timeout;
        let Some(target) = target_of(&req.prior) else {
            return;
        };
        let strip = |v: &Value| {
            let mut v = v.clone();
            for a in ["status", "update_time", "timeouts"] {
                v.set_attr(a, Value::Null);
            }
            if let Some(Value::Object(sched)) = v.get_mut("schedule") {
                sched.remove("enabled");
            }
            v
        };
        // Only `schedule.enabled` (and computed values) changed: start/stop is enough.
        let strategy_changed = strip(&req.prior) != strip(&req.plan);
        if strategy_changed {
            match client
                .modify_backup_strategy(target, &body_of(&req.plan))
                .await
            {
                Ok(tasks) => {
                    wait_tasks(
                        client,
                        ctx,
                        Op::Update,
                        &tasks,
                        deadline,
                        &mut resp.private,
                        &mut resp.diags,
                        "Update Backup Policy",
                    )
                    .await;
                }
                Err(e) => report(&mut resp.diags, "Update Backup Policy", None, &e),
            }
        }
        if !resp.diags.has_errors() {
            let want = req
                .plan
                .get("schedule")
                .and_then(|s| s.get("enabled"))
                .and_then(Value::as_bool)
                .unwrap_or(true);
            if let Err(e) = align_schedule(client, target, want).await {
                report(
                    &mut resp.diags,
                    "Change Backup Schedule",
                    Some(AttrPath::root("schedule").attr("enabled")),
                    &e,
                );
            }
        }
        let base = if resp.diags.has_errors() {
            req.prior.clone()
        } else {
            req.plan.clone()
        };
        if let Some(s) = read_back(client, target, &base, &mut resp.diags, "Update").await {
            resp.state = s;
        }
    }

    async fn delete(&self, ctx: &Ctx, req: DeleteRequest, resp: &mut DeleteResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let deadline = Instant::now() + req.timeout;
        let Some(target) = target_of(&req.state) else {
            return;
        };
        match client.delete_backup_strategy(target).await {
            Ok(None) => {}
            Ok(Some(tasks)) => {
                if let Err(e) = wait_ids(client, ctx, &tasks, deadline).await {
                    report(&mut resp.diags, "Delete Backup Policy", None, &e);
                }
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => report(&mut resp.diags, "Delete Backup Policy", None, &e),
        }
    }

    async fn import(&self, _ctx: &Ctx, id: &str, resp: &mut ImportResponse) {
        let form = "\"<cluster_id>/<tenant_id>\" for a tenant policy or \"<cluster_id>\" for a cluster policy";
        let parts: Vec<&str> = id.split('/').collect();
        let nums: Option<Vec<i64>> = parts.iter().map(|p| p.parse::<i64>().ok()).collect();
        match nums.as_deref() {
            Some([c]) => resp.state = Some(Value::object([("cluster_id", Value::from_i64(*c))])),
            Some([c, t]) => {
                resp.state = Some(Value::object([
                    ("cluster_id", Value::from_i64(*c)),
                    ("tenant_id", Value::from_i64(*t)),
                ]))
            }
            _ => resp.diags.error(
                "Invalid Import ID",
                format!("Expected an import id of the form {form}, got {id:?}."),
            ),
        }
    }
}

/// `data "ocp_backup_policy"`: the backup strategy of a tenant or cluster.
pub struct BackupPolicyDataSource;

#[tonic::async_trait]
impl DataSource for BackupPolicyDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_backup_policy"
    }

    fn schema(&self) -> Schema {
        let mut s = BackupPolicyResource.schema();
        s.timeout_defaults.clear();
        s.block.description = "Reads the backup strategy of a tenant, or of a cluster when `tenant_id` is left out. `configured` tells whether there is one.".into();
        s.block.blocks.retain(|(n, _)| n != "timeouts");
        for (name, a) in s.block.attributes.iter_mut() {
            if name != "cluster_id" && name != "tenant_id" {
                *a = Attr::of(a.ty.clone()).computed().doc(a.description.clone());
            } else {
                a.requires_replace = false;
            }
        }
        // Blocks cannot be computed: expose them as computed object attributes.
        let blocks = std::mem::take(&mut s.block.blocks);
        for (name, b) in blocks {
            let desc = b.block.description.clone();
            s = s.attr(&name, Attr::of(b.value_type()).computed().doc(desc));
        }
        s.attr(
            "configured",
            Attr::bool()
                .computed()
                .doc("Whether the tenant or cluster has a backup strategy."),
        )
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(target) = target_of(&req.config) else {
            return;
        };
        match client.find_backup_strategy(target).await {
            Ok(Some(st)) => {
                let mut v = state_from(&st, &req.config, target, last_status(client, target).await);
                v.set_attr("configured", Value::Bool(true));
                resp.state = v;
            }
            Ok(None) => {
                let mut v = req.config.clone();
                v.set_attr("configured", Value::Bool(false));
                v.set_attr("id", Value::string(id_of(target)));
                resp.state = v;
            }
            Err(e) => report(&mut resp.diags, "Read Backup Policy", None, &e),
        }
    }
}

/// `data "ocp_backup_tasks"`: recent data and log backups of a tenant or cluster.
pub struct BackupTasksDataSource;

fn data_task_type() -> Type {
    Type::object([
        ("id", Type::Number),
        ("backup_set_id", Type::Number),
        ("mode", Type::String),
        ("status", Type::String),
        ("start_time", Type::String),
        ("end_time", Type::String),
    ])
}

fn log_task_type() -> Type {
    Type::object([
        ("id", Type::Number),
        ("status", Type::String),
        ("start_time", Type::String),
        ("checkpoint", Type::String),
    ])
}

#[tonic::async_trait]
impl DataSource for BackupTasksDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_backup_tasks"
    }

    fn schema(&self) -> Schema {
        Schema::new("Recent data-backup and log-backup tasks of a tenant (or of a cluster without `tenant_id`), so a CI job can check that backups actually run.\n\nThe tenant task lists use calls OCP documents; the cluster task lists use the same paths under the cluster, inferred because OCP's published pages do not show them.")
            .attr("cluster_id", Attr::int().required().doc("OCP id of the cluster."))
            .attr("tenant_id", Attr::int().optional().doc("OCP id of the tenant; leave out for the cluster's tasks."))
            .attr("data_backups", Attr::list(data_task_type()).computed().doc("Data backups, newest first: `id`, `backup_set_id`, `mode` (`FULL` or `INCREMENTAL`), `status` (`DOING`, `DONE`, `FAILED`, ...), `start_time`, `end_time`."))
            .attr("log_backups", Attr::list(log_task_type()).computed().doc("Log backups, newest first: `id`, `status` (`INPROGRESS`, `STOPPED`, ...), `start_time`, `checkpoint`."))
            .attr("last_data_backup_status", Attr::string().computed().doc("Status of the newest data backup, null when there is none."))
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(target) = target_of(&req.config) else {
            return;
        };
        let (data, log) = match (
            client.list_data_backup_tasks(target).await,
            client.list_log_backup_tasks(target).await,
        ) {
            (Ok(d), Ok(l)) => (d, l),
            (Err(e), _) | (_, Err(e)) => {
                let path = (e.is_not_found() && target.tenant_id.is_some())
                    .then(|| AttrPath::root("tenant_id"));
                return report(&mut resp.diags, "List Backup Tasks", path, &e);
            }
        };
        let mut data = data;
        data.sort_by_key(|t| std::cmp::Reverse(t.id.unwrap_or(0)));
        let mut log = log;
        log.sort_by_key(|t| std::cmp::Reverse(t.id.unwrap_or(0)));
        let mut v = req.config.clone();
        v.set_attr(
            "last_data_backup_status",
            Value::opt_string(data.first().and_then(|t| t.status.clone())),
        );
        v.set_attr(
            "data_backups",
            Value::List(
                data.iter()
                    .map(|t| {
                        Value::object([
                            ("id", Value::opt_i64(t.id)),
                            ("backup_set_id", Value::opt_i64(t.backup_set_id)),
                            (
                                "mode",
                                Value::opt_string(t.data_backup_mode.as_deref().map(user_day_mode)),
                            ),
                            ("status", Value::opt_string(t.status.clone())),
                            ("start_time", Value::opt_string(t.start_time.clone())),
                            ("end_time", Value::opt_string(t.end_time.clone())),
                        ])
                    })
                    .collect(),
            ),
        );
        v.set_attr(
            "log_backups",
            Value::List(
                log.iter()
                    .map(|t| {
                        Value::object([
                            ("id", Value::opt_i64(t.id)),
                            ("status", Value::opt_string(t.status.clone())),
                            ("start_time", Value::opt_string(t.start_time.clone())),
                            ("checkpoint", Value::opt_string(t.checkpoint.clone())),
                        ])
                    })
                    .collect(),
            ),
        );
        resp.state = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strategy_with_only_its_id_keeps_every_prior_value() {
        // No field of OcpBackupStrategy but `id` is guaranteed (§3.8.3).
        let st: crate::client::api::backup::BackupStrategy =
            serde_json::from_value(serde_json::json!({"id": 42, "extInfo": {}})).unwrap();
        let base = Value::object([
            ("backup_mode", Value::string("PHYSICAL_BACKUP")),
            ("retention_days", Value::from_i64(7)),
            ("log_backup", Value::Bool(true)),
            (
                "schedule",
                Value::object([
                    ("mode", Value::string("WEEK")),
                    ("time", Value::string("02:00")),
                    (
                        "days",
                        Value::map([("1".to_string(), Value::string("FULL"))]),
                    ),
                    ("enabled", Value::Bool(true)),
                ]),
            ),
            (
                "storage",
                Value::List(vec![Value::object([
                    ("name", Value::string("oss-main")),
                    ("type", Value::string("OSS")),
                    ("url", Value::string("b/t1")),
                    ("access_key_secret", Value::string("SK")),
                ])]),
            ),
        ]);
        let target = BackupTarget::tenant(1, 2);
        let s = state_from(&st, &base, target, None);
        for a in [
            "backup_mode",
            "retention_days",
            "log_backup",
            "schedule",
            "storage",
        ] {
            assert_eq!(s.get(a), base.get(a), "{a}");
        }
    }

    #[test]
    fn schedule_times_map_between_the_users_and_ocps_forms() {
        let t = parse_time("02:00").unwrap();
        assert_eq!(ocp_time(&t), "02:00:00.000+08:00");
        assert_eq!(parse_time("02:00:00.000+08:00"), Some(t));
        assert_eq!(
            ocp_time(&parse_time("23:30+00:00").unwrap()),
            "23:30:00.000+00:00"
        );
        for bad in [
            "2",
            "24:00",
            "02:60",
            "2:0",
            "02:00+8",
            "02:00:30+08:00",
            "noon",
        ] {
            assert!(parse_time(bad).is_none(), "{bad}");
        }
        assert_eq!(
            time_value(Some("02:00:00.000+08:00"), Some("02:00+08:00")),
            Value::string("02:00+08:00")
        );
        assert_eq!(
            time_value(Some("03:15:00.000+08:00"), Some("02:00")),
            Value::string("03:15")
        );
        assert_eq!(
            time_value(Some("03:15:00.000+00:00"), None),
            Value::string("03:15+00:00")
        );
    }

    fn cfg(mode: &str, days: &[(&str, &str)], ty: &str, url: &str) -> Value {
        Value::object([
            (
                "schedule",
                Value::object([
                    ("mode", Value::string(mode)),
                    (
                        "days",
                        Value::map(days.iter().map(|(k, v)| (*k, Value::string(*v)))),
                    ),
                ]),
            ),
            (
                "storage",
                Value::List(vec![Value::object([
                    ("type", Value::string(ty)),
                    ("url", Value::string(url)),
                ])]),
            ),
        ])
    }

    #[test]
    fn bad_schedules_and_storage_point_at_the_attribute() {
        let paths = |v: Value| {
            let mut d = Diagnostics::new();
            validate_policy(&v, &mut d);
            d.0.iter()
                .filter_map(|x| x.path.as_ref().map(|p| p.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            paths(cfg("WEEK", &[("8", "FULL")], "FILE", "/b")),
            vec!["schedule.days[\"8\"]"]
        );
        assert_eq!(
            paths(cfg("WEEK", &[("1", "DIFF")], "FILE", "/b")),
            vec!["schedule.days[\"1\"]"]
        );
        assert_eq!(
            paths(cfg("MONTH", &[("31", "INCREMENTAL")], "FILE", "/b")),
            vec!["schedule.days"]
        );
        assert_eq!(
            paths(cfg("WEEK", &[("1", "FULL")], "FILE", "oss://b")),
            vec!["storage[0].url"]
        );
        assert_eq!(
            paths(cfg("WEEK", &[("1", "FULL")], "FILE", "b/c")),
            vec!["storage[0].url"]
        );
        let oss = paths(cfg("WEEK", &[("1", "FULL")], "OSS", "bucket/dir"));
        assert!(
            oss.contains(&"storage[0].endpoint".to_string())
                && oss.contains(&"storage[0].access_key_secret".to_string())
        );
        assert!(paths(cfg("MONTH", &[("31", "FULL")], "FILE", "/b")).is_empty());
    }

    #[test]
    fn the_body_always_carries_every_part() {
        let plan = Value::object([
            ("backup_mode", Value::string("PHYSICAL_BACKUP")),
            ("retention_days", Value::from_i64(7)),
            ("log_backup", Value::Bool(true)),
            (
                "schedule",
                Value::object([
                    ("mode", Value::string("WEEK")),
                    ("time", Value::string("02:00")),
                    ("enabled", Value::Bool(true)),
                    ("days", Value::map([("1", Value::string("FULL"))])),
                ]),
            ),
            (
                "storage",
                Value::list([Value::object([
                    ("name", Value::string("oss-main")),
                    ("type", Value::string("OSS")),
                    ("url", Value::string("bucket/t1")),
                    ("endpoint", Value::string("oss.example.com")),
                    ("access_key_id", Value::string("AK")),
                    ("access_key_secret", Value::string("SK")),
                ])]),
            ),
        ]);
        let b = body_of(&plan);
        assert_eq!(
            b.ob_backup_schedule_config
                .day_and_data_backup_model_map
                .as_ref()
                .and_then(|m| m.get("1"))
                .map(String::as_str),
            Some("FULL_BACKUP")
        );
        assert_eq!(
            b.ob_backup_schedule_config.backup_schedule_time.as_deref(),
            Some("02:00:00.000+08:00")
        );
        assert_eq!(
            b.ob_backup_schedule_config.backup_data_retention_days,
            Some(7)
        );
        let info = b
            .ob_backup_service_storage_config
            .ob_backup_storage_base_info
            .as_ref()
            .unwrap_or_else(|| panic!("the body always has the base info"));
        assert_eq!(
            info.backup_storage_type.as_deref(),
            Some("BACKUP_STORAGE_OSS")
        );
        assert_eq!(
            info.oss_access_key
                .as_ref()
                .and_then(|k| k.access_key_secret.as_ref())
                .map(Secret::expose),
            Some("SK")
        );
        assert!(!format!("{b:?}").contains("SK\""), "Debug hides the secret");
    }
}
