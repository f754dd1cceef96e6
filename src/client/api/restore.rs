//! Restore of a tenant from its backups (ocp-api.md §3.8.1 "Restore a tenant", §5 #25, #26)
//! and OCP's restore task lists.
//!
//! Paths and shapes the reference does not settle, kept here in one place:
//!
//! | Call | Path / shape | Why |
//! |---|---|---|
//! | restore | `POST /api/v2/ob/clusters/{id}/backup/restore` (`{id}` = the backed-up cluster), RestoreTenantParam with `backupTenantStatus: ONLINE` | §3.8.1 (D); the OFFLINE variant's fields are not readable, so only ONLINE is sent |
//! | restore answer | a TaskInstance in `data` **or** a `BackupCommonResponse` whose `taskIdList` holds the task | §5 #25, #26: unseen, both accepted |
//! | the restored tenant | found by name in `restoreClusterId` (the answer names no tenant) | §5 #26 |
//! | restore task list | `GET .../clusters/{id}/backup/task/restoreTasks` and `GET .../clusters/{id}/tenants/{tenantId}/backup/task/restoreTasks`, paged, `{id}`/`{tenantId}` = the backed-up cluster/tenant | public OCP docs ("Query recovery tasks of a cluster", "View restore tasks"); not in the reference |
//! | `RestoreHistoryTask` | `id`, `ocpJobId`, `backupMode` documented; `backupClusterName`, `backupTenantName`, `restoreClusterId`, `restoreClusterName`, `restoreTenantId`, `restoreTenantName`, `restoreEndTime`, `status`, `startTime`, `endTime` | **our decision** (the rest of the docs' table is not readable); every field optional |
//!
//! Retrying (design rule R2): the restore goes through [`OcpClient::post_create`] with
//! [`OcpClient::find_tenant_by_name`] in the target cluster as the look-up, so a tenant of that
//! name that existed before is never adopted and the POST is never repeated blindly.

use serde_json::Value;

use super::backup::{write_result, BackupTarget};
use super::tenant::{ser_create_zones, ReplicaSpec, Tenant};
use crate::client::de::{body_struct, wire_struct};
use crate::client::task::task_in_data;
use crate::client::{ClientError, Created, OcpClient};

/// Base path of the cluster family.
const CLUSTERS: &str = "/api/v2/ob/clusters";

body_struct! {
    /// The new tenant of a restore (`restoreTenantInfoParam`, §3.8.2: the create-tenant shape).
    #[derive(Default)]
    pub struct RestoreTenantInfo {
        /// Name of the new tenant (unique in the target cluster).
        pub name: String,
        /// Primary zone priority string.
        pub primary_zone: Option<String>,
        /// Replicas, sent as `zones[{name, replicaType, resourcePool}]`.
        #[serde(serialize_with = "ser_create_zones")]
        pub zones: Vec<ReplicaSpec>,
    }
}

/// What a restore asks for: restore tenant `backup_tenant_id` of cluster `backup_cluster_id`,
/// as it was at `restore_end_time`, into a new tenant of `restore_cluster_id`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Restore {
    /// Backed-up cluster.
    pub backup_cluster_id: i64,
    /// Backed-up tenant.
    pub backup_tenant_id: i64,
    /// Target cluster.
    pub restore_cluster_id: i64,
    /// Point in time (OffsetDateTime text, e.g. RFC 3339).
    pub restore_end_time: String,
    /// The new tenant.
    pub tenant: RestoreTenantInfo,
}

body_struct! {
    struct OnlineParam<'a> {
        backup_cluster_id: i64,
        backup_tenant_id: i64,
        restore_cluster_id: i64,
        restore_end_time: &'a str,
        restore_tenant_info_param: &'a RestoreTenantInfo,
    }
}

body_struct! {
    struct RestoreBody<'a> {
        backup_tenant_status: &'static str,
        restore_online_tenant_required_param: OnlineParam<'a>,
    }
}

impl Restore {
    fn body(&self) -> RestoreBody<'_> {
        RestoreBody {
            backup_tenant_status: "ONLINE",
            restore_online_tenant_required_param: OnlineParam {
                backup_cluster_id: self.backup_cluster_id,
                backup_tenant_id: self.backup_tenant_id,
                restore_cluster_id: self.restore_cluster_id,
                restore_end_time: &self.restore_end_time,
                restore_tenant_info_param: &self.tenant,
            },
        }
    }
}

/// What OCP answered to a restore it accepted: the tasks to wait on and, when the answer
/// names it, the new tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restoring {
    /// Tasks to wait on, in order.
    pub tasks: Vec<i64>,
    /// The new tenant, when the answer is a TaskInstance naming it.
    pub tenant_id: Option<i64>,
}

wire_struct! {
    /// One restore as OCP's restore task lists report it (see the module table).
    #[derive(Eq)]
    pub struct RestoreTask {
        /// Restore task id.
        pub id: Option<i64>,
        /// The OCP task that ran it.
        pub ocp_job_id: Option<i64>,
        /// `PHYSICAL_BACKUP` / `LOGICAL_BACKUP`.
        pub backup_mode: Option<String>,
        /// Backed-up cluster.
        pub backup_cluster_name: Option<String>,
        /// Backed-up tenant.
        pub backup_tenant_name: Option<String>,
        /// Target cluster id.
        pub restore_cluster_id: Option<i64>,
        /// Target cluster name.
        pub restore_cluster_name: Option<String>,
        /// The new tenant's id.
        pub restore_tenant_id: Option<i64>,
        /// The new tenant's name.
        pub restore_tenant_name: Option<String>,
        /// Point in time restored to.
        pub restore_end_time: Option<String>,
        /// Status, e.g. `RUNNING`, `SUCCESSFUL`, `FAILED`.
        pub status: Option<String>,
        /// When it started.
        pub start_time: Option<String>,
        /// When it ended.
        pub end_time: Option<String>,
    }
}

/// The tasks of a restore answer (§5 #25, #26): a TaskInstance, or a `BackupCommonResponse`.
fn restoring(path: &str, data: Value) -> Result<Restoring, ClientError> {
    if let Some(task) = task_in_data("POST", path, data.clone())? {
        return Ok(Restoring {
            tasks: vec![task.id],
            tenant_id: task.tenant_id(),
        });
    }
    Ok(Restoring {
        tasks: write_result("POST", path, data)?,
        tenant_id: None,
    })
}

impl OcpClient {
    /// `POST .../clusters/{backupClusterId}/backup/restore` (see the module table). Never
    /// repeated blindly, never adopting a tenant of that name that was there before.
    pub async fn restore_tenant(
        &self,
        r: &Restore,
    ) -> Result<Created<Restoring, Tenant>, ClientError> {
        let path = format!("{CLUSTERS}/{}/backup/restore", r.backup_cluster_id);
        let lookup = || self.find_tenant_by_name(r.restore_cluster_id, &r.tenant.name);
        match self
            .post_create::<_, Value, _, _, _>(&path, &r.body(), lookup)
            .await?
        {
            Created::New(data) => restoring(&path, data).map(Created::New),
            Created::Adopted(t) => Ok(Created::Adopted(t)),
            Created::Existing(t) => Ok(Created::Existing(t)),
        }
    }

    /// The restores of a cluster (`tenant` `None`) or of one tenant of it, every page.
    pub async fn list_restore_tasks(
        &self,
        target: BackupTarget,
    ) -> Result<Vec<RestoreTask>, ClientError> {
        let path = match target.tenant_id {
            Some(t) => format!(
                "{CLUSTERS}/{}/tenants/{t}/backup/task/restoreTasks",
                target.cluster_id
            ),
            None => format!("{CLUSTERS}/{}/backup/task/restoreTasks", target.cluster_id),
        };
        self.list_all(&path, &[]).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_body_is_an_online_restore_with_the_create_tenant_zones() {
        let r = Restore {
            backup_cluster_id: 1,
            backup_tenant_id: 2,
            restore_cluster_id: 3,
            restore_end_time: "2025-03-20T16:47:00+08:00".into(),
            tenant: RestoreTenantInfo {
                name: "copy".into(),
                primary_zone: None,
                zones: vec![ReplicaSpec {
                    zone_name: "zone1".into(),
                    replica_type: "FULL".into(),
                    unit_spec_name: "S1".into(),
                    unit_count: 1,
                }],
            },
        };
        let v = serde_json::to_value(r.body()).unwrap();
        assert_eq!(
            v,
            json!({
                "backupTenantStatus": "ONLINE",
                "restoreOnlineTenantRequiredParam": {
                    "backupClusterId": 1, "backupTenantId": 2, "restoreClusterId": 3,
                    "restoreEndTime": "2025-03-20T16:47:00+08:00",
                    "restoreTenantInfoParam": {"name": "copy", "zones": [
                        {"name": "zone1", "replicaType": "FULL",
                         "resourcePool": {"unitSpecName": "S1", "unitCount": 1}}]},
                },
            })
        );
    }

    #[test]
    fn a_restore_answer_is_a_task_or_a_backup_result() {
        let task = json!({"id": 7, "name": "Restore tenant", "status": "RUNNING",
                          "tenantId": 9, "subtasks": []});
        assert_eq!(
            restoring("/p", task).unwrap(),
            Restoring {
                tasks: vec![7],
                tenant_id: Some(9)
            }
        );
        let common = json!({"obBackupTaskType": "RESTORE_TENANT", "backupObjectOpsResultList": [
            {"beSuccessful": true, "taskIdList": [8]}]});
        assert_eq!(
            restoring("/p", common).unwrap(),
            Restoring {
                tasks: vec![8],
                tenant_id: None
            }
        );
        let failed = json!({"backupObjectOpsResultList": [
            {"beSuccessful": false, "hint": "no backup"}]});
        assert!(restoring("/p", failed).is_err());
    }
}
