//! The OCP response envelope (§1.3) and the error type every handler returns.
//!
//! Success: `{data?, successful: true, status: 200, timestamp, traceId, duration, server}`.
//! Error (§5 #3 proposed answer, taken as is):
//! `{successful: false, status: <http code>, error: {code: "<STRING>", message}, timestamp, traceId,
//! duration, server}`; the HTTP status equals `status`.
//!
//! `timestamp` is ISO-8601 with millis and `+08:00` (§5 #22), `traceId` 16 hex chars, `server` the
//! 10-hex node id of this simulator instance, `duration` the real processing time in ms (including
//! injected delays), measured from the moment the request entered the simulator.

use std::time::Instant;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::util;

tokio::task_local! {
    /// Start of the current request, set by the outermost middleware.
    pub(crate) static REQUEST_START: Instant;
}

/// Node id reported in `server`; one per process, like one OCP node.
fn server_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| util::hex(10))
}

fn elapsed_ms() -> u64 {
    REQUEST_START
        .try_with(|s| u64::try_from(s.elapsed().as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Build a full envelope object around optional `data` / `error`.
pub fn envelope(status: StatusCode, data: Option<Value>, error: Option<Value>) -> Value {
    let mut m = Map::new();
    if let Some(d) = data {
        m.insert("data".into(), d);
    }
    if let Some(e) = error {
        m.insert("error".into(), e);
    }
    m.insert("successful".into(), Value::Bool(status.is_success()));
    m.insert("status".into(), json!(status.as_u16()));
    m.insert("timestamp".into(), json!(util::iso(util::now_ms())));
    m.insert("traceId".into(), json!(util::hex(16)));
    m.insert("duration".into(), json!(elapsed_ms()));
    m.insert("server".into(), json!(server_id()));
    Value::Object(m)
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut resp = (status, bytes).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// A successful API answer; rendered as the 200 envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The business payload; `None` for pure actions (§4.2).
    pub data: Option<Value>,
}

impl Api {
    /// Envelope with `data`.
    pub fn data(data: Value) -> Self {
        Api { data: Some(data) }
    }

    /// Envelope without `data` (lock, modifyWhitelist, ... §4.2).
    pub fn empty() -> Self {
        Api { data: None }
    }
}

impl IntoResponse for Api {
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &envelope(StatusCode::OK, self.data, None))
    }
}

/// Result type of every `/api/v2` handler.
pub type ApiResult = Result<Api, ApiError>;

/// An error answer: HTTP status + `error.code` + `error.message`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status (also echoed in the envelope's `status`).
    pub status: StatusCode,
    /// Upper-case string code, e.g. `OB_CLUSTER_NOT_FOUND`.
    pub code: String,
    /// Human readable message (`error.message`, the only field clients rely on).
    pub message: String,
    /// Seconds for a `Retry-After` header (only used by injected 429/503 faults).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// Generic constructor.
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400 `ILLEGAL_ARGUMENT`: validation failure of a parameter or body.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "ILLEGAL_ARGUMENT", message)
    }

    /// 400 `ILLEGAL_STATE`: the resource's status does not allow the operation.
    pub fn illegal_state(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "ILLEGAL_STATE", message)
    }

    /// 400 `DUPLICATE_NAME`: create with a name that already exists (§5 #20).
    pub fn duplicate(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "DUPLICATE_NAME", message)
    }

    /// 400 `RESOURCE_BUSY`: another task is running on the same resource (§5 #21).
    pub fn busy(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "RESOURCE_BUSY", message)
    }

    /// 404 `<KIND>_NOT_FOUND`, e.g. `not_found("OB_CLUSTER", "cluster 1 not found")`.
    pub fn not_found(kind: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, format!("{kind}_NOT_FOUND"), message)
    }

    /// 401 `UNAUTHORIZED`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message)
    }

    /// 403 `ACCESS_DENIED`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "ACCESS_DENIED", message)
    }

    /// 500 `INTERNAL_ERROR`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = json!({"code": self.code, "message": self.message});
        let mut resp = json_response(self.status, &envelope(self.status, None, Some(error)));
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"OCP\""),
            );
        }
        resp
    }
}

/// Parse a JSON request body into `T`; malformed JSON is a 400 envelope.
/// An empty body is parsed as `null` so that `Option<T>` / defaulted structs accept it.
pub fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    serde_json::from_slice(text)
        .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))
}

/// Parse an OCP id path segment; non-numeric ids are a 400 (Spring type mismatch).
pub fn parse_id(raw: &str, what: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .map_err(|_| ApiError::bad_request(format!("invalid {what} id: {raw:?}")))
}
