//! Databases (§3.5, §5 #14), OB users, roles, privileges and database objects (§3.6, §4.3,
//! §5 #15, #24) of a tenant. Model, vocabulary and JSON shapes: [`crate::domain::db_objects`].
//!
//! Base path `/api/v2/ob/clusters/{id}/tenants/{tenantId}`; every call is synchronous (§3.6,
//! §5 #14) and answers with the envelope; lists are `data.contents` without `page` (§5 #24).
//!
//! | Method + path | Body | Answer |
//! |---|---|---|
//! | `GET /users` | — | `data.contents[user]` sorted by username |
//! | `GET /users/{username}` | — | user |
//! | `POST /users` | `{username*, password*, saveToCredential, globalPrivileges[], dbPrivileges[{dbName, privileges[]}] (MySQL), roles[] (Oracle)}` | user (S1 §4.3 shape, extended) |
//! | `DELETE /users/{username}` | — | no `data` |
//! | `POST /users/{username}/changePassword` | `{newPassword*, saveToCredential}` | no `data` |
//! | `POST /users/{username}/lock`, `/unlock` | — | no `data`; idempotent |
//! | `POST /users/{username}/grant\|revoke\|modifyGlobalPrivilege` | `{globalPrivileges*: [...]}` | no `data` |
//! | `POST /users/{username}/grant\|revoke\|modifyDbPrivilege` (MySQL) | `{dbPrivileges*: [{dbName*, privileges*: [...]}]}` | no `data` |
//! | `POST /users/{username}/grant\|revoke\|modifyObjectPrivilege` (Oracle) | `{objectPrivileges*: [{object*: {objectType*, objectName*, schemaName*}, privileges*: [...]}]}` | no `data` |
//! | `POST /users/{username}/grant\|revoke\|modifyRole` (Oracle) | `{roles*: [...]}` | no `data` |
//! | `GET /roles`, `GET /roles/{roleName}` (Oracle) | — | `data.contents[role]` / role |
//! | `POST /roles` (Oracle) | `{roleName*, globalPrivileges[], roles[]}` | role |
//! | `DELETE /roles/{roleName}` (Oracle) | — | no `data` |
//! | `POST /roles/{roleName}/grant\|revoke\|modifyGlobalPrivilege\|ObjectPrivilege\|Role` (Oracle) | as for users | no `data` |
//! | `GET /objects` | — | `data.contents[{objectType, objectName, schemaName, fullName}]` |
//! | `GET /databases` (MySQL) | — | `data.contents[database]` sorted by dbName |
//! | `POST /databases` (MySQL, §5 #14) | `{dbName*, charset, collation, primaryZone, readonly}` | database |
//! | `PUT /databases/{dbName}` (MySQL, §5 #14) | `{primaryZone, readonly}` | database |
//! | `DELETE /databases/{dbName}` (MySQL, §5 #14) | — | no `data` |
//!
//! The privilege-action bodies are the §5 #15 proposals (the reference marks them inferred), as
//! are the `grantRole`/`revokeRole`/`modifyRole` paths of users (§3.6) and the role
//! grant/revoke global-privilege paths.
//!
//! ## Semantics (our decisions unless a section is cited)
//!
//! * grant = union (granting something held is not an error), revoke = difference (revoking
//!   something not held is not an error; the database, schema or role named by a revoke does not
//!   have to exist), modify = replace (§5 #15): `globalPrivileges` and `roles` replace the whole
//!   set; `dbPrivileges` / `objectPrivileges` replace the sets of the listed databases / objects
//!   only, others are untouched, and an empty `privileges` list removes that entry. grant and
//!   revoke need at least one entry and non-empty `privileges`; modify accepts empty lists.
//! * privileges and object types must be spelled exactly as OCP lists them; `ALL` /
//!   `ALL PRIVILEGES` is refused in every request (see [`crate::domain::db_objects`]).
//! * grant and modify need existing targets: `dbName` an existing database, `schemaName` an
//!   existing (Oracle) user, granted roles existing roles (else 400 `ILLEGAL_ARGUMENT`). The
//!   object itself is **not** checked (tables are outside OCP's API); an object that received a
//!   grant is listed by `GET /objects` from then on (with the type it was granted as) until its
//!   schema's user is deleted.
//! * A role cannot be granted to itself nor create a cycle (400 `ILLEGAL_ARGUMENT`).
//! * grant and modify on a **locked** user are refused: 400 `ILLEGAL_STATE` `user X is locked`
//!   (our decision); lock, unlock, changePassword, revoke and delete work on locked users.
//! * Passwords follow the tenant root-password rule ([`crate::domain::rules::check_password`]) and
//!   are never returned. `root` (MySQL) and `SYS` (Oracle) use the tenant's root password:
//!   changing theirs changes the tenant's and vice versa.
//! * Deleting a built-in user or role (`root`; `SYS`, `SYSTEM`, `CONNECT`, `RESOURCE`, `DBA`,
//!   `PUBLIC`) is 400 `ILLEGAL_ARGUMENT`. Deleting a user removes it and, on Oracle, every object
//!   privilege on objects of its schema (`DROP USER ... CASCADE`); deleting a role removes it
//!   from the `roles` of users and roles; deleting a database removes its `dbPrivileges` entries.
//! * Databases: `charset` defaults to the tenant's charset, `collation` to that charset's
//!   default ([`crate::domain::rules::resolve_collation`]); `primaryZone` absent or `""` = `null`,
//!   meaning "inherits the tenant's primary zone" (reported as `null`, not resolved), otherwise
//!   validated like a tenant primary zone against the tenant's replicas; `readonly` false. PUT
//!   changes `primaryZone` (`""` resets to `null`) and `readonly` (absent = unchanged);
//!   `dbName`, `charset` and `collation` cannot change (400 when present and different).
//!   `information_schema`, `mysql` and `oceanbase` are reserved (400).
//!
//! ## Preconditions and error codes
//!
//! In this order: known path (404 `NOT_FOUND`), numeric ids (400), cluster / tenant exist (404
//! `OB_CLUSTER_NOT_FOUND` / `OB_TENANT_NOT_FOUND`), tenant mode (400 `ILLEGAL_ARGUMENT`: roles,
//! object privileges and role grants need an Oracle tenant — `roles are supported only by
//! Oracle-mode tenants`; databases and database privileges a MySQL tenant), then for writes the
//! tenant lock of tenant tasks (400 `RESOURCE_BUSY`, shared with [`crate::domain::tenants`]),
//! cluster `RUNNING` and tenant `NORMAL` (400 `ILLEGAL_STATE`), the addressed user / role /
//! database (404 `OB_USER_NOT_FOUND` / `OB_ROLE_NOT_FOUND` / `OB_DATABASE_NOT_FOUND`), a locked
//! user (400 `ILLEGAL_STATE`), the body (400 `ILLEGAL_ARGUMENT`, the message starts with the
//! field path, e.g. `invalid dbPrivileges[0].privileges[1]: "SUPER" is not a valid MySQL
//! database privilege ...`) and duplicates (400 `DUPLICATE_NAME`; Oracle users and roles share
//! one namespace). Reads work in every tenant status. Nothing changes when a check fails.

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Method, Uri};
use serde_json::{json, Map, Value};

use crate::domain::db_objects::{
    self as dbo, check_principal, is_oracle, lookup_key, parse_privileges, Database, Grants,
    ObRole, ObUser, ObjectKey, Password, PrivSet, Scope, TenantObjects,
};
use crate::domain::rules::{self as rules, invalid};
use crate::envelope::{Api, ApiError, ApiResult};
use crate::shared::SharedState;
use crate::state::{IdKind, Store, Tenant};

use crate::domain::tenants::{body_object, ids, writable, NORMAL};

type TenantPath = Path<(String, String)>;
type NamePath = Path<(String, String, String)>;
type ActionPath = Path<(String, String, String, String)>;

// ---------------------------------------------------------------------------------------------
// Helpers

fn contents(items: Vec<Value>) -> Value {
    // §5 #24: tenant-level lists are `data.contents` without `page`.
    json!({ "contents": items })
}

fn no_handler(method: &Method, uri: &Uri) -> ApiError {
    ApiError::new(
        404,
        "NOT_FOUND",
        format!("No handler found for {method} {}", uri.path()),
    )
}

fn need_oracle(t: &Tenant, what: &str) -> Result<(), ApiError> {
    if is_oracle(t) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "{what} are supported only by Oracle-mode tenants (tenant {} is {})",
            t.name, t.mode
        )))
    }
}

fn need_mysql(t: &Tenant, what: &str) -> Result<(), ApiError> {
    if is_oracle(t) {
        Err(ApiError::bad_request(format!(
            "{what} are supported only by MySQL-mode tenants (tenant {} is {})",
            t.name, t.mode
        )))
    } else {
        Ok(())
    }
}

fn user_not_found(t: &Tenant, name: &str) -> ApiError {
    ApiError::not_found(
        "OB_USER",
        format!("OB user not found: tenant {}, username={name}", t.name),
    )
}

fn role_not_found(t: &Tenant, name: &str) -> ApiError {
    ApiError::not_found(
        "OB_ROLE",
        format!("OB role not found: tenant {}, roleName={name}", t.name),
    )
}

fn db_not_found(t: &Tenant, name: &str) -> ApiError {
    ApiError::not_found(
        "OB_DATABASE",
        format!("database not found: tenant {}, dbName={name}", t.name),
    )
}

/// Tenant for a read (404 when unknown).
fn tenant(store: &Store, id: &str, tid: &str) -> Result<Tenant, ApiError> {
    let (cid, tid) = ids(id, tid)?;
    Ok(store.tenant_in(cid, tid)?.clone())
}

/// Write preconditions after the mode check: tenant lock (busy), cluster `RUNNING`, tenant
/// `NORMAL` (shared with the tenant writes).
fn check_writable(store: &Store, t: &Tenant, what: &str) -> Result<(), ApiError> {
    writable(store, t.cluster_id, t.id, what, true, &[NORMAL]).map(|_| ())
}

/// Optional array member (`null`/absent = `None`).
fn opt_array<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<Option<&'a [Value]>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(_) => Err(invalid(key, "a JSON array is expected")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Grant,
    Revoke,
    Modify,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Global,
    Db,
    Object,
    Role,
}

impl Kind {
    fn field(self) -> &'static str {
        match self {
            Kind::Global => "globalPrivileges",
            Kind::Db => "dbPrivileges",
            Kind::Object => "objectPrivileges",
            Kind::Role => "roles",
        }
    }

    /// Mode restriction of the kind.
    fn check_mode(self, t: &Tenant) -> Result<(), ApiError> {
        match self {
            Kind::Global => Ok(()),
            Kind::Db => need_mysql(t, "database privileges"),
            Kind::Object => need_oracle(t, "object privileges"),
            Kind::Role => need_oracle(t, "roles"),
        }
    }
}

/// `grantGlobalPrivilege` → (Grant, Global), ...
fn parse_action(a: &str) -> Option<(Op, Kind)> {
    let (op, rest) = if let Some(r) = a.strip_prefix("grant") {
        (Op::Grant, r)
    } else if let Some(r) = a.strip_prefix("revoke") {
        (Op::Revoke, r)
    } else if let Some(r) = a.strip_prefix("modify") {
        (Op::Modify, r)
    } else {
        return None;
    };
    let kind = match rest {
        "GlobalPrivilege" => Kind::Global,
        "DbPrivilege" => Kind::Db,
        "ObjectPrivilege" => Kind::Object,
        "Role" => Kind::Role,
        _ => return None,
    };
    Some((op, kind))
}

/// A parsed grant/revoke/modify body.
enum Change {
    Global(PrivSet),
    Db(Vec<(String, PrivSet)>),
    Object(Vec<(ObjectKey, PrivSet)>),
    Roles(BTreeSet<String>),
}

/// Privileges of one list entry (`{prefix}.privileges`): required; non-empty unless `op` is
/// modify.
fn entry_privileges(
    o: &Map<String, Value>,
    prefix: &str,
    scope: Scope,
    op: Op,
) -> Result<PrivSet, ApiError> {
    let field = format!("{prefix}.privileges");
    let list = match o.get("privileges") {
        None | Some(Value::Null) => return Err(rules::required(&field)),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(invalid(&field, "a JSON array is expected")),
    };
    if list.is_empty() && op != Op::Modify {
        return Err(invalid(&field, "at least one privilege is required"));
    }
    parse_privileges(&field, list, scope)
}

fn parse_db_entries(
    objs: &TenantObjects,
    t: &Tenant,
    field: &str,
    list: &[Value],
    op: Op,
) -> Result<Vec<(String, PrivSet)>, ApiError> {
    let mut out: Vec<(String, PrivSet)> = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let prefix = format!("{field}[{i}]");
        let o = rules::object(v, &prefix)?;
        let db = rules::req_str(o, &prefix, "dbName")?;
        let f = format!("{prefix}.dbName");
        if op != Op::Revoke && !objs.databases.contains_key(&db) {
            return Err(invalid(
                &f,
                format!("database {db:?} does not exist in tenant {}", t.name),
            ));
        }
        if out.iter().any(|(d, _)| *d == db) {
            return Err(invalid(&f, format!("database {db} is listed twice")));
        }
        let set = entry_privileges(o, &prefix, Scope::MysqlDb, op)?;
        out.push((db, set));
    }
    Ok(out)
}

fn parse_object_entries(
    objs: &TenantObjects,
    t: &Tenant,
    field: &str,
    list: &[Value],
    op: Op,
) -> Result<Vec<(ObjectKey, PrivSet)>, ApiError> {
    let mut out: Vec<(ObjectKey, PrivSet)> = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let prefix = format!("{field}[{i}]");
        let o = rules::object(v, &prefix)?;
        let of = format!("{prefix}.object");
        let ob = match o.get("object") {
            None | Some(Value::Null) => return Err(rules::required(&of)),
            Some(x) => rules::object(x, &of)?,
        };
        let raw_type = rules::req_str(ob, &of, "objectType")?;
        let Some(object_type) = dbo::OBJECT_TYPES.iter().copied().find(|x| *x == raw_type) else {
            return Err(invalid(
                &format!("{of}.objectType"),
                format!("{raw_type:?}, expected TABLE, VIEW or STORED_PROCEDURE"),
            ));
        };
        let name = rules::req_str(ob, &of, "objectName")?;
        let name = check_principal(&format!("{of}.objectName"), &name, true)?;
        let schema_raw = rules::req_str(ob, &of, "schemaName")?;
        let sf = format!("{of}.schemaName");
        let schema = check_principal(&sf, &schema_raw, true)?;
        if op != Op::Revoke && !objs.users.contains_key(&schema) {
            return Err(invalid(
                &sf,
                format!(
                    "schema {schema} does not exist in tenant {} (a schema is an existing user)",
                    t.name
                ),
            ));
        }
        let key = ObjectKey {
            schema,
            name,
            object_type,
        };
        if out.iter().any(|(k, _)| *k == key) {
            return Err(invalid(
                &of,
                format!("{} {} is listed twice", key.object_type, key.full_name()),
            ));
        }
        let set = entry_privileges(o, &prefix, Scope::OracleObject(object_type), op)?;
        out.push((key, set));
    }
    Ok(out)
}

/// Role names of a `roles` list (upper case). For grant/modify every role must exist, and for a
/// role grantee none may be the grantee itself or include it (cycle).
fn parse_roles(
    objs: &TenantObjects,
    t: &Tenant,
    field: &str,
    list: &[Value],
    op: Op,
    grantee_role: Option<&str>,
) -> Result<BTreeSet<String>, ApiError> {
    let mut out = BTreeSet::new();
    for (i, v) in list.iter().enumerate() {
        let f = format!("{field}[{i}]");
        let Some(raw) = v.as_str() else {
            return Err(invalid(&f, "a string is expected"));
        };
        let role = check_principal(&f, raw, true)?;
        if op != Op::Revoke {
            if let Some(g) = grantee_role {
                if role == g {
                    return Err(invalid(
                        &f,
                        format!("role {role} cannot be granted to itself"),
                    ));
                }
            }
            if !objs.roles.contains_key(&role) {
                return Err(invalid(
                    &f,
                    format!("role {role} does not exist in tenant {}", t.name),
                ));
            }
            if let Some(g) = grantee_role {
                if objs.role_reaches(&role, g) {
                    return Err(invalid(
                        &f,
                        format!(
                            "granting role {role} to role {g} would create a cycle ({role} already includes {g})"
                        ),
                    ));
                }
            }
        }
        out.insert(role);
    }
    Ok(out)
}

/// Parse the body of a grant/revoke/modify call of `kind`.
fn parse_change(
    objs: &TenantObjects,
    t: &Tenant,
    body: &Map<String, Value>,
    op: Op,
    kind: Kind,
    grantee_role: Option<&str>,
) -> Result<Change, ApiError> {
    let field = kind.field();
    let Some(list) = opt_array(body, field)? else {
        return Err(rules::required(field));
    };
    if list.is_empty() && op != Op::Modify {
        return Err(invalid(field, "at least one entry is required"));
    }
    Ok(match kind {
        Kind::Global => Change::Global(parse_privileges(field, list, Scope::global(is_oracle(t)))?),
        Kind::Db => Change::Db(parse_db_entries(objs, t, field, list, op)?),
        Kind::Object => Change::Object(parse_object_entries(objs, t, field, list, op)?),
        Kind::Role => Change::Roles(parse_roles(objs, t, field, list, op, grantee_role)?),
    })
}

fn apply_set<T: Ord>(cur: &mut BTreeSet<T>, op: Op, set: BTreeSet<T>) {
    match op {
        Op::Grant => cur.extend(set),
        Op::Revoke => cur.retain(|x| !set.contains(x)),
        Op::Modify => *cur = set,
    }
}

fn apply_entry<K: Ord>(
    map: &mut std::collections::BTreeMap<K, PrivSet>,
    op: Op,
    key: K,
    set: PrivSet,
) {
    match op {
        Op::Grant => map.entry(key).or_default().extend(set),
        Op::Revoke => {
            if let Some(cur) = map.get_mut(&key) {
                cur.retain(|x| !set.contains(x));
                if cur.is_empty() {
                    map.remove(&key);
                }
            }
        }
        Op::Modify => {
            if set.is_empty() {
                map.remove(&key);
            } else {
                map.insert(key, set);
            }
        }
    }
}

/// Apply a change to some grants; returns the objects that received privileges.
fn apply_change(g: &mut Grants, op: Op, change: Change) -> Vec<ObjectKey> {
    let mut granted = Vec::new();
    match change {
        Change::Global(set) => apply_set(&mut g.global, op, set),
        Change::Roles(set) => apply_set(&mut g.roles, op, set),
        Change::Db(entries) => {
            for (db, set) in entries {
                apply_entry(&mut g.db, op, db, set);
            }
        }
        Change::Object(entries) => {
            for (key, set) in entries {
                if op != Op::Revoke && !set.is_empty() {
                    granted.push(key.clone());
                }
                apply_entry(&mut g.objects, op, key, set);
            }
        }
    }
    granted
}

/// Optional privilege list of a create body.
fn create_global(body: &Map<String, Value>, oracle: bool) -> Result<PrivSet, ApiError> {
    match opt_array(body, "globalPrivileges")? {
        Some(list) => parse_privileges("globalPrivileges", list, Scope::global(oracle)),
        None => Ok(PrivSet::new()),
    }
}

// ---------------------------------------------------------------------------------------------
// Users

pub(crate) async fn list_users(
    State(st): State<SharedState>,
    Path((id, tid)): TenantPath,
) -> ApiResult {
    let mut store = st.lock();
    let t = tenant(&store, &id, &tid)?;
    let oracle = is_oracle(&t);
    let items = store
        .objects_mut(t.id)
        .users
        .values()
        .map(|u| dbo::render_user(oracle, u))
        .collect();
    Ok(Api::data(contents(items)))
}

pub(crate) async fn get_user(
    State(st): State<SharedState>,
    Path((id, tid, name)): NamePath,
) -> ApiResult {
    let mut store = st.lock();
    let t = tenant(&store, &id, &tid)?;
    let oracle = is_oracle(&t);
    let u = store
        .objects_mut(t.id)
        .users
        .get(&lookup_key(&name, oracle))
        .ok_or_else(|| user_not_found(&t, &name))?;
    Ok(Api::data(dbo::render_user(oracle, u)))
}

/// `POST /users` `{username*, password*, saveToCredential, globalPrivileges, dbPrivileges
/// (MySQL), roles (Oracle)}` → the user.
pub(crate) async fn create_user(
    State(st): State<SharedState>,
    Path((id, tid)): TenantPath,
    body: Bytes,
) -> ApiResult {
    let body = body_object(&body)?;
    let mut store = st.lock();
    let now = store.now();
    let t = tenant(&store, &id, &tid)?;
    check_writable(&store, &t, "create a user in")?;
    let oracle = is_oracle(&t);
    let raw = rules::req_str(&body, "", "username")?;
    let name = check_principal("username", &raw, oracle)?;
    let objs = store.objects_mut(t.id);
    if objs.users.contains_key(&name) {
        return Err(ApiError::duplicate(format!(
            "user {name} already exists in tenant {}",
            t.name
        )));
    }
    if objs.roles.contains_key(&name) {
        return Err(ApiError::duplicate(format!(
            "{name} is already used by a role in tenant {} (users and roles share one namespace)",
            t.name
        )));
    }
    let password = rules::req_str(&body, "", "password")?;
    rules::check_password("password", &password)?;
    rules::opt_bool(&body, "", "saveToCredential")?;
    let mut grants = Grants {
        global: create_global(&body, oracle)?,
        ..Grants::default()
    };
    if let Some(list) = opt_array(&body, "dbPrivileges")?.filter(|l| !l.is_empty()) {
        need_mysql(&t, "database privileges")?;
        for (db, set) in parse_db_entries(objs, &t, "dbPrivileges", list, Op::Grant)? {
            grants.db.insert(db, set);
        }
    }
    if let Some(list) = opt_array(&body, "roles")?.filter(|l| !l.is_empty()) {
        need_oracle(&t, "roles")?;
        grants.roles = parse_roles(objs, &t, "roles", list, Op::Grant, None)?;
    }
    let user = ObUser {
        name: name.clone(),
        password: Password::Own(password),
        locked: false,
        grants,
        create_time: now,
    };
    let out = dbo::render_user(oracle, &user);
    objs.users.insert(name, user);
    Ok(Api::data(out))
}

pub(crate) async fn delete_user(
    State(st): State<SharedState>,
    Path((id, tid, name)): NamePath,
) -> ApiResult {
    let mut store = st.lock();
    let t = tenant(&store, &id, &tid)?;
    check_writable(&store, &t, "delete a user of")?;
    let oracle = is_oracle(&t);
    let key = lookup_key(&name, oracle);
    let objs = store.objects_mut(t.id);
    if !objs.users.contains_key(&key) {
        return Err(user_not_found(&t, &name));
    }
    let builtin = if oracle {
        dbo::ORACLE_USERS.contains(&key.as_str())
    } else {
        key == dbo::MYSQL_ROOT
    };
    if builtin {
        return Err(ApiError::bad_request(format!(
            "the built-in user {key} cannot be deleted"
        )));
    }
    objs.users.remove(&key);
    if oracle {
        // DROP USER ... CASCADE: the schema's objects and the privileges on them go too.
        for g in objs
            .users
            .values_mut()
            .map(|u| &mut u.grants)
            .chain(objs.roles.values_mut().map(|r| &mut r.grants))
        {
            g.objects.retain(|k, _| k.schema != key);
        }
        objs.objects.retain(|k| k.schema != key);
    }
    Ok(Api::empty())
}

enum UserAction {
    ChangePassword,
    Lock(bool),
    Privileges(Op, Kind),
}

/// `POST /users/{username}/{action}`: changePassword, lock, unlock and the privilege and role
/// calls.
pub(crate) async fn user_action(
    State(st): State<SharedState>,
    Path((id, tid, name, action)): ActionPath,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> ApiResult {
    let action = match action.as_str() {
        "changePassword" => UserAction::ChangePassword,
        "lock" => UserAction::Lock(true),
        "unlock" => UserAction::Lock(false),
        a => match parse_action(a) {
            Some((op, kind)) => UserAction::Privileges(op, kind),
            None => return Err(no_handler(&method, &uri)),
        },
    };
    let mut store = st.lock();
    let t = tenant(&store, &id, &tid)?;
    let body = body_object(&body)?;
    if let UserAction::Privileges(_, kind) = action {
        kind.check_mode(&t)?;
    }
    check_writable(&store, &t, "change a user of")?;
    let oracle = is_oracle(&t);
    let key = lookup_key(&name, oracle);
    let objs = store.objects_mut(t.id);
    let Some(user) = objs.users.get(&key) else {
        return Err(user_not_found(&t, &name));
    };
    let (tenant_root, locked_now) = (user.password == Password::TenantRoot, user.locked);
    match action {
        UserAction::ChangePassword => {
            let pw = rules::req_str(&body, "", "newPassword")?;
            rules::check_password("newPassword", &pw)?;
            rules::opt_bool(&body, "", "saveToCredential")?;
            if tenant_root {
                if let Some(t) = store.tenants.get_mut(&t.id) {
                    t.root_password = pw;
                }
            } else if let Some(u) = objs.users.get_mut(&key) {
                u.password = Password::Own(pw);
            }
        }
        UserAction::Lock(locked) => {
            if let Some(u) = objs.users.get_mut(&key) {
                u.locked = locked;
            }
        }
        UserAction::Privileges(op, kind) => {
            if op != Op::Revoke && locked_now {
                return Err(ApiError::illegal_state(format!(
                    "user {key} is locked; unlock it before granting privileges or roles"
                )));
            }
            let change = parse_change(objs, &t, &body, op, kind, None)?;
            let granted = match objs.users.get_mut(&key) {
                Some(u) => apply_change(&mut u.grants, op, change),
                None => Vec::new(),
            };
            objs.objects.extend(granted);
        }
    }
    Ok(Api::empty())
}

// ---------------------------------------------------------------------------------------------
// Roles (Oracle only)

pub(crate) async fn list_roles(
    State(st): State<SharedState>,
    Path((id, tid)): TenantPath,
) -> ApiResult {
    let mut store = st.lock();
    let t = tenant(&store, &id, &tid)?;
    need_oracle(&t, "roles")?;
    let items = store
        .objects_mut(t.id)
        .roles
        .values()
        .map(dbo::render_role)
        .collect();
    Ok(Api::data(contents(items)))
}

pub(crate) async fn get_role(
    State(st): State<SharedState>,
    Path((id, tid, name)): NamePath,
) -> ApiResult {
    let mut store = st.lock();
    let t = tenant(&store, &id, &tid)?;
    need_oracle(&t, "roles")?;
    let r = store
        .objects_mut(t.id)
        .roles
        .get(&lookup_key(&name, true))
        .ok_or_else(|| role_not_found(&t, &name))?;
    Ok(Api::data(dbo::render_role(r)))
}

/// `POST /roles` `{roleName*, globalPrivileges, roles}` → the role.
pub(crate) async fn create_role(
    State(st): State<SharedState>,
    Path((id, tid)): TenantPath,
    body: Bytes,
) -> ApiResult {
    let body = body_object(&body)?;
    let mut store = st.lock();
    let now = store.now();
    let t = tenant(&store, &id, &tid)?;
    need_oracle(&t, "roles")?;
    check_writable(&store, &t, "create a role in")?;
    let raw = rules::req_str(&body, "", "roleName")?;
    let name = check_principal("roleName", &raw, true)?;
    let objs = store.objects_mut(t.id);
    if objs.roles.contains_key(&name) {
        return Err(ApiError::duplicate(format!(
            "role {name} already exists in tenant {}",
            t.name
        )));
    }
    if objs.users.contains_key(&name) {
        return Err(ApiError::duplicate(format!(
            "{name} is already used by a user in tenant {} (users and roles share one namespace)",
            t.name
        )));
    }
    let mut grants = Grants {
        global: create_global(&body, true)?,
        ..Grants::default()
    };
    if let Some(list) = opt_array(&body, "roles")? {
        grants.roles = parse_roles(objs, &t, "roles", list, Op::Grant, Some(&name))?;
    }
    let role = ObRole {
        name: name.clone(),
        grants,
        create_time: now,
    };
    let out = dbo::render_role(&role);
    objs.roles.insert(name, role);
    Ok(Api::data(out))
}

pub(crate) async fn delete_role(
    State(st): State<SharedState>,
    Path((id, tid, name)): NamePath,
) -> ApiResult {
    let mut store = st.lock();
    let t = tenant(&store, &id, &tid)?;
    need_oracle(&t, "roles")?;
    check_writable(&store, &t, "delete a role of")?;
    let key = lookup_key(&name, true);
    let objs = store.objects_mut(t.id);
    if !objs.roles.contains_key(&key) {
        return Err(role_not_found(&t, &name));
    }
    if dbo::ORACLE_ROLES.contains(&key.as_str()) {
        return Err(ApiError::bad_request(format!(
            "the built-in role {key} cannot be deleted"
        )));
    }
    objs.roles.remove(&key);
    for g in objs
        .users
        .values_mut()
        .map(|u| &mut u.grants)
        .chain(objs.roles.values_mut().map(|r| &mut r.grants))
    {
        g.roles.remove(&key);
    }
    Ok(Api::empty())
}

/// `POST /roles/{roleName}/{grant|revoke|modify}{GlobalPrivilege|ObjectPrivilege|Role}`.
pub(crate) async fn role_action(
    State(st): State<SharedState>,
    Path((id, tid, name, action)): ActionPath,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> ApiResult {
    let Some((op, kind)) = parse_action(&action).filter(|(_, k)| *k != Kind::Db) else {
        return Err(no_handler(&method, &uri));
    };
    let mut store = st.lock();
    let t = tenant(&store, &id, &tid)?;
    let body = body_object(&body)?;
    need_oracle(&t, "roles")?;
    check_writable(&store, &t, "change a role of")?;
    let key = lookup_key(&name, true);
    let objs = store.objects_mut(t.id);
    if !objs.roles.contains_key(&key) {
        return Err(role_not_found(&t, &name));
    }
    let change = parse_change(objs, &t, &body, op, kind, Some(&key))?;
    let granted = match objs.roles.get_mut(&key) {
        Some(r) => apply_change(&mut r.grants, op, change),
        None => Vec::new(),
    };
    objs.objects.extend(granted);
    Ok(Api::empty())
}

// ---------------------------------------------------------------------------------------------
// Objects

pub(crate) async fn list_objects(
    State(st): State<SharedState>,
    Path((id, tid)): TenantPath,
) -> ApiResult {
    let mut store = st.lock();
    let t = tenant(&store, &id, &tid)?;
    let items = store
        .objects_mut(t.id)
        .objects
        .iter()
        .map(dbo::render_object)
        .collect();
    Ok(Api::data(contents(items)))
}

// ---------------------------------------------------------------------------------------------
// Databases (MySQL only)

pub(crate) async fn list_databases(
    State(st): State<SharedState>,
    Path((id, tid)): TenantPath,
) -> ApiResult {
    let mut store = st.lock();
    let t = tenant(&store, &id, &tid)?;
    need_mysql(&t, "databases")?;
    let dbs: Vec<Database> = store
        .objects_mut(t.id)
        .databases
        .values()
        .cloned()
        .collect();
    let items = dbs
        .iter()
        .map(|d| dbo::render_database(&store, &t, d))
        .collect();
    Ok(Api::data(contents(items)))
}

/// Validated `primaryZone` of a database: absent or `""` = `None` (inherit the tenant's).
fn db_primary_zone(t: &Tenant, pz: &str) -> Result<Option<String>, ApiError> {
    if pz.is_empty() {
        return Ok(None);
    }
    let replicas: Vec<(String, String)> = t
        .zones
        .iter()
        .map(|z| (z.name.clone(), z.replica_type.clone()))
        .collect();
    rules::check_primary_zone("primaryZone", pz, &replicas).map(Some)
}

/// `POST /databases` `{dbName*, charset, collation, primaryZone, readonly}` (§5 #14) → the
/// database.
pub(crate) async fn create_database(
    State(st): State<SharedState>,
    Path((id, tid)): TenantPath,
    body: Bytes,
) -> ApiResult {
    let body = body_object(&body)?;
    let mut store = st.lock();
    let now = store.now();
    let t = tenant(&store, &id, &tid)?;
    need_mysql(&t, "databases")?;
    check_writable(&store, &t, "create a database in")?;
    let name = rules::req_str(&body, "", "dbName")?;
    rules::check_name("dbName", &name)?;
    if dbo::RESERVED_DATABASES
        .iter()
        .any(|r| r.eq_ignore_ascii_case(&name))
    {
        return Err(invalid(
            "dbName",
            format!("{name:?} is reserved by OceanBase"),
        ));
    }
    if store.objects_mut(t.id).databases.contains_key(&name) {
        return Err(ApiError::duplicate(format!(
            "database {name} already exists in tenant {}",
            t.name
        )));
    }
    let charset = match rules::opt_str(&body, "", "charset")?.filter(|s| !s.is_empty()) {
        Some(cs) => rules::check_charset("charset", "MYSQL", &cs)?,
        None => t.charset.clone(),
    };
    let collation_in = rules::opt_str(&body, "", "collation")?;
    let collation =
        rules::resolve_collation("collation", "MYSQL", &charset, collation_in.as_deref())?;
    let primary_zone = match rules::opt_str(&body, "", "primaryZone")? {
        Some(pz) => db_primary_zone(&t, &pz)?,
        None => None,
    };
    let readonly = rules::opt_bool(&body, "", "readonly")?.unwrap_or(false);
    let db = Database {
        id: store.next_id(IdKind::Database),
        name: name.clone(),
        charset,
        collation,
        primary_zone,
        readonly,
        create_time: now,
    };
    store.objects_mut(t.id).databases.insert(name, db.clone());
    Ok(Api::data(dbo::render_database(&store, &t, &db)))
}

/// `PUT /databases/{dbName}` `{primaryZone, readonly}` (§5 #14) → the database.
pub(crate) async fn modify_database(
    State(st): State<SharedState>,
    Path((id, tid, name)): NamePath,
    body: Bytes,
) -> ApiResult {
    let body = body_object(&body)?;
    let mut store = st.lock();
    let t = tenant(&store, &id, &tid)?;
    need_mysql(&t, "databases")?;
    check_writable(&store, &t, "modify a database of")?;
    let Some(mut db) = store.objects_mut(t.id).databases.get(&name).cloned() else {
        return Err(db_not_found(&t, &name));
    };
    if let Some(n) = rules::opt_str(&body, "", "dbName")? {
        if n != db.name {
            return Err(invalid("dbName", "a database cannot be renamed"));
        }
    }
    for (field, cur) in [("charset", &db.charset), ("collation", &db.collation)] {
        if let Some(v) = rules::opt_str(&body, "", field)? {
            if !v.eq_ignore_ascii_case(cur) {
                return Err(invalid(
                    field,
                    format!("{v:?}: the {field} of a database cannot change (it is {cur})"),
                ));
            }
        }
    }
    if let Some(pz) = rules::opt_str(&body, "", "primaryZone")? {
        db.primary_zone = db_primary_zone(&t, &pz)?;
    }
    if let Some(ro) = rules::opt_bool(&body, "", "readonly")? {
        db.readonly = ro;
    }
    store.objects_mut(t.id).databases.insert(name, db.clone());
    Ok(Api::data(dbo::render_database(&store, &t, &db)))
}

pub(crate) async fn delete_database(
    State(st): State<SharedState>,
    Path((id, tid, name)): NamePath,
) -> ApiResult {
    let mut store = st.lock();
    let t = tenant(&store, &id, &tid)?;
    need_mysql(&t, "databases")?;
    check_writable(&store, &t, "delete a database of")?;
    let objs = store.objects_mut(t.id);
    if objs.databases.remove(&name).is_none() {
        return Err(db_not_found(&t, &name));
    }
    for u in objs.users.values_mut() {
        u.grants.db.remove(&name);
    }
    Ok(Api::empty())
}
