//! Cluster and tenant parameters (ocp-api.md §3.1, §3.4; seed S0 lists "obtain the parameter
//! metadata of a cluster", "obtain / modify cluster parameters" and "obtain / modify tenant
//! parameters").
//!
//! | Call | Path / shape | Source |
//! |---|---|---|
//! | cluster parameter info | `GET /api/v2/ob/clusters/parameterInfo` | §3.1 (C-diag) |
//! | tenant parameter info | `GET /api/v2/ob/tenants/parameterInfo`; a 404 reads as no metadata | **inferred**: OCP Express serves it at `/api/v1/ob/tenants/parameterInfo`; the `/api/v2` spelling follows the cluster call |
//! | cluster parameters | `GET /api/v2/ob/clusters/{id}/parameters` | §3.1 (C-mcp) |
//! | modify cluster parameters | `PUT` same path, body `[{name, value}]`, synchronous | §3.1 (C-mcp; sync inferred, §2.1) |
//! | tenant parameters | `GET .../tenants/{tenantId}/parameters` | §3.4 (C-mcp) |
//! | modify tenant parameters | `PUT` same path, body `[{name, value, parameterType}]`, synchronous | §3.4 (C-mcp; sync inferred) |
//!
//! Fields: a parameter has `name`, `parameterType` (`OB_CLUSTER_PARAMETER`,
//! `OB_TENANT_PARAMETER`, `OB_SYSTEM_VARIABLE`), `currentValue` (a string for tenants; for
//! clusters OCP Express sends `{values[], singleValueInCluster}`: both are read), `needRestart`,
//! `readonly`, `section`, `description` (OCP Express's `ClusterParameter`, `TenantParameter`,
//! `TenantParameterInfo`). The parameter info's `valueType`, `defaultValue`,
//! `valueRange{minValue, maxValue}` and `validValues[]` are **inferred** (OceanBase's parameter
//! views have a data type, a default and a range; no OCP source shows their names): every one
//! is optional here, and the provider checks only what OCP reports.
//!
//! Writes are synchronous and idempotent (setting a value twice sets it once), so they are
//! retried like every PUT.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::client::de::{body_struct, wire_struct};
use crate::client::{ClientError, OcpClient};

/// Cluster parameter info (§3.1).
const CLUSTER_INFO: &str = "/api/v2/ob/clusters/parameterInfo";
/// Tenant parameter info (inferred, see the module docs).
const TENANT_INFO: &str = "/api/v2/ob/tenants/parameterInfo";

wire_struct! {
    /// What OCP says of one parameter it knows (parameter info).
    pub struct ParameterInfo {
        /// Parameter name.
        pub name: String,
        /// `OB_CLUSTER_PARAMETER`, `OB_TENANT_PARAMETER` or `OB_SYSTEM_VARIABLE`.
        pub parameter_type: Option<String>,
        /// `BOOL`, `INT`, `DOUBLE`, `CAPACITY`, `TIME`, `ENUM`, `STRING` (inferred field).
        pub value_type: Option<String>,
        /// Default value (inferred field).
        pub default_value: Option<String>,
        /// Least and greatest value (inferred field).
        pub value_range: Option<ValueRange>,
        /// The values an `ENUM` takes (inferred field).
        pub valid_values: Vec<String>,
        /// Whether a change takes effect only after the OBServers restart.
        pub need_restart: Option<bool>,
        /// Whether OCP refuses to change it.
        pub readonly: Option<bool>,
        /// OceanBase's section, e.g. `OBSERVER`.
        pub section: Option<String>,
        /// What it does.
        pub description: Option<String>,
    }
}

wire_struct! {
    /// `valueRange` of a parameter info.
    pub struct ValueRange {
        /// Least value.
        pub min_value: Option<String>,
        /// Greatest value.
        pub max_value: Option<String>,
    }
}

wire_struct! {
    /// A parameter of a cluster or a tenant with its current value.
    pub struct Parameter {
        /// Parameter name.
        pub name: String,
        /// `OB_CLUSTER_PARAMETER`, `OB_TENANT_PARAMETER` or `OB_SYSTEM_VARIABLE`.
        pub parameter_type: Option<String>,
        /// The current value (see [`de_current_value`]).
        #[decode_with = "de_current_value"]
        pub current_value: Option<String>,
        /// Whether a change takes effect only after the OBServers restart.
        pub need_restart: Option<bool>,
        /// Whether OCP refuses to change it.
        pub readonly: Option<bool>,
        /// What it does.
        pub description: Option<String>,
    }
}

/// `currentValue`: a string (tenants), or `{values[], singleValueInCluster}` (clusters, OCP
/// Express). Several different values (OBServers that disagree) read as all of them joined by
/// `;`, so a cluster out of step shows as drift instead of one server's value (R6).
fn de_current_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde::de::Error;
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(o) => {
            let values = match o.get("values") {
                Some(Value::Array(a)) => a,
                None | Some(Value::Null) => return Ok(None),
                Some(_) => return Err(D::Error::custom("currentValue.values is not a list")),
            };
            let mut texts: Vec<String> = Vec::new();
            for v in values {
                let t = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    other => {
                        return Err(D::Error::custom(format!(
                            "currentValue.values holds {other}, expected strings"
                        )))
                    }
                };
                if !texts.contains(&t) {
                    texts.push(t);
                }
            }
            (!texts.is_empty()).then(|| texts.join(";"))
        }
        other => {
            return Err(D::Error::custom(format!(
                "currentValue is {other}, expected a string or {{values}}"
            )))
        }
    })
}

body_struct! {
    /// One entry of a parameter write: `{name, value}`, and `parameterType` for tenants.
    #[derive(Eq)]
    pub struct ParameterValue {
        /// Parameter name.
        pub name: String,
        /// New value, as the user wrote it (OCP normalises it).
        pub value: String,
        /// `OB_TENANT_PARAMETER` or `OB_SYSTEM_VARIABLE` (tenant writes and create only).
        pub parameter_type: Option<String>,
    }
}

fn cluster_path(cluster_id: i64) -> String {
    format!("/api/v2/ob/clusters/{cluster_id}/parameters")
}

fn tenant_path(cluster_id: i64, tenant_id: i64) -> String {
    format!("/api/v2/ob/clusters/{cluster_id}/tenants/{tenant_id}/parameters")
}

impl OcpClient {
    /// The cluster parameters OCP knows, with types, defaults and restart flags.
    pub async fn cluster_parameter_info(&self) -> Result<Vec<ParameterInfo>, ClientError> {
        self.list_all(CLUSTER_INFO, &[]).await
    }

    /// The tenant parameters and system variables OCP knows. The call is inferred (see the
    /// module docs): an OCP that does not have it (404) gives no metadata, an empty list, so
    /// that tenants' parameters are still read and set (compared without types, refusals left
    /// to OCP) rather than failing on the missing call.
    pub async fn tenant_parameter_info(&self) -> Result<Vec<ParameterInfo>, ClientError> {
        match self.list_all(TENANT_INFO, &[]).await {
            Err(e) if e.is_not_found() => {
                log::warn!("{TENANT_INFO}: this OCP has no tenant parameter metadata ({e}); tenant parameters are compared without types and checked by OCP at apply");
                Ok(Vec::new())
            }
            r => r,
        }
    }

    /// The parameters of cluster `cluster_id` with their current values.
    pub async fn list_cluster_parameters(
        &self,
        cluster_id: i64,
    ) -> Result<Vec<Parameter>, ClientError> {
        self.list_all(&cluster_path(cluster_id), &[]).await
    }

    /// Sets parameters of cluster `cluster_id` (`PUT`, synchronous).
    pub async fn set_cluster_parameters(
        &self,
        cluster_id: i64,
        values: &[ParameterValue],
    ) -> Result<(), ClientError> {
        self.put::<_, Value>(&cluster_path(cluster_id), values)
            .await
            .map(drop)
    }

    /// The parameters and system variables of a tenant with their current values.
    pub async fn list_tenant_parameters(
        &self,
        cluster_id: i64,
        tenant_id: i64,
    ) -> Result<Vec<Parameter>, ClientError> {
        self.list_all(&tenant_path(cluster_id, tenant_id), &[])
            .await
    }

    /// Sets parameters of a tenant (`PUT`, synchronous).
    pub async fn set_tenant_parameters(
        &self,
        cluster_id: i64,
        tenant_id: i64,
        values: &[ParameterValue],
    ) -> Result<(), ClientError> {
        self.put::<_, Value>(&tenant_path(cluster_id, tenant_id), values)
            .await
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::testutil::{ok, TestSim};

    #[test]
    fn current_values_decode_in_both_shapes() {
        let p: Parameter = serde_json::from_value(serde_json::json!({
            "name": "a", "currentValue": {"values": ["10G", "10G"], "singleValueInCluster": true}
        }))
        .expect("decodes");
        assert_eq!(p.current_value.as_deref(), Some("10G"));
        let p: Parameter = serde_json::from_value(serde_json::json!({
            "name": "a", "currentValue": {"values": ["1", "2"]}
        }))
        .expect("decodes");
        assert_eq!(p.current_value.as_deref(), Some("1;2"));
        let p: Parameter =
            serde_json::from_value(serde_json::json!({"name": "a", "currentValue": "x"}))
                .expect("decodes");
        assert_eq!(p.current_value.as_deref(), Some("x"));
        let bad = serde_json::from_value::<Parameter>(
            serde_json::json!({"name": "a", "currentValue": [1]}),
        );
        assert!(bad.is_err());
    }

    #[test]
    fn tenant_writes_carry_the_parameter_type() {
        let v = ParameterValue {
            name: "ob_query_timeout".into(),
            value: "5".into(),
            parameter_type: Some("OB_SYSTEM_VARIABLE".into()),
        };
        assert_eq!(
            serde_json::to_value(&v).expect("json"),
            serde_json::json!({"name": "ob_query_timeout", "value": "5", "parameterType": "OB_SYSTEM_VARIABLE"})
        );
    }

    #[tokio::test]
    async fn cluster_parameters_are_read_and_set() {
        let (_sim, client, cid) = TestSim::with_demo(0.3).await;
        let info = ok(client.cluster_parameter_info().await);
        let m = info
            .iter()
            .find(|p| p.name == "memory_limit")
            .expect("listed");
        assert_eq!(m.need_restart, Some(true));
        assert_eq!(m.value_type.as_deref(), Some("CAPACITY"));
        let set = [ParameterValue {
            name: "syslog_level".into(),
            value: "info".into(),
            parameter_type: None,
        }];
        ok(client.set_cluster_parameters(cid, &set).await);
        let list = ok(client.list_cluster_parameters(cid).await);
        let p = list
            .iter()
            .find(|p| p.name == "syslog_level")
            .expect("listed");
        assert_eq!(p.current_value.as_deref(), Some("INFO"));
        let tinfo = ok(client.tenant_parameter_info().await);
        assert!(tinfo.iter().any(|p| p.name == "ob_query_timeout"));
    }
}
