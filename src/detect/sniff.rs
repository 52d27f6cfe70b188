//! Structural sniffing of an input's first block.

use super::{ContentType, Detection};
use crate::compress::log::{is_continuation, level_of, starts_with_time};
use crate::compress::SIGNATURES;
use crate::lines::sample;

/// Lines of banner allowed before a JSON document.
const JSON_BANNER_LINES: usize = 8;

/// JSON when, after at most a few banner lines, a line opens an object or array
/// whose first token is valid JSON; otherwise a line family, logs or text.
pub fn sniff(head: &[u8]) -> Detection {
    json(head).unwrap_or_else(|| sniff_lines(head))
}

/// JSON or JSON Lines, if the first block is: a JSON document after at most a few
/// banner lines, or lines that are each a whole object (read by a line family whose
/// own format that is, such as `rg --json`, else as JSON Lines).
pub fn json(head: &[u8]) -> Option<Detection> {
    let mut offset = 0;
    for (n, line) in head
        .split_inclusive(|&b| b == b'\n')
        .take(JSON_BANNER_LINES + 1)
        .enumerate()
    {
        let trimmed = trim_ascii_start(line);
        if matches!(trimmed.first(), Some(b'{' | b'[')) {
            if is_json_lines(&head[offset..]) {
                // A family whose own format is JSON Lines (`rg --json`) reads it.
                let sample = sample(head);
                let sample: Vec<&[u8]> = sample.iter().map(|l| &l[..]).collect();
                if let Some(evidence) = crate::compress::conversation::sniff(&sample) {
                    return Some(Detection {
                        kind: ContentType::Transcript,
                        evidence,
                    });
                }
                return Some(family(&sample).unwrap_or_else(|| Detection {
                    kind: ContentType::Ndjson,
                    evidence: "lines that are each a whole JSON object".into(),
                }));
            }
            if opens_json(&head[offset + (line.len() - trimmed.len())..]) {
                return Some(Detection {
                    kind: ContentType::Json,
                    evidence: if n == 0 {
                        "starts with a JSON object or array".into()
                    } else {
                        format!("a JSON object or array after {n} banner lines")
                    },
                });
            }
            break;
        }
        offset += line.len();
    }
    None
}

/// True when the first two non-blank lines are each a whole one-line object.
fn is_json_lines(text: &[u8]) -> bool {
    let mut lines = text
        .split(|&b| b == b'\n')
        .map(|l| l.trim_ascii())
        .filter(|l| !l.is_empty());
    let whole = |l: Option<&[u8]>| l.is_some_and(|l| l.starts_with(b"{") && l.ends_with(b"}"));
    whole(lines.next()) && whole(lines.next())
}

fn trim_ascii_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// True when `text` (starting at `{` or `[`) begins like JSON: `{` then a string
/// key or `}`; `[` then a value that is plausibly JSON and, for a scalar, is followed
/// by `,` or `]` (so a bracketed timestamp such as `[10.30 16:49:06]` is not).
fn opens_json(text: &[u8]) -> bool {
    let rest = trim_ascii_start(&text[1..]);
    match (text[0], rest.first()) {
        (b'{', Some(b'"' | b'}')) => true,
        (b'[', Some(b'{' | b'[' | b'"' | b']')) => true,
        (b'[', Some(c)) if c.is_ascii_digit() || *c == b'-' => {
            let n = rest
                .iter()
                .take_while(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
                .count();
            let after = trim_ascii_start(&rest[n..]);
            match after.first() {
                Some(b',') => true,
                // `[4096]  src` (tree -s) is a bracketed size, not an array.
                Some(b']') => {
                    let line_rest = after[1..].split(|&b| b == b'\n').next().unwrap_or(&[]);
                    line_rest
                        .iter()
                        .all(|b| b.is_ascii_whitespace() || b",]}".contains(b))
                }
                _ => false,
            }
        }
        (b'[', Some(_)) => {
            let word = ["true", "false", "null"]
                .into_iter()
                .find(|w| rest.starts_with(w.as_bytes()));
            word.is_some_and(|w| {
                matches!(
                    trim_ascii_start(&rest[w.len()..]).first(),
                    Some(b',' | b']')
                )
            })
        }
        _ => false,
    }
}

/// A family whose signature the first lines show (test output, a diff, grep
/// results, ...); else logs, line records that mostly start with a timestamp or carry
/// a level; anything else is text.
pub fn sniff_lines(head: &[u8]) -> Detection {
    let sample = sample(head);
    let sample: Vec<&[u8]> = sample.iter().map(|l| &l[..]).collect();
    if let Some(d) = family(&sample) {
        return d;
    }
    let mut lines = 0usize;
    let mut stamped = 0usize;
    let mut levelled = 0usize;
    for line in sample.iter().filter(|l| !is_continuation(l)) {
        lines += 1;
        stamped += usize::from(starts_with_time(line));
        levelled += usize::from(level_of(line).is_some());
    }
    let share = |n: usize| {
        if lines == 0 {
            0.0
        } else {
            n as f64 / lines as f64
        }
    };
    if lines >= 3 && (share(stamped) >= 0.6 || share(levelled) >= 0.6) {
        return Detection {
            kind: ContentType::Log,
            evidence: format!(
                "{stamped} of {lines} sampled lines start with a timestamp or number stamp, {levelled} carry a log level"
            ),
        };
    }
    Detection {
        kind: ContentType::Text,
        evidence: format!(
            "no structure recognised in {lines} sampled lines ({stamped} time-stamped, {levelled} with a level)"
        ),
    }
}

/// The line family (see [`SIGNATURES`]) whose signature the first lines show.
fn family(sample: &[&[u8]]) -> Option<Detection> {
    SIGNATURES.iter().find_map(|(kind, signature)| {
        signature(sample).map(|evidence| Detection {
            kind: *kind,
            evidence,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracketed_sizes_are_not_json() {
        let tree = b"[       4096]  .\n\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80 [  48006]  git.rs\n";
        assert_ne!(sniff(tree).kind, ContentType::Json);
        assert_eq!(sniff(b"[4096]\n").kind, ContentType::Json);
        assert_eq!(sniff(b"[1,\n2]\n").kind, ContentType::Json);
    }

    #[test]
    fn logs_and_prose() {
        let log =
            b"2024-01-01 12:00:00 INFO a\n2024-01-01 12:00:01 INFO b\n2024-01-01 12:00:02 WARN c\n";
        assert_eq!(sniff(log).kind, ContentType::Log);
        let apache = b"[Sun Dec 04 04:47:44 2005] [notice] a\n[Sun Dec 04 04:47:44 2005] [error] b\n[Sun Dec 04 04:47:45 2005] [notice] c\n";
        assert_eq!(sniff(apache).kind, ContentType::Log);
        let prose = b"This is a README.\nIt has sentences.\nAnd more of them.\n";
        assert_eq!(sniff(prose).kind, ContentType::Text);
    }
}
