//! Query-string parsing, filtering helpers and paging/sorting (§1.4).
//!
//! * `page`: 1-based, default 1; `< 1` or not a number → 400.
//! * `size`: default 10, `1..=2000`; anything else → 400.
//! * `sort`: `field,asc` / `field,desc` (direction optional, default `asc`); may be repeated or
//!   chained (`sort=status,desc&sort=id,asc`). A field that none of the (non-empty) items has
//!   → 400, like Spring Data's `PropertyReferenceException`; a direction other than `asc`/`desc` → 400.
//!   Without `sort` the natural order is kept, which is id ascending for every id-carrying resource.
//! * Multi-valued filters are comma lists and may also be repeated (`status=A,B&status=C`).
//! * Unknown query parameters are ignored (§5 #23).
//!
//! The answer is `{contents: [...], page: {number, size, totalElements, totalPages}}` where
//! `number`/`size` echo the effective request values and `totalPages` is spelled as in the S2
//! sample (§1.4), 0 for an empty result.

use std::cmp::Ordering;

use serde_json::{json, Value};

use crate::envelope::ApiError;

/// Largest accepted `size` (§1.4).
pub const MAX_PAGE_SIZE: u64 = 2000;
/// Default `size` (§1.4).
pub const DEFAULT_PAGE_SIZE: u64 = 10;

/// Decoded query string, keeping repeated keys in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `application/x-www-form-urlencoded` decoding (`+` = space, `%XX`); invalid escapes are kept.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Query {
    /// Parse a raw query string (without the leading `?`).
    pub fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (percent_decode(k), percent_decode(v)),
                None => (percent_decode(p), String::new()),
            })
            .collect();
        Query { pairs }
    }

    /// Every `(key, value)` pair, decoded, in the order sent.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.pairs
    }

    /// First non-empty value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// All values of a multi-valued filter (comma lists, possibly repeated), trimmed, non-empty.
    /// `None` when the parameter is absent or empty.
    pub fn list(&self, key: &str) -> Option<Vec<String>> {
        let vals: Vec<String> = self
            .pairs
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        (!vals.is_empty()).then_some(vals)
    }

    /// Boolean filter (`true`/`false`, case-insensitive); other values → 400.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(ApiError::bad_request(format!(
                "invalid value for {key}: {v:?}, expected true or false"
            ))),
        }
    }

    /// Integer filter; non-numbers → 400.
    pub fn i64(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| {
                ApiError::bad_request(format!("invalid value for {key}: {v:?}, expected a number"))
            }),
        }
    }

    /// Paging parameters with validation.
    pub fn paging(&self) -> Result<Paging, ApiError> {
        let page = match self.get("page") {
            None => 1,
            Some(v) => match v.trim().parse::<i64>() {
                Ok(n) if n >= 1 => n as u64,
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "invalid page {v:?}: must be an integer >= 1"
                    )))
                }
            },
        };
        let size = match self.get("size") {
            None => DEFAULT_PAGE_SIZE,
            Some(v) => match v.trim().parse::<i64>() {
                Ok(n) if (1..=MAX_PAGE_SIZE as i64).contains(&n) => n as u64,
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "invalid size {v:?}: must be an integer between 1 and {MAX_PAGE_SIZE}"
                    )))
                }
            },
        };
        let mut sort = Vec::new();
        let raw: Vec<&str> = self
            .pairs
            .iter()
            .filter(|(k, v)| k == "sort" && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .collect();
        for spec in raw {
            let parts: Vec<&str> = spec.split(',').map(str::trim).collect();
            let mut i = 0;
            while i < parts.len() {
                let field = parts[i];
                if field.is_empty() {
                    i += 1;
                    continue;
                }
                let dir = parts.get(i + 1).copied();
                let (desc, step) = match dir.map(str::to_ascii_lowercase).as_deref() {
                    Some("asc") => (false, 2),
                    Some("desc") => (true, 2),
                    _ => (false, 1),
                };
                if field.eq_ignore_ascii_case("asc") || field.eq_ignore_ascii_case("desc") {
                    return Err(ApiError::bad_request(format!(
                        "invalid sort {spec:?}: expected field,asc|desc"
                    )));
                }
                if !field
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                {
                    return Err(ApiError::bad_request(format!(
                        "invalid sort {spec:?}: expected field,asc|desc"
                    )));
                }
                sort.push(SortKey {
                    field: field.to_string(),
                    desc,
                });
                i += step;
            }
        }
        Ok(Paging { page, size, sort })
    }
}

/// One `sort` criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// JSON field name of the listed objects (dots address nested fields).
    pub field: String,
    /// Descending when true.
    pub desc: bool,
}

/// Validated paging request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// 1-based page number.
    pub page: u64,
    /// Page size, 1..=2000.
    pub size: u64,
    /// Sort criteria, most significant first.
    pub sort: Vec<SortKey>,
}

fn lookup<'a>(v: &'a Value, field: &str) -> Option<&'a Value> {
    field.split('.').try_fold(v, |cur, part| cur.get(part))
}

fn cmp_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    fn rank(v: Option<&Value>) -> u8 {
        match v {
            None | Some(Value::Null) => 0,
            Some(Value::Bool(_)) => 1,
            Some(Value::Number(_)) => 2,
            Some(Value::String(_)) => 3,
            Some(_) => 4,
        }
    }
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Sort (stable) and cut one page out of `items`; returns the paged `data` object.
pub fn paged(mut items: Vec<Value>, p: &Paging) -> Result<Value, ApiError> {
    for key in &p.sort {
        if !items.is_empty() && !items.iter().any(|v| lookup(v, &key.field).is_some()) {
            return Err(ApiError::bad_request(format!(
                "invalid sort: no property {:?} on the listed objects",
                key.field
            )));
        }
    }
    if !p.sort.is_empty() {
        items.sort_by(|a, b| {
            for key in &p.sort {
                let o = cmp_values(lookup(a, &key.field), lookup(b, &key.field));
                let o = if key.desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
    }
    let total = items.len() as u64;
    let total_pages = total.div_ceil(p.size);
    let start = (p.page - 1).saturating_mul(p.size);
    let contents: Vec<Value> = items
        .into_iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(usize::try_from(p.size).unwrap_or(usize::MAX))
        .collect();
    Ok(json!({
        "contents": contents,
        "page": {
            "number": p.page,
            "size": p.size,
            "totalElements": total,
            "totalPages": total_pages,
        }
    }))
}

/// Convenience: parse paging from `q` and page `items`.
pub fn page_of(items: Vec<Value>, q: &Query) -> Result<Value, ApiError> {
    paged(items, &q.paging()?)
}

/// String field of a JSON object.
pub fn str_of<'a>(v: &'a Value, field: &str) -> Option<&'a str> {
    v.get(field).and_then(Value::as_str)
}

/// Integer field of a JSON object.
pub fn i64_of(v: &Value, field: &str) -> Option<i64> {
    v.get(field).and_then(Value::as_i64)
}

/// Case-insensitive "contains" match used by keyword filters (`name=foo`).
pub fn contains_ci(haystack: Option<&str>, needle: &str) -> bool {
    haystack.is_some_and(|h| h.to_lowercase().contains(&needle.to_lowercase()))
}

/// Membership test for list filters (`status=NORMAL,CREATING`), case-insensitive.
pub fn in_list(value: Option<&str>, list: &[String]) -> bool {
    value.is_some_and(|v| list.iter().any(|x| x.eq_ignore_ascii_case(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_lists() {
        let q = Query::parse(Some("status=NORMAL%2CCREATING&status=X&name=a+b&empty="));
        assert_eq!(
            q.list("status"),
            Some(vec!["NORMAL".into(), "CREATING".into(), "X".into()])
        );
        assert_eq!(q.get("name"), Some("a b"));
        assert_eq!(q.get("empty"), None);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn paging_validation() {
        assert!(Query::parse(Some("size=0")).paging().is_err());
        assert!(Query::parse(Some("size=2001")).paging().is_err());
        assert!(Query::parse(Some("size=x")).paging().is_err());
        assert!(Query::parse(Some("page=0")).paging().is_err());
        assert!(Query::parse(Some("sort=asc")).paging().is_err());
        let p = Query::parse(Some("sort=name,desc,id&size=2000"))
            .paging()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.size, 2000);
        assert_eq!(p.sort.len(), 2);
        assert!(p.sort[0].desc);
        assert!(!p.sort[1].desc);
    }

    #[test]
    fn sorts_and_pages() {
        let items = vec![
            json!({"id": 3, "n": "b"}),
            json!({"id": 1, "n": "c"}),
            json!({"id": 2, "n": "a"}),
        ];
        let q = Query::parse(Some("sort=n,desc&size=2&page=2"));
        let v = page_of(items.clone(), &q).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v["contents"], json!([{"id": 2, "n": "a"}]));
        assert_eq!(
            v["page"],
            json!({"number": 2, "size": 2, "totalElements": 3, "totalPages": 2})
        );
        assert!(page_of(items, &Query::parse(Some("sort=nope,asc"))).is_err());
    }
}
