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
//! `.../roles`. A `/` inside a name is written `\/`.

use crate::client::api::user::{
    DbObject, DbPrivilege, Grantee, ObjectPrivilege, PrivilegeOp, PrivilegeScope,
};
use crate::client::{ClientError, OcpClient};
use crate::framework::validate::OneOf;
use crate::framework::{
    Attr, AttrPath, CreateRequest, CreateResponse, Ctx, DeleteRequest, DeleteResponse, Diagnostics,
    ImportResponse, PlanRequest, PlanResponse, ReadRequest, ReadResponse, Resource, Schema,
    UpdateRequest, UpdateResponse,
};
use crate::value::{Type, Value};

use super::db_user::{
    keep_equivalent, keep_same_name, keep_same_names, managed, present_roles, same_name,
    tenant_mode, validate_unique_roles,
};
use super::privileges::{self, delta, expand, present, set_value, Mode, Scope, OBJECT_TYPES};
use super::{import_id, ownership, refuse_existing, report, tenant_attrs, tenant_of, Existing};

const IMPORT_FORM: &str = "\"<cluster_id>/<tenant_id>/<user|role>/<grantee>/global\", \".../database/<database>\", \".../object/<type>/<schema>/<object>\" or \".../roles\"";

/// The `ocp_db_grant` resource.
pub struct DbGrantResource;

/// Private bytes an import leaves for the first read: the grant then owns everything the
/// grantee holds in its scope (an import id cannot list privileges).
const IMPORT_MARK: &[u8] = b"imported";

/// What a grant is on.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Global,
    Database(String),
    Object(DbObject),
    Roles,
}

impl Kind {
    fn of(v: &Value) -> Option<Kind> {
        let s = |a: &str| v.get(a).and_then(Value::as_str).map(str::to_string);
        if v.get("roles").is_some_and(|r| !r.is_null()) {
            Some(Kind::Roles)
        } else if let Some(name) = s("object_name") {
            Some(Kind::Object(DbObject {
                object_type: s("object_type")?.to_ascii_uppercase(),
                schema_name: s("object_schema")?,
                object_name: name,
            }))
        } else if let Some(db) = s("database") {
            Some(Kind::Database(db))
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
}

/// The grantee of a value: `user` or `role`.
fn grantee_of(v: &Value) -> Option<(bool, &str)> {
    if let Some(u) = v.get("user").and_then(Value::as_str) {
        return Some((true, u));
    }
    v.get("role").and_then(Value::as_str).map(|r| (false, r))
}

fn grantee<'a>(is_user: bool, name: &'a str) -> Grantee<'a> {
    if is_user {
        Grantee::User(name)
    } else {
        Grantee::Role(name)
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

/// What OCP says the grantee holds in `kind`'s scope; None when the grantee is gone.
async fn actual(
    client: &OcpClient,
    c: i64,
    t: i64,
    is_user: bool,
    name: &str,
    kind: &Kind,
) -> Result<Option<Vec<String>>, ClientError> {
    let (global, dbs, objects, roles) = if is_user {
        match client.find_db_user(c, t, name).await? {
            None => return Ok(None),
            Some(u) => (
                u.global_privileges,
                u.db_privileges,
                u.object_privileges,
                u.roles,
            ),
        }
    } else {
        match client.find_db_role(c, t, name).await? {
            None => return Ok(None),
            Some(r) => (
                r.global_privileges,
                Vec::new(),
                r.object_privileges,
                r.roles,
            ),
        }
    };
    Ok(Some(match kind {
        Kind::Global => global,
        Kind::Roles => roles,
        Kind::Database(db) => dbs
            .into_iter()
            .find(|d| &d.db_name == db)
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

/// One grant or revoke call for `kind` with `list` (canonical names, or role names).
async fn change(
    client: &OcpClient,
    c: i64,
    t: i64,
    who: Grantee<'_>,
    op: PrivilegeOp,
    kind: &Kind,
    list: Vec<String>,
) -> Result<(), ClientError> {
    if list.is_empty() {
        return Ok(());
    }
    match kind {
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
        Kind::Database(db) => {
            let p = [DbPrivilege {
                db_name: db.clone(),
                privileges: list,
            }];
            client
                .change_privileges(c, t, who, op, PrivilegeScope::Db(&p))
                .await
        }
        Kind::Object(o) => {
            let p = [ObjectPrivilege {
                object: o.clone(),
                privileges: list,
            }];
            client
                .change_privileges(c, t, who, op, PrivilegeScope::Object(&p))
                .await
        }
    }
}

fn list_attr(kind: &Kind) -> &'static str {
    if *kind == Kind::Roles {
        "roles"
    } else {
        "privileges"
    }
}

/// The grant's id, also its import id: `<cluster>/<tenant>/<user|role>/<grantee>/<scope...>`.
fn grant_id(c: i64, t: i64, is_user: bool, name: &str, kind: &Kind) -> String {
    let mut parts = vec![
        c.to_string(),
        t.to_string(),
        if is_user { "user" } else { "role" }.to_string(),
        name.to_string(),
    ];
    parts.extend(kind.id_parts());
    import_id::join(&parts)
}

fn state_from(base: &Value, kind: &Kind, mode: Mode, c: i64, t: i64, held: &[String]) -> Value {
    let mut s = base.clone();
    let (is_user, name) = grantee_of(base).unwrap_or((true, ""));
    s.set_attr("id", Value::string(grant_id(c, t, is_user, name, kind)));
    s.set_attr(
        "tenant_mode",
        Value::string(if mode == Mode::Oracle {
            "ORACLE"
        } else {
            "MYSQL"
        }),
    );
    let attr = list_attr(kind);
    let mine = managed(base, attr);
    let owned = if *kind == Kind::Roles {
        present_roles(mode, mine.as_deref(), held, false)
    } else {
        present(mode, kind.scope(), mine.as_deref(), held, false)
    };
    s.set_attr(attr, set_value(&owned));
    s
}

#[tonic::async_trait]
impl Resource for DbGrantResource {
    fn type_name(&self) -> &'static str {
        "ocp_db_grant"
    }

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
        // Whether an attribute is set: `None` while unknown (it may still turn out null), so
        // no rule judges a value that is not known yet.
        let set = |a: &str| match config.get(a) {
            Some(v) if v.is_unknown() => None,
            Some(v) => Some(!v.is_null()),
            None => Some(false),
        };
        let is = |a: &str| set(a) == Some(true);
        if let (Some(u), Some(r)) = (set("user"), set("role")) {
            if u == r {
                diags.attr_error(
                    AttrPath::root("user"),
                    "Invalid Grantee",
                    "Set exactly one of `user` and `role`.",
                );
            }
        }
        match set("roles") {
            None => return,
            Some(true) => {
                validate_unique_roles(config, diags);
                for other in ["privileges", "database", "object_name"] {
                    if is(other) {
                        diags.attr_error(AttrPath::root(other), "Conflicting Grant", format!("A grant of `roles` cannot also set `{other}`; use a separate ocp_db_grant."));
                    }
                }
                return;
            }
            Some(false) => {}
        }
        if set("privileges") == Some(false) {
            diags.attr_error(
                AttrPath::root("privileges"),
                "Missing Privileges",
                "Set `privileges` (or `roles` for a grant of roles).",
            );
        }
        let object = ["object_type", "object_schema", "object_name"];
        let object_known = object.iter().all(|a| set(a).is_some());
        let n = object.iter().filter(|a| is(a)).count();
        if object_known && n != 0 && n != 3 {
            for a in object.iter().filter(|a| !is(a)) {
                diags.attr_error(AttrPath::root(*a), "Incomplete Object", format!("An object grant needs `object_type`, `object_schema` and `object_name`; `{a}` is missing."));
            }
        }
        if n > 0 && is("database") {
            diags.attr_error(
                AttrPath::root("database"),
                "Conflicting Grant",
                "Set either `database` or the object, not both.",
            );
        }
        if !object_known || set("database").is_none() {
            return; // the scope the privileges are checked against is not known yet
        }
        let scope = if n > 0 {
            Scope::Object
        } else if is("database") {
            Scope::Database
        } else {
            Scope::Global
        };
        if let Some(p) = config.get("privileges").filter(|p| !p.is_unknown()) {
            let bad = privileges::unknown(scope, privileges::strings(p));
            if !bad.is_empty() {
                diags.attr_error(AttrPath::root("privileges"), "Unknown Privilege", format!("Attribute privileges holds {bad:?}, which OCP does not know for a {scope:?} grant. Known: {:?} (MySQL) and {:?} (Oracle).", privileges::vocabulary(Mode::Mysql, scope), privileges::vocabulary(Mode::Oracle, scope)));
            }
        }
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        if let Some(kind) = Kind::of(req.config) {
            if kind == Kind::Roles {
                keep_same_names(req, resp, "roles");
            } else {
                keep_equivalent(req, resp, "privileges", kind.scope());
            }
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
        if let Some((true, user)) = grantee_of(req.config) {
            ownership::note_additive(req.config, Some(user), &mut resp.diags);
        }
    }

    async fn create(&self, ctx: &Ctx, req: CreateRequest, resp: &mut CreateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let plan = &req.plan;
        let (Some((c, t)), Some((is_user, name)), Some(kind)) =
            (tenant_of(plan), grantee_of(plan), Kind::of(plan))
        else {
            return;
        };
        let mode = match tenant_mode(client, plan, c, t).await {
            Ok(m) => m,
            Err(e) => {
                return report(
                    &mut resp.diags,
                    "Create Grant",
                    Some(AttrPath::root("tenant_id")),
                    &e,
                )
            }
        };
        let attr = list_attr(&kind);
        let want = managed(plan, attr).unwrap_or_default();
        let list: Vec<String> = if kind == Kind::Roles {
            want.iter().map(|s| s.to_string()).collect()
        } else {
            expand(mode, kind.scope(), want).into_iter().collect()
        };
        // A privilege the grantee holds already was not given by this grant, and destroying
        // the grant would revoke it: never take it over (design rule R2).
        let held = match actual(client, c, t, is_user, name, &kind).await {
            Ok(Some(held)) => held,
            Ok(None) => Vec::new(), // the grant call below reports the missing grantee
            Err(e) => return report(&mut resp.diags, "Create Grant", None, &e),
        };
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
            return refuse_existing(
                &mut resp.diags,
                Existing {
                    type_name: "ocp_db_grant",
                    noun: "Grant",
                    what: format!(
                        "{} {name:?} in tenant {t} of cluster {c} holding {} {scope}",
                        if is_user { "user" } else { "role" },
                        taken.join(", ")
                    ),
                    import_id: grant_id(c, t, is_user, name, &kind),
                    attr,
                },
            );
        }
        if let Err(e) = change(
            client,
            c,
            t,
            grantee(is_user, name),
            PrivilegeOp::Grant,
            &kind,
            list,
        )
        .await
        {
            let path = if e.is_not_found() {
                if is_user {
                    "user"
                } else {
                    "role"
                }
            } else {
                attr
            };
            return report(
                &mut resp.diags,
                "Create Grant",
                Some(AttrPath::root(path)),
                &e,
            );
        }
        match actual(client, c, t, is_user, name, &kind).await {
            Ok(Some(held)) => resp.state = state_from(plan, &kind, mode, c, t, &held),
            Ok(None) => resp.diags.attr_error(
                AttrPath::root(if is_user { "user" } else { "role" }),
                "Grantee Not Found",
                format!("{name:?} disappeared right after the grant."),
            ),
            Err(e) => report(&mut resp.diags, "Read Grant After Create", None, &e),
        }
    }

    async fn read(&self, ctx: &Ctx, req: ReadRequest, resp: &mut ReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let s = &req.state;
        let (Some((c, t)), Some((is_user, name)), Some(kind)) =
            (tenant_of(s), grantee_of(s), Kind::of(s))
        else {
            return;
        };
        let mode = match tenant_mode(client, s, c, t).await {
            Ok(m) => m,
            Err(e) if e.is_not_found() => return resp.remove(),
            Err(e) => return report(&mut resp.diags, "Read Grant", None, &e),
        };
        let mut base = s.clone();
        if req.private == IMPORT_MARK {
            base.set_attr(list_attr(&kind), Value::Null);
            resp.private = Vec::new();
        }
        match actual(client, c, t, is_user, name, &kind).await {
            // A grantee that is gone takes its grants with it.
            Ok(None) => resp.remove(),
            Ok(Some(held)) => {
                let mut st = state_from(&base, &kind, mode, c, t, &held);
                if *list_attr(&kind) == *"roles" && st.get("roles").is_some_and(Value::is_null) {
                    st.set_attr("roles", Value::Set(Vec::new()));
                }
                resp.state = Some(st)
            }
            Err(e) if e.is_not_found() => resp.remove(),
            Err(e) => report(&mut resp.diags, "Read Grant", None, &e),
        }
    }

    async fn update(&self, ctx: &Ctx, req: UpdateRequest, resp: &mut UpdateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (prior, plan) = (&req.prior, &req.plan);
        let (Some((c, t)), Some((is_user, name)), Some(kind)) =
            (tenant_of(prior), grantee_of(prior), Kind::of(prior))
        else {
            return;
        };
        let mode = Mode::of_state(prior).unwrap_or(Mode::Mysql);
        let attr = list_attr(&kind);
        let (have, want) = (
            managed(prior, attr).unwrap_or_default(),
            managed(plan, attr).unwrap_or_default(),
        );
        let (grant, revoke) = if kind == Kind::Roles {
            (
                want.iter()
                    .filter(|w| !have.iter().any(|h| same_name(mode, h, w)))
                    .map(|s| s.to_string())
                    .collect(),
                have.iter()
                    .filter(|h| !want.iter().any(|w| same_name(mode, h, w)))
                    .map(|s| s.to_string())
                    .collect(),
            )
        } else {
            delta(mode, kind.scope(), have, want)
        };
        let who = grantee(is_user, name);
        // Grant first, then revoke: the grantee never lacks a privilege both lists hold.
        let mut result = change(client, c, t, who, PrivilegeOp::Grant, &kind, grant).await;
        if result.is_ok() {
            result = change(client, c, t, who, PrivilegeOp::Revoke, &kind, revoke).await;
        }
        if let Err(e) = &result {
            report(
                &mut resp.diags,
                "Update Grant",
                Some(AttrPath::root(attr)),
                e,
            );
        }
        match actual(client, c, t, is_user, name, &kind).await {
            Ok(Some(held)) => resp.state = state_from(plan, &kind, mode, c, t, &held),
            Ok(None) => resp.diags.error(
                "Unable to Update Grant",
                format!("{name:?} disappeared during the update."),
            ),
            Err(e) => report(&mut resp.diags, "Read Grant After Update", None, &e),
        }
    }

    async fn delete(&self, ctx: &Ctx, req: DeleteRequest, resp: &mut DeleteResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let s = &req.state;
        let (Some((c, t)), Some((is_user, name)), Some(kind)) =
            (tenant_of(s), grantee_of(s), Kind::of(s))
        else {
            return;
        };
        let mode = Mode::of_state(s).unwrap_or(Mode::Mysql);
        let owned = managed(s, list_attr(&kind)).unwrap_or_default();
        let list: Vec<String> = if kind == Kind::Roles {
            owned.iter().map(|s| s.to_string()).collect()
        } else {
            expand(mode, kind.scope(), owned).into_iter().collect()
        };
        match change(
            client,
            c,
            t,
            grantee(is_user, name),
            PrivilegeOp::Revoke,
            &kind,
            list,
        )
        .await
        {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => report(&mut resp.diags, "Revoke Grant", None, &e),
        }
    }

    async fn import(&self, _ctx: &Ctx, id: &str, resp: &mut ImportResponse) {
        let bad = |why: &str| {
            format!("Expected an import id of the form {IMPORT_FORM}, got {id:?}: {why}.")
        };
        let (c, t, rest) = match import_id::tenant_scoped(id, IMPORT_FORM) {
            Ok(x) => x,
            Err(e) => return resp.diags.error("Invalid Import ID", e),
        };
        let (who, name, kind_parts) = match rest.as_slice() {
            [who, name, kind @ ..] if who == "user" || who == "role" => {
                (who.as_str(), name.clone(), kind)
            }
            _ => {
                return resp.diags.error(
                    "Invalid Import ID",
                    bad("the third part must be `user` or `role`"),
                )
            }
        };
        let mut state = vec![
            ("cluster_id", Value::from_i64(c)),
            ("tenant_id", Value::from_i64(t)),
            (
                if who == "user" { "user" } else { "role" },
                Value::string(name),
            ),
        ];
        match kind_parts {
            [k] if k == "global" => state.push(("privileges", Value::Null)),
            [k] if k == "roles" => state.push(("roles", Value::Set(Vec::new()))),
            [k, db] if k == "database" => state.push(("database", Value::string(db.clone()))),
            [k, ty, schema, obj] if k == "object" => {
                state.push(("object_type", Value::string(ty.to_ascii_uppercase())));
                state.push(("object_schema", Value::string(schema.clone())));
                state.push(("object_name", Value::string(obj.clone())));
            }
            _ => return resp.diags.error("Invalid Import ID", bad("after the grantee comes `global`, `database/<database>`, `object/<type>/<schema>/<object>` or `roles`")),
        }
        resp.state = Some(Value::object(state));
        resp.private = IMPORT_MARK.to_vec();
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

    #[test]
    fn the_kind_follows_the_attributes_set() {
        assert_eq!(
            Kind::of(&grant(&[("user", Value::string("u"))])),
            Some(Kind::Global)
        );
        assert_eq!(
            Kind::of(&grant(&[("database", Value::string("d"))])),
            Some(Kind::Database("d".into()))
        );
        assert_eq!(
            Kind::of(&grant(&[("roles", Value::Set(vec![]))])),
            Some(Kind::Roles)
        );
    }

    #[test]
    fn ids_escape_names_and_parse_back() {
        let s = state_from(
            &grant(&[
                ("user", Value::string("a/b")),
                ("database", Value::string("d")),
                ("privileges", Value::Null),
            ]),
            &Kind::Database("d".into()),
            Mode::Mysql,
            1,
            2,
            &["SELECT".into()],
        );
        assert_eq!(
            s.get("id").and_then(Value::as_str),
            Some("1/2/user/a\\/b/database/d")
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut r = ImportResponse::default();
        let ctx = Ctx::new(None, tokio_util::sync::CancellationToken::new());
        rt.block_on(DbGrantResource.import(&ctx, "1/2/user/a\\/b/database/d", &mut r));
        let st = r.state.unwrap();
        assert_eq!(st.get("user").and_then(Value::as_str), Some("a/b"));
        assert_eq!(st.get("database").and_then(Value::as_str), Some("d"));
    }

    #[test]
    fn a_bad_import_id_prints_the_expected_form() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let ctx = Ctx::new(None, tokio_util::sync::CancellationToken::new());
        for id in ["1/2/someone/x/global", "1/2/user/x/tables", "1/2/user/x"] {
            let mut r = ImportResponse::default();
            rt.block_on(DbGrantResource.import(&ctx, id, &mut r));
            assert!(
                r.diags.0[0]
                    .detail
                    .contains("<cluster_id>/<tenant_id>/<user|role>/<grantee>/global"),
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
}
