//! End-to-end tests of the backup endpoints (§3.8): strategies, schedules, backupNow, task lists.

use serde_json::{json, Value};

use crate::support::{sim, sim_virtual, Client, CLUSTER, SYS};

const T: &str = "/api/v2/ob/clusters/1000001/tenants/1002001/backup";
const C: &str = "/api/v2/ob/clusters/1000001/backup";
const OSS_SECRET: &str = "SK-SECRET-oss-0001";
const S3_SECRET: &str = "SK-SECRET-s3-0002";
const COS_SECRET: &str = "SK-SECRET-cos-0003";
/// Secrets are write-only: no response body ever carries one (§5 #27). The member never appears
/// as a JSON key (error messages may name the field).
const LEAKS: [&str; 5] = [
    OSS_SECRET,
    S3_SECRET,
    COS_SECRET,
    "SK-SECRET",
    "\"accessKeySecret\"",
];

impl Client {
    async fn strategy(&self, base: &str) -> Value {
        self.data(&format!("{base}/config/backupStrategy")).await
    }

    async fn rows(&self, base: &str, kind: &str, query: &str) -> Vec<Value> {
        let d = self
            .data(&format!("{base}/task/{kind}?size=2000{query}"))
            .await;
        d["contents"].as_array().expect("contents").clone()
    }
}

/// A complete OSS StrategyBody (the §3.8.2 example).
fn oss_body() -> Value {
    json!({
        "backupMode": "PHYSICAL_BACKUP",
        "obBackupScheduleConfig": {
            "backupScheduleMode": "WEEK", "backupScheduleEnabled": false,
            "backupScheduleTime": "02:00+08:00",
            "dayAndDataBackupModelMap": {"1": "FULL_BACKUP", "4": "INCREMENTAL_BACKUP"},
            "startLogBackup": true, "cleanEnabled": true, "backupDataRetentionDays": 7
        },
        "obBackupThresholdConfig": {"dataBackupTimeoutMinutes": 120, "logBackupDelaySeconds": 600,
                                    "noSuccessfulDataBackupAlarmDays": 8},
        "obBackupServiceStorageConfig": {
            "configName": "oss-main",
            "obBackupStorageBaseInfo": {
                "backupStorageType": "BACKUP_STORAGE_OSS", "storageUrl": "mybucket/ob/t1",
                "ossAccessKey": {"endpoint": "oss-cn-hangzhou.aliyuncs.com", "accessKeyId": "AKID-oss",
                                 "accessKeySecret": OSS_SECRET}
            }
        }
    })
}

fn s3_storage() -> Value {
    json!({
        "configName": "s3-main",
        "obBackupStorageBaseInfo": {
            "backupStorageType": "BACKUP_STORAGE_S3", "storageUrl": "s3bucket/ob",
            "s3AccessKey": {"endpoint": "s3.us-east-1.amazonaws.com", "region": "us-east-1",
                            "accessKeyId": "AKID-s3", "accessKeySecret": S3_SECRET}
        }
    })
}

fn cos_storage() -> Value {
    json!({
        "configName": "cos-main",
        "obBackupStorageBaseInfo": {
            "backupStorageType": "BACKUP_STORAGE_COS", "storageUrl": "cosbucket/ob/",
            "cosAccessKey": {"endpoint": "cos.ap-shanghai.myqcloud.com", "appId": "1250000000",
                             "accessKeyId": "AKID-cos", "accessKeySecret": COS_SECRET}
        }
    })
}

fn file_storage() -> Value {
    json!({
        "configName": "nfs",
        "alarmStoragePercentageThreshold": 90,
        "obBackupStorageBaseInfo": {"backupStorageType": "BACKUP_STORAGE_FILE", "storageUrl": "/obbackup/t1"}
    })
}

/// `base` with the member at JSON pointer `ptr` replaced (`Some`) or removed (`None`).
fn with(base: &Value, ptr: &str, value: Option<Value>) -> Value {
    let mut v = base.clone();
    let (parent, key) = ptr.rsplit_once('/').expect("pointer");
    let obj = v
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {parent}"));
    match value {
        Some(x) => obj.insert(key.to_string(), x),
        None => obj.remove(key),
    };
    v
}

fn strategy_path(base: &str) -> String {
    format!("{base}/config/backupStrategy")
}

fn check_common(data: &Value, kind: &str, tenant: Option<i64>) {
    assert_eq!(data["obBackupTaskType"], kind, "{data}");
    let list = data["backupObjectOpsResultList"].as_array().expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["beSuccessful"], true);
    let objects = list[0]["obBackupObjectList"].as_array().expect("objects");
    let expected = match tenant {
        Some(t) => json!([{"clusterId": CLUSTER, "tenantId": t, "backupDimension": "TENANT"}]),
        None => json!([{"clusterId": CLUSTER, "backupDimension": "CLUSTER"}]),
    };
    assert_eq!(Value::Array(objects.clone()), expected);
}

#[tokio::test]
async fn tenant_strategy_create_get_modify_delete() {
    let (_sim, c) = sim(0.2).await;
    let path = strategy_path(T);

    // Not configured: the tenant's fields, no id (C-ui "not configured").
    let s = c.strategy(T).await;
    assert!(s.get("id").is_none(), "{s}");
    assert_eq!(s["clusterId"], CLUSTER);
    assert_eq!(s["clusterName"], "demo-cluster");
    assert_eq!(s["obClusterId"], 1_700_000_001i64);
    assert_eq!(s["tenantId"], SYS);
    assert_eq!(s["tenantName"], "sys");
    assert_eq!(s["obTenantId"], 1);
    assert_eq!(s["backupDimension"], "TENANT");

    let r = c.post(&path, oss_body()).await;
    let d = r.ok();
    check_common(d, "CREATE_BACKUP_STRATEGY", Some(SYS));
    assert!(d["backupObjectOpsResultList"][0]
        .get("taskIdList")
        .is_none());

    let s = c.strategy(T).await;
    let id = s["id"].as_i64().expect("id");
    assert_eq!(s["type"], "BACKUP");
    assert_eq!(s["backupMode"], "PHYSICAL_BACKUP");
    assert_eq!(s["tenantName"], "sys");
    assert_eq!(s["backupDimension"], "TENANT");
    assert_eq!(s["autoCompactEnabled"], false);
    assert_eq!(s["secondaryBackupEnabled"], false);
    assert!(s["createTime"]
        .as_str()
        .expect("createTime")
        .ends_with("+08:00"));
    let sc = &s["obBackupScheduleConfig"];
    assert_eq!(sc["backupScheduleMode"], "WEEK");
    assert_eq!(sc["backupScheduleEnabled"], false);
    assert_eq!(sc["backupScheduleTime"], "02:00:00.000+08:00");
    assert_eq!(
        sc["dayAndDataBackupModelMap"],
        json!({"1": "FULL_BACKUP", "4": "INCREMENTAL_BACKUP"})
    );
    assert_eq!(sc["startLogBackup"], true);
    assert_eq!(sc["cleanEnabled"], true);
    assert_eq!(sc["backupDataRetentionDays"], 7);
    assert_eq!(
        s["obBackupThresholdConfig"]["dataBackupTimeoutMinutes"],
        120
    );
    assert_eq!(s["obBackupThresholdConfig"]["logBackupDelaySeconds"], 600);
    assert_eq!(
        s["obBackupThresholdConfig"]["noSuccessfulDataBackupAlarmDays"],
        8
    );
    let sto = &s["obBackupServiceStorageConfig"];
    assert_eq!(sto["configName"], "oss-main");
    let base = &sto["obBackupStorageBaseInfo"];
    assert_eq!(base["backupStorageType"], "BACKUP_STORAGE_OSS");
    assert_eq!(base["storageUrl"], "mybucket/ob/t1");
    assert_eq!(
        base["ossAccessKey"],
        json!({"endpoint": "oss-cn-hangzhou.aliyuncs.com", "accessKeyId": "AKID-oss"})
    );

    // One strategy per tenant.
    let r = c.post(&path, oss_body()).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.code(), "BACKUP_STRATEGY_EXISTS");
    assert_eq!(c.strategy(T).await["id"], id);

    // Modify = full replacement: S3 storage, no thresholds members, no retention.
    let mut body = oss_body();
    body["backupMode"] = json!("LOGICAL_BACKUP");
    body["obBackupScheduleConfig"] = json!({
        "backupScheduleMode": "MONTH", "backupScheduleTime": "23:30:15.5-05:00",
        "dayAndDataBackupModelMap": {"1": "FULL_BACKUP", "15": "INCREMENTAL_BACKUP", "31": "INCREMENTAL_BACKUP"},
        "cleanScheduleTime": "04:00Z"
    });
    body["obBackupThresholdConfig"] = json!({"libObLogExpireDays": 3});
    body["obBackupServiceStorageConfig"] = s3_storage();
    let d = c.patch(&path, body).await;
    check_common(d.ok(), "MODIFY_BACKUP_STRATEGY", Some(SYS));
    let s = c.strategy(T).await;
    assert_eq!(s["id"], id);
    assert_eq!(s["backupMode"], "LOGICAL_BACKUP");
    let sc = &s["obBackupScheduleConfig"];
    assert_eq!(sc["backupScheduleMode"], "MONTH");
    assert_eq!(sc["backupScheduleTime"], "23:30:15.500-05:00");
    assert_eq!(sc["cleanScheduleTime"], "04:00:00.000+00:00");
    assert_eq!(sc["startLogBackup"], false);
    assert_eq!(sc["cleanEnabled"], false);
    assert_eq!(sc["backupDataRetentionDays"], Value::Null);
    assert_eq!(sc["dayAndDataBackupModelMap"]["31"], "INCREMENTAL_BACKUP");
    assert_eq!(
        s["obBackupThresholdConfig"],
        json!({"dataBackupTimeoutMinutes": null, "logBackupDelaySeconds": null,
               "noSuccessfulDataBackupAlarmDays": null, "libObLogExpireDays": 3})
    );
    let base = &s["obBackupServiceStorageConfig"]["obBackupStorageBaseInfo"];
    assert_eq!(base["backupStorageType"], "BACKUP_STORAGE_S3");
    assert!(base.get("ossAccessKey").is_none(), "{base}");
    assert_eq!(
        base["s3AccessKey"],
        json!({"endpoint": "s3.us-east-1.amazonaws.com", "region": "us-east-1", "accessKeyId": "AKID-s3"})
    );

    // PATCH needs all four members (§5 #27); a bad PATCH changes nothing.
    let r = c
        .patch(
            &path,
            with(&oss_body(), "/obBackupThresholdConfig", None::<Value>),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.code(), "ILLEGAL_ARGUMENT");
    assert!(
        r.message().contains("obBackupThresholdConfig"),
        "{}",
        r.message()
    );
    assert_eq!(c.strategy(T).await["backupMode"], "LOGICAL_BACKUP");

    let d = c.delete(&path).await;
    check_common(d.ok(), "DELETE_BACKUP_STRATEGY", Some(SYS));
    assert!(c.strategy(T).await.get("id").is_none());

    // Missing strategy: 404 for modify, delete, start, stop (§3.8.4).
    for r in [
        c.delete(&path).await,
        c.patch(&path, oss_body()).await,
        c.post_empty(&format!("{path}/startSchedule")).await,
        c.post_empty(&format!("{path}/stopSchedule")).await,
    ] {
        assert_eq!(r.status, 404, "{}", r.body);
        assert_eq!(r.code(), "BACKUP_STRATEGY_NOT_FOUND");
    }

    // Re-create gets a new id.
    c.post(&path, oss_body()).await.ok();
    assert_ne!(c.strategy(T).await["id"], id);
    c.assert_no_leak(&LEAKS);
}

#[tokio::test]
async fn cluster_strategy_create_get_modify_delete() {
    let (_sim, c) = sim(0.2).await;
    let path = strategy_path(C);
    let s = c.strategy(C).await;
    assert!(s.get("id").is_none(), "{s}");
    assert_eq!(s["clusterName"], "demo-cluster");
    assert_eq!(s["tenantId"], Value::Null);
    assert_eq!(s["backupDimension"], "CLUSTER");

    // The cluster page marks backupScheduleEnabled required.
    let mut body = oss_body();
    body["obBackupServiceStorageConfig"] = cos_storage();
    let r = c
        .post(
            &path,
            with(&body, "/obBackupScheduleConfig/backupScheduleEnabled", None),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(
        r.message().contains("backupScheduleEnabled"),
        "{}",
        r.message()
    );
    // customBackupRangeList is for tenant strategies only.
    let r = c
        .post(
            &path,
            with(
                &body,
                "/obBackupServiceStorageConfig/obBackupStorageBaseInfo/customBackupRangeList",
                Some(
                    json!([{"backupType": "DATA", "nodeType": "FOLLOWER", "nodeList": ["zone1"]}]),
                ),
            ),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(
        r.message().contains("customBackupRangeList"),
        "{}",
        r.message()
    );
    assert!(c.strategy(C).await.get("id").is_none());

    check_common(
        c.post(&path, body.clone()).await.ok(),
        "CREATE_BACKUP_STRATEGY",
        None,
    );
    let s = c.strategy(C).await;
    let id = s["id"].as_i64().expect("id");
    assert_eq!(s["backupDimension"], "CLUSTER");
    assert_eq!(s["tenantId"], Value::Null);
    assert_eq!(s["tenantName"], Value::Null);
    assert_eq!(s["obTenantId"], Value::Null);
    assert_eq!(s["clusterId"], CLUSTER);
    let base = &s["obBackupServiceStorageConfig"]["obBackupStorageBaseInfo"];
    assert_eq!(
        base["cosAccessKey"],
        json!({"endpoint": "cos.ap-shanghai.myqcloud.com", "appId": "1250000000", "accessKeyId": "AKID-cos"})
    );
    // The tenant strategy is independent of the cluster's.
    assert!(c.strategy(T).await.get("id").is_none());

    let r = c.post(&path, body.clone()).await;
    assert_eq!(r.code(), "BACKUP_STRATEGY_EXISTS");

    let mut modified = body.clone();
    modified["obBackupServiceStorageConfig"] = file_storage();
    modified["autoCompactEnabled"] = json!(true);
    check_common(
        c.patch(&path, modified).await.ok(),
        "MODIFY_BACKUP_STRATEGY",
        None,
    );
    let s = c.strategy(C).await;
    assert_eq!(s["id"], id);
    assert_eq!(s["autoCompactEnabled"], true);
    let sto = &s["obBackupServiceStorageConfig"];
    assert_eq!(sto["alarmStoragePercentageThreshold"], 90);
    assert_eq!(
        sto["obBackupStorageBaseInfo"],
        json!({"backupStorageType": "BACKUP_STORAGE_FILE", "storageUrl": "/obbackup/t1"})
    );

    for (suffix, kind, enabled) in [
        ("startSchedule", "START_BACKUP_SCHEDULE", true),
        ("stopSchedule", "STOP_BACKUP_SCHEDULE", false),
    ] {
        let r = c.post_empty(&format!("{path}/{suffix}")).await;
        check_common(r.ok(), kind, None);
        let s = c.strategy(C).await;
        assert_eq!(
            s["obBackupScheduleConfig"]["backupScheduleEnabled"],
            enabled
        );
    }

    check_common(c.delete(&path).await.ok(), "DELETE_BACKUP_STRATEGY", None);
    assert!(c.strategy(C).await.get("id").is_none());
    assert_eq!(c.delete(&path).await.code(), "BACKUP_STRATEGY_NOT_FOUND");
    c.assert_no_leak(&LEAKS);
}

#[tokio::test]
async fn every_validation_rule_is_a_400_naming_the_field() {
    let (_sim, c) = sim(0.2).await;
    let path = strategy_path(T);
    let oss = oss_body();
    let sc = "/obBackupScheduleConfig";
    let th = "/obBackupThresholdConfig";
    let base = "/obBackupServiceStorageConfig/obBackupStorageBaseInfo";
    let mut s3 = oss_body();
    s3["obBackupServiceStorageConfig"] = s3_storage();
    let mut cos = oss_body();
    cos["obBackupServiceStorageConfig"] = cos_storage();
    let mut file = oss_body();
    file["obBackupServiceStorageConfig"] = file_storage();
    let month = with(
        &oss,
        &format!("{sc}/backupScheduleMode"),
        Some(json!("MONTH")),
    );
    let logical = with(&oss, "/backupMode", Some(json!("LOGICAL_BACKUP")));
    let cases: Vec<(Value, &str)> = vec![
        (json!([]), "JSON object"),
        (with(&oss, "/backupMode", None), "backupMode is required"),
        (
            with(&oss, "/backupMode", Some(json!("FULL"))),
            "invalid backupMode",
        ),
        (with(&oss, sc, None), "obBackupScheduleConfig is required"),
        (with(&oss, th, None), "obBackupThresholdConfig is required"),
        (
            with(&oss, "/obBackupServiceStorageConfig", None),
            "obBackupServiceStorageConfig is required",
        ),
        (
            with(&oss, &format!("{sc}/backupScheduleMode"), None),
            "backupScheduleMode is required",
        ),
        (
            with(
                &oss,
                &format!("{sc}/backupScheduleMode"),
                Some(json!("DAY")),
            ),
            "backupScheduleMode",
        ),
        (
            with(
                &oss,
                &format!("{sc}/backupScheduleEnabled"),
                Some(json!("yes")),
            ),
            "backupScheduleEnabled",
        ),
        (
            with(&oss, &format!("{sc}/dayAndDataBackupModelMap"), None),
            "dayAndDataBackupModelMap is required",
        ),
        (
            with(
                &oss,
                &format!("{sc}/dayAndDataBackupModelMap"),
                Some(json!({})),
            ),
            "dayAndDataBackupModelMap",
        ),
        (
            with(
                &oss,
                &format!("{sc}/dayAndDataBackupModelMap"),
                Some(json!({"8": "FULL_BACKUP"})),
            ),
            "dayAndDataBackupModelMap[\"8\"]",
        ),
        (
            with(
                &oss,
                &format!("{sc}/dayAndDataBackupModelMap"),
                Some(json!({"0": "FULL_BACKUP"})),
            ),
            "dayAndDataBackupModelMap[\"0\"]",
        ),
        (
            with(
                &oss,
                &format!("{sc}/dayAndDataBackupModelMap"),
                Some(json!({"01": "FULL_BACKUP"})),
            ),
            "dayAndDataBackupModelMap[\"01\"]",
        ),
        (
            with(
                &month,
                &format!("{sc}/dayAndDataBackupModelMap"),
                Some(json!({"32": "FULL_BACKUP"})),
            ),
            "dayAndDataBackupModelMap[\"32\"]",
        ),
        (
            with(
                &oss,
                &format!("{sc}/dayAndDataBackupModelMap"),
                Some(json!({"1": "FULL"})),
            ),
            "dayAndDataBackupModelMap[\"1\"]",
        ),
        (
            with(
                &oss,
                &format!("{sc}/dayAndDataBackupModelMap"),
                Some(json!({"1": "INCREMENTAL_BACKUP"})),
            ),
            "dayAndDataBackupModelMap: at least one day must be FULL_BACKUP",
        ),
        (
            with(&oss, &format!("{sc}/backupScheduleTime"), None),
            "backupScheduleTime is required",
        ),
        (
            with(
                &oss,
                &format!("{sc}/backupScheduleTime"),
                Some(json!("02:00")),
            ),
            "backupScheduleTime",
        ),
        (
            with(
                &oss,
                &format!("{sc}/backupScheduleTime"),
                Some(json!("25:00+08:00")),
            ),
            "backupScheduleTime",
        ),
        (
            with(&oss, &format!("{sc}/cleanScheduleTime"), Some(json!("3am"))),
            "cleanScheduleTime",
        ),
        (
            with(
                &oss,
                &format!("{sc}/backupDataRetentionDays"),
                Some(json!(0)),
            ),
            "backupDataRetentionDays",
        ),
        (
            with(
                &oss,
                &format!("{sc}/backupDataRetentionDays"),
                Some(json!("7")),
            ),
            "backupDataRetentionDays",
        ),
        (
            with(&oss, &format!("{sc}/backupDataRetentionDays"), None),
            "backupDataRetentionDays",
        ),
        (
            with(&oss, &format!("{sc}/startLogBackup"), Some(json!(1))),
            "startLogBackup",
        ),
        (
            with(
                &oss,
                &format!("{th}/dataBackupTimeoutMinutes"),
                Some(json!(0)),
            ),
            "obBackupThresholdConfig.dataBackupTimeoutMinutes",
        ),
        (
            with(
                &oss,
                &format!("{th}/logBackupDelaySeconds"),
                Some(json!(-5)),
            ),
            "obBackupThresholdConfig.logBackupDelaySeconds",
        ),
        (
            with(
                &oss,
                &format!("{th}/noSuccessfulDataBackupAlarmDays"),
                Some(json!(1.5)),
            ),
            "obBackupThresholdConfig.noSuccessfulDataBackupAlarmDays",
        ),
        (
            with(&oss, &format!("{th}/libObLogExpireDays"), Some(json!(0))),
            "obBackupThresholdConfig.libObLogExpireDays",
        ),
        (
            with(&oss, "/obBackupServiceStorageConfig/configName", None),
            "obBackupServiceStorageConfig.configName is required",
        ),
        (
            with(&oss, base, None),
            "obBackupServiceStorageConfig.obBackupStorageBaseInfo is required",
        ),
        (
            with(
                &oss,
                &format!("{base}/backupStorageType"),
                Some(json!("BACKUP_STORAGE_NFS")),
            ),
            "obBackupStorageBaseInfo.backupStorageType",
        ),
        (
            with(&oss, &format!("{base}/storageUrl"), None),
            "obBackupStorageBaseInfo.storageUrl is required",
        ),
        (
            with(
                &oss,
                &format!("{base}/storageUrl"),
                Some(json!("oss://mybucket/ob")),
            ),
            "obBackupStorageBaseInfo.storageUrl",
        ),
        (
            with(&oss, &format!("{base}/storageUrl"), Some(json!("mybucket"))),
            "obBackupStorageBaseInfo.storageUrl",
        ),
        (
            with(
                &oss,
                &format!("{base}/storageUrl"),
                Some(json!("/mybucket/ob")),
            ),
            "obBackupStorageBaseInfo.storageUrl",
        ),
        (
            with(&oss, &format!("{base}/ossAccessKey"), None),
            "obBackupStorageBaseInfo.ossAccessKey is required",
        ),
        (
            with(&oss, &format!("{base}/ossAccessKey/endpoint"), None),
            "ossAccessKey.endpoint is required",
        ),
        (
            with(&oss, &format!("{base}/ossAccessKey/accessKeyId"), None),
            "ossAccessKey.accessKeyId is required",
        ),
        (
            with(&oss, &format!("{base}/ossAccessKey/accessKeySecret"), None),
            "ossAccessKey.accessKeySecret is required",
        ),
        (
            with(
                &oss,
                &format!("{base}/ossAccessKey/accessKeySecret"),
                Some(json!(5)),
            ),
            "ossAccessKey.accessKeySecret",
        ),
        (
            with(
                &oss,
                &format!("{base}/s3AccessKey"),
                Some(
                    json!({"endpoint": "e", "region": "r", "accessKeyId": "a", "accessKeySecret": S3_SECRET}),
                ),
            ),
            "obBackupStorageBaseInfo.s3AccessKey",
        ),
        (
            with(&s3, &format!("{base}/s3AccessKey/region"), None),
            "s3AccessKey.region is required",
        ),
        (
            with(&s3, &format!("{base}/s3AccessKey/endpoint"), None),
            "s3AccessKey.endpoint is required",
        ),
        (
            with(&s3, &format!("{base}/s3AccessKey/accessKeySecret"), None),
            "s3AccessKey.accessKeySecret is required",
        ),
        (
            with(&cos, &format!("{base}/cosAccessKey/appId"), None),
            "cosAccessKey.appId is required",
        ),
        (
            with(&cos, &format!("{base}/cosAccessKey/endpoint"), None),
            "cosAccessKey.endpoint is required",
        ),
        (
            with(&cos, &format!("{base}/cosAccessKey/accessKeyId"), None),
            "cosAccessKey.accessKeyId is required",
        ),
        (
            with(
                &cos,
                &format!("{base}/cosAccessKey/accessKeySecret"),
                Some(json!("")),
            ),
            "cosAccessKey.accessKeySecret is required",
        ),
        (
            with(
                &file,
                &format!("{base}/ossAccessKey"),
                Some(json!({"endpoint": "e", "accessKeyId": "a", "accessKeySecret": OSS_SECRET})),
            ),
            "obBackupStorageBaseInfo.ossAccessKey",
        ),
        (
            with(
                &file,
                &format!("{base}/storageUrl"),
                Some(json!("obbackup/t1")),
            ),
            "obBackupStorageBaseInfo.storageUrl",
        ),
        (
            with(
                &file,
                &format!("{base}/storageUrl"),
                Some(json!("file:///obbackup")),
            ),
            "obBackupStorageBaseInfo.storageUrl",
        ),
        (
            with(
                &oss,
                "/obBackupServiceStorageConfig/alarmStoragePercentageThreshold",
                Some(json!(80)),
            ),
            "alarmStoragePercentageThreshold",
        ),
        (
            with(
                &file,
                "/obBackupServiceStorageConfig/alarmStoragePercentageThreshold",
                Some(json!(101)),
            ),
            "alarmStoragePercentageThreshold",
        ),
        (
            with(
                &oss,
                &format!("{base}/customBackupRangeList"),
                Some(json!([{"backupType": "ALL"}])),
            ),
            "customBackupRangeList[0].backupType",
        ),
        (
            with(&logical, "/autoCompactEnabled", Some(json!(true))),
            "autoCompactEnabled",
        ),
        (
            with(&oss, "/secondaryBackupEnabled", Some(json!(true))),
            "secondaryBackupEnabled",
        ),
        (
            with(&oss, "/obSecondaryBackupConfig", Some(json!({}))),
            "obSecondaryBackupConfig",
        ),
    ];
    for (body, field) in &cases {
        let r = c.post(&path, body.clone()).await;
        assert_eq!(r.status, 400, "{field}: {}", r.body);
        assert_eq!(r.code(), "ILLEGAL_ARGUMENT", "{field}: {}", r.body);
        assert!(
            r.message().contains(field),
            "expected {field:?} in {:?}",
            r.message()
        );
        assert!(
            c.strategy(T).await.get("id").is_none(),
            "{field}: something was stored"
        );
    }
    // Malformed JSON.
    let r = c
        .request(reqwest::Method::POST, &path)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status().as_u16(), 400);

    // The same rules apply to PATCH and leave the strategy unchanged.
    c.post(&path, oss_body()).await.ok();
    let before = c.strategy(T).await;
    for (body, field) in cases.iter().take(12) {
        let r = c.patch(&path, body.clone()).await;
        assert_eq!(r.status, 400, "{field}: {}", r.body);
        assert!(r.message().contains(field), "{field}: {}", r.message());
    }
    assert_eq!(c.strategy(T).await, before);

    // Accepted variants: custom ranges on tenants, FILE, every time format.
    let mut ok = with(
        &oss,
        &format!("{base}/customBackupRangeList"),
        Some(json!([{"backupType": "LOG", "nodeType": "LEADER", "nodeList": ["zone1", "zone2"]}])),
    );
    ok["obBackupScheduleConfig"]["backupScheduleTime"] = json!("07:08:09Z");
    let r = c.patch(&path, ok).await;
    r.ok();
    let s = c.strategy(T).await;
    assert_eq!(
        s["obBackupScheduleConfig"]["backupScheduleTime"],
        "07:08:09.000+00:00"
    );
    assert_eq!(
        s["obBackupServiceStorageConfig"]["obBackupStorageBaseInfo"]["customBackupRangeList"],
        json!([{"backupType": "LOG", "nodeType": "LEADER", "nodeList": ["zone1", "zone2"]}])
    );
    c.patch(&path, file).await.ok();
    c.assert_no_leak(&LEAKS);
}

/// Scheduled data backups appear while the schedule runs and stop after stopSchedule; the log
/// backup row follows the schedule and `startLogBackup`.
#[tokio::test]
async fn schedule_produces_rows_and_log_backup_follows_it() {
    let (sim, c) = sim_virtual(0.1).await;
    let path = strategy_path(T);
    // The knob over the admin API (default would be max(1, 5 × 0.1) = 1 s).
    let r = c
        .post("/_sim/config", json!({"backup_period_seconds": 0.25}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["backup_period_seconds"], 0.25);
    assert!((sim.state().backup_period_seconds() - 0.25).abs() < 1e-9);

    c.post(&path, oss_body()).await.ok();
    // Disabled schedule: nothing runs, no log backup, however much time passes.
    c.advance(0.6).await;
    assert!(c.rows(T, "dataBackupTasks", "").await.is_empty());
    assert!(c.rows(T, "logBackupTasks", "").await.is_empty());

    let r = c.post_empty(&format!("{path}/startSchedule")).await;
    let d = r.ok();
    check_common(d, "START_BACKUP_SCHEDULE", Some(SYS));
    assert!(d["backupObjectOpsResultList"][0]
        .get("taskIdList")
        .is_none());
    assert_eq!(
        c.strategy(T).await["obBackupScheduleConfig"]["backupScheduleEnabled"],
        true
    );
    // Idempotent.
    c.post_empty(&format!("{path}/startSchedule")).await.ok();
    let logs = c.rows(T, "logBackupTasks", "").await;
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(logs[0]["status"], "INPROGRESS");
    assert_eq!(logs[0]["clusterId"], CLUSTER);
    assert_eq!(logs[0]["tenantId"], SYS);
    assert_eq!(logs[0]["backupDimension"], "TENANT");
    assert!(logs[0]["checkpoint"].is_string());
    assert_eq!(logs[0]["endTime"], Value::Null);

    // Three and a bit periods of 0.25 s: three scheduled backups.
    c.advance(0.8).await;
    let rows = c.rows(T, "dataBackupTasks", "").await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    // Day map {"1": FULL, "4": INCREMENTAL} round-robin; backup sets 1, 2, 3.
    let modes: Vec<&str> = rows
        .iter()
        .take(3)
        .map(|r| r["dataBackupMode"].as_str().expect("mode"))
        .collect();
    assert_eq!(modes, ["FULL_BACKUP", "INCREMENTAL_BACKUP", "FULL_BACKUP"]);
    for (i, r) in rows.iter().take(3).enumerate() {
        assert_eq!(r["backupSetId"], i as i64 + 1, "{r}");
        assert_eq!(r["backupMode"], "PHYSICAL_BACKUP");
        assert_eq!(r["clusterId"], CLUSTER);
        assert_eq!(r["tenantId"], SYS);
        assert_eq!(r["backupDimension"], "TENANT");
        assert!(r["status"] == "DOING" || r["status"] == "DONE", "{r}");
    }

    // Switching log backup off by a modify (schedule switch absent: kept) stops the log row.
    let body = with(
        &oss_body(),
        "/obBackupScheduleConfig/backupScheduleEnabled",
        None,
    );
    let body = with(
        &body,
        "/obBackupScheduleConfig/startLogBackup",
        Some(json!(false)),
    );
    c.patch(&path, body).await.ok();
    let s = c.strategy(T).await;
    assert_eq!(s["obBackupScheduleConfig"]["backupScheduleEnabled"], true);
    let logs = c.rows(T, "logBackupTasks", "").await;
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["status"], "STOPPED");
    assert!(logs[0]["endTime"].is_string());
    // ... and switching it on again opens a new one.
    let body = with(
        &oss_body(),
        "/obBackupScheduleConfig/backupScheduleEnabled",
        None,
    );
    c.patch(&path, body).await.ok();
    let logs = c.rows(T, "logBackupTasks", "").await;
    assert_eq!(logs.len(), 2, "{logs:?}");
    assert_eq!(logs[1]["status"], "INPROGRESS");

    let r = c.post_empty(&format!("{path}/stopSchedule")).await;
    check_common(r.ok(), "STOP_BACKUP_SCHEDULE", Some(SYS));
    assert_eq!(
        c.strategy(T).await["obBackupScheduleConfig"]["backupScheduleEnabled"],
        false
    );
    let logs = c.rows(T, "logBackupTasks", "").await;
    assert!(logs.iter().all(|l| l["status"] == "STOPPED"), "{logs:?}");
    let stopped = c.rows(T, "dataBackupTasks", "").await.len();
    c.advance(0.9).await;
    let rows = c.rows(T, "dataBackupTasks", "").await;
    assert_eq!(rows.len(), stopped, "rows grew after stopSchedule");
    assert!(
        rows.iter()
            .all(|r| r["status"] == "DONE" && r["endTime"].is_string()),
        "{rows:?}"
    );

    // Filters: status (list), time window (UTC), backupSetId; paging.
    assert_eq!(
        c.rows(T, "logBackupTasks", "&status=INPROGRESS")
            .await
            .len(),
        0
    );
    assert_eq!(
        c.rows(T, "logBackupTasks", "&status=STOPPED,INPROGRESS")
            .await
            .len(),
        2
    );
    assert_eq!(c.rows(T, "dataBackupTasks", "&status=DOING").await.len(), 0);
    assert_eq!(
        c.rows(T, "dataBackupTasks", "&status=DONE").await.len(),
        stopped
    );
    assert_eq!(
        c.rows(T, "dataBackupTasks", "&endTime=2001-01-01T00:00:00Z")
            .await
            .len(),
        0
    );
    assert_eq!(
        c.rows(T, "dataBackupTasks", "&startTime=2001-01-01T00:00:00Z")
            .await
            .len(),
        stopped
    );
    assert_eq!(
        c.rows(T, "dataBackupTasks", "&startTime=2999-01-01T00:00:00Z")
            .await
            .len(),
        0
    );
    let two = c.rows(T, "dataBackupTasks", "&backupSetId=2").await;
    assert_eq!(two.len(), 1);
    assert_eq!(two[0]["backupSetId"], 2);
    let page = c
        .data(&format!("{T}/task/dataBackupTasks?size=2&page=1"))
        .await;
    assert_eq!(page["page"]["totalElements"], stopped as i64);
    assert_eq!(page["contents"].as_array().map(Vec::len), Some(2));
    for bad in [
        "startTime=2024-01-01",
        "endTime=2024-01-01T00:00:00%2B08:00",
        "status=RUNNING",
        "startTime=2024-01-02T00:00:00Z&endTime=2024-01-01T00:00:00Z",
        "backupSetId=x",
        "size=0",
    ] {
        let r = c.get(&format!("{T}/task/dataBackupTasks?{bad}")).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert_eq!(r.code(), "ILLEGAL_ARGUMENT");
    }
    let r = c.get(&format!("{T}/task/logBackupTasks?status=DONE")).await;
    assert_eq!(r.status, 400, "{}", r.body);

    // The cluster lists only show cluster-level rows.
    assert!(c.rows(C, "dataBackupTasks", "").await.is_empty());
    assert!(c.rows(C, "logBackupTasks", "").await.is_empty());

    // Deleting the strategy keeps the history.
    c.delete(&path).await.ok();
    assert_eq!(c.rows(T, "dataBackupTasks", "").await.len(), stopped);
    c.assert_no_leak(&LEAKS);
}

#[tokio::test]
async fn cluster_schedule_via_state_knob() {
    let (sim, c) = sim_virtual(0.1).await;
    sim.state().set_backup_period_seconds(0.2);
    let path = strategy_path(C);
    let mut body = oss_body();
    body["obBackupScheduleConfig"]["backupScheduleEnabled"] = json!(true);
    body["obBackupScheduleConfig"]["dayAndDataBackupModelMap"] = json!({"7": "FULL_BACKUP"});
    c.post(&path, body).await.ok();
    // Two and a half periods of 0.2 s: two scheduled backups.
    c.advance(0.5).await;
    let rows = c.rows(C, "dataBackupTasks", "").await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r["dataBackupMode"] == "FULL_BACKUP"));
    assert!(rows.iter().all(|r| r["backupDimension"] == "CLUSTER"));
    assert!(rows.iter().all(|r| r["tenantId"] == Value::Null));
    let logs = c.rows(C, "logBackupTasks", "").await;
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["status"], "INPROGRESS");
    assert_eq!(logs[0]["backupDimension"], "CLUSTER");
    // Deleting the strategy stops log backup and the schedule.
    c.delete(&path).await.ok();
    let n = c.rows(C, "dataBackupTasks", "").await.len();
    assert_eq!(
        c.rows(C, "logBackupTasks", "").await[0]["status"],
        "STOPPED"
    );
    c.advance(0.6).await;
    assert_eq!(c.rows(C, "dataBackupTasks", "").await.len(), n);
    // Tenant lists are separate.
    assert!(c.rows(T, "dataBackupTasks", "").await.is_empty());
    // Reset to the default: max(1, 5 × 0.1) = 1 s.
    sim.state().set_backup_period_seconds(0.0);
    assert!((sim.state().backup_period_seconds() - 1.0).abs() < 1e-9);
    c.assert_no_leak(&LEAKS);
}

fn backup_now_body(mode: &str) -> Value {
    json!({
        "backupMode": "PHYSICAL_BACKUP",
        "dataBackupMode": mode,
        "obBackupServiceStorageConfig": oss_body()["obBackupServiceStorageConfig"].clone(),
    })
}

#[tokio::test]
async fn backup_now_runs_a_task_then_adds_a_done_row() {
    let (sim, c) = sim(0.6).await;
    let path = format!("{T}/backupNow");
    let r = c.post(&path, backup_now_body("FULL_BACKUP")).await;
    let d = r.ok().clone();
    check_common(&d, "BACKUP_NOW", Some(SYS));
    let ids = d["backupObjectOpsResultList"][0]["taskIdList"]
        .as_array()
        .expect("taskIdList")
        .clone();
    assert_eq!(ids.len(), 1);
    let id = ids[0].as_i64().expect("task id");
    let task = c.data(&format!("/api/v2/tasks/instances/{id}")).await;
    assert_eq!(task["name"], "Tenant data backup");
    assert_eq!(task["status"], "RUNNING");
    assert_eq!(task["clusterId"], CLUSTER);
    assert_eq!(task["tenantId"], SYS);
    // No row before the task succeeded.
    assert!(c.rows(T, "dataBackupTasks", "").await.is_empty());
    // One backup of a tenant at a time.
    let r = c.post(&path, backup_now_body("FULL_BACKUP")).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.code(), "RESOURCE_BUSY");
    assert_eq!(c.wait_task(id).await["status"], "SUCCESSFUL");
    let rows = c.rows(T, "dataBackupTasks", "").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["status"], "DONE");
    assert_eq!(rows[0]["dataBackupMode"], "FULL_BACKUP");
    assert_eq!(rows[0]["backupMode"], "PHYSICAL_BACKUP");
    assert_eq!(rows[0]["backupSetId"], 1);
    assert!(rows[0]["endTime"].is_string());

    // A failed backup adds no row.
    sim.state()
        .fail_next_task(2, "backup destination unreachable");
    let r = c.post(&path, backup_now_body("INCREMENTAL_BACKUP")).await;
    let id = r.ok()["backupObjectOpsResultList"][0]["taskIdList"][0]
        .as_i64()
        .expect("id");
    assert_eq!(c.wait_task(id).await["status"], "FAILED");
    assert_eq!(c.rows(T, "dataBackupTasks", "").await.len(), 1);
    // ... until it is retried successfully.
    c.post_empty(&format!("/api/v2/tasks/instances/{id}/retry"))
        .await
        .ok();
    assert_eq!(c.wait_task(id).await["status"], "SUCCESSFUL");
    let rows = c.rows(T, "dataBackupTasks", "").await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["dataBackupMode"], "INCREMENTAL_BACKUP");
    assert_eq!(rows[1]["backupSetId"], 2);

    // Cluster backupNow.
    let r = c
        .post(&format!("{C}/backupNow"), backup_now_body("FULL_BACKUP"))
        .await;
    let id = r.ok()["backupObjectOpsResultList"][0]["taskIdList"][0]
        .as_i64()
        .expect("id");
    let task = c.wait_task(id).await;
    assert_eq!(task["name"], "Cluster data backup");
    assert_eq!(task["status"], "SUCCESSFUL");
    let rows = c.rows(C, "dataBackupTasks", "").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["backupDimension"], "CLUSTER");

    // Body rules.
    for (body, field) in [
        (
            with(&backup_now_body("FULL_BACKUP"), "/dataBackupMode", None),
            "dataBackupMode is required",
        ),
        (
            with(
                &backup_now_body("FULL_BACKUP"),
                "/dataBackupMode",
                Some(json!("DIFF")),
            ),
            "dataBackupMode",
        ),
        (
            with(&backup_now_body("FULL_BACKUP"), "/backupMode", None),
            "backupMode is required",
        ),
        (
            with(
                &backup_now_body("FULL_BACKUP"),
                "/obBackupServiceStorageConfig",
                None,
            ),
            "obBackupServiceStorageConfig is required",
        ),
        (
            with(
                &backup_now_body("FULL_BACKUP"),
                "/obBackupServiceStorageConfig/obBackupStorageBaseInfo/ossAccessKey/accessKeySecret",
                None,
            ),
            "accessKeySecret is required",
        ),
    ] {
        let r = c.post(&path, body).await;
        assert_eq!(r.status, 400, "{field}: {}", r.body);
        assert!(r.message().contains(field), "{field}: {}", r.message());
    }
    // No task context carries a secret.
    for t in c.data("/api/v2/tasks/instances?size=100").await["contents"]
        .as_array()
        .expect("tasks")
    {
        let id = t["id"].as_i64().expect("id");
        c.data(&format!("/api/v2/tasks/instances/{id}")).await;
    }
    c.assert_no_leak(&LEAKS);
}

#[tokio::test]
async fn unknown_objects_and_preconditions() {
    let (sim, c) = sim(0.3).await;
    let paths_404 = [
        (
            "/api/v2/ob/clusters/1000001/tenants/1002999/backup",
            "OB_TENANT_NOT_FOUND",
        ),
        ("/api/v2/ob/clusters/1000999/backup", "OB_CLUSTER_NOT_FOUND"),
        (
            "/api/v2/ob/clusters/1000999/tenants/1002001/backup",
            "OB_CLUSTER_NOT_FOUND",
        ),
    ];
    for (base, code) in paths_404 {
        let sp = strategy_path(base);
        for r in [
            c.get(&sp).await,
            c.post(&sp, oss_body()).await,
            c.patch(&sp, oss_body()).await,
            c.delete(&sp).await,
            c.post_empty(&format!("{sp}/startSchedule")).await,
            c.post_empty(&format!("{sp}/stopSchedule")).await,
            c.post(&format!("{base}/backupNow"), backup_now_body("FULL_BACKUP"))
                .await,
            c.get(&format!("{base}/task/dataBackupTasks")).await,
            c.get(&format!("{base}/task/logBackupTasks")).await,
        ] {
            assert_eq!(r.status, 404, "{base}: {}", r.body);
            assert_eq!(r.code(), code, "{base}: {}", r.body);
        }
    }
    let r = c
        .get("/api/v2/ob/clusters/1000001/tenants/abc/backup/config/backupStrategy")
        .await;
    assert_eq!(r.status, 400);

    // Tenant not NORMAL → 400 ILLEGAL_STATE; reads still work.
    sim.state().with_store(|s| {
        if let Some(t) = s.tenants.get_mut(&SYS) {
            t.status = "MODIFYING".into();
        }
    });
    let r = c.post(&strategy_path(T), oss_body()).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.code(), "ILLEGAL_STATE");
    c.strategy(T).await;
    c.rows(T, "dataBackupTasks", "").await;
    sim.state().with_store(|s| {
        if let Some(t) = s.tenants.get_mut(&SYS) {
            t.status = "NORMAL".into();
        }
    });

    // A running cluster task blocks tenant and cluster backup writes (RESOURCE_BUSY), then the
    // stopped cluster is ILLEGAL_STATE.
    sim.state().stuck_next_task();
    let r = c
        .post_empty(&format!("/api/v2/ob/clusters/{CLUSTER}/stop"))
        .await;
    let task = r.ok()["id"].as_i64().expect("task");
    for base in [T, C] {
        let r = c.post(&strategy_path(base), oss_body()).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.code(), "RESOURCE_BUSY");
    }
    let sid = c.stuck_subtask(task).await;
    c.post_empty(&format!(
        "/api/v2/tasks/instances/{task}/subtasks/{sid}/cancel"
    ))
    .await
    .ok();
    sim.state().with_store(|s| {
        if let Some(cl) = s.clusters.get_mut(&CLUSTER) {
            cl.status = "STOPPED".into();
        }
    });
    let mut cluster_body = oss_body();
    cluster_body["obBackupScheduleConfig"]["backupScheduleEnabled"] = json!(true);
    for (base, body) in [(T, oss_body()), (C, cluster_body)] {
        let r = c.post(&strategy_path(base), body).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.code(), "ILLEGAL_STATE", "{}", r.body);
    }
    assert!(c.strategy(T).await.get("id").is_none());
    assert!(c.strategy(C).await.get("id").is_none());
    c.assert_no_leak(&LEAKS);
}

#[tokio::test]
async fn deleted_tenant_loses_its_strategy() {
    let (_sim, c) = sim(0.1).await;
    let r = c
        .post(
            "/api/v2/ob/clusters/1000001/tenants/createTenant",
            json!({"name": "bk1", "rootPassword": "Tenant_pw_1",
                   "zones": [{"name": "zone1", "replicaType": "FULL",
                              "resourcePool": {"unitSpecName": "S1", "unitCount": 1}}]}),
        )
        .await;
    let d = r.ok().clone();
    let tid = d["tenantId"].as_i64().expect("tenantId");
    c.wait_task(d["id"].as_i64().expect("task")).await;
    let base = format!("/api/v2/ob/clusters/1000001/tenants/{tid}/backup");
    let mut body = oss_body();
    body["obBackupScheduleConfig"]["backupScheduleEnabled"] = json!(true);
    c.post(&strategy_path(&base), body).await.ok();
    assert_eq!(c.strategy(&base).await["tenantName"], "bk1");
    let r = c
        .delete(&format!("/api/v2/ob/clusters/1000001/tenants/{tid}"))
        .await;
    let task = r.ok()["id"].as_i64().expect("task");
    assert_eq!(c.wait_task(task).await["status"], "SUCCESSFUL");
    let r = c.get(&strategy_path(&base)).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "OB_TENANT_NOT_FOUND");
    c.assert_no_leak(&LEAKS);
}
