use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::*;

fn n(s: &str) -> Value {
    Value::Number(Number::parse(s).unwrap_or_else(|| panic!("bad number {s}")))
}

/// A nested block, as a list, set or single block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Zone {
    name: String,
    replicas: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum Mode {
    #[serde(rename = "ro")]
    ReadOnly,
    #[serde(rename = "rw")]
    ReadWrite,
}

/// Every kind of attribute a model may hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Model {
    id: Option<i64>,
    name: String,
    enabled: bool,
    ratio: f64,
    big: Number,
    wide: u128,
    mode: Mode,
    tags: BTreeMap<String, String>,
    ports: Vec<i64>,
    labels: BTreeSet<String>,
    pair: (String, i64),
    zone: Vec<Zone>,
    zones: Vec<Zone>,
    primary: Option<Zone>,
    any: Option<String>,
}

/// The type of `Model`, in Terraform's type JSON (plus an attribute the model does not have).
fn model_type() -> Type {
    let zone = r#"["object",{"name":"string","replicas":"number"}]"#;
    let json = format!(
        r#"["object",{{"id":"number","name":"string","enabled":"bool","ratio":"number",
        "big":"number","wide":"number","mode":"string","tags":["map","string"],
        "ports":["list","number"],"labels":["set","string"],"pair":["tuple",["string","number"]],
        "zone":["list",{zone}],"zones":["set",{zone}],"primary":{zone},"any":"dynamic",
        "not_in_model":"string"}}]"#
    );
    Type::from_json(json.as_bytes()).unwrap()
}

fn model() -> Model {
    let zone = |name: &str, replicas| Zone {
        name: name.into(),
        replicas,
    };
    Model {
        id: None,
        name: "hz".into(),
        enabled: true,
        ratio: 0.5,
        big: Number::parse("123456789012345678901234567890.25").unwrap_or_else(|| panic!()),
        wide: u128::MAX,
        mode: Mode::ReadWrite,
        tags: [("env".to_string(), "prod".to_string())].into(),
        ports: vec![2881, 2882],
        labels: ["a".to_string(), "b".to_string()].into(),
        pair: ("x".into(), -1),
        zone: vec![zone("z1", Some(3)), zone("z2", None)],
        zones: vec![zone("z3", Some(1))],
        primary: Some(zone("z1", Some(3))),
        any: Some("dyn".into()),
    }
}

fn model_value() -> Value {
    let zone = |name: &str, replicas: Value| {
        Value::object([("name", Value::string(name)), ("replicas", replicas)])
    };
    Value::object([
        ("id", Value::Null),
        ("name", Value::string("hz")),
        ("enabled", Value::Bool(true)),
        ("ratio", n("0.5")),
        ("big", n("123456789012345678901234567890.25")),
        ("wide", n("340282366920938463463374607431768211455")),
        ("mode", Value::string("rw")),
        ("tags", Value::map([("env", Value::string("prod"))])),
        ("ports", Value::list([n("2881"), n("2882")])),
        (
            "labels",
            Value::set([Value::string("a"), Value::string("b")]),
        ),
        ("pair", Value::Tuple(vec![Value::string("x"), n("-1")])),
        (
            "zone",
            Value::list([zone("z1", n("3")), zone("z2", Value::Null)]),
        ),
        ("zones", Value::set([zone("z3", n("1"))])),
        ("primary", zone("z1", n("3"))),
        ("any", Value::string("dyn")),
        ("not_in_model", Value::Null),
    ])
}

#[test]
fn a_model_of_every_kind_round_trips() {
    let v = to_value(&model(), &model_type()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v, model_value());
    // Exact shapes, not just equality: sets are sets, tuples tuples.
    assert!(matches!(v.get("labels"), Some(Value::Set(_))));
    assert!(matches!(v.get("zones"), Some(Value::Set(_))));
    assert!(matches!(v.get("zone"), Some(Value::List(_))));
    assert!(matches!(v.get("pair"), Some(Value::Tuple(_))));
    assert!(matches!(v.get("tags"), Some(Value::Map(_))));
    let back: Model = from_value(&v).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, model());
}

#[test]
fn each_value_kind_round_trips_through_its_rust_type() {
    fn round<T: Serialize + DeserializeOwned + PartialEq + fmt::Debug>(
        m: T,
        ty: Type,
        want: Value,
    ) {
        let v = to_value(&m, &ty).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v, want, "{m:?} as {ty}");
        let back: T = from_value(&v).unwrap_or_else(|e| panic!("{m:?}: {e}"));
        assert_eq!(back, m);
    }
    round(true, Type::Bool, Value::Bool(true));
    round("s".to_string(), Type::String, Value::string("s"));
    round(i64::MIN, Type::Number, Value::from_i64(i64::MIN));
    round(u64::MAX, Type::Number, Value::from_u64(u64::MAX));
    round(
        i128::MIN,
        Type::Number,
        n("-170141183460469231731687303715884105728"),
    );
    round(7u8, Type::Number, n("7"));
    round(-7i32, Type::Number, n("-7"));
    round(0.1f64, Type::Number, n("0.1"));
    round(
        Number::parse("1e40").unwrap_or_else(|| panic!()),
        Type::Number,
        n("1e40"),
    );
    round(None::<String>, Type::String, Value::Null);
    round(Some(1i64), Type::Number, n("1"));
    round(
        vec![1i64, 2],
        Type::list(Type::Number),
        Value::list([n("1"), n("2")]),
    );
    round(
        Vec::<i64>::new(),
        Type::set(Type::Number),
        Value::Set(vec![]),
    );
    round(
        vec![true],
        Type::set(Type::Bool),
        Value::set([Value::Bool(true)]),
    );
    round(
        ("a".to_string(), true),
        Type::tuple([Type::String, Type::Bool]),
        Value::Tuple(vec![Value::string("a"), Value::Bool(true)]),
    );
    round(
        BTreeMap::from([("k".to_string(), 1i64)]),
        Type::map(Type::Number),
        Value::map([("k", n("1"))]),
    );
    round(Known::<i64>::Unknown, Type::Number, Value::Unknown);
    round(Known::Value(5i64), Type::Number, n("5"));
    round(Some(Known::<String>::Unknown), Type::String, Value::Unknown);
    round(None::<Known<String>>, Type::String, Value::Null);
    round(
        Known::<Option<String>>::Value(None),
        Type::String,
        Value::Null,
    );
    round(
        Some(Zone {
            name: "z".into(),
            replicas: None,
        }),
        Type::object([("name", Type::String), ("replicas", Type::Number)]),
        Value::object([("name", Value::string("z")), ("replicas", Value::Null)]),
    );
}

#[test]
fn nulls_and_unknowns_read_as_the_model_says() {
    #[derive(Debug, PartialEq, Deserialize)]
    struct M {
        a: Option<String>,
        b: Option<Known<String>>,
        c: Known<Option<i64>>,
        #[serde(default)]
        d: Vec<i64>,
    }
    let cases: &[(Value, M)] = &[
        (
            Value::object([
                ("a", Value::Null),
                ("b", Value::Null),
                ("c", Value::Null),
                ("d", Value::Null),
            ]),
            M {
                a: None,
                b: None,
                c: Known::Value(None),
                d: vec![],
            },
        ),
        (
            Value::object([
                ("a", Value::string("x")),
                ("b", Value::Unknown),
                ("c", Value::Unknown),
                ("d", Value::list([n("1")])),
            ]),
            M {
                a: Some("x".into()),
                b: Some(Known::Unknown),
                c: Known::Unknown,
                d: vec![1],
            },
        ),
        (
            Value::object([
                ("b", Value::string("y")),
                ("c", n("2")),
                ("ignored", Value::Unknown),
            ]),
            M {
                a: None,
                b: Some(Known::Value("y".into())),
                c: Known::Value(Some(2)),
                d: vec![],
            },
        ),
    ];
    for (v, want) in cases {
        let got: Result<M, _> = from_value(v);
        // `d: null` is not a list: only `#[serde(default)]` covers a missing attribute.
        if v.get("d").is_some_and(Value::is_null) {
            assert!(got.is_err(), "{v:?}");
            continue;
        }
        assert_eq!(got.as_ref(), Ok(want), "{v:?}");
    }
}

#[test]
fn to_value_fills_absent_attributes_with_null_and_refuses_unknown_fields() {
    #[derive(Serialize)]
    struct Id {
        id: i64,
    }
    let ty = Type::object([
        ("id", Type::Number),
        ("name", Type::String),
        ("zone", Type::list(Type::String)),
    ]);
    assert_eq!(
        to_value(&Id { id: 1 }, &ty),
        Ok(Value::object([
            ("id", n("1")),
            ("name", Value::Null),
            ("zone", Value::Null)
        ]))
    );

    #[derive(Serialize)]
    struct Typo {
        nmae: String,
    }
    let e = to_value(&Typo { nmae: "x".into() }, &ty).err();
    assert_eq!(e.map(|e| e.path_string()), Some("nmae".to_string()));
}

#[test]
fn errors_name_the_attribute_path() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Cluster {
        zone: Vec<Zone>,
        tags: BTreeMap<String, i64>,
        size: Option<u8>,
        primary: Option<Zone>,
        id: i64,
    }
    let zone = |name: Value| Value::object([("name", name), ("replicas", Value::Null)]);
    let good = || {
        Value::object([
            (
                "zone",
                Value::list([zone(Value::string("a")), zone(Value::string("b"))]),
            ),
            ("tags", Value::map([("env", n("1"))])),
            ("size", n("3")),
            ("primary", Value::Null),
            ("id", n("1")),
        ])
    };
    assert!(from_value::<Cluster>(&good()).is_ok());
    let with = |attr: &str, v: Value| {
        let mut g = good();
        if let Value::Object(m) = &mut g {
            m.insert(attr.to_string(), v);
        }
        g
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with(
                "zone",
                Value::list([zone(Value::string("a")), zone(Value::Unknown)]),
            ),
            "zone[1].name",
            "unknown until apply",
        ),
        (
            with("zone", Value::list([zone(Value::Bool(true))])),
            "zone[0].name",
            "expected a string, found a bool",
        ),
        (with("zone", Value::Unknown), "zone", "unknown until apply"),
        (
            with(
                "zone",
                Value::list([Value::object([("replicas", Value::Null)])]),
            ),
            "zone[0]",
            "missing field `name`",
        ),
        (
            with("tags", Value::map([("env", Value::string("x"))])),
            "tags[\"env\"]",
            "expected a number",
        ),
        (
            with("size", n("300")),
            "size",
            "number 300 does not fit in u8",
        ),
        (with("size", n("1.5")), "size", "does not fit in u8"),
        (
            with("id", n("9223372036854775808")),
            "id",
            "does not fit in i64",
        ),
        (
            with("id", Value::Null),
            "id",
            "expected a number, found null",
        ),
        (
            with("primary", Value::string("z")),
            "primary",
            "expected an object, found a string",
        ),
        (Value::Unknown, "", "unknown until apply"),
        (Value::Null, "", "expected an object, found null"),
    ];
    for (v, path, msg) in cases {
        let e = match from_value::<Cluster>(&v) {
            Ok(c) => panic!("{v:?} read as {c:?}"),
            Err(e) => e,
        };
        assert_eq!(e.path_string(), path, "{e}");
        assert!(e.message.contains(msg), "{e}");
        if !path.is_empty() {
            assert!(e.to_string().starts_with(&format!("{path}: ")), "{e}");
        }
    }
}

#[test]
fn to_value_errors_name_the_attribute_path() {
    #[derive(Serialize)]
    struct R {
        ratio: f64,
    }
    #[derive(Serialize)]
    struct T {
        tags: BTreeMap<i64, &'static str>,
    }
    let zone_ty = Type::object([("name", Type::String), ("replicas", Type::Number)]);
    let cases: Vec<(Result<Value, ModelError>, &str, &str)> = vec![
        (
            to_value(
                &BTreeMap::from([("zone", vec![BTreeMap::from([("name", 1i64)])])]),
                &Type::object([("zone", Type::list(zone_ty.clone()))]),
            ),
            "zone[0].name",
            "the model gives a number, the schema wants string",
        ),
        (
            to_value(
                &R { ratio: f64::NAN },
                &Type::object([("ratio", Type::Number)]),
            ),
            "ratio",
            "not a Terraform number",
        ),
        (
            to_value(
                &BTreeMap::from([("pair", (1i64, 2i64, 3i64))]),
                &Type::object([("pair", Type::tuple([Type::Number, Type::Number]))]),
            ),
            "pair",
            "3 elements",
        ),
        (
            to_value(
                &T {
                    tags: BTreeMap::from([(1i64, "x")]),
                },
                &Type::object([("tags", Type::map(Type::String))]),
            ),
            "tags",
            "map keys must be strings",
        ),
        (
            to_value(&"x", &zone_ty),
            "",
            "the model gives a string, the schema wants object",
        ),
    ];
    for (got, path, msg) in cases {
        let e = got.err().unwrap_or_else(|| panic!("no error for {path}"));
        assert_eq!(e.path_string(), path, "{e}");
        assert!(e.message.contains(msg), "{e}");
    }
}

#[test]
fn sets_drop_duplicates_and_read_in_any_order() {
    let v =
        to_value(&vec!["b", "a", "b"], &Type::set(Type::String)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v, Value::set([Value::string("a"), Value::string("b")]));
    assert_eq!(v.elements().len(), 2);
    let back: BTreeSet<String> = from_value(&v).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, BTreeSet::from(["a".to_string(), "b".to_string()]));
}

#[test]
fn numbers_keep_every_digit() {
    for text in [
        "0",
        "-0.000001",
        "18446744073709551616",
        "3.14159265358979323846264338327950288",
        "1e300",
    ] {
        let v = n(text);
        let m: Number = from_value(&v).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(to_value(&m, &Type::Number), Ok(v.clone()), "{text}");
    }
    // Integers read as the widest type that holds them, never rounded.
    assert_eq!(from_value::<u64>(&n("18446744073709551615")), Ok(u64::MAX));
    assert!(from_value::<u64>(&n("18446744073709551616")).is_err());
    assert!(from_value::<u64>(&n("-1")).is_err());
    assert_eq!(
        from_value::<u128>(&n("18446744073709551616")),
        Ok(1u128 << 64)
    );
    assert!(from_value::<i64>(&n("2.5")).is_err());
    assert_eq!(from_value::<f64>(&n("2.5")), Ok(2.5));
}

#[test]
fn enums_of_unit_variants_are_strings() {
    assert_eq!(from_value::<Mode>(&Value::string("ro")), Ok(Mode::ReadOnly));
    let e = from_value::<Mode>(&Value::string("wo")).err();
    assert!(e.is_some_and(|e| e.message.contains("unknown variant")));
    assert_eq!(
        to_value(&Mode::ReadOnly, &Type::String),
        Ok(Value::string("ro"))
    );
}

#[test]
fn dynamic_attributes_take_the_value_as_written() {
    let v = to_value(&vec![BTreeMap::from([("a", 1i64)])], &Type::Dynamic)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v, Value::list([Value::map([("a", n("1"))])]));
}
