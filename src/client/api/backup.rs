//! Backup strategies of a cluster or a tenant (ocp-api.md §3.8; §2 tasks; §5 #16, #25, #27,
//! #28).
//!
//! A strategy belongs to a [`BackupTarget`]: a tenant (`.../clusters/{id}/tenants/{tenantId}`)
//! or, with no tenant, a cluster (`.../clusters/{id}`). Every backup path is built by
//! [`backup_path`] from the table below; the serde names of the bodies are on the structs of
//! this file and mirror §3.8.2/§3.8.3.
//!
//! # What follows OCP's documentation and what is inferred
//!
//! Paths (relative to the cluster or tenant base; `D` = OCP docs, `C-ui` = OCP web-console
//! code, see the reference's source tags):
//!
//! | Call | Method + path | Tenant | Cluster |
//! |---|---|---|---|
//! | find | `GET  .../backup/config/backupStrategy` | D | D |
//! | create | `POST .../backup/config/backupStrategy` | **inferred** (§3.8.1, §5 #16) | D |
//! | modify | `PATCH .../backup/config/backupStrategy` | D | **inferred** (§3.8.1, §5 #16) |
//! | delete | `DELETE .../backup/config/backupStrategy` | D | **inferred** (§3.8.1, §5 #16) |
//! | start schedule | `POST .../backup/config/backupStrategy/startSchedule` | D | D |
//! | stop schedule | `POST .../backup/config/backupStrategy/stopSchedule` | D | **inferred** (§3.8.1, §5 #16) |
//! | data-backup tasks | `GET .../backup/task/dataBackupTasks` | D | **inferred** (§3.8.1, §5 #16) |
//! | log-backup tasks | `GET .../backup/task/logBackupTasks` | D | **inferred** (§3.8.1, §5 #16) |
//!
//! Shapes and semantics:
//!
//! | Fact | As built here | Source |
//! |---|---|---|
//! | "no strategy" | GET answers `data` without `id` (or no `data`, or 404) → `None` | C-ui (§3.8.1) |
//! | answers of create / modify | `BackupCommonResponse` | **inferred** (§3.8.1: pages cut before the response); delete: D |
//! | failure of a write | envelope `successful` **and** every `beSuccessful` (a `false` one → [`ClientError::Api`], HTTP 200, with `errorCode`/`hint`) | D, §3.8.4 |
//! | async work | the ids of every `taskIdList` are ordinary task instances, waited on with [`OcpClient::wait_task`]; empty = done | **inferred** (§3.8.4, §5 #25) |
//! | `errorCode` | an object of unknown shape: kept as JSON; `code`/`message` members used when present | D names only the type |
//! | secret of a storage key | `accessKeySecret` in `ossAccessKey`, `s3AccessKey` and `cosAccessKey` | **inferred** (§3.8.2, §5 #16) |
//! | secrets on GET | masked or omitted by OCP; never read here ([`AccessKey::access_key_secret`] is always `None` after a find) | **inferred** (§3.8.3, §5 #27) |
//! | `s3AccessKey.region`, `cosAccessKey.appId` | names from the console code | C-ui |
//! | `startLogBackup`, `cleanEnabled`, `cleanScheduleTime`, `backupDataRetentionDays` | optional, sent only when set | C-ui, required flags **inferred** (§5 #16) |
//! | `obBackupThresholdConfig` members | all optional, sent only when set | names C-ui, required flags **inferred** (§5 #16) |
//! | modify | the complete strategy every time (a full replacement, not a sparse patch) | D marks all four members required; §5 #27 |
//! | `dayAndDataBackupModelMap` keys | WEEK `1`..`7` = Mon..Sun, MONTH `1`..`31`, sent as given | D example; MONTH **inferred** (§5 #28) |
//! | task list items | `{id, backupSetId, backupMode, dataBackupMode, status, startTime, endTime, checkpoint}`; `data.contents` with or without `page`, or a bare array | **inferred**: the wrapper types' fields were not readable (§3.8.1); our decision, shared with the simulator |
//!
//! Not modelled (deliberately): secondary backup (`secondaryBackupEnabled`,
//! `obSecondaryBackupConfig`), `customBackupRangeList`, `serviceName`,
//! `alarmStoragePercentageThreshold`, backup-now and restore. As modify is a full
//! replacement, a strategy whose fields were set outside this client may lose them on modify.
//!
//! # Retrying (design rule R2)
//!
//! * create: [`OcpClient::post_create`] with [`OcpClient::find_backup_strategy`] as the
//!   look-up; a strategy the target had before is `Existing` (never adopted); one found
//!   after this call's POST went unanswered is `Adopted` (no task ids: the caller reads it).
//! * modify: a PATCH with the complete strategy leaves the same state when repeated, so it is
//!   retried on transient failures like the client's PUT.
//! * delete: the client's DELETE (retried on transient failures); a 404 means already gone.
//! * start / stop schedule: [`OcpClient::post_idempotent`] (they set a switch).
//!
//! Secrets: access-key secrets travel as [`Secret`] (`Debug` prints `***`, the JSON body
//! carries the value, the client never logs bodies). An OCP error text that echoes one has it
//! replaced by `***` before the error leaves this module.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::not_found_as_none;
use crate::client::de::{
    de_opt_bool, de_opt_i64, de_opt_object, de_opt_string, de_vec, de_vec_i64,
};
use crate::client::{ClientError, OcpClient, Secret};

/// Base path of the cluster family (§3.8.1: both bases start here).
const CLUSTERS: &str = "/api/v2/ob/clusters";

/// Whose strategy: a tenant's or (tenant `None`) a cluster's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupTarget {
    /// OCP cluster id.
    pub cluster_id: i64,
    /// OCP tenant id; `None` for the cluster's own strategy.
    pub tenant_id: Option<i64>,
}

impl BackupTarget {
    /// A cluster's strategy.
    pub fn cluster(cluster_id: i64) -> Self {
        BackupTarget {
            cluster_id,
            tenant_id: None,
        }
    }

    /// A tenant's strategy.
    pub fn tenant(cluster_id: i64, tenant_id: i64) -> Self {
        BackupTarget {
            cluster_id,
            tenant_id: Some(tenant_id),
        }
    }
}

/// The backup calls of §3.8.1, each one path under the target's base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BackupCall {
    /// The strategy itself: GET, POST (create), PATCH (modify), DELETE.
    Strategy,
    /// Start scheduled backups.
    StartSchedule,
    /// Stop scheduled backups.
    StopSchedule,
    /// Data-backup task history.
    DataBackupTasks,
    /// Log-backup task history.
    LogBackupTasks,
}

/// The one function that builds backup paths (ocp-api.md §3.8.1; which of them are inferred
/// is in the module table). Base: `/api/v2/ob/clusters/{id}` or
/// `/api/v2/ob/clusters/{id}/tenants/{tenantId}`.
fn backup_path(target: BackupTarget, call: BackupCall) -> String {
    let base = match target.tenant_id {
        Some(t) => format!("{CLUSTERS}/{}/tenants/{t}", target.cluster_id),
        None => format!("{CLUSTERS}/{}", target.cluster_id),
    };
    let rest = match call {
        BackupCall::Strategy => "backup/config/backupStrategy",
        BackupCall::StartSchedule => "backup/config/backupStrategy/startSchedule",
        BackupCall::StopSchedule => "backup/config/backupStrategy/stopSchedule",
        BackupCall::DataBackupTasks => "backup/task/dataBackupTasks",
        BackupCall::LogBackupTasks => "backup/task/logBackupTasks",
    };
    format!("{base}/{rest}")
}

// ---------------------------------------------------------------------------------------------
// Shapes (§3.8.2, §3.8.3)
// ---------------------------------------------------------------------------------------------

/// A strategy as OCP reports it (`OcpBackupStrategy`, §3.8.3). Every field is optional: OCP
/// answers without `id` when no strategy is configured.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupStrategy {
    /// Strategy id (`None` = not configured).
    #[serde(default, deserialize_with = "de_opt_i64")]
    pub id: Option<i64>,
    /// Creation time.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub create_time: Option<String>,
    /// Last change.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub update_time: Option<String>,
    /// OCP cluster id.
    #[serde(default, deserialize_with = "de_opt_i64")]
    pub cluster_id: Option<i64>,
    /// Cluster name.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub cluster_name: Option<String>,
    /// OceanBase's own cluster id.
    #[serde(default, deserialize_with = "de_opt_i64")]
    pub ob_cluster_id: Option<i64>,
    /// OCP tenant id (tenant strategies).
    #[serde(default, deserialize_with = "de_opt_i64")]
    pub tenant_id: Option<i64>,
    /// Tenant name (tenant strategies).
    #[serde(default, deserialize_with = "de_opt_string")]
    pub tenant_name: Option<String>,
    /// OceanBase's own tenant id (tenant strategies).
    #[serde(default, deserialize_with = "de_opt_i64")]
    pub ob_tenant_id: Option<i64>,
    /// `CLUSTER` or `TENANT`.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub backup_dimension: Option<String>,
    /// `BACKUP` or `SECONDARY_BACKUP`.
    #[serde(default, rename = "type", deserialize_with = "de_opt_string")]
    pub strategy_type: Option<String>,
    /// `LOGICAL_BACKUP` or `PHYSICAL_BACKUP`.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub backup_mode: Option<String>,
    /// Destination; its access-key secrets are never read (§5 #27).
    #[serde(default, deserialize_with = "de_opt_object")]
    pub ob_backup_service_storage_config: Option<StorageConfig>,
    /// Schedule, log backup and cleanup.
    #[serde(default, deserialize_with = "de_opt_object")]
    pub ob_backup_schedule_config: Option<ScheduleConfig>,
    /// Alert thresholds.
    #[serde(default, deserialize_with = "de_opt_object")]
    pub ob_backup_threshold_config: Option<ThresholdConfig>,
    /// Physical backup: start a major compaction when a backup needs one (C-ui).
    #[serde(default, deserialize_with = "de_opt_bool")]
    pub auto_compact_enabled: Option<bool>,
    /// Secondary backup switch (read only here; not modelled in writes).
    #[serde(default, deserialize_with = "de_opt_bool")]
    pub secondary_backup_enabled: Option<bool>,
}

/// `obBackupScheduleConfig` (§3.8.2). `None` fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleConfig {
    /// `WEEK` or `MONTH`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub backup_schedule_mode: Option<String>,
    /// Scheduled-backup switch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_bool"
    )]
    pub backup_schedule_enabled: Option<bool>,
    /// Time of day with offset, e.g. `02:00:00.000+08:00`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub backup_schedule_time: Option<String>,
    /// Day number (as a string) → `FULL_BACKUP` / `INCREMENTAL_BACKUP` (§5 #28). Always sent;
    /// `None` when OCP's answer leaves it out.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string_map"
    )]
    pub day_and_data_backup_model_map: Option<BTreeMap<String, String>>,
    /// Log backup (archiving) on/off (C-ui).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_bool"
    )]
    pub start_log_backup: Option<bool>,
    /// Scheduled cleanup of expired backups (C-ui).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_bool"
    )]
    pub clean_enabled: Option<bool>,
    /// Cleanup time, logical backup only (C-ui).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub clean_schedule_time: Option<String>,
    /// Retention of backup files in days (C-ui).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub backup_data_retention_days: Option<i64>,
}

/// `obBackupThresholdConfig` (§3.8.2, names from C-ui). `None` fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThresholdConfig {
    /// Alert when one data backup runs longer than this.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub data_backup_timeout_minutes: Option<i64>,
    /// Alert when log backup lags behind by more than this.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub log_backup_delay_seconds: Option<i64>,
    /// Alert when no data backup succeeded within this many days.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub no_successful_data_backup_alarm_days: Option<i64>,
    /// Logical backup only: days to keep the log-backup component's own logs.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub lib_ob_log_expire_days: Option<i64>,
}

/// `obBackupServiceStorageConfig` (§3.8.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageConfig {
    /// Name of the storage configuration (always sent; `None` when an answer leaves it out).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub config_name: Option<String>,
    /// Type, URL and keys (always sent; `None` when an answer leaves it out).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_object"
    )]
    pub ob_backup_storage_base_info: Option<StorageBaseInfo>,
}

/// `obBackupStorageBaseInfo` (§3.8.2). Absent keys are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageBaseInfo {
    /// `BACKUP_STORAGE_FILE`, `BACKUP_STORAGE_OSS`, `BACKUP_STORAGE_COS`, `BACKUP_STORAGE_S3`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub backup_storage_type: Option<String>,
    /// Directory without protocol prefix: `/obbackup/` (FILE) or `bucket/dir`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub storage_url: Option<String>,
    /// OSS key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_object"
    )]
    pub oss_access_key: Option<AccessKey>,
    /// S3 key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_object"
    )]
    pub s3_access_key: Option<AccessKey>,
    /// COS key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_object"
    )]
    pub cos_access_key: Option<AccessKey>,
}

impl StorageBaseInfo {
    /// The secrets of every key present (for masking error texts).
    fn secrets(&self) -> impl Iterator<Item = &Secret> {
        [
            &self.oss_access_key,
            &self.s3_access_key,
            &self.cos_access_key,
        ]
        .into_iter()
        .flatten()
        .filter_map(|k| k.access_key_secret.as_ref())
    }
}

/// An object-store key: `ossAccessKey`, `s3AccessKey` or `cosAccessKey` (§3.8.2). Absent
/// fields are not sent.
///
/// The secret is serialised with its value (request bodies only), prints `***` in `Debug`,
/// and is never read from OCP: after a find it is always `None` (§5 #27).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKey {
    /// Service endpoint, e.g. `oss-cn-hangzhou.aliyuncs.com`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub endpoint: Option<String>,
    /// Access key id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub access_key_id: Option<String>,
    /// Access key secret (field name inferred, §5 #16). Write-only.
    #[serde(default, skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub access_key_secret: Option<Secret>,
    /// Region (S3).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub region: Option<String>,
    /// App id (COS).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub app_id: Option<String>,
}

/// Body of create and modify (§3.8.2): the **complete** strategy. Modify is a full
/// replacement (§5 #27), so send every member every time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StrategyBody {
    /// `LOGICAL_BACKUP` or `PHYSICAL_BACKUP`.
    pub backup_mode: String,
    /// Schedule, log backup and cleanup.
    pub ob_backup_schedule_config: ScheduleConfig,
    /// Alert thresholds.
    pub ob_backup_threshold_config: ThresholdConfig,
    /// Destination.
    pub ob_backup_service_storage_config: StorageConfig,
}

impl StrategyBody {
    fn secrets(&self) -> impl Iterator<Item = &Secret> {
        self.ob_backup_service_storage_config
            .ob_backup_storage_base_info
            .iter()
            .flat_map(StorageBaseInfo::secrets)
    }
}

/// `BackupCommonResponse`: the `data` of every backup write (§3.8.3).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupCommonResponse {
    /// Operation kind, e.g. `CREATE_BACKUP_STRATEGY`.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub ob_backup_task_type: Option<String>,
    /// One entry per affected object.
    #[serde(default, deserialize_with = "de_vec")]
    pub backup_object_ops_result_list: Vec<OpsResult>,
}

/// One entry of `backupObjectOpsResultList` (§3.8.3).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpsResult {
    /// Per-object success (`false` = the operation failed for this object).
    #[serde(default, deserialize_with = "de_opt_bool")]
    pub be_successful: Option<bool>,
    /// Tasks to wait on (present only for asynchronous operations).
    #[serde(default, deserialize_with = "de_vec_i64")]
    pub task_id_list: Vec<i64>,
    /// Per-object error (an object of unknown shape, kept as JSON).
    #[serde(default)]
    pub error_code: Option<Value>,
    /// Prompt text.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub hint: Option<String>,
}

/// One row of `dataBackupTasks` / `logBackupTasks` (§3.8.1; fields inferred, see the module
/// table).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupTask {
    /// Row id.
    #[serde(default, deserialize_with = "de_opt_i64")]
    pub id: Option<i64>,
    /// Backup set of a data backup.
    #[serde(default, deserialize_with = "de_opt_i64")]
    pub backup_set_id: Option<i64>,
    /// `LOGICAL_BACKUP` / `PHYSICAL_BACKUP`.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub backup_mode: Option<String>,
    /// `FULL_BACKUP` / `INCREMENTAL_BACKUP` (data backups).
    #[serde(default, deserialize_with = "de_opt_string")]
    pub data_backup_mode: Option<String>,
    /// Data backup: `BEGINNING` .. `DONE`, `FAILED`, ...; log backup: `STARTING`,
    /// `INPROGRESS`, ... (§3.8.1).
    #[serde(default, deserialize_with = "de_opt_string")]
    pub status: Option<String>,
    /// Start time.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub start_time: Option<String>,
    /// End time.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub end_time: Option<String>,
    /// Log backup: the point in time archived up to.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub checkpoint: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Tolerant decoding helpers
// ---------------------------------------------------------------------------------------------

/// Like [`de_string_map`], `None` when absent or null.
fn de_opt_string_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(v) => de_string_map(v).map(Some).map_err(serde::de::Error::custom),
    }
}

/// A map of strings; numbers and booleans as text; a null map is empty and a null value is no
/// entry (a day without a backup). Any other value is an error naming its key, never skipped
/// (R6: a day that vanished would read as drift).
fn de_string_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(m)) => m
            .into_iter()
            .filter_map(|(k, v)| match v {
                Value::Null => None,
                Value::String(s) => Some(Ok((k, s))),
                Value::Number(n) => Some(Ok((k, n.to_string()))),
                Value::Bool(b) => Some(Ok((k, b.to_string()))),
                other => Some(Err(serde::de::Error::custom(format!(
                    "[{k:?}]: expected a string, got {}",
                    crate::client::envelope::json_kind(&other)
                )))),
            })
            .collect(),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a map, got {}",
            crate::client::envelope::json_kind(&other)
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// Answers of writes
// ---------------------------------------------------------------------------------------------

/// Reads the `data` of a backup write (§3.8.4): no `data` (or `true`) = done, no tasks; an
/// object is a `BackupCommonResponse` whose every `beSuccessful` must not be `false`. Returns
/// the ids of every `taskIdList`, in order, without duplicates.
fn write_result(method: &'static str, path: &str, data: Value) -> Result<Vec<i64>, ClientError> {
    let resp: BackupCommonResponse = match data {
        Value::Null | Value::Bool(true) => return Ok(Vec::new()),
        v @ Value::Object(_) => serde_json::from_value(v).map_err(|e| ClientError::Decode {
            method,
            path: path.to_owned(),
            message: format!("the backup result has an unexpected shape ({e})"),
        })?,
        other => {
            return Err(ClientError::Decode {
                method,
                path: path.to_owned(),
                message: format!(
                    "data is {}, expected a backup result object",
                    crate::client::envelope::json_kind(&other)
                ),
            })
        }
    };
    let failed: Vec<&OpsResult> = resp
        .backup_object_ops_result_list
        .iter()
        .filter(|r| r.be_successful == Some(false))
        .collect();
    if let Some(first) = failed.first() {
        let operation = resp
            .ob_backup_task_type
            .as_deref()
            .unwrap_or("the backup operation");
        let reasons: Vec<String> = failed.iter().map(|r| failure_reason(r)).collect();
        return Err(ClientError::Api {
            method,
            path: path.to_owned(),
            http_status: 200,
            code: first.error_code.as_ref().and_then(error_code_text),
            message: format!(
                "OCP reported {operation} as unsuccessful: {}",
                reasons.join("; ")
            ),
            trace_id: None,
        });
    }
    let mut ids: Vec<i64> = Vec::new();
    for id in resp
        .backup_object_ops_result_list
        .into_iter()
        .flat_map(|r| r.task_id_list)
    {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The code of an `errorCode`: a string or number as is; of an object its `code` (or
/// `errorCode`, `name`) member.
fn error_code_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => ["code", "errorCode", "name"]
            .iter()
            .find_map(|k| o.get(*k).and_then(error_code_text)),
        _ => None,
    }
}

/// The words of one failed entry: the hint, else the errorCode's message, else the errorCode
/// as JSON, else a generic text.
fn failure_reason(r: &OpsResult) -> String {
    let from_code = r.error_code.as_ref().and_then(|v| match v {
        Value::Object(o) => ["message", "msg", "description"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map(str::to_owned)
            .or_else(|| Some(v.to_string())),
        Value::Null => None,
        other => Some(other.to_string()),
    });
    match (r.hint.as_deref().filter(|h| !h.is_empty()), from_code) {
        (Some(h), _) => h.to_owned(),
        (None, Some(c)) => c,
        (None, None) => "no reason given (beSuccessful is false)".to_owned(),
    }
}

impl OcpClient {
    /// `GET .../backup/config/backupStrategy`: the target's strategy, or `None` when OCP
    /// answers without a strategy id (not configured, §3.8.1), without `data`, or 404 (also
    /// for an unknown cluster or tenant). Access-key secrets are never read.
    pub async fn find_backup_strategy(
        &self,
        target: BackupTarget,
    ) -> Result<Option<BackupStrategy>, ClientError> {
        let path = backup_path(target, BackupCall::Strategy);
        let found = not_found_as_none(self.get::<Option<BackupStrategy>>(&path, &[]).await)?;
        Ok(found.flatten().filter(|s| s.id.is_some()))
    }

    /// `POST .../backup/config/backupStrategy` (tenant path inferred, §5 #16). Returns the
    /// task ids to wait on (§3.8.4: `successful` and every `beSuccessful` are checked; a
    /// `false` one is a [`ClientError::Api`] with the errorCode/hint).
    ///
    /// Never repeated blindly ([`OcpClient::post_create`] with
    /// [`OcpClient::find_backup_strategy`] as the look-up): `New(task ids)`; a strategy found
    /// after this call's own POST went unanswered is `Adopted` (the caller reads it and
    /// modifies it when it differs from `body`); a strategy the target had before is
    /// `Existing` and must not be taken over (design rule R2).
    pub async fn create_backup_strategy(
        &self,
        target: BackupTarget,
        body: &StrategyBody,
    ) -> Result<crate::client::Created<Vec<i64>, BackupStrategy>, ClientError> {
        use crate::client::Created;
        let path = backup_path(target, BackupCall::Strategy);
        let lookup = || self.find_backup_strategy(target);
        let res = match self
            .post_create::<_, Value, _, _, _>(&path, body, lookup)
            .await
        {
            Ok(Created::New(data)) => write_result("POST", &path, data).map(Created::New),
            Ok(Created::Adopted(s)) => {
                log::info!("POST {path}: adopting the backup strategy this call's lost POST made");
                Ok(Created::Adopted(s))
            }
            Ok(Created::Existing(s)) => Ok(Created::Existing(s)),
            Err(e) => Err(e),
        };
        res.map_err(|e| body.secrets().fold(e, ClientError::mask))
    }

    /// `PATCH .../backup/config/backupStrategy` with the complete strategy (§5 #27; cluster
    /// path inferred, §5 #16). Returns the task ids to wait on. A target without a strategy
    /// is a [`ClientError::NotFound`].
    pub async fn modify_backup_strategy(
        &self,
        target: BackupTarget,
        body: &StrategyBody,
    ) -> Result<Vec<i64>, ClientError> {
        let path = backup_path(target, BackupCall::Strategy);
        self.patch::<_, Value>(&path, body)
            .await
            .and_then(|data| write_result("PATCH", &path, data))
            .map_err(|e| body.secrets().fold(e, ClientError::mask))
    }

    /// `DELETE .../backup/config/backupStrategy` (cluster path inferred, §5 #16).
    /// `Ok(None)` when there was no strategy (404), else the task ids to wait on.
    pub async fn delete_backup_strategy(
        &self,
        target: BackupTarget,
    ) -> Result<Option<Vec<i64>>, ClientError> {
        let path = backup_path(target, BackupCall::Strategy);
        match not_found_as_none(self.delete::<Value>(&path).await)? {
            None => Ok(None),
            Some(data) => write_result("DELETE", &path, data).map(Some),
        }
    }

    /// `POST .../backup/config/backupStrategy/startSchedule` (no body; synchronous, D).
    pub async fn start_backup_schedule(&self, target: BackupTarget) -> Result<(), ClientError> {
        self.backup_schedule(target, BackupCall::StartSchedule)
            .await
    }

    /// `POST .../backup/config/backupStrategy/stopSchedule` (no body; synchronous; cluster
    /// path inferred, §5 #16).
    pub async fn stop_backup_schedule(&self, target: BackupTarget) -> Result<(), ClientError> {
        self.backup_schedule(target, BackupCall::StopSchedule).await
    }

    async fn backup_schedule(
        &self,
        target: BackupTarget,
        call: BackupCall,
    ) -> Result<(), ClientError> {
        let path = backup_path(target, call);
        let data: Value = self.post_idempotent(&path, &()).await?;
        let tasks = write_result("POST", &path, data)?;
        if !tasks.is_empty() {
            // §3.8.1 documents these as synchronous; say so if OCP disagrees.
            log::warn!("POST {path}: OCP returned tasks {tasks:?} for a synchronous call");
        }
        Ok(())
    }

    /// `GET .../backup/task/dataBackupTasks`: the recent data-backup tasks (OCP's default
    /// time window), every page (cluster path inferred, §5 #16).
    pub async fn list_data_backup_tasks(
        &self,
        target: BackupTarget,
    ) -> Result<Vec<BackupTask>, ClientError> {
        self.list_all(&backup_path(target, BackupCall::DataBackupTasks), &[])
            .await
    }

    /// `GET .../backup/task/logBackupTasks`: the recent log-backup tasks, every page (cluster
    /// path inferred, §5 #16).
    pub async fn list_log_backup_tasks(
        &self,
        target: BackupTarget,
    ) -> Result<Vec<BackupTask>, ClientError> {
        self.list_all(&backup_path(target, BackupCall::LogBackupTasks), &[])
            .await
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const KEY_SECRET: &str = "Oss-Sk#secret-canary-91";

    fn oss_body() -> StrategyBody {
        StrategyBody {
            backup_mode: "PHYSICAL_BACKUP".into(),
            ob_backup_schedule_config: ScheduleConfig {
                backup_schedule_mode: Some("WEEK".into()),
                backup_schedule_enabled: Some(true),
                backup_schedule_time: Some("02:00:00.000+08:00".into()),
                day_and_data_backup_model_map: Some(
                    [("1", "FULL_BACKUP"), ("4", "INCREMENTAL_BACKUP")]
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v.to_owned()))
                        .collect(),
                ),
                start_log_backup: Some(true),
                clean_enabled: Some(true),
                backup_data_retention_days: Some(7),
                ..ScheduleConfig::default()
            },
            ob_backup_threshold_config: ThresholdConfig {
                data_backup_timeout_minutes: Some(120),
                log_backup_delay_seconds: Some(600),
                no_successful_data_backup_alarm_days: Some(8),
                ..ThresholdConfig::default()
            },
            ob_backup_service_storage_config: StorageConfig {
                config_name: Some("oss-main".into()),
                ob_backup_storage_base_info: Some(StorageBaseInfo {
                    backup_storage_type: Some("BACKUP_STORAGE_OSS".into()),
                    storage_url: Some("mybucket/ob/t1".into()),
                    oss_access_key: Some(AccessKey {
                        endpoint: Some("oss-cn-hangzhou.aliyuncs.com".into()),
                        access_key_id: Some("AK".into()),
                        access_key_secret: Some(Secret::new(KEY_SECRET)),
                        ..AccessKey::default()
                    }),
                    ..StorageBaseInfo::default()
                }),
            },
        }
    }

    #[test]
    fn paths_come_from_the_one_table() {
        let t = BackupTarget::tenant(7, 1001);
        let c = BackupTarget::cluster(7);
        let cases = [
            (
                t,
                BackupCall::Strategy,
                "/api/v2/ob/clusters/7/tenants/1001/backup/config/backupStrategy",
            ),
            (
                c,
                BackupCall::Strategy,
                "/api/v2/ob/clusters/7/backup/config/backupStrategy",
            ),
            (
                t,
                BackupCall::StartSchedule,
                "/api/v2/ob/clusters/7/tenants/1001/backup/config/backupStrategy/startSchedule",
            ),
            (
                c,
                BackupCall::StopSchedule,
                "/api/v2/ob/clusters/7/backup/config/backupStrategy/stopSchedule",
            ),
            (
                t,
                BackupCall::DataBackupTasks,
                "/api/v2/ob/clusters/7/tenants/1001/backup/task/dataBackupTasks",
            ),
            (
                c,
                BackupCall::LogBackupTasks,
                "/api/v2/ob/clusters/7/backup/task/logBackupTasks",
            ),
        ];
        for (target, call, want) in cases {
            assert_eq!(backup_path(target, call), want, "{target:?} {call:?}");
        }
    }

    #[test]
    fn the_body_matches_the_reference_example_and_carries_the_secret() {
        let got = serde_json::to_value(oss_body()).unwrap_or_else(|e| panic!("{e}"));
        let want = json!({
            "backupMode": "PHYSICAL_BACKUP",
            "obBackupScheduleConfig": {
                "backupScheduleMode": "WEEK", "backupScheduleEnabled": true,
                "backupScheduleTime": "02:00:00.000+08:00",
                "dayAndDataBackupModelMap": {"1": "FULL_BACKUP", "4": "INCREMENTAL_BACKUP"},
                "startLogBackup": true, "cleanEnabled": true, "backupDataRetentionDays": 7
            },
            "obBackupThresholdConfig": {"dataBackupTimeoutMinutes": 120, "logBackupDelaySeconds": 600,
                                        "noSuccessfulDataBackupAlarmDays": 8},
            "obBackupServiceStorageConfig": {
                "configName": "oss-main",
                "obBackupStorageBaseInfo": {"backupStorageType": "BACKUP_STORAGE_OSS", "storageUrl": "mybucket/ob/t1",
                  "ossAccessKey": {"endpoint": "oss-cn-hangzhou.aliyuncs.com", "accessKeyId": "AK",
                                   "accessKeySecret": KEY_SECRET}}
            }
        });
        assert_eq!(got, want);
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let body = oss_body();
        let text = format!("{body:?} {body:#?}");
        assert!(!text.contains(KEY_SECRET), "{text}");
        assert!(text.contains("***"), "{text}");
    }

    #[test]
    fn a_read_strategy_never_holds_a_secret_and_is_read_leniently() {
        let data = json!({
            "id": "42", "createTime": "2025-01-01T00:00:00.000+08:00", "updateTime": null,
            "clusterId": 7, "tenantId": 1001, "backupDimension": "TENANT", "type": "BACKUP",
            "backupMode": "PHYSICAL_BACKUP",
            "obBackupScheduleConfig": {"backupScheduleMode": "WEEK", "backupScheduleEnabled": "true",
                "dayAndDataBackupModelMap": {"2": "FULL_BACKUP", "3": null}, "backupDataRetentionDays": "7"},
            "obBackupThresholdConfig": null,
            "obBackupServiceStorageConfig": {"configName": "oss-main", "obBackupStorageBaseInfo": {
                "backupStorageType": "BACKUP_STORAGE_OSS", "storageUrl": "b/d",
                "ossAccessKey": {"endpoint": "e", "accessKeyId": "AK", "accessKeySecret": KEY_SECRET}}},
            "unknownField": [1, 2]
        });
        // A member of unexpected shape is an error naming it, never read as absent (R6).
        let mut broken = data.clone();
        broken["obBackupServiceStorageConfig"]["obBackupStorageBaseInfo"]["s3AccessKey"] =
            json!("garbage");
        let e = crate::client::de::decode_at::<BackupStrategy>("", broken)
            .err()
            .unwrap_or_else(|| panic!("a broken s3AccessKey must not decode"));
        assert!(
            e.starts_with("obBackupServiceStorageConfig.obBackupStorageBaseInfo.s3AccessKey: "),
            "{e}"
        );
        let mut broken = data.clone();
        broken["obBackupScheduleConfig"]["dayAndDataBackupModelMap"]["5"] = json!(["FULL"]);
        let e = crate::client::de::decode_at::<BackupStrategy>("", broken)
            .err()
            .unwrap_or_else(|| panic!("a day that is a list must not decode"));
        assert!(
            e.starts_with("obBackupScheduleConfig.dayAndDataBackupModelMap[\"5\"]: "),
            "{e}"
        );
        let s: BackupStrategy = serde_json::from_value(data).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.id, Some(42));
        assert_eq!(s.tenant_id, Some(1001));
        assert_eq!(s.strategy_type.as_deref(), Some("BACKUP"));
        let sched = s
            .ob_backup_schedule_config
            .clone()
            .unwrap_or_else(|| panic!("no schedule"));
        assert_eq!(sched.backup_schedule_enabled, Some(true));
        assert_eq!(sched.backup_data_retention_days, Some(7));
        assert_eq!(
            sched.day_and_data_backup_model_map,
            Some(BTreeMap::from([("2".to_owned(), "FULL_BACKUP".to_owned())]))
        );
        assert!(s.ob_backup_threshold_config.is_none());
        let info = s
            .ob_backup_service_storage_config
            .clone()
            .unwrap_or_else(|| panic!("no storage"))
            .ob_backup_storage_base_info
            .unwrap_or_else(|| panic!("no base info"));
        let key = info.oss_access_key.unwrap_or_else(|| panic!("no key"));
        assert_eq!(key.access_key_id.as_deref(), Some("AK"));
        assert_eq!(key.access_key_secret, None, "a secret is never read");
        assert!(info.s3_access_key.is_none());
        assert!(!format!("{s:?}").contains(KEY_SECRET));
    }

    #[test]
    fn write_results_give_task_ids_and_failures_become_errors() {
        let p = "/x";
        assert_eq!(write_result("POST", p, Value::Null).ok(), Some(vec![]));
        assert_eq!(write_result("POST", p, json!(true)).ok(), Some(vec![]));
        let ok = json!({"obBackupTaskType": "CREATE_BACKUP_STRATEGY", "backupObjectOpsResultList": [
            {"beSuccessful": true, "taskIdList": [5, "6"], "obBackupObjectList": [{"clusterId": 1}]},
            {"beSuccessful": null, "taskIdList": [6, 7]},
            {"taskIdList": null}
        ]});
        assert_eq!(write_result("POST", p, ok).ok(), Some(vec![5, 6, 7]));
        // The documented startSchedule sample: no taskIdList.
        let start = json!({"obBackupTaskType": "START_BACKUP_SCHEDULE", "backupObjectOpsResultList": [
            {"beSuccessful": true, "obBackupObjectList": [{"backupDimension": "TENANT",
             "clusterId": 1000005, "tenantId": 1000012}]}]});
        assert_eq!(write_result("POST", p, start).ok(), Some(vec![]));

        let bad = json!({"obBackupTaskType": "CREATE_BACKUP_STRATEGY", "backupObjectOpsResultList": [
            {"beSuccessful": true, "taskIdList": [1]},
            {"beSuccessful": false, "errorCode": {"code": "BACKUP_STORAGE_UNREACHABLE",
             "message": "cannot reach bucket"}, "hint": "check the OSS endpoint"}
        ]});
        match write_result("POST", p, bad) {
            Err(ClientError::Api {
                http_status: 200,
                code,
                message,
                ..
            }) => {
                assert_eq!(code.as_deref(), Some("BACKUP_STORAGE_UNREACHABLE"));
                assert!(message.contains("CREATE_BACKUP_STRATEGY"), "{message}");
                assert!(message.contains("check the OSS endpoint"), "{message}");
            }
            other => panic!("expected an Api error, got {other:?}"),
        }
        let bare =
            json!({"backupObjectOpsResultList": [{"beSuccessful": "false", "errorCode": "E1"}]});
        match write_result("DELETE", p, bare) {
            Err(ClientError::Api { code, message, .. }) => {
                assert_eq!(code.as_deref(), Some("E1"));
                assert!(message.contains("\"E1\""), "{message}");
            }
            other => panic!("expected an Api error, got {other:?}"),
        }
        assert!(matches!(
            write_result("POST", p, json!([1])),
            Err(ClientError::Decode { .. })
        ));
    }

    #[test]
    fn an_echoed_secret_is_masked_in_errors() {
        let body = oss_body();
        let data = json!({"backupObjectOpsResultList": [{"beSuccessful": false,
            "errorCode": {"code": KEY_SECRET}, "hint": format!("bad key {KEY_SECRET}")}]});
        let err = write_result("POST", "/x", data)
            .err()
            .unwrap_or_else(|| panic!("expected an error"));
        let err = body.secrets().fold(err, ClientError::mask);
        let text = format!("{err} {err:?} {:?}", err.summary_detail());
        assert!(!text.contains(KEY_SECRET), "{text}");
        assert!(text.contains("***"), "{text}");
    }

    // ---- against the simulator ----

    use std::time::Duration;

    use ocp_sim::backup::BackupObject;
    use tokio_util::sync::CancellationToken;

    use crate::client::api::user::fixture::{tenant, TenantFixture};
    use crate::client::testutil::{assert_no_password, LossyFront, TestSim};
    use crate::client::WaitOptions;

    const STRATEGY_ROUTE: &str =
        "POST /api/v2/ob/clusters/{id}/tenants/{id}/backup/config/backupStrategy";

    fn ok<T>(r: Result<T, ClientError>) -> T {
        r.unwrap_or_else(|e| panic!("{e}"))
    }

    fn targets(f: &TenantFixture) -> [BackupTarget; 2] {
        [
            BackupTarget::tenant(f.cid, f.tid),
            BackupTarget::cluster(f.cid),
        ]
    }

    fn sim_object(t: BackupTarget) -> BackupObject {
        BackupObject {
            cluster_id: t.cluster_id,
            tenant_id: t.tenant_id,
        }
    }

    /// [`oss_body`] with the schedule switch set (cluster strategies need it).
    fn body_enabled(enabled: bool) -> StrategyBody {
        let mut b = oss_body();
        b.ob_backup_schedule_config.backup_schedule_enabled = Some(enabled);
        b
    }

    /// A different complete strategy: FILE storage, monthly, other thresholds.
    fn file_body() -> StrategyBody {
        StrategyBody {
            backup_mode: "PHYSICAL_BACKUP".into(),
            ob_backup_schedule_config: ScheduleConfig {
                backup_schedule_mode: Some("MONTH".into()),
                backup_schedule_enabled: Some(false),
                backup_schedule_time: Some("03:30:00.000+08:00".into()),
                day_and_data_backup_model_map: Some(
                    [("1", "FULL_BACKUP"), ("15", "INCREMENTAL_BACKUP")]
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v.to_owned()))
                        .collect(),
                ),
                start_log_backup: Some(false),
                clean_enabled: Some(false),
                backup_data_retention_days: Some(14),
                ..ScheduleConfig::default()
            },
            ob_backup_threshold_config: ThresholdConfig {
                data_backup_timeout_minutes: Some(60),
                log_backup_delay_seconds: Some(300),
                no_successful_data_backup_alarm_days: Some(35),
                lib_ob_log_expire_days: Some(3),
            },
            ob_backup_service_storage_config: StorageConfig {
                config_name: Some("nfs".into()),
                ob_backup_storage_base_info: Some(StorageBaseInfo {
                    backup_storage_type: Some("BACKUP_STORAGE_FILE".into()),
                    storage_url: Some("/obbackup/t1".into()),
                    ..StorageBaseInfo::default()
                }),
            },
        }
    }

    /// What a find returns for a strategy created from `body`: the same members, no secret.
    fn as_read(body: &StrategyBody) -> (ScheduleConfig, ThresholdConfig, StorageConfig) {
        let mut storage = body.ob_backup_service_storage_config.clone();
        if let Some(k) = storage
            .ob_backup_storage_base_info
            .as_mut()
            .and_then(|i| i.oss_access_key.as_mut())
        {
            k.access_key_secret = None;
        }
        let mut schedule = body.ob_backup_schedule_config.clone();
        if schedule.clean_enabled.is_none() {
            schedule.clean_enabled = Some(false);
        }
        (schedule, body.ob_backup_threshold_config.clone(), storage)
    }

    fn members(s: &BackupStrategy) -> (ScheduleConfig, ThresholdConfig, StorageConfig) {
        (
            s.ob_backup_schedule_config.clone().unwrap_or_default(),
            s.ob_backup_threshold_config.clone().unwrap_or_default(),
            s.ob_backup_service_storage_config
                .clone()
                .unwrap_or_default(),
        )
    }

    async fn wait_all(client: &OcpClient, ids: &[i64]) {
        for id in ids {
            let t = ok(client
                .wait_task(
                    *id,
                    &WaitOptions::with_timeout(Duration::from_secs(60)),
                    &CancellationToken::new(),
                )
                .await);
            assert!(t.is_successful(), "{t:?}");
        }
    }

    async fn find(client: &OcpClient, t: BackupTarget) -> BackupStrategy {
        ok(client.find_backup_strategy(t).await).unwrap_or_else(|| panic!("no strategy on {t:?}"))
    }

    fn stored_secret(sim: &TestSim, t: BackupTarget) -> Option<String> {
        sim.sim.state().with_store(|s| {
            s.backup
                .strategies
                .get(&sim_object(t))
                .and_then(|st| st.config.storage.access_key.as_ref())
                .map(|k| k.access_key_secret.clone())
        })
    }

    #[tokio::test]
    async fn strategies_are_created_read_modified_and_deleted_for_a_tenant_and_a_cluster() {
        let f = tenant("MYSQL", "t_bk_crud").await;
        let c = &f.client;
        for t in targets(&f) {
            assert_eq!(ok(c.find_backup_strategy(t).await), None, "{t:?}");

            let body = body_enabled(false);
            let tasks = ok(c.create_backup_strategy(t, &body).await).expect_new();
            wait_all(c, &tasks).await;
            let s = find(c, t).await;
            assert!(s.id.is_some(), "{s:?}");
            assert_eq!(s.cluster_id, Some(f.cid));
            assert_eq!(s.tenant_id, t.tenant_id);
            let dimension = if t.tenant_id.is_some() {
                "TENANT"
            } else {
                "CLUSTER"
            };
            assert_eq!(s.backup_dimension.as_deref(), Some(dimension));
            assert_eq!(s.backup_mode.as_deref(), Some("PHYSICAL_BACKUP"));
            assert_eq!(members(&s), as_read(&body), "{t:?}");
            assert_eq!(
                stored_secret(&f.sim, t).as_deref(),
                Some(KEY_SECRET),
                "the secret reached OCP"
            );
            assert!(!format!("{s:?}").contains(KEY_SECRET));

            let changed = file_body();
            let tasks = ok(c.modify_backup_strategy(t, &changed).await);
            wait_all(c, &tasks).await;
            let s2 = find(c, t).await;
            assert_eq!(s2.id, s.id, "modify keeps the strategy");
            assert_eq!(members(&s2), as_read(&changed), "{t:?}");
            assert_eq!(stored_secret(&f.sim, t), None, "full replacement");

            let tasks = ok(c.delete_backup_strategy(t).await)
                .unwrap_or_else(|| panic!("the strategy existed on {t:?}"));
            wait_all(c, &tasks).await;
            assert_eq!(ok(c.find_backup_strategy(t).await), None);
            assert_eq!(ok(c.delete_backup_strategy(t).await), None, "already gone");
        }
    }

    #[tokio::test]
    async fn find_is_none_without_a_strategy_or_without_the_object() {
        let f = tenant("MYSQL", "t_bk_none").await;
        let c = &f.client;
        for t in [
            BackupTarget::tenant(f.cid, f.tid),
            BackupTarget::cluster(f.cid),
            BackupTarget::tenant(f.cid, 987_654_321),
            BackupTarget::cluster(987_654_321),
        ] {
            assert_eq!(ok(c.find_backup_strategy(t).await), None, "{t:?}");
        }
        let missing = c
            .modify_backup_strategy(BackupTarget::tenant(f.cid, f.tid), &oss_body())
            .await;
        assert!(
            matches!(missing, Err(ClientError::NotFound { .. })),
            "{missing:?}"
        );
    }

    #[tokio::test]
    async fn schedules_start_and_stop() {
        let f = tenant("MYSQL", "t_bk_sched").await;
        let c = &f.client;
        for t in targets(&f) {
            ok(c.create_backup_strategy(t, &body_enabled(false)).await);
            let enabled = |s: BackupStrategy| {
                s.ob_backup_schedule_config
                    .and_then(|x| x.backup_schedule_enabled)
            };
            ok(c.start_backup_schedule(t).await);
            assert_eq!(enabled(find(c, t).await), Some(true), "{t:?}");
            ok(c.start_backup_schedule(t).await);
            ok(c.stop_backup_schedule(t).await);
            assert_eq!(enabled(find(c, t).await), Some(false), "{t:?}");
            ok(c.stop_backup_schedule(t).await);
        }
        let none = c
            .start_backup_schedule(BackupTarget::tenant(f.cid, 987_654_321))
            .await;
        assert!(
            matches!(none, Err(ClientError::NotFound { .. })),
            "{none:?}"
        );
    }

    #[tokio::test]
    async fn task_lists_read_every_page_of_data_and_log_backups() {
        let f = tenant("MYSQL", "t_bk_tasks").await;
        let c = &f.client;
        let t = BackupTarget::tenant(f.cid, f.tid);
        let cluster = BackupTarget::cluster(f.cid);
        assert!(ok(c.list_data_backup_tasks(t).await).is_empty());
        assert!(ok(c.list_log_backup_tasks(cluster).await).is_empty());

        f.sim.sim.state().set_backup_period_seconds(0.01);
        ok(c.create_backup_strategy(t, &body_enabled(true)).await);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let logs = ok(c.list_log_backup_tasks(t).await);
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert_eq!(logs[0].status.as_deref(), Some("INPROGRESS"));
        assert!(
            logs[0].checkpoint.is_some() && logs[0].id.is_some(),
            "{logs:?}"
        );
        ok(c.stop_backup_schedule(t).await);

        let rows = ok(c.list_data_backup_tasks(t).await);
        let in_sim = f.sim.sim.state().with_store(|s| {
            s.backup
                .data_rows
                .values()
                .filter(|r| r.object == sim_object(t))
                .count()
        });
        assert!(
            rows.len() > 100,
            "more than one page expected: {}",
            rows.len()
        );
        assert_eq!(rows.len(), in_sim);
        let first = rows
            .iter()
            .find(|r| r.backup_set_id == Some(1))
            .unwrap_or_else(|| panic!("no backup set 1"));
        assert_eq!(first.backup_mode.as_deref(), Some("PHYSICAL_BACKUP"));
        assert_eq!(first.data_backup_mode.as_deref(), Some("FULL_BACKUP"));
        assert!(
            first.id.is_some() && first.start_time.is_some(),
            "{first:?}"
        );
        assert!(
            matches!(first.status.as_deref(), Some("DOING" | "DONE")),
            "{first:?}"
        );

        let logs = ok(c.list_log_backup_tasks(t).await);
        assert_eq!(logs[0].status.as_deref(), Some("STOPPED"), "{logs:?}");
        assert!(logs[0].end_time.is_some(), "{logs:?}");
        assert!(ok(c.list_data_backup_tasks(cluster).await).is_empty());
    }

    #[tokio::test]
    async fn a_strategy_that_existed_before_is_reported_and_no_post_is_sent() {
        let f = tenant("MYSQL", "t_bk_500").await;
        let t = BackupTarget::tenant(f.cid, f.tid);
        ok(f.client.create_backup_strategy(t, &oss_body()).await).expect_new();
        f.sim.reset_requests().await;
        let path = backup_path(t, BackupCall::Strategy);
        f.sim
            .fault(json!({"fail_next": 1, "status": 500, "path_prefix": path, "method": "POST"}))
            .await;
        let found = ok(f.client.create_backup_strategy(t, &oss_body()).await).expect_existing();
        assert!(found.id.is_some(), "{found:?}");
        assert_eq!(f.sim.count(STRATEGY_ROUTE).await, 0);
    }

    #[tokio::test]
    async fn a_create_whose_answer_was_lost_adopts_with_one_post() {
        let f = tenant("MYSQL", "t_bk_lost").await;
        let t = BackupTarget::tenant(f.cid, f.tid);
        let front = LossyFront::losing_posts(f.sim.sim.addr(), 1).await;
        let client = f.sim.client_with(|cfg| cfg.endpoint = front.url.clone());
        f.sim.reset_requests().await;
        let adopted = ok(client.create_backup_strategy(t, &oss_body()).await).expect_adopted();
        assert!(adopted.id.is_some(), "{adopted:?}");
        // POST, then GET by the look-ups (before, and after the lost answer).
        assert!(f.sim.count(STRATEGY_ROUTE).await >= 1);
        assert!(ok(f.client.find_backup_strategy(t).await).is_some());
        // A second create finds the strategy it did not make: reported, never adopted.
        ok(f.client.create_backup_strategy(t, &oss_body()).await).expect_existing();
    }

    #[tokio::test]
    async fn a_modify_is_retried_after_a_transient_failure() {
        let f = tenant("MYSQL", "t_bk_retry").await;
        let t = BackupTarget::tenant(f.cid, f.tid);
        ok(f.client.create_backup_strategy(t, &oss_body()).await);
        f.sim.reset_requests().await;
        let path = backup_path(t, BackupCall::Strategy);
        f.sim
            .fault(json!({"fail_next": 1, "status": 503, "path_prefix": path, "method": "PATCH"}))
            .await;
        ok(f.client.modify_backup_strategy(t, &file_body()).await);
        assert_eq!(
            f.sim
                .count("PATCH /api/v2/ob/clusters/{id}/tenants/{id}/backup/config/backupStrategy")
                .await,
            2
        );
        assert_eq!(members(&find(&f.client, t).await), as_read(&file_body()));
    }

    #[tokio::test]
    async fn the_secret_never_appears_in_errors() {
        let f = tenant("MYSQL", "t_bk_secret").await;
        let t = BackupTarget::tenant(f.cid, f.tid);
        let c = &f.client;
        let mut invalid = oss_body();
        invalid
            .ob_backup_schedule_config
            .day_and_data_backup_model_map = Some(BTreeMap::new());
        let mut errors = vec![
            c.create_backup_strategy(t, &invalid).await.err(),
            c.modify_backup_strategy(t, &oss_body()).await.err(),
        ];
        ok(c.create_backup_strategy(t, &oss_body()).await);
        // An OCP that echoes the secret in its message.
        let path = backup_path(t, BackupCall::Strategy);
        f.sim
            .fault(
                json!({"fail_next": 1, "status": 400, "path_prefix": path, "method": "PATCH",
                          "message": format!("cannot reach OSS with key {KEY_SECRET}")}),
            )
            .await;
        let echoed = c.modify_backup_strategy(t, &oss_body()).await.err();
        let masked = echoed.as_ref().map(|e| e.to_string()).unwrap_or_default();
        assert!(masked.contains("cannot reach OSS with key ***"), "{masked}");
        errors.push(echoed);
        for err in errors {
            let err = err.unwrap_or_else(|| panic!("an error was expected"));
            let text = format!("{err} {err:?} {:?}", err.summary_detail());
            assert!(!text.contains(KEY_SECRET), "{text}");
            assert_no_password(&err);
        }
    }

    /// A one-route HTTP server that answers every request with `envelope` and counts them.
    async fn canned(envelope: Value) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

        let listener = ok_io(tokio::net::TcpListener::bind("127.0.0.1:0").await);
        let port = ok_io(listener.local_addr()).port();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let body = envelope.to_string();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let body = body.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    // Headers, then as many body bytes as Content-Length says.
                    loop {
                        let Ok(n) = sock.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf).to_string();
                        if let Some(end) = text.find("\r\n\r\n") {
                            let len = text[..end]
                                .lines()
                                .find_map(|l| {
                                    let (k, v) = l.split_once(':')?;
                                    k.eq_ignore_ascii_case("content-length")
                                        .then(|| v.trim().parse::<usize>().ok())?
                                })
                                .unwrap_or(0);
                            if buf.len() >= end + 4 + len {
                                break;
                            }
                        }
                    }
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = sock.write_all(resp.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        (format!("http://127.0.0.1:{port}"), hits)
    }

    fn ok_io<T>(r: std::io::Result<T>) -> T {
        r.unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn a_be_successful_false_answer_is_an_error_and_not_repeated() {
        let sim = TestSim::start(0.2).await;
        let (url, hits) = canned(json!({
            "successful": true, "status": 200, "traceId": "0123456789abcdef",
            "data": {"obBackupTaskType": "CREATE_BACKUP_STRATEGY", "backupObjectOpsResultList": [
                {"beSuccessful": false, "taskIdList": [],
                 "errorCode": {"code": "BACKUP_STORAGE_CHECK_FAILED", "message": "no access"},
                 "hint": format!("storage check failed for key {KEY_SECRET}"),
                 "obBackupObjectList": [{"clusterId": 1, "tenantId": 2, "backupDimension": "TENANT"}]}]}
        }))
        .await;
        let client = sim.client_with(|cfg| cfg.endpoint = url);
        let t = BackupTarget::tenant(1, 2);
        for res in [
            client
                .create_backup_strategy(t, &oss_body())
                .await
                .map(|c| c.expect_new()),
            client.modify_backup_strategy(t, &oss_body()).await,
        ] {
            match res {
                Err(
                    ref err @ ClientError::Api {
                        http_status: 200,
                        ref code,
                        ref message,
                        ..
                    },
                ) => {
                    assert_eq!(code.as_deref(), Some("BACKUP_STORAGE_CHECK_FAILED"));
                    assert!(message.contains("storage check failed"), "{message}");
                    let text = format!("{err} {err:?}");
                    assert!(!text.contains(KEY_SECRET), "{text}");
                }
                other => panic!("expected an Api error, got {other:?}"),
            }
        }
        assert!(matches!(
            client.start_backup_schedule(t).await,
            Err(ClientError::Api { .. })
        ));
        assert!(matches!(
            client.delete_backup_strategy(t).await,
            Err(ClientError::Api { .. })
        ));
        assert_eq!(
            hits.load(std::sync::atomic::Ordering::SeqCst),
            5,
            "sent once each, plus the create's look-up before its POST"
        );
    }
}
