//! Helpers shared by the fuzz targets: turning the first bytes of a fuzz input into a cty
//! [`Type`], and the round-trip checks both value codecs must pass.

use terraform_provider_ocp::value::{
    decode_json, decode_msgpack, encode_json, encode_msgpack, CodecError, Type, Value,
};

/// Attribute names the generated object types draw from (short, so the fuzzer finds them).
const NAMES: [&str; 8] = ["a", "b", "id", "name", "tags", "zones", "value", "é\"q"];

/// Selector bytes below this pick one of [`fixed_types`]; the rest build a type from the
/// following bytes (see [`gen_type`]).
pub const FIXED_LIMIT: u8 = 0xc0;

/// Realistic types: primitives, collections, an object with attributes that are usually null,
/// a tuple, `dynamic`, and a resource-like schema with nested blocks.
pub fn fixed_types() -> Vec<Type> {
    let zone = Type::object([
        ("name", Type::String),
        ("region", Type::String),
        ("replica_type", Type::String),
        ("servers", Type::set(Type::String)),
    ]);
    let resource = Type::object([
        ("id", Type::String),
        ("name", Type::String),
        ("cluster_id", Type::Number),
        ("root_password", Type::String),
        ("parameters", Type::map(Type::String)),
        ("zones", Type::list(zone)),
        (
            "timeouts",
            Type::object([("create", Type::String), ("delete", Type::String)]),
        ),
        ("extra", Type::Dynamic),
    ]);
    vec![
        Type::String,
        Type::Number,
        Type::Bool,
        Type::list(Type::String),
        Type::set(Type::Number),
        Type::map(Type::String),
        Type::object([
            ("a", Type::String),
            ("b", Type::Number),
            ("c", Type::Bool),
            ("tags", Type::map(Type::String)),
        ]),
        Type::tuple([Type::String, Type::Number, Type::Bool]),
        Type::Dynamic,
        resource,
        Type::list(Type::object([
            ("name", Type::String),
            ("value", Type::Dynamic),
        ])),
        Type::set(Type::object([("k", Type::String), ("v", Type::Number)])),
        Type::map(Type::list(Type::Number)),
        Type::object::<&str>([]),
        Type::tuple([]),
        Type::set(Type::set(Type::String)),
        Type::list(Type::tuple([Type::String, Type::Dynamic])),
        Type::set(Type::Dynamic),
    ]
}

fn next(bytes: &mut &[u8]) -> u8 {
    match bytes.split_first() {
        Some((&b, rest)) => {
            *bytes = rest;
            b
        }
        None => 0,
    }
}

/// Builds a type from a prefix of `bytes` (consumed), at most `depth` levels deep.
pub fn gen_type(bytes: &mut &[u8], depth: usize) -> Type {
    let b = next(bytes);
    let kind = if depth == 0 { b % 4 } else { b % 9 };
    match kind {
        0 => Type::String,
        1 => Type::Number,
        2 => Type::Bool,
        3 => Type::Dynamic,
        4 => Type::list(gen_type(bytes, depth - 1)),
        5 => Type::set(gen_type(bytes, depth - 1)),
        6 => Type::map(gen_type(bytes, depth - 1)),
        7 => {
            let n = next(bytes) % 5;
            let mut attrs = std::collections::BTreeMap::new();
            for _ in 0..n {
                let name = NAMES[usize::from(next(bytes)) % NAMES.len()];
                let t = gen_type(bytes, depth - 1);
                attrs.insert(name.to_owned(), t);
            }
            Type::Object(attrs)
        }
        _ => {
            let n = next(bytes) % 4;
            Type::Tuple((0..n).map(|_| gen_type(bytes, depth - 1)).collect())
        }
    }
}

/// Splits a fuzz input into a type and the payload to decode: the first byte selects a fixed
/// type (below [`FIXED_LIMIT`]) or says the type is built from the next bytes.
pub fn split_input(data: &[u8]) -> Option<(Type, &[u8])> {
    let (&sel, mut rest) = data.split_first()?;
    if sel < FIXED_LIMIT {
        let fixed = fixed_types();
        let ty = fixed[usize::from(sel) % fixed.len()].clone();
        Some((ty, rest))
    } else {
        let ty = gen_type(&mut rest, 5);
        Some((ty, rest))
    }
}

/// One codec, for the shared checks.
#[derive(Clone, Copy, Debug)]
pub enum Codec {
    /// cty MessagePack.
    Msgpack,
    /// cty JSON.
    Json,
}

impl Codec {
    /// Decodes with this codec.
    pub fn decode(self, bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
        match self {
            Codec::Msgpack => decode_msgpack(bytes, ty),
            Codec::Json => decode_json(bytes, ty),
        }
    }

    /// Encodes with this codec.
    pub fn encode(self, v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
        match self {
            Codec::Msgpack => encode_msgpack(v, ty),
            Codec::Json => encode_json(v, ty),
        }
    }
}

/// The round-trip properties of a value `v` that `codec` decoded as `ty`:
///
/// * without `dynamic` in `ty`, re-encoding always succeeds (JSON: unless `v` holds an unknown,
///   which only msgpack can decode);
/// * with `dynamic`, re-encoding may fail (a dynamic collection whose elements decoded with
///   different concrete types has no single implied type), but when it succeeds:
/// * decoding the re-encoding gives a value equal to `v`, and encoding that again gives the
///   same bytes (encodings are canonical).
pub fn check_round_trip(codec: Codec, v: &Value, ty: &Type) {
    let bytes = match codec.encode(v, ty) {
        Ok(b) => b,
        Err(e) => {
            let json_unknown = matches!(codec, Codec::Json) && !v.is_wholly_known();
            assert!(
                ty.contains_dynamic() || json_unknown,
                "{codec:?}: a decoded value of type {} does not re-encode: {e}\nvalue: {v:?}",
                ty.to_json()
            );
            return;
        }
    };
    let again = match codec.decode(&bytes, ty) {
        Ok(x) => x,
        Err(e) => panic!(
            "{codec:?}: the re-encoding of a decoded value does not decode: {e}\ntype: {}\n\
             value: {v:?}\nbytes: {bytes:02x?}",
            ty.to_json()
        ),
    };
    assert_eq!(
        &again,
        v,
        "{codec:?}: round trip changed the value (type {}, bytes {bytes:02x?})",
        ty.to_json()
    );
    let bytes2 = codec
        .encode(&again, ty)
        .unwrap_or_else(|e| panic!("{codec:?}: second encoding failed: {e}"));
    assert_eq!(
        bytes2,
        bytes,
        "{codec:?}: encoding is not canonical (type {})",
        ty.to_json()
    );
}
