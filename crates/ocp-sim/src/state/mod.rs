//! The simulated world as data: the [`Store`] with its resources ([`model`]), tasks ([`task`]),
//! task effects ([`effects`]), backup ([`backup`]) and database objects ([`db_objects`]), and its
//! seed. The rules that change it live in `crate::domain`; the handle shared by the server
//! and by tests is `crate::SharedState`.
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
//! | SSH credential | 1013001 | —  |
//! | task instance | 2000001 | — |
//! | subtask instance | 3000001 | — |
//! | task definition | 4000001 | one per task name |
//! | backup strategy / data-backup row / log-backup row | 1030001 / 5000001 / 5100001 | — (counters in [`BackupState`]) |
//! | restore row | 5200001 | — (counter in [`restore::RestoreState`]) |

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::clock::{Clock, ClockKind};
use crate::error::ApiError;
use crate::faults::TaskFault;
use crate::util;

pub mod backup;
pub mod db_objects;
pub mod effects;
pub mod model;
pub mod obproxy;
pub mod parameters;
pub mod restore;
pub mod task;

pub use backup::BackupState;
pub use db_objects::TenantObjects;
pub use effects::{Effect, HookKind};
pub use model::*;
pub use parameters::ParameterState;
pub use task::Task;

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
    /// of the seed), saved atomically after every state change (saved by `--state-file`).
    pub state_file: Option<PathBuf>,
    /// PEM certificate chain for HTTPS (`--tls-cert`; needs [`SimConfig::tls_key`]).
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS (`--tls-key`; needs [`SimConfig::tls_cert`]).
    pub tls_key: Option<PathBuf>,
    /// The access key `(id, secret)` whose AK/SK signatures are accepted besides HTTP Basic
    /// (`--access-key ID:SECRET`; see [`crate::aksk`]).
    #[serde(default)]
    pub access_key: Option<(String, String)>,
    /// Reshape every JSON answer with this seed (`--shape-chaos`).
    #[serde(default)]
    pub shape_chaos: Option<u64>,
    /// The clock the simulated world runs on (`--clock`; see [`crate::clock`]).
    #[serde(default)]
    pub clock: ClockKind,
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
            access_key: None,
            shape_chaos: None,
            clock: ClockKind::Wall,
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
    /// SSH credential (`/api/v2/profiles/me/credentials`).
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

/// The whole simulated world (serialisable, for `--state-file`).
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
    /// Whether `DELETE /api/v2/compute/hosts/{id}` answers with a cleanup task (as a real OCP
    /// may, ocp-api.md §5 #18) instead of deleting at once; set by `POST /_sim/config`.
    #[serde(default)]
    pub host_delete_task: bool,
    /// Whether create-tenant reads only the body of ocp-api.md §3.4.1, ignoring OCP Express's
    /// `parameters` and `timeZone` (as an OCP whose create call lacks them would); set by
    /// `POST /_sim/config`.
    #[serde(default)]
    pub create_tenant_plain: bool,
    /// Login name recorded as task `creator`.
    pub creator: String,
    /// Address of this simulator, shown as `ocpClusterView.address`.
    pub ocp_address: String,
    /// Capacity held by running tenant tasks, by tenant id (see [`Reservation`]).
    pub reservations: BTreeMap<i64, Vec<Reservation>>,
    /// Next OB tenant id ([`FIRST_OB_TENANT_ID`], step 2; never reused).
    pub next_ob_tenant_id: i64,
    /// SSH credentials by id .
    pub credentials: BTreeMap<i64, Credential>,
    /// CPU cores and memory GB a newly deployed OBServer offers to units (16:64, or what
    /// `SharedState::set_server_capacity` set last).
    pub server_capacity: (f64, f64),
    /// Databases, users, roles and objects by tenant id .
    pub tenant_objects: BTreeMap<i64, TenantObjects>,
    /// Backup strategies, schedules and backup task rows .
    pub backup: BackupState,
    /// Restores of tenants from backups (`crate::domain::restore`).
    #[serde(default)]
    pub restores: restore::RestoreState,
    /// OBProxy clusters (`/api/v2/obproxy`).
    #[serde(default)]
    pub obproxy: obproxy::ObproxyState,
    /// Cluster and tenant parameters set away from their defaults.
    #[serde(default)]
    pub parameters: ParameterState,
    next_ids: BTreeMap<IdKind, i64>,
    /// Set when a task outcome (or a scheduled backup) changed the state outside a write
    /// request; cleared when the state is saved (`--state-file`).
    #[serde(skip)]
    pub(crate) dirty: bool,
    /// The clock every instant of the world is read from (not saved: a restart takes the
    /// configured one).
    #[serde(skip)]
    pub clock: Clock,
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
            host_delete_task: false,
            create_tenant_plain: false,
            creator: cfg.username.clone(),
            ocp_address: "http://127.0.0.1:8080".into(),
            reservations: BTreeMap::new(),
            next_ob_tenant_id: FIRST_OB_TENANT_ID,
            tenant_objects: BTreeMap::new(),
            backup: BackupState::default(),
            restores: restore::RestoreState::default(),
            obproxy: obproxy::ObproxyState::default(),
            parameters: ParameterState::default(),
            credentials: BTreeMap::new(),
            server_capacity: (16.0, 64.0),
            next_ids: BTreeMap::new(),
            dirty: false,
            clock: Clock::new(cfg.clock),
        }
    }

    /// Now, on the store's clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
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
        // 3-zone cluster plus an added zone / OBServer.
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

pub(crate) fn sanitize_seconds(s: f64) -> f64 {
    if s.is_finite() && s >= 0.0 {
        s
    } else {
        DEFAULT_TASK_SECONDS
    }
}
