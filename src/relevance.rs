//! Query relevance: BM25 over an input's own lines, plus exact anchors.
//!
//! Shared by the compressors (which lines to keep) and `headroom-cat --query` (which
//! lines to return). A query is split two ways:
//! - *terms*: lower-cased, lightly stemmed words, scored with BM25 using document
//!   frequencies counted over the input's own lines, so a word that is on every line
//!   weighs nothing;
//! - *anchors*: identifiers, numbers, paths and quoted strings, matched exactly, because
//!   `container_1445144423722_0020_01_000012` is either on a line or it is not.

use memchr::memmem;

/// BM25 parameters (the usual defaults).
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// At most this many query terms are scored; more add noise, not recall.
const MAX_TERMS: usize = 32;

const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "before", "besides", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had",
    "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or",
    "other", "our", "show", "so", "some", "such", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "to", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "why", "will", "with", "would", "you", "your",
];

/// True when the stemmed term `t` is a stopword's stem: terms arrive stemmed, and
/// `this` and `were` stem to `thi` and `wer`, which would otherwise count as words
/// and match every line that says "this".
fn is_stopword(t: &str) -> bool {
    STOPWORDS.iter().any(|&s| s == t || stem(s) == t)
}

/// A parsed query.
#[derive(Debug, Default, Clone)]
pub struct Query {
    terms: Vec<String>,
    anchors: Vec<String>,
}

impl Query {
    /// Splits `text` into BM25 terms and exact anchors.
    pub fn parse(text: &str) -> Query {
        let mut q = Query::default();
        for quoted in quoted_spans(text) {
            push_unique(&mut q.anchors, quoted.to_string());
        }
        for raw in text.split_whitespace() {
            let token = raw.trim_matches(|c: char| {
                matches!(
                    c,
                    ',' | ';' | '?' | '!' | '(' | ')' | '[' | ']' | '{' | '}' | '"' | '\'' | '`'
                ) || (c == '.' || c == ':')
            });
            if token.len() >= 3 && is_anchor(token) {
                push_unique(&mut q.anchors, token.to_string());
            }
        }
        for_each_term(text.as_bytes(), |t| {
            if q.terms.len() < MAX_TERMS && !is_stopword(t) {
                push_unique(&mut q.terms, t.to_string());
            }
        });
        q
    }

    /// True when there is nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.anchors.is_empty()
    }

    /// The stemmed BM25 terms.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// The exact strings to look for.
    pub fn anchors(&self) -> &[String] {
        &self.anchors
    }

    /// Term frequencies of this query's terms in `line`, written into `tf`
    /// (one slot per term); returns the line's length in terms.
    pub fn term_freqs(&self, line: &[u8], tf: &mut Vec<u32>) -> u32 {
        tf.clear();
        tf.resize(self.terms.len(), 0);
        let mut len = 0u32;
        for_each_term(line, |t| {
            len += 1;
            if let Some(i) = self.terms.iter().position(|q| q == t) {
                tf[i] += 1;
            }
        });
        len
    }

    /// Which anchors `line` contains, one bit per anchor (the first 64).
    pub fn anchor_mask(&self, line: &[u8]) -> u64 {
        self.anchors
            .iter()
            .take(64)
            .enumerate()
            .filter(|(_, a)| memmem::find(line, a.as_bytes()).is_some())
            .fold(0, |mask, (i, _)| mask | 1 << i)
    }

    /// How many distinct anchors `line` contains.
    pub fn anchor_hits(&self, line: &[u8]) -> usize {
        self.anchors
            .iter()
            .filter(|a| memmem::find(line, a.as_bytes()).is_some())
            .count()
    }
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// Text between matching double quotes or backticks, and between single quotes that
/// open after a space or bracket and close before one or before punctuation (`the
/// 'Bug' label`), so an apostrophe (`don't`, `users'`) opens nothing.
fn quoted_spans(text: &str) -> Vec<&str> {
    let mut out = single_quoted(text);
    for quote in ['"', '`'] {
        let parts: Vec<&str> = text.split(quote).collect();
        // Odd parts are inside quotes; the last part has no closing quote.
        for inside in parts.iter().skip(1).step_by(2).take((parts.len() - 1) / 2) {
            if !inside.trim().is_empty() {
                out.push(*inside);
            }
        }
    }
    out
}

/// Spans in single quotes; see [`quoted_spans`].
fn single_quoted(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let opens = |i: usize| {
        bytes[i] == b'\''
            && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'(' | b'[' | b'{'))
            && bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace())
    };
    let closes = |i: usize| {
        bytes[i] == b'\''
            && bytes.get(i + 1).is_none_or(|b| {
                b.is_ascii_whitespace()
                    || matches!(
                        b,
                        b',' | b'.' | b';' | b':' | b'?' | b'!' | b')' | b']' | b'}'
                    )
            })
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if opens(i) {
            if let Some(end) = (i + 1..bytes.len()).find(|&j| closes(j)) {
                // `'.'` names a character, not something to look for.
                let inside = &text[i + 1..end];
                if inside.trim().len() >= 2 && inside.bytes().any(|b| b.is_ascii_alphanumeric()) {
                    out.push(inside);
                }
                i = end + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// An identifier, number, path or code-like token: worth matching exactly.
fn is_anchor(token: &str) -> bool {
    let has_digit = token.bytes().any(|b| b.is_ascii_digit());
    let has_sep = token.contains(['_', '/', '\\', '.', ':', '@', '=', '-', '$', '#']);
    let inner_upper = token.chars().skip(1).any(|c| c.is_ascii_uppercase());
    let has_lower = token.chars().any(|c| c.is_ascii_lowercase());
    // `e.g` and `i.e` are abbreviations, not identifiers.
    let has_word = token
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|part| part.len() >= 2);
    has_word && (has_digit || has_sep || (inner_upper && has_lower))
}

/// Calls `f` with every lower-cased, stemmed word of `bytes` (ASCII letter runs of two
/// or more; digits split words).
pub fn for_each_term(bytes: &[u8], mut f: impl FnMut(&str)) {
    let mut word = String::with_capacity(32);
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        if i - start < 2 || i - start > 40 {
            continue;
        }
        word.clear();
        word.extend(
            bytes[start..i]
                .iter()
                .map(|b| b.to_ascii_lowercase() as char),
        );
        f(stem(&word));
    }
}

/// A deliberately light suffix stripper: `failed`, `failure`, `fails` → `fail`;
/// `errors` → `error`; `addition`, `added` → `add`; `specified`, `specific` →
/// `specif`. Query and lines go through the same function, so an
/// over-eager cut on both sides still matches.
pub fn stem(word: &str) -> &str {
    const SUFFIXES: &[&str] = &[
        "ations", "ation", "itions", "ition", "ings", "ing", "ions", "ion", "ures", "ure", "ied",
        "ies", "ed", "es", "ic", "s", "e",
    ];
    for suffix in SUFFIXES {
        if let Some(base) = word.strip_suffix(suffix) {
            if base.len() >= 3 && !base.ends_with('s') {
                return base;
            }
        }
    }
    word
}

/// Document statistics for BM25, gathered over one input's lines.
#[derive(Debug, Clone)]
pub struct Bm25 {
    docs: u64,
    total_len: u64,
    df: Vec<u64>,
}

impl Bm25 {
    /// Empty statistics for `query`'s terms.
    pub fn new(query: &Query) -> Bm25 {
        Bm25 {
            docs: 0,
            total_len: 0,
            df: vec![0; query.terms.len()],
        }
    }

    /// Counts one document (line) given its term frequencies and length.
    pub fn add(&mut self, tf: &[u32], len: u32) {
        self.docs += 1;
        self.total_len += u64::from(len);
        for (df, &t) in self.df.iter_mut().zip(tf) {
            if t > 0 {
                *df += 1;
            }
        }
    }

    /// The BM25 score of a document with these term frequencies and length.
    pub fn score(&self, tf: &[u32], len: u32) -> f64 {
        if self.docs == 0 {
            return 0.0;
        }
        let n = self.docs as f64;
        let avg = (self.total_len as f64 / n).max(1.0);
        self.df
            .iter()
            .zip(tf)
            .filter(|(_, &t)| t > 0)
            .map(|(&df, &t)| {
                let idf = ((n - df as f64 + 0.5) / (df as f64 + 0.5) + 1.0).ln();
                let t = f64::from(t);
                idf * t * (K1 + 1.0) / (t + K1 * (1.0 - B + B * f64::from(len) / avg))
            })
            .sum()
    }
}

/// The lines of an input that hold the query's words, found while a line compressor
/// observes it: every line counts towards the BM25 statistics, and lines with a query
/// word are remembered (at most a cap) to be ranked once the input is seen.
#[derive(Debug, Clone)]
pub struct QueryLines {
    bm25: Bm25,
    cap: usize,
    /// (index, cost, term frequencies, length) of lines with a query word.
    lines: Vec<(u64, u32, Box<[u32]>, u32)>,
    /// The last observed line's term frequencies and length.
    tf: Vec<u32>,
    len: u32,
}

impl QueryLines {
    /// Remembers at most `cap` candidate lines.
    pub fn new(query: &Query, cap: usize) -> QueryLines {
        QueryLines {
            bm25: Bm25::new(query),
            cap,
            lines: Vec::new(),
            tf: Vec::new(),
            len: 0,
        }
    }

    /// Counts one line (does nothing for a query without words).
    pub fn observe(&mut self, query: &Query, index: u64, cost: u32, line: &[u8]) {
        if query.terms().is_empty() {
            return;
        }
        self.len = query.term_freqs(line, &mut self.tf);
        self.bm25.add(&self.tf, self.len);
        if self.lines.len() < self.cap && self.tf.iter().any(|&t| t > 0) {
            self.lines
                .push((index, cost, self.tf.clone().into_boxed_slice(), self.len));
        }
    }

    /// The last observed line's term frequencies and length, if it has a query word.
    pub fn last_line(&self) -> Option<(Box<[u32]>, u32)> {
        self.tf
            .iter()
            .any(|&t| t > 0)
            .then(|| (self.tf.clone().into_boxed_slice(), self.len))
    }

    /// The statistics over every observed line, to score other documents by.
    pub fn bm25(&self) -> &Bm25 {
        &self.bm25
    }

    /// (index, cost) of the best-scoring lines, best first (ties in input order): at
    /// most `max`, each scoring at least `share` of the best.
    pub fn best(&self, max: usize, share: f64) -> Vec<(u64, u32)> {
        let mut scored: Vec<(f64, u64, u32)> = self
            .lines
            .iter()
            .map(|(index, cost, tf, len)| (self.bm25.score(tf, *len), *index, *cost))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let best = scored.first().map_or(0.0, |s| s.0);
        scored
            .into_iter()
            .take(max)
            .take_while(|&(score, _, _)| score > 0.0 && score >= share * best)
            .map(|(_, index, cost)| (index, cost))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_splits_terms_and_anchors() {
        let q = Query::parse(
            "Why did map task attempt_1445144423722_0020_m_000002_0 fail, and what about \"No Route\"?",
        );
        assert!(q
            .anchors()
            .contains(&"attempt_1445144423722_0020_m_000002_0".to_string()));
        assert!(q.anchors().contains(&"No Route".to_string()));
        assert!(q.terms().contains(&"fail".to_string()));
        assert!(!q.terms().contains(&"why".to_string()));
    }

    #[test]
    fn single_quotes_make_anchors_but_apostrophes_do_not() {
        let q = Query::parse("which version fixed 'Not a git repository' and the 'Bug' label?");
        assert!(q.anchors().contains(&"Not a git repository".to_string()));
        assert!(q.anchors().contains(&"Bug".to_string()));
        let q = Query::parse("why don't the users' builds pass, it's 'odd'");
        assert_eq!(q.anchors(), ["odd"]);
        let q = Query::parse("a key starting with '.' or '-'");
        assert!(q.anchors().is_empty(), "{:?}", q.anchors());
    }

    #[test]
    fn stopwords_are_dropped_after_stemming_too() {
        let q = Query::parse("were these problems in this session resolved");
        assert_eq!(q.terms(), ["problem", "session", "resolv"]);
    }

    #[test]
    fn camel_case_is_an_anchor_but_plain_words_are_not() {
        let q = Query::parse("errors in ActivityManager or Keyguard");
        assert_eq!(q.anchors(), &["ActivityManager".to_string()]);
    }

    #[test]
    fn stems_meet_in_the_middle() {
        assert_eq!(stem("failed"), stem("failure"));
        assert_eq!(stem("fails"), stem("fail"));
        assert_eq!(stem("errors"), "error");
        assert_eq!(stem("replicate"), stem("replicated"));
        // Nouns meet their verbs: a question about commits that "added" a string
        // finds the option documented as "addition/deletion" of it.
        assert_eq!(stem("addition"), stem("added"));
        assert_eq!(stem("deletion"), stem("deleted"));
        assert_eq!(stem("specified"), stem("specific"));
        assert_eq!(stem("functions"), stem("function"));
        assert_eq!(stem("copies"), stem("copied"));
    }

    #[test]
    fn rare_terms_outscore_common_ones() {
        let q = Query::parse("replicate block");
        let lines: [&[u8]; 4] = [
            b"Receiving block blk_1",
            b"Receiving block blk_2",
            b"Receiving block blk_3",
            b"ask to replicate block blk_4",
        ];
        let mut bm = Bm25::new(&q);
        let mut tf = Vec::new();
        for l in lines {
            let len = q.term_freqs(l, &mut tf);
            bm.add(&tf, len);
        }
        let score = |l: &[u8]| {
            let mut tf = Vec::new();
            let len = q.term_freqs(l, &mut tf);
            bm.score(&tf, len)
        };
        assert!(score(lines[3]) > 2.0 * score(lines[0]));
        assert_eq!(score(b"nothing here"), 0.0);
    }
}
