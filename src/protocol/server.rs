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
use crate::framework::core::ProviderCore;
use crate::framework::diag::Diagnostics;
use crate::logging;
use crate::value::Value;

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

    async fn prepare_provider_config(
        &self,
        r: Request<pb::prepare_provider_config::Request>,
    ) -> Resp<pb::prepare_provider_config::Response> {
        let span = logging::rpc_span("PrepareProviderConfig", None, None);
        traced(span, async move {
            let r = r.into_inner();
            let mut diags = Diagnostics::new();
            let ty = self.core.provider_schema().value_type();
            if let Some(config) =
                decode_dynamic(r.config.as_ref(), ty, "provider configuration", &mut diags)
            {
                diags.extend(self.core.validate_provider(&config));
            }
            Ok(Response::new(pb::prepare_provider_config::Response {
                prepared_config: r.config,
                diagnostics: diags_to_proto(&diags),
            }))
        })
        .await
    }

    async fn validate_resource_type_config(
        &self,
        r: Request<pb::validate_resource_type_config::Request>,
    ) -> Resp<pb::validate_resource_type_config::Response> {
        let span = logging::rpc_span(
            "ValidateResourceTypeConfig",
            Some(&r.get_ref().type_name),
            None,
        );
        traced(span, async move {
            let r = r.into_inner();
            let mut diags = Diagnostics::new();
            if let Some(schema) = self.core.resource_schema(&r.type_name, &mut diags) {
                if let Some(config) = decode_dynamic(
                    r.config.as_ref(),
                    schema.value_type(),
                    "configuration",
                    &mut diags,
                ) {
                    diags.extend(self.core.validate_resource(&r.type_name, &config));
                }
            }
            Ok(Response::new(pb::validate_resource_type_config::Response {
                diagnostics: diags_to_proto(&diags),
            }))
        })
        .await
    }

    async fn validate_data_source_config(
        &self,
        r: Request<pb::validate_data_source_config::Request>,
    ) -> Resp<pb::validate_data_source_config::Response> {
        let span = logging::rpc_span(
            "ValidateDataSourceConfig",
            None,
            Some(&r.get_ref().type_name),
        );
        traced(span, async move {
            let r = r.into_inner();
            let mut diags = Diagnostics::new();
            if let Some(schema) = self.core.data_source_schema(&r.type_name, &mut diags) {
                if let Some(config) = decode_dynamic(
                    r.config.as_ref(),
                    schema.value_type(),
                    "configuration",
                    &mut diags,
                ) {
                    diags.extend(self.core.validate_data_source(&r.type_name, &config));
                }
            }
            Ok(Response::new(pb::validate_data_source_config::Response {
                diagnostics: diags_to_proto(&diags),
            }))
        })
        .await
    }

    async fn upgrade_resource_state(
        &self,
        r: Request<pb::upgrade_resource_state::Request>,
    ) -> Resp<pb::upgrade_resource_state::Response> {
        let span = logging::rpc_span("UpgradeResourceState", Some(&r.get_ref().type_name), None);
        traced(span, async move {
            let r = r.into_inner();
            let mut diags = Diagnostics::new();
            let raw = r.raw_state.unwrap_or_default();
            let mut upgraded_state = None;
            if let Some(schema) = self.core.resource_schema(&r.type_name, &mut diags) {
                let ty = schema.value_type();
                let (v, d) = self.core.upgrade_resource_state(
                    &r.type_name,
                    r.version,
                    &raw.json,
                    !raw.flatmap.is_empty(),
                );
                diags.extend(d);
                if !diags.has_errors() {
                    upgraded_state = encode_dynamic(&v, ty, &mut diags);
                }
            }
            Ok(Response::new(pb::upgrade_resource_state::Response {
                upgraded_state,
                diagnostics: diags_to_proto(&diags),
            }))
        })
        .await
    }

    async fn configure(&self, r: Request<pb::configure::Request>) -> Resp<pb::configure::Response> {
        let span = logging::rpc_span("ConfigureProvider", None, None);
        traced(span, async move {
            let r = r.into_inner();
            log::info!("Configure (Terraform {})", r.terraform_version);
            let mut diags = Diagnostics::new();
            let ty = self.core.provider_schema().value_type();
            if let Some(config) =
                decode_dynamic(r.config.as_ref(), ty, "provider configuration", &mut diags)
            {
                diags.extend(self.core.configure(&config).await);
            }
            Ok(Response::new(pb::configure::Response {
                diagnostics: diags_to_proto(&diags),
            }))
        })
        .await
    }

    async fn read_resource(
        &self,
        r: Request<pb::read_resource::Request>,
    ) -> Resp<pb::read_resource::Response> {
        let span = logging::rpc_span("ReadResource", Some(&r.get_ref().type_name), None);
        traced(span, async move {
            let r = r.into_inner();
            let mut diags = Diagnostics::new();
            let mut resp = pb::read_resource::Response {
                new_state: r.current_state.clone(),
                diagnostics: Vec::new(),
                private: r.private.clone(),
            };
            if let Some(schema) = self.core.resource_schema(&r.type_name, &mut diags) {
                let ty = schema.value_type();
                if let Some(state) =
                    decode_dynamic(r.current_state.as_ref(), ty, "current state", &mut diags)
                {
                    let (new, private, d) = self
                        .core
                        .read_resource(&r.type_name, state, r.private)
                        .await;
                    diags.extend(d);
                    resp.private = private;
                    match new {
                        None => resp.new_state = encode_dynamic(&Value::Null, ty, &mut diags),
                        Some(v) if !diags.has_errors() => {
                            resp.new_state = encode_dynamic(&v, ty, &mut diags)
                        }
                        Some(_) => {}
                    }
                }
            }
            resp.diagnostics = diags_to_proto(&diags);
            Ok(Response::new(resp))
        })
        .await
    }

    async fn plan_resource_change(
        &self,
        r: Request<pb::plan_resource_change::Request>,
    ) -> Resp<pb::plan_resource_change::Response> {
        let span = logging::rpc_span("PlanResourceChange", Some(&r.get_ref().type_name), None);
        traced(span, async move {
            let r = r.into_inner();
            let mut diags = Diagnostics::new();
            let mut resp = pb::plan_resource_change::Response {
                planned_state: r.proposed_new_state.clone(),
                requires_replace: Vec::new(),
                planned_private: r.prior_private.clone(),
                diagnostics: Vec::new(),
                legacy_type_system: false,
            };
            if let Some(schema) = self.core.resource_schema(&r.type_name, &mut diags) {
                let ty = schema.value_type();
                let prior = decode_dynamic(r.prior_state.as_ref(), ty, "prior state", &mut diags);
                let proposed = decode_dynamic(
                    r.proposed_new_state.as_ref(),
                    ty,
                    "proposed new state",
                    &mut diags,
                );
                let config = decode_dynamic(r.config.as_ref(), ty, "configuration", &mut diags);
                if let (Some(prior), Some(proposed), Some(config)) = (prior, proposed, config) {
                    let mut p = self.core.plan_resource_change(
                        &r.type_name,
                        &prior,
                        &proposed,
                        &config,
                        &r.prior_private,
                    );
                    self.core
                        .check_plan(&r.type_name, &prior, &config, &r.prior_private, &mut p)
                        .await;
                    diags.extend(p.diags);
                    resp.planned_state = encode_dynamic(&p.planned, ty, &mut diags);
                    resp.requires_replace = p.requires_replace.iter().map(path_to_proto).collect();
                    resp.planned_private = p.private;
                }
            }
            resp.diagnostics = diags_to_proto(&diags);
            Ok(Response::new(resp))
        })
        .await
    }

    async fn apply_resource_change(
        &self,
        r: Request<pb::apply_resource_change::Request>,
    ) -> Resp<pb::apply_resource_change::Response> {
        let span = logging::rpc_span("ApplyResourceChange", Some(&r.get_ref().type_name), None);
        traced(span, async move {
            let r = r.into_inner();
            let mut diags = Diagnostics::new();
            let mut resp = pb::apply_resource_change::Response {
                new_state: r.prior_state.clone(),
                private: r.planned_private.clone(),
                diagnostics: Vec::new(),
                legacy_type_system: false,
            };
            if let Some(schema) = self.core.resource_schema(&r.type_name, &mut diags) {
                let ty = schema.value_type();
                let prior = decode_dynamic(r.prior_state.as_ref(), ty, "prior state", &mut diags);
                let planned =
                    decode_dynamic(r.planned_state.as_ref(), ty, "planned state", &mut diags);
                let config = decode_dynamic(r.config.as_ref(), ty, "configuration", &mut diags);
                if let (Some(prior), Some(planned), Some(config)) = (prior, planned, config) {
                    let (new, private, d) = self
                        .core
                        .apply_resource_change(
                            &r.type_name,
                            prior,
                            planned,
                            config,
                            r.planned_private,
                        )
                        .await;
                    diags.extend(d);
                    resp.new_state = encode_dynamic(&new, ty, &mut diags);
                    resp.private = private;
                }
            }
            resp.diagnostics = diags_to_proto(&diags);
            Ok(Response::new(resp))
        })
        .await
    }

    async fn import_resource_state(
        &self,
        r: Request<pb::import_resource_state::Request>,
    ) -> Resp<pb::import_resource_state::Response> {
        let span = logging::rpc_span("ImportResourceState", Some(&r.get_ref().type_name), None);
        traced(span, async move {
            let r = r.into_inner();
            let mut diags = Diagnostics::new();
            let mut imported = Vec::new();
            if let Some(schema) = self.core.resource_schema(&r.type_name, &mut diags) {
                let ty = schema.value_type();
                let (objs, d) = self.core.import_resource_state(&r.type_name, &r.id).await;
                diags.extend(d);
                for (type_name, state, private) in objs {
                    if let Some(state) = encode_dynamic(&state, ty, &mut diags) {
                        imported.push(pb::import_resource_state::ImportedResource {
                            type_name,
                            state: Some(state),
                            private,
                        });
                    }
                }
            }
            Ok(Response::new(pb::import_resource_state::Response {
                imported_resources: imported,
                diagnostics: diags_to_proto(&diags),
            }))
        })
        .await
    }

    async fn read_data_source(
        &self,
        r: Request<pb::read_data_source::Request>,
    ) -> Resp<pb::read_data_source::Response> {
        let span = logging::rpc_span("ReadDataSource", None, Some(&r.get_ref().type_name));
        traced(span, async move {
            let r = r.into_inner();
            let mut diags = Diagnostics::new();
            let mut state = None;
            if let Some(schema) = self.core.data_source_schema(&r.type_name, &mut diags) {
                let ty = schema.value_type();
                if let Some(config) =
                    decode_dynamic(r.config.as_ref(), ty, "configuration", &mut diags)
                {
                    let (v, d) = self.core.read_data_source(&r.type_name, config).await;
                    diags.extend(d);
                    if !diags.has_errors() {
                        state = encode_dynamic(&v, ty, &mut diags);
                    }
                }
            }
            Ok(Response::new(pb::read_data_source::Response {
                state,
                diagnostics: diags_to_proto(&diags),
            }))
        })
        .await
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
