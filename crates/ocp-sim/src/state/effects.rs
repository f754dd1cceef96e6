//! The side effects of tasks on the resources, as data: each task carries an [`Effect`] that the
//! task engine applies at the moments of [`HookKind`] (see [`crate::domain::tasks`]). Being
//! data, a task saved with the state (`--state-file`) still applies them after a restart. What
//! each effect does is the business of its family in [`crate::domain`].

use serde::{Deserialize, Serialize};

use super::backup::BackupObject;
use super::model::{Reservation, TenantZone};

/// The moment a task hook runs (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookKind {
    /// At submission and when a retry/skip resumes the task.
    Start,
    /// When the last subtask succeeds.
    Success,
    /// When a subtask fails or is cancelled.
    Failure,
    /// When a rollback completes.
    Rollback,
}

/// The side effects of a task on the resources, as data, so that a task saved with the state
/// (`--state-file`) still applies them after a restart. Each family has its own effect type
/// holding what its hooks need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Effect {
    /// Tenant create/delete/modify tasks.
    Tenant(TenantEffect),
    /// Cluster create/delete, zone and OBServer tasks.
    Topology(TopologyEffect),
    /// Cluster and zone start/stop/restart.
    Power(PowerEffect),
    /// `Add host`.
    Host(HostEffect),
    /// `Tenant data backup` / `Cluster data backup`.
    BackupNow(BackupNowEffect),
    /// OBProxy cluster and OBProxy tasks.
    Obproxy(super::obproxy::ObproxyEffect),
    /// `Upgrade OB cluster`.
    Upgrade(UpgradeEffect),
}

/// The side effects of tenant tasks (see [`Effect`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TenantEffect {
    /// `Create tenant`: `CREATING`; success `NORMAL` with a new obTenantId; failure `FAILED`;
    /// rollback removes the tenant.
    Create {
        /// The tenant.
        tenant_id: i64,
    },
    /// `Restore tenant`: `RESTORING`; success `NORMAL` with a new obTenantId and the
    /// databases and users of the source tenant; failure `FAILED`; rollback removes it.
    Restore {
        /// The restored tenant.
        tenant_id: i64,
        /// The backed-up tenant.
        source_tenant_id: i64,
    },
    /// `Delete tenant`: `DELETING`; success removes it; failure/rollback restore `former`.
    Delete {
        /// The tenant.
        tenant_id: i64,
        /// Status before the task.
        former: String,
    },
    /// Asynchronous modifications: `MODIFYING` holding `reserve`; success applies `apply`.
    Modify {
        /// The tenant.
        tenant_id: i64,
        /// Status before the task (restored at the end).
        former: String,
        /// Capacity held while the task runs.
        reserve: Vec<Reservation>,
        /// What success applies.
        apply: Modification,
    },
}

/// What an asynchronous tenant modification applies when it succeeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Modification {
    /// modifyPrimaryZone.
    PrimaryZone {
        /// The new primary zone string.
        primary_zone: String,
    },
    /// addReplica.
    AddReplicas {
        /// New replicas.
        plan: Vec<PlannedReplica>,
    },
    /// deleteReplica.
    DeleteReplicas {
        /// Zones whose replicas go.
        zones: Vec<String>,
    },
    /// modifyReplica.
    ModifyReplicas {
        /// Owning cluster.
        cluster_id: i64,
        /// Zone changes.
        changes: Vec<ZoneChange>,
    },
}

/// A replica planned by addReplica (units on the planned servers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedReplica {
    /// Zone name.
    pub zone: String,
    /// Replica type.
    pub replica_type: String,
    /// Unit spec name.
    pub unit_spec: String,
    /// Units in the zone.
    pub unit_count: u32,
    /// Servers of the units (planned at request time).
    pub servers: Vec<i64>,
}

/// One planned zone change of modifyReplica.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneChange {
    /// Zone name.
    pub zone: String,
    /// New replica type.
    pub replica_type: String,
    /// New unit spec name.
    pub unit_spec: String,
    /// New unit count.
    pub unit_count: u32,
    /// Servers of the units to add (planned at request time).
    pub add_servers: Vec<i64>,
}

/// The side effects of cluster topology tasks (see [`Effect`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TopologyEffect {
    /// `Create OB cluster`: everything `CREATING`; success `RUNNING` (sys `NORMAL`, obTenantId
    /// 1); failure `FAILED`; rollback removes the cluster.
    CreateCluster {
        /// The new cluster.
        cluster_id: i64,
        /// Its sys tenant.
        sys_tenant_id: i64,
    },
    /// `Delete primary|standby OB cluster`.
    DeleteCluster {
        /// The cluster.
        cluster_id: i64,
        /// Statuses restored on failure/rollback.
        snapshot: Statuses,
    },
    /// `Add zone` (with `addReplicaParams` tenants).
    AddZone {
        /// The cluster.
        cluster_id: i64,
        /// The new zone.
        zone: String,
        /// The new zone and its OBServers.
        snapshot: Statuses,
        /// Tenant replicas added in the zone.
        replicas: Vec<NewReplica>,
    },
    /// `Delete zone`.
    DeleteZone {
        /// The cluster.
        cluster_id: i64,
        /// The zone.
        zone: String,
        /// Statuses restored on failure/rollback.
        snapshot: Statuses,
    },
    /// `Add OBServer`.
    AddServers {
        /// The new OBServers.
        snapshot: Statuses,
        /// Their ids (removed by a rollback).
        servers: Vec<i64>,
    },
    /// `Delete OBServer`.
    DeleteServers {
        /// Statuses restored on failure/rollback.
        snapshot: Statuses,
        /// The OBServers removed on success.
        servers: Vec<i64>,
    },
}

/// Statuses of (parts of) a cluster, restored when a removal fails or is rolled back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statuses {
    pub(crate) cluster_id: i64,
    /// `None` when the cluster status is left alone (e.g. a zone operation).
    #[serde(alias = "cluster_status")]
    pub(crate) cluster: Option<String>,
    pub(crate) zones: Vec<(String, String)>,
    pub(crate) servers: Vec<(i64, String)>,
}

/// A tenant replica added by `Add zone` (`addReplicaParams`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReplica {
    pub(crate) tenant_id: i64,
    pub(crate) zone: TenantZone,
    pub(crate) servers: Vec<i64>,
    pub(crate) reservations: Vec<Reservation>,
}

/// The side effects of power tasks (see [`Effect`]): transitional statuses at
/// start, final statuses on success, the snapshot restored on failure or rollback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PowerEffect {
    /// The cluster.
    pub cluster_id: i64,
    /// The zone of a zone operation (`None`: the whole cluster).
    pub zone: Option<String>,
    /// What is done.
    pub action: Action,
    /// Statuses before the task.
    pub snapshot: Statuses,
}

/// Power operations on a cluster or a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// Start.
    Start,
    /// Stop.
    Stop,
    /// Restart.
    Restart,
}
/// The side effects of `Add host` (see [`Effect`]): `NEW` while running and on
/// failure, `ONLINE` on success; a rollback removes the host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostEffect {
    /// The host.
    pub host_id: i64,
    /// `Delete host` (the cleanup task of `POST /_sim/config {"host_delete_task": true}`):
    /// the host's status before it; `None` for `Add host`.
    #[serde(default)]
    pub deleting_from: Option<String>,
}

/// The side effect of a backupNow task (see [`Effect`]): on success, a data-backup
/// row spanning the task's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupNowEffect {
    /// What is backed up.
    pub object: BackupObject,
    /// `backupMode`.
    pub backup_mode: String,
    /// `dataBackupMode`.
    pub data_backup_mode: String,
}

impl From<TenantEffect> for Effect {
    fn from(e: TenantEffect) -> Self {
        Effect::Tenant(e)
    }
}

impl From<TopologyEffect> for Effect {
    fn from(e: TopologyEffect) -> Self {
        Effect::Topology(e)
    }
}

impl From<PowerEffect> for Effect {
    fn from(e: PowerEffect) -> Self {
        Effect::Power(e)
    }
}

impl From<HostEffect> for Effect {
    fn from(e: HostEffect) -> Self {
        Effect::Host(e)
    }
}

impl From<BackupNowEffect> for Effect {
    fn from(e: BackupNowEffect) -> Self {
        Effect::BackupNow(e)
    }
}

impl From<super::obproxy::ObproxyEffect> for Effect {
    fn from(e: super::obproxy::ObproxyEffect) -> Self {
        Effect::Obproxy(e)
    }
}

/// The side effects of `Upgrade OB cluster` (see [`Effect`]): `UPGRADING` while it runs; on
/// success the new versions and `RUNNING`; failure or rollback restore `former`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpgradeEffect {
    /// The cluster.
    pub cluster_id: i64,
    /// Status before the task.
    pub former: String,
    /// Four-digit version after the upgrade.
    pub ob_version: String,
    /// `version-build` after the upgrade.
    pub full_version: String,
}

impl From<UpgradeEffect> for Effect {
    fn from(e: UpgradeEffect) -> Self {
        Effect::Upgrade(e)
    }
}
