//! `examples/ci/drift-check.sh` against the simulator: no drift is exit 0; one change made
//! through OCP's API behind Terraform's back is exit 2 with a summary naming exactly that
//! resource and attribute; a drifted secret is said to have changed, its values never shown.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::support::*;

const ROOT_PW: &str = "Tenant_Drift-Pa55word";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci/drift-check.sh")
}

/// Runs the script in the project; returns its exit code, the summary it wrote and its
/// output.
fn drift_check(tf: &TfProject, args: &[&str]) -> (Option<i32>, String, String) {
    let summary = tf.path().join("drift-summary.md");
    let _ = std::fs::remove_file(&summary);
    let out = tf
        .command(Path::new("bash"))
        .arg(script())
        .args(args)
        .env("DRIFT_SUMMARY", &summary)
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run drift-check.sh");
    let all = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let md = std::fs::read_to_string(&summary)
        .unwrap_or_else(|e| panic!("no summary written ({e}):\n{all}"));
    (out.status.code(), md, all)
}

/// The attribute rows of a summary: (resource address, attribute).
fn rows(md: &str) -> Vec<(String, String)> {
    let mut address = String::new();
    let mut out = Vec::new();
    for line in md.lines() {
        if let Some(a) = line.strip_prefix("### ") {
            address = a.trim_matches('`').to_owned();
        } else if let Some(rest) = line.strip_prefix("| `") {
            let attr = rest.split('`').next().unwrap_or_default();
            out.push((address.clone(), attr.to_owned()));
        }
    }
    out
}

#[test]
fn drift_check_names_exactly_the_attribute_changed_outside_terraform() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!(
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
  name          = "drifty"
  root_password = var.pw
  whitelist     = ["10.0.0.0/8"]
  zone {{
    name      = "zone1"
    unit_spec = "S1"
  }}
}}
"#
            ),
        )
        .with_sim(&sim)
        .env("TF_VAR_pw", ROOT_PW);
    tf.init();
    tf.apply().success();

    let (code, md, all) = drift_check(&tf, &[]);
    assert_eq!(code, Some(0), "no drift yet:\n{all}");
    assert!(md.contains("No drift"), "{md}");

    // Someone opens the whitelist through OCP's API.
    let s = state_values(&tf, "ocp_tenant.t");
    let (cluster_id, tenant_id) = (s["cluster_id"].as_i64().unwrap(), s["id"].as_i64().unwrap());
    ocp_call(
        &sim,
        "POST",
        &format!("/api/v2/ob/clusters/{cluster_id}/tenants/{tenant_id}/modifyWhitelist"),
        Some(json!({"whitelist": "%"})),
    );
    let (code, md, all) = drift_check(&tf, &[]);
    assert_eq!(code, Some(2), "drift is exit code 2:\n{all}");
    let found = rows(&md);
    assert!(
        !found.is_empty() && found.iter().all(|(a, _)| a == "ocp_tenant.t"),
        "only the tenant drifted: {found:?}\n{md}"
    );
    let attrs: std::collections::BTreeSet<&str> = found
        .iter()
        .map(|(_, attr)| attr.split(['[', '.']).next().unwrap_or_default())
        .collect();
    assert_eq!(
        attrs.into_iter().collect::<Vec<_>>(),
        ["whitelist"],
        "exactly the whitelist:\n{md}"
    );
    assert!(md.contains("10.0.0.0/8") && md.contains("\"%\""), "{md}");
    assert!(!all.contains(ROOT_PW) && !md.contains(ROOT_PW));
    assert_no_secret(&format!("{all}{md}"));
    // The saved plan, which holds every value, is not left behind.
    let leftovers: Vec<_> = std::fs::read_dir(tf.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tfplan"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // terraform apply puts the configured whitelist back: no drift again.
    tf.apply().success();
    let (code, _, all) = drift_check(&tf, &[]);
    assert_eq!(code, Some(0), "{all}");
}

#[test]
fn drift_check_says_a_secret_changed_without_its_values_and_fails_on_a_failed_plan() {
    let tf = TfProject::new().file(
        "plan.json",
        &json!({
            "format_version": "0.2",
            "resource_drift": [
                {
                    "address": "ocp_db_user.app",
                    "change": {
                        "actions": ["update"],
                        "before": {"name": "app", "password": "Old-Secret-1", "roles": ["r1"]},
                        "after": {"name": "app", "password": "New-Secret-2", "roles": ["r1", "r2"]},
                        "before_sensitive": {"password": true},
                        "after_sensitive": {"password": true}
                    }
                },
                {
                    "address": "ocp_database.gone",
                    "change": {"actions": ["delete"], "before": {"name": "gone"}, "after": null}
                },
                {
                    "address": "ocp_region.same",
                    "change": {"actions": ["no-op"], "before": {"name": "r"}, "after": {"name": "r"}}
                }
            ]
        })
        .to_string(),
    );
    let (code, md, all) = drift_check(&tf, &["--summarize", "plan.json"]);
    assert_eq!(code, Some(2), "{all}");
    assert_eq!(
        rows(&md),
        [
            ("ocp_db_user.app".to_owned(), "password".to_owned()),
            ("ocp_db_user.app".to_owned(), "roles".to_owned()),
            ("ocp_database.gone".to_owned(), "(whole object)".to_owned()),
        ],
        "{md}"
    );
    assert!(md.contains("(sensitive value changed)"), "{md}");
    assert!(md.contains("deleted outside Terraform"), "{md}");
    for secret in ["Old-Secret-1", "New-Secret-2"] {
        assert!(!md.contains(secret) && !all.contains(secret), "{md}");
    }

    // A plan that cannot run (no configuration initialised here) is exit code 1, with a
    // summary that says so.
    let broken = TfProject::new().file("main.tf", "resource \"ocp_tenant\" {\n");
    let (code, md, _) = drift_check(&broken, &[]);
    assert_eq!(code, Some(1));
    assert!(md.contains("failed"), "{md}");
}

#[test]
fn the_ci_jobs_run_the_script_on_a_schedule_with_terraforms_own_exit_codes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci");
    let gh = std::fs::read_to_string(dir.join("github-actions.yml")).unwrap();
    assert!(gh.contains("schedule:") && gh.contains("cron:"), "{gh}");
    assert!(gh.contains("drift-check.sh"), "{gh}");
    assert!(gh.contains("terraform_wrapper: false"), "{gh}");
    let gl = std::fs::read_to_string(dir.join("gitlab-ci.yml")).unwrap();
    assert!(gl.contains("$CI_PIPELINE_SOURCE == \"schedule\""), "{gl}");
    assert!(gl.contains("drift-check.sh"), "{gl}");
}
