//! Tests of `client::signing`: known answers computed apart from this code (Python's `hmac`,
//! `hashlib` and `urllib.parse.quote(v, safe="-_.~")` over the same seven lines).

use super::*;

fn key() -> AccessKey {
    AccessKey {
        id: "AK-id-1".into(),
        secret: Secret::new("SK-secret-123"),
    }
}

const DATE: &str = "Tue, 05 Aug 2025 08:00:00 GMT";

#[test]
fn a_post_with_a_body_and_a_query_signs_as_documented() {
    let query = [
        ("size", "100".to_string()),
        ("name", "a b/c".to_string()),
        ("page", "1".to_string()),
    ];
    let r = Request {
        method: "POST",
        body: Some(br#"{"name":"t1","mode":"MYSQL"}"#),
        date: DATE,
        host: "127.0.0.1:8080",
        path: "/api/v2/ob/clusters/1/tenants",
        query: &query,
    };
    assert_eq!(
        string_to_sign(&r),
        "POST\nEDCB95DFC19D9D40FF3B1A629F49ACC0\napplication/json\nTue, 05 Aug 2025 08:00:00 GMT\n127.0.0.1:8080\nx-ocp-origin:terraform-provider-ocp\n/api/v2/ob/clusters/1/tenants?name=a%20b%2Fc&page=1&size=100"
    );
    assert_eq!(
        authorization(&key(), &r),
        "OCP-ACCESS-KEY-HMACSHA1 AK-id-1:Ynx+jwHku//ViJ03XwKBnSYtDU8="
    );
}

#[test]
fn a_get_without_body_or_query_signs_an_empty_md5_and_the_bare_path() {
    let r = Request {
        method: "GET",
        body: None,
        date: DATE,
        host: "127.0.0.1:8080",
        path: "/api/v2/time",
        query: &[],
    };
    assert_eq!(
        authorization(&key(), &r),
        "OCP-ACCESS-KEY-HMACSHA1 AK-id-1:f5D++NSEjdk5+2W1pvOkAbmNK9c="
    );
    assert!(!format!("{:?}", key()).contains("SK-secret-123"));
}

#[test]
fn the_date_is_rfc_1123_in_gmt() {
    let d = date_now();
    assert!(d.ends_with(" GMT") && d.len() == DATE.len(), "{d}");
    assert!(httpdate::parse_http_date(&d).is_ok(), "{d}");
}
