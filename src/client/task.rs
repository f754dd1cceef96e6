//! OCP async tasks: the [`TaskInstance`] model and the one task waiter (design rule R3).
//!
//! Parsing is tolerant of both formats OCP has used (ocp-api.md §2.2, §5 #6): `subtasks` or the
//! older `tasks`, `creator` as a string or as `{id, name}`, `context` as an object or a Java
//! `Context(...)` string, ids as numbers or numeric strings, `null` wherever a value may be
//! missing. Unknown fields are ignored.
//!
//! [`OcpClient::wait_task`] polls `GET /api/v2/tasks/instances/{id}` until the task is
//! `SUCCESSFUL` or `FAILED`; every other status counts as still running (§2.5, §5 #5). A failed
//! task is reported with its failed subtask and the tail of that subtask's log, where OCP keeps
//! the reason (§5 #4). The waiter is bounded by a deadline and stops promptly when its
//! cancellation token fires.

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use super::error::ClientError;
use super::OcpClient;
use crate::client::de::wire_struct;

/// Task status meaning the task finished successfully.
pub const STATUS_SUCCESSFUL: &str = "SUCCESSFUL";
/// Task status meaning the task failed.
pub const STATUS_FAILED: &str = "FAILED";
/// Subtask status of the subtask currently executing.
pub const STATUS_RUNNING: &str = "RUNNING";

/// Most lines kept from a failed subtask's log.
const LOG_TAIL_LINES: usize = 20;
/// Most characters kept from a failed subtask's log.
const LOG_TAIL_CHARS: usize = 4000;
/// Fraction of the elapsed time used as the next poll interval (keeps the waiting overhead
/// near 5 % of a task's duration while the interval is below the cap).
const POLL_FRACTION: f64 = 0.05;
/// Extra time a poll may take when it starts right at the deadline.
const FINAL_POLL_GRACE: Duration = Duration::from_secs(2);
/// Bound on fetching a failed subtask's log.
const LOG_FETCH_TIMEOUT: Duration = Duration::from_secs(30);

wire_struct! {
    /// One step of a task (§2.3; also the items of the older `tasks` list).
    pub struct SubtaskInstance {
        /// Subtask instance id (absent in some abridged samples).
        pub id: Option<i64>,
        /// Name, e.g. `Prepare stop observer`.
        pub name: String,
        /// Description (often equal to the name).
        pub description: Option<String>,
        /// Execution order; array order is not execution order.
        pub series_id: Option<i64>,
        /// `PENDING`, `READY`, `RUNNING`, `CANCELING`, `FAILED`, `SUCCESSFUL`.
        pub status: String,
        /// `EXECUTE`, `RETRY`, `ROLLBACK`, `SKIP`, `CANCEL`.
        pub operation: Option<String>,
        /// Java class of the step.
        pub class_name: Option<String>,
        /// OCP node running it.
        pub executor: Option<String>,
        /// Number of executions.
        pub run_time: Option<i64>,
        /// Timeout in seconds.
        pub timeout: Option<i64>,
        /// ISO-8601 times.
        pub create_time: Option<String>,
        /// When the last execution started.
        pub start_time: Option<String>,
        /// When the last execution finished.
        pub finish_time: Option<String>,
        /// DAG predecessors (older samples).
        pub upstreams: Vec<i64>,
        /// DAG successors (older samples).
        pub downstreams: Vec<i64>,
    }
}

impl SubtaskInstance {
    /// A label for messages: the name, else the description, else the class, else the id.
    pub fn label(&self) -> String {
        if !self.name.is_empty() {
            return self.name.clone();
        }
        if let Some(d) = self.description.as_ref().filter(|d| !d.is_empty()) {
            return d.clone();
        }
        if let Some(c) = self.class_name.as_ref().filter(|c| !c.is_empty()) {
            return c.rsplit('.').next().unwrap_or(c).to_owned();
        }
        self.id
            .map_or_else(|| "unnamed subtask".to_owned(), |i| format!("subtask {i}"))
    }
}

wire_struct! {
    /// The target object of a task in the older format (`cluster: {id, name, obClusterId}`).
    pub struct TaskTarget {
        /// OCP id of the object.
        pub id: Option<i64>,
        /// Its name.
        pub name: Option<String>,
    }
}

wire_struct! {
    /// An OCP task instance (§2.2), in either format: the newer names the target by
    /// `clusterId` / `tenantId`, its creator by name and its steps `subtasks`; the older by
    /// `cluster: {id, name}` / `tenant: {..}`, `creator: {id, name}` and `tasks` (§5 #6). The
    /// accessors read both.
    pub struct TaskInstance {
        /// Task instance id (the poll key); an answer without one is refused.
        #[required]
        pub id: i64,
        /// Name, e.g. `Stop OB cluster` (empty if OCP sent none).
        pub name: String,
        /// `RUNNING`, `FAILED`, `SUCCESSFUL` (others possible, treated as running).
        pub status: String,
        /// `EXECUTE`, `RETRY`, `ROLLBACK`, `SKIP`, `CANCEL`.
        pub operation: Option<String>,
        /// `MANUAL`, `SYS_ONECE`, ...
        #[serde(rename = "type")]
        pub task_type: Option<String>,
        /// Target cluster, newer format (see [`TaskInstance::cluster_id`]).
        cluster_id: Option<i64>,
        /// Target tenant, newer format (see [`TaskInstance::tenant_id`]).
        tenant_id: Option<i64>,
        /// Target host.
        pub host_id: Option<i64>,
        /// Target cluster, older format.
        cluster: Option<Value>,
        /// Target tenant, older format.
        tenant: Option<Value>,
        /// Who started the task: a login name, or `{id, name}` (see [`TaskInstance::creator`]).
        creator: Option<Value>,
        /// OCP node executing the task.
        pub executor: Option<String>,
        /// The task context as sent: an object (newer) or a string (older).
        pub context: Option<Value>,
        /// Steps of the task, newer format (see [`TaskInstance::subtasks`]).
        subtasks: Vec<SubtaskInstance>,
        /// Steps of the task, older format.
        tasks: Vec<SubtaskInstance>,
        /// ISO-8601 times.
        pub create_time: Option<String>,
        /// When the task started.
        pub start_time: Option<String>,
        /// When the task finished.
        pub finish_time: Option<String>,
        /// Whether OCP forbids rolling the task back.
        pub prohibit_rollback: Option<bool>,
        /// Task definition id (detail view).
        pub task_definition_id: Option<i64>,
    }
}

/// The id of an older-format target object (`{id, name}`).
fn target_id(v: &Option<Value>) -> Option<i64> {
    TaskTarget::deserialize(v.as_ref()?).ok()?.id
}

impl TaskInstance {
    /// Target cluster (`clusterId`, or `cluster.id` in the older format).
    pub fn cluster_id(&self) -> Option<i64> {
        self.cluster_id.or_else(|| target_id(&self.cluster))
    }

    /// Target tenant (`tenantId`, or `tenant.id`).
    pub fn tenant_id(&self) -> Option<i64> {
        self.tenant_id.or_else(|| target_id(&self.tenant))
    }

    /// Login that started the task (`creator` string, or `creator.name`).
    pub fn creator(&self) -> Option<&str> {
        match &self.creator {
            Some(Value::String(n)) => Some(n),
            Some(Value::Object(o)) => o.get("name").and_then(Value::as_str),
            _ => None,
        }
    }

    /// Steps of the task (`subtasks`, or the older `tasks`).
    pub fn subtasks(&self) -> &[SubtaskInstance] {
        match self.subtasks.is_empty() {
            true => &self.tasks,
            false => &self.subtasks,
        }
    }
}

fn series_key(s: &SubtaskInstance, pos: usize) -> (i64, usize) {
    (s.series_id.unwrap_or(i64::MAX), pos)
}

impl TaskInstance {
    /// Whether the task finished successfully.
    pub fn is_successful(&self) -> bool {
        self.status.eq_ignore_ascii_case(STATUS_SUCCESSFUL)
    }

    /// Whether the task failed.
    pub fn is_failed(&self) -> bool {
        self.status.eq_ignore_ascii_case(STATUS_FAILED)
    }

    /// Whether the task reached a final status (any other status means "still running",
    /// §5 #5).
    pub fn is_terminal(&self) -> bool {
        self.is_successful() || self.is_failed()
    }

    /// The failed subtask: the one with status `FAILED` and the lowest `seriesId`.
    pub fn failed_subtask(&self) -> Option<&SubtaskInstance> {
        self.lowest_with_status(STATUS_FAILED)
    }

    /// The running subtask with the lowest `seriesId`, if any.
    pub fn running_subtask(&self) -> Option<&SubtaskInstance> {
        self.lowest_with_status(STATUS_RUNNING)
    }

    fn lowest_with_status(&self, status: &str) -> Option<&SubtaskInstance> {
        self.subtasks()
            .iter()
            .enumerate()
            .filter(|(_, s)| s.status.eq_ignore_ascii_case(status))
            .min_by_key(|(i, s)| series_key(s, *i))
            .map(|(_, s)| s)
    }

    /// A label for messages: the name, or `task <id>`.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            format!("task {}", self.id)
        } else {
            self.name.clone()
        }
    }
}

/// The progress line of a task wait, e.g. `OCP task 42 (Create tenant): subtask 3/4 running:
/// Set tenant whitelist (2 done)`, when the running subtask differs from `last` (which is
/// updated); `None` when it is the same or none runs. The position counts in execution order
/// (`seriesId`, §2.3), not in array order.
pub fn progress_line(
    task: &TaskInstance,
    last: &mut Option<(Option<i64>, String)>,
) -> Option<String> {
    let sub = task.running_subtask()?;
    let key = (sub.id, sub.label());
    if last.as_ref() == Some(&key) {
        return None;
    }
    let mut order: Vec<(usize, &SubtaskInstance)> = task.subtasks().iter().enumerate().collect();
    order.sort_by_key(|(i, s)| series_key(s, *i));
    let pos = order
        .iter()
        .position(|(_, s)| std::ptr::eq(*s, sub))
        .map_or(0, |p| p + 1);
    let done = task
        .subtasks()
        .iter()
        .filter(|s| s.status.eq_ignore_ascii_case(STATUS_SUCCESSFUL))
        .count();
    let line = format!(
        "OCP task {} ({}): subtask {pos}/{} running: {} ({done} done)",
        task.id,
        task.label(),
        task.subtasks().len(),
        key.1
    );
    *last = Some(key);
    Some(line)
}

/// How [`OcpClient::wait_task`] waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    /// Overall deadline, from the resource's `timeouts`.
    pub timeout: Duration,
    /// First poll interval.
    pub initial_interval: Duration,
    /// Largest poll interval.
    pub max_interval: Duration,
}

impl WaitOptions {
    /// The defaults with another deadline.
    pub fn with_timeout(timeout: Duration) -> Self {
        WaitOptions {
            timeout,
            ..WaitOptions::default()
        }
    }

    /// The pause before the next poll, `elapsed` after the wait began: 5 % of the elapsed
    /// time, kept between `initial_interval` and `max_interval`, with up to 20 % jitter
    /// downwards (so concurrent waiters spread out and the bound still holds).
    pub fn interval_after(&self, elapsed: Duration) -> Duration {
        let lo = self.initial_interval;
        let hi = self.max_interval.max(lo);
        let base = elapsed.mul_f64(POLL_FRACTION).clamp(lo, hi);
        base.mul_f64(0.8 + 0.2 * fastrand::f64())
    }
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(30 * 60),
            initial_interval: Duration::from_millis(150),
            max_interval: Duration::from_secs(5),
        }
    }
}

/// Keeps the last `LOG_TAIL_LINES` lines and `LOG_TAIL_CHARS` characters of a log.
pub fn log_tail(log: &str) -> String {
    let lines: Vec<&str> = log.trim_end().lines().collect();
    let start = lines.len().saturating_sub(LOG_TAIL_LINES);
    let tail = lines[start..].join("\n");
    let count = tail.chars().count();
    if count > LOG_TAIL_CHARS {
        let skip = count - LOG_TAIL_CHARS;
        format!("…{}", tail.chars().skip(skip).collect::<String>())
    } else {
        tail
    }
}

/// The text of a subtask log answer. §2.4 only says "log text" (path inferred); the simulator
/// sends a JSON string. Objects with a `log`/`logContent`/`content` member and arrays of lines
/// are accepted too.
fn log_text(data: Value) -> String {
    match data {
        Value::String(s) => s,
        Value::Array(lines) => lines
            .iter()
            .map(|l| match l {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Object(mut o) => ["log", "logContent", "content", "message"]
            .iter()
            .find_map(|k| o.remove(*k))
            .map(log_text)
            .unwrap_or_default(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The task in the `data` of an answer that may or may not carry one (§5 #9 primary zone:
/// sync or async unknown; §5 #7 delete). The one place that decides: `data` is a task when it
/// is an object with an `id` and at least one field only a TaskInstance has (§2.2). A tenant
/// object, `true` or no `data` at all means "no task".
pub(crate) fn task_in_data(
    method: &'static str,
    path: &str,
    data: Value,
) -> Result<Option<TaskInstance>, ClientError> {
    const TASK_ONLY: [&str; 7] = [
        "subtasks",
        "tasks",
        "operation",
        "taskDefinitionId",
        "prohibitRollback",
        "executor",
        "creator",
    ];
    let is_task = data.get("id").is_some_and(|id| !id.is_null())
        && TASK_ONLY.iter().any(|k| data.get(*k).is_some());
    if !is_task {
        return Ok(None);
    }
    serde_json::from_value(data).map(Some).map_err(|e| {
        let message = format!("the task in the answer has an unexpected shape ({e})");
        ClientError::decode(method, path, message)
    })
}

/// The status OCP shows on an object (tenant, cluster, zone) while its delete task runs. The
/// reference names no such value for tenants (§3.4.2) and lists `DELETING` among the cluster
/// statuses (§5 #13); our decision for all three, shared with the simulator.
pub const OBJECT_DELETING: &str = "DELETING";

/// The object whose tasks [`OcpClient::running_tasks`] asks for, by the filters of OCP's task
/// list (§2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskScope {
    /// Tasks on a cluster (its zones, servers and tenants included): `clusterId`.
    Cluster(i64),
    /// Tasks on one tenant: `clusterId` and `tenantId`.
    Tenant(i64, i64),
    /// Tasks on one host: `hostId`.
    Host(i64),
}

impl TaskScope {
    fn query(self) -> Vec<(&'static str, String)> {
        match self {
            TaskScope::Cluster(c) => vec![("clusterId", c.to_string())],
            TaskScope::Tenant(c, t) => {
                vec![("clusterId", c.to_string()), ("tenantId", t.to_string())]
            }
            TaskScope::Host(h) => vec![("hostId", h.to_string())],
        }
    }

    /// Whether `task` is about this object; a list item that does not say is taken on the
    /// word of OCP's filter.
    fn covers(self, task: &TaskInstance) -> bool {
        let same = |have: Option<i64>, want: i64| have.is_none_or(|h| h == want);
        match self {
            TaskScope::Cluster(c) => same(task.cluster_id(), c),
            TaskScope::Tenant(c, t) => same(task.cluster_id(), c) && same(task.tenant_id(), t),
            TaskScope::Host(h) => same(task.host_id, h),
        }
    }
}

impl OcpClient {
    /// `GET /api/v2/tasks/instances/{id}`; 404 is an error (use [`OcpClient::find_task`] to
    /// treat it as absence).
    pub async fn get_task(&self, task_id: i64) -> Result<TaskInstance, ClientError> {
        self.get(&format!("/api/v2/tasks/instances/{task_id}"), &[])
            .await
    }

    /// The task, or `None` when OCP does not know it (404).
    pub async fn find_task(&self, task_id: i64) -> Result<Option<TaskInstance>, ClientError> {
        match self.get_task(task_id).await {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The tasks OCP still runs on one object: `GET /api/v2/tasks/instances` (§2.4) with
    /// `scope` as the filter and `status=RUNNING`. Items are checked again here against
    /// `scope` and their status, so an OCP that ignores a filter cannot widen the answer.
    pub async fn running_tasks(&self, scope: TaskScope) -> Result<Vec<TaskInstance>, ClientError> {
        let mut query = scope.query();
        query.push(("status", STATUS_RUNNING.to_owned()));
        let tasks: Vec<TaskInstance> = self.list_all("/api/v2/tasks/instances", &query).await?;
        Ok(tasks
            .into_iter()
            .filter(|t| !t.is_terminal() && scope.covers(t))
            .collect())
    }

    /// `DELETE path` of an object OCP removes with an async task, joining a delete already
    /// under way. `Ok(None)`: nothing to wait for (404: already gone; or an answer without a
    /// task). A DELETE that meets a running delete task is refused as busy (§5 #21): a repeated
    /// DELETE whose first answer was lost, or the next destroy after one that timed out or was
    /// interrupted. So when OCP refuses, `status` looks the object up: gone (`Ok(None)`) →
    /// `Ok(None)`; [`OBJECT_DELETING`] → the newest running task on `scope`, to wait for;
    /// anything else (e.g. another change still running) → OCP's refusal as it was.
    pub(crate) async fn delete_joining<F, Fut>(
        &self,
        path: &str,
        scope: TaskScope,
        status: F,
    ) -> Result<Option<TaskInstance>, ClientError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Option<Option<String>>, ClientError>>,
    {
        let refused = match self.delete::<Value>(path).await {
            Ok(data) => return task_in_data("DELETE", path, data),
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e @ ClientError::Api { .. }) => e,
            Err(e) => return Err(e),
        };
        match status().await {
            Ok(None) => Ok(None),
            Ok(Some(Some(s))) if s == OBJECT_DELETING => {
                match self
                    .running_tasks(scope)
                    .await
                    .map(|ts| ts.into_iter().max_by_key(|t| t.id))
                {
                    Ok(Some(task)) => {
                        log::info!(
                            "DELETE {path}: already being deleted by OCP task {} ({}); waiting for that task",
                            task.id,
                            task.label()
                        );
                        Ok(Some(task))
                    }
                    _ => Err(refused),
                }
            }
            _ => Err(refused),
        }
    }

    /// The full log of one subtask as text (§2.4, path inferred).
    pub async fn subtask_log(&self, task_id: i64, subtask_id: i64) -> Result<String, ClientError> {
        let data: Value = self
            .get(
                &format!("/api/v2/tasks/instances/{task_id}/subtasks/{subtask_id}/log"),
                &[],
            )
            .await?;
        Ok(log_text(data))
    }

    /// `POST /api/v2/tasks/instances/{id}/retry`: re-runs the failed subtasks (§2.4). Sent once.
    pub async fn retry_task(&self, task_id: i64) -> Result<TaskInstance, ClientError> {
        self.post_once(&format!("/api/v2/tasks/instances/{task_id}/retry"), &())
            .await
    }

    /// The [`ClientError::TaskFailed`] for a failed task: names the failed subtask and carries
    /// the tail of its log (fetched here; a log that cannot be read is mentioned instead).
    pub async fn task_failure(&self, task: &TaskInstance) -> ClientError {
        let failed = task.failed_subtask();
        let log_tail = match failed.and_then(|s| s.id) {
            Some(sid) => {
                match tokio::time::timeout(LOG_FETCH_TIMEOUT, self.subtask_log(task.id, sid)).await
                {
                    Ok(Ok(text)) => log_tail(&text),
                    Ok(Err(e)) => {
                        format!(
                            "(the subtask log could not be read: {})",
                            e.summary_detail().0
                        )
                    }
                    Err(_) => "(the subtask log could not be read in time)".to_owned(),
                }
            }
            None => String::new(),
        };
        ClientError::TaskFailed {
            task_id: task.id,
            task_name: task.label(),
            subtask_id: failed.and_then(|s| s.id),
            subtask_name: failed.map(SubtaskInstance::label),
            log_tail,
        }
    }

    /// Waits for task `task_id` to finish (design rule R3).
    ///
    /// * `SUCCESSFUL` → `Ok(task)`.
    /// * `FAILED` → [`ClientError::TaskFailed`] with the failed subtask and its log tail.
    /// * Deadline (`opts.timeout`) passed → [`ClientError::TaskTimeout`].
    /// * `cancel` fired → [`ClientError::Cancelled`] at once (the task keeps running in OCP).
    /// * Transient poll errors (5xx, 429, resets, timeouts) are logged and polling goes on;
    ///   other errors (401, 403, 404 for an unknown task) end the wait.
    ///
    /// Any status other than `SUCCESSFUL`/`FAILED` means "keep waiting" (§5 #5). The poll
    /// interval is [`WaitOptions::interval_after`] the elapsed time. Progress is logged at
    /// info level whenever the running subtask changes.
    pub async fn wait_task(
        &self,
        task_id: i64,
        opts: &WaitOptions,
        cancel: &CancellationToken,
    ) -> Result<TaskInstance, ClientError> {
        // Every line logged while waiting (the polls' HTTP calls included) names the task.
        let span = tracing::info_span!("ocp_task", ocp_task_id = task_id);
        self.poll_task(task_id, opts, cancel).instrument(span).await
    }

    /// The loop of [`OcpClient::wait_task`].
    async fn poll_task(
        &self,
        task_id: i64,
        opts: &WaitOptions,
        cancel: &CancellationToken,
    ) -> Result<TaskInstance, ClientError> {
        let start = Instant::now();
        let deadline = start
            .checked_add(opts.timeout)
            .unwrap_or_else(|| start + Duration::from_secs(365 * 24 * 3600));
        let mut last: Option<TaskInstance> = None;
        let mut last_running: Option<(Option<i64>, String)> = None;
        let mut polls: u32 = 0;
        loop {
            let poll_limit = deadline.max(Instant::now() + FINAL_POLL_GRACE);
            let polled = tokio::select! {
                biased;
                () = cancel.cancelled() => return Err(ClientError::Cancelled { task_id: Some(task_id) }),
                r = tokio::time::timeout_at(poll_limit.into(), self.get_task(task_id)) => r,
            };
            polls += 1;
            match polled {
                Ok(Ok(task)) => {
                    if let Some(line) = progress_line(&task, &mut last_running) {
                        log::info!("{line}");
                    }
                    if task.is_successful() {
                        log::info!(
                            "OCP task {task_id} ({}) succeeded after {} ({polls} polls)",
                            task.label(),
                            super::error::human_duration(start.elapsed())
                        );
                        return Ok(task);
                    }
                    if task.is_failed() {
                        log::warn!("OCP task {task_id} ({}) failed", task.label());
                        let err = tokio::select! {
                            biased;
                            () = cancel.cancelled() => ClientError::TaskFailed {
                                task_id,
                                task_name: task.label(),
                                subtask_id: task.failed_subtask().and_then(|s| s.id),
                                subtask_name: task.failed_subtask().map(SubtaskInstance::label),
                                log_tail: String::new(),
                            },
                            e = self.task_failure(&task) => e,
                        };
                        return Err(err);
                    }
                    last = Some(task);
                }
                Ok(Err(e)) if e.is_retryable() => {
                    log::warn!(
                        "polling OCP task {task_id} failed transiently ({}); still waiting",
                        e.summary_detail().0
                    );
                }
                Ok(Err(e)) => return Err(e),
                Err(_elapsed) => {}
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(ClientError::TaskTimeout {
                    task_id,
                    task_name: last
                        .as_ref()
                        .map_or_else(|| format!("task {task_id}"), TaskInstance::label),
                    last_status: last.map(|t| t.status).unwrap_or_default(),
                    elapsed: start.elapsed(),
                });
            }
            let pause = opts.interval_after(start.elapsed()).min(deadline - now);
            tokio::select! {
                biased;
                () = cancel.cancelled() => return Err(ClientError::Cancelled { task_id: Some(task_id) }),
                () = tokio::time::sleep(pause) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests;
