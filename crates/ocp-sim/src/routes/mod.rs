//! `/api/v2` route families and the `/_sim` admin API.
//!
//! Each family lives in its own file and exposes `routes() -> Router<SharedState>`; new families
//! (tenant writes, databases, users/roles, host writes, backup) are added the same way and
//! merged in [`api`]. Async writes use the task engine ([`crate::tasks::TaskSpec`]).

use axum::Router;

use crate::domain::Reply;
use crate::envelope::{Api, ApiResult};
use crate::shared::SharedState;

pub mod admin;
pub mod backup;
pub mod clusters;
pub mod compute;
pub mod db_objects;
pub mod system;
pub mod tasks;
pub mod tenants;

/// All `/api/v2` routes.
pub fn api() -> Router<SharedState> {
    Router::new()
        .merge(system::routes())
        .merge(clusters::routes())
        .merge(tenants::routes())
        .merge(db_objects::routes())
        .merge(compute::routes())
        .merge(tasks::routes())
        .merge(backup::routes())
}

/// Render what a domain rule answered: its `data` in the success envelope, or its error.
pub(crate) fn answer(reply: Reply) -> ApiResult {
    reply.map(|data| Api { data })
}
