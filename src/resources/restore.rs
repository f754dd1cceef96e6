//! Restore of a tenant from its backups: the `restore_from` block of `ocp_tenant` (its schema,
//! model and the point in time it restores to) and the `ocp_restore_tasks` data source.
//!
//! API: ocp-api.md §3.8.1 ("Restore a tenant", RestoreTenantParam), §5 #25, #26; the restore
//! task list and its inferred fields are in `crate::client::api::restore`.
//!
//! Decisions, kept here:
//!
//! * **Latest** (`restore_time` unset): the latest point the source's backups reach as OCP
//!   lists them: the end of its last finished (`DONE`) data backup, or the checkpoint of a log
//!   backup (archiving), of the tenant's own backups or its cluster's, whichever is later. OCP's
//!   RestoreTenantParam requires `restoreEndTime` (§3.8.2), so the provider picks it; a source
//!   without a finished data backup is refused before anything is sent.
//! * **Changing `restore_from` after creation** changes nothing in OCP: it only shaped the
//!   tenant's birth. Terraform shows an in-place update of the block and the apply records the
//!   new value without calling OCP. (A plan that kept the prior value would break Terraform's
//!   rule that a planned non-computed value equals the configuration.)

use serde::{Deserialize, Serialize};

use crate::client::api::backup::{BackupTarget, BackupTask};
use crate::client::api::restore::RestoreTask;
use crate::client::{ClientError, OcpClient};
use crate::framework::validate::Text;
use crate::framework::{Attr, Block, Schema};
use crate::lifecycle::{data::ListData, Step};
use crate::value::Type;

/// Epoch milliseconds of an RFC 3339 date-time (`2025-03-20T16:47:00+08:00`,
/// `2025-03-20T08:47:00.342Z`); `None` when `s` is not one. Date and time are joined by `T`
/// (RFC 3339 also allows a space, which OCP's examples never use).
pub(crate) fn rfc3339_ms(s: &str) -> Option<i64> {
    s.get(10..11).filter(|t| t.eq_ignore_ascii_case("T"))?;
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339);
    i64::try_from(t.ok()?.unix_timestamp_nanos() / 1_000_000).ok()
}

/// An RFC 3339 date-time with an offset, such as `2025-03-20T16:47:00+08:00`.
fn rfc3339() -> Text {
    let must_be = "an RFC 3339 date-time with offset, such as `2025-03-20T16:47:00+08:00`";
    Text::new("Invalid Restore Time", must_be, |s| rfc3339_ms(s).is_some())
}

/// The `restore_from` block of `ocp_tenant`.
pub(crate) fn restore_block() -> Block {
    Block::new("Creates the tenant by restoring another tenant's backups (OCP's restore call) instead of creating an empty one. OCP runs the restore as a task that Terraform waits on; the new tenant holds the source's databases and users as of `restore_time`, and is then managed like any other. The restored tenant takes the source's mode and character set (`mode` and `charset` must match them), and its administrator password is then set to `root_password`. Changing this block after creation does nothing in OCP: it only shapes the tenant's birth, and the apply just records the new value.")
        .attr("cluster_id", Attr::int().required().doc("OCP id of the cluster of the backed-up tenant, e.g. `ocp_tenant.primary.cluster_id`."))
        .attr("tenant_id", Attr::int().required().doc("OCP id of the backed-up tenant, e.g. `ocp_tenant.primary.id`. It must still exist and have a finished data backup."))
        .attr("restore_time", Attr::string().optional().validate(rfc3339()).doc("Point in time to restore to, RFC 3339 with offset (e.g. `2025-03-20T16:47:00+08:00`). It must lie within what the backups cover: not before the end of the first finished data backup, not after the latest backup or log-archive checkpoint (OCP refuses it otherwise, and nothing is created). Default: the latest point the source's backups reach."))
}

/// The `restore_from` block.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct RestoreFrom {
    pub(crate) cluster_id: i64,
    pub(crate) tenant_id: i64,
    pub(crate) restore_time: Option<String>,
}

/// The latest time of one backup row: a finished data backup's end, a log backup's checkpoint.
fn reached(t: &BackupTask, log: bool) -> Option<&str> {
    if log {
        t.checkpoint.as_deref()
    } else if t.status.as_deref() == Some("DONE") {
        t.end_time.as_deref()
    } else {
        None
    }
}

/// The latest point tenant `tenant_id` of cluster `cluster_id` can be restored to (see the
/// module docs), as OCP wrote it; `None` without a finished data backup.
pub(crate) async fn latest_restore_time(
    client: &OcpClient,
    cluster_id: i64,
    tenant_id: i64,
) -> Result<Option<String>, ClientError> {
    let mut data = Vec::new();
    let mut logs = Vec::new();
    for target in [
        BackupTarget::tenant(cluster_id, tenant_id),
        BackupTarget::cluster(cluster_id),
    ] {
        data.extend(client.list_data_backup_tasks(target).await?);
        logs.extend(client.list_log_backup_tasks(target).await?);
    }
    let latest = |rows: &[BackupTask], log: bool| -> Option<(i64, String)> {
        rows.iter()
            .filter_map(|t| reached(t, log))
            .filter_map(|s| rfc3339_ms(s).map(|ms| (ms, s.to_string())))
            .max_by_key(|(ms, _)| *ms)
    };
    let Some(last_data) = latest(&data, false) else {
        return Ok(None);
    };
    Ok(Some(match latest(&logs, true) {
        Some(log) if log.0 > last_data.0 => log.1,
        _ => last_data.1,
    }))
}

/// One element of `ocp_restore_tasks.restore_tasks`.
fn task_block() -> Block {
    Block::new("One restore.")
        .attr("id", Attr::int().computed().doc("OCP id of the restore task."))
        .attr("ocp_task_id", Attr::int().computed().doc("OCP task instance that ran the restore (`ocpJobId`); its progress is in OCP's task list."))
        .attr("backup_mode", Attr::string().computed().doc("`PHYSICAL_BACKUP` or `LOGICAL_BACKUP`: the kind of backups restored."))
        .attr("backup_cluster_name", Attr::string().computed().doc("Cluster of the backed-up tenant."))
        .attr("backup_tenant_name", Attr::string().computed().doc("The backed-up tenant."))
        .attr("restore_cluster_id", Attr::int().computed().doc("OCP id of the cluster restored into."))
        .attr("restore_cluster_name", Attr::string().computed().doc("Name of the cluster restored into."))
        .attr("restore_tenant_id", Attr::int().computed().doc("OCP id of the tenant the restore made."))
        .attr("restore_tenant_name", Attr::string().computed().doc("Name of the tenant the restore made."))
        .attr("restore_time", Attr::string().computed().doc("Point in time restored to."))
        .attr("status", Attr::string().computed().doc("Status as OCP reports it, such as `RUNNING`, `SUCCESSFUL` or `FAILED`."))
        .attr("start_time", Attr::string().computed().doc("When the restore started."))
        .attr("end_time", Attr::string().computed().doc("When the restore ended; null while it runs."))
}

/// One element of `ocp_restore_tasks.restore_tasks`.
#[derive(Serialize)]
pub struct TaskData {
    id: Option<i64>,
    ocp_task_id: Option<i64>,
    backup_mode: Option<String>,
    backup_cluster_name: Option<String>,
    backup_tenant_name: Option<String>,
    restore_cluster_id: Option<i64>,
    restore_cluster_name: Option<String>,
    restore_tenant_id: Option<i64>,
    restore_tenant_name: Option<String>,
    restore_time: Option<String>,
    status: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
}

impl From<RestoreTask> for TaskData {
    fn from(t: RestoreTask) -> TaskData {
        TaskData {
            id: t.id,
            ocp_task_id: t.ocp_job_id,
            backup_mode: t.backup_mode,
            backup_cluster_name: t.backup_cluster_name,
            backup_tenant_name: t.backup_tenant_name,
            restore_cluster_id: t.restore_cluster_id,
            restore_cluster_name: t.restore_cluster_name,
            restore_tenant_id: t.restore_tenant_id,
            restore_tenant_name: t.restore_tenant_name,
            restore_time: t.restore_end_time,
            status: t.status,
            start_time: t.start_time,
            end_time: t.end_time,
        }
    }
}

/// `data "ocp_restore_tasks"`: the restores from a cluster's or one tenant's backups.
pub struct RestoreTasksDataSource;

#[tonic::async_trait]
impl ListData for RestoreTasksDataSource {
    /// Whose backups the restores restored.
    type Filter = BackupTarget;
    type Entry = TaskData;
    const NAMES: [&'static str; 3] = ["ocp_restore_tasks", "List Restore Tasks", "restore_tasks"];
    const LIST_DOC: &'static str = "The restores in OCP's order, each with `id`, `ocp_task_id`, `backup_mode`, `backup_cluster_name`, `backup_tenant_name`, `restore_cluster_id`, `restore_cluster_name`, `restore_tenant_id`, `restore_tenant_name`, `restore_time`, `status`, `start_time` and `end_time`.";

    fn filters(&self) -> Schema {
        let about = "Lists the restores made from the backups of a cluster's tenants, or of one tenant, as OCP's restore task list reports them.";
        let cluster = "OCP id of the cluster whose backups were restored (the source's cluster).";
        let tenant = "Only restores of this backed-up tenant (OCP id). Default: every tenant of the cluster.";
        BackupTarget::arguments(Schema::new(about), cluster, tenant)
    }

    fn entry(&self) -> Type {
        task_block().implied_type()
    }

    async fn fetch(&self, client: &OcpClient, of: &BackupTarget) -> Step<Vec<TaskData>> {
        let list = client.list_restore_tasks(*of).await?;
        Ok(list.into_iter().map(TaskData::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_read_with_their_offset() {
        let z = rfc3339_ms("2025-03-20T08:47:00Z");
        assert_eq!(z, Some(1_742_460_420_000));
        assert_eq!(rfc3339_ms("2025-03-20T16:47:00+08:00"), z);
        assert_eq!(rfc3339_ms("2025-03-20T03:47:00-05:00"), z);
        assert_eq!(
            rfc3339_ms("2025-03-20T16:47:00.5+08:00"),
            z.map(|t| t + 500)
        );
        for bad in [
            "2025-03-20T16:47:00",
            "2025-03-20 16:47:00+08:00",
            "2025-02-30T00:00:00Z",
            "2025-03-20T24:00:00Z",
            "2025-03-20T16:47:00+8:00",
            "yesterday",
            "",
        ] {
            assert_eq!(rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_latest_point_is_a_done_backup_or_a_log_checkpoint() {
        let row = |status: &str, end: Option<&str>, checkpoint: Option<&str>| BackupTask {
            status: Some(status.into()),
            end_time: end.map(String::from),
            checkpoint: checkpoint.map(String::from),
            ..BackupTask::default()
        };
        assert_eq!(reached(&row("DONE", Some("e"), None), false), Some("e"));
        assert_eq!(reached(&row("DOING", Some("e"), None), false), None);
        assert_eq!(
            reached(&row("INPROGRESS", None, Some("c")), true),
            Some("c")
        );
    }
}
