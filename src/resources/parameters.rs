//! OceanBase parameters: the `parameters` map of `ocp_cluster` and `ocp_tenant`, and the data
//! sources `ocp_cluster_parameters` and `ocp_tenant_parameters`.
//!
//! API facts used here (client calls in `crate::client::api::parameters`):
//!
//! | Fact | Source |
//! |---|---|
//! | `GET/PUT /api/v2/ob/clusters/{id}/parameters`, body `[{name, value}]` | ocp-api.md §3.1 (C-mcp) |
//! | `GET/PUT .../tenants/{tenantId}/parameters`, body `[{name, value, parameterType}]` | ocp-api.md §3.4 (C-mcp) |
//! | `parameterType` is `OB_TENANT_PARAMETER` or `OB_SYSTEM_VARIABLE` for tenants | C-mcp, OCP Express `TenantParameterType` |
//! | parameter metadata: `GET /api/v2/ob/clusters/parameterInfo` | ocp-api.md §3.1 (C-diag) |
//! | tenant metadata at `GET /api/v2/ob/tenants/parameterInfo` | **inferred** (OCP Express `/api/v1/ob/tenants/parameterInfo`) |
//! | metadata `needRestart`, `readonly`, `parameterType` | OCP Express `ClusterParameter`, `TenantParameterInfo` |
//! | metadata `valueType`, `defaultValue`, `valueRange{minValue, maxValue}`, `validValues` | **inferred** (OceanBase's parameter views); a check runs only when OCP reports the field |
//! | writes are synchronous | **inferred** (ocp-api.md §2.1: "parameter updates (inferred)") |
//! | createTenant takes `parameters[{name, value, parameterType}]` and `timeZone` | OCP Express `CreateTenantParam` |
//! | OceanBase normalises values: booleans any case (`true` = `True`), sizes with or without `B` (`10G` = `10GB`, a bare number is MB), durations (`3600s` = `1h`, a bare number is seconds) | OceanBase parameter syntax |
//!
//! Rules of the `parameters` map:
//!
//! - Only the keys listed are managed. Read reports the current value of those keys only, so a
//!   parameter never listed is left alone and never shows as drift.
//! - A value OCP reports that means the same as the configured one ([`same_value`]) keeps the
//!   configured spelling, so what apply writes equals the plan and the next plan is empty.
//! - Removing a key returns the parameter to OCP's default (`defaultValue` of the metadata).
//! - At plan time, when the provider is configured, each known value is checked against OCP's
//!   metadata: unknown name, read-only, a cluster parameter on a tenant, wrong type, out of
//!   range or not one of the valid values is an error on `parameters["<name>"]`; a change of a
//!   parameter that needs a restart is a warning naming it. Otherwise OCP's refusal at apply
//!   is reported on the same path (OCP names the refused entry by its index in the body).
//!
//! The same rules serve the `parameters` of `ocp_obproxy_cluster` ([`Owner::Obproxy`]): OCP's
//! OBProxy parameter list gives each parameter's current and default value and no type, so
//! its values are compared as untyped values (booleans in any case) and are not checked at
//! plan time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::client::api::obproxy::NameValue;
use crate::client::api::parameters::{Parameter, ParameterInfo, ParameterValue};
use crate::client::{ClientError, OcpClient};
use crate::framework::{
    read_model, Attr, AttrPath, Block, Diagnostics, PlanRequest, PlanResponse, Schema,
};
use crate::lifecycle::data::ListData;
use crate::lifecycle::{Call, Fail, Step};
use crate::value::{Known, Type};

/// The managed parameters of a resource: name → value as the user wrote it.
pub type Params = BTreeMap<String, String>;

/// The attribute every parameter path starts with.
pub const ATTR: &str = "parameters";

/// The tenant system variable behind `ocp_tenant.time_zone`.
const TIME_ZONE: &str = "time_zone";

/// `parameterType` of a tenant's system variables.
const SYSTEM_VARIABLE: &str = "OB_SYSTEM_VARIABLE";

/// The path of parameter `name`: `parameters["name"]`.
pub fn path(name: &str) -> AttrPath {
    AttrPath::root(ATTR).key(name)
}

/// Whose parameters: a cluster's, a tenant's or an OBProxy cluster's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// Cluster `id`.
    Cluster(i64),
    /// Tenant `(cluster_id, tenant_id)`.
    Tenant(i64, i64),
    /// OBProxy cluster `id`.
    Obproxy(i64),
}

impl Owner {
    fn noun(self) -> &'static str {
        match self {
            Owner::Cluster(_) => "cluster",
            Owner::Tenant(..) => "tenant",
            Owner::Obproxy(_) => "OBProxy cluster",
        }
    }
}

/// The `parameters` attribute of `ocp_cluster` (`what` = "cluster") and `ocp_tenant`.
///
/// Optional and computed, so that "no parameters" has one value in state, the empty map:
/// Terraform 1.0 turns an absent map into an empty one in a resource with `ignore_changes`,
/// and an import cannot know which keys the configuration lists. [`plan_unset`] plans an
/// absent attribute as the empty map (every key it managed returns to its default).
pub fn attr(what: &str) -> Attr {
    Attr::map(Type::String).optional().computed().doc(format!(
        "OceanBase parameters of the {what}, by name, such as `{{ syslog_level = \"INFO\" }}`. Only the keys listed are managed: they are set through OCP's parameter calls, changed in place, and a key removed returns to OCP's default. Parameters never listed are left as they are and never show as changes; leaving the attribute out is the same as an empty map. Values are compared the way OceanBase reads them (`true` = `True`, `10G` = `10GB`, `3600s` = `1h`), so your spelling stays. Names and values are checked against OCP's parameter metadata at plan time; a change of a parameter that needs an OBServer restart gives a warning. `data \"ocp_{what}_parameters\"` lists what OCP offers."
    ))
}

// ---- values ----

/// A value of a type OCP names, reduced to what it means.
#[derive(Debug, PartialEq)]
enum Meaning {
    Bool(bool),
    Number(f64),
    Word(String),
    Text(String),
}

/// Bytes per unit of a size; a bare number is megabytes (OceanBase's default unit).
fn size_unit(u: &str) -> Option<f64> {
    Some(match u.to_ascii_uppercase().as_str() {
        "B" => 1.0,
        "K" | "KB" => 1024.0,
        "" | "M" | "MB" => 1024.0 * 1024.0,
        "G" | "GB" => 1024.0f64.powi(3),
        "T" | "TB" => 1024.0f64.powi(4),
        "P" | "PB" => 1024.0f64.powi(5),
        _ => return None,
    })
}

/// Microseconds per unit of a duration; a bare number is seconds.
fn time_unit(u: &str) -> Option<f64> {
    Some(match u.to_ascii_lowercase().as_str() {
        "us" => 1.0,
        "ms" => 1e3,
        "" | "s" => 1e6,
        "m" => 60e6,
        "h" => 3600e6,
        "d" => 86400e6,
        _ => return None,
    })
}

/// A whole number and what follows it.
fn number_unit(v: &str) -> Option<(f64, &str)> {
    let end = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let n: f64 = v[..end].parse().ok()?;
    Some((n, v[end..].trim()))
}

/// What `v` means as a value of `value_type` (OCP's `valueType`); `Err` says why it is not one.
/// An untyped value that reads as a boolean is one (OCP stores booleans lower-case).
fn meaning(value_type: Option<&str>, v: &str) -> Result<Meaning, String> {
    let t = v.trim();
    let boolean = match t.to_ascii_lowercase().as_str() {
        "true" => Some(Meaning::Bool(true)),
        "false" => Some(Meaning::Bool(false)),
        _ => None,
    };
    match value_type.map(str::to_ascii_uppercase).as_deref() {
        Some("BOOL" | "BOOLEAN") => {
            boolean.ok_or_else(|| format!("{v:?} is not a boolean (true or false)"))
        }
        Some("INT" | "INTEGER") => t
            .parse::<i128>()
            .map(|n| Meaning::Number(n as f64))
            .map_err(|_| format!("{v:?} is not an integer")),
        Some("DOUBLE" | "NUMBER") => match t.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Meaning::Number(x)),
            _ => Err(format!("{v:?} is not a number")),
        },
        Some("CAPACITY") => {
            let (n, u) =
                number_unit(t).ok_or_else(|| format!("{v:?} is not a size such as 10G or 512M"))?;
            let m = size_unit(u)
                .ok_or_else(|| format!("{v:?} has an unknown unit {u:?} (B, K, M, G, T or P)"))?;
            Ok(Meaning::Number(n * m))
        }
        Some("TIME") => {
            let (n, u) = number_unit(t)
                .ok_or_else(|| format!("{v:?} is not a duration such as 30s or 10m"))?;
            let m = time_unit(u)
                .ok_or_else(|| format!("{v:?} has an unknown unit {u:?} (us, ms, s, m, h or d)"))?;
            Ok(Meaning::Number(n * m))
        }
        Some("ENUM") => Ok(Meaning::Word(t.to_ascii_uppercase())),
        None => Ok(boolean.unwrap_or_else(|| Meaning::Text(t.to_string()))),
        _ => Ok(Meaning::Text(t.to_string())),
    }
}

/// Whether OCP's value `ocp` means the same as `mine` for a parameter of `value_type`. Values
/// that do not parse as the type are compared as written.
pub fn same_value(value_type: Option<&str>, mine: &str, ocp: &str) -> bool {
    match (meaning(value_type, mine), meaning(value_type, ocp)) {
        (Ok(Meaning::Number(a)), Ok(Meaning::Number(b))) => {
            (a - b).abs() <= f64::EPSILON * a.abs().max(b.abs()).max(1.0)
        }
        (Ok(a), Ok(b)) => a == b,
        _ => mine.trim() == ocp.trim(),
    }
}

/// Checks `value` against what OCP says of the parameter; `Err` says why OCP would refuse it.
pub fn check(info: &ParameterInfo, value: &str) -> Result<(), String> {
    if info.readonly == Some(true) {
        return Err(format!(
            "{} is read-only in OCP and cannot be set.",
            info.name
        ));
    }
    let vt = info.value_type.as_deref();
    let m = meaning(vt, value)?;
    if let (Meaning::Word(w), false) = (&m, info.valid_values.is_empty()) {
        if !info.valid_values.iter().any(|v| v.eq_ignore_ascii_case(w)) {
            return Err(format!(
                "{value:?} is not one of {}.",
                info.valid_values.join(", ")
            ));
        }
    }
    if let (Meaning::Number(n), Some(r)) = (&m, &info.value_range) {
        let bound = |b: &Option<String>| match b.as_deref().map(|b| meaning(vt, b)) {
            Some(Ok(Meaning::Number(x))) => Some(x),
            _ => None,
        };
        let (lo, hi) = (bound(&r.min_value), bound(&r.max_value));
        if lo.is_some_and(|lo| *n < lo) || hi.is_some_and(|hi| *n > hi) {
            return Err(format!(
                "{value:?} is out of range: {} takes values from {} to {}.",
                info.name,
                r.min_value.as_deref().unwrap_or("-"),
                r.max_value.as_deref().unwrap_or("-")
            ));
        }
    }
    Ok(())
}

/// Whether a time zone OCP reports means the one configured (`+8:00` = `+08:00`).
fn same_time_zone(mine: &str, ocp: &str) -> bool {
    fn minutes(tz: &str) -> Option<i32> {
        let sign = match tz.chars().next()? {
            '+' => 1,
            '-' => -1,
            _ => return None,
        };
        let (h, m) = tz[1..].split_once(':')?;
        Some(sign * (h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?))
    }
    match (minutes(mine.trim()), minutes(ocp.trim())) {
        (Some(a), Some(b)) => a == b,
        _ => mine.trim().eq_ignore_ascii_case(ocp.trim()),
    }
}

// ---- what OCP has ----

/// OCP's parameter metadata of one owner kind, by name.
pub struct Catalogue(BTreeMap<String, ParameterInfo>);

impl Catalogue {
    /// The metadata of the cluster parameters, of the tenant parameters, or of one OBProxy
    /// cluster's parameters (its list: names and defaults).
    pub async fn of(client: &OcpClient, owner: Owner) -> Result<Catalogue, ClientError> {
        let list = match owner {
            Owner::Cluster(_) => client.cluster_parameter_info().await?,
            Owner::Tenant(..) => client.tenant_parameter_info().await?,
            Owner::Obproxy(id) => (client.list_obproxy_parameters(id).await?.into_iter())
                .map(|p| ParameterInfo {
                    name: p.name,
                    default_value: p.default_value,
                    ..ParameterInfo::default()
                })
                .collect(),
        };
        Ok(Catalogue(
            list.into_iter()
                .map(|p| (p.name.to_ascii_lowercase(), p))
                .collect(),
        ))
    }

    /// What a read compares values by: the metadata, none for an OBProxy cluster (OCP gives
    /// no types of its parameters, so no call is made).
    async fn types(client: &OcpClient, owner: Owner) -> Result<Catalogue, ClientError> {
        match owner {
            Owner::Obproxy(_) => Ok(Catalogue(BTreeMap::new())),
            _ => Catalogue::of(client, owner).await,
        }
    }

    /// The metadata of `name` (case-insensitive, as OceanBase matches names).
    pub fn get(&self, name: &str) -> Option<&ParameterInfo> {
        self.0.get(&name.to_ascii_lowercase())
    }

    fn value_type(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|i| i.value_type.as_deref())
    }
}

/// `owner`'s parameters with their current values.
async fn list(client: &OcpClient, owner: Owner) -> Result<Vec<Parameter>, ClientError> {
    match owner {
        Owner::Cluster(id) => client.list_cluster_parameters(id).await,
        Owner::Tenant(c, t) => client.list_tenant_parameters(c, t).await,
        Owner::Obproxy(id) => Ok((client.list_obproxy_parameters(id).await?.into_iter())
            .map(|p| Parameter {
                name: p.name,
                current_value: p.value,
                ..Parameter::default()
            })
            .collect()),
    }
}

/// [`list`], `None` when OCP answers "not found": the owner was just found, so the list call
/// itself is missing, and the caller keeps what it has (design rule R6).
async fn listed(client: &OcpClient, owner: Owner) -> Result<Option<Vec<Parameter>>, ClientError> {
    crate::client::api::not_found_as_none(list(client, owner).await)
}

/// The current value of parameter `name` in `current`.
fn value_in(current: &[Parameter], name: &str) -> Option<String> {
    (current.iter())
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .and_then(|p| p.current_value.clone())
}

// ---- plan ----

/// The `parameters` of a configuration or state as planning sees them.
#[derive(Deserialize)]
struct View {
    parameters: Option<Known<BTreeMap<String, Option<Known<String>>>>>,
}

fn known_params(
    v: &crate::value::Value,
    diags: &mut Diagnostics,
) -> Option<BTreeMap<String, Option<String>>> {
    let view = read_model::<View>(v, diags)?;
    let map = view.parameters?.known()?;
    Some(
        map.into_iter()
            .map(|(k, v)| (k, v.and_then(Known::known)))
            .collect(),
    )
}

/// Plans an absent `parameters` as the empty map (see [`attr`]); a map not known yet stays so.
pub fn plan_unset(schema: &Schema, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
    #[derive(Serialize)]
    struct Planned {
        parameters: Params,
    }
    let mut d = Diagnostics::new();
    if read_model::<View>(req.config, &mut d).is_some_and(|v| v.parameters.is_none()) {
        let empty = Params::new();
        crate::lifecycle::replan_set(&Planned { parameters: empty }, schema, resp);
    }
}

/// Plan checks of the `parameters` of `owner`'s kind (a cluster or a tenant), against OCP's
/// metadata (see the module docs). The tenant checks also name cluster parameters as such.
/// Metadata OCP cannot give leaves the checks to OCP at apply.
pub async fn check_plan(
    client: &OcpClient,
    owner: Owner,
    req: &PlanRequest<'_>,
    resp: &mut PlanResponse,
) {
    let mut d = Diagnostics::new();
    let config = known_params(req.config, &mut d).unwrap_or_default();
    let prior = if req.prior.is_null() {
        BTreeMap::new()
    } else {
        known_params(req.prior, &mut d).unwrap_or_default()
    };
    let removed: Vec<&String> = prior.keys().filter(|k| !config.contains_key(*k)).collect();
    if config.is_empty() && removed.is_empty() {
        return;
    }
    let cat = match Catalogue::of(client, owner).await {
        Ok(c) if !c.0.is_empty() => c,
        Ok(_) => {
            log::warn!("OCP gave no parameter metadata; OCP checks the parameters at apply");
            return;
        }
        Err(e) => {
            log::warn!("parameter metadata unavailable at plan time, OCP checks at apply: {e}");
            return;
        }
    };
    let mut restart = Vec::new();
    for (name, value) in &config {
        let Some(value) = value else { continue };
        let Some(info) = cat.get(name) else {
            let detail = unknown_detail(client, owner, name).await;
            resp.diags
                .attr_error(path(name), "Unknown Parameter", detail);
            continue;
        };
        if let Err(why) = check(info, value) {
            resp.diags.attr_error(
                path(name),
                "Invalid Parameter Value",
                format!("OCP would refuse {name} = {value:?}: {why}"),
            );
            continue;
        }
        let changed = match prior.get(name) {
            Some(Some(before)) => !same_value(info.value_type.as_deref(), before, value),
            _ => true,
        };
        if changed && info.need_restart == Some(true) {
            restart.push(name.clone());
        }
    }
    for name in removed {
        if cat.get(name).is_some_and(|i| i.need_restart == Some(true)) {
            restart.push(name.clone());
        }
    }
    if !restart.is_empty() {
        resp.diags.attr_warning(
            AttrPath::root(ATTR),
            "Parameters Need a Restart",
            format!(
                "{} take{} effect only after the {}'s OBServers restart; OCP records the new value now, and OceanBase uses it from the next restart.",
                restart.join(", "),
                if restart.len() == 1 { "s" } else { "" },
                owner.noun(),
            ),
        );
    }
}

/// Why `name` is not a parameter of `owner`'s kind: a cluster parameter on a tenant (or the
/// reverse), or no parameter at all.
async fn unknown_detail(client: &OcpClient, owner: Owner, name: &str) -> String {
    let (other, is) = match owner {
        Owner::Tenant(..) => (Owner::Cluster(0), "is a cluster parameter: it cannot be set per tenant. Set it in the `parameters` of the ocp_cluster instead."),
        _ => (Owner::Tenant(0, 0), "is a tenant parameter or system variable: set it in the `parameters` of each ocp_tenant instead."),
    };
    match Catalogue::of(client, other).await {
        Ok(c) if c.get(name).is_some() => format!("{name} {is}"),
        _ => format!(
            "OCP knows no {} parameter named {name:?}. `data \"ocp_{}_parameters\"` lists them.",
            owner.noun(),
            owner.noun()
        ),
    }
}

// ---- read ----

/// The managed parameters as OCP has them: for each key of `mine`, OCP's current value, or
/// `mine`'s spelling when it means the same. A key OCP does not report keeps `mine`'s value
/// (design rule R6). No key managed reads as the empty map (see [`attr`]).
pub async fn read(
    client: &OcpClient,
    owner: Owner,
    mine: &Option<Params>,
) -> Result<Option<Params>, ClientError> {
    let mine = match mine {
        Some(m) if !m.is_empty() => m,
        _ => return Ok(Some(Params::new())),
    };
    let Some(current) = listed(client, owner).await? else {
        return Ok(Some(mine.clone()));
    };
    let cat = Catalogue::types(client, owner).await?;
    Ok(Some(managed(mine, &current, &cat)))
}

/// The tenant's managed `parameters` and its `time_zone` as OCP has them, in one list call:
/// `mine`'s spelling where OCP's value means the same. A list OCP answers with "not found"
/// keeps `mine` (design rule R6).
pub async fn read_tenant(
    client: &OcpClient,
    ids: (i64, i64),
    mine: &Option<Params>,
    tz: &Option<String>,
) -> Result<(Option<Params>, Option<String>), ClientError> {
    let owner = Owner::Tenant(ids.0, ids.1);
    let Some(current) = listed(client, owner).await? else {
        return Ok((mine.clone(), tz.clone()));
    };
    let params = match mine {
        Some(m) if !m.is_empty() => managed(m, &current, &Catalogue::of(client, owner).await?),
        _ => Params::new(),
    };
    let tz = match (value_in(&current, TIME_ZONE), tz) {
        (Some(o), Some(m)) if same_time_zone(m, &o) => Some(m.clone()),
        (Some(o), _) => Some(o),
        (None, m) => m.clone(),
    };
    Ok((Some(params), tz))
}

/// Sets a tenant's parameters and time zone from `prior` to `plan` (`(parameters, time_zone)`)
/// in one call; a refused time zone is reported on `time_zone`.
pub async fn apply_tenant(
    call: &mut Call<'_>,
    ids: (i64, i64),
    prior: (&Option<Params>, &Option<String>),
    plan: (&Option<Params>, &Option<String>),
) -> Step {
    let extra = match (prior.1, plan.1) {
        (Some(p), Some(n)) if same_time_zone(p, n) => Vec::new(),
        (_, Some(n)) => vec![ParameterValue {
            name: TIME_ZONE.into(),
            value: n.to_string(),
            parameter_type: Some(SYSTEM_VARIABLE.into()),
        }],
        (_, None) => Vec::new(),
    };
    let owner = Owner::Tenant(ids.0, ids.1);
    let at = Some(AttrPath::root(TIME_ZONE));
    apply(call, owner, prior.0, plan.0, extra, at).await
}

/// A tenant's `time_zone` may be set by the attribute or by `parameters["time_zone"]`, not both.
pub fn validate_tenant(config: &crate::value::Value, diags: &mut Diagnostics) {
    #[derive(Deserialize)]
    struct Tz {
        time_zone: Option<Known<String>>,
    }
    let mut d = Diagnostics::new();
    let has_attr = read_model::<Tz>(config, &mut d).is_some_and(|t| t.time_zone.is_some());
    let in_map = known_params(config, &mut d)
        .is_some_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case(TIME_ZONE)));
    if has_attr && in_map {
        diags.attr_error(path(TIME_ZONE), "Time Zone Set Twice", "The tenant's time zone is set by `time_zone` and by `parameters[\"time_zone\"]`. Keep `time_zone`, which OCP also takes at creation.");
    }
}

fn managed(mine: &Params, current: &[Parameter], cat: &Catalogue) -> Params {
    mine.iter()
        .map(|(name, v)| {
            let value = match value_in(current, name) {
                Some(o) if !same_value(cat.value_type(name), v, &o) => o,
                _ => v.clone(),
            };
            (name.clone(), value)
        })
        .collect()
}

// ---- write ----

/// The body entries that take `prior` to `plan`: changed and added keys with the planned value,
/// removed keys with OCP's default (`Err` names a removed key OCP gives no default of).
fn changes(
    prior: &Params,
    plan: &Params,
    cat: &Catalogue,
    owner: Owner,
) -> Result<Vec<ParameterValue>, String> {
    // A tenant entry's type is its metadata's (`OB_TENANT_PARAMETER` when the metadata names
    // none); without metadata for it (an OCP without the metadata call) no type is guessed.
    let entry = |name: &String, value: String| ParameterValue {
        parameter_type: (cat.get(name))
            .filter(|_| matches!(owner, Owner::Tenant(..)))
            .map(|i| (i.parameter_type.clone()).unwrap_or_else(|| "OB_TENANT_PARAMETER".into())),
        name: name.clone(),
        value,
    };
    let mut out: Vec<ParameterValue> = (plan.iter())
        .filter(|(name, v)| {
            (prior.get(*name)).is_none_or(|p| !same_value(cat.value_type(name), p, v))
        })
        .map(|(name, v)| entry(name, v.clone()))
        .collect();
    for name in prior.keys().filter(|k| !plan.contains_key(*k)) {
        match cat.get(name).and_then(|i| i.default_value.clone()) {
            Some(default) => out.push(entry(name, default)),
            None => return Err(name.clone()),
        }
    }
    Ok(out)
}

/// Sets `owner`'s parameters from `prior` to `plan` in one synchronous call, plus `extra`
/// entries. OCP's refusal is reported on `parameters["<name>"]` of the entry it names
/// (`extra_path` for the extra entries).
pub async fn apply(
    call: &mut Call<'_>,
    owner: Owner,
    prior: &Option<Params>,
    plan: &Option<Params>,
    extra: Vec<ParameterValue>,
    extra_path: Option<AttrPath>,
) -> Step {
    let (prior, plan) = (
        prior.clone().unwrap_or_default(),
        plan.clone().unwrap_or_default(),
    );
    if prior == plan && extra.is_empty() {
        return Ok(());
    }
    let cat = Catalogue::of(call.client, owner).await?;
    let mut body = match changes(&prior, &plan, &cat, owner) {
        Ok(b) => b,
        Err(name) => {
            return Err(call.error(
                Some(path(&name)),
                format!("{name} was removed from `parameters`, which returns it to OCP's default, but OCP gives no default for it. Keep it with the value you want."),
            ))
        }
    };
    let n = body.len();
    body.extend(extra);
    if body.is_empty() {
        return Ok(());
    }
    let r = match owner {
        Owner::Cluster(id) => call.client.set_cluster_parameters(id, &body).await,
        Owner::Tenant(c, t) => call.client.set_tenant_parameters(c, t, &body).await,
        Owner::Obproxy(id) => {
            let pairs = name_values(body.iter().map(|p| (&p.name, &p.value)));
            call.client.set_obproxy_parameters(id, &pairs).await
        }
    };
    r.map_err(|e| {
        let f = e.field();
        let i = f.and_then(|f| f.body_index().or(f.index_of(ATTR)));
        let at = i.map(|i| match body.get(i) {
            Some(p) if i < n => Some(path(&p.name)),
            _ => extra_path.clone(),
        });
        Fail::at(e, at.flatten().unwrap_or_else(|| AttrPath::root(ATTR)))
    })
}

/// `(name, value)` pairs as OCP's plain `[{name, value}]` bodies take them (a cluster's startup
/// parameters, OBProxy's parameter calls).
pub fn name_values<'a>(pairs: impl Iterator<Item = (&'a String, &'a String)>) -> Vec<NameValue> {
    let entry = |(name, value): (&String, &String)| NameValue {
        name: name.clone(),
        value: value.clone(),
    };
    pairs.map(entry).collect()
}

/// The create-body entries of a tenant's `parameters` (in name order), with their
/// `parameterType` from OCP's metadata (`OB_TENANT_PARAMETER` when it names none; no type without metadata).
pub async fn create_entries(
    client: &OcpClient,
    plan: &Option<Params>,
) -> Result<Vec<ParameterValue>, ClientError> {
    let Some(plan) = plan.as_ref().filter(|p| !p.is_empty()) else {
        return Ok(Vec::new());
    };
    let cat = Catalogue::of(client, Owner::Tenant(0, 0)).await?;
    // Nothing is removed in a create, so every key has its entry.
    Ok(changes(&Params::new(), plan, &cat, Owner::Tenant(0, 0)).unwrap_or_default())
}

/// The `parameters["<name>"]` a create-tenant refusal names (`parameters[i]` of the body, whose
/// entries are `plan`'s keys in name order).
pub fn create_error_path(err: &ClientError, plan: &Option<Params>) -> Option<AttrPath> {
    let f = err.field()?;
    if f.root() != ATTR {
        return None;
    }
    let i = f.index_of(ATTR)?;
    plan.as_ref()?.keys().nth(i).map(|n| path(n))
}

// ---- data sources ----

/// One entry of `parameters` in the data sources.
#[derive(Serialize, Deserialize)]
pub struct ParameterEntry {
    name: String,
    value: Option<String>,
    default_value: Option<String>,
    need_restart: Option<bool>,
    readonly: Option<bool>,
    parameter_type: Option<String>,
    value_type: Option<String>,
    description: Option<String>,
}

/// The attributes of a [`ParameterEntry`], all computed.
const ENTRY: [(&str, Type, &str); 8] = [
    ("name", Type::String, "Parameter name."),
    ("value", Type::String, "Current value, as OCP reports it."),
    ("default_value", Type::String, "OCP's default value; removing the key from a resource's `parameters` returns to it."),
    ("need_restart", Type::Bool, "Whether a change takes effect only after the OBServers restart."),
    ("readonly", Type::Bool, "Whether OCP refuses to change it."),
    ("parameter_type", Type::String, "OCP's kind: `OB_CLUSTER_PARAMETER`, `OB_TENANT_PARAMETER` or `OB_SYSTEM_VARIABLE`."),
    ("value_type", Type::String, "Type of the value as OCP's metadata names it, such as `BOOL`, `INT`, `CAPACITY` or `TIME`."),
    ("description", Type::String, "What the parameter does."),
];

/// The entries of `current` whose name contains `filter` (case-insensitive), with what the
/// catalogue adds, by name.
fn entries(current: Vec<Parameter>, cat: &Catalogue, filter: Option<&str>) -> Vec<ParameterEntry> {
    let filter = filter.map(str::to_ascii_lowercase);
    let mut out: Vec<ParameterEntry> = (current.into_iter())
        .filter(|p| (filter.as_deref()).is_none_or(|f| p.name.to_ascii_lowercase().contains(f)))
        .map(|p| {
            let info = cat.get(&p.name).cloned().unwrap_or_default();
            ParameterEntry {
                value: p.current_value,
                default_value: info.default_value,
                need_restart: p.need_restart.or(info.need_restart),
                readonly: p.readonly.or(info.readonly),
                parameter_type: p.parameter_type.or(info.parameter_type),
                value_type: info.value_type,
                description: p.description.or(info.description),
                name: p.name,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The arguments of `data "ocp_cluster_parameters"` and `data "ocp_tenant_parameters"`
/// (`tenant_id` only in the tenant's).
#[derive(Serialize, Deserialize)]
pub struct ParametersOf {
    cluster_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tenant_id: Option<i64>,
    name: Option<String>,
}

/// `data "ocp_cluster_parameters"` (`TENANT` false: every parameter of a cluster) and `data
/// "ocp_tenant_parameters"` (every parameter and system variable of a tenant), with their
/// values and metadata.
#[derive(Default)]
pub struct ParametersDataSource<const TENANT: bool>;

/// `data "ocp_cluster_parameters"`.
pub type ClusterParametersDataSource = ParametersDataSource<false>;
/// `data "ocp_tenant_parameters"`.
pub type TenantParametersDataSource = ParametersDataSource<true>;

/// The description of the list attribute of the data source that lists `$what`.
macro_rules! list_doc {
    ($what:literal) => {
        concat!("The ", $what, " by name: `name`, `value`, `default_value`, `need_restart`, `readonly`, `parameter_type`, `value_type` and `description`.")
    };
}

#[tonic::async_trait]
impl<const TENANT: bool> ListData for ParametersDataSource<TENANT> {
    type Filter = ParametersOf;
    type Entry = ParameterEntry;
    const NAMES: [&'static str; 3] = match TENANT {
        true => ["ocp_tenant_parameters", "List Tenant Parameters", ATTR],
        false => ["ocp_cluster_parameters", "List Cluster Parameters", ATTR],
    };
    const LIST_DOC: &'static str = match TENANT {
        true => list_doc!("parameters and system variables"),
        false => list_doc!("parameters"),
    };

    fn filters(&self) -> Schema {
        let (what, of) = match TENANT {
            true => ("parameters and system variables", "a tenant"),
            false => ("parameters", "a cluster"),
        };
        let s = Schema::new(format!("Lists the OceanBase {what} of {of} with their current value, default and whether a change needs a restart."));
        let cluster = Attr::int().required().doc("OCP id of the cluster.");
        match TENANT {
            true => super::tenant_selector(s),
            false => s.attr("cluster_id", cluster),
        }
        .attr("name", Attr::string().optional().doc("Only parameters whose name contains this text (case-insensitive), such as `syslog`."))
    }

    fn entry(&self) -> Type {
        Block::new("A parameter OCP knows.")
            .computed_attrs(&ENTRY)
            .implied_type()
    }

    async fn fetch(&self, client: &OcpClient, f: &ParametersOf) -> Step<Vec<ParameterEntry>> {
        let (owner, by) = match f.tenant_id {
            Some(t) => (Owner::Tenant(f.cluster_id, t), "tenant_id"),
            None => (Owner::Cluster(f.cluster_id), "cluster_id"),
        };
        let current = list(client, owner)
            .await
            .map_err(|e| Fail::at(e, AttrPath::root(by)))?;
        let cat = Catalogue::of(client, owner).await?;
        Ok(entries(current, &cat, f.name.as_deref()))
    }
}

#[cfg(test)]
mod tests;
