//! Terraform values: the cty type model ([`Type`]), values ([`Value`], [`Number`]) and their
//! two wire codecs, cty MessagePack ([`decode_msgpack`], [`encode_msgpack`]) and cty JSON
//! ([`decode_json`], [`encode_json`]), exactly as Terraform (go-cty) writes and reads them
//! (`tfplugin5.md` §3).
//!
//! Typed models cross to and from values through [`from_value`] and [`to_value`] (serde).
//!
//! This module owns only the value model, its codecs and the serde bridge. It knows nothing about the plugin
//! protocol: no prost/tonic types, no schemas, no diagnostics (a [`CodecError`] carries an
//! attribute path that callers can turn into one).
//!
//! Decoders are total: on any input bytes they return a value or a [`CodecError`], never panic,
//! never allocate more than the input justifies, refuse values nested more than [`MAX_DEPTH`]
//! levels, and reject trailing bytes.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// `impl From<$from> for $to` by a conversion function.
macro_rules! from {
    ($($from:ty => $to:ident: $convert:expr;)*) => {$(
        impl From<$from> for $to {
            fn from(x: $from) -> $to {
                ($convert)(x)
            }
        }
    )*};
}

mod encode;
mod json;
mod model;
mod msgpack;
mod number;

pub use json::{decode_json, encode_json};
pub use model::{from_value, known, known_str, to_value, Known, ModelError};
pub use msgpack::{decode_msgpack, encode_msgpack};
pub use number::{Number, MAX_EXPONENT, MAX_SIGNIFICANT_DIGITS};

/// Deepest nesting of collections, structures and dynamic wrappers the codecs accept
/// (also the deepest type description [`Type::from_json`] accepts).
pub const MAX_DEPTH: usize = 64;

/// A cty type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// `string`.
    String,
    /// `number` (arbitrary-precision decimal).
    Number,
    /// `bool`.
    Bool,
    /// The dynamic pseudo-type (`any`): values carry their concrete type on the wire.
    Dynamic,
    /// `list(T)`.
    List(Box<Type>),
    /// `set(T)`.
    Set(Box<Type>),
    /// `map(T)` (string keys).
    Map(Box<Type>),
    /// `object({...})`: a fixed set of named attributes.
    Object(BTreeMap<String, Type>),
    /// `tuple([...])`: a fixed sequence of element types.
    Tuple(Vec<Type>),
}

impl Type {
    /// `list(t)`.
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }

    /// `set(t)`.
    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }

    /// `map(t)`.
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }

    /// `object({name = type, ...})`.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Type)>) -> Type {
        Type::Object(attrs.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }

    /// `tuple([type, ...])`.
    pub fn tuple(elems: impl IntoIterator<Item = Type>) -> Type {
        Type::Tuple(elems.into_iter().collect())
    }

    /// True when [`Type::Dynamic`] appears anywhere in this type.
    pub fn contains_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::String | Type::Number | Type::Bool => false,
            Type::List(e) | Type::Set(e) | Type::Map(e) => e.contains_dynamic(),
            Type::Object(attrs) => attrs.values().any(Type::contains_dynamic),
            Type::Tuple(elems) => elems.iter().any(Type::contains_dynamic),
        }
    }

    /// cty type JSON, e.g. `"string"`, `["list","string"]`, `["object",{"a":"number"}]` — this
    /// exact compact form (no spaces, attributes sorted bytewise), as used in
    /// `Schema.Attribute.type` and in dynamic values.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Type::String => out.push_str("\"string\""),
            Type::Number => out.push_str("\"number\""),
            Type::Bool => out.push_str("\"bool\""),
            Type::Dynamic => out.push_str("\"dynamic\""),
            Type::List(e) | Type::Set(e) | Type::Map(e) => {
                let kind = match self {
                    Type::List(_) => "[\"list\",",
                    Type::Set(_) => "[\"set\",",
                    _ => "[\"map\",",
                };
                out.push_str(kind);
                e.write_json(out);
                out.push(']');
            }
            Type::Object(attrs) => {
                out.push_str("[\"object\",{");
                for (i, (name, t)) in attrs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(out, name);
                    out.push(':');
                    t.write_json(out);
                }
                out.push_str("}]");
            }
            Type::Tuple(elems) => {
                out.push_str("[\"tuple\",[");
                for (i, t) in elems.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    t.write_json(out);
                }
                out.push_str("]]");
            }
        }
    }

    /// Parses cty type JSON (see [`Type::to_json`]; any JSON whitespace is accepted). Object
    /// types with optional-attribute markers (a third array element) are rejected.
    pub fn from_json(bytes: &[u8]) -> Result<Type, CodecError> {
        let json: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| CodecError::new(format!("invalid type JSON: {e}")))?;
        Type::from_json_value(&json)
    }

    /// [`Type::from_json`] on already-parsed JSON.
    pub(crate) fn from_json_value(json: &serde_json::Value) -> Result<Type, CodecError> {
        type_from_json(json, 0)
    }
}

/// Prints cty's friendly type name: `string`, `list of number`, `map of set of string`,
/// `object`, `tuple`, `dynamic`.
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(e) => write!(f, "list of {e}"),
            Type::Set(e) => write!(f, "set of {e}"),
            Type::Map(e) => write!(f, "map of {e}"),
            Type::Object(_) => f.write_str("object"),
            Type::Tuple(_) => f.write_str("tuple"),
        }
    }
}

fn type_from_json(json: &serde_json::Value, depth: usize) -> Result<Type, CodecError> {
    use serde_json::Value as J;
    match json {
        J::String(s) => match s.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "dynamic" => Ok(Type::Dynamic),
            other => Err(CodecError::new(format!(
                "invalid type JSON: unsupported primitive type {}",
                json_quote(other)
            ))),
        },
        J::Array(items) => {
            if depth >= MAX_DEPTH {
                return Err(CodecError::new(format!(
                    "invalid type JSON: nested more than {MAX_DEPTH} levels deep"
                )));
            }
            let (kind, arg) = match items.as_slice() {
                [J::String(kind), arg] => (kind.as_str(), arg),
                [J::String(kind), _, _] if kind == "object" => {
                    return Err(CodecError::new(
                        "invalid type JSON: optional object attributes are not supported",
                    ))
                }
                _ => {
                    return Err(CodecError::new(
                        "invalid type JSON: a complex type must be a [kind, argument] array",
                    ))
                }
            };
            match kind {
                "list" => Ok(Type::list(type_from_json(arg, depth + 1)?)),
                "set" => Ok(Type::set(type_from_json(arg, depth + 1)?)),
                "map" => Ok(Type::map(type_from_json(arg, depth + 1)?)),
                "object" => {
                    let J::Object(attrs) = arg else {
                        return Err(CodecError::new(
                            "invalid type JSON: object attributes must be a JSON object",
                        ));
                    };
                    let mut out = BTreeMap::new();
                    for (name, t) in attrs {
                        let t = type_from_json(t, depth + 1)
                            .map_err(|e| e.prefixed(PathStep::Attr(name.clone())))?;
                        out.insert(name.clone(), t);
                    }
                    Ok(Type::Object(out))
                }
                "tuple" => {
                    let J::Array(elems) = arg else {
                        return Err(CodecError::new(
                            "invalid type JSON: tuple element types must be a JSON array",
                        ));
                    };
                    let mut out = Vec::with_capacity(elems.len());
                    for (i, t) in elems.iter().enumerate() {
                        out.push(
                            type_from_json(t, depth + 1)
                                .map_err(|e| e.prefixed(PathStep::Index(i as u64)))?,
                        );
                    }
                    Ok(Type::Tuple(out))
                }
                other => Err(CodecError::new(format!(
                    "invalid type JSON: unsupported type kind {}",
                    json_quote(other)
                ))),
            }
        }
        _ => Err(CodecError::new(
            "invalid type JSON: expected a string or an array",
        )),
    }
}

/// A Terraform value. Sets are stored as a Vec without duplicates; equality of sets ignores
/// order.
///
/// A value conforms to a [`Type`] when its shape matches (a `List` for `list(T)`, an `Object`
/// with exactly the type's attributes for `object`, ...); `Null` and `Unknown` conform to every
/// type. Values carry no type of their own: the codecs always take the type alongside.
#[derive(Clone, Debug)]
pub enum Value {
    /// A value not known until apply (msgpack `d4 00 00`; not representable in JSON).
    Unknown,
    /// The null value (of whatever type the context says).
    Null,
    /// A known bool.
    Bool(bool),
    /// A known number.
    Number(Number),
    /// A known string.
    String(String),
    /// A known list; elements conform to the element type.
    List(Vec<Value>),
    /// A known set; no two elements are equal (see [`Value::set`]), order carries no meaning.
    Set(Vec<Value>),
    /// A known map.
    Map(BTreeMap<String, Value>),
    /// A known object; holds exactly the attributes of its object type.
    Object(BTreeMap<String, Value>),
    /// A known tuple.
    Tuple(Vec<Value>),
}

/// Structural equality: `Unknown == Unknown`, `Null == Null`, numbers compare numerically
/// (`1 == 1.0`), sets compare as sets (order and duplicates ignored).
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        total_cmp(self, other) == Ordering::Equal
    }
}

impl Eq for Value {}

impl Value {
    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for [`Value::Unknown`] (only the value itself; see [`Value::is_wholly_known`]).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when no Unknown appears anywhere inside.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
            Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => {
                xs.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
        }
    }

    /// The string, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bool, if this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is a known number.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as an `i64`, if this is a known number that is exactly an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::to_i64)
    }

    /// The entries, if this is a known map.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The attributes, if this is a known object.
    pub fn as_object(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Object attribute lookup; None if not an object or attr missing.
    pub fn get(&self, attr: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.get(attr),
            _ => None,
        }
    }

    /// Mutable object attribute lookup; None if not an object or attr missing.
    pub fn get_mut(&mut self, attr: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) => m.get_mut(attr),
            _ => None,
        }
    }

    /// Sets attribute `attr` of an object value (no effect on other values).
    pub fn set_attr(&mut self, attr: &str, v: Value) {
        if let Value::Object(m) = self {
            m.insert(attr.to_string(), v);
        }
    }

    /// A string value, or null for `None`.
    pub fn opt_string(s: Option<impl Into<String>>) -> Value {
        s.map_or(Value::Null, |s| Value::String(s.into()))
    }

    /// A number value, or null for `None`.
    pub fn opt_i64(n: Option<i64>) -> Value {
        n.map_or(Value::Null, Value::from_i64)
    }

    /// A bool value, or null for `None`.
    pub fn opt_bool(b: Option<bool>) -> Value {
        b.map_or(Value::Null, Value::Bool)
    }

    /// Elements of List/Set/Tuple (empty slice otherwise).
    pub fn elements(&self) -> &[Value] {
        match self {
            Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => xs,
            _ => &[],
        }
    }

    /// A known string value.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// A known number value equal to `n`.
    pub fn from_i64(n: i64) -> Value {
        Value::Number(Number::from_i64(n))
    }

    /// A known number value equal to `n`.
    pub fn from_u64(n: u64) -> Value {
        Value::Number(Number::from_u64(n))
    }

    /// A known list.
    pub fn list(elems: impl IntoIterator<Item = Value>) -> Value {
        Value::List(elems.into_iter().collect())
    }

    /// A known set; duplicate elements are dropped (the first of equal elements is kept).
    pub fn set(elems: impl IntoIterator<Item = Value>) -> Value {
        Value::Set(dedup_set(elems.into_iter().collect()))
    }

    /// A known map.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A known object (give every attribute of its type, `Value::Null` for absent ones).
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The concrete type this value implies, as written for a value whose schema type is
    /// `dynamic`: primitives map to their type, `Null`/`Unknown` (and the elements of empty
    /// collections) to [`Type::Dynamic`], collections to the element types unified across all
    /// elements (`Dynamic` parts are filled in from other elements), objects and tuples
    /// element-wise. Errors when a collection's elements have incompatible types.
    pub fn implied_type(&self) -> Result<Type, CodecError> {
        Ok(match self {
            Value::Unknown | Value::Null => Type::Dynamic,
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(xs) => Type::list(unify_all(xs.iter().enumerate(), index_step)?),
            Value::Set(xs) => Type::set(unify_all(xs.iter().enumerate(), index_step)?),
            Value::Map(m) => Type::map(unify_all(
                m.iter().map(|(k, v)| (k.as_str(), v)),
                |k: &str| PathStep::Key(k.to_owned()),
            )?),
            Value::Object(m) => {
                let mut attrs = BTreeMap::new();
                for (k, v) in m {
                    let t = v
                        .implied_type()
                        .map_err(|e| e.prefixed(PathStep::Attr(k.clone())))?;
                    attrs.insert(k.clone(), t);
                }
                Type::Object(attrs)
            }
            Value::Tuple(xs) => {
                let mut elems = Vec::with_capacity(xs.len());
                for (i, v) in xs.iter().enumerate() {
                    elems.push(v.implied_type().map_err(|e| e.prefixed(index_step(i)))?);
                }
                Type::Tuple(elems)
            }
        })
    }

    /// A short name of the value's shape for error messages.
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Value::Unknown => "an unknown value",
            Value::Null => "null",
            Value::Bool(_) => "a bool",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::List(_) => "a list",
            Value::Set(_) => "a set",
            Value::Map(_) => "a map",
            Value::Object(_) => "an object",
            Value::Tuple(_) => "a tuple",
        }
    }
}

from! {
    &str => Value: |s: &str| Value::String(s.to_owned());
    String => Value: Value::String;
    bool => Value: Value::Bool;
    i64 => Value: Value::from_i64;
    Number => Value: Value::Number;
}

fn index_step(i: usize) -> PathStep {
    PathStep::Index(i as u64)
}

/// Unifies the implied types of collection elements; `Dynamic` acts as a wildcard.
fn unify_all<'a, K: Copy>(
    items: impl Iterator<Item = (K, &'a Value)>,
    step: impl Fn(K) -> PathStep,
) -> Result<Type, CodecError> {
    let mut acc = Type::Dynamic;
    for (k, v) in items {
        let t = v.implied_type().map_err(|e| e.prefixed(step(k)))?;
        acc = match unify(&acc, &t) {
            Some(u) => u,
            None => {
                return Err(CodecError::new(format!(
                    "collection elements have inconsistent types ({} and {})",
                    acc.to_json(),
                    t.to_json()
                ))
                .prefixed(step(k)))
            }
        };
    }
    Ok(acc)
}

/// The most specific type both `a` and `b` conform to when `Dynamic` is a wildcard; `None` when
/// they are incompatible.
fn unify(a: &Type, b: &Type) -> Option<Type> {
    Some(match (a, b) {
        (Type::Dynamic, t) | (t, Type::Dynamic) => t.clone(),
        (Type::String, Type::String) => Type::String,
        (Type::Number, Type::Number) => Type::Number,
        (Type::Bool, Type::Bool) => Type::Bool,
        (Type::List(x), Type::List(y)) => Type::list(unify(x, y)?),
        (Type::Set(x), Type::Set(y)) => Type::set(unify(x, y)?),
        (Type::Map(x), Type::Map(y)) => Type::map(unify(x, y)?),
        (Type::Object(x), Type::Object(y)) => {
            if x.len() != y.len() {
                return None;
            }
            let mut attrs = BTreeMap::new();
            for ((kx, tx), (ky, ty)) in x.iter().zip(y) {
                if kx != ky {
                    return None;
                }
                attrs.insert(kx.clone(), unify(tx, ty)?);
            }
            Type::Object(attrs)
        }
        (Type::Tuple(x), Type::Tuple(y)) => {
            if x.len() != y.len() {
                return None;
            }
            let elems: Option<Vec<Type>> = x.iter().zip(y).map(|(a, b)| unify(a, b)).collect();
            Type::Tuple(elems?)
        }
        _ => return None,
    })
}

fn rank(v: &Value) -> u8 {
    match v {
        Value::Unknown => 0,
        Value::Null => 1,
        Value::Bool(_) => 2,
        Value::Number(_) => 3,
        Value::String(_) => 4,
        Value::List(_) => 5,
        Value::Set(_) => 6,
        Value::Map(_) => 7,
        Value::Object(_) => 8,
        Value::Tuple(_) => 9,
    }
}

/// A total order on values consistent with `PartialEq` (equal exactly when `==`). Sets are
/// compared as their sorted, deduplicated element sequences.
fn total_cmp(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.cmp(y),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            cmp_seq(x.iter(), y.iter())
        }
        (Value::Set(x), Value::Set(y)) => {
            cmp_seq(canonical_set(x).into_iter(), canonical_set(y).into_iter())
        }
        (Value::Map(x), Value::Map(y)) | (Value::Object(x), Value::Object(y)) => {
            let mut xi = x.iter();
            let mut yi = y.iter();
            loop {
                match (xi.next(), yi.next()) {
                    (None, None) => return Ordering::Equal,
                    (None, Some(_)) => return Ordering::Less,
                    (Some(_), None) => return Ordering::Greater,
                    (Some((kx, vx)), Some((ky, vy))) => {
                        let o = kx.cmp(ky).then_with(|| total_cmp(vx, vy));
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                }
            }
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

fn cmp_seq<'a>(
    mut x: impl Iterator<Item = &'a Value>,
    mut y: impl Iterator<Item = &'a Value>,
) -> Ordering {
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(a), Some(b)) => {
                let o = total_cmp(a, b);
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

fn canonical_set(xs: &[Value]) -> Vec<&Value> {
    let mut v: Vec<&Value> = xs.iter().collect();
    v.sort_by(|a, b| total_cmp(a, b));
    v.dedup_by(|a, b| total_cmp(a, b) == Ordering::Equal);
    v
}

/// Removes duplicate set elements, keeping the first of equal elements, in O(n log n)
/// comparisons.
fn dedup_set(elems: Vec<Value>) -> Vec<Value> {
    if elems.len() < 2 {
        return elems;
    }
    let mut order: Vec<(usize, &Value)> = elems.iter().enumerate().collect();
    order.sort_by(|(i, a), (j, b)| total_cmp(a, b).then(i.cmp(j)));
    let mut keep = vec![false; elems.len()];
    let mut prev: Option<&Value> = None;
    for (i, v) in order {
        if prev.is_some_and(|p| total_cmp(p, v) == Ordering::Equal) {
            continue;
        }
        if let Some(k) = keep.get_mut(i) {
            *k = true;
        }
        prev = Some(v);
    }
    elems
        .into_iter()
        .zip(keep)
        .filter_map(|(v, k)| k.then_some(v))
        .collect()
}

/// One step of a path to a nested value, for error messages.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// An object attribute (printed `.name`).
    Attr(String),
    /// A list, set or tuple element, by position (printed `[1]`).
    Index(u64),
    /// A map element (printed `["key"]`).
    Key(String),
}

impl fmt::Display for PathStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathStep::Attr(name) => write!(f, ".{name}"),
            PathStep::Index(i) => write!(f, "[{i}]"),
            PathStep::Key(k) => write!(f, "[{}]", json_quote(k)),
        }
    }
}

/// A decoding or encoding failure, with the path of the offending value inside the whole value.
///
/// Displays as `<path>: <message>` (e.g. `.zones[1].name: string is required, found bool`), or
/// just the message when the path is empty (the error is about the whole value).
#[derive(Debug, Clone, PartialEq)]
pub struct CodecError {
    /// What is wrong, without the path.
    pub message: String,
    /// Where, from the outermost value inward; empty for the value itself.
    pub path: Vec<PathStep>,
}

impl CodecError {
    /// An error about the value itself (empty path).
    pub fn new(message: impl Into<String>) -> CodecError {
        CodecError {
            message: message.into(),
            path: Vec::new(),
        }
    }

    /// The same error, seen from one level further out: `step` is put in front of the path.
    pub fn prefixed(mut self, step: PathStep) -> CodecError {
        self.path.insert(0, step);
        self
    }

    /// The path in display form, e.g. `.zones[1].name` (empty for the value itself).
    pub fn path_string(&self) -> String {
        self.path.iter().map(ToString::to_string).collect()
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_at(f, &self.path_string(), &self.message)
    }
}

/// Writes an error as `<path>: <message>`, or the message alone for the value itself.
fn write_at(f: &mut fmt::Formatter<'_>, path: &str, message: &str) -> fmt::Result {
    if path.is_empty() {
        f.write_str(message)
    } else {
        write!(f, "{path}: {message}")
    }
}

impl std::error::Error for CodecError {}

/// Appends `s` as a JSON string literal.
fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `s` as a JSON string literal (for messages).
fn json_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_json_string(&mut out, s);
    out
}

/// `s` quoted for an error message, shortened to a readable length.
fn quote_excerpt(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    if s.chars().count() <= MAX_CHARS {
        json_quote(s)
    } else {
        let short: String = s.chars().take(MAX_CHARS).collect();
        format!("{}...", json_quote(&short))
    }
}

/// The "X is required, found Y" message both codecs use for a value of the wrong shape.
fn mismatch(ty: &Type, found: &str) -> CodecError {
    CodecError::new(format!("{ty} is required, found {found}"))
}

/// Error for nesting beyond [`MAX_DEPTH`].
fn too_deep() -> CodecError {
    CodecError::new(format!("value is nested more than {MAX_DEPTH} levels deep"))
}

/// The depth limit every codec checks before a value of type `ty` at nesting `depth`: a
/// container or dynamic value deeper than [`MAX_DEPTH`] is an error, a primitive never is.
fn check_depth(ty: &Type, depth: usize) -> Result<(), CodecError> {
    let container = !matches!(ty, Type::String | Type::Number | Type::Bool);
    if container && depth >= MAX_DEPTH {
        return Err(too_deep());
    }
    Ok(())
}

/// The check of a tuple's length against its type's (`want`), alike in every codec.
fn tuple_length(want: usize, given: usize) -> Result<(), CodecError> {
    if want != given {
        return Err(CodecError::new(format!(
            "a tuple of length {want} is required ({given} given)"
        )));
    }
    Ok(())
}

/// Puts the path step of element `i` in front of an error from inside a sequence.
fn at_index(i: usize) -> impl FnOnce(CodecError) -> CodecError {
    move |e| e.prefixed(PathStep::Index(i as u64))
}

/// The decoded elements of a list or set type `ty` as its value.
fn sequence(ty: &Type, elems: Vec<Value>) -> Value {
    match ty {
        Type::Set(_) => Value::set(elems),
        _ => Value::List(elems),
    }
}

/// Error for an attribute name the object type does not have (decoding).
fn unsupported_attribute(name: &str) -> CodecError {
    CodecError::new(format!("unsupported attribute {}", quote_excerpt(name)))
}

#[cfg(test)]
pub(crate) mod test_strategies {
    //! proptest strategies shared by the codec tests: random types and conforming values,
    //! and the reference examples both codecs are checked against.

    use super::*;

    /// The object type of the reference examples: `{id: string, size: number, tags:
    /// map(string)}`.
    pub(crate) fn example_type() -> Type {
        Type::object([
            ("id", Type::String),
            ("size", Type::Number),
            ("tags", Type::map(Type::String)),
        ])
    }

    /// A value of [`example_type`].
    pub(crate) fn example(id: Value, size: Value, tags: Value) -> Value {
        Value::object([("id", id), ("size", size), ("tags", tags)])
    }

    /// A test number from its text.
    pub(crate) fn num(s: &str) -> Value {
        Value::Number(Number::parse(s).expect("test number"))
    }
    use proptest::collection::{btree_map, vec};
    use proptest::prelude::*;

    fn attr_name() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("a".to_owned()),
            Just("b".to_owned()),
            Just("id".to_owned()),
            Just("tags".to_owned()),
            Just("zones".to_owned()),
            Just("é ü \"q\"".to_owned()),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            vec(any::<char>(), 0..6).prop_map(|cs| cs.into_iter().collect()),
            vec(prop_oneof![Just('a'), Just('b')], 0..3).prop_map(|cs| cs.into_iter().collect()),
        ]
    }

    /// Random types up to depth ~4; `with_dynamic` allows `Dynamic` anywhere.
    pub(crate) fn arb_type(with_dynamic: bool) -> BoxedStrategy<Type> {
        let leaf = if with_dynamic {
            prop_oneof![
                Just(Type::String),
                Just(Type::Number),
                Just(Type::Bool),
                Just(Type::Dynamic),
            ]
            .boxed()
        } else {
            prop_oneof![Just(Type::String), Just(Type::Number), Just(Type::Bool)].boxed()
        };
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                inner.clone().prop_map(Type::list),
                inner.clone().prop_map(Type::set),
                inner.clone().prop_map(Type::map),
                btree_map(attr_name(), inner.clone(), 0..4).prop_map(Type::Object),
                vec(inner, 0..3).prop_map(Type::Tuple),
            ]
        })
        .boxed()
    }

    /// Random numbers: machine integers, floats and long decimals.
    pub(crate) fn arb_number() -> BoxedStrategy<Number> {
        prop_oneof![
            any::<i64>().prop_map(Number::from_i64),
            any::<u64>().prop_map(Number::from_u64),
            (-300i64..300).prop_map(Number::from_i64),
            any::<f64>().prop_filter_map("finite", Number::from_f64_exact),
            any::<f64>().prop_filter_map("finite", Number::from_f64),
            (vec(0u8..10, 1..40), -60i64..60, any::<bool>()).prop_filter_map(
                "in limits",
                |(digits, exp, neg)| {
                    let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
                    Number::parse(&format!("{}{text}e{exp}", if neg { "-" } else { "" }))
                }
            ),
        ]
        .boxed()
    }

    /// A random value conforming to `ty`, with Null and Unknown possible at any level.
    pub(crate) fn arb_value(ty: &Type) -> BoxedStrategy<Value> {
        let known: BoxedStrategy<Value> = match ty {
            Type::String => text().prop_map(Value::String).boxed(),
            Type::Number => arb_number().prop_map(Value::Number).boxed(),
            Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
            Type::Dynamic => arb_type(false).prop_flat_map(|t| arb_value(&t)).boxed(),
            Type::List(e) => vec(arb_value(e), 0..4).prop_map(Value::List).boxed(),
            Type::Set(e) => vec(arb_value(e), 0..4).prop_map(Value::set).boxed(),
            Type::Map(e) => btree_map(text(), arb_value(e), 0..4)
                .prop_map(Value::Map)
                .boxed(),
            Type::Object(attrs) => {
                let parts: Vec<BoxedStrategy<(String, Value)>> = attrs
                    .iter()
                    .map(|(k, t)| {
                        let k = k.clone();
                        arb_value(t).prop_map(move |v| (k.clone(), v)).boxed()
                    })
                    .collect();
                parts
                    .prop_map(|kvs| Value::Object(kvs.into_iter().collect()))
                    .boxed()
            }
            Type::Tuple(elems) => {
                let parts: Vec<BoxedStrategy<Value>> = elems.iter().map(arb_value).collect();
                parts.prop_map(Value::Tuple).boxed()
            }
        };
        prop_oneof![
            1 => Just(Value::Null),
            1 => Just(Value::Unknown),
            8 => known,
        ]
        .boxed()
    }

    /// A random type with a conforming value.
    pub(crate) fn arb_typed_value() -> BoxedStrategy<(Type, Value)> {
        arb_type(true)
            .prop_flat_map(|t| {
                let v = arb_value(&t);
                (Just(t), v)
            })
            .boxed()
    }

    /// `v` with every Unknown replaced by Null (sets re-deduplicated).
    pub(crate) fn without_unknowns(v: &Value) -> Value {
        match v {
            Value::Unknown => Value::Null,
            Value::List(xs) => Value::List(xs.iter().map(without_unknowns).collect()),
            Value::Tuple(xs) => Value::Tuple(xs.iter().map(without_unknowns).collect()),
            Value::Set(xs) => Value::set(xs.iter().map(without_unknowns)),
            Value::Map(m) => Value::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), without_unknowns(v)))
                    .collect(),
            ),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), without_unknowns(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Value {
        Value::Number(Number::parse(s).unwrap())
    }

    #[test]
    fn type_json_is_compact_and_sorted() {
        let t = Type::object([
            ("zones", Type::list(Type::object([("name", Type::String)]))),
            ("id", Type::String),
            ("size", Type::Number),
            ("tags", Type::map(Type::String)),
            ("flags", Type::set(Type::Bool)),
            ("pair", Type::tuple([Type::String, Type::Dynamic])),
        ]);
        assert_eq!(
            t.to_json(),
            r#"["object",{"flags":["set","bool"],"id":"string","pair":["tuple",["string","dynamic"]],"size":"number","tags":["map","string"],"zones":["list",["object",{"name":"string"}]]}]"#
        );
        assert_eq!(Type::from_json(t.to_json().as_bytes()), Ok(t));
        assert_eq!(Type::String.to_json(), r#""string""#);
        assert_eq!(Type::list(Type::String).to_json(), r#"["list","string"]"#);
    }

    #[test]
    fn type_json_accepts_whitespace_and_escapes_names() {
        let t = Type::from_json(br#" [ "object" , { "a\"b" : [ "tuple" , [ ] ] } ] "#).unwrap();
        assert_eq!(t, Type::object([("a\"b", Type::Tuple(vec![]))]));
        assert_eq!(t.to_json(), r#"["object",{"a\"b":["tuple",[]]}]"#);
    }

    #[test]
    fn invalid_type_json_is_rejected() {
        for bad in [
            &b""[..],
            b"\"str\"",
            b"[\"list\"]",
            b"[\"list\",\"string\",1]",
            b"[\"object\",{},[\"a\"]]",
            b"[\"object\",[]]",
            b"[\"tuple\",{}]",
            b"[\"frob\",\"string\"]",
            b"42",
            b"[\"list\",\"string\"] x",
        ] {
            assert!(
                Type::from_json(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn type_json_nesting_is_limited_to_max_depth() {
        let nest = |n: usize| format!("{}\"string\"{}", "[\"list\",".repeat(n), "]".repeat(n));
        assert!(Type::from_json(nest(MAX_DEPTH).as_bytes()).is_ok());
        assert!(Type::from_json(nest(MAX_DEPTH + 1).as_bytes()).is_err());
        // Far beyond serde_json's own recursion limit: still an error, not a crash.
        assert!(Type::from_json(nest(100_000).as_bytes()).is_err());
    }

    #[test]
    fn type_display_uses_friendly_names() {
        assert_eq!(
            Type::map(Type::set(Type::String)).to_string(),
            "map of set of string"
        );
        assert_eq!(Type::object([("a", Type::Bool)]).to_string(), "object");
    }

    #[test]
    fn sets_compare_ignoring_order_and_duplicates() {
        let a = Value::Set(vec![Value::from_i64(1), Value::from("x"), Value::Null]);
        let b = Value::Set(vec![Value::Null, Value::from("x"), num("1.0")]);
        assert_eq!(a, b);
        assert_eq!(
            Value::Set(vec![Value::from_i64(1), Value::from_i64(1)]),
            Value::Set(vec![Value::from_i64(1)])
        );
        assert_ne!(a, Value::Set(vec![Value::from_i64(1), Value::from("x")]));
        assert_ne!(
            a,
            Value::List(vec![Value::from_i64(1), Value::from("x"), Value::Null])
        );
        let nested_a = Value::set([Value::set([Value::from_i64(1), Value::from_i64(2)])]);
        let nested_b = Value::set([Value::set([Value::from_i64(2), Value::from_i64(1)])]);
        assert_eq!(nested_a, nested_b);
    }

    #[test]
    fn values_compare_structurally_with_numeric_numbers() {
        assert_eq!(Value::from_i64(1), num("1e0"));
        assert_eq!(Value::Unknown, Value::Unknown);
        assert_eq!(Value::Null, Value::Null);
        assert_ne!(Value::Null, Value::Unknown);
        assert_ne!(Value::List(vec![]), Value::Tuple(vec![]));
        assert_ne!(Value::Map(BTreeMap::new()), Value::Object(BTreeMap::new()));
        assert_eq!(
            Value::object([("a", Value::from_i64(2))]),
            Value::object([("a", num("2.000"))])
        );
        assert_ne!(
            Value::list([Value::from("a")]),
            Value::list([Value::from("b")])
        );
    }

    #[test]
    fn set_constructor_keeps_the_first_of_equal_elements_in_order() {
        let s = Value::set([
            Value::from("b"),
            num("1.0"),
            Value::from("a"),
            Value::from_i64(1),
            Value::from("b"),
            Value::Unknown,
            Value::Unknown,
        ]);
        let Value::Set(elems) = &s else { panic!() };
        assert_eq!(
            elems,
            &vec![Value::from("b"), num("1"), Value::from("a"), Value::Unknown]
        );
    }

    #[test]
    fn accessors_return_what_the_value_holds() {
        let mut v = Value::object([
            ("name", Value::from("n")),
            ("count", Value::from_i64(3)),
            ("ok", Value::from(true)),
            ("ids", Value::list([Value::from("a")])),
            ("half", num("0.5")),
            ("big", Value::from_u64(u64::MAX)),
        ]);
        assert_eq!(v.get("name").and_then(Value::as_str), Some("n"));
        assert_eq!(v.get("count").and_then(Value::as_i64), Some(3));
        assert_eq!(v.get("half").and_then(Value::as_i64), None);
        assert_eq!(v.get("big").and_then(Value::as_i64), None);
        assert_eq!(v.get("ok").and_then(Value::as_bool), Some(true));
        assert_eq!(
            v.get("ids").map(Value::elements).map(<[Value]>::len),
            Some(1)
        );
        assert_eq!(v.get("missing"), None);
        assert_eq!(Value::from("x").get("x"), None);
        assert!(Value::Null.elements().is_empty());
        *v.get_mut("name").unwrap() = Value::Unknown;
        assert!(!v.is_wholly_known());
        assert!(v.get("name").unwrap().is_unknown());
        assert!(Value::Null.is_null());
        assert!(Value::list([Value::Null]).is_wholly_known());
        assert!(!Value::map([("k", Value::set([Value::Unknown]))]).is_wholly_known());
    }

    #[test]
    fn implied_types_unify_elements_with_dynamic_as_wildcard() {
        let v = Value::list([
            Value::list([]),
            Value::Null,
            Value::list([Value::from("a")]),
        ]);
        assert_eq!(v.implied_type(), Ok(Type::list(Type::list(Type::String))));
        let obj = Value::object([("a", Value::Null), ("b", Value::Tuple(vec![]))]);
        assert_eq!(
            obj.implied_type(),
            Ok(Type::object([
                ("a", Type::Dynamic),
                ("b", Type::Tuple(vec![]))
            ]))
        );
        assert_eq!(
            Value::map::<&str>([]).implied_type(),
            Ok(Type::map(Type::Dynamic))
        );
        let bad = Value::list([Value::from("a"), Value::from_i64(1)]);
        let err = bad.implied_type().unwrap_err();
        assert_eq!(err.path, vec![PathStep::Index(1)]);
    }

    #[test]
    fn errors_display_their_path_before_the_message() {
        let e = CodecError::new("string is required, found bool")
            .prefixed(PathStep::Attr("name".into()))
            .prefixed(PathStep::Index(1))
            .prefixed(PathStep::Attr("zones".into()));
        assert_eq!(
            e.to_string(),
            ".zones[1].name: string is required, found bool"
        );
        let k = CodecError::new("bad").prefixed(PathStep::Key("a \"b\"".into()));
        assert_eq!(k.to_string(), r#"["a \"b\""]: bad"#);
        assert_eq!(CodecError::new("whole").to_string(), "whole");
    }
}
