//! The `ocp_db_role` resource and the `ocp_db_role` / `ocp_db_roles` data sources (Oracle-mode
//! tenants: OCP's role calls and the `roles` of users are Oracle-only, ocp-api.md §3.6).
//! Privileges set on the role are authoritative, as on `ocp_db_user`, whose privilege code,
//! lifecycle and data sources roles share ([`Member`]).

use serde::{Deserialize, Serialize};

use crate::client::api::user::{CreateDbRole, DbRole, Grantee};
use crate::client::Created;
use crate::framework::{Attr, AttrPath, Schema};
use crate::lifecycle::{Call, Fail, Step};
use crate::value::Type;

use super::db_user::{
    expanded, held, ListDataSource, Member, MemberModel, MemberNames, MemberResource,
    OneDataSource, Reported,
};
use super::privileges::{Mode, Scope};
use super::{tenant_attrs, tenant_selector, DB_OBJECT_NAME};

/// The `ocp_db_role` resource.
pub type DbRoleResource = MemberResource<RoleOwn>;

/// What a role has of its own: its name (its privileges are what users and roles share).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RoleOwn {
    name: String,
}

/// The model of `ocp_db_role` and of `data "ocp_db_role"`.
pub type DbRoleModel = MemberModel<RoleOwn>;

#[tonic::async_trait]
impl Member for RoleOwn {
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
        grantee: |n| Grantee::Role(n),
        mode: Some(Mode::Oracle),
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
        tenant_selector(Schema::new("Reads one role of an Oracle-mode tenant."))
            .attr(
                "name",
                Attr::string().required().doc("Role name, e.g. `CONNECT`."),
            )
            .computed_attrs(&[
                (
                    "global_privileges",
                    Type::set(Type::String),
                    "System privileges of the role, in OCP's spelling.",
                ),
                (
                    "roles",
                    Type::set(Type::String),
                    "Roles granted to the role.",
                ),
                (
                    "create_time",
                    Type::String,
                    "When the role was created (ISO-8601 with offset).",
                ),
            ])
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn named(name: String) -> Self {
        RoleOwn { name }
    }

    fn reported(r: &DbRole) -> Reported<'_> {
        let held = held([&r.global_privileges, &r.roles], &[], &r.object_privileges);
        (&r.role_name, &r.create_time, held)
    }

    async fn create(call: &mut Call<'_>, plan: &DbRoleModel, mode: Mode) -> Step<Created<DbRole>> {
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
            role_name: plan.own.name.clone(),
            global_privileges: expanded(mode, Scope::Global, &global),
            roles: plan.roles.clone().unwrap_or_default(),
        };
        Ok(call.client.create_db_role(c, t, &body).await?)
    }
}

/// `data "ocp_db_role"`: one role of an Oracle-mode tenant.
pub type DbRoleDataSource = OneDataSource<RoleOwn>;

/// `data "ocp_db_roles"`: every role of an Oracle-mode tenant.
pub type DbRolesDataSource = ListDataSource<RoleOwn>;
