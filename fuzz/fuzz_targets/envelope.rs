//! `parse_response` on an arbitrary HTTP status, provider password and body.
//!
//! Input layout: byte 0 picks the HTTP status (one of the common ones, or, from 0xf0 up, the
//! next two bytes big-endian); the next byte picks the password to mask (none, a realistic
//! one, or up to 15 bytes taken from the input); the rest is the body.
//!
//! Checks: no panic; only 2xx answers succeed, and a success never yields `data: null`; a
//! non-2xx answer gives the error variant of its status; decode errors only for 2xx; no
//! OCP-provided text in the error (message, code, traceId) contains the password (rule R5);
//! messages are cut to their documented length.
#![no_main]

use libfuzzer_sys::fuzz_target;
use terraform_provider_ocp::client::envelope::{parse_response, CallContext};
use terraform_provider_ocp::client::error::ClientError;

const STATUSES: [u16; 24] = [
    200, 201, 204, 299, 400, 401, 403, 404, 405, 409, 415, 429, 500, 502, 503, 504, 301, 302, 100,
    199, 300, 399, 0, 65535,
];

/// `MAX_MESSAGE_CHARS` in envelope.rs, plus the `…` marking a cut.
const MAX_MESSAGE_CHARS: usize = 2000 + 1;

fn next<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let n = n.min(data.len());
    let (head, rest) = data.split_at(n);
    *data = rest;
    head
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let status = match next(&mut data, 1) {
        [b] if *b < 0xf0 => STATUSES[usize::from(*b) % STATUSES.len()],
        [_] => match next(&mut data, 2) {
            [hi, lo] => u16::from_be_bytes([*hi, *lo]),
            _ => return,
        },
        _ => return,
    };
    let mask: Option<String> = match next(&mut data, 1) {
        [] => return,
        [0] => None,
        [1] => Some("S3cret!pw".to_owned()),
        [m] => Some(String::from_utf8_lossy(next(&mut data, usize::from(*m % 16))).into_owned()),
        _ => unreachable!(),
    };
    let body = data;
    let ctx = CallContext {
        endpoint: "https://ocp.example:8080",
        username: "admin",
        method: "GET",
        path: "/api/v2/ob/clusters",
        mask: mask.as_deref(),
    };
    let result = parse_response(&ctx, status, body);
    let http_ok = (200..300).contains(&status);

    let err = match result {
        Ok(data) => {
            assert!(http_ok, "HTTP {status} was accepted");
            assert!(
                data.as_ref().is_none_or(|d| !d.is_null()),
                "Some(null) data"
            );
            return;
        }
        Err(e) => e,
    };
    if !http_ok {
        match (&err, status) {
            (ClientError::Unauthorized { .. }, 401)
            | (ClientError::Forbidden { .. }, 403)
            | (ClientError::NotFound { .. }, 404) => {}
            (ClientError::Api { http_status, .. }, s) if ![401, 403, 404].contains(&s) => {
                assert_eq!(*http_status, s, "the HTTP status was not kept")
            }
            (other, s) => panic!("HTTP {s} gave {other:?}"),
        }
    }
    let mut texts: Vec<&str> = Vec::new();
    match &err {
        ClientError::Api {
            code,
            message,
            trace_id,
            ..
        } => {
            texts.push(message);
            texts.extend(code.as_deref());
            texts.extend(trace_id.as_deref());
        }
        ClientError::NotFound {
            message, trace_id, ..
        }
        | ClientError::Forbidden {
            message, trace_id, ..
        } => {
            texts.push(message);
            texts.extend(trace_id.as_deref());
        }
        ClientError::Unauthorized { trace_id, .. } => texts.extend(trace_id.as_deref()),
        ClientError::Decode { .. } => assert!(http_ok, "decode error for HTTP {status}"),
        other => panic!("unexpected error variant {other:?}"),
    }
    if let ClientError::Api { message, .. }
    | ClientError::NotFound { message, .. }
    | ClientError::Forbidden { message, .. } = &err
    {
        let n = message.chars().count();
        assert!(n <= MAX_MESSAGE_CHARS, "message of {n} chars");
    }
    if let Some(secret) = mask.as_deref().filter(|s| s.len() >= 3) {
        for t in &texts {
            assert!(
                !t.contains(secret),
                "the password {secret:?} shows in an error text {t:?} ({err:?})"
            );
        }
    }
    let _ = err.to_string();
    let _ = err.summary_detail();
});
