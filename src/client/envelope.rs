//! Parsing of OCP's response envelope (ocp-api.md §1.3, §5 #3).
//!
//! Every OCP answer is `{data?, successful, status, timestamp, traceId, duration, server,
//! error?}`. A call succeeded only if the HTTP status is 2xx **and** the envelope does not
//! say otherwise. The decisions for the cases the reference leaves open live here:
//!
//! * `successful` absent (§1.3 lists it on every sample, but a proxy or an older endpoint may
//!   omit it): the call counts as failed when there is an `error` member or the envelope's
//!   own `status` is ≥ 400, else as succeeded (§5 #3, inferred).
//! * `error.code` may be a string or a number (§5 #3: only `error.message` is confirmed); a
//!   Spring-style body with `"error": "Not Found", "message": "..."` is understood too.
//! * `200` with `successful: false`: the envelope's `status` is used as the HTTP status of the
//!   error when it is an error code, else 200.
//! * A non-2xx answer whose body is not JSON (an HTML page from a proxy) is an API error named
//!   by its HTTP status; a 2xx answer that is not a JSON object is a [`ClientError::Decode`].
//!
//! Error texts never quote the body; only the structured `error.message` (shortened),
//! `error.code` and `traceId` are kept, each with the provider password masked should OCP ever
//! echo it.

use serde_json::{Map, Value};

use super::error::ClientError;

/// Longest `error.message` kept in an error (longer ones are cut).
const MAX_MESSAGE_CHARS: usize = 2000;

/// Who made the call: needed to name things in errors.
#[derive(Debug, Clone, Copy)]
pub struct CallContext<'a> {
    /// Configured endpoint.
    pub endpoint: &'a str,
    /// Configured user name.
    pub username: &'a str,
    /// HTTP method.
    pub method: &'static str,
    /// Request path (no query).
    pub path: &'a str,
    /// A secret to mask if it shows up in an OCP message (the provider password).
    pub mask: Option<&'a str>,
}

/// The parts of an envelope the client uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Envelope {
    /// `data`, `None` when absent or `null`.
    pub data: Option<Value>,
    /// `successful`, when present and a boolean.
    pub successful: Option<bool>,
    /// The envelope's own `status`.
    pub status: Option<u16>,
    /// `error.code` as text.
    pub error_code: Option<String>,
    /// `error.message` (or a top-level `message`).
    pub error_message: Option<String>,
    /// Whether an `error` member was present at all.
    pub has_error: bool,
    /// `traceId`.
    pub trace_id: Option<String>,
}

impl Envelope {
    /// Reads the envelope members out of a JSON object; unknown members are ignored.
    pub fn from_object(mut obj: Map<String, Value>) -> Envelope {
        let data = match obj.remove("data") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        };
        let successful = obj.get("successful").and_then(Value::as_bool);
        let status = obj
            .get("status")
            .and_then(value_as_u64)
            .and_then(|s| u16::try_from(s).ok());
        let trace_id = obj.get("traceId").and_then(value_as_text);
        let top_message = obj.get("message").and_then(value_as_text);
        let (has_error, error_code, error_message) = match obj.get("error") {
            None | Some(Value::Null) => (false, None, top_message),
            Some(Value::Object(e)) => (
                true,
                e.get("code").and_then(value_as_text),
                e.get("message")
                    .and_then(value_as_text)
                    .or_else(|| e.get("msg").and_then(value_as_text))
                    .or(top_message),
            ),
            // Spring Boot's default error body: `"error": "Not Found"` plus `message`.
            Some(other) => (true, None, top_message.or_else(|| value_as_text(other))),
        };
        Envelope {
            data,
            successful,
            status,
            error_code,
            error_message,
            has_error,
            trace_id,
        }
    }

    /// Whether this envelope (received with HTTP status `http_status`) reports a failure.
    pub fn is_failure(&self, http_status: u16) -> bool {
        if !(200..300).contains(&http_status) {
            return true;
        }
        match self.successful {
            Some(ok) => !ok,
            // §5 #3 (inferred): no `successful` member → judge by `error` and `status`.
            None => self.has_error || self.status.is_some_and(|s| s >= 400),
        }
    }
}

fn value_as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn value_as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Parses an answer: `Ok(data)` on success (`None` when the envelope carries no `data`), or
/// the matching [`ClientError`].
pub fn parse_response(
    ctx: &CallContext<'_>,
    http_status: u16,
    body: &[u8],
) -> Result<Option<Value>, ClientError> {
    let http_ok = (200..300).contains(&http_status);
    if body.iter().all(u8::is_ascii_whitespace) {
        return if http_ok {
            Ok(None)
        } else {
            Err(error_for(ctx, http_status, &Envelope::default()))
        };
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) if http_ok => {
            let message = format!("the body is not valid JSON ({e})");
            return Err(ClientError::decode(ctx.method, ctx.path, message));
        }
        Err(_) => return Err(error_for(ctx, http_status, &Envelope::default())),
    };
    let obj = match value {
        Value::Object(o) => o,
        other if http_ok => {
            let message = format!(
                "expected the OCP envelope (a JSON object), got {}",
                json_kind(&other)
            );
            return Err(ClientError::decode(ctx.method, ctx.path, message));
        }
        _ => return Err(error_for(ctx, http_status, &Envelope::default())),
    };
    let env = Envelope::from_object(obj);
    if env.is_failure(http_status) {
        return Err(error_for(ctx, http_status, &env));
    }
    Ok(env.data)
}

/// Name of a JSON value's kind, for decode errors.
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK (but the envelope says the call failed)",
        301 | 302 | 303 | 307 | 308 => "Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "unexpected HTTP status",
    }
}

/// `text` with every occurrence of `mask` (when it has at least 3 bytes) replaced by `***`
/// (or, for a secret containing `*`, by three of a character it does not contain).
///
/// When the secret itself contains `*`, a plain `replace(secret, "***")` can join the stars
/// with the neighbouring characters into a new occurrence (secret `a**`: `aa**` becomes `a***`,
/// which still shows `a**`). The replacement is therefore three times a character that does not
/// occur in the secret: then an occurrence in the result could only lie in text left untouched,
/// i.e. it was already an occurrence in `text` and was replaced. One pass, linear time.
pub(crate) fn mask_secret(text: &str, mask: Option<&str>) -> String {
    let Some(secret) = mask.filter(|s| s.len() >= 3) else {
        return text.to_owned();
    };
    if !text.contains(secret) {
        return text.to_owned();
    }
    let filler = std::iter::once('*')
        .chain(['#', '~', 'x'])
        .chain('\u{a1}'..=char::MAX)
        .find(|c| !secret.contains(*c))
        .unwrap_or('\u{fffd}');
    text.replace(secret, &String::from(filler).repeat(3))
}

fn clean_message(raw: Option<&str>, status: u16, mask: Option<&str>) -> String {
    let m = match raw {
        Some(s) if !s.trim().is_empty() => s.trim(),
        _ => reason_phrase(status),
    };
    let mut m = mask_secret(m, mask);
    if m.chars().count() > MAX_MESSAGE_CHARS {
        m = m.chars().take(MAX_MESSAGE_CHARS).collect::<String>() + "…";
    }
    m
}

/// Builds the error for a failed call.
fn error_for(ctx: &CallContext<'_>, http_status: u16, env: &Envelope) -> ClientError {
    let status = if (200..300).contains(&http_status) {
        env.status.filter(|s| *s >= 400).unwrap_or(http_status)
    } else {
        http_status
    };
    let message = clean_message(env.error_message.as_deref(), status, ctx.mask);
    let trace_id = env.trace_id.as_deref().map(|t| mask_secret(t, ctx.mask));
    let code = env.error_code.as_deref().map(|c| mask_secret(c, ctx.mask));
    match status {
        401 => ClientError::Unauthorized {
            endpoint: ctx.endpoint.to_owned(),
            username: ctx.username.to_owned(),
            message,
            trace_id,
        },
        403 => ClientError::Forbidden {
            method: ctx.method,
            path: ctx.path.to_owned(),
            username: ctx.username.to_owned(),
            message,
            trace_id,
        },
        404 => ClientError::NotFound {
            method: ctx.method,
            path: ctx.path.to_owned(),
            message,
            trace_id,
        },
        _ => ClientError::Api {
            method: ctx.method,
            path: ctx.path.to_owned(),
            http_status: status,
            code,
            message,
            trace_id,
        },
    }
}

#[cfg(test)]
mod tests;
