//! [`SharedState`]: the handle on the simulator's state shared by the router and by tests.
//!
//! It holds the [`Store`] behind a mutex together with what is not part of the simulated world:
//! the configuration, the HTTP fault rules, the request log and the state file. Locking it
//! ([`SharedState::lock`]) first advances every running task to the simulator clock's now (see
//! [`crate::domain::tasks`]), so every reader sees an up-to-date world without background threads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::faults::{FaultPlan, HttpFault, HttpFaults, Phase, RequestLog, TaskFault};
use crate::state::{sanitize_seconds, SimConfig, Store};

struct Inner {
    config: SimConfig,
    store: Mutex<Store>,
    faults: Mutex<HttpFaults>,
    requests: Mutex<RequestLog>,
    /// Where the state is saved (`None`: not persisted).
    state_file: Option<PathBuf>,
    /// Serialises saves so that an older snapshot never overwrites a newer one.
    save_lock: Mutex<()>,
}

/// Cheap-to-clone handle on the simulator state, shared by the router and by tests.
#[derive(Clone)]
pub struct SharedState {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SharedState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedState")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SharedState {
    /// Fresh seeded state, or the state of [`SimConfig::state_file`] when that file exists.
    /// A state file that cannot be loaded or written is reported on stderr and the state is
    /// then seeded and not saved; use [`SharedState::try_new`] to get the error instead.
    pub fn new(config: SimConfig) -> Self {
        match Self::try_new(config.clone()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("ocp-sim: {e}; starting from the seed without a state file");
                let store = Store::seeded(&config);
                Self::build(config, store, None)
            }
        }
    }

    /// Like [`SharedState::new`], but a state file that cannot be read, parsed or written is an
    /// error. When [`SimConfig::state_file`] is set, the state is saved once at once (so the
    /// file exists from the start). The login, `task_seconds` and task creator come from
    /// `config`, not from the file.
    pub fn try_new(config: SimConfig) -> std::io::Result<Self> {
        let Some(path) = config.state_file.clone() else {
            let store = Store::seeded(&config);
            return Ok(Self::build(config, store, None));
        };
        let store = match crate::persist::load(&path)? {
            Some(mut store) => {
                store.task_seconds = sanitize_seconds(config.task_seconds);
                store.creator = config.username.clone();
                store.clock = crate::clock::Clock::new(config.clock);
                store
            }
            None => Store::seeded(&config),
        };
        let state = Self::build(config, store, Some(path));
        state.save_state()?;
        Ok(state)
    }

    /// State around a caller-built store (e.g. [`Store::empty`]); never persisted.
    pub fn with_store_value(config: SimConfig, store: Store) -> Self {
        Self::build(config, store, None)
    }

    fn build(config: SimConfig, store: Store, state_file: Option<PathBuf>) -> Self {
        SharedState {
            inner: Arc::new(Inner {
                config,
                store: Mutex::new(store),
                faults: Mutex::new(HttpFaults::default()),
                requests: Mutex::new(RequestLog::default()),
                state_file,
                save_lock: Mutex::new(()),
            }),
        }
    }

    /// The file the state is saved to, if any.
    pub fn state_file(&self) -> Option<&Path> {
        self.inner.state_file.as_deref()
    }

    /// Save the state to [`SharedState::state_file`] now (atomically; running tasks are first
    /// advanced to now). Returns `Ok(false)` when there is no state file.
    pub fn save_state(&self) -> std::io::Result<bool> {
        let Some(path) = self.inner.state_file.as_deref() else {
            return Ok(false);
        };
        let _order = relock(&self.inner.save_lock);
        let bytes = {
            let mut store = self.lock();
            store.dirty = false;
            crate::persist::to_bytes(&store)?
        };
        crate::persist::write_atomic(path, &bytes)?;
        Ok(true)
    }

    /// After a request (used by the middleware): save when it wrote (`wrote`) or when task
    /// progress changed the state since the last save. Errors are reported on stderr.
    pub(crate) fn persist_after_request(&self, wrote: bool) {
        if self.inner.state_file.is_none() {
            return;
        }
        let dirty = relock(&self.inner.store).dirty;
        if wrote || dirty {
            if let Err(e) = self.save_state() {
                eprintln!("ocp-sim: cannot save the state: {e}");
            }
        }
    }

    /// The configuration the simulator was started with.
    pub fn config(&self) -> &SimConfig {
        &self.inner.config
    }

    /// Lock the store after advancing all running tasks to now.
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        let mut g = relock(&self.inner.store);
        let now = g.now();
        g.advance(now);
        g
    }

    /// Run `f` on the (advanced) store.
    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut self.lock())
    }

    /// The clock the simulated world runs on.
    pub fn clock(&self) -> crate::clock::Clock {
        relock(&self.inner.store).clock
    }

    /// Move the virtual clock forward by `seconds` (tasks and backup schedules follow) and
    /// return the new now (epoch ms). An error under the wall clock or for a negative or
    /// non-finite value.
    pub fn advance_clock(&self, seconds: f64) -> Result<i64, String> {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return Err("seconds must be a finite number >= 0".into());
        }
        let mut store = self.lock();
        let now = store.clock.advance((seconds * 1000.0).round() as i64)?;
        store.advance(now);
        store.dirty = true;
        Ok(now)
    }

    /// Bring running task `id` to its end now (see [`Store::finish_task`]); with `failure`, make
    /// it fail with that message.
    pub fn finish_task(&self, id: i64, failure: Option<String>) -> Result<(), crate::ApiError> {
        let mut store = self.lock();
        store.finish_task(id, failure)?;
        store.dirty = true;
        Ok(())
    }

    /// Change the duration of tasks created from now on.
    pub fn set_task_seconds(&self, seconds: f64) {
        self.lock().task_seconds = sanitize_seconds(seconds);
    }

    /// Set the wall time between two scheduled data backups of an enabled backup schedule
    /// (at least 0.01 s); a value that is not a positive finite number restores the default,
    /// `max(1, 5 × task_seconds)` seconds. See [`crate::domain::backup`].
    pub fn set_backup_period_seconds(&self, seconds: f64) {
        let mut store = self.lock();
        let now = store.now();
        crate::domain::backup::set_period(&mut store, Some(seconds), now);
    }

    /// The backup period in effect, in seconds.
    pub fn backup_period_seconds(&self) -> f64 {
        crate::domain::backup::period_ms(&self.lock()) as f64 / 1000.0
    }

    /// Sets the capacity every OBServer offers to units (CPU cores and memory GB), e.g. to
    /// hold hundreds of tenants in load tests. The seed gives each server 16 cores and 64 GB.
    /// OBServers deployed later (cluster create, add zone/OBServer) get the same capacity.
    pub fn set_server_capacity(&self, cpu: f64, memory_gb: f64) {
        let mut store = self.lock();
        store.server_capacity = (cpu, memory_gb);
        for server in store.servers.values_mut() {
            server.cpu_total = cpu;
            server.memory_total_gb = memory_gb;
        }
    }

    /// Arm an HTTP fault rule (see [`HttpFault`]).
    pub fn add_fault(&self, fault: HttpFault) {
        relock(&self.inner.faults).add(fault);
    }

    /// The next `n` requests (outside `/_sim/`) fail with `status` and an error envelope.
    pub fn fail_next_requests(&self, n: u32, status: u16) {
        self.add_fault(HttpFault::fail(n, status));
    }

    /// The next `n` responses (outside `/_sim/`) are delayed by `delay_ms`.
    pub fn delay_next_requests(&self, n: u32, delay_ms: u64) {
        self.add_fault(HttpFault::delay(n, delay_ms));
    }

    /// Armed HTTP fault rules.
    pub fn faults(&self) -> Vec<HttpFault> {
        relock(&self.inner.faults).rules().to_vec()
    }

    /// Every matching request (outside `/_sim/`) fails with probability `fraction`, the status
    /// drawn uniformly from `statuses` (503 when empty), until [`SharedState::clear_faults`].
    /// Deterministic for a given `seed`.
    pub fn fail_fraction(&self, fraction: f64, statuses: Vec<u16>, seed: u64) {
        self.add_fault(HttpFault::fraction(fraction, statuses).seed(seed));
    }

    /// The next `n` requests (outside `/_sim/`) get their connection closed without an answer;
    /// with [`Phase::After`] the handler runs fully first (e.g. a create is applied).
    pub fn reset_next_requests(&self, n: u32, phase: Phase) {
        self.add_fault(HttpFault::reset(n, phase));
    }

    /// The next `n` requests (outside `/_sim/`) are answered with `status` and `body` (not an
    /// OCP envelope) instead of being processed.
    pub fn garbage_next_requests(&self, n: u32, status: u16, body: impl Into<String>) {
        self.add_fault(HttpFault::garbage(n, status, body));
    }

    /// Take the HTTP faults matching one request (used by the middleware).
    pub(crate) fn take_faults(&self, method: &str, path: &str) -> FaultPlan {
        relock(&self.inner.faults).plan(method, path)
    }

    /// Clear all HTTP fault rules and all armed task faults.
    pub fn clear_faults(&self) {
        relock(&self.inner.faults).clear();
        relock(&self.inner.store).task_faults.clear();
    }

    /// The next created task fails at its `subtask`-th subtask (1-based, seriesId order) and
    /// that subtask's log ends with `message`.
    pub fn fail_next_task(&self, subtask: usize, message: impl Into<String>) {
        relock(&self.inner.store)
            .task_faults
            .push_back(TaskFault::FailAt {
                subtask: subtask.max(1),
                message: message.into(),
            });
    }

    /// The next created task never finishes: its last subtask stays `RUNNING` until cancelled.
    pub fn stuck_next_task(&self) {
        relock(&self.inner.store)
            .task_faults
            .push_back(TaskFault::Stuck);
    }

    /// Record a request (used by the middleware); returns its sequence number.
    pub(crate) fn record_request(&self, method: &str, path: &str, query: Option<&str>) -> u64 {
        relock(&self.inner.requests).record(method, path, query)
    }

    /// Record the status of a recorded request (used by the middleware).
    pub(crate) fn record_status(&self, seq: u64, status: u16) {
        relock(&self.inner.requests).set_status(seq, status);
    }

    /// Record that a request's connection was closed without an answer (used by the middleware).
    pub(crate) fn record_dropped(&self, seq: u64) {
        relock(&self.inner.requests).set_dropped(seq);
    }

    /// Number of requests (outside `/_sim/`) received since start or the last reset.
    pub fn request_count(&self) -> u64 {
        relock(&self.inner.requests).count()
    }

    /// Request counts by route, e.g. `"GET /api/v2/ob/clusters/{id}" → 2`.
    pub fn requests_by_route(&self) -> BTreeMap<String, u64> {
        relock(&self.inner.requests).by_route().clone()
    }

    /// Count of one route key (`"METHOD /templated/path"`), 0 if never seen.
    pub fn route_count(&self, route: &str) -> u64 {
        relock(&self.inner.requests)
            .by_route()
            .get(route)
            .copied()
            .unwrap_or(0)
    }

    /// Snapshot of the request log as JSON (the body of `GET /_sim/requests`).
    pub fn requests_json(&self) -> serde_json::Value {
        relock(&self.inner.requests).to_json()
    }

    /// Reset request counters and the recent-request log.
    pub fn reset_requests(&self) {
        relock(&self.inner.requests).reset();
    }
}
