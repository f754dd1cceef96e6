//! The `ocp_cluster` and `ocp_clusters` data sources.
//! API: ocp-api.md §3.1 (clusters) and §5 #13 (cluster fields: zones with their servers).

use serde::Serialize;

use crate::client::api::cluster::{Cluster, ClusterZone, Server};
use crate::client::{ClientError, OcpClient};
use crate::framework::validate::NotBlank;
use crate::framework::{Attr, AttrPath, Diagnostics, Schema};
use crate::lifecycle::data::{ByName, ListData};
use crate::lifecycle::{Choice, Chooser, OneData, Step};
use crate::value::Type;

use super::compute::Selector;

/// The type of one zone of a cluster, with its OBServers (the one place it is written; both
/// data sources take it from `ocp_cluster`'s schema).
fn zone_type() -> Type {
    let server = Type::object([
        ("id", Type::Number),
        ("ip", Type::String),
        ("port", Type::Number),
        ("status", Type::String),
    ]);
    Type::object([
        ("name", Type::String),
        ("idc_name", Type::String),
        ("region_name", Type::String),
        ("servers", Type::list(server)),
    ])
}

const ZONES_DOC: &str = "Zones of the cluster in OCP's order, each with `name`, `idc_name`, `region_name` and `servers` (the OBServers of the zone: OCP server `id`, `ip`, SQL `port` and `status`).";

/// An OBServer of a zone, as both data sources report it.
#[derive(Serialize)]
struct ServerModel {
    id: Option<i64>,
    ip: Option<String>,
    port: Option<i64>,
    status: Option<String>,
}

/// A zone of a cluster, as both data sources report it.
#[derive(Serialize)]
struct ZoneModel {
    name: String,
    idc_name: Option<String>,
    region_name: Option<String>,
    servers: Vec<ServerModel>,
}

/// A cluster: the state of `data "ocp_cluster"` and an element of `data "ocp_clusters"`.
#[derive(Serialize)]
pub struct ClusterModel {
    id: i64,
    name: String,
    ob_cluster_id: Option<i64>,
    #[serde(rename = "type")]
    cluster_type: Option<String>,
    status: Option<String>,
    ob_version: Option<String>,
    create_time: Option<String>,
    zones: Vec<ZoneModel>,
}

impl From<&Cluster> for ClusterModel {
    fn from(c: &Cluster) -> ClusterModel {
        let server = |s: &Server| ServerModel {
            id: s.id,
            ip: s.ip().map(str::to_string),
            port: s.sql_port(),
            status: s.status.clone(),
        };
        let zone = |z: &ClusterZone| ZoneModel {
            name: z.name.clone(),
            idc_name: z.idc_name.clone(),
            region_name: z.region_name.clone(),
            servers: z.servers.iter().map(server).collect(),
        };
        ClusterModel {
            id: c.id,
            name: c.name.clone(),
            ob_cluster_id: c.ob_cluster_id,
            cluster_type: c.cluster_type.clone(),
            status: c.status.clone(),
            ob_version: c.ob_version.clone(),
            create_time: c.create_time.clone(),
            zones: c.zones.iter().map(zone).collect(),
        }
    }
}

/// `data "ocp_cluster"`: one cluster by id or name.
pub struct ClusterDataSource;

/// The cluster an OCP id or a name chooses (without its zones): the data source's and the
/// import's look-up.
pub(super) async fn find(client: &OcpClient, by: Choice) -> Result<Option<Cluster>, ClientError> {
    match by {
        Choice::Id(id) => client.find_cluster(id).await,
        Choice::Key(name) => client.find_cluster_by_name(&name).await,
    }
}

#[tonic::async_trait]
impl OneData for ClusterDataSource {
    type Config = Selector;
    type State = ClusterModel;
    /// By `id`, or else by `name`.
    const CHOOSER: Chooser = Chooser {
        noun: "Cluster",
        type_name: "ocp_cluster",
        key: "name",
        list: "ocp_clusters",
    };
    const ACTION: &'static str = "Read Cluster";

    fn schema(&self) -> Schema {
        Schema::new("Reads one OceanBase cluster managed by OCP, found by `id` or by `name`, with its zones and OBServers.")
            .attr("id", Attr::int().optional().computed().doc("OCP id of the cluster. Set `id` or `name`; the other is read from OCP."))
            .attr("name", Attr::string().optional().computed().validate(NotBlank).doc("Cluster name, unique in OCP. Set `id` or `name`; the other is read from OCP."))
            .attr("ob_cluster_id", Attr::int().computed().doc("OceanBase's own cluster id (`obClusterId`), distinct from the OCP id."))
            .attr("type", Attr::string().computed().doc("Cluster role: `PRIMARY` or `STANDBY`."))
            .attr("status", Attr::string().computed().doc("Cluster status as OCP reports it, such as `RUNNING`, `CREATING` or `STOPPED`."))
            .attr("ob_version", Attr::string().computed().doc("OceanBase version of the cluster, such as `4.2.1.0`."))
            .attr("create_time", Attr::string().computed().doc("When OCP created or took over the cluster (ISO-8601 with offset)."))
            .attr("zones", Attr::list(zone_type()).computed().doc(ZONES_DOC))
    }

    /// With its zones.
    async fn find(&self, client: &OcpClient, by: Choice) -> Step<Option<ClusterModel>> {
        let Some(found) = find(client, by).await? else {
            return Ok(None);
        };
        Ok(Some(ClusterModel::from(&client.with_zones(found).await?)))
    }

    /// `id` and `name` set together must name the same cluster.
    fn agrees(&self, c: &ClusterModel, name: &str, diags: &mut Diagnostics) -> bool {
        if c.name != name {
            diags.attr_error(
                AttrPath::root("name"),
                "Cluster Name Does Not Match",
                format!("Cluster {} is named {:?}, not {name:?}. Set only one of `id` and `name`, or make them agree.", c.id, c.name),
            );
        }
        c.name == name
    }
}

/// `data "ocp_clusters"`: every cluster, optionally filtered by name.
pub struct ClustersDataSource;

#[tonic::async_trait]
impl ListData for ClustersDataSource {
    type Filter = ByName;
    type Entry = ClusterModel;
    const NAMES: [&'static str; 3] = ["ocp_clusters", "List Clusters", "clusters"];
    const LIST_DOC: &'static str = "The clusters in OCP's order (by id). Each has `id`, `name`, `ob_cluster_id`, `type`, `status`, `ob_version`, `create_time` and `zones` as in `data \"ocp_cluster\"`.";

    fn filters(&self) -> Schema {
        Schema::new("Lists the OceanBase clusters OCP manages, with their zones and OBServers.")
            .attr("name", Attr::string().optional().doc("Keep only clusters whose name contains this text (OCP's own `name` filter, case-insensitive)."))
    }

    fn entry(&self) -> Type {
        // Each element has the attributes of `data "ocp_cluster"`.
        OneData::schema(&ClusterDataSource).value_type().clone()
    }

    async fn fetch(&self, client: &OcpClient, by: &ByName) -> Step<Vec<ClusterModel>> {
        let list = client.list_clusters(by.name.as_deref()).await?;
        Ok(list.iter().map(ClusterModel::from).collect())
    }
}
