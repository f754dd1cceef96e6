//! Infrastructure writes: rules, models and shared helpers for regions, IDCs, host types, SSH
//! credentials, hosts (§3.7) and the OB cluster topology — create/delete cluster (§3.1), add/delete
//! zone (§3.2, §5 #12), add/batch-delete OBServers (§3.3). The HTTP handlers live in
//! [`super::compute`] and [`super::topology`].
//!
//! Every body check answers 400 `ILLEGAL_ARGUMENT` with a message that starts by naming the
//! field (`invalid zones[1].servers[0]: ...`, `idcId is required`), like [`crate::domain::rules`].
//! Passwords and passphrases are never echoed.
//!
//! | Rule | Source |
//! |---|---|
//! | region and IDC names: 1..=64 characters, letters, digits, `_`, `-`, `.`, starting with a letter or digit | **our decision** (samples `cn-hangzhou`, `test-idc`, `shanghai`, §4.6) |
//! | host type names: 1..=64 characters, letters, digits, `_`, `.`; **no hyphen** | C-inst comment (§3.7: "hyphens not allowed"), the rest our decision |
//! | duplicate region / IDC / host type / credential / cluster names → 400 `DUPLICATE_NAME`, compared case-insensitively | §5 #20; case rule our decision |
//! | no modify calls for regions, IDCs, host types: the OCP index (S0) lists only query, detail, add and delete, so `PUT`/`PATCH` answer 405 and clients replace on change | S0 |
//! | cluster name: starts with a letter, then letters, digits, `_`, `-`; 1..=64 | **our decision** (the seeded `demo-cluster`) |
//! | zone name: the tenant-name rule (letter, then letters, digits, `_`; 1..=64) | **our decision** (`zone1`, §1.5) |
//! | `rpmName`: the exact name of a package of the catalogue [`OB_PACKAGES`] | **our decision** (OCP deploys only uploaded packages; §3.1 only gives `oceanbase-2.2.76-...el7.x86_64.rpm`) |
//! | root@sys `password`: the tenant root-password rule ([`crate::domain::rules::check_password`]) | §1.5 |
//! | host IPs: IPv4 without leading zeros, unique among hosts (400 `DUPLICATE_NAME`, the IP is the host's identity) | **our decision** |
//! | host `status`: `NEW` (agent being installed by the batchCreate task), `ONLINE` (ready) | OCP "Query hosts" page (D, values NEW/AVAILABLE/ONLINE/OFFLINE/DELETING), not in the reference |
//! | a host runs at most one OBServer; only `ONLINE` hosts of the zone's IDC with the package's architecture can be deployed | **our decision** |
//!
//! Topology statuses (our decisions; §5 #13 lists `CREATING, RUNNING, STOPPED, DELETING,
//! FAILED`): a cluster, zone or OBServer being deployed is `CREATING`, `RUNNING` on success and
//! `FAILED` when the task fails (retry → `CREATING` again, rollback removes it). One being
//! removed is `DELETING`; a failed or rolled back removal restores the former statuses.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::domain::rules::{self as rules, invalid, required};
use crate::envelope::ApiError;
use crate::paging::Query;
use crate::state::{Host, IdKind, Idc, Server, Store};
use crate::util;

pub use crate::state::{Credential, CLASSIC_VPC};

/// Longest accepted region, IDC, host type, credential, cluster and zone name (our decision).
pub const NAME_MAX: usize = 64;
/// Host status while the batchCreate task installs the OCP agent (D "Query hosts").
pub const HOST_NEW: &str = "NEW";
/// Host status once it is ready to run services (D "Query hosts").
pub const HOST_ONLINE: &str = "ONLINE";
/// Host status while a `Delete host` cleanup task runs (inferred, like the other transitional
/// statuses of §2.5).
pub const HOST_DELETING: &str = "DELETING";
/// Host kinds accepted by batchCreate (§3.7).
pub const HOST_KINDS: [&str; 2] = ["DEDICATED_PHYSICAL_MACHINE", "DEDICATED_CONTAINER"];
/// Credential target types accepted by `POST /api/v2/profiles/me/credentials` (§3.7).
pub const TARGET_TYPES: [&str; 1] = ["HOST"];
/// SSH credential kinds (§3.7 shows `PASSWORD` only).
pub const SSH_TYPES: [&str; 1] = ["PASSWORD"];
/// Service types of the host list filters `includedServiceType` / `excludedServiceType` (D).
pub const SERVICE_TYPES: [&str; 7] = [
    "OB_CLUSTER",
    "OB_PROXY",
    "OCP_AGENT",
    "BACKUP_AGENT",
    "RESTORE_AGENT",
    "BACKUP_RESTORE_AGENT",
    "OMS",
];

/// Status of a cluster, zone or OBServer being deployed.
pub const CREATING: &str = "CREATING";
/// Status of a cluster, zone or OBServer being removed.
pub const DELETING: &str = "DELETING";
/// Status of a cluster, zone or OBServer whose deployment task failed.
pub const FAILED: &str = "FAILED";
/// Stable status.
pub const RUNNING: &str = "RUNNING";

/// OBServer statuses that never hold units (deploying, removing, failed deployment): the tenant
/// planner places no unit there.
pub fn is_unplaceable_server_status(status: &str) -> bool {
    matches!(status, CREATING | DELETING | FAILED)
}

// ---------------------------------------------------------------------------------------------
// Credentials

/// Credential item (sim shape around the §3.7 create body; the passphrase is never included).
pub fn credential_json(c: &Credential) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "description": c.description,
        "targetType": c.target_type,
        "sshCredentialProperty": {
            "type": c.ssh_type,
            "username": c.username,
            "hostIdList": c.host_ids,
        },
        "createTime": util::iso(c.create_time),
        "updateTime": util::iso(c.update_time),
    })
}

// ---------------------------------------------------------------------------------------------
// OceanBase package catalogue

/// An OceanBase server package OCP can deploy (our fixed catalogue, see [`OB_PACKAGES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObPackage {
    /// Package id (fixed, 1014001..).
    pub id: i64,
    /// Four-digit OceanBase version.
    pub version: &'static str,
    /// Build number.
    pub build: &'static str,
    /// Operating system tag of the rpm (`el7`).
    pub operating_system: &'static str,
    /// CPU architecture.
    pub architecture: &'static str,
}

impl ObPackage {
    /// rpm file name, e.g. `oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm`.
    pub fn name(&self) -> String {
        format!(
            "oceanbase-{}-{}.{}.{}.rpm",
            self.version, self.build, self.operating_system, self.architecture
        )
    }

    /// `version-build`, the cluster's `fullVersion`.
    pub fn full_version(&self) -> String {
        format!("{}-{}", self.version, self.build)
    }
}

/// The OceanBase packages known to the simulator (**our decision**: three 4.x versions; the
/// 4.2.1.0 build is the seeded demo cluster's, the 4.3.3.0 build is the §3.1 `fullVersion`
/// sample). Listed by `GET /api/v2/software-packages`.
pub const OB_PACKAGES: [ObPackage; 3] = [
    ObPackage {
        id: 1_014_001,
        version: "4.2.1.0",
        build: "100000102023092807",
        operating_system: "el7",
        architecture: "x86_64",
    },
    ObPackage {
        id: 1_014_002,
        version: "4.2.2.0",
        build: "100000192024011915",
        operating_system: "el7",
        architecture: "x86_64",
    },
    ObPackage {
        id: 1_014_003,
        version: "4.3.3.0",
        build: "200000142024073011",
        operating_system: "el7",
        architecture: "x86_64",
    },
];

/// Package type of OceanBase server packages (D "Query software packages").
pub const OB_PACKAGE_TYPE: &str = "OB_SERVER_INSTALL_PACKAGE";

/// Catalogue package by rpm name.
pub fn package_by_name(name: &str) -> Option<&'static ObPackage> {
    OB_PACKAGES.iter().find(|p| p.name() == name)
}

/// Software package item (sim shape; the D page names the filters, not every field).
pub fn package_json(p: &ObPackage) -> Value {
    json!({
        "id": p.id,
        "name": p.name(),
        "type": OB_PACKAGE_TYPE,
        "version": p.version,
        "buildNumber": p.build,
        "fullVersion": p.full_version(),
        "operatingSystem": p.operating_system,
        "architecture": p.architecture,
        "createTime": util::iso(util::local_ms(2025, 1, 6, 9, 0, 0)),
    })
}

/// 400 naming `rpmName` (or `field`) for an unknown package.
pub fn check_package(field: &str, name: &str) -> Result<&'static ObPackage, ApiError> {
    package_by_name(name).ok_or_else(|| {
        let known: Vec<String> = OB_PACKAGES.iter().map(ObPackage::name).collect();
        invalid(
            field,
            format!(
                "unknown OceanBase package {name:?} (known: {})",
                known.join(", ")
            ),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Names and body helpers

fn check_chars(
    field: &str,
    name: &str,
    first: fn(char) -> bool,
    rest: fn(char) -> bool,
    rule: &str,
) -> Result<(), ApiError> {
    let n = name.chars().count();
    if n == 0 {
        return Err(required(field));
    }
    if n > NAME_MAX {
        return Err(invalid(
            field,
            format!("{n} characters, at most {NAME_MAX} are allowed"),
        ));
    }
    let ok = name.chars().next().is_some_and(first) && name.chars().all(rest);
    if ok {
        Ok(())
    } else {
        Err(invalid(field, format!("{name:?} {rule}")))
    }
}

/// Region / IDC name rule (our decision).
pub fn check_location_name(field: &str, name: &str) -> Result<(), ApiError> {
    check_chars(
        field,
        name,
        |c| c.is_ascii_alphanumeric(),
        |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'),
        "must start with a letter or digit and contain only letters, digits, _, - and .",
    )
}

/// Host type name rule: no hyphens (C-inst), otherwise like [`check_location_name`].
pub fn check_host_type_name(field: &str, name: &str) -> Result<(), ApiError> {
    if name.contains('-') {
        return Err(invalid(
            field,
            format!("{name:?} contains a hyphen, which host type names may not contain"),
        ));
    }
    check_chars(
        field,
        name,
        |c| c.is_ascii_alphanumeric(),
        |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.'),
        "must start with a letter or digit and contain only letters, digits, _ and .",
    )
}

/// Cluster name rule (our decision).
pub fn check_cluster_name(field: &str, name: &str) -> Result<(), ApiError> {
    check_chars(
        field,
        name,
        |c| c.is_ascii_alphabetic(),
        |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'),
        "must start with a letter and contain only letters, digits, _ and -",
    )
}

/// Credential name rule (our decision): 1..=64 characters, no control characters.
pub fn check_credential_name(field: &str, name: &str) -> Result<(), ApiError> {
    check_chars(
        field,
        name,
        |c| !c.is_whitespace() && !c.is_control(),
        |c| !c.is_control(),
        "must not start with a space or contain control characters",
    )
}

/// Strict IPv4 (four decimal octets 0..=255, no leading zeros).
pub fn check_ipv4(field: &str, ip: &str) -> Result<(), ApiError> {
    let parts: Vec<&str> = ip.split('.').collect();
    let ok = parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && (*p == "0" || !p.starts_with('0'))
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        });
    if ok {
        Ok(())
    } else {
        Err(invalid(field, format!("{ip:?} is not an IPv4 address")))
    }
}

/// `prefix.key`, or `key` when `prefix` is empty.
pub fn field(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Required integer member.
pub fn req_int(obj: &Map<String, Value>, prefix: &str, key: &str) -> Result<i64, ApiError> {
    rules::opt_int(obj, prefix, key)?.ok_or_else(|| required(&field(prefix, key)))
}

/// Optional array member (`null` and absent are `None`).
pub fn opt_array<'a>(
    obj: &'a Map<String, Value>,
    prefix: &str,
    key: &str,
) -> Result<Option<&'a Vec<Value>>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(_) => Err(invalid(&field(prefix, key), "a JSON array is expected")),
    }
}

/// Required, non-empty array member.
pub fn req_array<'a>(
    obj: &'a Map<String, Value>,
    prefix: &str,
    key: &str,
    what: &str,
) -> Result<&'a Vec<Value>, ApiError> {
    match opt_array(obj, prefix, key)? {
        None => Err(required(&field(prefix, key))),
        Some(a) if a.is_empty() => Err(invalid(
            &field(prefix, key),
            format!("at least one {what} is required"),
        )),
        Some(a) => Ok(a),
    }
}

/// `startupParameters[{name*, value*}]` (§3.1, §3.2, §3.3): names unique; values strings,
/// numbers or booleans (stored as text). Returns `(name, value)` pairs.
pub fn parse_startup_parameters(
    obj: &Map<String, Value>,
    prefix: &str,
) -> Result<Vec<(String, String)>, ApiError> {
    let Some(list) = opt_array(obj, prefix, "startupParameters")? else {
        return Ok(Vec::new());
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let p = format!("{}[{i}]", field(prefix, "startupParameters"));
        let o = rules::object(v, &p)?;
        let name = rules::req_str(o, &p, "name")?;
        let value = match o.get("value") {
            None | Some(Value::Null) => return Err(required(&format!("{p}.value"))),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(_) => {
                return Err(invalid(
                    &format!("{p}.value"),
                    "a string, number or boolean is expected",
                ))
            }
        };
        if out.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            return Err(invalid(
                &format!("{p}.name"),
                format!("parameter {name} is listed twice"),
            ));
        }
        out.push((name, value));
    }
    Ok(out)
}

/// `name (id)` of a host for messages, e.g. `172.16.0.14 (id 1003004)`.
pub fn host_label(h: &Host) -> String {
    format!("{} (id {})", h.inner_ip, h.id)
}

/// IDC by exact name.
pub fn idc_by_name<'a>(store: &'a Store, name: &str) -> Option<&'a Idc> {
    store.idcs.values().find(|i| i.name == name)
}

/// IDC named by `field` or 400 listing the known IDCs.
pub fn check_idc_name<'a>(store: &'a Store, f: &str, name: &str) -> Result<&'a Idc, ApiError> {
    idc_by_name(store, name).ok_or_else(|| {
        let known: Vec<&str> = store.idcs.values().map(|i| i.name.as_str()).collect();
        invalid(
            f,
            format!("IDC {name:?} does not exist (known: {})", known.join(", ")),
        )
    })
}

/// Parse a list of host ids to deploy OBServers on (`servers`, §3.1-§3.3). Each entry must be an
/// existing `ONLINE` host of `idc` with the package architecture `arch`, not running an OBServer
/// and not listed twice in the request (`seen` spans the whole body).
pub fn parse_deploy_hosts(
    store: &Store,
    obj: &Map<String, Value>,
    prefix: &str,
    idc: &Idc,
    arch: &str,
    seen: &mut BTreeSet<i64>,
) -> Result<Vec<i64>, ApiError> {
    let list = req_array(obj, prefix, "servers", "host id")?;
    let mut out = Vec::new();
    for (j, v) in list.iter().enumerate() {
        let f = format!("{}[{j}]", field(prefix, "servers"));
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
                format!("host {} is listed twice", host_label(h)),
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
                    "host {} is already used by OB cluster {cname} (zone {}, OBServer {})",
                    host_label(h),
                    s.zone_name,
                    s.id
                ),
            ));
        }
        if let Some((c, p)) = store.obproxy.proxy_on_host(id) {
            return Err(invalid(
                &f,
                format!(
                    "host {} is already used by OBProxy cluster {} (OBProxy {})",
                    host_label(h),
                    c.name,
                    p.id
                ),
            ));
        }
        if h.status != HOST_ONLINE {
            return Err(invalid(
                &f,
                format!(
                    "host {} is {}; only {HOST_ONLINE} hosts can run OBServers",
                    host_label(h),
                    h.status
                ),
            ));
        }
        if h.idc_id != idc.id {
            let hidc = store
                .idcs
                .get(&h.idc_id)
                .map(|i| i.name.clone())
                .unwrap_or_default();
            return Err(invalid(
                &f,
                format!(
                    "host {} is in IDC {hidc}, not in the zone's IDC {}",
                    host_label(h),
                    idc.name
                ),
            ));
        }
        if h.architecture != arch {
            return Err(invalid(
                &f,
                format!(
                    "host {} is {}, the OceanBase package is {arch}",
                    host_label(h),
                    h.architecture
                ),
            ));
        }
        out.push(id);
    }
    Ok(out)
}

/// Create an OBServer on a host (ports 2881/2882, capacity [`Store::server_capacity`]).
pub fn new_server(
    store: &mut Store,
    cluster_id: i64,
    zone: &str,
    host_id: i64,
    status: &str,
) -> i64 {
    let id = store.next_id(IdKind::Server);
    let (cpu, mem) = store.server_capacity;
    let now = store.now();
    store.servers.insert(
        id,
        Server {
            id,
            cluster_id,
            zone_name: zone.to_string(),
            host_id,
            port: 2881,
            svr_port: 2882,
            status: status.to_string(),
            cpu_total: cpu,
            memory_total_gb: mem,
            create_time: now,
        },
    );
    id
}

/// Tenants (names, sorted) with units or capacity reservations on any of `server_ids`.
pub fn tenants_on_servers(store: &Store, server_ids: &[i64]) -> Vec<String> {
    let mut ids: BTreeSet<i64> = store
        .units
        .values()
        .filter(|u| server_ids.contains(&u.server_id))
        .map(|u| u.tenant_id)
        .collect();
    for (tid, res) in &store.reservations {
        if res.iter().any(|r| server_ids.contains(&r.server_id)) {
            ids.insert(*tid);
        }
    }
    let mut names: Vec<String> = ids
        .iter()
        .filter_map(|t| store.tenants.get(t).map(|t| t.name.clone()))
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------------------------
// Host list filters

/// Services a host runs, for `includedServiceType` / `excludedServiceType`: `OCP_AGENT` when
/// `ONLINE` (D: "the OCP-Agent service has been deployed"), `OB_CLUSTER` when an OBServer runs
/// on it.
pub fn host_services(store: &Store, h: &Host) -> Vec<&'static str> {
    let mut out = Vec::new();
    if h.status == HOST_ONLINE {
        out.push("OCP_AGENT");
    }
    if store.server_on_host(h.id).is_some() {
        out.push("OB_CLUSTER");
    }
    if store.obproxy.proxy_on_host(h.id).is_some() {
        out.push("OB_PROXY");
    }
    out
}

/// Filters of `GET /api/v2/compute/hosts`: `status`, `keyword`, `includedServiceType`,
/// `excludedServiceType` (OCP "Query hosts" page, D) and `idcId`, `typeId`, `used` (**sim**).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostFilter {
    idc_ids: Option<Vec<i64>>,
    type_ids: Option<Vec<i64>>,
    statuses: Option<Vec<String>>,
    keyword: Option<String>,
    used: Option<bool>,
    included: Option<Vec<String>>,
    excluded: Option<Vec<String>>,
}

fn id_list(q: &Query, key: &str) -> Result<Option<Vec<i64>>, ApiError> {
    q.list(key)
        .map(|l| {
            l.iter()
                .map(|v| {
                    v.parse::<i64>().map_err(|_| {
                        ApiError::bad_request(format!(
                            "invalid value for {key}: {v:?}, expected a number"
                        ))
                    })
                })
                .collect()
        })
        .transpose()
}

fn service_list(q: &Query, key: &str) -> Result<Option<Vec<String>>, ApiError> {
    let Some(l) = q.list(key) else {
        return Ok(None);
    };
    for v in &l {
        if !SERVICE_TYPES.iter().any(|s| s.eq_ignore_ascii_case(v)) {
            return Err(ApiError::bad_request(format!(
                "invalid value for {key}: {v:?} (valid: {})",
                SERVICE_TYPES.join(", ")
            )));
        }
    }
    Ok(Some(l))
}

impl HostFilter {
    /// Parse the filters (bad numbers, booleans or service types → 400).
    pub fn parse(q: &Query) -> Result<Self, ApiError> {
        Ok(HostFilter {
            idc_ids: id_list(q, "idcId")?,
            type_ids: id_list(q, "typeId")?,
            statuses: q.list("status"),
            keyword: q.get("keyword").map(str::to_lowercase),
            used: q.bool("used")?,
            included: service_list(q, "includedServiceType")?,
            excluded: service_list(q, "excludedServiceType")?,
        })
    }

    /// Whether `h` passes every given filter.
    pub fn matches(&self, store: &Store, h: &Host) -> bool {
        let server = store.server_on_host(h.id);
        let services = host_services(store, h);
        let has = |l: &Vec<String>| {
            services
                .iter()
                .any(|s| l.iter().any(|x| x.eq_ignore_ascii_case(s)))
        };
        self.idc_ids.as_ref().is_none_or(|l| l.contains(&h.idc_id))
            && self
                .type_ids
                .as_ref()
                .is_none_or(|l| l.contains(&h.type_id))
            && self
                .statuses
                .as_ref()
                .is_none_or(|l| l.iter().any(|s| s.eq_ignore_ascii_case(&h.status)))
            && self.used.is_none_or(|u| {
                u == (server.is_some() || store.obproxy.proxy_on_host(h.id).is_some())
            })
            && self.included.as_ref().is_none_or(has)
            && self.excluded.as_ref().is_none_or(|l| !has(l))
            && self.keyword.as_deref().is_none_or(|k| {
                let cluster = server
                    .and_then(|s| store.clusters.get(&s.cluster_id))
                    .map(|c| c.name.to_lowercase());
                h.inner_ip.contains(k)
                    || h.alias
                        .as_deref()
                        .is_some_and(|a| a.to_lowercase().contains(k))
                    || cluster.is_some_and(|c| c.contains(k))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ips() {
        assert!(check_location_name("name", "cn-hangzhou").is_ok());
        assert!(check_location_name("name", "-x").is_err());
        assert!(check_location_name("name", "").is_err());
        assert!(check_host_type_name("name", "big_box").is_ok());
        assert!(check_host_type_name("name", "big-box").is_err());
        assert!(check_cluster_name("name", "demo-cluster").is_ok());
        assert!(check_cluster_name("name", "1demo").is_err());
        assert!(check_cluster_name("name", &"a".repeat(65)).is_err());
        assert!(check_ipv4("ip", "10.0.0.1").is_ok());
        for bad in ["10.0.0", "10.0.0.01", "10.0.0.256", "a.b.c.d", "10.0.0.1/8"] {
            assert!(check_ipv4("ip", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn packages() {
        let p = package_by_name("oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm");
        assert_eq!(p.map(|p| p.version), Some("4.2.1.0"));
        assert!(check_package("rpmName", "oceanbase-9.9.9.9-1.el7.x86_64.rpm").is_err());
        assert_eq!(OB_PACKAGES[2].full_version(), "4.3.3.0-200000142024073011");
    }
}
