//! The cluster data sources through real Terraform.

use crate::support::*;

#[test]
fn plan_and_apply_read_demo_cluster_zones() {
    let sim = start_sim(0.2);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!(
                "{REQUIRED_PROVIDERS}
provider \"ocp\" {{}}
data \"ocp_cluster\" \"by_name\" {{ name = \"demo-cluster\" }}
data \"ocp_cluster\" \"by_id\" {{ id = data.ocp_cluster.by_name.id }}
data \"ocp_clusters\" \"all\" {{}}
output \"zones\" {{ value = [for z in data.ocp_cluster.by_name.zones : z.name] }}
output \"servers\" {{ value = [for z in data.ocp_cluster.by_id.zones : length(z.servers)] }}
output \"status\" {{ value = data.ocp_cluster.by_name.status }}
output \"same\" {{ value = data.ocp_cluster.by_id.name == data.ocp_cluster.by_name.name }}
output \"count\" {{ value = length(data.ocp_clusters.all.clusters) }}
"
            ),
        )
        .with_sim(&sim);
    tf.init();
    let plan = tf.run(&["plan", "-no-color"]).success();
    assert!(
        plan.stdout.contains("zone1"),
        "plan shows the zones:\n{}",
        plan.stdout
    );
    tf.apply().success();
    let out = tf.outputs();
    assert_eq!(
        out["zones"]["value"],
        serde_json::json!(["zone1", "zone2", "zone3"])
    );
    assert_eq!(out["servers"]["value"], serde_json::json!([1, 1, 1]));
    assert_eq!(out["status"]["value"], "RUNNING");
    assert_eq!(out["same"]["value"], true);
    assert_eq!(out["count"]["value"], 1);
}

#[test]
fn an_unknown_cluster_name_points_at_the_name_attribute() {
    let sim = start_sim(0.2);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!("{REQUIRED_PROVIDERS}\ndata \"ocp_cluster\" \"x\" {{ name = \"no-such-cluster\" }}\n"),
        )
        .with_sim(&sim);
    tf.init();
    let r = tf.run(&["plan", "-no-color"]).failure();
    assert!(r.stderr.contains("Cluster Not Found"), "{}", r.all());
    assert!(r.stderr.contains("no-such-cluster"), "{}", r.all());
    assert!(r.stderr.contains("with data.ocp_cluster.x"), "{}", r.all());
    assert!(
        r.stderr.contains("name = \"no-such-cluster\""),
        "the diagnostic points at the attribute:\n{}",
        r.all()
    );
}

#[test]
fn a_cluster_selector_is_required() {
    let tf = TfProject::new().file(
        "main.tf",
        &format!("{REQUIRED_PROVIDERS}\ndata \"ocp_cluster\" \"x\" {{}}\n"),
    );
    tf.init();
    let r = tf.run(&["validate", "-no-color"]).failure();
    assert!(r.stderr.contains("Missing Cluster Selector"), "{}", r.all());
}

/// Bad infrastructure input: OCP's refusal comes back on the attribute, and nothing is left
/// behind in OCP or in state.
#[test]
fn refused_cluster_and_host_input_names_the_attribute_and_leaves_nothing() {
    let sim = start_sim(0.05);
    let cluster = |name: &str, host: i64| {
        format!(
            r#"{REQUIRED_PROVIDERS}
resource "ocp_cluster" "c" {{
  name          = "{name}"
  rpm_name      = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm"
  root_password = "Cluster_Pa55-word"
  zone {{
    name     = "zone1"
    idc_name = "hz1"
    servers  = [{host}]
  }}
}}
"#
        )
    };
    let clusters = |sim: &ocp_sim::Sim| {
        ocp_call(sim, "GET", "/api/v2/ob/clusters?size=100", None)["contents"]
            .as_array()
            .map_or(0, Vec::len)
    };
    // 1003001 (172.16.0.11) already runs an OBServer of demo-cluster.
    let tf = TfProject::new()
        .file("main.tf", &cluster("orders", 1003001))
        .with_sim(&sim);
    tf.init();
    let r = tf.apply().failure();
    assert!(
        r.stderr.contains("Unable to Create Cluster"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("demo-cluster"),
        "names the cluster using the host: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("zone"),
        "points at the zone: {}",
        r.stderr
    );
    assert_eq!(clusters(&sim), 1, "no cluster was created");
    assert!(tf.run(&["state", "list"]).stdout.trim().is_empty());

    // A cluster name OCP already has, on a free host: refused on `name`, with an import hint.
    std::fs::write(tf.path().join("main.tf"), cluster("demo-cluster", 1003004)).unwrap();
    let r = tf.apply().failure();
    assert!(r.stderr.contains("demo-cluster"), "{}", r.stderr);
    assert!(
        r.stderr.contains("import"),
        "suggests an import: {}",
        r.stderr
    );
    assert_eq!(clusters(&sim), 1);

    // A host type OCP does not know: refused on `host_type_id`, no host added.
    let hosts_before = ocp_call(&sim, "GET", "/api/v2/compute/hosts?size=100", None)["contents"]
        .as_array()
        .map_or(0, Vec::len);
    std::fs::write(
        tf.path().join("main.tf"),
        format!("{REQUIRED_PROVIDERS}\nresource \"ocp_host\" \"h\" {{\n  ip           = \"10.0.0.41\"\n  idc_id       = 1006001\n  host_type_id = 4242\n  ssh_username = \"admin\"\n  ssh_password = \"Ssh_Pa55-word\"\n}}\n"),
    )
    .unwrap();
    let r = tf.apply().failure();
    assert!(
        r.stderr.contains("host_type_id"),
        "points at host_type_id: {}",
        r.stderr
    );
    let hosts_after = ocp_call(&sim, "GET", "/api/v2/compute/hosts?size=100", None)["contents"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(hosts_before, hosts_after, "no host was added");
    assert!(tf.run(&["state", "list"]).stdout.trim().is_empty());
}

/// A destroy whose wait on OCP's zone-delete task timed out is finished by the next destroy,
/// which waits for that task rather than failing on OCP's "resource busy" refusal; OCP runs
/// one delete task for the zone.
#[test]
fn a_zone_destroy_that_times_out_is_finished_by_the_next_destroy() {
    let sim = start_sim(0.2);
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/resources/ocp_zone/resource.tf"),
    )
    .unwrap();
    let with_delete = |d: &str| example.replace("delete = \"30m\"", &format!("delete = \"{d}\""));
    assert!(with_delete("2s").contains("delete = \"2s\""));
    let tf = TfProject::new()
        .file("versions.tf", REQUIRED_PROVIDERS)
        .file("main.tf", &with_delete("2s"))
        .with_sim(&sim);
    tf.init();
    tf.apply().success();

    sim_admin(
        &sim,
        "/_sim/config",
        // The delete task outlasts any timeout of the test; the test ends it on purpose below.
        serde_json::json!({"task_seconds": 3600.0}),
    );
    let r = tf.run(&["destroy", "-no-color", "-auto-approve"]).failure();
    assert!(r.stderr.contains("did not finish within"), "{}", r.stderr);
    assert!(
        r.stderr.contains("instead of starting a second delete"),
        "{}",
        r.stderr
    );
    assert_eq!(state_values(&tf, "ocp_zone.zone4")["name"], "zone4");

    // Raise the timeout (destroy reads it from state), then destroy again.
    std::fs::write(tf.path().join("main.tf"), with_delete("60s")).unwrap();
    tf.apply().success();
    let task = running_cluster_tasks(&sim, 1_000_001);
    assert_eq!(task.len(), 1, "the delete task still runs: {task:?}");
    let r = finishing_when_polled(&sim, task[0], || {
        tf.run(&["destroy", "-no-color", "-auto-approve"]).success()
    });
    assert!(r.stdout.contains("1 destroyed"), "{}", r.all());
    let zones = ocp_call(&sim, "GET", "/api/v2/ob/clusters/1000001/zones", None);
    assert!(!zones.to_string().contains("zone4"), "{zones}");
    let tasks = ocp_call(
        &sim,
        "GET",
        "/api/v2/tasks/instances?clusterId=1000001&size=100",
        None,
    );
    let names: Vec<&str> = tasks["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    let deletes = names
        .iter()
        .filter(|n| n.to_ascii_lowercase().contains("delete"))
        .count();
    assert_eq!(deletes, 1, "one delete task: {names:?}");
}

/// `ocp_zone` "zone4" of demo-cluster on the hosts `servers` (IPs, all in IDC hz1), with
/// `timeouts.update`.
fn zone_with_servers(servers: &[&str], update: &str) -> String {
    let hosts: String = servers
        .iter()
        .enumerate()
        .map(|(i, ip)| format!("data \"ocp_host\" \"h{i}\" {{\n  ip = \"{ip}\"\n}}\n"))
        .collect();
    let ids: Vec<String> = (0..servers.len())
        .map(|i| format!("data.ocp_host.h{i}.id"))
        .collect();
    format!(
        "{REQUIRED_PROVIDERS}
provider \"ocp\" {{}}
data \"ocp_cluster\" \"demo\" {{
  name = \"demo-cluster\"
}}
{hosts}
resource \"ocp_zone\" \"z\" {{
  cluster_id = data.ocp_cluster.demo.id
  name       = \"zone4\"
  idc_name   = data.ocp_host.h0.idc_name
  servers    = [{}]

  timeouts {{
    update = \"{update}\"
  }}
}}
",
        ids.join(", ")
    )
}

/// Adding an OBServer whose OCP task outlives `timeouts.update`: the update fails with the
/// documented error, the next apply waits for that task and adds nothing twice.
#[test]
fn a_server_add_that_times_out_is_resumed_without_a_second_add() {
    const ADD_SERVERS: &str = "POST /api/v2/ob/clusters/{id}/servers";
    let sim = start_sim(0.2);
    let tf = TfProject::new()
        .file("main.tf", &zone_with_servers(&["172.16.0.17"], "1s"))
        .with_sim(&sim);
    tf.init();
    tf.apply().success();
    let write = |tf: &TfProject, cfg: &str| std::fs::write(tf.path().join("main.tf"), cfg).unwrap();

    // The add task outlasts any timeout of the test; the test ends it on purpose below.
    sim_admin(
        &sim,
        "/_sim/config",
        serde_json::json!({"task_seconds": 3600.0}),
    );
    write(
        &tf,
        &zone_with_servers(&["172.16.0.17", "172.16.0.14"], "1s"),
    );
    let r = tf.apply().failure();
    assert!(r.stderr.contains("did not finish within"), "{}", r.all());
    assert!(
        r.stderr.contains("The next apply waits for OCP task"),
        "{}",
        r.all()
    );
    assert!(!r.stderr.contains("inconsistent"), "{}", r.all());
    assert_eq!(route_count(&sim, ADD_SERVERS), 1);

    write(
        &tf,
        &zone_with_servers(&["172.16.0.17", "172.16.0.14"], "60s"),
    );
    let task = running_cluster_tasks(&sim, 1_000_001);
    assert_eq!(task.len(), 1, "the add task still runs: {task:?}");
    sim_admin(
        &sim,
        "/_sim/config",
        serde_json::json!({"task_seconds": 0.2}),
    );
    let r = finishing_when_polled(&sim, task[0], || tf.apply().success());
    assert!(
        r.all().contains("OCP Task Still Running"),
        "this apply ran while OCP's task still did:\n{}",
        r.all()
    );
    assert_eq!(
        route_count(&sim, ADD_SERVERS),
        1,
        "the OBServer was added once"
    );
    let s = state_values(&tf, "ocp_zone.z");
    assert_eq!(s["servers"].as_array().unwrap().len(), 2, "{s}");
    assert_eq!(s["status"], "RUNNING", "{s}");
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(0), "{}", r.all());
}

/// `examples/full-stack` with a cluster that also sets `primary_zone` and a startup parameter:
/// after `state rm` and `import` of the cluster, the plan replaces nothing. The primary zone is
/// read back from the sys tenant; the only changes are values OCP never returns (the root
/// password and the startup parameters), recorded in place without an OCP call, and the
/// cluster's `status` stays known. After that apply, the plan is empty.
#[test]
fn a_reimported_cluster_plans_no_replacement_and_keeps_its_status() {
    let sim = start_sim(0.05);
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/full-stack");
    let tf = TfProject::new()
        .copy_dir(&example)
        .with_sim(&sim)
        .env("TF_VAR_host_ssh_password", "Ssh_Pa55-word")
        .env("TF_VAR_cluster_root_password", "Cluster_Pa55-word")
        .env("TF_VAR_tenant_root_password", "Tenant_Pa55-word");
    let main = std::fs::read_to_string(tf.path().join("main.tf")).unwrap();
    let cluster_line = "  root_password = var.cluster_root_password\n";
    assert!(main.contains(cluster_line), "the example changed");
    let main = main.replacen(
        cluster_line,
        &format!(
            "{cluster_line}  primary_zone  = \"zone1;zone2,zone3\"\n  startup_parameter {{\n    name  = \"memory_limit\"\n    value = \"32G\"\n  }}\n"
        ),
        1,
    );
    std::fs::write(tf.path().join("main.tf"), main).unwrap();
    tf.init();
    tf.apply().success();
    let id = state_values(&tf, "ocp_cluster.orders")["id"]
        .as_i64()
        .unwrap();
    tf.run(&["state", "rm", "-no-color", "ocp_cluster.orders"])
        .success();
    tf.run(&["import", "-no-color", "ocp_cluster.orders", &id.to_string()])
        .success();
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(2), "{}", r.all());
    assert!(
        !r.stdout.contains("must be replaced") && !r.stdout.contains("forces replacement"),
        "an unchanged cluster is never replaced after an import:\n{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("known after apply"),
        "the cluster's status stays known:\n{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("0 to add, 1 to change, 0 to destroy")
            && r.stdout
                .lines()
                .any(|l| l.contains("+ root_password ") && l.contains("= (sensitive value)"))
            && r.stdout.contains("+ startup_parameter {"),
        "only what OCP never returns is recorded:\n{}",
        r.stdout
    );
    let actions = r
        .stdout
        .split("will perform the following actions")
        .nth(1)
        .unwrap_or_default();
    let actions = actions.split("Plan:").next().unwrap_or_default();
    let changed: Vec<&str> = actions
        .lines()
        .filter(|l| l.trim_start().starts_with(['~', '+', '-']) && !l.contains("resource \""))
        .collect();
    assert!(
        changed.iter().all(|l| [
            "root_password",
            "startup_parameter",
            "name ",
            "value ",
            // An import cannot know which parameters the configuration manages: the
            // listed ones are recorded in place (OCP already has their values).
            "parameters",
            "\"enable_syslog_recycle\"",
            "\"syslog_level\"",
        ]
        .iter()
        .any(|a| l.contains(a))),
        "{changed:?}\n{}",
        r.stdout
    );
    let before = route_count(&sim, "POST /api/v2/ob/clusters");
    tf.apply().success();
    assert_eq!(route_count(&sim, "POST /api/v2/ob/clusters"), before);
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(0), "empty plan after recording:\n{}", r.all());
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
}
