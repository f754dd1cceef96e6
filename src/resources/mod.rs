//! Resources and data sources, one file per OCP family, and the one list of all of them.

use std::sync::Arc;

use crate::client::ClientError;
use crate::framework::{AttrPath, DataSource, Diagnostics, Resource};

pub mod cluster;

/// Every managed resource type this provider serves.
pub fn all_resources() -> Vec<Arc<dyn Resource>> {
    vec![]
}

/// Every data source this provider serves.
pub fn all_data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(cluster::ClusterDataSource),
        Arc::new(cluster::ClustersDataSource),
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
