//! `git log` in any format: one line per commit.
//!
//! Multi-line formats (the default, `--stat`, `--format=fuller`, with or without
//! `--graph`) are read commit by commit. A commit the view lists shows one line made
//! from its own lines, in `git log --oneline` order plus what the reader asks next:
//!
//! ```text
//! 50ba21e2 2026-02-02 Florian BRUNIAUX: feat: add JSON parsing with safe fallbacks [3 files +323 -4]
//! ```
//!
//! (short hash, decorations, author date, author, subject, `--stat` totals); its other
//! lines go behind the marker under it. Commits the query points at (an anchor such
//! as a hash, or the best BM25 match among their lines) are shown whole, as printed.
//! Decorated commits (tags, branches) are always listed; the others newest first
//! while the budget lasts, the rest in markers that count the commits.
//!
//! One-line formats (`--oneline`, `--graph --oneline`, `git reflog`) are already one
//! line per commit: decorated lines and the query's lines are kept, then the newest.

use super::commit::{
    author_name, commit_line, graph_prefix_len, header_field, is_stat_line, short_date,
    stat_summary,
};
use super::query::QueryLines;
use crate::compress::log::starts_with_time;
use crate::compress::{Compressor, Context, Picker, Selection};
use crate::marker::{count_of, thousands};
use crate::relevance::Query;

/// Commits tracked at most; later ones are counted and left to markers.
const MAX_COMMITS: usize = 100_000;
/// Hex digits of a hash in a synthesised line.
const SHORT_HASH: usize = 8;
/// Bytes of a subject kept in a synthesised line.
const MAX_SUBJECT: usize = 300;
/// What the marker under a listed commit costs, counted with its line.
const MARKER_COST: u64 = 30;
/// Commits shown whole because their lines hold the query's anchors, at most…
const MAX_ANCHOR_COMMITS: usize = 8;
/// …and because they best match its words, with the share of the best they need.
const MAX_QUERY_COMMITS: usize = 3;
const QUERY_SHARE: f64 = 0.5;
/// A commit shown whole costs at most this many tokens; a longer one keeps its
/// header, subject, stat and query lines, and offers the rest.
const MAX_WHOLE_COST: u64 = 1500;
/// Lines of a one-line log kept for their query score, at most.
const MAX_QUERY_LINES: usize = 24;
/// Distinct authors counted for the header, at most.
const MAX_AUTHORS: usize = 10_000;

/// True when a (lane-stripped) line is a `--oneline` commit: an abbreviated or full
/// hash, then a space and text, or a reflog entry.
fn oneline_commit(body: &[u8]) -> bool {
    let n = body.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    (7..=40).contains(&n) && body.get(n) == Some(&b' ') && body.len() > n + 1
}

/// A one-line commit for sniffing, which must not take a log keyed by hex ids or
/// epoch seconds: the hash has a letter and the subject does not start with a time.
fn clearly_oneline_commit(body: &[u8]) -> bool {
    let n = body.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    oneline_commit(body)
        && body[..n].iter().any(u8::is_ascii_alphabetic)
        && !starts_with_time(&body[n + 1..])
}

/// The structural signature of `git log`: commit lines with header fields under
/// them, or mostly one-line commits (with `--graph` lanes).
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    let (mut commits, mut fields, mut oneline, mut lanes_only, mut other) = (0, 0, 0, 0, 0);
    let mut after_commit = false;
    for line in lines {
        let p = graph_prefix_len(line);
        let body = &line[p..];
        if commit_line(body).is_some() {
            commits += 1;
            after_commit = true;
        } else if after_commit && header_field(body).is_some() {
            fields += 1;
        } else if clearly_oneline_commit(body) {
            oneline += 1;
            after_commit = false;
        } else if oneline_commit(body) && !starts_with_time(body) {
            // An all-digit abbreviated hash: neither for nor against.
            after_commit = false;
        } else if body.trim_ascii().is_empty() {
            lanes_only += usize::from(p > 0);
        } else {
            other += 1;
            after_commit = false;
        }
    }
    if commits > 0 && fields >= commits {
        return Some(format!(
            "{} with author and date fields",
            count_of(commits as u64, "commit line", "commit lines")
        ));
    }
    let lines = oneline + other;
    if oneline >= 5 && oneline * 10 >= lines * 9 {
        return Some(format!(
            "{oneline} of {lines} lines are one-line commits{}",
            if lanes_only > 0 {
                " (with --graph lanes)"
            } else {
                ""
            }
        ));
    }
    None
}

#[derive(Debug)]
struct Commit {
    start: u64,
    end: u64,
    cost: u64,
    /// The line shown for the commit when it is listed but not shown whole.
    line: String,
    line_cost: u64,
    decorated: bool,
    /// Through the subject: the commit line, its header fields and subject.
    head_end: u64,
    /// Where the `--stat` block starts.
    stat_start: Option<u64>,
    whole: bool,
}

/// What is known about the commit being read.
#[derive(Debug, Default)]
struct Draft {
    lanes: String,
    hash: String,
    decorations: String,
    author: String,
    date: String,
    subject: Option<String>,
    totals: Option<(u64, u64, u64)>,
}

impl Draft {
    /// `{lanes}{hash} {decorations} {date} {author}: {subject} [{files} files +a -d]`.
    fn line(&self) -> String {
        let mut s = format!("{}{}", self.lanes, self.hash);
        for part in [&self.decorations, &self.date] {
            if !part.is_empty() {
                s.push(' ');
                s.push_str(part);
            }
        }
        if !self.author.is_empty() {
            s.push(' ');
            s.push_str(&self.author);
        }
        s.push(':');
        if let Some(subject) = &self.subject {
            s.push(' ');
            s.push_str(subject);
        }
        if let Some((files, added, removed)) = self.totals {
            s.push_str(&format!(
                " [{} +{} -{}]",
                count_of(files, "file", "files"),
                thousands(added),
                thousands(removed)
            ));
        }
        s
    }
}

/// The `git log` compressor; see the module documentation.
pub struct LogView {
    oneline: bool,
    query: QueryLines,
    commits: Vec<Commit>,
    draft: Draft,
    /// `--oneline` lines: (index, cost with the lane lines above it, decorated).
    entries: Vec<(u64, u32, bool)>,
    lanes_cost: u32,
    authors: Vec<u64>,
    untracked: u64,
    lines: u64,
    first_date: String,
    last_date: String,
}

impl LogView {
    pub fn new(query: &Query, oneline: bool) -> LogView {
        LogView {
            oneline,
            query: QueryLines::new(query),
            commits: Vec::new(),
            draft: Draft::default(),
            entries: Vec::new(),
            lanes_cost: 0,
            authors: Vec::new(),
            untracked: 0,
            lines: 0,
            first_date: String::new(),
            last_date: String::new(),
        }
    }

    /// Ends the commit being read: its line is written from what was gathered.
    fn close(&mut self) {
        if let Some(c) = self.commits.last_mut() {
            if c.line.is_empty() {
                c.line = self.draft.line();
                c.line_cost = crate::tokens::estimate(c.line.as_bytes()) + 1;
            }
        }
    }

    fn observe_commit(&mut self, index: u64, line: &[u8], cost: u32) {
        // Under a commit line, its lanes are as wide as on the commit line (a stat
        // line's own leading space is not a lane's padding).
        let width = self.draft.lanes.len();
        let lanes = |b: &u8| matches!(b, b'*' | b'|' | b'/' | b'\\' | b'_' | b'-' | b'.' | b' ');
        let p = match line.get(..width) {
            Some(prefix)
                if width > 0
                    && prefix.iter().all(lanes)
                    && commit_line(&line[graph_prefix_len(line)..]).is_none() =>
            {
                width
            }
            _ => graph_prefix_len(line),
        };
        let body = &line[p..];
        if let Some((hash, decorations)) = commit_line(body) {
            self.close();
            if self.commits.len() >= MAX_COMMITS {
                self.untracked += 1;
                return;
            }
            self.draft = Draft {
                lanes: String::from_utf8_lossy(&line[..p]).into_owned(),
                hash: String::from_utf8_lossy(&hash[..hash.len().min(SHORT_HASH)]).into_owned(),
                decorations: String::from_utf8_lossy(decorations).into_owned(),
                ..Draft::default()
            };
            self.commits.push(Commit {
                start: index,
                end: index,
                cost: u64::from(cost),
                line: String::new(),
                line_cost: 0,
                decorated: !decorations.is_empty(),
                head_end: index,
                stat_start: None,
                whole: false,
            });
            return;
        }
        let Some(commit) = self.commits.last_mut() else {
            self.untracked += 1;
            return;
        };
        if !commit.line.is_empty() {
            // Past the tracking cap: counted, not gathered.
            self.untracked += 1;
            return;
        }
        commit.end = index;
        commit.cost += u64::from(cost);
        let draft = &mut self.draft;
        if let Some((field, value)) = header_field(body) {
            if draft.subject.is_none() {
                commit.head_end = index;
            }
            match field {
                b"Author" => {
                    draft.author = String::from_utf8_lossy(author_name(value)).into_owned();
                    let h = crate::hash::hash_bytes(value, 7);
                    if self.authors.len() < MAX_AUTHORS && !self.authors.contains(&h) {
                        self.authors.push(h);
                    }
                }
                b"Date" | b"AuthorDate" => {
                    draft.date = short_date(value);
                    if self.first_date.is_empty() {
                        self.first_date = draft.date.clone();
                    }
                    self.last_date = draft.date.clone();
                }
                _ => {}
            }
        } else if let Some(totals) = stat_summary(body) {
            draft.totals = Some(totals);
            commit.stat_start.get_or_insert(index);
        } else if is_stat_line(body) {
            commit.stat_start.get_or_insert(index);
        } else if draft.subject.is_none() && body.starts_with(b"    ") {
            let subject = body.trim_ascii();
            if !subject.is_empty() {
                let cut = crate::lines::cut_at_char(subject, MAX_SUBJECT);
                draft.subject = Some(String::from_utf8_lossy(cut).into_owned());
                commit.head_end = index;
            }
        }
    }

    fn select_commits(&mut self, ctx: &Context) -> Picker {
        self.close();
        let mut picker = Picker::new(ctx.budget);
        let commit_of = |commits: &[Commit], index: u64| {
            commits
                .partition_point(|c| c.start <= index)
                .checked_sub(1)
                .filter(|&c| commits[c].end >= index)
        };
        // Commits holding the most distinct anchors on one line (a hash, or a path
        // and its new name) are the ones asked about.
        let best_anchors = self
            .query
            .anchored()
            .iter()
            .map(|h| h.score)
            .fold(0.0, f64::max);
        let mut whole: Vec<usize> = Vec::new();
        for hit in self
            .query
            .anchored()
            .iter()
            .filter(|h| h.score == best_anchors)
        {
            if let Some(c) = commit_of(&self.commits, hit.index) {
                if !whole.contains(&c) && whole.len() < MAX_ANCHOR_COMMITS {
                    whole.push(c);
                }
            }
        }
        let best = self.query.best(usize::MAX, QUERY_SHARE);
        let mut by_words = 0;
        for hit in &best {
            if by_words == MAX_QUERY_COMMITS {
                break;
            }
            if let Some(c) = commit_of(&self.commits, hit.index) {
                if !whole.contains(&c) {
                    whole.push(c);
                    by_words += 1;
                }
            }
        }
        for &c in &whole {
            let commit = &mut self.commits[c];
            commit.whole = true;
            let each = commit.cost / (commit.end - commit.start + 1);
            let kept = |i: u64| {
                commit.cost <= MAX_WHOLE_COST
                    || i <= commit.head_end
                    || commit.stat_start.is_some_and(|s| i >= s)
            };
            for i in commit.start..=commit.end {
                if kept(i) {
                    picker.must(i, each, None);
                }
            }
            for hit in self.query.anchored().iter().chain(&best) {
                if (commit.start..=commit.end).contains(&hit.index) {
                    picker.must(hit.index, u64::from(hit.cost), None);
                }
            }
        }
        for c in self.commits.iter().filter(|c| c.decorated && !c.whole) {
            picker.must(c.start, c.line_cost + MARKER_COST, None);
        }
        for c in self.commits.iter().filter(|c| !c.whole) {
            if !picker.offer(c.start, c.line_cost + MARKER_COST, None) {
                break;
            }
        }
        picker
    }

    fn select_oneline(&mut self, ctx: &Context) -> Picker {
        let mut picker = Picker::new(ctx.budget);
        for &(i, cost, decorated) in &self.entries {
            if decorated {
                picker.must(i, u64::from(cost), None);
            }
        }
        for hit in self.query.anchored() {
            picker.must(hit.index, u64::from(hit.cost), None);
        }
        for hit in self.query.best(MAX_QUERY_LINES, QUERY_SHARE) {
            picker.offer(hit.index, u64::from(hit.cost), None);
        }
        for &(i, cost, _) in &self.entries {
            if !picker.offer(i, u64::from(cost), None) {
                break;
            }
        }
        picker
    }

    fn header(&self, shown: usize, over: bool) -> String {
        let commits = if self.oneline {
            self.entries.len()
        } else {
            self.commits.len()
        };
        let mut parts = vec![count_of(commits as u64, "commit", "commits")];
        if !self.first_date.is_empty() {
            parts.push(if self.first_date == self.last_date {
                self.first_date.clone()
            } else {
                format!("{} → {}", self.last_date, self.first_date)
            });
        }
        if !self.authors.is_empty() {
            parts.push(count_of(self.authors.len() as u64, "author", "authors"));
        }
        let whole = self.commits.iter().filter(|c| c.whole).count();
        parts.push(if whole > 0 {
            format!("{} listed, {whole} in full", thousands(shown as u64))
        } else {
            format!("{} listed", thousands(shown as u64))
        });
        if self.untracked > 0 {
            parts.push(format!(
                "{} past the tracking cap",
                count_of(self.untracked, "line", "lines")
            ));
        }
        if over {
            parts.push("over budget: must-keep lines".into());
        }
        format!("[git log: {}]", parts.join(" · "))
    }
}

impl Compressor for LogView {
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32) {
        self.lines += 1;
        let cost = tokens + 1;
        self.query.observe(index, line, cost);
        if self.oneline {
            let body = &line[graph_prefix_len(line)..];
            if oneline_commit(body) {
                let n = body.iter().take_while(|b| b.is_ascii_hexdigit()).count();
                let decorated = body[n + 1..].starts_with(b"(");
                // The lane lines above a listed commit are shown with it.
                let cost = cost + std::mem::take(&mut self.lanes_cost);
                self.entries.push((index, cost, decorated));
            } else {
                self.lanes_cost += cost;
            }
        } else {
            self.observe_commit(index, line, cost);
        }
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        let picker = if self.oneline {
            self.select_oneline(ctx)
        } else {
            self.select_commits(ctx)
        };
        let over = picker.over_budget();
        let mut selection = picker.finish(None);
        let shown = if self.oneline {
            selection.keep.len()
        } else {
            selection
                .keep
                .iter()
                .filter(|k| {
                    self.commits
                        .binary_search_by_key(&k.index, |c| c.start)
                        .is_ok()
                })
                .count()
        };
        selection.header = Some(self.header(shown, over));
        selection
    }

    fn label(&self, _index: u64, line: &[u8]) -> Option<&'static str> {
        let body = &line[graph_prefix_len(line)..];
        if self.oneline {
            return Some(if oneline_commit(body) {
                "commits"
            } else {
                "graph"
            });
        }
        commit_line(body).map(|_| "commits")
    }

    fn show(&mut self, index: u64, line: &[u8], out: &mut Vec<u8>) {
        match self.commits.binary_search_by_key(&index, |c| c.start) {
            Ok(c) if !self.commits[c].whole && !self.oneline => {
                out.extend_from_slice(self.commits[c].line.as_bytes());
            }
            _ => out.extend_from_slice(line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_keyed_by_epoch_seconds_or_hex_ids_are_not_commits() {
        let epoch: Vec<&[u8]> =
            (0..10)
                .map(|_| {
                    &b"- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 crond[2915]: session closed"[..]
                })
                .collect();
        assert_eq!(sniff(&epoch), None);
        let ids: Vec<&[u8]> = (0..10)
            .map(|_| &b"a3f9c2d1 2024-01-01T10:00:00Z GET /health 200"[..])
            .collect();
        assert_eq!(sniff(&ids), None);
        let commits: Vec<&[u8]> = (0..10)
            .map(|_| &b"* 5307c00 Update src/traits.rs"[..])
            .collect();
        assert!(sniff(&commits).is_some());
    }
}
