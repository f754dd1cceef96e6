//! Tenants (read side, §3.4) and the unit spec catalogue (§5 #11). The tenant writes
//! (create, delete, modify*, lock/unlock, changePassword, replicas) are implemented in
//! [`crate::domain::tenants`] and routed here.
//!
//! | Method + path | Notes |
//! |---|---|
//! | `GET /api/v2/ob/tenants` | paged; S2 query: `name` (case-insensitive keyword), `mode` (list), `locked`, `clusterName`, `readonly`, `status` (list), `tagId` (list; no tenant has tags, so any value gives an empty page), `withRemote` (ignored) |
//! | `GET /api/v2/ob/clusters/{id}/tenants` | paged; `name`, `mode`, `status` |
//! | `GET /api/v2/ob/clusters/{id}/tenants/{tenantId}` | tenant object + §5 #10 detail fields |
//! | `GET /api/v2/ob/clusters/{id}/tenants/{tenantId}/units` | paged; `zoneName` filter. Also served under the singular `/api/v2/ob/cluster/{id}/...` spelling one D page uses |
//! | `GET /api/v2/ob/unitSpecs` | paged unit spec catalogue. **Path is our decision** (§5 #11: "not in scope of docs found; simulator ships a fixed catalogue") |

use super::answer;
use crate::domain::tenants;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use serde_json::Value;

use crate::envelope::{parse_id, Api, ApiResult};
use crate::paging::{contains_ci, in_list, page_of, str_of, Query};
use crate::render;
use crate::shared::SharedState;

fn bool_match(v: &Value, field: &str, want: Option<bool>) -> bool {
    want.is_none_or(|w| v.get(field).and_then(Value::as_bool) == Some(w))
}

pub(crate) async fn list_all_tenants(
    State(st): State<SharedState>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let name = q.get("name").map(String::from);
    let mode = q.list("mode");
    let status = q.list("status");
    let cluster_name = q.get("clusterName").map(String::from);
    let locked = q.bool("locked")?;
    let readonly = q.bool("readonly")?;
    let tags = q.list("tagId");
    let store = st.lock();
    let items: Vec<Value> = store
        .tenants
        .values()
        .map(|t| render::tenant(&store, t, false))
        .filter(|v| {
            name.as_deref()
                .is_none_or(|n| contains_ci(str_of(v, "name"), n))
        })
        .filter(|v| mode.as_ref().is_none_or(|l| in_list(str_of(v, "mode"), l)))
        .filter(|v| {
            status
                .as_ref()
                .is_none_or(|l| in_list(str_of(v, "status"), l))
        })
        .filter(|v| {
            cluster_name
                .as_deref()
                .is_none_or(|c| str_of(v, "clusterName") == Some(c))
        })
        .filter(|v| bool_match(v, "locked", locked) && bool_match(v, "readonly", readonly))
        .filter(|_| tags.is_none())
        .collect();
    Ok(Api::data(page_of(items, &q)?))
}

pub(crate) async fn list_cluster_tenants(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let id = parse_id(&id, "cluster")?;
    let name = q.get("name").map(String::from);
    let mode = q.list("mode");
    let status = q.list("status");
    let store = st.lock();
    store.cluster(id)?;
    let items: Vec<Value> = store
        .tenants
        .values()
        .filter(|t| t.cluster_id == id)
        .map(|t| render::tenant(&store, t, false))
        .filter(|v| {
            name.as_deref()
                .is_none_or(|n| contains_ci(str_of(v, "name"), n))
        })
        .filter(|v| mode.as_ref().is_none_or(|l| in_list(str_of(v, "mode"), l)))
        .filter(|v| {
            status
                .as_ref()
                .is_none_or(|l| in_list(str_of(v, "status"), l))
        })
        .collect();
    Ok(Api::data(page_of(items, &q)?))
}

pub(crate) async fn get_tenant(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
) -> ApiResult {
    let id = parse_id(&id, "cluster")?;
    let tid = parse_id(&tid, "tenant")?;
    let store = st.lock();
    let t = store.tenant_in(id, tid)?;
    Ok(Api::data(render::tenant(&store, t, true)))
}

pub(crate) async fn list_units(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let id = parse_id(&id, "cluster")?;
    let tid = parse_id(&tid, "tenant")?;
    let zone = q.get("zoneName").map(String::from);
    let store = st.lock();
    store.tenant_in(id, tid)?;
    let items = store
        .units
        .values()
        .filter(|u| u.tenant_id == tid)
        .filter(|u| zone.as_deref().is_none_or(|z| u.zone_name == z))
        .map(|u| render::unit(&store, u))
        .collect();
    Ok(Api::data(page_of(items, &q)?))
}

pub(crate) async fn list_unit_specs(
    State(st): State<SharedState>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let store = st.lock();
    let items = store.unit_specs.values().map(render::unit_spec).collect();
    Ok(Api::data(page_of(items, &q)?))
}

pub(crate) async fn create_tenant(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    answer(tenants::create_tenant(&mut st.lock(), &id, &body))
}

pub(crate) async fn delete_tenant(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
) -> ApiResult {
    answer(tenants::delete_tenant(&mut st.lock(), &id, &tid))
}

pub(crate) async fn modify_whitelist(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    answer(tenants::modify_whitelist(&mut st.lock(), &id, &tid, &body))
}

pub(crate) async fn change_password(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    answer(tenants::change_password(&mut st.lock(), &id, &tid, &body))
}

pub(crate) async fn lock_tenant(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
) -> ApiResult {
    answer(tenants::lock_tenant(&mut st.lock(), &id, &tid))
}

pub(crate) async fn unlock_tenant(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
) -> ApiResult {
    answer(tenants::unlock_tenant(&mut st.lock(), &id, &tid))
}

pub(crate) async fn modify_primary_zone(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    answer(tenants::modify_primary_zone(
        &mut st.lock(),
        &id,
        &tid,
        &body,
    ))
}

pub(crate) async fn add_replica(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    answer(tenants::add_replica(&mut st.lock(), &id, &tid, &body))
}

pub(crate) async fn delete_replica(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    answer(tenants::delete_replica(&mut st.lock(), &id, &tid, &body))
}

pub(crate) async fn modify_replica(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    answer(tenants::modify_replica(&mut st.lock(), &id, &tid, &body))
}
