//! The `ocp_backup_policy` resource and the `ocp_backup_policy` / `ocp_backup_tasks` data
//! sources: a tenant's (or, without `tenant_id`, a cluster's) backup strategy.
//!
//! API: ocp-api.md §3.8. OCP's modify call replaces the whole strategy (§5 #27), so every
//! update sends every part, built from the plan, never a partial body. Storage secrets are
//! write-only: OCP never returns them, so state keeps the configured value. Which paths and
//! fields are inferred is listed in `client::api::backup`. The resource is an [`OcpObject`];
//! one model, [`PolicyModel`], serves its plan, state and import and the `ocp_backup_policy`
//! data source.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::client::api::backup::{
    AccessKey, BackupStrategy, BackupTarget, BackupTask, ScheduleConfig, StorageBaseInfo,
    StorageConfig, StrategyBody, ThresholdConfig,
};
use crate::client::{ClientError, OcpClient, Secret};
use crate::framework::validate::{IntBetween, NotBlank, OneOf, Text};
use crate::framework::{read_model, Attr, AttrPath, Block, Diagnostics, NestedBlock, Schema};
use crate::lifecycle::{
    keep_unreported, owned, report, wait_ids, Born, Call, Change, Fail, Found, ImportError,
    Imported, OcpData, OcpObject, Step, Written,
};
use crate::value::{known, Known, Type, Value};

use crate::lifecycle::import_id;

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
    let offset = Some(offset)
        .filter(|o| !o.is_empty())
        .unwrap_or(DEFAULT_OFFSET);
    if !valid_offset(offset) {
        return None;
    }
    let mut parts = clock.split(':');
    let h = parts.next()?.parse::<u32>().ok().filter(|h| *h < 24)?;
    let mm = parts.next().filter(|mm| mm.len() == 2)?;
    let m = mm.parse::<u32>().ok().filter(|m| *m < 60)?;
    // OCP's seconds are always zero.
    let zero = |sec: &str| sec.split('.').next().is_some_and(|x| x.parse() == Ok(0u32));
    if parts.next().is_some_and(|sec| !zero(sec)) {
        return None;
    }
    Some(ClockTime {
        h,
        m,
        offset: offset.to_string(),
    })
}

/// A user's time (either form) in OCP's form, `HH:MM:00.000+hh:mm`.
fn ocp_time(t: Option<&str>) -> Option<String> {
    let t = parse_time(t?)?;
    Some(format!("{:02}:{:02}:00.000{}", t.h, t.m, t.offset))
}

/// A time in the user's form: `HH:MM`, with the offset unless it is [`DEFAULT_OFFSET`].
fn user_time(t: &ClockTime) -> String {
    let offset = Some(t.offset.as_str()).filter(|o| *o != DEFAULT_OFFSET);
    format!("{:02}:{:02}{}", t.h, t.m, offset.unwrap_or_default())
}

/// OCP's time in the user's spelling when both mean the same instant of the day.
fn time_value(ocp: &str, mine: Option<&str>) -> String {
    match (
        parse_time(ocp),
        mine.and_then(|m| parse_time(m).map(|p| (m, p))),
    ) {
        (Some(a), Some((m, b))) if a == b => m.to_string(),
        (Some(a), _) => user_time(&a),
        (None, _) => ocp.to_string(),
    }
}

/// A schedule time as the user writes it (OCP's form is accepted too).
fn schedule_time() -> Text {
    let must_be = format!("a time of day `HH:MM`, optionally with a UTC offset (`02:00+00:00`); without one, `{DEFAULT_OFFSET}` is assumed");
    Text::new("Invalid Schedule Time", must_be, |s| {
        parse_time(s).is_some()
    })
}

fn schedule_block() -> Block {
    Block::new("When data backups run.")
        .attr("mode", Attr::string().required().validate(OneOf(&["WEEK", "MONTH"])).doc("`WEEK` (days 1-7, 1 = Monday) or `MONTH` (days 1-31)."))
        .attr("time", Attr::string().required().validate(schedule_time()).doc(format!("Time of day backups start, `HH:MM`, optionally with a UTC offset such as `02:00+00:00`. Without an offset, `{DEFAULT_OFFSET}` (OCP's default server zone) is assumed.")))
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

/// What the backup resource and data sources add to OCP's [`BackupTarget`], their key: a
/// tenant's backups, or its cluster's when `tenant_id` is null.
impl BackupTarget {
    /// The `cluster_id` (required) and `tenant_id` (optional) arguments of a data source,
    /// described by `cluster_doc` and `tenant_doc`.
    pub fn arguments(s: Schema, cluster_doc: &str, tenant_doc: &str) -> Schema {
        s.attr("cluster_id", Attr::int().required().doc(cluster_doc))
            .attr("tenant_id", Attr::int().optional().doc(tenant_doc))
    }

    /// `<cluster_id>/<tenant_id>`, or `<cluster_id>` for a cluster: the policy's id.
    fn id(self) -> String {
        match self.tenant_id {
            Some(t) => import_id::join(&[self.cluster_id.to_string(), t.to_string()]),
            None => self.cluster_id.to_string(),
        }
    }

    /// The inverse of [`BackupTarget::id`]: whose policy an import id names.
    fn of_id(id: &str) -> Result<BackupTarget, ImportError> {
        let nums: Option<Vec<i64>> = id.split('/').map(|p| p.parse::<i64>().ok()).collect();
        let (cluster_id, tenant_id) = match nums.as_deref() {
            Some([c]) => (*c, None),
            Some([c, t]) => (*c, Some(*t)),
            _ => return Err(ImportError::Invalid(format!(
                "Expected an import id of the form \"<cluster_id>/<tenant_id>\" for a tenant policy or \"<cluster_id>\" for a cluster policy, got {id:?}."
            ))),
        };
        Ok(BackupTarget {
            cluster_id,
            tenant_id,
        })
    }

    /// An OCP error of a call about these backups: on `tenant_id` when OCP has no such tenant
    /// (the path names it).
    fn fail(self, err: ClientError) -> Fail {
        let tenant_gone = err.is_not_found() && self.tenant_id.is_some();
        let path = tenant_gone.then(|| AttrPath::root("tenant_id"));
        Fail::Ocp { err, path }
    }
}

/// The model of `ocp_backup_policy`: plan, state and import alike. With `configured` set it
/// is also the state of the `ocp_backup_policy` data source, whose schema is the resource's.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyModel {
    id: Option<String>,
    #[serde(flatten)]
    of: BackupTarget,
    backup_mode: Option<String>,
    retention_days: Option<i64>,
    cleanup_enabled: Option<bool>,
    cleanup_time: Option<String>,
    log_backup: Option<bool>,
    status: Option<String>,
    create_time: Option<String>,
    update_time: Option<String>,
    schedule: Option<Schedule>,
    /// A one-item list block, not a single block: Terraform 1.0.3 crashes printing a diff of a
    /// single nested block that holds a sensitive attribute (`access_key_secret`), while list
    /// blocks are redacted as a whole.
    storage: Option<Vec<Storage>>,
    thresholds: Option<Thresholds>,
    /// The data source's `configured`; the resource has no such attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    configured: Option<bool>,
}

/// The `schedule` block.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
struct Schedule {
    mode: Option<String>,
    time: Option<String>,
    days: Option<BTreeMap<String, String>>,
    enabled: Option<bool>,
}

/// The element of the `storage` block; validation reads it as `Storage<Known<String>>`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
struct Storage<S = String> {
    name: Option<S>,
    #[serde(rename = "type")]
    kind: Option<S>,
    url: Option<S>,
    endpoint: Option<S>,
    region: Option<S>,
    app_id: Option<S>,
    access_key_id: Option<S>,
    access_key_secret: Option<S>,
}

/// The `thresholds` block; validation reads it as `Thresholds<Known<i64>>`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
struct Thresholds<N = i64> {
    data_backup_timeout_minutes: Option<N>,
    log_backup_delay_seconds: Option<N>,
    no_successful_data_backup_alarm_days: Option<N>,
    lib_ob_log_expire_days: Option<N>,
}

impl PolicyModel {
    /// The storage element (none before a read or import).
    fn storage(&self) -> Storage {
        self.storage
            .as_ref()
            .and_then(|l| l.first().cloned())
            .unwrap_or_default()
    }

    /// Whether the plan wants the schedule running (`schedule.enabled`, default `true`).
    fn wants_schedule(&self) -> bool {
        self.schedule
            .as_ref()
            .and_then(|s| s.enabled)
            .unwrap_or(true)
    }

    /// The strategy OCP reports (and the most recent backup's `status`), over `base`: what
    /// OCP never returns (secrets) and the user's spelling of equivalent values (times) stay.
    /// No field of OcpBackupStrategy is guaranteed (§3.8.3): what OCP leaves out keeps the
    /// base value (R6, [`keep_unreported`]), block by block and field by field.
    fn from_ocp(st: BackupStrategy, base: &PolicyModel, status: Option<String>) -> PolicyModel {
        let sc = st.ob_backup_schedule_config.unwrap_or_default();
        let mine = base.schedule.clone().unwrap_or_default().time;
        let storage = st.ob_backup_service_storage_config.map(|c| {
            let info = c.ob_backup_storage_base_info.unwrap_or_default();
            let key = (info.oss_access_key.or(info.s3_access_key))
                .or(info.cos_access_key)
                .unwrap_or_default();
            let kind = info.backup_storage_type.as_deref().map(user_storage_type);
            vec![Storage {
                name: c.config_name,
                kind,
                url: info.storage_url,
                endpoint: key.endpoint,
                region: key.region,
                app_id: key.app_id,
                access_key_id: key.access_key_id,
                // Write-only: OCP never returns it (§5 #27).
                access_key_secret: None,
            }]
        });
        let reported = PolicyModel {
            id: Some(base.of.id()),
            backup_mode: st.backup_mode,
            create_time: st.create_time,
            update_time: st.update_time,
            status,
            schedule: Some(Schedule {
                mode: sc.backup_schedule_mode,
                time: (sc.backup_schedule_time).map(|t| time_value(&t, mine.as_deref())),
                days: (sc.day_and_data_backup_model_map).map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), user_day_mode(v)))
                        .collect()
                }),
                enabled: sc.backup_schedule_enabled,
            }),
            log_backup: sc.start_log_backup,
            cleanup_enabled: sc.clean_enabled,
            cleanup_time: (sc.clean_schedule_time)
                .map(|t| time_value(&t, base.cleanup_time.as_deref())),
            retention_days: sc.backup_data_retention_days,
            thresholds: st.ob_backup_threshold_config.map(|t| Thresholds {
                data_backup_timeout_minutes: t.data_backup_timeout_minutes,
                log_backup_delay_seconds: t.log_backup_delay_seconds,
                no_successful_data_backup_alarm_days: t.no_successful_data_backup_alarm_days,
                lib_ob_log_expire_days: t.lib_ob_log_expire_days,
            }),
            storage,
            ..base.clone()
        };
        let mut m = keep_unreported(reported, base);
        // Switches neither OCP nor the base has are off.
        for on in [&mut m.log_backup, &mut m.cleanup_enabled] {
            on.get_or_insert(false);
        }
        if let Some(s) = &mut m.schedule {
            s.enabled.get_or_insert(false);
        }
        // A block the user left out stays out while OCP reports no thresholds.
        if base.thresholds.is_none() && m.thresholds == Some(Thresholds::default()) {
            m.thresholds = None;
        }
        m
    }
}

/// The complete strategy body from a plan (§5 #27: modify replaces everything).
fn body_of(plan: &PolicyModel) -> StrategyBody {
    let sched = plan.schedule.clone().unwrap_or_default();
    let st = plan.storage();
    let ty = st.kind.unwrap_or_else(|| "FILE".into());
    let key = (ty != "FILE").then(|| AccessKey {
        endpoint: st.endpoint,
        access_key_id: st.access_key_id,
        access_key_secret: st.access_key_secret.map(Secret::new),
        region: st.region,
        app_id: st.app_id,
    });
    let th = plan.thresholds.clone().unwrap_or_default();
    let mode = plan.backup_mode.as_deref().unwrap_or("PHYSICAL_BACKUP");
    StrategyBody {
        backup_mode: mode.into(),
        ob_backup_schedule_config: ScheduleConfig {
            backup_schedule_mode: sched.mode,
            backup_schedule_enabled: sched.enabled,
            backup_schedule_time: ocp_time(sched.time.as_deref()),
            day_and_data_backup_model_map: Some(
                sched
                    .days
                    .unwrap_or_default()
                    .iter()
                    .map(|(k, v)| (k.clone(), ocp_day_mode(v)))
                    .collect(),
            ),
            start_log_backup: plan.log_backup,
            clean_enabled: plan.cleanup_enabled,
            clean_schedule_time: ocp_time(plan.cleanup_time.as_deref()),
            backup_data_retention_days: plan.retention_days,
        },
        ob_backup_threshold_config: ThresholdConfig {
            data_backup_timeout_minutes: th.data_backup_timeout_minutes,
            log_backup_delay_seconds: th.log_backup_delay_seconds,
            no_successful_data_backup_alarm_days: th.no_successful_data_backup_alarm_days,
            lib_ob_log_expire_days: th.lib_ob_log_expire_days,
        },
        ob_backup_service_storage_config: StorageConfig {
            config_name: Some(st.name.unwrap_or_default()),
            ob_backup_storage_base_info: Some(StorageBaseInfo {
                backup_storage_type: Some(ocp_storage_type(&ty)),
                storage_url: Some(st.url.unwrap_or_default()),
                oss_access_key: if ty == "OSS" { key.clone() } else { None },
                s3_access_key: if ty == "S3" { key.clone() } else { None },
                cos_access_key: if ty == "COS" { key } else { None },
            }),
        },
    }
}

/// The status of the most recent data backup, as OCP reports it.
async fn last_status(client: &OcpClient, target: BackupTarget) -> Option<String> {
    let tasks = client.list_data_backup_tasks(target).await.ok()?;
    tasks
        .into_iter()
        .max_by_key(|t| t.id.unwrap_or(0))
        .and_then(|t| t.status)
}

/// Starts or stops the schedule when OCP's state differs from the plan's `schedule.enabled`
/// (OCP's start/stop schedule calls, synchronous). Returns whether it changed anything; an
/// error is reported as `action` on `schedule.enabled`.
async fn align_schedule(call: &mut Call<'_>, plan: &PolicyModel, action: &str) -> Step<bool> {
    let (client, target) = (call.client, plan.of);
    let aligned = async {
        let have = client
            .find_backup_strategy(target)
            .await?
            .and_then(|s| s.ob_backup_schedule_config)
            .and_then(|c| c.backup_schedule_enabled)
            .unwrap_or(false);
        match (have, plan.wants_schedule()) {
            (false, true) => client.start_backup_schedule(target).await.map(|()| true),
            (true, false) => client.stop_backup_schedule(target).await.map(|()| true),
            _ => Ok(false),
        }
    };
    aligned.await.map_err(|e| {
        let path = AttrPath::root("schedule").attr("enabled");
        report(call.diags, action, Some(path), &e);
        Fail::Reported
    })
}

/// What validation reads of a config: every value may still be unknown.
#[derive(Deserialize)]
struct PolicyConfig {
    backup_mode: Option<Known<String>>,
    cleanup_time: Option<Known<String>>,
    schedule: Option<Known<ScheduleConfigCheck>>,
    storage: Option<Known<Vec<Storage<Known<String>>>>>,
    thresholds: Option<Known<Thresholds<Known<i64>>>>,
}

/// The `schedule` block as validation reads it.
#[derive(Deserialize)]
struct ScheduleConfigCheck {
    mode: Option<Known<String>>,
    days: Option<Known<BTreeMap<String, Option<Known<String>>>>>,
}

/// The `schedule.days` checks: day numbers of the mode, kinds, at least one FULL day.
fn validate_days(
    mode: &str,
    days: &BTreeMap<String, Option<Known<String>>>,
    diags: &mut Diagnostics,
) {
    let days_path = AttrPath::root("schedule").attr("days");
    let max = if mode == "WEEK" { 7 } else { 31 };
    if days.is_empty() {
        diags.attr_error(
            days_path.clone(),
            "Invalid Backup Days",
            "Give at least one backup day.",
        );
    }
    for (k, v) in days {
        let path = days_path.key(k.clone());
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
        if let Some(m) = known(v) {
            if m != "FULL" && m != "INCREMENTAL" {
                diags.attr_error(
                    path,
                    "Invalid Backup Kind",
                    format!("Day {k:?} must be \"FULL\" or \"INCREMENTAL\", got {m:?}."),
                );
            }
        }
    }
    if !days.is_empty()
        && days
            .values()
            .all(|v| known(v).is_some_and(|m| m == "INCREMENTAL"))
    {
        diags.attr_error(
            days_path,
            "No Full Backup",
            "A schedule needs at least one FULL day: incremental backups build on a full one.",
        );
    }
}

/// The `storage` checks: the URL's form for the type, and the settings the type needs.
fn validate_storage(st: &Storage<Known<String>>, diags: &mut Diagnostics) {
    let (Some(ty), Some(url)) = (known(&st.kind), known(&st.url)) else {
        return;
    };
    let path = |a: &str| AttrPath::root("storage").index(0).attr(a);
    if url.contains("://") {
        diags.attr_error(path("url"), "Invalid Storage URL", format!("Write the destination without a protocol prefix (OCP adds it for the type), e.g. {:?}.", url.split("://").nth(1).unwrap_or("")));
    } else if ty == "FILE" && !url.starts_with('/') {
        diags.attr_error(
            path("url"),
            "Invalid Storage URL",
            format!(
                "A FILE destination is an absolute path such as \"/obbackup/t1\", got {url:?}."
            ),
        );
    }
    let extra = match ty.as_str() {
        "OSS" => None,
        "S3" => Some(("region", &st.region)),
        "COS" => Some(("app_id", &st.app_id)),
        _ => return,
    };
    let need = [
        Some(("endpoint", &st.endpoint)),
        extra,
        Some(("access_key_id", &st.access_key_id)),
        Some(("access_key_secret", &st.access_key_secret)),
    ];
    for (a, v) in need.into_iter().flatten() {
        if v.is_none() {
            diags.attr_error(
                path(a),
                "Missing Storage Setting",
                format!("{ty} storage needs `{a}`."),
            );
        }
    }
}

fn validate_policy(config: &Value, diags: &mut Diagnostics) {
    let Some(c) = read_model::<PolicyConfig>(config, diags) else {
        return;
    };
    if let Some(s) = known(&c.schedule) {
        if let (Some(mode), Some(days)) = (known(&s.mode), known(&s.days)) {
            validate_days(mode, days, diags);
        }
    }
    // Settings OCP documents for logical backup only (ocp-api.md §3.8.2): with physical
    // backup OceanBase cleans up by itself and OCP runs no log-backup component, so OCP need
    // not keep them, and a create could not promise them back.
    let physical = match &c.backup_mode {
        None => true,
        Some(m) => m.as_known().is_some_and(|m| m == "PHYSICAL_BACKUP"),
    };
    if physical {
        if matches!(c.cleanup_time, Some(Known::Value(_))) {
            diags.attr_error(
                AttrPath::root("cleanup_time"),
                "Cleanup Time Needs Logical Backup",
                "OCP uses cleanup_time only for LOGICAL_BACKUP strategies: with physical backup OceanBase runs the cleanup itself (ocp-api.md §3.8.2). Remove cleanup_time, or set backup_mode = \"LOGICAL_BACKUP\".",
            );
        }
        if known(&c.thresholds)
            .is_some_and(|t| matches!(t.lib_ob_log_expire_days, Some(Known::Value(_))))
        {
            diags.attr_error(
                AttrPath::root("thresholds").attr("lib_ob_log_expire_days"),
                "Log Component Setting Needs Logical Backup",
                "OCP uses lib_ob_log_expire_days only for LOGICAL_BACKUP strategies, whose log-backup component keeps those logs (ocp-api.md §3.8.2). Remove it, or set backup_mode = \"LOGICAL_BACKUP\".",
            );
        }
    }
    if let Some(st) = known(&c.storage).and_then(|l| l.first()) {
        validate_storage(st, diags);
    }
}

/// The `ocp_backup_policy` resource.
pub struct BackupPolicyResource;

#[tonic::async_trait]
impl OcpObject for BackupPolicyResource {
    type Model = PolicyModel;
    const TYPE_NAME: &'static str = "ocp_backup_policy";
    const NOUN: &'static str = "Backup Policy";
    /// OCP's strategy-body fields (the last name of the field an OCP error names, as the
    /// simulator and OCP write them) and the attributes they come from, but those named like
    /// their attributes, at the top level or in a block (see [`OcpObject::attr_of`] below;
    /// `storage` is the one-item list block).
    const FIELDS: &'static [(&'static str, &'static str)] = &[
        ("startLogBackup", "log_backup"),
        ("cleanEnabled", "cleanup_enabled"),
        ("cleanScheduleTime", "cleanup_time"),
        ("backupDataRetentionDays", "retention_days"),
        ("backupScheduleMode", "schedule.mode"),
        ("backupScheduleTime", "schedule.time"),
        ("dayAndDataBackupModelMap", "schedule.days"),
        ("backupScheduleEnabled", "schedule.enabled"),
        ("configName", "storage[0].name"),
        ("backupStorageType", "storage[0].type"),
        ("storageUrl", "storage[0].url"),
    ];

    fn schema(&self) -> Schema {
        Schema::new("The backup strategy of a tenant, or of a cluster when `tenant_id` is left out: schedule, storage, retention and alert thresholds. OCP's modify call replaces the whole strategy, so every change sends every setting.\n\n**What rests on OCP's documentation and what is inferred.** Reading a strategy, starting its schedule, creating a cluster's strategy, and modifying, stopping and deleting a tenant's strategy use calls OCP documents. Creating a tenant's strategy, and modifying, stopping and deleting a cluster's strategy, use the same `.../backup/config/backupStrategy` paths with the methods OCP documents for the other kind, because OCP's published pages do not show them. The name of the storage secret field (`accessKeySecret`) and the shape of the answer to create and modify are inferred too. Should a real OCP refuse one of these calls with 404 or 405, the error names the call.")
            .attr("id", Attr::string().computed().use_state_for_unknown().doc("`<cluster_id>/<tenant_id>` for a tenant policy, `<cluster_id>` for a cluster policy; also the import id."))
            .attr("cluster_id", Attr::int().required().requires_replace().doc("OCP id of the cluster. Changing it replaces the policy."))
            .attr("tenant_id", Attr::int().optional().requires_replace().doc("OCP id of the tenant; leave out for a cluster policy. Changing it replaces the policy."))
            .attr("backup_mode", Attr::string().default(Value::string("PHYSICAL_BACKUP")).validate(OneOf(&["PHYSICAL_BACKUP", "LOGICAL_BACKUP"])).doc("`PHYSICAL_BACKUP` or `LOGICAL_BACKUP`. Default `PHYSICAL_BACKUP`."))
            .attr("retention_days", Attr::int().optional().validate(IntBetween(1, 36_500)).doc("Days backups are kept before cleanup."))
            .attr("cleanup_enabled", Attr::bool().default(Value::Bool(false)).doc("Whether expired backups are cleaned up on a schedule. Default `false`."))
            .attr("cleanup_time", Attr::string().optional().validate(schedule_time()).doc("Time of day of the cleanup, in the format of `schedule.time`. `LOGICAL_BACKUP` only: with physical backup OceanBase runs the cleanup itself, so setting it there is refused at plan time."))
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

    async fn create(&self, call: &mut Call<'_>, plan: &PolicyModel) -> Step<Born<PolicyModel>> {
        let (client, body) = (call.client, body_of(plan));
        let created = client.create_backup_strategy(plan.of, &body).await;
        let created = created.map_err(|e| plan.of.fail(e))?;
        let existing = |st: BackupStrategy| {
            let (owner, attr) = match plan.of.tenant_id {
                Some(t) => (
                    format!("tenant {t} of cluster {}", plan.of.cluster_id),
                    "tenant_id",
                ),
                None => (format!("cluster {}", plan.of.cluster_id), "cluster_id"),
            };
            let id = st.id.map(|i| format!(" (OCP id {i})")).unwrap_or_default();
            (
                format!("a backup strategy{id} for {owner}"),
                plan.of.id(),
                attr,
            )
        };
        // Made by this create's unanswered POST: read back after the create.
        let tasks =
            owned::<Self, _, _>(call.diags, created, |_| true, existing)?.unwrap_or_default();
        let state = PolicyModel {
            id: Some(plan.of.id()),
            ..plan.clone()
        };
        Ok(Born::waiting(state, tasks))
    }

    /// OCP's create may leave the schedule as it likes: start or stop it as planned.
    async fn after_create(&self, call: &mut Call<'_>, w: Written<'_, PolicyModel>) -> Step {
        let Written { plan, state } = w;
        if align_schedule(call, plan, "Start Backup Schedule").await? {
            if let Some(m) = self.read(call.client, state).await? {
                *state = m;
            }
        }
        Ok(())
    }

    async fn read(&self, client: &OcpClient, base: &PolicyModel) -> Found<PolicyModel> {
        let target = base.of;
        let Some(st) = client.find_backup_strategy(target).await? else {
            return Ok(None);
        };
        let status = last_status(client, target).await;
        Ok(Some(PolicyModel::from_ocp(st, base, status)))
    }

    /// Sends the whole strategy when anything but `schedule.enabled` changed, then starts or
    /// stops the schedule. On a failure the read-back keeps the prior's secret.
    async fn update(&self, call: &mut Call<'_>, c: Change<'_, PolicyModel>) -> Step {
        let Change { prior, plan, base } = c;
        let strategy = |m: &PolicyModel| PolicyModel {
            status: None,
            update_time: None,
            schedule: m.schedule.clone().map(|s| Schedule { enabled: None, ..s }),
            ..m.clone()
        };
        let changed = async {
            if strategy(prior) != strategy(plan) {
                let body = body_of(plan);
                let tasks = call.client.modify_backup_strategy(plan.of, &body).await?;
                call.wait(&tasks).await?;
            }
            align_schedule(call, plan, "Change Backup Schedule").await
        };
        let r = changed.await;
        if r.is_err() {
            *base = prior.clone();
        }
        r.map(|_| ())
    }

    async fn delete(&self, call: &mut Call<'_>, state: &PolicyModel) -> Step {
        if let Some(tasks) = call.client.delete_backup_strategy(state.of).await? {
            wait_ids(call.client, call.ctx, &tasks, call.deadline).await?;
        }
        Ok(())
    }

    async fn import(&self, _client: Option<&OcpClient>, id: &str) -> Imported<PolicyModel> {
        Ok(PolicyModel {
            of: BackupTarget::of_id(id)?,
            ..PolicyModel::default()
        })
    }
}

/// `data "ocp_backup_policy"`: the backup strategy of a tenant or cluster.
pub struct BackupPolicyDataSource;

#[tonic::async_trait]
impl OcpData for BackupPolicyDataSource {
    type Config = PolicyModel;
    type State = PolicyModel;
    const TYPE_NAME: &'static str = "ocp_backup_policy";
    const ACTION: &'static str = "Read Backup Policy";

    fn schema(&self) -> Schema {
        let resource = BackupPolicyResource.schema();
        let about = "Reads the backup strategy of a tenant, or of a cluster when `tenant_id` is left out. `configured` tells whether there is one.";
        let tenant = "OCP id of the tenant; leave out for the cluster's policy.";
        let s = BackupTarget::arguments(Schema::new(about), "OCP id of the cluster.", tenant);
        // What the resource has but the arguments, computed; blocks cannot be computed, so
        // they are computed object attributes.
        let reported: Vec<&str> = (resource.block.attributes.iter())
            .map(|(n, _)| n.as_str())
            .filter(|n| !["cluster_id", "tenant_id"].contains(n))
            .collect();
        let blocks = (resource.block.blocks.iter()).filter(|(n, _)| n != "timeouts");
        let s = blocks.fold(s.reported(&resource, &reported), |s, (name, b)| {
            let desc = b.block.description.clone();
            s.attr(name, Attr::of(b.value_type()).computed().doc(desc))
        });
        s.attr(
            "configured",
            Attr::bool()
                .computed()
                .doc("Whether the tenant or cluster has a backup strategy."),
        )
    }

    async fn read(
        &self,
        client: &OcpClient,
        config: PolicyModel,
        _: &mut Diagnostics,
    ) -> Step<PolicyModel> {
        let target = config.of;
        Ok(match client.find_backup_strategy(target).await? {
            Some(st) => PolicyModel {
                configured: Some(true),
                ..PolicyModel::from_ocp(st, &config, last_status(client, target).await)
            },
            None => PolicyModel {
                id: Some(config.of.id()),
                configured: Some(false),
                ..config
            },
        })
    }
}

/// `data "ocp_backup_tasks"`: recent data and log backups of a tenant or cluster.
pub struct BackupTasksDataSource;

/// The model of `data "ocp_backup_tasks"`.
#[derive(Serialize, Deserialize)]
pub struct TasksModel {
    #[serde(flatten)]
    of: BackupTarget,
    data_backups: Option<Vec<TaskRow>>,
    log_backups: Option<Vec<TaskRow>>,
    last_data_backup_status: Option<String>,
}

/// A row of `data_backups` or `log_backups`: the fields a list's type lacks stay `None` and
/// are not written.
#[derive(Serialize, Deserialize)]
pub struct TaskRow {
    id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_set_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mode: Option<String>,
    status: Option<String>,
    start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checkpoint: Option<String>,
}

#[tonic::async_trait]
impl OcpData for BackupTasksDataSource {
    type Config = TasksModel;
    type State = TasksModel;
    const TYPE_NAME: &'static str = "ocp_backup_tasks";
    const ACTION: &'static str = "List Backup Tasks";

    fn schema(&self) -> Schema {
        // Every row has `id`, `status` and `start_time`; a data backup's and a log backup's add
        // their own.
        let row = |more: &[(&str, Type)]| {
            let every = [
                ("id", Type::Number),
                ("status", Type::String),
                ("start_time", Type::String),
            ];
            Type::object(every.iter().chain(more).cloned())
        };
        let data_task = row(&[
            ("backup_set_id", Type::Number),
            ("mode", Type::String),
            ("end_time", Type::String),
        ]);
        let log_task = row(&[("checkpoint", Type::String)]);
        let about = "Recent data-backup and log-backup tasks of a tenant (or of a cluster without `tenant_id`), so a CI job can check that backups actually run.\n\nThe tenant task lists use calls OCP documents; the cluster task lists use the same paths under the cluster, inferred because OCP's published pages do not show them.";
        let tenant = "OCP id of the tenant; leave out for the cluster's tasks.";
        BackupTarget::arguments(Schema::new(about), "OCP id of the cluster.", tenant)
            .attr("data_backups", Attr::list(data_task).computed().doc("Data backups, newest first: `id`, `backup_set_id`, `mode` (`FULL` or `INCREMENTAL`), `status` (`DOING`, `DONE`, `FAILED`, ...), `start_time`, `end_time`."))
            .attr("log_backups", Attr::list(log_task).computed().doc("Log backups, newest first: `id`, `status` (`INPROGRESS`, `STOPPED`, ...), `start_time`, `checkpoint`."))
            .attr("last_data_backup_status", Attr::string().computed().doc("Status of the newest data backup, null when there is none."))
    }

    async fn read(
        &self,
        client: &OcpClient,
        mut m: TasksModel,
        _: &mut Diagnostics,
    ) -> Step<TasksModel> {
        let target = m.of;
        let (mut data, mut log) = match (
            client.list_data_backup_tasks(target).await,
            client.list_log_backup_tasks(target).await,
        ) {
            (Ok(d), Ok(l)) => (d, l),
            (Err(err), _) | (_, Err(err)) => return Err(m.of.fail(err)),
        };
        data.sort_by_key(|t| std::cmp::Reverse(t.id.unwrap_or(0)));
        log.sort_by_key(|t| std::cmp::Reverse(t.id.unwrap_or(0)));
        m.last_data_backup_status = data.first().and_then(|t| t.status.clone());
        let row = |t: BackupTask, data: bool| TaskRow {
            id: t.id,
            backup_set_id: t.backup_set_id.filter(|_| data),
            mode: t
                .data_backup_mode
                .as_deref()
                .map(user_day_mode)
                .filter(|_| data),
            status: t.status,
            start_time: t.start_time,
            end_time: t.end_time.filter(|_| data),
            checkpoint: t.checkpoint.filter(|_| !data),
        };
        m.data_backups = Some(data.into_iter().map(|t| row(t, true)).collect());
        m.log_backups = Some(log.into_iter().map(|t| row(t, false)).collect());
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::from_value;

    fn model(v: Value) -> PolicyModel {
        from_value(&v).unwrap()
    }

    /// A policy of tenant 2 of cluster 1 with every part set: a weekly full backup at 02:00
    /// to an OSS bucket.
    fn weekly_oss_policy() -> PolicyModel {
        model(Value::object([
            ("cluster_id", Value::from_i64(1)),
            ("tenant_id", Value::from_i64(2)),
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
        ]))
    }

    #[test]
    fn a_strategy_with_only_its_id_keeps_every_prior_value() {
        // No field of OcpBackupStrategy but `id` is guaranteed (§3.8.3).
        let st: BackupStrategy =
            serde_json::from_value(serde_json::json!({"id": 42, "extInfo": {}})).unwrap();
        let base = weekly_oss_policy();
        let s = PolicyModel::from_ocp(st, &base, None);
        assert!(s.backup_mode == base.backup_mode, "backup_mode");
        assert!(s.retention_days == base.retention_days, "retention_days");
        assert!(s.log_backup == base.log_backup, "log_backup");
        assert!(s.schedule == base.schedule, "schedule");
        assert!(s.storage == base.storage, "storage");
        assert_eq!(s.id.as_deref(), Some("1/2"));
    }

    #[test]
    fn what_ocp_reports_replaces_the_prior_and_the_secret_stays() {
        let st: BackupStrategy = serde_json::from_value(serde_json::json!({
            "id": 42,
            "obBackupScheduleConfig": {"dayAndDataBackupModelMap": {"1": "FULL_BACKUP"},
                                       "backupScheduleTime": "02:00:00.000+08:00"},
            "obBackupThresholdConfig": {},
            "obBackupServiceStorageConfig": {"configName": "oss-new",
                "obBackupStorageBaseInfo": {"backupStorageType": "BACKUP_STORAGE_OSS",
                                            "storageUrl": "b/t2"}}
        }))
        .unwrap();
        let base = model(Value::object([
            ("cluster_id", Value::from_i64(1)),
            (
                "schedule",
                Value::object([
                    ("time", Value::string("02:00+08:00")),
                    (
                        "days",
                        Value::map([("1", Value::string("FULL")), ("4", Value::string("FULL"))]),
                    ),
                ]),
            ),
            (
                "storage",
                Value::List(vec![Value::object([
                    ("name", Value::string("oss-main")),
                    ("access_key_secret", Value::string("SK")),
                ])]),
            ),
        ]));
        let s = PolicyModel::from_ocp(st, &base, Some("DONE".into()));
        let sched = s.schedule.clone().unwrap_or_default();
        let days: Vec<(&str, &str)> = sched
            .days
            .iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(days, [("1", "FULL")], "OCP's map replaces the prior's");
        assert_eq!(
            sched.time.as_deref(),
            Some("02:00+08:00"),
            "the user's spelling stays"
        );
        assert_eq!(sched.enabled, Some(false));
        assert_eq!(
            (s.log_backup, s.cleanup_enabled),
            (Some(false), Some(false))
        );
        assert!(s.thresholds.is_none(), "a block left out stays out");
        let storage = s.storage();
        assert_eq!(storage.name.as_deref(), Some("oss-new"));
        assert_eq!(storage.kind.as_deref(), Some("OSS"));
        assert_eq!(storage.access_key_secret.as_deref(), Some("SK"));
        assert_eq!(
            (s.id.as_deref(), s.status.as_deref()),
            (Some("1"), Some("DONE"))
        );
    }

    #[test]
    fn schedule_times_map_between_the_users_and_ocps_forms() {
        let t = parse_time("02:00").unwrap();
        assert_eq!(
            ocp_time(Some("02:00")).as_deref(),
            Some("02:00:00.000+08:00")
        );
        assert_eq!(parse_time("02:00:00.000+08:00"), Some(t));
        assert_eq!(
            ocp_time(Some("23:30+00:00")).as_deref(),
            Some("23:30:00.000+00:00")
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
            assert!(ocp_time(Some(bad)).is_none(), "{bad}");
        }
        assert_eq!(
            time_value("02:00:00.000+08:00", Some("02:00+08:00")),
            "02:00+08:00"
        );
        assert_eq!(time_value("03:15:00.000+08:00", Some("02:00")), "03:15");
        assert_eq!(time_value("03:15:00.000+00:00", None), "03:15+00:00");
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
        for (mode, day, kind, url, want) in [
            ("WEEK", "8", "FULL", "/b", "schedule.days[\"8\"]"),
            ("WEEK", "1", "DIFF", "/b", "schedule.days[\"1\"]"),
            ("MONTH", "31", "INCREMENTAL", "/b", "schedule.days"),
            ("WEEK", "1", "FULL", "oss://b", "storage[0].url"),
            ("WEEK", "1", "FULL", "b/c", "storage[0].url"),
        ] {
            assert_eq!(paths(cfg(mode, &[(day, kind)], "FILE", url)), vec![want]);
        }
        let oss = paths(cfg("WEEK", &[("1", "FULL")], "OSS", "bucket/dir"));
        assert!(
            oss.contains(&"storage[0].endpoint".to_string())
                && oss.contains(&"storage[0].access_key_secret".to_string())
        );
        assert!(paths(cfg("MONTH", &[("31", "FULL")], "FILE", "/b")).is_empty());
    }

    #[test]
    fn the_body_always_carries_every_part() {
        let plan = weekly_oss_policy();
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

    #[test]
    fn ocp_errors_point_at_the_attribute_of_the_field_they_name() {
        let api = |message: &str| ClientError::Api {
            method: "PATCH",
            path: "/api/v2/ob/clusters/1/tenants/2/backup/config/backupStrategy".into(),
            http_status: 400,
            code: Some("ILLEGAL_ARGUMENT".into()),
            message: message.into(),
            trace_id: None,
        };
        let at = |message: &str| {
            BackupPolicyResource
                .attr_of(&api(message), &PolicyModel::default())
                .map(|p| p.to_string())
        };
        for (message, want) in [
            ("invalid obBackupServiceStorageConfig.obBackupStorageBaseInfo.storageUrl: a FILE url is an absolute path", "storage[0].url"),
            ("obBackupServiceStorageConfig.obBackupStorageBaseInfo.ossAccessKey.endpoint is required", "storage[0].endpoint"),
            ("invalid obBackupScheduleConfig.backupScheduleTime: \"25:00\" is not a time", "schedule.time"),
            ("invalid obBackupThresholdConfig.libObLogExpireDays: 0, must be a positive integer", "thresholds.lib_ob_log_expire_days"),
            ("invalid backupMode: \"X\" is not one of PHYSICAL_BACKUP, LOGICAL_BACKUP", "backup_mode"),
            ("obBackupServiceStorageConfig.obBackupStorageBaseInfo.cosAccessKey.appId is required", "storage[0].app_id"),
            ("invalid obBackupScheduleConfig.backupScheduleEnabled: null", "schedule.enabled"),
        ] {
            assert_eq!(at(message).as_deref(), Some(want), "{message}");
        }
        assert_eq!(at("the tenant is busy"), None);
    }
}
