//! The `ocp_obproxy_cluster` resource and the `ocp_obproxy_cluster` / `ocp_obproxy_clusters`
//! data sources: OBProxy clusters, the endpoint applications connect to.
//!
//! API: `docs/ocp-api-obproxy.md`; the calls and the decisions on inferred facts are in
//! `src/client/api/obproxy.rs`. Creation, deletion and adding or removing OBProxies are async
//! OCP tasks; links and parameters are synchronous.
//!
//! In place: the hosts (OBProxies added on new hosts, removed from dropped ones), the `ob_link`
//! blocks (OceanBase clusters linked and unlinked) and `parameters`. OCP documents no call that
//! changes the name, version, ports, work mode or passwords of a cluster: those replace it.
//!
//! `parameters` follows the rules of every `parameters` map (`super::parameters`, as
//! [`Owner::Obproxy`]): only the keys listed are managed; removing a key sets the parameter
//! back to the default OCP reports; values are compared as OCP normalises them (booleans in
//! any case), so the user's spelling stays.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::client::api::obproxy::{CreateObproxyCluster, InstallObproxy, ObLink, ObproxyCluster};
use crate::client::{ClientError, OcpClient, Secret};
use crate::framework::validate::{NotBlank, OneOf};
use crate::framework::{
    read_model, Attr, AttrPath, Block, Diagnostics, NestedBlock, PlanRequest, PlanResponse, Schema,
};
use crate::lifecycle::data::{ListData, NoFilter};
use crate::lifecycle::{
    attr_by_field_or_name, import_by_id_or_name, owned, replan, report, Born, Call, Change, Choice,
    Chooser, Fail, Found, Imported, OcpData, OcpObject, Step,
};
use crate::value::{known, Known, Type, Value};

use super::compute::Selector;
use super::parameters::{self, Owner, Params};
use crate::framework::unique::refuse_duplicates;

/// The `ocp_obproxy_cluster` resource.
pub struct ObproxyClusterResource;

/// The default user OBProxy connects to an OceanBase cluster as.
const PROXY_USER: &str = "proxyro";
/// The default `<user>@<tenant>` of a connection string.
const CONNECT_AS: &str = "root@sys";

/// An `ob_link` block.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LinkBlock {
    cluster_id: i64,
    username: Option<String>,
    connect_as: Option<String>,
    cluster_name: Option<String>,
    connection_string: Option<String>,
}

impl LinkBlock {
    /// The user OBProxy connects as (`username`, or its default).
    fn user(&self) -> &str {
        self.username.as_deref().unwrap_or(PROXY_USER)
    }

    /// What tells links apart: the cluster and the user (a new user links it again).
    fn key(&self) -> (i64, &str) {
        (self.cluster_id, self.user())
    }
}

/// One OBProxy as the state reports it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProxyEntry {
    host_id: Option<i64>,
    ip: Option<String>,
    sql_port: Option<i64>,
    status: Option<String>,
}

/// The model of `ocp_obproxy_cluster`: state, plan and import alike.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ObproxyModel {
    id: Option<i64>,
    name: String,
    #[serde(default)]
    hosts: Vec<i64>,
    version: Option<String>,
    sql_port: Option<i64>,
    exporter_port: Option<i64>,
    rpc_port: Option<i64>,
    work_mode: Option<String>,
    proxysys_password: Option<String>,
    proxyro_password: Option<String>,
    parameters: Option<Params>,
    status: Option<String>,
    proxies: Option<Vec<ProxyEntry>>,
    #[serde(default)]
    ob_link: Vec<LinkBlock>,
}

/// What validating and planning look at (values may be unknown); a plan written back through
/// it holds what it was read from but for what planning changed.
#[derive(Serialize, Deserialize)]
struct ObproxyPlan {
    hosts: Option<Known<Vec<Option<Known<i64>>>>>,
    work_mode: Option<Known<String>>,
    sql_port: Option<Known<i64>>,
    exporter_port: Option<Known<i64>>,
    rpc_port: Option<Known<i64>>,
    ob_link: Option<Known<Vec<LinkPlan>>>,
}

/// An `ob_link` block in a configuration or plan.
#[derive(Serialize, Deserialize)]
struct LinkPlan {
    cluster_id: Option<Known<i64>>,
    username: Option<Known<String>>,
    connect_as: Option<Known<String>>,
    cluster_name: Option<Known<String>>,
    connection_string: Option<Known<String>>,
}

/// The connection string of a linked cluster: `obclient -h<ip> -P<port> -u<user>@<tenant>#<cluster> -p`
/// (the OceanBase client's form; the password is never part of it). The endpoint is the
/// cluster's access address when OCP reports one, else the first OBProxy in `hosts` order.
fn connection_string(
    endpoint: Option<&(String, i64)>,
    connect_as: &str,
    cluster: &str,
) -> Option<String> {
    let (ip, port) = endpoint?;
    Some(format!(
        "obclient -h{ip} -P{port} -u{connect_as}#{cluster} -p"
    ))
}

/// `have` (hosts OCP reports) in the user's order (`mine`) when they are the same hosts.
fn in_my_order(have: Vec<i64>, mine: &[i64]) -> Vec<i64> {
    let same = have.len() == mine.len() && mine.iter().all(|m| have.contains(m));
    if same || have.is_empty() {
        mine.to_vec()
    } else {
        have
    }
}

/// Where `x` stands in `order`; what is not in it comes last.
fn rank(order: &[i64], x: Option<i64>) -> usize {
    x.and_then(|x| order.iter().position(|o| *o == x))
        .unwrap_or(usize::MAX)
}

/// The entries of `a` that `b` does not have.
fn without(a: &[i64], b: &[i64]) -> Vec<i64> {
    a.iter().filter(|x| !b.contains(x)).copied().collect()
}

/// Names and OCP ids of the OceanBase clusters, to turn OCP's links (by name) into `cluster_id`s.
async fn cluster_ids(client: &OcpClient) -> Result<BTreeMap<String, i64>, ClientError> {
    Ok(client
        .list_clusters(None)
        .await?
        .into_iter()
        .map(|c| (c.name, c.id))
        .collect())
}

impl ObproxyModel {
    /// The model of `c` over `base`: what OCP reports; what it does not (passwords, version,
    /// `connect_as`, the user's order and spelling) from `base` (R6).
    fn from_ocp(
        c: &ObproxyCluster,
        ids: &BTreeMap<String, i64>,
        params: Option<Params>,
        base: &ObproxyModel,
    ) -> ObproxyModel {
        let have: Vec<i64> = c.obproxies.iter().filter_map(|p| p.host_id).collect();
        let hosts = in_my_order(have, &base.hosts);
        let mut proxies: Vec<_> = c.obproxies.iter().collect();
        proxies.sort_by_key(|p| rank(&hosts, p.host_id));
        let first = proxies.first().copied();
        let endpoint = match (&c.address, c.port) {
            (Some(a), Some(p)) if !a.is_empty() => Some((a.clone(), p)),
            _ => first.and_then(|p| Some((p.ip.clone()?, p.sql_port?))),
        };
        let mut ocp: Vec<(i64, &ObLink)> = Vec::new();
        for l in &c.ob_links {
            let named = |b: &&LinkBlock| b.cluster_name.as_deref() == Some(l.cluster_name.as_str());
            let id = ids.get(&l.cluster_name).copied();
            match id.or_else(|| base.ob_link.iter().find(named).map(|b| b.cluster_id)) {
                Some(id) => ocp.push((id, l)),
                None => log::warn!(
                    "OBProxy cluster {}: linked OceanBase cluster {:?} is not known to OCP; it is left out of ob_link",
                    c.name,
                    l.cluster_name
                ),
            }
        }
        // The user's order first, then what else OCP has (all of them after an import).
        let configured: Vec<i64> = base.ob_link.iter().map(|b| b.cluster_id).collect();
        ocp.sort_by_key(|(id, _)| rank(&configured, Some(*id)));
        let link = |(id, l): (i64, &ObLink)| {
            let mine = base.ob_link.iter().find(|b| b.cluster_id == id);
            let connect_as = mine
                .and_then(|b| b.connect_as.clone())
                .unwrap_or_else(|| CONNECT_AS.to_string());
            LinkBlock {
                cluster_id: id,
                username: Some(l.username.clone())
                    .filter(|u| !u.is_empty())
                    .or_else(|| mine.and_then(|b| b.username.clone())),
                connection_string: connection_string(
                    endpoint.as_ref(),
                    &connect_as,
                    &l.cluster_name,
                ),
                connect_as: Some(connect_as),
                cluster_name: Some(l.cluster_name.clone()),
            }
        };
        let proxy = |p: &&crate::client::api::obproxy::Obproxy| ProxyEntry {
            host_id: p.host_id,
            ip: p.ip.clone(),
            sql_port: p.sql_port,
            status: p.status.clone(),
        };
        ObproxyModel {
            id: Some(c.id),
            name: c.name.clone(),
            hosts,
            version: base.version.clone(),
            sql_port: first.and_then(|p| p.sql_port).or(base.sql_port),
            exporter_port: first.and_then(|p| p.exporter_port).or(base.exporter_port),
            rpc_port: first.and_then(|p| p.rpc_port).or(base.rpc_port),
            work_mode: c.work_mode.clone().or_else(|| base.work_mode.clone()),
            proxysys_password: base.proxysys_password.clone(),
            proxyro_password: base.proxyro_password.clone(),
            parameters: params,
            status: c.status.clone().or_else(|| base.status.clone()),
            proxies: Some(proxies.iter().map(proxy).collect()),
            ob_link: ocp.into_iter().map(link).collect(),
        }
    }

    /// Where OCP installs the OBProxies of this model on `hosts`.
    fn install(&self, hosts: Vec<i64>) -> InstallObproxy {
        InstallObproxy {
            host_ids: hosts,
            sql_port: self.sql_port.unwrap_or(2883),
            exporter_port: self.exporter_port.unwrap_or(2884),
            rpc_port: self.rpc_port,
            version: self.version.clone().unwrap_or_default(),
        }
    }
}

/// Reports OCP's refusal of the update's step `call.action` (e.g. "Add OBProxies") on `path`,
/// or failing it on attribute `or`.
fn refused(call: &mut Call<'_>, path: Option<AttrPath>, or: &str, e: &ClientError) -> Fail {
    let path = path.or_else(|| Some(AttrPath::root(or)));
    report(call.diags, &call.action, path, e);
    Fail::Reported
}

/// Refuses two entries with one value: `summary`, "<first> and <second> <is> <value><then>".
fn refuse_twice(
    diags: &mut Diagnostics,
    [summary, is, then]: [&str; 3],
    entries: impl Iterator<Item = (AttrPath, Option<i64>)>,
) {
    refuse_duplicates(entries, summary, diags, |d| {
        format!("{} and {} {is} {}{then}", d.first.1, d.second.1, d.key)
    });
}

/// The links of `plan` as OCP's body takes them (by cluster name and OceanBase's cluster id),
/// each cluster looked up by its OCP id; one that OCP does not have is reported on its
/// `ob_link[i].cluster_id` and nothing is sent.
async fn links_of(call: &mut Call<'_>, links: &[(usize, &LinkBlock)]) -> Step<Vec<ObLink>> {
    let mut out = Vec::new();
    for (i, l) in links {
        let path = AttrPath::root("ob_link").index(*i).attr("cluster_id");
        match call.client.find_cluster(l.cluster_id).await {
            Ok(Some(c)) => out.push(ObLink {
                cluster_name: c.name,
                ob_cluster_id: c.ob_cluster_id,
                username: l.user().into(),
            }),
            Ok(None) => {
                call.diags.attr_error(
                    path,
                    "OceanBase Cluster Not Found",
                    format!("OCP has no OceanBase cluster with id {}; link an existing cluster, e.g. `ocp_cluster.main.id`.", l.cluster_id),
                );
                return Err(Fail::Reported);
            }
            Err(e) => return Err(Fail::at(e, path)),
        }
    }
    Ok(out)
}

/// The attribute an OCP field names: `hostIds[j]` → `hosts[hosts_at[j]]`, `obLinks[i]` →
/// `ob_link[links_at[i]].cluster_id`, else by the resource's `FIELDS` or the attribute of the
/// field's name.
fn attr_at(err: &ClientError, hosts_at: &[usize], links_at: &[usize]) -> Option<AttrPath> {
    let f = err.field()?;
    if let Some(j) = f.index_of("hostIds") {
        return Some(AttrPath::root("hosts").index(hosts_at.get(j).copied().unwrap_or(j)));
    }
    if let Some(i) = f
        .index_of("obLinks")
        .or_else(|| (f.leaf() != "obLinks").then(|| f.body_index()).flatten())
    {
        if matches!(f.leaf(), "clusterName" | "obClusterId" | "username") {
            let i = links_at.get(i).copied().unwrap_or(i);
            let attr = if f.leaf() == "username" {
                "username"
            } else {
                "cluster_id"
            };
            return Some(AttrPath::root("ob_link").index(i).attr(attr));
        }
    }
    let schema = ObproxyClusterResource.schema();
    attr_by_field_or_name(err, ObproxyClusterResource::FIELDS, &schema)
}

fn link_block() -> Block {
    Block::new("An OceanBase cluster the OBProxies serve (OCP's `obLinks`). Linked and unlinked in place.")
        .attr("cluster_id", Attr::int().required().doc("OCP id of the OceanBase cluster, e.g. `ocp_cluster.main.id`."))
        .attr("username", Attr::string().default(Value::string(PROXY_USER)).validate(NotBlank).doc("The user OBProxy connects to the cluster as (in its `sys` tenant). Default `proxyro`. Changing it links the cluster again."))
        .attr("connect_as", Attr::string().default(Value::string(CONNECT_AS)).validate(NotBlank).doc("`<user>@<tenant>` an application connects as, used only to write `connection_string` (OCP never sees it). Default `root@sys`."))
        .attr("cluster_name", Attr::string().computed().doc("Name of the OceanBase cluster."))
        .attr("connection_string", Attr::string().computed().doc("How an application connects to this cluster through the OBProxies: `obclient -h<ip> -P<port> -u<user>@<tenant>#<cluster> -p`, with the cluster's access address when OCP reports one, else the first OBProxy of `hosts`. Never holds a password."))
}

fn proxy_type() -> Type {
    Type::object([
        ("host_id", Type::Number),
        ("ip", Type::String),
        ("sql_port", Type::Number),
        ("status", Type::String),
    ])
}

#[tonic::async_trait]
impl OcpObject for ObproxyClusterResource {
    type Model = ObproxyModel;
    const TYPE_NAME: &'static str = "ocp_obproxy_cluster";
    const NOUN: &'static str = "OBProxy Cluster";
    /// OCP's request fields named otherwise than the attributes they come from (the others,
    /// such as `sqlPort`, name theirs in snake case: see [`attr_at`]).
    const FIELDS: &'static [(&'static str, &'static str)] = &[
        ("hostIds", "hosts"),
        ("exportPort", "exporter_port"),
        ("obLinks", "ob_link"),
        ("password", "proxysys_password"),
    ];

    fn schema(&self) -> Schema {
        Schema::new("An OBProxy cluster: OBProxies on hosts OCP knows, serving the OceanBase clusters of its `ob_link` blocks. Applications connect to the OBProxies (see `connection_string`). Creation and deletion are OCP tasks Terraform waits on.")
            .attr("id", Attr::int().computed().use_state_for_unknown().doc("OCP id of the OBProxy cluster; also the import id (the name works too)."))
            .attr("name", Attr::string().required().requires_replace().validate(NotBlank).doc("Name, unique in OCP. Changing it replaces the OBProxy cluster."))
            .attr("hosts", Attr::list(Type::Number).required().doc("Ids of the hosts that run an OBProxy each, e.g. `[ocp_host.proxy1.id]`. At least one; a host must run neither an OBServer nor another OBProxy. Adding or removing hosts adds or removes OBProxies in place; removing a host frees it."))
            .attr("version", Attr::string().required().requires_replace().validate(NotBlank).doc("The OBProxy package OCP installs, such as `obproxy-ce-4.2.1.0-11.el7.x86_64.rpm`. OCP does not return it. Changing it replaces the OBProxy cluster."))
            .attr("sql_port", Attr::int().default(Value::from_i64(2883)).requires_replace().doc("SQL port of the OBProxies. Default `2883`. Changing it replaces the OBProxy cluster."))
            .attr("exporter_port", Attr::int().default(Value::from_i64(2884)).requires_replace().doc("Exporter (Prometheus) port of the OBProxies. Default `2884`. Changing it replaces the OBProxy cluster."))
            .attr("rpc_port", Attr::int().optional().requires_replace().doc("RPC port of the OBProxies; when not set, OCP's choice. Changing it replaces the OBProxy cluster."))
            .attr("work_mode", Attr::string().default(Value::string("CONFIG_URL")).requires_replace().validate(OneOf(&["CONFIG_URL", "RS_LIST"])).doc("`CONFIG_URL` (any number of linked clusters) or `RS_LIST` (exactly one). Default `CONFIG_URL`. Changing it replaces the OBProxy cluster."))
            .attr("proxysys_password", Attr::string().optional().sensitive().requires_replace().doc("Password of OBProxy's administrator `root@proxysys`. OCP never returns it and documents no call to change it: changing it replaces the OBProxy cluster."))
            .attr("proxyro_password", Attr::string().optional().sensitive().requires_replace().doc("Password of the `username` of the links in the OceanBase clusters' `sys` tenants. OCP never returns it: changing it replaces the OBProxy cluster."))
            .attr("parameters", Attr::map(Type::String).optional().doc("OBProxy parameters to manage, such as `{ client_max_connections = \"10000\" }`. Only the keys listed are managed; removing a key sets the parameter back to OCP's default. Changed in place."))
            .attr("status", Attr::string().computed().doc("Status as OCP reports it, such as `RUNNING`."))
            .attr("proxies", Attr::list(proxy_type()).computed().doc("The OBProxies, in `hosts` order: `host_id`, `ip`, `sql_port`, `status`."))
            .block("ob_link", NestedBlock::list(link_block()).items(1, 0))
            .timeouts(&[("create", Duration::from_secs(30 * 60)), ("update", Duration::from_secs(30 * 60)), ("delete", Duration::from_secs(30 * 60))])
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let Some(c) = read_model::<ObproxyPlan>(config, diags) else {
            return;
        };
        if let Some(hosts) = known(&c.hosts) {
            if hosts.is_empty() {
                diags.attr_error(
                    AttrPath::root("hosts"),
                    "No OBProxy Hosts",
                    "An OBProxy cluster needs at least one host.",
                );
            }
            let at = |(j, h)| (AttrPath::root("hosts").index(j), known(h).copied());
            let words = [
                "Host Used Twice",
                "both name host",
                "; a host runs one OBProxy. Remove one of them.",
            ];
            refuse_twice(diags, words, hosts.iter().enumerate().map(at));
        }
        let links = c.ob_link.and_then(Known::known).unwrap_or_default();
        let at = |(i, l): (usize, &LinkPlan)| {
            let path = AttrPath::root("ob_link").index(i).attr("cluster_id");
            (path, known(&l.cluster_id).copied())
        };
        let words = [
            "Cluster Linked Twice",
            "both link cluster",
            "; link a cluster once.",
        ];
        refuse_twice(diags, words, links.iter().enumerate().map(at));
        if known(&c.work_mode).map(String::as_str) == Some("RS_LIST") && links.len() > 1 {
            diags.attr_error(AttrPath::root("ob_link"), "Too Many Linked Clusters", "In `RS_LIST` mode an OBProxy cluster serves exactly one OceanBase cluster; use `CONFIG_URL` to link more.");
        }
        let ports = [
            ("sql_port", known(&c.sql_port)),
            ("exporter_port", known(&c.exporter_port)),
            ("rpc_port", known(&c.rpc_port)),
        ];
        let at = |(a, p): &(&str, Option<&i64>)| (AttrPath::root(*a), p.copied());
        let words = [
            "Port Used Twice",
            "are both port",
            "; the OBProxy ports must differ.",
        ];
        refuse_twice(diags, words, ports.iter().map(at));
        for (a, p) in ports {
            if let Some(p) = p.filter(|p| !(1025..=65535).contains(*p)) {
                diags.attr_error(
                    AttrPath::root(a),
                    "Invalid Port",
                    format!("Attribute {a} must be in 1025..65535, got {p}."),
                );
            }
        }
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        if req.prior.is_null() {
            return;
        }
        let Some(prior) = read_model::<ObproxyModel>(req.prior, &mut resp.diags) else {
            return;
        };
        // Values OCP never returns were not known to an import: recording the configured
        // ones changes nothing in OCP (design rule R6).
        for (attr, unknown) in [
            ("version", prior.version.is_none()),
            ("proxysys_password", prior.proxysys_password.is_none()),
            ("proxyro_password", prior.proxyro_password.is_none()),
        ] {
            if unknown {
                resp.requires_replace.retain(|p| *p != AttrPath::root(attr));
            }
        }
        // The connection strings name the first OBProxy: when the hosts change, they may too.
        let (Some(config), Some(mut planned)) = (
            read_model::<ObproxyPlan>(req.config, &mut resp.diags),
            read_model::<ObproxyPlan>(&resp.planned, &mut resp.diags),
        ) else {
            return;
        };
        let hosts: Option<Vec<i64>> =
            known(&config.hosts).and_then(|l| l.iter().map(|h| known(h).copied()).collect());
        if hosts.as_deref() != Some(prior.hosts.as_slice()) {
            if let Some(Known::Value(links)) = planned.ob_link.as_mut() {
                links
                    .iter_mut()
                    .for_each(|l| l.connection_string = Some(Known::Unknown));
                replan(&planned, &self.schema(), resp);
            }
        }
    }

    async fn create(&self, call: &mut Call<'_>, plan: &ObproxyModel) -> Step<Born<ObproxyModel>> {
        let indexed: Vec<(usize, &LinkBlock)> = plan.ob_link.iter().enumerate().collect();
        let body = CreateObproxyCluster {
            name: plan.name.clone(),
            work_mode: plan.work_mode.as_deref().unwrap_or("CONFIG_URL").into(),
            password: plan.proxysys_password.clone().map(Secret::new),
            proxyro_password: plan.proxyro_password.clone().map(Secret::new),
            obproxy_install_param: plan.install(plan.hosts.clone()),
            ob_links: links_of(call, &indexed).await?,
            startup_parameters: Vec::new(),
            parameters: parameters::name_values(plan.parameters.iter().flatten()),
        };
        let existing = |c: ObproxyCluster| {
            let status = c.status.unwrap_or_default();
            let what = format!(
                "OBProxy cluster {:?} (OCP id {}, status {status:?})",
                c.name, c.id
            );
            (what, c.id.to_string(), "name")
        };
        // Made by this create's own unanswered POST (the client logs the adoption) when it is
        // on the planned hosts.
        let hosts: BTreeSet<i64> = plan.hosts.iter().copied().collect();
        let on_hosts = |c: &ObproxyCluster| {
            c.obproxies
                .iter()
                .filter_map(|p| p.host_id)
                .collect::<BTreeSet<_>>()
                == hosts
        };
        let created = call.client.create_obproxy_cluster(&body).await?;
        let (id, tasks) = match owned::<Self, _, _>(call.diags, created, on_hosts, existing)? {
            Ok(t) => {
                let client = call.client;
                let find = async {
                    Ok(client
                        .find_obproxy_cluster_by_name(&body.name)
                        .await?
                        .map(|c| c.id))
                };
                let what = format!("OBProxy cluster {:?}", body.name);
                (call.made_id(None, find, &what, &[t.id]).await?, vec![t.id])
            }
            Err(c) => (c.id, Vec::new()),
        };
        Ok(Born::waiting(
            ObproxyModel {
                id: Some(id),
                ..plan.clone()
            },
            tasks,
        ))
    }

    async fn read(&self, client: &OcpClient, base: &ObproxyModel) -> Found<ObproxyModel> {
        let Some(id) = base.id else { return Ok(None) };
        let Some(c) = client.find_obproxy_cluster(id).await? else {
            return Ok(None);
        };
        let params = match base.parameters {
            Some(_) => parameters::read(client, Owner::Obproxy(id), &base.parameters).await?,
            None => None,
        };
        let ids = cluster_ids(client).await?;
        Ok(Some(ObproxyModel::from_ocp(&c, &ids, params, base)))
    }

    async fn update(&self, call: &mut Call<'_>, c: Change<'_, ObproxyModel>) -> Step {
        let Change { prior, plan, .. } = c;
        let Some(id) = prior.id else {
            return Ok(());
        };
        // Hosts: add OBProxies before removing any, so the cluster never runs short.
        let added = without(&plan.hosts, &prior.hosts);
        if !added.is_empty() {
            call.action = "Add OBProxies".into();
            let at: Vec<usize> = (added.iter())
                .filter_map(|h| plan.hosts.iter().position(|x| x == h))
                .collect();
            let t = (call.client.add_obproxies(id, &plan.install(added)).await)
                .map_err(|e| refused(call, attr_at(&e, &at, &[]), "hosts", &e))?;
            call.wait(&[t.id]).await?;
        }
        let removed = without(&prior.hosts, &plan.hosts);
        let c = match removed.is_empty() {
            true => None,
            false => call.client.find_obproxy_cluster(id).await?,
        };
        let ids: Vec<i64> = (c.iter().flat_map(|c| &c.obproxies))
            .filter(|p| p.host_id.is_some_and(|h| removed.contains(&h)))
            .filter_map(|p| p.id)
            .collect();
        if !ids.is_empty() {
            call.action = "Remove OBProxies".into();
            let t = (call.client.delete_obproxies(id, &ids).await)
                .map_err(|e| refused(call, None, "hosts", &e))?;
            call.wait(&[t.id]).await?;
        }
        // Links, keyed by cluster and user: link the new ones first (a cluster keeps one).
        let prior_keys: Vec<_> = prior.ob_link.iter().map(LinkBlock::key).collect();
        let plan_keys: Vec<_> = plan.ob_link.iter().map(LinkBlock::key).collect();
        let gone = (prior.ob_link.iter()).filter(|l| !plan_keys.contains(&l.key()));
        let new: Vec<(usize, &LinkBlock)> = (plan.ob_link.iter().enumerate())
            .filter(|(_, l)| !prior_keys.contains(&l.key()))
            .collect();
        // A cluster whose user changes is unlinked before it is linked again.
        let (relinked, unlinked): (Vec<&LinkBlock>, Vec<&LinkBlock>) =
            gone.partition(|g| new.iter().any(|(_, n)| n.cluster_id == g.cluster_id));
        for g in relinked {
            unlink(call, id, g).await?;
        }
        if !new.is_empty() {
            call.action = "Link OceanBase Clusters".into();
            let links = links_of(call, &new).await?;
            let at: Vec<usize> = new.iter().map(|(i, _)| *i).collect();
            (call.client.add_ob_links(id, &links).await)
                .map_err(|e| refused(call, attr_at(&e, &[], &at), "ob_link", &e))?;
        }
        for g in unlinked {
            unlink(call, id, g).await?;
        }
        call.action = "Set OBProxy Parameters".into();
        let owner = Owner::Obproxy(id);
        let (prior, plan) = (&prior.parameters, &plan.parameters);
        parameters::apply(call, owner, prior, plan, Vec::new(), None).await
    }

    async fn delete(&self, call: &mut Call<'_>, state: &ObproxyModel) -> Step {
        let Some(id) = state.id else {
            return Ok(());
        };
        let client = call.client;
        let left = async {
            let found = client.find_obproxy_cluster(id).await.ok().flatten();
            found.map(|c| c.status)
        };
        let what = format!("OBProxy cluster {id}");
        call.delete_and_confirm(client.delete_obproxy_cluster(id), &what, left)
            .await
    }

    async fn import(&self, client: Option<&OcpClient>, id: &str) -> Imported<ObproxyModel> {
        let forms = "\"<obproxy_cluster_id>\" or \"<name>\"";
        let c = import_by_id_or_name(client, id, "OBProxy cluster", forms, find).await?;
        Ok(ObproxyModel {
            id: Some(c.id),
            ..ObproxyModel::default()
        })
    }

    fn attr_of(&self, err: &ClientError, _plan: &ObproxyModel) -> Option<AttrPath> {
        attr_at(err, &[], &[])
    }
}

/// Unlinks the cluster of `l` (by its name, as OCP's path takes it).
async fn unlink(call: &mut Call<'_>, id: i64, l: &LinkBlock) -> Step {
    let name = match &l.cluster_name {
        Some(n) => n.clone(),
        None => match call.client.find_cluster(l.cluster_id).await? {
            Some(c) => c.name,
            None => return Ok(()),
        },
    };
    call.action = "Unlink OceanBase Cluster".into();
    let unlinked = call.client.delete_ob_link(id, &name).await;
    unlinked
        .map(|_| ())
        .map_err(|e| refused(call, None, "ob_link", &e))
}

/// The state of `data "ocp_obproxy_cluster"` and an entry of `ocp_obproxy_clusters`.
#[derive(Serialize)]
pub struct ObproxyEntry {
    id: i64,
    name: String,
    hosts: Vec<i64>,
    sql_port: Option<i64>,
    exporter_port: Option<i64>,
    work_mode: Option<String>,
    status: Option<String>,
    proxies: Vec<ProxyEntry>,
    linked_cluster_ids: Vec<i64>,
}

impl ObproxyEntry {
    fn of(c: &ObproxyCluster, ids: &BTreeMap<String, i64>) -> ObproxyEntry {
        let m = ObproxyModel::from_ocp(c, ids, None, &ObproxyModel::default());
        ObproxyEntry {
            id: c.id,
            name: c.name.clone(),
            hosts: m.hosts,
            sql_port: m.sql_port,
            exporter_port: m.exporter_port,
            work_mode: m.work_mode,
            status: m.status,
            proxies: m.proxies.unwrap_or_default(),
            linked_cluster_ids: m.ob_link.iter().map(|l| l.cluster_id).collect(),
        }
    }
}

/// What the data sources report of an OBProxy cluster besides its id and name.
fn reported() -> [(&'static str, Type, &'static str); 7] {
    let ids = Type::List(Box::new(Type::Number));
    [
        (
            "hosts",
            ids.clone(),
            "Ids of the hosts running its OBProxies.",
        ),
        ("sql_port", Type::Number, "SQL port of its OBProxies."),
        (
            "exporter_port",
            Type::Number,
            "Exporter port of its OBProxies.",
        ),
        ("work_mode", Type::String, "`CONFIG_URL` or `RS_LIST`."),
        ("status", Type::String, "Status as OCP reports it."),
        (
            "proxies",
            Type::List(Box::new(proxy_type())),
            "The OBProxies: `host_id`, `ip`, `sql_port`, `status`.",
        ),
        (
            "linked_cluster_ids",
            ids,
            "OCP ids of the OceanBase clusters it serves.",
        ),
    ]
}

/// How `data "ocp_obproxy_cluster"` chooses its cluster: by `id`, or else by `name`.
const CHOOSER: Chooser = Chooser {
    noun: "OBProxy Cluster",
    type_name: "ocp_obproxy_cluster",
    key: "name",
    list: "ocp_obproxy_clusters",
};

/// The OBProxy cluster an OCP id or a name chooses: the data source's and the import's look-up.
async fn find(client: &OcpClient, by: Choice) -> Result<Option<ObproxyCluster>, ClientError> {
    match by {
        Choice::Id(id) => client.find_obproxy_cluster(id).await,
        Choice::Key(name) => client.find_obproxy_cluster_by_name(&name).await,
    }
}

/// `data "ocp_obproxy_cluster"`: one OBProxy cluster, by id or name.
pub struct ObproxyClusterDataSource;

#[tonic::async_trait]
impl OcpData for ObproxyClusterDataSource {
    type Config = Selector;
    type State = ObproxyEntry;
    const TYPE_NAME: &'static str = "ocp_obproxy_cluster";
    const ACTION: &'static str = "Read OBProxy Cluster";

    fn schema(&self) -> Schema {
        let chosen = |a: Attr, what: &str| {
            let doc = format!("{what} of the OBProxy cluster. Set `id` or `name`.");
            a.optional().computed().doc(doc)
        };
        Schema::new("Reads one OBProxy cluster, by `id` or `name`.")
            .attr("id", chosen(Attr::int(), "OCP id"))
            .attr("name", chosen(Attr::string(), "Name"))
            .computed_attrs(&reported())
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(s) = read_model::<Selector>(config, diags) {
            if s.id.is_some() == s.name.is_some() {
                diags.error(
                    "Invalid OBProxy Cluster Selector",
                    "Set exactly one of `id` and `name`.",
                );
            }
        }
    }

    async fn read(
        &self,
        client: &OcpClient,
        sel: Selector,
        diags: &mut Diagnostics,
    ) -> Step<ObproxyEntry> {
        let by = CHOOSER.choice(sel.id, sel.name).ok_or(Fail::Reported)?;
        let c = CHOOSER.found(find(client, by.clone()).await?, &by, diags)?;
        Ok(ObproxyEntry::of(&c, &cluster_ids(client).await?))
    }
}

/// `data "ocp_obproxy_clusters"`: every OBProxy cluster.
pub struct ObproxyClustersDataSource;

#[tonic::async_trait]
impl ListData for ObproxyClustersDataSource {
    type Filter = NoFilter;
    type Entry = ObproxyEntry;
    const NAMES: [&'static str; 3] = ["ocp_obproxy_clusters", "List OBProxy Clusters", "clusters"];
    const LIST_DOC: &'static str = "The OBProxy clusters: `id`, `name`, `hosts`, `sql_port`, `exporter_port`, `work_mode`, `status`, `proxies` and `linked_cluster_ids`.";

    fn filters(&self) -> Schema {
        Schema::new("Lists every OBProxy cluster OCP manages, by id.")
    }

    fn entry(&self) -> Type {
        // Each element has the attributes of the single data source.
        ObproxyClusterDataSource.schema().value_type().clone()
    }

    async fn fetch(&self, client: &OcpClient, _: &NoFilter) -> Step<Vec<ObproxyEntry>> {
        let ids = cluster_ids(client).await?;
        let mut list = Vec::new();
        for c in client.list_obproxy_clusters().await? {
            // The list item may leave out the OBProxies: the detail has them.
            let c = match c.obproxies.is_empty() {
                true => client.find_obproxy_cluster(c.id).await?.unwrap_or(c),
                false => c,
            };
            list.push(ObproxyEntry::of(&c, &ids));
        }
        list.sort_by_key(|e| e.id);
        Ok(list)
    }
}

#[cfg(test)]
mod tests;
