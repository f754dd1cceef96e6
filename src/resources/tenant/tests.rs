//! Tests of `resources::tenant`: validation, planning and mapping, without OCP.

use super::*;
use crate::framework::write_model;
use crate::lifecycle::data::Listed;
use crate::lifecycle::value_over;
use crate::resources::rejected;

#[test]
fn primary_zone_syntax_refuses_what_ocp_refuses_and_takes_random() {
    let cases: &[(&str, bool)] = &[
        ("zone1", true),
        ("zone1;zone2,zone3", true),
        ("zone1 ; zone2", true),
        ("RANDOM", true),
        ("random", true),
        ("", false),
        ("   ", false),
        ("zone1;", false),
        (";zone1", false),
        ("zone1;;zone2", false),
        ("zone1,,zone2", false),
        ("zone1;zone1", false),
        ("zone/1", false),
    ];
    for (pz, ok) in cases {
        let valid = accepts(&super::super::PrimaryZoneSyntax, "primary_zone", pz);
        assert_eq!(valid, *ok, "{pz:?}");
    }
    // RANDOM never needs a zone block of that name.
    let mut d = Diagnostics::new();
    let config = Value::object([
        ("primary_zone", Value::string("RANDOM")),
        (
            "zone",
            Value::List(vec![Value::object([("name", Value::string("zone1"))])]),
        ),
    ]);
    TenantResource.validate(&config, &mut d);
    assert!(!d.has_errors(), "{:?}", d.0);
}

#[test]
fn whitelist_entries_follow_ocp_rules() {
    for (e, ok) in [
        ("%", true),
        ("127.0.0.1", true),
        ("10.0.0.0/8", true),
        ("10.10.10.%", true),
        ("10.0.0.0/33", false),
        ("10.0.0", false),
        ("300.1.1.1", false),
        ("10.0.%.0/8", false),
        ("localhost", false),
        (" 10.0.0.1", false),
        ("010.0.0.1", false),
        ("10.0.0.01", false),
        ("0.0.0.0", true),
    ] {
        assert_eq!(whitelist_key(e).is_some(), ok, "{e}");
    }
}

#[test]
fn whitelist_entries_are_compared_by_the_clients_they_let_in() {
    for (a, b, same) in [
        ("10.0.0.1", "10.0.0.1/32", true),   // a /32 network is the address
        ("10.1.2.3/8", "10.0.0.0/8", true),  // host bits of a network
        ("10.10.%.%", "10.10.0.0/16", true), // trailing % octets are a network
        ("0.0.0.0/0", "%", true),            // /0 lets in anyone
        ("%.%.%.%", "%", true),              // all % octets let in anyone
        ("10.%.0.1", "10.%.0.1", true),      // a % in the middle keeps its place
        ("10.0.0.1", "10.0.0.2", false),     // other addresses
        ("10.0.0.0/8", "10.0.0.0/16", false), // other prefixes
        ("10.0.0.1", "10.0.0.0/8", false),   // an address in a network
        ("10.%.0.1", "10.0.0.0/8", false),   // a % in the middle is no network
    ] {
        let name = format!("{a} ~ {b}");
        let (ka, kb) = (whitelist_key(a), whitelist_key(b));
        assert!(ka.is_some() && kb.is_some(), "{name}");
        assert_eq!(ka == kb, same, "{name}: {ka:?} {kb:?}");
    }
    assert_eq!(
        whitelist_key("localhost"),
        None,
        "invalid entries have no key"
    );
}

#[test]
fn a_whitelist_refuses_two_entries_for_the_same_clients() {
    let p = AttrPath::root("whitelist");
    let wl = |entries: &[&str]| Value::set(entries.iter().map(|e| Value::string(*e)));
    let mut d = Diagnostics::new();
    WhitelistEntries.validate(&p, &wl(&["10.0.0.1", "10.0.0.1/32", "%"]), &mut d);
    assert_eq!(d.0.len(), 1, "{d:?}");
    assert_eq!(d.0[0].path, Some(p.clone()));
    assert!(
        d.0[0].detail.contains(r#""10.0.0.1/32""#),
        "{}",
        d.0[0].detail
    );
    assert!(
        d.0[0].detail.contains("Keep one of them"),
        "{}",
        d.0[0].detail
    );
    let mut d = Diagnostics::new();
    WhitelistEntries.validate(&p, &wl(&["10.0.0.1", "10.0.0.0/8"]), &mut d);
    assert!(d.is_empty(), "{d:?}");
    let mut d = Diagnostics::new();
    let partly = Value::Set(vec![Value::string("10.0.0.1"), Value::Unknown]);
    WhitelistEntries.validate(&p, &partly, &mut d);
    assert!(
        d.is_empty(),
        "unknown entries are checked at plan time: {d:?}"
    );
}

#[test]
fn whitelist_sets_and_strings_convert_both_ways() {
    let v = whitelist_entries("127.0.0.1, 10.0.0.0/8,");
    assert_eq!(v, vec!["127.0.0.1", "10.0.0.0/8"]);
    assert_eq!(whitelist_string(&v), "10.0.0.0/8,127.0.0.1");
}

/// Whether validator `v` takes `s` as the value of attribute `attr`.
fn accepts(v: &dyn Validator, attr: &str, s: &str) -> bool {
    let mut d = Diagnostics::new();
    v.validate(&AttrPath::root(attr), &Value::string(s), &mut d);
    !d.has_errors()
}

#[test]
fn tenant_names_follow_the_documented_rule() {
    let names = [
        ("app", true),
        ("App_2", true),
        ("2app", false),
        ("my-app", false),
        ("", false),
    ];
    for (n, ok) in names {
        assert_eq!(accepts(&TENANT_NAME, "name", n), ok, "{n}");
    }
}

fn config(
    mode: &str,
    charset: &str,
    collation: Option<&str>,
    zones: &[&str],
    pz: Option<&str>,
) -> Value {
    Value::object([
        ("mode", Value::string(mode)),
        ("charset", Value::string(charset)),
        ("collation", Value::opt_string(collation)),
        ("primary_zone", Value::opt_string(pz)),
        (
            "zone",
            Value::List(
                zones
                    .iter()
                    .map(|z| Value::object([("name", Value::string(*z))]))
                    .collect(),
            ),
        ),
    ])
}

#[test]
fn mode_charset_and_collation_must_agree() {
    let mut d = Diagnostics::new();
    TenantResource.validate(&config("ORACLE", "binary", None, &["zone1"], None), &mut d);
    assert_eq!(d.0[0].path, Some(AttrPath::root("charset")));
    let mut d = Diagnostics::new();
    TenantResource.validate(
        &config("MYSQL", "utf8mb4", Some("gbk_bin"), &["zone1"], None),
        &mut d,
    );
    assert_eq!(d.0[0].path, Some(AttrPath::root("collation")));
    let mut d = Diagnostics::new();
    TenantResource.validate(
        &config("MYSQL", "utf8mb4", Some("utf8mb4_bin"), &["zone1"], None),
        &mut d,
    );
    assert!(d.is_empty());
}

#[test]
fn the_primary_zone_must_name_configured_zones_and_zones_are_unique() {
    let mut d = Diagnostics::new();
    TenantResource.validate(
        &config(
            "MYSQL",
            "utf8mb4",
            None,
            &["zone1", "zone1"],
            Some("zone1;zone9"),
        ),
        &mut d,
    );
    let paths: Vec<String> =
        d.0.iter()
            .filter_map(|x| x.path.as_ref().map(|p| p.to_string()))
            .collect();
    assert_eq!(paths, vec!["zone[1].name", "primary_zone"]);
}

fn ocp_tenant() -> Tenant {
    serde_json::from_value(serde_json::json!({
        "id": 7, "name": "app", "clusterId": 1, "clusterName": "demo", "mode": "MYSQL",
        "status": "NORMAL", "charset": "utf8mb4", "collation": "utf8mb4_general_ci",
        "primaryZone": "zone1;zone2", "whitelist": "127.0.0.1,10.0.0.0/8", "description": "",
        "locked": false, "obTenantId": 1001, "locality": "FULL{1}@zone1, FULL{1}@zone2",
        "zones": [
            {"name": "zone1", "replicaType": "FULL", "resourcePool": {"unitSpecName": "S1", "unitCount": 1}},
            {"name": "zone2", "replicaType": "FULL", "resourcePool": {"unitSpecName": "S1", "unitCount": 2}}
        ]
    }))
    .unwrap()
}

fn zone(name: &str) -> ZoneModel {
    ZoneModel {
        name: name.into(),
        ..ZoneModel::default()
    }
}

#[test]
fn state_keeps_the_users_zone_order_spelling_and_secrets() {
    let prior = TenantModel {
        root_password: Some("pw".into()),
        info: Reported {
            primary_zone: Some("zone1; zone2".into()),
            ..Reported::default()
        },
        deletion_protection: Some(true),
        zone: vec![zone("zone2"), zone("zone1")],
        ..TenantModel::default()
    };
    let s = TenantModel::from_ocp(&ocp_tenant(), &prior);
    let names: Vec<&str> = s.zone.iter().map(|z| z.name.as_str()).collect();
    assert_eq!(names, vec!["zone2", "zone1"]);
    assert_eq!(
        s.info.primary_zone.as_deref(),
        Some("zone1; zone2"),
        "same meaning keeps the user's spelling"
    );
    assert_eq!(s.root_password.as_deref(), Some("pw"));
    assert_eq!(s.deletion_protection, Some(true));
    assert_eq!(
        s.info.description, None,
        "OCP's empty description is no description"
    );
    assert_eq!(s.whitelist.map(|w| w.len()), Some(2));
}

#[test]
fn fields_ocp_leaves_out_keep_their_prior_values() {
    // Only the S2 sample's fields (§4.1), without charset, whitelist, zones, description.
    let t: Tenant = serde_json::from_value(serde_json::json!({
        "id": 7, "name": "app", "clusterId": 1, "status": "NORMAL", "primaryZone": "zone1"
    }))
    .unwrap();
    // As the adapter reads a plan: the unknown locality of a create reads as null.
    let mut plan = Value::object([
        ("cluster_id", Value::from_i64(1)),
        ("name", Value::string("app")),
        ("charset", Value::string("utf8mb4")),
        ("collation", Value::string("utf8mb4_general_ci")),
        ("whitelist", Value::set([Value::string("10.0.0.0/8")])),
        ("description", Value::string("orders")),
        ("mode", Value::string("ORACLE")),
        ("locked", Value::Bool(true)),
        ("locality", Value::Unknown),
        (
            "zone",
            Value::List(vec![Value::object([
                ("name", Value::string("zone1")),
                ("unit_spec", Value::string("S0")),
            ])]),
        ),
    ]);
    crate::framework::plan::strip_unknowns(&mut plan);
    let prior: TenantModel = crate::value::from_value(&plan).unwrap();
    let s = TenantModel::from_ocp(&t, &prior);
    assert_eq!(s.info.charset, prior.info.charset);
    assert_eq!(s.info.collation, prior.info.collation);
    assert_eq!(s.whitelist, prior.whitelist);
    assert_eq!(s.info.description, prior.info.description);
    assert_eq!(s.info.mode, prior.info.mode);
    assert_eq!(s.info.locked, prior.info.locked);
    assert_eq!(s.zone, prior.zone);
    assert_eq!(s.info.locality, None, "unknown at create: null");
    assert_eq!(s.info.status.as_deref(), Some("NORMAL"));
}

#[test]
fn an_imported_state_gets_every_value_but_the_password() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let prior = rt.block_on(TenantResource.import(None, "1/7")).unwrap();
    let s = TenantModel::from_ocp(&ocp_tenant(), &prior);
    assert_eq!((s.cluster_id, s.id), (1, Some(7)));
    assert_eq!(s.name, "app");
    assert_eq!(s.info.ob_tenant_id, Some(1001));
    assert_eq!(s.deletion_protection, Some(false));
    assert_eq!(s.root_password, None);
    assert_eq!(s.zone[1].unit_count, Some(2));
    // And as a value of the schema: the password null, the timeouts kept.
    let mut d = Diagnostics::new();
    let base = Value::object([("timeouts", Value::Null)]);
    let v = value_over(&s, &TenantResource.schema(), &base, &mut d).unwrap();
    assert!(d.is_empty(), "{d:?}");
    let back: TenantModel = crate::value::from_value(&v).unwrap();
    assert_eq!(back.root_password, None);
    assert_eq!(back.zone, s.zone);
}

#[test]
fn import_ids_are_ids_or_names() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for bad in ["1", "1/", "/7", "1/7/8"] {
        assert!(
            matches!(
                rt.block_on(TenantResource.import(None, bad)),
                Err(ImportError::Invalid(_))
            ),
            "{bad}"
        );
    }
    // Names need OCP.
    assert!(matches!(
        rt.block_on(TenantResource.import(None, "demo/app")),
        Err(ImportError::NoClient)
    ));
}

fn two_zones() -> TenantModel {
    let z = |n: &str| ZoneModel {
        unit_spec: Some("S1".into()),
        ..zone(n)
    };
    TenantModel {
        zone: vec![z("zone1"), z("zone2")],
        ..TenantModel::default()
    }
}

#[test]
fn ocp_errors_point_at_the_attribute_they_name() {
    // In the simulator's words (crates/ocp-sim, tenant_rules.rs and restore.rs).
    let info = "invalid restoreOnlineTenantRequiredParam.restoreTenantInfoParam";
    for (message, attr) in [
        (
            r#"invalid zones[0].name: "zone9" is not a zone of OB cluster demo"#,
            Some("zone"),
        ),
        (
            "invalid whitelist: entry \"x\" is not an IPv4 address",
            Some("whitelist"),
        ),
        ("rootPassword is required", Some("root_password")),
        (
            "zone zone9 in primaryZone is not a zone of the tenant",
            Some("primary_zone"),
        ),
        (
            "invalid restoreOnlineTenantRequiredParam.restoreEndTime: late",
            Some("restore_from.restore_time"),
        ),
        (
            "invalid restoreOnlineTenantRequiredParam.backupTenantId: none",
            Some("restore_from.tenant_id"),
        ),
        (
            &*format!("{info}.zones[0].name: no such zone"),
            Some("zone"),
        ),
        (&*format!("{info}.name: taken"), Some("name")),
        ("something else", None),
    ] {
        let at = TenantResource.attr_of(&rejected(message), &two_zones());
        assert_eq!(at, attr.map(AttrPath::parse), "{message}");
    }
}

#[test]
fn a_refused_unit_count_points_at_its_zone_block() {
    let plan = two_zones();
    let want = Some(AttrPath::root("zone").index(1).attr("unit_count"));
    // A replica call's body holds a subset of the zones: OCP's index is into that body.
    let body: Vec<ReplicaSpec> = plan.zone[1..]
        .iter()
        .filter_map(ZoneModel::replica)
        .collect();
    assert_eq!(
        unit_count_path(
            &rejected("invalid [0].resourcePool.unitCount: 2 units per zone, but zone zone2 has 1 OBServer(s)"),
            &body,
            &plan
        ),
        want
    );
    // A create body holds every zone, in plan order.
    assert_eq!(
        TenantResource.attr_of(
            &rejected("invalid zones[1].resourcePool.unitCount: too many units"),
            &plan
        ),
        want
    );
    assert_eq!(
        unit_count_path(
            &rejected("invalid zones[1].resourcePool.unitSpecName: unknown"),
            &body,
            &plan
        ),
        None
    );
}

/// A plan of `ocp_tenant` over a prior state, with the zones, primary zone and status given.
fn plan_value(zones: &[&str], pz: Value, status: Value, locality: Value) -> Value {
    let mut v = config("MYSQL", "utf8mb4", None, zones, pz.as_str());
    v.set_attr("status", status);
    v.set_attr("locality", locality);
    v.set_attr("description", Value::string("x"));
    v
}

#[test]
fn planning_keeps_locality_and_status_unless_zones_or_the_primary_zone_move() {
    let schema = TenantResource.schema();
    let prior = schema.block.conform(&plan_value(
        &["zone1"],
        Value::string("zone1"),
        Value::string("NORMAL"),
        Value::string("FULL{1}@zone1"),
    ));
    let plan = |zones: &[&str], pz: Value| {
        let planned = schema.block.conform(&plan_value(
            zones,
            pz.clone(),
            Value::Unknown,
            Value::Unknown,
        ));
        let config = schema
            .block
            .conform(&plan_value(zones, pz, Value::Null, Value::Null));
        let req = PlanRequest {
            prior: &prior,
            config: &config,
            prior_private: &[],
        };
        let mut resp = PlanResponse {
            planned,
            requires_replace: Vec::new(),
            private: Vec::new(),
            diags: Diagnostics::new(),
        };
        TenantResource.modify_plan(&req, &mut resp);
        assert!(resp.diags.is_empty(), "{:?}", resp.diags);
        let v: View = crate::value::from_value(&resp.planned).unwrap();
        (
            known_str(&v.locality).map(String::from),
            known_str(&v.status).map(String::from),
        )
    };
    assert_eq!(
        plan(&["zone1"], Value::string("zone1")),
        (Some("FULL{1}@zone1".into()), Some("NORMAL".into())),
        "a synchronous change keeps both"
    );
    assert_eq!(
        plan(&["zone1"], Value::string("RANDOM")),
        (Some("FULL{1}@zone1".into()), None),
        "a primary-zone task reports its own status"
    );
    assert_eq!(
        plan(&["zone1", "zone2"], Value::string("zone1")),
        (None, None),
        "a replica change moves both"
    );
}

#[test]
fn the_data_sources_take_their_types_from_the_schemas() {
    let one = TenantDataSource.schema();
    let Type::Object(attrs) = one.value_type() else {
        panic!("an object")
    };
    assert_eq!(
        attrs.get("zones"),
        Some(&Type::list(zone_block().implied_type()))
    );
    let list = TenantsDataSource.schema();
    let Some(Type::List(element)) = list.block.attribute("tenants").map(|a| a.ty.clone()) else {
        panic!("a list")
    };
    let Type::Object(element) = *element else {
        panic!("of objects")
    };
    let names: Vec<&str> = element.keys().map(String::as_str).collect();
    assert_eq!(names.len(), 15, "{names:?}");
    let reported = REPORTED.iter().chain(REPORTED_AS.iter().map(|(n, _)| n));
    for name in reported {
        assert_eq!(element.get(*name), attrs.get(*name), "{name}");
    }
    // The one model writes both.
    let t = ocp_tenant();
    let mut d = Diagnostics::new();
    let v = write_model(&TenantData::of(&t, true), &one, &mut d).unwrap();
    let filter = TenantsFilter {
        cluster_id: None,
        name: None,
        mode: None,
        status: None,
    };
    let tenants = Listed::new(filter, "tenants", vec![TenantData::of(&t, false)]);
    write_model(&tenants, &list, &mut d).unwrap();
    assert!(d.is_empty(), "{d:?}");
    let zones: Vec<ZoneModel> =
        crate::value::from_value(&v.get("zones").cloned().unwrap()).unwrap();
    assert_eq!(zones[1].unit_count, Some(2));
}
