//! Content detection: which compressor reads an input, and why.
//!
//! Routing uses, in order: a forced `--type`; the producing command (`--cmd`, `headroom
//! run`); cheap structural sniffing of the input's first block. Every decision carries
//! its evidence so `headroom detect` can explain it.

mod binary;
mod command;
mod sniff;

pub use binary::sniff_kind as binary_kind;
pub use command::route as route_command;
pub use sniff::sniff_lines;

/// The content types this build knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum ContentType {
    /// JSON documents.
    Json,
    /// JSON Lines: one JSON value per line.
    Ndjson,
    /// Application and system logs.
    Log,
    /// Test runners' output (cargo test, pytest, go test, jest, vitest, ...).
    Test,
    /// Compilers, build tools and package installers.
    Build,
    /// Linters and type checkers.
    Lint,
    /// Unified and git diffs, `git show`, `git log -p`.
    Diff,
    /// `git log` without patches, `git status`, `git blame`.
    Git,
    /// grep, rg (also `--json`), git grep, ag.
    Search,
    /// ls, find, tree, du.
    Listing,
    /// Agent session logs (Claude Code, Codex), shown as their conversation.
    Transcript,
    /// A coding agent's terminal session copied as text (Claude Code's `⏺`/`⎿`).
    Console,
    /// Several commands' output in a row, each after its shell prompt.
    Mixed,
    /// Source code (Rust, Python, JavaScript, TypeScript, Go, Java, C, C++).
    Code,
    /// HTML pages.
    Html,
    /// Prose and anything unrecognised.
    Text,
    /// Bytes that are not text.
    Binary,
}

impl ContentType {
    pub fn name(self) -> &'static str {
        match self {
            ContentType::Json => "json",
            ContentType::Ndjson => "ndjson",
            ContentType::Log => "log",
            ContentType::Test => "test",
            ContentType::Build => "build",
            ContentType::Lint => "lint",
            ContentType::Diff => "diff",
            ContentType::Git => "git",
            ContentType::Search => "search",
            ContentType::Listing => "listing",
            ContentType::Transcript => "transcript",
            ContentType::Console => "console",
            ContentType::Mixed => "mixed",
            ContentType::Code => "code",
            ContentType::Html => "html",
            ContentType::Text => "text",
            ContentType::Binary => "binary",
        }
    }
}

/// A routing decision and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    pub kind: ContentType,
    pub evidence: String,
}

/// Picks the content type of an input from its first block (`head`), a forced type
/// and the producing command, in that order of authority; binary content is never
/// routed to a text compressor, whatever the hints say.
pub fn detect(head: &[u8], forced: Option<ContentType>, cmd: Option<&str>) -> Detection {
    if let Some(kind) = forced {
        return Detection {
            kind,
            evidence: "forced with --type".into(),
        };
    }
    if let Some(why) = binary::looks_binary(head) {
        return Detection {
            kind: ContentType::Binary,
            evidence: why,
        };
    }
    if let Some(d) = cmd.and_then(command::route) {
        // Output that is JSON reads as JSON whatever the command (`ruff check
        // --output-format json`, `cargo build --message-format=json`), unless the
        // command's own family reads that JSON (`rg --json`).
        return match sniff::json(head) {
            Some(json) if json.kind != d.kind => Detection {
                evidence: format!("{}, though {}", json.evidence, d.evidence),
                ..json
            },
            _ => d,
        };
    }
    sniff::sniff(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forced_type_wins() {
        let d = detect(b"\0\0\0", Some(ContentType::Text), None);
        assert_eq!(d.kind, ContentType::Text);
    }

    #[test]
    fn binary_beats_a_command_hint() {
        let d = detect(b"\x89PNG\r\n\x1a\n\0\0\0", None, Some("docker logs web"));
        assert_eq!(d.kind, ContentType::Binary);
    }

    #[test]
    fn json_and_look_alikes() {
        let json = detect(
            b"{\n  \"total_count\": 593,\n  \"items\": []\n}\n",
            None,
            None,
        );
        assert_eq!(json.kind, ContentType::Json);
        let banner = detect(
            b"HTTP/2 200\ncontent-type: application/json\n\n[{\"id\":1}]\n",
            None,
            None,
        );
        assert_eq!(banner.kind, ContentType::Json);
        let proxifier = b"[10.30 16:49:06] chrome.exe - a.com:443 open through proxy\n".repeat(5);
        assert_eq!(detect(&proxifier, None, None).kind, ContentType::Log);
        let ndjson =
            b"{\"ts\":\"2024-01-01T00:00:00Z\",\"level\":\"info\",\"msg\":\"ok\"}\n".repeat(5);
        assert_eq!(detect(&ndjson, None, None).kind, ContentType::Ndjson);
        let apache = b"[Sun Dec 04 04:47:44 2005] [notice] ok\n".repeat(5);
        assert_eq!(detect(&apache, None, None).kind, ContentType::Log);
    }

    #[test]
    fn json_output_is_json_whatever_the_command() {
        let report = b"[\n  {\n    \"code\": \"S101\",\n    \"filename\": \"a.py\"\n  }\n]\n";
        let d = detect(report, None, Some("ruff check src --output-format json"));
        assert_eq!(d.kind, ContentType::Json, "{}", d.evidence);
        assert!(d.evidence.contains("ruff"), "{}", d.evidence);
        let messages = b"{\"reason\":\"compiler-artifact\"}\n{\"reason\":\"build-finished\"}\n";
        let d = detect(messages, None, Some("cargo build --message-format=json"));
        assert_eq!(d.kind, ContentType::Ndjson, "{}", d.evidence);
    }

    #[test]
    fn command_hint_routes_logs() {
        let d = detect(b"hello\nworld\n", None, Some("kubectl logs api-7d9f"));
        assert_eq!(d.kind, ContentType::Log);
        assert!(d.evidence.contains("kubectl logs"), "{}", d.evidence);
    }
}
