//! The `timeouts` block any resource can declare, and Go-style duration strings.
//!
//! Users write `timeouts { create = "30m" }` as in the aws and google providers. The block is
//! configuration only (nothing computed), so plans echo it unchanged.

use std::time::Duration;

use super::schema::{Attr, Block, NestedBlock};
use super::validate::DurationString;
use crate::value::Value;

/// Name of the block.
pub const BLOCK: &str = "timeouts";

/// Timeout of an operation the schema gives no default for.
pub const FALLBACK: Duration = Duration::from_secs(20 * 60);

/// The `timeouts` block with one optional attribute per operation.
pub fn block(ops: &[(&'static str, Duration)]) -> NestedBlock {
    let mut b = Block::new(
        "How long each operation may take before Terraform reports a timeout. \
         Values are durations such as `30s`, `10m` or `1h30m`.",
    );
    for (op, default) in ops {
        b = b.attr(
            op,
            Attr::string().optional().validate(DurationString).doc(format!(
                "Time allowed for the {op} operation, including waiting on OCP's task. Default `{}`.",
                format_duration(*default)
            )),
        );
    }
    NestedBlock::single(b)
}

/// The duration written for `op` in the `timeouts` block of object `v`, if any.
pub fn configured(v: &Value, op: &str) -> Option<Duration> {
    v.get(BLOCK)?
        .get(op)?
        .as_str()
        .and_then(|s| parse_duration(s).ok())
}

/// Parses a Go duration string: a sequence of decimal numbers with units `ns`, `us`, `µs`,
/// `ms`, `s`, `m`, `h` (e.g. `1h30m`, `1.5h`, `300ms`). Negative durations are refused.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    if t == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = t;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(format!("invalid duration {s:?}"));
        }
        let n: f64 = rest[..num_len]
            .parse()
            .map_err(|_| format!("invalid number in duration {s:?}"))?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let secs = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return Err(format!("missing unit in duration {s:?}")),
            u => return Err(format!("unknown unit {u:?} in duration {s:?}")),
        };
        rest = &rest[unit_len..];
        total += n * secs;
    }
    if !total.is_finite() || total > 1e9 {
        return Err(format!("duration {s:?} is too long"));
    }
    Ok(Duration::from_secs_f64(total))
}

/// Formats a duration the way users write it (`30m`, `1h30m`, `45s`).
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        return format!("{}ms", d.as_millis());
    }
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_parse() {
        for (s, secs) in [
            ("30s", 30.0),
            ("10m", 600.0),
            ("1h30m", 5400.0),
            ("1.5h", 5400.0),
            ("300ms", 0.3),
            ("0", 0.0),
        ] {
            assert_eq!(parse_duration(s), Ok(Duration::from_secs_f64(secs)), "{s}");
        }
    }

    #[test]
    fn bad_durations_say_why() {
        assert!(parse_duration("10").unwrap_err().contains("missing unit"));
        assert!(parse_duration("10d").unwrap_err().contains("unknown unit"));
        assert!(parse_duration("-5m").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("m").is_err());
    }

    #[test]
    fn durations_format_as_users_write_them() {
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format_duration(Duration::from_secs(45)), "45s");
    }
}
