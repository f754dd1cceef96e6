//! The `ocp_db_role` resource and the `ocp_db_role` data source (Oracle-mode tenants: OCP's
//! role calls and the `roles` of users are Oracle-only, ocp-api.md §3.6). Privileges set on
//! the role are authoritative, as on `ocp_db_user`.

use crate::client::api::user::{CreateDbRole, DbRole, Grantee};
use crate::client::Created;
use crate::framework::{
    Attr, AttrPath, CreateRequest, CreateResponse, Ctx, DataReadRequest, DataReadResponse,
    DataSource, DeleteRequest, DeleteResponse, Diagnostics, ImportResponse, PlanRequest,
    PlanResponse, ReadRequest, ReadResponse, Resource, Schema, UpdateRequest, UpdateResponse,
};
use crate::value::{Type, Value};

use super::db_user::{
    apply_privileges, keep_equivalent, keep_same_name, keep_same_names, managed, present_roles,
    same_name, tenant_mode, validate_privileges, validate_unique_roles,
};
use super::privileges::{self, present, set_value, Mode, Scope};
use super::{
    import_id, ownership, refuse_existing, report, tenant_attrs, tenant_of, Existing,
    DB_OBJECT_NAME,
};

const IMPORT_FORM: &str = "\"<cluster_id>/<tenant_id>/<role_name>\"";

/// The `ocp_db_role` resource.
pub struct DbRoleResource;

fn state_from(r: &DbRole, base: &Value, mode: Mode, c: i64, t: i64) -> Value {
    let mut s = base.clone();
    if !matches!(s, Value::Object(_)) {
        s = Value::object(Vec::<(String, Value)>::new());
    }
    let name = match base.get("name").and_then(Value::as_str) {
        Some(mine) if same_name(mode, mine, &r.role_name) => mine.to_string(),
        _ => r.role_name.clone(),
    };
    s.set_attr(
        "id",
        Value::string(import_id::join(&[
            c.to_string(),
            t.to_string(),
            name.clone(),
        ])),
    );
    s.set_attr("cluster_id", Value::from_i64(c));
    s.set_attr("tenant_id", Value::from_i64(t));
    s.set_attr("name", Value::string(name));
    s.set_attr(
        "tenant_mode",
        Value::string(if mode == Mode::Oracle {
            "ORACLE"
        } else {
            "MYSQL"
        }),
    );
    s.set_attr("create_time", Value::opt_string(r.create_time.clone()));
    let global = present(
        mode,
        Scope::Global,
        managed(base, "global_privileges").as_deref(),
        &r.global_privileges,
        true,
    );
    s.set_attr("global_privileges", set_value(&global));
    let roles = present_roles(mode, managed(base, "roles").as_deref(), &r.roles, true);
    s.set_attr("roles", set_value(&roles));
    s
}

#[tonic::async_trait]
impl Resource for DbRoleResource {
    fn type_name(&self) -> &'static str {
        "ocp_db_role"
    }

    fn schema(&self) -> Schema {
        tenant_attrs(Schema::new("A role of an Oracle-mode tenant (OCP offers roles only in Oracle mode). Privileges and roles set here are authoritative for the role."), "role")
            .attr("id", Attr::string().computed().use_state_for_unknown().doc("`<cluster_id>/<tenant_id>/<name>`, also the import id."))
            .attr("name", Attr::string().required().requires_replace().validate(DB_OBJECT_NAME).doc("Role name; OCP stores it in upper case. Changing it replaces the role."))
            .attr("global_privileges", Attr::set(Type::String).optional().computed().use_state_for_unknown().doc("System privileges of the role, e.g. `CREATE_SESSION`, `CREATE_TABLE`, or `ALL`. When set, Terraform owns the whole list. Left out, the list is not managed."))
            .attr("roles", Attr::set(Type::String).optional().computed().use_state_for_unknown().doc("Roles granted to this role, e.g. `CONNECT`. When set, Terraform owns the whole list. Left out, the list is not managed."))
            .attr("tenant_mode", Attr::string().computed().use_state_for_unknown().doc("Mode of the tenant, read from OCP (always `ORACLE` for a role)."))
            .attr("create_time", Attr::string().computed().use_state_for_unknown().doc("When the role was created (ISO-8601 with offset)."))
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        validate_privileges(config, diags);
        validate_unique_roles(config, diags);
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        keep_equivalent(req, resp, "global_privileges", Scope::Global);
        keep_same_names(req, resp, "roles");
        keep_same_name(req, resp, "name");
        if ["global_privileges", "roles"]
            .iter()
            .any(|a| req.config.get(a).is_some_and(|v| !v.is_null()))
        {
            ownership::note_authoritative(req.config, &mut resp.diags);
        }
    }

    async fn create(&self, ctx: &Ctx, req: CreateRequest, resp: &mut CreateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let plan = &req.plan;
        let (Some((c, t)), Some(name)) =
            (tenant_of(plan), plan.get("name").and_then(Value::as_str))
        else {
            return;
        };
        let mode = match tenant_mode(client, plan, c, t).await {
            Ok(m) => m,
            Err(e) => {
                return report(
                    &mut resp.diags,
                    "Create Database Role",
                    Some(AttrPath::root("tenant_id")),
                    &e,
                )
            }
        };
        if mode != Mode::Oracle {
            return resp.diags.attr_error(
                AttrPath::root("tenant_id"),
                "Roles Need an Oracle-Mode Tenant",
                format!("Tenant {t} is in MySQL mode; OCP manages roles only in Oracle-mode tenants. Grant privileges to users directly, with ocp_db_user or ocp_db_grant."),
            );
        }
        let body = CreateDbRole {
            role_name: name.to_string(),
            // OCP takes privilege names only: `ALL` is expanded here, state keeps it.
            global_privileges: privileges::expand(
                mode,
                Scope::Global,
                managed(plan, "global_privileges").unwrap_or_default(),
            )
            .into_iter()
            .collect(),
            roles: managed(plan, "roles")
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect(),
        };
        let role = match client.create_db_role(c, t, &body).await {
            Ok(Created::New(r)) | Ok(Created::Adopted(r)) => r,
            Ok(Created::Existing(r)) => {
                return refuse_existing(
                    &mut resp.diags,
                    Existing {
                        type_name: "ocp_db_role",
                        noun: "Database Role",
                        what: format!("role {:?} in tenant {t} of cluster {c}", r.role_name),
                        import_id: import_id::join(&[
                            c.to_string(),
                            t.to_string(),
                            r.role_name.clone(),
                        ]),
                        attr: "name",
                    },
                )
            }
            Err(e) => {
                let m = e.to_string().to_ascii_lowercase();
                let path = if m.contains("privilege") {
                    "global_privileges"
                } else if m.contains("role") && !m.contains("rolename") {
                    "roles"
                } else {
                    "name"
                };
                return report(
                    &mut resp.diags,
                    "Create Database Role",
                    Some(AttrPath::root(path)),
                    &e,
                );
            }
        };
        let mut state = plan.clone();
        state.set_attr("tenant_mode", Value::string("ORACLE"));
        resp.state = state_from(&role, &state, mode, c, t);
        match client.find_db_role(c, t, &role.role_name).await {
            Ok(Some(r)) => resp.state = state_from(&r, &state, mode, c, t),
            Ok(None) => resp.diags.error(
                "Unable to Create Database Role",
                format!("Role {name:?} was not found right after OCP created it."),
            ),
            Err(e) => report(&mut resp.diags, "Read Database Role After Create", None, &e),
        }
    }

    async fn read(&self, ctx: &Ctx, req: ReadRequest, resp: &mut ReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (Some((c, t)), Some(name)) = (
            tenant_of(&req.state),
            req.state.get("name").and_then(Value::as_str),
        ) else {
            return;
        };
        let mode = match tenant_mode(client, &req.state, c, t).await {
            Ok(m) => m,
            Err(e) => return report(&mut resp.diags, "Read Database Role", None, &e),
        };
        match client.find_db_role(c, t, name).await {
            Ok(Some(r)) => resp.state = Some(state_from(&r, &req.state, mode, c, t)),
            Ok(None) => resp.remove(),
            Err(e) if e.is_not_found() => resp.remove(),
            Err(e) => report(&mut resp.diags, "Read Database Role", None, &e),
        }
    }

    async fn update(&self, ctx: &Ctx, req: UpdateRequest, resp: &mut UpdateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (prior, plan) = (&req.prior, &req.plan);
        let (Some((c, t)), Some(name)) =
            (tenant_of(prior), prior.get("name").and_then(Value::as_str))
        else {
            return;
        };
        let mode = Mode::of_state(prior).unwrap_or(Mode::Oracle);
        let failed = apply_privileges(client, c, t, Grantee::Role(name), mode, prior, plan)
            .await
            .err();
        if let Some((attr, e)) = &failed {
            report(
                &mut resp.diags,
                "Update Database Role",
                Some(AttrPath::root(*attr)),
                e,
            );
        }
        match client.find_db_role(c, t, name).await {
            Ok(Some(r)) => resp.state = state_from(&r, plan, mode, c, t),
            Ok(None) => resp.diags.error(
                "Unable to Update Database Role",
                format!("Role {name:?} disappeared during the update."),
            ),
            Err(e) => report(&mut resp.diags, "Read Database Role After Update", None, &e),
        }
    }

    async fn delete(&self, ctx: &Ctx, req: DeleteRequest, resp: &mut DeleteResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (Some((c, t)), Some(name)) = (
            tenant_of(&req.state),
            req.state.get("name").and_then(Value::as_str),
        ) else {
            return;
        };
        match client.delete_db_role(c, t, name).await {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => report(&mut resp.diags, "Delete Database Role", None, &e),
        }
    }

    async fn import(&self, _ctx: &Ctx, id: &str, resp: &mut ImportResponse) {
        match import_id::tenant_scoped(id, IMPORT_FORM) {
            Ok((c, t, rest)) if rest.len() == 1 => {
                resp.state = Some(Value::object([
                    ("cluster_id", Value::from_i64(c)),
                    ("tenant_id", Value::from_i64(t)),
                    ("name", Value::string(rest[0].clone())),
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

/// `data "ocp_db_role"`: one role of an Oracle-mode tenant.
pub struct DbRoleDataSource;

#[tonic::async_trait]
impl DataSource for DbRoleDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_db_role"
    }

    fn schema(&self) -> Schema {
        Schema::new("Reads one role of an Oracle-mode tenant.")
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
            .attr(
                "name",
                Attr::string().required().doc("Role name, e.g. `CONNECT`."),
            )
            .attr(
                "global_privileges",
                Attr::set(Type::String)
                    .computed()
                    .doc("System privileges of the role, in OCP's spelling."),
            )
            .attr(
                "roles",
                Attr::set(Type::String)
                    .computed()
                    .doc("Roles granted to the role."),
            )
            .attr(
                "create_time",
                Attr::string()
                    .computed()
                    .doc("When the role was created (ISO-8601 with offset)."),
            )
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (Some((c, t)), Some(name)) = (
            tenant_of(&req.config),
            req.config.get("name").and_then(Value::as_str),
        ) else {
            return;
        };
        match client.find_db_role(c, t, name).await {
            Ok(Some(r)) => {
                let mut s = req.config.clone();
                s.set_attr("global_privileges", set_value(&r.global_privileges));
                s.set_attr("roles", set_value(&r.roles));
                s.set_attr("create_time", Value::opt_string(r.create_time.clone()));
                resp.state = s;
            }
            Ok(None) => resp.diags.attr_error(
                AttrPath::root("name"),
                "Role Not Found",
                format!("Tenant {t} has no role {name:?}."),
            ),
            Err(e) => report(&mut resp.diags, "Read Database Role", None, &e),
        }
    }
}
