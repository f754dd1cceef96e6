//! The traversal both wire encoders share: nulls and unknowns, the depth limit, dynamic
//! values, tuple lengths and object attributes are checked once here, and a [`Writer`] puts
//! each piece into its format (cty JSON or msgpack).

use super::{
    at_index, check_depth, mismatch, quote_excerpt, tuple_length, CodecError, Number, PathStep,
    Type, Value,
};

/// One wire format, written piece by piece by [`encode`].
pub(super) trait Writer {
    /// An unknown value (an error where the format has none).
    fn unknown(&mut self) -> Result<(), CodecError>;
    /// A null.
    fn null(&mut self);
    /// A string.
    fn string(&mut self, s: &str) -> Result<(), CodecError>;
    /// A number.
    fn number(&mut self, n: &Number) -> Result<(), CodecError>;
    /// A bool.
    fn bool(&mut self, b: bool) -> Result<(), CodecError>;
    /// A value of dynamic type whose concrete type is `ty`; `value` writes the value itself.
    fn dynamic(
        &mut self,
        ty: &Type,
        value: impl FnOnce(&mut Self) -> Result<(), CodecError>,
    ) -> Result<(), CodecError>;
    /// The start of a list, set or tuple of `len` elements.
    fn start_seq(&mut self, len: usize) -> Result<(), CodecError>;
    /// The start of a map or object of `len` entries.
    fn start_map(&mut self, len: usize) -> Result<(), CodecError>;
    /// What comes before element `i` of a sequence.
    fn element(&mut self, i: usize);
    /// The key of entry `i` of a map or object.
    fn key(&mut self, i: usize, key: &str) -> Result<(), CodecError>;
    /// The end of a sequence.
    fn end_seq(&mut self);
    /// The end of a map or object.
    fn end_map(&mut self);
}

/// Writes `v` of type `ty` at nesting `depth`. Fails on values not conforming to `ty`: the
/// value's kind must match the type, a tuple must have the type's length, an object must
/// carry every attribute of its type and no other.
pub(super) fn encode<W: Writer>(
    v: &Value,
    ty: &Type,
    w: &mut W,
    depth: usize,
) -> Result<(), CodecError> {
    match v {
        Value::Unknown => return w.unknown(),
        Value::Null => {
            w.null();
            return Ok(());
        }
        _ => {}
    }
    check_depth(ty, depth)?;
    match (ty, v) {
        (Type::Dynamic, _) => {
            let concrete = v.implied_type()?;
            w.dynamic(&concrete, |w| encode(v, &concrete, w, depth + 1))
        }
        (Type::String, Value::String(s)) => w.string(s),
        (Type::Number, Value::Number(n)) => w.number(n),
        (Type::Bool, Value::Bool(b)) => w.bool(*b),
        (Type::List(e), Value::List(xs)) | (Type::Set(e), Value::Set(xs)) => {
            w.start_seq(xs.len())?;
            for (i, x) in xs.iter().enumerate() {
                w.element(i);
                encode(x, e, w, depth + 1).map_err(at_index(i))?;
            }
            w.end_seq();
            Ok(())
        }
        (Type::Tuple(types), Value::Tuple(xs)) => {
            tuple_length(types.len(), xs.len())?;
            w.start_seq(xs.len())?;
            for (i, (x, t)) in xs.iter().zip(types).enumerate() {
                w.element(i);
                encode(x, t, w, depth + 1).map_err(at_index(i))?;
            }
            w.end_seq();
            Ok(())
        }
        (Type::Map(e), Value::Map(entries)) => {
            w.start_map(entries.len())?;
            for (i, (k, x)) in entries.iter().enumerate() {
                w.key(i, k)?;
                encode(x, e, w, depth + 1).map_err(|err| err.prefixed(PathStep::Key(k.clone())))?;
            }
            w.end_map();
            Ok(())
        }
        (Type::Object(attrs), Value::Object(values)) => {
            if let Some(extra) = values.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(CodecError::new(format!(
                    "unsupported attribute {}: the object type has no such attribute",
                    quote_excerpt(extra)
                )));
            }
            w.start_map(attrs.len())?;
            // BTreeMap order is bytewise order of the names, as Terraform writes them.
            for (i, (name, aty)) in attrs.iter().enumerate() {
                let attr = || PathStep::Attr(name.clone());
                let Some(x) = values.get(name) else {
                    return Err(CodecError::new(
                        "attribute is missing from the object value (objects must carry every \
                         attribute of their type; use Value::Null for absent ones)",
                    )
                    .prefixed(attr()));
                };
                w.key(i, name)?;
                encode(x, aty, w, depth + 1).map_err(|err| err.prefixed(attr()))?;
            }
            w.end_map();
            Ok(())
        }
        _ => Err(mismatch(ty, v.kind_name())),
    }
}
