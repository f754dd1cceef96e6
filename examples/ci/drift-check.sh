#!/usr/bin/env bash
# Drift detection for CI: has anyone changed, outside Terraform, the objects this
# configuration manages?
#
# Runs `terraform plan -refresh-only -detailed-exitcode -out=...` in an initialised working
# directory, reads the plan with `terraform show -json`, and writes a Markdown summary of the
# drifted resources and attributes. Values of sensitive attributes are never written: they are
# only said to have changed.
#
# Usage: drift-check.sh [WORKING_DIR]
#   TERRAFORM       the terraform binary (default: terraform)
#   DRIFT_SUMMARY   where the Markdown summary goes (default: drift-summary.md)
#   GITHUB_STEP_SUMMARY, when set (GitHub Actions), gets the summary appended too.
#
# Exit codes, like `terraform plan -detailed-exitcode`: 0 no drift, 2 drift, 1 error.
# Needs bash, terraform and python3.
#
#   drift-check.sh --summarize PLAN_JSON   only writes the summary of a `terraform show -json`
#                                          plan (same exit codes)
set -uo pipefail

terraform="${TERRAFORM:-terraform}"
summary="${DRIFT_SUMMARY:-drift-summary.md}"

# Writes the summary of the plan JSON in $1 to $2; exits 0 (no drift), 2 (drift) or 1.
summarize() {
    python3 - "$1" "$2" <<'PY'
import json
import sys

plan_path, out_path = sys.argv[1], sys.argv[2]
with open(plan_path) as f:
    plan = json.load(f)

def sensitive_at(marks, path):
    """Whether Terraform's sensitivity marks cover `path` (a list of keys and indices)."""
    for key in path:
        if marks is True:
            return True
        if isinstance(marks, dict) and isinstance(key, str):
            marks = marks.get(key, False)
        elif isinstance(marks, list) and isinstance(key, int) and key < len(marks):
            marks = marks[key]
        else:
            return False
    return marks is True

def fmt_path(path):
    s = ""
    for key in path:
        s += f"[{key}]" if isinstance(key, int) else (f".{key}" if s else key)
    return s

def diffs(before, after, path):
    """Paths of the leaves that differ between two values."""
    if isinstance(before, dict) and isinstance(after, dict):
        for k in sorted(set(before) | set(after)):
            yield from diffs(before.get(k), after.get(k), path + [k])
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for i, (b, a) in enumerate(zip(before, after)):
            yield from diffs(b, a, path + [i])
    elif before != after:
        yield path, before, after

def show(value):
    text = json.dumps(value, sort_keys=True)
    if len(text) > 80:
        text = text[:77] + "..."
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"

drifted = []
for rc in plan.get("resource_drift") or []:
    change = rc.get("change") or {}
    actions = change.get("actions") or []
    if actions == ["no-op"]:
        continue
    before, after = change.get("before"), change.get("after")
    marks_b = change.get("before_sensitive") or False
    marks_a = change.get("after_sensitive") or False
    rows = []
    if after is None:
        rows.append(("(whole object)", "exists", "**deleted outside Terraform**"))
    else:
        for path, b, a in diffs(before, after, []):
            if sensitive_at(marks_b, path) or sensitive_at(marks_a, path):
                rows.append((fmt_path(path), "(sensitive)", "(sensitive value changed)"))
            else:
                rows.append((fmt_path(path), show(b), show(a)))
    drifted.append((rc.get("address", "?"), rows))

lines = ["## Terraform drift check", ""]
if not drifted:
    lines.append("No drift: every resource matches what Terraform last recorded.")
else:
    n = len(drifted)
    lines.append(f"**{n} resource{'s' if n != 1 else ''} changed outside Terraform.** "
                 "`terraform apply` puts the configured values back; change the configuration "
                 "to keep OCP's.")
    for address, rows in drifted:
        lines += ["", f"### `{address}`", "", "| attribute | recorded by Terraform | now in OCP |",
                  "|---|---|---|"]
        lines += [f"| `{p}` | {b} | {a} |" for p, b, a in rows]
with open(out_path, "w") as f:
    f.write("\n".join(lines) + "\n")
sys.exit(2 if drifted else 0)
PY
}

publish() {
    cat "$summary"
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        cat "$summary" >> "$GITHUB_STEP_SUMMARY"
    fi
}

if [ "${1:-}" = "--summarize" ]; then
    summarize "$2" "$summary"
    code=$?
    publish
    exit "$code"
fi

dir="${1:-.}"
work="$(mktemp -d)"
# The saved plan holds every attribute's value, secrets included: never keep it.
trap 'rm -rf "$work"' EXIT

"$terraform" -chdir="$dir" plan -refresh-only -detailed-exitcode -input=false -lock=false \
    -no-color -out="$work/drift.tfplan"
code=$?
if [ "$code" -ne 0 ] && [ "$code" -ne 2 ]; then
    printf '## Terraform drift check\n\nThe refresh-only plan failed (exit code %s); see the job log.\n' \
        "$code" > "$summary"
    publish
    exit 1
fi
if ! "$terraform" -chdir="$dir" show -json "$work/drift.tfplan" > "$work/drift.json"; then
    printf '## Terraform drift check\n\n`terraform show -json` failed; see the job log.\n' > "$summary"
    publish
    exit 1
fi
summarize "$work/drift.json" "$summary"
code=$?
publish
exit "$code"
