//! OBProxy clusters (`docs/ocp-api-obproxy.md`): create/delete clusters (async), add/delete
//! OBProxies (async), link/unlink OceanBase clusters (sync), parameters (sync), and the effects
//! of their tasks.
//!
//! | Method + path | Body (`*` = required) | Answer |
//! |---|---|---|
//! | `GET /api/v2/obproxy/clusters` | — | paged obproxyCluster items; `name` keyword filter (sim) |
//! | `POST /api/v2/obproxy/clusters` | `{name*, address, port, workMode, password, proxyroPassword, obproxyInstallParam*{hostIds*, sqlPort*, exporterPort* (alias exportPort), rpcPort, version*}, obLinks*[{clusterName*, obClusterId, username*}], startupParameters[], parameters[]}` | task `Create obproxy cluster` |
//! | `GET /api/v2/obproxy/clusters/{id}` | — | obproxyCluster with `obproxies` |
//! | `DELETE /api/v2/obproxy/clusters/{id}` | — | task `Delete obproxy cluster` |
//! | `POST /api/v2/obproxy/clusters/{id}/obproxies/batchAdd` | `{hostIds*, sqlPort*, exporterPort*, version*}` | `{contents: [task]}` `Add obproxy` |
//! | `POST /api/v2/obproxy/clusters/{id}/servers/delete` | `{obproxyServerIds*, skipHostOperationServerIds}` | task `Delete obproxy server` |
//! | `POST /api/v2/obproxy/clusters/{id}/obLinks/batchAdd` | `[{clusterName*, obClusterId, username*}]` or `{obLinks: [...]}` | none (sync) |
//! | `DELETE /api/v2/obproxy/clusters/{id}/obLinks/{obClusterName}` | — | none (sync) |
//! | `GET /api/v2/obproxy/clusters/{id}/parameters` | — | every parameter `{name, value, defaultValue, needReboot, description}` |
//! | `PUT /api/v2/obproxy/clusters/{id}/parameters` | `[{name*, value*}]` | none (sync; inferred) |
//! | `GET /api/v2/obproxy/parameterInfo` | — | parameter metadata (inferred path) |
//!
//! Rules (400 `ILLEGAL_ARGUMENT` naming the field unless said otherwise): a host must exist,
//! be `ONLINE`, be listed once and run neither an OBServer nor another OBProxy
//! (`obproxyInstallParam.hostIds[1]`, `hostIds[0]`); the version must be a known OBProxy
//! package (`obproxyInstallParam.version`); ports 1025..65535 and distinct; a link must name
//! an existing OceanBase cluster (`obLinks[0].clusterName`; `obClusterId`, when given, must be
//! that cluster's); `RS_LIST` mode takes exactly one link (`obLinks`); a parameter must be
//! known (`parameters[0].name`) and booleans are `true`/`false` (stored lower-case); a
//! duplicate cluster name is 400 `DUPLICATE_NAME`; a running task on the cluster is 400
//! `RESOURCE_BUSY`; removing the last OBProxy is 400 `ILLEGAL_STATE`. A failed check changes
//! nothing.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::domain::infra::{self, CREATING, DELETING, FAILED, HOST_ONLINE, RUNNING};
use crate::domain::rules::{self as rules, invalid, required};
use crate::envelope::{parse_body, parse_id, ApiError};
use crate::paging::{contains_ci, page_of, str_of, Query};
use crate::state::obproxy::{ObLink, Obproxy, ObproxyCluster, ObproxyEffect};
use crate::state::task::TaskSpec;
use crate::state::{HookKind, Store};
use crate::util;

use super::Reply;

const PKG: &str = "com.alipay.ocp.service.task.business.obproxy";

/// The OBProxy packages OCP knows: package name and the version OBProxies of it report.
pub const OBPROXY_PACKAGES: [(&str, &str); 3] = [
    ("obproxy-ce-4.2.1.0-11.el7.x86_64.rpm", "4.2.1.0-11"),
    ("obproxy-ce-4.2.3.0-3.el7.x86_64.rpm", "4.2.3.0-3"),
    ("obproxy-3.2.3.5-2.el7.x86_64.rpm", "3.2.3.5-2"),
];

/// Parameter catalogue: name, default value, whether it is a boolean, description.
pub const PARAMETERS: [(&str, &str, bool, &str); 6] = [
    (
        "client_max_connections",
        "8192",
        false,
        "Maximum client connections",
    ),
    ("proxy_mem_limited", "2G", false, "Memory limit of OBProxy"),
    (
        "slow_query_time_threshold",
        "500ms",
        false,
        "Slow query threshold",
    ),
    (
        "enable_compression_protocol",
        "true",
        true,
        "Compress the protocol to the OBServers",
    ),
    (
        "enable_strict_kernel_release",
        "false",
        true,
        "Refuse OBServer versions OBProxy does not know",
    ),
    ("log_dir_size_threshold", "64G", false, "Log directory size"),
];

const WORK_MODES: [&str; 2] = ["CONFIG_URL", "RS_LIST"];

fn lock(id: i64) -> String {
    format!("obproxy/{id}")
}

/// OBProxy cluster by id or 404 `OBPROXY_CLUSTER_NOT_FOUND`.
fn cluster(store: &Store, id: i64) -> Result<&ObproxyCluster, ApiError> {
    store.obproxy.clusters.get(&id).ok_or_else(|| {
        ApiError::not_found(
            "OBPROXY_CLUSTER",
            format!("OBProxy cluster not found: id={id}"),
        )
    })
}

fn cluster_mut(store: &mut Store, id: i64) -> Result<&mut ObproxyCluster, ApiError> {
    store.obproxy.clusters.get_mut(&id).ok_or_else(|| {
        ApiError::not_found(
            "OBPROXY_CLUSTER",
            format!("OBProxy cluster not found: id={id}"),
        )
    })
}

/// The package version of `name`, or 400 on `field`.
fn check_version(field: &str, name: &str) -> Result<&'static str, ApiError> {
    OBPROXY_PACKAGES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            invalid(
                field,
                format!(
                    "OBProxy package {name:?} not found; known packages: {}",
                    OBPROXY_PACKAGES.map(|(n, _)| n).join(", ")
                ),
            )
        })
}

fn check_port(field: &str, port: i64) -> Result<i64, ApiError> {
    if (1025..=65535).contains(&port) {
        Ok(port)
    } else {
        Err(invalid(field, format!("port {port} is not in 1025..65535")))
    }
}

fn req_port(obj: &Map<String, Value>, prefix: &str, keys: &[&str]) -> Result<i64, ApiError> {
    let field = infra::field(prefix, keys[0]);
    for k in keys {
        if let Some(p) = rules::opt_int(obj, prefix, k)? {
            return check_port(&infra::field(prefix, k), p);
        }
    }
    Err(required(&field))
}

/// Host ids at `prefix.hostIds`: each exists, is `ONLINE`, listed once, runs nothing.
fn parse_hosts(
    store: &Store,
    obj: &Map<String, Value>,
    prefix: &str,
) -> Result<Vec<i64>, ApiError> {
    let list = infra::req_array(obj, prefix, "hostIds", "host id")?;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (j, v) in list.iter().enumerate() {
        let f = format!("{}[{j}]", infra::field(prefix, "hostIds"));
        let id = v
            .as_i64()
            .ok_or_else(|| invalid(&f, "a host id (integer) is expected"))?;
        let h = store
            .hosts
            .get(&id)
            .ok_or_else(|| invalid(&f, format!("host {id} does not exist")))?;
        if !seen.insert(id) {
            return Err(invalid(
                &f,
                format!("host {} is listed twice", infra::host_label(h)),
            ));
        }
        if let Some(s) = store.server_on_host(id) {
            let cname = store
                .clusters
                .get(&s.cluster_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            return Err(invalid(
                &f,
                format!(
                    "host {} is already used by OB cluster {cname} (OBServer {})",
                    infra::host_label(h),
                    s.id
                ),
            ));
        }
        if let Some((c, p)) = store.obproxy.proxy_on_host(id) {
            return Err(invalid(
                &f,
                format!(
                    "host {} is already used by OBProxy cluster {} (OBProxy {})",
                    infra::host_label(h),
                    c.name,
                    p.id
                ),
            ));
        }
        if h.status != HOST_ONLINE {
            return Err(invalid(
                &f,
                format!(
                    "host {} is {}; only {HOST_ONLINE} hosts can run OBProxies",
                    infra::host_label(h),
                    h.status
                ),
            ));
        }
        out.push(id);
    }
    Ok(out)
}

/// What an install (create or batchAdd) asks for.
struct Install {
    hosts: Vec<i64>,
    sql_port: i64,
    exporter_port: i64,
    rpc_port: Option<i64>,
    version: &'static str,
}

fn parse_install(
    store: &Store,
    obj: &Map<String, Value>,
    prefix: &str,
) -> Result<Install, ApiError> {
    let hosts = parse_hosts(store, obj, prefix)?;
    let sql_port = req_port(obj, prefix, &["sqlPort"])?;
    let exporter_port = req_port(obj, prefix, &["exporterPort", "exportPort"])?;
    let rpc_port = rules::opt_int(obj, prefix, "rpcPort")?
        .map(|p| check_port(&infra::field(prefix, "rpcPort"), p))
        .transpose()?;
    let mut ports = vec![sql_port, exporter_port];
    ports.extend(rpc_port);
    if ports.iter().collect::<BTreeSet<_>>().len() != ports.len() {
        return Err(invalid(
            &infra::field(prefix, "exporterPort"),
            "the SQL, exporter and RPC ports must differ",
        ));
    }
    let name = rules::req_str(obj, prefix, "version")?;
    let version = check_version(&infra::field(prefix, "version"), &name)?;
    Ok(Install {
        hosts,
        sql_port,
        exporter_port,
        rpc_port,
        version,
    })
}

/// The links of `list` (at `prefix`, e.g. `obLinks`), each naming an existing OB cluster.
fn parse_links(store: &Store, list: &[Value], prefix: &str) -> Result<Vec<ObLink>, ApiError> {
    let mut out: Vec<ObLink> = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let p = format!("{prefix}[{i}]");
        let obj = rules::object(v, &p)?;
        let name = rules::req_str(obj, &p, "clusterName")?;
        let username = rules::req_str(obj, &p, "username")?;
        let c = store
            .clusters
            .values()
            .find(|c| c.name == name)
            .ok_or_else(|| {
                invalid(
                    &format!("{p}.clusterName"),
                    format!("OB cluster {name:?} does not exist"),
                )
            })?;
        if let Some(id) = rules::opt_int(obj, &p, "obClusterId")? {
            if id != c.ob_cluster_id {
                return Err(invalid(
                    &format!("{p}.obClusterId"),
                    format!(
                        "OB cluster {name:?} has obClusterId {}, not {id}",
                        c.ob_cluster_id
                    ),
                ));
            }
        }
        if out.iter().any(|l| l.cluster_name == name) {
            return Err(invalid(
                &format!("{p}.clusterName"),
                format!("OB cluster {name:?} is listed twice"),
            ));
        }
        out.push(ObLink {
            cluster_name: name,
            ob_cluster_id: c.ob_cluster_id,
            username,
        });
    }
    Ok(out)
}

/// Parameters `[{name, value}]` at `prefix`: known names, booleans normalised.
fn parse_parameters(list: &[Value], prefix: &str) -> Result<Vec<(String, String)>, ApiError> {
    let mut out = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let p = format!("{prefix}[{i}]");
        let obj = rules::object(v, &p)?;
        let name = rules::req_str(obj, &p, "name")?;
        let value = match obj.get("value") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            _ => return Err(required(&format!("{p}.value"))),
        };
        let Some((_, _, boolean, _)) = PARAMETERS.iter().find(|(n, ..)| *n == name) else {
            return Err(invalid(
                &format!("{p}.name"),
                format!("unknown OBProxy parameter {name:?}"),
            ));
        };
        let value = if *boolean {
            match value.trim().to_ascii_lowercase().as_str() {
                b @ ("true" | "false") => b.to_string(),
                _ => {
                    return Err(invalid(
                        &format!("{p}.value"),
                        format!("{name} takes true or false, got {value:?}"),
                    ))
                }
            }
        } else if value.trim().is_empty() {
            return Err(invalid(&format!("{p}.value"), "a value is required"));
        } else {
            value.trim().to_string()
        };
        out.push((name, value));
    }
    Ok(out)
}

fn host_ip(store: &Store, host_id: i64) -> Option<String> {
    store.hosts.get(&host_id).map(|h| h.inner_ip.clone())
}

/// An OBProxy as OCP reports it (`obproxies[]`, inferred shape).
fn proxy_json(store: &Store, p: &Obproxy) -> Value {
    json!({
        "id": p.id,
        "hostId": p.host_id,
        "ip": host_ip(store, p.host_id),
        "sqlPort": p.sql_port,
        "exporterPort": p.exporter_port,
        "rpcPort": p.rpc_port,
        "version": p.version,
        "status": p.status,
    })
}

/// An obproxyCluster item (documented fields, and `status`, `workMode`, `obproxies`, inferred).
pub fn cluster_json(store: &Store, c: &ObproxyCluster) -> Value {
    let mut versions: Vec<(String, usize)> = Vec::new();
    for p in &c.proxies {
        match versions.iter_mut().find(|(v, _)| *v == p.version) {
            Some((_, n)) => *n += 1,
            None => versions.push((p.version.clone(), 1)),
        }
    }
    json!({
        "id": c.id,
        "name": c.name,
        "status": c.status,
        "workMode": c.work_mode,
        "parameterVersion": c.parameter_version,
        "creatorId": 1,
        "creatorName": store.creator,
        "createTime": util::iso(c.create_time),
        "updateTime": util::iso(c.update_time),
        "configUrl": format!("{}/services?Action=GetObProxyConfig", store.ocp_address),
        "address": c.address,
        "port": c.port,
        "obLinks": c.links.iter().map(|l| json!({
            "clusterName": l.cluster_name,
            "obClusterId": l.ob_cluster_id,
            "username": l.username,
        })).collect::<Vec<_>>(),
        "versions": versions.iter().map(|(v, n)| json!({"version": v, "count": n})).collect::<Vec<_>>(),
        "obproxies": c.proxies.iter().map(|p| proxy_json(store, p)).collect::<Vec<_>>(),
    })
}

fn task(c: &ObproxyCluster, name: &str, subtasks: &[(&str, &str)]) -> TaskSpec {
    let mut spec = TaskSpec::new(name)
        .lock(lock(c.id))
        .string("service_type", "OB_PROXY")
        .string("service_name", &c.name)
        .string("obproxy_cluster_id", c.id)
        .prohibit_rollback(false);
    for (n, class) in subtasks {
        spec = spec.subtask(n, &format!("{PKG}.{class}"));
    }
    spec
}

fn ids_json(ids: &[i64]) -> Vec<Value> {
    ids.iter().map(|i| json!(i.to_string())).collect()
}

fn new_proxies(store: &mut Store, install: &Install) -> Vec<Obproxy> {
    install
        .hosts
        .iter()
        .map(|h| Obproxy {
            id: store.obproxy.next_proxy_id(),
            host_id: *h,
            sql_port: install.sql_port,
            exporter_port: install.exporter_port,
            rpc_port: install.rpc_port,
            version: install.version.to_string(),
            status: CREATING.into(),
        })
        .collect()
}

/// `GET /api/v2/obproxy/clusters`.
pub fn list_clusters(store: &Store, raw: Option<&str>) -> Reply {
    let q = Query::parse(raw);
    let name = q.get("name").map(String::from);
    let items: Vec<Value> = store
        .obproxy
        .clusters
        .values()
        .map(|c| cluster_json(store, c))
        .filter(|v| {
            name.as_deref()
                .is_none_or(|n| contains_ci(str_of(v, "name"), n))
        })
        .collect();
    Ok(Some(page_of(items, &q)?))
}

/// `GET /api/v2/obproxy/clusters/{id}`.
pub fn get_cluster(store: &Store, id: &str) -> Reply {
    let id = parse_id(id, "OBProxy cluster")?;
    Ok(Some(cluster_json(store, cluster(store, id)?)))
}

/// `POST /api/v2/obproxy/clusters` (async).
pub fn create_cluster(store: &mut Store, body: &[u8]) -> Reply {
    let body: Value = parse_body(body)?;
    let obj = rules::object(&body, "")?;
    let name = rules::req_str(obj, "", "name")?;
    infra::check_cluster_name("name", &name)?;
    let work_mode = rules::opt_str(obj, "", "workMode")?.unwrap_or_else(|| "CONFIG_URL".into());
    if !WORK_MODES.contains(&work_mode.as_str()) {
        return Err(invalid(
            "workMode",
            format!("{work_mode:?} is not one of {}", WORK_MODES.join(", ")),
        ));
    }
    let install = match obj.get("obproxyInstallParam") {
        Some(v @ Value::Object(_)) => parse_install(
            store,
            rules::object(v, "obproxyInstallParam")?,
            "obproxyInstallParam",
        )?,
        _ => return Err(required("obproxyInstallParam")),
    };
    let links = infra::req_array(obj, "", "obLinks", "OceanBase cluster")?;
    let links = parse_links(store, links, "obLinks")?;
    if work_mode == "RS_LIST" && links.len() != 1 {
        return Err(invalid(
            "obLinks",
            "RS_LIST mode takes exactly one connectable OceanBase cluster",
        ));
    }
    let params = match infra::opt_array(obj, "", "parameters")? {
        Some(l) => parse_parameters(l, "parameters")?,
        None => Vec::new(),
    };
    if let Some(l) = infra::opt_array(obj, "", "startupParameters")? {
        parse_parameters(l, "startupParameters")?;
    }
    let address = rules::opt_str(obj, "", "address")?;
    let port = rules::opt_int(obj, "", "port")?;
    let password = rules::opt_str(obj, "", "password")?;
    let proxyro_password = rules::opt_str(obj, "", "proxyroPassword")?;
    if store.obproxy.clusters.values().any(|c| c.name == name) {
        return Err(ApiError::duplicate(format!(
            "OBProxy cluster name already exists: {name}"
        )));
    }
    let id = store.obproxy.next_cluster_id();
    let now = store.now();
    let proxies = new_proxies(store, &install);
    let c = ObproxyCluster {
        id,
        name,
        status: CREATING.into(),
        work_mode,
        address,
        port,
        proxies,
        links,
        parameters: params.into_iter().collect(),
        parameter_version: 1,
        password,
        proxyro_password,
        create_time: now,
        update_time: now,
    };
    let spec = task(
        &c,
        "Create obproxy cluster",
        &[
            ("Check hosts", "CheckObproxyHostTask"),
            ("Install obproxy package", "InstallObproxyPackageTask"),
            ("Start obproxy", "StartObproxyTask"),
            ("Register obproxy cluster", "RegisterObproxyClusterTask"),
        ],
    )
    .list("host_ids", ids_json(&install.hosts))
    .string("package_version", install.version)
    .effect(ObproxyEffect::Create { cluster_id: id });
    store.obproxy.clusters.insert(id, c);
    match store.submit_task(spec) {
        Ok(t) => Ok(Some(store.task_detail(t)?)),
        Err(e) => {
            store.obproxy.clusters.remove(&id);
            Err(e)
        }
    }
}

/// `DELETE /api/v2/obproxy/clusters/{id}` (async).
pub fn delete_cluster(store: &mut Store, id: &str) -> Reply {
    let id = parse_id(id, "OBProxy cluster")?;
    let c = cluster(store, id)?.clone();
    store.ensure_not_busy(&[lock(id)])?;
    if ![RUNNING, FAILED].contains(&c.status.as_str()) {
        return Err(ApiError::illegal_state(format!(
            "cannot delete OBProxy cluster {} in status {}",
            c.name, c.status
        )));
    }
    let hosts: Vec<i64> = c.proxies.iter().map(|p| p.host_id).collect();
    let spec = task(
        &c,
        "Delete obproxy cluster",
        &[
            ("Stop obproxy", "StopObproxyTask"),
            ("Uninstall obproxy package", "UninstallObproxyPackageTask"),
            (
                "Delete obproxy cluster metadata",
                "DeleteObproxyMetaInfoTask",
            ),
        ],
    )
    .list("host_ids", ids_json(&hosts))
    .effect(ObproxyEffect::Delete {
        cluster_id: id,
        former: c.status.clone(),
    });
    let t = store.submit_task(spec)?;
    Ok(Some(store.task_detail(t)?))
}

fn ensure_running(store: &Store, id: i64) -> Result<ObproxyCluster, ApiError> {
    let c = cluster(store, id)?.clone();
    store.ensure_not_busy(&[lock(id)])?;
    if c.status != RUNNING {
        return Err(ApiError::illegal_state(format!(
            "OBProxy cluster {} is {}, not {RUNNING}",
            c.name, c.status
        )));
    }
    Ok(c)
}

/// `POST /api/v2/obproxy/clusters/{id}/obproxies/batchAdd` (async).
pub fn add_proxies(store: &mut Store, id: &str, body: &[u8]) -> Reply {
    let id = parse_id(id, "OBProxy cluster")?;
    let c = ensure_running(store, id)?;
    let body: Value = parse_body(body)?;
    let install = parse_install(store, rules::object(&body, "")?, "")?;
    let proxies = new_proxies(store, &install);
    let ids: Vec<i64> = proxies.iter().map(|p| p.id).collect();
    let spec = task(
        &c,
        "Add obproxy",
        &[
            ("Check hosts", "CheckObproxyHostTask"),
            ("Install obproxy package", "InstallObproxyPackageTask"),
            ("Start obproxy", "StartObproxyTask"),
        ],
    )
    .list("host_ids", ids_json(&install.hosts))
    .list("obproxy_server_ids", ids_json(&ids))
    .effect(ObproxyEffect::AddProxies {
        cluster_id: id,
        proxies: ids.clone(),
    });
    cluster_mut(store, id)?.proxies.extend(proxies);
    match store.submit_task(spec) {
        Ok(t) => Ok(Some(json!({ "contents": [store.task_detail(t)?] }))),
        Err(e) => {
            cluster_mut(store, id)?
                .proxies
                .retain(|p| !ids.contains(&p.id));
            Err(e)
        }
    }
}

/// `POST /api/v2/obproxy/clusters/{id}/servers/delete` (async).
pub fn delete_proxies(store: &mut Store, id: &str, body: &[u8]) -> Reply {
    let id = parse_id(id, "OBProxy cluster")?;
    let c = ensure_running(store, id)?;
    let body: Value = parse_body(body)?;
    let obj = rules::object(&body, "")?;
    let list = infra::req_array(obj, "", "obproxyServerIds", "OBProxy id")?;
    let mut ids = Vec::new();
    for (j, v) in list.iter().enumerate() {
        let f = format!("obproxyServerIds[{j}]");
        let pid = v
            .as_i64()
            .ok_or_else(|| invalid(&f, "an OBProxy id (integer) is expected"))?;
        if !c.proxies.iter().any(|p| p.id == pid) {
            return Err(invalid(
                &f,
                format!("OBProxy {pid} is not in OBProxy cluster {}", c.name),
            ));
        }
        ids.push(pid);
    }
    if c.proxies.iter().all(|p| ids.contains(&p.id)) {
        return Err(ApiError::illegal_state(format!(
            "cannot delete every OBProxy of OBProxy cluster {}; delete the cluster instead",
            c.name
        )));
    }
    let spec = task(
        &c,
        "Delete obproxy server",
        &[
            ("Stop obproxy", "StopObproxyTask"),
            ("Uninstall obproxy package", "UninstallObproxyPackageTask"),
        ],
    )
    .list("obproxy_server_ids", ids_json(&ids))
    .effect(ObproxyEffect::DeleteProxies {
        cluster_id: id,
        proxies: ids,
    });
    let t = store.submit_task(spec)?;
    Ok(Some(store.task_detail(t)?))
}

/// `POST /api/v2/obproxy/clusters/{id}/obLinks/batchAdd` (sync).
pub fn add_links(store: &mut Store, id: &str, body: &[u8]) -> Reply {
    let id = parse_id(id, "OBProxy cluster")?;
    let c = ensure_running(store, id)?;
    let body: Value = parse_body(body)?;
    let (list, prefix) = match &body {
        Value::Array(a) => (a.as_slice(), ""),
        Value::Object(o) => match o.get("obLinks") {
            Some(Value::Array(a)) => (a.as_slice(), "obLinks"),
            _ => return Err(required("obLinks")),
        },
        _ => {
            return Err(ApiError::bad_request(
                "invalid request body: an array of obLinks is expected",
            ))
        }
    };
    if list.is_empty() {
        return Err(required("obLinks"));
    }
    let links = parse_links(store, list, prefix)?;
    for (i, l) in links.iter().enumerate() {
        if c.links.iter().any(|x| x.cluster_name == l.cluster_name) {
            return Err(invalid(
                &format!("{}[{i}].clusterName", prefix),
                format!("OB cluster {} is already connectable", l.cluster_name),
            ));
        }
    }
    if c.work_mode == "RS_LIST" && c.links.len() + links.len() > 1 {
        return Err(invalid(
            prefix,
            "RS_LIST mode takes exactly one connectable OceanBase cluster",
        ));
    }
    let now = store.now();
    let c = cluster_mut(store, id)?;
    c.links.extend(links);
    c.update_time = now;
    Ok(None)
}

/// `DELETE /api/v2/obproxy/clusters/{id}/obLinks/{obClusterName}` (sync).
pub fn delete_link(store: &mut Store, id: &str, name: &str) -> Reply {
    let id = parse_id(id, "OBProxy cluster")?;
    let c = ensure_running(store, id)?;
    if !c.links.iter().any(|l| l.cluster_name == name) {
        return Err(ApiError::not_found(
            "OBPROXY_OB_LINK",
            format!(
                "OB cluster {name} is not connectable through OBProxy cluster {}",
                c.name
            ),
        ));
    }
    if c.links.len() == 1 {
        return Err(ApiError::illegal_state(format!(
            "cannot remove the last connectable OceanBase cluster of OBProxy cluster {}",
            c.name
        )));
    }
    let now = store.now();
    let c = cluster_mut(store, id)?;
    c.links.retain(|l| l.cluster_name != name);
    c.update_time = now;
    Ok(None)
}

fn parameter_rows(c: Option<&ObproxyCluster>) -> Vec<Value> {
    PARAMETERS
        .iter()
        .map(|(name, default, _, description)| {
            let value = c
                .and_then(|c| c.parameters.get(*name).cloned())
                .unwrap_or_else(|| default.to_string());
            json!({
                "name": name,
                "value": value,
                "defaultValue": default,
                "needReboot": false,
                "description": description,
            })
        })
        .collect()
}

/// `GET /api/v2/obproxy/clusters/{id}/parameters`.
pub fn list_parameters(store: &Store, id: &str, raw: Option<&str>) -> Reply {
    let id = parse_id(id, "OBProxy cluster")?;
    let c = cluster(store, id)?;
    Ok(Some(page_of(parameter_rows(Some(c)), &Query::parse(raw))?))
}

/// `GET /api/v2/obproxy/parameterInfo` (inferred path).
pub fn parameter_info(raw: Option<&str>) -> Reply {
    Ok(Some(page_of(parameter_rows(None), &Query::parse(raw))?))
}

/// `PUT /api/v2/obproxy/clusters/{id}/parameters` (sync; inferred).
pub fn update_parameters(store: &mut Store, id: &str, body: &[u8]) -> Reply {
    let id = parse_id(id, "OBProxy cluster")?;
    ensure_running(store, id)?;
    let body: Value = parse_body(body)?;
    let list = rules::array(&body, "parameter")?;
    let params = parse_parameters(list, "")?;
    let now = store.now();
    let c = cluster_mut(store, id)?;
    for (name, value) in params {
        let default = PARAMETERS.iter().find(|(n, ..)| *n == name).map(|p| p.1);
        if default == Some(value.as_str()) {
            c.parameters.remove(&name);
        } else {
            c.parameters.insert(name, value);
        }
    }
    c.parameter_version += 1;
    c.update_time = now;
    Ok(None)
}

fn set_status(s: &mut Store, cid: i64, status: &str, proxies: Option<&[i64]>) {
    if let Some(c) = s.obproxy.clusters.get_mut(&cid) {
        match proxies {
            None => {
                c.status = status.to_string();
                c.proxies
                    .iter_mut()
                    .for_each(|p| p.status = status.to_string());
            }
            Some(ids) => c
                .proxies
                .iter_mut()
                .filter(|p| ids.contains(&p.id))
                .for_each(|p| p.status = status.to_string()),
        }
    }
}

impl ObproxyEffect {
    /// Apply the effect at the moment `kind`.
    pub fn run(&self, kind: HookKind, s: &mut Store) {
        use HookKind::*;
        match (self, kind) {
            (ObproxyEffect::Create { cluster_id }, Start) => {
                set_status(s, *cluster_id, CREATING, None)
            }
            (ObproxyEffect::Create { cluster_id }, Success) => {
                set_status(s, *cluster_id, RUNNING, None)
            }
            (ObproxyEffect::Create { cluster_id }, Failure) => {
                set_status(s, *cluster_id, FAILED, None)
            }
            (ObproxyEffect::Create { cluster_id }, Rollback)
            | (ObproxyEffect::Delete { cluster_id, .. }, Success) => {
                s.obproxy.clusters.remove(cluster_id);
            }
            (ObproxyEffect::Delete { cluster_id, .. }, Start) => {
                set_status(s, *cluster_id, DELETING, None)
            }
            (ObproxyEffect::Delete { cluster_id, former }, Failure | Rollback) => {
                set_status(s, *cluster_id, former, None)
            }
            (
                ObproxyEffect::AddProxies {
                    cluster_id,
                    proxies,
                },
                Start,
            ) => set_status(s, *cluster_id, CREATING, Some(proxies)),
            (
                ObproxyEffect::AddProxies {
                    cluster_id,
                    proxies,
                },
                Success,
            ) => set_status(s, *cluster_id, RUNNING, Some(proxies)),
            (
                ObproxyEffect::AddProxies {
                    cluster_id,
                    proxies,
                },
                Failure,
            ) => set_status(s, *cluster_id, FAILED, Some(proxies)),
            (
                ObproxyEffect::AddProxies {
                    cluster_id,
                    proxies,
                },
                Rollback,
            )
            | (
                ObproxyEffect::DeleteProxies {
                    cluster_id,
                    proxies,
                },
                Success,
            ) => {
                if let Some(c) = s.obproxy.clusters.get_mut(cluster_id) {
                    c.proxies.retain(|p| !proxies.contains(&p.id));
                }
            }
            (
                ObproxyEffect::DeleteProxies {
                    cluster_id,
                    proxies,
                },
                Start,
            ) => set_status(s, *cluster_id, DELETING, Some(proxies)),
            (
                ObproxyEffect::DeleteProxies {
                    cluster_id,
                    proxies,
                },
                Failure | Rollback,
            ) => set_status(s, *cluster_id, RUNNING, Some(proxies)),
        }
        s.dirty = true;
    }
}
