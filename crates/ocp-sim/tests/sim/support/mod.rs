//! Helpers shared by the test modules: a basic-auth HTTP client, response checks, tasks, faults,
//! temporary directories and running the binary.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ocp_sim::{Sim, SimConfig};
use serde_json::{json, Value};

pub(crate) const CLUSTER: i64 = 1_000_001;
pub(crate) const SYS: i64 = 1_002_001;
pub(crate) const TENANTS: &str = "/api/v2/ob/clusters/1000001/tenants";
/// The root password of [`tenant_body`].
const PASSWORD: &str = "Tenant_pw_123";

/// A fresh, empty directory under the system temp dir (removed by [`TempDir`]'s drop).
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(tag: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ocp-sim-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An HTTP answer: `body` is the parsed JSON, `Null` when `text` is not JSON.
#[derive(Debug)]
pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) text: String,
    pub(crate) body: Value,
}

impl Resp {
    /// `error.code` of an error envelope (empty otherwise).
    pub(crate) fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// `error.message` of an error envelope (empty otherwise).
    pub(crate) fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or("")
    }

    /// `data` of a successful envelope.
    #[track_caller]
    pub(crate) fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "{}", self.text);
        assert_eq!(self.body["successful"], true, "{}", self.text);
        &self.body["data"]
    }

    /// `data.id` of a successful envelope: the task a write started.
    #[track_caller]
    pub(crate) fn task_id(&self) -> i64 {
        self.ok()["id"].as_i64().expect("task id")
    }

    /// A successful envelope without `data`.
    #[track_caller]
    pub(crate) fn no_data(&self) {
        assert_eq!(self.status, 200, "{}", self.text);
        assert!(self.body.get("data").is_none(), "{}", self.text);
    }

    /// An error envelope with `status`, `code` and a message containing `needle`.
    #[track_caller]
    pub(crate) fn assert_err(&self, status: u16, code: &str, needle: &str) {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(self.code(), code, "{}", self.text);
        assert_eq!(self.body["successful"], false, "{}", self.text);
        assert!(
            self.message().contains(needle),
            "message {:?} lacks {needle:?}",
            self.message()
        );
    }
}

/// A client of one simulator: basic auth on the OCP API, none on the `/_sim` admin API. It keeps
/// every response body, for [`Client::assert_no_leak`].
pub(crate) struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) base: String,
    user: String,
    pass: String,
    seen: Mutex<Vec<String>>,
}

impl Client {
    pub(crate) fn new(sim: &Sim) -> Self {
        Self::with_http(sim, reqwest::Client::new())
    }

    pub(crate) fn with_http(sim: &Sim, http: reqwest::Client) -> Self {
        let cfg = sim.state().config().clone();
        let mut c = Client::at(&sim.url(), &cfg.username, &cfg.password);
        c.http = http;
        c
    }

    pub(crate) fn at(base: &str, user: &str, pass: &str) -> Self {
        Client {
            http: reqwest::Client::new(),
            base: base.to_string(),
            user: user.to_string(),
            pass: pass.to_string(),
            seen: Mutex::default(),
        }
    }

    async fn exchange(&self, req: reqwest::RequestBuilder) -> Result<Resp, reqwest::Error> {
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await?;
        self.seen.lock().expect("lock").push(text.clone());
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Resp {
            status,
            headers,
            text,
            body,
        })
    }

    /// A request to `path`, with basic auth unless it is on the admin API.
    pub(crate) fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let req = self.http.request(method, format!("{}{}", self.base, path));
        if path.starts_with("/_sim") {
            req
        } else {
            req.basic_auth(&self.user, Some(&self.pass))
        }
    }

    /// Send a request; `Err` is the transport error (no HTTP answer).
    pub(crate) async fn try_send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Resp, reqwest::Error> {
        let mut req = self.request(method, path);
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.exchange(req).await
    }

    pub(crate) async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Resp {
        self.try_send(method.clone(), path, body)
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// Send a request without credentials.
    pub(crate) async fn send_anonymous(&self, method: reqwest::Method, path: &str) -> Resp {
        let req = self
            .http
            .request(method.clone(), format!("{}{}", self.base, path));
        self.exchange(req)
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    pub(crate) async fn get(&self, path: &str) -> Resp {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    /// A POST without a body.
    pub(crate) async fn post_empty(&self, path: &str) -> Resp {
        self.send(reqwest::Method::POST, path, None).await
    }

    pub(crate) async fn put(&self, path: &str, body: Value) -> Resp {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    pub(crate) async fn patch(&self, path: &str, body: Value) -> Resp {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }

    pub(crate) async fn delete(&self, path: &str) -> Resp {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// `data` of a successful GET.
    pub(crate) async fn data(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status, 200, "GET {path}: {}", r.text);
        assert_eq!(r.body["successful"], true, "GET {path}: {}", r.text);
        r.body["data"].clone()
    }

    /// `data.page.totalElements` of a paged list.
    pub(crate) async fn total(&self, path: &str) -> u64 {
        self.data(path).await["page"]["totalElements"]
            .as_u64()
            .expect("totalElements")
    }

    pub(crate) async fn task(&self, id: i64) -> Value {
        self.data(&format!("/api/v2/tasks/instances/{id}")).await
    }

    /// Moves a virtual-clock simulator's time `seconds` forward.
    pub(crate) async fn advance(&self, seconds: f64) {
        let r = self
            .post(
                "/_sim/clock/advance",
                serde_json::json!({"seconds": seconds}),
            )
            .await;
        assert_eq!(r.status, 200, "advance the clock: {}", r.text);
    }

    /// The id of the last subtask of a stuck task, once it runs: a stuck task keeps it RUNNING
    /// for ever (an earlier subtask may end between a read and a cancel).
    pub(crate) async fn stuck_subtask(&self, id: i64) -> i64 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let t = self.task(id).await;
            let last = t["subtasks"]
                .as_array()
                .and_then(|s| s.last())
                .cloned()
                .expect("subtasks");
            if last["status"] == "RUNNING" {
                return last["id"].as_i64().expect("subtask id");
            }
            assert!(Instant::now() < deadline, "task {id} never got stuck: {t}");
            // Polling a condition (the stuck last subtask) with a deadline.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The task at its end: a task still running is ended now (`POST /_sim/tasks/{id}/finish`:
    /// its remaining subtasks run at this instant, an armed failure still strikes), so no test
    /// waits for task time to pass. A stuck task is released too.
    pub(crate) async fn wait_task(&self, id: i64) -> Value {
        // Refused (400) when the task already ended by itself: nothing to do then.
        self.post_empty(&format!("/_sim/tasks/{id}/finish")).await;
        let t = self.task(id).await;
        assert_ne!(t["status"], "RUNNING", "task {id} did not end: {t}");
        t
    }

    /// The task once it has finished, which must be SUCCESSFUL.
    pub(crate) async fn wait_ok(&self, id: i64) -> Value {
        let t = self.wait_task(id).await;
        assert_eq!(t["status"], "SUCCESSFUL", "{t}");
        t
    }

    /// `POST /_sim/faults` (must succeed).
    pub(crate) async fn fault(&self, body: Value) -> Value {
        let r = self.post("/_sim/faults", body.clone()).await;
        assert_eq!(r.status, 200, "POST /_sim/faults {body}: {}", r.text);
        r.body
    }

    pub(crate) async fn clear_faults(&self) {
        assert_eq!(self.delete("/_sim/faults").await.status, 200);
    }

    /// The tenant of the demo cluster named `name`, if any.
    pub(crate) async fn tenant_named(&self, name: &str) -> Option<Value> {
        let d = self.data(&format!("{TENANTS}?size=100")).await;
        d["contents"]
            .as_array()
            .expect("contents")
            .iter()
            .find(|t| t["name"] == name)
            .cloned()
    }

    /// Some response has been received and none contained any of `needles` (secrets are
    /// write-only).
    pub(crate) fn assert_no_leak(&self, needles: &[&str]) {
        let seen = self.seen.lock().expect("lock");
        assert!(!seen.is_empty());
        for body in seen.iter() {
            for n in needles {
                assert!(!body.contains(n), "{n} leaked in {body}");
            }
        }
    }
}

/// A simulator with the default configuration but `task_seconds`, and a client of it.
pub(crate) async fn sim(task_seconds: f64) -> (Sim, Client) {
    let sim = Sim::start(SimConfig {
        task_seconds,
        ..SimConfig::default()
    })
    .await
    .expect("start sim");
    let c = Client::new(&sim);
    (sim, c)
}

/// A simulator on the virtual clock (time moves only through `/_sim/clock/advance`) whose
/// tasks take `task_seconds` of that clock, and a client of it.
pub(crate) async fn sim_virtual(task_seconds: f64) -> (Sim, Client) {
    let sim = Sim::start(SimConfig {
        task_seconds,
        clock: ocp_sim::ClockKind::Virtual,
        ..SimConfig::default()
    })
    .await
    .expect("start sim");
    let c = Client::new(&sim);
    (sim, c)
}

/// The statuses of a task's subtasks, in order.
pub(crate) fn statuses(task: &Value) -> Vec<String> {
    task["subtasks"]
        .as_array()
        .expect("subtasks")
        .iter()
        .map(|s| s["status"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// A createTenant body (MySQL unless `mode` says otherwise; zone1 and zone2, S1).
pub(crate) fn tenant_body(name: &str, mode: &str) -> Value {
    let zone = |z: &str| {
        json!({"name": z, "replicaType": "FULL",
               "resourcePool": {"unitSpecName": "S1", "unitCount": 1}})
    };
    json!({
        "name": name,
        "mode": mode,
        "primaryZone": "zone1;zone2",
        "rootPassword": PASSWORD,
        "zones": [zone("zone1"), zone("zone2")],
    })
}

/// Spawn the binary with `args`; returns the child and the base URL from its first line.
pub(crate) async fn spawn_bin(args: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ocp-sim"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn ocp-sim");
    let stdout = child.stdout.take().expect("stdout");
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .map(|_| line)
    })
    .await
    .expect("join")
    .expect("read line");
    let url = line
        .trim_end()
        .strip_prefix("ocp-sim listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    (child, url)
}

/// Run the binary to completion with `args`: (success, stderr).
pub(crate) fn run_bin(args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ocp-sim"))
        .args(args)
        .output()
        .expect("run ocp-sim");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
