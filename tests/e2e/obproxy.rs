//! `ocp_obproxy_cluster` through real Terraform: create, empty plan, a host added and a second
//! cluster linked in place, drift made through OCP's API, import, bad input, and a destroy that
//! releases the hosts.

use serde_json::json;

use crate::support::*;

const PKG: &str = "obproxy-ce-4.2.1.0-11.el7.x86_64.rpm";
const PROXYRO: &str = "Proxyro_Pa55-word";

fn config(hosts: &[i64], clusters: &[&str], params: &str) -> String {
    let links: String = clusters
        .iter()
        .map(|c| {
            format!("  ob_link {{\n    cluster_id = {c}\n    connect_as = \"app@orders\"\n  }}\n")
        })
        .collect();
    format!(
        r#"
variable "proxyro_password" {{
  type      = string
  sensitive = true
}}

resource "ocp_obproxy_cluster" "p" {{
  name             = "app-proxy"
  hosts            = {hosts:?}
  version          = "{PKG}"
  proxyro_password = var.proxyro_password
  parameters       = {{ {params} }}
{links}}}

output "conn" {{
  value = ocp_obproxy_cluster.p.ob_link[*].connection_string
}}
"#
    )
}

/// A second OceanBase cluster, made through OCP's API on host `host` (IDC hz3).
fn second_cluster(sim: &ocp_sim::Sim, host: i64) -> i64 {
    let task = ocp_call(
        sim,
        "POST",
        "/api/v2/ob/clusters",
        Some(json!({
            "name": "second", "type": "PRIMARY", "password": "Root_Pa55-word",
            "rpmName": "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm",
            "zones": [{"name": "zone1", "idcName": "hz3", "servers": [host]}]
        })),
    );
    settle_task(sim, task["id"].as_i64().unwrap());
    let list = ocp_call(sim, "GET", "/api/v2/ob/clusters?name=second", None);
    list["contents"][0]["id"].as_i64().unwrap()
}

fn plan_code(tf: &TfProject) -> (Option<i32>, String) {
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    (r.code, r.all())
}

#[test]
fn obproxy_lifecycle_grows_in_place_detects_drift_imports_and_releases_hosts() {
    let sim = start_sim(0.05);
    let second = second_cluster(&sim, 1_003_009);
    let tf = TfProject::new()
        .file("versions.tf", REQUIRED_PROVIDERS)
        .file(
            "main.tf",
            &config(
                &[1_003_004],
                &["1000001"],
                r#"client_max_connections = "100", enable_compression_protocol = "False""#,
            ),
        )
        .with_sim(&sim)
        .env("TF_VAR_proxyro_password", PROXYRO);
    tf.init();
    let r = tf.apply().success();
    assert!(!r.all().contains(PROXYRO), "password leaked:\n{}", r.all());
    let s = state_values(&tf, "ocp_obproxy_cluster.p");
    assert_eq!(s["status"], "RUNNING", "{s}");
    assert_eq!(s["proxies"][0]["ip"], "172.16.0.14", "{s}");
    assert_eq!(s["ob_link"][0]["cluster_name"], "demo-cluster", "{s}");
    // The user's spelling of a boolean OCP stores lower-case stays.
    assert_eq!(
        s["parameters"]["enable_compression_protocol"], "False",
        "{s}"
    );
    let out = tf.outputs();
    assert_eq!(
        out["conn"]["value"][0],
        "obclient -h172.16.0.14 -P2883 -uapp@orders#demo-cluster -p"
    );
    let (code, text) = plan_code(&tf);
    assert_eq!(code, Some(0), "empty plan after create:\n{text}");

    // A host added and a second cluster linked, in place.
    let grown = config(
        &[1_003_004, 1_003_005],
        &["1000001", &second.to_string()],
        r#"client_max_connections = "100", enable_compression_protocol = "False""#,
    );
    std::fs::write(tf.path().join("main.tf"), &grown).unwrap();
    let (code, text) = plan_code(&tf);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("1 to change, 0 to destroy"), "{text}");
    assert!(!text.contains("forces replacement"), "{text}");
    tf.apply().success();
    let s = state_values(&tf, "ocp_obproxy_cluster.p");
    assert_eq!(s["proxies"].as_array().unwrap().len(), 2, "{s}");
    assert_eq!(s["ob_link"][1]["cluster_name"], "second", "{s}");
    let (code, text) = plan_code(&tf);
    assert_eq!(
        code,
        Some(0),
        "empty plan after the in-place change:\n{text}"
    );

    // Drift through OCP's API: a parameter changed and a link removed.
    let id = s["id"].as_i64().unwrap();
    ocp_call(
        &sim,
        "PUT",
        &format!("/api/v2/obproxy/clusters/{id}/parameters"),
        Some(json!([{"name": "client_max_connections", "value": "200"}])),
    );
    ocp_call(
        &sim,
        "DELETE",
        &format!("/api/v2/obproxy/clusters/{id}/obLinks/second"),
        None,
    );
    let (code, text) = plan_code(&tf);
    assert_eq!(code, Some(2), "drift not detected:\n{text}");
    assert!(text.contains("client_max_connections"), "{text}");
    assert!(
        text.contains("cluster_id") && text.contains(&second.to_string()),
        "{text}"
    );
    tf.apply().success();
    let (code, text) = plan_code(&tf);
    assert_eq!(code, Some(0), "drift not repaired:\n{text}");

    // A parameter removed from the map goes back to OCP's default.
    let shrunk = config(
        &[1_003_004, 1_003_005],
        &["1000001", &second.to_string()],
        r#"enable_compression_protocol = "False""#,
    );
    std::fs::write(tf.path().join("main.tf"), &shrunk).unwrap();
    tf.apply().success();
    let ps = ocp_call(
        &sim,
        "GET",
        &format!("/api/v2/obproxy/clusters/{id}/parameters"),
        None,
    );
    let v = ps["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "client_max_connections")
        .unwrap()["value"]
        .clone();
    assert_eq!(v, "8192");

    // A host already running an OBServer: refused on the attribute, nothing changed.
    let bad = config(
        &[1_003_004, 1_003_005, 1_003_001],
        &["1000001", &second.to_string()],
        r#"enable_compression_protocol = "False""#,
    );
    std::fs::write(tf.path().join("main.tf"), &bad).unwrap();
    let r = tf.apply().failure();
    assert!(
        r.all().contains("already used by OB cluster demo-cluster"),
        "{}",
        r.all()
    );
    assert!(r.all().contains("hosts"), "{}", r.all());
    std::fs::write(tf.path().join("main.tf"), &shrunk).unwrap();
    let (code, text) = plan_code(&tf);
    assert_eq!(code, Some(0), "{text}");

    // Import: the values OCP never returns are recorded in place, nothing is replaced.
    tf.run(&["state", "rm", "ocp_obproxy_cluster.p"]).success();
    tf.run(&[
        "import",
        "-no-color",
        "ocp_obproxy_cluster.p",
        &id.to_string(),
    ])
    .success();
    let (code, text) = plan_code(&tf);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("0 to add, 1 to change, 0 to destroy"),
        "{text}"
    );
    assert!(!text.contains(PROXYRO), "{text}");
    tf.apply().success();
    let (code, text) = plan_code(&tf);
    assert_eq!(code, Some(0), "{text}");

    // Destroy releases the hosts: OBServers can use them.
    tf.run(&["destroy", "-no-color", "-auto-approve"]).success();
    let list = ocp_call(&sim, "GET", "/api/v2/obproxy/clusters", None);
    assert_eq!(list["contents"].as_array().unwrap().len(), 0, "{list}");
    add_server(&sim, "zone1", 1_003_004);
}

#[test]
fn a_bad_obproxy_cluster_is_refused_on_its_attribute_and_nothing_is_created() {
    let sim = start_sim(0.05);
    let bad_version = config(&[1_003_004], &["1000001"], "").replace(PKG, "obproxy-9.9.9.rpm");
    let tf = TfProject::new()
        .file("versions.tf", REQUIRED_PROVIDERS)
        .file("main.tf", &bad_version)
        .with_sim(&sim)
        .env("TF_VAR_proxyro_password", PROXYRO);
    tf.init();
    let r = tf.apply().failure();
    assert!(
        r.all().contains("obproxyInstallParam.version"),
        "{}",
        r.all()
    );
    assert!(r.all().contains("version"), "{}", r.all());
    assert!(!r.all().contains(PROXYRO), "{}", r.all());
    std::fs::write(
        tf.path().join("main.tf"),
        config(&[1_003_004], &["987654"], ""),
    )
    .unwrap();
    let r = tf.apply().failure();
    assert!(
        r.all().contains("OceanBase Cluster Not Found"),
        "{}",
        r.all()
    );
    let list = ocp_call(&sim, "GET", "/api/v2/obproxy/clusters", None);
    assert_eq!(list["contents"].as_array().unwrap().len(), 0, "{list}");
    let r = tf.run(&["state", "list"]);
    assert!(!r.stdout.contains("ocp_obproxy_cluster"), "{}", r.all());
}
