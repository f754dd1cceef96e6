//! JSON renderings of the simulated resources, shared by all route modules.
//!
//! Field names follow the reference: clusters §3.1 / §5 #13, tenants §3.4.2 (S2 field set) plus
//! the §5 #10 detail fields, units §3.4, regions/IDCs/host types/hosts §3.7 and §4.6.
//! Fields the reference does not name are marked "(sim)" in the README.

use serde_json::{json, Value};

use crate::state::{
    Cluster, Host, HostType, Idc, Region, Server, Store, Tenant, Unit, UnitSpec, Zone,
};
use crate::util;

const GB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Region item (§3.7).
pub fn region(r: &Region) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "description": r.description,
        "createTime": util::iso(r.create_time),
        "updateTime": util::iso(r.update_time),
    })
}

/// IDC item (§3.7, §4.6).
pub fn idc(store: &Store, i: &Idc) -> Value {
    json!({
        "id": i.id,
        "name": i.name,
        "description": i.description,
        "regionId": i.region_id,
        "regionName": store.regions.get(&i.region_id).map(|r| r.name.clone()),
        "createTime": util::iso(i.create_time),
        "updateTime": util::iso(i.update_time),
    })
}

/// Host type item (§3.7).
pub fn host_type(t: &HostType) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "description": t.description,
        "createTime": util::iso(t.create_time),
        "updateTime": util::iso(t.update_time),
    })
}

/// Host item (§3.7). `clusterId`/`clusterName`/`serverId` are `null` and `used` is false for a
/// free host (sim); `publishPorts` is the comma-joined port mappings of a container host or null.
pub fn host(store: &Store, h: &Host) -> Value {
    let idc = store.idcs.get(&h.idc_id);
    let region = idc.and_then(|i| store.regions.get(&i.region_id));
    let server = store.server_on_host(h.id);
    let cluster = server.and_then(|s| store.clusters.get(&s.cluster_id));
    json!({
        "id": h.id,
        "name": h.alias.clone().unwrap_or_else(|| h.inner_ip.clone()),
        "alias": h.alias,
        "innerIpAddress": h.inner_ip,
        "publicIpAddress": null,
        "sshPort": h.ssh_port,
        "kind": h.kind,
        "status": h.status,
        "architecture": h.architecture,
        "operatingSystem": h.operating_system,
        "serialNumber": h.serial_number,
        "description": h.description,
        "cpuCount": h.cpu_count,
        "memorySizeGB": h.memory_gb,
        "idcId": h.idc_id,
        "idcName": idc.map(|i| i.name.clone()),
        "regionId": region.map(|r| r.id),
        "regionName": region.map(|r| r.name.clone()),
        "typeId": h.type_id,
        "typeName": store.host_types.get(&h.type_id).map(|t| t.name.clone()),
        "credentialId": h.credential_id,
        "vpcId": crate::domain::infra::CLASSIC_VPC,
        "publishPorts": (!h.publish_ports.is_empty()).then(|| h.publish_ports.join(",")),
        "clusterId": cluster.map(|c| c.id),
        "clusterName": cluster.map(|c| c.name.clone()),
        "serverId": server.map(|s| s.id),
        "used": server.is_some(),
        "createTime": util::iso(h.create_time),
        "updateTime": util::iso(h.update_time),
    })
}

/// Unit spec item (§5 #11; memory in GB).
pub fn unit_spec(u: &UnitSpec) -> Value {
    json!({
        "id": u.id,
        "name": u.name,
        "maxCpu": u.max_cpu,
        "minCpu": u.min_cpu,
        "maxMemory": u.max_memory_gb,
        "minMemory": u.min_memory_gb,
        "description": u.description,
    })
}

fn idc_names(store: &Store, idc_id: i64) -> (Option<String>, Option<String>) {
    let idc = store.idcs.get(&idc_id);
    let region = idc.and_then(|i| store.regions.get(&i.region_id));
    (idc.map(|i| i.name.clone()), region.map(|r| r.name.clone()))
}

/// OBServer item. `port` is the SQL port (2881), `svrPort` the RPC port (sim); `stats` shows the
/// capacity offered to units and what the tenants' units reserve (sim, names after OCP server stats).
pub fn server(store: &Store, s: &Server) -> Value {
    let host = store.hosts.get(&s.host_id);
    let cluster = store.clusters.get(&s.cluster_id);
    let zone = cluster.and_then(|c| c.zones.iter().find(|z| z.name == s.zone_name));
    let (idc_name, region_name) = zone
        .map(|z| idc_names(store, z.idc_id))
        .unwrap_or((None, None));
    let (cpu_used, mem_used) = store.server_assigned(s.id);
    json!({
        "id": s.id,
        "ip": host.map(|h| h.inner_ip.clone()),
        "port": s.port,
        "svrPort": s.svr_port,
        "status": s.status,
        "zoneName": s.zone_name,
        "idcName": idc_name,
        "regionName": region_name,
        "clusterId": s.cluster_id,
        "hostId": s.host_id,
        "obVersion": cluster.map(|c| c.ob_version.clone()),
        "createTime": util::iso(s.create_time),
        "stats": {
            "cpuCoreTotal": s.cpu_total,
            "cpuCoreAssigned": cpu_used,
            "memoryInBytesTotal": (s.memory_total_gb * GB) as i64,
            "memoryInBytesAssigned": (mem_used * GB) as i64,
        },
    })
}

/// Zone item (`GET .../zones` and inside the cluster object).
pub fn zone(store: &Store, c: &Cluster, z: &Zone) -> Value {
    let (idc_name, region_name) = idc_names(store, z.idc_id);
    let servers: Vec<Value> = store
        .servers_in_zone(c.id, &z.name)
        .map(|s| server(store, s))
        .collect();
    json!({
        "name": z.name,
        "clusterId": c.id,
        "idcName": idc_name,
        "regionName": region_name,
        "status": z.status,
        "servers": servers,
    })
}

/// Cluster object (§5 #13 field set plus `fullVersion`, `architecture`, `updateTime`).
pub fn cluster(store: &Store, c: &Cluster) -> Value {
    let zones: Vec<Value> = c.zones.iter().map(|z| zone(store, c, z)).collect();
    json!({
        "id": c.id,
        "name": c.name,
        "obClusterId": c.ob_cluster_id,
        "type": c.cluster_type,
        "status": c.status,
        "obVersion": c.ob_version,
        "fullVersion": c.full_version,
        "architecture": c.architecture,
        "createTime": util::iso(c.create_time),
        "updateTime": util::iso(c.update_time),
        "zones": zones,
    })
}

/// OB locality string, e.g. `FULL{1}@zone1, FULL{1}@zone2`.
pub fn locality(t: &Tenant) -> String {
    t.zones
        .iter()
        .map(|z| format!("{}{{1}}@{}", z.replica_type, z.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Tenant object: the S2 field set (§3.4.2); `detail` adds `whitelist`, `charset`, `collation`,
/// `zones[{name, replicaType, resourcePool{id, name, unitSpecName, unitCount, unitSpec}}]`
/// (§5 #10) and `connectionUrls` (the database shape of §3.5; inferred for tenants).
pub fn tenant(store: &Store, t: &Tenant, detail: bool) -> Value {
    let c = store.clusters.get(&t.cluster_id);
    let mut v = json!({
        "id": t.id,
        "name": t.name,
        "clusterName": c.map(|c| c.name.clone()),
        "clusterId": t.cluster_id,
        "obClusterId": c.map(|c| c.ob_cluster_id),
        "arbitrationServiceId": null,
        "clusterType": c.map(|c| c.cluster_type.clone()),
        "clusterStatus": c.map(|c| c.status.clone()),
        "syncStatus": "VALID",
        "mode": t.mode,
        "createTime": util::iso(t.create_time),
        "primaryZone": t.primary_zone,
        "zoneList": t.zones.iter().map(|z| z.name.clone()).collect::<Vec<_>>().join(","),
        "locality": locality(t),
        "status": t.status,
        "locked": t.locked,
        "readonly": t.readonly,
        "obVersion": c.map(|c| c.ob_version.clone()),
        "description": t.description,
        "obTenantId": t.ob_tenant_id,
        "sqlAuditEnabled": t.sql_audit_enabled,
        "arbitrationStatus": null,
        "role": "PRIMARY",
        "serviceNameInfo": null,
        "logTransportMode": null,
        "ocpClusterView": {
            "id": 10086,
            "name": "ocp-cluster",
            "role": "LEADER",
            "address": store.ocp_address,
            "version": crate::OCP_VERSION,
            "status": "NORMAL",
            "lastHeartbeatTime": util::iso(util::now_ms() - 3_000),
        },
        "basicPrimaryTenant": null,
        "basicStandbyTenantList": [],
        "tags": [],
        "loadType": null,
    });
    if detail {
        if let Some(obj) = v.as_object_mut() {
            let zones: Vec<Value> = t
                .zones
                .iter()
                .map(|z| {
                    let spec = store.unit_spec_by_name(&z.unit_spec_name).map(unit_spec);
                    json!({
                        "name": z.name,
                        "replicaType": z.replica_type,
                        "resourcePool": {
                            "id": z.resource_pool_id,
                            "name": format!("{}_pool_{}", t.name, z.name),
                            "zoneList": z.name,
                            "unitSpecName": z.unit_spec_name,
                            "unitCount": z.unit_count,
                            "unitSpec": spec,
                        },
                    })
                })
                .collect();
            obj.insert("whitelist".into(), json!(t.whitelist));
            obj.insert("charset".into(), json!(t.charset));
            obj.insert("collation".into(), json!(t.collation));
            obj.insert("zones".into(), Value::Array(zones));
            obj.insert(
                "connectionUrls".into(),
                Value::Array(crate::domain::db_objects::connection_urls(store, t, None)),
            );
        }
    }
    v
}

/// Unit item (§3.4: `{id, resourcePoolId, serverId, serverIp, serverPort, zoneName, status}`).
pub fn unit(store: &Store, u: &Unit) -> Value {
    let server = store.servers.get(&u.server_id);
    let ip = server
        .and_then(|s| store.hosts.get(&s.host_id))
        .map(|h| h.inner_ip.clone());
    let spec = store
        .tenants
        .get(&u.tenant_id)
        .and_then(|t| {
            t.zones
                .iter()
                .find(|z| z.resource_pool_id == u.resource_pool_id)
        })
        .map(|z| z.unit_spec_name.clone());
    json!({
        "id": u.id,
        "tenantId": u.tenant_id,
        "resourcePoolId": u.resource_pool_id,
        "serverId": u.server_id,
        "serverIp": ip,
        "serverPort": server.map(|s| s.port),
        "zoneName": u.zone_name,
        "unitSpecName": spec,
        "status": u.status,
    })
}
