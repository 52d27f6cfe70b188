//! End-to-end: `headroom-cat --path`, `--items` and `--query` on JSON originals stored
//! by piping real-looking JSON through `headroom`. Values are compared with serde_json
//! (with `arbitrary_precision`, so numbers must keep their digits).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use serde_json::Value;

/// A GitHub-like `workflow_runs` response, pretty-printed, with numbers and strings
/// serde_json would not write the same way (`1.50`, `2e3`, big integers, escapes).
fn workflow_runs() -> String {
    let runs: Vec<String> = (0..200)
        .map(|i| {
            let conclusion = if i == 117 { "failure" } else { "success" };
            format!(
                r#"    {{
      "id": {id},
      "name": "CI",
      "display title": "Bump deps \"{i}\" \u00e9t\u00e9 — ünïcode\ttab",
      "status": "completed",
      "conclusion": "{conclusion}",
      "run_number": {n},
      "duration": 1.50,
      "bytes": 2e3,
      "big": 184467440737095516160{i},
      "labels": {{"os": "ubuntu-22.04", "arch": "x64", "gpu": null}},
      "actor": {{"login": "user{u}", "type": "User", "site_admin": false}},
      "steps": [{{"name": "checkout", "ok": true}}, {{"name": "test", "ok": {ok}}}]
    }}"#,
                id = 2_802_600_000u64 + i,
                n = 300 + i,
                u = i % 7,
                ok = i != 117,
            )
        })
        .collect();
    format!(
        "{{\n  \"total_count\": 593,\n  \"workflow_runs\": [\n{}\n  ],\n  \"time\": {{{}}}\n}}\n",
        runs.join(",\n"),
        (0..40)
            .map(|i| format!("\"1.{i}.0\": \"2024-01-{:02}T00:00:00Z\"", i % 28 + 1))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// A store holding [`workflow_runs`]: the store, the document as serde_json reads
/// it, and the short hash.
fn stored_runs() -> (tempfile::TempDir, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let input = workflow_runs();
    let hash = store(dir.path(), &input);
    (dir, serde_json::from_str(&input).unwrap(), hash)
}

/// JSON Lines: 300 log records, one an error.
fn log_records() -> String {
    (0..300)
        .map(|i| {
            let (level, msg) = if i == 200 {
                ("error", "disk full on /dev/sda1".to_string())
            } else {
                ("info", format!("request {i} served in {}ms", i % 13))
            };
            format!(
                "{{\"ts\":\"2024-01-01T00:{:02}:{:02}Z\",\"level\":\"{level}\",\"msg\":\"{msg}\",\"user\":{{\"id\":{i},\"name\":\"u{i}\"}}}}\n",
                i / 60,
                i % 60
            )
        })
        .collect()
}

/// Stores `input` by piping it through `headroom`; returns the short hash.
fn store(dir: &Path, input: &str) -> String {
    let out = run_with_input(bin("headroom", dir).arg("--stats"), input.as_bytes());
    assert_success(&out);
    let stderr = String::from_utf8(out.stderr).unwrap();
    let stats: Value = serde_json::from_str(stderr.lines().last().unwrap()).unwrap();
    let hash = stats["hash"].as_str().expect("the original was stored");
    assert_eq!(original(dir, hash).as_slice(), input.as_bytes());
    hash[..12].to_string()
}

fn cat(dir: &Path, hash: &str, args: &[&str]) -> Output {
    bin("headroom-cat", dir)
        .arg(hash)
        .args(args)
        .output()
        .unwrap()
}

/// Runs a selector that must succeed; returns its stdout lines.
fn lines(dir: &Path, hash: &str, args: &[&str]) -> Vec<String> {
    let out = cat(dir, hash, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Each output line parsed as JSON.
fn values(dir: &Path, hash: &str, args: &[&str]) -> Vec<Value> {
    lines(dir, hash, args)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}

/// Runs a selector that must fail with `status`; returns its stderr.
fn fails(dir: &Path, hash: &str, args: &[&str], status: i32) -> String {
    let out = cat(dir, hash, args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(status), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}");
    err
}

#[test]
fn path_selects_values_equal_to_the_originals() {
    let (dir, doc, hash) = stored_runs();
    let runs = doc["workflow_runs"].as_array().unwrap();

    assert_eq!(
        values(dir.path(), &hash, &["--path", "."]),
        std::slice::from_ref(&doc)
    );
    assert_eq!(
        values(dir.path(), &hash, &["--path", ".workflow_runs[117]"]),
        [runs[117].clone()]
    );
    assert_eq!(
        values(dir.path(), &hash, &["--path", ".workflow_runs[-1].actor"]),
        [runs[199]["actor"].clone()]
    );
    // Scalars come back byte for byte.
    for (path, text) in [
        (".workflow_runs[3].duration", "1.50"),
        (".workflow_runs[3].bytes", "2e3"),
        (".workflow_runs[3].big", "1844674407370955161603"),
        (
            ".workflow_runs[3][\"display title\"]",
            r#""Bump deps \"3\" \u00e9t\u00e9 — ünïcode\ttab""#,
        ),
        (".workflow_runs[0].labels.gpu", "null"),
        (".[\"total_count\"]", "593"),
        (".\"time\".\"1.3.0\"", "\"2024-01-04T00:00:00Z\""),
    ] {
        assert_eq!(
            lines(dir.path(), &hash, &["--path", path]),
            [text],
            "{path}"
        );
    }
    // A slice maps the rest of the path over each element.
    let conclusions = values(
        dir.path(),
        &hash,
        &["--path", ".workflow_runs[110:120].conclusion"],
    );
    let want: Vec<Value> = runs[110..120]
        .iter()
        .map(|r| r["conclusion"].clone())
        .collect();
    assert_eq!(conclusions, want);
    let ok = values(
        dir.path(),
        &hash,
        &["--path", ".workflow_runs[].steps[1].ok"],
    );
    assert_eq!(ok.len(), 200);
    assert_eq!(ok[117], Value::Bool(false));
    let labels = values(dir.path(), &hash, &["--path", ".workflow_runs[0].labels[]"]);
    assert_eq!(labels.len(), 3);
    assert_eq!(labels[0], "ubuntu-22.04");
}

#[test]
fn items_of_arrays_and_objects() {
    let (dir, doc, hash) = stored_runs();
    let runs = doc["workflow_runs"].as_array().unwrap();

    // Out of range is clamped, like a jq slice; negatives count from the end.
    for (items, want) in [
        ("16:20", 16..20),
        ("196:412", 196..200),
        ("-2:", 198..200),
        ("5", 5..6),
    ] {
        let got = values(
            dir.path(),
            &hash,
            &["--path", ".workflow_runs", "--items", items],
        );
        assert_eq!(got, runs[want], "--items {items}");
    }

    // An object's members by position, each as a one-member object.
    let time = doc["time"].as_object().unwrap();
    let got = values(dir.path(), &hash, &["--path", ".time", "--items", "4:7"]);
    let want: Vec<Value> = time
        .iter()
        .skip(4)
        .take(3)
        .map(|(k, v)| serde_json::json!({ k.clone(): v.clone() }))
        .collect();
    assert_eq!(got, want);
    // The root object's members, without --path.
    let got = values(dir.path(), &hash, &["--items", ":1"]);
    assert_eq!(got, [serde_json::json!({"total_count": 593})]);

    // `headroom retrieve` is the same command.
    let out = bin("headroom", dir.path())
        .args([
            "retrieve",
            &hash,
            "--path",
            ".workflow_runs",
            "--items",
            "16:18",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
}

#[test]
fn items_of_a_top_level_array() {
    let dir = tempfile::tempdir().unwrap();
    let items: Vec<String> = (0..411)
        .map(|i| {
            format!(
                "{{\"id\":{i},\"name\":\"pkg-{i}\",\"version\":\"1.{i}.0\",\"score\":0.{i:03}}}"
            )
        })
        .collect();
    let input = format!("[\n{}\n]\n", items.join(",\n"));
    let doc: Value = serde_json::from_str(&input).unwrap();
    let hash = store(dir.path(), &input);
    let got = values(dir.path(), &hash, &["--items", "1:411"]);
    assert_eq!(got, doc.as_array().unwrap()[1..]);
    assert_eq!(
        lines(dir.path(), &hash, &["--path", "[7].score"]),
        ["0.007"]
    );
    assert_eq!(
        lines(dir.path(), &hash, &["--path", "[408:].name"]),
        ["\"pkg-408\"", "\"pkg-409\"", "\"pkg-410\""]
    );
}

#[test]
fn json_lines_items_are_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = log_records();
    let records: Vec<Value> = input
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let hash = store(dir.path(), &input);

    assert_eq!(
        values(dir.path(), &hash, &["--items", "3:5"]),
        records[3..5]
    );
    assert_eq!(
        values(dir.path(), &hash, &["--items", "298:999"]),
        records[298..]
    );
    let ids = values(dir.path(), &hash, &["--path", ".user.id"]);
    assert_eq!(ids.len(), 300);
    assert_eq!(ids[200], serde_json::json!(200));
    assert_eq!(
        lines(
            dir.path(),
            &hash,
            &["--items", "200:202", "--path", ".level"]
        ),
        ["\"error\"", "\"info\""]
    );
    let err = fails(dir.path(), &hash, &["--path", ".user.email"], 1);
    assert!(
        err.contains("line 1: .user.email: no such key; .user has 2 keys: \"id\", \"name\""),
        "{err}"
    );
}

#[test]
fn query_returns_whole_items_ranked() {
    let (dir, doc, hash) = stored_runs();

    let got = lines(dir.path(), &hash, &["--query", "which run had a failure?"]);
    assert!(
        got[0].starts_with(&format!("[headroom-cat {hash} --query: ")),
        "{got:?}"
    );
    assert!(got[0].contains(" items matched, showing "), "{}", got[0]);
    let failed = got
        .iter()
        .find(|l| l.starts_with(".workflow_runs[117]: "))
        .unwrap_or_else(|| panic!("{got:?}"));
    let item: Value =
        serde_json::from_str(failed.strip_prefix(".workflow_runs[117]: ").unwrap()).unwrap();
    assert_eq!(item, doc["workflow_runs"][117]);
    // Every shown line is a whole item under its path, in document order, and the
    // answer stays small.
    let mut last = None;
    for line in &got[1..] {
        let (path, item) = line.split_once(": ").unwrap();
        let n: usize = path
            .strip_prefix(".workflow_runs[")
            .and_then(|p| p.strip_suffix(']'))
            .unwrap()
            .parse()
            .unwrap();
        assert!(last < Some(n));
        last = Some(n);
        let item: Value = serde_json::from_str(item).unwrap();
        assert_eq!(item, doc["workflow_runs"][n]);
    }
    let bytes: usize = got.iter().map(|l| l.len() + 1).sum();
    assert!(bytes < 8_000, "{bytes} bytes");

    // An exact identifier finds its item.
    let got = lines(dir.path(), &hash, &["--query", "2802600042"]);
    assert!(
        got[1].starts_with(".workflow_runs[42]: {\"id\":2802600042,"),
        "{got:?}"
    );

    // Nothing matches: exit 1, with the line query's wording.
    let out = cat(dir.path(), &hash, &["--query", "zebra"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "[headroom-cat {hash} --query: no item matches \"zebra\" in 200 items; try --grep RE or -L A:B]\n"
        )
    );

    // With -L the query ranks lines, as before.
    let got = lines(dir.path(), &hash, &["--query", "failure", "-L", "1:3000"]);
    assert!(
        got[0].ends_with("1 line matched, showing 1 best with context]"),
        "{got:?}"
    );
    assert!(got
        .iter()
        .any(|l| l.ends_with(":      \"conclusion\": \"failure\",")));
}

#[test]
fn query_on_json_lines_ranks_lines_as_items() {
    let dir = tempfile::tempdir().unwrap();
    let input = log_records();
    let hash = store(dir.path(), &input);
    let got = lines(dir.path(), &hash, &["--query", "disk full"]);
    assert_eq!(
        got,
        [
            format!("[headroom-cat {hash} --query: 1 item matched, showing 1 best]"),
            format!("L201: {}", input.lines().nth(200).unwrap()),
        ]
    );
}

#[test]
fn query_falls_back_to_lines_without_items() {
    let dir = tempfile::tempdir().unwrap();
    // One big object and no array: the line query answers.
    let members: Vec<String> = (0..600)
        .map(|i| {
            format!(
                "  \"pkg-{i}\": {{\"version\": \"1.{i}.0\", \"ok\": {}}}",
                i != 321
            )
        })
        .collect();
    let input = format!("{{\n{}\n}}\n", members.join(",\n"));
    let hash = store(dir.path(), &input);
    let got = lines(dir.path(), &hash, &["--query", "pkg-321"]);
    assert!(got[0].contains("lines matched"), "{got:?}");
    assert!(
        got.iter().any(|l| l.starts_with("323:  \"pkg-321\"")),
        "{got:?}"
    );

    // Text is text.
    let log: String = (0..3000)
        .map(|i| format!("2024-01-01 12:00:00 INFO request {i} served\n"))
        .collect();
    let hash = store(dir.path(), &log);
    let got = lines(dir.path(), &hash, &["--query", "request 2999"]);
    assert!(got[0].contains("lines matched"), "{got:?}");
}

#[test]
fn bad_selectors_say_why() {
    let (dir, _, hash) = stored_runs();

    // A path that does not exist: exit 1, saying which step found what.
    let err = fails(dir.path(), &hash, &["--path", ".workflow_runs[400]"], 1);
    assert!(
        err.contains(".workflow_runs[400]: index 400 out of range (array of 200)"),
        "{err}"
    );
    let err = fails(dir.path(), &hash, &["--path", ".workflow_runs.id"], 1);
    assert!(
        err.contains(".workflow_runs.id: .workflow_runs is an array of 200, not an object"),
        "{err}"
    );
    let err = fails(dir.path(), &hash, &["--path", ".nope"], 1);
    assert!(
        err.contains(".nope: no such key; . has 3 keys: \"total_count\""),
        "{err}"
    );
    // An empty selection: exit 1.
    let err = fails(
        dir.path(),
        &hash,
        &["--path", ".workflow_runs", "--items", "300:400"],
        1,
    );
    assert!(
        err.contains("selects nothing: .workflow_runs is an array of 200"),
        "{err}"
    );
    // Bad syntax and bad combinations: exit 2.
    let err = fails(dir.path(), &hash, &["--path", ".workflow_runs[1"], 2);
    assert!(err.contains("unclosed '[' at character 17"), "{err}");
    let err = fails(dir.path(), &hash, &["--items", "a:b"], 2);
    assert!(err.contains("invalid item range"), "{err}");
    let err = fails(dir.path(), &hash, &["--path", ".a", "-L", "1:2"], 2);
    assert!(err.contains("cannot be combined with -L/--lines"), "{err}");
    let err = fails(dir.path(), &hash, &["--items", "1:2", "--grep", "x"], 2);
    assert!(err.contains("cannot be combined with --grep"), "{err}");

    // Fan-outs skip what is missing, and say so.
    let out = cat(dir.path(), &hash, &["--path", ".time[].x"]);
    assert_eq!(out.status.code(), Some(1));
    let out = cat(dir.path(), &hash, &["--path", "[][0].id"]);
    assert!(out.status.success());
    assert_eq!(out.stdout, b"2802600000\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("note: skipped 2 values where the path does not exist"),
        "{err}"
    );

    // An original that is not JSON: exit 2, pointing at the line selectors.
    let log: String = (0..3000)
        .map(|i| format!("2024-01-01 12:00:00 INFO request {i} served\n"))
        .collect();
    let text = store(dir.path(), &log);
    let err = fails(dir.path(), &text, &["--path", "."], 2);
    assert!(err.contains(&format!("{text} is not JSON")), "{err}");
    assert!(
        err.contains("use -L A:B, --grep RE or --query TEXT"),
        "{err}"
    );
    let err = fails(dir.path(), &text, &["--items", "0:1"], 2);
    assert!(err.contains("not JSON"), "{err}");
}

/// Every `headroom-cat …` command in a JSON view (markers and header) runs and
/// prints something.
#[test]
fn every_command_in_a_json_view_runs() {
    let dir = tempfile::tempdir().unwrap();
    for input in [workflow_runs(), log_records()] {
        let view = run_with_input(&mut bin("headroom", dir.path()), input.as_bytes()).stdout;
        let view = String::from_utf8(view).unwrap();
        let commands = commands_in(&view);
        assert!(!commands.is_empty(), "{view}");
        for command in commands {
            let script = format!(
                "exec {} --store '{}' {command}",
                env!("CARGO_BIN_EXE_headroom-cat"),
                dir.path().display()
            );
            let out = Command::new("sh").args(["-c", &script]).output().unwrap();
            assert!(
                out.status.success() && !out.stdout.is_empty(),
                "{command}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// The arguments after each `headroom-cat ` in `view`, up to the `]` that closes the
/// marker (one inside single quotes does not).
fn commands_in(view: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in view.match_indices("headroom-cat ") {
        let rest = &view[at + "headroom-cat ".len()..];
        let mut quoted = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                if c == '\'' {
                    quoted = !quoted;
                }
                !quoted && (c == ']' || c == '\n')
            })
            .map_or(rest.len(), |(i, _)| i);
        found.push(rest[..end].to_string());
    }
    found
}
