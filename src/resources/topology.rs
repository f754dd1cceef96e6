//! The `ocp_cluster` and `ocp_zone` resources: creating an OceanBase cluster on hosts OCP
//! knows, and adding or removing zones afterwards.
//!
//! API: ocp-api.md §3.1 (create-cluster body), §3.2 (zones), §3.3 (OBServers), §5 #2, #12,
//! #13. Cluster creation, deletion, zone and server changes are async OCP tasks.
//!
//! Why two resources: the `zone` blocks of `ocp_cluster` are the zones the cluster is created
//! with (OCP's create call takes them) and changing them replaces the cluster; zones added
//! later are `ocp_zone` resources, whose servers change in place. The cluster's state only
//! tracks its own zones, so the two never fight over a zone.

use std::time::{Duration, Instant};

use crate::client::api::cluster::{
    AddZoneRequest, Cluster, ClusterZone, CreateClusterRequest, CreateClusterZone, NameValue,
};
use crate::client::{ClientError, Created, OcpClient, Secret};
use crate::framework::validate::{NotBlank, OneOf};
use crate::framework::{
    Attr, AttrPath, Block, CreateRequest, CreateResponse, Ctx, DeleteRequest, DeleteResponse,
    Diagnostics, ImportResponse, NestedBlock, PlanRequest, PlanResponse, ReadRequest, ReadResponse,
    Resource, Schema, UpdateRequest, UpdateResponse,
};
use crate::value::{Type, Value};

use super::unique::{refuse_duplicates, Duplicate, Keyed};
use super::{
    import_id, refuse_existing, report, report_delete, set_reported, wait, wait_tasks, Existing,
    Waited,
};
use crate::client::api::tenant::TenantFilter;
use crate::lifecycle::pending::{Op, Private};

/// The `ocp_cluster` resource.
pub struct ClusterResource;

/// The message for a host listed twice (a host runs one OBServer, in one zone).
fn host_twice(d: &Duplicate<'_, i64>) -> String {
    format!(
        "{} and {} both name host {}; each host runs one OBServer, in one zone. Remove one of them.",
        d.first.1, d.second.1, d.key
    )
}

fn host_ids(v: &Value) -> Vec<i64> {
    v.elements().iter().filter_map(Value::as_i64).collect()
}

/// The host ids of a zone's OBServers, `None` unless OCP names the host of every one of them
/// (`hostId` is not in the reference's server shape, §5 #13: without it the zone's servers
/// are not known from OCP, and Read keeps the prior list).
fn reported_hosts(z: &ClusterZone) -> Option<Vec<i64>> {
    if z.servers.is_empty() {
        return None;
    }
    z.servers.iter().map(|s| s.host_id).collect()
}

/// A `zone` block for zone `z`, keeping from `prior` (the block in state) what OCP omits.
fn zone_value(z: &ClusterZone, prior: Option<&Value>) -> Value {
    let prior = prior.unwrap_or(&Value::Null);
    let mut v = Value::object([("name", Value::string(z.name.clone()))]);
    super::set_reported(
        &mut v,
        prior,
        "idc_name",
        z.idc_name.clone().map(Value::string),
    );
    let servers =
        reported_hosts(z).map(|h| Value::List(h.into_iter().map(Value::from_i64).collect()));
    super::set_reported(&mut v, prior, "servers", servers);
    if v.get("servers").is_none_or(Value::is_null) {
        v.set_attr("servers", Value::List(Vec::new()));
    }
    v
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

/// The zone-priority groups of a primary zone string (`;` separates priorities, `,` joins
/// equals), so that `zone1;zone2,zone3` equals `zone1; zone3,zone2`.
fn primary_zone_groups(pz: &str) -> Vec<std::collections::BTreeSet<String>> {
    pz.split(';')
        .map(|g| {
            g.split(',')
                .map(|z| z.trim().to_string())
                .filter(|z| !z.is_empty())
                .collect()
        })
        .filter(|g: &std::collections::BTreeSet<String>| !g.is_empty())
        .collect()
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
    let sys_primary_zone = match client.list_tenants(Some(id), &filter).await {
        Ok(ts) => ts
            .into_iter()
            .find(|t| t.name == "sys")
            .and_then(|t| t.primary_zone),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e),
    };
    Ok(Some(Observed {
        cluster,
        sys_primary_zone,
    }))
}

/// The state for cluster `o`: its own zones (those in `base`, in the user's order; all of
/// them after an import), the configuration OCP does not return (kept from `base`), and the
/// sys tenant's primary zone (the value in `base` when OCP reports the same priorities, or none).
fn cluster_state(o: &Observed, base: &Value) -> Value {
    let c = &o.cluster;
    let mut s = base.clone();
    if !matches!(s, Value::Object(_)) {
        s = Value::object(Vec::<(String, Value)>::new());
    }
    s.set_attr("id", Value::from_i64(c.id));
    s.set_attr("name", Value::string(c.name.clone()));
    set_reported(
        &mut s,
        base,
        "type",
        c.cluster_type.clone().map(Value::string),
    );
    if s.get("type").is_none_or(Value::is_null) {
        s.set_attr("type", Value::string("PRIMARY"));
    }
    set_reported(
        &mut s,
        base,
        "ob_cluster_id",
        c.ob_cluster_id.map(Value::from_i64),
    );
    set_reported(&mut s, base, "status", c.status.clone().map(Value::string));
    set_reported(
        &mut s,
        base,
        "ob_version",
        c.ob_version.clone().map(Value::string),
    );
    set_reported(
        &mut s,
        base,
        "create_time",
        c.create_time.clone().map(Value::string),
    );
    set_reported(
        &mut s,
        base,
        "full_version",
        c.full_version.clone().map(Value::string),
    );
    if let Some(pz) = &o.sys_primary_zone {
        let kept = base
            .get("primary_zone")
            .and_then(Value::as_str)
            .is_some_and(|b| primary_zone_groups(b) == primary_zone_groups(pz));
        if !kept {
            s.set_attr("primary_zone", Value::string(pz.clone()));
        }
    } else if s.get("primary_zone").is_none_or(Value::is_unknown) {
        s.set_attr("primary_zone", Value::Null);
    }
    // OCP does not return the package name. After an import there is none in state: name the
    // package the way OCP's OBServer packages are named, from the build OCP reports; the plan
    // then takes any package of that same build as equal (see `modify_plan`). Without a
    // reported build it stays unset, and the first plan records the configured one.
    if base.get("rpm_name").is_none_or(Value::is_null) {
        if let Some(fv) = &c.full_version {
            let arch = c.architecture.clone().unwrap_or_else(|| "x86_64".into());
            s.set_attr(
                "rpm_name",
                Value::string(format!("oceanbase-{fv}.el7.{arch}.rpm")),
            );
        }
    }
    let prior_zones = base.get("zone").map(Value::elements).unwrap_or(&[]);
    let prior_zone = |n: &str| {
        prior_zones
            .iter()
            .find(|e| e.get("name").and_then(Value::as_str) == Some(n))
    };
    if c.zones.is_empty() {
        // OCP reported no zones at all (the zone shape is §5 #13, inferred): keep the prior.
        return s;
    }
    let zones: Vec<Value> = if prior_zones.is_empty() {
        c.zones.iter().map(|z| zone_value(z, None)).collect()
    } else {
        prior_zones
            .iter()
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .filter_map(|n| c.zones.iter().find(|z| z.name == n))
            .map(|z| zone_value(z, prior_zone(&z.name)))
            .collect()
    };
    s.set_attr("zone", Value::List(zones));
    s
}

fn zone_block() -> Block {
    Block::new("A zone the cluster is created with, and its OBServers. Changing these replaces the cluster; add zones later with `ocp_zone`.")
        .attr("name", Attr::string().required().validate(NotBlank).doc("Zone name, unique in the cluster, such as `zone1`."))
        .attr("idc_name", Attr::string().required().validate(NotBlank).doc("Name (not id) of the IDC the zone's hosts are in, e.g. `ocp_idc.hz1.name`."))
        .attr("servers", Attr::list(Type::Number).required().doc("Ids of the hosts that run the zone's OBServers, e.g. `[ocp_host.a.id]`. At least one; each host free and in the zone's IDC."))
}

#[tonic::async_trait]
impl Resource for ClusterResource {
    fn type_name(&self) -> &'static str {
        "ocp_cluster"
    }

    fn schema(&self) -> Schema {
        Schema::new("An OceanBase cluster created by OCP on hosts it knows. Creation runs as a long OCP task that Terraform waits on. The `zone` blocks are the zones it is created with; add zones later with `ocp_zone`.")
            .attr("id", Attr::int().computed().use_state_for_unknown().doc("OCP id of the cluster; also the import id (the name works too)."))
            .attr("name", Attr::string().required().requires_replace().validate(NotBlank).doc("Cluster name, unique in OCP. Changing it replaces the cluster."))
            .attr("type", Attr::string().default(Value::string("PRIMARY")).requires_replace().validate(OneOf(&["PRIMARY", "STANDBY"])).doc("`PRIMARY` or `STANDBY`. Default `PRIMARY`. Changing it replaces the cluster."))
            .attr("rpm_name", Attr::string().required().requires_replace().validate(NotBlank).doc("The OBServer package OCP installs, which decides the OceanBase version, such as `oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm`. Changing it replaces the cluster."))
            .attr("root_password", Attr::string().required().sensitive().doc("Password of `root@sys`. OCP never returns it, and OCP's API documents no call to change it: set it at creation; a later change is refused at plan time."))
            .attr("primary_zone", Attr::string().optional().computed().use_state_for_unknown().requires_replace().validate(super::PrimaryZoneSyntax).doc("Zone priority of the sys tenant's leaders, e.g. `zone1;zone2,zone3`. Read back from the `sys` tenant; when not set, OCP's choice. Changing it replaces the cluster."))
            .attr("ob_cluster_id", Attr::int().computed().use_state_for_unknown().doc("OceanBase's own cluster id."))
            .attr("status", Attr::string().computed().doc("Cluster status as OCP reports it, such as `RUNNING`."))
            .attr("ob_version", Attr::string().computed().use_state_for_unknown().doc("OceanBase version installed."))
            .attr("create_time", Attr::string().computed().use_state_for_unknown().doc("When OCP created the cluster."))
            .attr("full_version", Attr::string().computed().use_state_for_unknown().doc("Full build version OCP reports, such as `4.2.1.0-100000102023092807`."))
            .block("zone", NestedBlock::list(zone_block()).items(1, 0).requires_replace())
            .block(
                "startup_parameter",
                NestedBlock::list(
                    Block::new("An OBServer startup parameter (OCP's `startupParameters`). Changing them replaces the cluster. Blocks rather than a map: Terraform 1.0 turns an absent map into an empty one under `ignore_changes`, which would look like a change.")
                        .attr("name", Attr::string().required().validate(NotBlank).doc("Parameter name, such as `memory_limit`."))
                        .attr("value", Attr::string().required().doc("Parameter value, such as `32G`.")),
                )
                .requires_replace(),
            )
            .timeouts(&[("create", Duration::from_secs(60 * 60)), ("delete", Duration::from_secs(30 * 60))])
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let zones = config.get("zone").map(Value::elements).unwrap_or(&[]);
        let names: Vec<Keyed<&str>> = zones
            .iter()
            .enumerate()
            .map(|(i, z)| Keyed {
                path: AttrPath::root("zone").index(i).attr("name"),
                key: z.get("name").and_then(Value::as_str),
            })
            .collect();
        refuse_duplicates(&names, "Duplicate Zone", diags, |d| {
            format!(
                "{} and {} both name zone {:?}; zone names are unique in a cluster. Put all of the zone's hosts in one `zone` block.",
                d.first.1, d.second.1, d.key
            )
        });
        let mut hosts = Vec::new();
        for (i, z) in zones.iter().enumerate() {
            let p = AttrPath::root("zone").index(i).attr("servers");
            if let Some(s) = z.get("servers").filter(|s| s.is_wholly_known()) {
                if s.elements().is_empty() {
                    diags.attr_error(
                        p.clone(),
                        "Zone Without Servers",
                        "A zone needs at least one host for its OBServers.",
                    );
                }
            }
            if let Some(s) = z.get("servers").filter(|s| !s.is_unknown()) {
                hosts.extend(s.elements().iter().enumerate().map(|(j, h)| Keyed {
                    path: p.index(j),
                    key: h.as_i64(),
                }));
            }
        }
        refuse_duplicates(&hosts, "Host Used Twice", diags, host_twice);
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        if !req.prior.is_null() {
            // Values OCP does not return were not known to an import (or, for `rpm_name`,
            // when OCP reports no build): recording the configured ones is no change to the
            // cluster (design rule R6).
            let imported = was_imported(req.prior_private);
            // Not configured: OCP's choice, as last read (null when OCP reports none), never
            // "unknown", which would replace the cluster.
            if req.config.get("primary_zone").is_none_or(Value::is_null) {
                let prior = req.prior.get("primary_zone").cloned();
                resp.planned
                    .set_attr("primary_zone", prior.unwrap_or(Value::Null));
                resp.requires_replace
                    .retain(|p| *p != AttrPath::root("primary_zone"));
            }
            if req.prior.get("rpm_name").is_none_or(Value::is_null) {
                resp.requires_replace
                    .retain(|p| *p != AttrPath::root("rpm_name"));
            }
            if imported
                && req
                    .prior
                    .get("startup_parameter")
                    .is_none_or(|v| v.elements().is_empty())
            {
                resp.requires_replace
                    .retain(|p| *p != AttrPath::root("startup_parameter"));
            }
        }
        // A package of the same build as the running one is the same version: keep the prior
        // name (it may have been derived on import) rather than replace the cluster.
        if let (Some(cfg), Some(prior), Some(fv)) = (
            req.config.get("rpm_name").and_then(Value::as_str),
            req.prior.get("rpm_name").and_then(Value::as_str),
            req.prior.get("full_version").and_then(Value::as_str),
        ) {
            if cfg != prior && cfg.contains(fv) && prior.contains(fv) {
                resp.planned.set_attr("rpm_name", Value::string(prior));
                resp.requires_replace
                    .retain(|p| *p != AttrPath::root("rpm_name"));
            }
        }
        let prior = req.prior.get("root_password").unwrap_or(&Value::Null);
        if !prior.is_null()
            && req.config.get("root_password") != Some(prior)
            && req
                .config
                .get("root_password")
                .is_some_and(|v| !v.is_unknown())
        {
            resp.diags.attr_error(
                AttrPath::root("root_password"),
                "Cannot Change the Cluster Root Password",
                "OCP's API documents no call to change root@sys's password. Change it in OCP, then set the new value here with `terraform state rm` and `terraform import`, or keep the old value.",
            );
        }
        // An in-place update sends nothing to OCP (it only records the root password after an
        // import, values an import could not know, or `timeouts`): computed values stay.
        if !req.prior.is_null() && resp.requires_replace.is_empty() {
            if let Some(status) = req.prior.get("status") {
                resp.planned.set_attr("status", status.clone());
            }
        }
    }

    async fn create(&self, ctx: &Ctx, req: CreateRequest, resp: &mut CreateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let deadline = Instant::now() + req.timeout;
        let p = &req.plan;
        let s = |a: &str| p.get(a).and_then(Value::as_str).map(str::to_string);
        let zones: Vec<CreateClusterZone> = p
            .get("zone")
            .map(Value::elements)
            .unwrap_or(&[])
            .iter()
            .map(|z| CreateClusterZone {
                name: z
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                idc_name: z
                    .get("idc_name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                servers: z.get("servers").map(host_ids).unwrap_or_default(),
                ..CreateClusterZone::default()
            })
            .collect();
        let body = CreateClusterRequest {
            name: s("name").unwrap_or_default(),
            cluster_type: s("type").unwrap_or_else(|| "PRIMARY".into()),
            password: Secret::new(s("root_password").unwrap_or_default()),
            rpm_name: s("rpm_name").unwrap_or_default(),
            primary_zone: s("primary_zone"),
            zones,
            startup_parameters: p
                .get("startup_parameter")
                .map(Value::elements)
                .unwrap_or(&[])
                .iter()
                .filter_map(|b| {
                    Some(NameValue {
                        name: b.get("name")?.as_str()?.to_string(),
                        value: b.get("value")?.as_str()?.to_string(),
                    })
                })
                .collect(),
            ..CreateClusterRequest::default()
        };
        let (id, task) = match client.create_cluster(&body).await {
            Ok(Created::New(t)) => match t.cluster_id {
                Some(id) => (id, Some(t)),
                None => match client.find_cluster_by_name(&body.name).await {
                    Ok(Some(c)) => (c.id, Some(t)),
                    _ => return resp.diags.error("Unable to Create Cluster", format!("OCP accepted the create (task {}) but cluster {:?} was not found. Check OCP, then import it.", t.id, body.name)),
                },
            },
            // Made by this create's own unanswered POST, and what the plan asks for.
            Ok(Created::Adopted(c))
                if matches!(c.status.as_deref(), Some("RUNNING" | "CREATING"))
                    && differs_from_plan(&c, p).is_none() =>
            {
                log::info!("adopting cluster {} ({}), made by this create's unanswered POST", c.id, c.name);
                (c.id, None)
            }
            Ok(Created::Adopted(c) | Created::Existing(c)) => {
                return refuse_existing(
                    &mut resp.diags,
                    Existing {
                        type_name: "ocp_cluster",
                        noun: "Cluster",
                        what: format!("cluster {:?} (OCP id {}, status {:?})", c.name, c.id, c.status.as_deref().unwrap_or("")),
                        import_id: c.id.to_string(),
                        attr: "name",
                    },
                )
            }
            Err(e) => return report(&mut resp.diags, "Create Cluster", error_path(&e), &e),
        };
        let mut state = p.clone();
        state.set_attr("id", Value::from_i64(id));
        resp.state = state.clone();
        if let Some(t) = &task {
            let w = wait_tasks(
                client,
                ctx,
                Op::Create,
                &[t.id],
                deadline,
                &mut resp.private,
                &mut resp.diags,
                "Create Cluster",
            )
            .await;
            if w != Waited::Done {
                return;
            }
        }
        match observe(client, id).await {
            Ok(Some(o)) => resp.state = cluster_state(&o, &state),
            Ok(None) => resp.diags.error(
                "Unable to Create Cluster",
                format!("Cluster {id} was not found right after its task succeeded."),
            ),
            Err(e) => report(&mut resp.diags, "Read Cluster After Create", None, &e),
        }
    }

    async fn read(&self, ctx: &Ctx, req: ReadRequest, resp: &mut ReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(id) = req.state.get("id").and_then(Value::as_i64) else {
            return;
        };
        match observe(client, id).await {
            Ok(Some(o)) => resp.state = Some(cluster_state(&o, &req.state)),
            Ok(None) => resp.remove(),
            Err(e) => report(&mut resp.diags, "Read Cluster", None, &e),
        }
    }

    async fn update(&self, ctx: &Ctx, req: UpdateRequest, resp: &mut UpdateResponse) {
        // Only values OCP does not return (the root password, and after an import the
        // startup parameters or package) or `timeouts` can change in place; none reaches OCP.
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(id) = req.prior.get("id").and_then(Value::as_i64) else {
            return;
        };
        match observe(client, id).await {
            Ok(Some(o)) => {
                let mut state = cluster_state(&o, &req.plan);
                // The plan kept the status (nothing here changes the cluster); a change OCP
                // made meanwhile shows at the next refresh, not as an inconsistent result.
                if let Some(s) = req.plan.get("status").filter(|s| !s.is_unknown()) {
                    state.set_attr("status", s.clone());
                }
                resp.state = state;
                Private::edit(&mut resp.private, |p| {
                    p.extra.remove(IMPORTED);
                });
            }
            Ok(None) => resp.diags.error(
                "Unable to Update Cluster",
                format!("Cluster {id} disappeared."),
            ),
            Err(e) => report(&mut resp.diags, "Read Cluster", None, &e),
        }
    }

    async fn delete(&self, ctx: &Ctx, req: DeleteRequest, resp: &mut DeleteResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let deadline = Instant::now() + req.timeout;
        let Some(id) = req.state.get("id").and_then(Value::as_i64) else {
            return;
        };
        let task = match client.delete_cluster(id).await {
            Ok(Some(t)) => t,
            Ok(None) => return,
            Err(e) => return report_delete(&mut resp.diags, "Delete Cluster", &e),
        };
        if let Err(e) = wait(client, ctx, &task, deadline).await {
            return report_delete(&mut resp.diags, "Delete Cluster", &e);
        }
        if let Ok(Some(c)) = client.find_cluster(id).await {
            resp.diags.error(
                "Unable to Delete Cluster",
                format!(
                    "OCP's delete task {} succeeded but cluster {id} still exists (status {:?}).",
                    task.id,
                    c.status.unwrap_or_default()
                ),
            );
        }
    }

    async fn import(&self, ctx: &Ctx, id: &str, resp: &mut ImportResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let found = match id.parse::<i64>() {
            Ok(n) => client.find_cluster(n).await,
            Err(_) => client.find_cluster_by_name(id).await,
        };
        match found {
            Ok(Some(c)) => {
                resp.state = Some(Value::object([("id", Value::from_i64(c.id))]));
                Private::edit(&mut resp.private, |p| {
                    p.extra.insert(IMPORTED.into(), serde_json::Value::Bool(true));
                });
            }
            Ok(None) => resp.diags.error("Cannot Import Non-Existent Cluster", format!("OCP has no cluster with id or name {id:?}. Expected \"<cluster_id>\" or \"<cluster_name>\".")),
            Err(e) => report(&mut resp.diags, "Import Cluster", None, &e),
        }
    }
}

/// The attribute an OCP create error is about, from OCP's message (§5 #3: no field names).
fn error_path(e: &ClientError) -> Option<AttrPath> {
    let ClientError::Api { message, .. } = e else {
        return None;
    };
    let m = message.to_ascii_lowercase();
    let attr = if m.contains("rpm") || m.contains("version") || m.contains("package") {
        "rpm_name"
    } else if m.contains("password") {
        "root_password"
    } else if m.contains("zone") || m.contains("server") || m.contains("host") || m.contains("idc")
    {
        "zone"
    } else if m.contains("name") {
        "name"
    } else {
        return None;
    };
    Some(AttrPath::root(attr))
}

/// Why an existing cluster found under the planned name is not the one this create made
/// (design rule R2: adopt only what matches the plan): a planned zone it lacks, or a zone whose
/// OBServers run on other hosts. `None` when it matches.
fn differs_from_plan(c: &Cluster, plan: &Value) -> Option<String> {
    let zones = plan.get("zone").map(Value::elements).unwrap_or(&[]);
    for z in zones {
        let name = z.get("name").and_then(Value::as_str).unwrap_or_default();
        let Some(have) = c.zones.iter().find(|h| h.name == name) else {
            return Some(format!("it has no zone {name:?}"));
        };
        let mut want = z.get("servers").map(host_ids).unwrap_or_default();
        let mut got: Vec<i64> = have.servers.iter().filter_map(|s| s.host_id).collect();
        want.sort_unstable();
        got.sort_unstable();
        if want != got {
            return Some(format!(
                "its zone {name:?} runs on hosts {got:?}, not {want:?}"
            ));
        }
    }
    None
}

/// The `ocp_zone` resource.
pub struct ZoneResource;

const ZONE_IMPORT: &str = "\"<cluster_id>/<zone_name>\"";

fn zone_of(client_zones: Vec<ClusterZone>, name: &str) -> Option<ClusterZone> {
    client_zones.into_iter().find(|z| z.name == name)
}

fn zone_state(c: i64, z: &ClusterZone, base: &Value) -> Value {
    let mut s = base.clone();
    if !matches!(s, Value::Object(_)) {
        s = Value::object(Vec::<(String, Value)>::new());
    }
    s.set_attr(
        "id",
        Value::string(import_id::join(&[c.to_string(), z.name.clone()])),
    );
    s.set_attr("cluster_id", Value::from_i64(c));
    s.set_attr("name", Value::string(z.name.clone()));
    let prior = base;
    set_reported(
        &mut s,
        prior,
        "idc_name",
        z.idc_name.clone().map(Value::string),
    );
    set_reported(
        &mut s,
        prior,
        "region_name",
        z.region_name.clone().map(Value::string),
    );
    set_reported(&mut s, prior, "status", z.status.clone().map(Value::string));
    let mine = base.get("servers").map(host_ids).unwrap_or_default();
    // OCP does not name every OBServer's host: keep the prior list (R6).
    let have: Vec<i64> = reported_hosts(z).unwrap_or_else(|| mine.clone());
    // The user's order when it holds the same hosts.
    let same = mine.len() == have.len() && mine.iter().all(|h| have.contains(h));
    let order = if same { mine } else { have };
    s.set_attr(
        "servers",
        Value::List(order.into_iter().map(Value::from_i64).collect()),
    );
    s
}

async fn read_zone(
    client: &OcpClient,
    c: i64,
    name: &str,
) -> Result<Option<ClusterZone>, ClientError> {
    match client.list_zones(c).await {
        Ok(z) => Ok(zone_of(z, name)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

#[tonic::async_trait]
impl Resource for ZoneResource {
    fn type_name(&self) -> &'static str {
        "ocp_zone"
    }

    fn schema(&self) -> Schema {
        Schema::new("A zone added to an existing cluster, with its OBServers. OCP refuses to remove a zone that still holds tenant replicas. (Zones written in `ocp_cluster` are the ones the cluster is created with; this resource is for zones added later.)\n\nOBServers are the `servers` list of their zone rather than a resource of their own: OCP adds OBServers to a named zone by host id and creates a zone together with its first OBServers, each OBServer belongs to exactly one zone and one host, and a zone cannot be empty. One list of host ids per zone reads the way a deployment is drawn, and a change of servers shows in the plan as one in-place change of that list.")
            .attr("id", Attr::string().computed().use_state_for_unknown().doc("`<cluster_id>/<zone_name>`, also the import id."))
            .attr("cluster_id", Attr::int().required().requires_replace().doc("OCP id of the cluster, e.g. `ocp_cluster.main.id`. Changing it replaces the zone."))
            .attr("name", Attr::string().required().requires_replace().validate(NotBlank).doc("Zone name, unique in the cluster. Changing it replaces the zone."))
            .attr("idc_name", Attr::string().required().requires_replace().validate(NotBlank).doc("Name of the IDC of the zone's hosts. Changing it replaces the zone."))
            .attr("servers", Attr::list(Type::Number).required().doc("Ids of the hosts running the zone's OBServers. Adding or removing hosts adds or removes OBServers in place (OCP refuses to remove one that holds tenant units)."))
            .attr("region_name", Attr::string().computed().use_state_for_unknown().doc("Region of the zone's IDC."))
            .attr("status", Attr::string().computed().doc("Zone status as OCP reports it, such as `RUNNING`."))
            .timeouts(&[("create", Duration::from_secs(30 * 60)), ("update", Duration::from_secs(30 * 60)), ("delete", Duration::from_secs(30 * 60))])
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if config
            .get("servers")
            .is_some_and(|s| s.is_wholly_known() && s.elements().is_empty())
        {
            diags.attr_error(
                AttrPath::root("servers"),
                "Zone Without Servers",
                "A zone needs at least one host for its OBServers.",
            );
        }
        if let Some(s) = config.get("servers").filter(|s| !s.is_unknown()) {
            let hosts: Vec<Keyed<i64>> = s
                .elements()
                .iter()
                .enumerate()
                .map(|(j, h)| Keyed {
                    path: AttrPath::root("servers").index(j),
                    key: h.as_i64(),
                })
                .collect();
            refuse_duplicates(&hosts, "Host Used Twice", diags, host_twice);
        }
    }

    async fn create(&self, ctx: &Ctx, req: CreateRequest, resp: &mut CreateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let deadline = Instant::now() + req.timeout;
        let p = &req.plan;
        let (Some(c), Some(name), Some(idc)) = (
            p.get("cluster_id").and_then(Value::as_i64),
            p.get("name").and_then(Value::as_str),
            p.get("idc_name").and_then(Value::as_str),
        ) else {
            return;
        };
        let body = AddZoneRequest {
            name: name.to_string(),
            idc_name: idc.to_string(),
            servers: p.get("servers").map(host_ids).unwrap_or_default(),
            ..AddZoneRequest::default()
        };
        let task = match client.add_zone(c, &body).await {
            Ok(Created::New(t)) => Some(t),
            // Made by this create's own unanswered POST, and where the plan puts it.
            Ok(Created::Adopted(z)) if z.idc_name.as_deref() == Some(idc) => None,
            Ok(Created::Adopted(z) | Created::Existing(z)) => {
                return refuse_existing(
                    &mut resp.diags,
                    Existing {
                        type_name: "ocp_zone",
                        noun: "Zone",
                        what: format!(
                            "zone {:?} in IDC {:?} of cluster {c}",
                            z.name,
                            z.idc_name.as_deref().unwrap_or("")
                        ),
                        import_id: import_id::join(&[c.to_string(), z.name.clone()]),
                        attr: "name",
                    },
                )
            }
            Err(e) => {
                return report(
                    &mut resp.diags,
                    "Create Zone",
                    error_path(&e).map(|_| AttrPath::root("servers")),
                    &e,
                )
            }
        };
        let mut state = p.clone();
        state.set_attr(
            "id",
            Value::string(import_id::join(&[c.to_string(), name.to_string()])),
        );
        resp.state = state.clone();
        if let Some(t) = &task {
            let w = wait_tasks(
                client,
                ctx,
                Op::Create,
                &[t.id],
                deadline,
                &mut resp.private,
                &mut resp.diags,
                "Create Zone",
            )
            .await;
            if w != Waited::Done {
                return;
            }
        }
        match read_zone(client, c, name).await {
            Ok(Some(z)) => resp.state = zone_state(c, &z, &state),
            Ok(None) => resp.diags.error(
                "Unable to Create Zone",
                format!("Zone {name:?} was not found right after its task succeeded."),
            ),
            Err(e) => report(&mut resp.diags, "Read Zone After Create", None, &e),
        }
    }

    async fn read(&self, ctx: &Ctx, req: ReadRequest, resp: &mut ReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (Some(c), Some(name)) = (
            req.state.get("cluster_id").and_then(Value::as_i64),
            req.state.get("name").and_then(Value::as_str),
        ) else {
            return;
        };
        match read_zone(client, c, name).await {
            Ok(Some(z)) => resp.state = Some(zone_state(c, &z, &req.state)),
            Ok(None) => resp.remove(),
            Err(e) => report(&mut resp.diags, "Read Zone", None, &e),
        }
    }

    async fn update(&self, ctx: &Ctx, req: UpdateRequest, resp: &mut UpdateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let deadline = Instant::now() + req.timeout;
        let (Some(c), Some(name)) = (
            req.prior.get("cluster_id").and_then(Value::as_i64),
            req.prior.get("name").and_then(Value::as_str),
        ) else {
            return;
        };
        let have = req.prior.get("servers").map(host_ids).unwrap_or_default();
        let want = req.plan.get("servers").map(host_ids).unwrap_or_default();
        let added: Vec<i64> = want.iter().filter(|h| !have.contains(h)).copied().collect();
        let removed: Vec<i64> = have.iter().filter(|h| !want.contains(h)).copied().collect();
        // Add before removing, so the zone never runs short of OBServers.
        if !added.is_empty() {
            match client.add_servers(c, name, &added).await {
                Ok(t) => {
                    wait_tasks(
                        client,
                        ctx,
                        Op::Update,
                        &[t.id],
                        deadline,
                        &mut resp.private,
                        &mut resp.diags,
                        "Add OBServers",
                    )
                    .await;
                }
                Err(e) => report(
                    &mut resp.diags,
                    "Add OBServers",
                    Some(AttrPath::root("servers")),
                    &e,
                ),
            }
        }
        if !removed.is_empty() && !resp.diags.has_errors() {
            match client.delete_servers(c, &removed).await {
                Ok(t) => {
                    wait_tasks(
                        client,
                        ctx,
                        Op::Update,
                        &[t.id],
                        deadline,
                        &mut resp.private,
                        &mut resp.diags,
                        "Remove OBServers",
                    )
                    .await;
                }
                Err(e) => report(
                    &mut resp.diags,
                    "Remove OBServers",
                    Some(AttrPath::root("servers")),
                    &e,
                ),
            }
        }
        match read_zone(client, c, name).await {
            Ok(Some(z)) => resp.state = zone_state(c, &z, &req.plan),
            Ok(None) => resp.diags.error(
                "Unable to Update Zone",
                format!("Zone {name:?} disappeared during the update."),
            ),
            Err(e) => report(&mut resp.diags, "Read Zone After Update", None, &e),
        }
    }

    async fn delete(&self, ctx: &Ctx, req: DeleteRequest, resp: &mut DeleteResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let deadline = Instant::now() + req.timeout;
        let (Some(c), Some(name)) = (
            req.state.get("cluster_id").and_then(Value::as_i64),
            req.state.get("name").and_then(Value::as_str),
        ) else {
            return;
        };
        let task = match client.delete_zone(c, name).await {
            Ok(Some(t)) => t,
            Ok(None) => return,
            Err(e) => return report_delete(&mut resp.diags, "Delete Zone", &e),
        };
        if let Err(e) = wait(client, ctx, &task, deadline).await {
            return report_delete(&mut resp.diags, "Delete Zone", &e);
        }
        if let Ok(zones) = client.list_zones(c).await {
            if let Some(z) = zones.into_iter().find(|z| z.name == name) {
                resp.diags.error(
                    "Unable to Delete Zone",
                    format!(
                        "OCP task {} ended but zone {name:?} of cluster {c} still exists (status {:?}). Run terraform destroy again once OCP has finished with it.",
                        task.id,
                        z.status.unwrap_or_default()
                    ),
                );
            }
        }
    }

    async fn import(&self, _ctx: &Ctx, id: &str, resp: &mut ImportResponse) {
        let parts = import_id::split(id);
        match parts.as_deref() {
            Ok([c, name]) if c.parse::<i64>().is_ok() && !name.is_empty() => {
                resp.state = Some(Value::object([
                    ("cluster_id", Value::from_i64(c.parse().unwrap_or_default())),
                    ("name", Value::string(name.clone())),
                ]))
            }
            _ => resp.diags.error(
                "Invalid Import ID",
                format!("Expected an import id of the form {ZONE_IMPORT}, got {id:?}."),
            ),
        }
    }
}

#[cfg(test)]
mod tests;
