//! Logs to stderr in hclog's JSON line format, which Terraform reads from every plugin and
//! files under the provider's name, keeping each line's level. The level comes from
//! `TF_LOG_PROVIDER`, else `TF_LOG` (TRACE, DEBUG, INFO, WARN, ERROR; `JSON` means TRACE;
//! anything else turns logging off), just as Terraform filters provider logs.
//!
//! Never log secrets: callers log ids, paths and statuses, and `client::Secret` prints `***`.

use std::io::Write;

use log::{LevelFilter, Log, Metadata, Record};

struct HclogLogger {
    level: LevelFilter,
}

/// The level a `TF_LOG`-style value selects.
pub fn level_from(value: Option<&str>) -> LevelFilter {
    match value.map(|v| v.trim().to_ascii_uppercase()).as_deref() {
        Some("TRACE") | Some("JSON") => LevelFilter::Trace,
        Some("DEBUG") => LevelFilter::Debug,
        Some("INFO") => LevelFilter::Info,
        Some("WARN") => LevelFilter::Warn,
        Some("ERROR") => LevelFilter::Error,
        _ => LevelFilter::Off,
    }
}

/// hclog's timestamp layout, `2006-01-02T15:04:05.000000Z07:00` in Go terms. go-plugin parses
/// `@timestamp` with exactly this layout: a line whose timestamp has another precision is not
/// recognised as JSON and loses its level.
const TIMESTAMP: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
);

/// The hclog timestamp of a UTC instant.
pub fn timestamp(t: time::OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(TIMESTAMP)
        .unwrap_or_default()
}

/// One hclog JSON line (without the newline).
pub fn format_line(level: log::Level, target: &str, message: &str, timestamp: &str) -> String {
    let level = match level {
        log::Level::Trace => "trace",
        log::Level::Debug => "debug",
        log::Level::Info => "info",
        log::Level::Warn => "warn",
        log::Level::Error => "error",
    };
    let obj = serde_json::json!({
        "@level": level,
        "@message": message,
        "@module": "terraform-provider-ocp",
        "@timestamp": timestamp,
        "target": target,
    });
    obj.to_string()
}

impl Log for HclogLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= self.level
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        // Only our own crate's records: dependencies (hyper, rustls) are noisy at debug.
        let target = record.target();
        if !(target.starts_with("terraform_provider_ocp") || self.level == LevelFilter::Trace) {
            return;
        }
        let ts = timestamp(time::OffsetDateTime::now_utc());
        let line = format_line(record.level(), target, &record.args().to_string(), &ts);
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

/// Installs the logger once per process.
pub fn init() {
    let tf_log_provider = std::env::var("TF_LOG_PROVIDER").ok();
    let tf_log = std::env::var("TF_LOG").ok();
    let level = level_from(tf_log_provider.as_deref().or(tf_log.as_deref()));
    if log::set_boxed_logger(Box::new(HclogLogger { level })).is_ok() {
        log::set_max_level(level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tf_log_levels_map_like_terraform() {
        assert_eq!(level_from(Some("trace")), LevelFilter::Trace);
        assert_eq!(level_from(Some("JSON")), LevelFilter::Trace);
        assert_eq!(level_from(Some("WARN")), LevelFilter::Warn);
        assert_eq!(level_from(Some("bogus")), LevelFilter::Off);
        assert_eq!(level_from(None), LevelFilter::Off);
    }

    #[test]
    fn timestamps_have_the_microsecond_layout_go_plugin_parses() {
        let t = time::macros::datetime!(2026-11-23 12:59:23.637123947 UTC);
        assert_eq!(timestamp(t), "2026-11-23T12:59:23.637123Z");
    }

    #[test]
    fn lines_are_hclog_json_with_escaped_messages() {
        let l = format_line(
            log::Level::Info,
            "t",
            "say \"hi\"\nbye",
            "2026-01-01T00:00:00Z",
        );
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        assert_eq!(v["@level"], "info");
        assert_eq!(v["@message"], "say \"hi\"\nbye");
        assert!(!l.contains('\n'));
    }
}
