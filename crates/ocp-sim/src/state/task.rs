//! Task instances as data (§2.3): [`Task`], its [`Subtask`]s, statuses and operations, and the
//! [`TaskSpec`] an async write submits. The engine that runs them is
//! [`crate::domain::tasks`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::effects::Effect;

/// IP reported as the task `executor` (the OCP node running the task).
pub const EXECUTOR: &str = "172.16.0.2";

/// Task instance status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskStatus {
    /// Running (also while a retry/rollback runs).
    Running,
    /// Finished with a failed subtask.
    Failed,
    /// All subtasks succeeded (or the rollback completed).
    Successful,
}

impl TaskStatus {
    /// OCP spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Running => "RUNNING",
            TaskStatus::Failed => "FAILED",
            TaskStatus::Successful => "SUCCESSFUL",
        }
    }
}

/// Subtask instance status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubtaskStatus {
    /// Not started.
    Pending,
    /// Executing.
    Running,
    /// Failed or cancelled.
    Failed,
    /// Done (or skipped / rolled back).
    Successful,
}

impl SubtaskStatus {
    /// OCP spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SubtaskStatus::Pending => "PENDING",
            SubtaskStatus::Running => "RUNNING",
            SubtaskStatus::Failed => "FAILED",
            SubtaskStatus::Successful => "SUCCESSFUL",
        }
    }
}

/// Task / subtask operation (§2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operation {
    /// First execution.
    Execute,
    /// Retry after a failure.
    Retry,
    /// Rollback after a failure.
    Rollback,
    /// Failed subtask skipped.
    Skip,
    /// Running subtask cancelled.
    Cancel,
}

impl Operation {
    /// OCP spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Execute => "EXECUTE",
            Operation::Retry => "RETRY",
            Operation::Rollback => "ROLLBACK",
            Operation::Skip => "SKIP",
            Operation::Cancel => "CANCEL",
        }
    }
}

/// One step of a task to be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubtaskSpec {
    /// Name, also used as description.
    pub name: String,
    /// Java class name, e.g. `com.alipay.ocp.service.task.business.cluster.StopObserverTask`.
    pub class_name: String,
}

/// Everything needed to create a task. Build with [`TaskSpec::new`] and the builder methods.
pub struct TaskSpec {
    /// Task name, e.g. `Stop OB cluster`.
    pub name: String,
    /// Steps in execution (seriesId) order; at least one (a default step is added if empty).
    pub subtasks: Vec<SubtaskSpec>,
    /// `clusterId` of the task.
    pub cluster_id: Option<i64>,
    /// `tenantId` of the task.
    pub tenant_id: Option<i64>,
    /// `hostId` of the task.
    pub host_id: Option<i64>,
    /// Lock keys (see the module docs).
    pub locks: Vec<String>,
    /// `context.stringMap`.
    pub string_map: BTreeMap<String, String>,
    /// `context.listMap`.
    pub list_map: BTreeMap<String, Vec<Value>>,
    /// `prohibitRollback`.
    pub prohibit_rollback: bool,
    /// Side effects on the resources (saved with the task).
    pub effect: Option<Effect>,
}

impl TaskSpec {
    /// A task named `name` with no subtasks yet.
    pub fn new(name: impl Into<String>) -> Self {
        TaskSpec {
            name: name.into(),
            subtasks: Vec::new(),
            cluster_id: None,
            tenant_id: None,
            host_id: None,
            locks: Vec::new(),
            string_map: BTreeMap::new(),
            list_map: BTreeMap::new(),
            prohibit_rollback: false,
            effect: None,
        }
    }

    /// Set the serialisable side effects (see [`Effect`]).
    pub fn effect(mut self, effect: impl Into<Effect>) -> Self {
        self.effect = Some(effect.into());
        self
    }

    /// Append a subtask (`class` = fully qualified Java class name, shown as `className`).
    pub fn subtask(mut self, name: &str, class: &str) -> Self {
        self.subtasks.push(SubtaskSpec {
            name: name.to_string(),
            class_name: class.to_string(),
        });
        self
    }

    /// Set `clusterId` and the `cluster_id` context entry.
    pub fn cluster(mut self, id: i64) -> Self {
        self.cluster_id = Some(id);
        self.string_map.insert("cluster_id".into(), id.to_string());
        self
    }

    /// Set `tenantId` and the `tenant_id` context entry.
    pub fn tenant(mut self, id: i64) -> Self {
        self.tenant_id = Some(id);
        self.string_map.insert("tenant_id".into(), id.to_string());
        self
    }

    /// Set `hostId` and the `host_id` context entry.
    pub fn host(mut self, id: i64) -> Self {
        self.host_id = Some(id);
        self.string_map.insert("host_id".into(), id.to_string());
        self
    }

    /// Add a lock key.
    pub fn lock(mut self, key: impl Into<String>) -> Self {
        self.locks.push(key.into());
        self
    }

    /// Add a `context.stringMap` entry.
    pub fn string(mut self, key: &str, value: impl ToString) -> Self {
        self.string_map.insert(key.to_string(), value.to_string());
        self
    }

    /// Add a `context.listMap` entry.
    pub fn list(mut self, key: &str, values: Vec<Value>) -> Self {
        self.list_map.insert(key.to_string(), values);
        self
    }

    /// Set `prohibitRollback`.
    pub fn prohibit_rollback(mut self, yes: bool) -> Self {
        self.prohibit_rollback = yes;
        self.string_map
            .insert("prohibit_rollback".into(), yes.to_string());
        self
    }
}

/// A subtask instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subtask {
    /// Subtask instance id.
    pub id: i64,
    /// Execution order, 1-based.
    pub series_id: i64,
    /// Name.
    pub name: String,
    /// Java class name.
    pub class_name: String,
    /// Status.
    pub status: SubtaskStatus,
    /// Last operation.
    pub operation: Operation,
    /// Number of executions.
    pub run_time: u32,
    /// Timeout seconds.
    pub timeout: u32,
    /// Epoch ms.
    pub create_time: i64,
    /// Epoch ms of the last start.
    pub start_time: Option<i64>,
    /// Epoch ms of the last finish.
    pub finish_time: Option<i64>,
    /// Log lines.
    pub log: Vec<String>,
}

/// The run in progress of a task: when it started, which subtasks it runs in which order,
/// how many are done, and as which operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Run {
    pub(crate) start: i64,
    pub(crate) order: Vec<usize>,
    pub(crate) done: usize,
    pub(crate) op: Operation,
    /// Time per subtask of this run when it differs from the task's (a finished task: 0).
    #[serde(default)]
    pub(crate) per_ms: Option<f64>,
}

/// A task instance, serialisable with its [`Effect`] and injected faults.
#[derive(Serialize, Deserialize)]
pub struct Task {
    /// Task instance id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `MANUAL`.
    pub task_type: String,
    /// Status.
    pub status: TaskStatus,
    /// Last operation.
    pub operation: Operation,
    /// Login that created it.
    pub creator: String,
    /// `clusterId`.
    pub cluster_id: Option<i64>,
    /// `tenantId`.
    pub tenant_id: Option<i64>,
    /// `hostId`.
    pub host_id: Option<i64>,
    /// Lock keys.
    pub locks: Vec<String>,
    /// `context.stringMap`.
    pub string_map: BTreeMap<String, String>,
    /// `context.listMap`.
    pub list_map: BTreeMap<String, Vec<Value>>,
    /// `prohibitRollback`.
    pub prohibit_rollback: bool,
    /// `taskDefinitionId`.
    pub task_definition_id: i64,
    /// Epoch ms.
    pub create_time: i64,
    /// Epoch ms.
    pub start_time: i64,
    /// Epoch ms when it last reached a final status.
    pub finish_time: Option<i64>,
    /// Subtasks in seriesId order.
    pub subtasks: Vec<Subtask>,
    pub(crate) per_ms: f64,
    pub(crate) run: Option<Run>,
    pub(crate) fail_at: Option<(usize, String)>,
    pub(crate) stuck: bool,
    pub(crate) effect: Option<Effect>,
}

impl std::fmt::Debug for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Task")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("status", &self.status)
            .field("operation", &self.operation)
            .field("subtasks", &self.subtasks)
            .finish_non_exhaustive()
    }
}
