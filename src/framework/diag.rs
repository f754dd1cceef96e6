//! Diagnostics and attribute paths: how every failure reaches the user.
//!
//! Protocol-free. `protocol::convert` turns these into tfplugin5 messages; resources and
//! the framework only ever build them through the helpers here, so every error has a
//! severity (never the protocol's INVALID 0) and, where one attribute is at fault, its path.

use std::fmt;

use crate::value::PathStep;

/// A path to an attribute inside a resource, data source or provider configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttrPath(pub Vec<PathStep>);

impl AttrPath {
    /// A path of one top-level attribute (or block) name.
    pub fn root(name: impl Into<String>) -> AttrPath {
        AttrPath(vec![PathStep::Attr(name.into())])
    }

    /// This path followed by an attribute name.
    pub fn attr(&self, name: impl Into<String>) -> AttrPath {
        let mut p = self.clone();
        p.0.push(PathStep::Attr(name.into()));
        p
    }

    /// This path followed by a list index.
    pub fn index(&self, i: usize) -> AttrPath {
        let mut p = self.clone();
        p.0.push(PathStep::Index(i as u64));
        p
    }

    /// The path a user writes as `storage[0].url`: attribute names joined by `.`, each
    /// optionally followed by list indexes (`[0]`). A part that is not an index is a name.
    pub fn parse(text: &str) -> AttrPath {
        let mut p = AttrPath::default();
        for part in text.split('.') {
            let mut pieces = part.split('[');
            p = p.attr(pieces.next().unwrap_or_default());
            for i in pieces.filter_map(|i| i.trim_end_matches(']').parse().ok()) {
                p = p.index(i);
            }
        }
        p
    }

    /// This path followed by a map key.
    pub fn key(&self, k: impl Into<String>) -> AttrPath {
        let mut p = self.clone();
        p.0.push(PathStep::Key(k.into()));
        p
    }
}

impl fmt::Display for AttrPath {
    /// Renders the path as a user would write it: `zone[1].unit_spec`, `tags["env"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attr(a) if i == 0 => write!(f, "{a}")?,
                PathStep::Attr(a) => write!(f, ".{a}")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
                PathStep::Key(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The operation failed.
    Error,
    /// The operation went on; the user should know.
    Warning,
}

/// One message for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Short Title Case summary naming what failed ("Unable to Read Cluster").
    pub summary: String,
    /// Full sentences: what happened, what OCP said, what to do next.
    pub detail: String,
    /// The attribute at fault, when there is one.
    pub path: Option<AttrPath>,
}

/// An ordered collection of diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// No diagnostics.
    pub fn new() -> Diagnostics {
        Diagnostics(Vec::new())
    }

    /// Adds an error that concerns the whole object.
    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Error, summary, detail, None);
    }

    /// Adds an error pointing at one attribute.
    pub fn attr_error(
        &mut self,
        path: AttrPath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Severity::Error, summary, detail, Some(path));
    }

    /// Adds an error pointing at `path` when there is one, else at the whole object.
    pub fn error_at(
        &mut self,
        path: Option<AttrPath>,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Severity::Error, summary, detail, path);
    }

    /// Adds a warning that concerns the whole object.
    pub fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Warning, summary, detail, None);
    }

    /// Adds a warning pointing at one attribute.
    pub fn attr_warning(
        &mut self,
        path: AttrPath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Severity::Warning, summary, detail, Some(path));
    }

    /// Adds an error that reports a defect of this provider rather than of the input.
    pub fn bug(&mut self, summary: impl Into<String>, what: impl fmt::Display) {
        self.error(
            summary,
            format!(
                "{what}\n\nThis is a bug in terraform-provider-ocp; please report it with TF_LOG=trace output."
            ),
        );
    }

    fn push(
        &mut self,
        severity: Severity,
        summary: impl Into<String>,
        detail: impl Into<String>,
        path: Option<AttrPath>,
    ) {
        self.0.push(Diagnostic {
            severity,
            summary: summary.into(),
            detail: detail.into(),
            path,
        });
    }

    /// Appends every diagnostic of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// True when at least one error is present.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// True when there are no diagnostics at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_as_they_print() {
        for text in ["name", "storage[0].url", "zone[1].unit_spec", "a.b[2][3].c"] {
            assert_eq!(AttrPath::parse(text).to_string(), text);
        }
        assert_eq!(
            AttrPath::parse("storage[0].url"),
            AttrPath::root("storage").index(0).attr("url")
        );
    }

    #[test]
    fn paths_render_as_users_write_them() {
        let p = AttrPath::root("zone").index(1).attr("unit_spec");
        assert_eq!(p.to_string(), "zone[1].unit_spec");
        assert_eq!(
            AttrPath::root("tags").key("env").to_string(),
            "tags[\"env\"]"
        );
    }

    #[test]
    fn bug_diagnostics_ask_for_a_report() {
        let mut d = Diagnostics::new();
        d.bug("Unexpected Value", "x was unknown after apply.");
        assert!(d.has_errors());
        assert!(d.0[0]
            .detail
            .contains("This is a bug in terraform-provider-ocp"));
    }
}
