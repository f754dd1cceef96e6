//! Databases of a MySQL tenant (ocp-api.md §3.5, §5 #14, #24). Every call is synchronous.
//!
//! Paths and shapes the reference does not settle, kept here in one place:
//!
//! | Call | Path / shape | Why |
//! |---|---|---|
//! | create | `POST .../tenants/{tenantId}/databases {dbName, charset, collation, primaryZone, readonly}` | §5 #14 (path from S0, field names from the list item) |
//! | modify | `PUT .../databases/{dbName} {primaryZone, readonly}` | §5 #14 (inferred) |
//! | delete | `DELETE .../databases/{dbName}` | §5 #14 (inferred) |
//! | one database | no GET-one call is documented: the list is read and the exact name picked | §3.5 |
//! | create answer | the database in `data`, or no `data` (then it is looked up) | not documented |
//! | list | `data.contents`, with or without `page` | §5 #24 |
//!
//! Retrying (design rule R2): create goes through [`OcpClient::post_create`] with
//! [`OcpClient::find_database`] as the look-up (the name as given; MySQL tenants keep the
//! case the name was created with). PUT and DELETE are retried like every PUT and DELETE.

use super::user::{tenant_named, TenantNamed};
use crate::client::de::{body_struct, wire_struct};
use crate::client::{ClientError, Created, OcpClient};

wire_struct! {
    /// A database as OCP reports it (§3.5).
    pub struct Database {
        /// OCP id of the database.
        pub id: Option<i64>,
        /// Database name (the natural key in the tenant).
        pub db_name: String,
        /// Character set.
        pub charset: Option<String>,
        /// Collation.
        pub collation: Option<String>,
        /// Primary zone priority string; absent when the tenant's applies.
        pub primary_zone: Option<String>,
        /// Whether the database is read-only.
        pub readonly: Option<bool>,
        /// ISO-8601 creation time.
        pub create_time: Option<String>,
        /// Space used, as OCP reports it.
        pub required_size: Option<f64>,
        /// How clients connect (§3.5); empty when OCP sends none.
        pub connection_urls: Vec<ConnectionUrl>,
    }
}

wire_struct! {
    /// One entry of `connectionUrls` (§3.5): `{connectionStringType (OBPROXY|DIRECT),
    /// obProxyAddress, obProxyPort, connectionString}`. OCP's strings name the user but never
    /// carry a password. Tenants carry the same list (inferred, see `super::tenant`).
    #[derive(Eq)]
    pub struct ConnectionUrl {
        /// `OBPROXY` or `DIRECT`.
        pub connection_string_type: Option<String>,
        /// Host to connect to (an OBProxy, or an OBServer for `DIRECT`).
        pub ob_proxy_address: Option<String>,
        /// Its port.
        pub ob_proxy_port: Option<i64>,
        /// The client command line, e.g. `obclient -h10.0.0.1 -P2881 -uroot@t1 -Dorders -p`.
        pub connection_string: Option<String>,
    }
}

body_struct! {
    /// Body of create-database (§5 #14); `None` fields are not sent.
    #[derive(Default, Eq)]
    pub struct CreateDatabase {
        /// Database name.
        pub db_name: String,
        /// Character set (the tenant's when absent).
        pub charset: Option<String>,
        /// Collation (the charset's default when absent).
        pub collation: Option<String>,
        /// Primary zone priority string (the tenant's when absent).
        pub primary_zone: Option<String>,
        /// Read-only.
        pub readonly: bool,
    }
}

body_struct! {
    /// Body of modify-database (§5 #14); `None` fields are not sent (left as they are).
    #[derive(Default, Eq)]
    pub struct ModifyDatabase {
        /// New primary zone priority string.
        pub primary_zone: Option<String>,
        /// New read-only flag.
        pub readonly: Option<bool>,
    }
}

// No GET of one database is documented (§3.5): the list is read.
tenant_named!(Database, "databases", "dbName", db_name, "database", false);

impl OcpClient {
    /// `GET .../databases`: every database of the tenant (all pages).
    pub async fn list_databases(
        &self,
        cluster_id: i64,
        tenant_id: i64,
    ) -> Result<Vec<Database>, ClientError> {
        self.list_named(cluster_id, tenant_id).await
    }

    /// The database named exactly `name` (no GET-one call is documented: the list is read).
    /// `None` also when the tenant or cluster is unknown (404).
    pub async fn find_database(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        name: &str,
    ) -> Result<Option<Database>, ClientError> {
        self.find_named(cluster_id, tenant_id, name).await
    }

    /// `POST .../databases` (§5 #14). Never repeated blindly, never adopting a database that
    /// was there before ([`OcpClient::post_create`] with [`OcpClient::find_database`] as the
    /// look-up). An answer without the database in `data` is completed by the same look-up.
    pub async fn create_database(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        body: &CreateDatabase,
    ) -> Result<Created<Database>, ClientError> {
        let path = Database::list_path(cluster_id, tenant_id);
        let lookup = || self.find_database(cluster_id, tenant_id, &body.db_name);
        self.create_named(&path, body, Database::KEY, Database::WHAT, lookup)
            .await
    }

    /// `PUT .../databases/{dbName}` (§5 #14): primary zone and/or read-only flag.
    pub async fn modify_database(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        name: &str,
        body: &ModifyDatabase,
    ) -> Result<(), ClientError> {
        let path = Database::path(cluster_id, tenant_id, name);
        self.put::<_, serde_json::Value>(&path, body)
            .await
            .map(drop)
    }

    /// `DELETE .../databases/{dbName}`: `true` when deleted, `false` when it was already gone.
    pub async fn delete_database(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        name: &str,
    ) -> Result<bool, ClientError> {
        self.delete_named::<Database>(cluster_id, tenant_id, name)
            .await
    }
}

#[cfg(test)]
mod tests;
