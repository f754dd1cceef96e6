//! Privilege names: OCP's vocabulary per tenant mode and scope, the spelling users may write,
//! how a set written by the user is compared with what OCP reports, and what a list of
//! privileges (or roles) is on ([`Target`]).
//!
//! OCP spells privileges in upper case with underscores (`CREATE_VIEW`, S1 §4.3) and stores
//! `ALL` expanded to every privilege of its scope. Users may write `create view`, `ALL` or
//! `ALL PRIVILEGES`; the provider compares by meaning and keeps the user's spelling in state,
//! so no spelling causes a perpetual diff. The lists below are the vocabulary this provider and
//! the simulator share (ocp-api.md §3.6 names the calls, not every privilege).

use std::collections::{BTreeMap, BTreeSet};

use crate::client::api::user::DbObject;

/// MySQL-mode database privileges (each is also a global privilege).
const MYSQL_DB: &str = "ALTER CREATE DELETE DROP INSERT SELECT UPDATE INDEX CREATE_VIEW SHOW_VIEW";
/// MySQL-mode global privileges beyond the database ones.
const MYSQL_GLOBAL_ONLY: &str =
    "CREATE_USER PROCESS SUPER SHOW_DB GRANT_OPTION FILE REPLICATION_SLAVE REPLICATION_CLIENT";
/// Oracle-mode system privileges (the `globalPrivileges` of Oracle users and roles).
const ORACLE_SYSTEM: &str = "CREATE_SESSION ALTER_SESSION CREATE_TABLE CREATE_VIEW CREATE_SEQUENCE CREATE_PROCEDURE CREATE_SYNONYM CREATE_TRIGGER CREATE_TYPE CREATE_ANY_TABLE ALTER_ANY_TABLE DROP_ANY_TABLE SELECT_ANY_TABLE INSERT_ANY_TABLE UPDATE_ANY_TABLE DELETE_ANY_TABLE CREATE_USER ALTER_USER DROP_USER CREATE_ROLE GRANT_ANY_PRIVILEGE GRANT_ANY_ROLE";
/// Oracle-mode object privileges on tables and views.
const ORACLE_TABLE_OBJECT: &str = "SELECT INSERT UPDATE DELETE ALTER INDEX REFERENCES";
/// Oracle-mode object privileges on stored procedures.
const ORACLE_PROCEDURE_OBJECT: &str = "EXECUTE";
/// Object types OCP knows (S1 `dbObject`).
pub const OBJECT_TYPES: &[&str] = &["TABLE", "VIEW", "STORED_PROCEDURE"];

/// Tenant compatibility mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// MySQL mode.
    Mysql,
    /// Oracle mode.
    Oracle,
}

impl Mode {
    /// The mode OCP names (`MYSQL`, `ORACLE`); anything else is MySQL, OCP's default.
    pub fn from_ocp(s: Option<&str>) -> Mode {
        if s.is_some_and(|m| m.eq_ignore_ascii_case("ORACLE")) {
            Mode::Oracle
        } else {
            Mode::Mysql
        }
    }

    /// The mode as OCP names it and state records it in `tenant_mode`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Mysql => "MYSQL",
            Mode::Oracle => "ORACLE",
        }
    }

    /// The mode a model recorded in its `tenant_mode`, if known.
    pub fn recorded(tenant_mode: Option<&str>) -> Option<Mode> {
        tenant_mode.map(|m| Mode::from_ocp(Some(m)))
    }
}

/// Where a privilege applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Global (MySQL) or system (Oracle) privileges.
    Global,
    /// Privileges on one database (MySQL).
    Database,
    /// Privileges on one object (Oracle) of a type not known yet: every object privilege.
    Object,
    /// Privileges on one table or view (Oracle): every object privilege but `EXECUTE`.
    Table,
    /// Privileges on one stored procedure (Oracle): `EXECUTE` only.
    Procedure,
    /// Roles (Oracle): any name, compared as OCP stores it, in upper case; `ALL` is a name.
    Role,
}

impl Scope {
    /// The scope of an object of `object_type` (`TABLE`, `VIEW`, `STORED_PROCEDURE`, any
    /// case): OCP grants `EXECUTE` only on stored procedures and the others only on tables and
    /// views, so `ALL` means a different list for each.
    pub fn of_object(object_type: &str) -> Scope {
        if object_type.eq_ignore_ascii_case("STORED_PROCEDURE") {
            Scope::Procedure
        } else {
            Scope::Table
        }
    }
}

/// The privileges OCP knows for a mode and scope.
pub fn vocabulary(mode: Mode, scope: Scope) -> Vec<&'static str> {
    let lists: &[&str] = match (mode, scope) {
        (Mode::Mysql, Scope::Global) => &[MYSQL_DB, MYSQL_GLOBAL_ONLY],
        (Mode::Mysql, _) => &[MYSQL_DB],
        (Mode::Oracle, Scope::Global) => &[ORACLE_SYSTEM],
        (Mode::Oracle, Scope::Table) => &[ORACLE_TABLE_OBJECT],
        (Mode::Oracle, Scope::Procedure) => &[ORACLE_PROCEDURE_OBJECT],
        (_, Scope::Role) => &[],
        (Mode::Oracle, _) => &[ORACLE_TABLE_OBJECT, ORACLE_PROCEDURE_OBJECT],
    };
    lists.iter().flat_map(|l| l.split_whitespace()).collect()
}

/// OCP's spelling of a privilege name: upper case, spaces as underscores, `ALL PRIVILEGES`
/// as `ALL`.
pub fn canonical(p: &str) -> String {
    let c = p
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .to_ascii_uppercase();
    if c == "ALL_PRIVILEGES" {
        "ALL".into()
    } else {
        c
    }
}

/// The canonical set a list means, with `ALL` expanded for the scope.
pub fn expand<'a>(
    mode: Mode,
    scope: Scope,
    items: impl IntoIterator<Item = &'a str>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for i in items {
        let c = canonical(i);
        if c == "ALL" && scope != Scope::Role {
            out.extend(vocabulary(mode, scope).iter().map(|s| s.to_string()));
        } else {
            out.insert(c);
        }
    }
    out
}

/// Names in `items` that no mode knows for `scope` (checked at plan time, before the tenant's
/// mode is known; OCP refuses names of the other mode at apply).
pub fn unknown<'a>(scope: Scope, items: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let modes: &[Mode] = match scope {
        Scope::Role => return Vec::new(),
        Scope::Global => &[Mode::Mysql, Mode::Oracle],
        Scope::Database => &[Mode::Mysql],
        Scope::Object | Scope::Table | Scope::Procedure => &[Mode::Oracle],
    };
    let known = |c: &str| c == "ALL" || modes.iter().any(|m| vocabulary(*m, scope).contains(&c));
    let unknown = items.into_iter().filter(|i| !known(&canonical(i)));
    unknown.map(str::to_string).collect()
}

/// What state records for a privilege list, given what the user wrote (`mine`, None when the
/// attribute is not managed yet) and what OCP reports (`actual`, OCP's expanded spelling).
///
/// Authoritative lists (on users and roles) mirror OCP: the user's spelling when it means
/// exactly what OCP has, else the entries of `mine` OCP still has plus OCP's extras, so the
/// plan shows precisely what drifted. Additive lists (grants) keep only the entries of `mine`
/// OCP still has.
pub fn present(
    mode: Mode,
    scope: Scope,
    mine: Option<&[&str]>,
    actual: &[String],
    authoritative: bool,
) -> Vec<String> {
    let have = expand(mode, scope, actual.iter().map(String::as_str));
    let Some(mine) = mine else {
        return have.into_iter().collect();
    };
    if authoritative && expand(mode, scope, mine.iter().copied()) == have {
        return mine.iter().map(|s| s.to_string()).collect();
    }
    let kept: Vec<&str> = mine
        .iter()
        .copied()
        .filter(|m| expand(mode, scope, [*m]).is_subset(&have))
        .collect();
    let mut out: Vec<String> = kept.iter().map(|s| s.to_string()).collect();
    if authoritative {
        let covered = expand(mode, scope, kept.iter().copied());
        out.extend(have.difference(&covered).cloned());
    }
    out
}

/// The grants and revokes that turn `from` into `to` (canonical, `ALL` expanded): the smallest
/// change, never a revoke-all-then-grant.
pub fn delta<'a>(
    mode: Mode,
    scope: Scope,
    from: impl IntoIterator<Item = &'a str>,
    to: impl IntoIterator<Item = &'a str>,
) -> (Vec<String>, Vec<String>) {
    let (a, b) = (expand(mode, scope, from), expand(mode, scope, to));
    (
        b.difference(&a).cloned().collect(),
        a.difference(&b).cloned().collect(),
    )
}

/// Names compared as OCP compares them: Oracle names are case-insensitive (stored upper case).
pub fn same_name(mode: Mode, a: &str, b: &str) -> bool {
    match mode {
        Mode::Oracle => a.eq_ignore_ascii_case(b),
        Mode::Mysql => a == b,
    }
}

/// What a list of privileges is on: global (system) privileges, a database, an object, or
/// the roles of a grantee.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// Global (MySQL) or system (Oracle) privileges.
    Global,
    /// Privileges on one database (MySQL).
    Database(String),
    /// Privileges on one object (Oracle); its type in upper case.
    Object(DbObject),
    /// Roles (Oracle).
    Roles,
}

impl Target {
    /// The scope of the names listed for this target.
    pub fn scope(&self) -> Scope {
        match self {
            Target::Global => Scope::Global,
            Target::Database(_) => Scope::Database,
            Target::Object(o) => Scope::of_object(&o.object_type),
            Target::Roles => Scope::Role,
        }
    }

    /// The target as OCP compares targets: an object's type, schema and name in upper case
    /// (OCP stores unquoted Oracle identifiers in upper case); any other as it is.
    pub fn compared(self) -> Target {
        match self {
            Target::Object(o) => Target::Object(DbObject {
                object_type: o.object_type.to_ascii_uppercase(),
                schema_name: o.schema_name.to_ascii_uppercase(),
                object_name: o.object_name.to_ascii_uppercase(),
            }),
            t => t,
        }
    }
}

/// Lists by target, as written or as held.
pub type Lists<'a> = BTreeMap<Target, Vec<&'a str>>;

/// [`Lists`] of an attribute; `None` for an attribute not managed.
pub type Targets<'a> = Option<Lists<'a>>;

/// Whether two managed lists by target mean the same: the same targets, and for each the same
/// privileges (or roles) in any spelling.
pub fn same(mode: Mode, a: &Targets<'_>, b: &Targets<'_>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    let means = |t: &Target, l: &[&str]| expand(mode, t.scope(), l.iter().copied());
    a.len() == b.len()
        && a.iter()
            .all(|(t, v)| b.get(t).is_some_and(|w| means(t, v) == means(t, w)))
}

/// The names to grant and to revoke, per target, that turn `have` into `want` (the smallest
/// change: never a revoke-all-then-grant); targets in either map count.
pub fn delta_by_target(mode: Mode, have: &Lists, want: &Lists) -> [Vec<(Target, Vec<String>)>; 2] {
    let mut out: [Vec<(Target, Vec<String>)>; 2] = Default::default();
    for t in want.keys().chain(have.keys()).collect::<BTreeSet<_>>() {
        let (from, to) = (have.get(t).cloned(), want.get(t).cloned());
        let (g, r) = delta(
            mode,
            t.scope(),
            from.unwrap_or_default(),
            to.unwrap_or_default(),
        );
        for (side, l) in out.iter_mut().zip([g, r]) {
            if !l.is_empty() {
                side.push((t.clone(), l));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_users_write_map_to_ocps() {
        let spellings = [
            ("create view", "CREATE_VIEW"),
            (" all  privileges ", "ALL"),
            ("Select", "SELECT"),
        ];
        for (written, ocp) in spellings {
            assert_eq!(canonical(written), ocp, "{written:?}");
        }
    }

    #[test]
    fn all_expands_per_mode_and_scope() {
        assert_eq!(
            expand(Mode::Mysql, Scope::Database, ["ALL"]).len(),
            vocabulary(Mode::Mysql, Scope::Database).len()
        );
        assert!(expand(Mode::Oracle, Scope::Global, ["all privileges"]).contains("CREATE_SESSION"));
    }

    #[test]
    fn all_on_an_object_means_what_ocp_grants_on_its_type() {
        let table = expand(Mode::Oracle, Scope::of_object("table"), ["ALL"]);
        assert_eq!(table.len(), 7);
        assert!(!table.contains("EXECUTE"), "OCP refuses EXECUTE on a table");
        let proc = expand(Mode::Oracle, Scope::of_object("STORED_PROCEDURE"), ["ALL"]);
        assert_eq!(proc.into_iter().collect::<Vec<_>>(), ["EXECUTE"]);
        assert!(unknown(Scope::Object, ["EXECUTE", "SELECT"]).is_empty());
    }

    #[test]
    fn authoritative_lists_keep_the_users_spelling_when_equal() {
        let db = vocabulary(Mode::Mysql, Scope::Database);
        let actual: Vec<String> = db.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            present(Mode::Mysql, Scope::Database, Some(&["all"]), &actual, true),
            vec!["all"]
        );
        let actual = vec!["SELECT".to_string(), "CREATE_VIEW".to_string()];
        assert_eq!(
            present(
                Mode::Mysql,
                Scope::Global,
                Some(&["select", "create view"]),
                &actual,
                true
            ),
            vec!["select", "create view"]
        );
    }

    #[test]
    fn drift_shows_exactly_what_changed() {
        // INSERT was revoked outside Terraform and DROP granted: an authoritative list shows
        // both, an additive one only what it lists and still has.
        let actual = vec!["SELECT".to_string(), "DROP".to_string()];
        let listed = Some(&["SELECT", "INSERT"][..]);
        for (authoritative, shown) in [(true, vec!["SELECT", "DROP"]), (false, vec!["SELECT"])] {
            let got = present(Mode::Mysql, Scope::Global, listed, &actual, authoritative);
            assert_eq!(got, shown, "authoritative: {authoritative}");
        }
    }

    #[test]
    fn changes_are_the_smallest_grant_and_revoke() {
        let (grant, revoke) = delta(
            Mode::Mysql,
            Scope::Global,
            ["SELECT", "INSERT"],
            ["select", "update"],
        );
        assert_eq!(grant, vec!["UPDATE"]);
        assert_eq!(revoke, vec!["INSERT"]);
    }

    #[test]
    fn unknown_names_are_caught_before_the_mode_is_known() {
        assert_eq!(
            unknown(Scope::Global, ["SELECT", "create table", "FLY"]),
            vec!["FLY"]
        );
        assert_eq!(
            unknown(Scope::Database, ["EXECUTE"]),
            vec!["EXECUTE"],
            "EXECUTE is an Oracle object privilege"
        );
        assert!(unknown(Scope::Object, ["EXECUTE"]).is_empty());
    }
}
