//! Selectors: which part of a stored original `headroom-cat` prints.
//!
//! With no selector the original comes back byte for byte, after its BLAKE3 hash has
//! been checked. `-L A:B` prints lines A to B (1-based, inclusive) byte for byte;
//! `--grep RE` prints matching lines with their numbers, as `grep -n` does; `--query`
//! ranks lines by BM25 over the original's own lines plus exact anchors and prints the
//! best, with a line of context, capped so the answer stays small. Lines the reader
//! was already shown (outside the markers of the original's last view, see [`Shown`])
//! count half, so the cap goes to what the view left out unless a shown line matches
//! far better.
//!
//! On a JSON original (one document, or JSON Lines) `--path` and `--items` select
//! values, and `--query` ranks whole items instead of lines: see [`json`].

pub mod json;

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufReader, Read, Write};

use regex::bytes::Regex;

use crate::lines::cut_at_char;
use crate::marker::{count_of, thousands};
use crate::relevance::{Bm25, Query};
use crate::tokens;

/// A `--query` answer costs at most this many estimated tokens.
const QUERY_TOKEN_CAP: u64 = 1200;
/// Lines shown by `--query` at most.
const QUERY_MAX_LINES: usize = 60;
/// Candidates ranked by `--query` (the best by score are kept while streaming).
const QUERY_CANDIDATES: usize = 400;
/// Weight of one exact anchor hit against BM25 scores.
const ANCHOR_WEIGHT: f64 = 10.0;
/// What a line the reader was already shown counts for against one left out: enough
/// to lose to a comparable new match, not to one far weaker.
const SHOWN_WEIGHT: f64 = 0.5;
/// Lines of context on each side of a `--query` match.
const CONTEXT: u64 = 1;
/// `--query` and `--grep` show at most this many bytes of a line.
const SHOWN_BYTES: usize = 600;

/// What part of an original to print.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    /// 1-based inclusive line range.
    pub lines: Option<(u64, u64)>,
    pub grep: Option<Regex>,
    pub query: Option<String>,
    /// A JSON path (`--path`).
    pub path: Option<crate::json::path::Path>,
    /// JSON items by position (`--items`).
    pub items: Option<json::Items>,
}

impl Selector {
    /// Parses the selectors as typed (`-L`, `--grep`, `--query`, `--path`, `--items`);
    /// an error is a usage error. A blank query is no query.
    pub fn parse(
        lines: Option<&str>,
        grep: Option<&str>,
        query: Option<&str>,
        path: Option<&str>,
        items: Option<&str>,
    ) -> Result<Selector, String> {
        let query = query.filter(|q| !q.trim().is_empty());
        if path.is_some() || items.is_some() {
            let flag = |set: bool, name| set.then_some(name);
            let others: Vec<&str> = [
                flag(lines.is_some(), "-L/--lines"),
                flag(grep.is_some(), "--grep"),
                flag(query.is_some(), "--query"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if !others.is_empty() {
                return Err(format!(
                    "--path and --items select JSON values and cannot be combined with {} \
                     (they work on the original's lines); use --path and --items alone",
                    others.join(" or ")
                ));
            }
        }
        Ok(Selector {
            lines: lines.map(parse_range).transpose()?,
            grep: grep
                .map(Regex::new)
                .transpose()
                .map_err(|e| format!("invalid --grep pattern: {e}"))?,
            query: query.map(str::to_string),
            path: path
                .map(crate::json::path::parse)
                .transpose()
                .map_err(|e| format!("--path: {e}"))?,
            items: items.map(json::parse_items).transpose()?,
        })
    }
}

/// What the reader already has of an original: every line outside the `-L` markers
/// of the view printed for it last.
///
/// `--query` is asked after reading a view, so a matching line the view showed is
/// news to nobody; counting those lines at half their score lets the answer reach
/// the matches the view left out. They are demoted, not dropped: a shown line that
/// matches far better than anything left out (the error the reader asks about
/// again) still leads the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// Elided ranges, sorted and disjoint.
    elided: Vec<(u64, u64)>,
}

impl Shown {
    /// The lines `view` showed of the original `hash` (short form); `None` when the
    /// view marks no line range of it (a JSON view selects items, not lines).
    pub fn from_view(view: &[u8], hash: &str) -> Option<Shown> {
        let mut ranges = crate::marker::elided_line_ranges(view, hash);
        ranges.sort_unstable();
        let mut elided: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
        for (first, last) in ranges {
            match elided.last_mut() {
                Some(prev) if first <= prev.1.saturating_add(1) => prev.1 = prev.1.max(last),
                _ => elided.push((first, last)),
            }
        }
        (!elided.is_empty()).then_some(Shown { elided })
    }

    /// True when line `n` (1-based) was in the view.
    fn contains(&self, n: u64) -> bool {
        let after = self.elided.partition_point(|&(first, _)| first <= n);
        after == 0 || self.elided[after - 1].1 < n
    }
}

/// Why a selection printed nothing; the caller picks the exit status.
#[derive(Debug)]
pub enum Failure {
    /// Reading the original or writing the answer failed.
    Io(io::Error),
    /// The selector does not apply to this original (`--path` on text): a usage error.
    Unusable(String),
    /// The selector selected nothing (a path that does not exist, an empty range).
    Nothing(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Io(e) => e.fmt(f),
            Failure::Unusable(m) | Failure::Nothing(m) => f.write_str(m),
        }
    }
}

/// Opens the original afresh; a selector may read it more than once.
pub type Open<'a> = dyn FnMut() -> io::Result<Box<dyn Read>> + 'a;

/// Prints what `selector` selects from the original `open` reads, whose short hash is
/// `hash`; notes (values a path skipped) go to `notes`.
///
/// `--path`/`--items` select from a JSON original. `--query` without `-L` ranks a
/// JSON original's items, and lines otherwise, those `shown` already in the view
/// last; `--grep` and `-L` work on lines; with no selector the original is copied
/// as it is.
pub fn print(
    selector: &Selector,
    open: &mut Open,
    hash: &str,
    shown: Option<&Shown>,
    out: &mut dyn Write,
    notes: &mut dyn Write,
) -> Result<Found, Failure> {
    if selector.path.is_some() || selector.items.is_some() {
        let (path, items) = (selector.path.as_ref(), selector.items.as_ref());
        return json::with_original(open, |original| {
            json::print_selection(original, path, items, out, notes)
        })?
        .map_err(|why| {
            Failure::Unusable(format!(
                "--path and --items need a JSON original, and {hash} is {why}; \
                 use -L A:B, --grep RE or --query TEXT"
            ))
        })?;
    }
    if let (Some(q), None) = (&selector.query, selector.lines) {
        // Items of a JSON original; lines when it is not JSON or has no items.
        let answer = json::with_original(open, |original| {
            json::print_item_query(original, q, hash, out)
        })?;
        if let Ok(printed) = answer {
            if let Some(found) = printed? {
                return Ok(found);
            }
        }
    }
    let all = (1, u64::MAX);
    Ok(match (&selector.query, &selector.grep, selector.lines) {
        (Some(q), _, range) => print_query(open, q, range.unwrap_or(all), hash, shown, out)?,
        (None, Some(re), range) => print_grep(&mut open()?, re, range.unwrap_or(all), out)?,
        (None, None, Some(range)) => print_range(&mut open()?, range, out)?,
        (None, None, None) => {
            io::copy(&mut open()?, out)?;
            Found::Something
        }
    })
}

/// The relevance of a line or item: BM25 plus weighted exact anchor hits.
fn relevance(bm25: &Bm25, tf: &[u32], len: u32, anchor_hits: usize) -> f64 {
    bm25.score(tf, len) + ANCHOR_WEIGHT * anchor_hits as f64
}

/// Best first, then in document order.
fn by_score(a: &(f64, u64), b: &(f64, u64)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The answer to a query that matched nothing in `searched` lines or items.
fn no_match(
    out: &mut dyn Write,
    hash: &str,
    text: &str,
    searched: u64,
    (one, many): (&str, &str),
) -> io::Result<Found> {
    writeln!(
        out,
        "[{}{hash} --query: no {one} matches {text:?} in {}; try --grep RE or -L A:B]",
        crate::marker::TAG,
        count_of(searched, one, many),
    )?;
    Ok(Found::Nothing)
}

/// Parses `A:B`, `A:` (to the end), `:B` or `A` (one line); lines are 1-based.
pub fn parse_range(s: &str) -> Result<(u64, u64), String> {
    let bad = || {
        format!("invalid line range {s:?}: expected A:B with 1-based line numbers, e.g. 120:188")
    };
    let (a, b) = match s.split_once(':') {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (s.trim(), s.trim()),
    };
    let a = if a.is_empty() {
        1
    } else {
        a.parse().map_err(|_| bad())?
    };
    let b = if b.is_empty() {
        u64::MAX
    } else {
        b.parse().map_err(|_| bad())?
    };
    if a == 0 || b < a {
        return Err(bad());
    }
    Ok((a, b))
}

/// What a selection found; the caller decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Something,
    Nothing,
}

/// Streams the lines of `original` within `range` to `f`, whole (so `--grep` and
/// `--query` see every byte of a long line; memory grows with the longest line), with
/// their 1-based number. Returns the number of lines in the original.
fn each_line(
    original: &mut dyn Read,
    range: (u64, u64),
    f: &mut dyn FnMut(u64, &[u8]),
) -> io::Result<u64> {
    let mut reader = BufReader::with_capacity(256 * 1024, original);
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        if io::BufRead::read_until(&mut reader, b'\n', &mut line)? == 0 {
            return Ok(n);
        }
        n += 1;
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        if n >= range.0 && n <= range.1 {
            f(n, &line);
        }
    }
}

/// Prints lines `a..=b` byte for byte, line endings included.
pub fn print_range(
    original: &mut dyn Read,
    range: (u64, u64),
    out: &mut dyn Write,
) -> io::Result<Found> {
    let mut line = 1u64;
    let mut found = Found::Nothing;
    let mut reader = BufReader::with_capacity(256 * 1024, original);
    loop {
        // Lines outside the range are skipped without holding them.
        if line < range.0 {
            let mut skipped = 0;
            loop {
                let chunk = io::BufRead::fill_buf(&mut reader)?;
                if chunk.is_empty() {
                    return Ok(found);
                }
                match memchr::memchr(b'\n', chunk) {
                    Some(p) => {
                        io::BufRead::consume(&mut reader, p + 1);
                        skipped += 1;
                        break;
                    }
                    None => {
                        let n = chunk.len();
                        io::BufRead::consume(&mut reader, n);
                    }
                }
            }
            line += skipped;
            continue;
        }
        if line > range.1 {
            return Ok(found);
        }
        // Inside the range: copy up to and including the newline, in pieces.
        loop {
            let chunk = io::BufRead::fill_buf(&mut reader)?;
            if chunk.is_empty() {
                return Ok(found);
            }
            found = Found::Something;
            match memchr::memchr(b'\n', chunk) {
                Some(p) => {
                    out.write_all(&chunk[..=p])?;
                    io::BufRead::consume(&mut reader, p + 1);
                    break;
                }
                None => {
                    let n = chunk.len();
                    out.write_all(chunk)?;
                    io::BufRead::consume(&mut reader, n);
                }
            }
        }
        line += 1;
    }
}

fn write_numbered(out: &mut dyn Write, n: u64, sep: u8, line: &[u8], cut: bool) -> io::Result<()> {
    let shown = cut_at_char(line, SHOWN_BYTES);
    write!(out, "{n}{}", sep as char)?;
    out.write_all(shown)?;
    if cut || shown.len() < line.len() {
        out.write_all(" […]".as_bytes())?;
    }
    out.write_all(b"\n")
}

/// Prints the lines matching `re` within `range`, numbered.
pub fn print_grep(
    original: &mut dyn Read,
    re: &Regex,
    range: (u64, u64),
    out: &mut dyn Write,
) -> io::Result<Found> {
    let mut found = Found::Nothing;
    let mut err = Ok(());
    each_line(original, range, &mut |n, line| {
        if err.is_ok() && re.is_match(line) {
            found = Found::Something;
            err = write_numbered(out, n, b':', line, false);
        }
    })?;
    err.map(|_| found)
}

/// Prints the lines most relevant to `query` within `range`: BM25 over the original's
/// own lines plus exact anchor hits, best first until the cap (lines a view showed
/// at half their score, when `shown` says which), then in line order with a
/// line of context, under a header that says how many matched.
///
/// `open` is called three times: the first pass counts document frequencies, the
/// second scores, the third fetches the chosen lines, so memory stays bounded by the
/// number of candidates.
pub fn print_query(
    open: &mut Open,
    text: &str,
    range: (u64, u64),
    hash: &str,
    shown: Option<&Shown>,
    out: &mut dyn Write,
) -> io::Result<Found> {
    let query = Query::parse(text);
    let mut bm25 = Bm25::new(&query);
    let mut tf = Vec::new();
    each_line(&mut open()?, range, &mut |_, line| {
        let len = query.term_freqs(line, &mut tf);
        bm25.add(&tf, len);
    })?;

    // Pass two: score, keeping the best candidates.
    let (mut matched, mut in_view) = (0u64, 0u64);
    let mut best: Vec<(f64, u64)> = Vec::new();
    let total = each_line(&mut open()?, range, &mut |n, line| {
        let len = query.term_freqs(line, &mut tf);
        let mut score = relevance(&bm25, &tf, len, query.anchor_hits(line));
        if score > 0.0 {
            matched += 1;
            if shown.is_some_and(|s| s.contains(n)) {
                in_view += 1;
                score *= SHOWN_WEIGHT;
            }
            best.push((score, n));
            if best.len() >= 2 * QUERY_CANDIDATES {
                best.sort_by(by_score);
                best.truncate(QUERY_CANDIDATES);
            }
        }
    })?;
    best.sort_by(by_score);
    if matched == 0 {
        let searched = total.min(range.1).saturating_sub(range.0 - 1);
        return no_match(out, hash, text, searched, ("line", "lines"));
    }

    // Pass three: fetch the candidates' text with context, then pick within the cap.
    let wanted: BTreeMap<u64, ()> = best
        .iter()
        .flat_map(|&(_, n)| n.saturating_sub(CONTEXT).max(1)..=n + CONTEXT)
        .map(|n| (n, ()))
        .collect();
    let mut text_of: BTreeMap<u64, (Vec<u8>, bool)> = BTreeMap::new();
    each_line(&mut open()?, range, &mut |n, line| {
        if wanted.contains_key(&n) {
            text_of.insert(
                n,
                (
                    cut_at_char(line, SHOWN_BYTES).to_vec(),
                    line.len() > SHOWN_BYTES,
                ),
            );
        }
    })?;
    let mut printed: BTreeMap<u64, bool> = BTreeMap::new();
    let mut used = 0u64;
    let mut hits = 0usize;
    for &(_, n) in &best {
        if hits >= QUERY_MAX_LINES {
            break;
        }
        let span: Vec<u64> = (n.saturating_sub(CONTEXT).max(1)..=n + CONTEXT)
            .filter(|m| text_of.contains_key(m) && !printed.contains_key(m))
            .collect();
        let cost: u64 = span
            .iter()
            .map(|m| tokens::estimate(&text_of[m].0) + 3)
            .sum();
        if used + cost > QUERY_TOKEN_CAP && hits > 0 {
            continue;
        }
        used += cost;
        hits += 1;
        for m in span {
            printed.insert(m, m == n);
        }
        printed.insert(n, true);
    }
    let in_the_view = if in_view > 0 {
        format!(
            " ({} already in the view, ranked lower)",
            thousands(in_view)
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "[{}{hash} --query: {} matched{in_the_view}, showing {} best with context]",
        crate::marker::TAG,
        count_of(matched, "line", "lines"),
        thousands(hits as u64),
    )?;
    let mut prev = None;
    for (&n, &is_hit) in &printed {
        if prev.is_some_and(|p: u64| n > p + 1) {
            out.write_all(b"--\n")?;
        }
        let (line, cut) = &text_of[&n];
        write_numbered(out, n, if is_hit { b':' } else { b'-' }, line, *cut)?;
        prev = Some(n);
    }
    Ok(Found::Something)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(original: &str, q: &str) -> String {
        query_after_view(original, q, None)
    }

    fn query_after_view(original: &str, q: &str, shown: Option<&Shown>) -> String {
        let bytes = original.as_bytes().to_vec();
        let mut open =
            || -> io::Result<Box<dyn Read>> { Ok(Box::new(io::Cursor::new(bytes.clone()))) };
        let mut out = Vec::new();
        print_query(&mut open, q, (1, u64::MAX), "3f9a2c81d4e7", shown, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn lines_the_view_showed_count_half() {
        // Lines 1-100 match all four words and were shown; line 250, matching three,
        // was not: it loses to them at full score and wins at half.
        let text: String = (1..=300)
            .map(|i| match i {
                1..=100 => format!("disk quota warning level {i}\n"),
                250 => "quota warning level raised\n".to_string(),
                _ => format!("routine line {i}\n"),
            })
            .collect();
        let q = "disk quota warning level";
        let view = crate::marker::elided_lines("3f9a2c81d4e7", 101, 300, &[]);
        let shown = Shown::from_view(view.as_bytes(), "3f9a2c81d4e7").unwrap();
        let before = query(&text, q);
        assert!(
            !before.contains("250:quota warning level raised"),
            "{before}"
        );
        let after = query_after_view(&text, q, Some(&shown));
        assert!(after.contains("250:quota warning level raised"), "{after}");
        assert!(
            after.starts_with(
                "[headroom-cat 3f9a2c81d4e7 --query: 101 lines matched \
                 (100 already in the view, ranked lower), showing "
            ),
            "{after}"
        );
        // Demoted, not dropped: the shown lines fill the rest of the answer.
        assert!(after.contains("1:disk quota warning level 1"), "{after}");
    }

    #[test]
    fn shown_lines_are_those_outside_the_views_ranges() {
        let view = "[… 3 lines · headroom-cat 3f9a2c81d4e7 -L 4:6]\n\
                    [… 1 line · headroom-cat 3f9a2c81d4e7 -L 7:7]\n\
                    [… of L20 cut · headroom-cat 3f9a2c81d4e7 -L 20:20]";
        let shown = Shown::from_view(view.as_bytes(), "3f9a2c81d4e7").unwrap();
        assert_eq!(shown.elided, [(4, 7), (20, 20)]);
        let seen: Vec<u64> = (1..=21).filter(|&n| shown.contains(n)).collect();
        assert_eq!(
            seen,
            [1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21]
        );
        assert_eq!(Shown::from_view(b"no markers here", "3f9a2c81d4e7"), None);
    }

    #[test]
    fn ranges_parse() {
        assert_eq!(parse_range("120:188"), Ok((120, 188)));
        assert_eq!(parse_range("7"), Ok((7, 7)));
        assert_eq!(parse_range("5:"), Ok((5, u64::MAX)));
        assert!(parse_range("0:3").is_err());
        assert!(parse_range("9:3").is_err());
        assert!(parse_range("x").is_err());
    }

    #[test]
    fn range_is_byte_exact() {
        let text = b"one\r\ntwo\nthree\nfour";
        let mut out = Vec::new();
        print_range(&mut &text[..], (2, 4), &mut out).unwrap();
        assert_eq!(out, b"two\nthree\nfour");
        out.clear();
        print_range(&mut &text[..], (1, 1), &mut out).unwrap();
        assert_eq!(out, b"one\r\n");
        out.clear();
        assert_eq!(
            print_range(&mut &text[..], (9, 9), &mut out).unwrap(),
            Found::Nothing
        );
    }

    #[test]
    fn query_finds_the_rare_line_with_context() {
        let mut text: String = (0..5000)
            .map(|i| format!("INFO request {i} served in 3ms\n"))
            .collect();
        text.push_str("ERROR database connection refused by 10.0.0.7\n");
        text.push_str("INFO after\n");
        let got = query(&text, "why was the database connection refused?");
        assert!(
            got.contains("5001:ERROR database connection refused"),
            "{got}"
        );
        assert!(got.contains("5002-INFO after"), "{got}");
        assert!(
            got.starts_with("[headroom-cat 3f9a2c81d4e7 --query: "),
            "{got}"
        );
        assert!(got.len() < 2000, "{}", got.len());
    }

    #[test]
    fn query_says_when_nothing_matches() {
        let got = query("alpha\nbeta\n", "gamma");
        assert!(got.contains("no line matches"), "{got}");
    }

    #[test]
    fn anchors_match_exactly() {
        let text: String = (0..100).map(|i| format!("blk_{i} stored\n")).collect();
        let got = query(&text, "what about blk_42?");
        assert!(got.contains("43:blk_42 stored"), "{got}");
    }
}
