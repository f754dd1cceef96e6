#!/usr/bin/env python3
"""Packs a built plugin the way the Terraform registry and `terraform providers mirror` expect.

Called by scripts/release.sh; standard library only.

  release.py dist BINARY VERSION PLATFORM OUT_DIR
      writes OUT_DIR/terraform-provider-ocp_VERSION_PLATFORM.zip (holding just the binary,
      named terraform-provider-ocp_vVERSION), terraform-provider-ocp_VERSION_manifest.json
      (protocol versions ["5.0"]) and terraform-provider-ocp_VERSION_SHA256SUMS.

  release.py mirror ZIP VERSION PLATFORM MIRROR_DIR
      adds the zip to a network-mirror directory: MIRROR_DIR/registry.terraform.io/oceanbase/
      ocp/ with index.json (every version present) and VERSION.json (the archive's URL and its
      h1: and zh: hashes). The same directory also works as a filesystem_mirror.
"""

import base64
import hashlib
import json
import os
import shutil
import sys
import zipfile

NAME = "terraform-provider-ocp"
HOSTNAME, NAMESPACE, TYPE = "registry.terraform.io", "oceanbase", "ocp"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def h1_of_zip(path):
    """Terraform's h1: hash of a package (Go's dirhash Hash1 over the zip's files)."""
    lines = []
    with zipfile.ZipFile(path) as z:
        for info in sorted(z.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            h = hashlib.sha256()
            with z.open(info) as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
            lines.append(f"{h.hexdigest()}  {info.filename}\n")
    summary = hashlib.sha256("".join(lines).encode()).digest()
    return "h1:" + base64.b64encode(summary).decode()


def dist(binary, version, platform, out):
    os.makedirs(out, exist_ok=True)
    zip_name = f"{NAME}_{version}_{platform}.zip"
    info = zipfile.ZipInfo(f"{NAME}_v{version}", date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o100755 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(os.path.join(out, zip_name), "w") as z, open(binary, "rb") as src:
        with z.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    manifest_name = f"{NAME}_{version}_manifest.json"
    with open(os.path.join(out, manifest_name), "w") as f:
        json.dump({"version": 1, "metadata": {"protocol_versions": ["5.0"]}}, f, indent=2)
        f.write("\n")
    sums_name = f"{NAME}_{version}_SHA256SUMS"
    with open(os.path.join(out, sums_name), "w") as f:
        for name in sorted([zip_name, manifest_name]):
            f.write(f"{sha256_file(os.path.join(out, name))}  {name}\n")
    for name in (zip_name, sums_name, manifest_name):
        print(os.path.join(out, name))


def mirror(zip_path, version, platform, mirror_dir):
    d = os.path.join(mirror_dir, HOSTNAME, NAMESPACE, TYPE)
    os.makedirs(d, exist_ok=True)
    zip_name = os.path.basename(zip_path)
    shutil.copyfile(zip_path, os.path.join(d, zip_name))
    index_path = os.path.join(d, "index.json")
    index = {"versions": {}}
    if os.path.exists(index_path):
        with open(index_path) as f:
            index = json.load(f)
    index.setdefault("versions", {})[version] = {}
    with open(index_path, "w") as f:
        json.dump(index, f, indent=2, sort_keys=True)
        f.write("\n")
    version_path = os.path.join(d, f"{version}.json")
    archives = {"archives": {}}
    if os.path.exists(version_path):
        with open(version_path) as f:
            archives = json.load(f)
    archives.setdefault("archives", {})[platform] = {
        "url": zip_name,
        "hashes": [h1_of_zip(zip_path), "zh:" + sha256_file(zip_path)],
    }
    with open(version_path, "w") as f:
        json.dump(archives, f, indent=2, sort_keys=True)
        f.write("\n")
    print(d)


def main(argv):
    if len(argv) != 6 or argv[1] not in ("dist", "mirror"):
        sys.stderr.write(__doc__)
        return 2
    (dist if argv[1] == "dist" else mirror)(*argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
