//! Which lines of a git or diff output the query points at.
//!
//! Shared by the diff and git compressors: both keep whole units (a hunk, a commit)
//! around the lines a reader asks about, so both need the same two signals as the log
//! compressor: exact anchors (a hash, a path, a version) and BM25 over the input's
//! own lines.

use crate::relevance::{Bm25, Query};

/// Lines holding an anchor remembered at most.
const MAX_ANCHOR_LINES: usize = 256;
/// Lines with a query term remembered as candidates at most.
const MAX_CANDIDATES: usize = 20_000;

/// A line the query points at: its index and estimated cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub index: u64,
    pub cost: u32,
    pub score: f64,
}

/// Query statistics gathered in one pass over the lines.
#[derive(Debug)]
pub struct QueryLines {
    query: Query,
    bm25: Bm25,
    scratch: Vec<u32>,
    anchored: Vec<Hit>,
    candidates: Vec<(u64, u32, Box<[u32]>, u32)>,
}

impl QueryLines {
    pub fn new(query: &Query) -> QueryLines {
        QueryLines {
            query: query.clone(),
            bm25: Bm25::new(query),
            scratch: Vec::new(),
            anchored: Vec::new(),
            candidates: Vec::new(),
        }
    }

    /// Counts one line into the statistics and remembers it if the query touches it.
    pub fn observe(&mut self, index: u64, line: &[u8], cost: u32) {
        if !self.query.terms().is_empty() {
            let len = self.query.term_freqs(line, &mut self.scratch);
            self.bm25.add(&self.scratch, len);
            if self.candidates.len() < MAX_CANDIDATES && self.scratch.iter().any(|&t| t > 0) {
                let tf = self.scratch.clone().into_boxed_slice();
                self.candidates.push((index, cost, tf, len));
            }
        }
        if self.anchored.len() < MAX_ANCHOR_LINES
            && !self.query.anchors().is_empty()
            && self.query.anchor_hits(line) > 0
        {
            let score = self.query.anchor_hits(line) as f64;
            self.anchored.push(Hit { index, cost, score });
        }
    }

    /// Lines that hold one of the query's exact anchors, in input order.
    pub fn anchored(&self) -> &[Hit] {
        &self.anchored
    }

    /// The lines that best match the query's words: at most `max`, each scoring at
    /// least `share` of the best, best first (ties in input order).
    pub fn best(&self, max: usize, share: f64) -> Vec<Hit> {
        let mut scored: Vec<Hit> = self
            .candidates
            .iter()
            .map(|(index, cost, tf, len)| Hit {
                index: *index,
                cost: *cost,
                score: self.bm25.score(tf, *len),
            })
            .filter(|h| h.score > 0.0)
            .collect();
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.index.cmp(&b.index)));
        let best = scored.first().map_or(0.0, |h| h.score);
        scored.truncate(max);
        scored.retain(|h| h.score >= share * best);
        scored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_words_and_anchors_are_found() {
        let q = Query::parse("which commit bumped pyjwt<2.0 in requirements?");
        let mut lines = QueryLines::new(&q);
        let input: [&[u8]; 4] = [
            b"commit 1",
            b"commit 2",
            b"+pyjwt<2.0",
            b" requirements.txt | 1 +",
        ];
        for (i, l) in input.iter().enumerate() {
            lines.observe(i as u64, l, 3);
        }
        assert_eq!(lines.anchored().len(), 1);
        assert_eq!(lines.anchored()[0].index, 2);
        let best: Vec<u64> = lines.best(5, 0.5).iter().map(|h| h.index).collect();
        assert_eq!(best[..2], [2, 3], "the rare words rank above `commit`");
    }
}
