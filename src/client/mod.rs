//! The one shared OCP HTTP client: authentication, the envelope, retries, paging and the task
//! waiter.
//!
//! One [`OcpClient`] (one `reqwest` connection pool) exists per configured provider; clones
//! share it. Every request carries HTTP Basic credentials (ocp-api.md §1.2 A), the configured
//! user agent and the per-request timeout. Retrying follows design rule R2 and lives in
//! [`retry`]: GET, PUT, DELETE and [`OcpClient::send_json`] repeat on transient failures;
//! [`OcpClient::post_create`] never repeats a create without first looking the object up;
//! [`OcpClient::post_once`] never repeats at all.
//!
//! Logging uses the `log` crate: method, path, status and duration at debug level. Bodies and
//! headers are never logged, and error texts never contain the password (rule R5).
//!
//! This module must not know about Terraform: it returns typed [`ClientError`]s and leaves the
//! wording of diagnostics to the resources.

pub mod api;
pub mod coalesce;
mod de;
pub mod envelope;
pub mod error;
pub mod field;
pub mod retry;
pub mod secret;
pub mod signing;
pub mod task;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{
    HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, DATE, LOCATION, RETRY_AFTER,
};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use self::envelope::CallContext;
pub use self::error::{ClientError, TransportKind};
pub use self::field::{FieldStep, OcpField};
pub use self::retry::RetryPolicy;
pub use self::secret::Secret;
pub use self::signing::AccessKey;
pub use self::task::{SubtaskInstance, TaskInstance, TaskScope, WaitOptions};

/// Default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!("terraform-provider-ocp/", env!("CARGO_PKG_VERSION"));
/// Default per-request timeout.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default number of retries of a transient failure.
pub const DEFAULT_MAX_RETRIES: u32 = 4;
/// Default page size of [`OcpClient::list_all`].
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// Largest answer body accepted (rule R5: size limits on decoding).
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// Most pages [`OcpClient::list_all`] reads before it gives up (guards against a server that
/// ignores `page`).
const MAX_PAGES: u32 = 10_000;

/// Settings of one client.
#[derive(Clone)]
pub struct ClientConfig {
    /// OCP base URL: `http(s)://host[:port]`, no path beyond `/`.
    pub endpoint: String,
    /// OCP login user.
    pub username: String,
    /// Its password.
    pub password: Secret,
    /// An OCP access key: when set, every request is signed with it (AK/SK, §1.2 B) instead
    /// of sending the user and password.
    pub access_key: Option<AccessKey>,
    /// PEM bundle of extra trusted CAs (added to the system roots).
    pub ca_cert_pem: Option<Vec<u8>>,
    /// Accept any server certificate (test installations only).
    pub insecure: bool,
    /// Timeout of one HTTP request, body included.
    pub request_timeout: Duration,
    /// Retries of a transient failure after the first attempt.
    pub max_retries: u32,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl ClientConfig {
    /// A configuration with the defaults for everything but the endpoint and credentials.
    pub fn new(
        endpoint: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        ClientConfig {
            endpoint: endpoint.into(),
            username: username.into(),
            password: password.into(),
            access_key: None,
            ca_cert_pem: None,
            insecure: false,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
        }
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("endpoint", &self.endpoint)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("ca_cert_pem", &self.ca_cert_pem.as_ref().map(Vec::len))
            .field("insecure", &self.insecure)
            .field("request_timeout", &self.request_timeout)
            .field("max_retries", &self.max_retries)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// The outcome of [`OcpClient::post_create`].
///
/// Design rule R2 in one place: an object is adopted only when this same create sent the POST,
/// got no answer (lost, reset, timed out, 5xx), and a look-up then found it. An object that
/// existed before the create is [`Created::Existing`], which every resource turns into an error
/// naming the object and the `terraform import` command, never into state. (ocp-api.md §5 #20
/// proposes that "the provider imports instead of recreating"; R2 sharpens that: the *user*
/// imports, Terraform never takes over an object on its own.)
#[derive(Debug, Clone, PartialEq)]
pub enum Created<T, L = T> {
    /// OCP accepted the create; its answer.
    New(T),
    /// This call's own POST got no answer, and the look-up found the object: this call made
    /// it. The caller still checks that it matches the plan before recording it.
    Adopted(L),
    /// The object existed before this call: the look-up before the first POST found it, or
    /// OCP answered the first POST "already exists" and the look-up found it. Never adopt it.
    Existing(L),
}

#[cfg(test)]
impl<T: fmt::Debug, L: fmt::Debug> Created<T, L> {
    /// Whether the object was adopted rather than created by this call.
    pub(crate) fn is_adopted(&self) -> bool {
        matches!(self, Created::Adopted(_))
    }

    /// The answer of a create that made the object; panics otherwise.
    pub(crate) fn expect_new(self) -> T {
        match self {
            Created::New(t) => t,
            other => panic!("expected a new object, got {other:?}"),
        }
    }

    /// The object adopted after a lost answer; panics otherwise.
    pub(crate) fn expect_adopted(self) -> L {
        match self {
            Created::Adopted(l) => l,
            other => panic!("expected adoption after a lost answer, got {other:?}"),
        }
    }

    /// The object found to exist before the create; panics otherwise.
    pub(crate) fn expect_existing(self) -> L {
        match self {
            Created::Existing(l) => l,
            other => panic!("expected an object that existed before, got {other:?}"),
        }
    }
}

/// The shared OCP client. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct OcpClient {
    inner: Arc<Inner>,
    /// Reads for a refresh, which may be served from coalesced lists (`for_refresh`).
    refresh: bool,
}

struct Inner {
    http: reqwest::Client,
    /// Normalised endpoint, no trailing slash; also the prefix of every URL.
    endpoint: String,
    username: String,
    password: Secret,
    /// The access key and the host it signs (`host[:port]` of the endpoint, as the `Host`
    /// header carries it), when requests are signed.
    signer: Option<(AccessKey, String)>,
    policy: RetryPolicy,
    request_timeout: Duration,
    coalescer: coalesce::Coalescer,
    /// Modes of the tenants seen, by (cluster id, tenant id) (`tenant_mode`).
    modes: std::sync::Mutex<std::collections::HashMap<(i64, i64), String>>,
}

impl fmt::Debug for OcpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OcpClient")
            .field("endpoint", &self.inner.endpoint)
            .field("username", &self.inner.username)
            .finish_non_exhaustive()
    }
}

/// A failed attempt, with the server's `Retry-After` when it sent one.
struct Failure {
    error: ClientError,
    retry_after: Option<Duration>,
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Self {
        Failure {
            error,
            retry_after: None,
        }
    }
}

fn method_name(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        _ => "OTHER",
    }
}

/// `host[:port]` of a validated endpoint, as the `Host` header carries it (the port only when
/// the endpoint names one): what a signed request signs (`client::signing`).
fn signed_host(endpoint: &str) -> String {
    let authority = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest);
    authority.trim_end_matches('/').to_string()
}

/// Checks the endpoint and returns it normalised (`scheme://host[:port]`): the one rule of
/// the provider's `endpoint` (its plan-time check calls it too).
pub fn validate_endpoint(raw: &str) -> Result<String, ClientError> {
    let bad = |message: String| ClientError::Config {
        field: "endpoint",
        message,
    };
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(bad(
            "it is empty; set it to OCP's base URL, such as http://ocp.example.com:8080".into(),
        ));
    }
    let url = Url::parse(trimmed).map_err(|e| {
        bad(format!(
            "{trimmed:?} is not a URL ({e}); use the form http://ocp.example.com:8080"
        ))
    })?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(bad(format!(
            "{trimmed:?} must start with http:// or https://"
        )));
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(bad(format!("{trimmed:?} has no host name")));
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "the URL must not contain credentials; set username and password instead".into(),
        ));
    }
    if url.path() != "/" && !url.path().is_empty() {
        return Err(bad(format!(
            "{trimmed:?} must not contain a path ({:?}); give only scheme, host and port, the client adds /api/v2/...",
            url.path()
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad(format!(
            "{trimmed:?} must not contain a query or fragment"
        )));
    }
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    Ok(match url.port() {
        Some(p) => format!("{}://{host}:{p}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    })
}

/// The innermost cause of an error: the most specific text (`Connection refused (os error
/// 111)`, `invalid peer certificate: UnknownIssuer`), without reqwest's wrapper texts.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !s.is_empty() {
            innermost = s;
        }
        cur = e.source();
    }
    innermost
}

fn has_io_kind(err: &(dyn std::error::Error + 'static), kinds: &[std::io::ErrorKind]) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if kinds.contains(&io.kind()) {
                return true;
            }
        }
        cur = e.source();
    }
    false
}

impl OcpClient {
    /// Builds the client: validates the endpoint, loads the CA bundle, sets up TLS.
    pub fn new(cfg: ClientConfig) -> Result<OcpClient, ClientError> {
        let endpoint = validate_endpoint(&cfg.endpoint)?;
        if cfg.username.trim().is_empty() {
            return Err(ClientError::Config {
                field: "username",
                message: "it is empty; set the OCP login user, such as admin".into(),
            });
        }
        if cfg.request_timeout.is_zero() {
            return Err(ClientError::Config {
                field: "request_timeout",
                message: "it must be longer than zero".into(),
            });
        }
        let user_agent = if cfg.user_agent.trim().is_empty() {
            DEFAULT_USER_AGENT.to_owned()
        } else {
            cfg.user_agent.clone()
        };
        let ua = HeaderValue::from_str(&user_agent).map_err(|_| ClientError::Config {
            field: "user_agent",
            message: "it contains characters not allowed in an HTTP header".into(),
        })?;
        let mut builder = reqwest::Client::builder()
            .user_agent(ua)
            .timeout(cfg.request_timeout)
            .connect_timeout(cfg.request_timeout.min(Duration::from_secs(15)))
            // Never follow redirects: a redirect would carry the credentials elsewhere, and
            // an http→https redirect is better fixed in the endpoint (the error says so).
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(60));
        if let Some(pem) = &cfg.ca_cert_pem {
            let certs =
                reqwest::Certificate::from_pem_bundle(pem).map_err(|e| ClientError::Config {
                    field: "ca_cert_file",
                    message: format!("the CA certificate is not a valid PEM bundle ({e})"),
                })?;
            if certs.is_empty() {
                return Err(ClientError::Config {
                    field: "ca_cert_file",
                    message: "no certificate found: expected at least one \
                              -----BEGIN CERTIFICATE----- block"
                        .into(),
                });
            }
            builder = builder.tls_certs_merge(certs);
        }
        if cfg.insecure {
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        let http = builder.build().map_err(|e| ClientError::Config {
            field: if cfg.ca_cert_pem.is_some() {
                "ca_cert_file"
            } else {
                "endpoint"
            },
            message: format!("the HTTP client could not be set up: {}", error_chain(&e)),
        })?;
        let signer = cfg.access_key.map(|k| (k, signed_host(&endpoint)));
        Ok(OcpClient {
            inner: Arc::new(Inner {
                http,
                endpoint,
                username: cfg.username,
                password: cfg.password,
                signer,
                policy: RetryPolicy::new(cfg.max_retries),
                request_timeout: cfg.request_timeout,
                coalescer: coalesce::Coalescer::default(),
                modes: Default::default(),
            }),
            refresh: false,
        })
    }

    fn cached_mode(&self, cluster_id: i64, tenant_id: i64) -> Option<String> {
        let modes = self.inner.modes.lock().unwrap_or_else(|p| p.into_inner());
        modes.get(&(cluster_id, tenant_id)).cloned()
    }

    fn remember_mode(&self, cluster_id: i64, tenant_id: i64, mode: &str) {
        let mut modes = self.inner.modes.lock().unwrap_or_else(|p| p.into_inner());
        modes.insert((cluster_id, tenant_id), mode.to_owned());
    }

    /// The same client (same pool, same coalesced lists) for the reads of a refresh
    /// (ReadResource), which may be served from one list call per family (`coalesce`).
    pub fn for_refresh(&self) -> OcpClient {
        OcpClient {
            inner: self.inner.clone(),
            refresh: true,
        }
    }

    /// For a refresh read: the item of `list_path` that `is_it` picks, from a list fetched
    /// once for all the refresh reads of that path. `None` when the read should ask OCP for
    /// the one object instead: not a refresh, the first read of the list, an item missing
    /// from the list, or a list that could not be read or decoded.
    pub async fn coalesced_item<T: DeserializeOwned>(
        &self,
        list_path: &str,
        is_it: impl Fn(&Value) -> bool,
    ) -> Option<T> {
        if !self.refresh {
            return None;
        }
        let coalesce::Plan::List(cell) = self.inner.coalescer.plan(list_path) else {
            return None;
        };
        let fetched = cell
            .get_or_init(|| async {
                let q = [("size", coalesce::PAGE_SIZE.to_string())];
                self.list_all::<Value>(list_path, &q).await.map(Arc::new)
            })
            .await;
        match fetched {
            Ok(items) => {
                let item = items.iter().find(|v| is_it(v))?;
                serde_json::from_value(item.clone()).ok()
            }
            Err(e) => {
                log::debug!(
                    "coalesced list {list_path} not read ({}); reading directly",
                    e.summary_detail().0
                );
                self.inner.coalescer.forget(list_path, &cell);
                None
            }
        }
    }

    /// The normalised endpoint (`scheme://host[:port]`).
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The configured user name.
    pub fn username(&self) -> &str {
        &self.inner.username
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.policy
    }

    /// Verifies that OCP is reachable and accepts the credentials, with one cheap
    /// authenticated read (`GET /api/v2/ob/clusters?page=1&size=1`). A 403 counts as success:
    /// the credentials are valid, only that list is not permitted.
    pub async fn check_auth(&self) -> Result<(), ClientError> {
        let q = [("page", "1".to_owned()), ("size", "1".to_owned())];
        match self.get::<Value>("/api/v2/ob/clusters", &q).await {
            Ok(_) | Err(ClientError::Forbidden { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// GET `path` with `query`; returns the envelope's `data`. Retried on transient failures.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ClientError> {
        self.call(Method::GET, path, query, None).await
    }

    /// PUT `body` to `path`; returns `data`. Retried on transient failures.
    pub async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        self.send_json(Method::PUT, path, body).await
    }

    /// DELETE `path`; returns `data` (`()`/`Option` accept an absent one). Retried on
    /// transient failures.
    pub async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.call(Method::DELETE, path, &[], None).await
    }

    /// Sends `body` as JSON with `method`, retried on transient failures like GET; returns
    /// `data`. For calls that are safe to repeat: PUT; PATCH, as OCP's PATCH calls replace a
    /// whole object (ocp-api.md §5 #27); POST for an action that leaves the same state when
    /// repeated (lock, modifyWhitelist, changePassword to a fixed value, ...).
    pub(crate) async fn send_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let bytes = encode(method_name(&method), path, body)?;
        self.call(method, path, &[], Some(bytes.as_slice())).await
    }

    /// One request through the retry loop ([`OcpClient::execute`]), its `data` decoded.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<T, ClientError> {
        let m = method_name(&method);
        let data = self.execute(method, path, query, body).await?;
        decode(m, path, data)
    }

    /// POST sent exactly once, never retried: for actions whose repetition would do
    /// something twice (start/stop/restart tasks). The caller decides what to do on failure.
    pub async fn post_once<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let bytes = encode("POST", path, body)?;
        let data = self
            .send_once(&Method::POST, path, &[], Some(bytes.as_slice()))
            .await
            .map_err(|f| f.error)?;
        decode("POST", path, data)
    }

    /// POST that creates something; never retried blindly and never adopting what existed
    /// before (design rule R2, see [`Created`]).
    ///
    /// * First `lookup()`: found → `Created::Existing` without any POST.
    /// * Success: `Created::New(data)`.
    /// * "Already exists" (409, or 400 saying so): `lookup()`; found → `Created::Existing`,
    ///   or `Created::Adopted` when an earlier POST of this call got no answer (it may have
    ///   made the object); not found → [`ClientError::AlreadyExists`] with an "import it"
    ///   hint.
    /// * Transient failure (5xx, 429, reset, timeout, lost answer): `lookup()`; found →
    ///   `Created::Adopted`; not found → back off and POST again, at most `max_retries`
    ///   times; if the look-up itself fails, the POST's error is returned (not knowing whether
    ///   the object exists, repeating would be blind).
    /// * Any other failure: returned at once.
    pub async fn post_create<B, T, F, Fut, L>(
        &self,
        path: &str,
        body: &B,
        lookup: F,
    ) -> Result<Created<T, L>, ClientError>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Option<L>, ClientError>>,
    {
        let bytes = encode("POST", path, body)?;
        if let Some(found) = lookup().await? {
            log::info!("POST {path}: the object exists already; not creating or adopting it");
            return Ok(Created::Existing(found));
        }
        // Whether a POST of this call may have made the object without telling us.
        let mut unanswered = false;
        let mut attempt: u32 = 0;
        loop {
            let failure = match self
                .send_once(&Method::POST, path, &[], Some(bytes.as_slice()))
                .await
            {
                Ok(data) => return decode("POST", path, data).map(Created::New),
                Err(f) => f,
            };
            let err = failure.error;
            if err.is_already_exists() {
                log::info!("POST {path}: OCP says the object already exists; looking it up");
                return match lookup().await? {
                    Some(found) if unanswered => {
                        log::info!("POST {path}: an unanswered POST of this call made it; adopting it unless it differs from the request");
                        Ok(Created::Adopted(found))
                    }
                    Some(found) => Ok(Created::Existing(found)),
                    None => Err(into_already_exists(err)),
                };
            }
            if !err.is_retryable() {
                return Err(err);
            }
            unanswered = true;
            log::warn!(
                "POST {path} failed transiently ({}); looking the object up before any retry",
                err.summary_detail().0
            );
            match lookup().await {
                Ok(Some(found)) => {
                    log::info!("POST {path}: the object exists after all; adopting it unless it differs from the request");
                    return Ok(Created::Adopted(found));
                }
                Ok(None) => {}
                Err(lookup_err) => {
                    log::warn!(
                        "POST {path}: look-up after the failure failed too ({}); not retrying",
                        lookup_err.summary_detail().0
                    );
                    return Err(err);
                }
            }
            if attempt >= self.inner.policy.max_retries {
                return Err(err);
            }
            let wait = self.inner.policy.delay(attempt, failure.retry_after);
            log::debug!("POST {path}: object not found; retrying in {wait:?}");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Reads every page of a list: `page=1,2,...` with `size` (default 100, or the one in
    /// `query`) until `page.totalElements` items are read. Also accepts `data.contents`
    /// without `page` (§1.4, §5 #24) and a bare array as `data`.
    pub async fn list_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<T>, ClientError> {
        let size = query
            .iter()
            .find(|(k, _)| *k == "size")
            .and_then(|(_, v)| v.parse::<u32>().ok())
            .filter(|s| *s > 0)
            .unwrap_or(DEFAULT_PAGE_SIZE);
        let mut base: Vec<(&str, String)> = query
            .iter()
            .filter(|(k, _)| *k != "page" && *k != "size")
            .cloned()
            .collect();
        base.push(("size", size.to_string()));
        let mut items: Vec<Value> = Vec::new();
        let mut page: u32 = 1;
        loop {
            let mut q = base.clone();
            q.push(("page", page.to_string()));
            let data: Value = self.get(path, &q).await?;
            let (contents, info) = match data {
                Value::Null => return Ok(Vec::new()),
                Value::Array(a) => (a, None),
                Value::Object(mut o) => {
                    let contents = match o.remove("contents") {
                        None | Some(Value::Null) => Vec::new(),
                        Some(Value::Array(a)) => a,
                        Some(other) => {
                            let what = "data.contents";
                            return Err(ClientError::wrong_kind(
                                "GET", path, what, &other, "an array",
                            ));
                        }
                    };
                    (contents, o.remove("page"))
                }
                other => {
                    return Err(ClientError::wrong_kind(
                        "GET", path, "data", &other, "a list",
                    ))
                }
            };
            let got = contents.len();
            items.extend(contents);
            let Some(info) = info.filter(Value::is_object) else {
                break;
            };
            let total = info.get("totalElements").and_then(as_u64);
            // §1.4: the sample spells `totalPages`, the reference's tables `totalPage`: either
            // ends the paging (one left unread would stop it after the first page).
            let total_pages =
                (info.get("totalPages").or_else(|| info.get("totalPage"))).and_then(as_u64);
            let done = got == 0
                || total.is_some_and(|t| items.len() as u64 >= t)
                || total_pages.is_some_and(|tp| u64::from(page) >= tp)
                || (total.is_none() && total_pages.is_none())
                || page >= MAX_PAGES;
            if done {
                break;
            }
            page += 1;
        }
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                de::decode_at(&format!("contents[{i}]"), v).map_err(|e| {
                    let message = format!("an item of the list has an unexpected shape ({e})");
                    ClientError::decode("GET", path, message)
                })
            })
            .collect()
    }

    /// The plain retry loop for requests that are safe to repeat.
    async fn execute(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<Option<Value>, ClientError> {
        let mut attempt: u32 = 0;
        loop {
            match self.send_once(&method, path, query, body).await {
                Ok(data) => return Ok(data),
                Err(f) => {
                    if !f.error.is_retryable() || attempt >= self.inner.policy.max_retries {
                        return Err(f.error);
                    }
                    let wait = self.inner.policy.delay(attempt, f.retry_after);
                    log::debug!(
                        "{} {path}: transient failure ({}); retry {} of {} in {wait:?}",
                        method_name(&method),
                        f.error.summary_detail().0,
                        attempt + 1,
                        self.inner.policy.max_retries
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
            }
        }
    }

    /// One HTTP exchange with OCP: send, read the body (bounded), parse the envelope. The
    /// coalesced lists a write may change stop serving reads, before and after (coalesce.rs).
    async fn send_once(
        &self,
        method: &Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<Option<Value>, Failure> {
        let _write = (*method != Method::GET).then(|| self.inner.coalescer.writing(path));
        let m = method_name(method);
        let path = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        let url = Url::parse(&format!("{}{path}", self.inner.endpoint)).map_err(|e| {
            ClientError::Transport {
                endpoint: self.inner.endpoint.clone(),
                method: m,
                path: path.clone(),
                kind: TransportKind::Other,
                message: format!("the request URL is invalid ({e})"),
            }
        })?;
        // A body that serialises to `null` (`&()`, `None`) means "no body" (actions like
        // start/stop take none).
        let body = body.filter(|b| *b != b"null");
        let mut rb = self
            .inner
            .http
            .request(method.clone(), url)
            .header(ACCEPT, "application/json");
        match &self.inner.signer {
            None => rb = rb.basic_auth(&self.inner.username, Some(self.inner.password.expose())),
            Some((key, host)) => {
                let date = signing::date_now();
                let signed = signing::Request {
                    method: m,
                    body,
                    date: &date,
                    host,
                    path: &path,
                    query,
                };
                rb = rb
                    .header(AUTHORIZATION, signing::authorization(key, &signed))
                    .header(DATE, date)
                    .header(signing::ORIGIN.0, signing::ORIGIN.1);
            }
        }
        // A signed request always names its content type (it is signed); others with a body.
        if body.is_some() || self.inner.signer.is_some() {
            rb = rb.header(CONTENT_TYPE, signing::CONTENT_TYPE);
        }
        if !query.is_empty() {
            rb = rb.query(query);
        }
        if let Some(b) = body {
            rb = rb.body(b.to_vec());
        }
        let started = Instant::now();
        let mut resp = match rb.send().await {
            Ok(r) => r,
            Err(e) => {
                let err = self.map_reqwest(&e, m, &path);
                log_exchange(m, &path, None, started, Some(&err));
                return Err(err.into());
            }
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(retry::parse_retry_after);
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut buf: Vec<u8> = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if buf.len() + chunk.len() > MAX_BODY_BYTES {
                        return Err(ClientError::Decode {
                            method: m,
                            path,
                            message: format!(
                                "the answer is larger than {} MiB",
                                MAX_BODY_BYTES / (1024 * 1024)
                            ),
                        }
                        .into());
                    }
                    buf.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    let error = self.map_reqwest(&e, m, &path);
                    log_exchange(m, &path, Some(status), started, Some(&error));
                    return Err(Failure { error, retry_after });
                }
            }
        }
        log_exchange(m, &path, Some(status), started, None);
        if (300..400).contains(&status) {
            return Err(ClientError::Api {
                method: m,
                path,
                http_status: status,
                code: None,
                message: match location {
                    Some(l) => format!("redirect to {l}"),
                    None => "redirect without a Location".to_owned(),
                },
                trace_id: None,
            }
            .into());
        }
        let ctx = CallContext {
            endpoint: &self.inner.endpoint,
            username: &self.inner.username,
            method: m,
            path: &path,
            mask: Some(match &self.inner.signer {
                Some((key, _)) => key.secret.expose(),
                None => self.inner.password.expose(),
            }),
        };
        envelope::parse_response(&ctx, status, &buf).map_err(|error| Failure { error, retry_after })
    }

    /// Classifies a `reqwest` error (see [`retry`] for what is retried).
    fn map_reqwest(&self, e: &reqwest::Error, method: &'static str, path: &str) -> ClientError {
        if e.is_timeout() {
            return ClientError::Timeout {
                method,
                path: path.to_owned(),
                after: self.inner.request_timeout,
            };
        }
        let chain = error_chain(e);
        let lower = chain.to_ascii_lowercase();
        let kind = if e.is_connect() {
            if lower.contains("dns error")
                || lower.contains("failed to lookup address")
                || lower.contains("name or service not known")
                || lower.contains("no such host")
            {
                TransportKind::Dns
            } else if lower.contains("certificate")
                || lower.contains("tls")
                || lower.contains("handshake")
                || lower.contains("invalid peer")
                || lower.contains("unknownissuer")
            {
                TransportKind::Tls
            } else if has_io_kind(
                e,
                &[
                    std::io::ErrorKind::ConnectionReset,
                    std::io::ErrorKind::UnexpectedEof,
                ],
            ) {
                // The TCP connection was accepted and then dropped (server restarting).
                TransportKind::Interrupted
            } else {
                TransportKind::Connect
            }
        } else if e.is_request() || e.is_body() || e.is_decode() {
            TransportKind::Interrupted
        } else {
            TransportKind::Other
        };
        let message = match kind {
            TransportKind::Tls => format!("the TLS handshake failed ({chain})"),
            TransportKind::Dns => format!("the host name could not be resolved ({chain})"),
            TransportKind::Connect => format!("the connection could not be opened ({chain})"),
            TransportKind::Interrupted => {
                format!("the connection broke before OCP's answer was complete ({chain})")
            }
            TransportKind::Other => chain,
        };
        ClientError::Transport {
            endpoint: self.inner.endpoint.clone(),
            method,
            path: path.to_owned(),
            kind,
            message,
        }
    }
}

fn into_already_exists(err: ClientError) -> ClientError {
    match err {
        ClientError::Api {
            method,
            path,
            code,
            message,
            trace_id,
            ..
        } => ClientError::AlreadyExists {
            method,
            path,
            code,
            message,
            trace_id,
        },
        other => other,
    }
}

fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Serialises a request body once, before any attempt.
fn encode<B: Serialize + ?Sized>(
    method: &'static str,
    path: &str,
    body: &B,
) -> Result<zeroize::Zeroizing<Vec<u8>>, ClientError> {
    serde_json::to_vec(body)
        .map(zeroize::Zeroizing::new)
        .map_err(|e| {
            let message = format!("the request body could not be encoded ({e})");
            ClientError::decode(method, path, message)
        })
}

/// Turns `data` into `T`; an absent `data` is `null` (fine for `()`, `Option`, `Value`).
fn decode<T: DeserializeOwned>(
    method: &'static str,
    path: &str,
    data: Option<Value>,
) -> Result<T, ClientError> {
    de::decode_at("", data.unwrap_or(Value::Null)).map_err(|e| {
        let message = format!("the data has an unexpected shape ({e})");
        ClientError::decode(method, path, message)
    })
}

#[cfg(test)]
pub(crate) mod testutil;

/// Logs one exchange at debug level with its method, path, status (when OCP answered) and
/// duration: no answer (`status` `None`), an answer whose body was lost (`error`), or an answer.
fn log_exchange(
    m: &'static str,
    path: &str,
    status: Option<u16>,
    started: Instant,
    error: Option<&ClientError>,
) {
    // Every request passes here: build the line only when it is written.
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return;
    }
    let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let cause = || error.map(|e| e.summary_detail().0).unwrap_or_default();
    let outcome = match (status, error) {
        (None, _) => format!("no answer after {ms} ms: {}", cause()),
        (Some(s), Some(_)) => format!("{s}, body lost after {ms} ms: {}", cause()),
        (Some(s), None) => format!("{s} in {ms} ms"),
    };
    tracing::debug!(
        ocp_method = m,
        ocp_path = %path,
        ocp_status = status,
        ocp_duration_ms = ms,
        "OCP {m} {path} -> {outcome}"
    );
}

#[cfg(test)]
mod tests;
