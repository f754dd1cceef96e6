//! Installing like a released provider: `scripts/install.sh` into an empty `HOME`, then a
//! plain `terraform init` and `plan` with no CLI configuration; `scripts/release.sh` writes
//! registry artifacts that pass `sha256sum -c` and a mirror Terraform installs from. The
//! version in Cargo.toml is the one everything agrees on.

use std::path::Path;
use std::process::Command;

use base64::Engine;

use crate::support::*;

/// Runs a script of `scripts/` with `HOME` in `home`; panics with its output on failure.
fn script(name: &str, home: &Path, args: &[&str]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("bash")
        .arg(root.join("scripts").join(name))
        .args(args)
        .env("HOME", home)
        .env_remove("TF_PLUGINS_DIR")
        .output()
        .expect("run script");
    let all = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{name} failed:\n{all}");
    all
}

/// The hex SHA-256 of some bytes, by coreutils' sha256sum (independent of the scripts'
/// Python).
fn sha256_hex(data: &[u8]) -> String {
    use std::io::Write;
    let mut child = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha256sum");
    child.stdin.take().unwrap().write_all(data).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_owned()
}

/// Terraform's `h1:` hash of a package holding just the plugin binary: the SHA-256 of the
/// line `<sha256 of the file>  terraform-provider-ocp_v<version>\n`, in base64.
fn expected_h1() -> String {
    static H1: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H1.get_or_init(compute_h1).clone()
}

fn compute_h1() -> String {
    let bin = std::fs::read(plugin_bin()).unwrap();
    let summary = format!("{}  terraform-provider-ocp_v{VERSION}\n", sha256_hex(&bin));
    let hex = sha256_hex(summary.as_bytes());
    let bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// `~> major.minor` of the version, as a user would write it.
fn pessimistic_constraint() -> String {
    let mut parts = VERSION.split('.');
    format!("~> {}.{}", parts.next().unwrap(), parts.next().unwrap())
}

fn config_reading_the_cluster() -> String {
    format!(
        r#"terraform {{
  required_providers {{
    ocp = {{
      source  = "oceanbase/ocp"
      version = "{}"
    }}
  }}
}}
provider "ocp" {{}}
data "ocp_cluster" "demo" {{
  name = "demo-cluster"
}}
output "zones" {{
  value = length(data.ocp_cluster.demo.zones)
}}
"#,
        pessimistic_constraint()
    )
}

#[test]
fn the_version_is_cargo_tomls_everywhere() {
    let out = Command::new(plugin_bin())
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("terraform-provider-ocp {VERSION}")
    );
    let parts: Vec<&str> = VERSION.split('.').collect();
    assert_eq!(parts.len(), 3, "a plain semver: {VERSION}");
    assert!(parts.iter().all(|p| p.parse::<u64>().is_ok()), "{VERSION}");
    let changelog =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("CHANGELOG.md"))
            .unwrap();
    assert!(
        changelog.contains(&format!("## [{VERSION}]")),
        "CHANGELOG.md has an entry for {VERSION}"
    );
}

#[test]
fn install_sh_makes_a_plain_terraform_init_and_plan_work_without_cli_configuration() {
    let home = tempfile::tempdir().unwrap();
    let bin = plugin_bin().to_str().unwrap();
    let said = script("install.sh", home.path(), &["--binary", bin]);
    assert!(
        said.contains(&format!("installed oceanbase/ocp {VERSION}")),
        "{said}"
    );
    assert!(home
        .path()
        .join(format!(
            ".terraform.d/plugins/registry.terraform.io/oceanbase/ocp/{VERSION}/linux_amd64/terraform-provider-ocp_v{VERSION}"
        ))
        .is_file());

    let sim = start_sim(0.1);
    let tf = TfProject::new()
        .file("main.tf", &config_reading_the_cluster())
        .with_sim(&sim);
    let init = tf.run_in_home(home.path(), &["init", "-no-color", "-input=false"]);
    assert!(init.ok, "terraform init:\n{}", init.all());
    assert!(
        init.stdout
            .contains(&format!("Installed oceanbase/ocp v{VERSION}")),
        "{}",
        init.stdout
    );
    let lock = std::fs::read_to_string(tf.path().join(".terraform.lock.hcl")).unwrap();
    assert!(
        lock.contains(&format!("version     = \"{VERSION}\"")),
        "{lock}"
    );
    assert!(
        lock.contains(&expected_h1()),
        "records the package's h1 hash:\n{lock}"
    );

    let plan = tf.run_in_home(home.path(), &["plan", "-no-color", "-input=false"]);
    assert!(plan.ok, "terraform plan:\n{}", plan.all());
    assert!(plan.stdout.contains("zones = 3"), "{}", plan.stdout);
    assert_no_secret(&plan.all());
}

#[test]
fn release_sh_writes_checked_registry_artifacts_and_a_mirror_terraform_installs_from() {
    let work = tempfile::tempdir().unwrap();
    let dist = work.path().join("dist");
    let mirror = work.path().join("mirror");
    script(
        "release.sh",
        work.path(),
        &[
            "--binary",
            plugin_bin().to_str().unwrap(),
            "--out",
            dist.to_str().unwrap(),
            "--mirror",
            mirror.to_str().unwrap(),
        ],
    );
    let zip = format!("terraform-provider-ocp_{VERSION}_linux_amd64.zip");
    let sums = format!("terraform-provider-ocp_{VERSION}_SHA256SUMS");
    let manifest = format!("terraform-provider-ocp_{VERSION}_manifest.json");

    let check = Command::new("sha256sum")
        .args(["-c", &sums])
        .current_dir(&dist)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "sha256sum -c:\n{said}");
    assert!(said.contains(&format!("{zip}: OK")), "{said}");
    assert!(said.contains(&format!("{manifest}: OK")), "{said}");

    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dist.join(&manifest)).unwrap()).unwrap();
    assert_eq!(m["version"], 1);
    assert_eq!(
        m["metadata"]["protocol_versions"],
        serde_json::json!(["5.0"])
    );

    let listing = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
        ])
        .arg(dist.join(&zip))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&listing.stdout).trim(),
        format!("terraform-provider-ocp_v{VERSION}"),
        "the zip holds just the binary"
    );

    // The network-mirror files: the version listed, the archive's hashes given.
    let d = mirror.join("registry.terraform.io/oceanbase/ocp");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("index.json")).unwrap()).unwrap();
    assert!(index["versions"].get(VERSION).is_some(), "{index}");
    let archives: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join(format!("{VERSION}.json"))).unwrap())
            .unwrap();
    let archive = &archives["archives"]["linux_amd64"];
    assert_eq!(archive["url"], zip.as_str());
    let zip_sha = sha256_hex(&std::fs::read(dist.join(&zip)).unwrap());
    let hashes: Vec<&str> = archive["hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert_eq!(hashes, [expected_h1(), format!("zh:{zip_sha}")]);
    assert!(d.join(&zip).is_file());

    // Terraform installs from that directory as a filesystem mirror and records the same h1.
    let rc = work.path().join("terraform.rc");
    std::fs::write(
        &rc,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
            mirror.display()
        ),
    )
    .unwrap();
    let tf = TfProject::new()
        .file("main.tf", &config_reading_the_cluster())
        .env("TF_CLI_CONFIG_FILE", rc.to_str().unwrap());
    tf.init();
    let lock = std::fs::read_to_string(tf.path().join(".terraform.lock.hcl")).unwrap();
    assert!(lock.contains(&expected_h1()), "{lock}");

    // install.sh --zip puts the release zip into the implied local mirror, as it is.
    let home = work.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    script(
        "install.sh",
        &home,
        &["--zip", dist.join(&zip).to_str().unwrap()],
    );
    let user = TfProject::new().file("main.tf", &config_reading_the_cluster());
    let init = user.run_in_home(&home, &["init", "-no-color", "-input=false"]);
    assert!(init.ok, "terraform init:\n{}", init.all());
    let lock = std::fs::read_to_string(user.path().join(".terraform.lock.hcl")).unwrap();
    assert!(lock.contains(&expected_h1()), "{lock}");
}
