//! Tenants (ocp-api.md §3.4, §4.1, §5 #1, #2, #7-#11, #20, #21) and the unit spec catalogue.
//!
//! Paths and shapes the reference does not settle, kept here in one place:
//!
//! | Call | Path / shape | Why |
//! |---|---|---|
//! | create | `POST .../tenants/createTenant` | §5 #1 (OCP 4.x docs; older OCP: `POST .../tenants`) |
//! | delete | `DELETE .../tenants/{tenantId}`, async | §5 #7 (inferred) |
//! | unlock | `POST .../tenants/{tenantId}/unlock`, sync | §5 #8 (inferred) |
//! | primary zone | `POST .../tenants/{tenantId}/modifyPrimaryZone` `{primaryZone}`, async **or** sync | §5 #9: path inferred, sync/async unknown: a task is returned when OCP sends one |
//! | description | none: the reference has no call to change it (§3.4; `ocp_tenant` replaces the tenant) | §3.4 |
//! | tenant detail | §3.4.2 object plus `whitelist`, `charset`, `collation`, `zones[{name, replicaType, resourcePool{unitSpecName, unitCount}}]` | §5 #10 (inferred; every field but `id` is optional here) |
//! | tenant connection strings | `connectionUrls` of the detail, in the database shape of §3.5 | **our decision** (§3.5 documents it on databases only) |
//! | unit specs | `GET /api/v2/ob/unitSpecs` | §5 #11: no OCP API found; our decision, shared with the simulator |
//! | tenant being deleted | status `DELETING` ([`crate::client::task::OBJECT_DELETING`]) | §3.4.2 names only `NORMAL`/`CREATING`; our decision, shared with the simulator |
//!
//! Retrying (design rule R2): create goes through [`OcpClient::post_create`] with
//! [`OcpClient::find_tenant_by_name`] as the look-up (tenant name is the natural key in a
//! cluster, §1.5); the async modify calls (primary zone, replicas) are sent once
//! ([`OcpClient::post_once`]); delete uses the client's DELETE (retried on transient failures
//! like every DELETE), reads a 404 as "already gone" and, when a repeated DELETE is refused as
//! busy, adopts the delete task already running; the synchronous actions (whitelist,
//! lock, unlock, password) are idempotent and use
//! [`OcpClient::post_action`].
//!
//! Secrets: the root password of a create and the new password of `changePassword` travel as
//! [`Secret`]. The client never logs bodies; on top of that, an OCP error message that echoes
//! the password has it replaced by `***` before the error leaves this module.

use serde::ser::SerializeSeq;
use serde::Serializer;
use serde_json::{json, Value};

use super::db::ConnectionUrl;
use super::not_found_as_none;
use crate::client::de::{body_struct, wire_struct};
use crate::client::task::task_in_data;
use crate::client::{ClientError, Created, OcpClient, Secret, TaskInstance, TaskScope};

/// Base path of the cluster family (tenants live under a cluster).
const CLUSTERS: &str = "/api/v2/ob/clusters";
/// List of the tenants of every cluster (§3.4.3).
const ALL_TENANTS: &str = "/api/v2/ob/tenants";
/// Last segment of the create path (§5 #1: the OCP 4.x spelling).
const CREATE_TENANT: &str = "createTenant";
/// Action of the primary zone change (§5 #9, path inferred).
const MODIFY_PRIMARY_ZONE: &str = "modifyPrimaryZone";
/// Unit spec catalogue (§5 #11, our decision).
const UNIT_SPECS: &str = "/api/v2/ob/unitSpecs";

wire_struct! {
    /// A tenant as OCP reports it (§3.4.2; the detail view adds the §5 #10 fields).
    pub struct Tenant {
        /// OCP tenant id (path parameter of every tenant call).
        #[required]
        pub id: i64,
        /// Tenant name, unique in its cluster.
        pub name: String,
        /// OCP id of the cluster.
        pub cluster_id: Option<i64>,
        /// Cluster name.
        pub cluster_name: Option<String>,
        /// OceanBase's own cluster id.
        pub ob_cluster_id: Option<i64>,
        /// `MYSQL` or `ORACLE`.
        pub mode: Option<String>,
        /// `NORMAL`, `CREATING`, ... (other values unknown, §3.4.2).
        pub status: Option<String>,
        /// ISO-8601 creation time.
        pub create_time: Option<String>,
        /// Primary zone priority string, e.g. `zone1;zone2,zone3`.
        pub primary_zone: Option<String>,
        /// Zones with a replica, comma-separated.
        pub zone_list: Option<String>,
        /// OB locality, e.g. `FULL{1}@zone1`.
        pub locality: Option<String>,
        /// Whether the tenant is locked.
        pub locked: Option<bool>,
        /// Whether the tenant is read-only.
        pub readonly: Option<bool>,
        /// OceanBase version.
        pub ob_version: Option<String>,
        /// Free text.
        pub description: Option<String>,
        /// OceanBase's own tenant id (null while creating).
        pub ob_tenant_id: Option<i64>,
        /// Character set (detail view).
        pub charset: Option<String>,
        /// Collation (detail view).
        pub collation: Option<String>,
        /// IP whitelist as OCP returns it: one comma-separated string (detail view, §5 #10).
        pub whitelist: Option<String>,
        /// Replicas per zone (detail view only, §5 #10; empty in list answers).
        pub zones: Vec<TenantZone>,
        /// How clients connect (detail view; the §3.5 database shape, inferred for tenants);
        /// `None` when OCP sends no `connectionUrls`.
        pub connection_urls: Option<Vec<ConnectionUrl>>,
    }
}

wire_struct! {
    /// One replica of a tenant (§5 #10, mirroring the create body).
    pub struct TenantZone {
        /// Zone name.
        #[serde(alias = "zoneName")]
        pub name: String,
        /// `FULL`, `LOGONLY`, `READONLY`.
        pub replica_type: Option<String>,
        /// The zone's resource pool.
        pub resource_pool: Option<ResourcePool>,
    }
}

wire_struct! {
    /// The resource pool of one replica.
    pub struct ResourcePool {
        /// Unit spec name, e.g. `S1`.
        pub unit_spec_name: Option<String>,
        /// Units in the zone.
        pub unit_count: Option<i64>,
    }
}

/// One replica to create, add or modify: zone, replica type and resource pool.
///
/// Serialised in two shapes, both built here: `{name, replicaType, resourcePool{unitSpecName,
/// unitCount}}` in the create body's `zones[]` (§3.4.1) and `{zoneName, replicaType,
/// resourcePool{...}}` in addReplica/modifyReplica (§3.4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplicaSpec {
    /// Zone name.
    pub zone_name: String,
    /// `FULL`, `LOGONLY`, `READONLY`.
    pub replica_type: String,
    /// Unit spec name, e.g. `S1`.
    pub unit_spec_name: String,
    /// Units in the zone.
    pub unit_count: i64,
}

body_struct! {
    /// `resourcePool` of both replica shapes.
    struct PoolBody<'a> {
        unit_spec_name: &'a str,
        unit_count: i64,
    }
}

impl ReplicaSpec {
    fn pool(&self) -> PoolBody<'_> {
        PoolBody {
            unit_spec_name: &self.unit_spec_name,
            unit_count: self.unit_count,
        }
    }
}

body_struct! {
    /// A replica in the create body's `zones[]` (§3.4.1): `{name, replicaType, resourcePool}`.
    struct CreateZoneBody<'a> {
        name: &'a str,
        replica_type: &'a str,
        resource_pool: PoolBody<'a>,
    }
}

body_struct! {
    /// A replica in the addReplica/modifyReplica arrays (§3.4): `{zoneName, replicaType,
    /// resourcePool}`.
    struct ReplicaBody<'a> {
        zone_name: &'a str,
        replica_type: &'a str,
        resource_pool: PoolBody<'a>,
    }
}

impl<'a> From<&'a ReplicaSpec> for ReplicaBody<'a> {
    fn from(r: &'a ReplicaSpec) -> Self {
        ReplicaBody {
            zone_name: &r.zone_name,
            replica_type: &r.replica_type,
            resource_pool: r.pool(),
        }
    }
}

/// The addReplica/modifyReplica array.
fn replica_bodies(replicas: &[ReplicaSpec]) -> Vec<ReplicaBody<'_>> {
    replicas.iter().map(ReplicaBody::from).collect()
}

/// Serialises `CreateTenant::zones` in the create shape.
pub(crate) fn ser_create_zones<S: Serializer>(
    zones: &[ReplicaSpec],
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(zones.len()))?;
    for z in zones {
        seq.serialize_element(&CreateZoneBody {
            name: &z.zone_name,
            replica_type: &z.replica_type,
            resource_pool: z.pool(),
        })?;
    }
    seq.end()
}

body_struct! {
    /// Body of create-tenant (§3.4.1). The root password is a [`Secret`]: `Debug` shows `***`,
    /// the JSON body carries the real value (the client never logs bodies).
    #[derive(Default)]
    pub struct CreateTenant {
        /// Tenant name (the natural key in the cluster).
        pub name: String,
        /// `MYSQL` or `ORACLE`.
        pub mode: String,
        /// Primary zone priority string.
        pub primary_zone: Option<String>,
        /// Character set.
        pub charset: Option<String>,
        /// Collation.
        pub collation: Option<String>,
        /// Free text.
        pub description: Option<String>,
        /// IP whitelist, comma-separated.
        pub whitelist: Option<String>,
        /// Password of `root` (MySQL) or `SYS` (Oracle).
        pub root_password: Secret,
        /// Store the password in the caller's OCP credential vault.
        pub save_to_credential: bool,
        /// One replica per zone, sent as `zones[{name, replicaType, resourcePool}]`.
        #[serde(serialize_with = "ser_create_zones")]
        pub zones: Vec<ReplicaSpec>,
        /// Tenant parameters and system variables to set at creation (OCP Express
        /// `CreateTenantParam.parameters`, see `super::parameters`).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub parameters: Vec<super::parameters::ParameterValue>,
        /// Time zone of the tenant, e.g. `+8:00` (OCP Express `CreateTenantParam.timeZone`).
        pub time_zone: Option<String>,
    }
}

/// Filters of the tenant lists (§3.4, §3.4.3). `name` is OCP's case-insensitive keyword;
/// `mode` and `status` may be comma lists (`NORMAL,CREATING`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenantFilter {
    /// Name keyword.
    pub name: Option<String>,
    /// `MYSQL`, `ORACLE` or a comma list.
    pub mode: Option<String>,
    /// Status or a comma list.
    pub status: Option<String>,
}

impl TenantFilter {
    fn query(&self) -> Vec<(&'static str, String)> {
        [
            ("name", &self.name),
            ("mode", &self.mode),
            ("status", &self.status),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v.clone())))
        .collect()
    }
}

wire_struct! {
    /// A unit spec of the catalogue (§5 #11; shape as the simulator serves it, memory in GB).
    pub struct UnitSpec {
        /// Catalogue id.
        pub id: Option<i64>,
        /// Name used in replica specs, e.g. `S1`.
        pub name: String,
        /// Most CPU cores of a unit.
        pub max_cpu: Option<f64>,
        /// Least CPU cores of a unit.
        pub min_cpu: Option<f64>,
        /// Most memory of a unit, GB.
        pub max_memory: Option<f64>,
        /// Least memory of a unit, GB.
        pub min_memory: Option<f64>,
        /// Free text, e.g. `2C8G`.
        pub description: Option<String>,
    }
}

fn tenant_path(cluster_id: i64, tenant_id: i64) -> String {
    format!("{CLUSTERS}/{cluster_id}/tenants/{tenant_id}")
}

/// `POST .../tenants/{tenantId}/{action}`: the path of an action on a tenant.
fn tenant_action(cluster_id: i64, tenant_id: i64, action: &str) -> String {
    format!("{}/{action}", tenant_path(cluster_id, tenant_id))
}

impl OcpClient {
    /// `GET .../clusters/{id}/tenants/{tenantId}`: the tenant with its detail fields, or
    /// `None` when OCP answers 404.
    pub async fn find_tenant(
        &self,
        cluster_id: i64,
        tenant_id: i64,
    ) -> Result<Option<Tenant>, ClientError> {
        not_found_as_none(self.get(&tenant_path(cluster_id, tenant_id), &[]).await)
    }

    /// The tenant's mode (`MYSQL`, `ORACLE`), `None` when OCP does not know the tenant. A
    /// tenant's mode never changes and ids are not reused, so each tenant is asked once per
    /// process: creating N users in a tenant costs one tenant read, not N.
    pub async fn tenant_mode(
        &self,
        cluster_id: i64,
        tenant_id: i64,
    ) -> Result<Option<String>, ClientError> {
        if let Some(m) = self.cached_mode(cluster_id, tenant_id) {
            return Ok(Some(m));
        }
        let mode = self
            .find_tenant(cluster_id, tenant_id)
            .await?
            .and_then(|t| t.mode);
        if let Some(m) = &mode {
            self.remember_mode(cluster_id, tenant_id, m);
        }
        Ok(mode)
    }

    /// The tenant named exactly `name` in the cluster. OCP's `name` filter is a keyword
    /// match, so the list is compared again here; the match is read in full with
    /// [`OcpClient::find_tenant`]. `None` also when the cluster itself is unknown (404).
    pub async fn find_tenant_by_name(
        &self,
        cluster_id: i64,
        name: &str,
    ) -> Result<Option<Tenant>, ClientError> {
        let filter = TenantFilter {
            name: Some(name.to_owned()),
            ..TenantFilter::default()
        };
        let found = not_found_as_none(self.list_tenants(Some(cluster_id), &filter).await)?
            .into_iter()
            .flatten()
            .find(|t| t.name == name);
        match found {
            Some(t) => self.find_tenant(cluster_id, t.id).await,
            None => Ok(None),
        }
    }

    /// Every tenant (all pages) with OCP's filters: those of one cluster when `cluster_id` is
    /// `Some` (`GET .../clusters/{id}/tenants`), else of every cluster (`GET
    /// /api/v2/ob/tenants`). List items carry no detail fields (`zones` is empty).
    pub async fn list_tenants(
        &self,
        cluster_id: Option<i64>,
        filter: &TenantFilter,
    ) -> Result<Vec<Tenant>, ClientError> {
        let path = match cluster_id {
            Some(id) => format!("{CLUSTERS}/{id}/tenants"),
            None => ALL_TENANTS.to_owned(),
        };
        self.list_all(&path, &filter.query()).await
    }

    /// `POST .../tenants/createTenant` (async, §5 #1). Never repeated blindly: a lost answer
    /// or "already exists" leads to [`OcpClient::find_tenant_by_name`] and, if found,
    /// `Created::Adopted(tenant)` (the caller checks that it matches the plan). The task
    /// carries the new `tenantId` (§5 #2).
    pub async fn create_tenant(
        &self,
        cluster_id: i64,
        body: &CreateTenant,
    ) -> Result<Created<TaskInstance, Tenant>, ClientError> {
        let path = format!("{CLUSTERS}/{cluster_id}/tenants/{CREATE_TENANT}");
        self.post_create(&path, body, || {
            self.find_tenant_by_name(cluster_id, &body.name)
        })
        .await
        .map_err(|e| e.mask(&body.root_password))
    }

    /// `DELETE .../tenants/{tenantId}` (async, §5 #7), joining a delete already under way
    /// (see [`OcpClient::delete_joining`]): `Ok(None)` when the tenant is already gone or OCP
    /// answered without a task.
    pub async fn delete_tenant(
        &self,
        cluster_id: i64,
        tenant_id: i64,
    ) -> Result<Option<TaskInstance>, ClientError> {
        let scope = TaskScope::Tenant(cluster_id, tenant_id);
        self.delete_joining(&tenant_path(cluster_id, tenant_id), scope, || async {
            Ok(self
                .find_tenant(cluster_id, tenant_id)
                .await?
                .map(|t| t.status))
        })
        .await
    }

    /// `POST .../modifyWhitelist {whitelist}` (sync, idempotent). `whitelist` is OCP's
    /// comma-separated string.
    pub async fn modify_tenant_whitelist(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        whitelist: &str,
    ) -> Result<(), ClientError> {
        let path = tenant_action(cluster_id, tenant_id, "modifyWhitelist");
        self.post_action(&path, &json!({ "whitelist": whitelist }))
            .await
    }

    /// `POST .../modifyPrimaryZone {primaryZone}` (§5 #9: path inferred, sync or async
    /// unknown). Sent once. Returns the task when OCP sent one, `None` for an answer without.
    pub async fn modify_tenant_primary_zone(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        primary_zone: &str,
    ) -> Result<Option<TaskInstance>, ClientError> {
        let path = tenant_action(cluster_id, tenant_id, MODIFY_PRIMARY_ZONE);
        let data: Value = self
            .post_once(&path, &json!({ "primaryZone": primary_zone }))
            .await?;
        task_in_data("POST", &path, data)
    }

    /// `POST .../changePassword {newPassword, saveToCredential: false}` (sync; repeating it
    /// sets the same value). The password is never logged nor echoed in an error.
    pub async fn change_tenant_password(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        new_password: &Secret,
    ) -> Result<(), ClientError> {
        self.change_password(&tenant_path(cluster_id, tenant_id), new_password)
            .await
    }

    /// `POST .../lock` (sync, idempotent).
    pub async fn lock_tenant(&self, cluster_id: i64, tenant_id: i64) -> Result<(), ClientError> {
        self.set_locked(&tenant_path(cluster_id, tenant_id), true)
            .await
    }

    /// `POST .../unlock` (sync, idempotent; path inferred, §5 #8).
    pub async fn unlock_tenant(&self, cluster_id: i64, tenant_id: i64) -> Result<(), ClientError> {
        self.set_locked(&tenant_path(cluster_id, tenant_id), false)
            .await
    }

    /// `POST .../addReplica` with an array of `{zoneName, replicaType, resourcePool}` (async;
    /// sent once).
    pub async fn add_tenant_replicas(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        replicas: &[ReplicaSpec],
    ) -> Result<TaskInstance, ClientError> {
        let path = tenant_action(cluster_id, tenant_id, "addReplica");
        self.post_once(&path, &replica_bodies(replicas)).await
    }

    /// `POST .../deleteReplica` with an array of `{zoneName}` (async; sent once).
    pub async fn delete_tenant_replicas(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        zones: &[String],
    ) -> Result<TaskInstance, ClientError> {
        let body: Vec<Value> = zones.iter().map(|z| json!({ "zoneName": z })).collect();
        let path = tenant_action(cluster_id, tenant_id, "deleteReplica");
        self.post_once(&path, &body).await
    }

    /// `POST .../modifyReplica` with an array of `{zoneName, replicaType, resourcePool}`
    /// (unit spec, unit count, replica type; async; sent once).
    pub async fn modify_tenant_replicas(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        replicas: &[ReplicaSpec],
    ) -> Result<TaskInstance, ClientError> {
        let path = tenant_action(cluster_id, tenant_id, "modifyReplica");
        self.post_once(&path, &replica_bodies(replicas)).await
    }

    /// The unit spec catalogue, `GET /api/v2/ob/unitSpecs` (§5 #11: our decision).
    pub async fn list_unit_specs(&self) -> Result<Vec<UnitSpec>, ClientError> {
        self.list_all(UNIT_SPECS, &[]).await
    }
}

#[cfg(test)]
mod tests;
