//! The original store: every input headroom compresses is kept here, byte
//! for byte, so an elided region can always be retrieved later.
//!
//! # Layout
//!
//! ```text
//! <dir>/                 0700
//!   blobs/<2 hex>/<64 hex>   originals and the views printed for them, named by
//!                            BLAKE3 of the content (0600)
//!   tmp/                     spool files before they are renamed into blobs/
//!   index/                   sled database: metadata and prune tombstones
//!   pending/<64 hex>.json    metadata that could not reach the index in time
//!   last-gc                  stamp whose mtime rate-limits automatic gc
//! ```
//!
//! # Why originals are plain files
//!
//! Many `headroom` processes run at once (agents run commands in parallel),
//! and sled 0.34 takes an exclusive lock on its directory, so only one
//! process at a time can have the index open. Content-addressed files need no
//! lock at all: a writer spools into `tmp/`, hashes while writing, and
//! renames into `blobs/`. Rename is atomic, and two writers of the same hash
//! rename identical bytes, so there is nothing to coordinate and nothing can
//! be torn. Reads never touch sled either: a prefix is resolved by listing a
//! single `blobs/<2 hex>/` directory. Only metadata (time, size, command,
//! token counts) and tombstones live in sled; see [`Store::record`] for how
//! that contention is handled.
//!
//! # Durability
//!
//! [`Store::commit`] does **not** fsync blobs. An fsync only protects against
//! an OS crash or power loss (a process crash loses nothing that was
//! written), and it costs 0.2–2.5 ms per blob on this machine and much more
//! on a busy laptop disk, on every command an agent runs. The store holds
//! re-creatable tool output, every read verifies the BLAKE3, so a blob torn
//! by a power cut is reported as [`StoreError::Corrupt`] rather than served,
//! and the next commit of the same content replaces a blob whose size is
//! wrong.
//!
//! # Permissions
//!
//! Tool output can contain secrets, so every directory the store creates is
//! 0700 and every file 0600. Pre-existing directories (e.g. one passed with
//! `--store`) keep their mode.

mod gc;
mod index;
mod units;

#[cfg(test)]
mod tests;

pub use gc::{GcReport, DEFAULT_MAX_AGE, DEFAULT_MAX_SIZE};
pub use units::{format_date, parse_duration, parse_size};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Minimum number of hex digits accepted by [`Store::resolve`]. 8 digits
/// (32 bits) keep accidental collisions rare for stores of realistic size
/// while staying short enough to type.
pub const MIN_PREFIX_LEN: usize = 8;

/// How long metadata writers wait for the index lock before falling back to
/// a pending file (see [`Store::record`]).
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(3);

/// BLAKE3 hash of an original; the store's key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// Hash of `bytes`.
    pub fn of(bytes: &[u8]) -> Hash {
        Hash(*blake3::hash(bytes).as_bytes())
    }

    /// 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        blake3::Hash::from(self.0).to_hex().to_string()
    }

    /// First 12 hex digits: what headroom prints in elision markers.
    pub fn short(&self) -> String {
        let mut s = self.to_hex();
        s.truncate(12);
        s
    }

    /// Parses exactly 64 hex digits (either case).
    pub fn from_hex(s: &str) -> Option<Hash> {
        if s.len() != 64 {
            return None;
        }
        blake3::Hash::from_hex(s).ok().map(|h| Hash(*h.as_bytes()))
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

/// Metadata about one stored original, kept in the index as JSON.
///
/// `#[serde(default)]` plus serde's default of ignoring unknown fields make
/// the format tolerant in both directions: entries written before a field
/// existed read it as its default, and older binaries skip newer fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EntryMeta {
    /// When the original was (last) stored, seconds since the Unix epoch.
    pub time_unix: u64,
    /// Size of the original in bytes.
    pub size: u64,
    /// Detected content type, e.g. "log" or "json".
    pub content_type: String,
    /// The command whose output this was, if known.
    pub command: Option<String>,
    /// Bytes of compressed output emitted.
    pub bytes_out: u64,
    /// Estimated tokens of the original.
    pub tokens_in: u64,
    /// Estimated tokens of the compressed output.
    pub tokens_out: u64,
    /// The view that was printed instead of the original (64 hex digits of its blob),
    /// kept so `headroom stats` can count its tokens exactly; `None` when the output
    /// was the input.
    pub view: Option<String>,
    /// Exact o200k counts, filled in by the first `headroom stats` that sees the entry
    /// (counting needs the tokenizer, too slow for the filter itself).
    pub exact: Option<ExactTokens>,
}

/// Exact o200k token counts of one run, as `headroom stats` counted them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExactTokens {
    /// Tokens of the original.
    pub tokens_in: u64,
    /// Tokens of the output; `None` when neither the view nor the original could
    /// stand for it (a view recorded before views were kept, or since pruned).
    pub tokens_out: Option<u64>,
}

/// Everything that can go wrong in the store. Messages are written for the
/// person reading headroom's stderr.
#[derive(Debug)]
pub enum StoreError {
    /// A filesystem operation failed.
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// Fewer than [`MIN_PREFIX_LEN`] hex digits.
    TooShort { prefix: String },
    /// More than 64 hex digits.
    TooLong { prefix: String },
    /// The prefix contains something other than hex digits.
    NotHex { prefix: String },
    /// More than one original matches; candidates are sorted.
    Ambiguous {
        prefix: String,
        candidates: Vec<Hash>,
    },
    /// Nothing matches and no tombstone says it was pruned.
    NotFound { prefix: String, dir: PathBuf },
    /// The original was stored once but removed by gc.
    Pruned { hash: Hash, pruned_at_unix: u64 },
    /// The blob's content does not hash to its name.
    Corrupt {
        hash: Hash,
        actual: Hash,
        path: PathBuf,
    },
    /// The sled index cannot be opened or used (corrupt, wrong type,
    /// unreadable). Blobs are unaffected.
    Index { dir: PathBuf, message: String },
    /// Other processes held the index lock for the whole timeout.
    Busy { dir: PathBuf, waited: Duration },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Io {
                action,
                path,
                source,
            } => write!(f, "cannot {action} {}: {source}", path.display()),
            StoreError::TooShort { prefix } => write!(
                f,
                "hash prefix '{prefix}' is too short: give at least {MIN_PREFIX_LEN} hex digits"
            ),
            StoreError::TooLong { prefix } => write!(
                f,
                "hash prefix '{prefix}' is too long: a hash has 64 hex digits"
            ),
            StoreError::NotHex { prefix } => write!(
                f,
                "'{prefix}' is not a hash prefix: use only hex digits 0-9 and a-f"
            ),
            StoreError::Ambiguous { prefix, candidates } => {
                write!(
                    f,
                    "hash prefix {prefix} is ambiguous: it matches {} originals; give more digits:",
                    candidates.len()
                )?;
                for c in candidates {
                    write!(f, "\n  {c}")?;
                }
                Ok(())
            }
            StoreError::NotFound { prefix, dir } => write!(
                f,
                "no original with hash prefix {prefix} in {} (never stored)",
                dir.display()
            ),
            StoreError::Pruned {
                hash,
                pruned_at_unix,
            } => write!(
                f,
                "{} was pruned from the store on {} by retention gc (default: older than {} days or over {} GiB)",
                hash.short(),
                format_date(*pruned_at_unix),
                DEFAULT_MAX_AGE.as_secs() / 86_400,
                DEFAULT_MAX_SIZE >> 30
            ),
            StoreError::Corrupt { hash, actual, path } => write!(
                f,
                "stored original {} is corrupt: {} hashes to {}, not to its name",
                hash.short(),
                path.display(),
                actual.short()
            ),
            StoreError::Index { dir, message } => write!(
                f,
                "metadata index {} is unusable: {message} (stored originals are unaffected; \
                 remove that directory to start a fresh index)",
                dir.display()
            ),
            StoreError::Busy { dir, waited } => write!(
                f,
                "metadata index {} stayed locked by other headroom processes for {:.1}s",
                dir.display(),
                waited.as_secs_f64()
            ),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Shorthand for building [`StoreError::Io`] in `map_err`.
fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> StoreError + 'a {
    move |source| StoreError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Creates `path` (and missing parents) as 0700 directories; an existing
/// directory is left as it is.
fn ensure_dir(path: &Path) -> Result<(), StoreError> {
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(io_err("create directory", path))
}

/// A name no other process or thread will pick: pid, clock and a counter.
fn unique_name(tag: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!(
        "{tag}-{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Creates a new 0600 file that did not exist before.
fn create_private(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

/// Handle on a store directory. Cheap to create: [`Store::open`] only makes
/// sure the directories exist; the sled index is opened briefly by the
/// operations that need metadata.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    lock_timeout: Duration,
}

impl Store {
    /// `$XDG_DATA_HOME/headroom`, else `$HOME/.local/share/headroom`.
    /// Relative `XDG_DATA_HOME` values are ignored, as the XDG spec asks.
    /// Without a usable `HOME`, falls back to `<tmp>/headroom-<uid>`.
    pub fn default_dir() -> PathBuf {
        use std::os::unix::fs::MetadataExt;
        let var = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        if let Some(xdg) = var("XDG_DATA_HOME").filter(|p| p.is_absolute()) {
            return xdg.join("headroom");
        }
        if let Some(home) = var("HOME") {
            return home.join(".local/share/headroom");
        }
        let uid = fs::metadata("/proc/self").map_or(0, |m| m.uid());
        std::env::temp_dir().join(format!("headroom-{uid}"))
    }

    /// Opens (creating if needed) the store at `dir`. Does not touch sled.
    pub fn open(dir: PathBuf) -> Result<Store, StoreError> {
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            // Parents such as ~/.local/share get ordinary permissions; only
            // the store itself is private.
            fs::create_dir_all(parent).map_err(io_err("create directory", parent))?;
        }
        let store = Store {
            dir,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
        };
        ensure_dir(&store.dir)?;
        ensure_dir(&store.blobs_dir())?;
        ensure_dir(&store.tmp_dir())?;
        Ok(store)
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Changes how long metadata operations wait for the index lock before
    /// giving up ([`Store::record`] then writes a pending file instead).
    pub fn set_lock_timeout(&mut self, timeout: Duration) {
        self.lock_timeout = timeout;
    }

    fn blobs_dir(&self) -> PathBuf {
        self.dir.join("blobs")
    }

    fn tmp_dir(&self) -> PathBuf {
        self.dir.join("tmp")
    }

    /// Where the blob for `hash` lives (whether or not it exists).
    pub fn blob_path(&self, hash: &Hash) -> PathBuf {
        let hex = hash.to_hex();
        self.blobs_dir().join(&hex[..2]).join(hex)
    }

    /// Starts a new original: a 0600 temp file in `tmp/` that hashes what is
    /// written to it. Dropping the spool without committing deletes it.
    pub fn spool(&self) -> Result<Spool, StoreError> {
        let path = self.tmp_dir().join(unique_name("spool"));
        let file = create_private(&path).map_err(io_err("create temp file", &path))?;
        Ok(Spool {
            file: BufWriter::with_capacity(64 * 1024, file),
            hasher: blake3::Hasher::new(),
            len: 0,
            path,
            committed: false,
        })
    }

    /// Moves a finished spool into `blobs/` under its hash and returns it.
    ///
    /// No fsync (see the module docs). If a blob with that hash already
    /// exists and has the right size it is kept, the spool is deleted and
    /// the blob's mtime refreshed (so a concurrent gc sees it as in use);
    /// a blob of the wrong size (torn by a crash) is replaced.
    pub fn commit(&self, mut spool: Spool) -> Result<(Hash, File), Box<(StoreError, Spool)>> {
        if let Err(e) = spool.file.flush() {
            let error = io_err("write temp file", &spool.path)(e);
            return Err(Box::new((error, spool)));
        }
        let reader = match spool.file.get_ref().try_clone().and_then(|mut f| {
            f.seek(SeekFrom::Start(0))?;
            Ok(f)
        }) {
            Ok(f) => f,
            Err(e) => {
                return Err(Box::new((
                    io_err("reopen temp file", &spool.path)(e),
                    spool,
                )))
            }
        };
        let hash = Hash(*spool.hasher.finalize().as_bytes());
        let target = self.blob_path(&hash);
        if let Some(parent) = target.parent() {
            if let Err(e) = ensure_dir(parent) {
                return Err(Box::new((e, spool)));
            }
        }
        // Always replace: the rename is atomic, the content is the same by
        // construction, and a damaged copy already there is healed.
        if let Err(e) = fs::rename(&spool.path, &target) {
            return Err(Box::new((io_err("move temp file into", &target)(e), spool)));
        }
        spool.committed = true;
        Ok((hash, reader))
    }

    /// Stores `bytes` and returns their hash. Content already present is
    /// not written again.
    pub fn put(&self, bytes: &[u8]) -> Result<Hash, StoreError> {
        let mut spool = self.spool()?;
        spool
            .write_all(bytes)
            .map_err(io_err("write temp file", &spool.path))?;
        self.commit(spool).map(|(hash, _)| hash).map_err(|b| b.0)
    }

    /// Resolves a hash prefix (at least 8 hex digits, any case, surrounding
    /// whitespace ignored) to the one stored original it names.
    ///
    /// Lists only `blobs/<first 2 hex>/`, so it works without the index. The
    /// index is consulted only when nothing matches, to tell a pruned
    /// original from one that was never stored.
    pub fn resolve(&self, prefix: &str) -> Result<Hash, StoreError> {
        let prefix = prefix.trim();
        if !prefix.bytes().all(|b| b.is_ascii_hexdigit()) || prefix.is_empty() {
            return Err(StoreError::NotHex {
                prefix: prefix.to_string(),
            });
        }
        let prefix = prefix.to_ascii_lowercase();
        if prefix.len() < MIN_PREFIX_LEN {
            return Err(StoreError::TooShort { prefix });
        }
        if prefix.len() > 64 {
            return Err(StoreError::TooLong { prefix });
        }
        let bucket = self.blobs_dir().join(&prefix[..2]);
        let mut candidates = Vec::new();
        match fs::read_dir(&bucket) {
            Ok(entries) => {
                for entry in entries {
                    let entry = entry.map_err(io_err("list", &bucket))?;
                    let name = entry.file_name();
                    let Some(name) = name.to_str() else { continue };
                    if name.starts_with(&prefix) {
                        if let Some(hash) = Hash::from_hex(name) {
                            candidates.push(hash);
                        }
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("list", &bucket)(e)),
        }
        candidates.sort();
        match candidates.len() {
            1 => Ok(candidates[0]),
            0 => Err(self.missing(&prefix)),
            _ => Err(StoreError::Ambiguous { prefix, candidates }),
        }
    }

    /// The error for a prefix (or full hash) with no blob: `Pruned` when the
    /// index has a tombstone for it, `NotFound` otherwise — including when
    /// the index is unavailable, since absence is then all we know.
    fn missing(&self, prefix: &str) -> StoreError {
        match self.find_tombstone(prefix) {
            Ok(Some((hash, pruned_at_unix))) => StoreError::Pruned {
                hash,
                pruned_at_unix,
            },
            _ => StoreError::NotFound {
                prefix: prefix.to_string(),
                dir: self.dir.clone(),
            },
        }
    }

    /// Opens the blob for `hash`, e.g. to stream a large original. The
    /// content is not verified; use [`Store::verify`] or [`Store::read`].
    pub fn open_blob(&self, hash: &Hash) -> Result<File, StoreError> {
        let path = self.blob_path(hash);
        File::open(&path).map_err(|e| self.open_error(hash, &path, e))
    }

    fn open_error(&self, hash: &Hash, path: &Path, e: io::Error) -> StoreError {
        if e.kind() == io::ErrorKind::NotFound {
            self.missing(&hash.to_hex())
        } else {
            io_err("read", path)(e)
        }
    }

    /// Reads the whole original and checks that it hashes to `hash`.
    pub fn read(&self, hash: &Hash) -> Result<Vec<u8>, StoreError> {
        let path = self.blob_path(hash);
        let bytes = fs::read(&path).map_err(|e| self.open_error(hash, &path, e))?;
        let actual = Hash::of(&bytes);
        if actual != *hash {
            return Err(StoreError::Corrupt {
                hash: *hash,
                actual,
                path,
            });
        }
        Ok(bytes)
    }

    /// Streams the blob through BLAKE3 (constant memory) and checks that it
    /// hashes to its name. For callers that use [`Store::open_blob`].
    pub fn verify(&self, hash: &Hash) -> Result<(), StoreError> {
        let path = self.blob_path(hash);
        let mut file = File::open(&path).map_err(|e| self.open_error(hash, &path, e))?;
        let mut hasher = blake3::Hasher::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = file.read(&mut buf).map_err(io_err("read", &path))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        let actual = Hash(*hasher.finalize().as_bytes());
        if actual != *hash {
            return Err(StoreError::Corrupt {
                hash: *hash,
                actual,
                path,
            });
        }
        Ok(())
    }
}

/// An original being written: a temp file in `tmp/` plus a running BLAKE3,
/// so committing needs no second pass over the data. Writes are buffered.
#[derive(Debug)]
pub struct Spool {
    file: BufWriter<File>,
    hasher: blake3::Hasher,
    len: u64,
    path: PathBuf,
    committed: bool,
}

impl Spool {
    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The temp file's path (it moves on commit).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every byte accepted so far, read back through the spool's own handle (so
    /// it works even if the temp file was unlinked): a reader over what reached
    /// the file, followed by what is still buffered. The temp file is removed.
    /// This is how a writer falls back to passing its input through when the
    /// store fails part way (a full disk) without losing what it consumed, and
    /// without holding it all in memory.
    pub fn recover(self) -> io::Result<impl Read> {
        let buffered = self.file.buffer().to_vec();
        let in_file = self.len - buffered.len() as u64;
        let mut file = self.file.get_ref().try_clone()?;
        file.seek(SeekFrom::Start(0))?;
        // Dropping `self` may still flush the buffer into the file; reading
        // exactly `in_file` bytes keeps those bytes from being returned twice.
        Ok(file.take(in_file).chain(io::Cursor::new(buffered)))
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.path);
        }
    }
}
