//! Tolerant serde helpers for OCP JSON (rule R5: decoding is total).
//!
//! OCP sends `null` for absent values, ids sometimes as strings, and lists that may be `null`.
//! These `deserialize_with` helpers accept all of that; use them with `#[serde(default)]`.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Accepts a number, a numeric string or null.
pub(crate) fn de_opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Accepts a string, a number or a boolean (as text) or null.
pub(crate) fn de_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// Like [`de_opt_string`], but missing/null becomes the empty string.
pub(crate) fn de_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    de_opt_string(d).map(Option::unwrap_or_default)
}

/// Accepts a boolean, `"true"`/`"false"` or null.
pub(crate) fn de_opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A list that may be `null` or hold items of unexpected shape (those are skipped).
pub(crate) fn de_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    })
}

pub(crate) fn de_vec_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// A required id: a number or a numeric string.
pub(crate) fn de_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    let n = match &v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    n.ok_or_else(|| {
        serde::de::Error::custom(format!(
            "expected an integer id, got {}",
            super::envelope::json_kind(&v)
        ))
    })
}
