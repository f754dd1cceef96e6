//! The gRPC services: tfplugin5 Provider and Provisioner, go-plugin GRPCController and
//! GRPCStdio. Each Provider RPC decodes its request, calls `framework::core` once and encodes
//! the answer. Application problems go back as diagnostics with an OK status; gRPC errors are
//! reserved for a broken transport.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, watch};
use tokio_stream::Stream;
use tonic::{Request, Response, Status};
use tracing::Instrument;

use super::convert::{
    decode_dynamic, diags_to_proto, encode_dynamic, path_to_proto, schema_to_proto,
};
use super::proto::plugin as gp;
use super::proto::tfplugin5 as pb;
use crate::framework::core::{Of, ProviderCore};
use crate::framework::diag::Diagnostics;
use crate::logging;
use crate::value::{Type, Value};

/// Runs one RPC's handler inside its span (`logging::rpc_span`), logging its start and end at
/// TRACE as Terraform's plugin servers do.
async fn traced<T>(span: tracing::Span, handler: impl Future<Output = Resp<T>>) -> Resp<T> {
    async move {
        tracing::trace!("Received request");
        let started = std::time::Instant::now();
        let answer = handler.await;
        tracing::trace!(
            duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "Served request"
        );
        answer
    }
    .instrument(span)
    .await
}

/// The tfplugin5 Provider service.
pub struct ProviderService {
    core: Arc<ProviderCore>,
    schema: pb::get_provider_schema::Response,
}

impl ProviderService {
    /// Wraps a core; the GetSchema answer is built once here.
    pub fn new(core: Arc<ProviderCore>) -> ProviderService {
        let schema = pb::get_provider_schema::Response {
            provider: Some(schema_to_proto(core.provider_schema())),
            resource_schemas: core
                .resources()
                .iter()
                .map(|(n, e)| (n.to_string(), schema_to_proto(&e.schema)))
                .collect(),
            data_source_schemas: core
                .data_sources()
                .iter()
                .map(|(n, e)| (n.to_string(), schema_to_proto(&e.schema)))
                .collect(),
            diagnostics: Vec::new(),
            provider_meta: None,
        };
        ProviderService { core, schema }
    }
}

type Resp<T> = Result<Response<T>, Status>;

/// The future of one RPC's answer.
type Answer<'f, T> = Pin<Box<dyn Future<Output = Resp<T>> + Send + 'f>>;

/// One Provider RPC being served: the core, the value type of the schema the request names
/// (None for an unknown type name, already reported) and the diagnostics gathered so far.
struct Serving<'a> {
    core: &'a ProviderCore,
    ty: Option<&'a Type>,
    diags: Diagnostics,
}

impl<'a> Serving<'a> {
    fn new(core: &'a ProviderCore, of: Of<'_>) -> Serving<'a> {
        let mut diags = Diagnostics::new();
        let ty = core.schema(of, &mut diags).map(|s| s.value_type());
        Serving { core, ty, diags }
    }

    /// A value Terraform sent (`what` names it in the error), None when it does not decode or
    /// the type is unknown.
    fn decode(&mut self, v: Option<&pb::DynamicValue>, what: &str) -> Option<Value> {
        decode_dynamic(v, self.ty?, what, &mut self.diags)
    }

    /// A value for Terraform (None when it does not fit the schema, a bug reported).
    fn encode(&mut self, v: &Value) -> Option<pb::DynamicValue> {
        encode_dynamic(v, self.ty?, &mut self.diags)
    }

    /// The prior state, the new state (`what` names it) and the configuration of a change, when
    /// all three decode.
    fn change(
        &mut self,
        prior: &Option<pb::DynamicValue>,
        new: &Option<pb::DynamicValue>,
        what: &str,
        config: &Option<pb::DynamicValue>,
    ) -> Option<(Value, Value, Value)> {
        let prior = self.decode(prior.as_ref(), "prior state");
        let new = self.decode(new.as_ref(), what);
        let config = self.decode(config.as_ref(), "configuration");
        Some((prior?, new?, config?))
    }

    /// [`Self::encode`] of a result, unless the diagnostics already hold an error.
    fn encode_ok(&mut self, v: &Value) -> Option<pb::DynamicValue> {
        if self.diags.has_errors() {
            return None;
        }
        self.encode(v)
    }

    async fn prepare_provider_config(
        &mut self,
        r: pb::prepare_provider_config::Request,
    ) -> pb::prepare_provider_config::Response {
        self.validate::<()>(r.config.as_ref(), Of::Provider, "provider configuration");
        pb::prepare_provider_config::Response {
            prepared_config: r.config,
            diagnostics: Vec::new(),
        }
    }

    /// The validation RPCs: the configuration checked against the schema `of` names.
    fn validate<A: Default>(
        &mut self,
        config: Option<&pb::DynamicValue>,
        of: Of<'_>,
        what: &str,
    ) -> A {
        if let Some(config) = self.decode(config, what) {
            self.diags.extend(self.core.validate(of, &config));
        }
        A::default()
    }

    async fn validate_resource_type_config(
        &mut self,
        r: pb::validate_resource_type_config::Request,
    ) -> pb::validate_resource_type_config::Response {
        self.validate(
            r.config.as_ref(),
            Of::Resource(&r.type_name),
            "configuration",
        )
    }

    async fn validate_data_source_config(
        &mut self,
        r: pb::validate_data_source_config::Request,
    ) -> pb::validate_data_source_config::Response {
        let of = Of::DataSource(&r.type_name);
        self.validate(r.config.as_ref(), of, "configuration")
    }

    async fn upgrade_resource_state(
        &mut self,
        r: pb::upgrade_resource_state::Request,
    ) -> pb::upgrade_resource_state::Response {
        let mut answer = pb::upgrade_resource_state::Response::default();
        if self.ty.is_some() {
            let raw = r.raw_state.unwrap_or_default();
            let flatmap_only = !raw.flatmap.is_empty();
            let (v, d) =
                self.core
                    .upgrade_resource_state(&r.type_name, r.version, &raw.json, flatmap_only);
            self.diags.extend(d);
            answer.upgraded_state = self.encode_ok(&v);
        }
        answer
    }

    async fn configure(&mut self, r: pb::configure::Request) -> pb::configure::Response {
        log::info!("Configure (Terraform {})", r.terraform_version);
        if let Some(config) = self.decode(r.config.as_ref(), "provider configuration") {
            self.diags.extend(self.core.configure(&config).await);
        }
        pb::configure::Response::default()
    }

    async fn read_resource(
        &mut self,
        r: pb::read_resource::Request,
    ) -> pb::read_resource::Response {
        let mut answer = pb::read_resource::Response {
            new_state: r.current_state.clone(),
            diagnostics: Vec::new(),
            private: r.private.clone(),
        };
        if let Some(state) = self.decode(r.current_state.as_ref(), "current state") {
            let (new, private, d) = self
                .core
                .read_resource(&r.type_name, state, r.private)
                .await;
            self.diags.extend(d);
            answer.private = private;
            match new {
                None => answer.new_state = self.encode(&Value::Null),
                Some(v) if !self.diags.has_errors() => answer.new_state = self.encode(&v),
                Some(_) => {}
            }
        }
        answer
    }

    async fn plan_resource_change(
        &mut self,
        r: pb::plan_resource_change::Request,
    ) -> pb::plan_resource_change::Response {
        let mut answer = pb::plan_resource_change::Response {
            planned_state: r.proposed_new_state.clone(),
            planned_private: r.prior_private.clone(),
            ..Default::default()
        };
        let new = &r.proposed_new_state;
        if let Some((prior, proposed, config)) =
            self.change(&r.prior_state, new, "proposed new state", &r.config)
        {
            let (core, name, private) = (self.core, &r.type_name, &r.prior_private);
            let mut p = core.plan_resource_change(name, &prior, &proposed, &config, private);
            core.check_plan(name, &prior, &config, private, &mut p)
                .await;
            self.diags.extend(p.diags);
            answer.planned_state = self.encode(&p.planned);
            answer.requires_replace = p.requires_replace.iter().map(path_to_proto).collect();
            answer.planned_private = p.private;
        }
        answer
    }

    async fn apply_resource_change(
        &mut self,
        r: pb::apply_resource_change::Request,
    ) -> pb::apply_resource_change::Response {
        let mut answer = pb::apply_resource_change::Response {
            new_state: r.prior_state.clone(),
            private: r.planned_private.clone(),
            ..Default::default()
        };
        let new = &r.planned_state;
        if let Some((prior, planned, config)) =
            self.change(&r.prior_state, new, "planned state", &r.config)
        {
            let private = r.planned_private;
            let (new, private, d) = self
                .core
                .apply_resource_change(&r.type_name, prior, planned, config, private)
                .await;
            self.diags.extend(d);
            answer.new_state = self.encode(&new);
            answer.private = private;
        }
        answer
    }

    async fn import_resource_state(
        &mut self,
        r: pb::import_resource_state::Request,
    ) -> pb::import_resource_state::Response {
        let mut answer = pb::import_resource_state::Response::default();
        if self.ty.is_none() {
            return answer;
        }
        let (objs, d) = self.core.import_resource_state(&r.type_name, &r.id).await;
        self.diags.extend(d);
        for (type_name, state, private) in objs {
            if let Some(state) = self.encode(&state) {
                answer
                    .imported_resources
                    .push(pb::import_resource_state::ImportedResource {
                        type_name,
                        state: Some(state),
                        private,
                    });
            }
        }
        answer
    }

    async fn read_data_source(
        &mut self,
        r: pb::read_data_source::Request,
    ) -> pb::read_data_source::Response {
        let mut answer = pb::read_data_source::Response::default();
        if let Some(config) = self.decode(r.config.as_ref(), "configuration") {
            let (v, d) = self.core.read_data_source(&r.type_name, config).await;
            self.diags.extend(d);
            answer.state = self.encode_ok(&v);
        }
        answer
    }
}

/// The Provider RPCs served by `Serving`'s method of the same name: `rpc "Name" Kind;` with the
/// name Terraform's logs give it and the kind of type the request names (none for the
/// provider block). Each runs in its span (`traced`); its diagnostics go into the answer.
macro_rules! serve {
    (@of $r:ident) => { Of::Provider };
    (@of $r:ident $kind:ident) => { Of::$kind(&$r.type_name) };
    ($($rpc:ident $name:literal $($kind:ident)?;)*) => {$(
        // The signature `#[tonic::async_trait]` gives an `async fn` (it does not see into macros).
        fn $rpc<'s, 'f>(&'s self, r: Request<pb::$rpc::Request>) -> Answer<'f, pb::$rpc::Response>
        where
            's: 'f,
        {
            let r = r.into_inner();
            let of = serve!(@of r $($kind)?);
            let span = match of {
                Of::Provider => logging::rpc_span($name, None, None),
                Of::Resource(name) => logging::rpc_span($name, Some(name), None),
                Of::DataSource(name) => logging::rpc_span($name, None, Some(name)),
            };
            let mut serving = Serving::new(&self.core, of);
            Box::pin(traced(span, async move {
                let mut answer = serving.$rpc(r).await;
                answer.diagnostics = diags_to_proto(&serving.diags);
                Ok(Response::new(answer))
            }))
        }
    )*};
}

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_schema(
        &self,
        _r: Request<pb::get_provider_schema::Request>,
    ) -> Resp<pb::get_provider_schema::Response> {
        let span = logging::rpc_span("GetProviderSchema", None, None);
        traced(span, async move {
            tracing::debug!(
                version = logging::VERSION,
                "serving the schema of terraform-provider-ocp {}",
                logging::VERSION
            );
            Ok(Response::new(self.schema.clone()))
        })
        .await
    }

    serve! {
        prepare_provider_config "PrepareProviderConfig";
        validate_resource_type_config "ValidateResourceTypeConfig" Resource;
        validate_data_source_config "ValidateDataSourceConfig" DataSource;
        upgrade_resource_state "UpgradeResourceState" Resource;
        configure "ConfigureProvider";
        read_resource "ReadResource" Resource;
        plan_resource_change "PlanResourceChange" Resource;
        apply_resource_change "ApplyResourceChange" Resource;
        import_resource_state "ImportResourceState" Resource;
        read_data_source "ReadDataSource" DataSource;
    }

    async fn stop(&self, _r: Request<pb::stop::Request>) -> Resp<pb::stop::Response> {
        let span = logging::rpc_span("StopProvider", None, None);
        traced(span, async move {
            self.core.stop();
            Ok(Response::new(pb::stop::Response {
                error: String::new(),
            }))
        })
        .await
    }
}

/// The Provisioner service: this plugin has no provisioners, and says so.
pub struct NoProvisioners;

fn no_provisioner() -> Vec<pb::Diagnostic> {
    let mut d = Diagnostics::new();
    d.error(
        "No Provisioners",
        "terraform-provider-ocp is a provider and has no provisioners.",
    );
    diags_to_proto(&d)
}

#[tonic::async_trait]
impl pb::provisioner_server::Provisioner for NoProvisioners {
    async fn get_schema(
        &self,
        _r: Request<pb::get_provisioner_schema::Request>,
    ) -> Resp<pb::get_provisioner_schema::Response> {
        Ok(Response::new(pb::get_provisioner_schema::Response {
            provisioner: None,
            diagnostics: no_provisioner(),
        }))
    }

    async fn validate_provisioner_config(
        &self,
        _r: Request<pb::validate_provisioner_config::Request>,
    ) -> Resp<pb::validate_provisioner_config::Response> {
        Ok(Response::new(pb::validate_provisioner_config::Response {
            diagnostics: no_provisioner(),
        }))
    }

    type ProvisionResourceStream = Pin<
        Box<dyn Stream<Item = Result<pb::provision_resource::Response, Status>> + Send + 'static>,
    >;

    async fn provision_resource(
        &self,
        _r: Request<pb::provision_resource::Request>,
    ) -> Resp<Self::ProvisionResourceStream> {
        let item = pb::provision_resource::Response {
            output: String::new(),
            diagnostics: no_provisioner(),
        };
        Ok(Response::new(Box::pin(tokio_stream::once(Ok(item)))))
    }

    async fn stop(&self, _r: Request<pb::stop::Request>) -> Resp<pb::stop::Response> {
        Ok(Response::new(pb::stop::Response {
            error: String::new(),
        }))
    }
}

/// go-plugin's GRPCController: Shutdown asks the process to exit.
pub struct Controller {
    /// Set to true on Shutdown; `handshake::serve` waits on it.
    pub shutdown: watch::Sender<bool>,
}

#[tonic::async_trait]
impl gp::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _r: Request<gp::Empty>) -> Resp<gp::Empty> {
        log::debug!("Shutdown received");
        let _ = self.shutdown.send(true);
        Ok(Response::new(gp::Empty {}))
    }
}

/// The sending side of one open stdio stream.
pub type StdioSender = mpsc::Sender<Result<gp::StdioData, Status>>;

/// go-plugin's GRPCStdio. This plugin writes its logs to stderr itself, so the stream carries
/// nothing; it stays open until shutdown as Terraform expects, then ends.
pub struct Stdio {
    /// Senders kept alive until shutdown; dropping them ends the streams.
    pub open: Arc<Mutex<Vec<StdioSender>>>,
}

#[tonic::async_trait]
impl gp::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = tokio_stream::wrappers::ReceiverStream<Result<gp::StdioData, Status>>;

    async fn stream_stdio(&self, _r: Request<()>) -> Resp<Self::StreamStdioStream> {
        let (tx, rx) = mpsc::channel(1);
        if let Ok(mut open) = self.open.lock() {
            open.push(tx);
        }
        Ok(Response::new(tokio_stream::wrappers::ReceiverStream::new(
            rx,
        )))
    }
}
