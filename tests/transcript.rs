//! `headroom transcript` on a real Claude Code session: only tool outputs change,
//! every other byte stays, originals come back, and a second run changes nothing.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;
use headroom::transcript::scan::{string_values, Seg};
use serde_json::Value;

const SESSION: &str = "transcripts/claude-python-to-rust.jsonl";

/// Runs `headroom transcript ARGS` with its own store; returns stdout, asserting success.
fn transcript(store: &Path, args: &[&str]) -> String {
    let out = bin("headroom", store)
        .arg("transcript")
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A string literal's location and path, and the line's bytes around literals.
fn literals(line: &[u8]) -> (Vec<(Vec<Seg>, String)>, Vec<u8>) {
    let mut found = Vec::new();
    let mut outside = Vec::new();
    let mut at = 0;
    string_values(line, &mut |path, range| {
        outside.extend_from_slice(&line[at..range.start]);
        outside.push(b'"');
        at = range.end;
        let text: String = serde_json::from_slice(&line[range]).unwrap();
        found.push((path.to_vec(), text));
    })
    .expect("every line is JSON");
    outside.extend_from_slice(&line[at..]);
    (found, outside)
}

/// Where a tool output may sit: a tool_result's content (or its text blocks), or an
/// output copy under `toolUseResult`.
fn is_tool_output(path: &[Seg]) -> bool {
    let key = |i: usize, k: &str| matches!(path.get(i), Some(Seg::Key(x)) if x == k);
    (key(0, "message") && key(1, "content") && key(3, "content")) || key(0, "toolUseResult")
}

/// Asserts `output` is `input` with only tool outputs replaced by views; returns the
/// views.
fn assert_only_tool_outputs_changed(input: &[u8], output: &[u8]) -> Vec<String> {
    let a: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    let b: Vec<&[u8]> = output.split(|&b| b == b'\n').collect();
    assert_eq!(a.len(), b.len(), "record count changed");
    let mut views = Vec::new();
    for (n, (x, y)) in a.iter().zip(&b).enumerate() {
        if x == y {
            continue;
        }
        serde_json::from_slice::<Value>(y).unwrap_or_else(|e| panic!("line {n}: {e}"));
        let ((sx, ox), (sy, oy)) = (literals(x), literals(y));
        assert!(ox == oy, "line {n}: bytes outside string literals changed");
        assert_eq!(sx.len(), sy.len());
        for ((px, tx), (py, ty)) in sx.iter().zip(&sy) {
            assert_eq!(px, py);
            if tx != ty {
                assert!(is_tool_output(px), "line {n}: {px:?} changed");
                assert!(
                    ty.contains("headroom-cat "),
                    "line {n}: a view without marker"
                );
                views.push(ty.clone());
            }
        }
    }
    views
}

#[test]
fn only_tool_outputs_change_and_their_originals_come_back() {
    let store = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let input = read_fixture(SESSION);
    let report = transcript(
        store.path(),
        &[
            "-o",
            out.path().to_str().unwrap(),
            fixture(SESSION).to_str().unwrap(),
        ],
    );
    let output = fs::read(out.path().join("claude-python-to-rust.jsonl")).unwrap();
    let views = assert_only_tool_outputs_changed(&input, &output);
    assert!(views.len() >= 3, "{report}");
    assert!(output.len() < input.len());

    // Each view's original is a tool output of the input, word for word.
    let inputs: Vec<String> = input
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .flat_map(|l| literals(l).0.into_iter().map(|(_, t)| t))
        .collect();
    for view in &views {
        let hash = marker_hash(view.as_bytes()).unwrap();
        let original = String::from_utf8(original(store.path(), &hash)).unwrap();
        assert!(inputs.contains(&original), "{hash} is not a tool output");
    }

    // The table names the file and its records, results compressed and tokens.
    let row = report
        .lines()
        .find(|l| l.contains("claude-python-to-rust.jsonl"))
        .unwrap();
    assert!(row.contains(" 97 "), "{row}");
    assert!(report.contains("total (1 files)"), "{report}");
}

#[test]
fn a_second_run_changes_nothing() {
    let store = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("session.jsonl");
    fs::copy(fixture(SESSION), &file).unwrap();
    transcript(store.path(), &["--in-place", file.to_str().unwrap()]);
    let once = fs::read(&file).unwrap();
    assert_ne!(once, read_fixture(SESSION));
    let report = transcript(
        store.path(),
        &["--in-place", "--json", file.to_str().unwrap()],
    );
    assert_eq!(fs::read(&file).unwrap(), once);
    let report: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["total"]["compressed"], 0);
    assert_eq!(report["total"]["records"], 97);
}

#[test]
fn in_place_keeps_permissions_and_a_backup() {
    let store = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("project/subagents");
    fs::create_dir_all(&sub).unwrap();
    let file = sub.join("agent-1.jsonl");
    fs::copy(fixture(SESSION), &file).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    fs::write(dir.path().join("notes.txt"), "not a transcript").unwrap();

    // The directory is walked; only *.jsonl / *.json files are taken.
    let report = transcript(
        store.path(),
        &[
            "--in-place",
            "--backup",
            "--json",
            dir.path().to_str().unwrap(),
        ],
    );
    let report: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["files"].as_array().unwrap().len(), 1);
    assert_eq!(
        fs::read(sub.join("agent-1.jsonl.orig")).unwrap(),
        read_fixture(SESSION)
    );
    let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // No temporary file is left behind.
    let names: Vec<_> = fs::read_dir(&sub)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn dry_run_writes_nothing_and_reports() {
    let store = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.jsonl");
    fs::copy(fixture(SESSION), &file).unwrap();
    let report = transcript(
        store.path(),
        &["--dry-run", "--json", "-j", "2", file.to_str().unwrap()],
    );
    assert_eq!(fs::read(&file).unwrap(), read_fixture(SESSION));
    let report: Value = serde_json::from_str(&report).unwrap();
    let total = &report["total"];
    assert!(total["compressed"].as_u64().unwrap() >= 3);
    assert!(total["tokens_out"].as_u64() < total["tokens_in"].as_u64());
    assert_eq!(
        total["bytes_in"].as_u64().unwrap(),
        read_fixture(SESSION).len() as u64
    );
}

#[test]
fn escapes_line_endings_and_unknown_records_survive() {
    let store = tempfile::tempdir().unwrap();
    // A tool result from the real session, inside records written with escapes and
    // CRLF, an unknown record type, a line that is not JSON and no final newline.
    let (bash, hint) = real_bash_output();
    let result = serde_json::to_string(&bash).unwrap();
    let input = format!(
        "{{\"type\":\"user\",\"message\":{{\"role\":\"user\",\"content\":\"caf\\u00e9 \\/ why?\"}}}}\r\n\
         {{\"type\":\"assistant\",\"message\":{{\"role\":\"assistant\",\"content\":[{{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"Bash\",\"input\":{{\"command\":{hint}}}}}]}}}}\r\n\
         {{\"type\":\"mystery\", \"n\": 1.50, \"x\":\"\\u0041\"}}\r\n\
         not json at all\r\n\
         {{\"type\":\"user\",\"message\":{{\"role\":\"user\",\"content\":[{{\"tool_use_id\":\"t1\",\"type\":\"tool_result\",\"content\":{result}}}]}},\"toolUseResult\":{{\"stdout\":{result},\"stderr\":\"\",\"interrupted\":false}}}}",
        hint = serde_json::to_string(&hint).unwrap(),
    );
    let out = run_with_input(
        bin("headroom", store.path()).args(["transcript", "-"]),
        input.as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let output = String::from_utf8(out.stdout).unwrap();
    let (a, b): (Vec<&str>, Vec<&str>) = (
        input.split("\r\n").collect(),
        output.split("\r\n").collect(),
    );
    assert_eq!(a.len(), b.len());
    assert_eq!(a[..4], b[..4], "records without tool results are untouched");
    assert!(!output.ends_with('\n'));
    let last: Value = serde_json::from_str(b[4]).unwrap();
    let view = last["message"]["content"][0]["content"].as_str().unwrap();
    assert!(view.contains("headroom-cat "), "{view}");
    // The copy in toolUseResult gets the same view.
    assert_eq!(last["toolUseResult"]["stdout"].as_str().unwrap(), view);
}

/// The longest Bash result of the real session and its command.
fn real_bash_output() -> (String, String) {
    let input = read_fixture(SESSION);
    let mut commands = std::collections::HashMap::new();
    let mut best = (String::new(), String::new());
    for line in input.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let record: Value = serde_json::from_slice(line).unwrap();
        for block in record["message"]["content"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if block["type"] == "tool_use" && block["name"] == "Bash" {
                commands.insert(block["id"].clone(), block["input"]["command"].clone());
            }
            if let (Some(text), Some(cmd)) = (
                block["content"].as_str(),
                commands.get(&block["tool_use_id"]).and_then(Value::as_str),
            ) {
                if text.len() > best.0.len() {
                    best = (text.to_string(), cmd.to_string());
                }
            }
        }
    }
    assert!(best.0.len() > 3000, "the session has a long Bash result");
    best
}

#[test]
fn a_destination_must_be_named() {
    let store = tempfile::tempdir().unwrap();
    let out = bin("headroom", store.path())
        .args(["transcript", fixture(SESSION).to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
