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
//! | `POST /api/v2/ob/clusters/{id}/changePassword` | sync, no data ([`crate::domain::clusters`]) |
//! | `POST /api/v2/ob/clusters/{id}/upgrade` | async ([`crate::domain::clusters`]) |
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

use super::answer;
use crate::domain::{clusters, power, topology};
use crate::state::effects::Action;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use serde_json::Value;

use crate::envelope::{parse_id, Api, ApiResult};
use crate::paging::{contains_ci, in_list, page_of, str_of, Query};
use crate::render;
use crate::shared::SharedState;

pub(crate) async fn list_clusters(
    State(st): State<SharedState>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
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

pub(crate) async fn get_cluster(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    let id = parse_id(&id, "cluster")?;
    let store = st.lock();
    let c = store.cluster(id)?;
    Ok(Api::data(render::cluster(&store, c)))
}

pub(crate) async fn list_zones(
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

pub(crate) async fn list_zone_servers(
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

pub(crate) async fn list_servers(
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

pub(crate) async fn start_cluster(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    answer(power::cluster_action(&mut st.lock(), &id, Action::Start))
}

pub(crate) async fn stop_cluster(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    answer(power::cluster_action(&mut st.lock(), &id, Action::Stop))
}

pub(crate) async fn restart_cluster(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    answer(power::cluster_action(&mut st.lock(), &id, Action::Restart))
}

pub(crate) async fn start_zone(
    State(st): State<SharedState>,
    Path((id, zone)): Path<(String, String)>,
) -> ApiResult {
    answer(power::zone_action(
        &mut st.lock(),
        &id,
        &zone,
        Action::Start,
    ))
}

pub(crate) async fn stop_zone(
    State(st): State<SharedState>,
    Path((id, zone)): Path<(String, String)>,
) -> ApiResult {
    answer(power::zone_action(&mut st.lock(), &id, &zone, Action::Stop))
}

pub(crate) async fn restart_zone(
    State(st): State<SharedState>,
    Path((id, zone)): Path<(String, String)>,
) -> ApiResult {
    answer(power::zone_action(
        &mut st.lock(),
        &id,
        &zone,
        Action::Restart,
    ))
}

pub(crate) async fn create_cluster(State(st): State<SharedState>, body: Bytes) -> ApiResult {
    answer(topology::create_cluster(&mut st.lock(), &body))
}

pub(crate) async fn delete_cluster(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    answer(topology::delete_cluster(&mut st.lock(), &id))
}

pub(crate) async fn add_zone(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    answer(topology::add_zone(&mut st.lock(), &id, &body))
}

pub(crate) async fn delete_zone(
    State(st): State<SharedState>,
    Path((id, zone)): Path<(String, String)>,
) -> ApiResult {
    answer(topology::delete_zone(&mut st.lock(), &id, &zone))
}

pub(crate) async fn add_servers(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    answer(topology::add_servers(&mut st.lock(), &id, &body))
}

pub(crate) async fn batch_delete_servers(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    answer(topology::batch_delete_servers(&mut st.lock(), &id, &body))
}

pub(crate) async fn change_password(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    answer(clusters::change_password(&mut st.lock(), &id, &body))
}

pub(crate) async fn upgrade(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    answer(clusters::upgrade(&mut st.lock(), &id, &body))
}
