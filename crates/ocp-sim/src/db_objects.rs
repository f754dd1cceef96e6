//! Databases, OB users, roles and privileges of a tenant (§3.5, §3.6, §4.3, §5 #14, #15, #24):
//! the model kept per tenant, the privilege vocabulary, input normalisation, the seeded
//! built-in users/roles and **all JSON shapes** of this family (one place, see [`render_user`],
//! [`render_role`], [`render_database`], [`render_object`]). The HTTP side is
//! [`crate::routes::db_objects`].
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
//! Users, roles and databases follow the tenant name rule of [`crate::tenant_rules::check_name`]
//! (starts with a letter, then letters, digits, `_`; 1..=64 characters). MySQL names are
//! case-sensitive and stored as given. Oracle user and role names are case-insensitive and
//! stored upper case, like Oracle does for unquoted identifiers (64 rather than Oracle's 30
//! characters: our decision, for simplicity); users and roles share one namespace. Oracle
//! object names in object privileges follow the same rule and are upper-cased too.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::envelope::ApiError;
use crate::state::{Store, Tenant};
use crate::tenant_rules::{self as rules, invalid};
use crate::util;

/// MySQL global privileges, canonical order.
pub const MYSQL_GLOBAL: [&str; 18] = [
    "ALTER",
    "CREATE",
    "DELETE",
    "DROP",
    "INSERT",
    "SELECT",
    "UPDATE",
    "INDEX",
    "CREATE_VIEW",
    "SHOW_VIEW",
    "CREATE_USER",
    "PROCESS",
    "SUPER",
    "SHOW_DB",
    "GRANT_OPTION",
    "FILE",
    "REPLICATION_SLAVE",
    "REPLICATION_CLIENT",
];

/// MySQL database privileges, canonical order.
pub const MYSQL_DB: [&str; 10] = [
    "ALTER",
    "CREATE",
    "DELETE",
    "DROP",
    "INSERT",
    "SELECT",
    "UPDATE",
    "INDEX",
    "CREATE_VIEW",
    "SHOW_VIEW",
];

/// Oracle system privileges (the `globalPrivileges` of Oracle users and roles), canonical order.
pub const ORACLE_SYSTEM: [&str; 22] = [
    "CREATE_SESSION",
    "ALTER_SESSION",
    "CREATE_TABLE",
    "CREATE_VIEW",
    "CREATE_SEQUENCE",
    "CREATE_PROCEDURE",
    "CREATE_SYNONYM",
    "CREATE_TRIGGER",
    "CREATE_TYPE",
    "CREATE_ANY_TABLE",
    "ALTER_ANY_TABLE",
    "DROP_ANY_TABLE",
    "SELECT_ANY_TABLE",
    "INSERT_ANY_TABLE",
    "UPDATE_ANY_TABLE",
    "DELETE_ANY_TABLE",
    "CREATE_USER",
    "ALTER_USER",
    "DROP_USER",
    "CREATE_ROLE",
    "GRANT_ANY_PRIVILEGE",
    "GRANT_ANY_ROLE",
];

/// Oracle object privileges, canonical order.
pub const ORACLE_OBJECT: [&str; 8] = [
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "ALTER",
    "INDEX",
    "REFERENCES",
    "EXECUTE",
];

/// Object types of `dbObject` (S1).
pub const OBJECT_TYPES: [&str; 3] = ["TABLE", "VIEW", "STORED_PROCEDURE"];

/// [`ObjectKey`] as saved in a state file (the object type as an owned string).
#[derive(Deserialize)]
struct ObjectKeyRepr {
    schema: String,
    name: String,
    object_type: String,
}

impl<'de> Deserialize<'de> for ObjectKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let repr = ObjectKeyRepr::deserialize(d)?;
        ObjectKey::try_from(repr).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<ObjectKeyRepr> for ObjectKey {
    type Error = String;

    fn try_from(r: ObjectKeyRepr) -> Result<Self, String> {
        let object_type = OBJECT_TYPES
            .iter()
            .find(|t| **t == r.object_type)
            .copied()
            .ok_or_else(|| format!("unknown object type {:?}", r.object_type))?;
        Ok(ObjectKey {
            schema: r.schema,
            name: r.name,
            object_type,
        })
    }
}

/// Built-in MySQL user (seeded, cannot be deleted).
pub const MYSQL_ROOT: &str = "root";
/// Built-in Oracle users (seeded, cannot be deleted).
pub const ORACLE_USERS: [&str; 2] = ["SYS", "SYSTEM"];
/// Built-in Oracle roles (seeded, cannot be deleted).
pub const ORACLE_ROLES: [&str; 4] = ["CONNECT", "RESOURCE", "DBA", "PUBLIC"];

/// Database names a MySQL tenant already uses internally (our decision: refused on create).
pub const RESERVED_DATABASES: [&str; 3] = ["information_schema", "mysql", "oceanbase"];

/// A set of privileges of one scope, as indices into that scope's vocabulary (so iteration is
/// the canonical order).
pub type PrivSet = BTreeSet<usize>;

/// A privilege scope (selects the vocabulary and, for objects, the object-type rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// MySQL global privileges.
    MysqlGlobal,
    /// MySQL database privileges.
    MysqlDb,
    /// Oracle system privileges.
    OracleSystem,
    /// Oracle object privileges on an object of the given type (one of [`OBJECT_TYPES`]).
    OracleObject(&'static str),
}

impl Scope {
    /// The global scope of a tenant mode.
    pub fn global(oracle: bool) -> Scope {
        if oracle {
            Scope::OracleSystem
        } else {
            Scope::MysqlGlobal
        }
    }

    /// The vocabulary of the scope.
    pub fn vocab(self) -> &'static [&'static str] {
        match self {
            Scope::MysqlGlobal => &MYSQL_GLOBAL,
            Scope::MysqlDb => &MYSQL_DB,
            Scope::OracleSystem => &ORACLE_SYSTEM,
            Scope::OracleObject(_) => &ORACLE_OBJECT,
        }
    }

    /// Whether the privilege at `idx` of [`Scope::vocab`] is valid in this scope: `EXECUTE` only
    /// on stored procedures, the others only on tables and views.
    pub fn allows(self, idx: usize) -> bool {
        match self {
            Scope::OracleObject(t) => {
                (ORACLE_OBJECT[idx] == "EXECUTE") == (t == "STORED_PROCEDURE")
            }
            _ => true,
        }
    }

    /// Every privilege valid in the scope.
    pub fn all(self) -> PrivSet {
        (0..self.vocab().len())
            .filter(|i| self.allows(*i))
            .collect()
    }

    /// How OCP's error names the scope (`Invalid database privilege 'ALL'`).
    fn noun(self) -> &'static str {
        match self {
            Scope::MysqlGlobal => "global privilege",
            Scope::MysqlDb => "database privilege",
            Scope::OracleSystem => "system privilege",
            Scope::OracleObject(_) => "object privilege",
        }
    }

    fn label(self) -> String {
        match self {
            Scope::MysqlGlobal => "MySQL global privilege".into(),
            Scope::MysqlDb => "MySQL database privilege".into(),
            Scope::OracleSystem => "Oracle system privilege".into(),
            Scope::OracleObject(t) => format!("Oracle object privilege for a {t}"),
        }
    }

    /// Names of a set, canonical order.
    pub fn names(self, set: &PrivSet) -> Vec<&'static str> {
        let v = self.vocab();
        set.iter().filter_map(|i| v.get(*i).copied()).collect()
    }
}

/// Normalised spelling of a privilege or object type: upper case, runs of spaces/underscores
/// become one `_`, trimmed (`" create  view"` → `CREATE_VIEW`). Used only to tell the caller
/// which name it probably meant; requests must carry OCP's exact spelling.
pub fn normalise(raw: &str) -> String {
    raw.split(|c: char| c.is_whitespace() || c == '_')
        .filter(|p| !p.is_empty())
        .map(str::to_ascii_uppercase)
        .collect::<Vec<_>>()
        .join("_")
}

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

/// An Oracle schema object (the `object` of an object privilege). Ordered by schema, name, type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ObjectKey {
    /// Owner (an Oracle user name, upper case).
    pub schema: String,
    /// Object name (upper case).
    pub name: String,
    /// One of [`OBJECT_TYPES`].
    pub object_type: &'static str,
}

impl ObjectKey {
    /// `SCHEMA.OBJECT`.
    pub fn full_name(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }
}

/// Privileges and roles held by a user or role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Grants {
    /// Global (MySQL) or system (Oracle) privileges.
    pub global: PrivSet,
    /// MySQL database privileges by database name (entries are never empty).
    pub db: BTreeMap<String, PrivSet>,
    /// Oracle object privileges by object (entries are never empty).
    #[serde(with = "crate::persist::pairs")]
    pub objects: BTreeMap<ObjectKey, PrivSet>,
    /// Oracle roles granted.
    pub roles: BTreeSet<String>,
}

/// Where a user's password lives.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub enum Password {
    /// The tenant's root password (`root` / `SYS`): changing one changes the other.
    TenantRoot,
    /// The user's own password.
    Own(String),
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Password::TenantRoot => f.write_str("TenantRoot"),
            Password::Own(_) => f.write_str("Own(***)"),
        }
    }
}

/// An OB user of a tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObUser {
    /// Name as stored (Oracle: upper case).
    pub name: String,
    /// Password (never rendered).
    pub password: Password,
    /// Account locked.
    pub locked: bool,
    /// Privileges and roles.
    pub grants: Grants,
    /// Epoch ms.
    pub create_time: i64,
}

/// An Oracle role of a tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObRole {
    /// Name (upper case).
    pub name: String,
    /// System and object privileges, granted roles (`db` unused).
    pub grants: Grants,
    /// Epoch ms.
    pub create_time: i64,
}

/// A database of a MySQL tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Database {
    /// OCP id.
    pub id: i64,
    /// Name (case-sensitive).
    pub name: String,
    /// Character set.
    pub charset: String,
    /// Collation.
    pub collation: String,
    /// Primary zone; `None` = inherits the tenant's (rendered as `null`).
    pub primary_zone: Option<String>,
    /// Read-only flag.
    pub readonly: bool,
    /// Epoch ms.
    pub create_time: i64,
}

/// Databases, users, roles and granted-on objects of one tenant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TenantObjects {
    /// Users by stored name.
    pub users: BTreeMap<String, ObUser>,
    /// Roles by name (Oracle only).
    pub roles: BTreeMap<String, ObRole>,
    /// Databases by name (MySQL only).
    pub databases: BTreeMap<String, Database>,
    /// Every object that ever received an object privilege (listed by `GET /objects`).
    pub objects: BTreeSet<ObjectKey>,
}

impl TenantObjects {
    /// The built-in users and roles of a new tenant. MySQL: `root` with every global privilege.
    /// Oracle (our decisions on their grants): `SYS` and `SYSTEM` with every system privilege
    /// and role `DBA`; roles `CONNECT` (`CREATE_SESSION`), `RESOURCE` (`CREATE_TABLE`,
    /// `CREATE_SEQUENCE`, `CREATE_PROCEDURE`, `CREATE_TRIGGER`, `CREATE_TYPE`), `DBA` (every
    /// system privilege) and `PUBLIC` (nothing). `root`/`SYS` use the tenant's root password;
    /// `SYSTEM` starts with a copy of it.
    pub fn seeded(t: &Tenant) -> Self {
        let mut o = TenantObjects::default();
        let user = |name: &str, password: Password, grants: Grants| ObUser {
            name: name.to_string(),
            password,
            locked: false,
            grants,
            create_time: t.create_time,
        };
        if is_oracle(t) {
            let all = Scope::OracleSystem.all();
            let dba = Grants {
                global: all.clone(),
                roles: BTreeSet::from(["DBA".to_string()]),
                ..Grants::default()
            };
            o.users
                .insert("SYS".into(), user("SYS", Password::TenantRoot, dba.clone()));
            o.users.insert(
                "SYSTEM".into(),
                user("SYSTEM", Password::Own(t.root_password.clone()), dba),
            );
            let sys = |names: &[&str]| -> PrivSet {
                names
                    .iter()
                    .filter_map(|n| ORACLE_SYSTEM.iter().position(|p| p == n))
                    .collect()
            };
            for (name, global) in [
                ("CONNECT", sys(&["CREATE_SESSION"])),
                (
                    "RESOURCE",
                    sys(&[
                        "CREATE_TABLE",
                        "CREATE_SEQUENCE",
                        "CREATE_PROCEDURE",
                        "CREATE_TRIGGER",
                        "CREATE_TYPE",
                    ]),
                ),
                ("DBA", all),
                ("PUBLIC", PrivSet::new()),
            ] {
                o.roles.insert(
                    name.to_string(),
                    ObRole {
                        name: name.to_string(),
                        grants: Grants {
                            global,
                            ..Grants::default()
                        },
                        create_time: t.create_time,
                    },
                );
            }
        } else {
            o.users.insert(
                MYSQL_ROOT.into(),
                user(
                    MYSQL_ROOT,
                    Password::TenantRoot,
                    Grants {
                        global: Scope::MysqlGlobal.all(),
                        ..Grants::default()
                    },
                ),
            );
        }
        o
    }

    /// Whether role `from` reaches role `to` through granted roles (`from == to` counts).
    pub fn role_reaches(&self, from: &str, to: &str) -> bool {
        let mut stack = vec![from.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(r) = stack.pop() {
            if r == to {
                return true;
            }
            if !seen.insert(r.clone()) {
                continue;
            }
            if let Some(role) = self.roles.get(&r) {
                stack.extend(role.grants.roles.iter().cloned());
            }
        }
        false
    }
}

/// Whether a tenant is in Oracle mode.
pub fn is_oracle(t: &Tenant) -> bool {
    t.mode == "ORACLE"
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

/// Database item (§3.5). `connectionUrls`: one `DIRECT` entry to the OBServer of the tenant's
/// first unit (sim).
pub fn render_database(store: &Store, t: &Tenant, d: &Database) -> Value {
    let server = store
        .units
        .values()
        .find(|u| u.tenant_id == t.id)
        .and_then(|u| store.servers.get(&u.server_id));
    let ip = server
        .and_then(|s| store.hosts.get(&s.host_id))
        .map(|h| h.inner_ip.clone());
    let urls: Vec<Value> = match (ip, server) {
        (Some(ip), Some(s)) => vec![json!({
            "connectionStringType": "DIRECT",
            "obProxyAddress": ip,
            "obProxyPort": s.port,
            "connectionString": format!("obclient -h{ip} -P{} -u{}@{} -D{} -p", s.port, MYSQL_ROOT, t.name, d.name),
        })],
        _ => Vec::new(),
    };
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
