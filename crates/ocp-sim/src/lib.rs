//! `ocp-sim`: an HTTP simulator of the OceanBase Cloud Platform (OCP) REST API v2.
//!
//! It follows `shared/reference/ocp-api.md` (the "reference"; section numbers such as §1.3 or
//! §5 #21 below refer to it) and is used by terraform-provider-ocp's tests and demos. Where the
//! reference marks something as inferred or §5 proposes an answer, the simulator takes that answer
//! and says so where it is implemented.
//!
//! * [`Sim`] runs the server in the background of the current tokio runtime;
//!   [`app`] builds the bare [`axum::Router`].
//! * Every `/api/v2/**` request needs HTTP Basic auth ([`SimConfig`]) and is answered with the
//!   OCP envelope ([`envelope`]); lists are paged ([`paging`]).
//! * Async writes return TaskInstances driven by the task engine ([`tasks`]).
//! * Databases, OB users, roles and privileges of tenants: [`db_objects`] (model, shapes) and
//!   [`routes::db_objects`] (HTTP).
//! * Backup strategies, schedules, backupNow and backup task lists: [`backup`] (model, rules,
//!   shapes) and [`routes::backup`] (HTTP).
//! * Regions, IDCs, host types, credentials, hosts and the cluster topology writes (create/delete
//!   cluster, zones, OBServers): [`infra`] (rules, models) and [`routes::compute_writes`] /
//!   [`routes::cluster_writes`] (HTTP).
//! * `/_sim/**` is the simulator's own admin API (fault injection, request counters,
//!   [`routes::admin`]); the same knobs are methods of [`SharedState`].
//!
//! Middleware order for a request: request accounting (outermost) → injected HTTP faults →
//! state saving (`--state-file`, [`persist`]) → authentication → routing. So faulted, reset and
//! unauthorised requests are counted, injected faults hit before authentication, like a proxy
//! in front of OCP would, and a request whose answer is dropped after the handler ran has its
//! state saved first.
//!
//! [`Sim`] serves with its own accept loop (hyper HTTP/1.1, optionally TLS via rustls) so that a
//! fault can close a connection without any answer ([`DropConnection`]).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;

pub mod aksk;
pub mod clock;
pub mod domain;
pub mod envelope;
pub mod error;
pub mod faults;
pub mod paging;
pub mod persist;
pub mod render;
pub mod routes;
pub mod shape_chaos;
pub mod shared;
pub mod state;
pub mod util;

pub use clock::{Clock, ClockKind};
pub use envelope::{Api, ApiResult};
pub use error::ApiError;
pub use faults::{FaultKind, HttpFault, Phase, TaskFault};
pub use shared::SharedState;
pub use state::task::{TaskSpec, TaskStatus};
pub use state::{SimConfig, Store};

/// OCP version reported by `GET /api/v2/info` and `ocpClusterView.version`.
pub const OCP_VERSION: &str = "4.3.6";

fn is_api(path: &str) -> bool {
    path == "/api/v2" || path.starts_with("/api/v2/")
}

fn is_admin(path: &str) -> bool {
    path == "/_sim" || path.starts_with("/_sim/")
}

/// Marker in the extensions of a response whose connection must be closed without sending
/// it (injected `Reset` faults). [`Sim`]'s server honours it; when [`app`] is embedded in
/// another server, such a response is an empty 502.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DropConnection;

fn dropped_response() -> Response {
    let mut resp = StatusCode::BAD_GATEWAY.into_response();
    resp.extensions_mut().insert(DropConnection);
    resp
}

/// Outermost layer: sets the request start time (for `duration`) and counts API requests.
async fn accounting(State(st): State<SharedState>, req: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let path = req.uri().path().to_string();
    let seq = (!is_admin(&path))
        .then(|| st.record_request(req.method().as_str(), &path, req.uri().query()));
    let resp = envelope::REQUEST_START.scope(start, next.run(req)).await;
    if let Some(seq) = seq {
        if resp.extensions().get::<DropConnection>().is_some() {
            st.record_dropped(seq);
        } else {
            st.record_status(seq, resp.status().as_u16());
        }
    }
    resp
}

fn action_response(action: faults::FaultAction) -> Response {
    match action {
        faults::FaultAction::Error(e) => e.into_response(),
        faults::FaultAction::Reset => dropped_response(),
        faults::FaultAction::Garbage {
            status,
            body,
            content_type,
        } => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut resp = (code, body).into_response();
            let ct = HeaderValue::from_str(&content_type)
                .unwrap_or_else(|_| HeaderValue::from_static("application/json"));
            resp.headers_mut().insert(header::CONTENT_TYPE, ct);
            resp
        }
    }
}

/// Injected HTTP faults: delay, then an answer instead of the handler; or the handler run to
/// completion (in its own task, so it finishes even if the client goes away), then a delay
/// and/or a replaced answer.
async fn inject_faults(State(st): State<SharedState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if is_admin(path) {
        return next.run(req).await;
    }
    let plan = st.take_faults(req.method().as_str(), path);
    if let Some(ms) = plan.delay_before {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    if let Some(action) = plan.before {
        return action_response(action);
    }
    if !plan.acts_after() {
        return next.run(req).await;
    }
    let start = envelope::REQUEST_START.try_with(|s| *s).ok();
    let handler = next.run(req);
    let task = tokio::spawn(async move {
        match start {
            Some(s) => envelope::REQUEST_START.scope(s, handler).await,
            None => handler.await,
        }
    });
    let resp = match task.await {
        Ok(r) => r,
        Err(_) => ApiError::internal("the request handler failed").into_response(),
    };
    if let Some(ms) = plan.delay_after {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    match plan.after {
        Some(action) => action_response(action),
        None => resp,
    }
}

/// Saves the state after requests that changed it (`--state-file`): any non-GET answered 2xx,
/// or any request during which task progress changed the state.
async fn persist_state(State(st): State<SharedState>, req: Request, next: Next) -> Response {
    if st.state_file().is_none() || is_admin(req.uri().path()) {
        return next.run(req).await;
    }
    let read_only = req.method() == Method::GET || req.method() == Method::HEAD;
    let resp = next.run(req).await;
    st.persist_after_request(!read_only && resp.status().is_success());
    resp
}

/// Authentication on `/api/v2/**`: HTTP Basic (§1.2 A), and AK/SK signatures (§1.2 B) with the
/// access key of `--access-key` (see [`aksk`]; without one they are answered with 401).
async fn authenticate(State(st): State<SharedState>, req: Request, next: Next) -> Response {
    if !is_api(req.uri().path()) {
        return next.run(req).await;
    }
    let cfg = st.config();
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some((scheme, cred)) = header.as_deref().and_then(|h| h.split_once(' ')) {
        if scheme == aksk::SCHEME {
            let (parts, body) = req.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, 16 << 20).await else {
                return ApiError::bad_request("the request body could not be read").into_response();
            };
            let key = cfg.access_key.as_ref();
            let (m, u, h) = (&parts.method, &parts.uri, &parts.headers);
            return match aksk::verify(key, cred, m, u, h, &bytes) {
                Ok(()) => next.run(Request::from_parts(parts, bytes.into())).await,
                Err(msg) => ApiError::unauthorized(msg).into_response(),
            };
        }
    }
    let verdict = match header.as_deref() {
        None => Err("Full authentication is required to access this resource"),
        Some(h) => match h.split_once(' ') {
            Some((scheme, cred)) if scheme.eq_ignore_ascii_case("basic") => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(cred.trim())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok());
                match decoded.as_deref().and_then(|s| s.split_once(':')) {
                    Some((u, p)) if u == cfg.username && p == cfg.password => Ok(()),
                    _ => Err("Bad credentials"),
                }
            }
            Some((scheme, _)) if scheme.starts_with("OCP-ACCESS-KEY") => {
                Err("Unsupported access key signature scheme")
            }
            _ => Err("Unsupported authorization scheme"),
        },
    };
    match verdict {
        Ok(()) => next.run(req).await,
        Err(msg) => ApiError::unauthorized(msg).into_response(),
    }
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        404,
        "NOT_FOUND",
        format!("No handler found for {method} {}", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        405,
        "METHOD_NOT_ALLOWED",
        format!("Request method '{method}' not supported for {}", uri.path()),
    )
}

/// The complete router (API, admin API, fallbacks and middleware) over `state`.
pub fn app(state: SharedState) -> Router {
    Router::new()
        .merge(routes::api())
        .merge(routes::admin::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            shape_chaos::rewrite,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(middleware::from_fn_with_state(state.clone(), persist_state))
        .layer(middleware::from_fn_with_state(state.clone(), inject_faults))
        .layer(middleware::from_fn_with_state(state.clone(), accounting))
        .with_state(state)
}

/// Error returned to hyper for a response marked [`DropConnection`]: hyper then closes the
/// connection without writing anything.
#[derive(Debug)]
struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for ConnectionDropped {}

/// Serve one connection until it ends, or gracefully stop it once `close` turns true.
async fn serve_connection<I>(io: I, router: Router, mut close: tokio::sync::watch::Receiver<bool>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let mut router = router.clone();
        async move {
            let resp = match tower_service::Service::call(&mut router, req).await {
                Ok(r) => r,
                Err(never) => match never {},
            };
            if resp.extensions().get::<DropConnection>().is_some() {
                Err(ConnectionDropped)
            } else {
                Ok(resp)
            }
        }
    });
    // No timer: like `axum::serve`, no header read timeout on idle keep-alive connections.
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, svc);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = async { let _ = close.wait_for(|c| *c).await; } => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.as_mut().await;
        }
    }
}

/// Accept loop: serve every connection (TLS first when configured) until `shutdown`, then stop
/// accepting, let open connections finish their in-flight request and wait for them.
async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) -> std::io::Result<()> {
    let (close_tx, close_rx) = tokio::sync::watch::channel(false);
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            r = listener.accept() => r,
        };
        let tcp = match accepted {
            Ok((tcp, _)) => tcp,
            Err(_) => {
                // E.g. too many open files: back off instead of spinning.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let router = router.clone();
        let close = close_rx.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve_connection(hyper_util::rt::TokioIo::new(tcp), router, close).await,
                Some(acceptor) => {
                    let handshake = tokio::time::timeout(
                        std::time::Duration::from_secs(10),
                        acceptor.accept(tcp),
                    )
                    .await;
                    if let Ok(Ok(stream)) = handshake {
                        serve_connection(hyper_util::rt::TokioIo::new(stream), router, close).await;
                    }
                }
            }
        });
    }
    drop(listener);
    drop(close_rx);
    let _ = close_tx.send(true);
    close_tx.closed().await;
    Ok(())
}

fn invalid_input(msg: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, msg)
}

/// A TLS acceptor for a PEM certificate chain and a PEM private key (PKCS#8, PKCS#1 or SEC1),
/// with rustls' aws-lc-rs provider, HTTP/1.1 only.
pub fn tls_acceptor(cert: &Path, key: &Path) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| {
            invalid_input(format!(
                "cannot read the TLS certificate {}: {e}",
                cert.display()
            ))
        })?;
    if certs.is_empty() {
        return Err(invalid_input(format!(
            "no PEM certificate found in {}",
            cert.display()
        )));
    }
    let private_key = PrivateKeyDer::from_pem_file(key).map_err(|e| {
        invalid_input(format!(
            "cannot read the TLS private key {}: {e}",
            key.display()
        ))
    })?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid_input(format!("TLS setup failed: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, private_key)
        .map_err(|e| {
            invalid_input(format!(
                "the TLS certificate {} and key {} do not form a usable pair: {e}",
                cert.display(),
                key.display()
            ))
        })?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(cfg)))
}

fn tls_from_config(cfg: &SimConfig) -> std::io::Result<Option<tokio_rustls::TlsAcceptor>> {
    match (&cfg.tls_cert, &cfg.tls_key) {
        (None, None) => Ok(None),
        (Some(cert), Some(key)) => tls_acceptor(cert, key).map(Some),
        (Some(_), None) => Err(invalid_input(
            "a TLS certificate needs a private key (--tls-key / SimConfig::tls_key)".into(),
        )),
        (None, Some(_)) => Err(invalid_input(
            "a TLS private key needs a certificate (--tls-cert / SimConfig::tls_cert)".into(),
        )),
    }
}

/// A running simulator; dropping it stops the server (gracefully: no new connections, open
/// ones are closed once their in-flight request is answered).
#[derive(Debug)]
pub struct Sim {
    addr: SocketAddr,
    tls: bool,
    state: SharedState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Sim {
    /// Bind `127.0.0.1:0` and serve in the background on the current tokio runtime.
    pub async fn start(cfg: SimConfig) -> std::io::Result<Sim> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        Self::start_on(listener, cfg).await
    }

    /// Serve on an already bound listener in the background on the current tokio runtime.
    /// Fails when the TLS files or the state file cannot be used.
    pub async fn start_on(
        listener: tokio::net::TcpListener,
        cfg: SimConfig,
    ) -> std::io::Result<Sim> {
        let addr = listener.local_addr()?;
        let tls = tls_from_config(&cfg)?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let state = SharedState::try_new(cfg)?;
        state.with_store(|s| s.ocp_address = format!("{scheme}://{addr}"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = app(state.clone());
        let is_tls = tls.is_some();
        let handle = tokio::spawn(serve(listener, router, tls, rx));
        Ok(Sim {
            addr,
            tls: is_tls,
            state,
            shutdown: Some(tx),
            handle: Some(handle),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL, e.g. `http://127.0.0.1:41234` (`https://...` when serving TLS).
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Handle on the state, to inspect/mutate the store, inject faults and read counters.
    pub fn state(&self) -> SharedState {
        self.state.clone()
    }

    /// Stop the server and wait until it has shut down.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.handle.take() {
            Some(h) => h.await.unwrap_or(Ok(())),
            None => Ok(()),
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
