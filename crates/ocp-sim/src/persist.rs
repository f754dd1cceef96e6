//! Saving and loading the whole simulator state (`--state-file`, [`crate::SimConfig::state_file`]).
//!
//! The [`Store`] (every object, task, id counter, credential, backup strategy and armed task
//! fault) is written as JSON `{"version": 1, "savedAt": <epoch ms>, "store": {...}}`. Writes are
//! atomic: the JSON goes to `PATH.tmp`, is fsynced, renamed over `PATH`, and the directory is
//! fsynced, so a process killed at any moment leaves either the previous or the new state.
//!
//! Times are stored as epoch milliseconds (the simulator clock is the wall clock), so a task
//! whose run ended while the simulator was down completes, and applies its effect, at the first
//! look after the restart. Task side effects are saved as data ([`crate::state::Effect`]);
//! closure hooks of in-process [`crate::TaskSpec`]s are not saved. HTTP fault rules and request
//! counters are not saved.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::state::Store;
use crate::util;

/// Format version of the state file.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SavedRef<'a> {
    version: u32,
    saved_at: i64,
    store: &'a Store,
}

#[derive(Deserialize)]
struct Version {
    version: u32,
}

#[derive(Deserialize)]
struct Saved {
    store: Store,
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

/// The state as the bytes of a state file.
pub fn to_bytes(store: &Store) -> std::io::Result<Vec<u8>> {
    serde_json::to_vec(&SavedRef {
        version: VERSION,
        saved_at: util::now_ms(),
        store,
    })
    .map_err(|e| std::io::Error::other(format!("cannot serialise the simulator state: {e}")))
}

/// Write `bytes` to `path` atomically (`PATH.tmp`, fsync, rename, fsync of the directory).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = tmp_path(path);
    let ctx = |what: &str, p: &Path, e: std::io::Error| {
        std::io::Error::new(e.kind(), format!("cannot {what} {}: {e}", p.display()))
    };
    {
        let mut f = std::fs::File::create(&tmp).map_err(|e| ctx("create", &tmp, e))?;
        f.write_all(bytes).map_err(|e| ctx("write", &tmp, e))?;
        f.sync_all().map_err(|e| ctx("sync", &tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| ctx("rename into", path, e))?;
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Save `store` to `path` atomically.
pub fn save(path: &Path, store: &Store) -> std::io::Result<()> {
    write_atomic(path, &to_bytes(store)?)
}

/// Parse the bytes of a state file.
pub fn from_bytes(bytes: &[u8]) -> Result<Store, String> {
    let head: Version = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if head.version != VERSION {
        return Err(format!(
            "unsupported state file version {} (expected {VERSION})",
            head.version
        ));
    }
    let saved: Saved = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    Ok(saved.store)
}

/// Load the state saved at `path`: `Ok(None)` when the file does not exist, an
/// `InvalidData` error naming the file when it cannot be parsed.
pub fn load(path: &Path) -> std::io::Result<Option<Store>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(std::io::Error::new(
                e.kind(),
                format!("cannot read state file {}: {e}", path.display()),
            ))
        }
    };
    from_bytes(&bytes).map(Some).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("cannot load state file {}: {e}", path.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::SimConfig;

    fn store_json(bytes: &[u8]) -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
        v["store"].clone()
    }

    #[test]
    fn seeded_store_round_trips() {
        let store = Store::seeded(&SimConfig::default());
        let bytes = to_bytes(&store).unwrap_or_else(|e| panic!("{e}"));
        let back = from_bytes(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let again = to_bytes(&back).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store_json(&bytes), store_json(&again));
        assert!(store_json(&bytes)["tenants"]["1002001"]["name"] == "sys");
    }

    #[test]
    fn versions_and_files() {
        assert!(from_bytes(br#"{"version": 9, "store": {}}"#)
            .err()
            .is_some_and(|e| e.contains("version 9")));
        let dir = std::env::temp_dir().join(format!("ocp-sim-persist-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("s.json");
        let _ = std::fs::remove_file(&path);
        assert!(load(&path).map(|s| s.is_none()).unwrap_or(false));
        let store = Store::seeded(&SimConfig::default());
        save(&path, &store).unwrap_or_else(|e| panic!("{e}"));
        assert!(!tmp_path(&path).exists());
        let loaded = load(&path).ok().flatten().map(|s| s.tenants.len());
        assert_eq!(loaded, Some(store.tenants.len()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
