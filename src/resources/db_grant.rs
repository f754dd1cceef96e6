//! The `ocp_db_grant` resource: one grant of privileges (or roles) to a user or role.
//! API: ocp-api.md §3.6 and §5 #15 (grant, revoke and modify calls; synchronous).
//!
//! A grant is additive: it owns only the privileges it lists. Changing the list grants what
//! was added and then revokes what was removed (never revoke-all-then-grant, which would leave
//! a window without privileges); destroying it revokes only its own privileges.
//!
//! Import id (one grammar, see `import_id`):
//! `<cluster_id>/<tenant_id>/<user|role>/<grantee>/global`,
//! `.../database/<database>`, `.../object/<TABLE|VIEW|STORED_PROCEDURE>/<schema>/<object>`,
//! `.../roles`. A `/` inside a name is written `\/`. An imported grant owns everything the
//! grantee holds in its scope (an import id cannot list privileges).

use serde::{Deserialize, Serialize};

use crate::client::api::user::{
    DbObject, DbPrivilege, Grantee, ObjectPrivilege, PrivilegeOp, PrivilegeScope,
};
use crate::client::{ClientError, OcpClient};
use crate::framework::validate::OneOf;
use crate::framework::{
    read_model, Attr, AttrPath, Diagnostics, PlanRequest, PlanResponse, Schema,
};
use crate::lifecycle::{Born, Call, Fail, ImportError, OcpObject};
use crate::value::{Known, Type, Value};

use super::db_user::{
    keep_equivalent, keep_same_name, keep_same_names, present_roles, same_name,
    validate_unique_roles,
};
use super::privileges::{self, delta, expand, present, Mode, Scope, OBJECT_TYPES};
use super::{import_id, ownership, refuse_existing, report, tenant_attrs, Existing};

const IMPORT_FORM: &str = "\"<cluster_id>/<tenant_id>/<user|role>/<grantee>/global\", \".../database/<database>\", \".../object/<type>/<schema>/<object>\" or \".../roles\"";

/// The `ocp_db_grant` resource.
pub struct DbGrantResource;

/// The model of `ocp_db_grant`: state, plan and import alike. `id` is null only in what an
/// import leaves for the first read, which then takes everything the grantee holds.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct GrantModel {
    id: Option<String>,
    cluster_id: i64,
    tenant_id: i64,
    user: Option<String>,
    role: Option<String>,
    privileges: Option<Vec<String>>,
    database: Option<String>,
    object_type: Option<String>,
    object_schema: Option<String>,
    object_name: Option<String>,
    roles: Option<Vec<String>>,
    tenant_mode: Option<String>,
}

/// What validation and planning read of a configuration, where any value may be unknown.
#[derive(Deserialize)]
struct GrantConfig {
    user: Option<Known<String>>,
    role: Option<Known<String>>,
    privileges: Option<Known<Vec<Known<String>>>>,
    database: Option<Known<String>>,
    object_type: Option<Known<String>>,
    object_schema: Option<Known<String>>,
    object_name: Option<Known<String>>,
    roles: Option<Known<Vec<Known<String>>>>,
}

/// Whether an attribute is set: `None` while unknown (it may still turn out null).
fn is_set<T>(v: &Option<Known<T>>) -> Option<bool> {
    match v {
        Some(Known::Unknown) => None,
        other => Some(other.is_some()),
    }
}

/// The value of an attribute, when known.
fn known<T>(v: &Option<Known<T>>) -> Option<&T> {
    v.as_ref().and_then(Known::as_known)
}

/// What a grant is on.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Global,
    Database(String),
    Object(DbObject),
    Roles,
}

impl Kind {
    /// The kind the attributes name: `roles` set, the object (`object_type`, `object_schema`,
    /// `object_name`), `database`, else global. `None` for an incomplete object.
    fn of(roles: bool, database: Option<&String>, object: [Option<&String>; 3]) -> Option<Kind> {
        if roles {
            Some(Kind::Roles)
        } else if let Some(name) = object[2] {
            Some(Kind::Object(DbObject {
                object_type: object[0]?.to_ascii_uppercase(),
                schema_name: object[1]?.clone(),
                object_name: name.clone(),
            }))
        } else if let Some(db) = database {
            Some(Kind::Database(db.clone()))
        } else {
            Some(Kind::Global)
        }
    }

    fn scope(&self) -> Scope {
        match self {
            Kind::Global | Kind::Roles => Scope::Global,
            Kind::Database(_) => Scope::Database,
            Kind::Object(o) => Scope::of_object(&o.object_type),
        }
    }

    fn id_parts(&self) -> Vec<String> {
        match self {
            Kind::Global => vec!["global".into()],
            Kind::Roles => vec!["roles".into()],
            Kind::Database(db) => vec!["database".into(), db.clone()],
            Kind::Object(o) => vec![
                "object".into(),
                o.object_type.clone(),
                o.schema_name.clone(),
                o.object_name.clone(),
            ],
        }
    }

    /// The attribute that lists what the grant gives.
    fn list_attr(&self) -> &'static str {
        if *self == Kind::Roles {
            "roles"
        } else {
            "privileges"
        }
    }

    /// The names OCP's grant and revoke calls take for `list`: roles as written, privileges
    /// canonical with `ALL` expanded.
    fn to_ocp(&self, mode: Mode, list: &[String]) -> Vec<String> {
        if *self == Kind::Roles {
            list.to_vec()
        } else {
            expand(mode, self.scope(), list.iter().map(String::as_str))
                .into_iter()
                .collect()
        }
    }
}

impl GrantConfig {
    fn kind(&self) -> Option<Kind> {
        Kind::of(
            self.roles.is_some(),
            known(&self.database),
            [
                known(&self.object_type),
                known(&self.object_schema),
                known(&self.object_name),
            ],
        )
    }
}

impl GrantModel {
    /// What the grant is on (an incomplete object, which validation refuses, reads as global).
    fn kind(&self) -> Kind {
        Kind::of(
            self.roles.is_some(),
            self.database.as_ref(),
            [
                self.object_type.as_ref(),
                self.object_schema.as_ref(),
                self.object_name.as_ref(),
            ],
        )
        .unwrap_or(Kind::Global)
    }

    /// The grantee: `(true, user)` or `(false, role)`.
    fn grantee(&self) -> (bool, &str) {
        match (&self.user, &self.role) {
            (Some(u), _) => (true, u),
            (None, r) => (false, r.as_deref().unwrap_or_default()),
        }
    }

    fn who(&self) -> Grantee<'_> {
        match self.grantee() {
            (true, name) => Grantee::User(name),
            (false, name) => Grantee::Role(name),
        }
    }

    /// The attribute naming the grantee.
    fn grantee_attr(&self) -> &'static str {
        if self.grantee().0 {
            "user"
        } else {
            "role"
        }
    }

    /// The list the grant gives (privileges or roles, as the user wrote them).
    fn list(&self) -> Option<&Vec<String>> {
        if self.kind() == Kind::Roles {
            self.roles.as_ref()
        } else {
            self.privileges.as_ref()
        }
    }

    /// The tenant's mode as recorded; MySQL (OCP's default) when not recorded.
    fn mode(&self) -> Mode {
        Mode::from_ocp(self.tenant_mode.as_deref())
    }

    /// The grant's id, also its import id:
    /// `<cluster>/<tenant>/<user|role>/<grantee>/<scope...>`.
    fn grant_id(&self) -> String {
        let (is_user, name) = self.grantee();
        let mut parts = vec![
            self.cluster_id.to_string(),
            self.tenant_id.to_string(),
            if is_user { "user" } else { "role" }.to_string(),
            name.to_string(),
        ];
        parts.extend(self.kind().id_parts());
        import_id::join(&parts)
    }

    /// The model with its id and the tenant's mode recorded.
    fn recorded(&self, mode: Mode) -> GrantModel {
        GrantModel {
            id: Some(self.grant_id()),
            tenant_mode: Some(
                if mode == Mode::Oracle {
                    "ORACLE"
                } else {
                    "MYSQL"
                }
                .into(),
            ),
            ..self.clone()
        }
    }

    /// The state for what the grantee holds in the grant's scope (`held`, OCP's spelling):
    /// the entries of the grant's list OCP still has, in the user's spelling; everything held
    /// for an import.
    fn with_held(&self, mode: Mode, held: &[String]) -> GrantModel {
        let kind = self.kind();
        let mine: Option<Vec<&str>> = self
            .list()
            .filter(|_| self.id.is_some())
            .map(|l| l.iter().map(String::as_str).collect());
        let owned = if kind == Kind::Roles {
            present_roles(mode, mine.as_deref(), held, false)
        } else {
            present(mode, kind.scope(), mine.as_deref(), held, false)
        };
        let mut m = self.recorded(mode);
        *if kind == Kind::Roles {
            &mut m.roles
        } else {
            &mut m.privileges
        } = Some(owned);
        m
    }
}

/// The entries of `list` (canonical) that `held` (OCP's answer) already has: roles by name
/// regardless of case, privileges by their canonical spelling.
fn already_held(mode: Mode, kind: &Kind, list: &[String], held: &[String]) -> Vec<String> {
    if *kind == Kind::Roles {
        return list
            .iter()
            .filter(|r| held.iter().any(|h| h.eq_ignore_ascii_case(r)))
            .cloned()
            .collect();
    }
    let held = expand(mode, kind.scope(), held.iter().map(String::as_str));
    list.iter()
        .filter(|p| held.contains(&privileges::canonical(p)))
        .cloned()
        .collect()
}

/// The tenant's mode: from the model when recorded, else from OCP.
async fn tenant_mode(client: &OcpClient, m: &GrantModel) -> Result<Mode, ClientError> {
    match &m.tenant_mode {
        Some(_) => Ok(m.mode()),
        None => Ok(Mode::from_ocp(
            client
                .tenant_mode(m.cluster_id, m.tenant_id)
                .await?
                .as_deref(),
        )),
    }
}

/// What OCP says the grantee of `m` holds in the grant's scope; None when the grantee is gone.
async fn actual(client: &OcpClient, m: &GrantModel) -> Result<Option<Vec<String>>, ClientError> {
    let (c, t) = (m.cluster_id, m.tenant_id);
    let (global, dbs, objects, roles) = match m.grantee() {
        (true, name) => match client.find_db_user(c, t, name).await? {
            None => return Ok(None),
            Some(u) => (
                u.global_privileges,
                u.db_privileges,
                u.object_privileges,
                u.roles,
            ),
        },
        (false, name) => match client.find_db_role(c, t, name).await? {
            None => return Ok(None),
            Some(r) => (
                r.global_privileges,
                Vec::new(),
                r.object_privileges,
                r.roles,
            ),
        },
    };
    Ok(Some(match m.kind() {
        Kind::Global => global,
        Kind::Roles => roles,
        Kind::Database(db) => dbs
            .into_iter()
            .find(|d| d.db_name == db)
            .map(|d| d.privileges)
            .unwrap_or_default(),
        Kind::Object(o) => objects
            .into_iter()
            .find(|p| {
                p.object.object_type.eq_ignore_ascii_case(&o.object_type)
                    && p.object.schema_name.eq_ignore_ascii_case(&o.schema_name)
                    && p.object.object_name.eq_ignore_ascii_case(&o.object_name)
            })
            .map(|p| p.privileges)
            .unwrap_or_default(),
    }))
}

/// One grant or revoke call of `list` (OCP's names) in the scope of grant `m`.
async fn change(
    client: &OcpClient,
    m: &GrantModel,
    op: PrivilegeOp,
    list: Vec<String>,
) -> Result<(), ClientError> {
    if list.is_empty() {
        return Ok(());
    }
    let (c, t, who) = (m.cluster_id, m.tenant_id, m.who());
    match m.kind() {
        Kind::Global => {
            client
                .change_privileges(c, t, who, op, PrivilegeScope::Global(&list))
                .await
        }
        Kind::Roles => {
            client
                .change_privileges(c, t, who, op, PrivilegeScope::Roles(&list))
                .await
        }
        Kind::Database(db_name) => {
            let p = [DbPrivilege {
                db_name,
                privileges: list,
            }];
            client
                .change_privileges(c, t, who, op, PrivilegeScope::Db(&p))
                .await
        }
        Kind::Object(object) => {
            let p = [ObjectPrivilege {
                object,
                privileges: list,
            }];
            client
                .change_privileges(c, t, who, op, PrivilegeScope::Object(&p))
                .await
        }
    }
}

#[tonic::async_trait]
impl OcpObject for DbGrantResource {
    type Model = GrantModel;
    const TYPE_NAME: &'static str = "ocp_db_grant";
    const NOUN: &'static str = "Grant";

    fn schema(&self) -> Schema {
        tenant_attrs(Schema::new("One grant to a database user or role: global (system) privileges, privileges on a database, privileges on an object, or roles. A grant is additive: it owns only what it lists, and destroying it revokes only that. Do not also set privileges on the user's `ocp_db_user`, which owns the whole list."), "grant")
            .attr("id", Attr::string().computed().use_state_for_unknown().doc("The import id: `<cluster_id>/<tenant_id>/<user|role>/<grantee>/` followed by `global`, `database/<database>`, `object/<type>/<schema>/<object>` or `roles`; a `/` inside a name is written `\\/` and a `\\` as `\\\\`."))
            .attr("user", Attr::string().optional().requires_replace().doc("The user receiving the grant. Set exactly one of `user` and `role`."))
            .attr("role", Attr::string().optional().requires_replace().doc("The role receiving the grant (Oracle mode). Set exactly one of `user` and `role`."))
            .attr("privileges", Attr::set(Type::String).optional().doc("The privileges granted: global (MySQL) or system (Oracle) privileges, or, with `database` or `object_name`, privileges on it. `ALL` means every privilege of the scope (on an object: of its type, `EXECUTE` alone for a `STORED_PROCEDURE`, all but `EXECUTE` for a `TABLE` or `VIEW`), sent to OCP as the list it means; spelling is free (`create view` = `CREATE_VIEW`). Changed in place: added ones are granted, removed ones revoked."))
            .attr("database", Attr::string().optional().requires_replace().doc("Grant `privileges` on this database (MySQL mode). Changing it replaces the grant."))
            .attr("object_type", Attr::string().optional().requires_replace().validate(OneOf(OBJECT_TYPES)).doc("Type of the object of an object grant (Oracle mode): `TABLE`, `VIEW` or `STORED_PROCEDURE`."))
            .attr("object_schema", Attr::string().optional().requires_replace().doc("Schema (owning user) of the object of an object grant."))
            .attr("object_name", Attr::string().optional().requires_replace().doc("Name of the object of an object grant. Changing the object replaces the grant."))
            .attr("roles", Attr::set(Type::String).optional().doc("Roles granted to the user or role (Oracle mode), instead of `privileges`. Changed in place."))
            .attr("tenant_mode", Attr::string().computed().use_state_for_unknown().doc("Mode of the tenant (`MYSQL` or `ORACLE`), read from OCP."))
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let Some(c) = read_model::<GrantConfig>(config, diags) else {
            return;
        };
        if let (Some(u), Some(r)) = (is_set(&c.user), is_set(&c.role)) {
            if u == r {
                diags.attr_error(
                    AttrPath::root("user"),
                    "Invalid Grantee",
                    "Set exactly one of `user` and `role`.",
                );
            }
        }
        match is_set(&c.roles) {
            None => return,
            Some(true) => {
                validate_unique_roles(config, diags);
                let others = [
                    ("privileges", is_set(&c.privileges)),
                    ("database", is_set(&c.database)),
                    ("object_name", is_set(&c.object_name)),
                ];
                for (other, _) in others.iter().filter(|(_, s)| *s == Some(true)) {
                    diags.attr_error(AttrPath::root(*other), "Conflicting Grant", format!("A grant of `roles` cannot also set `{other}`; use a separate ocp_db_grant."));
                }
                return;
            }
            Some(false) => {}
        }
        if is_set(&c.privileges) == Some(false) {
            diags.attr_error(
                AttrPath::root("privileges"),
                "Missing Privileges",
                "Set `privileges` (or `roles` for a grant of roles).",
            );
        }
        let object = [
            ("object_type", is_set(&c.object_type)),
            ("object_schema", is_set(&c.object_schema)),
            ("object_name", is_set(&c.object_name)),
        ];
        let object_known = object.iter().all(|(_, s)| s.is_some());
        let n = object.iter().filter(|(_, s)| *s == Some(true)).count();
        if object_known && n != 0 && n != 3 {
            for (a, _) in object.iter().filter(|(_, s)| *s != Some(true)) {
                diags.attr_error(AttrPath::root(*a), "Incomplete Object", format!("An object grant needs `object_type`, `object_schema` and `object_name`; `{a}` is missing."));
            }
        }
        let database = is_set(&c.database);
        if n > 0 && database == Some(true) {
            diags.attr_error(
                AttrPath::root("database"),
                "Conflicting Grant",
                "Set either `database` or the object, not both.",
            );
        }
        let Some(database) = database.filter(|_| object_known) else {
            return; // the scope the privileges are checked against is not known yet
        };
        let scope = if n > 0 {
            Scope::Object
        } else if database {
            Scope::Database
        } else {
            Scope::Global
        };
        if let Some(p) = known(&c.privileges) {
            let bad = privileges::unknown(
                scope,
                p.iter().filter_map(|x| x.as_known()).map(String::as_str),
            );
            if !bad.is_empty() {
                diags.attr_error(AttrPath::root("privileges"), "Unknown Privilege", format!("Attribute privileges holds {bad:?}, which OCP does not know for a {scope:?} grant. Known: {:?} (MySQL) and {:?} (Oracle).", privileges::vocabulary(Mode::Mysql, scope), privileges::vocabulary(Mode::Oracle, scope)));
            }
        }
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        let Some(c) = read_model::<GrantConfig>(req.config, &mut resp.diags) else {
            return;
        };
        match c.kind() {
            Some(Kind::Roles) => keep_same_names(req, resp, "roles"),
            Some(kind) => keep_equivalent(req, resp, "privileges", kind.scope()),
            None => {}
        }
        for name in [
            "user",
            "role",
            "object_schema",
            "object_name",
            "object_type",
        ] {
            keep_same_name(req, resp, name);
        }
        if let Some(user) = known(&c.user) {
            ownership::note_additive(req.config, Some(user), &mut resp.diags);
        }
    }

    async fn create(
        &self,
        call: &mut Call<'_>,
        plan: &GrantModel,
    ) -> Result<Born<GrantModel>, Fail> {
        let client = call.client;
        let mode = tenant_mode(client, plan)
            .await
            .map_err(|e| Fail::at(e, AttrPath::root("tenant_id")))?;
        let kind = plan.kind();
        let list = kind.to_ocp(mode, plan.list().map_or(&[], Vec::as_slice));
        // A privilege the grantee holds already was not given by this grant, and destroying
        // the grant would revoke it: never take it over (design rule R2). A missing grantee
        // is the grant call's to report.
        let held = actual(client, plan).await?.unwrap_or_default();
        let taken = already_held(mode, &kind, &list, &held);
        if !taken.is_empty() {
            let scope = match &kind {
                Kind::Global => "globally".to_string(),
                Kind::Roles => "as roles".to_string(),
                Kind::Database(db) => format!("on database {db:?}"),
                Kind::Object(o) => {
                    format!("on {} {}.{}", o.object_type, o.schema_name, o.object_name)
                }
            };
            let (is_user, name) = plan.grantee();
            refuse_existing(
                call.diags,
                Existing {
                    type_name: Self::TYPE_NAME,
                    noun: Self::NOUN,
                    what: format!(
                        "{} {name:?} in tenant {} of cluster {} holding {} {scope}",
                        if is_user { "user" } else { "role" },
                        plan.tenant_id,
                        plan.cluster_id,
                        taken.join(", ")
                    ),
                    import_id: plan.grant_id(),
                    attr: kind.list_attr(),
                },
            );
            return Err(Fail::Reported);
        }
        if let Err(e) = change(client, plan, PrivilegeOp::Grant, list).await {
            let attr = if e.is_not_found() {
                plan.grantee_attr()
            } else {
                kind.list_attr()
            };
            return Err(Fail::at(e, AttrPath::root(attr)));
        }
        Ok(Born::done(plan.recorded(mode)))
    }

    async fn read(
        &self,
        client: &OcpClient,
        base: &GrantModel,
    ) -> Result<Option<GrantModel>, ClientError> {
        let mode = tenant_mode(client, base).await?;
        // A grantee that is gone takes its grants with it.
        Ok(actual(client, base)
            .await?
            .map(|held| base.with_held(mode, &held)))
    }

    async fn update(
        &self,
        call: &mut Call<'_>,
        prior: &GrantModel,
        plan: &GrantModel,
        _base: &mut GrantModel,
    ) -> Result<(), Fail> {
        let (mode, kind) = (prior.mode(), prior.kind());
        let (have, want) = (
            prior.list().cloned().unwrap_or_default(),
            plan.list().cloned().unwrap_or_default(),
        );
        let (grant, revoke) = if kind == Kind::Roles {
            let missing = |a: &[String], b: &[String]| {
                a.iter()
                    .filter(|x| !b.iter().any(|y| same_name(mode, x, y)))
                    .cloned()
                    .collect()
            };
            (missing(&want, &have), missing(&have, &want))
        } else {
            delta(
                mode,
                kind.scope(),
                have.iter().map(String::as_str),
                want.iter().map(String::as_str),
            )
        };
        // Grant first, then revoke: the grantee never lacks a privilege both lists hold.
        let at = |e| Fail::at(e, AttrPath::root(kind.list_attr()));
        change(call.client, prior, PrivilegeOp::Grant, grant)
            .await
            .map_err(at)?;
        change(call.client, prior, PrivilegeOp::Revoke, revoke)
            .await
            .map_err(at)
    }

    async fn delete(&self, call: &mut Call<'_>, state: &GrantModel) -> Result<(), Fail> {
        let list = state
            .kind()
            .to_ocp(state.mode(), state.list().map_or(&[], Vec::as_slice));
        match change(call.client, state, PrivilegeOp::Revoke, list).await {
            Err(e) if !e.is_not_found() => {
                report(call.diags, "Revoke Grant", None, &e);
                Err(Fail::Reported)
            }
            _ => Ok(()),
        }
    }

    async fn import(
        &self,
        _client: Option<&OcpClient>,
        id: &str,
    ) -> Result<GrantModel, ImportError> {
        let bad = |why: &str| {
            ImportError::Invalid(format!(
                "Expected an import id of the form {IMPORT_FORM}, got {id:?}: {why}."
            ))
        };
        let (cluster_id, tenant_id, rest) =
            import_id::tenant_scoped(id, IMPORT_FORM).map_err(ImportError::Invalid)?;
        let mut m = GrantModel {
            cluster_id,
            tenant_id,
            ..GrantModel::default()
        };
        let kind = match rest.as_slice() {
            [who, name, kind @ ..] if who == "user" => {
                m.user = Some(name.clone());
                kind
            }
            [who, name, kind @ ..] if who == "role" => {
                m.role = Some(name.clone());
                kind
            }
            _ => return Err(bad("the third part must be `user` or `role`")),
        };
        match kind {
            [k] if k == "global" => {}
            [k] if k == "roles" => m.roles = Some(Vec::new()),
            [k, db] if k == "database" => m.database = Some(db.clone()),
            [k, ty, schema, obj] if k == "object" => {
                m.object_type = Some(ty.to_ascii_uppercase());
                m.object_schema = Some(schema.clone());
                m.object_name = Some(obj.clone());
            }
            _ => return Err(bad("after the grantee comes `global`, `database/<database>`, `object/<type>/<schema>/<object>` or `roles`")),
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privileges_the_grantee_holds_already_are_found_in_any_spelling() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let db = Kind::Database("orders".into());
        type Case<'a> = (&'a str, Kind, &'a [&'a str], &'a [&'a str], &'a [&'a str]);
        let cases: &[Case<'_>] = &[
            ("nothing held", db.clone(), &["SELECT"], &[], &[]),
            (
                "one of two held",
                db.clone(),
                &["SELECT", "INSERT"],
                &["INSERT"],
                &["INSERT"],
            ),
            (
                "spelled with a space",
                Kind::Global,
                &["SHOW_VIEW"],
                &["SHOW VIEW"],
                &["SHOW_VIEW"],
            ),
            (
                "ALL held covers each",
                db.clone(),
                &["SELECT"],
                &["ALL"],
                &["SELECT"],
            ),
            (
                "roles by name in any case",
                Kind::Roles,
                &["CONNECT"],
                &["connect"],
                &["CONNECT"],
            ),
            ("other roles", Kind::Roles, &["DBA"], &["CONNECT"], &[]),
        ];
        for (name, kind, want, held, taken) in cases {
            assert_eq!(
                already_held(Mode::Mysql, kind, &list(want), &list(held)),
                list(taken),
                "{name}"
            );
        }
    }

    fn grant(pairs: &[(&str, Value)]) -> Value {
        let mut v = Value::object([
            ("cluster_id", Value::from_i64(1)),
            ("tenant_id", Value::from_i64(2)),
        ]);
        for (k, x) in pairs {
            v.set_attr(k, x.clone());
        }
        v
    }

    fn model(pairs: &[(&str, Value)]) -> GrantModel {
        crate::value::from_value(&grant(pairs)).unwrap()
    }

    fn import(id: &str) -> Result<GrantModel, ImportError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(DbGrantResource.import(None, id))
    }

    #[test]
    fn the_kind_follows_the_attributes_set() {
        assert_eq!(model(&[("user", Value::string("u"))]).kind(), Kind::Global);
        assert_eq!(
            model(&[("database", Value::string("d"))]).kind(),
            Kind::Database("d".into())
        );
        assert_eq!(model(&[("roles", Value::Set(vec![]))]).kind(), Kind::Roles);
    }

    #[test]
    fn ids_escape_names_and_parse_back() {
        let s = model(&[
            ("user", Value::string("a/b")),
            ("database", Value::string("d")),
            ("privileges", privileges::set_value(&["SELECT"])),
            ("id", Value::string("x")),
        ])
        .with_held(Mode::Mysql, &["SELECT".into()]);
        assert_eq!(s.id.as_deref(), Some("1/2/user/a\\/b/database/d"));
        assert_eq!(s.tenant_mode.as_deref(), Some("MYSQL"));
        assert_eq!(s.privileges, Some(vec!["SELECT".to_string()]));
        let st = import("1/2/user/a\\/b/database/d").unwrap();
        assert_eq!(st.user.as_deref(), Some("a/b"));
        assert_eq!(st.database.as_deref(), Some("d"));
    }

    #[test]
    fn an_imported_grant_owns_what_the_grantee_holds_and_a_created_one_only_its_list() {
        let held = ["SELECT".to_string(), "INSERT".to_string()];
        let imported = import("1/2/user/u/global").unwrap();
        assert_eq!(
            imported.with_held(Mode::Mysql, &held).privileges,
            Some(vec!["INSERT".to_string(), "SELECT".to_string()])
        );
        let roles = import("1/2/role/r/roles").unwrap();
        assert_eq!(roles.kind(), Kind::Roles);
        assert_eq!(
            roles.with_held(Mode::Oracle, &["CONNECT".into()]).roles,
            Some(vec!["CONNECT".to_string()])
        );
        let created = model(&[
            ("id", Value::string("1/2/user/u/global")),
            ("user", Value::string("u")),
            ("privileges", privileges::set_value(&["select"])),
        ]);
        assert_eq!(
            created.with_held(Mode::Mysql, &held).privileges,
            Some(vec!["select".to_string()])
        );
    }

    #[test]
    fn a_bad_import_id_prints_the_expected_form() {
        for id in ["1/2/someone/x/global", "1/2/user/x/tables", "1/2/user/x"] {
            let Err(ImportError::Invalid(why)) = import(id) else {
                panic!("{id} was taken");
            };
            assert!(
                why.contains("<cluster_id>/<tenant_id>/<user|role>/<grantee>/global"),
                "{id}"
            );
        }
    }

    #[test]
    fn validation_requires_one_grantee_and_a_complete_object() {
        let mut d = Diagnostics::new();
        DbGrantResource.validate(
            &grant(&[
                ("privileges", privileges::set_value(&["SELECT"])),
                ("object_name", Value::string("T")),
            ]),
            &mut d,
        );
        let paths: Vec<String> =
            d.0.iter()
                .filter_map(|x| x.path.as_ref().map(|p| p.to_string()))
                .collect();
        assert!(paths.contains(&"user".to_string()));
        assert!(
            paths.contains(&"object_type".to_string())
                && paths.contains(&"object_schema".to_string())
        );
    }

    #[test]
    fn validation_waits_for_unknown_values() {
        let mut d = Diagnostics::new();
        DbGrantResource.validate(
            &grant(&[
                ("user", Value::Unknown),
                ("privileges", Value::Set(vec![Value::Unknown])),
                ("database", Value::Unknown),
            ]),
            &mut d,
        );
        assert!(d.0.is_empty(), "{:?}", d.0);
    }
}
