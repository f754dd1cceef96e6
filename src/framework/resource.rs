//! The Resource and DataSource traits, with their request/response structs.
//!
//! A resource file implements these and never touches protocol or codec code. Values are
//! whole objects of the resource's schema (`crate::value::Value::Object`). Requests carry what
//! Terraform sent; responses are pre-filled with safe defaults, so a method only sets what it
//! changes. The framework (`framework::core`) enforces Terraform's consistency rules around
//! these calls.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::diag::Diagnostics;
use super::schema::Schema;
use crate::value::Value;

/// What the provider block configures, handed to every CRUD call (the framework's
/// counterpart of terraform-plugin-framework's `ResourceData`): the framework only stores
/// it; the layer above downcasts it to what it configured (`lifecycle` adds `Ctx::client`).
pub trait ProviderData: Any + Send + Sync {
    /// The data refreshes use: the same, or a variant tuned for many reads at once.
    fn for_refresh(&self) -> Arc<dyn ProviderData>;
    /// Itself, for downcasting.
    fn as_any(&self) -> &dyn Any;
}

/// What every CRUD call gets besides its request: the configured provider data and the
/// cancellation token that fires when Terraform sends Stop (Ctrl-C).
#[derive(Clone)]
pub struct Ctx {
    data: Option<Arc<dyn ProviderData>>,
    /// Provider settings unknown at Configure, which is why `data` is None.
    unknown_settings: Vec<String>,
    /// Fires on the Stop RPC; long waits must select on it.
    pub cancel: CancellationToken,
}

impl Ctx {
    /// A context with optional provider data (None before Configure).
    pub fn new(data: Option<Arc<dyn ProviderData>>, cancel: CancellationToken) -> Ctx {
        Ctx {
            data,
            unknown_settings: Vec::new(),
            cancel,
        }
    }

    /// Notes the provider settings that were unknown at Configure.
    pub fn with_unknown_settings(mut self, unknown: Vec<String>) -> Ctx {
        self.unknown_settings = unknown;
        self
    }

    /// Provider settings that were unknown at Configure (empty when all were known).
    pub fn unknown_settings(&self) -> &[String] {
        &self.unknown_settings
    }

    /// The provider data as a `T`, or an error diagnostic when there is none: because
    /// provider settings are not yet known (naming those settings and what to do), or else
    /// because the provider was never configured (which Terraform never allows: a bug).
    pub fn data<T: 'static>(&self, diags: &mut Diagnostics) -> Option<&T> {
        let data = self.data_opt::<T>();
        if data.is_none() && !self.unknown_settings.is_empty() {
            diags.error(
                "Provider Settings Not Yet Known",
                format!(
                    "This needs OCP, but the provider \"ocp\" settings {} depend on values known only after apply (such as another resource's attribute), so OCP cannot be reached yet. Apply the resources those settings come from first with `terraform apply -target=<address>`, then run this again; or set the settings from values known at plan time (variables, or the OCP_ENDPOINT, OCP_USERNAME and OCP_PASSWORD environment variables).",
                    self.unknown_settings.join(", ")
                ),
            );
        } else if data.is_none() {
            diags.bug(
                "Provider Not Configured",
                "An operation needed OCP before the provider block was configured.",
            );
        }
        data
    }

    /// The provider data as a `T` when the provider is configured.
    pub fn data_opt<T: 'static>(&self) -> Option<&T> {
        self.data.as_ref()?.as_any().downcast_ref::<T>()
    }

    /// Whether the provider is configured.
    pub fn is_configured(&self) -> bool {
        self.data.is_some()
    }
}

/// Input of `Resource::modify_plan`.
pub struct PlanRequest<'a> {
    /// State before the change; `Value::Null` on create.
    pub prior: &'a Value,
    /// The configuration (may hold unknowns).
    pub config: &'a Value,
    /// Private bytes stored with the prior state.
    pub prior_private: &'a [u8],
}

/// Output of planning; the framework fills it before `modify_plan` runs.
pub struct PlanResponse {
    /// The planned new state (defaults applied, computed values unknown where they may change).
    pub planned: Value,
    /// Attributes whose change forces replacement (from the schema, plus what the resource adds).
    pub requires_replace: Vec<super::diag::AttrPath>,
    /// Private bytes handed to apply.
    pub private: Vec<u8>,
    /// Messages for the user.
    pub diags: Diagnostics,
}

/// Input of `Resource::create` and `Resource::update`.
pub struct ApplyRequest {
    /// State before the change (null for a create).
    pub prior: Value,
    /// The planned state, wholly known except computed attributes.
    pub plan: Value,
    /// The configuration.
    pub config: Value,
    /// Private bytes from the plan.
    pub private: Vec<u8>,
    /// Time allowed (the `timeouts.create` or `timeouts.update` value, or the schema's
    /// default).
    pub timeout: Duration,
}

/// Output of `Resource::create` and `Resource::update`.
pub struct ApplyResponse {
    /// The new state; starts as the prior state. A create must set it (with the OCP id) as
    /// soon as OCP accepts the create, before waiting on anything, so a later error still
    /// leaves the object in state (R1); on a partial update failure, set it to what now exists.
    pub state: Value,
    /// Private bytes to store with the state (e.g. the OCP task id); starts as the planned ones.
    pub private: Vec<u8>,
    /// Messages for the user.
    pub diags: Diagnostics,
}

/// Input of `Resource::read` and `Resource::delete`.
pub struct StateRequest {
    /// The state Terraform holds (to refresh or to destroy).
    pub state: Value,
    /// Private bytes stored with it.
    pub private: Vec<u8>,
    /// Time allowed (the `timeouts.read` or `timeouts.delete` value, or the schema's default).
    pub timeout: Duration,
}

/// Output of `Resource::read` and `Resource::import`.
#[derive(Default)]
pub struct StateResponse {
    /// The state. For a read it starts as the current state and `None` means the object is
    /// gone; for an import, a partial state (at least the attributes `read` needs).
    pub state: Option<Value>,
    /// Private bytes to store; a read starts with the stored ones.
    pub private: Vec<u8>,
    /// Messages for the user.
    pub diags: Diagnostics,
}

impl StateResponse {
    /// Reports the object as gone (after a confirmed not-found): Terraform removes it from state.
    pub fn remove(&mut self) {
        self.state = None;
    }
}

/// Output of `Resource::delete`.
#[derive(Default)]
pub struct DeleteResponse {
    /// Messages for the user; with an error the object stays in state.
    pub diags: Diagnostics,
}

/// A managed resource type (`ocp_tenant`, …).
#[tonic::async_trait]
pub trait Resource: Send + Sync {
    /// Full type name, e.g. `ocp_tenant`.
    fn type_name(&self) -> &'static str;

    /// The schema. Called once per process; the framework caches it.
    fn schema(&self) -> Schema;

    /// Checks beyond per-attribute validators (combinations of attributes). The config may hold
    /// unknowns: skip checks that need them.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Adjusts a plan after the framework's generic rules (defaults, unknown computed values,
    /// schema replacements). Not called when the object is being destroyed.
    fn modify_plan(&self, _req: &PlanRequest<'_>, _resp: &mut PlanResponse) {}

    /// Checks of a plan that need the provider's data (the configured client): run after
    /// `modify_plan` when planning succeeded, with `resp` as planned. Adds diagnostics only;
    /// it never changes the plan. Not called when the object is being destroyed.
    async fn check_plan(&self, _ctx: &Ctx, _req: &PlanRequest<'_>, _resp: &mut PlanResponse) {}

    /// Creates the object in OCP. See `ApplyResponse::state` for the rule on recording ids.
    async fn create(&self, ctx: &Ctx, req: ApplyRequest, resp: &mut ApplyResponse);

    /// Reads the object from OCP. Called on refresh and after import.
    async fn read(&self, ctx: &Ctx, req: StateRequest, resp: &mut StateResponse);

    /// Changes the object in place to match the plan.
    async fn update(&self, ctx: &Ctx, req: ApplyRequest, resp: &mut ApplyResponse);

    /// Deletes the object; an object already gone counts as deleted.
    async fn delete(&self, ctx: &Ctx, req: StateRequest, resp: &mut DeleteResponse);

    /// Turns a `terraform import` id into a partial state. The default refuses import.
    async fn import(&self, _ctx: &Ctx, _id: &str, resp: &mut StateResponse) {
        resp.diags.error(
            "Import Not Supported",
            format!("{} cannot be imported.", self.type_name()),
        );
    }

    /// Rewrites state stored under an older schema version into the shape of the current
    /// version (JSON as Terraform stored it). The default refuses every older version.
    fn upgrade_state(
        &self,
        from_version: i64,
        _state: serde_json::Value,
        diags: &mut Diagnostics,
    ) -> Option<serde_json::Value> {
        diags.bug(
            "Unable to Upgrade Resource State",
            format!(
                "{} has no upgrade from schema version {from_version}.",
                self.type_name()
            ),
        );
        None
    }
}

/// Input of `DataSource::read`.
pub struct DataReadRequest {
    /// The configuration, wholly known.
    pub config: Value,
}

/// Output of `DataSource::read`.
pub struct DataReadResponse {
    /// The result; starts as the configuration. Computed attributes must all be set.
    pub state: Value,
    /// Messages for the user.
    pub diags: Diagnostics,
}

/// A data source (`ocp_cluster`, …).
#[tonic::async_trait]
pub trait DataSource: Send + Sync {
    /// Full type name, e.g. `ocp_cluster`.
    fn type_name(&self) -> &'static str;

    /// The schema. Called once per process; the framework caches it.
    fn schema(&self) -> Schema;

    /// Checks beyond per-attribute validators. The config may hold unknowns.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Reads from OCP.
    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse);
}
