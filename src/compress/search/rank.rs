//! Query relevance of single lines, shared by the search and listing views.
//!
//! A line scores its BM25 weight for the query's terms (document statistics over
//! the input's own lines) plus, for each of the query's exact anchors it contains,
//! that anchor's inverse document frequency: an anchor found on two lines singles
//! them out, one found on every line (`headroom-proxy` in a search of that crate)
//! says little.

use memchr::memmem;

use crate::relevance::{Bm25, Query};

/// Lines remembered as query candidates at most.
const MAX_CANDIDATES: usize = 20_000;

/// A line that holds a query term or anchor.
struct Candidate {
    index: u64,
    tf: Box<[u32]>,
    len: u32,
    /// Bit `k` set: the line holds anchor `k` (the first 32 anchors).
    anchors: u32,
}

/// Scores lines against a query as they stream by.
pub struct Scorer {
    query: Query,
    bm25: Bm25,
    /// Lines holding each anchor.
    anchor_lines: Vec<u64>,
    lines: u64,
    candidates: Vec<Candidate>,
    tf: Vec<u32>,
}

impl Scorer {
    pub fn new(query: &Query) -> Scorer {
        Scorer {
            query: query.clone(),
            bm25: Bm25::new(query),
            anchor_lines: vec![0; query.anchors().len().min(32)],
            lines: 0,
            candidates: Vec::new(),
            tf: Vec::new(),
        }
    }

    /// Counts one line (the text relevance is judged on) into the statistics.
    pub fn observe(&mut self, index: u64, text: &[u8]) {
        if self.query.is_empty() {
            return;
        }
        self.lines += 1;
        let len = self.query.term_freqs(text, &mut self.tf);
        self.bm25.add(&self.tf, len);
        let mut anchors = 0u32;
        for (k, anchor) in self.query.anchors().iter().take(32).enumerate() {
            if memmem::find(text, anchor.as_bytes()).is_some() {
                anchors |= 1 << k;
                self.anchor_lines[k] += 1;
            }
        }
        if (anchors != 0 || self.tf.iter().any(|&t| t > 0))
            && self.candidates.len() < MAX_CANDIDATES
        {
            self.candidates.push(Candidate {
                index,
                tf: self.tf.clone().into_boxed_slice(),
                len,
                anchors,
            });
        }
    }

    /// (score, index) of every line with a positive score, best first (ties in input
    /// order).
    pub fn ranked(&self) -> Vec<(f64, u64)> {
        let n = self.lines as f64;
        let idf: Vec<f64> = self
            .anchor_lines
            .iter()
            .map(|&df| ((n - df as f64 + 0.5) / (df as f64 + 0.5) + 1.0).ln())
            .collect();
        let mut out: Vec<(f64, u64)> = self
            .candidates
            .iter()
            .map(|c| {
                let anchors: f64 = (0..idf.len())
                    .filter(|k| c.anchors & (1 << k) != 0)
                    .map(|k| idf[k])
                    .sum();
                (self.bm25.score(&c.tf, c.len) + anchors, c.index)
            })
            .filter(|(score, _)| *score > 0.0)
            .collect();
        out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_anchors_and_terms_rank_first() {
        let q = Query::parse("where does eventstream.rs call expect in headroom-proxy");
        let mut s = Scorer::new(&q);
        let lines: [&[u8]; 4] = [
            b"crates/headroom-proxy/src/a.rs:1:x.expect(\"a\")",
            b"crates/headroom-proxy/src/b.rs:2:x.expect(\"b\")",
            b"crates/headroom-proxy/src/eventstream.rs:3:x.expect(\"c\")",
            b"crates/other/src/c.rs:4:nothing",
        ];
        for (i, l) in lines.iter().enumerate() {
            s.observe(i as u64, l);
        }
        let ranked = s.ranked();
        assert_eq!(ranked[0].1, 2, "{ranked:?}");
        // The line that shares only `rs` with the query ranks last.
        assert_eq!(ranked.last().map(|r| r.1), Some(3), "{ranked:?}");
    }
}
