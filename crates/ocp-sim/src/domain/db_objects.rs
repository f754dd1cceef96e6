//! Databases, OB users, roles and privileges of a tenant (§3.5, §3.6, §4.3, §5 #14, #15, #24):
//! the model kept per tenant, the privilege vocabulary, input normalisation, the seeded
//! built-in users/roles and **all JSON shapes** of this family (one place, see [`render_user`],
//! [`render_role`], [`render_database`], [`render_object`]). The HTTP side is
//! `crate::routes::db_objects`.
//!
//! ## Object shapes (our decisions around the S1 facts)
//!
//! * user (S1 §4.3 `{username, globalPrivileges, dbPrivileges, createTime}` extended):
//!   `{username, locked, globalPrivileges[], dbPrivileges[{dbName, privileges[]}],
//!   objectPrivileges[{object{objectType, objectName, schemaName, fullName}, privileges[]}],
//!   roles[], createTime}`. `dbPrivileges` is always empty for Oracle tenants,
//!   `objectPrivileges` and `roles` always empty for MySQL tenants. Passwords are never rendered.
//! * role (Oracle only): `{roleName, globalPrivileges[], objectPrivileges[...], roles[], createTime}`.
//! * database object (§3.6 `GET /objects`, D): `{objectType, objectName, schemaName, fullName}`
//!   with `fullName` = `SCHEMA.OBJECT`.
//! * database (§3.5, D): `{id, dbName, charset, collation, primaryZone, readonly, createTime,
//!   requiredSize, connectionUrls[{connectionStringType, obProxyAddress, obProxyPort,
//!   connectionString}]}`. `primaryZone` is `null` when the database inherits the tenant's
//!   primary zone (our decision: created without one); `requiredSize` is always 0 (no data in
//!   the simulator); `connectionUrls` holds one `DIRECT` entry to the first OBServer of the
//!   tenant (sim).
//!
//! Every list is sorted: users by username, roles by roleName, databases by dbName (byte order,
//! so upper case sorts first), `dbPrivileges` by dbName, `objectPrivileges` and objects by
//! schema, object name, object type, `roles` by name, and privileges in the canonical order of
//! the vocabulary below.
//!
//! ## Privilege vocabulary (OCP spelling: upper case with underscores)
//!
//! | Scope | List |
//! |---|---|
//! | MySQL global (`globalPrivileges`) | [`MYSQL_GLOBAL`] |
//! | MySQL database (`dbPrivileges[].privileges`) | [`MYSQL_DB`] |
//! | Oracle system (`globalPrivileges` of users and roles) | [`ORACLE_SYSTEM`] |
//! | Oracle object (`objectPrivileges[].privileges`) | [`ORACLE_OBJECT`]; `EXECUTE` only on `STORED_PROCEDURE`, all others only on `TABLE`/`VIEW` |
//!
//! Requests must spell every privilege exactly as listed (OCP's names are Java enum constants:
//! `create view` or `select` is refused, with a hint naming `CREATE_VIEW` / `SELECT`). `ALL` and
//! `ALL PRIVILEGES` are not privilege names: OCP answers 400 `Invalid database privilege 'ALL'`,
//! so callers list the privileges themselves. Anything else is 400 `ILLEGAL_ARGUMENT` naming
//! the field, its index and the privilege.
//!
//! ## Names
//!
//! Users, roles and databases follow the tenant name rule of [`crate::domain::rules::check_name`]
//! (starts with a letter, then letters, digits, `_`; 1..=64 characters). MySQL names are
//! case-sensitive and stored as given. Oracle user and role names are case-insensitive and
//! stored upper case, like Oracle does for unquoted identifiers (64 rather than Oracle's 30
//! characters: our decision, for simplicity); users and roles share one namespace. Oracle
//! object names in object privileges follow the same rule and are upper-cased too.

use serde_json::{json, Value};

use crate::domain::rules::{self as rules, invalid};
use crate::envelope::ApiError;
use crate::state::{Store, Tenant};
use crate::util;

pub use crate::state::db_objects::*;

/// Parse a privilege list at `field` for `scope`. Names must be spelled exactly as in the
/// scope's vocabulary (upper case, underscores); `ALL` / `ALL PRIVILEGES` is not a privilege
/// name (OCP: `Invalid database privilege 'ALL'`); duplicates are merged; anything else is 400
/// naming `field[i]` and the privilege.
pub fn parse_privileges(field: &str, list: &[Value], scope: Scope) -> Result<PrivSet, ApiError> {
    let mut out = PrivSet::new();
    let vocab = scope.vocab();
    let valid = || -> String {
        (0..vocab.len())
            .filter(|i| scope.allows(*i))
            .map(|i| vocab[i])
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (i, v) in list.iter().enumerate() {
        let f = format!("{field}[{i}]");
        let Some(raw) = v.as_str() else {
            return Err(invalid(&f, "a string is expected"));
        };
        let n = normalise(raw);
        if n == "ALL" || n == "ALL_PRIVILEGES" {
            return Err(invalid(
                &f,
                format!(
                    "Invalid {} '{raw}': OCP takes privilege names only, list them instead (valid: {})",
                    scope.noun(),
                    valid()
                ),
            ));
        }
        match vocab.iter().position(|p| *p == raw) {
            Some(idx) if scope.allows(idx) => {
                out.insert(idx);
            }
            Some(_) => {
                let reason = match scope {
                    Scope::OracleObject("STORED_PROCEDURE") => {
                        "only EXECUTE can be granted on a STORED_PROCEDURE"
                    }
                    _ => "EXECUTE can only be granted on a STORED_PROCEDURE",
                };
                return Err(invalid(&f, format!("privilege {raw:?}: {reason}")));
            }
            None => {
                let hint = if n != raw && vocab.contains(&n.as_str()) {
                    format!(" (OCP spells it {n})")
                } else {
                    String::new()
                };
                return Err(invalid(
                    &f,
                    format!(
                        "{raw:?} is not a valid {}{hint} (valid: {})",
                        scope.label(),
                        valid()
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// Built-in user or role that cannot be deleted.
pub fn is_builtin(name: &str) -> bool {
    name == MYSQL_ROOT || ORACLE_USERS.contains(&name) || ORACLE_ROLES.contains(&name)
}

/// Validate a user/role name (see the module docs) and return its stored form: as given for
/// MySQL, upper case for Oracle.
pub fn check_principal(field: &str, name: &str, oracle: bool) -> Result<String, ApiError> {
    rules::check_name(field, name)?;
    Ok(if oracle {
        name.to_ascii_uppercase()
    } else {
        name.to_string()
    })
}

/// Lookup key for a user/role name taken from a path: upper case for Oracle.
pub fn lookup_key(name: &str, oracle: bool) -> String {
    if oracle {
        name.to_ascii_uppercase()
    } else {
        name.to_string()
    }
}

fn grant_list(scope: Scope, set: &PrivSet) -> Value {
    json!(scope.names(set))
}

fn object_privileges(g: &Grants) -> Vec<Value> {
    g.objects
        .iter()
        .map(|(k, set)| {
            json!({
                "object": render_object(k),
                "privileges": grant_list(Scope::OracleObject(k.object_type), set),
            })
        })
        .collect()
}

/// User object (see the module docs). Never contains the password.
pub fn render_user(oracle: bool, u: &ObUser) -> Value {
    let g = &u.grants;
    let db: Vec<Value> = g
        .db
        .iter()
        .map(|(name, set)| json!({"dbName": name, "privileges": grant_list(Scope::MysqlDb, set)}))
        .collect();
    json!({
        "username": u.name,
        "locked": u.locked,
        "globalPrivileges": grant_list(Scope::global(oracle), &g.global),
        "dbPrivileges": db,
        "objectPrivileges": object_privileges(g),
        "roles": g.roles.iter().collect::<Vec<_>>(),
        "createTime": util::iso(u.create_time),
    })
}

/// Role object (see the module docs).
pub fn render_role(r: &ObRole) -> Value {
    let g = &r.grants;
    json!({
        "roleName": r.name,
        "globalPrivileges": grant_list(Scope::OracleSystem, &g.global),
        "objectPrivileges": object_privileges(g),
        "roles": g.roles.iter().collect::<Vec<_>>(),
        "createTime": util::iso(r.create_time),
    })
}

/// Database object item (`GET /objects`).
pub fn render_object(k: &ObjectKey) -> Value {
    json!({
        "objectType": k.object_type,
        "objectName": k.name,
        "schemaName": k.schema,
        "fullName": k.full_name(),
    })
}

/// `connectionUrls` (§3.5) of tenant `t`, or of its database `db`: one `DIRECT` entry to the
/// OBServer of the tenant's first unit (sim), none while the tenant has no unit. The string
/// names the tenant's administrator (`root`, or `SYS` in Oracle mode) and ends in `-p`: it
/// never holds a password. Tenants carry the same list as databases (inferred: §3.5 documents
/// it on databases only).
pub fn connection_urls(store: &Store, t: &Tenant, db: Option<&str>) -> Vec<Value> {
    let server = store
        .units
        .values()
        .find(|u| u.tenant_id == t.id)
        .and_then(|u| store.servers.get(&u.server_id));
    let ip = server
        .and_then(|s| store.hosts.get(&s.host_id))
        .map(|h| h.inner_ip.clone());
    let admin = if is_oracle(t) { "SYS" } else { MYSQL_ROOT };
    match (ip, server) {
        (Some(ip), Some(s)) => vec![json!({
            "connectionStringType": "DIRECT",
            "obProxyAddress": ip,
            "obProxyPort": s.port,
            "connectionString": match db {
                Some(d) => format!("obclient -h{ip} -P{} -u{admin}@{} -D{d} -p", s.port, t.name),
                None => format!("obclient -h{ip} -P{} -u{admin}@{} -p", s.port, t.name),
            },
        })],
        _ => Vec::new(),
    }
}

/// Database item (§3.5) with its [`connection_urls`].
pub fn render_database(store: &Store, t: &Tenant, d: &Database) -> Value {
    let urls = connection_urls(store, t, Some(&d.name));
    json!({
        "id": d.id,
        "dbName": d.name,
        "charset": d.charset,
        "collation": d.collation,
        "primaryZone": d.primary_zone,
        "readonly": d.readonly,
        "createTime": util::iso(d.create_time),
        "requiredSize": 0,
        "connectionUrls": urls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_spelling() {
        assert_eq!(normalise("create view"), "CREATE_VIEW");
        assert_eq!(normalise("  Create__ View "), "CREATE_VIEW");
        assert_eq!(normalise("select"), "SELECT");
        assert_eq!(normalise("ALL PRIVILEGES"), "ALL_PRIVILEGES");
    }

    #[test]
    fn parses_exact_names_only() {
        let set = parse_privileges(
            "p",
            &[json!("SELECT"), json!("CREATE_VIEW"), json!("SELECT")],
            Scope::MysqlDb,
        )
        .expect("ok");
        assert_eq!(Scope::MysqlDb.names(&set), ["SELECT", "CREATE_VIEW"]);
        let e = parse_privileges("p", &[json!("create view")], Scope::MysqlDb)
            .expect_err("OCP's spelling only");
        assert!(
            e.message.contains("OCP spells it CREATE_VIEW"),
            "{}",
            e.message
        );
        for all in ["ALL", "all", "ALL PRIVILEGES"] {
            let e = parse_privileges("p", &[json!("SELECT"), json!(all)], Scope::MysqlDb)
                .expect_err("ALL is no privilege name");
            assert!(
                e.message
                    .starts_with(&format!("invalid p[1]: Invalid database privilege '{all}'")),
                "{}",
                e.message
            );
        }
        let e = parse_privileges("p", &[json!("SUPER")], Scope::MysqlDb).expect_err("db scope");
        assert!(
            e.message.starts_with("invalid p[0]: \"SUPER\""),
            "{}",
            e.message
        );
        let e = parse_privileges("p", &[json!("SELECT")], Scope::OracleSystem).expect_err("sys");
        assert!(
            e.message.contains("Oracle system privilege"),
            "{}",
            e.message
        );
    }

    #[test]
    fn object_type_rule() {
        let proc = Scope::OracleObject("STORED_PROCEDURE");
        let table = Scope::OracleObject("TABLE");
        assert_eq!(proc.names(&proc.all()), ["EXECUTE"]);
        assert_eq!(table.all().len(), 7);
        assert!(parse_privileges("p", &[json!("EXECUTE")], table).is_err());
        assert!(parse_privileges("p", &[json!("SELECT")], proc).is_err());
        assert!(parse_privileges("p", &[json!("EXECUTE")], proc).is_ok());
    }
}
