//! Paths into a JSON document, in jq's syntax: `.workflow_runs[3].conclusion`,
//! `.a["x y"]`, `[0]`, and `.` for the root. The compressor writes them into markers
//! ([`key_path`], [`index_path`]); `headroom-cat --path` reads them back ([`parse`],
//! [`Path::select`]).
//!
//! The grammar read back is a superset of what is written: `.key`, `."quoted key"`,
//! `.["quoted key"]` or `["quoted key"]`, `[i]` (negative counts from the end),
//! `[a:b]` slices (either bound optional, negatives allowed, clamped as jq clamps) and
//! `[]` (every element, or every member's value), chained in any order.
//!
//! Unlike jq, a slice or `[]` fans out and the steps after it apply to each selected
//! value, so `.runs[40:60].conclusion` is the conclusion of each of those runs.
//! Values reached through a fan-out where the rest of the path does not exist are
//! skipped (and counted); a path that exists nowhere is an error that says which step
//! found what.

use std::borrow::Cow;
use std::fmt;

use super::{quote, Kind, Node};

/// `.a.b` + `c` → `.a.b.c`; keys that are not identifiers are quoted: `.a["x y"]`.
pub fn key_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    let base = if path == "." { "" } else { path };
    if plain {
        format!("{base}.{key}")
    } else {
        format!("{base}[{}]", quote(key))
    }
}

/// `.a` + 3 → `.a[3]`.
pub fn index_path(path: &str, index: usize) -> String {
    let base = if path == "." { "" } else { path };
    format!("{base}[{index}]")
}

/// Quotes `text` for a POSIX shell when it holds anything but `[A-Za-z0-9._/:@%+=,-]`,
/// so a `--path` in a marker or a note can be pasted as it is: `'.files[3].patch'`.
pub fn shell_quoted(text: &str) -> Cow<'_, str> {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/:@%+=,-".contains(&b));
    if plain {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(format!("'{}'", text.replace('\'', r"'\''")))
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `.key`, `."key"`, `["key"]`: the member named so (the last, if it repeats).
    Key(String),
    /// `[i]`: element `i`; negative counts from the end.
    Index(i64),
    /// `[a:b]`: elements `a..b`, end exclusive, clamped; fans out.
    Slice(Option<i64>, Option<i64>),
    /// `[]`: every element, or every member's value; fans out.
    Each,
}

/// A parsed path: steps from the root; no steps is the root (`.`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Path {
    pub steps: Vec<Step>,
}

/// Why a path expression does not parse: what was expected, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub expr: String,
    /// 0-based character position of the problem in `expr`.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid path {:?}: {} at character {}",
            self.expr,
            self.message,
            self.column + 1
        )
    }
}

impl std::error::Error for SyntaxError {}

/// A step that found nothing: the path up to and including it, and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    pub at: String,
    pub message: String,
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

impl std::error::Error for NotFound {}

/// What a path selected: each value with its own path (concrete indexes and keys,
/// as [`key_path`]/[`index_path`] write them), in document order.
#[derive(Debug, Clone)]
pub struct Selection<'n, 'a> {
    pub values: Vec<(String, &'n Node<'a>)>,
    /// Values reached through a fan-out where the rest of the path did not exist.
    pub skipped: usize,
    /// Why the first of those was skipped.
    pub first_skip: Option<NotFound>,
}

/// Parses a path expression (surrounding whitespace ignored).
pub fn parse(expr: &str) -> Result<Path, SyntaxError> {
    PathParser {
        expr,
        chars: expr.trim().chars().collect(),
        pos: 0,
        lead: expr.len() - expr.trim_start().len(),
    }
    .path()
}

struct PathParser<'e> {
    expr: &'e str,
    chars: Vec<char>,
    pos: usize,
    /// Characters of leading whitespace trimmed off, for positions in errors.
    lead: usize,
}

impl PathParser<'_> {
    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            expr: self.expr.to_string(),
            column: self.lead + self.pos,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn path(mut self) -> Result<Path, SyntaxError> {
        let mut steps = Vec::new();
        if self.chars.is_empty() {
            return Err(self.error("empty path (the root is '.')"));
        }
        if self.chars == ['.'] {
            return Ok(Path { steps });
        }
        while let Some(c) = self.peek() {
            match c {
                '.' => {
                    self.pos += 1;
                    match self.peek() {
                        Some('[') => steps.push(self.bracket()?),
                        Some('"') => steps.push(Step::Key(self.string()?)),
                        Some('.') => {
                            return Err(self.error("recursive descent '..' is not supported"))
                        }
                        Some(c) if is_key_char(c) => {
                            let start = self.pos;
                            while self.peek().is_some_and(is_key_char) {
                                self.pos += 1;
                            }
                            steps.push(Step::Key(self.chars[start..self.pos].iter().collect()));
                        }
                        Some(_) => return Err(self.error("expected a key, '\"' or '[' after '.'")),
                        None => return Err(self.error("expected a key after '.'")),
                    }
                }
                '[' => steps.push(self.bracket()?),
                _ => return Err(self.error("expected '.' or '['")),
            }
        }
        Ok(Path { steps })
    }

    /// `[...]`, at its `[`.
    fn bracket(&mut self) -> Result<Step, SyntaxError> {
        self.pos += 1;
        self.skip_spaces();
        let step = match self.peek() {
            Some(']') => Step::Each,
            Some('"') => Step::Key(self.string()?),
            Some(c) if c == ':' || c == '-' || c.is_ascii_digit() => {
                let from = self.number()?;
                self.skip_spaces();
                if self.peek() == Some(':') {
                    self.pos += 1;
                    self.skip_spaces();
                    let to = self.number()?;
                    Step::Slice(from, to)
                } else {
                    match from {
                        Some(i) => Step::Index(i),
                        None => return Err(self.error("expected an index")),
                    }
                }
            }
            Some(_) => {
                return Err(
                    self.error("expected an index, a slice a:b, a quoted key or ']' after '['")
                )
            }
            None => return Err(self.error("unclosed '['")),
        };
        self.skip_spaces();
        match self.peek() {
            Some(']') => {
                self.pos += 1;
                Ok(step)
            }
            Some(_) => Err(self.error("expected ']'")),
            None => Err(self.error("unclosed '['")),
        }
    }

    /// An optional integer.
    fn number(&mut self) -> Result<Option<i64>, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        let digits = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == digits {
            if self.pos > start {
                return Err(self.error("expected digits after '-'"));
            }
            return Ok(None);
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        match text.parse() {
            Ok(n) => Ok(Some(n)),
            Err(_) => {
                self.pos = start;
                Err(self.error(format!("index {text} is too large")))
            }
        }
    }

    /// A JSON string, at its opening quote; returns it unescaped.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek() {
                None => {
                    self.pos = start;
                    return Err(self.error("unterminated quoted key"));
                }
                Some('\\') => self.pos += 2,
                Some('"') => break,
                Some(_) => self.pos += 1,
            }
        }
        self.pos += 1;
        let raw: String = self.chars[start..self.pos].iter().collect();
        serde_json::from_str(&raw).map_err(|e| {
            self.pos = start;
            self.error(format!("invalid quoted key ({e})"))
        })
    }
}

/// Characters of an unquoted key: more than [`key_path`] writes, so that keys such as
/// `@timestamp` or `$ref` can be typed as they are.
fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '$' | '@')
}

/// `[a:b]` resolved against a length, as jq and Python slice: negative bounds count
/// from the end, and both are clamped.
pub fn slice_range(from: Option<i64>, to: Option<i64>, len: usize) -> std::ops::Range<usize> {
    let resolve = |bound: i64| -> usize {
        if bound < 0 {
            len.saturating_sub(bound.unsigned_abs().try_into().unwrap_or(usize::MAX))
        } else {
            usize::try_from(bound).unwrap_or(usize::MAX).min(len)
        }
    };
    let start = from.map_or(0, resolve);
    let end = to.map_or(len, resolve);
    start..end.max(start)
}

/// A slice's bounds as typed: `16:412`, `5:`, `:-2`.
pub fn slice_text(from: Option<i64>, to: Option<i64>) -> String {
    let bound = |b: Option<i64>| b.map(|n| n.to_string()).unwrap_or_default();
    format!("{}:{}", bound(from), bound(to))
}

/// What a node is, for messages: `an array of 30`, `an object with 2 keys`, `a string`.
pub fn describe(node: &Node) -> String {
    use crate::marker::{count_of, thousands};
    match &node.kind {
        Kind::Array(items) => format!("an array of {}", thousands(items.len() as u64)),
        Kind::Object(members) => {
            format!(
                "an object with {}",
                count_of(members.len() as u64, "key", "keys")
            )
        }
        Kind::Scalar(text) => match text.as_bytes().first() {
            Some(b'"') => "a string".into(),
            Some(b't' | b'f') => "a boolean".into(),
            Some(b'n') => "null".into(),
            _ => "a number".into(),
        },
    }
}

impl Path {
    /// The values this path selects in `root`, whose own path is `base` (`.` for a
    /// document's root). An error when no value is selected because a step found
    /// nothing; an empty selection (an empty slice) is not an error.
    pub fn select<'n, 'a>(
        &self,
        root: &'n Node<'a>,
        base: &str,
    ) -> Result<Selection<'n, 'a>, NotFound> {
        let mut current = vec![(base.to_string(), root)];
        let mut skipped = 0;
        let mut first_skip = None;
        for step in &self.steps {
            let mut next = Vec::new();
            let mut failed = Vec::new();
            for (path, node) in current {
                if let Err(e) = apply(step, &path, node, &mut next) {
                    failed.push(e);
                }
            }
            if next.is_empty() {
                if let Some(e) = failed.into_iter().next() {
                    return Err(e);
                }
            } else if !failed.is_empty() {
                skipped += failed.len();
                first_skip = first_skip.or_else(|| failed.into_iter().next());
            }
            current = next;
        }
        Ok(Selection {
            values: current,
            skipped,
            first_skip,
        })
    }
}

/// The path of `step` taken from `path`, as typed (for messages).
fn step_path(path: &str, step: &Step) -> String {
    let base = if path == "." { "" } else { path };
    match step {
        Step::Key(key) => key_path(path, key),
        Step::Index(i) => format!("{base}[{i}]"),
        Step::Slice(a, b) => format!("{base}[{}]", slice_text(*a, *b)),
        Step::Each => format!("{base}[]"),
    }
}

fn apply<'n, 'a>(
    step: &Step,
    path: &str,
    node: &'n Node<'a>,
    out: &mut Vec<(String, &'n Node<'a>)>,
) -> Result<(), NotFound> {
    let fail = |message: String| NotFound {
        at: step_path(path, step),
        message,
    };
    let not = |what: &str| fail(format!("{path} is {}, not {what}", describe(node)));
    match (step, &node.kind) {
        (Step::Key(key), Kind::Object(members)) => {
            match members.iter().rev().find(|m| m.name() == key.as_str()) {
                Some(m) => out.push((key_path(path, key), &m.value)),
                None => {
                    let mut names: Vec<String> =
                        members.iter().take(10).map(|m| m.key.to_string()).collect();
                    if members.len() > names.len() {
                        names.push("…".into());
                    }
                    return Err(fail(format!(
                        "no such key; {path} has {}",
                        if members.is_empty() {
                            "no keys".to_string()
                        } else {
                            format!(
                                "{}: {}",
                                crate::marker::count_of(members.len() as u64, "key", "keys"),
                                names.join(", ")
                            )
                        }
                    )));
                }
            }
        }
        (Step::Key(_), _) => return Err(not("an object")),
        (Step::Index(i), Kind::Array(items)) => {
            let at = if *i < 0 {
                items.len().checked_sub(i.unsigned_abs() as usize)
            } else {
                Some(*i as usize).filter(|&n| n < items.len())
            };
            match at {
                Some(n) => out.push((index_path(path, n), &items[n])),
                None => {
                    return Err(fail(format!(
                        "index {i} out of range ({})",
                        describe(node).trim_start_matches("an ")
                    )))
                }
            }
        }
        (Step::Index(_) | Step::Slice(..), Kind::Object(_)) => {
            return Err(fail(format!(
                "{path} is {}, not an array (--items A:B takes members by position)",
                describe(node)
            )))
        }
        (Step::Slice(a, b), Kind::Array(items)) => {
            let range = slice_range(*a, *b, items.len());
            let start = range.start;
            out.extend(
                items[range]
                    .iter()
                    .enumerate()
                    .map(|(k, item)| (index_path(path, start + k), item)),
            );
        }

        (Step::Index(_) | Step::Slice(..), Kind::Scalar(_)) => return Err(not("an array")),
        (Step::Each, Kind::Array(items)) => out.extend(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| (index_path(path, i), item)),
        ),
        (Step::Each, Kind::Object(members)) => out.extend(
            members
                .iter()
                .map(|m| (key_path(path, &m.name()), &m.value)),
        ),
        (Step::Each, Kind::Scalar(_)) => return Err(not("an array or an object")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::json;
    use proptest::prelude::*;

    fn key(k: &str) -> Step {
        Step::Key(k.to_string())
    }

    fn steps(expr: &str) -> Vec<Step> {
        parse(expr).unwrap_or_else(|e| panic!("{e}")).steps
    }

    /// The minified values `expr` selects in `doc`, or the error's text.
    fn sel(doc: &str, expr: &str) -> Result<Vec<String>, String> {
        let root = json::parse(doc).unwrap();
        parse(expr)
            .unwrap()
            .select(&root, ".")
            .map(|s| s.values.iter().map(|(_, n)| n.minified()).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn every_form_parses() {
        assert_eq!(steps("."), vec![]);
        assert_eq!(steps(" .a "), vec![key("a")]);
        assert_eq!(
            steps(".a.b-c.@timestamp"),
            vec![key("a"), key("b-c"), key("@timestamp")]
        );
        assert_eq!(steps(r#"."x y""#), vec![key("x y")]);
        assert_eq!(steps(r#".["x y"]"#), vec![key("x y")]);
        assert_eq!(steps(r#"["a\"b\\c\u00e9"]"#), vec![key("a\"b\\cé")]);
        assert_eq!(steps("[0]"), vec![Step::Index(0)]);
        assert_eq!(steps(".[-1]"), vec![Step::Index(-1)]);
        assert_eq!(steps("[ 2 : -3 ]"), vec![Step::Slice(Some(2), Some(-3))]);
        assert_eq!(
            steps("[:5][3:][:]"),
            vec![
                Step::Slice(None, Some(5)),
                Step::Slice(Some(3), None),
                Step::Slice(None, None),
            ]
        );
        assert_eq!(
            steps(".workflow_runs[40:60].conclusion"),
            vec![
                key("workflow_runs"),
                Step::Slice(Some(40), Some(60)),
                key("conclusion")
            ]
        );
        assert_eq!(
            steps(r#"[0].headers["content-type"]"#),
            vec![Step::Index(0), key("headers"), key("content-type")]
        );
        assert_eq!(
            steps(".a[].b.[]"),
            vec![key("a"), Step::Each, key("b"), Step::Each]
        );
        assert_eq!(steps(".é.日本"), vec![key("é"), key("日本")]);
    }

    #[test]
    fn syntax_errors_say_what_and_where() {
        let err = |expr: &str| parse(expr).unwrap_err();
        for (expr, column, message) in [
            ("", 0, "empty path"),
            ("a", 0, "expected '.' or '['"),
            (".a.", 3, "expected a key after '.'"),
            (".a..b", 3, "recursive descent"),
            (".a[1", 4, "unclosed '['"),
            (".a[1x]", 4, "expected ']'"),
            (".a[x]", 3, "expected an index"),
            (".a[-]", 4, "expected digits"),
            (r#".a["b]"#, 3, "unterminated quoted key"),
            (r#".a["\q"]"#, 3, "invalid quoted key"),
            (".a[99999999999999999999]", 3, "too large"),
            (".a b", 2, "expected '.' or '['"),
            ("  .a!", 4, "expected '.' or '['"),
        ] {
            let e = err(expr);
            assert_eq!(e.column, column, "{expr:?}: {e}");
            assert!(e.message.contains(message), "{expr:?}: {e}");
            assert!(e
                .to_string()
                .contains(&format!("at character {}", column + 1)));
        }
    }

    #[test]
    fn selection_maps_over_fan_outs() {
        let doc = r#"{"runs":[{"id":1,"c":"ok"},{"id":2},{"id":3,"c":"bad"}],"n":1.50}"#;
        assert_eq!(sel(doc, ".n").unwrap(), ["1.50"]);
        assert_eq!(sel(doc, ".runs[-1].id").unwrap(), ["3"]);
        assert_eq!(sel(doc, ".runs[1:].id").unwrap(), ["2", "3"]);
        assert_eq!(sel(doc, ".runs[].c").unwrap(), [r#""ok""#, r#""bad""#]);
        assert_eq!(sel(doc, ".runs[-10:10].id").unwrap().len(), 3);
        assert!(sel(doc, ".runs[2:1]").unwrap().is_empty());
        assert_eq!(sel(doc, "[]").unwrap().len(), 2);
        assert_eq!(sel(doc, ".").unwrap(), [doc]);
        let root = json::parse(doc).unwrap();
        let s = parse(".runs[].c").unwrap().select(&root, ".").unwrap();
        assert_eq!(s.skipped, 1);
        assert_eq!(s.first_skip.unwrap().at, ".runs[1].c");
        assert_eq!(s.values[1].0, ".runs[2].c");
    }

    #[test]
    fn missing_steps_say_which_step_found_what() {
        let runs: Vec<String> = (0..30).map(|i| format!(r#"{{"id":{i}}}"#)).collect();
        let doc = format!(
            r#"{{"workflow_runs":[{}],"s":"x","o":{{}}}}"#,
            runs.join(",")
        );
        let err = |expr| sel(&doc, expr).unwrap_err();
        assert_eq!(
            err(".workflow_runs[40]"),
            ".workflow_runs[40]: index 40 out of range (array of 30)"
        );
        assert_eq!(
            err(".workflow_runs[-31]"),
            ".workflow_runs[-31]: index -31 out of range (array of 30)"
        );
        assert_eq!(
            err(".nope"),
            r#".nope: no such key; . has 3 keys: "workflow_runs", "s", "o""#
        );
        assert_eq!(err(".o.x"), ".o.x: no such key; .o has no keys");
        assert_eq!(err(".s.x"), ".s.x: .s is a string, not an object");
        assert_eq!(
            err(".s[]"),
            ".s[]: .s is a string, not an array or an object"
        );
        assert_eq!(
            err(".workflow_runs.id"),
            ".workflow_runs.id: .workflow_runs is an array of 30, not an object"
        );
        assert!(err(".o[0:2]").contains("--items A:B takes members by position"));
        assert_eq!(
            err(".workflow_runs[].name"),
            r#".workflow_runs[0].name: no such key; .workflow_runs[0] has 1 key: "id""#
        );
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quoted(".a.b"), ".a.b");
        assert_eq!(shell_quoted(".files[3].patch"), "'.files[3].patch'");
        assert_eq!(shell_quoted(r#".a["it's"]"#), r#"'.a["it'\''s"]'"#);
    }

    #[test]
    fn slices_clamp_like_jq() {
        assert_eq!(slice_range(Some(16), Some(412), 30), 16..30);
        assert_eq!(slice_range(Some(-5), None, 30), 25..30);
        assert_eq!(slice_range(None, Some(-40), 30), 0..0);
        assert_eq!(slice_range(Some(50), Some(60), 30), 30..30);
        assert_eq!(slice_range(Some(i64::MIN), Some(i64::MAX), 3), 0..3);
    }

    /// A document that nests, innermost first, each key's object around an array
    /// whose element at the index holds the next level (with decoys around both),
    /// and the path to its innermost `"leaf"` as key_path/index_path write it.
    fn nest(keys: &[String], indexes: &[usize]) -> (String, String) {
        let mut doc = "\"leaf\"".to_string();
        for (k, &i) in keys.iter().zip(indexes) {
            let mut items = vec!["0".to_string(); i];
            items.push(doc);
            items.push("1".to_string());
            doc = format!(r#"{{"other":1,{}:[{}]}}"#, quote(k), items.join(","));
        }
        let mut path = ".".to_string();
        for (k, &i) in keys.iter().zip(indexes).rev() {
            path = index_path(&key_path(&path, k), i);
        }
        (doc, path)
    }

    proptest! {
        #[test]
        fn written_paths_parse_back(
            chain in prop::collection::vec(
                prop_oneof![any::<String>().prop_map(Ok), any::<usize>().prop_map(Err)],
                0..8,
            )
        ) {
            let mut path = ".".to_string();
            let mut want = Vec::new();
            for step in &chain {
                match step {
                    Ok(k) => {
                        path = key_path(&path, k);
                        want.push(Step::Key(k.clone()));
                    }
                    Err(i) => {
                        let i = i % (i64::MAX as usize);
                        path = index_path(&path, i);
                        want.push(Step::Index(i as i64));
                    }
                }
            }
            let got = parse(&path).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(got.steps, want, "{}", path);
        }

        #[test]
        fn written_paths_select_their_node(
            keys in prop::collection::vec("\\PC{0,6}|[a-z_][a-z0-9_-]{0,5}", 1..5),
            indexes in prop::collection::vec(0usize..4, 5),
        ) {
            let (doc, path) = nest(&keys, &indexes);
            let root = json::parse(&doc).unwrap();
            let s = parse(&path).unwrap().select(&root, ".").unwrap();
            prop_assert_eq!(s.values.len(), 1);
            prop_assert_eq!(&s.values[0].0, &path);
            prop_assert_eq!(s.values[0].1.minified(), "\"leaf\"");
        }
    }

    #[test]
    fn paths_follow_jq() {
        assert_eq!(key_path(".", "items"), ".items");
        assert_eq!(key_path(".a", "x y"), ".a[\"x y\"]");
        assert_eq!(index_path(".items", 3), ".items[3]");
        assert_eq!(index_path(".", 0), "[0]");
    }
}
