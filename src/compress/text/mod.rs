//! Plain text and documents: the fallback for anything no other compressor claims.
//!
//! Identical lines fold into their first occurrence with a count. A document with
//! headings (Markdown, setext, man-page sections, numbered sections, definition terms;
//! see `outline`) is read as sections: the sections that match the query stay whole
//! under their parents' headings, the outline of headings stays as far as a share of
//! the budget allows (whole levels, top down), and every other section folds by line
//! range. Flat text keeps the lines that match the query, then the head and the tail
//! of the input, the way a reader skims an unknown document. Either way, lines that
//! report a problem (`error:`, `AssertionError:`, `FAILED`, `1 failed`), as a pasted
//! console session holds, are kept first within a share of the budget: like the log
//! family's errors, they are what a reader of a long session looks for.

mod outline;

use std::collections::{HashMap, VecDeque};

use super::{Compressor, Context, Picker, Selection};
use crate::marker::{count_of, thousands};
use crate::relevance::{Bm25, Query};
use outline::{Heading, HeadingFinder, Shape};

/// Distinct lines tracked for folding.
const MAX_DISTINCT: usize = 200_000;
/// Head and tail lines remembered for the budget fill.
const EDGE_LINES: usize = 400;
/// Lines kept for their query score at most.
const MAX_QUERY_LINES: usize = 40;
/// Share of the budget the head may take (the tail gets the rest).
const HEAD_SHARE: f64 = 0.6;
/// Sections tracked; later headings no longer split the document.
const MAX_SECTIONS: usize = 20_000;
/// Headings a document needs to be read as sections rather than flat text.
const MIN_HEADINGS: usize = 3;
/// Sections kept whole for the query at most.
const MAX_WHOLE_SECTIONS: usize = 6;
/// A section is kept whole when it scores at least this share of the best section.
const SECTION_SCORE_SHARE: f64 = 0.5;
/// A section kept whole may take at most this share of the budget.
const SECTION_BUDGET_SHARE: f64 = 0.5;
/// Share of the budget for the outline of headings.
const OUTLINE_SHARE: f64 = 0.3;
/// Share of the budget for the document's opening lines when it has an outline.
const INTRO_SHARE: f64 = 0.1;
/// Estimated tokens of the marker an isolated kept line brings with it.
const MARKER_TOKENS: u64 = 20;
/// How many times a heading's words count in its section's score.
const HEADING_WEIGHT: u32 = 3;
/// BM25 score a matched anchor (an exact identifier or quoted string) adds.
const ANCHOR_WEIGHT: f64 = 4.0;
/// Lines reporting a problem remembered at most.
const MAX_PROBLEM_LINES: usize = 40;
/// Share of the budget the lines reporting a problem may take.
const PROBLEM_SHARE: f64 = 0.25;

#[derive(Debug, Clone, Copy)]
struct Line {
    index: u64,
    cost: u32,
    hash: u64,
}

/// The paragraph being read: its first line, its lines' combined hash and its length.
#[derive(Debug, Clone, Copy)]
struct Paragraph {
    start: u64,
    hash: u64,
    lines: u64,
}

/// Where a paragraph's text first appears and how often it appears.
#[derive(Debug, Clone, Copy)]
struct Occurrences {
    start: u64,
    lines: u64,
    count: u64,
}

/// A run of lines from one heading to the next (the first may have no heading).
#[derive(Debug)]
struct Section {
    start: u64,
    /// 0 for the text before the first heading.
    level: u8,
    /// Query term frequencies over the section's lines.
    tf: Vec<u32>,
    len: u32,
    cost: u64,
    anchors: u32,
}

impl Section {
    fn new(start: u64, level: u8, terms: usize) -> Section {
        Section {
            start,
            level,
            tf: vec![0; terms],
            len: 0,
            cost: 0,
            anchors: 0,
        }
    }
}

/// A line's contribution to its section, held until the next line tells whether it
/// starts a new one.
#[derive(Debug)]
struct Pending {
    tf: Vec<u32>,
    len: u32,
    cost: u64,
    anchors: u32,
}

/// The plain-text compressor; see the module documentation.
pub struct TextCompressor {
    query: Query,
    lines: u64,
    counts: HashMap<u64, (u64, u64)>,
    /// Paragraphs of two lines or more, by combined hash.
    paragraphs: HashMap<u64, Occurrences>,
    paragraph: Option<Paragraph>,
    /// Per first line of a repeated paragraph, its count; the paragraph's other lines
    /// carry no count of their own (filled by `select`).
    paragraph_notes: HashMap<u64, Option<u64>>,
    head: Vec<Line>,
    tail: VecDeque<Line>,
    bm25: Bm25,
    scored: Vec<(Box<[u32]>, u32, Line)>,
    anchors: Vec<Line>,
    /// Lines reporting a problem, in input order.
    problems: Vec<Line>,
    tf: Vec<u32>,
    finder: HeadingFinder,
    pending: Option<Pending>,
    sections: Vec<Section>,
    /// The heading lines with their costs, in input order.
    headings: Vec<(Heading, u32)>,
    /// The cost of the pending line (its heading is only known one line later).
    pending_cost: u32,
}

impl TextCompressor {
    pub fn new(query: &Query) -> TextCompressor {
        TextCompressor {
            query: query.clone(),
            lines: 0,
            counts: HashMap::new(),
            paragraphs: HashMap::new(),
            paragraph: None,
            paragraph_notes: HashMap::new(),
            head: Vec::new(),
            tail: VecDeque::new(),
            bm25: Bm25::new(query),
            scored: Vec::new(),
            anchors: Vec::new(),
            problems: Vec::new(),
            tf: Vec::new(),
            finder: HeadingFinder::new(),
            pending: None,
            sections: vec![Section::new(0, 0, query.terms().len())],
            headings: Vec::new(),
            pending_cost: 0,
        }
    }

    /// Offers a line unless it repeats an earlier one; notes the count on first ones
    /// (a repeated paragraph's count on its first line).
    fn offer(&self, picker: &mut Picker, line: Line) -> bool {
        if let Some(&paragraph) = self.paragraph_notes.get(&line.index) {
            let note = paragraph.map(|n| format!("[paragraph ×{}]", thousands(n)));
            return picker.offer(line.index, u64::from(line.cost), note);
        }
        match self.counts.get(&line.hash) {
            Some(&(first, _)) if first != line.index => true,
            _ if line.hash == BLANK => picker.offer(line.index, u64::from(line.cost), None),
            Some(&(_, n)) if n > 1 => picker.offer(
                line.index,
                u64::from(line.cost),
                Some(format!("[×{} identical]", thousands(n))),
            ),
            _ => picker.offer(line.index, u64::from(line.cost), None),
        }
    }

    /// Ends the paragraph being read (at a blank line or the end of the input) and
    /// counts it if it has two lines or more.
    fn close_paragraph(&mut self) {
        let Some(p) = self.paragraph.take().filter(|p| p.lines >= 2) else {
            return;
        };
        if self.paragraphs.len() < MAX_DISTINCT || self.paragraphs.contains_key(&p.hash) {
            self.paragraphs
                .entry(p.hash)
                .or_insert(Occurrences {
                    start: p.start,
                    lines: p.lines,
                    count: 0,
                })
                .count += 1;
        }
    }

    /// Notes each repeated paragraph's count on its first line, and none on its
    /// other lines.
    fn note_paragraphs(&mut self) {
        for o in self.paragraphs.values().filter(|o| o.count > 1) {
            self.paragraph_notes.insert(o.start, Some(o.count));
            for index in o.start + 1..o.start + o.lines {
                self.paragraph_notes.entry(index).or_insert(None);
            }
        }
    }

    /// Adds the pending line to the current section, opening a new one first when the
    /// line is a heading.
    fn settle(&mut self, heading: Option<Heading>) {
        let Some(line) = self.pending.take() else {
            return;
        };
        if let Some(heading) = heading.filter(|_| self.sections.len() < MAX_SECTIONS) {
            self.headings.push((heading, self.pending_cost));
            let current = self.sections.last_mut().expect("one section at least");
            if current.start == heading.index {
                current.level = heading.level;
            } else {
                self.sections.push(Section::new(
                    heading.index,
                    heading.level,
                    self.query.terms().len(),
                ));
            }
        }
        // A heading names what its section is about: its words count more (as titles
        // do in BM25F).
        let weight = if heading.is_some() { HEADING_WEIGHT } else { 1 };
        let section = self.sections.last_mut().expect("one section at least");
        for (sum, t) in section.tf.iter_mut().zip(&line.tf) {
            *sum += weight * t;
        }
        section.len += line.len;
        section.cost += line.cost;
        section.anchors += line.anchors;
    }

    /// Line range `[start, end)` of section `k`.
    fn range(&self, k: usize) -> (u64, u64) {
        let end = self.sections.get(k + 1).map_or(self.lines, |s| s.start);
        (self.sections[k].start, end)
    }

    /// Keeps the sections that best match the query whole, with their parents'
    /// headings; returns how many.
    fn keep_matching_sections(&self, picker: &mut Picker, budget: u64) -> usize {
        let mut stats = Bm25::new(&self.query);
        for s in &self.sections {
            stats.add(&s.tf, s.len);
        }
        let mut ranked: Vec<(f64, usize)> = self
            .sections
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let score = stats.score(&s.tf, s.len) + ANCHOR_WEIGHT * f64::from(s.anchors);
                (score, k)
            })
            .filter(|&(score, _)| score > 0.0)
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let Some(&(best, _)) = ranked.first() else {
            return 0;
        };
        let max_cost = (budget as f64 * SECTION_BUDGET_SHARE) as u64;
        let mut kept = 0;
        for &(score, k) in ranked.iter().take(MAX_WHOLE_SECTIONS) {
            if score < best * SECTION_SCORE_SHARE {
                break;
            }
            let (start, end) = self.range(k);
            if self.sections[k].cost > max_cost || !picker.offer(start, self.sections[k].cost, None)
            {
                continue;
            }
            // The section's cost was counted on its first line.
            for index in start + 1..end {
                picker.must(index, 0, None);
            }
            kept += 1;
            let mut level = self.sections[k].level;
            for parent in self.sections[..k].iter().rev() {
                if parent.level < level && parent.level > 0 {
                    level = parent.level;
                    picker.must(parent.start, MARKER_TOKENS, None);
                }
            }
        }
        kept
    }

    /// Offers whole levels of headings, top down, while they fit `budget`.
    fn keep_outline(&self, picker: &mut Picker, budget: u64) {
        let mut used = 0;
        for level in 1..=6 {
            let cost: u64 = self
                .headings
                .iter()
                .filter(|(h, _)| h.level == level && !picker.contains(h.index))
                .map(|(_, cost)| u64::from(*cost) + MARKER_TOKENS)
                .sum();
            if used + cost > budget {
                break;
            }
            used += cost;
            for (heading, cost) in self.headings.iter().filter(|(h, _)| h.level == level) {
                picker.must(heading.index, u64::from(*cost) + MARKER_TOKENS, None);
            }
        }
    }

    /// Offers the best query-matching lines, at most `max` and (when `share` > 0) only
    /// those scoring at least `share` of the best.
    fn keep_query_lines(&self, picker: &mut Picker, max: usize, share: f64) {
        let mut scored: Vec<(f64, Line)> = self
            .scored
            .iter()
            .map(|(tf, len, line)| (self.bm25.score(tf, *len), *line))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.index.cmp(&b.1.index)));
        let best = scored.first().map_or(0.0, |s| s.0);
        for &(score, line) in scored.iter().take(max) {
            if score < best * share {
                break;
            }
            self.offer(picker, line);
        }
    }

    /// Keeps the first of `lines` (repeats folded) that fit `budget`.
    fn keep_first(&self, picker: &mut Picker, lines: &[Line], budget: u64) {
        let mut first = Picker::new(budget);
        let mut at = std::collections::HashMap::new();
        for &line in lines {
            at.insert(line.index, line);
            if !self.offer(&mut first, line) {
                break;
            }
        }
        for kept in first.finish(None).keep {
            let line = at[&kept.index];
            picker.must(line.index, u64::from(line.cost), kept.note);
        }
    }
}

impl Compressor for TextCompressor {
    fn observe(&mut self, index: u64, bytes: &[u8], tokens: u32) {
        self.lines += 1;
        let hash = line_hash(bytes);
        if hash == BLANK {
            self.close_paragraph();
        } else {
            let p = self.paragraph.get_or_insert(Paragraph {
                start: index,
                hash: 0,
                lines: 0,
            });
            p.hash = p.hash.rotate_left(7) ^ hash;
            p.lines += 1;
        }
        let line = Line {
            index,
            cost: tokens + 1,
            hash,
        };
        if self.counts.len() < MAX_DISTINCT || self.counts.contains_key(&hash) {
            self.counts.entry(hash).or_insert((index, 0)).1 += 1;
        }
        if self.head.len() < EDGE_LINES {
            self.head.push(line);
        }
        if self.tail.len() == EDGE_LINES {
            self.tail.pop_front();
        }
        self.tail.push_back(line);
        let len = self.query.term_freqs(bytes, &mut self.tf);
        if !self.query.terms().is_empty() {
            self.bm25.add(&self.tf, len);
            if self.tf.iter().any(|&t| t > 0) && self.scored.len() < MAX_DISTINCT {
                self.scored
                    .push((self.tf.clone().into_boxed_slice(), len, line));
            }
        }
        if self.problems.len() < MAX_PROBLEM_LINES && reports_problem(bytes) {
            self.problems.push(line);
        }
        let anchors = self.query.anchor_hits(bytes) as u32;
        if self.anchors.len() < MAX_QUERY_LINES && anchors > 0 {
            self.anchors.push(line);
        }
        let heading = self.finder.push(index, Shape::of(bytes));
        self.settle(heading);
        self.pending = Some(Pending {
            tf: self.tf.clone(),
            len,
            cost: u64::from(line.cost),
            anchors,
        });
        self.pending_cost = line.cost;
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        let heading = self.finder.finish();
        self.settle(heading);
        self.close_paragraph();
        self.note_paragraphs();
        let mut picker = Picker::new(ctx.budget);
        for &line in &self.anchors {
            picker.must(line.index, u64::from(line.cost), None);
        }
        let share = |s: f64| (ctx.budget as f64 * s) as u64;
        self.keep_first(&mut picker, &self.problems, share(PROBLEM_SHARE));
        let outlined = self.headings.len() >= MIN_HEADINGS;
        let header = if outlined {
            let whole = self.keep_matching_sections(&mut picker, ctx.budget);
            self.keep_query_lines(&mut picker, MAX_QUERY_LINES / 2, SECTION_SCORE_SHARE);
            self.keep_outline(&mut picker, share(OUTLINE_SHARE));
            self.keep_first(&mut picker, &self.head, share(INTRO_SHARE));
            format!(
                "outline: {} sections, {} whole for the query",
                thousands(self.sections.len() as u64),
                thousands(whole as u64)
            )
        } else {
            self.keep_query_lines(&mut picker, MAX_QUERY_LINES, 0.0);
            self.keep_first(&mut picker, &self.head, share(HEAD_SHARE));
            for &line in self.tail.iter().rev() {
                if !self.offer(&mut picker, line) {
                    break;
                }
            }
            format!("{} distinct", thousands(self.counts.len() as u64))
        };
        let mut selection = picker.finish(None);
        selection.header = Some(format!(
            "[text: {} · {header} · {} shown]",
            count_of(self.lines, "line", "lines"),
            thousands(selection.keep.len() as u64)
        ));
        selection
    }

    fn label(&self, _index: u64, _line: &[u8]) -> Option<&'static str> {
        None
    }
}

/// The hash blank lines (only spaces and tabs) share: they are never counted as
/// repeats, only dropped with what surrounds them.
const BLANK: u64 = 0;

/// A line's identity for folding repeats ([`BLANK`] for a blank line).
fn line_hash(bytes: &[u8]) -> u64 {
    if bytes.iter().all(|&b| b == b' ' || b == b'\t') {
        return BLANK;
    }
    let hash = blake3::hash(bytes);
    u64::from_le_bytes(hash.as_bytes()[..8].try_into().expect("8 bytes")) | 1
}

/// A line that reports an error or a failure: `error:` or `Error:` (a compiler's, a
/// tool's), `SomethingError:` (an exception), Python's traceback header, pytest's
/// `E   ` detail lines, `FAILED`, and counts such as `1 failed`.
pub(super) fn reports_problem(line: &[u8]) -> bool {
    static RE: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        crate::pattern::regex(
            r"(?i:\b(?:error|fatal|panic|panicked|exception)\b[:\]])|^Traceback \(most recent call last\)|^\s*E {2,}\S|\bFAILED\b|(?i:\b\d+ (?:failed|errors?)\b)|\b[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:Error|Exception)\b:",
        )
    })
    .is_match(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The selection of a text compressor fed `lines` with `query`, at a budget of 300.
    fn select(query: &str, lines: impl IntoIterator<Item = String>) -> Selection {
        let q = Query::parse(query);
        let mut c = TextCompressor::new(&q);
        for (i, line) in lines.into_iter().enumerate() {
            let tokens = crate::tokens::estimate(line.as_bytes()) as u32;
            c.observe(i as u64, line.as_bytes(), tokens);
        }
        c.select(&Context {
            query: &q,
            budget: 300,
        })
    }

    #[test]
    fn keeps_head_tail_and_query_lines_and_folds_repeats() {
        let lines = (0..2000u64).map(|i| match i {
            1000 => "the needle is here".to_string(),
            _ if i % 2 == 0 => "same line again".to_string(),
            _ => format!("prose line number {i} with some words"),
        });
        let s = select("where is the needle", lines);
        let kept: Vec<u64> = s.keep.iter().map(|k| k.index).collect();
        assert!(
            kept.contains(&0) && kept.contains(&1000) && kept.contains(&1999),
            "{kept:?}"
        );
        assert!(!kept.contains(&2), "repeat of line 0 is folded");
        assert_eq!(s.keep[0].note.as_deref(), Some("[×999 identical]"));
        assert!(kept.len() < 100);
    }

    #[test]
    fn problem_reports_are_recognised_and_prose_is_not() {
        for line in [
            "     error: externally-managed-environment",
            "  E       AssertionError: Test book not found",
            "FAILED specs/library_spec.py::it_finds - AssertionError: not found",
            "==== 1 failed, 3 passed in 0.29s ====",
            "  1. ruff config error: py313 is not supported",
            "Traceback (most recent call last):",
        ] {
            assert!(reports_problem(line.as_bytes()), "{line}");
        }
        for line in [
            "Error handling is described in the next section.",
            "This will not fail when the file exists.",
            "  Every test passed.",
        ] {
            assert!(!reports_problem(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn problem_reports_are_kept_far_from_the_head_and_tail() {
        let lines = (0..3000u64).map(|i| match i {
            1500 => "     error: externally-managed-environment".to_string(),
            _ => format!("prose line number {i} with some words"),
        });
        let s = select("", lines);
        assert!(s.keep.iter().any(|k| k.index == 1500));
    }

    #[test]
    fn a_repeated_paragraph_is_counted_once_on_its_first_line() {
        let mut lines = vec!["Intro".to_string(), String::new()];
        for i in 0..200 {
            lines.push("Note: this warning applies.".into());
            lines.push("Please read it carefully.".into());
            lines.push(String::new());
            lines.push(format!("filler {i}"));
            lines.push(String::new());
        }
        let s = select("", lines);
        let note = |index: u64| {
            s.keep
                .iter()
                .find(|k| k.index == index)
                .map(|k| k.note.clone())
        };
        assert_eq!(note(2), Some(Some("[paragraph ×200]".into())));
        assert_eq!(
            note(3),
            Some(None),
            "the paragraph's other lines carry no count"
        );
        assert_eq!(note(1), Some(None), "blank lines carry no count");
        assert!(note(7).is_none(), "a repeat is folded");
    }
}
