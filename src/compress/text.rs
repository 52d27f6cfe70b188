//! Plain text: the fallback for anything no other compressor claims.
//!
//! Identical lines fold into their first occurrence with a count; lines that match the
//! query are kept; the head and the tail of the input fill the rest of the budget, the
//! way a reader skims an unknown document.

use std::collections::{HashMap, VecDeque};

use super::{Compressor, Context, Picker, Selection};
use crate::marker::{count_of, thousands};
use crate::relevance::{Bm25, Query};

/// Distinct lines tracked for folding.
const MAX_DISTINCT: usize = 200_000;
/// Head and tail lines remembered for the budget fill.
const EDGE_LINES: usize = 400;
/// Lines kept for their query score at most.
const MAX_QUERY_LINES: usize = 40;
/// Share of the budget the head may take (the tail gets the rest).
const HEAD_SHARE: f64 = 0.6;

#[derive(Debug, Clone, Copy)]
struct Line {
    index: u64,
    cost: u32,
    hash: u64,
}

/// The plain-text compressor; see the module documentation.
pub struct TextCompressor {
    query: Query,
    lines: u64,
    counts: HashMap<u64, (u64, u64)>,
    head: Vec<Line>,
    tail: VecDeque<Line>,
    bm25: Bm25,
    scored: Vec<(Box<[u32]>, u32, Line)>,
    anchors: Vec<Line>,
    tf: Vec<u32>,
}

impl TextCompressor {
    pub fn new(query: &Query) -> TextCompressor {
        TextCompressor {
            query: query.clone(),
            lines: 0,
            counts: HashMap::new(),
            head: Vec::new(),
            tail: VecDeque::new(),
            bm25: Bm25::new(query),
            scored: Vec::new(),
            anchors: Vec::new(),
            tf: Vec::new(),
        }
    }

    /// Offers a line unless it repeats an earlier one; notes the count on first ones.
    fn offer(&self, picker: &mut Picker, line: Line) -> bool {
        match self.counts.get(&line.hash) {
            Some(&(first, _)) if first != line.index => true,
            Some(&(_, n)) if n > 1 => picker.offer(
                line.index,
                u64::from(line.cost),
                Some(format!("[×{} identical]", thousands(n))),
            ),
            _ => picker.offer(line.index, u64::from(line.cost), None),
        }
    }
}

impl Compressor for TextCompressor {
    fn observe(&mut self, index: u64, bytes: &[u8], tokens: u32) {
        self.lines += 1;
        let hash = blake3::hash(bytes);
        let hash = u64::from_le_bytes(hash.as_bytes()[..8].try_into().expect("8 bytes"));
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
        if !self.query.terms().is_empty() {
            let len = self.query.term_freqs(bytes, &mut self.tf);
            self.bm25.add(&self.tf, len);
            if self.tf.iter().any(|&t| t > 0) && self.scored.len() < MAX_DISTINCT {
                self.scored
                    .push((self.tf.clone().into_boxed_slice(), len, line));
            }
        }
        if self.anchors.len() < MAX_QUERY_LINES && self.query.anchor_hits(bytes) > 0 {
            self.anchors.push(line);
        }
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        let mut picker = Picker::new(ctx.budget);
        for &line in &self.anchors {
            picker.must(line.index, u64::from(line.cost), None);
        }
        let mut scored: Vec<(f64, Line)> = self
            .scored
            .iter()
            .map(|(tf, len, line)| (self.bm25.score(tf, *len), *line))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.index.cmp(&b.1.index)));
        for &(_, line) in scored.iter().take(MAX_QUERY_LINES) {
            self.offer(&mut picker, line);
        }
        let head_budget = (ctx.budget as f64 * HEAD_SHARE) as u64;
        let mut head_picker = Picker::new(head_budget);
        for &line in &self.head {
            if !self.offer(&mut head_picker, line) {
                break;
            }
        }
        for kept in head_picker.finish(None).keep {
            let line = self.head[kept.index as usize];
            picker.must(line.index, u64::from(line.cost), kept.note);
        }
        for &line in self.tail.iter().rev() {
            if !self.offer(&mut picker, line) {
                break;
            }
        }
        let distinct = self.counts.len() as u64;
        let mut selection = picker.finish(None);
        selection.header = Some(format!(
            "[text: {} · {} distinct · {} shown]",
            count_of(self.lines, "line", "lines"),
            thousands(distinct),
            thousands(selection.keep.len() as u64)
        ));
        selection
    }

    fn label(&self, _index: u64, _line: &[u8]) -> Option<&'static str> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_head_tail_and_query_lines_and_folds_repeats() {
        let q = Query::parse("where is the needle");
        let mut c = TextCompressor::new(&q);
        for i in 0..2000u64 {
            let line = match i {
                1000 => "the needle is here".to_string(),
                _ if i % 2 == 0 => "same line again".to_string(),
                _ => format!("prose line number {i} with some words"),
            };
            c.observe(
                i,
                line.as_bytes(),
                crate::tokens::estimate(line.as_bytes()) as u32,
            );
        }
        let s = c.select(&Context {
            query: &q,
            budget: 300,
        });
        let kept: Vec<u64> = s.keep.iter().map(|k| k.index).collect();
        assert!(
            kept.contains(&0) && kept.contains(&1000) && kept.contains(&1999),
            "{kept:?}"
        );
        assert!(!kept.contains(&2), "repeat of line 0 is folded");
        assert_eq!(s.keep[0].note.as_deref(), Some("[×999 identical]"));
        assert!(kept.len() < 100);
    }
}
