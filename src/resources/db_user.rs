//! The `ocp_db_user` resource and the `ocp_db_user` / `ocp_db_users` data sources, and what
//! users share with roles (`super::db_role`): the privilege lists, their plan-time checks and
//! spellings, the grants and revokes that change them, and the data sources' reads.
//! API: ocp-api.md §3.6 and seed S1 (users, passwords, lock, privilege calls); all synchronous.
//!
//! Privileges written here are authoritative: Terraform owns the user's whole list for each
//! privilege attribute that is set, and removes what OCP has beyond it. An attribute left out
//! is not managed (it shows what OCP has), which is how `ocp_db_grant` can add to a user
//! without a fight. Mixing the two for one user is a plan-time warning (`super::ownership`).

use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

use serde::{Deserialize, Serialize};

use crate::client::api::user::{
    CreateDbUser, DbObject, DbPrivilege, DbUser, Grantee, ObjectPrivilege, PrivilegeOp,
    PrivilegeScope, TenantNamed,
};
use crate::client::{ClientError, Created, OcpClient, Secret};
use crate::framework::{
    read_model, write_model, Attr, AttrPath, Ctx, DataReadRequest, DataReadResponse, DataSource,
    Diagnostics, PlanRequest, PlanResponse, Schema,
};
use crate::lifecycle::{value_over, Born, Call, Fail, ImportError, OcpObject};
use crate::value::{Known, Type, Value};

use super::privileges::{
    self, delta_by_target, present, same, same_name, Mode, Scope, Target, Targets, OBJECT_TYPES,
};
use super::unique::{refuse_duplicates, Keyed};
use super::{import_id, ownership, refuse_existing, report, tenant_attrs, DB_OBJECT_NAME};

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

/// An object as OCP compares objects: type, schema and name in upper case (OCP stores
/// unquoted Oracle identifiers in upper case).
fn object_target(object_type: &str, schema: &str, name: &str) -> Target {
    Target::Object(DbObject {
        object_type: object_type.to_ascii_uppercase(),
        schema_name: schema.to_ascii_uppercase(),
        object_name: name.to_ascii_uppercase(),
    })
}

/// The model of `ocp_db_user` (state, plan and import alike) and of `data "ocp_db_user"`,
/// whose schema has no `id`, `password` or `tenant_mode`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DbUserModel {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    cluster_id: i64,
    tenant_id: i64,
    username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    locked: bool,
    global_privileges: Option<Vec<String>>,
    roles: Option<Vec<String>>,
    db_privileges: Option<Vec<DbEntry>>,
    object_privileges: Option<Vec<ObjectEntry>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_mode: Option<String>,
    create_time: Option<String>,
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The privilege attributes of users and roles, in the order of [`Grants`].
const LISTS: [&str; 4] = [
    "global_privileges",
    "roles",
    "db_privileges",
    "object_privileges",
];

/// The privilege lists of a user or role by target, in the order of [`LISTS`], as plans are
/// compared and grants computed; `None` for a list not managed (null, or unknown until apply).
pub(crate) struct Grants<'a>([Targets<'a>; 4]);

/// A list that is all on one target (global privileges, roles).
pub(crate) fn whole(target: Target, list: Option<Vec<&str>>) -> Targets<'_> {
    list.map(|l| BTreeMap::from([(target, l)]))
}

impl<'a> Grants<'a> {
    /// The lists users and roles both hold: global privileges and roles.
    pub(crate) fn of(global: &'a Option<Vec<String>>, roles: &'a Option<Vec<String>>) -> Self {
        Grants([
            whole(Target::Global, global.as_deref().map(strs)),
            whole(Target::Roles, roles.as_deref().map(strs)),
            None,
            None,
        ])
    }

    /// What state records for list `i` on `target` when OCP reports `actual`: the user's
    /// spelling where it means what OCP has, plus OCP's extras (`privileges::present`).
    pub(crate) fn shown(
        &self,
        mode: Mode,
        i: usize,
        target: &Target,
        actual: &[String],
    ) -> Vec<String> {
        let mine = self.0[i].as_ref().and_then(|m| m.get(target));
        present(mode, target.scope(), mine.map(Vec::as_slice), actual, true)
    }
}

impl DbUserModel {
    fn tenant(&self) -> (i64, i64) {
        (self.cluster_id, self.tenant_id)
    }

    fn grants(&self) -> Grants<'_> {
        let Grants([global, roles, ..]) = Grants::of(&self.global_privileges, &self.roles);
        let db = self.db_privileges.as_ref().map(|l| {
            l.iter()
                .map(|e| (Target::Database(e.database.clone()), strs(&e.privileges)))
                .collect()
        });
        let obj = self.object_privileges.as_ref().map(|l| {
            l.iter()
                .map(|e| {
                    let target = object_target(&e.object_type, &e.schema, &e.object_name);
                    (target, strs(&e.privileges))
                })
                .collect()
        });
        Grants([global, roles, db, obj])
    }

    /// The model of what OCP has, over `base`: the user's spellings (name, privileges,
    /// objects) where they mean what OCP has, and the password, which OCP never returns.
    fn from_ocp(u: DbUser, base: &DbUserModel, mode: Mode) -> DbUserModel {
        let mine = base.grants();
        let (id, username) = named(mode, base.tenant(), &base.username, u.username);
        let db = u
            .db_privileges
            .into_iter()
            .filter(|d| !d.privileges.is_empty());
        let db = db.map(|d| DbEntry {
            privileges: mine.shown(mode, 2, &Target::Database(d.db_name.clone()), &d.privileges),
            database: d.db_name,
        });
        let obj = u
            .object_privileges
            .into_iter()
            .filter(|o| !o.privileges.is_empty());
        let obj = obj.map(|o| {
            let DbObject {
                object_type,
                schema_name: schema,
                object_name,
            } = o.object;
            let target = object_target(&object_type, &schema, &object_name);
            let ocp = ObjectEntry {
                object_type,
                schema,
                object_name,
                privileges: mine.shown(mode, 3, &target, &o.privileges),
            };
            // The user's spelling of the object, where it names this one.
            let spelled = base
                .object_privileges
                .iter()
                .flatten()
                .find(|e| object_target(&e.object_type, &e.schema, &e.object_name) == target);
            match spelled {
                Some(e) => ObjectEntry {
                    privileges: ocp.privileges,
                    ..e.clone()
                },
                None => ocp,
            }
        });
        DbUserModel {
            id: Some(id),
            username,
            locked: u.locked.unwrap_or(false),
            global_privileges: Some(mine.shown(mode, 0, &Target::Global, &u.global_privileges)),
            roles: Some(mine.shown(mode, 1, &Target::Roles, &u.roles)),
            db_privileges: Some(db.collect()),
            object_privileges: Some(obj.collect()),
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
    refuse_existing::<O>(
        diags,
        format!("{what} {name:?} in tenant {t} of cluster {c}"),
        import_id::join(&[c.to_string(), t.to_string(), name.to_string()]),
        attr,
    )
}

/// A privilege list as OCP takes it: canonical names with `ALL` expanded for the mode (OCP
/// refuses `ALL`: "Invalid database privilege 'ALL'"). State keeps the user's spelling,
/// which read maps back (see `privileges::present`).
pub(crate) fn expanded(mode: Mode, scope: Scope, items: &[String]) -> Vec<String> {
    privileges::expand(mode, scope, items.iter().map(String::as_str))
        .into_iter()
        .collect()
}

/// A failed privilege change as the failure of the attribute it was about.
pub(crate) fn failed_at((attr, e): (&'static str, ClientError)) -> Fail {
    Fail::at(e, AttrPath::root(attr))
}

/// Names in a configuration or plan: null, unknown, or a set whose names may be unknown.
pub(crate) type Names = Option<Known<Vec<Known<String>>>>;

/// Entries of a configuration or plan: null, unknown, or entries that may be unknown.
type Entries<T> = Option<Known<Vec<Known<T>>>>;

/// The known names of a set; `None` when the set is null or unknown.
pub(crate) fn known_names(n: &Names) -> Option<Vec<&str>> {
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
pub(crate) fn known_str(s: &Option<Known<String>>) -> Option<&str> {
    s.as_ref().and_then(Known::as_known).map(String::as_str)
}

/// The known entries of a list; `None` when it is null or unknown.
fn known_entries<T>(e: &Entries<T>) -> Option<impl Iterator<Item = &T>> {
    match e {
        Some(Known::Value(v)) => Some(v.iter().filter_map(Known::as_known)),
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
    fn target(&self) -> Option<Target> {
        Some(object_target(
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
        let db = known_entries(&self.db_privileges).map(|l| {
            l.filter_map(|e| {
                let db = known_str(&e.database)?.to_string();
                Some((
                    Target::Database(db),
                    known_names(&e.privileges).unwrap_or_default(),
                ))
            })
            .collect()
        });
        let obj = known_entries(&self.object_privileges).map(|l| {
            l.filter_map(|e| Some((e.target()?, known_names(&e.privileges).unwrap_or_default())))
                .collect()
        });
        Grants([
            whole(Target::Global, known_names(&self.global_privileges)),
            whole(Target::Roles, known_names(&self.roles)),
            db,
            obj,
        ])
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
    refuse_duplicate_roles(&cfg.roles, diags);
}

/// Reports the names in `items` that no mode knows for `scope`, on `attr`.
pub(crate) fn refuse_unknown(diags: &mut Diagnostics, attr: &str, scope: Scope, items: Vec<&str>) {
    let bad = privileges::unknown(scope, items);
    if !bad.is_empty() {
        diags.attr_error(
            AttrPath::root(attr),
            "Unknown Privilege",
            format!("Attribute {attr} holds {bad:?}, which OCP does not know for this scope. Known: {:?} (MySQL) and {:?} (Oracle).", privileges::vocabulary(Mode::Mysql, scope), privileges::vocabulary(Mode::Oracle, scope)),
        );
    }
}

/// Privilege names each scope knows, and object types.
fn validate_names(cfg: &Planned, diags: &mut Diagnostics) {
    if let Some(g) = known_names(&cfg.global_privileges) {
        refuse_unknown(diags, "global_privileges", Scope::Global, g);
    }
    for e in known_entries(&cfg.db_privileges).into_iter().flatten() {
        let names = known_names(&e.privileges).unwrap_or_default();
        refuse_unknown(diags, "db_privileges", Scope::Database, names);
    }
    for e in known_entries(&cfg.object_privileges).into_iter().flatten() {
        if let Some(t) = known_str(&e.object_type) {
            if !OBJECT_TYPES.contains(&t.to_ascii_uppercase().as_str()) {
                diags.attr_error(
                    AttrPath::root("object_privileges"),
                    "Unknown Object Type",
                    format!("object_type must be one of {OBJECT_TYPES:?}, got {t:?}."),
                );
            }
        }
        let names = known_names(&e.privileges).unwrap_or_default();
        refuse_unknown(diags, "object_privileges", Scope::Object, names);
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

/// Refuses two entries of `attr` (a known list) on one target: OCP keeps one privilege list
/// per database or object, so a second entry would lose one list (and the next plan would
/// show it missing again). `parts` gives an entry's target and privileges; `advice` writes
/// the rest of the message from the target and the two entries' privileges merged.
fn refuse_twice<T>(
    diags: &mut Diagnostics,
    (attr, key_attr, summary): (&str, &str, &str),
    items: &[Known<T>],
    parts: fn(&T) -> (Option<Target>, &Names),
    advice: impl Fn(&Target, String) -> String,
) {
    let entries: Vec<Keyed<Target>> = (items.iter().enumerate())
        .map(|(i, e)| Keyed {
            path: AttrPath::root(attr).index(i).attr(key_attr),
            key: e.as_known().and_then(|e| parts(e).0),
        })
        .collect();
    let privs = |i: usize| items[i].as_known().map(|e| parts(e).1);
    refuse_duplicates(&entries, summary, diags, |d| {
        let merged = merged_privileges(privs(d.first.0), privs(d.second.0));
        format!(
            "{} and {} both name {}",
            d.first.1,
            d.second.1,
            advice(d.key, merged)
        )
    });
}

/// `db_privileges` names each database once and `object_privileges` each object once.
fn validate_unique_privileges(cfg: &Planned, diags: &mut Diagnostics) {
    const LOST: &str = "so one of the two lists would be lost. Merge them into one entry";
    if let Some(Known::Value(items)) = &cfg.db_privileges {
        let parts: fn(&DbEntryPlan) -> (Option<Target>, &Names) = |e| {
            let db = known_str(&e.database).map(|d| Target::Database(d.to_string()));
            (db, &e.privileges)
        };
        let id = (
            "db_privileges",
            "database",
            "Duplicate Database in db_privileges",
        );
        refuse_twice(diags, id, items, parts, |t, merged| {
            let Target::Database(db) = t else {
                return String::new();
            };
            format!("database {db:?}. OCP keeps one list of privileges per database, {LOST}: {{ database = {db:?}, privileges = {merged} }}.")
        });
    }
    if let Some(Known::Value(items)) = &cfg.object_privileges {
        let parts: fn(&ObjectEntryPlan) -> (Option<Target>, &Names) =
            |e| (e.target(), &e.privileges);
        let id = (
            "object_privileges",
            "object_name",
            "Duplicate Object in object_privileges",
        );
        refuse_twice(diags, id, items, parts, |t, merged| {
            let Target::Object(o) = t else {
                return String::new();
            };
            format!("{} {}.{} (OCP stores unquoted Oracle names in upper case, so spellings that differ only by case name the same object). OCP keeps one list of privileges per object, {LOST} with privileges = {merged}.", o.object_type, o.schema_name, o.object_name)
        });
    }
}

/// A `roles` set names each role once. Roles exist in Oracle-mode tenants only, where OCP
/// stores names in upper case: `connect` and `CONNECT` are one role.
pub(crate) fn refuse_duplicate_roles(roles: &Names, diags: &mut Diagnostics) {
    let Some(Known::Value(items)) = roles else {
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

/// The prior value of a name to plan when the configured one means the same name to OCP
/// (Oracle names are case-insensitive, so `app_owner` and an imported `APP_OWNER` must not
/// force a replacement); `None` (keep the plan) otherwise.
pub(crate) fn kept_name(
    mode: Mode,
    attr: &str,
    (config, prior): (&Option<Known<String>>, &Option<Known<String>>),
    resp: &mut PlanResponse,
) -> Option<Known<String>> {
    let (c, p) = (known_str(config)?, known_str(prior)?);
    if c == p || !same_name(mode, c, p) {
        return None;
    }
    resp.requires_replace.retain(|x| *x != AttrPath::root(attr));
    prior.clone()
}

/// `prior` when `same` holds, else `None` (keep the plan).
pub(crate) fn kept<T: Clone>(same: bool, prior: &Option<T>) -> Option<T> {
    prior.clone().filter(|_| same)
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
        let Some(prior) = read_model::<Planned>(req.prior, &mut resp.diags) else {
            return;
        };
        if let Some(mode) = Mode::recorded(known_str(&prior.tenant_mode)) {
            let (want, had) = (config.grants(), prior.grants());
            let same = |i: usize| same(mode, &want.0[i], &had.0[i]);
            let keep = Planned {
                global_privileges: kept(same(0), &prior.global_privileges),
                roles: kept(same(1), &prior.roles),
                db_privileges: kept(same(2), &prior.db_privileges),
                object_privileges: kept(same(3), &prior.object_privileges),
                username: kept_name(mode, "username", (&config.username, &prior.username), resp),
                name: kept_name(mode, "name", (&config.name, &prior.name), resp),
                tenant_mode: None,
            };
            if let Some(v) = value_over(&keep, schema, &resp.planned, &mut resp.diags) {
                resp.planned = v;
            }
        }
    }
    if config.sets_privileges() {
        ownership::note_authoritative(req.config, &mut resp.diags);
    }
}

/// One grant or revoke call of `items`, all on targets of one kind (as one attribute holds
/// them), in OCP's body for that kind; nothing is sent when no item names a privilege.
pub(crate) async fn send(
    client: &OcpClient,
    (c, t): (i64, i64),
    who: Grantee<'_>,
    op: PrivilegeOp,
    mut items: Vec<(Target, Vec<String>)>,
) -> Result<(), ClientError> {
    items.retain(|(_, l)| !l.is_empty());
    let Some(kind) = items.first().map(|(t, _)| t.clone()) else {
        return Ok(());
    };
    let names: Vec<String> = items.iter().flat_map(|(_, l)| l.iter().cloned()).collect();
    let (mut dbs, mut objects) = (Vec::new(), Vec::new());
    for (target, privileges) in items {
        match target {
            Target::Database(db_name) => dbs.push(DbPrivilege {
                db_name,
                privileges,
            }),
            Target::Object(object) => objects.push(ObjectPrivilege { object, privileges }),
            Target::Global | Target::Roles => {}
        }
    }
    let scope = match kind {
        Target::Global => PrivilegeScope::Global(&names),
        Target::Roles => PrivilegeScope::Roles(&names),
        Target::Database(_) => PrivilegeScope::Db(&dbs),
        Target::Object(_) => PrivilegeScope::Object(&objects),
    };
    client.change_privileges(c, t, who, op, scope).await
}

/// Grants what `plan` adds and then revokes what it removes, for every privilege list `plan`
/// manages (the smallest change, never a window without a privilege both hold). An error
/// carries the attribute it is about.
pub(crate) async fn apply_privileges(
    client: &OcpClient,
    tenant: (i64, i64),
    who: Grantee<'_>,
    mode: Mode,
    prior: &Grants<'_>,
    plan: &Grants<'_>,
) -> Result<(), (&'static str, ClientError)> {
    for ((attr, have), want) in LISTS.into_iter().zip(&prior.0).zip(&plan.0) {
        let Some(want) = want else { continue };
        let [grant, revoke] = delta_by_target(mode, &have.clone().unwrap_or_default(), want);
        for (op, items) in [(PrivilegeOp::Grant, grant), (PrivilegeOp::Revoke, revoke)] {
            send(client, tenant, who, op, items)
                .await
                .map_err(|e| (attr, e))?;
        }
    }
    Ok(())
}

/// The first privilege attribute set (non-empty) in `plan` that a tenant of `mode` has no
/// place for: OCP takes database privileges only in MySQL mode, object privileges and roles
/// only in Oracle mode (ocp-api.md §3.6).
fn wrong_mode_attr(plan: &DbUserModel, mode: Mode) -> Option<&'static str> {
    let set = |n: Option<usize>| n.is_some_and(|n| n > 0);
    [
        (
            Mode::Mysql,
            "object_privileges",
            set(plan.object_privileges.as_ref().map(Vec::len)),
        ),
        (Mode::Mysql, "roles", set(plan.roles.as_ref().map(Vec::len))),
        (
            Mode::Oracle,
            "db_privileges",
            set(plan.db_privileges.as_ref().map(Vec::len)),
        ),
    ]
    .into_iter()
    .find(|(m, _, set)| *m == mode && *set)
    .map(|(_, attr, _)| attr)
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
    let lock = |locked: bool| async move {
        client
            .set_db_user_locked(c, t, username, locked)
            .await
            .map_err(|e| ("locked", e))
    };
    if was_locked && (privileges_change || !want_locked) {
        lock(false).await?;
    }
    if privileges_change {
        let (who, prior, plan) = (Grantee::User(username), prior.grants(), plan.grants());
        apply_privileges(client, (c, t), who, mode, &prior, &plan).await?;
    }
    if want_locked && (!was_locked || privileges_change) {
        lock(true).await?;
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
        let global = plan.global_privileges.clone().unwrap_or_default();
        let body = CreateDbUser {
            username: plan.username.clone(),
            password: Secret::new(plan.password.as_deref().unwrap_or_default()),
            global_privileges: expanded(mode, Scope::Global, &global),
            db_privileges: (plan.db_privileges.iter().flatten())
                .map(|e| DbPrivilege {
                    db_name: e.database.clone(),
                    privileges: expanded(mode, Scope::Database, &e.privileges),
                })
                .collect(),
            roles: plan.roles.clone().unwrap_or_default(),
        };
        match call.client.create_db_user(c, t, &body).await? {
            Created::New(_) | Created::Adopted(_) => Ok(Born::done(DbUserModel {
                id: Some(named(mode, (c, t), &plan.username, plan.username.clone()).0),
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
        let Grants([.., objects]) = plan.grants();
        let objects = objects.filter(|m| !m.is_empty());
        if objects.is_none() && !plan.locked {
            return Ok(());
        }
        let failed = |diags: &mut Diagnostics, action: &str, attr: &str, e: ClientError| {
            report(diags, action, Some(AttrPath::root(attr)), &e);
            Fail::Reported
        };
        if let Some(obj) = objects {
            // Object privileges have no place in the create body (S1): granted now.
            let [grant, _] = delta_by_target(mode, &BTreeMap::new(), &obj);
            let who = Grantee::User(&state.username);
            if let Err(e) = send(call.client, (c, t), who, PrivilegeOp::Grant, grant).await {
                return Err(failed(
                    call.diags,
                    "Grant Object Privileges",
                    "object_privileges",
                    e,
                ));
            }
        }
        if plan.locked {
            if let Err(e) = call
                .client
                .set_db_user_locked(c, t, &state.username, true)
                .await
            {
                return Err(failed(call.diags, "Lock Database User", "locked", e));
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
        let user = client.find_named::<DbUser>(c, t, &base.username).await?;
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
            .delete_named::<DbUser>(state.cluster_id, state.tenant_id, &state.username)
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
struct Selector {
    cluster_id: i64,
    tenant_id: i64,
    username: Option<String>,
    name: Option<String>,
}

/// A user or role as its data sources show it: `data "ocp_db_user"` / `data "ocp_db_role"`
/// with its tenant, each entry of `ocp_db_users` / `ocp_db_roles` without.
#[tonic::async_trait]
pub(crate) trait Member: Serialize + Send + Sized {
    /// The object as OCP reports it.
    type Ocp: TenantNamed;
    /// The attribute that names one: `username` or `name`.
    const KEY: &'static str;
    /// `User` or `Role`, in messages.
    const NOUN: &'static str;
    /// The list data source: its type name, its list attribute, its description and the
    /// list's.
    const LIST: [&'static str; 4];

    /// The schema of the data source of one; the list's entries have its attributes but the
    /// tenant.
    fn one_schema() -> Schema;

    /// The tenant's mode.
    async fn mode(client: &OcpClient, tenant: (i64, i64)) -> Result<Mode, ClientError>;

    /// What OCP has for `o`, asked for as `name` in `tenant`: OCP's spelling but for the
    /// name; no `id`, `password` or `tenant_mode`.
    fn shown(o: Self::Ocp, tenant: (i64, i64), name: &str, mode: Mode) -> Self;

    /// Its name, by which lists are sorted.
    fn key(&self) -> &str;
}

#[tonic::async_trait]
impl Member for DbUserModel {
    type Ocp = DbUser;
    const KEY: &'static str = "username";
    const NOUN: &'static str = "User";
    const LIST: [&'static str; 4] = [
        "ocp_db_users",
        "users",
        "Lists the database users of a tenant with their privileges.",
        "The users by name, each with `username`, `locked`, `global_privileges`, `db_privileges`, `object_privileges`, `roles` and `create_time`.",
    ];

    fn one_schema() -> Schema {
        DbUserDataSource.schema()
    }

    async fn mode(client: &OcpClient, (c, t): (i64, i64)) -> Result<Mode, ClientError> {
        mode_of(client, None, c, t).await
    }

    fn shown(u: DbUser, (c, t): (i64, i64), name: &str, mode: Mode) -> DbUserModel {
        let base = DbUserModel {
            cluster_id: c,
            tenant_id: t,
            username: name.to_string(),
            ..DbUserModel::default()
        };
        DbUserModel {
            id: None,
            tenant_mode: None,
            ..DbUserModel::from_ocp(u, &base, mode)
        }
    }

    fn key(&self) -> &str {
        &self.username
    }
}

/// What OCP has for the users or roles of a tenant named `name` (every one for `None`), as
/// their data sources show them.
async fn read_members<M: Member>(
    client: &OcpClient,
    (c, t): (i64, i64),
    name: Option<&str>,
) -> Result<Vec<M>, ClientError> {
    let mode = M::mode(client, (c, t)).await?;
    let found = match name {
        Some(n) => client.find_named(c, t, n).await?.into_iter().collect(),
        None => client.list_named(c, t).await?,
    };
    let shown = |o| M::shown(o, (c, t), name.unwrap_or_default(), mode);
    Ok(found.into_iter().map(shown).collect())
}

/// Reads `data "ocp_db_user"` or `data "ocp_db_role"`: one user or role, named by `M::KEY`.
pub(crate) async fn read_one<M: Member>(
    ctx: &Ctx,
    req: DataReadRequest,
    resp: &mut DataReadResponse,
    schema: &Schema,
) {
    let Some(client) = ctx.client(&mut resp.diags) else {
        return;
    };
    let Some(sel) = read_model::<Selector>(&req.config, &mut resp.diags) else {
        return;
    };
    let (t, name) = (sel.tenant_id, sel.username.or(sel.name).unwrap_or_default());
    match read_members::<M>(client, (sel.cluster_id, t), Some(&name)).await {
        Ok(found) => match found.into_iter().next() {
            Some(m) => {
                if let Some(v) = write_model(&m, schema, &mut resp.diags) {
                    resp.state = v;
                }
            }
            None => resp.diags.attr_error(
                AttrPath::root(M::KEY),
                format!("{} Not Found", M::NOUN),
                format!("Tenant {t} has no {} {name:?}.", M::NOUN.to_lowercase()),
            ),
        },
        Err(e) => report(
            &mut resp.diags,
            &format!("Read Database {}", M::NOUN),
            None,
            &e,
        ),
    }
}

/// `data "ocp_db_users"` / `data "ocp_db_roles"`: every user or role of a tenant, by name;
/// each entry has the attributes of the data source of one but the tenant, which the list
/// names once.
#[derive(Default)]
pub struct ListDataSource<M>(PhantomData<M>);

#[tonic::async_trait]
impl<M: Member + Sync + 'static> DataSource for ListDataSource<M> {
    fn type_name(&self) -> &'static str {
        M::LIST[0]
    }

    fn schema(&self) -> Schema {
        let [_, attr, about, entries] = M::LIST;
        let entry = Type::object(
            (M::one_schema().block.attributes.into_iter())
                .filter(|(n, _)| n != "cluster_id" && n != "tenant_id")
                .map(|(n, a)| (n, a.ty)),
        );
        Schema::new(about)
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
            .attr(attr, Attr::list(entry).computed().doc(entries))
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(sel) = read_model::<Selector>(&req.config, &mut resp.diags) else {
            return;
        };
        let (c, t) = (sel.cluster_id, sel.tenant_id);
        match read_members::<M>(client, (c, t), None).await {
            Ok(mut all) => {
                all.sort_by(|a, b| a.key().cmp(b.key()));
                // Each entry is the model without its tenant.
                let entries: Vec<serde_json::Value> = (all.iter())
                    .filter_map(|m| serde_json::to_value(m).ok())
                    .map(|mut v| {
                        if let Some(o) = v.as_object_mut() {
                            o.retain(|k, _| k != "cluster_id" && k != "tenant_id");
                        }
                        v
                    })
                    .collect();
                /// The state: the tenant, and the entries under the list attribute.
                #[derive(Serialize)]
                struct Listed<'a> {
                    cluster_id: i64,
                    tenant_id: i64,
                    #[serde(flatten)]
                    entries: BTreeMap<&'a str, Vec<serde_json::Value>>,
                }
                let entries = BTreeMap::from([(M::LIST[1], entries)]);
                let list = Listed {
                    cluster_id: c,
                    tenant_id: t,
                    entries,
                };
                if let Some(v) = write_model(&list, &self.schema(), &mut resp.diags) {
                    resp.state = v;
                }
            }
            Err(e) => report(
                &mut resp.diags,
                &format!("List Database {}s", M::NOUN),
                None,
                &e,
            ),
        }
    }
}

/// `data "ocp_db_user"`: one user of a tenant.
pub struct DbUserDataSource;

#[tonic::async_trait]
impl DataSource for DbUserDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_db_user"
    }

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

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        read_one::<DbUserModel>(ctx, req, resp, &self.schema()).await;
    }
}

/// `data "ocp_db_users"`: every user of a tenant.
pub type DbUsersDataSource = ListDataSource<DbUserModel>;

#[cfg(test)]
mod tests {
    use super::*;

    /// A set value of strings.
    fn set_value(items: &[&str]) -> Value {
        Value::set(items.iter().map(|s| Value::string(*s)))
    }

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
