//! The rules of the simulated OCP, apart from HTTP: what a request may do to the [`Store`], the
//! task engine ([`tasks`]) and what each task does to the resources when it starts, succeeds,
//! fails or is rolled back (the [`Effect`]s). Functions here take the store and plain values
//! and return data or an [`crate::error::ApiError`]; `crate::routes` parses requests, calls them
//! and renders the answers.
//!
//! | family | rules |
//! |---|---|
//! | [`tasks`] | the async task engine (§2): progress, locks, retry/rollback/skip/cancel |
//! | [`tenants`] | tenant writes (§3.4) and their effects |
//! | [`topology`] | cluster create/delete, zones and OBServers (§3.2, §3.3) and their effects |
//! | [`clusters`] | cluster root password and upgrade, and the upgrade's effect |
//! | [`power`] | cluster and zone start/stop/restart and their effects |
//! | [`compute`] | regions, IDCs, host types, credentials, hosts (§3.1, §3.7) |
//! | [`infra`] | shared checks and shapes of the compute and topology families |
//! | [`backup`] | backup strategies, schedules, backupNow (§3.8) |
//! | [`restore`] | restore of a tenant from its backups and the restore task lists (§3.8.1) |
//! | [`db_objects`] | databases, OB users, roles and privileges (§3.5, §3.6) |
//! | [`obproxy`] | OBProxy clusters, OBProxies, links and parameters (`docs/ocp-api-obproxy.md`) |
//! | [`parameters`] | cluster and tenant parameters and their catalogue (§3.1, §3.4) |
//! | [`rules`] | field checks shared by the families (names, passwords, whitelists, ...) |

use serde_json::Value;

use crate::error::ApiError;
use crate::state::{Effect, HookKind, Store};

pub mod backup;
pub mod clusters;
pub mod compute;
pub mod db_objects;
pub mod infra;
pub mod obproxy;
pub mod parameters;
pub mod power;
pub mod restore;
pub mod rules;
pub mod tasks;
pub mod tenants;
pub mod topology;

/// What a write answers: the `data` of the envelope (`None` for pure actions, §4.2), or an error.
pub type Reply = Result<Option<Value>, ApiError>;

impl Effect {
    /// Apply the effect of task `task_id` at the moment `kind`.
    pub fn run(&self, kind: HookKind, store: &mut Store, task_id: i64) {
        match self {
            Effect::Tenant(e) => e.run(kind, store),
            Effect::Topology(e) => e.run(kind, store),
            Effect::Power(e) => e.run(kind, store),
            Effect::Host(e) => e.run(kind, store),
            Effect::BackupNow(e) => e.run(kind, store, task_id),
            Effect::Obproxy(e) => e.run(kind, store),
            Effect::Upgrade(e) => e.run(kind, store),
        }
    }
}
