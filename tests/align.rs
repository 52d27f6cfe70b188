//! `headroom align` on real transcripts: what it reports, where, and that `--fix`
//! moves only dynamic spans, keeps every other byte, reads back exactly and is
//! idempotent; `headroom transcript --align-cache` does the same while rewriting.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Output;

use common::*;
use headroom::align::{self, block, prompts, Format};
use headroom::transcript::scan::string_values;
use proptest::prelude::*;
use serde_json::Value;

const CODEX: &str = "transcripts/codex-rollout-head.jsonl";
const CLAUDE: &str = "transcripts/claude-spotter-toolheavy.jsonl";

/// Runs `headroom ARGS` in the fixtures directory (so reports name files as given).
fn headroom(args: &[&str]) -> Output {
    let store = tempfile::tempdir().unwrap();
    bin("headroom", store.path())
        .current_dir(fixture(""))
        .args(args)
        .output()
        .expect("run headroom")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fixed prompt read back: each placeholder replaced by its value, the block gone.
fn restore(fixed: &str) -> String {
    let parts = block::split(fixed);
    let mut body = parts.body.to_string();
    for (name, value) in &parts.entries {
        body = body.replace(&block::placeholder(name), value);
    }
    body + parts.tail
}

/// Every string literal of a JSON text with what lies between them.
fn literals(json: &[u8]) -> (Vec<String>, Vec<u8>) {
    let mut found = Vec::new();
    let mut outside = Vec::new();
    let mut at = 0;
    string_values(json, &mut |_, range| {
        outside.extend_from_slice(&json[at..range.start]);
        at = range.end;
        found.push(serde_json::from_slice(&json[range]).unwrap());
    })
    .expect("scans");
    outside.extend_from_slice(&json[at..]);
    (found, outside)
}

#[test]
fn codex_rollout_report() {
    let out = headroom(&["align", CODEX]);
    assert_eq!(out.status.code(), Some(1), "dynamic spans found: status 1");
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn codex_rollout_json_report() {
    let out = headroom(&["align", "--json", CODEX]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = &report["files"][0];
    assert_eq!(file["format"], "json-lines");
    assert_eq!(file["prompts"], 6);
    let date = &file["findings"][1];
    assert_eq!(
        (&date["kind"], &date["file_line"], &date["path"]),
        (
            &Value::from("date"),
            &Value::from(4),
            &Value::from(".payload.content[1].text")
        )
    );
    // The offset points at the span in the prompt's text.
    let line: Value =
        serde_json::from_str(text(&read_fixture(CODEX)).lines().nth(3).unwrap()).unwrap();
    let prompt = line["payload"]["content"][1]["text"].as_str().unwrap();
    let offset = date["offset"].as_u64().unwrap() as usize;
    assert_eq!(&prompt[offset..offset + 10], "2026-05-11");
    assert_eq!(report["total"]["by_kind"]["hex-digest"], 1);
}

/// Where prompts are found in a Claude Code session: `system` records, the
/// `isMeta` user message; typed messages and tool results are not prompts.
#[test]
fn claude_code_prompts() {
    let input = text(&read_fixture(CLAUDE));
    let mut found = String::new();
    for (i, line) in input.lines().enumerate() {
        let value: Value = serde_json::from_str(line).unwrap();
        for p in prompts::find(&value) {
            let head: String = p.text.chars().take(60).collect();
            found.push_str(&format!(
                "{}: {} {head:?}\n",
                i + 1,
                align::path_text(&p.path)
            ));
        }
    }
    insta::assert_snapshot!(found);
    let out = headroom(&["align", CLAUDE]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

/// `--fix` on the rollout: only prompt literals change, each reads back to its
/// original, the file stays JSON Lines, and a second fix changes nothing.
#[test]
fn fix_moves_only_dynamic_spans_and_reads_back() {
    let input = read_fixture(CODEX);
    let out = headroom(&["align", "--fix", CODEX]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).starts_with(&format!("{CODEX}:3: ")));
    let fixed = out.stdout;
    let (a, b) = (text(&input), text(&fixed));
    assert_eq!(a.lines().count(), b.lines().count());
    let mut changed = Vec::new();
    for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x == y {
            continue;
        }
        let ((lx, ox), (ly, oy)) = (literals(x.as_bytes()), literals(y.as_bytes()));
        assert!(ox == oy, "line {}: bytes outside literals changed", n + 1);
        for (s, t) in lx.iter().zip(&ly) {
            if s != t {
                assert_eq!(&restore(t), s, "line {}", n + 1);
                changed.push((n + 1, block::split(t).entries.len()));
            }
        }
    }
    assert_eq!(changed, vec![(3, 1), (4, 1)]);
    let fixed_env = b.lines().nth(3).unwrap();
    insta::assert_snapshot!(serde_json::from_str::<Value>(fixed_env).unwrap()["payload"]
        ["content"][1]["text"]
        .as_str()
        .unwrap());

    let (report, again) = align::align(&fixed, true).unwrap();
    assert_eq!(report.findings.len(), 0);
    assert_eq!(again, None, "a second fix changes nothing");
}

/// A request built from the rollout's real environment context, as an OpenAI chat
/// request and as plain text: both formats find and fix the same date.
#[test]
fn json_requests_and_text_prompts() {
    let line: Value =
        serde_json::from_str(text(&read_fixture(CODEX)).lines().nth(3).unwrap()).unwrap();
    let env = line["payload"]["content"][1]["text"].as_str().unwrap();
    let request = serde_json::to_string_pretty(&serde_json::json!({
        "model": "gpt-5",
        "messages": [{"role": "system", "content": env}, {"role": "user", "content": "hi 2026-01-01"}]
    }))
    .unwrap();
    let (report, fixed) = align::align(request.as_bytes(), true).unwrap();
    assert_eq!(report.format, Format::Json);
    assert_eq!(
        report.findings.len(),
        1,
        "the user's own message is not a prompt"
    );
    assert_eq!(
        report.findings[0].file_line, 6,
        "the line of the \"content\" literal"
    );
    let fixed: Value = serde_json::from_slice(&fixed.unwrap()).unwrap();
    let system = fixed["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("<current_date>{{date-1}}</current_date>"));
    assert_eq!(restore(system), env);
    assert_eq!(fixed["messages"][1]["content"], "hi 2026-01-01");

    let (report, fixed) = align::align(env.as_bytes(), true).unwrap();
    assert_eq!(report.format, Format::Text);
    assert_eq!(
        (report.findings[0].line, report.findings[0].column),
        (4, 17)
    );
    assert_eq!(restore(&String::from_utf8(fixed.unwrap()).unwrap()), env);
}

#[test]
fn credentials_are_never_printed_whole() {
    let dir = tempfile::tempdir().unwrap();
    let key = "sk-proj-Q3vX9kLm2Rt8Yp4Wn7Bz1Hs5Jd6Fg0Ck";
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    let prompt = dir.path().join("prompt.txt");
    fs::write(&prompt, format!("Use {key} and send {jwt}.\n")).unwrap();
    for args in [&["align"][..], &["align", "--json"], &["align", "--fix"]] {
        let out = headroom(&[args, &[prompt.to_str().unwrap()]].concat());
        let report = if args.contains(&"--fix") {
            text(&out.stderr)
        } else {
            text(&out.stdout)
        };
        assert!(
            report.contains(&format!("sk-p… ({} chars)", key.len())),
            "{report}"
        );
        assert!(
            report.contains(&format!("eyJh… ({} chars)", jwt.len())),
            "{report}"
        );
        assert!(!report.contains(key) && !report.contains(jwt), "{report}");
    }
}

#[test]
fn exit_statuses_and_destinations() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.txt");
    fs::write(&clean, "You are a careful assistant.\n").unwrap();
    let out = headroom(&["align", clean.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("cache-stable"));

    let missing = dir.path().join("missing.txt");
    let out = headroom(&["align", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.txt"));

    let binary = dir.path().join("blob.bin");
    fs::write(&binary, b"\xff\xfe date 2026-05-11").unwrap();
    let out = headroom(&["align", binary.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not UTF-8"));

    let out = headroom(&["align", "--fix", CODEX, CLAUDE]);
    assert_eq!(out.status.code(), Some(2), "--fix to stdout takes one file");

    // In place: atomically, permissions and a backup kept; unchanged files untouched.
    let file = dir.path().join("rollout.jsonl");
    fs::copy(fixture(CODEX), &file).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    let args = ["align", "--fix", "--in-place", "--backup"];
    let out = headroom(
        &[
            &args[..],
            &[file.to_str().unwrap(), clean.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.ends_with("moved 2 dynamic spans in 7 prompts (2 files): date 1, hex-digest 1\n"),
        "{report}"
    );
    assert_eq!(
        fs::read(dir.path().join("rollout.jsonl.orig")).unwrap(),
        read_fixture(CODEX)
    );
    assert!(!dir.path().join("clean.txt.orig").exists());
    let mode = fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    let out = headroom(&["align", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn transcript_align_cache_moves_spans_while_rewriting() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rollout.jsonl");
    fs::copy(fixture(CODEX), &file).unwrap();
    let run = |extra: &[&str]| {
        let args = [
            &["transcript", "--in-place"][..],
            extra,
            &[file.to_str().unwrap()],
        ];
        let out = headroom(&args.concat());
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let table = run(&["--align-cache"]);
    let header = table.lines().next().unwrap();
    assert!(header.ends_with("dynamic"), "{table}");
    let row = table.lines().find(|l| l.contains("rollout.jsonl")).unwrap();
    assert!(row.ends_with(" 2"), "{table}");
    let once = fs::read(&file).unwrap();
    let (report, _) = align::align(&once, false).unwrap();
    assert!(report.findings.is_empty());
    let json: Value = serde_json::from_str(&run(&["--align-cache", "--json"])).unwrap();
    assert_eq!(json["total"]["dynamic_moved"], 0);
    assert_eq!(
        fs::read(&file).unwrap(),
        once,
        "a second run changes nothing"
    );
    assert!(!run(&[]).lines().next().unwrap().contains("dynamic"));
}

/// Prompt text made of the pieces real prompts hold: words, punctuation, newlines,
/// non-ASCII, braces, and dynamic values of every kind.
fn prompt_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z]{1,12}",
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("  ".to_string()),
        Just("é–\u{1F600}\"\\\t".to_string()),
        Just("{{date-1}}".to_string()),
        Just("{{".to_string()),
        Just("<dynamic-context>".to_string()),
        Just("2026-05-11".to_string()),
        Just("2026-05-11T08:27:17.490Z".to_string()),
        Just("019e1625-789d-76c0-80ab-3724b5ddb799".to_string()),
        Just("req_011CY1AGC6YPnNVrYZfzB9n6".to_string()),
        Just("sk-ant-api03-AbCdEf0123456789AbCdEf".to_string()),
        Just("34d097ce473601624722b90fc5d0396011dd3acb".to_string()),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "[A-Za-z0-9]{20,30}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

proptest! {
    /// Fixing a prompt in a JSON request keeps the request JSON, the prompt reads
    /// back exactly, and a second fix changes nothing.
    #[test]
    fn fix_reads_back_and_is_idempotent(prompt in prompt_text()) {
        let request = serde_json::to_vec(&serde_json::json!({"system": prompt, "n": 1})).unwrap();
        let (report, fixed) = align::align(&request, true).unwrap();
        match fixed {
            None => prop_assert!(report.findings.is_empty()),
            Some(fixed) => {
                let value: Value = serde_json::from_slice(&fixed).unwrap();
                let text = value["system"].as_str().unwrap();
                prop_assert_eq!(restore(text), prompt.clone());
                prop_assert_eq!(align::align(&fixed, true).unwrap().1, None);
                prop_assert!(block::spans(text).is_empty());
            }
        }
    }
}
