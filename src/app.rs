//! What each command does, given parsed arguments; the binaries only parse and exit.
//!
//! Exit statuses: 0 success; 1 an input could not be read, or a selector matched
//! nothing; 2 usage errors and store errors (unknown hash, corrupt original);
//! `headroom run` exits with the command's own status.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use crate::cli::{AlignArgs, CatArgs, Cli, Command, FilterArgs, TranscriptArgs};
use crate::pipeline::{self, Options, Report};
use crate::retrieve::{self, Failure, Found, Selector};
use crate::store::{self, Hash, Store};

/// Runs `headroom` with parsed arguments; returns the exit status.
pub fn headroom(cli: Cli) -> i32 {
    match cli.command {
        None => filter_files(&cli.files, &cli.filter),
        Some(Command::Run { filter, command }) => run(&command, &filter),
        Some(Command::Retrieve(args)) => cat(args),
        Some(Command::Detect { filter, file }) => detect(file.as_deref(), &filter),
        Some(Command::Transcript(args)) => transcript(&args),
        Some(Command::Align(args)) => align(&args),
        Some(Command::Stats { since, json, store }) => {
            stats(since.as_deref(), json, &store.resolve())
        }
        Some(Command::Gc {
            older_than,
            max_size,
            store,
        }) => gc(older_than.as_deref(), max_size.as_deref(), &store.resolve()),
    }
}

fn options(args: &FilterArgs) -> Options {
    Options {
        query: args.query.clone().filter(|q| !q.trim().is_empty()),
        forced: args.kind,
        cmd: args.cmd.clone().filter(|c| !c.trim().is_empty()),
        budget: args.budget,
        lossless: args.lossless,
        store_dir: args.store.resolve(),
    }
}

fn stdout() -> BufWriter<io::StdoutLock<'static>> {
    BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

/// Reports a filter run on stderr: its note, and statistics when asked.
fn report(result: &Report, stats: bool) {
    if let Some(note) = &result.note {
        eprintln!("headroom: {note}");
    }
    if stats {
        if let Ok(line) = serde_json::to_string(result) {
            eprintln!("{line}");
        }
    }
}

fn open_input(path: &Path) -> io::Result<Box<dyn Read>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(io::stdin().lock()))
    } else {
        Ok(Box::new(File::open(path)?))
    }
}

fn filter_files(files: &[std::path::PathBuf], args: &FilterArgs) -> i32 {
    let opts = options(args);
    let stdin = [std::path::PathBuf::from("-")];
    let files = if files.is_empty() { &stdin[..] } else { files };
    let mut out = stdout();
    let mut status = 0;
    for (i, path) in files.iter().enumerate() {
        let mut input = match open_input(path) {
            Ok(input) => input,
            Err(e) => {
                eprintln!("headroom: {}: {e}", path.display());
                status = 1;
                continue;
            }
        };
        if files.len() > 1 {
            let sep = if i == 0 { "" } else { "\n" };
            if let Err(e) = writeln!(out, "{sep}==> {} <==", path.display()) {
                return output_error(e);
            }
        }
        match pipeline::filter(&mut input, &mut out, &opts) {
            Ok(r) => report(&r, args.stats),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return 0,
            Err(e) => {
                eprintln!("headroom: {}: {e}", path.display());
                status = 1;
            }
        }
    }
    match out.flush() {
        Ok(()) => status,
        Err(e) => output_error(e),
    }
}

/// A reader that went away is not an error (`headroom | head`); anything else is.
fn output_error(e: io::Error) -> i32 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        0
    } else {
        eprintln!("headroom: cannot write output: {e}");
        1
    }
}

fn run(command: &[std::ffi::OsString], args: &FilterArgs) -> i32 {
    let opts = options(args);
    let mut out = stdout();
    match crate::run::run(command, &opts, &mut out) {
        Err((status, message)) => {
            eprintln!("headroom: {message}");
            status
        }
        Ok(outcome) => {
            match outcome.report {
                Ok(r) => report(&r, args.stats),
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
                Err(e) => eprintln!("headroom: {e}"),
            }
            let _ = out.flush();
            outcome.status
        }
    }
}

fn detect(file: Option<&Path>, args: &FilterArgs) -> i32 {
    let opts = options(args);
    let path = file.unwrap_or(Path::new("-"));
    let result = open_input(path).and_then(|mut input| pipeline::explain(&mut input, &opts));
    match result {
        Ok(d) => {
            println!("{}: {}", d.kind.name(), d.evidence);
            0
        }
        Err(e) => {
            eprintln!("headroom: {}: {e}", path.display());
            1
        }
    }
}

fn transcript(args: &TranscriptArgs) -> i32 {
    use crate::transcript::batch::{self, Destination};
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let dest = match (&args.out_dir, args.in_place, args.dry_run, stdin) {
        (_, _, _, true) if args.paths.len() > 1 || args.out_dir.is_some() || args.in_place => {
            eprintln!("headroom transcript: '-' (standard input to standard output) stands alone");
            return 2;
        }
        (_, _, _, true) => Destination::Stdout,
        (Some(dir), ..) => Destination::Dir(dir.clone()),
        (None, true, ..) => Destination::InPlace {
            backup: args.backup,
        },
        (None, false, true, _) => Destination::DryRun,
        (None, false, false, _) => {
            eprintln!(
                "headroom transcript: say where the results go: -o DIR, --in-place or --dry-run"
            );
            return 2;
        }
    };
    let jobs = match batch::collect(&args.paths, &dest) {
        Ok(jobs) => jobs,
        Err(e) => {
            eprintln!("headroom transcript: {e}");
            return 1;
        }
    };
    let settings = crate::transcript::Settings {
        budget: args.budget,
        store_dir: args.store.resolve(),
        align_cache: args.align_cache,
    };
    let threads = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let started = std::time::Instant::now();
    let outcomes = batch::run(&jobs, &dest, &settings, threads);
    let elapsed = started.elapsed();
    let report = if args.json {
        format!("{}\n", batch::json(&outcomes, elapsed))
    } else {
        batch::table(&outcomes, elapsed, args.align_cache)
    };
    // With the transcript itself on standard output, the report goes to stderr.
    if matches!(dest, Destination::Stdout) {
        eprint!("{report}");
    } else {
        print!("{report}");
    }
    let failed = outcomes.iter().any(|o| o.result.is_err());
    i32::from(failed)
}

/// `headroom align`: the report on stdout (on stderr when the fixed file goes there);
/// 0 cache-stable or fixed, 1 dynamic spans found, 2 errors.
fn align(args: &AlignArgs) -> i32 {
    let to_stdout = args.fix && !args.in_place;
    if to_stdout && args.files.len() > 1 {
        eprintln!(
            "headroom align: --fix writes one FILE to standard output; --in-place rewrites several"
        );
        return 2;
    }
    let mut reports = Vec::new();
    let mut failed = false;
    for path in &args.files {
        let name = path.display().to_string();
        match align_file(path, args) {
            Ok(report) => reports.push((name, report)),
            Err(e) => {
                eprintln!("headroom align: {name}: {e}");
                failed = true;
            }
        }
    }
    let report = if args.json {
        format!("{}\n", crate::align::json(&reports, args.fix))
    } else {
        let mut text: String = reports
            .iter()
            .map(|(name, r)| crate::align::render(name, r))
            .collect();
        text.push_str(&crate::align::summary(&reports, args.fix));
        text
    };
    if to_stdout {
        eprint!("{report}");
    } else {
        print!("{report}");
    }
    let found = reports.iter().any(|(_, r)| !r.findings.is_empty());
    match (failed, found && !args.fix) {
        (true, _) => 2,
        (false, true) => 1,
        (false, false) => 0,
    }
}

/// Aligns one file; with --fix, writes the fixed file (the input itself when nothing
/// moved) to stdout, or over the file when something moved and --in-place.
fn align_file(path: &Path, args: &AlignArgs) -> Result<crate::align::FileReport, String> {
    if args.in_place && path.as_os_str() == "-" {
        return Err("--in-place needs a file, not standard input".into());
    }
    let mut bytes = Vec::new();
    open_input(path)
        .and_then(|mut input| input.read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    let (report, fixed) = crate::align::align(&bytes, args.fix)?;
    let written = match (args.fix, args.in_place, fixed) {
        (false, ..) => Ok(()),
        (true, false, fixed) => {
            let mut out = stdout();
            out.write_all(fixed.as_deref().unwrap_or(&bytes))
                .and_then(|_| out.flush())
        }
        (true, true, Some(fixed)) => {
            crate::transcript::batch::atomic_write(path, path, args.backup, |out| {
                out.write_all(&fixed).map(|_| (true, ()))
            })
        }
        (true, true, None) => Ok(()),
    };
    written.map_err(|e| e.to_string())?;
    Ok(report)
}

fn stats(since: Option<&str>, json: bool, dir: &Path) -> i32 {
    let since_unix = match since.map(store::parse_duration).transpose() {
        Ok(age) => age.map_or(0, |age| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |now| now.saturating_sub(age).as_secs())
        }),
        Err(e) => {
            eprintln!("headroom stats: {e}");
            return 2;
        }
    };
    let (store, entries) = match Store::open(dir.to_path_buf())
        .and_then(|store| store.entries().map(|entries| (store, entries)))
    {
        Ok(opened) => opened,
        Err(e) => {
            eprintln!("headroom stats: {e}");
            return 2;
        }
    };
    let (metas, cache_error) = crate::stats::count_exact(&store, entries, since_unix);
    if let Some(e) = cache_error {
        eprintln!("headroom stats: exact counts not cached, the next run counts again: {e}");
    }
    let report = crate::stats::summarize(&metas, since_unix);
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("headroom stats: {e}");
                return 2;
            }
        }
    } else {
        print!("{}", crate::stats::render(&report));
    }
    0
}

fn gc(older_than: Option<&str>, max_size: Option<&str>, dir: &Path) -> i32 {
    let parsed = (|| -> Result<_, String> {
        let age = older_than
            .map(store::parse_duration)
            .transpose()
            .map_err(|e| e.to_string())?;
        let size = max_size
            .map(store::parse_size)
            .transpose()
            .map_err(|e| e.to_string())?;
        // With no limit named, the documented defaults apply.
        Ok(match (age, size) {
            (None, None) => (Some(store::DEFAULT_MAX_AGE), Some(store::DEFAULT_MAX_SIZE)),
            named => named,
        })
    })();
    let (age, size) = match parsed {
        Ok(p) => p,
        Err(e) => {
            eprintln!("headroom gc: {e}");
            return 2;
        }
    };
    match Store::open(dir.to_path_buf()).and_then(|s| s.gc(age, size)) {
        Ok(r) => {
            println!(
                "removed {} ({} bytes); kept {} ({} bytes)",
                crate::marker::count_of(r.removed as u64, "original", "originals"),
                crate::marker::thousands(r.freed_bytes),
                crate::marker::count_of(r.kept as u64, "original", "originals"),
                crate::marker::thousands(r.kept_bytes),
            );
            0
        }
        Err(e) => {
            eprintln!("headroom gc: {e}");
            2
        }
    }
}

/// The lines the last view of `hash` showed, when the store still has that view; a
/// missing or unreadable one only means `--query` ranks every line alike.
fn last_view(store: &Store, hash: &Hash) -> Option<retrieve::Shown> {
    let view = store.meta(hash).ok()??.view?;
    let bytes = store.read(&Hash::from_hex(&view)?).ok()?;
    retrieve::Shown::from_view(&bytes, &hash.short())
}

/// Runs `headroom-cat` (and `headroom retrieve`); returns the exit status.
pub fn cat(args: CatArgs) -> i32 {
    let fail = |message: String| {
        eprintln!("headroom-cat: {message}");
        2
    };
    let selector = match Selector::parse(
        args.lines.as_deref(),
        args.grep.as_deref(),
        args.query.as_deref(),
        args.path.as_deref(),
        args.items.as_deref(),
    ) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let store = match Store::open(args.store.resolve()) {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    let hash = match store.resolve(&args.hash) {
        Ok(h) => h,
        Err(e) => return fail(e.to_string()),
    };
    if let Err(e) = store.verify(&hash) {
        return fail(e.to_string());
    }
    let mut out = stdout();
    let mut open = || -> io::Result<Box<dyn Read>> {
        Ok(Box::new(io::BufReader::with_capacity(
            256 * 1024,
            store.open_blob(&hash).map_err(io::Error::other)?,
        )))
    };
    let shown = selector
        .query
        .is_some()
        .then(|| last_view(&store, &hash))
        .flatten();
    let result = retrieve::print(
        &selector,
        &mut open,
        &hash.short(),
        shown.as_ref(),
        &mut out,
        &mut io::stderr(),
    );
    match result.and_then(|found| out.flush().map(|_| found).map_err(Failure::Io)) {
        Ok(Found::Something) => 0,
        Ok(Found::Nothing) => 1,
        Err(Failure::Nothing(message)) => {
            eprintln!("headroom-cat: {message}");
            1
        }
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => fail(e.to_string()),
    }
}
