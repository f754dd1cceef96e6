//! Typed models: serde between [`Value`]s and plain Rust structs.
//!
//! A resource declares a struct per thing it reads or writes (`#[derive(Serialize,
//! Deserialize)]`, field names = attribute names) and crosses the boundary only here:
//!
//! - [`from_value`] reads a model out of a config, plan or state. Attributes the model does not
//!   name are ignored (whatever they hold, unknown included), so a model may take just the
//!   attributes an operation needs. A null is `None` for an `Option<T>` field; an unknown value
//!   is an error unless the field is a [`Known`] (use `Option<Known<T>>` where a value may be
//!   null, unknown or known, as in validation and planning).
//! - [`to_value`] writes a model as a value of the type the schema gives
//!   (`schema.value_type()`; never a second, hand-written [`Type`]). The type decides the shape:
//!   a `Vec` becomes a list, set or tuple, a struct or map an object or map, `None` null, and
//!   an attribute the model does not write is null. A model field the type does not have is an
//!   error, so a misspelt field cannot silently drop a value.
//!
//! Numbers beyond `i64`/`u64` travel as `i128`/`u128` or as [`Number`] (which implements
//! serde here). Every error names the attribute path (`zone[1].name: ...`); nothing panics.

use std::collections::BTreeMap;
use std::fmt;

use ::serde::de::{
    self, value::BorrowedStrDeserializer, DeserializeOwned, DeserializeSeed, IntoDeserializer,
    MapAccess, SeqAccess, Visitor,
};
use ::serde::ser::{self, Impossible, Serialize};
use ::serde::{Deserialize, Deserializer, Serializer};

use super::{Number, PathStep, Type, Value};

/// Newtype-struct name by which [`Known::Unknown`] and the value serializer recognise each
/// other; any other serializer sees a unit.
const UNKNOWN_TOKEN: &str = "$__ocp_value_unknown";
/// Newtype-struct name under which a [`Number`] travels as its decimal text.
const NUMBER_TOKEN: &str = "$__ocp_value_number";

/// Reads a model of type `T` out of `v` (an object from a config, plan or state).
pub fn from_value<T: DeserializeOwned>(v: &Value) -> Result<T, ModelError> {
    T::deserialize(De(v))
}

/// Writes `m` as a value of type `ty` (the schema's `value_type()`, or a part of it).
pub fn to_value<T: Serialize>(m: &T, ty: &Type) -> Result<Value, ModelError> {
    shape(m.serialize(ValueSerializer)?, ty)
}

/// A model that does not fit a value or its type, with the path of the offending attribute.
///
/// Displays as `<path>: <message>`, the path written as a user would (`zone[1].name`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    /// What is wrong, without the path.
    pub message: String,
    /// Where, from the outermost attribute inward; empty for the value itself.
    pub path: Vec<PathStep>,
}

impl ModelError {
    fn new(message: impl Into<String>) -> ModelError {
        ModelError {
            message: message.into(),
            path: Vec::new(),
        }
    }

    fn prefixed(mut self, step: PathStep) -> ModelError {
        self.path.insert(0, step);
        self
    }

    /// The path as a user writes it: `zone[1].name`, `tags["env"]`; empty for the value itself.
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        for (i, step) in self.path.iter().enumerate() {
            match step {
                PathStep::Attr(a) if i == 0 => out.push_str(a),
                step => out.push_str(&step.to_string()),
            }
        }
        out
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_at(f, &self.path_string(), &self.message)
    }
}

impl std::error::Error for ModelError {}

impl de::Error for ModelError {
    fn custom<T: fmt::Display>(msg: T) -> ModelError {
        ModelError::new(msg.to_string())
    }
}

impl ser::Error for ModelError {
    fn custom<T: fmt::Display>(msg: T) -> ModelError {
        ModelError::new(msg.to_string())
    }
}

/// A value that may not be known yet (during validation and planning). Wrap it in `Option` for
/// a value that may also be null: `Option<Known<String>>` reads null as `None`, unknown as
/// `Some(Known::Unknown)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Known<T> {
    /// Known only after apply.
    Unknown,
    /// Known.
    Value(T),
}

/// The value of an attribute that may be null or unknown, when it is known.
pub fn known<T>(v: &Option<Known<T>>) -> Option<&T> {
    v.as_ref().and_then(Known::as_known)
}

/// The value of a string attribute that may be null or unknown, when it is known.
pub fn known_str(v: &Option<Known<String>>) -> Option<&str> {
    known(v).map(String::as_str)
}

impl<T> Known<T> {
    /// The value, if known.
    pub fn known(self) -> Option<T> {
        match self {
            Known::Unknown => None,
            Known::Value(v) => Some(v),
        }
    }

    /// A reference to the value, if known.
    pub fn as_known(&self) -> Option<&T> {
        match self {
            Known::Unknown => None,
            Known::Value(v) => Some(v),
        }
    }

    /// True for [`Known::Unknown`].
    pub fn is_unknown(&self) -> bool {
        matches!(self, Known::Unknown)
    }
}

impl<T: Serialize> Serialize for Known<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Known::Unknown => s.serialize_newtype_struct(UNKNOWN_TOKEN, &()),
            Known::Value(v) => v.serialize(s),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Known<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Known<T>, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Known<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or an unknown value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Known<T>, E> {
                Ok(Known::Unknown)
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Known<T>, D::Error> {
                T::deserialize(d).map(Known::Value)
            }
        }
        d.deserialize_newtype_struct(UNKNOWN_TOKEN, V(std::marker::PhantomData))
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(NUMBER_TOKEN, &self.to_string())
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Number, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Number, E> {
                Number::parse(s).ok_or_else(|| E::custom(format!("{s:?} is not a number")))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Number, E> {
                Ok(Number::from_i64(n))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Number, E> {
                Ok(Number::from_u64(n))
            }
            fn visit_f64<E: de::Error>(self, f: f64) -> Result<Number, E> {
                Number::from_f64(f).ok_or_else(|| E::custom(format!("{f} is not a number")))
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Number, D::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_newtype_struct(NUMBER_TOKEN, V)
    }
}

// ---------------------------------------------------------------------------------------------
// Value -> model

/// Deserializes from one value; errors carry paths relative to it (the access types put each
/// step in front as an error leaves a nested value).
struct De<'de>(&'de Value);

impl<'de> De<'de> {
    fn mismatch(&self, want: &str) -> ModelError {
        match self.0 {
            Value::Unknown => ModelError::new(format!(
                "the value is unknown until apply, and the model wants {want} (use Known<T>)"
            )),
            v => ModelError::new(format!("expected {want}, found {}", v.kind_name())),
        }
    }

    fn number(&self, want: &str) -> Result<&'de Number, ModelError> {
        match self.0 {
            Value::Number(n) => Ok(n),
            _ => Err(self.mismatch(want)),
        }
    }

    /// The number as an integer type, or an error saying it does not fit.
    fn integer<I: TryFrom<i128>>(&self, name: &str) -> Result<I, ModelError> {
        let n = self.number("a number")?;
        n.to_string()
            .parse::<i128>()
            .ok()
            .and_then(|i| I::try_from(i).ok())
            .ok_or_else(|| ModelError::new(format!("number {n} does not fit in {name}")))
    }

    fn u128(&self) -> Result<u128, ModelError> {
        let n = self.number("a number")?;
        n.to_string()
            .parse::<u128>()
            .map_err(|_| ModelError::new(format!("number {n} does not fit in u128")))
    }

    fn seq<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => {
                let mut access = SeqDe {
                    items: xs.iter().enumerate(),
                };
                let out = visitor.visit_seq(&mut access)?;
                match access.items.next() {
                    None => Ok(out),
                    Some(_) => Err(ModelError::new(format!(
                        "the model takes fewer than the {} elements given",
                        xs.len()
                    ))),
                }
            }
            _ => Err(self.mismatch("a list, set or tuple")),
        }
    }

    /// An enum of unit variants, from its variant's name.
    fn unit_enum<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(
                IntoDeserializer::<ModelError>::into_deserializer(s.as_str()),
            ),
            _ => Err(self.mismatch("a string (an enum of unit variants)")),
        }
    }

    fn map<V: Visitor<'de>>(&self, visitor: V, want: &str) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Object(m) | Value::Map(m) => visitor.visit_map(MapDe {
                entries: m.iter(),
                pending: None,
                object: matches!(self.0, Value::Object(_)),
            }),
            _ => Err(self.mismatch(want)),
        }
    }
}

macro_rules! de_int {
    ($($method:ident $visit:ident $t:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
            visitor.$visit(self.integer::<$t>(stringify!($t))?)
        }
    )*};
}

/// Deserializer methods that hand over to one of `De`'s readers (with the arguments given
/// after it) whatever length or names they are given.
macro_rules! de_via {
    ($($method:ident($($arg:ident: $t:ty),*) => $reader:ident($($extra:expr),*)),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $t,)* visitor: V) -> Result<V::Value, ModelError> {
            self.$reader(visitor $(, $extra)*)
        }
    )*};
}

impl<'de> Deserializer<'de> for De<'de> {
    type Error = ModelError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Unknown => Err(self.mismatch("a value")),
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(i) = n.to_i64() {
                    visitor.visit_i64(i)
                } else if let Some(u) = n.to_u64() {
                    visitor.visit_u64(u)
                } else {
                    visitor.visit_f64(n.to_f64())
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::List(_) | Value::Set(_) | Value::Tuple(_) => self.seq(visitor),
            Value::Map(_) | Value::Object(_) => self.map(visitor, "a map or object"),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Bool(b) => visitor.visit_bool(*b),
            _ => Err(self.mismatch("a bool")),
        }
    }

    de_int! {
        deserialize_i8 visit_i8 i8,
        deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64,
        deserialize_i128 visit_i128 i128,
        deserialize_u8 visit_u8 u8,
        deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64,
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        visitor.visit_u128(self.u128()?)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        visitor.visit_f64(self.number("a number")?.to_f64())
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::String(s) => visitor.visit_borrowed_str(s),
            _ => Err(self.mismatch("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            _ => Err(self.mismatch("null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        match (name, self.0) {
            (UNKNOWN_TOKEN, Value::Unknown) => visitor.visit_unit(),
            (NUMBER_TOKEN, Value::Number(n)) => visitor.visit_string(n.to_string()),
            (NUMBER_TOKEN, _) => Err(self.mismatch("a number")),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    de_via! {
        deserialize_seq() => seq(),
        deserialize_tuple(_len: usize) => seq(),
        deserialize_tuple_struct(_name: &'static str, _len: usize) => seq(),
        deserialize_map() => map("a map or object"),
        deserialize_struct(_name: &'static str, _fields: &'static [&'static str])
            => map("an object"),
        deserialize_enum(_name: &'static str, _variants: &'static [&'static str]) => unit_enum(),
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ModelError> {
        // Attributes a model does not name are skipped whatever they hold, unknowns included.
        visitor.visit_unit()
    }
}

struct SeqDe<'de> {
    items: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
}

impl<'de> SeqAccess<'de> for &mut SeqDe<'de> {
    type Error = ModelError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ModelError> {
        match self.items.next() {
            None => Ok(None),
            Some((i, v)) => seed
                .deserialize(De(v))
                .map(Some)
                .map_err(|e| e.prefixed(PathStep::Index(i as u64))),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'de> {
    entries: std::collections::btree_map::Iter<'de, String, Value>,
    pending: Option<(&'de String, &'de Value)>,
    /// Object attributes (paths `.name`) rather than map keys (paths `["key"]`).
    object: bool,
}

impl<'de> MapAccess<'de> for MapDe<'de> {
    type Error = ModelError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ModelError> {
        match self.entries.next() {
            None => Ok(None),
            Some((k, v)) => {
                self.pending = Some((k, v));
                seed.deserialize(BorrowedStrDeserializer::new(k)).map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ModelError> {
        let Some((k, v)) = self.pending.take() else {
            return Err(ModelError::new("a map value was asked for before its key"));
        };
        let step = if self.object {
            PathStep::Attr(k.clone())
        } else {
            PathStep::Key(k.clone())
        };
        seed.deserialize(De(v)).map_err(|e| e.prefixed(step))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

// ---------------------------------------------------------------------------------------------
// model -> Value

/// Serializes a model into an untyped value: structs and maps become objects and maps, every
/// sequence a list, `None` and unit null. [`shape`] then fits the result to the schema's type.
struct ValueSerializer;

fn unsupported(what: &str) -> ModelError {
    ModelError::new(format!("{what} has no Terraform value"))
}

/// Serializer methods of a narrow type that widen the value and forward it to the method of
/// the wide type (serde has one method per width; the model keeps one number per kind).
macro_rules! widen {
    ($($method:ident($narrow:ty) => $wide:ident),* $(,)?) => {$(
        fn $method(self, v: $narrow) -> Result<Value, ModelError> {
            self.$wide(v.into())
        }
    )*};
}

impl Serializer for ValueSerializer {
    type Ok = Value;
    type Error = ModelError;
    type SerializeSeq = SeqSer;
    type SerializeTuple = SeqSer;
    type SerializeTupleStruct = SeqSer;
    type SerializeTupleVariant = Impossible<Value, ModelError>;
    type SerializeMap = MapSer;
    type SerializeStruct = MapSer;
    type SerializeStructVariant = Impossible<Value, ModelError>;

    widen! {
        serialize_i8(i8) => serialize_i64,
        serialize_i16(i16) => serialize_i64,
        serialize_i32(i32) => serialize_i64,
        serialize_u8(u8) => serialize_u64,
        serialize_u16(u16) => serialize_u64,
        serialize_u32(u32) => serialize_u64,
        serialize_f32(f32) => serialize_f64,
    }
    fn serialize_bool(self, v: bool) -> Result<Value, ModelError> {
        Ok(Value::Bool(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, ModelError> {
        Ok(Value::from_i64(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Value, ModelError> {
        number_text(&v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<Value, ModelError> {
        Ok(Value::from_u64(v))
    }
    fn serialize_u128(self, v: u128) -> Result<Value, ModelError> {
        number_text(&v.to_string())
    }
    fn serialize_f64(self, v: f64) -> Result<Value, ModelError> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| ModelError::new(format!("{v} is not a Terraform number")))
    }
    fn serialize_char(self, v: char) -> Result<Value, ModelError> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, ModelError> {
        Ok(Value::string(v))
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<Value, ModelError> {
        Err(unsupported("a byte string"))
    }
    fn serialize_none(self) -> Result<Value, ModelError> {
        Ok(Value::Null)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<Value, ModelError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, ModelError> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, ModelError> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, ModelError> {
        Ok(Value::string(variant))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<Value, ModelError> {
        match name {
            UNKNOWN_TOKEN => Ok(Value::Unknown),
            NUMBER_TOKEN => match v.serialize(self)? {
                Value::String(s) => number_text(&s),
                _ => Err(ModelError::new("a number must travel as its decimal text")),
            },
            _ => v.serialize(self),
        }
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _v: &T,
    ) -> Result<Value, ModelError> {
        Err(unsupported("an enum variant with data"))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer, ModelError> {
        Ok(SeqSer(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer, ModelError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqSer, ModelError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ModelError> {
        Err(unsupported("an enum variant with data"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<MapSer, ModelError> {
        Ok(MapSer::new(false))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<MapSer, ModelError> {
        Ok(MapSer::new(true))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ModelError> {
        Err(unsupported("an enum variant with data"))
    }
}

fn number_text(s: &str) -> Result<Value, ModelError> {
    Number::parse(s)
        .map(Value::Number)
        .ok_or_else(|| ModelError::new(format!("{s:?} is not a Terraform number")))
}

struct SeqSer(Vec<Value>);

impl SeqSer {
    fn push<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), ModelError> {
        let i = self.0.len() as u64;
        let v = v
            .serialize(ValueSerializer)
            .map_err(|e| e.prefixed(PathStep::Index(i)))?;
        self.0.push(v);
        Ok(())
    }
}

/// Sequences, tuples and tuple structs all serialize as a list of their elements.
macro_rules! seq_ser {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for SeqSer {
            type Ok = Value;
            type Error = ModelError;
            fn $method<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), ModelError> {
                self.push(v)
            }
            fn end(self) -> Result<Value, ModelError> {
                Ok(Value::List(self.0))
            }
        }
    )*};
}

seq_ser!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

struct MapSer {
    entries: BTreeMap<String, Value>,
    key: Option<String>,
    /// From a struct (an object's attributes) rather than a map.
    object: bool,
}

impl MapSer {
    /// An empty map (`object` false) or struct.
    fn new(object: bool) -> MapSer {
        let entries = BTreeMap::new();
        MapSer {
            entries,
            key: None,
            object,
        }
    }

    fn insert<T: ?Sized + Serialize>(&mut self, k: String, v: &T) -> Result<(), ModelError> {
        let step = if self.object {
            PathStep::Attr(k.clone())
        } else {
            PathStep::Key(k.clone())
        };
        let v = v.serialize(ValueSerializer).map_err(|e| e.prefixed(step))?;
        self.entries.insert(k, v);
        Ok(())
    }

    fn end(self) -> Value {
        if self.object {
            Value::Object(self.entries)
        } else {
            Value::Map(self.entries)
        }
    }
}

impl ser::SerializeMap for MapSer {
    type Ok = Value;
    type Error = ModelError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), ModelError> {
        match k.serialize(ValueSerializer)? {
            Value::String(s) => {
                self.key = Some(s);
                Ok(())
            }
            other => Err(ModelError::new(format!(
                "map keys must be strings, found {}",
                other.kind_name()
            ))),
        }
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), ModelError> {
        let Some(k) = self.key.take() else {
            return Err(ModelError::new("a map value was given before its key"));
        };
        self.insert(k, v)
    }
    fn end(self) -> Result<Value, ModelError> {
        Ok(MapSer::end(self))
    }
}

impl ser::SerializeStruct for MapSer {
    type Ok = Value;
    type Error = ModelError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        k: &'static str,
        v: &T,
    ) -> Result<(), ModelError> {
        self.insert(k.to_string(), v)
    }
    fn end(self) -> Result<Value, ModelError> {
        Ok(MapSer::end(self))
    }
}

/// Fits an untyped serialized value to `ty`: sequences become lists, sets or tuples, structs
/// and maps objects or maps (every attribute of an object type present, null when the model
/// did not write it).
fn shape(v: Value, ty: &Type) -> Result<Value, ModelError> {
    Ok(match (v, ty) {
        (v @ (Value::Null | Value::Unknown), _) | (v, Type::Dynamic) => v,
        (v @ Value::String(_), Type::String)
        | (v @ Value::Number(_), Type::Number)
        | (v @ Value::Bool(_), Type::Bool) => v,
        (Value::List(xs), Type::List(t) | Type::Set(t)) => {
            super::sequence(ty, shape_all(xs, std::iter::repeat(&**t))?)
        }
        (Value::List(xs), Type::Tuple(ts)) => {
            if xs.len() != ts.len() {
                return Err(ModelError::new(format!(
                    "the model gives {} elements, the schema's tuple has {}",
                    xs.len(),
                    ts.len()
                )));
            }
            Value::Tuple(shape_all(xs, ts.iter())?)
        }
        (Value::Map(m) | Value::Object(m), Type::Map(t)) => {
            let mut out = BTreeMap::new();
            for (k, x) in m {
                let x = shape(x, t).map_err(|e| e.prefixed(PathStep::Key(k.clone())))?;
                out.insert(k, x);
            }
            Value::Map(out)
        }
        (Value::Map(mut m) | Value::Object(mut m), Type::Object(attrs)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(ModelError::new(
                    "the model has this field, but the schema has no such attribute",
                )
                .prefixed(PathStep::Attr(extra.clone())));
            }
            let mut out = BTreeMap::new();
            for (name, t) in attrs {
                let x = m.remove(name).unwrap_or(Value::Null);
                let x = shape(x, t).map_err(|e| e.prefixed(PathStep::Attr(name.clone())))?;
                out.insert(name.clone(), x);
            }
            Value::Object(out)
        }
        (v, ty) => {
            return Err(ModelError::new(format!(
                "the model gives {}, the schema wants {ty}",
                v.kind_name()
            )))
        }
    })
}

/// [`shape`] of each element of a sequence, element `i` to the `i`th of `types`.
fn shape_all<'t>(
    xs: Vec<Value>,
    types: impl Iterator<Item = &'t Type>,
) -> Result<Vec<Value>, ModelError> {
    let shaped = xs.into_iter().zip(types).enumerate();
    shaped
        .map(|(i, (x, t))| shape(x, t).map_err(|e| e.prefixed(PathStep::Index(i as u64))))
        .collect()
}

#[cfg(test)]
mod tests;
