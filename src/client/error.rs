//! [`ClientError`]: every way an OCP call can fail, as typed data.
//!
//! The texts are built from structured facts only (HTTP status, OCP `error.code` and
//! `error.message`, `traceId`, task ids, subtask names and log tails). They never contain the
//! provider password, an `Authorization` header or a request body (design rule R5).

use std::fmt;
use std::time::Duration;

/// What went wrong below HTTP, for [`ClientError::Transport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// TCP connect failed (refused, unreachable, connect timeout): nothing was sent.
    Connect,
    /// The host name could not be resolved.
    Dns,
    /// TLS handshake failed (untrusted or invalid certificate, protocol mismatch).
    Tls,
    /// The connection broke after it was established (reset, EOF, incomplete answer): the
    /// request may or may not have reached OCP.
    Interrupted,
    /// Anything else (redirect problems, an invalid URL built from a path, ...).
    Other,
}

/// An error from the OCP client. `Display` gives the full sentences;
/// [`ClientError::summary_detail`] splits them for Terraform diagnostics.
#[derive(Debug, Clone)]
pub enum ClientError {
    /// OCP answered with an error envelope (or a non-2xx status) not covered by a more
    /// specific variant.
    Api {
        /// HTTP method of the failed call.
        method: &'static str,
        /// Request path (no query string).
        path: String,
        /// HTTP status; for `200` + `successful:false` the envelope's `status` when it is an
        /// error code, else 200.
        http_status: u16,
        /// OCP `error.code` (strings and numbers are both accepted).
        code: Option<String>,
        /// OCP `error.message` (or the HTTP reason phrase when there was none).
        message: String,
        /// OCP `traceId`.
        trace_id: Option<String>,
    },
    /// HTTP 404: the object does not exist (callers map this to "gone").
    NotFound {
        /// HTTP method of the failed call.
        method: &'static str,
        /// Request path.
        path: String,
        /// OCP `error.message`.
        message: String,
        /// OCP `traceId`.
        trace_id: Option<String>,
    },
    /// HTTP 401: OCP rejected the configured credentials.
    Unauthorized {
        /// OCP endpoint as configured.
        endpoint: String,
        /// Configured user name, or access key id (never the password or secret).
        username: String,
        /// OCP's `error.message` (the secret masked), e.g. "Bad credentials".
        message: String,
        /// OCP `traceId`.
        trace_id: Option<String>,
    },
    /// HTTP 403: the user is known but lacks the permission for this call.
    Forbidden {
        /// HTTP method of the failed call.
        method: &'static str,
        /// Request path.
        path: String,
        /// Configured user name.
        username: String,
        /// OCP `error.message`.
        message: String,
        /// OCP `traceId`.
        trace_id: Option<String>,
    },
    /// A create was answered "already exists" and the caller's look-up found nothing to adopt.
    AlreadyExists {
        /// HTTP method of the failed call.
        method: &'static str,
        /// Request path.
        path: String,
        /// OCP `error.code`.
        code: Option<String>,
        /// OCP `error.message`.
        message: String,
        /// OCP `traceId`.
        trace_id: Option<String>,
    },
    /// No HTTP answer: connection refused, DNS failure, TLS failure, connection reset.
    Transport {
        /// OCP endpoint as configured.
        endpoint: String,
        /// HTTP method of the failed call.
        method: &'static str,
        /// Request path.
        path: String,
        /// Which phase failed.
        kind: TransportKind,
        /// Explanation of the low-level failure.
        message: String,
    },
    /// The per-request timeout elapsed before OCP answered.
    Timeout {
        /// HTTP method of the failed call.
        method: &'static str,
        /// Request path.
        path: String,
        /// The configured per-request timeout.
        after: Duration,
    },
    /// The answer could not be decoded (malformed JSON, unexpected envelope or data shape).
    Decode {
        /// HTTP method of the failed call.
        method: &'static str,
        /// Request path.
        path: String,
        /// What was wrong (never the body itself).
        message: String,
    },
    /// A provider setting is invalid (endpoint URL, CA certificate, ...).
    Config {
        /// Name of the provider attribute.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// An OCP task ended in `FAILED`.
    TaskFailed {
        /// Task instance id.
        task_id: i64,
        /// Task name, e.g. `Stop OB cluster`.
        task_name: String,
        /// The failed subtask's id, when one was marked `FAILED`.
        subtask_id: Option<i64>,
        /// The failed subtask's name.
        subtask_name: Option<String>,
        /// Tail of the failed subtask's log (OCP keeps the reason there, §5 #4).
        log_tail: String,
    },
    /// An OCP task did not finish before the deadline.
    TaskTimeout {
        /// Task instance id.
        task_id: i64,
        /// Task name.
        task_name: String,
        /// Last status seen (empty if the task was never read).
        last_status: String,
        /// How long the client waited.
        elapsed: Duration,
    },
    /// The wait was cancelled (Terraform asked the provider to stop).
    Cancelled {
        /// The task being waited for, if any.
        task_id: Option<i64>,
    },
}

/// Formats a duration for people: `850 ms`, `12.3 s`, `4 min 5 s`.
pub fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        let s = d.as_secs();
        format!("{} min {} s", s / 60, s % 60)
    }
}

fn trace_suffix(trace_id: &Option<String>) -> String {
    match trace_id {
        Some(t) if !t.is_empty() => format!(" (OCP traceId {t})"),
        _ => String::new(),
    }
}

fn code_part(code: &Option<String>) -> String {
    match code {
        Some(c) if !c.is_empty() => format!(", code {c}"),
        _ => String::new(),
    }
}

impl ClientError {
    /// An answer (or a request body) of `method path` that cannot be read:
    /// [`ClientError::Decode`] saying what was wrong.
    pub(crate) fn decode(method: &'static str, path: &str, message: impl Into<String>) -> Self {
        ClientError::Decode {
            method,
            path: path.to_owned(),
            message: message.into(),
        }
    }

    /// A member of an answer (`what`: `data`, `data.contents`) that is `got` instead of the
    /// `expected` kind of JSON.
    pub(crate) fn wrong_kind(
        method: &'static str,
        path: &str,
        what: &str,
        got: &serde_json::Value,
        expected: &str,
    ) -> Self {
        let kind = super::envelope::json_kind(got);
        Self::decode(
            method,
            path,
            format!("{what} is {kind}, expected {expected}"),
        )
    }

    /// The OCP task a wait stopped following while it still ran (the deadline passed or
    /// Terraform sent Stop); that task may yet finish.
    pub fn unfinished_task(&self) -> Option<i64> {
        match self {
            ClientError::TaskTimeout { task_id, .. } => Some(*task_id),
            ClientError::Cancelled { task_id } => *task_id,
            _ => None,
        }
    }

    /// Whether this is a 404 from OCP (the object is gone).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ClientError::NotFound { .. })
    }

    /// Whether OCP refused the call because something still uses the object (a host that
    /// runs an OBServer): code `ILLEGAL_STATE` (400, §5 #3), or, as OCP's codes are not all
    /// documented, a message that names an OBServer.
    pub fn is_in_use(&self) -> bool {
        matches!(self, ClientError::Api { message, code, .. }
            if code.as_deref() == Some("ILLEGAL_STATE")
                || message.to_ascii_lowercase().contains("observer"))
    }

    /// Replaces `secret` in the OCP-provided texts of this error by `***` (rule R5), should OCP
    /// echo a password or key in an error message. Secrets shorter than 3 characters are not
    /// masked (the same rule as the provider password in the envelope parser).
    pub fn mask(mut self, secret: &super::Secret) -> ClientError {
        let s = secret.expose();
        let clean = |t: &mut String| *t = super::envelope::mask_secret(t, Some(s));
        let clean_opt = |t: &mut Option<String>| {
            if let Some(t) = t {
                clean(t);
            }
        };
        match &mut self {
            ClientError::Api {
                message,
                code,
                trace_id,
                ..
            }
            | ClientError::AlreadyExists {
                message,
                code,
                trace_id,
                ..
            } => {
                clean(message);
                clean_opt(code);
                clean_opt(trace_id);
            }
            ClientError::NotFound {
                message, trace_id, ..
            }
            | ClientError::Forbidden {
                message, trace_id, ..
            } => {
                clean(message);
                clean_opt(trace_id);
            }
            ClientError::Unauthorized {
                message, trace_id, ..
            } => {
                clean(message);
                clean_opt(trace_id);
            }
            ClientError::Decode { message, .. } | ClientError::Transport { message, .. } => {
                clean(message)
            }
            _ => {}
        }
        self
    }

    /// Whether repeating the same request may succeed (the one classification, see
    /// [`super::retry::is_retryable`]).
    pub fn is_retryable(&self) -> bool {
        super::retry::is_retryable(self)
    }

    /// Whether OCP said the object to create already exists (see
    /// [`super::retry::is_already_exists`]).
    pub fn is_already_exists(&self) -> bool {
        super::retry::is_already_exists(self)
    }

    /// The OCP `traceId` of the failed call, when there was one.
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            ClientError::Api { trace_id, .. }
            | ClientError::NotFound { trace_id, .. }
            | ClientError::Unauthorized { trace_id, .. }
            | ClientError::Forbidden { trace_id, .. }
            | ClientError::AlreadyExists { trace_id, .. } => trace_id.as_deref(),
            _ => None,
        }
    }

    /// A short summary (one line) and the full explanation: OCP code, message, traceId, task
    /// id, failed subtask and log tail, and what to do next.
    pub fn summary_detail(&self) -> (String, String) {
        let summary = match self {
            ClientError::Api {
                method,
                path,
                http_status,
                ..
            } => format!("OCP rejected {method} {path} (HTTP {http_status})"),
            ClientError::NotFound { method, path, .. } => {
                format!("OCP object not found ({method} {path})")
            }
            ClientError::Unauthorized { endpoint, .. } => {
                format!("OCP at {endpoint} rejected the credentials")
            }
            ClientError::Forbidden { method, path, .. } => {
                format!("OCP denied permission for {method} {path}")
            }
            ClientError::AlreadyExists { path, .. } => {
                format!("object already exists in OCP (POST {path})")
            }
            ClientError::Transport { endpoint, .. } => format!("cannot reach OCP at {endpoint}"),
            ClientError::Timeout { method, path, .. } => {
                format!("OCP request timed out ({method} {path})")
            }
            ClientError::Decode { method, path, .. } => {
                format!("unreadable OCP answer ({method} {path})")
            }
            ClientError::Config { field, .. } => format!("invalid provider setting \"{field}\""),
            ClientError::TaskFailed {
                task_id, task_name, ..
            } => format!("OCP task {task_id} ({task_name}) failed"),
            ClientError::TaskTimeout {
                task_id, task_name, ..
            } => format!("timed out waiting for OCP task {task_id} ({task_name})"),
            ClientError::Cancelled { task_id: Some(id) } => {
                format!("cancelled while waiting for OCP task {id}")
            }
            ClientError::Cancelled { task_id: None } => "operation cancelled".to_owned(),
        };
        (summary, self.to_string())
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Api {
                method,
                path,
                http_status,
                code,
                message,
                trace_id,
            } => {
                write!(
                    f,
                    "OCP answered {method} {path} with HTTP {http_status}{}: {message}{}.",
                    code_part(code),
                    trace_suffix(trace_id)
                )?;
                match *http_status {
                    429 | 500 | 502 | 503 | 504 => f.write_str(
                        " This looks like a temporary OCP problem and was retried; try again later.",
                    ),
                    300..=399 => f.write_str(
                        " OCP redirected the request; set the provider endpoint to the address it redirects to (e.g. https://).",
                    ),
                    _ => Ok(()),
                }
            }
            ClientError::NotFound {
                method,
                path,
                message,
                trace_id,
            } => write!(
                f,
                "OCP has no such object: {method} {path} answered HTTP 404: {message}{}.",
                trace_suffix(trace_id)
            ),
            ClientError::Unauthorized {
                endpoint,
                username,
                message,
                trace_id,
            } => write!(
                f,
                "OCP at {endpoint} rejected the credentials of \"{username}\" (HTTP 401): {message}{}. \
                 Check the provider's username and password (or access key) and that the account \
                 is not locked.",
                trace_suffix(trace_id)
            ),
            ClientError::Forbidden {
                method,
                path,
                username,
                message,
                trace_id,
            } => write!(
                f,
                "OCP denied user \"{username}\" the permission for {method} {path} (HTTP 403): \
                 {message}{}. Grant the account the needed OCP role or use another account.",
                trace_suffix(trace_id)
            ),
            ClientError::AlreadyExists {
                method,
                path,
                code,
                message,
                trace_id,
            } => write!(
                f,
                "OCP refused {method} {path} because the object already exists{}: {message}{}. \
                 It was not found by its name, so it was not adopted; if it is yours, import it \
                 with `terraform import`, otherwise choose another name.",
                code_part(code),
                trace_suffix(trace_id)
            ),
            ClientError::Transport {
                endpoint,
                method,
                path,
                kind,
                message,
            } => {
                write!(
                    f,
                    "Could not talk to OCP at {endpoint} ({method} {path}): {message}."
                )?;
                match kind {
                    TransportKind::Connect => f.write_str(
                        " Check that the endpoint's host and port are right and that OCP is running and reachable from this machine.",
                    ),
                    TransportKind::Dns => f.write_str(
                        " The host name could not be resolved; check the endpoint's spelling and DNS.",
                    ),
                    TransportKind::Tls => f.write_str(
                        " OCP's certificate is not trusted or not valid for this host: set ca_cert_file to the PEM file of the CA that signed it, or insecure = true for a test installation.",
                    ),
                    TransportKind::Interrupted => f.write_str(
                        " The connection broke during the exchange; it was retried where safe.",
                    ),
                    TransportKind::Other => Ok(()),
                }
            }
            ClientError::Timeout {
                method,
                path,
                after,
            } => write!(
                f,
                "OCP did not answer {method} {path} within {}. Raise the provider's \
                 request_timeout or check OCP's load.",
                human_duration(*after)
            ),
            ClientError::Decode {
                method,
                path,
                message,
            } => write!(
                f,
                "Could not read OCP's answer to {method} {path}: {message}. The OCP version may \
                 not be supported by this provider."
            ),
            ClientError::Config { field, message } => {
                write!(f, "Invalid provider setting \"{field}\": {message}.")
            }
            ClientError::TaskFailed {
                task_id,
                task_name,
                subtask_id,
                subtask_name,
                log_tail,
            } => {
                write!(f, "OCP task {task_id} ({task_name}) failed")?;
                match (subtask_id, subtask_name) {
                    (Some(id), Some(name)) => write!(f, " at subtask {id} ({name})")?,
                    (Some(id), None) => write!(f, " at subtask {id}")?,
                    _ => {}
                }
                f.write_str(".")?;
                if log_tail.is_empty() {
                    f.write_str(" ")?;
                } else {
                    write!(f, " Subtask log (last lines):\n{log_tail}\n")?;
                }
                write!(
                    f,
                    "Inspect task {task_id} in OCP's task center; fix the cause, then retry or \
                     roll back the task there, or run terraform apply again."
                )
            }
            ClientError::TaskTimeout {
                task_id,
                task_name,
                last_status,
                elapsed,
            } => write!(
                f,
                "OCP task {task_id} ({task_name}) did not finish within {} (last status: {}). \
                 It may still be running in OCP; check task {task_id} in OCP's task center and \
                 raise the resource's timeouts if the operation is just slow.",
                human_duration(*elapsed),
                if last_status.is_empty() {
                    "unknown"
                } else {
                    last_status
                }
            ),
            ClientError::Cancelled { task_id: Some(id) } => write!(
                f,
                "Stopped waiting for OCP task {id} because the operation was cancelled. The task \
                 may still be running in OCP; check task {id} in OCP's task center."
            ),
            ClientError::Cancelled { task_id: None } => {
                f.write_str("The operation was cancelled before OCP answered.")
            }
        }
    }
}

impl std::error::Error for ClientError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::testutil::api_error;

    #[test]
    fn mask_hides_a_secret_in_every_text_even_with_stars_in_it() {
        let secret = crate::client::Secret::new("a**b");
        let e = api_error("/x", "aa**b", "bad a**b", Some("t-a**b")).mask(&secret);
        let shown = format!("{e:?} {}", e.summary_detail().1);
        assert!(!shown.contains("a**b"), "{shown}");
        let e = ClientError::Unauthorized {
            endpoint: "http://ocp".into(),
            username: "admin".into(),
            message: "Bad credentials".into(),
            trace_id: Some("a**b".into()),
        }
        .mask(&secret);
        assert!(!format!("{e:?}").contains("a**b"));
    }

    #[test]
    fn human_duration_picks_readable_units() {
        assert_eq!(human_duration(Duration::from_millis(850)), "850 ms");
        assert_eq!(human_duration(Duration::from_millis(12_340)), "12.3 s");
        assert_eq!(human_duration(Duration::from_secs(245)), "4 min 5 s");
    }

    #[test]
    fn summary_detail_of_a_failed_task_names_the_subtask_and_log() {
        let e = ClientError::TaskFailed {
            task_id: 7,
            task_name: "Stop OB cluster".into(),
            subtask_id: Some(11),
            subtask_name: Some("Wait node".into()),
            log_tail: "observer did not stop".into(),
        };
        let (summary, detail) = e.summary_detail();
        assert_eq!(summary, "OCP task 7 (Stop OB cluster) failed");
        assert!(detail.contains("subtask 11 (Wait node)"));
        assert!(detail.contains("observer did not stop"));
    }

    #[test]
    fn api_error_detail_carries_code_message_and_trace_id() {
        let e = api_error(
            "/api/v2/ob/clusters",
            "ILLEGAL_ARGUMENT",
            "zone name is empty",
            Some("629da8eaec66effe"),
        );
        let (_, d) = e.summary_detail();
        assert!(d.contains("ILLEGAL_ARGUMENT"), "{d}");
        assert!(d.contains("zone name is empty"), "{d}");
        assert!(d.contains("629da8eaec66effe"), "{d}");
        assert!(!e.is_retryable());
    }

    #[test]
    fn wrong_kind_names_the_member_what_it_is_and_what_was_expected() {
        let e = ClientError::wrong_kind("GET", "/x", "data", &serde_json::json!(3), "a list");
        let ClientError::Decode {
            method,
            path,
            message,
        } = e
        else {
            panic!("not a decode error: {e:?}");
        };
        assert_eq!((method, path.as_str()), ("GET", "/x"));
        assert_eq!(message, "data is a number, expected a list");
    }
}
