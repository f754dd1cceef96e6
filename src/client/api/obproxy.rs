//! OBProxy clusters (`docs/ocp-api-obproxy.md`).
//!
//! Decisions on what OCP's public pages do not settle, kept here in one place (each is marked
//! "(inferred)" in `docs/ocp-api-obproxy.md`):
//!
//! - The create answers a task, as the other async creates do; the new cluster's id is then
//!   found by its name in the list (OCP's list documents no name filter: the list is read in
//!   full and filtered here).
//! - The detail's OBProxies are `obproxies[{id, hostId, ip, sqlPort, exporterPort, rpcPort,
//!   version, status}]` and the cluster has a `status` and a `workMode`; every one of these
//!   fields is optional here so that a differing OCP still decodes.
//! - The exporter port is sent as `exporterPort` (the add-OBProxy page and the second witness;
//!   the create page once spells it `exportPort`); `rpcPort`, `password` (root@proxysys) and
//!   `proxyroPassword` come from the second witness only.
//! - `obLinks/batchAdd` takes the bare array of links (the body documented first, and the
//!   sample of every version).
//! - Parameters are read with `GET .../parameters` and changed with `PUT .../parameters`
//!   taking `[{name, value}]` (sync), as OB cluster parameters are (ocp-api.md §3.1); removing
//!   a managed key sets it back to the `defaultValue` the list reports.

use serde::Serialize;
use serde_json::Value;

use super::{not_found_as_none, path_segment};
use crate::client::de::{body_struct, wire_struct};
use crate::client::task::task_in_data;
use crate::client::{ClientError, Created, OcpClient, Secret, TaskInstance};

/// Base path of the family.
const CLUSTERS: &str = "/api/v2/obproxy/clusters";

wire_struct! {
    /// An OBProxy cluster as OCP reports it.
    pub struct ObproxyCluster {
        /// OCP id.
        #[required]
        pub id: i64,
        /// Name, unique in OCP.
        pub name: String,
        /// `CREATING`, `RUNNING`, ... (inferred).
        pub status: Option<String>,
        /// `CONFIG_URL` or `RS_LIST` (inferred).
        pub work_mode: Option<String>,
        /// Access address of the cluster (e.g. a load balancer).
        pub address: Option<String>,
        /// Access port of the cluster.
        pub port: Option<i64>,
        /// ConfigUrl of the cluster.
        pub config_url: Option<String>,
        /// Parameter version.
        pub parameter_version: Option<i64>,
        /// Creator's name.
        pub creator_name: Option<String>,
        /// ISO-8601 creation time.
        pub create_time: Option<String>,
        /// ISO-8601 update time.
        pub update_time: Option<String>,
        /// Connectable OceanBase clusters.
        pub ob_links: Vec<ObLink>,
        /// The OBProxies (inferred).
        pub obproxies: Vec<Obproxy>,
    }
}

wire_struct! {
    /// A connectable OceanBase cluster (`ObLink`), in answers and in bodies.
    #[derive(Serialize)]
    pub struct ObLink {
        /// Name of the OceanBase cluster.
        pub cluster_name: String,
        /// OceanBase's own cluster id (not the OCP id).
        pub ob_cluster_id: Option<i64>,
        /// The user OBProxy connects as, e.g. `proxyro`.
        pub username: String,
    }
}

wire_struct! {
    /// One OBProxy of a cluster (inferred shape).
    pub struct Obproxy {
        /// OCP id of the OBProxy (`obproxyServerIds`).
        pub id: Option<i64>,
        /// Host it runs on.
        pub host_id: Option<i64>,
        /// IP address.
        pub ip: Option<String>,
        /// SQL port.
        pub sql_port: Option<i64>,
        /// Exporter port.
        #[serde(alias = "exportPort")]
        pub exporter_port: Option<i64>,
        /// RPC port.
        pub rpc_port: Option<i64>,
        /// Version, e.g. `4.2.1.0-11`.
        pub version: Option<String>,
        /// Status.
        pub status: Option<String>,
    }
}

wire_struct! {
    /// A parameter of an OBProxy cluster.
    pub struct ObproxyParameter {
        /// Name.
        pub name: String,
        /// Current value.
        pub value: Option<String>,
        /// Default value (inferred).
        pub default_value: Option<String>,
    }
}

/// A `{name, value}` parameter in a body: the one of the cluster family.
pub use super::cluster::NameValue;

body_struct! {
    /// Where OBProxies are installed (`obproxyInstallParam`, and the batchAdd body).
    #[derive(Default)]
    pub struct InstallObproxy {
        /// Host ids.
        pub host_ids: Vec<i64>,
        /// SQL port.
        pub sql_port: i64,
        /// Exporter port.
        pub exporter_port: i64,
        /// RPC port (second witness only).
        pub rpc_port: Option<i64>,
        /// Package, e.g. `obproxy-ce-4.2.1.0-11.el7.x86_64.rpm`.
        pub version: String,
    }
}

body_struct! {
    /// The create body. Passwords are [`Secret`]s.
    #[derive(Default)]
    pub struct CreateObproxyCluster {
        /// Name (the natural key).
        pub name: String,
        /// `CONFIG_URL` or `RS_LIST`.
        pub work_mode: String,
        /// Password of root@proxysys.
        pub password: Option<Secret>,
        /// Password of proxyro in the linked clusters.
        pub proxyro_password: Option<Secret>,
        /// Where to install the OBProxies.
        pub obproxy_install_param: InstallObproxy,
        /// Connectable OceanBase clusters.
        pub ob_links: Vec<ObLink>,
        /// Startup parameters (documented as required, may be empty).
        pub startup_parameters: Vec<NameValue>,
        /// Parameters (documented as required, may be empty).
        pub parameters: Vec<NameValue>,
    }
}

impl CreateObproxyCluster {
    /// Passwords out of an error message.
    fn mask(&self, e: ClientError) -> ClientError {
        let e = match &self.password {
            Some(p) => e.mask(p),
            None => e,
        };
        match &self.proxyro_password {
            Some(p) => e.mask(p),
            None => e,
        }
    }
}

/// The one task of an answer: `data` as a task, or the first of `data.contents`.
fn one_task(method: &'static str, path: &str, data: Value) -> Result<TaskInstance, ClientError> {
    let data = match data {
        Value::Object(mut o) if o.contains_key("contents") => o
            .remove("contents")
            .and_then(|c| match c {
                Value::Array(a) => a.into_iter().next(),
                _ => None,
            })
            .unwrap_or(Value::Null),
        d => d,
    };
    task_in_data(method, path, data)?.ok_or_else(|| {
        let message = "OCP accepted the request but its answer carries no task";
        ClientError::decode(method, path, message)
    })
}

impl OcpClient {
    /// Every OBProxy cluster (all pages).
    pub async fn list_obproxy_clusters(&self) -> Result<Vec<ObproxyCluster>, ClientError> {
        self.list_all(CLUSTERS, &[]).await
    }

    /// The OBProxy cluster with OCP id `id`, or `None` when OCP answers 404.
    pub async fn find_obproxy_cluster(
        &self,
        id: i64,
    ) -> Result<Option<ObproxyCluster>, ClientError> {
        not_found_as_none(self.get(&format!("{CLUSTERS}/{id}"), &[]).await)
    }

    /// The OBProxy cluster named exactly `name`, read in full.
    pub async fn find_obproxy_cluster_by_name(
        &self,
        name: &str,
    ) -> Result<Option<ObproxyCluster>, ClientError> {
        let found = (self.list_obproxy_clusters().await?)
            .into_iter()
            .find(|c| c.name == name);
        match found {
            Some(c) => self.find_obproxy_cluster(c.id).await,
            None => Ok(None),
        }
    }

    /// `POST /api/v2/obproxy/clusters` (async), through [`OcpClient::post_create`] with a
    /// look-up by name: a cluster of that name that was there before is `Existing`.
    pub async fn create_obproxy_cluster(
        &self,
        req: &CreateObproxyCluster,
    ) -> Result<Created<TaskInstance, ObproxyCluster>, ClientError> {
        let r = self
            .post_create::<_, Value, _, _, _>(CLUSTERS, req, || {
                self.find_obproxy_cluster_by_name(&req.name)
            })
            .await
            .map_err(|e| req.mask(e))?;
        Ok(match r {
            Created::New(data) => Created::New(one_task("POST", CLUSTERS, data)?),
            Created::Adopted(c) => Created::Adopted(c),
            Created::Existing(c) => Created::Existing(c),
        })
    }

    /// `DELETE /api/v2/obproxy/clusters/{id}` (async): `Ok(None)` when already gone.
    pub async fn delete_obproxy_cluster(
        &self,
        id: i64,
    ) -> Result<Option<TaskInstance>, ClientError> {
        let path = format!("{CLUSTERS}/{id}");
        match self.delete_if_present(&path).await? {
            Some(data) => one_task("DELETE", &path, data).map(Some),
            None => Ok(None),
        }
    }

    /// `POST .../obproxies/batchAdd` (async; sent once): OBProxies on more hosts.
    pub async fn add_obproxies(
        &self,
        id: i64,
        req: &InstallObproxy,
    ) -> Result<TaskInstance, ClientError> {
        let path = format!("{CLUSTERS}/{id}/obproxies/batchAdd");
        let data: Value = self.post_once(&path, req).await?;
        one_task("POST", &path, data)
    }

    /// `POST .../servers/delete {obproxyServerIds}` (async; sent once).
    pub async fn delete_obproxies(
        &self,
        id: i64,
        obproxy_ids: &[i64],
    ) -> Result<TaskInstance, ClientError> {
        let path = format!("{CLUSTERS}/{id}/servers/delete");
        let body = serde_json::json!({ "obproxyServerIds": obproxy_ids });
        let data: Value = self.post_once(&path, &body).await?;
        one_task("POST", &path, data)
    }

    /// `POST .../obLinks/batchAdd` (sync; linking a cluster twice is refused, so sent once).
    pub async fn add_ob_links(&self, id: i64, links: &[ObLink]) -> Result<(), ClientError> {
        let path = format!("{CLUSTERS}/{id}/obLinks/batchAdd");
        self.post_once::<_, Value>(&path, links).await.map(drop)
    }

    /// `DELETE .../obLinks/{obClusterName}` (sync): `false` when the link was already gone.
    pub async fn delete_ob_link(&self, id: i64, cluster_name: &str) -> Result<bool, ClientError> {
        self.delete_existing(&format!(
            "{CLUSTERS}/{id}/obLinks/{}",
            path_segment(cluster_name)
        ))
        .await
    }

    /// `GET .../parameters`: every parameter of the cluster.
    pub async fn list_obproxy_parameters(
        &self,
        id: i64,
    ) -> Result<Vec<ObproxyParameter>, ClientError> {
        self.list_all(&format!("{CLUSTERS}/{id}/parameters"), &[])
            .await
    }

    /// `PUT .../parameters [{name, value}]` (sync; inferred, see the module docs).
    pub async fn set_obproxy_parameters(
        &self,
        id: i64,
        params: &[NameValue],
    ) -> Result<(), ClientError> {
        self.put::<_, Value>(&format!("{CLUSTERS}/{id}/parameters"), params)
            .await
            .map(drop)
    }
}

#[cfg(test)]
mod tests;
