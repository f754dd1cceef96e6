//! Errors as data: the request field an OCP rejection is about.
//!
//! OCP's error codes say what kind of failure happened, not which part of the request caused
//! it (reference §5 #3); its messages do, by naming the body field in OCP's own spelling:
//! `invalid zones[1].resourcePool.unitCount: …`, `idcId is required`, `… primaryZone …`.
//! [`ClientError::field`] reads that name out of the message, once, here; each resource maps
//! OCP's field names to its attributes with a table (see
//! `lifecycle::OcpObject::attr_of`), instead of guessing from words of the text.

use super::ClientError;

/// One step of a field path as OCP writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldStep {
    /// A field name, e.g. `unitCount`.
    Name(String),
    /// An index into a list, e.g. the `1` of `zones[1]`.
    Index(usize),
}

/// The request field an OCP error names, e.g. `zones[1].resourcePool.unitCount`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OcpField(pub Vec<FieldStep>);

impl OcpField {
    /// Parses a field path (`zones[1].unitCount`, or `[0].zoneName` in a body that is a JSON
    /// array); `None` unless it is one.
    pub fn parse(s: &str) -> Option<OcpField> {
        let mut steps = Vec::new();
        for part in s.split('.') {
            let (name, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            // Only the first step of an array body starts with an index.
            let array_body = steps.is_empty() && name.is_empty() && !rest.is_empty();
            if !array_body && !is_name(name) {
                return None;
            }
            if !array_body {
                steps.push(FieldStep::Name(name.to_string()));
            }
            while let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']')?;
                steps.push(FieldStep::Index(r[..end].parse().ok()?));
                rest = &r[end + 1..];
            }
            if !rest.is_empty() {
                return None;
            }
        }
        Some(OcpField(steps))
    }

    /// The last field name, e.g. `unitCount` of `zones[1].resourcePool.unitCount`.
    pub fn leaf(&self) -> &str {
        self.0
            .iter()
            .rev()
            .find_map(|s| match s {
                FieldStep::Name(n) => Some(n.as_str()),
                FieldStep::Index(_) => None,
            })
            .unwrap_or("")
    }

    /// The first field name, e.g. `zones` of `zones[1].resourcePool.unitCount`.
    pub fn root(&self) -> &str {
        match self.0.first() {
            Some(FieldStep::Name(n)) => n,
            _ => "",
        }
    }

    /// The index of an array body's element the path starts with, e.g. `0` of
    /// `[0].resourcePool.unitCount`.
    pub fn body_index(&self) -> Option<usize> {
        match self.0.first() {
            Some(FieldStep::Index(i)) => Some(*i),
            _ => None,
        }
    }

    /// The index that follows field `list`, e.g. `1` for `zones` in `zones[1].unitCount`.
    pub fn index_of(&self, list: &str) -> Option<usize> {
        self.0.windows(2).find_map(|w| match w {
            [FieldStep::Name(n), FieldStep::Index(i)] if n == list => Some(*i),
            _ => None,
        })
    }
}

/// A field name as OCP's bodies spell them: a lower-case letter, then letters and digits.
fn is_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Where a message names a field: `invalid <field>: …` and `<field> is required` say so
/// outright; otherwise the first word that is a field path with an upper-case letter or an
/// index (`primaryZone`, `zones[0]`), which plain English words are not.
fn field_in(message: &str) -> Option<OcpField> {
    if let Some(rest) = message.strip_prefix("invalid ") {
        if let Some(f) = rest.split_once(':').and_then(|(f, _)| OcpField::parse(f)) {
            return Some(f);
        }
    }
    if let Some(f) = message
        .split_once(" is required")
        .and_then(|(f, _)| OcpField::parse(f.rsplit(' ').next().unwrap_or(f)))
    {
        return Some(f);
    }
    message
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | ';' | '(' | ')' | '"' | '\''))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| w.chars().any(|c| c.is_ascii_uppercase() || c == '['))
        .find_map(OcpField::parse)
}

impl ClientError {
    /// The request field OCP's rejection names (see the module docs); `None` for errors that
    /// are not OCP's rejection of a request, or whose message names no field.
    pub fn field(&self) -> Option<OcpField> {
        match self {
            ClientError::Api { message, .. } | ClientError::AlreadyExists { message, .. } => {
                field_in(message)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(message: &str) -> ClientError {
        ClientError::Api {
            method: "POST",
            path: "/api/v2/x".into(),
            http_status: 400,
            code: Some("ILLEGAL_ARGUMENT".into()),
            message: message.into(),
            trace_id: None,
        }
    }

    fn field(message: &str) -> Option<String> {
        api(message).field().map(|f| {
            f.0.iter()
                .map(|s| match s {
                    FieldStep::Name(n) => format!(".{n}"),
                    FieldStep::Index(i) => format!("[{i}]"),
                })
                .collect::<String>()
        })
    }

    #[test]
    fn the_field_is_read_from_each_way_ocp_names_it() {
        assert_eq!(
            field("invalid zones[1].resourcePool.unitCount: 0 is below 1").as_deref(),
            Some(".zones[1].resourcePool.unitCount")
        );
        assert_eq!(field("idcId is required").as_deref(), Some(".idcId"));
        assert_eq!(
            field("the body field rootPassword is required").as_deref(),
            Some(".rootPassword")
        );
        assert_eq!(
            field("zone z9 in primaryZone is not a zone of the tenant").as_deref(),
            Some(".primaryZone")
        );
        assert_eq!(field("invalid name: too long").as_deref(), Some(".name"));
        assert_eq!(field("the tenant is locked").as_deref(), None);
        assert_eq!(field("Invalid request.").as_deref(), None);
    }

    #[test]
    fn paths_give_their_parts() {
        let f = OcpField::parse("zones[1].resourcePool.unitCount").unwrap();
        assert_eq!(f.root(), "zones");
        assert_eq!(f.leaf(), "unitCount");
        assert_eq!(f.index_of("zones"), Some(1));
        assert_eq!(f.index_of("servers"), None);
        let f = OcpField::parse("[0].resourcePool.unitCount").unwrap();
        assert_eq!((f.body_index(), f.leaf()), (Some(0), "unitCount"));
        assert_eq!(OcpField::parse("a.[0]"), None);
        assert_eq!(
            OcpField::parse("[0]"),
            Some(OcpField(vec![FieldStep::Index(0)]))
        );
        assert_eq!(f.root(), "");
        assert_eq!(OcpField::parse("zones[x]"), None);
        assert_eq!(OcpField::parse("Zones"), None);
        assert_eq!(OcpField::parse("a..b"), None);
    }

    #[test]
    fn other_errors_name_no_field() {
        let e = ClientError::Cancelled { task_id: None };
        assert_eq!(e.field(), None);
    }
}
