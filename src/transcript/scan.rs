//! Where each string value sits in a JSON text, by byte range, with its path.
//!
//! Rewriting a transcript must leave everything but the tool outputs byte for byte as
//! it was: key order, number spellings, escapes such as `\u00e9` or `\/`, spacing.
//! Re-serialising a parsed tree cannot promise that, so the rewrite splices new string
//! literals into the original bytes at the ranges this scanner reports.
//!
//! The scanner assumes valid JSON (callers parse the text with serde_json first) and
//! only finds token boundaries; it never decodes string contents except object keys.

use std::borrow::Cow;
use std::ops::Range;

/// One step of a path: an object member or an array element.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Calls `visit(path, range)` for every string value (not object keys) in `json`;
/// `range` covers the literal including its quotes. Returns `None` when the text is
/// not well-formed enough to scan.
pub fn string_values(json: &[u8], visit: &mut dyn FnMut(&[Seg], Range<usize>)) -> Option<()> {
    let mut scanner = Scanner {
        bytes: json,
        at: 0,
        path: Vec::new(),
    };
    scanner.value(visit)?;
    scanner.skip_space();
    (scanner.at == json.len()).then_some(())
}

/// New JSON literals for string values, by path.
pub type Replacements = std::collections::HashMap<Vec<Seg>, String>;

/// `json` with the string values at `replacements`' paths replaced by their literals
/// (already JSON-encoded), every other byte as it was; `None` when the text does not
/// scan.
pub fn replace(json: &[u8], replacements: &Replacements) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(json.len());
    let mut at = 0;
    string_values(json, &mut |path, range| {
        if let Some(literal) = replacements.get(path) {
            out.extend_from_slice(&json[at..range.start]);
            out.extend_from_slice(literal.as_bytes());
            at = range.end;
        }
    })?;
    out.extend_from_slice(&json[at..]);
    Some(out)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
    path: Vec<Seg>,
}

impl Scanner<'_> {
    fn skip_space(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Skips one string literal; returns its range including the quotes.
    fn string(&mut self) -> Option<Range<usize>> {
        let start = self.at;
        if self.peek()? != b'"' {
            return None;
        }
        let mut i = start + 1;
        loop {
            let found = memchr::memchr2(b'"', b'\\', &self.bytes[i..])?;
            i += found;
            if self.bytes[i] == b'\\' {
                i += 2;
            } else {
                self.at = i + 1;
                return Some(start..self.at);
            }
        }
    }

    fn value(&mut self, visit: &mut dyn FnMut(&[Seg], Range<usize>)) -> Option<()> {
        self.skip_space();
        match self.peek()? {
            b'"' => {
                let range = self.string()?;
                visit(&self.path, range);
            }
            b'{' => {
                self.at += 1;
                self.skip_space();
                if self.peek()? == b'}' {
                    self.at += 1;
                    return Some(());
                }
                loop {
                    self.skip_space();
                    let key = self.string()?;
                    let key = decode_key(&self.bytes[key])?;
                    self.skip_space();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.at += 1;
                    self.path.push(Seg::Key(key.into_owned()));
                    self.value(visit)?;
                    self.path.pop();
                    if !self.after_item(b'}')? {
                        return Some(());
                    }
                }
            }
            b'[' => {
                self.at += 1;
                self.skip_space();
                if self.peek()? == b']' {
                    self.at += 1;
                    return Some(());
                }
                let mut index = 0;
                loop {
                    self.path.push(Seg::Index(index));
                    self.value(visit)?;
                    self.path.pop();
                    index += 1;
                    if !self.after_item(b']')? {
                        return Some(());
                    }
                }
            }
            _ => {
                // A number, true, false or null: runs to the next delimiter.
                while self.peek().is_some_and(|b| {
                    !matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                }) {
                    self.at += 1;
                }
            }
        }
        Some(())
    }

    /// After a member or element: true on `,` (more follow), false on `close`.
    fn after_item(&mut self, close: u8) -> Option<bool> {
        self.skip_space();
        let b = self.peek()?;
        self.at += 1;
        match b {
            b',' => Some(true),
            b if b == close => Some(false),
            _ => None,
        }
    }
}

/// An object key's text: borrowed when it has no escapes, the usual case.
fn decode_key(literal: &[u8]) -> Option<Cow<'_, str>> {
    let inner = &literal[1..literal.len() - 1];
    if memchr::memchr(b'\\', inner).is_none() {
        return std::str::from_utf8(inner).ok().map(Cow::Borrowed);
    }
    serde_json::from_slice::<String>(literal)
        .ok()
        .map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(json: &str) -> Vec<(Vec<Seg>, String)> {
        let mut found = Vec::new();
        string_values(json.as_bytes(), &mut |path, range| {
            found.push((path.to_vec(), json[range].to_string()))
        })
        .expect("scans");
        found
    }

    #[test]
    fn finds_values_with_their_paths_and_exact_literals() {
        let found =
            collect(r#"{"a": [1, "x\"y", {"b\u0063": "\u00e9\/"}], "n": -1.5e3, "t": true}"#);
        assert_eq!(
            found,
            vec![
                (
                    vec![Seg::Key("a".into()), Seg::Index(1)],
                    r#""x\"y""#.to_string()
                ),
                (
                    vec![Seg::Key("a".into()), Seg::Index(2), Seg::Key("bc".into())],
                    r#""\u00e9\/""#.to_string()
                ),
            ]
        );
    }

    #[test]
    fn escaped_backslash_before_a_quote_ends_the_string() {
        let found = collect(r#"["a\\", "b"]"#);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].1, r#""a\\""#);
    }

    #[test]
    fn empty_containers_and_trailing_garbage() {
        assert!(collect(r#"{"a": {}, "b": [], "c": ""}"#).len() == 1);
        assert!(string_values(b"[1] x", &mut |_, _| {}).is_none());
        assert!(string_values(b"[1", &mut |_, _| {}).is_none());
    }
}
