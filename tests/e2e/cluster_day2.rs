//! Day-2 changes of a running cluster through real Terraform: none replaces it. The root
//! password, `deletion_protection`, the package (an upgrade), zones and their servers change
//! in place, each followed by an empty plan; removals of what holds tenant replicas are
//! refused before anything changes; `ocp_zone.servers` change in place too.

use crate::support::*;

const RPM: &str = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm";
const NEXT_RPM: &str = "oceanbase-4.2.2.0-100000192024011915.el7.x86_64.rpm";
const PW1: &str = "Cluster_Pa55-one";
const PW2: &str = "Cluster_Pa55-two";
/// Free seeded hosts: 1003004 and 1003007 in hz1, 1003005 in hz2, 1003006 in hz3.
const H1: i64 = 1_003_004;
const H1B: i64 = 1_003_007;
const H2: i64 = 1_003_005;
const H3: i64 = 1_003_006;

/// A cluster with the given package, password, protection and `zone` blocks
/// (`(name, idc, hosts)`).
fn cluster(rpm: &str, pw: &str, protect: bool, zones: &[(&str, &str, &[i64])]) -> String {
    let zones: String = zones
        .iter()
        .map(|(n, idc, hosts)| {
            let hosts: Vec<String> = hosts.iter().map(i64::to_string).collect();
            format!(
                "  zone {{\n    name     = \"{n}\"\n    idc_name = \"{idc}\"\n    servers  = [{}]\n  }}\n",
                hosts.join(", ")
            )
        })
        .collect();
    format!(
        "{REQUIRED_PROVIDERS}
resource \"ocp_cluster\" \"c\" {{
  name                = \"day2\"
  rpm_name            = \"{rpm}\"
  root_password       = \"{pw}\"
  deletion_protection = {protect}
{zones}}}
"
    )
}

fn set_main(tf: &TfProject, hcl: &str) {
    std::fs::write(tf.path().join("main.tf"), hcl).unwrap();
}

fn assert_empty_plan(tf: &TfProject, after: &str) {
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(
        r.code,
        Some(0),
        "plan after {after} is not empty:\n{}",
        r.all()
    );
}

/// Applies `hcl`, which must change the cluster in place (never replace it).
fn apply_in_place(tf: &TfProject, hcl: &str, what: &str) {
    set_main(tf, hcl);
    let r = tf.apply().success();
    assert!(
        r.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{what}: not one in-place change:\n{}",
        r.stdout
    );
    assert_empty_plan(tf, what);
}

/// `zone name -> host ids` of cluster `id` as OCP has them.
fn zones_of(sim: &ocp_sim::Sim, id: i64) -> Vec<(String, Vec<i64>)> {
    let page = ocp_call(sim, "GET", &format!("/api/v2/ob/clusters/{id}/zones"), None);
    page["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| {
            let hosts = z["servers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["hostId"].as_i64().unwrap())
                .collect();
            (z["name"].as_str().unwrap().to_string(), hosts)
        })
        .collect()
}

fn root_password(sim: &ocp_sim::Sim, id: i64) -> String {
    sim.state()
        .with_store(|s| s.clusters[&id].root_password.clone())
}

#[test]
fn a_running_cluster_changes_in_place_and_is_never_replaced() {
    let sim = start_sim(0.05);
    let two = [("zone1", "hz1", &[H1][..]), ("zone2", "hz2", &[H2][..])];
    let tf = TfProject::new()
        .file("main.tf", &cluster(RPM, PW1, true, &two))
        .with_sim(&sim);
    tf.init();
    tf.apply().success();
    assert_empty_plan(&tf, "create");
    let id = state_values(&tf, "ocp_cluster.c")["id"].as_i64().unwrap();
    assert_eq!(root_password(&sim, id), PW1);

    // Protected: destroy fails and the cluster stays.
    let r = tf.run(&["destroy", "-no-color", "-auto-approve"]).failure();
    assert!(
        r.stderr.contains("Cluster Is Protected From Deletion"),
        "{}",
        r.all()
    );
    assert!(r.stderr.contains("deletion_protection"), "{}", r.all());
    assert_eq!(zones_of(&sim, id).len(), 2);

    // The root password: OCP's change-password call; the old one no longer works.
    apply_in_place(&tf, &cluster(RPM, PW2, true, &two), "the password change");
    assert_eq!(root_password(&sim, id), PW2);

    // A server added to a zone and a zone added, in one apply.
    let grown = [
        ("zone1", "hz1", &[H1, H1B][..]),
        ("zone2", "hz2", &[H2][..]),
        ("zone3", "hz3", &[H3][..]),
    ];
    apply_in_place(
        &tf,
        &cluster(RPM, PW2, true, &grown),
        "adding a server and a zone",
    );
    assert_eq!(
        zones_of(&sim, id),
        vec![
            ("zone1".to_string(), vec![H1, H1B]),
            ("zone2".to_string(), vec![H2]),
            ("zone3".to_string(), vec![H3]),
        ]
    );

    // Removing what holds replicas of the sys tenant is refused, naming it, before anything
    // changes: here zone2, and the OBServer on H1 (zone1's first host holds sys's unit).
    let r = {
        let bad = [("zone1", "hz1", &[H1B][..]), ("zone3", "hz3", &[H3][..])];
        set_main(&tf, &cluster(RPM, PW2, true, &bad));
        tf.apply().failure()
    };
    assert!(
        r.stderr
            .contains("Cannot Remove What Holds Tenant Replicas"),
        "{}",
        r.all()
    );
    assert!(
        r.stderr.contains("zone2") && r.stderr.contains("sys"),
        "{}",
        r.all()
    );
    assert!(r.stderr.contains(&H1.to_string()), "{}", r.all());
    assert_eq!(zones_of(&sim, id).len(), 3, "nothing was removed");
    set_main(&tf, &cluster(RPM, PW2, true, &grown));
    assert_empty_plan(&tf, "a refused removal");

    // A server removed from a zone and a zone removed.
    apply_in_place(
        &tf,
        &cluster(RPM, PW2, true, &two),
        "removing a server and a zone",
    );
    assert_eq!(
        zones_of(&sim, id),
        vec![
            ("zone1".to_string(), vec![H1]),
            ("zone2".to_string(), vec![H2])
        ]
    );

    // Another package: OCP's upgrade call, the cluster runs the new build.
    apply_in_place(&tf, &cluster(NEXT_RPM, PW2, true, &two), "the upgrade");
    let s = state_values(&tf, "ocp_cluster.c");
    assert_eq!(s["id"].as_i64(), Some(id));
    assert_eq!(s["ob_version"], "4.2.2.0");
    assert_eq!(s["full_version"], "4.2.2.0-100000192024011915");
    assert_eq!(s["status"], "RUNNING");

    // Protection off, in place; then destroy works.
    apply_in_place(
        &tf,
        &cluster(NEXT_RPM, PW2, false, &two),
        "turning protection off",
    );
    let r = tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    assert!(r.stdout.contains("1 destroyed"), "{}", r.stdout);
    for secret in [PW1, PW2] {
        assert!(!r.all().contains(secret), "a password leaked");
    }
    let left = ocp_call(&sim, "GET", "/api/v2/ob/clusters?name=day2", None);
    assert_eq!(left["contents"].as_array().map(Vec::len), Some(0));
}

#[test]
fn zone_servers_change_in_place() {
    let sim = start_sim(0.05);
    let zone = |hosts: &[i64]| {
        let hosts: Vec<String> = hosts.iter().map(i64::to_string).collect();
        format!(
            "{REQUIRED_PROVIDERS}
resource \"ocp_zone\" \"z\" {{
  cluster_id = 1000001
  name       = \"zone4\"
  idc_name   = \"hz1\"
  servers    = [{}]
}}
",
            hosts.join(", ")
        )
    };
    let tf = TfProject::new()
        .file("main.tf", &zone(&[H1]))
        .with_sim(&sim);
    tf.init();
    tf.apply().success();
    assert_empty_plan(&tf, "create");
    let zone4 = |sim: &ocp_sim::Sim| {
        zones_of(sim, 1_000_001)
            .into_iter()
            .find(|(n, _)| n == "zone4")
            .map(|(_, h)| h)
    };
    apply_in_place(&tf, &zone(&[H1, H1B]), "adding a server");
    assert_eq!(zone4(&sim), Some(vec![H1, H1B]));
    apply_in_place(&tf, &zone(&[H1B]), "removing a server");
    assert_eq!(zone4(&sim), Some(vec![H1B]));
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    assert_eq!(zone4(&sim), None);
}

/// A step OCP refuses after an earlier one succeeded: the error is on the zone block it
/// concerns, the state keeps what OCP already did, and the corrected configuration then
/// plans nothing.
#[test]
fn a_refused_step_keeps_what_ocp_already_did() {
    let sim = start_sim(0.05);
    let two = [("zone1", "hz1", &[H1][..]), ("zone2", "hz2", &[H2][..])];
    let tf = TfProject::new()
        .file("main.tf", &cluster(RPM, PW1, false, &two))
        .with_sim(&sim);
    tf.init();
    tf.apply().success();
    let id = state_values(&tf, "ocp_cluster.c")["id"].as_i64().unwrap();
    // zone3 is added first; then OCP refuses host 1003008 (in hz2) for zone1 (in hz1).
    let wrong = [
        ("zone1", "hz1", &[H1, 1_003_008][..]),
        ("zone2", "hz2", &[H2][..]),
        ("zone3", "hz3", &[H3][..]),
    ];
    set_main(&tf, &cluster(RPM, PW1, false, &wrong));
    let r = tf.apply().failure();
    assert!(
        r.stderr
            .contains("Unable to Add OBServers to Zone \"zone1\""),
        "{}",
        r.all()
    );
    assert!(r.stderr.contains("1003008"), "{}", r.all());
    assert_eq!(
        zones_of(&sim, id),
        vec![
            ("zone1".to_string(), vec![H1]),
            ("zone2".to_string(), vec![H2]),
            ("zone3".to_string(), vec![H3]),
        ]
    );
    let zones: Vec<String> = state_values(&tf, "ocp_cluster.c")["zone"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        zones,
        ["zone1", "zone2", "zone3"],
        "the added zone is in state"
    );
    let fixed = [
        ("zone1", "hz1", &[H1][..]),
        ("zone2", "hz2", &[H2][..]),
        ("zone3", "hz3", &[H3][..]),
    ];
    set_main(&tf, &cluster(RPM, PW1, false, &fixed));
    assert_empty_plan(&tf, "the refused step");
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
}
