//! Selectors on a JSON original: `--path`, `--items`, and `--query` by items.
//!
//! The original is one JSON document (after at most a short banner, see
//! [`crate::json::document`]) or JSON Lines (every non-blank line one JSON value). It is
//! read into memory whole and parsed into the borrowed tree of [`crate::json`], so
//! every value printed is the original's text minified, scalars byte for byte.
//!
//! - `--path EXPR` prints each value the path selects ([`crate::json::path`]), one per
//!   line; on JSON Lines the path applies to each line's value.
//! - `--items A:B` prints items `A..B` (0-based, end exclusive, clamped like a jq slice)
//!   of the array at `--path` (the root without one), one per line; an object's
//!   members are taken by position, each printed as `{"key":value}`; on JSON Lines the
//!   items are the lines (blank lines are not items), and `--path` then applies to each.
//! - `--query TEXT` ranks *items*: the elements of the outermost arrays with at least
//!   two elements, or the lines of JSON Lines, scored as the line query scores lines,
//!   and prints the best whole, in document order, as `PATH: item`.

use std::io::{self, Read, Write};
use std::ops::Range;

use super::{by_score, no_match, relevance, Failure, Found, Open};
use super::{QUERY_MAX_LINES, QUERY_TOKEN_CAP};
use crate::json::path::{describe, index_path, key_path, slice_range, slice_text, Path};
use crate::json::{self, Kind, Member, Node};
use crate::lines::cut_at_char;
use crate::marker::{count_of, thousands, TAG};
use crate::relevance::{Bm25, Query};
use crate::tokens;

/// Bytes read before deciding whether an original can be JSON at all.
const HEAD: usize = 64 * 1024;

/// Items by position: `A:B` (0-based, end exclusive, either bound optional, negative
/// from the end) or `N`, one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Items {
    One(i64),
    Range(Option<i64>, Option<i64>),
}

/// Parses `--items`: `A:B`, `A:`, `:B` or `N`; bounds may be negative (from the end).
pub fn parse_items(s: &str) -> Result<Items, String> {
    let bad = || {
        format!(
            "invalid item range {s:?}: expected A:B with 0-based item numbers, end \
             exclusive (e.g. 16:412, 5:, :10, -3:), or N for one item"
        )
    };
    let bound = |b: &str| -> Result<Option<i64>, String> {
        let b = b.trim();
        if b.is_empty() {
            Ok(None)
        } else {
            b.parse().map(Some).map_err(|_| bad())
        }
    };
    match s.split_once(':') {
        Some((a, b)) => Ok(Items::Range(bound(a)?, bound(b)?)),
        None => bound(s)?.map(Items::One).ok_or_else(bad),
    }
}

impl Items {
    /// The positions selected among `len`, clamped.
    pub fn range(self, len: usize) -> Range<usize> {
        match self {
            Items::Range(a, b) => slice_range(a, b, len),
            Items::One(n) => {
                let start = slice_range(Some(n), None, len).start;
                if n < -(len as i64) || start >= len {
                    len..len
                } else {
                    start..start + 1
                }
            }
        }
    }
}

impl std::fmt::Display for Items {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Items::One(n) => write!(f, "{n}"),
            Items::Range(a, b) => f.write_str(&slice_text(a, b)),
        }
    }
}

/// Reads an original whole when it can be JSON; otherwise says why not, having read
/// only its first block, so a large log costs no memory here.
fn load(open: &mut Open) -> io::Result<Result<String, String>> {
    let mut reader = open()?;
    let mut bytes = Vec::new();
    reader
        .by_ref()
        .take(HEAD as u64 + 1)
        .read_to_end(&mut bytes)?;
    let complete = bytes.len() <= HEAD;
    if let Err(why) = plausible(&bytes, complete) {
        return Ok(Err(why));
    }
    reader.read_to_end(&mut bytes)?;
    Ok(String::from_utf8(bytes).map_err(|e| {
        format!(
            "invalid UTF-8 at byte {}",
            thousands(e.utf8_error().valid_up_to() as u64)
        )
    }))
}

/// Reads the original and calls `f` with it when it is JSON; otherwise says what it
/// is (`not JSON (…)`), having read only its first block when that already tells.
/// The original is dropped before this returns.
pub fn with_original<R>(
    open: &mut Open,
    f: impl FnOnce(&Original) -> R,
) -> io::Result<Result<R, String>> {
    let text = match load(open)? {
        Ok(text) => text,
        Err(why) => return Ok(Err(format!("not JSON ({why})"))),
    };
    Ok(Original::parse(&text).map(|original| f(&original)))
}

/// Whether `head`, the first bytes of an original (all of it when `complete`), can
/// begin a JSON document or JSON Lines: it parses, or fails only near its end.
fn plausible(head: &[u8], complete: bool) -> Result<(), String> {
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).expect("valid up to here")
        }
        Err(e) => {
            return Err(format!(
                "invalid UTF-8 at byte {}",
                thousands(e.valid_up_to() as u64)
            ))
        }
    };
    if complete {
        return Ok(()); // small: the whole parse decides
    }
    let cut_short = |e: &json::ParseError, len: usize| e.offset + 16 >= len;
    let err = match json::document(text) {
        Ok(_) => return Ok(()),
        Err(e) if cut_short(&e, text.len()) => return Ok(()),
        Err(e) => e,
    };
    // JSON Lines: a whole first line (or one cut short by the head) that parses.
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    let line = rest.split('\n').next().unwrap_or("");
    match json::parse(line) {
        Ok(_) => Ok(()),
        Err(e) if line.len() == rest.len() && cut_short(&e, line.len()) => Ok(()),
        Err(_) => Err(why(&err)),
    }
}

/// A parse error for a message: where, unless it is at the very start.
fn why(e: &json::ParseError) -> String {
    if e.offset == 0 {
        e.message.to_string()
    } else {
        e.to_string()
    }
}

/// A JSON original.
#[derive(Debug)]
pub enum Original<'a> {
    Document(Node<'a>),
    /// JSON Lines: the non-blank lines with their 1-based line numbers.
    Lines(Vec<(u64, Node<'a>)>),
}

impl<'a> Original<'a> {
    /// One document, else JSON Lines; otherwise says what it is not, and why.
    pub fn parse(text: &'a str) -> Result<Original<'a>, String> {
        let doc_err = match json::document(text) {
            Ok(doc) => return Ok(Original::Document(doc.root)),
            Err(e) => why(&e),
        };
        let mut lines = Vec::new();
        for (i, line) in text.split('\n').enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match json::parse(line) {
                Ok(value) => lines.push((i as u64 + 1, value)),
                Err(_) if lines.is_empty() => return Err(format!("not JSON ({doc_err})")),
                Err(e) => {
                    return Err(format!(
                        "neither one JSON document ({doc_err}) nor JSON Lines (line {}: {e})",
                        i + 1
                    ))
                }
            }
        }
        if lines.is_empty() {
            return Err(format!("not JSON ({doc_err})"));
        }
        Ok(Original::Lines(lines))
    }
}

/// One selected value: a node, or an object's member taken by position.
#[derive(Debug, Clone, Copy)]
enum Piece<'n, 'a> {
    Value(&'n Node<'a>),
    Member(&'n Member<'a>),
}

impl Piece<'_, '_> {
    /// Appends the minified text: the value, or `{"key":value}`.
    fn write(&self, out: &mut String) {
        match self {
            Piece::Value(node) => node.write_minified(out),
            Piece::Member(m) => {
                out.push('{');
                out.push_str(m.key);
                out.push(':');
                m.value.write_minified(out);
                out.push('}');
            }
        }
    }
}

/// The items `A..B` of `node`: elements of an array, members of an object.
fn items_of<'n, 'a>(
    node: &'n Node<'a>,
    at: &str,
    items: Items,
    out: &mut Vec<Piece<'n, 'a>>,
) -> Result<(), String> {
    match &node.kind {
        Kind::Array(elements) => out.extend(
            elements[items.range(elements.len())]
                .iter()
                .map(Piece::Value),
        ),
        Kind::Object(members) => out.extend(
            members[items.range(members.len())]
                .iter()
                .map(Piece::Member),
        ),
        Kind::Scalar(_) => {
            return Err(format!(
                "{at}: --items needs an array or an object, and {at} is {}",
                describe(node)
            ))
        }
    }
    Ok(())
}

/// Values a fan-out skipped, and why the first was: said on stderr, never silently.
#[derive(Debug, Default)]
struct Skips {
    count: usize,
    first: Option<String>,
}

impl Skips {
    fn add(&mut self, count: usize, why: Option<String>) {
        self.count += count;
        if self.first.is_none() {
            self.first = why;
        }
    }
}

/// `--path` on a document's root, or on line `line` of JSON Lines (messages then say
/// which line): the selected values, or why none; values skipped are counted.
fn select<'n, 'a>(
    path: Option<&Path>,
    root: &'n Node<'a>,
    line: Option<u64>,
    skips: &mut Skips,
) -> Result<Vec<(String, &'n Node<'a>)>, String> {
    let prefix = |m: String| match line {
        Some(n) => format!("line {n}: {m}"),
        None => m,
    };
    let Some(path) = path else {
        return Ok(vec![(".".to_string(), root)]);
    };
    let selection = path.select(root, ".").map_err(|e| prefix(e.to_string()))?;
    skips.add(
        selection.skipped,
        selection.first_skip.map(|e| prefix(e.to_string())),
    );
    Ok(selection.values)
}

/// Prints what `--path` and `--items` select, one minified value per line.
///
/// On a document: the values at the path (the root without one), or with `--items`
/// the items of each. On JSON Lines: the lines `--items` selects (all without it), or
/// with `--path` the values it selects in each. Values reached through a fan-out where
/// the rest of the path is missing are skipped, with a note; a selection that is empty
/// is [`Failure::Nothing`] with a message that says why.
pub fn print_selection(
    original: &Original,
    path: Option<&Path>,
    items: Option<&Items>,
    out: &mut dyn Write,
    notes: &mut dyn Write,
) -> Result<Found, Failure> {
    let mut pieces = Vec::new();
    let mut skips = Skips::default();
    let what = match (path, items) {
        (Some(_), Some(i)) => format!("--items {i} of --path"),
        (Some(_), None) => "--path".to_string(),
        (None, Some(i)) => format!("--items {i}"),
        (None, None) => String::new(),
    };
    let context = match original {
        Original::Document(root) => {
            let targets = select(path, root, None, &mut skips).map_err(Failure::Nothing)?;
            for (at, node) in &targets {
                match items {
                    Some(&i) => {
                        if let Err(e) = items_of(node, at, i, &mut pieces) {
                            skips.add(1, Some(e));
                        }
                    }
                    None => pieces.push(Piece::Value(node)),
                }
            }
            match targets.as_slice() {
                [(at, node)] => format!("{at} is {}", describe(node)),
                _ => format!(
                    "the path selects {}",
                    count_of(targets.len() as u64, "value", "values")
                ),
            }
        }
        Original::Lines(lines) => {
            let range = items.map_or(0..lines.len(), |i| i.range(lines.len()));
            for (n, value) in &lines[range] {
                match select(path, value, Some(*n), &mut skips) {
                    Ok(values) => pieces.extend(values.into_iter().map(|(_, v)| Piece::Value(v))),
                    Err(e) => skips.add(1, Some(e)),
                }
            }
            format!(
                "the original is JSON Lines with {}",
                count_of(lines.len() as u64, "item", "items")
            )
        }
    };
    if pieces.is_empty() {
        // Nothing where the path or items did not exist: say why the first did not.
        return Err(Failure::Nothing(
            skips
                .first
                .unwrap_or_else(|| format!("{what} selects nothing: {context}")),
        ));
    }
    if skips.count > 0 {
        writeln!(
            notes,
            "headroom-cat: note: skipped {} where the path does not exist (first: {})",
            count_of(skips.count as u64, "value", "values"),
            skips.first.as_deref().unwrap_or("?")
        )?;
    }
    let mut text = String::new();
    for piece in pieces {
        text.clear();
        piece.write(&mut text);
        text.push('\n');
        out.write_all(text.as_bytes())?;
    }
    Ok(Found::Something)
}

/// An item `--query` ranks, with the label it is shown under.
struct Item<'n, 'a> {
    /// The item's `--path` in a document; `L7` for line 7 of JSON Lines.
    label: String,
    /// 1-based line, on JSON Lines.
    line: Option<u64>,
    node: &'n Node<'a>,
}

/// The items of a document: the elements of the outermost arrays with at least two
/// elements, found from the root without descending into an item, in document order.
fn items<'n, 'a>(root: &'n Node<'a>) -> Vec<Item<'n, 'a>> {
    let mut found = Vec::new();
    let mut stack = vec![(".".to_string(), root)];
    while let Some((at, node)) = stack.pop() {
        match &node.kind {
            Kind::Array(elements) if elements.len() >= 2 => {
                found.extend(elements.iter().enumerate().map(|(i, e)| Item {
                    label: index_path(&at, i),
                    line: None,
                    node: e,
                }))
            }
            Kind::Array(elements) => stack.extend(
                elements
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(i, e)| (index_path(&at, i), e)),
            ),
            Kind::Object(members) => stack.extend(
                members
                    .iter()
                    .rev()
                    .map(|m| (key_path(&at, &m.name()), &m.value)),
            ),
            Kind::Scalar(_) => {}
        }
    }
    found
}

/// `--query` on a JSON original: ranks its items as the line query ranks lines and
/// prints the best whole, in document order, as `PATH: item` (`LN: item` on JSON
/// Lines), under a header that says how many matched; capped at the line query's
/// token cap, except that the best item is always shown (cut at the cap if it must
/// be, with the command that prints it whole).
///
/// `None` when the document has no array of two or more items: the caller then ranks
/// lines.
pub fn print_item_query(
    original: &Original,
    text: &str,
    hash: &str,
    out: &mut dyn Write,
) -> io::Result<Option<Found>> {
    let items: Vec<Item> = match original {
        Original::Document(root) => items(root),
        Original::Lines(lines) => lines
            .iter()
            .map(|(n, node)| Item {
                label: format!("L{n}"),
                line: Some(*n),
                node,
            })
            .collect(),
    };
    if items.is_empty() {
        return Ok(None);
    }

    // One pass over the items' text gathers document statistics and each item's term
    // frequencies (flat, one slot per query term) and anchor hits; scores follow.
    let query = Query::parse(text);
    let mut bm25 = Bm25::new(&query);
    let terms = query.terms().len();
    let mut freqs: Vec<u32> = Vec::with_capacity(items.len() * terms);
    let mut stats: Vec<(u32, usize)> = Vec::with_capacity(items.len());
    let mut tf = Vec::new();
    let mut buf = String::new();
    for item in &items {
        buf.clear();
        item.node.write_minified(&mut buf);
        let len = query.term_freqs(buf.as_bytes(), &mut tf);
        bm25.add(&tf, len);
        freqs.extend_from_slice(&tf);
        stats.push((len, query.anchor_hits(buf.as_bytes())));
    }
    let mut best: Vec<(f64, u64)> = stats
        .iter()
        .enumerate()
        .map(|(i, &(len, hits))| {
            let tf = &freqs[i * terms..(i + 1) * terms];
            (relevance(&bm25, tf, len, hits), i as u64)
        })
        .filter(|&(score, _)| score > 0.0)
        .collect();
    if best.is_empty() {
        return no_match(out, hash, text, items.len() as u64, ("item", "items")).map(Some);
    }
    best.sort_by(by_score);

    // Best first within the cap; an item too big for what is left is passed over.
    let mut shown: Vec<(usize, String, Option<String>)> = Vec::new();
    let mut used = 0u64;
    for &(_, i) in &best {
        if shown.len() >= QUERY_MAX_LINES || used >= QUERY_TOKEN_CAP {
            break;
        }
        let item = &items[i as usize];
        let left = QUERY_TOKEN_CAP - used;
        let label_cost = tokens::estimate(item.label.as_bytes()) + 3;
        // Every byte costs at least 8/60 of a token: skip the hopeless unrendered.
        if !shown.is_empty() && item.node.len as u64 * 8 / 60 > left {
            continue;
        }
        buf.clear();
        item.node.write_minified(&mut buf);
        let cost = tokens::estimate(buf.as_bytes()) + label_cost;
        if cost <= left {
            used += cost;
            shown.push((i as usize, buf.clone(), None));
        } else if shown.is_empty() {
            // The best item is always shown, cut to the cap.
            let room = QUERY_TOKEN_CAP.saturating_sub(label_cost + CUT_NOTE_COST);
            let kept = prefix_within(buf.as_bytes(), room);
            let note = cut_note(hash, item, buf.len() - kept);
            buf.truncate(kept);
            used = QUERY_TOKEN_CAP;
            shown.push((i as usize, buf.clone(), Some(note)));
        }
    }
    shown.sort_by_key(|s| s.0);
    writeln!(
        out,
        "[{TAG}{hash} --query: {} matched, showing {} best]",
        count_of(best.len() as u64, "item", "items"),
        thousands(shown.len() as u64),
    )?;
    for (i, text, note) in shown {
        write!(out, "{}: {text}", items[i].label)?;
        if let Some(note) = note {
            write!(out, " {note}")?;
        }
        writeln!(out)?;
    }
    Ok(Some(Found::Something))
}

/// Tokens set aside for the note after a cut item.
const CUT_NOTE_COST: u64 = 40;

/// The note after an item cut at the cap: how much is left out, and the command that
/// prints the item whole.
fn cut_note(hash: &str, item: &Item, omitted: usize) -> String {
    match item.line {
        Some(n) => crate::marker::cut_line(hash, n, omitted as u64),
        None => crate::marker::cut_value(hash, &item.label, omitted as u64),
    }
}

/// The length of the longest prefix of `text` that ends on a character boundary and
/// is estimated at no more than `cap` tokens (the estimate grows with the prefix).
fn prefix_within(text: &[u8], cap: u64) -> usize {
    let fits = |end: usize| tokens::estimate(cut_at_char(text, end)) <= cap;
    let (mut lo, mut hi) = (0, text.len());
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    cut_at_char(text, lo).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "3f9a2c81d4e7";

    /// What `--path`/`--items` print for `text`, or the failure's message.
    fn select(text: &str, path: Option<&str>, items: Option<&str>) -> Result<String, String> {
        let original = Original::parse(text)?;
        let path = path.map(|p| crate::json::path::parse(p).unwrap());
        let items = items.map(|i| parse_items(i).unwrap());
        let (mut out, mut notes) = (Vec::new(), Vec::new());
        print_selection(
            &original,
            path.as_ref(),
            items.as_ref(),
            &mut out,
            &mut notes,
        )
        .map_err(|e| e.to_string())?;
        Ok(String::from_utf8(out).unwrap() + &String::from_utf8(notes).unwrap())
    }

    fn query(text: &str, q: &str) -> Option<String> {
        let original = Original::parse(text).unwrap();
        let mut out = Vec::new();
        print_item_query(&original, q, HASH, &mut out)
            .unwrap()
            .map(|_| String::from_utf8(out).unwrap())
    }

    #[test]
    fn items_parse_and_clamp() {
        assert_eq!(parse_items("16:412"), Ok(Items::Range(Some(16), Some(412))));
        assert_eq!(parse_items(" 5 : "), Ok(Items::Range(Some(5), None)));
        assert_eq!(parse_items(":-2"), Ok(Items::Range(None, Some(-2))));
        assert_eq!(parse_items("7"), Ok(Items::One(7)));
        for bad in ["", "x", "1:2:3", "a:b", "1.5"] {
            assert!(parse_items(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Items::Range(Some(16), Some(412)).range(30), 16..30);
        assert_eq!(Items::Range(Some(-3), None).range(30), 27..30);
        assert_eq!(Items::One(-1).range(30), 29..30);
        assert_eq!(Items::One(30).range(30), 30..30);
        assert_eq!(Items::One(-31).range(30), 30..30);
        assert_eq!(Items::Range(Some(5), Some(2)).to_string(), "5:2");
        assert_eq!(Items::Range(None, Some(2)).to_string(), ":2");
    }

    #[test]
    fn documents_json_lines_and_text_are_told_apart() {
        assert!(matches!(
            Original::parse("HTTP/1.1 200 OK\n\n{\"a\":1}"),
            Ok(Original::Document(_))
        ));
        match Original::parse("{\"a\":1}\n\n{\"a\":2}\r\n[3]\n") {
            Ok(Original::Lines(lines)) => {
                let numbers: Vec<u64> = lines.iter().map(|l| l.0).collect();
                assert_eq!(numbers, [1, 3, 4]);
            }
            other => panic!("{other:?}"),
        }
        let text = Original::parse("hello\nworld\n").unwrap_err();
        assert!(text.starts_with("not JSON ("), "{text}");
        let broken = Original::parse("{\"a\":1}\n{\"a\":\n").unwrap_err();
        assert!(broken.contains("nor JSON Lines (line 2: "), "{broken}");
    }

    #[test]
    fn only_a_plausible_head_is_read_whole() {
        let json = format!("[{}1]", "1,".repeat(HEAD));
        assert_eq!(plausible(&json.as_bytes()[..HEAD], false), Ok(()));
        let lines = "{\"a\":\"x\"}\n".repeat(HEAD / 4);
        assert_eq!(plausible(&lines.as_bytes()[..HEAD], false), Ok(()));
        let long_line = format!("{{\"a\":\"{}\"}}\n", "x".repeat(2 * HEAD));
        assert_eq!(plausible(&long_line.as_bytes()[..HEAD], false), Ok(()));
        let log = "[2024-01-01 12:00:00] INFO ok\n".repeat(HEAD / 8);
        assert!(plausible(&log.as_bytes()[..HEAD], false).is_err());
        assert!(plausible(b"\xff\xfe[1]", true).is_err());
        // A head cut inside a character is fine.
        let euros = format!("[\"{}\"]", "€".repeat(HEAD));
        assert_eq!(plausible(&euros.as_bytes()[..HEAD + 1], false), Ok(()));

        let mut open =
            || -> io::Result<Box<dyn Read>> { Ok(Box::new(io::Cursor::new(log.clone()))) };
        assert!(load(&mut open).unwrap().is_err());
        let mut open =
            || -> io::Result<Box<dyn Read>> { Ok(Box::new(io::Cursor::new(json.clone()))) };
        assert_eq!(load(&mut open).unwrap().unwrap(), json);
    }

    #[test]
    fn paths_and_items_on_a_document() {
        let doc = r#"{"runs":[{"id":1,"c":"ok"},{"id":2},{"id":3,"c":2e3}],"time":{"a":1,"b":[1.50],"c":null}}"#;
        assert_eq!(select(doc, Some(".runs[2].c"), None).unwrap(), "2e3\n");
        assert_eq!(
            select(doc, None, Some("1:2")).unwrap(),
            "{\"time\":{\"a\":1,\"b\":[1.50],\"c\":null}}\n"
        );
        assert_eq!(
            select(doc, Some(".time"), Some("1:")).unwrap(),
            "{\"b\":[1.50]}\n{\"c\":null}\n"
        );
        assert_eq!(
            select(doc, Some(".runs"), Some("-1")).unwrap(),
            "{\"id\":3,\"c\":2e3}\n"
        );
        assert_eq!(
            select(doc, Some(".runs[].c"), None).unwrap(),
            "\"ok\"\n2e3\nheadroom-cat: note: skipped 1 value where the path does not exist \
             (first: .runs[1].c: no such key; .runs[1] has 1 key: \"id\")\n"
        );
        assert_eq!(
            select(doc, Some(".runs"), Some("5:9")).unwrap_err(),
            "--items 5:9 of --path selects nothing: .runs is an array of 3"
        );
        assert_eq!(
            select(doc, Some(".runs[9]"), None).unwrap_err(),
            ".runs[9]: index 9 out of range (array of 3)"
        );
        assert_eq!(
            select(doc, Some(".runs[0].id"), Some("0:1")).unwrap_err(),
            ".runs[0].id: --items needs an array or an object, and .runs[0].id is a number"
        );
    }

    #[test]
    fn items_of_json_lines_are_lines() {
        let text = "{\"n\":0,\"u\":{\"id\":\"a\"}}\n{\"n\":1}\n\n{\"n\":2,\"u\":{\"id\":\"c\"}}\n";
        assert_eq!(
            select(text, None, Some("1:")).unwrap(),
            "{\"n\":1}\n{\"n\":2,\"u\":{\"id\":\"c\"}}\n"
        );
        assert_eq!(
            select(text, Some(".u.id"), None).unwrap(),
            "\"a\"\n\"c\"\nheadroom-cat: note: skipped 1 value where the path does not exist \
             (first: line 2: .u: no such key; . has 1 key: \"n\")\n"
        );
        assert_eq!(select(text, Some(".n"), Some("2:3")).unwrap(), "2\n");
        assert_eq!(
            select(text, Some(".u"), Some("1:2")).unwrap_err(),
            "line 2: .u: no such key; . has 1 key: \"n\""
        );
        assert_eq!(
            select(text, None, Some("7:")).unwrap_err(),
            "--items 7: selects nothing: the original is JSON Lines with 3 items"
        );
    }

    #[test]
    fn query_items_are_the_outermost_arrays_elements() {
        let doc = r#"{"meta":{"tags":["x"]},"a":[{"k":[1,2]},{"k":"disk full"}],"b":{"c":[["disk"],[]]}}"#;
        let root = crate::json::parse(doc).unwrap();
        let labels: Vec<String> = items(&root).into_iter().map(|i| i.label).collect();
        assert_eq!(labels, [".a[0]", ".a[1]", ".b.c[0]", ".b.c[1]"]);
        let got = query(doc, "disk full").unwrap();
        assert_eq!(
            got,
            "[headroom-cat 3f9a2c81d4e7 --query: 2 items matched, showing 2 best]\n\
             .a[1]: {\"k\":\"disk full\"}\n.b.c[0]: [\"disk\"]\n"
        );
        assert_eq!(query(r#"{"a":[1],"b":{"c":2}}"#, "disk"), None);
        let none = query(doc, "zebra").unwrap();
        assert_eq!(
            none,
            "[headroom-cat 3f9a2c81d4e7 --query: no item matches \"zebra\" in 4 items; try --grep RE or -L A:B]\n"
        );
    }

    #[test]
    fn query_answers_stay_under_the_cap_but_the_best_is_always_shown() {
        let items: Vec<String> = (0..400)
            .map(|i| {
                format!(
                    r#"{{"id":{i},"msg":"request served","detail":"{}"}}"#,
                    "word ".repeat(40)
                )
            })
            .collect();
        let doc = format!("[{}]", items.join(","));
        let got = query(&doc, "request").unwrap();
        assert!(got.starts_with("[headroom-cat 3f9a2c81d4e7 --query: 400 items matched, showing "));
        assert!(
            tokens::estimate(got.as_bytes()) <= QUERY_TOKEN_CAP + 30,
            "{got}"
        );
        assert!(got.lines().count() > 2);

        let huge = format!(
            r#"[{{"patch":"{}"}},{{"other":"small"}}]"#,
            "ab ".repeat(20_000)
        );
        let got = query(&huge, "patch").unwrap();
        let line = got.lines().nth(1).unwrap();
        assert!(line.starts_with("[0]: {\"patch\":\"ab ab"), "{line}");
        assert!(
            line.ends_with("bytes cut · headroom-cat 3f9a2c81d4e7 --path '[0]']"),
            "{line}"
        );
        assert!(
            tokens::estimate(line.as_bytes()) <= QUERY_TOKEN_CAP,
            "{}",
            line.len()
        );

        let lines = format!("{{\"x\":\"{}\"}}\n{{\"x\":1}}\n", "word ".repeat(5000));
        let got = query(&lines, "word").unwrap();
        assert!(got.contains("[… "), "{got}");
        assert!(
            got.trim_end()
                .ends_with("cut · headroom-cat 3f9a2c81d4e7 -L 1:1]"),
            "{got}"
        );
    }

    #[test]
    fn prefixes_fit_the_cap_and_end_between_characters() {
        let text = "é".repeat(1000);
        let n = prefix_within(text.as_bytes(), 50);
        assert!(text.is_char_boundary(n));
        assert!(tokens::estimate(&text.as_bytes()[..n]) <= 50);
        assert!(tokens::estimate(&text.as_bytes()[..n + 2]) > 50);
        assert_eq!(prefix_within(b"short", 50), 5);
        assert_eq!(prefix_within(b"", 0), 0);
    }
}
