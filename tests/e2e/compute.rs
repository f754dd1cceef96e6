//! Regions, IDCs and host types through real Terraform.

use crate::support::*;

const CONFIG: &str = r#"
resource "ocp_region" "r" {
  name        = "cn-shanghai"
  description = "East China"
}
resource "ocp_idc" "i" {
  name      = "sh1"
  region_id = ocp_region.r.id
}
resource "ocp_host_type" "h" {
  name = "big_box"
}
data "ocp_idcs" "sh" {
  region_id = ocp_idc.i.region_id
}
output "idc_names" { value = [for i in data.ocp_idcs.sh.idcs : i.name] }
output "idc_region" { value = ocp_idc.i.region_name }
"#;

fn names(sim: &ocp_sim::Sim, path: &str) -> Vec<String> {
    ocp_call(sim, "GET", &format!("{path}?size=2000"), None)["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["name"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn regions_idcs_and_host_types_lifecycle_import_and_destroy_order() {
    let sim = start_sim(0.05);
    let config = format!("{REQUIRED_PROVIDERS}{CONFIG}");
    let tf = TfProject::new().file("main.tf", &config).with_sim(&sim);
    tf.init();
    tf.apply().success();
    let out = tf.outputs();
    assert_eq!(out["idc_names"]["value"], serde_json::json!(["sh1"]));
    assert_eq!(out["idc_region"]["value"], "cn-shanghai");
    assert_eq!(
        tf.run(&["plan", "-no-color", "-detailed-exitcode"]).code,
        Some(0)
    );

    // Import by name and by id into a fresh state: an empty plan.
    let region_id = state_values(&tf, "ocp_region.r")["id"].as_i64().unwrap();
    let resources_only: String = config
        .lines()
        .filter(|l| !l.starts_with("output"))
        .collect::<Vec<_>>()
        .join("\n");
    let fresh = TfProject::new()
        .file("main.tf", &resources_only)
        .with_sim(&sim);
    fresh.init();
    fresh
        .run(&["import", "-no-color", "ocp_region.r", "cn-shanghai"])
        .success();
    fresh
        .run(&["import", "-no-color", "ocp_idc.i", "sh1"])
        .success();
    fresh
        .run(&["import", "-no-color", "ocp_host_type.h", "big_box"])
        .success();
    assert_eq!(state_values(&fresh, "ocp_region.r")["id"], region_id);
    let r = fresh.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(0), "{}", r.all());

    // A changed description replaces (OCP has no modify call), and the plan says so.
    std::fs::write(
        tf.path().join("main.tf"),
        config.replace("East China", "East"),
    )
    .unwrap();
    let r = tf.run(&["plan", "-no-color"]).success();
    assert!(r.stdout.contains("forces replacement"), "{}", r.stdout);

    // Destroy runs in dependency order: the IDC before its region.
    std::fs::write(tf.path().join("main.tf"), &config).unwrap();
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    assert!(!names(&sim, "/api/v2/compute/regions").contains(&"cn-shanghai".to_string()));
    assert!(!names(&sim, "/api/v2/compute/idcs").contains(&"sh1".to_string()));
    assert!(!names(&sim, "/api/v2/compute/hostTypes").contains(&"big_box".to_string()));
}

#[test]
fn bad_catalogue_input_names_the_attribute() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file("main.tf", &format!("{REQUIRED_PROVIDERS}\nresource \"ocp_host_type\" \"h\" {{\n  name = \"big-box\"\n}}\n"))
        .with_sim(&sim);
    tf.init();
    let r = tf.run(&["validate", "-no-color"]).failure();
    assert!(
        r.stderr.contains("Invalid Host Type Name") && r.stderr.contains("name = \"big-box\""),
        "{}",
        r.stderr
    );

    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!("{REQUIRED_PROVIDERS}\nresource \"ocp_idc\" \"orphan\" {{\n  name      = \"nowhere1\"\n  region_id = 424242\n}}\n"),
        )
        .with_sim(&sim);
    tf.init();
    let r = tf.apply().failure();
    assert!(
        r.stderr.contains("Unable to Create IDC") && r.stderr.contains("region_id = 424242"),
        "{}",
        r.stderr
    );
    let list = tf.run(&["state", "list"]);
    assert!(
        !list.stdout.contains("ocp_idc.orphan"),
        "nothing half-created in state:\n{}",
        list.stdout
    );
}

/// Issue #15: a name made of digits that is also another region's id. A bare import id is
/// refused as ambiguous (never the wrong region), `name:` and `id:` say which; a name OCP
/// cannot take (`/`) is refused at plan time.
#[test]
fn issue_15_an_import_id_that_is_both_an_id_and_a_name_is_refused_as_ambiguous() {
    let sim = start_sim(0.05);
    let regions = ocp_call(&sim, "GET", "/api/v2/compute/regions?size=2000", None);
    let other = regions["contents"][0].clone();
    let other_id = other["id"].as_i64().unwrap().to_string();
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!(
                "{REQUIRED_PROVIDERS}\nresource \"ocp_region\" \"digits\" {{\n  name = \"{other_id}\"\n}}\n"
            ),
        )
        .with_sim(&sim);
    tf.init();
    tf.apply().success();
    let mine = state_values(&tf, "ocp_region.digits")["id"]
        .as_i64()
        .unwrap();
    assert_ne!(mine.to_string(), other_id);
    tf.run(&["state", "rm", "ocp_region.digits"]).success();

    let r = tf
        .run(&["import", "-no-color", "ocp_region.digits", &other_id])
        .failure();
    assert!(r.stderr.contains("Ambiguous Import ID"), "{}", r.all());
    assert!(
        r.stderr.contains(&format!("name:{other_id}")),
        "{}",
        r.all()
    );
    tf.run(&[
        "import",
        "-no-color",
        "ocp_region.digits",
        &format!("name:{other_id}"),
    ])
    .success();
    assert_eq!(
        state_values(&tf, "ocp_region.digits")["id"].as_i64(),
        Some(mine)
    );
    let plan = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(0), "{}", plan.all());

    std::fs::write(
        tf.path().join("main.tf"),
        format!("{REQUIRED_PROVIDERS}\nresource \"ocp_region\" \"digits\" {{\n  name = \"east/1\"\n}}\n"),
    )
    .unwrap();
    let r = tf.run(&["plan", "-no-color"]).failure();
    assert!(r.stderr.contains("Invalid Name"), "{}", r.all());
    assert!(r.stderr.contains("name = \"east/1\""), "{}", r.all());
}
