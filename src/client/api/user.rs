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
//! [`OcpClient::post_idempotent`]: a grant or revoke leaves the same state when repeated, and
//! a modify replaces a set (see [`OcpClient::change_privileges`]).
//!
//! Secrets: passwords travel as [`Secret`] (`Debug` prints `***`); the client never logs
//! bodies, and an OCP error message that echoes the password has it replaced by `***` before
//! the error leaves this module.

use std::future::Future;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{json, Value};

use super::{not_found_as_none, path_segment};
use crate::client::de::{de_opt_bool, de_opt_string, de_string, de_vec};
use crate::client::{ClientError, Created, OcpClient, Secret};

/// Base path of the cluster family (users live under a tenant of a cluster).
const CLUSTERS: &str = "/api/v2/ob/clusters";

/// A database user as OCP reports it (§3.6, §4.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DbUser {
    /// User name (Oracle tenants report unquoted names in upper case).
    #[serde(default, deserialize_with = "de_string")]
    pub username: String,
    /// Whether the account is locked, when OCP reports it.
    #[serde(default, deserialize_with = "de_opt_bool")]
    pub locked: Option<bool>,
    /// MySQL global privileges, or Oracle system privileges (`CREATE_TABLE`, ...).
    #[serde(default, deserialize_with = "de_vec")]
    pub global_privileges: Vec<String>,
    /// Per-database privileges (MySQL tenants).
    #[serde(default, deserialize_with = "de_vec")]
    pub db_privileges: Vec<DbPrivilege>,
    /// Privileges on tables, views and procedures (Oracle tenants).
    #[serde(default, deserialize_with = "de_vec")]
    pub object_privileges: Vec<ObjectPrivilege>,
    /// Roles granted to the user (Oracle tenants).
    #[serde(default, deserialize_with = "de_vec")]
    pub roles: Vec<String>,
    /// ISO-8601 creation time.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub create_time: Option<String>,
}

/// A role as OCP reports it (§3.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DbRole {
    /// Role name.
    #[serde(default, deserialize_with = "de_string")]
    pub role_name: String,
    /// System privileges of the role.
    #[serde(default, deserialize_with = "de_vec")]
    pub global_privileges: Vec<String>,
    /// Object privileges of the role.
    #[serde(default, deserialize_with = "de_vec")]
    pub object_privileges: Vec<ObjectPrivilege>,
    /// Roles granted to the role.
    #[serde(default, deserialize_with = "de_vec")]
    pub roles: Vec<String>,
    /// ISO-8601 creation time.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub create_time: Option<String>,
}

/// Privileges on one database: `{dbName, privileges}` (§5 #15).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DbPrivilege {
    /// Database name.
    #[serde(default, deserialize_with = "de_string")]
    pub db_name: String,
    /// Privilege names, e.g. `SELECT`.
    #[serde(default, deserialize_with = "de_vec")]
    pub privileges: Vec<String>,
}

/// A database object, S1's `dbObject`: `{objectType, objectName, schemaName}`. OCP's object
/// list adds `fullName`, which is ignored on reading and never sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DbObject {
    /// `TABLE`, `VIEW` or `STORED_PROCEDURE`.
    #[serde(default, deserialize_with = "de_string")]
    pub object_type: String,
    /// Object name.
    #[serde(default, deserialize_with = "de_string")]
    pub object_name: String,
    /// Schema (owner) of the object.
    #[serde(default, deserialize_with = "de_string")]
    pub schema_name: String,
}

/// Privileges on one object: `{object, privileges}` (§5 #15).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectPrivilege {
    /// The object.
    #[serde(default)]
    pub object: DbObject,
    /// Privilege names, e.g. `SELECT`.
    #[serde(default, deserialize_with = "de_vec")]
    pub privileges: Vec<String>,
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
        let base = tenant_path(cluster_id, tenant_id);
        match self {
            Grantee::User(name) => format!("{base}/users/{}", path_segment(name)),
            Grantee::Role(name) => format!("{base}/roles/{}", path_segment(name)),
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
/// globalPrivileges, dbPrivileges, roles}`, lists sent as given (empty ones too). `Debug`
/// shows the password as `***`; the JSON body carries the real value.
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
            db_privileges: &'a [DbPrivilege],
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

/// Body of create-role (§3.6): `{roleName, globalPrivileges, roles}`, lists sent as given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDbRole {
    /// Role name.
    pub role_name: String,
    /// System privileges.
    pub global_privileges: Vec<String>,
    /// Roles granted to the new role.
    pub roles: Vec<String>,
}

fn tenant_path(cluster_id: i64, tenant_id: i64) -> String {
    format!("{CLUSTERS}/{cluster_id}/tenants/{tenant_id}")
}

fn user_path(cluster_id: i64, tenant_id: i64, username: &str) -> String {
    Grantee::User(username).path(cluster_id, tenant_id)
}

fn role_path(cluster_id: i64, tenant_id: i64, role: &str) -> String {
    Grantee::Role(role).path(cluster_id, tenant_id)
}

/// The object in a create's answer, or, when the answer carries none (no `data`, or `data`
/// without the `key` name field), the object looked up after the create. OCP accepted the
/// create either way; a look-up that finds nothing is reported as an unreadable answer.
pub(super) async fn created_object<T, F, Fut>(
    path: &str,
    data: Value,
    key: &str,
    what: &str,
    lookup: F,
) -> Result<T, ClientError>
where
    T: DeserializeOwned,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Option<T>, ClientError>>,
{
    let named = data
        .get(key)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty());
    if named {
        return serde_json::from_value(data).map_err(|e| ClientError::Decode {
            method: "POST",
            path: path.to_owned(),
            message: format!("the created {what} has an unexpected shape ({e})"),
        });
    }
    match lookup().await? {
        Some(found) => Ok(found),
        None => Err(ClientError::Decode {
            method: "POST",
            path: path.to_owned(),
            message: format!(
                "OCP accepted the create but its answer carries no {what}, and the {what} \
                 could not be found afterwards"
            ),
        }),
    }
}

/// Maps the answer of a DELETE to "deleted" (`true`) or "already gone" (`false`, a 404).
pub(super) fn deleted(r: Result<Value, ClientError>) -> Result<bool, ClientError> {
    match r {
        Ok(_) => Ok(true),
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    }
}

/// `name` upper-cased, when that differs from `name`.
fn upper_variant(name: &str) -> Option<String> {
    let upper = name.to_uppercase();
    (upper != name).then_some(upper)
}

impl OcpClient {
    /// `GET .../users`: every user of the tenant (all pages).
    pub async fn list_db_users(
        &self,
        cluster_id: i64,
        tenant_id: i64,
    ) -> Result<Vec<DbUser>, ClientError> {
        let path = format!("{}/users", tenant_path(cluster_id, tenant_id));
        self.list_all(&path, &[]).await
    }

    /// `GET .../users/{username}`: the user named exactly `username`, or `None` when OCP
    /// answers 404 (also when the tenant or cluster is unknown) or without `data`.
    pub async fn find_db_user(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        username: &str,
    ) -> Result<Option<DbUser>, ClientError> {
        if username.is_empty() {
            return Ok(None);
        }
        let list = format!("{}/users", tenant_path(cluster_id, tenant_id));
        if let Some(u) = self
            .coalesced_item::<DbUser>(&list, |v| v["username"] == username)
            .await
        {
            return Ok(Some(u));
        }
        let path = user_path(cluster_id, tenant_id, username);
        Ok(not_found_as_none(self.get::<Option<DbUser>>(&path, &[]).await)?.flatten())
    }

    /// The look-up of a user create: the name as given, then upper-cased (Oracle).
    async fn lookup_created_user(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        username: &str,
    ) -> Result<Option<DbUser>, ClientError> {
        if let Some(u) = self.find_db_user(cluster_id, tenant_id, username).await? {
            return Ok(Some(u));
        }
        match upper_variant(username) {
            Some(upper) => self.find_db_user(cluster_id, tenant_id, &upper).await,
            None => Ok(None),
        }
    }

    /// `POST .../users` (§3.6; the answer's `data` is the new user, §4.3). Never repeated
    /// blindly and never adopting a user that was there before ([`OcpClient::post_create`],
    /// look-up by name as given, then upper-cased). An answer without `data` is completed by
    /// the same look-up. The password never appears in an error.
    pub async fn create_db_user(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        body: &CreateDbUser,
    ) -> Result<Created<DbUser, DbUser>, ClientError> {
        let path = format!("{}/users", tenant_path(cluster_id, tenant_id));
        let lookup = || self.lookup_created_user(cluster_id, tenant_id, &body.username);
        let res = match self
            .post_create::<_, Value, _, _, _>(&path, body, lookup)
            .await
        {
            Ok(Created::New(data)) => created_object(&path, data, "username", "user", lookup)
                .await
                .map(Created::New),
            Ok(Created::Adopted(u)) => Ok(Created::Adopted(u)),
            Ok(Created::Existing(u)) => Ok(Created::Existing(u)),
            Err(e) => Err(e),
        };
        res.map_err(|e| e.mask(&body.password))
    }

    /// `DELETE .../users/{username}`: `true` when deleted, `false` when it was already gone.
    pub async fn delete_db_user(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        username: &str,
    ) -> Result<bool, ClientError> {
        if username.is_empty() {
            return Ok(false);
        }
        deleted(
            self.delete(&user_path(cluster_id, tenant_id, username))
                .await,
        )
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
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            new_password: &'a Secret,
            save_to_credential: bool,
        }
        let path = format!(
            "{}/changePassword",
            user_path(cluster_id, tenant_id, username)
        );
        let body = Body {
            new_password,
            save_to_credential: false,
        };
        self.post_idempotent::<_, Value>(&path, &body)
            .await
            .map(drop)
            .map_err(|e| e.mask(new_password))
    }

    /// `POST .../users/{username}/lock` (no body, idempotent).
    pub async fn lock_db_user(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        username: &str,
    ) -> Result<(), ClientError> {
        let path = format!("{}/lock", user_path(cluster_id, tenant_id, username));
        self.post_idempotent::<_, Value>(&path, &()).await.map(drop)
    }

    /// `POST .../users/{username}/unlock` (no body, idempotent).
    pub async fn unlock_db_user(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        username: &str,
    ) -> Result<(), ClientError> {
        let path = format!("{}/unlock", user_path(cluster_id, tenant_id, username));
        self.post_idempotent::<_, Value>(&path, &()).await.map(drop)
    }

    /// `GET .../roles`: every role of the tenant (all pages).
    pub async fn list_db_roles(
        &self,
        cluster_id: i64,
        tenant_id: i64,
    ) -> Result<Vec<DbRole>, ClientError> {
        let path = format!("{}/roles", tenant_path(cluster_id, tenant_id));
        self.list_all(&path, &[]).await
    }

    /// `GET .../roles/{roleName}`: the role named exactly `role`, or `None` when OCP
    /// answers 404 or without `data`.
    pub async fn find_db_role(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        role: &str,
    ) -> Result<Option<DbRole>, ClientError> {
        if role.is_empty() {
            return Ok(None);
        }
        let list = format!("{}/roles", tenant_path(cluster_id, tenant_id));
        if let Some(r) = self
            .coalesced_item::<DbRole>(&list, |v| v["roleName"] == role)
            .await
        {
            return Ok(Some(r));
        }
        let path = role_path(cluster_id, tenant_id, role);
        Ok(not_found_as_none(self.get::<Option<DbRole>>(&path, &[]).await)?.flatten())
    }

    /// The look-up of a role create: the name as given, then upper-cased (Oracle).
    async fn lookup_created_role(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        role: &str,
    ) -> Result<Option<DbRole>, ClientError> {
        if let Some(r) = self.find_db_role(cluster_id, tenant_id, role).await? {
            return Ok(Some(r));
        }
        match upper_variant(role) {
            Some(upper) => self.find_db_role(cluster_id, tenant_id, &upper).await,
            None => Ok(None),
        }
    }

    /// `POST .../roles`. Never repeated blindly, never adopting a role that was there before
    /// ([`OcpClient::post_create`], look-up by name as given, then upper-cased). An answer
    /// without the role in `data` is completed by the same look-up.
    pub async fn create_db_role(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        body: &CreateDbRole,
    ) -> Result<Created<DbRole, DbRole>, ClientError> {
        let path = format!("{}/roles", tenant_path(cluster_id, tenant_id));
        let lookup = || self.lookup_created_role(cluster_id, tenant_id, &body.role_name);
        match self
            .post_create::<_, Value, _, _, _>(&path, body, lookup)
            .await?
        {
            Created::New(data) => created_object(&path, data, "roleName", "role", lookup)
                .await
                .map(Created::New),
            Created::Adopted(r) => Ok(Created::Adopted(r)),
            Created::Existing(r) => Ok(Created::Existing(r)),
        }
    }

    /// `DELETE .../roles/{roleName}`: `true` when deleted, `false` when it was already gone.
    pub async fn delete_db_role(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        role: &str,
    ) -> Result<bool, ClientError> {
        if role.is_empty() {
            return Ok(false);
        }
        deleted(self.delete(&role_path(cluster_id, tenant_id, role)).await)
    }

    /// One grant/revoke/modify call for a user or role (§3.6, §5 #15):
    /// `POST .../{users|roles}/{name}/{grant|revoke|modify}{GlobalPrivilege|DbPrivilege|
    /// ObjectPrivilege|Role}`. Grant and revoke are idempotent in OCP (post_idempotent); modify
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
        self.post_idempotent::<_, Value>(&path, &scope.body())
            .await
            .map(drop)
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
    use std::time::Duration;

    use tokio_util::sync::CancellationToken;

    use crate::client::api::tenant::{CreateTenant, ReplicaSpec};
    use crate::client::testutil::TestSim;
    use crate::client::{OcpClient, Secret, WaitOptions};

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
        let done = client
            .wait_task(
                task.id,
                &WaitOptions::with_timeout(Duration::from_secs(60)),
                &CancellationToken::new(),
            )
            .await
            .unwrap_or_else(|e| panic!("wait: {e}"));
        assert!(done.is_successful(), "{done:?}");
        let tid = done
            .tenant_id
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
mod tests {
    use serde_json::json;

    use super::fixture::{tenant, TenantFixture};
    use super::*;
    use crate::client::api::db::CreateDatabase;

    const USER_PW: &str = "Db_User#pw-2024";

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn sorted(mut v: Vec<String>) -> Vec<String> {
        v.sort();
        v
    }

    fn db_priv(db: &str, privs: &[&str]) -> DbPrivilege {
        DbPrivilege {
            db_name: db.into(),
            privileges: strings(privs),
        }
    }

    /// Asserts that no text of `err` contains `secret`.
    fn assert_hidden(err: &ClientError, secret: &str) {
        let (summary, detail) = err.summary_detail();
        for text in [format!("{err}"), format!("{err:?}"), summary, detail] {
            assert!(!text.contains(secret), "the password leaked: {text}");
        }
    }

    fn ok<T>(r: Result<T, ClientError>) -> T {
        r.unwrap_or_else(|e| panic!("{e}"))
    }

    // ---- pure unit tests ----

    #[test]
    fn the_create_user_body_has_ocp_names_and_debug_hides_the_password() {
        let body = CreateDbUser {
            username: "app".into(),
            password: Secret::new(USER_PW),
            global_privileges: strings(&["SELECT"]),
            db_privileges: vec![db_priv("d1", &["SELECT", "INSERT"])],
            roles: vec![],
        };
        let v = serde_json::to_value(&body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            v,
            json!({"username": "app", "password": USER_PW, "saveToCredential": false,
                   "globalPrivileges": ["SELECT"],
                   "dbPrivileges": [{"dbName": "d1", "privileges": ["SELECT", "INSERT"]}],
                   "roles": []})
        );
        let dbg = format!("{body:?}");
        assert!(!dbg.contains(USER_PW), "{dbg}");
        assert!(dbg.contains("***"), "{dbg}");
        let role = CreateDbRole {
            role_name: "R1".into(),
            global_privileges: strings(&["CREATE_TABLE"]),
            roles: strings(&["PUBLIC"]),
        };
        assert_eq!(
            serde_json::to_value(&role).unwrap_or_else(|e| panic!("{e}")),
            json!({"roleName": "R1", "globalPrivileges": ["CREATE_TABLE"], "roles": ["PUBLIC"]})
        );
    }

    #[test]
    fn privilege_calls_have_ocp_action_names_and_bodies() {
        let g = strings(&["SELECT"]);
        let d = vec![db_priv("d1", &["SELECT"])];
        let o = vec![ObjectPrivilege {
            object: DbObject {
                object_type: "TABLE".into(),
                object_name: "T1".into(),
                schema_name: "U1".into(),
            },
            privileges: strings(&["SELECT"]),
        }];
        let r = strings(&["R1"]);
        let cases = [
            (
                PrivilegeOp::Grant,
                PrivilegeScope::Global(&g),
                "grantGlobalPrivilege",
                json!({"globalPrivileges": ["SELECT"]}),
            ),
            (
                PrivilegeOp::Revoke,
                PrivilegeScope::Db(&d),
                "revokeDbPrivilege",
                json!({"dbPrivileges": [{"dbName": "d1", "privileges": ["SELECT"]}]}),
            ),
            (
                PrivilegeOp::Modify,
                PrivilegeScope::Object(&o),
                "modifyObjectPrivilege",
                json!({"objectPrivileges": [{"object": {"objectType": "TABLE", "objectName": "T1",
                                                     "schemaName": "U1"},
                                          "privileges": ["SELECT"]}]}),
            ),
            (
                PrivilegeOp::Grant,
                PrivilegeScope::Roles(&r),
                "grantRole",
                json!({"roles": ["R1"]}),
            ),
            (
                PrivilegeOp::Revoke,
                PrivilegeScope::Roles(&r),
                "revokeRole",
                json!({"roles": ["R1"]}),
            ),
            (
                PrivilegeOp::Modify,
                PrivilegeScope::Global(&g),
                "modifyGlobalPrivilege",
                json!({"globalPrivileges": ["SELECT"]}),
            ),
        ];
        for (op, scope, action, body) in cases {
            assert_eq!(privilege_action(op, scope), action);
            assert_eq!(scope.body(), body, "{action}");
        }
        assert_eq!(
            Grantee::User("a b/c").path(1, 2),
            "/api/v2/ob/clusters/1/tenants/2/users/a%20b%2Fc"
        );
        assert_eq!(
            Grantee::Role("R#1").path(1, 2),
            "/api/v2/ob/clusters/1/tenants/2/roles/R%231"
        );
    }

    #[test]
    fn users_roles_and_objects_decode_tolerantly() {
        let u: DbUser = serde_json::from_value(json!({
            "username": "user1", "globalPrivileges": ["SELECT", "CREATE"], "dbPrivileges": null,
            "createTime": "2021-09-07T15:21:52.664003+08:00", "hostName": "%", "locked": "false"
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(u.username, "user1");
        assert_eq!(u.global_privileges, strings(&["SELECT", "CREATE"]));
        assert!(u.db_privileges.is_empty() && u.object_privileges.is_empty() && u.roles.is_empty());
        assert_eq!(u.locked, Some(false));
        let u: DbUser = serde_json::from_value(json!({
            "username": "U1", "locked": true, "roles": ["R1"],
            "dbPrivileges": [{"dbName": "d1", "privileges": null}],
            "objectPrivileges": [{"object": {"objectType": "TABLE", "objectName": "T1",
                                             "schemaName": "U1", "fullName": "U1.T1"},
                                  "privileges": ["SELECT"]}]
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(u.roles, strings(&["R1"]));
        assert_eq!(u.db_privileges, vec![db_priv("d1", &[])]);
        assert_eq!(u.object_privileges[0].object.object_name, "T1");
        // An element of unexpected shape is an error naming it, never skipped (R6): a role or
        // privilege that vanished would read as drift.
        for (body, at) in [
            (json!({"username": "U1", "roles": ["R1", 7]}), "roles[1]: "),
            (
                json!({"username": "U1", "dbPrivileges": [{"dbName": "d1"}, "broken"]}),
                "dbPrivileges[1]: ",
            ),
        ] {
            let e = crate::client::de::decode_at::<DbUser>("", body)
                .err()
                .unwrap_or_else(|| panic!("{at} must not decode"));
            assert!(e.starts_with(at), "{e}");
        }
        let r: DbRole = serde_json::from_value(json!({"roleName": "R1", "globalPrivileges": null}))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.role_name, "R1");
        assert!(r.global_privileges.is_empty());
        let o: DbObject = serde_json::from_value(json!({
            "objectType": "VIEW", "objectName": "V1", "schemaName": "U1", "fullName": "U1.V1"
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            serde_json::to_value(&o).unwrap_or_else(|e| panic!("{e}")),
            json!({"objectType": "VIEW", "objectName": "V1", "schemaName": "U1"})
        );
    }

    #[test]
    fn an_echoed_user_password_is_masked() {
        let err = ClientError::Api {
            method: "POST",
            path: "/p".into(),
            http_status: 400,
            code: Some("ILLEGAL_ARGUMENT".into()),
            message: format!("password {USER_PW} is too weak"),
            trace_id: None,
        };
        let masked = err.mask(&Secret::new(USER_PW));
        assert_hidden(&masked, USER_PW);
        assert!(format!("{masked}").contains("password *** is too weak"));
        let short = ClientError::Decode {
            method: "GET",
            path: "/p".into(),
            message: "ab cd".into(),
        };
        assert!(format!("{}", short.mask(&Secret::new("ab"))).contains("ab cd"));
    }

    #[test]
    fn upper_case_variants() {
        assert_eq!(upper_variant("app").as_deref(), Some("APP"));
        assert_eq!(upper_variant("APP"), None);
        assert_eq!(upper_variant("A_1"), None);
    }

    // ---- against the simulator ----

    async fn create_user(f: &TenantFixture, body: &CreateDbUser) -> DbUser {
        ok(f.client.create_db_user(f.cid, f.tid, body).await).expect_new()
    }

    async fn find_user(f: &TenantFixture, name: &str) -> DbUser {
        ok(f.client.find_db_user(f.cid, f.tid, name).await)
            .unwrap_or_else(|| panic!("user {name} not found"))
    }

    async fn find_role(f: &TenantFixture, name: &str) -> DbRole {
        ok(f.client.find_db_role(f.cid, f.tid, name).await)
            .unwrap_or_else(|| panic!("role {name} not found"))
    }

    async fn create_db(f: &TenantFixture, name: &str) {
        let body = CreateDatabase {
            db_name: name.into(),
            ..CreateDatabase::default()
        };
        ok(f.client.create_database(f.cid, f.tid, &body).await);
    }

    async fn change(
        f: &TenantFixture,
        grantee: Grantee<'_>,
        op: PrivilegeOp,
        scope: PrivilegeScope<'_>,
    ) {
        ok(f.client
            .change_privileges(f.cid, f.tid, grantee, op, scope)
            .await);
    }

    fn mysql_user(name: &str) -> CreateDbUser {
        CreateDbUser {
            username: name.into(),
            password: Secret::new(USER_PW),
            global_privileges: strings(&["SELECT"]),
            db_privileges: vec![db_priv("d1", &["SELECT", "INSERT"])],
            roles: vec![],
        }
    }

    fn db_privs_of(u: &DbUser, db: &str) -> Vec<String> {
        sorted(
            u.db_privileges
                .iter()
                .filter(|p| p.db_name == db)
                .flat_map(|p| p.privileges.clone())
                .collect(),
        )
    }

    #[tokio::test]
    async fn mysql_users_are_created_granted_locked_and_deleted() {
        let f = tenant("MYSQL", "t_users").await;
        let (c, cid, tid) = (&f.client, f.cid, f.tid);
        create_db(&f, "d1").await;
        create_db(&f, "d2").await;

        let created = create_user(&f, &mysql_user("app")).await;
        assert_eq!(created.username, "app");
        assert_eq!(created.global_privileges, strings(&["SELECT"]));
        assert_eq!(db_privs_of(&created, "d1"), strings(&["INSERT", "SELECT"]));
        let found = find_user(&f, "app").await;
        assert_eq!(found.username, "app");
        assert_eq!(db_privs_of(&found, "d1"), strings(&["INSERT", "SELECT"]));
        assert!(ok(c.list_db_users(cid, tid).await)
            .iter()
            .any(|u| u.username == "app"));
        assert!(ok(c.find_db_user(cid, tid, "nobody").await).is_none());

        let user = Grantee::User("app");
        // Global scope.
        change(
            &f,
            user,
            PrivilegeOp::Grant,
            PrivilegeScope::Global(&strings(&["CREATE"])),
        )
        .await;
        assert_eq!(
            sorted(find_user(&f, "app").await.global_privileges),
            strings(&["CREATE", "SELECT"])
        );
        change(
            &f,
            user,
            PrivilegeOp::Revoke,
            PrivilegeScope::Global(&strings(&["SELECT"])),
        )
        .await;
        assert_eq!(
            find_user(&f, "app").await.global_privileges,
            strings(&["CREATE"])
        );
        change(
            &f,
            user,
            PrivilegeOp::Modify,
            PrivilegeScope::Global(&strings(&["SELECT", "UPDATE"])),
        )
        .await;
        assert_eq!(
            sorted(find_user(&f, "app").await.global_privileges),
            strings(&["SELECT", "UPDATE"])
        );
        // Database scope.
        change(
            &f,
            user,
            PrivilegeOp::Grant,
            PrivilegeScope::Db(&[db_priv("d1", &["UPDATE"]), db_priv("d2", &["SELECT"])]),
        )
        .await;
        let u = find_user(&f, "app").await;
        assert_eq!(
            db_privs_of(&u, "d1"),
            strings(&["INSERT", "SELECT", "UPDATE"])
        );
        assert_eq!(db_privs_of(&u, "d2"), strings(&["SELECT"]));
        change(
            &f,
            user,
            PrivilegeOp::Revoke,
            PrivilegeScope::Db(&[db_priv("d1", &["INSERT"])]),
        )
        .await;
        assert_eq!(
            db_privs_of(&find_user(&f, "app").await, "d1"),
            strings(&["SELECT", "UPDATE"])
        );
        change(
            &f,
            user,
            PrivilegeOp::Modify,
            PrivilegeScope::Db(&[db_priv("d1", &["DELETE"])]),
        )
        .await;
        let u = find_user(&f, "app").await;
        assert_eq!(db_privs_of(&u, "d1"), strings(&["DELETE"]));
        assert_eq!(
            db_privs_of(&u, "d2"),
            strings(&["SELECT"]),
            "a modify leaves unlisted databases alone"
        );
        change(
            &f,
            user,
            PrivilegeOp::Modify,
            PrivilegeScope::Db(&[db_priv("d2", &[])]),
        )
        .await;
        let u = find_user(&f, "app").await;
        assert_eq!(u.db_privileges, vec![db_priv("d1", &["DELETE"])]);

        // Lock, unlock (each twice: idempotent).
        ok(c.lock_db_user(cid, tid, "app").await);
        ok(c.lock_db_user(cid, tid, "app").await);
        assert_eq!(find_user(&f, "app").await.locked, Some(true));
        ok(c.unlock_db_user(cid, tid, "app").await);
        ok(c.unlock_db_user(cid, tid, "app").await);
        assert_eq!(find_user(&f, "app").await.locked, Some(false));

        ok(
            c.change_db_user_password(cid, tid, "app", &Secret::new("Other_Pw#2025-y"))
                .await,
        );
        let stored = f
            .sim
            .sim
            .state()
            .lock()
            .objects_mut(tid)
            .users
            .get("app")
            .map(|u| u.password.clone());
        assert_eq!(
            stored,
            Some(ocp_sim::db_objects::Password::Own("Other_Pw#2025-y".into()))
        );

        assert!(ok(c.delete_db_user(cid, tid, "app").await));
        assert!(ok(c.find_db_user(cid, tid, "app").await).is_none());
        assert!(!ok(c.delete_db_user(cid, tid, "app").await));
    }

    #[tokio::test]
    async fn an_empty_grant_or_revoke_sends_nothing() {
        let f = tenant("MYSQL", "t_empty").await;
        create_db(&f, "d1").await;
        create_user(&f, &mysql_user("app")).await;
        f.sim.reset_requests().await;
        for op in [PrivilegeOp::Grant, PrivilegeOp::Revoke] {
            ok(f.client
                .change_privileges(
                    f.cid,
                    f.tid,
                    Grantee::User("app"),
                    op,
                    PrivilegeScope::Global(&[]),
                )
                .await);
        }
        assert_eq!(f.sim.requests().await["count"].as_u64(), Some(0));
        ok(f.client
            .change_privileges(
                f.cid,
                f.tid,
                Grantee::User("app"),
                PrivilegeOp::Modify,
                PrivilegeScope::Global(&[]),
            )
            .await);
        assert!(find_user(&f, "app").await.global_privileges.is_empty());
    }

    #[tokio::test]
    async fn refresh_reads_share_one_list_and_a_read_after_a_write_sees_it() {
        let f = tenant("MYSQL", "t_coalesce").await;
        create_db(&f, "d1").await;
        let names: Vec<String> = (0..30).map(|i| format!("u{i}")).collect();
        for n in &names {
            create_user(&f, &mysql_user(n)).await;
        }
        let refresh = f.client.for_refresh();
        f.sim.reset_requests().await;
        // All at once, as Terraform's concurrent ReadResource calls come.
        let mut reads = tokio::task::JoinSet::new();
        for n in &names {
            let (c, n, cid, tid) = (refresh.clone(), n.clone(), f.cid, f.tid);
            reads.spawn(async move { c.find_db_user(cid, tid, &n).await });
        }
        while let Some(r) = reads.join_next().await {
            assert!(matches!(r, Ok(Ok(Some(_)))), "{r:?}");
        }
        let list = f
            .sim
            .count("GET /api/v2/ob/clusters/{id}/tenants/{id}/users")
            .await;
        let single = f
            .sim
            .count("GET /api/v2/ob/clusters/{id}/tenants/{id}/users/u0")
            .await;
        let total = f.sim.requests().await["count"].as_u64().unwrap();
        assert_eq!(list, 1, "one list call for 30 refresh reads");
        assert!(total <= 2, "{total} requests for 30 reads");
        assert!(single <= 1);
        // A write through any clone drops the list: the next read sees the change.
        f.client
            .change_privileges(
                f.cid,
                f.tid,
                Grantee::User("u1"),
                PrivilegeOp::Grant,
                PrivilegeScope::Global(&strings(&["INSERT"])),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let u1 = ok(refresh.find_db_user(f.cid, f.tid, "u1").await).unwrap();
        assert!(
            u1.global_privileges.contains(&"INSERT".to_string()),
            "{u1:?}"
        );
        f.client
            .delete_db_user(f.cid, f.tid, "u2")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for _ in 0..2 {
            assert_eq!(ok(refresh.find_db_user(f.cid, f.tid, "u2").await), None);
        }
        // Reads that are not a refresh never use the list.
        f.sim.reset_requests().await;
        find_user(&f, "u3").await;
        find_user(&f, "u4").await;
        assert_eq!(
            f.sim
                .count("GET /api/v2/ob/clusters/{id}/tenants/{id}/users")
                .await,
            0
        );
    }

    #[tokio::test]
    async fn create_user_reports_one_that_existed_before_and_sends_no_post() {
        let f = tenant("MYSQL", "t_adopt").await;
        create_db(&f, "d1").await;
        let body = mysql_user("app");
        let existing = create_user(&f, &body).await;
        f.sim.reset_requests().await;
        let path = format!("/api/v2/ob/clusters/{}/tenants/{}/users", f.cid, f.tid);
        f.sim
            .fault(json!({"fail_next": 1, "status": 500, "path_prefix": path, "method": "POST"}))
            .await;
        let found = ok(f.client.create_db_user(f.cid, f.tid, &body).await).expect_existing();
        assert_eq!(found, find_user(&f, &existing.username).await);
        assert_eq!(
            f.sim
                .count("POST /api/v2/ob/clusters/{id}/tenants/{id}/users")
                .await,
            0
        );
    }

    #[tokio::test]
    async fn the_user_password_never_appears_in_an_error() {
        let f = tenant("MYSQL", "t_secret").await;
        create_db(&f, "d1").await;
        let base = format!("/api/v2/ob/clusters/{}/tenants/{}/users", f.cid, f.tid);
        // OCP echoing the password in its refusal of the create.
        f.sim
            .fault(
                json!({"fail_next": 1, "status": 400, "path_prefix": base, "method": "POST",
                          "message": format!("password {USER_PW} is not allowed")}),
            )
            .await;
        let err = match f
            .client
            .create_db_user(f.cid, f.tid, &mysql_user("app"))
            .await
        {
            Err(e) => e,
            Ok(c) => panic!("expected a refusal, got {c:?}"),
        };
        assert_hidden(&err, USER_PW);
        assert!(format!("{err}").contains("password ***"), "{err}");
        // The simulator's own refusal of a weak password.
        let mut weak = mysql_user("weak");
        weak.password = Secret::new("weakpw");
        match f.client.create_db_user(f.cid, f.tid, &weak).await {
            Err(
                e @ ClientError::Api {
                    http_status: 400, ..
                },
            ) => assert_hidden(&e, "weakpw"),
            other => panic!("expected OCP's refusal of a weak password, got {other:?}"),
        }
        // And in the refusal of a password change.
        create_user(&f, &mysql_user("app")).await;
        let new_pw = "New_User#pw-77";
        f.sim
            .fault(json!({"fail_next": 1, "status": 400,
                          "path_prefix": format!("{base}/app/changePassword"), "method": "POST",
                          "message": format!("{new_pw} was used before")}))
            .await;
        let err = match f
            .client
            .change_db_user_password(f.cid, f.tid, "app", &Secret::new(new_pw))
            .await
        {
            Err(e) => e,
            Ok(()) => panic!("expected a refusal"),
        };
        assert_hidden(&err, new_pw);
    }

    #[tokio::test]
    async fn oracle_users_roles_and_object_privileges() {
        let f = tenant("ORACLE", "t_ora").await;
        let (c, cid, tid) = (&f.client, f.cid, f.tid);

        // Roles.
        let base = ok(c
            .create_db_role(
                cid,
                tid,
                &CreateDbRole {
                    role_name: "R_BASE".into(),
                    global_privileges: strings(&["CREATE_SESSION"]),
                    roles: vec![],
                },
            )
            .await)
        .expect_new();
        assert_eq!(base.role_name, "R_BASE");
        let app = ok(c
            .create_db_role(
                cid,
                tid,
                &CreateDbRole {
                    role_name: "R_APP".into(),
                    global_privileges: strings(&["CREATE_TABLE", "CREATE_VIEW"]),
                    roles: vec![],
                },
            )
            .await)
        .expect_new();
        assert_eq!(
            sorted(app.global_privileges),
            strings(&["CREATE_TABLE", "CREATE_VIEW"])
        );
        let names: Vec<String> = ok(c.list_db_roles(cid, tid).await)
            .into_iter()
            .map(|r| r.role_name)
            .collect();
        assert!(
            names.contains(&"R_BASE".to_owned()) && names.contains(&"R_APP".to_owned()),
            "{names:?}"
        );
        assert!(ok(c.find_db_role(cid, tid, "R_NONE").await).is_none());

        // Role to role.
        let role = Grantee::Role("R_APP");
        ok(c.change_privileges(
            cid,
            tid,
            role,
            PrivilegeOp::Grant,
            PrivilegeScope::Roles(&strings(&["R_BASE"])),
        )
        .await);
        assert_eq!(find_role(&f, "R_APP").await.roles, strings(&["R_BASE"]));
        ok(c.change_privileges(
            cid,
            tid,
            role,
            PrivilegeOp::Revoke,
            PrivilegeScope::Roles(&strings(&["R_BASE"])),
        )
        .await);
        assert!(find_role(&f, "R_APP").await.roles.is_empty());
        ok(c.change_privileges(
            cid,
            tid,
            role,
            PrivilegeOp::Modify,
            PrivilegeScope::Global(&strings(&["CREATE_SESSION"])),
        )
        .await);
        assert_eq!(
            find_role(&f, "R_APP").await.global_privileges,
            strings(&["CREATE_SESSION"])
        );

        // A user with system privileges and a role.
        let body = CreateDbUser {
            username: "APP_USER".into(),
            password: Secret::new(USER_PW),
            global_privileges: strings(&["CREATE_SESSION", "CREATE_TABLE"]),
            db_privileges: vec![],
            roles: strings(&["R_APP"]),
        };
        let u = create_user(&f, &body).await;
        assert_eq!(u.username, "APP_USER");
        let u = find_user(&f, "APP_USER").await;
        assert_eq!(
            sorted(u.global_privileges),
            strings(&["CREATE_SESSION", "CREATE_TABLE"])
        );
        assert_eq!(u.roles, strings(&["R_APP"]));
        let user = Grantee::User("APP_USER");
        ok(c.change_privileges(
            cid,
            tid,
            user,
            PrivilegeOp::Grant,
            PrivilegeScope::Roles(&strings(&["R_BASE"])),
        )
        .await);
        assert_eq!(
            sorted(find_user(&f, "APP_USER").await.roles),
            strings(&["R_APP", "R_BASE"])
        );
        ok(c.change_privileges(
            cid,
            tid,
            user,
            PrivilegeOp::Modify,
            PrivilegeScope::Roles(&strings(&["R_BASE"])),
        )
        .await);
        assert_eq!(find_user(&f, "APP_USER").await.roles, strings(&["R_BASE"]));

        // Object privileges, for the user and for a role.
        // OCP lists the objects known to it; a table created by SQL is outside its API, so the
        // simulator lists an object once it received a grant (schema = an existing user).
        let object = DbObject {
            object_type: "TABLE".into(),
            object_name: "T1".into(),
            schema_name: "APP_USER".into(),
        };
        let grant = [ObjectPrivilege {
            object: object.clone(),
            privileges: strings(&["SELECT"]),
        }];
        for grantee in [user, role] {
            ok(c.change_privileges(
                cid,
                tid,
                grantee,
                PrivilegeOp::Grant,
                PrivilegeScope::Object(&grant),
            )
            .await);
        }
        assert_eq!(ok(c.list_db_objects(cid, tid).await), vec![object.clone()]);
        let held = find_user(&f, "APP_USER").await.object_privileges;
        assert_eq!(held.len(), 1, "{held:?}");
        assert_eq!(held[0].object, object);
        assert_eq!(held[0].privileges, strings(&["SELECT"]));
        assert_eq!(find_role(&f, "R_APP").await.object_privileges.len(), 1);
        for grantee in [user, role] {
            ok(c.change_privileges(
                cid,
                tid,
                grantee,
                PrivilegeOp::Revoke,
                PrivilegeScope::Object(&grant),
            )
            .await);
        }
        assert!(find_user(&f, "APP_USER").await.object_privileges.is_empty());
        assert!(find_role(&f, "R_APP").await.object_privileges.is_empty());

        // Oracle stores unquoted names upper case.
        let low = CreateDbUser {
            username: "low_user".into(),
            password: Secret::new(USER_PW),
            global_privileges: strings(&["CREATE_SESSION"]),
            ..CreateDbUser::default()
        };
        assert_eq!(create_user(&f, &low).await.username, "LOW_USER");
        assert_eq!(find_user(&f, "LOW_USER").await.username, "LOW_USER");
        assert!(ok(c.delete_db_user(cid, tid, "LOW_USER").await));

        // Deletes.
        assert!(ok(c.delete_db_user(cid, tid, "APP_USER").await));
        assert!(ok(c.delete_db_role(cid, tid, "R_APP").await));
        assert!(ok(c.find_db_role(cid, tid, "R_APP").await).is_none());
        assert!(!ok(c.delete_db_role(cid, tid, "R_APP").await));
    }

    #[tokio::test]
    async fn an_oracle_role_that_exists_upper_cased_is_reported_not_created_again() {
        let f = tenant("ORACLE", "t_ora_adopt").await;
        let body = CreateDbRole {
            role_name: "r_low".into(),
            global_privileges: vec![],
            roles: vec![],
        };
        let first = ok(f.client.create_db_role(f.cid, f.tid, &body).await);
        assert!(!first.is_adopted(), "{first:?}");
        f.sim.reset_requests().await;
        let path = format!("/api/v2/ob/clusters/{}/tenants/{}/roles", f.cid, f.tid);
        f.sim
            .fault(json!({"fail_next": 1, "status": 500, "path_prefix": path, "method": "POST"}))
            .await;
        let r = ok(f.client.create_db_role(f.cid, f.tid, &body).await).expect_existing();
        assert!(r.role_name.eq_ignore_ascii_case("r_low"), "{r:?}");
        assert_eq!(
            f.sim
                .count("POST /api/v2/ob/clusters/{id}/tenants/{id}/roles")
                .await,
            0
        );
    }
}
