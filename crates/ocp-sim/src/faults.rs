//! Fault injection and request accounting (simulator-only; real OCP has none of this).
//!
//! * [`HttpFault`]: rules applied by the middleware to every request outside `/_sim/`, before
//!   authentication: fail the next N matching requests with a status and an error envelope
//!   (429/503 may carry `Retry-After`), or delay the next N matching responses.
//!   A rule matches when its optional `method` equals the request method (case-insensitive)
//!   and the request path starts with its optional `path_prefix`. The first matching failure
//!   rule and the first matching delay rule each consume one of their `remaining` uses.
//! * [`TaskFault`]: armed for the next created task (FIFO): fail at a subtask, or never finish.
//! * [`RequestLog`]: counts every request outside `/_sim/` (also the faulted, unauthorised and
//!   unknown-path ones) by route key `"METHOD /path"` where every all-digit path segment is replaced by
//!   `{id}` (e.g. `GET /api/v2/ob/clusters/{id}/zones/zone1/servers`; zone names stay raw),
//!   and keeps the last [`RECENT_LIMIT`] requests with raw path, query and status.

use std::collections::{BTreeMap, VecDeque};

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::envelope::ApiError;

/// What a rule does to a matching request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FaultKind {
    /// Answer with `status` and an error envelope instead of processing the request.
    Fail {
        /// HTTP status, 400..=599.
        status: u16,
        /// `Retry-After` seconds, sent when present.
        retry_after: Option<u64>,
        /// `error.message`; a generic text when absent.
        message: Option<String>,
    },
    /// Sleep before processing the request.
    Delay {
        /// Delay in milliseconds.
        delay_ms: u64,
    },
}

/// One HTTP fault rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpFault {
    /// What to do.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many more requests this rule applies to.
    pub remaining: u32,
    /// Only requests with this method (any when `None`).
    pub method: Option<String>,
    /// Only requests whose path starts with this (any when `None`).
    pub path_prefix: Option<String>,
}

impl HttpFault {
    /// Fail the next `n` requests with `status`.
    pub fn fail(n: u32, status: u16) -> Self {
        HttpFault {
            kind: FaultKind::Fail {
                status,
                retry_after: None,
                message: None,
            },
            remaining: n,
            method: None,
            path_prefix: None,
        }
    }

    /// Delay the next `n` requests by `delay_ms`.
    pub fn delay(n: u32, delay_ms: u64) -> Self {
        HttpFault {
            kind: FaultKind::Delay { delay_ms },
            remaining: n,
            method: None,
            path_prefix: None,
        }
    }

    /// Add a `Retry-After` (only meaningful for failure rules).
    pub fn retry_after(mut self, secs: u64) -> Self {
        if let FaultKind::Fail { retry_after, .. } = &mut self.kind {
            *retry_after = Some(secs);
        }
        self
    }

    /// Restrict to one HTTP method.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Restrict to paths starting with `prefix`.
    pub fn path_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.path_prefix = Some(prefix.into());
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.remaining > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|p| path.starts_with(p))
    }
}

/// Body of `POST /_sim/faults`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRequest {
    /// Fail this many matching requests.
    pub fail_next: Option<u32>,
    /// Status for `fail_next` (default 500).
    pub status: Option<u16>,
    /// `Retry-After` seconds for `fail_next`.
    pub retry_after: Option<u64>,
    /// `error.message` for `fail_next`.
    pub message: Option<String>,
    /// Delay matching responses by this many ms.
    pub delay_ms: Option<u64>,
    /// How many responses to delay (default 1).
    pub count: Option<u32>,
    /// Path prefix filter.
    pub path_prefix: Option<String>,
    /// Method filter.
    pub method: Option<String>,
}

impl FaultRequest {
    /// Turn the request into rules; a body with neither `fail_next` nor `delay_ms` is an error.
    pub fn into_rules(self) -> Result<Vec<HttpFault>, String> {
        let mut rules = Vec::new();
        if let Some(n) = self.fail_next {
            let status = self.status.unwrap_or(500);
            if !(400..=599).contains(&status) {
                return Err(format!("status must be 400..=599, got {status}"));
            }
            rules.push(HttpFault {
                kind: FaultKind::Fail {
                    status,
                    retry_after: self.retry_after,
                    message: self.message.clone(),
                },
                remaining: n,
                method: self.method.clone(),
                path_prefix: self.path_prefix.clone(),
            });
        }
        if let Some(ms) = self.delay_ms {
            rules.push(HttpFault {
                kind: FaultKind::Delay { delay_ms: ms },
                remaining: self.count.unwrap_or(1),
                method: self.method,
                path_prefix: self.path_prefix,
            });
        }
        if rules.is_empty() {
            return Err("expected fail_next or delay_ms".into());
        }
        Ok(rules)
    }
}

/// The armed HTTP fault rules.
#[derive(Debug, Clone, Default)]
pub struct HttpFaults {
    rules: Vec<HttpFault>,
}

fn fault_code(status: u16) -> &'static str {
    match status {
        429 => "TOO_MANY_REQUESTS",
        500 => "INTERNAL_SERVER_ERROR",
        502 => "BAD_GATEWAY",
        503 => "SERVICE_UNAVAILABLE",
        504 => "GATEWAY_TIMEOUT",
        _ => "SIMULATED_FAULT",
    }
}

impl HttpFaults {
    /// Add a rule (rules with `remaining == 0` are ignored).
    pub fn add(&mut self, rule: HttpFault) {
        if rule.remaining > 0 {
            self.rules.push(rule);
        }
    }

    /// Remove all rules.
    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Current rules.
    pub fn rules(&self) -> &[HttpFault] {
        &self.rules
    }

    /// Consume the faults for one request: `(delay_ms, error)`.
    pub fn take(&mut self, method: &str, path: &str) -> (Option<u64>, Option<ApiError>) {
        let mut delay = None;
        let mut error = None;
        for rule in &mut self.rules {
            if !rule.matches(method, path) {
                continue;
            }
            match &rule.kind {
                FaultKind::Delay { delay_ms } if delay.is_none() => {
                    delay = Some(*delay_ms);
                    rule.remaining -= 1;
                }
                FaultKind::Fail {
                    status,
                    retry_after,
                    message,
                } if error.is_none() => {
                    let code =
                        StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                    let mut e = ApiError::new(
                        code,
                        fault_code(*status),
                        message
                            .clone()
                            .unwrap_or_else(|| format!("simulated fault: HTTP {status}")),
                    );
                    e.retry_after = *retry_after;
                    error = Some(e);
                    rule.remaining -= 1;
                }
                _ => {}
            }
        }
        self.rules.retain(|r| r.remaining > 0);
        (delay, error)
    }
}

/// A fault armed for the next created task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskFault {
    /// Fail at the `subtask`-th subtask (1-based, seriesId order; clamped to the last one).
    FailAt {
        /// 1-based subtask position.
        subtask: usize,
        /// Last line of the failed subtask's log.
        message: String,
    },
    /// The last subtask never finishes (until cancelled).
    Stuck,
}

/// Body of `POST /_sim/tasks/fail_next`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailTaskRequest {
    /// 1-based subtask position (default 1).
    pub subtask: Option<usize>,
    /// Failure message (default `Injected failure`).
    pub message: Option<String>,
}

/// Max entries kept in [`RequestLog`]'s recent list.
pub const RECENT_LIMIT: usize = 500;

#[derive(Debug, Clone)]
struct Recorded {
    seq: u64,
    method: String,
    path: String,
    query: Option<String>,
    status: Option<u16>,
}

/// Request counters.
#[derive(Debug, Clone, Default)]
pub struct RequestLog {
    count: u64,
    by_route: BTreeMap<String, u64>,
    recent: VecDeque<Recorded>,
}

/// Route key of a request: method + path with all-digit segments replaced by `{id}`.
pub fn route_key(method: &str, path: &str) -> String {
    let templ: Vec<&str> = path
        .split('/')
        .map(|seg| {
            if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                seg
            }
        })
        .collect();
    format!("{} {}", method.to_ascii_uppercase(), templ.join("/"))
}

impl RequestLog {
    /// Count one request; returns its sequence number.
    pub fn record(&mut self, method: &str, path: &str, query: Option<&str>) -> u64 {
        self.count += 1;
        *self.by_route.entry(route_key(method, path)).or_insert(0) += 1;
        self.recent.push_back(Recorded {
            seq: self.count,
            method: method.to_string(),
            path: path.to_string(),
            query: query.map(String::from),
            status: None,
        });
        while self.recent.len() > RECENT_LIMIT {
            self.recent.pop_front();
        }
        self.count
    }

    /// Attach the response status to a recorded request.
    pub fn set_status(&mut self, seq: u64, status: u16) {
        if let Some(r) = self.recent.iter_mut().rev().find(|r| r.seq == seq) {
            r.status = Some(status);
        }
    }

    /// Total number of requests.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Counts by route key.
    pub fn by_route(&self) -> &BTreeMap<String, u64> {
        &self.by_route
    }

    /// Reset everything.
    pub fn reset(&mut self) {
        *self = RequestLog::default();
    }

    /// `{"count": n, "by_route": {...}, "recent": [{method, path, query, status}]}`.
    pub fn to_json(&self) -> Value {
        let recent: Vec<Value> = self
            .recent
            .iter()
            .map(|r| json!({"method": r.method, "path": r.path, "query": r.query, "status": r.status}))
            .collect();
        json!({"count": self.count, "by_route": self.by_route, "recent": recent})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_keys_template_ids() {
        assert_eq!(
            route_key("get", "/api/v2/ob/clusters/1000001/zones/zone1/servers"),
            "GET /api/v2/ob/clusters/{id}/zones/zone1/servers"
        );
    }

    #[test]
    fn rules_are_consumed() {
        let mut f = HttpFaults::default();
        f.add(
            HttpFault::fail(1, 503)
                .retry_after(2)
                .path_prefix("/api/v2/ob"),
        );
        f.add(HttpFault::delay(2, 5).method("POST"));
        let (d, e) = f.take("GET", "/api/v2/time");
        assert!(d.is_none() && e.is_none());
        let (d, e) = f.take("POST", "/api/v2/ob/clusters/1/stop");
        assert_eq!(d, Some(5));
        let e = e.unwrap_or_else(|| panic!("expected error"));
        assert_eq!(e.status.as_u16(), 503);
        assert_eq!(e.retry_after, Some(2));
        let (d, e) = f.take("POST", "/api/v2/ob/clusters/1/stop");
        assert_eq!(d, Some(5));
        assert!(e.is_none());
        assert!(f.rules().is_empty());
    }
}
