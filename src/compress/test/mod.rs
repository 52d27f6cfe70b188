//! Test runners' output: cargo test and nextest, pytest, go test, jest, vitest, mocha,
//! rspec, unittest.
//!
//! A test run is mostly noise around a few facts: which tests failed, why (the
//! assertion, expected and actual values, where), and the totals. The view keeps:
//! 1. must-keep: every failing test's result line and its details (header, assertion
//!    message, expected/actual, the pointed source line and a few lines before it,
//!    the first stack frame in the project's own code), panics, compiler errors,
//!    what a failing go test logged, failed suites, the runners' summary lines
//!    verbatim, and lines holding the query's exact names;
//! 2. then, while the view stays within a quarter of the input (and the budget):
//!    lines that best match the query's words, the first line and the last result
//!    (where the run ended), rare outcomes (xfail, skipped; rarest first), the first
//!    compiler warning of each kind with a count of its kind, further project frames,
//!    what passing tests logged, suite headings, coverage rows.
//!
//! Everything else, passing tests above all, is elided and counted by kind in the
//! markers (`102 passed, 3 skipped`). Frames of the toolchain and of dependencies
//! (`/rustc/…`, `node_modules`, `site-packages`, Go's `testing.tRunner`) are elided.
//! A quarter and not the whole budget: passing tests are noise by construction, and
//! padding the view with them only costs the reader.

mod classify;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::OnceLock;

use regex::bytes::Regex;

use self::classify::{
    classify, diagnostic_template, go_test_name, is_foreign_frame, is_frame_location,
    is_frame_symbol, runner_of, Kind, Outcome,
};
use super::{Compressor, Context, Picker, Selection};
use crate::compress::log::{level_of, Level};
use crate::hash::{hash_bytes, FastBuild};
use crate::marker::{count_of, thousands};
use crate::relevance::{Query, QueryLines};

/// Detail lines of one failure kept whatever the budget; further ones are extras.
const DETAIL_CAP: u32 = 40;
/// Source lines kept before the line a failure points at.
const SOURCE_BEFORE: usize = 3;
/// Must-keep lines remembered at most (bounds memory on a run with huge failures).
const MAX_MUST: usize = 50_000;
/// Extra lines remembered at most, per kind.
const MAX_EXTRAS: usize = 2_000;
/// Go log lines remembered at most.
const MAX_GO_LOGS: usize = 20_000;
/// Failed go test names remembered at most.
const MAX_FAILED_NAMES: usize = 10_000;
/// Distinct compiler warnings tracked at most.
const MAX_WARNING_KINDS: usize = 1_000;
/// Lines that name the query's exact words kept whatever the budget.
const MUST_ANCHOR_LINES: usize = 16;
/// Lines remembered as query candidates at most, and picked for their score.
const MAX_QUERY_CANDIDATES: usize = 20_000;
const MAX_QUERY_LINES: usize = 12;
/// Lines picked for their query score only while scoring this share of the best.
const QUERY_LINE_SHARE: f64 = 0.5;
/// Lines of rare outcomes (xfail, skipped; rarest first) offered whatever the share.
const RARE_LINES: usize = 10;
/// The share of the input's tokens the view aims at beyond its must-keep lines.
const TARGET_SHARE: u64 = 4;
/// Lines searched for the runner's name.
const RUNNER_LINES: u64 = 2_000;

/// Optional lines remembered by kind (see `select` for the order they are offered in,
/// with the framing lines, rare outcomes and warnings first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extra {
    Frame,
    Detail,
    Output,
    Suite,
    Coverage,
    Anchor,
}

const EXTRA_KINDS: usize = 6;

/// Which listing conventions a failure's details follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// pytest: source indented by four spaces, the failing line marked `>`, `E` lines.
    Pytest,
    /// Numbered listings (`36|`, `> 16 |`) with caret lines (jest, vitest, rustc).
    Numbered,
}

/// The details of one failure, being read.
#[derive(Debug)]
struct Region {
    style: Style,
    details: u32,
    /// The last source lines seen, for the context of a pointed line.
    source: VecDeque<(u64, u32)>,
    /// The last line was a source line (a detail right after it points at it).
    after_source: bool,
    /// The last kept line was the pointed one (caret lines under it are kept).
    after_pointed: bool,
    project_frame_kept: bool,
}

impl Region {
    fn new(style: Style) -> Region {
        Region {
            style,
            details: 0,
            source: VecDeque::new(),
            after_source: false,
            after_pointed: false,
            project_frame_kept: false,
        }
    }
}

/// A kind of compiler warning: its first occurrence and how many there were.
#[derive(Debug)]
struct WarningKind {
    first: (u64, u32),
    location: Option<(u64, u32)>,
    count: u64,
}

/// The test-output compressor; see the module documentation.
pub struct TestCompressor {
    query: Query,
    lines: u64,
    tokens: u64,
    runner: Option<&'static str>,
    outcomes: [u64; 5],
    must: Vec<(u64, u32)>,
    extras: [Vec<(u64, u32)>; EXTRA_KINDS],
    /// Rare outcomes' lines, per outcome (offered rarest outcome first).
    rare: HashMap<Outcome, Vec<(u64, u32)>>,
    region: Option<Region>,
    /// A frame's call line waiting for its location: (index, cost).
    pending_symbol: Option<(u64, u32)>,
    warnings: HashMap<Vec<u8>, WarningKind, FastBuild>,
    warning_order: Vec<Vec<u8>>,
    /// The warning kind whose location line is still to come.
    open_warning: Option<Vec<u8>>,
    /// Go: the test that is running (hash of its name), what tests logged, which failed.
    go_current: u64,
    go_logs: Vec<(u64, u32, u64)>,
    go_failed: HashSet<u64, FastBuild>,
    first_cost: u32,
    last_result: Option<(u64, u32)>,
    /// Lines naming one of the query's exact words as a whole name.
    anchor_lines: Vec<(u64, u32)>,
    /// Lines with a query word, and the BM25 statistics over every line.
    query_lines: QueryLines,
}

impl TestCompressor {
    pub fn new(query: &Query) -> TestCompressor {
        TestCompressor {
            query: query.clone(),
            lines: 0,
            tokens: 0,
            runner: None,
            outcomes: [0; 5],
            must: Vec::new(),
            extras: Default::default(),
            rare: HashMap::new(),
            region: None,
            pending_symbol: None,
            warnings: HashMap::default(),
            warning_order: Vec::new(),
            open_warning: None,
            go_current: 0,
            go_logs: Vec::new(),
            go_failed: HashSet::default(),
            first_cost: 0,
            last_result: None,
            anchor_lines: Vec::new(),
            query_lines: QueryLines::new(query, MAX_QUERY_CANDIDATES),
        }
    }

    fn must(&mut self, index: u64, cost: u32) {
        push_capped(&mut self.must, index, cost);
    }

    fn extra(&mut self, kind: Extra, index: u64, cost: u32) {
        let list = &mut self.extras[kind as usize];
        if list.len() < MAX_EXTRAS {
            list.push((index, cost));
        }
    }

    /// Opens the details of a failure; its heading is `line`.
    fn open_region(&mut self, line: &[u8]) {
        let style = if line.starts_with(b"___") {
            Style::Pytest
        } else {
            Style::Numbered
        };
        self.region = Some(Region::new(style));
    }

    fn count(&mut self, outcome: Outcome, index: u64, cost: u32) {
        self.outcomes[outcome as usize] += 1;
        self.last_result = Some((index, cost));
        if !matches!(outcome, Outcome::Passed | Outcome::Failed) {
            let lines = self.rare.entry(outcome).or_default();
            if lines.len() < MAX_EXTRAS {
                lines.push((index, cost));
            }
        }
    }

    /// A frame line: the first one in the project's own code is kept; toolchain and
    /// dependency frames are not. A call line waits for its location line, which
    /// decides for both.
    fn observe_frame(&mut self, index: u64, line: &[u8], cost: u32) {
        if is_frame_symbol(line) && !is_frame_location(line) {
            if let Some((i, c)) = self.pending_symbol.take() {
                self.frame_decided(&[(i, c)], is_foreign_frame(line));
            }
            self.pending_symbol = Some((index, cost));
            if is_foreign_frame(line) {
                // Its location cannot make a toolchain call (`testing.tRunner`) ours.
                self.pending_symbol = None;
            }
            return;
        }
        let foreign = is_foreign_frame(line);
        match self.pending_symbol.take() {
            Some(symbol) if is_frame_location(line) => {
                self.frame_decided(&[symbol, (index, cost)], foreign)
            }
            Some(symbol) => {
                self.frame_decided(&[symbol], false);
                self.frame_decided(&[(index, cost)], foreign);
            }
            None => self.frame_decided(&[(index, cost)], foreign),
        }
    }

    fn frame_decided(&mut self, lines: &[(u64, u32)], foreign: bool) {
        if foreign {
            return;
        }
        let first = match self.region.as_mut() {
            Some(r) if !r.project_frame_kept => {
                r.project_frame_kept = true;
                true
            }
            _ => false,
        };
        for &(i, c) in lines {
            if first {
                self.must(i, c);
            } else {
                self.extra(Extra::Frame, i, c);
            }
        }
    }

    /// A line inside a failure's details.
    fn observe_detail(&mut self, index: u64, line: &[u8], kind: Kind, cost: u32) {
        let Some(region) = self.region.as_mut() else {
            return;
        };
        let pytest_source = region.style == Style::Pytest
            && (line.starts_with(b"    ") || line.starts_with(b">"))
            && kind != Kind::Frame;
        let caret = kind == Kind::Caret
            || (pytest_source && line.iter().all(|b| matches!(b, b' ' | b'^' | b'~')));
        if caret {
            let keep = region.after_pointed || region.style == Style::Numbered;
            if region.style == Style::Numbered && !region.after_pointed {
                // The caret points at the line above it.
                let context: Vec<(u64, u32)> = region.source.drain(..).collect();
                for (i, c) in context {
                    push_capped(&mut self.must, i, c);
                }
            }
            if keep {
                push_capped(&mut self.must, index, cost);
            }
            return;
        }
        let pointed = (pytest_source && line.starts_with(b">"))
            || (kind == Kind::Listing && regex_pointed().is_match(line));
        if pointed {
            let context: Vec<(u64, u32)> = region.source.drain(..).collect();
            region.after_pointed = true;
            region.after_source = false;
            for (i, c) in context {
                push_capped(&mut self.must, i, c);
            }
            push_capped(&mut self.must, index, cost);
            return;
        }
        if pytest_source || kind == Kind::Listing {
            if region.source.len() > SOURCE_BEFORE {
                region.source.pop_front();
            }
            region.source.push_back((index, cost));
            region.after_source = true;
            region.after_pointed = false;
            return;
        }
        region.after_pointed = false;
        match kind {
            Kind::Frame => {
                region.after_source = false;
                self.observe_frame(index, line, cost);
            }
            Kind::Blank | Kind::Hint => {}
            _ => {
                // A detail right under source lines (pytest's short tracebacks) is
                // about the last of them.
                if region.after_source {
                    if let Some(last) = region.source.pop_back() {
                        push_capped(&mut self.must, last.0, last.1);
                    }
                }
                region.after_source = false;
                region.source.clear();
                region.details += 1;
                if region.details <= DETAIL_CAP {
                    push_capped(&mut self.must, index, cost);
                } else {
                    self.extra(Extra::Detail, index, cost);
                }
            }
        }
    }

    fn observe_warning(&mut self, index: u64, line: &[u8], cost: u32) {
        let template = diagnostic_template(line);
        if let Some(w) = self.warnings.get_mut(&template) {
            w.count += 1;
            self.open_warning = None;
            return;
        }
        self.open_warning = None;
        if self.warnings.len() < MAX_WARNING_KINDS {
            self.warning_order.push(template.clone());
            let first = (index, cost);
            let kind = WarningKind {
                first,
                location: None,
                count: 1,
            };
            self.warnings.insert(template.clone(), kind);
            self.open_warning = Some(template);
        }
    }

    fn observe_query(&mut self, index: u64, line: &[u8], cost: u32) {
        self.query_lines.observe(&self.query, index, cost, line);
        if self.query.anchors().is_empty() {
            return;
        }
        if self
            .query
            .anchors()
            .iter()
            .any(|a| names_exactly(line, a.as_bytes()))
        {
            if self.anchor_lines.len() < MUST_ANCHOR_LINES {
                self.anchor_lines.push((index, cost));
            } else {
                self.extra(Extra::Anchor, index, cost);
            }
        } else if self.query.anchor_hits(line) > 0
            && self.extras[Extra::Anchor as usize].len() < MUST_ANCHOR_LINES
        {
            // Names that merely contain the query's (`TestX/sub` for `TestX`): a few.
            self.extra(Extra::Anchor, index, cost);
        }
    }
}

impl TestCompressor {
    fn header(&self, shown: usize, over_budget: bool) -> String {
        let mut parts = Vec::new();
        if let Some(runner) = self.runner {
            parts.push(runner.to_string());
        }
        let outcomes: Vec<String> = Outcome::ALL
            .iter()
            .filter(|&&o| self.outcomes[o as usize] > 0)
            .map(|&o| format!("{} {}", thousands(self.outcomes[o as usize]), o.label()))
            .collect();
        if !outcomes.is_empty() {
            parts.push(outcomes.join(", "));
        }
        parts.push(count_of(self.lines, "line", "lines"));
        parts.push(format!("{} shown", thousands(shown as u64)));
        if over_budget {
            parts.push("over budget: must-keep lines".to_string());
        }
        format!("[test: {}]", parts.join(" · "))
    }

    /// Ends the details being read, if any; a call line still waiting for its
    /// location is judged on its own.
    fn close_region(&mut self) {
        if let Some(symbol) = self.pending_symbol.take() {
            self.frame_decided(&[symbol], false);
        }
        self.region = None;
    }
}

impl Compressor for TestCompressor {
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32) {
        let cost = tokens + 1;
        self.lines += 1;
        self.tokens += u64::from(cost);
        if index == 0 {
            self.first_cost = cost;
        }
        if self.runner.is_none() && index < RUNNER_LINES {
            self.runner = runner_of(line);
        }
        self.observe_query(index, line, cost);
        let kind = classify(line);
        if kind != Kind::Frame && !is_frame_location(line) {
            if let Some(symbol) = self.pending_symbol.take() {
                self.frame_decided(&[symbol], false);
            }
        }
        if kind != Kind::Snippet && kind != Kind::Blank {
            self.open_warning = None;
        }
        match kind {
            Kind::Result(Outcome::Failed) => {
                self.close_region();
                self.count(Outcome::Failed, index, cost);
                self.must(index, cost);
                if let Some(name) = go_test_name(line) {
                    if self.go_failed.len() < MAX_FAILED_NAMES {
                        self.go_failed.insert(hash_bytes(name, 0));
                    }
                }
                // Details may follow (go without -v, mocha's listing).
                self.open_region(line);
            }
            Kind::Result(outcome) => {
                self.close_region();
                self.count(outcome, index, cost);
            }
            Kind::Suite(outcome) => {
                self.close_region();
                if outcome == Outcome::Failed {
                    self.must(index, cost);
                } else {
                    self.extra(Extra::Suite, index, cost);
                }
            }
            Kind::Started => {
                self.close_region();
                if let Some(name) = go_test_name(line) {
                    self.go_current = hash_bytes(name, 0);
                }
            }
            Kind::Summary | Kind::Recap | Kind::Section => {
                self.close_region();
                self.must(index, cost);
            }
            Kind::FailureHeader => {
                self.close_region();
                self.must(index, cost);
                self.open_region(line);
            }
            _ if self.region.is_some() => self.observe_detail(index, line, kind, cost),
            Kind::Error => {
                self.must(index, cost);
                self.region = Some(Region::new(Style::Numbered));
            }
            Kind::Warning => self.observe_warning(index, line, cost),
            Kind::Snippet => {
                let location = line.trim_ascii_start().starts_with(b"-->");
                if let Some(w) = self
                    .open_warning
                    .take()
                    .and_then(|t| self.warnings.get_mut(&t))
                {
                    if location {
                        w.location = Some((index, cost));
                    }
                }
            }
            Kind::TestLog => {
                if self.go_logs.len() < MAX_GO_LOGS {
                    self.go_logs.push((index, cost, self.go_current));
                }
            }
            Kind::Frame => self.observe_frame(index, line, cost),
            Kind::Progress => {
                let t = line.trim_ascii_start();
                if t.starts_with(b"Running ") || t.starts_with(b"Doc-tests") {
                    self.extra(Extra::Suite, index, cost);
                }
            }
            Kind::Coverage => {
                if regex_coverage_total().is_match(line) {
                    self.must(index, cost);
                } else {
                    self.extra(Extra::Coverage, index, cost);
                }
            }
            Kind::Other => {
                if severe().is_match(line) {
                    self.must(index, cost);
                } else if level_of(line).is_some_and(|l| l >= Level::Warn) {
                    self.extra(Extra::Output, index, cost);
                }
            }
            Kind::Listing | Kind::Caret | Kind::Blank | Kind::Hint => {}
        }
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        self.close_region();
        let mut picker = Picker::new(ctx.budget);
        for &(i, c) in self.must.iter().chain(&self.anchor_lines) {
            picker.must(i, u64::from(c), None);
        }
        let mut go_passed_logs = Vec::new();
        for &(i, c, owner) in &self.go_logs {
            if self.go_failed.contains(&owner) {
                picker.must(i, u64::from(c), None);
            } else {
                go_passed_logs.push((i, c));
            }
        }

        // Lines that best match the query's words get the whole budget.
        for (index, cost) in self.query_lines.best(MAX_QUERY_LINES, QUERY_LINE_SHARE) {
            picker.offer(index, u64::from(cost), None);
        }

        // A few lines of the rarest outcomes (an xfail among thousands of passes).
        let mut rare: Vec<(&Outcome, &Vec<(u64, u32)>)> = self.rare.iter().collect();
        rare.sort_by_key(|(o, lines)| (lines.len(), **o));
        let rare: Vec<(u64, u32)> = rare
            .into_iter()
            .flat_map(|(_, l)| l.iter().copied())
            .collect();
        for &(i, c) in rare.iter().take(RARE_LINES) {
            picker.offer(i, u64::from(c), None);
        }

        // The rest fills the view up to a share of the input.
        let target = ctx.budget.min(self.tokens / TARGET_SHARE);
        let mut spent: u64 = self
            .must
            .iter()
            .chain(&self.anchor_lines)
            .map(|&(_, c)| u64::from(c))
            .sum();
        let mut offer = |picker: &mut Picker, index: u64, cost: u32, note: Option<String>| {
            if picker.contains(index) {
                return true;
            }
            if spent + u64::from(cost) > target {
                return false;
            }
            spent += u64::from(cost);
            picker.offer(index, u64::from(cost), note)
        };
        let mut framing = vec![(0, self.first_cost)];
        framing.extend(self.last_result);
        let mut warnings = Vec::new();
        for template in &self.warning_order {
            let w = &self.warnings[template];
            let note = (w.count > 1).then(|| format!("[×{} similar]", thousands(w.count)));
            warnings.push((w.first.0, w.first.1, note));
            if let Some((i, c)) = w.location {
                warnings.push((i, c, None));
            }
        }
        let plain = |lines: &[(u64, u32)]| -> Vec<(u64, u32, Option<String>)> {
            lines.iter().map(|&(i, c)| (i, c, None)).collect()
        };
        let order: [Vec<(u64, u32, Option<String>)>; 9] = [
            plain(&framing),
            plain(&rare),
            warnings,
            plain(&self.extras[Extra::Frame as usize]),
            plain(&self.extras[Extra::Detail as usize]),
            plain(&[&self.extras[Extra::Output as usize][..], &go_passed_logs].concat()),
            plain(&self.extras[Extra::Suite as usize]),
            plain(&self.extras[Extra::Coverage as usize]),
            plain(&self.extras[Extra::Anchor as usize]),
        ];
        for group in order {
            for (i, c, note) in group {
                offer(&mut picker, i, c, note);
            }
        }
        let over = picker.over_budget();
        let mut selection = picker.finish(None);
        selection.header = Some(self.header(selection.keep.len(), over));
        selection
    }

    fn label(&self, _index: u64, line: &[u8]) -> Option<&'static str> {
        classify::label(line)
    }
}

/// Remembers a must-keep line, up to [`MAX_MUST`] of them.
fn push_capped(must: &mut Vec<(u64, u32)>, index: u64, cost: u32) {
    if must.len() < MAX_MUST {
        must.push((index, cost));
    }
}

/// True when `line` holds `name` as a whole name: not inside a longer identifier
/// and not as the parent of a path (`TestToml` in `--- PASS: TestToml (0.4s)`, not in
/// `TestToml/valid/array`).
fn names_exactly(line: &[u8], name: &[u8]) -> bool {
    let part_of_name =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'/' | b'.' | b':' | b'-');
    memchr::memmem::find_iter(line, name).any(|at| {
        let before = at.checked_sub(1).map(|i| line[i]);
        let after = line.get(at + name.len()).copied();
        !before.is_some_and(part_of_name) && !after.is_some_and(part_of_name)
    })
}

/// A listing line marked as the one a failure points at (`> 16 |`).
fn regex_pointed() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| crate::pattern::regex(r"^\s*>\s*\d+\s?\|"))
}

/// A coverage table's totals row.
fn regex_coverage_total() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| crate::pattern::regex(r"^\s*(?:All files|TOTAL)\s"))
}

/// Words that make a line outside any failure's details must-keep.
fn severe() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        crate::pattern::regex(
            r"(?i)\bpanic|exception|traceback|segmentation fault|core dumped|\bfatal\b",
        )
    })
}

/// The structural signature of test output; see [`super::Signature`]: a line only a
/// test runner prints (`running 5 tests`, `=== test session starts ===`, `Test Suites:`)
/// or several test result lines.
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    let mut results = 0usize;
    for line in lines {
        if let Some(runner) = runner_of(line) {
            let strong = matches!(
                classify(line),
                Kind::Summary | Kind::Progress | Kind::Section
            ) || runner == "jest";
            if strong {
                return Some(format!(
                    "{runner} output: {}",
                    String::from_utf8_lossy(&line[..line.len().min(60)]).trim()
                ));
            }
        }
        if matches!(classify(line), Kind::Result(_)) {
            results += 1;
        }
    }
    (results >= 5 && results * 4 >= lines.len()).then(|| {
        format!(
            "{results} of {} sampled lines are test results",
            lines.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select(lines: &[&str], budget: u64, query: &str) -> Vec<u64> {
        let q = Query::parse(query);
        let mut c = TestCompressor::new(&q);
        for (i, l) in lines.iter().enumerate() {
            c.observe(
                i as u64,
                l.as_bytes(),
                crate::tokens::estimate(l.as_bytes()) as u32,
            );
        }
        let s = c.select(&Context { query: &q, budget });
        s.keep.iter().map(|k| k.index).collect()
    }

    #[test]
    fn failures_are_kept_whatever_the_budget_and_passes_are_not() {
        let mut lines: Vec<String> = (0..500).map(|i| format!("test t{i} ... ok")).collect();
        lines[250] = "test t250 ... FAILED".into();
        lines.extend(
            [
                "failures:",
                "---- t250 stdout ----",
                "thread 't250' panicked at src/a.rs:9:5:",
                "assertion `left == right` failed",
                "  left: 1",
                " right: 2",
                "   0: std::panicking::begin_panic",
                "             at /rustc/abc/library/std/src/panicking.rs:1:1",
                "   1: app::t250",
                "             at ./src/a.rs:9:5",
                "test result: FAILED. 499 passed; 1 failed; 0 ignored",
            ]
            .map(String::from),
        );
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let kept = select(&refs, 10, "");
        for i in [250, 501, 502, 503, 504, 505, 508, 509, 510] {
            assert!(
                kept.contains(&i),
                "line {i} ({}) missing: {kept:?}",
                lines[i as usize]
            );
        }
        assert!(
            !kept.contains(&506) && !kept.contains(&507),
            "std frames: {kept:?}"
        );
        assert!(kept.iter().filter(|&&i| i < 500).count() <= 1, "{kept:?}");
    }

    #[test]
    fn go_logs_of_failed_tests_are_kept() {
        let lines = [
            "=== RUN   TestA",
            "    a_test.go:3: all fine",
            "--- PASS: TestA (0.00s)",
            "=== RUN   TestB",
            "    b_test.go:7: got 1, want 2",
            "--- FAIL: TestB (0.00s)",
            "FAIL",
        ];
        let kept = select(&lines, 4000, "");
        assert!(
            kept.contains(&4) && kept.contains(&5) && kept.contains(&6),
            "{kept:?}"
        );
    }

    #[test]
    fn whole_names_are_told_from_prefixes() {
        assert!(names_exactly(b"--- PASS: TestToml (0.47s)", b"TestToml"));
        assert!(names_exactly(b"=== RUN   TestToml", b"TestToml"));
        assert!(!names_exactly(b"=== RUN   TestToml/valid/a", b"TestToml"));
        assert!(!names_exactly(b"=== RUN   TestTomlX", b"TestToml"));
    }

    #[test]
    fn sniffing_wants_runner_lines() {
        assert!(sniff(&[b"running 3 tests", b"test a ... ok"]).is_some());
        assert!(sniff(&[b"2024-01-01 INFO started", b"2024-01-01 INFO ok"]).is_none());
        let grep: Vec<&[u8]> = vec![b"tests/test_a.py:12:def test_x():"; 20];
        assert!(sniff(&grep).is_none());
    }
}
