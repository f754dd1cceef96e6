//! Regions, IDCs, host types, SSH credentials and hosts (ocp-api.md §3.7, §4.6, §5 #17, #18,
//! #20). Every call here is synchronous except adding a host, which returns an `Add host` task.
//!
//! Paths and shapes the reference does not settle, kept here in one place:
//!
//! | Call | Path / shape | Why |
//! |---|---|---|
//! | get / delete region, IDC, host type | `GET`/`DELETE /api/v2/compute/{regions,idcs,hostTypes}/{id}` | §3.7 (paths inferred) |
//! | delete credential | `DELETE /api/v2/profiles/me/credentials/{id}` | inferred (not in §3.7); shared with the simulator |
//! | host list filters | see [`HostFilter::query`] | §3.7 names none; `status` is from the OCP "Query hosts" page, `idcId`/`typeId`/`used` are the simulator's. Every filter is applied again here, since OCP ignores unknown query parameters (§5 #23) |
//! | add host | `POST .../hosts/batchCreate` with one host; the task in `data.contents[0]` carries `hostId` | §3.7, §5 #17 (else the host is looked up by IP) |
//! | delete host | `DELETE .../hosts/{hostId}`, sync | §3.7, §5 #18: a task in the answer is waited on (by the caller) |
//!
//! Verbs: `find_*` returns `None` for a 404 (or no exact match); `list_*` reads every page;
//! `delete_*` (but `delete_host`) returns `false` when the object was already gone (404, also after a repeated DELETE
//! whose first answer was lost).
//!
//! Retrying (design rule R2): every create goes through [`OcpClient::post_create`] with a
//! look-up by the natural key (the name; the IP for hosts): an object found before the POST, or
//! after OCP's first answer "already exists" (§5 #20), is `Existing` and never adopted; one
//! found after this call's POST went unanswered is `Adopted`. The simulator
//! compares names case-insensitively, so a duplicate that differs only in case is not found by
//! the exact look-up and surfaces as [`ClientError::AlreadyExists`].
//!
//! Secrets: the SSH password travels as [`Secret`] (`Debug` prints `***`); the client never logs
//! bodies, and an OCP error message that echoes it has it replaced by `***` before the error
//! leaves this module. OCP never returns the passphrase.

use serde_json::Value;

use super::not_found_as_none;
use crate::client::de::{body_struct, wire_struct};
use crate::client::{ClientError, Created, OcpClient, Secret, TaskInstance, TaskScope};

/// Hosts (§3.7).
const HOSTS: &str = "/api/v2/compute/hosts";
/// Batch create of hosts (§3.7).
const HOSTS_BATCH_CREATE: &str = "/api/v2/compute/hosts/batchCreate";
/// The caller's credential vault (§3.7).
const CREDENTIALS: &str = "/api/v2/profiles/me/credentials";

/// One of OCP's three named catalogues (§3.7): regions, IDCs (data centres of a region) and
/// host types. Their objects share one shape and one life: created by name, read at
/// `{path}/{id}`, deleted, never modified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catalogue {
    /// `/api/v2/compute/regions`.
    Region,
    /// `/api/v2/compute/idcs`.
    Idc,
    /// `/api/v2/compute/hostTypes`.
    HostType,
}

impl Catalogue {
    /// The catalogue's path (§3.7).
    pub const fn path(self) -> &'static str {
        match self {
            Catalogue::Region => "/api/v2/compute/regions",
            Catalogue::Idc => "/api/v2/compute/idcs",
            Catalogue::HostType => "/api/v2/compute/hostTypes",
        }
    }
}

wire_struct! {
    /// A region, an IDC or a host type (§3.7, §4.6). Only an IDC has a region.
    #[derive(Eq)]
    pub struct CatalogueEntry {
        /// OCP id.
        #[required]
        pub id: i64,
        /// Name, unique in its catalogue (a host type's has no hyphens, §3.7).
        pub name: String,
        /// Free text.
        pub description: Option<String>,
        /// IDCs: id of the region.
        pub region_id: Option<i64>,
        /// IDCs: name of the region.
        pub region_name: Option<String>,
        /// ISO-8601 creation time (null in the §4.6 create answer).
        pub create_time: Option<String>,
        /// ISO-8601 update time.
        pub update_time: Option<String>,
    }
}

wire_struct! {
    /// A host (§3.7; the reference names only `id` and `innerIpAddress`, the other fields are those
    /// the simulator renders, after the OCP "Query hosts" page). Every field but `id` is optional.
    #[derive(Eq)]
    pub struct Host {
        /// OCP host id.
        #[required]
        pub id: i64,
        /// Display name: the alias, else the IP.
        pub name: Option<String>,
        /// Inner (management) IP address, the natural key.
        pub inner_ip_address: Option<String>,
        /// Public IP address.
        pub public_ip_address: Option<String>,
        /// Alias given when the host was added.
        pub alias: Option<String>,
        /// `NEW` while the `Add host` task runs, then `ONLINE`, ...
        pub status: Option<String>,
        /// SSH port.
        pub ssh_port: Option<i64>,
        /// `DEDICATED_PHYSICAL_MACHINE` or `DEDICATED_CONTAINER`.
        pub kind: Option<String>,
        /// CPU architecture, e.g. `x86_64`.
        pub architecture: Option<String>,
        /// Operating system.
        pub operating_system: Option<String>,
        /// Serial number.
        pub serial_number: Option<String>,
        /// Free text.
        pub description: Option<String>,
        /// CPU cores.
        pub cpu_count: Option<i64>,
        /// Memory, GB.
        #[serde(rename = "memorySizeGB")]
        pub memory_size_gb: Option<i64>,
        /// Id of its IDC.
        pub idc_id: Option<i64>,
        /// Name of its IDC.
        pub idc_name: Option<String>,
        /// Id of its region.
        pub region_id: Option<i64>,
        /// Name of its region.
        pub region_name: Option<String>,
        /// Id of its host type.
        pub type_id: Option<i64>,
        /// Name of its host type.
        pub type_name: Option<String>,
        /// Id of the SSH credential it was added with.
        pub credential_id: Option<i64>,
        /// VPC id (1 = classic network).
        pub vpc_id: Option<i64>,
        /// Port mappings of a container host, comma-joined.
        pub publish_ports: Option<String>,
        /// Cluster whose OBServer runs on the host; `None` for a free host.
        pub cluster_id: Option<i64>,
        /// Name of that cluster.
        pub cluster_name: Option<String>,
        /// The OBServer on the host.
        pub server_id: Option<i64>,
        /// Whether an OBServer runs on the host.
        pub used: Option<bool>,
        /// ISO-8601 creation time.
        pub create_time: Option<String>,
        /// ISO-8601 update time.
        pub update_time: Option<String>,
    }
}

impl Host {
    /// Whether no OBServer runs on the host (no cluster, not `used`).
    pub fn is_free(&self) -> bool {
        self.cluster_id.is_none() && self.server_id.is_none() && self.used != Some(true)
    }
}

/// Filters of [`OcpClient::list_hosts`]; `None` = no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostFilter {
    /// Hosts of this IDC.
    pub idc_id: Option<i64>,
    /// Hosts of this host type.
    pub type_id: Option<i64>,
    /// Status, or a comma list (`ONLINE,NEW`), compared case-insensitively.
    pub status: Option<String>,
    /// `Some(true)`: only hosts without an OBServer; `Some(false)`: only hosts with one.
    pub free: Option<bool>,
}

impl HostFilter {
    /// The one mapping of the filters to query parameters. §3.7 documents none: `status` is
    /// from the OCP "Query hosts" page; `idcId`, `typeId` and `used` (= not free) are the
    /// simulator's (README "Endpoints"). A real OCP may ignore any of them (§5 #23), so
    /// [`HostFilter::matches`] applies them again to the answer.
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(id) = self.idc_id {
            q.push(("idcId", id.to_string()));
        }
        if let Some(id) = self.type_id {
            q.push(("typeId", id.to_string()));
        }
        if let Some(s) = &self.status {
            q.push(("status", s.clone()));
        }
        if let Some(free) = self.free {
            q.push(("used", (!free).to_string()));
        }
        q
    }

    /// Whether `h` passes every given filter (a host without the field does not pass).
    fn matches(&self, h: &Host) -> bool {
        self.idc_id.is_none_or(|id| h.idc_id == Some(id))
            && self.type_id.is_none_or(|id| h.type_id == Some(id))
            && self.status.as_deref().is_none_or(|list| {
                h.status.as_deref().is_some_and(|s| {
                    list.split(',')
                        .any(|want| want.trim().eq_ignore_ascii_case(s))
                })
            })
            && self.free.is_none_or(|free| h.is_free() == free)
    }
}

/// One host to add with `batchCreate` (§3.7).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddHost {
    /// Inner IP address (the natural key of a host).
    pub inner_ip_address: String,
    /// SSH port, e.g. 22.
    pub ssh_port: i64,
    /// `DEDICATED_PHYSICAL_MACHINE` or `DEDICATED_CONTAINER`.
    pub kind: String,
    /// IDC id.
    pub idc_id: i64,
    /// Host type id.
    pub type_id: i64,
    /// SSH credential id ([`OcpClient::create_host_credential`]).
    pub credential_id: i64,
    /// Alias (allowed for a single host only, which this always is).
    pub alias: Option<String>,
    /// Free text.
    pub description: Option<String>,
}

body_struct! {
    /// `hostBasicDataList[]` item.
    struct HostBasicData<'a> {
        inner_ip_address: &'a str,
    }
}

body_struct! {
    /// The `batchCreate` body (§3.7) for one host.
    struct BatchCreateBody<'a> {
        host_basic_data_list: [HostBasicData<'a>; 1],
        ssh_port: i64,
        kind: &'a str,
        idc_id: i64,
        type_id: i64,
        credential_id: i64,
        alias: Option<&'a str>,
        description: Option<&'a str>,
    }
}

impl<'a> From<&'a AddHost> for BatchCreateBody<'a> {
    fn from(h: &'a AddHost) -> Self {
        BatchCreateBody {
            host_basic_data_list: [HostBasicData {
                inner_ip_address: &h.inner_ip_address,
            }],
            ssh_port: h.ssh_port,
            kind: &h.kind,
            idc_id: h.idc_id,
            type_id: h.type_id,
            credential_id: h.credential_id,
            alias: h.alias.as_deref(),
            description: h.description.as_deref(),
        }
    }
}

body_struct! {
    /// `{name, description}` of a region or host type; `regionId` for an IDC.
    struct NamedBody<'a> {
        name: &'a str,
        description: Option<&'a str>,
        region_id: Option<i64>,
    }
}

body_struct! {
    /// `sshCredentialProperty` of a credential (§3.7). `Debug` shows the passphrase as `***`.
    struct SshCredentialProperty<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        username: &'a str,
        passphrase: &'a Secret,
        host_id_list: [i64; 0],
    }
}

body_struct! {
    /// The create-credential body (§3.7).
    struct CredentialBody<'a> {
        validate: bool,
        target_type: &'static str,
        name: &'a str,
        ssh_credential_property: SshCredentialProperty<'a>,
    }
}

wire_struct! {
    /// A credential as listed (the passphrase is never returned).
    #[derive(Eq)]
    struct Credential {
        #[required]
        id: i64,
        name: String,
    }
}

wire_struct! {
    /// `data.id` of a create answer.
    struct IdOnly {
        #[required]
        id: i64,
    }
}

/// The `Add host` task of a `batchCreate` answer: `data.contents[0]` (§3.7); a bare array or a
/// single task as `data` are accepted too.
fn first_task(path: &str, data: Value) -> Result<TaskInstance, ClientError> {
    let bad = |message: String| ClientError::decode("POST", path, message);
    let mut items = match data {
        Value::Object(mut o) if o.contains_key("contents") => match o.remove("contents") {
            Some(Value::Array(a)) => a,
            _ => return Err(bad("data.contents is not a list of tasks".into())),
        },
        Value::Array(a) => a,
        v @ Value::Object(_) => vec![v],
        _ => return Err(bad("the answer carries no Add host task".into())),
    };
    if items.len() > 1 {
        log::warn!(
            "POST {path}: OCP returned {} tasks for one host; using the first",
            items.len()
        );
    }
    if items.is_empty() {
        return Err(bad("data.contents is empty: no Add host task".into()));
    }
    serde_json::from_value(items.swap_remove(0))
        .map_err(|e| bad(format!("the Add host task has an unexpected shape ({e})")))
}

/// Logs an adoption (after this call's own lost POST, see [`Created`]).
fn created<T: std::fmt::Debug>(path: &str, c: Created<T>) -> Created<T> {
    if let Created::Adopted(v) = &c {
        log::info!("POST {path}: adopted the object this call's unanswered POST made: {v:?}");
    }
    c
}

impl OcpClient {
    /// Every object of catalogue `c` (all pages).
    pub async fn list_catalogue(&self, c: Catalogue) -> Result<Vec<CatalogueEntry>, ClientError> {
        self.list_all(c.path(), &[]).await
    }

    /// `GET {path}/{id}` of catalogue `c`, `None` on 404.
    pub async fn find_in_catalogue(
        &self,
        c: Catalogue,
        id: i64,
    ) -> Result<Option<CatalogueEntry>, ClientError> {
        not_found_as_none(self.get(&format!("{}/{id}", c.path()), &[]).await)
    }

    /// The object of catalogue `c` named exactly `name` (the lists have no documented name
    /// filter).
    pub async fn find_in_catalogue_by_name(
        &self,
        c: Catalogue,
        name: &str,
    ) -> Result<Option<CatalogueEntry>, ClientError> {
        let all = self.list_catalogue(c).await?;
        Ok(all.into_iter().find(|t| t.name == name))
    }

    /// `POST {path} {name, description[, regionId]}` (sync; `region_id` for an IDC), through
    /// [`OcpClient::post_create`] with a look-up by name: an object of that exact name that
    /// was there before is `Existing`; one found after this call's POST went unanswered is
    /// `Adopted` (its description, and an IDC's region, may differ: compare).
    pub async fn create_in_catalogue(
        &self,
        c: Catalogue,
        name: &str,
        description: Option<&str>,
        region_id: Option<i64>,
    ) -> Result<Created<CatalogueEntry>, ClientError> {
        let body = NamedBody {
            name,
            description,
            region_id,
        };
        let made = self
            .post_create(c.path(), &body, || self.find_in_catalogue_by_name(c, name))
            .await?;
        Ok(created(c.path(), made))
    }

    /// `DELETE {path}/{id}` of catalogue `c` (sync); `false` when already gone.
    pub async fn delete_from_catalogue(&self, c: Catalogue, id: i64) -> Result<bool, ClientError> {
        self.delete_existing(&format!("{}/{id}", c.path())).await
    }

    // ---- credentials -------------------------------------------------------------------

    /// The HOST credential named exactly `name` (`GET .../credentials?targetType=HOST`).
    async fn find_host_credential_by_name(&self, name: &str) -> Result<Option<i64>, ClientError> {
        let list: Vec<Credential> = self
            .list_all(CREDENTIALS, &[("targetType", "HOST".to_owned())])
            .await?;
        Ok(list.into_iter().find(|c| c.name == name).map(|c| c.id))
    }

    /// `POST /api/v2/profiles/me/credentials` with an SSH password credential (`targetType
    /// HOST`, `validate: false`, no hosts); returns `data.id`. The password is never logged
    /// and is masked should OCP echo it in an error.
    ///
    /// A HOST credential of that exact name found after this call's POST went unanswered is
    /// adopted; one that was there before is an [`ClientError::AlreadyExists`]. OCP never
    /// returns a passphrase, so an adopted credential's password cannot be checked: callers
    /// use names unique to the object they manage.
    pub async fn create_host_credential(
        &self,
        name: &str,
        username: &str,
        password: &Secret,
    ) -> Result<i64, ClientError> {
        let body = CredentialBody {
            validate: false,
            target_type: "HOST",
            name,
            ssh_credential_property: SshCredentialProperty {
                kind: "PASSWORD",
                username,
                passphrase: password,
                host_id_list: [],
            },
        };
        let c = self
            .post_create::<_, IdOnly, _, _, _>(CREDENTIALS, &body, || {
                self.find_host_credential_by_name(name)
            })
            .await
            .map_err(|e| e.mask(password))?;
        Ok(match c {
            Created::New(d) => d.id,
            // Names carry the IP and a timestamp: one that exists already is not ours.
            Created::Existing(id) => {
                return Err(ClientError::AlreadyExists {
                    method: "POST",
                    path: CREDENTIALS.to_owned(),
                    code: None,
                    message: format!("OCP already has a HOST credential named {name:?} (id {id})"),
                    trace_id: None,
                })
            }
            Created::Adopted(id) => {
                log::warn!(
                    "POST {CREDENTIALS}: adopted the existing HOST credential {name:?} (id {id}); \
                     its password cannot be read back"
                );
                id
            }
        })
    }

    /// `DELETE /api/v2/profiles/me/credentials/{id}` (sync, path inferred); `false` when
    /// already gone.
    pub async fn delete_credential(&self, id: i64) -> Result<bool, ClientError> {
        self.delete_existing(&format!("{CREDENTIALS}/{id}")).await
    }

    // ---- hosts -------------------------------------------------------------------------

    /// Every host passing `filter` (all pages; the filters are sent and applied again here).
    pub async fn list_hosts(&self, filter: &HostFilter) -> Result<Vec<Host>, ClientError> {
        let hosts: Vec<Host> = self.list_all(HOSTS, &filter.query()).await?;
        Ok(hosts.into_iter().filter(|h| filter.matches(h)).collect())
    }

    /// `GET /api/v2/compute/hosts/{hostId}`, `None` on 404.
    pub async fn find_host(&self, id: i64) -> Result<Option<Host>, ClientError> {
        if let Some(h) = self.coalesced_item::<Host>(HOSTS, |v| v["id"] == id).await {
            return Ok(Some(h));
        }
        not_found_as_none(self.get(&format!("{HOSTS}/{id}"), &[]).await)
    }

    /// The host whose `innerIpAddress` is exactly `ip`. Sends OCP's `keyword` filter ("Query
    /// hosts" page; a substring match) to narrow the list, then compares exactly.
    pub async fn find_host_by_ip(&self, ip: &str) -> Result<Option<Host>, ClientError> {
        let hosts: Vec<Host> = self.list_all(HOSTS, &[("keyword", ip.to_owned())]).await?;
        Ok(hosts
            .into_iter()
            .find(|h| h.inner_ip_address.as_deref() == Some(ip)))
    }

    /// `POST /api/v2/compute/hosts/batchCreate` with ONE host (§3.7): `New((host id, Add host
    /// task))`, the id from the task's `hostId` (§5 #17) or else a look-up by IP. A host of
    /// that IP registered before is `Existing`; one found after this call's POST went
    /// unanswered is `Adopted` (its IDC, type, ... may differ: compare).
    pub async fn add_host(
        &self,
        body: &AddHost,
    ) -> Result<Created<(i64, TaskInstance), Host>, ClientError> {
        let ip = body.inner_ip_address.as_str();
        let req = BatchCreateBody::from(body);
        let data: Value = match self
            .post_create(HOSTS_BATCH_CREATE, &req, || self.find_host_by_ip(ip))
            .await?
        {
            Created::New(d) => d,
            Created::Adopted(h) => return Ok(Created::Adopted(h)),
            Created::Existing(h) => return Ok(Created::Existing(h)),
        };
        let task = first_task(HOSTS_BATCH_CREATE, data)?;
        let host_id = match task.host_id {
            Some(id) => id,
            None => self
                .find_host_by_ip(ip)
                .await?
                .map(|h| h.id)
                .ok_or_else(|| {
                    let message = format!(
                        "OCP accepted host {ip} (task {}) but neither the task's hostId nor a \
                         look-up by IP gives its id",
                        task.id
                    );
                    ClientError::decode("POST", HOSTS_BATCH_CREATE, message)
                })?,
        };
        Ok(Created::New((host_id, task)))
    }

    /// `DELETE /api/v2/compute/hosts/{hostId}` (sync, §3.7): the cleanup task OCP answered
    /// with, if any (§5 #18: a real OCP may start one; the caller waits on it), `None` when the
    /// host is deleted or was already gone. A DELETE refused while such a task still runs (the
    /// host `DELETING`) joins that task (see [`OcpClient::delete_joining`]).
    pub async fn delete_host(&self, id: i64) -> Result<Option<TaskInstance>, ClientError> {
        let path = format!("{HOSTS}/{id}");
        let status = || async { Ok(self.find_host(id).await?.map(|h| h.status)) };
        self.delete_joining(&path, TaskScope::Host(id), status)
            .await
    }
}

#[cfg(test)]
mod tests;
