//! Restore of a tenant from its backups (§3.8.1, §5 #25, #26) and the restore task lists.

use serde_json::{json, Value};

use crate::support::{sim_virtual, tenant_body, Client, CLUSTER, TENANTS};

const RESTORE: &str = "/api/v2/ob/clusters/1000001/backup/restore";

fn restore_body(source: i64, name: &str, at: &str) -> Value {
    json!({
        "backupTenantStatus": "ONLINE",
        "restoreOnlineTenantRequiredParam": {
            "backupClusterId": CLUSTER,
            "backupTenantId": source,
            "restoreClusterId": CLUSTER,
            "restoreEndTime": at,
            "restoreTenantInfoParam": {
                "name": name,
                "zones": [{"name": "zone1", "replicaType": "FULL",
                           "resourcePool": {"unitSpecName": "S1", "unitCount": 1}}],
            },
        },
    })
}

/// Creates tenant `name` with a database and a user, takes one full backup of it; returns its
/// id and the end time of that backup.
async fn backed_up(c: &Client, name: &str) -> (i64, String) {
    let r = c
        .post(
            &format!("{TENANTS}/createTenant"),
            tenant_body(name, "MYSQL"),
        )
        .await;
    let tid = r.ok()["tenantId"].as_i64().expect("tenantId");
    c.wait_ok(r.task_id()).await;
    let base = format!("{TENANTS}/{tid}");
    c.post(&format!("{base}/databases"), json!({"dbName": "orders"}))
        .await
        .ok();
    c.post(
        &format!("{base}/users"),
        json!({"username": "app", "password": "Passw0rd_App1", "globalPrivileges": ["SELECT"]}),
    )
    .await
    .ok();
    let r = c
        .post(
            &format!("{base}/backup/backupNow"),
            json!({"backupMode": "PHYSICAL_BACKUP", "dataBackupMode": "FULL_BACKUP",
                   "obBackupServiceStorageConfig": {"configName": "nfs",
                   "obBackupStorageBaseInfo": {"backupStorageType": "BACKUP_STORAGE_FILE",
                                               "storageUrl": "/obbackup/"}}}),
        )
        .await;
    let id = r.ok()["backupObjectOpsResultList"][0]["taskIdList"][0]
        .as_i64()
        .expect("task id");
    c.wait_ok(id).await;
    let rows = c.data(&format!("{base}/backup/task/dataBackupTasks")).await;
    let end = rows["contents"][0]["endTime"]
        .as_str()
        .expect("endTime")
        .to_string();
    (tid, end)
}

#[tokio::test]
async fn restore_makes_a_restoring_tenant_with_the_sources_databases_and_users() {
    let (_sim, c) = sim_virtual(4.0).await;
    let (src, end) = backed_up(&c, "src").await;

    let r = c.post(RESTORE, restore_body(src, "copy", &end)).await;
    let d = r.ok().clone();
    assert_eq!(d["obBackupTaskType"], "RESTORE_TENANT");
    let task = d["backupObjectOpsResultList"][0]["taskIdList"][0]
        .as_i64()
        .expect("task id");
    let t = c
        .tenant_named("copy")
        .await
        .expect("restored tenant listed at once");
    assert_eq!(t["status"], "RESTORING");
    let info = c.task(task).await;
    assert_eq!(info["name"], "Restore tenant");
    assert_eq!(info["tenantId"], t["id"]);
    c.wait_ok(task).await;
    let t = c.tenant_named("copy").await.expect("restored tenant");
    assert_eq!(t["status"], "NORMAL");
    let base = format!("{TENANTS}/{}", t["id"]);
    let dbs = c.data(&format!("{base}/databases")).await;
    assert_eq!(dbs["contents"][0]["dbName"], "orders", "{dbs}");
    let users = c.data(&format!("{base}/users")).await;
    let names: Vec<&str> = users["contents"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert_eq!(names, ["app", "root"]);
    // The tenant detail carries connection URLs, without any password.
    let detail = c.data(&base).await;
    let url = &detail["connectionUrls"][0];
    assert_eq!(url["connectionStringType"], "DIRECT");
    let s = url["connectionString"].as_str().expect("string");
    assert!(s.contains("-uroot@copy") && s.ends_with("-p"), "{s}");

    // The restore task lists of the cluster and of the source tenant.
    for path in [
        "/api/v2/ob/clusters/1000001/backup/task/restoreTasks".to_string(),
        format!("{TENANTS}/{src}/backup/task/restoreTasks"),
    ] {
        let rows = c.data(&path).await;
        let row = &rows["contents"][0];
        assert_eq!(row["ocpJobId"], task, "{rows}");
        assert_eq!(row["status"], "SUCCESSFUL");
        assert_eq!(row["backupTenantName"], "src");
        assert_eq!(row["restoreTenantName"], "copy");
        assert_eq!(row["backupMode"], "PHYSICAL_BACKUP");
    }
    let none = c
        .data(&format!(
            "{TENANTS}/{src}/backup/task/restoreTasks?status=FAILED"
        ))
        .await;
    assert_eq!(none["contents"], json!([]));
}

#[tokio::test]
async fn restore_refuses_a_time_outside_the_backups_and_creates_nothing() {
    let (_sim, c) = sim_virtual(1.0).await;
    // No backup yet: refused naming the source tenant.
    let r = c
        .post(
            &format!("{TENANTS}/createTenant"),
            tenant_body("bare", "MYSQL"),
        )
        .await;
    let bare = r.ok()["tenantId"].as_i64().expect("id");
    c.wait_ok(r.task_id()).await;
    c.post(RESTORE, restore_body(bare, "x1", "2020-01-01T00:00:00Z"))
        .await
        .assert_err(
            400,
            "ILLEGAL_ARGUMENT",
            "restoreOnlineTenantRequiredParam.backupTenantId",
        );

    let (src, _end) = backed_up(&c, "src2").await;
    for at in ["2020-01-01T00:00:00+08:00", "2999-01-01T00:00:00Z"] {
        c.post(RESTORE, restore_body(src, "x2", at))
            .await
            .assert_err(
                400,
                "ILLEGAL_ARGUMENT",
                "invalid restoreOnlineTenantRequiredParam.restoreEndTime",
            );
    }
    c.post(RESTORE, restore_body(src, "x3", "not a time"))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "restoreEndTime");
    // The new tenant's fields are checked like a create's, named in the restore body.
    let mut dup = restore_body(src, "src2", "2999-01-01T00:00:00Z");
    dup["restoreOnlineTenantRequiredParam"]["restoreEndTime"] = Value::Null;
    c.post(RESTORE, dup)
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "restoreEndTime is required");
    assert!(c.tenant_named("x1").await.is_none());
    assert!(c.tenant_named("x2").await.is_none());
    assert!(c.tenant_named("x3").await.is_none());
    let rows = c
        .data("/api/v2/ob/clusters/1000001/backup/task/restoreTasks")
        .await;
    assert_eq!(rows["contents"], json!([]));
}
