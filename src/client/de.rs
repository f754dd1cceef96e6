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

/// Accepts a number, a numeric string or null.
pub(crate) fn de_opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// An integer id from a number or a numeric string.
fn id_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
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

/// A list that may be `null` (read as empty). Every element must decode: one that does not is
/// an error naming its index and the field inside it (design rule R6: an element that vanished
/// from a decoded list would read as drift, and drift on a cluster plans a replacement).
pub(crate) fn de_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    // Deserialized in place (not through a `Value`), so that [`decode_at`] names the element
    // and the field inside it that failed.
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A list of integer ids (numbers or numeric strings); `null` reads as empty. An element that
/// is not an integer is an error naming its index, never skipped (R6).
pub(crate) fn de_vec_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                id_of(v).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "[{i}]: expected an integer id, got {}",
                        super::envelope::json_kind(v)
                    ))
                })
            })
            .collect(),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a list, got {}",
            super::envelope::json_kind(&other)
        ))),
    }
}

/// An object that may be `null` (read as `None`). An object of unexpected shape is an error
/// naming the field, never read as absent (R6).
pub(crate) fn de_opt_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d)
}

/// Decodes `v` as `T`; the error text starts with `prefix` (such as `contents[3]`) followed by
/// the path of the field inside `v` that failed, e.g. `contents[3].servers[0].id: expected an
/// integer id`. Every decode of an OCP answer goes through here.
pub(crate) fn decode_at<T: serde::de::DeserializeOwned>(
    prefix: &str,
    v: Value,
) -> Result<T, String> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        // serde_path_to_error calls the top level `.`.
        let inner_path = match e.path().to_string() {
            p if p == "." => String::new(),
            p => p,
        };
        let path = match (prefix.is_empty(), inner_path.is_empty()) {
            (_, true) => prefix.to_string(),
            (true, false) => inner_path,
            (false, false) if inner_path.starts_with('[') => format!("{prefix}{inner_path}"),
            (false, false) => format!("{prefix}.{inner_path}"),
        };
        let msg = e.into_inner().to_string();
        // An error of [`de_vec_i64`] starts with its element's index: continue the path.
        if path.is_empty() || (msg.starts_with('[') && msg.contains(']')) {
            format!("{path}{msg}")
        } else {
            format!("{path}: {msg}")
        }
    })
}

/// A required id: a number or a numeric string.
pub(crate) fn de_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    id_of(&v).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "expected an integer id, got {}",
            super::envelope::json_kind(&v)
        ))
    })
}
