use super::*;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

fn temp_store() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path().join("store")).unwrap();
    (tmp, store)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn meta_at(time_unix: u64, size: u64) -> EntryMeta {
    EntryMeta {
        time_unix,
        size,
        content_type: "log".into(),
        command: Some("cargo test".into()),
        bytes_out: size / 2,
        tokens_in: size / 4,
        tokens_out: size / 8,
        ..EntryMeta::default()
    }
}

fn set_mtime(path: &Path, secs_ago: u64) {
    let t = SystemTime::now() - Duration::from_secs(secs_ago);
    File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    match fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn round_trip_is_byte_exact() {
    let (_tmp, store) = temp_store();
    let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
    let samples: [&[u8]; 5] = [
        b"",
        b"hello\n",
        b"\xff\xfe invalid \xc3\x28 utf-8 \x00 nul",
        "caf\u{e9} \u{1f600}\r\n".as_bytes(),
        &big,
    ];
    for bytes in samples {
        let hash = store.put(bytes).unwrap();
        assert_eq!(hash, Hash::of(bytes));
        assert_eq!(store.read(&hash).unwrap(), bytes);
        let mut streamed = Vec::new();
        store
            .open_blob(&hash)
            .unwrap()
            .read_to_end(&mut streamed)
            .unwrap();
        assert_eq!(streamed, bytes);
        store.verify(&hash).unwrap();
    }
    assert!(files_in(&store.dir().join("tmp")).is_empty());
}

#[test]
fn spool_hashes_incrementally_and_cleans_up() {
    let (_tmp, store) = temp_store();
    let mut spool = store.spool().unwrap();
    assert!(spool.is_empty());
    let temp_path = spool.path().to_path_buf();
    for i in 0..10_000 {
        writeln!(spool, "line {i}").unwrap();
    }
    let expected: String = (0..10_000).map(|i| format!("line {i}\n")).collect();
    assert_eq!(spool.len(), expected.len() as u64);
    let (hash, _) = store.commit(spool).map_err(|b| b.0).unwrap();
    assert_eq!(hash, Hash::of(expected.as_bytes()));
    assert!(!temp_path.exists());
    assert_eq!(store.read(&hash).unwrap(), expected.as_bytes());

    let mut abandoned = store.spool().unwrap();
    abandoned.write_all(b"never committed").unwrap();
    let abandoned_path = abandoned.path().to_path_buf();
    assert!(abandoned_path.exists());
    drop(abandoned);
    assert!(!abandoned_path.exists());
}

#[test]
fn double_put_is_idempotent() {
    let (_tmp, store) = temp_store();
    let a = store.put(b"same bytes").unwrap();
    let mut spool = store.spool().unwrap();
    spool.write_all(b"same bytes").unwrap();
    let (b, _) = store.commit(spool).map_err(|b| b.0).unwrap();
    let c = store.put(b"same bytes").unwrap();
    assert_eq!(a, b);
    assert_eq!(a, c);
    let bucket = store.blob_path(&a).parent().unwrap().to_path_buf();
    assert_eq!(files_in(&bucket).len(), 1);
    assert!(files_in(&store.dir().join("tmp")).is_empty());
    assert_eq!(store.read(&a).unwrap(), b"same bytes");
}

#[test]
fn commit_replaces_a_torn_blob() {
    let (_tmp, store) = temp_store();
    let hash = store.put(b"complete content").unwrap();
    fs::write(store.blob_path(&hash), b"compl").unwrap();
    assert!(matches!(store.read(&hash), Err(StoreError::Corrupt { .. })));
    assert_eq!(store.put(b"complete content").unwrap(), hash);
    assert_eq!(store.read(&hash).unwrap(), b"complete content");
}

#[test]
fn hash_formatting() {
    let hash = Hash::of(b"x");
    let hex = hash.to_hex();
    assert_eq!(hex.len(), 64);
    assert_eq!(hash.to_string(), hex);
    assert_eq!(hash.short(), hex[..12]);
    assert_eq!(Hash::from_hex(&hex), Some(hash));
    assert_eq!(Hash::from_hex(&hex.to_uppercase()), Some(hash));
    assert_eq!(Hash::from_hex(&hex[..63]), None);
}

#[test]
fn resolve_prefixes() {
    let (_tmp, store) = temp_store();
    let hash = store.put(b"resolve me").unwrap();
    let hex = hash.to_hex();
    assert_eq!(store.resolve(&hex).unwrap(), hash);
    assert_eq!(store.resolve(&hex[..8]).unwrap(), hash);
    assert_eq!(store.resolve(&hex[..12].to_uppercase()).unwrap(), hash);
    assert_eq!(store.resolve(&format!("  {}\n", &hex[..9])).unwrap(), hash);

    assert!(matches!(
        store.resolve(&hex[..7]),
        Err(StoreError::TooShort { .. })
    ));
    assert!(matches!(
        store.resolve("3f9a2c8g"),
        Err(StoreError::NotHex { .. })
    ));
    assert!(matches!(store.resolve(""), Err(StoreError::NotHex { .. })));
    assert!(matches!(
        store.resolve(&format!("{hex}0")),
        Err(StoreError::TooLong { .. })
    ));
    let err = store.resolve("0123456789ab").unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("never stored"), "{err}");
    assert!(err.to_string().contains("0123456789ab"), "{err}");
}

#[test]
fn resolve_reports_ambiguous_prefixes() {
    let (_tmp, store) = temp_store();
    // Two names sharing 10 hex digits, written directly: finding a real
    // BLAKE3 collision on 40 bits is not a unit test's job.
    let shared = "abcdef0123";
    let one = format!("{shared}{}", "1".repeat(54));
    let two = format!("{shared}{}", "2".repeat(54));
    let bucket = store.dir().join("blobs").join("ab");
    fs::create_dir_all(&bucket).unwrap();
    fs::write(bucket.join(&one), b"1").unwrap();
    fs::write(bucket.join(&two), b"2").unwrap();
    fs::write(bucket.join("abcdef0123-not-a-hash"), b"x").unwrap();

    match store.resolve(&shared[..8]) {
        Err(StoreError::Ambiguous { prefix, candidates }) => {
            assert_eq!(prefix, "abcdef01");
            let hex: Vec<String> = candidates.iter().map(Hash::to_hex).collect();
            assert_eq!(hex, [one.clone(), two.clone()]);
        }
        other => panic!("expected ambiguity, got {other:?}"),
    }
    let message = store.resolve(shared).unwrap_err().to_string();
    assert!(
        message.contains("ambiguous") && message.contains(&one),
        "{message}"
    );
    assert_eq!(store.resolve(&two[..11]).unwrap().to_hex(), two);
}

#[test]
fn pruned_is_distinguished_from_never_stored() {
    let (_tmp, store) = temp_store();
    let old = store.put(b"old output").unwrap();
    store
        .record(&old, &meta_at(unix_now() - 40 * 86_400, 10))
        .unwrap();
    set_mtime(&store.blob_path(&old), 40 * 86_400);
    store.gc(Some(DEFAULT_MAX_AGE), None).unwrap();

    let hex = old.to_hex();
    match store.resolve(&hex[..10]) {
        Err(StoreError::Pruned {
            hash,
            pruned_at_unix,
        }) => {
            assert_eq!(hash, old);
            assert!(pruned_at_unix.abs_diff(unix_now()) < 60);
        }
        other => panic!("expected pruned, got {other:?}"),
    }
    let err = store.read(&old).unwrap_err();
    let message = err.to_string();
    assert!(message.contains(&old.short()), "{message}");
    assert!(
        message.contains("was pruned from the store on"),
        "{message}"
    );
    assert!(message.contains(&format_date(unix_now())), "{message}");
    assert!(matches!(
        store.open_blob(&old),
        Err(StoreError::Pruned { .. })
    ));

    // Storing it again clears the tombstone.
    let again = store.put(b"old output").unwrap();
    store.record(&again, &meta_at(unix_now(), 10)).unwrap();
    assert_eq!(store.resolve(&hex[..10]).unwrap(), old);
    fs::remove_file(store.blob_path(&old)).unwrap();
    assert!(matches!(store.read(&old), Err(StoreError::NotFound { .. })));
}

#[test]
fn permissions_are_private() {
    let (_tmp, store) = temp_store();
    let hash = store.put(b"secret token").unwrap();
    store.record(&hash, &meta_at(unix_now(), 12)).unwrap();
    let dir = store.dir();
    assert_eq!(mode(&dir.join("pending")), 0o700);
    for pending in files_in(&dir.join("pending")) {
        assert_eq!(mode(&pending), 0o600, "{}", pending.display());
    }
    // Reading the metadata opens the index and folds the pending record in.
    assert!(store.meta(&hash).unwrap().is_some());
    let spool = store.spool().unwrap();

    for d in [
        dir.to_path_buf(),
        dir.join("blobs"),
        store.blob_path(&hash).parent().unwrap().to_path_buf(),
        dir.join("tmp"),
        dir.join("index"),
    ] {
        assert_eq!(mode(&d), 0o700, "{}", d.display());
    }
    assert_eq!(mode(&store.blob_path(&hash)), 0o600);
    assert_eq!(mode(spool.path()), 0o600);
    let index_files = files_in(&dir.join("index"));
    assert!(index_files.len() >= 2, "{index_files:?}");
    for path in index_files {
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&path), want, "{}", path.display());
    }
    store.auto_gc();
    assert_eq!(mode(&dir.join("last-gc")), 0o600);
}

#[test]
fn metadata_round_trip_and_entries() {
    let (_tmp, store) = temp_store();
    let a = store.put(b"a").unwrap();
    let b = store.put(b"b").unwrap();
    assert_eq!(store.meta(&a).unwrap(), None);
    let meta_a = meta_at(1_000, 1);
    let meta_b = EntryMeta {
        command: None,
        ..meta_at(2_000, 1)
    };
    store.record(&a, &meta_a).unwrap();
    store.record(&b, &meta_b).unwrap();
    assert_eq!(store.meta(&a).unwrap(), Some(meta_a.clone()));
    let mut entries = store.entries().unwrap();
    entries.sort_by_key(|(_, m)| m.time_unix);
    assert_eq!(entries, vec![(a, meta_a), (b, meta_b)]);

    // Forward and backward compatible JSON.
    let partial: EntryMeta = serde_json::from_str(r#"{"time_unix":5,"future":[1]}"#).unwrap();
    assert_eq!(
        partial,
        EntryMeta {
            time_unix: 5,
            ..EntryMeta::default()
        }
    );
}

#[test]
fn records_go_pending_and_fold_into_the_index_when_it_is_next_opened() {
    let (_tmp, mut store) = temp_store();
    let hash = store.put(b"recorded while locked").unwrap();
    let other = store.put(b"already recorded").unwrap();
    store.record(&other, &meta_at(100, 1)).unwrap();
    assert_eq!(files_in(&store.dir().join("pending")).len(), 1);
    assert_eq!(store.meta(&other).unwrap(), Some(meta_at(100, 1)));
    assert!(files_in(&store.dir().join("pending")).is_empty());

    // sled locks with flock(), which is per open file description, so a
    // second handle in this process blocks the store as another process
    // would.
    let held = sled::Config::new()
        .path(store.dir().join("index"))
        .open()
        .unwrap();
    store.set_lock_timeout(Duration::from_millis(50));
    let meta = meta_at(unix_now(), 21);
    store.record(&hash, &meta).unwrap();
    let pending = store.dir().join("pending");
    assert_eq!(files_in(&pending).len(), 1);
    assert_eq!(mode(&pending), 0o700);
    assert_eq!(mode(&files_in(&pending)[0]), 0o600);
    assert_eq!(store.meta(&hash).unwrap(), Some(meta.clone()));
    assert!(matches!(store.meta(&other), Err(StoreError::Busy { .. })));
    assert!(matches!(store.entries(), Err(StoreError::Busy { .. })));
    drop(held);

    store.set_lock_timeout(DEFAULT_LOCK_TIMEOUT);
    assert_eq!(store.meta(&hash).unwrap(), Some(meta));
    assert!(files_in(&pending).is_empty());
    assert_eq!(store.entries().unwrap().len(), 2);
}

#[test]
fn stale_pending_does_not_overwrite_newer_metadata() {
    let (_tmp, store) = temp_store();
    let hash = store.put(b"x").unwrap();
    let newer = meta_at(2_000, 1);
    store.record(&hash, &newer).unwrap();
    assert_eq!(store.meta(&hash).unwrap(), Some(newer.clone()), "folded in");
    let pending = store.dir().join("pending");
    fs::create_dir_all(&pending).unwrap();
    let older = meta_at(1_000, 1);
    fs::write(
        pending.join(format!("{}.json", hash.to_hex())),
        serde_json::to_vec(&older).unwrap(),
    )
    .unwrap();
    fs::write(pending.join(format!("{}.json", "e".repeat(64))), b"garbage").unwrap();
    assert_eq!(store.meta(&hash).unwrap(), Some(newer));
    assert!(files_in(&pending).is_empty());
}

#[test]
fn gc_by_age_leaves_tombstones() {
    let (_tmp, store) = temp_store();
    let now = unix_now();
    let old = store.put(b"forty days old").unwrap();
    store.record(&old, &meta_at(now - 40 * 86_400, 14)).unwrap();
    set_mtime(&store.blob_path(&old), 40 * 86_400);
    let fresh = store.put(b"fresh").unwrap();
    store.record(&fresh, &meta_at(now, 5)).unwrap();
    // No metadata: the file's mtime decides.
    let unrecorded = store.put(b"no metadata, old mtime").unwrap();
    set_mtime(&store.blob_path(&unrecorded), 40 * 86_400);
    let unrecorded_new = store.put(b"no metadata, new mtime").unwrap();
    // Old mtime but recent metadata: the metadata decides.
    let rerecorded = store.put(b"re-recorded").unwrap();
    store
        .record(&rerecorded, &meta_at(now - 86_400, 11))
        .unwrap();
    set_mtime(&store.blob_path(&rerecorded), 40 * 86_400);

    let report = store
        .gc(Some(Duration::from_secs(30 * 86_400)), None)
        .unwrap();
    assert_eq!(
        report,
        GcReport {
            removed: 2,
            freed_bytes: 14 + 22,
            kept: 3,
            kept_bytes: 5 + 22 + 11,
        }
    );
    for gone in [old, unrecorded] {
        assert!(!store.blob_path(&gone).exists());
        assert!(matches!(store.read(&gone), Err(StoreError::Pruned { .. })));
    }
    assert_eq!(store.meta(&old).unwrap(), None);
    for kept in [fresh, unrecorded_new, rerecorded] {
        store.verify(&kept).unwrap();
    }
    assert_eq!(store.entries().unwrap().len(), 2);
}

#[test]
fn gc_by_size_removes_oldest_first() {
    let (_tmp, store) = temp_store();
    let now = unix_now();
    let mut hashes = Vec::new();
    for (i, size) in [100usize, 200, 300].into_iter().enumerate() {
        let bytes = vec![b'a' + i as u8; size];
        let hash = store.put(&bytes).unwrap();
        store
            .record(&hash, &meta_at(now - 1_000 + i as u64, size as u64))
            .unwrap();
        hashes.push(hash);
    }
    let report = store.gc(None, Some(350)).unwrap();
    assert_eq!(
        report,
        GcReport {
            removed: 2,
            freed_bytes: 300,
            kept: 1,
            kept_bytes: 300,
        }
    );
    assert!(matches!(
        store.read(&hashes[0]),
        Err(StoreError::Pruned { .. })
    ));
    assert!(matches!(
        store.read(&hashes[1]),
        Err(StoreError::Pruned { .. })
    ));
    store.verify(&hashes[2]).unwrap();

    let report = store.gc(None, None).unwrap();
    assert_eq!(report.removed, 0);
    assert_eq!(report.kept, 1);
}

#[test]
fn gc_removes_stale_tmp_files() {
    let (_tmp, store) = temp_store();
    let tmp = store.dir().join("tmp");
    let stale = tmp.join("spool-crashed");
    let live = tmp.join("spool-running");
    fs::write(&stale, b"x").unwrap();
    fs::write(&live, b"y").unwrap();
    set_mtime(&stale, 2 * 86_400);
    set_mtime(&live, 2 * 3_600);
    store.gc(None, None).unwrap();
    assert!(!stale.exists());
    assert!(live.exists());
}

#[test]
fn auto_gc_runs_at_most_daily() {
    let (_tmp, store) = temp_store();
    let old = store.put(b"old").unwrap();
    store
        .record(&old, &meta_at(unix_now() - 40 * 86_400, 3))
        .unwrap();
    set_mtime(&store.blob_path(&old), 40 * 86_400);
    let stamp = store.dir().join("last-gc");

    // A new store only gets its stamp.
    assert!(store.auto_gc().is_none());
    assert!(stamp.exists());
    assert!(store.blob_path(&old).exists());
    assert!(store.auto_gc().is_none());
    assert!(store.blob_path(&old).exists());

    set_mtime(&stamp, 2 * 86_400);
    assert!(store.auto_gc().is_none());
    assert!(!store.blob_path(&old).exists());
    let age = SystemTime::now()
        .duration_since(fs::metadata(&stamp).unwrap().modified().unwrap())
        .unwrap_or_default();
    assert!(age < Duration::from_secs(60));
}

#[test]
fn corrupt_blob_is_detected() {
    let (_tmp, store) = temp_store();
    let hash = store.put(b"original content").unwrap();
    fs::write(store.blob_path(&hash), b"tampered content").unwrap();
    let err = store.read(&hash).unwrap_err();
    match &err {
        StoreError::Corrupt {
            hash: h, actual, ..
        } => {
            assert_eq!(*h, hash);
            assert_eq!(*actual, Hash::of(b"tampered content"));
        }
        other => panic!("expected corrupt, got {other:?}"),
    }
    assert!(err.to_string().contains("is corrupt"), "{err}");
    assert!(matches!(
        store.verify(&hash),
        Err(StoreError::Corrupt { .. })
    ));
}

#[test]
fn index_that_is_a_file_fails_cleanly() {
    let (_tmp, store) = temp_store();
    fs::write(store.dir().join("index"), b"not a directory").unwrap();
    let hash = store.put(b"still stored").unwrap();
    assert_eq!(store.read(&hash).unwrap(), b"still stored");
    assert_eq!(store.resolve(&hash.to_hex()[..8]).unwrap(), hash);

    // Recording only drops a pending file; the broken index shows when read.
    store.record(&hash, &meta_at(unix_now(), 12)).unwrap();
    let err = store.meta(&hash).unwrap_err();
    assert!(matches!(err, StoreError::Index { .. }), "{err:?}");
    assert!(err.to_string().contains("metadata index"), "{err}");
    assert!(matches!(store.entries(), Err(StoreError::Index { .. })));
    assert!(matches!(
        store.resolve("0123456789"),
        Err(StoreError::NotFound { .. })
    ));
    // gc still works, by file mtimes.
    let report = store.gc(None, Some(0)).unwrap();
    assert_eq!(report.removed, 1);
    assert!(store.auto_gc().is_none());
}

#[test]
fn garbage_index_files_fail_cleanly() {
    for victim in ["conf", "db", "every file"] {
        let (_tmp, store) = temp_store();
        let hash = store.put(b"payload").unwrap();
        store.record(&hash, &meta_at(unix_now(), 7)).unwrap();
        let garbage: Vec<u8> = (0..100_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for path in files_in(&store.dir().join("index")) {
            let name = path.file_name().unwrap().to_str().unwrap();
            if path.is_file() && (victim == "every file" || victim == name) {
                fs::write(&path, &garbage).unwrap();
            }
        }
        // Either an error or (sled's choice for some damage) an empty
        // index, but never a panic, and blobs are unaffected.
        let _ = store.record(&hash, &meta_at(unix_now(), 7));
        let _ = store.meta(&hash);
        let _ = store.entries();
        let _ = store.gc(None, None);
        assert_eq!(store.read(&hash).unwrap(), b"payload", "{victim}");
        assert_eq!(store.put(b"more").unwrap(), Hash::of(b"more"));
    }
}

#[test]
fn unusable_store_directory_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain-file");
    fs::write(&file, b"x").unwrap();
    let err = Store::open(file.join("store")).unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }));
    assert!(
        err.to_string().starts_with("cannot create directory"),
        "{err}"
    );

    let (_tmp, store) = temp_store();
    fs::remove_dir_all(store.dir().join("tmp")).unwrap();
    fs::write(store.dir().join("tmp"), b"x").unwrap();
    let err = store.put(b"cannot spool").unwrap_err();
    assert!(err.to_string().contains("cannot create temp file"), "{err}");
}

#[test]
fn default_dir_follows_xdg() {
    // Reads the real environment only; never writes there.
    let dir = Store::default_dir();
    assert!(dir.ends_with("headroom") || dir.to_string_lossy().contains("headroom-"));
}

#[test]
fn parse_durations() {
    let d = |s| parse_duration(s).unwrap().as_secs();
    assert_eq!(d("45s"), 45);
    assert_eq!(d("90m"), 5_400);
    assert_eq!(d("12h"), 43_200);
    assert_eq!(d("30d"), 2_592_000);
    assert_eq!(d("2w"), 1_209_600);
    assert_eq!(d("1.5d"), 129_600);
    assert_eq!(d(" 3 Days "), 259_200);
    for bad in [
        "",
        "30",
        "d",
        "-1d",
        "5y",
        "1e3d",
        "1.2.3h",
        "999999999999999999999w",
    ] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
    assert!(parse_duration("30")
        .unwrap_err()
        .to_string()
        .contains("missing unit"));
}

#[test]
fn parse_sizes() {
    let s = |v| parse_size(v).unwrap();
    assert_eq!(s("1024"), 1_024);
    assert_eq!(s("10b"), 10);
    assert_eq!(s("500M"), 500 << 20);
    assert_eq!(s("2G"), 2 << 30);
    assert_eq!(s("2g"), 2 << 30);
    assert_eq!(s("1.5GiB"), 3 << 29);
    assert_eq!(s("750MB"), 750_000_000);
    assert_eq!(s("1 KiB"), 1_024);
    assert_eq!(s("1T"), 1 << 40);
    for bad in ["", "G", "-5M", "5X", "1e99T", "99999999999999999999"] {
        assert!(parse_size(bad).is_err(), "{bad}");
    }
}

#[test]
fn dates() {
    assert_eq!(format_date(0), "1970-01-01");
    assert_eq!(format_date(951_782_400), "2000-02-29");
    assert_eq!(format_date(1_793_491_200), "2026-11-01");
    assert_eq!(format_date(1_793_577_599), "2026-11-01");
}

/// Environment variables that turn [`worker_entry`] into a worker.
const WORKER_DIR: &str = "HEADROOM_STORE_TEST_WORKER_DIR";
const WORKER_ID: &str = "HEADROOM_STORE_TEST_WORKER_ID";

fn worker_blob(id: usize) -> Vec<u8> {
    format!("output of worker {id}\n")
        .repeat(100 + id)
        .into_bytes()
}

/// Does nothing in a normal run; in a child process spawned by
/// `concurrent_processes_all_succeed` it stores one blob and its metadata.
#[test]
fn worker_entry() {
    let (Some(dir), Some(id)) = (std::env::var_os(WORKER_DIR), std::env::var_os(WORKER_ID)) else {
        return;
    };
    let id: usize = id.to_str().unwrap().parse().unwrap();
    let store = Store::open(PathBuf::from(dir)).unwrap();
    let bytes = worker_blob(id);
    let hash = store.put(&bytes).unwrap();
    let meta = EntryMeta {
        command: Some(format!("worker {id}")),
        ..meta_at(unix_now(), bytes.len() as u64)
    };
    store.record(&hash, &meta).unwrap();
}

#[test]
fn concurrent_processes_all_succeed() {
    const WORKERS: usize = 32;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let exe = std::env::current_exe().unwrap();
    // Test names omit the crate: "store::tests::worker_entry".
    let module = module_path!().split_once("::").unwrap().1;
    let test_name = format!("{module}::worker_entry");
    // Spawn all before waiting for any, so they really run at once, and
    // on a store whose index does not exist yet (creation race included).
    let children: Vec<_> = (0..WORKERS)
        .map(|id| {
            Command::new(&exe)
                .args([&test_name, "--exact", "--nocapture", "--test-threads=1"])
                .env(WORKER_DIR, &dir)
                .env(WORKER_ID, id.to_string())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (id, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "worker {id} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("1 passed"),
            "worker {id} ran no test"
        );
    }

    let store = Store::open(dir).unwrap();
    let entries = store.entries().unwrap();
    assert_eq!(entries.len(), WORKERS);
    for id in 0..WORKERS {
        let bytes = worker_blob(id);
        let hash = Hash::of(&bytes);
        assert_eq!(store.read(&hash).unwrap(), bytes);
        let meta = store.meta(&hash).unwrap().expect("metadata recorded");
        assert_eq!(meta.command, Some(format!("worker {id}")));
        assert_eq!(meta.size, bytes.len() as u64);
    }
    assert!(files_in(&store.dir().join("pending")).is_empty());
    assert!(files_in(&store.dir().join("tmp")).is_empty());
}
