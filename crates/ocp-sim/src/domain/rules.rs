//! Validation rules of the tenant write endpoints (create, modify*, changePassword, replicas).
//!
//! Every check answers 400 `ILLEGAL_ARGUMENT` with a message that starts by naming the field
//! (`invalid zones[1].resourcePool.unitCount: ...`, `rootPassword is required`). Passwords are
//! never echoed in messages.
//!
//! | Rule | Source |
//! |---|---|
//! | tenant name: starts with a letter, then letters, digits or `_`, 1..=64 chars; unique in the cluster, compared case-insensitively | **our decision** (the reference only says "unique in the cluster", §1.5; OB tenant names are identifiers) |
//! | `mode`: `MYSQL` (default) or `ORACLE`, exact spelling (an enum in OCP's Java API) | §3.4.1 (default inferred) |
//! | `charset`: MySQL `binary`, `utf8mb4`, `gbk`, `gb18030`; Oracle `utf8mb4`, `gbk`, `gb18030`; default `utf8mb4`; case-insensitive, stored lower case | §3.4.1 |
//! | `collation`: must belong to the charset (see [`collations`]); default = the charset's first collation (`utf8mb4_general_ci` for `utf8mb4`, §3.4.1); ignored for Oracle tenants, which store `<charset>_bin` | §3.4.1, the per-charset lists and the Oracle value are our decision |
//! | `whitelist`: comma list without spaces of `%`, IPv4, IPv4/prefix (0..=32), IPv4 with `%` octets (`10.10.10.%`), each entry once; default `%` | §3.4.1; "each entry once" is our decision (the stricter reading) |
//! | root password: 8..=32 characters, at least three of upper case, lower case, digits and specials from `~!@#%^&*_-+=|(){}[]:;,.?/`; no other characters | §1.5, the newer of the two documented rules |
//! | `primaryZone`: `RANDOM`, or zone names separated by `,` (same priority) and `;` (lower priority), no spaces; every zone once, each a zone of the tenant holding a `FULL` replica (only full replicas can lead) | §3.4.1; the FULL rule, `RANDOM` and "no spaces" are our decision (OceanBase semantics, the stricter reading) |
//! | `replicaType`: `FULL`, `LOGONLY`, `READONLY`; a tenant keeps at least one `FULL` replica | §3.4.1; the FULL rule is our decision |
//! | `unitSpecName`: a name of the unit spec catalogue; `unitCount`: integer >= 1 and at most the OBServers of the zone that can hold units (one unit of a tenant per OBServer, see [`crate::routes::tenant_writes`]) | §3.4.1, §5 #11; the per-server rule is OCP's (issue #15) |

use serde_json::{Map, Value};

use crate::envelope::ApiError;

/// Longest accepted tenant name (our decision).
pub const NAME_MAX: usize = 64;
/// Shortest root password (§1.5).
pub const PASSWORD_MIN: usize = 8;
/// Longest root password (§1.5).
pub const PASSWORD_MAX: usize = 32;
/// Special characters allowed in passwords (§1.5, newer rule).
pub const PASSWORD_SPECIALS: &str = "~!@#%^&*_-+=|(){}[]:;,.?/";
/// Replica types (§3.4.1).
pub const REPLICA_TYPES: [&str; 3] = ["FULL", "LOGONLY", "READONLY"];
/// Tenant modes (§3.4.1).
pub const MODES: [&str; 2] = ["MYSQL", "ORACLE"];
/// Primary zone value meaning "no preference" (OceanBase's default; our decision for an absent
/// `primaryZone`).
pub const RANDOM: &str = "RANDOM";

/// 400 `ILLEGAL_ARGUMENT`: `invalid {field}: {reason}`.
pub fn invalid(field: &str, reason: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("invalid {field}: {reason}"))
}

/// 400 `ILLEGAL_ARGUMENT`: `{field} is required`.
pub fn required(field: &str) -> ApiError {
    ApiError::bad_request(format!("{field} is required"))
}

/// The body as a JSON object, else 400.
pub fn object<'a>(v: &'a Value, field: &str) -> Result<&'a Map<String, Value>, ApiError> {
    v.as_object().ok_or_else(|| {
        if field.is_empty() {
            ApiError::bad_request("invalid request body: a JSON object is expected")
        } else {
            invalid(field, "a JSON object is expected")
        }
    })
}

/// The body as a non-empty JSON array, else 400.
pub fn array<'a>(v: &'a Value, what: &str) -> Result<&'a Vec<Value>, ApiError> {
    match v {
        Value::Array(a) if a.is_empty() => Err(ApiError::bad_request(format!(
            "invalid request body: at least one {what} is required"
        ))),
        Value::Array(a) => Ok(a),
        Value::Null => Err(ApiError::bad_request(format!(
            "invalid request body: a JSON array of {what} entries is required"
        ))),
        _ => Err(ApiError::bad_request(format!(
            "invalid request body: a JSON array of {what} entries is expected"
        ))),
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Optional string member (`null` and absent are `None`).
pub fn opt_str(
    obj: &Map<String, Value>,
    prefix: &str,
    key: &str,
) -> Result<Option<String>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(&join(prefix, key), "a string is expected")),
    }
}

/// Required, non-empty string member.
pub fn req_str(obj: &Map<String, Value>, prefix: &str, key: &str) -> Result<String, ApiError> {
    match opt_str(obj, prefix, key)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(required(&join(prefix, key))),
    }
}

/// Optional boolean member.
pub fn opt_bool(
    obj: &Map<String, Value>,
    prefix: &str,
    key: &str,
) -> Result<Option<bool>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(invalid(&join(prefix, key), "true or false is expected")),
    }
}

/// Optional integer member (JSON integers only).
pub fn opt_int(obj: &Map<String, Value>, prefix: &str, key: &str) -> Result<Option<i64>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| invalid(&join(prefix, key), "an integer is expected")),
    }
}

/// Tenant name rule (our decision): `^[A-Za-z][A-Za-z0-9_]{0,63}$`.
pub fn check_name(field: &str, name: &str) -> Result<(), ApiError> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    if !first_ok {
        return Err(invalid(
            field,
            format!("{name:?} must start with a letter (letters, digits and _ only, at most {NAME_MAX} characters)"),
        ));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(invalid(
            field,
            format!("{name:?} may only contain letters, digits and _"),
        ));
    }
    if name.len() > NAME_MAX {
        return Err(invalid(
            field,
            format!("{} characters, at most {NAME_MAX} are allowed", name.len()),
        ));
    }
    Ok(())
}

/// `mode` (exact spelling).
pub fn check_mode(field: &str, mode: &str) -> Result<(), ApiError> {
    if MODES.contains(&mode) {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("{mode:?}, expected MYSQL or ORACLE"),
        ))
    }
}

/// Charsets valid for a mode (§3.4.1).
pub fn charsets(mode: &str) -> &'static [&'static str] {
    if mode == "ORACLE" {
        &["utf8mb4", "gbk", "gb18030"]
    } else {
        &["binary", "utf8mb4", "gbk", "gb18030"]
    }
}

/// Collations of a charset, the default first (our decision, MySQL/OceanBase names).
pub fn collations(charset: &str) -> &'static [&'static str] {
    match charset {
        "utf8mb4" => &["utf8mb4_general_ci", "utf8mb4_bin", "utf8mb4_unicode_ci"],
        "gbk" => &["gbk_chinese_ci", "gbk_bin"],
        "gb18030" => &["gb18030_chinese_ci", "gb18030_bin"],
        "binary" => &["binary"],
        _ => &[],
    }
}

/// Validated charset (lower case) for a mode.
pub fn check_charset(field: &str, mode: &str, charset: &str) -> Result<String, ApiError> {
    let lc = charset.to_ascii_lowercase();
    let valid = charsets(mode);
    if valid.contains(&lc.as_str()) {
        Ok(lc)
    } else {
        Err(invalid(
            field,
            format!(
                "{charset:?} is not a valid charset for {mode} tenants (valid: {})",
                valid.join(", ")
            ),
        ))
    }
}

/// The collation to store. MySQL: the given one (must belong to the charset) or the charset's
/// default. Oracle: the given value is ignored (§3.4.1) and `<charset>_bin` is stored (our
/// decision, OceanBase's Oracle-mode collation).
pub fn resolve_collation(
    field: &str,
    mode: &str,
    charset: &str,
    collation: Option<&str>,
) -> Result<String, ApiError> {
    if mode == "ORACLE" {
        return Ok(format!("{charset}_bin"));
    }
    let valid = collations(charset);
    match collation {
        None | Some("") => Ok(valid.first().copied().unwrap_or("binary").to_string()),
        Some(c) => {
            let lc = c.to_ascii_lowercase();
            if valid.contains(&lc.as_str()) {
                Ok(lc)
            } else {
                Err(invalid(
                    field,
                    format!(
                        "{c:?} does not belong to charset {charset} (valid: {})",
                        valid.join(", ")
                    ),
                ))
            }
        }
    }
}

fn octet_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 3
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'))
        && s.parse::<u16>().is_ok_and(|n| n <= 255)
}

fn ipv4_ok(s: &str, wildcard: bool) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| octet_ok(p) || (wildcard && *p == "%"))
}

/// One whitelist entry: `%`, IPv4, IPv4/prefix (0..=32) or IPv4 with `%` octets.
pub fn whitelist_entry_ok(e: &str) -> bool {
    if e == "%" {
        return true;
    }
    match e.split_once('/') {
        Some((ip, prefix)) => {
            ipv4_ok(ip, false)
                && !prefix.is_empty()
                && prefix.len() <= 2
                && prefix.bytes().all(|b| b.is_ascii_digit())
                && prefix.parse::<u8>().is_ok_and(|n| n <= 32)
        }
        None => ipv4_ok(e, true),
    }
}

/// Whitelist rule (§3.4.1): comma separated, no spaces, every entry valid.
pub fn check_whitelist(field: &str, wl: &str) -> Result<(), ApiError> {
    if wl.is_empty() {
        return Err(required(field));
    }
    if wl.chars().any(char::is_whitespace) {
        return Err(invalid(
            field,
            "entries are separated by commas without spaces",
        ));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, e) in wl.split(',').enumerate() {
        if e.is_empty() {
            return Err(invalid(field, format!("entry {} is empty", i + 1)));
        }
        if seen.contains(&e) {
            return Err(invalid(field, format!("entry {e:?} is listed twice")));
        }
        seen.push(e);
        if !whitelist_entry_ok(e) {
            return Err(invalid(
                field,
                format!(
                    "entry {e:?} is not %, an IPv4 address, an IPv4/prefix (0-32) or an IPv4 pattern with % octets such as 10.10.10.%"
                ),
            ));
        }
    }
    Ok(())
}

/// Password complexity (§1.5, newer rule). The password itself is never part of the message.
pub fn check_password(field: &str, pw: &str) -> Result<(), ApiError> {
    let n = pw.chars().count();
    if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&n) {
        return Err(invalid(
            field,
            format!(
                "the password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long (got {n})"
            ),
        ));
    }
    let mut classes = [false; 4];
    for c in pw.chars() {
        if c.is_ascii_uppercase() {
            classes[0] = true;
        } else if c.is_ascii_lowercase() {
            classes[1] = true;
        } else if c.is_ascii_digit() {
            classes[2] = true;
        } else if PASSWORD_SPECIALS.contains(c) {
            classes[3] = true;
        } else {
            return Err(invalid(
                field,
                format!(
                    "the password contains a character that is not allowed (letters, digits and {PASSWORD_SPECIALS} only)"
                ),
            ));
        }
    }
    if classes.iter().filter(|x| **x).count() < 3 {
        return Err(invalid(
            field,
            format!(
                "the password needs at least three of: upper case letters, lower case letters, digits, special characters ({PASSWORD_SPECIALS})"
            ),
        ));
    }
    Ok(())
}

/// `replicaType` (exact spelling).
pub fn check_replica_type(field: &str, t: &str) -> Result<(), ApiError> {
    if REPLICA_TYPES.contains(&t) {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("{t:?}, expected FULL, LOGONLY or READONLY"),
        ))
    }
}

/// Validate a primary zone string against the tenant's replicas (`(zone, replicaType)` pairs).
/// Returns the value to store: `RANDOM` (any case) is normalised, anything else is kept as given.
pub fn check_primary_zone(
    field: &str,
    pz: &str,
    replicas: &[(String, String)],
) -> Result<String, ApiError> {
    if pz.eq_ignore_ascii_case(RANDOM) {
        return Ok(RANDOM.to_string());
    }
    let mut seen: Vec<&str> = Vec::new();
    if pz.chars().any(char::is_whitespace) {
        return Err(invalid(
            field,
            format!("{pz:?}: zone names are separated by , and ; without spaces"),
        ));
    }
    for group in pz.split(';') {
        for zone in group.split(',') {
            if zone.is_empty() {
                return Err(invalid(
                    field,
                    format!(
                        "{pz:?} has an empty zone name (use , for equal and ; for lower priority)"
                    ),
                ));
            }
            if seen.contains(&zone) {
                return Err(invalid(field, format!("zone {zone} is listed twice")));
            }
            seen.push(zone);
            match replicas.iter().find(|(z, _)| z == zone) {
                None => {
                    return Err(invalid(
                        field,
                        format!("zone {zone} is not a zone of the tenant"),
                    ))
                }
                Some((_, t)) if t != "FULL" => {
                    return Err(invalid(
                        field,
                        format!("zone {zone} holds a {t} replica; only zones with a FULL replica can be primary"),
                    ))
                }
                Some(_) => {}
            }
        }
    }
    Ok(pz.to_string())
}

/// Zone names of a primary zone string (empty for `RANDOM`).
pub fn primary_zone_names(pz: &str) -> Vec<String> {
    if pz.eq_ignore_ascii_case(RANDOM) {
        return Vec::new();
    }
    pz.split([';', ','])
        .map(str::trim)
        .filter(|z| !z.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["t1", "T_1", "a", &"a".repeat(64)] {
            assert!(check_name("name", ok).is_ok(), "{ok}");
        }
        for bad in ["", "1t", "_t", "t-1", "t 1", "té", &"a".repeat(65)] {
            assert!(check_name("name", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn whitelists() {
        for ok in [
            "%",
            "10.0.0.1",
            "10.0.0.0/8",
            "0.0.0.0/0",
            "10.10.10.%",
            "10.%.%.%",
            "127.0.0.1,10.10.10.%,192.168.0.0/16",
        ] {
            assert!(check_whitelist("whitelist", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "10.0.0.1, 10.0.0.2",
            "10.0.0.1,",
            "10.0.0.1,10.0.0.2,10.0.0.1",
            "256.0.0.1",
            "10.0.0",
            "10.0.0.01",
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.%.0/24",
            "10.10.1%.1",
            "host.example.com",
            "::1",
            "%%",
        ] {
            assert!(check_whitelist("whitelist", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        for ok in [
            "aaAA11__",
            "Abcdefg1",
            "abcdef1!",
            "ABCDEF1(",
            &"aA1".repeat(10),
        ] {
            assert!(check_password("p", ok).is_ok(), "{ok}");
        }
        for bad in [
            "aA1_",
            "abcdefgh",
            "abcdefg1",
            "ABCDEFG1",
            "Abcdefg$1",
            "Abc defg1",
            &"aA1".repeat(11),
        ] {
            assert!(check_password("p", bad).is_err(), "{bad}");
        }
        let e = check_password("rootPassword", "Secret$1x").expect_err("invalid");
        assert!(!e.message.contains("Secret"), "{}", e.message);
    }

    #[test]
    fn charsets_and_collations() {
        assert_eq!(
            check_charset("c", "MYSQL", "GBK").ok().as_deref(),
            Some("gbk")
        );
        assert!(check_charset("c", "ORACLE", "binary").is_err());
        assert_eq!(
            resolve_collation("c", "MYSQL", "gbk", None).ok().as_deref(),
            Some("gbk_chinese_ci")
        );
        assert!(resolve_collation("c", "MYSQL", "utf8mb4", Some("gbk_bin")).is_err());
        assert_eq!(
            resolve_collation("c", "ORACLE", "utf8mb4", Some("whatever"))
                .ok()
                .as_deref(),
            Some("utf8mb4_bin")
        );
    }

    #[test]
    fn primary_zones() {
        let r = vec![
            ("zone1".to_string(), "FULL".to_string()),
            ("zone2".to_string(), "FULL".to_string()),
            ("zone3".to_string(), "READONLY".to_string()),
        ];
        assert_eq!(
            check_primary_zone("p", "zone1;zone2", &r).ok().as_deref(),
            Some("zone1;zone2")
        );
        assert_eq!(
            check_primary_zone("p", "random", &r).ok().as_deref(),
            Some("RANDOM")
        );
        for bad in [
            "zone1;;zone2",
            "zone1,zone1",
            "zone9",
            "zone3",
            "zone1,",
            "zone1; zone2",
        ] {
            assert!(check_primary_zone("p", bad, &r).is_err(), "{bad}");
        }
        assert_eq!(
            primary_zone_names("zone1,zone2;zone3"),
            ["zone1", "zone2", "zone3"]
        );
        assert!(primary_zone_names("RANDOM").is_empty());
    }
}
