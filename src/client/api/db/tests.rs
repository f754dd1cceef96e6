//! Tests of `client::api::db`, against the simulator where they call OCP.

use serde_json::json;

use super::*;
use crate::client::api::user::fixture::{tenant, TenantFixture};
use crate::client::testutil::ok;

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
        Database::path(1, 2, "my db"),
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
    f.sim
        .refuse_next_post(&Database::list_path(f.cid, f.tid))
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
