//! Restore tasks (§3.8.1 "Restore a tenant", §5 #25, #26): one [`RestoreRow`] per accepted
//! restore, held in [`super::Store::restores`]. The rules and shapes are in
//! [`crate::domain::restore`].

use serde::{Deserialize, Serialize};

/// First restore row id (own range, see the id table of [`super`]).
pub const RESTORE_ROW_ID_BASE: i64 = 5_200_001;

/// One restore, as the restore task lists report it (`RestoreHistoryTask`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreRow {
    /// Row id.
    pub id: i64,
    /// The OCP task instance that runs the restore (`ocpJobId`).
    pub task_id: i64,
    /// `PHYSICAL_BACKUP` / `LOGICAL_BACKUP`: the mode of the backups restored.
    pub backup_mode: String,
    /// Backed-up cluster.
    pub backup_cluster_id: i64,
    /// Its name at the time of the restore.
    pub backup_cluster_name: String,
    /// Backed-up tenant.
    pub backup_tenant_id: i64,
    /// Its name at the time of the restore.
    pub backup_tenant_name: String,
    /// Target cluster.
    pub restore_cluster_id: i64,
    /// Its name.
    pub restore_cluster_name: String,
    /// The new tenant.
    pub restore_tenant_id: i64,
    /// Its name.
    pub restore_tenant_name: String,
    /// Point in time restored to (epoch ms).
    pub restore_end_time: i64,
}

/// Every restore, by row id.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct RestoreState {
    /// Rows by id.
    pub rows: std::collections::BTreeMap<i64, RestoreRow>,
    next_row: i64,
}

impl RestoreState {
    /// The next row id.
    pub(crate) fn next_id(&mut self) -> i64 {
        if self.next_row < RESTORE_ROW_ID_BASE {
            self.next_row = RESTORE_ROW_ID_BASE;
        }
        let id = self.next_row;
        self.next_row += 1;
        id
    }
}
