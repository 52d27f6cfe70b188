//! Where the prompt prefix lives in a JSON request or a transcript record: the system
//! prompt and instructions a provider caches, not the conversation after them.
//!
//! Found by shape, whatever the file's format:
//! - OpenAI chat and Responses requests: `messages` / `input` items with role `system`
//!   or `developer`, and `instructions`; a bare array of such messages;
//! - Anthropic requests: `system`, a string or a list of text blocks;
//! - Codex rollouts: `payload.instructions` and `payload.base_instructions` (a string
//!   or `{text}`) of `session_meta`, `response_item` messages with role `developer` or
//!   `system`, and user-role parts that are wholly one tagged block, the form Codex and
//!   Claude Code use for context they inject (`<environment_context>…</environment_context>`
//!   holds the current date);
//! - Claude Code sessions: `system` records' `content`, harness-injected user messages
//!   (`isMeta: true`) and attachments' `content`.

use serde_json::{Map, Value};

use crate::transcript::scan::Seg;

/// A prompt string and its path in the JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub path: Vec<Seg>,
    pub text: String,
}

/// The prompt strings inside `value`, in document order of discovery.
pub fn find(value: &Value) -> Vec<Prompt> {
    let mut found = Vec::new();
    match value {
        Value::Array(items) => messages(items, &[], &mut found),
        Value::Object(map) => object(map, &[], &mut found),
        _ => {}
    }
    found
}

fn at(path: &[Seg], rest: &[Seg]) -> Vec<Seg> {
    [path, rest].concat()
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

fn object(map: &Map<String, Value>, path: &[Seg], found: &mut Vec<Prompt>) {
    if let Some(role) = map.get("role").and_then(Value::as_str) {
        message(map, role, path, found);
    }
    match map.get("system") {
        Some(Value::String(text)) => push(at(path, &[key("system")]), text, found),
        Some(Value::Array(blocks)) => content_parts(blocks, &at(path, &[key("system")]), found),
        _ => {}
    }
    for name in ["instructions", "base_instructions"] {
        match map.get(name) {
            Some(Value::String(text)) => push(at(path, &[key(name)]), text, found),
            Some(Value::Object(inner)) => {
                if let Some(text) = inner.get("text").and_then(Value::as_str) {
                    push(at(path, &[key(name), key("text")]), text, found);
                }
            }
            _ => {}
        }
    }
    for name in ["messages", "input"] {
        if let Some(items) = map.get(name).and_then(Value::as_array) {
            messages(items, &at(path, &[key(name)]), found);
        }
    }
    if let Some(payload) = map.get("payload").and_then(Value::as_object) {
        object(payload, &at(path, &[key("payload")]), found);
    }
    claude_code(map, path, found);
}

/// Claude Code's own record shapes (see the module doc).
fn claude_code(map: &Map<String, Value>, path: &[Seg], found: &mut Vec<Prompt>) {
    let kind = map.get("type").and_then(Value::as_str);
    if kind == Some("system") {
        if let Some(text) = map.get("content").and_then(Value::as_str) {
            push(at(path, &[key("content")]), text, found);
        }
    }
    if map.get("isMeta").and_then(Value::as_bool) == Some(true) {
        if let Some(message) = map.get("message").and_then(Value::as_object) {
            content(message, &at(path, &[key("message")]), found);
        }
    }
    if let Some(text) = map
        .get("attachment")
        .and_then(|a| a.get("content"))
        .and_then(Value::as_str)
    {
        push(at(path, &[key("attachment"), key("content")]), text, found);
    }
}

fn messages(items: &[Value], path: &[Seg], found: &mut Vec<Prompt>) {
    for (i, item) in items.iter().enumerate() {
        if let Some(map) = item.as_object() {
            if let Some(role) = map.get("role").and_then(Value::as_str) {
                message(map, role, &at(path, &[Seg::Index(i)]), found);
            }
        }
    }
}

fn message(map: &Map<String, Value>, role: &str, path: &[Seg], found: &mut Vec<Prompt>) {
    match role {
        "system" | "developer" => content(map, path, found),
        "user" => {
            let mut injected = Vec::new();
            content(map, path, &mut injected);
            // A fixed block ends in its `<dynamic-context>`: the element is before it.
            found.extend(
                injected
                    .into_iter()
                    .filter(|p| is_tagged_block(super::block::split(&p.text).body)),
            );
        }
        _ => {}
    }
}

/// A message's `content`: a string, or a list of parts (strings or `{text}` objects).
fn content(map: &Map<String, Value>, path: &[Seg], found: &mut Vec<Prompt>) {
    let path = at(path, &[key("content")]);
    match map.get("content") {
        Some(Value::String(text)) => push(path, text, found),
        Some(Value::Array(parts)) => content_parts(parts, &path, found),
        _ => {}
    }
}

fn content_parts(parts: &[Value], path: &[Seg], found: &mut Vec<Prompt>) {
    for (i, part) in parts.iter().enumerate() {
        match part {
            Value::String(text) => push(at(path, &[Seg::Index(i)]), text, found),
            Value::Object(block) => {
                if let Some(text) = block.get("text").and_then(Value::as_str) {
                    push(at(path, &[Seg::Index(i), key("text")]), text, found);
                }
            }
            _ => {}
        }
    }
}

fn push(path: Vec<Seg>, text: &str, found: &mut Vec<Prompt>) {
    found.push(Prompt {
        path,
        text: text.to_string(),
    });
}

/// Text that is one `<tag>…</tag>` element: context an agent injected, not typed.
fn is_tagged_block(text: &str) -> bool {
    let text = text.trim();
    let Some(rest) = text.strip_prefix('<') else {
        return false;
    };
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    !name.is_empty() && rest[name_len..].starts_with('>') && text.ends_with(&format!("</{name}>"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(value: Value) -> Vec<(String, String)> {
        find(&value)
            .into_iter()
            .map(|p| (crate::align::path_text(&p.path), p.text))
            .collect()
    }

    #[test]
    fn openai_and_anthropic_requests() {
        let openai = json!({"model": "m", "messages": [
            {"role": "system", "content": "S"},
            {"role": "developer", "content": [{"type": "text", "text": "D"}]},
            {"role": "user", "content": "typed <b>not</b> a block"},
            {"role": "assistant", "content": "A"}]});
        assert_eq!(
            paths(openai),
            vec![
                (".messages[0].content".into(), "S".into()),
                (".messages[1].content[0].text".into(), "D".into())
            ]
        );
        let anthropic = json!({"system": [{"type": "text", "text": "You are X."}], "messages": []});
        assert_eq!(
            paths(anthropic),
            vec![(".system[0].text".into(), "You are X.".into())]
        );
        let bare = json!([{"role": "system", "content": "S"}]);
        assert_eq!(paths(bare), vec![("[0].content".into(), "S".into())]);
    }

    #[test]
    fn codex_records() {
        let meta = json!({"type": "session_meta", "payload": {"id": "x", "base_instructions": {"text": "B"}}});
        assert_eq!(
            paths(meta),
            vec![(".payload.base_instructions.text".into(), "B".into())]
        );
        let injected = json!({"type": "response_item", "payload": {"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "# AGENTS.md"},
            {"type": "input_text", "text": "<environment_context>\n  <current_date>2026-05-11</current_date>\n</environment_context>"}]}});
        assert_eq!(paths(injected)[0].0, ".payload.content[1].text");
    }

    #[test]
    fn claude_code_records() {
        let system = json!({"type": "system", "subtype": "local_command", "content": "<x>out</x>"});
        assert_eq!(paths(system).len(), 1);
        let meta = json!({"type": "user", "isMeta": true, "message": {"role": "user", "content": "caveat"}});
        assert_eq!(paths(meta)[0].0, ".message.content");
        let typed = json!({"type": "user", "message": {"role": "user", "content": "hello"}});
        assert!(paths(typed).is_empty());
    }

    #[test]
    fn tagged_blocks() {
        assert!(is_tagged_block("<env>\n x \n</env>\n"));
        assert!(!is_tagged_block("<env>x</other>"));
        assert!(!is_tagged_block("<b>bold</b> then text"));
        assert!(!is_tagged_block("< spaced>"));
        let (fixed, _) = crate::align::block::fix("<env><date>2026-05-11</date></env>").unwrap();
        let user = json!({"role": "user", "content": fixed});
        assert_eq!(paths(user).len(), 1, "still a prompt once fixed");
    }
}
