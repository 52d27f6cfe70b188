//! Source code: an outline of a large file, the rest of it folded by line range.
//!
//! Agents read whole files to find the part they need, and then edit it, so this
//! compressor is conservative: a file that fits the budget passes whole; above it,
//! the view keeps every line that is not a function body or a long comment (imports,
//! types, signatures, constants, module-level statements), keeps a comment block's
//! summary and its TODO/FIXME/SAFETY/NOTE lines, and folds long bodies into one
//! marker each (`[… 68 lines L121-188 elided · headroom-cat HASH -L 121:188]`, which
//! gives the body back byte for byte). Bodies of items that match the query stay
//! whole: an exact anchor (identifier, string, number, or the last part of a
//! qualified name such as `Context.forward` naming the item) or a name made mostly of
//! the query's words (`lexKeyStart` for "a key starting with") always, items that rank
//! on the query's words (identifiers split at `camelCase` and `snake_case`) while the
//! budget lasts. Kept lines are the file's own lines, in order, so the markers'
//! ranges number every line of the view.
//!
//! The source is buffered to parse it (up to [`MAX_SOURCE_BYTES`]; a bigger input is
//! read by the text compressor). A file that does not parse cleanly (truncated, a
//! fragment printed by `sed -n`, a syntax error) passes through whole.

mod language;
mod outline;

pub use language::{sniff, Language};

use std::collections::HashSet;

use super::text::TextCompressor;
use super::{Compressor, Context, Picker, Selection};
use crate::lines::MAX_LINE;
use crate::marker::{count_of, thousands};
use crate::relevance::{for_each_term, Bm25, Query};

/// Sources above this size are not parsed; the text compressor reads them.
pub const MAX_SOURCE_BYTES: usize = 2 << 20;

/// Items ranked on the query's words are kept whole only when they score at least
/// this share of the best item's score: a word shared with the query by chance
/// (`error`, `name`) should not fill the budget with bodies nobody asked for.
const MIN_RELATIVE_SCORE: f64 = 0.35;

/// The code compressor; see the module documentation.
pub struct CodeCompressor {
    query: Query,
    hint: Option<Language>,
    source: Vec<u8>,
    /// Token estimate of each line, with its line ending.
    costs: Vec<u32>,
    /// A line reached the pipeline's analysis limit, so the buffered source is not
    /// the file: pass it through.
    cut: bool,
    /// Reads the input instead when it is too big to parse.
    fallback: Option<TextCompressor>,
    /// `select` kept the whole file.
    whole: bool,
    /// Whether the first line carries a line-number gutter (`cat -n`, `nl`, Claude
    /// Code's `     1→`): then the gutters are left out of what is parsed, and lines
    /// without one (a note after the file) are parsed as blank.
    gutter: Option<bool>,
}

impl CodeCompressor {
    /// `hint` is the language the producing command names, if any.
    pub fn new(query: &Query, hint: Option<Language>) -> CodeCompressor {
        CodeCompressor {
            query: query.clone(),
            hint,
            source: Vec::new(),
            costs: Vec::new(),
            cut: false,
            fallback: None,
            whole: false,
            gutter: None,
        }
    }

    /// The language to parse with: the command's, the shebang's, else the one whose
    /// declarations the file is full of.
    fn language(&self) -> Option<Language> {
        self.hint
            .or_else(|| Language::of_shebang(&self.source))
            .or_else(|| language::by_content(self.source.split(|&b| b == b'\n')).map(|(l, _)| l))
    }

    /// Keeps every line: the file passes through.
    fn whole(&mut self, why: &str) -> Selection {
        self.whole = true;
        let mut picker = Picker::new(u64::MAX);
        for (i, &c) in self.costs.iter().enumerate() {
            picker.must(i as u64, u64::from(c), None);
        }
        picker.finish(Some(format!(
            "[code: {} · {why}]",
            count_of(self.costs.len() as u64, "line", "lines")
        )))
    }

    /// The estimated tokens of rows `first..=last`.
    fn cost(&self, first: usize, last: usize) -> u64 {
        self.costs[first..=last].iter().map(|&c| u64::from(c)).sum()
    }
}

impl Compressor for CodeCompressor {
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32) {
        if let Some(fallback) = self.fallback.as_mut() {
            fallback.observe(index, line, tokens);
            return;
        }
        self.cut |= line.len() + 4 >= MAX_LINE;
        let gutter = *self
            .gutter
            .get_or_insert_with(|| strip_gutter(line).is_some());
        let code = match (gutter, strip_gutter(line)) {
            (false, _) => line,
            (true, Some(code)) => code,
            (true, None) => b"",
        };
        self.source.extend_from_slice(code);
        self.source.push(b'\n');
        self.costs.push(tokens + 1);
        if self.source.len() > MAX_SOURCE_BYTES {
            let mut fallback = TextCompressor::new(&self.query);
            for (i, (line, &cost)) in self
                .source
                .split(|&b| b == b'\n')
                .zip(&self.costs)
                .enumerate()
            {
                fallback.observe(i as u64, line, cost - 1);
            }
            self.fallback = Some(fallback);
            self.source = Vec::new();
            self.costs = Vec::new();
        }
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        if let Some(fallback) = self.fallback.as_mut() {
            return fallback.select(ctx);
        }
        let total: u64 = self.costs.iter().map(|&c| u64::from(c)).sum();
        if self.costs.is_empty() || total <= ctx.budget {
            return self.whole("fits the budget, shown whole");
        }
        if self.cut {
            return self.whole("a line too long to parse, shown whole");
        }
        let Some(hint) = self.language() else {
            return self.whole("language not recognised, shown whole");
        };
        let Some((lang, found)) = outline::outline(&self.source, hint) else {
            return self.whole("does not parse, shown whole");
        };
        let rows = self.costs.len();
        let mut hidden = vec![false; rows];
        for &r in &found.comment_rows {
            hidden[r] = true;
        }
        let texts: Vec<&[u8]> = self.source.split(|&b| b == b'\n').take(rows).collect();
        // Comment lines naming an anchor stay.
        for (r, text) in texts.iter().enumerate() {
            if hidden[r] && self.query.anchor_hits(text) > 0 {
                hidden[r] = false;
            }
        }
        let relevance = Relevance::new(&self.query, &texts, &found.bodies);
        let mut whole = vec![false; found.bodies.len()];
        for (b, body) in found.bodies.iter().enumerate() {
            whole[b] = relevance.anchored[b];
            if !whole[b] {
                hidden[body.first..=body.last]
                    .iter_mut()
                    .for_each(|h| *h = true);
            }
        }
        let mut used: u64 = (0..rows)
            .filter(|&r| !hidden[r])
            .map(|r| u64::from(self.costs[r]))
            .sum();
        for b in relevance.ranked(&texts, &found.bodies) {
            let body = &found.bodies[b];
            let cost = self.cost(body.first, body.last);
            if used + cost <= ctx.budget {
                used += cost;
                whole[b] = true;
                hidden[body.first..=body.last]
                    .iter_mut()
                    .for_each(|h| *h = false);
            }
        }
        let mut picker = Picker::new(ctx.budget);
        for r in (0..rows).filter(|&r| !hidden[r]) {
            picker.must(r as u64, u64::from(self.costs[r]), None);
        }
        let folded = whole.iter().filter(|w| !**w).count() as u64;
        let kept_whole = whole.len() as u64 - folded;
        let mut header = format!(
            "[code {}: {} · outline: {} folded",
            lang.name(),
            count_of(rows as u64, "line", "lines"),
            count_of(folded, "body", "bodies"),
        );
        if kept_whole > 0 {
            header.push_str(&format!(", {} whole", thousands(kept_whole)));
            if !self.query.is_empty() {
                header.push_str(" for the query");
            }
        }
        header.push(']');
        picker.finish(Some(header))
    }

    fn label(&self, index: u64, line: &[u8]) -> Option<&str> {
        self.fallback.as_ref().and_then(|f| f.label(index, line))
    }

    fn passes_through(&self) -> bool {
        self.whole
    }
}

/// How each foldable body relates to the query.
struct Relevance {
    /// The item holds an anchor, a qualified anchor names it, or its own name is
    /// made of the query's words ([`named_by`]).
    anchored: Vec<bool>,
    /// BM25 score of each item on the query's words.
    scores: Vec<f64>,
}

impl Relevance {
    fn new(query: &Query, rows: &[&[u8]], bodies: &[outline::Body]) -> Relevance {
        let names: Vec<&str> = query
            .anchors()
            .iter()
            .filter_map(|a| last_segment(a))
            .collect();
        let mut anchored = Vec::with_capacity(bodies.len());
        let mut bm25 = Bm25::new(query);
        let mut docs = Vec::with_capacity(bodies.len());
        let mut tf = Vec::new();
        for body in bodies {
            let item = &rows[body.item_start..=body.last];
            let header = &rows[body.item_start..body.first];
            anchored.push(
                item.iter().any(|l| query.anchor_hits(l) > 0)
                    || header
                        .iter()
                        .any(|l| names.iter().any(|n| has_word(l, n.as_bytes())))
                    || body.name.as_deref().is_some_and(|n| named_by(query, n)),
            );
            let mut sum = vec![0u32; query.terms().len()];
            let mut len = 0u32;
            if !query.terms().is_empty() {
                for line in item {
                    len += query.term_freqs(&split_identifiers(line), &mut tf);
                    sum.iter_mut().zip(&tf).for_each(|(s, t)| *s += t);
                }
                bm25.add(&sum, len);
            }
            docs.push((sum, len));
        }
        let scores = docs
            .iter()
            .map(|(tf, len)| {
                if tf.is_empty() {
                    0.0
                } else {
                    bm25.score(tf, *len)
                }
            })
            .collect();
        Relevance { anchored, scores }
    }

    /// Bodies to offer the budget, in order: the functions the anchored ones call
    /// (reading a function, one needs its callees next), those that rank on the
    /// query's words, best first, then the functions those call.
    fn ranked(&self, rows: &[&[u8]], bodies: &[outline::Body]) -> Vec<usize> {
        let best = self.scores.iter().copied().fold(0.0, f64::max);
        let mut by_score: Vec<usize> = (0..self.scores.len())
            .filter(|&b| !self.anchored[b] && self.scores[b] > 0.0)
            .filter(|&b| self.scores[b] >= MIN_RELATIVE_SCORE * best)
            .collect();
        by_score.sort_by(|&a, &b| self.scores[b].total_cmp(&self.scores[a]).then(a.cmp(&b)));
        let anchored: Vec<usize> = (0..bodies.len()).filter(|&b| self.anchored[b]).collect();
        let mut order = Vec::new();
        let offer = |order: &mut Vec<usize>, b: usize| {
            if !self.anchored[b] && !order.contains(&b) {
                order.push(b);
            }
        };
        for b in called_by(&anchored, rows, bodies) {
            offer(&mut order, b);
        }
        for &b in &by_score {
            offer(&mut order, b);
        }
        for b in called_by(&by_score, rows, bodies) {
            offer(&mut order, b);
        }
        order
    }
}

/// The bodies whose functions the bodies `callers` call, in source order.
fn called_by(callers: &[usize], rows: &[&[u8]], bodies: &[outline::Body]) -> Vec<usize> {
    let mut called = HashSet::new();
    for &b in callers {
        for line in &rows[bodies[b].first..=bodies[b].last] {
            called.extend(callees(line));
        }
    }
    (0..bodies.len())
        .filter(|&b| {
            bodies[b]
                .name
                .as_deref()
                .is_some_and(|n| called.contains(n.as_bytes()))
        })
        .collect()
}

/// The name a qualified anchor ends with: `Context.forward` → `forward`,
/// `std::mem::take` → `take`; `None` for anchors that are not qualified names.
fn last_segment(anchor: &str) -> Option<&str> {
    let last = anchor.rsplit(['.', ':', '#']).next()?;
    let qualified = last.len() < anchor.len();
    let identifier = !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !last.as_bytes()[0].is_ascii_digit();
    (qualified && identifier).then_some(last)
}

/// True when an item's name is made mostly of the query's words: at least two of
/// them, and at least half of the name's words (`lexKeyStart` and `parse_args` for
/// "a key starting with", "parse args"; not `test_format_status_output_clean`). Such
/// a name is how code spells the thing the query asks about, so its body is as good
/// as an anchor; one shared word (`error`, `status`) is left to the ranking.
fn named_by(query: &Query, name: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    for_each_term(&split_identifiers(name.as_bytes()), |w| {
        if !words.iter().any(|x| x == w) {
            words.push(w.to_string());
        }
    });
    let matched = words.iter().filter(|w| query.terms().contains(w)).count();
    matched >= 2 && matched * 2 >= words.len()
}

/// True when `word` occurs in `line` as a whole identifier.
fn has_word(line: &[u8], word: &[u8]) -> bool {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    memchr::memmem::find_iter(line, word).any(|at| {
        let before = at.checked_sub(1).map(|i| line[i]);
        let after = line.get(at + word.len()).copied();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// The names `line` calls: identifiers right before a `(`.
fn callees(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    let ident = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$';
    memchr::memchr_iter(b'(', line).filter_map(move |at| {
        let start = line[..at]
            .iter()
            .rposition(|b| !ident(b))
            .map_or(0, |p| p + 1);
        let name = &line[start..at];
        (!name.is_empty() && !name[0].is_ascii_digit()).then_some(name)
    })
}

/// A line with its identifiers split into words at case changes (`statsPollMs` →
/// `stats Poll Ms`), so the query's words meet the names code is written in.
pub(crate) fn split_identifiers(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len() + 8);
    for (i, &b) in line.iter().enumerate() {
        if i > 0 && b.is_ascii_uppercase() && line[i - 1].is_ascii_lowercase() {
            out.push(b' ');
        }
        out.push(b);
    }
    out
}

/// A line without its line-number gutter (`   12\t` from `cat -n` or `nl`, `    12→`
/// from Claude Code's Read tool), or `None` when it has none.
fn strip_gutter(line: &[u8]) -> Option<&[u8]> {
    let spaces = line.iter().take_while(|&&b| b == b' ').count();
    let digits = line[spaces..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 {
        return None;
    }
    let rest = &line[spaces + digits..];
    rest.strip_prefix(b"\t")
        .or_else(|| rest.strip_prefix("→".as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gutters_of_numbered_listings_are_recognised() {
        assert_eq!(
            strip_gutter("    12→fn main() {".as_bytes()),
            Some(&b"fn main() {"[..])
        );
        assert_eq!(
            strip_gutter(b"     7\tlet x = 1;"),
            Some(&b"let x = 1;"[..])
        );
        assert_eq!(strip_gutter(b"12 + 3"), None);
        assert_eq!(strip_gutter(b"fn main() {"), None);
    }

    #[test]
    fn qualified_anchors_name_their_last_segment() {
        assert_eq!(last_segment("Context.forward"), Some("forward"));
        assert_eq!(last_segment("std::mem::take"), Some("take"));
        assert_eq!(last_segment("forward"), None);
        assert_eq!(last_segment("/admin-dashboard"), None);
    }

    #[test]
    fn names_made_of_query_words() {
        let q = Query::parse("What error for an empty table name or a key starting with '.'?");
        assert!(named_by(&q, "lexKeyStart"));
        assert!(named_by(&q, "lexTableNameStart"));
        assert!(!named_by(&q, "lexTableEnd"), "one query word");
        assert!(!named_by(&q, "error"), "one query word");
        let q = Query::parse("how is git status porcelain output summarized");
        assert!(named_by(&q, "format_status_output"));
        assert!(
            !named_by(&q, "test_format_status_output_clean"),
            "mostly other words"
        );
    }

    #[test]
    fn words_and_identifiers() {
        assert!(has_word(b"def forward(self):", b"forward"));
        assert!(!has_word(b"def forwarded(self):", b"forward"));
        assert_eq!(split_identifiers(b"statsPollMs = 1"), b"stats Poll Ms = 1");
        let called: Vec<&[u8]> = callees(b"await this.fetchStats(); f (x); g(h(1))").collect();
        assert_eq!(called, vec![&b"fetchStats"[..], b"g", b"h"]);
    }
}
