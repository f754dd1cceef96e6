//! The `ocp_cluster` and `ocp_zone` resources: creating an OceanBase cluster on hosts OCP
//! knows, and adding or removing zones afterwards. Both are [`OcpObject`]s: the lifecycle
//! adapter records, waits, reads back and resumes; this file says what is particular to them.
//!
//! API: ocp-api.md §3.1 (create-cluster body), §3.2 (zones), §3.3 (OBServers), §5 #2, #12,
//! #13; the cluster's root password and upgrade calls: `docs/ocp-api-cluster-day2.md`.
//! Cluster creation, deletion, upgrade, zone and server changes are async OCP tasks.
//!
//! Why two resources: the `zone` blocks of `ocp_cluster` are the zones the cluster is created
//! with (OCP's create call takes them) and the zones added or removed later through it; a zone
//! can also be its own `ocp_zone` resource. The cluster's state only tracks its own zones, so
//! the two never fight over a zone. Nothing but the name, the type and the sys tenant's
//! primary zone replaces a cluster: the root password, the package (an upgrade) and the
//! zones and their servers change in place, each OCP task waited on in turn.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::client::api::cluster::{
    AddZoneRequest, Cluster, ClusterZone, CreateClusterRequest, CreateClusterZone, Server,
    UpgradeClusterRequest, ZoneSpec,
};
use crate::client::api::not_found_as_none;
use crate::client::api::tenant::TenantFilter;
use crate::client::{ClientError, Created, OcpClient, OcpField, Secret};
use crate::framework::validate::{NotBlank, OneOf};
use crate::framework::{
    read_model, Attr, AttrPath, Block, Diagnostics, NestedBlock, PlanRequest, PlanResponse, Schema,
};
use crate::lifecycle::pending::Private;
use crate::lifecycle::{
    attr_by_field_or_name, import_by_id_or_name, owned, replan, report, Born, Call, Change, Fail,
    Found, ImportError, Imported, OcpObject, Step, Written,
};
use crate::value::{known, Known, Type, Value};

use super::parameters::name_values;
use super::parameters::{Owner::Cluster as ClusterOf, Params};
use super::{refuse_existing, spelled_primary_zone};
use crate::framework::unique::refuse_duplicates;
use crate::lifecycle::import_id;

/// The `ocp_cluster` resource.
pub struct ClusterResource;

/// A `zone` block of `ocp_cluster`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ZoneBlock {
    name: String,
    idc_name: Option<String>,
    #[serde(default)]
    servers: Vec<i64>,
}

/// A `startup_parameter` block of `ocp_cluster`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StartupParameter {
    name: String,
    value: String,
}

/// The model of `ocp_cluster`: state, plan and import alike.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ClusterModel {
    id: Option<i64>,
    name: String,
    #[serde(rename = "type")]
    cluster_type: Option<String>,
    rpm_name: Option<String>,
    root_password: Option<String>,
    primary_zone: Option<String>,
    ob_cluster_id: Option<i64>,
    status: Option<String>,
    ob_version: Option<String>,
    create_time: Option<String>,
    full_version: Option<String>,
    #[serde(default)]
    zone: Vec<ZoneBlock>,
    #[serde(default)]
    startup_parameter: Vec<StartupParameter>,
    deletion_protection: Option<bool>,
    parameters: Option<Params>,
}

/// What validating and planning an `ocp_cluster` looks at, in its configuration and plan
/// (where values may be unknown); planning writes back all but `zone`.
#[derive(Default, Serialize, Deserialize)]
struct ClusterPlan {
    rpm_name: Option<Known<String>>,
    root_password: Option<Known<String>>,
    primary_zone: Option<Known<String>>,
    status: Option<Known<String>>,
    ob_version: Option<Known<String>>,
    full_version: Option<Known<String>>,
    #[serde(default, skip_serializing)]
    zone: Option<Known<Vec<ZoneConfig>>>,
}

/// The host ids of a zone in a configuration: the list, or any of its hosts, may be unknown.
type Hosts = Option<Known<Vec<Option<Known<i64>>>>>;

/// A zone in a configuration: a `zone` block of `ocp_cluster`, or an `ocp_zone`.
#[derive(Deserialize)]
struct ZoneConfig {
    name: Option<Known<String>>,
    idc_name: Option<Known<String>>,
    servers: Hosts,
}

/// Checks the zones of a configuration: `zone` blocks (`Some(i)` is `zone[i]`), or an
/// `ocp_zone` (`None`, at the root). Zone names are unique, a known host list has at least one
/// host, and no host is listed twice (a host runs one OBServer, in one zone).
fn check_zones(zones: &[(Option<usize>, &ZoneConfig)], diags: &mut Diagnostics) {
    let at = |i: &Option<usize>, a: &str| match i {
        Some(i) => AttrPath::root("zone").index(*i).attr(a),
        None => AttrPath::root(a),
    };
    let names = (zones.iter()).map(|(i, z)| (at(i, "name"), known(&z.name)));
    refuse_duplicates(names, "Duplicate Zone", diags, |d| {
        format!(
            "{} and {} both name zone {:?}; zone names are unique in a cluster. Put all of the zone's hosts in one `zone` block.",
            d.first.1, d.second.1, d.key
        )
    });
    let mut hosts = Vec::new();
    for (i, z) in zones {
        let (path, Some(list)) = (at(i, "servers"), known(&z.servers)) else {
            continue;
        };
        if list.is_empty() {
            diags.attr_error(
                path.clone(),
                "Zone Without Servers",
                "A zone needs at least one host for its OBServers.",
            );
        }
        hosts.extend(
            list.iter()
                .enumerate()
                .map(|(j, h)| (path.index(j), known(h))),
        );
    }
    refuse_duplicates(hosts, "Host Used Twice", diags, |d| {
        format!(
            "{} and {} both name host {}; each host runs one OBServer, in one zone. Remove one of them.",
            d.first.1, d.second.1, d.key
        )
    });
}

/// The hosts of zone `z` as the state records them: the hosts of its OBServers as OCP reports
/// them, in the user's order (`mine`) when they are the same hosts. `mine` unless OCP names
/// the host of every OBServer (`hostId` is not in the reference's server shape, §5 #13:
/// without it the zone's servers are not known from OCP, and Read keeps the prior list, R6).
fn servers_of(z: &ClusterZone, mine: &[i64]) -> Vec<i64> {
    let have: Option<Vec<i64>> = z.servers.iter().map(|s| s.host_id).collect();
    match have.filter(|h| !h.is_empty()) {
        Some(h) if h.len() != mine.len() || mine.iter().any(|m| !h.contains(m)) => h,
        _ => mine.to_vec(),
    }
}

/// What OCP reports, else what the state has (R6: a field OCP leaves out is not "cleared").
fn or_mine(ocp: &Option<String>, mine: &Option<String>) -> Option<String> {
    ocp.clone().or_else(|| mine.clone())
}

impl ZoneBlock {
    /// The zone as OCP's create-cluster and add-zone bodies name it.
    fn spec(&self) -> ZoneSpec {
        ZoneSpec {
            name: self.name.clone(),
            idc_name: self.idc_name.clone().unwrap_or_default(),
            servers: self.servers.clone(),
            architecture: None,
        }
    }

    /// The block for zone `z`, keeping from `prior` (the block in state) what OCP omits.
    fn from_ocp(z: &ClusterZone, prior: Option<&ZoneBlock>) -> ZoneBlock {
        ZoneBlock {
            name: z.name.clone(),
            idc_name: or_mine(&z.idc_name, &prior.and_then(|p| p.idc_name.clone())),
            servers: servers_of(z, prior.map_or(&[], |p| &p.servers)),
        }
    }
}

/// A cluster as Read sees it: OCP's cluster object and the primary zone of its `sys` tenant
/// (the cluster object documents no primary zone; the tenant object does, §3.4.2).
struct Observed {
    cluster: Cluster,
    sys_primary_zone: Option<String>,
}

/// The private-state key an import sets: the configuration-only values (`startup_parameter`,
/// and `rpm_name` when OCP reports no build) were not known when the state was made, so the
/// first plan records the configured ones in place instead of replacing the cluster.
const IMPORTED: &str = "imported";

fn was_imported(private: &[u8]) -> bool {
    Private::parse(private).extra.get(IMPORTED) == Some(&serde_json::Value::Bool(true))
}

/// The cluster and its sys tenant's primary zone (`None` when OCP does not report one).
async fn observe(client: &OcpClient, id: i64) -> Result<Option<Observed>, ClientError> {
    let Some(cluster) = client.find_cluster(id).await? else {
        return Ok(None);
    };
    let cluster = client.with_zones(cluster).await?;
    let filter = TenantFilter {
        name: Some("sys".into()),
        ..TenantFilter::default()
    };
    let tenants = not_found_as_none(client.list_tenants(Some(id), &filter).await)?;
    let sys = tenants.into_iter().flatten().find(|t| t.name == "sys");
    let sys_primary_zone = sys.and_then(|t| t.primary_zone);
    Ok(Some(Observed {
        cluster,
        sys_primary_zone,
    }))
}

impl ClusterModel {
    /// The model of cluster `o` over `base`: its own zones (those in `base`, in the user's
    /// order; all of them after an import), what OCP does not return or leaves out (kept from
    /// `base`, R6), and the sys tenant's primary zone (the value in `base` when OCP reports
    /// the same priorities, or none).
    fn from_ocp(o: &Observed, base: &ClusterModel) -> ClusterModel {
        let c = &o.cluster;
        let primary_zone = (o.sys_primary_zone.clone())
            .map(|pz| spelled_primary_zone(pz, &base.primary_zone))
            .or_else(|| base.primary_zone.clone());
        // OCP does not return the package name. After an import there is none in state: name
        // the package the way OCP's OBServer packages are named, from the build OCP reports;
        // the plan then takes any package of that same build as equal (see `modify_plan`).
        // Without a reported build it stays unset, and the first plan records the configured one.
        let rpm_name = base.rpm_name.clone().or_else(|| {
            let arch = c.architecture.as_deref().unwrap_or("x86_64");
            (c.full_version.as_ref()).map(|fv| format!("oceanbase-{fv}.el7.{arch}.rpm"))
        });
        let zone = if c.zones.is_empty() {
            // OCP reported no zones at all (the zone shape is §5 #13, inferred): keep the prior.
            base.zone.clone()
        } else if base.zone.is_empty() {
            c.zones
                .iter()
                .map(|z| ZoneBlock::from_ocp(z, None))
                .collect()
        } else {
            (base.zone.iter())
                .filter_map(|b| {
                    let z = c.zones.iter().find(|z| z.name == b.name)?;
                    Some(ZoneBlock::from_ocp(z, Some(b)))
                })
                .collect()
        };
        let or = or_mine;
        ClusterModel {
            id: Some(c.id),
            name: c.name.clone(),
            cluster_type: or(&c.cluster_type, &base.cluster_type).or(Some("PRIMARY".into())),
            rpm_name,
            primary_zone,
            ob_cluster_id: c.ob_cluster_id.or(base.ob_cluster_id),
            status: or(&c.status, &base.status),
            ob_version: or(&c.ob_version, &base.ob_version),
            create_time: or(&c.create_time, &base.create_time),
            full_version: or(&c.full_version, &base.full_version),
            zone,
            deletion_protection: base.deletion_protection.or(Some(false)),
            ..base.clone()
        }
    }
}

/// The attribute an OCP field of a zone's body names (`name`, `idcName`, `servers[j]`; the
/// add-zone body §3.2, or `zones[i]` of the create-cluster body §3.1): an attribute of
/// `zone` (a `zone` block), or of the `ocp_zone` itself when `zone` is `None`.
fn zone_attr(f: &OcpField, zone: Option<AttrPath>) -> Option<AttrPath> {
    let attr = |a: &str| zone.as_ref().map_or(AttrPath::root(a), |z| z.attr(a));
    Some(match (f.leaf(), f.index_of("servers")) {
        ("servers", Some(j)) => attr("servers").index(j),
        ("servers", None) => attr("servers"),
        ("name", _) => attr("name"),
        ("idcName", _) => attr("idc_name"),
        _ => return zone,
    })
}

/// OCP's fields of the create-cluster (§3.1), password and upgrade calls that are not named
/// like the attributes they come from (`name`, `type`, `rpmName`, `primaryZone` are); `zones[i]`
/// and its fields map to the `zone` block they came from (see [`zone_attr`]).
const CLUSTER_FIELDS: &[(&str, &str)] = &[
    ("zones", "zone"),
    ("startupParameters", "startup_parameter"),
    ("password", "root_password"),
    ("fullVersion", "rpm_name"),
    ("newPassword", "root_password"),
    ("rpmFileName", "rpm_name"),
    ("destVersion", "rpm_name"),
    ("operatingSystem", "rpm_name"),
];

/// Whether an existing cluster found under the planned name is the one this create made
/// (design rule R2: adopt only what matches the plan): it has every planned zone, and their
/// OBServers run on the planned hosts.
fn matches_plan(c: &Cluster, plan: &ClusterModel) -> bool {
    plan.zone.iter().all(|z| {
        let want: BTreeSet<i64> = z.servers.iter().copied().collect();
        let hosts = |h: &ClusterZone| h.servers.iter().filter_map(|s| s.host_id).collect();
        c.zones.iter().any(|h| h.name == z.name && want == hosts(h))
    })
}

/// Drops `attr` from the attributes whose change replaces the object.
fn keep_in_place(resp: &mut PlanResponse, attr: &str) {
    resp.requires_replace.retain(|p| *p != AttrPath::root(attr));
}

fn zone_block() -> Block {
    Block::new("A zone of the cluster and its OBServers: the zones it is created with, and zones added or removed later. Adding or removing a block adds or removes the zone in place, and changing `servers` adds or removes OBServers in place (additions first, each OCP task waited on). A zone or OBServer that holds tenant replicas is not removed: the apply stops with an error naming the tenants. The IDC of an existing zone cannot change.")
        .attr("name", Attr::string().required().validate(NotBlank).doc("Zone name, unique in the cluster, such as `zone1`."))
        .attr("idc_name", Attr::string().required().validate(NotBlank).doc("Name (not id) of the IDC the zone's hosts are in, e.g. `ocp_idc.hz1.name`."))
        .attr("servers", Attr::list(Type::Number).required().doc("Ids of the hosts that run the zone's OBServers, e.g. `[ocp_host.a.id]`. At least one; each host free and in the zone's IDC."))
}

#[tonic::async_trait]
impl OcpObject for ClusterResource {
    type Model = ClusterModel;
    const TYPE_NAME: &'static str = "ocp_cluster";
    const NOUN: &'static str = "Cluster";

    fn schema(&self) -> Schema {
        Schema::new("An OceanBase cluster created by OCP on hosts it knows. Creation runs as a long OCP task that Terraform waits on. A running cluster is never replaced for a day-2 change: the root password, the package (an upgrade), `deletion_protection` and the `zone` blocks (zones and their OBServers added or removed) change in place, each OCP task waited on in turn. A zone may also be managed on its own with `ocp_zone`.")
            .attr("id", Attr::int().computed().use_state_for_unknown().doc("OCP id of the cluster; also the import id (the name works too)."))
            .attr("name", Attr::string().required().requires_replace().validate(NotBlank).doc("Cluster name, unique in OCP. Changing it replaces the cluster."))
            .attr("type", Attr::string().default(Value::string("PRIMARY")).requires_replace().validate(OneOf(&["PRIMARY", "STANDBY"])).doc("`PRIMARY` or `STANDBY`. Default `PRIMARY`. Changing it replaces the cluster."))
            .attr("rpm_name", Attr::string().required().validate(NotBlank).doc("The OBServer package OCP installs, which decides the OceanBase version, such as `oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm`. Changing it upgrades the cluster in place through OCP's upgrade call (a rolling upgrade, waited on); OCP accepts only a newer build. A package of the running build is no change."))
            .attr("root_password", Attr::string().required().sensitive().doc("Password of `root@sys`. Changed in place through OCP's cluster change-password call. OCP never returns it, so Terraform cannot see a change made outside it."))
            .attr("primary_zone", Attr::string().optional().computed().use_state_for_unknown().requires_replace().validate(super::PrimaryZoneSyntax).doc("Zone priority of the sys tenant's leaders, e.g. `zone1;zone2,zone3`. Read back from the `sys` tenant; when not set, OCP's choice. Changing it replaces the cluster."))
            .attr("ob_cluster_id", Attr::int().computed().use_state_for_unknown().doc("OceanBase's own cluster id."))
            .attr("status", Attr::string().computed().doc("Cluster status as OCP reports it, such as `RUNNING`."))
            .attr("ob_version", Attr::string().computed().use_state_for_unknown().doc("OceanBase version installed."))
            .attr("create_time", Attr::string().computed().use_state_for_unknown().doc("When OCP created the cluster."))
            .attr("full_version", Attr::string().computed().use_state_for_unknown().doc("Full build version OCP reports, such as `4.2.1.0-100000102023092807`."))
            .attr("deletion_protection", Attr::bool().default(Value::Bool(false)).doc("While `true`, `terraform destroy` (or a replacement) fails with an error instead of deleting the cluster. Default `false`. Changed in place; not sent to OCP."))
            .attr("parameters", super::parameters::attr("cluster"))
            .block("zone", NestedBlock::list(zone_block()).items(1, 0))
            .block(
                "startup_parameter",
                NestedBlock::list(
                    Block::new("An OBServer startup parameter (OCP's `startupParameters`). Changing them replaces the cluster. Blocks rather than a map: Terraform 1.0 turns an absent map into an empty one under `ignore_changes`, which would look like a change.")
                        .attr("name", Attr::string().required().validate(NotBlank).doc("Parameter name, such as `memory_limit`."))
                        .attr("value", Attr::string().required().doc("Parameter value, such as `32G`.")),
                )
                .requires_replace(),
            )
            .timeouts(&[("create", Duration::from_secs(60 * 60)), ("update", Duration::from_secs(60 * 60)), ("delete", Duration::from_secs(30 * 60))])
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let Some(config) = read_model::<ClusterPlan>(config, diags) else {
            return;
        };
        let zones = config.zone.and_then(Known::known).unwrap_or_default();
        let zones: Vec<_> = zones
            .iter()
            .enumerate()
            .map(|(i, z)| (Some(i), z))
            .collect();
        check_zones(&zones, diags);
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        super::parameters::plan_unset(&self.schema(), req, resp);
        if req.prior.is_null() {
            return;
        }
        let (Some(prior), Some(config), Some(mut planned)) = (
            read_model::<ClusterModel>(req.prior, &mut resp.diags),
            read_model::<ClusterPlan>(req.config, &mut resp.diags),
            read_model::<ClusterPlan>(&resp.planned, &mut resp.diags),
        ) else {
            return;
        };
        // Not configured: OCP's choice, as last read (null when OCP reports none), never
        // "unknown", which would replace the cluster.
        if config.primary_zone.is_none() {
            planned.primary_zone = prior.primary_zone.clone().map(Known::Value);
            keep_in_place(resp, "primary_zone");
        }
        // Values OCP does not return were not known to an import: recording the configured
        // ones is no change to the cluster (design rule R6). (The same holds for `rpm_name`
        // when OCP reports no build: with no package in state, the update records the
        // configured one and upgrades nothing.)
        if was_imported(req.prior_private) && prior.startup_parameter.is_empty() {
            keep_in_place(resp, "startup_parameter");
        }
        // A package of the same build as the running one is the same version: keep the prior
        // name (it may have been derived on import) rather than upgrade to what runs.
        if let (Some(Known::Value(cfg)), Some(mine), Some(fv)) =
            (&config.rpm_name, &prior.rpm_name, &prior.full_version)
        {
            if cfg != mine && cfg.contains(fv.as_str()) && mine.contains(fv.as_str()) {
                planned.rpm_name = Some(Known::Value(mine.clone()));
            }
        }
        // Another package is an upgrade: OCP reports the new versions once it is done.
        if let (Some(Known::Value(want)), Some(mine)) = (&planned.rpm_name, &prior.rpm_name) {
            if want != mine {
                planned.ob_version = Some(Known::Unknown);
                planned.full_version = Some(Known::Unknown);
            }
        }
        refuse_idc_changes(&prior, &config, &mut resp.diags);
        // In-place changes end with the cluster running as before: the status stays (a change
        // OCP made meanwhile shows at the next refresh).
        if resp.requires_replace.is_empty() {
            planned.status = prior.status.clone().map(Known::Value);
        }
        replan(&planned, &self.schema(), resp);
    }

    async fn create(&self, call: &mut Call<'_>, plan: &ClusterModel) -> Step<Born<ClusterModel>> {
        let zones = (plan.zone.iter())
            .map(|z| CreateClusterZone {
                zone: z.spec(),
                ..CreateClusterZone::default()
            })
            .collect();
        let body = CreateClusterRequest {
            name: plan.name.clone(),
            cluster_type: plan.cluster_type.as_deref().unwrap_or("PRIMARY").into(),
            password: Secret::new(plan.root_password.clone().unwrap_or_default()),
            rpm_name: plan.rpm_name.clone().unwrap_or_default(),
            primary_zone: plan.primary_zone.clone(),
            zones,
            startup_parameters: name_values(
                plan.startup_parameter.iter().map(|p| (&p.name, &p.value)),
            ),
            ..CreateClusterRequest::default()
        };
        let existing = |c: Cluster| {
            let status = c.status.unwrap_or_default();
            let what = format!("cluster {:?} (OCP id {}, status {status:?})", c.name, c.id);
            (what, c.id.to_string(), "name")
        };
        // Made by this create's own unanswered POST (the client logs the adoption), and what
        // the plan asks for.
        let fits = |c: &Cluster| {
            matches!(c.status.as_deref(), Some("RUNNING" | "CREATING")) && matches_plan(c, plan)
        };
        let created = call.client.create_cluster(&body).await?;
        let (id, tasks) = match owned::<Self, _, _>(call.diags, created, fits, existing)? {
            Ok(t) => {
                let client = call.client;
                let find =
                    async { Ok(client.find_cluster_by_name(&body.name).await?.map(|c| c.id)) };
                let what = format!("cluster {:?}", body.name);
                (
                    call.made_id(t.cluster_id(), find, &what, &[t.id]).await?,
                    vec![t.id],
                )
            }
            Err(c) => (c.id, Vec::new()),
        };
        let state = ClusterModel {
            id: Some(id),
            ..plan.clone()
        };
        Ok(Born::waiting(state, tasks))
    }

    async fn read(&self, client: &OcpClient, base: &ClusterModel) -> Found<ClusterModel> {
        let Some(id) = base.id else {
            return Ok(None);
        };
        let Some(mut m) = observe(client, id)
            .await?
            .map(|o| ClusterModel::from_ocp(&o, base))
        else {
            return Ok(None);
        };
        m.parameters = super::parameters::read(client, ClusterOf(id), &base.parameters).await?;
        Ok(Some(m))
    }

    /// The cluster's `parameters`: OCP's create call has no field for them (§3.1), so they are
    /// set through the parameter call once the create task succeeded.
    async fn after_create(&self, call: &mut Call<'_>, w: Written<'_, ClusterModel>) -> Step {
        let Written { plan, state } = w;
        let id = state.id.unwrap_or_default();
        set_parameters(call, id, &None, &plan.parameters).await?;
        state.parameters =
            super::parameters::read(call.client, ClusterOf(id), &plan.parameters).await?;
        Ok(())
    }

    async fn check_plan(&self, client: &OcpClient, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        super::parameters::check_plan(client, ClusterOf(0), req, resp).await;
    }

    /// The in-place changes, in this order: refuse removals of zones or OBServers that hold
    /// tenant replicas (before anything is changed); the root password; new zones, then new
    /// OBServers of kept zones; OBServers removed from kept zones, then removed zones; last
    /// the upgrade. Each OCP task is waited on through [`Call::wait`] before the next call,
    /// so an interrupted apply resumes it. `base` tracks what OCP took: zones still to be
    /// removed stay in it (the read-back drops those OCP no longer has), and the package and
    /// password only change once OCP accepted them.
    async fn update(&self, call: &mut Call<'_>, c: Change<'_, ClusterModel>) -> Step {
        let Change { prior, plan, base } = c;
        let Some(id) = prior.id else {
            return Ok(());
        };
        let changes = ZoneChanges::between(prior, plan);
        if let Err(f) = changes.refuse_held(call, id).await {
            // Refused before any change: the state stays what it was.
            *base = prior.clone();
            return Err(f);
        }
        base.zone.extend(changes.removed_zones.iter().cloned());
        if prior.root_password != plan.root_password {
            if let Some(pw) = &plan.root_password {
                call.action = "Change the Cluster Root Password".into();
                let r = call
                    .client
                    .change_cluster_password(id, &Secret::new(pw.as_str()))
                    .await;
                if let Err(e) = r {
                    base.root_password = prior.root_password.clone();
                    return Err(refused(call, AttrPath::root("root_password"), &e));
                }
            }
        }
        changes.apply(call, id, &mut base.zone).await?;
        let upgrade = match (&prior.rpm_name, &plan.rpm_name) {
            (Some(mine), Some(want)) if mine != want => Some(want),
            _ => None,
        };
        if let Some(rpm) = upgrade {
            call.action = "Upgrade Cluster".into();
            base.rpm_name = prior.rpm_name.clone();
            let req = UpgradeClusterRequest::for_package(rpm);
            let task = (call.client.upgrade_cluster(id, &req).await)
                .map_err(|e| refused(call, AttrPath::root("rpm_name"), &e))?;
            // OCP took the package: recorded before the wait (an interrupted wait resumes the
            // task at the next apply); a FAILED task leaves the running package in state.
            base.rpm_name = plan.rpm_name.clone();
            if let Err(f) = call.wait(&[task.id]).await {
                if !call.left_pending() {
                    base.rpm_name = prior.rpm_name.clone();
                }
                return Err(f);
            }
        }
        set_parameters(call, id, &prior.parameters, &plan.parameters).await
    }

    async fn after_update(&self, call: &mut Call<'_>, w: Written<'_, ClusterModel>) -> Step {
        let Written { plan, state } = w;
        // The plan kept the status (every change ends with the cluster running as before); a
        // change OCP made meanwhile shows at the next refresh, not as an inconsistent result.
        if plan.status.is_some() {
            state.status = plan.status.clone();
        }
        Private::edit(call.private, |p| {
            p.extra.remove(IMPORTED);
        });
        Ok(())
    }

    async fn delete(&self, call: &mut Call<'_>, state: &ClusterModel) -> Step {
        let (Some(id), client) = (state.id, call.client) else {
            return Ok(());
        };
        let left = async {
            client
                .find_cluster(id)
                .await
                .ok()
                .flatten()
                .map(|c| c.status)
        };
        let delete = client.delete_cluster(id);
        call.delete_and_confirm(delete, &format!("cluster {id}"), left)
            .await
    }

    async fn import(&self, client: Option<&OcpClient>, id: &str) -> Imported<ClusterModel> {
        let forms = "\"<cluster_id>\" or \"<cluster_name>\"";
        let c = import_by_id_or_name(client, id, "cluster", forms, super::cluster::find).await?;
        Ok(ClusterModel {
            id: Some(c.id),
            ..ClusterModel::default()
        })
    }

    fn import_private(&self, _state: &ClusterModel, private: &mut Vec<u8>) {
        Private::edit(private, |p| {
            p.extra
                .insert(IMPORTED.into(), serde_json::Value::Bool(true));
        });
    }

    fn attr_of(&self, err: &ClientError, _plan: &ClusterModel) -> Option<AttrPath> {
        let f = err.field()?;
        match f.index_of("zones") {
            Some(i) => zone_attr(&f, Some(AttrPath::root("zone").index(i))),
            None => attr_by_field_or_name(err, CLUSTER_FIELDS, &self.schema()),
        }
    }

    fn check_delete(&self, state: &ClusterModel, diags: &mut Diagnostics) {
        if state.deletion_protection == Some(true) {
            diags.attr_error(
                AttrPath::root("deletion_protection"),
                "Cluster Is Protected From Deletion",
                format!(
                    "Cluster {:?} has deletion_protection = true. Set it to false and apply before destroying or replacing the cluster.",
                    state.name
                ),
            );
        }
    }
}

/// Changes the `parameters` of cluster `id` from `prior` to `plan` through OCP's parameter call.
async fn set_parameters(
    call: &mut Call<'_>,
    id: i64,
    prior: &Option<Params>,
    plan: &Option<Params>,
) -> Step {
    super::parameters::apply(call, ClusterOf(id), prior, plan, Vec::new(), None).await
}

/// Refuses, at plan time, a new IDC for a zone the cluster has: OCP moves no zone between
/// IDCs. The error is on the zone's `idc_name`.
fn refuse_idc_changes(prior: &ClusterModel, config: &ClusterPlan, diags: &mut Diagnostics) {
    let Some(zones) = config.zone.as_ref().and_then(Known::as_known) else {
        return;
    };
    for (i, z) in zones.iter().enumerate() {
        let (Some(name), Some(idc)) = (known(&z.name), known(&z.idc_name)) else {
            continue;
        };
        let Some(mine) = prior.zone.iter().find(|p| p.name == *name) else {
            continue;
        };
        if let Some(had) = mine.idc_name.as_ref().filter(|had| *had != idc) {
            diags.attr_error(
                AttrPath::root("zone").index(i).attr("idc_name"),
                "Cannot Move a Zone to Another IDC",
                format!(
                    "Zone {name:?} runs in IDC {had:?}; OCP cannot move a zone to another IDC. Keep {had:?}, or add a zone under a new name in IDC {idc:?}, move the tenants' replicas there, and then remove zone {name:?}."
                ),
            );
        }
    }
}

/// Reports OCP's refusal of the update's current step (`call.action`, e.g. `Add Zone
/// "zone3"`) on `path`.
fn refused(call: &mut Call<'_>, path: AttrPath, e: &ClientError) -> Fail {
    report(call.diags, &call.action, Some(path), e);
    Fail::Reported
}

/// Hosts gaining or losing their OBServer in one zone, and the `servers` attribute that lists
/// them (where errors go).
#[derive(Debug, PartialEq)]
struct Servers {
    zone: String,
    hosts: Vec<i64>,
    path: AttrPath,
}

/// The zone and OBServer changes of one update of a cluster's `zone` blocks or of an
/// `ocp_zone`, by zone name (the block order is the user's and changes nothing in OCP).
#[derive(Default)]
struct ZoneChanges {
    /// New zones: the path of their block in the plan, and the block.
    added_zones: Vec<(AttrPath, ZoneBlock)>,
    /// Hosts gaining an OBServer, per kept zone.
    added_servers: Vec<Servers>,
    /// Hosts losing their OBServer, per kept zone.
    removed_servers: Vec<Servers>,
    /// Zones no longer configured.
    removed_zones: Vec<ZoneBlock>,
}

impl ZoneChanges {
    fn between(prior: &ClusterModel, plan: &ClusterModel) -> ZoneChanges {
        let mut c = ZoneChanges {
            removed_zones: (prior.zone.iter())
                .filter(|p| !plan.zone.iter().any(|z| z.name == p.name))
                .cloned()
                .collect(),
            ..ZoneChanges::default()
        };
        for (i, z) in plan.zone.iter().enumerate() {
            let path = AttrPath::root("zone").index(i);
            match prior.zone.iter().find(|p| p.name == z.name) {
                Some(had) => c.servers(&z.name, &had.servers, &z.servers, path.attr("servers")),
                None => c.added_zones.push((path, z.clone())),
            }
        }
        c
    }

    /// Adds the OBServer changes of zone `zone` from the hosts `have` to `want` (listed at
    /// `path`).
    fn servers(&mut self, zone: &str, have: &[i64], want: &[i64], path: AttrPath) {
        let minus = |a: &[i64], b: &[i64]| a.iter().filter(|h| !b.contains(h)).copied().collect();
        let (gained, lost): (Vec<i64>, Vec<i64>) = (minus(want, have), minus(have, want));
        for (list, hosts) in [
            (&mut self.added_servers, gained),
            (&mut self.removed_servers, lost),
        ] {
            if !hosts.is_empty() {
                let (zone, path) = (zone.to_string(), path.clone());
                list.push(Servers { zone, hosts, path });
            }
        }
    }

    /// Makes the changes in OCP in order (additions before removals, so no zone runs short of
    /// OBServers), waiting on each task. An OCP refusal is reported on the zone block or the
    /// `servers` it concerns. A zone OCP already had is not added, and leaves `base`.
    async fn apply(&self, call: &mut Call<'_>, id: i64, base: &mut Vec<ZoneBlock>) -> Step {
        for (at, z) in &self.added_zones {
            call.action = format!("Add Zone {:?}", z.name);
            let found = match add_zone(call.client, id, z).await {
                Ok(Ok(tasks)) => {
                    call.wait(&tasks).await?;
                    continue;
                }
                Ok(Err(found)) => found,
                Err(e) => {
                    let path = e.field().and_then(|f| zone_attr(&f, Some(at.clone())));
                    return Err(refused(call, path.unwrap_or_else(|| at.clone()), &e));
                }
            };
            // Not made by this apply: never recorded, never removed by Terraform.
            base.retain(|b| b.name != found.name);
            return Err(call.error(
                Some(at.attr("name")),
                format!(
                    "Cluster {id} already has a zone {:?} (IDC {:?}) that this apply did not add. Terraform never takes over a zone it did not create: remove this `zone` block, or manage that zone with `ocp_zone` (terraform import ocp_zone.<resource name> {}).",
                    found.name,
                    found.idc_name.as_deref().unwrap_or(""),
                    zone_id(id, &found.name),
                ),
            ));
        }
        let added = self.added_servers.iter().map(|s| (s, true));
        for (s, adding) in added.chain(self.removed_servers.iter().map(|s| (s, false))) {
            let task = if adding {
                call.action = format!("Add OBServers to Zone {:?}", s.zone);
                call.client.add_servers(id, &s.zone, &s.hosts).await
            } else {
                call.action = format!("Remove OBServers from Zone {:?}", s.zone);
                call.client.delete_servers(id, &s.hosts).await
            };
            let task = task.map_err(|e| refused(call, s.path.clone(), &e))?;
            call.wait(&[task.id]).await?;
        }
        for z in &self.removed_zones {
            call.action = format!("Remove Zone {:?}", z.name);
            let task = call.client.delete_zone(id, &z.name).await;
            if let Some(t) = task.map_err(|e| refused(call, AttrPath::root("zone"), &e))? {
                call.wait(&[t.id]).await?;
            }
        }
        Ok(())
    }
}

/// Asks OCP to add zone `z` to cluster `c`: `Ok` with the OCP task to wait on (none when this
/// call's own unanswered POST made it, in the planned IDC), or `Err` with the zone of that
/// name OCP already had, which this apply did not add (design rule R2).
async fn add_zone(
    client: &OcpClient,
    c: i64,
    z: &ZoneBlock,
) -> Result<Result<Vec<i64>, ClusterZone>, ClientError> {
    let body = AddZoneRequest {
        zone: z.spec(),
        ..AddZoneRequest::default()
    };
    Ok(match client.add_zone(c, &body).await? {
        Created::New(t) => Ok(vec![t.id]),
        Created::Adopted(found) if found.idc_name == z.idc_name => Ok(Vec::new()),
        Created::Adopted(found) | Created::Existing(found) => Err(found),
    })
}

/// The id of zone `name` of cluster `c`: `<cluster_id>/<zone_name>`, `ocp_zone`'s id and
/// import id.
fn zone_id(c: i64, name: &str) -> String {
    import_id::join(&[c.to_string(), name.to_string()])
}

/// The message of a removal refused because `what` (e.g. `Zone "zone2" holds replicas`) holds
/// replicas of `tenants`.
fn held_message(what: &str, tenants: &[String]) -> String {
    format!(
        "{what} of tenant(s) {}; OCP cannot remove it while they are there. Move those replicas away first (for an `ocp_tenant`, remove this zone from its `zone` blocks and apply), then remove it. Nothing was changed.",
        tenants.join(", ")
    )
}

impl ZoneChanges {
    /// Refuses, before any change, the removal of a zone or OBServer that holds tenant
    /// replicas: one error per zone (on `zone`) and per host (on the `servers` listing it). A
    /// zone's tenants come from OCP's `zoneList` of each tenant (§3.4.2), a host's from the
    /// tenants' units (§3.4) on the OBServer it runs.
    async fn refuse_held(&self, call: &mut Call<'_>, id: i64) -> Step {
        if self.removed_zones.is_empty() && self.removed_servers.is_empty() {
            return Ok(());
        }
        let client = call.client;
        let tenants = (client.list_tenants(Some(id), &TenantFilter::default())).await?;
        // What holds replicas: where the error goes, what it is, and the tenants.
        let mut held: Vec<(AttrPath, String, Vec<String>)> = Vec::new();
        let mut hold = |path: &AttrPath, what: String, tenant: &String| match held
            .iter_mut()
            .find(|(_, w, _)| *w == what)
        {
            Some((_, _, names)) if !names.contains(tenant) => names.push(tenant.clone()),
            Some(_) => {}
            None => held.push((path.clone(), what, vec![tenant.clone()])),
        };
        for (z, t) in (self.removed_zones.iter()).flat_map(|z| tenants.iter().map(move |t| (z, t)))
        {
            let listed = t.zone_list.as_deref().unwrap_or_default();
            if listed.split(',').any(|x| x.trim() == z.name)
                || t.zones.iter().any(|r| r.name == z.name)
            {
                hold(
                    &AttrPath::root("zone"),
                    format!("Zone {:?} holds replicas", z.name),
                    &t.name,
                );
            }
        }
        let servers: Vec<Server> = match self.removed_servers.is_empty() {
            true => Vec::new(),
            false => (client.list_zones(id).await?)
                .into_iter()
                .flat_map(|z| z.servers)
                .collect(),
        };
        for t in tenants.iter().filter(|_| !servers.is_empty()) {
            let units = not_found_as_none(client.list_tenant_units(id, t.id).await)?;
            let units = units.unwrap_or_default();
            for (s, h) in
                (self.removed_servers.iter()).flat_map(|s| s.hosts.iter().map(move |h| (s, h)))
            {
                let Some(on) = servers.iter().find(|x| x.host_id == Some(*h)) else {
                    continue;
                };
                let by_id = on.id.is_some() && units.iter().any(|u| u.server_id == on.id);
                if by_id
                    || (on.ip().is_some()
                        && units.iter().any(|u| u.server_ip.as_deref() == on.ip()))
                {
                    hold(
                        &s.path,
                        format!("The OBServer on host {h} holds units"),
                        &t.name,
                    );
                }
            }
        }
        for (path, what, tenants) in &held {
            let message = held_message(what, tenants);
            call.diags.attr_error(
                path.clone(),
                "Cannot Remove What Holds Tenant Replicas",
                message,
            );
        }
        if held.is_empty() {
            Ok(())
        } else {
            Err(Fail::Reported)
        }
    }
}

/// The `ocp_zone` resource.
pub struct ZoneResource;

const ZONE_IMPORT: &str = "\"<cluster_id>/<zone_name>\"";

/// The model of `ocp_zone`: state, plan and import alike; `zone` is what a `zone` block of
/// `ocp_cluster` says of a zone.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ZoneModel {
    id: Option<String>,
    cluster_id: i64,
    #[serde(flatten)]
    zone: ZoneBlock,
    region_name: Option<String>,
    status: Option<String>,
}

impl ZoneModel {
    /// The model of zone `z` of cluster `c`, keeping from `base` what OCP omits (R6) and the
    /// user's order of the same hosts.
    fn from_ocp(c: i64, z: &ClusterZone, base: &ZoneModel) -> ZoneModel {
        ZoneModel {
            id: Some(zone_id(c, &z.name)),
            cluster_id: c,
            zone: ZoneBlock::from_ocp(z, Some(&base.zone)),
            region_name: or_mine(&z.region_name, &base.region_name),
            status: or_mine(&z.status, &base.status),
        }
    }
}

#[tonic::async_trait]
impl OcpObject for ZoneResource {
    type Model = ZoneModel;
    const TYPE_NAME: &'static str = "ocp_zone";
    const NOUN: &'static str = "Zone";

    fn schema(&self) -> Schema {
        Schema::new("A zone added to an existing cluster, with its OBServers. OCP refuses to remove a zone that still holds tenant replicas. (A zone is managed either as a `zone` block of its `ocp_cluster` or as an `ocp_zone`, never both: the cluster's state only tracks its own blocks.)\n\nOBServers are the `servers` list of their zone rather than a resource of their own: OCP adds OBServers to a named zone by host id and creates a zone together with its first OBServers, each OBServer belongs to exactly one zone and one host, and a zone cannot be empty. One list of host ids per zone reads the way a deployment is drawn, and a change of servers shows in the plan as one in-place change of that list.")
            .attr("id", Attr::string().computed().use_state_for_unknown().doc("`<cluster_id>/<zone_name>`, also the import id."))
            .attr("cluster_id", Attr::int().required().requires_replace().doc("OCP id of the cluster, e.g. `ocp_cluster.main.id`. Changing it replaces the zone."))
            .attr("name", Attr::string().required().requires_replace().validate(NotBlank).doc("Zone name, unique in the cluster. Changing it replaces the zone."))
            .attr("idc_name", Attr::string().required().requires_replace().validate(NotBlank).doc("Name of the IDC of the zone's hosts. Changing it replaces the zone."))
            .attr("servers", Attr::list(Type::Number).required().doc("Ids of the hosts running the zone's OBServers. Adding or removing hosts adds or removes OBServers in place, additions first, each OCP task waited on. An OBServer that holds tenant units is not removed: the apply stops before any change with an error naming the tenants."))
            .attr("region_name", Attr::string().computed().use_state_for_unknown().doc("Region of the zone's IDC."))
            .attr("status", Attr::string().computed().doc("Zone status as OCP reports it, such as `RUNNING`."))
            .timeouts(&[("create", Duration::from_secs(30 * 60)), ("update", Duration::from_secs(30 * 60)), ("delete", Duration::from_secs(30 * 60))])
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(config) = read_model::<ZoneConfig>(config, diags) {
            check_zones(&[(None, &config)], diags);
        }
    }

    async fn create(&self, call: &mut Call<'_>, plan: &ZoneModel) -> Step<Born<ZoneModel>> {
        let c = plan.cluster_id;
        match add_zone(call.client, c, &plan.zone).await? {
            Ok(tasks) => {
                let id = Some(zone_id(c, &plan.zone.name));
                Ok(Born::waiting(ZoneModel { id, ..plan.clone() }, tasks))
            }
            Err(z) => {
                let idc = z.idc_name.as_deref().unwrap_or("");
                let what = format!("zone {:?} in IDC {idc:?} of cluster {c}", z.name);
                Err(refuse_existing::<Self>(
                    call.diags,
                    what,
                    zone_id(c, &z.name),
                    "name",
                ))
            }
        }
    }

    async fn read(&self, client: &OcpClient, base: &ZoneModel) -> Found<ZoneModel> {
        let c = base.cluster_id;
        let zones = client.list_zones(c).await?;
        let zone = zones.iter().find(|z| z.name == base.zone.name);
        Ok(zone.map(|z| ZoneModel::from_ocp(c, z, base)))
    }

    async fn update(&self, call: &mut Call<'_>, c: Change<'_, ZoneModel>) -> Step {
        let Change { prior, plan, .. } = c;
        let mut changes = ZoneChanges::default();
        let (had, want) = (&prior.zone, &plan.zone);
        changes.servers(
            &had.name,
            &had.servers,
            &want.servers,
            AttrPath::root("servers"),
        );
        // Refused before any change: an OBServer holding tenant units (OCP would refuse it
        // after the additions were made).
        changes.refuse_held(call, prior.cluster_id).await?;
        changes.apply(call, prior.cluster_id, &mut Vec::new()).await
    }

    async fn delete(&self, call: &mut Call<'_>, state: &ZoneModel) -> Step {
        let (c, name, client) = (state.cluster_id, &state.zone.name, call.client);
        let left = async {
            let zones = client.list_zones(c).await.unwrap_or_default();
            zones
                .into_iter()
                .find(|z| z.name == *name)
                .map(|z| z.status)
        };
        let what = format!("zone {name:?} of cluster {c}");
        call.delete_and_confirm(client.delete_zone(c, name), &what, left)
            .await
    }

    async fn import(&self, _client: Option<&OcpClient>, id: &str) -> Imported<ZoneModel> {
        let (cluster_id, name) =
            import_id::in_cluster(id, ZONE_IMPORT).map_err(ImportError::Invalid)?;
        let mut m = ZoneModel {
            cluster_id,
            ..ZoneModel::default()
        };
        m.zone.name = name;
        Ok(m)
    }

    fn attr_of(&self, err: &ClientError, _plan: &ZoneModel) -> Option<AttrPath> {
        zone_attr(&err.field()?, None)
    }
}

#[cfg(test)]
mod tests;
