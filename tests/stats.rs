//! `headroom stats` sums what the filter reported for each run, per content type and
//! per command.

mod common;

use std::collections::HashMap;

use common::*;
use serde_json::Value;

#[test]
fn per_type_totals_match_the_runs_own_reports() {
    let store = tempfile::tempdir().unwrap();
    let runs = [
        ("postgres-pgbench.log", "docker logs db"),
        ("python-worker.log", "python3 worker.py"),
        ("cargo-metadata-headroom.json", "cargo metadata"),
        ("test/cargo-ledger-color.log", "cargo test"),
    ];
    // Hand-computed expectation: the sum of each run's --stats line, by type.
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
        e.1 += report["tokens_in"].as_u64().unwrap();
        e.2 += report["tokens_out"].as_u64().unwrap();
    }
    assert!(expected.len() >= 3, "{expected:?}");
    let out = bin("headroom", store.path())
        .args(["stats", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    let per_type = stats["per_type"].as_object().unwrap();
    assert_eq!(per_type.len(), expected.len());
    for (kind, (runs, tokens_in, tokens_out)) in &expected {
        let t = &per_type[kind];
        assert_eq!(t["runs"], *runs, "{kind}");
        assert_eq!(t["tokens_in"], *tokens_in, "{kind}");
        assert_eq!(t["tokens_out"], *tokens_out, "{kind}");
        assert_eq!(
            t["tokens_saved"],
            tokens_in.saturating_sub(*tokens_out),
            "{kind}"
        );
    }
    assert_eq!(stats["total"]["runs"], 4);
    assert_eq!(stats["per_command"]["cargo"]["runs"], 2);
    // The terminal view draws bars.
    let text = bin("headroom", store.path()).arg("stats").output().unwrap();
    assert!(String::from_utf8(text.stdout).unwrap().contains('█'));
}
