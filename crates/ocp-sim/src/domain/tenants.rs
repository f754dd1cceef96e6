//! Tenant writes (§3.4, §5 #1, #2, #7, #8, #9, #21). The routes are registered in
//! [`super::tenants`] next to the reads; base path `/api/v2/ob/clusters/{id}/tenants`.
//!
//! | Method + path | Body | Answer |
//! |---|---|---|
//! | `POST .../tenants/createTenant` and `POST .../tenants` (§5 #1: both accepted) | §3.4.1 | TaskInstance `Create tenant` with `tenantId`/`clusterId` (§5 #2) |
//! | `DELETE .../tenants/{tenantId}` (§5 #7) | — | TaskInstance `Delete tenant` |
//! | `POST .../{tenantId}/modifyWhitelist` | `{whitelist*}` | no `data` |
//! | `POST .../{tenantId}/modifyPrimaryZone` (§5 #9: path and async inferred) | `{primaryZone*}` | TaskInstance `Modify tenant primary zone` |
//! | `POST .../{tenantId}/changePassword` | `{newPassword*, saveToCredential}` | no `data` |
//! | `POST .../{tenantId}/lock`, `/unlock` (§5 #8) | — | no `data` |
//! | `POST .../{tenantId}/addReplica` | `[{zoneName*, replicaType*, resourcePool*{unitSpecName*, unitCount*}}]` | TaskInstance `Add tenant replica` |
//! | `POST .../{tenantId}/deleteReplica` | `[{zoneName*}]` | TaskInstance `Delete tenant replica` |
//! | `POST .../{tenantId}/modifyReplica` | `[{zoneName*, replicaType, resourcePool{unitSpecName, unitCount}}]` | TaskInstance `Modify tenant replica` |
//!
//! ## Tenant statuses (our decisions; §3.4.2 only shows `NORMAL` and `CREATING`)
//!
//! * create: `CREATING` at once (`obTenantId` null), `NORMAL` on success with `obTenantId`
//!   (1002, 1004, ...; OB 4.x numbering, see [`crate::state::FIRST_OB_TENANT_ID`]). A failed
//!   create leaves the tenant listed with status **`FAILED`** (its units keep their capacity);
//!   retry goes back to `CREATING`, rollback removes the tenant and frees its units, and
//!   `DELETE` is allowed on a `FAILED` tenant.
//! * restore (`crate::domain::restore`): `RESTORING` while the task `Restore tenant` runs, then
//!   `NORMAL` with the source tenant's databases and users (§5 #26, inferred); failure and
//!   rollback as for create.
//! * delete: `DELETING` while the task runs, then the tenant and its units are gone (404).
//!   A failed or rolled back delete restores the former status. Locked tenants can be deleted
//!   (our decision); `sys` cannot (400).
//! * modifyPrimaryZone / addReplica / deleteReplica / modifyReplica: **`MODIFYING`** while the
//!   task runs, `NORMAL` afterwards. The change (primaryZone, zones, locality, zoneList, units)
//!   is applied when the task succeeds, never before; a failure or rollback leaves the tenant
//!   as it was (`NORMAL`).
//!
//! ## Preconditions and error codes
//!
//! Checked in this order: ids (400 for non-numeric), cluster / tenant exist (404
//! `OB_CLUSTER_NOT_FOUND` / `OB_TENANT_NOT_FOUND`), no running task on the tenant or its cluster
//! (400 `RESOURCE_BUSY`, §5 #21; lock key `cluster/{id}/tenant/{tenantId}`, so tenant tasks of
//! different tenants run in parallel while a cluster task blocks them all), cluster `RUNNING`
//! (400 `ILLEGAL_STATE`),
//! tenant `NORMAL` (400 `ILLEGAL_STATE`; `DELETE` also accepts `FAILED`), then the body
//! (400 `ILLEGAL_ARGUMENT`, message names the field, see [`crate::domain::rules`]), duplicate
//! name (400 `DUPLICATE_NAME`) and capacity (400 `RESOURCE_NOT_ENOUGH`, our code). Nothing is
//! created or changed when any check fails.
//!
//! ## Capacity
//!
//! Each unit reserves its spec's `maxCpu`/`maxMemory` on one server of its zone (the server
//! with the most free CPU that fits). A tenant has at most one unit on each OBServer of a zone,
//! as in OCP: `unitCount` above the zone's OBServers that can hold units is 400
//! `ILLEGAL_ARGUMENT` naming `...resourcePool.unitCount`, and the units of one zone always sit
//! on distinct servers. Create reserves at
//! once. Add/modify replica hold a [`crate::state::Reservation`] for the growth while the task
//! runs (units of removed zones / shrinking specs are released only on success); a retried task
//! takes its reservation again without re-checking.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::domain::rules::{self as rules, invalid};
use crate::envelope::{parse_body, parse_id, ApiError};
use crate::state::effects::{Modification, PlannedReplica, TenantEffect, ZoneChange};
use crate::state::task::TaskSpec;
use crate::state::HookKind;
use crate::state::{Cluster, IdKind, Reservation, Store, Tenant, TenantZone, Unit, UnitSpec};

use super::Reply;

const PKG: &str = "com.alipay.ocp.service.task.business.tenant";

/// Transitional status of a tenant being created.
pub const CREATING: &str = "CREATING";
/// Status of a tenant whose create task failed (our decision).
pub const FAILED: &str = "FAILED";
/// Transitional status of a tenant being deleted.
pub const DELETING: &str = "DELETING";
/// Transitional status of a tenant during primary-zone and replica changes (our decision).
pub const MODIFYING: &str = "MODIFYING";
/// Stable status.
pub const NORMAL: &str = "NORMAL";
/// Transitional status of a tenant being restored from backups (§5 #26, inferred).
pub const RESTORING: &str = "RESTORING";

const EPS: f64 = 1e-9;

pub(crate) fn lock_key(cluster_id: i64, tenant_id: i64) -> String {
    format!("cluster/{cluster_id}/tenant/{tenant_id}")
}

/// 400 `RESOURCE_NOT_ENOUGH` (our code).
fn not_enough(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "RESOURCE_NOT_ENOUGH", message)
}

fn set_status(s: &mut Store, tenant_id: i64, status: &str) {
    if let Some(t) = s.tenants.get_mut(&tenant_id) {
        t.status = status.to_string();
    }
}

impl Modification {
    fn apply(&self, s: &mut Store, tid: i64) {
        match self {
            Modification::PrimaryZone { primary_zone } => {
                if let Some(t) = s.tenants.get_mut(&tid) {
                    t.primary_zone = primary_zone.clone();
                }
            }
            Modification::AddReplicas { plan } => {
                for p in plan {
                    let has = s
                        .tenants
                        .get(&tid)
                        .is_none_or(|t| t.zones.iter().any(|z| z.name == p.zone));
                    if has {
                        continue;
                    }
                    let pool = s.next_id(IdKind::ResourcePool);
                    if let Some(t) = s.tenants.get_mut(&tid) {
                        t.zones.push(TenantZone {
                            name: p.zone.clone(),
                            replica_type: p.replica_type.clone(),
                            resource_pool_id: pool,
                            unit_spec_name: p.unit_spec.clone(),
                            unit_count: p.unit_count,
                        });
                    }
                    for sid in &p.servers {
                        add_unit(s, tid, pool, *sid, &p.zone);
                    }
                }
            }
            Modification::DeleteReplicas { zones } => {
                if let Some(t) = s.tenants.get_mut(&tid) {
                    t.zones.retain(|z| !zones.contains(&z.name));
                }
                s.units
                    .retain(|_, u| !(u.tenant_id == tid && zones.contains(&u.zone_name)));
            }
            Modification::ModifyReplicas {
                cluster_id,
                changes,
            } => apply_zone_changes(s, *cluster_id, tid, changes),
        }
    }
}

impl TenantEffect {
    /// Apply the effect at the moment `kind`.
    pub fn run(&self, kind: HookKind, s: &mut Store) {
        match (self, kind) {
            (TenantEffect::Create { tenant_id }, HookKind::Start) => {
                set_status(s, *tenant_id, CREATING)
            }
            (TenantEffect::Create { tenant_id }, HookKind::Success) => {
                let tid = *tenant_id;
                let needs_id = s
                    .tenants
                    .get(&tid)
                    .is_some_and(|t| t.ob_tenant_id.is_none());
                let ob = needs_id.then(|| s.alloc_ob_tenant_id());
                if let Some(t) = s.tenants.get_mut(&tid) {
                    t.status = NORMAL.into();
                    if ob.is_some() {
                        t.ob_tenant_id = ob;
                    }
                }
                for u in s.units.values_mut().filter(|u| u.tenant_id == tid) {
                    u.status = NORMAL.into();
                }
            }
            (TenantEffect::Create { tenant_id }, HookKind::Failure) => {
                set_status(s, *tenant_id, FAILED)
            }
            (TenantEffect::Create { tenant_id }, HookKind::Rollback) => s.remove_tenant(*tenant_id),
            (TenantEffect::Restore { tenant_id, .. }, HookKind::Start) => {
                set_status(s, *tenant_id, RESTORING)
            }
            (
                TenantEffect::Restore {
                    tenant_id,
                    source_tenant_id,
                },
                HookKind::Success,
            ) => {
                TenantEffect::Create {
                    tenant_id: *tenant_id,
                }
                .run(HookKind::Success, s);
                crate::domain::restore::copy_objects(s, *source_tenant_id, *tenant_id);
            }
            (TenantEffect::Restore { tenant_id, .. }, HookKind::Failure) => {
                set_status(s, *tenant_id, FAILED)
            }
            (TenantEffect::Restore { tenant_id, .. }, HookKind::Rollback) => {
                s.remove_tenant(*tenant_id)
            }
            (TenantEffect::Delete { tenant_id, .. }, HookKind::Start) => {
                set_status(s, *tenant_id, DELETING)
            }
            (TenantEffect::Delete { tenant_id, .. }, HookKind::Success) => {
                s.remove_tenant(*tenant_id)
            }
            (
                TenantEffect::Delete { tenant_id, former },
                HookKind::Failure | HookKind::Rollback,
            ) => set_status(s, *tenant_id, former),
            (
                TenantEffect::Modify {
                    tenant_id, reserve, ..
                },
                HookKind::Start,
            ) => {
                set_status(s, *tenant_id, MODIFYING);
                if !reserve.is_empty() {
                    s.reservations.insert(*tenant_id, reserve.clone());
                }
            }
            (
                TenantEffect::Modify {
                    tenant_id,
                    former,
                    apply,
                    ..
                },
                HookKind::Success,
            ) => {
                s.reservations.remove(tenant_id);
                apply.apply(s, *tenant_id);
                set_status(s, *tenant_id, former);
            }
            (
                TenantEffect::Modify {
                    tenant_id, former, ..
                },
                HookKind::Failure,
            ) => {
                s.reservations.remove(tenant_id);
                set_status(s, *tenant_id, former);
            }
            (
                TenantEffect::Modify {
                    tenant_id, former, ..
                },
                HookKind::Rollback,
            ) => set_status(s, *tenant_id, former),
        }
    }
}

pub(crate) fn ids(id: &str, tid: &str) -> Result<(i64, i64), ApiError> {
    Ok((parse_id(id, "cluster")?, parse_id(tid, "tenant")?))
}

/// Shared preconditions of writes on an existing tenant; returns clones of cluster and tenant.
/// Also used by the database/user/role writes ([`super::db_objects`]).
pub(crate) fn writable(
    store: &Store,
    cid: i64,
    tid: i64,
    what: &str,
    need_running_cluster: bool,
    statuses: &[&str],
) -> Result<(Cluster, Tenant), ApiError> {
    let c = store.cluster(cid)?.clone();
    let t = store.tenant_in(cid, tid)?.clone();
    store.ensure_not_busy(&[lock_key(cid, tid)])?;
    if need_running_cluster && c.status != "RUNNING" {
        return Err(ApiError::illegal_state(format!(
            "cannot {what} tenant {}: OB cluster {} is {}",
            t.name, c.name, c.status
        )));
    }
    if !statuses.contains(&t.status.as_str()) {
        return Err(ApiError::illegal_state(format!(
            "cannot {what} tenant {} in status {} (needs {})",
            t.name,
            t.status,
            statuses.join(" or ")
        )));
    }
    Ok((c, t))
}

/// Free capacity of the servers of a cluster while a request is being planned.
struct Planner {
    /// server id → (zone, free CPU, free memory GB, ip)
    servers: BTreeMap<i64, (String, f64, f64, String)>,
}

impl Planner {
    fn new(store: &Store, cluster_id: i64) -> Self {
        // OBServers being deployed, removed or whose deployment failed ([`crate::domain::infra`]) hold
        // no units and must not receive any.
        let servers = store
            .servers_of(cluster_id)
            .filter(|s| !crate::domain::infra::is_unplaceable_server_status(&s.status))
            .map(|s| {
                let (c, m) = store.server_free(s.id);
                let ip = store
                    .hosts
                    .get(&s.host_id)
                    .map(|h| h.inner_ip.clone())
                    .unwrap_or_default();
                (s.id, (s.zone_name.clone(), c, m, ip))
            })
            .collect();
        Planner { servers }
    }

    /// Take `cpu`/`mem` on one server; false when it does not fit.
    fn take(&mut self, server_id: i64, cpu: f64, mem: f64) -> bool {
        match self.servers.get_mut(&server_id) {
            Some((_, c, m, _)) if *c + EPS >= cpu && *m + EPS >= mem => {
                *c -= cpu;
                *m -= mem;
                true
            }
            _ => false,
        }
    }

    fn best_in_zone(&self, zone: &str) -> Option<(i64, f64, f64)> {
        let mut best: Option<(i64, f64, f64)> = None;
        for (id, (z, c, m, _)) in &self.servers {
            if z == zone && best.is_none_or(|(_, bc, _)| *c > bc + EPS) {
                best = Some((*id, *c, *m));
            }
        }
        best
    }

    /// OCP places at most one unit of a tenant on each OBServer of a zone, so a zone takes at
    /// most as many units as it has OBServers: 400 `ILLEGAL_ARGUMENT` naming `field` (the
    /// `unitCount`) otherwise. Servers being deployed, removed or failed do not count.
    fn check_unit_count(&self, field: &str, zone: &str, count: u32) -> Result<(), ApiError> {
        let servers = self.servers.values().filter(|(z, ..)| z == zone).count();
        if count as usize > servers {
            return Err(invalid(
                field,
                format!(
                    "{count} units per zone, but zone {zone} has {servers} OBServer(s) that can hold units; a tenant has at most one unit on each OBServer of a zone, so unitCount must be at most {servers}"
                ),
            ));
        }
        Ok(())
    }

    /// Place `count` units of `spec` in `zone`, each on its own server (none of `occupied`, the
    /// servers already holding a unit of the tenant there), the one with the most free CPU that
    /// fits; 400 `RESOURCE_NOT_ENOUGH` naming `field` when they do not fit.
    fn place(
        &mut self,
        field: &str,
        zone: &str,
        spec: &UnitSpec,
        count: u32,
        occupied: &[i64],
    ) -> Result<Vec<i64>, ApiError> {
        let before = self.best_in_zone(zone);
        let mut out: Vec<i64> = Vec::new();
        for _ in 0..count {
            let fit = self
                .servers
                .iter()
                .filter(|(id, (z, c, m, _))| {
                    z == zone
                        && !out.contains(id)
                        && !occupied.contains(id)
                        && *c + EPS >= spec.max_cpu
                        && *m + EPS >= spec.max_memory_gb
                })
                .fold(None::<(i64, f64)>, |best, (id, (_, c, _, _))| match best {
                    Some((_, bc)) if *c <= bc + EPS => best,
                    _ => Some((*id, *c)),
                });
            match fit {
                Some((id, _)) => {
                    self.take(id, spec.max_cpu, spec.max_memory_gb);
                    out.push(id);
                }
                None => {
                    let left = match before {
                        Some((_, c, m)) => format!(
                            "the server of zone {zone} with the most free capacity has {} CPU cores and {} GB memory free",
                            round2(c),
                            round2(m)
                        ),
                        None => format!("zone {zone} has no servers"),
                    };
                    return Err(not_enough(format!(
                        "not enough resources for {field}: {count} unit(s) of {} need {} CPU cores and {} GB memory each, on distinct servers, in zone {zone}; {left}",
                        spec.name, spec.max_cpu, spec.max_memory_gb
                    )));
                }
            }
        }
        Ok(out)
    }

    fn ip(&self, server_id: i64) -> String {
        self.servers
            .get(&server_id)
            .map(|s| s.3.clone())
            .unwrap_or_default()
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// One replica entry of a create / addReplica / modifyReplica body.
#[derive(Debug, Clone)]
struct ReplicaInput {
    zone: String,
    replica_type: Option<String>,
    unit_spec: Option<UnitSpec>,
    unit_count: Option<u32>,
}

/// Parse one replica entry at `prefix` (`zones[0]`, `[1]`). `zone_key` is `name` (create) or
/// `zoneName` (replica calls); with `all_required` every member is required (create, add).
/// The zone must be a zone of the cluster.
fn parse_replica(
    store: &Store,
    c: &Cluster,
    v: &Value,
    prefix: &str,
    zone_key: &str,
    all_required: bool,
) -> Result<ReplicaInput, ApiError> {
    let obj = rules::object(v, prefix)?;
    let zone = rules::req_str(obj, prefix, zone_key)?;
    if !c.zones.iter().any(|z| z.name == zone) {
        return Err(invalid(
            &format!("{prefix}.{zone_key}"),
            format!("{zone:?} is not a zone of OB cluster {}", c.name),
        ));
    }
    let rt_field = format!("{prefix}.replicaType");
    let replica_type = if all_required {
        Some(rules::req_str(obj, prefix, "replicaType")?)
    } else {
        rules::opt_str(obj, prefix, "replicaType")?
    };
    if let Some(t) = &replica_type {
        rules::check_replica_type(&rt_field, t)?;
    }
    let pool_field = format!("{prefix}.resourcePool");
    let pool = match obj.get("resourcePool") {
        None | Some(Value::Null) if all_required => return Err(rules::required(&pool_field)),
        None | Some(Value::Null) => None,
        Some(p) => Some(rules::object(p, &pool_field)?),
    };
    let (mut unit_spec, mut unit_count) = (None, None);
    if let Some(p) = pool {
        let spec_name = if all_required {
            Some(rules::req_str(p, &pool_field, "unitSpecName")?)
        } else {
            rules::opt_str(p, &pool_field, "unitSpecName")?
        };
        if let Some(n) = spec_name {
            let spec = store.unit_spec_by_name(&n).ok_or_else(|| {
                let known: Vec<&str> = store.unit_specs.values().map(|u| u.name.as_str()).collect();
                invalid(
                    &format!("{pool_field}.unitSpecName"),
                    format!("unknown unit spec {n:?} (known: {})", known.join(", ")),
                )
            })?;
            unit_spec = Some(spec.clone());
        }
        let count_field = format!("{pool_field}.unitCount");
        let count = rules::opt_int(p, &pool_field, "unitCount")?;
        match count {
            None if all_required => return Err(rules::required(&count_field)),
            None => {}
            Some(n) if n < 1 => {
                return Err(invalid(&count_field, format!("{n}, must be at least 1")))
            }
            Some(n) => {
                unit_count = Some(
                    u32::try_from(n)
                        .map_err(|_| invalid(&count_field, format!("{n} is too large")))?,
                );
            }
        }
    }
    Ok(ReplicaInput {
        zone,
        replica_type,
        unit_spec,
        unit_count,
    })
}

/// Zone must be `RUNNING` to place units in it.
fn zone_running(c: &Cluster, zone: &str) -> Result<(), ApiError> {
    match c.zones.iter().find(|z| z.name == zone) {
        Some(z) if z.status != "RUNNING" => Err(ApiError::illegal_state(format!(
            "zone {zone} of OB cluster {} is {}",
            c.name, z.status
        ))),
        _ => Ok(()),
    }
}

/// Base task of a tenant operation (context like §4.4: `tenant_id`, `cluster_id`, ...).
fn tenant_task(
    c: &Cluster,
    tid: i64,
    tenant_name: &str,
    name: &str,
    former: Option<&str>,
) -> TaskSpec {
    let spec = TaskSpec::new(name)
        .cluster(c.id)
        .tenant(tid)
        .lock(lock_key(c.id, tid))
        .string("cluster_name", &c.name)
        .string("ob_cluster_id", c.ob_cluster_id)
        .string("tenant_name", tenant_name)
        .string("service_type", "OB_TENANT")
        .prohibit_rollback(false);
    match former {
        Some(f) => spec.string("former_tenant_status", f),
        None => spec,
    }
}

fn with_subtasks(mut spec: TaskSpec, subtasks: &[(&str, &str)]) -> TaskSpec {
    for (n, class) in subtasks {
        spec = spec.subtask(n, &format!("{PKG}.{class}"));
    }
    spec
}

fn zone_list(names: &[String]) -> Vec<Value> {
    names.iter().map(|z| json!(z)).collect()
}

// ---------------------------------------------------------------------------------------------
// Create

struct CreateRequest {
    name: String,
    mode: String,
    charset: String,
    collation: String,
    description: Option<String>,
    whitelist: String,
    root_password: String,
    primary_zone: String,
    zones: Vec<(ReplicaInput, UnitSpec, u32, String)>,
}

fn parse_create(store: &Store, c: &Cluster, body: &Value) -> Result<CreateRequest, ApiError> {
    let obj = rules::object(body, "")?;
    let name = rules::req_str(obj, "", "name")?;
    rules::check_name("name", &name)?;
    if let Some(other) = store
        .tenants
        .values()
        .find(|t| t.cluster_id == c.id && t.name.eq_ignore_ascii_case(&name))
    {
        return Err(ApiError::duplicate(format!(
            "tenant name {name:?} is already used by tenant {} (id {}) in OB cluster {}",
            other.name, other.id, c.name
        )));
    }
    let mode = rules::opt_str(obj, "", "mode")?
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "MYSQL".into());
    rules::check_mode("mode", &mode)?;
    let charset = match rules::opt_str(obj, "", "charset")?.filter(|s| !s.is_empty()) {
        Some(cs) => rules::check_charset("charset", &mode, &cs)?,
        None => "utf8mb4".into(),
    };
    let collation_in = rules::opt_str(obj, "", "collation")?;
    let collation =
        rules::resolve_collation("collation", &mode, &charset, collation_in.as_deref())?;
    let description = rules::opt_str(obj, "", "description")?;
    let whitelist = match rules::opt_str(obj, "", "whitelist")? {
        Some(w) => {
            rules::check_whitelist("whitelist", &w)?;
            w
        }
        None => "%".into(),
    };
    let root_password = rules::req_str(obj, "", "rootPassword")?;
    rules::check_password("rootPassword", &root_password)?;
    rules::opt_bool(obj, "", "saveToCredential")?;

    let zones_v = match obj.get("zones") {
        None | Some(Value::Null) => return Err(rules::required("zones")),
        Some(Value::Array(a)) if a.is_empty() => {
            return Err(invalid("zones", "at least one zone is required"))
        }
        Some(Value::Array(a)) => a,
        Some(_) => return Err(invalid("zones", "a JSON array is expected")),
    };
    let mut zones: Vec<(ReplicaInput, UnitSpec, u32, String)> = Vec::new();
    for (i, v) in zones_v.iter().enumerate() {
        let prefix = format!("zones[{i}]");
        let r = parse_replica(store, c, v, &prefix, "name", true)?;
        if zones.iter().any(|(z, ..)| z.zone == r.zone) {
            return Err(invalid(
                &format!("{prefix}.name"),
                format!("zone {} is listed twice", r.zone),
            ));
        }
        let (Some(spec), Some(count)) = (r.unit_spec.clone(), r.unit_count) else {
            return Err(rules::required(&format!("{prefix}.resourcePool")));
        };
        zones.push((r, spec, count, prefix));
    }
    let replicas: Vec<(String, String)> = zones
        .iter()
        .map(|(r, ..)| (r.zone.clone(), r.replica_type.clone().unwrap_or_default()))
        .collect();
    if !replicas.iter().any(|(_, t)| t == "FULL") {
        return Err(invalid(
            "zones",
            "at least one zone must hold a FULL replica",
        ));
    }
    let primary_zone = match rules::opt_str(obj, "", "primaryZone")?.filter(|s| !s.is_empty()) {
        // Our decision: no primaryZone = OceanBase's default RANDOM (no leader preference).
        None => rules::RANDOM.to_string(),
        Some(pz) => rules::check_primary_zone("primaryZone", &pz, &replicas)?,
    };
    for (r, ..) in &zones {
        zone_running(c, &r.zone)?;
    }
    Ok(CreateRequest {
        name,
        mode,
        charset,
        collation,
        description,
        whitelist,
        root_password,
        primary_zone,
        zones,
    })
}

/// `POST /api/v2/ob/clusters/{id}/tenants/createTenant` and `POST .../tenants` (§5 #1).
pub fn create_tenant(store: &mut Store, id: &str, body: &[u8]) -> Reply {
    let cid = parse_id(id, "cluster")?;
    let body: Value = parse_body(body)?;
    let task = new_tenant(store, cid, &body, Birth::Create)?;
    Ok(Some(store.task_detail(task)?))
}

/// How a new tenant comes to be: OCP's create-tenant call, or a restore from another tenant's
/// backups (`crate::domain::restore`).
pub(crate) enum Birth {
    /// `Create tenant`: `CREATING`, then `NORMAL` with the built-in users only.
    Create,
    /// `Restore tenant`: `RESTORING`, then `NORMAL` with the databases and users of
    /// `source_tenant_id` (our decision, §5 #26).
    Restore {
        /// The backed-up tenant.
        source_tenant_id: i64,
    },
}

/// Creates a tenant in cluster `cid` from a create-tenant body (§3.4.1) and submits its task;
/// returns the task id. Nothing is left behind when a check fails.
pub(crate) fn new_tenant(
    store: &mut Store,
    cid: i64,
    body: &Value,
    birth: Birth,
) -> Result<i64, ApiError> {
    let c = store.cluster(cid)?.clone();
    let tid = store.peek_id(IdKind::Tenant);
    store.ensure_not_busy(&[lock_key(cid, tid)])?;
    if c.status != "RUNNING" {
        return Err(ApiError::illegal_state(format!(
            "cannot create a tenant: OB cluster {} is {}",
            c.name, c.status
        )));
    }
    let req = parse_create(store, &c, body)?;
    let params = if store.create_tenant_plain {
        BTreeMap::new()
    } else {
        super::parameters::create_tenant_values(body)?
    };
    let mut planner = Planner::new(store, cid);
    let mut placed = Vec::new();
    for (r, _, count, prefix) in &req.zones {
        planner.check_unit_count(&format!("{prefix}.resourcePool.unitCount"), &r.zone, *count)?;
    }
    for (r, spec, count, prefix) in &req.zones {
        placed.push(planner.place(prefix, &r.zone, spec, *count, &[])?);
    }

    let tid = store.next_id(IdKind::Tenant);
    let now = store.now();
    let mut tzones = Vec::new();
    for ((r, spec, count, _), servers) in req.zones.iter().zip(&placed) {
        let pool = store.next_id(IdKind::ResourcePool);
        tzones.push(TenantZone {
            name: r.zone.clone(),
            replica_type: r.replica_type.clone().unwrap_or_else(|| "FULL".into()),
            resource_pool_id: pool,
            unit_spec_name: spec.name.clone(),
            unit_count: *count,
        });
        for sid in servers {
            let uid = store.next_id(IdKind::Unit);
            store.units.insert(
                uid,
                Unit {
                    id: uid,
                    tenant_id: tid,
                    resource_pool_id: pool,
                    server_id: *sid,
                    zone_name: r.zone.clone(),
                    status: CREATING.into(),
                },
            );
        }
    }
    let zone_names: Vec<String> = tzones.iter().map(|z| z.name.clone()).collect();
    store.tenants.insert(
        tid,
        Tenant {
            id: tid,
            cluster_id: cid,
            name: req.name.clone(),
            ob_tenant_id: None,
            mode: req.mode.clone(),
            status: CREATING.into(),
            primary_zone: req.primary_zone,
            locked: false,
            readonly: false,
            description: req.description,
            charset: req.charset,
            collation: req.collation,
            whitelist: req.whitelist,
            sql_audit_enabled: true,
            zones: tzones,
            root_password: req.root_password,
            create_time: now,
        },
    );
    super::parameters::set_created_tenant(store, tid, params);
    // Built-in users/roles exist from the start (root, or SYS/SYSTEM and the Oracle roles).
    store.seed_tenant_objects(tid);
    let server_ips: Vec<Value> = placed
        .iter()
        .flatten()
        .map(|sid| json!(planner.ip(*sid)))
        .collect();
    let (name, subtasks, effect): (&str, &[(&str, &str)], TenantEffect) = match birth {
        Birth::Create => (
            "Create tenant",
            &[
                ("Create resource pool", "CreateResourcePoolTask"),
                ("Create tenant", "CreateTenantTask"),
                ("Set tenant whitelist", "SetTenantWhitelistTask"),
                ("Update tenant status", "UpdateTenantStatusTask"),
            ],
            TenantEffect::Create { tenant_id: tid },
        ),
        Birth::Restore { source_tenant_id } => (
            "Restore tenant",
            &[
                ("Create resource pool", "CreateResourcePoolTask"),
                ("Restore tenant data", "RestoreTenantTask"),
                ("Wait restore finished", "WaitRestoreFinishedTask"),
                ("Update tenant status", "UpdateTenantStatusTask"),
            ],
            TenantEffect::Restore {
                tenant_id: tid,
                source_tenant_id,
            },
        ),
    };
    let spec = with_subtasks(tenant_task(&c, tid, &req.name, name, None), subtasks)
        .string("tenant_mode", &req.mode)
        .list("zone_names", zone_list(&zone_names))
        .list("server_ips", server_ips)
        .effect(effect);
    match store.submit_task(spec) {
        Ok(task) => Ok(task),
        Err(e) => {
            store.remove_tenant(tid);
            Err(e)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Delete

/// `DELETE /api/v2/ob/clusters/{id}/tenants/{tenantId}` (§5 #7: async).
pub fn delete_tenant(store: &mut Store, id: &str, tid: &str) -> Reply {
    let (cid, tid) = ids(id, tid)?;
    let (c, t) = writable(store, cid, tid, "delete", true, &[NORMAL, FAILED])?;
    if t.name == "sys" {
        return Err(ApiError::bad_request(
            "the sys tenant cannot be deleted".to_string(),
        ));
    }
    let former = t.status.clone();
    let zone_names: Vec<String> = t.zones.iter().map(|z| z.name.clone()).collect();
    let spec = with_subtasks(
        tenant_task(&c, tid, &t.name, "Delete tenant", Some(&former)),
        &[
            ("Prepare delete tenant", "PrepareDeleteTenantTask"),
            ("Drop tenant", "DropTenantTask"),
            ("Drop resource pool", "DropResourcePoolTask"),
            ("Delete tenant metadata", "DeleteTenantMetaTask"),
        ],
    )
    .list("zone_names", zone_list(&zone_names))
    .effect(TenantEffect::Delete {
        tenant_id: tid,
        former,
    });
    let task = store.submit_task(spec)?;
    Ok(Some(store.task_detail(task)?))
}

// ---------------------------------------------------------------------------------------------
// Synchronous modifications

pub(crate) fn body_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let v: Value = parse_body(body)?;
    match v {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        _ => Err(ApiError::bad_request(
            "invalid request body: a JSON object is expected",
        )),
    }
}

/// `POST .../{tenantId}/modifyWhitelist` `{whitelist*}` (sync, no data).
pub fn modify_whitelist(store: &mut Store, id: &str, tid: &str, body: &[u8]) -> Reply {
    let (cid, tid) = ids(id, tid)?;
    let obj = body_object(body)?;
    writable(store, cid, tid, "modify the whitelist of", true, &[NORMAL])?;
    let wl = rules::req_str(&obj, "", "whitelist")?;
    rules::check_whitelist("whitelist", &wl)?;
    if let Some(t) = store.tenants.get_mut(&tid) {
        t.whitelist = wl;
    }
    Ok(None)
}

/// `POST .../{tenantId}/changePassword` `{newPassword*, saveToCredential}` (sync, no data).
/// `saveToCredential` is validated and otherwise ignored (the simulator has no credential vault).
pub fn change_password(store: &mut Store, id: &str, tid: &str, body: &[u8]) -> Reply {
    let (cid, tid) = ids(id, tid)?;
    let obj = body_object(body)?;
    writable(store, cid, tid, "change the password of", true, &[NORMAL])?;
    let pw = rules::req_str(&obj, "", "newPassword")?;
    rules::check_password("newPassword", &pw)?;
    rules::opt_bool(&obj, "", "saveToCredential")?;
    if let Some(t) = store.tenants.get_mut(&tid) {
        t.root_password = pw;
    }
    Ok(None)
}

fn set_locked(store: &mut Store, id: &str, tid: &str, locked: bool) -> Reply {
    let (cid, tid) = ids(id, tid)?;
    let what = if locked { "lock" } else { "unlock" };
    let (_, t) = writable(store, cid, tid, what, true, &[NORMAL])?;
    if locked && t.name == "sys" {
        return Err(ApiError::bad_request("the sys tenant cannot be locked"));
    }
    // Locking a locked tenant (or unlocking an unlocked one) is accepted (our decision).
    if let Some(t) = store.tenants.get_mut(&tid) {
        t.locked = locked;
    }
    Ok(None)
}

/// `POST .../{tenantId}/lock` (sync, no data; idempotent).
pub fn lock_tenant(store: &mut Store, id: &str, tid: &str) -> Reply {
    set_locked(store, id, tid, true)
}

/// `POST .../{tenantId}/unlock` (§5 #8; sync, no data; idempotent).
pub fn unlock_tenant(store: &mut Store, id: &str, tid: &str) -> Reply {
    set_locked(store, id, tid, false)
}

// ---------------------------------------------------------------------------------------------
// Asynchronous modifications

/// Submit a modification task: `MODIFYING` while it runs (holding `reserve`), `apply` + `NORMAL`
/// on success, `NORMAL` (unchanged) on failure or rollback.
#[allow(clippy::too_many_arguments)]
fn submit_modify(
    store: &mut Store,
    c: &Cluster,
    t: &Tenant,
    name: &str,
    subtasks: &[(&str, &str)],
    zone_names: &[String],
    reserve: Vec<Reservation>,
    apply: Modification,
) -> Reply {
    let tid = t.id;
    let former = t.status.clone();
    let spec = with_subtasks(tenant_task(c, tid, &t.name, name, Some(&former)), subtasks)
        .list("zone_names", zone_list(zone_names))
        .effect(TenantEffect::Modify {
            tenant_id: tid,
            former,
            reserve,
            apply,
        });
    let task = store.submit_task(spec)?;
    Ok(Some(store.task_detail(task)?))
}

/// `POST .../{tenantId}/modifyPrimaryZone` `{primaryZone*}` (§5 #9: path inferred, async).
pub fn modify_primary_zone(store: &mut Store, id: &str, tid: &str, body: &[u8]) -> Reply {
    let (cid, tid) = ids(id, tid)?;
    let obj = body_object(body)?;
    let (c, t) = writable(
        store,
        cid,
        tid,
        "modify the primary zone of",
        true,
        &[NORMAL],
    )?;
    let pz = rules::req_str(&obj, "", "primaryZone")?;
    let replicas: Vec<(String, String)> = t
        .zones
        .iter()
        .map(|z| (z.name.clone(), z.replica_type.clone()))
        .collect();
    let pz = rules::check_primary_zone("primaryZone", &pz, &replicas)?;
    let names = rules::primary_zone_names(&pz);
    submit_modify(
        &mut *store,
        &c,
        &t,
        "Modify tenant primary zone",
        &[
            ("Modify primary zone", "ModifyTenantPrimaryZoneTask"),
            (
                "Wait primary zone effective",
                "WaitPrimaryZoneEffectiveTask",
            ),
            ("Update tenant status", "UpdateTenantStatusTask"),
        ],
        &names,
        Vec::new(),
        Modification::PrimaryZone { primary_zone: pz },
    )
}

fn body_array(body: &[u8], what: &str) -> Result<Vec<Value>, ApiError> {
    let v: Value = parse_body(body)?;
    rules::array(&v, what).cloned()
}

fn add_unit(s: &mut Store, tid: i64, pool: i64, server_id: i64, zone: &str) {
    let uid = s.next_id(IdKind::Unit);
    s.units.insert(
        uid,
        Unit {
            id: uid,
            tenant_id: tid,
            resource_pool_id: pool,
            server_id,
            zone_name: zone.to_string(),
            status: NORMAL.into(),
        },
    );
}

/// `POST .../{tenantId}/addReplica` `[{zoneName*, replicaType*, resourcePool*{unitSpecName*,
/// unitCount*}}]` (async).
pub fn add_replica(store: &mut Store, id: &str, tid: &str, body: &[u8]) -> Reply {
    let (cid, tid) = ids(id, tid)?;
    let entries = body_array(body, "replica")?;
    let (c, t) = writable(store, cid, tid, "add a replica to", true, &[NORMAL])?;
    let mut adds: Vec<(String, String, UnitSpec, u32, String)> = Vec::new();
    for (i, v) in entries.iter().enumerate() {
        let prefix = format!("[{i}]");
        let r = parse_replica(store, &c, v, &prefix, "zoneName", true)?;
        let zf = format!("{prefix}.zoneName");
        if t.zones.iter().any(|z| z.name == r.zone) {
            return Err(invalid(
                &zf,
                format!(
                    "tenant {} has a replica in zone {} (use modifyReplica)",
                    t.name, r.zone
                ),
            ));
        }
        if adds.iter().any(|a| a.0 == r.zone) {
            return Err(invalid(&zf, format!("zone {} is listed twice", r.zone)));
        }
        let (Some(rt), Some(spec), Some(n)) = (r.replica_type, r.unit_spec, r.unit_count) else {
            return Err(rules::required(&format!("{prefix}.resourcePool")));
        };
        adds.push((r.zone, rt, spec, n, prefix));
    }
    for a in &adds {
        zone_running(&c, &a.0)?;
    }
    let mut planner = Planner::new(store, cid);
    let mut plan: Vec<(String, String, String, u32, Vec<i64>)> = Vec::new();
    let mut reserve = Vec::new();
    for (zone, _, _, n, prefix) in &adds {
        planner.check_unit_count(&format!("{prefix}.resourcePool.unitCount"), zone, *n)?;
    }
    for (zone, rt, spec, n, prefix) in &adds {
        let servers = planner.place(prefix, zone, spec, *n, &[])?;
        reserve.extend(servers.iter().map(|sid| Reservation {
            server_id: *sid,
            cpu: spec.max_cpu,
            memory_gb: spec.max_memory_gb,
        }));
        plan.push((zone.clone(), rt.clone(), spec.name.clone(), *n, servers));
    }
    let names: Vec<String> = plan.iter().map(|p| p.0.clone()).collect();
    submit_modify(
        &mut *store,
        &c,
        &t,
        "Add tenant replica",
        &[
            ("Create resource pool", "CreateResourcePoolTask"),
            ("Modify tenant locality", "ModifyTenantLocalityTask"),
            ("Wait locality change", "WaitLocalityChangeTask"),
            ("Update tenant status", "UpdateTenantStatusTask"),
        ],
        &names,
        reserve,
        Modification::AddReplicas {
            plan: plan
                .into_iter()
                .map(
                    |(zone, replica_type, unit_spec, unit_count, servers)| PlannedReplica {
                        zone,
                        replica_type,
                        unit_spec,
                        unit_count,
                        servers,
                    },
                )
                .collect(),
        },
    )
}

/// `POST .../{tenantId}/deleteReplica` `[{zoneName*}]` (async).
pub fn delete_replica(store: &mut Store, id: &str, tid: &str, body: &[u8]) -> Reply {
    let (cid, tid) = ids(id, tid)?;
    let entries = body_array(body, "replica")?;
    let (c, t) = writable(store, cid, tid, "delete a replica of", true, &[NORMAL])?;
    if t.name == "sys" {
        return Err(ApiError::bad_request(
            "the sys tenant keeps a replica in every zone; its replicas cannot be deleted",
        ));
    }
    let primary = rules::primary_zone_names(&t.primary_zone);
    let mut dels: Vec<String> = Vec::new();
    for (i, v) in entries.iter().enumerate() {
        let prefix = format!("[{i}]");
        let obj = rules::object(v, &prefix)?;
        let zone = rules::req_str(obj, &prefix, "zoneName")?;
        let zf = format!("{prefix}.zoneName");
        if !t.zones.iter().any(|z| z.name == zone) {
            return Err(invalid(
                &zf,
                format!("tenant {} has no replica in zone {zone:?}", t.name),
            ));
        }
        if dels.contains(&zone) {
            return Err(invalid(&zf, format!("zone {zone} is listed twice")));
        }
        // Our decision: a zone of the primary zone cannot lose its replica; change the primary
        // zone first (OceanBase refuses such a locality change too).
        if primary.contains(&zone) {
            return Err(invalid(
                &zf,
                format!(
                    "zone {zone} is part of the primaryZone {:?} of tenant {}; modify the primary zone first",
                    t.primary_zone, t.name
                ),
            ));
        }
        dels.push(zone);
    }
    let remaining: Vec<&TenantZone> = t.zones.iter().filter(|z| !dels.contains(&z.name)).collect();
    if remaining.is_empty() {
        return Err(ApiError::bad_request(format!(
            "invalid request body: cannot delete the last replica of tenant {}",
            t.name
        )));
    }
    if !remaining.iter().any(|z| z.replica_type == "FULL") {
        return Err(ApiError::bad_request(format!(
            "invalid request body: tenant {} must keep at least one FULL replica",
            t.name
        )));
    }
    let names = dels.clone();
    submit_modify(
        &mut *store,
        &c,
        &t,
        "Delete tenant replica",
        &[
            ("Modify tenant locality", "ModifyTenantLocalityTask"),
            ("Wait locality change", "WaitLocalityChangeTask"),
            ("Drop resource pool", "DropResourcePoolTask"),
            ("Update tenant status", "UpdateTenantStatusTask"),
        ],
        &names,
        Vec::new(),
        Modification::DeleteReplicas { zones: dels },
    )
}

/// `POST .../{tenantId}/modifyReplica` `[{zoneName*, replicaType, resourcePool{unitSpecName,
/// unitCount}}]` (async). Omitted members keep their current value.
pub fn modify_replica(store: &mut Store, id: &str, tid: &str, body: &[u8]) -> Reply {
    let (cid, tid) = ids(id, tid)?;
    let entries = body_array(body, "replica")?;
    let (c, t) = writable(store, cid, tid, "modify a replica of", true, &[NORMAL])?;
    let mut inputs: Vec<(ReplicaInput, String)> = Vec::new();
    for (i, v) in entries.iter().enumerate() {
        let prefix = format!("[{i}]");
        let r = parse_replica(store, &c, v, &prefix, "zoneName", false)?;
        let zf = format!("{prefix}.zoneName");
        if !t.zones.iter().any(|z| z.name == r.zone) {
            return Err(invalid(
                &zf,
                format!(
                    "tenant {} has no replica in zone {:?} (use addReplica)",
                    t.name, r.zone
                ),
            ));
        }
        if inputs.iter().any(|(x, _)| x.zone == r.zone) {
            return Err(invalid(&zf, format!("zone {} is listed twice", r.zone)));
        }
        inputs.push((r, prefix));
    }
    // Resulting replica types: primary zones stay FULL, at least one FULL remains.
    let primary = rules::primary_zone_names(&t.primary_zone);
    for (r, prefix) in &inputs {
        if let Some(rt) = &r.replica_type {
            if rt != "FULL" && primary.contains(&r.zone) {
                return Err(invalid(
                    &format!("{prefix}.replicaType"),
                    format!(
                        "zone {} is part of the primaryZone {:?} of tenant {} and must keep a FULL replica",
                        r.zone, t.primary_zone, t.name
                    ),
                ));
            }
        }
    }
    let full_left = t.zones.iter().any(|z| {
        let new_type = inputs
            .iter()
            .find(|(r, _)| r.zone == z.name)
            .and_then(|(r, _)| r.replica_type.clone())
            .unwrap_or_else(|| z.replica_type.clone());
        new_type == "FULL"
    });
    if !full_left {
        return Err(ApiError::bad_request(format!(
            "invalid request body: tenant {} must keep at least one FULL replica",
            t.name
        )));
    }
    // Capacity for growth: bigger specs on the kept units, then the added units.
    let mut planner = Planner::new(store, cid);
    let mut reserve = Vec::new();
    let mut changes = Vec::new();
    for (r, prefix) in &inputs {
        let Some(cur) = t.zones.iter().find(|z| z.name == r.zone) else {
            continue;
        };
        let Some(old_spec) = store.unit_spec_by_name(&cur.unit_spec_name).cloned() else {
            continue;
        };
        let new_spec = r.unit_spec.clone().unwrap_or_else(|| old_spec.clone());
        let new_count = r.unit_count.unwrap_or(cur.unit_count);
        if r.unit_count.is_some() {
            planner.check_unit_count(
                &format!("{prefix}.resourcePool.unitCount"),
                &r.zone,
                new_count,
            )?;
        }
        let units: Vec<&Unit> = store
            .units
            .values()
            .filter(|u| u.tenant_id == tid && u.zone_name == r.zone)
            .collect();
        let kept = units.len().min(new_count as usize);
        let dc = (new_spec.max_cpu - old_spec.max_cpu).max(0.0);
        let dm = (new_spec.max_memory_gb - old_spec.max_memory_gb).max(0.0);
        if dc > 0.0 || dm > 0.0 {
            for u in units.iter().take(kept) {
                if !planner.take(u.server_id, dc, dm) {
                    return Err(not_enough(format!(
                        "not enough resources for {prefix}.resourcePool: growing the units in zone {} from {} to {} needs {dc} more CPU cores and {dm} GB more memory on server {}",
                        r.zone,
                        old_spec.name,
                        new_spec.name,
                        planner.ip(u.server_id)
                    )));
                }
                reserve.push(Reservation {
                    server_id: u.server_id,
                    cpu: dc,
                    memory_gb: dm,
                });
            }
        }
        let add = (new_count as usize).saturating_sub(units.len());
        let add_servers = if add > 0 {
            let servers = planner.place(
                &format!("{prefix}.resourcePool.unitCount"),
                &r.zone,
                &new_spec,
                u32::try_from(add).unwrap_or(u32::MAX),
                &units.iter().map(|u| u.server_id).collect::<Vec<_>>(),
            )?;
            reserve.extend(servers.iter().map(|sid| Reservation {
                server_id: *sid,
                cpu: new_spec.max_cpu,
                memory_gb: new_spec.max_memory_gb,
            }));
            servers
        } else {
            Vec::new()
        };
        changes.push(ZoneChange {
            zone: r.zone.clone(),
            replica_type: r
                .replica_type
                .clone()
                .unwrap_or_else(|| cur.replica_type.clone()),
            unit_spec: new_spec.name.clone(),
            unit_count: new_count,
            add_servers,
        });
    }
    let names: Vec<String> = changes.iter().map(|ch| ch.zone.clone()).collect();
    submit_modify(
        &mut *store,
        &c,
        &t,
        "Modify tenant replica",
        &[
            ("Modify resource pool", "ModifyResourcePoolTask"),
            ("Modify tenant locality", "ModifyTenantLocalityTask"),
            ("Wait locality change", "WaitLocalityChangeTask"),
            ("Update tenant status", "UpdateTenantStatusTask"),
        ],
        &names,
        reserve,
        Modification::ModifyReplicas {
            cluster_id: cid,
            changes,
        },
    )
}

fn apply_zone_changes(s: &mut Store, cid: i64, tid: i64, changes: &[ZoneChange]) {
    for ch in changes {
        let pool = {
            let Some(t) = s.tenants.get_mut(&tid) else {
                return;
            };
            let Some(z) = t.zones.iter_mut().find(|z| z.name == ch.zone) else {
                continue;
            };
            z.replica_type = ch.replica_type.clone();
            z.unit_spec_name = ch.unit_spec.clone();
            z.unit_count = ch.unit_count;
            z.resource_pool_id
        };
        let mut unit_ids: Vec<i64> = s
            .units
            .values()
            .filter(|u| u.tenant_id == tid && u.zone_name == ch.zone)
            .map(|u| u.id)
            .collect();
        let want = ch.unit_count as usize;
        while unit_ids.len() > want {
            if let Some(id) = unit_ids.pop() {
                s.units.remove(&id);
            }
        }
        let fallback = s.servers_in_zone(cid, &ch.zone).next().map(|x| x.id);
        let mut planned = ch.add_servers.iter().copied();
        for _ in unit_ids.len()..want {
            let Some(sid) = planned.next().or(fallback) else {
                break;
            };
            add_unit(s, tid, pool, sid, &ch.zone);
        }
    }
}
