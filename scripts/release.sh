#!/usr/bin/env bash
# Builds the release binary and writes the release artifacts in the Terraform registry's
# layout, for the version in Cargo.toml and this machine's platform:
#
#   dist/terraform-provider-ocp_<version>_<os>_<arch>.zip   (just terraform-provider-ocp_v<version>)
#   dist/terraform-provider-ocp_<version>_SHA256SUMS        (check with: cd dist && sha256sum -c ...)
#   dist/terraform-provider-ocp_<version>_manifest.json     (protocol versions ["5.0"])
#
# Usage: scripts/release.sh [--out DIR] [--mirror DIR] [--binary PATH]
#   --out DIR      where the artifacts go (default: dist/)
#   --mirror DIR   also add the zip to a network-mirror directory (index.json, <version>.json
#                  with h1: and zh: hashes) that a team can serve over HTTPS as a
#                  network_mirror, or use as a filesystem_mirror
#   --binary PATH  package this plugin binary instead of building one (it must print the
#                  same version with --version)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out="$ROOT/dist" mirror="" binary=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        --mirror) mirror="$2"; shift 2 ;;
        --binary) binary="$2"; shift 2 ;;
        -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

version="$(provider_version)"
target="$(platform)"
if [ -z "$binary" ]; then
    echo "==> cargo build --release (terraform-provider-ocp $version)" >&2
    (cd "$ROOT" && cargo build --release --locked --bin terraform-provider-ocp)
    binary="$ROOT/target/release/terraform-provider-ocp"
fi
reported="$("$binary" --version)"
if [ "$reported" != "terraform-provider-ocp $version" ]; then
    echo "error: $binary reports \"$reported\", but Cargo.toml says $version" >&2
    exit 1
fi

python3 "$ROOT/scripts/release.py" dist "$binary" "$version" "$target" "$out"
if [ -n "$mirror" ]; then
    python3 "$ROOT/scripts/release.py" mirror \
        "$out/terraform-provider-ocp_${version}_${target}.zip" "$version" "$target" "$mirror"
fi
