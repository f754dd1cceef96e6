//! The `ocp_tenant` resource and the `ocp_tenant` / `ocp_tenants` data sources.
//!
//! API: ocp-api.md §3.4 (tenants) and §5 #1, #2, #7-#10. Create, delete, primary-zone and
//! replica changes are async OCP tasks; whitelist, description, password and lock are
//! synchronous. The root password is write-only: OCP never returns it, so state keeps the
//! configured value.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use crate::client::api::tenant::{CreateTenant, ReplicaSpec, Tenant, TenantFilter};
use crate::client::{ClientError, Created, OcpClient, Secret};
use crate::framework::validate::{IntBetween, NotBlank, OneOf, Validator};
use crate::framework::{
    Attr, AttrPath, Block, CreateRequest, CreateResponse, Ctx, DataReadRequest, DataReadResponse,
    DataSource, DeleteRequest, DeleteResponse, Diagnostics, ImportResponse, NestedBlock,
    PlanRequest, PlanResponse, ReadRequest, ReadResponse, Resource, Schema, UpdateRequest,
    UpdateResponse,
};
use crate::value::{Type, Value};

use super::unique::{refuse_duplicates, Keyed};
use super::{
    pend, poll_until_ready, refuse_existing, report, report_delete, set_reported, task_private,
    wait, wait_tasks, Existing, Waited,
};
use crate::lifecycle::pending::Op;

/// Tenant modes OCP knows (§3.4.1).
const MODES: &[&str] = &["MYSQL", "ORACLE"];
/// Replica types OCP knows (§3.4.1).
const REPLICA_TYPES: &[&str] = &["FULL", "LOGONLY", "READONLY"];
/// Character sets OCP accepts per mode (§3.4.1).
const MYSQL_CHARSETS: &[&str] = &["utf8mb4", "binary", "gbk", "gb18030"];
const ORACLE_CHARSETS: &[&str] = &["utf8mb4", "gbk", "gb18030"];

fn zone_block() -> Block {
    Block::new("A zone that holds a replica of the tenant. Adding a block adds a replica, removing one deletes it, and changing `replica_type`, `unit_spec` or `unit_count` modifies it, all in place through OCP's replica calls.")
        .attr("name", Attr::string().required().validate(NotBlank).doc("Name of a zone of the cluster, such as `zone1`."))
        .attr("replica_type", Attr::string().default(Value::string("FULL")).validate(OneOf(REPLICA_TYPES)).doc("Replica type: `FULL`, `LOGONLY` or `READONLY`. Default `FULL`."))
        .attr("unit_spec", Attr::string().required().validate(NotBlank).doc("Name of a unit specification from OCP's catalogue, such as `S1`; it sets the CPU and memory of each unit."))
        .attr("unit_count", Attr::int().default(Value::from_i64(1)).validate(IntBetween(1, 1024)).doc("Number of resource units in the zone. Default `1`."))
}

/// The `ocp_tenant` resource.
pub struct TenantResource;

/// Tenant name: starts with a letter, then letters, digits or underscores, at most 64
/// characters (our reading of OceanBase's rule, shared with the simulator).
const TENANT_NAME: super::NameRule = super::NameRule {
    summary: "Invalid Tenant Name",
    ..super::DB_OBJECT_NAME
};

/// Whitelist entries as OCP accepts them: `%`, an IPv4 address, an IPv4 network `a.b.c.d/n`,
/// or an address with `%` octets such as `10.10.10.%` (§3.4.1).
struct WhitelistEntries;

fn valid_whitelist_entry(e: &str) -> bool {
    if e == "%" {
        return true;
    }
    let (addr, prefix) = match e.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (e, None),
    };
    if let Some(p) = prefix {
        if !p.parse::<u8>().is_ok_and(|n| n <= 32) || addr.contains('%') {
            return false;
        }
    }
    // Decimal octets without leading zeros: OCP refuses `010.0.0.1` (read as octal by some
    // parsers, so ambiguous).
    let octets: Vec<&str> = addr.split('.').collect();
    octets.len() == 4
        && octets.iter().all(|o| {
            *o == "%"
                || (!o.is_empty()
                    && o.len() <= 3
                    && !(o.len() > 1 && o.starts_with('0'))
                    && o.parse::<u16>().is_ok_and(|n| n <= 255))
        })
}

/// A whitelist entry by the clients it lets in, the way OceanBase matches them: `/32` as
/// the plain address, a network without its host bits,
/// trailing `%` octets as the network they cover (`10.10.%.%` = `10.10.0.0/16`), and `/0` as
/// `%`. `None` for an entry that is not valid (reported on its own).
fn whitelist_key(e: &str) -> Option<String> {
    if !valid_whitelist_entry(e) {
        return None;
    }
    if e == "%" {
        return Some("%".into());
    }
    let (addr, prefix) = match e.split_once('/') {
        Some((a, p)) => (a, Some(p.parse::<u32>().ok()?)),
        None => (e, None),
    };
    let octets: Vec<Option<u32>> = addr
        .split('.')
        .map(|o| if o == "%" { None } else { o.parse().ok() })
        .collect();
    let wild = octets.iter().rev().take_while(|o| o.is_none()).count();
    let prefix = match prefix {
        Some(p) => p,
        None if octets[..4 - wild].iter().all(Option::is_some) => 32 - 8 * wild as u32,
        // `%` in the middle (`10.%.0.1`): not a network; only the octets' spelling varies.
        None => {
            let parts: Vec<String> = octets
                .iter()
                .map(|o| o.map_or("%".into(), |n| n.to_string()))
                .collect();
            return Some(parts.join("."));
        }
    };
    if prefix == 0 {
        return Some("%".into());
    }
    let ip = octets
        .iter()
        .fold(0u32, |acc, o| (acc << 8) | o.unwrap_or(0));
    let net = ip & (u32::MAX << (32 - prefix));
    let text = std::net::Ipv4Addr::from(net).to_string();
    Some(if prefix == 32 {
        text
    } else {
        format!("{text}/{prefix}")
    })
}

impl Validator for WhitelistEntries {
    fn description(&self) -> String {
        "IPv4 addresses, networks such as `10.0.0.0/8`, patterns such as `10.10.10.%`, or `%` for any".into()
    }
    fn validate(&self, path: &AttrPath, v: &Value, diags: &mut Diagnostics) {
        let bad: Vec<&str> = v
            .elements()
            .iter()
            .filter_map(Value::as_str)
            .filter(|e| !valid_whitelist_entry(e))
            .collect();
        if !bad.is_empty() {
            diags.attr_error(
                path.clone(),
                "Invalid Whitelist Entry",
                format!(
                    "Attribute {path} holds {bad:?}; entries must be {}.",
                    self.description()
                ),
            );
        }
        let items: Vec<&str> = v.elements().iter().filter_map(Value::as_str).collect();
        let entries: Vec<Keyed<String>> = items
            .iter()
            .map(|e| Keyed {
                path: path.clone(),
                key: whitelist_key(e),
            })
            .collect();
        refuse_duplicates(&entries, "Duplicate Whitelist Entry", diags, |d| {
            format!(
                "Attribute {path} holds {:?} and {:?}, which let in the same clients ({}): OCP treats them as one entry. Keep one of them.",
                items[d.first.0], items[d.second.0], d.key
            )
        });
        if v.is_wholly_known() && v.elements().is_empty() && !v.is_null() {
            diags.attr_error(path.clone(), "Empty Whitelist", format!("Attribute {path} must hold at least one entry; use [\"%\"] to allow any client."));
        }
    }
}

/// The zone names of a primary-zone string (`zone1;zone2,zone3`).
fn primary_zone_names(pz: &str) -> Vec<&str> {
    pz.split([',', ';'])
        .map(str::trim)
        .filter(|z| !z.is_empty())
        .collect()
}

/// A primary zone as OCP takes it: zone names joined by `,` and `;` without spaces (users may
/// write `zone1; zone2`; state keeps their spelling, see [`same_primary_zone`]).
pub(crate) fn ocp_primary_zone(pz: &str) -> String {
    pz.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether two primary-zone strings say the same thing (spacing aside).
pub(crate) fn same_primary_zone(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> Vec<BTreeSet<&str>> {
        s.split(';')
            .map(|g| g.split(',').map(str::trim).collect())
            .collect()
    }
    norm(a) == norm(b)
}

/// OCP's comma string as a set value.
fn whitelist_value(w: Option<&str>) -> Value {
    match w {
        None => Value::Null,
        Some(w) => Value::set(
            w.split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(Value::string),
        ),
    }
}

/// A set value as OCP's comma string (sorted, so the same set always gives the same string).
fn whitelist_string(v: &Value) -> Option<String> {
    if v.is_null() {
        return None;
    }
    let entries: BTreeSet<&str> = v.elements().iter().filter_map(Value::as_str).collect();
    Some(entries.into_iter().collect::<Vec<_>>().join(","))
}

fn replica_of(z: &Value) -> Option<ReplicaSpec> {
    Some(ReplicaSpec {
        zone_name: z.get("name")?.as_str()?.to_string(),
        replica_type: z
            .get("replica_type")
            .and_then(Value::as_str)
            .unwrap_or("FULL")
            .to_string(),
        unit_spec_name: z.get("unit_spec")?.as_str()?.to_string(),
        unit_count: z.get("unit_count").and_then(Value::as_i64).unwrap_or(1),
    })
}

fn replicas_of(v: &Value) -> Vec<ReplicaSpec> {
    v.get("zone")
        .map(|z| z.elements().iter().filter_map(replica_of).collect())
        .unwrap_or_default()
}

fn str_attr<'a>(v: &'a Value, a: &str) -> Option<&'a str> {
    v.get(a).and_then(Value::as_str)
}

fn ids(v: &Value) -> Option<(i64, i64)> {
    Some((v.get("cluster_id")?.as_i64()?, v.get("id")?.as_i64()?))
}

/// The state for tenant `t`, keeping from `prior` what OCP does not return (the password,
/// `deletion_protection`, `timeouts`) and the user's spelling where OCP's means the same
/// (zone order, primary-zone spacing, an empty description).
fn state_from(t: &Tenant, prior: &Value) -> Value {
    let mut s = prior.clone();
    if !matches!(s, Value::Object(_)) {
        s = Value::object(Vec::<(String, Value)>::new());
    }
    // Every field but `id` and `name` may be absent (R6): what OCP leaves out keeps the prior
    // value (`set_reported`).
    let mode = t
        .mode
        .clone()
        .or_else(|| str_attr(prior, "mode").map(str::to_string))
        .unwrap_or_else(|| "MYSQL".into());
    s.set_attr("id", Value::from_i64(t.id));
    if let Some(c) = t.cluster_id {
        s.set_attr("cluster_id", Value::from_i64(c));
    }
    s.set_attr("name", Value::string(t.name.clone()));
    s.set_attr("mode", Value::string(mode.clone()));
    set_reported(
        &mut s,
        prior,
        "charset",
        t.charset.clone().map(Value::string),
    );
    // OCP ignores the collation of Oracle tenants (§3.4.1): keep what the user wrote.
    let configured = prior
        .get("collation")
        .is_some_and(|c| !c.is_null() && !c.is_unknown());
    if mode != "ORACLE" || !configured {
        set_reported(
            &mut s,
            prior,
            "collation",
            t.collation.clone().map(Value::string),
        );
    }
    let pz = t
        .primary_zone
        .as_deref()
        .map(|ocp| match str_attr(prior, "primary_zone") {
            Some(mine) if same_primary_zone(ocp, mine) => Value::string(mine),
            _ => Value::string(ocp),
        });
    set_reported(&mut s, prior, "primary_zone", pz);
    let wl = t.whitelist.as_deref().map(|w| whitelist_value(Some(w)));
    set_reported(&mut s, prior, "whitelist", wl);
    let desc = t.description.as_deref().map(|d| match d {
        "" if str_attr(prior, "description") != Some("") => Value::Null,
        d => Value::string(d),
    });
    set_reported(&mut s, prior, "description", desc);
    set_reported(&mut s, prior, "locked", t.locked.map(Value::Bool));
    if s.get("locked").is_none_or(Value::is_null) {
        s.set_attr("locked", Value::Bool(false));
    }
    if prior.get("deletion_protection").is_none_or(Value::is_null) {
        s.set_attr("deletion_protection", Value::Bool(false));
    }
    set_reported(&mut s, prior, "status", t.status.clone().map(Value::string));
    set_reported(
        &mut s,
        prior,
        "create_time",
        t.create_time.clone().map(Value::string),
    );
    set_reported(
        &mut s,
        prior,
        "ob_tenant_id",
        t.ob_tenant_id.map(Value::from_i64),
    );
    set_reported(
        &mut s,
        prior,
        "locality",
        t.locality.clone().map(Value::string),
    );
    set_reported(
        &mut s,
        prior,
        "ob_version",
        t.ob_version.clone().map(Value::string),
    );
    set_reported(
        &mut s,
        prior,
        "cluster_name",
        t.cluster_name.clone().map(Value::string),
    );
    if t.zones.is_empty() {
        // No replicas reported (the detail fields are §5 #10, inferred): keep the prior ones.
        set_reported(&mut s, prior, "zone", None);
        return s;
    }

    // Zones in the user's order; zones OCP has that the user did not write come last.
    let prior_order: Vec<&str> = prior
        .get("zone")
        .map(|z| {
            z.elements()
                .iter()
                .filter_map(|e| str_attr(e, "name"))
                .collect()
        })
        .unwrap_or_default();
    let mut zones: Vec<&crate::client::api::tenant::TenantZone> = t.zones.iter().collect();
    zones.sort_by_key(|z| {
        prior_order
            .iter()
            .position(|p| *p == z.name)
            .unwrap_or(usize::MAX)
    });
    let zone_values = zones
        .into_iter()
        .map(|z| {
            let pool = z.resource_pool.as_ref();
            Value::object([
                ("name", Value::string(z.name.clone())),
                (
                    "replica_type",
                    Value::string(z.replica_type.clone().unwrap_or_else(|| "FULL".into())),
                ),
                (
                    "unit_spec",
                    Value::opt_string(pool.and_then(|p| p.unit_spec_name.clone())),
                ),
                (
                    "unit_count",
                    Value::opt_i64(pool.and_then(|p| p.unit_count)),
                ),
            ])
        })
        .collect::<Vec<_>>();
    s.set_attr("zone", Value::List(zone_values));
    s
}

/// The read-back after create or update: the tenant as OCP has it now, with the configured
/// values OCP does not return. A tenant missing right after its task succeeded is an error.
async fn read_back(
    client: &OcpClient,
    base: &Value,
    diags: &mut Diagnostics,
    action: &str,
) -> Option<Value> {
    let (cluster_id, id) = ids(base)?;
    match client.find_tenant(cluster_id, id).await {
        Ok(Some(t)) => Some(state_from(&t, base)),
        Ok(None) => {
            diags.error(
                format!("Unable to {action} Tenant"),
                format!("Tenant {id} of cluster {cluster_id} was not found in OCP right after its task succeeded."),
            );
            None
        }
        Err(e) => {
            report(diags, &format!("Read Tenant After {action}"), None, &e);
            None
        }
    }
}

/// Checks a tenant found after this create's POST went unanswered against the plan: one
/// that differs was made by someone else in between, and adopting it would put it under
/// Terraform's control unasked (R2).
fn adoptable(t: &Tenant, plan: &Value) -> Result<(), String> {
    let mode = str_attr(plan, "mode").unwrap_or("MYSQL");
    if t.mode.as_deref().unwrap_or("MYSQL") != mode {
        return Err(format!(
            "its mode is {:?}, not {mode:?}",
            t.mode.as_deref().unwrap_or("")
        ));
    }
    let want: BTreeSet<String> = replicas_of(plan).into_iter().map(|r| r.zone_name).collect();
    let have: BTreeSet<String> = t.zones.iter().map(|z| z.name.clone()).collect();
    if !have.is_empty() && want != have {
        return Err(format!("its zones are {have:?}, not {want:?}"));
    }
    Ok(())
}

#[tonic::async_trait]
impl Resource for TenantResource {
    fn type_name(&self) -> &'static str {
        "ocp_tenant"
    }

    fn schema(&self) -> Schema {
        Schema::new("An OceanBase tenant in a cluster managed by OCP. Creation, deletion and replica changes run as OCP tasks that Terraform waits on.")
            .attr("id", Attr::int().computed().use_state_for_unknown().doc("OCP id of the tenant."))
            .attr("cluster_id", Attr::int().required().requires_replace().doc("OCP id of the cluster that hosts the tenant, e.g. `data.ocp_cluster.demo.id`. Changing it replaces the tenant."))
            .attr("name", Attr::string().required().requires_replace().validate(TENANT_NAME).doc("Tenant name, unique in the cluster: a letter followed by letters, digits or underscores, at most 64 characters. Changing it replaces the tenant."))
            .attr("mode", Attr::string().default(Value::string("MYSQL")).requires_replace().validate(OneOf(MODES)).doc("Compatibility mode: `MYSQL` or `ORACLE`. Default `MYSQL`. Changing it replaces the tenant."))
            .attr("charset", Attr::string().default(Value::string("utf8mb4")).requires_replace().doc("Character set: `utf8mb4`, `gbk` or `gb18030`, and `binary` for MySQL mode. Default `utf8mb4`. Changing it replaces the tenant."))
            .attr("collation", Attr::string().optional().computed().use_state_for_unknown().requires_replace().doc("Collation of the character set, such as `utf8mb4_general_ci` (OCP's default for `utf8mb4`). Ignored by OCP for Oracle-mode tenants. Changing it replaces the tenant."))
            .attr("primary_zone", Attr::string().optional().computed().use_state_for_unknown().validate(super::PrimaryZoneSyntax).doc("Zone priority for leaders: `,` separates zones of equal priority and `;` lowers the priority, e.g. `zone1;zone2,zone3`, or `RANDOM` to spread leaders over every zone. Every zone named must have a `zone` block. Default: what OCP chooses (`RANDOM`); leaving it out later keeps the current value. Changed in place."))
            .attr("whitelist", Attr::set(Type::String).optional().computed().use_state_for_unknown().validate(WhitelistEntries).doc("Client addresses allowed to connect: IPv4 addresses, networks such as `10.0.0.0/8`, patterns such as `10.10.10.%`, or `%` for any. A set: order never matters; two entries that let in the same clients (`10.0.0.1` and `10.0.0.1/32`) are refused. Default: what OCP sets (`%`). Changed in place."))
            .attr("root_password", Attr::string().required().sensitive().doc("Password of the tenant's administrator (`root` in MySQL mode, `SYS` in Oracle mode): 8 to 32 characters with at least three of upper case, lower case, digits and specials `~!@#%^&*_-+=|(){}[]:;,.?/`. OCP never returns it, so Terraform cannot see changes made outside it. Changed in place."))
            .attr("description", Attr::string().optional().doc("Free-text description. Changed in place."))
            .attr("locked", Attr::bool().default(Value::Bool(false)).doc("Whether the tenant is locked (clients cannot connect). Default `false`. Changed in place. At create, OCP's create call has no lock field, so a tenant created with `true` is locked through OCP's lock call right after its create task succeeds."))
            .attr("deletion_protection", Attr::bool().default(Value::Bool(false)).doc("While `true`, `terraform destroy` (or a replacement) fails with an error instead of deleting the tenant. Default `false`. Not sent to OCP."))
            .attr("status", Attr::string().computed().doc("Tenant status as OCP reports it, such as `NORMAL`."))
            .attr("create_time", Attr::string().computed().use_state_for_unknown().doc("When OCP created the tenant (ISO-8601 with offset)."))
            .attr("ob_tenant_id", Attr::int().computed().use_state_for_unknown().doc("OceanBase's own tenant id (`obTenantId`), distinct from the OCP id."))
            .attr("locality", Attr::string().computed().doc("Replica distribution as OceanBase reports it, such as `FULL{1}@zone1, FULL{1}@zone2`."))
            .attr("ob_version", Attr::string().computed().use_state_for_unknown().doc("OceanBase version of the tenant's cluster."))
            .attr("cluster_name", Attr::string().computed().use_state_for_unknown().doc("Name of the cluster that hosts the tenant."))
            .block("zone", NestedBlock::list(zone_block()).items(1, 0))
            .timeouts(&[
                ("create", Duration::from_secs(30 * 60)),
                ("update", Duration::from_secs(30 * 60)),
                ("delete", Duration::from_secs(15 * 60)),
            ])
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let mode = str_attr(config, "mode").unwrap_or("MYSQL");
        if let Some(cs) = str_attr(config, "charset") {
            let allowed = if mode == "ORACLE" {
                ORACLE_CHARSETS
            } else {
                MYSQL_CHARSETS
            };
            if config.get("mode").is_none_or(|m| !m.is_unknown()) && !allowed.contains(&cs) {
                diags.attr_error(
                    AttrPath::root("charset"),
                    "Invalid Character Set",
                    format!("A {mode} tenant takes one of {allowed:?} as charset, got {cs:?}."),
                );
            }
            if let Some(coll) = str_attr(config, "collation") {
                let family = if cs == "binary" {
                    coll == "binary"
                } else {
                    coll.starts_with(&format!("{cs}_"))
                };
                if !family {
                    diags.attr_error(
                        AttrPath::root("collation"),
                        "Invalid Collation",
                        format!("Collation {coll:?} does not belong to character set {cs:?}; use one such as \"{cs}_general_ci\" or \"{cs}_bin\"."),
                    );
                }
            }
        }
        let zones = config.get("zone").map(Value::elements).unwrap_or(&[]);
        let named: Vec<Keyed<&str>> = zones
            .iter()
            .enumerate()
            .map(|(i, z)| Keyed {
                path: AttrPath::root("zone").index(i).attr("name"),
                key: str_attr(z, "name"),
            })
            .collect();
        refuse_duplicates(&named, "Duplicate Zone", diags, |d| {
            format!(
                "{} and {} both name zone {:?}; a tenant has at most one replica per zone. Keep one `zone` block for it.",
                d.first.1, d.second.1, d.key
            )
        });
        let seen: BTreeSet<&str> = named.iter().filter_map(|k| k.key).collect();
        // A `zone` list not known yet (a `dynamic` block over a value known only at apply)
        // is "not yet known", never "no zones".
        let names_known = config.get("zone").is_none_or(|z| !z.is_unknown())
            && zones
                .iter()
                .all(|z| z.get("name").is_some_and(|n| !n.is_unknown()));
        let pz = str_attr(config, "primary_zone").filter(|pz| !super::is_random_primary_zone(pz));
        if let (Some(pz), true) = (pz, names_known) {
            for z in primary_zone_names(pz) {
                if !seen.contains(z) {
                    diags.attr_error(
                        AttrPath::root("primary_zone"),
                        "Unknown Primary Zone",
                        format!("primary_zone names {z:?}, which has no `zone` block; the tenant's zones are {seen:?}."),
                    );
                }
            }
        }
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        if req.prior.is_null() || resp.planned == *req.prior {
            return;
        }
        // Locality and the primary zone only move when the zones do.
        let zones_changed = resp.planned.get("zone") != req.prior.get("zone");
        if !zones_changed {
            if let Some(l) = req.prior.get("locality") {
                resp.planned.set_attr("locality", l.clone());
            }
        }
        // The status comes back NORMAL after any change that only touches synchronous
        // settings; replica tasks report their own.
        if let Some(s) = req
            .prior
            .get("status")
            .filter(|s| s.as_str() == Some("NORMAL"))
        {
            if !zones_changed && req.config.get("primary_zone") == req.prior.get("primary_zone") {
                resp.planned.set_attr("status", s.clone());
            }
        }
    }

    async fn create(&self, ctx: &Ctx, req: CreateRequest, resp: &mut CreateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let deadline = Instant::now() + req.timeout;
        let plan = &req.plan;
        let (Some(cluster_id), Some(name), Some(password)) = (
            plan.get("cluster_id").and_then(Value::as_i64),
            str_attr(plan, "name"),
            str_attr(plan, "root_password"),
        ) else {
            return resp.diags.bug(
                "Unable to Create Tenant",
                "The plan lacks cluster_id, name or root_password.",
            );
        };
        let body = CreateTenant {
            name: name.to_string(),
            mode: str_attr(plan, "mode").unwrap_or("MYSQL").to_string(),
            primary_zone: str_attr(plan, "primary_zone").map(ocp_primary_zone),
            charset: str_attr(plan, "charset").map(str::to_string),
            collation: str_attr(plan, "collation").map(str::to_string),
            description: str_attr(plan, "description").map(str::to_string),
            whitelist: plan
                .get("whitelist")
                .filter(|w| !w.is_unknown())
                .and_then(whitelist_string),
            root_password: Secret::new(password),
            save_to_credential: false,
            zones: replicas_of(plan),
        };
        let created = match client.create_tenant(cluster_id, &body).await {
            Ok(c) => c,
            Err(e) => {
                return report(
                    &mut resp.diags,
                    "Create Tenant",
                    create_error_path(&e, plan),
                    &e,
                )
            }
        };
        let mut state = plan.clone();
        let (tenant_id, task) = match created {
            Created::New(task) => match task.tenant_id {
                Some(id) => (id, Some(task)),
                None => match client.find_tenant_by_name(cluster_id, name).await {
                    Ok(Some(t)) => (t.id, Some(task)),
                    _ => {
                        return resp.diags.error(
                            "Unable to Create Tenant",
                            format!("OCP accepted the create (task {}) but the tenant {name:?} could not be found in cluster {cluster_id}. Check OCP, then import it with `terraform import`.", task.id),
                        )
                    }
                },
            },
            // Made by this create's own unanswered POST, and what the plan asks for.
            Created::Adopted(t) if adoptable(&t, plan).is_ok() => {
                log::info!("adopting tenant {} ({name}), made by this create's unanswered POST", t.id);
                (t.id, None)
            }
            Created::Adopted(t) | Created::Existing(t) => {
                return refuse_existing(
                    &mut resp.diags,
                    Existing {
                        type_name: "ocp_tenant",
                        noun: "Tenant",
                        what: format!(
                            "tenant {:?} (OCP id {}) in cluster {cluster_id}",
                            t.name, t.id
                        ),
                        import_id: format!("{cluster_id}/{}", t.id),
                        attr: "name",
                    },
                )
            }
        };
        // Record the tenant before waiting on anything (R1): any later failure leaves it in
        // state, where Terraform marks it tainted.
        state.set_attr("id", Value::from_i64(tenant_id));
        resp.state = state.clone();
        if let Some(task) = &task {
            let w = wait_tasks(
                client,
                ctx,
                Op::Create,
                &[task.id],
                deadline,
                &mut resp.private,
                &mut resp.diags,
                "Create Tenant",
            )
            .await;
            if w != Waited::Done {
                return;
            }
        } else {
            match wait_until_normal(client, ctx, cluster_id, tenant_id, deadline).await {
                Ok(true) => {}
                Ok(false) => {
                    return resp.diags.error(
                        "Unable to Create Tenant",
                        format!("Tenant {tenant_id} ({name}) did not become NORMAL before the create timeout or an interrupt. It stays in state; the next apply replaces it unless it is untainted with `terraform untaint`."),
                    )
                }
                Err(e) => return report(&mut resp.diags, "Create Tenant", None, &e),
            }
        }
        let Some(created) = read_back(client, &state, &mut resp.diags, "Create").await else {
            return;
        };
        resp.state = created;
        lock_after_create(client, &state, resp).await;
    }

    async fn read(&self, ctx: &Ctx, req: ReadRequest, resp: &mut ReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some((cluster_id, id)) = ids(&req.state) else {
            return resp.diags.error("Unable to Read Tenant", "The state has no cluster_id or id; remove it with `terraform state rm` and import the tenant.");
        };
        match client.find_tenant(cluster_id, id).await {
            Ok(Some(t)) => resp.state = Some(state_from(&t, &req.state)),
            Ok(None) => {
                log::info!("tenant {id} of cluster {cluster_id} is gone; removing it from state");
                resp.remove();
            }
            Err(e) => report(&mut resp.diags, "Read Tenant", None, &e),
        }
    }

    async fn update(&self, ctx: &Ctx, req: UpdateRequest, resp: &mut UpdateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let deadline = Instant::now() + req.timeout;
        let Some((cluster_id, id)) = ids(&req.prior) else {
            return resp.diags.bug(
                "Unable to Update Tenant",
                "The prior state has no cluster_id or id.",
            );
        };
        let (prior, plan) = (&req.prior, &req.plan);
        let result = apply_changes(client, ctx, cluster_id, id, prior, plan, deadline, resp).await;
        // Whatever happened, state is what OCP has now, with the planned configuration-only
        // values (the password only once OCP took it).
        let mut base = plan.clone();
        if let Err((step, e)) = result {
            if step != Step::Done && step <= Step::Password {
                base.set_attr(
                    "root_password",
                    prior.get("root_password").cloned().unwrap_or(Value::Null),
                );
            }
            match e.unfinished_task() {
                Some(t) => pend(
                    Op::Update,
                    vec![t],
                    &e,
                    &mut resp.private,
                    &mut resp.diags,
                    "Update Tenant",
                ),
                None => report(
                    &mut resp.diags,
                    "Update Tenant",
                    unit_count_path(&e, &req.plan).or(step.path()),
                    &e,
                ),
            }
        }
        match read_back(client, &base, &mut resp.diags, "Update").await {
            Some(s) => resp.state = s,
            None if resp.diags.has_errors() => {}
            None => resp.state = base,
        }
    }

    async fn delete(&self, ctx: &Ctx, req: DeleteRequest, resp: &mut DeleteResponse) {
        if req
            .state
            .get("deletion_protection")
            .and_then(Value::as_bool)
            == Some(true)
        {
            return resp.diags.attr_error(
                AttrPath::root("deletion_protection"),
                "Tenant Is Protected From Deletion",
                format!(
                    "Tenant {:?} has deletion_protection = true. Set it to false and apply before destroying or replacing the tenant.",
                    str_attr(&req.state, "name").unwrap_or("")
                ),
            );
        }
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let deadline = Instant::now() + req.timeout;
        let Some((cluster_id, id)) = ids(&req.state) else {
            return;
        };
        let task = match client.delete_tenant(cluster_id, id).await {
            Ok(None) => return, // already gone
            Ok(Some(t)) => t,
            Err(e) => return report_delete(&mut resp.diags, "Delete Tenant", &e),
        };
        if let Err(e) = wait(client, ctx, &task, deadline).await {
            return report_delete(&mut resp.diags, "Delete Tenant", &e);
        }
        match client.find_tenant(cluster_id, id).await {
            Ok(None) => {}
            Ok(Some(t)) => resp.diags.error(
                "Unable to Delete Tenant",
                format!(
                    "OCP's delete task {} succeeded but tenant {id} still exists (status {:?}).",
                    task.id,
                    t.status.unwrap_or_default()
                ),
            ),
            Err(e) => report(&mut resp.diags, "Confirm Tenant Deletion", None, &e),
        }
    }

    async fn import(&self, ctx: &Ctx, id: &str, resp: &mut ImportResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some((cluster, tenant)) = id
            .split_once('/')
            .filter(|(c, t)| !c.is_empty() && !t.is_empty() && !t.contains('/'))
        else {
            return resp.diags.error(
                "Invalid Import ID",
                format!("Expected \"<cluster_id>/<tenant_id>\" (e.g. \"1000001/1002001\") or \"<cluster_name>/<tenant_name>\", got {id:?}."),
            );
        };
        let (cluster_id, tenant_id) = match (cluster.parse::<i64>(), tenant.parse::<i64>()) {
            (Ok(c), Ok(t)) => (c, t),
            _ => {
                let c = match client.find_cluster_by_name(cluster).await {
                    Ok(Some(c)) => c,
                    Ok(None) => {
                        return resp.diags.error(
                            "Cluster Not Found",
                            format!("OCP has no cluster named {cluster:?}."),
                        )
                    }
                    Err(e) => return report(&mut resp.diags, "Import Tenant", None, &e),
                };
                match client.find_tenant_by_name(c.id, tenant).await {
                    Ok(Some(t)) => (c.id, t.id),
                    Ok(None) => {
                        return resp.diags.error(
                            "Tenant Not Found",
                            format!("Cluster {cluster:?} has no tenant named {tenant:?}."),
                        )
                    }
                    Err(e) => return report(&mut resp.diags, "Import Tenant", None, &e),
                }
            }
        };
        resp.state = Some(Value::object([
            ("cluster_id", Value::from_i64(cluster_id)),
            ("id", Value::from_i64(tenant_id)),
            ("deletion_protection", Value::Bool(false)),
            ("zone", Value::List(Vec::new())),
        ]));
    }
}

/// Which in-place change was under way; ordered as `apply_changes` runs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Whitelist,
    Description,
    AddReplicas,
    ModifyReplicas,
    PrimaryZone,
    DeleteReplicas,
    Password,
    Lock,
    Done,
}

impl Step {
    fn path(self) -> Option<AttrPath> {
        Some(AttrPath::root(match self {
            Step::Whitelist => "whitelist",
            Step::Description => "description",
            Step::AddReplicas | Step::ModifyReplicas | Step::DeleteReplicas => "zone",
            Step::PrimaryZone => "primary_zone",
            Step::Password => "root_password",
            Step::Lock => "locked",
            Step::Done => return None,
        }))
    }
}

/// Runs each change the plan asks for, in an order OCP accepts: replicas are added before the
/// primary zone may name them and deleted after it no longer does. Each async step waits on
/// its task. Stops at the first failure and says which step failed.
#[allow(clippy::too_many_arguments)]
async fn apply_changes(
    client: &OcpClient,
    ctx: &Ctx,
    cluster_id: i64,
    id: i64,
    prior: &Value,
    plan: &Value,
    deadline: Instant,
    resp: &mut UpdateResponse,
) -> Result<(), (Step, ClientError)> {
    let changed = |a: &str| prior.get(a) != plan.get(a);
    if changed("whitelist") {
        if let Some(w) = plan.get("whitelist").and_then(whitelist_string) {
            client
                .modify_tenant_whitelist(cluster_id, id, &w)
                .await
                .map_err(|e| (Step::Whitelist, e))?;
        }
    }
    if changed("description") {
        let d = str_attr(plan, "description").unwrap_or("");
        client
            .modify_tenant_description(cluster_id, id, d)
            .await
            .map_err(|e| (Step::Description, e))?;
    }
    let before: BTreeMap<String, ReplicaSpec> = replicas_of(prior)
        .into_iter()
        .map(|r| (r.zone_name.clone(), r))
        .collect();
    let after: BTreeMap<String, ReplicaSpec> = replicas_of(plan)
        .into_iter()
        .map(|r| (r.zone_name.clone(), r))
        .collect();
    let added: Vec<ReplicaSpec> = after
        .values()
        .filter(|r| !before.contains_key(&r.zone_name))
        .cloned()
        .collect();
    let modified: Vec<ReplicaSpec> = after
        .values()
        .filter(|r| before.get(&r.zone_name).is_some_and(|b| b != *r))
        .cloned()
        .collect();
    let removed: Vec<String> = before
        .keys()
        .filter(|z| !after.contains_key(*z))
        .cloned()
        .collect();
    let mut run = |step: Step, task: crate::client::TaskInstance| {
        resp.private = task_private(task.id);
        async move {
            wait(client, ctx, &task, deadline)
                .await
                .map(|_| ())
                .map_err(|e| (step, e))
        }
    };
    if !added.is_empty() {
        let t = client
            .add_tenant_replicas(cluster_id, id, &added)
            .await
            .map_err(|e| (Step::AddReplicas, e))?;
        run(Step::AddReplicas, t).await?;
    }
    if !modified.is_empty() {
        let t = client
            .modify_tenant_replicas(cluster_id, id, &modified)
            .await
            .map_err(|e| (Step::ModifyReplicas, e))?;
        run(Step::ModifyReplicas, t).await?;
    }
    if let (true, Some(pz)) = (changed("primary_zone"), str_attr(plan, "primary_zone")) {
        let same = str_attr(prior, "primary_zone").is_some_and(|p| same_primary_zone(p, pz));
        if !same {
            if let Some(t) = client
                .modify_tenant_primary_zone(cluster_id, id, &ocp_primary_zone(pz))
                .await
                .map_err(|e| (Step::PrimaryZone, e))?
            {
                run(Step::PrimaryZone, t).await?;
            }
        }
    }
    if !removed.is_empty() {
        let t = client
            .delete_tenant_replicas(cluster_id, id, &removed)
            .await
            .map_err(|e| (Step::DeleteReplicas, e))?;
        run(Step::DeleteReplicas, t).await?;
    }
    if changed("root_password") {
        if let Some(p) = str_attr(plan, "root_password") {
            client
                .change_tenant_password(cluster_id, id, &Secret::new(p))
                .await
                .map_err(|e| (Step::Password, e))?;
        }
    }
    if changed("locked") {
        let r = if plan.get("locked").and_then(Value::as_bool) == Some(true) {
            client.lock_tenant(cluster_id, id).await
        } else {
            client.unlock_tenant(cluster_id, id).await
        };
        r.map_err(|e| (Step::Lock, e))?;
    }
    Ok(())
}

/// `locked = true` at create: OCP's create-tenant body has no lock field (ocp-api.md §3.4.1),
/// so the new tenant is locked with OCP's lock call (§3.4, synchronous) once its create task
/// succeeded. The tenant is already in `resp.state` (R1): when the lock fails, it stays there
/// as OCP has it (unlocked), and the error on `locked` makes Terraform taint it once.
async fn lock_after_create(client: &OcpClient, base: &Value, resp: &mut CreateResponse) {
    let want = base.get("locked").and_then(Value::as_bool) == Some(true);
    let have = resp.state.get("locked").and_then(Value::as_bool) == Some(true);
    if !want || have {
        return;
    }
    let Some((cluster_id, id)) = ids(base) else {
        return;
    };
    if let Err(e) = client.lock_tenant(cluster_id, id).await {
        return report(
            &mut resp.diags,
            "Lock Tenant After Create",
            Some(AttrPath::root("locked")),
            &e,
        );
    }
    if let Some(s) = read_back(client, base, &mut resp.diags, "Lock").await {
        resp.state = s;
    }
}

/// Polls an adopted tenant (whose create task is unknown) until OCP reports it NORMAL.
/// Ok(false) when the deadline passes or Terraform sends Stop first.
async fn wait_until_normal(
    client: &OcpClient,
    ctx: &Ctx,
    cluster_id: i64,
    id: i64,
    deadline: Instant,
) -> Result<bool, ClientError> {
    poll_until_ready(
        ctx,
        deadline,
        "tenant",
        format!("/api/v2/ob/clusters/{cluster_id}/tenants/{id}"),
        || async {
            let t = client.find_tenant(cluster_id, id).await?;
            Ok(t.map(|t| t.status.as_deref() == Some("NORMAL")))
        },
    )
    .await
}

/// The attribute an OCP create error is about, read from OCP's error message (OCP gives no
/// structured field name, §5 #3).
/// The `zone[i].unit_count` an OCP refusal of a unit count is about: OCP places one unit of a
/// tenant per OBServer of a zone, which only OCP knows, so a `unit_count` above a zone's
/// OBServers is refused at apply. The zone is found by the name the message gives
/// (`zone zone2`), else by the index of `zones[i]` in a create body (built in plan order).
fn unit_count_path(e: &ClientError, plan: &Value) -> Option<AttrPath> {
    let ClientError::Api { message, .. } = e else {
        return None;
    };
    if !message.contains("unitCount") {
        return None;
    }
    let zones = plan.get("zone").map(Value::elements).unwrap_or(&[]);
    let named = zones.iter().position(|z| {
        z.get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| message.contains(&format!("zone {n} ")))
    });
    let indexed = || {
        let rest = message.split("zones[").nth(1)?;
        let i: usize = rest.split(']').next()?.parse().ok()?;
        (i < zones.len()).then_some(i)
    };
    let i = named.or_else(indexed)?;
    Some(AttrPath::root("zone").index(i).attr("unit_count"))
}

fn create_error_path(e: &ClientError, plan: &Value) -> Option<AttrPath> {
    if let Some(p) = unit_count_path(e, plan) {
        return Some(p);
    }
    let ClientError::Api { message, .. } = e else {
        return None;
    };
    let m = message.to_ascii_lowercase();
    let attr = if m.contains("zone") && !m.contains("primary") {
        "zone"
    } else if m.contains("primary") {
        "primary_zone"
    } else if m.contains("whitelist") {
        "whitelist"
    } else if m.contains("password") {
        "root_password"
    } else if m.contains("collation") {
        "collation"
    } else if m.contains("charset") {
        "charset"
    } else if m.contains("unit") {
        "zone"
    } else if m.contains("name") {
        "name"
    } else {
        return None;
    };
    Some(AttrPath::root(attr))
}

fn tenant_type() -> Type {
    Type::object([
        ("id", Type::Number),
        ("cluster_id", Type::Number),
        ("cluster_name", Type::String),
        ("name", Type::String),
        ("mode", Type::String),
        ("status", Type::String),
        ("charset", Type::String),
        ("collation", Type::String),
        ("primary_zone", Type::String),
        ("locality", Type::String),
        ("locked", Type::Bool),
        ("description", Type::String),
        ("ob_tenant_id", Type::Number),
        ("ob_version", Type::String),
        ("create_time", Type::String),
    ])
}

fn tenant_fields(t: &Tenant) -> Vec<(&'static str, Value)> {
    vec![
        ("id", Value::from_i64(t.id)),
        ("cluster_id", Value::opt_i64(t.cluster_id)),
        ("cluster_name", Value::opt_string(t.cluster_name.clone())),
        ("name", Value::string(t.name.clone())),
        ("mode", Value::opt_string(t.mode.clone())),
        ("status", Value::opt_string(t.status.clone())),
        ("charset", Value::opt_string(t.charset.clone())),
        ("collation", Value::opt_string(t.collation.clone())),
        ("primary_zone", Value::opt_string(t.primary_zone.clone())),
        ("locality", Value::opt_string(t.locality.clone())),
        ("locked", Value::opt_bool(t.locked)),
        ("description", Value::opt_string(t.description.clone())),
        ("ob_tenant_id", Value::opt_i64(t.ob_tenant_id)),
        ("ob_version", Value::opt_string(t.ob_version.clone())),
        ("create_time", Value::opt_string(t.create_time.clone())),
    ]
}

/// `data "ocp_tenant"`: one tenant of a cluster by id or name.
pub struct TenantDataSource;

#[tonic::async_trait]
impl DataSource for TenantDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_tenant"
    }

    fn schema(&self) -> Schema {
        let mut s = Schema::new("Reads one tenant of an OCP-managed cluster, found by `id` or by `name`.")
            .attr("cluster_id", Attr::int().required().doc("OCP id of the cluster that hosts the tenant."))
            .attr("id", Attr::int().optional().computed().doc("OCP id of the tenant. Set `id` or `name`."))
            .attr("name", Attr::string().optional().computed().validate(NotBlank).doc("Tenant name. Set `id` or `name`."))
            .attr("whitelist", Attr::set(Type::String).computed().doc("Client addresses allowed to connect."))
            .attr("zones", Attr::list(Type::object([("name", Type::String), ("replica_type", Type::String), ("unit_spec", Type::String), ("unit_count", Type::Number)])).computed().doc("Replicas of the tenant: zone `name`, `replica_type`, `unit_spec` and `unit_count`."));
        for (name, ty) in tenant_type_attrs() {
            if s.block.attribute(name).is_none() {
                s = s.attr(name, Attr::of(ty).computed().doc(tenant_attr_doc(name)));
            }
        }
        s
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if config.get("id").is_none_or(Value::is_null)
            && config.get("name").is_none_or(Value::is_null)
        {
            diags.error(
                "Missing Tenant Selector",
                "Set `id` or `name` in data \"ocp_tenant\" to choose the tenant to read.",
            );
        }
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(cluster_id) = req.config.get("cluster_id").and_then(Value::as_i64) else {
            return;
        };
        let (found, path) = match (
            req.config.get("id").and_then(Value::as_i64),
            str_attr(&req.config, "name"),
        ) {
            (Some(id), _) => (client.find_tenant(cluster_id, id).await, "id"),
            (None, Some(name)) => (client.find_tenant_by_name(cluster_id, name).await, "name"),
            (None, None) => return,
        };
        let t = match found {
            Ok(Some(t)) => t,
            Ok(None) => return resp.diags.attr_error(AttrPath::root(path), "Tenant Not Found", format!("Cluster {cluster_id} has no tenant with that {path}; `data \"ocp_tenants\"` lists its tenants.")),
            Err(e) => return report(&mut resp.diags, "Read Tenant", None, &e),
        };
        let mut state = Value::object(tenant_fields(&t));
        state.set_attr("whitelist", whitelist_value(t.whitelist.as_deref()));
        let zones = t
            .zones
            .iter()
            .map(|z| {
                let pool = z.resource_pool.as_ref();
                Value::object([
                    ("name", Value::string(z.name.clone())),
                    ("replica_type", Value::opt_string(z.replica_type.clone())),
                    (
                        "unit_spec",
                        Value::opt_string(pool.and_then(|p| p.unit_spec_name.clone())),
                    ),
                    (
                        "unit_count",
                        Value::opt_i64(pool.and_then(|p| p.unit_count)),
                    ),
                ])
            })
            .collect::<Vec<_>>();
        state.set_attr("zones", Value::List(zones));
        resp.state = state;
    }
}

fn tenant_type_attrs() -> Vec<(&'static str, Type)> {
    match tenant_type() {
        Type::Object(m) => {
            let order = [
                "cluster_name",
                "mode",
                "status",
                "charset",
                "collation",
                "primary_zone",
                "locality",
                "locked",
                "description",
                "ob_tenant_id",
                "ob_version",
                "create_time",
            ];
            order
                .iter()
                .filter_map(|n| m.get(*n).map(|t| (*n, t.clone())))
                .collect()
        }
        _ => Vec::new(),
    }
}

fn tenant_attr_doc(name: &str) -> &'static str {
    match name {
        "cluster_name" => "Name of the cluster that hosts the tenant.",
        "mode" => "Compatibility mode: `MYSQL` or `ORACLE`.",
        "status" => "Tenant status as OCP reports it, such as `NORMAL` or `CREATING`.",
        "charset" => "Character set.",
        "collation" => "Collation.",
        "primary_zone" => "Zone priority for leaders, such as `zone1;zone2,zone3`.",
        "locality" => "Replica distribution, such as `FULL{1}@zone1`.",
        "locked" => "Whether the tenant is locked.",
        "description" => "Free-text description.",
        "ob_tenant_id" => "OceanBase's own tenant id.",
        "ob_version" => "OceanBase version.",
        "create_time" => "When OCP created the tenant (ISO-8601 with offset).",
        _ => "",
    }
}

/// `data "ocp_tenants"`: the tenants of one cluster or of all clusters, with filters.
pub struct TenantsDataSource;

#[tonic::async_trait]
impl DataSource for TenantsDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_tenants"
    }

    fn schema(&self) -> Schema {
        Schema::new("Lists tenants, of one cluster or of every cluster OCP manages, paging through OCP's list API.")
            .attr("cluster_id", Attr::int().optional().doc("Only tenants of this cluster (OCP id). Default: every cluster."))
            .attr("name", Attr::string().optional().doc("Only tenants whose name contains this text (OCP's keyword filter, case-insensitive)."))
            .attr("mode", Attr::string().optional().validate(OneOf(MODES)).doc("Only tenants of this mode: `MYSQL` or `ORACLE`."))
            .attr("status", Attr::string().optional().doc("Only tenants with this status, such as `NORMAL`."))
            .attr("tenants", Attr::list(tenant_type()).computed().doc("The tenants in OCP's order, each with `id`, `cluster_id`, `cluster_name`, `name`, `mode`, `status`, `charset`, `collation`, `primary_zone`, `locality`, `locked`, `description`, `ob_tenant_id`, `ob_version` and `create_time`."))
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let filter = TenantFilter {
            name: str_attr(&req.config, "name").map(str::to_string),
            mode: str_attr(&req.config, "mode").map(str::to_string),
            status: str_attr(&req.config, "status").map(str::to_string),
        };
        let cluster_id = req.config.get("cluster_id").and_then(Value::as_i64);
        match client.list_tenants(cluster_id, &filter).await {
            Ok(list) => {
                let mut state = req.config.clone();
                state.set_attr(
                    "tenants",
                    Value::List(
                        list.iter()
                            .map(|t| Value::object(tenant_fields(t)))
                            .collect(),
                    ),
                );
                resp.state = state;
            }
            Err(e) => report(&mut resp.diags, "List Tenants", None, &e),
        }
    }
}

#[cfg(test)]
mod tests;
