//! cty JSON codec: `DynamicValue.json` and `RawState.json` (`tfplugin5.md` §3.3).
//!
//! * object → JSON object; on decode missing attributes are null, unknown names are an error.
//! * list/set/tuple → array, map → object, null → `null`.
//! * numbers are arbitrary precision both ways (the JSON number text is parsed as a decimal,
//!   never through `f64`), written in plain decimal form.
//! * a value whose schema type is `dynamic` → `{"value": <value>, "type": <type JSON>}`.
//! * unknown values cannot be represented: encoding one is an error.
//!
//! Like go-cty, decoding is lenient for primitives: a string attribute accepts a JSON number or
//! bool (kept as its text), a number accepts a decimal string, a bool accepts `"true"`/`"false"`.

use std::collections::BTreeMap;

use serde_json::Value as J;

use super::encode::{encode, Writer};
use super::{
    at_index, check_depth, mismatch, quote_excerpt, sequence, tuple_length, unsupported_attribute,
    write_json_string, CodecError, Number, PathStep, Type, Value,
};

/// Decodes cty JSON of type `ty`. Fails on invalid JSON (including trailing data), values not
/// conforming to `ty` and nesting deeper than [`MAX_DEPTH`](super::MAX_DEPTH). Never yields `Value::Unknown`.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let json: J =
        serde_json::from_slice(bytes).map_err(|e| CodecError::new(format!("invalid JSON: {e}")))?;
    decode(&json, ty, 0)
}

/// Encodes `v` as compact cty JSON for type `ty`. Fails on any `Value::Unknown` (JSON cannot
/// carry unknowns) and on values not conforming to `ty` (see
/// [`encode_msgpack`](super::encode_msgpack) for the rules).
pub fn encode_json(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut out = String::new();
    encode(v, ty, &mut out, 0)?;
    Ok(out.into_bytes())
}

fn found(json: &J) -> &'static str {
    match json {
        J::Null => "null",
        J::Bool(_) => "a bool",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Array(_) => "an array",
        J::Object(_) => "an object",
    }
}

fn decode(json: &J, ty: &Type, depth: usize) -> Result<Value, CodecError> {
    if json.is_null() {
        return Ok(Value::Null);
    }
    check_depth(ty, depth)?;
    match ty {
        Type::String => match json {
            J::String(s) => Ok(Value::String(s.clone())),
            J::Number(n) => Ok(Value::String(n.to_string())),
            J::Bool(b) => Ok(Value::String(b.to_string())),
            other => Err(mismatch(ty, found(other))),
        },
        Type::Number => match json {
            J::Number(n) => {
                let text = n.to_string();
                Number::parse(&text).map(Value::Number).ok_or_else(|| {
                    CodecError::new(format!(
                        "number {} exceeds the supported precision",
                        quote_excerpt(&text)
                    ))
                })
            }
            J::String(s) => Number::parse(s).map(Value::Number).ok_or_else(|| {
                CodecError::new(format!(
                    "number is required, found the string {} which is not a decimal number",
                    quote_excerpt(s)
                ))
            }),
            other => Err(mismatch(ty, found(other))),
        },
        Type::Bool => match json {
            J::Bool(b) => Ok(Value::Bool(*b)),
            J::String(s) if s == "true" => Ok(Value::Bool(true)),
            J::String(s) if s == "false" => Ok(Value::Bool(false)),
            other => Err(mismatch(ty, found(other))),
        },
        Type::Dynamic => {
            let J::Object(fields) = json else {
                return Err(CodecError::new(format!(
                    "a dynamically-typed value must be a {{\"value\": ..., \"type\": ...}} \
                     object, found {}",
                    found(json)
                )));
            };
            if let Some(key) = fields.keys().find(|k| *k != "value" && *k != "type") {
                return Err(CodecError::new(format!(
                    "invalid key {} in dynamically-typed value",
                    quote_excerpt(key)
                )));
            }
            let type_json = fields
                .get("type")
                .ok_or_else(|| CodecError::new("missing type in dynamically-typed value"))?;
            let value_json = fields
                .get("value")
                .ok_or_else(|| CodecError::new("missing value in dynamically-typed value"))?;
            let inner = Type::from_json_value(type_json)?;
            decode(value_json, &inner, depth + 1)
        }
        Type::List(e) | Type::Set(e) => {
            let J::Array(items) = json else {
                return Err(mismatch(ty, found(json)));
            };
            let elems = items.iter().enumerate();
            let elems = elems.map(|(i, item)| decode(item, e, depth + 1).map_err(at_index(i)));
            Ok(sequence(ty, elems.collect::<Result<_, _>>()?))
        }
        Type::Tuple(types) => {
            let J::Array(items) = json else {
                return Err(mismatch(ty, found(json)));
            };
            tuple_length(types.len(), items.len())?;
            let elems = items.iter().zip(types).enumerate();
            let elems = elems.map(|(i, (item, t))| decode(item, t, depth + 1).map_err(at_index(i)));
            Ok(Value::Tuple(elems.collect::<Result<_, _>>()?))
        }
        Type::Map(e) => {
            let J::Object(fields) = json else {
                return Err(mismatch(ty, found(json)));
            };
            let mut entries = BTreeMap::new();
            for (k, item) in fields {
                let v = decode(item, e, depth + 1)
                    .map_err(|err| err.prefixed(PathStep::Key(k.clone())))?;
                entries.insert(k.clone(), v);
            }
            Ok(Value::Map(entries))
        }
        Type::Object(attrs) => {
            let J::Object(fields) = json else {
                return Err(mismatch(ty, found(json)));
            };
            if let Some(extra) = fields.keys().find(|k| !attrs.contains_key(k.as_str())) {
                return Err(unsupported_attribute(extra));
            }
            let mut values = BTreeMap::new();
            for (name, aty) in attrs {
                let v = match fields.get(name) {
                    Some(item) => decode(item, aty, depth + 1)
                        .map_err(|err| err.prefixed(PathStep::Attr(name.clone())))?,
                    None => Value::Null,
                };
                values.insert(name.clone(), v);
            }
            Ok(Value::Object(values))
        }
    }
}

/// cty JSON, written into a string.
impl Writer for String {
    fn unknown(&mut self) -> Result<(), CodecError> {
        Err(CodecError::new(
            "value is not known (unknown values cannot be encoded as JSON)",
        ))
    }
    fn null(&mut self) {
        self.push_str("null");
    }
    fn string(&mut self, s: &str) -> Result<(), CodecError> {
        write_json_string(self, s);
        Ok(())
    }
    fn number(&mut self, n: &Number) -> Result<(), CodecError> {
        self.push_str(&n.to_string());
        Ok(())
    }
    fn bool(&mut self, b: bool) -> Result<(), CodecError> {
        self.push_str(if b { "true" } else { "false" });
        Ok(())
    }
    fn dynamic(
        &mut self,
        ty: &Type,
        value: impl FnOnce(&mut Self) -> Result<(), CodecError>,
    ) -> Result<(), CodecError> {
        self.push_str("{\"value\":");
        value(self)?;
        self.push_str(",\"type\":");
        self.push_str(&ty.to_json());
        self.push('}');
        Ok(())
    }
    fn start_seq(&mut self, _len: usize) -> Result<(), CodecError> {
        self.push('[');
        Ok(())
    }
    fn start_map(&mut self, _len: usize) -> Result<(), CodecError> {
        self.push('{');
        Ok(())
    }
    fn element(&mut self, i: usize) {
        if i > 0 {
            self.push(',');
        }
    }
    fn key(&mut self, i: usize, key: &str) -> Result<(), CodecError> {
        self.element(i);
        write_json_string(self, key);
        self.push(':');
        Ok(())
    }
    fn end_seq(&mut self) {
        self.push(']');
    }
    fn end_map(&mut self) {
        self.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_strategies::{
        arb_type, arb_typed_value, example, example_type, num, without_unknowns,
    };
    use super::*;
    use crate::value::MAX_DEPTH;
    use proptest::prelude::*;

    fn golden(v: Value, ty: Type, expected: &str) {
        let got = encode_json(&v, &ty).expect("encodes");
        assert_eq!(String::from_utf8_lossy(&got), expected, "encoding {v:?}");
        assert_eq!(
            decode_json(expected.as_bytes(), &ty),
            Ok(v),
            "decoding {expected}"
        );
    }

    #[test]
    fn reference_object_example_encodes_as_compact_json() {
        golden(
            example(
                Value::from("x"),
                Value::from_i64(3),
                Value::map([("k", Value::from("v\"\n"))]),
            ),
            example_type(),
            r#"{"id":"x","size":3,"tags":{"k":"v\"\n"}}"#,
        );
        golden(
            example(Value::Null, Value::Null, Value::Null),
            example_type(),
            r#"{"id":null,"size":null,"tags":null}"#,
        );
    }

    #[test]
    fn every_kind_encodes_as_cty_json() {
        golden(Value::Bool(true), Type::Bool, "true");
        golden(num("0.1"), Type::Number, "0.1");
        golden(num("-12.5"), Type::Number, "-12.5");
        golden(
            Value::from_u64(u64::MAX),
            Type::Number,
            "18446744073709551615",
        );
        golden(
            Value::list([Value::from("a"), Value::Null]),
            Type::list(Type::String),
            r#"["a",null]"#,
        );
        golden(
            Value::set([Value::from_i64(2), Value::from_i64(1)]),
            Type::set(Type::Number),
            "[2,1]",
        );
        golden(
            Value::Tuple(vec![Value::from("a"), Value::Bool(false)]),
            Type::tuple([Type::String, Type::Bool]),
            r#"["a",false]"#,
        );
        golden(Value::Null, Type::Dynamic, "null");
    }

    #[test]
    fn big_numbers_keep_full_precision() {
        let text = "123456789012345678901234567890.000000000000000000000001";
        golden(num(text), Type::Number, text);
        assert_eq!(
            decode_json(b"1e400", &Type::Number),
            Ok(num(&format!("1{}", "0".repeat(400))))
        );
        assert_eq!(decode_json(b"-0.0", &Type::Number), Ok(Value::from_i64(0)));
        assert!(decode_json(b"1e99999", &Type::Number).is_err());
    }

    #[test]
    fn dynamic_values_carry_value_and_type() {
        golden(
            Value::from("x"),
            Type::Dynamic,
            r#"{"value":"x","type":"string"}"#,
        );
        golden(
            Value::object([("a", Value::list([Value::from_i64(1)]))]),
            Type::object([("a", Type::Dynamic)]),
            r#"{"a":{"value":[1],"type":["list","number"]}}"#,
        );
        // key order does not matter on decode
        assert_eq!(
            decode_json(br#"{"type":"number","value":5}"#, &Type::Dynamic),
            Ok(Value::from_i64(5))
        );
        assert!(decode_json(br#"{"type":"number"}"#, &Type::Dynamic).is_err());
        assert!(decode_json(br#"{"value":5}"#, &Type::Dynamic).is_err());
        assert!(decode_json(br#"{"value":5,"type":"number","x":1}"#, &Type::Dynamic).is_err());
        assert!(decode_json(b"5", &Type::Dynamic).is_err());
    }

    #[test]
    fn missing_attributes_decode_as_null() {
        assert_eq!(
            decode_json(br#"{"id":"x"}"#, &example_type()),
            Ok(example(Value::from("x"), Value::Null, Value::Null))
        );
    }

    #[test]
    fn unsupported_attributes_are_rejected() {
        let e = decode_json(br#"{"id":"x","nope":1}"#, &example_type()).unwrap_err();
        assert_eq!(e.message, "unsupported attribute \"nope\"");
    }

    #[test]
    fn primitives_are_converted_leniently_like_cty() {
        assert_eq!(
            decode_json(b"12.50", &Type::String),
            Ok(Value::from("12.50"))
        );
        assert_eq!(decode_json(b"true", &Type::String), Ok(Value::from("true")));
        assert_eq!(
            decode_json(br#""1e2""#, &Type::Number),
            Ok(Value::from_i64(100))
        );
        assert_eq!(
            decode_json(br#""false""#, &Type::Bool),
            Ok(Value::Bool(false))
        );
        assert!(decode_json(br#""yes""#, &Type::Bool).is_err());
        assert!(decode_json(br#""abc""#, &Type::Number).is_err());
    }

    #[test]
    fn wrong_kinds_are_rejected_with_their_path() {
        let ty = Type::object([("zones", Type::list(Type::object([("name", Type::String)])))]);
        let e = decode_json(br#"{"zones":[{"name":"a"},{"name":[]}]}"#, &ty).unwrap_err();
        assert_eq!(
            e.to_string(),
            ".zones[1].name: string is required, found an array"
        );
        let e = decode_json(br#"{"k":{}}"#, &Type::map(Type::Number)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "[\"k\"]: number is required, found an object"
        );
        assert!(decode_json(b"[1,2]", &Type::tuple([Type::Number])).is_err());
        assert!(decode_json(b"{}", &Type::list(Type::Number)).is_err());
        assert!(decode_json(b"[]", &example_type()).is_err());
    }

    #[test]
    fn malformed_json_is_rejected() {
        for bad in [&b""[..], b"{", b"[1,]", b"nul", b"1 2", b"\"\\x\"", b"\xff"] {
            assert!(decode_json(bad, &Type::Dynamic).is_err());
            assert!(decode_json(bad, &Type::list(Type::Number)).is_err());
        }
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_rejected() {
        let nest = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        let ty = |n: usize| (0..n).fold(Type::Number, |t, _| Type::list(t));
        assert!(decode_json(nest(MAX_DEPTH).as_bytes(), &ty(MAX_DEPTH)).is_ok());
        assert!(decode_json(nest(MAX_DEPTH + 1).as_bytes(), &ty(MAX_DEPTH + 1)).is_err());
        assert!(decode_json(nest(100_000).as_bytes(), &ty(2)).is_err());
    }

    #[test]
    fn unknown_values_cannot_be_encoded() {
        let v = example(Value::Unknown, Value::from_i64(3), Value::Null);
        let e = encode_json(&v, &example_type()).unwrap_err();
        assert_eq!(e.path, vec![PathStep::Attr("id".into())]);
    }

    #[test]
    fn encoding_rejects_incomplete_objects() {
        let v = Value::object([("id", Value::from("x"))]);
        let e = encode_json(&v, &example_type()).unwrap_err();
        assert_eq!(e.path, vec![PathStep::Attr("size".into())]);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn random_known_values_round_trip_through_json((ty, v) in arb_typed_value()) {
            let v = without_unknowns(&v);
            let bytes = encode_json(&v, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(decode_json(&bytes, &ty), Ok(v));
        }

        #[test]
        fn values_with_unknowns_fail_json_encoding((ty, v) in arb_typed_value()) {
            prop_assert_eq!(encode_json(&v, &ty).is_ok(), v.is_wholly_known());
        }

        #[test]
        fn decoding_random_json_never_panics(
            ty in arb_type(true),
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b'['), Just(b']'), Just(b'{'), Just(b'}'), Just(b'"'), Just(b':'),
                    Just(b','), Just(b'1'), Just(b'e'), Just(b'.'), Just(b'-'), Just(b'n'),
                    any::<u8>(),
                ],
                0..48,
            ),
        ) {
            let _ = decode_json(&bytes, &ty);
        }
    }
}
