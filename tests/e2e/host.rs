//! Hosts (`ocp_host`, `data "ocp_host"`, `data "ocp_hosts"`) through real Terraform.

use serde_json::json;

use crate::support::*;

/// The SSH password the tests give; it must never appear in Terraform's output.
const SSH_PASSWORD: &str = "Host_Ssh-Pa55word";

const CONFIG: &str = r#"
variable "host_ssh_password" {
  type      = string
  sensitive = true
}
data "ocp_idc" "hz1" {
  name = "hz1"
}
data "ocp_host_type" "standard" {
  name = "standard"
}
resource "ocp_host" "web" {
  ip           = "10.0.0.21"
  idc_id       = data.ocp_idc.hz1.id
  host_type_id = data.ocp_host_type.standard.id
  ssh_username = "admin"
  ssh_password = var.host_ssh_password
  alias        = "web21"
  LIFECYCLE
}
"#;

fn config(lifecycle: &str) -> String {
    format!(
        "{REQUIRED_PROVIDERS}{}",
        CONFIG.replace("LIFECYCLE", lifecycle)
    )
}

/// The inner IPs of every host OCP lists.
fn host_ips(sim: &ocp_sim::Sim) -> Vec<String> {
    ocp_call(sim, "GET", "/api/v2/compute/hosts?size=2000", None)["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["innerIpAddress"].as_str().map(str::to_string))
        .collect()
}

/// The names of every HOST credential in OCP's vault.
fn credential_names(sim: &ocp_sim::Sim) -> Vec<String> {
    ocp_call(
        sim,
        "GET",
        "/api/v2/profiles/me/credentials?targetType=HOST&size=2000",
        None,
    )["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect()
}

fn assert_no_password(text: &str) {
    assert_no_secret(text);
    assert!(
        !text.contains(SSH_PASSWORD),
        "the SSH password leaked into output:\n{text}"
    );
}

#[test]
fn host_lifecycle_import_by_ip_and_destroy() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file("main.tf", &config(""))
        .with_sim(&sim)
        .env("TF_VAR_host_ssh_password", SSH_PASSWORD);
    tf.init();
    let r = tf.apply().success();
    assert_no_password(&r.all());
    let s = state_values(&tf, "ocp_host.web");
    assert_eq!(s["status"], "ONLINE", "{s}");
    assert_eq!(s["idc_name"], "hz1");
    assert_eq!(s["region_name"], "cn-hangzhou");
    assert_eq!(s["ssh_port"], 22);
    assert_eq!(s["kind"], "DEDICATED_PHYSICAL_MACHINE");
    assert!(s["cluster_id"].is_null(), "a new host is free: {s}");
    let host_id = s["id"].as_i64().unwrap();
    assert!(s["credential_id"].as_i64().is_some(), "{s}");
    assert!(host_ips(&sim).contains(&"10.0.0.21".to_string()));
    assert!(
        credential_names(&sim)
            .iter()
            .any(|n| n.starts_with("terraform-host-10.0.0.21")),
        "{:?}",
        credential_names(&sim)
    );
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(0), "{}", r.all());

    // Import by IP into a fresh state: the SSH credentials are not readable, so the plan
    // records them in place and changes nothing else.
    let fresh = TfProject::new()
        .file("main.tf", &config(""))
        .with_sim(&sim)
        .env("TF_VAR_host_ssh_password", SSH_PASSWORD);
    fresh.init();
    let r = fresh
        .run(&["import", "-no-color", "ocp_host.web", "10.0.0.21"])
        .success();
    assert_no_password(&r.all());
    assert_eq!(state_values(&fresh, "ocp_host.web")["id"], host_id);
    let r = fresh.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(2), "{}", r.all());
    assert_no_password(&r.all());
    assert!(
        r.stdout.contains("update in-place")
            && r.stdout.contains("ssh_username")
            && r.stdout.contains("ssh_password")
            && r.stdout.contains("0 to add, 1 to change, 0 to destroy")
            && !r.stdout.contains("forces replacement"),
        "{}",
        r.stdout
    );
    // Applying that only records the credentials.
    let r = fresh.apply().success();
    assert_no_password(&r.all());
    assert_eq!(state_values(&fresh, "ocp_host.web")["id"], host_id);
    let r = fresh.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(0), "{}", r.all());

    // With the credentials ignored, an import plans nothing at all.
    let ignoring = TfProject::new()
        .file(
            "main.tf",
            &config("lifecycle {\n    ignore_changes = [ssh_username, ssh_password]\n  }"),
        )
        .with_sim(&sim)
        .env("TF_VAR_host_ssh_password", SSH_PASSWORD);
    ignoring.init();
    ignoring
        .run(&["import", "-no-color", "ocp_host.web", &host_id.to_string()])
        .success();
    let r = ignoring.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(0), "{}", r.all());

    // A changed password alone is an in-place change, never a replacement.
    let r = tf.run_with(
        &[("TF_VAR_host_ssh_password", "Other_Ssh-Pa55word")],
        &["plan", "-no-color"],
    );
    assert!(
        r.ok && r.stdout.contains("update in-place") && !r.stdout.contains("forces replacement"),
        "{}",
        r.all()
    );

    // Destroy removes the host and the credential Terraform made for it.
    let r = tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    assert_no_password(&r.all());
    assert!(!host_ips(&sim).contains(&"10.0.0.21".to_string()));
    assert!(
        !credential_names(&sim)
            .iter()
            .any(|n| n.starts_with("terraform-host-10.0.0.21")),
        "{:?}",
        credential_names(&sim)
    );
    // The other states see it gone.
    let r = fresh.run(&["plan", "-no-color", "-refresh-only"]).success();
    assert!(
        r.stdout.contains("ocp_host.web has been deleted"),
        "{}",
        r.stdout
    );
}

#[test]
fn bad_host_input_names_the_attribute_and_leaves_nothing() {
    let sim = start_sim(0.05);
    let creds_before = credential_names(&sim);

    // An unknown IDC: OCP's 400 lands on idc_id, and neither host nor credential remains.
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!("{REQUIRED_PROVIDERS}\nresource \"ocp_host\" \"h\" {{\n  ip           = \"10.0.0.31\"\n  idc_id       = 424242\n  host_type_id = 1007001\n  ssh_username = \"admin\"\n  ssh_password = \"{SSH_PASSWORD}\"\n}}\n"),
        )
        .with_sim(&sim);
    tf.init();
    let r = tf.apply().failure();
    assert!(
        r.stderr.contains("Unable to Create Host") && r.stderr.contains("idc_id"),
        "{}",
        r.stderr
    );
    assert_no_password(&r.all());
    let list = tf.run(&["state", "list"]);
    assert!(
        !list.stdout.contains("ocp_host.h"),
        "nothing half-created in state:\n{}",
        list.stdout
    );
    assert!(!host_ips(&sim).contains(&"10.0.0.31".to_string()));
    assert_eq!(
        credential_names(&sim),
        creds_before,
        "the credential made for the failed host is deleted"
    );

    // An invalid IP is refused at plan time.
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!("{REQUIRED_PROVIDERS}\nresource \"ocp_host\" \"h\" {{\n  ip           = \"10.0.0.256\"\n  idc_id       = 1006001\n  host_type_id = 1007001\n  ssh_username = \"admin\"\n  ssh_password = \"x\"\n}}\n"),
        )
        .with_sim(&sim);
    tf.init();
    let r = tf.run(&["validate", "-no-color"]).failure();
    assert!(
        r.stderr.contains("Invalid IP Address") && r.stderr.contains("10.0.0.256"),
        "{}",
        r.stderr
    );

    // An IP already registered in another IDC: an error on ip with an import hint.
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!("{REQUIRED_PROVIDERS}\nresource \"ocp_host\" \"h\" {{\n  ip           = \"172.16.0.14\"\n  idc_id       = 1006002\n  host_type_id = 1007001\n  ssh_username = \"admin\"\n  ssh_password = \"{SSH_PASSWORD}\"\n}}\n"),
        )
        .with_sim(&sim);
    tf.init();
    let r = tf.apply().failure();
    assert!(
        r.stderr.contains("Host Already Exists") && r.stderr.contains("terraform import"),
        "{}",
        r.stderr
    );
    assert_no_password(&r.all());
    assert!(!tf.run(&["state", "list"]).stdout.contains("ocp_host.h"));
    assert_eq!(credential_names(&sim), creds_before);
}

#[test]
fn a_host_used_by_a_cluster_is_not_deleted() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!("{REQUIRED_PROVIDERS}\nresource \"ocp_host\" \"used\" {{\n  ip           = \"172.16.0.11\"\n  idc_id       = 1006001\n  host_type_id = 1007001\n  ssh_username = \"admin\"\n  ssh_password = \"{SSH_PASSWORD}\"\n  lifecycle {{\n    ignore_changes = [ssh_username, ssh_password]\n  }}\n}}\n"),
        )
        .with_sim(&sim);
    tf.init();
    tf.run(&["import", "-no-color", "ocp_host.used", "1003001"])
        .success();
    assert_eq!(state_values(&tf, "ocp_host.used")["cluster_id"], 1000001);
    let r = tf.run(&["destroy", "-no-color", "-auto-approve"]).failure();
    assert!(
        r.stderr.contains("Unable to Delete Host") && r.stderr.contains("cluster 1000001"),
        "{}",
        r.stderr
    );
    assert!(host_ips(&sim).contains(&"172.16.0.11".to_string()));
    assert!(tf.run(&["state", "list"]).stdout.contains("ocp_host.used"));
}

#[test]
fn host_data_sources_read_seeded_hosts() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!(
                "{REQUIRED_PROVIDERS}{}",
                r#"
data "ocp_idc" "hz1" {
  name = "hz1"
}
data "ocp_hosts" "free" {
  free = true
}
data "ocp_hosts" "free_hz1" {
  idc_id = data.ocp_idc.hz1.id
  free   = true
  status = "ONLINE"
}
data "ocp_hosts" "used" {
  free = false
}
data "ocp_host" "by_ip" {
  ip = "172.16.0.11"
}
data "ocp_host" "by_id" {
  id = 1003004
}
output "free" { value = [for h in data.ocp_hosts.free.hosts : h.ip] }
output "free_hz1" { value = [for h in data.ocp_hosts.free_hz1.hosts : h.ip] }
output "used" { value = [for h in data.ocp_hosts.used.hosts : h.cluster_id] }
output "by_ip" { value = data.ocp_host.by_ip }
output "by_id" { value = data.ocp_host.by_id }
"#
            ),
        )
        .with_sim(&sim);
    tf.init();
    tf.apply().success();
    let out = tf.outputs();
    assert_eq!(
        out["free"]["value"],
        serde_json::json!([
            "172.16.0.14",
            "172.16.0.15",
            "172.16.0.16",
            "172.16.0.17",
            "172.16.0.18",
            "172.16.0.19"
        ])
    );
    assert_eq!(
        out["free_hz1"]["value"],
        serde_json::json!(["172.16.0.14", "172.16.0.17"])
    );
    assert_eq!(
        out["used"]["value"],
        serde_json::json!([1000001, 1000001, 1000001])
    );
    let by_ip = &out["by_ip"]["value"];
    assert_eq!(by_ip["id"], 1003001);
    assert_eq!(by_ip["cluster_id"], 1000001);
    assert_eq!(by_ip["free"], false);
    assert_eq!(by_ip["idc_name"], "hz1");
    let by_id = &out["by_id"]["value"];
    assert_eq!(by_id["ip"], "172.16.0.14");
    assert_eq!(by_id["free"], true);
    assert_eq!(by_id["status"], "ONLINE");
    assert_eq!(by_id["host_type_name"], "standard");
}

/// §5 #18: an OCP that answers a host delete with a cleanup task. Destroy waits on it: a
/// failed task is reported with its subtask's log and the host (and the SSH credential made
/// for it) stay in state; the next destroy, whose task succeeds, removes both.
#[test]
fn host_destroy_waits_on_a_cleanup_task_and_reports_its_failure() {
    let sim = start_sim(0.3);
    let tf = TfProject::new()
        .file("main.tf", &config(""))
        .with_sim(&sim)
        .env("TF_VAR_host_ssh_password", SSH_PASSWORD);
    tf.init();
    tf.apply().success();
    sim_admin(&sim, "/_sim/config", json!({"host_delete_task": true}));
    sim_admin(
        &sim,
        "/_sim/tasks/fail_next",
        json!({"subtask": 2, "message": "agent on 10.0.0.21 did not stop"}),
    );
    let r = tf.run(&["destroy", "-no-color", "-auto-approve"]).failure();
    assert_no_password(&r.all());
    assert!(
        r.stderr.contains("Unable to Delete Host") && r.stderr.contains("did not stop"),
        "the failed cleanup task and its log are reported:\n{}",
        r.stderr
    );
    let list = tf.run(&["state", "list"]).success();
    assert!(list.stdout.contains("ocp_host.web"), "{}", list.stdout);
    assert!(host_ips(&sim).contains(&"10.0.0.21".to_string()));
    let ours = |sim: &ocp_sim::Sim| {
        credential_names(sim)
            .iter()
            .any(|n| n.starts_with("terraform-host-10.0.0.21"))
    };
    assert!(ours(&sim), "the credential stays while its host does");

    let r = tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    assert_no_password(&r.all());
    assert!(!host_ips(&sim).contains(&"10.0.0.21".to_string()));
    assert!(!ours(&sim), "{:?}", credential_names(&sim));
}
