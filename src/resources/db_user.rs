//! The `ocp_db_user` resource and the `ocp_db_user` / `ocp_db_users` data sources.
//! API: ocp-api.md §3.6 and seed S1 (users, passwords, lock, privilege calls); all synchronous.
//!
//! Privileges written here are authoritative: Terraform owns the user's whole list for each
//! privilege attribute that is set, and removes what OCP has beyond it. An attribute left out
//! is not managed (it shows what OCP has), which is how `ocp_db_grant` can add to a user
//! without a fight. Mixing the two for one user is a plan-time warning (`super::ownership`).

use std::collections::BTreeMap;

use crate::client::api::user::{
    CreateDbUser, DbObject, DbPrivilege, DbUser, Grantee, ObjectPrivilege, PrivilegeOp,
    PrivilegeScope,
};
use crate::client::{ClientError, Created, OcpClient, Secret};
use crate::framework::{
    Attr, AttrPath, CreateRequest, CreateResponse, Ctx, DataReadRequest, DataReadResponse,
    DataSource, DeleteRequest, DeleteResponse, Diagnostics, ImportResponse, PlanRequest,
    PlanResponse, ReadRequest, ReadResponse, Resource, Schema, UpdateRequest, UpdateResponse,
};
use crate::value::{Type, Value};

use super::privileges::{self, delta, present, set_value, strings, Mode, Scope, OBJECT_TYPES};
use super::unique::{refuse_duplicates, Keyed};
use super::{
    import_id, ownership, refuse_existing, report, tenant_attrs, tenant_of, Existing,
    DB_OBJECT_NAME,
};

const IMPORT_FORM: &str = "\"<cluster_id>/<tenant_id>/<username>\"";

fn db_priv_type() -> Type {
    Type::object([
        ("database", Type::String),
        ("privileges", Type::set(Type::String)),
    ])
}

fn obj_priv_type() -> Type {
    Type::object([
        ("object_type", Type::String),
        ("schema", Type::String),
        ("object_name", Type::String),
        ("privileges", Type::set(Type::String)),
    ])
}

/// The `ocp_db_user` resource.
pub struct DbUserResource;

/// The strings of an attribute the user manages (None when null or unknown).
pub(crate) fn managed<'a>(v: &'a Value, attr: &str) -> Option<Vec<&'a str>> {
    match v.get(attr) {
        None | Some(Value::Null) | Some(Value::Unknown) => None,
        Some(x) => Some(strings(x)),
    }
}

/// The first privilege attribute set (non-empty) in `plan` that a tenant of `mode` has no
/// place for: OCP takes database privileges only in MySQL mode, object privileges and roles
/// only in Oracle mode (ocp-api.md §3.6).
fn wrong_mode_attr(plan: &Value, mode: Mode) -> Option<&'static str> {
    let set = |a: &str| {
        plan.get(a)
            .is_some_and(|x| !x.is_null() && !x.is_unknown() && !x.elements().is_empty())
    };
    let foreign: &[&'static str] = match mode {
        Mode::Mysql => &["object_privileges", "roles"],
        Mode::Oracle => &["db_privileges"],
    };
    foreign.iter().copied().find(|a| set(a))
}

/// Database privileges of a value, by database name.
fn db_privs_of(v: &Value) -> Option<BTreeMap<String, Vec<&str>>> {
    let x = v
        .get("db_privileges")
        .filter(|x| !x.is_null() && !x.is_unknown())?;
    Some(
        x.elements()
            .iter()
            .filter_map(|e| {
                Some((
                    e.get("database")?.as_str()?.to_string(),
                    strings(e.get("privileges")?),
                ))
            })
            .collect(),
    )
}

/// An object as (type, schema, name) in OCP's (upper) case.
type ObjKey = (String, String, String);

/// The object an `object_privileges` entry names, as OCP compares objects: type, schema and
/// name in upper case (OCP stores unquoted Oracle identifiers in upper case). `None` while a
/// part is unknown or null.
fn obj_key(e: &Value) -> Option<ObjKey> {
    let s = |a: &str| {
        e.get(a)
            .and_then(Value::as_str)
            .map(str::to_ascii_uppercase)
    };
    Some((s("object_type")?, s("schema")?, s("object_name")?))
}

/// Object privileges of a value, by object.
fn obj_privs_of(v: &Value) -> Option<BTreeMap<ObjKey, Vec<&str>>> {
    let x = v
        .get("object_privileges")
        .filter(|x| !x.is_null() && !x.is_unknown())?;
    Some(
        x.elements()
            .iter()
            .filter_map(|e| Some((obj_key(e)?, strings(e.get("privileges")?))))
            .collect(),
    )
}

/// The privileges of two entries together, for the "merge them" advice.
fn merged_privileges(a: &Value, b: &Value) -> String {
    let all: std::collections::BTreeSet<&str> = [a, b]
        .iter()
        .flat_map(|e| e.get("privileges").map(strings).unwrap_or_default())
        .collect();
    let list: Vec<String> = all.iter().map(|p| format!("{p:?}")).collect();
    format!("[{}]", list.join(", "))
}

/// Plan-time check that `db_privileges` names each database once and `object_privileges`
/// each object once: OCP keeps one privilege list per database or object, so a second entry
/// would lose one list (and the next plan would show it missing again).
fn validate_unique_privileges(config: &Value, diags: &mut Diagnostics) {
    if let Some(x) = config.get("db_privileges").filter(|x| !x.is_unknown()) {
        let items = x.elements();
        let entries: Vec<Keyed<String>> = items
            .iter()
            .enumerate()
            .map(|(i, e)| Keyed {
                path: AttrPath::root("db_privileges").index(i).attr("database"),
                key: e
                    .get("database")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            })
            .collect();
        refuse_duplicates(
            &entries,
            "Duplicate Database in db_privileges",
            diags,
            |d| {
                format!(
                "{} and {} both name database {:?}. OCP keeps one list of privileges per database, so one of the two lists would be lost. Merge them into one entry: {{ database = {:?}, privileges = {} }}.",
                d.first.1,
                d.second.1,
                d.key,
                d.key,
                merged_privileges(&items[d.first.0], &items[d.second.0])
            )
            },
        );
    }
    if let Some(x) = config.get("object_privileges").filter(|x| !x.is_unknown()) {
        let items = x.elements();
        let entries: Vec<Keyed<ObjKey>> = items
            .iter()
            .enumerate()
            .map(|(i, e)| Keyed {
                path: AttrPath::root("object_privileges")
                    .index(i)
                    .attr("object_name"),
                key: obj_key(e),
            })
            .collect();
        refuse_duplicates(
            &entries,
            "Duplicate Object in object_privileges",
            diags,
            |d| {
                let (ty, schema, name) = d.key;
                format!(
                "{} and {} both name {ty} {schema}.{name} (OCP stores unquoted Oracle names in upper case, so spellings that differ only by case name the same object). OCP keeps one list of privileges per object, so one of the two lists would be lost. Merge them into one entry with privileges = {}.",
                d.first.1,
                d.second.1,
                merged_privileges(&items[d.first.0], &items[d.second.0])
            )
            },
        );
    }
}

/// Plan-time check that a `roles` set names each role once. Roles exist in Oracle-mode
/// tenants only, where OCP stores names in upper case: `connect` and `CONNECT` are one role.
pub(crate) fn validate_unique_roles(config: &Value, diags: &mut Diagnostics) {
    let Some(x) = config.get("roles").filter(|x| !x.is_unknown()) else {
        return;
    };
    let items = x.elements();
    let entries: Vec<Keyed<String>> = items
        .iter()
        .map(|e| Keyed {
            path: AttrPath::root("roles"),
            key: e.as_str().map(str::to_ascii_uppercase),
        })
        .collect();
    refuse_duplicates(&entries, "Duplicate Role", diags, |d| {
        let shown = |i: usize| items[i].as_str().unwrap_or_default().to_string();
        format!(
            "roles holds {:?} and {:?}, which name the same role {:?} (OCP stores role names in upper case). Keep one of them.",
            shown(d.first.0),
            shown(d.second.0),
            d.key
        )
    });
}

/// Names compared as OCP compares them: Oracle names are case-insensitive (stored upper case).
pub(crate) fn same_name(mode: Mode, a: &str, b: &str) -> bool {
    match mode {
        Mode::Oracle => a.eq_ignore_ascii_case(b),
        Mode::Mysql => a == b,
    }
}

/// A role list as state records it: the user's spelling for roles OCP has, plus OCP's extras.
pub(crate) fn present_roles(
    mode: Mode,
    mine: Option<&[&str]>,
    actual: &[String],
    authoritative: bool,
) -> Vec<String> {
    let Some(mine) = mine else {
        return actual.to_vec();
    };
    let mut out: Vec<String> = mine
        .iter()
        .filter(|m| actual.iter().any(|a| same_name(mode, a, m)))
        .map(|s| s.to_string())
        .collect();
    if authoritative {
        out.extend(
            actual
                .iter()
                .filter(|a| !mine.iter().any(|m| same_name(mode, a, m)))
                .cloned(),
        );
    }
    out
}

fn state_from(u: &DbUser, base: &Value, mode: Mode, cluster_id: i64, tenant_id: i64) -> Value {
    let mut s = base.clone();
    if !matches!(s, Value::Object(_)) {
        s = Value::object(Vec::<(String, Value)>::new());
    }
    let username = match base.get("username").and_then(Value::as_str) {
        Some(mine) if same_name(mode, mine, &u.username) => mine.to_string(),
        _ => u.username.clone(),
    };
    s.set_attr(
        "id",
        Value::string(import_id::join(&[
            cluster_id.to_string(),
            tenant_id.to_string(),
            username.clone(),
        ])),
    );
    s.set_attr("cluster_id", Value::from_i64(cluster_id));
    s.set_attr("tenant_id", Value::from_i64(tenant_id));
    s.set_attr("username", Value::string(username));
    s.set_attr("locked", Value::Bool(u.locked.unwrap_or(false)));
    s.set_attr(
        "tenant_mode",
        Value::string(if mode == Mode::Oracle {
            "ORACLE"
        } else {
            "MYSQL"
        }),
    );
    s.set_attr("create_time", Value::opt_string(u.create_time.clone()));
    let global = present(
        mode,
        Scope::Global,
        managed(base, "global_privileges").as_deref(),
        &u.global_privileges,
        true,
    );
    s.set_attr("global_privileges", set_value(&global));
    let roles = present_roles(mode, managed(base, "roles").as_deref(), &u.roles, true);
    s.set_attr("roles", set_value(&roles));

    let mine_db = db_privs_of(base);
    let db = u
        .db_privileges
        .iter()
        .filter(|d| !d.privileges.is_empty())
        .map(|d| {
            let mine = mine_db.as_ref().and_then(|m| m.get(&d.db_name));
            let privs = present(
                mode,
                Scope::Database,
                mine.map(Vec::as_slice),
                &d.privileges,
                true,
            );
            Value::object([
                ("database", Value::string(d.db_name.clone())),
                ("privileges", set_value(&privs)),
            ])
        })
        .collect::<Vec<_>>();
    s.set_attr("db_privileges", Value::Set(db));

    let mine_obj = obj_privs_of(base);
    let mine_spelling = |want: &ObjKey| {
        base.get("object_privileges").and_then(|x| {
            x.elements().iter().find(|e| {
                let g = |a: &str| {
                    e.get(a)
                        .and_then(Value::as_str)
                        .map(str::to_ascii_uppercase)
                };
                (g("object_type"), g("schema"), g("object_name"))
                    == (
                        Some(want.0.clone()),
                        Some(want.1.clone()),
                        Some(want.2.clone()),
                    )
            })
        })
    };
    let obj = u
        .object_privileges
        .iter()
        .filter(|o| !o.privileges.is_empty())
        .map(|o| {
            let key = (
                o.object.object_type.to_ascii_uppercase(),
                o.object.schema_name.to_ascii_uppercase(),
                o.object.object_name.to_ascii_uppercase(),
            );
            let mine = mine_obj.as_ref().and_then(|m| m.get(&key));
            let privs = present(
                mode,
                Scope::of_object(&key.0),
                mine.map(Vec::as_slice),
                &o.privileges,
                true,
            );
            let spelled = mine_spelling(&key);
            let pick = |a: &str, ocp: &str| {
                spelled
                    .and_then(|e| e.get(a).cloned())
                    .unwrap_or_else(|| Value::string(ocp))
            };
            Value::object([
                ("object_type", pick("object_type", &o.object.object_type)),
                ("schema", pick("schema", &o.object.schema_name)),
                ("object_name", pick("object_name", &o.object.object_name)),
                ("privileges", set_value(&privs)),
            ])
        })
        .collect::<Vec<_>>();
    s.set_attr("object_privileges", Value::Set(obj));
    s
}

/// The tenant's mode: from state when recorded, else from OCP.
pub(crate) async fn tenant_mode(
    client: &OcpClient,
    v: &Value,
    cluster_id: i64,
    tenant_id: i64,
) -> Result<Mode, ClientError> {
    if let Some(m) = Mode::of_state(v) {
        return Ok(m);
    }
    let mode = client.tenant_mode(cluster_id, tenant_id).await?;
    Ok(Mode::from_ocp(mode.as_deref()))
}

/// Plan-time checks shared by users and roles: privilege names and object types.
pub(crate) fn validate_privileges(config: &Value, diags: &mut Diagnostics) {
    let check = |diags: &mut Diagnostics, path: AttrPath, scope: Scope, items: Vec<&str>| {
        let bad = privileges::unknown(scope, items);
        if !bad.is_empty() {
            diags.attr_error(
                path.clone(),
                "Unknown Privilege",
                format!("Attribute {path} holds {bad:?}, which OCP does not know for this scope. Known: {:?} (MySQL) and {:?} (Oracle).", privileges::vocabulary(Mode::Mysql, scope), privileges::vocabulary(Mode::Oracle, scope)),
            );
        }
    };
    if let Some(g) = managed(config, "global_privileges") {
        check(diags, AttrPath::root("global_privileges"), Scope::Global, g);
    }
    if let Some(x) = config.get("db_privileges") {
        for e in x.elements() {
            if let Some(p) = e.get("privileges") {
                check(
                    diags,
                    AttrPath::root("db_privileges"),
                    Scope::Database,
                    strings(p),
                );
            }
        }
    }
    if let Some(x) = config.get("object_privileges") {
        for e in x.elements() {
            if let Some(t) = e.get("object_type").and_then(Value::as_str) {
                if !OBJECT_TYPES.contains(&t.to_ascii_uppercase().as_str()) {
                    diags.attr_error(
                        AttrPath::root("object_privileges"),
                        "Unknown Object Type",
                        format!("object_type must be one of {OBJECT_TYPES:?}, got {t:?}."),
                    );
                }
            }
            if let Some(p) = e.get("privileges") {
                check(
                    diags,
                    AttrPath::root("object_privileges"),
                    Scope::Object,
                    strings(p),
                );
            }
        }
    }
}

/// Keeps the prior value of a privilege attribute in the plan when the configuration means
/// the same thing in another spelling (`all` for the expanded list, `create view`), so that
/// spelling never causes a perpetual diff.
pub(crate) fn keep_equivalent(
    req: &PlanRequest<'_>,
    resp: &mut PlanResponse,
    attr: &str,
    scope: Scope,
) {
    let Some(mode) = Mode::of_state(req.prior) else {
        return;
    };
    let (Some(cfg), Some(prior)) = (managed(req.config, attr), managed(req.prior, attr)) else {
        return;
    };
    if privileges::expand(mode, scope, cfg) == privileges::expand(mode, scope, prior) {
        if let Some(p) = req.prior.get(attr) {
            resp.planned.set_attr(attr, p.clone());
        }
    }
}

/// Keeps the prior value of a name (scalar) in the plan when OCP treats the configured one as
/// the same name: Oracle names are case-insensitive, so `app_owner` and an imported
/// `APP_OWNER` must not force a replacement.
pub(crate) fn keep_same_name(req: &PlanRequest<'_>, resp: &mut PlanResponse, attr: &str) {
    let Some(mode) = Mode::of_state(req.prior) else {
        return;
    };
    let (Some(cfg), Some(prior)) = (
        req.config.get(attr).and_then(Value::as_str),
        req.prior.get(attr).and_then(Value::as_str),
    ) else {
        return;
    };
    if cfg != prior && same_name(mode, cfg, prior) {
        resp.planned.set_attr(attr, Value::string(prior));
        resp.requires_replace.retain(|p| *p != AttrPath::root(attr));
    }
}

/// Like `keep_equivalent` for a set of role names.
pub(crate) fn keep_same_names(req: &PlanRequest<'_>, resp: &mut PlanResponse, attr: &str) {
    let Some(mode) = Mode::of_state(req.prior) else {
        return;
    };
    let (Some(cfg), Some(prior)) = (managed(req.config, attr), managed(req.prior, attr)) else {
        return;
    };
    let covers = |a: &[&str], b: &[&str]| a.iter().all(|x| b.iter().any(|y| same_name(mode, x, y)));
    if cfg.len() == prior.len() && covers(&cfg, &prior) && covers(&prior, &cfg) {
        if let Some(p) = req.prior.get(attr) {
            resp.planned.set_attr(attr, p.clone());
        }
    }
}

/// Like `keep_equivalent` for `db_privileges` and `object_privileges`: the same objects with
/// privilege lists of the same meaning keep the prior value.
fn keep_equivalent_nested(req: &PlanRequest<'_>, resp: &mut PlanResponse) {
    let Some(mode) = Mode::of_state(req.prior) else {
        return;
    };
    fn same<K: Ord>(
        mode: Mode,
        a: &BTreeMap<K, Vec<&str>>,
        b: &BTreeMap<K, Vec<&str>>,
        scope: impl Fn(&K) -> Scope,
    ) -> bool {
        a.len() == b.len()
            && a.iter().all(|(k, v)| {
                b.get(k).is_some_and(|w| {
                    privileges::expand(mode, scope(k), v.iter().copied())
                        == privileges::expand(mode, scope(k), w.iter().copied())
                })
            })
    }
    if let (Some(c), Some(p)) = (db_privs_of(req.config), db_privs_of(req.prior)) {
        if same(mode, &c, &p, |_| Scope::Database) {
            if let Some(v) = req.prior.get("db_privileges") {
                resp.planned.set_attr("db_privileges", v.clone());
            }
        }
    }
    if let (Some(c), Some(p)) = (obj_privs_of(req.config), obj_privs_of(req.prior)) {
        if same(mode, &c, &p, |k: &ObjKey| Scope::of_object(&k.0)) {
            if let Some(v) = req.prior.get("object_privileges") {
                resp.planned.set_attr("object_privileges", v.clone());
            }
        }
    }
}

/// Grants what the plan adds and then revokes what it removes, for every privilege attribute
/// the plan manages (the smallest change; attributes a schema lacks are skipped).
pub(crate) async fn apply_privileges(
    client: &OcpClient,
    c: i64,
    t: i64,
    grantee: Grantee<'_>,
    mode: Mode,
    prior: &Value,
    plan: &Value,
) -> Result<(), (&'static str, ClientError)> {
    if let Some(want) = managed(plan, "global_privileges") {
        let have = managed(prior, "global_privileges").unwrap_or_default();
        let (g, r) = delta(mode, Scope::Global, have, want);
        grant_then_revoke(
            client,
            c,
            t,
            grantee,
            "global_privileges",
            PrivilegeScope::Global(&g),
            PrivilegeScope::Global(&r),
        )
        .await?;
    }
    if let Some(want) = db_privs_of(plan) {
        let have = db_privs_of(prior).unwrap_or_default();
        let (g, r) = keyed_delta(
            mode,
            |_| Scope::Database,
            &have,
            &want,
            |db, privileges| DbPrivilege {
                db_name: db.clone(),
                privileges,
            },
        );
        grant_then_revoke(
            client,
            c,
            t,
            grantee,
            "db_privileges",
            PrivilegeScope::Db(&g),
            PrivilegeScope::Db(&r),
        )
        .await?;
    }
    if let Some(want) = obj_privs_of(plan) {
        let have = obj_privs_of(prior).unwrap_or_default();
        let scope = |k: &ObjKey| Scope::of_object(&k.0);
        let (g, r) = keyed_delta(mode, scope, &have, &want, |key, privileges| {
            ObjectPrivilege {
                object: DbObject {
                    object_type: key.0.clone(),
                    schema_name: key.1.clone(),
                    object_name: key.2.clone(),
                },
                privileges,
            }
        });
        grant_then_revoke(
            client,
            c,
            t,
            grantee,
            "object_privileges",
            PrivilegeScope::Object(&g),
            PrivilegeScope::Object(&r),
        )
        .await?;
    }
    if let Some(want) = managed(plan, "roles") {
        let have = managed(prior, "roles").unwrap_or_default();
        let missing = |from: &[&str], other: &[&str]| -> Vec<String> {
            from.iter()
                .filter(|x| !other.iter().any(|o| same_name(mode, o, x)))
                .map(|x| x.to_string())
                .collect()
        };
        let (g, r) = (missing(&want, &have), missing(&have, &want));
        grant_then_revoke(
            client,
            c,
            t,
            grantee,
            "roles",
            PrivilegeScope::Roles(&g),
            PrivilegeScope::Roles(&r),
        )
        .await?;
    }
    Ok(())
}

/// Grants `grant`, then revokes `revoke` (the client skips a call that holds nothing); an
/// error carries `attr`, the attribute it is about.
async fn grant_then_revoke(
    client: &OcpClient,
    c: i64,
    t: i64,
    grantee: Grantee<'_>,
    attr: &'static str,
    grant: PrivilegeScope<'_>,
    revoke: PrivilegeScope<'_>,
) -> Result<(), (&'static str, ClientError)> {
    for (op, scope) in [(PrivilegeOp::Grant, grant), (PrivilegeOp::Revoke, revoke)] {
        client
            .change_privileges(c, t, grantee, op, scope)
            .await
            .map_err(|e| (attr, e))?;
    }
    Ok(())
}

/// The grants and revokes, per key (database, object), that turn `have` into `want`; keys in
/// either map count, `scope` gives each key's scope (an object's type decides what `ALL`
/// means), and `item` builds one entry of OCP's body from a key and its privileges.
fn keyed_delta<K: Ord, T>(
    mode: Mode,
    scope: impl Fn(&K) -> Scope,
    have: &BTreeMap<K, Vec<&str>>,
    want: &BTreeMap<K, Vec<&str>>,
    item: impl Fn(&K, Vec<String>) -> T,
) -> (Vec<T>, Vec<T>) {
    let (mut grants, mut revokes) = (Vec::new(), Vec::new());
    for key in want
        .keys()
        .chain(have.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (g, r) = delta(
            mode,
            scope(key),
            have.get(key).cloned().unwrap_or_default(),
            want.get(key).cloned().unwrap_or_default(),
        );
        if !g.is_empty() {
            grants.push(item(key, g));
        }
        if !r.is_empty() {
            revokes.push(item(key, r));
        }
    }
    (grants, revokes)
}

fn privilege_attrs(s: Schema, who: &str) -> Schema {
    s.attr("global_privileges", Attr::set(Type::String).optional().computed().use_state_for_unknown().doc(format!(
        "Global privileges (MySQL mode, e.g. `SELECT`, `CREATE_VIEW`) or system privileges (Oracle mode, e.g. `CREATE_SESSION`, `CREATE_TABLE`) of the {who}. When set, Terraform owns the whole list: privileges granted outside it are revoked. `ALL` means every privilege of the mode. Spelling is free (`create view` = `CREATE_VIEW`). Left out, the list is not managed and shows what OCP has."
    )))
    .attr("roles", Attr::set(Type::String).optional().computed().use_state_for_unknown().doc(format!(
        "Roles granted to the {who} (Oracle mode), e.g. `CONNECT`. When set, Terraform owns the whole list. Left out, the list is not managed."
    )))
}

#[tonic::async_trait]
impl Resource for DbUserResource {
    fn type_name(&self) -> &'static str {
        "ocp_db_user"
    }

    fn schema(&self) -> Schema {
        let s = tenant_attrs(Schema::new("A database user of a tenant. In Oracle mode a user is also a schema. Privileges set here are authoritative for the user; use `ocp_db_grant` instead to add privileges without owning the whole list, and do not mix the two for one user."), "user")
            .attr("id", Attr::string().computed().use_state_for_unknown().doc("`<cluster_id>/<tenant_id>/<username>`, also the import id."))
            .attr("username", Attr::string().required().requires_replace().validate(DB_OBJECT_NAME).doc("User name: a letter followed by letters, digits or underscores, at most 64 characters. Oracle-mode tenants store it in upper case. Changing it replaces the user."))
            .attr("password", Attr::string().required().sensitive().doc("The user's password (8 to 32 characters with at least three of upper case, lower case, digits and specials). OCP never returns it. Changed in place through OCP's change-password call."))
            .attr("locked", Attr::bool().default(Value::Bool(false)).doc("Whether the account is locked. Default `false`. Changed in place."));
        privilege_attrs(s, "user")
            .attr("db_privileges", Attr::set(db_priv_type()).optional().computed().use_state_for_unknown().doc("Privileges on databases (MySQL mode): a set of `{ database, privileges }`, privileges from `ALTER`, `CREATE`, `DELETE`, `DROP`, `INSERT`, `SELECT`, `UPDATE`, `INDEX`, `CREATE_VIEW`, `SHOW_VIEW` or `ALL`, one entry per database. When set, Terraform owns every database's list."))
            .attr("object_privileges", Attr::set(obj_priv_type()).optional().computed().use_state_for_unknown().doc("Privileges on objects (Oracle mode): a set of `{ object_type, schema, object_name, privileges }` with `object_type` one of `TABLE`, `VIEW`, `STORED_PROCEDURE` and privileges from `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `ALTER`, `INDEX`, `REFERENCES` on tables and views, `EXECUTE` on stored procedures (OCP refuses the others), or `ALL` for that type's list, one entry per object (names compare as OCP stores them, in upper case). When set, Terraform owns the list."))
            .attr("tenant_mode", Attr::string().computed().use_state_for_unknown().doc("Mode of the tenant (`MYSQL` or `ORACLE`), read from OCP."))
            .attr("create_time", Attr::string().computed().use_state_for_unknown().doc("When the user was created (ISO-8601 with offset)."))
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        validate_privileges(config, diags);
        validate_unique_privileges(config, diags);
        validate_unique_roles(config, diags);
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        keep_equivalent(req, resp, "global_privileges", Scope::Global);
        keep_equivalent_nested(req, resp);
        keep_same_names(req, resp, "roles");
        keep_same_name(req, resp, "username");
        let authoritative = [
            "global_privileges",
            "db_privileges",
            "object_privileges",
            "roles",
        ]
        .iter()
        .any(|a| req.config.get(a).is_some_and(|v| !v.is_null()));
        if authoritative {
            ownership::note_authoritative(req.config, &mut resp.diags);
        }
    }

    async fn create(&self, ctx: &Ctx, req: CreateRequest, resp: &mut CreateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let plan = &req.plan;
        let (Some((c, t)), Some(username), Some(password)) = (
            tenant_of(plan),
            plan.get("username").and_then(Value::as_str),
            plan.get("password").and_then(Value::as_str),
        ) else {
            return resp.diags.bug(
                "Unable to Create Database User",
                "The plan lacks cluster_id, tenant_id, username or password.",
            );
        };
        let mode = match tenant_mode(client, plan, c, t).await {
            Ok(m) => m,
            Err(e) => {
                return report(
                    &mut resp.diags,
                    "Create Database User",
                    Some(AttrPath::root("tenant_id")),
                    &e,
                )
            }
        };
        // Refused before OCP makes the user: after it, a grant the mode cannot take would
        // fail on every apply, each time tainting and re-creating the user.
        if let Some(attr) = wrong_mode_attr(plan, mode) {
            let (have, need) = match mode {
                Mode::Mysql => ("MYSQL", "ORACLE"),
                Mode::Oracle => ("ORACLE", "MYSQL"),
            };
            return resp.diags.attr_error(
                AttrPath::root(attr),
                "Privileges Do Not Fit The Tenant Mode",
                format!("Tenant {t} is a {have} tenant, and OCP takes `{attr}` only in {need} mode (ocp-api.md §3.6). Remove `{attr}`, or create the user in a {need} tenant. Nothing was created."),
            );
        }
        // OCP takes privilege names only (`ALL` is refused: "Invalid database privilege
        // 'ALL'"), so `ALL` is expanded into the mode's list here; state keeps the user's
        // spelling, which Read maps back (see `privileges::present`).
        let names = |scope: Scope, v: Vec<&str>| -> Vec<String> {
            privileges::expand(mode, scope, v).into_iter().collect()
        };
        let body = CreateDbUser {
            username: username.to_string(),
            password: Secret::new(password),
            global_privileges: names(
                Scope::Global,
                managed(plan, "global_privileges").unwrap_or_default(),
            ),
            db_privileges: db_privs_of(plan)
                .unwrap_or_default()
                .into_iter()
                .map(|(db, p)| DbPrivilege {
                    db_name: db,
                    privileges: names(Scope::Database, p),
                })
                .collect(),
            roles: managed(plan, "roles")
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect(),
        };
        let user = match client.create_db_user(c, t, &body).await {
            Ok(Created::New(u)) | Ok(Created::Adopted(u)) => u,
            Ok(Created::Existing(u)) => {
                return refuse_existing(
                    &mut resp.diags,
                    Existing {
                        type_name: "ocp_db_user",
                        noun: "Database User",
                        what: format!("user {:?} in tenant {t} of cluster {c}", u.username),
                        import_id: import_id::join(&[
                            c.to_string(),
                            t.to_string(),
                            u.username.clone(),
                        ]),
                        attr: "username",
                    },
                )
            }
            Err(e) => {
                let msg = e.to_string().to_ascii_lowercase();
                let path = if msg.contains("password") {
                    Some(AttrPath::root("password"))
                } else if msg.contains("privilege") {
                    Some(AttrPath::root(
                        if msg.contains("db") || msg.contains("database") {
                            "db_privileges"
                        } else {
                            "global_privileges"
                        },
                    ))
                } else if msg.contains("role") {
                    Some(AttrPath::root("roles"))
                } else if msg.contains("username") || msg.contains("name") {
                    Some(AttrPath::root("username"))
                } else {
                    None
                };
                return report(&mut resp.diags, "Create Database User", path, &e);
            }
        };
        // Recorded before anything else can fail (R1).
        let mut state = plan.clone();
        state.set_attr(
            "tenant_mode",
            Value::string(if mode == Mode::Oracle {
                "ORACLE"
            } else {
                "MYSQL"
            }),
        );
        state.set_attr(
            "id",
            Value::string(import_id::join(&[
                c.to_string(),
                t.to_string(),
                username.to_string(),
            ])),
        );
        resp.state = state.clone();
        // Object privileges have no place in the create body (S1): grant them now.
        if obj_privs_of(plan).is_some_and(|m| !m.is_empty()) {
            let prior = Value::object([("object_privileges", Value::Set(Vec::new()))]);
            if let Err((attr, e)) = apply_privileges(
                client,
                c,
                t,
                Grantee::User(&user.username),
                mode,
                &prior,
                &Value::object([(
                    "object_privileges",
                    plan.get("object_privileges")
                        .cloned()
                        .unwrap_or(Value::Null),
                )]),
            )
            .await
            {
                return report(
                    &mut resp.diags,
                    "Grant Object Privileges",
                    Some(AttrPath::root(attr)),
                    &e,
                );
            }
        }
        if plan.get("locked").and_then(Value::as_bool) == Some(true) {
            if let Err(e) = client.lock_db_user(c, t, &user.username).await {
                return report(
                    &mut resp.diags,
                    "Lock Database User",
                    Some(AttrPath::root("locked")),
                    &e,
                );
            }
        }
        match client.find_db_user(c, t, &user.username).await {
            Ok(Some(u)) => resp.state = state_from(&u, &state, mode, c, t),
            Ok(None) => resp.diags.error(
                "Unable to Create Database User",
                format!("User {username:?} was not found right after OCP created it."),
            ),
            Err(e) => report(&mut resp.diags, "Read Database User After Create", None, &e),
        }
    }

    async fn read(&self, ctx: &Ctx, req: ReadRequest, resp: &mut ReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (Some((c, t)), Some(username)) = (
            tenant_of(&req.state),
            req.state.get("username").and_then(Value::as_str),
        ) else {
            return;
        };
        let mode = match tenant_mode(client, &req.state, c, t).await {
            Ok(m) => m,
            Err(e) => return report(&mut resp.diags, "Read Database User", None, &e),
        };
        match client.find_db_user(c, t, username).await {
            Ok(Some(u)) => resp.state = Some(state_from(&u, &req.state, mode, c, t)),
            Ok(None) => resp.remove(),
            Err(e) if e.is_not_found() => resp.remove(),
            Err(e) => report(&mut resp.diags, "Read Database User", None, &e),
        }
    }

    async fn update(&self, ctx: &Ctx, req: UpdateRequest, resp: &mut UpdateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (prior, plan) = (&req.prior, &req.plan);
        let (Some((c, t)), Some(username)) = (
            tenant_of(prior),
            prior.get("username").and_then(Value::as_str),
        ) else {
            return;
        };
        let mode = Mode::of_state(prior).unwrap_or(Mode::Mysql);
        let mut base = plan.clone();
        let result = update_user(client, c, t, username, mode, prior, plan).await;
        if let Err((attr, e)) = &result {
            if *attr == "password" {
                base.set_attr(
                    "password",
                    prior.get("password").cloned().unwrap_or(Value::Null),
                );
            }
            report(
                &mut resp.diags,
                "Update Database User",
                Some(AttrPath::root(*attr)),
                e,
            );
        }
        match client.find_db_user(c, t, username).await {
            Ok(Some(u)) => resp.state = state_from(&u, &base, mode, c, t),
            Ok(None) => resp.diags.error(
                "Unable to Update Database User",
                format!("User {username:?} disappeared during the update."),
            ),
            Err(e) => report(&mut resp.diags, "Read Database User After Update", None, &e),
        }
    }

    async fn delete(&self, ctx: &Ctx, req: DeleteRequest, resp: &mut DeleteResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (Some((c, t)), Some(username)) = (
            tenant_of(&req.state),
            req.state.get("username").and_then(Value::as_str),
        ) else {
            return;
        };
        match client.delete_db_user(c, t, username).await {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => report(&mut resp.diags, "Delete Database User", None, &e),
        }
    }

    async fn import(&self, _ctx: &Ctx, id: &str, resp: &mut ImportResponse) {
        match import_id::tenant_scoped(id, IMPORT_FORM) {
            Ok((c, t, rest)) if rest.len() == 1 => {
                resp.state = Some(Value::object([
                    ("cluster_id", Value::from_i64(c)),
                    ("tenant_id", Value::from_i64(t)),
                    ("username", Value::string(rest[0].clone())),
                    ("locked", Value::Bool(false)),
                ]))
            }
            Ok(_) => resp.diags.error(
                "Invalid Import ID",
                format!(
                    "Expected an import id of the form {IMPORT_FORM}, got {id:?}: too many parts."
                ),
            ),
            Err(e) => resp.diags.error("Invalid Import ID", e),
        }
    }
}

/// The in-place changes of a user, in an order OCP accepts: OCP refuses grants to a locked
/// user, so a locked user is unlocked for the privilege changes and locked again after.
async fn update_user(
    client: &OcpClient,
    c: i64,
    t: i64,
    username: &str,
    mode: Mode,
    prior: &Value,
    plan: &Value,
) -> Result<(), (&'static str, ClientError)> {
    if prior.get("password") != plan.get("password") {
        if let Some(p) = plan.get("password").and_then(Value::as_str) {
            client
                .change_db_user_password(c, t, username, &Secret::new(p))
                .await
                .map_err(|e| ("password", e))?;
        }
    }
    let was_locked = prior.get("locked").and_then(Value::as_bool) == Some(true);
    let want_locked = plan.get("locked").and_then(Value::as_bool) == Some(true);
    let privileges_change = [
        "global_privileges",
        "db_privileges",
        "object_privileges",
        "roles",
    ]
    .iter()
    .any(|a| prior.get(a) != plan.get(a));
    if was_locked && (privileges_change || !want_locked) {
        client
            .unlock_db_user(c, t, username)
            .await
            .map_err(|e| ("locked", e))?;
    }
    if privileges_change {
        apply_privileges(client, c, t, Grantee::User(username), mode, prior, plan).await?;
    }
    if want_locked && (!was_locked || privileges_change) {
        client
            .lock_db_user(c, t, username)
            .await
            .map_err(|e| ("locked", e))?;
    }
    Ok(())
}

fn user_summary_type() -> Type {
    Type::object([
        ("username", Type::String),
        ("locked", Type::Bool),
        ("global_privileges", Type::set(Type::String)),
        ("db_privileges", Type::set(db_priv_type())),
        ("object_privileges", Type::set(obj_priv_type())),
        ("roles", Type::set(Type::String)),
        ("create_time", Type::String),
    ])
}

fn user_summary(u: &DbUser, mode: Mode) -> Value {
    let s = state_from(u, &Value::Null, mode, 0, 0);
    Value::object(
        [
            "username",
            "locked",
            "global_privileges",
            "db_privileges",
            "object_privileges",
            "roles",
            "create_time",
        ]
        .map(|a| (a, s.get(a).cloned().unwrap_or(Value::Null))),
    )
}

/// `data "ocp_db_user"`: one user of a tenant.
pub struct DbUserDataSource;

#[tonic::async_trait]
impl DataSource for DbUserDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_db_user"
    }

    fn schema(&self) -> Schema {
        let mut s = Schema::new("Reads one database user of a tenant with its privileges.")
            .attr(
                "cluster_id",
                Attr::int()
                    .required()
                    .doc("OCP id of the cluster that hosts the tenant."),
            )
            .attr(
                "tenant_id",
                Attr::int().required().doc("OCP id of the tenant."),
            )
            .attr("username", Attr::string().required().doc("User name."));
        if let Type::Object(attrs) = user_summary_type() {
            for (name, ty) in attrs.into_iter().filter(|(n, _)| n != "username") {
                s = s.attr(&name, Attr::of(ty).computed().doc(match name.as_str() {
                    "locked" => "Whether the account is locked.",
                    "global_privileges" => "Global (MySQL) or system (Oracle) privileges, in OCP's spelling.",
                    "db_privileges" => "Privileges on databases (MySQL mode): `{ database, privileges }`.",
                    "object_privileges" => "Privileges on objects (Oracle mode): `{ object_type, schema, object_name, privileges }`.",
                    "roles" => "Roles granted to the user (Oracle mode).",
                    _ => "When the user was created (ISO-8601 with offset).",
                }));
            }
        }
        s
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (Some((c, t)), Some(username)) = (
            tenant_of(&req.config),
            req.config.get("username").and_then(Value::as_str),
        ) else {
            return;
        };
        let mode = match tenant_mode(client, &Value::Null, c, t).await {
            Ok(m) => m,
            Err(e) => return report(&mut resp.diags, "Read Database User", None, &e),
        };
        match client.find_db_user(c, t, username).await {
            Ok(Some(u)) => {
                let mut s = user_summary(&u, mode);
                s.set_attr("cluster_id", Value::from_i64(c));
                s.set_attr("tenant_id", Value::from_i64(t));
                s.set_attr("username", Value::string(username));
                resp.state = s;
            }
            Ok(None) => resp.diags.attr_error(
                AttrPath::root("username"),
                "User Not Found",
                format!("Tenant {t} has no user {username:?}."),
            ),
            Err(e) => report(&mut resp.diags, "Read Database User", None, &e),
        }
    }
}

/// `data "ocp_db_users"`: every user of a tenant.
pub struct DbUsersDataSource;

#[tonic::async_trait]
impl DataSource for DbUsersDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_db_users"
    }

    fn schema(&self) -> Schema {
        Schema::new("Lists the database users of a tenant with their privileges.")
            .attr("cluster_id", Attr::int().required().doc("OCP id of the cluster that hosts the tenant."))
            .attr("tenant_id", Attr::int().required().doc("OCP id of the tenant."))
            .attr("users", Attr::list(user_summary_type()).computed().doc("The users by name, each with `username`, `locked`, `global_privileges`, `db_privileges`, `object_privileges`, `roles` and `create_time`."))
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some((c, t)) = tenant_of(&req.config) else {
            return;
        };
        let mode = match tenant_mode(client, &Value::Null, c, t).await {
            Ok(m) => m,
            Err(e) => return report(&mut resp.diags, "List Database Users", None, &e),
        };
        match client.list_db_users(c, t).await {
            Ok(mut users) => {
                users.sort_by(|a, b| a.username.cmp(&b.username));
                let mut s = req.config.clone();
                s.set_attr(
                    "users",
                    Value::List(users.iter().map(|u| user_summary(u, mode)).collect()),
                );
                resp.state = s;
            }
            Err(e) => report(&mut resp.diags, "List Database Users", None, &e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(name: Value, privs: &[&str]) -> Value {
        Value::object([("database", name), ("privileges", set_value(privs))])
    }

    fn object(ty: &str, schema: &str, name: &str, privs: &[&str]) -> Value {
        Value::object([
            ("object_type", Value::string(ty)),
            ("schema", Value::string(schema)),
            ("object_name", Value::string(name)),
            ("privileges", set_value(privs)),
        ])
    }

    /// The paths of the errors validation reports for a user with these attributes.
    fn errors(attrs: Vec<(&str, Value)>) -> Vec<(String, String)> {
        let mut d = Diagnostics::new();
        DbUserResource.validate(&Value::object(attrs), &mut d);
        d.0.iter()
            .map(|x| {
                (
                    x.path.as_ref().map(|p| p.to_string()).unwrap_or_default(),
                    x.detail.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn each_database_object_and_role_is_named_once() {
        let s = Value::string;
        /// (case name, attributes of the user, paths of the expected errors)
        type Case = (&'static str, Vec<(&'static str, Value)>, Vec<&'static str>);
        let cases: Vec<Case> = vec![
            (
                "distinct databases",
                vec![(
                    "db_privileges",
                    Value::Set(vec![db(s("a"), &["SELECT"]), db(s("b"), &["SELECT"])]),
                )],
                vec![],
            ),
            (
                "one database twice",
                vec![(
                    "db_privileges",
                    Value::Set(vec![
                        db(s("app"), &["SELECT"]),
                        db(s("b"), &["SELECT"]),
                        db(s("app"), &["INSERT"]),
                    ]),
                )],
                vec!["db_privileges[2].database"],
            ),
            (
                "MySQL database names are case-sensitive",
                vec![(
                    "db_privileges",
                    Value::Set(vec![db(s("app"), &["SELECT"]), db(s("APP"), &["INSERT"])]),
                )],
                vec![],
            ),
            (
                "an unknown database is checked later",
                vec![(
                    "db_privileges",
                    Value::Set(vec![
                        db(s("app"), &["SELECT"]),
                        db(Value::Unknown, &["INSERT"]),
                    ]),
                )],
                vec![],
            ),
            (
                "an unknown list is checked later",
                vec![("db_privileges", Value::Unknown)],
                vec![],
            ),
            (
                "an object spelled in another case",
                vec![(
                    "object_privileges",
                    Value::Set(vec![
                        object("TABLE", "APP", "ORDERS", &["SELECT"]),
                        object("table", "app", "orders", &["INSERT"]),
                    ]),
                )],
                vec!["object_privileges[1].object_name"],
            ),
            (
                "same name, other type",
                vec![(
                    "object_privileges",
                    Value::Set(vec![
                        object("TABLE", "APP", "ORDERS", &["SELECT"]),
                        object("VIEW", "APP", "ORDERS", &["SELECT"]),
                    ]),
                )],
                vec![],
            ),
            (
                "a role in two spellings",
                vec![("roles", set_value(&["connect", "CONNECT", "RESOURCE"]))],
                vec!["roles"],
            ),
        ];
        for (name, attrs, want) in cases {
            let got = errors(attrs);
            let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
            assert_eq!(paths, want, "{name}: {got:?}");
        }
    }

    #[test]
    fn a_duplicate_names_both_entries_and_the_merged_entry() {
        let got = errors(vec![(
            "db_privileges",
            Value::Set(vec![
                db(Value::string("app"), &["SELECT"]),
                db(Value::string("app"), &["INSERT"]),
            ]),
        )]);
        let detail = &got[0].1;
        assert!(
            detail.contains("db_privileges[0].database and db_privileges[1].database"),
            "{detail}"
        );
        assert!(
            detail.contains(r#"{ database = "app", privileges = ["INSERT", "SELECT"] }"#),
            "{detail}"
        );
        let got = errors(vec![(
            "object_privileges",
            Value::Set(vec![
                object("TABLE", "APP", "ORDERS", &["SELECT"]),
                object("TABLE", "app", "Orders", &["INSERT"]),
            ]),
        )]);
        assert!(got[0].1.contains("TABLE APP.ORDERS"), "{}", got[0].1);
        assert!(
            got[0].1.contains("object_privileges[0].object_name"),
            "{}",
            got[0].1
        );
    }
}
