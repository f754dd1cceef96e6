//! The data of the OBProxy family (OBProxy clusters, their OBProxies, links to OceanBase
//! clusters and parameters), held in [`super::Store::obproxy`]. The rules and shapes are in
//! [`crate::domain::obproxy`]; the API is `docs/ocp-api-obproxy.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// First OBProxy cluster id.
pub const CLUSTER_ID_BASE: i64 = 1_014_001;
/// First OBProxy (server) id.
pub const PROXY_ID_BASE: i64 = 1_015_001;

/// Every OBProxy cluster, and the id counters of the family.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObproxyState {
    /// OBProxy clusters by id.
    pub clusters: BTreeMap<i64, ObproxyCluster>,
    next_cluster: i64,
    next_proxy: i64,
}

impl ObproxyState {
    /// The next OBProxy cluster id.
    pub fn next_cluster_id(&mut self) -> i64 {
        let id = self.next_cluster.max(CLUSTER_ID_BASE);
        self.next_cluster = id + 1;
        id
    }

    /// The next OBProxy id.
    pub fn next_proxy_id(&mut self) -> i64 {
        let id = self.next_proxy.max(PROXY_ID_BASE);
        self.next_proxy = id + 1;
        id
    }

    /// The OBProxy cluster and OBProxy running on host `host_id`, if any.
    pub fn proxy_on_host(&self, host_id: i64) -> Option<(&ObproxyCluster, &Obproxy)> {
        self.clusters.values().find_map(|c| {
            c.proxies
                .iter()
                .find(|p| p.host_id == host_id)
                .map(|p| (c, p))
        })
    }
}

/// An OBProxy cluster (`/api/v2/obproxy/clusters`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObproxyCluster {
    /// OCP id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// `CREATING`, `RUNNING`, `DELETING`, `FAILED`.
    pub status: String,
    /// `CONFIG_URL` or `RS_LIST`.
    pub work_mode: String,
    /// Access address of the cluster (e.g. a load balancer), when set at creation.
    pub address: Option<String>,
    /// Access port, when set at creation.
    pub port: Option<i64>,
    /// The OBProxies.
    pub proxies: Vec<Obproxy>,
    /// Connectable OceanBase clusters.
    pub links: Vec<ObLink>,
    /// Parameters set away from their defaults, by name.
    pub parameters: BTreeMap<String, String>,
    /// Bumped by every parameter change.
    pub parameter_version: i64,
    /// Password of `root@proxysys` (never rendered).
    pub password: Option<String>,
    /// Password of `proxyro` in the linked clusters (never rendered).
    pub proxyro_password: Option<String>,
    /// Epoch ms.
    pub create_time: i64,
    /// Epoch ms.
    pub update_time: i64,
}

/// One OBProxy process on a host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Obproxy {
    /// OCP id of the OBProxy (`obproxyServerIds`).
    pub id: i64,
    /// Host it runs on.
    pub host_id: i64,
    /// SQL port.
    pub sql_port: i64,
    /// Exporter (Prometheus) port.
    pub exporter_port: i64,
    /// RPC port, when given.
    pub rpc_port: Option<i64>,
    /// Version of the package, e.g. `4.2.1.0-11`.
    pub version: String,
    /// `CREATING`, `RUNNING`, `DELETING`, `FAILED`.
    pub status: String,
}

/// A connectable OceanBase cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObLink {
    /// Name of the OceanBase cluster.
    pub cluster_name: String,
    /// OceanBase's own cluster id.
    pub ob_cluster_id: i64,
    /// User OBProxy connects as (e.g. `proxyro`).
    pub username: String,
}

/// The side effects of OBProxy tasks (see [`super::Effect`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ObproxyEffect {
    /// `Create obproxy cluster`: the cluster and its OBProxies `CREATING`; success `RUNNING`;
    /// failure `FAILED`; rollback removes the cluster (its hosts are free again).
    Create {
        /// The OBProxy cluster.
        cluster_id: i64,
    },
    /// `Delete obproxy cluster`: `DELETING`; success removes the cluster and frees its hosts;
    /// failure or rollback restore `former`.
    Delete {
        /// The OBProxy cluster.
        cluster_id: i64,
        /// Status before the task.
        former: String,
    },
    /// `Add obproxy`: the new OBProxies `CREATING`; success `RUNNING`; failure `FAILED`;
    /// rollback removes them.
    AddProxies {
        /// The OBProxy cluster.
        cluster_id: i64,
        /// The new OBProxies.
        proxies: Vec<i64>,
    },
    /// `Delete obproxy server`: `DELETING`; success removes them (their hosts are free);
    /// failure or rollback set them `RUNNING` again.
    DeleteProxies {
        /// The OBProxy cluster.
        cluster_id: i64,
        /// The OBProxies removed.
        proxies: Vec<i64>,
    },
}
