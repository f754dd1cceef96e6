//! The provider core: every tfplugin5 RPC as a protocol-free method on decoded values.
//!
//! `protocol::server` decodes a request, calls one method here and encodes the answer; all of
//! Terraform's rules live here instead: unknown type names, plan rules, the shape and
//! consistency of results, state upgrades, and the cancellation token behind Stop.
//! No prost types past this line.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use tokio_util::sync::CancellationToken;

use super::diag::{AttrPath, Diagnostics, Severity};
use super::plan;
use super::resource::*;
use super::schema::Schema;
use super::validate::validate_block;
use crate::value::{decode_json, Value};

/// One registered resource type or data source with its cached schema.
pub struct Entry<T: ?Sized> {
    /// The implementation.
    pub imp: Arc<T>,
    /// Its schema, built once.
    pub schema: Schema,
}

/// One registered resource type with its cached schema.
pub type ResourceEntry = Entry<dyn Resource>;

/// One registered data source with its cached schema.
pub type DataSourceEntry = Entry<dyn DataSource>;

/// The entries of registered implementations by type name, each schema built once.
fn entries<T: ?Sized>(
    imps: Vec<Arc<T>>,
    type_name: fn(&T) -> &'static str,
    schema: fn(&T) -> Schema,
) -> BTreeMap<&'static str, Entry<T>> {
    imps.into_iter()
        .map(|imp| {
            (
                type_name(&imp),
                Entry {
                    schema: schema(&imp),
                    imp,
                },
            )
        })
        .collect()
}

/// The entry of `name`, or the error diagnostic of an unknown `kind` of type.
fn entry<'a, T: ?Sized>(
    map: &'a BTreeMap<&'static str, Entry<T>>,
    kind: &str,
    name: &str,
    diags: &mut Diagnostics,
) -> Option<&'a Entry<T>> {
    let e = map.get(name);
    if e.is_none() {
        diags.error(
            format!("Unknown {kind} Type"),
            format!(
                "terraform-provider-ocp has no {} named {name:?}.",
                kind.to_lowercase()
            ),
        );
    }
    e
}

/// What the values of a request follow: the provider block's schema, or that of the resource
/// type or data source the request names.
#[derive(Clone, Copy, Debug)]
pub enum Of<'a> {
    /// The provider block.
    Provider,
    /// The resource type of this name.
    Resource(&'a str),
    /// The data source of this name.
    DataSource(&'a str),
}

/// How the provider block turns into a client (see `crate::provider`).
#[tonic::async_trait]
pub trait Configurer: Send + Sync {
    /// The provider block's schema.
    fn schema(&self) -> Schema;
    /// Checks a provider block that may hold unknowns.
    fn validate(&self, config: &Value, diags: &mut Diagnostics);
    /// Builds the client from a provider block. Returns None (with or without diagnostics)
    /// when no client can be built yet, e.g. because values are unknown during plan.
    async fn configure(
        &self,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Arc<dyn ProviderData>>;
}

/// Everything one provider process serves.
pub struct ProviderCore {
    configurer: Box<dyn Configurer>,
    provider_schema: Schema,
    resources: BTreeMap<&'static str, ResourceEntry>,
    data_sources: BTreeMap<&'static str, DataSourceEntry>,
    client: RwLock<Option<Arc<dyn ProviderData>>>,
    /// Provider settings that were unknown at the last Configure (during a plan, a setting
    /// taken from an attribute of a resource not created yet): no client until they are known.
    unknown_settings: RwLock<Vec<String>>,
    stop: CancellationToken,
}

impl ProviderCore {
    /// Builds the core from the provider block's configurer and the registered types.
    pub fn new(
        configurer: Box<dyn Configurer>,
        resources: Vec<Arc<dyn Resource>>,
        data_sources: Vec<Arc<dyn DataSource>>,
    ) -> ProviderCore {
        ProviderCore {
            provider_schema: configurer.schema(),
            configurer,
            resources: entries(resources, |r| r.type_name(), |r| r.schema()),
            data_sources: entries(data_sources, |d| d.type_name(), |d| d.schema()),
            client: RwLock::new(None),
            unknown_settings: RwLock::new(Vec::new()),
            stop: CancellationToken::new(),
        }
    }

    /// The provider block's schema.
    pub fn provider_schema(&self) -> &Schema {
        &self.provider_schema
    }

    /// Every resource type, by name.
    pub fn resources(&self) -> &BTreeMap<&'static str, ResourceEntry> {
        &self.resources
    }

    /// Every data source, by name.
    pub fn data_sources(&self) -> &BTreeMap<&'static str, DataSourceEntry> {
        &self.data_sources
    }

    /// The schema `of` names, or an error diagnostic for an unknown type name.
    pub fn schema(&self, of: Of<'_>, diags: &mut Diagnostics) -> Option<&Schema> {
        match of {
            Of::Provider => Some(&self.provider_schema),
            Of::Resource(name) => self.resource(name, diags).map(|e| &e.schema),
            Of::DataSource(name) => {
                entry(&self.data_sources, "Data Source", name, diags).map(|e| &e.schema)
            }
        }
    }

    /// The schema of a resource type, or an error diagnostic.
    pub fn resource_schema(&self, name: &str, diags: &mut Diagnostics) -> Option<&Schema> {
        self.schema(Of::Resource(name), diags)
    }

    fn resource(&self, name: &str, diags: &mut Diagnostics) -> Option<&ResourceEntry> {
        entry(&self.resources, "Resource", name, diags)
    }

    fn ctx(&self) -> Ctx {
        let client = self.client.read().ok().and_then(|c| c.clone());
        Ctx::new(client, self.stop.clone()).with_unknown_settings(self.unknown_settings())
    }

    /// The provider settings that were unknown at the last Configure.
    fn unknown_settings(&self) -> Vec<String> {
        self.unknown_settings
            .read()
            .map(|u| u.clone())
            .unwrap_or_default()
    }

    /// The context of a refresh: its reads may be served from coalesced lists.
    fn refresh_ctx(&self) -> Ctx {
        let client = self
            .client
            .read()
            .ok()
            .and_then(|c| c.as_ref().map(|d| d.for_refresh()));
        Ctx::new(client, self.stop.clone()).with_unknown_settings(self.unknown_settings())
    }

    /// The token that fires on Stop.
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Stop: cancels every wait in flight. Terraform then expects those calls to return.
    pub fn stop(&self) {
        log::info!("Stop received: cancelling operations in flight");
        self.stop.cancel();
    }

    /// PrepareProviderConfig, ValidateResourceTypeConfig and ValidateDataSourceConfig: the
    /// checks of the schema `of` names, then those of the provider block or type itself.
    pub fn validate(&self, of: Of<'_>, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if let Some(schema) = self.schema(of, &mut diags) {
            validate_block(&schema.block, config, &AttrPath::default(), &mut diags);
        }
        match of {
            Of::Provider => self.configurer.validate(config, &mut diags),
            Of::Resource(name) => {
                if let Some(e) = self.resources.get(name) {
                    e.imp.validate(config, &mut diags);
                }
            }
            Of::DataSource(name) => {
                if let Some(e) = self.data_sources.get(name) {
                    e.imp.validate(config, &mut diags);
                }
            }
        }
        diags
    }

    /// ValidateResourceTypeConfig.
    pub fn validate_resource(&self, name: &str, config: &Value) -> Diagnostics {
        self.validate(Of::Resource(name), config)
    }

    /// Configure: builds the shared client.
    pub async fn configure(&self, config: &Value) -> Diagnostics {
        let mut diags = self.validate(Of::Provider, config);
        if diags.has_errors() {
            return diags;
        }
        // Settings known only after apply (another resource's attribute): Terraform configures
        // the provider again once they are known. Until then there is no client, and whatever
        // needs OCP says which settings it waits for (`Ctx::client`).
        let unknown: Vec<String> = match config {
            Value::Object(o) => o
                .iter()
                .filter(|(_, v)| v.is_unknown())
                .map(|(k, _)| k.clone())
                .collect(),
            Value::Unknown => vec!["(the whole provider block)".to_string()],
            _ => Vec::new(),
        };
        if let Ok(mut slot) = self.unknown_settings.write() {
            slot.clone_from(&unknown);
        }
        if !unknown.is_empty() {
            log::debug!("provider settings {unknown:?} not yet known; configuring later");
            return diags;
        }
        if let Some(client) = self.configurer.configure(config, &mut diags).await {
            if let Ok(mut slot) = self.client.write() {
                *slot = Some(client);
            }
        }
        diags
    }

    /// UpgradeResourceState: stored JSON of schema `version` → a value of the current schema.
    pub fn upgrade_resource_state(
        &self,
        name: &str,
        version: i64,
        json: &[u8],
        flatmap_only: bool,
    ) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(e) = self.resource(name, &mut diags) else {
            return (Value::Null, diags);
        };
        if json.is_empty() {
            if flatmap_only {
                diags.error(
                    "Unable to Upgrade Resource State",
                    "This state was written by Terraform 0.11 or older (flatmap format), which terraform-provider-ocp never wrote. Remove the resource from state and import it again.",
                );
            }
            return (Value::Null, diags);
        }
        let ty = e.schema.value_type();
        let bytes = if version == e.schema.version {
            json.to_vec()
        } else if version > e.schema.version {
            diags.error(
                "Unable to Upgrade Resource State",
                format!("The state of this {name} was written by a newer provider (schema version {version}, this provider knows {}). Upgrade terraform-provider-ocp.", e.schema.version),
            );
            return (Value::Null, diags);
        } else {
            let parsed: serde_json::Value = match serde_json::from_slice(json) {
                Ok(v) => v,
                Err(err) => {
                    diags.error(
                        "Unable to Upgrade Resource State",
                        format!("The stored state is not valid JSON: {err}."),
                    );
                    return (Value::Null, diags);
                }
            };
            let Some(up) = e.imp.upgrade_state(version, parsed, &mut diags) else {
                return (Value::Null, diags);
            };
            up.to_string().into_bytes()
        };
        match decode_json(&bytes, ty) {
            Ok(v) => (e.schema.block.conform(&v), diags),
            Err(err) => {
                diags.error(
                    "Unable to Upgrade Resource State",
                    format!(
                        "The stored state of this {name} does not match schema version {}: {err}.",
                        e.schema.version
                    ),
                );
                (Value::Null, diags)
            }
        }
    }

    /// ReadResource: `None` means the object is gone.
    pub async fn read_resource(
        &self,
        name: &str,
        state: Value,
        private: Vec<u8>,
    ) -> (Option<Value>, Vec<u8>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(e) = self.resource(name, &mut diags) else {
            return (Some(state), private, diags);
        };
        if state.is_null() {
            return (None, private, diags);
        }
        let timeout = e.schema.timeout(&state, "read");
        let ctx = self.refresh_ctx();
        if !ctx.is_configured() && !ctx.unknown_settings().is_empty() {
            // OCP cannot be asked yet: the object stays as Terraform has it, and the plan
            // says the refresh was skipped (Terraform configures again before apply).
            diags.warning(
                "Object Not Refreshed: Provider Settings Not Yet Known",
                format!(
                    "The provider \"ocp\" settings {} are known only after apply, so this plan could not read the object from OCP and uses the state as it is. Apply the resources those settings come from first (`terraform apply -target=...`), or set them from known values (variables or OCP_* environment variables), to see drift.",
                    ctx.unknown_settings().join(", ")
                ),
            );
            return (Some(state), private, diags);
        }
        let mut resp = StateResponse {
            state: Some(state.clone()),
            private: private.clone(),
            diags,
        };
        e.imp
            .read(
                &ctx,
                StateRequest {
                    state: state.clone(),
                    private,
                    timeout,
                },
                &mut resp,
            )
            .await;
        let mut diags = resp.diags;
        if diags.has_errors() {
            // A failed refresh keeps what Terraform has.
            return (Some(state), resp.private, diags);
        }
        let new = resp
            .state
            .map(|s| finish_state(&e.schema, s, &mut diags, "Read"));
        (new, resp.private, diags)
    }

    /// PlanResourceChange.
    pub fn plan_resource_change(
        &self,
        name: &str,
        prior: &Value,
        proposed: &Value,
        config: &Value,
        prior_private: &[u8],
    ) -> PlanResponse {
        let mut resp = PlanResponse {
            planned: proposed.clone(),
            requires_replace: Vec::new(),
            private: prior_private.to_vec(),
            diags: Diagnostics::new(),
        };
        let Some(e) = self.resource(name, &mut resp.diags) else {
            return resp;
        };
        if proposed.is_null() {
            // Destroy: nothing to plan (Terraform 1.0.3 does not ask, later versions may).
            return resp;
        }
        // Validation skips unknown values, and Terraform does not validate again in the apply
        // walk, whose final plan may be the first to see a value known (a reference to an
        // object the same apply creates). So the checks run again on the config as planned;
        // only their errors count here (warnings were given at validation).
        let checks = self.validate(Of::Resource(name), config);
        if checks.has_errors() {
            resp.diags.0.extend(
                checks
                    .0
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error),
            );
            return resp;
        }
        let (planned, replace) = plan::plan(&e.schema, prior, proposed, config);
        resp.planned = planned;
        resp.requires_replace = replace;
        e.imp.modify_plan(
            &PlanRequest {
                prior,
                config,
                prior_private,
            },
            &mut resp,
        );
        if !resp.requires_replace.is_empty() {
            let paths: Vec<String> = resp
                .requires_replace
                .iter()
                .map(|p| p.to_string())
                .collect();
            log::debug!("{name}: changes at {paths:?} require replacement");
        }
        resp
    }

    /// The checks of a plan that need the provider's data (see `Resource::check_plan`), run on
    /// the result of [`Self::plan_resource_change`] when it has no errors.
    pub async fn check_plan(
        &self,
        name: &str,
        prior: &Value,
        config: &Value,
        prior_private: &[u8],
        resp: &mut PlanResponse,
    ) {
        let Some(e) = self.resources.get(name) else {
            return;
        };
        if resp.planned.is_null() || resp.diags.has_errors() {
            return;
        }
        let ctx = self.ctx();
        e.imp
            .check_plan(
                &ctx,
                &PlanRequest {
                    prior,
                    config,
                    prior_private,
                },
                resp,
            )
            .await;
    }

    /// ApplyResourceChange: returns the new state (null when the object is gone) and private.
    pub async fn apply_resource_change(
        &self,
        name: &str,
        prior: Value,
        planned: Value,
        config: Value,
        private: Vec<u8>,
    ) -> (Value, Vec<u8>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(e) = self.resource(name, &mut diags) else {
            return (prior, private, diags);
        };
        let ctx = self.ctx();
        if planned.is_null() {
            let timeout = e.schema.timeout(&prior, "delete");
            let mut resp = DeleteResponse::default();
            e.imp
                .delete(
                    &ctx,
                    StateRequest {
                        state: prior.clone(),
                        private: private.clone(),
                        timeout,
                    },
                    &mut resp,
                )
                .await;
            if resp.diags.has_errors() {
                // The object may still exist: keep it in state.
                return (prior, private, resp.diags);
            }
            return (Value::Null, Vec::new(), resp.diags);
        }
        let op = if prior.is_null() { "create" } else { "update" };
        let timeout = e.schema.timeout(&planned, op);
        let plan = planned.clone();
        let mut resp = ApplyResponse {
            state: prior.clone(),
            private: private.clone(),
            diags,
        };
        let creating = prior.is_null();
        let req = ApplyRequest {
            prior,
            plan,
            config,
            private,
            timeout,
        };
        if creating {
            e.imp.create(&ctx, req, &mut resp).await;
            if resp.state.is_null() {
                if !resp.diags.has_errors() {
                    resp.diags.bug(
                        "Unable to Create Resource",
                        format!("{name} create returned no state and no error."),
                    );
                }
                return (Value::Null, resp.private, resp.diags);
            }
        } else {
            e.imp.update(&ctx, req, &mut resp).await;
        }
        let state = finish_applied(&e.schema, &planned, resp.state, &mut resp.diags, op);
        (state, resp.private, resp.diags)
    }

    /// ImportResourceState: the imported objects (one here) as (type, state, private).
    pub async fn import_resource_state(
        &self,
        name: &str,
        id: &str,
    ) -> (Vec<(String, Value, Vec<u8>)>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(e) = self.resource(name, &mut diags) else {
            return (Vec::new(), diags);
        };
        let mut resp = StateResponse::default();
        e.imp.import(&self.ctx(), id, &mut resp).await;
        diags.extend(resp.diags);
        if diags.has_errors() {
            return (Vec::new(), diags);
        }
        match resp.state {
            Some(s) => {
                let s = finish_state(&e.schema, s, &mut diags, "Import");
                (vec![(name.to_string(), s, resp.private)], diags)
            }
            None => {
                diags.bug(
                    "Unable to Import Resource",
                    format!("{name} import returned no state."),
                );
                (Vec::new(), diags)
            }
        }
    }

    /// ReadDataSource.
    pub async fn read_data_source(&self, name: &str, config: Value) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Some(e) = entry(&self.data_sources, "Data Source", name, &mut diags) else {
            return (config, diags);
        };
        let mut resp = DataReadResponse {
            state: config.clone(),
            diags,
        };
        e.imp
            .read(&self.ctx(), DataReadRequest { config }, &mut resp)
            .await;
        let mut diags = resp.diags;
        let state = finish_state(&e.schema, resp.state, &mut diags, "Read");
        (state, diags)
    }
}

/// Shapes a result to the schema and removes unknowns (Terraform refuses them in state),
/// reporting a leftover unknown as a provider bug.
fn finish_state(schema: &Schema, state: Value, diags: &mut Diagnostics, op: &str) -> Value {
    let mut s = schema.block.conform(&state);
    if plan::strip_unknowns(&mut s) && !diags.has_errors() {
        diags.bug(
            format!("Unexpected Unknown Value After {op}"),
            "The provider left a value unknown.",
        );
    }
    s
}

/// `finish_state` plus the check that the result keeps every value known in the plan.
fn finish_applied(
    schema: &Schema,
    planned: &Value,
    state: Value,
    diags: &mut Diagnostics,
    op: &str,
) -> Value {
    let s = finish_state(schema, state, diags, op);
    if !diags.has_errors() {
        if let Some(path) = plan::first_inconsistency(planned, &s, &AttrPath::default()) {
            diags.bug(
                "Provider Produced Inconsistent Result",
                format!("After {op}, attribute {path} differs from the planned value."),
            );
        }
    }
    s
}

#[cfg(test)]
pub(crate) mod tests;
