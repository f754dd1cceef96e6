//! Resources and data sources, one file per OCP family, and the one list of all of them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::client::{ClientError, OcpClient, TaskInstance, WaitOptions};
use crate::framework::{AttrPath, Ctx, DataSource, Diagnostics, Resource};

pub mod cluster;
pub mod tenant;

/// Every managed resource type this provider serves.
pub fn all_resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(tenant::TenantResource)]
}

/// Every data source this provider serves.
pub fn all_data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(cluster::ClusterDataSource),
        Arc::new(cluster::ClustersDataSource),
        Arc::new(tenant::TenantDataSource),
        Arc::new(tenant::TenantsDataSource),
    ]
}

/// Turns a client error into one diagnostic, the same way for every resource: the summary
/// names the action ("Unable to Read Cluster"), the detail carries what OCP said (code,
/// message, trace id) or the failed task's subtask and log.
pub fn report(diags: &mut Diagnostics, action: &str, path: Option<AttrPath>, err: &ClientError) {
    let (_, detail) = err.summary_detail();
    let summary = format!("Unable to {action}");
    match path {
        Some(p) => diags.attr_error(p, summary, detail),
        None => diags.error(summary, detail),
    }
}

/// The time left of an operation that must end by `deadline` (zero once it has passed).
pub fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// Waits on an OCP task until it succeeds, fails, the operation's deadline passes, or
/// Terraform sends Stop. One place, so every resource waits alike (design rule R3).
pub async fn wait(
    client: &OcpClient,
    ctx: &Ctx,
    task: &TaskInstance,
    deadline: Instant,
) -> Result<TaskInstance, ClientError> {
    client
        .wait_task(
            task.id,
            &WaitOptions::with_timeout(remaining(deadline)),
            &ctx.cancel,
        )
        .await
}

/// Private state a resource keeps beside its state: the OCP task last started for it, so a
/// later run can tell whether that task finished (design rule R1).
pub fn task_private(task_id: i64) -> Vec<u8> {
    serde_json::json!({ "task_id": task_id })
        .to_string()
        .into_bytes()
}
