//! The `ocp_tenant` resource and the `ocp_tenant` / `ocp_tenants` data sources.
//!
//! API: ocp-api.md §3.4 (tenants) and §5 #1, #2, #7-#10. Create, delete, primary-zone and
//! replica changes are async OCP tasks; whitelist, password and lock are synchronous, and the
//! description, which no OCP call changes, is set at create only. The root password is
//! write-only: OCP never returns it, so state keeps the configured value. The resource is an
//! [`OcpObject`] on the shared lifecycle: this file says only what is particular to tenants
//! (the create body, the multi-step update, the lock after create, `deletion_protection`,
//! import by ids or names).

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::client::api::restore::{Restore, RestoreTenantInfo, Restoring};
use crate::client::api::tenant::{CreateTenant, ReplicaSpec, Tenant, TenantFilter, TenantZone};
use crate::client::{ClientError, Created, OcpClient, Secret, TaskInstance};
use crate::framework::validate::{IntBetween, NotBlank, OneOf, Validator};
use crate::framework::{
    read_model, Attr, AttrPath, Block, Diagnostics, NestedBlock, PlanRequest, PlanResponse, Schema,
};
use crate::lifecycle::data::{entry_type, ListData};
use crate::lifecycle::{
    attr_by_field_or_name, keep_unreported, owned, poll, replan_set, Born, Call, Change, Choice,
    Chooser, Fail, Found, ImportError, Imported, OcpData, OcpObject, Polled, Step, Written,
};
use crate::value::{known, known_str, Known, Type, Value};

use super::database::{connection_strings, connection_strings_attr, ConnectionString};
// The primary-zone helpers live with the primary-zone syntax; databases take them from here.
use super::primary_zone_groups;
use super::restore::{latest_restore_time, restore_block, RestoreFrom};
pub(crate) use super::{ocp_primary_zone, same_primary_zone, spelled_primary_zone};
use crate::framework::unique::refuse_duplicates;

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

/// A whitelist entry by the clients it lets in, the way OceanBase matches them: `/32` as
/// the plain address, a network without its host bits,
/// trailing `%` octets as the network they cover (`10.10.%.%` = `10.10.0.0/16`), and `/0` as
/// `%`. `None` for an entry OCP does not accept (see [`WhitelistEntries`]).
fn whitelist_key(e: &str) -> Option<String> {
    if e == "%" {
        return Some("%".into());
    }
    let (addr, prefix) = match e.split_once('/') {
        Some((a, p)) if !a.contains('%') => (a, Some(p.parse::<u32>().ok().filter(|n| *n <= 32)?)),
        Some(_) => return None,
        None => (e, None),
    };
    // `%` octets read as 0. Rust's parser refuses octets with leading zeros, as OCP does
    // (`010.0.0.1` is octal to some parsers, so ambiguous).
    let octets: Vec<&str> = addr.split('.').collect();
    let text: Vec<&str> = octets
        .iter()
        .map(|o| if *o == "%" { "0" } else { o })
        .collect();
    let ip: Ipv4Addr = text.join(".").parse().ok()?;
    let wild = octets.iter().rev().take_while(|o| **o == "%").count();
    let prefix = match prefix {
        Some(p) => p,
        // `%` in the middle (`10.%.0.1`): not a network; the entry is its own key.
        None if octets[..4 - wild].contains(&"%") => return Some(addr.to_string()),
        None => 32 - 8 * wild as u32,
    };
    if prefix == 0 {
        return Some("%".into());
    }
    let net = Ipv4Addr::from(u32::from(ip) & (u32::MAX << (32 - prefix)));
    Some(match prefix {
        32 => net.to_string(),
        _ => format!("{net}/{prefix}"),
    })
}

impl Validator for WhitelistEntries {
    fn description(&self) -> String {
        "IPv4 addresses, networks such as `10.0.0.0/8`, patterns such as `10.10.10.%`, or `%` for any".into()
    }
    fn validate(&self, path: &AttrPath, v: &Value, diags: &mut Diagnostics) {
        let items: Vec<&str> = v.elements().iter().filter_map(Value::as_str).collect();
        let bad: Vec<&&str> = items
            .iter()
            .filter(|e| whitelist_key(e).is_none())
            .collect();
        if !bad.is_empty() {
            let why = format!(
                "Attribute {path} holds {bad:?}; entries must be {}.",
                self.description()
            );
            diags.attr_error(path.clone(), "Invalid Whitelist Entry", why);
        }
        let keyed = items.iter().map(|e| (path.clone(), whitelist_key(e)));
        refuse_duplicates(keyed, "Duplicate Whitelist Entry", diags, |d| {
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

/// OCP's comma string as the entries of the `whitelist` set.
fn whitelist_entries(w: &str) -> Vec<String> {
    w.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(String::from)
        .collect()
}

/// The entries as OCP's comma string (sorted, so the same set always gives the same string).
fn whitelist_string(entries: &[String]) -> String {
    let set: BTreeSet<&str> = entries.iter().map(String::as_str).collect();
    set.into_iter().collect::<Vec<_>>().join(",")
}

/// One `zone` block of `ocp_tenant`, and one element of `data "ocp_tenant"`'s `zones` (whose
/// type is the block's).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct ZoneModel {
    name: String,
    replica_type: Option<String>,
    unit_spec: Option<String>,
    unit_count: Option<i64>,
}

impl ZoneModel {
    /// A replica as OCP reports it.
    fn of(z: &TenantZone) -> ZoneModel {
        let pool = z.resource_pool.as_ref();
        ZoneModel {
            name: z.name.clone(),
            replica_type: z.replica_type.clone(),
            unit_spec: pool.and_then(|p| p.unit_spec_name.clone()),
            unit_count: pool.and_then(|p| p.unit_count),
        }
    }

    /// The replica as OCP's replica calls take it; `None` without a unit spec.
    fn replica(&self) -> Option<ReplicaSpec> {
        Some(ReplicaSpec {
            zone_name: self.name.clone(),
            replica_type: self.replica_type.clone().unwrap_or_else(|| "FULL".into()),
            unit_spec_name: self.unit_spec.clone()?,
            unit_count: self.unit_count.unwrap_or(1),
        })
    }
}

/// What OCP reports of a tenant besides its ids, name, whitelist and zones: the attributes
/// of an `ocp_tenants` element (see [`REPORTED`]), and part of `ocp_tenant`'s model.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Reported {
    cluster_name: Option<String>,
    mode: Option<String>,
    status: Option<String>,
    charset: Option<String>,
    collation: Option<String>,
    primary_zone: Option<String>,
    locality: Option<String>,
    locked: Option<bool>,
    description: Option<String>,
    ob_tenant_id: Option<i64>,
    ob_version: Option<String>,
    create_time: Option<String>,
}

impl Reported {
    /// Tenant `t` as OCP reports it.
    fn of(t: &Tenant) -> Reported {
        Reported {
            cluster_name: t.cluster_name.clone(),
            mode: t.mode.clone(),
            status: t.status.clone(),
            charset: t.charset.clone(),
            collation: t.collation.clone(),
            primary_zone: t.primary_zone.clone(),
            locality: t.locality.clone(),
            locked: t.locked,
            description: t.description.clone(),
            ob_tenant_id: t.ob_tenant_id,
            ob_version: t.ob_version.clone(),
            create_time: t.create_time.clone(),
        }
    }
}

/// The model of `ocp_tenant`: state, plan and import alike.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TenantModel {
    id: Option<i64>,
    cluster_id: i64,
    name: String,
    #[serde(flatten)]
    info: Reported,
    whitelist: Option<Vec<String>>,
    root_password: Option<String>,
    deletion_protection: Option<bool>,
    #[serde(default)]
    zone: Vec<ZoneModel>,
    /// The `restore_from` block: set when the tenant was (to be) born of a restore.
    restore_from: Option<RestoreFrom>,
    connection_strings: Option<Vec<ConnectionString>>,
    parameters: Option<super::parameters::Params>,
    time_zone: Option<String>,
    /// Set by a create that adopted the tenant its unanswered POST made: its task is unknown,
    /// so `after_create` waits until OCP reports it NORMAL. Never stored.
    #[serde(skip)]
    adopted: bool,
}

impl TenantModel {
    /// The model of tenant `t` as OCP has it, over `base`: what OCP does not return (the
    /// password, `deletion_protection`) or leaves out keeps `base`'s value (design rule R6: a
    /// field the reference does not guarantee is never read as "cleared"), and the user's
    /// spelling stays where OCP's means the same (zone order, primary-zone spacing, an empty
    /// description).
    fn from_ocp(t: &Tenant, base: &TenantModel) -> TenantModel {
        let mine = &base.info;
        let mut info = keep_unreported(Reported::of(t), mine);
        let mode = info.mode.get_or_insert_with(|| "MYSQL".into());
        // OCP ignores the collation of Oracle tenants (§3.4.1): keep what the user wrote.
        if mode == "ORACLE" && mine.collation.is_some() {
            info.collation = mine.collation.clone();
        }
        info.primary_zone =
            (info.primary_zone.take()).map(|o| spelled_primary_zone(o, &mine.primary_zone));
        if info.description.as_deref() == Some("") && mine.description.as_deref() != Some("") {
            info.description = None;
        }
        info.locked.get_or_insert(false);
        let urls = t.connection_urls.as_deref();
        TenantModel {
            id: Some(t.id),
            cluster_id: t.cluster_id.unwrap_or(base.cluster_id),
            name: t.name.clone(),
            info,
            whitelist: (t.whitelist.as_deref().map(whitelist_entries))
                .or_else(|| base.whitelist.clone()),
            deletion_protection: base.deletion_protection.or(Some(false)),
            zone: zones_in_order(&t.zones, &base.zone),
            connection_strings: urls
                .map(connection_strings)
                .or_else(|| base.connection_strings.clone()),
            // The rest OCP does not return: the password, what only shaped the birth (module
            // `restore`), the parameters (read apart).
            ..base.clone()
        }
    }

    /// The replicas of the `zone` blocks, as OCP's create, restore and replica calls take them.
    fn replicas(&self) -> Vec<ReplicaSpec> {
        self.zone.iter().filter_map(ZoneModel::replica).collect()
    }

    /// `(cluster_id, id)`: the path of every call on the tenant.
    fn ids(&self) -> (i64, i64) {
        (self.cluster_id, self.id.unwrap_or_default())
    }
}

/// OCP's replicas in the user's zone order (zones the user did not write come last), or
/// `mine` when OCP reported none (the detail fields are §5 #10, inferred).
fn zones_in_order(ocp: &[TenantZone], mine: &[ZoneModel]) -> Vec<ZoneModel> {
    if ocp.is_empty() {
        return mine.to_vec();
    }
    let mut zones: Vec<ZoneModel> = ocp
        .iter()
        .map(|z| ZoneModel {
            replica_type: z.replica_type.clone().or_else(|| Some("FULL".into())),
            ..ZoneModel::of(z)
        })
        .collect();
    zones.sort_by_key(|z| {
        mine.iter()
            .position(|m| m.name == z.name)
            .unwrap_or(usize::MAX)
    });
    zones
}

/// Whether a tenant found after this create's POST went unanswered is what the plan asks
/// for: one that differs was made by someone else in between, and adopting it would put it
/// under Terraform's control unasked (R2).
fn adoptable(t: &Tenant, plan: &TenantModel) -> bool {
    let want: BTreeSet<String> = plan.replicas().into_iter().map(|r| r.zone_name).collect();
    let have: BTreeSet<String> = t.zones.iter().map(|z| z.name.clone()).collect();
    t.mode.as_deref().unwrap_or("MYSQL") == plan.info.mode.as_deref().unwrap_or("MYSQL")
        && (have.is_empty() || want == have)
}

/// The `zone[i].unit_count` an OCP refusal of a unit count is about: OCP places one unit of a
/// tenant per OBServer of a zone, which only OCP knows, so a `unit_count` above a zone's
/// OBServers is refused at apply. OCP names the replica by its index in the body it refused
/// (`zones[i]` of a create, `[i]` of a replica call); `body` is that body's replicas, so the
/// zone is found by name among the plan's `zone` blocks.
fn unit_count_path(e: &ClientError, body: &[ReplicaSpec], plan: &TenantModel) -> Option<AttrPath> {
    let f = e.field()?;
    if f.leaf() != "unitCount" {
        return None;
    }
    let zone = &body.get(f.index_of("zones").or(f.body_index())?)?.zone_name;
    let i = plan.zone.iter().position(|z| &z.name == zone)?;
    Some(AttrPath::root("zone").index(i).attr("unit_count"))
}

/// Ends one step of `apply_changes`: an OCP refusal goes on the step's attribute `attr` (or on
/// the `zone[i].unit_count` of the replicas in `body` it names); a task it started is waited on.
async fn settle(
    call: &mut Call<'_>,
    attr: &str,
    r: Result<Option<TaskInstance>, ClientError>,
    body: &[ReplicaSpec],
    plan: &TenantModel,
) -> Step {
    match r {
        Ok(Some(t)) => call.wait(&[t.id]).await,
        Ok(None) => Ok(()),
        Err(e) => {
            let path = unit_count_path(&e, body, plan).unwrap_or_else(|| AttrPath::root(attr));
            Err(Fail::at(e, path))
        }
    }
}

/// A create with a `restore_from` block: OCP's restore call (§3.8.1) instead of
/// create-tenant, refused before anything is sent when the source cannot give what the
/// configuration says.
async fn restore(
    call: &mut Call<'_>,
    plan: &TenantModel,
    from: &RestoreFrom,
) -> Step<Created<Restoring, Tenant>> {
    let client = call.client;
    let (cluster_id, name) = (plan.cluster_id, &plan.name);
    let source_path = AttrPath::root("restore_from").attr("tenant_id");
    let Some(src) = client.find_tenant(from.cluster_id, from.tenant_id).await? else {
        return Err(call.error(
            Some(source_path),
            format!(
                "Cluster {} has no tenant {}: restore_from must name an existing tenant that has backups.",
                from.cluster_id, from.tenant_id
            ),
        ));
    };
    // OCP's restore takes the new tenant's name and replicas only (§3.8.2): the rest comes
    // from the source, so the configuration must say the same (or the read-back would
    // contradict the plan). Names compare as OceanBase does, without case; a description as
    // written.
    let checks = [
        ("mode", &src.mode, &plan.info.mode, true),
        ("charset", &src.charset, &plan.info.charset, true),
        ("collation", &src.collation, &plan.info.collation, true),
        (
            "description",
            &src.description,
            &plan.info.description,
            false,
        ),
    ];
    for (attr, theirs, mine, fold) in checks {
        if let (Some(theirs), Some(mine)) = (theirs, mine) {
            if theirs != mine && !(fold && theirs.eq_ignore_ascii_case(mine)) {
                return Err(call.error(
                    Some(AttrPath::root(attr)),
                    format!(
                        "A restored tenant keeps the {attr} of the tenant it is restored from: tenant {:?} has {attr} {theirs:?}, the configuration says {mine:?}. Set {attr} = \"{theirs}\".",
                        src.name
                    ),
                ));
            }
        }
    }
    let at = match &from.restore_time {
        Some(t) => Some(t.clone()),
        None => latest_restore_time(client, from.cluster_id, from.tenant_id).await?,
    };
    let Some(at) = at else {
        return Err(call.error(
            Some(source_path),
            format!(
                "Tenant {:?} (OCP id {}) has no finished data backup to restore from. Take a backup first (an `ocp_backup_policy` with a schedule, or OCP's backup-now).",
                src.name, src.id
            ),
        ));
    };
    log::info!(
        "restoring tenant {:?} of cluster {} as of {at} into tenant {name:?} of cluster {cluster_id}",
        src.name,
        from.cluster_id
    );
    let request = Restore {
        backup_cluster_id: from.cluster_id,
        backup_tenant_id: from.tenant_id,
        restore_cluster_id: cluster_id,
        restore_end_time: at,
        tenant: RestoreTenantInfo {
            name: name.clone(),
            primary_zone: plan.info.primary_zone.as_deref().map(ocp_primary_zone),
            zones: plan.replicas(),
        },
    };
    Ok(client.restore_tenant(&request).await?)
}

/// Records what OCP's create or restore call left (design rules R1, R2): a new tenant by the
/// id OCP's answer names (`answer` reads it and the tasks to wait on from the answer), or
/// else found by name in the cluster (§5 #26); a tenant this create's own unanswered POST
/// made, when it is what the plan asks for; never one that existed before.
async fn born<T>(
    call: &mut Call<'_>,
    plan: &TenantModel,
    created: Created<T, Tenant>,
    answer: impl FnOnce(T) -> (Option<i64>, Vec<i64>),
) -> Step<Born<TenantModel>> {
    let (cluster_id, name) = (plan.cluster_id, &plan.name);
    let born = |id: i64, adopted: bool| TenantModel {
        id: Some(id),
        adopted,
        ..plan.clone()
    };
    let existing = |t: Tenant| {
        let what = format!(
            "tenant {:?} (OCP id {}) in cluster {cluster_id}",
            t.name, t.id
        );
        (what, format!("{cluster_id}/{}", t.id), "name")
    };
    let fits = |t: &Tenant| adoptable(t, plan);
    let (id, tasks) = match owned::<TenantResource, _, _>(call.diags, created, fits, existing)? {
        Ok(a) => answer(a),
        // Made by this create's unanswered POST (the client logs the adoption).
        Err(t) => return Ok(Born::done(born(t.id, true))),
    };
    let find = async {
        Ok(call
            .client
            .find_tenant_by_name(cluster_id, name)
            .await?
            .map(|t| t.id))
    };
    let what = format!("tenant {name:?} of cluster {cluster_id}");
    let id = call.made_id(id, find, &what, &tasks).await?;
    // Without a task to wait on, `after_create` waits until OCP reports it NORMAL.
    let untracked = tasks.is_empty();
    Ok(Born::waiting(born(id, untracked), tasks))
}

/// Runs each change from `prior` to `plan`, in an order OCP accepts: replicas are added before
/// the primary zone may name them and deleted after it no longer does. Each async step waits
/// on its task. Stops at the first failure. `record` (what the read-back starts from) keeps
/// the prior password until OCP took the new one: OCP never returns it.
async fn apply_changes(
    call: &mut Call<'_>,
    prior: &TenantModel,
    plan: &TenantModel,
    record: &mut TenantModel,
) -> Step {
    let client = call.client;
    let (cluster_id, id) = prior.ids();
    record.root_password = prior.root_password.clone();
    let set = |w: &Option<Vec<String>>| w.clone().map(BTreeSet::from_iter);
    if let (true, Some(w)) = (
        set(&prior.whitelist) != set(&plan.whitelist),
        &plan.whitelist,
    ) {
        let w = whitelist_string(w);
        let r = client.modify_tenant_whitelist(cluster_id, id, &w).await;
        settle(call, "whitelist", r.map(|()| None), &[], plan).await?;
    }
    let by_zone = |m: &TenantModel| -> BTreeMap<String, ReplicaSpec> {
        m.replicas()
            .into_iter()
            .map(|r| (r.zone_name.clone(), r))
            .collect()
    };
    let (before, after) = (by_zone(prior), by_zone(plan));
    let (added, modified): (Vec<ReplicaSpec>, Vec<ReplicaSpec>) = after
        .values()
        .filter(|r| before.get(&r.zone_name) != Some(*r))
        .cloned()
        .partition(|r| !before.contains_key(&r.zone_name));
    let removed: Vec<String> = before
        .into_keys()
        .filter(|z| !after.contains_key(z))
        .collect();
    if !added.is_empty() {
        let r = client.add_tenant_replicas(cluster_id, id, &added).await;
        settle(call, "zone", r.map(Some), &added, plan).await?;
    }
    if !modified.is_empty() {
        let r = client
            .modify_tenant_replicas(cluster_id, id, &modified)
            .await;
        settle(call, "zone", r.map(Some), &modified, plan).await?;
    }
    let moved = |pz: &&String| {
        !(prior.info.primary_zone.as_deref()).is_some_and(|p| same_primary_zone(p, pz))
    };
    if let Some(pz) = plan.info.primary_zone.as_ref().filter(moved) {
        let pz = ocp_primary_zone(pz);
        let r = client.modify_tenant_primary_zone(cluster_id, id, &pz).await;
        settle(call, "primary_zone", r, &[], plan).await?;
    }
    if !removed.is_empty() {
        let r = client
            .delete_tenant_replicas(cluster_id, id, &removed)
            .await;
        settle(call, "zone", r.map(Some), &[], plan).await?;
    }
    if let (true, Some(p)) = (
        prior.root_password != plan.root_password,
        &plan.root_password,
    ) {
        let p = Secret::new(p.as_str());
        let r = client.change_tenant_password(cluster_id, id, &p).await;
        settle(call, "root_password", r.map(|()| None), &[], plan).await?;
        record.root_password = plan.root_password.clone();
    }
    if prior.info.locked != plan.info.locked {
        let r = if plan.info.locked == Some(true) {
            client.lock_tenant(cluster_id, id).await
        } else {
            client.unlock_tenant(cluster_id, id).await
        };
        settle(call, "locked", r.map(|()| None), &[], plan).await?;
    }
    Ok(())
}

/// A configuration, plan or prior state as validation and planning see it: any value may be
/// unknown.
#[derive(Deserialize)]
struct View {
    mode: Option<Known<String>>,
    charset: Option<Known<String>>,
    collation: Option<Known<String>>,
    primary_zone: Option<Known<String>>,
    zone: Option<Known<Vec<ZoneView>>>,
    status: Option<Known<String>>,
    locality: Option<Known<String>>,
}

/// The prior values a plan keeps (`None`: the plan's stays).
#[derive(Serialize)]
struct Kept {
    locality: Option<Known<String>>,
    status: Option<Known<String>>,
}

/// A `zone` block of a [`View`].
#[derive(Deserialize, PartialEq)]
struct ZoneView {
    name: Option<Known<String>>,
    replica_type: Option<Known<String>>,
    unit_spec: Option<Known<String>>,
    unit_count: Option<Known<i64>>,
}

#[tonic::async_trait]
impl OcpObject for TenantResource {
    type Model = TenantModel;
    const TYPE_NAME: &'static str = "ocp_tenant";
    const NOUN: &'static str = "Tenant";

    /// OCP's create-tenant and restore body fields (RestoreTenantParam, §3.8.2) named otherwise
    /// than their attributes, and those attributes: the first field of the path OCP names that
    /// is listed here decides (a `zones[i]` field other than a unit count concerns the `zone`
    /// blocks as a whole); see [`OcpObject::attr_of`] below.
    const FIELDS: &'static [(&'static str, &'static str)] = &[
        ("zones", "zone"),
        ("restoreEndTime", "restore_from.restore_time"),
        ("backupTenantId", "restore_from.tenant_id"),
        ("backupTenantStatus", "restore_from.tenant_id"),
        ("backupClusterId", "restore_from.cluster_id"),
        ("restoreClusterId", "cluster_id"),
    ];

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
            .attr("description", Attr::string().optional().computed().use_state_for_unknown().requires_replace().doc("Free-text description, set at creation. OCP's API has no call to change it afterwards (ocp-api.md §3.4), so changing it replaces the tenant; leaving it out keeps what OCP has (an imported tenant's description too)."))
            .attr("locked", Attr::bool().default(Value::Bool(false)).doc("Whether the tenant is locked (clients cannot connect). Default `false`. Changed in place. At create, OCP's create call has no lock field, so a tenant created with `true` is locked through OCP's lock call right after its create task succeeds."))
            .attr("deletion_protection", Attr::bool().default(Value::Bool(false)).doc("While `true`, `terraform destroy` (or a replacement) fails with an error instead of deleting the tenant. Default `false`. Not sent to OCP."))
            .attr("status", Attr::string().computed().doc("Tenant status as OCP reports it, such as `NORMAL`."))
            .attr("create_time", Attr::string().computed().use_state_for_unknown().doc("When OCP created the tenant (ISO-8601 with offset)."))
            .attr("ob_tenant_id", Attr::int().computed().use_state_for_unknown().doc("OceanBase's own tenant id (`obTenantId`), distinct from the OCP id."))
            .attr("locality", Attr::string().computed().doc("Replica distribution as OceanBase reports it, such as `FULL{1}@zone1, FULL{1}@zone2`."))
            .attr("ob_version", Attr::string().computed().use_state_for_unknown().doc("OceanBase version of the tenant's cluster."))
            .attr("cluster_name", Attr::string().computed().use_state_for_unknown().doc("Name of the cluster that hosts the tenant."))
            .attr("connection_strings", connection_strings_attr("tenant"))
            .attr("parameters", super::parameters::attr("tenant"))
            .attr("time_zone", Attr::string().optional().computed().use_state_for_unknown().doc("Time zone of the tenant's sessions (its `time_zone` system variable): an offset such as `+8:00`, or `SYSTEM`. Set at creation through OCP's create call, changed in place through the parameter call. Default: OCP's (`+8:00`)."))
            .block("zone", NestedBlock::list(zone_block()).items(1, 0))
            .block("restore_from", NestedBlock::single(restore_block()))
            .timeouts(&[
                ("create", Duration::from_secs(30 * 60)),
                ("update", Duration::from_secs(30 * 60)),
                ("delete", Duration::from_secs(15 * 60)),
            ])
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        super::parameters::validate_tenant(config, diags);
        let Some(c) = read_model::<View>(config, diags) else {
            return;
        };
        let mode = known_str(&c.mode).unwrap_or("MYSQL");
        let allowed = if mode == "ORACLE" {
            ORACLE_CHARSETS
        } else {
            MYSQL_CHARSETS
        };
        if let Some(cs) = known_str(&c.charset) {
            if !c.mode.as_ref().is_some_and(Known::is_unknown) && !allowed.contains(&cs) {
                diags.attr_error(
                    AttrPath::root("charset"),
                    "Invalid Character Set",
                    format!("A {mode} tenant takes one of {allowed:?} as charset, got {cs:?}."),
                );
            }
            let of_charset = |coll: &&str| match cs {
                "binary" => *coll == "binary",
                _ => coll.starts_with(&format!("{cs}_")),
            };
            if let Some(coll) = known_str(&c.collation).filter(|coll| !of_charset(coll)) {
                diags.attr_error(
                    AttrPath::root("collation"),
                    "Invalid Collation",
                    format!("Collation {coll:?} does not belong to character set {cs:?}; use one such as \"{cs}_general_ci\" or \"{cs}_bin\"."),
                );
            }
        }
        let zones = known(&c.zone).map_or(&[][..], Vec::as_slice);
        let path = |i: usize| AttrPath::root("zone").index(i).attr("name");
        let named = zones
            .iter()
            .enumerate()
            .map(|(i, z)| (path(i), known_str(&z.name)));
        refuse_duplicates(named, "Duplicate Zone", diags, |d| {
            format!(
                "{} and {} both name zone {:?}; a tenant has at most one replica per zone. Keep one `zone` block for it.",
                d.first.1, d.second.1, d.key
            )
        });
        let seen: BTreeSet<&str> = zones.iter().filter_map(|z| known_str(&z.name)).collect();
        // A `zone` list not known yet (a `dynamic` block over a value known only at apply)
        // is "not yet known", never "no zones".
        let names_known = !c.zone.as_ref().is_some_and(Known::is_unknown)
            && zones
                .iter()
                .all(|z| !z.name.as_ref().is_some_and(Known::is_unknown));
        let pz = known_str(&c.primary_zone).filter(|pz| !super::is_random_primary_zone(pz));
        if let (Some(pz), true) = (pz, names_known) {
            for z in primary_zone_groups(pz).iter().flatten() {
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
        super::parameters::plan_unset(&self.schema(), req, resp);
        if req.prior.is_null() || resp.planned == *req.prior {
            return;
        }
        let mut d = Diagnostics::new();
        let (Some(planned), Some(prior), Some(config)) = (
            read_model::<View>(&resp.planned, &mut d),
            read_model::<View>(req.prior, &mut d),
            read_model::<View>(req.config, &mut d),
        ) else {
            return resp.diags.extend(d);
        };
        // Locality and the primary zone only move when the zones do.
        if planned.zone != prior.zone {
            return;
        }
        // The status comes back NORMAL after any change that only touches synchronous
        // settings; replica and primary-zone tasks report their own.
        let settled =
            known_str(&prior.status) == Some("NORMAL") && config.primary_zone == prior.primary_zone;
        let kept = Kept {
            locality: prior.locality,
            status: prior.status.filter(|_| settled),
        };
        replan_set(&kept, &self.schema(), resp);
    }

    async fn create(&self, call: &mut Call<'_>, plan: &TenantModel) -> Step<Born<TenantModel>> {
        if let Some(from) = &plan.restore_from {
            let created = restore(call, plan, from).await?;
            return born(call, plan, created, |r| (r.tenant_id, r.tasks)).await;
        }
        let body = CreateTenant {
            name: plan.name.clone(),
            mode: plan.info.mode.clone().unwrap_or_else(|| "MYSQL".into()),
            primary_zone: plan.info.primary_zone.as_deref().map(ocp_primary_zone),
            charset: plan.info.charset.clone(),
            collation: plan.info.collation.clone(),
            description: plan.info.description.clone(),
            whitelist: plan.whitelist.as_deref().map(whitelist_string),
            root_password: Secret::new(plan.root_password.clone().unwrap_or_default()),
            save_to_credential: false,
            zones: plan.replicas(),
            parameters: super::parameters::create_entries(call.client, &plan.parameters).await?,
            time_zone: plan.time_zone.clone(),
        };
        let created = call.client.create_tenant(plan.cluster_id, &body).await?;
        born(call, plan, created, |task| {
            (task.tenant_id(), vec![task.id])
        })
        .await
    }

    /// An adopted tenant, or a restored one whose answer named no task, is waited on until
    /// OCP reports it NORMAL. Then what OCP's create calls cannot set is set with the update's
    /// calls (§3.4, synchronous): `locked = true` (the create-tenant body has no lock field,
    /// ocp-api.md §3.4.1), and for a restored tenant, which has the source's administrator
    /// password and whitelist (§3.8.2), the configured ones (its description, which no call
    /// changes, must be the source's: see `restore`); then the parameters OCP's create or
    /// restore did not take. The tenant is already in state (R1): on a failure it stays there
    /// as OCP has it, the error is on the attribute, and Terraform taints it once.
    async fn after_create(&self, call: &mut Call<'_>, w: Written<'_, TenantModel>) -> Step {
        let Written { plan, state } = w;
        let (cluster_id, id) = state.ids();
        let client = call.client;
        if state.adopted {
            let ready = poll(call.ctx, call.deadline, || async {
                let t = client.find_tenant(cluster_id, id).await?;
                Ok(t.map(|t| t.status.as_deref() == Some("NORMAL")))
            })
            .await?;
            let name = &plan.name;
            match ready {
                Polled::Ready => {}
                Polled::Late => return Err(call.error(None, format!("Tenant {id} ({name}) did not become NORMAL before the create timeout or an interrupt. It stays in state; the next apply replaces it unless it is untainted with `terraform untaint`."))),
                Polled::Gone => return Err(call.error(None, format!("The adopted tenant {id} ({name}) disappeared before it was ready."))),
            }
        }
        let restored = plan.restore_from.is_some();
        // The tenant as made: its zones and primary zone are the plan's; a restored one's
        // password is the source's.
        let mut made = TenantModel {
            root_password: plan.root_password.clone().filter(|_| !restored),
            zone: plan.zone.clone(),
            ..state.clone()
        };
        made.info.primary_zone = plan.info.primary_zone.clone();
        // A password not set stays unknown to state: the next plan sets it.
        apply_changes(call, &made, plan, state).await?;
        // The create body carries the parameters and time zone only as OCP Express spells
        // them (ocp-api.md §3.4.1 has neither), and a restore carries none: what OCP did not
        // take is set now through the parameter call (§3.4), so the create ends as planned.
        if plan.parameters.as_ref().is_some_and(|p| !p.is_empty()) || plan.time_zone.is_some() {
            let ids = (cluster_id, id);
            let wanted = (&plan.parameters, &plan.time_zone);
            let (p, tz) = super::parameters::read_tenant(client, ids, wanted.0, wanted.1).await?;
            let taken = p.clone().unwrap_or_default() == wanted.0.clone().unwrap_or_default()
                && (wanted.1.is_none() || &tz == wanted.1);
            if !taken {
                super::parameters::apply_tenant(call, ids, (&p, &tz), wanted).await?;
                (state.parameters, state.time_zone) =
                    super::parameters::read_tenant(client, ids, wanted.0, wanted.1).await?;
            }
        }
        if state.adopted || restored || state.info.locked != plan.info.locked {
            if let Some(m) = self.read(client, state).await? {
                *state = m;
            }
        }
        Ok(())
    }

    async fn read(&self, client: &OcpClient, base: &TenantModel) -> Found<TenantModel> {
        let (cluster_id, id) = base.ids();
        let Some(mut m) = client
            .find_tenant(cluster_id, id)
            .await?
            .map(|t| TenantModel::from_ocp(&t, base))
        else {
            return Ok(None);
        };
        (m.parameters, m.time_zone) = super::parameters::read_tenant(
            client,
            (cluster_id, id),
            &base.parameters,
            &base.time_zone,
        )
        .await?;
        Ok(Some(m))
    }

    async fn check_plan(&self, client: &OcpClient, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        super::parameters::check_plan(client, super::parameters::Owner::Tenant(0, 0), req, resp)
            .await;
        super::unit_specs::check_plan(client, req, resp).await;
    }

    async fn update(&self, call: &mut Call<'_>, c: Change<'_, TenantModel>) -> Step {
        let Change { prior, plan, base } = c;
        apply_changes(call, prior, plan, base).await?;
        let (before, after) = (
            (&prior.parameters, &prior.time_zone),
            (&plan.parameters, &plan.time_zone),
        );
        super::parameters::apply_tenant(call, prior.ids(), before, after).await
    }

    async fn delete(&self, call: &mut Call<'_>, state: &TenantModel) -> Step {
        let ((cluster_id, id), client) = (state.ids(), call.client);
        let left =
            async { (client.find_tenant(cluster_id, id).await.ok().flatten()).map(|t| t.status) };
        let what = format!("tenant {id}");
        call.delete_and_confirm(client.delete_tenant(cluster_id, id), &what, left)
            .await
    }

    async fn import(&self, client: Option<&OcpClient>, id: &str) -> Imported<TenantModel> {
        let Some((cluster, tenant)) = id
            .split_once('/')
            .filter(|(c, t)| !c.is_empty() && !t.is_empty() && !t.contains('/'))
        else {
            return Err(ImportError::Invalid(format!("Expected \"<cluster_id>/<tenant_id>\" (e.g. \"1000001/1002001\") or \"<cluster_name>/<tenant_name>\", got {id:?}.")));
        };
        // Each part is an OCP id when it is a whole number, else a name (looked up in OCP).
        let need = || client.ok_or(ImportError::NoClient);
        let cluster_id = match Choice::of_import_id(cluster) {
            Choice::Id(id) => id,
            Choice::Key(name) => (need()?.find_cluster_by_name(&name).await?.map(|c| c.id))
                .ok_or_else(|| {
                    let why = format!("OCP has no cluster named {name:?}.");
                    ImportError::NotFoundOf("Cluster", why)
                })?,
        };
        let tenant_id = match Choice::of_import_id(tenant) {
            Choice::Id(id) => id,
            Choice::Key(name) => (need()?.find_tenant_by_name(cluster_id, &name).await?)
                .map(|t| t.id)
                .ok_or_else(|| {
                    let why = format!("Cluster {cluster:?} has no tenant named {name:?}.");
                    ImportError::NotFound(why)
                })?,
        };
        Ok(TenantModel {
            id: Some(tenant_id),
            cluster_id,
            deletion_protection: Some(false),
            ..TenantModel::default()
        })
    }

    /// A create or restore body's field: a `zones[i]` unit count on its `zone` block's
    /// `unit_count`, a parameter on its entry, the other fields by [`OcpObject::FIELDS`] or
    /// their names. (Update errors carry their step's attribute.)
    fn attr_of(&self, err: &ClientError, plan: &TenantModel) -> Option<AttrPath> {
        unit_count_path(err, &plan.replicas(), plan)
            .or_else(|| super::parameters::create_error_path(err, &plan.parameters))
            .or_else(|| attr_by_field_or_name(err, Self::FIELDS, &self.schema()))
    }

    fn check_delete(&self, state: &TenantModel, diags: &mut Diagnostics) {
        super::refuse_protected::<Self>(state.deletion_protection, &state.name, diags);
    }
}

/// What the data sources report of a tenant besides its ids and name: the computed
/// attributes of the `ocp_tenant` resource with its descriptions, and (in [`REPORTED_AS`])
/// those a configuration sets, in the data sources' words.
const REPORTED: &[&str] = &[
    "cluster_name",
    "status",
    "locality",
    "ob_tenant_id",
    "ob_version",
    "create_time",
];

/// The attributes of [`REPORTED`] whose resource descriptions speak of configuring them.
const REPORTED_AS: &[(&str, &str)] = &[
    ("mode", "Compatibility mode: `MYSQL` or `ORACLE`."),
    ("charset", "Character set."),
    ("collation", "Collation."),
    (
        "primary_zone",
        "Zone priority for leaders, such as `zone1;zone2,zone3`.",
    ),
    ("locked", "Whether the tenant is locked."),
    ("description", "Free-text description."),
];

/// A tenant as the data sources report it: `data "ocp_tenant"`, and without `whitelist`,
/// `zones` and `connection_strings` an element of `data "ocp_tenants"`.
#[derive(Default, Serialize)]
pub struct TenantData {
    id: i64,
    cluster_id: Option<i64>,
    name: String,
    #[serde(flatten)]
    info: Reported,
    #[serde(skip_serializing_if = "Option::is_none")]
    whitelist: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    zones: Option<Vec<ZoneModel>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    connection_strings: Option<Vec<ConnectionString>>,
}

impl TenantData {
    /// Tenant `t`; with `detail`, its whitelist, zones and connection strings too (none
    /// when OCP sent no `connectionUrls`).
    fn of(t: &Tenant, detail: bool) -> TenantData {
        let whitelist = t.whitelist.as_deref().filter(|_| detail);
        TenantData {
            id: t.id,
            cluster_id: t.cluster_id,
            name: t.name.clone(),
            info: Reported::of(t),
            whitelist: whitelist.map(whitelist_entries),
            zones: detail.then(|| t.zones.iter().map(ZoneModel::of).collect()),
            connection_strings: (t.connection_urls.as_deref())
                .filter(|_| detail)
                .map(connection_strings),
        }
    }
}

/// How `data "ocp_tenant"` chooses its tenant; unknown while validating a configuration that
/// takes it from another object.
#[derive(Deserialize)]
pub struct Selector {
    cluster_id: Option<Known<i64>>,
    id: Option<Known<i64>>,
    name: Option<Known<String>>,
}

/// `data "ocp_tenant"`: one tenant of a cluster by id or name.
pub struct TenantDataSource;

/// How `data "ocp_tenant"` chooses its tenant in the cluster.
const TENANTS: Chooser = Chooser {
    noun: "Tenant",
    type_name: "ocp_tenant",
    key: "name",
    list: "ocp_tenants",
};

#[tonic::async_trait]
impl OcpData for TenantDataSource {
    type Config = Selector;
    type State = TenantData;
    const TYPE_NAME: &'static str = "ocp_tenant";
    const ACTION: &'static str = "Read Tenant";

    fn schema(&self) -> Schema {
        Schema::new("Reads one tenant of an OCP-managed cluster, found by `id` or by `name`.")
            .attr("cluster_id", Attr::int().required().doc("OCP id of the cluster that hosts the tenant."))
            .attr("id", Attr::int().optional().computed().doc("OCP id of the tenant. Set `id` or `name`."))
            .attr("name", Attr::string().optional().computed().validate(NotBlank).doc("Tenant name. Set `id` or `name`."))
            .attr("whitelist", Attr::set(Type::String).computed().doc("Client addresses allowed to connect."))
            .attr("zones", Attr::list(zone_block().implied_type()).computed().doc("Replicas of the tenant: zone `name`, `replica_type`, `unit_spec` and `unit_count`."))
            .attr("connection_strings", connection_strings_attr("tenant"))
            .reported(&TenantResource.schema(), REPORTED)
            .reported_as(&TenantResource.schema(), REPORTED_AS)
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(s) = read_model::<Selector>(config, diags) {
            TENANTS.validate(&s.id, &s.name, diags);
        }
    }

    async fn read(
        &self,
        client: &OcpClient,
        s: Selector,
        diags: &mut Diagnostics,
    ) -> Step<TenantData> {
        let (Some(cluster_id), Some(choice)) = (
            s.cluster_id.and_then(Known::known),
            TENANTS.choice(s.id, s.name),
        ) else {
            return Err(Fail::Reported);
        };
        let found = match &choice {
            Choice::Id(id) => client.find_tenant(cluster_id, *id).await?,
            Choice::Key(name) => client.find_tenant_by_name(cluster_id, name).await?,
        };
        let t = TENANTS.found(found, &choice, diags)?;
        Ok(TenantData::of(&t, true))
    }
}

/// The filters of `data "ocp_tenants"`.
#[derive(Deserialize, Serialize)]
pub struct TenantsFilter {
    cluster_id: Option<i64>,
    name: Option<String>,
    mode: Option<String>,
    status: Option<String>,
}

/// `data "ocp_tenants"`: the tenants of one cluster or of all clusters, with filters.
pub struct TenantsDataSource;

#[tonic::async_trait]
impl ListData for TenantsDataSource {
    type Filter = TenantsFilter;
    type Entry = TenantData;
    const NAMES: [&'static str; 3] = ["ocp_tenants", "List Tenants", "tenants"];
    const LIST_DOC: &'static str = "The tenants in OCP's order, each with `id`, `cluster_id`, `cluster_name`, `name`, `mode`, `status`, `charset`, `collation`, `primary_zone`, `locality`, `locked`, `description`, `ob_tenant_id`, `ob_version` and `create_time`.";

    fn filters(&self) -> Schema {
        Schema::new("Lists tenants, of one cluster or of every cluster OCP manages, paging through OCP's list API.")
            .attr("cluster_id", Attr::int().optional().doc("Only tenants of this cluster (OCP id). Default: every cluster."))
            .attr("name", Attr::string().optional().doc("Only tenants whose name contains this text (OCP's keyword filter, case-insensitive)."))
            .attr("mode", Attr::string().optional().validate(OneOf(MODES)).doc("Only tenants of this mode: `MYSQL` or `ORACLE`."))
            .attr("status", Attr::string().optional().doc("Only tenants with this status, such as `NORMAL`."))
    }

    /// Each element has the attributes of `data "ocp_tenant"` but the whitelist, zones and
    /// connection strings (which [`TenantData`] leaves out of a list).
    fn entry(&self) -> Type {
        entry_type::<TenantData>(&TenantDataSource.schema())
    }

    async fn fetch(&self, client: &OcpClient, f: &TenantsFilter) -> Step<Vec<TenantData>> {
        let filter = TenantFilter {
            name: f.name.clone(),
            mode: f.mode.clone(),
            status: f.status.clone(),
        };
        let list = client.list_tenants(f.cluster_id, &filter).await?;
        Ok(list.iter().map(|t| TenantData::of(t, false)).collect())
    }
}

#[cfg(test)]
mod tests;
