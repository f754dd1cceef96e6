//! Tests of `client::envelope`: OCP's response envelope, its error shapes and secret masking.

use super::*;
use crate::client::testutil::expect_err;

const CTX: CallContext<'static> = CallContext {
    endpoint: "http://ocp:8080",
    username: "admin",
    method: "GET",
    path: "/api/v2/ob/clusters",
    mask: Some("S3cret!pw"),
};

#[test]
fn an_ok_envelope_yields_its_data() {
    let body = br#"{"data":{"id":1,"name":"c"},"successful":true,"status":200,
            "timestamp":"2025-03-20T16:47:00.342+08:00","traceId":"629da8eaec66effe"}"#;
    let data = parse_response(&CTX, 200, body).ok().flatten();
    assert_eq!(data, Some(serde_json::json!({"id": 1, "name": "c"})));
}

#[test]
fn an_action_envelope_without_data_yields_none() {
    let body = br#"{"successful":true,"status":200,"traceId":"f4783564b21746db"}"#;
    assert!(matches!(parse_response(&CTX, 200, body), Ok(None)));
    assert!(matches!(parse_response(&CTX, 200, b""), Ok(None)));
}

#[test]
fn an_error_envelope_gives_code_message_and_trace_id() {
    let body = br#"{"successful":false,"status":400,"traceId":"aaaabbbbccccdddd",
            "error":{"code":"ILLEGAL_ARGUMENT","message":"zone zone9 does not exist"}}"#;
    match parse_response(&CTX, 400, body) {
        Err(ClientError::Api {
            http_status,
            code,
            message,
            trace_id,
            ..
        }) => {
            assert_eq!(http_status, 400);
            assert_eq!(code.as_deref(), Some("ILLEGAL_ARGUMENT"));
            assert_eq!(message, "zone zone9 does not exist");
            assert_eq!(trace_id.as_deref(), Some("aaaabbbbccccdddd"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_numeric_error_code_is_accepted() {
    let body = br#"{"successful":false,"status":500,"error":{"code":60018,"message":"x"}}"#;
    match parse_response(&CTX, 500, body) {
        Err(ClientError::Api { code, .. }) => assert_eq!(code.as_deref(), Some("60018")),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn malformed_json_on_200_is_a_decode_error() {
    let r = parse_response(&CTX, 200, b"{\"data\": [1, 2");
    assert!(matches!(r, Err(ClientError::Decode { .. })), "{r:?}");
    let r = parse_response(&CTX, 200, b"[1,2]");
    assert!(matches!(r, Err(ClientError::Decode { .. })), "{r:?}");
}

#[test]
fn an_html_error_page_is_named_by_its_http_status() {
    let r = parse_response(&CTX, 502, b"<html>bad gateway</html>");
    match r {
        Err(ClientError::Api {
            http_status,
            message,
            ..
        }) => {
            assert_eq!(http_status, 502);
            assert_eq!(message, "Bad Gateway");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn an_envelope_without_successful_is_judged_by_error_and_status() {
    let ok = br#"{"data":{"id":3},"status":200}"#;
    assert!(matches!(parse_response(&CTX, 200, ok), Ok(Some(_))));
    let failed = br#"{"status":500,"error":{"message":"db down"}}"#;
    let r = parse_response(&CTX, 200, failed);
    assert!(
        matches!(
            r,
            Err(ClientError::Api {
                http_status: 500,
                ..
            })
        ),
        "{r:?}"
    );
}

#[test]
fn http_200_with_successful_false_is_an_error() {
    let body = br#"{"successful":false,"status":200,"error":{"message":"nope"}}"#;
    let r = parse_response(&CTX, 200, body);
    assert!(
        matches!(r, Err(ClientError::Api { http_status: 200, ref message, .. }) if message == "nope"),
        "{r:?}"
    );
    let body = br#"{"successful":false,"status":404,"error":{"message":"gone"}}"#;
    assert!(matches!(
        parse_response(&CTX, 200, body),
        Err(ClientError::NotFound { .. })
    ));
}

#[test]
fn status_401_names_endpoint_and_user_and_masks_the_password() {
    let body = br#"{"successful":false,"status":401,"error":{"message":"bad S3cret!pw"}}"#;
    let e = expect_err(parse_response(&CTX, 401, body));
    let text = format!("{e} {e:?}");
    assert!(text.contains("http://ocp:8080"), "{text}");
    assert!(text.contains("\"admin\""), "{text}");
    assert!(!text.contains("S3cret!pw"), "{text}");
}

#[test]
fn spring_default_error_bodies_are_understood() {
    let body =
        br#"{"timestamp":"x","status":404,"error":"Not Found","message":"No handler","path":"/a"}"#;
    match parse_response(&CTX, 404, body) {
        Err(ClientError::NotFound { message, .. }) => assert_eq!(message, "No handler"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_password_echoed_in_an_error_message_is_masked() {
    let body = br#"{"successful":false,"status":400,"error":{"message":"pw S3cret!pw weak"}}"#;
    match parse_response(&CTX, 400, body) {
        Err(ClientError::Api { message, .. }) => assert_eq!(message, "pw *** weak"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_password_echoed_in_error_code_or_trace_id_is_masked() {
    // Found by fuzz/fuzz_targets/envelope.rs: only error.message was masked.
    let body = br#"{"successful":false,"status":500,"traceId":"t-S3cret!pw",
            "error":{"code":"S3cret!pw","message":"x"}}"#;
    match parse_response(&CTX, 500, body) {
        Err(ClientError::Api { code, trace_id, .. }) => {
            assert_eq!(code.as_deref(), Some("***"));
            assert_eq!(trace_id.as_deref(), Some("t-***"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let body = br#"{"successful":false,"status":401,"traceId":"S3cret!pw"}"#;
    match parse_response(&CTX, 401, body) {
        Err(ClientError::Unauthorized { trace_id, .. }) => {
            assert_eq!(trace_id.as_deref(), Some("***"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn masking_a_password_with_stars_cannot_form_it_again() {
    // Found while writing fuzz/fuzz_targets/envelope.rs's password check:
    // `"aa**".replace("a**", "***")` is "a***", which still shows the password `a**`.
    let ctx = CallContext {
        mask: Some("a**"),
        ..CTX
    };
    let body = br#"{"successful":false,"error":{"code":"aa**","message":"pw aa** bad"}}"#;
    match parse_response(&ctx, 400, body) {
        Err(ClientError::Api { code, message, .. }) => {
            assert_eq!(code.as_deref(), Some("a###"));
            assert_eq!(message, "pw a### bad");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(mask_secret("a*#~x*", Some("*#~x")), "a\u{a1}\u{a1}\u{a1}*");
    assert_eq!(mask_secret("****", Some("***")), "###*");
    assert_eq!(mask_secret("S3cret!pw", Some("pw")), "S3cret!pw");
    assert_eq!(mask_secret("S3cret!pw", None), "S3cret!pw");
}

mod props {
    use super::*;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    fn text() -> BoxedStrategy<String> {
        prop_oneof![
            Just(String::new()),
            Just("S3cret!pw".to_owned()),
            Just("a**".to_owned()),
            "[a*S3cret!pw ]{0,12}",
            any::<String>(),
        ]
        .boxed()
    }

    fn scalar() -> BoxedStrategy<Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u16>().prop_map(|n| Value::from(u64::from(n) + 100)),
            text().prop_map(Value::String),
        ]
        .boxed()
    }

    /// JSON objects shaped like OCP envelopes (every member optional, of any plausible
    /// kind), serialized.
    fn envelope_body() -> BoxedStrategy<Vec<u8>> {
        let error = prop_oneof![
            scalar(),
            (
                option::of(scalar()),
                option::of(scalar()),
                option::of(scalar())
            )
                .prop_map(|(code, message, msg)| {
                    let mut e = Map::new();
                    e.extend(code.map(|v| ("code".to_owned(), v)));
                    e.extend(message.map(|v| ("message".to_owned(), v)));
                    e.extend(msg.map(|v| ("msg".to_owned(), v)));
                    Value::Object(e)
                }),
        ]
        .boxed();
        (
            option::of(scalar()),
            option::of(prop_oneof![scalar(), Just(serde_json::json!({"contents": []}))].boxed()),
            option::of(scalar()),
            option::of(error),
            option::of(scalar()),
            option::of(scalar()),
        )
            .prop_map(|(successful, data, status, error, message, trace_id)| {
                let mut o = Map::new();
                for (k, v) in [
                    ("successful", successful),
                    ("data", data),
                    ("status", status),
                    ("error", error),
                    ("message", message),
                    ("traceId", trace_id),
                ] {
                    o.extend(v.map(|v| (k.to_owned(), v)));
                }
                serde_json::to_vec(&Value::Object(o)).unwrap_or_default()
            })
            .boxed()
    }

    fn body() -> BoxedStrategy<Vec<u8>> {
        prop_oneof![
            vec(any::<u8>(), 0..256),
            vec(
                prop_oneof![
                    Just(b'{'),
                    Just(b'}'),
                    Just(b'"'),
                    Just(b':'),
                    Just(b','),
                    Just(b' '),
                    any::<u8>()
                ],
                0..64
            ),
            envelope_body(),
        ]
        .boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn parse_response_never_panics_and_keeps_the_password_out(
            status in prop_oneof![any::<u16>(), 100u16..600],
            body in body(),
            mask in option::of(text()),
        ) {
            let ctx = CallContext { mask: mask.as_deref(), ..CTX };
            let http_ok = (200..300).contains(&status);
            match parse_response(&ctx, status, &body) {
                Ok(data) => {
                    prop_assert!(http_ok, "HTTP {} accepted", status);
                    prop_assert!(data.is_none_or(|d| !d.is_null()));
                }
                Err(e) => {
                    let _ = e.to_string();
                    let texts: Vec<&String> = match &e {
                        ClientError::Api { code, message, trace_id, .. } => {
                            [Some(message), code.as_ref(), trace_id.as_ref()]
                                .into_iter()
                                .flatten()
                                .collect()
                        }
                        ClientError::NotFound { message, trace_id, .. }
                        | ClientError::Forbidden { message, trace_id, .. } => {
                            [Some(message), trace_id.as_ref()].into_iter().flatten().collect()
                        }
                        ClientError::Unauthorized { trace_id, .. } => {
                            trace_id.iter().collect()
                        }
                        ClientError::Decode { .. } => {
                            prop_assert!(http_ok, "decode error for HTTP {}", status);
                            Vec::new()
                        }
                        other => {
                            return Err(TestCaseError::fail(format!("unexpected {other:?}")))
                        }
                    };
                    if let Some(secret) = mask.as_deref().filter(|s| s.len() >= 3) {
                        for t in &texts {
                            prop_assert!(!t.contains(secret), "{:?} shows in {:?}", secret, t);
                        }
                    }
                }
            }
        }
    }
}
