//! Command-line definitions, shared by `--help`, the man pages and both binaries.
//!
//! Flags are documented once, here; `man/*.1` are generated from these definitions
//! (see `tests/man.rs`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::detect::ContentType;
use crate::pipeline::DEFAULT_BUDGET;
use crate::transcript::TRANSCRIPT_BUDGET;

/// Shrink tool output for AI agents; every elision is marked and retrievable.
///
/// Reads FILEs (or standard input), detects what kind of output it is, and prints a
/// smaller view that keeps what matters: errors, warnings, rare events, lines that
/// match --query. Everything left out is stored, and each marker says how to get it
/// back with `headroom-cat`. Inputs under about 500 tokens pass through unchanged.
#[derive(Debug, Parser)]
#[command(name = "headroom", version, args_conflicts_with_subcommands = true)]
#[command(
    after_help = "Examples:\n  cargo test 2>&1 | headroom\n  headroom run -- make -j8\n  headroom-cat 3f9a2c81d4e7 --query \"connection refused\""
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files to compress ('-' or none: standard input).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub filter: FilterArgs,
}

/// Options of the filter, shared by `headroom`, `headroom run` and `headroom detect`.
#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// What you are looking for: matching lines are kept whole.
    #[arg(
        short = 'q',
        long,
        env = "HEADROOM_QUERY",
        hide_env_values = true,
        value_name = "TEXT"
    )]
    pub query: Option<String>,

    /// Force the content type instead of detecting it.
    #[arg(short = 't', long = "type", value_enum, value_name = "TYPE")]
    pub kind: Option<ContentType>,

    /// The command that produced the input, as a routing hint.
    #[arg(
        long,
        env = "HEADROOM_CMD",
        hide_env_values = true,
        value_name = "COMMAND"
    )]
    pub cmd: Option<String>,

    /// Target size of the view in tokens (must-keep lines may exceed it).
    #[arg(short = 'b', long, value_name = "TOKENS", default_value_t = DEFAULT_BUDGET)]
    pub budget: u64,

    /// Never elide anything: output is the input.
    #[arg(long)]
    pub lossless: bool,

    #[command(flatten)]
    pub store: StoreArgs,

    /// Print one JSON line of statistics on stderr.
    #[arg(long)]
    pub stats: bool,
}

/// Where the originals are kept.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Store directory [default: $XDG_DATA_HOME/headroom].
    #[arg(
        long = "store",
        env = "HEADROOM_STORE",
        hide_env_values = true,
        value_name = "DIR"
    )]
    pub dir: Option<PathBuf>,
}

impl StoreArgs {
    pub fn resolve(&self) -> PathBuf {
        self.dir
            .clone()
            .unwrap_or_else(crate::store::Store::default_dir)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a command and compress its output (stdout and stderr, interleaved).
    ///
    /// Exits with the command's status (128+N if killed by signal N; 127 if it
    /// cannot be started). The command runs without a shell unless you write one:
    /// `headroom run -- sh -c 'make | tee log'`.
    Run {
        #[command(flatten)]
        filter: FilterArgs,
        /// The command and its arguments.
        #[arg(required = true, last = true, value_name = "CMD")]
        command: Vec<std::ffi::OsString>,
    },
    /// Print a stored original, or part of it (same as headroom-cat).
    Retrieve(CatArgs),
    /// Print the detected content type and why.
    Detect {
        #[command(flatten)]
        filter: FilterArgs,
        /// File to examine ('-' or none: standard input).
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Compress the tool results inside agent transcripts (Claude Code, Codex CLI).
    ///
    /// Each tool result above about 500 tokens goes through the filter with its own
    /// tool call as the routing hint and the latest user message as the query; its
    /// original goes to the store and markers in the view say how to get it back.
    /// Everything else in the file stays byte for byte as it was, and a second run
    /// changes nothing. Directories are walked for *.jsonl and *.json; '-' reads
    /// standard input and writes standard output. Prints a table per file (or JSON
    /// with --json); a progress bar shows on a terminal.
    Transcript(TranscriptArgs),
    /// Report dynamic content in system prompts that defeats provider prompt caching.
    ///
    /// Prompt caches match an exact prefix, so a date, id or token inside a system
    /// prompt or instructions makes every request a miss. Reports ISO timestamps and
    /// dates, UUIDs, request/session/trace ids, JWTs, API-key-like tokens, hex digests
    /// and other high-entropy strings, each with its place (possible credentials are
    /// shown only by their first 4 characters and length). A FILE is read as one JSON
    /// request or message array (OpenAI, Anthropic), as JSON Lines (Codex and Claude
    /// Code transcripts), or else as plain text that is one prompt. --fix replaces each
    /// span by a placeholder such as {{date-1}} and lists the values in a
    /// <dynamic-context> block at the end of its prompt; in JSON only those string
    /// literals change, and a second --fix changes nothing. Exit status: 0 when the
    /// prompts are cache-stable (or --fix succeeded), 1 when dynamic spans were found,
    /// 2 on errors, like a linter.
    Align(AlignArgs),
    /// Tokens saved, from the store's records: totals, per day, per content type,
    /// per command, and the commands that saved the most (estimated token counts).
    Stats {
        /// Only originals stored within this long (e.g. 7d, 12h).
        #[arg(long, value_name = "DUR")]
        since: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Prune the store (by default: older than 30 days, over 2 GiB in total).
    Gc {
        /// Remove originals older than this (e.g. 7d, 12h, 90m).
        #[arg(long, value_name = "DUR")]
        older_than: Option<String>,
        /// Then remove the oldest until the store is at most this big (e.g. 500M, 2G).
        #[arg(long, value_name = "SIZE")]
        max_size: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Options of `headroom transcript`.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("destination").args(["out_dir", "in_place", "dry_run"])))]
pub struct TranscriptArgs {
    /// Transcript files or directories ('-': standard input to standard output).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Write rewritten transcripts into DIR (paths below a named directory are kept).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// Rewrite the files in place (atomically, keeping their permissions).
    #[arg(long)]
    pub in_place: bool,

    /// With --in-place, keep each original as FILE.orig.
    #[arg(long, requires = "in_place")]
    pub backup: bool,

    /// Write nothing; only report what would be saved.
    #[arg(long)]
    pub dry_run: bool,

    /// Files processed in parallel [default: the number of cores].
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Also move dynamic content (dates, ids, tokens, digests) in system prompts and
    /// instructions to the end of each prompt, as `headroom align --fix` does, so the
    /// prompt prefix stays cacheable; the table counts the spans moved.
    #[arg(long)]
    pub align_cache: bool,

    /// Target size of each tool result's view in tokens (smaller than a live call's:
    /// a transcript holds dozens of results).
    #[arg(short = 'b', long, value_name = "TOKENS", default_value_t = TRANSCRIPT_BUDGET)]
    pub budget: u64,

    #[command(flatten)]
    pub store: StoreArgs,
}

/// Options of `headroom align`.
#[derive(Debug, Clone, Args)]
pub struct AlignArgs {
    /// Prompt, request or transcript files ('-': standard input).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Move the dynamic spans to the end of their prompt: the fixed file goes to
    /// standard output (one FILE), or over each FILE with --in-place.
    #[arg(long)]
    pub fix: bool,

    /// With --fix, rewrite the files in place (atomically, keeping their permissions).
    #[arg(long, requires = "fix")]
    pub in_place: bool,

    /// With --in-place, keep each original as FILE.orig.
    #[arg(long, requires = "in_place")]
    pub backup: bool,

    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Print a stored original, or the part of it a selector names.
///
/// With no selector the original is printed byte for byte, after its BLAKE3 hash is
/// verified. Selectors combine: -L restricts the lines that --grep and --query search;
/// --path and --items select from a JSON original (one document or JSON Lines) and
/// combine only with each other. Exit status: 0 when something was printed, 1 when a
/// selector matched nothing (or a path does not exist), 2 on errors (unknown or pruned
/// hash, corrupt store, bad selector, --path on an original that is not JSON).
#[derive(Debug, Clone, Parser)]
#[command(name = "headroom-cat", version)]
pub struct CatArgs {
    /// Hash from a marker (at least 8 hex digits of a unique prefix).
    #[arg(value_name = "HASH")]
    pub hash: String,

    /// Lines A to B, 1-based and inclusive (A:B, A:, :B or A).
    #[arg(short = 'L', long = "lines", value_name = "A:B")]
    pub lines: Option<String>,

    /// Lines matching this regular expression, numbered.
    #[arg(long, value_name = "RE")]
    pub grep: Option<String>,

    /// Lines relevant to TEXT (BM25 plus exact identifiers), ranked, capped, with context.
    ///
    /// Lines the original's last view already showed count half, so the answer goes to
    /// what that view left out unless a shown line matches far better.
    ///
    /// On a JSON original, whole items instead: the elements of its outermost arrays
    /// (or the lines of JSON Lines), printed as `PATH: item`.
    #[arg(short = 'q', long, value_name = "TEXT")]
    pub query: Option<String>,

    /// JSON values at a jq-style path, one per line, minified.
    ///
    /// E.g. `.a.b`, `.a["x y"]`, `[0]`, `.runs[-1]`; a slice `[40:60]` or `[]` maps the
    /// rest of the path over each element: `.runs[40:60].conclusion`. On JSON Lines
    /// the path applies to each line.
    #[arg(long, value_name = "EXPR")]
    pub path: Option<String>,

    /// Items A to B of the array at --path (or the root), 0-based, end exclusive.
    ///
    /// A:B, A:, :B, or N for one item; negative counts from the end; out-of-range
    /// bounds are clamped. One item per line, minified; an object's members are taken
    /// by position, each as {"key":value}; on JSON Lines the items are the lines.
    #[arg(long, value_name = "A:B", allow_hyphen_values = true)]
    pub items: Option<String>,

    #[command(flatten)]
    pub store: StoreArgs,
}
