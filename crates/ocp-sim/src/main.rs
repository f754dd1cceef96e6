//! `ocp-sim` command line: run the OCP simulator until SIGTERM / SIGINT.
//!
//! ```text
//! ocp-sim --listen 127.0.0.1:PORT --username U --password P [--task-seconds S] [--clock virtual]
//!         [--state-file PATH] [--tls-cert PEM --tls-key PEM]
//!         [--fail-fraction F [--fail-statuses 500,502,503,429] [--retry-after S] [--fault-seed N]]
//! ```
//!
//! The first stdout line is exactly `ocp-sim listening on http://ADDR` (`https://` with TLS;
//! ADDR = bound ip:port, so port 0 reveals the picked port), flushed immediately.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use ocp_sim::faults::DEFAULT_SEED;
use ocp_sim::{HttpFault, Sim, SimConfig};

const HELP: &str = "\
ocp-sim: simulator of the OceanBase Cloud Platform (OCP) REST API v2

USAGE:
    ocp-sim [--listen ADDR] [--username U] [--password P] [--access-key ID:SECRET]
            [--task-seconds S] [--clock wall|virtual] [--state-file PATH] [--tls-cert PEM --tls-key PEM]
            [--fail-fraction F [--fail-statuses LIST] [--retry-after S] [--fault-seed N]]
            [--shape-chaos SEED]

OPTIONS:
    --listen ADDR         ip:port to bind; port 0 picks a free port [default: 127.0.0.1:8080]
    --username U          HTTP Basic user name [default: admin]
    --password P          HTTP Basic password [default: aaAA11__]
    --access-key ID:SECRET  also accept requests signed with this OCP access key (AK/SK,
                          OCP-ACCESS-KEY-HMACSHA1; Date within 15 minutes)
    --task-seconds S      total duration of one async task, seconds (float) [default: 2]
    --clock wall|virtual  the simulator's clock [default: wall]; a virtual clock moves only
                          through POST /_sim/clock/advance {\"seconds\": S} (tasks, backup
                          schedules and times follow it) and POST /_sim/tasks/{id}/finish|fail
    --server-capacity C:M CPU cores and memory GB each OBServer offers to units [default: 16:64]
    --state-file PATH     keep the whole state in PATH: loaded at start when it exists
                          (instead of the seed), rewritten atomically after every change, so
                          a restart (even after SIGKILL) continues where it stopped
    --tls-cert PEM        serve HTTPS with this PEM certificate chain (needs --tls-key)
    --tls-key PEM         PEM private key of --tls-cert (needs --tls-cert)
    --fail-fraction F     fail each API request with probability F (0 < F <= 1) with an
                          error envelope, from the start and until DELETE /_sim/faults
    --fail-statuses LIST  statuses drawn uniformly by --fail-fraction [default: 503]
    --retry-after S       Retry-After seconds on --fail-fraction failures
    --fault-seed N        seed of --fail-fraction's random stream (deterministic)
    --shape-chaos SEED    reshape every JSON answer: omit fields the reference does not
                          guarantee, add undocumented extras (extInfo, sqlPort beside port),
                          return lists newest-first
    -h, --help            print this help

The first stdout line is `ocp-sim listening on http://ADDR` (https:// with --tls-cert).
Runs until SIGTERM or SIGINT. Admin API (no auth): /_sim/faults, /_sim/tasks/fail_next,
/_sim/tasks/stuck_next, /_sim/tasks/{id}/finish|fail, /_sim/clock[/advance],
/_sim/requests, /_sim/config (see the crate README).
";

struct Args {
    listen: SocketAddr,
    cfg: SimConfig,
    /// `--server-capacity`: CPU cores and memory GB per OBServer.
    capacity: Option<(f64, f64)>,
    /// `--fail-fraction` and its companions, as a rule armed at start.
    fault: Option<HttpFault>,
}

fn parse_statuses(v: &str) -> Result<Vec<u16>, String> {
    let list: Result<Vec<u16>, _> = v.split(',').map(|s| s.trim().parse::<u16>()).collect();
    match list {
        Ok(l) if !l.is_empty() && l.iter().all(|s| (400..=599).contains(s)) => Ok(l),
        _ => Err(format!(
            "invalid --fail-statuses {v:?}: expected a comma list of statuses 400..=599"
        )),
    }
}

enum Parsed {
    Run(Box<Args>),
    Help,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut listen: SocketAddr = ([127, 0, 0, 1], 8080).into();
    let mut cfg = SimConfig::default();
    let mut capacity = None;
    let mut fraction: Option<f64> = None;
    let mut statuses: Option<Vec<u16>> = None;
    let mut retry_after: Option<u64> = None;
    let mut seed: Option<u64> = None;
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(Parsed::Help);
        }
        let mut value = || -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("missing value for {flag}"))
        };
        match flag.as_str() {
            "--listen" => {
                let v = value()?;
                listen = v
                    .parse()
                    .map_err(|e| format!("invalid --listen {v:?}: {e} (expected ip:port)"))?;
            }
            "--username" => cfg.username = value()?,
            "--password" => cfg.password = value()?,
            "--access-key" => {
                let v = value()?;
                match v.split_once(':') {
                    Some((id, secret)) if !id.is_empty() && !secret.is_empty() => {
                        cfg.access_key = Some((id.to_string(), secret.to_string()))
                    }
                    _ => return Err("invalid --access-key: expected ID:SECRET".to_string()),
                }
            }
            "--task-seconds" => {
                let v = value()?;
                let s: f64 = v
                    .parse()
                    .map_err(|_| format!("invalid --task-seconds {v:?}: expected a number"))?;
                if !(s.is_finite() && s >= 0.0) {
                    return Err(format!("invalid --task-seconds {v:?}: must be >= 0"));
                }
                cfg.task_seconds = s;
            }
            "--server-capacity" => {
                let v = value()?;
                let parsed = v
                    .split_once(':')
                    .and_then(|(c, m)| Some((c.parse::<f64>().ok()?, m.parse::<f64>().ok()?)));
                match parsed {
                    Some((c, m)) if c.is_finite() && m.is_finite() && c > 0.0 && m > 0.0 => {
                        capacity = Some((c, m))
                    }
                    _ => {
                        return Err(format!(
                        "invalid --server-capacity {v:?}: expected CPU:MEMORY_GB such as 400:1600"
                    ))
                    }
                }
            }
            "--clock" => cfg.clock = value()?.parse()?,
            "--state-file" => cfg.state_file = Some(PathBuf::from(value()?)),
            "--tls-cert" => cfg.tls_cert = Some(PathBuf::from(value()?)),
            "--tls-key" => cfg.tls_key = Some(PathBuf::from(value()?)),
            "--fail-fraction" => {
                let v = value()?;
                match v.parse::<f64>() {
                    Ok(f) if f.is_finite() && f > 0.0 && f <= 1.0 => fraction = Some(f),
                    _ => {
                        return Err(format!(
                            "invalid --fail-fraction {v:?}: expected a number > 0 and <= 1"
                        ))
                    }
                }
            }
            "--fail-statuses" => statuses = Some(parse_statuses(&value()?)?),
            "--retry-after" => {
                let v = value()?;
                retry_after =
                    Some(v.parse().map_err(|_| {
                        format!("invalid --retry-after {v:?}: expected whole seconds")
                    })?);
            }
            "--fault-seed" => {
                let v = value()?;
                seed = Some(
                    v.parse()
                        .map_err(|_| format!("invalid --fault-seed {v:?}: expected an integer"))?,
                );
            }
            "--shape-chaos" => {
                let v = value()?;
                cfg.shape_chaos =
                    Some(v.parse().map_err(|_| {
                        format!("invalid --shape-chaos {v:?}: expected an integer")
                    })?);
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    match (&cfg.tls_cert, &cfg.tls_key) {
        (Some(_), None) => return Err("--tls-cert needs --tls-key".into()),
        (None, Some(_)) => return Err("--tls-key needs --tls-cert".into()),
        _ => {}
    }
    let fault = match fraction {
        Some(f) => {
            let mut rule = HttpFault::fraction(f, statuses.unwrap_or_default())
                .seed(seed.unwrap_or(DEFAULT_SEED));
            if let Some(s) = retry_after {
                rule = rule.retry_after(s);
            }
            Some(rule)
        }
        None if statuses.is_some() || retry_after.is_some() || seed.is_some() => {
            return Err(
                "--fail-statuses, --retry-after and --fault-seed need --fail-fraction".into(),
            )
        }
        None => None,
    };
    Ok(Parsed::Run(Box::new(Args {
        listen,
        cfg,
        capacity,
        fault,
    })))
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Parsed::Run(a)) => *a,
        Ok(Parsed::Help) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("ocp-sim: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ocp-sim: cannot bind {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let user = args.cfg.username.clone();
    let secs = args.cfg.task_seconds;
    let clock = args.cfg.clock;
    let capacity = args.capacity;
    let fault = args.fault;
    let sim = match Sim::start_on(listener, args.cfg).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ocp-sim: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some((cpu, mem)) = capacity {
        sim.state().set_server_capacity(cpu, mem);
        if let Err(e) = sim.state().save_state() {
            eprintln!("ocp-sim: cannot save the state: {e}");
        }
    }
    if let Some(rule) = fault {
        sim.state().add_fault(rule);
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ocp-sim listening on {}", sim.url());
    let _ = out.flush();
    drop(out);
    eprintln!(
        "ocp-sim: user {user:?}, tasks take {secs} s on the {clock:?} clock; admin API under {}/_sim/",
        sim.url()
    );
    wait_for_signal().await;
    eprintln!("ocp-sim: shutting down");
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), sim.stop()).await;
    ExitCode::SUCCESS
}
