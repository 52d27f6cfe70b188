//! `git status`, long and short formats: grouped by state.
//!
//! The long format already groups files under one heading per state; the view keeps
//! the branch lines, every heading and closing line, and the files of every state
//! (the first ones of each state first, so a long untracked list cannot hide a
//! conflict), and drops git's `(use "git add …")` hints into markers. The short
//! format (`-s`, `--porcelain`) keeps its lines by state, conflicts and staged
//! changes first. The header counts the files per state.

use std::cell::Cell;

use super::query::QueryLines;
use crate::compress::{Compressor, Context, Picker, Selection};
use crate::marker::thousands;
use crate::relevance::Query;

/// File lines remembered at most; later ones are counted and left to markers.
const MAX_ENTRIES: usize = 200_000;
/// Files of each state offered before any state's further files.
const FIRST_PER_STATE: usize = 10;

/// Headings of the long format, and the state their files are in.
const SECTIONS: [(&[u8], &str); 6] = [
    (b"Unmerged paths:", "unmerged"),
    (b"Changes to be committed:", "staged"),
    (b"Changes not staged for commit:", "unstaged"),
    (b"Untracked files:", "untracked"),
    (b"Ignored files:", "ignored"),
    (b"You have unmerged paths.", "unmerged"),
];

/// First lines of the long format that are not files or hints.
const BRANCH_LINES: [&[u8]; 9] = [
    b"On branch ",
    b"HEAD detached ",
    b"Not currently on any branch",
    b"Your branch ",
    b"and have ",
    b"You are currently ",
    b"All conflicts fixed",
    b"nothing to commit",
    b"no changes added to commit",
];

fn section(line: &[u8]) -> Option<&'static str> {
    SECTIONS
        .iter()
        .find(|(heading, _)| line.starts_with(heading))
        .map(|&(_, state)| state)
}

/// The state a short-format line (`XY path`) is in.
fn short_state(line: &[u8]) -> Option<&'static str> {
    let xy = line.get(..3)?;
    if xy[2] != b' ' || line.len() < 4 {
        return None;
    }
    let valid = |b: u8| b" MTADRCU?!".contains(&b);
    if !valid(xy[0]) || !valid(xy[1]) || xy[..2] == *b"  " {
        return None;
    }
    Some(match (xy[0], xy[1]) {
        (b'?', b'?') => "untracked",
        (b'!', b'!') => "ignored",
        (b'U', _) | (_, b'U') | (b'A', b'A') | (b'D', b'D') => "unmerged",
        (b' ', _) => "unstaged",
        _ => "staged",
    })
}

/// A long-format hint line: `  (use "git add <file>..." to update …)`.
fn is_hint(line: &[u8]) -> bool {
    line.trim_ascii_start().starts_with(b"(use \"git ")
        || line.trim_ascii_start().starts_with(b"(use \"")
}

/// The structural signature of `git status`: its branch line or a state heading;
/// or mostly short-format lines.
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    let headings = lines.iter().filter(|l| section(l).is_some()).count();
    let branch = lines
        .iter()
        .take(3)
        .any(|l| l.starts_with(b"On branch ") || l.starts_with(b"HEAD detached "));
    if headings > 0 && (branch || headings >= 2)
        || branch && lines.iter().any(|l| l.starts_with(b"nothing to commit"))
    {
        return Some(format!("git status: {headings} state headings"));
    }
    let short = lines.iter().filter(|l| short_state(l).is_some()).count();
    let branch_line = usize::from(lines.first().is_some_and(|l| l.starts_with(b"## ")));
    if short >= 3
        && short + branch_line == lines.len()
        && lines
            .iter()
            .any(|l| l.starts_with(b"?? ") || l[..2].contains(&b'M'))
    {
        return Some(format!("{short} short-format status lines"));
    }
    None
}

/// The `git status` compressor; see the module documentation.
pub struct StatusView {
    query: QueryLines,
    /// Branch lines, headings and closing lines.
    frame: Vec<(u64, u32)>,
    /// Files: (index, cost, state).
    entries: Vec<(u64, u32, &'static str)>,
    /// Files per state, in order of first appearance.
    counts: Vec<(&'static str, u64)>,
    state: Option<&'static str>,
    /// The state heading last seen in pass two (`show` and `label`).
    rendering: Cell<Option<&'static str>>,
}

impl StatusView {
    pub fn new(query: &Query) -> StatusView {
        StatusView {
            query: QueryLines::new(query),
            frame: Vec::new(),
            entries: Vec::new(),
            counts: Vec::new(),
            state: None,
            rendering: Cell::new(None),
        }
    }
}

/// What a line is, under the state heading `state`: a file in a state, a heading, a
/// frame line, a hint.
fn classify(state: Option<&'static str>, line: &[u8]) -> Line {
    if let Some(state) = section(line) {
        return Line::Heading(state);
    }
    if is_hint(line) {
        return Line::Hint;
    }
    if BRANCH_LINES.iter().any(|b| line.starts_with(b)) || line.starts_with(b"## ") {
        return Line::Frame;
    }
    if let Some(state) = short_state(line) {
        return Line::File(state);
    }
    match state {
        Some(state) if line.starts_with(b"\t") => Line::File(state),
        _ if line.trim_ascii().is_empty() => Line::Blank,
        _ => Line::Frame,
    }
}

enum Line {
    Heading(&'static str),
    File(&'static str),
    Frame,
    Hint,
    Blank,
}

impl Compressor for StatusView {
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32) {
        let cost = tokens + 1;
        self.query.observe(index, line, cost);
        match classify(self.state, line) {
            Line::Heading(state) => {
                self.state = Some(state);
                self.frame.push((index, cost));
            }
            Line::File(state) => {
                match self.counts.iter_mut().find(|(s, _)| *s == state) {
                    Some(entry) => entry.1 += 1,
                    None => self.counts.push((state, 1)),
                }
                if self.entries.len() < MAX_ENTRIES {
                    self.entries.push((index, cost, state));
                }
            }
            Line::Frame => {
                if self.frame.len() < MAX_ENTRIES {
                    self.frame.push((index, cost));
                }
            }
            Line::Hint | Line::Blank => {}
        }
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        let mut picker = Picker::new(ctx.budget);
        for &(i, cost) in &self.frame {
            picker.must(i, u64::from(cost), None);
        }
        for hit in self.query.anchored() {
            picker.must(hit.index, u64::from(hit.cost), None);
        }
        for hit in self.query.best(FIRST_PER_STATE, 0.5) {
            picker.offer(hit.index, u64::from(hit.cost), None);
        }
        // The first files of every state, the most pressing states first, then the
        // rest in order.
        const URGENCY: [&str; 5] = ["unmerged", "staged", "unstaged", "untracked", "ignored"];
        for state in URGENCY {
            for &(i, cost, _) in self
                .entries
                .iter()
                .filter(|e| e.2 == state)
                .take(FIRST_PER_STATE)
            {
                picker.offer(i, u64::from(cost), None);
            }
        }
        for &(i, cost, _) in &self.entries {
            if !picker.offer(i, u64::from(cost), None) {
                break;
            }
        }
        let over = picker.over_budget();
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(state, n)| format!("{} {state}", thousands(*n)))
            .collect();
        let mut header = format!(
            "[git status: {}",
            if counts.is_empty() {
                "clean".to_string()
            } else {
                counts.join(", ")
            }
        );
        if over {
            header.push_str(" · over budget: must-keep lines");
        }
        header.push(']');
        picker.finish(Some(header))
    }

    fn label(&self, _index: u64, line: &[u8]) -> Option<&'static str> {
        match classify(self.rendering.get(), line) {
            Line::Heading(state) => {
                self.rendering.set(Some(state));
                None
            }
            Line::File(state) => Some(state),
            Line::Hint => Some("hints"),
            _ => None,
        }
    }

    fn show(&mut self, index: u64, line: &[u8], out: &mut Vec<u8>) {
        // Kept lines move the state heading along too.
        self.label(index, line);
        out.extend_from_slice(line);
    }
}
