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
    assert_success(&out);
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
    assert_success(&out);
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

// JSON message arrays: the same real session converted by
// `fixtures/scripts/claude-to-messages.py` into an Anthropic request body
// (pretty-printed, LF), an OpenAI chat message list (a top-level array, `\u`
// escapes, CRLF) and an OpenAI Responses request body (compact, one line).
const ANTHROPIC: &str = "transcripts/anthropic-messages-claude-python-to-rust.json";
const OPENAI_CHAT: &str = "transcripts/openai-chat-claude-python-to-rust.json";
const OPENAI_RESPONSES: &str = "transcripts/openai-responses-claude-python-to-rust.json";

/// Rewrites `input` in process with its own store.
fn rewrite_document(input: &[u8], store: &Path) -> (Vec<u8>, headroom::transcript::FileStats) {
    let settings = headroom::transcript::Settings {
        budget: headroom::transcript::TRANSCRIPT_BUDGET,
        store_dir: store.to_path_buf(),
        align_cache: false,
    };
    let mut out = Vec::new();
    let stats = headroom::transcript::rewrite(&mut &input[..], &mut out, &settings).unwrap();
    (out, stats)
}

/// Whether `path` is a tool output in the message array `doc`: the content of an
/// OpenAI `tool` message, the output of a Responses `function_call_output`, or the
/// content of an Anthropic `tool_result` block (a string, or a text block's text).
fn is_message_tool_output(doc: &Value, path: &[Seg]) -> bool {
    let (list, rest) = match path {
        [Seg::Key(k), Seg::Index(i), rest @ ..] => (&doc[k.as_str()][*i], rest),
        [Seg::Index(i), rest @ ..] => (&doc[*i], rest),
        _ => return false,
    };
    let message = list;
    let text_of = |rest: &[Seg]| match rest {
        [] => true,
        [Seg::Index(_), Seg::Key(t)] => t == "text",
        _ => false,
    };
    match rest {
        [Seg::Key(k), tail @ ..] if k == "content" && message["role"] == "tool" => text_of(tail),
        [Seg::Key(k), tail @ ..] if k == "output" && message["type"] == "function_call_output" => {
            text_of(tail)
        }
        [Seg::Key(k), Seg::Index(b), Seg::Key(c), tail @ ..]
            if k == "content" && c == "content" =>
        {
            message["content"][*b]["type"] == "tool_result" && text_of(tail)
        }
        _ => false,
    }
}

/// Every role, type and id of a JSON value, in document order: the pairing of tool
/// calls and results.
fn ids(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (k, v) in fields {
                let pairing = [
                    "role",
                    "type",
                    "id",
                    "tool_call_id",
                    "tool_use_id",
                    "call_id",
                    "name",
                ];
                if pairing.contains(&k.as_str()) {
                    out.push(format!("{k}={v}"));
                }
                ids(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| ids(v, out)),
        _ => {}
    }
}

/// The changed string literals of a rewritten message array, asserting the
/// invariants: the output parses, the bytes outside string literals are the input's
/// (key order, escapes, spacing, line endings), only tool outputs changed, each into
/// a view with a marker whose original is the old text, and ids and pairings stay.
fn assert_message_array_invariants(
    input: &[u8],
    output: &[u8],
    store: &Path,
) -> Vec<(Vec<Seg>, String)> {
    let before: Value = serde_json::from_slice(input).unwrap();
    let after: Value = serde_json::from_slice(output).expect("the output parses");
    let ((sx, ox), (sy, oy)) = (literals(input), literals(output));
    assert!(ox == oy, "bytes outside string literals changed");
    assert_eq!(sx.len(), sy.len());
    let (mut a, mut b) = (Vec::new(), Vec::new());
    ids(&before, &mut a);
    ids(&after, &mut b);
    assert_eq!(a, b, "roles, ids or pairings changed");
    let mut changed = Vec::new();
    for ((px, tx), (py, ty)) in sx.iter().zip(&sy) {
        assert_eq!(px, py);
        if tx != ty {
            assert!(is_message_tool_output(&before, px), "{px:?} changed");
            let hash = marker_hash(ty.as_bytes()).expect("a view has a marker");
            assert_eq!(original(store, &hash), tx.as_bytes(), "{px:?}");
            changed.push((px.clone(), ty.clone()));
        }
    }
    changed
}

#[test]
fn message_arrays_change_only_tool_outputs_and_a_second_run_changes_nothing() {
    for name in [ANTHROPIC, OPENAI_CHAT, OPENAI_RESPONSES] {
        let store = tempfile::tempdir().unwrap();
        let input = read_fixture(name);
        let (output, stats) = rewrite_document(&input, store.path());
        let changed = assert_message_array_invariants(&input, &output, store.path());
        assert_eq!(changed.len() as u64, stats.compressed, "{name}");
        assert!(stats.compressed >= 3, "{name}: {stats:?}");
        assert_eq!(stats.tool_results, 40, "{name}");
        assert!(stats.tokens_out < stats.tokens_in);
        let (again, stats) = rewrite_document(&output, store.path());
        assert_eq!(again, output, "{name}: a second run changed the output");
        assert_eq!(stats.compressed, 0);
    }
}

#[test]
fn the_three_formats_get_the_same_views() {
    let mut views = Vec::new();
    for name in [ANTHROPIC, OPENAI_CHAT, OPENAI_RESPONSES] {
        let store = tempfile::tempdir().unwrap();
        let input = read_fixture(name);
        let (output, _) = rewrite_document(&input, store.path());
        let changed = assert_message_array_invariants(&input, &output, store.path());
        views.push(changed);
    }
    // Same conversation, same tool calls as hints, same questions as queries.
    let texts = |v: &[(Vec<Seg>, String)]| v.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&views[0]), texts(&views[1]));
    assert_eq!(texts(&views[0]), texts(&views[2]));
    let shown: String = views[0]
        .iter()
        .map(|(path, view)| format!("=== {path:?}\n{view}\n"))
        .collect();
    insta::assert_snapshot!(shown);
}

#[test]
fn cli_reads_message_arrays_by_content_from_files_and_standard_input() {
    let store = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    fs::copy(fixture(ANTHROPIC), dir.path().join("request.json")).unwrap();
    // The format is told by content: a JSON document named .jsonl is still one.
    fs::copy(fixture(OPENAI_CHAT), dir.path().join("chat.jsonl")).unwrap();
    let report = transcript(
        store.path(),
        &[
            "--json",
            "-o",
            out.path().to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ],
    );
    let report: Value = serde_json::from_str(&report).unwrap();
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    for (file, records) in [("chat.jsonl", 80), ("request.json", 78)] {
        let row = files
            .iter()
            .find(|f| f["file"].as_str().unwrap().ends_with(file))
            .unwrap();
        assert_eq!(row["records"], records, "{row}");
        assert!(row["compressed"].as_u64().unwrap() >= 3, "{row}");
        let input = fs::read(dir.path().join(file)).unwrap();
        let output = fs::read(out.path().join(file)).unwrap();
        assert_message_array_invariants(&input, &output, store.path());
    }

    // Standard input to standard output: the same bytes as the file rewrite.
    let piped = run_with_input(
        bin("headroom", store.path()).args(["transcript", "-"]),
        &read_fixture(OPENAI_CHAT),
    );
    assert!(piped.status.success());
    assert_eq!(
        piped.stdout,
        fs::read(out.path().join("chat.jsonl")).unwrap()
    );
}

#[test]
fn a_broken_document_head_leaves_the_rest_read_as_json_lines() {
    let store = tempfile::tempdir().unwrap();
    // The first line opens an object it never closes; the lines after it are JSON
    // Lines records and are read as such, the broken line copied as it is.
    let input = b"{\"truncated\": [\n{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}\n{\"type\":\"x\"}\n";
    let (output, stats) = rewrite_document(input, store.path());
    assert_eq!(output, input);
    assert_eq!(stats.records, 2);
    // A whole document that holds no messages is one record, left as it is.
    let doc = b"{\n  \"messages\": \"not a list\",\n  \"n\": 1.50\n}\n";
    let (output, stats) = rewrite_document(doc, store.path());
    assert_eq!(output, doc);
    assert_eq!(stats.records, 1);
}

/// `headroom transcript -` over `session`: the records it writes.
fn transcript_stdin(store: &Path, session: &str) -> Vec<Value> {
    let out = run_with_input(
        bin("headroom", store).args(["transcript", "-"]),
        session.as_bytes(),
    );
    assert_success(&out);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A source fragment (`sed -n` from the middle of a function) does not parse, so
/// the live filter gives it back whole; kept in a session it is history and is read
/// as text, its original still one `headroom-cat` away.
#[test]
fn a_source_fragment_in_a_session_is_read_as_text() {
    let source = String::from_utf8(read_fixture("code/rtk-git.rs")).unwrap();
    let fragment: String = source
        .lines()
        .skip(100)
        .take(600)
        .map(|l| format!("{l}\n"))
        .collect();
    let call = serde_json::json!({"type": "assistant", "message": {"role": "assistant", "content": [
        {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "sed -n '101,700p' src/git.rs"}}]}});
    let result = serde_json::json!({"type": "user", "message": {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "t1", "content": fragment}]}});
    let session = format!("{call}\n{result}\n");
    let store = tempfile::tempdir().unwrap();

    let live = run_with_input(
        bin("headroom", store.path()).args(["--cmd", "sed -n '101,700p' src/git.rs"]),
        fragment.as_bytes(),
    );
    assert_passed_through(&live, fragment.as_bytes());

    let lines = transcript_stdin(store.path(), &session);
    let view = lines[1]["message"]["content"][0]["content"]
        .as_str()
        .unwrap();
    assert!(view.starts_with("[text: 600 lines"), "{view}");
    let hash = marker_hash(view.as_bytes()).unwrap();
    assert_eq!(original(store.path(), &hash), fragment.as_bytes());
}

/// A copy of an output in a later record (Codex's `exec_command_end` after the
/// `function_call_output`) gets the same view, markers and hash, as the output.
#[test]
fn a_copy_in_a_later_record_gets_the_same_view() {
    let (text, cmd) = real_bash_output();
    let call = serde_json::json!({"type": "response_item", "payload": {"type": "function_call",
        "name": "exec_command", "arguments": serde_json::json!({"cmd": cmd}).to_string(), "call_id": "c1"}});
    let output = serde_json::json!({"type": "response_item", "payload": {"type": "function_call_output",
        "call_id": "c1", "output": text}});
    // A question in between would route the copy differently if it were compressed
    // on its own.
    let question = serde_json::json!({"type": "response_item", "payload": {"type": "message",
        "role": "user", "content": [{"type": "input_text", "text": "why did coverage stay below 100%?"}]}});
    let copy = serde_json::json!({"type": "event_msg", "payload": {"type": "exec_command_end",
        "call_id": "c1", "aggregated_output": text}});
    let session = format!("{call}\n{output}\n{question}\n{copy}\n");
    let store = tempfile::tempdir().unwrap();
    let records = transcript_stdin(store.path(), &session);
    let view = records[1]["payload"]["output"].as_str().unwrap();
    assert!(view.contains("headroom-cat "), "{view}");
    assert_eq!(
        records[3]["payload"]["aggregated_output"].as_str(),
        Some(view)
    );
}
