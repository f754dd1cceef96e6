//! Parameters of clusters and tenants through real Terraform: set at create, changed in place,
//! compared the way OceanBase reads them, reset to OCP's default when a key is removed, drift
//! only for managed keys; the restart warning; plan-time refusals on `parameters["<name>"]`;
//! the parameter data sources and `ocp_unit_specs` with the unit-spec plan check.

use serde_json::json;

use crate::support::*;

const CLUSTER_PW: &str = "Cluster_Pa55-word";
const TENANT_PW: &str = "Tenant_Pa55-word";

fn plan_code(tf: &TfProject) -> (Option<i32>, String) {
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    (r.code, r.all())
}

fn set_main(tf: &TfProject, hcl: &str) {
    std::fs::write(tf.path().join("main.tf"), hcl).unwrap();
}

fn cluster(params: &str) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
resource "ocp_cluster" "c" {{
  name          = "paramcluster"
  rpm_name      = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm"
  root_password = "{CLUSTER_PW}"
  parameters    = {{
{params}
  }}
  zone {{
    name     = "zone1"
    idc_name = "hz1"
    servers  = [1003004]
  }}
}}
data "ocp_cluster_parameters" "syslog" {{
  cluster_id = ocp_cluster.c.id
  name       = "SYSLOG"
  depends_on = [ocp_cluster.c]
}}
output "syslog" {{
  value = data.ocp_cluster_parameters.syslog.parameters
}}
"#
    )
}

fn tenant(extra: &str, params: &str, spec: &str) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
resource "ocp_tenant" "t" {{
  cluster_id    = 1000001
  name          = "paramtenant"
  root_password = "{TENANT_PW}"
{extra}
  parameters    = {{
{params}
  }}
  zone {{
    name      = "zone1"
    unit_spec = "{spec}"
  }}
}}
"#
    )
}

/// The current value of a parameter through OCP's API: a cluster's (`tenant` None) or a tenant's.
fn ocp_value(
    sim: &ocp_sim::Sim,
    cluster: &serde_json::Value,
    tenant: Option<&serde_json::Value>,
    name: &str,
) -> String {
    let path = match tenant {
        None => format!("/api/v2/ob/clusters/{cluster}/parameters"),
        Some(t) => format!("/api/v2/ob/clusters/{cluster}/tenants/{t}/parameters"),
    };
    let list = ocp_call(sim, "GET", &path, None);
    let p = list["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap()
        .clone();
    match &p["currentValue"] {
        serde_json::Value::String(s) => s.clone(),
        v => v["values"][0].as_str().unwrap().to_string(),
    }
}

#[test]
fn cluster_parameters_change_in_place_and_only_managed_keys_drift() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &cluster("    enable_syslog_recycle = \"true\"\n    cache_wash_threshold  = \"10GB\"\n    memory_limit          = \"8G\""),
        )
        .with_sim(&sim);
    tf.init();
    let r = tf.apply().success();
    assert!(
        r.all().contains("Parameters Need a Restart"),
        "restart warning:\n{}",
        r.all()
    );
    assert!(
        r.all().contains("memory_limit"),
        "the warning names it:\n{}",
        r.all()
    );
    let s = state_values(&tf, "ocp_cluster.c");
    let id = s["id"].clone();
    assert_eq!(ocp_value(&sim, &id, None, "enable_syslog_recycle"), "True");
    assert_eq!(ocp_value(&sim, &id, None, "cache_wash_threshold"), "10G");
    assert_eq!(
        s["parameters"]["enable_syslog_recycle"], "true",
        "the user's spelling stays"
    );
    assert_eq!(s["parameters"]["cache_wash_threshold"], "10GB");
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "empty plan after create:\n{out}");
    // The data source lists the matching parameters with value, default and restart flag.
    let syslog = &tf.outputs()["syslog"]["value"];
    let names: Vec<&str> = syslog
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "enable_syslog_recycle",
            "max_syslog_file_count",
            "syslog_level"
        ]
    );
    assert_eq!(syslog[0]["value"], "True");
    assert_eq!(syslog[0]["default_value"], "False");
    assert_eq!(syslog[0]["need_restart"], false);

    // In place: one value changed (same spelling family), one key removed: back to default.
    set_main(
        &tf,
        &cluster("    cache_wash_threshold = \"12G\"\n    memory_limit         = \"8192M\""),
    );
    let r = tf.apply().success();
    assert!(
        r.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        r.stdout
    );
    assert!(
        !r.all().contains("Parameters Need a Restart"),
        "8192M is 8G: no restart:\n{}",
        r.all()
    );
    assert_eq!(ocp_value(&sim, &id, None, "cache_wash_threshold"), "12G");
    assert_eq!(
        ocp_value(&sim, &id, None, "enable_syslog_recycle"),
        "False",
        "reset to default"
    );
    assert_eq!(ocp_value(&sim, &id, None, "memory_limit"), "8G");
    assert_eq!(state_values(&tf, "ocp_cluster.c")["id"], id, "same cluster");
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "empty plan after the change:\n{out}");

    // An unmanaged parameter changed through OCP's API is not drift.
    let path = format!("/api/v2/ob/clusters/{id}/parameters");
    ocp_call(
        &sim,
        "PUT",
        &path,
        Some(json!([{"name": "trace_log_slow_query_watermark", "value": "5s"}])),
    );
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "unmanaged key is no drift:\n{out}");
    // A managed one is, and apply puts it back in place.
    ocp_call(
        &sim,
        "PUT",
        &path,
        Some(json!([{"name": "cache_wash_threshold", "value": "1G"}])),
    );
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(2), "managed key drifted:\n{out}");
    assert!(
        out.contains("cache_wash_threshold") && out.contains("1G"),
        "{out}"
    );
    tf.apply().success();
    assert_eq!(ocp_value(&sim, &id, None, "cache_wash_threshold"), "12G");
    tf.run(&["destroy", "-auto-approve", "-no-color"]).success();
}

#[test]
fn tenant_parameters_and_time_zone_are_set_at_create_and_changed_in_place() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &tenant(
                "  time_zone     = \"-5:00\"",
                "    ob_query_timeout = \"20000000\"\n    enable_sql_audit = \"false\"",
                "S1",
            ),
        )
        .with_sim(&sim);
    tf.init();
    let r = tf.apply().success();
    assert!(
        !r.all().contains("Parameters Need a Restart"),
        "{}",
        r.all()
    );
    let s = state_values(&tf, "ocp_tenant.t");
    let (c, t) = (json!(1000001), s["id"].clone());
    assert_eq!(ocp_value(&sim, &c, Some(&t), "time_zone"), "-5:00");
    assert_eq!(ocp_value(&sim, &c, Some(&t), "enable_sql_audit"), "False");
    assert_eq!(
        ocp_value(&sim, &c, Some(&t), "ob_query_timeout"),
        "20000000"
    );
    assert_eq!(s["time_zone"], "-5:00");
    let (code, out) = plan_code(&tf);
    assert_eq!(
        code,
        Some(0),
        "empty plan after create (false vs False):\n{out}"
    );

    // In place: a new value, a removed key (back to its default), a new time zone.
    set_main(
        &tf,
        &tenant(
            "  time_zone     = \"+1:00\"",
            "    ob_query_timeout = \"30000000\"\n    cpu_quota_concurrency = \"2.5\"",
            "S1",
        ),
    );
    let r = tf.apply().success();
    assert!(
        r.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        r.stdout
    );
    assert_eq!(
        ocp_value(&sim, &c, Some(&t), "ob_query_timeout"),
        "30000000"
    );
    assert_eq!(
        ocp_value(&sim, &c, Some(&t), "enable_sql_audit"),
        "True",
        "reset to default"
    );
    assert_eq!(
        ocp_value(&sim, &c, Some(&t), "cpu_quota_concurrency"),
        "2.5"
    );
    assert_eq!(ocp_value(&sim, &c, Some(&t), "time_zone"), "+1:00");
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "empty plan after the change:\n{out}");

    // Drift through OCP's API: a managed key shows, an unmanaged one does not.
    let path = format!("/api/v2/ob/clusters/1000001/tenants/{t}/parameters");
    ocp_call(
        &sim,
        "PUT",
        &path,
        Some(
            json!([{"name": "freeze_trigger_percentage", "value": "40", "parameterType": "OB_TENANT_PARAMETER"}]),
        ),
    );
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "unmanaged key is no drift:\n{out}");
    ocp_call(
        &sim,
        "PUT",
        &path,
        Some(
            json!([{"name": "ob_query_timeout", "value": "5", "parameterType": "OB_SYSTEM_VARIABLE"}]),
        ),
    );
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(2), "managed key drifted:\n{out}");
    tf.apply().success();
    assert_eq!(
        ocp_value(&sim, &c, Some(&t), "ob_query_timeout"),
        "30000000"
    );

    // The tenant data source, filtered by name.
    let ds = format!(
        "{}\ndata \"ocp_tenant_parameters\" \"q\" {{\n  cluster_id = 1000001\n  tenant_id  = ocp_tenant.t.id\n  name       = \"query\"\n}}\noutput \"q\" {{\n  value = data.ocp_tenant_parameters.q.parameters\n}}\n",
        tenant("  time_zone     = \"+1:00\"", "    ob_query_timeout = \"30000000\"\n    cpu_quota_concurrency = \"2.5\"", "S1")
    );
    set_main(&tf, &ds);
    tf.apply().success();
    let q = &tf.outputs()["q"]["value"];
    assert_eq!(q.as_array().unwrap().len(), 1, "{q}");
    assert_eq!(q[0]["name"], "ob_query_timeout");
    assert_eq!(q[0]["value"], "30000000");
    assert_eq!(q[0]["default_value"], "10000000");
    assert_eq!(q[0]["parameter_type"], "OB_SYSTEM_VARIABLE");
    tf.run(&["destroy", "-auto-approve", "-no-color"]).success();
}

/// An OCP whose create-tenant call reads only the body of ocp-api.md §3.4.1 ignores OCP
/// Express's `parameters` and `timeZone`: the create sets them through the parameter call
/// instead, and ends as planned (no inconsistent result, an empty plan after).
#[test]
fn tenant_parameters_ocps_create_call_ignores_are_set_right_after_it() {
    let sim = start_sim(0.05);
    sim_admin(&sim, "/_sim/config", json!({"create_tenant_plain": true}));
    let tf = TfProject::new()
        .file(
            "main.tf",
            &tenant(
                "  time_zone     = \"-5:00\"",
                "    ob_query_timeout = \"20000000\"",
                "S1",
            ),
        )
        .with_sim(&sim);
    tf.init();
    tf.apply().success();
    let s = state_values(&tf, "ocp_tenant.t");
    let (c, t) = (json!(1000001), s["id"].clone());
    assert_eq!(ocp_value(&sim, &c, Some(&t), "time_zone"), "-5:00");
    assert_eq!(
        ocp_value(&sim, &c, Some(&t), "ob_query_timeout"),
        "20000000"
    );
    assert_eq!(s["time_zone"], "-5:00");
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "empty plan after create:\n{out}");
}

/// The tenant parameter metadata call is inferred (OCP Express's): an OCP without it (404)
/// still creates, reads and changes a tenant's parameters, compared without types.
#[test]
fn tenant_parameters_work_on_an_ocp_without_the_metadata_call() {
    let sim = start_sim(0.05);
    sim_admin(
        &sim,
        "/_sim/faults",
        json!({"fail_fraction": 1.0, "statuses": [404],
               "path_prefix": "/api/v2/ob/tenants/parameterInfo"}),
    );
    let with = |timeout: &str| {
        tenant(
            "  time_zone     = \"-5:00\"",
            &format!("    ob_query_timeout = \"{timeout}\""),
            "S1",
        )
    };
    let tf = TfProject::new()
        .file("main.tf", &with("20000000"))
        .with_sim(&sim);
    tf.init();
    tf.apply().success();
    let s = state_values(&tf, "ocp_tenant.t");
    let (c, t) = (json!(1000001), s["id"].clone());
    assert_eq!(
        ocp_value(&sim, &c, Some(&t), "ob_query_timeout"),
        "20000000"
    );
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "empty plan after create:\n{out}");
    set_main(&tf, &with("30000000"));
    tf.apply().success();
    assert_eq!(
        ocp_value(&sim, &c, Some(&t), "ob_query_timeout"),
        "30000000"
    );
    let (code, out) = plan_code(&tf);
    assert_eq!(code, Some(0), "empty plan after the change:\n{out}");
}

#[test]
fn bad_parameters_and_unit_specs_are_refused_at_plan_on_their_key() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &tenant(
                "",
                "    no_such_parameter = \"1\"\n    freeze_trigger_percentage = \"150\"\n    enable_sql_audit = \"maybe\"\n    memory_limit = \"8G\"",
                "S9",
            ),
        )
        .with_sim(&sim);
    tf.init();
    let r = tf.run(&["plan", "-no-color"]).failure();
    let err = r.stderr.clone();
    assert!(
        err.contains("Unknown Parameter") && err.contains("no_such_parameter"),
        "{err}"
    );
    assert!(
        err.contains("Invalid Parameter Value") && err.contains("out of range"),
        "{err}"
    );
    assert!(err.contains("\"maybe\" is not a boolean"), "{err}");
    assert!(err.contains("memory_limit is a cluster parameter"), "{err}");
    assert!(
        err.contains("Unknown Unit Spec") && err.contains("\"S9\""),
        "{err}"
    );
    assert!(
        err.contains("unit_spec"),
        "points at the zone's unit_spec:\n{err}"
    );
    assert!(
        tenant_names(&sim).iter().all(|n| n != "paramtenant"),
        "nothing created"
    );

    // The catalogue: every spec, or one by name.
    set_main(
        &tf,
        &format!("{REQUIRED_PROVIDERS}\ndata \"ocp_unit_specs\" \"all\" {{}}\ndata \"ocp_unit_specs\" \"s1\" {{\n  name = \"S1\"\n}}\noutput \"all\" {{\n  value = [for s in data.ocp_unit_specs.all.unit_specs : s.name]\n}}\noutput \"s1\" {{\n  value = data.ocp_unit_specs.s1.unit_specs\n}}\n"),
    );
    tf.apply().success();
    let out = tf.outputs();
    assert_eq!(out["all"]["value"], json!(["S0", "S1", "S2", "S3", "S4"]));
    assert_eq!(out["s1"]["value"][0]["max_cpu"], 2.0);
    assert_eq!(out["s1"]["value"][0]["max_memory_gb"], 8.0);
}
