//! Cluster topology writes: create/delete OB clusters (§3.1), add/delete zones (§3.2, §5 #12),
//! add/batch-delete OBServers (§3.3). All are async (§2.1) and answer a TaskInstance with
//! `clusterId` (§5 #2). Rules and shared helpers: [`crate::domain::infra`]; the reads and power
//! operations are in [`super::clusters`].
//!
//! | Method + path | Body (`*` = required) | Task (subtasks) |
//! |---|---|---|
//! | `POST /api/v2/ob/clusters` | `{name*, type*, password*, rpmName*, primaryZone, zones*[{name*, idcName*, servers*, architecture, rpmName, rootServer}], startupParameters[{name, value}], vpcId, obClusterId, fullVersion}` (§3.1) | `Create OB cluster` (`Check hosts`, `Install OBServer package`, `Start OBServers`, `Bootstrap cluster`, `Create sys tenant`, `Update cluster status`) |
//! | `DELETE /api/v2/ob/clusters/{id}` | — | `Delete primary OB cluster` / `Delete standby OB cluster` (§4.5; `Prepare delete cluster`, `Stop OBServers`, `Uninstall OBServer package`, `Delete cluster metadata`) |
//! | `POST /api/v2/ob/clusters/{id}/zones` | `{name*, idcName*, servers*, architecture, packageOperatingSystem, startupParameters, addReplicaParams[{zoneName, replicaType*, resourcePool*{unitSpecName*, unitCount*}, tenantId, tenantName}]}` (§3.2) | `Add zone` (`Check hosts`, `Install OBServer package`, `Start OBServers`, `Add zone`, [`Add tenant replicas`,] `Update zone status`) |
//! | `DELETE /api/v2/ob/clusters/{id}/zones/{zoneName}` (§5 #12) | — | `Delete zone` (`Prepare delete zone`, `Stop OBServers`, `Delete zone`, `Uninstall OBServer package`) |
//! | `POST /api/v2/ob/clusters/{id}/servers` | `{zoneName*, servers*, packageOperatingSystem, startupParameters}` (§3.3) | `Add OBServer` (`Check hosts`, `Install OBServer package`, `Start OBServers`, `Add OBServer to zone`) |
//! | `POST /api/v2/ob/clusters/{id}/servers/batchDelete` | `{servers*}` (host ids, §3.3) | `Delete OBServer` (`Prepare delete OBServer`, `Delete OBServer from zone`, `Stop OBServers`, `Uninstall OBServer package`) |
//!
//! `servers` are always **host ids** (§3.1, §3.3). Statuses (our decisions, §5 #13): what is
//! being deployed is `CREATING` (the cluster and its `sys` tenant, a new zone, new OBServers),
//! `RUNNING` on success, `FAILED` when the task fails (retry → `CREATING`, rollback removes it,
//! a `FAILED` cluster can be deleted); what is being removed is `DELETING`, gone on success, back
//! to its former status on failure or rollback.
//!
//! Create makes at once: the cluster (`obVersion`/`fullVersion`/`architecture` from the
//! package), its zones, one OBServer per host (port 2881, svrPort 2882, the capacity of
//! [`crate::state::Store::server_capacity`]), and its `sys` tenant (`MYSQL`, obTenantId 1 once
//! created, root password = `password`, user `root`, one `S0` unit per zone on the zone's
//! `rootServer` or first host, primaryZone = `primaryZone` or `RANDOM`). Hosts become used at
//! once (`clusterId` on the host). Delete removes the cluster, its OBServers and **all its
//! tenants**; its hosts become free.
//!
//! Preconditions, in this order: numeric ids (400), cluster / zone exist (404
//! `OB_CLUSTER_NOT_FOUND` / `OB_ZONE_NOT_FOUND`), no running task on the cluster or zone (400
//! `RESOURCE_BUSY`; lock keys `cluster/{id}` for create/delete, `cluster/{id}/zone/{zone}` for
//! zone and OBServer changes, plus `cluster/{id}/tenant/{tenantId}` of tenants named in
//! `addReplicaParams`), status (400 `ILLEGAL_STATE`: the cluster must be `RUNNING` for zone and
//! OBServer changes, `RUNNING`/`STOPPED`/`FAILED` to be deleted; a zone `RUNNING` to receive
//! OBServers), the body (400 `ILLEGAL_ARGUMENT` naming the field: unknown IDC
//! `zones[0].idcName`, unknown / used / not `ONLINE` / other-IDC / repeated host
//! `zones[0].servers[1]`, zone without servers `zones[0].servers`, repeated zone `zones[1].name`,
//! unknown package `rpmName`), duplicates (400 `DUPLICATE_NAME`: cluster name, zone name in the
//! cluster), capacity (400 `RESOURCE_NOT_ENOUGH` for `addReplicaParams`), then the in-use rules
//! (400 `ILLEGAL_STATE`): a zone or OBServer holding tenant units (or reservations) cannot be
//! removed (the message names the tenants; `sys` has a unit in every zone it was created in), the
//! last zone of a cluster and the last OBServer of a zone cannot be removed. A failed check
//! changes nothing.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::domain::infra::{self, ObPackage, CREATING, DELETING, FAILED, RUNNING};
use crate::domain::rules::{self as rules, invalid, required};
use crate::envelope::{parse_body, parse_id, ApiError};
use crate::state::effects::{NewReplica, Statuses, TopologyEffect};
use crate::state::task::TaskSpec;
use crate::state::HookKind;
use crate::state::{Cluster, IdKind, Reservation, Store, Tenant, TenantZone, Unit, UnitSpec, Zone};

use super::Reply;

const PKG: &str = "com.alipay.ocp.service.task.business";
const STOPPED: &str = "STOPPED";
const EPS: f64 = 1e-9;

fn tenant_lock(cid: i64, tid: i64) -> String {
    format!("cluster/{cid}/tenant/{tid}")
}

fn zone_lock(cid: i64, zone: &str) -> String {
    format!("cluster/{cid}/zone/{zone}")
}

fn ids_json(ids: &[i64]) -> Vec<Value> {
    ids.iter().map(|i| json!(i.to_string())).collect()
}

fn names_json(names: &[String]) -> Vec<Value> {
    names.iter().map(|n| json!(n)).collect()
}

pub(crate) fn with_subtasks(mut spec: TaskSpec, subtasks: &[(&str, &str)]) -> TaskSpec {
    for (n, class) in subtasks {
        spec = spec.subtask(n, &format!("{PKG}.{class}"));
    }
    spec
}

/// Cluster task with the §4.5 context (`cluster_name`, `ob_cluster_id`, `service_*`,
/// `former_cluster_status`).
pub(crate) fn cluster_task(c: &Cluster, name: &str) -> TaskSpec {
    TaskSpec::new(name)
        .cluster(c.id)
        .string("cluster_name", &c.name)
        .string("ob_cluster_id", c.ob_cluster_id)
        .string("service_type", "OB_CLUSTER")
        .string("service_name", format!("{}:{}", c.name, c.ob_cluster_id))
        .string("service_version", &c.ob_version)
        .string("former_cluster_status", &c.status)
        .prohibit_rollback(false)
}

impl Statuses {
    /// `with_cluster`: include the cluster status; `zones`: zone names to include; `servers`:
    /// server ids to include.
    fn take(
        store: &Store,
        cid: i64,
        with_cluster: bool,
        zones: &[String],
        servers: &[i64],
    ) -> Self {
        let c = store.clusters.get(&cid);
        Statuses {
            cluster_id: cid,
            cluster: c.filter(|_| with_cluster).map(|c| c.status.clone()),
            zones: c
                .map(|c| {
                    c.zones
                        .iter()
                        .filter(|z| zones.contains(&z.name))
                        .map(|z| (z.name.clone(), z.status.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            servers: servers
                .iter()
                .filter_map(|id| store.servers.get(id).map(|s| (s.id, s.status.clone())))
                .collect(),
        }
    }

    pub(crate) fn restore(&self, s: &mut Store) {
        let now = s.now();
        if let Some(c) = s.clusters.get_mut(&self.cluster_id) {
            if let Some(st) = &self.cluster {
                c.status = st.clone();
            }
            c.update_time = now;
            for z in &mut c.zones {
                if let Some((_, st)) = self.zones.iter().find(|(n, _)| *n == z.name) {
                    z.status = st.clone();
                }
            }
        }
        for (id, st) in &self.servers {
            if let Some(srv) = s.servers.get_mut(id) {
                srv.status = st.clone();
            }
        }
    }

    /// Set every member of the snapshot to `status`.
    fn set(&self, s: &mut Store, status: &str) {
        let now = s.now();
        if let Some(c) = s.clusters.get_mut(&self.cluster_id) {
            if self.cluster.is_some() {
                c.status = status.to_string();
            }
            c.update_time = now;
            for z in &mut c.zones {
                if self.zones.iter().any(|(n, _)| *n == z.name) {
                    z.status = status.to_string();
                }
            }
        }
        for (id, _) in &self.servers {
            if let Some(srv) = s.servers.get_mut(id) {
                srv.status = status.to_string();
            }
        }
    }
}

impl TopologyEffect {
    /// Apply the effect at the moment `kind`.
    pub fn run(&self, kind: HookKind, s: &mut Store) {
        match self {
            TopologyEffect::CreateCluster {
                cluster_id: cid,
                sys_tenant_id: tid,
            } => {
                let (cid, tid) = (*cid, *tid);
                match kind {
                    HookKind::Start => {
                        set_cluster_all(s, cid, CREATING);
                        set_tenant_status(s, tid, CREATING);
                    }
                    HookKind::Success => {
                        set_cluster_all(s, cid, RUNNING);
                        if let Some(t) = s.tenants.get_mut(&tid) {
                            t.status = "NORMAL".into();
                            // OceanBase's sys tenant is always tenant 1 (§4.1).
                            t.ob_tenant_id = Some(1);
                        }
                        for u in s.units.values_mut().filter(|u| u.tenant_id == tid) {
                            u.status = "NORMAL".into();
                        }
                    }
                    HookKind::Failure => {
                        set_cluster_all(s, cid, FAILED);
                        set_tenant_status(s, tid, FAILED);
                    }
                    HookKind::Rollback => remove_cluster(s, cid),
                }
            }
            TopologyEffect::DeleteCluster {
                cluster_id,
                snapshot,
            } => match kind {
                HookKind::Start => snapshot.set(s, DELETING),
                HookKind::Success => remove_cluster(s, *cluster_id),
                HookKind::Failure | HookKind::Rollback => snapshot.restore(s),
            },
            TopologyEffect::AddZone {
                cluster_id,
                zone,
                snapshot,
                replicas,
            } => match kind {
                HookKind::Start => {
                    snapshot.set(s, CREATING);
                    for r in replicas {
                        set_tenant_status(s, r.tenant_id, "MODIFYING");
                        s.reservations.insert(r.tenant_id, r.reservations.clone());
                    }
                }
                HookKind::Success => {
                    snapshot.set(s, RUNNING);
                    for r in replicas {
                        s.reservations.remove(&r.tenant_id);
                        let exists = s
                            .tenants
                            .get(&r.tenant_id)
                            .is_some_and(|t| t.zones.iter().any(|z| z.name == r.zone.name));
                        if !exists {
                            for sid in &r.servers {
                                let uid = s.next_id(IdKind::Unit);
                                s.units.insert(
                                    uid,
                                    Unit {
                                        id: uid,
                                        tenant_id: r.tenant_id,
                                        resource_pool_id: r.zone.resource_pool_id,
                                        server_id: *sid,
                                        zone_name: r.zone.name.clone(),
                                        status: "NORMAL".into(),
                                    },
                                );
                            }
                        }
                        if let Some(t) = s.tenants.get_mut(&r.tenant_id) {
                            if !exists {
                                t.zones.push(r.zone.clone());
                            }
                            t.status = "NORMAL".into();
                        }
                    }
                }
                HookKind::Failure => {
                    snapshot.set(s, FAILED);
                    for r in replicas {
                        s.reservations.remove(&r.tenant_id);
                        set_tenant_status(s, r.tenant_id, "NORMAL");
                    }
                }
                HookKind::Rollback => remove_zone(s, *cluster_id, zone),
            },
            TopologyEffect::DeleteZone {
                cluster_id,
                zone,
                snapshot,
            } => match kind {
                HookKind::Start => snapshot.set(s, DELETING),
                HookKind::Success => remove_zone(s, *cluster_id, zone),
                HookKind::Failure | HookKind::Rollback => snapshot.restore(s),
            },
            TopologyEffect::AddServers { snapshot, servers } => match kind {
                HookKind::Start => snapshot.set(s, CREATING),
                HookKind::Success => snapshot.set(s, RUNNING),
                HookKind::Failure => snapshot.set(s, FAILED),
                HookKind::Rollback => s.servers.retain(|id, _| !servers.contains(id)),
            },
            TopologyEffect::DeleteServers { snapshot, servers } => match kind {
                HookKind::Start => snapshot.set(s, DELETING),
                HookKind::Success => s.servers.retain(|id, _| !servers.contains(id)),
                HookKind::Failure | HookKind::Rollback => snapshot.restore(s),
            },
        }
    }
}

/// Remove a cluster with its OBServers and tenants (no-op when absent).
fn remove_cluster(s: &mut Store, cid: i64) {
    let tenants: Vec<i64> = s
        .tenants
        .values()
        .filter(|t| t.cluster_id == cid)
        .map(|t| t.id)
        .collect();
    for t in tenants {
        s.remove_tenant(t);
    }
    s.servers.retain(|_, srv| srv.cluster_id != cid);
    s.clusters.remove(&cid);
}

/// Remove a zone of a cluster with its OBServers.
fn remove_zone(s: &mut Store, cid: i64, zone: &str) {
    s.servers
        .retain(|_, srv| !(srv.cluster_id == cid && srv.zone_name == zone));
    let now = s.now();
    if let Some(c) = s.clusters.get_mut(&cid) {
        c.zones.retain(|z| z.name != zone);
        c.update_time = now;
    }
}

// ---------------------------------------------------------------------------------------------
// Zone entries (create body and add-zone body)

struct ZoneReq {
    name: String,
    idc_id: i64,
    hosts: Vec<i64>,
    root_host: Option<i64>,
}

/// One zone at `prefix` (`zones[0]` or `""` for the add-zone body).
fn parse_zone(
    store: &Store,
    obj: &Map<String, Value>,
    prefix: &str,
    arch: &str,
    seen: &mut BTreeSet<i64>,
) -> Result<ZoneReq, ApiError> {
    let name = rules::req_str(obj, prefix, "name")?;
    rules::check_name(&infra::field(prefix, "name"), &name)?;
    let idc_name = rules::req_str(obj, prefix, "idcName")?;
    let idc = infra::check_idc_name(store, &infra::field(prefix, "idcName"), &idc_name)?;
    if let Some(a) = rules::opt_str(obj, prefix, "architecture")?.filter(|a| !a.is_empty()) {
        if a != arch {
            return Err(invalid(
                &infra::field(prefix, "architecture"),
                format!("{a:?} does not match the architecture of the OceanBase package ({arch})"),
            ));
        }
    }
    let hosts = infra::parse_deploy_hosts(store, obj, prefix, idc, arch, seen)?;
    let root_host = rules::opt_int(obj, prefix, "rootServer")?;
    if let Some(r) = root_host {
        if !hosts.contains(&r) {
            return Err(invalid(
                &infra::field(prefix, "rootServer"),
                format!("host {r} is not one of the zone's servers"),
            ));
        }
    }
    Ok(ZoneReq {
        name,
        idc_id: idc.id,
        hosts,
        root_host,
    })
}

fn check_vpc(obj: &Map<String, Value>) -> Result<(), ApiError> {
    match rules::opt_int(obj, "", "vpcId")? {
        Some(v) if v != infra::CLASSIC_VPC => Err(invalid(
            "vpcId",
            format!(
                "VPC {v} does not exist (only the classic network {} exists)",
                infra::CLASSIC_VPC
            ),
        )),
        _ => Ok(()),
    }
}

fn params_json(params: &[(String, String)]) -> Vec<Value> {
    params
        .iter()
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Create cluster

struct CreateReq {
    name: String,
    cluster_type: String,
    password: String,
    pkg: &'static ObPackage,
    full_version: String,
    ob_cluster_id: i64,
    primary_zone: String,
    zones: Vec<ZoneReq>,
    params: Vec<(String, String)>,
}

fn parse_create(store: &Store, body: &Value) -> Result<CreateReq, ApiError> {
    let obj = rules::object(body, "")?;
    let name = rules::req_str(obj, "", "name")?;
    infra::check_cluster_name("name", &name)?;
    let cluster_type = rules::req_str(obj, "", "type")?;
    if cluster_type != "PRIMARY" && cluster_type != "STANDBY" {
        return Err(invalid(
            "type",
            format!("{cluster_type:?}, expected PRIMARY or STANDBY"),
        ));
    }
    let password = rules::req_str(obj, "", "password")?;
    rules::check_password("password", &password)?;
    let rpm = rules::req_str(obj, "", "rpmName")?;
    let pkg = infra::check_package("rpmName", &rpm)?;
    let full_version = match rules::opt_str(obj, "", "fullVersion")?.filter(|s| !s.is_empty()) {
        None => pkg.full_version(),
        Some(fv) if fv == pkg.full_version() => fv,
        Some(fv) => {
            return Err(invalid(
                "fullVersion",
                format!(
                    "{fv:?} does not match rpmName {rpm} (expected {})",
                    pkg.full_version()
                ),
            ))
        }
    };
    let ob_cluster_id = match rules::opt_int(obj, "", "obClusterId")? {
        None => store
            .clusters
            .values()
            .map(|c| c.ob_cluster_id)
            .max()
            .map_or(1_700_000_001, |m| m.max(1_700_000_000) + 1),
        Some(n) if !(1..=i64::from(i32::MAX)).contains(&n) => {
            return Err(invalid(
                "obClusterId",
                format!("{n}, expected 1 to {}", i32::MAX),
            ))
        }
        Some(n) => {
            if let Some(c) = store.clusters.values().find(|c| c.ob_cluster_id == n) {
                return Err(invalid(
                    "obClusterId",
                    format!("{n} is already used by OB cluster {}", c.name),
                ));
            }
            n
        }
    };
    check_vpc(obj)?;
    let zones_v = infra::req_array(obj, "", "zones", "zone")?;
    let mut seen = BTreeSet::new();
    let mut zones: Vec<ZoneReq> = Vec::new();
    for (i, v) in zones_v.iter().enumerate() {
        let p = format!("zones[{i}]");
        let o = rules::object(v, &p)?;
        let z = parse_zone(store, o, &p, pkg.architecture, &mut seen)?;
        if zones.iter().any(|x| x.name == z.name) {
            return Err(invalid(
                &format!("{p}.name"),
                format!("zone {} is listed twice", z.name),
            ));
        }
        if let Some(zr) = rules::opt_str(o, &p, "rpmName")?.filter(|s| !s.is_empty()) {
            let f = format!("{p}.rpmName");
            let zp = infra::check_package(&f, &zr)?;
            if zp.version != pkg.version || zp.architecture != pkg.architecture {
                return Err(invalid(
                    &f,
                    format!("{zr:?} must be the same OceanBase version and architecture as rpmName {rpm}"),
                ));
            }
        }
        zones.push(z);
    }
    let params = infra::parse_startup_parameters(obj, "")?;
    let primary_zone = match rules::opt_str(obj, "", "primaryZone")?.filter(|s| !s.is_empty()) {
        // Our decision: like tenants, no primaryZone = OceanBase's default RANDOM.
        None => rules::RANDOM.to_string(),
        Some(pz) => {
            for z in rules::primary_zone_names(&pz) {
                if !zones.iter().any(|x| x.name == z) {
                    return Err(invalid(
                        "primaryZone",
                        format!("zone {z} is not a zone of the new cluster"),
                    ));
                }
            }
            let replicas: Vec<(String, String)> = zones
                .iter()
                .map(|z| (z.name.clone(), "FULL".to_string()))
                .collect();
            rules::check_primary_zone("primaryZone", &pz, &replicas)?
        }
    };
    if let Some(c) = store
        .clusters
        .values()
        .find(|c| c.name.eq_ignore_ascii_case(&name))
    {
        return Err(ApiError::duplicate(format!(
            "OB cluster name {name:?} is already used by OB cluster {} (id {})",
            c.name, c.id
        )));
    }
    Ok(CreateReq {
        name,
        cluster_type,
        password,
        pkg,
        full_version,
        ob_cluster_id,
        primary_zone,
        zones,
        params,
    })
}

/// Set the cluster, its zones and servers (and its sys tenant) to `status`.
fn set_cluster_all(s: &mut Store, cid: i64, status: &str) {
    let now = s.now();
    if let Some(c) = s.clusters.get_mut(&cid) {
        c.status = status.to_string();
        c.update_time = now;
        for z in &mut c.zones {
            z.status = status.to_string();
        }
    }
    for srv in s.servers.values_mut().filter(|x| x.cluster_id == cid) {
        srv.status = status.to_string();
    }
}

fn set_tenant_status(s: &mut Store, tid: i64, status: &str) {
    if let Some(t) = s.tenants.get_mut(&tid) {
        t.status = status.to_string();
    }
}

/// `POST /api/v2/ob/clusters` (§3.1, async).
pub fn create_cluster(store: &mut Store, body: &[u8]) -> Reply {
    let body: Value = parse_body(body)?;
    let req = parse_create(store, &body)?;
    let cid = store.next_id(IdKind::Cluster);
    let now = store.now();
    let mut zones = Vec::new();
    let mut server_ids = Vec::new();
    let mut host_ids = Vec::new();
    let mut roots: Vec<(String, i64)> = Vec::new();
    for z in &req.zones {
        zones.push(Zone {
            name: z.name.clone(),
            idc_id: z.idc_id,
            status: CREATING.into(),
        });
        let root_host = z.root_host.unwrap_or(z.hosts[0]);
        for h in &z.hosts {
            let sid = infra::new_server(&mut *store, cid, &z.name, *h, CREATING);
            server_ids.push(sid);
            host_ids.push(*h);
            if *h == root_host {
                roots.push((z.name.clone(), sid));
            }
        }
    }
    let cluster = Cluster {
        id: cid,
        name: req.name.clone(),
        ob_cluster_id: req.ob_cluster_id,
        cluster_type: req.cluster_type.clone(),
        status: CREATING.into(),
        ob_version: req.pkg.version.into(),
        full_version: req.full_version.clone(),
        architecture: req.pkg.architecture.into(),
        root_password: req.password.clone(),
        zones,
        create_time: now,
        update_time: now,
    };
    let spec = cluster_task(&cluster, "Create OB cluster");
    store.clusters.insert(cid, cluster);

    // The sys tenant: one S0 unit per zone on the zone's root server.
    let tid = store.next_id(IdKind::Tenant);
    let mut tzones = Vec::new();
    for (zone, sid) in &roots {
        let pool = store.next_id(IdKind::ResourcePool);
        tzones.push(TenantZone {
            name: zone.clone(),
            replica_type: "FULL".into(),
            resource_pool_id: pool,
            unit_spec_name: "S0".into(),
            unit_count: 1,
        });
        let uid = store.next_id(IdKind::Unit);
        store.units.insert(
            uid,
            Unit {
                id: uid,
                tenant_id: tid,
                resource_pool_id: pool,
                server_id: *sid,
                zone_name: zone.clone(),
                status: CREATING.into(),
            },
        );
    }
    store.tenants.insert(
        tid,
        Tenant {
            id: tid,
            cluster_id: cid,
            name: "sys".into(),
            ob_tenant_id: None,
            mode: "MYSQL".into(),
            status: CREATING.into(),
            primary_zone: req.primary_zone.clone(),
            locked: false,
            readonly: false,
            description: Some("system tenant".into()),
            charset: "utf8mb4".into(),
            collation: "utf8mb4_general_ci".into(),
            whitelist: "%".into(),
            sql_audit_enabled: true,
            zones: tzones,
            root_password: req.password.clone(),
            create_time: now,
        },
    );
    store.seed_tenant_objects(tid);

    let zone_names: Vec<String> = req.zones.iter().map(|z| z.name.clone()).collect();
    let spec = with_subtasks(
        spec.lock(format!("cluster/{cid}")),
        &[
            ("Check hosts", "cluster.CheckHostTask"),
            (
                "Install OBServer package",
                "cluster.InstallObserverPackageTask",
            ),
            ("Start OBServers", "cluster.StartObserverTask"),
            ("Bootstrap cluster", "cluster.BootstrapClusterTask"),
            ("Create sys tenant", "cluster.CreateSysTenantTask"),
            ("Update cluster status", "cluster.UpdateClusterStatusTask"),
        ],
    )
    .string("cluster_type", &req.cluster_type)
    .string("rpm_name", req.pkg.name())
    .string("sys_tenant_id", tid)
    .list("zone_names", names_json(&zone_names))
    .list("host_ids", ids_json(&host_ids))
    .list("server_ids", ids_json(&server_ids))
    .list("startup_parameters", params_json(&req.params))
    .effect(TopologyEffect::CreateCluster {
        cluster_id: cid,
        sys_tenant_id: tid,
    });
    match store.submit_task(spec) {
        Ok(task) => Ok(Some(store.task_detail(task)?)),
        Err(e) => {
            remove_cluster(&mut *store, cid);
            Err(e)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Delete cluster

/// `DELETE /api/v2/ob/clusters/{id}` (§3.1, async; task name per §4.5).
pub fn delete_cluster(store: &mut Store, id: &str) -> Reply {
    let cid = parse_id(id, "cluster")?;
    let c = store.cluster(cid)?.clone();
    store.ensure_not_busy(&[format!("cluster/{cid}")])?;
    if ![RUNNING, STOPPED, FAILED].contains(&c.status.as_str()) {
        return Err(ApiError::illegal_state(format!(
            "cannot delete OB cluster {} in status {} (needs RUNNING, STOPPED or FAILED)",
            c.name, c.status
        )));
    }
    let zone_names: Vec<String> = c.zones.iter().map(|z| z.name.clone()).collect();
    let servers: Vec<i64> = store.servers_of(cid).map(|s| s.id).collect();
    let hosts: Vec<i64> = store.servers_of(cid).map(|s| s.host_id).collect();
    let tenants: Vec<String> = store
        .tenants
        .values()
        .filter(|t| t.cluster_id == cid)
        .map(|t| t.name.clone())
        .collect();
    let snap = Statuses::take(store, cid, true, &zone_names, &servers);
    let name = if c.cluster_type == "STANDBY" {
        "Delete standby OB cluster"
    } else {
        "Delete primary OB cluster"
    };
    let spec = with_subtasks(
        cluster_task(&c, name).lock(format!("cluster/{cid}")),
        &[
            ("Prepare delete cluster", "cluster.PrepareDeleteClusterTask"),
            ("Stop OBServers", "cluster.StopObserverTask"),
            (
                "Uninstall OBServer package",
                "cluster.UninstallObserverPackageTask",
            ),
            ("Delete cluster metadata", "cluster.DeleteClusterMetaTask"),
        ],
    )
    .list("zone_names", names_json(&zone_names))
    .list("host_ids", ids_json(&hosts))
    .list("server_ids", ids_json(&servers))
    .list("tenant_names", names_json(&tenants))
    .effect(TopologyEffect::DeleteCluster {
        cluster_id: cid,
        snapshot: snap,
    });
    let task = store.submit_task(spec)?;
    Ok(Some(store.task_detail(task)?))
}

// ---------------------------------------------------------------------------------------------
// Add zone

struct ReplicaReq {
    tenant_id: i64,
    replica_type: String,
    spec: UnitSpec,
    count: u32,
    field: String,
}

fn parse_add_replicas(
    store: &Store,
    c: &Cluster,
    obj: &Map<String, Value>,
    zone: &str,
) -> Result<Vec<ReplicaReq>, ApiError> {
    let Some(list) = infra::opt_array(obj, "", "addReplicaParams")? else {
        return Ok(Vec::new());
    };
    let mut out: Vec<ReplicaReq> = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let p = format!("addReplicaParams[{i}]");
        let o = rules::object(v, &p)?;
        let by_id = rules::opt_int(o, &p, "tenantId")?;
        let by_name = rules::opt_str(o, &p, "tenantName")?.filter(|n| !n.is_empty());
        let t: &Tenant = match (by_id, &by_name) {
            (None, None) => return Err(required(&format!("{p}.tenantId"))),
            (Some(id), _) => {
                let t = store
                    .tenants
                    .get(&id)
                    .filter(|t| t.cluster_id == c.id)
                    .ok_or_else(|| {
                        invalid(
                            &format!("{p}.tenantId"),
                            format!("tenant {id} is not a tenant of OB cluster {}", c.name),
                        )
                    })?;
                if let Some(n) = &by_name {
                    if !n.eq_ignore_ascii_case(&t.name) {
                        return Err(invalid(
                            &format!("{p}.tenantName"),
                            format!("{n:?} is not the name of tenant {id} ({})", t.name),
                        ));
                    }
                }
                t
            }
            (None, Some(n)) => store
                .tenants
                .values()
                .find(|t| t.cluster_id == c.id && t.name.eq_ignore_ascii_case(n))
                .ok_or_else(|| {
                    invalid(
                        &format!("{p}.tenantName"),
                        format!("tenant {n:?} does not exist in OB cluster {}", c.name),
                    )
                })?,
        };
        if out.iter().any(|r| r.tenant_id == t.id) {
            return Err(invalid(
                &format!("{p}.tenantId"),
                format!("tenant {} is listed twice", t.name),
            ));
        }
        if let Some(zn) = rules::opt_str(o, &p, "zoneName")?.filter(|z| !z.is_empty()) {
            if zn != zone {
                return Err(invalid(
                    &format!("{p}.zoneName"),
                    format!("{zn:?} must be the new zone {zone}"),
                ));
            }
        }
        let replica_type = rules::req_str(o, &p, "replicaType")?;
        rules::check_replica_type(&format!("{p}.replicaType"), &replica_type)?;
        let pf = format!("{p}.resourcePool");
        let pool = match o.get("resourcePool") {
            None | Some(Value::Null) => return Err(required(&pf)),
            Some(v) => rules::object(v, &pf)?,
        };
        let spec_name = rules::req_str(pool, &pf, "unitSpecName")?;
        let spec = store
            .unit_spec_by_name(&spec_name)
            .cloned()
            .ok_or_else(|| {
                let known: Vec<&str> = store.unit_specs.values().map(|u| u.name.as_str()).collect();
                invalid(
                    &format!("{pf}.unitSpecName"),
                    format!(
                        "unknown unit spec {spec_name:?} (known: {})",
                        known.join(", ")
                    ),
                )
            })?;
        let cf = format!("{pf}.unitCount");
        let n = infra::req_int(pool, &pf, "unitCount")?;
        if n < 1 {
            return Err(invalid(&cf, format!("{n}, must be at least 1")));
        }
        let count = u32::try_from(n).map_err(|_| invalid(&cf, format!("{n} is too large")))?;
        out.push(ReplicaReq {
            tenant_id: t.id,
            replica_type,
            spec,
            count,
            field: pf,
        });
    }
    Ok(out)
}

/// Place the units of `replicas` on the new zone's hosts (index into `hosts`), each unit of a
/// tenant on its own host, the one with the most free CPU that fits; 400 `ILLEGAL_ARGUMENT` when
/// `unitCount` exceeds the hosts, 400 `RESOURCE_NOT_ENOUGH` when the units do not fit.
fn place_on_new_servers(
    store: &Store,
    hosts: usize,
    zone: &str,
    replicas: &[ReplicaReq],
) -> Result<Vec<Vec<usize>>, ApiError> {
    let (cpu, mem) = store.server_capacity;
    let mut free: Vec<(f64, f64)> = vec![(cpu, mem); hosts];
    let mut out = Vec::new();
    for r in replicas {
        // One unit of a tenant per OBServer of a zone (as in tenant_writes).
        if r.count as usize > hosts {
            return Err(invalid(
                &format!("{}.unitCount", r.field),
                format!(
                    "{} units per zone, but the new zone {zone} has {hosts} OBServer(s); a tenant has at most one unit on each OBServer of a zone, so unitCount must be at most {hosts}",
                    r.count
                ),
            ));
        }
        let mut placed: Vec<usize> = Vec::new();
        for _ in 0..r.count {
            let best = free
                .iter()
                .enumerate()
                .filter(|(i, (c, m))| {
                    !placed.contains(i)
                        && *c + EPS >= r.spec.max_cpu
                        && *m + EPS >= r.spec.max_memory_gb
                })
                .fold(None::<(usize, f64)>, |best, (i, (c, _))| match best {
                    Some((_, bc)) if *c <= bc + EPS => best,
                    _ => Some((i, *c)),
                });
            let Some((i, _)) = best else {
                return Err(ApiError::new(
                    400,
                    "RESOURCE_NOT_ENOUGH",
                    format!(
                        "not enough resources for {}: {} unit(s) of {} need {} CPU cores and {} GB memory each in the new zone {zone}, whose OBServers offer {cpu} CPU cores and {mem} GB each",
                        r.field, r.count, r.spec.name, r.spec.max_cpu, r.spec.max_memory_gb
                    ),
                ));
            };
            free[i].0 -= r.spec.max_cpu;
            free[i].1 -= r.spec.max_memory_gb;
            placed.push(i);
        }
        out.push(placed);
    }
    Ok(out)
}

/// `POST /api/v2/ob/clusters/{id}/zones` (§3.2, async).
pub fn add_zone(store: &mut Store, id: &str, body: &[u8]) -> Reply {
    let cid = parse_id(id, "cluster")?;
    let body: Value = parse_body(body)?;
    let c = store.cluster(cid)?.clone();
    let hint = body.get("name").and_then(Value::as_str).unwrap_or("");
    store.ensure_not_busy(&[zone_lock(cid, hint)])?;
    if c.status != RUNNING {
        return Err(ApiError::illegal_state(format!(
            "cannot add a zone: OB cluster {} is {}",
            c.name, c.status
        )));
    }
    let obj = rules::object(&body, "")?;
    let mut seen = BTreeSet::new();
    let z = parse_zone(store, obj, "", &c.architecture, &mut seen)?;
    rules::opt_str(obj, "", "packageOperatingSystem")?;
    let params = infra::parse_startup_parameters(obj, "")?;
    let replicas = parse_add_replicas(store, &c, obj, &z.name)?;
    if let Some(other) = c
        .zones
        .iter()
        .find(|x| x.name.eq_ignore_ascii_case(&z.name))
    {
        return Err(ApiError::duplicate(format!(
            "zone {} already exists in OB cluster {}",
            other.name, c.name
        )));
    }
    for r in &replicas {
        store.ensure_not_busy(&[tenant_lock(cid, r.tenant_id)])?;
        if let Some(t) = store.tenants.get(&r.tenant_id) {
            if t.status != "NORMAL" {
                return Err(ApiError::illegal_state(format!(
                    "cannot add a replica of tenant {} in status {} (needs NORMAL)",
                    t.name, t.status
                )));
            }
        }
    }
    let placement = place_on_new_servers(store, z.hosts.len(), &z.name, &replicas)?;

    // Apply: the zone and its OBServers exist at once (CREATING).
    let servers: Vec<i64> = z
        .hosts
        .iter()
        .map(|h| infra::new_server(&mut *store, cid, &z.name, *h, CREATING))
        .collect();
    let now = store.now();
    if let Some(cm) = store.clusters.get_mut(&cid) {
        cm.zones.push(Zone {
            name: z.name.clone(),
            idc_id: z.idc_id,
            status: CREATING.into(),
        });
        cm.update_time = now;
    }
    let mut new_replicas = Vec::new();
    for (r, placed) in replicas.iter().zip(&placement) {
        let pool = store.next_id(IdKind::ResourcePool);
        let unit_servers: Vec<i64> = placed.iter().map(|i| servers[*i]).collect();
        new_replicas.push(NewReplica {
            tenant_id: r.tenant_id,
            zone: TenantZone {
                name: z.name.clone(),
                replica_type: r.replica_type.clone(),
                resource_pool_id: pool,
                unit_spec_name: r.spec.name.clone(),
                unit_count: r.count,
            },
            reservations: unit_servers
                .iter()
                .map(|sid| Reservation {
                    server_id: *sid,
                    cpu: r.spec.max_cpu,
                    memory_gb: r.spec.max_memory_gb,
                })
                .collect(),
            servers: unit_servers,
        });
    }
    let zone_names = vec![z.name.clone()];
    let snap = Statuses::take(store, cid, false, &zone_names, &servers);
    let mut spec = cluster_task(&c, "Add zone")
        .lock(zone_lock(cid, &z.name))
        .string("zone_name", &z.name)
        .list("zone_names", names_json(&zone_names))
        .list("host_ids", ids_json(&z.hosts))
        .list("server_ids", ids_json(&servers))
        .list("startup_parameters", params_json(&params));
    for r in &new_replicas {
        spec = spec.lock(tenant_lock(cid, r.tenant_id));
    }
    let tenant_ids: Vec<i64> = new_replicas.iter().map(|r| r.tenant_id).collect();
    spec = spec.list("tenant_ids", ids_json(&tenant_ids));
    let mut steps: Vec<(&str, &str)> = vec![
        ("Check hosts", "zone.CheckHostTask"),
        (
            "Install OBServer package",
            "zone.InstallObserverPackageTask",
        ),
        ("Start OBServers", "zone.StartObserverTask"),
        ("Add zone", "zone.AddZoneTask"),
    ];
    if !new_replicas.is_empty() {
        steps.push(("Add tenant replicas", "zone.AddTenantReplicaTask"));
    }
    steps.push(("Update zone status", "zone.UpdateZoneStatusTask"));
    let spec = with_subtasks(spec, &steps).effect(TopologyEffect::AddZone {
        cluster_id: cid,
        zone: z.name.clone(),
        snapshot: snap,
        replicas: new_replicas.clone(),
    });
    match store.submit_task(spec) {
        Ok(task) => Ok(Some(store.task_detail(task)?)),
        Err(e) => {
            for r in &new_replicas {
                store.reservations.remove(&r.tenant_id);
                set_tenant_status(&mut *store, r.tenant_id, "NORMAL");
            }
            remove_zone(&mut *store, cid, &z.name);
            Err(e)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Delete zone

/// Tenants (sorted names) with a replica, unit or reservation in a zone.
fn tenants_in_zone(store: &Store, cid: i64, zone: &str) -> Vec<String> {
    let servers: Vec<i64> = store.servers_in_zone(cid, zone).map(|s| s.id).collect();
    let mut names = infra::tenants_on_servers(store, &servers);
    for t in store.tenants.values().filter(|t| t.cluster_id == cid) {
        if t.zones.iter().any(|z| z.name == zone) && !names.contains(&t.name) {
            names.push(t.name.clone());
        }
    }
    names.sort();
    names
}

/// `DELETE /api/v2/ob/clusters/{id}/zones/{zoneName}` (§5 #12, async).
pub fn delete_zone(store: &mut Store, id: &str, zone: &str) -> Reply {
    let zone = zone.to_string();
    let cid = parse_id(id, "cluster")?;
    let c = store.cluster(cid)?.clone();
    let z = store.zone(cid, &zone)?.clone();
    store.ensure_not_busy(&[zone_lock(cid, &zone)])?;
    if c.status != RUNNING {
        return Err(ApiError::illegal_state(format!(
            "cannot delete zone {zone}: OB cluster {} is {}",
            c.name, c.status
        )));
    }
    if ![RUNNING, STOPPED, FAILED].contains(&z.status.as_str()) {
        return Err(ApiError::illegal_state(format!(
            "cannot delete zone {zone} in status {} (needs RUNNING, STOPPED or FAILED)",
            z.status
        )));
    }
    if c.zones.len() <= 1 {
        return Err(ApiError::illegal_state(format!(
            "cannot delete zone {zone}: it is the last zone of OB cluster {}",
            c.name
        )));
    }
    let tenants = tenants_in_zone(store, cid, &zone);
    if !tenants.is_empty() {
        return Err(ApiError::illegal_state(format!(
            "cannot delete zone {zone}: it still holds replicas (units) of tenants {}; delete those replicas first",
            tenants.join(", ")
        )));
    }
    let servers: Vec<i64> = store.servers_in_zone(cid, &zone).map(|s| s.id).collect();
    let hosts: Vec<i64> = store
        .servers_in_zone(cid, &zone)
        .map(|s| s.host_id)
        .collect();
    let zone_names = vec![zone.clone()];
    let snap = Statuses::take(store, cid, false, &zone_names, &servers);
    let spec = with_subtasks(
        cluster_task(&c, "Delete zone")
            .lock(zone_lock(cid, &zone))
            .string("zone_name", &zone)
            .string("former_zone_status", &z.status)
            .list("zone_names", names_json(&zone_names))
            .list("host_ids", ids_json(&hosts))
            .list("server_ids", ids_json(&servers)),
        &[
            ("Prepare delete zone", "zone.PrepareDeleteZoneTask"),
            ("Stop OBServers", "zone.StopZoneObserverTask"),
            ("Delete zone", "zone.DeleteZoneTask"),
            (
                "Uninstall OBServer package",
                "zone.UninstallObserverPackageTask",
            ),
        ],
    )
    .effect(TopologyEffect::DeleteZone {
        cluster_id: cid,
        zone: zone.clone(),
        snapshot: snap,
    });
    let task = store.submit_task(spec)?;
    Ok(Some(store.task_detail(task)?))
}

// ---------------------------------------------------------------------------------------------
// Add / batch delete OBServers

/// `POST /api/v2/ob/clusters/{id}/servers` (§3.3, async).
pub fn add_servers(store: &mut Store, id: &str, body: &[u8]) -> Reply {
    let cid = parse_id(id, "cluster")?;
    let body: Value = parse_body(body)?;
    let c = store.cluster(cid)?.clone();
    let hint = body.get("zoneName").and_then(Value::as_str).unwrap_or("");
    store.ensure_not_busy(&[zone_lock(cid, hint)])?;
    if c.status != RUNNING {
        return Err(ApiError::illegal_state(format!(
            "cannot add OBServers: OB cluster {} is {}",
            c.name, c.status
        )));
    }
    let obj = rules::object(&body, "")?;
    let zone_name = rules::req_str(obj, "", "zoneName")?;
    let z = c
        .zones
        .iter()
        .find(|z| z.name == zone_name)
        .ok_or_else(|| {
            invalid(
                "zoneName",
                format!("{zone_name:?} is not a zone of OB cluster {}", c.name),
            )
        })?
        .clone();
    let idc = store.idcs.get(&z.idc_id).cloned().ok_or_else(|| {
        ApiError::internal(format!("IDC {} of zone {} vanished", z.idc_id, z.name))
    })?;
    let mut seen = BTreeSet::new();
    let hosts = infra::parse_deploy_hosts(store, obj, "", &idc, &c.architecture, &mut seen)?;
    rules::opt_str(obj, "", "packageOperatingSystem")?;
    let params = infra::parse_startup_parameters(obj, "")?;
    if z.status != RUNNING {
        return Err(ApiError::illegal_state(format!(
            "cannot add OBServers to zone {} in status {} (needs RUNNING)",
            z.name, z.status
        )));
    }
    let servers: Vec<i64> = hosts
        .iter()
        .map(|h| infra::new_server(&mut *store, cid, &z.name, *h, CREATING))
        .collect();
    let snap = Statuses::take(store, cid, false, &[], &servers);
    let spec = with_subtasks(
        cluster_task(&c, "Add OBServer")
            .lock(zone_lock(cid, &z.name))
            .string("zone_name", &z.name)
            .list("zone_names", names_json(std::slice::from_ref(&z.name)))
            .list("host_ids", ids_json(&hosts))
            .list("server_ids", ids_json(&servers))
            .list("startup_parameters", params_json(&params)),
        &[
            ("Check hosts", "server.CheckHostTask"),
            (
                "Install OBServer package",
                "server.InstallObserverPackageTask",
            ),
            ("Start OBServers", "server.StartObserverTask"),
            ("Add OBServer to zone", "server.AddObserverTask"),
        ],
    )
    .effect(TopologyEffect::AddServers {
        snapshot: snap,
        servers: servers.clone(),
    });
    match store.submit_task(spec) {
        Ok(task) => Ok(Some(store.task_detail(task)?)),
        Err(e) => {
            store.servers.retain(|id, _| !servers.contains(id));
            Err(e)
        }
    }
}

/// `POST /api/v2/ob/clusters/{id}/servers/batchDelete` (§3.3, async).
pub fn batch_delete_servers(store: &mut Store, id: &str, body: &[u8]) -> Reply {
    let cid = parse_id(id, "cluster")?;
    let body: Value = parse_body(body)?;
    let c = store.cluster(cid)?.clone();
    // Cluster-wide tasks first; the zone locks are checked once the body names the servers.
    store.ensure_not_busy(&[zone_lock(cid, "")])?;
    if c.status != RUNNING {
        return Err(ApiError::illegal_state(format!(
            "cannot delete OBServers: OB cluster {} is {}",
            c.name, c.status
        )));
    }
    let obj = rules::object(&body, "")?;
    let list = infra::req_array(obj, "", "servers", "host id")?;
    let mut targets: Vec<(i64, i64, String, String)> = Vec::new(); // (server, host, zone, ip)
    for (j, v) in list.iter().enumerate() {
        let f = format!("servers[{j}]");
        let hid = v
            .as_i64()
            .ok_or_else(|| invalid(&f, "a host id (integer) is expected"))?;
        let s = store
            .servers_of(cid)
            .find(|s| s.host_id == hid)
            .ok_or_else(|| {
                invalid(
                    &f,
                    format!(
                        "host {hid} does not run an OBServer of OB cluster {}",
                        c.name
                    ),
                )
            })?;
        if targets.iter().any(|t| t.1 == hid) {
            return Err(invalid(&f, format!("host {hid} is listed twice")));
        }
        let ip = store
            .hosts
            .get(&hid)
            .map(|h| h.inner_ip.clone())
            .unwrap_or_default();
        targets.push((s.id, hid, s.zone_name.clone(), ip));
    }
    let mut zones: Vec<String> = targets.iter().map(|t| t.2.clone()).collect();
    zones.sort();
    zones.dedup();
    let locks: Vec<String> = zones.iter().map(|z| zone_lock(cid, z)).collect();
    store.ensure_not_busy(&locks)?;
    for (sid, hid, zone, ip) in &targets {
        let status = store
            .servers
            .get(sid)
            .map(|s| s.status.clone())
            .unwrap_or_default();
        if ![RUNNING, STOPPED, FAILED].contains(&status.as_str()) {
            return Err(ApiError::illegal_state(format!(
                "cannot delete OBServer {ip} (host {hid}, zone {zone}) in status {status} (needs RUNNING, STOPPED or FAILED)"
            )));
        }
        let tenants = infra::tenants_on_servers(store, &[*sid]);
        if !tenants.is_empty() {
            return Err(ApiError::illegal_state(format!(
                "cannot delete OBServer {ip} (host {hid}, zone {zone}): it still holds units of tenants {}; move or delete those units first",
                tenants.join(", ")
            )));
        }
    }
    for zone in &zones {
        let left = store
            .servers_in_zone(cid, zone)
            .filter(|s| !targets.iter().any(|t| t.0 == s.id))
            .count();
        if left == 0 {
            return Err(ApiError::illegal_state(format!(
                "cannot delete the last OBServer(s) of zone {zone}; delete the zone instead"
            )));
        }
    }
    let servers: Vec<i64> = targets.iter().map(|t| t.0).collect();
    let hosts: Vec<i64> = targets.iter().map(|t| t.1).collect();
    let target_zone_status = c
        .zones
        .iter()
        .find(|z| zones.first() == Some(&z.name))
        .map(|z| z.status.clone())
        .unwrap_or_default();
    let snap = Statuses::take(store, cid, false, &[], &servers);
    let mut spec = cluster_task(&c, "Delete OBServer")
        .string("target_zone_status", target_zone_status)
        .list("zone_names", names_json(&zones))
        .list("host_ids", ids_json(&hosts))
        .list("server_ids", ids_json(&servers));
    for l in locks {
        spec = spec.lock(l);
    }
    let spec = with_subtasks(
        spec,
        &[
            (
                "Prepare delete OBServer",
                "server.PrepareDeleteObserverTask",
            ),
            ("Delete OBServer from zone", "server.DeleteObserverTask"),
            ("Stop OBServers", "server.StopObserverTask"),
            (
                "Uninstall OBServer package",
                "server.UninstallObserverPackageTask",
            ),
        ],
    )
    .effect(TopologyEffect::DeleteServers {
        snapshot: snap,
        servers: servers.clone(),
    });
    let task = store.submit_task(spec)?;
    Ok(Some(store.task_detail(task)?))
}
