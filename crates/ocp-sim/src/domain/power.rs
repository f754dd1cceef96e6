//! Cluster and zone start/stop/restart (§3.2): the checks, the tasks and their [`PowerEffect`].

use serde_json::{json, Value};

use crate::envelope::parse_id;
use crate::error::ApiError;
use crate::state::effects::{Action, PowerEffect, Statuses};
use crate::state::task::TaskSpec;
use crate::state::{HookKind, Store};

use super::Reply;

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

impl Statuses {
    /// Statuses of the whole cluster, or only of one zone and its servers.
    fn of_power_target(store: &Store, cluster_id: i64, zone: Option<&str>) -> Option<Self> {
        let c = store.clusters.get(&cluster_id)?;
        Some(Statuses {
            cluster_id,
            cluster: zone.is_none().then(|| c.status.clone()),
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
    let now = store.now();
    if let Some(c) = store.clusters.get_mut(&cluster_id) {
        if let Some(cs) = cluster_status {
            c.status = cs.to_string();
        }
        c.update_time = now;
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

/// Start, stop or restart a whole cluster (`POST .../clusters/{id}/start|stop|restart`).
pub fn cluster_action(store: &mut Store, id: &str, action: Action) -> Reply {
    let id = parse_id(id, "cluster")?;
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
    let snap = Statuses::of_power_target(store, id, None)
        .ok_or_else(|| ApiError::internal("cluster vanished"))?;
    let mut spec = base_spec(store, name, id, None)?.effect(PowerEffect {
        cluster_id: id,
        zone: None,
        action,
        snapshot: snap,
    });
    for (n, class) in cluster_subtasks(action) {
        spec = spec.subtask(n, &class);
    }
    let tid = store.submit_task(spec)?;
    Ok(Some(store.task_detail(tid)?))
}

/// Start, stop or restart one zone (`POST .../zones/{zone}/start|stop|restart`).
pub fn zone_action(store: &mut Store, id: &str, zone: &str, action: Action) -> Reply {
    let id = parse_id(id, "cluster")?;
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
    let snap = Statuses::of_power_target(store, id, Some(zone))
        .ok_or_else(|| ApiError::internal("cluster vanished"))?;
    let mut spec = base_spec(store, name, id, Some(zone))?.effect(PowerEffect {
        cluster_id: id,
        zone: Some(zone.to_string()),
        action,
        snapshot: snap,
    });
    for (n, class) in zone_subtasks(action) {
        spec = spec.subtask(n, &class);
    }
    let tid = store.submit_task(spec)?;
    Ok(Some(store.task_detail(tid)?))
}
