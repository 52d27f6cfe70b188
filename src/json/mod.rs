//! JSON as headroom reads it: a tree that borrows its scalars' text from the input.
//!
//! serde_json's `Value` normalises what it reads (exponents, duplicate keys, escapes)
//! and recurses without bound on the stack. Headroom must show values exactly as they
//! were written and never fail on odd input, so it has its own small parser:
//! - scalars (`null`, `true`, `false`, numbers, strings) keep their source text, so
//!   `1.50`, `2e3`, `18446744073709551616` and `"\u00e9"` come back as written;
//! - objects are member lists in source order, duplicate keys included;
//! - nesting deeper than [`MAX_DEPTH`] is declined with an error (the caller then
//!   treats the input as text), so neither parsing, rendering nor dropping a tree can
//!   overflow the stack.
//!
//! The compressor ([`crate::compress::json`]) and the retrieval selectors
//! ([`crate::retrieve`]) share the tree, the minified rendering and the paths
//! ([`path`]).

pub mod path;

use std::borrow::Cow;
use std::fmt;

use memchr::memchr2;

/// Documents nested deeper than this are not parsed.
pub const MAX_DEPTH: usize = 1000;

/// Lines of banner (a curl header, a tool's first line) allowed before a document.
pub const MAX_BANNER_LINES: usize = 8;

/// A JSON value with the length of its minified text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node<'a> {
    pub kind: Kind<'a>,
    /// Bytes of the value's minified text.
    pub len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind<'a> {
    /// A literal, number or string exactly as written (a string with its quotes and
    /// escapes).
    Scalar(&'a str),
    Array(Vec<Node<'a>>),
    /// Members in source order; `key` is the raw key, quotes and escapes included.
    Object(Vec<Member<'a>>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member<'a> {
    pub key: &'a str,
    pub value: Node<'a>,
}

impl<'a> Node<'a> {
    pub fn as_array(&self) -> Option<&[Node<'a>]> {
        match &self.kind {
            Kind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member<'a>]> {
        match &self.kind {
            Kind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The source text of a scalar.
    pub fn as_scalar(&self) -> Option<&'a str> {
        match self.kind {
            Kind::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// The member named `key` (the last one, as jq does, if the key repeats).
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.as_object()?
            .iter()
            .rev()
            .find(|m| m.name() == key)
            .map(|m| &m.value)
    }

    /// True for arrays and objects.
    pub fn is_container(&self) -> bool {
        !matches!(self.kind, Kind::Scalar(_))
    }

    /// The minified text of this value.
    pub fn minified(&self) -> String {
        let mut out = String::with_capacity(self.len);
        self.write_minified(&mut out);
        out
    }

    /// Appends the minified text of this value to `out`.
    pub fn write_minified(&self, out: &mut String) {
        match &self.kind {
            Kind::Scalar(text) => out.push_str(text),
            Kind::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_minified(out);
                }
                out.push(']');
            }
            Kind::Object(members) => {
                out.push('{');
                for (i, member) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(member.key);
                    out.push(':');
                    member.value.write_minified(out);
                }
                out.push('}');
            }
        }
    }
}

impl Member<'_> {
    /// The key, unescaped.
    pub fn name(&self) -> Cow<'_, str> {
        unquote(self.key)
    }
}

/// The text of a raw JSON string (quotes included), unescaped; any other scalar's
/// text as it is.
pub fn unquote(raw: &str) -> Cow<'_, str> {
    let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return Cow::Borrowed(raw);
    };
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    match serde_json::from_str::<String>(raw) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(inner),
    }
}

/// Quotes `text` as a JSON string.
pub fn quote(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// Why a text is not (one) JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: &'static str,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// A document: an optional banner of a few non-JSON lines, then one JSON value.
#[derive(Debug)]
pub struct Document<'a> {
    pub banner: &'a str,
    pub root: Node<'a>,
}

/// Parses `text` as one JSON document, after up to [`MAX_BANNER_LINES`] lines of
/// banner before the first line that opens an object or array.
pub fn document(text: &str) -> Result<Document<'_>, ParseError> {
    let (banner, json) = split_banner(text).ok_or(ParseError {
        offset: 0,
        message: "no JSON object or array opens within the first lines",
    })?;
    let root = parse(json).map_err(|e| ParseError {
        offset: e.offset + banner.len(),
        ..e
    })?;
    Ok(Document { banner, root })
}

fn split_banner(text: &str) -> Option<(&str, &str)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n').take(MAX_BANNER_LINES + 1) {
        if matches!(line.trim_start().as_bytes().first(), Some(b'{' | b'[')) {
            return Some((&text[..offset], &text[offset..]));
        }
        offset += line.len();
    }
    None
}

/// Parses `text` as exactly one JSON value (whitespace around it allowed).
pub fn parse(text: &str) -> Result<Node<'_>, ParseError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    parser.skip_ws();
    let root = parser.value(0)?;
    parser.skip_ws();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error("text after the JSON value"));
    }
    Ok(root)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, message: &'static str) -> ParseError {
        ParseError {
            offset: self.pos,
            message,
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, ParseError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => {
                let raw = self.string()?;
                Ok(scalar(raw))
            }
            Some(b'-' | b'0'..=b'9') => {
                let raw = self.number()?;
                Ok(scalar(raw))
            }
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(_) => Err(self.error("expected a JSON value")),
            None => Err(self.error("unexpected end of input")),
        }
    }

    fn literal(&mut self, word: &'static str) -> Result<Node<'a>, ParseError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            let raw = &self.text[self.pos..self.pos + word.len()];
            self.pos += word.len();
            Ok(scalar(raw))
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node<'a>, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.pos += 1;
        let mut items = Vec::new();
        let mut len = 2;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Node {
                kind: Kind::Array(items),
                len,
            });
        }
        loop {
            self.skip_ws();
            let item = self.value(depth)?;
            len += item.len + usize::from(!items.is_empty());
            items.push(item);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node {
                        kind: Kind::Array(items),
                        len,
                    });
                }
                None => return Err(self.error("unexpected end of input in an array")),
                Some(_) => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node<'a>, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.pos += 1;
        let mut members = Vec::new();
        let mut len = 2;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Node {
                kind: Kind::Object(members),
                len,
            });
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':'"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            len += key.len() + 1 + value.len + usize::from(!members.is_empty());
            members.push(Member { key, value });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node {
                        kind: Kind::Object(members),
                        len,
                    });
                }
                None => return Err(self.error("unexpected end of input in an object")),
                Some(_) => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    /// A string, returned with its quotes; escapes are checked, not decoded.
    fn string(&mut self) -> Result<&'a str, ParseError> {
        let start = self.pos;
        self.pos += 1;
        loop {
            let Some(offset) = memchr2(b'"', b'\\', &self.bytes[self.pos..]) else {
                self.pos = self.bytes.len();
                return Err(self.error("unterminated string"));
            };
            let run = &self.bytes[self.pos..self.pos + offset];
            if run.iter().any(|&b| b < 0x20) {
                self.pos += run.iter().position(|&b| b < 0x20).unwrap_or(0);
                return Err(self.error("control character in a string"));
            }
            self.pos += offset;
            if self.bytes[self.pos] == b'"' {
                self.pos += 1;
                return Ok(&self.text[start..self.pos]);
            }
            // A backslash: one escape.
            match self.bytes.get(self.pos + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 2,
                Some(b'u') => {
                    let hex = self.bytes.get(self.pos + 2..self.pos + 6);
                    if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                        return Err(self.error("invalid \\u escape"));
                    }
                    self.pos += 6;
                }
                _ => return Err(self.error("invalid escape")),
            }
        }
    }

    /// A number in JSON's grammar, returned as written.
    fn number(&mut self) -> Result<&'a str, ParseError> {
        let start = self.pos;
        let digits = |p: &mut Parser| {
            let from = p.pos;
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos - from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        Ok(&self.text[start..self.pos])
    }
}

fn scalar(raw: &str) -> Node<'_> {
    Node {
        kind: Kind::Scalar(raw),
        len: raw.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn min(text: &str) -> String {
        parse(text).expect("valid").minified()
    }

    #[test]
    fn scalars_keep_their_text() {
        assert_eq!(
            min(" {\n \"b\" : 1.50, \"a\": [1, -0.0, 2e3, 18446744073709551616E-2],\n \"s\": \"x\\u00e9\\/\" }\n"),
            r#"{"b":1.50,"a":[1,-0.0,2e3,18446744073709551616E-2],"s":"x\u00e9\/"}"#
        );
    }

    #[test]
    fn duplicate_keys_are_kept_and_get_takes_the_last() {
        let root = parse(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(root.minified(), r#"{"a":1,"a":2}"#);
        assert_eq!(root.get("a").and_then(Node::as_scalar), Some("2"));
    }

    #[test]
    fn len_is_the_minified_length() {
        for text in [r#"[]"#, r#"{}"#, r#"[1, {"a" : [true,null]}, "x"]"#] {
            let node = parse(text).unwrap();
            assert_eq!(node.len, node.minified().len(), "{text}");
        }
    }

    #[test]
    fn invalid_json_is_an_error_with_an_offset() {
        for text in [
            "",
            "[1,",
            "[1 2]",
            "{\"a\" 1}",
            "{1:2}",
            "01",
            "1.",
            "-",
            "1e",
            "\"\\x\"",
            "\"a\nb\"",
            "[1]]",
            "tru",
            "{\"a\":1}{}",
        ] {
            assert!(parse(text).is_err(), "{text:?} parsed");
        }
        assert_eq!(parse("[1,]").unwrap_err().offset, 3);
    }

    #[test]
    fn deep_nesting_is_declined_not_a_crash() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert_eq!(parse(&deep).unwrap_err().message, "nested too deeply");
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn banners_are_split_off() {
        let doc = document("HTTP/1.1 200 OK\n\n{\"a\":1}\n").unwrap();
        assert_eq!(doc.banner, "HTTP/1.1 200 OK\n\n");
        assert_eq!(doc.root.minified(), "{\"a\":1}");
        assert!(document("{\"a\":1}\n{\"a\":2}\n").is_err());
    }

    #[test]
    fn keys_are_unescaped_for_lookup() {
        let root = parse(r#"{"x\u0020y":1}"#).unwrap();
        assert_eq!(root.get("x y").and_then(Node::as_scalar), Some("1"));
        assert_eq!(unquote(r#""plain""#), "plain");
        assert_eq!(quote("a\"b"), r#""a\"b""#);
    }
}
