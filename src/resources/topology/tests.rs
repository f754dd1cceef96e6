//! Tests of `resources::topology`: planning and mapping of clusters and zones, without OCP.

use super::*;

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

#[test]
fn a_cluster_without_full_version_keeps_the_configured_rpm_name() {
    let c = observed(
        serde_json::json!({"id": 7, "name": "c", "status": "RUNNING",
        "zones": [{"name": "zone1", "idcName": "sh1", "servers": [{"id": 1, "hostId": 11}]}]}),
    );
    let rpm = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm";
    // Read keeps the configured package when OCP reports no build.
    let s = cluster_state(&c, &config(rpm, vec![]));
    assert_eq!(s.get("rpm_name").and_then(Value::as_str), Some(rpm));
    // An import of it knows no package: the plan records the configured one in place and
    // never replaces the cluster, nor makes its status unknown.
    let mut private = Vec::new();
    Private::edit(&mut private, |p| {
        p.extra
            .insert(IMPORTED.into(), serde_json::Value::Bool(true));
    });
    let mut prior = cluster_state(&c, &Value::object([("id", Value::from_i64(7))]));
    prior.set_attr("root_password", Value::Null);
    let prior = ClusterResource.schema().block.conform(&prior);
    assert!(
        prior.get("rpm_name").is_none_or(Value::is_null),
        "{prior:?}"
    );
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

#[test]
fn zones_and_servers_ocp_does_not_report_keep_their_prior_values() {
    let prior = config("x.rpm", vec![]);
    // No zones in the cluster object, nothing else reported.
    let s = cluster_state(&observed(serde_json::json!({"id": 7, "name": "c"})), &prior);
    assert_eq!(s.get("zone"), prior.get("zone"));
    // The zone without its IDC, an OBServer without its host (only the documented `id`).
    let o = observed(serde_json::json!({"id": 7, "name": "c",
        "zones": [{"name": "zone1", "servers": [{"id": 1, "sqlPort": 2881, "port": 2882}]}]}));
    let s = cluster_state(&o, &prior);
    assert_eq!(s.get("zone"), prior.get("zone"));
    // The same for an ocp_zone.
    let z = &o.cluster.zones[0];
    let base = Value::object([
        ("idc_name", Value::string("sh1")),
        ("servers", Value::List(vec![Value::from_i64(11)])),
        ("status", Value::string("RUNNING")),
    ]);
    let zs = zone_state(7, z, &base);
    for a in ["idc_name", "servers", "status"] {
        assert_eq!(zs.get(a), base.get(a), "{a}");
    }
}

#[test]
fn the_primary_zone_is_read_from_the_sys_tenant_and_compared_by_priority() {
    let mut o = cluster();
    o.sys_primary_zone = Some("zone1; zone3,zone2".into());
    let base = Value::object([("primary_zone", Value::string("zone1;zone2,zone3"))]);
    assert_eq!(
        cluster_state(&o, &base).get("primary_zone"),
        Some(&Value::string("zone1;zone2,zone3")),
        "the same priorities keep the configured spelling"
    );
    let base = Value::object([("primary_zone", Value::string("zone2;zone1,zone3"))]);
    assert_eq!(
        cluster_state(&o, &base).get("primary_zone"),
        Some(&Value::string("zone1; zone3,zone2")),
        "other priorities are drift"
    );
    o.sys_primary_zone = None;
    assert_eq!(
        cluster_state(&o, &base).get("primary_zone"),
        Some(&Value::string("zone2;zone1,zone3")),
        "kept when OCP does not report it"
    );
}

#[test]
fn the_cluster_tracks_only_its_own_zones_in_the_users_order() {
    let base = Value::object([(
        "zone",
        Value::List(vec![
            Value::object([("name", Value::string("zone2"))]),
            Value::object([("name", Value::string("zone1"))]),
        ]),
    )]);
    let s = cluster_state(&cluster(), &base);
    let names: Vec<&str> = s
        .get("zone")
        .unwrap()
        .elements()
        .iter()
        .filter_map(|z| z.get("name").and_then(Value::as_str))
        .collect();
    assert_eq!(names, ["zone2", "zone1"], "zone4 belongs to an ocp_zone");
    assert_eq!(
        s.get("zone").unwrap().elements()[0].get("servers"),
        Some(&Value::List(vec![Value::from_i64(12)]))
    );
    let imported = cluster_state(&cluster(), &Value::object([("id", Value::from_i64(7))]));
    assert_eq!(
        imported.get("zone").unwrap().elements().len(),
        3,
        "an import takes every zone"
    );
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
            "unknown hosts are checked at plan time",
            cluster(vec![
                zone("z1", hosts(&[h(1), Value::Unknown])),
                zone("z2", Value::Unknown),
            ]),
            vec![],
        ),
    ] {
        assert_eq!(error_paths(&ClusterResource, config), want, "{name}");
    }
    let zone4 = |servers: Value| Value::object([("servers", servers)]);
    assert_eq!(
        error_paths(&ZoneResource, zone4(hosts(&[h(1), h(2), h(1)]))),
        vec!["servers[2]"]
    );
    assert!(error_paths(&ZoneResource, zone4(hosts(&[h(1), Value::Unknown]))).is_empty());
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
    let e = |m: &str| ClientError::Api {
        method: "POST",
        path: "/x".into(),
        http_status: 400,
        code: None,
        message: m.into(),
        trace_id: None,
    };
    assert_eq!(
        error_path(&e("unknown rpmName \"x\"")),
        Some(AttrPath::root("rpm_name"))
    );
    assert_eq!(
        error_path(&e("host 1003001 is already used")),
        Some(AttrPath::root("zone"))
    );
    assert_eq!(error_path(&e("boom")), None);
}

#[test]
fn zone_import_ids_need_a_numeric_cluster() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let ctx = Ctx::new(None, tokio_util::sync::CancellationToken::new());
    let mut r = ImportResponse::default();
    rt.block_on(ZoneResource.import(&ctx, "1000001/zone4", &mut r));
    assert_eq!(
        r.state
            .as_ref()
            .and_then(|s| s.get("name"))
            .and_then(Value::as_str),
        Some("zone4")
    );
    let mut r = ImportResponse::default();
    rt.block_on(ZoneResource.import(&ctx, "demo/zone4", &mut r));
    assert!(r.diags.0[0].detail.contains("<cluster_id>/<zone_name>"));
}
