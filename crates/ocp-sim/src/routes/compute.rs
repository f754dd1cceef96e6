//! Regions, IDCs, host types and hosts (read side, §3.7).
//!
//! | Method + path | Notes |
//! |---|---|
//! | `GET /api/v2/compute/regions`, `GET .../regions/{id}` | `{id, name, description, createTime, updateTime}` |
//! | `GET /api/v2/compute/idcs`, `GET .../idcs/{id}` | `{id, name, description, regionId, regionName, createTime, updateTime}` |
//! | `GET /api/v2/compute/hostTypes`, `GET .../hostTypes/{id}` | `{id, name, description, createTime, updateTime}` |
//! | `GET /api/v2/compute/hosts`, `GET .../hosts/{hostId}` | host object; a free host has `clusterId: null`, `used: false` |
//!
//! Lists are paged (§1.4). The reference documents no filters; the host list takes `status`,
//! `keyword`, `includedServiceType`, `excludedServiceType` (OCP "Query hosts" page) and `idcId`,
//! `typeId`, `used` (sim), see [`crate::domain::infra::HostFilter`]. The writes are in
//! [`super::compute_writes`].

use super::answer;
use crate::domain::compute;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};

use crate::envelope::{parse_id, Api, ApiError, ApiResult};
use crate::paging::{page_of, Query};
use crate::render;
use crate::shared::SharedState;

pub(crate) async fn list_regions(
    State(st): State<SharedState>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let store = st.lock();
    let items = store.regions.values().map(render::region).collect();
    Ok(Api::data(page_of(items, &q)?))
}

pub(crate) async fn get_region(State(st): State<SharedState>, Path(id): Path<String>) -> ApiResult {
    let id = parse_id(&id, "region")?;
    let store = st.lock();
    let r = store
        .regions
        .get(&id)
        .ok_or_else(|| ApiError::not_found("REGION", format!("region not found: id={id}")))?;
    Ok(Api::data(render::region(r)))
}

pub(crate) async fn list_idcs(State(st): State<SharedState>, RawQuery(raw): RawQuery) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let store = st.lock();
    let items = store
        .idcs
        .values()
        .map(|i| render::idc(&store, i))
        .collect();
    Ok(Api::data(page_of(items, &q)?))
}

pub(crate) async fn get_idc(State(st): State<SharedState>, Path(id): Path<String>) -> ApiResult {
    let id = parse_id(&id, "IDC")?;
    let store = st.lock();
    let i = store
        .idcs
        .get(&id)
        .ok_or_else(|| ApiError::not_found("IDC", format!("IDC not found: id={id}")))?;
    Ok(Api::data(render::idc(&store, i)))
}

pub(crate) async fn list_host_types(
    State(st): State<SharedState>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let store = st.lock();
    let items = store.host_types.values().map(render::host_type).collect();
    Ok(Api::data(page_of(items, &q)?))
}

pub(crate) async fn get_host_type(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    let id = parse_id(&id, "host type")?;
    let store = st.lock();
    let t = store
        .host_types
        .get(&id)
        .ok_or_else(|| ApiError::not_found("HOST_TYPE", format!("host type not found: id={id}")))?;
    Ok(Api::data(render::host_type(t)))
}

pub(crate) async fn list_hosts(
    State(st): State<SharedState>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let q = Query::parse(raw.as_deref());
    let filter = crate::domain::infra::HostFilter::parse(&q)?;
    let store = st.lock();
    let items = store
        .hosts
        .values()
        .filter(|h| filter.matches(&store, h))
        .map(|h| render::host(&store, h))
        .collect();
    Ok(Api::data(page_of(items, &q)?))
}

pub(crate) async fn get_host(State(st): State<SharedState>, Path(id): Path<String>) -> ApiResult {
    let id = parse_id(&id, "host")?;
    let store = st.lock();
    let h = store
        .hosts
        .get(&id)
        .ok_or_else(|| ApiError::not_found("HOST", format!("host not found: id={id}")))?;
    Ok(Api::data(render::host(&store, h)))
}

pub(crate) async fn create_region(State(st): State<SharedState>, body: Bytes) -> ApiResult {
    answer(compute::create_region(&mut st.lock(), &body))
}

pub(crate) async fn delete_region(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    answer(compute::delete_region(&mut st.lock(), &id))
}

pub(crate) async fn create_idc(State(st): State<SharedState>, body: Bytes) -> ApiResult {
    answer(compute::create_idc(&mut st.lock(), &body))
}

pub(crate) async fn delete_idc(State(st): State<SharedState>, Path(id): Path<String>) -> ApiResult {
    answer(compute::delete_idc(&mut st.lock(), &id))
}

pub(crate) async fn create_host_type(State(st): State<SharedState>, body: Bytes) -> ApiResult {
    answer(compute::create_host_type(&mut st.lock(), &body))
}

pub(crate) async fn delete_host_type(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    answer(compute::delete_host_type(&mut st.lock(), &id))
}

pub(crate) async fn create_credential(State(st): State<SharedState>, body: Bytes) -> ApiResult {
    answer(compute::create_credential(&mut st.lock(), &body))
}

pub(crate) async fn list_credentials(
    State(st): State<SharedState>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    answer(compute::list_credentials(&mut st.lock(), raw.as_deref()))
}

pub(crate) async fn delete_credential(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    answer(compute::delete_credential(&mut st.lock(), &id))
}

pub(crate) async fn batch_create_hosts(State(st): State<SharedState>, body: Bytes) -> ApiResult {
    answer(compute::batch_create_hosts(&mut st.lock(), &body))
}

pub(crate) async fn delete_host(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    answer(compute::delete_host(&mut st.lock(), &id))
}

pub(crate) async fn list_packages(RawQuery(raw): RawQuery) -> ApiResult {
    answer(compute::list_packages(raw.as_deref()))
}
