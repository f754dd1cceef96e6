#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz / libFuzzer) of the value codecs and the OCP envelope
# parser: runs every target in fuzz/ for SECONDS_PER_TARGET seconds (default 60), one process
# at a time, and prints a table of executions and crashes per target.
#
#   ./scripts/fuzz.sh [SECONDS_PER_TARGET]
#
# Needs the nightly toolchain (`rustup toolchain install nightly`); installs cargo-fuzz on first
# use. Each target reads the committed seeds in fuzz/seeds/<target>/ and grows its own scratch
# corpus in fuzz/corpus/<target>/ (not committed; kept between runs, delete it to start over).
# A crash stops that target; its input is saved under fuzz/artifacts/<target>/ and the script
# exits 1 after running the remaining targets. Reproduce one with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/crash-...
# Environment: FUZZ_TARGETS="a b" limits the targets; FUZZ_ARGS adds libFuzzer flags.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "usage: $0 [SECONDS_PER_TARGET]   (a positive integer, default 60)" >&2
    exit 2
fi

if ! cargo +nightly --version > /dev/null 2>&1; then
    echo "error: the nightly toolchain is missing: rustup toolchain install nightly" >&2
    exit 1
fi
if ! cargo fuzz --version > /dev/null 2>&1; then
    echo "==> installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

targets="${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}"

echo "==> cargo +nightly fuzz build"
cargo +nightly fuzz build

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
rows=()
failed=0
for target in $targets; do
    corpus="$ROOT/fuzz/corpus/$target"
    seeds="$ROOT/fuzz/seeds/$target"
    mkdir -p "$corpus" "$seeds"
    log="$logs/$target.log"
    echo "==> fuzzing $target for ${seconds}s (log: fuzz/artifacts/$target/last-run.log)"
    start=$(date +%s)
    status=0
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
    cargo +nightly fuzz run "$target" "$corpus" "$seeds" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
        ${FUZZ_ARGS:-} > "$log" 2>&1 || status=$?
    elapsed=$(($(date +%s) - start))
    mkdir -p "$ROOT/fuzz/artifacts/$target"
    cp "$log" "$ROOT/fuzz/artifacts/$target/last-run.log"

    # Executions: libFuzzer's final "stat::number_of_executed_units", else "Done N runs", else
    # the last "#N" status line (a crash ends the run without a summary).
    execs="$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)"
    if [ -z "$execs" ]; then
        execs="$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)"
    fi
    if [ -z "$execs" ]; then
        execs="$(sed -n 's/^#\([0-9]*\)[[:space:]].*/\1/p' "$log" | tail -n 1)"
    fi
    # Time: the seconds libFuzzer itself ran ("Done N runs in S second(s)"); without that line
    # (a crash), the wall time of the whole step, which includes any rebuild.
    secs="$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)"
    secs="${secs:-$elapsed}"
    crashes="$(grep -c 'Test unit written to' "$log" || true)"
    if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
        crashes="?"
    fi
    cov="$(sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)"
    if [ "$status" -ne 0 ]; then
        failed=1
        echo "    FAILED (exit $status); the end of its output:" >&2
        grep -E 'panicked at|^thread|SUMMARY|Test unit written to' "$log" | head -n 10 >&2 || true
        tail -n 20 "$log" >&2
    fi
    rows+=("$(printf '%-16s %14s %8s %8s %7s' "$target" "${execs:-?}" "$crashes" "${secs}s" "${cov:--}")")
done

echo
printf '%-16s %14s %8s %8s %7s\n' target executions crashes time cov
for row in "${rows[@]}"; do
    echo "$row"
done
if [ "$failed" -ne 0 ]; then
    echo "==> fuzzing found a problem: see fuzz/artifacts/<target>/" >&2
    exit 1
fi
echo "==> no crashes"
