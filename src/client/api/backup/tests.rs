//! Tests of `client::api::backup`, against the simulator where they call OCP.

use serde_json::json;

use super::*;

const KEY_SECRET: &str = "Oss-Sk#secret-canary-91";

fn oss_body() -> StrategyBody {
    StrategyBody {
        backup_mode: "PHYSICAL_BACKUP".into(),
        ob_backup_schedule_config: ScheduleConfig {
            backup_schedule_mode: Some("WEEK".into()),
            backup_schedule_enabled: Some(true),
            backup_schedule_time: Some("02:00:00.000+08:00".into()),
            day_and_data_backup_model_map: Some(
                [("1", "FULL_BACKUP"), ("4", "INCREMENTAL_BACKUP")]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            ),
            start_log_backup: Some(true),
            clean_enabled: Some(true),
            backup_data_retention_days: Some(7),
            ..ScheduleConfig::default()
        },
        ob_backup_threshold_config: ThresholdConfig {
            data_backup_timeout_minutes: Some(120),
            log_backup_delay_seconds: Some(600),
            no_successful_data_backup_alarm_days: Some(8),
            ..ThresholdConfig::default()
        },
        ob_backup_service_storage_config: StorageConfig {
            config_name: Some("oss-main".into()),
            ob_backup_storage_base_info: Some(StorageBaseInfo {
                backup_storage_type: Some("BACKUP_STORAGE_OSS".into()),
                storage_url: Some("mybucket/ob/t1".into()),
                oss_access_key: Some(AccessKey {
                    endpoint: Some("oss-cn-hangzhou.aliyuncs.com".into()),
                    access_key_id: Some("AK".into()),
                    access_key_secret: Some(Secret::new(KEY_SECRET)),
                    ..AccessKey::default()
                }),
                ..StorageBaseInfo::default()
            }),
        },
    }
}

#[test]
fn paths_come_from_the_one_table() {
    let t = BackupTarget::tenant(7, 1001);
    let c = BackupTarget::cluster(7);
    let cases = [
        (
            t,
            BackupCall::Strategy,
            "/api/v2/ob/clusters/7/tenants/1001/backup/config/backupStrategy",
        ),
        (
            c,
            BackupCall::Strategy,
            "/api/v2/ob/clusters/7/backup/config/backupStrategy",
        ),
        (
            t,
            BackupCall::StartSchedule,
            "/api/v2/ob/clusters/7/tenants/1001/backup/config/backupStrategy/startSchedule",
        ),
        (
            c,
            BackupCall::StopSchedule,
            "/api/v2/ob/clusters/7/backup/config/backupStrategy/stopSchedule",
        ),
        (
            t,
            BackupCall::DataBackupTasks,
            "/api/v2/ob/clusters/7/tenants/1001/backup/task/dataBackupTasks",
        ),
        (
            c,
            BackupCall::LogBackupTasks,
            "/api/v2/ob/clusters/7/backup/task/logBackupTasks",
        ),
    ];
    for (target, call, want) in cases {
        assert_eq!(backup_path(target, call), want, "{target:?} {call:?}");
    }
}

#[test]
fn the_body_matches_the_reference_example_and_carries_the_secret() {
    let got = serde_json::to_value(oss_body()).unwrap_or_else(|e| panic!("{e}"));
    let want = json!({
        "backupMode": "PHYSICAL_BACKUP",
        "obBackupScheduleConfig": {
            "backupScheduleMode": "WEEK", "backupScheduleEnabled": true,
            "backupScheduleTime": "02:00:00.000+08:00",
            "dayAndDataBackupModelMap": {"1": "FULL_BACKUP", "4": "INCREMENTAL_BACKUP"},
            "startLogBackup": true, "cleanEnabled": true, "backupDataRetentionDays": 7
        },
        "obBackupThresholdConfig": {"dataBackupTimeoutMinutes": 120, "logBackupDelaySeconds": 600,
                                    "noSuccessfulDataBackupAlarmDays": 8},
        "obBackupServiceStorageConfig": {
            "configName": "oss-main",
            "obBackupStorageBaseInfo": {"backupStorageType": "BACKUP_STORAGE_OSS", "storageUrl": "mybucket/ob/t1",
              "ossAccessKey": {"endpoint": "oss-cn-hangzhou.aliyuncs.com", "accessKeyId": "AK",
                               "accessKeySecret": KEY_SECRET}}
        }
    });
    assert_eq!(got, want);
}

#[test]
fn debug_never_shows_the_secret() {
    let body = oss_body();
    let text = format!("{body:?} {body:#?}");
    assert!(!text.contains(KEY_SECRET), "{text}");
    assert!(text.contains("***"), "{text}");
}

#[test]
fn a_read_strategy_never_holds_a_secret_and_is_read_leniently() {
    let data = json!({
        "id": "42", "createTime": "2025-01-01T00:00:00.000+08:00", "updateTime": null,
        "clusterId": 7, "tenantId": 1001, "backupDimension": "TENANT", "type": "BACKUP",
        "backupMode": "PHYSICAL_BACKUP",
        "obBackupScheduleConfig": {"backupScheduleMode": "WEEK", "backupScheduleEnabled": "true",
            "dayAndDataBackupModelMap": {"2": "FULL_BACKUP", "3": null}, "backupDataRetentionDays": "7"},
        "obBackupThresholdConfig": null,
        "obBackupServiceStorageConfig": {"configName": "oss-main", "obBackupStorageBaseInfo": {
            "backupStorageType": "BACKUP_STORAGE_OSS", "storageUrl": "b/d",
            "ossAccessKey": {"endpoint": "e", "accessKeyId": "AK", "accessKeySecret": KEY_SECRET}}},
        "unknownField": [1, 2]
    });
    // A member of unexpected shape is an error naming it, never read as absent (R6).
    for (at, key, value, want) in [
        (
            "/obBackupServiceStorageConfig/obBackupStorageBaseInfo",
            "s3AccessKey",
            json!("garbage"),
            "obBackupServiceStorageConfig.obBackupStorageBaseInfo.s3AccessKey: ",
        ),
        (
            "/obBackupScheduleConfig/dayAndDataBackupModelMap",
            "5",
            json!(["FULL"]),
            "obBackupScheduleConfig.dayAndDataBackupModelMap[\"5\"]: ",
        ),
    ] {
        let mut broken = data.clone();
        broken
            .pointer_mut(at)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("no object at {at}"))
            .insert(key.into(), value);
        let e = crate::client::de::decode_at::<BackupStrategy>("", broken)
            .err()
            .unwrap_or_else(|| panic!("{want} must not decode"));
        assert!(e.starts_with(want), "{e}");
    }
    let s: BackupStrategy = serde_json::from_value(data).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.id, Some(42));
    assert_eq!(s.tenant_id, Some(1001));
    assert_eq!(s.strategy_type.as_deref(), Some("BACKUP"));
    let sched = s
        .ob_backup_schedule_config
        .clone()
        .unwrap_or_else(|| panic!("no schedule"));
    assert_eq!(sched.backup_schedule_enabled, Some(true));
    assert_eq!(sched.backup_data_retention_days, Some(7));
    assert_eq!(
        sched.day_and_data_backup_model_map,
        Some(BTreeMap::from([("2".to_owned(), "FULL_BACKUP".to_owned())]))
    );
    assert!(s.ob_backup_threshold_config.is_none());
    let info = s
        .ob_backup_service_storage_config
        .clone()
        .unwrap_or_else(|| panic!("no storage"))
        .ob_backup_storage_base_info
        .unwrap_or_else(|| panic!("no base info"));
    let key = info.oss_access_key.unwrap_or_else(|| panic!("no key"));
    assert_eq!(key.access_key_id.as_deref(), Some("AK"));
    assert_eq!(key.access_key_secret, None, "a secret is never read");
    assert!(info.s3_access_key.is_none());
    assert!(!format!("{s:?}").contains(KEY_SECRET));
}

#[test]
fn write_results_give_task_ids_and_failures_become_errors() {
    let p = "/x";
    assert_eq!(write_result("POST", p, Value::Null).ok(), Some(vec![]));
    assert_eq!(write_result("POST", p, json!(true)).ok(), Some(vec![]));
    let ok = json!({"obBackupTaskType": "CREATE_BACKUP_STRATEGY", "backupObjectOpsResultList": [
        {"beSuccessful": true, "taskIdList": [5, "6"], "obBackupObjectList": [{"clusterId": 1}]},
        {"beSuccessful": null, "taskIdList": [6, 7]},
        {"taskIdList": null}
    ]});
    assert_eq!(write_result("POST", p, ok).ok(), Some(vec![5, 6, 7]));
    // The documented startSchedule sample: no taskIdList.
    let start = json!({"obBackupTaskType": "START_BACKUP_SCHEDULE", "backupObjectOpsResultList": [
        {"beSuccessful": true, "obBackupObjectList": [{"backupDimension": "TENANT",
         "clusterId": 1000005, "tenantId": 1000012}]}]});
    assert_eq!(write_result("POST", p, start).ok(), Some(vec![]));

    let bad = json!({"obBackupTaskType": "CREATE_BACKUP_STRATEGY", "backupObjectOpsResultList": [
        {"beSuccessful": true, "taskIdList": [1]},
        {"beSuccessful": false, "errorCode": {"code": "BACKUP_STORAGE_UNREACHABLE",
         "message": "cannot reach bucket"}, "hint": "check the OSS endpoint"}
    ]});
    match write_result("POST", p, bad) {
        Err(ClientError::Api {
            http_status: 200,
            code,
            message,
            ..
        }) => {
            assert_eq!(code.as_deref(), Some("BACKUP_STORAGE_UNREACHABLE"));
            assert!(message.contains("CREATE_BACKUP_STRATEGY"), "{message}");
            assert!(message.contains("check the OSS endpoint"), "{message}");
        }
        other => panic!("expected an Api error, got {other:?}"),
    }
    let bare = json!({"backupObjectOpsResultList": [{"beSuccessful": "false", "errorCode": "E1"}]});
    match write_result("DELETE", p, bare) {
        Err(ClientError::Api { code, message, .. }) => {
            assert_eq!(code.as_deref(), Some("E1"));
            assert!(message.contains("\"E1\""), "{message}");
        }
        other => panic!("expected an Api error, got {other:?}"),
    }
    assert!(matches!(
        write_result("POST", p, json!([1])),
        Err(ClientError::Decode { .. })
    ));
}

#[test]
fn an_echoed_secret_is_masked_in_errors() {
    let body = oss_body();
    let data = json!({"backupObjectOpsResultList": [{"beSuccessful": false,
        "errorCode": {"code": KEY_SECRET}, "hint": format!("bad key {KEY_SECRET}")}]});
    let err = write_result("POST", "/x", data)
        .err()
        .unwrap_or_else(|| panic!("expected an error"));
    let err = body.secrets().fold(err, ClientError::mask);
    assert_hidden(&err, KEY_SECRET);
    assert!(err.to_string().contains("***"), "{err}");
}

// ---- against the simulator ----

use std::time::Duration;

use ocp_sim::state::backup::BackupObject;

use crate::client::api::user::fixture::{tenant, TenantFixture};
use crate::client::testutil::{
    assert_hidden, assert_no_password, ok, wait_ok, LossyFront, TestSim,
};

const STRATEGY_ROUTE: &str =
    "POST /api/v2/ob/clusters/{id}/tenants/{id}/backup/config/backupStrategy";

fn targets(f: &TenantFixture) -> [BackupTarget; 2] {
    [
        BackupTarget::tenant(f.cid, f.tid),
        BackupTarget::cluster(f.cid),
    ]
}

fn sim_object(t: BackupTarget) -> BackupObject {
    BackupObject {
        cluster_id: t.cluster_id,
        tenant_id: t.tenant_id,
    }
}

/// [`oss_body`] with the schedule switch set (cluster strategies need it).
fn body_enabled(enabled: bool) -> StrategyBody {
    let mut b = oss_body();
    b.ob_backup_schedule_config.backup_schedule_enabled = Some(enabled);
    b
}

/// A different complete strategy: FILE storage, monthly, other thresholds; its members
/// written as OCP documents them.
fn file_body() -> StrategyBody {
    fn member<T: serde::de::DeserializeOwned>(v: Value) -> T {
        serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"))
    }
    StrategyBody {
        backup_mode: "PHYSICAL_BACKUP".into(),
        ob_backup_schedule_config: member(json!({
            "backupScheduleMode": "MONTH", "backupScheduleEnabled": false,
            "backupScheduleTime": "03:30:00.000+08:00",
            "dayAndDataBackupModelMap": {"1": "FULL_BACKUP", "15": "INCREMENTAL_BACKUP"},
            "startLogBackup": false, "cleanEnabled": false, "backupDataRetentionDays": 14
        })),
        ob_backup_threshold_config: member(json!({
            "dataBackupTimeoutMinutes": 60, "logBackupDelaySeconds": 300,
            "noSuccessfulDataBackupAlarmDays": 35, "libObLogExpireDays": 3
        })),
        ob_backup_service_storage_config: member(json!({
            "configName": "nfs",
            "obBackupStorageBaseInfo": {"backupStorageType": "BACKUP_STORAGE_FILE",
                                        "storageUrl": "/obbackup/t1"}
        })),
    }
}

/// What a find returns for a strategy created from `body`: the same members, no secret.
fn as_read(body: &StrategyBody) -> (ScheduleConfig, ThresholdConfig, StorageConfig) {
    let mut storage = body.ob_backup_service_storage_config.clone();
    if let Some(k) = storage
        .ob_backup_storage_base_info
        .as_mut()
        .and_then(|i| i.oss_access_key.as_mut())
    {
        k.access_key_secret = None;
    }
    let mut schedule = body.ob_backup_schedule_config.clone();
    if schedule.clean_enabled.is_none() {
        schedule.clean_enabled = Some(false);
    }
    (schedule, body.ob_backup_threshold_config.clone(), storage)
}

fn members(s: &BackupStrategy) -> (ScheduleConfig, ThresholdConfig, StorageConfig) {
    (
        s.ob_backup_schedule_config.clone().unwrap_or_default(),
        s.ob_backup_threshold_config.clone().unwrap_or_default(),
        s.ob_backup_service_storage_config
            .clone()
            .unwrap_or_default(),
    )
}

/// Asserts that `r` is OCP's 404.
fn assert_not_found<T: std::fmt::Debug>(r: Result<T, ClientError>) {
    assert!(matches!(r, Err(ClientError::NotFound { .. })), "{r:?}");
}

async fn wait_all(client: &OcpClient, ids: &[i64]) {
    for id in ids {
        wait_ok(client, *id).await;
    }
}

async fn find(client: &OcpClient, t: BackupTarget) -> BackupStrategy {
    ok(client.find_backup_strategy(t).await).unwrap_or_else(|| panic!("no strategy on {t:?}"))
}

fn stored_secret(sim: &TestSim, t: BackupTarget) -> Option<String> {
    sim.sim.state().with_store(|s| {
        s.backup
            .strategies
            .get(&sim_object(t))
            .and_then(|st| st.config.storage.access_key.as_ref())
            .map(|k| k.access_key_secret.clone())
    })
}

#[tokio::test]
async fn strategies_are_created_read_modified_and_deleted_for_a_tenant_and_a_cluster() {
    let f = tenant("MYSQL", "t_bk_crud").await;
    let c = &f.client;
    for t in targets(&f) {
        assert_eq!(ok(c.find_backup_strategy(t).await), None, "{t:?}");

        let body = body_enabled(false);
        let tasks = ok(c.create_backup_strategy(t, &body).await).expect_new();
        wait_all(c, &tasks).await;
        let s = find(c, t).await;
        assert!(s.id.is_some(), "{s:?}");
        assert_eq!(s.cluster_id, Some(f.cid));
        assert_eq!(s.tenant_id, t.tenant_id);
        let dimension = if t.tenant_id.is_some() {
            "TENANT"
        } else {
            "CLUSTER"
        };
        assert_eq!(s.backup_dimension.as_deref(), Some(dimension));
        assert_eq!(s.backup_mode.as_deref(), Some("PHYSICAL_BACKUP"));
        assert_eq!(members(&s), as_read(&body), "{t:?}");
        assert_eq!(
            stored_secret(&f.sim, t).as_deref(),
            Some(KEY_SECRET),
            "the secret reached OCP"
        );
        assert!(!format!("{s:?}").contains(KEY_SECRET));

        let changed = file_body();
        let tasks = ok(c.modify_backup_strategy(t, &changed).await);
        wait_all(c, &tasks).await;
        let s2 = find(c, t).await;
        assert_eq!(s2.id, s.id, "modify keeps the strategy");
        assert_eq!(members(&s2), as_read(&changed), "{t:?}");
        assert_eq!(stored_secret(&f.sim, t), None, "full replacement");

        let tasks = ok(c.delete_backup_strategy(t).await)
            .unwrap_or_else(|| panic!("the strategy existed on {t:?}"));
        wait_all(c, &tasks).await;
        assert_eq!(ok(c.find_backup_strategy(t).await), None);
        assert_eq!(ok(c.delete_backup_strategy(t).await), None, "already gone");
    }
}

#[tokio::test]
async fn find_is_none_without_a_strategy_or_without_the_object() {
    let f = tenant("MYSQL", "t_bk_none").await;
    let c = &f.client;
    for t in [
        BackupTarget::tenant(f.cid, f.tid),
        BackupTarget::cluster(f.cid),
        BackupTarget::tenant(f.cid, 987_654_321),
        BackupTarget::cluster(987_654_321),
    ] {
        assert_eq!(ok(c.find_backup_strategy(t).await), None, "{t:?}");
    }
    let t = BackupTarget::tenant(f.cid, f.tid);
    assert_not_found(c.modify_backup_strategy(t, &oss_body()).await);
}

#[tokio::test]
async fn schedules_start_and_stop() {
    let f = tenant("MYSQL", "t_bk_sched").await;
    let c = &f.client;
    for t in targets(&f) {
        ok(c.create_backup_strategy(t, &body_enabled(false)).await);
        let enabled = |s: BackupStrategy| {
            s.ob_backup_schedule_config
                .and_then(|x| x.backup_schedule_enabled)
        };
        ok(c.start_backup_schedule(t).await);
        assert_eq!(enabled(find(c, t).await), Some(true), "{t:?}");
        ok(c.start_backup_schedule(t).await);
        ok(c.stop_backup_schedule(t).await);
        assert_eq!(enabled(find(c, t).await), Some(false), "{t:?}");
        ok(c.stop_backup_schedule(t).await);
    }
    let t = BackupTarget::tenant(f.cid, 987_654_321);
    assert_not_found(c.start_backup_schedule(t).await);
}

#[tokio::test]
async fn task_lists_read_every_page_of_data_and_log_backups() {
    let f = tenant("MYSQL", "t_bk_tasks").await;
    let c = &f.client;
    let t = BackupTarget::tenant(f.cid, f.tid);
    let cluster = BackupTarget::cluster(f.cid);
    assert!(ok(c.list_data_backup_tasks(t).await).is_empty());
    assert!(ok(c.list_log_backup_tasks(cluster).await).is_empty());

    f.sim.sim.state().set_backup_period_seconds(0.01);
    ok(c.create_backup_strategy(t, &body_enabled(true)).await);
    // Wait until the schedule has run more than a page of backups.
    let rows_in_sim = || {
        f.sim.sim.state().with_store(|s| {
            let now = s.now();
            ocp_sim::domain::backup::advance(s, now);
            s.backup.data_rows.len()
        })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while rows_in_sim() <= 100 {
        assert!(
            std::time::Instant::now() < deadline,
            "the schedule ran too few backups"
        );
        // Polling a condition (more than a page of backup rows) with a deadline.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let logs = ok(c.list_log_backup_tasks(t).await);
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(logs[0].status.as_deref(), Some("INPROGRESS"));
    assert!(
        logs[0].checkpoint.is_some() && logs[0].id.is_some(),
        "{logs:?}"
    );
    ok(c.stop_backup_schedule(t).await);

    let rows = ok(c.list_data_backup_tasks(t).await);
    let in_sim = f.sim.sim.state().with_store(|s| {
        s.backup
            .data_rows
            .values()
            .filter(|r| r.object == sim_object(t))
            .count()
    });
    assert!(
        rows.len() > 100,
        "more than one page expected: {}",
        rows.len()
    );
    assert_eq!(rows.len(), in_sim);
    let first = rows
        .iter()
        .find(|r| r.backup_set_id == Some(1))
        .unwrap_or_else(|| panic!("no backup set 1"));
    assert_eq!(first.backup_mode.as_deref(), Some("PHYSICAL_BACKUP"));
    assert_eq!(first.data_backup_mode.as_deref(), Some("FULL_BACKUP"));
    assert!(
        first.id.is_some() && first.start_time.is_some(),
        "{first:?}"
    );
    assert!(
        matches!(first.status.as_deref(), Some("DOING" | "DONE")),
        "{first:?}"
    );

    let logs = ok(c.list_log_backup_tasks(t).await);
    assert_eq!(logs[0].status.as_deref(), Some("STOPPED"), "{logs:?}");
    assert!(logs[0].end_time.is_some(), "{logs:?}");
    assert!(ok(c.list_data_backup_tasks(cluster).await).is_empty());
}

#[tokio::test]
async fn a_strategy_that_existed_before_is_reported_and_no_post_is_sent() {
    let f = tenant("MYSQL", "t_bk_500").await;
    let t = BackupTarget::tenant(f.cid, f.tid);
    ok(f.client.create_backup_strategy(t, &oss_body()).await).expect_new();
    f.sim
        .refuse_next_post(&backup_path(t, BackupCall::Strategy))
        .await;
    let found = ok(f.client.create_backup_strategy(t, &oss_body()).await).expect_existing();
    assert!(found.id.is_some(), "{found:?}");
    assert_eq!(f.sim.count(STRATEGY_ROUTE).await, 0);
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_adopts_with_one_post() {
    let f = tenant("MYSQL", "t_bk_lost").await;
    let t = BackupTarget::tenant(f.cid, f.tid);
    let front = LossyFront::losing_posts(f.sim.sim.addr(), 1).await;
    let client = f.sim.client_at(&front.url);
    f.sim.reset_requests().await;
    let adopted = ok(client.create_backup_strategy(t, &oss_body()).await).expect_adopted();
    assert!(adopted.id.is_some(), "{adopted:?}");
    // POST, then GET by the look-ups (before, and after the lost answer).
    assert!(f.sim.count(STRATEGY_ROUTE).await >= 1);
    assert!(ok(f.client.find_backup_strategy(t).await).is_some());
    // A second create finds the strategy it did not make: reported, never adopted.
    ok(f.client.create_backup_strategy(t, &oss_body()).await).expect_existing();
}

#[tokio::test]
async fn a_modify_is_retried_after_a_transient_failure() {
    let f = tenant("MYSQL", "t_bk_retry").await;
    let t = BackupTarget::tenant(f.cid, f.tid);
    ok(f.client.create_backup_strategy(t, &oss_body()).await);
    f.sim.reset_requests().await;
    let path = backup_path(t, BackupCall::Strategy);
    f.sim.fail_next(1, 503, "PATCH", &path).await;
    ok(f.client.modify_backup_strategy(t, &file_body()).await);
    assert_eq!(
        f.sim
            .count("PATCH /api/v2/ob/clusters/{id}/tenants/{id}/backup/config/backupStrategy")
            .await,
        2
    );
    assert_eq!(members(&find(&f.client, t).await), as_read(&file_body()));
}

#[tokio::test]
async fn the_secret_never_appears_in_errors() {
    let f = tenant("MYSQL", "t_bk_secret").await;
    let t = BackupTarget::tenant(f.cid, f.tid);
    let c = &f.client;
    let mut invalid = oss_body();
    invalid
        .ob_backup_schedule_config
        .day_and_data_backup_model_map = Some(BTreeMap::new());
    let mut errors = vec![
        c.create_backup_strategy(t, &invalid).await.err(),
        c.modify_backup_strategy(t, &oss_body()).await.err(),
    ];
    ok(c.create_backup_strategy(t, &oss_body()).await);
    // An OCP that echoes the secret in its message.
    let path = backup_path(t, BackupCall::Strategy);
    let echo = format!("cannot reach OSS with key {KEY_SECRET}");
    f.sim.refuse_next("PATCH", &path, &echo).await;
    let echoed = c.modify_backup_strategy(t, &oss_body()).await.err();
    let masked = echoed.as_ref().map(|e| e.to_string()).unwrap_or_default();
    assert!(masked.contains("cannot reach OSS with key ***"), "{masked}");
    errors.push(echoed);
    for err in errors {
        let err = err.unwrap_or_else(|| panic!("an error was expected"));
        assert_hidden(&err, KEY_SECRET);
        assert_no_password(&err);
    }
}

/// A one-route HTTP server that answers every request with `envelope` and counts them.
async fn canned(envelope: Value) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    let listener = ok(tokio::net::TcpListener::bind("127.0.0.1:0").await);
    let port = ok(listener.local_addr()).port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let body = envelope.to_string();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Headers, then as many body bytes as Content-Length says.
                loop {
                    let Ok(n) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (format!("http://127.0.0.1:{port}"), hits)
}

#[tokio::test]
async fn a_be_successful_false_answer_is_an_error_and_not_repeated() {
    let sim = TestSim::start(0.2).await;
    let (url, hits) = canned(json!({
        "successful": true, "status": 200, "traceId": "0123456789abcdef",
        "data": {"obBackupTaskType": "CREATE_BACKUP_STRATEGY", "backupObjectOpsResultList": [
            {"beSuccessful": false, "taskIdList": [],
             "errorCode": {"code": "BACKUP_STORAGE_CHECK_FAILED", "message": "no access"},
             "hint": format!("storage check failed for key {KEY_SECRET}"),
             "obBackupObjectList": [{"clusterId": 1, "tenantId": 2, "backupDimension": "TENANT"}]}]}
    }))
    .await;
    let client = sim.client_at(&url);
    let t = BackupTarget::tenant(1, 2);
    for res in [
        client
            .create_backup_strategy(t, &oss_body())
            .await
            .map(|c| c.expect_new()),
        client.modify_backup_strategy(t, &oss_body()).await,
    ] {
        match res {
            Err(
                ref err @ ClientError::Api {
                    http_status: 200,
                    ref code,
                    ref message,
                    ..
                },
            ) => {
                assert_eq!(code.as_deref(), Some("BACKUP_STORAGE_CHECK_FAILED"));
                assert!(message.contains("storage check failed"), "{message}");
                let text = format!("{err} {err:?}");
                assert!(!text.contains(KEY_SECRET), "{text}");
            }
            other => panic!("expected an Api error, got {other:?}"),
        }
    }
    assert!(matches!(
        client.start_backup_schedule(t).await,
        Err(ClientError::Api { .. })
    ));
    assert!(matches!(
        client.delete_backup_strategy(t).await,
        Err(ClientError::Api { .. })
    ));
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        5,
        "sent once each, plus the create's look-up before its POST"
    );
}
