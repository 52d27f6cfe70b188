//! grep, rg, git grep, ag and ack results, with or without context lines, and
//! `rg --json`.
//!
//! The view is grouped by file: a file's path is printed once, as a heading with its
//! match count, and its lines under it as `12:text` (a match) or `12-text` (context),
//! which is the same information in fewer tokens. Lines that match the query are the
//! exception: they stay exactly as the tool printed them (`path:12:text`), whole and
//! ready to quote. rg's JSON records are rendered the same way (the JSON is a
//! transport, not content): `begin` becomes the heading, `match`/`context` the
//! numbered lines, `end` the blank line between files, `summary` one line of totals.
//!
//! When the grouped results fit the budget, everything is shown. Otherwise the view
//! keeps, until the budget is spent:
//! 1. the lines that best match the query, with their context lines (must-keep);
//! 2. every file, best-matching files first, with its first distinct lines up to a
//!    per-file cap (so one file with 300 hits cannot hide the 17 hits elsewhere);
//!    a line identical to one already shown is folded into it (`[×37 identical]`).
//!
//! Every elided run is a marker with exact counts of matched and context lines; the
//! header gives the totals of matches and files and how many files are not shown.

mod format;
pub(super) mod plan;
pub(super) mod rank;

use std::collections::{HashMap, HashSet};

pub(super) use self::format::Kind;
use self::format::{Entry, Layout};
use self::plan::Plan;
use self::rank::Scorer;
use super::log::Masker;
use super::{Compressor, Context, Selection};
use crate::hash::{hash_bytes, FastBuild};
use crate::marker::{count_of, thousands};
use crate::relevance::Query;

/// Lines whose kind, file and cost are remembered for selection; lines past this
/// are counted, and still found by the query, but not offered as examples.
pub(super) const MAX_TRACKED_LINES: usize = 500_000;
/// Files tracked at most; lines of further files are counted as untracked.
const MAX_FILES: usize = 100_000;
/// Distinct line texts counted for folding identical lines, at most.
const MAX_TEXTS: usize = 200_000;
/// Context lines kept on each side of a kept match.
pub(super) const CONTEXT_AROUND: usize = 2;
/// The file of a line that names none.
pub(super) const NO_FILE: u32 = u32::MAX;

/// What selection remembers about one line.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    pub(super) file: u32,
    pub(super) kind: Kind,
    /// Estimated tokens of the line as the grouped view shows it.
    pub(super) cost: u32,
    /// The line's template: lines alike fold into the first one shown.
    pub(super) text: u64,
    /// The line number the tool printed (0: none), so context is only taken from
    /// the lines right next to a match (rg --json has no `--` between groups).
    pub(super) number: u32,
}

#[derive(Debug, Clone, Default)]
struct File {
    /// The heading line (a path line, rg's `begin`), when the input has one.
    heading: Option<u64>,
    /// rg's `end` record, kept with the file.
    end: Option<u64>,
    heading_cost: u32,
    /// Estimated tokens of its match and context lines, without the path.
    text_cost: u64,
    matches: u64,
    context: u64,
    /// Set by selection: some of the file's lines are left out.
    cut: bool,
    /// Set by selection: the view shows its lines under one heading.
    grouped: bool,
}

/// The search compressor; see the module documentation.
pub struct SearchCompressor {
    layout: Layout,
    scorer: Scorer,
    lines: Vec<Line>,
    total_lines: u64,
    files: Vec<File>,
    by_path: HashMap<u64, u32, FastBuild>,
    /// Matches of each template (the text with numbers, ids, quoted values and
    /// paths masked, as the log compressor masks them).
    texts: HashMap<u64, u32, FastBuild>,
    untracked_files: bool,
    /// The path the last line named, and its file.
    current: Vec<u8>,
    current_file: u32,
    scratch: Vec<u8>,
    masker: Masker,
    /// Chosen by selection, used while showing.
    relevant: HashSet<u64, FastBuild>,
    /// The file whose heading the view last printed, while its lines follow.
    open: u32,
}

impl SearchCompressor {
    /// A compressor for search output whose first block is `head`.
    pub fn new(query: &Query, head: &[u8]) -> SearchCompressor {
        let cleaned = crate::lines::sample(head);
        let sample: Vec<&[u8]> = cleaned.iter().map(|l| &l[..]).collect();
        SearchCompressor {
            layout: Layout::guess(&sample),
            scorer: Scorer::new(query),
            lines: Vec::new(),
            total_lines: 0,
            files: Vec::new(),
            by_path: HashMap::default(),
            texts: HashMap::default(),
            untracked_files: false,
            current: Vec::new(),
            current_file: NO_FILE,
            scratch: Vec::new(),
            masker: Masker::default(),
            relevant: HashSet::default(),
            open: NO_FILE,
        }
    }

    fn file_of(&mut self, path: &[u8]) -> u32 {
        if path != self.current.as_slice() || self.current_file == NO_FILE {
            self.current.clear();
            self.current.extend_from_slice(path);
            let key = hash_bytes(path, 7);
            self.current_file = match self.by_path.get(&key) {
                Some(&id) => id,
                None if self.files.len() < MAX_FILES => {
                    let id = self.files.len() as u32;
                    self.files.push(File::default());
                    self.by_path.insert(key, id);
                    id
                }
                None => {
                    self.untracked_files = true;
                    NO_FILE
                }
            };
        }
        self.current_file
    }

    fn file_id(&self, path: &[u8]) -> u32 {
        self.by_path
            .get(&hash_bytes(path, 7))
            .copied()
            .unwrap_or(NO_FILE)
    }

    fn matches(&self) -> u64 {
        self.files.iter().map(|f| f.matches).sum()
    }

    fn context_lines(&self) -> u64 {
        self.files.iter().map(|f| f.context).sum()
    }

    /// The grouped view's cost for everything: lines plus one heading per file.
    fn whole_cost(&self) -> u64 {
        let lines: u64 = self.lines.iter().map(|l| u64::from(l.cost)).sum();
        let headings: u64 = self.files.iter().map(|f| u64::from(f.heading_cost)).sum();
        lines + headings
    }

    /// The heading of `file` with its match count when some lines are left out.
    fn heading_note(&self, file: u32) -> Option<String> {
        let f = self.files.get(file as usize)?;
        f.cut
            .then(|| format!("({})", count_of(f.matches, "match", "matches")))
    }

    fn header(&self, shown: usize, files_shown: usize, all: bool, over: bool) -> String {
        let mut parts = Vec::new();
        if self.layout == Layout::Json {
            parts.push("rg --json shown as path.text headings and line_number:lines.text".into());
        }
        let files = self.files.len() as u64;
        let mut totals = format!(
            "{} in {}{}",
            count_of(self.matches(), "matched line", "matched lines"),
            count_of(files, "file", "files"),
            if self.untracked_files {
                " and more"
            } else {
                ""
            }
        );
        let context = self.context_lines();
        if context > 0 {
            totals.push_str(&format!(
                ", {}",
                count_of(context, "context line", "context lines")
            ));
        }
        parts.push(totals);
        if all {
            parts.push(format!(
                "all {} shown",
                count_of(self.total_lines, "line", "lines")
            ));
        } else {
            parts.push(format!(
                "{} of {} shown",
                thousands(shown as u64),
                count_of(self.total_lines, "line", "lines")
            ));
            let hidden = self.files.len() - files_shown;
            if hidden > 0 {
                parts.push(format!(
                    "{} not shown",
                    count_of(hidden as u64, "file", "files")
                ));
            }
        }
        if over {
            parts.push("over budget: must-keep lines".into());
        }
        format!("[search: {}]", parts.join(" · "))
    }

    /// Headings and end records of shown files, notes for folded lines, the header.
    fn finish(&mut self, mut plan: Plan) -> Selection {
        let c = self;
        let mut kept_per_file = vec![0usize; c.files.len()];
        // Per file: kept lines not shown for the query, and their cost.
        let mut loose_per_file = vec![(0u64, 0u64); c.files.len()];
        let mut kept_templates: HashMap<u64, (u64, u32), FastBuild> = HashMap::default();
        for (i, l) in c.lines.iter().enumerate() {
            if !plan.picker.contains(i as u64) {
                continue;
            }
            if let Some(n) = kept_per_file.get_mut(l.file as usize) {
                *n += 1;
                if !c.relevant.contains(&(i as u64)) {
                    let loose = &mut loose_per_file[l.file as usize];
                    loose.0 += 1;
                    loose.1 += u64::from(l.cost);
                }
            }
            if l.kind == Kind::Match {
                kept_templates.entry(l.text).or_insert((i as u64, 0)).1 += 1;
            }
        }
        for (f, file) in c.files.iter_mut().enumerate() {
            let kept = kept_per_file[f];
            file.cut = (kept as u64) < file.matches + file.context;
            if kept == 0 {
                continue;
            }
            for index in [file.heading, file.end].into_iter().flatten() {
                plan.picker.must(index, u64::from(file.heading_cost), None);
            }
            let (loose, loose_cost) = loose_per_file[f];
            file.grouped = worth_a_heading(file.heading_cost, loose, loose_cost);
        }
        let files_shown = kept_per_file.iter().filter(|&&n| n > 0).count();
        // A kept line stands for the similar lines left out.
        let mut notes: Vec<(u64, String)> = kept_templates
            .iter()
            .filter_map(|(template, &(first, kept))| {
                let total = *c.texts.get(template)?;
                (total > kept)
                    .then(|| (first, format!("[×{} similar]", thousands(u64::from(total)))))
            })
            .collect();
        notes.sort();
        for (index, note) in notes {
            plan.picker.must(index, 0, Some(note));
        }
        let over = plan.picker.over_budget();
        let mut selection = plan.picker.finish(None);
        selection.header = Some(c.header(selection.keep.len(), files_shown, false, over));
        selection
    }

    /// Writes `number:text` (or `number-text` for context) of a grouped line.
    fn write_grouped(entry: &Entry, out: &mut Vec<u8>) {
        match &entry.number {
            Some(number) => {
                out.extend_from_slice(number);
                out.push(if entry.kind == Kind::Context {
                    b'-'
                } else {
                    b':'
                });
            }
            None => out.extend_from_slice(b"  "),
        }
        for &b in entry.text.iter() {
            match b {
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => out.push(b),
            }
        }
    }

    fn write_heading(&self, file: u32, path: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(path);
        if let Some(note) = self.heading_note(file) {
            out.extend_from_slice(b"  ");
            out.extend_from_slice(note.as_bytes());
        }
    }
}

impl Compressor for SearchCompressor {
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32) {
        self.total_lines += 1;
        let current = std::mem::take(&mut self.current);
        let entry = self.layout.read(line, Some(&current));
        self.current = current;
        let file = match (&entry.path, entry.kind) {
            (Some(path), _) => self.file_of(path),
            (None, Kind::Match | Kind::Context | Kind::Separator | Kind::End) => self.current_file,
            _ => NO_FILE,
        };
        // Relevance is judged on the path and the text, as the tool printed them.
        self.scratch.clear();
        if let Some(path) = entry
            .path
            .as_deref()
            .or((self.layout == Layout::Heading && file != NO_FILE).then_some(&self.current[..]))
        {
            self.scratch.extend_from_slice(path);
            self.scratch.push(b' ');
        }
        self.scratch.extend_from_slice(&entry.text);
        self.scorer.observe(index, &self.scratch);

        let grouped_cost = match entry.kind {
            Kind::Match | Kind::Context => crate::tokens::estimate(&entry.text) as u32 + 2,
            Kind::Heading | Kind::End | Kind::Separator => 1,
            Kind::Summary | Kind::Other => tokens + 1,
        };
        let text = self.masker.mask(&entry.text);
        if let Some(f) = self.files.get_mut(file as usize) {
            if matches!(entry.kind, Kind::Match | Kind::Context) {
                f.text_cost += u64::from(grouped_cost);
            }
            match entry.kind {
                Kind::Match => f.matches += 1,
                Kind::Context => f.context += 1,
                Kind::Heading => f.heading = Some(index),
                Kind::End if self.layout == Layout::Json => f.end = Some(index),
                _ => {}
            }
            if f.heading_cost == 0 {
                let path = entry.path.as_deref().unwrap_or(&self.current);
                f.heading_cost = crate::tokens::estimate(path) as u32 + 1;
            }
        }
        if entry.kind == Kind::Match {
            let room = self.texts.len() < MAX_TEXTS;
            match self.texts.get_mut(&text) {
                Some(n) => *n += 1,
                None if room => {
                    self.texts.insert(text, 1);
                }
                None => {}
            }
        }
        if self.lines.len() < MAX_TRACKED_LINES {
            let number = entry
                .number
                .as_deref()
                .and_then(|n| std::str::from_utf8(n).ok()?.parse().ok())
                .unwrap_or(0);
            self.lines.push(Line {
                file,
                kind: entry.kind,
                cost: grouped_cost,
                text,
                number,
            });
        }
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        let tracked_all = self.lines.len() as u64 == self.total_lines;
        if tracked_all && self.whole_cost() <= ctx.budget {
            // Everything fits once grouped: nothing is left out.
            for f in &mut self.files {
                f.grouped = worth_a_heading(f.heading_cost, f.matches + f.context, f.text_cost);
            }
            let keep = (0..self.total_lines)
                .map(|index| super::Kept { index, note: None })
                .collect();
            let header = self.header(self.lines.len(), self.files.len(), true, false);
            return Selection {
                header: Some(header),
                keep,
            };
        }
        let heading_costs = self.files.iter().map(|f| f.heading_cost).collect();
        let folded = vec![false; self.files.len()];
        let (plan, relevant) = plan::choose(
            &self.lines,
            heading_costs,
            &self.scorer.ranked(),
            &folded,
            ctx.budget,
        );
        self.relevant = relevant;
        self.finish(plan)
    }

    fn label(&self, _index: u64, line: &[u8]) -> Option<&'static str> {
        let kind = match self.layout {
            Layout::Json if line.starts_with(b"{\"type\":\"match\"") => Kind::Match,
            Layout::Json if line.starts_with(b"{\"type\":\"context\"") => Kind::Context,
            Layout::Json if line.starts_with(b"{\"type\":\"begin\"") => Kind::Heading,
            Layout::Json => Kind::Other,
            layout => layout.read(line, None).kind,
        };
        match kind {
            Kind::Match => Some("matched"),
            Kind::Context => Some("context"),
            Kind::Separator => Some("separators"),
            Kind::Heading => Some("files"),
            _ => None,
        }
    }

    fn show(&mut self, index: u64, line: &[u8], out: &mut Vec<u8>) {
        let current = std::mem::take(&mut self.current);
        let entry = self.layout.read(line, Some(&current));
        self.current = current;
        if let Some(path) = &entry.path {
            self.current.clear();
            self.current.extend_from_slice(path);
        }
        let file = entry.path.as_deref().map_or(NO_FILE, |p| self.file_id(p));
        match (self.layout, entry.kind) {
            (Layout::Json, Kind::Heading) | (Layout::Heading, Kind::Heading) => {
                let path = entry.path.as_deref().unwrap_or_default();
                self.write_heading(file, path, out);
                self.open = file;
            }
            (Layout::Json, Kind::Match | Kind::Context) => Self::write_grouped(&entry, out),
            (Layout::Json, Kind::End) => {}
            (Layout::Json, Kind::Summary) => out.extend_from_slice(&entry.text),
            (Layout::Prefixed { .. }, Kind::Match | Kind::Context)
                if self.files.get(file as usize).is_some_and(|f| f.grouped)
                    && !self.relevant.contains(&index) =>
            {
                if self.open != file {
                    self.write_heading(file, entry.path.as_deref().unwrap_or_default(), out);
                    out.push(b'\n');
                    self.open = file;
                }
                Self::write_grouped(&entry, out);
            }
            (_, Kind::Separator) => out.extend_from_slice(line),
            _ => {
                if file != self.open {
                    self.open = NO_FILE;
                }
                out.extend_from_slice(line);
            }
        }
    }
}

/// A file's lines are shown under one heading when the path they would each repeat
/// costs at least this share of what the lines themselves cost; otherwise (long log
/// lines found by a grep) they stay as the tool printed them.
const HEADING_SHARE: f64 = 1.0 / 3.0;

/// True when `lines` lines costing `cost` tokens in all (without their path) are
/// better shown under a heading of `heading_cost` tokens.
pub(super) fn worth_a_heading(heading_cost: u32, lines: u64, cost: u64) -> bool {
    lines > 1 && f64::from(heading_cost) >= HEADING_SHARE * (cost as f64 / lines as f64)
}

/// The structural signature of search results; see [`super::Signature`].
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    Layout::sniff(lines).map(|(_, evidence)| evidence)
}
