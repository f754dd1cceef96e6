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

pub use crate::error::{parse_body, parse_id, ApiError};

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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = json!({"code": self.code, "message": self.message});
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = json_response(status, &envelope(status, None, Some(error)));
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"OCP\""),
            );
        }
        resp
    }
}
