//! Tests of the HTTP layer against the in-process simulator: authentication, transport
//! failures, retries, creates that must not be repeated blindly, and paging.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::api::cluster::Cluster;
use super::testutil::{
    assert_no_password, expect_err, ok, LossyFront, TestSim, TlsFront, PASSWORD, USER,
};
use super::*;

#[test]
fn endpoints_are_validated_and_normalised() {
    let ok = |s: &str| validate_endpoint(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    assert_eq!(ok("http://ocp:8080"), "http://ocp:8080");
    assert_eq!(ok(" https://ocp.example.com/ "), "https://ocp.example.com");
    assert_eq!(ok("http://[::1]:8080/"), "http://[::1]:8080");
    for bad in [
        "",
        "ocp:8080",
        "ftp://ocp",
        "http://ocp:8080/api/v2",
        "http://admin:pw@ocp:8080",
        "http://ocp:8080/?x=1",
        "not a url",
    ] {
        match validate_endpoint(bad) {
            Err(ClientError::Config { field, message }) => {
                assert_eq!(field, "endpoint", "{bad}");
                assert!(!message.is_empty());
            }
            other => panic!("{bad:?} gave {other:?}"),
        }
    }
}

#[test]
fn a_bad_ca_bundle_is_a_config_error_naming_the_attribute() {
    let mut cfg = ClientConfig::new("https://ocp:8443", "admin", "pw");
    cfg.ca_cert_pem = Some(b"not a certificate".to_vec());
    match OcpClient::new(cfg) {
        Err(ClientError::Config { field, message }) => {
            assert_eq!(field, "ca_cert_file");
            assert!(message.contains("certificate"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn debug_of_config_and_client_hides_the_password() {
    let cfg = ClientConfig::new("http://ocp:8080", "admin", PASSWORD);
    let client = OcpClient::new(cfg.clone()).unwrap_or_else(|e| panic!("{e}"));
    let text = format!("{cfg:?} {client:?}");
    assert!(!text.contains(PASSWORD), "{text}");
    assert!(text.contains("***"), "{text}");
}

#[tokio::test]
async fn check_auth_succeeds_with_the_right_credentials() {
    let sim = TestSim::start(0.3).await;
    let client = sim.client();
    ok(client.check_auth().await);
    assert_eq!(client.username(), USER);
    assert_eq!(client.endpoint(), sim.sim.url());
}

#[tokio::test]
async fn wrong_credentials_give_unauthorized_naming_endpoint_and_user_but_not_the_password() {
    let sim = TestSim::start(0.3).await;
    // The client's password is the canary; the simulator expects another one.
    let server = ocp_sim::Sim::start(ocp_sim::SimConfig {
        username: USER.into(),
        password: "something-else".into(),
        task_seconds: 0.3,
        ..Default::default()
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let client = sim.client_at(&server.url());
    let err = expect_err(client.check_auth().await);
    match &err {
        ClientError::Unauthorized {
            endpoint, username, ..
        } => {
            assert_eq!(endpoint, &server.url());
            assert_eq!(username, USER);
        }
        other => panic!("unexpected {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains(&server.url()), "{text}");
    assert!(text.contains("\"admin\""), "{text}");
    assert!(!err.is_retryable());
    assert_no_password(&err);
}

/// Asserts that `err` is a transport error of `kind`.
fn assert_transport(err: &ClientError, kind: TransportKind) {
    assert!(
        matches!(err, ClientError::Transport { kind: k, .. } if *k == kind),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_closed_port_gives_a_transport_error_quickly() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        l.local_addr().unwrap_or_else(|e| panic!("{e}")).port()
    };
    let client = OcpClient::new(ClientConfig::new(
        format!("http://127.0.0.1:{port}"),
        USER,
        PASSWORD,
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let err = expect_err(client.check_auth().await);
    assert_transport(&err, TransportKind::Connect);
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "connect errors are not retried"
    );
    assert_no_password(&err);
    println!("closed port: {err}");
}

#[tokio::test]
async fn get_is_retried_through_injected_503s() {
    let (sim, client, id) = TestSim::with_demo(0.3).await;
    sim.reset_requests().await;
    sim.fail_next(2, 503, "GET", "/api/v2/ob/clusters/").await;
    let cluster: Value = ok(client.get(&format!("/api/v2/ob/clusters/{id}"), &[]).await);
    assert_eq!(cluster["name"], "demo-cluster");
    assert_eq!(sim.count("GET /api/v2/ob/clusters/{id}").await, 3);
}

#[tokio::test]
async fn get_honours_retry_after_on_429() {
    let sim = TestSim::start(0.3).await;
    let client = sim.client();
    sim.reset_requests().await;
    sim.fault(json!({"fail_next": 1, "status": 429, "retry_after": 1, "path_prefix": "/api/v2/ob/clusters"}))
        .await;
    let started = Instant::now();
    let list: Vec<Value> = ok(client.list_all("/api/v2/ob/clusters", &[]).await);
    let waited = started.elapsed();
    assert!(!list.is_empty());
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
    assert_eq!(sim.count("GET /api/v2/ob/clusters").await, 2);
}

#[tokio::test]
async fn retries_give_up_after_max_retries_with_the_last_error() {
    let sim = TestSim::start(0.3).await;
    let client = sim.client_with(|c| c.max_retries = 2);
    sim.reset_requests().await;
    sim.fault(json!({"fail_next": 10, "status": 502, "message": "upstream down", "path_prefix": "/api/v2/ob/clusters"}))
        .await;
    let err = expect_err(client.get::<Value>("/api/v2/ob/clusters", &[]).await);
    match &err {
        ClientError::Api {
            http_status,
            trace_id,
            ..
        } => {
            assert_eq!(*http_status, 502);
            assert!(trace_id.is_some());
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.is_retryable());
    assert_eq!(sim.count("GET /api/v2/ob/clusters").await, 3);
    assert_no_password(&err);
    sim.clear_faults().await;
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let sim = TestSim::start(0.3).await;
    let client = sim.client();
    sim.reset_requests().await;
    let err = expect_err(
        client
            .get::<Value>("/api/v2/ob/clusters", &[("size", "0".into())])
            .await,
    );
    assert!(
        matches!(
            err,
            ClientError::Api {
                http_status: 400,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(sim.count("GET /api/v2/ob/clusters").await, 1);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried() {
    let sim = TestSim::start(0.3).await;
    let client = sim.client_with(|c| c.request_timeout = Duration::from_millis(300));
    sim.reset_requests().await;
    sim.fault(json!({"delay_ms": 1000, "count": 1, "path_prefix": "/api/v2/ob/clusters"}))
        .await;
    let list: Vec<Value> = ok(client.list_all("/api/v2/ob/clusters", &[]).await);
    assert!(!list.is_empty());
    assert_eq!(sim.count("GET /api/v2/ob/clusters").await, 2);

    let client = sim.client_with(|c| {
        c.request_timeout = Duration::from_millis(200);
        c.max_retries = 0;
    });
    sim.fault(json!({"delay_ms": 1000, "count": 1, "path_prefix": "/api/v2/ob/clusters"}))
        .await;
    match client.get::<Value>("/api/v2/ob/clusters", &[]).await {
        Err(ClientError::Timeout { after, .. }) => assert_eq!(after, Duration::from_millis(200)),
        other => panic!("unexpected {other:?}"),
    }
}

/// The route of the demo cluster's restart, the POST the `post_create` tests send.
const RESTART: &str = "POST /api/v2/ob/clusters/{id}/restart";

/// A simulator whose next `fails` restarts of the demo cluster answer `status`, a client
/// with `max_retries`, and the restart path; the request counters start at zero.
async fn failing_restart(
    fails: u32,
    status: u16,
    max_retries: u32,
) -> (TestSim, OcpClient, String) {
    let (sim, _, id) = TestSim::with_demo(0.3).await;
    let client = sim.client_with(|c| c.max_retries = max_retries);
    sim.reset_requests().await;
    let path = format!("/api/v2/ob/clusters/{id}/restart");
    if fails > 0 {
        sim.fail_next(fails, status, "POST", &path).await;
    }
    (sim, client, path)
}

/// A look-up that finds nothing the first time and the demo cluster afterwards, as when the
/// object was made in between; `lookups` counts its calls.
async fn demo_after_first_look(
    client: &OcpClient,
    lookups: &AtomicU32,
) -> Result<Option<Cluster>, ClientError> {
    if lookups.fetch_add(1, Ordering::SeqCst) == 0 {
        return Ok(None);
    }
    client.find_cluster_by_name("demo-cluster").await
}

/// A look-up that never finds anything; `lookups` counts its calls.
async fn nothing_found(lookups: &AtomicU32) -> Result<Option<()>, ClientError> {
    lookups.fetch_add(1, Ordering::SeqCst);
    Ok(None)
}

#[tokio::test]
async fn post_create_adopts_via_lookup_after_an_injected_500_without_a_second_post() {
    let (sim, client, path) = failing_restart(1, 500, 3).await;
    let lookups = AtomicU32::new(0);
    let created = ok(client
        .post_create::<_, TaskInstance, _, _, _>(&path, &(), || {
            demo_after_first_look(&client, &lookups)
        })
        .await);
    assert_eq!(created.expect_adopted().name, "demo-cluster");
    assert_eq!(lookups.load(Ordering::SeqCst), 2);
    assert_eq!(sim.count(RESTART).await, 1);
}

#[tokio::test]
async fn post_create_never_adopts_what_existed_before_and_sends_no_post() {
    let (sim, client, path) = failing_restart(0, 0, 3).await;
    let created = ok(client
        .post_create::<_, TaskInstance, _, _, _>(&path, &(), || {
            client.find_cluster_by_name("demo-cluster")
        })
        .await);
    assert_eq!(created.expect_existing().name, "demo-cluster");
    assert_eq!(sim.count(RESTART).await, 0);
}

/// A simulator that answers the next cluster create 409 with `message`, and a client; the
/// request counters start at zero.
async fn conflicting_create(message: &str) -> (TestSim, OcpClient) {
    let sim = TestSim::start(0.3).await;
    let client = sim.client();
    sim.reset_requests().await;
    sim.fault(json!({"fail_next": 1, "status": 409, "message": message,
                     "path_prefix": "/api/v2/ob/clusters", "method": "POST"}))
        .await;
    (sim, client)
}

#[tokio::test]
async fn post_create_answered_already_exists_on_its_first_post_never_adopts() {
    let (sim, client) = conflicting_create("cluster demo-cluster already exists").await;
    // Not there at the first look, there at the second: made by someone else in between.
    let lookups = AtomicU32::new(0);
    let created = ok(client
        .post_create::<_, Value, _, _, _>(
            "/api/v2/ob/clusters",
            &json!({"name": "demo-cluster"}),
            || demo_after_first_look(&client, &lookups),
        )
        .await);
    assert_eq!(created.expect_existing().name, "demo-cluster");
    assert_eq!(sim.count("POST /api/v2/ob/clusters").await, 1);
}

#[tokio::test]
async fn post_create_retries_the_post_only_after_the_lookup_finds_nothing() {
    let (sim, client, path) = failing_restart(1, 503, 3).await;
    let lookups = AtomicU32::new(0);
    let created = ok(client
        .post_create::<_, TaskInstance, _, _, ()>(&path, &(), || nothing_found(&lookups))
        .await);
    let t = created.expect_new();
    assert!(t.id > 0 && !t.name.is_empty(), "{t:?}");
    // Once before the first POST, once after its failure.
    assert_eq!(lookups.load(Ordering::SeqCst), 2);
    assert_eq!(sim.count(RESTART).await, 2);
}

#[tokio::test]
async fn post_create_answered_already_exists_without_a_match_says_import_it() {
    let (sim, client) = conflicting_create("cluster c1 already exists").await;
    let lookups = AtomicU32::new(0);
    let err = expect_err(
        client
            .post_create::<_, Value, _, _, ()>(
                "/api/v2/ob/clusters",
                &json!({"name": "c1"}),
                || nothing_found(&lookups),
            )
            .await,
    );
    assert!(matches!(err, ClientError::AlreadyExists { .. }), "{err:?}");
    assert!(err.to_string().contains("terraform import"), "{err}");
    assert_eq!(sim.count("POST /api/v2/ob/clusters").await, 1);
}

#[tokio::test]
async fn post_create_gives_up_after_max_retries_when_nothing_is_found() {
    let (sim, client, path) = failing_restart(5, 500, 1).await;
    let lookups = AtomicU32::new(0);
    let res = client
        .post_create::<_, Value, _, _, ()>(&path, &(), || nothing_found(&lookups))
        .await;
    assert!(
        matches!(
            res,
            Err(ClientError::Api {
                http_status: 500,
                ..
            })
        ),
        "{res:?}"
    );
    assert_eq!(sim.count(RESTART).await, 2);
    sim.clear_faults().await;
}

#[tokio::test]
async fn list_all_pages_through_more_items_than_one_page() {
    let (sim, client, id) = TestSim::with_demo(0.3).await;
    sim.reset_requests().await;
    let zones: Vec<Value> = ok(client
        .list_all(
            &format!("/api/v2/ob/clusters/{id}/zones"),
            &[("size", "1".into())],
        )
        .await);
    let names: Vec<&str> = zones.iter().filter_map(|z| z["name"].as_str()).collect();
    assert_eq!(names, ["zone1", "zone2", "zone3"]);
    assert_eq!(sim.count("GET /api/v2/ob/clusters/{id}/zones").await, 3);
}

/// §1.4: OCP's tables spell the page count `totalPage` (the sample `totalPages`). A page that
/// gives only `totalPage` is paged through, not read as the last.
#[tokio::test]
async fn list_all_reads_the_page_count_spelled_total_page() {
    let (sim, client, id) = TestSim::with_demo(0.3).await;
    let path = format!("/api/v2/ob/clusters/{id}/zones");
    let page = json!({"successful": true, "status": 200, "data": {
        "contents": [{"name": "zone9"}], "page": {"number": 1, "size": 1, "totalPage": 2}}});
    sim.fault(json!({"garbage_next": 2, "body": page.to_string(), "path_prefix": path}))
        .await;
    sim.reset_requests().await;
    let zones: Vec<Value> = ok(client.list_all(&path, &[("size", "1".into())]).await);
    assert_eq!(zones.len(), 2, "{zones:?}");
    assert_eq!(sim.count("GET /api/v2/ob/clusters/{id}/zones").await, 2);
}

/// AK/SK (§1.2 B): a client with an access key signs every request (a GET, a query, a POST
/// with a body) and the simulator, which checks signatures on its own, accepts them; a wrong
/// secret is refused as bad credentials, and no error text carries the secret.
#[tokio::test]
async fn an_access_key_signs_requests_the_simulator_accepts() {
    let sim = TestSim::start_with(ocp_sim::SimConfig {
        access_key: Some(("AK-test".into(), "SK-test-secret-42".into())),
        ..Default::default()
    })
    .await;
    let signed = |secret: &str| {
        sim.client_with(|c| {
            c.username = "AK-test".into();
            c.password = Secret::new("");
            c.access_key = Some(AccessKey {
                id: "AK-test".into(),
                secret: Secret::new(secret),
            });
        })
    };
    let client = signed("SK-test-secret-42");
    ok(client.check_auth().await);
    let found: Vec<Value> = ok(client
        .list_all("/api/v2/ob/clusters", &[("name", "demo cluster/x".into())])
        .await);
    assert!(found.is_empty(), "{found:?}");
    let body = json!({"name": "signed-region", "description": "made with a signature"});
    let made: Value = ok(client
        .send_json(Method::POST, "/api/v2/compute/regions", &body)
        .await);
    assert_eq!(made["name"], "signed-region");

    let wrong = signed("SK-wrong");
    let err = expect_err(wrong.check_auth().await);
    assert!(matches!(err, ClientError::Unauthorized { .. }), "{err:?}");
    for text in [format!("{err}"), format!("{err:?}")] {
        assert!(
            !text.contains("SK-wrong") && !text.contains("SK-test-secret-42"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn absent_data_decodes_as_unit_or_none() {
    let sim = TestSim::start(0.3).await;
    let client = sim.client();
    // `/api/v2/time` has data; decoding it as Value works, and as Option<Value> gives Some.
    let t: Option<String> = ok(client.get("/api/v2/time", &[]).await);
    assert!(t.is_some());
    assert!(decode::<()>("GET", "/x", None).is_ok());
    assert!(matches!(decode::<Option<i64>>("GET", "/x", None), Ok(None)));
    assert!(matches!(
        decode::<i64>("GET", "/x", Some(json!("abc"))),
        Err(ClientError::Decode { .. })
    ));
}

#[tokio::test]
async fn unknown_paths_are_not_found() {
    let sim = TestSim::start(0.3).await;
    let client = sim.client();
    let err = expect_err(client.get::<Value>("/api/v2/no/such/thing", &[]).await);
    assert!(err.is_not_found(), "{err:?}");
    assert!(err.trace_id().is_some());
}

#[tokio::test]
async fn an_untrusted_tls_certificate_is_a_transport_error_that_explains_the_fix() {
    let sim = TestSim::start(0.3).await;
    let front = TlsFront::start(sim.sim.addr()).await;
    let client = sim.client_at(&front.url);
    let err = expect_err(client.check_auth().await);
    assert_transport(&err, TransportKind::Tls);
    let text = err.to_string();
    assert!(
        text.contains("certificate") && text.contains("ca_cert_file"),
        "{text}"
    );
    assert!(!err.is_retryable());
    assert_no_password(&err);
    println!("untrusted TLS: {text}");
}

#[tokio::test]
async fn a_tls_endpoint_is_trusted_with_its_ca_certificate_or_with_insecure() {
    let sim = TestSim::start(0.3).await;
    let front = TlsFront::start(sim.sim.addr()).await;
    let with_ca = sim.client_with(|c| {
        c.endpoint = front.url.clone();
        c.ca_cert_pem = Some(front.ca_pem.clone().into_bytes());
    });
    ok(with_ca.check_auth().await);
    let insecure = sim.client_with(|c| {
        c.endpoint = front.url.clone();
        c.insecure = true;
    });
    ok(insecure.check_auth().await);
}

#[tokio::test]
async fn a_get_whose_answer_was_lost_is_retried() {
    let sim = TestSim::start(0.3).await;
    let front = LossyFront::start(sim.sim.addr(), 1).await;
    let client = sim.client_at(&front.url);
    sim.reset_requests().await;
    let list: Vec<Value> = ok(client.list_all("/api/v2/ob/clusters", &[]).await);
    assert!(!list.is_empty());
    assert_eq!(sim.count("GET /api/v2/ob/clusters").await, 2);
}

#[tokio::test]
async fn post_create_adopts_what_a_post_with_a_lost_answer_created() {
    let (sim, _front, client, id) = TestSim::losing_first_post(0.5).await;
    let path = format!("/api/v2/ob/clusters/{id}/restart");
    let lookup = || async {
        let running: Vec<TaskInstance> = client
            .list_all(
                "/api/v2/tasks/instances",
                &[("clusterId", id.to_string()), ("status", "RUNNING".into())],
            )
            .await?;
        Ok(running.into_iter().next())
    };
    let created = client
        .post_create::<_, TaskInstance, _, _, _>(&path, &(), lookup)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let task = created.expect_adopted();
    assert_eq!(task.cluster_id(), Some(id));
    assert_eq!(sim.count("POST /api/v2/ob/clusters/{id}/restart").await, 1);
    let done = ok(client
        .wait_task(
            task.id,
            &WaitOptions::default(),
            &tokio_util::sync::CancellationToken::new(),
        )
        .await);
    assert!(done.is_successful());
}

/// An object in use: OCP's `ILLEGAL_STATE`, or a message naming the OBServer that uses it;
/// another refusal is not.
#[test]
fn in_use_is_ocps_illegal_state_or_a_message_naming_an_observer() {
    let api = |code: &str, message: &str| ClientError::Api {
        method: "DELETE",
        path: "/api/v2/compute/hosts/1".into(),
        http_status: 400,
        code: Some(code.into()),
        message: message.into(),
        trace_id: None,
    };
    assert!(api("ILLEGAL_STATE", "host 1 is busy").is_in_use());
    assert!(api("BAD_REQUEST", "host is used by OBServer 10.0.0.1:2882").is_in_use());
    assert!(!api("ILLEGAL_ARGUMENT", "invalid hostId").is_in_use());
}
