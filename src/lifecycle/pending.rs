//! Resume instead of re-submit: OCP tasks that were still running when a create or update
//! stopped waiting (its timeout passed, or Terraform sent Stop).
//!
//! The task ids live in the resource's protocol `private` bytes (design rule R1), as JSON:
//! `{"task_id": 12, "pending": {"op": "create", "tasks": [12]}}`. The cycle:
//!
//! 1. **Create or update** waits on its tasks. If the wait ends by timeout or Stop, the ids go
//!    into `pending`. A create then ends *without* an error: the object is in state,
//!    untainted, with a warning, because Terraform taints every create that reports an error
//!    and the next apply would destroy an object OCP is still building and create a second
//!    one. An update ends with an error (Terraform never taints on update errors).
//! 2. **Read** looks at the pending tasks first: finished ones are dropped; a failed one is
//!    recorded with OCP's reason.
//! 3. **Plan** turns a pending task into a visible change: the resource's `status` becomes
//!    "known after apply" (an in-place update) with a warning naming the task; a failed
//!    create instead plans a replacement, as a tainted object would get.
//! 4. **Apply** of that update waits on the tasks first (with the create or update timeout),
//!    then reads the object again through the resource's own `read` and runs the update from
//!    that fresh prior state: the update diffs what OCP has now against the plan, so it
//!    submits only what is still missing. Nothing is submitted to OCP twice. An object the
//!    read finds gone is an error, never re-created within that apply.
//!
//! This behaviour is documented for users in `docs/guides/timeouts-and-resume.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use std::time::Instant;

use tokio_util::sync::CancellationToken;

use crate::client::{ClientError, OcpClient, WaitOptions};
use crate::framework::diag::{AttrPath, Diagnostics};
use crate::framework::plan::mark_computed_unknown;
use crate::framework::{Ctx, PlanResponse, Schema};
use crate::value::Value;

/// The attribute that carries a pending task into the plan. Every resource that waits on OCP
/// tasks has a computed `status`.
pub const MARKER: &str = "status";

/// Which operation started the pending tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// The create; a failure means the object never became usable (replace it).
    Create,
    /// An in-place update; a failure means the change did not happen (apply it again).
    Update,
}

impl Op {
    /// The `timeouts` key that bounds waiting for tasks of this operation.
    pub fn timeout_key(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
        }
    }

    /// Verb for messages ("creates", "updates").
    pub fn verb(self) -> &'static str {
        match self {
            Op::Create => "creates",
            Op::Update => "updates",
        }
    }
}

/// OCP tasks to finish before anything else happens to the object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The operation that started them.
    pub op: Op,
    /// Task ids, in the order they are waited on.
    pub tasks: Vec<i64>,
    /// OCP's reason when a later read found one of them FAILED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

/// The private bytes of a resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Private {
    /// The OCP task last started for the object (for the record; finished or not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<i64>,
    /// Tasks still to finish, when a wait ended early.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
    /// What a resource keeps besides (e.g. the id of a credential it made), kept as is.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Private {
    /// Reads private bytes. Empty or unreadable bytes (written by another provider version,
    /// or damaged) count as nothing pending: the next read and plan then go by OCP alone.
    pub fn parse(bytes: &[u8]) -> Private {
        if bytes.is_empty() {
            return Private::default();
        }
        serde_json::from_slice(bytes).unwrap_or_else(|e| {
            log::warn!("ignoring unreadable private state: {e}");
            Private::default()
        })
    }

    /// The bytes to store; empty when there is nothing to keep.
    pub fn to_bytes(&self) -> Vec<u8> {
        if *self == Private::default() {
            return Vec::new();
        }
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Changes the private state in `bytes` with `f`, keeping what `f` does not touch.
    pub fn edit(bytes: &mut Vec<u8>, f: impl FnOnce(&mut Private)) {
        let mut p = Private::parse(bytes);
        f(&mut p);
        *bytes = p.to_bytes();
    }

    /// Records a finished task (or none) and nothing pending.
    pub fn set_done(&mut self, task_id: Option<i64>) {
        self.task_id = task_id;
        self.pending = None;
    }

    /// Records tasks still running, started by `op`.
    pub fn set_pending(&mut self, op: Op, tasks: Vec<i64>) {
        self.task_id = tasks.last().copied();
        self.pending = Some(Pending {
            op,
            tasks,
            failed: None,
        });
    }
}

/// The pending tasks recorded in private bytes, if any.
pub fn pending_of(bytes: &[u8]) -> Option<Pending> {
    Private::parse(bytes).pending
}

/// Waits on `tasks` in order, all within `deadline`, cancelled by `cancel` (Terraform's Stop).
/// `Err((i, e))`: `tasks[i]` did not succeed (failed, timed out, cancelled, unreadable).
/// With `unknown_is_done`, a task OCP no longer knows counts as finished.
pub async fn wait_all(
    client: &OcpClient,
    cancel: &CancellationToken,
    tasks: &[i64],
    deadline: Instant,
    unknown_is_done: bool,
) -> Result<(), (usize, ClientError)> {
    for (i, id) in tasks.iter().enumerate() {
        let opts = WaitOptions::with_timeout(deadline.saturating_duration_since(Instant::now()));
        match client.wait_task(*id, &opts, cancel).await {
            Ok(_) => {}
            Err(e) if unknown_is_done && e.is_not_found() => {}
            Err(e) => return Err((i, e)),
        }
    }
    Ok(())
}

/// Task ids for messages: `12, 13`.
pub fn ids_text(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Brings recorded pending tasks up to date with OCP (step 2 above): drops the finished and
/// the unknown ones, records the first failed one. A task that cannot be looked up now stays
/// pending (the next read tries again). Returns the new private bytes.
pub async fn refresh(client: &OcpClient, bytes: Vec<u8>) -> Vec<u8> {
    let mut private = Private::parse(&bytes);
    let Some(p) = private.pending.as_mut() else {
        return bytes;
    };
    if p.failed.is_some() {
        return bytes;
    }
    while let Some(&id) = p.tasks.first() {
        match client.find_task(id).await {
            Ok(None) => {
                log::info!("pending task {id} is unknown to OCP; dropping it");
                p.tasks.remove(0);
            }
            Ok(Some(t)) if t.is_successful() => {
                p.tasks.remove(0);
            }
            Ok(Some(t)) if t.is_failed() => {
                let (_, detail) = client.task_failure(&t).await.summary_detail();
                p.failed = Some(detail);
                break;
            }
            Ok(Some(_)) => break,
            Err(e) => {
                log::warn!("could not look up pending task {id}: {e}");
                break;
            }
        }
    }
    if p.tasks.is_empty() {
        private.pending = None;
    }
    private.to_bytes()
}

/// Plans what a pending task needs (see `pending`): the marker attribute becomes unknown, so
/// Terraform plans an update whose apply waits for the task, or, when OCP reported the task
/// that creates the object FAILED, a replacement.
pub fn plan(schema: &Schema, p: &Pending, prior: &Value, config: &Value, resp: &mut PlanResponse) {
    if !schema.block.attributes.iter().any(|(n, _)| n == MARKER) {
        return;
    }
    let ids = ids_text(&p.tasks);
    resp.planned.set_attr(MARKER, Value::Unknown);
    // Whatever the task still does may change any computed value, as an update would.
    mark_computed_unknown(&schema.block, &mut resp.planned, config, prior);
    match (&p.failed, p.op) {
        (Some(reason), Op::Create) => {
            resp.requires_replace.push(AttrPath::root(MARKER));
            resp.diags.warning(
                "OCP Task Failed After The Create Stopped Waiting",
                format!("The OCP task {ids} that creates this object failed after the last apply stopped waiting for it, so the object is replaced.\n\n{reason}"),
            );
        }
        (Some(reason), Op::Update) => resp.diags.warning(
            "OCP Task Failed After The Update Stopped Waiting",
            format!("The OCP task {ids} that updated this object failed after the last apply stopped waiting for it; apply makes the change again.\n\n{reason}"),
        ),
        (None, op) => resp.diags.warning(
            "OCP Task Still Running",
            format!("The OCP task {ids} that {} this object was still running when the last apply stopped waiting for it. Apply waits for it to finish before anything else, instead of submitting it again.", op.verb()),
        ),
    }
}

/// Before an update: waits on the pending tasks (with the timeout of the operation that
/// started them). `Ok` carries the private bytes without them; `Err` the bytes to keep
/// and the error for the user.
pub async fn finish(
    ctx: &Ctx,
    schema: &Schema,
    planned: &Value,
    p: Pending,
    private: Vec<u8>,
) -> Result<Vec<u8>, (Vec<u8>, Diagnostics)> {
    let mut diags = Diagnostics::new();
    let summary = "Unable to Finish Pending OCP Task";
    let mut private = private;
    if p.failed.is_some() {
        // A failed update is applied again by the update itself; a failed create is
        // planned as a replacement and never reaches an update.
        Private::edit(&mut private, |x| x.set_done(p.tasks.first().copied()));
        return Ok(private);
    }
    let Some(client) = ctx.client(&mut diags) else {
        return Err((private, diags));
    };
    let deadline = std::time::Instant::now() + schema.timeout(planned, p.op.timeout_key());
    if let Err((i, e)) = wait_all(client, &ctx.cancel, &p.tasks, deadline, true).await {
        let (_, detail) = e.summary_detail();
        let rest = p.tasks[i..].to_vec();
        let failed = matches!(e, crate::client::ClientError::TaskFailed { .. });
        Private::edit(&mut private, |x| match (failed, p.op) {
            (true, Op::Update) => x.set_done(Some(p.tasks[i])),
            (true, Op::Create) => {
                x.set_pending(p.op, rest);
                if let Some(q) = x.pending.as_mut() {
                    q.failed = Some(detail.clone());
                }
            }
            (false, _) => x.set_pending(p.op, rest),
        });
        let next = if failed {
            ""
        } else {
            "\n\nThe task stays recorded: the next apply waits for it again."
        };
        diags.error(summary, format!("{detail}{next}"));
        return Err((private, diags));
    }
    Private::edit(&mut private, |x| x.set_done(p.tasks.last().copied()));
    Ok(private)
}

/// Reports an object a pending task's apply found gone: it is never re-created within that
/// apply, behind the user's back.
pub fn gone(diags: &mut Diagnostics, tasks: &[i64]) {
    diags.error(
        "Object Gone After Pending OCP Task",
        format!(
            "The OCP task {} that the last apply stopped waiting for has ended, but OCP no longer has this object, so nothing was changed. Check OCP: the next `terraform plan` shows the object to be created again.",
            ids_text(tasks)
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_round_trips_and_empty_means_nothing() {
        let mut b = br#"{"credential_id":3}"#.to_vec();
        Private::edit(&mut b, |p| p.set_pending(Op::Create, vec![4, 5]));
        assert_eq!(
            String::from_utf8(b.clone()).unwrap(),
            r#"{"task_id":5,"pending":{"op":"create","tasks":[4,5]},"credential_id":3}"#
        );
        assert_eq!(pending_of(&b).unwrap().tasks, vec![4, 5]);
        Private::edit(&mut b, |p| p.set_done(None));
        assert_eq!(String::from_utf8(b).unwrap(), r#"{"credential_id":3}"#);
        assert!(Private::default().to_bytes().is_empty());
        assert_eq!(Private::parse(b""), Private::default());
    }

    #[test]
    fn older_and_damaged_private_bytes_are_tolerated() {
        // What earlier versions stored: the last task only.
        assert_eq!(Private::parse(br#"{"task_id":9}"#).task_id, Some(9));
        assert_eq!(Private::parse(br#"{"task_id":null}"#), Private::default());
        assert_eq!(Private::parse(b"\x93garbage"), Private::default());
        assert_eq!(pending_of(b"task=9"), None);
    }
}
