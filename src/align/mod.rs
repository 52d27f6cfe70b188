//! Cache alignment: dynamic content in system prompts and instructions (dates, ids,
//! tokens, digests) that changes the prompt's bytes from one request to the next, so
//! a provider's prompt cache, which matches on an exact prefix, misses.
//!
//! `headroom align FILE` reports each dynamic span with its place; `--fix` moves the
//! spans to a block at the end of their prompt ([`block`]) so what comes before stays
//! byte-stable. The file's format is read from its content: one JSON document (an
//! OpenAI or Anthropic request, a message array), JSON Lines (Codex or Claude Code
//! transcripts), or else plain text that is a prompt as a whole. In JSON, prompts are
//! found by shape ([`prompts`]) and only their string literals change ([`scan`]);
//! every other byte stays.

pub mod block;
pub mod detect;
pub mod prompts;

use serde::Serialize;
use serde_json::Value;

use crate::json::path::{index_path, key_path};
use crate::transcript::scan::{self, Seg};
use detect::Kind;

/// How a file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Text,
    Json,
    JsonLines,
}

/// One dynamic span, located in its file.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub kind: Kind,
    /// Line of the file where the prompt's string literal starts (1 for a text file).
    pub file_line: usize,
    /// The prompt's JSON path; none for a text file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line and column (in characters) inside the prompt's text.
    pub line: usize,
    pub column: usize,
    /// Byte offset inside the prompt's text.
    pub offset: usize,
    pub length: usize,
    /// The span, or for a possible credential its first 4 characters and length.
    pub excerpt: String,
}

/// What aligning one file found (and, with a fix, moved).
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub format: Format,
    pub prompts: usize,
    pub findings: Vec<Finding>,
}

/// The report for `bytes`, and with `fix` the rewritten file (`None` when nothing
/// moved). Errors say why the input cannot be read.
pub fn align(bytes: &[u8], fix: bool) -> Result<(FileReport, Option<Vec<u8>>), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))?;
    let mut report = FileReport {
        format: Format::Text,
        prompts: 0,
        findings: Vec::new(),
    };
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        report.format = Format::Json;
        let fixed = json_prompts(bytes, 1, &value, fix, &mut report);
        return Ok((report, fixed));
    }
    if is_json_lines(text) {
        report.format = Format::JsonLines;
        let mut out = Vec::with_capacity(if fix { bytes.len() + 1024 } else { 0 });
        let mut changed = false;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let (body, ending) = crate::transcript::split_ending(line.as_bytes());
            let fixed = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|value| json_prompts(body, i + 1, &value, fix, &mut report));
            changed |= fixed.is_some();
            if fix {
                out.extend_from_slice(fixed.as_deref().unwrap_or(body));
                out.extend_from_slice(ending);
            }
        }
        return Ok((report, changed.then_some(out)));
    }
    report.prompts = 1;
    report.findings = findings(text, 1, None);
    let fixed = if fix {
        block::fix(text).map(|(t, _)| t.into_bytes())
    } else {
        None
    };
    Ok((report, fixed))
}

/// JSON Lines: the first line that is not blank is a JSON object.
fn is_json_lines(text: &str) -> bool {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .and_then(|l| serde_json::from_str::<Value>(l).ok())
        .is_some_and(|v| v.is_object())
}

/// Reports the prompts of one JSON value whose text is `json`, starting on file line
/// `first_line`; with `fix`, returns the text with their spans moved (`None`: none).
fn json_prompts(
    json: &[u8],
    first_line: usize,
    value: &Value,
    fix: bool,
    report: &mut FileReport,
) -> Option<Vec<u8>> {
    let found = prompts::find(value);
    if found.is_empty() {
        return None;
    }
    report.prompts += found.len();
    // Where each prompt's literal starts, for its line in the file.
    let mut starts = Vec::new();
    scan::string_values(json, &mut |path, range| {
        if found.iter().any(|p| p.path == path) {
            starts.push((path.to_vec(), range.start));
        }
    })?;
    let mut replacements = scan::Replacements::new();
    for prompt in &found {
        let start = starts
            .iter()
            .find(|(p, _)| *p == prompt.path)
            .map_or(0, |(_, s)| *s);
        let line = first_line + memchr::memchr_iter(b'\n', &json[..start]).count();
        let path = path_text(&prompt.path);
        report
            .findings
            .extend(findings(&prompt.text, line, Some(path)));
    }
    if !fix || fix_prompts(&found, &mut replacements) == 0 {
        return None;
    }
    scan::replace(json, &replacements)
}

/// Adds to `replacements` the prompts of a transcript record with their dynamic spans
/// moved (`headroom transcript --align-cache`); returns how many spans moved.
pub fn fix_record(record: &Value, replacements: &mut scan::Replacements) -> usize {
    fix_prompts(&prompts::find(record), replacements)
}

fn fix_prompts(found: &[prompts::Prompt], replacements: &mut scan::Replacements) -> usize {
    let mut moved = 0;
    for prompt in found {
        let Some((text, n)) = block::fix(&prompt.text) else {
            continue;
        };
        if let Ok(literal) = serde_json::to_string(&text) {
            replacements.insert(prompt.path.clone(), literal);
            moved += n;
        }
    }
    moved
}

/// The dynamic spans of one prompt as findings.
fn findings(text: &str, file_line: usize, path: Option<String>) -> Vec<Finding> {
    block::spans(text)
        .into_iter()
        .map(|span| {
            let before = &text[..span.range.start];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            Finding {
                kind: span.kind,
                file_line: if path.is_some() {
                    file_line
                } else {
                    1 + before.matches('\n').count()
                },
                path: path.clone(),
                line: 1 + before.matches('\n').count(),
                column: 1 + before[line_start..].chars().count(),
                offset: span.range.start,
                length: span.range.len(),
                excerpt: excerpt(span.kind, &text[span.range]),
            }
        })
        .collect()
}

/// What a report prints of a span: a possible credential is never printed whole.
pub fn excerpt(kind: Kind, value: &str) -> String {
    if kind.secret() {
        let head: String = value.chars().take(4).collect();
        format!("{head}… ({} chars)", value.chars().count())
    } else {
        value.to_string()
    }
}

/// A path as jq spells it: `.payload.content[1].text`.
pub fn path_text(path: &[Seg]) -> String {
    let text = path.iter().fold(".".to_string(), |at, seg| match seg {
        Seg::Key(k) => key_path(&at, k),
        Seg::Index(i) => index_path(&at, *i),
    });
    text
}

/// Findings per kind, in [`Kind`] order, for summaries.
pub fn by_kind<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<(Kind, usize)> {
    let mut counts = [0usize; Kind::ALL.len()];
    for f in findings {
        counts[Kind::ALL.iter().position(|k| *k == f.kind).unwrap_or(0)] += 1;
    }
    Kind::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (*k, n))
        .collect()
}

/// The human report of one file: one line per finding, grep-style.
pub fn render(file: &str, report: &FileReport) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let place = match &f.path {
            Some(path) => format!("{file}:{}: {path}:{}:{}", f.file_line, f.line, f.column),
            None => format!("{file}:{}:{}", f.line, f.column),
        };
        out.push_str(&format!("{place}: {}: {}\n", f.kind.name(), f.excerpt));
    }
    out
}

/// The closing line: spans, prompts and files, and the spans per kind.
pub fn summary(reports: &[(String, FileReport)], fixed: bool) -> String {
    let findings = reports.iter().flat_map(|(_, r)| &r.findings);
    let spans = findings.clone().count();
    let prompts: usize = reports.iter().map(|(_, r)| r.prompts).sum();
    let kinds: Vec<String> = by_kind(findings)
        .into_iter()
        .map(|(k, n)| format!("{} {n}", k.name()))
        .collect();
    let counts = format!(
        "{} in {} ({})",
        crate::marker::count_of(spans as u64, "dynamic span", "dynamic spans"),
        crate::marker::count_of(prompts as u64, "prompt", "prompts"),
        crate::marker::count_of(reports.len() as u64, "file", "files"),
    );
    match (spans, fixed) {
        _ if prompts == 0 => format!(
            "no system prompt or instructions found ({})\n",
            crate::marker::count_of(reports.len() as u64, "file", "files")
        ),
        (0, _) => format!("{counts}: the prompts are cache-stable\n"),
        (_, true) => format!("moved {counts}: {}\n", kinds.join(", ")),
        (_, false) => format!(
            "{counts}: {}; --fix moves them to the end\n",
            kinds.join(", ")
        ),
    }
}

/// The machine-readable report: per file, and totals with the spans per kind.
pub fn json(reports: &[(String, FileReport)], fixed: bool) -> Value {
    let files: Vec<Value> = reports
        .iter()
        .map(|(file, r)| {
            let mut v = serde_json::json!({ "file": file });
            if let (Some(v), Ok(Value::Object(fields))) =
                (v.as_object_mut(), serde_json::to_value(r))
            {
                v.extend(fields);
            }
            v
        })
        .collect();
    let kinds: serde_json::Map<String, Value> =
        by_kind(reports.iter().flat_map(|(_, r)| &r.findings))
            .into_iter()
            .map(|(k, n)| (k.name().to_string(), n.into()))
            .collect();
    serde_json::json!({
        "files": files,
        "total": {
            "files": reports.len(),
            "prompts": reports.iter().map(|(_, r)| r.prompts).sum::<usize>(),
            "findings": reports.iter().map(|(_, r)| r.findings.len()).sum::<usize>(),
            "by_kind": kinds,
            "fixed": fixed,
        }
    })
}
