//! The `ocp_host` resource and the `ocp_host` / `ocp_hosts` data sources.
//!
//! API: ocp-api.md §3.7 and §5 #17, #18. Adding a host takes an SSH credential from OCP's
//! credential vault and runs an `Add host` task; deleting a host is synchronous. OCP has no
//! documented call to modify a host or to change the credential a host was added with, so every
//! placement attribute forces replacement, while a change of the SSH user name or password is
//! an in-place update that only records the new value (OCP used the credential when it added
//! the host and never reads it back).
//!
//! The credential this resource makes (`terraform-host-<ip>-<millis>`, a name unique to one
//! create so a leftover credential with another password is never adopted) is recorded in the
//! private state; destroy deletes it after the host. A host brought in by `terraform import`
//! keeps the credential it was added with: Terraform did not make it, so it never deletes it.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::client::api::compute::{AddHost, Host, HostFilter};
use crate::client::{ClientError, Created, OcpClient, Secret};
use crate::framework::validate::{IntBetween, NotBlank, OneOf, Validator};
use crate::framework::{
    Attr, AttrPath, CreateRequest, CreateResponse, Ctx, DataReadRequest, DataReadResponse,
    DataSource, DeleteRequest, DeleteResponse, Diagnostics, ImportResponse, PlanRequest,
    PlanResponse, ReadRequest, ReadResponse, Resource, Schema, UpdateRequest, UpdateResponse,
};
use crate::value::{Type, Value};

use super::{poll_until_ready, refuse_existing, report, wait_tasks, Existing, Waited};
use crate::lifecycle::pending::{self, Op};

/// Host kinds OCP knows (§3.7).
const KINDS: &[&str] = &["DEDICATED_PHYSICAL_MACHINE", "DEDICATED_CONTAINER"];
/// The kind of a host when none is given.
const DEFAULT_KIND: &str = "DEDICATED_PHYSICAL_MACHINE";
/// The SSH port when none is given.
const DEFAULT_SSH_PORT: i64 = 22;
/// Attributes whose change replaces the host.
const REPLACING: &[&str] = &[
    "ip",
    "ssh_port",
    "kind",
    "idc_id",
    "host_type_id",
    "alias",
    "description",
];
/// Attributes the resource computes from OCP.
const COMPUTED: &[&str] = &[
    "id",
    "status",
    "idc_name",
    "region_name",
    "cluster_id",
    "credential_id",
];

/// An IPv4 address in dotted-decimal form without leading zeros, as OCP accepts for
/// `innerIpAddress`.
pub struct Ipv4;

/// Whether `s` is a dotted-decimal IPv4 address without leading zeros.
fn valid_ipv4(s: &str) -> bool {
    let octets: Vec<&str> = s.split('.').collect();
    octets.len() == 4
        && octets.iter().all(|o| {
            !o.is_empty()
                && o.len() <= 3
                && o.bytes().all(|b| b.is_ascii_digit())
                && (o.len() == 1 || !o.starts_with('0'))
                && o.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

impl Validator for Ipv4 {
    fn description(&self) -> String {
        "an IPv4 address such as `10.0.0.21`".into()
    }
    fn validate(&self, path: &AttrPath, v: &Value, diags: &mut Diagnostics) {
        let Some(s) = v.as_str() else { return };
        if !valid_ipv4(s) {
            diags.attr_error(
                path.clone(),
                "Invalid IP Address",
                format!(
                    "Attribute {path} must be {} (four decimal octets 0-255, no leading zeros), got {s:?}.",
                    self.description()
                ),
            );
        }
    }
}

fn str_attr<'a>(v: &'a Value, a: &str) -> Option<&'a str> {
    v.get(a).and_then(Value::as_str)
}

fn int_attr(v: &Value, a: &str) -> Option<i64> {
    v.get(a).and_then(Value::as_i64)
}

/// The private state: the `Add host` task and the credential this resource made (and so owns).
#[derive(Debug, Default, PartialEq, Eq)]
struct Private {
    task_id: Option<i64>,
    credential_id: Option<i64>,
}

impl Private {
    /// Stored in the framework's private state (`lifecycle::pending`), beside its task record.
    fn encode(&self) -> Vec<u8> {
        let mut b = Vec::new();
        pending::Private::edit(&mut b, |p| {
            p.task_id = self.task_id;
            if let Some(c) = self.credential_id {
                p.extra.insert("credential_id".into(), c.into());
            }
        });
        b
    }

    fn decode(bytes: &[u8]) -> Private {
        let p = pending::Private::parse(bytes);
        Private {
            task_id: p.task_id,
            credential_id: p
                .extra
                .get("credential_id")
                .and_then(serde_json::Value::as_i64),
        }
    }
}

/// OCP's optional text as a state value: an empty text is "not set" when the user wrote none.
fn opt_text(ocp: Option<&str>, base: &Value, attr: &str) -> Value {
    match ocp {
        Some("") if base.get(attr).is_none_or(Value::is_null) => Value::Null,
        None if str_attr(base, attr) == Some("") => Value::string(""),
        s => Value::opt_string(s),
    }
}

/// The state for host `h`, keeping from `base` what OCP does not return (the SSH user name and
/// password, `timeouts`) and what OCP leaves out of its answer.
fn state_from(h: &Host, base: &Value) -> Value {
    let mut s = base.clone();
    if !matches!(s, Value::Object(_)) {
        s = Value::object(Vec::<(String, Value)>::new());
    }
    let keep = |s: &mut Value, attr: &str, v: Option<Value>, default: Option<Value>| {
        let v = v
            .or_else(|| base.get(attr).filter(|b| !b.is_null()).cloned())
            .or(default)
            .unwrap_or(Value::Null);
        s.set_attr(attr, v);
    };
    s.set_attr("id", Value::from_i64(h.id));
    keep(
        &mut s,
        "ip",
        h.inner_ip_address.clone().map(Value::string),
        None,
    );
    keep(
        &mut s,
        "ssh_port",
        h.ssh_port.map(Value::from_i64),
        Some(Value::from_i64(DEFAULT_SSH_PORT)),
    );
    keep(
        &mut s,
        "kind",
        h.kind.clone().map(Value::string),
        Some(Value::string(DEFAULT_KIND)),
    );
    keep(&mut s, "idc_id", h.idc_id.map(Value::from_i64), None);
    keep(&mut s, "host_type_id", h.type_id.map(Value::from_i64), None);
    s.set_attr("alias", opt_text(h.alias.as_deref(), base, "alias"));
    s.set_attr(
        "description",
        opt_text(h.description.as_deref(), base, "description"),
    );
    s.set_attr("status", Value::opt_string(h.status.clone()));
    s.set_attr("idc_name", Value::opt_string(h.idc_name.clone()));
    s.set_attr("region_name", Value::opt_string(h.region_name.clone()));
    s.set_attr("cluster_id", Value::opt_i64(h.cluster_id));
    s.set_attr("credential_id", Value::opt_i64(h.credential_id));
    s
}

/// The attribute an OCP add-host error is about, read from OCP's message (OCP gives no
/// structured field name, §5 #3).
fn add_error_path(e: &ClientError) -> Option<AttrPath> {
    let ClientError::Api { message, .. } = e else {
        return None;
    };
    let m = message.to_ascii_lowercase();
    let attr = if m.contains("idcid") || m.contains("idc ") {
        "idc_id"
    } else if m.contains("typeid") || m.contains("host type") {
        "host_type_id"
    } else if m.contains("sshport") || m.contains("ssh port") {
        "ssh_port"
    } else if m.contains("innerip") || m.contains("ip address") {
        "ip"
    } else if m.contains("kind") {
        "kind"
    } else if m.contains("alias") {
        "alias"
    } else {
        return None;
    };
    Some(AttrPath::root(attr))
}

/// Deletes a credential this resource made, when nothing else will: failures are only logged
/// (the credential holds no host and is harmless to OCP).
async fn drop_credential(client: &OcpClient, id: i64) {
    match client.delete_credential(id).await {
        Ok(_) => log::info!("deleted SSH credential {id}"),
        Err(e) => log::warn!("could not delete SSH credential {id}: {e}"),
    }
}

/// Waits until an adopted host leaves `NEW` (its `Add host` task ended): `Ok(true)` when it
/// is `ONLINE`, `Ok(false)` on the deadline or Stop.
async fn wait_until_online(
    client: &OcpClient,
    ctx: &Ctx,
    id: i64,
    deadline: Instant,
) -> Result<bool, ClientError> {
    poll_until_ready(
        ctx,
        deadline,
        "host",
        format!("/api/v2/compute/hosts/{id}"),
        || async {
            let h = client.find_host(id).await?;
            Ok(h.map(|h| h.status.as_deref() != Some("NEW")))
        },
    )
    .await
}

/// The `ocp_host` resource.
pub struct HostResource;

/// Refuses to take over host `h`, registered in OCP before this create (design rule R2).
fn refuse_host(diags: &mut Diagnostics, h: &Host, ip: &str) {
    refuse_existing(
        diags,
        Existing {
            type_name: "ocp_host",
            noun: "Host",
            what: format!(
                "host {ip} (OCP id {}) in IDC {} with host type {}",
                h.id,
                h.idc_id.map_or("?".into(), |i| i.to_string()),
                h.type_id.map_or("?".into(), |i| i.to_string()),
            ),
            import_id: h.id.to_string(),
            attr: "ip",
        },
    );
}

#[tonic::async_trait]
impl Resource for HostResource {
    fn type_name(&self) -> &'static str {
        "ocp_host"
    }

    fn schema(&self) -> Schema {
        Schema::new("A host (server) registered in OCP, on which OCP can deploy OBServers. Terraform stores the SSH user name and password in a new OCP credential, then adds the host, which runs an OCP `Add host` task that Terraform waits on. OCP has no call to modify a host, so changing where or what the host is replaces it.")
            .attr("id", Attr::int().computed().use_state_for_unknown().doc("OCP id of the host; also the import id (the IP address works too)."))
            .attr("ip", Attr::string().required().requires_replace().validate(Ipv4).doc("Inner (management) IPv4 address of the host, OCP's `innerIpAddress`, unique in OCP. Changing it replaces the host."))
            .attr("ssh_port", Attr::int().default(Value::from_i64(DEFAULT_SSH_PORT)).requires_replace().validate(IntBetween(1, 65535)).doc("SSH port OCP connects to. Default `22`. Changing it replaces the host."))
            .attr("kind", Attr::string().default(Value::string(DEFAULT_KIND)).requires_replace().validate(OneOf(KINDS)).doc("Kind of host: `DEDICATED_PHYSICAL_MACHINE` or `DEDICATED_CONTAINER`. Default `DEDICATED_PHYSICAL_MACHINE`. Changing it replaces the host."))
            .attr("idc_id", Attr::int().required().requires_replace().doc("OCP id of the IDC the host is in, e.g. `data.ocp_idc.hz1.id`. Changing it replaces the host."))
            .attr("host_type_id", Attr::int().required().requires_replace().doc("OCP id of the host type, e.g. `data.ocp_host_type.standard.id`. Changing it replaces the host."))
            .attr("ssh_username", Attr::string().required().validate(NotBlank).doc("SSH user OCP logs in as when it adds the host. Used only when the host is added: OCP has no call to change the credential of a host, so a later change is an in-place update that only records the new value in state. Empty after `terraform import`, so the first plan after an import shows it as an in-place change."))
            .attr("ssh_password", Attr::string().required().sensitive().validate(NotBlank).doc("SSH password of `ssh_username`, stored in an OCP credential (OCP never returns it). Used only when the host is added: a later change is an in-place update that only records the new value in state. Empty after `terraform import`, so the first plan after an import shows it as an in-place change."))
            .attr("alias", Attr::string().optional().requires_replace().doc("Display name of the host in OCP. Changing it replaces the host."))
            .attr("description", Attr::string().optional().requires_replace().doc("Free-text description. Changing it replaces the host (OCP cannot modify it)."))
            .attr("status", Attr::string().computed().doc("Host status as OCP reports it: `NEW` while OCP adds it, then `ONLINE`."))
            .attr("idc_name", Attr::string().computed().use_state_for_unknown().doc("Name of the host's IDC."))
            .attr("region_name", Attr::string().computed().use_state_for_unknown().doc("Name of the region of the host's IDC."))
            .attr("cluster_id", Attr::int().computed().doc("OCP id of the cluster whose OBServer runs on the host; null while the host is free to deploy."))
            .attr("credential_id", Attr::int().computed().use_state_for_unknown().doc("OCP id of the SSH credential the host was added with. Terraform deletes the credential with the host when it created it; an imported host's credential is left alone."))
            .timeouts(&[
                ("create", Duration::from_secs(10 * 60)),
                ("delete", Duration::from_secs(10 * 60)),
            ])
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        // An in-place change only records the SSH credentials: OCP's host stays as it is, so
        // keep what is known of it instead of "(known after apply)".
        if req.prior.is_null() || resp.planned.is_null() {
            return;
        }
        let replaced = REPLACING
            .iter()
            .any(|a| resp.planned.get(a) != req.prior.get(a));
        if replaced {
            return;
        }
        for a in COMPUTED {
            if resp.planned.get(a).is_some_and(Value::is_unknown) {
                let prior = req.prior.get(a).cloned().unwrap_or(Value::Null);
                resp.planned.set_attr(a, prior);
            }
        }
    }

    async fn create(&self, ctx: &Ctx, req: CreateRequest, resp: &mut CreateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let deadline = Instant::now() + req.timeout;
        let plan = &req.plan;
        let (Some(ip), Some(idc_id), Some(type_id), Some(user), Some(password)) = (
            str_attr(plan, "ip"),
            int_attr(plan, "idc_id"),
            int_attr(plan, "host_type_id"),
            str_attr(plan, "ssh_username"),
            str_attr(plan, "ssh_password"),
        ) else {
            return resp.diags.bug(
                "Unable to Create Host",
                "The plan lacks ip, idc_id, host_type_id, ssh_username or ssh_password.",
            );
        };
        // A host registered before this create is never taken over (R2); looking first also
        // spares making an SSH credential only to drop it.
        match client.find_host_by_ip(ip).await {
            Ok(None) => {}
            Ok(Some(h)) => return refuse_host(&mut resp.diags, &h, ip),
            Err(e) => return report(&mut resp.diags, "Create Host", None, &e),
        }
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let cred_name = format!("terraform-host-{ip}-{millis}");
        let cred_id = match client
            .create_host_credential(&cred_name, user, &Secret::new(password))
            .await
        {
            Ok(id) => id,
            Err(e) => return report(&mut resp.diags, "Create SSH Credential for Host", None, &e),
        };
        let body = AddHost {
            inner_ip_address: ip.to_string(),
            ssh_port: int_attr(plan, "ssh_port").unwrap_or(DEFAULT_SSH_PORT),
            kind: str_attr(plan, "kind").unwrap_or(DEFAULT_KIND).to_string(),
            idc_id,
            type_id,
            credential_id: cred_id,
            alias: str_attr(plan, "alias").map(str::to_string),
            description: str_attr(plan, "description").map(str::to_string),
        };
        let created = match client.add_host(&body).await {
            Ok(c) => c,
            Err(e) => {
                // Leave nothing behind: the credential exists only for this host.
                drop_credential(client, cred_id).await;
                return report(&mut resp.diags, "Create Host", add_error_path(&e), &e);
            }
        };
        let mut state = plan.clone();
        let (host_id, task, owned, host_cred) = match created {
            Created::New((id, task)) => (id, Some(task), Some(cred_id), Some(cred_id)),
            // Found after this create's own POST went unanswered: ours only when it carries
            // the credential made for it and sits where the plan puts it.
            Created::Adopted(h)
                if h.credential_id == Some(cred_id)
                    && h.idc_id == Some(idc_id)
                    && h.type_id == Some(type_id) =>
            {
                log::info!(
                    "adopting host {} ({ip}), added by this create's unanswered POST",
                    h.id
                );
                (h.id, None, Some(cred_id), Some(cred_id))
            }
            Created::Adopted(h) | Created::Existing(h) => {
                if h.credential_id != Some(cred_id) {
                    drop_credential(client, cred_id).await;
                }
                return refuse_host(&mut resp.diags, &h, ip);
            }
        };
        // Record the host before waiting on anything (R1): any later failure leaves it in
        // state, where Terraform marks it tainted.
        state.set_attr("id", Value::from_i64(host_id));
        state.set_attr("credential_id", Value::opt_i64(host_cred));
        let private = Private {
            task_id: task.as_ref().map(|t| t.id),
            credential_id: owned,
        };
        resp.state = state.clone();
        resp.private = private.encode();
        match &task {
            Some(task) => {
                let w = wait_tasks(client, ctx, Op::Create, &[task.id], deadline, &mut resp.private, &mut resp.diags, "Create Host").await;
                if w != Waited::Done {
                    return;
                }
            }
            None => match wait_until_online(client, ctx, host_id, deadline).await {
                Ok(true) => {}
                Ok(false) => {
                    return resp.diags.error(
                        "Unable to Create Host",
                        format!("Host {host_id} ({ip}) was still being added by OCP when the create timeout passed or Terraform was interrupted. It stays in state; the next apply replaces it unless it is untainted with `terraform untaint`."),
                    )
                }
                Err(e) => return report(&mut resp.diags, "Create Host", None, &e),
            },
        }
        match client.find_host(host_id).await {
            Ok(Some(h)) => resp.state = state_from(&h, &state),
            Ok(None) => resp.diags.error(
                "Unable to Create Host",
                format!("Host {host_id} ({ip}) was not found in OCP right after it was added."),
            ),
            Err(e) => report(&mut resp.diags, "Read Host After Create", None, &e),
        }
    }

    async fn read(&self, ctx: &Ctx, req: ReadRequest, resp: &mut ReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(id) = int_attr(&req.state, "id") else {
            return resp.diags.error(
                "Unable to Read Host",
                "The state has no id; remove it with `terraform state rm` and import the host.",
            );
        };
        match client.find_host(id).await {
            Ok(Some(h)) => resp.state = Some(state_from(&h, &req.state)),
            Ok(None) => {
                log::info!("host {id} is gone; removing it from state");
                resp.remove();
            }
            Err(e) => report(&mut resp.diags, "Read Host", None, &e),
        }
    }

    async fn update(&self, ctx: &Ctx, req: UpdateRequest, resp: &mut UpdateResponse) {
        // Only `ssh_username`, `ssh_password` (and `timeouts`) change in place, and OCP has no
        // call to change a host's credential: record the planned values, and fill anything
        // still unknown from OCP.
        let mut state = req.plan.clone();
        let unknown: Vec<&str> = COMPUTED
            .iter()
            .copied()
            .filter(|a| state.get(a).is_some_and(Value::is_unknown))
            .collect();
        if !unknown.is_empty() {
            let Some(client) = ctx.client(&mut resp.diags) else {
                return;
            };
            let Some(id) = int_attr(&req.prior, "id") else {
                return resp
                    .diags
                    .bug("Unable to Update Host", "The prior state has no id.");
            };
            match client.find_host(id).await {
                Ok(Some(h)) => {
                    let fresh = state_from(&h, &state);
                    for a in unknown {
                        state.set_attr(a, fresh.get(a).cloned().unwrap_or(Value::Null));
                    }
                }
                Ok(None) => {
                    return resp.diags.error(
                        "Unable to Update Host",
                        format!("Host {id} no longer exists in OCP."),
                    )
                }
                Err(e) => return report(&mut resp.diags, "Read Host", None, &e),
            }
        }
        resp.state = state;
    }

    async fn delete(&self, ctx: &Ctx, req: DeleteRequest, resp: &mut DeleteResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(id) = int_attr(&req.state, "id") else {
            return;
        };
        if let Err(e) = client.delete_host(id).await {
            let (_, detail) = e.summary_detail();
            let in_use = matches!(&e, ClientError::Api { message, code, .. }
                if code.as_deref() == Some("ILLEGAL_STATE")
                    || message.to_ascii_lowercase().contains("observer"));
            let hint = match (in_use, int_attr(&req.state, "cluster_id")) {
                (true, Some(c)) => format!("\n\nThe host runs an OBServer of cluster {c}; OCP deletes only free hosts. Remove the host from the cluster first."),
                (true, None) => "\n\nOCP deletes only free hosts: remove the host from its cluster first.".to_string(),
                _ => String::new(),
            };
            return resp
                .diags
                .error("Unable to Delete Host", format!("{detail}{hint}"));
        }
        if let Some(cred) = Private::decode(&req.private).credential_id {
            if let Err(e) = client.delete_credential(cred).await {
                let (_, detail) = e.summary_detail();
                resp.diags.warning(
                    "SSH Credential Not Deleted",
                    format!("Host {id} was deleted, but the SSH credential {cred} Terraform made for it was not: {detail} Delete it in OCP's credential vault."),
                );
            }
        }
    }

    async fn import(&self, ctx: &Ctx, id: &str, resp: &mut ImportResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let found = if let Ok(n) = id.parse::<i64>() {
            client.find_host(n).await
        } else if valid_ipv4(id) {
            client.find_host_by_ip(id).await
        } else {
            return resp.diags.error(
                "Invalid Import ID",
                format!("Expected \"<host_id>\" (e.g. \"1003004\") or \"<ip>\" (e.g. \"172.16.0.14\"), got {id:?}."),
            );
        };
        match found {
            Ok(Some(h)) => resp.state = Some(Value::object([("id", Value::from_i64(h.id))])),
            Ok(None) => resp.diags.error(
                "Cannot Import Non-Existent Host",
                format!("OCP has no host with id or IP {id:?}; `data \"ocp_hosts\"` lists them."),
            ),
            Err(e) => report(&mut resp.diags, "Import Host", None, &e),
        }
    }
}

/// The attributes of `data "ocp_host"` (besides `id` and `ip`), with their types and docs.
const HOST_FIELDS: &[(&str, &str)] = &[
    ("name", "Display name: the alias, else the IP address."),
    ("alias", "Alias given when the host was added."),
    ("description", "Free-text description."),
    ("status", "Host status, such as `NEW` or `ONLINE`."),
    ("ssh_port", "SSH port."),
    (
        "kind",
        "Kind of host: `DEDICATED_PHYSICAL_MACHINE` or `DEDICATED_CONTAINER`.",
    ),
    ("idc_id", "OCP id of the host's IDC."),
    ("idc_name", "Name of the host's IDC."),
    ("region_id", "OCP id of the region of the host's IDC."),
    ("region_name", "Name of the region of the host's IDC."),
    ("host_type_id", "OCP id of the host type."),
    ("host_type_name", "Name of the host type."),
    (
        "credential_id",
        "OCP id of the SSH credential the host was added with.",
    ),
    (
        "cluster_id",
        "OCP id of the cluster whose OBServer runs on the host; null when the host is free.",
    ),
    ("cluster_name", "Name of that cluster."),
    (
        "free",
        "Whether the host is free to deploy (no OBServer runs on it).",
    ),
    ("architecture", "CPU architecture, such as `x86_64`."),
    ("operating_system", "Operating system."),
    ("cpu_count", "CPU cores."),
    ("memory_size_gb", "Memory in GB."),
    (
        "create_time",
        "When OCP added the host (ISO-8601 with offset).",
    ),
];

fn field_type(name: &str) -> Type {
    match name {
        "ssh_port" | "idc_id" | "region_id" | "host_type_id" | "credential_id" | "cluster_id"
        | "cpu_count" | "memory_size_gb" => Type::Number,
        "free" => Type::Bool,
        _ => Type::String,
    }
}

/// Every attribute of `data "ocp_host"` for host `h`.
fn host_fields(h: &Host) -> Vec<(&'static str, Value)> {
    vec![
        ("id", Value::from_i64(h.id)),
        ("ip", Value::opt_string(h.inner_ip_address.clone())),
        ("name", Value::opt_string(h.name.clone())),
        ("alias", Value::opt_string(h.alias.clone())),
        ("description", Value::opt_string(h.description.clone())),
        ("status", Value::opt_string(h.status.clone())),
        ("ssh_port", Value::opt_i64(h.ssh_port)),
        ("kind", Value::opt_string(h.kind.clone())),
        ("idc_id", Value::opt_i64(h.idc_id)),
        ("idc_name", Value::opt_string(h.idc_name.clone())),
        ("region_id", Value::opt_i64(h.region_id)),
        ("region_name", Value::opt_string(h.region_name.clone())),
        ("host_type_id", Value::opt_i64(h.type_id)),
        ("host_type_name", Value::opt_string(h.type_name.clone())),
        ("credential_id", Value::opt_i64(h.credential_id)),
        ("cluster_id", Value::opt_i64(h.cluster_id)),
        ("cluster_name", Value::opt_string(h.cluster_name.clone())),
        ("free", Value::Bool(h.is_free())),
        ("architecture", Value::opt_string(h.architecture.clone())),
        (
            "operating_system",
            Value::opt_string(h.operating_system.clone()),
        ),
        ("cpu_count", Value::opt_i64(h.cpu_count)),
        ("memory_size_gb", Value::opt_i64(h.memory_size_gb)),
        ("create_time", Value::opt_string(h.create_time.clone())),
    ]
}

/// `data "ocp_host"`: one host by id or IP address.
pub struct HostDataSource;

#[tonic::async_trait]
impl DataSource for HostDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_host"
    }

    fn schema(&self) -> Schema {
        let mut s =
            Schema::new("Reads one host registered in OCP, found by `id` or by `ip`.")
                .attr(
                    "id",
                    Attr::int()
                        .optional()
                        .computed()
                        .doc("OCP id of the host. Set `id` or `ip`."),
                )
                .attr(
                    "ip",
                    Attr::string().optional().computed().validate(Ipv4).doc(
                        "Inner IPv4 address of the host (`innerIpAddress`). Set `id` or `ip`.",
                    ),
                );
        for (name, doc) in HOST_FIELDS {
            s = s.attr(name, Attr::of(field_type(name)).computed().doc(*doc));
        }
        s
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if config.get("id").is_none_or(Value::is_null)
            && config.get("ip").is_none_or(Value::is_null)
        {
            diags.error(
                "Missing Host Selector",
                "Set `id` or `ip` in data \"ocp_host\" to choose the host to read.",
            );
        }
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (found, path) = match (int_attr(&req.config, "id"), str_attr(&req.config, "ip")) {
            (Some(id), _) => (client.find_host(id).await, "id"),
            (None, Some(ip)) => (client.find_host_by_ip(ip).await, "ip"),
            (None, None) => return,
        };
        match found {
            Ok(Some(h)) => resp.state = Value::object(host_fields(&h)),
            Ok(None) => resp.diags.attr_error(
                AttrPath::root(path),
                "Host Not Found",
                format!("OCP has no host with that {path}; `data \"ocp_hosts\"` lists them."),
            ),
            Err(e) => report(&mut resp.diags, "Read Host", None, &e),
        }
    }
}

/// The object type of one entry of `data "ocp_hosts"`.
fn list_entry_type() -> Type {
    Type::object([
        ("id", Type::Number),
        ("ip", Type::String),
        ("status", Type::String),
        ("idc_id", Type::Number),
        ("idc_name", Type::String),
        ("host_type_id", Type::Number),
        ("cluster_id", Type::Number),
        ("ssh_port", Type::Number),
        ("kind", Type::String),
    ])
}

fn list_entry(h: &Host) -> Value {
    Value::object([
        ("id", Value::from_i64(h.id)),
        ("ip", Value::opt_string(h.inner_ip_address.clone())),
        ("status", Value::opt_string(h.status.clone())),
        ("idc_id", Value::opt_i64(h.idc_id)),
        ("idc_name", Value::opt_string(h.idc_name.clone())),
        ("host_type_id", Value::opt_i64(h.type_id)),
        ("cluster_id", Value::opt_i64(h.cluster_id)),
        ("ssh_port", Value::opt_i64(h.ssh_port)),
        ("kind", Value::opt_string(h.kind.clone())),
    ])
}

/// `data "ocp_hosts"`: the hosts OCP knows, with filters.
pub struct HostsDataSource;

#[tonic::async_trait]
impl DataSource for HostsDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_hosts"
    }

    fn schema(&self) -> Schema {
        Schema::new("Lists the hosts registered in OCP, paging through OCP's list API, optionally filtered.")
            .attr("idc_id", Attr::int().optional().doc("Only hosts of this IDC (OCP id)."))
            .attr("host_type_id", Attr::int().optional().doc("Only hosts of this host type (OCP id)."))
            .attr("status", Attr::string().optional().validate(NotBlank).doc("Only hosts with this status, such as `ONLINE`; a comma list such as `ONLINE,NEW` matches any of them (case-insensitive)."))
            .attr("free", Attr::bool().optional().doc("`true`: only hosts free to deploy (no OBServer runs on them); `false`: only hosts used by a cluster. Default: both."))
            .attr("hosts", Attr::list(list_entry_type()).computed().doc("The hosts in OCP's order (by id), each with `id`, `ip`, `status`, `idc_id`, `idc_name`, `host_type_id`, `cluster_id` (null when free), `ssh_port` and `kind`."))
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let filter = HostFilter {
            idc_id: int_attr(&req.config, "idc_id"),
            type_id: int_attr(&req.config, "host_type_id"),
            status: str_attr(&req.config, "status").map(str::to_string),
            free: req.config.get("free").and_then(Value::as_bool),
        };
        match client.list_hosts(&filter).await {
            Ok(list) => {
                let mut state = req.config.clone();
                state.set_attr("hosts", Value::List(list.iter().map(list_entry).collect()));
                resp.state = state;
            }
            Err(e) => report(&mut resp.diags, "List Hosts", None, &e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_addresses_follow_ocps_rule() {
        for (ip, ok) in [
            ("10.0.0.21", true),
            ("0.0.0.0", true),
            ("255.255.255.255", true),
            ("256.1.1.1", false),
            ("10.0.0", false),
            ("10.0.0.01", false),
            ("10.0.0.1/8", false),
            ("host1", false),
            ("10..0.1", false),
            (" 10.0.0.1", false),
            ("+1.2.3.4", false),
        ] {
            assert_eq!(valid_ipv4(ip), ok, "{ip}");
        }
    }

    #[test]
    fn private_state_round_trips() {
        let p = Private {
            task_id: Some(7),
            credential_id: Some(1013001),
        };
        assert_eq!(Private::decode(&p.encode()), p);
        assert_eq!(Private::decode(b""), Private::default());
    }

    fn ocp_host() -> Host {
        serde_json::from_value(serde_json::json!({
            "id": 1003010, "innerIpAddress": "10.0.0.21", "sshPort": 22,
            "kind": "DEDICATED_PHYSICAL_MACHINE", "status": "ONLINE", "alias": null,
            "description": "", "idcId": 1006001, "idcName": "hz1", "regionName": "cn-hangzhou",
            "typeId": 1007001, "credentialId": 1013001, "clusterId": null
        }))
        .unwrap()
    }

    #[test]
    fn an_imported_state_gets_everything_but_the_ssh_credentials() {
        let s = state_from(
            &ocp_host(),
            &Value::object([("id", Value::from_i64(1003010))]),
        );
        assert_eq!(str_attr(&s, "ip"), Some("10.0.0.21"));
        assert_eq!(int_attr(&s, "idc_id"), Some(1006001));
        assert_eq!(int_attr(&s, "host_type_id"), Some(1007001));
        assert_eq!(s.get("description"), Some(&Value::Null));
        assert_eq!(s.get("cluster_id"), Some(&Value::Null));
        assert_eq!(s.get("ssh_password"), None);
    }

    #[test]
    fn state_keeps_the_ssh_credentials() {
        let prior = Value::object([
            ("ssh_username", Value::string("root")),
            ("ssh_password", Value::string("pw")),
        ]);
        let s = state_from(&ocp_host(), &prior);
        assert_eq!(str_attr(&s, "ssh_password"), Some("pw"));
        assert_eq!(str_attr(&s, "status"), Some("ONLINE"));
    }

    #[test]
    fn add_errors_point_at_the_attribute_they_name() {
        let e = |m: &str| ClientError::Api {
            method: "POST",
            path: "/x".into(),
            http_status: 400,
            code: None,
            message: m.into(),
            trace_id: None,
        };
        assert_eq!(
            add_error_path(&e("idcId: IDC 42 does not exist")),
            Some(AttrPath::root("idc_id"))
        );
        assert_eq!(
            add_error_path(&e("typeId: host type 42 does not exist")),
            Some(AttrPath::root("host_type_id"))
        );
        assert_eq!(add_error_path(&e("something else")), None);
    }
}
