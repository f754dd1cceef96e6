//! How a data source that reads one object chooses it: by its OCP `id`, or else by a key
//! attribute (its `name`, or a host's `ip`). Written once for every such data source: the
//! plan-time error when neither is set, and "not found" on the attribute that chose.

use crate::framework::{AttrPath, Diagnostics};
use crate::value::Known;

use super::Fail;

/// What chose the object: its OCP id, or the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// By OCP id (the `id` attribute).
    Id(i64),
    /// By the key attribute's value.
    Key(String),
}

impl Choice {
    /// An import id that is an OCP id or a name: a whole number is an id.
    pub fn of_import_id(id: &str) -> Choice {
        match id.trim().parse::<i64>() {
            Ok(n) => Choice::Id(n),
            Err(_) => Choice::Key(id.to_string()),
        }
    }
}

/// The `id`-or-key selector of one data source.
pub struct Chooser {
    /// Title-case noun, e.g. `Host`.
    pub noun: &'static str,
    /// The data source, e.g. `ocp_host`.
    pub type_name: &'static str,
    /// The key attribute, e.g. `ip`.
    pub key: &'static str,
    /// The data source that lists these objects, e.g. `ocp_hosts`.
    pub list: &'static str,
}

impl Chooser {
    /// An error when neither `id` nor the key is set (an unknown value counts as set: it is
    /// known by the time the data source is read).
    pub fn validate<I, K>(&self, id: &Option<I>, key: &Option<K>, diags: &mut Diagnostics) {
        if id.is_none() && key.is_none() {
            diags.error(
                format!("Missing {} Selector", self.noun),
                format!(
                    "Set `id` or `{}` in data {:?} to choose the {} to read.",
                    self.key,
                    self.type_name,
                    self.noun.to_lowercase()
                ),
            );
        }
    }

    /// The choice at read time (the id wins when both are set); `None` when neither is set,
    /// which [`Chooser::validate`] reported.
    pub fn choice(&self, id: Option<Known<i64>>, key: Option<Known<String>>) -> Option<Choice> {
        match (id.and_then(Known::known), key.and_then(Known::known)) {
            (Some(id), _) => Some(Choice::Id(id)),
            (None, Some(key)) => Some(Choice::Key(key)),
            (None, None) => None,
        }
    }

    /// The object found; when there is none, `<Noun> Not Found` on the attribute that chose
    /// it, and [`Fail::Reported`] for the read to return.
    pub fn found<T>(
        &self,
        found: Option<T>,
        choice: &Choice,
        diags: &mut Diagnostics,
    ) -> Result<T, Box<Fail>> {
        found.ok_or_else(|| {
            let (attr, what) = match choice {
                Choice::Id(id) => ("id", id.to_string()),
                Choice::Key(key) => (self.key, format!("{key:?}")),
            };
            diags.attr_error(
                AttrPath::root(attr),
                format!("{} Not Found", self.noun),
                format!(
                    "OCP has no {} with {attr} {what}; `data {:?}` lists them.",
                    self.noun.to_lowercase(),
                    self.list
                ),
            );
            Box::new(Fail::Reported)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTS: Chooser = Chooser {
        noun: "Host",
        type_name: "ocp_host",
        key: "ip",
        list: "ocp_hosts",
    };

    #[test]
    fn neither_id_nor_key_is_an_error_and_an_unknown_counts_as_set() {
        let mut d = Diagnostics::default();
        HOSTS.validate::<Known<i64>, Known<String>>(&None, &None, &mut d);
        assert!(d.has_errors());
        assert_eq!(d.0[0].summary, "Missing Host Selector");
        assert!(
            d.0[0]
                .detail
                .contains("Set `id` or `ip` in data \"ocp_host\""),
            "{d:?}"
        );
        let mut d = Diagnostics::default();
        HOSTS.validate::<Known<i64>, Known<String>>(&Some(Known::Unknown), &None, &mut d);
        assert!(!d.has_errors());
    }

    #[test]
    fn the_id_wins_and_a_name_import_id_is_a_key() {
        let c = HOSTS.choice(Some(Known::Value(3)), Some(Known::Value("10.0.0.1".into())));
        assert_eq!(c, Some(Choice::Id(3)));
        let c = HOSTS.choice(None, Some(Known::Value("10.0.0.1".into())));
        assert_eq!(c, Some(Choice::Key("10.0.0.1".into())));
        assert_eq!(HOSTS.choice(None, None), None);
        assert_eq!(Choice::of_import_id("42"), Choice::Id(42));
        assert_eq!(
            Choice::of_import_id("demo-cluster"),
            Choice::Key("demo-cluster".into())
        );
    }

    #[test]
    fn not_found_is_reported_on_the_attribute_that_chose() {
        let mut d = Diagnostics::default();
        let r = HOSTS.found(None::<()>, &Choice::Key("10.9.9.9".into()), &mut d);
        assert!(matches!(r.map_err(|e| *e), Err(Fail::Reported)));
        assert_eq!(d.0[0].summary, "Host Not Found");
        assert_eq!(d.0[0].path, Some(AttrPath::root("ip")));
        assert!(
            d.0[0].detail.contains("no host with ip \"10.9.9.9\""),
            "{d:?}"
        );
        let mut d = Diagnostics::default();
        assert_eq!(HOSTS.found(Some(5), &Choice::Id(1), &mut d).ok(), Some(5));
        assert!(!d.has_errors());
    }
}
