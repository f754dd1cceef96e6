//! Small helpers: the simulator clock, OCP-style timestamp formatting and a
//! dependency-free pseudo random generator for trace ids.
//!
//! Times are kept as milliseconds since the Unix epoch (`i64`). The clock is
//! anchored to the wall clock once and then advanced with a monotonic
//! [`Instant`], so task schedules never jump backwards. OCP renders times in the
//! server's local zone with millis and an offset (§1.3, §5 #22); the simulator
//! always uses `+08:00` (China Standard Time, as in every OCP sample).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Offset used for every rendered timestamp, in milliseconds (+08:00).
const OFFSET_MS: i64 = 8 * 3600 * 1000;

fn anchor() -> &'static (Instant, i64) {
    static ANCHOR: OnceLock<(Instant, i64)> = OnceLock::new();
    ANCHOR.get_or_init(|| {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(0))
            .unwrap_or(0);
        (Instant::now(), wall)
    })
}

/// Current simulator time in milliseconds since the Unix epoch (monotonic).
pub fn now_ms() -> i64 {
    let (instant, wall) = anchor();
    wall + i64::try_from(instant.elapsed().as_millis()).unwrap_or(0)
}

/// Days since 1970-01-01 to a civil date (proleptic Gregorian), after H. Hinnant.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// Civil date to days since 1970-01-01, after H. Hinnant.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Epoch millis of a `+08:00` local date-time (used for seeded timestamps).
pub fn local_ms(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    let days = days_from_civil(y, mo, d);
    (days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)) * 1000 - OFFSET_MS
}

struct Parts {
    y: i64,
    mo: u32,
    d: u32,
    h: i64,
    mi: i64,
    s: i64,
    ms: i64,
}

fn parts(ms: i64) -> Parts {
    let local = ms + OFFSET_MS;
    let days = local.div_euclid(86_400_000);
    let rem = local.rem_euclid(86_400_000);
    let (y, mo, d) = civil_from_days(days);
    Parts {
        y,
        mo,
        d,
        h: rem / 3_600_000,
        mi: rem / 60_000 % 60,
        s: rem / 1000 % 60,
        ms: rem % 1000,
    }
}

/// ISO-8601 with millis and the `+08:00` offset, e.g. `2025-03-20T16:47:00.342+08:00`.
pub fn iso(ms: i64) -> String {
    let p = parts(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+08:00",
        p.y, p.mo, p.d, p.h, p.mi, p.s, p.ms
    )
}

/// Log-line timestamp as written by OCP's task executor, e.g. `2025-03-20 16:47:00.342`.
pub fn log_ts(ms: i64) -> String {
    let p = parts(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        p.y, p.mo, p.d, p.h, p.mi, p.s, p.ms
    )
}

/// Next value of a process-wide splitmix64 generator (not cryptographic).
pub fn rand_u64() -> u64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut seed = STATE.load(Ordering::Relaxed);
    if seed == 0 {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x1234_5678);
        seed = (nanos ^ (u64::from(std::process::id()) << 32)) | 1;
        let _ = STATE.compare_exchange(0, seed, Ordering::Relaxed, Ordering::Relaxed);
    }
    let mut z = STATE
        .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `n` random lower-case hex characters (n <= 16).
pub fn hex(n: usize) -> String {
    let s = format!("{:016x}", rand_u64());
    s[..n.min(16)].to_string()
}

/// (De)serialise a map with non-string keys (e.g. struct keys) as a list of `[key, value]`
/// pairs: JSON object keys must be strings.
pub mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serialise as `[[k, v], ...]`.
    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    /// Deserialise from `[[k, v], ...]`.
    pub fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_offset_and_millis() {
        let ms = local_ms(2025, 3, 20, 16, 47, 0) + 342;
        assert_eq!(iso(ms), "2025-03-20T16:47:00.342+08:00");
        assert_eq!(log_ts(ms), "2025-03-20 16:47:00.342");
        // Across midnight UTC and a leap day.
        let ms = local_ms(2024, 2, 29, 7, 5, 9);
        assert_eq!(iso(ms), "2024-02-29T07:05:09.000+08:00");
        assert_eq!(iso(0), "1970-01-01T08:00:00.000+08:00");
    }

    #[test]
    fn hex_has_requested_length() {
        assert_eq!(hex(16).len(), 16);
        assert_eq!(hex(10).len(), 10);
        assert!(hex(16).chars().all(|c| c.is_ascii_hexdigit()));
    }
}
