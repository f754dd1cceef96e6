//! The databases, OB users, roles and privileges of tenants (data of [`super::Store`]) and the
//! privilege vocabulary they are written in. The rules and shapes are in
//! [`crate::domain::db_objects`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::model::Tenant;

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
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Scope::MysqlGlobal => "global privilege",
            Scope::MysqlDb => "database privilege",
            Scope::OracleSystem => "system privilege",
            Scope::OracleObject(_) => "object privilege",
        }
    }

    pub(crate) fn label(self) -> String {
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
    #[serde(with = "crate::util::pairs")]
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
