//! The data of the backup family (strategies, schedules and backup task rows), held in
//! [`super::Store::backup`]. The rules and shapes are in [`crate::domain::backup`].

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// First backup strategy id.
pub const STRATEGY_ID_BASE: i64 = 1_030_001;
/// First data-backup row id.
pub const DATA_ROW_ID_BASE: i64 = 5_000_001;
/// First log-backup row id.
pub const LOG_ROW_ID_BASE: i64 = 5_100_001;
/// Data-backup rows kept in total; the oldest are dropped beyond this.
pub const MAX_DATA_ROWS: usize = 100_000;

/// What a strategy / backup row belongs to: a cluster, or a tenant of a cluster.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct BackupObject {
    /// OCP cluster id.
    pub cluster_id: i64,
    /// OCP tenant id; `None` for the cluster itself.
    pub tenant_id: Option<i64>,
}

impl BackupObject {
    /// The cluster itself.
    pub fn cluster(cluster_id: i64) -> Self {
        BackupObject {
            cluster_id,
            tenant_id: None,
        }
    }

    /// A tenant of a cluster.
    pub fn tenant(cluster_id: i64, tenant_id: i64) -> Self {
        BackupObject {
            cluster_id,
            tenant_id: Some(tenant_id),
        }
    }

    /// `CLUSTER` or `TENANT` (§3.8.3).
    pub fn dimension(&self) -> &'static str {
        if self.tenant_id.is_some() {
            "TENANT"
        } else {
            "CLUSTER"
        }
    }

    pub(crate) fn describe(&self) -> String {
        match self.tenant_id {
            Some(t) => format!("tenant id={t} of OB cluster id={}", self.cluster_id),
            None => format!("OB cluster id={}", self.cluster_id),
        }
    }

    /// `{clusterId, tenantId?, backupDimension}` as in `obBackupObjectList` (§3.8.3; `tenantId`
    /// absent for cluster objects).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("clusterId".into(), json!(self.cluster_id));
        if let Some(t) = self.tenant_id {
            m.insert("tenantId".into(), json!(t));
        }
        m.insert("backupDimension".into(), json!(self.dimension()));
        Value::Object(m)
    }
}

/// Credentials of an object store (§5 #16 names). `accessKeySecret` is never rendered.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccessKey {
    /// `endpoint`.
    pub endpoint: String,
    /// `accessKeyId` (rendered).
    pub access_key_id: String,
    /// `accessKeySecret` (write-only).
    pub access_key_secret: String,
    /// `region` (S3 only).
    pub region: Option<String>,
    /// `appId` (COS only).
    pub app_id: Option<String>,
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field("region", &self.region)
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

/// `obBackupServiceStorageConfig` (§3.8.2).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StorageConfig {
    /// `configName`.
    pub config_name: String,
    /// `serviceName` (C-ui, optional).
    pub service_name: Option<String>,
    /// `alarmStoragePercentageThreshold` (C-ui, optional, FILE only).
    pub alarm_storage_percentage_threshold: Option<i64>,
    /// `obBackupStorageBaseInfo.backupStorageType`.
    pub storage_type: String,
    /// `obBackupStorageBaseInfo.storageUrl`, stored as given.
    pub storage_url: String,
    /// The access key of OSS / COS / S3 storage; `None` for FILE.
    pub access_key: Option<AccessKey>,
    /// `obBackupStorageBaseInfo.customBackupRangeList` (C-ui, tenant strategies), normalised.
    pub custom_backup_range_list: Option<Vec<Value>>,
}

/// `obBackupScheduleConfig` without the `backupScheduleEnabled` switch (kept on the strategy).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScheduleConfig {
    /// `WEEK` / `MONTH`.
    pub mode: String,
    /// `backupScheduleTime`, normalised to `HH:mm:ss.SSS+hh:mm`.
    pub time: String,
    /// `dayAndDataBackupModelMap` by day number.
    pub day_map: BTreeMap<u8, String>,
    /// `startLogBackup` (default false).
    pub start_log_backup: bool,
    /// `cleanEnabled` (default false).
    pub clean_enabled: bool,
    /// `cleanScheduleTime`, normalised.
    pub clean_schedule_time: Option<String>,
    /// `backupDataRetentionDays`.
    pub backup_data_retention_days: Option<i64>,
}

/// `obBackupThresholdConfig` (C-ui names, §3.8.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Thresholds {
    /// `dataBackupTimeoutMinutes`.
    pub data_backup_timeout_minutes: Option<i64>,
    /// `logBackupDelaySeconds`.
    pub log_backup_delay_seconds: Option<i64>,
    /// `noSuccessfulDataBackupAlarmDays`.
    pub no_successful_data_backup_alarm_days: Option<i64>,
    /// `libObLogExpireDays`.
    pub lib_ob_log_expire_days: Option<i64>,
}

pub(crate) const THRESHOLD_FIELDS: [&str; 4] = [
    "dataBackupTimeoutMinutes",
    "logBackupDelaySeconds",
    "noSuccessfulDataBackupAlarmDays",
    "libObLogExpireDays",
];

/// The configurable part of a strategy (a StrategyBody, §3.8.2).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StrategyConfig {
    /// `backupMode`.
    pub backup_mode: String,
    /// `obBackupScheduleConfig`.
    pub schedule: ScheduleConfig,
    /// `obBackupThresholdConfig`.
    pub thresholds: Thresholds,
    /// `obBackupServiceStorageConfig`.
    pub storage: StorageConfig,
    /// `autoCompactEnabled` (C-ui; physical backup only; default false).
    pub auto_compact_enabled: bool,
}

/// A running schedule: runs are due at `anchor + k × period_ms`, `k = emitted + 1, ...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Sched {
    pub(crate) anchor: i64,
    pub(crate) emitted: u64,
    pub(crate) period_ms: i64,
}

/// A configured backup strategy (`OcpBackupStrategy`, §3.8.3).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Strategy {
    /// Strategy id.
    pub id: i64,
    /// Owner.
    pub object: BackupObject,
    /// Epoch ms.
    pub create_time: i64,
    /// Epoch ms.
    pub update_time: i64,
    /// Configuration.
    pub config: StrategyConfig,
    /// `obBackupScheduleConfig.backupScheduleEnabled`.
    pub schedule_enabled: bool,
    /// Scheduled runs so far (drives the day-map round-robin).
    pub runs: u64,
    pub(crate) sched: Option<Sched>,
}

/// One data backup (`dataBackupTasks` item; our shape, §3.8.1 leaves the wrapper unreadable).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DataBackupRow {
    /// Row id.
    pub id: i64,
    /// Owner.
    pub object: BackupObject,
    /// Backup set id (1, 2, ... per object).
    pub backup_set_id: i64,
    /// `PHYSICAL_BACKUP` / `LOGICAL_BACKUP`.
    pub backup_mode: String,
    /// `FULL_BACKUP` / `INCREMENTAL_BACKUP`.
    pub data_backup_mode: String,
    /// Epoch ms.
    pub start: i64,
    /// Epoch ms; the row is `DOING` before, `DONE` from then on.
    pub end: i64,
}

/// One log-backup (archiving) run (`logBackupTasks` item; our shape).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogBackupRow {
    /// Row id.
    pub id: i64,
    /// Owner.
    pub object: BackupObject,
    /// Epoch ms.
    pub start: i64,
    /// Epoch ms when stopped; `None` while `INPROGRESS`.
    pub end: Option<i64>,
}

/// Everything of the backup family, held in [`Store::backup`].
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct BackupState {
    /// Strategies by object.
    #[serde(with = "crate::util::pairs")]
    pub strategies: BTreeMap<BackupObject, Strategy>,
    /// Data-backup rows by id.
    pub data_rows: BTreeMap<i64, DataBackupRow>,
    /// Log-backup rows by id.
    pub log_rows: BTreeMap<i64, LogBackupRow>,
    /// Backup period set by the knob (seconds); `None` = `max(1, 5 × task_seconds)`.
    pub period_override_seconds: Option<f64>,
    #[serde(with = "crate::util::pairs")]
    backup_set_ids: BTreeMap<BackupObject, i64>,
    pub(crate) next_strategy: i64,
    next_data_row: i64,
    next_log_row: i64,
}

pub(crate) fn take_id(counter: &mut i64, base: i64) -> i64 {
    if *counter < base {
        *counter = base;
    }
    let id = *counter;
    *counter += 1;
    id
}

impl BackupState {
    pub(crate) fn next_backup_set_id(&mut self, obj: BackupObject) -> i64 {
        let n = self.backup_set_ids.entry(obj).or_insert(0);
        *n += 1;
        *n
    }

    pub(crate) fn push_data_row(
        &mut self,
        obj: BackupObject,
        backup_mode: &str,
        data_backup_mode: &str,
        start: i64,
        end: i64,
    ) {
        let id = take_id(&mut self.next_data_row, DATA_ROW_ID_BASE);
        let backup_set_id = self.next_backup_set_id(obj);
        self.data_rows.insert(
            id,
            DataBackupRow {
                id,
                object: obj,
                backup_set_id,
                backup_mode: backup_mode.to_string(),
                data_backup_mode: data_backup_mode.to_string(),
                start,
                end,
            },
        );
        while self.data_rows.len() > MAX_DATA_ROWS {
            self.data_rows.pop_first();
        }
    }

    /// Open or close the object's log-backup row so that one is `INPROGRESS` exactly while its
    /// strategy has the schedule enabled and `startLogBackup` on.
    pub(crate) fn sync_log(&mut self, obj: BackupObject, now: i64) {
        let want = self
            .strategies
            .get(&obj)
            .is_some_and(|s| s.schedule_enabled && s.config.schedule.start_log_backup);
        let open = self
            .log_rows
            .values_mut()
            .find(|r| r.object == obj && r.end.is_none());
        match (want, open) {
            (true, None) => {
                let id = take_id(&mut self.next_log_row, LOG_ROW_ID_BASE);
                self.log_rows.insert(
                    id,
                    LogBackupRow {
                        id,
                        object: obj,
                        start: now,
                        end: None,
                    },
                );
            }
            (false, Some(row)) => row.end = Some(now.max(row.start)),
            _ => {}
        }
    }
}
