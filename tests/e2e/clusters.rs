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
