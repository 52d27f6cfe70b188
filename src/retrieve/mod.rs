//! Selectors: which part of a stored original `headroom-cat` prints.
//!
//! With no selector the original comes back byte for byte, after its BLAKE3 hash has
//! been checked. `-L A:B` prints lines A to B (1-based, inclusive) byte for byte;
//! `--grep RE` prints matching lines with their numbers, as `grep -n` does; `--query`
//! ranks lines by BM25 over the original's own lines plus exact anchors and prints the
//! best, with a line of context, capped so the answer stays small.

use std::collections::BTreeMap;
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
/// own lines plus exact anchor hits, best first until the cap, then shown in line order
/// with a line of context, under a header that says how many matched.
///
/// `open` is called twice: the first pass counts document frequencies, the second
/// scores, so memory stays bounded by the number of candidates.
pub fn print_query(
    open: &mut dyn FnMut() -> io::Result<Box<dyn Read>>,
    text: &str,
    range: (u64, u64),
    hash: &str,
    out: &mut dyn Write,
) -> io::Result<Found> {
    let query = Query::parse(text);
    let mut bm25 = Bm25::new(&query);
    let mut tf = Vec::new();
    each_line(&mut open()?, range, &mut |_, line| {
        let len = query.term_freqs(line, &mut tf);
        bm25.add(&tf, len);
    })?;

    // Pass two: score, keeping the best candidates and their neighbours' text.
    let mut matched = 0u64;
    let mut best: Vec<(f64, u64)> = Vec::new();
    let total = each_line(&mut open()?, range, &mut |n, line| {
        let len = query.term_freqs(line, &mut tf);
        let score = bm25.score(&tf, len) + ANCHOR_WEIGHT * query.anchor_hits(line) as f64;
        if score > 0.0 {
            matched += 1;
            best.push((score, n));
            if best.len() >= 2 * QUERY_CANDIDATES {
                best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                best.truncate(QUERY_CANDIDATES);
            }
        }
    })?;
    best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    if matched == 0 {
        let searched = total.min(range.1).saturating_sub(range.0 - 1);
        writeln!(
            out,
            "[{}{hash} --query: no line matches {text:?} in {}; try --grep RE or -L A:B]",
            crate::marker::TAG,
            count_of(searched, "line", "lines"),
        )?;
        return Ok(Found::Nothing);
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
    let mut shown: BTreeMap<u64, bool> = BTreeMap::new();
    let mut used = 0u64;
    let mut hits = 0usize;
    for &(_, n) in &best {
        if hits >= QUERY_MAX_LINES {
            break;
        }
        let span: Vec<u64> = (n.saturating_sub(CONTEXT).max(1)..=n + CONTEXT)
            .filter(|m| text_of.contains_key(m) && !shown.contains_key(m))
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
            shown.insert(m, m == n);
        }
        shown.insert(n, true);
    }
    writeln!(
        out,
        "[{}{hash} --query: {} matched, showing {} best with context]",
        crate::marker::TAG,
        count_of(matched, "line", "lines"),
        thousands(hits as u64),
    )?;
    let mut prev = None;
    for (&n, &is_hit) in &shown {
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
        let bytes = original.as_bytes().to_vec();
        let mut open =
            || -> io::Result<Box<dyn Read>> { Ok(Box::new(io::Cursor::new(bytes.clone()))) };
        let mut out = Vec::new();
        print_query(&mut open, q, (1, u64::MAX), "3f9a2c81d4e7", &mut out).unwrap();
        String::from_utf8(out).unwrap()
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
