//! A coding agent's terminal session copied as text, as Claude Code's console shows
//! it: `> ` opens a user message, `⏺ ` the agent's text or one of its tool calls
//! (`⏺ Bash(git status)…`), `  ⎿  ` the call's output; continuation lines are
//! indented.
//!
//! Such a session is a series of exchanges, each a user message and the agent's work
//! on it, and what a reader asks of it ("what went wrong, and how was it fixed") is
//! answered across the exchanges, by the conversation more than by the tool output
//! (which the console has mostly folded already). So the view keeps:
//! - lines that report a problem (`error:`, `AssertionError:`, `1 failed`), in output
//!   too, first and within a quarter of the budget, with the call whose output it was:
//!   those in the conversation (an error the user pasted, the agent's diagnosis)
//!   before raw output, those the query speaks of before the others, a repeat (digits
//!   aside) only once;
//! - lines of tool output holding an exact identifier from the query (in the
//!   conversation such a line ranks higher instead), within a quarter of the budget,
//!   unless the identifier is on so many lines that it singles none out;
//! - the conversation's lines (user and agent text, not calls or output) ranked by the
//!   query, BM25 over the conversation alone, where each line already kept from an
//!   exchange halves what the next one from it is worth (so the view spreads over the
//!   session instead of dwelling on one exchange), and a line of the user's message
//!   (the exchange's question) or of its last agent message (its outcome) counts half
//!   again more than the agent's work in between;
//! - without a query, or when it matches no conversation line, the first line of each
//!   user message and of each exchange's last agent message, in order, as far as the
//!   budget goes.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::{text::reports_problem, Compressor, Context, Picker, Selection};
use crate::hash::{hash_bytes, FastMap, FastSet};
use crate::marker::{count_of, thousands};
use crate::relevance::{Bm25, Query};

/// Non-blank sampled lines that must open with `⏺ ` for an input to be a session.
const MIN_AGENT_LINES: usize = 3;
/// Conversation lines remembered for ranking at most (memory stays bounded).
const MAX_CANDIDATES: usize = 50_000;
/// Lines whose neighbours are remembered, to cost the markers of isolated lines.
const MAX_NEIGHBOURS: usize = 200_000;
/// Problem lines, and lines with a query identifier, remembered at most.
const MAX_MUST_LINES: usize = 200;
/// Share of the budget for lines that report a problem.
const PROBLEM_SHARE: f64 = 0.25;
/// Share of the budget for lines holding one of the query's exact identifiers.
const ANCHOR_SHARE: f64 = 0.25;
/// What each line already kept from an exchange multiplies the next one's worth by.
const EXCHANGE_DECAY: f64 = 0.5;
/// What a line of a user message, or of an exchange's last agent message, counts for
/// against one of the agent's work in between.
const FRAMING_WEIGHT: f64 = 1.5;
/// Estimated tokens of the marker a kept line with no kept neighbour brings along.
const MARKER_TOKENS: u64 = 20;
/// Lines an anchor may be on and still identify them.
const MAX_ANCHOR_LINES: u64 = 20;
/// BM25 score a matched anchor (an exact identifier or quoted string) adds.
const ANCHOR_WEIGHT: f64 = 4.0;

/// What a line of the session is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Before the first message: the console's banner and tips.
    Banner,
    /// A user message (`> `).
    User,
    /// The agent's text (`⏺ `, not a call).
    Agent,
    /// A tool call line (`⏺ Bash(…)`).
    Call,
    /// A call's output (`  ⎿  `, then indented lines).
    Output,
}

/// The part a line opens, if it opens one.
fn opens(line: &[u8]) -> Option<Part> {
    if line.starts_with(b"> ") || line == b">" {
        return Some(Part::User);
    }
    if let Some(rest) = line.strip_prefix("⏺ ".as_bytes()) {
        return Some(if is_call(rest) {
            Part::Call
        } else {
            Part::Agent
        });
    }
    line.starts_with("  ⎿".as_bytes()).then_some(Part::Output)
}

/// `Bash(git status)…`, `Read(src/lib.rs)`, `context7:get-docs (MCP)(…)`: a tool's
/// name, then its arguments in parentheses.
fn is_call(rest: &[u8]) -> bool {
    let name = rest
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-'))
        .count();
    let after = &rest[name..];
    name > 0
        && rest[0].is_ascii_alphabetic()
        && (after.starts_with(b"(") || after.starts_with(b" (MCP)("))
}

/// A line's shape: its hash with digits left out, so the same failure reported at
/// another time or with another count has the same shape.
fn shape(line: &[u8]) -> u64 {
    let without_digits: Vec<u8> = line
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_digit())
        .collect();
    hash_bytes(&without_digits, 0)
}

/// The structural signature: agent lines (`⏺ `) and at least one user message or
/// tool output among the first lines.
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    let count = |part: Part| lines.iter().filter(|l| opens(l) == Some(part)).count();
    let agent = count(Part::Agent) + count(Part::Call);
    let (user, output) = (count(Part::User), count(Part::Output));
    (agent >= MIN_AGENT_LINES && user + output > 0).then(|| {
        format!(
            "a coding agent's console: {agent} agent lines (⏺), {user} user messages (>), \
             {output} tool outputs (⎿) in the first lines"
        )
    })
}

/// A line kept or ranked: where it is and what it costs.
#[derive(Debug, Clone, Copy)]
struct Line {
    index: u64,
    cost: u32,
}

/// A conversation line with a query word, to be ranked.
#[derive(Debug, Clone)]
struct Candidate {
    line: Line,
    tf: Box<[u32]>,
    len: u32,
    /// The query anchors it holds, one bit each.
    anchors: u64,
    exchange: u32,
    /// The agent message it is in; `None` in a user message.
    message: Option<u32>,
}

/// A line that reports a problem.
#[derive(Debug, Clone)]
struct Problem {
    line: Line,
    /// The call whose output it is in, if it is in one.
    call: Option<Line>,
    /// Outside the conversation: tool output, a call line, the console's own text.
    raw: bool,
    tf: Box<[u32]>,
    len: u32,
}

/// A candidate's worth in the ranking; ordered by worth, then earlier first.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ranked {
    worth: f64,
    /// How many lines of its exchange were kept when `worth` was computed.
    kept_then: u32,
    candidate: usize,
    index: u64,
}

impl Eq for Ranked {}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.worth
            .total_cmp(&other.worth)
            .then(other.index.cmp(&self.index))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The console compressor; see the module documentation.
pub struct ConsoleCompressor {
    query: Query,
    bm25: Bm25,
    tf: Vec<u32>,
    part: Part,
    lines: u64,
    /// Exchanges so far (user messages; the agent may speak before the first).
    exchanges: u32,
    /// Agent messages so far; the last one of each exchange is its outcome.
    messages: u32,
    last_message: FastMap<u32, u32>,
    calls: u64,
    /// The call line whose output is being read.
    call: Option<Line>,
    /// Where the last non-blank line was, to tell an isolated kept line.
    last_nonblank: Option<u64>,
    /// The non-blank lines before and after each line (blank lines between kept
    /// lines are shown, not marked).
    before: FastMap<u64, u64>,
    after: FastMap<u64, u64>,
    candidates: Vec<Candidate>,
    /// Lines reporting a problem, each with the call its output came from and its
    /// query terms.
    problems: Vec<Problem>,
    /// Problems recorded in the conversation and outside it.
    problems_recorded: [usize; 2],
    /// Shapes of the problems seen so far: a repeat says nothing new.
    problem_shapes: FastSet<u64>,
    /// Lines holding a query anchor outside the conversation, with the anchors.
    anchored: Vec<(Line, u64)>,
    /// How many lines hold each query anchor.
    anchor_lines: Vec<u64>,
    /// First lines of user messages and of agent messages, for a view with no query:
    /// (line, exchange, message; `None` for a user message).
    leads: Vec<(Line, u32, Option<u32>)>,
}

impl ConsoleCompressor {
    pub fn new(query: &Query) -> ConsoleCompressor {
        ConsoleCompressor {
            query: query.clone(),
            bm25: Bm25::new(query),
            tf: Vec::new(),
            part: Part::Banner,
            lines: 0,
            exchanges: 0,
            messages: 0,
            last_message: FastMap::default(),
            calls: 0,
            call: None,
            last_nonblank: None,
            before: FastMap::default(),
            after: FastMap::default(),
            candidates: Vec::new(),
            problems: Vec::new(),
            problems_recorded: [0; 2],
            problem_shapes: FastSet::default(),
            anchored: Vec::new(),
            anchor_lines: vec![0; query.anchors().len().min(64)],
            leads: Vec::new(),
        }
    }

    /// How many of the anchors in `mask` identify a line: an anchor on more than a
    /// few lines (`pre-commit` in a session about pre-commit) singles nothing out.
    fn identifying(&self, mask: u64) -> f64 {
        self.anchor_lines
            .iter()
            .enumerate()
            .filter(|&(i, &lines)| mask >> i & 1 == 1 && lines <= MAX_ANCHOR_LINES)
            .count() as f64
    }

    /// Keeps `line` if it fits, counting a marker for it when no neighbour is kept.
    fn offer(&self, picker: &mut Picker, kept: &FastSet<u64>, line: Line) -> bool {
        picker.offer(line.index, self.cost_in(kept, line), None)
    }

    /// What keeping `line` costs given the lines `kept`: its tokens, plus a marker's
    /// when it stands alone between elided runs.
    fn cost_in(&self, kept: &FastSet<u64>, line: Line) -> u64 {
        let kept_at = |n: Option<&u64>| n.is_some_and(|n| kept.contains(n));
        let alone =
            !(kept_at(self.before.get(&line.index)) || kept_at(self.after.get(&line.index)));
        u64::from(line.cost) + if alone { MARKER_TOKENS } else { 0 }
    }

    /// Keeps those of `groups` that fit `budget` (a share of the whole), in order, as
    /// musts; a group (a problem and the call it came from) is kept whole or not at all.
    fn keep_first<'g>(
        &self,
        picker: &mut Picker,
        kept: &mut FastSet<u64>,
        groups: impl IntoIterator<Item = &'g [Line]>,
        budget: u64,
    ) {
        let mut used = 0;
        for group in groups {
            let mut added = Vec::new();
            let mut cost = 0;
            for &line in group {
                if kept.contains(&line.index) {
                    continue;
                }
                let line_cost = self.cost_in(kept, line);
                cost += line_cost;
                kept.insert(line.index);
                added.push((line.index, line_cost));
            }
            if used + cost > budget {
                for (index, _) in added {
                    kept.remove(&index);
                }
                continue;
            }
            used += cost;
            for (index, line_cost) in added {
                picker.must(index, line_cost, None);
            }
        }
    }

    /// Keeps conversation lines by their worth (see the module documentation), best
    /// first, re-ranking a line whose exchange gained a kept line since it was ranked.
    fn keep_ranked(&self, picker: &mut Picker, kept: &mut FastSet<u64>) {
        let mut per_exchange: FastMap<u32, u32> = FastMap::default();
        let worth = |c: &Candidate, kept_in_exchange: u32| {
            let relevance =
                self.bm25.score(&c.tf, c.len) + ANCHOR_WEIGHT * self.identifying(c.anchors);
            // The exchange's question and its outcome.
            let framing = match c.message {
                None => FRAMING_WEIGHT,
                Some(m) if self.last_message.get(&c.exchange) == Some(&m) => FRAMING_WEIGHT,
                Some(_) => 1.0,
            };
            relevance * framing * EXCHANGE_DECAY.powi(kept_in_exchange as i32)
        };
        let mut heap: BinaryHeap<Ranked> = self
            .candidates
            .iter()
            .enumerate()
            .map(|(i, c)| Ranked {
                worth: worth(c, 0),
                kept_then: 0,
                candidate: i,
                index: c.line.index,
            })
            .filter(|r| r.worth > 0.0)
            .collect();
        while let Some(top) = heap.pop() {
            let c = &self.candidates[top.candidate];
            let now = per_exchange.get(&c.exchange).copied().unwrap_or(0);
            if now != top.kept_then {
                heap.push(Ranked {
                    worth: worth(c, now),
                    kept_then: now,
                    ..top
                });
                continue;
            }
            if kept.contains(&c.line.index) {
                continue;
            }
            if !self.offer(picker, kept, c.line) {
                if picker.full() {
                    break;
                }
                continue;
            }
            kept.insert(c.line.index);
            *per_exchange.entry(c.exchange).or_insert(0) += 1;
        }
    }
}

impl Compressor for ConsoleCompressor {
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32) {
        self.lines += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let me = Line {
            index,
            cost: tokens,
        };
        let opened = opens(line);
        match opened {
            Some(Part::User) => {
                self.exchanges = self.exchanges.saturating_add(1);
                self.call = None;
            }
            Some(Part::Agent) => {
                self.messages = self.messages.saturating_add(1);
                self.call = None;
                if self.last_message.len() < MAX_CANDIDATES
                    || self.last_message.contains_key(&self.exchanges)
                {
                    self.last_message.insert(self.exchanges, self.messages);
                }
            }
            Some(Part::Call) => {
                self.calls += 1;
                self.call = Some(me);
            }
            _ => {}
        }
        if let Some(part) = opened {
            self.part = part;
        } else if !line.starts_with(b" ") && self.part != Part::Banner {
            // An unindented line that opens nothing (`✻ Thinking…`, the cost summary)
            // belongs to no message.
            self.part = Part::Banner;
        }
        if let Some(prev) = self.last_nonblank.replace(index) {
            if self.before.len() < MAX_NEIGHBOURS {
                self.before.insert(index, prev);
                self.after.insert(prev, index);
            }
        }

        let anchors = self.query.anchor_mask(line);
        for (i, lines) in self.anchor_lines.iter_mut().enumerate() {
            *lines += anchors >> i & 1;
        }
        let conversation = matches!(self.part, Part::User | Part::Agent);
        // Raw output has its own cap, so early tool errors cannot crowd out a failure
        // the user pastes later.
        let recorded = &mut self.problems_recorded[usize::from(!conversation)];
        let problem = reports_problem(line)
            && *recorded < MAX_MUST_LINES
            && self.problem_shapes.insert(shape(line));
        // Term frequencies only for lines that are ranked: most lines are tool output.
        let len = if problem || conversation {
            self.query.term_freqs(line, &mut self.tf)
        } else {
            0
        };
        if problem {
            *recorded += 1;
            self.problems.push(Problem {
                line: me,
                call: (self.part == Part::Output).then_some(self.call).flatten(),
                raw: !conversation,
                tf: self.tf.clone().into_boxed_slice(),
                len,
            });
        }
        if opened.is_some() && conversation && self.leads.len() < MAX_CANDIDATES {
            let message = (self.part == Part::Agent).then_some(self.messages);
            self.leads.push((me, self.exchanges, message));
        }
        if !conversation {
            // Only while one of its anchors may still identify lines, so an anchor on
            // every line cannot fill the slots before a rare one turns up.
            if self.identifying(anchors) > 0.0 && self.anchored.len() < MAX_MUST_LINES {
                self.anchored.push((me, anchors));
            }
            return;
        }
        if self.query.terms().is_empty() && anchors == 0 {
            return;
        }
        self.bm25.add(&self.tf, len);
        if (anchors > 0 || self.tf.iter().any(|&t| t > 0)) && self.candidates.len() < MAX_CANDIDATES
        {
            self.candidates.push(Candidate {
                line: me,
                tf: self.tf.clone().into_boxed_slice(),
                len,
                anchors,
                exchange: self.exchanges,
                message: (self.part == Part::Agent).then_some(self.messages),
            });
        }
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        let mut picker = Picker::new(ctx.budget);
        let mut kept = FastSet::default();
        let share = |s: f64| (ctx.budget as f64 * s) as u64;
        // Problems the conversation reports (an error the user pasted, the agent's
        // diagnosis) before raw tool output; then those the query speaks of; then in
        // order.
        let mut problems: Vec<(bool, f64, &Problem)> = self
            .problems
            .iter()
            .map(|p| (p.raw, self.bm25.score(&p.tf, p.len), p))
            .collect();
        problems.sort_by(|a, b| {
            (a.0.cmp(&b.0))
                .then(b.1.total_cmp(&a.1))
                .then(a.2.line.index.cmp(&b.2.line.index))
        });
        let problems: Vec<Vec<Line>> = problems
            .iter()
            .map(|(_, _, p)| p.call.into_iter().chain([p.line]).collect())
            .collect();
        let problems = problems.iter().map(Vec::as_slice);
        self.keep_first(&mut picker, &mut kept, problems, share(PROBLEM_SHARE));
        let anchored = self
            .anchored
            .iter()
            .filter(|(_, anchors)| self.identifying(*anchors) > 0.0)
            .map(|(line, _)| std::slice::from_ref(line));
        self.keep_first(&mut picker, &mut kept, anchored, share(ANCHOR_SHARE));
        if self.candidates.is_empty() {
            // No query (or nothing matches it): the user's messages and each
            // exchange's outcome, in order.
            let leads = self.leads.iter().filter(|(_, exchange, message)| {
                message.is_none() || self.last_message.get(exchange) == message.as_ref()
            });
            for &(line, _, _) in leads {
                if !kept.contains(&line.index) && self.offer(&mut picker, &kept, line) {
                    kept.insert(line.index);
                }
            }
        } else {
            self.keep_ranked(&mut picker, &mut kept);
        }
        let mut selection = picker.finish(None);
        selection.header = Some(format!(
            "[console: {} · {} · {} · {} shown]",
            count_of(self.lines, "line", "lines"),
            count_of(u64::from(self.exchanges), "user message", "user messages"),
            count_of(self.calls, "tool call", "tool calls"),
            thousands(selection.keep.len() as u64)
        ));
        selection
    }

    fn label(&self, _index: u64, _line: &[u8]) -> Option<&str> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines a console compressor fed `lines` keeps at `budget` for `query`.
    fn kept(query: &str, lines: &[String], budget: u64) -> Vec<u64> {
        let q = Query::parse(query);
        let mut c = ConsoleCompressor::new(&q);
        for (i, line) in lines.iter().enumerate() {
            let tokens = crate::tokens::estimate(line.as_bytes()) as u32;
            c.observe(i as u64, line.as_bytes(), tokens);
        }
        let selection = c.select(&Context { query: &q, budget });
        selection.keep.iter().map(|k| k.index).collect()
    }

    /// One exchange: the user's message, `work` agent lines and tool calls, and the
    /// agent's closing message.
    fn exchange(ask: &str, work: &[&str], outcome: &str) -> Vec<String> {
        let mut lines = vec![format!("> {ask}"), String::new()];
        for (i, w) in work.iter().enumerate() {
            lines.push(format!("⏺ Bash(step {i})…"));
            lines.push(format!("  ⎿  ran step {i}"));
            lines.push(String::new());
            lines.push(format!("⏺ {w}"));
            lines.push(String::new());
        }
        lines.push(format!("⏺ {outcome}"));
        lines.push(String::new());
        lines
    }

    #[test]
    fn parts_are_told_apart() {
        assert_eq!(opens(b"> fix the build"), Some(Part::User));
        assert_eq!(opens("⏺ Bash(cargo test)…".as_bytes()), Some(Part::Call));
        assert_eq!(opens("⏺ Read(src/lib.rs)".as_bytes()), Some(Part::Call));
        assert_eq!(
            opens("⏺ context7:get-library-docs (MCP)(id: \"x\")…".as_bytes()),
            Some(Part::Call)
        );
        assert_eq!(
            opens("⏺ Perfect! (It worked.)".as_bytes()),
            Some(Part::Agent)
        );
        assert_eq!(opens("⏺ The fix worked.".as_bytes()), Some(Part::Agent));
        assert_eq!(opens("  ⎿  Read 36 lines".as_bytes()), Some(Part::Output));
        assert_eq!(opens(b"  continued text"), None);
    }

    #[test]
    fn sniffs_a_console_and_not_prose_with_a_bullet() {
        let session: Vec<&[u8]> = vec![
            b"> why does the build fail?",
            "⏺ Let me look.".as_bytes(),
            "⏺ Bash(cargo build)…".as_bytes(),
            "  ⎿  error[E0425]: cannot find value `x`".as_bytes(),
            "⏺ The build fails on an undefined name.".as_bytes(),
        ];
        assert!(sniff(&session).is_some());
        let prose: Vec<&[u8]> = vec![
            "⏺ a bullet point".as_bytes(),
            b"plain text",
            "⏺ another one".as_bytes(),
            "⏺ and a third".as_bytes(),
        ];
        assert_eq!(sniff(&prose), None);
    }

    #[test]
    fn the_view_spreads_over_exchanges_and_keeps_their_outcomes() {
        // The first exchange talks about the cache at length; the second's outcome
        // mentions it once, in a longer line. A plain ranking would spend the budget on
        // the first exchange.
        let chatter: Vec<String> = (0..30)
            .map(|i| format!("the slow cache, option {i}"))
            .collect();
        let chatter: Vec<&str> = chatter.iter().map(String::as_str).collect();
        let mut lines = exchange("the cache is slow", &chatter, "Pick option 3.");
        let outcome_at = lines.len() as u64 + 2 + 5 * 2; // the user's message and a blank, then two steps of five lines
        lines.extend(exchange(
            "now deploy it",
            &["Deploying.", "Checking the logs."],
            "Deployed: requests hit the cache and the p99 latency went from 900 ms to 40 ms.",
        ));
        assert!(lines[outcome_at as usize].starts_with("⏺ Deployed"));
        let got = kept("why was the cache slow and what fixed it", &lines, 120);
        assert!(got.contains(&outcome_at), "{got:?}");
        // It still keeps the first exchange's best lines.
        assert!(got.iter().any(|&k| k < outcome_at - 20), "{got:?}");
    }

    #[test]
    fn a_pasted_error_goes_before_tool_output_errors() {
        let mut lines = Vec::new();
        for i in 0..20u8 {
            let name = char::from(b'a' + i).to_string().repeat(3);
            lines.push(format!("⏺ Bash(make {name})…"));
            lines.push(format!(
                "  ⎿  Error: make: *** No rule to make target '{name}'. Stop."
            ));
            lines.push(String::new());
        }
        lines.push("> the spec fails on my laptop:".to_string());
        lines.push("  E       AssertionError: Test book not found".to_string());
        let pasted = lines.len() as u64 - 1;
        let got = kept("", &lines, 200);
        assert!(got.contains(&pasted), "{got:?}");
        // The last tool error, which a plain order would have kept instead.
        assert!(!got.contains(&(pasted - 3)), "{got:?}");
    }

    #[test]
    fn a_call_is_kept_with_its_error_or_not_at_all() {
        let long = "x".repeat(2000);
        let lines = vec![
            "⏺ Let me build.".to_string(),
            "⏺ Bash(make)…".to_string(),
            format!("  ⎿  error: {long}"),
            "⏺ Bash(make check)…".to_string(),
            "  ⎿  error: one short failure".to_string(),
        ];
        // The first error does not fit a quarter of the budget, so its call goes too;
        // line 0 is the exchange's outcome.
        assert_eq!(kept("", &lines, 400), [0, 3, 4]);
    }

    #[test]
    fn a_rare_identifier_is_found_after_a_common_one_fills_the_output() {
        let mut lines = vec!["⏺ Checking the hooks.".to_string()];
        for i in 0..300 {
            lines.push(format!("⏺ Bash(pre-commit run hook{i})…"));
            lines.push(format!("  ⎿  pre-commit hook{i} passed"));
        }
        lines.push("  ⎿  quota refused: ERR_QUOTA_77".to_string());
        let rare = lines.len() as u64 - 1;
        let got = kept("is pre-commit failing with ERR_QUOTA_77?", &lines, 400);
        assert!(got.contains(&rare), "{got:?}");
    }

    #[test]
    fn problems_differing_only_in_digits_count_once() {
        let mut lines = Vec::new();
        for i in 0..20 {
            lines.push(format!("⏺ Bash(make target{i})…"));
            lines.push(format!(
                "  ⎿  Error: make: *** No rule to make target 'target{i}'. Stop."
            ));
            lines.push(String::new());
        }
        let got = kept("", &lines, 4000);
        assert_eq!(got, [0, 1], "{got:?}");
    }

    #[test]
    fn without_a_query_it_keeps_each_question_and_outcome() {
        let mut lines = exchange(
            "first question",
            &["working", "still working"],
            "First answer.",
        );
        lines.extend(exchange(
            "second question",
            &["more work"],
            "Second answer.",
        ));
        let got = kept("", &lines, 1000);
        let text: Vec<&str> = got.iter().map(|&k| lines[k as usize].as_str()).collect();
        assert_eq!(
            text,
            [
                "> first question",
                "⏺ First answer.",
                "> second question",
                "⏺ Second answer."
            ]
        );
    }
}
