//! cty MessagePack codec: what Terraform puts in `DynamicValue.msgpack` (`tfplugin5.md` §3.2).
//!
//! * null → `nil` for every type; unknown → ext `d4 00 00` (any extension decodes as unknown).
//! * numbers → the smallest int when an exact `i64` (uint64 beyond), else float64 when exactly
//!   representable, else the decimal string; decoding accepts every int/uint/float width and
//!   decimal strings.
//! * list/set/tuple → array, map → map, object → map of exactly the type's attributes (keys
//!   sorted bytewise on encode).
//! * a known value whose schema type is `dynamic` → `[type JSON as bin, value]`.
//!
//! The decoder never panics, checks every declared length against the remaining input before
//! using it, limits nesting to [`MAX_DEPTH`](super::MAX_DEPTH) and rejects trailing bytes.

use std::collections::BTreeMap;

use super::encode::{encode, Writer};
use super::{
    at_index, check_depth, mismatch, quote_excerpt, sequence, tuple_length, unsupported_attribute,
    CodecError, Number, PathStep, Type, Value,
};

/// The bytes Terraform writes for an unknown value: fixext1, type 0, data 0.
const UNKNOWN: [u8; 3] = [0xd4, 0x00, 0x00];

/// Decodes a msgpack value of type `ty`. Fails on malformed input, values not conforming to
/// `ty`, nesting deeper than [`MAX_DEPTH`](super::MAX_DEPTH) and trailing bytes; an empty input is an error (the
/// protocol layer decides what an empty `DynamicValue` means).
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let mut r = Reader { buf: bytes };
    let v = r.value(ty, 0)?;
    if !r.buf.is_empty() {
        return Err(CodecError::new(format!(
            "{} unexpected trailing byte(s) after the value",
            r.buf.len()
        )));
    }
    Ok(v)
}

/// Encodes `v` as msgpack for type `ty`. Fails when `v` does not conform to `ty`: wrong
/// shape, an object lacking one of its type's attributes (objects must always be complete,
/// absent values as `Value::Null`) or carrying an extra one, a tuple of the wrong length, or a
/// value under `dynamic` whose collections mix element types.
pub fn encode_msgpack(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::new();
    encode(v, ty, &mut out, 0)?;
    Ok(out)
}

struct Reader<'a> {
    /// The input not yet consumed.
    buf: &'a [u8],
}

fn eof() -> CodecError {
    CodecError::new("unexpected end of msgpack input")
}

/// What a marker byte introduces, for error messages.
fn describe(marker: u8) -> &'static str {
    match marker {
        0x00..=0x7f | 0xcc..=0xd3 | 0xe0..=0xff => "an integer",
        0x80..=0x8f | 0xde | 0xdf => "a map",
        0x90..=0x9f | 0xdc | 0xdd => "an array",
        0xa0..=0xbf | 0xd9..=0xdb => "a string",
        0xc0 => "nil",
        0xc1 => "the reserved byte 0xc1",
        0xc2 | 0xc3 => "a bool",
        0xc4..=0xc6 => "binary data",
        0xc7..=0xc9 | 0xd4..=0xd8 => "an extension",
        0xca | 0xcb => "a float",
    }
}

fn is_ext(marker: u8) -> bool {
    matches!(marker, 0xc7..=0xc9 | 0xd4..=0xd8)
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Result<u8, CodecError> {
        self.buf.first().copied().ok_or_else(eof)
    }

    fn byte(&mut self) -> Result<u8, CodecError> {
        let (&b, rest) = self.buf.split_first().ok_or_else(eof)?;
        self.buf = rest;
        Ok(b)
    }

    /// Consumes `n` bytes, failing (before anything is allocated) when fewer remain.
    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        if n > self.buf.len() {
            return Err(CodecError::new(format!(
                "declared length {n} exceeds the {} remaining input byte(s)",
                self.buf.len()
            )));
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        <[u8; N]>::try_from(self.take(N)?).map_err(|_| eof())
    }

    fn len8(&mut self) -> Result<usize, CodecError> {
        Ok(usize::from(self.byte()?))
    }

    fn len16(&mut self) -> Result<usize, CodecError> {
        Ok(usize::from(u16::from_be_bytes(self.array()?)))
    }

    fn len32(&mut self) -> Result<usize, CodecError> {
        usize::try_from(u32::from_be_bytes(self.array()?))
            .map_err(|_| CodecError::new("declared length does not fit in memory"))
    }

    /// Skips one extension value (the marker is the next byte).
    fn skip_ext(&mut self) -> Result<(), CodecError> {
        let data_len = match self.byte()? {
            0xd4 => 1,
            0xd5 => 2,
            0xd6 => 4,
            0xd7 => 8,
            0xd8 => 16,
            0xc7 => self.len8()?,
            0xc8 => self.len16()?,
            0xc9 => self.len32()?,
            other => {
                return Err(CodecError::new(format!(
                    "{} is not an extension",
                    describe(other)
                )))
            }
        };
        self.byte()?; // extension type id
        self.take(data_len)?;
        Ok(())
    }

    /// If the next item is a str or bin, consumes it and returns its bytes.
    fn str_or_bin(&mut self) -> Result<Option<&'a [u8]>, CodecError> {
        let len = match self.peek()? {
            m @ 0xa0..=0xbf => {
                self.byte()?;
                usize::from(m & 0x1f)
            }
            0xd9 | 0xc4 => {
                self.byte()?;
                self.len8()?
            }
            0xda | 0xc5 => {
                self.byte()?;
                self.len16()?
            }
            0xdb | 0xc6 => {
                self.byte()?;
                self.len32()?
            }
            _ => return Ok(None),
        };
        self.take(len).map(Some)
    }

    /// Reads a str/bin as UTF-8 text; `what` names the expected item for the error.
    fn text(&mut self, what: &str) -> Result<&'a str, CodecError> {
        let marker = self.peek()?;
        let bytes = self.str_or_bin()?.ok_or_else(|| {
            CodecError::new(format!("{what} is required, found {}", describe(marker)))
        })?;
        std::str::from_utf8(bytes)
            .map_err(|_| CodecError::new(format!("{what} is not valid UTF-8")))
    }

    /// Reads the length of an array or map header: the fix form (`fix` with the length in the
    /// low four bits) or the 16- and 32-bit forms (markers `wide` and `wide + 1`).
    fn header_len(&mut self, ty: &Type, fix: u8, wide: u8) -> Result<usize, CodecError> {
        let m = self.peek()?;
        if m & 0xf0 != fix && m != wide && m != wide + 1 {
            return Err(mismatch(ty, describe(m)));
        }
        self.byte()?;
        match m {
            _ if m == wide => self.len16(),
            _ if m == wide + 1 => self.len32(),
            _ => Ok(usize::from(m & 0x0f)),
        }
    }

    /// Reads an array header; the length is checked against the remaining input (every
    /// element takes at least one byte).
    fn array_len(&mut self, ty: &Type) -> Result<usize, CodecError> {
        let len = self.header_len(ty, 0x90, 0xdc)?;
        if len > self.buf.len() {
            return Err(CodecError::new(format!(
                "declared array length {len} exceeds the {} remaining input byte(s)",
                self.buf.len()
            )));
        }
        Ok(len)
    }

    /// Reads a map header; the length is checked against the remaining input (every entry
    /// takes at least two bytes).
    fn map_len(&mut self, ty: &Type) -> Result<usize, CodecError> {
        let len = self.header_len(ty, 0x80, 0xde)?;
        if len > self.buf.len() / 2 {
            return Err(CodecError::new(format!(
                "declared map length {len} exceeds what the {} remaining input byte(s) can hold",
                self.buf.len()
            )));
        }
        Ok(len)
    }

    /// The `len` entries of a map or object at nesting `depth`: each key (`key.0` names it in
    /// errors), the type of its value (`ty_of`, which may refuse the key) and the value, whose
    /// errors get the path step `step` of the key; a repeated key is an error naming `key.1`.
    fn entries<'t>(
        &mut self,
        len: usize,
        depth: usize,
        key: (&str, &str),
        ty_of: impl Fn(&str) -> Result<&'t Type, CodecError>,
        step: fn(String) -> PathStep,
    ) -> Result<BTreeMap<String, Value>, CodecError> {
        let mut entries = BTreeMap::new();
        for _ in 0..len {
            let k = self.text(key.0)?;
            let v = self.value(ty_of(k)?, depth + 1);
            let v = v.map_err(|err| err.prefixed(step(k.to_owned())))?;
            if entries.insert(k.to_owned(), v).is_some() {
                let dup = format!("duplicate {} {}", key.1, quote_excerpt(k));
                return Err(CodecError::new(dup));
            }
        }
        Ok(entries)
    }

    fn value(&mut self, ty: &Type, depth: usize) -> Result<Value, CodecError> {
        let marker = self.peek()?;
        if is_ext(marker) {
            self.skip_ext()?;
            return Ok(Value::Unknown);
        }
        if marker == 0xc0 {
            self.byte()?;
            return Ok(Value::Null);
        }
        check_depth(ty, depth)?;
        match ty {
            Type::String => Ok(Value::String(self.text("string")?.to_owned())),
            Type::Bool => match self.byte()? {
                0xc2 => Ok(Value::Bool(false)),
                0xc3 => Ok(Value::Bool(true)),
                other => Err(mismatch(ty, describe(other))),
            },
            Type::Number => self.number().map(Value::Number),
            Type::Dynamic => {
                let len = self.array_len(&Type::Dynamic).map_err(|e| CodecError {
                    message: format!(
                        "{} (a dynamic value must be a [type, value] array)",
                        e.message
                    ),
                    ..e
                })?;
                if len != 2 {
                    return Err(CodecError::new(
                        "dynamic value array must have exactly two elements",
                    ));
                }
                let type_json = match self.str_or_bin()? {
                    Some(b) => b,
                    None => {
                        return Err(CodecError::new(
                            "the type of a dynamic value must be type JSON in bin or str",
                        ))
                    }
                };
                let inner = Type::from_json(type_json)?;
                self.value(&inner, depth + 1)
            }
            Type::List(e) | Type::Set(e) => {
                let len = self.array_len(ty)?;
                let elems = (0..len).map(|i| self.value(e, depth + 1).map_err(at_index(i)));
                Ok(sequence(ty, elems.collect::<Result<_, _>>()?))
            }
            Type::Tuple(types) => {
                let len = self.array_len(ty)?;
                tuple_length(types.len(), len)?;
                let elems = types.iter().enumerate();
                let elems = elems.map(|(i, t)| self.value(t, depth + 1).map_err(at_index(i)));
                Ok(Value::Tuple(elems.collect::<Result<_, _>>()?))
            }
            Type::Map(e) => {
                let len = self.map_len(ty)?;
                let key = ("a map key string", "map key");
                Ok(Value::Map(self.entries(
                    len,
                    depth,
                    key,
                    |_| Ok(e),
                    PathStep::Key,
                )?))
            }
            Type::Object(attrs) => {
                let len = self.map_len(ty)?;
                if len != attrs.len() {
                    return Err(CodecError::new(format!(
                        "an object with {} attributes is required ({len} given)",
                        attrs.len()
                    )));
                }
                let key = ("an attribute name string", "attribute");
                let ty_of = |k: &str| attrs.get(k).ok_or_else(|| unsupported_attribute(k));
                Ok(Value::Object(self.entries(
                    len,
                    depth,
                    key,
                    ty_of,
                    PathStep::Attr,
                )?))
            }
        }
    }

    fn number(&mut self) -> Result<Number, CodecError> {
        let marker = self.peek()?;
        if let Some(bytes) = self.str_or_bin()? {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| CodecError::new("number is required, found invalid UTF-8"))?;
            return Number::parse(text).ok_or_else(|| {
                CodecError::new(format!(
                    "number is required, found the string {} which is not a decimal number \
                     (or exceeds the supported precision)",
                    quote_excerpt(text)
                ))
            });
        }
        self.byte()?;
        Ok(match marker {
            0x00..=0x7f => Number::from_i64(i64::from(marker)),
            0xe0..=0xff => Number::from_i64(i64::from(i8::from_be_bytes([marker]))),
            0xcc => Number::from_u64(u64::from(self.byte()?)),
            0xcd => Number::from_u64(u64::from(u16::from_be_bytes(self.array()?))),
            0xce => Number::from_u64(u64::from(u32::from_be_bytes(self.array()?))),
            0xcf => Number::from_u64(u64::from_be_bytes(self.array()?)),
            0xd0 => Number::from_i64(i64::from(i8::from_be_bytes(self.array()?))),
            0xd1 => Number::from_i64(i64::from(i16::from_be_bytes(self.array()?))),
            0xd2 => Number::from_i64(i64::from(i32::from_be_bytes(self.array()?))),
            0xd3 => Number::from_i64(i64::from_be_bytes(self.array()?)),
            0xca => float(f64::from(f32::from_be_bytes(self.array()?)))?,
            0xcb => float(f64::from_be_bytes(self.array()?))?,
            other => return Err(mismatch(&Type::Number, describe(other))),
        })
    }
}

fn float(f: f64) -> Result<Number, CodecError> {
    Number::from_f64_exact(f).ok_or_else(|| {
        CodecError::new(format!(
            "number is required, found the float {f} (infinities and NaN are not supported)"
        ))
    })
}

fn write_err<E: std::fmt::Debug>(e: E) -> CodecError {
    CodecError::new(format!("msgpack write failed: {e:?}"))
}

fn len32(len: usize) -> Result<u32, CodecError> {
    u32::try_from(len).map_err(|_| CodecError::new("too long for msgpack (over 2^32-1 items)"))
}

fn write_str(out: &mut Vec<u8>, s: &str) -> Result<(), CodecError> {
    len32(s.len())?;
    rmp::encode::write_str(out, s).map_err(write_err)
}

fn write_number(out: &mut Vec<u8>, n: &Number) -> Result<(), CodecError> {
    if let Some(i) = n.to_i64() {
        rmp::encode::write_sint(out, i).map_err(write_err)?;
    } else if let Some(u) = n.to_u64() {
        rmp::encode::write_uint(out, u).map_err(write_err)?;
    } else if let Some(f) = n.exact_f64() {
        rmp::encode::write_f64(out, f).map_err(write_err)?;
    } else {
        write_str(out, &n.to_string())?;
    }
    Ok(())
}

/// msgpack, written into a byte vector.
impl Writer for Vec<u8> {
    fn unknown(&mut self) -> Result<(), CodecError> {
        self.extend_from_slice(&UNKNOWN);
        Ok(())
    }
    fn null(&mut self) {
        self.push(0xc0);
    }
    fn string(&mut self, s: &str) -> Result<(), CodecError> {
        write_str(self, s)
    }
    fn number(&mut self, n: &Number) -> Result<(), CodecError> {
        write_number(self, n)
    }
    fn bool(&mut self, b: bool) -> Result<(), CodecError> {
        rmp::encode::write_bool(self, b).map_err(write_err)
    }
    fn dynamic(
        &mut self,
        ty: &Type,
        value: impl FnOnce(&mut Self) -> Result<(), CodecError>,
    ) -> Result<(), CodecError> {
        rmp::encode::write_array_len(self, 2).map_err(write_err)?;
        rmp::encode::write_bin(self, ty.to_json().as_bytes()).map_err(write_err)?;
        value(self)
    }
    fn start_seq(&mut self, len: usize) -> Result<(), CodecError> {
        rmp::encode::write_array_len(self, len32(len)?).map_err(write_err)?;
        Ok(())
    }
    fn start_map(&mut self, len: usize) -> Result<(), CodecError> {
        rmp::encode::write_map_len(self, len32(len)?).map_err(write_err)?;
        Ok(())
    }
    fn element(&mut self, _i: usize) {}
    fn key(&mut self, _i: usize, key: &str) -> Result<(), CodecError> {
        write_str(self, key)
    }
    fn end_seq(&mut self) {}
    fn end_map(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::super::test_strategies::{arb_type, arb_typed_value, example, example_type, num};
    use super::*;
    use crate::value::MAX_DEPTH;
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).expect("test hex"))
            .collect()
    }

    /// Encodes, compares with the golden hex, and decodes the golden bytes back.
    fn golden(v: Value, ty: Type, expected_hex: &str) {
        let expected = hex(expected_hex);
        let got = encode_msgpack(&v, &ty).expect("encodes");
        assert_eq!(got, expected, "encoding {v:?} as {ty:?}");
        assert_eq!(
            decode_msgpack(&expected, &ty),
            Ok(v),
            "decoding {expected_hex}"
        );
    }

    #[test]
    fn reference_object_example_encodes_to_the_documented_bytes() {
        let v = example(Value::from("x"), Value::from_i64(3), Value::Null);
        golden(
            v,
            example_type(),
            "83 a2 69 64 a1 78 a4 73 69 7a 65 03 a4 74 61 67 73 c0",
        );
    }

    #[test]
    fn reference_object_example_with_unknown_id_encodes_to_the_documented_bytes() {
        let v = example(Value::Unknown, Value::from_i64(3), Value::Null);
        golden(
            v,
            example_type(),
            "83 a2 69 64 d4 00 00 a4 73 69 7a 65 03 a4 74 61 67 73 c0",
        );
    }

    #[test]
    fn strings_encode_as_msgpack_str() {
        golden(Value::from("x"), Type::String, "a1 78");
        golden(Value::from(""), Type::String, "a0");
        let long = "y".repeat(40);
        let mut expected = String::from("d9 28");
        for _ in 0..40 {
            expected.push_str(" 79");
        }
        golden(Value::from(long.as_str()), Type::String, &expected);
        // bin is accepted on decode
        assert_eq!(
            decode_msgpack(&hex("c4 01 78"), &Type::String),
            Ok(Value::from("x"))
        );
        assert_eq!(
            decode_msgpack(&hex("da 00 01 78"), &Type::String),
            Ok(Value::from("x"))
        );
    }

    #[test]
    fn integers_encode_in_the_smallest_form() {
        golden(Value::from_i64(0), Type::Number, "00");
        golden(Value::from_i64(3), Type::Number, "03");
        golden(Value::from_i64(127), Type::Number, "7f");
        golden(Value::from_i64(200), Type::Number, "cc c8");
        golden(Value::from_i64(70000), Type::Number, "ce 00 01 11 70");
        golden(Value::from_i64(-1), Type::Number, "ff");
        golden(Value::from_i64(-32), Type::Number, "e0");
        golden(Value::from_i64(-33), Type::Number, "d0 df");
        golden(Value::from_i64(-1000), Type::Number, "d1 fc 18");
        golden(
            Value::from_i64(i64::MIN),
            Type::Number,
            "d3 80 00 00 00 00 00 00 00",
        );
        golden(
            Value::from_i64(i64::MAX),
            Type::Number,
            "cf 7f ff ff ff ff ff ff ff",
        );
        golden(
            Value::from_u64(u64::MAX),
            Type::Number,
            "cf ff ff ff ff ff ff ff ff",
        );
        golden(num("1e2"), Type::Number, "64");
    }

    #[test]
    fn non_integers_encode_as_float64_only_when_exact() {
        golden(num("0.5"), Type::Number, "cb 3f e0 00 00 00 00 00 00");
        golden(num("-2.25"), Type::Number, "cb c0 02 00 00 00 00 00 00");
        // 0.1 has no exact float64: cty writes the decimal string.
        golden(num("0.1"), Type::Number, "a3 30 2e 31");
        // 2^70 is an exact float64 (as in cty: Int64 inexact, Float64 exact).
        golden(
            num("1180591620717411303424"),
            Type::Number,
            "cb 44 50 00 00 00 00 00 00",
        );
    }

    #[test]
    fn big_integers_beyond_u64_round_trip_as_strings() {
        let text = "123456789012345678901234567890";
        let mut expected = String::from("be");
        for b in text.bytes() {
            expected.push_str(&format!(" {b:02x}"));
        }
        golden(num(text), Type::Number, &expected);
        let huge = format!("-{}", "9".repeat(300));
        let bytes = encode_msgpack(&num(&huge), &Type::Number).unwrap();
        assert_eq!(decode_msgpack(&bytes, &Type::Number), Ok(num(&huge)));
    }

    #[test]
    fn every_number_encoding_is_accepted_on_decode() {
        for (h, n) in [
            ("cc 05", "5"),
            ("cd 00 05", "5"),
            ("ce 00 00 00 05", "5"),
            ("cf 00 00 00 00 00 00 00 05", "5"),
            ("d0 fb", "-5"),
            ("d1 ff fb", "-5"),
            ("d2 ff ff ff fb", "-5"),
            ("d3 ff ff ff ff ff ff ff fb", "-5"),
            ("ca 3f 00 00 00", "0.5"),
            ("cb 3f f8 00 00 00 00 00 00", "1.5"),
            ("a4 31 65 2d 33", "0.001"),
            ("c4 03 31 2e 30", "1"),
            ("ca 3d cc cc cd", "0.100000001490116119384765625"),
        ] {
            assert_eq!(decode_msgpack(&hex(h), &Type::Number), Ok(num(n)), "{h}");
        }
    }

    #[test]
    fn bools_encode_as_msgpack_bools() {
        golden(Value::Bool(true), Type::Bool, "c3");
        golden(Value::Bool(false), Type::Bool, "c2");
    }

    #[test]
    fn collections_encode_as_arrays_and_maps() {
        golden(
            Value::list([Value::from("a"), Value::from("b")]),
            Type::list(Type::String),
            "92 a1 61 a1 62",
        );
        golden(
            Value::set([Value::from_i64(1), Value::from_i64(2)]),
            Type::set(Type::Number),
            "92 01 02",
        );
        golden(
            Value::map([("a", Value::from_i64(1)), ("b", Value::from_i64(2))]),
            Type::map(Type::Number),
            "82 a1 61 01 a1 62 02",
        );
        golden(
            Value::Tuple(vec![Value::from("a"), Value::from_i64(1)]),
            Type::tuple([Type::String, Type::Number]),
            "92 a1 61 01",
        );
        golden(Value::list([]), Type::list(Type::String), "90");
        golden(Value::map::<&str>([]), Type::map(Type::String), "80");
    }

    #[test]
    fn object_keys_are_written_sorted_bytewise() {
        let ty = Type::object([("b", Type::Bool), ("B", Type::Bool), ("a", Type::Bool)]);
        let v = Value::object([
            ("a", Value::Bool(true)),
            ("b", Value::Bool(false)),
            ("B", Value::Null),
        ]);
        golden(v.clone(), ty.clone(), "83 a1 42 c0 a1 61 c3 a1 62 c2");
        // any key order is accepted on decode
        assert_eq!(
            decode_msgpack(&hex("83 a1 62 c2 a1 61 c3 a1 42 c0"), &ty),
            Ok(v)
        );
    }

    #[test]
    fn null_and_unknown_encode_the_same_for_every_type() {
        for ty in [
            Type::String,
            Type::Number,
            Type::Bool,
            Type::Dynamic,
            Type::list(Type::String),
            Type::set(Type::Number),
            Type::map(Type::Bool),
            example_type(),
            Type::tuple([Type::String]),
        ] {
            golden(Value::Null, ty.clone(), "c0");
            golden(Value::Unknown, ty, "d4 00 00");
        }
    }

    #[test]
    fn dynamic_values_are_wrapped_with_their_type_json() {
        // ["string"-as-bin, "x"]
        golden(
            Value::from("x"),
            Type::Dynamic,
            "92 c4 08 22 73 74 72 69 6e 67 22 a1 78",
        );
        golden(
            Value::list([Value::from_i64(1)]),
            Type::Dynamic,
            "92 c4 11 5b 22 6c 69 73 74 22 2c 22 6e 75 6d 62 65 72 22 5d 91 01",
        );
        // an object attribute of dynamic type
        golden(
            Value::object([("v", Value::Bool(true))]),
            Type::object([("v", Type::Dynamic)]),
            "81 a1 76 92 c4 06 22 62 6f 6f 6c 22 c3",
        );
        // type JSON as str is accepted on decode
        assert_eq!(
            decode_msgpack(&hex("92 a8 22 73 74 72 69 6e 67 22 a1 78"), &Type::Dynamic),
            Ok(Value::from("x"))
        );
    }

    #[test]
    fn dynamic_collections_infer_one_element_type() {
        let v = Value::list([
            Value::Null,
            Value::list([]),
            Value::list([Value::from("a")]),
        ]);
        let bytes = encode_msgpack(&v, &Type::Dynamic).unwrap();
        let mut expected = vec![0x92, 0xc4];
        let tj = br#"["list",["list","string"]]"#;
        expected.push(tj.len() as u8);
        expected.extend_from_slice(tj);
        expected.extend_from_slice(&hex("93 c0 90 91 a1 61"));
        assert_eq!(bytes, expected);
        assert_eq!(decode_msgpack(&bytes, &Type::Dynamic), Ok(v));
        let mixed = Value::list([Value::from("a"), Value::from_i64(1)]);
        let err = encode_msgpack(&mixed, &Type::Dynamic).unwrap_err();
        assert_eq!(err.path, vec![PathStep::Index(1)]);
    }

    #[test]
    fn every_extension_form_decodes_as_unknown() {
        for h in [
            "d4 00 00",
            "d4 0c 01",
            "d5 01 00 00",
            "d6 7f 00 00 00 00",
            "d7 00 00 00 00 00 00 00 00 00",
            "d8 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
            "c7 00 05",
            "c7 02 0c 01 02",
            "c8 00 01 00 ff",
            "c9 00 00 00 01 00 ff",
        ] {
            for ty in [Type::String, Type::Dynamic, example_type()] {
                assert_eq!(decode_msgpack(&hex(h), &ty), Ok(Value::Unknown), "{h}");
            }
        }
    }

    #[test]
    fn set_duplicates_are_merged_keeping_the_first() {
        let v = decode_msgpack(
            &hex("94 01 02 cb 3f f0 00 00 00 00 00 00 02"),
            &Type::set(Type::Number),
        )
        .unwrap();
        let Value::Set(elems) = v else {
            panic!("set expected")
        };
        assert_eq!(elems, vec![Value::from_i64(1), Value::from_i64(2)]);
    }

    fn decode_err(h: &str, ty: &Type) -> CodecError {
        match decode_msgpack(&hex(h), ty) {
            Err(e) => e,
            Ok(v) => panic!("{h} should not decode, got {v:?}"),
        }
    }

    #[test]
    fn objects_missing_an_attribute_are_rejected() {
        let e = decode_err("82 a2 69 64 a1 78 a4 73 69 7a 65 03", &example_type());
        assert_eq!(
            e.message,
            "an object with 3 attributes is required (2 given)"
        );
    }

    #[test]
    fn objects_with_an_unsupported_attribute_are_rejected() {
        let e = decode_err(
            "83 a2 69 64 a1 78 a4 73 69 7a 65 03 a4 74 61 67 5a c0",
            &example_type(),
        );
        assert_eq!(e.message, "unsupported attribute \"tagZ\"");
        let dup = decode_err(
            "83 a2 69 64 a1 78 a2 69 64 a1 78 a4 73 69 7a 65 03",
            &example_type(),
        );
        assert_eq!(dup.message, "duplicate attribute \"id\"");
    }

    #[test]
    fn values_of_the_wrong_kind_are_rejected_with_their_path() {
        let ty = Type::object([("zones", Type::list(Type::object([("name", Type::String)])))]);
        // {zones: [{name: "a"}, {name: true}]}
        let e = decode_err(
            "81 a5 7a 6f 6e 65 73 92 81 a4 6e 61 6d 65 a1 61 81 a4 6e 61 6d 65 c3",
            &ty,
        );
        assert_eq!(
            e.to_string(),
            ".zones[1].name: string is required, found a bool"
        );
        let e = decode_err("81 a1 6b c3", &Type::map(Type::Number));
        assert_eq!(e.to_string(), "[\"k\"]: number is required, found a bool");
        assert!(decode_msgpack(&hex("a1 78"), &Type::Number).is_err());
        assert!(decode_msgpack(&hex("01"), &Type::Bool).is_err());
        assert!(decode_msgpack(&hex("92 01 02"), &example_type()).is_err());
        assert!(decode_msgpack(&hex("81 01 02"), &Type::map(Type::Number)).is_err());
        assert!(decode_msgpack(&hex("c1"), &Type::Number).is_err());
        assert!(decode_msgpack(&hex("93 01 02 03"), &Type::tuple([Type::Number])).is_err());
        assert!(decode_msgpack(&hex("91 a1 78"), &Type::Dynamic).is_err());
        assert!(decode_msgpack(&hex("92 c4 05 22 62 61 64 22 01"), &Type::Dynamic).is_err());
        assert!(decode_msgpack(&hex("92 01 01"), &Type::Dynamic).is_err());
        assert!(decode_msgpack(&hex("a2 c3 28"), &Type::String).is_err());
    }

    #[test]
    fn truncated_input_is_rejected() {
        let full = hex("83 a2 69 64 a1 78 a4 73 69 7a 65 03 a4 74 61 67 73 c0");
        for cut in 0..full.len() {
            assert!(
                decode_msgpack(&full[..cut], &example_type()).is_err(),
                "cut at {cut}"
            );
        }
        for h in ["cd 00", "cb 3f", "d4 00", "c7 05 00 01", "d9", "a3 61 62"] {
            assert!(decode_msgpack(&hex(h), &Type::Number).is_err(), "{h}");
        }
    }

    #[test]
    fn huge_declared_lengths_are_rejected_before_allocating() {
        for (h, ty) in [
            ("dd ff ff ff ff 01", Type::list(Type::Number)),
            ("dc ff ff 01", Type::set(Type::Number)),
            ("df ff ff ff ff a1 61 01", Type::map(Type::Number)),
            ("df 7f ff ff ff a1 61 01", example_type()),
            ("db ff ff ff ff 61", Type::String),
            ("c6 ff ff ff ff 61", Type::String),
            ("c9 ff ff ff ff 00", Type::String),
            ("92 c6 ff ff ff ff 22", Type::Dynamic),
        ] {
            let e = decode_err(h, &ty);
            assert!(
                e.message.contains("exceeds") || e.message.contains("required"),
                "{h}: {e}"
            );
        }
    }

    #[test]
    fn trailing_bytes_are_rejected() {
        let e = decode_err("01 02", &Type::Number);
        assert!(e.message.contains("trailing"), "{e}");
        assert!(decode_msgpack(&hex("c0 c0"), &Type::String).is_err());
        assert!(decode_msgpack(&hex("d4 00 00 00"), &Type::String).is_err());
    }

    #[test]
    fn empty_input_is_rejected() {
        assert!(decode_msgpack(&[], &Type::String).is_err());
    }

    fn nested_list_type(levels: usize) -> Type {
        (0..levels).fold(Type::Number, |t, _| Type::list(t))
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_rejected() {
        let mut ok = vec![0x91; MAX_DEPTH];
        ok.push(0x01);
        let ty = nested_list_type(MAX_DEPTH);
        let decoded = decode_msgpack(&ok, &ty).expect("64 levels decode");
        assert_eq!(encode_msgpack(&decoded, &ty), Ok(ok));

        let mut deep = vec![0x91; MAX_DEPTH + 1];
        deep.push(0x01);
        let e = decode_msgpack(&deep, &nested_list_type(MAX_DEPTH + 1)).unwrap_err();
        assert!(e.message.contains("nested"), "{e}");
        let value = (0..=MAX_DEPTH).fold(Value::from_i64(1), |v, _| Value::list([v]));
        assert!(encode_msgpack(&value, &nested_list_type(MAX_DEPTH + 1)).is_err());
    }

    #[test]
    fn dynamic_wrappers_count_towards_the_nesting_limit() {
        // `levels` wrappers: levels-1 of type "dynamic", the innermost of type "number".
        let wrapped = |levels: usize| {
            let mut bytes = Vec::new();
            for _ in 1..levels {
                bytes.extend_from_slice(&hex("92 c4 09 22 64 79 6e 61 6d 69 63 22"));
            }
            bytes.extend_from_slice(&hex("92 c4 08 22 6e 75 6d 62 65 72 22 07"));
            bytes
        };
        assert_eq!(
            decode_msgpack(&wrapped(MAX_DEPTH), &Type::Dynamic),
            Ok(Value::from_i64(7))
        );
        let e = decode_msgpack(&wrapped(MAX_DEPTH + 1), &Type::Dynamic).unwrap_err();
        assert!(e.message.contains("nested"), "{e}");
    }

    #[test]
    fn invalid_number_strings_are_rejected() {
        for text in ["abc", "1.2.3", "", "inf", "NaN", "1e99999"] {
            let mut bytes = vec![0xa0 | text.len() as u8];
            bytes.extend_from_slice(text.as_bytes());
            let e = decode_msgpack(&bytes, &Type::Number).unwrap_err();
            assert!(e.message.starts_with("number is required"), "{text}: {e}");
        }
        assert!(decode_msgpack(&hex("cb 7f f0 00 00 00 00 00 00"), &Type::Number).is_err());
        assert!(decode_msgpack(&hex("cb 7f f8 00 00 00 00 00 00"), &Type::Number).is_err());
    }

    #[test]
    fn encoding_rejects_values_that_do_not_conform() {
        let partial = Value::object([("id", Value::from("x")), ("size", Value::from_i64(1))]);
        let e = encode_msgpack(&partial, &example_type()).unwrap_err();
        assert_eq!(e.path, vec![PathStep::Attr("tags".into())]);
        assert!(
            e.to_string().starts_with(".tags: attribute is missing"),
            "{e}"
        );

        let extra = Value::object([
            ("id", Value::Null),
            ("size", Value::Null),
            ("tags", Value::Null),
            ("zzz", Value::Null),
        ]);
        assert!(encode_msgpack(&extra, &example_type()).is_err());

        let wrong = Value::list([Value::from_i64(1), Value::from("x")]);
        let e = encode_msgpack(&wrong, &Type::list(Type::Number)).unwrap_err();
        assert_eq!(e.to_string(), "[1]: number is required, found a string");
        assert!(encode_msgpack(&Value::Tuple(vec![]), &Type::tuple([Type::String])).is_err());
        assert!(encode_msgpack(&Value::list([]), &Type::set(Type::String)).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn random_values_round_trip_through_msgpack((ty, v) in arb_typed_value()) {
            let bytes = encode_msgpack(&v, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(decode_msgpack(&bytes, &ty), Ok(v));
        }

        #[test]
        fn decoding_random_bytes_never_panics(
            ty in arb_type(true),
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            if let Ok(v) = decode_msgpack(&bytes, &ty) {
                if !ty.contains_dynamic() {
                    let again = encode_msgpack(&v, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(decode_msgpack(&again, &ty), Ok(v));
                }
            }
        }

        #[test]
        fn decoding_corrupted_encodings_never_panics(
            (ty, v) in arb_typed_value(),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
            cut in any::<prop::sample::Index>(),
            truncate in any::<bool>(),
        ) {
            let mut bytes = encode_msgpack(&v, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for (at, byte) in edits {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            if truncate {
                bytes.truncate(cut.index(bytes.len()));
            }
            if let Ok(v) = decode_msgpack(&bytes, &ty) {
                if !ty.contains_dynamic() {
                    let again = encode_msgpack(&v, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(decode_msgpack(&again, &ty), Ok(v));
                }
            }
        }
    }
}
