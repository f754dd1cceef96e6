//! The `ocp_cluster` and `ocp_clusters` data sources.
//! API: ocp-api.md §3.1 (clusters) and §5 #13 (cluster fields: zones with their servers).

use std::collections::BTreeMap;

use crate::client::api::cluster::{Cluster, ClusterZone, Server};
use crate::framework::validate::NotBlank;
use crate::framework::{
    Attr, AttrPath, Ctx, DataReadRequest, DataReadResponse, DataSource, Schema,
};
use crate::value::{Type, Value};

use super::report;

fn server_type() -> Type {
    Type::object([
        ("id", Type::Number),
        ("ip", Type::String),
        ("port", Type::Number),
        ("status", Type::String),
    ])
}

fn zone_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("idc_name", Type::String),
        ("region_name", Type::String),
        ("servers", Type::list(server_type())),
    ])
}

fn cluster_type() -> Type {
    Type::object([
        ("id", Type::Number),
        ("name", Type::String),
        ("ob_cluster_id", Type::Number),
        ("type", Type::String),
        ("status", Type::String),
        ("ob_version", Type::String),
        ("create_time", Type::String),
        ("zones", Type::list(zone_type())),
    ])
}

const ZONES_DOC: &str = "Zones of the cluster in OCP's order, each with `name`, `idc_name`, `region_name` and `servers` (the OBServers of the zone: OCP server `id`, `ip`, SQL `port` and `status`).";

fn server_value(s: &Server) -> Value {
    Value::Object(BTreeMap::from([
        ("id".to_string(), Value::opt_i64(s.id)),
        ("ip".to_string(), Value::opt_string(s.ip.clone())),
        ("port".to_string(), Value::opt_i64(s.sql_port)),
        ("status".to_string(), Value::opt_string(s.status.clone())),
    ]))
}

fn zone_value(z: &ClusterZone) -> Value {
    Value::Object(BTreeMap::from([
        ("name".to_string(), Value::string(z.name.clone())),
        (
            "idc_name".to_string(),
            Value::opt_string(z.idc_name.clone()),
        ),
        (
            "region_name".to_string(),
            Value::opt_string(z.region_name.clone()),
        ),
        (
            "servers".to_string(),
            Value::List(z.servers.iter().map(server_value).collect()),
        ),
    ]))
}

/// The attributes both data sources report for a cluster, by name.
fn cluster_fields(c: &Cluster) -> BTreeMap<String, Value> {
    BTreeMap::from([
        ("id".to_string(), Value::from_i64(c.id)),
        ("name".to_string(), Value::string(c.name.clone())),
        ("ob_cluster_id".to_string(), Value::opt_i64(c.ob_cluster_id)),
        (
            "type".to_string(),
            Value::opt_string(c.cluster_type.clone()),
        ),
        ("status".to_string(), Value::opt_string(c.status.clone())),
        (
            "ob_version".to_string(),
            Value::opt_string(c.ob_version.clone()),
        ),
        (
            "create_time".to_string(),
            Value::opt_string(c.create_time.clone()),
        ),
        (
            "zones".to_string(),
            Value::List(c.zones.iter().map(zone_value).collect()),
        ),
    ])
}

/// `data "ocp_cluster"`: one cluster by id or name.
pub struct ClusterDataSource;

#[tonic::async_trait]
impl DataSource for ClusterDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_cluster"
    }

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

    fn validate(&self, config: &Value, diags: &mut crate::framework::Diagnostics) {
        let id = config.get("id").unwrap_or(&Value::Null);
        let name = config.get("name").unwrap_or(&Value::Null);
        if id.is_null() && name.is_null() {
            diags.error(
                "Missing Cluster Selector",
                "Set `id` or `name` in data \"ocp_cluster\" to choose the cluster to read.",
            );
        }
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let id = req.config.get("id").and_then(Value::as_i64);
        let name = req.config.get("name").and_then(Value::as_str);
        let (found, path, what) = match (id, name) {
            (Some(id), _) => (
                client.find_cluster(id).await,
                AttrPath::root("id"),
                format!("id {id}"),
            ),
            (None, Some(name)) => (
                client.find_cluster_by_name(name).await,
                AttrPath::root("name"),
                format!("name {name:?}"),
            ),
            (None, None) => return,
        };
        let found = match found {
            Ok(Some(c)) => client.with_zones(c).await.map(Some),
            other => other,
        };
        let cluster = match found {
            Ok(Some(c)) => c,
            Ok(None) => {
                resp.diags.attr_error(
                    path,
                    "Cluster Not Found",
                    format!("OCP at {} has no cluster with {what}. `data \"ocp_clusters\"` lists the clusters it has.", client.endpoint()),
                );
                return;
            }
            Err(e) => return report(&mut resp.diags, "Read Cluster", None, &e),
        };
        if let (Some(_), Some(name)) = (id, name) {
            if name != cluster.name {
                resp.diags.attr_error(
                    AttrPath::root("name"),
                    "Cluster Name Does Not Match",
                    format!("Cluster {} is named {:?}, not {name:?}. Set only one of `id` and `name`, or make them agree.", cluster.id, cluster.name),
                );
                return;
            }
        }
        resp.state = Value::Object(cluster_fields(&cluster));
    }
}

/// `data "ocp_clusters"`: every cluster, optionally filtered by name.
pub struct ClustersDataSource;

#[tonic::async_trait]
impl DataSource for ClustersDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_clusters"
    }

    fn schema(&self) -> Schema {
        Schema::new("Lists the OceanBase clusters OCP manages, with their zones and OBServers.")
            .attr("name", Attr::string().optional().doc("Keep only clusters whose name contains this text (OCP's own `name` filter, case-insensitive)."))
            .attr("clusters", Attr::list(cluster_type()).computed().doc(
                "The clusters in OCP's order (by id). Each has `id`, `name`, `ob_cluster_id`, `type`, `status`, `ob_version`, `create_time` and `zones` as in `data \"ocp_cluster\"`.",
            ))
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let name = req.config.get("name").and_then(Value::as_str);
        match client.list_clusters(name).await {
            Ok(list) => {
                let clusters = list
                    .iter()
                    .map(|c| Value::Object(cluster_fields(c)))
                    .collect();
                resp.state = Value::Object(BTreeMap::from([
                    (
                        "name".to_string(),
                        req.config.get("name").cloned().unwrap_or(Value::Null),
                    ),
                    ("clusters".to_string(), Value::List(clusters)),
                ]));
            }
            Err(e) => report(&mut resp.diags, "List Clusters", None, &e),
        }
    }
}
