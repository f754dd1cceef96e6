//! The `ocp_db_user` resource and the `ocp_db_user` / `ocp_db_users` data sources, and what
//! users share with roles (`super::db_role`): the privilege lists, their plan-time checks and
//! spellings, the grants and revokes that change them, and one lifecycle and pair of data
//! sources for both ([`Member`]).
//! API: ocp-api.md §3.6 and seed S1 (users, passwords, lock, privilege calls); all synchronous.
//!
//! Privileges written here are authoritative: Terraform owns the user's whole list for each
//! privilege attribute that is set, and removes what OCP has beyond it. An attribute left out
//! is not managed (it shows what OCP has), which is how `ocp_db_grant` can add to a user
//! without a fight. Mixing the two for one user is a plan-time warning (`super::ownership`).

use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::api::user::{
    CreateDbUser, DbObject, DbPrivilege, DbUser, Grantee, ObjectPrivilege, PrivilegeOp,
    PrivilegeScope, TenantNamed,
};
use crate::client::{ClientError, Created, OcpClient, Secret};
use crate::framework::{
    read_model, Attr, AttrPath, Diagnostics, PlanRequest, PlanResponse, Schema,
};
use crate::lifecycle::data::ListData;
use crate::lifecycle::{
    owned, replan_set, Born, Call, Change, Fail, Found, ImportError, Imported, OcpData, OcpObject,
    Step, Written,
};
use crate::value::{known, known_str, Known, Type, Value};

use super::privileges::{
    self, delta_by_target, present, same, same_name, Lists, Mode, Scope, Target, Targets,
    OBJECT_TYPES,
};
use super::{ownership, report, tenant_attrs, tenant_selector, TenantKey, DB_OBJECT_NAME};
use crate::framework::unique::refuse_duplicates;
use crate::lifecycle::import_id;

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
pub type DbUserResource = MemberResource<UserOwn>;

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

impl ObjectEntry {
    /// The object it names, as OCP compares objects.
    fn target(&self) -> Target {
        object_target(&self.object_type, &self.schema, &self.object_name)
    }
}

/// An object as OCP compares objects (see [`Target::compared`]).
fn object_target(object_type: &str, schema: &str, name: &str) -> Target {
    let [object_type, schema_name, object_name] = [object_type, schema, name].map(str::to_string);
    Target::Object(DbObject {
        object_type,
        schema_name,
        object_name,
    })
    .compared()
}

/// The model of `ocp_db_user` or `ocp_db_role` (state, plan and import alike) and of its data
/// source of one, whose schema has no `id`, `password` or `tenant_mode`: what users and roles
/// share, and `own`, what the kind `K` has of its own (its name first; see [`Member`]).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct MemberModel<K> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    cluster_id: i64,
    tenant_id: i64,
    #[serde(flatten)]
    pub(crate) own: K,
    pub(crate) global_privileges: Option<Vec<String>>,
    pub(crate) roles: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_mode: Option<String>,
    create_time: Option<String>,
}

/// What a user has of its own (the data source of one has no `password`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct UserOwn {
    username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    locked: bool,
    db_privileges: Option<Vec<DbEntry>>,
    object_privileges: Option<Vec<ObjectEntry>>,
}

/// The model of `ocp_db_user` and of `data "ocp_db_user"`.
pub type DbUserModel = MemberModel<UserOwn>;

/// The names of a list as borrowed strings.
pub(crate) fn strs(v: &[String]) -> Vec<&str> {
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
pub struct Grants<'a>([Targets<'a>; 4]);

/// A list that is all on one target (global privileges, roles).
pub fn whole(target: Target, list: Option<Vec<&str>>) -> Targets<'_> {
    list.map(|l| BTreeMap::from([(target, l)]))
}

impl<'a> Grants<'a> {
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

impl<K: Member> MemberModel<K> {
    /// The model naming `name` in `tenant`, nothing else set: what an import and the data
    /// sources start from.
    fn named((cluster_id, tenant_id): (i64, i64), name: String) -> Self {
        let own = K::named(name);
        MemberModel {
            cluster_id,
            tenant_id,
            own,
            ..MemberModel::default()
        }
    }

    /// The tenant and the name.
    pub(crate) fn key(&self) -> ((i64, i64), &str) {
        ((self.cluster_id, self.tenant_id), self.own.name())
    }

    /// The tenant's mode as the model records it (`tenant_mode`).
    pub(crate) fn mode(&self) -> Option<Mode> {
        Mode::recorded(self.tenant_mode.as_deref())
    }

    /// The model with its id (also the import id, see [`import_id::in_tenant`]) and the
    /// tenant's mode recorded.
    fn recorded(self, mode: Mode) -> Self {
        MemberModel {
            id: Some(import_id::in_tenant(self.key().0, self.own.name())),
            tenant_mode: Some(mode.name().to_string()),
            ..self
        }
    }

    /// Its privilege lists by target.
    pub(crate) fn grants(&self) -> Grants<'_> {
        let [db, obj] = self.own.entries();
        Grants([
            whole(Target::Global, self.global_privileges.as_deref().map(strs)),
            whole(Target::Roles, self.roles.as_deref().map(strs)),
            db,
            obj,
        ])
    }

    /// The model of what OCP has, over `base`: the user's spellings (name, privileges,
    /// objects) where they mean what OCP has, and what OCP never returns (a password).
    fn from_ocp(o: K::Ocp, base: &Self, mode: Mode) -> Self {
        let ((name, create_time, held), mine) = (K::reported(&o), base.grants());
        let actual = |t: &Target| held.get(t).map(Vec::as_slice).unwrap_or_default();
        let shown = |i: usize, t: &Target| mine.shown(mode, i, t, actual(t));
        let named = K::named(spelled(mode, base.own.name(), name.to_string()));
        MemberModel {
            global_privileges: Some(shown(0, &Target::Global)),
            roles: Some(shown(1, &Target::Roles)),
            create_time: create_time.clone(),
            own: K::from_ocp(named, &o, &held, &base.own, &mine, mode),
            ..base.clone()
        }
    }
}

/// The name state records for a user or role OCP names `ocp`: the user's spelling (`mine`)
/// when OCP means the same by it (Oracle names are case-insensitive), else OCP's.
pub(crate) fn spelled(mode: Mode, mine: &str, ocp: String) -> String {
    match same_name(mode, mine, &ocp) {
        true => mine.to_string(),
        false => ocp,
    }
}

/// The tenant's mode: `recorded` when state has it, else OCP's.
pub(crate) async fn mode_of(
    client: &OcpClient,
    recorded: Option<Mode>,
    (cluster_id, tenant_id): (i64, i64),
) -> Result<Mode, ClientError> {
    if let Some(m) = recorded {
        return Ok(m);
    }
    let mode = client.tenant_mode(cluster_id, tenant_id).await?;
    Ok(Mode::from_ocp(mode.as_deref()))
}

/// A privilege list as OCP takes it: canonical names with `ALL` expanded for the mode (OCP
/// refuses `ALL`: "Invalid database privilege 'ALL'"). State keeps the user's spelling,
/// which read maps back (see `privileges::present`).
pub(crate) fn expanded(mode: Mode, scope: Scope, items: &[String]) -> Vec<String> {
    privileges::expand(mode, scope, items.iter().map(String::as_str))
        .into_iter()
        .collect()
}

/// Names in a configuration or plan: null, unknown, or a set whose names may be unknown.
pub(crate) type Names = Option<Known<Vec<Known<String>>>>;

/// Entries of a configuration or plan: null, unknown, or entries that may be unknown.
type Entries<T> = Option<Known<Vec<Known<T>>>>;

/// The known names of a set; `None` when the set is null or unknown.
pub(crate) fn known_names(n: &Names) -> Option<Vec<&str>> {
    let names = known(n)?.iter().filter_map(Known::as_known);
    Some(names.map(String::as_str).collect())
}

/// One entry of `db_privileges` (a `database`) or `object_privileges` (an object) in a
/// configuration or plan: privileges on one target, which OCP keeps one list of.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct EntryPlan {
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<Known<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object_type: Option<Known<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<Known<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object_name: Option<Known<String>>,
    privileges: Names,
}

impl EntryPlan {
    /// The target, once every part of it is known.
    fn target(&self) -> Option<Target> {
        if let Some(db) = &self.database {
            return Some(Target::Database(db.as_known()?.clone()));
        }
        Some(object_target(
            known_str(&self.object_type)?,
            known_str(&self.schema)?,
            known_str(&self.object_name)?,
        ))
    }
}

/// The known entries of a list by target; `None` when the list is null or unknown.
fn by_target<'a>(entries: &'a Entries<EntryPlan>) -> Targets<'a> {
    let entries = known(entries)?.iter().filter_map(Known::as_known);
    let by_target =
        |e: &'a EntryPlan| Some((e.target()?, known_names(&e.privileges).unwrap_or_default()));
    Some(entries.filter_map(by_target).collect())
}

/// What a user (named by `username`) or role (by `name`) is to hold, as a configuration or a
/// plan has it: values may be unknown until apply. Also the change `modify_plan` writes over a
/// plan: attributes left `None` keep their planned values.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Planned {
    username: Option<Known<String>>,
    name: Option<Known<String>>,
    global_privileges: Names,
    roles: Names,
    db_privileges: Entries<EntryPlan>,
    object_privileges: Entries<EntryPlan>,
    tenant_mode: Option<Known<String>>,
}

impl Planned {
    fn grants(&self) -> Grants<'_> {
        Grants([
            whole(Target::Global, known_names(&self.global_privileges)),
            whole(Target::Roles, known_names(&self.roles)),
            by_target(&self.db_privileges),
            by_target(&self.object_privileges),
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
    if let Some(g) = known_names(&cfg.global_privileges) {
        refuse_unknown(diags, "global_privileges", Scope::Global, g);
    }
    validate_entries(&cfg.db_privileges, Scope::Database, diags);
    validate_entries(&cfg.object_privileges, Scope::Object, diags);
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

/// The privileges of two entries together, for the "merge them" advice.
fn merged_privileges(a: Option<&Names>, b: Option<&Names>) -> String {
    let all: BTreeSet<&str> = [a, b]
        .into_iter()
        .flat_map(|p| p.and_then(known_names).unwrap_or_default())
        .collect();
    let list: Vec<String> = all.iter().map(|p| format!("{p:?}")).collect();
    format!("[{}]", list.join(", "))
}

/// Checks the known entries of `db_privileges` or `object_privileges` (the attribute of
/// `scope`): object types, privilege names of `scope`, and that no two are on one target: OCP
/// keeps one privilege list per database or object, so a second entry would lose one list
/// (and the next plan would show it missing again).
fn validate_entries(entries: &Entries<EntryPlan>, scope: Scope, diags: &mut Diagnostics) {
    let Some(Known::Value(items)) = entries else {
        return;
    };
    let (attr, key_attr, summary) = match scope {
        Scope::Database => (
            "db_privileges",
            "database",
            "Duplicate Database in db_privileges",
        ),
        _ => (
            "object_privileges",
            "object_name",
            "Duplicate Object in object_privileges",
        ),
    };
    for e in items.iter().filter_map(Known::as_known) {
        let ty = known_str(&e.object_type)
            .filter(|t| !OBJECT_TYPES.contains(&t.to_ascii_uppercase().as_str()));
        if let Some(t) = ty {
            diags.attr_error(
                AttrPath::root(attr),
                "Unknown Object Type",
                format!("object_type must be one of {OBJECT_TYPES:?}, got {t:?}."),
            );
        }
        refuse_unknown(
            diags,
            attr,
            scope,
            known_names(&e.privileges).unwrap_or_default(),
        );
    }
    let path = |i: usize| AttrPath::root(attr).index(i).attr(key_attr);
    let keyed = (items.iter().enumerate())
        .map(|(i, e)| (path(i), e.as_known().and_then(EntryPlan::target)));
    let privs = |i: usize| items[i].as_known().map(|e| &e.privileges);
    refuse_duplicates(keyed, summary, diags, |d| {
        let merged = merged_privileges(privs(d.first.0), privs(d.second.0));
        let (first, second) = (d.first.1, d.second.1);
        const LOST: &str = "so one of the two lists would be lost. Merge them into one entry";
        match d.key {
            Target::Object(o) => format!("{first} and {second} both name {} {}.{} (OCP stores unquoted Oracle names in upper case, so spellings that differ only by case name the same object). OCP keeps one list of privileges per object, {LOST} with privileges = {merged}.", o.object_type, o.schema_name, o.object_name),
            Target::Database(db) => format!("{first} and {second} both name database {db:?}. OCP keeps one list of privileges per database, {LOST}: {{ database = {db:?}, privileges = {merged} }}."),
            Target::Global | Target::Roles => String::new(),
        }
    });
}

/// A `roles` set names each role once. Roles exist in Oracle-mode tenants only, where OCP
/// stores names in upper case: `connect` and `CONNECT` are one role.
pub(crate) fn refuse_duplicate_roles(roles: &Names, diags: &mut Diagnostics) {
    let Some(Known::Value(items)) = roles else {
        return;
    };
    let keyed = (items.iter()).map(|e| {
        (
            AttrPath::root("roles"),
            e.as_known().map(|r| r.to_ascii_uppercase()),
        )
    });
    refuse_duplicates(keyed, "Duplicate Role", diags, |d| {
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

/// What a plan that keeps prior spellings reads: the configuration, and the prior state when
/// there is one, with the tenant mode it recorded (`tenant_mode` of `T`).
pub(crate) fn plan_models<T: DeserializeOwned>(
    req: &PlanRequest<'_>,
    resp: &mut PlanResponse,
    tenant_mode: fn(&T) -> &Option<Known<String>>,
) -> Option<(T, Option<(T, Mode)>)> {
    let config = read_model::<T>(req.config, &mut resp.diags)?;
    if req.prior.is_null() {
        return Some((config, None));
    }
    let prior = read_model::<T>(req.prior, &mut resp.diags)?;
    let mode = Mode::recorded(known_str(tenant_mode(&prior)));
    Some((config, mode.map(|m| (prior, m))))
}

/// Plan adjustments users and roles share. A configuration that means what the prior state
/// holds in another spelling (`all` for the expanded list, `create view`, `connect` for
/// `CONNECT`, an Oracle name in another case) keeps the prior value, so spelling never causes
/// a perpetual diff or a replacement. A user or role that sets privileges is noted as their
/// owner (`super::ownership`).
pub(crate) fn plan_grants(schema: &Schema, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
    let Some((config, prior)) = plan_models::<Planned>(req, resp, |p| &p.tenant_mode) else {
        return;
    };
    if let Some((prior, mode)) = prior {
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
        replan_set(&keep, schema, resp);
    }
    if config.sets_privileges() {
        ownership::note_authoritative(req.config, &mut resp.diags);
    }
}

/// One grant or revoke call of `items`, all on targets of one kind (as one attribute holds
/// them), in OCP's body for that kind; nothing is sent when no item names a privilege.
async fn send(
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

/// Refuses a privilege attribute set (non-empty) in `plan` that a tenant of `mode` has no
/// place for: OCP takes database privileges only in MySQL mode, object privileges and roles
/// only in Oracle mode (ocp-api.md §3.6). Refused before OCP makes the user: after it, a grant
/// the mode cannot take would fail on every apply, each time tainting and re-creating the user.
fn refuse_wrong_mode(
    plan: &DbUserModel,
    mode: Mode,
    diags: &mut Diagnostics,
) -> Result<(), Box<Fail>> {
    fn len<T>(l: &Option<Vec<T>>) -> usize {
        l.as_ref().map_or(0, Vec::len)
    }
    let own = &plan.own;
    let (objects, dbs) = (len(&own.object_privileges), len(&own.db_privileges));
    let lists = [
        (Mode::Oracle, "object_privileges", objects),
        (Mode::Oracle, "roles", len(&plan.roles)),
        (Mode::Mysql, "db_privileges", dbs),
    ];
    let Some((need, attr, _)) = lists.into_iter().find(|(m, _, n)| *m != mode && *n > 0) else {
        return Ok(());
    };
    let (have, need) = (mode.name(), need.name());
    let detail = format!("Tenant {} is a {have} tenant, and OCP takes `{attr}` only in {need} mode (ocp-api.md §3.6). Remove `{attr}`, or create the user in a {need} tenant. Nothing was created.", plan.tenant_id);
    let summary = "Privileges Do Not Fit The Tenant Mode";
    diags.attr_error(AttrPath::root(attr), summary, detail);
    Err(Box::new(Fail::Reported))
}

#[tonic::async_trait]
impl Member for UserOwn {
    type Ocp = DbUser;
    const NAMES: MemberNames = MemberNames {
        one: "ocp_db_user",
        list: ("ocp_db_users", "users"),
        key: "username",
        import_form: "\"<cluster_id>/<tenant_id>/<username>\"",
        noun: "Database User",
        reads: ["Read Database User", "List Database Users"],
        list_docs: [
            "Lists the database users of a tenant with their privileges.",
            "The users by name, each with `username`, `locked`, `global_privileges`, `db_privileges`, `object_privileges`, `roles` and `create_time`.",
        ],
        grantee: |n| Grantee::User(n),
        mode: None,
    };

    fn schema() -> Schema {
        tenant_attrs(Schema::new("A database user of a tenant. In Oracle mode a user is also a schema. Privileges set here are authoritative for the user; use `ocp_db_grant` instead to add privileges without owning the whole list, and do not mix the two for one user."), "user")
            .attr("id", Attr::string().computed().use_state_for_unknown().doc("`<cluster_id>/<tenant_id>/<username>`, also the import id."))
            .attr("username", Attr::string().required().requires_replace().validate(DB_OBJECT_NAME).doc("User name: a letter followed by letters, digits or underscores, at most 64 characters. Oracle-mode tenants store it in upper case. Changing it replaces the user."))
            .attr("password", Attr::string().required().sensitive().doc("The user's password (8 to 32 characters with at least three of upper case, lower case, digits and specials). OCP never returns it. Changed in place through OCP's change-password call."))
            .attr("locked", Attr::bool().default(Value::Bool(false)).doc("Whether the account is locked. Default `false`. Changed in place."))
            .attr("global_privileges", Attr::set(Type::String).optional().computed().use_state_for_unknown().doc("Global privileges (MySQL mode, e.g. `SELECT`, `CREATE_VIEW`) or system privileges (Oracle mode, e.g. `CREATE_SESSION`, `CREATE_TABLE`) of the user. When set, Terraform owns the whole list: privileges granted outside it are revoked. `ALL` means every privilege of the mode. Spelling is free (`create view` = `CREATE_VIEW`). Left out, the list is not managed and shows what OCP has."))
            .attr("roles", Attr::set(Type::String).optional().computed().use_state_for_unknown().doc("Roles granted to the user (Oracle mode), e.g. `CONNECT`. When set, Terraform owns the whole list. Left out, the list is not managed."))
            .attr("db_privileges", Attr::set(db_priv_type()).optional().computed().use_state_for_unknown().doc("Privileges on databases (MySQL mode): a set of `{ database, privileges }`, privileges from `ALTER`, `CREATE`, `DELETE`, `DROP`, `INSERT`, `SELECT`, `UPDATE`, `INDEX`, `CREATE_VIEW`, `SHOW_VIEW` or `ALL`, one entry per database. When set, Terraform owns every database's list."))
            .attr("object_privileges", Attr::set(obj_priv_type()).optional().computed().use_state_for_unknown().doc("Privileges on objects (Oracle mode): a set of `{ object_type, schema, object_name, privileges }` with `object_type` one of `TABLE`, `VIEW`, `STORED_PROCEDURE` and privileges from `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `ALTER`, `INDEX`, `REFERENCES` on tables and views, `EXECUTE` on stored procedures (OCP refuses the others), or `ALL` for that type's list, one entry per object (names compare as OCP stores them, in upper case). When set, Terraform owns the list."))
            .attr("tenant_mode", Attr::string().computed().use_state_for_unknown().doc("Mode of the tenant (`MYSQL` or `ORACLE`), read from OCP."))
            .attr("create_time", Attr::string().computed().use_state_for_unknown().doc("When the user was created (ISO-8601 with offset)."))
    }

    fn one_schema() -> Schema {
        tenant_selector(Schema::new("Reads one database user of a tenant with its privileges."))
            .attr("username", Attr::string().required().doc("User name."))
            .attr("create_time", Attr::string().computed().doc("When the user was created (ISO-8601 with offset)."))
            .attr("db_privileges", Attr::set(db_priv_type()).computed().doc("Privileges on databases (MySQL mode): `{ database, privileges }`."))
            .attr("global_privileges", Attr::set(Type::String).computed().doc("Global (MySQL) or system (Oracle) privileges, in OCP's spelling."))
            .attr("locked", Attr::bool().computed().doc("Whether the account is locked."))
            .attr("object_privileges", Attr::set(obj_priv_type()).computed().doc("Privileges on objects (Oracle mode): `{ object_type, schema, object_name, privileges }`."))
            .attr("roles", Attr::set(Type::String).computed().doc("Roles granted to the user (Oracle mode)."))
    }

    fn name(&self) -> &str {
        &self.username
    }

    fn named(username: String) -> Self {
        UserOwn {
            username,
            ..UserOwn::default()
        }
    }

    fn reported(u: &DbUser) -> Reported<'_> {
        let held = held(
            [&u.global_privileges, &u.roles],
            &u.db_privileges,
            &u.object_privileges,
        );
        (&u.username, &u.create_time, held)
    }

    fn entries(&self) -> [Targets<'_>; 2] {
        let db = self.db_privileges.as_ref().map(|l| {
            l.iter()
                .map(|e| (Target::Database(e.database.clone()), strs(&e.privileges)))
                .collect()
        });
        let obj = (self.object_privileges.as_ref()).map(|l| {
            l.iter()
                .map(|e| (e.target(), strs(&e.privileges)))
                .collect()
        });
        [db, obj]
    }

    fn from_ocp(
        named: UserOwn,
        u: &DbUser,
        held: &Held,
        base: &UserOwn,
        mine: &Grants,
        mode: Mode,
    ) -> Self {
        let (mut db, mut obj) = (Vec::new(), Vec::new());
        for (target, actual) in held {
            match target {
                Target::Database(database) => db.push(DbEntry {
                    database: database.clone(),
                    privileges: mine.shown(mode, 2, target, actual),
                }),
                Target::Object(o) => {
                    let compared = target.clone().compared();
                    // The user's spelling of the object, where it names this one.
                    let theirs =
                        (base.object_privileges.iter().flatten()).find(|e| e.target() == compared);
                    obj.push(ObjectEntry {
                        privileges: mine.shown(mode, 3, &compared, actual),
                        ..theirs.cloned().unwrap_or_else(|| ObjectEntry {
                            object_type: o.object_type.clone(),
                            schema: o.schema_name.clone(),
                            object_name: o.object_name.clone(),
                            privileges: Vec::new(),
                        })
                    });
                }
                Target::Global | Target::Roles => {}
            }
        }
        UserOwn {
            password: base.password.clone(),
            locked: u.locked.unwrap_or(false),
            db_privileges: Some(db),
            object_privileges: Some(obj),
            ..named
        }
    }

    async fn create(call: &mut Call<'_>, plan: &DbUserModel, mode: Mode) -> Step<Created<DbUser>> {
        refuse_wrong_mode(plan, mode, call.diags)?;
        let global = plan.global_privileges.clone().unwrap_or_default();
        let body = CreateDbUser {
            username: plan.own.username.clone(),
            password: Secret::new(plan.own.password.as_deref().unwrap_or_default()),
            global_privileges: expanded(mode, Scope::Global, &global),
            db_privileges: (plan.own.db_privileges.iter().flatten())
                .map(|e| DbPrivilege {
                    db_name: e.database.clone(),
                    privileges: expanded(mode, Scope::Database, &e.privileges),
                })
                .collect(),
            roles: plan.roles.clone().unwrap_or_default(),
        };
        let (c, t) = plan.key().0;
        Ok(call.client.create_db_user(c, t, &body).await?)
    }

    fn locked(&self) -> bool {
        self.locked
    }

    /// In an order OCP accepts: OCP refuses grants to a locked user, so a locked user is
    /// unlocked for the privilege changes and locked again after. A password that did not
    /// change stays in `base` as it was.
    async fn update(call: &mut Call<'_>, mode: Mode, c: Change<'_, DbUserModel>) -> Step {
        let Change { prior, plan, base } = c;
        let (client, ((c, t), username)) = (call.client, prior.key());
        let new_password =
            (plan.own.password.as_ref()).filter(|p| prior.own.password.as_ref() != Some(p));
        if let Some(p) = new_password {
            let secret = Secret::new(p);
            if let Err(e) = client
                .change_db_user_password(c, t, username, &secret)
                .await
            {
                // The password did not change: state keeps the one OCP still has.
                base.own.password = prior.own.password.clone();
                return Err(Fail::at(e, AttrPath::root("password")));
            }
        }
        let (was_locked, want_locked) = (prior.own.locked, plan.own.locked);
        let privileges_change = prior.global_privileges != plan.global_privileges
            || prior.own.db_privileges != plan.own.db_privileges
            || prior.own.object_privileges != plan.own.object_privileges
            || prior.roles != plan.roles;
        let lock = |locked: bool| async move {
            let locking = client.set_db_user_locked(c, t, username, locked).await;
            locking.map_err(|e| Fail::at(e, AttrPath::root("locked")))
        };
        if was_locked && (privileges_change || !want_locked) {
            lock(false).await?;
        }
        if privileges_change {
            change_privileges(client, mode, prior, plan).await?;
        }
        if want_locked && (!was_locked || privileges_change) {
            lock(true).await?;
        }
        Ok(())
    }
}

/// The names of a user or role in types, attributes and messages.
pub struct MemberNames {
    /// The resource and the data source of one, e.g. `ocp_db_user`.
    pub one: &'static str,
    /// The list data source and its list attribute, e.g. `ocp_db_users` and `users`.
    pub list: (&'static str, &'static str),
    /// The attribute that names one: `username` or `name`.
    pub key: &'static str,
    /// The form of the import id, for messages.
    pub import_form: &'static str,
    /// The title-case noun for messages, e.g. `Database User`.
    pub noun: &'static str,
    /// What the data sources of one and of the list do, for the summaries of their errors.
    pub reads: [&'static str; 2],
    /// The descriptions of the list data source and of its list attribute.
    pub list_docs: [&'static str; 2],
    /// How OCP's privilege calls name one.
    pub grantee: for<'a> fn(&'a str) -> Grantee<'a>,
    /// The mode of all its tenants, if they have one (Oracle for roles): its data sources then
    /// need not ask OCP for the mode, and it is the mode of a state that recorded none.
    pub mode: Option<Mode>,
}

/// A user or a role: what `ocp_db_user` and `ocp_db_role` (and their data sources) do
/// differently. What they do alike is written once: [`MemberResource`], [`OneDataSource`]
/// and [`ListDataSource`].
#[tonic::async_trait]
pub trait Member: Serialize + DeserializeOwned + Default + Clone + Send + Sync + 'static {
    /// The object as OCP reports it.
    type Ocp: TenantNamed;
    /// Its names.
    const NAMES: MemberNames;

    /// The resource's schema.
    fn schema() -> Schema;

    /// The schema of the data source of one; the list's entries have its attributes but the
    /// tenant.
    fn one_schema() -> Schema;

    /// The name.
    fn name(&self) -> &str;

    /// Its own part naming `name`, nothing else set.
    fn named(name: String) -> Self;

    /// What OCP reports of `o` that users and roles share.
    fn reported(o: &Self::Ocp) -> Reported<'_>;

    /// Its lists of privileges on databases and on objects (none for a role).
    fn entries(&self) -> [Targets<'_>; 2] {
        [None, None]
    }

    /// Its own part of what OCP has for `o`, which holds `held`, over `base`, whose lists are
    /// `mine`: `named` holds the name state records (see [`MemberModel::from_ocp`]).
    fn from_ocp(named: Self, _o: &Self::Ocp, _: &Held, _: &Self, _: &Grants, _: Mode) -> Self {
        named
    }

    /// Sends the create of `plan` to a tenant of `mode`, after refusing what the mode has no
    /// place for.
    async fn create(
        call: &mut Call<'_>,
        plan: &MemberModel<Self>,
        mode: Mode,
    ) -> Step<Created<Self::Ocp>>;

    /// Whether it is to be locked (a user; roles have no lock).
    fn locked(&self) -> bool {
        false
    }

    /// See [`OcpObject::update`]; `mode` is the tenant's. The default changes the privilege
    /// lists (see [`change_privileges`]).
    async fn update(call: &mut Call<'_>, mode: Mode, c: Change<'_, MemberModel<Self>>) -> Step {
        change_privileges(call.client, mode, c.prior, c.plan).await
    }
}

/// Changes the privilege lists of a user or role from `prior`'s to `plan`'s: grants what
/// `plan` adds and then revokes what it removes, for every list `plan` manages (the smallest
/// change, never a window without a privilege both hold). A failure is on the attribute of
/// its list.
async fn change_privileges<K: Member>(
    client: &OcpClient,
    mode: Mode,
    prior: &MemberModel<K>,
    plan: &MemberModel<K>,
) -> Step {
    let (tenant, who) = (prior.key().0, (K::NAMES.grantee)(prior.own.name()));
    let (Grants(had), Grants(want)) = (prior.grants(), plan.grants());
    for ((attr, have), want) in LISTS.into_iter().zip(had).zip(want) {
        let Some(want) = want else { continue };
        let have = have.unwrap_or_default();
        (change_targets(client, mode, tenant, who, (&have, &want)).await)
            .map_err(|e| Fail::at(e, AttrPath::root(attr)))?;
    }
    Ok(())
}

/// Grants to `who` what `want` adds to `have` and then revokes what it removes, target by
/// target (the smallest change, never a window without a privilege both hold): one grant and
/// one revoke call at the most, on targets of one kind.
pub(crate) async fn change_targets(
    client: &OcpClient,
    mode: Mode,
    tenant: (i64, i64),
    who: Grantee<'_>,
    (have, want): (&Lists<'_>, &Lists<'_>),
) -> Result<(), ClientError> {
    let [grant, revoke] = delta_by_target(mode, have, want);
    send(client, tenant, who, PrivilegeOp::Grant, grant).await?;
    send(client, tenant, who, PrivilegeOp::Revoke, revoke).await
}

/// What OCP reports of a user or role that both have: name, creation time, and what it holds.
pub type Reported<'a> = (&'a str, &'a Option<String>, Held);

/// What OCP reports a user or role holds, by target (objects in OCP's spelling: compare them
/// through [`Target::compared`]): global privileges and roles always, a database or an object
/// when there are privileges on it.
pub type Held = BTreeMap<Target, Vec<String>>;

/// What OCP reports a grantee holds: `[global privileges, roles]`, on databases, on objects.
pub(crate) fn held(
    lists: [&[String]; 2],
    dbs: &[DbPrivilege],
    objects: &[ObjectPrivilege],
) -> Held {
    let dbs = dbs
        .iter()
        .map(|d| (Target::Database(d.db_name.clone()), &d.privileges));
    let objects = (objects.iter()).map(|o| (Target::Object(o.object.clone()), &o.privileges));
    let on = dbs.chain(objects).filter(|(_, l)| !l.is_empty());
    let [global, roles] = lists.map(<[String]>::to_vec);
    let on = on.map(|(t, l)| (t, l.clone()));
    [(Target::Global, global), (Target::Roles, roles)]
        .into_iter()
        .chain(on)
        .collect()
}

/// What OCP says the user or role (`M`) named `name` holds; `None` when OCP has no such one.
pub(crate) async fn holdings<M: Member>(
    client: &OcpClient,
    (c, t): (i64, i64),
    name: &str,
) -> Result<Option<Held>, ClientError> {
    Ok(client
        .find_named::<M::Ocp>(c, t, name)
        .await?
        .map(|o| M::reported(&o).2))
}

/// `ocp_db_user` or `ocp_db_role`: one lifecycle for both.
#[derive(Default)]
pub struct MemberResource<M>(PhantomData<M>);

/// OCP's request fields of users and roles and the attributes they come from, but those
/// named like their attributes (see [`attr_by_field_or_name`]).
const FIELDS: &[(&str, &str)] = &[("roleName", "name"), ("newPassword", "password")];

#[tonic::async_trait]
impl<M: Member> OcpObject for MemberResource<M> {
    type Model = MemberModel<M>;
    const TYPE_NAME: &'static str = M::NAMES.one;
    const NOUN: &'static str = M::NAMES.noun;
    const FIELDS: &'static [(&'static str, &'static str)] = FIELDS;

    fn schema(&self) -> Schema {
        M::schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        validate_grants(config, diags);
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        plan_grants(&M::schema(), req, resp);
    }

    async fn create(
        &self,
        call: &mut Call<'_>,
        plan: &MemberModel<M>,
    ) -> Step<Born<MemberModel<M>>> {
        let (tenant @ (c, t), _) = plan.key();
        let mode = mode_of(call.client, None, tenant)
            .await
            .map_err(|e| Fail::at(e, AttrPath::root("tenant_id")))?;
        let existing = |o: M::Ocp| {
            let name = M::reported(&o).0;
            let what = format!("{} {name:?} in tenant {t} of cluster {c}", M::Ocp::WHAT);
            (what, import_id::in_tenant(tenant, name), M::NAMES.key)
        };
        let created = M::create(call, plan, mode).await?;
        // Made now, or by this create's unanswered POST (the client logs the adoption).
        let _made = owned::<Self, _, _>(call.diags, created, |_| true, existing)?;
        Ok(Born::done(plan.clone().recorded(mode)))
    }

    /// Object privileges have no place in OCP's create body (S1), and OCP's create cannot
    /// lock a user: both are done now, and the user read back.
    async fn after_create(&self, call: &mut Call<'_>, w: Written<'_, MemberModel<M>>) -> Step {
        let Written { plan, state } = w;
        let ((c, t), name) = state.key();
        let mode = state.mode().unwrap_or(Mode::Mysql);
        let Grants([.., objects]) = plan.grants();
        let (objects, locked) = (objects.filter(|m| !m.is_empty()), plan.own.locked());
        if objects.is_none() && !locked {
            return Ok(());
        }
        let failed = |diags: &mut Diagnostics, action: &str, attr: &str, e: ClientError| {
            report(diags, action, Some(AttrPath::root(attr)), &e);
            Fail::Reported
        };
        if let Some(obj) = objects {
            let (who, none) = ((M::NAMES.grantee)(name), BTreeMap::new());
            let granted = change_targets(call.client, mode, (c, t), who, (&none, &obj)).await;
            let what = "Grant Object Privileges";
            granted.map_err(|e| failed(call.diags, what, "object_privileges", e))?;
        }
        if locked {
            (call.client.set_db_user_locked(c, t, name, true).await)
                .map_err(|e| failed(call.diags, "Lock Database User", "locked", e))?;
        }
        if let Some(m) = self.read(call.client, &plan.clone().recorded(mode)).await? {
            *state = m;
        }
        Ok(())
    }

    async fn read(&self, client: &OcpClient, base: &MemberModel<M>) -> Found<MemberModel<M>> {
        let ((c, t), name) = base.key();
        let mode = mode_of(client, base.mode(), (c, t)).await?;
        let found = client.find_named::<M::Ocp>(c, t, name).await?;
        Ok(found.map(|o| MemberModel::from_ocp(o, base, mode).recorded(mode)))
    }

    async fn update(&self, call: &mut Call<'_>, c: Change<'_, MemberModel<M>>) -> Step {
        let mode = (c.prior.mode().or(M::NAMES.mode)).unwrap_or(Mode::Mysql);
        M::update(call, mode, c).await
    }

    async fn delete(&self, call: &mut Call<'_>, state: &MemberModel<M>) -> Step {
        let ((c, t), name) = state.key();
        call.client.delete_named::<M::Ocp>(c, t, name).await?;
        Ok(())
    }

    async fn import(&self, _client: Option<&OcpClient>, id: &str) -> Imported<MemberModel<M>> {
        let (tenant, name) =
            import_id::named_in_tenant(id, M::NAMES.import_form).map_err(ImportError::Invalid)?;
        Ok(MemberModel::named(tenant, name))
    }
}

/// What the data sources of users and roles are given: the tenant, and the role's `name` or
/// the user's `username` (none for a list).
#[derive(Deserialize)]
pub struct Selector {
    cluster_id: i64,
    tenant_id: i64,
    #[serde(alias = "username")]
    name: Option<String>,
}

/// What OCP has for the users or roles of `tenant` named `name` (every one for `None`), as
/// their data sources show them: no `id`, `password` or `tenant_mode`.
async fn read_members<M: Member>(
    client: &OcpClient,
    tenant @ (c, t): (i64, i64),
    name: Option<&String>,
) -> Result<Vec<MemberModel<M>>, ClientError> {
    let mode = mode_of(client, M::NAMES.mode, tenant).await?;
    let found = match name {
        Some(n) => client.find_named(c, t, n).await?.into_iter().collect(),
        None => client.list_named(c, t).await?,
    };
    let base = MemberModel::<M>::named(tenant, name.cloned().unwrap_or_default());
    Ok(found
        .into_iter()
        .map(|o| MemberModel::from_ocp(o, &base, mode))
        .collect())
}

/// `data "ocp_db_user"` / `data "ocp_db_role"`: one user or role of a tenant, by name.
#[derive(Default)]
pub struct OneDataSource<M>(PhantomData<M>);

/// `data "ocp_db_users"` / `data "ocp_db_roles"`: every user or role of a tenant, by name;
/// each entry has the attributes of the data source of one but the tenant, which the list
/// names once.
#[derive(Default)]
pub struct ListDataSource<M>(PhantomData<M>);

#[tonic::async_trait]
impl<M: Member> OcpData for OneDataSource<M> {
    type Config = Selector;
    type State = MemberModel<M>;
    const TYPE_NAME: &'static str = M::NAMES.one;
    const ACTION: &'static str = M::NAMES.reads[0];

    fn schema(&self) -> Schema {
        M::one_schema()
    }

    async fn read(
        &self,
        client: &OcpClient,
        sel: Selector,
        diags: &mut Diagnostics,
    ) -> Step<MemberModel<M>> {
        let tenant = (sel.cluster_id, sel.tenant_id);
        let found = read_members::<M>(client, tenant, sel.name.as_ref()).await?;
        if let Some(m) = found.into_iter().next() {
            return Ok(m);
        }
        let (noun, name) = (M::NAMES.noun, sel.name.unwrap_or_default());
        let why = format!(
            "Tenant {} has no {} {name:?}.",
            sel.tenant_id,
            noun.to_lowercase()
        );
        diags.attr_error(
            AttrPath::root(M::NAMES.key),
            format!("{noun} Not Found"),
            why,
        );
        Err(Fail::Reported)
    }
}

/// The attributes a list names once for all its entries.
const TENANT_ATTRS: [&str; 2] = ["cluster_id", "tenant_id"];

/// An entry of `data "ocp_db_users"` / `data "ocp_db_roles"`: the model without its tenant.
pub struct ListEntry<M: Member>(MemberModel<M>);

impl<M: Member> Serialize for ListEntry<M> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut v = serde_json::to_value(&self.0).map_err(serde::ser::Error::custom)?;
        if let Some(o) = v.as_object_mut() {
            o.retain(|k, _| !TENANT_ATTRS.contains(&k.as_str()));
        }
        v.serialize(s)
    }
}

#[tonic::async_trait]
impl<M: Member> ListData for ListDataSource<M> {
    type Filter = TenantKey;
    type Entry = ListEntry<M>;
    const NAMES: [&'static str; 3] = [M::NAMES.list.0, M::NAMES.reads[1], M::NAMES.list.1];
    const LIST_DOC: &'static str = M::NAMES.list_docs[1];

    fn filters(&self) -> Schema {
        tenant_selector(Schema::new(M::NAMES.list_docs[0]))
    }

    fn entry(&self) -> Type {
        Type::object(
            (M::one_schema().block.attributes.into_iter())
                .filter(|(n, _)| !TENANT_ATTRS.contains(&n.as_str()))
                .map(|(n, a)| (n, a.ty)),
        )
    }

    async fn fetch(&self, client: &OcpClient, t: &TenantKey) -> Step<Vec<ListEntry<M>>> {
        let mut all = read_members::<M>(client, (t.cluster_id, t.tenant_id), None).await?;
        all.sort_by(|a, b| a.key().1.cmp(b.key().1));
        Ok(all.into_iter().map(ListEntry).collect())
    }
}

/// `data "ocp_db_user"`: one user of a tenant.
pub type DbUserDataSource = OneDataSource<UserOwn>;

/// `data "ocp_db_users"`: every user of a tenant.
pub type DbUsersDataSource = ListDataSource<UserOwn>;

#[cfg(test)]
mod tests {
    use super::*;

    /// A set value of strings.
    fn set_value(items: &[&str]) -> Value {
        Value::set(items.iter().map(|s| Value::string(*s)))
    }

    /// `db_privileges` of `(database, privilege)` entries; a database `?` is unknown.
    fn dbs(entries: &[(&str, &str)]) -> Vec<(&'static str, Value)> {
        let db = |(name, p): &(&str, &str)| {
            let name = if *name == "?" {
                Value::Unknown
            } else {
                Value::string(*name)
            };
            Value::object([("database", name), ("privileges", set_value(&[p]))])
        };
        vec![(
            "db_privileges",
            Value::Set(entries.iter().map(db).collect()),
        )]
    }

    /// `object_privileges` of `(type, schema, name, privilege)` entries.
    fn objects(entries: &[[&str; 4]]) -> Vec<(&'static str, Value)> {
        let object = |&[ty, schema, name, p]: &[&str; 4]| {
            let s = Value::string;
            let attrs = [
                ("object_type", s(ty)),
                ("schema", s(schema)),
                ("object_name", s(name)),
            ];
            Value::object(attrs.into_iter().chain([("privileges", set_value(&[p]))]))
        };
        vec![(
            "object_privileges",
            Value::Set(entries.iter().map(object).collect()),
        )]
    }

    /// The paths and details of the errors validation reports for a user with these attributes.
    fn errors(attrs: Vec<(&str, Value)>) -> Vec<(String, String)> {
        let mut d = Diagnostics::new();
        DbUserResource::default().validate(&Value::object(attrs), &mut d);
        let path = |x: &crate::framework::diag::Diagnostic| x.path.as_ref().map(|p| p.to_string());
        d.0.iter()
            .map(|x| (path(x).unwrap_or_default(), x.detail.clone()))
            .collect()
    }

    #[test]
    fn each_database_object_and_role_is_named_once() {
        /// (case name, attributes of the user, paths of the expected errors)
        type Case = (
            &'static str,
            Vec<(&'static str, Value)>,
            &'static [&'static str],
        );
        let cases: Vec<Case> = vec![
            (
                "distinct databases",
                dbs(&[("a", "SELECT"), ("b", "SELECT")]),
                &[],
            ),
            (
                "one database twice",
                dbs(&[("app", "SELECT"), ("b", "SELECT"), ("app", "INSERT")]),
                &["db_privileges[2].database"],
            ),
            (
                "MySQL database names are case-sensitive",
                dbs(&[("app", "SELECT"), ("APP", "INSERT")]),
                &[],
            ),
            (
                "an unknown database is checked later",
                dbs(&[("app", "SELECT"), ("?", "INSERT")]),
                &[],
            ),
            (
                "an unknown list is checked later",
                vec![("db_privileges", Value::Unknown)],
                &[],
            ),
            (
                "an object spelled in another case",
                objects(&[
                    ["TABLE", "APP", "ORDERS", "SELECT"],
                    ["table", "app", "orders", "INSERT"],
                ]),
                &["object_privileges[1].object_name"],
            ),
            (
                "same name, other type",
                objects(&[
                    ["TABLE", "APP", "ORDERS", "SELECT"],
                    ["VIEW", "APP", "ORDERS", "SELECT"],
                ]),
                &[],
            ),
            (
                "a role in two spellings",
                vec![("roles", set_value(&["connect", "CONNECT", "RESOURCE"]))],
                &["roles"],
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
        let got = errors(dbs(&[("app", "SELECT"), ("app", "INSERT")]));
        let detail = &got[0].1;
        assert!(
            detail.contains("db_privileges[0].database and db_privileges[1].database"),
            "{detail}"
        );
        assert!(
            detail.contains(r#"{ database = "app", privileges = ["INSERT", "SELECT"] }"#),
            "{detail}"
        );
        let got = errors(objects(&[
            ["TABLE", "APP", "ORDERS", "SELECT"],
            ["TABLE", "app", "Orders", "INSERT"],
        ]));
        let detail = &got[0].1;
        assert!(detail.contains("TABLE APP.ORDERS"), "{detail}");
        assert!(
            detail.contains("object_privileges[0].object_name"),
            "{detail}"
        );
    }
}
