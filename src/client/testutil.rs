//! Test support: an in-process `ocp-sim` on `127.0.0.1:0`, clients pointed at it, and the
//! simulator's admin API (`/_sim/...`: faults, task faults, request counters).

use std::fmt::{Debug, Display};
use std::time::Duration;

use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use super::{ClientConfig, ClientError, OcpClient, Secret, TaskInstance, WaitOptions};

/// User of the test simulator.
pub(crate) const USER: &str = "admin";
/// Password of the test simulator: distinctive, so a leak is easy to find.
pub(crate) const PASSWORD: &str = "Tr0ub4dor&3-leak-canary";

/// A running simulator plus a plain HTTP client for its admin API.
pub(crate) struct TestSim {
    pub(crate) sim: ocp_sim::Sim,
    admin: reqwest::Client,
}

impl TestSim {
    /// Starts a simulator whose tasks take `task_seconds`.
    pub(crate) async fn start(task_seconds: f64) -> TestSim {
        TestSim::start_with(ocp_sim::SimConfig {
            task_seconds,
            ..Default::default()
        })
        .await
    }

    /// Starts a simulator with `cfg` but the tests' user and password.
    pub(crate) async fn start_with(cfg: ocp_sim::SimConfig) -> TestSim {
        let sim = ocp_sim::Sim::start(ocp_sim::SimConfig {
            username: USER.into(),
            password: PASSWORD.into(),
            ..cfg
        })
        .await
        .unwrap_or_else(|e| panic!("sim did not start: {e}"));
        TestSim {
            sim,
            admin: reqwest::Client::new(),
        }
    }

    /// The configuration of a client for this simulator (3 retries, 5 s per request).
    pub(crate) fn config(&self) -> ClientConfig {
        ClientConfig {
            endpoint: self.sim.url(),
            username: USER.into(),
            password: Secret::new(PASSWORD),
            access_key: None,
            ca_cert_pem: None,
            insecure: false,
            request_timeout: Duration::from_secs(5),
            max_retries: 3,
            user_agent: String::new(),
        }
    }

    /// Starts a simulator (tasks of `task_seconds`) with a client and the OCP id of the
    /// seeded `demo-cluster`.
    pub(crate) async fn with_demo(task_seconds: f64) -> (TestSim, OcpClient, i64) {
        let sim = TestSim::start(task_seconds).await;
        let client = sim.client();
        let id = sim.demo_cluster_id(&client).await;
        (sim, client, id)
    }

    /// A client with [`TestSim::config`].
    pub(crate) fn client(&self) -> OcpClient {
        self.client_with(|_| {})
    }

    /// A client with [`TestSim::config`] changed by `f`.
    pub(crate) fn client_with(&self, f: impl FnOnce(&mut ClientConfig)) -> OcpClient {
        let mut cfg = self.config();
        f(&mut cfg);
        OcpClient::new(cfg).unwrap_or_else(|e| panic!("client: {e}"))
    }

    async fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut rb = self
            .admin
            .request(method, format!("{}{path}", self.sim.url()));
        if let Some(b) = body {
            rb = rb
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let resp = rb
            .send()
            .await
            .unwrap_or_else(|e| panic!("admin {path}: {e}"));
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        assert!(status.is_success(), "admin {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// `POST /_sim/faults`.
    pub(crate) async fn fault(&self, body: Value) {
        self.admin(reqwest::Method::POST, "/_sim/faults", Some(body))
            .await;
    }

    /// Fails the next `count` `method` requests under `path_prefix` with HTTP `status`.
    pub(crate) async fn fail_next(&self, count: u32, status: u16, method: &str, path_prefix: &str) {
        self.fault(json!({"fail_next": count, "status": status,
                          "path_prefix": path_prefix, "method": method}))
            .await;
    }

    /// `POST /_sim/config` (simulator settings such as `host_delete_task`).
    pub(crate) async fn configure(&self, body: Value) {
        self.admin(reqwest::Method::POST, "/_sim/config", Some(body))
            .await;
    }

    /// `DELETE /_sim/faults`.
    pub(crate) async fn clear_faults(&self) {
        self.admin(reqwest::Method::DELETE, "/_sim/faults", None)
            .await;
    }

    /// `POST /_sim/tasks/fail_next`.
    pub(crate) async fn fail_next_task(&self, subtask: u32, message: &str) {
        self.admin(
            reqwest::Method::POST,
            "/_sim/tasks/fail_next",
            Some(json!({"subtask": subtask, "message": message})),
        )
        .await;
    }

    /// `POST /_sim/tasks/stuck_next`.
    pub(crate) async fn stuck_next_task(&self) {
        self.admin(reqwest::Method::POST, "/_sim/tasks/stuck_next", None)
            .await;
    }

    /// `GET /_sim/requests`.
    pub(crate) async fn requests(&self) -> Value {
        self.admin(reqwest::Method::GET, "/_sim/requests", None)
            .await
    }

    /// How many requests the simulator saw for a route key such as
    /// `GET /api/v2/ob/clusters/{id}`.
    pub(crate) async fn count(&self, route: &str) -> u64 {
        self.requests().await["by_route"][route]
            .as_u64()
            .unwrap_or(0)
    }

    /// `DELETE /_sim/requests`.
    pub(crate) async fn reset_requests(&self) {
        self.admin(reqwest::Method::DELETE, "/_sim/requests", None)
            .await;
    }

    /// OCP id of the seeded `demo-cluster`.
    pub(crate) async fn demo_cluster_id(&self, client: &OcpClient) -> i64 {
        let list: Vec<Value> = client
            .list_all("/api/v2/ob/clusters", &[("name", "demo-cluster".into())])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        list.iter()
            .find(|c| c["name"] == "demo-cluster")
            .and_then(|c| c["id"].as_i64())
            .unwrap_or_else(|| panic!("no demo-cluster in {list:?}"))
    }
}

/// The value of a call that must succeed.
pub(crate) fn ok<T, E: Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// The error of a call that must fail.
pub(crate) fn expect_err<T: Debug, E>(r: Result<T, E>) -> E {
    match r {
        Err(e) => e,
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

/// Waits (at most 60 s) for task `id`, which must succeed.
pub(crate) async fn wait_ok(client: &OcpClient, id: i64) -> TaskInstance {
    let done = ok(client
        .wait_task(
            id,
            &WaitOptions::with_timeout(Duration::from_secs(60)),
            &CancellationToken::new(),
        )
        .await);
    assert!(done.is_successful(), "{done:?}");
    done
}

/// Asserts that no text of `err` (Display, Debug, summary, detail) contains the password.
pub(crate) fn assert_no_password(err: &ClientError) {
    assert_hidden(err, PASSWORD);
}

/// A listener on a free port of `127.0.0.1`, and that port.
async fn local_listener() -> (tokio::net::TcpListener, u16) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let port = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{e}"))
        .port();
    (listener, port)
}

/// A TLS terminator in front of a simulator: accepts HTTPS on `127.0.0.1` with a fresh
/// self-signed certificate for `127.0.0.1` and forwards the plain bytes to the simulator.
/// Dropping it stops accepting.
pub(crate) struct TlsFront {
    /// `https://127.0.0.1:<port>`.
    pub(crate) url: String,
    /// PEM of the self-signed certificate (the CA to trust).
    pub(crate) ca_pem: String,
    task: tokio::task::JoinHandle<()>,
}

impl TlsFront {
    /// Starts the front for the simulator at `backend`.
    pub(crate) async fn start(backend: std::net::SocketAddr) -> TlsFront {
        use std::sync::Arc;

        let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
            .unwrap_or_else(|e| panic!("rcgen: {e}"));
        let ca_pem = ck.cert.pem();
        let cert = ck.cert.der().clone();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.signing_key.serialize_der().into());
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let cfg = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap_or_else(|e| panic!("rustls: {e}"))
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap_or_else(|e| panic!("rustls: {e}"));
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
        let (listener, port) = local_listener().await;
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let Ok(mut up) = tokio::net::TcpStream::connect(backend).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
                });
            }
        });
        TlsFront {
            url: format!("https://127.0.0.1:{port}"),
            ca_pem,
            task,
        }
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A TCP relay in front of a simulator that loses the answers on its first `lose_first`
/// connections: the request reaches the simulator and is handled, then the connection is
/// closed before any byte of the answer reaches the client (a lost response). Later
/// connections are relayed unchanged.
pub(crate) struct LossyFront {
    /// `http://127.0.0.1:<port>`.
    pub(crate) url: String,
    task: tokio::task::JoinHandle<()>,
}

impl LossyFront {
    /// Starts the relay for the simulator at `backend`.
    pub(crate) async fn start(backend: std::net::SocketAddr, lose_first: usize) -> LossyFront {
        use tokio::io::AsyncReadExt as _;

        let (listener, port) = local_listener().await;
        let task = tokio::spawn(async move {
            let mut n = 0usize;
            while let Ok((mut client, _)) = listener.accept().await {
                let lose = n < lose_first;
                n += 1;
                tokio::spawn(async move {
                    let Ok(mut up) = tokio::net::TcpStream::connect(backend).await else {
                        return;
                    };
                    if !lose {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut up).await;
                        return;
                    }
                    let (mut client_read, client_write) = client.into_split();
                    let (mut up_read, mut up_write) = up.into_split();
                    let forward = tokio::spawn(async move {
                        let _ = tokio::io::copy(&mut client_read, &mut up_write).await;
                    });
                    // The first byte of the answer means the request was handled.
                    let mut first = [0u8; 1];
                    let _ = up_read.read(&mut first).await;
                    forward.abort();
                    drop(client_write);
                });
            }
        });
        LossyFront {
            url: format!("http://127.0.0.1:{port}"),
            task,
        }
    }
}

impl LossyFront {
    /// Starts a relay that loses the answers to the first `lose_posts` POST requests, on
    /// whatever connection they come (the client's keep-alive connections carry the GETs
    /// of a create's look-ups too). A POST reaches the simulator and is handled; the
    /// connection is then closed at the first byte of its answer. HTTP/1.1 without
    /// pipelining: every earlier answer on the connection was complete before the POST went.
    pub(crate) async fn losing_posts(
        backend: std::net::SocketAddr,
        lose_posts: usize,
    ) -> LossyFront {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

        let (listener, port) = local_listener().await;
        let lost = std::sync::Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let lost = lost.clone();
                tokio::spawn(async move {
                    let Ok(up) = tokio::net::TcpStream::connect(backend).await else {
                        return;
                    };
                    let (mut client_read, mut client_write) = client.into_split();
                    let (mut up_read, mut up_write) = up.into_split();
                    let losing = std::sync::Arc::new(AtomicBool::new(false));
                    let flag = losing.clone();
                    let forward = tokio::spawn(async move {
                        let mut buf = vec![0u8; 16 * 1024];
                        loop {
                            let n = match client_read.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => n,
                            };
                            if buf[..n].starts_with(b"POST ")
                                && lost.fetch_add(1, Ordering::SeqCst) < lose_posts
                            {
                                flag.store(true, Ordering::SeqCst);
                            }
                            if up_write.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    });
                    let mut buf = vec![0u8; 16 * 1024];
                    loop {
                        let n = match up_read.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        if losing.load(Ordering::SeqCst) {
                            break;
                        }
                        if client_write.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    forward.abort();
                });
            }
        });
        LossyFront {
            url: format!("http://127.0.0.1:{port}"),
            task,
        }
    }
}

impl Drop for LossyFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Asserts that no text of `err` (Display, Debug, summary, detail) contains `secret`.
pub(crate) fn assert_hidden(err: &ClientError, secret: &str) {
    let (summary, detail) = err.summary_detail();
    for text in [format!("{err}"), format!("{err:?}"), summary, detail] {
        assert!(
            !text.contains(secret),
            "a secret leaked into an error text: {text}"
        );
    }
}

/// OCP's refusal of a `POST path` (HTTP 400) with `code`, `message` and `trace_id`, as the
/// client builds it from an error envelope.
pub(crate) fn api_error(
    path: &str,
    code: &str,
    message: &str,
    trace_id: Option<&str>,
) -> ClientError {
    ClientError::Api {
        method: "POST",
        path: path.into(),
        http_status: 400,
        code: Some(code.into()),
        message: message.into(),
        trace_id: trace_id.map(Into::into),
    }
}

/// Asserts that `secret`, echoed by OCP in the message of a refusal, is masked by
/// [`ClientError::mask`] in every text of the error and the rest of the message stays.
pub(crate) fn assert_echo_masked(secret: &str) {
    let message = format!("password {secret} is too weak");
    let err = api_error("/p", "ILLEGAL_ARGUMENT", &message, None);
    let masked = err.mask(&Secret::new(secret));
    assert_hidden(&masked, secret);
    assert!(
        masked.to_string().contains("password *** is too weak"),
        "{masked}"
    );
}

impl TestSim {
    /// A client of this simulator reached through a front at `url`.
    pub(crate) fn client_at(&self, url: &str) -> OcpClient {
        self.client_with(|c| c.endpoint = url.to_owned())
    }

    /// Makes the next `method` request under `path` fail with HTTP 400 and OCP's `message`
    /// (an OCP refusal that may echo what it was sent).
    pub(crate) async fn refuse_next(&self, method: &str, path: &str, message: &str) {
        self.fault(json!({"fail_next": 1, "status": 400, "path_prefix": path,
                          "method": method, "message": message}))
            .await;
    }

    /// Makes the next POST under `path` fail with HTTP 500 and sets the request counters to
    /// zero: a create that still sends its POST fails, and the counters show none went.
    pub(crate) async fn refuse_next_post(&self, path: &str) {
        self.reset_requests().await;
        self.fail_next(1, 500, "POST", path).await;
    }

    /// Starts a simulator (tasks of `task_seconds`) with the OCP id of `demo-cluster`, and a
    /// client reaching it through a relay that loses the answer to the first POST; the
    /// request counters start at zero. Keep the relay for as long as the client is used.
    pub(crate) async fn losing_first_post(
        task_seconds: f64,
    ) -> (TestSim, LossyFront, OcpClient, i64) {
        let (sim, _, id) = TestSim::with_demo(task_seconds).await;
        let front = LossyFront::losing_posts(sim.sim.addr(), 1).await;
        let client = sim.client_at(&front.url);
        sim.reset_requests().await;
        (sim, front, client, id)
    }
}
