//! The `ocp_db_role` resource and the `ocp_db_role` / `ocp_db_roles` data sources (Oracle-mode
//! tenants: OCP's role calls and the `roles` of users are Oracle-only, ocp-api.md §3.6).
//! Privileges set on the role are authoritative, as on `ocp_db_user`, whose privilege code,
//! lifecycle and data sources roles share ([`Member`]).

use serde::{Deserialize, Serialize};

use crate::client::api::user::{CreateDbRole, DbRole, Grantee};
use crate::client::Created;
use crate::framework::{Attr, AttrPath, Schema};
use crate::lifecycle::{Call, Fail};
use crate::value::Type;

use super::db_user::{
    apply_privileges, expanded, failed_at, member_id, spelled, Grants, ListDataSource, Member,
    MemberNames, MemberResource, OneDataSource,
};
use super::privileges::{Mode, Scope, Target};
use super::{tenant_attrs, DB_OBJECT_NAME};

/// The `ocp_db_role` resource.
pub type DbRoleResource = MemberResource<DbRoleModel>;

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

#[tonic::async_trait]
impl Member for DbRoleModel {
    type Ocp = DbRole;
    const NAMES: MemberNames = MemberNames {
        one: "ocp_db_role",
        list: ("ocp_db_roles", "roles"),
        key: "name",
        import_form: "\"<cluster_id>/<tenant_id>/<role_name>\"",
        noun: "Database Role",
        reads: ["Read Database Role", "List Database Roles"],
        list_docs: [
            "Lists the roles of an Oracle-mode tenant with their privileges (OCP's own roles, such as `CONNECT`, included).",
            "The roles by name, each with `name`, `global_privileges`, `roles` and `create_time`.",
        ],
        oracle_only: true,
    };

    fn schema() -> Schema {
        tenant_attrs(Schema::new("A role of an Oracle-mode tenant (OCP offers roles only in Oracle mode). Privileges and roles set here are authoritative for the role."), "role")
            .attr("id", Attr::string().computed().use_state_for_unknown().doc("`<cluster_id>/<tenant_id>/<name>`, also the import id."))
            .attr("name", Attr::string().required().requires_replace().validate(DB_OBJECT_NAME).doc("Role name; OCP stores it in upper case. Changing it replaces the role."))
            .attr("global_privileges", Attr::set(Type::String).optional().computed().use_state_for_unknown().doc("System privileges of the role, e.g. `CREATE_SESSION`, `CREATE_TABLE`, or `ALL`. When set, Terraform owns the whole list. Left out, the list is not managed."))
            .attr("roles", Attr::set(Type::String).optional().computed().use_state_for_unknown().doc("Roles granted to this role, e.g. `CONNECT`. When set, Terraform owns the whole list. Left out, the list is not managed."))
            .attr("tenant_mode", Attr::string().computed().use_state_for_unknown().doc("Mode of the tenant, read from OCP (always `ORACLE` for a role)."))
            .attr("create_time", Attr::string().computed().use_state_for_unknown().doc("When the role was created (ISO-8601 with offset)."))
    }

    fn one_schema() -> Schema {
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

    fn key(&self) -> ((i64, i64), &str) {
        ((self.cluster_id, self.tenant_id), &self.name)
    }

    fn named((cluster_id, tenant_id): (i64, i64), name: String) -> Self {
        DbRoleModel {
            cluster_id,
            tenant_id,
            name,
            ..DbRoleModel::default()
        }
    }

    fn ocp_name(r: &DbRole) -> &str {
        &r.role_name
    }

    fn tenant_mode(&self) -> Option<&str> {
        self.tenant_mode.as_deref()
    }

    fn recorded(self, mode: Mode) -> Self {
        DbRoleModel {
            id: Some(member_id(self.key().0, &self.name)),
            tenant_mode: Some(mode.name().to_string()),
            ..self
        }
    }

    fn from_ocp(r: DbRole, base: &DbRoleModel, mode: Mode) -> DbRoleModel {
        let mine = Grants::of(&base.global_privileges, &base.roles);
        DbRoleModel {
            name: spelled(mode, &base.name, r.role_name),
            global_privileges: Some(mine.shown(mode, 0, &Target::Global, &r.global_privileges)),
            roles: Some(mine.shown(mode, 1, &Target::Roles, &r.roles)),
            create_time: r.create_time,
            ..base.clone()
        }
    }

    async fn create(
        call: &mut Call<'_>,
        plan: &DbRoleModel,
        mode: Mode,
    ) -> Result<Created<DbRole, DbRole>, Fail> {
        let (c, t) = plan.key().0;
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
        Ok(call.client.create_db_role(c, t, &body).await?)
    }

    async fn update(
        call: &mut Call<'_>,
        mode: Mode,
        prior: &DbRoleModel,
        plan: &DbRoleModel,
        _base: &mut DbRoleModel,
    ) -> Result<(), Fail> {
        let (tenant, who) = (prior.key().0, Grantee::Role(&prior.name));
        let (prior, plan) = (
            Grants::of(&prior.global_privileges, &prior.roles),
            Grants::of(&plan.global_privileges, &plan.roles),
        );
        apply_privileges(call.client, tenant, who, mode, &prior, &plan)
            .await
            .map_err(failed_at)
    }
}

/// `data "ocp_db_role"`: one role of an Oracle-mode tenant.
pub type DbRoleDataSource = OneDataSource<DbRoleModel>;

/// `data "ocp_db_roles"`: every role of an Oracle-mode tenant.
pub type DbRolesDataSource = ListDataSource<DbRoleModel>;
