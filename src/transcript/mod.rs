//! Recompressing agent transcripts: each large tool result inside a session file goes
//! through the filter, routed by its own tool call, and everything else stays byte for
//! byte as it was.
//!
//! A session log is JSON Lines. Each line is parsed (to learn what it holds), the
//! strings to compress are found by path ([`record`]), their byte ranges are found in
//! the original line ([`scan`]), and only those string literals are replaced. Lines
//! that are not JSON, or hold nothing to compress, are copied as they are, with their
//! line endings. A view already holds markers, and the filter passes such text through,
//! so a second run changes nothing.
//!
//! A JSON message array (OpenAI chat or Anthropic `messages`, alone or in a request
//! body) is one JSON document, usually pretty-printed: the format is told by content,
//! not by file name. When the first line is not a JSON value by itself but opens an
//! object or array, the whole document is read (up to [`MAX_DOCUMENT_BYTES`]) and
//! rewritten as one record, the same way. A document on one line is a one-line JSON
//! Lines file and comes out the same.

pub mod batch;
pub mod record;
pub mod scan;

use std::collections::HashMap;
use std::io::{self, BufRead, Read, Write};
use std::path::PathBuf;

use crate::pipeline::{self, PASS_THROUGH_TOKENS};
use crate::tokens;
use record::Session;

/// Default size of one tool result's view, in estimated tokens: a session holds
/// dozens of results, each re-read on every turn, so each gets a quarter of what a
/// live `cmd | headroom` view gets.
pub const TRANSCRIPT_BUDGET: u64 = 1000;

/// The largest JSON document read whole. Parsing holds the document and its tree in
/// memory (a few times its size); a bigger one is copied through unchanged, line by
/// line like JSON Lines, so memory stays bounded.
pub const MAX_DOCUMENT_BYTES: u64 = 256 << 20;

/// How tool results are compressed.
#[derive(Debug, Clone)]
pub struct Settings {
    pub budget: u64,
    pub store_dir: PathBuf,
    /// Also move dynamic spans in prompts to the end of each prompt (`--align-cache`).
    pub align_cache: bool,
}

/// What rewriting one transcript did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FileStats {
    /// Lines that parse as JSON; in a message array, its messages.
    pub records: u64,
    /// Tool results the model sees (copies beside them not counted).
    pub tool_results: u64,
    /// Of those, how many were replaced by a view.
    pub compressed: u64,
    /// Copies (e.g. `toolUseResult.stdout`) replaced by a view.
    pub copies_compressed: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// Dynamic spans moved to the end of their prompt (`--align-cache`).
    pub dynamic_moved: u64,
}

impl FileStats {
    pub fn add(&mut self, other: &FileStats) {
        self.records += other.records;
        self.tool_results += other.tool_results;
        self.compressed += other.compressed;
        self.copies_compressed += other.copies_compressed;
        self.bytes_in += other.bytes_in;
        self.bytes_out += other.bytes_out;
        self.tokens_in += other.tokens_in;
        self.tokens_out += other.tokens_out;
        self.dynamic_moved += other.dynamic_moved;
    }
}

/// Distinct outputs whose views a session remembers at most.
const MAX_VIEWS: usize = 4096;

/// The views of a session's outputs so far, by the BLAKE3 of the output: a copy of an
/// output (`toolUseResult`, Codex's `exec_command_end` in a later record, the same
/// file read twice) gets the same view, and the same hash in its markers, as the
/// output itself, and is compressed once.
#[derive(Default)]
struct Views(HashMap<[u8; 32], Option<String>>);

/// What one file's records carry over to the next: the session (calls, questions)
/// and the views computed so far.
#[derive(Default)]
struct Carried {
    session: Session,
    views: Views,
}

/// Rewrites one transcript (JSON Lines, or one JSON document) from `input` to
/// `output`.
pub fn rewrite(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    settings: &Settings,
) -> io::Result<FileStats> {
    let mut stats = FileStats::default();
    let mut carried = Carried::default();
    // The first line that is not blank tells the format.
    let mut head = Vec::new();
    while head.trim_ascii().is_empty() && input.read_until(b'\n', &mut head)? > 0 {}
    if opens_document(&head) {
        // One byte over the limit tells a document that is too big.
        let room = MAX_DOCUMENT_BYTES.saturating_sub(head.len() as u64) + 1;
        input.take(room).read_to_end(&mut head)?;
        let whole = head.len() as u64 <= MAX_DOCUMENT_BYTES;
        if whole && serde_json::from_slice::<serde::de::IgnoredAny>(&head).is_ok() {
            copy_record(&head, &mut carried, settings, &mut stats, output)?;
            output.flush()?;
            return Ok(stats);
        }
    }
    let mut lines = io::Cursor::new(head).chain(input);
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        copy_record(&line, &mut carried, settings, &mut stats, output)?;
    }
    output.flush()?;
    Ok(stats)
}

/// True when `head` (blank lines, then the first line) opens a JSON object or array
/// that it does not close: a pretty-printed document rather than JSON Lines.
fn opens_document(head: &[u8]) -> bool {
    let text = head.trim_ascii();
    matches!(text.first(), Some(b'{' | b'['))
        && serde_json::from_slice::<serde::de::IgnoredAny>(text).is_err()
}

/// Writes one record (a line with its ending, or a whole document) with its tool
/// results compressed.
fn copy_record(
    line: &[u8],
    carried: &mut Carried,
    settings: &Settings,
    stats: &mut FileStats,
    output: &mut dyn Write,
) -> io::Result<()> {
    stats.bytes_in += line.len() as u64;
    stats.tokens_in += tokens::estimate(line);
    let (body, ending) = split_ending(line);
    let new = match rewrite_record(body, carried, settings, stats)? {
        None => {
            output.write_all(line)?;
            stats.bytes_out += line.len() as u64;
            stats.tokens_out += tokens::estimate(line);
            return Ok(());
        }
        Some(mut new) => {
            new.extend_from_slice(ending);
            new
        }
    };
    output.write_all(&new)?;
    stats.bytes_out += new.len() as u64;
    stats.tokens_out += tokens::estimate(&new);
    Ok(())
}

/// A line's JSON and its ending (`\n`, `\r\n` or nothing at the end of the file).
pub(crate) fn split_ending(line: &[u8]) -> (&[u8], &[u8]) {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    line.split_at(body.len())
}

/// The record with its tool results compressed, or `None` to keep it as it is.
fn rewrite_record(
    body: &[u8],
    carried: &mut Carried,
    settings: &Settings,
    stats: &mut FileStats,
) -> io::Result<Option<Vec<u8>>> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Ok(None);
    };
    stats.records += record::message_list(&value).map_or(1, |(_, list)| list.len()) as u64;
    let targets = carried.session.targets(&value);
    stats.tool_results += targets.iter().filter(|t| t.primary).count() as u64;
    let mut replacements = scan::Replacements::new();
    for target in &targets {
        let key = *blake3::hash(target.text.as_bytes()).as_bytes();
        let view = match carried.views.0.get(&key) {
            Some(view) => view.clone(),
            None => {
                let view = compress(
                    &target.text,
                    target.hint.as_deref(),
                    target.query.as_deref(),
                    settings,
                )?;
                if carried.views.0.len() < MAX_VIEWS {
                    carried.views.0.insert(key, view.clone());
                }
                view
            }
        };
        if let Some(view) = view {
            if target.primary {
                stats.compressed += 1;
            } else {
                stats.copies_compressed += 1;
            }
            let literal = serde_json::to_string(&view).map_err(io::Error::other)?;
            replacements.insert(target.path.clone(), literal);
        }
    }
    if settings.align_cache {
        stats.dynamic_moved += crate::align::fix_record(&value, &mut replacements) as u64;
    }
    if replacements.is_empty() {
        return Ok(None);
    }
    Ok(scan::replace(body, &replacements))
}

/// The filter's view of one tool output, or `None` when it stays as it is (small,
/// already a view, or not worth a marker).
fn compress(
    text: &str,
    hint: Option<&str>,
    query: Option<&str>,
    settings: &Settings,
) -> io::Result<Option<String>> {
    if tokens::estimate(text.as_bytes()) < PASS_THROUGH_TOKENS {
        return Ok(None);
    }
    let mut view = Vec::new();
    let report = pipeline::filter_tool_output(
        text.as_bytes(),
        hint,
        query,
        settings.budget,
        &settings.store_dir,
        &mut view,
    )?;
    if report.hash.is_none() || view == text.as_bytes() {
        return Ok(None);
    }
    // An output that is itself JSON (Codex's `custom_tool_call_output`) is read by
    // its consumer as JSON: a view that is not JSON would break it.
    let json = |bytes: &[u8]| serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok();
    if json(text.as_bytes()) && !json(&view) {
        return Ok(None);
    }
    // The filter keeps or elides whole lines of valid UTF-8 input; a view that is not
    // UTF-8 (it never should be) leaves the output as it was.
    Ok(String::from_utf8(view).ok())
}
