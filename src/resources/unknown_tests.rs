//! Issue #15 item 5: plan-time validation never judges unknowns. For every resource, a valid
//! configuration validates clean; then each attribute, each block and each attribute inside a
//! block is made unknown in turn (as a reference to another resource, or a `dynamic` block
//! over a value not yet known, makes it) and the configuration must still validate clean: an
//! unknown is "not yet known", never empty or absent.

use serde_json::{json, Value as J};

use crate::framework::core::ProviderCore;
use crate::framework::Diagnostics;
use crate::value::{Type, Value};

/// A value of type `ty` from a JSON sample (numbers are whole).
fn to_value(j: &J, ty: &Type) -> Value {
    match (j, ty) {
        (J::Null, _) => Value::Null,
        (J::String(s), _) => Value::string(s.clone()),
        (J::Bool(b), _) => Value::Bool(*b),
        (J::Number(n), _) => Value::from_i64(n.as_i64().unwrap_or_default()),
        (J::Array(a), Type::List(e)) => Value::List(a.iter().map(|x| to_value(x, e)).collect()),
        (J::Array(a), Type::Set(e)) => Value::set(a.iter().map(|x| to_value(x, e))),
        (J::Object(o), Type::Map(e)) => {
            Value::Map(o.iter().map(|(k, x)| (k.clone(), to_value(x, e))).collect())
        }
        (J::Object(o), Type::Object(attrs)) => Value::Object(
            attrs
                .iter()
                .map(|(k, t)| (k.clone(), o.get(k).map_or(Value::Null, |x| to_value(x, t))))
                .collect(),
        ),
        (other, ty) => panic!("sample {other} does not fit {ty:?}"),
    }
}

/// A valid configuration of every resource, with every optional argument and block set where
/// validators look across attributes.
fn samples() -> Vec<(&'static str, J)> {
    vec![
        ("ocp_region", json!({"name": "r1", "description": "d"})),
        (
            "ocp_idc",
            json!({"name": "i1", "region_id": 1, "description": "d"}),
        ),
        ("ocp_host_type", json!({"name": "t1", "description": "d"})),
        (
            "ocp_host",
            json!({"ip": "10.0.0.1", "idc_id": 1, "host_type_id": 1, "ssh_username": "admin",
                   "ssh_password": "pw", "ssh_port": 22, "kind": "DEDICATED_PHYSICAL_MACHINE",
                   "alias": "a", "description": "d", "timeouts": {"create": "10m"}}),
        ),
        (
            "ocp_cluster",
            json!({"name": "c1", "rpm_name": "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm",
                   "root_password": "Pa55-word!x", "type": "PRIMARY", "primary_zone": "zone1;zone2",
                   "zone": [{"name": "zone1", "idc_name": "hz1", "servers": [1]},
                            {"name": "zone2", "idc_name": "hz1", "servers": [2]}],
                   "startup_parameter": [{"name": "memory_limit", "value": "32G"}],
                   "timeouts": {"create": "1h"}}),
        ),
        (
            "ocp_zone",
            json!({"cluster_id": 1, "name": "zone4", "idc_name": "hz1", "servers": [3],
                   "timeouts": {"create": "1h"}}),
        ),
        (
            "ocp_obproxy_cluster",
            json!({"name": "p1", "hosts": [4, 5], "version": "obproxy-ce-4.2.1.0-11.el7.x86_64.rpm",
                   "sql_port": 2883, "exporter_port": 2884, "rpc_port": 2885, "work_mode": "CONFIG_URL",
                   "proxyro_password": "Pa55-word!x", "parameters": {"client_max_connections": "100"},
                   "ob_link": [{"cluster_id": 1, "username": "proxyro", "connect_as": "app@t1"}],
                   "timeouts": {"create": "1h"}}),
        ),
        (
            "ocp_tenant",
            json!({"cluster_id": 1, "name": "t1", "root_password": "Pa55-word!x", "mode": "MYSQL",
                   "charset": "utf8mb4", "collation": "utf8mb4_bin", "primary_zone": "zone1;zone2",
                   "whitelist": ["10.0.0.0/8"], "description": "d", "locked": false,
                   "deletion_protection": false,
                   "zone": [{"name": "zone1", "unit_spec": "S0", "replica_type": "FULL", "unit_count": 1},
                            {"name": "zone2", "unit_spec": "S0"}],
                   "timeouts": {"create": "1h"}}),
        ),
        (
            "ocp_database",
            json!({"cluster_id": 1, "tenant_id": 2, "name": "orders", "charset": "utf8mb4",
                   "collation": "utf8mb4_bin", "primary_zone": "zone1", "read_only": false}),
        ),
        (
            "ocp_db_user",
            json!({"cluster_id": 1, "tenant_id": 2, "username": "app", "password": "Pa55-word!x",
                   "locked": false, "global_privileges": ["SELECT"],
                   "db_privileges": [{"database": "orders", "privileges": ["SELECT"]},
                                     {"database": "billing", "privileges": ["INSERT"]}]}),
        ),
        (
            "ocp_db_role",
            json!({"cluster_id": 1, "tenant_id": 2, "name": "analyst",
                   "global_privileges": ["CREATE_SESSION"], "roles": ["CONNECT"]}),
        ),
        (
            "ocp_db_grant",
            json!({"cluster_id": 1, "tenant_id": 2, "user": "app", "database": "orders",
                   "privileges": ["SELECT"]}),
        ),
        (
            "ocp_backup_policy",
            json!({"cluster_id": 1, "tenant_id": 2, "backup_mode": "PHYSICAL_BACKUP",
                   "retention_days": 7, "cleanup_enabled": true, "log_backup": true,
                   "schedule": {"mode": "WEEK", "time": "02:00", "days": {"1": "FULL", "4": "INCREMENTAL"}, "enabled": true},
                   "storage": [{"name": "nfs", "type": "FILE", "url": "/backup"}],
                   "thresholds": {"data_backup_timeout_minutes": 60},
                   "timeouts": {"create": "10m"}}),
        ),
    ]
}

fn errors(core: &ProviderCore, ty: &str, config: &Value) -> Vec<String> {
    let d: Diagnostics = core.validate_resource(ty, config);
    d.0.iter()
        .filter(|x| x.severity == crate::framework::diag::Severity::Error)
        .map(|x| format!("{}: {}", x.summary, x.detail))
        .collect()
}

/// Every variant of `v` with one attribute, block, or attribute inside a block element made
/// unknown, with a name for the message.
fn with_one_unknown(v: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let Value::Object(o) = v else { return out };
    for (k, x) in o {
        let mut u = o.clone();
        u.insert(k.clone(), Value::Unknown);
        out.push((k.clone(), Value::Object(u)));
        let elems: Vec<Value> = match x {
            Value::List(e) | Value::Set(e) => e.clone(),
            Value::Object(_) => vec![x.clone()],
            _ => continue,
        };
        for (i, e) in elems.iter().enumerate() {
            let Value::Object(eo) = e else { continue };
            for ek in eo.keys() {
                let mut ne = eo.clone();
                ne.insert(ek.clone(), Value::Unknown);
                let mut all = elems.clone();
                all[i] = Value::Object(ne);
                let nx = match x {
                    Value::List(_) => Value::List(all),
                    Value::Set(_) => Value::Set(all),
                    _ => all.remove(0),
                };
                let mut u = o.clone();
                u.insert(k.clone(), nx);
                out.push((format!("{k}[{i}].{ek}"), Value::Object(u)));
            }
        }
    }
    out
}

#[test]
fn no_validator_judges_an_unknown_value() {
    let core = crate::provider_core();
    let samples = samples();
    let names: Vec<&str> = samples.iter().map(|(n, _)| *n).collect();
    for r in super::all_resources() {
        assert!(
            names.contains(&r.type_name()),
            "{} has no sample here",
            r.type_name()
        );
    }
    for (ty, sample) in samples {
        let schema = core
            .resource_schema(ty, &mut Diagnostics::new())
            .unwrap_or_else(|| panic!("no schema for {ty}"));
        let config = to_value(&sample, schema.value_type());
        let e = errors(&core, ty, &config);
        assert!(e.is_empty(), "the {ty} sample is not valid: {e:?}");
        for (what, config) in with_one_unknown(&config) {
            let e = errors(&core, ty, &config);
            assert!(e.is_empty(), "{ty} with {what} unknown: {e:?}");
        }
    }
}
