//! `git blame`: lines grouped into runs per commit.
//!
//! A blame line repeats its commit's hash, author and date on every line. The view
//! shows them once: the first line it shows for a commit keeps its whole prefix,
//! `a2a9ca51 (Ann Lee 2026-11-22 05:33:45 +0000  12) code`; every later line it
//! shows for that commit keeps the hash and line number only, `a2a9ca51 13) code`
//! (the author and date are the ones printed above). Lines the query points at are
//! kept, then the file from the top while the budget lasts; the header names the
//! commits that own the most lines.

use std::sync::OnceLock;

use regex::bytes::Regex;

use super::query::QueryLines;
use crate::compress::{Compressor, Context, Picker, Selection};
use crate::hash::hash_bytes;
use crate::marker::{count_of, thousands};
use crate::relevance::Query;

/// Run starts remembered at most.
const MAX_RUNS: usize = 200_000;
/// Distinct commits and authors counted at most.
const MAX_DISTINCT: usize = 10_000;
/// Commits named in the header, those owning the most lines first.
const TOP_COMMITS: usize = 5;
/// Lines of a blame kept for their query score, at most.
const MAX_QUERY_LINES: usize = 24;

/// `hash [path] (author date time zone  N) code`: the parts of one blame line.
pub struct BlameLine<'a> {
    pub hash: &'a [u8],
    /// The hash and the path column, if any: what the short form keeps.
    pub id: &'a [u8],
    pub author: &'a [u8],
    pub date: &'a [u8],
    pub number: &'a [u8],
    pub code: &'a [u8],
}

fn blame_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        crate::pattern::regex(
            r"^(?P<id>(?P<hash>\^?[0-9a-f]{7,40})(?: [^(]*?)?) \((?P<author>.*?) +(?P<date>\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2} [+-]\d{4})?) +(?P<n>\d+)\)(?P<code> .*)?$",
        )
    })
}

pub fn parse(line: &[u8]) -> Option<BlameLine<'_>> {
    let caps = blame_re().captures(line)?;
    let part = |name: &str| caps.name(name).map_or(&b""[..], |m| m.as_bytes());
    Some(BlameLine {
        hash: part("hash"),
        id: part("id"),
        author: part("author"),
        date: part("date"),
        number: part("n"),
        code: part("code"),
    })
}

/// The structural signature of `git blame`: most lines are blame lines.
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    let blamed = lines.iter().filter(|l| parse(l).is_some()).count();
    (blamed >= 3 && blamed * 10 >= lines.len() * 8)
        .then(|| format!("{blamed} of {} lines are git blame lines", lines.len()))
}

/// The `git blame` compressor; see the module documentation.
pub struct BlameView {
    query: QueryLines,
    /// Runs of one commit's lines: (first index, lines, cost of their short forms),
    /// so memory follows the runs, not the lines.
    runs: Vec<(u64, u64, u64)>,
    run_count: u64,
    last_hash: u64,
    /// Commits: (hash of the id, id, date, lines).
    commits: Vec<(u64, String, String, u64)>,
    authors: Vec<u64>,
    first_date: Vec<u8>,
    last_date: Vec<u8>,
    lines: u64,
    /// Commits whose full prefix the view has shown (pass two).
    shown: Vec<u64>,
}

impl BlameView {
    pub fn new(query: &Query) -> BlameView {
        BlameView {
            query: QueryLines::new(query),
            runs: Vec::new(),
            run_count: 0,
            last_hash: 0,
            commits: Vec::new(),
            authors: Vec::new(),
            first_date: Vec::new(),
            last_date: Vec::new(),
            lines: 0,
            shown: Vec::new(),
        }
    }
}

fn count_distinct(seen: &mut Vec<u64>, value: u64) {
    if seen.len() < MAX_DISTINCT && !seen.contains(&value) {
        seen.push(value);
    }
}

impl Compressor for BlameView {
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32) {
        self.lines += 1;
        let cost = tokens + 1;
        self.query.observe(index, line, cost);
        let Some(blame) = parse(line) else {
            self.last_hash = 0;
            return;
        };
        let hash = hash_bytes(blame.hash, 3);
        let short = crate::tokens::estimate(blame.code) + 5;
        if let Some(c) = self.commits.iter_mut().find(|c| c.0 == hash) {
            c.3 += 1;
        } else if self.commits.len() < MAX_DISTINCT {
            self.commits.push((
                hash,
                String::from_utf8_lossy(blame.hash).into_owned(),
                String::from_utf8_lossy(&blame.date[..blame.date.len().min(10)]).into_owned(),
                1,
            ));
        }
        if hash != self.last_hash || self.runs.is_empty() {
            self.last_hash = hash;
            self.run_count += 1;
            if self.runs.len() < MAX_RUNS {
                self.runs.push((index, 0, 0));
            }
            count_distinct(&mut self.authors, hash_bytes(blame.author, 5));
            if self.first_date.is_empty() || blame.date < &self.first_date[..] {
                self.first_date = blame.date.to_vec();
            }
            if blame.date > &self.last_date[..] {
                self.last_date = blame.date.to_vec();
            }
        }
        if let Some(run) = self.runs.last_mut() {
            if run.0 + run.1 == index {
                run.1 += 1;
                run.2 += short;
            }
        }
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        let mut picker = Picker::new(ctx.budget);
        for hit in self.query.anchored() {
            picker.must(hit.index, u64::from(hit.cost), None);
        }
        for hit in self.query.best(MAX_QUERY_LINES, 0.5) {
            picker.offer(hit.index, u64::from(hit.cost), None);
        }
        'runs: for &(start, n, cost) in &self.runs {
            let each = cost / n.max(1);
            for i in start..start + n {
                if !picker.offer(i, each, None) {
                    break 'runs;
                }
            }
        }
        let over = picker.over_budget();
        let mut parts = vec![
            count_of(self.lines, "line", "lines"),
            count_of(self.commits.len() as u64, "commit", "commits"),
            count_of(self.authors.len() as u64, "author", "authors"),
        ];
        if !self.first_date.is_empty() {
            parts.push(format!(
                "{} → {}",
                String::from_utf8_lossy(&self.first_date[..10.min(self.first_date.len())]),
                String::from_utf8_lossy(&self.last_date[..10.min(self.last_date.len())])
            ));
        }
        parts.push(format!("{} runs", thousands(self.run_count)));
        let mut owners: Vec<&(u64, String, String, u64)> = self.commits.iter().collect();
        owners.sort_by(|a, b| b.3.cmp(&a.3).then(a.1.cmp(&b.1)));
        let top: Vec<String> = owners
            .iter()
            .take(TOP_COMMITS)
            .map(|(_, id, date, n)| format!("{id} {date} {}", count_of(*n, "line", "lines")))
            .collect();
        parts.push(format!("most lines: {}", top.join(", ")));
        if over {
            parts.push("over budget: query lines".into());
        }
        picker.finish(Some(format!("[git blame: {}]", parts.join(" · "))))
    }

    fn label(&self, _index: u64, _line: &[u8]) -> Option<&'static str> {
        None
    }

    fn show(&mut self, _index: u64, line: &[u8], out: &mut Vec<u8>) {
        match parse(line) {
            Some(blame) => {
                let hash = hash_bytes(blame.hash, 3);
                if self.shown.contains(&hash) {
                    out.extend_from_slice(blame.id);
                    out.push(b' ');
                    out.extend_from_slice(blame.number);
                    out.push(b')');
                    out.extend_from_slice(blame.code);
                } else {
                    if self.shown.len() < MAX_DISTINCT {
                        self.shown.push(hash);
                    }
                    out.extend_from_slice(line);
                }
            }
            None => out.extend_from_slice(line),
        }
    }
}
