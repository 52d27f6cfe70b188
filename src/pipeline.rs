//! read → detect → store → compress → write. Fail-open lives here, once.
//!
//! The input is read in chunks. Small inputs, inputs that are already views and
//! `--lossless` runs pass straight through without touching the store. Everything else
//! is spooled into the store while the compressor sees it line by line (pass one); the
//! stored original is then read back to render the view (pass two), so memory stays
//! bounded whatever the input's size. The view replaces the input only when the
//! original is safely stored and the view is smaller; on any failure the output is the
//! input, byte for byte, with one line on stderr saying why.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::compress::{self, Compressor, Context, Selection};
use crate::detect::{self, ContentType, Detection};
use crate::lines::{self, for_each_line, Splitter};
use crate::marker;
use crate::relevance::Query;
use crate::store::{EntryMeta, Hash, Spool, Store};
use crate::tokens;

/// Inputs estimated below this many tokens pass through untouched: a marker is not
/// worth it for a few hundred tokens.
pub const PASS_THROUGH_TOKENS: u64 = 500;

/// Default size of a view, in estimated tokens.
pub const DEFAULT_BUDGET: u64 = 4000;

/// Bytes read before deciding what the input is.
const HEAD_BYTES: usize = 64 * 1024;

/// Chunk size for streaming.
const CHUNK: usize = 256 * 1024;

/// Chunks queued for the spool writer at most (bounds memory while it catches up).
const WRITE_AHEAD: usize = 4;

/// An elided run of up to this many bytes is shown instead of marked, since the
/// marker (about 90 bytes) would cost as much.
const TINY_GAP_BYTES: usize = 100;

/// Categories a marker's breakdown names at most; the rest are counted as `other`,
/// so a run of findings under forty rules still makes a short marker.
const MAX_BREAKDOWN: usize = 6;

/// What the filter is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub query: Option<String>,
    pub forced: Option<ContentType>,
    pub cmd: Option<String>,
    pub budget: u64,
    pub lossless: bool,
    pub store_dir: PathBuf,
}

/// What the filter did, for `--stats` and for the store's metadata.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    #[serde(rename = "type")]
    pub kind: String,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub ms: f64,
    pub hash: Option<String>,
    /// Why the output is the input, when it is.
    #[serde(skip)]
    pub note: Option<String>,
}

/// Compresses `input` into `output` as `headroom` does.
///
/// Errors are only those of reading the input or writing the output (a reader that
/// closed the pipe shows up as `BrokenPipe`); everything else falls back to passing the
/// input through, and says so in [`Report::note`].
pub fn filter(input: &mut dyn Read, output: &mut dyn Write, opts: &Options) -> io::Result<Report> {
    let started = Instant::now();
    let (head, eof) = read_head(input)?;
    let mut report = Report {
        kind: "pass".into(),
        ..Report::default()
    };
    let pass_reason = if eof && tokens::estimate(&head) < PASS_THROUGH_TOKENS {
        Some("small")
    } else if marker::contains_marker(&head) {
        Some("already a view")
    } else {
        None
    };
    if pass_reason.is_some() {
        // No detection: sniffing costs more than passing a small input through.
        pass_through(&head, input, output, &mut report)?;
        return Ok(finish(report, started));
    }
    let detection = detect::detect(&head, opts.forced, opts.cmd.as_deref());
    if opts.lossless {
        report.kind = detection.kind.name().into();
        pass_through(&head, input, output, &mut report)?;
        return Ok(finish(report, started));
    }
    report.kind = detection.kind.name().into();

    let store = match Store::open(opts.store_dir.clone()) {
        Ok(store) => store,
        Err(e) => {
            report.note = Some(format!("store unavailable, output is lossless: {e}"));
            pass_through(&head, input, output, &mut report)?;
            return Ok(finish(report, started));
        }
    };
    let query = Query::parse(opts.query.as_deref().unwrap_or(""));
    // Line-oriented content is observed while it is spooled; JSON, HTML and binary
    // input are handled whole afterwards.
    let mut compressor = (!matches!(
        detection.kind,
        ContentType::Binary | ContentType::Json | ContentType::Html | ContentType::Transcript
    ))
    .then(|| compress::for_type(detection.kind, &query, &head, opts.cmd.as_deref()));

    // Pass one: spool into the store while the compressor observes.
    let (stored, mut original) = match spool(&store, &head, input, &mut compressor, &mut report)? {
        Spooled::Stored(hash, handle) => (hash, handle),
        Spooled::Failed {
            mut recovered,
            rest,
            why,
        } => {
            // Bytes counted in so far were consumed: they go out as they came.
            report.note = Some(format!(
                "could not store the original, output is lossless: {why}"
            ));
            copy_out(&mut recovered, output, &mut report)?;
            copy_out(&mut rest.as_slice(), output, &mut report)?;
            copy_counted(input, output, &mut report)?;
            report.tokens_out = report.tokens_in;
            return Ok(finish(report, started));
        }
    };
    report.hash = Some(stored.to_string());
    let short = stored.short();

    // Pass two: render the view from the stored original, through the handle the
    // spool was written with, so nothing that happens to the store's files since
    // (a concurrent gc, a deleted directory) can take the original away.
    let view = match (detection.kind, compressor.as_mut()) {
        (ContentType::Binary, _) => Ok(Some(binary_view(&head, &short, report.bytes_in))),
        (kind @ (ContentType::Json | ContentType::Html | ContentType::Transcript), _) => {
            guarded(|| {
                // Sized up front: growing a gigabyte by doubling copies it twice over.
                let mut bytes = Vec::with_capacity(usize::try_from(report.bytes_in).unwrap_or(0));
                (&original)
                    .read_to_end(&mut bytes)
                    .map_err(|e| e.to_string())?;
                let (view, kind) = render_document(kind, &bytes, &head, &query, opts, &short)?;
                report.kind = kind.name().into();
                Ok(view)
            })
        }
        (_, None) => Err("internal error while reading the input".to_string()),
        (_, Some(c)) => guarded(|| {
            render_lines(
                &mut BufReader::with_capacity(CHUNK, &original),
                c.as_mut(),
                &query,
                opts.budget,
                &short,
            )
        }),
    };
    let shown = match view {
        Ok(Some(view)) if worth_it(&view, report.tokens_in) => {
            report.bytes_out = view.len() as u64;
            report.tokens_out = tokens::estimate(&view);
            output.write_all(&view)?;
            Some(view)
        }
        outcome => {
            if let Err(why) = outcome {
                report.note = Some(format!("compression failed, output is lossless: {why}"));
            }
            original.seek(SeekFrom::Start(0))?;
            copy_out(&mut original, output, &mut report)?;
            report.tokens_out = report.tokens_in;
            None
        }
    };
    // The reader has everything; the bookkeeping below must not delay it.
    output.flush()?;
    // The view is kept beside the original so `headroom stats` can count it exactly.
    let view = shown.and_then(|view| match store.put(&view) {
        Ok(hash) => Some(hash.to_hex()),
        Err(e) => {
            report
                .note
                .get_or_insert(format!("original stored, view not kept for stats: {e}"));
            None
        }
    });
    let meta = EntryMeta {
        time_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        size: report.bytes_in,
        content_type: report.kind.clone(),
        command: opts.cmd.clone(),
        bytes_out: report.bytes_out,
        tokens_in: report.tokens_in,
        tokens_out: report.tokens_out,
        view,
        exact: None,
    };
    if let Err(e) = store.record(&stored, &meta) {
        report
            .note
            .get_or_insert(format!("original stored, metadata not recorded: {e}"));
    }
    if let Some(e) = store.auto_gc() {
        report
            .note
            .get_or_insert(format!("automatic pruning failed: {e}"));
    }
    Ok(finish(report, started))
}

/// A view replaces its input only when it saves at least this share of the tokens;
/// below that, the markers are not worth following.
const MIN_SAVING: f64 = 0.1;

fn worth_it(view: &[u8], tokens_in: u64) -> bool {
    (tokens::estimate(view) as f64) <= (1.0 - MIN_SAVING) * tokens_in as f64
}

fn finish(mut report: Report, started: Instant) -> Report {
    report.ms = (started.elapsed().as_secs_f64() * 1e5).round() / 100.0;
    report
}

/// Reads until `buf` is full or the input ends; returns how many bytes it holds.
fn read_full(input: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The input's first block, for detection; true when it is the whole input.
fn read_head(input: &mut dyn Read) -> io::Result<(Vec<u8>, bool)> {
    let mut head = vec![0u8; HEAD_BYTES];
    let n = read_full(input, &mut head)?;
    head.truncate(n);
    Ok((head, n < HEAD_BYTES))
}

fn pass_through(
    head: &[u8],
    input: &mut dyn Read,
    output: &mut dyn Write,
    report: &mut Report,
) -> io::Result<()> {
    copy_counted(&mut &head[..], output, report)?;
    copy_counted(input, output, report)?;
    report.tokens_out = report.tokens_in;
    Ok(())
}

/// Copies bytes already counted in to the output, counting them out.
fn copy_out(input: &mut dyn Read, output: &mut dyn Write, report: &mut Report) -> io::Result<()> {
    let n = io::copy(input, output)?;
    report.bytes_out += n;
    Ok(())
}

/// Copies everything, counting bytes and estimated tokens as both in and out.
fn copy_counted(
    input: &mut dyn Read,
    output: &mut dyn Write,
    report: &mut Report,
) -> io::Result<()> {
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        output.write_all(&buf[..n])?;
        report.bytes_in += n as u64;
        report.bytes_out += n as u64;
        report.tokens_in += tokens::estimate(&buf[..n]);
    }
}

enum Spooled {
    /// Stored under this hash; the handle reads the original from its start.
    Stored(Hash, File),
    /// The store failed part way: the bytes consumed so far, to be passed through.
    Failed {
        recovered: Box<dyn Read>,
        rest: Vec<u8>,
        why: String,
    },
}

/// Pass one: writes the whole input into a store spool while the compressor observes
/// its lines. Writing and hashing run on a second thread, overlapping the analysis.
/// If the store fails, every byte consumed so far is handed back.
fn spool(
    store: &Store,
    head: &[u8],
    input: &mut dyn Read,
    compressor: &mut Option<Box<dyn Compressor>>,
    report: &mut Report,
) -> io::Result<Spooled> {
    let spool = match store.spool() {
        Ok(s) => s,
        Err(e) => {
            return Ok(Spooled::Failed {
                recovered: Box::new(io::empty()),
                rest: head.to_vec(),
                why: e.to_string(),
            })
        }
    };
    let failed = AtomicBool::new(false);
    let (to_writer, chunks) = mpsc::sync_channel::<Arc<Vec<u8>>>(WRITE_AHEAD);
    let (to_reader, recycled) = mpsc::channel::<Arc<Vec<u8>>>();
    let mut splitter = Splitter::new();
    let (written, read) = thread::scope(|scope| {
        let writer = scope.spawn(|| write_spool(spool, chunks, to_reader, &failed));
        let read = (|| -> io::Result<()> {
            let mut chunk = Arc::new(head.to_vec());
            loop {
                if to_writer.send(Arc::clone(&chunk)).is_err() {
                    return Ok(());
                }
                report.bytes_in += chunk.len() as u64;
                match compressor.as_mut() {
                    Some(c) => {
                        // A compressor that panics is dropped; the input still passes.
                        let mut tokens = 0;
                        let fed = panic::catch_unwind(AssertUnwindSafe(|| {
                            splitter.feed(&chunk, &mut |i, line, len| {
                                tokens += observe(c.as_mut(), i, line, len);
                            });
                        }));
                        report.tokens_in += tokens;
                        if fed.is_err() {
                            *compressor = None;
                        }
                    }
                    None => report.tokens_in += tokens::estimate(&chunk),
                }
                if failed.load(Ordering::Acquire) {
                    return Ok(());
                }
                drop(chunk);
                let mut buf = recycled
                    .try_iter()
                    .find_map(|used| Arc::try_unwrap(used).ok())
                    .unwrap_or_default();
                buf.resize(CHUNK, 0);
                let n = read_full(input, &mut buf)?;
                if n == 0 {
                    return Ok(());
                }
                buf.truncate(n);
                chunk = Arc::new(buf);
            }
        })();
        drop(to_writer);
        (writer.join(), read)
    });
    // The writer only panics if the store code does; its spool is gone with it.
    let written = written.map_err(|_| io::Error::other("the store writer failed"))?;
    read?;
    if let Some((error, rest)) = written.failure {
        return Ok(recover(written.spool, rest, error.to_string()));
    }
    if let Some(c) = compressor.as_mut() {
        let mut tokens = 0;
        let fed = panic::catch_unwind(AssertUnwindSafe(|| {
            splitter.finish(&mut |i, line, len| {
                tokens += observe(c.as_mut(), i, line, len);
            });
        }));
        report.tokens_in += tokens;
        if fed.is_err() {
            *compressor = None;
        }
    }
    Ok(match store.commit(written.spool) {
        Ok((hash, handle)) => Spooled::Stored(hash, handle),
        Err(failed) => {
            let (e, spool) = *failed;
            recover(spool, Vec::new(), e.to_string())
        }
    })
}

/// What the spool writer ends with: the spool, and if a write failed, the error and
/// every byte it was given but did not write.
struct Written {
    spool: Spool,
    failure: Option<(io::Error, Vec<u8>)>,
}

/// The writer thread: writes chunks into the spool in order and hands each buffer
/// back for reuse. After a failure it raises `failed` and keeps what still arrives,
/// so the reader never blocks and no consumed byte is dropped.
fn write_spool(
    mut spool: Spool,
    chunks: mpsc::Receiver<Arc<Vec<u8>>>,
    recycle: mpsc::Sender<Arc<Vec<u8>>>,
    failed: &AtomicBool,
) -> Written {
    let mut failure: Option<(io::Error, Vec<u8>)> = None;
    for chunk in chunks {
        match &mut failure {
            Some((_, rest)) => rest.extend_from_slice(&chunk),
            None => {
                let before = spool.len();
                if let Err(e) = spool.write_all(&chunk) {
                    let accepted = ((spool.len() - before) as usize).min(chunk.len());
                    failure = Some((e, chunk[accepted..].to_vec()));
                    failed.store(true, Ordering::Release);
                }
            }
        }
        let _ = recycle.send(chunk);
    }
    Written { spool, failure }
}

/// Shows one line to the compressor with its token estimate; returns the estimate
/// for the whole line (the part past the analysed prefix at about 4 bytes a token).
/// The compressor sees the line as a terminal shows it (see [`lines::clean`]).
fn observe(compressor: &mut dyn Compressor, index: u64, line: &[u8], len: u64) -> u64 {
    let cleaned = lines::clean(line);
    let tokens = tokens::estimate(&cleaned);
    compressor.observe(index, &cleaned, tokens as u32);
    tokens + (len - line.len() as u64) / 4 + 1
}

/// The store failed part way: hands back every byte the spool accepted, plus `rest`
/// (consumed from the input but not accepted), so the caller can pass them through.
fn recover(spool: Spool, rest: Vec<u8>, why: String) -> Spooled {
    match spool.recover() {
        Ok(recovered) => Spooled::Failed {
            recovered: Box::new(recovered),
            rest,
            why,
        },
        Err(e) => Spooled::Failed {
            recovered: Box::new(io::empty()),
            rest: Vec::new(),
            why: format!("{why}; the bytes already read could not be recovered: {e}"),
        },
    }
}

fn binary_view(head: &[u8], short: &str, size: u64) -> Vec<u8> {
    let kind = detect::binary_kind(head).unwrap_or("data");
    let mut line = marker::binary(short, kind, size);
    line.push('\n');
    line.into_bytes()
}

/// Runs `f`, turning a panic into an error so the caller can fall back to the
/// original.
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(hook);
    match result {
        Ok(r) => r,
        Err(payload) => Err(format!(
            "internal error: {}",
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into())
        )),
    }
}

/// Selection, then pass two over the stored original; `None` when the compressor
/// decided the input passes as it is.
fn render_lines(
    original: &mut dyn Read,
    compressor: &mut dyn Compressor,
    query: &Query,
    budget: u64,
    short: &str,
) -> Result<Option<Vec<u8>>, String> {
    let selection = compressor.select(&Context { query, budget });
    if compressor.passes_through() {
        return Ok(None);
    }
    render(original, &selection, compressor, short)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// A JSON, HTML or session-log input's view, or, when it does not parse, the view of
/// the log or text compressor its lines call for; returns the view and the type that
/// made it.
fn render_document(
    kind: ContentType,
    original: &[u8],
    head: &[u8],
    query: &Query,
    opts: &Options,
    short: &str,
) -> Result<(Option<Vec<u8>>, ContentType), String> {
    let budget = opts.budget;
    if kind == ContentType::Transcript {
        let mut nested = |text: &str, hint: Option<&str>, asked: Option<&str>, budget: u64| {
            tool_output_view(text, hint, asked, budget, opts)
        };
        if let Some(view) = compress::conversation::render(
            original,
            opts.query.as_deref(),
            budget,
            short,
            &mut nested,
        ) {
            return Ok((Some(view.into_bytes()), ContentType::Transcript));
        }
    } else if kind == ContentType::Html {
        if let Some(view) = compress::html::render(original, query, budget, short) {
            return Ok((Some(view.into_bytes()), ContentType::Html));
        }
    } else if let Some(json) = compress::json::compress(original, query, budget, short) {
        let tables = marker::count_of(json.tables as u64, "table", "tables");
        let fidelity = if json.lossless {
            "lossless".to_string()
        } else {
            format!("cut to a budget of {} tokens", marker::thousands(budget))
        };
        let mut view = format!(
            "[json: {} · {tables} · {fidelity} · {}{short}]\n",
            json.shape,
            marker::TAG
        );
        view.push_str(&json.body);
        return Ok((Some(view.into_bytes()), ContentType::Json));
    }
    let kind = detect::sniff_lines(head).kind;
    let mut compressor = compress::for_type(kind, query, head, None);
    for_each_line(&mut &original[..], &mut |i, line, len| {
        observe(compressor.as_mut(), i, line, len);
    })
    .map_err(|e| e.to_string())?;
    let view = render_lines(
        &mut &original[..],
        compressor.as_mut(),
        query,
        budget,
        short,
    )?;
    Ok((view, kind))
}

/// Compresses a tool output kept in a session log as [`filter`] does, except that a
/// source file that stays whole because it does not parse is read as text: live, the
/// agent asked for those lines to edit them; in a session they are history, re-read
/// on every later turn. Part of a file (`sed -n 70,150p`) goes to text directly: it
/// seldom parses, and a failed parse costs ten times a clean one.
///
/// The output is routed by `hint` (its call as a command line) and asked `query`.
pub fn filter_tool_output(
    text: &[u8],
    hint: Option<&str>,
    query: Option<&str>,
    budget: u64,
    store_dir: &std::path::Path,
    out: &mut Vec<u8>,
) -> io::Result<Report> {
    let opts = &Options {
        query: query.map(str::to_string),
        forced: None,
        cmd: hint.filter(|h| !h.trim().is_empty()).map(str::to_string),
        budget,
        lossless: false,
        store_dir: store_dir.to_path_buf(),
    };
    let as_text = Options {
        forced: Some(ContentType::Text),
        ..opts.clone()
    };
    let part = opts
        .cmd
        .as_deref()
        .is_some_and(compress::code::Language::reads_part);
    if part {
        return filter(&mut &text[..], out, &as_text);
    }
    let report = filter(&mut &text[..], out, opts)?;
    if report.kind != ContentType::Code.name() || report.hash.is_none() || out.as_slice() != text {
        return Ok(report);
    }
    out.clear();
    filter(&mut &text[..], out, &as_text)
}

/// The view of one tool output inside a session log: the filter's own, routed by the
/// call that produced it; the output itself when it stays whole or anything fails.
fn tool_output_view(
    text: &str,
    hint: Option<&str>,
    query: Option<&str>,
    budget: u64,
    opts: &Options,
) -> String {
    let mut view = Vec::new();
    match filter_tool_output(
        text.as_bytes(),
        hint,
        query,
        budget,
        &opts.store_dir,
        &mut view,
    ) {
        Ok(_) => String::from_utf8(view).unwrap_or_else(|_| text.to_string()),
        Err(_) => text.to_string(),
    }
}

/// A run of elided lines being collected during rendering.
#[derive(Default)]
struct Gap {
    first: u64,
    count: u64,
    labels: Vec<(String, u64)>,
    unlabelled: u64,
    /// The lines themselves while the run is tiny enough to print instead.
    tiny: Vec<u8>,
    tiny_ok: bool,
}

impl Gap {
    /// Adds an elided line (as cleaned for display) of which `left_out` bytes were
    /// past the analysed prefix.
    fn add(&mut self, index: u64, line: &[u8], left_out: u64, label: Option<&str>) {
        if self.count == 0 {
            self.first = index;
            self.tiny_ok = true;
        }
        self.count += 1;
        match label {
            Some(l) => match self.labels.iter_mut().find(|(n, _)| n == l) {
                Some(entry) => entry.1 += 1,
                None => self.labels.push((l.to_string(), 1)),
            },
            None => self.unlabelled += 1,
        }
        if self.tiny_ok {
            if self.tiny.len() + line.len() < TINY_GAP_BYTES && left_out == 0 {
                self.tiny.extend_from_slice(line);
                self.tiny.push(b'\n');
            } else {
                self.tiny_ok = false;
            }
        }
    }

    fn flush(&mut self, out: &mut Vec<u8>, hash: &str) {
        if self.count == 0 {
            return;
        }
        if self.tiny_ok {
            out.extend_from_slice(&self.tiny);
        } else {
            let mut breakdown = std::mem::take(&mut self.labels);
            if !breakdown.is_empty() && self.unlabelled > 0 {
                breakdown.push(("other".to_string(), self.unlabelled));
            }
            breakdown.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
            if breakdown.len() > MAX_BREAKDOWN {
                let rest: u64 = breakdown.drain(MAX_BREAKDOWN - 1..).map(|(_, n)| n).sum();
                match breakdown.iter_mut().find(|(l, _)| l == "other") {
                    Some(other) => other.1 += rest,
                    None => breakdown.push(("other".to_string(), rest)),
                }
            }
            let parts: Vec<(u64, &str)> = breakdown.iter().map(|(l, n)| (*n, l.as_str())).collect();
            let last = self.first + self.count;
            out.extend_from_slice(
                marker::elided_lines(hash, self.first + 1, last, &parts).as_bytes(),
            );
            out.push(b'\n');
        }
        *self = Gap::default();
    }
}

/// Pass two: the kept lines, in order, with a marker for every elided run.
fn render(
    original: &mut dyn Read,
    selection: &Selection,
    compressor: &mut dyn Compressor,
    hash: &str,
) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    if let Some(header) = &selection.header {
        let header = header.trim_end_matches(']');
        out.extend_from_slice(format!("{header} · {}{hash}]\n", marker::TAG).as_bytes());
    }
    let mut keep = selection.keep.iter().peekable();
    let mut gap = Gap::default();
    let mut on_line = |index: u64, raw: &[u8], full_len: u64| {
        let left_out = full_len - raw.len() as u64;
        let line = lines::clean(raw);
        while keep.next_if(|k| k.index < index).is_some() {}
        match keep.next_if(|k| k.index == index) {
            Some(kept) => {
                gap.flush(&mut out, hash);
                compressor.show(index, &line, &mut out);
                if let Some(note) = &kept.note {
                    out.extend_from_slice(b"  ");
                    out.extend_from_slice(note.as_bytes());
                }
                if left_out > 0 {
                    out.push(b' ');
                    let cut = marker::cut_line(hash, index + 1, left_out);
                    out.extend_from_slice(cut.as_bytes());
                }
                out.push(b'\n');
            }
            None => gap.add(index, &line, left_out, compressor.label(index, &line)),
        }
    };
    for_each_line(original, &mut on_line)?;
    gap.flush(&mut out, hash);
    Ok(out)
}

/// The detection `headroom detect` reports for a file or stdin.
pub fn explain(input: &mut dyn Read, opts: &Options) -> io::Result<Detection> {
    let (head, _) = read_head(input)?;
    Ok(detect::detect(&head, opts.forced, opts.cmd.as_deref()))
}
