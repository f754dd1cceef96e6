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

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::user::{created_object, deleted};
use super::{not_found_as_none, path_segment};
use crate::client::de::{de_opt_bool, de_opt_i64, de_opt_string, de_string};
use crate::client::{ClientError, Created, OcpClient};

/// Base path of the cluster family (databases live under a tenant of a cluster).
const CLUSTERS: &str = "/api/v2/ob/clusters";

/// A database as OCP reports it (§3.5). `connectionUrls` is not read.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Database {
    /// OCP id of the database.
    #[serde(default, deserialize_with = "de_opt_i64")]
    pub id: Option<i64>,
    /// Database name (the natural key in the tenant).
    #[serde(default, deserialize_with = "de_string")]
    pub db_name: String,
    /// Character set.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub charset: Option<String>,
    /// Collation.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub collation: Option<String>,
    /// Primary zone priority string; absent when the tenant's applies.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub primary_zone: Option<String>,
    /// Whether the database is read-only.
    #[serde(default, deserialize_with = "de_opt_bool")]
    pub readonly: Option<bool>,
    /// ISO-8601 creation time.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub create_time: Option<String>,
    /// Space used, as OCP reports it.
    #[serde(default, deserialize_with = "de_opt_f64")]
    pub required_size: Option<f64>,
}

/// Accepts a number, a numeric string or null.
fn de_opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Body of create-database (§5 #14); `None` fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDatabase {
    /// Database name.
    pub db_name: String,
    /// Character set (the tenant's when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// Collation (the charset's default when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// Primary zone priority string (the tenant's when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_zone: Option<String>,
    /// Read-only.
    pub readonly: bool,
}

/// Body of modify-database (§5 #14); `None` fields are not sent (left as they are).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyDatabase {
    /// New primary zone priority string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_zone: Option<String>,
    /// New read-only flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readonly: Option<bool>,
}

fn databases_path(cluster_id: i64, tenant_id: i64) -> String {
    format!("{CLUSTERS}/{cluster_id}/tenants/{tenant_id}/databases")
}

fn database_path(cluster_id: i64, tenant_id: i64, name: &str) -> String {
    format!(
        "{}/{}",
        databases_path(cluster_id, tenant_id),
        path_segment(name)
    )
}

impl OcpClient {
    /// `GET .../databases`: every database of the tenant (all pages).
    pub async fn list_databases(
        &self,
        cluster_id: i64,
        tenant_id: i64,
    ) -> Result<Vec<Database>, ClientError> {
        self.list_all(&databases_path(cluster_id, tenant_id), &[])
            .await
    }

    /// The database named exactly `name` (no GET-one call is documented: the list is read).
    /// `None` also when the tenant or cluster is unknown (404).
    pub async fn find_database(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        name: &str,
    ) -> Result<Option<Database>, ClientError> {
        if name.is_empty() {
            return Ok(None);
        }
        let list = databases_path(cluster_id, tenant_id);
        if let Some(d) = self
            .coalesced_item::<Database>(&list, |v| v["dbName"] == name)
            .await
        {
            return Ok(Some(d));
        }
        Ok(
            not_found_as_none(self.list_databases(cluster_id, tenant_id).await)?
                .into_iter()
                .flatten()
                .find(|d| d.db_name == name),
        )
    }

    /// `POST .../databases` (§5 #14). Never repeated blindly, never adopting a database that
    /// was there before ([`OcpClient::post_create`] with [`OcpClient::find_database`] as the
    /// look-up). An answer without the database in `data` is completed by the same look-up.
    pub async fn create_database(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        body: &CreateDatabase,
    ) -> Result<Created<Database, Database>, ClientError> {
        let path = databases_path(cluster_id, tenant_id);
        let lookup = || self.find_database(cluster_id, tenant_id, &body.db_name);
        match self
            .post_create::<_, Value, _, _, _>(&path, body, lookup)
            .await?
        {
            Created::New(data) => created_object(&path, data, "dbName", "database", lookup)
                .await
                .map(Created::New),
            Created::Adopted(d) => Ok(Created::Adopted(d)),
            Created::Existing(d) => Ok(Created::Existing(d)),
        }
    }

    /// `PUT .../databases/{dbName}` (§5 #14): primary zone and/or read-only flag.
    pub async fn modify_database(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        name: &str,
        body: &ModifyDatabase,
    ) -> Result<(), ClientError> {
        self.put::<_, Value>(&database_path(cluster_id, tenant_id, name), body)
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
        if name.is_empty() {
            return Ok(false);
        }
        deleted(
            self.delete(&database_path(cluster_id, tenant_id, name))
                .await,
        )
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::client::api::user::fixture::{tenant, TenantFixture};

    fn ok<T>(r: Result<T, ClientError>) -> T {
        r.unwrap_or_else(|e| panic!("{e}"))
    }

    async fn find(f: &TenantFixture, name: &str) -> Database {
        ok(f.client.find_database(f.cid, f.tid, name).await)
            .unwrap_or_else(|| panic!("database {name} not found"))
    }

    // ---- pure unit tests ----

    #[test]
    fn bodies_have_ocp_names_and_skip_absent_fields() {
        let full = CreateDatabase {
            db_name: "d1".into(),
            charset: Some("utf8mb4".into()),
            collation: Some("utf8mb4_bin".into()),
            primary_zone: Some("zone1".into()),
            readonly: true,
        };
        assert_eq!(
            serde_json::to_value(&full).unwrap_or_else(|e| panic!("{e}")),
            json!({"dbName": "d1", "charset": "utf8mb4", "collation": "utf8mb4_bin",
                   "primaryZone": "zone1", "readonly": true})
        );
        let minimal = CreateDatabase {
            db_name: "d2".into(),
            ..CreateDatabase::default()
        };
        assert_eq!(
            serde_json::to_value(&minimal).unwrap_or_else(|e| panic!("{e}")),
            json!({"dbName": "d2", "readonly": false})
        );
        let modify = ModifyDatabase {
            readonly: Some(false),
            ..ModifyDatabase::default()
        };
        assert_eq!(
            serde_json::to_value(&modify).unwrap_or_else(|e| panic!("{e}")),
            json!({"readonly": false})
        );
        assert_eq!(
            database_path(1, 2, "my db"),
            "/api/v2/ob/clusters/1/tenants/2/databases/my%20db"
        );
    }

    #[test]
    fn the_documented_database_item_decodes_and_odd_fields_are_tolerated() {
        let d: Database = serde_json::from_value(json!({
            "id": 1001, "dbName": "d1", "charset": "utf8mb4", "collation": "utf8mb4_general_ci",
            "primaryZone": null, "readonly": false, "createTime": "2021-09-07T15:21:52+08:00",
            "requiredSize": 12.5,
            "connectionUrls": [{"connectionStringType": "DIRECT", "obProxyAddress": "10.0.0.1",
                                "obProxyPort": 2883, "connectionString": "obclient -h..."}]
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.id, Some(1001));
        assert_eq!(d.db_name, "d1");
        assert_eq!(d.primary_zone, None);
        assert_eq!(d.readonly, Some(false));
        assert_eq!(d.required_size, Some(12.5));
        let d: Database = serde_json::from_value(
            json!({"id": "7", "dbName": "d2", "readonly": "true", "requiredSize": "3"}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (d.id, d.readonly, d.required_size),
            (Some(7), Some(true), Some(3.0))
        );
    }

    // ---- against the simulator ----

    #[tokio::test]
    async fn databases_are_created_found_modified_and_deleted() {
        let f = tenant("MYSQL", "t_db").await;
        let (c, cid, tid) = (&f.client, f.cid, f.tid);
        let body = CreateDatabase {
            db_name: "d1".into(),
            charset: Some("utf8mb4".into()),
            collation: Some("utf8mb4_bin".into()),
            primary_zone: None,
            readonly: false,
        };
        let created = ok(c.create_database(cid, tid, &body).await).expect_new();
        assert_eq!(created.db_name, "d1");
        assert_eq!(created.charset.as_deref(), Some("utf8mb4"));
        assert_eq!(created.collation.as_deref(), Some("utf8mb4_bin"));
        assert_eq!(created.readonly, Some(false));
        let found = find(&f, "d1").await;
        assert_eq!(found.db_name, "d1");
        assert_eq!(found.id, created.id);
        assert!(ok(c.list_databases(cid, tid).await)
            .iter()
            .any(|d| d.db_name == "d1"));
        for other in ["d", "D1", "d1x", ""] {
            assert!(
                ok(c.find_database(cid, tid, other).await).is_none(),
                "{other:?}"
            );
        }

        ok(c.modify_database(
            cid,
            tid,
            "d1",
            &ModifyDatabase {
                readonly: Some(true),
                primary_zone: Some("zone1".into()),
            },
        )
        .await);
        let d = find(&f, "d1").await;
        assert_eq!(d.readonly, Some(true));
        assert_eq!(d.primary_zone.as_deref(), Some("zone1"));
        ok(c.modify_database(
            cid,
            tid,
            "d1",
            &ModifyDatabase {
                readonly: Some(false),
                ..ModifyDatabase::default()
            },
        )
        .await);
        let d = find(&f, "d1").await;
        assert_eq!(d.readonly, Some(false));
        assert_eq!(d.primary_zone.as_deref(), Some("zone1"), "left as it was");

        assert!(ok(c.delete_database(cid, tid, "d1").await));
        assert!(ok(c.find_database(cid, tid, "d1").await).is_none());
        assert!(!ok(c.delete_database(cid, tid, "d1").await));
    }

    #[tokio::test]
    async fn an_unknown_tenant_has_no_databases_to_find() {
        let f = tenant("MYSQL", "t_db_none").await;
        let found = ok(f.client.find_database(f.cid, 987_654_321, "d1").await);
        assert!(found.is_none(), "{found:?}");
    }

    #[tokio::test]
    async fn create_database_reports_one_that_existed_before_and_sends_no_post() {
        let f = tenant("MYSQL", "t_db_adopt").await;
        let body = CreateDatabase {
            db_name: "d1".into(),
            ..CreateDatabase::default()
        };
        let existing = ok(f.client.create_database(f.cid, f.tid, &body).await).expect_new();
        f.sim.reset_requests().await;
        let path = databases_path(f.cid, f.tid);
        f.sim
            .fault(json!({"fail_next": 1, "status": 500, "path_prefix": path, "method": "POST"}))
            .await;
        let found = ok(f.client.create_database(f.cid, f.tid, &body).await).expect_existing();
        assert_eq!(found.id, existing.id);
        assert_eq!(
            f.sim
                .count("POST /api/v2/ob/clusters/{id}/tenants/{id}/databases")
                .await,
            0
        );
    }
}
