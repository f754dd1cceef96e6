//! Database users, roles, privileges and objects of a tenant (ocp-api.md §3.6, §4.3, §5 #15,
//! #24). Base path `/api/v2/ob/clusters/{id}/tenants/{tenantId}`; every call is synchronous.
//!
//! Paths and shapes the reference does not settle, kept here in one place:
//!
//! | Call | Path / shape | Why |
//! |---|---|---|
//! | privilege bodies | `{globalPrivileges:[..]}`, `{dbPrivileges:[{dbName, privileges}]}`, `{objectPrivileges:[{object{objectType, objectName, schemaName}, privileges}]}`, `{roles:[..]}` | §5 #15 (inferred) |
//! | roles of a user | `POST .../users/{username}/grantRole` / `revokeRole` / `modifyRole` | §3.6 (inferred from S0 and the role-to-role paths) |
//! | role global privileges | `POST .../roles/{roleName}/grantGlobalPrivilege` / `revokeGlobalPrivilege` | §3.6 (inferred; only `modifyGlobalPrivilege` is in S1) |
//! | role object privileges | `POST .../roles/{roleName}/modifyObjectPrivilege` | S1 lists it for roles; grant/revoke are S1 too |
//! | user / role objects | `{username, locked, globalPrivileges, dbPrivileges, objectPrivileges, roles, createTime}`, `{roleName, globalPrivileges, objectPrivileges, roles, createTime}` | S1 names only `username`, `globalPrivileges`, `dbPrivileges`, `createTime`; the rest is our decision, shared with the simulator |
//! | lists | `data.contents`, with or without `page` | §5 #24 |
//!
//! Verbs: `find_*` returns `None` for a 404; `delete_*` returns `false` when the object was
//! already gone (a 404, also after a DELETE whose first answer was lost and was repeated).
//!
//! Retrying (design rule R2): creates go through [`OcpClient::post_create`], whose look-up
//! tries the name as given and then upper-cased (an Oracle tenant stores unquoted names in
//! upper case, so a user created as `app` is found as `APP`). The synchronous actions (lock,
//! unlock, password, grant, revoke, modify) are safe to repeat and use
//! [`OcpClient::post_action`]: a grant or revoke leaves the same state when repeated, and
//! a modify replaces a set (see [`OcpClient::change_privileges`]).
//!
//! Secrets: passwords travel as [`Secret`] (`Debug` prints `***`); the client never logs
//! bodies, and an OCP error message that echoes the password has it replaced by `***` before
//! the error leaves this module.

use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::{json, Value};

use super::{not_found_as_none, path_segment};
use crate::client::de::{body_struct, wire_struct};
use crate::client::{ClientError, Created, OcpClient, Secret};

/// Base path of the cluster family (users live under a tenant of a cluster).
const CLUSTERS: &str = "/api/v2/ob/clusters";

wire_struct! {
    /// A database user as OCP reports it (§3.6, §4.3).
    #[derive(Eq)]
    pub struct DbUser {
        /// User name (Oracle tenants report unquoted names in upper case).
        pub username: String,
        /// Whether the account is locked, when OCP reports it.
        pub locked: Option<bool>,
        /// MySQL global privileges, or Oracle system privileges (`CREATE_TABLE`, ...).
        pub global_privileges: Vec<String>,
        /// Per-database privileges (MySQL tenants).
        pub db_privileges: Vec<DbPrivilege>,
        /// Privileges on tables, views and procedures (Oracle tenants).
        pub object_privileges: Vec<ObjectPrivilege>,
        /// Roles granted to the user (Oracle tenants).
        pub roles: Vec<String>,
        /// ISO-8601 creation time.
        pub create_time: Option<String>,
    }
}

wire_struct! {
    /// A role as OCP reports it (§3.6).
    #[derive(Eq)]
    pub struct DbRole {
        /// Role name.
        pub role_name: String,
        /// System privileges of the role.
        pub global_privileges: Vec<String>,
        /// Object privileges of the role.
        pub object_privileges: Vec<ObjectPrivilege>,
        /// Roles granted to the role.
        pub roles: Vec<String>,
        /// ISO-8601 creation time.
        pub create_time: Option<String>,
    }
}

wire_struct! {
    /// Privileges on one database: `{dbName, privileges}` (§5 #15).
    #[derive(Eq, PartialOrd, Ord, Hash, Serialize)]
    pub struct DbPrivilege {
        /// Database name.
        pub db_name: String,
        /// Privilege names, e.g. `SELECT`.
        pub privileges: Vec<String>,
    }
}

wire_struct! {
    /// A database object, S1's `dbObject`: `{objectType, objectName, schemaName}`. OCP's object
    /// list adds `fullName`, which is ignored on reading and never sent.
    #[derive(Eq, PartialOrd, Ord, Hash, Serialize)]
    pub struct DbObject {
        /// `TABLE`, `VIEW` or `STORED_PROCEDURE`.
        pub object_type: String,
        /// Object name.
        pub object_name: String,
        /// Schema (owner) of the object.
        pub schema_name: String,
    }
}

wire_struct! {
    /// Privileges on one object: `{object, privileges}` (§5 #15).
    #[derive(Eq, PartialOrd, Ord, Hash, Serialize)]
    pub struct ObjectPrivilege {
        /// The object.
        pub object: DbObject,
        /// Privilege names, e.g. `SELECT`.
        pub privileges: Vec<String>,
    }
}

/// Who receives a grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grantee<'a> {
    /// A database user: `.../users/{name}`.
    User(&'a str),
    /// A role: `.../roles/{name}`.
    Role(&'a str),
}

impl Grantee<'_> {
    /// The grantee's path under the tenant, name percent-encoded.
    fn path(self, cluster_id: i64, tenant_id: i64) -> String {
        match self {
            Grantee::User(name) => DbUser::path(cluster_id, tenant_id, name),
            Grantee::Role(name) => DbRole::path(cluster_id, tenant_id, name),
        }
    }
}

/// What a grant/revoke/modify call carries (§5 #15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrivilegeScope<'a> {
    /// Global (MySQL) or system (Oracle) privileges: `{globalPrivileges: [..]}`.
    Global(&'a [String]),
    /// Database privileges (MySQL users only): `{dbPrivileges: [{dbName, privileges}]}`.
    Db(&'a [DbPrivilege]),
    /// Object privileges: `{objectPrivileges: [{object, privileges}]}`.
    Object(&'a [ObjectPrivilege]),
    /// Roles (Oracle): `{roles: [..]}`.
    Roles(&'a [String]),
}

impl PrivilegeScope<'_> {
    /// Whether there is nothing to grant or revoke.
    fn is_empty(self) -> bool {
        match self {
            PrivilegeScope::Global(l) | PrivilegeScope::Roles(l) => l.is_empty(),
            PrivilegeScope::Db(l) => l.is_empty(),
            PrivilegeScope::Object(l) => l.is_empty(),
        }
    }

    /// Last part of the action name: `grant` + `GlobalPrivilege`.
    fn action_suffix(self) -> &'static str {
        match self {
            PrivilegeScope::Global(_) => "GlobalPrivilege",
            PrivilegeScope::Db(_) => "DbPrivilege",
            PrivilegeScope::Object(_) => "ObjectPrivilege",
            PrivilegeScope::Roles(_) => "Role",
        }
    }

    fn body(self) -> Value {
        match self {
            PrivilegeScope::Global(l) => json!({ "globalPrivileges": l }),
            PrivilegeScope::Db(l) => json!({ "dbPrivileges": l }),
            PrivilegeScope::Object(l) => json!({ "objectPrivileges": l }),
            PrivilegeScope::Roles(l) => json!({ "roles": l }),
        }
    }
}

/// Grant, revoke or replace (§3.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrivilegeOp {
    /// Add to what the grantee has.
    Grant,
    /// Take away from what the grantee has.
    Revoke,
    /// Replace the grantee's set in the scope by the given one.
    Modify,
}

impl PrivilegeOp {
    fn verb(self) -> &'static str {
        match self {
            PrivilegeOp::Grant => "grant",
            PrivilegeOp::Revoke => "revoke",
            PrivilegeOp::Modify => "modify",
        }
    }
}

/// The OCP action of a privilege call: `grantGlobalPrivilege`, `revokeDbPrivilege`,
/// `modifyObjectPrivilege`, `grantRole`, ...
fn privilege_action(op: PrivilegeOp, scope: PrivilegeScope<'_>) -> String {
    format!("{}{}", op.verb(), scope.action_suffix())
}

/// Body of create-user (§3.6): `{username, password, saveToCredential: false,
/// globalPrivileges, dbPrivileges, roles}`. `globalPrivileges` is sent as given (empty too);
/// `dbPrivileges` (MySQL only) and `roles` (Oracle only) only when not empty, so that a tenant
/// of the other mode never gets a field S1 reserves to one mode. `Debug` shows the password
/// as `***`; the JSON body carries the real value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateDbUser {
    /// User name.
    pub username: String,
    /// The user's password.
    pub password: Secret,
    /// Global (MySQL) or system (Oracle) privileges.
    pub global_privileges: Vec<String>,
    /// Database privileges (MySQL only).
    pub db_privileges: Vec<DbPrivilege>,
    /// Roles (Oracle only).
    pub roles: Vec<String>,
}

impl Serialize for CreateDbUser {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            username: &'a str,
            password: &'a Secret,
            save_to_credential: bool,
            global_privileges: &'a [String],
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            db_privileges: &'a [DbPrivilege],
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            roles: &'a [String],
        }
        Body {
            username: &self.username,
            password: &self.password,
            save_to_credential: false,
            global_privileges: &self.global_privileges,
            db_privileges: &self.db_privileges,
            roles: &self.roles,
        }
        .serialize(s)
    }
}

body_struct! {
    /// Body of create-role (§3.6): `{roleName, globalPrivileges, roles}`, lists sent as given.
    #[derive(Default, Eq)]
    pub struct CreateDbRole {
        /// Role name.
        pub role_name: String,
        /// System privileges.
        pub global_privileges: Vec<String>,
        /// Roles granted to the new role.
        pub roles: Vec<String>,
    }
}

fn tenant_path(cluster_id: i64, tenant_id: i64) -> String {
    format!("{CLUSTERS}/{cluster_id}/tenants/{tenant_id}")
}

/// A user, a role or a database: an object of a tenant named in its path,
/// `.../{users|roles|databases}/{name}`.
pub trait TenantNamed: DeserializeOwned + Send {
    /// The collection under the tenant: `users`, `roles` or `databases`.
    const COLLECTION: &'static str;
    /// The name field of the object: `username`, `roleName` or `dbName`.
    const KEY: &'static str;
    /// The object's word in messages.
    const WHAT: &'static str;
    /// Whether OCP documents a GET of the one object; without it the list is read and the
    /// exact name picked.
    const GET_ONE: bool = true;

    /// The object's name (the value of [`TenantNamed::KEY`]).
    fn name(&self) -> &str;

    /// `.../{collection}` of the tenant.
    fn list_path(cluster_id: i64, tenant_id: i64) -> String {
        format!(
            "{}/{}",
            tenant_path(cluster_id, tenant_id),
            Self::COLLECTION
        )
    }

    /// `.../{collection}/{name}`, the name percent-encoded.
    fn path(cluster_id: i64, tenant_id: i64, name: &str) -> String {
        format!(
            "{}/{}",
            Self::list_path(cluster_id, tenant_id),
            path_segment(name)
        )
    }
}

/// Implements [`TenantNamed`] for `$t`: its collection, its name field (in OCP's JSON and in
/// the struct), its word in messages, and `GET_ONE` when it differs from the default.
macro_rules! tenant_named {
    ($t:ty, $collection:literal, $key:literal, $field:ident, $what:literal $(, $get_one:literal)?) => {
        impl TenantNamed for $t {
            const COLLECTION: &'static str = $collection;
            const KEY: &'static str = $key;
            const WHAT: &'static str = $what;
            $(const GET_ONE: bool = $get_one;)?

            fn name(&self) -> &str {
                &self.$field
            }
        }
    };
}
pub(crate) use tenant_named;

tenant_named!(DbUser, "users", "username", username, "user");
tenant_named!(DbRole, "roles", "roleName", role_name, "role");

/// `name` upper-cased, when that differs from `name`.
fn upper_variant(name: &str) -> Option<String> {
    let upper = name.to_uppercase();
    (upper != name).then_some(upper)
}

impl OcpClient {
    /// `GET .../{users|roles}`: every user or role of the tenant (all pages).
    pub async fn list_named<T: TenantNamed>(
        &self,
        cluster_id: i64,
        tenant_id: i64,
    ) -> Result<Vec<T>, ClientError> {
        self.list_all(&T::list_path(cluster_id, tenant_id), &[])
            .await
    }

    /// `GET .../{users|roles}/{name}`: the object named exactly `name` (from the coalesced
    /// list of a refresh when there is one, or from the list when there is no GET of the one
    /// object), or `None` when OCP answers 404 (also when the tenant or cluster is unknown) or
    /// without `data`.
    pub async fn find_named<T: TenantNamed>(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        name: &str,
    ) -> Result<Option<T>, ClientError> {
        if name.is_empty() {
            return Ok(None);
        }
        let list = T::list_path(cluster_id, tenant_id);
        if let Some(found) = self.coalesced_item::<T>(&list, |v| v[T::KEY] == name).await {
            return Ok(Some(found));
        }
        if !T::GET_ONE {
            let all = not_found_as_none(self.list_all::<T>(&list, &[]).await)?;
            return Ok(all.into_iter().flatten().find(|t| t.name() == name));
        }
        let path = T::path(cluster_id, tenant_id, name);
        Ok(not_found_as_none(self.get::<Option<T>>(&path, &[]).await)?.flatten())
    }

    /// The look-up of a create: the name as given, then upper-cased (Oracle).
    async fn lookup_created<T: TenantNamed>(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        name: &str,
    ) -> Result<Option<T>, ClientError> {
        if let Some(found) = self.find_named(cluster_id, tenant_id, name).await? {
            return Ok(Some(found));
        }
        match upper_variant(name) {
            Some(upper) => self.find_named(cluster_id, tenant_id, &upper).await,
            None => Ok(None),
        }
    }

    /// `POST .../{users|roles}` (§3.6; the answer's `data` is the new object, §4.3). Never
    /// repeated blindly and never adopting an object that was there before
    /// ([`OcpClient::post_create`], look-up by `name` as given, then upper-cased). An answer
    /// without `data` is completed by the same look-up.
    pub async fn create_in_tenant<T: TenantNamed, B: Serialize + Sync>(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        body: &B,
        name: &str,
    ) -> Result<Created<T>, ClientError> {
        let path = T::list_path(cluster_id, tenant_id);
        let lookup = || self.lookup_created::<T>(cluster_id, tenant_id, name);
        self.create_named(&path, body, T::KEY, T::WHAT, lookup)
            .await
    }

    /// `DELETE .../{users|roles}/{name}`: `true` when deleted, `false` when it was already
    /// gone (or the name is empty).
    pub async fn delete_named<T: TenantNamed>(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        name: &str,
    ) -> Result<bool, ClientError> {
        if name.is_empty() {
            return Ok(false);
        }
        self.delete_existing(&T::path(cluster_id, tenant_id, name))
            .await
    }

    /// `POST .../users` through [`OcpClient::create_in_tenant`]; the password never appears
    /// in an error.
    pub async fn create_db_user(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        body: &CreateDbUser,
    ) -> Result<Created<DbUser>, ClientError> {
        self.create_in_tenant(cluster_id, tenant_id, body, &body.username)
            .await
            .map_err(|e| e.mask(&body.password))
    }

    /// `POST .../roles` through [`OcpClient::create_in_tenant`].
    pub async fn create_db_role(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        body: &CreateDbRole,
    ) -> Result<Created<DbRole>, ClientError> {
        self.create_in_tenant(cluster_id, tenant_id, body, &body.role_name)
            .await
    }

    /// `POST .../users/{username}/changePassword {newPassword, saveToCredential: false}`
    /// (repeating it sets the same value). The password is never logged nor echoed in an
    /// error.
    pub async fn change_db_user_password(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        username: &str,
        new_password: &Secret,
    ) -> Result<(), ClientError> {
        let user = DbUser::path(cluster_id, tenant_id, username);
        self.change_password(&user, new_password).await
    }

    /// `POST .../users/{username}/lock` or `/unlock` (no body, idempotent).
    pub async fn set_db_user_locked(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        username: &str,
        locked: bool,
    ) -> Result<(), ClientError> {
        let user = DbUser::path(cluster_id, tenant_id, username);
        self.set_locked(&user, locked).await
    }

    /// One grant/revoke/modify call for a user or role (§3.6, §5 #15):
    /// `POST .../{users|roles}/{name}/{grant|revoke|modify}{GlobalPrivilege|DbPrivilege|
    /// ObjectPrivilege|Role}`. Grant and revoke are idempotent in OCP (post_action); modify
    /// replaces the scope's set (also safe to repeat).
    ///
    /// What modify replaces (§5 #15 "modify = replace set", as the simulator implements it):
    /// the whole set for [`PrivilegeScope::Global`] and [`PrivilegeScope::Roles`]; for
    /// [`PrivilegeScope::Db`] and [`PrivilegeScope::Object`] the sets of the **listed**
    /// databases / objects only (others are untouched; an entry with no privileges removes
    /// that database's / object's privileges).
    ///
    /// A grant or revoke of an empty list changes nothing and sends nothing (the simulator
    /// refuses an empty one); a modify with an empty list is sent. The scope is not checked
    /// against the grantee: OCP has no database privileges for roles (§3.6), such a call is
    /// sent as asked and OCP's refusal returned.
    pub async fn change_privileges(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        grantee: Grantee<'_>,
        op: PrivilegeOp,
        scope: PrivilegeScope<'_>,
    ) -> Result<(), ClientError> {
        if scope.is_empty() && op != PrivilegeOp::Modify {
            return Ok(());
        }
        let path = format!(
            "{}/{}",
            grantee.path(cluster_id, tenant_id),
            privilege_action(op, scope)
        );
        self.post_action(&path, &scope.body()).await
    }

    /// `GET .../objects` (§3.6, D): the tables, views and procedures of the tenant, all
    /// pages (`fullName` is dropped).
    pub async fn list_db_objects(
        &self,
        cluster_id: i64,
        tenant_id: i64,
    ) -> Result<Vec<DbObject>, ClientError> {
        let path = format!("{}/objects", tenant_path(cluster_id, tenant_id));
        self.list_all(&path, &[]).await
    }
}

/// A simulator with a fresh tenant, for the tests of this family (also used by `db`).
#[cfg(test)]
pub(crate) mod fixture {
    use crate::client::api::tenant::{CreateTenant, ReplicaSpec};
    use crate::client::testutil::{wait_ok, TestSim};
    use crate::client::{OcpClient, Secret};

    /// A running simulator, a client, the demo cluster's id and a new tenant's id.
    pub(crate) struct TenantFixture {
        pub(crate) sim: TestSim,
        pub(crate) client: OcpClient,
        pub(crate) cid: i64,
        pub(crate) tid: i64,
    }

    /// Starts a simulator (short tasks) and creates a ready tenant `name` of `mode`
    /// (`MYSQL` or `ORACLE`) in zone1 of the demo cluster.
    pub(crate) async fn tenant(mode: &str, name: &str) -> TenantFixture {
        let sim = TestSim::start(0.2).await;
        let client = sim.client();
        let cid = sim.demo_cluster_id(&client).await;
        let body = CreateTenant {
            name: name.into(),
            mode: mode.into(),
            primary_zone: Some("zone1".into()),
            charset: Some("utf8mb4".into()),
            whitelist: Some("%".into()),
            root_password: Secret::new("Tenant_Root#pw-42"),
            zones: vec![ReplicaSpec {
                zone_name: "zone1".into(),
                replica_type: "FULL".into(),
                unit_spec_name: "S1".into(),
                unit_count: 1,
            }],
            ..CreateTenant::default()
        };
        let task = client
            .create_tenant(cid, &body)
            .await
            .unwrap_or_else(|e| panic!("create tenant: {e}"))
            .expect_new();
        let done = wait_ok(&client, task.id).await;
        let tid = done
            .tenant_id()
            .unwrap_or_else(|| panic!("no tenantId on {done:?}"));
        TenantFixture {
            sim,
            client,
            cid,
            tid,
        }
    }
}

#[cfg(test)]
mod tests;
