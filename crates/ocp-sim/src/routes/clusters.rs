//! Clusters, zones and OBServers (§3.1-3.3, §5 #12-13).
//!
//! | Method + path | Notes |
//! |---|---|
//! | `GET /api/v2/ob/clusters` | paged; `name` (case-insensitive keyword), `status` (list); `withRemote` ignored |
//! | `GET /api/v2/ob/clusters/{id}` | cluster object (§5 #13) |
//! | `GET /api/v2/ob/clusters/{id}/zones` | paged zones with their servers |
//! | `GET /api/v2/ob/clusters/{id}/zones/{zoneName}/servers` | paged; 404 for an unknown zone |
//! | `GET /api/v2/ob/clusters/{id}/servers` | paged; `regionName`, `idcName` filters |
//! | `POST /api/v2/ob/clusters/{id}/start` \| `stop` \| `restart` | async (TaskInstance) |
//! | `POST /api/v2/ob/clusters/{id}/zones/{zoneName}/start` \| `stop` \| `restart` | async |
//!
//! Status model (our decision, §5 #13 lists only the stable values): cluster, zone and server
//! statuses are `RUNNING` / `STOPPED`, with `STARTING` / `STOPPING` / `RESTARTING` while a task
//! runs. Cluster operations move the cluster, all zones and all servers; zone operations move
//! the zone and its servers (the cluster stays `RUNNING`). A failed or rolled back operation
//! restores the statuses seen before it (OCP keeps `former_cluster_status` in the task context
//! for this, §4.5).
//!
//! Preconditions (400 `ILLEGAL_STATE`): stop/restart need a `RUNNING` cluster; start needs a
//! `STOPPED` cluster or a stopped zone; zone stop/restart need a `RUNNING` cluster and zone, and
//! zone stop must leave a majority of zones running; zone start needs a `STOPPED` zone in a
//! `RUNNING` cluster. A running task on the cluster (or, for zone operations, on the same zone)
//! gives 400 `RESOURCE_BUSY` first (§5 #21).

use axum::extract::{Path, RawQuery, State};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::envelope::{parse_id, Api, ApiError, ApiResult};
use crate::paging::{contains_ci, in_list, page_of, str_of, Query};
use crate::render;
use crate::state::{SharedState, Store};
use crate::tasks::{HookKind, TaskSpec};
use crate::util;

/// Routes of this family.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/api/v2/ob/clusters", get(list_clusters))
        .route("/api/v2/ob/clusters/{id}", get(get_cluster))
        .route("/api/v2/ob/clusters/{id}/zones", get(list_zones))
        .route(
            "/api/v2/ob/clusters/{id}/zones/{zone}/servers",
            get(list_zone_servers),
        )
        .route("/api/v2/ob/clusters/{id}/servers", get(list_servers))
        .route("/api/v2/ob/clusters/{id}/start", post(start_cluster))
        .route("/api/v2/ob/clusters/{id}/stop", post(stop_cluster))
        .route("/api/v2/ob/clusters/{id}/restart", post(restart_cluster))
        .route(
            "/api/v2/ob/clusters/{id}/zones/{zone}/start",
            post(start_zone),
        )
        .route(
            "/api/v2/ob/clusters/{id}/zones/{zone}/stop",
            post(stop_zone),
        )
        .route(
            "/api/v2/ob/clusters/{id}/zones/{zone}/restart",
            post(restart_zone),
        )
}

async fn list_clusters(State(st): State<SharedState>, RawQuery(raw): RawQuery) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let name = q.get("name").map(String::from);
    let status = q.list("status");
    let store = st.lock();
    let items: Vec<Value> = store
        .clusters
        .values()
        .map(|c| render::cluster(&store, c))
        .filter(|v| {
            name.as_deref()
                .is_none_or(|n| contains_ci(str_of(v, "name"), n))
        })
        .filter(|v| {
            status
                .as_ref()
                .is_none_or(|l| in_list(str_of(v, "status"), l))
        })
        .collect();
    Ok(Api::data(page_of(items, &q)?))
}

async fn get_cluster(State(st): State<SharedState>, Path(id): Path<String>) -> ApiResult {
    let id = parse_id(&id, "cluster")?;
    let store = st.lock();
    let c = store.cluster(id)?;
    Ok(Api::data(render::cluster(&store, c)))
}

async fn list_zones(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let id = parse_id(&id, "cluster")?;
    let store = st.lock();
    let c = store.cluster(id)?;
    let items = c.zones.iter().map(|z| render::zone(&store, c, z)).collect();
    Ok(Api::data(page_of(items, &q)?))
}

async fn list_zone_servers(
    State(st): State<SharedState>,
    Path((id, zone)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let id = parse_id(&id, "cluster")?;
    let store = st.lock();
    store.zone(id, &zone)?;
    let items = store
        .servers_in_zone(id, &zone)
        .map(|s| render::server(&store, s))
        .collect();
    Ok(Api::data(page_of(items, &q)?))
}

async fn list_servers(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let id = parse_id(&id, "cluster")?;
    let region = q.get("regionName").map(String::from);
    let idc = q.get("idcName").map(String::from);
    let store = st.lock();
    store.cluster(id)?;
    let items = store
        .servers_of(id)
        .map(|s| render::server(&store, s))
        .filter(|v| {
            region
                .as_deref()
                .is_none_or(|r| str_of(v, "regionName").is_some_and(|x| x.eq_ignore_ascii_case(r)))
        })
        .filter(|v| {
            idc.as_deref()
                .is_none_or(|r| str_of(v, "idcName").is_some_and(|x| x.eq_ignore_ascii_case(r)))
        })
        .collect();
    Ok(Api::data(page_of(items, &q)?))
}

/// Power operations on a cluster or a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// Start.
    Start,
    /// Stop.
    Stop,
    /// Restart.
    Restart,
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Restart => "restart",
        }
    }

    fn transitional(self) -> &'static str {
        match self {
            Action::Start => "STARTING",
            Action::Stop => "STOPPING",
            Action::Restart => "RESTARTING",
        }
    }

    fn final_status(self) -> &'static str {
        match self {
            Action::Stop => "STOPPED",
            Action::Start | Action::Restart => "RUNNING",
        }
    }
}

const PKG: &str = "com.alipay.ocp.service.task.business";

fn cluster_subtasks(action: Action) -> [(&'static str, String); 4] {
    let c = |s: &str| format!("{PKG}.cluster.{s}");
    match action {
        Action::Stop => [
            ("Prepare stop observer", c("PrepareStopObserverTask")),
            ("Stop observer process", c("StopObserverTask")),
            ("Wait node", c("WaitNodeTask")),
            ("Update cluster status", c("UpdateClusterStatusTask")),
        ],
        Action::Start => [
            ("Prepare start observer", c("PrepareStartObserverTask")),
            ("Start observer process", c("StartObserverTask")),
            ("Wait observer ready", c("WaitObserverReadyTask")),
            ("Update cluster status", c("UpdateClusterStatusTask")),
        ],
        Action::Restart => [
            ("Prepare restart observer", c("PrepareRestartObserverTask")),
            ("Restart observer process", c("RestartObserverTask")),
            ("Wait observer ready", c("WaitObserverReadyTask")),
            ("Update cluster status", c("UpdateClusterStatusTask")),
        ],
    }
}

fn zone_subtasks(action: Action) -> [(&'static str, String); 3] {
    let z = |s: &str| format!("{PKG}.zone.{s}");
    match action {
        Action::Stop => [
            ("Prepare stop zone", z("PrepareStopZoneTask")),
            ("Stop zone", z("StopZoneTask")),
            ("Update zone status", z("UpdateZoneStatusTask")),
        ],
        Action::Start => [
            ("Prepare start zone", z("PrepareStartZoneTask")),
            ("Start zone", z("StartZoneTask")),
            ("Update zone status", z("UpdateZoneStatusTask")),
        ],
        Action::Restart => [
            ("Prepare restart zone", z("PrepareRestartZoneTask")),
            ("Restart zone observers", z("RestartZoneObserverTask")),
            ("Update zone status", z("UpdateZoneStatusTask")),
        ],
    }
}

/// Statuses of a cluster, its zones and servers, restored when an operation fails or is
/// rolled back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    cluster_id: i64,
    /// `None` for a zone operation: the cluster status is left alone.
    cluster_status: Option<String>,
    zones: Vec<(String, String)>,
    servers: Vec<(i64, String)>,
}

impl Snapshot {
    /// Statuses of the whole cluster, or only of one zone and its servers.
    fn take(store: &Store, cluster_id: i64, zone: Option<&str>) -> Option<Self> {
        let c = store.clusters.get(&cluster_id)?;
        Some(Snapshot {
            cluster_id,
            cluster_status: zone.is_none().then(|| c.status.clone()),
            zones: c
                .zones
                .iter()
                .filter(|z| zone.is_none_or(|n| n == z.name))
                .map(|z| (z.name.clone(), z.status.clone()))
                .collect(),
            servers: store
                .servers_of(cluster_id)
                .filter(|s| zone.is_none_or(|n| n == s.zone_name))
                .map(|s| (s.id, s.status.clone()))
                .collect(),
        })
    }

    fn restore(&self, store: &mut Store) {
        if let Some(c) = store.clusters.get_mut(&self.cluster_id) {
            if let Some(cs) = &self.cluster_status {
                c.status = cs.clone();
            }
            c.update_time = util::now_ms();
            for z in &mut c.zones {
                if let Some((_, st)) = self.zones.iter().find(|(n, _)| *n == z.name) {
                    z.status = st.clone();
                }
            }
        }
        for (id, st) in &self.servers {
            if let Some(s) = store.servers.get_mut(id) {
                s.status = st.clone();
            }
        }
    }
}

/// The side effects of power tasks (see [`crate::tasks::Effect`]): transitional statuses at
/// start, final statuses on success, the snapshot restored on failure or rollback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PowerEffect {
    /// The cluster.
    pub cluster_id: i64,
    /// The zone of a zone operation (`None`: the whole cluster).
    pub zone: Option<String>,
    /// What is done.
    pub action: Action,
    /// Statuses before the task.
    pub snapshot: Snapshot,
}

impl From<PowerEffect> for crate::tasks::Effect {
    fn from(e: PowerEffect) -> Self {
        crate::tasks::Effect::Power(e)
    }
}

impl PowerEffect {
    /// Apply the effect at the moment `kind`.
    pub fn run(&self, kind: HookKind, s: &mut Store) {
        let zone = self.zone.as_deref();
        let status = match kind {
            HookKind::Start => self.action.transitional(),
            HookKind::Success => self.action.final_status(),
            HookKind::Failure | HookKind::Rollback => {
                self.snapshot.restore(s);
                return;
            }
        };
        let cluster_status = zone.is_none().then_some(status);
        set_status(s, self.cluster_id, zone, cluster_status, status);
    }
}

/// Set the status of a cluster (when `cluster_status` is given) and of its zones and servers
/// (all zones, or only `zone`).
fn set_status(
    store: &mut Store,
    cluster_id: i64,
    zone: Option<&str>,
    cluster_status: Option<&str>,
    member_status: &str,
) {
    if let Some(c) = store.clusters.get_mut(&cluster_id) {
        if let Some(cs) = cluster_status {
            c.status = cs.to_string();
        }
        c.update_time = util::now_ms();
        for z in &mut c.zones {
            if zone.is_none_or(|n| n == z.name) {
                z.status = member_status.to_string();
            }
        }
    }
    for s in store.servers.values_mut() {
        if s.cluster_id == cluster_id && zone.is_none_or(|n| n == s.zone_name) {
            s.status = member_status.to_string();
        }
    }
}

fn base_spec(
    store: &Store,
    name: &str,
    cluster_id: i64,
    zone: Option<&str>,
) -> Result<TaskSpec, ApiError> {
    let c = store.cluster(cluster_id)?;
    let servers: Vec<_> = store
        .servers_of(cluster_id)
        .filter(|s| zone.is_none_or(|z| z == s.zone_name))
        .collect();
    let host_ids: Vec<Value> = servers
        .iter()
        .map(|s| json!(s.host_id.to_string()))
        .collect();
    let server_ids: Vec<Value> = servers.iter().map(|s| json!(s.id.to_string())).collect();
    let lock = match zone {
        Some(z) => format!("cluster/{cluster_id}/zone/{z}"),
        None => format!("cluster/{cluster_id}"),
    };
    let mut spec = TaskSpec::new(name)
        .cluster(cluster_id)
        .lock(lock)
        .string("cluster_name", &c.name)
        .string("ob_cluster_id", c.ob_cluster_id)
        .string("service_type", "OB_CLUSTER")
        .string("service_name", format!("{}:{}", c.name, c.ob_cluster_id))
        .string("service_version", &c.ob_version)
        .string("former_cluster_status", &c.status)
        .prohibit_rollback(false)
        .list("host_ids", host_ids)
        .list("server_ids", server_ids);
    if let Some(z) = zone {
        let former = c
            .zones
            .iter()
            .find(|x| x.name == z)
            .map(|x| x.status.clone())
            .unwrap_or_default();
        spec = spec
            .string("zone_name", z)
            .string("former_zone_status", former)
            .list("zone_names", vec![json!(z)]);
    }
    Ok(spec)
}

fn cluster_action(st: &SharedState, id: &str, action: Action) -> ApiResult {
    let id = parse_id(id, "cluster")?;
    let mut store = st.lock();
    let c = store.cluster(id)?.clone();
    store.ensure_not_busy(&[format!("cluster/{id}")])?;
    let any_zone_stopped = c.zones.iter().any(|z| z.status != "RUNNING");
    let ok = match action {
        Action::Stop | Action::Restart => c.status == "RUNNING",
        Action::Start => c.status == "STOPPED" || (c.status == "RUNNING" && any_zone_stopped),
    };
    if !ok {
        return Err(ApiError::illegal_state(format!(
            "cannot {} OB cluster {} in status {}",
            action.verb(),
            c.name,
            c.status
        )));
    }
    let name = match action {
        Action::Start => "Start OB cluster",
        Action::Stop => "Stop OB cluster",
        Action::Restart => "Restart OB cluster",
    };
    let snap =
        Snapshot::take(&store, id, None).ok_or_else(|| ApiError::internal("cluster vanished"))?;
    let mut spec = base_spec(&store, name, id, None)?.effect(PowerEffect {
        cluster_id: id,
        zone: None,
        action,
        snapshot: snap,
    });
    for (n, class) in cluster_subtasks(action) {
        spec = spec.subtask(n, &class);
    }
    let tid = store.submit_task(spec)?;
    Ok(Api::data(store.task_detail(tid)?))
}

fn zone_action(st: &SharedState, id: &str, zone: &str, action: Action) -> ApiResult {
    let id = parse_id(id, "cluster")?;
    let mut store = st.lock();
    let c = store.cluster(id)?.clone();
    let z = store.zone(id, zone)?.clone();
    store.ensure_not_busy(&[format!("cluster/{id}/zone/{zone}")])?;
    if c.status != "RUNNING" {
        return Err(ApiError::illegal_state(format!(
            "cannot {} zone {zone}: OB cluster {} is {}",
            action.verb(),
            c.name,
            c.status
        )));
    }
    let ok = match action {
        Action::Stop | Action::Restart => z.status == "RUNNING",
        Action::Start => z.status == "STOPPED",
    };
    if !ok {
        return Err(ApiError::illegal_state(format!(
            "cannot {} zone {zone} in status {}",
            action.verb(),
            z.status
        )));
    }
    if action == Action::Stop {
        let running_after = c
            .zones
            .iter()
            .filter(|x| x.name != zone && x.status == "RUNNING")
            .count();
        if running_after * 2 <= c.zones.len() {
            return Err(ApiError::illegal_state(format!(
                "cannot stop zone {zone}: fewer than a majority of zones of OB cluster {} would be running",
                c.name
            )));
        }
    }
    let name = match action {
        Action::Start => "Start OB zone",
        Action::Stop => "Stop OB zone",
        Action::Restart => "Restart OB zone",
    };
    let snap = Snapshot::take(&store, id, Some(zone))
        .ok_or_else(|| ApiError::internal("cluster vanished"))?;
    let mut spec = base_spec(&store, name, id, Some(zone))?.effect(PowerEffect {
        cluster_id: id,
        zone: Some(zone.to_string()),
        action,
        snapshot: snap,
    });
    for (n, class) in zone_subtasks(action) {
        spec = spec.subtask(n, &class);
    }
    let tid = store.submit_task(spec)?;
    Ok(Api::data(store.task_detail(tid)?))
}

async fn start_cluster(State(st): State<SharedState>, Path(id): Path<String>) -> ApiResult {
    cluster_action(&st, &id, Action::Start)
}

async fn stop_cluster(State(st): State<SharedState>, Path(id): Path<String>) -> ApiResult {
    cluster_action(&st, &id, Action::Stop)
}

async fn restart_cluster(State(st): State<SharedState>, Path(id): Path<String>) -> ApiResult {
    cluster_action(&st, &id, Action::Restart)
}

async fn start_zone(
    State(st): State<SharedState>,
    Path((id, zone)): Path<(String, String)>,
) -> ApiResult {
    zone_action(&st, &id, &zone, Action::Start)
}

async fn stop_zone(
    State(st): State<SharedState>,
    Path((id, zone)): Path<(String, String)>,
) -> ApiResult {
    zone_action(&st, &id, &zone, Action::Stop)
}

async fn restart_zone(
    State(st): State<SharedState>,
    Path((id, zone)): Path<(String, String)>,
) -> ApiResult {
    zone_action(&st, &id, &zone, Action::Restart)
}
