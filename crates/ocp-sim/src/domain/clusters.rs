//! Day-2 writes on a whole cluster: the `root@sys` password and the upgrade. Zones and
//! OBServers are in [`super::topology`], start/stop/restart in [`super::power`].
//!
//! | Method + path | Body (`*` = required) | Answer |
//! |---|---|---|
//! | `POST /api/v2/ob/clusters/{id}/changePassword` | `{newPassword*, saveToCredential}` | sync, no `data` |
//! | `POST /api/v2/ob/clusters/{id}/upgrade` | `{rpmFileName, upgradeMode, destVersion, operatingSystem, freezeServer, zoneOrder}` | TaskInstance `Upgrade OB cluster` |
//!
//! Sources: OCP API pages "Change the password of the sys tenant administrator of a cluster"
//! (en.oceanbase.com/docs/common-ocp-10000000001899994) and "Upgrade an OceanBase cluster" in
//! two versions (common-ocp-10000000001484172: `{rpmFileName*}`; common-ocp-10000000002169663:
//! `rpmFileName` deprecated, `upgradeMode*`, `destVersion*`, `operatingSystem*`,
//! `freezeServer`, `zoneOrder`). `docs/ocp-api-cluster-day2.md` lists them.
//!
//! Our decisions (inferred):
//! - changePassword needs a `RUNNING` cluster (OCP logs in as `root@sys` to change it) and no
//!   running task on the cluster; it sets the password of the cluster and of its `sys`
//!   tenant's `root` (the same account); `saveToCredential` is validated and otherwise ignored.
//! - upgrade takes the package from `rpmFileName`, or from `destVersion` (`<version>-<build>`)
//!   with `operatingSystem`; when both are given they must name the same package. The package
//!   must be in the catalogue, of the cluster's architecture, and newer than the running build
//!   (400 `ILLEGAL_ARGUMENT` naming the field). `upgradeMode` is `ROLLING` or `STOP_SERVICE`
//!   when given; `zoneOrder` must list zones of the cluster. The cluster must be `RUNNING`
//!   with no running task (400 `ILLEGAL_STATE` / `RESOURCE_BUSY`). While the task runs the
//!   cluster is `UPGRADING`; on success it runs the new `obVersion` / `fullVersion` and is
//!   `RUNNING` again; a failure or rollback restores the status and leaves the version.

use serde_json::{json, Map, Value};

use crate::domain::infra::{self, ObPackage, OB_PACKAGES, RUNNING};
use crate::domain::rules::{self, invalid};
use crate::domain::tenants::body_object;
use crate::domain::topology::{cluster_task, with_subtasks};
use crate::envelope::{parse_id, ApiError};
use crate::state::effects::UpgradeEffect;
use crate::state::{HookKind, Store};

use super::Reply;

/// Cluster status while an upgrade runs (our decision).
pub const UPGRADING: &str = "UPGRADING";

/// Upgrade modes accepted in `upgradeMode` (the page documents `ROLLING`; the other is the
/// stop-the-service upgrade of OCP's console, inferred).
const UPGRADE_MODES: [&str; 2] = ["ROLLING", "STOP_SERVICE"];

fn running_cluster(store: &Store, id: &str, what: &str) -> Result<i64, ApiError> {
    let cid = parse_id(id, "cluster")?;
    let c = store.cluster(cid)?;
    store.ensure_not_busy(&[format!("cluster/{cid}")])?;
    if c.status != RUNNING {
        return Err(ApiError::illegal_state(format!(
            "cannot {what} OB cluster {} in status {} (needs RUNNING)",
            c.name, c.status
        )));
    }
    Ok(cid)
}

/// `POST /api/v2/ob/clusters/{id}/changePassword` (sync, no data).
pub fn change_password(store: &mut Store, id: &str, body: &[u8]) -> Reply {
    let obj = body_object(body)?;
    let cid = running_cluster(store, id, "change the root@sys password of")?;
    let pw = rules::req_str(&obj, "", "newPassword")?;
    rules::check_password("newPassword", &pw)?;
    rules::opt_bool(&obj, "", "saveToCredential")?;
    store.cluster_mut(cid)?.root_password = pw.clone();
    if let Some(sys) = store
        .tenants
        .values_mut()
        .find(|t| t.cluster_id == cid && t.name == "sys")
    {
        sys.root_password = pw;
    }
    Ok(None)
}

/// The package an upgrade body names (see the module docs).
fn target_package(obj: &Map<String, Value>) -> Result<&'static ObPackage, ApiError> {
    let rpm = rules::opt_str(obj, "", "rpmFileName")?.filter(|s| !s.is_empty());
    let dest = rules::opt_str(obj, "", "destVersion")?.filter(|s| !s.is_empty());
    let os = rules::opt_str(obj, "", "operatingSystem")?.filter(|s| !s.is_empty());
    let by_rpm = match &rpm {
        Some(r) => Some(infra::check_package("rpmFileName", r)?),
        None => None,
    };
    let by_dest =
        match &dest {
            None => None,
            Some(d) => {
                let found = OB_PACKAGES.iter().find(|p| {
                    p.full_version() == *d && os.as_deref().is_none_or(|o| o == p.operating_system)
                });
                Some(found.ok_or_else(|| {
                    invalid(
                        "destVersion",
                        format!(
                        "no OceanBase package {d}{} is known (see GET /api/v2/software-packages)",
                        os.as_deref().map(|o| format!(" for {o}")).unwrap_or_default()
                    ),
                    )
                })?)
            }
        };
    match (by_rpm, by_dest) {
        (None, None) => Err(rules::required("destVersion")),
        (Some(a), Some(b)) if a.id != b.id => Err(invalid(
            "destVersion",
            format!(
                "{} does not match rpmFileName {} ({})",
                b.full_version(),
                a.name(),
                a.full_version()
            ),
        )),
        (Some(p), _) | (None, Some(p)) => Ok(p),
    }
}

/// Numeric parts of a `<version>-<build>` for ordering (`4.2.1.0-1000` < `4.2.2.0-10`).
fn version_key(full: &str) -> Vec<u64> {
    full.split(['.', '-'])
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

/// `POST /api/v2/ob/clusters/{id}/upgrade` (async).
pub fn upgrade(store: &mut Store, id: &str, body: &[u8]) -> Reply {
    let obj = body_object(body)?;
    let cid = running_cluster(store, id, "upgrade")?;
    let c = store.cluster(cid)?.clone();
    let pkg = target_package(&obj)?;
    let field = if obj
        .get("rpmFileName")
        .is_some_and(|v| v.as_str() != Some(""))
    {
        "rpmFileName"
    } else {
        "destVersion"
    };
    if pkg.architecture != c.architecture {
        return Err(invalid(
            field,
            format!(
                "package {} is for {}, but OB cluster {} runs on {}",
                pkg.name(),
                pkg.architecture,
                c.name,
                c.architecture
            ),
        ));
    }
    if version_key(&pkg.full_version()) <= version_key(&c.full_version) {
        return Err(invalid(
            field,
            format!(
                "OB cluster {} runs {}; an upgrade needs a newer version than that, not {}",
                c.name,
                c.full_version,
                pkg.full_version()
            ),
        ));
    }
    if let Some(mode) = rules::opt_str(&obj, "", "upgradeMode")?.filter(|s| !s.is_empty()) {
        if !UPGRADE_MODES.contains(&mode.as_str()) {
            return Err(invalid(
                "upgradeMode",
                format!("{mode:?}, expected one of {}", UPGRADE_MODES.join(", ")),
            ));
        }
    }
    rules::opt_bool(&obj, "", "freezeServer")?;
    let mut order = Vec::new();
    if let Some(list) = infra::opt_array(&obj, "", "zoneOrder")? {
        for (i, z) in list.iter().enumerate() {
            let f = format!("zoneOrder[{i}]");
            let name = z
                .as_str()
                .ok_or_else(|| invalid(&f, "a zone name is expected"))?;
            if !c.zones.iter().any(|x| x.name == name) {
                return Err(invalid(
                    &f,
                    format!("{name:?} is not a zone of OB cluster {}", c.name),
                ));
            }
            order.push(json!(name));
        }
    }
    let spec = with_subtasks(
        cluster_task(&c, "Upgrade OB cluster").lock(format!("cluster/{cid}")),
        &[
            ("Check upgrade prerequisites", "cluster.UpgradeCheckTask"),
            (
                "Install OBServer package",
                "cluster.InstallObserverPackageTask",
            ),
            ("Upgrade OBServers", "cluster.UpgradeObserverTask"),
            ("Run upgrade post scripts", "cluster.UpgradePostScriptTask"),
            ("Update cluster status", "cluster.UpdateClusterStatusTask"),
        ],
    )
    .string("cluster_version", &c.full_version)
    .string("target_cluster_status", RUNNING)
    .string("primary_cluster_id", cid)
    .list("cluster_ids", vec![json!(cid.to_string())])
    .list("upgrade_versions", vec![json!(pkg.full_version())])
    .list("binary_upgrade_versions", vec![json!(pkg.full_version())])
    .list("zone_order", order)
    .effect(UpgradeEffect {
        cluster_id: cid,
        former: c.status.clone(),
        ob_version: pkg.version.to_string(),
        full_version: pkg.full_version(),
    });
    let task = store.submit_task(spec)?;
    Ok(Some(store.task_detail(task)?))
}

impl UpgradeEffect {
    /// Apply the effect at the moment `kind`.
    pub fn run(&self, kind: HookKind, s: &mut Store) {
        let now = s.now();
        let Some(c) = s.clusters.get_mut(&self.cluster_id) else {
            return;
        };
        match kind {
            HookKind::Start => c.status = UPGRADING.into(),
            HookKind::Success => {
                c.status = RUNNING.into();
                c.ob_version = self.ob_version.clone();
                c.full_version = self.full_version.clone();
            }
            HookKind::Failure | HookKind::Rollback => c.status = self.former.clone(),
        }
        c.update_time = now;
    }
}
