//! The `ocp_db_user` resource and the `ocp_db_user` / `ocp_db_users` data sources, and what
//! users share with roles (`super::db_role`): the privilege lists, their plan-time checks and
//! spellings, and the grants and revokes that change them.
//! API: ocp-api.md §3.6 and seed S1 (users, passwords, lock, privilege calls); all synchronous.
//!
//! Privileges written here are authoritative: Terraform owns the user's whole list for each
//! privilege attribute that is set, and removes what OCP has beyond it. An attribute left out
//! is not managed (it shows what OCP has), which is how `ocp_db_grant` can add to a user
//! without a fight. Mixing the two for one user is a plan-time warning (`super::ownership`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::client::api::user::{
    CreateDbUser, DbObject, DbPrivilege, DbUser, Grantee, ObjectPrivilege, PrivilegeOp,
    PrivilegeScope,
};
use crate::client::{ClientError, Created, OcpClient, Secret};
use crate::framework::{
    read_model, Attr, AttrPath, Diagnostics, PlanRequest, PlanResponse, Schema,
};
use crate::lifecycle::{value_over, Born, Call, Fail, ImportError, OcpData, OcpObject};
use crate::value::{Known, Type, Value};

use super::privileges::{self, delta, present, strings, Mode, Scope, OBJECT_TYPES};
use super::unique::{refuse_duplicates, Keyed};
use super::{
    import_id, ownership, refuse_existing, report, tenant_attrs, Existing, DB_OBJECT_NAME,
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

/// One entry of `db_privileges`: a database and the privileges on it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DbEntry {
    database: String,
    privileges: Vec<String>,
}

/// One entry of `object_privileges`: an Oracle object and the privileges on it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectEntry {
    object_type: String,
    schema: String,
    object_name: String,
    privileges: Vec<String>,
}

/// The model of `ocp_db_user`: state, plan and import alike.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DbUserModel {
    id: Option<String>,
    cluster_id: i64,
    tenant_id: i64,
    username: String,
    password: Option<String>,
    locked: bool,
    global_privileges: Option<Vec<String>>,
    roles: Option<Vec<String>>,
    db_privileges: Option<Vec<DbEntry>>,
    object_privileges: Option<Vec<ObjectEntry>>,
    tenant_mode: Option<String>,
    create_time: Option<String>,
}

/// An object as (type, schema, name) in OCP's (upper) case.
type ObjKey = (String, String, String);

/// An object as OCP compares objects: type, schema and name in upper case (OCP stores
/// unquoted Oracle identifiers in upper case).
fn obj_key(object_type: &str, schema: &str, name: &str) -> ObjKey {
    (
        object_type.to_ascii_uppercase(),
        schema.to_ascii_uppercase(),
        name.to_ascii_uppercase(),
    )
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The privilege lists of a user or role by what they are on, as plans are compared and
/// grants computed; `None` for a list not managed (null, or unknown until apply).
#[derive(Default)]
pub(crate) struct Grants<'a> {
    pub(crate) global: Option<Vec<&'a str>>,
    roles: Option<Vec<&'a str>>,
    db: Option<BTreeMap<String, Vec<&'a str>>>,
    obj: Option<BTreeMap<ObjKey, Vec<&'a str>>>,
}

impl<'a> Grants<'a> {
    /// The lists users and roles both hold: global privileges and roles.
    pub(crate) fn of(global: &'a Option<Vec<String>>, roles: &'a Option<Vec<String>>) -> Self {
        Grants {
            global: global.as_deref().map(strs),
            roles: roles.as_deref().map(strs),
            ..Grants::default()
        }
    }

    /// The global privileges and roles state records for what OCP reports (`global`,
    /// `roles`): the user's spelling where it means what OCP has, plus OCP's extras.
    pub(crate) fn present(
        &self,
        mode: Mode,
        global: &[String],
        roles: &[String],
    ) -> (Option<Vec<String>>, Option<Vec<String>>) {
        (
            Some(present(
                mode,
                Scope::Global,
                self.global.as_deref(),
                global,
                true,
            )),
            Some(present_roles(mode, self.roles.as_deref(), roles, true)),
        )
    }
}

impl DbUserModel {
    fn tenant(&self) -> (i64, i64) {
        (self.cluster_id, self.tenant_id)
    }

    fn grants(&self) -> Grants<'_> {
        Grants {
            db: self.db_privileges.as_ref().map(|l| {
                l.iter()
                    .map(|e| (e.database.clone(), strs(&e.privileges)))
                    .collect()
            }),
            obj: self.object_privileges.as_ref().map(|l| {
                l.iter()
                    .map(|e| {
                        let key = obj_key(&e.object_type, &e.schema, &e.object_name);
                        (key, strs(&e.privileges))
                    })
                    .collect()
            }),
            ..Grants::of(&self.global_privileges, &self.roles)
        }
    }

    /// The model of what OCP has, over `base`: the user's spellings (name, privileges,
    /// objects) where they mean what OCP has, and the password, which OCP never returns.
    fn from_ocp(u: DbUser, base: &DbUserModel, mode: Mode) -> DbUserModel {
        let mine = base.grants();
        let (id, username) = named(mode, base.tenant(), &base.username, u.username);
        let db = u
            .db_privileges
            .into_iter()
            .filter(|d| !d.privileges.is_empty())
            .map(|d| {
                let mine = mine.db.as_ref().and_then(|m| m.get(&d.db_name));
                let privileges = present(
                    mode,
                    Scope::Database,
                    mine.map(Vec::as_slice),
                    &d.privileges,
                    true,
                );
                DbEntry {
                    database: d.db_name,
                    privileges,
                }
            })
            .collect();
        let obj = u
            .object_privileges
            .into_iter()
            .filter(|o| !o.privileges.is_empty())
            .map(|o| {
                let DbObject {
                    object_type,
                    schema_name,
                    object_name,
                } = o.object;
                let key = obj_key(&object_type, &schema_name, &object_name);
                let mine_privs = mine.obj.as_ref().and_then(|m| m.get(&key));
                let privileges = present(
                    mode,
                    Scope::of_object(&key.0),
                    mine_privs.map(Vec::as_slice),
                    &o.privileges,
                    true,
                );
                let spelled = base
                    .object_privileges
                    .iter()
                    .flatten()
                    .find(|e| obj_key(&e.object_type, &e.schema, &e.object_name) == key);
                match spelled {
                    Some(e) => ObjectEntry {
                        privileges,
                        ..e.clone()
                    },
                    None => ObjectEntry {
                        object_type,
                        schema: schema_name,
                        object_name,
                        privileges,
                    },
                }
            })
            .collect();
        let (global_privileges, roles) = mine.present(mode, &u.global_privileges, &u.roles);
        DbUserModel {
            id: Some(id),
            username,
            locked: u.locked.unwrap_or(false),
            global_privileges,
            roles,
            db_privileges: Some(db),
            object_privileges: Some(obj),
            tenant_mode: Some(mode.name().to_string()),
            create_time: u.create_time,
            ..base.clone()
        }
    }
}

/// The id and name state records for a user or role OCP names `ocp`: the user's spelling
/// (`mine`) when OCP means the same by it (Oracle names are case-insensitive), else OCP's.
pub(crate) fn named(mode: Mode, (c, t): (i64, i64), mine: &str, ocp: String) -> (String, String) {
    let name = if same_name(mode, mine, &ocp) {
        mine.to_string()
    } else {
        ocp
    };
    (
        import_id::join(&[c.to_string(), t.to_string(), name.clone()]),
        name,
    )
}

/// The tenant's mode: `recorded` when state has it, else OCP's.
pub(crate) async fn mode_of(
    client: &OcpClient,
    recorded: Option<Mode>,
    cluster_id: i64,
    tenant_id: i64,
) -> Result<Mode, ClientError> {
    if let Some(m) = recorded {
        return Ok(m);
    }
    let mode = client.tenant_mode(cluster_id, tenant_id).await?;
    Ok(Mode::from_ocp(mode.as_deref()))
}

/// The tenant and name of a user's or role's import id (`<cluster_id>/<tenant_id>/<name>`).
pub(crate) fn import_named(id: &str, form: &str) -> Result<(i64, i64, String), ImportError> {
    match import_id::tenant_scoped(id, form).map_err(ImportError::Invalid)? {
        (c, t, mut rest) if rest.len() == 1 => Ok((c, t, rest.remove(0))),
        _ => Err(ImportError::Invalid(format!(
            "Expected an import id of the form {form}, got {id:?}: too many parts."
        ))),
    }
}

/// Refuses the create of a user or role (`what`) that OCP already had as `name` (design rule
/// R2); `attr` is the attribute that names it.
pub(crate) fn refuse<O: OcpObject>(
    diags: &mut Diagnostics,
    what: &str,
    name: &str,
    (c, t): (i64, i64),
    attr: &'static str,
) -> Fail {
    refuse_existing(
        diags,
        Existing {
            type_name: O::TYPE_NAME,
            noun: O::NOUN,
            what: format!("{what} {name:?} in tenant {t} of cluster {c}"),
            import_id: import_id::join(&[c.to_string(), t.to_string(), name.to_string()]),
            attr,
        },
    );
    Fail::Reported
}

/// A privilege list as OCP takes it: canonical names with `ALL` expanded for the mode (OCP
/// refuses `ALL`: "Invalid database privilege 'ALL'"). State keeps the user's spelling,
/// which read maps back (see `privileges::present`).
pub(crate) fn expanded(mode: Mode, scope: Scope, items: &[&str]) -> Vec<String> {
    privileges::expand(mode, scope, items.iter().copied())
        .into_iter()
        .collect()
}

/// A failed privilege change as the failure of the attribute it was about.
pub(crate) fn failed_at((attr, e): (&'static str, ClientError)) -> Fail {
    Fail::at(e, AttrPath::root(attr))
}

/// Names in a configuration or plan: null, unknown, or a set whose names may be unknown.
type Names = Option<Known<Vec<Known<String>>>>;

/// Entries of a configuration or plan: null, unknown, or entries that may be unknown.
type Entries<T> = Option<Known<Vec<Known<T>>>>;

/// The known names of a set; `None` when the set is null or unknown.
fn known_names(n: &Names) -> Option<Vec<&str>> {
    match n {
        Some(Known::Value(v)) => Some(
            v.iter()
                .filter_map(Known::as_known)
                .map(String::as_str)
                .collect(),
        ),
        _ => None,
    }
}

/// A string, if known.
fn known_str(s: &Option<Known<String>>) -> Option<&str> {
    s.as_ref().and_then(Known::as_known).map(String::as_str)
}

/// The known entries of a list with their positions; `None` when it is null or unknown.
fn known_entries<T>(e: &Entries<T>) -> Option<impl Iterator<Item = (usize, &T)>> {
    match e {
        Some(Known::Value(v)) => Some(
            v.iter()
                .enumerate()
                .filter_map(|(i, x)| Some((i, x.as_known()?))),
        ),
        _ => None,
    }
}

/// One entry of `db_privileges` in a configuration or plan.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct DbEntryPlan {
    database: Option<Known<String>>,
    privileges: Names,
}

/// One entry of `object_privileges` in a configuration or plan.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ObjectEntryPlan {
    object_type: Option<Known<String>>,
    schema: Option<Known<String>>,
    object_name: Option<Known<String>>,
    privileges: Names,
}

impl ObjectEntryPlan {
    /// The object it names, once every part is known.
    fn key(&self) -> Option<ObjKey> {
        Some(obj_key(
            known_str(&self.object_type)?,
            known_str(&self.schema)?,
            known_str(&self.object_name)?,
        ))
    }
}

/// What a user (named by `username`) or role (by `name`) is to hold, as a configuration or a
/// plan has it: values may be unknown until apply. Also the change `modify_plan` writes over a
/// plan: attributes left `None` keep their planned values.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Planned {
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<Known<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<Known<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    global_privileges: Names,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Names,
    #[serde(skip_serializing_if = "Option::is_none")]
    db_privileges: Entries<DbEntryPlan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object_privileges: Entries<ObjectEntryPlan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_mode: Option<Known<String>>,
}

impl Planned {
    fn grants(&self) -> Grants<'_> {
        Grants {
            global: known_names(&self.global_privileges),
            roles: known_names(&self.roles),
            db: known_entries(&self.db_privileges).map(|l| {
                l.filter_map(|(_, e)| {
                    Some((
                        known_str(&e.database)?.to_string(),
                        known_names(&e.privileges).unwrap_or_default(),
                    ))
                })
                .collect()
            }),
            obj: known_entries(&self.object_privileges).map(|l| {
                l.filter_map(|(_, e)| {
                    Some((e.key()?, known_names(&e.privileges).unwrap_or_default()))
                })
                .collect()
            }),
        }
    }

    /// Whether any privilege list is set (known or not): the user or role then owns it.
    fn sets_privileges(&self) -> bool {
        self.global_privileges.is_some()
            || self.roles.is_some()
            || self.db_privileges.is_some()
            || self.object_privileges.is_some()
    }
}

/// Plan-time checks users and roles share, on a configuration that may hold unknowns:
/// privilege names and object types, and that each database, object and role is named once.
pub(crate) fn validate_grants(config: &Value, diags: &mut Diagnostics) {
    let Some(cfg) = read_model::<Planned>(config, diags) else {
        return;
    };
    validate_names(&cfg, diags);
    validate_unique_privileges(&cfg, diags);
    refuse_duplicate_roles(&cfg, diags);
}

/// Privilege names each scope knows, and object types.
fn validate_names(cfg: &Planned, diags: &mut Diagnostics) {
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
    if let Some(g) = known_names(&cfg.global_privileges) {
        check(diags, AttrPath::root("global_privileges"), Scope::Global, g);
    }
    for (_, e) in known_entries(&cfg.db_privileges).into_iter().flatten() {
        if let Some(p) = known_names(&e.privileges) {
            check(diags, AttrPath::root("db_privileges"), Scope::Database, p);
        }
    }
    for (_, e) in known_entries(&cfg.object_privileges).into_iter().flatten() {
        if let Some(t) = known_str(&e.object_type) {
            if !OBJECT_TYPES.contains(&t.to_ascii_uppercase().as_str()) {
                diags.attr_error(
                    AttrPath::root("object_privileges"),
                    "Unknown Object Type",
                    format!("object_type must be one of {OBJECT_TYPES:?}, got {t:?}."),
                );
            }
        }
        if let Some(p) = known_names(&e.privileges) {
            check(diags, AttrPath::root("object_privileges"), Scope::Object, p);
        }
    }
}

/// The privileges of two entries together, for the "merge them" advice.
fn merged_privileges(a: Option<&Names>, b: Option<&Names>) -> String {
    let all: BTreeSet<&str> = [a, b]
        .into_iter()
        .flat_map(|p| p.and_then(known_names).unwrap_or_default())
        .collect();
    let list: Vec<String> = all.iter().map(|p| format!("{p:?}")).collect();
    format!("[{}]", list.join(", "))
}

/// Each entry of a known list, with the path of its key and the key (`None` while unknown).
fn keyed<T, K>(
    items: &[Known<T>],
    attr: &str,
    key_attr: &str,
    key: impl Fn(&T) -> Option<K>,
) -> Vec<Keyed<K>> {
    items
        .iter()
        .enumerate()
        .map(|(i, e)| Keyed {
            path: AttrPath::root(attr).index(i).attr(key_attr),
            key: e.as_known().and_then(&key),
        })
        .collect()
}

/// `db_privileges` names each database once and `object_privileges` each object once: OCP
/// keeps one privilege list per database or object, so a second entry would lose one list
/// (and the next plan would show it missing again).
fn validate_unique_privileges(cfg: &Planned, diags: &mut Diagnostics) {
    if let Some(Known::Value(items)) = &cfg.db_privileges {
        let privs = |i: usize| items[i].as_known().map(|e| &e.privileges);
        let entries = keyed(items, "db_privileges", "database", |e| {
            known_str(&e.database).map(str::to_string)
        });
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
                merged_privileges(privs(d.first.0), privs(d.second.0))
            )
            },
        );
    }
    if let Some(Known::Value(items)) = &cfg.object_privileges {
        let privs = |i: usize| items[i].as_known().map(|e| &e.privileges);
        let entries = keyed(
            items,
            "object_privileges",
            "object_name",
            ObjectEntryPlan::key,
        );
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
                merged_privileges(privs(d.first.0), privs(d.second.0))
            )
            },
        );
    }
}

/// A `roles` set names each role once. Roles exist in Oracle-mode tenants only, where OCP
/// stores names in upper case: `connect` and `CONNECT` are one role.
fn refuse_duplicate_roles(cfg: &Planned, diags: &mut Diagnostics) {
    let Some(Known::Value(items)) = &cfg.roles else {
        return;
    };
    let entries: Vec<Keyed<String>> = items
        .iter()
        .map(|e| Keyed {
            path: AttrPath::root("roles"),
            key: e.as_known().map(|r| r.to_ascii_uppercase()),
        })
        .collect();
    refuse_duplicates(&entries, "Duplicate Role", diags, |d| {
        let shown = |i: usize| items[i].as_known().cloned().unwrap_or_default();
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

/// Whether two privilege lists, both managed, mean the same privileges.
fn same_privileges(mode: Mode, scope: Scope, a: &Option<Vec<&str>>, b: &Option<Vec<&str>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            privileges::expand(mode, scope, a.iter().copied())
                == privileges::expand(mode, scope, b.iter().copied())
        }
        _ => false,
    }
}

/// Whether two role lists, both managed, name the same roles.
fn same_names(mode: Mode, a: &Option<Vec<&str>>, b: &Option<Vec<&str>>) -> bool {
    let covers = |a: &[&str], b: &[&str]| a.iter().all(|x| b.iter().any(|y| same_name(mode, x, y)));
    match (a, b) {
        (Some(a), Some(b)) => a.len() == b.len() && covers(a, b) && covers(b, a),
        _ => false,
    }
}

/// Whether two lists of entries, both managed, give the same objects privileges of the same
/// meaning; `scope` gives each key's scope.
fn same_entries<K: Ord>(
    mode: Mode,
    a: &Option<BTreeMap<K, Vec<&str>>>,
    b: &Option<BTreeMap<K, Vec<&str>>>,
    scope: impl Fn(&K) -> Scope,
) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    a.len() == b.len()
        && a.iter().all(|(k, v)| {
            b.get(k).is_some_and(|w| {
                privileges::expand(mode, scope(k), v.iter().copied())
                    == privileges::expand(mode, scope(k), w.iter().copied())
            })
        })
}

/// Plan adjustments users and roles share. A configuration that means what the prior state
/// holds in another spelling (`all` for the expanded list, `create view`, `connect` for
/// `CONNECT`, an Oracle name in another case) keeps the prior value, so spelling never causes
/// a perpetual diff or a replacement. A user or role that sets privileges is noted as their
/// owner (`super::ownership`).
pub(crate) fn plan_grants(schema: &Schema, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
    let Some(config) = read_model::<Planned>(req.config, &mut resp.diags) else {
        return;
    };
    if !req.prior.is_null() {
        keep_prior_spellings(schema, &config, req, resp);
    }
    if config.sets_privileges() {
        ownership::note_authoritative(req.config, &mut resp.diags);
    }
}

fn keep_prior_spellings(
    schema: &Schema,
    config: &Planned,
    req: &PlanRequest<'_>,
    resp: &mut PlanResponse,
) {
    let Some(prior) = read_model::<Planned>(req.prior, &mut resp.diags) else {
        return;
    };
    let Some(mode) = Mode::recorded(known_str(&prior.tenant_mode)) else {
        return;
    };
    let (want, had) = (config.grants(), prior.grants());
    let mut keep = Planned::default();
    if same_privileges(mode, Scope::Global, &want.global, &had.global) {
        keep.global_privileges = prior.global_privileges.clone();
    }
    if same_entries(mode, &want.db, &had.db, |_| Scope::Database) {
        keep.db_privileges = prior.db_privileges.clone();
    }
    if same_entries(mode, &want.obj, &had.obj, |k| Scope::of_object(&k.0)) {
        keep.object_privileges = prior.object_privileges.clone();
    }
    if same_names(mode, &want.roles, &had.roles) {
        keep.roles = prior.roles.clone();
    }
    for (attr, mine, was, kept) in [
        (
            "username",
            &config.username,
            &prior.username,
            &mut keep.username,
        ),
        ("name", &config.name, &prior.name, &mut keep.name),
    ] {
        if let (Some(c), Some(p)) = (known_str(mine), known_str(was)) {
            if c != p && same_name(mode, c, p) {
                *kept = was.clone();
                resp.requires_replace.retain(|x| *x != AttrPath::root(attr));
            }
        }
    }
    if let Some(v) = value_over(&keep, schema, &resp.planned, &mut resp.diags) {
        resp.planned = v;
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

/// Grants what `plan` adds and then revokes what it removes, for every privilege list `plan`
/// manages (the smallest change). An error carries the attribute it is about.
pub(crate) async fn apply_privileges(
    client: &OcpClient,
    (c, t): (i64, i64),
    grantee: Grantee<'_>,
    mode: Mode,
    prior: &Grants<'_>,
    plan: &Grants<'_>,
) -> Result<(), (&'static str, ClientError)> {
    if let Some(want) = &plan.global {
        let have = prior.global.clone().unwrap_or_default();
        let (g, r) = delta(mode, Scope::Global, have, want.iter().copied());
        grant_then_revoke(
            client,
            (c, t),
            grantee,
            "global_privileges",
            PrivilegeScope::Global(&g),
            PrivilegeScope::Global(&r),
        )
        .await?;
    }
    if let Some(want) = &plan.db {
        let have = prior.db.clone().unwrap_or_default();
        let (g, r) = keyed_delta(
            mode,
            |_| Scope::Database,
            &have,
            want,
            |db, privileges| DbPrivilege {
                db_name: db.clone(),
                privileges,
            },
        );
        grant_then_revoke(
            client,
            (c, t),
            grantee,
            "db_privileges",
            PrivilegeScope::Db(&g),
            PrivilegeScope::Db(&r),
        )
        .await?;
    }
    if let Some(want) = &plan.obj {
        let have = prior.obj.clone().unwrap_or_default();
        let scope = |k: &ObjKey| Scope::of_object(&k.0);
        let (g, r) = keyed_delta(mode, scope, &have, want, |key, privileges| {
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
            (c, t),
            grantee,
            "object_privileges",
            PrivilegeScope::Object(&g),
            PrivilegeScope::Object(&r),
        )
        .await?;
    }
    if let Some(want) = &plan.roles {
        let have = prior.roles.clone().unwrap_or_default();
        let missing = |from: &[&str], other: &[&str]| -> Vec<String> {
            from.iter()
                .filter(|x| !other.iter().any(|o| same_name(mode, o, x)))
                .map(|x| x.to_string())
                .collect()
        };
        let (g, r) = (missing(want, &have), missing(&have, want));
        grant_then_revoke(
            client,
            (c, t),
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
    (c, t): (i64, i64),
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
    for key in want.keys().chain(have.keys()).collect::<BTreeSet<_>>() {
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

/// The first privilege attribute set (non-empty) in `plan` that a tenant of `mode` has no
/// place for: OCP takes database privileges only in MySQL mode, object privileges and roles
/// only in Oracle mode (ocp-api.md §3.6).
fn wrong_mode_attr(plan: &DbUserModel, mode: Mode) -> Option<&'static str> {
    let len = |l: Option<usize>| l.unwrap_or(0);
    let foreign = match mode {
        Mode::Mysql => vec![
            (
                "object_privileges",
                len(plan.object_privileges.as_ref().map(Vec::len)),
            ),
            ("roles", len(plan.roles.as_ref().map(Vec::len))),
        ],
        Mode::Oracle => vec![(
            "db_privileges",
            len(plan.db_privileges.as_ref().map(Vec::len)),
        )],
    };
    foreign.into_iter().find(|(_, n)| *n > 0).map(|(a, _)| a)
}

/// The in-place changes of a user, in an order OCP accepts: OCP refuses grants to a locked
/// user, so a locked user is unlocked for the privilege changes and locked again after.
async fn update_user(
    client: &OcpClient,
    mode: Mode,
    prior: &DbUserModel,
    plan: &DbUserModel,
) -> Result<(), (&'static str, ClientError)> {
    let (c, t, username) = (prior.cluster_id, prior.tenant_id, prior.username.as_str());
    if prior.password != plan.password {
        if let Some(p) = &plan.password {
            client
                .change_db_user_password(c, t, username, &Secret::new(p))
                .await
                .map_err(|e| ("password", e))?;
        }
    }
    let (was_locked, want_locked) = (prior.locked, plan.locked);
    let privileges_change = prior.global_privileges != plan.global_privileges
        || prior.db_privileges != plan.db_privileges
        || prior.object_privileges != plan.object_privileges
        || prior.roles != plan.roles;
    if was_locked && (privileges_change || !want_locked) {
        client
            .unlock_db_user(c, t, username)
            .await
            .map_err(|e| ("locked", e))?;
    }
    if privileges_change {
        let grantee = Grantee::User(username);
        apply_privileges(
            client,
            (c, t),
            grantee,
            mode,
            &prior.grants(),
            &plan.grants(),
        )
        .await?;
    }
    if want_locked && (!was_locked || privileges_change) {
        client
            .lock_db_user(c, t, username)
            .await
            .map_err(|e| ("locked", e))?;
    }
    Ok(())
}

fn privilege_attrs(s: Schema, who: &str) -> Schema {
    s.attr("global_privileges", Attr::set(Type::String).optional().computed().use_state_for_unknown().doc(format!(
        "Global privileges (MySQL mode, e.g. `SELECT`, `CREATE_VIEW`) or system privileges (Oracle mode, e.g. `CREATE_SESSION`, `CREATE_TABLE`) of the {who}. When set, Terraform owns the whole list: privileges granted outside it are revoked. `ALL` means every privilege of the mode. Spelling is free (`create view` = `CREATE_VIEW`). Left out, the list is not managed and shows what OCP has."
    )))
    .attr("roles", Attr::set(Type::String).optional().computed().use_state_for_unknown().doc(format!(
        "Roles granted to the {who} (Oracle mode), e.g. `CONNECT`. When set, Terraform owns the whole list. Left out, the list is not managed."
    )))
}

/// OCP's request fields and the attributes they come from.
const FIELDS: &[(&str, &str)] = &[
    ("username", "username"),
    ("password", "password"),
    ("newPassword", "password"),
    ("globalPrivileges", "global_privileges"),
    ("dbPrivileges", "db_privileges"),
    ("objectPrivileges", "object_privileges"),
    ("roles", "roles"),
];

#[tonic::async_trait]
impl OcpObject for DbUserResource {
    type Model = DbUserModel;
    const TYPE_NAME: &'static str = "ocp_db_user";
    const NOUN: &'static str = "Database User";
    const FIELDS: &'static [(&'static str, &'static str)] = FIELDS;

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
        validate_grants(config, diags);
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        plan_grants(&self.schema(), req, resp);
    }

    async fn create(
        &self,
        call: &mut Call<'_>,
        plan: &DbUserModel,
    ) -> Result<Born<DbUserModel>, Fail> {
        let (c, t) = plan.tenant();
        let mode = mode_of(call.client, None, c, t)
            .await
            .map_err(|e| Fail::at(e, AttrPath::root("tenant_id")))?;
        // Refused before OCP makes the user: after it, a grant the mode cannot take would
        // fail on every apply, each time tainting and re-creating the user.
        if let Some(attr) = wrong_mode_attr(plan, mode) {
            let (have, need) = match mode {
                Mode::Mysql => ("MYSQL", "ORACLE"),
                Mode::Oracle => ("ORACLE", "MYSQL"),
            };
            let detail = format!("Tenant {t} is a {have} tenant, and OCP takes `{attr}` only in {need} mode (ocp-api.md §3.6). Remove `{attr}`, or create the user in a {need} tenant. Nothing was created.");
            call.diags.attr_error(
                AttrPath::root(attr),
                "Privileges Do Not Fit The Tenant Mode",
                detail,
            );
            return Err(Fail::Reported);
        }
        let g = plan.grants();
        let body = CreateDbUser {
            username: plan.username.clone(),
            password: Secret::new(plan.password.as_deref().unwrap_or_default()),
            global_privileges: expanded(mode, Scope::Global, &g.global.unwrap_or_default()),
            db_privileges: g
                .db
                .unwrap_or_default()
                .into_iter()
                .map(|(db, p)| DbPrivilege {
                    db_name: db,
                    privileges: expanded(mode, Scope::Database, &p),
                })
                .collect(),
            roles: plan.roles.clone().unwrap_or_default(),
        };
        match call.client.create_db_user(c, t, &body).await? {
            Created::New(_) | Created::Adopted(_) => Ok(Born::done(DbUserModel {
                id: Some(import_id::join(&[
                    c.to_string(),
                    t.to_string(),
                    plan.username.clone(),
                ])),
                tenant_mode: Some(mode.name().to_string()),
                ..plan.clone()
            })),
            Created::Existing(u) => Err(refuse::<Self>(
                call.diags,
                "user",
                &u.username,
                (c, t),
                "username",
            )),
        }
    }

    async fn after_create(
        &self,
        call: &mut Call<'_>,
        plan: &DbUserModel,
        state: &mut DbUserModel,
    ) -> Result<(), Fail> {
        let (c, t) = plan.tenant();
        let mode = Mode::recorded(state.tenant_mode.as_deref()).unwrap_or(Mode::Mysql);
        let objects = plan.grants().obj.filter(|m| !m.is_empty());
        if objects.is_none() && !plan.locked {
            return Ok(());
        }
        if let Some(obj) = objects {
            // Object privileges have no place in the create body (S1): granted now.
            let (none, want) = (
                Grants {
                    obj: Some(BTreeMap::new()),
                    ..Grants::default()
                },
                Grants {
                    obj: Some(obj),
                    ..Grants::default()
                },
            );
            let grantee = Grantee::User(&state.username);
            if let Err((attr, e)) =
                apply_privileges(call.client, (c, t), grantee, mode, &none, &want).await
            {
                report(
                    call.diags,
                    "Grant Object Privileges",
                    Some(AttrPath::root(attr)),
                    &e,
                );
                return Err(Fail::Reported);
            }
        }
        if plan.locked {
            if let Err(e) = call.client.lock_db_user(c, t, &state.username).await {
                report(
                    call.diags,
                    "Lock Database User",
                    Some(AttrPath::root("locked")),
                    &e,
                );
                return Err(Fail::Reported);
            }
        }
        let base = DbUserModel {
            id: state.id.clone(),
            tenant_mode: state.tenant_mode.clone(),
            ..plan.clone()
        };
        if let Some(m) = self.read(call.client, &base).await? {
            *state = m;
        }
        Ok(())
    }

    async fn read(
        &self,
        client: &OcpClient,
        base: &DbUserModel,
    ) -> Result<Option<DbUserModel>, ClientError> {
        let (c, t) = base.tenant();
        let mode = mode_of(client, Mode::recorded(base.tenant_mode.as_deref()), c, t).await?;
        let user = client.find_db_user(c, t, &base.username).await?;
        Ok(user.map(|u| DbUserModel::from_ocp(u, base, mode)))
    }

    async fn update(
        &self,
        call: &mut Call<'_>,
        prior: &DbUserModel,
        plan: &DbUserModel,
        base: &mut DbUserModel,
    ) -> Result<(), Fail> {
        let mode = Mode::recorded(prior.tenant_mode.as_deref()).unwrap_or(Mode::Mysql);
        let result = update_user(call.client, mode, prior, plan).await;
        if let Err(("password", _)) = &result {
            // The password did not change: state keeps the one OCP still has.
            base.password = prior.password.clone();
        }
        result.map_err(failed_at)
    }

    async fn delete(&self, call: &mut Call<'_>, state: &DbUserModel) -> Result<(), Fail> {
        call.client
            .delete_db_user(state.cluster_id, state.tenant_id, &state.username)
            .await?;
        Ok(())
    }

    async fn import(
        &self,
        _client: Option<&OcpClient>,
        id: &str,
    ) -> Result<DbUserModel, ImportError> {
        let (cluster_id, tenant_id, username) = import_named(id, IMPORT_FORM)?;
        Ok(DbUserModel {
            cluster_id,
            tenant_id,
            username,
            ..DbUserModel::default()
        })
    }
}

/// What the data sources of users and roles are given: the tenant, and the user's or role's
/// name (none for a list).
#[derive(Deserialize)]
pub struct Selector {
    pub(crate) cluster_id: i64,
    pub(crate) tenant_id: i64,
    pub(crate) username: Option<String>,
    pub(crate) name: Option<String>,
}

/// A user as the data sources show it: `data "ocp_db_user"` with its tenant, each of
/// `ocp_db_users` without.
#[derive(Serialize)]
pub struct UserSummary {
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_id: Option<i64>,
    username: String,
    locked: bool,
    global_privileges: Option<Vec<String>>,
    db_privileges: Option<Vec<DbEntry>>,
    object_privileges: Option<Vec<ObjectEntry>>,
    roles: Option<Vec<String>>,
    create_time: Option<String>,
}

impl UserSummary {
    /// What OCP has for `u` in OCP's spelling, but the name where `base` means it.
    fn of(u: DbUser, base: &DbUserModel, mode: Mode, with_tenant: bool) -> UserSummary {
        let m = DbUserModel::from_ocp(u, base, mode);
        UserSummary {
            cluster_id: with_tenant.then_some(m.cluster_id),
            tenant_id: with_tenant.then_some(m.tenant_id),
            username: m.username,
            locked: m.locked,
            global_privileges: m.global_privileges,
            db_privileges: m.db_privileges,
            object_privileges: m.object_privileges,
            roles: m.roles,
            create_time: m.create_time,
        }
    }
}

/// `data "ocp_db_user"`: one user of a tenant.
pub struct DbUserDataSource;

#[tonic::async_trait]
impl OcpData for DbUserDataSource {
    type Config = Selector;
    type State = UserSummary;
    const TYPE_NAME: &'static str = "ocp_db_user";
    const ACTION: &'static str = "Read Database User";

    fn schema(&self) -> Schema {
        Schema::new("Reads one database user of a tenant with its privileges.")
            .attr("cluster_id", Attr::int().required().doc("OCP id of the cluster that hosts the tenant."))
            .attr("tenant_id", Attr::int().required().doc("OCP id of the tenant."))
            .attr("username", Attr::string().required().doc("User name."))
            .attr("create_time", Attr::string().computed().doc("When the user was created (ISO-8601 with offset)."))
            .attr("db_privileges", Attr::set(db_priv_type()).computed().doc("Privileges on databases (MySQL mode): `{ database, privileges }`."))
            .attr("global_privileges", Attr::set(Type::String).computed().doc("Global (MySQL) or system (Oracle) privileges, in OCP's spelling."))
            .attr("locked", Attr::bool().computed().doc("Whether the account is locked."))
            .attr("object_privileges", Attr::set(obj_priv_type()).computed().doc("Privileges on objects (Oracle mode): `{ object_type, schema, object_name, privileges }`."))
            .attr("roles", Attr::set(Type::String).computed().doc("Roles granted to the user (Oracle mode)."))
    }

    async fn read(
        &self,
        client: &OcpClient,
        sel: Selector,
        diags: &mut Diagnostics,
    ) -> Result<UserSummary, Fail> {
        let (c, t, username) = (
            sel.cluster_id,
            sel.tenant_id,
            sel.username.unwrap_or_default(),
        );
        let mode = mode_of(client, None, c, t).await?;
        let Some(u) = client.find_db_user(c, t, &username).await? else {
            diags.attr_error(
                AttrPath::root("username"),
                "User Not Found",
                format!("Tenant {t} has no user {username:?}."),
            );
            return Err(Fail::Reported);
        };
        let base = DbUserModel {
            cluster_id: c,
            tenant_id: t,
            username,
            ..DbUserModel::default()
        };
        Ok(UserSummary::of(u, &base, mode, true))
    }
}

/// `data "ocp_db_users"`: every user of a tenant.
pub struct DbUsersDataSource;

/// The state of `data "ocp_db_users"`.
#[derive(Serialize)]
pub struct UsersList {
    cluster_id: i64,
    tenant_id: i64,
    users: Vec<UserSummary>,
}

#[tonic::async_trait]
impl OcpData for DbUsersDataSource {
    type Config = Selector;
    type State = UsersList;
    const TYPE_NAME: &'static str = "ocp_db_users";
    const ACTION: &'static str = "List Database Users";

    fn schema(&self) -> Schema {
        // One user is `data "ocp_db_user"` without its tenant.
        let user = Type::object(
            DbUserDataSource
                .schema()
                .block
                .attributes
                .into_iter()
                .filter(|(n, _)| n != "cluster_id" && n != "tenant_id")
                .map(|(n, a)| (n, a.ty)),
        );
        Schema::new("Lists the database users of a tenant with their privileges.")
            .attr("cluster_id", Attr::int().required().doc("OCP id of the cluster that hosts the tenant."))
            .attr("tenant_id", Attr::int().required().doc("OCP id of the tenant."))
            .attr("users", Attr::list(user).computed().doc("The users by name, each with `username`, `locked`, `global_privileges`, `db_privileges`, `object_privileges`, `roles` and `create_time`."))
    }

    async fn read(
        &self,
        client: &OcpClient,
        sel: Selector,
        _: &mut Diagnostics,
    ) -> Result<UsersList, Fail> {
        let (c, t) = (sel.cluster_id, sel.tenant_id);
        let mode = mode_of(client, None, c, t).await?;
        let mut users = client.list_db_users(c, t).await?;
        users.sort_by(|a, b| a.username.cmp(&b.username));
        let base = DbUserModel::default();
        Ok(UsersList {
            cluster_id: c,
            tenant_id: t,
            users: users
                .into_iter()
                .map(|u| UserSummary::of(u, &base, mode, false))
                .collect(),
        })
    }
}

// Value-based helpers of `ocp_db_grant` (`super::db_grant`), which reads its attributes by
// name; the typed code above is what they compare with.

/// The strings of an attribute the user manages (None when null or unknown).
pub(crate) fn managed<'a>(v: &'a Value, attr: &str) -> Option<Vec<&'a str>> {
    match v.get(attr) {
        None | Some(Value::Null) | Some(Value::Unknown) => None,
        Some(x) => Some(strings(x)),
    }
}

/// Plans the prior value of `attr` (what the configuration means in another spelling).
fn keep_prior(req: &PlanRequest<'_>, resp: &mut PlanResponse, attr: &str) {
    if let Some(p) = req.prior.get(attr) {
        resp.planned.set_attr(attr, p.clone());
    }
}

/// Keeps the prior value of a privilege attribute in the plan when the configuration means
/// the same privileges in another spelling (`all` for the expanded list, `create view`).
pub(crate) fn keep_equivalent(
    req: &PlanRequest<'_>,
    resp: &mut PlanResponse,
    attr: &str,
    scope: Scope,
) {
    let Some(mode) = Mode::of_state(req.prior) else {
        return;
    };
    if same_privileges(
        mode,
        scope,
        &managed(req.config, attr),
        &managed(req.prior, attr),
    ) {
        keep_prior(req, resp, attr);
    }
}

/// Keeps the prior value of a name (scalar) in the plan when OCP treats the configured one as
/// the same name: Oracle names are case-insensitive, so `app_owner` and an imported
/// `APP_OWNER` must not force a replacement.
pub(crate) fn keep_same_name(req: &PlanRequest<'_>, resp: &mut PlanResponse, attr: &str) {
    let Some(mode) = Mode::of_state(req.prior) else {
        return;
    };
    let name = |v: &Value| v.get(attr).and_then(Value::as_str).map(str::to_string);
    if let (Some(cfg), Some(prior)) = (name(req.config), name(req.prior)) {
        if cfg != prior && same_name(mode, &cfg, &prior) {
            keep_prior(req, resp, attr);
            resp.requires_replace.retain(|p| *p != AttrPath::root(attr));
        }
    }
}

/// Like `keep_equivalent` for a set of role names.
pub(crate) fn keep_same_names(req: &PlanRequest<'_>, resp: &mut PlanResponse, attr: &str) {
    let Some(mode) = Mode::of_state(req.prior) else {
        return;
    };
    if same_names(mode, &managed(req.config, attr), &managed(req.prior, attr)) {
        keep_prior(req, resp, attr);
    }
}

/// Plan-time check that a `roles` set names each role once (see `refuse_duplicate_roles`).
pub(crate) fn validate_unique_roles(config: &Value, diags: &mut Diagnostics) {
    if let Some(cfg) = read_model::<Planned>(config, diags) {
        refuse_duplicate_roles(&cfg, diags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::privileges::set_value;

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
