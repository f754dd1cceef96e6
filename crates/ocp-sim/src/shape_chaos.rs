//! Shape chaos (`--shape-chaos SEED`, [`crate::SimConfig::shape_chaos`]): every successful JSON
//! answer of `/api/v2/**` is rewritten the way a real OCP of another version might shape it,
//! so that clients are tested against the reference's guarantees rather than against what
//! this simulator happens to return (design rule R6 of the provider).
//!
//! One response-rewriting layer, outside the domain code: the handlers render as usual, then
//! [`rewrite`] walks the envelope's `data`:
//!
//! 1. **Omits** every field of a known object that [`ALWAYS_PRESENT`] does not list for its
//!    kind. The reference marks no response field as "always present" in so many words, so the
//!    table takes the strictest reading that still names each object: the fields of the
//!    reference's verbatim samples (§4.1 tenant, §4.3 user, §4.4 task, §4.6 region and IDC),
//!    fields the reference states clients rely on (§1.4 paging, §2.1/§2.5 task id and status,
//!    §3.8.3 `taskIdList` and `beSuccessful`), and identity keys (§1.5: ids, names used as path
//!    keys). Everything marked (inferred) or only proposed in §5 is omitted.
//! 2. **Adds** plausible undocumented fields: `extInfo` (a vendor extra) on every object, and on
//!    OBServers both of OCP's port spellings, `port` (RPC) beside `sqlPort` (SQL), the shape
//!    real OCP answers with.
//! 3. **Reverses** every list (`data.contents`, a list `data`, nested lists of objects), as an
//!    OCP that sorts newest-first would.
//!
//! Error envelopes, `/_sim/**` and non-JSON answers pass untouched. The seed only varies the
//! values of the added extras, so runs are reproducible.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::SharedState;

/// The kinds of object the layer knows, by where they appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cluster,
    Zone,
    Server,
    Tenant,
    Task,
    Subtask,
    Database,
    DbUser,
    DbRole,
    DbObject,
    Host,
    Region,
    Idc,
    HostType,
    Credential,
    BackupStrategy,
    BackupResult,
    BackupOpsResult,
    BackupObject,
    /// Anything else (unit lists, backup task rows, `info`, ...): extras and order only.
    Other,
}

/// The fields each kind keeps; all others are omitted. One table, with its sources.
const ALWAYS_PRESENT: &[(Kind, &[&str], &str)] = &[
    // §3.1 "Cluster object fields (partly seen)"; zones/servers are §5 #13 (inferred).
    (
        Kind::Cluster,
        &["id", "name", "obClusterId", "type", "status", "obVersion"],
        "§3.1",
    ),
    // §1.5: zones are addressed by name; the zone shape is §5 #13 (inferred).
    (Kind::Zone, &["name"], "§1.5, §3.2"),
    // §3.3 note: OCP keeps a separate server id; the rest is §5 #13 (inferred).
    (Kind::Server, &["id"], "§3.3"),
    // §4.1: the verbatim S2 list item (detail fields such as zones/whitelist are §5 #10).
    (
        Kind::Tenant,
        &[
            "clusterId",
            "clusterName",
            "clusterStatus",
            "clusterType",
            "createTime",
            "id",
            "locality",
            "locked",
            "mode",
            "name",
            "obClusterId",
            "obTenantId",
            "obVersion",
            "ocpClusterView",
            "primaryZone",
            "readonly",
            "role",
            "status",
            "syncStatus",
            "zoneList",
        ],
        "§4.1",
    ),
    // §4.4: the verbatim newer-format TaskInstance; §2.1/§2.5: id and status are relied on.
    (
        Kind::Task,
        &[
            "clusterId",
            "context",
            "creator",
            "executor",
            "id",
            "name",
            "operation",
            "startTime",
            "status",
            "subtasks",
        ],
        "§2.1, §2.5, §4.4",
    ),
    // §4.4: subtasks in the sample carry only these.
    (Kind::Subtask, &["className", "description"], "§4.4"),
    // §3.5: no sample; the database is addressed by `dbName` (path key).
    (Kind::Database, &["dbName"], "§3.5"),
    // §4.3: the verbatim create-user answer.
    (
        Kind::DbUser,
        &["username", "globalPrivileges", "dbPrivileges", "createTime"],
        "§4.3",
    ),
    // §1.5: roles are addressed by name.
    (Kind::DbRole, &["roleName"], "§1.5, §3.6"),
    // §3.6: `dbObject` is `{objectType, objectName, schemaName}` (S1).
    (
        Kind::DbObject,
        &["objectType", "objectName", "schemaName"],
        "§3.6",
    ),
    // §3.7: host items "include id, innerIpAddress" (C-inst).
    (Kind::Host, &["id", "innerIpAddress"], "§3.7"),
    // §4.6: the verbatim region and IDC answers.
    (
        Kind::Region,
        &["createTime", "id", "name", "updateTime"],
        "§4.6",
    ),
    (
        Kind::Idc,
        &[
            "createTime",
            "description",
            "id",
            "name",
            "regionId",
            "regionName",
            "updateTime",
        ],
        "§4.6",
    ),
    // §3.7: host type items "with id, name".
    (Kind::HostType, &["id", "name"], "§3.7"),
    // §3.7: the credential create answers `data.id`.
    (Kind::Credential, &["id"], "§3.7"),
    // §3.8.3: `id` is "absent/null when no strategy", so present when there is one.
    (Kind::BackupStrategy, &["id"], "§3.8.3"),
    // §3.8.3 sample and §3.8.4: the provider checks every `beSuccessful` and polls `taskIdList`.
    (
        Kind::BackupResult,
        &["obBackupTaskType", "backupObjectOpsResultList"],
        "§3.8.3",
    ),
    (
        Kind::BackupOpsResult,
        &["beSuccessful", "obBackupObjectList", "taskIdList"],
        "§3.8.3, §3.8.4",
    ),
    (
        Kind::BackupObject,
        &["backupDimension", "clusterId", "tenantId"],
        "§3.8.3",
    ),
];

fn kept(kind: Kind) -> Option<&'static [&'static str]> {
    ALWAYS_PRESENT
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, f, _)| *f)
}

/// The kind of the objects at the root of `data` for a request.
fn root_kind(method: &Method, path: &str, data: &Value) -> Kind {
    let first = match data {
        Value::Object(o) => match o.get("contents") {
            Some(Value::Array(a)) => a.first(),
            _ => Some(data),
        },
        Value::Array(a) => a.first(),
        _ => None,
    };
    // Async writes answer with TaskInstances whatever the path (§2.1).
    if first.is_some_and(|f| f.get("subtasks").is_some() || f.get("tasks").is_some()) {
        return Kind::Task;
    }
    let p = path.trim_start_matches("/api/v2");
    let segs: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
    let has = |s: &str| segs.contains(&s);
    if has("tasks") {
        return Kind::Task;
    }
    if has("backup") {
        return if method != Method::GET {
            Kind::BackupResult
        } else if segs.last() == Some(&"backupStrategy") {
            Kind::BackupStrategy
        } else {
            Kind::Other
        };
    }
    match segs.as_slice() {
        ["ob", "clusters"] | ["ob", "clusters", _] => Kind::Cluster,
        ["ob", "clusters", _, "zones"] => Kind::Zone,
        ["ob", "clusters", _, "servers"] | ["ob", "clusters", _, "zones", _, "servers"] => {
            Kind::Server
        }
        ["ob", "tenants"]
        | ["ob", "clusters", _, "tenants"]
        | ["ob", "clusters", _, "tenants", _] => Kind::Tenant,
        ["ob", "clusters", _, "tenants", _, "databases", ..] => Kind::Database,
        ["ob", "clusters", _, "tenants", _, "users", ..] => Kind::DbUser,
        ["ob", "clusters", _, "tenants", _, "roles", ..] => Kind::DbRole,
        ["ob", "clusters", _, "tenants", _, "objects", ..] => Kind::DbObject,
        ["compute", "hosts", ..] => Kind::Host,
        ["compute", "regions", ..] => Kind::Region,
        ["compute", "idcs", ..] => Kind::Idc,
        ["compute", "hostTypes", ..] => Kind::HostType,
        ["profiles", "me", "credentials", ..] => Kind::Credential,
        _ => Kind::Other,
    }
}

/// The kind of the objects in list `field` of an object of kind `parent`.
fn child_kind(parent: Kind, field: &str) -> Kind {
    match (parent, field) {
        (Kind::Cluster, "zones") => Kind::Zone,
        (Kind::Zone | Kind::Cluster, "servers") => Kind::Server,
        (Kind::Task, "subtasks" | "tasks") => Kind::Subtask,
        (Kind::BackupResult, "backupObjectOpsResultList") => Kind::BackupOpsResult,
        (Kind::BackupOpsResult, "obBackupObjectList") => Kind::BackupObject,
        _ => Kind::Other,
    }
}

/// A splitmix64 stream: the values of the extras.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Rewrites one object of kind `kind` in place (and the lists inside it).
fn object(kind: Kind, o: &mut Map<String, Value>, rng: &mut Rng) {
    // Lists inside first, with the kind of their elements.
    for (k, v) in o.iter_mut() {
        value(child_kind(kind, k), v, rng);
    }
    let ports = (kind == Kind::Server).then(|| {
        let sql = o.get("sqlPort").or_else(|| o.get("port")).cloned();
        let rpc = o.get("svrPort").or_else(|| o.get("rpcPort")).cloned();
        (sql, rpc)
    });
    if let Some(keep) = kept(kind) {
        o.retain(|k, _| keep.contains(&k.as_str()));
    }
    if let Some((sql, rpc)) = ports {
        // OCP's own ObServer shape: `port` is the RPC port, `sqlPort` the SQL port.
        if let Some(sql) = sql {
            o.insert("sqlPort".into(), sql);
        }
        if let Some(rpc) = rpc {
            o.insert("port".into(), rpc);
        }
    }
    o.insert(
        "extInfo".into(),
        json!({"vendorTag": format!("{:016x}", rng.next()), "shapeChaos": true}),
    );
}

/// Rewrites any JSON value whose objects are of kind `kind`.
fn value(kind: Kind, v: &mut Value, rng: &mut Rng) {
    match v {
        Value::Array(items) => {
            items.reverse();
            for item in items.iter_mut() {
                value(kind, item, rng);
            }
        }
        Value::Object(o) => object(kind, o, rng),
        _ => {}
    }
}

/// Rewrites the `data` of an envelope answered to `method path`.
fn rewrite_data(method: &Method, path: &str, data: &mut Value, seed: u64) {
    let mut rng = Rng(seed ^ path.len() as u64);
    let kind = root_kind(method, path, data);
    match data {
        // A paged list (§1.4): `contents` and `page` stay, the items are rewritten.
        Value::Object(o) if o.get("contents").is_some_and(Value::is_array) => {
            if let Some(items) = o.get_mut("contents") {
                value(kind, items, &mut rng);
            }
        }
        other => value(kind, other, &mut rng),
    }
}

/// The middleware: a no-op unless shape chaos is on.
pub(crate) async fn rewrite(State(st): State<SharedState>, req: Request, next: Next) -> Response {
    let Some(seed) = st.config().shape_chaos else {
        return next.run(req).await;
    };
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    if !path.starts_with("/api/v2/") || !resp.status().is_success() {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut env) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if let Some(data) = env.get_mut("data") {
        rewrite_data(&method, &path, data, seed);
    }
    let out = serde_json::to_vec(&env).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_keeps_only_its_always_present_fields_and_gains_extras() {
        let mut data = json!({"id": 1, "name": "c", "status": "RUNNING", "fullVersion": "x",
            "zones": [{"name": "zone1", "idcName": "hz1"}]});
        rewrite_data(&Method::GET, "/api/v2/ob/clusters/1", &mut data, 7);
        let o = data.as_object().unwrap();
        assert!(
            o.get("fullVersion").is_none() && o.get("zones").is_none(),
            "{data}"
        );
        assert_eq!(o["status"], "RUNNING");
        assert!(o.contains_key("extInfo"));
    }

    #[test]
    fn servers_get_both_port_spellings_and_lists_come_newest_first() {
        let mut data = json!({"contents": [
            {"id": 1, "ip": "10.0.0.1", "port": 2881, "svrPort": 2882},
            {"id": 2, "ip": "10.0.0.2", "port": 2881, "svrPort": 2882}
        ], "page": {"number": 1, "size": 10, "totalElements": 2, "totalPages": 1}});
        rewrite_data(&Method::GET, "/api/v2/ob/clusters/1/servers", &mut data, 7);
        let items = data["contents"].as_array().unwrap();
        assert_eq!(items[0]["id"], 2, "reversed");
        assert_eq!(items[0]["sqlPort"], 2881);
        assert_eq!(items[0]["port"], 2882);
        assert!(items[0].get("ip").is_none() && items[0].get("svrPort").is_none());
        assert_eq!(data["page"]["totalElements"], 2);
    }

    #[test]
    fn an_async_answer_is_a_task_wherever_it_comes_from() {
        let mut data = json!({"id": 9, "status": "RUNNING", "tenantId": 5, "name": "Create tenant",
            "subtasks": [{"id": 1, "status": "RUNNING", "className": "x", "description": "d"}]});
        rewrite_data(
            &Method::POST,
            "/api/v2/ob/clusters/1/tenants/createTenant",
            &mut data,
            7,
        );
        assert!(
            data.get("tenantId").is_none(),
            "§5 #2 is a proposed answer: {data}"
        );
        assert_eq!(data["id"], 9);
        assert!(data["subtasks"][0].get("status").is_none());
        assert_eq!(data["subtasks"][0]["description"], "d");
    }

    #[test]
    fn every_kind_has_a_row_in_the_table() {
        for k in [
            Kind::Cluster,
            Kind::Zone,
            Kind::Server,
            Kind::Tenant,
            Kind::Task,
            Kind::Subtask,
            Kind::Database,
            Kind::DbUser,
            Kind::DbRole,
            Kind::DbObject,
            Kind::Host,
            Kind::Region,
            Kind::Idc,
            Kind::HostType,
            Kind::Credential,
            Kind::BackupStrategy,
            Kind::BackupResult,
            Kind::BackupOpsResult,
            Kind::BackupObject,
        ] {
            assert!(kept(k).is_some(), "{k:?}");
        }
        assert!(kept(Kind::Other).is_none());
    }
}
