//! OBProxy clusters (`docs/ocp-api-obproxy.md`); the rules are in [`crate::domain::obproxy`].

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};

use super::answer;
use crate::domain::obproxy;
use crate::envelope::ApiResult;
use crate::shared::SharedState;

pub(crate) async fn list_clusters(
    State(st): State<SharedState>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    answer(obproxy::list_clusters(&st.lock(), raw.as_deref()))
}

pub(crate) async fn create_cluster(State(st): State<SharedState>, body: Bytes) -> ApiResult {
    answer(obproxy::create_cluster(&mut st.lock(), &body))
}

pub(crate) async fn get_cluster(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    answer(obproxy::get_cluster(&st.lock(), &id))
}

pub(crate) async fn delete_cluster(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    answer(obproxy::delete_cluster(&mut st.lock(), &id))
}

pub(crate) async fn add_proxies(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    answer(obproxy::add_proxies(&mut st.lock(), &id, &body))
}

pub(crate) async fn delete_proxies(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    answer(obproxy::delete_proxies(&mut st.lock(), &id, &body))
}

pub(crate) async fn add_links(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    answer(obproxy::add_links(&mut st.lock(), &id, &body))
}

pub(crate) async fn delete_link(
    State(st): State<SharedState>,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult {
    answer(obproxy::delete_link(&mut st.lock(), &id, &name))
}

pub(crate) async fn list_parameters(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    answer(obproxy::list_parameters(&st.lock(), &id, raw.as_deref()))
}

pub(crate) async fn update_parameters(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    answer(obproxy::update_parameters(&mut st.lock(), &id, &body))
}

pub(crate) async fn parameter_info(RawQuery(raw): RawQuery) -> ApiResult {
    answer(obproxy::parameter_info(raw.as_deref()))
}
