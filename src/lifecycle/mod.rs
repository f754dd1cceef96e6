//! One lifecycle for every OCP object: the [`OcpObject`] trait a resource implements with typed
//! models, and [`Managed`], the one adapter that turns it into the framework's
//! [`Resource`].
//!
//! An object says only what is particular to it: how to create it (the OCP calls and the
//! tasks they start), how to find it and turn what OCP has into its model, how to change and
//! delete it, and what an import id names. The adapter owns everything the resources share,
//! so it is written once:
//!
//! It lives apart from `framework` (which knows nothing of OCP) and from `resources` (one file
//! per OCP family, each an [`OcpObject`]).
//!
//! - the client guard (provider configured, settings known);
//! - reading the plan, prior state and config into the model, and writing the model back as
//!   a value of the schema's type over what Terraform holds (attributes the model leaves out,
//!   such as `timeouts`, keep their values);
//! - record-then-wait (design rule R1): the state with the OCP id is set before any task is
//!   waited on; tasks are waited through [`Call::wait`], which records pending tasks in the
//!   private bytes;
//! - the read-back after every write (design rule R4: what OCP has is the truth);
//! - "not found" on refresh removes the object; "not found" on delete counts as deleted;
//! - refusal of objects that existed before the create (design rule R2), worded once by
//!   [`refuse_existing`];
//! - errors: an OCP rejection becomes one diagnostic on the attribute OCP's error names
//!   ([`OcpObject::attr_of`] maps OCP's request fields to attributes);
//! - resume of OCP tasks left running by an earlier apply (see [`pending`]).
//! - the grammar of composite import ids ([`import_id`]): each object says only which
//!   parts its id has.

pub mod choose;
pub mod data;
pub mod import_id;
pub mod pending;

pub use choose::{Choice, Chooser};
pub use data::{Data, OcpData};

use std::any::Any;
use std::sync::Arc;
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde::Serialize;

use std::time::Duration;

use crate::client::{ClientError, Created, OcpClient, TaskInstance, WaitOptions};
use crate::framework::plan::strip_unknowns;
use crate::framework::{
    read_model, write_model, ApplyRequest, ApplyResponse, AttrPath, Ctx, DeleteResponse,
    Diagnostics, PlanRequest, PlanResponse, ProviderData, Resource, Schema, StateRequest,
    StateResponse,
};
use crate::value::Value;

use pending::{Op, Private};

/// How an operation of an object ended when it did not succeed.
#[derive(Debug)]
pub enum Fail {
    /// OCP refused or could not be reached. The adapter reports it once, on the attribute
    /// OCP's error names (see [`OcpObject::attr_of`]) or on `path` when the object knows
    /// better.
    Ocp {
        /// The client's error.
        err: ClientError,
        /// The attribute it concerns, when the object knows it.
        path: Option<AttrPath>,
    },
    /// Already reported in the call's diagnostics (a refusal, a failed or unfinished task).
    Reported,
}

impl From<ClientError> for Fail {
    fn from(err: ClientError) -> Fail {
        Fail::Ocp { err, path: None }
    }
}

/// A boxed failure (what plain functions return, to keep their results small) for `?`.
impl From<Box<Fail>> for Fail {
    fn from(f: Box<Fail>) -> Fail {
        *f
    }
}

impl Fail {
    /// An OCP error that concerns attribute `path`.
    pub fn at(err: ClientError, path: AttrPath) -> Fail {
        Fail::Ocp {
            err,
            path: Some(path),
        }
    }
}

/// What one operation of an object gets: the OCP client, the operation's deadline, Stop,
/// the private bytes and the diagnostics. Tasks are waited through [`Call::wait`].
pub struct Call<'a> {
    /// The shared OCP client.
    pub client: &'a OcpClient,
    /// The context (Stop's cancellation token).
    pub ctx: &'a Ctx,
    /// When the operation must end (its `timeouts` value from now).
    pub deadline: Instant,
    /// Private bytes stored with the state (task ids, and what the object keeps besides).
    pub private: &'a mut Vec<u8>,
    /// Messages for the user; an object adds warnings, or errors it then returns as
    /// [`Fail::Reported`].
    pub diags: &'a mut Diagnostics,
    /// The operation in messages, e.g. `Create Tenant`.
    pub action: String,
    op: Op,
}

impl<'a> Call<'a> {
    /// The call of one operation (`action`, e.g. `Create Tenant`) allowed `timeout` from now,
    /// writing its private bytes and messages into `out`.
    fn new(
        client: &'a OcpClient,
        ctx: &'a Ctx,
        timeout: std::time::Duration,
        out: (&'a mut Vec<u8>, &'a mut Diagnostics),
        action: &str,
        op: Op,
    ) -> Call<'a> {
        let (private, diags) = out;
        let (deadline, action) = (Instant::now() + timeout, action.to_string());
        Call {
            client,
            ctx,
            deadline,
            private,
            diags,
            action,
            op,
        }
    }

    /// Waits on the OCP tasks this operation started, in order, until the deadline (design
    /// rule R3). On success the last one is recorded as done. A task that FAILED is reported
    /// with its subtask and log; a wait that ends early (timeout, Stop, OCP unreachable)
    /// records the tasks still running as pending, so the next apply waits for them instead
    /// of submitting the work again: a warning for a create (which must not be tainted while
    /// OCP still builds it), an error for an update. Both end in [`Fail::Reported`].
    pub async fn wait(&mut self, tasks: &[i64]) -> Step {
        match wait_tasks(
            self.client,
            self.ctx,
            self.op,
            tasks,
            self.deadline,
            self.private,
            self.diags,
            &self.action,
        )
        .await
        {
            Waited::Done => Ok(()),
            Waited::Pending | Waited::Failed => Err(Fail::Reported),
        }
    }

    /// Reports an error of the operation and returns [`Fail::Reported`].
    pub fn error(&mut self, path: Option<AttrPath>, detail: impl Into<String>) -> Fail {
        let summary = format!("Unable to {}", self.action);
        self.diags.error_at(path, summary, detail);
        Fail::Reported
    }

    /// Whether tasks of this operation were left pending (the wait ended early).
    pub fn left_pending(&self) -> bool {
        pending::pending_of(self.private).is_some()
    }

    /// The OCP id of what a create made: `answered`, the id OCP's answer names, else the one
    /// `find` looks up by its natural key (§5 #26: an answer may name none). When neither has
    /// it, an error naming `what` and the `tasks` the create started: nothing is recorded.
    pub async fn made_id(
        &mut self,
        answered: Option<i64>,
        find: impl std::future::Future<Output = Result<Option<i64>, ClientError>>,
        what: &str,
        tasks: &[i64],
    ) -> Step<i64> {
        if let Some(id) = answered {
            return Ok(id);
        }
        let why = match find.await {
            Ok(Some(id)) => return Ok(id),
            Ok(None) => "was not found".to_string(),
            Err(e) => format!("could not be looked up ({})", e.summary_detail().0),
        };
        Err(self.error(None, format!("OCP accepted the create (tasks {tasks:?}) but {what} {why}. Check OCP, then import it with `terraform import`.")))
    }

    /// Deletes `what` with OCP's `delete` call and waits on its task (none: OCP had nothing
    /// to delete), then reports it when OCP still has it: `left` asks OCP, after the wait,
    /// for the status of what is left (`Some(status)`), `None` when it is gone.
    pub async fn delete_and_confirm(
        &mut self,
        delete: impl std::future::Future<Output = Result<Option<TaskInstance>, ClientError>>,
        what: &str,
        left: impl std::future::Future<Output = Option<Option<String>>>,
    ) -> Step {
        let Some(task) = delete.await? else {
            return Ok(());
        };
        wait(self.client, self.ctx, &task, self.deadline).await?;
        match left.await {
            Some(status) => Err(self.error(None, format!("OCP task {} ended but {what} still exists (status {:?}). Run terraform destroy again once OCP has finished with it.", task.id, status.unwrap_or_default()))),
            None => Ok(()),
        }
    }
}

/// A step of an apply or a read: its value, or the [`Fail`] that ends it.
pub type Step<T = ()> = Result<T, Fail>;

/// What [`OcpObject::read`] finds: the object's model, `None` when OCP no longer has it.
pub type Found<M> = Result<Option<M>, ClientError>;

/// What [`OcpObject::import`] makes of an import id.
pub type Imported<M> = Result<M, ImportError>;

/// What [`OcpObject::update`] changes: from `prior` to `plan`. `base` starts as the plan and
/// is the base of the read-back that follows; on a partial failure, set back in it what did
/// not happen and OCP cannot report (a password).
pub struct Change<'a, M> {
    /// The state before the update.
    pub prior: &'a M,
    /// The planned state.
    pub plan: &'a M,
    /// The base of the read-back.
    pub base: &'a mut M,
}

/// What a step after a create or an update ([`OcpObject::after_create`],
/// [`OcpObject::after_update`]) works on: the plan, and `state`, what is recorded (change it
/// to what OCP now has).
pub struct Written<'a, M> {
    /// The planned state.
    pub plan: &'a M,
    /// The state to record, read back after the write.
    pub state: &'a mut M,
}

/// What a create left in OCP: the model to record at once (with the OCP id), and how to
/// wait until the object is ready.
pub struct Born<M> {
    /// The state to record before waiting: the plan with the ids OCP gave.
    pub state: M,
    /// The OCP tasks to wait on, in order (none for a synchronous create).
    pub tasks: Vec<i64>,
}

impl<M> Born<M> {
    /// A create OCP finished in its answer.
    pub fn done(state: M) -> Born<M> {
        Born {
            state,
            tasks: Vec::new(),
        }
    }

    /// A create whose OCP tasks are still to wait on.
    pub fn waiting(state: M, tasks: Vec<i64>) -> Born<M> {
        Born { state, tasks }
    }
}

/// An OCP object managed by Terraform, written with one typed model. See the module docs for
/// what the adapter does around these methods.
///
/// The model is one struct for plan, state and import: field names are attribute names;
/// `Option` fields are null when unset. When it is read from a plan, values unknown until
/// apply (computed attributes) read as null; the object's create and update treat `None` as
/// "not set by the user, OCP decides". Attributes the model does not name (e.g. `timeouts`)
/// keep what Terraform holds.
#[tonic::async_trait]
pub trait OcpObject: Send + Sync + 'static {
    /// The model of the resource's state.
    type Model: Serialize + DeserializeOwned + Default + Clone + Send + Sync;

    /// The resource type, e.g. `ocp_database`.
    const TYPE_NAME: &'static str;
    /// The title-case noun for messages, e.g. `Database`.
    const NOUN: &'static str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Checks beyond per-attribute validators, on a config that may hold unknowns.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Plan adjustments beyond the framework's rules (see [`Resource::modify_plan`]).
    fn modify_plan(&self, _req: &PlanRequest<'_>, _resp: &mut PlanResponse) {}

    /// Plan checks that ask OCP (see [`Resource::check_plan`]); run only when the provider is
    /// configured. Adds diagnostics on the attributes concerned; never changes the plan.
    async fn check_plan(
        &self,
        _client: &OcpClient,
        _req: &PlanRequest<'_>,
        _resp: &mut PlanResponse,
    ) {
    }

    /// Creates the object in OCP from the plan. Returns the model to record at once and the
    /// tasks to wait on; an object that existed before is refused through
    /// [`refuse_existing`] (and [`Fail::Reported`]).
    async fn create(&self, call: &mut Call<'_>, plan: &Self::Model) -> Step<Born<Self::Model>>;

    /// After the create's tasks succeeded and the object was read back: further steps the
    /// create needs (e.g. a lock OCP's create call cannot take); see [`Written`].
    async fn after_create(&self, _call: &mut Call<'_>, _w: Written<'_, Self::Model>) -> Step {
        Ok(())
    }

    /// Finds the object `base` names and returns its model: what OCP has, with what OCP does
    /// not return (passwords, the user's spelling of equivalent values) taken from `base`.
    /// `None` when OCP no longer has it.
    async fn read(&self, client: &OcpClient, base: &Self::Model) -> Found<Self::Model>;

    /// Changes the object in place (see [`Change`]).
    ///
    /// The default sends nothing to OCP: for an object whose every OCP argument forces
    /// replacement, an update only records configuration-only values (such as `timeouts`),
    /// which the read-back keeps from the plan.
    async fn update(&self, _call: &mut Call<'_>, _c: Change<'_, Self::Model>) -> Step {
        Ok(())
    }

    /// After the update's calls succeeded and the object was read back: further steps the
    /// update needs, or what the record keeps from the plan (e.g. a computed value OCP changed
    /// meanwhile, when the update sent nothing to OCP); see [`Written`].
    async fn after_update(&self, _call: &mut Call<'_>, _w: Written<'_, Self::Model>) -> Step {
        Ok(())
    }

    /// Deletes the object and waits until OCP no longer has it. An object already gone is
    /// deleted (the adapter treats a "not found" as success).
    async fn delete(&self, call: &mut Call<'_>, state: &Self::Model) -> Step;

    /// Turns an import id into the model `read` then completes (ids only; everything else
    /// may stay default). The client is there for ids that name objects by name.
    async fn import(&self, client: Option<&OcpClient>, id: &str) -> Imported<Self::Model>;

    /// What an import keeps in the private bytes beside the state it returns (e.g. a mark that
    /// values OCP never returns were not known to it). The default keeps nothing.
    fn import_private(&self, _state: &Self::Model, _private: &mut Vec<u8>) {}

    /// OCP's request fields named otherwise than their attributes, and those attributes, for
    /// the default [`OcpObject::attr_of`] (a field named like its attribute needs no entry).
    const FIELDS: &'static [(&'static str, &'static str)] = &[];

    /// The attribute an OCP error concerns, from the request field OCP's message names
    /// ([`ClientError::field`]). The default finds it through [`OcpObject::FIELDS`] and the
    /// schema's names ([`attr_by_field_or_name`]).
    fn attr_of(&self, err: &ClientError, _plan: &Self::Model) -> Option<AttrPath> {
        attr_by_field_or_name(err, Self::FIELDS, &self.schema())
    }

    /// Checks before a delete that need no OCP call (e.g. `deletion_protection`): an error
    /// here keeps the object.
    fn check_delete(&self, _state: &Self::Model, _diags: &mut Diagnostics) {}
}

/// Why an import id could not be used.
#[derive(Debug)]
pub enum ImportError {
    /// The id is malformed or names nothing: the message says what was expected.
    Invalid(String),
    /// The id names no object in OCP.
    NotFound(String),
    /// The id could name more than one object: the message says how to say which.
    Ambiguous(String),
    /// The id names, through another object, one OCP does not have (e.g. the cluster of a
    /// tenant named `<cluster_name>/<tenant_name>`): the summary names that object's noun.
    NotFoundOf(&'static str, String),
    /// OCP could not be asked.
    Ocp(ClientError),
    /// The id needs OCP (e.g. it names an object by name) and the provider cannot reach OCP
    /// yet; reported as every operation without a client is.
    NoClient,
}

impl From<ClientError> for ImportError {
    fn from(e: ClientError) -> ImportError {
        ImportError::Ocp(e)
    }
}

/// The adapter: an [`OcpObject`] as a framework [`Resource`].
pub struct Managed<O: OcpObject>(pub O);

/// Reads the model out of a value from Terraform; unknown values (computed attributes of a
/// plan, known only after apply) read as null.
fn model_of<M: DeserializeOwned>(v: &Value, diags: &mut Diagnostics) -> Option<M> {
    let mut v = v.clone();
    strip_unknowns(&mut v);
    read_model(&v, diags)
}

/// Design rule R6 for models: `reported` (the model of what OCP answered) with every field OCP
/// left out (`None`) taken from `prior`, struct by struct and list element by list element;
/// a field OCP never guarantees is never read as "cleared". Map entries are not added: a
/// map OCP reports is what OCP has.
pub fn keep_unreported<M: Serialize + DeserializeOwned>(reported: M, prior: &M) -> M {
    use serde_json::Value as J;
    fn fill(r: &mut J, p: J) {
        match (r, p) {
            (r @ J::Null, p) => *r = p,
            (J::Object(r), J::Object(mut p)) => {
                for (k, rv) in r.iter_mut() {
                    if let Some(pv) = p.remove(k) {
                        fill(rv, pv);
                    }
                }
            }
            (J::Array(r), J::Array(p)) => r.iter_mut().zip(p).for_each(|(rv, pv)| fill(rv, pv)),
            _ => {}
        }
    }
    let (Ok(mut r), Ok(p)) = (serde_json::to_value(&reported), serde_json::to_value(prior)) else {
        return reported;
    };
    fill(&mut r, p);
    serde_json::from_value(r).unwrap_or(reported)
}

/// Writes `m` as a value of the schema's type over `base`: attributes the model does not
/// write (no such field, or a field skipped when empty) keep `base`'s values.
pub fn value_over<M: Serialize>(
    m: &M,
    schema: &Schema,
    base: &Value,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let named: Vec<String> = match serde_json::to_value(m) {
        Ok(serde_json::Value::Object(o)) => o.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let mut v = write_model(m, schema, diags)?;
    if let Value::Object(_) = base {
        let names = schema.block.attributes.iter().map(|(n, _)| n);
        for name in names.chain(schema.block.blocks.iter().map(|(n, _)| n)) {
            if !named.iter().any(|n| n == name) {
                if let Some(b) = base.get(name) {
                    v.set_attr(name, b.clone());
                }
            }
        }
    }
    Some(v)
}

impl<O: OcpObject> Managed<O> {
    fn action(verb: &str) -> String {
        format!("{verb} {}", O::NOUN)
    }

    /// The state for model `m` over `base` (a plan or a prior state). A value the plan left
    /// unknown that the model does not write is one OCP did not report: null.
    fn write(&self, m: &O::Model, base: &Value, diags: &mut Diagnostics) -> Option<Value> {
        let mut v = value_over(m, &self.0.schema(), base, diags)?;
        strip_unknowns(&mut v);
        Some(v)
    }

    /// Reports a failure of an operation: an OCP error once, on the attribute it concerns.
    fn report(&self, diags: &mut Diagnostics, action: &str, plan: &O::Model, f: Fail) {
        if let Fail::Ocp { err, path } = f {
            let path = path.or_else(|| self.0.attr_of(&err, plan));
            if action.starts_with("Delete") {
                report_delete(diags, action, &err);
            } else {
                report(diags, action, path, &err);
            }
        }
    }

    /// The read-back after a write: the object as OCP has it now, over `base`. An object
    /// missing right after it was written is an error.
    async fn read_back(
        &self,
        client: &OcpClient,
        base: &O::Model,
        diags: &mut Diagnostics,
        verb: &str,
    ) -> Option<O::Model> {
        match self.0.read(client, base).await {
            Ok(Some(m)) => Some(m),
            Ok(None) => {
                diags.error(
                    format!("Unable to {}", Self::action(verb)),
                    format!(
                        "The {} was not found in OCP right after it was written; check OCP.",
                        O::NOUN.to_lowercase()
                    ),
                );
                None
            }
            Err(e) => {
                report(diags, &format!("Read {} After {verb}", O::NOUN), None, &e);
                None
            }
        }
    }
}

#[tonic::async_trait]
impl<O: OcpObject> Resource for Managed<O> {
    fn type_name(&self) -> &'static str {
        O::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        self.0.schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        self.0.validate(config, diags)
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        self.0.modify_plan(req, resp);
        if !req.prior.is_null() {
            if let Some(p) = pending::pending_of(req.prior_private) {
                pending::plan(&self.0.schema(), &p, req.prior, req.config, resp);
            }
        }
    }

    async fn check_plan(&self, ctx: &Ctx, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        if let Some(client) = ctx.client_opt() {
            self.0.check_plan(client, req, resp).await;
        }
    }

    async fn create(&self, ctx: &Ctx, req: ApplyRequest, resp: &mut ApplyResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(plan) = model_of::<O::Model>(&req.plan, &mut resp.diags) else {
            return;
        };
        let action = Self::action("Create");
        let out = (&mut resp.private, &mut resp.diags);
        let mut call = Call::new(client, ctx, req.timeout, out, &action, Op::Create);
        let born = match self.0.create(&mut call, &plan).await {
            Ok(b) => b,
            Err(f) => return self.report(&mut resp.diags, &action, &plan, f),
        };
        // Record the object before waiting on anything (R1): any later failure leaves it in
        // state, where Terraform marks it tainted.
        let Some(recorded) = self.write(&born.state, &req.plan, call.diags) else {
            return;
        };
        resp.state = recorded.clone();
        if !born.tasks.is_empty() && call.wait(&born.tasks).await.is_err() {
            if call.left_pending() {
                // Still being built by OCP: computed values come with the next read.
                let mut s = recorded;
                strip_unknowns(&mut s);
                resp.state = s;
            }
            return;
        }
        let Some(mut state) = self
            .read_back(client, &born.state, call.diags, "Create")
            .await
        else {
            return;
        };
        let after = self
            .0
            .after_create(
                &mut call,
                Written {
                    plan: &plan,
                    state: &mut state,
                },
            )
            .await;
        if let Some(v) = self.write(&state, &req.plan, call.diags) {
            resp.state = v;
        }
        if let Err(f) = after {
            self.report(&mut resp.diags, &action, &plan, f);
        }
    }

    async fn read(&self, ctx: &Ctx, req: StateRequest, resp: &mut StateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        if pending::pending_of(&req.private).is_some() {
            resp.private = pending::refresh(client, req.private.clone()).await;
        }
        let Some(base) = model_of::<O::Model>(&req.state, &mut resp.diags) else {
            return;
        };
        match self.0.read(client, &base).await {
            Ok(Some(m)) => resp.state = self.write(&m, &req.state, &mut resp.diags),
            Ok(None) => {
                log::info!("{} is gone from OCP; removing it from state", O::TYPE_NAME);
                resp.remove();
            }
            Err(e) if e.is_not_found() => resp.remove(),
            Err(e) => report(&mut resp.diags, &Self::action("Read"), None, &e),
        }
    }

    async fn update(&self, ctx: &Ctx, req: ApplyRequest, resp: &mut ApplyResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let mut prior_value = req.prior.clone();
        if let Some(p) = pending::pending_of(&req.private) {
            // Tasks an earlier apply left running: wait for them, then start from what OCP
            // has now, so the update submits only what is still missing (see `pending`).
            let tasks = p.tasks.clone();
            let schema = self.0.schema();
            match pending::finish(ctx, &schema, &req.plan, p, req.private.clone()).await {
                Ok(private) => resp.private = private,
                Err((private, d)) => {
                    resp.private = private;
                    return resp.diags.extend(d);
                }
            }
            let Some(base) = model_of::<O::Model>(&req.prior, &mut resp.diags) else {
                return;
            };
            match self.0.read(client, &base).await {
                Ok(Some(m)) => match self.write(&m, &req.prior, &mut resp.diags) {
                    Some(v) => prior_value = schema.block.conform(&v),
                    None => return,
                },
                Ok(None) => return pending::gone(&mut resp.diags, &tasks),
                Err(e) => return report(&mut resp.diags, &Self::action("Read"), None, &e),
            }
        }
        let (Some(prior), Some(plan)) = (
            model_of::<O::Model>(&prior_value, &mut resp.diags),
            model_of::<O::Model>(&req.plan, &mut resp.diags),
        ) else {
            return;
        };
        let action = Self::action("Update");
        let mut base = plan.clone();
        let out = (&mut resp.private, &mut resp.diags);
        let mut call = Call::new(client, ctx, req.timeout, out, &action, Op::Update);
        let updated = (self.0.update(
            &mut call,
            Change {
                prior: &prior,
                plan: &plan,
                base: &mut base,
            },
        ))
        .await;
        let after = updated.is_ok();
        if let Err(f) = updated {
            self.report(call.diags, &action, &plan, f);
        }
        // Whatever happened, the state is what OCP has now.
        if let Some(mut m) = self.read_back(client, &base, call.diags, "Update").await {
            if after {
                if let Err(f) = self
                    .0
                    .after_update(
                        &mut call,
                        Written {
                            plan: &plan,
                            state: &mut m,
                        },
                    )
                    .await
                {
                    self.report(call.diags, &action, &plan, f);
                }
            }
            if let Some(v) = self.write(&m, &req.plan, call.diags) {
                resp.state = v;
            }
        }
    }

    async fn delete(&self, ctx: &Ctx, req: StateRequest, resp: &mut DeleteResponse) {
        let Some(state) = model_of::<O::Model>(&req.state, &mut resp.diags) else {
            return;
        };
        self.0.check_delete(&state, &mut resp.diags);
        if resp.diags.has_errors() {
            return;
        }
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let mut private = req.private.clone();
        let action = Self::action("Delete");
        let out = (&mut private, &mut resp.diags);
        let mut call = Call::new(client, ctx, req.timeout, out, &action, Op::Update);
        match self.0.delete(&mut call, &state).await {
            Ok(()) => {}
            Err(Fail::Ocp { err, .. }) if err.is_not_found() => {}
            Err(f) => self.report(&mut resp.diags, &action, &state, f),
        }
    }

    async fn import(&self, ctx: &Ctx, id: &str, resp: &mut StateResponse) {
        match self.0.import(ctx.client_opt(), id).await {
            Ok(m) => {
                self.0.import_private(&m, &mut resp.private);
                resp.state = self.write(&m, &Value::Null, &mut resp.diags)
            }
            Err(ImportError::NoClient) => {
                ctx.client(&mut resp.diags);
            }
            Err(ImportError::Invalid(why)) => resp.diags.error("Invalid Import ID", why),
            Err(ImportError::Ambiguous(why)) => resp.diags.error("Ambiguous Import ID", why),
            Err(ImportError::NotFound(why)) => {
                resp.diags.error(format!("{} Not Found", O::NOUN), why)
            }
            Err(ImportError::NotFoundOf(noun, why)) => {
                resp.diags.error(format!("{noun} Not Found"), why)
            }
            Err(ImportError::Ocp(e)) => report(&mut resp.diags, &Self::action("Import"), None, &e),
        }
    }
}

/// The attribute an OCP error concerns, by a resource's table of OCP request fields (as
/// [`ClientError::field`] reads them) and attributes (a path as a user writes it, such as
/// `storage[0].url`: see [`AttrPath::parse`]): the outermost field along OCP's path that the
/// table lists decides (`zones[0].name` concerns `zones`, not a `name` the table may list).
pub fn attr_by_field(err: &ClientError, table: &[(&str, &str)]) -> Option<AttrPath> {
    use crate::client::field::FieldStep;
    let f = err.field()?;
    let listed = f.0.iter().find_map(|step| match step {
        FieldStep::Name(n) => table.iter().find(|(field, _)| field == n),
        FieldStep::Index(_) => None,
    });
    listed.map(|(_, attr)| AttrPath::parse(attr))
}

/// Turns a client error into one diagnostic, the same way for every resource: the summary
/// names the action ("Unable to Read Cluster"), the detail carries what OCP said (code,
/// message, trace id) or the failed task's subtask and log.
pub fn report(diags: &mut Diagnostics, action: &str, path: Option<AttrPath>, err: &ClientError) {
    let (_, detail) = err.summary_detail();
    diags.error_at(path, format!("Unable to {action}"), detail);
}

/// [`report`] for a delete. When the wait stopped while OCP's task still runs (timeout or
/// Stop), says that the object stays in state and that the next destroy picks the task up
/// (see [`OcpClient::delete_joining`]).
pub fn report_delete(diags: &mut Diagnostics, action: &str, err: &ClientError) {
    let (_, mut detail) = err.summary_detail();
    if err.unfinished_task().is_some() {
        detail.push_str(
            "\n\nThe object stays in Terraform's state. Running terraform destroy (or apply) \
             again waits for this task to end instead of starting a second delete.",
        );
    }
    diags.error(format!("Unable to {action}"), detail);
}

/// Refuses a create whose object existed before it (design rule R2): one error on the natural
/// key `attr` naming the object (`what`, in words with its OCP id where it has one, e.g.
/// `tenant "orders" (OCP id 1002003) in cluster 1000001`) and the `terraform import` command
/// with `import_id` (the resource's documented import format). Nothing goes into state, so no
/// later destroy or replacement can delete an object Terraform did not create. The one place
/// every resource words this alike; returns the [`Fail::Reported`] its create returns.
pub fn refuse_existing<O: OcpObject>(
    diags: &mut Diagnostics,
    what: impl std::fmt::Display,
    import_id: impl std::fmt::Display,
    attr: &str,
) -> Fail {
    diags.attr_error(
        AttrPath::root(attr),
        format!("{} Already Exists", O::NOUN),
        format!(
            "OCP already has {what}, and this apply did not create it. Terraform never \
             takes over an object it did not create, so it was left untouched and nothing was \
             recorded in state.\n\nTo manage it with Terraform, import it into this resource \
             (use the address Terraform shows with this error):\n\n    terraform import {}.<resource name> {import_id}\n\n\
             Otherwise choose another {attr}. With `create_before_destroy`, a replacement cannot \
             keep the {attr} of the object it replaces: change it, or remove \
             `create_before_destroy` so the old object is deleted first.",
            O::TYPE_NAME
        ),
    );
    Fail::Reported
}

/// What a create goes on with (design rule R2): `Ok(answer)` for an object it made, and
/// `Err(found)` for one its own unanswered POST made, when `fits` says it is what the plan
/// asks for. Anything else (an object that existed before, or one someone else made in
/// between) is refused through [`refuse_existing`], with what `existing` says of it: the
/// object in words, its import id and the attribute that names it.
pub fn owned<O: OcpObject, T, L>(
    diags: &mut Diagnostics,
    created: Created<T, L>,
    fits: impl Fn(&L) -> bool,
    existing: impl FnOnce(L) -> (String, String, &'static str),
) -> Result<Result<T, L>, Box<Fail>> {
    match created {
        Created::New(answer) => Ok(Ok(answer)),
        Created::Adopted(found) if fits(&found) => Ok(Err(found)),
        Created::Adopted(found) | Created::Existing(found) => {
            let (what, import_id, attr) = existing(found);
            Err(Box::new(refuse_existing::<O>(diags, what, import_id, attr)))
        }
    }
}

/// The time left of an operation that must end by `deadline` (zero once it has passed).
pub fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// Waits on an OCP task until it succeeds, fails, the operation's deadline passes, or
/// Terraform sends Stop. One place, so every resource waits alike (design rule R3).
pub async fn wait(
    client: &OcpClient,
    ctx: &Ctx,
    task: &TaskInstance,
    deadline: Instant,
) -> Result<TaskInstance, ClientError> {
    client
        .wait_task(
            task.id,
            &WaitOptions::with_timeout(remaining(deadline)),
            &ctx.cancel,
        )
        .await
}

/// Waits on several OCP tasks in turn (e.g. a backup call's `taskIdList`), sharing one deadline.
pub async fn wait_ids(
    client: &OcpClient,
    ctx: &Ctx,
    ids: &[i64],
    deadline: Instant,
) -> Result<(), ClientError> {
    pending::wait_all(client, &ctx.cancel, ids, deadline, false)
        .await
        .map_err(|(_, e)| e)
}

/// How [`poll`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polled {
    /// The probe said the object is ready.
    Ready,
    /// The probe found the object gone.
    Gone,
    /// The deadline passed or Terraform sent Stop first.
    Late,
}

/// Polls an object whose OCP task is unknown (one adopted after a lost create answer) until
/// `probe` says it is ready: `Ok(Some(true))` ready, `Ok(Some(false))` not yet, `Ok(None)`
/// gone. Backs off from 200 ms to 5 s until the deadline or Terraform's Stop; the caller words
/// what each end means for its object.
pub async fn poll<F, Fut>(ctx: &Ctx, deadline: Instant, mut probe: F) -> Result<Polled, ClientError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<bool>, ClientError>>,
{
    let mut pause = Duration::from_millis(200);
    loop {
        match probe().await? {
            Some(true) => return Ok(Polled::Ready),
            Some(false) => {}
            None => return Ok(Polled::Gone),
        }
        if remaining(deadline).is_zero() {
            return Ok(Polled::Late);
        }
        tokio::select! {
            _ = ctx.cancel.cancelled() => return Ok(Polled::Late),
            _ = tokio::time::sleep(pause.min(remaining(deadline))) => {}
        }
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

/// Private state a resource keeps beside its state: the OCP task last started for it, so a
/// later run can tell whether that task finished (design rule R1).
pub fn task_private(task_id: i64) -> Vec<u8> {
    let mut b = Vec::new();
    Private::edit(&mut b, |p| p.set_done(Some(task_id)));
    b
}

/// How the wait of a create or update on its OCP tasks ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// Every task succeeded.
    Done,
    /// The timeout passed or Terraform sent Stop while a task ran: the tasks left are
    /// recorded as pending in `private`. A create returns at once without an error (its
    /// state already holds the id); an update has an error in `diags`.
    Pending,
    /// OCP reported a task FAILED; `diags` has the error.
    Failed,
}

/// Waits on the OCP tasks a create or update started, in order, until `deadline`, and
/// records in `private` what a later run needs: the last task, or the tasks still running
/// when the wait ended early, so the next apply waits for them instead of submitting the
/// work again (`lifecycle::pending`). `action` names the operation in messages
/// ("Create Tenant").
#[allow(clippy::too_many_arguments)]
pub async fn wait_tasks(
    client: &OcpClient,
    ctx: &Ctx,
    op: Op,
    tasks: &[i64],
    deadline: Instant,
    private: &mut Vec<u8>,
    diags: &mut Diagnostics,
    action: &str,
) -> Waited {
    Private::edit(private, |p| p.set_done(tasks.last().copied()));
    match pending::wait_all(client, &ctx.cancel, tasks, deadline, false).await {
        Ok(()) => Waited::Done,
        // Only OCP's word that a task FAILED ends it; any other end of the wait (deadline,
        // Stop, OCP unreachable or answering oddly) leaves a task that may still run, which
        // must be waited for again, not created a second time.
        Err((i, e)) if !matches!(e, ClientError::TaskFailed { .. }) => {
            pend(op, tasks[i..].to_vec(), &e, private, diags, action);
            Waited::Pending
        }
        Err((i, e)) => {
            Private::edit(private, |p| p.set_done(Some(tasks[i])));
            report(diags, action, None, &e);
            Waited::Failed
        }
    }
}

/// Records `tasks` (whose wait ended with `e` before OCP said how they ended) as pending, and tells the
/// user: a warning for a create (which must not fail, or Terraform taints an object OCP is
/// still building), an error for an update.
pub fn pend(
    op: Op,
    tasks: Vec<i64>,
    e: &ClientError,
    private: &mut Vec<u8>,
    diags: &mut Diagnostics,
    action: &str,
) {
    let ids = pending::ids_text(&tasks);
    Private::edit(private, |p| p.set_pending(op, tasks));
    let (_, detail) = e.summary_detail();
    match op {
        Op::Create => diags.warning(
            format!("{action}: OCP Task Still Running"),
            format!("{detail}\n\nThe object is recorded in state and is not tainted. The next `terraform plan` shows its `status` as known after apply, and `terraform apply` waits for OCP task {ids} to finish instead of creating the object again. Raise `timeouts.create` if this object needs longer."),
        ),
        Op::Update => diags.error(
            format!("Unable to {action}"),
            format!("{detail}\n\nThe next apply waits for OCP task {ids} to finish before changing anything else."),
        ),
    }
}

/// The OCP client is what the provider block configures: the framework stores it as opaque
/// provider data, and this layer gets it back.
impl ProviderData for OcpClient {
    fn for_refresh(&self) -> Arc<dyn ProviderData> {
        Arc::new(OcpClient::for_refresh(self))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Ctx {
    /// The shared OCP client, or an error diagnostic saying why there is none (see
    /// [`Ctx::data`]).
    pub fn client(&self, diags: &mut Diagnostics) -> Option<&OcpClient> {
        self.data::<OcpClient>(diags)
    }

    /// The shared OCP client when the provider is configured.
    pub fn client_opt(&self) -> Option<&OcpClient> {
        self.data_opt::<OcpClient>()
    }
}

/// The object an import id names by its OCP id or by its name ([`Choice::of_import_id`]: a
/// whole number is an id). `find` asks OCP for it through `client`; without a client the
/// import is [`ImportError::NoClient`], and an object OCP does not have is
/// [`ImportError::NotFound`] with one wording for every resource: "OCP has no `<what>` with id
/// or name `<id>`. Expected `<forms>`." (`what` in lower case, e.g. `cluster`; `forms` the
/// documented import ids, e.g. `"<cluster_id>" or "<cluster_name>"`).
pub async fn import_by_id_or_name<'c, C, T, Fut>(
    client: Option<&'c C>,
    id: &str,
    what: &str,
    forms: &str,
    find: impl FnOnce(&'c C, Choice) -> Fut,
) -> Result<T, ImportError>
where
    Fut: std::future::Future<Output = Result<Option<T>, ClientError>>,
{
    let client = client.ok_or(ImportError::NoClient)?;
    find(client, Choice::of_import_id(id))
        .await?
        .ok_or_else(|| {
            ImportError::NotFound(format!(
                "OCP has no {what} with id or name {id:?}. Expected {forms}."
            ))
        })
}

#[cfg(test)]
mod tests;

// ---- plan adjustments through a model that holds unknowns ----

/// Writes `m` over the planned value (see [`value_over`]: attributes the model does not name
/// keep their planned values), unknowns (`Known::Unknown`) included: how a `modify_plan`
/// marks values unknown through its model. A model that does not fit the schema leaves the
/// plan as it is, with the error in the response.
pub fn replan<M: Serialize>(m: &M, schema: &Schema, resp: &mut PlanResponse) {
    if let Some(v) = value_over(m, schema, &resp.planned, &mut resp.diags) {
        resp.planned = v;
    }
}

/// [`replan`] of the attributes `keep` sets: the prior values a plan keeps. Fields left `None`
/// keep their planned values, as attributes the model does not name do.
pub fn replan_set<M: Serialize>(keep: &M, schema: &Schema, resp: &mut PlanResponse) {
    match serde_json::to_value(keep) {
        Ok(serde_json::Value::Object(mut set)) => {
            set.retain(|_, v| !v.is_null());
            replan(&set, schema, resp);
        }
        // Not an object: the bridge reports why it does not fit the schema.
        _ => replan(keep, schema, resp),
    }
}

#[cfg(test)]
mod replan_tests {
    use super::*;
    use crate::framework::Attr;
    use crate::value::Known;

    #[test]
    fn replan_writes_unknowns_over_the_plan_and_keeps_the_rest() {
        #[derive(Serialize)]
        struct Part {
            name: Known<String>,
        }
        let schema = Schema::new("s")
            .attr("name", Attr::string().optional().computed().doc("n"))
            .attr("size", Attr::int().optional().doc("s"));
        let planned = [
            ("name".to_string(), Value::string("m")),
            ("size".to_string(), Value::from_i64(3)),
        ];
        let mut resp = PlanResponse {
            planned: Value::Object(planned.into()),
            requires_replace: Vec::new(),
            private: Vec::new(),
            diags: Diagnostics::new(),
        };
        replan(
            &Part {
                name: Known::Unknown,
            },
            &schema,
            &mut resp,
        );
        assert!(resp.diags.is_empty(), "{:?}", resp.diags);
        assert_eq!(resp.planned.get("name"), Some(&Value::Unknown));
        assert_eq!(resp.planned.get("size"), Some(&Value::from_i64(3)));
    }
}

// ---- OCP request fields named like their attributes ----

/// The attribute an OCP error concerns, by the field it names, for a resource whose `table`
/// lists only the OCP request fields named otherwise than their attributes (such as `dbName`
/// for `name`, `zones` for the `zone` blocks). In order:
/// 1. the outermost field along OCP's path that `table` lists ([`attr_by_field`]);
/// 2. the top-level attribute of `schema` whose name is the field's in snake case (OCP's
///    `primaryZone` is `primary_zone`), tried for the last field name and then the first;
/// 3. the same inside a block that holds one element at most (OCP's
///    `obBackupThresholdConfig.libObLogExpireDays` is `thresholds.lib_ob_log_expire_days`,
///    `...ossAccessKey.accessKeyId` is `storage[0].access_key_id`). A block with more
///    elements is not guessed into: OCP's path does not say which element the user wrote.
pub fn attr_by_field_or_name(
    err: &ClientError,
    table: &[(&str, &str)],
    schema: &Schema,
) -> Option<AttrPath> {
    use crate::framework::{Block, Nesting};
    if let Some(at) = attr_by_field(err, table) {
        return Some(at);
    }
    let f = err.field()?;
    let snake = |name: &str| {
        name.chars().fold(String::new(), |mut s, c| {
            if c.is_ascii_uppercase() {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
            s
        })
    };
    let named = |block: &Block| {
        [f.leaf(), f.root()]
            .into_iter()
            .map(snake)
            .find(|name| block.attribute(name).is_some())
    };
    if let Some(name) = named(&schema.block) {
        return Some(AttrPath::root(&name));
    }
    schema.block.blocks.iter().find_map(|(name, nested)| {
        let at = match nested.nesting {
            Nesting::Single => AttrPath::root(name),
            _ if nested.max_items == 1 => AttrPath::root(name).index(0),
            _ => return None,
        };
        Some(at.attr(&named(&nested.block)?))
    })
}

#[cfg(test)]
mod attr_by_field_or_name_tests {
    use super::*;
    use crate::framework::{Attr, Block, NestedBlock};

    /// The attribute OCP's rejection `message` is found on, through `table` and `schema`.
    fn at(table: &[(&str, &str)], schema: &Schema, message: &str) -> Option<String> {
        let e = crate::resources::rejected(message);
        attr_by_field_or_name(&e, table, schema).map(|p| p.to_string())
    }

    #[test]
    fn a_field_outside_the_table_is_the_attribute_of_its_snake_case_name() {
        let schema = Schema::new("s")
            .attr("name", Attr::string().required().doc("n"))
            .attr("primary_zone", Attr::string().optional().doc("p"))
            .attr("db_privileges", Attr::string().optional().doc("d"));
        let table = [("dbName", "name")];
        let at = |message: &str| at(&table, &schema, message);
        assert_eq!(at("invalid dbName: taken"), Some("name".into()));
        assert_eq!(at("invalid primaryZone: bad"), Some("primary_zone".into()));
        assert_eq!(
            at("invalid dbPrivileges[0].privileges: bad"),
            Some("db_privileges".into())
        );
        assert_eq!(at("invalid charset: bad"), None);
        assert_eq!(at("something went wrong"), None);
    }

    #[test]
    fn the_outermost_listed_field_decides_before_any_name() {
        let schema = Schema::new("s")
            .attr("name", Attr::string().required().doc("n"))
            .attr("primary_zone", Attr::string().optional().doc("p"));
        let table = [
            ("zones", "zone"),
            ("restoreEndTime", "restore_from.restore_time"),
        ];
        let at = |message: &str| at(&table, &schema, message);
        assert_eq!(
            at("invalid zones[0].name: no such zone"),
            Some("zone".into())
        );
        assert_eq!(
            at("invalid body.tenant.zones[1].name: x"),
            Some("zone".into())
        );
        assert_eq!(
            at("invalid body.restoreEndTime: late"),
            Some("restore_from.restore_time".into())
        );
        assert_eq!(at("invalid body.tenant.name: taken"), Some("name".into()));
    }

    #[test]
    fn a_field_named_like_an_attribute_of_a_one_element_block_is_that_attribute() {
        let inner = |a: &str| Block::new("b").attr(a, Attr::string().optional().doc("a"));
        let schema = Schema::new("s")
            .attr("backup_mode", Attr::string().optional().doc("m"))
            .block(
                "storage",
                NestedBlock::list(inner("access_key_id")).items(1, 1),
            )
            .block("thresholds", NestedBlock::single(inner("delay_seconds")))
            .block("zone", NestedBlock::list(inner("idc_name")));
        let table = [("storageUrl", "storage[0].url")];
        let at = |message: &str| at(&table, &schema, message);
        assert_eq!(at("invalid a.storageUrl: x"), Some("storage[0].url".into()));
        assert_eq!(at("invalid backupMode: x"), Some("backup_mode".into()));
        assert_eq!(
            at("invalid a.b.accessKeyId: x"),
            Some("storage[0].access_key_id".into())
        );
        assert_eq!(
            at("invalid t.delaySeconds: 0"),
            Some("thresholds.delay_seconds".into())
        );
        assert_eq!(at("invalid t.other: 0"), None);
        // A block of many elements: OCP's path does not say which one the user wrote.
        assert_eq!(at("invalid zones[2].idcName: x"), None);
    }
}

// ---- data sources that read one object, chosen by its OCP id or by a key ----

pub use one::{One, OneData, Selects};

mod one {
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use crate::client::OcpClient;
    use crate::framework::{read_model, Diagnostics, Schema};
    use crate::value::{Known, Value};

    use super::{Choice, Chooser, Fail, OcpData, Step};

    /// The configuration of a [`OneData`]: its `id` and its key attribute ([`Chooser::key`]).
    pub trait Selects: DeserializeOwned + Send {
        /// The `id` and the key as configured; either may be unknown while validating.
        fn chosen(self) -> (Option<Known<i64>>, Option<Known<String>>);
    }

    /// A data source that reads one object, chosen by its OCP `id` or else by a key (its
    /// `name`, a host's `ip`). It says how OCP finds the object; [`One`] makes it an
    /// [`OcpData`], with what every such data source does alike written once (through its
    /// [`Chooser`]): the plan-time error when neither is set, the choice (the id wins), and
    /// "not found" on the attribute that chose.
    #[tonic::async_trait]
    pub trait OneData: Send + Sync + 'static {
        /// What the configuration reads into.
        type Config: Selects;
        /// What the read writes as state: a value of the schema's type.
        type State: Serialize + Send;
        /// How it chooses; its `type_name` is the data source's.
        const CHOOSER: Chooser;
        /// What the read does, for the summary of its error: "Unable to <ACTION>".
        const ACTION: &'static str;

        /// The schema.
        fn schema(&self) -> Schema;

        /// The state of the object `by` chooses; `None` when OCP has none.
        async fn find(&self, client: &OcpClient, by: Choice) -> Step<Option<Self::State>>;

        /// When `id` chose `state` and the key is set too: whether the two agree, an error
        /// in `diags` when not. The default lets the id win.
        fn agrees(&self, _state: &Self::State, _key: &str, _diags: &mut Diagnostics) -> bool {
            true
        }
    }

    /// The adapter: a [`OneData`] as an [`OcpData`] (the registry takes it as
    /// `Data(One(..))`).
    #[derive(Default)]
    pub struct One<D>(pub D);

    #[tonic::async_trait]
    impl<D: OneData> OcpData for One<D> {
        type Config = D::Config;
        type State = D::State;
        const TYPE_NAME: &'static str = D::CHOOSER.type_name;
        const ACTION: &'static str = D::ACTION;

        fn schema(&self) -> Schema {
            self.0.schema()
        }

        fn validate(&self, config: &Value, diags: &mut Diagnostics) {
            if let Some((id, key)) = read_model::<D::Config>(config, diags).map(Selects::chosen) {
                D::CHOOSER.validate(&id, &key, diags);
            }
        }

        async fn read(
            &self,
            client: &OcpClient,
            config: D::Config,
            diags: &mut Diagnostics,
        ) -> Step<D::State> {
            let (id, key) = config.chosen();
            let by = D::CHOOSER.choice(id, key.clone()).ok_or(Fail::Reported)?;
            let state = D::CHOOSER.found(self.0.find(client, by.clone()).await?, &by, diags)?;
            match (by, key.and_then(Known::known)) {
                (Choice::Id(_), Some(key)) if !self.0.agrees(&state, &key, diags) => {
                    Err(Fail::Reported)
                }
                _ => Ok(state),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::resources::cluster::{ClusterDataSource, ClusterModel};
        use crate::resources::compute::Selector;

        /// The simulator's cluster 1000001, `demo-cluster`, through `data "ocp_cluster"`.
        #[tokio::test]
        async fn one_object_is_chosen_by_id_or_key_and_not_found_names_what_chose() {
            let sim = crate::client::testutil::TestSim::start(0.1).await;
            let client = sim.client();
            let one = One(ClusterDataSource);
            let config = |id: Value, name: Value| Value::object([("id", id), ("name", name)]);
            let mut d = Diagnostics::new();
            one.validate(&config(Value::Null, Value::Null), &mut d);
            assert_eq!(d.0[0].summary, "Missing Cluster Selector");
            let mut d = Diagnostics::new();
            one.validate(&config(Value::Unknown, Value::Null), &mut d);
            assert!(d.is_empty(), "{d:?}");
            for (id, name, want) in [
                (Some(1000001), None, Ok(())),
                (None, Some("demo-cluster"), Ok(())),
                (Some(1000001), Some("demo-cluster"), Ok(())),
                (
                    Some(1000001),
                    Some("other"),
                    Err(("name", "Cluster Name Does Not Match")),
                ),
                (Some(7), None, Err(("id", "Cluster Not Found"))),
                (None, Some("other"), Err(("name", "Cluster Not Found"))),
            ] {
                let (i, n) = (
                    id.map_or(Value::Null, Value::from_i64),
                    name.map(Value::string),
                );
                let mut d = Diagnostics::new();
                let s = read_model::<Selector>(&config(i, n.unwrap_or(Value::Null)), &mut d);
                let s = s.unwrap_or_else(|| panic!("{d:?}"));
                let got: Step<ClusterModel> = one.read(&client, s, &mut d).await;
                let got = got.map(|_| ()).map_err(|_| {
                    let path = d.0[0].path.as_ref().map(ToString::to_string);
                    (path.unwrap_or_default(), d.0[0].summary.clone())
                });
                let want = want.map_err(|(p, s)| (p.to_string(), s.to_string()));
                assert_eq!(got, want, "{id:?} {name:?}");
            }
        }
    }
}
