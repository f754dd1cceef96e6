//! [`Secret`]: a string that never shows itself (design rule R5).
//!
//! Passwords and keys travel through the provider as `Secret`. `Debug` and `Display` print
//! `***`, and the buffer is overwritten with zeros when the value is dropped. The only way to
//! read the text is [`Secret::expose`], which makes every use easy to find in review.

use std::fmt;

use zeroize::Zeroize;

/// A secret string: `Debug`/`Display` print `***`, the memory is zeroized on drop.
///
/// `Serialize` writes the real value (it is meant for request bodies sent to OCP, which the
/// client never logs); there is deliberately no `Deserialize`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret text. Call only where the value must leave the process (HTTP auth, bodies).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_and_display_print_stars_only() {
        let s = Secret::new("hunter2-Pa55");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(***)");
        assert_eq!(s.expose(), "hunter2-Pa55");
    }

    #[test]
    fn secret_serializes_its_real_value_for_request_bodies() {
        let s = Secret::from("p@ss");
        assert_eq!(serde_json::to_string(&s).ok().as_deref(), Some("\"p@ss\""));
    }
}
