//! What to compress in one transcript record, and what the session remembers between
//! records: which tool call produced each result (the routing hint) and what the user
//! last asked (the query).
//!
//! Two line formats are understood; any other record passes through untouched.
//! - Claude Code sessions (main and `subagents/agent-*.jsonl`): `tool_use` blocks in
//!   assistant messages, `tool_result` blocks in user messages (content a string or a
//!   list of blocks), and the record-level `toolUseResult` that repeats the output.
//! - Codex CLI rollouts: `response_item` payloads `function_call` /
//!   `custom_tool_call` / `local_shell_call` and their `*_output`, and the
//!   `exec_command_end` events that repeat a command's output.
//!
//! A JSON message array (see [`message_list`]) is read as one record whose messages
//! are OpenAI chat messages, Anthropic messages (read like Claude Code's) or
//! Responses API items (read like Codex's).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::scan::Seg;

/// The longest query kept from a user message; relevance needs the words, not a
/// pasted file.
const MAX_QUERY_CHARS: usize = 2000;

/// Tool calls remembered per session at most (a hint is a short string).
const MAX_CALLS: usize = 100_000;

/// A string in a record to compress.
#[derive(Debug)]
pub struct Target {
    pub path: Vec<Seg>,
    pub text: String,
    /// The producing tool call, as a command line for the router.
    pub hint: Option<String>,
    /// A tool result the model sees, as opposed to a copy of one kept beside it.
    pub primary: bool,
    /// What the user last asked when the result came (in its record or before).
    pub query: Option<String>,
}

/// What carries over from one record to the next.
#[derive(Debug, Default)]
pub struct Session {
    hints: HashMap<String, String>,
    /// Commands still running, by the session id their first output gave (Codex's
    /// `Process running with session ID N`): later polls of that process read its
    /// output, so they take its command as their hint.
    processes: HashMap<String, String>,
    query: Option<String>,
}

impl Session {
    fn remember(&mut self, id: &str, hint: String) {
        if self.hints.len() < MAX_CALLS {
            self.hints.insert(id.to_string(), hint);
        }
    }

    /// Notes the process an output says is still running, under its call's hint.
    fn running(&mut self, output: &str, hint: Option<&String>) {
        let header = output.split("\nOutput:").next().unwrap_or("");
        let process = header
            .lines()
            .find_map(|l| l.strip_prefix("Process running with session ID "));
        if let (Some(process), Some(hint)) = (process, hint) {
            if self.processes.len() < MAX_CALLS {
                self.processes
                    .insert(process.trim().to_string(), hint.clone());
            }
        }
    }

    /// The command of the running process a call talks to (`session_id` in its
    /// arguments), when an earlier output named it.
    fn process_of(&self, args: Option<&Value>) -> Option<String> {
        let id = match args?.get("session_id")? {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            _ => return None,
        };
        self.processes.get(&id).cloned()
    }

    fn hint(&self, id: Option<&str>) -> Option<String> {
        id.and_then(|id| self.hints.get(id)).cloned()
    }

    fn ask(&mut self, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.query = Some(text.chars().take(MAX_QUERY_CHARS).collect());
        }
    }

    /// Notes what `record` tells about later records and returns its targets.
    pub fn targets(&mut self, record: &Value) -> Vec<Target> {
        let mut found = Vec::new();
        if let Some((prefix, messages)) = message_list(record) {
            for (i, message) in messages.iter().enumerate() {
                let at = [&prefix[..], &[Seg::Index(i)]].concat();
                let from = found.len();
                if let Some(message) = message.as_object() {
                    self.api_message(message, &at, &mut found);
                }
                self.note_query(&mut found[from..]);
            }
            return found;
        }
        let Some(record) = record.as_object() else {
            return found;
        };
        if let Some(message) = record.get("message").and_then(Value::as_object) {
            self.claude(
                record,
                message,
                &[Seg::Key("message".into())],
                true,
                &mut found,
            );
        } else if let Some(embedded) = record
            .get("data")
            .and_then(|d| d.get("message"))
            .and_then(Value::as_object)
        {
            // A `progress` record embeds a copy of a subagent's message.
            if let Some(message) = embedded.get("message").and_then(Value::as_object) {
                let at = ["data", "message", "message"].map(|k| Seg::Key(k.into()));
                self.claude(embedded, message, &at, false, &mut found);
            }
        } else if let Some(payload) = record.get("payload").and_then(Value::as_object) {
            self.codex(payload, &[Seg::Key("payload".into())], &mut found);
        }
        self.note_query(&mut found);
        found
    }

    /// Gives `targets` the query as it stands after their record or message.
    fn note_query(&self, targets: &mut [Target]) {
        for target in targets {
            target.query.clone_from(&self.query);
        }
    }

    /// A Claude Code record whose message sits at `prefix`; `primary` when it is the
    /// record the model saw rather than an embedded copy.
    fn claude(
        &mut self,
        record: &Map<String, Value>,
        message: &Map<String, Value>,
        prefix: &[Seg],
        primary: bool,
        found: &mut Vec<Target>,
    ) {
        let meta = record.get("isMeta").and_then(Value::as_bool) == Some(true);
        let at = |rest: &[Seg]| -> Vec<Seg> {
            let mut path = prefix.to_vec();
            path.push(Seg::Key("content".into()));
            path.extend_from_slice(rest);
            path
        };
        let blocks = match message.get("content") {
            Some(Value::String(text)) => {
                if message.get("role").and_then(Value::as_str) == Some("user") && !meta && primary {
                    self.ask(text);
                }
                return;
            }
            Some(Value::Array(blocks)) => blocks,
            _ => return,
        };
        let mut asked = String::new();
        let mut record_hint = None;
        for (i, block) in blocks.iter().enumerate() {
            let kind = block.get("type").and_then(Value::as_str);
            match kind {
                Some("tool_use") | Some("server_tool_use") => {
                    if let (Some(id), Some(name)) = (
                        block.get("id").and_then(Value::as_str),
                        block.get("name").and_then(Value::as_str),
                    ) {
                        self.remember(id, tool_hint(name, block.get("input")));
                    }
                }
                Some("text" | "input_text")
                    if message.get("role").and_then(Value::as_str) == Some("user") && !meta =>
                {
                    if let Some(text) = block.get("text").and_then(Value::as_str) {
                        asked.push_str(text);
                        asked.push('\n');
                    }
                }
                Some("tool_result") => {
                    let hint = self.hint(block.get("tool_use_id").and_then(Value::as_str));
                    record_hint = record_hint.or_else(|| hint.clone());
                    if let Some(content) = block.get("content") {
                        let path = at(&[Seg::Index(i), Seg::Key("content".into())]);
                        result_content(content, path, &hint, primary, found);
                    }
                }
                _ => {}
            }
        }
        if primary {
            self.ask(&asked);
        }
        if let Some(side) = record.get("toolUseResult") {
            let path = [Seg::Key("toolUseResult".into())];
            side_copies(side, &path, &record_hint, found);
        }
    }

    /// One message of a JSON message array, at `at`. OpenAI chat: assistant
    /// `tool_calls` and `role: "tool"` results paired by `tool_call_id`. Anthropic:
    /// `tool_use` and `tool_result` content blocks, read as in Claude Code. Responses
    /// API items without a role (`function_call`, `function_call_output`): as in Codex.
    fn api_message(&mut self, message: &Map<String, Value>, at: &[Seg], found: &mut Vec<Target>) {
        match message.get("role").and_then(Value::as_str) {
            Some("tool") => {
                let id = message.get("tool_call_id").and_then(Value::as_str);
                if let Some(content) = message.get("content") {
                    let path = [at, &[Seg::Key("content".into())]].concat();
                    result_content(content, path, &self.hint(id), true, found);
                }
            }
            Some(_) => {
                for call in message
                    .get("tool_calls")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let function = call.get("function").and_then(Value::as_object);
                    if let (Some(id), Some(function)) =
                        (call.get("id").and_then(Value::as_str), function)
                    {
                        let name = function.get("name").and_then(Value::as_str);
                        let hint = tool_hint(name.unwrap_or(""), arguments(function).as_ref());
                        self.remember(id, hint);
                    }
                }
                self.claude(message, message, at, true, found);
            }
            None => self.codex(message, at, found),
        }
    }

    /// A Codex (or OpenAI Responses API) item whose fields sit at `prefix`.
    fn codex(&mut self, payload: &Map<String, Value>, prefix: &[Seg], found: &mut Vec<Target>) {
        let str_of = |key: &str| payload.get(key).and_then(Value::as_str);
        let output = |key: &str, hint: Option<String>, primary: bool| {
            str_of(key).map(|text| Target {
                path: [prefix, &[Seg::Key(key.into())]].concat(),
                text: text.to_string(),
                hint,
                primary,
                query: None,
            })
        };
        match str_of("type") {
            Some("function_call") | Some("custom_tool_call") | Some("local_shell_call") => {
                let id = str_of("call_id").or_else(|| str_of("id"));
                if let Some(id) = id {
                    let args = arguments(payload);
                    let hint = self
                        .process_of(args.as_ref())
                        .unwrap_or_else(|| tool_hint(str_of("name").unwrap_or(""), args.as_ref()));
                    self.remember(id, hint);
                }
            }
            Some("function_call_output")
            | Some("custom_tool_call_output")
            | Some("local_shell_call_output") => {
                let hint = self.hint(str_of("call_id"));
                if let Some(text) = str_of("output") {
                    self.running(text, hint.as_ref());
                }
                if let Some(content) = payload.get("output") {
                    let path = [prefix, &[Seg::Key("output".into())]].concat();
                    result_content(content, path, &hint, true, found);
                }
            }
            Some("exec_command_end") => {
                let hint = self.hint(str_of("call_id"));
                for key in ["stdout", "stderr", "aggregated_output", "formatted_output"] {
                    found.extend(output(key, hint.clone(), false));
                }
            }
            Some("user_message") => {
                if let Some(text) = str_of("message") {
                    self.ask(text);
                }
            }
            Some("message") if str_of("role") == Some("user") => {
                let text: Vec<&str> = payload
                    .get("content")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|part| part.get("text").and_then(Value::as_str))
                    .filter(|t| !t.trim_start().starts_with('<'))
                    .collect();
                self.ask(&text.join("\n"));
            }
            _ => {}
        }
    }
}

/// The text of a `{"type": "text", "text": …}` block (`input_text`/`output_text` in
/// the Responses API).
fn text_block(part: &Value) -> Option<&str> {
    matches!(
        part.get("type").and_then(Value::as_str),
        Some("text" | "input_text" | "output_text")
    )
    .then(|| part.get("text").and_then(Value::as_str))
    .flatten()
}

/// A tool result's content at `path`: the string itself, or each text block of a
/// list (other blocks, such as images, stay as they are).
fn result_content(
    content: &Value,
    path: Vec<Seg>,
    hint: &Option<String>,
    primary: bool,
    found: &mut Vec<Target>,
) {
    let mut push = |path: Vec<Seg>, text: &str| {
        found.push(Target {
            path,
            text: text.to_string(),
            hint: hint.clone(),
            primary,
            query: None,
        })
    };
    match content {
        Value::String(text) => push(path, text),
        Value::Array(parts) => {
            for (j, part) in parts.iter().enumerate() {
                if let Some(text) = text_block(part) {
                    push(
                        [&path[..], &[Seg::Index(j), Seg::Key("text".into())]].concat(),
                        text,
                    );
                }
            }
        }
        _ => {}
    }
}

/// The messages of a JSON message array: the document itself when it is a list of
/// messages, or its `messages` (a chat or Anthropic request body) or `input` (a
/// Responses API request) member; with the path to the list.
pub fn message_list(document: &Value) -> Option<(Vec<Seg>, &Vec<Value>)> {
    let is_messages = |items: &Vec<Value>| {
        !items.is_empty()
            && items.iter().all(|m| {
                m.as_object()
                    .is_some_and(|m| m.contains_key("role") || m.contains_key("type"))
            })
    };
    match document {
        Value::Array(items) if is_messages(items) => Some((Vec::new(), items)),
        Value::Object(fields) => ["messages", "input"].into_iter().find_map(|key| {
            let items = fields.get(key)?.as_array()?;
            is_messages(items).then(|| (vec![Seg::Key(key.into())], items))
        }),
        _ => None,
    }
}

/// Output copies inside `toolUseResult`: the whole value when it is a string (an
/// error message), `stdout`/`stderr`, a fetch's `result`, a read file's `file.content`, and text blocks of
/// `content`. Input echoes beside them (`prompt`, a written file's `content`, an
/// edit's `oldString`) are not outputs and stay as they are.
fn side_copies(value: &Value, path: &[Seg], hint: &Option<String>, found: &mut Vec<Target>) {
    let mut push = |path: Vec<Seg>, text: &str| {
        found.push(Target {
            path,
            text: text.to_string(),
            hint: hint.clone(),
            primary: false,
            query: None,
        })
    };
    match value {
        Value::String(text) => push(path.to_vec(), text),
        Value::Object(fields) => {
            for key in ["stdout", "stderr", "output", "result"] {
                if let Some(text) = fields.get(key).and_then(Value::as_str) {
                    push([path, &[Seg::Key(key.into())]].concat(), text);
                }
            }
            if let Some(text) = fields
                .get("file")
                .and_then(|f| f.get("content"))
                .and_then(Value::as_str)
            {
                push(
                    [path, &[Seg::Key("file".into()), Seg::Key("content".into())]].concat(),
                    text,
                );
            }
            if let Some(parts) = fields.get("content").and_then(Value::as_array) {
                for (j, part) in parts.iter().enumerate() {
                    if let Some(text) = text_block(part) {
                        let at = [
                            Seg::Key("content".into()),
                            Seg::Index(j),
                            Seg::Key("text".into()),
                        ];
                        push([path, &at[..]].concat(), text);
                    }
                }
            }
        }
        _ => {}
    }
}

/// A tool call as the command line the router understands. A shell tool runs its
/// `command` (or Codex's `cmd`): a string, or an argument list whose script is taken
/// from `bash -lc SCRIPT`; a file viewer (Anthropic's text editor tool, `command:
/// "view"`) reads its `path`; Claude Code's Read, Grep and Glob are spelled as `cat`,
/// `rg` and `find`; any other tool (WebFetch, MCP tools `mcp__server__tool`) is named
/// by itself.
pub fn tool_hint(name: &str, input: Option<&Value>) -> String {
    let arg = |key: &str| {
        input
            .and_then(|i| i.get(key))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let command = input.and_then(|i| i.get("command").or_else(|| i.get("cmd")));
    match (name, command) {
        ("Read", _) => format!("cat {}", arg("file_path")),
        ("Grep", _) => format!("rg {} {}", quote(&arg("pattern")), arg("path")),
        ("Glob", _) => format!("find {} -name {}", arg("path"), quote(&arg("pattern"))),
        (_, Some(Value::String(view))) if view == "view" && !arg("path").is_empty() => {
            format!("cat {}", arg("path"))
        }
        (_, Some(Value::String(cmd))) => cmd.clone(),
        (_, Some(Value::Array(words))) => {
            let words: Vec<&str> = words.iter().filter_map(Value::as_str).collect();
            // `bash -lc 'script'`: the script is the command.
            match words.as_slice() {
                [_, flag, script] if flag.starts_with('-') && flag.ends_with('c') => {
                    script.to_string()
                }
                _ => words.join(" "),
            }
        }
        (other, _) => other.to_string(),
    }
    .trim()
    .to_string()
}

/// Single-quotes a word for a shell-like command line.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// A function call's arguments: a JSON string (Codex, OpenAI), an object, or a local
/// shell call's `action`.
pub fn arguments(call: &Map<String, Value>) -> Option<Value> {
    match call.get("arguments") {
        Some(Value::String(json)) => serde_json::from_str(json).ok(),
        Some(other) => Some(other.clone()),
        None => call.get("action").cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claude_tool_results_take_their_calls_command_and_the_last_question() {
        let mut session = Session::default();
        session.targets(&json!({"type": "user", "message": {"role": "user", "content": "why does the build fail?"}}));
        session.targets(&json!({"type": "assistant", "message": {"role": "assistant", "content": [
            {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "cargo build"}},
            {"type": "tool_use", "id": "t2", "name": "Grep", "input": {"pattern": "fn main", "path": "src"}}]}}));
        let found = session.targets(&json!({"type": "user", "message": {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t1", "content": "error[E0308]"},
            {"type": "tool_result", "tool_use_id": "t2", "content": [{"type": "text", "text": "src/main.rs:1"}, {"type": "image"}]}]},
            "toolUseResult": {"stdout": "error[E0308]", "stderr": "", "interrupted": false}}));
        let shown: Vec<_> = found
            .iter()
            .map(|t| (t.text.as_str(), t.hint.as_deref(), t.primary, t.path.len()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("error[E0308]", Some("cargo build"), true, 4),
                ("src/main.rs:1", Some("rg 'fn main' src"), true, 6),
                ("error[E0308]", Some("cargo build"), false, 2),
                ("", Some("cargo build"), false, 2),
            ]
        );
        assert!(found
            .iter()
            .all(|t| t.query.as_deref() == Some("why does the build fail?")));
    }

    #[test]
    fn codex_outputs_take_the_shell_script_as_hint() {
        let mut session = Session::default();
        session.targets(&json!({"type": "response_item", "payload": {"type": "function_call", "name": "exec_command",
            "arguments": "{\"cmd\": \"git diff\"}", "call_id": "c1"}}));
        session.targets(&json!({"type": "response_item", "payload": {"type": "local_shell_call", "call_id": "c2",
            "action": {"type": "exec", "command": ["bash", "-lc", "ls -la"]}}}));
        let one = session.targets(&json!({"type": "response_item", "payload": {"type": "function_call_output", "call_id": "c1", "output": "diff --git"}}));
        let two = session.targets(&json!({"type": "response_item", "payload": {"type": "local_shell_call_output", "call_id": "c2", "output": "total 0"}}));
        assert_eq!(one[0].hint.as_deref(), Some("git diff"));
        assert_eq!(two[0].hint.as_deref(), Some("ls -la"));
        assert!(one[0].primary);
    }

    #[test]
    fn polls_of_a_running_process_take_the_command_that_started_it() {
        let mut session = Session::default();
        session.targets(&json!({"type": "response_item", "payload": {"type": "function_call", "name": "exec_command",
            "arguments": "{\"cmd\": \"rg -n compact src\"}", "call_id": "c1"}}));
        session.targets(&json!({"type": "response_item", "payload": {"type": "function_call_output", "call_id": "c1",
            "output": "Chunk ID: a2\nWall time: 1.0 seconds\nProcess running with session ID 48230\nOriginal token count: 0\nOutput:\n"}}));
        for (call, session_id) in [("c2", "48230"), ("c3", "999")] {
            let args = format!("{{\"session_id\": {session_id}, \"chars\": \"\"}}");
            session.targets(&json!({"type": "response_item", "payload": {"type": "function_call", "name": "write_stdin",
                "arguments": args, "call_id": call}}));
        }
        let polled = session.targets(&json!({"type": "response_item", "payload": {"type": "function_call_output", "call_id": "c2", "output": "src/a.rs:1:compact"}}));
        let unknown = session.targets(&json!({"type": "response_item", "payload": {"type": "function_call_output", "call_id": "c3", "output": "x"}}));
        assert_eq!(polled[0].hint.as_deref(), Some("rg -n compact src"));
        assert_eq!(unknown[0].hint.as_deref(), Some("write_stdin"));
    }
}
