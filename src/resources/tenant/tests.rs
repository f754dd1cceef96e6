//! Tests of `resources::tenant`: validation, planning and mapping, without OCP.

use super::*;

#[test]
fn primary_zone_syntax_refuses_what_ocp_refuses_and_takes_random() {
    use crate::framework::validate::Validator;
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
        let mut d = Diagnostics::new();
        super::super::PrimaryZoneSyntax.validate(
            &AttrPath::root("primary_zone"),
            &Value::string(*pz),
            &mut d,
        );
        assert_eq!(!d.has_errors(), *ok, "{pz:?}: {:?}", d.0);
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
        assert_eq!(valid_whitelist_entry(e), ok, "{e}");
    }
}

#[test]
fn whitelist_entries_are_compared_by_the_clients_they_let_in() {
    for (name, a, b, same) in [
        (
            "a /32 network is the address",
            "10.0.0.1",
            "10.0.0.1/32",
            true,
        ),
        ("host bits of a network", "10.1.2.3/8", "10.0.0.0/8", true),
        (
            "trailing % octets are a network",
            "10.10.%.%",
            "10.10.0.0/16",
            true,
        ),
        ("/0 lets in anyone", "0.0.0.0/0", "%", true),
        ("all % octets let in anyone", "%.%.%.%", "%", true),
        (
            "a % in the middle keeps its place",
            "10.%.0.1",
            "10.%.0.1",
            true,
        ),
        ("other addresses", "10.0.0.1", "10.0.0.2", false),
        ("other prefixes", "10.0.0.0/8", "10.0.0.0/16", false),
        ("an address in a network", "10.0.0.1", "10.0.0.0/8", false),
        (
            "a % in the middle is no network",
            "10.%.0.1",
            "10.0.0.0/8",
            false,
        ),
    ] {
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
    let v = whitelist_value(Some("127.0.0.1,10.0.0.0/8"));
    assert_eq!(
        v,
        Value::set([Value::string("10.0.0.0/8"), Value::string("127.0.0.1")])
    );
    assert_eq!(
        whitelist_string(&v).as_deref(),
        Some("10.0.0.0/8,127.0.0.1")
    );
}

#[test]
fn primary_zones_compare_by_meaning() {
    assert_eq!(
        ocp_primary_zone(" zone1; zone2 , zone3"),
        "zone1;zone2,zone3"
    );
    assert!(same_primary_zone("zone1;zone2,zone3", "zone1; zone3,zone2"));
    assert!(!same_primary_zone("zone1;zone2", "zone2;zone1"));
    assert_eq!(
        primary_zone_names("zone1;zone2,zone3"),
        vec!["zone1", "zone2", "zone3"]
    );
}

#[test]
fn tenant_names_follow_the_documented_rule() {
    let p = AttrPath::root("name");
    for (n, ok) in [
        ("app", true),
        ("App_2", true),
        ("2app", false),
        ("my-app", false),
        ("", false),
    ] {
        let mut d = Diagnostics::new();
        TENANT_NAME.validate(&p, &Value::string(n), &mut d);
        assert_eq!(d.is_empty(), ok, "{n}");
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

#[test]
fn state_keeps_the_users_zone_order_spelling_and_secrets() {
    let prior = Value::object([
        ("root_password", Value::string("pw")),
        ("primary_zone", Value::string("zone1; zone2")),
        ("deletion_protection", Value::Bool(true)),
        (
            "zone",
            Value::List(vec![
                Value::object([("name", Value::string("zone2"))]),
                Value::object([("name", Value::string("zone1"))]),
            ]),
        ),
    ]);
    let s = state_from(&ocp_tenant(), &prior);
    let names: Vec<&str> = s
        .get("zone")
        .unwrap()
        .elements()
        .iter()
        .filter_map(|z| str_attr(z, "name"))
        .collect();
    assert_eq!(names, vec!["zone2", "zone1"]);
    assert_eq!(
        str_attr(&s, "primary_zone"),
        Some("zone1; zone2"),
        "same meaning keeps the user's spelling"
    );
    assert_eq!(str_attr(&s, "root_password"), Some("pw"));
    assert_eq!(s.get("deletion_protection"), Some(&Value::Bool(true)));
    assert_eq!(
        s.get("description"),
        Some(&Value::Null),
        "OCP's empty description is no description"
    );
    assert_eq!(s.get("whitelist").unwrap().elements().len(), 2);
}

#[test]
fn fields_ocp_leaves_out_keep_their_prior_values() {
    // Only the S2 sample's fields (§4.1), without charset, whitelist, zones, description.
    let t: Tenant = serde_json::from_value(serde_json::json!({
        "id": 7, "name": "app", "clusterId": 1, "status": "NORMAL", "primaryZone": "zone1"
    }))
    .unwrap();
    let prior = Value::object([
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
    let s = state_from(&t, &prior);
    for a in [
        "charset",
        "collation",
        "whitelist",
        "description",
        "mode",
        "locked",
        "zone",
    ] {
        assert_eq!(s.get(a), prior.get(a), "{a}");
    }
    assert_eq!(
        s.get("locality"),
        Some(&Value::Null),
        "unknown at create: null"
    );
    assert_eq!(str_attr(&s, "status"), Some("NORMAL"));
}

#[test]
fn an_imported_state_gets_every_value_but_the_password() {
    let prior = Value::object([
        ("cluster_id", Value::from_i64(1)),
        ("id", Value::from_i64(7)),
    ]);
    let s = state_from(&ocp_tenant(), &prior);
    assert_eq!(str_attr(&s, "name"), Some("app"));
    assert_eq!(s.get("ob_tenant_id"), Some(&Value::from_i64(1001)));
    assert_eq!(s.get("deletion_protection"), Some(&Value::Bool(false)));
    assert_eq!(s.get("root_password"), None);
    assert_eq!(
        s.get("zone").unwrap().elements()[1].get("unit_count"),
        Some(&Value::from_i64(2))
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
    let none = Value::Null;
    assert_eq!(
        create_error_path(&e("zone zone9 does not exist"), &none),
        Some(AttrPath::root("zone"))
    );
    assert_eq!(
        create_error_path(&e("invalid whitelist entry"), &none),
        Some(AttrPath::root("whitelist"))
    );
    assert_eq!(create_error_path(&e("something else"), &none), None);
}

#[test]
fn a_refused_unit_count_points_at_its_zone_block() {
    let e = |m: &str| ClientError::Api {
        method: "POST",
        path: "/x".into(),
        http_status: 400,
        code: Some("ILLEGAL_ARGUMENT".into()),
        message: m.into(),
        trace_id: None,
    };
    let zone = |n: &str| Value::object([("name", Value::string(n))]);
    let plan = Value::object([("zone", Value::List(vec![zone("zone1"), zone("zone2")]))]);
    let want = Some(AttrPath::root("zone").index(1).attr("unit_count"));
    // By the zone the message names (addReplica/modifyReplica bodies hold a subset).
    assert_eq!(
        unit_count_path(
            &e("invalid [0].resourcePool.unitCount: 2 units per zone, but zone zone2 has 1 OBServer(s)"),
            &plan
        ),
        want
    );
    // By the index of a create body, when no zone is named.
    assert_eq!(
        create_error_path(
            &e("invalid zones[1].resourcePool.unitCount: too many units"),
            &plan
        ),
        want
    );
    assert_eq!(
        unit_count_path(&e("invalid zones[1].resourcePool.unitSpecName"), &plan),
        None
    );
}
