//! Tests of the parameter rules: comparison, checks, the write body, the read of managed keys.

use super::*;
use crate::client::api::parameters::ValueRange;
use crate::resources::rejected;

fn info(name: &str, value_type: &str, default: &str) -> ParameterInfo {
    ParameterInfo {
        name: name.into(),
        value_type: Some(value_type.into()),
        default_value: Some(default.into()),
        parameter_type: Some("OB_TENANT_PARAMETER".into()),
        ..ParameterInfo::default()
    }
}

fn params(pairs: &[(&str, &str)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn cat(list: Vec<ParameterInfo>) -> Catalogue {
    Catalogue(list.into_iter().map(|p| (p.name.clone(), p)).collect())
}

#[test]
fn values_compare_the_way_oceanbase_reads_them() {
    assert!(same_value(Some("BOOL"), "true", "True"));
    assert!(!same_value(Some("BOOL"), "true", "False"));
    assert!(same_value(Some("CAPACITY"), "10G", "10GB"));
    assert!(same_value(Some("CAPACITY"), "1024M", "1G"));
    assert!(same_value(Some("CAPACITY"), "512", "512M"));
    assert!(!same_value(Some("CAPACITY"), "10G", "10M"));
    assert!(same_value(Some("TIME"), "3600s", "1h"));
    assert!(same_value(Some("TIME"), "30", "30s"));
    assert!(same_value(Some("DOUBLE"), "2.50", "2.5"));
    assert!(same_value(Some("INT"), "020", "20"));
    assert!(same_value(Some("ENUM"), "info", "INFO"));
    assert!(!same_value(Some("STRING"), "a", "A"));
    assert!(!same_value(None, "x", "y"));
    // Untyped values (an OBProxy cluster's): booleans in any case, the rest as written.
    assert!(same_value(None, "True", "true"));
    assert!(same_value(None, " 100 ", "100"));
    assert!(!same_value(None, "2G", "2g"));
    assert!(!same_value(Some("STRING"), "True", "true"));
    assert!(same_time_zone("+8:00", "+08:00"));
    assert!(!same_time_zone("+8:00", "-8:00"));
}

#[test]
fn checks_name_why_ocp_would_refuse_a_value() {
    let mut n = info("max_syslog_file_count", "INT", "0");
    n.value_range = Some(ValueRange {
        min_value: Some("0".into()),
        max_value: Some("1000".into()),
    });
    assert!(check(&n, "10").is_ok());
    assert!(check(&n, "1001").unwrap_err().contains("out of range"));
    assert!(check(&n, "ten").unwrap_err().contains("not an integer"));
    let mut e = info("syslog_level", "ENUM", "WDIAG");
    e.valid_values = vec!["INFO".into(), "WDIAG".into()];
    assert!(check(&e, "info").is_ok());
    assert!(check(&e, "LOUD").unwrap_err().contains("not one of"));
    let mut r = info("data_dir", "STRING", "store");
    r.readonly = Some(true);
    assert!(check(&r, "x").unwrap_err().contains("read-only"));
    assert!(check(&info("b", "BOOL", "False"), "yes").is_err());
}

#[test]
fn the_write_sets_changes_and_resets_removed_keys_to_their_default() {
    let c = cat(vec![
        info("a", "BOOL", "False"),
        info("b", "CAPACITY", "4G"),
        info("c", "INT", "20"),
    ]);
    let prior: Params = params(&[("a", "true"), ("b", "10G"), ("c", "30")]);
    let plan: Params = params(&[("a", "TRUE"), ("b", "12G")]);
    let body = changes(&prior, &plan, &c, Owner::Tenant(1, 2)).expect("body");
    let got: Vec<(&str, &str)> = body
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(got, vec![("b", "12G"), ("c", "20")]);
    assert_eq!(
        body[0].parameter_type.as_deref(),
        Some("OB_TENANT_PARAMETER")
    );
    let cluster = changes(&prior, &plan, &c, Owner::Cluster(1)).expect("body");
    assert!(cluster.iter().all(|p| p.parameter_type.is_none()));
    let no_default = cat(vec![ParameterInfo {
        name: "x".into(),
        ..ParameterInfo::default()
    }]);
    let prior: Params = [("x".to_string(), "1".to_string())].into();
    assert_eq!(
        changes(&prior, &Params::new(), &no_default, Owner::Cluster(1)),
        Err("x".to_string())
    );
}

#[test]
fn read_keeps_only_managed_keys_in_the_users_spelling() {
    let c = cat(vec![
        info("a", "BOOL", "False"),
        info("b", "CAPACITY", "4G"),
    ]);
    let current = vec![
        Parameter {
            name: "a".into(),
            current_value: Some("True".into()),
            ..Parameter::default()
        },
        Parameter {
            name: "b".into(),
            current_value: Some("8G".into()),
            ..Parameter::default()
        },
        Parameter {
            name: "unmanaged".into(),
            current_value: Some("1".into()),
            ..Parameter::default()
        },
    ];
    let mine: Params = params(&[("a", "true"), ("b", "10GB"), ("gone", "1")]);
    let got = managed(&mine, &current, &c);
    let want: Params = params(&[("a", "true"), ("b", "8G"), ("gone", "1")]);
    assert_eq!(got, want);
}

#[test]
fn a_create_refusal_names_the_parameter_by_its_place_in_the_body() {
    let err = rejected("invalid parameters[1].value: \"50\" is out of range");
    let plan: Option<Params> = Some(params(&[("b", "50"), ("a", "1")]));
    assert_eq!(create_error_path(&err, &plan), Some(path("b")));
    assert_eq!(path("b").to_string(), "parameters[\"b\"]");
}

#[test]
fn name_values_are_the_pairs_in_order() {
    let p = params(&[("b", "2"), ("a", "1")]);
    let got = name_values(p.iter());
    let pairs: Vec<(&str, &str)> = (got.iter())
        .map(|n| (n.name.as_str(), n.value.as_str()))
        .collect();
    assert_eq!(pairs, [("a", "1"), ("b", "2")]);
}
