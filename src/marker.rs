//! The one marker format, shared by every compressor.
//!
//! A marker is one short line that says what was left out, where, and the exact
//! command that brings it back, e.g.
//!
//! ```text
//! [… 4,213 lines L120-4332 elided: 4,190 INFO, 23 WARN · headroom-cat 3f9a2c81d4e7 -L 120:4332]
//! ```
//!
//! Compressors never format markers themselves: they describe elisions as ranges and
//! the pipeline calls the functions here, so the wording stays identical everywhere.

use memchr::memmem;

use crate::json::path::shell_quoted;

/// How many hex digits of the BLAKE3 hash a marker shows.
pub const SHORT_HASH_LEN: usize = 12;

/// The literal every marker contains; also how already-compressed text is recognised.
pub const TAG: &str = "headroom-cat ";

/// `1234567` → `"1,234,567"`: counts in markers are exact and easy to read.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `"line"`/`"lines"` with the count in front.
pub fn count_of(n: u64, singular: &str, plural: &str) -> String {
    format!(
        "{} {}",
        thousands(n),
        if n == 1 { singular } else { plural }
    )
}

/// A run of whole lines left out. `first` and `last` are 1-based and inclusive, as
/// `headroom-cat -L first:last` takes them. `breakdown` lists (count, label) pairs.
pub fn elided_lines(hash: &str, first: u64, last: u64, breakdown: &[(u64, &str)]) -> String {
    let n = last - first + 1;
    let mut s = format!("[… {} L{first}-{last} elided", count_of(n, "line", "lines"));
    push_breakdown(&mut s, breakdown.iter().map(|&(c, label)| (c, label)));
    s.push_str(&format!(" · {TAG}{hash} -L {first}:{last}]"));
    s
}

/// Appends `: 4,190 INFO, 23 WARN` for (count, label) pairs, or nothing.
fn push_breakdown<'l>(s: &mut String, breakdown: impl Iterator<Item = (u64, &'l str)>) {
    let parts: Vec<String> = breakdown
        .map(|(c, label)| format!("{} {label}", thousands(c)))
        .collect();
    if !parts.is_empty() {
        s.push_str(": ");
        s.push_str(&parts.join(", "));
    }
}

/// The tail of one over-long line left out; `line` is 1-based.
pub fn cut_line(hash: &str, line: u64, omitted_bytes: u64) -> String {
    format!(
        "[… {} of L{line} cut · {TAG}{hash} -L {line}:{line}]",
        count_of(omitted_bytes, "byte", "bytes")
    )
}

/// Items (or rows, or keys) `range.0..range.1` of the array or object at `path`
/// left out: 0-based and end-exclusive, as `headroom-cat --items A:B` takes them.
pub fn elided_items(
    hash: &str,
    path: &str,
    range: (usize, usize),
    noun: (&str, &str),
    breakdown: &[(u64, String)],
) -> String {
    let n = (range.1 - range.0) as u64;
    let mut s = format!("[… {} elided", count_of(n, noun.0, noun.1));
    push_breakdown(
        &mut s,
        breakdown.iter().map(|(c, label)| (*c, label.as_str())),
    );
    s.push_str(&format!(" · {TAG}{hash}"));
    if path != "." {
        s.push_str(&format!(" --path {}", shell_quoted(path)));
    }
    s.push_str(&format!(" --items {}:{}]", range.0, range.1));
    s
}

/// The tail of a JSON value's text at `path` left out (a `--query` answer capped).
pub fn cut_value(hash: &str, path: &str, omitted_bytes: u64) -> String {
    format!(
        "[… {} cut · {TAG}{hash} --path {}]",
        count_of(omitted_bytes, "byte", "bytes"),
        shell_quoted(path)
    )
}

/// Table columns left out of every row; `example` is the path of the first one's
/// cells (`.items[].html_url`).
pub fn elided_columns(hash: &str, names: &[String], example: &str) -> String {
    format!(
        "[… {} elided in every row: {} · {TAG}{hash} --path {}]",
        count_of(names.len() as u64, "column", "columns"),
        names.join(","),
        shell_quoted(example)
    )
}

/// A whole JSON value at `path` left out; `what` says what it was (`array of 12`).
pub fn elided_value(hash: &str, path: &str, what: &str) -> String {
    format!(
        "[… {what} elided · {TAG}{hash} --path {}]",
        shell_quoted(path)
    )
}

/// The tail of a long JSON string at `path` left out.
pub fn cut_string(hash: &str, path: &str, omitted_bytes: u64) -> String {
    format!(
        "…[+{} · {TAG}{hash} --path {}]",
        count_of(omitted_bytes, "byte", "bytes"),
        shell_quoted(path)
    )
}

/// The one-line stand-in for binary input.
pub fn binary(hash: &str, kind: &str, size: u64) -> String {
    format!(
        "[binary {kind}, {} · {TAG}{hash} > FILE]",
        count_of(size, "byte", "bytes")
    )
}

/// True when `text` already holds a marker (`headroom-cat ` followed by 8+ hex
/// digits), so it is a view and must not be compressed again.
pub fn contains_marker(text: &[u8]) -> bool {
    let finder = memmem::Finder::new(TAG.as_bytes());
    finder.find_iter(text).any(|at| {
        let rest = &text[at + TAG.len()..];
        rest.iter().take_while(|b| b.is_ascii_hexdigit()).count() >= 8
    })
}

/// The line ranges (1-based, inclusive) that `view`'s markers for the original
/// `hash` (its short form) left out: every `headroom-cat HASH -L A:B`, whether a run
/// of lines or the cut tail of one. Markers of other originals (nested views) are
/// skipped.
pub fn elided_line_ranges(view: &[u8], hash: &str) -> Vec<(u64, u64)> {
    let needle = format!("{TAG}{hash} -L ");
    memmem::find_iter(view, needle.as_bytes())
        .filter_map(|at| {
            let rest = &view[at + needle.len()..];
            let (first, rest) = leading_number(rest)?;
            let (last, _) = leading_number(rest.strip_prefix(b":")?)?;
            (first >= 1 && last >= first).then_some((first, last))
        })
        .collect()
}

/// The decimal number at the start of `bytes` and what follows it.
fn leading_number(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let n = std::str::from_utf8(&bytes[..digits]).ok()?.parse().ok()?;
    Some((n, &bytes[digits..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(4_190_123), "4,190,123");
    }

    #[test]
    fn elided_lines_matches_the_spec_example() {
        let m = elided_lines("3f9a2c81d4e7", 120, 4332, &[(4190, "INFO"), (23, "WARN")]);
        assert_eq!(
            m,
            "[… 4,213 lines L120-4332 elided: 4,190 INFO, 23 WARN · headroom-cat 3f9a2c81d4e7 -L 120:4332]"
        );
        assert!(contains_marker(m.as_bytes()));
    }

    #[test]
    fn single_line_is_singular() {
        let m = elided_lines("3f9a2c81d4e7", 7, 7, &[]);
        assert_eq!(
            m,
            "[… 1 line L7-7 elided · headroom-cat 3f9a2c81d4e7 -L 7:7]"
        );
    }

    #[test]
    fn plain_mentions_of_the_tool_are_not_markers() {
        assert!(!contains_marker(b"run headroom-cat HASH to get it back"));
        assert!(!contains_marker(b"headroom-cat 3f9a2c"));
        assert!(contains_marker(b"x headroom-cat 3f9a2c81 -L 1:2"));
    }

    #[test]
    fn elided_ranges_are_read_back_from_a_view() {
        let view = format!(
            "kept\n{}\nkept\n{}\n[… 2 lines · headroom-cat aaaaaaaaaaaa -L 9:10]\n",
            elided_lines("3f9a2c81d4e7", 2, 4, &[]),
            cut_line("3f9a2c81d4e7", 6, 120),
        );
        assert_eq!(
            elided_line_ranges(view.as_bytes(), "3f9a2c81d4e7"),
            [(2, 4), (6, 6)]
        );
        assert!(elided_line_ranges(b"headroom-cat 3f9a2c81d4e7 -L 5:x", "3f9a2c81d4e7").is_empty());
    }
}
