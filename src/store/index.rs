//! The sled metadata index, opened briefly by whoever needs it.
//!
//! sled 0.34 locks its `db` file exclusively (`flock`, so even two opens in
//! one process exclude each other), and a second `sled::open` fails at once
//! instead of waiting. headroom processes therefore never keep the index
//! open: each operation opens it, does a few inserts or reads, flushes and
//! drops it.
//!
//! Measured on the development machine (2-core VM, ext4 on virtio, release
//! build, a fresh process per call as in real use): `sled::open` takes
//! ≈2.5 ms median, commonly 2–10 ms and up to ~35 ms when the disk is busy;
//! a whole [`Store::record`] (open, insert, flush, drop) ≈3–10 ms, nearly
//! all of it the open. Creating the index the first time ≈10–25 ms. Within
//! one process a reopen right after a drop can find the lock still held for
//! a few ms by sled's background threads; the retry covers that too.
//!
//! Waiting uses a jittered exponential backoff (1 ms doubling to 50 ms) so
//! colliding processes spread out; with 32 concurrent recorders every one
//! got through this way (about 230 retries in all, the longest wait
//! ~100 ms). The filter's own record never waits for that: [`Store::record`]
//! writes `pending/<hash>.json` (well under a millisecond), and the next process
//! that opens the index folds pending files in. A metadata look-up while the
//! index stays locked past the timeout still finds a pending record.

use super::{create_private, ensure_dir, io_err, unique_name, EntryMeta, Hash, Store, StoreError};
use std::collections::hash_map::RandomState;
use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// sled tree holding tombstones: 32-byte hash → prune time (u64 big-endian
/// Unix seconds). The default tree holds [`EntryMeta`] JSON keyed by hash.
pub(super) const TOMBSTONES: &str = "pruned";

const FIRST_BACKOFF: Duration = Duration::from_millis(1);
const MAX_BACKOFF: Duration = Duration::from_millis(50);

/// sled 0.34 reports a held lock only as an `Other` I/O error with this text.
fn is_lock_error(e: &sled::Error) -> bool {
    matches!(e, sled::Error::Io(io) if io.to_string().contains("could not acquire lock"))
}

/// A random duration in `[d/2, d]`, so processes that collided once do not
/// retry in lockstep. std's `RandomState` has random keys per process (and
/// fresh ones per call), which is all the randomness this needs.
fn jitter(d: Duration) -> Duration {
    let mut h = RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    let half = d.as_nanos() as u64 / 2;
    Duration::from_nanos(half + h.finish() % (half + 1))
}

/// Runs `f`, turning a panic inside sled (possible on damaged files) into an
/// error, because a broken index must never take headroom down.
fn no_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        format!("sled panicked: {msg}")
    })
}

fn sled_config(path: &Path) -> sled::Config {
    // No background flusher thread: every user flushes explicitly before
    // dropping the handle, and a short-lived process has no use for one.
    sled::Config::new().path(path).flush_every_ms(None)
}

/// Makes sled's files 0600 and its directories 0700. sled creates them with
/// the process umask; the 0700 `index/` around them already keeps others
/// out, this keeps the documented modes true. Best effort.
fn restrict_permissions(dir: &Path, depth: u32) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        let want = if meta.is_dir() { 0o700 } else { 0o600 };
        if meta.permissions().mode() & 0o777 != want {
            let _ = fs::set_permissions(entry.path(), fs::Permissions::from_mode(want));
        }
        if meta.is_dir() && depth > 0 {
            restrict_permissions(&entry.path(), depth - 1);
        }
    }
}

impl Store {
    pub(super) fn index_dir(&self) -> PathBuf {
        self.dir.join("index")
    }

    fn pending_dir(&self) -> PathBuf {
        self.dir.join("pending")
    }

    fn index_error(&self, message: impl Into<String>) -> StoreError {
        StoreError::Index {
            dir: self.index_dir(),
            message: message.into(),
        }
    }

    pub(super) fn sled_error(&self, e: sled::Error) -> StoreError {
        self.index_error(e.to_string())
    }

    /// Opens the index (waiting for the lock), folds in pending metadata,
    /// runs `f`, flushes and closes it again.
    pub(super) fn with_index<T>(
        &self,
        f: impl FnOnce(&sled::Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let db = self.open_index()?;
        let result = no_panic(|| {
            self.fold_pending(&db)?;
            let value = f(&db)?;
            db.flush().map_err(|e| self.sled_error(e))?;
            Ok(value)
        })
        .map_err(|m| self.index_error(m))
        .and_then(|r| r);
        restrict_permissions(&self.index_dir(), 1);
        // Dropping can also run sled code; keep a panic there contained.
        let _ = no_panic(move || drop(db));
        result
    }

    fn open_index(&self) -> Result<sled::Db, StoreError> {
        let index = self.index_dir();
        match fs::symlink_metadata(&index) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => self.create_index()?,
            Err(e) => return Err(self.index_error(e.to_string())),
        }
        let start = Instant::now();
        let mut delay = FIRST_BACKOFF;
        loop {
            match no_panic(|| sled_config(&index).open()) {
                Ok(Ok(db)) => return Ok(db),
                Ok(Err(e)) if is_lock_error(&e) => {
                    let waited = start.elapsed();
                    if waited >= self.lock_timeout {
                        return Err(StoreError::Busy { dir: index, waited });
                    }
                    std::thread::sleep(jitter(delay).min(self.lock_timeout - waited));
                    delay = (delay * 2).min(MAX_BACKOFF);
                }
                Ok(Err(e)) => return Err(self.sled_error(e)),
                Err(m) => return Err(self.index_error(m)),
            }
        }
    }

    /// Creates the index in `tmp/` and renames it into place.
    ///
    /// sled writes its `conf` file *before* taking the lock, so two
    /// processes creating the same index at once can read each other's
    /// half-written `conf` and fail. Building it under a private name and
    /// renaming makes creation atomic; the loser of the rename race just
    /// deletes its copy and uses the winner's.
    fn create_index(&self) -> Result<(), StoreError> {
        let index = self.index_dir();
        let tmp = self.dir.join("tmp").join(unique_name("index"));
        ensure_dir(&tmp)?;
        let built = no_panic(|| {
            let db = sled_config(&tmp).open()?;
            db.flush()?;
            Ok::<_, sled::Error>(())
        });
        match built {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let _ = fs::remove_dir_all(&tmp);
                return Err(self.sled_error(e));
            }
            Err(m) => {
                let _ = fs::remove_dir_all(&tmp);
                return Err(self.index_error(m));
            }
        }
        restrict_permissions(&tmp, 1);
        if let Err(e) = fs::rename(&tmp, &index) {
            let _ = fs::remove_dir_all(&tmp);
            if fs::symlink_metadata(&index).is_err() {
                return Err(io_err("create", &index)(e));
            }
        }
        Ok(())
    }

    /// Moves every `pending/*.json` into the index. Each file is first
    /// renamed into `tmp/` to claim it, so a writer that drops a newer
    /// pending file for the same hash meanwhile is not deleted unseen.
    fn fold_pending(&self, db: &sled::Db) -> Result<(), StoreError> {
        let Ok(entries) = fs::read_dir(self.pending_dir()) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(hash) = name
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .and_then(Hash::from_hex)
            else {
                continue;
            };
            let claimed = self.dir.join("tmp").join(unique_name("fold"));
            if fs::rename(entry.path(), &claimed).is_err() {
                continue;
            }
            let parsed = fs::read(&claimed)
                .ok()
                .and_then(|b| serde_json::from_slice::<EntryMeta>(&b).ok());
            // Unparsable pending files are dropped: metadata is advisory.
            if let Some(meta) = parsed {
                self.insert_meta(db, &hash, &meta)?;
            }
            let _ = fs::remove_file(&claimed);
        }
        Ok(())
    }

    /// Stores `meta` unless the index already has a newer entry for `hash`
    /// (a late-folded pending file must not overwrite a fresher record),
    /// and clears any tombstone since the original exists again.
    fn insert_meta(&self, db: &sled::Db, hash: &Hash, meta: &EntryMeta) -> Result<(), StoreError> {
        let sled_err = |e| self.sled_error(e);
        if let Some(old) = db.get(hash.0).map_err(sled_err)? {
            if serde_json::from_slice::<EntryMeta>(&old).is_ok_and(|o| o.time_unix > meta.time_unix)
            {
                return Ok(());
            }
        }
        let json = serde_json::to_vec(meta).map_err(|e| self.index_error(e.to_string()))?;
        db.insert(hash.0, json).map_err(sled_err)?;
        db.open_tree(TOMBSTONES)
            .and_then(|t| t.remove(hash.0))
            .map_err(sled_err)?;
        Ok(())
    }

    /// Records metadata for a stored original: writes `pending/<hash>.json`
    /// atomically; the next process to open the index (stats, gc, a metadata
    /// look-up) folds it in. Of two records for one hash, the one with the
    /// later `time_unix` wins. Errors only when the pending file cannot be
    /// written; the blob itself is unaffected either way.
    pub fn record(&self, hash: &Hash, meta: &EntryMeta) -> Result<(), StoreError> {
        // Opening sled costs the filter 3-10 ms, more than compressing a typical
        // input: the hot path drops a pending file instead, and whoever next opens
        // the index (stats, gc, retrieval's metadata look-up) folds it in.
        self.write_pending(hash, meta)
    }

    fn pending_path(&self, hash: &Hash) -> PathBuf {
        self.pending_dir().join(format!("{}.json", hash.to_hex()))
    }

    fn write_pending(&self, hash: &Hash, meta: &EntryMeta) -> Result<(), StoreError> {
        ensure_dir(&self.pending_dir())?;
        let tmp = self.dir.join("tmp").join(unique_name("pending"));
        let json = serde_json::to_vec(meta).map_err(|e| self.index_error(e.to_string()))?;
        let written = create_private(&tmp).and_then(|mut f| f.write_all(&json));
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(io_err("write", &tmp)(e));
        }
        let target = self.pending_path(hash);
        fs::rename(&tmp, &target).map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io_err("write", &target)(e)
        })
    }

    /// Metadata for `hash`, if any was recorded. While the index is locked
    /// past the timeout, a pending record is still found.
    pub fn meta(&self, hash: &Hash) -> Result<Option<EntryMeta>, StoreError> {
        let from_index = self.with_index(|db| {
            let value = db.get(hash.0).map_err(|e| self.sled_error(e))?;
            Ok(value.and_then(|v| serde_json::from_slice(&v).ok()))
        });
        match from_index {
            Err(busy @ StoreError::Busy { .. }) => fs::read(self.pending_path(hash))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .map(Some)
                .ok_or(busy),
            other => other,
        }
    }

    /// Every recorded entry, in hash order. Entries whose metadata cannot be
    /// parsed are skipped.
    pub fn entries(&self) -> Result<Vec<(Hash, EntryMeta)>, StoreError> {
        self.with_index(|db| {
            let mut out = Vec::new();
            for item in db.iter() {
                let (key, value) = item.map_err(|e| self.sled_error(e))?;
                let Ok(key) = <[u8; 32]>::try_from(key.as_ref()) else {
                    continue;
                };
                if let Ok(meta) = serde_json::from_slice(&value) {
                    out.push((Hash(key), meta));
                }
            }
            Ok(out)
        })
    }

    /// Replaces the metadata of each `(hash, seen, updated)` with `updated` if the
    /// index still holds `seen` (a run that stored the same original again since
    /// keeps its newer record). Returns how many were replaced.
    pub fn update_metas(
        &self,
        updates: &[(Hash, EntryMeta, EntryMeta)],
    ) -> Result<usize, StoreError> {
        self.with_index(|db| {
            let mut replaced = 0;
            for (hash, seen, updated) in updates {
                let current = db.get(hash.0).map_err(|e| self.sled_error(e))?;
                let unchanged = current
                    .and_then(|v| serde_json::from_slice::<EntryMeta>(&v).ok())
                    .is_some_and(|current| current == *seen);
                if unchanged {
                    let json =
                        serde_json::to_vec(updated).map_err(|e| self.index_error(e.to_string()))?;
                    db.insert(hash.0, json).map_err(|e| self.sled_error(e))?;
                    replaced += 1;
                }
            }
            Ok(replaced)
        })
    }

    /// The most recent tombstone whose hash starts with `prefix` (lowercase
    /// hex, at least 2 digits).
    pub(super) fn find_tombstone(&self, prefix: &str) -> Result<Option<(Hash, u64)>, StoreError> {
        let whole_bytes: Vec<u8> = (0..prefix.len() / 2)
            .filter_map(|i| u8::from_str_radix(&prefix[2 * i..2 * i + 2], 16).ok())
            .collect();
        self.with_index(|db| {
            let tree = db.open_tree(TOMBSTONES).map_err(|e| self.sled_error(e))?;
            let mut best: Option<(Hash, u64)> = None;
            for item in tree.scan_prefix(&whole_bytes) {
                let (key, value) = item.map_err(|e| self.sled_error(e))?;
                let (Ok(key), Ok(time)) = (
                    <[u8; 32]>::try_from(key.as_ref()),
                    <[u8; 8]>::try_from(value.as_ref()),
                ) else {
                    continue;
                };
                let hash = Hash(key);
                let time = u64::from_be_bytes(time);
                if hash.to_hex().starts_with(prefix) && best.is_none_or(|(_, t)| time > t) {
                    best = Some((hash, time));
                }
            }
            Ok(best)
        })
    }
}
