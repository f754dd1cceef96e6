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
//! * start / stop schedule: a POST retried like the PATCH ([`OcpClient::send_json`]; they set
//!   a switch).
//!
//! Secrets: access-key secrets travel as [`Secret`] (`Debug` prints `***`, the JSON body
//! carries the value, the client never logs bodies). An OCP error text that echoes one has it
//! replaced by `***` before the error leaves this module.

use std::collections::BTreeMap;

use reqwest::Method;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::not_found_as_none;
use crate::client::de::{body_struct, wire_struct};
use crate::client::{ClientError, OcpClient, Secret};

/// Base path of the cluster family (§3.8.1: both bases start here).
const CLUSTERS: &str = "/api/v2/ob/clusters";

/// Whose strategy: a tenant's or (tenant `None`) a cluster's. Also the key of
/// `ocp_backup_policy` and the arguments of the backup and restore task data sources, whose
/// attributes (`cluster_id`, `tenant_id`) are its fields (`crate::resources::backup`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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

wire_struct! {
    /// A strategy as OCP reports it (`OcpBackupStrategy`, §3.8.3). Every field is optional: OCP
    /// answers without `id` when no strategy is configured.
    pub struct BackupStrategy {
        /// Strategy id (`None` = not configured).
        pub id: Option<i64>,
        /// Creation time.
        pub create_time: Option<String>,
        /// Last change.
        pub update_time: Option<String>,
        /// OCP cluster id.
        pub cluster_id: Option<i64>,
        /// Cluster name.
        pub cluster_name: Option<String>,
        /// OceanBase's own cluster id.
        pub ob_cluster_id: Option<i64>,
        /// OCP tenant id (tenant strategies).
        pub tenant_id: Option<i64>,
        /// Tenant name (tenant strategies).
        pub tenant_name: Option<String>,
        /// OceanBase's own tenant id (tenant strategies).
        pub ob_tenant_id: Option<i64>,
        /// `CLUSTER` or `TENANT`.
        pub backup_dimension: Option<String>,
        /// `BACKUP` or `SECONDARY_BACKUP`.
        #[serde(rename = "type")]
        pub strategy_type: Option<String>,
        /// `LOGICAL_BACKUP` or `PHYSICAL_BACKUP`.
        pub backup_mode: Option<String>,
        /// Destination; its access-key secrets are never read (§5 #27).
        pub ob_backup_service_storage_config: Option<StorageConfig>,
        /// Schedule, log backup and cleanup.
        pub ob_backup_schedule_config: Option<ScheduleConfig>,
        /// Alert thresholds.
        pub ob_backup_threshold_config: Option<ThresholdConfig>,
        /// Physical backup: start a major compaction when a backup needs one (C-ui).
        pub auto_compact_enabled: Option<bool>,
        /// Secondary backup switch (read only here; not modelled in writes).
        pub secondary_backup_enabled: Option<bool>,
    }
}

wire_struct! {
    /// `obBackupScheduleConfig` (§3.8.2). `None` fields are not sent.
    #[derive(Eq, Serialize)]
    pub struct ScheduleConfig {
        /// `WEEK` or `MONTH`.
        pub backup_schedule_mode: Option<String>,
        /// Scheduled-backup switch.
        pub backup_schedule_enabled: Option<bool>,
        /// Time of day with offset, e.g. `02:00:00.000+08:00`.
        pub backup_schedule_time: Option<String>,
        /// Day number (as a string) → `FULL_BACKUP` / `INCREMENTAL_BACKUP` (§5 #28). Always sent;
        /// `None` when OCP's answer leaves it out.
        #[decode_with = "de_opt_string_map"]
        pub day_and_data_backup_model_map: Option<BTreeMap<String, String>>,
        /// Log backup (archiving) on/off (C-ui).
        pub start_log_backup: Option<bool>,
        /// Scheduled cleanup of expired backups (C-ui).
        pub clean_enabled: Option<bool>,
        /// Cleanup time, logical backup only (C-ui).
        pub clean_schedule_time: Option<String>,
        /// Retention of backup files in days (C-ui).
        pub backup_data_retention_days: Option<i64>,
    }
}

wire_struct! {
    /// `obBackupThresholdConfig` (§3.8.2, names from C-ui). `None` fields are not sent.
    #[derive(Eq, Serialize)]
    pub struct ThresholdConfig {
        /// Alert when one data backup runs longer than this.
        pub data_backup_timeout_minutes: Option<i64>,
        /// Alert when log backup lags behind by more than this.
        pub log_backup_delay_seconds: Option<i64>,
        /// Alert when no data backup succeeded within this many days.
        pub no_successful_data_backup_alarm_days: Option<i64>,
        /// Logical backup only: days to keep the log-backup component's own logs.
        pub lib_ob_log_expire_days: Option<i64>,
    }
}

wire_struct! {
    /// `obBackupServiceStorageConfig` (§3.8.2).
    #[derive(Eq, Serialize)]
    pub struct StorageConfig {
        /// Name of the storage configuration (always sent; `None` when an answer leaves it out).
        pub config_name: Option<String>,
        /// Type, URL and keys (always sent; `None` when an answer leaves it out).
        pub ob_backup_storage_base_info: Option<StorageBaseInfo>,
    }
}

wire_struct! {
    /// `obBackupStorageBaseInfo` (§3.8.2). Absent keys are not sent.
    #[derive(Eq, Serialize)]
    pub struct StorageBaseInfo {
        /// `BACKUP_STORAGE_FILE`, `BACKUP_STORAGE_OSS`, `BACKUP_STORAGE_COS`, `BACKUP_STORAGE_S3`.
        pub backup_storage_type: Option<String>,
        /// Directory without protocol prefix: `/obbackup/` (FILE) or `bucket/dir`.
        pub storage_url: Option<String>,
        /// OSS key.
        pub oss_access_key: Option<AccessKey>,
        /// S3 key.
        pub s3_access_key: Option<AccessKey>,
        /// COS key.
        pub cos_access_key: Option<AccessKey>,
    }
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

wire_struct! {
    /// An object-store key: `ossAccessKey`, `s3AccessKey` or `cosAccessKey` (§3.8.2). Absent
    /// fields are not sent.
    ///
    /// The secret is serialised with its value (request bodies only), prints `***` in `Debug`,
    /// and is never read from OCP: after a find it is always `None` (§5 #27).
    #[derive(Eq, Serialize)]
    pub struct AccessKey {
        /// Service endpoint, e.g. `oss-cn-hangzhou.aliyuncs.com`.
        pub endpoint: Option<String>,
        /// Access key id.
        pub access_key_id: Option<String>,
        /// Access key secret (field name inferred, §5 #16). Write-only.
        #[serde(skip_deserializing)]
        pub access_key_secret: Option<Secret>,
        /// Region (S3).
        pub region: Option<String>,
        /// App id (COS).
        pub app_id: Option<String>,
    }
}

body_struct! {
    /// Body of create and modify (§3.8.2): the **complete** strategy. Modify is a full
    /// replacement (§5 #27), so send every member every time.
    #[derive(Default, Eq)]
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
}

impl StrategyBody {
    fn secrets(&self) -> impl Iterator<Item = &Secret> {
        self.ob_backup_service_storage_config
            .ob_backup_storage_base_info
            .iter()
            .flat_map(StorageBaseInfo::secrets)
    }
}

wire_struct! {
    /// `BackupCommonResponse`: the `data` of every backup write (§3.8.3).
    pub struct BackupCommonResponse {
        /// Operation kind, e.g. `CREATE_BACKUP_STRATEGY`.
        pub ob_backup_task_type: Option<String>,
        /// One entry per affected object.
        pub backup_object_ops_result_list: Vec<OpsResult>,
    }
}

wire_struct! {
    /// One entry of `backupObjectOpsResultList` (§3.8.3).
    pub struct OpsResult {
        /// Per-object success (`false` = the operation failed for this object).
        pub be_successful: Option<bool>,
        /// Tasks to wait on (present only for asynchronous operations).
        pub task_id_list: Vec<i64>,
        /// Per-object error (an object of unknown shape, kept as JSON).
        pub error_code: Option<Value>,
        /// Prompt text.
        pub hint: Option<String>,
    }
}

wire_struct! {
    /// One row of `dataBackupTasks` / `logBackupTasks` (§3.8.1; fields inferred, see the module
    /// table).
    #[derive(Eq)]
    pub struct BackupTask {
        /// Row id.
        pub id: Option<i64>,
        /// Backup set of a data backup.
        pub backup_set_id: Option<i64>,
        /// `LOGICAL_BACKUP` / `PHYSICAL_BACKUP`.
        pub backup_mode: Option<String>,
        /// `FULL_BACKUP` / `INCREMENTAL_BACKUP` (data backups).
        pub data_backup_mode: Option<String>,
        /// Data backup: `BEGINNING` .. `DONE`, `FAILED`, ...; log backup: `STARTING`,
        /// `INPROGRESS`, ... (§3.8.1).
        pub status: Option<String>,
        /// Start time.
        pub start_time: Option<String>,
        /// End time.
        pub end_time: Option<String>,
        /// Log backup: the point in time archived up to.
        pub checkpoint: Option<String>,
    }
}

// ---------------------------------------------------------------------------------------------
// Tolerant decoding helpers
// ---------------------------------------------------------------------------------------------

/// `dayAndDataBackupModelMap`: `None` when absent or null, else a map of strings; numbers and
/// booleans as text, a null value no entry (a day without a backup). Any other value is an
/// error naming its key, never skipped (R6: a day that vanished would read as drift).
fn de_opt_string_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    let kind = crate::client::envelope::json_kind;
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => m
            .into_iter()
            .filter_map(|(k, v)| match v {
                Value::Null => None,
                Value::String(s) => Some(Ok((k, s))),
                Value::Number(n) => Some(Ok((k, n.to_string()))),
                Value::Bool(b) => Some(Ok((k, b.to_string()))),
                other => Some(Err(serde::de::Error::custom(format!(
                    "[{k:?}]: expected a string, got {}",
                    kind(&other)
                )))),
            })
            .collect::<Result<_, _>>()
            .map(Some),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a map, got {}",
            kind(&other)
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// Answers of writes
// ---------------------------------------------------------------------------------------------

/// Reads the `data` of a backup write (§3.8.4): no `data` (or `true`) = done, no tasks; an
/// object is a `BackupCommonResponse` whose every `beSuccessful` must not be `false`. Returns
/// the ids of every `taskIdList`, in order, without duplicates.
pub(crate) fn write_result(
    method: &'static str,
    path: &str,
    data: Value,
) -> Result<Vec<i64>, ClientError> {
    let resp: BackupCommonResponse = match data {
        Value::Null | Value::Bool(true) => return Ok(Vec::new()),
        v @ Value::Object(_) => serde_json::from_value(v).map_err(|e| {
            let message = format!("the backup result has an unexpected shape ({e})");
            ClientError::decode(method, path, message)
        })?,
        other => {
            let expected = "a backup result object";
            return Err(ClientError::wrong_kind(
                method, path, "data", &other, expected,
            ));
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
        self.send_json::<_, Value>(Method::PATCH, &path, body)
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
        let data: Value = self.send_json(Method::POST, &path, &()).await?;
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
mod tests;
