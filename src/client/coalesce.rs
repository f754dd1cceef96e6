//! Read coalescing: during one Terraform command, many ReadResource calls of one family (the
//! users of a tenant, the hosts of OCP, ...) are served from one paged list call instead of
//! one GET each.
//!
//! Only reads made for a refresh take part ([`super::OcpClient::for_refresh`]); reads right
//! after a write (the read-back of a create or update) always ask OCP directly. For each
//! list path the coalescer counts the refresh reads that asked for it; from the second read
//! within [`TTL`] on, the whole list is fetched once (concurrent readers wait for the same
//! fetch) and every later read is answered from it. A first read alone still makes its own
//! single GET, so refreshing one object never lists a large family.
//!
//! Correctness first: any write whose path shares a prefix with a list path (creating,
//! changing or deleting one of its items, or deleting its parent) drops that list before the
//! write is sent and again after it is answered, so a read after a write in the same process
//! sees the write. An item missing from a list is looked up directly (it may have been
//! deleted, or created elsewhere after the list was read).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::OnceCell;

use super::ClientError;

/// How long a fetched list serves reads: long enough for one refresh of thousands of objects,
/// short enough that no later command could see it (each command starts its own plugin
/// process, and a process serves one command).
pub const TTL: Duration = Duration::from_secs(15);

/// Refresh reads of one list within [`TTL`] before the list is fetched.
pub const DEMAND: u32 = 2;

/// Page size of coalesced lists (OCP allows up to 2000, §1.4): 1000 objects cost one call.
pub const PAGE_SIZE: u32 = 1000;

type Fetched = Arc<OnceCell<Result<Arc<Vec<Value>>, ClientError>>>;

struct Entry {
    born: Instant,
    demand: u32,
    list: Fetched,
}

/// The per-process table of coalesced lists.
#[derive(Default)]
pub struct Coalescer {
    entries: Mutex<HashMap<String, Entry>>,
}

/// What a refresh read should do.
pub enum Plan {
    /// Ask OCP for the one object.
    Direct,
    /// Take it from this list (fetch it first when the cell is empty).
    List(Fetched),
}

impl Coalescer {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A panic while holding this lock cannot leave the table inconsistent (each
        // operation is one insert or remove), so a poisoned lock is still usable.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers one refresh read of `list_path` and says how to serve it.
    pub fn plan(&self, list_path: &str) -> Plan {
        let mut entries = self.lock();
        let now = Instant::now();
        entries.retain(|_, e| now.duration_since(e.born) < TTL);
        let e = entries
            .entry(list_path.to_string())
            .or_insert_with(|| Entry {
                born: now,
                demand: 0,
                list: Arc::new(OnceCell::new()),
            });
        e.demand += 1;
        if e.demand >= DEMAND {
            Plan::List(e.list.clone())
        } else {
            Plan::Direct
        }
    }

    /// Drops every list that a write to `path` may change.
    pub fn invalidate(&self, path: &str) {
        let path = path.split('?').next().unwrap_or(path);
        let mut entries = self.lock();
        entries.retain(|list, _| !(under(path, list) || under(list, path)));
    }

    /// Forgets a list whose fetch failed, so the next read tries again.
    pub fn forget(&self, list_path: &str, failed: &Fetched) {
        let mut entries = self.lock();
        if entries
            .get(list_path)
            .is_some_and(|e| Arc::ptr_eq(&e.list, failed))
        {
            entries.remove(list_path);
        }
    }

    /// Lists held now (for tests).
    pub fn held(&self) -> usize {
        self.lock().len()
    }

    /// For a write to `path`: drops the lists it may change now and again when the returned
    /// guard is dropped (after the write, however it ended).
    pub fn writing<'a>(&'a self, path: &'a str) -> Writing<'a> {
        self.invalidate(path);
        Writing {
            coalescer: self,
            path,
        }
    }
}

/// A write under way (see [`Coalescer::writing`]).
pub struct Writing<'a> {
    coalescer: &'a Coalescer,
    path: &'a str,
}

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        self.coalescer.invalidate(self.path);
    }
}

/// Whether `path` is `base` or lies below it (whole path segments).
fn under(path: &str, base: &str) -> bool {
    path.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_read_of_a_list_asks_for_the_list_and_shares_it() {
        let c = Coalescer::default();
        assert!(matches!(c.plan("/t/1/users"), Plan::Direct));
        let (Plan::List(a), Plan::List(b)) = (c.plan("/t/1/users"), c.plan("/t/1/users")) else {
            panic!("the second and third reads use the list");
        };
        assert!(Arc::ptr_eq(&a, &b), "one fetch for all readers");
        assert!(
            matches!(c.plan("/t/2/users"), Plan::Direct),
            "per list path"
        );
    }

    #[test]
    fn writes_drop_the_lists_they_touch_and_only_those() {
        let c = Coalescer::default();
        for p in ["/t/1/users", "/t/1/roles", "/t/2/users"] {
            c.plan(p);
        }
        c.invalidate("/t/1/users/bob/changePassword");
        assert_eq!(c.held(), 2);
        c.invalidate("/t/1?force=true"); // the tenant itself: its roles go too
        assert_eq!(c.held(), 1);
        c.invalidate("/t/3/users");
        c.invalidate("/t"); // a parent of every list
        assert_eq!(c.held(), 0);
        c.plan("/t/2/users");
        c.invalidate("/t/20/users");
        c.invalidate("/t/2x");
        assert_eq!(
            c.held(),
            1,
            "other lists whose path only shares characters stay"
        );
        // After a write the count starts again: the next read is direct.
        c.invalidate("/t/2/users");
        assert!(matches!(c.plan("/t/2/users"), Plan::Direct));
    }

    #[test]
    fn a_write_drops_the_lists_it_touches_before_and_after() {
        let c = Coalescer::default();
        c.plan("/t/1/users");
        let write = c.writing("/t/1/users/bob/lock");
        assert_eq!(c.held(), 0, "dropped before the write");
        c.plan("/t/1/users"); // a read while the write is under way
        assert_eq!(c.held(), 1);
        drop(write);
        assert_eq!(c.held(), 0, "dropped again after the write");
    }

    #[test]
    fn a_failed_fetch_is_forgotten() {
        let c = Coalescer::default();
        c.plan("/h");
        let Plan::List(cell) = c.plan("/h") else {
            panic!()
        };
        c.forget("/h", &cell);
        assert_eq!(c.held(), 0);
    }
}
