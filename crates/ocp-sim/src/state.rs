//! The simulator's in-memory store, its seed data and the [`SharedState`] handle.
//!
//! Everything lives in one [`Store`] behind a mutex. [`SharedState::lock`] first advances every
//! running task to "now" (tasks progress lazily from timestamps, see [`crate::tasks`]), so every
//! reader sees an up-to-date world without background threads.
//!
//! ## Id spaces
//!
//! OCP ids are 7-digit integers (§1.5). Each resource kind has its own sequence, started at a
//! distinct base so that mixing up two kinds of ids in a client (e.g. passing a host id where a
//! server id is expected) gives a 404 instead of silently hitting another object:
//!
//! | kind | first id | seeded |
//! |---|---|---|
//! | cluster | 1000001 | `demo-cluster` = 1000001 |
//! | tenant | 1002001 | `sys` = 1002001 |
//! | host | 1003001 | 1003001..1003003 (in use), 1003004..1003009 (free) |
//! | OBServer | 1004001 | 1004001..1004003 |
//! | region | 1005001 | `cn-hangzhou` = 1005001 |
//! | IDC | 1006001 | `hz1`, `hz2`, `hz3` = 1006001..1006003 |
//! | host type | 1007001 | `standard` = 1007001 |
//! | resource pool | 1008001 | sys pools 1008001..1008003 |
//! | unit | 1009001 | sys units 1009001..1009003 |
//! | unit spec | 1010001 | `S0`..`S4` = 1010001..1010005 |
//! | database (MySQL tenants) | 1011001 | — |
//! | SSH credential | 1013001 | — (see [`crate::infra`]) |
//! | task instance | 2000001 | — |
//! | subtask instance | 3000001 | — |
//! | task definition | 4000001 | one per task name |
//! | backup strategy / data-backup row / log-backup row | 1030001 / 5000001 / 5100001 | — (counters in [`crate::backup::BackupState`]) |

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::db_objects::TenantObjects;
use crate::envelope::ApiError;
use crate::faults::{FaultPlan, HttpFault, HttpFaults, Phase, RequestLog, TaskFault};
use crate::tasks::Task;
use crate::util;

/// Default login of the simulator (OCP's well-known initial admin account).
pub const DEFAULT_USERNAME: &str = "admin";
/// Default password (OCP's well-known initial `admin` password).
pub const DEFAULT_PASSWORD: &str = "aaAA11__";
/// Default duration of an async task, in seconds.
pub const DEFAULT_TASK_SECONDS: f64 = 2.0;

/// Simulator configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimConfig {
    /// HTTP Basic user name accepted on `/api/v2/**`.
    pub username: String,
    /// HTTP Basic password accepted on `/api/v2/**`.
    pub password: String,
    /// Total wall time of one async task run, in seconds (split evenly across its subtasks).
    pub task_seconds: f64,
    /// Keep the state in this file (`--state-file`): loaded at start when it exists (instead
    /// of the seed), saved atomically after every state change (see [`crate::persist`]).
    pub state_file: Option<PathBuf>,
    /// PEM certificate chain for HTTPS (`--tls-cert`; needs [`SimConfig::tls_key`]).
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS (`--tls-key`; needs [`SimConfig::tls_cert`]).
    pub tls_key: Option<PathBuf>,
    /// Reshape every JSON answer with this seed (`--shape-chaos`; see [`crate::shape_chaos`]).
    #[serde(default)]
    pub shape_chaos: Option<u64>,
}

impl Default for SimConfig {
    /// `admin` / `aaAA11__`, tasks take 2 s, no state file, plain HTTP.
    fn default() -> Self {
        SimConfig {
            username: DEFAULT_USERNAME.into(),
            password: DEFAULT_PASSWORD.into(),
            task_seconds: DEFAULT_TASK_SECONDS,
            state_file: None,
            tls_cert: None,
            tls_key: None,
            shape_chaos: None,
        }
    }
}

/// Kinds of ids handed out by the store (see the module docs for the ranges).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IdKind {
    /// OB cluster.
    Cluster,
    /// OB tenant.
    Tenant,
    /// Compute host.
    Host,
    /// OBServer.
    Server,
    /// Region.
    Region,
    /// IDC.
    Idc,
    /// Host type.
    HostType,
    /// Tenant resource pool.
    ResourcePool,
    /// Tenant unit.
    Unit,
    /// Unit spec.
    UnitSpec,
    /// Database of a MySQL tenant.
    Database,
    /// SSH credential (`/api/v2/profiles/me/credentials`, see [`crate::infra`]).
    Credential,
    /// Task instance.
    Task,
    /// Subtask instance.
    Subtask,
    /// Task definition.
    TaskDefinition,
}

impl IdKind {
    fn base(self) -> i64 {
        match self {
            IdKind::Cluster => 1_000_001,
            IdKind::Tenant => 1_002_001,
            IdKind::Host => 1_003_001,
            IdKind::Server => 1_004_001,
            IdKind::Region => 1_005_001,
            IdKind::Idc => 1_006_001,
            IdKind::HostType => 1_007_001,
            IdKind::ResourcePool => 1_008_001,
            IdKind::Unit => 1_009_001,
            IdKind::UnitSpec => 1_010_001,
            IdKind::Database => 1_011_001,
            IdKind::Credential => 1_013_001,
            IdKind::Task => 2_000_001,
            IdKind::Subtask => 3_000_001,
            IdKind::TaskDefinition => 4_000_001,
        }
    }
}

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
    /// [`crate::routes::tenant_writes`]).
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

/// The whole simulated world (serialisable: see [`crate::persist`]).
#[derive(Serialize, Deserialize)]
pub struct Store {
    /// Clusters by id.
    pub clusters: BTreeMap<i64, Cluster>,
    /// OBServers by id.
    pub servers: BTreeMap<i64, Server>,
    /// Hosts by id.
    pub hosts: BTreeMap<i64, Host>,
    /// Regions by id.
    pub regions: BTreeMap<i64, Region>,
    /// IDCs by id.
    pub idcs: BTreeMap<i64, Idc>,
    /// Host types by id.
    pub host_types: BTreeMap<i64, HostType>,
    /// Tenants by id.
    pub tenants: BTreeMap<i64, Tenant>,
    /// Units by id.
    pub units: BTreeMap<i64, Unit>,
    /// Unit spec catalogue by id.
    pub unit_specs: BTreeMap<i64, UnitSpec>,
    /// Task instances by id.
    pub tasks: BTreeMap<i64, Task>,
    /// Task definition ids by task name.
    pub task_definitions: BTreeMap<String, i64>,
    /// Task faults armed for the next created tasks (FIFO).
    pub task_faults: VecDeque<TaskFault>,
    /// Current duration of a task run (seconds) for newly created tasks.
    pub task_seconds: f64,
    /// Login name recorded as task `creator`.
    pub creator: String,
    /// Address of this simulator, shown as `ocpClusterView.address`.
    pub ocp_address: String,
    /// Capacity held by running tenant tasks, by tenant id (see [`Reservation`]).
    pub reservations: BTreeMap<i64, Vec<Reservation>>,
    /// Next OB tenant id ([`FIRST_OB_TENANT_ID`], step 2; never reused).
    pub next_ob_tenant_id: i64,
    /// SSH credentials by id (see [`crate::infra`]).
    pub credentials: BTreeMap<i64, crate::infra::Credential>,
    /// CPU cores and memory GB a newly deployed OBServer offers to units (16:64, or what
    /// [`SharedState::set_server_capacity`] set last).
    pub server_capacity: (f64, f64),
    /// Databases, users, roles and objects by tenant id (see [`crate::db_objects`]).
    pub tenant_objects: BTreeMap<i64, TenantObjects>,
    /// Backup strategies, schedules and backup task rows (see [`crate::backup`]).
    pub backup: crate::backup::BackupState,
    next_ids: BTreeMap<IdKind, i64>,
    /// Set when a task outcome (or a scheduled backup) changed the state outside a write
    /// request; cleared when the state is saved (`--state-file`).
    #[serde(skip)]
    pub(crate) dirty: bool,
}

impl Store {
    /// An empty store (no seed data).
    pub fn empty(cfg: &SimConfig) -> Self {
        Store {
            clusters: BTreeMap::new(),
            servers: BTreeMap::new(),
            hosts: BTreeMap::new(),
            regions: BTreeMap::new(),
            idcs: BTreeMap::new(),
            host_types: BTreeMap::new(),
            tenants: BTreeMap::new(),
            units: BTreeMap::new(),
            unit_specs: BTreeMap::new(),
            tasks: BTreeMap::new(),
            task_definitions: BTreeMap::new(),
            task_faults: VecDeque::new(),
            task_seconds: sanitize_seconds(cfg.task_seconds),
            creator: cfg.username.clone(),
            ocp_address: "http://127.0.0.1:8080".into(),
            reservations: BTreeMap::new(),
            next_ob_tenant_id: FIRST_OB_TENANT_ID,
            tenant_objects: BTreeMap::new(),
            backup: crate::backup::BackupState::default(),
            credentials: BTreeMap::new(),
            server_capacity: (16.0, 64.0),
            next_ids: BTreeMap::new(),
            dirty: false,
        }
    }

    /// The seeded store described in the module docs and the README.
    pub fn seeded(cfg: &SimConfig) -> Self {
        let mut s = Self::empty(cfg);
        s.seed();
        s
    }

    /// Hand out the next id of `kind`.
    pub fn next_id(&mut self, kind: IdKind) -> i64 {
        let next = self.next_ids.entry(kind).or_insert_with(|| kind.base());
        let id = *next;
        *next += 1;
        id
    }

    /// The id [`Store::next_id`] would hand out next, without taking it.
    pub fn peek_id(&self, kind: IdKind) -> i64 {
        self.next_ids
            .get(&kind)
            .copied()
            .unwrap_or_else(|| kind.base())
    }

    /// Hand out the next OB tenant id (1002, 1004, ...).
    pub fn alloc_ob_tenant_id(&mut self) -> i64 {
        let id = self.next_ob_tenant_id;
        self.next_ob_tenant_id += 2;
        id
    }

    /// Remove a tenant with its units, reservations, databases, users and roles (no-op when
    /// absent).
    pub fn remove_tenant(&mut self, tenant_id: i64) {
        self.tenants.remove(&tenant_id);
        self.tenant_objects.remove(&tenant_id);
        self.units.retain(|_, u| u.tenant_id != tenant_id);
        self.reservations.remove(&tenant_id);
    }

    /// Seed the built-in users and roles of a tenant (`root`; or `SYS`, `SYSTEM`, `CONNECT`,
    /// `RESOURCE`, `DBA`, `PUBLIC`), replacing whatever it had. Called where tenants are created.
    pub fn seed_tenant_objects(&mut self, tenant_id: i64) {
        if let Some(t) = self.tenants.get(&tenant_id) {
            let objs = TenantObjects::seeded(t);
            self.tenant_objects.insert(tenant_id, objs);
        }
    }

    /// Databases, users and roles of an existing tenant. Seeds them first when the tenant has
    /// none yet (tenants inserted directly into the store by tests or other families).
    pub fn objects_mut(&mut self, tenant_id: i64) -> &mut TenantObjects {
        if !self.tenant_objects.contains_key(&tenant_id) {
            self.seed_tenant_objects(tenant_id);
        }
        self.tenant_objects.entry(tenant_id).or_default()
    }

    /// Task definition id for a task name (stable per name).
    pub fn task_definition_id(&mut self, name: &str) -> i64 {
        if let Some(id) = self.task_definitions.get(name) {
            return *id;
        }
        let id = self.next_id(IdKind::TaskDefinition);
        self.task_definitions.insert(name.to_string(), id);
        id
    }

    /// Cluster by id or 404 `OB_CLUSTER_NOT_FOUND`.
    pub fn cluster(&self, id: i64) -> Result<&Cluster, ApiError> {
        self.clusters.get(&id).ok_or_else(|| {
            ApiError::not_found("OB_CLUSTER", format!("OB cluster not found: id={id}"))
        })
    }

    /// Mutable cluster by id or 404.
    pub fn cluster_mut(&mut self, id: i64) -> Result<&mut Cluster, ApiError> {
        self.clusters.get_mut(&id).ok_or_else(|| {
            ApiError::not_found("OB_CLUSTER", format!("OB cluster not found: id={id}"))
        })
    }

    /// Zone of a cluster by name or 404 `OB_ZONE_NOT_FOUND`.
    pub fn zone(&self, cluster_id: i64, zone: &str) -> Result<&Zone, ApiError> {
        self.cluster(cluster_id)?
            .zones
            .iter()
            .find(|z| z.name == zone)
            .ok_or_else(|| {
                ApiError::not_found(
                    "OB_ZONE",
                    format!("OB zone not found: cluster id={cluster_id}, zone={zone}"),
                )
            })
    }

    /// Tenant of a cluster or 404 `OB_TENANT_NOT_FOUND` (also when it belongs to another cluster).
    pub fn tenant_in(&self, cluster_id: i64, tenant_id: i64) -> Result<&Tenant, ApiError> {
        self.cluster(cluster_id)?;
        self.tenants
            .get(&tenant_id)
            .filter(|t| t.cluster_id == cluster_id)
            .ok_or_else(|| {
                ApiError::not_found(
                    "OB_TENANT",
                    format!("OB tenant not found: cluster id={cluster_id}, tenant id={tenant_id}"),
                )
            })
    }

    /// Servers of a cluster, id order.
    pub fn servers_of(&self, cluster_id: i64) -> impl Iterator<Item = &Server> {
        self.servers
            .values()
            .filter(move |s| s.cluster_id == cluster_id)
    }

    /// Servers of a zone, id order.
    pub fn servers_in_zone<'a>(
        &'a self,
        cluster_id: i64,
        zone: &'a str,
    ) -> impl Iterator<Item = &'a Server> + 'a {
        self.servers
            .values()
            .filter(move |s| s.cluster_id == cluster_id && s.zone_name == zone)
    }

    /// Unit spec by name (`S0`...); `None` if unknown.
    pub fn unit_spec_by_name(&self, name: &str) -> Option<&UnitSpec> {
        self.unit_specs.values().find(|u| u.name == name)
    }

    /// CPU cores and memory GB assigned to units on a server. Units reserve their spec's
    /// `maxCpu` and `maxMemory` (conservative accounting, so capacity runs out like a real cluster);
    /// running add/modify-replica tasks add their [`Reservation`]s.
    pub fn server_assigned(&self, server_id: i64) -> (f64, f64) {
        let (rc, rm) = self
            .reservations
            .values()
            .flatten()
            .filter(|r| r.server_id == server_id)
            .fold((0.0, 0.0), |(c, m), r| (c + r.cpu, m + r.memory_gb));
        let (uc, um) = self
            .units
            .values()
            .filter(|u| u.server_id == server_id)
            .filter_map(|u| {
                let tenant = self.tenants.get(&u.tenant_id)?;
                let zone = tenant
                    .zones
                    .iter()
                    .find(|z| z.resource_pool_id == u.resource_pool_id)?;
                self.unit_spec_by_name(&zone.unit_spec_name)
            })
            .fold((0.0, 0.0), |(c, m), spec| {
                (c + spec.max_cpu, m + spec.max_memory_gb)
            });
        (uc + rc, um + rm)
    }

    /// Free CPU cores and memory GB on a server.
    pub fn server_free(&self, server_id: i64) -> (f64, f64) {
        let Some(s) = self.servers.get(&server_id) else {
            return (0.0, 0.0);
        };
        let (c, m) = self.server_assigned(server_id);
        (s.cpu_total - c, s.memory_total_gb - m)
    }

    /// The server running on a host, if any.
    pub fn server_on_host(&self, host_id: i64) -> Option<&Server> {
        self.servers.values().find(|s| s.host_id == host_id)
    }

    /// Hosts not used by any OBServer.
    pub fn free_hosts(&self) -> impl Iterator<Item = &Host> {
        self.hosts
            .values()
            .filter(|h| self.server_on_host(h.id).is_none())
    }

    fn seed(&mut self) {
        let t0 = util::local_ms(2025, 1, 6, 10, 0, 0);
        let region = self.next_id(IdKind::Region);
        self.regions.insert(
            region,
            Region {
                id: region,
                name: "cn-hangzhou".into(),
                description: Some("Hangzhou".into()),
                create_time: t0,
                update_time: t0,
            },
        );
        let mut idcs = Vec::new();
        for (i, name) in ["hz1", "hz2", "hz3"].iter().enumerate() {
            let id = self.next_id(IdKind::Idc);
            self.idcs.insert(
                id,
                Idc {
                    id,
                    name: (*name).into(),
                    description: Some(format!("Hangzhou data center {}", i + 1)),
                    region_id: region,
                    create_time: t0 + 60_000,
                    update_time: t0 + 60_000,
                },
            );
            idcs.push(id);
        }
        let host_type = self.next_id(IdKind::HostType);
        self.host_types.insert(
            host_type,
            HostType {
                id: host_type,
                name: "standard".into(),
                description: Some("16C64G x86_64".into()),
                create_time: t0 + 120_000,
                update_time: t0 + 120_000,
            },
        );
        // Hosts .11-.13 run the demo cluster, .14-.19 are free (two per IDC), enough for a
        // 3-zone cluster plus an added zone / OBServer (see [`crate::infra`]).
        let mut hosts = Vec::new();
        for i in 0..9u32 {
            let id = self.next_id(IdKind::Host);
            let idc = idcs[(i % 3) as usize];
            self.hosts.insert(
                id,
                Host {
                    id,
                    inner_ip: format!("172.16.0.{}", 11 + i),
                    alias: Some(format!("ob-host-{:02}", i + 1)),
                    ssh_port: 22,
                    kind: "DEDICATED_PHYSICAL_MACHINE".into(),
                    status: "ONLINE".into(),
                    idc_id: idc,
                    type_id: host_type,
                    credential_id: None,
                    publish_ports: Vec::new(),
                    serial_number: Some(format!("SN-OB-{:04}", 1001 + i)),
                    description: None,
                    architecture: "x86_64".into(),
                    operating_system: "CentOS Linux 7".into(),
                    cpu_count: 16,
                    memory_gb: 64,
                    create_time: t0 + 300_000,
                    update_time: t0 + 300_000,
                },
            );
            hosts.push(id);
        }
        for (i, (min, mem)) in [
            (1.0, 4.0),
            (2.0, 8.0),
            (4.0, 16.0),
            (8.0, 32.0),
            (12.0, 48.0),
        ]
        .iter()
        .enumerate()
        {
            let id = self.next_id(IdKind::UnitSpec);
            self.unit_specs.insert(
                id,
                UnitSpec {
                    id,
                    name: format!("S{i}"),
                    max_cpu: *min,
                    min_cpu: *min,
                    max_memory_gb: *mem,
                    min_memory_gb: *mem,
                    description: format!("{min}C{mem}G"),
                },
            );
        }
        let cluster = self.next_id(IdKind::Cluster);
        let ct = t0 + 3_600_000;
        let mut zones = Vec::new();
        let mut servers = Vec::new();
        for i in 0..3usize {
            let zone_name = format!("zone{}", i + 1);
            zones.push(Zone {
                name: zone_name.clone(),
                idc_id: idcs[i],
                status: "RUNNING".into(),
            });
            let sid = self.next_id(IdKind::Server);
            self.servers.insert(
                sid,
                Server {
                    id: sid,
                    cluster_id: cluster,
                    zone_name,
                    host_id: hosts[i],
                    port: 2881,
                    svr_port: 2882,
                    status: "RUNNING".into(),
                    cpu_total: 16.0,
                    memory_total_gb: 64.0,
                    create_time: ct,
                },
            );
            servers.push(sid);
        }
        self.clusters.insert(
            cluster,
            Cluster {
                id: cluster,
                name: "demo-cluster".into(),
                ob_cluster_id: 1_700_000_001,
                cluster_type: "PRIMARY".into(),
                status: "RUNNING".into(),
                ob_version: "4.2.1.0".into(),
                full_version: "4.2.1.0-100000102023092807".into(),
                architecture: "x86_64".into(),
                root_password: "Root_sys_123".into(),
                zones,
                create_time: ct,
                update_time: ct,
            },
        );
        let tenant = self.next_id(IdKind::Tenant);
        let mut tzones = Vec::new();
        for (i, sid) in servers.iter().enumerate() {
            let pool = self.next_id(IdKind::ResourcePool);
            let zone = format!("zone{}", i + 1);
            tzones.push(TenantZone {
                name: zone.clone(),
                replica_type: "FULL".into(),
                resource_pool_id: pool,
                unit_spec_name: "S0".into(),
                unit_count: 1,
            });
            let uid = self.next_id(IdKind::Unit);
            self.units.insert(
                uid,
                Unit {
                    id: uid,
                    tenant_id: tenant,
                    resource_pool_id: pool,
                    server_id: *sid,
                    zone_name: zone,
                    status: "NORMAL".into(),
                },
            );
        }
        self.tenants.insert(
            tenant,
            Tenant {
                id: tenant,
                cluster_id: cluster,
                name: "sys".into(),
                ob_tenant_id: Some(1),
                mode: "MYSQL".into(),
                status: "NORMAL".into(),
                primary_zone: "zone1;zone2;zone3".into(),
                locked: false,
                readonly: false,
                description: Some("system tenant".into()),
                charset: "utf8mb4".into(),
                collation: "utf8mb4_general_ci".into(),
                whitelist: "%".into(),
                sql_audit_enabled: true,
                zones: tzones,
                root_password: "Root_sys_123".into(),
                create_time: ct + 600_000,
            },
        );
        self.seed_tenant_objects(tenant);
    }
}

fn sanitize_seconds(s: f64) -> f64 {
    if s.is_finite() && s >= 0.0 {
        s
    } else {
        DEFAULT_TASK_SECONDS
    }
}

struct Inner {
    config: SimConfig,
    store: Mutex<Store>,
    faults: Mutex<HttpFaults>,
    requests: Mutex<RequestLog>,
    /// Where the state is saved (`None`: not persisted).
    state_file: Option<PathBuf>,
    /// Serialises saves so that an older snapshot never overwrites a newer one.
    save_lock: Mutex<()>,
}

/// Cheap-to-clone handle on the simulator state, shared by the router and by tests.
#[derive(Clone)]
pub struct SharedState {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SharedState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedState")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SharedState {
    /// Fresh seeded state, or the state of [`SimConfig::state_file`] when that file exists.
    /// A state file that cannot be loaded or written is reported on stderr and the state is
    /// then seeded and not saved; use [`SharedState::try_new`] to get the error instead.
    pub fn new(config: SimConfig) -> Self {
        match Self::try_new(config.clone()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("ocp-sim: {e}; starting from the seed without a state file");
                let store = Store::seeded(&config);
                Self::build(config, store, None)
            }
        }
    }

    /// Like [`SharedState::new`], but a state file that cannot be read, parsed or written is an
    /// error. When [`SimConfig::state_file`] is set, the state is saved once at once (so the
    /// file exists from the start). The login, `task_seconds` and task creator come from
    /// `config`, not from the file.
    pub fn try_new(config: SimConfig) -> std::io::Result<Self> {
        let Some(path) = config.state_file.clone() else {
            let store = Store::seeded(&config);
            return Ok(Self::build(config, store, None));
        };
        let store = match crate::persist::load(&path)? {
            Some(mut store) => {
                store.task_seconds = sanitize_seconds(config.task_seconds);
                store.creator = config.username.clone();
                store
            }
            None => Store::seeded(&config),
        };
        let state = Self::build(config, store, Some(path));
        state.save_state()?;
        Ok(state)
    }

    /// State around a caller-built store (e.g. [`Store::empty`]); never persisted.
    pub fn with_store_value(config: SimConfig, store: Store) -> Self {
        Self::build(config, store, None)
    }

    fn build(config: SimConfig, store: Store, state_file: Option<PathBuf>) -> Self {
        SharedState {
            inner: Arc::new(Inner {
                config,
                store: Mutex::new(store),
                faults: Mutex::new(HttpFaults::default()),
                requests: Mutex::new(RequestLog::default()),
                state_file,
                save_lock: Mutex::new(()),
            }),
        }
    }

    /// The file the state is saved to, if any.
    pub fn state_file(&self) -> Option<&Path> {
        self.inner.state_file.as_deref()
    }

    /// Save the state to [`SharedState::state_file`] now (atomically; running tasks are first
    /// advanced to now). Returns `Ok(false)` when there is no state file.
    pub fn save_state(&self) -> std::io::Result<bool> {
        let Some(path) = self.inner.state_file.as_deref() else {
            return Ok(false);
        };
        let _order = relock(&self.inner.save_lock);
        let bytes = {
            let mut store = self.lock();
            store.dirty = false;
            crate::persist::to_bytes(&store)?
        };
        crate::persist::write_atomic(path, &bytes)?;
        Ok(true)
    }

    /// After a request (used by the middleware): save when it wrote (`wrote`) or when task
    /// progress changed the state since the last save. Errors are reported on stderr.
    pub(crate) fn persist_after_request(&self, wrote: bool) {
        if self.inner.state_file.is_none() {
            return;
        }
        let dirty = relock(&self.inner.store).dirty;
        if wrote || dirty {
            if let Err(e) = self.save_state() {
                eprintln!("ocp-sim: cannot save the state: {e}");
            }
        }
    }

    /// The configuration the simulator was started with.
    pub fn config(&self) -> &SimConfig {
        &self.inner.config
    }

    /// Lock the store after advancing all running tasks to now.
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        let mut g = relock(&self.inner.store);
        g.advance(util::now_ms());
        g
    }

    /// Run `f` on the (advanced) store.
    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut self.lock())
    }

    /// Change the duration of tasks created from now on.
    pub fn set_task_seconds(&self, seconds: f64) {
        self.lock().task_seconds = sanitize_seconds(seconds);
    }

    /// Set the wall time between two scheduled data backups of an enabled backup schedule
    /// (at least 0.01 s); a value that is not a positive finite number restores the default,
    /// `max(1, 5 × task_seconds)` seconds. See [`crate::backup`].
    pub fn set_backup_period_seconds(&self, seconds: f64) {
        crate::backup::set_period(&mut self.lock(), Some(seconds), util::now_ms());
    }

    /// The backup period in effect, in seconds.
    pub fn backup_period_seconds(&self) -> f64 {
        crate::backup::period_ms(&self.lock()) as f64 / 1000.0
    }

    /// Sets the capacity every OBServer offers to units (CPU cores and memory GB), e.g. to
    /// hold hundreds of tenants in load tests. The seed gives each server 16 cores and 64 GB.
    /// OBServers deployed later (cluster create, add zone/OBServer) get the same capacity.
    pub fn set_server_capacity(&self, cpu: f64, memory_gb: f64) {
        let mut store = self.lock();
        store.server_capacity = (cpu, memory_gb);
        for server in store.servers.values_mut() {
            server.cpu_total = cpu;
            server.memory_total_gb = memory_gb;
        }
    }

    /// Arm an HTTP fault rule (see [`HttpFault`]).
    pub fn add_fault(&self, fault: HttpFault) {
        relock(&self.inner.faults).add(fault);
    }

    /// The next `n` requests (outside `/_sim/`) fail with `status` and an error envelope.
    pub fn fail_next_requests(&self, n: u32, status: u16) {
        self.add_fault(HttpFault::fail(n, status));
    }

    /// The next `n` responses (outside `/_sim/`) are delayed by `delay_ms`.
    pub fn delay_next_requests(&self, n: u32, delay_ms: u64) {
        self.add_fault(HttpFault::delay(n, delay_ms));
    }

    /// Armed HTTP fault rules.
    pub fn faults(&self) -> Vec<HttpFault> {
        relock(&self.inner.faults).rules().to_vec()
    }

    /// Every matching request (outside `/_sim/`) fails with probability `fraction`, the status
    /// drawn uniformly from `statuses` (503 when empty), until [`SharedState::clear_faults`].
    /// Deterministic for a given `seed`.
    pub fn fail_fraction(&self, fraction: f64, statuses: Vec<u16>, seed: u64) {
        self.add_fault(HttpFault::fraction(fraction, statuses).seed(seed));
    }

    /// The next `n` requests (outside `/_sim/`) get their connection closed without an answer;
    /// with [`Phase::After`] the handler runs fully first (e.g. a create is applied).
    pub fn reset_next_requests(&self, n: u32, phase: Phase) {
        self.add_fault(HttpFault::reset(n, phase));
    }

    /// The next `n` requests (outside `/_sim/`) are answered with `status` and `body` (not an
    /// OCP envelope) instead of being processed.
    pub fn garbage_next_requests(&self, n: u32, status: u16, body: impl Into<String>) {
        self.add_fault(HttpFault::garbage(n, status, body));
    }

    /// Take the HTTP faults matching one request (used by the middleware).
    pub(crate) fn take_faults(&self, method: &str, path: &str) -> FaultPlan {
        relock(&self.inner.faults).plan(method, path)
    }

    /// Clear all HTTP fault rules and all armed task faults.
    pub fn clear_faults(&self) {
        relock(&self.inner.faults).clear();
        relock(&self.inner.store).task_faults.clear();
    }

    /// The next created task fails at its `subtask`-th subtask (1-based, seriesId order) and
    /// that subtask's log ends with `message`.
    pub fn fail_next_task(&self, subtask: usize, message: impl Into<String>) {
        relock(&self.inner.store)
            .task_faults
            .push_back(TaskFault::FailAt {
                subtask: subtask.max(1),
                message: message.into(),
            });
    }

    /// The next created task never finishes: its last subtask stays `RUNNING` until cancelled.
    pub fn stuck_next_task(&self) {
        relock(&self.inner.store)
            .task_faults
            .push_back(TaskFault::Stuck);
    }

    /// Record a request (used by the middleware); returns its sequence number.
    pub(crate) fn record_request(&self, method: &str, path: &str, query: Option<&str>) -> u64 {
        relock(&self.inner.requests).record(method, path, query)
    }

    /// Record the status of a recorded request (used by the middleware).
    pub(crate) fn record_status(&self, seq: u64, status: u16) {
        relock(&self.inner.requests).set_status(seq, status);
    }

    /// Record that a request's connection was closed without an answer (used by the middleware).
    pub(crate) fn record_dropped(&self, seq: u64) {
        relock(&self.inner.requests).set_dropped(seq);
    }

    /// Number of requests (outside `/_sim/`) received since start or the last reset.
    pub fn request_count(&self) -> u64 {
        relock(&self.inner.requests).count()
    }

    /// Request counts by route, e.g. `"GET /api/v2/ob/clusters/{id}" → 2`.
    pub fn requests_by_route(&self) -> BTreeMap<String, u64> {
        relock(&self.inner.requests).by_route().clone()
    }

    /// Count of one route key (`"METHOD /templated/path"`), 0 if never seen.
    pub fn route_count(&self, route: &str) -> u64 {
        relock(&self.inner.requests)
            .by_route()
            .get(route)
            .copied()
            .unwrap_or(0)
    }

    /// Snapshot of the request log as JSON (the body of `GET /_sim/requests`).
    pub fn requests_json(&self) -> serde_json::Value {
        relock(&self.inner.requests).to_json()
    }

    /// Reset request counters and the recent-request log.
    pub fn reset_requests(&self) {
        relock(&self.inner.requests).reset();
    }
}
