//! The async task engine (§2).
//!
//! An async write builds a [`TaskSpec`] (name, subtasks, target ids, lock keys, context and
//! effect) and calls [`Store::submit_task`]; the answer is [`Store::task_json`] as `data` (the newer TaskInstance format, §5 #6: `subtasks`, `creator`
//! as a string, `context` as an object).
//!
//! ## Timing
//!
//! A run takes `task_seconds` in total, split evenly across the task's subtasks. Progress is
//! computed lazily from timestamps whenever the store is locked ([`Store::advance`]), so there are
//! no background threads: subtasks run one at a time in seriesId order (`RUNNING`, later ones
//! `PENDING`); each start/finish time is the *scheduled* instant, not the time of the read.
//!
//! ## Hooks and resource state
//!
//! A task's [`Effect`] runs with [`HookKind::Start`] at submission and again when a retry/skip
//! resumes the task (put the resource in its transitional status, e.g. cluster `STOPPING`);
//! with `Success` when the last subtask succeeds; `Failure` when a subtask fails or is cancelled;
//! `Rollback` when a rollback completes. Effects are data, so that a task saved with the state
//! (`--state-file`) still applies them after a restart; each family of [`crate::domain`] says
//! what its effect does.
//!
//! ## Locks (§5 #21)
//!
//! Lock keys are `/`-separated paths such as `cluster/1000001` or `cluster/1000001/zone/zone1`.
//! Two keys conflict when equal or when one is a path prefix of the other. While a task is
//! `RUNNING`, any new async write (or retry/rollback/skip) with a conflicting key is refused with
//! 400 `RESOURCE_BUSY`. Failed tasks hold no lock.
//!
//! ## Failure, retry, rollback, skip, cancel (§2.5)
//!
//! * Failure (injected with `TaskFault`): the subtask and the task become
//!   `FAILED`, `finishTime` is set, later subtasks stay `PENDING`, the reason is the last line of
//!   the failed subtask's log (§5 #4: no error field is added to the task).
//! * Retry (task `FAILED` only): the same task goes back to `RUNNING` with operation `RETRY`; the
//!   failed and the pending subtasks run again (the failed one with operation `RETRY`).
//! * Rollback (task `FAILED`, `prohibitRollback == false`): operation `ROLLBACK`, the executed
//!   subtasks (successful and failed) are rolled back one by one in reverse seriesId order (each
//!   `RUNNING` then `SUCCESSFUL` with operation `ROLLBACK`); when done the task is `SUCCESSFUL`
//!   with operation `ROLLBACK` and `on_rollback` restores the resource. (Our decision: OCP's
//!   final status of a rolled back task is not documented; clients must look at `operation`.)
//! * Subtask skip (subtask `FAILED`): it becomes `SUCCESSFUL` with operation `SKIP` and the task
//!   resumes with the remaining subtasks (operation `SKIP`).
//! * Subtask cancel (subtask `RUNNING`): it becomes `FAILED` with operation `CANCEL`, the task
//!   `FAILED`; a stuck task is released this way.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::faults::TaskFault;
use crate::state::task::{
    Operation, Run, Subtask, SubtaskSpec, SubtaskStatus, Task, TaskSpec, TaskStatus, EXECUTOR,
};
use crate::state::{HookKind, IdKind, Store};
use crate::util;

/// What one step of a task ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Nothing,
    Failed,
    Succeeded,
    RolledBack,
}

fn short_class(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}

fn log_line(ts: i64, level: &str, task_id: i64, class: &str, msg: &str) -> String {
    format!(
        "{} {:<5} [task-executor-{}] {} - {}",
        util::log_ts(ts),
        level,
        task_id % 16,
        short_class(class),
        msg
    )
}

impl Subtask {
    fn log(&mut self, ts: i64, level: &str, task_id: i64, msg: &str) {
        let line = log_line(ts, level, task_id, &self.class_name, msg);
        self.log.push(line);
    }
}

fn conflicts(a: &str, b: &str) -> bool {
    a == b
        || a.strip_prefix(b).is_some_and(|r| r.starts_with('/'))
        || b.strip_prefix(a).is_some_and(|r| r.starts_with('/'))
}

fn context_text(map: &BTreeMap<String, String>) -> String {
    map.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Task {
    fn at(&self, run: &Run, i: usize) -> i64 {
        run.start + (run.per_ms.unwrap_or(self.per_ms) * i as f64).round() as i64
    }

    fn start_subtask(&mut self, idx: usize, ts: i64, op: Operation) {
        let id = self.id;
        let ctx = context_text(&self.string_map);
        let Some(sub) = self.subtasks.get_mut(idx) else {
            return;
        };
        let op = match op {
            Operation::Rollback => Operation::Rollback,
            _ if sub.run_time > 0 => Operation::Retry,
            _ => Operation::Execute,
        };
        sub.status = SubtaskStatus::Running;
        sub.operation = op;
        sub.run_time += 1;
        sub.start_time = Some(ts);
        sub.finish_time = None;
        let msg = format!(
            "Start to {} subtask, taskInstanceId={}, subtaskInstanceId={}, name={}, runTime={}",
            op.as_str().to_ascii_lowercase(),
            id,
            sub.id,
            sub.name,
            sub.run_time
        );
        sub.log(ts, "INFO", id, &msg);
        sub.log(ts, "INFO", id, &format!("Context: {{{ctx}}}"));
    }

    /// Advance this task to `now`.
    fn step(&mut self, now: i64) -> Outcome {
        let Some(run) = self.run.clone() else {
            return Outcome::Nothing;
        };
        let n = run.order.len();
        let mut done = run.done;
        while done < n {
            let idx = run.order[done];
            let s_start = self.at(&run, done);
            let s_end = self.at(&run, done + 1);
            if s_start > now {
                break;
            }
            if self.subtasks[idx].status != SubtaskStatus::Running {
                self.start_subtask(idx, s_start, run.op);
            }
            let rollback = run.op == Operation::Rollback;
            if self.stuck && !rollback && done == n - 1 {
                break;
            }
            if s_end > now {
                break;
            }
            let id = self.id;
            let fail = match &self.fail_at {
                Some((at, msg)) if *at == idx && !rollback => Some(msg.clone()),
                _ => None,
            };
            let sub = &mut self.subtasks[idx];
            sub.finish_time = Some(s_end);
            let elapsed = s_end - s_start;
            if let Some(msg) = fail {
                sub.status = SubtaskStatus::Failed;
                sub.log(s_end, "ERROR", id, &msg);
                sub.log(
                    s_end,
                    "ERROR",
                    id,
                    &format!("Subtask {} failed, elapsed {} ms", sub.name, elapsed),
                );
                self.status = TaskStatus::Failed;
                self.finish_time = Some(s_end);
                self.run = None;
                self.fail_at = None;
                return Outcome::Failed;
            }
            sub.status = SubtaskStatus::Successful;
            let what = if rollback { "rolled back" } else { "finished" };
            sub.log(
                s_end,
                "INFO",
                id,
                &format!(
                    "Subtask {} {what} successfully, elapsed {elapsed} ms",
                    sub.name
                ),
            );
            done += 1;
        }
        if done == n {
            let end = self.at(&run, n).max(run.start);
            self.status = TaskStatus::Successful;
            self.finish_time = Some(end);
            self.run = None;
            return if run.op == Operation::Rollback {
                Outcome::RolledBack
            } else {
                Outcome::Succeeded
            };
        }
        if let Some(r) = self.run.as_mut() {
            r.done = done;
        }
        Outcome::Nothing
    }

    /// True while the task holds its locks.
    pub fn is_running(&self) -> bool {
        self.status == TaskStatus::Running
    }

    fn begin_run(&mut self, now: i64, order: Vec<usize>, op: Operation) {
        self.status = TaskStatus::Running;
        self.operation = op;
        self.finish_time = None;
        self.run = Some(Run {
            start: now,
            order,
            done: 0,
            op,
            per_ms: None,
        });
    }
}

impl Store {
    /// Advance every running task to `now`, running hooks for tasks that finish.
    pub fn advance(&mut self, now: i64) {
        let ids: Vec<i64> = self
            .tasks
            .iter()
            .filter(|(_, t)| t.run.is_some())
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            let outcome = match self.tasks.get_mut(&id) {
                Some(t) => t.step(now),
                None => continue,
            };
            if outcome != Outcome::Nothing {
                self.dirty = true;
            }
            match outcome {
                Outcome::Nothing => {}
                Outcome::Failed => self.run_hook(id, HookKind::Failure),
                Outcome::Succeeded => self.run_hook(id, HookKind::Success),
                Outcome::RolledBack => self.run_hook(id, HookKind::Rollback),
            }
        }
    }

    fn run_hook(&mut self, id: i64, kind: HookKind) {
        let Some(effect) = self.tasks.get(&id).and_then(|t| t.effect.clone()) else {
            return;
        };
        effect.run(kind, self, id);
    }

    /// The running task (other than `except`) holding a lock that conflicts with `locks`.
    pub fn busy_task(&self, locks: &[String], except: Option<i64>) -> Option<&Task> {
        self.tasks.values().find(|t| {
            t.is_running()
                && Some(t.id) != except
                && t.locks
                    .iter()
                    .any(|held| locks.iter().any(|want| conflicts(held, want)))
        })
    }

    /// 400 `RESOURCE_BUSY` if a running task holds a conflicting lock (§5 #21).
    pub fn ensure_not_busy(&self, locks: &[String]) -> Result<(), ApiError> {
        self.ensure_not_busy_except(locks, None)
    }

    fn ensure_not_busy_except(
        &self,
        locks: &[String],
        except: Option<i64>,
    ) -> Result<(), ApiError> {
        match self.busy_task(locks, except) {
            Some(t) => Err(ApiError::busy(format!(
                "resource busy: task {} ({}) is still running on {}",
                t.id,
                t.name,
                t.locks.join(", ")
            ))),
            None => Ok(()),
        }
    }

    /// Create and start a task; returns its id. Consumes the next armed task fault, if any.
    pub fn submit_task(&mut self, spec: TaskSpec) -> Result<i64, ApiError> {
        self.ensure_not_busy(&spec.locks)?;
        let now = self.now();
        let id = self.next_id(IdKind::Task);
        let mut specs = spec.subtasks;
        if specs.is_empty() {
            specs.push(SubtaskSpec {
                name: spec.name.clone(),
                class_name: "com.alipay.ocp.service.task.business.common.NoopTask".into(),
            });
        }
        let n = specs.len();
        let mut subtasks = Vec::with_capacity(n);
        for (i, s) in specs.into_iter().enumerate() {
            let sid = self.next_id(IdKind::Subtask);
            subtasks.push(Subtask {
                id: sid,
                series_id: i as i64 + 1,
                name: s.name,
                class_name: s.class_name,
                status: SubtaskStatus::Pending,
                operation: Operation::Execute,
                run_time: 0,
                timeout: 3600,
                create_time: now,
                start_time: None,
                finish_time: None,
                log: Vec::new(),
            });
        }
        let (fail_at, stuck) = match self.task_faults.pop_front() {
            Some(TaskFault::FailAt { subtask, message }) => {
                (Some((subtask.clamp(1, n) - 1, message)), false)
            }
            Some(TaskFault::Stuck) => (None, true),
            None => (None, false),
        };
        let definition = self.task_definition_id(&spec.name);
        let mut task = Task {
            id,
            name: spec.name,
            task_type: "MANUAL".into(),
            status: TaskStatus::Running,
            operation: Operation::Execute,
            creator: self.creator.clone(),
            cluster_id: spec.cluster_id,
            tenant_id: spec.tenant_id,
            host_id: spec.host_id,
            locks: spec.locks,
            string_map: spec.string_map,
            list_map: spec.list_map,
            prohibit_rollback: spec.prohibit_rollback,
            task_definition_id: definition,
            create_time: now,
            start_time: now,
            finish_time: None,
            subtasks,
            per_ms: self.task_seconds * 1000.0 / n as f64,
            run: None,
            fail_at,
            stuck,
            effect: spec.effect,
        };
        task.begin_run(now, (0..n).collect(), Operation::Execute);
        self.tasks.insert(id, task);
        self.run_hook(id, HookKind::Start);
        self.advance(now);
        Ok(id)
    }

    /// Bring a running task to its end now, whatever the clock says: its remaining subtasks
    /// start and finish at this instant. With `failure`, the subtask running now (or the next
    /// one) fails instead, its log ending with the message. A stuck task is released. Used by
    /// tests (`POST /_sim/tasks/{id}/finish` and `/fail`).
    pub fn finish_task(&mut self, id: i64, failure: Option<String>) -> Result<(), ApiError> {
        let now = self.now();
        let task = self.task_mut(id)?;
        let Some(run) = task.run.as_mut() else {
            return Err(ApiError::illegal_state(format!(
                "task {id} is {}, only RUNNING tasks can be finished",
                task.status.as_str()
            )));
        };
        let remaining: Vec<usize> = run.order.get(run.done..).unwrap_or_default().to_vec();
        run.order = remaining;
        run.done = 0;
        run.start = now;
        run.per_ms = Some(0.0);
        let rollback = run.op == Operation::Rollback;
        match (failure, run.order.first()) {
            (Some(message), Some(first)) if !rollback => task.fail_at = Some((*first, message)),
            _ => {}
        }
        task.stuck = false;
        self.advance(now);
        Ok(())
    }

    /// Task by id or 404 `TASK_INSTANCE_NOT_FOUND`.
    pub fn task(&self, id: i64) -> Result<&Task, ApiError> {
        self.tasks.get(&id).ok_or_else(|| {
            ApiError::not_found("TASK_INSTANCE", format!("task instance not found: id={id}"))
        })
    }

    fn task_mut(&mut self, id: i64) -> Result<&mut Task, ApiError> {
        self.tasks.get_mut(&id).ok_or_else(|| {
            ApiError::not_found("TASK_INSTANCE", format!("task instance not found: id={id}"))
        })
    }

    /// Index of a subtask of a task or 404 `SUBTASK_INSTANCE_NOT_FOUND`.
    pub fn subtask_index(&self, id: i64, sid: i64) -> Result<usize, ApiError> {
        self.task(id)?
            .subtasks
            .iter()
            .position(|s| s.id == sid)
            .ok_or_else(|| {
                ApiError::not_found(
                    "SUBTASK_INSTANCE",
                    format!(
                        "subtask instance not found: taskInstanceId={id}, subtaskInstanceId={sid}"
                    ),
                )
            })
    }

    /// Retry a failed task (§2.5): failed and pending subtasks run again; subtasks that had run
    /// before are executed with operation `RETRY`, the others with `EXECUTE`.
    pub fn retry_task(&mut self, id: i64) -> Result<(), ApiError> {
        let task = self.task(id)?;
        if task.status != TaskStatus::Failed {
            return Err(ApiError::illegal_state(format!(
                "task {id} is {}, only FAILED tasks can be retried",
                task.status.as_str()
            )));
        }
        let locks = task.locks.clone();
        self.ensure_not_busy_except(&locks, Some(id))?;
        let now = self.now();
        let task = self.task_mut(id)?;
        let order: Vec<usize> = (0..task.subtasks.len())
            .filter(|i| task.subtasks[*i].status != SubtaskStatus::Successful)
            .collect();
        for i in &order {
            let sub = &mut task.subtasks[*i];
            if sub.status == SubtaskStatus::Failed {
                sub.status = SubtaskStatus::Pending;
                sub.operation = Operation::Retry;
            }
        }
        task.begin_run(now, order, Operation::Retry);
        self.run_hook(id, HookKind::Start);
        self.advance(now);
        Ok(())
    }

    /// Roll back a failed task (§2.5).
    pub fn rollback_task(&mut self, id: i64) -> Result<(), ApiError> {
        let task = self.task(id)?;
        if task.status != TaskStatus::Failed {
            return Err(ApiError::illegal_state(format!(
                "task {id} is {}, only FAILED tasks can be rolled back",
                task.status.as_str()
            )));
        }
        if task.prohibit_rollback {
            return Err(ApiError::illegal_state(format!(
                "task {id} does not allow rollback (prohibitRollback=true)"
            )));
        }
        let locks = task.locks.clone();
        self.ensure_not_busy_except(&locks, Some(id))?;
        let now = self.now();
        let task = self.task_mut(id)?;
        let order: Vec<usize> = (0..task.subtasks.len())
            .rev()
            .filter(|i| {
                matches!(
                    task.subtasks[*i].status,
                    SubtaskStatus::Successful | SubtaskStatus::Failed
                )
            })
            .collect();
        for i in &order {
            let sub = &mut task.subtasks[*i];
            sub.status = SubtaskStatus::Pending;
            sub.operation = Operation::Rollback;
        }
        task.begin_run(now, order, Operation::Rollback);
        self.advance(now);
        Ok(())
    }

    /// Retry one failed subtask: retries the whole task (OCP re-runs the failed subtasks).
    pub fn retry_subtask(&mut self, id: i64, sid: i64) -> Result<(), ApiError> {
        let idx = self.subtask_index(id, sid)?;
        let status = self.task(id)?.subtasks[idx].status;
        if status != SubtaskStatus::Failed {
            return Err(ApiError::illegal_state(format!(
                "subtask {sid} is {}, only FAILED subtasks can be retried",
                status.as_str()
            )));
        }
        self.retry_task(id)
    }

    /// Skip a failed subtask and resume the task.
    pub fn skip_subtask(&mut self, id: i64, sid: i64) -> Result<(), ApiError> {
        let idx = self.subtask_index(id, sid)?;
        let task = self.task(id)?;
        let status = task.subtasks[idx].status;
        if status != SubtaskStatus::Failed || task.status != TaskStatus::Failed {
            return Err(ApiError::illegal_state(format!(
                "subtask {sid} is {}, only FAILED subtasks can be skipped",
                status.as_str()
            )));
        }
        let locks = task.locks.clone();
        self.ensure_not_busy_except(&locks, Some(id))?;
        let now = self.now();
        let creator = self.creator.clone();
        let task = self.task_mut(id)?;
        let tid = task.id;
        let sub = &mut task.subtasks[idx];
        sub.status = SubtaskStatus::Successful;
        sub.operation = Operation::Skip;
        sub.finish_time = Some(now);
        sub.log(now, "WARN", tid, &format!("Subtask skipped by {creator}"));
        let order: Vec<usize> = (0..task.subtasks.len())
            .filter(|i| task.subtasks[*i].status == SubtaskStatus::Pending)
            .collect();
        task.begin_run(now, order, Operation::Skip);
        self.run_hook(id, HookKind::Start);
        self.advance(now);
        Ok(())
    }

    /// Cancel a running subtask: it and the task become `FAILED`.
    pub fn cancel_subtask(&mut self, id: i64, sid: i64) -> Result<(), ApiError> {
        let idx = self.subtask_index(id, sid)?;
        let status = self.task(id)?.subtasks[idx].status;
        if status != SubtaskStatus::Running {
            return Err(ApiError::illegal_state(format!(
                "subtask {sid} is {}, only RUNNING subtasks can be cancelled",
                status.as_str()
            )));
        }
        let now = self.now();
        let creator = self.creator.clone();
        let task = self.task_mut(id)?;
        let tid = task.id;
        let sub = &mut task.subtasks[idx];
        sub.status = SubtaskStatus::Failed;
        sub.operation = Operation::Cancel;
        sub.finish_time = Some(now);
        sub.log(now, "WARN", tid, &format!("Subtask cancelled by {creator}"));
        task.status = TaskStatus::Failed;
        task.finish_time = Some(now);
        task.run = None;
        task.stuck = false;
        self.run_hook(id, HookKind::Failure);
        Ok(())
    }

    /// Subtask as JSON (SubtaskInstance, §2.3).
    pub fn subtask_json(&self, task: &Task, idx: usize) -> Value {
        let Some(s) = task.subtasks.get(idx) else {
            return Value::Null;
        };
        let up: Vec<i64> = idx
            .checked_sub(1)
            .and_then(|p| task.subtasks.get(p))
            .map(|p| p.id)
            .into_iter()
            .collect();
        let down: Vec<i64> = task
            .subtasks
            .get(idx + 1)
            .map(|p| p.id)
            .into_iter()
            .collect();
        json!({
            "id": s.id,
            "seriesId": s.series_id,
            "name": s.name,
            "description": s.name,
            "className": s.class_name,
            "timeout": s.timeout,
            "status": s.status.as_str(),
            "operation": s.operation.as_str(),
            "executor": EXECUTOR,
            "runTime": s.run_time,
            "context": "",
            "createTime": util::iso(s.create_time),
            "startTime": s.start_time.map(util::iso),
            "finishTime": s.finish_time.map(util::iso),
            "upstreams": up,
            "downstreams": down,
        })
    }

    /// Task as JSON: the newer TaskInstance format (§5 #6). `detail` adds `context` and `subtasks`
    /// (WrappedTaskInstance); list items are the basic form.
    pub fn task_json(&self, task: &Task, detail: bool) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(task.id));
        m.insert("name".into(), json!(task.name));
        m.insert("type".into(), json!(task.task_type));
        m.insert("status".into(), json!(task.status.as_str()));
        m.insert("operation".into(), json!(task.operation.as_str()));
        m.insert("creator".into(), json!(task.creator));
        m.insert("executor".into(), json!(EXECUTOR));
        if let Some(id) = task.cluster_id {
            m.insert("clusterId".into(), json!(id));
        }
        if let Some(id) = task.tenant_id {
            m.insert("tenantId".into(), json!(id));
        }
        if let Some(id) = task.host_id {
            m.insert("hostId".into(), json!(id));
        }
        m.insert("createTime".into(), json!(util::iso(task.create_time)));
        m.insert("startTime".into(), json!(util::iso(task.start_time)));
        m.insert("finishTime".into(), json!(task.finish_time.map(util::iso)));
        m.insert("prohibitRollback".into(), json!(task.prohibit_rollback));
        m.insert("taskDefinitionId".into(), json!(task.task_definition_id));
        if detail {
            m.insert(
                "context".into(),
                json!({
                    "listMap": task.list_map,
                    "stringMap": task.string_map,
                    "parallel": false,
                    "parallelIdx": -1,
                }),
            );
            let subs: Vec<Value> = (0..task.subtasks.len())
                .map(|i| self.subtask_json(task, i))
                .collect();
            m.insert("subtasks".into(), Value::Array(subs));
        }
        Value::Object(m)
    }

    /// Task by id as detail JSON (convenience for handlers).
    pub fn task_detail(&self, id: i64) -> Result<Value, ApiError> {
        let t = self.task(id)?;
        Ok(self.task_json(t, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::SimConfig;

    fn store(secs: f64) -> Store {
        Store::empty(&SimConfig {
            task_seconds: secs,
            ..SimConfig::default()
        })
    }

    #[test]
    fn lock_conflicts() {
        assert!(conflicts("cluster/1", "cluster/1"));
        assert!(conflicts("cluster/1", "cluster/1/zone/zone1"));
        assert!(conflicts("cluster/1/zone/zone1", "cluster/1"));
        assert!(!conflicts("cluster/1", "cluster/12"));
        assert!(!conflicts("cluster/1/zone/zone1", "cluster/1/zone/zone2"));
    }

    #[test]
    fn zero_second_task_succeeds_at_once_and_runs_its_effect() {
        let mut s = Store::seeded(&SimConfig {
            task_seconds: 0.0,
            ..SimConfig::default()
        });
        let sys = 1_002_001;
        assert!(s.tenants.contains_key(&sys));
        let spec = TaskSpec::new("T")
            .subtask("a", "x.A")
            .subtask("b", "x.B")
            .effect(crate::state::effects::TenantEffect::Delete {
                tenant_id: sys,
                former: "NORMAL".into(),
            });
        let id = s.submit_task(spec).unwrap_or_else(|e| panic!("{e}"));
        let t = s.task(id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.status, TaskStatus::Successful);
        assert!(t
            .subtasks
            .iter()
            .all(|x| x.status == SubtaskStatus::Successful));
        assert!(
            !s.tenants.contains_key(&sys),
            "the success effect removed the tenant"
        );
    }

    #[test]
    fn progress_is_lazy_and_ordered() {
        let mut s = store(100.0);
        let id = s
            .submit_task(
                TaskSpec::new("T")
                    .subtask("a", "x.A")
                    .subtask("b", "x.B")
                    .lock("r/1"),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let start = s.tasks[&id].start_time;
        let st = |s: &Store| -> Vec<SubtaskStatus> {
            s.tasks[&id].subtasks.iter().map(|x| x.status).collect()
        };
        assert_eq!(st(&s), vec![SubtaskStatus::Running, SubtaskStatus::Pending]);
        assert!(s.ensure_not_busy(&["r/1/x".into()]).is_err());
        s.advance(start + 50_001);
        assert_eq!(
            st(&s),
            vec![SubtaskStatus::Successful, SubtaskStatus::Running]
        );
        s.advance(start + 100_001);
        assert_eq!(s.tasks[&id].status, TaskStatus::Successful);
        assert_eq!(s.tasks[&id].finish_time, Some(start + 100_000));
        assert!(s.ensure_not_busy(&["r/1".into()]).is_ok());
    }
}
