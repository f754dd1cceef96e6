//! Tests of `resources::topology`: planning and mapping of clusters and zones, without OCP.

use super::*;
use crate::framework::Resource;
use crate::lifecycle::{value_over, Managed};
use crate::resources::rejected;
use crate::value::from_value;

fn cluster() -> Observed {
    observed(serde_json::json!({
        "id": 7, "name": "c", "status": "RUNNING", "obVersion": "4.2.1.0",
        "zones": [
            {"name": "zone1", "idcName": "sh1", "servers": [{"id": 1, "hostId": 11}]},
            {"name": "zone2", "idcName": "sh2", "servers": [{"id": 2, "hostId": 12}]},
            {"name": "zone4", "idcName": "sh1", "servers": [{"id": 3, "hostId": 13}]}
        ]
    }))
}

fn observed(c: serde_json::Value) -> Observed {
    Observed {
        cluster: serde_json::from_value(c).unwrap(),
        sys_primary_zone: None,
    }
}

fn plan_of(prior: &Value, config: &Value, private: &[u8]) -> PlanResponse {
    let schema = ClusterResource.schema();
    let (planned, requires_replace) = crate::framework::plan::plan(&schema, prior, config, config);
    let mut resp = PlanResponse {
        planned,
        requires_replace,
        private: private.to_vec(),
        diags: Diagnostics::new(),
    };
    ClusterResource.modify_plan(
        &PlanRequest {
            prior,
            config,
            prior_private: private,
        },
        &mut resp,
    );
    assert!(!resp.diags.has_errors(), "{:?}", resp.diags);
    resp
}

/// The configuration of a one-zone cluster, as Terraform sends it.
fn config(rpm: &str, params: Vec<Value>) -> Value {
    let schema = ClusterResource.schema();
    schema.block.conform(&Value::object([
        ("name", Value::string("c")),
        ("type", Value::string("PRIMARY")),
        ("rpm_name", Value::string(rpm)),
        ("root_password", Value::string("Pa55_word-x")),
        (
            "zone",
            Value::List(vec![Value::object([
                ("name", Value::string("zone1")),
                ("idc_name", Value::string("sh1")),
                ("servers", Value::List(vec![Value::from_i64(11)])),
            ])]),
        ),
        ("startup_parameter", Value::List(params)),
    ]))
}

/// The state Terraform would hold for `m`.
fn state_of(m: &ClusterModel) -> Value {
    let schema = ClusterResource.schema();
    let v = value_over(m, &schema, &Value::Null, &mut Diagnostics::new()).unwrap();
    schema.block.conform(&v)
}

/// A model with only `id` (what an import returns).
fn imported(id: i64) -> ClusterModel {
    ClusterModel {
        id: Some(id),
        ..ClusterModel::default()
    }
}

#[test]
fn a_cluster_without_full_version_keeps_the_configured_rpm_name() {
    let c = observed(
        serde_json::json!({"id": 7, "name": "c", "status": "RUNNING",
        "zones": [{"name": "zone1", "idcName": "sh1", "servers": [{"id": 1, "hostId": 11}]}]}),
    );
    let rpm = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm";
    // Read keeps the configured package when OCP reports no build.
    let s = ClusterModel::from_ocp(&c, &from_value(&config(rpm, vec![])).unwrap());
    assert_eq!(s.rpm_name.as_deref(), Some(rpm));
    // An import of it knows no package: the plan records the configured one in place and
    // never replaces the cluster, nor makes its status unknown.
    let mut private = Vec::new();
    ClusterResource.import_private(&imported(7), &mut private);
    let prior = state_of(&ClusterModel::from_ocp(&c, &imported(7)));
    assert!(
        prior.get("rpm_name").is_some_and(Value::is_null),
        "{prior:?}"
    );
    assert!(prior.get("root_password").is_some_and(Value::is_null));
    let params = vec![Value::object([
        ("name", Value::string("memory_limit")),
        ("value", Value::string("32G")),
    ])];
    let cfg = config(rpm, params.clone());
    let mut proposed = cfg.clone();
    for k in [
        "id",
        "status",
        "ob_version",
        "create_time",
        "full_version",
        "ob_cluster_id",
        "primary_zone",
    ] {
        proposed.set_attr(k, prior.get(k).cloned().unwrap_or(Value::Null));
    }
    let r = plan_of(&prior, &proposed, &private);
    assert!(r.requires_replace.is_empty(), "{:?}", r.requires_replace);
    assert_eq!(r.planned.get("status"), Some(&Value::string("RUNNING")));
    assert_eq!(r.planned.get("rpm_name").and_then(Value::as_str), Some(rpm));
    // Without the import's mark, new startup parameters still replace the cluster: they
    // only take effect when it is created.
    let r = plan_of(&prior, &proposed, &[]);
    assert_eq!(
        r.requires_replace,
        vec![AttrPath::root("startup_parameter")]
    );
}

/// The plan of `cfg` over `prior` with the diagnostics `modify_plan` gives (not asserted).
fn plan_with_diags(prior: &Value, cfg: &Value) -> PlanResponse {
    let schema = ClusterResource.schema();
    let (planned, requires_replace) = crate::framework::plan::plan(&schema, prior, cfg, cfg);
    let mut resp = PlanResponse {
        planned,
        requires_replace,
        private: Vec::new(),
        diags: Diagnostics::new(),
    };
    let req = PlanRequest {
        prior,
        config: cfg,
        prior_private: &[],
    };
    ClusterResource.modify_plan(&req, &mut resp);
    resp
}

/// A created one-zone cluster's state: `config` with what OCP reported.
fn running(rpm: &str) -> Value {
    let mut prior = config(rpm, vec![]);
    prior.set_attr("id", Value::from_i64(7));
    prior.set_attr("status", Value::string("RUNNING"));
    prior.set_attr("ob_version", Value::string("4.2.1.0"));
    prior.set_attr("full_version", Value::string("4.2.1.0-100000102023092807"));
    prior.set_attr("deletion_protection", Value::Bool(false));
    prior
}

const RPM: &str = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm";
const NEXT_RPM: &str = "oceanbase-4.2.2.0-100000192024011915.el7.x86_64.rpm";

#[test]
fn password_package_and_zones_change_in_place_and_an_unset_primary_zone_stays_as_read() {
    let prior = running(RPM);
    let mut cfg = config(RPM, vec![]);
    // Not configured, and OCP reported none: null, never unknown (which would replace).
    let r = plan_of(&prior, &cfg, &[]);
    assert_eq!(r.planned.get("primary_zone"), Some(&Value::Null));
    assert!(r.requires_replace.is_empty(), "{:?}", r.requires_replace);
    cfg.set_attr("root_password", Value::string("Other_Pa55-word"));
    let r = plan_of(&prior, &cfg, &[]);
    assert!(r.requires_replace.is_empty(), "{:?}", r.requires_replace);
    assert_eq!(r.planned.get("status"), Some(&Value::string("RUNNING")));
    assert_eq!(
        r.planned.get("ob_version"),
        Some(&Value::string("4.2.1.0")),
        "no upgrade, the version stays"
    );
    // Another package: an upgrade in place, whose versions OCP reports after it.
    cfg.set_attr("rpm_name", Value::string(NEXT_RPM));
    let r = plan_of(&prior, &cfg, &[]);
    assert!(r.requires_replace.is_empty(), "{:?}", r.requires_replace);
    assert_eq!(r.planned.get("ob_version"), Some(&Value::Unknown));
    assert_eq!(r.planned.get("full_version"), Some(&Value::Unknown));
    // Another zone and another server: in place.
    let zones = Value::List(vec![
        Value::object([
            ("name", Value::string("zone1")),
            ("idc_name", Value::string("sh1")),
            (
                "servers",
                Value::List(vec![Value::from_i64(11), Value::from_i64(14)]),
            ),
        ]),
        Value::object([
            ("name", Value::string("zone2")),
            ("idc_name", Value::string("sh2")),
            ("servers", Value::List(vec![Value::from_i64(12)])),
        ]),
    ]);
    cfg.set_attr("zone", zones);
    let r = plan_of(&prior, &cfg, &[]);
    assert!(r.requires_replace.is_empty(), "{:?}", r.requires_replace);
}

#[test]
fn a_package_of_the_running_build_is_no_upgrade() {
    let prior = running(RPM);
    let cfg = config(
        "oceanbase-4.2.1.0-100000102023092807.el7.aarch64.rpm",
        vec![],
    );
    let r = plan_of(&prior, &cfg, &[]);
    assert_eq!(r.planned.get("rpm_name"), Some(&Value::string(RPM)));
    assert_eq!(r.planned.get("ob_version"), Some(&Value::string("4.2.1.0")));
}

#[test]
fn a_zone_cannot_move_to_another_idc() {
    let prior = running(RPM);
    let mut cfg = config(RPM, vec![]);
    cfg.set_attr(
        "zone",
        Value::List(vec![Value::object([
            ("name", Value::string("zone1")),
            ("idc_name", Value::string("sh9")),
            ("servers", Value::List(vec![Value::from_i64(11)])),
        ])]),
    );
    let r = plan_with_diags(&prior, &cfg);
    assert!(r.diags.has_errors());
    assert_eq!(
        r.diags.0[0].path,
        Some(AttrPath::root("zone").index(0).attr("idc_name")),
        "{:?}",
        r.diags
    );
    assert!(r.diags.0[0].detail.contains("sh1"), "{:?}", r.diags);
}

/// A cluster model with these zones, each `(name, IDC, hosts)`.
fn zoned(zones: &[(&str, &str, &[i64])]) -> ClusterModel {
    let zone = (zones.iter())
        .map(|(name, idc, servers)| ZoneBlock {
            name: name.to_string(),
            idc_name: Some(idc.to_string()),
            servers: servers.to_vec(),
        })
        .collect();
    ClusterModel {
        zone,
        ..ClusterModel::default()
    }
}

#[test]
fn zone_changes_are_found_by_name_not_by_position() {
    let prior = zoned(&[
        ("zone1", "a", &[1, 2]),
        ("zone2", "b", &[3]),
        ("zone3", "c", &[4]),
    ]);
    let plan = zoned(&[
        ("zone2", "b", &[3, 5]),
        ("zone4", "d", &[6]),
        ("zone1", "a", &[2]),
    ]);
    let c = ZoneChanges::between(&prior, &plan);
    assert_eq!(c.added_zones.len(), 1);
    let zone = |i: usize| AttrPath::root("zone").index(i);
    assert_eq!(
        (c.added_zones[0].0.clone(), c.added_zones[0].1.name.as_str()),
        (zone(1), "zone4")
    );
    let servers = |i: usize, name: &str, hosts: &[i64]| Servers {
        zone: name.into(),
        hosts: hosts.to_vec(),
        path: zone(i).attr("servers"),
    };
    assert_eq!(c.added_servers, vec![servers(0, "zone2", &[5])]);
    assert_eq!(c.removed_servers, vec![servers(2, "zone1", &[1])]);
    assert_eq!(
        c.removed_zones
            .iter()
            .map(|z| z.name.as_str())
            .collect::<Vec<_>>(),
        ["zone3"]
    );
    // The same zones in another order change nothing.
    let same = zoned(&[
        ("zone3", "c", &[4]),
        ("zone2", "b", &[3]),
        ("zone1", "a", &[2, 1]),
    ]);
    let c = ZoneChanges::between(&prior, &same);
    assert!(c.added_zones.is_empty() && c.removed_zones.is_empty());
    assert!(c.added_servers.is_empty() && c.removed_servers.is_empty());
}

#[test]
fn a_refused_removal_names_the_tenants() {
    let m = held_message(
        "Zone \"zone2\" holds replicas",
        &["sys".into(), "t1".into()],
    );
    assert!(
        m.starts_with("Zone \"zone2\" holds replicas of tenant(s) sys, t1;"),
        "{m}"
    );
}

#[test]
fn deletion_protection_refuses_destroy() {
    let state = ClusterModel {
        name: "c".into(),
        deletion_protection: Some(true),
        ..ClusterModel::default()
    };
    let mut d = Diagnostics::new();
    ClusterResource.check_delete(&state, &mut d);
    assert_eq!(d.0[0].path, Some(AttrPath::root("deletion_protection")));
    let mut d = Diagnostics::new();
    let off = ClusterModel {
        deletion_protection: Some(false),
        ..state
    };
    ClusterResource.check_delete(&off, &mut d);
    assert!(!d.has_errors());
}

#[test]
fn zones_and_servers_ocp_does_not_report_keep_their_prior_values() {
    let prior: ClusterModel = from_value(&config("x.rpm", vec![])).unwrap();
    // No zones in the cluster object, nothing else reported.
    let s = ClusterModel::from_ocp(&observed(serde_json::json!({"id": 7, "name": "c"})), &prior);
    assert_eq!(s.zone, prior.zone);
    // The zone without its IDC, an OBServer without its host (only the documented `id`).
    let o = observed(serde_json::json!({"id": 7, "name": "c",
        "zones": [{"name": "zone1", "servers": [{"id": 1, "sqlPort": 2881, "port": 2882}]}]}));
    let s = ClusterModel::from_ocp(&o, &prior);
    assert_eq!(s.zone, prior.zone);
    // The same for an ocp_zone.
    let zone = ZoneBlock {
        name: "zone1".into(),
        idc_name: Some("sh1".into()),
        servers: vec![11],
    };
    let status = Some("RUNNING".into());
    let base = ZoneModel {
        zone,
        status,
        ..ZoneModel::default()
    };
    let zs = ZoneModel::from_ocp(7, &o.cluster.zones[0], &base);
    assert_eq!(zs.zone, base.zone);
    assert_eq!(zs.status, base.status);
}

#[test]
fn the_primary_zone_is_read_from_the_sys_tenant_and_compared_by_priority() {
    let mut o = cluster();
    o.sys_primary_zone = Some("zone1; zone3,zone2".into());
    let base = |pz: &str| ClusterModel {
        primary_zone: Some(pz.into()),
        ..ClusterModel::default()
    };
    let pz = |o: &Observed, b: &ClusterModel| ClusterModel::from_ocp(o, b).primary_zone;
    assert_eq!(
        pz(&o, &base("zone1;zone2,zone3")).as_deref(),
        Some("zone1;zone2,zone3"),
        "the same priorities keep the configured spelling"
    );
    assert_eq!(
        pz(&o, &base("zone2;zone1,zone3")).as_deref(),
        Some("zone1; zone3,zone2"),
        "other priorities are drift"
    );
    o.sys_primary_zone = None;
    assert_eq!(
        pz(&o, &base("zone2;zone1,zone3")).as_deref(),
        Some("zone2;zone1,zone3"),
        "kept when OCP does not report it"
    );
}

#[test]
fn the_cluster_tracks_only_its_own_zones_in_the_users_order() {
    let zone = |name: &str| ZoneBlock {
        name: name.into(),
        ..ZoneBlock::default()
    };
    let base = ClusterModel {
        zone: vec![zone("zone2"), zone("zone1")],
        ..ClusterModel::default()
    };
    let s = ClusterModel::from_ocp(&cluster(), &base);
    let names: Vec<&str> = s.zone.iter().map(|z| z.name.as_str()).collect();
    assert_eq!(names, ["zone2", "zone1"], "zone4 belongs to an ocp_zone");
    assert_eq!(s.zone[0].servers, [12]);
    let all = ClusterModel::from_ocp(&cluster(), &imported(7));
    assert_eq!(all.zone.len(), 3, "an import takes every zone");
}

#[test]
fn hosts_keep_the_users_order_when_ocp_has_the_same_ones() {
    let o = observed(serde_json::json!({"id": 7, "name": "c",
        "zones": [{"name": "zone1", "servers": [{"id": 1, "hostId": 11}, {"id": 2, "hostId": 12}]}]}));
    let z = &o.cluster.zones[0];
    assert_eq!(servers_of(z, &[12, 11]), [12, 11]);
    assert_eq!(servers_of(z, &[12, 13]), [11, 12], "other hosts are drift");
}

fn error_paths(r: &dyn Resource, config: Value) -> Vec<String> {
    let mut d = Diagnostics::new();
    r.validate(&config, &mut d);
    d.0.iter()
        .map(|x| x.path.as_ref().map(|p| p.to_string()).unwrap_or_default())
        .collect()
}

fn hosts(ids: &[Value]) -> Value {
    Value::List(ids.to_vec())
}

#[test]
fn zones_and_hosts_are_each_named_once() {
    let h = Value::from_i64;
    let zone = |name: &str, servers: Value| {
        Value::object([("name", Value::string(name)), ("servers", servers)])
    };
    let cluster = |zones: Vec<Value>| Value::object([("zone", Value::List(zones))]);
    for (name, config, want) in [
        (
            "distinct",
            cluster(vec![zone("z1", hosts(&[h(1)])), zone("z2", hosts(&[h(2)]))]),
            vec![],
        ),
        (
            "a zone twice",
            cluster(vec![zone("z1", hosts(&[h(1)])), zone("z1", hosts(&[h(2)]))]),
            vec!["zone[1].name"],
        ),
        (
            "a host in two zones",
            cluster(vec![
                zone("z1", hosts(&[h(1)])),
                zone("z2", hosts(&[h(3), h(1)])),
            ]),
            vec!["zone[1].servers[1]"],
        ),
        (
            "a host twice in one zone",
            cluster(vec![zone("z1", hosts(&[h(1), h(1)]))]),
            vec!["zone[0].servers[1]"],
        ),
        (
            "a zone without hosts",
            cluster(vec![zone("z1", hosts(&[]))]),
            vec!["zone[0].servers"],
        ),
        (
            "unknown hosts are checked at plan time",
            cluster(vec![
                zone("z1", hosts(&[h(1), Value::Unknown])),
                zone("z2", Value::Unknown),
            ]),
            vec![],
        ),
        (
            "unknown zones too",
            Value::object([("zone", Value::Unknown)]),
            vec![],
        ),
    ] {
        assert_eq!(
            error_paths(&Managed(ClusterResource), config),
            want,
            "{name}"
        );
    }
    let zone4 = |servers: Value| Value::object([("servers", servers)]);
    assert_eq!(
        error_paths(&Managed(ZoneResource), zone4(hosts(&[h(1), h(2), h(1)]))),
        vec!["servers[2]"]
    );
    assert_eq!(
        error_paths(&Managed(ZoneResource), zone4(hosts(&[]))),
        vec!["servers"]
    );
    assert!(error_paths(
        &Managed(ZoneResource),
        zone4(hosts(&[h(1), Value::Unknown]))
    )
    .is_empty());
    let mut d = Diagnostics::new();
    ClusterResource.validate(
        &cluster(vec![zone("z1", hosts(&[h(7)])), zone("z2", hosts(&[h(7)]))]),
        &mut d,
    );
    assert!(
        d.0[0]
            .detail
            .contains("zone[0].servers[0] and zone[1].servers[0] both name host 7"),
        "{}",
        d.0[0].detail
    );
}

#[test]
fn ocp_errors_point_at_the_attribute_they_name() {
    let cluster = |m: &str| {
        ClusterResource
            .attr_of(&rejected(m), &ClusterModel::default())
            .map(|p| p.to_string())
    };
    for (message, want) in [
        ("invalid rpmName: \"x\" is not an uploaded OceanBase package", Some("rpm_name")),
        ("password is required", Some("root_password")),
        ("invalid primaryZone: zone zone9 is not a zone of the new cluster", Some("primary_zone")),
        ("invalid zones[0].servers[1]: host 172.16.0.11 (id 1003001) is already used by OB cluster demo-cluster (zone zone1, OBServer 1)", Some("zone[0].servers[1]")),
        ("invalid zones[1].idcName: IDC \"x\" does not exist (known: hz1)", Some("zone[1].idc_name")),
        ("invalid zones[1].name: zone zone1 is listed twice", Some("zone[1].name")),
        ("invalid startupParameters[0].value: a string is expected", Some("startup_parameter")),
        ("invalid name: \"1c\" must start with a letter", Some("name")),
        ("boom", None),
    ] {
        assert_eq!(cluster(message).as_deref(), want, "{message}");
    }
    let zone = |m: &str| {
        ZoneResource
            .attr_of(&rejected(m), &ZoneModel::default())
            .map(|p| p.to_string())
    };
    for (message, want) in [
        (
            "invalid servers[1]: host 1003004 is listed twice",
            Some("servers[1]"),
        ),
        (
            "invalid idcName: IDC \"x\" does not exist (known: hz1)",
            Some("idc_name"),
        ),
        (
            "invalid name: \"1z\" must start with a letter",
            Some("name"),
        ),
        ("cluster 1000001 is CREATING", None),
    ] {
        assert_eq!(zone(message).as_deref(), want, "{message}");
    }
}

#[test]
fn zone_import_ids_need_a_numeric_cluster() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let m = rt
        .block_on(ZoneResource.import(None, "1000001/zone4"))
        .unwrap();
    assert_eq!((m.cluster_id, m.zone.name.as_str()), (1000001, "zone4"));
    for bad in ["demo/zone4", "1000001/", "1000001"] {
        match rt.block_on(ZoneResource.import(None, bad)) {
            Err(ImportError::Invalid(why)) => assert!(why.contains("<cluster_id>/<zone_name>")),
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn a_cluster_import_needs_ocp() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let r = rt.block_on(ClusterResource.import(None, "1000001"));
    assert!(matches!(r, Err(ImportError::NoClient)), "{r:?}");
}
