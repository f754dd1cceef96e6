//! Writes of the compute family (§3.7): regions, IDCs, host types, SSH credentials and hosts,
//! plus the OceanBase package catalogue. Rules and shapes: [`crate::domain::infra`]; the reads are in
//! [`super::compute`].
//!
//! | Method + path | Body (`*` = required) | Answer |
//! |---|---|---|
//! | `POST /api/v2/compute/regions` | `{name*, description}` | region (§4.6) |
//! | `DELETE /api/v2/compute/regions/{id}` (path inferred, §3.7) | — | no `data` |
//! | `POST /api/v2/compute/idcs` | `{name*, description, regionId*}` | IDC (§4.6) |
//! | `DELETE /api/v2/compute/idcs/{id}` (path inferred) | — | no `data` |
//! | `POST /api/v2/compute/hostTypes` | `{name*, description}` | host type |
//! | `DELETE /api/v2/compute/hostTypes/{id}` (path inferred) | — | no `data` |
//! | `POST /api/v2/profiles/me/credentials` | `{validate, targetType*, name*, description, sshCredentialProperty*{type*, username*, passphrase*, hostIdList[]}}` | credential (`data.id`) |
//! | `GET /api/v2/profiles/me/credentials` | query `targetType` (list) | paged credentials, never the passphrase |
//! | `DELETE /api/v2/profiles/me/credentials/{id}` (inferred) | — | no `data` |
//! | `POST /api/v2/compute/hosts/batchCreate` | §3.7 table | `data.contents[]` = one TaskInstance `Add host` per host, each with `hostId` (§5 #17) |
//! | `DELETE /api/v2/compute/hosts/{hostId}` | — | no `data`, synchronous (§3.7, §5 #18) |
//! | `GET /api/v2/software-packages` | query `keyword`, `type`, `version`, `operatingSystem`, `architecture` (lists) | paged OceanBase package catalogue — path and filters from the OCP "Query software packages" page (D, listed in S0), **not in the reference**; fields are ours |
//!
//! There are no modify calls: the OCP index (S0) lists none for regions, IDCs or host types, so
//! `PUT`/`PATCH` answer 405 and a client replaces the object to change it.
//!
//! Preconditions, in this order: numeric ids (400), the object exists (404 `REGION_NOT_FOUND`,
//! `IDC_NOT_FOUND`, `HOST_TYPE_NOT_FOUND`, `CREDENTIAL_NOT_FOUND`, `HOST_NOT_FOUND`), a running
//! task on the host (400 `RESOURCE_BUSY`, lock key `host/{id}`), still in use (400
//! `ILLEGAL_STATE` naming the users: a region's IDCs, an IDC's hosts and zones, a host type's or a
//! credential's hosts, a host's OBServer), the body (400 `ILLEGAL_ARGUMENT` naming the field),
//! duplicates (400 `DUPLICATE_NAME`; for hosts an already registered `innerIpAddress`).
//!
//! Hosts are created at once with status `NEW`; their `Add host` task (subtasks `Check host`,
//! `Install OCP agent`, `Start OCP agent`, `Update host status`) makes them `ONLINE`. A failed
//! task leaves the host `NEW` (not deployable; retry or rollback), a rollback removes it.
//! New hosts report `x86_64`, `CentOS Linux 7`, 16 CPUs and 64 GB (no agent to ask; sim).

use serde_json::{json, Value};

use crate::domain::infra::{self, Credential};
use crate::domain::rules::{self as rules, invalid, required};
use crate::envelope::{parse_body, parse_id, ApiError};
use crate::paging::{contains_ci, in_list, page_of, str_of, Query};
use crate::render;
use crate::state::effects::HostEffect;
use crate::state::task::TaskSpec;
use crate::state::HookKind;
use crate::state::{Host, HostType, IdKind, Idc, Region, Store};

use super::Reply;

const PKG: &str = "com.alipay.ocp.service.task.business.compute";

fn in_use(what: &str, users: &str, list: &[String], hint: &str) -> ApiError {
    ApiError::illegal_state(format!(
        "{what} is still used by {users} {}; {hint}",
        list.join(", ")
    ))
}

// ---------------------------------------------------------------------------------------------
// Regions

/// `POST /api/v2/compute/regions`: create a region.
pub fn create_region(store: &mut Store, body: &[u8]) -> Reply {
    let body: Value = parse_body(body)?;
    let obj = rules::object(&body, "")?;
    let name = rules::req_str(obj, "", "name")?;
    infra::check_location_name("name", &name)?;
    let description = rules::opt_str(obj, "", "description")?;
    if let Some(r) = store
        .regions
        .values()
        .find(|r| r.name.eq_ignore_ascii_case(&name))
    {
        return Err(ApiError::duplicate(format!(
            "region name {name:?} is already used by region {} (id {})",
            r.name, r.id
        )));
    }
    let id = store.next_id(IdKind::Region);
    let now = store.now();
    let r = Region {
        id,
        name,
        description,
        create_time: now,
        update_time: now,
    };
    let data = render::region(&r);
    store.regions.insert(id, r);
    Ok(Some(data))
}

/// `DELETE /api/v2/compute/regions/{id}`: delete an unused region.
pub fn delete_region(store: &mut Store, id: &str) -> Reply {
    let id = parse_id(id, "region")?;
    let r = store
        .regions
        .get(&id)
        .ok_or_else(|| ApiError::not_found("REGION", format!("region not found: id={id}")))?;
    let idcs: Vec<String> = store
        .idcs
        .values()
        .filter(|i| i.region_id == id)
        .map(|i| format!("{} (id {})", i.name, i.id))
        .collect();
    if !idcs.is_empty() {
        return Err(in_use(
            &format!("region {}", r.name),
            "IDCs",
            &idcs,
            "delete them first",
        ));
    }
    store.regions.remove(&id);
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// IDCs

/// `POST /api/v2/compute/idcs`: create an IDC in a region.
pub fn create_idc(store: &mut Store, body: &[u8]) -> Reply {
    let body: Value = parse_body(body)?;
    let obj = rules::object(&body, "")?;
    let name = rules::req_str(obj, "", "name")?;
    infra::check_location_name("name", &name)?;
    let description = rules::opt_str(obj, "", "description")?;
    let region_id = infra::req_int(obj, "", "regionId")?;
    if !store.regions.contains_key(&region_id) {
        return Err(invalid(
            "regionId",
            format!("region {region_id} does not exist"),
        ));
    }
    if let Some(i) = store
        .idcs
        .values()
        .find(|i| i.name.eq_ignore_ascii_case(&name))
    {
        return Err(ApiError::duplicate(format!(
            "IDC name {name:?} is already used by IDC {} (id {})",
            i.name, i.id
        )));
    }
    let id = store.next_id(IdKind::Idc);
    let now = store.now();
    let i = Idc {
        id,
        name,
        description,
        region_id,
        create_time: now,
        update_time: now,
    };
    let data = render::idc(store, &i);
    store.idcs.insert(id, i);
    Ok(Some(data))
}

/// `DELETE /api/v2/compute/idcs/{id}`: delete an unused IDC.
pub fn delete_idc(store: &mut Store, id: &str) -> Reply {
    let id = parse_id(id, "IDC")?;
    let i = store
        .idcs
        .get(&id)
        .ok_or_else(|| ApiError::not_found("IDC", format!("IDC not found: id={id}")))?;
    let hosts: Vec<String> = store
        .hosts
        .values()
        .filter(|h| h.idc_id == id)
        .map(infra::host_label)
        .collect();
    if !hosts.is_empty() {
        return Err(in_use(
            &format!("IDC {}", i.name),
            "hosts",
            &hosts,
            "delete them first",
        ));
    }
    let zones: Vec<String> = store
        .clusters
        .values()
        .flat_map(|c| {
            c.zones
                .iter()
                .filter(|z| z.idc_id == id)
                .map(move |z| format!("{} of OB cluster {}", z.name, c.name))
        })
        .collect();
    if !zones.is_empty() {
        return Err(in_use(
            &format!("IDC {}", i.name),
            "zones",
            &zones,
            "delete them first",
        ));
    }
    store.idcs.remove(&id);
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// Host types

/// `POST /api/v2/compute/hostTypes`: create a host type.
pub fn create_host_type(store: &mut Store, body: &[u8]) -> Reply {
    let body: Value = parse_body(body)?;
    let obj = rules::object(&body, "")?;
    let name = rules::req_str(obj, "", "name")?;
    infra::check_host_type_name("name", &name)?;
    let description = rules::opt_str(obj, "", "description")?;
    if let Some(t) = store
        .host_types
        .values()
        .find(|t| t.name.eq_ignore_ascii_case(&name))
    {
        return Err(ApiError::duplicate(format!(
            "host type name {name:?} is already used by host type {} (id {})",
            t.name, t.id
        )));
    }
    let id = store.next_id(IdKind::HostType);
    let now = store.now();
    let t = HostType {
        id,
        name,
        description,
        create_time: now,
        update_time: now,
    };
    let data = render::host_type(&t);
    store.host_types.insert(id, t);
    Ok(Some(data))
}

/// `DELETE /api/v2/compute/hostTypes/{id}`: delete an unused host type.
pub fn delete_host_type(store: &mut Store, id: &str) -> Reply {
    let id = parse_id(id, "host type")?;
    let t = store
        .host_types
        .get(&id)
        .ok_or_else(|| ApiError::not_found("HOST_TYPE", format!("host type not found: id={id}")))?;
    let hosts: Vec<String> = store
        .hosts
        .values()
        .filter(|h| h.type_id == id)
        .map(infra::host_label)
        .collect();
    if !hosts.is_empty() {
        return Err(in_use(
            &format!("host type {}", t.name),
            "hosts",
            &hosts,
            "delete them first",
        ));
    }
    store.host_types.remove(&id);
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// Credentials

/// `POST /api/v2/profiles/me/credentials`: store an SSH credential.
pub fn create_credential(store: &mut Store, body: &[u8]) -> Reply {
    let body: Value = parse_body(body)?;
    let obj = rules::object(&body, "")?;
    // `validate` asks OCP to try the login on `hostIdList`; the simulator has no SSH, so a
    // validation always succeeds (our decision). The flag is still type-checked.
    rules::opt_bool(obj, "", "validate")?;
    let target_type = rules::req_str(obj, "", "targetType")?;
    if !infra::TARGET_TYPES.contains(&target_type.as_str()) {
        return Err(invalid(
            "targetType",
            format!(
                "{target_type:?}, expected {}",
                infra::TARGET_TYPES.join(" or ")
            ),
        ));
    }
    let name = rules::req_str(obj, "", "name")?;
    infra::check_credential_name("name", &name)?;
    let description = rules::opt_str(obj, "", "description")?;
    let p = "sshCredentialProperty";
    let prop = match obj.get(p) {
        None | Some(Value::Null) => return Err(required(p)),
        Some(v) => rules::object(v, p)?,
    };
    let ssh_type = rules::req_str(prop, p, "type")?;
    if !infra::SSH_TYPES.contains(&ssh_type.as_str()) {
        return Err(invalid(
            &format!("{p}.type"),
            format!("{ssh_type:?}, expected {}", infra::SSH_TYPES.join(" or ")),
        ));
    }
    let username = rules::req_str(prop, p, "username")?;
    let passphrase = rules::req_str(prop, p, "passphrase")?;
    let mut host_ids = Vec::new();
    if let Some(list) = infra::opt_array(prop, p, "hostIdList")? {
        for (i, v) in list.iter().enumerate() {
            let f = format!("{p}.hostIdList[{i}]");
            let id = v
                .as_i64()
                .ok_or_else(|| invalid(&f, "a host id (integer) is expected"))?;
            if !store.hosts.contains_key(&id) {
                return Err(invalid(&f, format!("host {id} does not exist")));
            }
            if host_ids.contains(&id) {
                return Err(invalid(&f, format!("host {id} is listed twice")));
            }
            host_ids.push(id);
        }
    }
    if let Some(c) = store
        .credentials
        .values()
        .find(|c| c.name.eq_ignore_ascii_case(&name))
    {
        return Err(ApiError::duplicate(format!(
            "credential name {name:?} is already used by credential {} (id {})",
            c.name, c.id
        )));
    }
    let id = store.next_id(IdKind::Credential);
    let now = store.now();
    let c = Credential {
        id,
        name,
        description,
        target_type,
        ssh_type,
        username,
        passphrase,
        host_ids,
        create_time: now,
        update_time: now,
    };
    let data = infra::credential_json(&c);
    store.credentials.insert(id, c);
    Ok(Some(data))
}

/// `GET /api/v2/profiles/me/credentials`: the credentials, paged (secrets never shown).
pub fn list_credentials(store: &mut Store, raw: Option<&str>) -> Reply {
    let q = Query::parse(raw);
    let types = q.list("targetType");
    let items: Vec<Value> = store
        .credentials
        .values()
        .filter(|c| {
            types
                .as_ref()
                .is_none_or(|l| in_list(Some(&c.target_type), l))
        })
        .map(infra::credential_json)
        .collect();
    Ok(Some(page_of(items, &q)?))
}

/// `DELETE /api/v2/profiles/me/credentials/{id}`.
pub fn delete_credential(store: &mut Store, id: &str) -> Reply {
    let id = parse_id(id, "credential")?;
    let c = store.credentials.get(&id).ok_or_else(|| {
        ApiError::not_found("CREDENTIAL", format!("credential not found: id={id}"))
    })?;
    let hosts: Vec<String> = store
        .hosts
        .values()
        .filter(|h| h.credential_id == Some(id))
        .map(infra::host_label)
        .collect();
    if !hosts.is_empty() {
        return Err(in_use(
            &format!("credential {}", c.name),
            "hosts",
            &hosts,
            "delete them first",
        ));
    }
    store.credentials.remove(&id);
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// Hosts

struct HostEntry {
    ip: String,
    serial: Option<String>,
    field: String,
}

struct BatchCreate {
    entries: Vec<HostEntry>,
    ssh_port: u16,
    kind: String,
    publish_ports: Vec<String>,
    idc_id: i64,
    type_id: i64,
    credential_id: i64,
    alias: Option<String>,
    description: Option<String>,
}

fn parse_batch_create(store: &Store, body: &Value) -> Result<BatchCreate, ApiError> {
    let obj = rules::object(body, "")?;
    let list = infra::req_array(obj, "", "hostBasicDataList", "host")?;
    let mut entries: Vec<HostEntry> = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let p = format!("hostBasicDataList[{i}]");
        let o = rules::object(v, &p)?;
        let ip = rules::req_str(o, &p, "innerIpAddress")?;
        let f = format!("{p}.innerIpAddress");
        infra::check_ipv4(&f, &ip)?;
        if entries.iter().any(|e| e.ip == ip) {
            return Err(invalid(&f, format!("{ip} is listed twice")));
        }
        let serial = rules::opt_str(o, &p, "serialNumber")?;
        entries.push(HostEntry {
            ip,
            serial,
            field: f,
        });
    }
    let port = infra::req_int(obj, "", "sshPort")?;
    let ssh_port = u16::try_from(port)
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| invalid("sshPort", format!("{port}, expected 1 to 65535")))?;
    let kind = rules::req_str(obj, "", "kind")?;
    if !infra::HOST_KINDS.contains(&kind.as_str()) {
        return Err(invalid(
            "kind",
            format!("{kind:?}, expected {}", infra::HOST_KINDS.join(" or ")),
        ));
    }
    let mut publish_ports = Vec::new();
    if let Some(list) = infra::opt_array(obj, "", "publishPorts")? {
        for (i, v) in list.iter().enumerate() {
            match v.as_str() {
                Some(s) if !s.is_empty() => publish_ports.push(s.to_string()),
                _ => {
                    return Err(invalid(
                        &format!("publishPorts[{i}]"),
                        "a non-empty string is expected",
                    ))
                }
            }
        }
    }
    if !publish_ports.is_empty() && kind != "DEDICATED_CONTAINER" {
        return Err(invalid(
            "publishPorts",
            "port mappings are only allowed for DEDICATED_CONTAINER hosts",
        ));
    }
    let idc_id = infra::req_int(obj, "", "idcId")?;
    if !store.idcs.contains_key(&idc_id) {
        return Err(invalid("idcId", format!("IDC {idc_id} does not exist")));
    }
    let type_id = infra::req_int(obj, "", "typeId")?;
    if !store.host_types.contains_key(&type_id) {
        return Err(invalid(
            "typeId",
            format!("host type {type_id} does not exist"),
        ));
    }
    let credential_id = infra::req_int(obj, "", "credentialId")?;
    if !store.credentials.contains_key(&credential_id) {
        return Err(invalid(
            "credentialId",
            format!("credential {credential_id} does not exist"),
        ));
    }
    if let Some(vpc) = rules::opt_int(obj, "", "vpcId")? {
        if vpc != infra::CLASSIC_VPC {
            return Err(invalid(
                "vpcId",
                format!(
                    "VPC {vpc} does not exist (only the classic network {} exists)",
                    infra::CLASSIC_VPC
                ),
            ));
        }
    }
    let alias = rules::opt_str(obj, "", "alias")?.filter(|a| !a.is_empty());
    if alias.is_some() && entries.len() > 1 {
        return Err(invalid(
            "alias",
            "an alias can only be given when adding one host",
        ));
    }
    let description = rules::opt_str(obj, "", "description")?;
    for e in &entries {
        if let Some(h) = store.hosts.values().find(|h| h.inner_ip == e.ip) {
            return Err(ApiError::duplicate(format!(
                "{}: {} is already registered as host {}",
                e.field, e.ip, h.id
            )));
        }
    }
    Ok(BatchCreate {
        entries,
        ssh_port,
        kind,
        publish_ports,
        idc_id,
        type_id,
        credential_id,
        alias,
        description,
    })
}

fn set_host_status(s: &mut Store, id: i64, status: &str) {
    let now = s.now();
    if let Some(h) = s.hosts.get_mut(&id) {
        h.status = status.to_string();
        h.update_time = now;
    }
}

impl HostEffect {
    /// Apply the effect at the moment `kind`.
    pub fn run(&self, kind: HookKind, s: &mut Store) {
        if let Some(former) = &self.deleting_from {
            return match kind {
                HookKind::Start => set_host_status(s, self.host_id, infra::HOST_DELETING),
                HookKind::Success => remove_host(s, self.host_id),
                HookKind::Failure | HookKind::Rollback => set_host_status(s, self.host_id, former),
            };
        }
        match kind {
            HookKind::Start | HookKind::Failure => {
                set_host_status(s, self.host_id, infra::HOST_NEW)
            }
            HookKind::Success => set_host_status(s, self.host_id, infra::HOST_ONLINE),
            HookKind::Rollback => remove_host(s, self.host_id),
        }
    }
}

fn remove_host(s: &mut Store, id: i64) {
    s.hosts.remove(&id);
    for c in s.credentials.values_mut() {
        c.host_ids.retain(|h| *h != id);
    }
}

/// `POST /api/v2/compute/hosts/batchCreate`: add hosts, one `Add host` task each.
pub fn batch_create_hosts(store: &mut Store, body: &[u8]) -> Reply {
    let body: Value = parse_body(body)?;
    let req = parse_batch_create(store, &body)?;
    let now = store.now();
    let idc_name = store
        .idcs
        .get(&req.idc_id)
        .map(|i| i.name.clone())
        .unwrap_or_default();
    let mut created: Vec<i64> = Vec::new();
    let mut tasks: Vec<i64> = Vec::new();
    for e in &req.entries {
        let hid = store.next_id(IdKind::Host);
        store.hosts.insert(
            hid,
            Host {
                id: hid,
                inner_ip: e.ip.clone(),
                alias: req.alias.clone(),
                ssh_port: req.ssh_port,
                kind: req.kind.clone(),
                status: infra::HOST_NEW.into(),
                idc_id: req.idc_id,
                type_id: req.type_id,
                credential_id: Some(req.credential_id),
                publish_ports: req.publish_ports.clone(),
                serial_number: e.serial.clone(),
                description: req.description.clone(),
                architecture: "x86_64".into(),
                operating_system: "CentOS Linux 7".into(),
                cpu_count: 16,
                memory_gb: 64,
                create_time: now,
                update_time: now,
            },
        );
        created.push(hid);
        let mut spec = TaskSpec::new("Add host")
            .host(hid)
            .lock(format!("host/{hid}"))
            .string("host_ip", &e.ip)
            .string("idc_name", &idc_name)
            .string("ssh_port", req.ssh_port)
            .string("host_kind", &req.kind)
            .prohibit_rollback(false)
            .effect(HostEffect {
                host_id: hid,
                deleting_from: None,
            });
        for (n, class) in [
            ("Check host", "CheckHostTask"),
            ("Install OCP agent", "InstallAgentTask"),
            ("Start OCP agent", "StartAgentTask"),
            ("Update host status", "UpdateHostStatusTask"),
        ] {
            spec = spec.subtask(n, &format!("{PKG}.{class}"));
        }
        match store.submit_task(spec) {
            Ok(t) => tasks.push(t),
            Err(err) => {
                for h in &created {
                    remove_host(&mut *store, *h);
                }
                for t in &tasks {
                    store.tasks.remove(t);
                }
                return Err(err);
            }
        }
    }
    let contents = tasks
        .iter()
        .map(|t| store.task_detail(*t))
        .collect::<Result<Vec<Value>, ApiError>>()?;
    Ok(Some(json!({ "contents": contents })))
}

/// `DELETE /api/v2/compute/hosts/{id}`: delete a host no OBServer uses: at once (no `data`,
/// as D documents), or, after `POST /_sim/config {"host_delete_task": true}`, through a
/// `Delete host` cleanup task answered as `data` (a real OCP may, §5 #18): the host is
/// `DELETING` until the task succeeds and takes its former status back when it fails.
pub fn delete_host(store: &mut Store, id: &str) -> Reply {
    let id = parse_id(id, "host")?;
    let h = store
        .hosts
        .get(&id)
        .ok_or_else(|| ApiError::not_found("HOST", format!("host not found: id={id}")))?
        .clone();
    store.ensure_not_busy(&[format!("host/{id}")])?;
    if let Some(s) = store.server_on_host(id) {
        let cname = store
            .clusters
            .get(&s.cluster_id)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        return Err(ApiError::illegal_state(format!(
            "host {} is used by OBServer {} of OB cluster {cname} (zone {}); remove the OBServer or the cluster first",
            infra::host_label(&h),
            s.id,
            s.zone_name
        )));
    }
    if let Some((c, p)) = store.obproxy.proxy_on_host(id) {
        return Err(ApiError::illegal_state(format!(
            "host {} is used by OBProxy {} of OBProxy cluster {}; remove the OBProxy or its cluster first",
            infra::host_label(&h),
            p.id,
            c.name
        )));
    }
    if !store.host_delete_task {
        remove_host(&mut *store, id);
        return Ok(None);
    }
    let mut spec = TaskSpec::new("Delete host")
        .host(id)
        .lock(format!("host/{id}"))
        .string("host_ip", &h.inner_ip)
        .prohibit_rollback(false)
        .effect(HostEffect {
            host_id: id,
            deleting_from: Some(h.status.clone()),
        });
    for (n, class) in [
        ("Stop OCP agent", "StopAgentTask"),
        ("Uninstall OCP agent", "UninstallAgentTask"),
        ("Delete host metadata", "DeleteHostMetaTask"),
    ] {
        spec = spec.subtask(n, &format!("{PKG}.{class}"));
    }
    let t = store.submit_task(spec)?;
    Ok(Some(store.task_detail(t)?))
}

// ---------------------------------------------------------------------------------------------
// Software packages

/// `GET /api/v2/software-packages`: the OB packages the simulator can deploy.
pub fn list_packages(raw: Option<&str>) -> Reply {
    let q = Query::parse(raw);
    let keyword = q.get("keyword").map(String::from);
    let lists: Vec<(&str, Option<Vec<String>>)> =
        ["type", "version", "operatingSystem", "architecture"]
            .iter()
            .map(|k| (*k, q.list(k)))
            .collect();
    let items: Vec<Value> = infra::OB_PACKAGES
        .iter()
        .map(infra::package_json)
        .filter(|v| {
            keyword
                .as_deref()
                .is_none_or(|k| contains_ci(str_of(v, "name"), k))
        })
        .filter(|v| {
            lists
                .iter()
                .all(|(k, l)| l.as_ref().is_none_or(|l| in_list(str_of(v, k), l)))
        })
        .collect();
    Ok(Some(page_of(items, &q)?))
}
