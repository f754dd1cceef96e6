//! AK/SK request signing of newer OCP (ocp-api.md §1.2 B; §5 #19: Basic is the default, an
//! access key the option).
//!
//! `Authorization: OCP-ACCESS-KEY-HMACSHA1 <AccessKeyId>:<Signature>`, with
//! `Signature = base64(HMAC-SHA1(AccessKeySecret, stringToSign))` and the string to sign made of
//! seven lines: method, MD5 of the body (32 upper-case hex digits, empty without a body),
//! `Content-Type`, `Date` (RFC 1123, GMT), host (`host[:port]` as the `Host` header sends it),
//! the `x-ocp-*` headers as `name:value` sorted by name, and the path with its query sorted by
//! key.
//!
//! Decisions where §1.2 is silent, kept here: query keys and values are percent-encoded with
//! everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - _ . ~`) escaped, upper-case
//! hex, as `k=v` joined by `&`; header names are lower case; every signed request carries
//! `Content-Type: application/json` and `x-ocp-origin: terraform-provider-ocp`.

use base64::Engine;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;

use super::api::path_segment as encode;
use super::Secret;

/// The scheme of the `Authorization` header.
pub const SCHEME: &str = "OCP-ACCESS-KEY-HMACSHA1";
/// The origin tag every signed request sends (an `x-ocp-*` header, so it is signed).
pub const ORIGIN: (&str, &str) = ("x-ocp-origin", "terraform-provider-ocp");
/// The content type every signed request sends and signs.
pub const CONTENT_TYPE: &str = "application/json";

/// An OCP access key: its id and secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// `AccessKeyId`.
    pub id: String,
    /// `AccessKeySecret`; never logged.
    pub secret: Secret,
}

/// One request as it is signed.
pub struct Request<'a> {
    /// HTTP method, upper case.
    pub method: &'a str,
    /// The body sent, if any.
    pub body: Option<&'a [u8]>,
    /// The `Date` header.
    pub date: &'a str,
    /// `host[:port]`, as the `Host` header.
    pub host: &'a str,
    /// The path, as sent (its segments percent-encoded).
    pub path: &'a str,
    /// The query parameters, decoded.
    pub query: &'a [(&'a str, String)],
}

/// The string to sign of `r` (see the module docs).
pub fn string_to_sign(r: &Request<'_>) -> String {
    let md5 = match r.body {
        Some(b) if !b.is_empty() => {
            let d = Md5::digest(b);
            d.iter().map(|x| format!("{x:02X}")).collect()
        }
        _ => String::new(),
    };
    let mut query: Vec<(&str, &str)> = r.query.iter().map(|(k, v)| (*k, v.as_str())).collect();
    query.sort();
    let mut resource = r.path.to_string();
    if !query.is_empty() {
        let pairs: Vec<String> = (query.iter())
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        resource = format!("{resource}?{}", pairs.join("&"));
    }
    let headers = format!("{}:{}", ORIGIN.0, ORIGIN.1);
    [
        r.method,
        &md5,
        CONTENT_TYPE,
        r.date,
        r.host,
        &headers,
        &resource,
    ]
    .join("\n")
}

/// The `Authorization` header of `r` signed with `key`.
pub fn authorization(key: &AccessKey, r: &Request<'_>) -> String {
    let signature = match Hmac::<Sha1>::new_from_slice(key.secret.expose().as_bytes()) {
        Ok(mut mac) => {
            mac.update(string_to_sign(r).as_bytes());
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        }
        // HMAC takes a key of any length; this arm is never reached.
        Err(_) => String::new(),
    };
    format!("{SCHEME} {}:{signature}", key.id)
}

/// The `Date` header for now (RFC 1123, GMT).
pub fn date_now() -> String {
    httpdate::fmt_http_date(std::time::SystemTime::now())
}

#[cfg(test)]
mod tests;
