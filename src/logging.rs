//! Structured logs with `tracing`, written to stderr in hclog's JSON line format, which
//! Terraform reads from every plugin and files under the provider's name, keeping each line's
//! level and its fields.
//!
//! Every gRPC call of the Provider service runs in a span ([`rpc_span`]) carrying the fields
//! Terraform's own plugin log library attaches (`tf_rpc`, `tf_req_id`, `tf_provider_addr`, and
//! `tf_resource_type` or `tf_data_source_type`); the OCP client adds a span with `ocp_task_id`
//! while it waits for a task, and logs each HTTP call with `ocp_method`, `ocp_path`,
//! `ocp_status` and `ocp_duration_ms`. Each line carries the fields of every span it was
//! logged in, so a debug log can be filtered per resource, per request or per task. Records of
//! the `log` crate are turned into `tracing` events, so they carry the same fields.
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG` (TRACE, DEBUG, INFO, WARN, ERROR;
//! `JSON` means TRACE; anything else turns logging off), just as Terraform filters provider
//! logs. The provider's own events pass at that level; those of its dependencies (gRPC, HTTP,
//! TLS) only at WARN and above, since their debug output is per frame.
//!
//! Never log secrets: callers log ids, paths and statuses, and `client::Secret` prints `***`.

use std::io::Write;
use std::sync::Arc;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_log::NormalizeEvent;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// The provider's address in the registry, as Terraform names it (`tf_provider_addr`).
pub const PROVIDER_ADDR: &str = "registry.terraform.io/oceanbase/ocp";

/// The provider's version: the one in `Cargo.toml`, which the release artifacts, the mirror
/// layout and `--version` use too.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Targets of the provider's own events start with this.
const OWN_TARGET: &str = "terraform_provider_ocp";

/// The `@module` of every line.
const MODULE: &str = "terraform-provider-ocp";

/// The level a `TF_LOG`-style value selects.
pub fn level_from(value: Option<&str>) -> LevelFilter {
    match value.map(|v| v.trim().to_ascii_uppercase()).as_deref() {
        Some("TRACE") | Some("JSON") => LevelFilter::TRACE,
        Some("DEBUG") => LevelFilter::DEBUG,
        Some("INFO") => LevelFilter::INFO,
        Some("WARN") => LevelFilter::WARN,
        Some("ERROR") => LevelFilter::ERROR,
        _ => LevelFilter::OFF,
    }
}

/// The `log` crate's filter for the same level.
fn log_level(level: LevelFilter) -> log::LevelFilter {
    match level.into_level() {
        Some(Level::TRACE) => log::LevelFilter::Trace,
        Some(Level::DEBUG) => log::LevelFilter::Debug,
        Some(Level::INFO) => log::LevelFilter::Info,
        Some(Level::WARN) => log::LevelFilter::Warn,
        Some(Level::ERROR) => log::LevelFilter::Error,
        None => log::LevelFilter::Off,
    }
}

/// hclog's timestamp layout, `2006-01-02T15:04:05.000000Z07:00` in Go terms. go-plugin parses
/// `@timestamp` with exactly this layout: a line whose timestamp has another precision is not
/// recognised as JSON and loses its level.
const TIMESTAMP: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
);

/// The hclog timestamp of a UTC instant.
pub fn timestamp(t: time::OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(TIMESTAMP)
        .unwrap_or_default()
}

/// hclog's name of a level.
fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// A fresh request id (`tf_req_id`): a random UUID (version 4), as Terraform's plugin log
/// library gives each request.
pub fn request_id() -> String {
    let mut b = fastrand::u128(..);
    b = (b & !(0xF << 76)) | (0x4 << 76);
    b = (b & !(0x3 << 62)) | (0x2 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        b >> 96,
        (b >> 80) & 0xFFFF,
        (b >> 64) & 0xFFFF,
        (b >> 48) & 0xFFFF,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// The span of one Provider RPC, named as `tfprotov5` names it (`ApplyResourceChange`), with a
/// fresh `tf_req_id`. `resource_type` or `data_source_type` is the request's type name.
pub fn rpc_span(
    rpc: &'static str,
    resource_type: Option<&str>,
    data_source_type: Option<&str>,
) -> tracing::Span {
    tracing::info_span!(
        "rpc",
        tf_rpc = rpc,
        tf_req_id = %request_id(),
        tf_provider_addr = PROVIDER_ADDR,
        tf_resource_type = resource_type,
        tf_data_source_type = data_source_type,
    )
}

/// Where finished lines go.
pub type Sink = Arc<dyn Fn(&str) + Send + Sync>;

/// The `tracing` layer that writes hclog JSON lines.
pub struct HclogLayer {
    level: LevelFilter,
    sink: Sink,
}

/// The fields recorded on a span, in the order they were recorded.
struct SpanFields(Map<String, Value>);

/// Collects an event's or a span's fields as JSON; the `message` apart.
#[derive(Default)]
struct JsonVisitor {
    message: Option<String>,
    fields: Map<String, Value>,
}

impl JsonVisitor {
    fn put(&mut self, field: &Field, value: Value) {
        let name = field.name();
        // `log` records turned into events carry their origin as `log.*` fields.
        if name.starts_with("log.") {
            return;
        }
        if name == "message" {
            self.message = Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
        } else {
            self.fields.insert(name.to_owned(), value);
        }
    }
}

impl Visit for JsonVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::String(value.to_owned()));
    }

    // Integers go as strings: go-plugin reads JSON numbers as floats and Terraform would print
    // a task id such as 2000001 as `2.000001e+06`.
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::String(value.to_string()));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::String(value.to_string()));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::Bool(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        let v = serde_json::Number::from_f64(value)
            .map_or_else(|| Value::String(value.to_string()), Value::Number);
        self.put(field, v);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field, Value::String(format!("{value:?}")));
    }
}

impl HclogLayer {
    /// A layer that passes lines at `level` to `sink`.
    pub fn new(level: LevelFilter, sink: Sink) -> HclogLayer {
        HclogLayer { level, sink }
    }

    /// A layer that writes lines at `level` to stderr.
    pub fn stderr(level: LevelFilter) -> HclogLayer {
        HclogLayer::new(
            level,
            Arc::new(|line: &str| {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "{line}");
            }),
        )
    }

    /// Whether spans and events of `meta` are wanted: the provider's own at the level, other
    /// crates' at WARN and above. Spans carry fields only, so the provider's are always kept.
    fn wants(&self, meta: &Metadata<'_>) -> bool {
        if self.level == LevelFilter::OFF {
            return false;
        }
        let own = meta.target().starts_with(OWN_TARGET);
        if meta.is_span() {
            return own;
        }
        let cap = if own {
            self.level
        } else {
            self.level.min(LevelFilter::WARN)
        };
        *meta.level() <= cap
    }
}

impl<S> Layer<S> for HclogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if self.wants(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        self.wants(meta)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        // Spans are kept at every level (they only carry fields), so the hint cannot be lower.
        Some(if self.level == LevelFilter::OFF {
            LevelFilter::OFF
        } else {
            LevelFilter::TRACE
        })
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut v = JsonVisitor::default();
        attrs.record(&mut v);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(v.fields));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        let mut ext = span.extensions_mut();
        if let Some(fields) = ext.get_mut::<SpanFields>() {
            let mut v = JsonVisitor {
                message: None,
                fields: std::mem::take(&mut fields.0),
            };
            values.record(&mut v);
            fields.0 = v.fields;
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let normalized = event.normalized_metadata();
        let meta = normalized.as_ref().unwrap_or_else(|| event.metadata());
        if !self.wants(meta) {
            return;
        }
        let mut obj = Map::new();
        obj.insert("@level".into(), level_name(meta.level()).into());
        obj.insert("@module".into(), MODULE.into());
        obj.insert(
            "@timestamp".into(),
            timestamp(time::OffsetDateTime::now_utc()).into(),
        );
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(fields) = span.extensions().get::<SpanFields>() {
                    for (k, v) in &fields.0 {
                        obj.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        let mut v = JsonVisitor::default();
        event.record(&mut v);
        obj.extend(v.fields);
        obj.insert("@message".into(), v.message.unwrap_or_default().into());
        obj.insert("target".into(), meta.target().into());
        (self.sink)(&Value::Object(obj).to_string());
    }
}

/// A subscriber writing hclog lines at `level` to `sink` (tests use it with a collecting sink).
pub fn subscriber(level: LevelFilter, sink: Sink) -> impl Subscriber + Send + Sync {
    tracing_subscriber::registry().with(HclogLayer::new(level, sink))
}

/// Installs the logging once per process: the level from `TF_LOG_PROVIDER` / `TF_LOG`, lines
/// to stderr, and `log` records forwarded to `tracing`. Nothing is installed when logging is
/// off.
pub fn init() {
    let tf_log_provider = std::env::var("TF_LOG_PROVIDER").ok();
    let tf_log = std::env::var("TF_LOG").ok();
    let level = level_from(tf_log_provider.as_deref().or(tf_log.as_deref()));
    if level == LevelFilter::OFF {
        return;
    }
    let subscriber = tracing_subscriber::registry().with(HclogLayer::stderr(level));
    if tracing::subscriber::set_global_default(subscriber).is_ok() {
        let _ = tracing_log::LogTracer::builder()
            .with_max_level(log_level(level))
            .init();
    }
}

#[cfg(test)]
mod tests;
