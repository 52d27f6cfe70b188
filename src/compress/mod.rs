//! Compressors: one module per content family, behind one small trait.
//!
//! A compressor never reads the store, writes output or formats a marker. It sees the
//! input's lines once (`observe`), then says which lines the view keeps (`select`);
//! the pipeline renders everything else as marked, retrievable line ranges and asks
//! the compressor for a category per elided line (`label`) so each marker can give a
//! breakdown such as `4,190 INFO, 23 WARN`. Two passes over a spooled input keep
//! memory bounded by what is kept, not by the input's size.

pub mod build;
pub mod code;
pub mod console;
pub mod conversation;
pub mod diagnostic;
pub mod diff;
pub mod git;
pub mod html;
pub mod json;
pub mod lint;
pub mod listing;
pub mod log;
pub mod ndjson;
pub mod search;
pub mod sections;
pub mod test;
pub mod text;

use std::collections::BTreeMap;

use crate::detect::ContentType;
use crate::relevance::Query;

/// What a compressor is asked to do.
pub struct Context<'a> {
    /// What the reader is looking for (may be empty).
    pub query: &'a Query,
    /// Target size of the view, in estimated tokens.
    pub budget: u64,
}

/// One line the view keeps, by 0-based index, with an optional note appended to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub index: u64,
    pub note: Option<String>,
}

/// A compressor's decision: a header line and the lines to keep, in input order.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub header: Option<String>,
    pub keep: Vec<Kept>,
}

/// The interface every compressor implements.
pub trait Compressor {
    /// Pass one: sees every line (without its line ending; very long lines are cut to
    /// a prefix), in order, with its 0-based index and its estimated tokens.
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32);
    /// Between the passes: decides what the view keeps.
    fn select(&mut self, ctx: &Context) -> Selection;
    /// Pass two: a short category for an elided line (by 0-based index), counted in
    /// its marker (`None`: no category). Called in input order.
    fn label(&self, index: u64, line: &[u8]) -> Option<&str>;
    /// Pass two: writes a kept line (without its line ending) as the view shows it.
    /// The default shows it as it is; a compressor that re-encodes losslessly (a grep
    /// match under its file's heading, a hunk header recounted for trimmed context)
    /// writes something else. Called in input order, once per kept line.
    fn show(&mut self, index: u64, line: &[u8], out: &mut Vec<u8>) {
        let _ = index;
        out.extend_from_slice(line);
    }
    /// After `select`: true when the input should pass through byte for byte rather
    /// than as a view (a source file that does not parse, or fits the budget).
    fn passes_through(&self) -> bool {
        false
    }
}

/// A line-oriented family's structural signature: given the first lines of an input
/// (ANSI escapes and `\r` progress removed, blank lines skipped), the evidence that
/// the input is of this family, or `None`.
pub type Signature = fn(&[&[u8]]) -> Option<String>;

/// The families sniffing tries, in order: a script's several commands first, then
/// more specific formats (test output contains build lines; `git show` contains a
/// diff).
pub const SIGNATURES: &[(ContentType, Signature)] = &[
    (ContentType::Mixed, sections::sniff),
    (ContentType::Console, console::sniff),
    (ContentType::Html, html::sniff),
    (ContentType::Test, test::sniff),
    (ContentType::Diff, diff::sniff),
    (ContentType::Lint, lint::sniff),
    (ContentType::Build, build::sniff),
    (ContentType::Git, git::sniff),
    (ContentType::Search, search::sniff),
    (ContentType::Listing, listing::sniff),
    (ContentType::Code, code::sniff),
];

/// The compressor for a content type, given the input's first block and the command
/// that produced it, if known (it names a source file's language).
pub fn for_type(
    kind: ContentType,
    query: &Query,
    head: &[u8],
    cmd: Option<&str>,
) -> Box<dyn Compressor> {
    match kind {
        ContentType::Test => Box::new(test::TestCompressor::new(query)),
        // A command's route can be wrong about its output (`git show --stat` prints a
        // log, `git show HEAD:file` a file): the first block decides between the two
        // git families, and anything else reads as a log.
        ContentType::Diff | ContentType::Git => {
            let sample = crate::lines::sample(head);
            let lines: Vec<&[u8]> = sample.iter().map(|l| &l[..]).collect();
            let diff_first = kind == ContentType::Diff;
            let as_diff = || diff::sniff(&lines).map(|_| diff::boxed(query));
            let as_git = || git::compressor(query, &lines);
            let found = if diff_first {
                as_diff().or_else(as_git)
            } else {
                as_git().or_else(as_diff)
            };
            found.unwrap_or_else(|| Box::new(log::LogCompressor::new(query, head)))
        }
        ContentType::Build => Box::new(build::compressor(query)),
        ContentType::Lint => Box::new(lint::compressor(query)),
        ContentType::Log => Box::new(log::LogCompressor::new(query, head)),
        ContentType::Listing => Box::new(listing::ListingCompressor::new(query, head)),
        ContentType::Search => Box::new(search::SearchCompressor::new(query, head)),
        ContentType::Ndjson => Box::new(ndjson::NdjsonCompressor::new(query)),
        ContentType::Mixed => Box::new(sections::SectionsCompressor::new(query)),
        ContentType::Console => Box::new(console::ConsoleCompressor::new(query)),
        ContentType::Code => Box::new(code::CodeCompressor::new(
            query,
            cmd.and_then(code::Language::of_command)
                .map(|(lang, _)| lang),
        )),
        // JSON, HTML and session logs are rendered whole (`json::compress`,
        // `html::render`, `conversation::render`); this is their fallback.
        ContentType::Json
        | ContentType::Html
        | ContentType::Transcript
        | ContentType::Text
        | ContentType::Binary => Box::new(text::TextCompressor::new(query)),
    }
}

/// Fills a view up to a token budget: must-keep lines always go in, the rest in the
/// order offered until the budget is spent. Shared so every compressor counts and
/// reports its budget the same way.
#[derive(Debug)]
pub struct Picker {
    budget: u64,
    used: u64,
    kept: BTreeMap<u64, Option<String>>,
}

impl Picker {
    pub fn new(budget: u64) -> Picker {
        Picker {
            budget,
            used: 0,
            kept: BTreeMap::new(),
        }
    }

    /// Keeps a line whatever the budget says.
    pub fn must(&mut self, index: u64, cost: u64, note: Option<String>) {
        self.insert(index, cost, note);
    }

    /// Keeps a line if it fits; returns false once the budget is spent.
    pub fn offer(&mut self, index: u64, cost: u64, note: Option<String>) -> bool {
        if self.kept.contains_key(&index) {
            self.insert(index, cost, note);
            return true;
        }
        if self.used + cost > self.budget {
            return false;
        }
        self.insert(index, cost, note);
        true
    }

    /// True when nothing more fits.
    pub fn full(&self) -> bool {
        self.used >= self.budget
    }

    /// True when must-keep lines alone went past the budget.
    pub fn over_budget(&self) -> bool {
        self.used > self.budget
    }

    pub fn contains(&self, index: u64) -> bool {
        self.kept.contains_key(&index)
    }

    fn insert(&mut self, index: u64, cost: u64, note: Option<String>) {
        match self.kept.get_mut(&index) {
            Some(existing) => {
                if existing.is_none() {
                    *existing = note;
                }
            }
            None => {
                self.used += cost;
                self.kept.insert(index, note);
            }
        }
    }

    pub fn finish(self, header: Option<String>) -> Selection {
        Selection {
            header,
            keep: self
                .kept
                .into_iter()
                .map(|(index, note)| Kept { index, note })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picker_respects_budget_but_not_for_must_keep() {
        let mut p = Picker::new(10);
        assert!(p.offer(3, 6, None));
        assert!(!p.offer(4, 6, None));
        p.must(9, 20, Some("x".into()));
        assert!(p.over_budget());
        let s = p.finish(None);
        assert_eq!(
            s.keep,
            vec![
                Kept {
                    index: 3,
                    note: None
                },
                Kept {
                    index: 9,
                    note: Some("x".into())
                }
            ]
        );
    }
}
