//! Collections whose entries the remote API keys by a name: two entries with the same key
//! (after the API's normalisation) would make it keep only one of them, and the next plan
//! would show the other as missing again, for ever. Such a configuration is refused at plan
//! time instead, naming both entries and saying how to fix it.
//!
//! Entries whose key is unknown (or null) are skipped: the check runs again on the plan,
//! once the values are known (`framework::core` runs `validate` during PlanResourceChange).

use std::collections::BTreeMap;

use crate::framework::{AttrPath, Diagnostics};

/// One pair of entries with the same key: the earlier entry and the later one.
pub struct Duplicate<'a, K> {
    /// The key they share.
    pub key: &'a K,
    /// Index (in the given order) and path of the first entry with that key.
    pub first: (usize, &'a AttrPath),
    /// Index and path of the later entry.
    pub second: (usize, &'a AttrPath),
}

/// Reports one error per entry whose key an earlier entry already has, on the later entry's
/// path. Each entry is the path of the attribute that carries its key (e.g.
/// `db_privileges[2].database`) and the key as the API compares it (normalised), `None` while
/// not known. `detail` writes the message; it should name both paths and say how to fix it.
pub fn refuse_duplicates<K: Ord>(
    entries: impl IntoIterator<Item = (AttrPath, Option<K>)>,
    summary: &str,
    diags: &mut Diagnostics,
    detail: impl Fn(&Duplicate<'_, K>) -> String,
) {
    let entries: Vec<(AttrPath, Option<K>)> = entries.into_iter().collect();
    let mut seen: BTreeMap<&K, usize> = BTreeMap::new();
    for (i, (path, key)) in entries.iter().enumerate() {
        let Some(k) = key else { continue };
        match seen.get(k) {
            Some(&j) => {
                let d = Duplicate {
                    key: k,
                    first: (j, &entries[j].0),
                    second: (i, path),
                };
                diags.attr_error(path.clone(), summary, detail(&d));
            }
            None => {
                seen.insert(k, i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyed(keys: &[Option<&'static str>]) -> Vec<(AttrPath, Option<&'static str>)> {
        let at = |i: usize| AttrPath::root("x").index(i).attr("name");
        keys.iter().enumerate().map(|(i, k)| (at(i), *k)).collect()
    }

    #[test]
    fn each_later_duplicate_is_reported_with_both_paths() {
        for (name, keys, want) in [
            ("distinct", vec![Some("a"), Some("b")], vec![]),
            (
                "one pair",
                vec![Some("a"), Some("b"), Some("a")],
                vec!["x[0].name x[2].name"],
            ),
            (
                "three alike",
                vec![Some("a"), Some("a"), Some("a")],
                vec!["x[0].name x[1].name", "x[0].name x[2].name"],
            ),
            (
                "unknown keys are skipped",
                vec![None, None, Some("a")],
                vec![],
            ),
            ("empty", vec![], vec![]),
        ] {
            let mut d = Diagnostics::new();
            refuse_duplicates(keyed(&keys), "Duplicate", &mut d, |dup| {
                format!("{} {}", dup.first.1, dup.second.1)
            });
            let got: Vec<&str> = d.0.iter().map(|x| x.detail.as_str()).collect();
            assert_eq!(got, want, "{name}");
            for x in &d.0 {
                let p = x.path.as_ref().unwrap().to_string();
                assert!(x.detail.ends_with(&p), "{name}: on the later entry");
            }
        }
    }
}
