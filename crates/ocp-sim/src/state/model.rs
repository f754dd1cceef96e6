//! The resources of the simulated OCP: plain data, held by [`super::Store`].

use serde::{Deserialize, Serialize};

/// A region (`/api/v2/compute/regions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// OCP id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Epoch ms.
    pub create_time: i64,
    /// Epoch ms.
    pub update_time: i64,
}

/// An IDC (`/api/v2/compute/idcs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Idc {
    /// OCP id.
    pub id: i64,
    /// Unique name (clusters refer to IDCs by name, §3.1).
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Owning region.
    pub region_id: i64,
    /// Epoch ms.
    pub create_time: i64,
    /// Epoch ms.
    pub update_time: i64,
}

/// A host type (`/api/v2/compute/hostTypes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostType {
    /// OCP id.
    pub id: i64,
    /// Name (no hyphens, C-inst).
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Epoch ms.
    pub create_time: i64,
    /// Epoch ms.
    pub update_time: i64,
}

/// A compute host (`/api/v2/compute/hosts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Host {
    /// OCP id.
    pub id: i64,
    /// Inner IP address.
    pub inner_ip: String,
    /// Optional alias.
    pub alias: Option<String>,
    /// SSH port.
    pub ssh_port: u16,
    /// `DEDICATED_PHYSICAL_MACHINE` / `DEDICATED_CONTAINER`.
    pub kind: String,
    /// Host status (`ONLINE`).
    pub status: String,
    /// IDC.
    pub idc_id: i64,
    /// Host type.
    pub type_id: i64,
    /// SSH credential id, if any.
    pub credential_id: Option<i64>,
    /// Port mappings of a container host (`publishPorts`, batchCreate §3.7); empty otherwise.
    pub publish_ports: Vec<String>,
    /// Serial number.
    pub serial_number: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// CPU architecture.
    pub architecture: String,
    /// Operating system.
    pub operating_system: String,
    /// Hardware CPU cores.
    pub cpu_count: u32,
    /// Hardware memory in GB.
    pub memory_gb: u32,
    /// Epoch ms.
    pub create_time: i64,
    /// Epoch ms.
    pub update_time: i64,
}

/// An OB cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// OCP id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// OceanBase-internal cluster id.
    pub ob_cluster_id: i64,
    /// `PRIMARY` / `STANDBY`.
    pub cluster_type: String,
    /// `RUNNING`, `STOPPED`, `STARTING`, `STOPPING`, `RESTARTING`, `CREATING`, ... (§5 #13).
    pub status: String,
    /// Four-digit version, e.g. `4.2.1.0`.
    pub ob_version: String,
    /// Version with build number.
    pub full_version: String,
    /// CPU architecture of the servers.
    pub architecture: String,
    /// root@sys password (never rendered).
    pub root_password: String,
    /// Zones in creation order.
    pub zones: Vec<Zone>,
    /// Epoch ms.
    pub create_time: i64,
    /// Epoch ms.
    pub update_time: i64,
}

/// A zone of a cluster (addressed by name, §1.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Zone {
    /// Zone name, e.g. `zone1`.
    pub name: String,
    /// IDC of the zone.
    pub idc_id: i64,
    /// `RUNNING`, `STOPPED`, `STARTING`, `STOPPING`, `RESTARTING`.
    pub status: String,
}

/// An OBServer (one per host).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Server {
    /// OCP server id (distinct from the host id, §3.3).
    pub id: i64,
    /// Owning cluster.
    pub cluster_id: i64,
    /// Zone name.
    pub zone_name: String,
    /// Host it runs on.
    pub host_id: i64,
    /// Port reported as `port` (the SQL port, 2881).
    pub port: u16,
    /// RPC port (`svrPort`, 2882).
    pub svr_port: u16,
    /// `RUNNING`, `STOPPED`, `STARTING`, `STOPPING`, `RESTARTING`.
    pub status: String,
    /// CPU cores the server offers to units.
    pub cpu_total: f64,
    /// Memory (GB) the server offers to units.
    pub memory_total_gb: f64,
    /// Epoch ms.
    pub create_time: i64,
}

/// An entry of OCP's unit spec catalogue (§5 #11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitSpec {
    /// OCP id.
    pub id: i64,
    /// `S0`, `S1`, ...
    pub name: String,
    /// Max CPU cores.
    pub max_cpu: f64,
    /// Min CPU cores.
    pub min_cpu: f64,
    /// Max memory, GB.
    pub max_memory_gb: f64,
    /// Min memory, GB.
    pub min_memory_gb: f64,
    /// Free text.
    pub description: String,
}

/// A tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tenant {
    /// OCP id.
    pub id: i64,
    /// Owning cluster.
    pub cluster_id: i64,
    /// Name, unique in the cluster.
    pub name: String,
    /// OB tenant id (`None` while creating).
    pub ob_tenant_id: Option<i64>,
    /// `MYSQL` / `ORACLE`.
    pub mode: String,
    /// `NORMAL`, `CREATING`, `FAILED` (create failed), `DELETING`, `MODIFYING` (see
    /// `crate::domain::tenants`).
    pub status: String,
    /// Primary zone priority string (`RANDOM` when created without one).
    pub primary_zone: String,
    /// Locked flag.
    pub locked: bool,
    /// Read-only flag.
    pub readonly: bool,
    /// Free text.
    pub description: Option<String>,
    /// Character set.
    pub charset: String,
    /// Collation.
    pub collation: String,
    /// IP whitelist (comma list).
    pub whitelist: String,
    /// `ob_enable_sql_audit`.
    pub sql_audit_enabled: bool,
    /// Replicas per zone.
    pub zones: Vec<TenantZone>,
    /// root/SYS password (never rendered).
    pub root_password: String,
    /// Epoch ms.
    pub create_time: i64,
}

/// One replica of a tenant (§5 #10 shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantZone {
    /// Zone name.
    pub name: String,
    /// `FULL`, `LOGONLY`, `READONLY`.
    pub replica_type: String,
    /// Resource pool id.
    pub resource_pool_id: i64,
    /// Unit spec name (`S0`...).
    pub unit_spec_name: String,
    /// Units in this zone.
    pub unit_count: u32,
}

/// A unit of a tenant placed on a server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// OCP id.
    pub id: i64,
    /// Owning tenant.
    pub tenant_id: i64,
    /// Resource pool.
    pub resource_pool_id: i64,
    /// Server hosting it.
    pub server_id: i64,
    /// Zone name.
    pub zone_name: String,
    /// `NORMAL`.
    pub status: String,
}

/// Capacity held on a server by a running tenant task for units that will exist (or grow) when
/// the task succeeds (add/modify replica). Released when the task succeeds (the units then
/// account for it) or fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reservation {
    /// Server whose capacity is held.
    pub server_id: i64,
    /// CPU cores held.
    pub cpu: f64,
    /// Memory GB held.
    pub memory_gb: f64,
}

/// First OB tenant id handed to a user tenant: OceanBase 4.x gives user tenants even ids from
/// 1002 (odd ids 1001, 1003, ... are their meta tenants), `sys` is 1 (§4.1 note).
pub const FIRST_OB_TENANT_ID: i64 = 1002;

/// The only VPC of the simulator: the classic network (§3.1: "1 = classic network").
pub const CLASSIC_VPC: i64 = 1;

/// An SSH credential of the current user (`/api/v2/profiles/me/credentials`, §3.7).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Credential {
    /// OCP id ([`IdKind::Credential`]).
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// `HOST`.
    pub target_type: String,
    /// `PASSWORD`.
    pub ssh_type: String,
    /// SSH user.
    pub username: String,
    /// SSH password (never rendered).
    pub passphrase: String,
    /// Hosts the credential was registered for (`hostIdList`).
    pub host_ids: Vec<i64>,
    /// Epoch ms.
    pub create_time: i64,
    /// Epoch ms.
    pub update_time: i64,
}
