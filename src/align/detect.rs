//! Dynamic spans in a prompt: text that differs from one request to the next (dates,
//! ids, tokens, digests) and so breaks the byte-stable prefix that provider prompt
//! caches match on.
//!
//! Each kind is a pattern plus, where a pattern alone would also match ordinary text,
//! a check on the matched text. Thresholds, and why:
//! - dates are full calendar dates (year, month and day, validated ranges); a month and
//!   year alone ("cutoff: January 2025") is usually static and is not flagged;
//! - hex digests are runs of 32 or more hex digits with letters and digits both, so
//!   commit abbreviations (7 to 12 digits), numbers and words like `deadbeef` are not;
//! - prefixed ids (`req_…`, `sess-…`, `toolu_…`) need 8 or more characters after the
//!   prefix with at least 2 digits, so snake_case words (`session_storage`) are not;
//! - a high-entropy token is 20 or more characters of `[A-Za-z0-9+/_-]` with at least
//!   2 digits, upper- and lower-case letters, at most 40% of it in word-like pieces
//!   (`Network`, `path`: identifiers and paths are made of words), and a Shannon
//!   entropy of at least 0.8 × log2(length) bits per character (capped at 64). On random
//!   base62 tokens this finds 78% at 20 characters and 95% at 40; on the team corpus
//!   (logs, sources, docs, transcripts) what it flags are ids (`call_…`, GitHub node
//!   ids), not prose or paths.
//!
//! Where spans overlap, the more specific kind wins (see [`Kind`]'s order).

use std::ops::Range;
use std::sync::OnceLock;

use regex::bytes::Regex;

use crate::pattern::regex;

/// What a dynamic span is, most specific first: an overlap goes to the earlier kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    ApiKey,
    Jwt,
    RequestId,
    Uuid,
    Timestamp,
    Date,
    HexDigest,
    HighEntropy,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::ApiKey,
        Kind::Jwt,
        Kind::RequestId,
        Kind::Uuid,
        Kind::Timestamp,
        Kind::Date,
        Kind::HexDigest,
        Kind::HighEntropy,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::ApiKey => "api-key",
            Kind::Jwt => "jwt",
            Kind::RequestId => "request-id",
            Kind::Uuid => "uuid",
            Kind::Timestamp => "timestamp",
            Kind::Date => "date",
            Kind::HexDigest => "hex-digest",
            Kind::HighEntropy => "high-entropy",
        }
    }

    /// Kinds that may be credentials: reports never print them in full.
    pub fn secret(self) -> bool {
        matches!(self, Kind::ApiKey | Kind::Jwt | Kind::HighEntropy)
    }
}

/// One dynamic span: its kind and byte range in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub kind: Kind,
    pub range: Range<usize>,
}

/// A pattern for one kind; `group` is the capture holding the dynamic part (0: the
/// whole match), `accept` rejects matches that are ordinary text.
struct Detector {
    kind: Kind,
    regex: Regex,
    group: usize,
    accept: fn(&str) -> bool,
}

const MONTHS: &str = "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";
const YMD: &str = r"(?:19|20)\d\d[-/](?:0[1-9]|1[0-2])[-/](?:0[1-9]|[12]\d|3[01])";

fn detectors() -> &'static [Detector] {
    static ALL: OnceLock<Vec<Detector>> = OnceLock::new();
    ALL.get_or_init(|| {
        let any = |_: &str| true;
        let d = |kind, pattern: &str, group, accept| Detector {
            kind,
            regex: regex(pattern),
            group,
            accept,
        };
        let weekday = r"(?:(?:Mon|Tue(?:s)?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,? )?";
        vec![
            d(
                Kind::ApiKey,
                r"\b(?:sk-(?:proj-|ant-(?:api\d\d-)?|svcacct-|admin-)?[A-Za-z0-9_-]{20,}|[spr]k_(?:live|test)_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|hf_[A-Za-z0-9]{30,}|npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,})",
                0,
                any,
            ),
            // A credential named as such: `Bearer …`, `api_key: …`, `token=…`.
            d(
                Kind::ApiKey,
                r#"(?i)(?:\bbearer\s+|\b(?:api[_-]?key|access[_-]?token|auth[_-]?token|secret|password|passwd|token)["']?\s*[:=]\s*["']?)([A-Za-z0-9._~+/-]{12,}=*)"#,
                1,
                has_digits::<1>,
            ),
            d(
                Kind::Jwt,
                r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}",
                0,
                any,
            ),
            d(
                Kind::RequestId,
                r"\b(?:req|request|sess|session|trace|span|msg|run|thread|call|conv|chatcmpl|resp|toolu|task|job|evt|txn|corr|batch|asst|file)[_-][A-Za-z0-9]{8,}\b",
                0,
                id_suffix,
            ),
            // An id named as such: `request-id: …`, `X-Trace-Id=…`, `session id "…"`.
            d(
                Kind::RequestId,
                r#"(?i)\b(?:x-)?(?:request|req|session|sess|trace|span|correlation|conversation|conv|thread|run|message|msg|client|device|user|turn)[ _-]?id["']?\s*[:=]?\s*["']?([A-Za-z0-9][A-Za-z0-9._:-]{5,}[A-Za-z0-9])"#,
                1,
                has_digits::<1>,
            ),
            d(
                Kind::Uuid,
                r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b",
                0,
                any,
            ),
            d(
                Kind::Timestamp,
                r"\b(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d|\b)",
                0,
                any,
            ),
            // RFC 2822 / HTTP dates: `Mon, 11 May 2026 08:27:17 GMT`.
            d(
                Kind::Timestamp,
                &format!(r"\b{weekday}\d{{1,2}} {MONTHS} (?:19|20)\d\d \d\d:\d\d(?::\d\d)?(?: (?:GMT|UTC|[+-]\d{{4}}))?"),
                0,
                any,
            ),
            d(Kind::Date, &format!(r"\b{YMD}\b"), 0, same_separators),
            d(
                Kind::Date,
                r"\b(?:0?[1-9]|[12]\d|3[01])[/.](?:0?[1-9]|[12]\d|3[01])[/.](?:19|20)\d\d\b",
                0,
                any,
            ),
            d(
                Kind::Date,
                &format!(r"\b{weekday}{MONTHS}\.? (?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,? (?:19|20)\d\d\b"),
                0,
                any,
            ),
            d(
                Kind::Date,
                &format!(r"\b{weekday}(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)? {MONTHS},? (?:19|20)\d\d\b"),
                0,
                any,
            ),
            d(
                Kind::HexDigest,
                r"\b(?:[0-9a-f]{32,}|[0-9A-F]{32,})\b",
                0,
                digits_and_letters,
            ),
            d(
                Kind::HighEntropy,
                r"[A-Za-z0-9+/_-]{20,}={0,2}",
                0,
                high_entropy,
            ),
        ]
    })
}

/// The dynamic spans of `text`, in order, none overlapping.
pub fn find(text: &str) -> Vec<Span> {
    let mut all = Vec::new();
    for d in detectors() {
        for caps in d.regex.captures_iter(text.as_bytes()) {
            let Some(m) = caps.get(d.group) else { continue };
            // Patterns match ASCII only, so the range falls on character boundaries.
            if (d.accept)(&text[m.range()]) {
                all.push(Span {
                    kind: d.kind,
                    range: m.range(),
                });
            }
        }
    }
    // The most specific kind first, then the earliest and longest.
    all.sort_by_key(|s| (s.kind, s.range.start, usize::MAX - s.range.end));
    let mut kept: Vec<Span> = Vec::new();
    for span in all {
        let overlaps = kept
            .iter()
            .any(|k| k.range.start < span.range.end && span.range.start < k.range.end);
        if !overlaps {
            kept.push(span);
        }
    }
    kept.sort_by_key(|s| s.range.start);
    kept
}

fn has_digits<const N: usize>(s: &str) -> bool {
    s.bytes().filter(u8::is_ascii_digit).count() >= N
}

/// The part after a known prefix is an id, not a word: 2 digits at least.
fn id_suffix(s: &str) -> bool {
    let suffix = s.split_once(['_', '-']).map_or(s, |(_, rest)| rest);
    has_digits::<2>(suffix)
}

/// `2026-05-11` and `2026/05/11`, not `2026-05/11`.
fn same_separators(s: &str) -> bool {
    let seps: Vec<u8> = s.bytes().filter(|b| matches!(b, b'-' | b'/')).collect();
    seps.len() == 2 && seps[0] == seps[1]
}

fn digits_and_letters(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit()) && s.bytes().any(|b| b.is_ascii_alphabetic())
}

/// A token that looks random rather than made of words (thresholds in the module doc).
fn high_entropy(token: &str) -> bool {
    let core = token.trim_end_matches('=');
    let bytes = core.as_bytes();
    if !has_digits::<2>(core)
        || !bytes.iter().any(u8::is_ascii_uppercase)
        || !bytes.iter().any(u8::is_ascii_lowercase)
    {
        return false;
    }
    static WORD: OnceLock<Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| regex(r"[A-Z]?[a-z]{3,}"));
    let in_words: usize = word.find_iter(bytes).map(|m| m.len()).sum();
    if in_words * 10 > bytes.len() * 4 {
        return false;
    }
    let len = bytes.len().min(64) as f64;
    shannon_entropy(bytes) >= 0.8 * len.log2()
}

/// Bits per byte of `bytes`' byte distribution.
fn shannon_entropy(bytes: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The (kind, text) of each span found in `text`.
    fn found(text: &str) -> Vec<(&'static str, &str)> {
        find(text)
            .into_iter()
            .map(|s| (s.kind.name(), &text[s.range]))
            .collect()
    }

    fn none(text: &str) {
        assert_eq!(found(text), vec![], "{text:?}");
    }

    #[test]
    fn timestamps_and_dates() {
        assert_eq!(
            found("Started 2026-05-11T08:27:17.490Z, today's date is 2026-11-22."),
            vec![
                ("timestamp", "2026-05-11T08:27:17.490Z"),
                ("date", "2026-11-22")
            ]
        );
        assert_eq!(
            found("at 2024-01-05 13:45+02:00 and <current_date>2026-05-11</current_date>"),
            vec![
                ("timestamp", "2024-01-05 13:45+02:00"),
                ("date", "2026-05-11")
            ]
        );
        assert_eq!(
            found("Today is Monday, May 11, 2026; sent Mon, 11 May 2026 08:27:17 GMT; due 11/05/2026."),
            vec![
                ("date", "Monday, May 11, 2026"),
                ("timestamp", "Mon, 11 May 2026 08:27:17 GMT"),
                ("date", "11/05/2026")
            ]
        );
        assert_eq!(
            found("the 3rd March 2025 meeting"),
            vec![("date", "3rd March 2025")]
        );
    }

    #[test]
    fn not_dates() {
        none("Knowledge cutoff: January 2025. Version 2.1.38, release 2024.1, port 2026.");
        none("an invalid day 2026-13-45 and a mixed 2026-05/11; numbers 20260511.");
        none("ratio 12/31 of 2026 items; times like 08:27 alone");
    }

    #[test]
    fn uuids_and_ids() {
        assert_eq!(
            found("session 019e1625-789d-76c0-80ab-3724b5ddb799 and req_011CY1AGC6YPnNVrYZfzB9n6"),
            vec![
                ("uuid", "019e1625-789d-76c0-80ab-3724b5ddb799"),
                ("request-id", "req_011CY1AGC6YPnNVrYZfzB9n6")
            ]
        );
        assert_eq!(
            found("X-Request-Id: 7f3a9c21b4 and trace_id=abc123def4 and chatcmpl-9xYz12AbCdEf"),
            vec![
                ("request-id", "7f3a9c21b4"),
                ("request-id", "abc123def4"),
                ("request-id", "chatcmpl-9xYz12AbCdEf")
            ]
        );
    }

    #[test]
    fn not_ids() {
        none("Use session_storage, request_handler and the task-runner; the run-loop_v2.");
        none("the request id is shown in the header; session id: unknown");
        none("user_instructions and developer_instructions, thread_local_storage_2");
    }

    #[test]
    fn secrets() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(found(&format!("auth {jwt} end")), vec![("jwt", jwt)]);
        for key in [
            "sk-proj-Ab3dEf6hIj9kLmN0pQrStUvWxYz12345",
            "sk-ant-api03-AbCdEf0123456789AbCdEf",
            "ghp_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6",
            "AKIAIOSFODNN7EXAMPLE",
            "xoxb-1234567890-abcdefghij",
        ] {
            assert_eq!(
                found(&format!("key: {key}.")),
                vec![("api-key", key)],
                "{key}"
            );
        }
        assert_eq!(
            found("Authorization: Bearer abc.DEF-123_xyz987"),
            vec![("api-key", "abc.DEF-123_xyz987")]
        );
    }

    #[test]
    fn not_secrets() {
        none("the task-based flow; a disk-backed sk-learn model; Bearer tokens expire");
        none("password: required; token: string; api_key = None");
    }

    #[test]
    fn hex_digests() {
        assert_eq!(
            found("blob 34d097ce473601624722b90fc5d0396011dd3acb, md5 9e107d9d372bb6826bd81d3542a419d6"),
            vec![
                ("hex-digest", "34d097ce473601624722b90fc5d0396011dd3acb"),
                ("hex-digest", "9e107d9d372bb6826bd81d3542a419d6")
            ]
        );
        none("commit a35faff fixed it (8bdb6df, 1d5e147cc15119); deadbeefcafebabe; 12345678901234567890123456789012345");
    }

    #[test]
    fn high_entropy_tokens() {
        assert_eq!(
            found("nonce Zx9Qw2Lm8Rt4Yp7Kv1Bn3Hs6 here"),
            vec![("high-entropy", "Zx9Qw2Lm8Rt4Yp7Kv1Bn3Hs6")]
        );
        none("/Users/Sample_User/repos/codemie-ai/codemie-code and src/transcript/record.rs");
        none("Win32_System_Diagnostics_Debug, withoutTrailingSlash, ListMcpResourcesTool");
        none("internationalization_configuration_2024 and HTTP2ServerPushEnabled01");
    }

    #[test]
    fn overlaps_go_to_the_more_specific_kind() {
        // A UUID inside a labelled id is the id; a date inside a timestamp is the timestamp.
        assert_eq!(
            found("session_id: 019e1625-789d-76c0-80ab-3724b5ddb799"),
            vec![("request-id", "019e1625-789d-76c0-80ab-3724b5ddb799")]
        );
        assert_eq!(
            found("2026-05-11T08:27:17Z"),
            vec![("timestamp", "2026-05-11T08:27:17Z")]
        );
    }

    #[test]
    fn entropy_of_uniform_and_constant_text() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    }
}
