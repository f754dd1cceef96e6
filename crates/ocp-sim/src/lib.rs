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
//! authentication → routing. So faulted and unauthorised requests are counted, and injected
//! faults hit before authentication, like a proxy in front of OCP would.

use std::net::SocketAddr;

use axum::extract::{Request, State};
use axum::http::{header, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;

pub mod backup;
pub mod db_objects;
pub mod envelope;
pub mod faults;
pub mod infra;
pub mod paging;
pub mod render;
pub mod routes;
pub mod state;
pub mod tasks;
pub mod tenant_rules;
pub mod util;

pub use envelope::{Api, ApiError, ApiResult};
pub use faults::{FaultKind, HttpFault, TaskFault};
pub use state::{SharedState, SimConfig, Store};
pub use tasks::{TaskSpec, TaskStatus};

/// OCP version reported by `GET /api/v2/info` and `ocpClusterView.version`.
pub const OCP_VERSION: &str = "4.3.6";

fn is_api(path: &str) -> bool {
    path == "/api/v2" || path.starts_with("/api/v2/")
}

fn is_admin(path: &str) -> bool {
    path == "/_sim" || path.starts_with("/_sim/")
}

/// Outermost layer: sets the request start time (for `duration`) and counts API requests.
async fn accounting(State(st): State<SharedState>, req: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let path = req.uri().path().to_string();
    let seq = (!is_admin(&path))
        .then(|| st.record_request(req.method().as_str(), &path, req.uri().query()));
    let resp = envelope::REQUEST_START.scope(start, next.run(req)).await;
    if let Some(seq) = seq {
        st.record_status(seq, resp.status().as_u16());
    }
    resp
}

/// Injected HTTP faults (delay, then failure).
async fn inject_faults(State(st): State<SharedState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if is_admin(path) {
        return next.run(req).await;
    }
    let (delay, error) = st.take_faults(req.method().as_str(), path);
    if let Some(ms) = delay {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    match error {
        Some(e) => e.into_response(),
        None => next.run(req).await,
    }
}

/// HTTP Basic authentication on `/api/v2/**` (§1.2 A). AK/SK signatures (§1.2 B) are not
/// accepted (answered with 401).
async fn authenticate(State(st): State<SharedState>, req: Request, next: Next) -> Response {
    if !is_api(req.uri().path()) {
        return next.run(req).await;
    }
    let cfg = st.config();
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let verdict = match header {
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
                Err("AK/SK authentication is not enabled on this server")
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
        axum::http::StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("No handler found for {method} {}", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
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
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(middleware::from_fn_with_state(state.clone(), inject_faults))
        .layer(middleware::from_fn_with_state(state.clone(), accounting))
        .with_state(state)
}

/// A running simulator; dropping it stops the server (gracefully: no new connections, open
/// ones are closed once their in-flight request is answered).
#[derive(Debug)]
pub struct Sim {
    addr: SocketAddr,
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
    pub async fn start_on(
        listener: tokio::net::TcpListener,
        cfg: SimConfig,
    ) -> std::io::Result<Sim> {
        let addr = listener.local_addr()?;
        let state = SharedState::new(cfg);
        state.with_store(|s| s.ocp_address = format!("http://{addr}"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = app(state.clone());
        let handle = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
        });
        Ok(Sim {
            addr,
            state,
            shutdown: Some(tx),
            handle: Some(handle),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
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
