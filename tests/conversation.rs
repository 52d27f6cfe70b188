//! A session log piped through the filter is shown as its conversation: every user
//! message and call in the view, bookkeeping records folded into record-range
//! markers that return those records, and every tool output's own view retrievable
//! byte for byte. Review snapshot changes with `cargo insta review`.

mod common;

use common::{assert_success, bin, fixture, read_fixture, run_with_input};
use serde_json::Value;

const SESSION: &str = "transcripts/claude-python-to-rust.jsonl";
const QUERY: &str = "Did the agent finish the port with 100% coverage and commit?";

fn view_with_store(query: &str) -> (tempfile::TempDir, String) {
    let store = tempfile::tempdir().unwrap();
    let out = run_with_input(
        bin("headroom", store.path()).args(["--query", query]),
        &read_fixture(SESSION),
    );
    assert_success(&out);
    (store, String::from_utf8(out.stdout).unwrap())
}

fn records() -> Vec<Value> {
    String::from_utf8(read_fixture(SESSION))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn claude_session_reads_as_its_conversation() {
    let (_store, view) = view_with_store(QUERY);
    insta::assert_snapshot!(view);
}

#[test]
fn every_user_message_and_command_is_in_the_view() {
    let (_store, view) = view_with_store(QUERY);
    let mut checked = 0;
    for record in records() {
        let Some(content) = record.pointer("/message/content") else {
            continue;
        };
        if let Some(text) = content.as_str() {
            let first = text.lines().next().unwrap();
            assert!(view.contains(first), "user message {first:?} missing");
            checked += 1;
        }
        for block in content.as_array().into_iter().flatten() {
            if let Some(command) = block.pointer("/input/command").and_then(Value::as_str) {
                for line in command.lines() {
                    assert!(view.contains(line), "command line {line:?} missing");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 15, "{checked}");
}

#[test]
fn record_markers_return_the_records_and_nested_views_their_outputs() {
    let (store, view) = view_with_store(QUERY);
    let input = read_fixture(SESSION);
    let lines = common::lines_of(&input);
    let outer = common::marker_hash(view.as_bytes()).unwrap();
    let outputs: Vec<String> = records()
        .iter()
        .flat_map(|r| {
            r.pointer("/message/content")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|b| match b.get("content") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Array(parts)) => parts
                .iter()
                .find_map(|p| p.get("text").and_then(Value::as_str).map(str::to_string)),
            _ => None,
        })
        .collect();
    let mut record_markers = 0;
    let mut nested = std::collections::BTreeSet::new();
    for line in view.lines() {
        let Some(at) = line.find("headroom-cat ") else {
            continue;
        };
        let hash: String = line[at + 13..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        if hash != outer {
            nested.insert(hash);
            continue;
        }
        let Some(range) = line.split("-L ").nth(1) else {
            continue;
        };
        let range = range.trim_end_matches(']');
        let (a, b) = range.split_once(':').unwrap();
        let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
        let got = bin("headroom-cat", store.path())
            .args([&outer, "-L", range])
            .output()
            .unwrap();
        let want: Vec<u8> = lines[a - 1..b]
            .iter()
            .flat_map(|l| [*l, b"\n"].concat())
            .collect();
        assert_eq!(
            String::from_utf8_lossy(&got.stdout),
            String::from_utf8_lossy(&want)
        );
        record_markers += 1;
    }
    assert!(record_markers >= 1);
    assert!(!nested.is_empty(), "some tool output is compressed");
    for hash in nested {
        let original = common::original(store.path(), &hash);
        let original = String::from_utf8(original).unwrap();
        assert!(outputs.contains(&original), "{hash} is not a tool output");
    }
}

#[test]
fn a_view_of_a_session_passes_through_a_second_time() {
    let (store, view) = view_with_store(QUERY);
    let again = run_with_input(
        bin("headroom", store.path()).args(["--query", QUERY]),
        view.as_bytes(),
    );
    common::assert_passed_through(&again, view.as_bytes());
}

#[test]
fn detect_names_claude_and_codex_session_logs() {
    let store = tempfile::tempdir().unwrap();
    let out = bin("headroom", store.path())
        .arg("detect")
        .arg(fixture(SESSION))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("transcript"), "{said}");
    let codex = concat!(
        r#"{"timestamp":"2026-01-01T00:00:00Z","type":"session_meta","payload":{"id":"x"}}"#,
        "\n",
        r#"{"timestamp":"2026-01-01T00:00:01Z","type":"response_item","payload":{"type":"message","role":"user","content":[]}}"#,
        "\n"
    );
    let out = run_with_input(
        bin("headroom", store.path()).arg("detect"),
        codex.as_bytes(),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("transcript"));
}
