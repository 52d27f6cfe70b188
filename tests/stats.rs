//! `headroom stats` sums the runs recorded in the store, per content type and per
//! command, in exact o200k tokens: counted on the first `stats` from the stored
//! originals and views, then cached in the index.

mod common;

use std::collections::HashMap;

use common::*;
use headroom::store::Store;
use headroom::tokens;
use serde_json::Value;

fn stats_json(store: &std::path::Path) -> Value {
    let out = bin("headroom", store)
        .args(["stats", "--json"])
        .output()
        .unwrap();
    assert_success(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn per_type_totals_are_the_exact_counts_of_inputs_and_outputs() {
    let store = tempfile::tempdir().unwrap();
    let runs = [
        ("postgres-pgbench.log", "docker logs db"),
        ("python-worker.log", "python3 worker.py"),
        ("cargo-metadata-headroom.json", "cargo metadata"),
        ("test/cargo-ledger-color.log", "cargo test"),
        ("git-log-stat-headroom.txt", "git log --stat"),
    ];
    // Hand-computed expectation: by the type each run reports, the exact count of the
    // fixture and of what the run printed, counted here independently.
    let mut expected: HashMap<String, (u64, u64, u64)> = HashMap::new();
    for (file, cmd) in runs {
        let out = bin("headroom", store.path())
            .args(["--stats", "--cmd", cmd, fixture(file).to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success());
        let line = String::from_utf8(out.stderr).unwrap();
        let report: Value = serde_json::from_str(line.lines().last().unwrap()).unwrap();
        let e = expected
            .entry(report["type"].as_str().unwrap().to_string())
            .or_default();
        e.0 += 1;
        e.1 += tokens::exact_bytes(&read_fixture(file)).unwrap();
        e.2 += tokens::exact_bytes(&out.stdout).unwrap();
    }
    assert!(expected.len() >= 3, "{expected:?}");
    let stats = stats_json(store.path());
    let per_type = stats["per_type"].as_object().unwrap();
    assert_eq!(per_type.len(), expected.len());
    for (kind, (runs, tokens_in, tokens_out)) in &expected {
        let t = &per_type[kind];
        assert!(
            tokens_out < tokens_in,
            "{kind}: the fixtures are compressed"
        );
        assert_eq!(t["runs"], *runs, "{kind}");
        assert_eq!(t["tokens_in"], *tokens_in, "{kind}");
        assert_eq!(t["tokens_out"], *tokens_out, "{kind}");
        assert_eq!(t["tokens_saved"], tokens_in - tokens_out, "{kind}");
        assert_eq!(t["runs_estimated"], 0, "{kind}");
    }
    assert_eq!(stats["total"]["runs"], 5);
    assert_eq!(stats["per_command"]["cargo"]["runs"], 2);
    // The terminal view draws bars.
    let text = bin("headroom", store.path()).arg("stats").output().unwrap();
    assert!(String::from_utf8(text.stdout).unwrap().contains('█'));
}

#[test]
fn exact_counts_are_cached_in_the_index() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["python-worker.log", "test/go-shop-v.log"] {
        let out = bin("headroom", dir.path())
            .arg(fixture(file))
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let store = Store::open(dir.path().to_path_buf()).unwrap();
    let before = store.entries().unwrap();
    assert_eq!(before.len(), 2);
    assert!(before
        .iter()
        .all(|(_, m)| m.exact.is_none() && m.view.is_some()));

    let first = stats_json(dir.path());
    let cached = store.entries().unwrap();
    for (hash, meta) in &cached {
        let exact = meta.exact.expect("counted and cached");
        assert_eq!(
            exact.tokens_in,
            tokens::exact_bytes(&store.read(hash).unwrap()).unwrap()
        );
    }

    // A later `stats` reads the cache instead of counting again: a cached count
    // changed behind its back is what it reports.
    let (hash, meta) = &cached[0];
    let mut changed = meta.clone();
    changed.exact.as_mut().unwrap().tokens_in += 1000;
    store
        .update_metas(&[(*hash, meta.clone(), changed)])
        .unwrap();
    let second = stats_json(dir.path());
    assert_eq!(
        second["total"]["tokens_in"].as_u64().unwrap(),
        first["total"]["tokens_in"].as_u64().unwrap() + 1000
    );
}

/// A run whose view was not kept (recorded before views were) is counted from its
/// original, its output scaled from the estimate, and reported as estimated.
#[test]
fn runs_without_a_kept_view_are_flagged_as_estimated() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin("headroom", dir.path())
        .arg(fixture("python-worker.log"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let store = Store::open(dir.path().to_path_buf()).unwrap();
    let (hash, meta) = store.entries().unwrap().remove(0);
    let old_style = headroom::store::EntryMeta {
        view: None,
        ..meta.clone()
    };
    store
        .update_metas(&[(hash, meta.clone(), old_style.clone())])
        .unwrap();
    let stats = stats_json(dir.path());
    let total = &stats["total"];
    assert_eq!(total["runs_estimated"], 1);
    let exact_in = tokens::exact_bytes(&read_fixture("python-worker.log")).unwrap();
    assert_eq!(total["tokens_in"], exact_in);
    let scaled = (meta.tokens_out as f64 * exact_in as f64 / meta.tokens_in as f64).round();
    assert_eq!(total["tokens_out"], scaled as u64);
}
