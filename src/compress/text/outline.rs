//! Headings of a plain-text document, found line by line with one line of lookahead.
//!
//! A document's outline is what a reader skims first, and what lets a view fold the
//! sections far from the question by line range. Recognised, in any mix:
//! - Markdown ATX headings (`## Install`), outside fenced code blocks;
//! - setext headings (a line underlined with `===` or `---`);
//! - man-page sections (`OPTIONS`, `SEE ALSO`: upper-case lines at column 0);
//! - numbered sections (`2.3 Configuration`) standing alone between blank lines;
//! - definition terms in documents that are not Markdown: a short indented line
//!   followed directly by a more indented one (a man page's `-S<string>` entry), one
//!   level per indentation step.
//!
//! Levels go from 1 (a title or man section) downwards; a section runs until the next
//! heading of the same or a higher level.

/// Lines longer than this are prose, not headings.
const MAX_HEADING_BYTES: usize = 100;
/// Columns of indentation per definition-term level.
const INDENT_STEP: usize = 4;
/// The deepest level a heading gets.
const MAX_LEVEL: u8 = 6;

/// What one line looks like, as far as headings are concerned.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    blank: bool,
    indent: usize,
    /// `#` count of an ATX heading.
    atx: Option<u8>,
    /// Level of a setext underline (`===` 1, `---` 2).
    underline: Option<u8>,
    /// An opening or closing code fence.
    fence: bool,
    /// Upper-case text at column 0 (a man-page section).
    caps: bool,
    /// Depth of a leading section number (`2.3 Title` is 2).
    numbered: Option<u8>,
    /// Starts with a list bullet (`- `, `* `, `+ `, `1. `).
    bullet: bool,
    /// Short enough to be a heading and not ending like a sentence.
    title_like: bool,
}

impl Shape {
    pub fn of(line: &[u8]) -> Shape {
        let indent = line
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let text = trim_end(&line[indent..]);
        if text.is_empty() {
            return Shape {
                blank: true,
                ..Shape::default()
            };
        }
        let title_like =
            text.len() <= MAX_HEADING_BYTES && !matches!(text.last(), Some(b'.' | b',' | b';'));
        Shape {
            blank: false,
            indent,
            atx: atx_level(text).filter(|_| indent < 4),
            underline: underline_level(text).filter(|_| indent < 4),
            fence: indent < 4 && (text.starts_with(b"```") || text.starts_with(b"~~~")),
            caps: indent == 0 && is_caps(text),
            numbered: numbered_depth(text),
            bullet: is_bullet(text),
            title_like,
        }
    }
}

/// A heading: the line it is on and its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heading {
    pub index: u64,
    pub level: u8,
}

/// Finds headings with one line of lookahead: `push` decides about the line before
/// the one it is given, `finish` about the last line.
#[derive(Debug, Default)]
pub struct HeadingFinder {
    pending: Option<(u64, Shape)>,
    /// Whether the line before the pending one was blank (or there was none).
    blank_before: bool,
    in_fence: bool,
    /// Seen Markdown structure (ATX heading, fence or setext): indented lines are then
    /// list continuations and code, not definition terms.
    markdown: bool,
}

impl HeadingFinder {
    pub fn new() -> HeadingFinder {
        HeadingFinder {
            blank_before: true,
            ..HeadingFinder::default()
        }
    }

    /// Takes line `index`; returns the heading on the line before it, if any.
    pub fn push(&mut self, index: u64, shape: Shape) -> Option<Heading> {
        let decided = self
            .pending
            .take()
            .and_then(|(at, prev)| self.decide(at, prev, Some(shape)));
        self.pending = Some((index, shape));
        decided
    }

    /// Decides about the last line.
    pub fn finish(&mut self) -> Option<Heading> {
        let (at, prev) = self.pending.take()?;
        self.decide(at, prev, None)
    }

    fn decide(&mut self, index: u64, line: Shape, next: Option<Shape>) -> Option<Heading> {
        let blank_before = std::mem::replace(&mut self.blank_before, line.blank);
        if line.fence {
            self.in_fence = !self.in_fence;
            self.markdown = true;
            return None;
        }
        if self.in_fence || line.blank {
            return None;
        }
        let next_blank = next.is_none_or(|n| n.blank);
        let level = if let Some(level) = line.atx {
            self.markdown = true;
            Some(level)
        } else if let Some(level) = next
            .and_then(|n| n.underline)
            .filter(|_| blank_before && !line.bullet && line.underline.is_none())
        {
            self.markdown = true;
            Some(level)
        } else if line.caps {
            Some(1)
        } else if let Some(depth) = line
            .numbered
            .filter(|_| blank_before && next_blank && line.title_like)
        {
            Some(depth)
        } else {
            next.filter(|n| {
                !self.markdown
                    && !n.blank
                    && n.indent > line.indent
                    && line.indent > 0
                    && line.title_like
                    && !line.bullet
            })
            .map(|_| 2 + (line.indent / INDENT_STEP).min(usize::from(MAX_LEVEL)) as u8)
        };
        level.map(|level| Heading {
            index,
            level: level.min(MAX_LEVEL),
        })
    }
}

fn trim_end(text: &[u8]) -> &[u8] {
    let end = text
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &text[..end]
}

/// `## Title` → 2 (one to six `#` then a space, or nothing).
fn atx_level(text: &[u8]) -> Option<u8> {
    let hashes = text.iter().take_while(|&&b| b == b'#').count();
    let after = text.get(hashes);
    ((1..=6).contains(&hashes) && after.is_none_or(|&b| b == b' ' || b == b'\t'))
        .then_some(hashes as u8)
}

/// `=====` → 1, `-----` → 2 (two or more).
fn underline_level(text: &[u8]) -> Option<u8> {
    let level = match text.first() {
        Some(b'=') => 1,
        Some(b'-') => 2,
        _ => return None,
    };
    (text.len() >= 2 && text.iter().all(|&b| b == text[0])).then_some(level)
}

/// Upper-case words at column 0 with at least three letters and no lower case:
/// `OPTIONS`, `SEE ALSO`, `GENERATING PATCH TEXT WITH -P`.
fn is_caps(text: &[u8]) -> bool {
    text.len() <= MAX_HEADING_BYTES
        && text[0].is_ascii_uppercase()
        && text.iter().filter(|b| b.is_ascii_uppercase()).count() >= 3
        && !text.iter().any(|b| b.is_ascii_lowercase() || *b >= 0x80)
}

/// `2.3 Title` or `2.3. Title` → 2; the title must start with an upper-case letter.
fn numbered_depth(text: &[u8]) -> Option<u8> {
    let number_end = text
        .iter()
        .position(|&b| !(b.is_ascii_digit() || b == b'.'))?;
    let number = &text[..number_end];
    let depth = number
        .split(|&b| b == b'.')
        .filter(|part| !part.is_empty())
        .count();
    let well_formed = depth > 0
        && number[0].is_ascii_digit()
        && number.split(|&b| b == b'.').all(|p| p.len() <= 3);
    let titled = text[number_end] == b' '
        && text
            .get(number_end + 1)
            .is_some_and(|b| b.is_ascii_uppercase());
    (well_formed && titled).then_some(depth.min(usize::from(MAX_LEVEL)) as u8)
}

fn is_bullet(text: &[u8]) -> bool {
    let after_marker = |n: usize| text.get(n).is_none_or(|&b| b == b' ');
    match text[0] {
        b'-' | b'*' | b'+' => after_marker(1),
        _ if text.starts_with("•".as_bytes()) => true,
        b'0'..=b'9' => {
            let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
            matches!(text.get(digits), Some(b'.' | b')')) && after_marker(digits + 1)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(text: &str) -> Vec<(u64, u8)> {
        let mut finder = HeadingFinder::new();
        let mut found = Vec::new();
        for (i, line) in text.lines().enumerate() {
            found.extend(finder.push(i as u64, Shape::of(line.as_bytes())));
        }
        found.extend(finder.finish());
        found.into_iter().map(|h| (h.index, h.level)).collect()
    }

    #[test]
    fn markdown_atx_and_setext_headings_outside_fences() {
        let doc = "Title\n=====\n\nintro\n\n## Install\n\n```sh\n# not a heading\n```\n\nUsage\n-----\n- item\n  continued\n#hashtag\n";
        assert_eq!(headings(doc), vec![(0, 1), (5, 2), (11, 2)]);
    }

    #[test]
    fn man_sections_and_option_terms() {
        let doc = "GIT-LOG(1)      Git Manual      GIT-LOG(1)\n\nNAME\n       git-log - Show commit logs\n\nOPTIONS\n       -S<string>\n           Look for differences.\n\n           • number\n\n               If it is a number.\n\nSEE ALSO\n       git(1)\n";
        assert_eq!(headings(doc), vec![(2, 1), (5, 1), (6, 3), (13, 1)]);
    }

    #[test]
    fn numbered_sections_stand_alone_but_list_items_do_not() {
        let doc =
            "1. Introduction\n\nSome text.\n\n2.1 Scope of work\n\n1. first step\n2. second step\n";
        assert_eq!(headings(doc), vec![(0, 1), (4, 2)]);
    }
}
