//! Resources and data sources, one file per OCP family, and the one list of all of them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::client::{ClientError, OcpClient, TaskInstance, WaitOptions};
use crate::framework::{AttrPath, Ctx, DataSource, Diagnostics, Resource};
use crate::resources::lifecycle::pending::{self, Op, Private};

pub mod backup;
pub mod cluster;
pub mod compute;
pub mod database;
pub mod db_grant;
pub mod db_role;
pub mod db_user;
pub mod host;
pub mod import_id;
pub mod lifecycle;
pub mod ownership;
pub mod privileges;
pub mod tenant;
pub mod topology;

pub mod unique;
#[cfg(test)]
mod unknown_tests;

/// Every managed resource type this provider serves.
pub fn all_resources() -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(tenant::TenantResource),
        Arc::new(lifecycle::Managed(database::DatabaseResource)),
        Arc::new(db_user::DbUserResource),
        Arc::new(db_role::DbRoleResource),
        Arc::new(db_grant::DbGrantResource),
        Arc::new(backup::BackupPolicyResource),
        Arc::new(compute::CatalogueResource(compute::Kind::Region)),
        Arc::new(compute::CatalogueResource(compute::Kind::Idc)),
        Arc::new(compute::CatalogueResource(compute::Kind::HostType)),
        Arc::new(host::HostResource),
        Arc::new(topology::ClusterResource),
        Arc::new(topology::ZoneResource),
    ]
}

/// Every data source this provider serves.
pub fn all_data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(cluster::ClusterDataSource),
        Arc::new(cluster::ClustersDataSource),
        Arc::new(tenant::TenantDataSource),
        Arc::new(tenant::TenantsDataSource),
        Arc::new(database::DatabasesDataSource),
        Arc::new(db_user::DbUserDataSource),
        Arc::new(db_user::DbUsersDataSource),
        Arc::new(db_role::DbRoleDataSource),
        Arc::new(backup::BackupPolicyDataSource),
        Arc::new(backup::BackupTasksDataSource),
        Arc::new(compute::CatalogueDataSource(compute::Kind::Region)),
        Arc::new(compute::CatalogueListDataSource(compute::Kind::Region)),
        Arc::new(compute::CatalogueDataSource(compute::Kind::Idc)),
        Arc::new(compute::CatalogueListDataSource(compute::Kind::Idc)),
        Arc::new(compute::CatalogueDataSource(compute::Kind::HostType)),
        Arc::new(compute::CatalogueListDataSource(compute::Kind::HostType)),
        Arc::new(host::HostDataSource),
        Arc::new(host::HostsDataSource),
    ]
}

/// Turns a client error into one diagnostic, the same way for every resource: the summary
/// names the action ("Unable to Read Cluster"), the detail carries what OCP said (code,
/// message, trace id) or the failed task's subtask and log.
pub fn report(diags: &mut Diagnostics, action: &str, path: Option<AttrPath>, err: &ClientError) {
    let (_, detail) = err.summary_detail();
    let summary = format!("Unable to {action}");
    match path {
        Some(p) => diags.attr_error(p, summary, detail),
        None => diags.error(summary, detail),
    }
}

/// [`report`] for a delete. When the wait stopped while OCP's task still runs (timeout or
/// Stop), says that the object stays in state and that the next destroy picks the task up
/// (see [`OcpClient::delete_joining`]).
pub fn report_delete(diags: &mut Diagnostics, action: &str, err: &ClientError) {
    let (_, mut detail) = err.summary_detail();
    if err.unfinished_task().is_some() {
        detail.push_str(
            "\n\nThe object stays in Terraform's state. Running terraform destroy (or apply) \
             again waits for this task to end instead of starting a second delete.",
        );
    }
    diags.error(format!("Unable to {action}"), detail);
}

/// An object OCP already had before a create (design rule R2): what the create refuses to
/// take over, and how the user brings it under Terraform instead.
pub struct Existing<'a> {
    /// Resource type, e.g. `ocp_tenant`.
    pub type_name: &'a str,
    /// Title-case noun for the summary, e.g. `Tenant`.
    pub noun: &'a str,
    /// The object in words with its OCP id where it has one, e.g. `tenant "orders" (OCP id
    /// 1002003) in cluster 1000001`.
    pub what: String,
    /// The id `terraform import` takes for it (the resource's documented import format).
    pub import_id: String,
    /// The attribute that names it (its natural key), e.g. `name`.
    pub attr: &'a str,
}

/// Refuses a create whose object existed before it (design rule R2): one error on the natural
/// key naming the object, its OCP id and the `terraform import` command. Nothing goes into
/// state, so no later destroy or replacement can delete an object Terraform did not create.
/// The one place every resource words this alike.
pub fn refuse_existing(diags: &mut Diagnostics, e: Existing<'_>) {
    diags.attr_error(
        AttrPath::root(e.attr),
        format!("{} Already Exists", e.noun),
        format!(
            "OCP already has {}, and this apply did not create it. Terraform never \
             takes over an object it did not create, so it was left untouched and nothing was \
             recorded in state.\n\nTo manage it with Terraform, import it into this resource \
             (use the address Terraform shows with this error):\n\n    terraform import {}.<resource name> {}\n\n\
             Otherwise choose another {}. With `create_before_destroy`, a replacement cannot \
             keep the {} of the object it replaces: change it, or remove \
             `create_before_destroy` so the old object is deleted first.",
            e.what, e.type_name, e.import_id, e.attr, e.attr
        ),
    );
}

/// The time left of an operation that must end by `deadline` (zero once it has passed).
pub fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// Waits on an OCP task until it succeeds, fails, the operation's deadline passes, or
/// Terraform sends Stop. One place, so every resource waits alike (design rule R3).
pub async fn wait(
    client: &OcpClient,
    ctx: &Ctx,
    task: &TaskInstance,
    deadline: Instant,
) -> Result<TaskInstance, ClientError> {
    client
        .wait_task(
            task.id,
            &WaitOptions::with_timeout(remaining(deadline)),
            &ctx.cancel,
        )
        .await
}

/// Waits on several OCP tasks in turn (e.g. a backup call's `taskIdList`), sharing one deadline.
pub async fn wait_ids(
    client: &OcpClient,
    ctx: &Ctx,
    ids: &[i64],
    deadline: Instant,
) -> Result<(), ClientError> {
    pending::wait_all(client, &ctx.cancel, ids, deadline, false)
        .await
        .map_err(|(_, e)| e)
}

/// Polls an object whose OCP task is unknown (one adopted after a lost create answer) until
/// `probe` says it is ready: `Ok(Some(true))` ready, `Ok(Some(false))` not yet, `Ok(None)`
/// gone (an error naming `what` and `path`). Backs off from 200 ms to 5 s; `Ok(false)` when
/// the deadline passes or Terraform sends Stop first.
pub async fn poll_until_ready<F, Fut>(
    ctx: &Ctx,
    deadline: Instant,
    what: &str,
    path: String,
    mut probe: F,
) -> Result<bool, ClientError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<bool>, ClientError>>,
{
    let mut pause = Duration::from_millis(200);
    loop {
        match probe().await? {
            Some(true) => return Ok(true),
            Some(false) => {}
            None => {
                return Err(ClientError::NotFound {
                    method: "GET",
                    path,
                    message: format!("the adopted {what} disappeared before it was ready"),
                    trace_id: None,
                })
            }
        }
        if remaining(deadline).is_zero() {
            return Ok(false);
        }
        tokio::select! {
            _ = ctx.cancel.cancelled() => return Ok(false),
            _ = tokio::time::sleep(pause.min(remaining(deadline))) => {}
        }
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

/// Private state a resource keeps beside its state: the OCP task last started for it, so a
/// later run can tell whether that task finished (design rule R1).
pub fn task_private(task_id: i64) -> Vec<u8> {
    let mut b = Vec::new();
    Private::edit(&mut b, |p| p.set_done(Some(task_id)));
    b
}

/// How the wait of a create or update on its OCP tasks ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// Every task succeeded.
    Done,
    /// The timeout passed or Terraform sent Stop while a task ran: the tasks left are
    /// recorded as pending in `private`. A create returns at once without an error (its
    /// state already holds the id); an update has an error in `diags`.
    Pending,
    /// OCP reported a task FAILED; `diags` has the error.
    Failed,
}

/// Waits on the OCP tasks a create or update started, in order, until `deadline`, and
/// records in `private` what a later run needs: the last task, or the tasks still running
/// when the wait ended early, so the next apply waits for them instead of submitting the
/// work again (`lifecycle::pending`). `action` names the operation in messages
/// ("Create Tenant").
#[allow(clippy::too_many_arguments)]
pub async fn wait_tasks(
    client: &OcpClient,
    ctx: &Ctx,
    op: Op,
    tasks: &[i64],
    deadline: Instant,
    private: &mut Vec<u8>,
    diags: &mut Diagnostics,
    action: &str,
) -> Waited {
    Private::edit(private, |p| p.set_done(tasks.last().copied()));
    match pending::wait_all(client, &ctx.cancel, tasks, deadline, false).await {
        Ok(()) => Waited::Done,
        // Only OCP's word that a task FAILED ends it; any other end of the wait (deadline,
        // Stop, OCP unreachable or answering oddly) leaves a task that may still run, which
        // must be waited for again, not created a second time.
        Err((i, e)) if !matches!(e, ClientError::TaskFailed { .. }) => {
            pend(op, tasks[i..].to_vec(), &e, private, diags, action);
            Waited::Pending
        }
        Err((i, e)) => {
            Private::edit(private, |p| p.set_done(Some(tasks[i])));
            report(diags, action, None, &e);
            Waited::Failed
        }
    }
}

/// Records `tasks` (whose wait ended with `e` before OCP said how they ended) as pending, and tells the
/// user: a warning for a create (which must not fail, or Terraform taints an object OCP is
/// still building), an error for an update.
pub fn pend(
    op: Op,
    tasks: Vec<i64>,
    e: &ClientError,
    private: &mut Vec<u8>,
    diags: &mut Diagnostics,
    action: &str,
) {
    let ids = pending::ids_text(&tasks);
    Private::edit(private, |p| p.set_pending(op, tasks));
    let (_, detail) = e.summary_detail();
    match op {
        Op::Create => diags.warning(
            format!("{action}: OCP Task Still Running"),
            format!("{detail}\n\nThe object is recorded in state and is not tainted. The next `terraform plan` shows its `status` as known after apply, and `terraform apply` waits for OCP task {ids} to finish instead of creating the object again. Raise `timeouts.create` if this object needs longer."),
        ),
        Op::Update => diags.error(
            format!("Unable to {action}"),
            format!("{detail}\n\nThe next apply waits for OCP task {ids} to finish before changing anything else."),
        ),
    }
}

/// A name rule: an optional leading letter, then letters, digits and the given punctuation,
/// at most 64 characters. One validator for every kind of name the provider checks.
pub struct NameRule {
    /// Whether the first character must be a letter.
    pub letter_first: bool,
    /// Punctuation allowed besides letters and digits.
    pub punctuation: &'static [char],
    /// The diagnostic's summary, e.g. `Invalid Tenant Name`.
    pub summary: &'static str,
}

/// Names of tenants, databases, users and roles: a letter followed by letters, digits or
/// underscores, at most 64 characters (the rule this provider and the simulator share).
pub const DB_OBJECT_NAME: NameRule = NameRule {
    letter_first: true,
    punctuation: &['_'],
    summary: "Invalid Name",
};

impl crate::framework::validate::Validator for NameRule {
    fn description(&self) -> String {
        let extra: String = self
            .punctuation
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if self.letter_first {
            format!("a letter followed by letters, digits or {extra}, at most 64 characters")
        } else {
            format!("letters, digits and {extra}, at most 64 characters")
        }
    }
    fn validate(&self, path: &AttrPath, v: &crate::value::Value, diags: &mut Diagnostics) {
        let Some(s) = v.as_str() else { return };
        if s.trim().is_empty() && !self.letter_first {
            return; // blank names are NotBlank's to report
        }
        let ok = s.len() <= 64
            && (!self.letter_first || s.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || self.punctuation.contains(&c));
        if !ok {
            diags.attr_error(
                path.clone(),
                self.summary,
                format!(
                    "Attribute {path} must be {}, got {s:?}.",
                    self.description()
                ),
            );
        }
    }
}

/// Whether a primary zone is OCP's `RANDOM` (leaders spread over every zone).
pub fn is_random_primary_zone(pz: &str) -> bool {
    pz.trim().eq_ignore_ascii_case("RANDOM")
}

/// OCP's primary-zone syntax (§3.4.1): `RANDOM`, or zone names where `,` separates zones of
/// equal priority and `;` lowers the priority (`zone1;zone2,zone3`). Refuses at plan time
/// what OCP refuses at apply: an empty string, an empty group (a leading, trailing or doubled
/// `;` or `,`), a zone named twice.
pub struct PrimaryZoneSyntax;

impl crate::framework::validate::Validator for PrimaryZoneSyntax {
    fn description(&self) -> String {
        "`RANDOM`, or zone names separated by `,` (equal priority) and `;` (lower priority), such as `zone1;zone2,zone3`".into()
    }
    fn validate(&self, path: &AttrPath, v: &crate::value::Value, diags: &mut Diagnostics) {
        let Some(s) = v.as_str() else { return };
        if is_random_primary_zone(s) {
            return;
        }
        let mut seen = std::collections::BTreeSet::new();
        let mut why = None;
        for zone in s.split([';', ',']).map(str::trim) {
            if zone.is_empty() {
                why = Some(
                    "it has an empty zone name (a leading, trailing or doubled `;` or `,`)"
                        .to_string(),
                );
                break;
            }
            if !zone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                why = Some(format!("{zone:?} is not a zone name"));
                break;
            }
            if !seen.insert(zone) {
                why = Some(format!("it names zone {zone:?} twice"));
                break;
            }
        }
        if let Some(why) = why {
            diags.attr_error(
                path.clone(),
                "Invalid Primary Zone",
                format!(
                    "Attribute {path} must be {}, got {s:?}: {why}.",
                    self.description()
                ),
            );
        }
    }
}

/// The `(cluster_id, tenant_id)` of a value of a resource that lives in a tenant.
pub fn tenant_of(v: &crate::value::Value) -> Option<(i64, i64)> {
    Some((
        v.get("cluster_id")?.as_i64()?,
        v.get("tenant_id")?.as_i64()?,
    ))
}

/// The `cluster_id` and `tenant_id` attributes every in-tenant resource starts with.
pub fn tenant_attrs(s: crate::framework::Schema, what: &str) -> crate::framework::Schema {
    use crate::framework::Attr;
    s.attr(
        "cluster_id",
        Attr::int().required().requires_replace().doc(format!(
            "OCP id of the cluster that hosts the tenant. Changing it replaces the {what}."
        )),
    )
    .attr(
        "tenant_id",
        Attr::int().required().requires_replace().doc(format!(
            "OCP id of the tenant, e.g. `ocp_tenant.app.id`. Changing it replaces the {what}."
        )),
    )
}

/// Sets `attr` of state `s` to what OCP reported; when OCP left the field out, keeps the
/// value `prior` holds (design rule R6: a field the reference does not guarantee is never read
/// as "cleared"), or null when the prior has none or does not know it yet (a create).
pub fn set_reported(
    s: &mut crate::value::Value,
    prior: &crate::value::Value,
    attr: &str,
    reported: Option<crate::value::Value>,
) {
    use crate::value::Value;
    let v = match reported {
        Some(v) => v,
        None => match prior.get(attr) {
            Some(p) if !p.is_unknown() => p.clone(),
            _ => Value::Null,
        },
    };
    s.set_attr(attr, v);
}
