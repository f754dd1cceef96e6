//! Helpers shared by the fault, restart and TLS tests.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use ocp_sim::Sim;
use serde_json::{json, Value};

pub const CLUSTER: i64 = 1_000_001;
pub const TENANTS: &str = "/api/v2/ob/clusters/1000001/tenants";
pub const PASSWORD: &str = "Tenant_pw_123";

/// A fresh, empty directory under the system temp dir (removed by [`TempDir`]'s drop).
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
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

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub body: Value,
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub user: String,
    pub pass: String,
}

impl Client {
    pub fn new(sim: &Sim) -> Self {
        Self::with_http(sim, reqwest::Client::new())
    }

    pub fn with_http(sim: &Sim, http: reqwest::Client) -> Self {
        let cfg = sim.state().config().clone();
        Client {
            http,
            base: sim.url(),
            user: cfg.username,
            pass: cfg.password,
        }
    }

    pub fn at(base: &str, user: &str, pass: &str) -> Self {
        Client {
            http: reqwest::Client::new(),
            base: base.to_string(),
            user: user.to_string(),
            pass: pass.to_string(),
        }
    }

    /// Send a request; `Err` is the transport error (no HTTP answer).
    pub async fn try_send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Resp, reqwest::Error> {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if !path.starts_with("/_sim") {
            req = req.basic_auth(&self.user, Some(&self.pass));
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await?;
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Resp {
            status,
            headers,
            text,
            body,
        })
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Resp {
        self.try_send(method.clone(), path, body)
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// `POST /_sim/faults` (must succeed).
    pub async fn fault(&self, body: Value) -> Value {
        let r = self.post("/_sim/faults", body.clone()).await;
        assert_eq!(r.status, 200, "POST /_sim/faults {body}: {}", r.text);
        r.body
    }

    pub async fn clear_faults(&self) {
        assert_eq!(self.delete("/_sim/faults").await.status, 200);
    }

    pub async fn data(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status, 200, "GET {path}: {}", r.text);
        r.body["data"].clone()
    }

    pub async fn task(&self, id: i64) -> Value {
        self.data(&format!("/api/v2/tasks/instances/{id}")).await
    }

    pub async fn wait_task(&self, id: i64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let t = self.task(id).await;
            if t["status"] != "RUNNING" {
                return t;
            }
            assert!(Instant::now() < deadline, "task {id} did not finish: {t}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Names of the tenants of the demo cluster.
    pub async fn tenant_names(&self) -> Vec<String> {
        let d = self.data(&format!("{TENANTS}?size=100")).await;
        d["contents"]
            .as_array()
            .expect("contents")
            .iter()
            .map(|t| t["name"].as_str().unwrap_or("?").to_string())
            .collect()
    }

    /// The tenant of the demo cluster named `name`, if any.
    pub async fn tenant(&self, name: &str) -> Option<Value> {
        let d = self.data(&format!("{TENANTS}?size=100")).await;
        d["contents"]
            .as_array()
            .expect("contents")
            .iter()
            .find(|t| t["name"] == name)
            .cloned()
    }
}

/// A createTenant body (MySQL unless `mode` says otherwise; zone1 and zone2, S1).
pub fn tenant_body(name: &str, mode: &str) -> Value {
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
pub async fn spawn_bin(args: &[&str]) -> (std::process::Child, String) {
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
pub fn run_bin(args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ocp-sim"))
        .args(args)
        .output()
        .expect("run ocp-sim");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
