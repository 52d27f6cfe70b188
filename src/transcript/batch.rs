//! Many transcripts at once: finding them, rewriting them in parallel, writing each
//! atomically, showing progress, and the final report.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{rewrite, FileStats, Settings};
use crate::marker::thousands;

/// Where rewritten transcripts go.
#[derive(Debug, Clone)]
pub enum Destination {
    /// Into this directory, keeping each file's path below the directory it was found in.
    Dir(PathBuf),
    /// Over the input, atomically; with `backup`, the original is kept as `FILE.orig`.
    InPlace { backup: bool },
    /// Nowhere: only the report.
    DryRun,
    /// Standard output (the input is standard input, `-`).
    Stdout,
}

/// One transcript to rewrite.
#[derive(Debug, Clone)]
pub struct Job {
    pub input: PathBuf,
    /// Where the rewrite goes when the destination is a directory.
    pub output: Option<PathBuf>,
    pub size: u64,
}

/// What became of one transcript.
#[derive(Debug)]
pub struct Outcome {
    pub path: PathBuf,
    pub result: Result<FileStats, String>,
}

/// File names taken for transcripts when a directory is walked.
fn is_transcript(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "json")
    )
}

/// The transcripts named by `paths`: files as given, directories walked recursively
/// for `*.jsonl` and `*.json`, in name order.
pub fn collect(paths: &[PathBuf], dest: &Destination) -> io::Result<Vec<Job>> {
    let mut jobs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            jobs.push(Job {
                input: path.clone(),
                output: None,
                size: 0,
            });
            continue;
        }
        let meta = fs::metadata(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            for file in found {
                let rel = file.strip_prefix(path).unwrap_or(&file).to_path_buf();
                jobs.push(job(file, &rel, dest)?);
            }
        } else {
            let name = PathBuf::from(path.file_name().unwrap_or(path.as_os_str()));
            jobs.push(job(path.clone(), &name, dest)?);
        }
    }
    Ok(jobs)
}

fn job(input: PathBuf, rel: &Path, dest: &Destination) -> io::Result<Job> {
    let size = fs::metadata(&input)?.len();
    let output = match dest {
        Destination::Dir(dir) => Some(dir.join(rel)),
        _ => None,
    };
    Ok(Job {
        input,
        output,
        size,
    })
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&path, found)?;
        } else if is_transcript(&path) && fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            found.push(path);
        }
    }
    Ok(())
}

/// Rewrites every job on `threads` threads; outcomes come back in job order. A
/// progress bar (files, bytes, rate, ETA) is drawn on stderr when it is a terminal.
pub fn run(jobs: &[Job], dest: &Destination, settings: &Settings, threads: usize) -> Vec<Outcome> {
    let total: u64 = jobs.iter().map(|j| j.size).sum();
    let bar = progress_bar(total, jobs.len());
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, jobs.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let result = one(job, dest, settings).map_err(|e| e.to_string());
                bar.inc(job.size);
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                bar.set_message(format!("{finished}/{} files", jobs.len()));
                if let Ok(mut all) = outcomes.lock() {
                    all[i] = Some(Outcome {
                        path: job.input.clone(),
                        result,
                    });
                }
            });
        }
    });
    bar.finish_and_clear();
    outcomes
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

fn progress_bar(total: u64, files: usize) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(format!("0/{files} files"));
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Rewrites one transcript to its destination.
fn one(job: &Job, dest: &Destination, settings: &Settings) -> io::Result<FileStats> {
    if job.input.as_os_str() == "-" {
        let mut out = BufWriter::new(io::stdout().lock());
        return rewrite(&mut io::stdin().lock(), &mut out, settings);
    }
    let mut input = BufReader::with_capacity(256 * 1024, File::open(&job.input)?);
    match dest {
        Destination::DryRun | Destination::Stdout => rewrite(&mut input, &mut io::sink(), settings),
        Destination::Dir(_) => {
            let target = job.output.as_deref().unwrap_or(&job.input);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            atomic_write(&job.input, target, false, |out| {
                rewrite(&mut input, out, settings).map(|s| (changed(&s), s))
            })
        }
        Destination::InPlace { backup } => atomic_write(&job.input, &job.input, *backup, |out| {
            rewrite(&mut input, out, settings).map(|s| (changed(&s), s))
        }),
    }
}

/// Whether rewriting a transcript changed it.
fn changed(stats: &FileStats) -> bool {
    stats.compressed + stats.copies_compressed + stats.dynamic_moved > 0
}

/// Writes `target` through a temporary file in its directory, renamed over it only
/// when complete, with the permissions of `source`; `write` returns whether it
/// changed anything, and what else it has to say. An in-place rewrite that changes
/// nothing leaves the file alone. With `backup`, `target.orig` keeps the original
/// (an existing backup, from an earlier run, is left as it is).
pub(crate) fn atomic_write<T>(
    source: &Path,
    target: &Path,
    backup: bool,
    write: impl FnOnce(&mut dyn Write) -> io::Result<(bool, T)>,
) -> io::Result<T> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let tmp = tempfile_in(dir, &name)?;
    let result = (|| {
        let (changed, stats) = {
            let mut out = BufWriter::with_capacity(256 * 1024, &tmp.1);
            let written = write(&mut out)?;
            out.flush()?;
            written
        };
        let unchanged = source == target && !changed;
        if unchanged {
            return Ok((stats, false));
        }
        tmp.1.set_permissions(fs::metadata(source)?.permissions())?;
        // Replacing the only copy of a transcript waits for its new bytes to reach
        // the disk before the rename; a new file elsewhere does not (like the store,
        // which does not fsync either): the rename alone means no reader ever sees a
        // half-written file.
        if source == target {
            tmp.1.sync_all()?;
        }
        if backup {
            let orig = PathBuf::from(format!("{}.orig", target.display()));
            if !orig.exists() {
                fs::hard_link(target, &orig).or_else(|_| fs::copy(target, &orig).map(|_| ()))?;
            }
        }
        fs::rename(&tmp.0, target)?;
        Ok((stats, true))
    })();
    match result {
        Ok((stats, true)) => Ok(stats),
        other => {
            // Failed or unchanged: the temporary file goes, the target is as it was.
            let _ = fs::remove_file(&tmp.0);
            other.map(|(stats, _)| stats)
        }
    }
}

/// A new, exclusively created temporary file beside `name` in `dir`.
fn tempfile_in(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".{name}.headroom-{}-{n}.tmp", std::process::id()));
        match File::options().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

fn saved(stats: &FileStats) -> f64 {
    if stats.tokens_in == 0 {
        0.0
    } else {
        100.0 * (1.0 - stats.tokens_out as f64 / stats.tokens_in as f64)
    }
}

/// The final table: one row per file and the totals; with `align`, a column counts
/// the dynamic spans moved out of prompts.
pub fn table(outcomes: &[Outcome], elapsed: Duration, align: bool) -> String {
    let mut header: Vec<String> = [
        "file",
        "records",
        "results",
        "tokens before → after",
        "saved",
    ]
    .map(String::from)
    .into();
    if align {
        header.push("dynamic".into());
    }
    let row_of = |name: &str, s: &FileStats| {
        let mut cells = row(name, s);
        if align {
            cells.push(thousands(s.dynamic_moved));
        }
        cells
    };
    let mut rows = vec![header];
    let mut total = FileStats::default();
    let mut failed = 0;
    for o in outcomes {
        match &o.result {
            Ok(s) => {
                total.add(s);
                rows.push(row_of(&o.path.display().to_string(), s));
            }
            Err(e) => {
                failed += 1;
                rows.push(vec![o.path.display().to_string(), format!("error: {e}")]);
            }
        }
    }
    let files = outcomes.len() - failed;
    rows.push(row_of(&format!("total ({files} files)"), &total));
    let columns = rows[0].len();
    for r in &mut rows {
        r.resize(columns, String::new());
    }
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        if i == rows.len() - 1 {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (columns - 1)));
            out.push('\n');
        }
        // The file name is aligned left, the numbers right.
        for (c, (cell, width)) in r.iter().zip(&widths).enumerate() {
            let pad = " ".repeat(width.saturating_sub(cell.chars().count()));
            if c == 0 {
                out.push_str(&format!("{cell}{pad}"));
            } else {
                out.push_str(&format!("  {pad}{cell}"));
            }
        }
        out.push('\n');
    }
    let secs = elapsed.as_secs_f64().max(1e-9);
    out.push_str(&format!(
        "{} bytes in {:.2}s ({:.1} MB/s)\n",
        thousands(total.bytes_in),
        secs,
        total.bytes_in as f64 / 1e6 / secs
    ));
    out
}

fn row(name: &str, s: &FileStats) -> Vec<String> {
    vec![
        name.to_string(),
        thousands(s.records),
        format!("{}/{}", thousands(s.compressed), thousands(s.tool_results)),
        format!("{} → {}", thousands(s.tokens_in), thousands(s.tokens_out)),
        format!("{:.1}%", saved(s)),
    ]
}

/// The machine-readable report: per file and in total.
pub fn json(outcomes: &[Outcome], elapsed: Duration) -> serde_json::Value {
    let mut total = FileStats::default();
    let files: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| match &o.result {
            Ok(s) => {
                total.add(s);
                let mut v = serde_json::to_value(s).unwrap_or_default();
                v["file"] = o.path.display().to_string().into();
                v["saved_pct"] = ((saved(s) * 10.0).round() / 10.0).into();
                v
            }
            Err(e) => serde_json::json!({"file": o.path.display().to_string(), "error": e}),
        })
        .collect();
    let mut totals = serde_json::to_value(&total).unwrap_or_default();
    totals["saved_pct"] = ((saved(&total) * 10.0).round() / 10.0).into();
    totals["seconds"] = ((elapsed.as_secs_f64() * 1000.0).round() / 1000.0).into();
    serde_json::json!({"files": files, "total": totals})
}
