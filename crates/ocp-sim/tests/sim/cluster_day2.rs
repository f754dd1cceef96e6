//! Day-2 writes on a cluster: the `root@sys` password and the upgrade (see
//! `ocp_sim::domain::clusters`), on the seeded `demo-cluster` (4.2.1.0).

use serde_json::json;

use crate::support::{sim, sim_virtual};

const DEMO: i64 = 1_000_001;
const CLUSTER: &str = "/api/v2/ob/clusters/1000001";
const NEXT: &str = "oceanbase-4.2.2.0-100000192024011915.el7.x86_64.rpm";
const SAME: &str = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm";

fn root_passwords(sim: &ocp_sim::Sim) -> (String, String) {
    sim.state().with_store(|s| {
        let cluster = s.clusters[&DEMO].root_password.clone();
        let sys = s
            .tenants
            .values()
            .find(|t| t.cluster_id == DEMO && t.name == "sys")
            .map(|t| t.root_password.clone())
            .unwrap_or_default();
        (cluster, sys)
    })
}

#[tokio::test]
async fn change_password_sets_root_at_sys_and_checks_the_body() {
    let (sim, c) = sim(0.05).await;
    let before = root_passwords(&sim);
    let path = format!("{CLUSTER}/changePassword");
    for (bad, needle) in [
        (json!({}), "newPassword"),
        (json!({"newPassword": "weakweak"}), "newPassword"),
        (
            json!({"newPassword": "New_root_pw_1", "saveToCredential": "yes"}),
            "saveToCredential",
        ),
    ] {
        c.post(&path, bad)
            .await
            .assert_err(400, "ILLEGAL_ARGUMENT", needle);
    }
    assert_eq!(
        root_passwords(&sim),
        before,
        "a refused change changes nothing"
    );
    let r = c
        .post(
            &path,
            json!({"newPassword": "New_root_pw_1", "saveToCredential": false}),
        )
        .await;
    r.no_data();
    let after = root_passwords(&sim);
    assert_eq!(after, ("New_root_pw_1".into(), "New_root_pw_1".into()));
    c.post(
        "/api/v2/ob/clusters/987654/changePassword",
        json!({"newPassword": "New_root_pw_1"}),
    )
    .await
    .assert_err(404, "OB_CLUSTER_NOT_FOUND", "987654");
    c.assert_no_leak(&["New_root_pw_1"]);
}

#[tokio::test]
async fn upgrade_runs_a_task_then_the_cluster_runs_the_new_build() {
    let (_sim, c) = sim_virtual(10.0).await;
    let path = format!("{CLUSTER}/upgrade");
    for (bad, needle) in [
        (json!({}), "destVersion"),
        (
            json!({"rpmFileName": "oceanbase-9.9.9.9-1.el7.x86_64.rpm"}),
            "rpmFileName",
        ),
        (json!({"rpmFileName": SAME}), "newer"),
        (json!({"destVersion": "4.2.2.0-1"}), "destVersion"),
        (
            json!({"rpmFileName": NEXT, "destVersion": "4.3.3.0-200000142024073011"}),
            "does not match",
        ),
        (
            json!({"rpmFileName": NEXT, "upgradeMode": "FAST"}),
            "upgradeMode",
        ),
        (
            json!({"rpmFileName": NEXT, "zoneOrder": ["zone9"]}),
            "zoneOrder[0]",
        ),
    ] {
        c.post(&path, bad)
            .await
            .assert_err(400, "ILLEGAL_ARGUMENT", needle);
    }
    // The newer page's body, without the deprecated rpmFileName.
    let r = c
        .post(
            &path,
            json!({"upgradeMode": "ROLLING", "destVersion": "4.2.2.0-100000192024011915",
                   "operatingSystem": "el7", "zoneOrder": ["zone1", "zone2", "zone3"]}),
        )
        .await;
    let task = r.task_id();
    assert_eq!(r.ok()["name"], "Upgrade OB cluster");
    assert_eq!(r.ok()["clusterId"], DEMO);
    let cl = c.data(CLUSTER).await;
    assert_eq!(cl["status"], "UPGRADING");
    assert_eq!(cl["obVersion"], "4.2.1.0");
    c.post(&path, json!({"rpmFileName": NEXT}))
        .await
        .assert_err(400, "RESOURCE_BUSY", "");
    c.post(
        &format!("{CLUSTER}/changePassword"),
        json!({"newPassword": "New_root_pw_1"}),
    )
    .await
    .assert_err(400, "RESOURCE_BUSY", "");
    c.advance(60.0).await;
    assert_eq!(c.task(task).await["status"], "SUCCESSFUL");
    let cl = c.data(CLUSTER).await;
    assert_eq!(cl["status"], "RUNNING");
    assert_eq!(cl["obVersion"], "4.2.2.0");
    assert_eq!(cl["fullVersion"], "4.2.2.0-100000192024011915");
    // The old body names the package; a downgrade is refused.
    c.post(&path, json!({"rpmFileName": SAME}))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "newer");
}

#[tokio::test]
async fn a_failed_upgrade_keeps_the_version_and_restores_the_status() {
    let (sim, c) = sim(0.05).await;
    sim.state().fail_next_task(3, "upgrade failed");
    let r = c
        .post(&format!("{CLUSTER}/upgrade"), json!({"rpmFileName": NEXT}))
        .await;
    let t = c.wait_task(r.task_id()).await;
    assert_eq!(t["status"], "FAILED");
    let cl = c.data(CLUSTER).await;
    assert_eq!(cl["status"], "RUNNING");
    assert_eq!(cl["obVersion"], "4.2.1.0");
}
