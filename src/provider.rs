//! The `provider "ocp"` block: its schema, environment fallbacks, and the shared client it
//! configures.
//!
//! Each setting comes from the block, else from its environment variable (`OCP_ENDPOINT`,
//! `OCP_USERNAME`, `OCP_PASSWORD`, `OCP_ACCESS_KEY_ID`, `OCP_ACCESS_KEY_SECRET`), else its default.
//! Requests carry the user and password (HTTP Basic), or are signed with an OCP access key when
//! one is set (ocp-api.md §1.2 B, §5 #19; see `client::signing`). A missing or invalid setting is an error
//! naming the attribute. Configure checks the credentials once, so wrong ones give a single
//! diagnostic naming the endpoint and the user, never the password.

use std::sync::Arc;
use std::time::Duration;

use crate::client::{validate_endpoint, AccessKey, ClientConfig, ClientError, OcpClient, Secret};
use crate::framework::core::Configurer;
use crate::framework::timeouts::parse_duration;
use crate::framework::validate::{DurationString, IntBetween, NotBlank, Validator};
use crate::framework::{Attr, AttrPath, Diagnostics, ProviderData, Schema};
use crate::value::Value;

/// Default per-request timeout.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default number of retries of a failed idempotent request.
pub const DEFAULT_MAX_RETRIES: i64 = 4;

/// Why `endpoint` is no OCP base URL, by the client's own rule; `None` when it is one.
fn endpoint_problem(endpoint: &str) -> Option<String> {
    match validate_endpoint(endpoint) {
        Err(ClientError::Config { message, .. }) => Some(message),
        Err(e) => Some(e.to_string()),
        Ok(_) => None,
    }
}

/// `endpoint` at plan time: what configuring the client would refuse, refused with its reason.
struct Endpoint;

impl Validator for Endpoint {
    fn description(&self) -> String {
        "OCP's base URL, `http://` or `https://`, host and port".into()
    }
    fn validate(&self, path: &AttrPath, v: &Value, diags: &mut Diagnostics) {
        if let Some(why) = v.as_str().and_then(endpoint_problem) {
            let detail = format!("Attribute {path} must be {}: {why}.", self.description());
            diags.attr_error(path.clone(), "Invalid Attribute Value", detail);
        }
    }
}

/// The provider block.
pub struct OcpProvider;

/// A setting from the block or its environment variable. `Err(())` means unknown (plan time).
fn setting(config: &Value, attr: &str, env: Option<&str>) -> Result<Option<String>, ()> {
    match config.get(attr) {
        Some(Value::Unknown) => Err(()),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        _ => Ok(env
            .and_then(|e| std::env::var(e).ok())
            .filter(|s| !s.is_empty())),
    }
}

#[tonic::async_trait]
impl Configurer for OcpProvider {
    fn schema(&self) -> Schema {
        Schema::new("The OCP provider manages OceanBase clusters, tenants and their objects through OceanBase Cloud Platform (OCP).")
            .attr("endpoint", Attr::string().optional().validate(Endpoint).doc(
                "Base URL of OCP, such as `http://ocp.example.com:8080`. Falls back to the `OCP_ENDPOINT` environment variable. Required one way or the other.",
            ))
            .attr("username", Attr::string().optional().validate(NotBlank).doc(
                "OCP login user, such as `admin`. Falls back to `OCP_USERNAME`. Required one way or the other.",
            ))
            .attr("password", Attr::string().optional().sensitive().doc(
                "Password of the OCP user. Falls back to `OCP_PASSWORD`. Required one way or the other. Never logged or shown.",
            ))
            .attr("access_key_id", Attr::string().optional().validate(NotBlank).doc(
                "Id of an OCP access key (newer OCP, 4.x). With `access_key_secret`, every request is signed with the key (`OCP-ACCESS-KEY-HMACSHA1`) instead of sending `username` and `password`, which are then not needed. Falls back to `OCP_ACCESS_KEY_ID`.",
            ))
            .attr("access_key_secret", Attr::string().optional().sensitive().doc(
                "Secret of that access key. Falls back to `OCP_ACCESS_KEY_SECRET`. Never logged or shown.",
            ))
            .attr("ca_cert_file", Attr::string().optional().validate(NotBlank).doc(
                "Path of a PEM file with the certificate authority that signed OCP's HTTPS certificate, when it is not in the system's trust store.",
            ))
            .attr("insecure", Attr::bool().optional().doc(
                "Skip verification of OCP's HTTPS certificate. Default `false`. Only for test installations: it lets anyone in the path read the credentials.",
            ))
            .attr("request_timeout", Attr::string().optional().validate(DurationString).doc(
                "Time allowed for one HTTP request to OCP, such as `30s`. Default `30s`. Long operations are bounded by each resource's `timeouts` instead.",
            ))
            .attr("max_retries", Attr::int().optional().validate(IntBetween(0, 20)).doc(
                "How many times a request that failed with a transient error (HTTP 429, 5xx, connection reset, timeout) is retried, with exponential backoff. Default `4`. Creates are never retried blindly: the provider looks the object up first.",
            ))
    }

    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    async fn configure(
        &self,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Arc<dyn ProviderData>> {
        let (Ok(endpoint), Ok(username), Ok(password), Ok(key_id), Ok(key_secret)) = (
            setting(config, "endpoint", Some("OCP_ENDPOINT")),
            setting(config, "username", Some("OCP_USERNAME")),
            setting(config, "password", Some("OCP_PASSWORD")),
            setting(config, "access_key_id", Some("OCP_ACCESS_KEY_ID")),
            setting(config, "access_key_secret", Some("OCP_ACCESS_KEY_SECRET")),
        ) else {
            log::debug!("provider configuration not yet known; configuring later");
            return None;
        };
        let missing = |diags: &mut Diagnostics, attr: &str, env: &str| {
            diags.attr_error(
                AttrPath::root(attr),
                "Missing Provider Setting",
                format!("The provider needs `{attr}`: set it in the provider \"ocp\" block or in the {env} environment variable."),
            )
        };
        if endpoint.is_none() {
            missing(diags, "endpoint", "OCP_ENDPOINT");
        }
        // An access key (both halves) signs the requests; without one, the user and password
        // are needed.
        let signing = key_id.is_some() || key_secret.is_some();
        let needed = [
            ("username", "OCP_USERNAME", username.is_none() && !signing),
            ("password", "OCP_PASSWORD", password.is_none() && !signing),
            (
                "access_key_id",
                "OCP_ACCESS_KEY_ID",
                key_id.is_none() && signing,
            ),
            (
                "access_key_secret",
                "OCP_ACCESS_KEY_SECRET",
                key_secret.is_none() && signing,
            ),
        ];
        for (attr, env, absent) in needed {
            if absent {
                missing(diags, attr, env);
            }
        }
        if diags.has_errors() {
            return None;
        }
        let endpoint = endpoint?;
        let access_key = match (key_id, key_secret) {
            (Some(id), Some(secret)) => Some(AccessKey {
                id,
                secret: Secret::new(secret),
            }),
            _ => None,
        };
        // Who the provider is to OCP, in messages: the key id when it signs.
        let username = match &access_key {
            Some(k) => k.id.clone(),
            None => username.unwrap_or_default(),
        };
        let password = password.unwrap_or_default();
        if config.get("endpoint").is_none_or(Value::is_null) {
            // The block's own value was validated by the schema; check the environment's too.
            if let Some(why) = endpoint_problem(&endpoint) {
                diags.attr_error(
                    AttrPath::root("endpoint"),
                    "Invalid Provider Setting",
                    format!("OCP_ENDPOINT must be an http:// or https:// URL such as \"http://ocp.example.com:8080\", got {endpoint:?}: {why}."),
                );
                return None;
            }
        }
        let ca_cert_pem = match config.get("ca_cert_file").and_then(Value::as_str) {
            None => None,
            Some(path) => match tokio::fs::read(path).await {
                Ok(pem) => Some(pem),
                Err(e) => {
                    diags.attr_error(
                        AttrPath::root("ca_cert_file"),
                        "Unable to Read CA Certificate",
                        format!("The file {path:?} could not be read: {e}."),
                    );
                    return None;
                }
            },
        };
        let request_timeout = config
            .get("request_timeout")
            .and_then(Value::as_str)
            .and_then(|s| parse_duration(s).ok())
            .unwrap_or(DEFAULT_REQUEST_TIMEOUT);
        let max_retries = config
            .get("max_retries")
            .and_then(Value::as_i64)
            .unwrap_or(DEFAULT_MAX_RETRIES);
        let insecure = config
            .get("insecure")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if insecure && endpoint.starts_with("https://") {
            diags.attr_warning(
                AttrPath::root("insecure"),
                "OCP Certificate Not Verified",
                format!("insecure = true: the provider does not check the HTTPS certificate of {endpoint}, so anyone between Terraform and OCP can read the OCP credentials. Use ca_cert_file instead outside test installations."),
            );
        }
        let cfg = ClientConfig {
            endpoint: endpoint.clone(),
            username: username.clone(),
            password: Secret::new(password),
            access_key,
            ca_cert_pem,
            insecure,
            request_timeout,
            max_retries: u32::try_from(max_retries).unwrap_or(0),
            user_agent: format!("terraform-provider-ocp/{}", env!("CARGO_PKG_VERSION")),
        };
        let client = match OcpClient::new(cfg) {
            Ok(c) => c,
            Err(e) => {
                let (summary, detail) = e.summary_detail();
                let path = match &e {
                    crate::client::ClientError::Config { field, .. } => {
                        Some(AttrPath::root(*field))
                    }
                    _ => None,
                };
                match path {
                    Some(p) => diags.attr_error(p, summary, detail),
                    None => diags.error(summary, detail),
                }
                return None;
            }
        };
        if let Err(e) = client.check_auth().await {
            let (summary, detail) = e.summary_detail();
            diags.error(summary, detail);
            return None;
        }
        log::info!("configured for OCP at {endpoint} as {username}");
        Some(Arc::new(client))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_checked_at_plan_time_by_the_clients_rule() {
        let p = AttrPath::root("endpoint");
        for (s, ok) in [
            ("http://127.0.0.1:8080", true),
            ("https://ocp.example.com", true),
            ("https://ocp.example.com/", true),
            ("ocp.example.com", false),
            ("http://", false),
            ("http://:8080", false),
            ("ftp://x", false),
            ("http://ocp.example.com/api", false),
            ("http://admin:pw@ocp.example.com", false),
        ] {
            let mut d = Diagnostics::new();
            Endpoint.validate(&p, &Value::string(s), &mut d);
            assert_eq!(d.is_empty(), ok, "{s}: {d:?}");
            assert_eq!(endpoint_problem(s).is_none(), ok, "{s}");
            if let Some(x) = d.0.first() {
                assert_eq!(x.path, Some(p.clone()), "{s}");
                assert!(x
                    .detail
                    .starts_with("Attribute endpoint must be OCP's base URL"));
            }
        }
    }
}
