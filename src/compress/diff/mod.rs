//! Unified and git diffs: `git diff`, `git show`, `git log -p`, `diff -u`/`-r`.
//!
//! What the view keeps:
//! - every file's `diff` line, the headers that say something the `diff` line does
//!   not (new, deleted, renamed, mode changes; a plain diff's `+++`), every hunk
//!   header and every added and removed line;
//! - one or two context lines next to each change, as the budget allows; the rest of
//!   the context goes to markers. **Hunk headers are shown as the tool printed
//!   them**: they count the whole hunk, and the marker inside a hunk counts exactly
//!   the context lines left out of it, so `shown + elided` still adds up to the
//!   header's numbers and every shown line's position can be worked out;
//! - a hunk whose changed lines repeat an earlier hunk's exactly (a licence header
//!   removed from 200 files) is shown once, with a note saying how many more hunks
//!   make the same change; files whose every hunk is such a repeat are folded whole;
//! - lockfiles, generated, minified and vendored files: their `diff` line with the
//!   counts of added and removed lines, and a marker for the rest; binary diffs are
//!   one line;
//! - commits (`git show`, `git log -p`): the commit line, its header fields and
//!   subject; with several commits, a commit's changes are shown in full when it
//!   matches the query or while the budget lasts (newest first), and otherwise
//!   reduced to its files' `diff` lines with their counts;
//! - lines that hold the query's anchors, and the lines that best match its words.

mod parse;

use std::cell::RefCell;
use std::collections::HashMap;

use super::git::query::{Hit, QueryLines};
use super::{Compressor, Context, Picker, Selection};
use crate::hash::{hash_bytes, FastBuild};
use crate::marker::{count_of, thousands};
use crate::relevance::Query;
use parse::{Class, Parser};

/// Context lines kept on each side of a change, at most.
const CONTEXT: u8 = 2;
/// Lines holding the query's anchors kept whatever the budget.
const MUST_ANCHOR_LINES: usize = 16;
/// Lines kept for their query score at most, and the share of the best they need.
const MAX_QUERY_LINES: usize = 12;
const QUERY_LINE_SHARE: f64 = 0.5;
/// Commits whose changes are shown in full because they match the query, at most.
const MAX_QUERY_COMMITS: usize = 3;
/// Share of the budget that full commit diffs may take in a multi-commit log; the
/// rest goes to context and messages.
const FULL_COMMITS_SHARE: f64 = 0.75;
/// Files, hunks and commits tracked at most; lines past the caps are still counted
/// and go to markers.
const MAX_FILES: usize = 100_000;
const MAX_HUNKS: usize = 400_000;
const MAX_COMMITS: usize = 100_000;
/// Commit message lines remembered per commit, stat and other lines overall.
const MAX_MESSAGE_LINES: usize = 40;
const MAX_LOOSE_LINES: usize = 20_000;
/// A file whose changed lines average this many bytes is minified.
const MINIFIED_LINE_BYTES: u64 = 400;
/// Changed lines of a file searched for a "generated" mark.
const GENERATED_SCAN_LINES: u32 = 20;

/// One line as selection needs it: index and estimated cost.
type Line = (u64, u32);

/// Why a file's changes are reduced to their counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Summary {
    Lockfile,
    Generated,
    Minified,
    Vendored,
}

impl Summary {
    fn name(self) -> &'static str {
        match self {
            Summary::Lockfile => "lockfile",
            Summary::Generated => "generated",
            Summary::Minified => "minified",
            Summary::Vendored => "vendored",
        }
    }
}

#[derive(Debug)]
struct Hunk {
    header: Line,
    /// Hash of the changed lines, in order: equal hunks make the same change.
    fingerprint: u64,
    /// Runs of changed lines: (first index, lines, cost).
    changes: Vec<(u64, u32, u64)>,
    /// Context lines within [`CONTEXT`] of a change, with their distance to it.
    context: Vec<(u64, u32, u8)>,
}

impl Hunk {
    fn changed_cost(&self) -> u64 {
        self.changes.iter().map(|c| c.2).sum()
    }
}

#[derive(Debug)]
struct File {
    /// The `diff` line (or a plain diff's `---`); `None` for hunks with no file line.
    line: Option<Line>,
    /// Header lines worth showing: new/deleted/renamed/mode, a plain diff's `+++`.
    headers: Vec<Line>,
    /// The first binary line (`Binary files … differ`, `GIT binary patch`).
    binary: Option<Line>,
    path: Vec<u8>,
    added: u64,
    removed: u64,
    changed_bytes: u64,
    changed_lines: u32,
    generated_mark: bool,
    hunks: std::ops::Range<usize>,
    commit: Option<usize>,
}

impl File {
    fn summary(&self) -> Option<Summary> {
        path_summary(&self.path).or(if self.generated_mark {
            Some(Summary::Generated)
        } else if self.changed_lines > 0
            && self.changed_bytes / u64::from(self.changed_lines) >= MINIFIED_LINE_BYTES
        {
            Some(Summary::Minified)
        } else {
            None
        })
    }

    fn counts(&self) -> String {
        format!("+{} -{}", thousands(self.added), thousands(self.removed))
    }
}

#[derive(Debug)]
struct Commit {
    /// The commit line, header fields and subject.
    head: Vec<Line>,
    /// Further message lines, up to [`MAX_MESSAGE_LINES`].
    body: Vec<Line>,
    files: std::ops::Range<usize>,
    /// Last line index of the commit.
    end: u64,
}

/// The diff compressor; see the module documentation.
pub struct DiffCompressor {
    parser: Parser,
    /// The same classifier, run again over pass two (`show` and `label`).
    renderer: RefCell<Parser>,
    query: QueryLines,
    commits: Vec<Commit>,
    files: Vec<File>,
    hunks: Vec<Hunk>,
    /// Lines kept whatever the budget: stat totals, binary lines outside files.
    singles: Vec<Line>,
    stats: Vec<Line>,
    others: Vec<Line>,
    /// State of the hunk being read.
    open_hunk: bool,
    recent_context: Vec<Line>,
    since_change: u8,
    previous: Class,
    lines: u64,
    untracked: u64,
}

/// The compressor for a diff, boxed for [`super::for_type`].
pub fn boxed(query: &Query) -> Box<dyn Compressor> {
    Box::new(compressor(query))
}

/// The compressor for a diff.
pub fn compressor(query: &Query) -> DiffCompressor {
    DiffCompressor {
        parser: Parser::default(),
        renderer: RefCell::new(Parser::default()),
        query: QueryLines::new(query),
        commits: Vec::new(),
        files: Vec::new(),
        hunks: Vec::new(),
        singles: Vec::new(),
        stats: Vec::new(),
        others: Vec::new(),
        open_hunk: false,
        recent_context: Vec::new(),
        since_change: CONTEXT,
        previous: Class::Other,
        lines: 0,
        untracked: 0,
    }
}

/// The structural signature of this family; see [`super::Signature`]: a hunk
/// header, a `diff --git` line or a binary-diff line; or a `--stat` block with its
/// totals and no commit (a commit with only a stat is a `git log`).
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    let mut parser = Parser::default();
    let (mut files, mut hunks, mut changed, mut stats, mut totals, mut commits) =
        (0, 0, 0, 0, 0, 0);
    for line in lines {
        match parser.classify(line) {
            Class::File if line.starts_with(b"diff ") => files += 1,
            Class::Hunk => hunks += 1,
            Class::Changed => changed += 1,
            Class::Binary => files += 1,
            Class::Stat => stats += 1,
            Class::StatSummary => totals += 1,
            Class::Commit => commits += 1,
            _ => {}
        }
    }
    if hunks > 0 && changed > 0 {
        return Some(format!(
            "{} and {} with changed lines",
            count_of(hunks, "hunk header", "hunk headers"),
            count_of(files, "diff line", "diff lines")
        ));
    }
    if files > 0 {
        return Some(count_of(files, "diff line", "diff lines"));
    }
    if commits == 0 && totals > 0 && stats > 0 {
        return Some(format!(
            "a diffstat: {} and its totals",
            count_of(stats, "file line", "file lines")
        ));
    }
    None
}

/// The summary a path alone calls for: lockfiles, vendored trees, generated code.
fn path_summary(path: &[u8]) -> Option<Summary> {
    const LOCKFILES: [&[u8]; 23] = [
        b"Cargo.lock",
        b"package-lock.json",
        b"npm-shrinkwrap.json",
        b"yarn.lock",
        b"pnpm-lock.yaml",
        b"bun.lock",
        b"bun.lockb",
        b"poetry.lock",
        b"Pipfile.lock",
        b"uv.lock",
        b"pdm.lock",
        b"Gemfile.lock",
        b"composer.lock",
        b"go.sum",
        b"flake.lock",
        b"mix.lock",
        b"Podfile.lock",
        b"Package.resolved",
        b"packages.lock.json",
        b"pubspec.lock",
        b"gradle.lockfile",
        b"conan.lock",
        b"deno.lock",
    ];
    const VENDORED: [&[u8]; 5] = [
        b"vendor",
        b"node_modules",
        b"third_party",
        b"third-party",
        b"bower_components",
    ];
    if [&b".min.js"[..], b".min.css"]
        .iter()
        .any(|s| path.ends_with(s))
    {
        return Some(Summary::Minified);
    }
    const GENERATED: [&[u8]; 11] = [
        b".js.map",
        b".css.map",
        b".pb.go",
        b"_pb2.py",
        b"_pb2_grpc.py",
        b".pb.cc",
        b".pb.h",
        b".g.dart",
        b".freezed.dart",
        b".designer.cs",
        b".generated.ts",
    ];
    let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    if LOCKFILES.contains(&name) {
        return Some(Summary::Lockfile);
    }
    if path
        .split(|&b| b == b'/')
        .rev()
        .skip(1)
        .any(|dir| VENDORED.contains(&dir))
    {
        return Some(Summary::Vendored);
    }
    GENERATED
        .iter()
        .any(|suffix| name.ends_with(suffix))
        .then_some(Summary::Generated)
}

/// The path a `---`/`+++` header names, without `a/`/`b/` and a timestamp; `None`
/// for `/dev/null`.
fn header_path(value: &[u8]) -> Option<&[u8]> {
    let value = value
        .split(|&b| b == b'\t')
        .next()
        .unwrap_or(value)
        .trim_ascii();
    if value == b"/dev/null" {
        return None;
    }
    Some(
        value
            .strip_prefix(b"a/")
            .or_else(|| value.strip_prefix(b"b/"))
            .unwrap_or(value),
    )
}

/// Marks in changed lines that say a file is generated.
fn has_generated_mark(line: &[u8]) -> bool {
    [&b"@generated"[..], b"DO NOT EDIT", b"Code generated by"]
        .iter()
        .any(|mark| memchr::memmem::find(line, mark).is_some())
}

impl DiffCompressor {
    fn open_file(&mut self, line: Option<Line>) -> bool {
        if self.files.len() >= MAX_FILES {
            return false;
        }
        let commit = self.commits.len().checked_sub(1);
        let start = self.hunks.len();
        self.files.push(File {
            line,
            headers: Vec::new(),
            binary: None,
            path: Vec::new(),
            added: 0,
            removed: 0,
            changed_bytes: 0,
            changed_lines: 0,
            generated_mark: false,
            hunks: start..start,
            commit,
        });
        if let Some(c) = self.commits.last_mut() {
            c.files.end = self.files.len();
        }
        true
    }

    /// Ends the hunk being read.
    fn close_hunk(&mut self) {
        self.open_hunk = false;
    }

    fn open_hunk(&mut self, header: Line) {
        self.close_hunk();
        if self.hunks.len() >= MAX_HUNKS {
            self.untracked += 1;
            return;
        }
        let commit = self.commits.len().checked_sub(1);
        if self.files.last().is_none_or(|f| f.commit != commit) {
            self.open_file(None);
        }
        self.hunks.push(Hunk {
            header,
            fingerprint: 0,
            changes: Vec::new(),
            context: Vec::new(),
        });
        if let Some(f) = self.files.last_mut() {
            f.hunks.end = self.hunks.len();
        }
        self.open_hunk = true;
        self.recent_context.clear();
        self.since_change = CONTEXT;
    }

    fn changed_line(&mut self, index: u64, line: &[u8], cost: u32) {
        if !self.open_hunk {
            self.untracked += 1;
            return;
        }
        let hunk = self.hunks.last_mut().expect("open hunk");
        hunk.fingerprint = hash_bytes(line, hunk.fingerprint);
        match hunk.changes.last_mut() {
            Some(run) if run.0 + u64::from(run.1) == index => {
                run.1 += 1;
                run.2 += u64::from(cost);
            }
            _ => {
                let n = self.recent_context.len();
                for (k, &(i, c)) in self.recent_context.iter().enumerate() {
                    if !hunk.context.iter().rev().take(4).any(|e| e.0 == i) {
                        hunk.context.push((i, c, (n - k) as u8));
                    }
                }
                hunk.changes.push((index, 1, u64::from(cost)));
            }
        }
        self.recent_context.clear();
        self.since_change = 0;
        if let Some(file) = self.files.last_mut() {
            match line.first() {
                Some(b'+') => file.added += 1,
                _ => file.removed += 1,
            }
            if file.changed_lines < GENERATED_SCAN_LINES && has_generated_mark(line) {
                file.generated_mark = true;
            }
            file.changed_lines += 1;
            file.changed_bytes += line.len() as u64;
        }
    }

    fn context_line(&mut self, index: u64, cost: u32) {
        if !self.open_hunk {
            return;
        }
        let hunk = self.hunks.last_mut().expect("open hunk");
        if self.since_change < CONTEXT {
            self.since_change += 1;
            hunk.context.push((index, cost, self.since_change));
        }
        if self.recent_context.len() == usize::from(CONTEXT) {
            self.recent_context.remove(0);
        }
        self.recent_context.push((index, cost));
    }

    fn file_header(&mut self, index: u64, line: &[u8], cost: u32) {
        let Some(file) = self.files.last_mut() else {
            return;
        };
        if let Some(value) = line.strip_prefix(b"+++ ") {
            if let Some(path) = header_path(value) {
                file.path = path[..path.len().min(400)].to_vec();
            }
            // A plain diff's `+++` names the new file: the `---` above is its only
            // other line.
            if file.line.is_some_and(|l| l.0 + 1 == index) {
                file.headers.push((index, cost));
            }
            return;
        }
        if let Some(value) = line.strip_prefix(b"--- ") {
            if file.path.is_empty() {
                if let Some(path) = header_path(value) {
                    file.path = path[..path.len().min(400)].to_vec();
                }
            }
            return;
        }
        const INFORMATIVE: [&[u8]; 9] = [
            b"old mode ",
            b"new mode ",
            b"deleted file mode ",
            b"new file mode ",
            b"rename from ",
            b"rename to ",
            b"copy from ",
            b"copy to ",
            b"dissimilarity index ",
        ];
        if INFORMATIVE.iter().any(|h| line.starts_with(h)) {
            file.headers.push((index, cost));
        }
    }

    fn file_line(&mut self, index: u64, line: &[u8], cost: u32) {
        self.close_hunk();
        if !self.open_file(Some((index, cost))) {
            self.untracked += 1;
            return;
        }
        let file = self.files.last_mut().expect("just opened");
        // `diff --git a/x b/y` names the new path last; `+++` will confirm it.
        if let Some(rest) = line.strip_prefix(b"diff --git ") {
            if let Some(at) = memchr::memmem::rfind(rest, b" b/") {
                file.path = rest[at + 3..].to_vec();
            }
        } else if let Some(value) = line.strip_prefix(b"--- ") {
            if let Some(path) = header_path(value) {
                file.path = path.to_vec();
            }
        } else if let Some(rest) = line.strip_prefix(b"diff ") {
            if let Some(last) = rest.rsplit(|&b| b == b' ').next() {
                file.path = last.to_vec();
            }
        }
        file.path.truncate(400);
    }

    fn commit_line(&mut self, index: u64, cost: u32) {
        self.close_hunk();
        if self.commits.len() >= MAX_COMMITS {
            self.untracked += 1;
            return;
        }
        let files = self.files.len();
        self.commits.push(Commit {
            head: vec![(index, cost)],
            body: Vec::new(),
            files: files..files,
            end: index,
        });
    }

    /// Commits in the order their changes earn a place: those the query points at,
    /// best first, then newest (first) first.
    fn commit_order(&self, hits: &[Hit]) -> (Vec<usize>, usize) {
        let mut relevant: Vec<(f64, usize)> = Vec::new();
        for hit in hits {
            let c = self.commits.partition_point(|c| c.head[0].0 <= hit.index);
            if c == 0 {
                continue;
            }
            let c = c - 1;
            match relevant.iter_mut().find(|(_, id)| *id == c) {
                Some(entry) => entry.0 = entry.0.max(hit.score),
                None => relevant.push((hit.score, c)),
            }
        }
        relevant.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        relevant.truncate(MAX_QUERY_COMMITS);
        let mut order: Vec<usize> = relevant.iter().map(|&(_, c)| c).collect();
        let n_relevant = order.len();
        order.extend((0..self.commits.len()).filter(|c| !relevant.iter().any(|r| r.1 == *c)));
        (order, n_relevant)
    }

    /// The cost of showing a file's changes in full.
    fn full_cost(&self, file: &File) -> u64 {
        if file.summary().is_some() {
            return 0;
        }
        self.hunks[file.hunks.clone()]
            .iter()
            .map(|h| u64::from(h.header.1) + h.changed_cost())
            .sum()
    }

    fn header(
        &self,
        folded: u64,
        summarised: &[(Summary, u64)],
        reduced: usize,
        over: bool,
    ) -> String {
        let (added, removed) = self
            .files
            .iter()
            .fold((0, 0), |(a, r), f| (a + f.added, r + f.removed));
        let mut parts = Vec::new();
        if !self.commits.is_empty() {
            parts.push(count_of(self.commits.len() as u64, "commit", "commits"));
        }
        let named = self.files.iter().filter(|f| f.line.is_some()).count();
        parts.push(count_of(named as u64, "file", "files"));
        parts.push(format!("+{} -{}", thousands(added), thousands(removed)));
        if folded > 0 {
            parts.push(format!(
                "{} repeating an earlier one folded",
                count_of(folded, "hunk", "hunks")
            ));
        }
        for (kind, n) in summarised.iter().filter(|(_, n)| *n > 0) {
            parts.push(format!("{} {} summarised", thousands(*n), kind.name()));
        }
        if reduced > 0 {
            parts.push(format!(
                "{} reduced to file counts",
                count_of(reduced as u64, "commit", "commits")
            ));
        }
        if self.untracked > 0 {
            parts.push(format!(
                "{} past the tracking caps",
                count_of(self.untracked, "line", "lines")
            ));
        }
        if over {
            parts.push("over budget: changed lines".into());
        }
        format!("[diff: {}]", parts.join(" · "))
    }
}

impl Compressor for DiffCompressor {
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32) {
        self.lines += 1;
        let cost = tokens + 1;
        self.query.observe(index, line, cost);
        let class = self.parser.classify(line);
        if !matches!(class, Class::Changed | Class::Context) {
            self.close_hunk();
        }
        match class {
            Class::Commit => self.commit_line(index, cost),
            Class::CommitHeader | Class::Subject => {
                if let Some(c) = self.commits.last_mut() {
                    c.head.push((index, cost));
                }
            }
            Class::Message => {
                if let Some(c) = self.commits.last_mut() {
                    if c.body.len() < MAX_MESSAGE_LINES && !line.trim_ascii().is_empty() {
                        c.body.push((index, cost));
                    }
                }
            }
            Class::File => self.file_line(index, line, cost),
            Class::FileHeader => self.file_header(index, line, cost),
            Class::Binary => match self.files.last_mut() {
                Some(f) if f.binary.is_none() && self.previous != Class::Binary => {
                    f.binary = Some((index, cost));
                }
                _ if self.previous != Class::Binary && self.singles.len() < MAX_LOOSE_LINES => {
                    self.singles.push((index, cost));
                }
                _ => {}
            },
            Class::Hunk => self.open_hunk((index, cost)),
            Class::Changed => self.changed_line(index, line, cost),
            Class::Context => self.context_line(index, cost),
            Class::StatSummary if self.singles.len() < MAX_LOOSE_LINES => {
                self.singles.push((index, cost));
            }
            Class::StatSummary => {}
            Class::Stat => {
                if self.stats.len() < MAX_LOOSE_LINES {
                    self.stats.push((index, cost));
                }
            }
            Class::Other => {
                if self.others.len() < MAX_LOOSE_LINES && !line.trim_ascii().is_empty() {
                    self.others.push((index, cost));
                }
            }
        }
        if let Some(c) = self.commits.last_mut() {
            c.end = index;
        }
        self.previous = class;
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        self.close_hunk();
        let mut picker = Picker::new(ctx.budget);
        for c in &self.commits {
            for &(i, cost) in &c.head {
                picker.must(i, u64::from(cost), None);
            }
        }
        for &(i, cost) in &self.singles {
            picker.must(i, u64::from(cost), None);
        }
        let anchored = self.query.anchored();
        for hit in anchored.iter().take(MUST_ANCHOR_LINES) {
            picker.must(hit.index, u64::from(hit.cost), None);
        }
        let best = self.query.best(MAX_QUERY_LINES, QUERY_LINE_SHARE);

        // Which commits show their changes in full.
        let mut full = vec![true; self.commits.len()];
        let mut reduced = 0;
        if self.commits.len() > 1 {
            let hits: Vec<Hit> = anchored.iter().chain(&best).copied().collect();
            let (order, relevant) = self.commit_order(&hits);
            let mut allowance = (ctx.budget as f64 * FULL_COMMITS_SHARE) as u64;
            for (rank, &c) in order.iter().enumerate() {
                let cost: u64 = self.files[self.commits[c].files.clone()]
                    .iter()
                    .map(|f| self.full_cost(f))
                    .sum();
                if rank < relevant || cost <= allowance {
                    allowance = allowance.saturating_sub(cost);
                } else {
                    full[c] = false;
                    reduced += 1;
                }
            }
        }

        // A hunk whose changed lines equal those of a hunk shown earlier is folded
        // into it; only shown hunks count, so a change first made in a lockfile is
        // still shown where it is made next.
        let shown_in_full =
            |file: &File| file.summary().is_none() && file.commit.is_none_or(|c| full[c]);
        let mut first_shown: HashMap<u64, usize, FastBuild> = HashMap::default();
        let mut repeats: HashMap<usize, u64, FastBuild> = HashMap::default();
        let mut folded_hunk = vec![false; self.hunks.len()];
        for file in self.files.iter().filter(|f| shown_in_full(f)) {
            for id in file.hunks.clone() {
                if self.hunks[id].changes.is_empty() {
                    continue;
                }
                match first_shown.get(&self.hunks[id].fingerprint) {
                    Some(&first) => {
                        *repeats.entry(first).or_default() += 1;
                        folded_hunk[id] = true;
                    }
                    None => {
                        first_shown.insert(self.hunks[id].fingerprint, id);
                    }
                }
            }
        }
        let folded = folded_hunk.iter().filter(|&&f| f).count() as u64;
        let mut summarised = [
            (Summary::Lockfile, 0),
            (Summary::Generated, 0),
            (Summary::Minified, 0),
            (Summary::Vendored, 0),
        ];
        let mut repeat_only: Vec<Line> = Vec::new();
        let mut context: Vec<(u64, u32, u8)> = Vec::new();
        for file in &self.files {
            let hunks = file.hunks.clone();
            let show_full = file.commit.is_none_or(|c| full[c]);
            let summary = file.summary();
            let note = match summary {
                Some(kind) => {
                    summarised
                        .iter_mut()
                        .find(|s| s.0 == kind)
                        .expect("all kinds")
                        .1 += 1;
                    Some(format!("[{}: {}]", kind.name(), file.counts()))
                }
                None if !show_full && !hunks.is_empty() => Some(format!("[{}]", file.counts())),
                None => None,
            };
            let only_repeats = !hunks.is_empty() && hunks.clone().all(|id| folded_hunk[id]);
            if let Some((i, cost)) = file.line {
                if only_repeats && file.headers.is_empty() {
                    repeat_only.push((i, cost));
                } else {
                    picker.must(i, u64::from(cost), note);
                }
            }
            if let Some((i, cost)) = file.binary {
                picker.must(i, u64::from(cost), None);
            }
            if !shown_in_full(file) {
                continue;
            }
            for &(i, cost) in &file.headers {
                picker.must(i, u64::from(cost), None);
            }
            for id in hunks.filter(|&id| !folded_hunk[id]) {
                let hunk = &self.hunks[id];
                let note = repeats.get(&id).map(|&n| {
                    format!(
                        "[same change in {} more {}]",
                        thousands(n),
                        if n == 1 { "hunk" } else { "hunks" }
                    )
                });
                picker.must(hunk.header.0, u64::from(hunk.header.1), note);
                for &(start, len, cost) in &hunk.changes {
                    let each = cost / u64::from(len);
                    for i in start..start + u64::from(len) {
                        picker.must(i, each, None);
                    }
                }
                context.extend(&hunk.context);
            }
        }
        let over = picker.over_budget();

        // Then, as the budget allows: the nearest context, the query's best lines,
        // the next context, messages, stats, anything else, folded files.
        for distance in 1..=CONTEXT {
            for &(i, cost, d) in &context {
                if d == distance {
                    picker.offer(i, u64::from(cost), None);
                }
            }
            if distance == 1 {
                for hit in &best {
                    picker.offer(hit.index, u64::from(hit.cost), None);
                }
                for hit in anchored.iter().skip(MUST_ANCHOR_LINES) {
                    picker.offer(hit.index, u64::from(hit.cost), None);
                }
            }
        }
        let loose = self
            .commits
            .iter()
            .flat_map(|c| &c.body)
            .chain(&self.stats)
            .chain(&self.others)
            .chain(&repeat_only);
        for &(i, cost) in loose {
            if picker.full() {
                break;
            }
            picker.offer(i, u64::from(cost), None);
        }
        let mut selection = picker.finish(None);
        selection.header = Some(self.header(folded, &summarised, reduced, over));
        selection
    }

    fn label(&self, _index: u64, line: &[u8]) -> Option<&'static str> {
        self.renderer.borrow_mut().classify(line).label()
    }

    fn show(&mut self, _index: u64, line: &[u8], out: &mut Vec<u8>) {
        self.renderer.get_mut().classify(line);
        out.extend_from_slice(line);
    }
}
