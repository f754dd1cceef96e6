//! `ocp_backup_policy` and the backup data sources through real Terraform.

use serde_json::json;

use crate::support::*;

const SECRET: &str = "Oss-Secret-Key-123";

fn policy(tenant: i64, time: &str, day4: &str, extra: &str) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
variable "secret" {{
  type      = string
  sensitive = true
}}
resource "ocp_backup_policy" "p" {{
  cluster_id     = 1000001
  tenant_id      = {tenant}
  backup_mode    = "PHYSICAL_BACKUP"
  retention_days = 7
  log_backup     = true
  schedule {{
    mode = "WEEK"
    time = "{time}"
    days = {{ "1" = "FULL", "4" = "{day4}" }}
  }}
  storage {{
    name              = "oss-main"
    type              = "OSS"
    url               = "bucket/t1"
    endpoint          = "oss-cn-hangzhou.aliyuncs.com"
    access_key_id     = "AKID"
    access_key_secret = var.secret
  }}
  thresholds {{
    data_backup_timeout_minutes = 120
  }}
  {extra}
}}
"#
    )
}

fn strategy(sim: &ocp_sim::Sim, tenant: i64) -> serde_json::Value {
    ocp_call(
        sim,
        "GET",
        &format!("/api/v2/ob/clusters/1000001/tenants/{tenant}/backup/config/backupStrategy"),
        None,
    )
}

#[test]
fn backup_policy_lifecycle_update_drift_import_destroy() {
    let sim = start_sim(0.05);
    let tenant = make_tenant(&sim, "bk", "MYSQL");
    let tf = TfProject::new()
        .file("main.tf", &policy(tenant, "02:00", "INCREMENTAL", ""))
        .with_sim(&sim)
        .env("TF_VAR_secret", SECRET);
    tf.init();
    let r = tf.apply().success();
    assert!(!r.all().contains(SECRET));
    let (code, out) = {
        let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
        (r.code, r.all())
    };
    assert_eq!(code, Some(0), "empty plan after create:\n{out}");
    let s = strategy(&sim, tenant);
    assert_eq!(
        s["obBackupScheduleConfig"]["backupScheduleTime"],
        "02:00:00.000+08:00"
    );
    assert_eq!(s["obBackupScheduleConfig"]["backupScheduleEnabled"], true);
    assert!(
        !s.to_string().contains(SECRET),
        "OCP never returns the secret"
    );

    // In place: the time and one day's kind; every other setting stays as it was.
    std::fs::write(
        tf.path().join("main.tf"),
        policy(tenant, "03:30", "FULL", ""),
    )
    .unwrap();
    let r = tf.run(&["plan", "-no-color"]).success();
    assert!(
        r.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("forces replacement"));
    tf.apply().success();
    let after = strategy(&sim, tenant);
    assert_eq!(
        after["obBackupScheduleConfig"]["backupScheduleTime"],
        "03:30:00.000+08:00"
    );
    assert_eq!(
        after["obBackupScheduleConfig"]["dayAndDataBackupModelMap"],
        json!({"1": "FULL_BACKUP", "4": "FULL_BACKUP"})
    );
    for (a, b) in [
        (
            &after["obBackupScheduleConfig"]["backupDataRetentionDays"],
            &s["obBackupScheduleConfig"]["backupDataRetentionDays"],
        ),
        (
            &after["obBackupScheduleConfig"]["startLogBackup"],
            &s["obBackupScheduleConfig"]["startLogBackup"],
        ),
        (
            &after["obBackupThresholdConfig"],
            &s["obBackupThresholdConfig"],
        ),
        (
            &after["obBackupServiceStorageConfig"],
            &s["obBackupServiceStorageConfig"],
        ),
        (&after["backupMode"], &s["backupMode"]),
    ] {
        assert_eq!(a, b, "the full-replacement modify kept every other setting");
    }

    // Drift: the retention changed through OCP's API (a full replacement, as OCP requires).
    let mut body = json!({
        "backupMode": after["backupMode"],
        "obBackupScheduleConfig": after["obBackupScheduleConfig"],
        "obBackupThresholdConfig": after["obBackupThresholdConfig"],
        "obBackupServiceStorageConfig": after["obBackupServiceStorageConfig"],
    });
    body["obBackupScheduleConfig"]["backupDataRetentionDays"] = json!(30);
    body["obBackupServiceStorageConfig"]["obBackupStorageBaseInfo"]["ossAccessKey"]
        ["accessKeySecret"] = json!(SECRET);
    ocp_call(
        &sim,
        "PATCH",
        &format!("/api/v2/ob/clusters/1000001/tenants/{tenant}/backup/config/backupStrategy"),
        Some(body),
    );
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(2), "{}", r.all());
    assert!(
        r.stdout.contains("~ retention_days") && r.stdout.contains("30 -> 7"),
        "names the retention:\n{}",
        r.stdout
    );
    tf.apply().success();
    assert_eq!(
        strategy(&sim, tenant)["obBackupScheduleConfig"]["backupDataRetentionDays"],
        7
    );

    // Import into a fresh state: the only difference is the secret OCP never returns.
    let imported = TfProject::new()
        .file("main.tf", &policy(tenant, "03:30", "FULL", ""))
        .with_sim(&sim)
        .env("TF_VAR_secret", SECRET);
    imported.init();
    imported
        .run(&[
            "import",
            "-no-color",
            "ocp_backup_policy.p",
            &format!("1000001/{tenant}"),
        ])
        .success();
    let r = imported.run(&["plan", "-no-color"]).success();
    assert!(
        r.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{}",
        r.stdout
    );
    // Only the planned actions: the refresh note above them may list a backup that the
    // simulated schedule finished meanwhile (`status`), which is not a planned change.
    let actions = r
        .stdout
        .split("Terraform will perform the following actions:")
        .nth(1)
        .unwrap_or("");
    let changed: Vec<&str> = actions
        .lines()
        .map(str::trim)
        .filter(|l| {
            l.starts_with(['~', '+', '-'])
                && l.contains(" = ")
                && !l.ends_with("(known after apply)")
        })
        .collect();
    assert_eq!(
        changed,
        ["+ access_key_secret = (sensitive value)"],
        "only the secret differs after import:\n{}",
        r.stdout
    );

    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    assert!(
        strategy(&sim, tenant)["id"].is_null(),
        "the strategy is gone"
    );
}

#[test]
fn backup_tasks_show_that_scheduled_backups_run() {
    let sim = start_sim_virtual(0.05);
    let tenant = make_tenant(&sim, "bkruns", "MYSQL");
    sim_admin(&sim, "/_sim/config", json!({"backup_period_seconds": 1}));
    let tf = TfProject::new()
        .file("main.tf", &policy(tenant, "02:00", "INCREMENTAL", ""))
        .with_sim(&sim)
        .env("TF_VAR_secret", SECRET);
    tf.init();
    tf.apply().success();
    // Two and a half backup periods: the schedule runs twice.
    advance_clock(&sim, 2.5);
    std::fs::write(
        tf.path().join("tasks.tf"),
        format!(
            "data \"ocp_backup_tasks\" \"t\" {{\n  cluster_id = 1000001\n  tenant_id  = {tenant}\n}}\ndata \"ocp_backup_policy\" \"p\" {{\n  cluster_id = 1000001\n  tenant_id  = ocp_backup_policy.p.tenant_id\n}}\noutput \"runs\" {{ value = length(data.ocp_backup_tasks.t.data_backups) }}\noutput \"logs\" {{ value = [for l in data.ocp_backup_tasks.t.log_backups : l.status] }}\noutput \"configured\" {{ value = data.ocp_backup_policy.p.configured }}\n"
        ),
    )
    .unwrap();
    tf.apply().success();
    let out = tf.outputs();
    assert_eq!(out["runs"]["value"], 2, "{out}");
    assert_eq!(out["logs"]["value"], json!(["INPROGRESS"]));
    assert_eq!(out["configured"]["value"], true);
}

#[test]
fn bad_schedules_storage_and_tenants_are_clear_errors() {
    let sim = start_sim(0.05);
    let bad = policy(7, "25:00", "WEEKLY", "")
        .replace("\"OSS\"", "\"NFS\"")
        .replace("\"4\" =", "\"9\" =");
    let tf = TfProject::new()
        .file("main.tf", &bad)
        .with_sim(&sim)
        .env("TF_VAR_secret", SECRET);
    tf.init();
    let r = tf.run(&["validate", "-no-color"]).failure();
    assert!(r.stderr.contains("Invalid Schedule Time"), "{}", r.stderr);
    assert!(
        r.stderr.contains("Invalid Backup Day") && r.stderr.contains("\"9\""),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("\"NFS\""), "{}", r.stderr);

    let tf = TfProject::new()
        .file("main.tf", &policy(999_999, "02:00", "FULL", ""))
        .with_sim(&sim)
        .env("TF_VAR_secret", SECRET);
    tf.init();
    let r = tf.apply().failure();
    assert!(
        r.stderr.contains("Unable to Create Backup Policy"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("tenant_id      = 999999"),
        "points at tenant_id:\n{}",
        r.stderr
    );
    assert!(!r.all().contains(SECRET));
}
