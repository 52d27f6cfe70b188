//! Retention: removing old originals so the store does not grow forever.

use super::index::TOMBSTONES;
use super::{create_private, io_err, unique_name, Hash, Store, StoreError};
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Default age limit for originals: 30 days.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(30 * 86_400);
/// Default size limit for all originals together: 2 GiB.
pub const DEFAULT_MAX_SIZE: u64 = 2 << 30;

/// How often [`Store::auto_gc`] actually collects.
const AUTO_GC_INTERVAL: Duration = Duration::from_secs(86_400);
/// Files in `tmp/` older than this belong to crashed or killed processes.
const STALE_TMP: Duration = Duration::from_secs(86_400);
/// Tombstones are forgotten after a year so the index stays small; after
/// that a pruned hash reports "never stored".
const TOMBSTONE_TTL: Duration = Duration::from_secs(365 * 86_400);

/// What a gc run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Originals deleted.
    pub removed: usize,
    /// Bytes those originals took.
    pub freed_bytes: u64,
    /// Originals left in the store.
    pub kept: usize,
    /// Bytes the remaining originals take.
    pub kept_bytes: u64,
}

struct Blob {
    hash: Hash,
    size: u64,
    /// Unix seconds: the later of the recorded time and the file's mtime.
    time: u64,
}

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Store {
    /// Removes originals recorded before `now - older_than`, then the oldest
    /// remaining ones until all together take at most `max_size` bytes. An
    /// original's kept view (see [`super::EntryMeta::view`]) is removed with it and
    /// counted neither as an original nor in the sizes.
    /// Each removal leaves a tombstone so lookups can say "pruned" rather
    /// than "never stored". Also deletes `tmp/` leftovers older than an
    /// hour, metadata of originals that no longer exist, and tombstones
    /// older than a year.
    ///
    /// Holds the index for the whole run, so the metadata it decides on
    /// cannot change under it; concurrent recorders wait or go pending. A
    /// blob whose mtime moves past the start of the run (another process
    /// just stored the same content again) is kept. An unusable index does
    /// not stop gc: it then goes by file mtimes and records no tombstones.
    pub fn gc(
        &self,
        older_than: Option<Duration>,
        max_size: Option<u64>,
    ) -> Result<GcReport, StoreError> {
        match self.with_index(|db| self.collect(Some(db), older_than, max_size)) {
            Err(StoreError::Index { .. }) => self.collect(None, older_than, max_size),
            other => other,
        }
    }

    fn collect(
        &self,
        db: Option<&sled::Db>,
        older_than: Option<Duration>,
        max_size: Option<u64>,
    ) -> Result<GcReport, StoreError> {
        let started = SystemTime::now();
        let now = unix_secs(started);
        let sled_err = |e| self.sled_error(e);

        let mut recorded: HashMap<Hash, u64> = HashMap::new();
        // An original's view goes with the original; it is not an original itself.
        let mut view_of: HashMap<Hash, Hash> = HashMap::new();
        if let Some(db) = db {
            for (hash, time, view) in self.metas(db)? {
                recorded.insert(hash, time);
                if let Some(view) = view {
                    view_of.insert(hash, view);
                }
            }
        }
        let views: HashSet<Hash> = view_of.values().copied().collect();
        let mut blobs = self.list_blobs()?;
        blobs.retain(|b| !views.contains(&b.hash));
        for blob in &mut blobs {
            // A blob stored again since it was recorded has a newer mtime: the
            // later of the two says how old it really is.
            if let Some(&t) = recorded.get(&blob.hash) {
                blob.time = blob.time.max(t);
            }
        }
        blobs.sort_by_key(|b| (b.time, b.hash));

        let cutoff = older_than.map(|d| now.saturating_sub(d.as_secs()));
        let (mut doomed, mut kept): (Vec<Blob>, Vec<Blob>) = blobs
            .into_iter()
            .partition(|b| cutoff.is_some_and(|c| b.time < c));
        if let Some(max) = max_size {
            let mut total: u64 = kept.iter().map(|b| b.size).sum();
            let mut n = 0;
            while total > max && n < kept.len() {
                total -= kept[n].size;
                n += 1;
            }
            doomed.extend(kept.drain(..n));
        }

        let mut report = GcReport {
            kept: kept.len(),
            kept_bytes: kept.iter().map(|b| b.size).sum(),
            ..GcReport::default()
        };
        let tombstones = db
            .map(|db| db.open_tree(TOMBSTONES).map_err(sled_err))
            .transpose()?;
        for blob in doomed {
            if self.remove_blob(&blob.hash, started)? {
                if let Some(view) = view_of.get(&blob.hash) {
                    self.remove_blob(view, started)?;
                }
                report.removed += 1;
                report.freed_bytes += blob.size;
                if let (Some(db), Some(t)) = (db, &tombstones) {
                    t.insert(blob.hash.0, &now.to_be_bytes())
                        .map_err(sled_err)?;
                    db.remove(blob.hash.0).map_err(sled_err)?;
                }
            } else {
                report.kept += 1;
                report.kept_bytes += blob.size;
            }
        }

        if let (Some(db), Some(t)) = (db, &tombstones) {
            for hash in recorded.keys() {
                if !self.blob_path(hash).exists() {
                    db.remove(hash.0).map_err(sled_err)?;
                }
            }
            let expiry = now.saturating_sub(TOMBSTONE_TTL.as_secs());
            let mut expired = HashSet::new();
            for item in t.iter() {
                let (key, value) = item.map_err(sled_err)?;
                let time = <[u8; 8]>::try_from(value.as_ref()).map_or(0, u64::from_be_bytes);
                if time < expiry {
                    expired.insert(key);
                }
            }
            for key in expired {
                t.remove(key).map_err(sled_err)?;
            }
        }
        self.clean_tmp(started);
        Ok(report)
    }

    /// Recorded times and views of all entries with parsable metadata.
    fn metas(&self, db: &sled::Db) -> Result<Vec<(Hash, u64, Option<Hash>)>, StoreError> {
        let mut out = Vec::new();
        for item in db.iter() {
            let (key, value) = item.map_err(|e| self.sled_error(e))?;
            let (Ok(key), Ok(meta)) = (
                <[u8; 32]>::try_from(key.as_ref()),
                serde_json::from_slice::<super::EntryMeta>(&value),
            ) else {
                continue;
            };
            let view = meta.view.as_deref().and_then(Hash::from_hex);
            out.push((Hash(key), meta.time_unix, view));
        }
        Ok(out)
    }

    /// Every well-named blob with its size and mtime.
    fn list_blobs(&self) -> Result<Vec<Blob>, StoreError> {
        let root = self.blobs_dir();
        let mut out = Vec::new();
        let buckets = match fs::read_dir(&root) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(io_err("list", &root)(e)),
        };
        for bucket in buckets {
            let bucket = bucket.map_err(io_err("list", &root))?.path();
            let Ok(files) = fs::read_dir(&bucket) else {
                continue;
            };
            for file in files {
                let file = file.map_err(io_err("list", &bucket))?;
                let Some(hash) = file.file_name().to_str().and_then(Hash::from_hex) else {
                    continue;
                };
                let meta = file.metadata().map_err(io_err("inspect", &file.path()))?;
                if meta.is_file() && self.blob_path(&hash) == file.path() {
                    out.push(Blob {
                        hash,
                        size: meta.len(),
                        time: meta.modified().map_or(0, unix_secs),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Deletes a blob unless it was stored again since `started`. Returns
    /// whether it was deleted (a blob already gone counts as deleted).
    fn remove_blob(&self, hash: &Hash, started: SystemTime) -> Result<bool, StoreError> {
        let path = self.blob_path(hash);
        let fresh = fs::symlink_metadata(&path)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= started);
        if fresh {
            return Ok(false);
        }
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
            Err(e) => Err(io_err("remove", &path)(e)),
        }
    }

    /// Deletes `tmp/` entries untouched for a day: spools of killed
    /// processes, half-built indexes. Best effort. A live writer whose spool
    /// is removed anyway loses nothing: it reads its bytes back through its own
    /// handle ([`Spool::recover`]).
    fn clean_tmp(&self, now: SystemTime) {
        let Ok(entries) = fs::read_dir(self.tmp_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            let stale = meta
                .modified()
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > STALE_TMP);
            if stale {
                let _ = if meta.is_dir() {
                    fs::remove_dir_all(entry.path())
                } else {
                    fs::remove_file(entry.path())
                };
            }
        }
    }

    /// Runs [`Store::gc`] with the default retention at most once a day.
    ///
    /// The common case costs one `stat` of `last-gc`. When the stamp is a
    /// day old, processes race to rename it away; the single winner writes
    /// a fresh stamp and collects, everyone else carries on. A new store
    /// gets its stamp on first call, so the first collection happens a day
    /// later. Never fails the caller: a problem comes back as `Some(error)`
    /// for an optional stderr note.
    pub fn auto_gc(&self) -> Option<StoreError> {
        let stamp = self.dir.join("last-gc");
        match fs::metadata(&stamp) {
            Ok(meta) => {
                let fresh = meta
                    .modified()
                    .ok()
                    .and_then(|t| SystemTime::now().duration_since(t).ok())
                    .is_some_and(|age| age < AUTO_GC_INTERVAL);
                if fresh {
                    return None;
                }
                let claim = self.tmp_dir().join(unique_name("gc-claim"));
                if fs::rename(&stamp, &claim).is_err() {
                    return None; // another process won the race
                }
                let _ = fs::remove_file(&claim);
                if let Some(e) = write_stamp(&stamp) {
                    return Some(e);
                }
                self.gc(Some(DEFAULT_MAX_AGE), Some(DEFAULT_MAX_SIZE)).err()
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => write_stamp(&stamp),
            Err(e) => Some(io_err("inspect", &stamp)(e)),
        }
    }
}

/// Creates the `last-gc` stamp; losing a creation race is fine.
fn write_stamp(stamp: &Path) -> Option<StoreError> {
    match create_private(stamp) {
        Ok(_) => None,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => None,
        Err(e) => Some(io_err("create", stamp)(e)),
    }
}
