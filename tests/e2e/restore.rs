//! Restore through real Terraform: `examples/disaster-recovery` restores a backed-up tenant into
//! a second tenant holding its databases and users; bad restore times are refused on the
//! attribute with nothing created.

use std::path::Path;

use serde_json::{json, Value};

use crate::support::*;

const ROOT_PW: &str = "Tenant_Pa55-word";
const USER_PW: &str = "Example_User-2024";
const RESTORE_ROUTE: &str = "POST /api/v2/ob/clusters/{id}/backup/restore";

/// Takes a full backup of tenant `tid` of demo-cluster now (OCP's backupNow) and waits for it.
fn backup_now(sim: &ocp_sim::Sim, tid: i64) {
    let r = ocp_call(
        sim,
        "POST",
        &format!("/api/v2/ob/clusters/1000001/tenants/{tid}/backup/backupNow"),
        Some(json!({
            "backupMode": "PHYSICAL_BACKUP", "dataBackupMode": "FULL_BACKUP",
            "obBackupServiceStorageConfig": {"configName": "nfs", "obBackupStorageBaseInfo":
                {"backupStorageType": "BACKUP_STORAGE_FILE", "storageUrl": "/obbackup/"}}
        })),
    );
    let task = r["backupObjectOpsResultList"][0]["taskIdList"][0]
        .as_i64()
        .expect("backup task");
    assert_eq!(settle_task(sim, task)["status"], "SUCCESSFUL");
}

/// The names in `data.contents[].<field>` of a tenant-level list.
fn names(sim: &ocp_sim::Sim, tid: i64, list: &str, field: &str) -> Vec<String> {
    let d = ocp_call(
        sim,
        "GET",
        &format!("/api/v2/ob/clusters/1000001/tenants/{tid}/{list}"),
        None,
    );
    d["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .filter_map(|x| x[field].as_str().map(str::to_string))
        .collect()
}

#[test]
fn disaster_recovery_example_restores_the_primary_with_its_databases_and_users() {
    let sim = start_sim(0.05);
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/disaster-recovery");
    let tf = TfProject::new()
        .copy_dir(&example)
        .with_sim(&sim)
        .env("TF_VAR_tenant_root_password", ROOT_PW)
        .env("TF_VAR_db_user_password", USER_PW);
    tf.init();
    tf.apply().success();
    let primary = state_values(&tf, "ocp_tenant.primary")["id"]
        .as_i64()
        .unwrap();
    // The disaster: a backup exists, the primary is to be restored.
    backup_now(&sim, primary);

    let restore = ["-var", "restore=true"];
    let apply = |extra: &[&str]| {
        let mut args = vec!["apply", "-no-color", "-input=false", "-auto-approve"];
        args.extend_from_slice(extra);
        tf.run(&args)
    };
    let r = apply(&restore).success();
    assert!(
        r.stdout.contains("1 added, 0 changed, 0 destroyed"),
        "{}",
        r.stdout
    );
    assert!(!r.all().contains(ROOT_PW) && !r.all().contains(USER_PW));
    assert_eq!(route_count(&sim, RESTORE_ROUTE), 1);
    let out = tf.outputs();
    let recovered = out["recovered_tenant_id"]["value"].as_i64().unwrap();
    let t = ocp_call(
        &sim,
        "GET",
        &format!("/api/v2/ob/clusters/1000001/tenants/{recovered}"),
        None,
    );
    assert_eq!(t["name"], "orders_dr");
    assert_eq!(t["status"], "NORMAL");
    assert_eq!(names(&sim, recovered, "databases", "dbName"), ["orders"]);
    assert_eq!(names(&sim, recovered, "users", "username"), ["app", "root"]);
    let dsn = out["recovered_connection_string"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        dsn.contains("-uroot@orders_dr") && dsn.ends_with("-p"),
        "{dsn}"
    );
    // OCP's restore task list has it.
    let rows = ocp_call(
        &sim,
        "GET",
        &format!("/api/v2/ob/clusters/1000001/tenants/{primary}/backup/task/restoreTasks"),
        None,
    );
    assert_eq!(rows["contents"][0]["restoreTenantId"], recovered, "{rows}");
    assert_eq!(rows["contents"][0]["status"], "SUCCESSFUL");
    let plan = |extra: &[&str]| {
        let mut args = vec!["plan", "-no-color", "-detailed-exitcode"];
        args.extend_from_slice(extra);
        tf.run(&args)
    };
    let r = plan(&restore);
    assert_eq!(
        r.code,
        Some(0),
        "empty plan after the restore:\n{}",
        r.all()
    );

    // Changing restore_from afterwards only records the new value: no second restore.
    let at = rows["contents"][0]["restoreEndTime"].as_str().unwrap();
    let at_var = format!("restore_time={at}");
    let moved = ["-var", "restore=true", "-var", &at_var];
    let r = apply(&moved).success();
    assert!(
        r.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        r.stdout
    );
    assert_eq!(route_count(&sim, RESTORE_ROUTE), 1);
    assert_eq!(
        state_values(&tf, "ocp_tenant.recovered[0]")["id"],
        Value::from(recovered)
    );
    assert_eq!(plan(&moved).code, Some(0));

    tf.run(&[
        "destroy",
        "-no-color",
        "-auto-approve",
        "-var",
        "restore=true",
    ])
    .success();
    let left = tenant_names(&sim);
    assert!(
        !left.iter().any(|n| n == "orders_main" || n == "orders_dr"),
        "{left:?}"
    );
}

fn restore_config(source: i64, time: &str) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
provider "ocp" {{}}
variable "pw" {{
  type      = string
  sensitive = true
}}
resource "ocp_tenant" "copy" {{
  cluster_id    = 1000001
  name          = "copy_bad"
  root_password = var.pw
  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}
  restore_from {{
    cluster_id   = 1000001
    tenant_id    = {source}
    restore_time = "{time}"
  }}
}}
"#
    )
}

#[test]
fn restore_times_outside_the_backups_are_refused_on_the_attribute_and_nothing_is_created() {
    let sim = start_sim(0.05);
    let source = make_tenant(&sim, "src_bad", "MYSQL");
    backup_now(&sim, source);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &restore_config(source, "2001-01-01T00:00:00+08:00"),
        )
        .with_sim(&sim)
        .env("TF_VAR_pw", ROOT_PW);
    tf.init();
    for time in ["2001-01-01T00:00:00+08:00", "2999-01-01T00:00:00Z"] {
        std::fs::write(tf.path().join("main.tf"), restore_config(source, time)).unwrap();
        let r = tf.apply().failure();
        let all = r.all();
        assert!(all.contains("restoreEndTime"), "OCP's reason:\n{all}");
        assert!(
            all.contains(&format!("restore_time = \"{time}\"")),
            "the diagnostic points at restore_time:\n{all}"
        );
        assert!(!tenant_names(&sim).iter().any(|n| n == "copy_bad"));
        let state = tf.run(&["state", "list"]);
        assert!(state.stdout.trim().is_empty(), "{}", state.all());
    }
    // Not a time at all: refused at plan, before OCP is asked.
    std::fs::write(
        tf.path().join("main.tf"),
        restore_config(source, "yesterday"),
    )
    .unwrap();
    let r = tf.run(&["plan", "-no-color"]).failure();
    assert!(r.stderr.contains("Invalid Restore Time"), "{}", r.stderr);
    assert_eq!(route_count(&sim, RESTORE_ROUTE), 2);
}

#[test]
fn a_source_without_a_backup_or_of_another_mode_is_refused_before_any_restore() {
    let sim = start_sim(0.05);
    let bare = make_tenant(&sim, "src_bare", "MYSQL");
    let tf = TfProject::new()
        .file(
            "main.tf",
            &restore_config(bare, "2001-01-01T00:00:00Z")
                .replace("    restore_time = \"2001-01-01T00:00:00Z\"\n", ""),
        )
        .with_sim(&sim)
        .env("TF_VAR_pw", ROOT_PW);
    tf.init();
    let r = tf.apply().failure();
    assert!(r.stderr.contains("no finished data backup"), "{}", r.stderr);
    assert!(r.stderr.contains("tenant_id"), "{}", r.stderr);
    let oracle = make_tenant(&sim, "src_ora", "ORACLE");
    backup_now(&sim, oracle);
    std::fs::write(
        tf.path().join("main.tf"),
        restore_config(oracle, "2001-01-01T00:00:00Z")
            .replace("    restore_time = \"2001-01-01T00:00:00Z\"\n", ""),
    )
    .unwrap();
    let r = tf.apply().failure();
    // Terraform wraps long lines: compare the words.
    let words = r.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("Set mode = \"ORACLE\""), "{}", r.stderr);
    assert_eq!(route_count(&sim, RESTORE_ROUTE), 0);
    assert!(!tenant_names(&sim).iter().any(|n| n == "copy_bad"));
}
