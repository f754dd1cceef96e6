//! Handlers of the parameter calls (§3.1, §3.4); the rules are in
//! [`crate::domain::parameters`].

use axum::body::Bytes;
use axum::extract::{Path, State};

use crate::domain::parameters;
use crate::envelope::ApiResult;
use crate::shared::SharedState;

use super::answer;

pub(crate) async fn cluster_parameter_info() -> ApiResult {
    answer(parameters::cluster_parameter_info())
}

pub(crate) async fn tenant_parameter_info() -> ApiResult {
    answer(parameters::tenant_parameter_info())
}

pub(crate) async fn list_cluster_parameters(
    State(st): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult {
    answer(parameters::list_cluster_parameters(&st.lock(), &id))
}

pub(crate) async fn modify_cluster_parameters(
    State(st): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    answer(parameters::modify_cluster_parameters(
        &mut st.lock(),
        &id,
        &body,
    ))
}

pub(crate) async fn list_tenant_parameters(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
) -> ApiResult {
    answer(parameters::list_tenant_parameters(&st.lock(), &id, &tid))
}

pub(crate) async fn modify_tenant_parameters(
    State(st): State<SharedState>,
    Path((id, tid)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    answer(parameters::modify_tenant_parameters(
        &mut st.lock(),
        &id,
        &tid,
        &body,
    ))
}
