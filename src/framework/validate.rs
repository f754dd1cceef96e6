//! Validators for configured values, and the walk that applies them to a whole config.
//!
//! Every validator skips null and unknown values: unknowns are checked again once known
//! (Terraform validates before and after references resolve), and nulls are Terraform's
//! business (required/optional is enforced by Terraform core from the schema).

use super::diag::{AttrPath, Diagnostics};
use super::schema::{Block, Nesting};
use super::timeouts::parse_duration;
use crate::value::Value;

/// A check on one configured, known, non-null value.
pub trait Validator: Send + Sync {
    /// A sentence for the docs, e.g. "one of `MYSQL`, `ORACLE`".
    fn description(&self) -> String;
    /// What `v` is when it is not acceptable, completing "got ..."; None when it is. Used by
    /// the default [`Self::validate`]; a validator that words its own errors leaves it out.
    fn refused(&self, _v: &Value) -> Option<String> {
        None
    }
    /// The diagnostic's summary of a refused value.
    fn summary(&self) -> &str {
        INVALID
    }
    /// Adds an error naming `path` when `v` is not acceptable. The default words it
    /// "Attribute {path} must be {description}, got {refused}."
    fn validate(&self, path: &AttrPath, v: &Value, diags: &mut Diagnostics) {
        if let Some(got) = self.refused(v) {
            let detail = format!(
                "Attribute {path} must be {}, got {got}.",
                self.description()
            );
            diags.attr_error(path.clone(), self.summary(), detail);
        }
    }
}

/// The summary of a refused value, unless the rule has its own.
const INVALID: &str = "Invalid Attribute Value";

fn invalid(diags: &mut Diagnostics, path: &AttrPath, detail: String) {
    diags.attr_error(path.clone(), INVALID, detail);
}

/// The string must pass a test: one validator for each rule a single predicate states (an IP
/// address, a time of day, a name without hyphens), with its own summary.
pub struct Text {
    /// The diagnostic's summary, e.g. `Invalid IP Address`.
    pub summary: &'static str,
    /// What the value must be, completing "must be ...".
    pub must_be: String,
    /// The test.
    pub test: fn(&str) -> bool,
}

impl Text {
    /// A rule with `summary`, worded "must be `must_be`", passed by what `test` accepts.
    pub fn new(summary: &'static str, must_be: impl Into<String>, test: fn(&str) -> bool) -> Text {
        Text {
            summary,
            must_be: must_be.into(),
            test,
        }
    }
}

impl Validator for Text {
    fn description(&self) -> String {
        self.must_be.clone()
    }
    fn summary(&self) -> &str {
        self.summary
    }
    fn refused(&self, v: &Value) -> Option<String> {
        v.as_str()
            .filter(|s| !(self.test)(s))
            .map(|s| format!("{s:?}"))
    }
}

/// The string must be one of the given values (exact, case-sensitive).
pub struct OneOf(pub &'static [&'static str]);

impl Validator for OneOf {
    fn description(&self) -> String {
        let list: Vec<String> = self.0.iter().map(|s| format!("`{s}`")).collect();
        format!("one of {}", list.join(", "))
    }
    fn refused(&self, v: &Value) -> Option<String> {
        v.as_str()
            .filter(|s| !self.0.contains(s))
            .map(|s| format!("{s:?}"))
    }
}

/// The string length (in characters) must lie in `min..=max`.
pub struct Length(pub usize, pub usize);

impl Validator for Length {
    fn description(&self) -> String {
        format!("between {} and {} characters long", self.0, self.1)
    }
    fn refused(&self, v: &Value) -> Option<String> {
        let n = v.as_str()?.chars().count();
        (n < self.0 || n > self.1).then(|| format!("{n} characters"))
    }
}

/// The number must lie in `min..=max`.
pub struct IntBetween(pub i64, pub i64);

impl Validator for IntBetween {
    fn description(&self) -> String {
        format!("between {} and {}", self.0, self.1)
    }
    fn refused(&self, v: &Value) -> Option<String> {
        let n = v.as_number()?;
        let ok = n.to_i64().is_some_and(|i| i >= self.0 && i <= self.1);
        (!ok).then(|| n.to_string())
    }
}

/// The string must be a duration such as `30s`, `10m`, `1h30m`.
pub struct DurationString;

impl Validator for DurationString {
    fn description(&self) -> String {
        "a duration such as `30s`, `10m` or `1h30m`".to_string()
    }
    fn validate(&self, path: &AttrPath, v: &Value, diags: &mut Diagnostics) {
        if let Some(s) = v.as_str() {
            if let Err(e) = parse_duration(s) {
                invalid(
                    diags,
                    path,
                    format!("Attribute {path} must be {}: {e}.", self.description()),
                );
            }
        }
    }
}

/// The string must not be empty or only spaces.
pub struct NotBlank;

impl Validator for NotBlank {
    fn description(&self) -> String {
        "not empty".to_string()
    }
    fn validate(&self, path: &AttrPath, v: &Value, diags: &mut Diagnostics) {
        if v.as_str().is_some_and(|s| s.trim().is_empty()) {
            invalid(diags, path, format!("Attribute {path} must not be empty."));
        }
    }
}

/// Applies every attribute's validators to a configuration value of `block`, recursing into
/// nested blocks, so each error carries the exact path (`zone[1].unit_spec`).
pub fn validate_block(block: &Block, value: &Value, path: &AttrPath, diags: &mut Diagnostics) {
    if value.is_null() || value.is_unknown() {
        return;
    }
    for (name, attr) in &block.attributes {
        if let Some(v) = value.get(name) {
            attr.validate_value(&path.attr(name), v, diags);
        }
    }
    for (name, nested) in &block.blocks {
        let Some(v) = value.get(name) else { continue };
        let p = path.attr(name);
        match nested.nesting {
            Nesting::Single | Nesting::Group => validate_block(&nested.block, v, &p, diags),
            Nesting::List | Nesting::Set => {
                for (i, item) in v.elements().iter().enumerate() {
                    // Set elements cannot be addressed; stop at the block for them.
                    let ip = if nested.nesting == Nesting::List {
                        p.index(i)
                    } else {
                        p.clone()
                    };
                    validate_block(&nested.block, item, &ip, diags);
                }
            }
            Nesting::Map => {
                if let Value::Map(m) = v {
                    for (k, item) in m {
                        validate_block(&nested.block, item, &p.key(k.clone()), diags);
                    }
                }
            }
        }
    }
}

/// A name rule: an optional leading letter, then letters, digits and the given punctuation,
/// at most 64 characters. One validator for every kind of name the provider checks.
pub struct NameRule {
    /// Whether the first character must be a letter.
    pub letter_first: bool,
    /// Punctuation allowed besides letters and digits.
    pub punctuation: &'static [char],
    /// The diagnostic's summary, e.g. `Invalid Tenant Name`.
    pub summary: &'static str,
}

impl Validator for NameRule {
    fn description(&self) -> String {
        let extra: String = self
            .punctuation
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if self.letter_first {
            format!("a letter followed by letters, digits or {extra}, at most 64 characters")
        } else {
            format!("letters, digits and {extra}, at most 64 characters")
        }
    }
    fn validate(&self, path: &AttrPath, v: &Value, diags: &mut Diagnostics) {
        let Some(s) = v.as_str() else { return };
        if s.trim().is_empty() && !self.letter_first {
            return; // blank names are NotBlank's to report
        }
        let ok = s.len() <= 64
            && (!self.letter_first || s.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || self.punctuation.contains(&c));
        if !ok {
            diags.attr_error(
                path.clone(),
                self.summary,
                format!(
                    "Attribute {path} must be {}, got {s:?}.",
                    self.description()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Attr, NestedBlock};

    #[test]
    fn validators_skip_null_and_unknown_values() {
        let mut d = Diagnostics::new();
        let p = AttrPath::root("mode");
        OneOf(&["MYSQL"]).validate(&p, &Value::Null, &mut d);
        OneOf(&["MYSQL"]).validate(&p, &Value::Unknown, &mut d);
        assert!(d.is_empty());
    }

    #[test]
    fn errors_point_at_the_nested_attribute() {
        let block = Block::new("t").block(
            "zone",
            NestedBlock::list(
                Block::new("z").attr(
                    "replica_type",
                    Attr::string()
                        .required()
                        .validate(OneOf(&["FULL", "READONLY"]))
                        .doc("d"),
                ),
            ),
        );
        let cfg = Value::object([(
            "zone",
            Value::List(vec![
                Value::object([("replica_type", Value::string("FULL"))]),
                Value::object([("replica_type", Value::string("full"))]),
            ]),
        )]);
        let mut d = Diagnostics::new();
        validate_block(&block, &cfg, &AttrPath::default(), &mut d);
        assert_eq!(d.0.len(), 1);
        assert_eq!(
            d.0[0].path.as_ref().map(|p| p.to_string()).as_deref(),
            Some("zone[1].replica_type")
        );
        assert!(d.0[0].detail.contains("\"full\""));
    }

    #[test]
    fn text_rules_name_the_rule_and_the_value() {
        let rule = Text::new("Invalid Thing", "a thing without `x`", |s| !s.contains('x'));
        let mut d = Diagnostics::new();
        rule.validate(&AttrPath::root("thing"), &Value::string("box"), &mut d);
        rule.validate(&AttrPath::root("thing"), &Value::string("bag"), &mut d);
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].summary, "Invalid Thing");
        assert_eq!(
            d.0[0].detail,
            "Attribute thing must be a thing without `x`, got \"box\"."
        );
    }

    #[test]
    fn integer_attributes_reject_fractions() {
        let a = Attr::int().optional().doc("d");
        let mut d = Diagnostics::new();
        let n = crate::value::Number::parse("1.5")
            .map(Value::Number)
            .unwrap_or(Value::Null);
        a.validate_value(&AttrPath::root("max_retries"), &n, &mut d);
        assert!(d.has_errors());
        assert!(d.0[0].detail.contains("whole number"));
    }

    #[test]
    fn integers_beyond_64_bits_get_the_attributes_range() {
        let big = crate::value::Number::parse("99999999999999999999")
            .map(Value::Number)
            .unwrap_or(Value::Null);
        let ranged = Attr::int().optional().validate(IntBetween(0, 20)).doc("d");
        let mut d = Diagnostics::new();
        ranged.validate_value(&AttrPath::root("max_retries"), &big, &mut d);
        assert_eq!(d.0.len(), 1, "{:?}", d.0);
        assert!(
            d.0[0].detail.contains("between 0 and 20"),
            "{}",
            d.0[0].detail
        );
        let plain = Attr::int().optional().doc("d");
        let mut d = Diagnostics::new();
        plain.validate_value(&AttrPath::root("id"), &big, &mut d);
        assert!(
            d.0[0].detail.contains(&i64::MAX.to_string()),
            "{}",
            d.0[0].detail
        );
        assert!(!d.0[0].detail.contains("whole number"), "{}", d.0[0].detail);
    }
}
