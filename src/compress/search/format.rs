//! The layouts search tools print, and how one line of each is read.
//!
//! - *Prefixed*: every line names its file: `path:12:text` for a match, `path-12-text`
//!   for a context line (`-A/-B/-C`), `--` between context groups; without `-n` it is
//!   `path:text`. grep -rn, rg when piped, git grep (`HEAD:path:12:text`), ag, ack.
//! - *Heading*: the path on a line of its own, then `12:text` / `12-text` lines, a
//!   blank line between files: rg and ag on a terminal or with `--heading`, and
//!   `grep -n` over a single file (numbered lines, no path at all).
//! - *Json*: `rg --json`, one object per line: `begin`, `match`, `context`, `end`
//!   per file and a final `summary`.

use std::borrow::Cow;

use serde::Deserialize;

use crate::marker::{count_of, thousands};

/// How a search tool laid out its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `path:12:text`; `numbered` is false for `path:text` (no `-n`).
    Prefixed {
        numbered: bool,
    },
    Heading,
    Json,
}

/// What one line of search output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Match,
    Context,
    /// `--` between context groups.
    Separator,
    /// A file's heading: a path line, or rg's JSON `begin`.
    Heading,
    /// A file's end: the blank line after it, or rg's JSON `end`.
    End,
    /// rg's JSON `summary`.
    Summary,
    /// Anything else (`Binary file x matches`, a warning, unparsable JSON).
    Other,
}

/// One line, read: its kind, the file it belongs to (when the line names it) and, for
/// matches and context lines, the line number and the text the tool found.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub kind: Kind,
    pub path: Option<Cow<'a, [u8]>>,
    pub number: Option<Cow<'a, [u8]>>,
    pub text: Cow<'a, [u8]>,
}

impl<'a> Entry<'a> {
    fn plain(kind: Kind, line: &'a [u8]) -> Entry<'a> {
        Entry {
            kind,
            path: None,
            number: None,
            text: Cow::Borrowed(line),
        }
    }
}

/// Share of sampled lines that must read as search results.
const SNIFF_SHARE: f64 = 0.8;
/// Fewest lines for a layout to be recognised by sniffing.
const SNIFF_MIN_LINES: usize = 3;

impl Layout {
    /// The layout the first lines show, with the evidence; `None` when they are not
    /// search results (strict: plain logs and other families must not match).
    pub fn sniff(lines: &[&[u8]]) -> Option<(Layout, String)> {
        let first = lines.first()?;
        if first.starts_with(b"{\"type\":\"") && json_record(first).is_some() {
            return Some((
                Layout::Json,
                "rg --json records (`{\"type\":\"begin\"`)".into(),
            ));
        }
        if lines.len() < SNIFF_MIN_LINES {
            return None;
        }
        let enough =
            |n: usize| n >= SNIFF_MIN_LINES && n as f64 >= SNIFF_SHARE * lines.len() as f64;
        let mut current: Option<&[u8]> = None;
        let (mut prefixed, mut matches, mut paths) = (0, 0, Vec::<&[u8]>::new());
        for line in lines {
            if line == b"--" {
                prefixed += 1;
                continue;
            }
            if let Some((kind, path, _, text)) = split_numbered(line, current) {
                if looks_like_path(path) && !is_diagnostic(text) {
                    prefixed += 1;
                    matches += usize::from(kind == Kind::Match);
                    current = Some(path);
                    if !paths.contains(&path) && paths.len() < 2 {
                        paths.push(path);
                    }
                }
            }
        }
        if enough(prefixed) && matches > 0 {
            return Some((
                Layout::Prefixed { numbered: true },
                format!(
                    "{prefixed} of {} sampled lines are `path:line:text` search results",
                    lines.len()
                ),
            ));
        }
        let (mut numbered, mut headed) = (0, 0);
        for pair in lines.windows(2) {
            if split_number(pair[1]).is_some() {
                numbered += 1;
                if split_number(pair[0]).is_none() && looks_like_path(pair[0]) {
                    headed += 1;
                }
            } else if pair[1] == b"--" {
                numbered += 1;
            }
        }
        numbered += usize::from(split_number(first).is_some());
        let headings = lines
            .iter()
            .filter(|l| looks_like_path(l) && split_number(l).is_none())
            .count();
        if headed > 0 && enough(numbered + headings) {
            return Some((
                Layout::Heading,
                format!("{headed} path headings followed by `line:text` results"),
            ));
        }
        None
    }

    /// The layout to read an input with when the command says it is search output:
    /// what sniffing finds, else numbered lines without paths (`grep -n` over one
    /// file), else `path:text` lines.
    pub fn guess(lines: &[&[u8]]) -> Layout {
        if let Some((layout, _)) = Layout::sniff(lines) {
            return layout;
        }
        let numbered = lines.iter().filter(|l| split_number(l).is_some()).count();
        if numbered * 2 >= lines.len() {
            Layout::Heading
        } else {
            Layout::Prefixed { numbered: false }
        }
    }

    /// Reads one line; `current` is the path of the file the previous line named,
    /// which settles ambiguous context lines (`a-1-b.rs-12-text`).
    pub fn read<'a>(self, line: &'a [u8], current: Option<&[u8]>) -> Entry<'a> {
        match self {
            Layout::Json => read_json(line),
            Layout::Heading => read_heading(line),
            Layout::Prefixed { numbered } => read_prefixed(line, current, numbered),
        }
    }
}

fn read_prefixed<'a>(line: &'a [u8], current: Option<&[u8]>, numbered: bool) -> Entry<'a> {
    if line == b"--" {
        return Entry::plain(Kind::Separator, line);
    }
    if numbered {
        if let Some((kind, path, number, text)) = split_numbered(line, current) {
            return Entry {
                kind,
                path: Some(Cow::Borrowed(path)),
                number: Some(Cow::Borrowed(number)),
                text: Cow::Borrowed(text),
            };
        }
        return Entry::plain(Kind::Other, line);
    }
    // `path:text`: the file the previous line named, else the text up to the first
    // colon when it reads as a path.
    let split = current
        .filter(|p| line.starts_with(p) && line.get(p.len()) == Some(&b':'))
        .map(|p| p.len())
        .or_else(|| memchr::memchr(b':', line).filter(|&at| looks_like_path(&line[..at])));
    match split {
        Some(at) => Entry {
            kind: Kind::Match,
            path: Some(Cow::Borrowed(&line[..at])),
            number: None,
            text: Cow::Borrowed(&line[at + 1..]),
        },
        None => Entry::plain(Kind::Other, line),
    }
}

/// (kind, path, line number, text) of a `path:12:text` line.
type Numbered<'a> = (Kind, &'a [u8], &'a [u8], &'a [u8]);

/// `path:12:text` (a match) or `path-12-text` (context): the first place where a
/// colon or dash, digits and the same punctuation again follow a non-empty path;
/// the current file's path is tried first.
fn split_numbered<'a>(line: &'a [u8], current: Option<&[u8]>) -> Option<Numbered<'a>> {
    if let Some(path) = current.filter(|p| !p.is_empty() && line.starts_with(p)) {
        if let Some(found) = numbered_at(line, path.len()) {
            return Some(found);
        }
    }
    let mut at = 1;
    while at < line.len() {
        match line[at..].iter().position(|&b| b == b':' || b == b'-') {
            Some(offset) => {
                at += offset;
                if let Some(found) = numbered_at(line, at) {
                    return Some(found);
                }
                at += 1;
            }
            None => return None,
        }
    }
    None
}

/// The numbered split when `line[at]` starts `:12:` or `-12-`.
fn numbered_at(line: &[u8], at: usize) -> Option<Numbered<'_>> {
    let punct = *line.get(at)?;
    let kind = match punct {
        b':' => Kind::Match,
        b'-' => Kind::Context,
        _ => return None,
    };
    let digits = line[at + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || line.get(at + 1 + digits) != Some(&punct) {
        return None;
    }
    Some((
        kind,
        &line[..at],
        &line[at + 1..at + 1 + digits],
        &line[at + 2 + digits..],
    ))
}

/// A compiler's or linter's message after `path:line:` (`5: error: …`,
/// `0: C0414: …`): lint and build output, not search results.
fn is_diagnostic(text: &[u8]) -> bool {
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || text.get(digits) != Some(&b':') {
        return false;
    }
    let rest = text[digits + 1..].trim_ascii_start();
    let word: &[u8] = rest
        .split(|&b| b == b':' || b == b' ')
        .next()
        .unwrap_or_default();
    let code =
        word.len() >= 4 && word[0].is_ascii_uppercase() && word[1..].iter().all(u8::is_ascii_digit);
    code || matches!(word, b"error" | b"warning" | b"note" | b"fatal")
}

/// `12:text` or `12-text`: (kind, number, text).
fn split_number(line: &[u8]) -> Option<(Kind, &[u8], &[u8])> {
    let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
    let kind = match line.get(digits) {
        Some(b':') => Kind::Match,
        Some(b'-') => Kind::Context,
        _ => return None,
    };
    (digits > 0).then(|| (kind, &line[..digits], &line[digits + 1..]))
}

/// A file path as search tools print it: no spaces or tabs, a letter somewhere, not
/// a bare number or a clock time, not too long.
pub fn looks_like_path(text: &[u8]) -> bool {
    !text.is_empty()
        && text.len() <= 1024
        && !text
            .iter()
            .any(|b| matches!(b, b' ' | b'\t' | b'"' | b'{' | b'<'))
        && text.iter().any(u8::is_ascii_alphabetic)
        && (text.contains(&b'/') || text.contains(&b'.') || text.contains(&b'\\'))
}

fn read_heading(line: &[u8]) -> Entry<'_> {
    if line.is_empty() {
        return Entry::plain(Kind::End, line);
    }
    if line == b"--" {
        return Entry::plain(Kind::Separator, line);
    }
    match split_number(line) {
        Some((kind, number, text)) => Entry {
            kind,
            path: None,
            number: Some(Cow::Borrowed(number)),
            text: Cow::Borrowed(text),
        },
        None => Entry {
            kind: Kind::Heading,
            path: Some(Cow::Borrowed(line)),
            number: None,
            text: Cow::Borrowed(b""),
        },
    }
}

/// The parts of an rg --json record the view uses.
#[derive(Deserialize)]
struct Record {
    #[serde(rename = "type")]
    kind: String,
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    path: Option<Data64>,
    lines: Option<Data64>,
    line_number: Option<u64>,
    stats: Option<Stats>,
    elapsed_total: Option<Elapsed>,
}

/// rg's text-or-bytes value: `{"text": "…"}`, or `{"bytes": "base64"}` when the
/// text is not UTF-8.
#[derive(Deserialize)]
struct Data64 {
    text: Option<String>,
}

#[derive(Deserialize)]
struct Stats {
    matched_lines: u64,
    matches: u64,
    searches: u64,
    searches_with_match: u64,
    bytes_searched: u64,
}

#[derive(Deserialize)]
struct Elapsed {
    human: String,
}

fn json_record(line: &[u8]) -> Option<Record> {
    let record: Record = serde_json::from_slice(line).ok()?;
    matches!(
        record.kind.as_str(),
        "begin" | "match" | "context" | "end" | "summary"
    )
    .then_some(record)
}

/// An rg --json record, read; a record whose path or text is not UTF-8 (rg writes it
/// as base64 `bytes`) or that does not parse stays `Other`, shown as it is.
fn read_json(line: &[u8]) -> Entry<'_> {
    let Some(record) = json_record(line) else {
        return Entry::plain(Kind::Other, line);
    };
    let path = record
        .data
        .path
        .and_then(|p| p.text)
        .map(|p| Cow::Owned(p.into_bytes()));
    let other = Entry::plain(Kind::Other, line);
    match record.kind.as_str() {
        "begin" | "end" => match path {
            Some(path) => Entry {
                kind: if record.kind == "begin" {
                    Kind::Heading
                } else {
                    Kind::End
                },
                path: Some(path),
                number: None,
                text: Cow::Borrowed(b""),
            },
            None => other,
        },
        "match" | "context" => {
            let text = record.data.lines.and_then(|l| l.text);
            match (path, text, record.data.line_number) {
                (Some(path), Some(text), number) => {
                    let mut text = text.into_bytes();
                    if text.last() == Some(&b'\n') {
                        text.pop();
                        if text.last() == Some(&b'\r') {
                            text.pop();
                        }
                    }
                    Entry {
                        kind: if record.kind == "match" {
                            Kind::Match
                        } else {
                            Kind::Context
                        },
                        path: Some(path),
                        number: number.map(|n| Cow::Owned(n.to_string().into_bytes())),
                        text: Cow::Owned(text),
                    }
                }
                _ => other,
            }
        }
        _ => match (record.data.stats, record.data.elapsed_total) {
            (Some(s), Some(elapsed)) => Entry {
                kind: Kind::Summary,
                path: None,
                number: None,
                text: Cow::Owned(
                    format!(
                        "rg summary: {} in {}, {} of {} files matched, {} searched in {}",
                        count_of(s.matches, "match", "matches"),
                        count_of(s.matched_lines, "line", "lines"),
                        thousands(s.searches_with_match),
                        thousands(s.searches),
                        count_of(s.bytes_searched, "byte", "bytes"),
                        elapsed.human,
                    )
                    .into_bytes(),
                ),
            },
            _ => other,
        },
    }
}
