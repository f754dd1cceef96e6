//! `ocp_tenant` through real Terraform: the whole lifecycle, drift, import, failures.

use serde_json::json;

use crate::support::*;

const ROOT_PW: &str = "Tenant_Pa55-word";

fn tenant_config(name: &str, body: &str) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
provider "ocp" {{}}
variable "pw" {{
  type      = string
  sensitive = true
}}
data "ocp_cluster" "demo" {{
  name = "demo-cluster"
}}
resource "ocp_tenant" "t" {{
  cluster_id    = data.ocp_cluster.demo.id
  name          = "{name}"
  root_password = var.pw
{body}
}}
"#
    )
}

fn project(sim: &ocp_sim::Sim, hcl: &str) -> TfProject {
    let tf = TfProject::new()
        .file("main.tf", hcl)
        .with_sim(sim)
        .env("TF_VAR_pw", ROOT_PW);
    tf.init();
    tf
}

fn set_main(tf: &TfProject, hcl: &str) {
    std::fs::write(tf.path().join("main.tf"), hcl).unwrap();
}

const APP: &str = r#"  primary_zone = "zone1;zone2"
  whitelist    = WHITELIST
  description  = "orders service"
  zone {
    name      = "zone1"
    unit_spec = "S1"
  }
  zone {
    name       = "zone2"
    unit_spec  = "S1"
    unit_count = UNITS
  }"#;

/// The lifecycle test's tenant: `units` in zone2, and with `extra_whitelist` the whitelist
/// reordered plus one network.
fn app(units: u32, extra_whitelist: bool, more: &str) -> String {
    let whitelist = if extra_whitelist {
        r#"["127.0.0.1", "10.0.0.0/8", "192.168.1.0/24"]"#
    } else {
        r#"["10.0.0.0/8", "127.0.0.1"]"#
    };
    let body = APP
        .replace("UNITS", &units.to_string())
        .replace("WHITELIST", whitelist);
    tenant_config("app", &format!("{body}\n{more}"))
}

fn plan_exit(tf: &TfProject) -> (Option<i32>, String) {
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    (r.code, r.all())
}

#[test]
fn tenant_lifecycle_create_update_drift_import_destroy() {
    let sim = start_sim(0.3);
    let tf = project(&sim, &app(1, false, ""));

    let r = tf.apply().success();
    assert!(
        r.stdout.contains("1 added, 0 changed, 0 destroyed"),
        "{}",
        r.stdout
    );
    assert_no_secret(&r.all());
    assert!(
        !r.all().contains(ROOT_PW),
        "the tenant password leaked:\n{}",
        r.all()
    );
    let s = state_values(&tf, "ocp_tenant.t");
    assert_eq!(s["status"], "NORMAL");
    assert!(s["ob_tenant_id"].as_i64().unwrap() >= 1001);
    assert_eq!(s["zone"].as_array().unwrap().len(), 2);
    assert_eq!(s["zone"][1]["replica_type"], "FULL", "default applied");
    let id = s["id"].as_i64().unwrap();
    let cluster_id = s["cluster_id"].as_i64().unwrap();

    let (code, out) = plan_exit(&tf);
    assert_eq!(code, Some(0), "a fresh apply leaves an empty plan:\n{out}");

    // OCP places one unit of a tenant per OBServer of a zone, which only OCP knows: two units
    // in zone2 (one OBServer) are refused at apply, and the error points at that unit_count.
    set_main(&tf, &app(2, false, ""));
    let r = tf.apply().failure();
    assert!(
        r.all().contains("unit_count = 2") && r.all().contains("OBServer(s)"),
        "{}",
        r.all()
    );
    add_server(&sim, "zone2", 1_003_005);

    // In place: whitelist (reordered plus one entry) and a unit count.
    set_main(&tf, &app(2, true, ""));
    let r = tf.run(&["plan", "-no-color"]).success();
    assert!(
        r.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("forces replacement"), "{}", r.stdout);
    let r = tf.apply().success();
    assert!(
        r.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        r.stdout
    );
    let detail = ocp_call(
        &sim,
        "GET",
        &format!("/api/v2/ob/clusters/{cluster_id}/tenants/{id}"),
        None,
    );
    let zone2 = detail["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["name"] == "zone2")
        .unwrap()
        .clone();
    assert_eq!(zone2["resourcePool"]["unitCount"], 2);
    assert!(detail["whitelist"]
        .as_str()
        .unwrap()
        .contains("192.168.1.0/24"));
    assert_eq!(plan_exit(&tf).0, Some(0));

    // Drift: someone opens the whitelist through OCP's API.
    ocp_call(
        &sim,
        "POST",
        &format!("/api/v2/ob/clusters/{cluster_id}/tenants/{id}/modifyWhitelist"),
        Some(json!({"whitelist": "%"})),
    );
    let (code, out) = plan_exit(&tf);
    assert_eq!(code, Some(2), "drift is a change:\n{out}");
    assert!(out.contains("~ whitelist"), "names the whitelist:\n{out}");
    for other in ["unit_count", "description", "primary_zone", "root_password"] {
        assert!(
            !out.contains(&format!("~ {other}")),
            "only the whitelist drifted, not {other}:\n{out}"
        );
    }
    tf.apply().success();
    assert_eq!(plan_exit(&tf).0, Some(0), "apply repaired the drift");

    // Import into a fresh state: same attributes (but the write-only password), empty plan.
    let imported = TfProject::new()
        .file(
            "main.tf",
            &app(
                2,
                true,
                "  lifecycle {\n    ignore_changes = [root_password]\n  }",
            ),
        )
        .with_sim(&sim)
        .env("TF_VAR_pw", ROOT_PW);
    imported.init();
    imported
        .run(&[
            "import",
            "-no-color",
            "ocp_tenant.t",
            &format!("{cluster_id}/{id}"),
        ])
        .success();
    let mut a = state_values(&tf, "ocp_tenant.t");
    let mut b = state_values(&imported, "ocp_tenant.t");
    for v in [&mut a, &mut b] {
        v.as_object_mut().unwrap().remove("root_password");
        v.as_object_mut().unwrap().remove("timeouts");
    }
    assert_eq!(a, b, "imported state matches the created one");
    let (code, out) = plan_exit(&imported);
    assert_eq!(code, Some(0), "empty plan after import:\n{out}");
    // The name form of the import id works too.
    let by_name = TfProject::new()
        .file("main.tf", &app(2, true, ""))
        .with_sim(&sim)
        .env("TF_VAR_pw", ROOT_PW);
    by_name.init();
    by_name
        .run(&["import", "-no-color", "ocp_tenant.t", "demo-cluster/app"])
        .success();
    assert_eq!(state_values(&by_name, "ocp_tenant.t")["id"], id);

    let r = tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    assert!(r.stdout.contains("1 destroyed"), "{}", r.stdout);
    assert!(
        !tenant_names(&sim).contains(&"app".to_string()),
        "the tenant is gone from OCP"
    );
}

#[test]
fn a_tenant_deleted_outside_terraform_is_planned_for_creation() {
    let sim = start_sim(0.2);
    let tf = project(
        &sim,
        &tenant_config(
            "gone",
            "  zone {\n    name      = \"zone1\"\n    unit_spec = \"S0\"\n  }",
        ),
    );
    tf.apply().success();
    let s = state_values(&tf, "ocp_tenant.t");
    let (cluster_id, id) = (s["cluster_id"].as_i64().unwrap(), s["id"].as_i64().unwrap());
    let task = ocp_call(
        &sim,
        "DELETE",
        &format!("/api/v2/ob/clusters/{cluster_id}/tenants/{id}"),
        None,
    );
    let task = settle_task(&sim, task["id"].as_i64().unwrap());
    assert_eq!(task["status"], "SUCCESSFUL", "{task}");
    let r = tf.run(&["plan", "-no-color"]).success();
    assert!(
        r.stdout.contains("1 to add, 0 to change, 0 to destroy"),
        "{}",
        r.stdout
    );
    record(
        "deleted out of band",
        "plan proposes re-create; no error",
        "tenant deleted through OCP's API; plan: 1 to add, exit 0",
        "0 errors",
        true,
    );
}

#[test]
fn a_failed_create_task_leaves_the_tenant_tainted_and_names_the_subtask() {
    let sim = start_sim(0.3);
    sim_admin(
        &sim,
        "/_sim/tasks/fail_next",
        json!({"subtask": 2, "message": "observer 172.16.0.12 is out of disk"}),
    );
    let tf = project(
        &sim,
        &tenant_config(
            "broken",
            "  zone {\n    name      = \"zone1\"\n    unit_spec = \"S0\"\n  }",
        ),
    );
    let r = tf.apply().failure();
    assert!(
        r.stderr.contains("out of disk"),
        "the subtask's log is in the diagnostic:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("subtask"), "{}", r.stderr);
    let list = tf.run(&["state", "list"]).success();
    assert!(
        list.stdout.contains("ocp_tenant.t"),
        "the tenant is recorded in state"
    );
    let r = tf.run(&["plan", "-no-color"]).success();
    assert!(
        r.stdout.contains("is tainted, so must be replaced"),
        "{}",
        r.stdout
    );
    record(
        "task FAILED",
        "tainted in state; diagnostic names the subtask and its log",
        "apply failed naming subtask 2 and its log line; tenant in state, tainted",
        "1 of 1 tainted",
        true,
    );
}

const CREATE_ROUTE: &str = "POST /api/v2/ob/clusters/{id}/tenants/createTenant";

/// A one-zone tenant whose create may wait `create` (a Terraform duration).
fn with_create_timeout(name: &str, create: &str) -> String {
    tenant_config(
        name,
        &format!("  zone {{\n    name      = \"zone1\"\n    unit_spec = \"S0\"\n  }}\n  timeouts {{\n    create = \"{create}\"\n  }}"),
    )
}

#[test]
fn a_create_that_times_out_is_resumed_by_the_next_apply_not_repeated() {
    // The create task outlasts any timeout of the test; the test ends it on purpose.
    let sim = start_sim(3600.0);
    let tf = project(&sim, &with_create_timeout("slow", "1s"));
    let r = tf.apply().success();
    assert!(r.all().contains("OCP Task Still Running"), "{}", r.all());
    let s = state_values(&tf, "ocp_tenant.t");
    let id = s["id"].as_i64().expect("the id is in state");
    assert!(
        !is_tainted(&tf, "ocp_tenant.t"),
        "an unfinished create is not tainted"
    );

    // The plan shows the wait as an in-place update, never a replacement.
    let (code, out) = plan_exit(&tf);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("1 to change, 0 to destroy"), "{out}");
    assert!(out.contains("status"), "{out}");
    assert!(out.contains("still running"), "{out}");

    // With a longer timeout the next apply waits for the same task, which OCP ends meanwhile.
    set_main(&tf, &with_create_timeout("slow", "60s"));
    let task = running_tenant_tasks(&sim, id);
    assert_eq!(task.len(), 1, "the create task still runs: {task:?}");
    finishing_when_polled(&sim, task[0], || tf.apply().success());
    let s = state_values(&tf, "ocp_tenant.t");
    assert_eq!(s["id"].as_i64(), Some(id));
    assert_eq!(s["status"], "NORMAL");
    assert_eq!(route_count(&sim, CREATE_ROUTE), 1, "created once");
    assert_eq!(plan_exit(&tf).0, Some(0));
}

#[test]
fn a_stuck_create_task_is_waited_for_again_never_resubmitted() {
    let sim = start_sim(0.3);
    sim_admin(&sim, "/_sim/tasks/stuck_next", json!({}));
    let tf = project(&sim, &with_create_timeout("stuck", "1s"));
    let r = tf.apply().success();
    assert!(r.all().contains("is not tainted"), "{}", r.all());
    let id = state_values(&tf, "ocp_tenant.t")["id"].as_i64();
    assert!(id.is_some());
    // Still running: the second apply waits again, fails clearly and creates nothing.
    let r = tf.apply().failure();
    assert!(r.stderr.contains("waits for it again"), "{}", r.stderr);
    assert_eq!(route_count(&sim, CREATE_ROUTE), 1, "never submitted twice");
    assert!(!is_tainted(&tf, "ocp_tenant.t"));
    assert_eq!(state_values(&tf, "ocp_tenant.t")["id"].as_i64(), id);
}

#[test]
fn a_destroy_that_times_out_is_finished_by_the_next_destroy_with_one_delete_task() {
    let sim = start_sim(0.2);
    let with_delete = |d: &str| {
        tenant_config(
            "gone",
            &format!("  zone {{\n    name      = \"zone1\"\n    unit_spec = \"S0\"\n  }}\n  timeouts {{\n    delete = \"{d}\"\n  }}"),
        )
    };
    let tf = project(&sim, &with_delete("2s"));
    tf.apply().success();
    let id = state_values(&tf, "ocp_tenant.t")["id"].as_i64().unwrap();

    // OCP's delete task outlives the delete timeout: the tenant stays in state, and the
    // diagnostic says the next destroy picks the task up.
    // The delete task outlasts any timeout of the test; the test ends it on purpose below.
    sim_admin(&sim, "/_sim/config", json!({"task_seconds": 3600.0}));
    let r = tf.run(&["destroy", "-no-color", "-auto-approve"]).failure();
    assert!(r.stderr.contains("did not finish within"), "{}", r.stderr);
    assert!(
        r.stderr.contains("instead of starting a second delete"),
        "{}",
        r.stderr
    );
    assert_eq!(state_values(&tf, "ocp_tenant.t")["id"].as_i64(), Some(id));

    // Raise the timeout (destroy reads it from state), then destroy again: it waits for the
    // same task, which OCP still runs; no second delete task is started.
    set_main(&tf, &with_delete("60s"));
    tf.apply().success();
    let task = running_tenant_tasks(&sim, id);
    assert_eq!(task.len(), 1, "the delete task still runs: {task:?}");
    let r = finishing_when_polled(&sim, task[0], || {
        tf.run(&["destroy", "-no-color", "-auto-approve"]).success()
    });
    assert!(r.stdout.contains("1 destroyed"), "{}", r.all());
    assert!(!tenant_names(&sim).contains(&"gone".to_string()));
    let tasks = ocp_call(
        &sim,
        "GET",
        &format!("/api/v2/tasks/instances?tenantId={id}&size=100"),
        None,
    );
    let deletes = tasks["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["name"].as_str().unwrap_or("").contains("Delete tenant"))
        .count();
    assert_eq!(deletes, 1, "one delete task: {tasks}");
}

#[test]
fn a_create_task_that_fails_after_the_wait_ended_plans_a_replacement() {
    // The create task outlasts the 1 s wait; once the wait ended, OCP fails it.
    let sim = start_sim(3600.0);
    let tf = project(&sim, &with_create_timeout("late", "1s"));
    tf.apply().success();
    let id = state_values(&tf, "ocp_tenant.t")["id"].as_i64().unwrap();
    let task = running_tenant_tasks(&sim, id);
    assert_eq!(task.len(), 1, "the create task still runs: {task:?}");
    fail_task(&sim, task[0], "observer 172.16.0.12 is out of disk");
    let r = tf.run(&["plan", "-no-color"]).success();
    assert!(r.stdout.contains("must be replaced"), "{}", r.stdout);
    assert!(
        r.all().contains("out of disk"),
        "the failed subtask's log: {}",
        r.all()
    );
}

#[test]
fn bad_input_is_reported_at_plan_time_on_the_attribute() {
    let tf = TfProject::new().file(
        "main.tf",
        &format!(
            r#"{REQUIRED_PROVIDERS}
resource "ocp_tenant" "a" {{
  cluster_id    = 1
  name          = "2bad"
  root_password = "x"
  mode          = "ORACLE"
  charset       = "binary"
  whitelist     = ["10.0.0.300"]
  zone {{
    name       = "zone1"
    unit_spec  = "S1"
    unit_count = -1
  }}
}}
"#
        ),
    );
    tf.init();
    let r = tf.run(&["validate", "-no-color"]).failure();
    for (summary, attr) in [
        ("Invalid Tenant Name", "name"),
        ("Invalid Character Set", "charset"),
        ("Invalid Whitelist Entry", "whitelist"),
        ("Invalid Attribute Value", "unit_count"),
    ] {
        assert!(r.stderr.contains(summary), "{summary}:\n{}", r.stderr);
        assert!(
            r.stderr.contains(&format!("  {attr} ")) || r.stderr.contains(&format!(" {attr} = ")),
            "points at {attr}:\n{}",
            r.stderr
        );
    }
}

#[test]
fn an_unknown_zone_is_ocps_error_on_the_zone_and_nothing_is_recorded() {
    let sim = start_sim(0.2);
    let tf = project(
        &sim,
        &tenant_config(
            "nozone",
            "  zone {\n    name      = \"zone9\"\n    unit_spec = \"S0\"\n  }",
        ),
    );
    let r = tf.apply().failure();
    assert!(r.stderr.contains("zone9"), "{}", r.stderr);
    assert!(r.stderr.contains("Unable to Create Tenant"), "{}", r.stderr);
    assert!(!tenant_names(&sim).contains(&"nozone".to_string()));
    let list = tf.run(&["state", "list"]);
    assert!(
        !list.stdout.contains("ocp_tenant.t"),
        "nothing half-created in state"
    );
}

#[test]
fn deletion_protection_blocks_destroy_until_turned_off() {
    let sim = start_sim(0.2);
    let zone = "  zone {\n    name      = \"zone1\"\n    unit_spec = \"S0\"\n  }";
    let tf = project(
        &sim,
        &tenant_config("keep", &format!("{zone}\n  deletion_protection = true")),
    );
    tf.apply().success();
    let r = tf.run(&["destroy", "-no-color", "-auto-approve"]).failure();
    assert!(r.stderr.contains("Protected From Deletion"), "{}", r.stderr);
    assert!(tenant_names(&sim).contains(&"keep".to_string()));
    set_main(
        &tf,
        &tenant_config("keep", &format!("{zone}\n  deletion_protection = false")),
    );
    tf.apply().success();
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    assert!(!tenant_names(&sim).contains(&"keep".to_string()));
}

#[test]
fn changing_the_mode_or_name_forces_replacement() {
    let sim = start_sim(0.2);
    let zone = "  zone {\n    name      = \"zone1\"\n    unit_spec = \"S0\"\n  }";
    let tf = project(&sim, &tenant_config("modal", zone));
    tf.apply().success();
    set_main(
        &tf,
        &tenant_config("modal", &format!("{zone}\n  mode = \"ORACLE\"")),
    );
    let r = tf.run(&["plan", "-no-color"]).success();
    assert!(r.stdout.contains("must be replaced"), "{}", r.stdout);
    assert!(r.stdout.contains("forces replacement"), "{}", r.stdout);
    assert!(
        r.stdout.contains("1 to add, 0 to change, 1 to destroy"),
        "{}",
        r.stdout
    );
}

/// OCP's API has no call that changes a tenant's description (§3.4): it is set at create, a
/// new one plans a replacement (never an in-place call OCP does not have), and leaving it out
/// keeps what OCP has.
#[test]
fn a_new_description_forces_replacement_and_leaving_it_out_keeps_ocps() {
    let sim = start_sim(0.2);
    let zone = "  zone {\n    name      = \"zone1\"\n    unit_spec = \"S0\"\n  }";
    let described =
        |d: &str| tenant_config("described", &format!("{zone}\n  description = \"{d}\""));
    let tf = project(&sim, &described("first words"));
    tf.apply().success();
    assert_eq!(
        state_values(&tf, "ocp_tenant.t")["description"],
        "first words"
    );
    set_main(&tf, &described("other words"));
    let r = tf.run(&["plan", "-no-color"]).success();
    assert!(
        r.stdout.contains("~ description") && r.stdout.contains("forces replacement"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("1 to add, 0 to change, 1 to destroy"),
        "{}",
        r.stdout
    );
    set_main(&tf, &tenant_config("described", zone));
    let (code, out) = plan_exit(&tf);
    assert_eq!(
        code,
        Some(0),
        "no description configured keeps OCP's:\n{out}"
    );
    assert_eq!(
        state_values(&tf, "ocp_tenant.t")["description"],
        "first words"
    );
}

#[test]
fn replicas_are_added_and_removed_in_place() {
    let sim = start_sim(0.2);
    let z = |n: &str| format!("  zone {{\n    name      = \"{n}\"\n    unit_spec = \"S0\"\n  }}\n");
    let tf = project(&sim, &tenant_config("grow", &z("zone1")));
    tf.apply().success();
    set_main(
        &tf,
        &tenant_config("grow", &format!("{}{}", z("zone1"), z("zone3"))),
    );
    let r = tf.apply().success();
    assert!(
        r.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        r.stdout
    );
    let s = state_values(&tf, "ocp_tenant.t");
    assert!(s["locality"].as_str().unwrap().contains("zone3"), "{s}");
    assert_eq!(plan_exit(&tf).0, Some(0));
    set_main(&tf, &tenant_config("grow", &z("zone3")));
    let r = tf.apply().success();
    assert!(
        r.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        r.stdout
    );
    assert_eq!(
        state_values(&tf, "ocp_tenant.t")["zone"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(plan_exit(&tf).0, Some(0));
}

#[test]
fn tenant_data_sources_read_and_list() {
    let sim = start_sim(0.2);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!(
                r#"{REQUIRED_PROVIDERS}
data "ocp_cluster" "demo" {{ name = "demo-cluster" }}
data "ocp_tenant" "sys" {{
  cluster_id = data.ocp_cluster.demo.id
  name       = "sys"
}}
data "ocp_tenants" "all" {{}}
output "sys_id" {{ value = data.ocp_tenant.sys.ob_tenant_id }}
output "zones" {{ value = length(data.ocp_tenant.sys.zones) }}
output "names" {{ value = [for t in data.ocp_tenants.all.tenants : t.name] }}
"#
            ),
        )
        .with_sim(&sim);
    tf.init();
    tf.apply().success();
    let out = tf.outputs();
    assert_eq!(out["sys_id"]["value"], 1);
    assert_eq!(out["zones"]["value"], 3);
    assert_eq!(out["names"]["value"], json!(["sys"]));
}

#[test]
fn ctrl_c_during_a_create_wait_returns_promptly_and_keeps_the_id() {
    let sim = start_sim(0.3);
    sim_admin(&sim, "/_sim/tasks/stuck_next", json!({}));
    let tf = project(
        &sim,
        &tenant_config(
            "interrupted",
            "  zone {\n    name      = \"zone1\"\n    unit_spec = \"S0\"\n  }",
        ),
    );
    let mut child = tf.spawn(&["apply", "-no-color", "-input=false", "-auto-approve"]);
    // Wait until the provider is in its wait: it has polled the create task at least once.
    let t0 = std::time::Instant::now();
    while route_count(&sim, "GET /api/v2/tasks/instances/{id}") == 0 {
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(30),
            "the provider never began waiting for the create task"
        );
        // Polling a condition (the provider's first poll of the task) with a deadline.
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // Ctrl-C in a terminal: SIGINT to the whole process group (terraform and the plugin, which
    // ignores it and waits for Terraform's Stop).
    let group = format!("-{}", child.id());
    assert!(std::process::Command::new("kill")
        .args(["-INT", "--", &group])
        .status()
        .unwrap()
        .success());
    let sent = std::time::Instant::now();
    let status = child.wait().unwrap();
    let latency = sent.elapsed();
    eprintln!("Ctrl-C to terraform exit: {latency:?}");
    assert!(!status.success(), "an interrupted create is an error");
    assert!(
        latency < std::time::Duration::from_secs(5),
        "terraform (and the provider) returned promptly: {latency:?}"
    );
    let s = state_values(&tf, "ocp_tenant.t");
    assert!(
        s["id"].as_i64().is_some(),
        "the state holds the id of the tenant OCP is building: {s}"
    );
    assert!(
        !is_tainted(&tf, "ocp_tenant.t"),
        "the next apply waits for the task instead of replacing the tenant"
    );
    record(
        "Ctrl-C mid-wait",
        "provider returns within 1 s; state holds the id",
        "SIGINT to terraform's process group during the create wait; id in state, untainted",
        &format!("{} ms from SIGINT to terraform's exit", latency.as_millis()),
        latency < std::time::Duration::from_secs(1),
    );
}

const ADD_REPLICA_ROUTE: &str = "POST /api/v2/ob/clusters/{id}/tenants/{id}/addReplica";
const WHITELIST_ROUTE: &str = "POST /api/v2/ob/clusters/{id}/tenants/{id}/modifyWhitelist";
const LOCK_ROUTE: &str = "POST /api/v2/ob/clusters/{id}/tenants/{id}/lock";

/// Tenant "resume" with an S0 replica in each of `zones`, `more` attributes and
/// `timeouts.update`.
fn with_update_timeout(zones: &[&str], more: &str, update: &str) -> String {
    let mut body = String::new();
    for z in zones {
        body.push_str(&format!(
            "  zone {{\n    name      = \"{z}\"\n    unit_spec = \"S0\"\n  }}\n"
        ));
    }
    body.push_str(more);
    body.push_str(&format!("\n  timeouts {{\n    update = \"{update}\"\n  }}"));
    tenant_config("resume", &body)
}

/// Applies `cfg` with OCP tasks that outlast any timeout of the test and
/// `timeouts.update = "1s"`: the update must stop waiting with the documented error, the task
/// recorded for the next apply.
fn apply_until_update_timeout(sim: &ocp_sim::Sim, tf: &TfProject, cfg: &str) {
    sim_admin(sim, "/_sim/config", json!({"task_seconds": 3600.0}));
    set_main(tf, cfg);
    let r = tf.apply().failure();
    let err = r.stderr.clone();
    assert!(err.contains("did not finish within"), "{}", r.all());
    assert!(
        err.contains("The next apply waits for OCP task"),
        "{}",
        r.all()
    );
    assert!(!err.contains("inconsistent"), "{}", r.all());
    assert!(!is_tainted(tf, "ocp_tenant.t"), "updates never taint");
}

/// The apply after an update that timed out: while OCP still runs the task it waits for it
/// (OCP ends the task once the provider polls it), then applies only what OCP does not have
/// yet.
fn resume_update(sim: &ocp_sim::Sim, tf: &TfProject) {
    let id = state_values(tf, "ocp_tenant.t")["id"].as_i64().unwrap();
    let task = running_tenant_tasks(sim, id);
    assert_eq!(task.len(), 1, "the update task still runs: {task:?}");
    sim_admin(sim, "/_sim/config", json!({"task_seconds": 0.2}));
    let r = finishing_when_polled(sim, task[0], || tf.apply().success());
    assert!(
        r.all().contains("OCP Task Still Running"),
        "this apply ran while OCP's task still did, and said it waits for it:\n{}",
        r.all()
    );
    assert!(
        r.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_update_of_replicas_that_times_out_is_resumed_without_a_second_add() {
    let sim = start_sim(0.2);
    let tf = project(&sim, &with_update_timeout(&["zone1"], "", "1s"));
    tf.apply().success();

    apply_until_update_timeout(
        &sim,
        &tf,
        &with_update_timeout(&["zone1", "zone2"], "", "1s"),
    );
    assert_eq!(route_count(&sim, ADD_REPLICA_ROUTE), 1);

    set_main(&tf, &with_update_timeout(&["zone1", "zone2"], "", "60s"));
    resume_update(&sim, &tf);
    assert_eq!(
        route_count(&sim, ADD_REPLICA_ROUTE),
        1,
        "the replica was added once"
    );
    let s = state_values(&tf, "ocp_tenant.t");
    assert_eq!(s["status"], "NORMAL", "{s}");
    assert_eq!(s["zone"].as_array().unwrap().len(), 2, "{s}");
    assert!(s["locality"].as_str().unwrap().contains("zone2"), "{s}");
    let (code, out) = plan_exit(&tf);
    assert_eq!(code, Some(0), "{out}");
}

/// An update of several steps that stopped in the middle (whitelist done, replica task still
/// running, lock not started): the next apply posts neither the whitelist nor the replica
/// again, and finishes with the lock.
#[test]
fn an_update_that_times_out_midway_posts_each_change_once() {
    let sim = start_sim(0.2);
    let before = r#"  whitelist = ["127.0.0.1"]"#;
    let after = "  whitelist = [\"127.0.0.1\", \"10.0.0.0/8\"]\n  locked    = true";
    let tf = project(&sim, &with_update_timeout(&["zone1"], before, "1s"));
    tf.apply().success();

    apply_until_update_timeout(
        &sim,
        &tf,
        &with_update_timeout(&["zone1", "zone2"], after, "1s"),
    );
    assert_eq!(route_count(&sim, WHITELIST_ROUTE), 1);
    assert_eq!(route_count(&sim, ADD_REPLICA_ROUTE), 1);
    assert_eq!(route_count(&sim, LOCK_ROUTE), 0, "the lock comes after");

    set_main(&tf, &with_update_timeout(&["zone1", "zone2"], after, "60s"));
    resume_update(&sim, &tf);
    for route in [WHITELIST_ROUTE, ADD_REPLICA_ROUTE, LOCK_ROUTE] {
        assert_eq!(route_count(&sim, route), 1, "{route}");
    }
    let s = state_values(&tf, "ocp_tenant.t");
    assert_eq!(s["locked"], true, "{s}");
    assert_eq!(s["zone"].as_array().unwrap().len(), 2, "{s}");
    assert_eq!(s["whitelist"], json!(["10.0.0.0/8", "127.0.0.1"]), "{s}");
    let (code, out) = plan_exit(&tf);
    assert_eq!(code, Some(0), "{out}");
}

/// OCP refuses spaces in a primary zone and leading zeros in whitelist entries (the strict
/// simulator too, issue #15); users may write both. The provider sends OCP's spelling, keeps
/// the user's in state (empty re-plan), on create and on update.
#[test]
fn primary_zone_spacing_reaches_ocp_in_its_spelling_and_whitelist_zeros_are_refused() {
    let sim = start_sim(0.05);
    let body = |pz: &str, wl: &str| {
        format!(
            r#"  primary_zone = "{pz}"
  whitelist    = {wl}
  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}
  zone {{
    name      = "zone2"
    unit_spec = "S0"
  }}"#
        )
    };
    // Leading zeros: OCP refuses them, and reading them is ambiguous (octal to some
    // parsers), so the plan refuses them rather than rewriting what the user wrote.
    let tf = project(
        &sim,
        &tenant_config(
            "spelled",
            &body("zone1; zone2", r#"["010.0.0.0/8", "127.0.0.1"]"#),
        ),
    );
    let r = tf.run(&["plan", "-no-color"]).failure();
    assert!(r.stderr.contains("Invalid Whitelist Entry"), "{}", r.all());
    assert!(r.stderr.contains("010.0.0.0/8"), "{}", r.all());

    set_main(
        &tf,
        &tenant_config(
            "spelled",
            &body("zone1; zone2", r#"["10.0.0.0/8", "127.0.0.1"]"#),
        ),
    );
    tf.apply().success();
    let (code, out) = plan_exit(&tf);
    assert_eq!(code, Some(0), "empty plan after apply:\n{out}");
    let id = state_values(&tf, "ocp_tenant.t")["id"].as_i64().unwrap();
    let ocp = ocp_call(
        &sim,
        "GET",
        &format!("/api/v2/ob/clusters/1000001/tenants/{id}"),
        None,
    );
    assert_eq!(ocp["primaryZone"], "zone1;zone2");
    assert_eq!(ocp["whitelist"], "10.0.0.0/8,127.0.0.1");

    set_main(
        &tf,
        &tenant_config(
            "spelled",
            &body("zone2 , zone1", r#"["10.0.0.0/8", "192.168.1.0/24"]"#),
        ),
    );
    tf.apply().success();
    let (code, out) = plan_exit(&tf);
    assert_eq!(code, Some(0), "empty plan after update:\n{out}");
    let ocp = ocp_call(
        &sim,
        "GET",
        &format!("/api/v2/ob/clusters/1000001/tenants/{id}"),
        None,
    );
    assert_eq!(ocp["primaryZone"], "zone2,zone1");
    assert_eq!(ocp["whitelist"], "10.0.0.0/8,192.168.1.0/24");
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
}
