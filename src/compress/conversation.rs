//! An agent session log read by the filter (`cat session.jsonl | headroom`), shown
//! as the conversation it records.
//!
//! A Claude Code session or a Codex rollout is JSON Lines where most bytes are
//! bookkeeping (ids, timestamps, working directories, repeated copies of outputs) and
//! tool payloads. A reader wants the conversation: what the user asked, what the
//! agent said, which tools it called and what came back. The view shows exactly that,
//! one entry per message block, in order:
//!
//! ```text
//! > the user's message
//! ⏺ the agent's text
//! ⏺ Bash(cargo test)
//!   ⎿ the tool's output, compressed by the family its call names
//! ```
//!
//! Records with nothing to show (progress, snapshots, metadata, reasoning) fold into
//! record-range markers; records are lines, so `headroom-cat HASH -L a:b` returns
//! them. Every tool output goes through the filter itself, routed by its own call
//! and asked the latest user message (or `--query`), so its view and markers are
//! those of `cmd | headroom`. Text cut inside a record says so and names the record.

use serde_json::{Map, Value};

use crate::lines::cut_at_char;
use crate::marker::{self, thousands};
use crate::tokens;
use crate::transcript::record::{arguments, tool_hint, Session};

/// A user's or the agent's text longer than this (estimated tokens) is cut, with
/// a marker naming its record.
const MAX_TEXT_TOKENS: u64 = 600;
/// A tool call's arguments are shown up to this many bytes.
const MAX_CALL_BYTES: usize = 300;
/// The smallest budget a compressed tool output gets.
const MIN_RESULT_BUDGET: u64 = 150;
/// Records whose type says so in the first lines make an input a session log.
const MIN_SESSION_RECORDS: usize = 2;

/// The structural signature, for JSON Lines: Claude Code records (a `sessionId`
/// with a `message` or a known bookkeeping type) or Codex rollout records.
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    let contains =
        |line: &[u8], needle: &str| memchr::memmem::find(line, needle.as_bytes()).is_some();
    let claude = lines
        .iter()
        .filter(|l| contains(l, "\"sessionId\":") && contains(l, "\"type\":"))
        .count();
    let codex = lines
        .iter()
        .filter(|l| {
            [
                "\"type\":\"session_meta\"",
                "\"type\":\"response_item\"",
                "\"type\":\"turn_context\"",
            ]
            .iter()
            .any(|t| contains(l, t))
        })
        .count();
    if claude >= MIN_SESSION_RECORDS {
        Some(format!(
            "{claude} Claude Code session records in the first lines"
        ))
    } else if codex >= MIN_SESSION_RECORDS {
        Some(format!("{codex} Codex rollout records in the first lines"))
    } else {
        None
    }
}

/// What one entry of the view is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    User,
    Agent,
    Call,
    Output,
}

/// One entry: a message block, with the record (0-based line) it comes from.
#[derive(Debug)]
struct Entry {
    record: u64,
    role: Role,
    text: String,
    /// For an output: the command line of the call that produced it.
    hint: Option<String>,
    /// For an output: the query in force when it came (the latest user message).
    asked: Option<String>,
    error: bool,
}

/// A record that shows nothing, by the kind it is.
struct Skipped {
    record: u64,
    kind: String,
}

/// Compresses one tool output: `(text, hint, query, budget)` → its view.
pub type Nested<'a> = dyn FnMut(&str, Option<&str>, Option<&str>, u64) -> String + 'a;

/// The view of a session log, or `None` when the input is not one after all.
pub fn render(
    original: &[u8],
    query: Option<&str>,
    budget: u64,
    short: &str,
    nested: &mut Nested,
) -> Option<String> {
    let mut session = Session::default();
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    let mut records = 0u64;
    for (index, line) in original.split(|&b| b == b'\n').enumerate() {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        let record = index as u64;
        records += 1;
        let Ok(value) = serde_json::from_slice::<Value>(line) else {
            skipped.push(Skipped {
                record,
                kind: "not JSON".into(),
            });
            continue;
        };
        let before = entries.len();
        read_record(record, &value, &mut session, &mut entries);
        if entries.len() == before {
            skipped.push(Skipped {
                record,
                kind: kind_of(&value),
            });
        }
    }
    if entries.is_empty() {
        return None;
    }
    let shares = output_budgets(&entries, budget);
    let mut body = String::new();
    let mut skipped = skipped.into_iter().peekable();
    let mut outputs = 0u64;
    for entry in &entries {
        let mut gap = Vec::new();
        while let Some(s) = skipped.next_if(|s| s.record < entry.record) {
            gap.push(s);
        }
        fold_skipped(&gap, short, &mut body);
        let asked = query
            .filter(|q| !q.trim().is_empty())
            .or(entry.asked.as_deref());
        match entry.role {
            Role::Output => {
                outputs += 1;
                let share = shares.get(&entry.record).copied().unwrap_or(budget);
                let view = nested(&entry.text, entry.hint.as_deref(), asked, share);
                let lead = if entry.error {
                    "  ⎿ error: "
                } else {
                    "  ⎿ "
                };
                push_indented(&mut body, lead, "    ", &view);
            }
            Role::User => push_text(&mut body, "> ", "  ", entry, short),
            Role::Agent | Role::Call => push_text(&mut body, "⏺ ", "  ", entry, short),
        }
    }
    let rest: Vec<Skipped> = skipped.collect();
    fold_skipped(&rest, short, &mut body);
    let header = format!(
        "[transcript: {} · {} shown · {} · {}{short}]\n",
        marker::count_of(records, "record", "records"),
        marker::count_of(entries.len() as u64, "entry", "entries"),
        marker::count_of(outputs, "tool output", "tool outputs"),
        marker::TAG
    );
    Some(header + &body)
}

/// Budgets for the tool outputs: what the budget leaves after the conversation's
/// text, shared evenly, small outputs taking only what they need (water filling).
fn output_budgets(entries: &[Entry], budget: u64) -> std::collections::HashMap<u64, u64> {
    let fixed: u64 = entries
        .iter()
        .filter(|e| e.role != Role::Output)
        .map(|e| tokens::estimate(e.text.as_bytes()).min(MAX_TEXT_TOKENS))
        .sum();
    let mut outputs: Vec<(u64, u64)> = entries
        .iter()
        .filter(|e| e.role == Role::Output)
        .map(|e| (tokens::estimate(e.text.as_bytes()), e.record))
        .collect();
    outputs.sort_unstable();
    let mut left = budget.saturating_sub(fixed);
    let mut shares = std::collections::HashMap::new();
    let mut remaining = outputs.len() as u64;
    for (cost, record) in outputs {
        let share = (left / remaining.max(1)).max(MIN_RESULT_BUDGET);
        let given = cost.min(share);
        left = left.saturating_sub(given);
        remaining -= 1;
        shares.insert(record, share);
    }
    shares
}

/// A marker for a run of records that show nothing, by kind; consecutive records
/// share one marker.
fn fold_skipped(run: &[Skipped], short: &str, out: &mut String) {
    let mut start = 0;
    while start < run.len() {
        let mut end = start + 1;
        while end < run.len() && run[end].record == run[end - 1].record + 1 {
            end += 1;
        }
        let part = &run[start..end];
        let mut kinds: Vec<(u64, &str)> = Vec::new();
        for s in part {
            match kinds.iter_mut().find(|(_, k)| *k == s.kind) {
                Some(entry) => entry.0 += 1,
                None => kinds.push((1, &s.kind)),
            }
        }
        kinds.sort_by_key(|&(n, _)| std::cmp::Reverse(n));
        let first = part[0].record + 1;
        let last = part[part.len() - 1].record + 1;
        out.push_str(&marker::elided_lines(short, first, last, &kinds));
        out.push('\n');
        start = end;
    }
}

/// A user's or the agent's text, cut past [`MAX_TEXT_TOKENS`] with a marker.
fn push_text(out: &mut String, lead: &str, indent: &str, entry: &Entry, short: &str) {
    let text = entry.text.trim_end();
    if tokens::estimate(text.as_bytes()) <= MAX_TEXT_TOKENS {
        push_indented(out, lead, indent, text);
        return;
    }
    // About four bytes a token; cut at a line end (or a char boundary) before that.
    let cut = cut_at_char(text.as_bytes(), (MAX_TEXT_TOKENS * 4) as usize).len();
    if cut == text.len() {
        push_indented(out, lead, indent, text);
        return;
    }
    let cut = text[..cut]
        .rfind('\n')
        .filter(|&n| n > cut / 2)
        .unwrap_or(cut);
    let kept = &text[..cut];
    let omitted = text.len() - cut;
    push_indented(out, lead, indent, kept);
    out.push_str(indent);
    out.push_str(&marker::cut_line(short, entry.record + 1, omitted as u64));
    out.push('\n');
}

/// `text` with `lead` before its first line and `indent` before the others.
fn push_indented(out: &mut String, lead: &str, indent: &str, text: &str) {
    for (i, line) in text.trim_end_matches('\n').split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        let lead = if i == 0 { lead } else { indent };
        // A blank line stays blank: no indentation trailing on it.
        out.push_str(if line.is_empty() {
            lead.trim_end()
        } else {
            lead
        });
        out.push_str(line);
        out.push('\n');
    }
}

/// What a record that shows nothing is: its `type`, or `payload.type` for Codex.
fn kind_of(value: &Value) -> String {
    let kind = |v: Option<&Value>| {
        v.and_then(|t| t.get("type"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    match (kind(Some(value)), kind(value.get("payload"))) {
        (Some(outer), Some(inner)) if outer == "response_item" || outer == "event_msg" => inner,
        (Some(outer), _) => outer,
        _ => "record".into(),
    }
}

/// The entries of one record; the session learns calls and questions from it.
fn read_record(record: u64, value: &Value, session: &mut Session, entries: &mut Vec<Entry>) {
    // Outputs, with their calls' hints, as transcript mode finds them; only those
    // the model saw (not copies such as `toolUseResult`).
    let outputs: Vec<_> = session
        .targets(value)
        .into_iter()
        .filter(|t| t.primary)
        .collect();
    let Some(object) = value.as_object() else {
        return;
    };
    let mut push = |role: Role, text: String| {
        if !text.trim().is_empty() {
            entries.push(Entry {
                record,
                role,
                text,
                hint: None,
                asked: None,
                error: false,
            });
        }
    };
    if let Some(message) = object.get("message").and_then(Value::as_object) {
        let user = message.get("role").and_then(Value::as_str) == Some("user");
        let role = if user { Role::User } else { Role::Agent };
        match message.get("content") {
            Some(Value::String(text)) => push(role, text.clone()),
            Some(Value::Array(blocks)) => {
                for block in blocks {
                    match block.get("type").and_then(Value::as_str) {
                        Some("text") => {
                            push(role, str_at(block, "text").to_string());
                        }
                        Some("tool_use") | Some("server_tool_use") => {
                            let name = str_at(block, "name");
                            push(Role::Call, claude_call(name, block.get("input")));
                        }
                        Some("image") => push(role, "[image]".into()),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    } else if let Some(payload) = object.get("payload").and_then(Value::as_object) {
        read_codex(payload, &mut push);
    }
    for output in outputs {
        entries.push(Entry {
            record,
            role: Role::Output,
            hint: output.hint,
            asked: output.query,
            error: is_error(value, &output.text),
            text: output.text,
        });
    }
}

/// A Codex `response_item` payload: messages and calls (outputs come from the
/// session's targets).
fn read_codex(payload: &Map<String, Value>, push: &mut dyn FnMut(Role, String)) {
    match payload.get("type").and_then(Value::as_str) {
        Some("message") => {
            let role = match payload.get("role").and_then(Value::as_str) {
                Some("user") => Role::User,
                Some("assistant") => Role::Agent,
                // Developer and system messages are instructions, not conversation.
                _ => return,
            };
            let parts = payload.get("content").and_then(Value::as_array);
            for part in parts.into_iter().flatten() {
                let text = str_at(part, "text");
                if !is_injected_context(text) {
                    push(role, text.to_string());
                }
            }
        }
        Some("function_call") | Some("custom_tool_call") | Some("local_shell_call") => {
            let name = payload
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("shell");
            let hint = tool_hint(name, arguments(payload).as_ref());
            push(Role::Call, format!("{name}({})", cut(&hint)));
        }
        _ => {}
    }
}

/// Whether a Codex user-message part is context the client injected rather than
/// what the user typed: a tagged block (`<environment_context>`) or project
/// instructions (`# AGENTS.md instructions for …` then `<INSTRUCTIONS>`).
fn is_injected_context(text: &str) -> bool {
    let text = text.trim_start();
    let opening = memchr::memmem::find(text.as_bytes(), b"<INSTRUCTIONS>");
    text.starts_with('<') || opening.is_some_and(|at| at < 200)
}

/// A Claude Code tool call: a Bash command whole; otherwise in one line, the path it
/// acts on or its arguments as compact JSON, cut past [`MAX_CALL_BYTES`]. What a
/// call writes (a file's content, an edit's text) is not shown: the record holds it.
fn claude_call(name: &str, input: Option<&Value>) -> String {
    let arg = |key: &str| input.and_then(|i| i.get(key)).and_then(Value::as_str);
    let shown = match name {
        "Bash" => arg("command").map(str::to_string),
        "Read" | "Write" | "Edit" | "MultiEdit" | "NotebookEdit" => arg("file_path")
            .or(arg("notebook_path"))
            .map(str::to_string),
        "Grep" | "Glob" => Some(tool_hint(name, input)),
        "TodoWrite" => input
            .and_then(|i| i.get("todos"))
            .and_then(Value::as_array)
            .map(|todos| todo_summary(todos)),
        _ => None,
    };
    match shown {
        // A command is shown whole, on as many lines as it has (a long one is cut
        // like any text).
        Some(command) if name == "Bash" => format!("{name}({command})"),
        Some(shown) => format!("{name}({})", cut(&shown)),
        None => format!(
            "{name}({})",
            cut(&input.map(Value::to_string).unwrap_or_default())
        ),
    }
}

/// `7 todos: 3 completed, 1 in progress (Port math_utils), 3 pending`.
fn todo_summary(todos: &[Value]) -> String {
    let status = |s: &str| todos.iter().filter(|t| str_at(t, "status") == s).count();
    let current = todos
        .iter()
        .find(|t| str_at(t, "status") == "in_progress")
        .map(|t| format!(" ({})", str_at(t, "content")))
        .unwrap_or_default();
    format!(
        "{} todos: {} completed, {} in progress{current}, {} pending",
        todos.len(),
        status("completed"),
        status("in_progress"),
        status("pending")
    )
}

/// One line of at most [`MAX_CALL_BYTES`], with `…` where it was cut.
fn cut(text: &str) -> String {
    let one_line = text.trim().replace('\n', " ⏎ ");
    if one_line.len() <= MAX_CALL_BYTES {
        return one_line;
    }
    let end = cut_at_char(one_line.as_bytes(), MAX_CALL_BYTES).len();
    format!(
        "{}… (+{} bytes)",
        &one_line[..end],
        thousands((one_line.len() - end) as u64)
    )
}

fn str_at<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Whether the tool result holding `text` is flagged as an error.
fn is_error(record: &Value, text: &str) -> bool {
    let blocks = record
        .get("message")
        .and_then(|m| m.get("content"))
        .and_then(Value::as_array);
    blocks.into_iter().flatten().any(|b| {
        b.get("is_error").and_then(Value::as_bool) == Some(true)
            && match b.get("content") {
                Some(Value::String(s)) => s == text,
                Some(Value::Array(parts)) => parts.iter().any(|p| str_at(p, "text") == text),
                _ => false,
            }
    })
}
