#!/usr/bin/env bash
# Runs every test: formatting, clippy with warnings denied, unit tests, and the end-to-end
# tests that drive the real Terraform 1.0.3 against the plugin and the OCP simulator.
# Installs what it needs (Terraform, through pip) on first use.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_terraform
echo "==> terraform: $("$TERRAFORM" version | head -n 1)"

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "==> cargo test (unit, protocol, simulator, client, end-to-end and the short fault suite)"
rows="$(mktemp)"
trap 'rm -f "$rows"' EXIT
FAULT_SUITE_OUT="$rows" cargo test --workspace --locked -- --test-threads="${TEST_THREADS:-4}"

echo "==> fault suite, short form (the full form: ./scripts/fault-suite.sh)"
"$ROOT/scripts/fault-suite.sh" --print "$rows"

echo "==> all tests passed"
