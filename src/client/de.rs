//! Tolerant serde helpers for OCP JSON (rule R5: decoding is total).
//!
//! OCP sends `null` for absent values, ids sometimes as strings, and lists that may be `null`.
//! Every field of an OCP answer decodes by its type through [`Wire`], chosen for each field of a
//! struct declared with [`wire_struct!`]: scalars are lenient (a value of another kind reads as
//! absent), objects and list elements are strict (one of unexpected shape is an error naming its
//! path, design rule R6).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// How a field of this type decodes from OCP JSON. Every method defaults to serde's own, strict
/// decoding (objects: an unexpected shape is an error naming the field, never read as absent).
pub(crate) trait Wire: DeserializeOwned {
    /// A field of this type (absent fields take `Default`, see [`wire_struct!`]).
    fn field<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize(d)
    }
    /// A field of type `Option<Self>`: `null` is `None`.
    fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Option::<Self>::deserialize(d)
    }
    /// An element of a `Vec<Self>` field.
    fn elem<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize(d)
    }
}

/// The `deserialize_with` of every [`wire_struct!`] field: decodes by the field's type.
pub(crate) fn wire<'de, D: Deserializer<'de>, T: Wire>(d: D) -> Result<T, D::Error> {
    T::field(d)
}

/// Ids: a required id is a number or a numeric string, else an error; an optional one reads
/// anything else as absent.
impl Wire for i64 {
    fn field<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de_i64(d)
    }
    fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        de_opt_i64(d)
    }
    fn elem<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de_i64(d)
    }
}

/// Texts: numbers and booleans as text; a missing or null `String` field is empty. List
/// elements must be strings.
impl Wire for String {
    fn field<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de_opt_string(d).map(Option::unwrap_or_default)
    }
    fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        de_opt_string(d)
    }
}

/// A boolean, `"true"`/`"false"`; anything else reads as absent.
impl Wire for bool {
    fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            Some(Value::Bool(b)) => Some(b),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        })
    }
}

/// A number or a numeric string; anything else reads as absent.
impl Wire for f64 {
    fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        })
    }
}

/// Raw JSON, kept as sent.
impl Wire for Value {}

/// An optional field of any decodable type.
impl<T: Wire> Wire for Option<T> {
    fn field<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::opt(d)
    }
}

/// A list: `null` reads as empty (or `None` for `Option<Vec<T>>`). Every element must decode:
/// one that does not is an error naming its index and the field inside it (R6: an element that
/// vanished from a decoded list would read as drift, and drift on a cluster plans a
/// replacement). Decoded in place (not through a `Value`), so that [`decode_at`] names it.
impl<T: Wire> Wire for Vec<T> {
    fn field<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::opt(d).map(Option::unwrap_or_default)
    }
    fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        let list = Option::<Vec<Elem<T>>>::deserialize(d)?;
        Ok(list.map(|l| l.into_iter().map(|e| e.0).collect()))
    }
}

/// One list element, decoded by [`Wire::elem`].
struct Elem<T>(T);

impl<'de, T: Wire> Deserialize<'de> for Elem<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::elem(d).map(Elem)
    }
}

/// Declares a struct of an OCP answer whose every field decodes by its type ([`Wire`]) and
/// takes its `Default` when absent, and makes the struct itself a [`Wire`] type (strict: an
/// object of unexpected shape is an error). The macro derives `Debug`, `Clone`, `Default`,
/// `PartialEq` and `Deserialize` and names the fields in camelCase (OCP's JSON spelling);
/// other serde attributes (`rename`, `alias`, ...) stay on the fields. A struct that also
/// derives `Serialize` sends an `Option` field only when it is `Some`. A field marked `#[required]` has no default: its absence is an error. A field marked
/// `#[decode_with = "path"]` decodes through that function instead.
macro_rules! wire_struct {
    ($(#[$m:meta])* $vis:vis struct $name:ident { $($body:tt)* }) => {
        $crate::client::de::wire_struct!(@field [
            #[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
            #[serde(rename_all = "camelCase")]
            $(#[$m])* $vis struct $name] [] []
            [default, deserialize_with = "crate::client::de::wire"] $($body)*);
        impl $crate::client::de::Wire for $name {}
    };
    (@field $head:tt $out:tt $attrs:tt [$($d:tt)*] #[required] $($rest:tt)*) => {
        $crate::client::de::wire_struct!(@field $head $out $attrs
            [deserialize_with = "crate::client::de::wire"] $($rest)*);
    };
    (@field $head:tt $out:tt $attrs:tt $d:tt #[decode_with = $with:literal] $($rest:tt)*) => {
        $crate::client::de::wire_struct!(@field $head $out $attrs
            [default, deserialize_with = $with] $($rest)*);
    };
    (@field $head:tt $out:tt [$($a:tt)*] $d:tt #[$m:meta] $($rest:tt)*) => {
        $crate::client::de::wire_struct!(@field $head $out [$($a)* #[$m]] $d $($rest)*);
    };
    (@field $head:tt [$($out:tt)*] [$($a:tt)*] [$($d:tt)*]
        $fvis:vis $f:ident : Option<$t:ty> $(, $($rest:tt)*)?) => {
        $crate::client::de::wire_struct!(@field $head
            [$($out)* $($a)* #[serde($($d)*, skip_serializing_if = "Option::is_none")]
                $fvis $f: Option<$t>,] []
            [default, deserialize_with = "crate::client::de::wire"] $($($rest)*)?);
    };
    (@field $head:tt [$($out:tt)*] [$($a:tt)*] [$($d:tt)*]
        $fvis:vis $f:ident : $t:ty $(, $($rest:tt)*)?) => {
        $crate::client::de::wire_struct!(@field $head
            [$($out)* $($a)* #[serde($($d)*)] $fvis $f: $t,] []
            [default, deserialize_with = "crate::client::de::wire"] $($($rest)*)?);
    };
    (@field [$($head:tt)*] [$($out:tt)*] [] $d:tt) => {
        $($head)* { $($out)* }
    };
}
pub(crate) use wire_struct;

/// Declares the struct of a request body: derives `Debug`, `Clone`, `PartialEq` and
/// `Serialize`, names the fields in camelCase (OCP's JSON spelling) and sends an `Option` field
/// only when it is `Some` (OCP then keeps or chooses the value). Other serde attributes stay on
/// the fields.
macro_rules! body_struct {
    ($(#[$m:meta])* $vis:vis struct $name:ident $(<$lt:lifetime>)? { $($body:tt)* }) => {
        $crate::client::de::body_struct!(@field [
            #[derive(Debug, Clone, PartialEq, serde::Serialize)]
            #[serde(rename_all = "camelCase")]
            $(#[$m])* $vis struct $name $(<$lt>)?] [] [] $($body)*);
    };
    (@field $head:tt $out:tt [$($a:tt)*] #[$m:meta] $($rest:tt)*) => {
        $crate::client::de::body_struct!(@field $head $out [$($a)* #[$m]] $($rest)*);
    };
    (@field $head:tt [$($out:tt)*] [$($a:tt)*]
        $fvis:vis $f:ident : Option<$t:ty> $(, $($rest:tt)*)?) => {
        $crate::client::de::body_struct!(@field $head [$($out)* $($a)*
            #[serde(skip_serializing_if = "Option::is_none")] $fvis $f: Option<$t>,] []
            $($($rest)*)?);
    };
    (@field $head:tt [$($out:tt)*] [$($a:tt)*] $fvis:vis $f:ident : $t:ty $(, $($rest:tt)*)?) => {
        $crate::client::de::body_struct!(@field $head [$($out)* $($a)* $fvis $f: $t,] []
            $($($rest)*)?);
    };
    (@field [$($head:tt)*] [$($out:tt)*] []) => {
        $($head)* { $($out)* }
    };
}
pub(crate) use body_struct;

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
        // An error that starts with a key or index (`["mon"]: ...`) continues the path.
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    wire_struct! {
        /// An answer that is also sent back.
        #[derive(serde::Serialize)]
        struct Both {
            #[required]
            item_id: i64,
            display_name: Option<String>,
            tags: Vec<String>,
        }
    }

    body_struct! {
        /// A request body with a borrowed member.
        struct Body<'a> {
            #[serde(rename = "type")]
            kind: &'a str,
            alias: Option<&'a str>,
            zone_list: Vec<i64>,
        }
    }

    #[test]
    fn wire_structs_read_camel_case_and_send_options_only_when_set() {
        let v = json!({"itemId": "7", "displayName": null, "tags": null});
        let both: Both = decode_at("", v).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(both.item_id, 7);
        assert_eq!(both.display_name, None);
        let sent = serde_json::to_value(&both).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent, json!({"itemId": 7, "tags": []}));
        let err = decode_at::<Both>("", json!({"itemId": []})).err();
        assert_eq!(
            err.as_deref(),
            Some("itemId: expected an integer id, got an array")
        );
    }

    #[test]
    fn body_structs_send_camel_case_and_leave_out_absent_options() {
        let body = |alias| Body {
            kind: "FULL",
            alias,
            zone_list: vec![],
        };
        let sent = serde_json::to_value(body(None)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent, json!({"type": "FULL", "zoneList": []}));
        let sent = serde_json::to_value(body(Some("a"))).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent, json!({"type": "FULL", "alias": "a", "zoneList": []}));
    }
}
