#!/usr/bin/env bash
# Installs terraform-provider-ocp into Terraform's implied local mirror,
#
#   ~/.terraform.d/plugins/registry.terraform.io/oceanbase/ocp/<version>/<os>_<arch>/
#
# so that a plain `terraform init` finds it for `source = "oceanbase/ocp"` (and, say,
# `version = "~> 0.1"`) with no CLI configuration: no dev_overrides, no provider_installation.
#
# Usage: scripts/install.sh [--binary PATH | --zip PATH]
#   (nothing)      build the release binary of this checkout (needs a Rust toolchain)
#   --binary PATH  install this plugin binary (it must print the version with --version)
#   --zip PATH     install a release zip written by scripts/release.sh, as it is
# The plugin directory is $TF_PLUGINS_DIR if set, else ~/.terraform.d/plugins.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

binary="" zip=""
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --zip) zip="$2"; shift 2 ;;
        -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

version="$(provider_version)"
target="$(platform)"
plugins="${TF_PLUGINS_DIR:-$HOME/.terraform.d/plugins}"
base="$plugins/registry.terraform.io/oceanbase/ocp"
unpacked="$base/$version/$target"
packed="$base/terraform-provider-ocp_${version}_${target}.zip"

# One copy of this version only: Terraform refuses a version found both packed and unpacked.
rm -rf "$unpacked" "$packed"
mkdir -p "$base"
if [ -n "$zip" ]; then
    if [ "$(basename "$zip")" != "terraform-provider-ocp_${version}_${target}.zip" ]; then
        echo "error: $zip is not terraform-provider-ocp_${version}_${target}.zip" >&2
        exit 1
    fi
    cp "$zip" "$packed"
    installed="$packed"
else
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
    mkdir -p "$unpacked"
    cp "$binary" "$unpacked/terraform-provider-ocp_v$version"
    chmod 755 "$unpacked/terraform-provider-ocp_v$version"
    installed="$unpacked/terraform-provider-ocp_v$version"
fi

cat <<MSG
==> installed oceanbase/ocp $version ($target): $installed
Terraform now finds it with a plain \`terraform init\`:

  terraform {
    required_providers {
      ocp = {
        source  = "oceanbase/ocp"
        version = "~> ${version%.*}"
      }
    }
  }
MSG
