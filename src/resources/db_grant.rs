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

use std::collections::BTreeMap;

use crate::client::api::user::{DbObject, Grantee};
use crate::client::{ClientError, OcpClient};
use crate::framework::validate::OneOf;
use crate::framework::{
    read_model, Attr, AttrPath, Diagnostics, PlanRequest, PlanResponse, Schema,
};
use crate::lifecycle::{
    replan_set, Born, Call, Change, Fail, Found, ImportError, Imported, OcpObject, Step,
};
use crate::value::{known, Known, Type, Value};

use super::db_role::RoleOwn;
use super::db_user::{
    change_targets, expanded, holdings, kept, kept_name, known_names, mode_of, plan_models,
    refuse_duplicate_roles, refuse_unknown, strs, whole, Names, UserOwn,
};
use super::privileges::{present, same, Mode, Scope, Target, OBJECT_TYPES};
use super::{ownership, refuse_existing, tenant_attrs};
use crate::lifecycle::import_id;

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

/// What validation and planning read of a configuration or a plan, where any value may be
/// unknown; also the change `modify_plan` writes over a plan (`None` keeps the planned value).
#[derive(Default, Serialize, Deserialize)]
struct GrantConfig {
    user: Option<Known<String>>,
    role: Option<Known<String>>,
    privileges: Names,
    database: Option<Known<String>>,
    object_type: Option<Known<String>>,
    object_schema: Option<Known<String>>,
    object_name: Option<Known<String>>,
    roles: Names,
    tenant_mode: Option<Known<String>>,
}

/// Whether an attribute is set: `None` while unknown (it may still turn out null).
fn is_set<T>(v: &Option<Known<T>>) -> Option<bool> {
    match v {
        Some(Known::Unknown) => None,
        other => Some(other.is_some()),
    }
}

/// What a grant is on, from its attributes: `roles` set, the object (`object_type`,
/// `object_schema`, `object_name`), `database`, else global. `None` for an incomplete object.
fn target_of(
    roles: bool,
    database: Option<&String>,
    object: [Option<&String>; 3],
) -> Option<Target> {
    Some(if roles {
        Target::Roles
    } else if let Some(name) = object[2] {
        Target::Object(DbObject {
            object_type: object[0]?.to_ascii_uppercase(),
            schema_name: object[1]?.clone(),
            object_name: name.clone(),
        })
    } else if let Some(db) = database {
        Target::Database(db.clone())
    } else {
        Target::Global
    })
}

/// The parts of a grant's id after the grantee.
fn id_parts(target: &Target) -> Vec<String> {
    match target {
        Target::Global => vec!["global".into()],
        Target::Roles => vec!["roles".into()],
        Target::Database(db) => vec!["database".into(), db.clone()],
        Target::Object(o) => vec![
            "object".into(),
            o.object_type.clone(),
            o.schema_name.clone(),
            o.object_name.clone(),
        ],
    }
}

/// The attribute that lists what a grant on `target` gives.
fn list_attr(target: &Target) -> &'static str {
    match target {
        Target::Roles => "roles",
        _ => "privileges",
    }
}

impl GrantConfig {
    fn target(&self) -> Option<Target> {
        let object = [&self.object_type, &self.object_schema, &self.object_name].map(known);
        target_of(self.roles.is_some(), known(&self.database), object)
    }
}

impl GrantModel {
    /// What the grant is on (an incomplete object, which validation refuses, reads as global).
    fn target(&self) -> Target {
        let object =
            [&self.object_type, &self.object_schema, &self.object_name].map(Option::as_ref);
        target_of(self.roles.is_some(), self.database.as_ref(), object).unwrap_or(Target::Global)
    }

    /// The grantee: its attribute (`user` or `role`, also its kind in the id and messages)
    /// and name.
    fn grantee(&self) -> (&'static str, &str) {
        match (&self.user, &self.role) {
            (Some(u), _) => ("user", u),
            (None, r) => ("role", r.as_deref().unwrap_or_default()),
        }
    }

    fn who(&self) -> Grantee<'_> {
        match self.grantee() {
            ("user", name) => Grantee::User(name),
            (_, name) => Grantee::Role(name),
        }
    }

    /// The list the grant gives, as the user wrote it: `roles` when set (the target is then
    /// [`Target::Roles`]), else `privileges`.
    fn list(&self) -> &[String] {
        (self.roles.as_deref())
            .or(self.privileges.as_deref())
            .unwrap_or_default()
    }

    /// The tenant's mode as recorded; MySQL (OCP's default) when not recorded.
    fn mode(&self) -> Mode {
        Mode::from_ocp(self.tenant_mode.as_deref())
    }

    /// The tenant's mode: as recorded, else OCP's.
    async fn tenant_mode(&self, client: &OcpClient) -> Result<Mode, ClientError> {
        let recorded = Mode::recorded(self.tenant_mode.as_deref());
        mode_of(client, recorded, (self.cluster_id, self.tenant_id)).await
    }

    /// The grant's id, also its import id:
    /// `<cluster>/<tenant>/<user|role>/<grantee>/<target...>`.
    fn grant_id(&self) -> String {
        let (kind, name) = self.grantee();
        let mut parts = vec![
            self.cluster_id.to_string(),
            self.tenant_id.to_string(),
            kind.to_string(),
            name.to_string(),
        ];
        parts.extend(id_parts(&self.target()));
        import_id::join(&parts)
    }

    /// The model with its id and the tenant's mode recorded.
    fn recorded(&self, mode: Mode) -> GrantModel {
        GrantModel {
            id: Some(self.grant_id()),
            tenant_mode: Some(mode.name().into()),
            ..self.clone()
        }
    }

    /// The state for what the grantee holds on the grant's target (`held`, OCP's spelling):
    /// the entries of the grant's list OCP still has, in the user's spelling; everything held
    /// for an import.
    fn with_held(&self, mode: Mode, held: &[String]) -> GrantModel {
        let target = self.target();
        let mine: Option<Vec<&str>> =
            (self.id.is_some()).then(|| self.list().iter().map(String::as_str).collect());
        let owned = present(mode, target.scope(), mine.as_deref(), held, false);
        let mut m = self.recorded(mode);
        *match target {
            Target::Roles => &mut m.roles,
            _ => &mut m.privileges,
        } = Some(owned);
        m
    }

    /// Changes what the grantee holds on the grant's target from `from` to `to` (lists as the
    /// user writes them) in a tenant of `mode`: grants what `to` adds, then revokes what it
    /// removes, so the grantee never lacks a privilege both lists hold.
    async fn change(
        &self,
        client: &OcpClient,
        mode: Mode,
        lists: [&[String]; 2],
    ) -> Result<(), ClientError> {
        let [from, to] = lists.map(|l| BTreeMap::from([(self.target(), strs(l))]));
        let (tenant, who) = ((self.cluster_id, self.tenant_id), self.who());
        change_targets(client, mode, tenant, who, (&from, &to)).await
    }
}

/// What OCP says the grantee of `m` holds on the grant's target; None when the grantee is gone.
async fn actual(client: &OcpClient, m: &GrantModel) -> Result<Option<Vec<String>>, ClientError> {
    let tenant = (m.cluster_id, m.tenant_id);
    let held = match m.who() {
        Grantee::User(name) => holdings::<UserOwn>(client, tenant, name).await?,
        Grantee::Role(name) => holdings::<RoleOwn>(client, tenant, name).await?,
    };
    let target = m.target().compared();
    let on_target = |(t, _): &(Target, _)| t.clone().compared() == target;
    Ok(held.map(|h| (h.into_iter().find(on_target)).map_or_else(Vec::new, |(_, l)| l)))
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
        if is_set(&c.user).is_some_and(|u| Some(u) == is_set(&c.role)) {
            let why = "Set exactly one of `user` and `role`.";
            diags.attr_error(AttrPath::root("user"), "Invalid Grantee", why);
        }
        let Some(roles) = is_set(&c.roles) else {
            return;
        };
        if roles {
            refuse_duplicate_roles(&c.roles, diags);
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
        let scope = match (n > 0, database) {
            (true, _) => Scope::Object,
            (false, true) => Scope::Database,
            (false, false) => Scope::Global,
        };
        if let Some(p) = known_names(&c.privileges) {
            refuse_unknown(diags, "privileges", scope, p);
        }
    }

    /// Keeps the prior spelling of what the configuration means in another one (privileges
    /// as `all` or `create view`, a role or an Oracle name in another case), so spelling never
    /// causes a diff or a replacement.
    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        let Some((c, prior)) = plan_models::<GrantConfig>(req, resp, |g| &g.tenant_mode) else {
            return;
        };
        if let (Some((p, mode)), Some(target)) = (&prior, c.target()) {
            let mode = *mode;
            let one = |g| whole(target.clone(), known_names(g));
            let same = |l: fn(&GrantConfig) -> &Names| same(mode, &one(l(&c)), &one(l(p)));
            let names = |l: fn(&GrantConfig) -> &Option<Known<String>>| (l(&c), l(p));
            let keep = GrantConfig {
                privileges: kept(same(|g| &g.privileges), &p.privileges),
                roles: kept(same(|g| &g.roles), &p.roles),
                user: kept_name(mode, "user", names(|g| &g.user), resp),
                role: kept_name(mode, "role", names(|g| &g.role), resp),
                object_schema: kept_name(mode, "object_schema", names(|g| &g.object_schema), resp),
                object_name: kept_name(mode, "object_name", names(|g| &g.object_name), resp),
                object_type: kept_name(mode, "object_type", names(|g| &g.object_type), resp),
                ..GrantConfig::default()
            };
            replan_set(&keep, &self.schema(), resp);
        }
        if let Some(user) = known(&c.user) {
            ownership::note_additive(req.config, Some(user), &mut resp.diags);
        }
    }

    async fn create(&self, call: &mut Call<'_>, plan: &GrantModel) -> Step<Born<GrantModel>> {
        let client = call.client;
        let mode = (plan.tenant_mode(client).await)
            .map_err(|e| Fail::at(e, AttrPath::root("tenant_id")))?;
        let target = plan.target();
        let list = expanded(mode, target.scope(), plan.list());
        // A privilege the grantee holds already was not given by this grant, and destroying
        // the grant would revoke it: never take it over (design rule R2). A missing grantee
        // is the grant call's to report.
        let held = actual(client, plan).await?.unwrap_or_default();
        // The entries of the list that OCP has already, in any spelling (`present`).
        let taken = present(mode, target.scope(), Some(&strs(&list)), &held, false);
        if !taken.is_empty() {
            let scope = match &target {
                Target::Global => "globally".to_string(),
                Target::Roles => "as roles".to_string(),
                Target::Database(db) => format!("on database {db:?}"),
                Target::Object(o) => {
                    format!("on {} {}.{}", o.object_type, o.schema_name, o.object_name)
                }
            };
            let (kind, name) = plan.grantee();
            return Err(refuse_existing::<Self>(
                call.diags,
                format!(
                    "{kind} {name:?} in tenant {} of cluster {} holding {} {scope}",
                    plan.tenant_id,
                    plan.cluster_id,
                    taken.join(", ")
                ),
                plan.grant_id(),
                list_attr(&target),
            ));
        }
        if let Err(e) = plan.change(client, mode, [&[], plan.list()]).await {
            let attr = match e.is_not_found() {
                true => plan.grantee().0,
                false => list_attr(&target),
            };
            return Err(Fail::at(e, AttrPath::root(attr)));
        }
        Ok(Born::done(plan.recorded(mode)))
    }

    async fn read(&self, client: &OcpClient, base: &GrantModel) -> Found<GrantModel> {
        let mode = base.tenant_mode(client).await?;
        // A grantee that is gone takes its grants with it.
        Ok(actual(client, base)
            .await?
            .map(|held| base.with_held(mode, &held)))
    }

    async fn update(&self, call: &mut Call<'_>, c: Change<'_, GrantModel>) -> Step {
        let Change { prior, plan, .. } = c;
        let lists = [prior.list(), plan.list()];
        (prior.change(call.client, prior.mode(), lists).await)
            .map_err(|e| Fail::at(e, AttrPath::root(list_attr(&prior.target()))))
    }

    /// Revokes what the grant lists; a grantee that is gone took its grants with it (the
    /// adapter counts a "not found" as deleted).
    async fn delete(&self, call: &mut Call<'_>, state: &GrantModel) -> Step {
        let lists = [state.list(), &[]];
        Ok(state.change(call.client, state.mode(), lists).await?)
    }

    async fn import(&self, _client: Option<&OcpClient>, id: &str) -> Imported<GrantModel> {
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
            [who, name, kind @ ..] if who == "user" || who == "role" => {
                *(if who == "user" {
                    &mut m.user
                } else {
                    &mut m.role
                }) = Some(name.clone());
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

    /// A set value of strings.
    fn set_value(items: &[&str]) -> Value {
        Value::set(items.iter().map(|s| Value::string(*s)))
    }

    #[test]
    fn privileges_the_grantee_holds_already_are_found_in_any_spelling() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let db = Target::Database("orders".into());
        type Case<'a> = (&'a str, Target, &'a [&'a str], &'a [&'a str], &'a [&'a str]);
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
                Target::Global,
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
                Target::Roles,
                &["CONNECT"],
                &["connect"],
                &["CONNECT"],
            ),
            ("other roles", Target::Roles, &["DBA"], &["CONNECT"], &[]),
        ];
        for (name, target, want, held, taken) in cases {
            assert_eq!(
                present(Mode::Mysql, target.scope(), Some(want), &list(held), false),
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
        assert_eq!(
            model(&[("user", Value::string("u"))]).target(),
            Target::Global
        );
        assert_eq!(
            model(&[("database", Value::string("d"))]).target(),
            Target::Database("d".into())
        );
        assert_eq!(
            model(&[("roles", Value::Set(vec![]))]).target(),
            Target::Roles
        );
    }

    #[test]
    fn ids_escape_names_and_parse_back() {
        let s = model(&[
            ("user", Value::string("a/b")),
            ("database", Value::string("d")),
            ("privileges", set_value(&["SELECT"])),
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
        assert_eq!(roles.target(), Target::Roles);
        assert_eq!(
            roles.with_held(Mode::Oracle, &["CONNECT".into()]).roles,
            Some(vec!["CONNECT".to_string()])
        );
        let created = model(&[
            ("id", Value::string("1/2/user/u/global")),
            ("user", Value::string("u")),
            ("privileges", set_value(&["select"])),
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
                ("privileges", set_value(&["SELECT"])),
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
