//! Fault injection and request accounting (simulator-only; real OCP has none of this).
//!
//! * [`HttpFault`]: rules applied by the middleware to every request outside `/_sim/`, before
//!   authentication. A rule matches when its optional `method` equals the request method
//!   (case-insensitive) and the request path starts with its optional `path_prefix`. Kinds
//!   ([`FaultKind`]):
//!   * `Fail`: the next N matching requests get a status and an error envelope (429/503 may
//!     carry `Retry-After`); the handler does not run.
//!   * `Fraction`: each matching request fails with probability `fraction` (deterministic
//!     splitmix64 stream seeded by `seed`), status drawn uniformly from `statuses`; unlimited
//!     unless a count is given.
//!   * `Delay`: the next N matching responses are delayed; phase `before` (default) sleeps
//!     before the handler runs, `after` runs the handler first and sleeps before answering.
//!   * `Reset`: the next N matching requests get their connection closed without any HTTP
//!     answer; phase `before` (default) skips the handler, `after` runs it fully first.
//!   * `Garbage`: the next N matching requests are answered with a body that is not an OCP
//!     envelope (default: truncated JSON); phase as for `Reset`.
//!
//!   Per request, [`HttpFaults::plan`] takes (in rule order) the first matching `before` delay,
//!   the first matching "instead of the handler" rule (`Fail`, a hit of `Fraction`, `Reset`/
//!   `Garbage` with phase `before`) and, only when none of those hit, the first matching
//!   `after` delay and the first matching `after` `Reset`/`Garbage`. Each taken rule uses up one
//!   of its `remaining` uses.
//! * [`TaskFault`]: armed for the next created task (FIFO): fail at a subtask, or never finish.
//! * [`RequestLog`]: counts every request outside `/_sim/` (also the faulted, reset,
//!   unauthorised and unknown-path ones) by route key `"METHOD /path"` where every all-digit path
//!   segment is replaced by `{id}` (e.g. `GET /api/v2/ob/clusters/{id}/zones/zone1/servers`; zone
//!   names stay raw), and keeps the last [`RECENT_LIMIT`] requests with raw path, query and status.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{json, Value};

use crate::envelope::ApiError;

/// `remaining` of a rule without a limit (shown as `null`).
pub const UNLIMITED: u32 = u32::MAX;

/// Default seed of `Fraction` rules.
pub const DEFAULT_SEED: u64 = 0x5EED_0CE5_0000_0001;

/// Default body of `Garbage` rules: truncated JSON.
pub const DEFAULT_GARBAGE_BODY: &str = r#"{"success": tru"#;

/// When a `Delay`, `Reset` or `Garbage` rule acts relative to the handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before the handler, which then does not run (`Reset`, `Garbage`) or runs late (`Delay`).
    #[default]
    Before,
    /// After the handler ran to completion (its state changes are applied).
    After,
}

/// What a rule does to a matching request.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Fail each matching request with probability `fraction`.
    Fraction {
        /// Probability of a failure, 0 < f ≤ 1.
        fraction: f64,
        /// Statuses drawn uniformly (each 400..=599, at least one).
        statuses: Vec<u16>,
        /// `Retry-After` seconds, sent on every injected failure when present.
        retry_after: Option<u64>,
        /// `error.message`; a generic text when absent.
        message: Option<String>,
        /// Seed of the random stream.
        seed: u64,
        /// Failures injected so far.
        injected: u64,
        /// Current state of the splitmix64 stream.
        #[serde(skip)]
        rng: u64,
    },
    /// Sleep before (or after) processing the request.
    Delay {
        /// Delay in milliseconds.
        delay_ms: u64,
        /// `before` (default): sleep, then run the handler; `after`: run the handler, then
        /// sleep before answering.
        phase: Phase,
    },
    /// Close the connection without any answer.
    Reset {
        /// `before`: the handler does not run; `after`: it runs fully first.
        phase: Phase,
    },
    /// Answer with a body that is not an OCP envelope.
    Garbage {
        /// HTTP status (default 200).
        status: u16,
        /// The body.
        body: String,
        /// `Content-Type` header.
        content_type: String,
        /// `before`: the handler does not run; `after`: it runs fully first.
        phase: Phase,
    },
}

fn ser_remaining<S: Serializer>(n: &u32, s: S) -> Result<S::Ok, S::Error> {
    if *n == UNLIMITED {
        s.serialize_none()
    } else {
        s.serialize_u32(*n)
    }
}

/// One HTTP fault rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpFault {
    /// What to do.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many more requests this rule applies to ([`UNLIMITED`], shown as `null`: no limit).
    #[serde(serialize_with = "ser_remaining")]
    pub remaining: u32,
    /// Only requests with this method (any when `None`).
    pub method: Option<String>,
    /// Only requests whose path starts with this (any when `None`).
    pub path_prefix: Option<String>,
}

impl HttpFault {
    fn with_kind(kind: FaultKind, remaining: u32) -> Self {
        HttpFault {
            kind,
            remaining,
            method: None,
            path_prefix: None,
        }
    }

    /// Fail the next `n` requests with `status`.
    pub fn fail(n: u32, status: u16) -> Self {
        Self::with_kind(
            FaultKind::Fail {
                status,
                retry_after: None,
                message: None,
            },
            n,
        )
    }

    /// Delay the next `n` requests by `delay_ms` (before the handler runs).
    pub fn delay(n: u32, delay_ms: u64) -> Self {
        Self::with_kind(
            FaultKind::Delay {
                delay_ms,
                phase: Phase::Before,
            },
            n,
        )
    }

    /// Fail every matching request with probability `fraction` (clamped to 0..=1), the status
    /// drawn uniformly from `statuses` (503 when empty); no limit (see [`HttpFault::limit`]),
    /// seed [`DEFAULT_SEED`] (see [`HttpFault::seed`]).
    pub fn fraction(fraction: f64, statuses: Vec<u16>) -> Self {
        let statuses = if statuses.is_empty() {
            vec![503]
        } else {
            statuses
        };
        let fraction = if fraction.is_finite() {
            fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Self::with_kind(
            FaultKind::Fraction {
                fraction,
                statuses,
                retry_after: None,
                message: None,
                seed: DEFAULT_SEED,
                injected: 0,
                rng: DEFAULT_SEED,
            },
            UNLIMITED,
        )
    }

    /// Close the connection of the next `n` requests without an answer.
    pub fn reset(n: u32, phase: Phase) -> Self {
        Self::with_kind(FaultKind::Reset { phase }, n)
    }

    /// Answer the next `n` requests with `status` and `body` (not an OCP envelope), content
    /// type `application/json`.
    pub fn garbage(n: u32, status: u16, body: impl Into<String>) -> Self {
        Self::with_kind(
            FaultKind::Garbage {
                status,
                body: body.into(),
                content_type: "application/json".into(),
                phase: Phase::Before,
            },
            n,
        )
    }

    /// Add a `Retry-After` (only meaningful for `Fail` and `Fraction` rules).
    pub fn retry_after(mut self, secs: u64) -> Self {
        match &mut self.kind {
            FaultKind::Fail { retry_after, .. } | FaultKind::Fraction { retry_after, .. } => {
                *retry_after = Some(secs)
            }
            _ => {}
        }
        self
    }

    /// Seed of a `Fraction` rule's random stream.
    pub fn seed(mut self, value: u64) -> Self {
        if let FaultKind::Fraction { seed, rng, .. } = &mut self.kind {
            *seed = value;
            *rng = value;
        }
        self
    }

    /// Set the phase of a `Delay`, `Reset` or `Garbage` rule.
    pub fn phase(mut self, value: Phase) -> Self {
        match &mut self.kind {
            FaultKind::Delay { phase, .. }
            | FaultKind::Reset { phase }
            | FaultKind::Garbage { phase, .. } => *phase = value,
            _ => {}
        }
        self
    }

    /// Limit the rule to `n` more uses (for `Fraction`: injected failures).
    pub fn limit(mut self, n: u32) -> Self {
        self.remaining = n;
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

    fn use_once(&mut self) {
        if self.remaining != UNLIMITED {
            self.remaining = self.remaining.saturating_sub(1);
        }
    }
}

/// Next value of a splitmix64 stream.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Body of `POST /_sim/faults`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRequest {
    /// Fail this many matching requests.
    pub fail_next: Option<u32>,
    /// Fail each matching request with this probability (0 < f ≤ 1).
    pub fail_fraction: Option<f64>,
    /// Close the connection of this many matching requests without an answer.
    pub reset_next: Option<u32>,
    /// Alias of `reset_next` with phase `after`: apply the request, drop the answer.
    pub drop_response_next: Option<u32>,
    /// Answer this many matching requests with a body that is not an envelope.
    pub garbage_next: Option<u32>,
    /// Status for `fail_next` (default 500), `fail_fraction` (default 503) or `garbage_next`
    /// (default 200).
    pub status: Option<u16>,
    /// Statuses drawn uniformly by `fail_fraction`.
    pub statuses: Option<Vec<u16>>,
    /// `Retry-After` seconds for `fail_next` / `fail_fraction`.
    pub retry_after: Option<u64>,
    /// `error.message` for `fail_next` / `fail_fraction`.
    pub message: Option<String>,
    /// Seed of `fail_fraction`'s random stream.
    pub seed: Option<u64>,
    /// Delay matching responses by this many ms.
    pub delay_ms: Option<u64>,
    /// How many responses to delay (default 1); for `fail_fraction`: the most failures to
    /// inject (no limit when absent).
    pub count: Option<u32>,
    /// `before` / `after` for `delay_ms`, `reset_next`, `garbage_next`.
    pub phase: Option<Phase>,
    /// Body for `garbage_next`.
    pub body: Option<String>,
    /// `Content-Type` for `garbage_next` (default `application/json`).
    pub content_type: Option<String>,
    /// Path prefix filter.
    pub path_prefix: Option<String>,
    /// Method filter.
    pub method: Option<String>,
}

fn check_error_status(field: &str, status: u16) -> Result<(), String> {
    if (400..=599).contains(&status) {
        Ok(())
    } else {
        Err(format!("{field} must be 400..=599, got {status}"))
    }
}

impl FaultRequest {
    /// Turn the request into rules. One kind per body (`fail_next` may be combined with
    /// `delay_ms`, as before); fields that do not apply to the chosen kind are refused.
    pub fn into_rules(self) -> Result<Vec<HttpFault>, String> {
        let kinds = [
            ("fail_next", self.fail_next.is_some()),
            ("fail_fraction", self.fail_fraction.is_some()),
            ("reset_next", self.reset_next.is_some()),
            ("drop_response_next", self.drop_response_next.is_some()),
            ("garbage_next", self.garbage_next.is_some()),
        ];
        let given: Vec<&str> = kinds.iter().filter(|k| k.1).map(|k| k.0).collect();
        if given.len() > 1 {
            return Err(format!(
                "give one fault kind per body, got {}",
                given.join(", ")
            ));
        }
        let kind = given.first().copied();
        if kind.is_none() && self.delay_ms.is_none() {
            return Err(
                "expected fail_next, fail_fraction, delay_ms, reset_next, drop_response_next or garbage_next"
                    .into(),
            );
        }
        if self.delay_ms.is_some() && !matches!(kind, None | Some("fail_next")) {
            return Err(format!(
                "delay_ms cannot be combined with {}",
                given.join(", ")
            ));
        }
        let only = |field: &str, present: bool, allowed: &[&str]| -> Result<(), String> {
            if present && !kind.is_some_and(|k| allowed.contains(&k)) {
                return Err(format!("{field} only applies to {}", allowed.join(" / ")));
            }
            Ok(())
        };
        only("statuses", self.statuses.is_some(), &["fail_fraction"])?;
        only("seed", self.seed.is_some(), &["fail_fraction"])?;
        only("body", self.body.is_some(), &["garbage_next"])?;
        only(
            "content_type",
            self.content_type.is_some(),
            &["garbage_next"],
        )?;
        if self.phase.is_some()
            && self.delay_ms.is_none()
            && !matches!(
                kind,
                Some("reset_next" | "drop_response_next" | "garbage_next")
            )
        {
            return Err(
                "phase only applies to delay_ms / reset_next / drop_response_next / garbage_next"
                    .into(),
            );
        }
        let filtered = |rule: HttpFault| HttpFault {
            method: self.method.clone(),
            path_prefix: self.path_prefix.clone(),
            ..rule
        };
        let mut rules = Vec::new();
        if let Some(n) = self.fail_next {
            let status = self.status.unwrap_or(500);
            check_error_status("status", status)?;
            rules.push(filtered(HttpFault::with_kind(
                FaultKind::Fail {
                    status,
                    retry_after: self.retry_after,
                    message: self.message.clone(),
                },
                n,
            )));
        }
        if let Some(f) = self.fail_fraction {
            if !(f.is_finite() && f > 0.0 && f <= 1.0) {
                return Err(format!("fail_fraction must be > 0 and <= 1, got {f}"));
            }
            let statuses = match (&self.statuses, self.status) {
                (Some(_), Some(_)) => return Err("give status or statuses, not both".into()),
                (Some(list), None) => list.clone(),
                (None, Some(s)) => vec![s],
                (None, None) => vec![503],
            };
            if statuses.is_empty() {
                return Err("statuses must not be empty".into());
            }
            for s in &statuses {
                check_error_status("statuses", *s)?;
            }
            let mut rule = HttpFault::fraction(f, statuses)
                .seed(self.seed.unwrap_or(DEFAULT_SEED))
                .limit(self.count.unwrap_or(UNLIMITED));
            if let FaultKind::Fraction {
                retry_after,
                message,
                ..
            } = &mut rule.kind
            {
                *retry_after = self.retry_after;
                message.clone_from(&self.message);
            }
            rules.push(filtered(rule));
        }
        if let Some(n) = self.reset_next {
            rules.push(filtered(HttpFault::reset(
                n,
                self.phase.unwrap_or_default(),
            )));
        }
        if let Some(n) = self.drop_response_next {
            if self.phase == Some(Phase::Before) {
                return Err("drop_response_next always has phase after (use reset_next)".into());
            }
            rules.push(filtered(HttpFault::reset(n, Phase::After)));
        }
        if let Some(n) = self.garbage_next {
            let status = self.status.unwrap_or(200);
            if !(200..=599).contains(&status) {
                return Err(format!("status must be 200..=599, got {status}"));
            }
            rules.push(filtered(HttpFault::with_kind(
                FaultKind::Garbage {
                    status,
                    body: self
                        .body
                        .clone()
                        .unwrap_or_else(|| DEFAULT_GARBAGE_BODY.into()),
                    content_type: self
                        .content_type
                        .clone()
                        .unwrap_or_else(|| "application/json".into()),
                    phase: self.phase.unwrap_or_default(),
                },
                n,
            )));
        }
        if let Some(ms) = self.delay_ms {
            let count = self.count.unwrap_or(1);
            rules.push(filtered(HttpFault::with_kind(
                FaultKind::Delay {
                    delay_ms: ms,
                    phase: self.phase.unwrap_or_default(),
                },
                count,
            )));
        }
        Ok(rules)
    }
}

/// What an injected fault does to the answer of one request.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultAction {
    /// Answer with this error envelope.
    Error(ApiError),
    /// Close the connection without an answer.
    Reset,
    /// Answer with a body that is not an envelope.
    Garbage {
        /// HTTP status.
        status: u16,
        /// Body.
        body: String,
        /// `Content-Type`.
        content_type: String,
    },
}

/// The faults taken for one request (see the module docs for the selection).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultPlan {
    /// Sleep this long before the handler.
    pub delay_before: Option<u64>,
    /// Instead of the handler (which then does not run).
    pub before: Option<FaultAction>,
    /// Sleep this long after the handler, before answering.
    pub delay_after: Option<u64>,
    /// Replaces the handler's answer (after it ran).
    pub after: Option<FaultAction>,
}

impl FaultPlan {
    /// True when the handler must run to completion before the answer is changed or delayed.
    pub fn acts_after(&self) -> bool {
        self.before.is_none() && (self.delay_after.is_some() || self.after.is_some())
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

fn fault_error(status: u16, retry_after: Option<u64>, message: Option<&String>) -> ApiError {
    let code = if (100..=999).contains(&status) {
        status
    } else {
        500
    };
    let mut e = ApiError::new(
        code,
        fault_code(status),
        message
            .cloned()
            .unwrap_or_else(|| format!("simulated fault: HTTP {status}")),
    );
    e.retry_after = retry_after;
    e
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

    /// Consume the faults for one request: `(delay before the handler, error instead of it)`.
    /// Kept for callers of the first version; see [`HttpFaults::plan`].
    pub fn take(&mut self, method: &str, path: &str) -> (Option<u64>, Option<ApiError>) {
        let plan = self.plan(method, path);
        let error = match plan.before {
            Some(FaultAction::Error(e)) => Some(e),
            _ => None,
        };
        (plan.delay_before, error)
    }

    /// Consume the faults for one request (see the module docs).
    pub fn plan(&mut self, method: &str, path: &str) -> FaultPlan {
        let mut plan = FaultPlan::default();
        for rule in &mut self.rules {
            if !rule.matches(method, path) {
                continue;
            }
            let taken = match &mut rule.kind {
                FaultKind::Delay {
                    delay_ms,
                    phase: Phase::Before,
                } if plan.delay_before.is_none() => {
                    plan.delay_before = Some(*delay_ms);
                    true
                }
                FaultKind::Fail {
                    status,
                    retry_after,
                    message,
                } if plan.before.is_none() => {
                    plan.before = Some(FaultAction::Error(fault_error(
                        *status,
                        *retry_after,
                        message.as_ref(),
                    )));
                    true
                }
                FaultKind::Fraction {
                    fraction,
                    statuses,
                    retry_after,
                    message,
                    injected,
                    rng,
                    ..
                } if plan.before.is_none() => {
                    let draw = (splitmix64(rng) >> 11) as f64 / (1u64 << 53) as f64;
                    if draw < *fraction {
                        let pick = splitmix64(rng) % statuses.len().max(1) as u64;
                        let status = statuses.get(pick as usize).copied().unwrap_or(503);
                        *injected += 1;
                        plan.before = Some(FaultAction::Error(fault_error(
                            status,
                            *retry_after,
                            message.as_ref(),
                        )));
                        true
                    } else {
                        false
                    }
                }
                FaultKind::Reset {
                    phase: Phase::Before,
                } if plan.before.is_none() => {
                    plan.before = Some(FaultAction::Reset);
                    true
                }
                FaultKind::Garbage {
                    status,
                    body,
                    content_type,
                    phase: Phase::Before,
                } if plan.before.is_none() => {
                    plan.before = Some(FaultAction::Garbage {
                        status: *status,
                        body: body.clone(),
                        content_type: content_type.clone(),
                    });
                    true
                }
                _ => false,
            };
            if taken {
                rule.use_once();
            }
        }
        if plan.before.is_none() {
            for rule in &mut self.rules {
                if !rule.matches(method, path) {
                    continue;
                }
                let taken = match &rule.kind {
                    FaultKind::Delay {
                        delay_ms,
                        phase: Phase::After,
                    } if plan.delay_after.is_none() => {
                        plan.delay_after = Some(*delay_ms);
                        true
                    }
                    FaultKind::Reset {
                        phase: Phase::After,
                    } if plan.after.is_none() => {
                        plan.after = Some(FaultAction::Reset);
                        true
                    }
                    FaultKind::Garbage {
                        status,
                        body,
                        content_type,
                        phase: Phase::After,
                    } if plan.after.is_none() => {
                        plan.after = Some(FaultAction::Garbage {
                            status: *status,
                            body: body.clone(),
                            content_type: content_type.clone(),
                        });
                        true
                    }
                    _ => false,
                };
                if taken {
                    rule.use_once();
                }
            }
        }
        self.rules.retain(|r| r.remaining > 0);
        plan
    }
}

/// A fault armed for the next created task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    dropped: bool,
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
            dropped: false,
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

    /// Mark a recorded request as answered by closing the connection (no status).
    pub fn set_dropped(&mut self, seq: u64) {
        if let Some(r) = self.recent.iter_mut().rev().find(|r| r.seq == seq) {
            r.dropped = true;
            r.status = None;
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

    /// `{"count": n, "by_route": {...}, "recent": [{method, path, query, status, dropped}]}`
    /// (`status` null and `dropped` true when the connection was closed without an answer).
    pub fn to_json(&self) -> Value {
        let recent: Vec<Value> = self
            .recent
            .iter()
            .map(|r| {
                json!({
                    "method": r.method,
                    "path": r.path,
                    "query": r.query,
                    "status": r.status,
                    "dropped": r.dropped,
                })
            })
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
        assert_eq!(e.status, 503);
        assert_eq!(e.retry_after, Some(2));
        let (d, e) = f.take("POST", "/api/v2/ob/clusters/1/stop");
        assert_eq!(d, Some(5));
        assert!(e.is_none());
        assert!(f.rules().is_empty());
    }

    #[test]
    fn fraction_stream_is_deterministic_and_limited() {
        let run = |seed: u64| -> Vec<Option<u16>> {
            let mut f = HttpFaults::default();
            f.add(HttpFault::fraction(0.5, vec![500, 429]).seed(seed));
            (0..64)
                .map(|_| match f.plan("GET", "/x").before {
                    Some(FaultAction::Error(e)) => Some(e.status),
                    _ => None,
                })
                .collect()
        };
        let a = run(42);
        assert_eq!(a, run(42));
        assert_ne!(a, run(43));
        let hits = a.iter().flatten().count();
        assert!((16..=48).contains(&hits), "{hits}");
        assert!(a.contains(&Some(500)) && a.contains(&Some(429)));

        let mut f = HttpFaults::default();
        f.add(HttpFault::fraction(1.0, vec![]).limit(2).retry_after(1));
        for _ in 0..2 {
            match f.plan("GET", "/x").before {
                Some(FaultAction::Error(e)) => {
                    assert_eq!((e.status, e.retry_after), (503, Some(1)))
                }
                other => panic!("expected an error, got {other:?}"),
            }
        }
        assert_eq!(f.plan("GET", "/x"), FaultPlan::default());
        assert!(f.rules().is_empty());
    }

    #[test]
    fn plan_orders_phases() {
        let mut f = HttpFaults::default();
        f.add(HttpFault::reset(1, Phase::After));
        f.add(HttpFault::delay(1, 7).phase(Phase::After));
        f.add(HttpFault::delay(2, 3));
        f.add(HttpFault::garbage(1, 200, "[1]").method("POST"));
        // The POST gets the garbage instead of the handler: the after rules stay armed.
        let p = f.plan("POST", "/a");
        assert_eq!(p.delay_before, Some(3));
        assert!(matches!(p.before, Some(FaultAction::Garbage { .. })));
        assert!(!p.acts_after());
        assert_eq!((p.delay_after, p.after), (None, None));
        // The GET runs the handler, then waits and is dropped.
        let p = f.plan("GET", "/a");
        assert_eq!(p.delay_before, Some(3));
        assert_eq!(p.before, None);
        assert_eq!(p.delay_after, Some(7));
        assert_eq!(p.after, Some(FaultAction::Reset));
        assert!(p.acts_after());
        assert!(f.rules().is_empty());
    }

    #[test]
    fn unlimited_rules_list_remaining_as_null() {
        let rule = HttpFault::fraction(0.25, vec![502]);
        let v = serde_json::to_value(&rule).unwrap_or_default();
        assert_eq!(v["remaining"], Value::Null);
        assert_eq!(v["kind"], "fraction");
        assert_eq!(v["seed"], DEFAULT_SEED);
        let v = serde_json::to_value(HttpFault::fail(2, 500)).unwrap_or_default();
        assert_eq!(v["remaining"], 2);
    }
}
