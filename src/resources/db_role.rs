//! The `ocp_db_role` resource and the `ocp_db_role` / `ocp_db_roles` data sources (Oracle-mode
//! tenants: OCP's role calls and the `roles` of users are Oracle-only, ocp-api.md §3.6).
//! Privileges set on the role are authoritative, as on `ocp_db_user`, whose privilege code
//! and data-source reads roles share.

use serde::{Deserialize, Serialize};

use crate::client::api::user::{CreateDbRole, DbRole, Grantee};
use crate::client::{ClientError, Created, OcpClient};
use crate::framework::{
    Attr, AttrPath, Ctx, DataReadRequest, DataReadResponse, DataSource, Diagnostics, PlanRequest,
    PlanResponse, Schema,
};
use crate::lifecycle::{Born, Call, Fail, ImportError, OcpObject};
use crate::value::{Type, Value};

use super::db_user::{
    apply_privileges, expanded, failed_at, import_named, mode_of, named, plan_grants, read_one,
    refuse, validate_grants, Grants, ListDataSource, Member,
};
use super::privileges::{Mode, Scope, Target};
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
        let (mine, tenant) = (base.grants(), (base.cluster_id, base.tenant_id));
        let (id, name) = named(mode, tenant, &base.name, r.role_name);
        DbRoleModel {
            id: Some(id),
            name,
            global_privileges: Some(mine.shown(mode, 0, &Target::Global, &r.global_privileges)),
            roles: Some(mine.shown(mode, 1, &Target::Roles, &r.roles)),
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
        let global = plan.global_privileges.clone().unwrap_or_default();
        let body = CreateDbRole {
            role_name: plan.name.clone(),
            global_privileges: expanded(mode, Scope::Global, &global),
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
        let role = client.find_named::<DbRole>(c, t, &base.name).await?;
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
        let (who, tenant) = (
            Grantee::Role(&prior.name),
            (prior.cluster_id, prior.tenant_id),
        );
        let (prior, plan) = (prior.grants(), plan.grants());
        apply_privileges(call.client, tenant, who, mode, &prior, &plan)
            .await
            .map_err(failed_at)
    }

    async fn delete(&self, call: &mut Call<'_>, state: &DbRoleModel) -> Result<(), Fail> {
        call.client
            .delete_named::<DbRole>(state.cluster_id, state.tenant_id, &state.name)
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

#[tonic::async_trait]
impl Member for DbRoleModel {
    type Ocp = DbRole;
    const KEY: &'static str = "name";
    const NOUN: &'static str = "Role";
    const LIST: [&'static str; 4] = [
        "ocp_db_roles",
        "roles",
        "Lists the roles of an Oracle-mode tenant with their privileges (OCP's own roles, such as `CONNECT`, included).",
        "The roles by name, each with `name`, `global_privileges`, `roles` and `create_time`.",
    ];

    fn one_schema() -> Schema {
        DbRoleDataSource.schema()
    }

    /// Roles exist only in Oracle mode.
    async fn mode(_client: &OcpClient, _tenant: (i64, i64)) -> Result<Mode, ClientError> {
        Ok(Mode::Oracle)
    }

    fn shown(r: DbRole, (c, t): (i64, i64), name: &str, mode: Mode) -> DbRoleModel {
        let base = DbRoleModel {
            cluster_id: c,
            tenant_id: t,
            name: name.to_string(),
            ..DbRoleModel::default()
        };
        DbRoleModel {
            id: None,
            tenant_mode: None,
            ..DbRoleModel::from_ocp(r, &base, mode)
        }
    }

    fn key(&self) -> &str {
        &self.name
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
        read_one::<DbRoleModel>(ctx, req, resp, &self.schema()).await;
    }
}

/// `data "ocp_db_roles"`: every role of an Oracle-mode tenant.
pub type DbRolesDataSource = ListDataSource<DbRoleModel>;
