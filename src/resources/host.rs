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

use std::cell::Cell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::client::api::compute::{AddHost, Host, HostFilter};
use crate::client::{ClientError, OcpClient, Secret};
use crate::framework::plan::keep_computed;
use crate::framework::validate::{IntBetween, NotBlank, OneOf, Text};
use crate::framework::{Attr, PlanRequest, PlanResponse, Schema};
use crate::lifecycle::data::{entry_type, ListData};
use crate::lifecycle::pending::Private;
use crate::lifecycle::{
    import_by_id_or_name, owned, poll, Born, Call, Choice, Chooser, Fail, Found, ImportError,
    Imported, OcpObject, OneData, Polled, Selects, Step, Written,
};
use crate::value::{Known, Type, Value};

use super::{refuse_existing, report};

/// Host kinds OCP knows (§3.7).
const KINDS: &[&str] = &["DEDICATED_PHYSICAL_MACHINE", "DEDICATED_CONTAINER"];
/// The kind of a host when none is given.
const DEFAULT_KIND: &str = "DEDICATED_PHYSICAL_MACHINE";
/// The SSH port when none is given.
const DEFAULT_SSH_PORT: i64 = 22;
/// The private-state key of the credential this resource made (and so owns).
const OWNED_CREDENTIAL: &str = "credential_id";

/// Whether `s` is a dotted-decimal IPv4 address without leading zeros: what the standard
/// parser takes (four decimal octets 0-255; it refuses leading zeros, which some parsers read
/// as octal).
fn valid_ipv4(s: &str) -> bool {
    s.parse::<std::net::Ipv4Addr>().is_ok()
}

/// An IPv4 address in dotted-decimal form without leading zeros, as OCP accepts for
/// `innerIpAddress`.
fn ipv4() -> Text {
    let must_be =
        "an IPv4 address such as `10.0.0.21` (four decimal octets 0-255, no leading zeros)";
    Text::new("Invalid IP Address", must_be, valid_ipv4)
}

/// The model of `ocp_host`: state, plan and import alike.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct HostModel {
    id: Option<i64>,
    ip: Option<String>,
    ssh_port: Option<i64>,
    kind: Option<String>,
    idc_id: Option<i64>,
    host_type_id: Option<i64>,
    ssh_username: Option<String>,
    ssh_password: Option<String>,
    alias: Option<String>,
    description: Option<String>,
    status: Option<String>,
    idc_name: Option<String>,
    region_name: Option<String>,
    cluster_id: Option<i64>,
    credential_id: Option<i64>,
}

/// OCP's optional text in state: an empty text is "not set" when the user wrote none.
fn opt_text(ocp: Option<String>, mine: &Option<String>) -> Option<String> {
    match (ocp, mine.as_deref()) {
        (Some(s), None) if s.is_empty() => None,
        (None, Some("")) => Some(String::new()),
        (s, _) => s,
    }
}

impl HostModel {
    /// The model of host `h`, keeping from `base` what OCP does not return (the SSH user name
    /// and password) and what OCP leaves out of its answer.
    fn from_ocp(h: Host, base: &HostModel) -> HostModel {
        HostModel {
            id: Some(h.id),
            ip: h.inner_ip_address.or_else(|| base.ip.clone()),
            ssh_port: h.ssh_port.or(base.ssh_port).or(Some(DEFAULT_SSH_PORT)),
            kind: (h.kind.or_else(|| base.kind.clone())).or_else(|| Some(DEFAULT_KIND.into())),
            idc_id: h.idc_id.or(base.idc_id),
            host_type_id: h.type_id.or(base.host_type_id),
            ssh_username: base.ssh_username.clone(),
            ssh_password: base.ssh_password.clone(),
            alias: opt_text(h.alias, &base.alias),
            description: opt_text(h.description, &base.description),
            status: h.status,
            idc_name: h.idc_name,
            region_name: h.region_name,
            cluster_id: h.cluster_id,
            credential_id: h.credential_id,
        }
    }

    fn ip(&self) -> &str {
        self.ip.as_deref().unwrap_or_default()
    }
}

/// The credential this resource made for its host, as recorded in the private state.
fn owned_credential(private: &[u8]) -> Option<i64> {
    Private::parse(private)
        .extra
        .get(OWNED_CREDENTIAL)
        .and_then(serde_json::Value::as_i64)
}

/// Records in the private state that credential `id` was made by this resource.
fn own_credential(private: &mut Vec<u8>, id: i64) {
    Private::edit(private, |p| {
        p.extra.insert(OWNED_CREDENTIAL.into(), id.into());
    });
}

/// Deletes a credential this resource made, when nothing else will: failures are only logged
/// (the credential holds no host and is harmless to OCP).
async fn drop_credential(client: &OcpClient, id: i64) {
    match client.delete_credential(id).await {
        Ok(_) => log::info!("deleted SSH credential {id}"),
        Err(e) => log::warn!("could not delete SSH credential {id}: {e}"),
    }
}

/// The `ocp_host` resource.
pub struct HostResource;

/// Host `h`, registered in OCP before this create, as R2's refusal names it: in words, by
/// its import id, and the attribute that chose it (see [`owned`]).
fn registered(h: Host, ip: &str) -> (String, String, &'static str) {
    let or_unknown = |i: Option<i64>| i.map_or("?".into(), |i| i.to_string());
    let (idc, kind) = (or_unknown(h.idc_id), or_unknown(h.type_id));
    let what = format!(
        "host {ip} (OCP id {}) in IDC {idc} with host type {kind}",
        h.id
    );
    (what, h.id.to_string(), "ip")
}

#[tonic::async_trait]
impl OcpObject for HostResource {
    type Model = HostModel;
    const TYPE_NAME: &'static str = "ocp_host";
    const NOUN: &'static str = "Host";
    /// The add-host fields not named like their attributes (`sshPort`, `idcId`, ... are).
    const FIELDS: &'static [(&'static str, &'static str)] =
        &[("innerIpAddress", "ip"), ("typeId", "host_type_id")];

    fn schema(&self) -> Schema {
        Schema::new("A host (server) registered in OCP, on which OCP can deploy OBServers. Terraform stores the SSH user name and password in a new OCP credential, then adds the host, which runs an OCP `Add host` task that Terraform waits on. OCP has no call to modify a host, so changing where or what the host is replaces it.")
            .attr("id", Attr::int().computed().use_state_for_unknown().doc("OCP id of the host; also the import id (the IP address works too)."))
            .attr("ip", Attr::string().required().requires_replace().validate(ipv4()).doc("Inner (management) IPv4 address of the host, OCP's `innerIpAddress`, unique in OCP. Changing it replaces the host."))
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
        if !req.prior.is_null() && resp.requires_replace.is_empty() {
            keep_computed(&self.schema().block, &mut resp.planned, req.prior);
        }
    }

    async fn create(&self, call: &mut Call<'_>, plan: &HostModel) -> Step<Born<HostModel>> {
        let client = call.client;
        let ip = plan.ip();
        // A host registered before this create is never taken over (R2); looking first also
        // spares making an SSH credential only to drop it.
        if let Some(h) = client.find_host_by_ip(ip).await? {
            let (what, id, attr) = registered(h, ip);
            return Err(refuse_existing::<Self>(call.diags, what, id, attr));
        }
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let cred_name = format!("terraform-host-{ip}-{millis}");
        let password = Secret::new(plan.ssh_password.as_deref().unwrap_or_default());
        let user = plan.ssh_username.as_deref().unwrap_or_default();
        let cred = client
            .create_host_credential(&cred_name, user, &password)
            .await;
        let cred_id = cred.map_err(|e| {
            report(call.diags, "Create SSH Credential for Host", None, &e);
            Fail::Reported
        })?;
        let (idc_id, type_id) = (
            plan.idc_id.unwrap_or_default(),
            plan.host_type_id.unwrap_or_default(),
        );
        let body = AddHost {
            inner_ip_address: ip.to_string(),
            ssh_port: plan.ssh_port.unwrap_or(DEFAULT_SSH_PORT),
            kind: plan.kind.clone().unwrap_or_else(|| DEFAULT_KIND.into()),
            idc_id,
            type_id,
            credential_id: cred_id,
            alias: plan.alias.clone(),
            description: plan.description.clone(),
        };
        let created = match client.add_host(&body).await {
            Ok(c) => c,
            Err(e) => {
                // Leave nothing behind: the credential exists only for this host.
                drop_credential(client, cred_id).await;
                return Err(e.into());
            }
        };
        // Found after this create's own POST went unanswered: ours only when it carries the
        // credential made for it and sits where the plan puts it. Its task is unknown:
        // `after_create` waits until it is online.
        let fits = |h: &Host| {
            h.credential_id == Some(cred_id)
                && h.idc_id == Some(idc_id)
                && h.type_id == Some(type_id)
        };
        // Whether a host refused holds the credential made for it, which then stays.
        let holds_credential = Cell::new(false);
        let existing = |h: Host| {
            holds_credential.set(h.credential_id == Some(cred_id));
            registered(h, ip)
        };
        let (id, tasks) = match owned::<Self, _, _>(call.diags, created, fits, existing) {
            Ok(Ok((id, task))) => (id, vec![task.id]),
            Ok(Err(h)) => (h.id, Vec::new()),
            Err(refused) => {
                if !holds_credential.get() {
                    drop_credential(client, cred_id).await;
                }
                return Err(refused.into());
            }
        };
        own_credential(call.private, cred_id);
        let state = HostModel {
            id: Some(id),
            credential_id: Some(cred_id),
            ..plan.clone()
        };
        Ok(Born::waiting(state, tasks))
    }

    async fn after_create(&self, call: &mut Call<'_>, w: Written<'_, HostModel>) -> Step {
        let Written { state, .. } = w;
        if state.status.as_deref() != Some("NEW") {
            return Ok(());
        }
        // An adopted host whose `Add host` task is unknown: wait until it leaves `NEW` (a
        // host gone meanwhile ends the wait too, and the read below says so).
        let (client, id) = (call.client, state.id.unwrap_or_default());
        let ended = poll(call.ctx, call.deadline, || async {
            Ok(Some(
                client
                    .find_host(id)
                    .await?
                    .is_none_or(|h| h.status.as_deref() != Some("NEW")),
            ))
        })
        .await?
            != Polled::Late;
        if !ended {
            return Err(call.error(None, format!("Host {id} ({}) was still being added by OCP when the create timeout passed or Terraform was interrupted. It stays in state; the next apply replaces it unless it is untainted with `terraform untaint`.", state.ip())));
        }
        let Some(m) = self.read(client, state).await? else {
            let ip = state.ip();
            let detail = format!("Host {id} ({ip}) was not found in OCP right after it was added.");
            return Err(call.error(None, detail));
        };
        *state = m;
        Ok(())
    }

    async fn read(&self, client: &OcpClient, base: &HostModel) -> Found<HostModel> {
        let Some(id) = base.id else {
            return Ok(None);
        };
        Ok(client
            .find_host(id)
            .await?
            .map(|h| HostModel::from_ocp(h, base)))
    }

    async fn delete(&self, call: &mut Call<'_>, state: &HostModel) -> Step {
        let id = state.id.unwrap_or_default();
        let task = match call.client.delete_host(id).await {
            Ok(task) => task,
            Err(e) if e.is_not_found() => None,
            Err(e) => {
                let (_, detail) = e.summary_detail();
                let hint = match (e.is_in_use(), state.cluster_id) {
                    (true, Some(c)) => format!("\n\nThe host runs an OBServer of cluster {c}; OCP deletes only free hosts. Remove the host from the cluster first."),
                    (true, None) => "\n\nOCP deletes only free hosts: remove the host from its cluster first.".to_string(),
                    _ => String::new(),
                };
                call.diags
                    .error("Unable to Delete Host", format!("{detail}{hint}"));
                return Err(Fail::Reported);
            }
        };
        // A cleanup task OCP may answer with (§5 #18) is waited on, and the host must be gone
        // after it, before the credential below (which OCP may still tie to the host) goes.
        let client = call.client;
        let left = async { client.find_host(id).await.ok().flatten().map(|h| h.status) };
        call.delete_and_confirm(async { Ok(task) }, &format!("host {id}"), left)
            .await?;
        if let Some(cred) = owned_credential(call.private) {
            if let Err(e) = call.client.delete_credential(cred).await {
                let (_, detail) = e.summary_detail();
                call.diags.warning(
                    "SSH Credential Not Deleted",
                    format!("Host {id} was deleted, but the SSH credential {cred} Terraform made for it was not: {detail} Delete it in OCP's credential vault."),
                );
            }
        }
        Ok(())
    }

    async fn import(&self, client: Option<&OcpClient>, id: &str) -> Imported<HostModel> {
        let forms = "\"<host_id>\" (e.g. \"1003004\") or \"<ip>\" (e.g. \"172.16.0.14\")";
        if matches!(Choice::of_import_id(id), Choice::Key(ip) if !valid_ipv4(&ip)) {
            return Err(ImportError::Invalid(format!(
                "Expected {forms}, got {id:?}."
            )));
        }
        let h = import_by_id_or_name(client, id, "host", forms, find_host).await?;
        let id = Some(h.id);
        Ok(HostModel {
            id,
            ..HostModel::default()
        })
    }
}

/// The host `choice` names, by OCP id or IP address.
async fn find_host(client: &OcpClient, choice: Choice) -> Result<Option<Host>, ClientError> {
    match choice {
        Choice::Id(id) => client.find_host(id).await,
        Choice::Key(ip) => client.find_host_by_ip(&ip).await,
    }
}

/// One entry of `data "ocp_hosts"`, and the first attributes of `data "ocp_host"`.
#[derive(Default, Serialize)]
pub struct HostEntry {
    id: i64,
    ip: Option<String>,
    status: Option<String>,
    idc_id: Option<i64>,
    idc_name: Option<String>,
    host_type_id: Option<i64>,
    cluster_id: Option<i64>,
    ssh_port: Option<i64>,
    kind: Option<String>,
}

/// The state of `data "ocp_host"`: every attribute for one host.
#[derive(Serialize)]
pub struct HostInfo {
    #[serde(flatten)]
    entry: HostEntry,
    name: Option<String>,
    alias: Option<String>,
    description: Option<String>,
    region_id: Option<i64>,
    region_name: Option<String>,
    host_type_name: Option<String>,
    credential_id: Option<i64>,
    cluster_name: Option<String>,
    free: bool,
    architecture: Option<String>,
    operating_system: Option<String>,
    cpu_count: Option<i64>,
    memory_size_gb: Option<i64>,
    create_time: Option<String>,
}

impl HostEntry {
    fn of(h: &Host) -> HostEntry {
        HostEntry {
            id: h.id,
            ip: h.inner_ip_address.clone(),
            status: h.status.clone(),
            idc_id: h.idc_id,
            idc_name: h.idc_name.clone(),
            host_type_id: h.type_id,
            cluster_id: h.cluster_id,
            ssh_port: h.ssh_port,
            kind: h.kind.clone(),
        }
    }
}

impl From<Host> for HostInfo {
    fn from(h: Host) -> HostInfo {
        HostInfo {
            entry: HostEntry::of(&h),
            free: h.is_free(),
            name: h.name,
            alias: h.alias,
            description: h.description,
            region_id: h.region_id,
            region_name: h.region_name,
            host_type_name: h.type_name,
            credential_id: h.credential_id,
            cluster_name: h.cluster_name,
            architecture: h.architecture,
            operating_system: h.operating_system,
            cpu_count: h.cpu_count,
            memory_size_gb: h.memory_size_gb,
            create_time: h.create_time,
        }
    }
}

/// The selector of `data "ocp_host"`; unknown while validating a configuration that takes it
/// from another object.
#[derive(Deserialize)]
pub struct Selector {
    id: Option<Known<i64>>,
    ip: Option<Known<String>>,
}

/// `data "ocp_host"`: one host by id or IP address.
pub struct HostDataSource;

impl Selects for Selector {
    fn chosen(self) -> (Option<Known<i64>>, Option<Known<String>>) {
        (self.id, self.ip)
    }
}

#[tonic::async_trait]
impl OneData for HostDataSource {
    type Config = Selector;
    type State = HostInfo;
    /// By OCP id or by IP address (an import id too).
    const CHOOSER: Chooser = Chooser {
        noun: "Host",
        type_name: "ocp_host",
        key: "ip",
        list: "ocp_hosts",
    };
    const ACTION: &'static str = "Read Host";

    fn schema(&self) -> Schema {
        Schema::new("Reads one host registered in OCP, found by `id` or by `ip`.")
            .attr("id", Attr::int().optional().computed().doc("OCP id of the host. Set `id` or `ip`."))
            .attr("ip", Attr::string().optional().computed().validate(ipv4()).doc("Inner IPv4 address of the host (`innerIpAddress`). Set `id` or `ip`."))
            .attr("name", Attr::string().computed().doc("Display name: the alias, else the IP address."))
            .attr("alias", Attr::string().computed().doc("Alias given when the host was added."))
            .attr("description", Attr::string().computed().doc("Free-text description."))
            .attr("status", Attr::string().computed().doc("Host status, such as `NEW` or `ONLINE`."))
            .attr("ssh_port", Attr::int().computed().doc("SSH port."))
            .attr("kind", Attr::string().computed().doc("Kind of host: `DEDICATED_PHYSICAL_MACHINE` or `DEDICATED_CONTAINER`."))
            .attr("idc_id", Attr::int().computed().doc("OCP id of the host's IDC."))
            .attr("idc_name", Attr::string().computed().doc("Name of the host's IDC."))
            .attr("region_id", Attr::int().computed().doc("OCP id of the region of the host's IDC."))
            .attr("region_name", Attr::string().computed().doc("Name of the region of the host's IDC."))
            .attr("host_type_id", Attr::int().computed().doc("OCP id of the host type."))
            .attr("host_type_name", Attr::string().computed().doc("Name of the host type."))
            .attr("credential_id", Attr::int().computed().doc("OCP id of the SSH credential the host was added with."))
            .attr("cluster_id", Attr::int().computed().doc("OCP id of the cluster whose OBServer runs on the host; null when the host is free."))
            .attr("cluster_name", Attr::string().computed().doc("Name of that cluster."))
            .attr("free", Attr::bool().computed().doc("Whether the host is free to deploy (no OBServer runs on it)."))
            .attr("architecture", Attr::string().computed().doc("CPU architecture, such as `x86_64`."))
            .attr("operating_system", Attr::string().computed().doc("Operating system."))
            .attr("cpu_count", Attr::int().computed().doc("CPU cores."))
            .attr("memory_size_gb", Attr::int().computed().doc("Memory in GB."))
            .attr("create_time", Attr::string().computed().doc("When OCP added the host (ISO-8601 with offset)."))
    }

    async fn find(&self, client: &OcpClient, by: Choice) -> Step<Option<HostInfo>> {
        Ok(find_host(client, by).await?.map(HostInfo::from))
    }
}

/// The filters of `data "ocp_hosts"`.
#[derive(Serialize, Deserialize)]
pub struct HostsFilter {
    idc_id: Option<i64>,
    host_type_id: Option<i64>,
    status: Option<String>,
    free: Option<bool>,
}

/// `data "ocp_hosts"`: the hosts OCP knows, with filters.
pub struct HostsDataSource;

#[tonic::async_trait]
impl ListData for HostsDataSource {
    type Filter = HostsFilter;
    type Entry = HostEntry;
    const NAMES: [&'static str; 3] = ["ocp_hosts", "List Hosts", "hosts"];
    const LIST_DOC: &'static str = "The hosts in OCP's order (by id), each with `id`, `ip`, `status`, `idc_id`, `idc_name`, `host_type_id`, `cluster_id` (null when free), `ssh_port` and `kind`.";

    fn filters(&self) -> Schema {
        Schema::new("Lists the hosts registered in OCP, paging through OCP's list API, optionally filtered.")
            .attr("idc_id", Attr::int().optional().doc("Only hosts of this IDC (OCP id)."))
            .attr("host_type_id", Attr::int().optional().doc("Only hosts of this host type (OCP id)."))
            .attr("status", Attr::string().optional().validate(NotBlank).doc("Only hosts with this status, such as `ONLINE`; a comma list such as `ONLINE,NEW` matches any of them (case-insensitive)."))
            .attr("free", Attr::bool().optional().doc("`true`: only hosts free to deploy (no OBServer runs on them); `false`: only hosts used by a cluster. Default: both."))
    }

    fn entry(&self) -> Type {
        entry_type::<HostEntry>(&OneData::schema(&HostDataSource))
    }

    async fn fetch(&self, client: &OcpClient, f: &HostsFilter) -> Step<Vec<HostEntry>> {
        let filter = HostFilter {
            idc_id: f.idc_id,
            type_id: f.host_type_id,
            status: f.status.clone(),
            free: f.free,
        };
        Ok(client
            .list_hosts(&filter)
            .await?
            .iter()
            .map(HostEntry::of)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::{write_model, AttrPath, Diagnostics};
    use crate::lifecycle::OcpData;

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
    fn the_owned_credential_survives_the_task_record() {
        let mut b = Vec::new();
        own_credential(&mut b, 1013001);
        Private::edit(&mut b, |p| p.set_done(Some(7)));
        assert_eq!(owned_credential(&b), Some(1013001));
        assert_eq!(Private::parse(&b).task_id, Some(7));
        assert_eq!(owned_credential(b""), None);
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
        let imported = HostModel {
            id: Some(1003010),
            ..HostModel::default()
        };
        let s = HostModel::from_ocp(ocp_host(), &imported);
        assert_eq!(s.ip.as_deref(), Some("10.0.0.21"));
        assert_eq!(s.idc_id, Some(1006001));
        assert_eq!(s.host_type_id, Some(1007001));
        assert_eq!(s.description, None);
        assert_eq!(s.cluster_id, None);
        assert_eq!(s.ssh_password, None);
    }

    #[test]
    fn state_keeps_the_ssh_credentials() {
        let prior = HostModel {
            ssh_username: Some("root".into()),
            ssh_password: Some("pw".into()),
            ..HostModel::default()
        };
        let s = HostModel::from_ocp(ocp_host(), &prior);
        assert_eq!(s.ssh_password.as_deref(), Some("pw"));
        assert_eq!(s.status.as_deref(), Some("ONLINE"));
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
        let attr = |m: &str| HostResource.attr_of(&e(m), &HostModel::default());
        for (message, want) in [
            ("invalid idcId: IDC 42 does not exist", "idc_id"),
            (
                "invalid typeId: host type 42 does not exist",
                "host_type_id",
            ),
            (
                "invalid hostBasicDataList[0].innerIpAddress: 10.0.0.256",
                "ip",
            ),
        ] {
            assert_eq!(attr(message), Some(AttrPath::root(want)), "{message}");
        }
        assert_eq!(attr("something else"), None);
    }

    #[test]
    fn the_data_sources_write_their_schemas_types() {
        let h = ocp_host();
        let mut d = Diagnostics::new();
        let one = write_model(&HostInfo::from(h.clone()), &HostDataSource.schema(), &mut d);
        let filter = HostsFilter {
            idc_id: None,
            host_type_id: None,
            status: None,
            free: Some(true),
        };
        let list = crate::lifecycle::data::Listed::new(filter, "hosts", vec![HostEntry::of(&h)]);
        let all = write_model(&list, &HostsDataSource.schema(), &mut d);
        assert!(d.0.is_empty(), "{:?}", d.0);
        let (one, all) = (one.unwrap(), all.unwrap());
        assert_eq!(one.get("free"), Some(&Value::Bool(true)));
        assert_eq!(one.get("ip"), Some(&Value::string("10.0.0.21")));
        let entry = &all.get("hosts").unwrap().elements()[0];
        assert_eq!(entry.get("idc_name"), Some(&Value::string("hz1")));
    }
}
