//! Cluster and tenant parameters (§3.1, §3.4; seed S0 lists "obtain the parameter metadata",
//! "obtain / modify cluster parameters", "obtain / modify tenant parameters").
//!
//! | Call | Shape | Source |
//! |---|---|---|
//! | `GET /api/v2/ob/clusters/parameterInfo` | `data.contents[]` of parameter info (below), cluster parameters | C-diag (path) |
//! | `GET /api/v2/ob/tenants/parameterInfo` | the same for tenant parameters and system variables | C-express `/api/v1/ob/tenants/parameterInfo` under `/api/v2` (inferred) |
//! | `GET /api/v2/ob/clusters/{id}/parameters` | `data.contents[{name, parameterType, currentValue{values[], singleValueInCluster}, section, description, needRestart, readonly}]` | C-mcp (path), C-express `ClusterParameter` (fields) |
//! | `PUT /api/v2/ob/clusters/{id}/parameters` | body `[{name, value}]`, synchronous, no data | C-mcp, §2.1 (sync inferred) |
//! | `GET .../tenants/{tenantId}/parameters` | `data.contents[{name, parameterType, currentValue, description, needRestart, readonly}]` | C-mcp (path), C-express `TenantParameter` |
//! | `PUT .../tenants/{tenantId}/parameters` | body `[{name, value, parameterType}]`, synchronous, no data | C-mcp |
//! | create tenant | `parameters[{name, value, parameterType}]`, `timeZone` | C-express `CreateTenantParam` |
//!
//! Parameter info entries: `name`, `parameterType` (`OB_CLUSTER_PARAMETER`,
//! `OB_TENANT_PARAMETER`, `OB_SYSTEM_VARIABLE`), `needRestart`, `readonly`, `section`,
//! `description` (C-express `TenantParameterInfo`/`ClusterParameter`), and — our decision,
//! after OceanBase's parameter views, since no OCP source shows them — `valueType` (`BOOL`,
//! `INT`, `DOUBLE`, `CAPACITY`, `TIME`, `ENUM`, `STRING`), `defaultValue`,
//! `valueRange{minValue, maxValue}` and `validValues[]`.
//!
//! Rules: a name not in the catalogue, a cluster parameter sent to a tenant (or the reverse), a
//! read-only parameter, a value of the wrong type or out of range: 400 `ILLEGAL_ARGUMENT`
//! naming the body field (`invalid [1].value: ...`). Nothing is changed unless every entry is
//! valid. Values are stored in the spelling OceanBase shows (`True`, `10G`, `30s`, `WDIAG`).
//! Writes need the cluster RUNNING (and the tenant NORMAL).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::error::{parse_body, parse_id, ApiError};
use crate::state::parameters::{self, Kind, ParamDef, Scope, CATALOGUE};
use crate::state::{ParameterState, Store};

use super::rules::invalid;
use super::Reply;

/// Bytes per unit of a capacity (a bare number is megabytes, OceanBase's default unit).
fn capacity_unit(u: &str) -> Option<(u128, &'static str)> {
    Some(match u.to_ascii_uppercase().as_str() {
        "B" => (1, "B"),
        "K" | "KB" => (1 << 10, "K"),
        "" | "M" | "MB" => (1 << 20, "M"),
        "G" | "GB" => (1 << 30, "G"),
        "T" | "TB" => (1 << 40, "T"),
        "P" | "PB" => (1 << 50, "P"),
        _ => return None,
    })
}

/// Microseconds per unit of a duration (a bare number is seconds).
fn time_unit(u: &str) -> Option<(u128, &'static str)> {
    Some(match u.to_ascii_lowercase().as_str() {
        "us" => (1, "us"),
        "ms" => (1_000, "ms"),
        "" | "s" => (1_000_000, "s"),
        "m" => (60_000_000, "m"),
        "h" => (3_600_000_000, "h"),
        "d" => (86_400_000_000, "d"),
        _ => return None,
    })
}

/// A whole number followed by a unit: (number, unit text).
fn number_and_unit(v: &str) -> Option<(u128, &str)> {
    let v = v.trim();
    let end = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let n = v[..end].parse::<u128>().ok()?;
    Some((n, v[end..].trim()))
}

/// A value of `kind`: its canonical spelling and, for ordered kinds, its magnitude.
fn parse(kind: Kind, v: &str) -> Result<(String, Option<f64>), String> {
    let t = v.trim();
    match kind {
        Kind::Bool => match t.to_ascii_lowercase().as_str() {
            "true" => Ok(("True".into(), None)),
            "false" => Ok(("False".into(), None)),
            _ => Err(format!("{v:?} is not a boolean (true or false)")),
        },
        Kind::Int => t
            .parse::<i128>()
            .map(|n| (n.to_string(), Some(n as f64)))
            .map_err(|_| format!("{v:?} is not an integer")),
        Kind::Double => match t.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok((fmt_double(x), Some(x))),
            _ => Err(format!("{v:?} is not a number")),
        },
        Kind::Capacity => {
            let (n, u) = number_and_unit(t)
                .ok_or_else(|| format!("{v:?} is not a capacity such as 10G or 512M"))?;
            let (mult, unit) = capacity_unit(u)
                .ok_or_else(|| format!("{v:?} has an unknown unit {u:?} (B, K, M, G, T or P)"))?;
            Ok((format!("{n}{unit}"), Some((n * mult) as f64)))
        }
        Kind::Time => {
            let (n, u) = number_and_unit(t)
                .ok_or_else(|| format!("{v:?} is not a duration such as 30s or 10m"))?;
            let (mult, unit) = time_unit(u)
                .ok_or_else(|| format!("{v:?} has an unknown unit {u:?} (us, ms, s, m, h or d)"))?;
            Ok((format!("{n}{unit}"), Some((n * mult) as f64)))
        }
        Kind::Enum(words) => words
            .iter()
            .find(|w| w.eq_ignore_ascii_case(t))
            .map(|w| (w.to_string(), None))
            .ok_or_else(|| format!("{v:?} is not one of {}", words.join(", "))),
        Kind::Text => Ok((t.to_string(), None)),
    }
}

fn fmt_double(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Checks `value` for `def`: type, range, and the format of `time_zone`. Returns the value as
/// OceanBase shows it.
pub fn check_value(def: &ParamDef, value: &str) -> Result<String, String> {
    let (canonical, magnitude) = parse(def.kind, value)?;
    if let (Some((lo, hi)), Some(m)) = (def.range, magnitude) {
        let bound = |b: &str| parse(def.kind, b).ok().and_then(|(_, m)| m);
        if let (Some(l), Some(h)) = (bound(lo), bound(hi)) {
            if m < l || m > h {
                return Err(format!(
                    "{value:?} is out of range [{lo}, {hi}] for {}",
                    def.name
                ));
            }
        }
    }
    if def.name == "time_zone" && !valid_time_zone(&canonical) {
        return Err(format!(
            "{value:?} is not a time zone (an offset from -12:59 to +13:00 such as +8:00, or SYSTEM)"
        ));
    }
    Ok(canonical)
}

/// `SYSTEM` or an offset `+H:MM`/`-HH:MM` within -12:59..+13:00 (OceanBase's rule).
fn valid_time_zone(tz: &str) -> bool {
    if tz.eq_ignore_ascii_case("SYSTEM") {
        return true;
    }
    let Some(sign) = tz.chars().next().filter(|c| *c == '+' || *c == '-') else {
        return false;
    };
    let Some((h, m)) = tz[1..].split_once(':') else {
        return false;
    };
    let ok_digits =
        |s: &str, n: usize| !s.is_empty() && s.len() <= n && s.bytes().all(|b| b.is_ascii_digit());
    if !ok_digits(h, 2) || m.len() != 2 || !ok_digits(m, 2) {
        return false;
    }
    let (h, m): (u32, u32) = (h.parse().unwrap_or(99), m.parse().unwrap_or(99));
    let minutes = h * 60 + m;
    m < 60
        && if sign == '+' {
            minutes <= 13 * 60
        } else {
            minutes <= 12 * 60 + 59
        }
}

/// Which parameters a call may write.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Cluster,
    Tenant,
}

impl Target {
    fn takes(self, scope: Scope) -> bool {
        match self {
            Target::Cluster => scope == Scope::Cluster,
            Target::Tenant => scope != Scope::Cluster,
        }
    }
}

/// Checks one `{name, value[, parameterType]}` entry at `prefix` (e.g. `[0]` or
/// `parameters[1]`); returns the catalogue entry and the value as OceanBase shows it.
fn check_entry(
    entry: &Value,
    prefix: &str,
    target: Target,
) -> Result<(&'static ParamDef, String), ApiError> {
    let obj = entry
        .as_object()
        .ok_or_else(|| invalid(prefix, "a JSON object {name, value} is expected"))?;
    let name = str_field(obj, prefix, "name")?;
    let value = str_field(obj, prefix, "value")?;
    let field = |f: &str| format!("{prefix}.{f}");
    let def = parameters::find(&name)
        .ok_or_else(|| invalid(&field("name"), format!("unknown parameter {name:?}")))?;
    if !target.takes(def.scope) {
        let why = match target {
            Target::Cluster => format!(
                "{} is a tenant parameter, not a cluster parameter",
                def.name
            ),
            Target::Tenant => format!(
                "{} is a cluster parameter, not a tenant parameter",
                def.name
            ),
        };
        return Err(invalid(&field("name"), why));
    }
    if target == Target::Tenant {
        if let Some(t) = obj.get("parameterType").filter(|v| !v.is_null()) {
            let t = t.as_str().unwrap_or_default();
            if t != def.scope.ocp_name() {
                return Err(invalid(
                    &field("parameterType"),
                    format!(
                        "{} is of type {}, not {t:?}",
                        def.name,
                        def.scope.ocp_name()
                    ),
                ));
            }
        }
    }
    if def.readonly {
        return Err(invalid(
            &field("name"),
            format!("{} is read-only", def.name),
        ));
    }
    let canonical = check_value(def, &value).map_err(|why| invalid(&field("value"), why))?;
    Ok((def, canonical))
}

fn str_field(obj: &Map<String, Value>, prefix: &str, key: &str) -> Result<String, ApiError> {
    match obj.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() || key == "value" => Ok(s.clone()),
        Some(Value::Number(n)) if key == "value" => Ok(n.to_string()),
        Some(Value::Bool(b)) if key == "value" => Ok(b.to_string()),
        None | Some(Value::Null) => Err(super::rules::required(&format!("{prefix}.{key}"))),
        _ => Err(invalid(&format!("{prefix}.{key}"), "a string is expected")),
    }
}

/// Checks a list of entries (a PUT body, or a create's `parameters` at `field`); every entry
/// valid, or the first error. Returns name → value as OceanBase shows it.
fn check_entries(
    list: &[Value],
    field: &str,
    target: Target,
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut out = BTreeMap::new();
    for (i, e) in list.iter().enumerate() {
        let (def, v) = check_entry(e, &format!("{field}[{i}]"), target)?;
        out.insert(def.name.to_string(), v);
    }
    Ok(out)
}

fn body_list(body: &[u8]) -> Result<Vec<Value>, ApiError> {
    match parse_body::<Value>(body)? {
        Value::Array(a) if !a.is_empty() => Ok(a),
        Value::Array(_) => Err(ApiError::bad_request(
            "invalid request body: at least one parameter is expected",
        )),
        _ => Err(ApiError::bad_request(
            "invalid request body: a JSON array of {name, value} is expected",
        )),
    }
}

/// A value stored as set: a value equal to the default drops the entry, so the parameter
/// reads as never set.
fn store_values(set: &mut BTreeMap<String, String>, values: BTreeMap<String, String>) {
    for (name, v) in values {
        match parameters::find(&name) {
            Some(d) if d.default == v => {
                set.remove(&name);
            }
            _ => {
                set.insert(name, v);
            }
        }
    }
}

/// One entry of a parameter-info list.
fn info(d: &ParamDef) -> Value {
    let (valid, range) = match d.kind {
        Kind::Enum(words) => (json!(words), Value::Null),
        _ => (
            Value::Null,
            d.range.map_or(
                Value::Null,
                |(lo, hi)| json!({"minValue": lo, "maxValue": hi}),
            ),
        ),
    };
    json!({
        "name": d.name,
        "parameterType": d.scope.ocp_name(),
        "valueType": d.kind.ocp_name(),
        "defaultValue": d.default,
        "valueRange": range,
        "validValues": valid,
        "needRestart": d.need_restart,
        "readonly": d.readonly,
        "section": d.section,
        "description": d.description,
    })
}

fn contents(items: Vec<Value>) -> Option<Value> {
    Some(json!({ "contents": items }))
}

/// `GET /api/v2/ob/clusters/parameterInfo`.
pub fn cluster_parameter_info() -> Reply {
    Ok(contents(
        CATALOGUE
            .iter()
            .filter(|d| Target::Cluster.takes(d.scope))
            .map(info)
            .collect(),
    ))
}

/// `GET /api/v2/ob/tenants/parameterInfo`.
pub fn tenant_parameter_info() -> Reply {
    Ok(contents(
        CATALOGUE
            .iter()
            .filter(|d| Target::Tenant.takes(d.scope))
            .map(info)
            .collect(),
    ))
}

/// `GET /api/v2/ob/clusters/{id}/parameters`.
pub fn list_cluster_parameters(store: &Store, id: &str) -> Reply {
    let cid = parse_id(id, "cluster")?;
    store.cluster(cid)?;
    let set = store.parameters.clusters.get(&cid);
    let items = CATALOGUE
        .iter()
        .filter(|d| d.scope == Scope::Cluster)
        .map(|d| {
            json!({
                "name": d.name,
                "parameterType": d.scope.ocp_name(),
                "currentValue": {
                    "values": [ParameterState::value_in(set, d)],
                    "singleValueInCluster": true,
                },
                "section": d.section,
                "description": d.description,
                "needRestart": d.need_restart,
                "readonly": d.readonly,
            })
        })
        .collect();
    Ok(contents(items))
}

/// `PUT /api/v2/ob/clusters/{id}/parameters` `[{name, value}]` (sync, no data).
pub fn modify_cluster_parameters(store: &mut Store, id: &str, body: &[u8]) -> Reply {
    let cid = parse_id(id, "cluster")?;
    let c = store.cluster(cid)?.clone();
    let list = body_list(body)?;
    let values = check_entries(&list, "", Target::Cluster)?;
    if c.status != "RUNNING" {
        return Err(ApiError::illegal_state(format!(
            "cannot modify the parameters of OB cluster {}: it is {}",
            c.name, c.status
        )));
    }
    store_values(store.parameters.clusters.entry(cid).or_default(), values);
    Ok(None)
}

/// `GET .../tenants/{tenantId}/parameters`.
pub fn list_tenant_parameters(store: &Store, id: &str, tid: &str) -> Reply {
    let (cid, tid) = super::tenants::ids(id, tid)?;
    store.tenant_in(cid, tid)?;
    let set = store.parameters.tenants.get(&tid);
    let items = CATALOGUE
        .iter()
        .filter(|d| Target::Tenant.takes(d.scope))
        .map(|d| {
            json!({
                "name": d.name,
                "parameterType": d.scope.ocp_name(),
                "currentValue": ParameterState::value_in(set, d),
                "description": d.description,
                "needRestart": d.need_restart,
                "readonly": d.readonly,
            })
        })
        .collect();
    Ok(contents(items))
}

/// `PUT .../tenants/{tenantId}/parameters` `[{name, value, parameterType}]` (sync, no data).
pub fn modify_tenant_parameters(store: &mut Store, id: &str, tid: &str, body: &[u8]) -> Reply {
    let (cid, tid) = super::tenants::ids(id, tid)?;
    let list = body_list(body)?;
    super::tenants::writable(
        store,
        cid,
        tid,
        "modify the parameters of",
        true,
        &["NORMAL"],
    )?;
    let values = check_entries(&list, "", Target::Tenant)?;
    store_values(store.parameters.tenants.entry(tid).or_default(), values);
    Ok(None)
}

/// The `parameters` and `timeZone` of a create-tenant body, checked (before anything is
/// created). The time zone is the `time_zone` system variable.
pub fn create_tenant_values(body: &Value) -> Result<BTreeMap<String, String>, ApiError> {
    let mut values = match body.get("parameters") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Array(list)) => check_entries(list, "parameters", Target::Tenant)?,
        Some(_) => return Err(invalid("parameters", "a JSON array is expected")),
    };
    match body.get("timeZone") {
        None | Some(Value::Null) => {}
        Some(Value::String(tz)) => {
            let def = parameters::find("time_zone")
                .ok_or_else(|| ApiError::internal("time_zone is not in the catalogue"))?;
            let tz = check_value(def, tz).map_err(|why| invalid("timeZone", why))?;
            values.insert("time_zone".into(), tz);
        }
        Some(_) => return Err(invalid("timeZone", "a string is expected")),
    }
    Ok(values)
}

/// Records the values a create-tenant body set for the new tenant `tid`.
pub fn set_created_tenant(store: &mut Store, tid: i64, values: BTreeMap<String, String>) {
    if !values.is_empty() {
        store_values(store.parameters.tenants.entry(tid).or_default(), values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str) -> &'static ParamDef {
        parameters::find(name).expect("in the catalogue")
    }

    #[test]
    fn values_are_checked_and_spelled_as_oceanbase_shows_them() {
        assert_eq!(
            check_value(def("enable_syslog_recycle"), "true").as_deref(),
            Ok("True")
        );
        assert_eq!(
            check_value(def("cache_wash_threshold"), "10GB").as_deref(),
            Ok("10G")
        );
        assert_eq!(
            check_value(def("cache_wash_threshold"), "512").as_deref(),
            Ok("512M")
        );
        assert_eq!(
            check_value(def("server_permanent_offline_time"), "2h").as_deref(),
            Ok("2h")
        );
        assert_eq!(
            check_value(def("syslog_level"), "info").as_deref(),
            Ok("INFO")
        );
        assert_eq!(
            check_value(def("cpu_quota_concurrency"), "2.50").as_deref(),
            Ok("2.5")
        );
        assert!(check_value(def("max_syslog_file_count"), "1001").is_err());
        assert!(check_value(def("max_syslog_file_count"), "ten").is_err());
        assert!(check_value(def("server_permanent_offline_time"), "10s").is_err());
        assert!(check_value(def("enable_syslog_recycle"), "yes").is_err());
        assert_eq!(
            check_value(def("time_zone"), "-5:00").as_deref(),
            Ok("-5:00")
        );
        assert!(check_value(def("time_zone"), "+14:00").is_err());
        assert!(check_value(def("time_zone"), "Mars/Base").is_err());
    }

    #[test]
    fn every_default_is_a_valid_value_in_its_own_spelling() {
        for d in CATALOGUE {
            assert_eq!(
                check_value(d, d.default).as_deref(),
                Ok(d.default),
                "{}",
                d.name
            );
        }
    }

    #[test]
    fn a_cluster_parameter_is_refused_on_a_tenant_with_its_field() {
        let list = vec![json!({"name": "memory_limit", "value": "8G"})];
        let e = check_entries(&list, "", Target::Tenant).expect_err("refused");
        assert_eq!(
            e.message,
            "invalid [0].name: memory_limit is a cluster parameter, not a tenant parameter"
        );
        let list = vec![
            json!({"name": "syslog_level", "value": "INFO"}),
            json!({"name": "nope", "value": "1"}),
        ];
        let e = check_entries(&list, "", Target::Cluster).expect_err("refused");
        assert_eq!(e.message, "invalid [1].name: unknown parameter \"nope\"");
    }
}
