//! Diagnostics: the view shared by the build and lint families.
//!
//! Compilers, build tools and linters all print *findings* (a headline with a
//! severity, a rule or message, a location, and detail lines under it) between lines
//! of progress and a few lines of outcome. A reader wants every error, the shape of the
//! warnings (which rules, how many, where the first ones are) and the outcome; not
//! the hundredth `Compiling`, `npm http fetch` or copy of the same lint.
//!
//! Findings are grouped by the rule the tool names (`E0282`, `-Wconversion`,
//! `no-unused-vars`, `C0114`), or by the wording of their message with names and
//! numbers masked when it names none. What stays in the view:
//! 1. always: summary lines (`Finished …`, `Found 12 errors`, the score), the last
//!    line, lines holding the query's selective anchors (with their finding's
//!    headline), and for builds the first error of each group in full, with its
//!    context, location and code snippet;
//! 2. then, while the budget lasts: unrecognised lines that report a failure, then
//!    the findings of every group in turns, most important group first (errors, then
//!    warnings, then the rest; rarer groups first, since a rule that fires once says
//!    more than one that fires 200 times), up to [`FIRST_SHOWN`] per group, or all of
//!    a group that is not much bigger; a build error is shown whole, any other
//!    finding as its headline, its file heading and its location; then the lines
//!    that best match the query, unless their group is shown already.
//!
//! Everything else (progress, code snippets of warnings, the rest of each group) is
//! elided with exact counts: the header counts findings by severity and names the
//! biggest groups, the first shown finding of a group says how many it stands for,
//! and markers count elided findings by rule (`150 W1510, 62 C0114`) and progress by
//! kind (`86 Compiling`).
//!
//! Memory is bounded by the number of groups (capped) and the few findings kept per
//! group, not by the input's length.

mod parse;
mod survey;

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use parse::{classify, Detail, Finding, Kind, Severity};
pub use survey::Survey;

use super::{Compressor, Context, Picker, Selection};
use crate::hash::{hash_bytes, FastMap};
use crate::marker::{count_of, thousands};
use crate::relevance::{Bm25, Query};

/// Findings of a group shown at first…
const FIRST_SHOWN: usize = 3;
/// …and the whole group when no more than this many are left: a marker costs as
/// much as a couple of findings.
const SMALL_REST: usize = 2;
/// Findings remembered per group, to be shown.
const MAX_EXAMPLES: usize = FIRST_SHOWN + SMALL_REST;
/// Lines of one error's block (context, headline, snippet, notes) kept at most.
const MAX_BLOCK_LINES: usize = 40;
/// Context lines (`In function 'f':`, `In file included from …`) remembered before
/// a finding.
const MAX_CONTEXT_LINES: usize = 6;
/// Groups tracked at most; findings of further new groups join one catch-all group.
const MAX_GROUPS: usize = 4096;
/// Estimated cost of the marker that an isolated kept finding adds to the view.
const MARKER_TOKENS: u64 = 40;
/// Summary lines kept at most.
const MAX_SUMMARIES: usize = 64;
/// Unrecognised lines that report a failure, offered at most.
const MAX_PROBLEM_LINES: usize = 16;
/// An anchor of the query found on at most this many lines is selective: its lines
/// are kept regardless of budget. One found on more (`sign-conversion` in a build of
/// 121 such warnings) says which group to look at, not which lines.
const SELECTIVE_ANCHOR_LINES: u64 = 16;
/// Lines holding anchors remembered at most.
const MAX_ANCHOR_LINES: usize = 64;
/// Lines remembered as query candidates, at most.
const MAX_QUERY_CANDIDATES: usize = 20_000;
/// Lines picked for their query score at most, while they score at least this
/// share of the best line.
const MAX_QUERY_LINES: usize = 12;
const QUERY_LINE_SHARE: f64 = 0.5;
/// Groups named in the header.
const HEADER_GROUPS: usize = 5;
/// Characters of a message template used as a group's name.
const MAX_NAME_CHARS: usize = 48;

/// Which family's view this is: builds keep errors whole; lint findings are all
/// weighed against the budget, errors first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Build,
    Lint,
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::Build => "build",
            Family::Lint => "lint",
        }
    }

    fn group_noun(self) -> (&'static str, &'static str) {
        match self {
            Family::Build => ("kind", "kinds"),
            Family::Lint => ("rule", "rules"),
        }
    }
}

/// One input line: its index and estimated tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Line {
    index: u64,
    cost: u32,
}

/// A remembered finding: the lines it can be shown with.
#[derive(Debug, Clone, Default)]
struct Block {
    /// Headings and context lines right above the headline.
    context: Vec<Line>,
    /// The file heading it sits under, when its own line names no file.
    heading: Option<Line>,
    headline: Option<Line>,
    details: Vec<(Line, Detail)>,
}

impl Block {
    /// The lines that say what and where: heading, headline, first location.
    fn compact(&self) -> Vec<Line> {
        let location = self
            .details
            .iter()
            .find(|(_, d)| *d == Detail::Location)
            .map(|(l, _)| *l);
        self.heading
            .into_iter()
            .chain(self.headline)
            .chain(location)
            .collect()
    }

    /// Every remembered line, in input order.
    fn full(&self) -> Vec<Line> {
        let mut lines: Vec<Line> = self
            .context
            .iter()
            .copied()
            .chain(self.heading)
            .chain(self.headline)
            .chain(self.details.iter().map(|(l, _)| *l))
            .collect();
        lines.sort_by_key(|l| l.index);
        lines.dedup();
        lines
    }
}

/// Findings that share a rule, or a message shape when they name no rule.
#[derive(Debug)]
struct Group {
    severity: Severity,
    /// The rule, or the masked message.
    name: String,
    /// The label markers count its elided findings under.
    label: &'static str,
    named: bool,
    count: u64,
    first: u64,
    examples: Vec<Block>,
}

impl Group {
    /// How many of its findings the view shows, budget permitting.
    fn shown(&self) -> usize {
        let n = if self.count as usize <= MAX_EXAMPLES {
            self.count as usize
        } else {
            FIRST_SHOWN
        };
        n.min(self.examples.len())
    }
}

/// The finding whose detail lines are being read.
#[derive(Debug)]
struct Open {
    group: usize,
    /// Its slot among the group's examples, when it is one.
    example: Option<usize>,
    /// Lines picked for the query that should carry this finding's location too.
    picks: Vec<usize>,
    has_location: bool,
}

/// A line picked for the query, with the lines that make it readable.
#[derive(Debug, Clone)]
struct Pick {
    line: Line,
    with: Vec<Line>,
    /// The group of the finding it belongs to.
    group: Option<usize>,
    /// Term frequencies and length, for BM25 candidates.
    terms: Option<(Vec<u32>, u32)>,
    /// The query's anchors on the line, one bit each (the first 64).
    anchors: u64,
}

/// The shared compressor; see the module docs.
pub struct DiagnosticCompressor {
    family: Family,
    query: Query,
    bm25: Bm25,
    tf: Vec<u32>,
    groups: Vec<Group>,
    by_key: FastMap<u64, usize>,
    open: Option<Open>,
    /// The latest file heading, and heading/context lines since the last finding.
    heading: Option<Line>,
    context: Vec<Line>,
    progress: Vec<(&'static str, u64)>,
    summaries: Vec<Line>,
    problems: Vec<Line>,
    picks: Vec<Pick>,
    anchored: usize,
    /// Lines each of the query's anchors is found on.
    anchor_lines: Vec<u64>,
    last: Option<Line>,
    severities: [u64; 3],
}

impl DiagnosticCompressor {
    pub fn new(family: Family, query: &Query) -> DiagnosticCompressor {
        DiagnosticCompressor {
            family,
            query: query.clone(),
            bm25: Bm25::new(query),
            tf: Vec::new(),
            groups: Vec::new(),
            by_key: FastMap::default(),
            open: None,
            heading: None,
            context: Vec::new(),
            progress: Vec::new(),
            summaries: Vec::new(),
            problems: Vec::new(),
            picks: Vec::new(),
            anchored: 0,
            anchor_lines: vec![0; query.anchors().len()],
            last: None,
            severities: [0; 3],
        }
    }

    /// The group key of a finding: its rule, or its masked message.
    fn key(finding: &Finding) -> (u64, Option<Vec<u8>>) {
        let seed = finding.severity as u64 + 1;
        match finding.rule {
            Some(rule) => (hash_bytes(rule, seed), None),
            None => {
                let t = parse::template(finding.message);
                (hash_bytes(&t, seed), Some(t))
            }
        }
    }

    fn group_of(&mut self, finding: &Finding, index: u64) -> usize {
        let (key, template) = Self::key(finding);
        if let Some(&g) = self.by_key.get(&key) {
            return g;
        }
        let (key, name, label, named) = if self.groups.len() >= MAX_GROUPS {
            (0, "other findings".to_string(), "other", false)
        } else {
            match finding.rule {
                Some(rule) => {
                    let name = String::from_utf8_lossy(rule).into_owned();
                    let label = intern(&name).unwrap_or_else(|| finding.severity.noun(1));
                    (key, name, label, true)
                }
                None => {
                    let t = template.unwrap_or_default();
                    let t = String::from_utf8_lossy(&t);
                    let mut name: String = t.chars().take(MAX_NAME_CHARS).collect();
                    if name.len() < t.len() {
                        name.push('…');
                    }
                    (key, name, finding.severity.noun(1), false)
                }
            }
        };
        if let Some(&g) = self.by_key.get(&key) {
            return g;
        }
        self.groups.push(Group {
            severity: finding.severity,
            name,
            label,
            named,
            count: 0,
            first: index,
            examples: Vec::new(),
        });
        self.by_key.insert(key, self.groups.len() - 1);
        self.groups.len() - 1
    }

    fn start_finding(&mut self, finding: &Finding, line: Line) {
        let g = self.group_of(finding, line.index);
        self.severities[finding.severity as usize] += 1;
        let group = &mut self.groups[g];
        group.count += 1;
        let example = (group.examples.len() < MAX_EXAMPLES).then(|| {
            group.examples.push(Block {
                context: std::mem::take(&mut self.context),
                heading: if finding.located { None } else { self.heading },
                headline: Some(line),
                details: Vec::new(),
            });
            group.examples.len() - 1
        });
        self.context.clear();
        self.open = Some(Open {
            group: g,
            example,
            picks: Vec::new(),
            has_location: false,
        });
    }

    fn add_detail(&mut self, line: Line, detail: Detail, text: &[u8]) {
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let group = &mut self.groups[open.group];
        if !group.named {
            if let Some(lint) = parse::lint_named_in(text) {
                let lint = String::from_utf8_lossy(lint).into_owned();
                if let Some(label) = intern(&lint) {
                    group.label = label;
                    group.name = lint;
                    group.named = true;
                }
            }
        }
        if let Some(block) = open.example.and_then(|e| group.examples.get_mut(e)) {
            if block.details.len() < MAX_BLOCK_LINES {
                block.details.push((line, detail));
            }
        }
        if detail == Detail::Location && !open.has_location {
            open.has_location = true;
            for &p in &open.picks {
                self.picks[p].with.push(line);
            }
        }
    }

    /// The finding (headline and heading) an anchor or query line belongs to.
    fn owner(&self) -> Vec<Line> {
        let Some(open) = &self.open else {
            return Vec::new();
        };
        let group = &self.groups[open.group];
        match open.example.and_then(|e| group.examples.get(e)) {
            Some(block) => block.compact(),
            None => Vec::new(),
        }
    }

    fn note_progress(&mut self, label: &'static str) {
        match self.progress.iter_mut().find(|(l, _)| *l == label) {
            Some(entry) => entry.1 += 1,
            None => self.progress.push((label, 1)),
        }
    }

    fn header(&self, over_budget: bool) -> String {
        let mut parts = Vec::new();
        let [errors, warnings, info] = self.severities;
        let mut counts = Vec::new();
        for (n, severity) in [
            (errors, Severity::Error),
            (warnings, Severity::Warning),
            (info, Severity::Info),
        ] {
            if n > 0 {
                counts.push(format!("{} {}", thousands(n), severity.noun(n)));
            }
        }
        if counts.is_empty() {
            parts.push("no findings".to_string());
        } else {
            let (one, many) = self.family.group_noun();
            parts.push(format!(
                "{} ({})",
                counts.join(", "),
                count_of(self.groups.len() as u64, one, many)
            ));
        }
        if self.groups.len() > 1 {
            let mut order: Vec<&Group> = self.groups.iter().collect();
            order.sort_by_key(|g| (std::cmp::Reverse(g.count), g.first));
            let top: Vec<String> = order
                .iter()
                .take(HEADER_GROUPS)
                .map(|g| format!("{} {}", thousands(g.count), g.name))
                .collect();
            parts.push(format!("most: {}", top.join(", ")));
        }
        if !self.progress.is_empty() {
            let mut progress = self.progress.clone();
            progress.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
            let list: Vec<String> = progress
                .iter()
                .map(|&(label, n)| format!("{} {label}", thousands(n)))
                .collect();
            parts.push(list.join(", "));
        }
        if over_budget {
            parts.push("over budget: must-keep lines".to_string());
        }
        format!("[{}: {}]", self.family.name(), parts.join(" · "))
    }
}

impl Compressor for DiagnosticCompressor {
    fn observe(&mut self, index: u64, text: &[u8], tokens: u32) {
        let line = Line {
            index,
            cost: tokens,
        };
        let kind = classify(text);
        match &kind {
            Kind::Blank => {}
            Kind::Finding(finding) => self.start_finding(finding, line),
            Kind::Detail(detail) if self.open.is_some() => self.add_detail(line, *detail, text),
            Kind::Heading => {
                self.open = None;
                self.heading = Some(line);
                if self.context.len() < MAX_CONTEXT_LINES {
                    self.context.push(line);
                }
            }
            Kind::Progress(label) => {
                self.open = None;
                self.context.clear();
                self.note_progress(label);
            }
            Kind::Summary => {
                self.open = None;
                self.context.clear();
                if self.summaries.len() < MAX_SUMMARIES {
                    self.summaries.push(line);
                }
            }
            Kind::Detail(_) | Kind::Other => {
                self.open = None;
                self.context.clear();
                let indented = text.first().is_some_and(u8::is_ascii_whitespace);
                if !indented && self.problems.len() < MAX_PROBLEM_LINES && parse::is_problem(text) {
                    self.problems.push(line);
                }
            }
        }
        if !matches!(kind, Kind::Blank) {
            self.last = Some(line);
        }
        if self.query.is_empty() {
            return;
        }
        let len = self.query.term_freqs(text, &mut self.tf);
        self.bm25.add(&self.tf, len);
        let mut anchors = 0u64;
        for (i, anchor) in self.query.anchors().iter().enumerate() {
            if memchr::memmem::find(text, anchor.as_bytes()).is_some() {
                self.anchor_lines[i] += 1;
                anchors |= 1 << i.min(63);
            }
        }
        let anchored = anchors != 0 && self.anchored < MAX_ANCHOR_LINES;
        let candidate = matches!(kind, Kind::Finding(_) | Kind::Other | Kind::Summary)
            && self.tf.iter().any(|&t| t > 0)
            && self.picks.len() < MAX_QUERY_CANDIDATES;
        if anchored || candidate {
            self.anchored += usize::from(anchored);
            let owned = !matches!(kind, Kind::Progress(_) | Kind::Summary | Kind::Heading);
            self.picks.push(Pick {
                line,
                with: if owned { self.owner() } else { Vec::new() },
                group: self.open.as_ref().filter(|_| owned).map(|o| o.group),
                terms: candidate.then(|| (self.tf.clone(), len)),
                anchors: if anchored { anchors } else { 0 },
            });
            if let Some(open) = self.open.as_mut().filter(|_| owned) {
                if !open.has_location {
                    open.picks.push(self.picks.len() - 1);
                }
            }
        }
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        let mut picker = Picker::new(ctx.budget);
        let cost = |l: &Line| u64::from(l.cost);
        for l in &self.summaries {
            picker.must(l.index, cost(l), None);
        }
        if let Some(l) = &self.last {
            picker.must(l.index, cost(l), None);
        }
        let note = |g: &Group| {
            (g.count > g.shown() as u64).then(|| format!("[×{} similar]", thousands(g.count)))
        };
        // Builds: the first error of every group in full.
        let whole = |g: &Group| self.family == Family::Build && g.severity == Severity::Error;
        for g in self.groups.iter().filter(|g| whole(g)) {
            if let Some(block) = g.examples.first() {
                for l in block.full() {
                    let first = Some(l) == block.headline;
                    picker.must(l.index, cost(&l), if first { note(g) } else { None });
                }
            }
        }
        let selective = |p: &&Pick| {
            (0..self.anchor_lines.len().min(64)).any(|i| {
                p.anchors & (1 << i) != 0 && self.anchor_lines[i] <= SELECTIVE_ANCHOR_LINES
            })
        };
        for p in self.picks.iter().filter(selective) {
            for l in p.with.iter().chain([&p.line]) {
                picker.must(l.index, cost(l), None);
            }
        }
        for l in &self.problems {
            picker.offer(l.index, cost(l) + MARKER_TOKENS, None);
        }
        // Findings of every group in turns, most important group first: errors
        // before warnings before the rest, and within a severity the rarer groups.
        let mut order: Vec<usize> = (0..self.groups.len()).collect();
        order.sort_by_key(|&g| {
            let g = &self.groups[g];
            (g.severity, g.count, g.first)
        });
        for tier in order.chunk_by(|&a, &b| self.groups[a].severity == self.groups[b].severity) {
            for turn in 0..MAX_EXAMPLES {
                for &g in tier {
                    let group = &self.groups[g];
                    if turn >= group.shown() {
                        continue;
                    }
                    let block = &group.examples[turn];
                    let Some(headline) = block.headline else {
                        continue;
                    };
                    let lines = if whole(group) {
                        block.full()
                    } else {
                        block.compact()
                    };
                    let total = lines.iter().map(cost).sum::<u64>() + MARKER_TOKENS;
                    let note = if turn == 0 { note(group) } else { None };
                    if picker.offer(headline.index, total, note) {
                        for l in lines.iter().filter(|l| **l != headline) {
                            picker.must(l.index, 0, None);
                        }
                    }
                }
            }
        }
        // The lines that best match the query's words.
        let mut scored: Vec<(f64, usize)> = self
            .picks
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.terms
                    .as_ref()
                    .map(|(tf, len)| (self.bm25.score(tf, *len), i))
            })
            .filter(|(s, _)| *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let best = scored.first().map_or(0.0, |s| s.0);
        for &(_, i) in scored
            .iter()
            .take(MAX_QUERY_LINES)
            .take_while(|(s, _)| *s >= QUERY_LINE_SHARE * best)
        {
            let p = &self.picks[i];
            // A finding of a group already shown adds little; one whose group the
            // budget did not reach is worth its place.
            let shown = p.group.is_some_and(|g| {
                self.groups[g]
                    .examples
                    .first()
                    .and_then(|b| b.headline)
                    .is_some_and(|h| picker.contains(h.index))
            });
            if shown {
                continue;
            }
            if picker.offer(p.line.index, cost(&p.line) + MARKER_TOKENS, None) {
                for l in &p.with {
                    picker.must(l.index, 0, None);
                }
            }
        }
        let over = picker.over_budget();
        picker.finish(Some(self.header(over)))
    }

    fn label(&self, _index: u64, text: &[u8]) -> Option<&'static str> {
        match classify(text) {
            Kind::Finding(finding) => {
                let (key, _) = Self::key(&finding);
                let g = self.by_key.get(&key).copied();
                Some(g.map_or(finding.severity.noun(1), |g| self.groups[g].label))
            }
            Kind::Detail(_) | Kind::Blank => Some("detail"),
            Kind::Heading => Some("heading"),
            Kind::Progress(label) => Some(label),
            Kind::Summary => Some("summary"),
            Kind::Other => None,
        }
    }
}

/// Labels must live as long as the program (markers count by `&'static str`); rules
/// are few and repeat across runs, so each distinct one is stored once, up to a cap.
fn intern(name: &str) -> Option<&'static str> {
    const MAX_LABELS: usize = 4096;
    static LABELS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut labels = LABELS
        .get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .ok()?;
    if let Some(&label) = labels.get(name) {
        return Some(label);
    }
    if labels.len() >= MAX_LABELS || name.len() > 64 {
        return None;
    }
    let label: &'static str = Box::leak(name.to_string().into_boxed_str());
    labels.insert(label);
    Some(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines as gcc prints them (lua 5.1 built with -Wall -Wextra -Wconversion).
    fn gcc_lines(fallthroughs: usize, conversions: usize) -> Vec<String> {
        let mut lines = Vec::new();
        for i in 0..conversions {
            lines.push(format!("lgc.c:{}:45: warning: conversion to ‘long unsigned int’ from ‘int’ may change the sign of the result [-Wsign-conversion]", 300 + i));
            lines.push(format!(
                "  {} |       return sizeof(Table) + sizeof(TValue) * h->sizearray +",
                300 + i
            ));
            lines.push("      |                                             ^".to_string());
        }
        for i in 0..fallthroughs {
            lines.push(format!(
                "llex.c:{}:14: warning: this statement may fall through [-Wimplicit-fallthrough=]",
                360 + i
            ));
        }
        lines.push("make: *** [Makefile:12: all] Error 2".to_string());
        lines
    }

    fn kept(lines: &[String], budget: u64) -> Vec<String> {
        let q = Query::default();
        let mut c = DiagnosticCompressor::new(Family::Build, &q);
        for (i, l) in lines.iter().enumerate() {
            c.observe(
                i as u64,
                l.as_bytes(),
                crate::tokens::estimate(l.as_bytes()) as u32,
            );
        }
        let s = c.select(&Context { query: &q, budget });
        s.keep
            .iter()
            .map(|k| lines[k.index as usize].clone())
            .collect()
    }

    #[test]
    fn small_groups_are_shown_whole_and_big_ones_by_their_first_findings() {
        let k = kept(&gcc_lines(5, 40), 4000);
        assert_eq!(k.iter().filter(|l| l.contains("fall through")).count(), 5);
        assert_eq!(
            k.iter().filter(|l| l.contains("-Wsign-conversion")).count(),
            3
        );
        assert!(k.iter().any(|l| l.starts_with("make: ***")));
        let k = kept(&gcc_lines(6, 40), 4000);
        assert_eq!(k.iter().filter(|l| l.contains("fall through")).count(), 3);
    }

    #[test]
    fn rare_groups_come_first_when_the_budget_is_short() {
        let k = kept(&gcc_lines(1, 40), 120);
        let shown: Vec<&String> = k.iter().filter(|l| l.contains("warning")).collect();
        assert!(shown[0].contains("fall through"), "{shown:?}");
        assert!(shown.len() < 3, "{shown:?}");
    }
}
