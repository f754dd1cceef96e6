//! Clusters, zones and OBServers (ocp-api.md §3.1-3.3, §5 #12-13).
//!
//! Paths that the reference marks as inferred, kept here in one place: `GET
//! /api/v2/ob/clusters/{id}` and `POST .../{id}/start|restart` (§5 #12), `DELETE
//! .../zones/{zoneName}` and `POST .../zones/{zoneName}/start|stop|restart` (§3.2, §5 #12). The
//! cluster object's zone/server shape is §5 #13's proposed answer; every field but `id` and
//! `name` is optional here so that a differing OCP still decodes.
//!
//! Day-2 calls the reference lists without a path (§3.1 "Upgrade", "Change sys root password")
//! follow OCP's own API pages, cited beside each call; `docs/ocp-api-cluster-day2.md` collects
//! them, with what is inferred.

use serde::Serialize;

use super::{not_found_as_none, path_segment};
use crate::client::de::{body_struct, wire_struct};
use crate::client::{ClientError, Created, OcpClient, Secret, TaskInstance, TaskScope};

/// Base path of the cluster family.
const CLUSTERS: &str = "/api/v2/ob/clusters";

wire_struct! {
    /// An OceanBase cluster as OCP reports it.
    pub struct Cluster {
        /// OCP id (path parameter of every cluster call).
        #[required]
        pub id: i64,
        /// Cluster name, unique in OCP.
        pub name: String,
        /// OceanBase's own cluster id.
        pub ob_cluster_id: Option<i64>,
        /// `PRIMARY` or `STANDBY`.
        #[serde(rename = "type", alias = "clusterType")]
        pub cluster_type: Option<String>,
        /// `RUNNING`, `CREATING`, `STOPPED`, ...
        pub status: Option<String>,
        /// OceanBase version, e.g. `4.2.1.0`.
        pub ob_version: Option<String>,
        /// Full build version, when OCP reports it.
        pub full_version: Option<String>,
        /// CPU architecture, when OCP reports it.
        pub architecture: Option<String>,
        /// ISO-8601 creation time.
        pub create_time: Option<String>,
        /// Zones with their servers (may be empty in list answers of some OCP versions).
        pub zones: Vec<ClusterZone>,
    }
}

wire_struct! {
    /// A zone of a cluster.
    pub struct ClusterZone {
        /// Zone name, e.g. `zone1`.
        #[serde(alias = "zoneName")]
        pub name: String,
        /// IDC name.
        pub idc_name: Option<String>,
        /// Region name.
        pub region_name: Option<String>,
        /// Zone status, when reported.
        pub status: Option<String>,
        /// OBServers of the zone.
        pub servers: Vec<Server>,
    }
}

wire_struct! {
    /// An OBServer as OCP reports it: every spelling of every field, each optional (§5 #13
    /// proposes `{id, ip, port, status}`; nothing more of the shape is documented). The
    /// accessors [`Server::ip`], [`Server::sql_port`] and [`Server::rpc_port`] decide what
    /// each spelling means, in one place.
    pub struct Server {
        /// OCP server id (distinct from the host id, §3.3).
        pub id: Option<i64>,
        /// IP address (see [`Server::ip`]).
        ip: Option<String>,
        /// IP address in OceanBase's spelling.
        svr_ip: Option<String>,
        /// A port: SQL alone, RPC beside `sqlPort` (see [`Server::sql_port`]).
        port: Option<i64>,
        /// SQL port (2881 by default).
        sql_port: Option<i64>,
        /// RPC port in OceanBase's spelling.
        svr_port: Option<i64>,
        /// RPC port (2882 by default).
        rpc_port: Option<i64>,
        /// Server status.
        pub status: Option<String>,
        /// Zone of the server.
        pub zone_name: Option<String>,
        /// Host id (the id used in add/delete bodies, §3.3), when reported.
        pub host_id: Option<i64>,
        /// IDC name.
        pub idc_name: Option<String>,
        /// Region name.
        pub region_name: Option<String>,
    }
}

/// What OCP's spellings of a server's address mean:
///
/// - `sqlPort` is always the SQL port; `svrPort` and `rpcPort` are always the RPC port
///   (OceanBase's own names: `svr_port` is the RPC port, `sql_port` the MySQL port).
/// - `port` alone is the SQL port: §5 #13's proposed server shape `{id, ip, port, status}`
///   has one port, the one clients connect to (and the data sources document it so).
/// - `port` beside `sqlPort` is the RPC port: that is OCP's ObServer shape (`port` 2882,
///   `sqlPort` 2881), where `port` is the server's identity (`ip:port`) for OceanBase.
impl Server {
    /// The IP address (`ip`, else `svrIp`).
    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref().or(self.svr_ip.as_deref())
    }

    /// The SQL port, when reported.
    pub fn sql_port(&self) -> Option<i64> {
        self.sql_port.or(self.port)
    }

    /// The RPC port, when reported.
    pub fn rpc_port(&self) -> Option<i64> {
        (self.svr_port.or(self.rpc_port)).or(self.sql_port.and(self.port))
    }
}

/// A `{name, value}` parameter in a body (cluster startup parameters, OBProxy parameters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameValue {
    /// Parameter name.
    pub name: String,
    /// Parameter value.
    pub value: String,
}

body_struct! {
    /// A zone as the create-cluster body (§3.1, one of its `zones`) and the add-zone body
    /// (§3.2) both name it.
    #[derive(Default)]
    pub struct ZoneSpec {
        /// Zone name (the natural key).
        pub name: String,
        /// IDC **name**.
        pub idc_name: String,
        /// Host ids from `/api/v2/compute/hosts`.
        pub servers: Vec<i64>,
        /// e.g. `x86_64`.
        pub architecture: Option<String>,
    }
}

body_struct! {
    /// One zone of a create-cluster body (§3.1).
    #[derive(Default)]
    pub struct CreateClusterZone {
        /// Its name, IDC, hosts and architecture.
        #[serde(flatten)]
        pub zone: ZoneSpec,
        /// Per-zone package.
        pub rpm_name: Option<String>,
        /// RootServer host id.
        pub root_server: Option<i64>,
    }
}

body_struct! {
    /// The create-cluster body (§3.1). The root password is a [`Secret`].
    #[derive(Default)]
    pub struct CreateClusterRequest {
        /// Cluster name (the natural key).
        pub name: String,
        /// `PRIMARY` or `STANDBY`.
        #[serde(rename = "type")]
        pub cluster_type: String,
        /// root@sys password.
        pub password: Secret,
        /// OB server package name.
        pub rpm_name: String,
        /// Primary zone.
        pub primary_zone: Option<String>,
        /// Zones.
        pub zones: Vec<CreateClusterZone>,
        /// Startup parameters.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub startup_parameters: Vec<NameValue>,
        /// OB-internal cluster id.
        pub ob_cluster_id: Option<i64>,
        /// Full version, e.g. `4.3.3.0-200000142024073011`.
        pub full_version: Option<String>,
    }
}

body_struct! {
    /// The add-zone body (§3.2).
    #[derive(Default)]
    pub struct AddZoneRequest {
        /// The zone's name, IDC, hosts and architecture.
        #[serde(flatten)]
        pub zone: ZoneSpec,
        /// Startup parameters.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub startup_parameters: Vec<NameValue>,
    }
}

body_struct! {
    /// The upgrade-cluster body (`POST /api/v2/ob/clusters/{id}/upgrade`).
    ///
    /// Source: OCP API "Upgrade an OceanBase cluster", two versions of the page:
    /// <https://en.oceanbase.com/docs/common-ocp-10000000001484172> (OCP 3.x/4.x: `{rpmFileName*}`)
    /// and <https://en.oceanbase.com/docs/common-ocp-10000000002169663> (newer: `rpmFileName`
    /// deprecated; `upgradeMode*` (`ROLLING`), `destVersion*` such as `2.2.77-202204041221`,
    /// `operatingSystem*` such as `el7`, `freezeServer`, `zoneOrder`). Both answer a TaskInstance.
    ///
    /// Decision (inferred, one place): send both forms, so that either OCP finds what it requires:
    /// `rpmFileName` always, and the newer fields derived from the package name
    /// (`oceanbase-<version>-<build>.<os>.<arch>.rpm`), with `upgradeMode` `ROLLING` (the
    /// documented example; a rolling upgrade keeps the cluster serving). A name that does not
    /// have that shape sends `rpmFileName` alone.
    #[derive(Default)]
    pub struct UpgradeClusterRequest {
        /// The OBServer package to upgrade to.
        pub rpm_file_name: String,
        /// `ROLLING` (newer OCP).
        pub upgrade_mode: Option<String>,
        /// `<version>-<build>` of the package (newer OCP).
        pub dest_version: Option<String>,
        /// Operating system tag of the package, e.g. `el7` (newer OCP).
        pub operating_system: Option<String>,
    }
}

/// The upgrade mode sent with [`UpgradeClusterRequest`] (the decision is documented there).
pub const UPGRADE_MODE: &str = "ROLLING";

impl UpgradeClusterRequest {
    /// The body that upgrades to package `rpm` (see the type's docs for what is derived).
    pub fn for_package(rpm: &str) -> UpgradeClusterRequest {
        let parsed = package_parts(rpm);
        UpgradeClusterRequest {
            rpm_file_name: rpm.to_string(),
            upgrade_mode: parsed.as_ref().map(|_| UPGRADE_MODE.to_string()),
            dest_version: parsed.as_ref().map(|p| p.0.clone()),
            operating_system: parsed.map(|p| p.1),
        }
    }
}

/// `(<version>-<build>, <os>)` of an OBServer package named
/// `oceanbase[-ce]-<version>-<build>.<os>.<arch>.rpm`, when it has that shape.
pub fn package_parts(rpm: &str) -> Option<(String, String)> {
    let stem = rpm.strip_suffix(".rpm")?;
    let mut dots = stem.rsplitn(3, '.');
    let (_arch, os, rest) = (dots.next()?, dots.next()?, dots.next()?);
    // `rest` is `oceanbase-4.2.1.0-100000102023092807`: the last two `-` parts.
    let mut dashes = rest.rsplitn(3, '-');
    let (build, version, name) = (dashes.next()?, dashes.next()?, dashes.next()?);
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.');
    (name.starts_with("oceanbase") && digits(version) && digits(build) && !os.is_empty())
        .then(|| (format!("{version}-{build}"), os.to_string()))
}

wire_struct! {
    /// A unit of a tenant (`GET .../tenants/{tenantId}/units`, §3.4): where one of its resource
    /// units runs.
    pub struct TenantUnit {
        /// Unit id.
        pub id: Option<i64>,
        /// OCP id of the OBServer the unit runs on.
        pub server_id: Option<i64>,
        /// IP of that OBServer.
        pub server_ip: Option<String>,
        /// Zone of the unit.
        pub zone_name: Option<String>,
    }
}

/// An async operation on a whole cluster or one zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleAction {
    /// `POST .../start`.
    Start,
    /// `POST .../stop`.
    Stop,
    /// `POST .../restart`.
    Restart,
}

impl LifecycleAction {
    fn segment(self) -> &'static str {
        match self {
            LifecycleAction::Start => "start",
            LifecycleAction::Stop => "stop",
            LifecycleAction::Restart => "restart",
        }
    }
}

impl OcpClient {
    /// The cluster with OCP id `id`, or `None` when OCP answers 404.
    pub async fn find_cluster(&self, id: i64) -> Result<Option<Cluster>, ClientError> {
        not_found_as_none(self.get(&format!("{CLUSTERS}/{id}"), &[]).await)
    }

    /// The cluster named exactly `name` (OCP's `name` filter is a keyword match, so the list
    /// is filtered again here), read in full with [`OcpClient::find_cluster`].
    pub async fn find_cluster_by_name(&self, name: &str) -> Result<Option<Cluster>, ClientError> {
        let found = self
            .list_clusters(Some(name))
            .await?
            .into_iter()
            .find(|c| c.name == name);
        match found {
            Some(c) => self.find_cluster(c.id).await,
            None => Ok(None),
        }
    }

    /// `c` with its zones: when the cluster object carries none (its zones are §5 #13's
    /// proposal, not documented), they come from the documented zone list (§3.2). A 404 of
    /// that list leaves the cluster without zones.
    pub async fn with_zones(&self, mut c: Cluster) -> Result<Cluster, ClientError> {
        if c.zones.is_empty() {
            c.zones = match self.list_zones(c.id).await {
                Ok(z) => z,
                Err(e) if e.is_not_found() => Vec::new(),
                Err(e) => return Err(e),
            };
        }
        Ok(c)
    }

    /// Every cluster, optionally with OCP's `name` keyword filter (all pages).
    pub async fn list_clusters(
        &self,
        name_filter: Option<&str>,
    ) -> Result<Vec<Cluster>, ClientError> {
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(n) = name_filter {
            q.push(("name", n.to_owned()));
        }
        self.list_all(CLUSTERS, &q).await
    }

    /// Zones of a cluster with their servers.
    pub async fn list_zones(&self, cluster_id: i64) -> Result<Vec<ClusterZone>, ClientError> {
        self.list_all(&format!("{CLUSTERS}/{cluster_id}/zones"), &[])
            .await
    }

    /// OBServers of a cluster.
    pub async fn list_servers(&self, cluster_id: i64) -> Result<Vec<Server>, ClientError> {
        self.list_all(&format!("{CLUSTERS}/{cluster_id}/servers"), &[])
            .await
    }

    /// OBServers of one zone.
    pub async fn list_zone_servers(
        &self,
        cluster_id: i64,
        zone_name: &str,
    ) -> Result<Vec<Server>, ClientError> {
        self.list_all(
            &format!(
                "{CLUSTERS}/{cluster_id}/zones/{}/servers",
                path_segment(zone_name)
            ),
            &[],
        )
        .await
    }

    /// `POST /api/v2/ob/clusters` (async). Never repeated blindly, never adopting a cluster
    /// that was there before ([`OcpClient::post_create`] with a look-up by name).
    pub async fn create_cluster(
        &self,
        req: &CreateClusterRequest,
    ) -> Result<Created<TaskInstance, Cluster>, ClientError> {
        self.post_create(CLUSTERS, req, || self.find_cluster_by_name(&req.name))
            .await
    }

    /// `DELETE /api/v2/ob/clusters/{id}` (async), joining a delete already under way (see
    /// [`OcpClient::delete_joining`]): `Ok(None)` when the cluster is already gone.
    pub async fn delete_cluster(&self, id: i64) -> Result<Option<TaskInstance>, ClientError> {
        let path = format!("{CLUSTERS}/{id}");
        self.delete_joining(&path, TaskScope::Cluster(id), || async {
            Ok(self.find_cluster(id).await?.map(|c| c.status))
        })
        .await
    }

    /// Start, stop or restart a cluster (async; sent once, never repeated).
    pub async fn cluster_action(
        &self,
        id: i64,
        action: LifecycleAction,
    ) -> Result<TaskInstance, ClientError> {
        self.post_once(&format!("{CLUSTERS}/{id}/{}", action.segment()), &())
            .await
    }

    /// `POST /api/v2/ob/clusters/{id}/changePassword {newPassword, saveToCredential: false}`:
    /// changes the password of `root@sys` (sync, no `data`; repeating it sets the same value).
    ///
    /// Source: OCP API "Change the password of the sys tenant administrator of a cluster",
    /// <https://en.oceanbase.com/docs/common-ocp-10000000001899994> (seed 000: "modify the
    /// password of an OB cluster").
    pub async fn change_cluster_password(
        &self,
        id: i64,
        new_password: &Secret,
    ) -> Result<(), ClientError> {
        self.change_password(&format!("{CLUSTERS}/{id}"), new_password)
            .await
    }

    /// `POST /api/v2/ob/clusters/{id}/upgrade` (async; sent once, never repeated): upgrades the
    /// cluster's OBServers to another package. Source and body: [`UpgradeClusterRequest`].
    pub async fn upgrade_cluster(
        &self,
        id: i64,
        req: &UpgradeClusterRequest,
    ) -> Result<TaskInstance, ClientError> {
        self.post_once(&format!("{CLUSTERS}/{id}/upgrade"), req)
            .await
    }

    /// Units of a tenant (`GET .../tenants/{tenantId}/units`, §3.4), to tell which OBServers
    /// hold its replicas.
    pub async fn list_tenant_units(
        &self,
        cluster_id: i64,
        tenant_id: i64,
    ) -> Result<Vec<TenantUnit>, ClientError> {
        self.list_all(
            &format!("{CLUSTERS}/{cluster_id}/tenants/{tenant_id}/units"),
            &[],
        )
        .await
    }

    /// `POST .../zones` (async), through [`OcpClient::post_create`] with a look-up by zone
    /// name: a zone of that name that was there before is `Existing`, never adopted.
    pub async fn add_zone(
        &self,
        cluster_id: i64,
        req: &AddZoneRequest,
    ) -> Result<Created<TaskInstance, ClusterZone>, ClientError> {
        let lookup = || async {
            Ok(self
                .list_zones(cluster_id)
                .await?
                .into_iter()
                .find(|z| z.name == req.zone.name))
        };
        self.post_create(&format!("{CLUSTERS}/{cluster_id}/zones"), req, lookup)
            .await
    }

    /// `POST .../servers {zoneName, servers}` (async, §3.3): adds OBServers on these hosts to a
    /// zone. Sent once, never repeated blindly (the caller re-reads the zone after a failure).
    pub async fn add_servers(
        &self,
        cluster_id: i64,
        zone_name: &str,
        host_ids: &[i64],
    ) -> Result<TaskInstance, ClientError> {
        let body = serde_json::json!({ "zoneName": zone_name, "servers": host_ids });
        self.post_once(&format!("{CLUSTERS}/{cluster_id}/servers"), &body)
            .await
    }

    /// `POST .../servers/batchDelete {servers}` (async, §3.3): removes the OBServers on these
    /// hosts. Sent once.
    pub async fn delete_servers(
        &self,
        cluster_id: i64,
        host_ids: &[i64],
    ) -> Result<TaskInstance, ClientError> {
        let body = serde_json::json!({ "servers": host_ids });
        self.post_once(
            &format!("{CLUSTERS}/{cluster_id}/servers/batchDelete"),
            &body,
        )
        .await
    }

    /// `DELETE .../zones/{zoneName}` (async; path inferred, §5 #12), joining a delete already
    /// under way (see [`OcpClient::delete_joining`]; OCP's task list has no zone filter, so the
    /// task joined is the newest running on the cluster, and the caller confirms the zone is
    /// gone). `Ok(None)` when the zone is already gone.
    pub async fn delete_zone(
        &self,
        cluster_id: i64,
        zone_name: &str,
    ) -> Result<Option<TaskInstance>, ClientError> {
        let path = format!("{CLUSTERS}/{cluster_id}/zones/{}", path_segment(zone_name));
        self.delete_joining(&path, TaskScope::Cluster(cluster_id), || async {
            Ok(self
                .list_zones(cluster_id)
                .await?
                .into_iter()
                .find(|z| z.name == zone_name)
                .map(|z| z.status))
        })
        .await
    }

    /// Start, stop or restart one zone (async; sent once; paths inferred, §5 #12).
    pub async fn zone_action(
        &self,
        cluster_id: i64,
        zone_name: &str,
        action: LifecycleAction,
    ) -> Result<TaskInstance, ClientError> {
        self.post_once(
            &format!(
                "{CLUSTERS}/{cluster_id}/zones/{}/{}",
                path_segment(zone_name),
                action.segment()
            ),
            &(),
        )
        .await
    }
}

#[cfg(test)]
mod tests;
