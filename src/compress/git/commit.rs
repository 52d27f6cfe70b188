//! The pieces of git's commit output that both the git and the diff compressors read:
//! `commit <hash>` lines, the header fields under them, `--graph` lanes and `--stat`
//! lines.

use std::sync::OnceLock;

use regex::bytes::Regex;

/// Bytes of `line` that are `--graph` lanes (`* `, `| `, `|\`, `/ `), as a prefix.
/// Lanes come in two-byte columns, a lane character then a space or another lane
/// character; what follows is the commit's own text.
pub fn graph_prefix_len(line: &[u8]) -> usize {
    let lane = |b: u8| matches!(b, b'*' | b'|' | b'/' | b'\\' | b'_' | b'-' | b'.');
    // `-` and `.` only join other lanes (an octopus merge's `|\-.`); a line that
    // starts with them is not a graph.
    if !line
        .first()
        .is_some_and(|&b| matches!(b, b'*' | b'|' | b'/' | b'\\'))
    {
        return 0;
    }
    let mut i = 0;
    while i < line.len() && lane(line[i]) {
        i += 1;
        while i < line.len() && (line[i] == b' ' || lane(line[i])) && i < 200 {
            // Four spaces after a lane are a message's indentation, not lane padding.
            if line[i..].starts_with(b"    ") && !line[i + 4..].first().is_some_and(|&b| lane(b)) {
                return i + 1;
            }
            i += 1;
        }
    }
    i
}

/// A `commit <hash>[ (decorations)]` line (after any lanes): the hash and what
/// follows it.
pub fn commit_line(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = line.strip_prefix(b"commit ")?;
    let n = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if !(7..=64).contains(&n) || !matches!(rest.get(n), None | Some(b' ')) {
        return None;
    }
    Some((&rest[..n], rest[n..].trim_ascii()))
}

/// A header field under a commit line (`Author: A <a@x>`, `Date:   …`, `Merge: a b`):
/// its name and value.
pub fn header_field(line: &[u8]) -> Option<(&[u8], &[u8])> {
    const FIELDS: [&[u8]; 8] = [
        b"Author:",
        b"AuthorDate:",
        b"Commit:",
        b"CommitDate:",
        b"Date:",
        b"Merge:",
        b"Reflog:",
        b"Reflog message:",
    ];
    let field = FIELDS.iter().find(|f| line.starts_with(f))?;
    Some((&field[..field.len() - 1], line[field.len()..].trim_ascii()))
}

/// A name without its `<email>`.
pub fn author_name(value: &[u8]) -> &[u8] {
    match memchr::memchr(b'<', value) {
        Some(at) => value[..at].trim_ascii(),
        None => value.trim_ascii(),
    }
}

/// A commit date as `YYYY-MM-DD` when git printed it in its default
/// (`Mon Feb 2 00:45:19 2026 +0100`) or ISO form; other forms (`3 days ago`) as
/// printed.
pub fn short_date(value: &[u8]) -> String {
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let text = String::from_utf8_lossy(value).into_owned();
    let words: Vec<&str> = text.split_whitespace().collect();
    if let [_, month, day, time, year, ..] = words[..] {
        let month = MONTHS.iter().position(|m| *m == month.as_bytes());
        let day: Option<u32> = day.parse().ok();
        if let (Some(m), Some(d), true, true) = (
            month,
            day,
            time.contains(':'),
            year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()),
        ) {
            return format!("{year}-{:02}-{d:02}", m + 1);
        }
    }
    let iso = text.len() >= 10
        && text.as_bytes()[4] == b'-'
        && text.as_bytes()[7] == b'-'
        && text.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    if iso {
        return text[..10].to_string();
    }
    text.trim().to_string()
}

fn stat_line_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        crate::pattern::regex(r"^ \S.*? +\| +(?:\d+(?: [+-]+)?|Bin(?: \d+ -> \d+ bytes)?)$")
    })
}

fn stat_summary_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        crate::pattern::regex(
            r"^ (\d+) files? changed(?:, (\d+) insertions?\(\+\))?(?:, (\d+) deletions?\(-\))?$",
        )
    })
}

/// ` src/lib.rs | 12 ++++--`: one file of a `--stat` block.
pub fn is_stat_line(line: &[u8]) -> bool {
    line.starts_with(b" ") && memchr::memchr(b'|', line).is_some() && stat_line_re().is_match(line)
}

/// ` 3 files changed, 323 insertions(+), 4 deletions(-)`: (files, insertions,
/// deletions).
pub fn stat_summary(line: &[u8]) -> Option<(u64, u64, u64)> {
    if !line.starts_with(b" ") {
        return None;
    }
    let caps = stat_summary_re().captures(line)?;
    let number = |i: usize| {
        caps.get(i)
            .and_then(|m| std::str::from_utf8(m.as_bytes()).ok()?.parse().ok())
            .unwrap_or(0)
    };
    Some((number(1), number(2), number(3)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_are_stripped_but_message_indentation_is_not() {
        assert_eq!(graph_prefix_len(b"* commit abc"), 2);
        assert_eq!(graph_prefix_len(b"| * commit abc"), 4);
        assert_eq!(graph_prefix_len(b"|\\  "), 4);
        assert_eq!(graph_prefix_len(b"|     subject"), 2);
        assert_eq!(graph_prefix_len(b"| |     subject"), 4);
        assert_eq!(graph_prefix_len(b"commit abc"), 0);
        assert_eq!(graph_prefix_len(b"- 1131566461 2005.11.09 dn228"), 0);
        assert_eq!(graph_prefix_len(b"*   2c8cd3ac (HEAD -> main) x"), 4);
    }

    #[test]
    fn commit_fields() {
        let (hash, rest) = commit_line(b"commit 50ba21e2e5fc (tag: v1)").unwrap();
        assert_eq!((hash, rest), (&b"50ba21e2e5fc"[..], &b"(tag: v1)"[..]));
        assert!(commit_line(b"commit message: fix").is_none());
        assert_eq!(
            header_field(b"Author: Flo B <f@b.com>"),
            Some((&b"Author"[..], &b"Flo B <f@b.com>"[..]))
        );
        assert_eq!(author_name(b"Flo B <f@b.com>"), b"Flo B");
        assert_eq!(short_date(b"Mon Feb 2 00:45:19 2026 +0100"), "2026-02-02");
        assert_eq!(short_date(b"2026-02-02 00:45:19 +0100"), "2026-02-02");
        assert_eq!(short_date(b"3 days ago"), "3 days ago");
    }

    #[test]
    fn stat_lines() {
        assert!(is_stat_line(
            b" src/playwright_cmd.rs | 126 +++++++++++++++++-"
        ));
        assert!(is_stat_line(b" ...en__cargo.snap | 10 +--"));
        assert!(is_stat_line(b" logo.png | Bin 0 -> 1234 bytes"));
        assert!(!is_stat_line(b"  3 |     let x = 5;"));
        assert_eq!(
            stat_summary(b" 3 files changed, 323 insertions(+), 4 deletions(-)"),
            Some((3, 323, 4))
        );
        assert_eq!(
            stat_summary(b" 1 file changed, 1 deletion(-)"),
            Some((1, 0, 1))
        );
    }
}
