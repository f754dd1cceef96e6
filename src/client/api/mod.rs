//! Typed OCP calls, one file per API family (ocp-api.md §3).
//!
//! Verbs have one meaning each: `find_*` returns `Option` (`None` = OCP does not have it),
//! `list_*` returns every item (all pages), `create_*` returns [`super::Created`] (new or
//! adopted, design rule R2), and async operations return the [`super::TaskInstance`] to wait
//! for with [`super::OcpClient::wait_task`].

pub mod backup;
pub mod cluster;
pub mod compute;
pub mod db;
pub mod tenant;
pub mod user;

use super::ClientError;

/// Maps a 404 to `None`, for `find_*` calls.
pub(crate) fn not_found_as_none<T>(r: Result<T, ClientError>) -> Result<Option<T>, ClientError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Percent-encodes one path segment (zone and user names go into paths, §1.5).
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(path_segment("zone1"), "zone1");
        assert_eq!(path_segment("a b/c"), "a%20b%2Fc");
    }
}
