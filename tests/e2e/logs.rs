//! Provider logs through real Terraform: on the lines of one apply, the fields Terraform's
//! plugin log library attaches (`tf_rpc`, `tf_req_id`, `tf_resource_type`, `tf_provider_addr`),
//! the task being waited on (`ocp_task_id`) and each OCP call's method, path, status and
//! duration; and no secret.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::*;

const ROOT_PW: &str = "Tenant_Log-Pa55word";

/// The provider lines of a Terraform log (`... [LEVEL] provider.terraform-provider-ocp_vX:
/// message: k=v k=v`), each as its level and its fields. Values are unquoted the way hclog
/// quotes them; these fields never hold spaces.
fn provider_lines(log: &str) -> Vec<(String, BTreeMap<String, String>)> {
    let tag = format!(
        "provider.terraform-provider-ocp_v{}: ",
        env!("CARGO_PKG_VERSION")
    );
    log.lines()
        .filter(|l| l.contains(&tag) && l.contains("@module=terraform-provider-ocp"))
        .map(|l| {
            let level = l
                .split_once('[')
                .and_then(|(_, r)| r.split_once(']'))
                .map(|(lv, _)| lv.trim().to_owned())
                .unwrap_or_default();
            let fields = l
                .split_whitespace()
                .filter_map(|t| t.split_once('='))
                .filter(|(k, _)| k.starts_with("tf_") || k.starts_with("ocp_"))
                .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
                .collect();
            (level, fields)
        })
        .collect()
}

#[test]
fn the_lines_of_one_apply_carry_rpc_request_resource_task_and_http_fields() {
    let sim = start_sim(0.4);
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
  name          = "logged"
  root_password = var.pw
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
    let log_path = tf.path().join("provider.log");
    let r = tf
        .run_with(
            &[
                ("TF_LOG_PROVIDER", "DEBUG"),
                ("TF_LOG_PATH", log_path.to_str().unwrap()),
            ],
            &["apply", "-no-color", "-input=false", "-auto-approve"],
        )
        .success();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert_no_secret(&format!("{}{log}", r.all()));
    assert!(!log.contains(ROOT_PW), "the tenant's password leaked");
    let lines = provider_lines(&log);
    assert!(!lines.is_empty(), "no provider lines:\n{log}");
    assert!(
        lines.iter().all(|(lv, _)| lv != "TRACE"),
        "DEBUG filters TRACE out"
    );

    // Every OCP call is logged inside an RPC, with the call's fields and the RPC's.
    let calls: Vec<&BTreeMap<String, String>> = lines
        .iter()
        .map(|(_, f)| f)
        .filter(|f| f.contains_key("ocp_method"))
        .collect();
    assert!(calls.len() >= 4, "OCP calls logged: {calls:?}");
    for f in &calls {
        assert_eq!(
            f.get("tf_provider_addr").map(String::as_str),
            Some("registry.terraform.io/oceanbase/ocp"),
            "{f:?}"
        );
        assert!(f.contains_key("tf_rpc"), "{f:?}");
        assert_eq!(f.get("tf_req_id").map(String::len), Some(36), "{f:?}");
        assert!(f["ocp_path"].starts_with("/api/v2/"), "{f:?}");
        assert!(f["ocp_status"].parse::<u16>().is_ok(), "{f:?}");
        assert!(f["ocp_duration_ms"].parse::<u64>().is_ok(), "{f:?}");
    }

    // The data source read is filed under its type, the apply under the resource's type.
    let read = calls
        .iter()
        .find(|f| f["tf_rpc"] == "ReadDataSource")
        .unwrap_or_else(|| panic!("no OCP call in ReadDataSource: {calls:?}"));
    assert_eq!(read["tf_data_source_type"], "ocp_cluster");
    assert!(!read.contains_key("tf_resource_type"));
    let applies: Vec<_> = calls
        .iter()
        .filter(|f| f["tf_rpc"] == "ApplyResourceChange")
        .collect();
    assert!(!applies.is_empty(), "no OCP call in ApplyResourceChange");
    assert!(applies
        .iter()
        .all(|f| f["tf_resource_type"] == "ocp_tenant"));
    let req_ids: BTreeSet<&str> = applies.iter().map(|f| f["tf_req_id"].as_str()).collect();
    assert_eq!(req_ids.len(), 1, "one apply, one request id: {req_ids:?}");
    assert_ne!(
        read["tf_req_id"], applies[0]["tf_req_id"],
        "each RPC has its own request id"
    );

    // The task's polls carry its id, the create's POST does not (the task is not known yet).
    let polls: Vec<_> = applies
        .iter()
        .filter(|f| f["ocp_path"].starts_with("/api/v2/tasks/instances/"))
        .collect();
    assert!(!polls.is_empty(), "the apply polled its task: {applies:?}");
    for p in &polls {
        assert_eq!(
            p["ocp_path"],
            format!("/api/v2/tasks/instances/{}", p["ocp_task_id"]),
            "{p:?}"
        );
    }
    let post = applies
        .iter()
        .find(|f| f["ocp_method"] == "POST")
        .unwrap_or_else(|| panic!("no POST: {applies:?}"));
    assert!(!post.contains_key("ocp_task_id"), "{post:?}");
}
