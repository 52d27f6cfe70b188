//! HTML pages: the page's readable text, as Markdown.
//!
//! Headings, paragraphs, list items, table rows, code blocks and links are kept;
//! scripts, styles, navigation, forms and other boilerplate are dropped, each run of
//! them marked with its source line range. Tokenizing is html5ever's (servo's
//! tokenizer: it decodes every entity and copes with malformed markup the way browsers
//! do, and it reports line numbers); the page is never built into a tree, since
//! readable text is a walk over the tags.
//!
//! The sections that rank on the query are shown as the page's source lines (the
//! exact markup, to quote or edit) while the budget allows. Over the budget, the page
//! is cut by its headings: sections that rank on the query stay, the best of them as
//! source, then the others in page order while the budget lasts; the rest are
//! folded into line-range markers. Lines of dropped scripts that name the query's
//! words or anchors are shown as source too.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::code::split_identifiers;
use crate::marker::{self, count_of};
use crate::relevance::{Bm25, Query};
use crate::tokens;

/// Inputs above this size are read as plain text instead.
const MAX_PAGE_BYTES: usize = 16 << 20;

/// Sections that score at least this share of the best are shown as source.
const SOURCE_SHARE: f64 = 0.8;

/// Elements whose content is not the page's text.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "nav", "footer", "iframe", "object",
    "canvas", "select", "button", "form", "head", "math",
];

/// The structural signature: the first line opens an HTML document.
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    let first = lines.first()?.trim_ascii_start();
    let lower = first.get(..14)?.to_ascii_lowercase();
    (lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html"))
        .then(|| "starts with an HTML doctype or <html> tag".to_string())
}

/// One piece of the page, with the source lines (1-based, inclusive) it came from.
#[derive(Debug, Clone)]
struct Block {
    kind: Kind,
    text: String,
    first: u64,
    last: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Heading(usize),
    Text,
    Code,
    /// An element left out of the readable text (`script`, `style`, ...).
    Dropped(&'static str),
}

/// Turns tokens into blocks.
#[derive(Default)]
struct Reader {
    blocks: Vec<Block>,
    text: String,
    kind: Option<Kind>,
    first: u64,
    /// Dropped elements open, innermost last: (name, first line).
    dropped: Vec<(&'static str, u64)>,
    pre: usize,
    link: Vec<Option<String>>,
    cells: usize,
}

impl Reader {
    fn flush(&mut self, line: u64) {
        let text = if self.pre > 0 || self.kind == Some(Kind::Code) {
            self.text.trim_matches('\n').to_string()
        } else {
            self.text.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        if !text.is_empty() && text != "|" {
            self.blocks.push(Block {
                kind: self.kind.unwrap_or(Kind::Text),
                text,
                first: self.first.min(line),
                last: line,
            });
        }
        self.text.clear();
        self.kind = None;
        self.first = line;
        self.cells = 0;
    }

    fn start(&mut self, kind: Kind, line: u64) {
        self.flush(line);
        self.kind = Some(kind);
        self.first = line;
    }

    fn tag(&mut self, tag: &Tag, line: u64) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let start = tag.kind == TagKind::StartTag;
        if let Some(&drop) = DROPPED.iter().find(|d| **d == name) {
            if start && !tag.self_closing {
                if self.dropped.is_empty() {
                    self.flush(line);
                }
                self.dropped.push((drop, line));
                return match drop {
                    "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "noscript" | "iframe" => TokenSinkResult::RawData(RawKind::Rawtext),
                    _ => TokenSinkResult::Continue,
                };
            }
            if !start {
                if let Some(at) = self.dropped.iter().rposition(|(d, _)| *d == drop) {
                    let (what, first) = self.dropped[at];
                    self.dropped.truncate(at);
                    if self.dropped.is_empty() {
                        self.blocks.push(Block {
                            kind: Kind::Dropped(what),
                            text: String::new(),
                            first,
                            last: line,
                        });
                        self.first = line;
                    }
                }
            }
            return TokenSinkResult::Continue;
        }
        if !self.dropped.is_empty() {
            return TokenSinkResult::Continue;
        }
        match (name, start) {
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => {
                let level = usize::from(name.as_bytes()[1] - b'0');
                self.start(Kind::Heading(level), line);
            }
            ("pre", true) => {
                self.start(Kind::Code, line);
                self.pre += 1;
            }
            ("pre", false) => {
                self.pre = self.pre.saturating_sub(1);
                self.flush(line);
            }
            ("li", true) => {
                self.start(Kind::Text, line);
                self.text.push_str("- ");
            }
            ("tr", true) => {
                self.start(Kind::Text, line);
                self.text.push('|');
            }
            ("td" | "th", false) => {
                self.text.push_str(" |");
                self.cells += 1;
            }
            ("td" | "th", true) => self.text.push(' '),
            ("br", _) if self.pre > 0 => self.text.push('\n'),
            ("br", _) => self.text.push(' '),
            ("a", true) => {
                let href = tag
                    .attrs
                    .iter()
                    .find(|a| &*a.name.local == "href")
                    .map(|a| a.value.to_string())
                    .filter(|h| !h.starts_with('#') && !h.starts_with("javascript:"));
                if href.is_some() {
                    self.text.push('[');
                }
                self.link.push(href);
            }
            ("a", false) => {
                if let Some(Some(href)) = self.link.pop() {
                    self.text.push_str(&format!("]({href})"));
                }
            }
            ("code", _) if self.pre == 0 => self.text.push('`'),
            (
                "p" | "div" | "section" | "article" | "main" | "table" | "ul" | "ol" | "dl" | "dt"
                | "dd" | "blockquote" | "title" | "hr" | "header" | "aside" | "figure"
                | "figcaption" | "caption" | "body" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                | "li" | "tr",
                _,
            ) => self.flush(line),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

struct Sink(RefCell<Reader>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let mut reader = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => reader.tag(&tag, line),
            Token::CharacterTokens(text) if reader.dropped.is_empty() => {
                reader.text.push_str(&text);
                TokenSinkResult::Continue
            }
            Token::EOFToken => {
                reader.flush(line);
                if let Some(&(what, first)) = reader.dropped.first() {
                    reader.blocks.push(Block {
                        kind: Kind::Dropped(what),
                        text: String::new(),
                        first,
                        last: line,
                    });
                }
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

/// The blocks of a page, in order.
fn read(page: &str) -> Vec<Block> {
    let tokenizer = Tokenizer::new(
        Sink(RefCell::new(Reader::default())),
        TokenizerOpts::default(),
    );
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(page));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take().blocks
}

/// A run of blocks under one heading.
struct Section {
    blocks: std::ops::Range<usize>,
    first: u64,
    last: u64,
    tokens: u64,
    score: f64,
}

/// The view of an HTML page, or `None` when it is too big to read whole.
pub fn render(original: &[u8], query: &Query, budget: u64, hash: &str) -> Option<String> {
    if original.len() > MAX_PAGE_BYTES {
        return None;
    }
    let page = String::from_utf8_lossy(original);
    let source: Vec<&str> = page.lines().collect();
    let blocks = read(&page);
    let sections = sections(&blocks, query);
    let total: u64 = sections.iter().map(|s| s.tokens).sum();
    let best = sections.iter().map(|s| s.score).fold(0.0, f64::max);
    // What each section shows: source lines, readable text, or a marker.
    // A page that fits is shown whole as text, the sections that rank on the query
    // as source while the budget allows; one that does not fit starts folded.
    let fits = total <= budget;
    let mut shown = vec![if fits { Show::Text } else { Show::Folded }; sections.len()];
    let mut used = if fits { total } else { 0 };
    let mut order: Vec<usize> = (0..sections.len()).collect();
    order.sort_by(|&a, &b| {
        sections[b]
            .score
            .total_cmp(&sections[a].score)
            .then(a.cmp(&b))
    });
    for s in order {
        let section = &sections[s];
        let as_source = best > 0.0 && section.score >= SOURCE_SHARE * best;
        if fits {
            // Within a page that fits, source never brings back what reading drops
            // (scripts, styles, navigation).
            let clean = !blocks[section.blocks.clone()]
                .iter()
                .any(|b| matches!(b.kind, Kind::Dropped(_)));
            let extra =
                source_tokens(&source, section.first, section.last).saturating_sub(section.tokens);
            if as_source && clean && used + extra <= budget {
                used += extra;
                shown[s] = Show::Source;
            }
            continue;
        }
        let cost = if as_source {
            source_tokens(&source, section.first, section.last)
        } else {
            section.tokens
        };
        if used + cost <= budget || (as_source && used == 0) {
            used += cost;
            shown[s] = if as_source { Show::Source } else { Show::Text };
        }
    }
    let mut out = String::new();
    let dropped = blocks
        .iter()
        .filter(|b| matches!(b.kind, Kind::Dropped(_)))
        .count() as u64;
    let folded = shown.iter().filter(|s| **s == Show::Folded).count() as u64;
    out.push_str(&format!(
        "[html: {} · readable text, {} dropped, {} folded · {}{hash}]\n",
        count_of(source.len() as u64, "line", "lines"),
        count_of(
            dropped,
            "script/style/nav element",
            "script/style/nav elements"
        ),
        count_of(folded, "section", "sections"),
        marker::TAG,
    ));
    let mut pending: Option<(u64, u64)> = None;
    for (section, show) in sections.iter().zip(&shown) {
        match show {
            Show::Folded => {
                extend(&mut pending, section.first, section.last);
            }
            Show::Source => {
                flush(&mut out, &mut pending, hash);
                out.push_str(&format!(
                    "[source L{}-{} for the query]\n",
                    section.first, section.last
                ));
                for line in &source[(section.first - 1) as usize..section.last as usize] {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Show::Text => {
                for block in &blocks[section.blocks.clone()] {
                    if let Kind::Dropped(_) = block.kind {
                        let relevant = relevant_lines(&source, block, query);
                        if relevant.is_empty() {
                            extend(&mut pending, block.first, block.last);
                            continue;
                        }
                        let mut at = block.first;
                        for l in relevant {
                            if l > at {
                                extend(&mut pending, at, l - 1);
                            }
                            flush(&mut out, &mut pending, hash);
                            out.push_str(source[(l - 1) as usize]);
                            out.push('\n');
                            at = l + 1;
                        }
                        if at <= block.last {
                            extend(&mut pending, at, block.last);
                        }
                        continue;
                    }
                    flush(&mut out, &mut pending, hash);
                    write_block(&mut out, block);
                }
            }
        }
    }
    flush(&mut out, &mut pending, hash);
    Some(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Show {
    Source,
    Text,
    Folded,
}

/// Query words (stemmed) that ask about the requests a page makes.
const REQUEST_WORDS: &[&str] = &[
    "endpoint", "request", "api", "url", "fetch", "poll", "http", "network", "route", "call",
];
/// Script calls that make a request or schedule one (how often a page polls).
const REQUEST_CALLS: &[&str] = &[
    "fetch(",
    "XMLHttpRequest",
    "axios",
    ".ajax(",
    "$.get(",
    "$.post(",
    "WebSocket(",
    "EventSource(",
    "setInterval(",
];

/// Lines of a dropped block (a script) that hold a query anchor or word, or, when the
/// query asks about requests or endpoints, a request call: the URL a page fetches is
/// rarely spelled with the query's words.
fn relevant_lines(source: &[&str], block: &Block, query: &Query) -> Vec<u64> {
    if query.is_empty() {
        return Vec::new();
    }
    let asks_requests = query
        .terms()
        .iter()
        .any(|t| REQUEST_WORDS.contains(&t.as_str()));
    let mut tf = Vec::new();
    (block.first..=block.last.min(source.len() as u64))
        .filter(|&l| {
            let line = source[(l - 1) as usize].as_bytes();
            query.anchor_hits(line) > 0
                || (asks_requests
                    && REQUEST_CALLS
                        .iter()
                        .any(|c| memchr::memmem::find(line, c.as_bytes()).is_some()))
                || {
                    query.term_freqs(&split_identifiers(line), &mut tf);
                    tf.iter().any(|&t| t > 0)
                }
        })
        .collect()
}

/// Adds source lines `first..=last` to the marker being collected.
fn extend(pending: &mut Option<(u64, u64)>, first: u64, last: u64) {
    let (_, end) = pending.get_or_insert((first, last));
    *end = last.max(*end);
}

/// Writes the marker being collected, if any.
fn flush(out: &mut String, pending: &mut Option<(u64, u64)>, hash: &str) {
    if let Some((first, last)) = pending.take() {
        out.push_str(&marker::elided_lines(hash, first, last, &[]));
        out.push('\n');
    }
}

fn write_block(out: &mut String, block: &Block) {
    match block.kind {
        Kind::Heading(level) => {
            out.push_str(&"#".repeat(level));
            out.push(' ');
            out.push_str(&block.text);
        }
        Kind::Code => {
            out.push_str("```\n");
            out.push_str(&block.text);
            out.push_str("\n```");
        }
        _ => out.push_str(&block.text),
    }
    out.push('\n');
}

/// The page cut at its headings, each section scored on the query.
fn sections(blocks: &[Block], query: &Query) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let opens = matches!(block.kind, Kind::Heading(_)) || sections.is_empty();
        if opens {
            sections.push(Section {
                blocks: i..i,
                first: block.first,
                last: block.last,
                tokens: 0,
                score: 0.0,
            });
        }
        let section = sections.last_mut().expect("just pushed");
        section.blocks.end = i + 1;
        section.last = section.last.max(block.last);
        section.first = section.first.min(block.first);
        section.tokens += tokens::estimate(block.text.as_bytes()) + 1;
    }
    let mut bm25 = Bm25::new(query);
    let mut tf = Vec::new();
    let docs: Vec<(Vec<u32>, u32)> = sections
        .iter()
        .map(|s| {
            let mut sum = vec![0u32; query.terms().len()];
            let mut len = 0;
            for block in &blocks[s.blocks.clone()] {
                len += query.term_freqs(&split_identifiers(block.text.as_bytes()), &mut tf);
                sum.iter_mut().zip(&tf).for_each(|(s, t)| *s += t);
            }
            bm25.add(&sum, len);
            (sum, len)
        })
        .collect();
    for (section, (tf, len)) in sections.iter_mut().zip(&docs) {
        let anchors: usize = blocks[section.blocks.clone()]
            .iter()
            .map(|b| query.anchor_hits(b.text.as_bytes()))
            .sum();
        section.score = bm25.score(tf, *len) + anchors as f64;
    }
    sections
}

fn source_tokens(source: &[&str], first: u64, last: u64) -> u64 {
    source[(first - 1) as usize..(last as usize).min(source.len())]
        .iter()
        .map(|l| tokens::estimate(l.as_bytes()) + 1)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!DOCTYPE html>\n<html><head><title>T</title>\n<style>\nbody { x: 1 }\n</style></head>\n<body>\n<nav><a href=\"/\">Home</a></nav>\n<h1>Title &amp; more</h1>\n<p>Some <a href=\"https://x.org/a\">link</a> text.</p>\n<ul><li>one</li><li>two</li></ul>\n<table><tr><td>a</td><td>1</td></tr></table>\n<pre>fn x() {\n  y\n}</pre>\n<script>\nvar statsPollMs = 5000;\nvar other = 1;\n</script>\n</body></html>\n";

    #[test]
    fn readable_text_keeps_structure_and_drops_boilerplate() {
        let view = render(PAGE.as_bytes(), &Query::parse(""), 4000, "0123456789ab").unwrap();
        assert!(view.contains("# Title & more\n"), "{view}");
        assert!(
            view.contains("Some [link](https://x.org/a) text."),
            "{view}"
        );
        assert!(view.contains("- one\n- two\n"), "{view}");
        assert!(view.contains("| a | 1 |"), "{view}");
        assert!(view.contains("```\nfn x() {\n  y\n}\n```"), "{view}");
        assert!(!view.contains("body { x: 1 }"), "{view}");
        assert!(!view.contains("Home"), "{view}");
        assert!(!view.contains("statsPollMs"), "{view}");
        assert!(view.contains("-L 15:18]"), "{view}");
    }

    #[test]
    fn script_lines_naming_the_query_are_shown() {
        let view = render(
            PAGE.as_bytes(),
            &Query::parse("how often does it poll"),
            4000,
            "0123456789ab",
        )
        .unwrap();
        assert!(view.contains("var statsPollMs = 5000;"), "{view}");
        assert!(!view.contains("var other"), "{view}");
    }

    #[test]
    fn script_requests_are_shown_when_the_query_asks_about_endpoints() {
        let page = PAGE.replace(
            "var other = 1;",
            "const r = await fetch('/stats');\nvar other = 1;",
        );
        let view =
            |q: &str| render(page.as_bytes(), &Query::parse(q), 4000, "0123456789ab").unwrap();
        assert!(view("which endpoints are called").contains("await fetch('/stats');"));
        assert!(!view("what is the title").contains("fetch("));
    }

    #[test]
    fn a_page_that_fits_shows_the_querys_section_as_source() {
        let page = "<html><body>\n<h2>Reads</h2>\n<table>\n<tr><td class=\"c2\">9,860 ops/sec</td></tr>\n</table>\n<h2>Writes</h2>\n<p>Sequential writes are fast.</p>\n</body></html>\n";
        let view = render(
            page.as_bytes(),
            &Query::parse("random reads ops"),
            4000,
            "0123456789ab",
        )
        .unwrap();
        assert!(
            view.contains("<td class=\"c2\">9,860 ops/sec</td>"),
            "{view}"
        );
        assert!(view.contains("Sequential writes are fast."), "{view}");
        assert!(!view.contains("<p>Sequential"), "{view}");
    }

    #[test]
    fn sniffs_doctype() {
        assert!(sniff(&[b"<!DOCTYPE html>"]).is_some());
        assert!(sniff(&[b"<html lang=\"en\">"]).is_some());
        assert!(sniff(&[b"hello <b>world</b>"]).is_none());
    }
}
