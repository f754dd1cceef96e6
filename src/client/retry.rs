//! The one place that decides what is retried and how long to wait (design rules R2, R3).
//!
//! Retryable: HTTP 429 (honouring `Retry-After` seconds, capped), 500/502/503/504, a
//! connection that broke after it was established (reset, EOF, incomplete answer) and
//! per-request timeouts. Never retried: other 4xx (validation, busy, "already exists"),
//! 401/403, connect/DNS/TLS failures (nothing reached OCP, and repeating will not change
//! that), undecodable answers.
//!
//! Waits use exponential backoff with full jitter: `random(0, min(cap, base * 2^attempt))`.
//! Which HTTP *methods* may be repeated is decided by the caller in `mod.rs`: GET, PUT,
//! DELETE and idempotent POSTs go through the plain retry loop; creating POSTs go through the
//! look-up-then-retry loop (`OcpClient::post_create`).

use std::time::Duration;

use super::error::{ClientError, TransportKind};

/// Base of the exponential backoff.
pub const DEFAULT_BASE: Duration = Duration::from_millis(200);
/// Largest single backoff wait.
pub const DEFAULT_CAP: Duration = Duration::from_secs(5);
/// Largest wait honoured from a `Retry-After` header.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(30);

/// Backoff parameters of one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so at most `max_retries + 1` requests).
    pub max_retries: u32,
    /// Base of the exponential backoff.
    pub base: Duration,
    /// Cap of one backoff wait.
    pub cap: Duration,
    /// Cap applied to `Retry-After`.
    pub retry_after_cap: Duration,
}

impl RetryPolicy {
    /// The default policy with the given number of retries.
    pub fn new(max_retries: u32) -> Self {
        RetryPolicy {
            max_retries,
            base: DEFAULT_BASE,
            cap: DEFAULT_CAP,
            retry_after_cap: RETRY_AFTER_CAP,
        }
    }

    /// Full-jitter backoff before retry number `attempt + 1` (attempt counts from 0).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX);
        let ceiling = self.base.saturating_mul(factor).min(self.cap);
        ceiling.mul_f64(fastrand::f64())
    }

    /// The wait before the next retry: the server's `Retry-After` (capped) when it gave a
    /// positive one, else [`RetryPolicy::backoff`].
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(ra) if !ra.is_zero() => ra.min(self.retry_after_cap),
            _ => self.backoff(attempt),
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::new(3)
    }
}

/// Parses a `Retry-After` value given in seconds. HTTP-date values are not used by OCP and
/// yield `None` (the normal backoff applies).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Whether repeating the same request may succeed. See the module documentation.
pub fn is_retryable(err: &ClientError) -> bool {
    match err {
        ClientError::Api { http_status, .. } => {
            matches!(http_status, 429 | 500 | 502 | 503 | 504) && !is_already_exists(err)
        }
        ClientError::Transport { kind, .. } => *kind == TransportKind::Interrupted,
        ClientError::Timeout { .. } => true,
        _ => false,
    }
}

/// Whether OCP answered a create with "this object already exists": HTTP 409, or a 400 whose
/// code or message says so (§5 #20: OCP uses 400, possibly 409; the simulator's code is
/// `DUPLICATE_NAME`; the exact codes of real OCP are not documented, so the message is
/// checked too). This is the one place that decision lives.
pub fn is_already_exists(err: &ClientError) -> bool {
    match err {
        ClientError::AlreadyExists { .. } => true,
        ClientError::Api {
            http_status,
            code,
            message,
            ..
        } => {
            match http_status {
                409 => return true,
                // A 500 is included because a duplicate key can surface as an internal error.
                400 | 422 | 500 => {}
                _ => return false,
            }
            let code_says = code.as_deref().is_some_and(|c| {
                let c = c.to_ascii_uppercase();
                c.contains("DUPLICATE") || c.contains("ALREADY_EXIST") || c.ends_with("_EXISTS")
            });
            let m = message.to_ascii_lowercase();
            let message_says = m.contains("already exist") || m.contains("duplicate");
            code_says || message_says
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: &str, message: &str) -> ClientError {
        ClientError::Api {
            method: "POST",
            path: "/x".into(),
            http_status: status,
            code: Some(code.into()),
            message: message.into(),
            trace_id: None,
        }
    }

    #[test]
    fn server_errors_and_429_are_retryable_but_client_errors_are_not() {
        for s in [429, 500, 502, 503, 504] {
            assert!(is_retryable(&api(s, "X", "boom")), "{s}");
        }
        for s in [400, 404, 409, 422, 501] {
            assert!(!is_retryable(&api(s, "X", "boom")), "{s}");
        }
    }

    #[test]
    fn only_interrupted_connections_and_timeouts_are_retryable_transport_failures() {
        let t = |kind| ClientError::Transport {
            endpoint: "http://h".into(),
            method: "GET",
            path: "/".into(),
            kind,
            message: "x".into(),
        };
        assert!(is_retryable(&t(TransportKind::Interrupted)));
        assert!(!is_retryable(&t(TransportKind::Connect)));
        assert!(!is_retryable(&t(TransportKind::Tls)));
        assert!(!is_retryable(&t(TransportKind::Dns)));
        assert!(is_retryable(&ClientError::Timeout {
            method: "GET",
            path: "/".into(),
            after: Duration::from_secs(1)
        }));
    }

    #[test]
    fn duplicate_names_are_recognised_as_already_exists_and_never_retried() {
        assert!(is_already_exists(&api(400, "DUPLICATE_NAME", "cluster c1")));
        assert!(is_already_exists(&api(409, "", "conflict")));
        assert!(is_already_exists(&api(
            400,
            "ILLEGAL_ARGUMENT",
            "Tenant t1 already exists"
        )));
        assert!(!is_already_exists(&api(
            400,
            "ILLEGAL_ARGUMENT",
            "bad zone"
        )));
        assert!(!is_retryable(&api(500, "X", "tenant already exists")));
    }

    #[test]
    fn backoff_stays_under_the_exponential_ceiling_and_the_cap() {
        let p = RetryPolicy::new(5);
        for attempt in 0..40 {
            let d = p.backoff(attempt);
            let ceiling = (DEFAULT_BASE * 2u32.saturating_pow(attempt.min(20))).min(DEFAULT_CAP);
            assert!(d <= ceiling, "attempt {attempt}: {d:?}");
        }
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = RetryPolicy::new(3);
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(p.delay(0, Some(Duration::from_secs(3600))), RETRY_AFTER_CAP);
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
