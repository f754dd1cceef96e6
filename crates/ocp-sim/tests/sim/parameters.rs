//! Cluster and tenant parameters: the catalogue, reads, writes, validation, and a create's
//! `parameters` and `timeZone`.

use serde_json::{json, Value};

use crate::support::{sim_virtual, tenant_body, Client, CLUSTER, SYS, TENANTS};

const CLUSTER_PARAMS: &str = "/api/v2/ob/clusters/1000001/parameters";

impl Client {
    /// The current value of cluster parameter `name`.
    async fn cluster_param(&self, name: &str) -> String {
        let d = self.data(CLUSTER_PARAMS).await;
        let p = find(&d, name);
        p["currentValue"]["values"][0]
            .as_str()
            .expect("value")
            .to_string()
    }

    /// The current value of parameter `name` of tenant `tid`.
    async fn tenant_param(&self, tid: i64, name: &str) -> String {
        let d = self.data(&format!("{TENANTS}/{tid}/parameters")).await;
        find(&d, name)["currentValue"]
            .as_str()
            .expect("value")
            .to_string()
    }
}

fn find<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} not listed in {list}"))
}

#[tokio::test]
async fn parameter_info_lists_types_defaults_ranges_and_restart_flags() {
    let (_sim, c) = sim_virtual(1.0).await;
    let info = c.data("/api/v2/ob/clusters/parameterInfo").await;
    let m = find(&info, "memory_limit");
    assert_eq!(m["parameterType"], "OB_CLUSTER_PARAMETER");
    assert_eq!(m["valueType"], "CAPACITY");
    assert_eq!(m["needRestart"], true);
    assert_eq!(m["defaultValue"], "0M");
    let n = find(&info, "max_syslog_file_count");
    assert_eq!(
        n["valueRange"],
        json!({"minValue": "0", "maxValue": "1000"})
    );
    assert_eq!(find(&info, "syslog_level")["validValues"][0], "DEBUG");
    assert!(info["contents"]
        .as_array()
        .expect("list")
        .iter()
        .all(|p| p["parameterType"] == "OB_CLUSTER_PARAMETER"));

    let info = c.data("/api/v2/ob/tenants/parameterInfo").await;
    assert_eq!(
        find(&info, "ob_query_timeout")["parameterType"],
        "OB_SYSTEM_VARIABLE"
    );
    assert_eq!(
        find(&info, "cpu_quota_concurrency")["parameterType"],
        "OB_TENANT_PARAMETER"
    );
    assert!(info["contents"]
        .as_array()
        .expect("list")
        .iter()
        .all(|p| p["name"] != "memory_limit"));
}

#[tokio::test]
async fn cluster_parameters_change_in_oceanbase_spelling_and_return_to_default() {
    let (_sim, c) = sim_virtual(1.0).await;
    assert_eq!(c.cluster_param("enable_syslog_recycle").await, "False");
    c.put(
        CLUSTER_PARAMS,
        json!([{"name": "enable_syslog_recycle", "value": "true"},
               {"name": "cache_wash_threshold", "value": "10GB"}]),
    )
    .await
    .no_data();
    assert_eq!(c.cluster_param("enable_syslog_recycle").await, "True");
    assert_eq!(c.cluster_param("cache_wash_threshold").await, "10G");
    c.put(
        CLUSTER_PARAMS,
        json!([{"name": "cache_wash_threshold", "value": "4GB"}]),
    )
    .await
    .no_data();
    assert_eq!(c.cluster_param("cache_wash_threshold").await, "4G");
}

#[tokio::test]
async fn bad_parameter_writes_name_the_field_and_change_nothing() {
    let (_sim, c) = sim_virtual(1.0).await;
    let r = c
        .put(
            CLUSTER_PARAMS,
            json!([{"name": "syslog_level", "value": "INFO"},
                   {"name": "max_syslog_file_count", "value": "5000"}]),
        )
        .await;
    r.assert_err(400, "ILLEGAL_ARGUMENT", "invalid [1].value:");
    assert_eq!(c.cluster_param("syslog_level").await, "WDIAG");
    c.put(
        CLUSTER_PARAMS,
        json!([{"name": "no_such_thing", "value": "1"}]),
    )
    .await
    .assert_err(
        400,
        "ILLEGAL_ARGUMENT",
        "invalid [0].name: unknown parameter",
    );
    c.put(CLUSTER_PARAMS, json!([{"name": "data_dir", "value": "/x"}]))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "read-only");
    c.put(
        CLUSTER_PARAMS,
        json!([{"name": "ob_query_timeout", "value": "1"}]),
    )
    .await
    .assert_err(400, "ILLEGAL_ARGUMENT", "not a cluster parameter");
    let tp = format!("{TENANTS}/{SYS}/parameters");
    c.put(
        &tp,
        json!([{"name": "memory_limit", "value": "8G", "parameterType": "OB_TENANT_PARAMETER"}]),
    )
    .await
    .assert_err(
        400,
        "ILLEGAL_ARGUMENT",
        "invalid [0].name: memory_limit is a cluster parameter",
    );
    c.put(&tp, json!([{"name": "ob_query_timeout", "value": "20", "parameterType": "OB_TENANT_PARAMETER"}]))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid [0].parameterType:");
    c.put(&tp, json!([{"name": "enable_sql_audit", "value": "maybe", "parameterType": "OB_TENANT_PARAMETER"}]))
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid [0].value:");
}

#[tokio::test]
async fn a_tenant_is_created_with_parameters_and_a_time_zone() {
    let (_sim, c) = sim_virtual(1.0).await;
    let mut body = tenant_body("params_t", "MYSQL");
    body["timeZone"] = json!("-5:00");
    body["parameters"] = json!([
        {"name": "ob_query_timeout", "value": "20000000", "parameterType": "OB_SYSTEM_VARIABLE"},
        {"name": "enable_sql_audit", "value": "false", "parameterType": "OB_TENANT_PARAMETER"},
    ]);
    let r = c
        .post(&format!("{TENANTS}/createTenant"), body.clone())
        .await;
    let tid = r.ok()["tenantId"].as_i64().expect("tenantId");
    assert_eq!(c.tenant_param(tid, "time_zone").await, "-5:00");
    assert_eq!(c.tenant_param(tid, "ob_query_timeout").await, "20000000");
    assert_eq!(c.tenant_param(tid, "enable_sql_audit").await, "False");
    assert_eq!(c.tenant_param(tid, "freeze_trigger_percentage").await, "20");

    body["name"] = json!("params_bad");
    body["parameters"] = json!([{"name": "cpu_quota_concurrency", "value": "50", "parameterType": "OB_TENANT_PARAMETER"}]);
    c.post(&format!("{TENANTS}/createTenant"), body.clone())
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid parameters[0].value:");
    body["parameters"] = json!([]);
    body["timeZone"] = json!("Mars");
    c.post(&format!("{TENANTS}/createTenant"), body)
        .await
        .assert_err(400, "ILLEGAL_ARGUMENT", "invalid timeZone:");
    assert!(c.tenant_named("params_bad").await.is_none());
}

#[tokio::test]
async fn tenant_parameters_need_a_normal_tenant_and_known_ids() {
    let (_sim, c) = sim_virtual(1.0).await;
    c.get(&format!("{TENANTS}/9999999/parameters"))
        .await
        .assert_err(404, "OB_TENANT_NOT_FOUND", "not found");
    c.get(&format!("/api/v2/ob/clusters/{}/parameters", CLUSTER + 50))
        .await
        .assert_err(404, "OB_CLUSTER_NOT_FOUND", "not found");
    let tp = format!("{TENANTS}/{SYS}/parameters");
    c.put(&tp, json!([{"name": "freeze_trigger_percentage", "value": "30", "parameterType": "OB_TENANT_PARAMETER"}]))
        .await
        .no_data();
    assert_eq!(c.tenant_param(SYS, "freeze_trigger_percentage").await, "30");
}
