//! AK/SK signature check (ocp-api.md §1.2 B, §5 #19): with `--access-key ID:SECRET`, a request
//! whose `Authorization` is `OCP-ACCESS-KEY-HMACSHA1 <id>:<signature>` is accepted when the
//! signature is `base64(HMAC-SHA1(secret, stringToSign))` over the seven lines of §1.2 and its
//! `Date` is within 15 minutes of the simulator's wall clock.
//!
//! Decisions where §1.2 is silent (shared with the provider's `client::signing`): query keys
//! and values are re-encoded with everything but RFC 3986's unreserved characters escaped
//! (upper-case hex) and sorted by key; header names are lower case; the host is the `Host`
//! header as received.

use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, Method, Uri};
use base64::Engine;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;

use crate::paging::Query;

/// The scheme of the `Authorization` header.
pub const SCHEME: &str = "OCP-ACCESS-KEY-HMACSHA1";

/// How far a request's `Date` may be from the simulator's clock (§5 #19).
const SKEW: Duration = Duration::from_secs(15 * 60);

/// RFC 3986 percent-encoding: unreserved characters stay, every other byte is `%XX`.
fn encode(s: &str) -> String {
    let keep = |b: u8| b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
    (s.bytes())
        .map(|b| {
            if keep(b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The string to sign of a request as received.
pub fn string_to_sign(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> String {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let md5 = if body.is_empty() {
        String::new()
    } else {
        Md5::digest(body)
            .iter()
            .map(|x| format!("{x:02X}"))
            .collect()
    };
    let mut ocp: Vec<(String, String)> = headers
        .iter()
        .filter(|(n, _)| n.as_str().starts_with("x-ocp-"))
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    ocp.sort();
    let ocp: Vec<String> = ocp.iter().map(|(n, v)| format!("{n}:{v}")).collect();
    let mut query = Query::parse(uri.query()).into_pairs();
    query.sort();
    let mut resource = uri.path().to_string();
    if !query.is_empty() {
        let pairs: Vec<String> = (query.iter())
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        resource = format!("{resource}?{}", pairs.join("&"));
    }
    [
        method.as_str().to_string(),
        md5,
        header("content-type"),
        header("date"),
        header("host"),
        ocp.join("\n"),
        resource,
    ]
    .join("\n")
}

/// `base64(HMAC-SHA1(secret, text))`.
pub fn signature(secret: &str, text: &str) -> String {
    match Hmac::<Sha1>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(text.as_bytes());
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// Checks a signed request against the configured key `(id, secret)`: `Err` says why it is
/// refused (the answer's 401 message).
pub fn verify(
    key: Option<&(String, String)>,
    credential: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), &'static str> {
    let Some((id, secret)) = key else {
        return Err("AK/SK authentication is not enabled on this server");
    };
    let Some((given_id, given_sig)) = credential.trim().split_once(':') else {
        return Err("Malformed access key signature");
    };
    if given_id != id {
        return Err("Unknown access key");
    }
    let date = headers
        .get("date")
        .and_then(|v| v.to_str().ok())
        .and_then(|d| httpdate::parse_http_date(d).ok())
        .ok_or("A signed request needs a Date header (RFC 1123, GMT)")?;
    let now = SystemTime::now();
    let skew = now
        .duration_since(date)
        .or_else(|_| date.duration_since(now))
        .unwrap_or_default();
    if skew > SKEW {
        return Err("The Date of the signed request is more than 15 minutes off");
    }
    if signature(secret, &string_to_sign(method, uri, headers, body)) != given_sig {
        return Err("The access key signature does not match");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The known answer the provider's signer is tested with too (computed apart, with
    /// Python's `hmac`/`hashlib`), here over a request as received: form-encoded query, the
    /// provider's headers.
    #[test]
    fn a_request_as_received_signs_as_documented() {
        let uri: Uri = "/api/v2/ob/clusters/1/tenants?size=100&name=a+b%2Fc&page=1"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut headers = HeaderMap::new();
        for (n, v) in [
            ("content-type", "application/json"),
            ("date", "Tue, 05 Aug 2025 08:00:00 GMT"),
            ("host", "127.0.0.1:8080"),
            ("x-ocp-origin", "terraform-provider-ocp"),
            ("accept", "application/json"),
        ] {
            headers.insert(n, v.parse().unwrap_or_else(|e| panic!("{e}")));
        }
        let body = br#"{"name":"t1","mode":"MYSQL"}"#;
        let text = string_to_sign(&Method::POST, &uri, &headers, body);
        assert_eq!(
            signature("SK-secret-123", &text),
            "Ynx+jwHku//ViJ03XwKBnSYtDU8="
        );
        let key = ("AK-id-1".to_string(), "SK-secret-123".to_string());
        let cred = "AK-id-1:Ynx+jwHku//ViJ03XwKBnSYtDU8=";
        // That Date is long past: refused for its age, not its signature.
        let r = verify(Some(&key), cred, &Method::POST, &uri, &headers, body);
        assert_eq!(
            r,
            Err("The Date of the signed request is more than 15 minutes off")
        );
        let now = httpdate::fmt_http_date(SystemTime::now());
        headers.insert("date", now.parse().unwrap_or_else(|e| panic!("{e}")));
        let text = string_to_sign(&Method::POST, &uri, &headers, body);
        let cred = format!("AK-id-1:{}", signature("SK-secret-123", &text));
        assert_eq!(
            verify(Some(&key), &cred, &Method::POST, &uri, &headers, body),
            Ok(())
        );
        let r = verify(Some(&key), &cred, &Method::POST, &uri, &headers, b"{}");
        assert_eq!(r, Err("The access key signature does not match"));
        let r = verify(None, &cred, &Method::POST, &uri, &headers, body);
        assert_eq!(r, Err("AK/SK authentication is not enabled on this server"));
    }

    #[test]
    fn query_components_are_re_encoded_with_rfc_3986() {
        assert_eq!(encode("a b/c~d"), "a%20b%2Fc~d");
    }
}
