//! The provider block: validation, environment fallbacks, credentials and transport errors.

use crate::support::*;

fn cluster_config(provider_block: &str) -> String {
    format!("{REQUIRED_PROVIDERS}\n{provider_block}\ndata \"ocp_clusters\" \"all\" {{}}\n")
}

#[test]
fn validate_names_the_attribute_path_of_a_bad_value() {
    let tf = TfProject::new().file(
        "main.tf",
        &cluster_config("provider \"ocp\" {\n  endpoint = \"ocp.example.com\"\n  max_retries = 99\n  request_timeout = \"10 parsecs\"\n}\n"),
    );
    tf.init();
    let r = tf.run(&["validate", "-no-color"]).failure();
    let err = r.stderr;
    assert!(err.contains("Invalid Attribute Value"), "{err}");
    assert!(
        err.contains("endpoint = \"ocp.example.com\""),
        "points at endpoint:\n{err}"
    );
    assert!(
        err.contains("max_retries = 99"),
        "points at max_retries:\n{err}"
    );
    assert!(
        err.contains("request_timeout"),
        "points at request_timeout:\n{err}"
    );
}

#[test]
fn unknown_attributes_and_wrong_types_are_rejected_with_their_path() {
    let tf = TfProject::new().file(
        "main.tf",
        &format!("{REQUIRED_PROVIDERS}\ndata \"ocp_cluster\" \"x\" {{\n  name = \"demo-cluster\"\n  colour = \"blue\"\n}}\ndata \"ocp_cluster\" \"y\" {{\n  id = \"seven\"\n}}\n"),
    );
    tf.init();
    let r = tf.run(&["validate", "-no-color"]).failure();
    assert!(r.stderr.contains("Unsupported argument"), "{}", r.all());
    assert!(r.stderr.contains("colour"), "{}", r.all());
    assert!(
        r.stderr.contains("Incorrect attribute value type")
            || r.stderr.contains("a number is required"),
        "{}",
        r.all()
    );
}

#[test]
fn a_missing_endpoint_is_an_error_naming_the_attribute() {
    let tf = TfProject::new().file(
        "main.tf",
        &cluster_config("provider \"ocp\" {\n  username = \"admin\"\n  password = \"x\"\n}\n"),
    );
    tf.init();
    let r = tf.run(&["plan", "-no-color"]).failure();
    assert!(r.stderr.contains("Missing Provider Setting"), "{}", r.all());
    assert!(r.stderr.contains("OCP_ENDPOINT"), "{}", r.all());
}

#[test]
fn wrong_credentials_give_one_diagnostic_naming_endpoint_and_user_but_not_the_password() {
    let sim = start_sim(0.2);
    let wrong = "Wrong-Pa55-Guess";
    let tf = TfProject::new()
        .file("main.tf", &cluster_config("provider \"ocp\" {}\n"))
        .with_sim(&sim)
        .env("OCP_PASSWORD", wrong)
        .env("TF_LOG", "TRACE");
    tf.init();
    let r = tf.run(&["plan", "-no-color"]).failure();
    let errors = r.stderr.matches("Error: ").count();
    assert_eq!(errors, 1, "exactly one diagnostic:\n{}", r.stderr);
    assert!(
        r.stderr.contains(&sim.url()),
        "names the endpoint:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("\"admin\"") || r.stderr.contains("admin"),
        "names the user:\n{}",
        r.stderr
    );
    assert!(
        !r.all().contains(wrong),
        "the password leaked (with TF_LOG=TRACE):\n{}",
        r.all()
    );
}

#[test]
fn an_unreachable_endpoint_is_one_clear_error() {
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tf = TfProject::new()
        .file(
            "main.tf",
            &cluster_config("provider \"ocp\" {\n  max_retries = 0\n}\n"),
        )
        .env("OCP_ENDPOINT", &format!("http://127.0.0.1:{port}"))
        .env("OCP_USERNAME", SIM_USER)
        .env("OCP_PASSWORD", SIM_PASSWORD);
    tf.init();
    let r = tf.run(&["plan", "-no-color"]).failure();
    assert_eq!(r.stderr.matches("Error: ").count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        r.stderr
    );
    assert_no_secret(&r.all());
}

#[test]
fn settings_in_the_block_override_the_environment() {
    let sim = start_sim(0.2);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &cluster_config(&format!(
                "provider \"ocp\" {{\n  endpoint = \"{}\"\n  username = \"{SIM_USER}\"\n  password = \"{SIM_PASSWORD}\"\n}}\n",
                sim.url()
            )),
        )
        .env("OCP_ENDPOINT", "http://127.0.0.1:1")
        .env("OCP_PASSWORD", "wrong");
    tf.init();
    tf.run(&["plan", "-no-color"]).success();
}

#[test]
fn the_password_is_sensitive_in_the_schema() {
    let tf = TfProject::new().file("main.tf", &cluster_config("provider \"ocp\" {}\n"));
    tf.init();
    let r = tf.run(&["providers", "schema", "-json"]).success();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let p = &v["provider_schemas"]["registry.terraform.io/oceanbase/ocp"];
    assert_eq!(
        p["provider"]["block"]["attributes"]["password"]["sensitive"],
        true
    );
    for name in ["ocp_cluster", "ocp_clusters"] {
        let attrs = p["data_source_schemas"][name]["block"]["attributes"]
            .as_object()
            .unwrap();
        for (attr, a) in attrs {
            assert!(
                a["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{name}.{attr} has a description"
            );
        }
    }
    assert_eq!(
        p["data_source_schemas"]["ocp_cluster"]["block"]["attributes"]["zones"]["computed"],
        true
    );
}

#[test]
fn ocp_errors_that_outlast_the_retries_are_one_diagnostic() {
    let sim = start_sim(0.2);
    sim.state()
        .add_fault(ocp_sim::HttpFault::fail(1000, 503).path_prefix("/api/v2/ob/clusters/"));
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!("{REQUIRED_PROVIDERS}\nprovider \"ocp\" {{\n  max_retries = 1\n}}\ndata \"ocp_cluster\" \"x\" {{ id = 1000001 }}\n"),
        )
        .with_sim(&sim);
    tf.init();
    let r = tf.run(&["plan", "-no-color"]).failure();
    assert_eq!(r.stderr.matches("Error: ").count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("Unable to Read Cluster"), "{}", r.stderr);
    assert!(
        r.stderr.contains("503"),
        "names OCP's answer:\n{}",
        r.stderr
    );
    let requests = sim
        .state()
        .requests_by_route()
        .get("GET /api/v2/ob/clusters/{id}")
        .copied();
    assert_eq!(requests, Some(2), "one try and one retry");
}

#[test]
fn provider_logs_reach_terraform_with_their_levels_and_without_secrets() {
    let sim = start_sim(0.2);
    let tf = TfProject::new()
        .file("main.tf", &cluster_config("provider \"ocp\" {}\n"))
        .with_sim(&sim)
        .env("TF_LOG_PROVIDER", "INFO");
    tf.init();
    let r = tf.run(&["plan", "-no-color"]).success();
    assert!(
        r.stderr.contains(&format!(
            "[INFO]  provider.terraform-provider-ocp_v{VERSION}: configured for OCP at"
        )),
        "INFO lines keep their level:\n{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("[DEBUG] provider.terraform-provider-ocp"),
        "DEBUG is filtered out at INFO:\n{}",
        r.stderr
    );
    assert_no_secret(&r.all());
}

/// Issue #15: a provider configured from a value known only after apply. Whatever needs OCP
/// during the plan says which setting it waits for and how to go on, never "This is a bug";
/// `-target` then a full apply converge; a later refresh with the settings unknown again
/// keeps the state with a warning.
#[test]
fn issue_15_a_provider_configured_from_an_unknown_value_names_the_setting() {
    let sim = start_sim(0.05);
    let hcl = |with_data_source: bool| {
        format!(
            r#"{REQUIRED_PROVIDERS}
variable "url" {{
  type = string
}}

provider "ocp" {{
  alias = "seed"
}}

resource "ocp_region" "seed" {{
  provider = ocp.seed
  name     = "seed-region"
}}

# Known only once the region exists.
provider "ocp" {{
  endpoint = ocp_region.seed.id > 0 ? var.url : var.url
}}

resource "ocp_host_type" "later" {{
  name = "later_type"
}}
{}
"#,
            if with_data_source {
                "data \"ocp_region\" \"hz\" {\n  name = \"cn-hangzhou\"\n}\n"
            } else {
                ""
            }
        )
    };
    let tf = TfProject::new()
        .file("main.tf", &hcl(true))
        .with_sim(&sim)
        .env("TF_VAR_url", &sim.url());
    tf.init();
    let r = tf.run(&["plan", "-no-color"]).failure();
    let err = r.all();
    assert!(err.contains("Provider Settings Not Yet Known"), "{err}");
    assert!(err.contains("endpoint"), "{err}");
    assert!(err.contains("-target"), "{err}");
    assert!(!err.contains("This is a bug"), "{err}");

    tf.run(&[
        "apply",
        "-no-color",
        "-auto-approve",
        "-target=ocp_region.seed",
    ])
    .success();
    tf.apply().success();
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, Some(0), "{}", r.all());

    // Replacing the region makes the setting unknown again: the refresh of the other
    // resources is skipped with a warning, not a failure.
    std::fs::write(
        tf.path().join("main.tf"),
        hcl(false).replace("seed-region", "seed-region-2"),
    )
    .unwrap();
    let r = tf.run(&["plan", "-no-color"]).success();
    let out = r.all();
    assert!(out.contains("Object Not Refreshed"), "{out}");
    assert!(!out.contains("This is a bug"), "{out}");
    tf.apply().success();
}

/// AK/SK (ocp-api.md §1.2 B, §5 #19): with an access key, in the block or the environment,
/// the provider signs its requests and needs no user or password; half a key is refused on
/// the missing half; a wrong secret is OCP's 401, and the secret never shows.
#[test]
fn an_access_key_signs_the_requests_instead_of_the_user_and_password() {
    const SECRET: &str = "SK-e2e-Secret-77";
    let sim = runtime()
        .block_on(ocp_sim::Sim::start(ocp_sim::SimConfig {
            access_key: Some(("AK-e2e".into(), SECRET.into())),
            ..ocp_sim::SimConfig::default()
        }))
        .expect("start ocp-sim");
    let project = |block: &str| {
        let tf = TfProject::new()
            .file("main.tf", &cluster_config(block))
            .env("OCP_ENDPOINT", &sim.url());
        tf.init();
        tf
    };
    let tf = project("provider \"ocp\" {\n  access_key_id = \"AK-e2e\"\n}\n")
        .env("OCP_ACCESS_KEY_SECRET", SECRET);
    let r = tf.run(&["plan", "-no-color"]).success();
    assert!(!r.all().contains(SECRET), "{}", r.all());
    let r = tf.apply().success();
    assert!(!r.all().contains(SECRET), "{}", r.all());
    let names = state_values(&tf, "data.ocp_clusters.all")["clusters"].to_string();
    assert!(names.contains("demo-cluster"), "{names}");

    let half = project("provider \"ocp\" {\n  access_key_id = \"AK-e2e\"\n}\n");
    let r = half.run(&["plan", "-no-color"]).failure();
    assert!(
        r.stderr.contains("Missing Provider Setting") && r.stderr.contains("access_key_secret"),
        "{}",
        r.stderr
    );

    let wrong = project("provider \"ocp\" {\n  access_key_id = \"AK-e2e\"\n}\n")
        .env("OCP_ACCESS_KEY_SECRET", "SK-wrong-secret");
    let r = wrong.run(&["plan", "-no-color"]).failure();
    assert!(
        r.stderr.contains("signature does not match"),
        "{}",
        r.stderr
    );
    assert!(!r.all().contains("SK-wrong-secret"), "{}", r.all());
}
