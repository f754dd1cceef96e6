//! Who owns a user's privileges. `ocp_db_user` (and `ocp_db_role`) privileges are
//! authoritative; `ocp_db_grant` is additive. Both on one user fight: every apply of the user
//! revokes what the grant added. Terraform plans every resource of a configuration in one
//! provider process, so this process-wide note of what was planned lets the second of the two
//! plans warn, naming the user.

use std::sync::Mutex;

use serde::Deserialize;

use crate::framework::Diagnostics;
use crate::value::{from_value, known, known_str, Known, Value};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Authoritative,
    Additive,
}

struct Entry {
    tenant: Option<(i64, i64)>,
    grantee: String,
    kind: Kind,
}

static PLANNED: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

fn note(tenant: Option<(i64, i64)>, grantee: Option<&str>, kind: Kind, diags: &mut Diagnostics) {
    let Some(grantee) = grantee else { return };
    let Ok(mut planned) = PLANNED.lock() else {
        return;
    };
    let clash = planned.iter().any(|e| {
        e.kind != kind
            && e.grantee.eq_ignore_ascii_case(grantee)
            && e.tenant.zip(tenant).is_none_or(|(a, b)| a == b)
    });
    if clash {
        diags.warning(
            "Privileges Managed in Two Places",
            format!(
                "The privileges of {grantee:?} are set on its ocp_db_user or ocp_db_role, which owns the whole list, and also added by an ocp_db_grant. Each apply of the user would revoke what the grant adds. Manage this user's privileges in one place: either on the user or with grants."
            ),
        );
    }
    planned.push(Entry {
        tenant,
        grantee: grantee.to_string(),
        kind,
    });
}

/// Who a configuration names, read from it when known: the tenant and the user (`username`)
/// or role (`name`).
#[derive(Deserialize)]
struct Named {
    cluster_id: Option<Known<i64>>,
    tenant_id: Option<Known<i64>>,
    #[serde(default, alias = "username")]
    name: Option<Known<String>>,
}

impl Named {
    fn of(config: &Value) -> Option<Named> {
        from_value(config).ok()
    }

    fn tenant(&self) -> Option<(i64, i64)> {
        Some((*known(&self.cluster_id)?, *known(&self.tenant_id)?))
    }
}

/// Notes a user or role whose configuration sets privileges authoritatively.
pub fn note_authoritative(config: &Value, diags: &mut Diagnostics) {
    let Some(n) = Named::of(config) else { return };
    note(n.tenant(), known_str(&n.name), Kind::Authoritative, diags);
}

/// Notes a grant to a user or role.
pub fn note_additive(config: &Value, grantee: Option<&str>, diags: &mut Diagnostics) {
    let tenant = Named::of(config).and_then(|n| n.tenant());
    note(tenant, grantee, Kind::Additive, diags);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_to_a_user_with_authoritative_privileges_warns() {
        let cfg = Value::object([
            ("cluster_id", Value::from_i64(1)),
            ("tenant_id", Value::from_i64(99)),
            ("username", Value::string("mixed_user")),
        ]);
        let mut d = Diagnostics::new();
        note_authoritative(&cfg, &mut d);
        assert!(d.is_empty());
        let grant = Value::object([
            ("cluster_id", Value::from_i64(1)),
            ("tenant_id", Value::Unknown),
        ]);
        note_additive(&grant, Some("MIXED_USER"), &mut d);
        assert_eq!(d.0.len(), 1);
        assert!(d.0[0].detail.contains("mixed_user") || d.0[0].detail.contains("MIXED_USER"));
        let mut d = Diagnostics::new();
        note_additive(&grant, Some("someone_else"), &mut d);
        assert!(d.is_empty());
    }
}
