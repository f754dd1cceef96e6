//! The `ocp_db_role` resource and the `ocp_db_role` data source (Oracle-mode tenants: OCP's
//! role calls and the `roles` of users are Oracle-only, ocp-api.md §3.6). Privileges set on
//! the role are authoritative, as on `ocp_db_user`, whose privilege code roles share.

use serde::{Deserialize, Serialize};

use crate::client::api::user::{CreateDbRole, DbRole, Grantee};
use crate::client::{ClientError, Created, OcpClient};
use crate::framework::{Attr, AttrPath, Diagnostics, PlanRequest, PlanResponse, Schema};
use crate::lifecycle::{Born, Call, Fail, ImportError, OcpData, OcpObject};
use crate::value::{Type, Value};

use super::db_user::{
    apply_privileges, expanded, failed_at, import_named, mode_of, named, plan_grants, refuse,
    validate_grants, Grants, Selector,
};
use super::privileges::{Mode, Scope};
use super::{tenant_attrs, DB_OBJECT_NAME};

const IMPORT_FORM: &str = "\"<cluster_id>/<tenant_id>/<role_name>\"";

/// The `ocp_db_role` resource.
pub struct DbRoleResource;

/// The model of `ocp_db_role` (state, plan and import alike) and of `data "ocp_db_role"`,
/// whose schema has neither `id` nor `tenant_mode`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DbRoleModel {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    cluster_id: i64,
    tenant_id: i64,
    name: String,
    global_privileges: Option<Vec<String>>,
    roles: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_mode: Option<String>,
    create_time: Option<String>,
}

impl DbRoleModel {
    fn grants(&self) -> Grants<'_> {
        Grants::of(&self.global_privileges, &self.roles)
    }

    /// The model of what OCP has, over `base` (the user's spellings where they mean what OCP
    /// has).
    fn from_ocp(r: DbRole, base: &DbRoleModel, mode: Mode) -> DbRoleModel {
        let tenant = (base.cluster_id, base.tenant_id);
        let (id, name) = named(mode, tenant, &base.name, r.role_name);
        let (global_privileges, roles) =
            base.grants().present(mode, &r.global_privileges, &r.roles);
        DbRoleModel {
            id: Some(id),
            name,
            global_privileges,
            roles,
            tenant_mode: Some(mode.name().to_string()),
            create_time: r.create_time,
            ..base.clone()
        }
    }
}

/// OCP's request fields and the attributes they come from.
const FIELDS: &[(&str, &str)] = &[
    ("roleName", "name"),
    ("globalPrivileges", "global_privileges"),
    ("roles", "roles"),
];

#[tonic::async_trait]
impl OcpObject for DbRoleResource {
    type Model = DbRoleModel;
    const TYPE_NAME: &'static str = "ocp_db_role";
    const NOUN: &'static str = "Database Role";
    const FIELDS: &'static [(&'static str, &'static str)] = FIELDS;

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
        validate_grants(config, diags);
    }

    fn modify_plan(&self, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        plan_grants(&self.schema(), req, resp);
    }

    async fn create(
        &self,
        call: &mut Call<'_>,
        plan: &DbRoleModel,
    ) -> Result<Born<DbRoleModel>, Fail> {
        let (c, t) = (plan.cluster_id, plan.tenant_id);
        let mode = mode_of(call.client, None, c, t)
            .await
            .map_err(|e| Fail::at(e, AttrPath::root("tenant_id")))?;
        if mode != Mode::Oracle {
            call.diags.attr_error(
                AttrPath::root("tenant_id"),
                "Roles Need an Oracle-Mode Tenant",
                format!("Tenant {t} is in MySQL mode; OCP manages roles only in Oracle-mode tenants. Grant privileges to users directly, with ocp_db_user or ocp_db_grant."),
            );
            return Err(Fail::Reported);
        }
        let g = plan.grants();
        let body = CreateDbRole {
            role_name: plan.name.clone(),
            global_privileges: expanded(mode, Scope::Global, &g.global.unwrap_or_default()),
            roles: plan.roles.clone().unwrap_or_default(),
        };
        match call.client.create_db_role(c, t, &body).await? {
            Created::New(_) | Created::Adopted(_) => Ok(Born::done(DbRoleModel {
                id: Some(named(mode, (c, t), &plan.name, plan.name.clone()).0),
                tenant_mode: Some(mode.name().to_string()),
                ..plan.clone()
            })),
            Created::Existing(r) => Err(refuse::<Self>(
                call.diags,
                "role",
                &r.role_name,
                (c, t),
                "name",
            )),
        }
    }

    async fn read(
        &self,
        client: &OcpClient,
        base: &DbRoleModel,
    ) -> Result<Option<DbRoleModel>, ClientError> {
        let (c, t) = (base.cluster_id, base.tenant_id);
        let mode = mode_of(client, Mode::recorded(base.tenant_mode.as_deref()), c, t).await?;
        let role = client.find_db_role(c, t, &base.name).await?;
        Ok(role.map(|r| DbRoleModel::from_ocp(r, base, mode)))
    }

    async fn update(
        &self,
        call: &mut Call<'_>,
        prior: &DbRoleModel,
        plan: &DbRoleModel,
        _base: &mut DbRoleModel,
    ) -> Result<(), Fail> {
        let mode = Mode::recorded(prior.tenant_mode.as_deref()).unwrap_or(Mode::Oracle);
        let grantee = Grantee::Role(&prior.name);
        let tenant = (prior.cluster_id, prior.tenant_id);
        apply_privileges(
            call.client,
            tenant,
            grantee,
            mode,
            &prior.grants(),
            &plan.grants(),
        )
        .await
        .map_err(failed_at)
    }

    async fn delete(&self, call: &mut Call<'_>, state: &DbRoleModel) -> Result<(), Fail> {
        call.client
            .delete_db_role(state.cluster_id, state.tenant_id, &state.name)
            .await?;
        Ok(())
    }

    async fn import(
        &self,
        _client: Option<&OcpClient>,
        id: &str,
    ) -> Result<DbRoleModel, ImportError> {
        let (cluster_id, tenant_id, name) = import_named(id, IMPORT_FORM)?;
        Ok(DbRoleModel {
            cluster_id,
            tenant_id,
            name,
            ..DbRoleModel::default()
        })
    }
}

/// `data "ocp_db_role"`: one role of an Oracle-mode tenant.
pub struct DbRoleDataSource;

#[tonic::async_trait]
impl OcpData for DbRoleDataSource {
    type Config = Selector;
    type State = DbRoleModel;
    const TYPE_NAME: &'static str = "ocp_db_role";
    const ACTION: &'static str = "Read Database Role";

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

    async fn read(
        &self,
        client: &OcpClient,
        sel: Selector,
        diags: &mut Diagnostics,
    ) -> Result<DbRoleModel, Fail> {
        let base = DbRoleModel {
            cluster_id: sel.cluster_id,
            tenant_id: sel.tenant_id,
            name: sel.name.unwrap_or_default(),
            ..DbRoleModel::default()
        };
        let found = client
            .find_db_role(base.cluster_id, base.tenant_id, &base.name)
            .await?;
        let Some(r) = found else {
            diags.attr_error(
                AttrPath::root("name"),
                "Role Not Found",
                format!("Tenant {} has no role {:?}.", base.tenant_id, base.name),
            );
            return Err(Fail::Reported);
        };
        // Roles exist only in Oracle mode; the data source has no id or mode.
        Ok(DbRoleModel {
            id: None,
            tenant_mode: None,
            ..DbRoleModel::from_ocp(r, &base, Mode::Oracle)
        })
    }
}

/// One role of `data "ocp_db_roles"`.
#[derive(Serialize)]
pub struct RoleEntry {
    name: String,
    global_privileges: Option<Vec<String>>,
    roles: Option<Vec<String>>,
    create_time: Option<String>,
}

/// The state of `data "ocp_db_roles"`.
#[derive(Serialize)]
pub struct RolesList {
    cluster_id: i64,
    tenant_id: i64,
    roles: Vec<RoleEntry>,
}

/// `data "ocp_db_roles"`: every role of an Oracle-mode tenant.
pub struct DbRolesDataSource;

#[tonic::async_trait]
impl OcpData for DbRolesDataSource {
    type Config = Selector;
    type State = RolesList;
    const TYPE_NAME: &'static str = "ocp_db_roles";
    const ACTION: &'static str = "List Database Roles";

    fn schema(&self) -> Schema {
        let role =
            DbRoleDataSource
                .schema()
                .pick(&["name", "global_privileges", "roles", "create_time"]);
        Schema::new("Lists the roles of an Oracle-mode tenant with their privileges.")
            .attr("cluster_id", Attr::int().required().doc("OCP id of the cluster that hosts the tenant."))
            .attr("tenant_id", Attr::int().required().doc("OCP id of the tenant."))
            .attr("roles", Attr::list(role).computed().doc("The roles by name, each with `name`, `global_privileges`, `roles` and `create_time`."))
    }

    async fn read(
        &self,
        client: &OcpClient,
        sel: Selector,
        _: &mut Diagnostics,
    ) -> Result<RolesList, Fail> {
        let (cluster_id, tenant_id) = (sel.cluster_id, sel.tenant_id);
        let base = DbRoleModel {
            cluster_id,
            tenant_id,
            ..DbRoleModel::default()
        };
        let mut roles: Vec<RoleEntry> = client
            .list_db_roles(cluster_id, tenant_id)
            .await?
            .into_iter()
            .map(|r| {
                let m = DbRoleModel::from_ocp(r, &base, Mode::Oracle);
                RoleEntry {
                    name: m.name,
                    global_privileges: m.global_privileges,
                    roles: m.roles,
                    create_time: m.create_time,
                }
            })
            .collect();
        roles.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(RolesList {
            cluster_id,
            tenant_id,
            roles,
        })
    }
}
