//! Application and system logs.
//!
//! Each line is reduced to a *template*: digit-bearing words (numbers, hex ids, UUID
//! pieces, IPs, timestamps), quoted values and paths are masked, and the rest is kept.
//! Repeats of a template, adjacent or not, fold into the first occurrence with an exact
//! count. What stays in the view, in this order until the budget is spent:
//! 1. must-keep: the first line of every WARN/ERROR/FATAL template and of every
//!    template that mentions a panic or an exception, the first line for each value of
//!    their low-cardinality fields (`error state 6` ×369 hides `error state 10` ×5),
//!    lines holding the query's exact anchors, and the head of their stack traces;
//! 2. templates with problem words (`failed`, `refused`, `timed out`, …);
//! 3. the templates that best match the query (BM25 over the input's lines);
//! 4. rare templates, rarest first: rare events are what readers look for;
//! 5. one line per value of other low-cardinality fields; the last line.
//!
//! Memory is bounded by the number of templates (capped), not the number of lines.

use crate::hash::{hash_bytes, FastBuild};
use std::collections::HashMap;
use std::sync::OnceLock;

use regex::bytes::Regex;

use super::{Compressor, Context, Picker, Selection};
use crate::marker::{count_of, thousands};
use crate::relevance::{Query, QueryLines};

/// Exact templates tracked at most; lines of further new ones are still counted.
const MAX_TEMPLATES: usize = 50_000;
/// Share of informative tokens two templates must agree on to merge.
const MERGE_SIMILARITY: f64 = 0.6;
/// Templates compared with a new one, most recent first.
const MAX_MERGE_CANDIDATES: usize = 64;
/// A token position where merged templates differ.
const WILDCARD: u64 = u64::MAX;
/// Variable fields per template whose values are tracked.
const MAX_SLOTS: usize = 16;
/// A field with more distinct values than this is not "low-cardinality".
const MAX_VALUES: usize = 8;
/// A value is rare when at most 1/N of its template's lines carry it.
const RARE_VALUE_SHARE: u64 = 8;
/// Rare-value lines kept per must-keep template regardless of budget.
const MUST_VALUE_EXAMPLES: usize = 2;
/// Lines that hold the query's anchors kept regardless of budget; more are offered.
const MUST_ANCHOR_LINES: usize = 16;
/// Continuation lines (stack frames) kept under a kept head line, from the top
/// (Java names the exception first) and from the bottom (Python names it last).
const TRACE_KEEP: usize = 3;
const TRACE_TAIL: usize = 3;
/// "Caused by:" lines kept per trace, beyond the first frames.
const TRACE_CAUSES: usize = 4;
/// Distinct must-keep continuation lines remembered.
const MAX_SEVERE_CONTINUATIONS: usize = 1_000;
/// Stack traces remembered.
const MAX_TRACES: usize = 100_000;
/// Lines remembered as query candidates (their term frequencies), at most.
const MAX_QUERY_CANDIDATES: usize = 20_000;
/// Lines picked for their own query score at most…
const MAX_QUERY_LINES: usize = 12;
/// …and only while they score at least this share of the best line.
const QUERY_LINE_SHARE: f64 = 0.5;
/// Templates picked for their query score at most.
const MAX_QUERY_TEMPLATES: usize = 24;

/// A log level, normalised across formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Notice,
    Warn,
    Error,
    Fatal,
}

impl Level {
    const ALL: [Level; 7] = [
        Level::Fatal,
        Level::Error,
        Level::Warn,
        Level::Notice,
        Level::Info,
        Level::Debug,
        Level::Trace,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Notice => "NOTICE",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
            Level::Fatal => "FATAL",
        }
    }

    fn from_word(word: &[u8]) -> Option<Level> {
        let mut upper = [0u8; 12];
        if word.len() > upper.len() {
            return None;
        }
        for (u, b) in upper.iter_mut().zip(word) {
            *u = b.to_ascii_uppercase();
        }
        Some(match &upper[..word.len()] {
            b"FATAL" | b"CRITICAL" | b"CRIT" | b"EMERG" | b"EMERGENCY" | b"ALERT" | b"PANIC" => {
                Level::Fatal
            }
            b"ERROR" | b"ERR" | b"SEVERE" => Level::Error,
            b"WARN" | b"WARNING" => Level::Warn,
            b"NOTICE" => Level::Notice,
            b"INFO" | b"INFORMATION" | b"LOG" => Level::Info,
            b"DEBUG" | b"FINE" | b"FINER" => Level::Debug,
            b"TRACE" | b"VERBOSE" | b"FINEST" => Level::Trace,
            _ => return None,
        })
    }

    fn from_letter(letter: u8) -> Option<Level> {
        Some(match letter {
            b'V' => Level::Trace,
            b'D' => Level::Debug,
            b'I' => Level::Info,
            b'W' => Level::Warn,
            b'E' => Level::Error,
            b'F' | b'A' => Level::Fatal,
            _ => return None,
        })
    }
}

/// The level a line declares, looked for among its first words: `ERROR`, `[error]`,
/// `error:`, `Info`, or Android's single letter after the pid and tid. Runs on every
/// elided line, so words that cannot be a level are rejected on their first bytes.
pub fn level_of(line: &[u8]) -> Option<Level> {
    let head = &line[..line.len().min(200)];
    let mut prev_numeric = false;
    let mut i = 0;
    let mut words = 0;
    while i < head.len() && words < 12 {
        while i < head.len() && head[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < head.len() && !head[i].is_ascii_whitespace() {
            i += 1;
        }
        if start == i {
            break;
        }
        words += 1;
        let raw = &head[start..i];
        let word = trim_punct(raw);
        if word.len() == 1 && prev_numeric && words <= 8 {
            if let Some(level) = Level::from_letter(word[0]) {
                return Some(level);
            }
        }
        if (3..=11).contains(&word.len()) && word[0].is_ascii_alphabetic() {
            let bracketed = matches!(raw[0], b'[' | b'<' | b'(');
            let colon = raw[raw.len() - 1] == b':';
            let all_upper = word.iter().all(|b| b.is_ascii_uppercase());
            let rest_lower = word[1..].iter().all(|b| b.is_ascii_lowercase());
            let capitalised = word[0].is_ascii_uppercase() && rest_lower;
            let lower = word[0].is_ascii_lowercase() && rest_lower;
            if all_upper || capitalised || (lower && (bracketed || colon)) {
                if let Some(level) = Level::from_word(word) {
                    return Some(level);
                }
            }
        }
        prev_numeric = !word.is_empty() && word.iter().all(|b| b.is_ascii_digit());
    }
    None
}

fn trim_punct(w: &[u8]) -> &[u8] {
    let is_p = |b: &u8| !b.is_ascii_alphanumeric();
    let start = w.iter().position(|b| !is_p(b)).unwrap_or(w.len());
    let end = w.iter().rposition(|b| !is_p(b)).map_or(start, |e| e + 1);
    &w[start..end]
}

/// Words that make a line must-keep whatever its level.
fn severe_words() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        crate::pattern::regex(
            r"(?i)panic|exception|traceback|\bfatal\b|segfault|segmentation fault|core dumped",
        )
    })
}

/// Words that make a template worth showing before ordinary ones.
fn problem_words() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        crate::pattern::regex(
            r"(?i)error|fail|\bdenied\b|refused|timed? ?out|\babort|\bunable\b|\bcannot\b|can't|could not|not found|\binvalid\b|unexpected|\bkilled\b|corrupt|\bproblem|unreachable|\blost\b|\bbad\b|\bwarning\b|\bmissing\b",
        )
    })
}

/// A continuation line belongs to the record above it: stack frames, `Caused by:`,
/// `... 12 more`, Python's indented `File "…"` lines.
pub fn is_continuation(line: &[u8]) -> bool {
    match line.first() {
        Some(b' ' | b'\t') => line.iter().any(|b| !b.is_ascii_whitespace()),
        Some(b'C') => line.starts_with(b"Caused by"),
        _ => false,
    }
}

/// True when a line opens with a date, a time or a numeric stamp: its first
/// non-punctuation characters are digits followed by a date or time separator, or a
/// bracketed timestamp, or a syslog month name.
pub fn starts_with_time(line: &[u8]) -> bool {
    let t: &[u8] = {
        let n = line
            .iter()
            .take_while(|b| matches!(b, b'[' | b'(' | b' ' | b'-'))
            .count();
        &line[n..]
    };
    let digits = t.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits >= 2 {
        return matches!(
            t.get(digits),
            Some(b'-' | b':' | b'/' | b'.' | b' ' | b'T' | b',')
        );
    }
    MONTHS_AND_DAYS.iter().any(|m| t.starts_with(m)) && t.get(3) == Some(&b' ')
}

fn is_cause(line: &[u8]) -> bool {
    let t = trim_start(line);
    t.starts_with(b"Caused by") || t.starts_with(b"During handling") || t.starts_with(b"The above")
}

fn trim_start(line: &[u8]) -> &[u8] {
    let n = line.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &line[n..]
}

/// Month and weekday abbreviations, as dates spell them.
const MONTHS_AND_DAYS: [&[u8]; 19] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
    b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun",
];

/// `Nov`, `Mon`: parts of a date, as variable as its digits.
fn is_month_or_day(word: &[u8]) -> bool {
    word.len() == 3 && word[0].is_ascii_uppercase() && MONTHS_AND_DAYS.contains(&word)
}

const SPACE: u8 = 1;
const WORD: u8 = 2;
const DIGIT: u8 = 4;
const SEPARATOR: u8 = 8;

/// Byte classes for masking: one table look-up per byte.
const fn mask_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_whitespace() {
            SPACE
        } else if b.is_ascii_digit() {
            WORD | DIGIT
        } else if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 {
            WORD
        } else if b == b'/' || b == b'\\' {
            SEPARATOR
        } else {
            0
        };
        i += 1;
    }
    t
}

static CLASSES: [u8; 256] = mask_classes();

/// One masked value of a line: its hash, and whether it stands alone in its
/// whitespace-delimited token (`10` in `state 10`, `0x800f0805`) rather than being a
/// piece of a compound such as a timestamp, an IP address or a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Masked {
    pub hash: u64,
    pub simple: bool,
}

/// Reduces lines to templates. A masked value is a word (letters, digits, `_`) that
/// holds a digit, a double-quoted string, or a whitespace-delimited token with two or
/// more path separators; whitespace runs count as one space. Buffers are reused from
/// line to line.
#[derive(Debug, Default)]
pub struct Masker {
    template: Vec<u8>,
    slots: Vec<Masked>,
}

impl Masker {
    /// The template hash of `line`; its masked values are then in [`Masker::slots`].
    pub fn mask(&mut self, line: &[u8]) -> u64 {
        self.template.clear();
        self.slots.clear();
        let n = line.len();
        let mut i = 0;
        // Literal bytes are copied lazily, in one piece, when a substitution
        // interrupts them: `pending` is where the uncopied literal run starts.
        let mut pending = 0usize;
        // Where the current whitespace-delimited token began, in the line, the
        // (logical) template and the slots, and how many path separators it holds.
        let mut token = (0usize, 0usize, 0usize);
        let mut separators = 0usize;
        while i < n {
            let class = CLASSES[line[i] as usize];
            if class & SPACE != 0 {
                self.flush(line, &mut pending, i);
                self.end_token(line, i, token, separators);
                let start = i;
                while i < n && CLASSES[line[i] as usize] & SPACE != 0 {
                    i += 1;
                }
                if i - start == 1 && line[start] == b' ' {
                    pending = start;
                } else {
                    self.template.push(b' ');
                    pending = i;
                }
                token = (i, self.template.len() + (i - pending), self.slots.len());
                separators = 0;
            } else if class & WORD != 0 {
                let start = i;
                let mut seen = 0u8;
                while i < n && CLASSES[line[i] as usize] & WORD != 0 {
                    seen |= CLASSES[line[i] as usize];
                    i += 1;
                }
                if seen & DIGIT != 0 || is_month_or_day(&line[start..i]) {
                    self.flush(line, &mut pending, start);
                    self.push_value(&line[start..i], 3);
                    self.template.push(b'#');
                    pending = i;
                }
            } else if line[i] == b'"' {
                let window = &line[i + 1..n.min(i + 257)];
                match memchr::memchr(b'"', window) {
                    Some(len) => {
                        self.flush(line, &mut pending, i);
                        self.push_value(&window[..len], 2);
                        self.template.extend_from_slice(b"\"*\"");
                        i += len + 2;
                        pending = i;
                    }
                    None => i += 1,
                }
            } else {
                separators += usize::from(class & SEPARATOR != 0);
                i += 1;
            }
        }
        self.flush(line, &mut pending, n);
        self.end_token(line, n, token, separators);
        hash_bytes(&self.template, 0)
    }

    /// Copies the pending literal run `line[*pending..to]` into the template.
    fn flush(&mut self, line: &[u8], pending: &mut usize, to: usize) {
        if *pending < to {
            self.template.extend_from_slice(&line[*pending..to]);
        }
        *pending = to;
    }

    /// The masked values of the last line, in order.
    pub fn slots(&self) -> &[Masked] {
        &self.slots
    }

    /// The last line's template as token hashes, split at spaces; the low bit says
    /// whether the token is informative (holds a letter and is not a masked path).
    pub fn tokens(&self) -> Vec<u64> {
        self.template
            .split(|&b| b == b' ')
            .filter(|t| !t.is_empty())
            .map(token_hash)
            .collect()
    }

    /// Calls `f(position, hash)` for the tokens of the last line at `positions`
    /// (sorted), hashing nothing else: merged templates only need the words where
    /// they differ.
    pub fn each_token_at(&self, positions: &[usize], mut f: impl FnMut(usize, u64)) {
        let mut wanted = positions.iter().peekable();
        for (position, token) in self
            .template
            .split(|&b| b == b' ')
            .filter(|t| !t.is_empty())
            .enumerate()
        {
            let Some(&&next) = wanted.peek() else { return };
            if position == next {
                f(position, token_hash(token));
                wanted.next();
            }
        }
    }

    fn push_value(&mut self, value: &[u8], seed: u64) {
        self.slots.push(Masked {
            hash: hash_bytes(value, seed),
            simple: false,
        });
    }

    /// At the end of a token: a path becomes one value (rolling back what the token
    /// added), and a token with exactly one value marks it as simple.
    fn end_token(
        &mut self,
        line: &[u8],
        end: usize,
        token: (usize, usize, usize),
        separators: usize,
    ) {
        let (start, template_at, slots_at) = token;
        if separators >= 2 && end - start > 3 {
            self.template.truncate(template_at);
            self.slots.truncate(slots_at);
            self.push_value(&line[start..end], 1);
            self.template.extend_from_slice(b"<path>");
        } else if self.slots.len() == slots_at + 1 {
            self.slots[slots_at].simple = true;
        }
    }
}

/// A token's hash with its kind in the low bit (see [`informative`]).
fn token_hash(token: &[u8]) -> u64 {
    let word = token.iter().any(u8::is_ascii_alphabetic) && token != b"<path>";
    (hash_bytes(token, 4) & !1) | u64::from(word)
}

/// How alike two templates of the same length are: the share of informative
/// positions (a word, not just masks and punctuation) where they agree, a wildcard
/// agreeing with anything. Timestamps and other masked prefixes count for nothing, so
/// a shared log prefix does not make two different messages alike; at least one
/// informative word must match exactly.
fn similarity(template: &[u64], tokens: &[u64]) -> f64 {
    let (mut considered, mut equal, mut exact) = (0u32, 0u32, 0u32);
    for (&a, &b) in template.iter().zip(tokens) {
        if !informative(a) && !informative(b) {
            continue;
        }
        considered += 1;
        if a == WILDCARD {
            equal += 1;
        } else if a == b {
            equal += 1;
            exact += 1;
        }
    }
    if considered == 0 || exact == 0 {
        return 0.0;
    }
    f64::from(equal) / f64::from(considered)
}

/// Token hashes carry their kind in the low bit: 1 for a token with a letter.
fn informative(token: u64) -> bool {
    token & 1 == 1
}

/// One distinct value of a variable field, with where it first appeared.
#[derive(Debug, Clone, Copy)]
struct Value {
    hash: u64,
    first: u64,
    count: u64,
    cost: u32,
}

/// The values seen in one variable field of a template, until there are too many.
#[derive(Debug, Clone, Default)]
struct Slot {
    values: Vec<Value>,
    overflow: bool,
}

impl Slot {
    /// Counts one occurrence of `value`, first seen at line `index` if new.
    fn count(&mut self, value: u64, index: u64, cost: u32) {
        if self.overflow {
            return;
        }
        if let Some(v) = self.values.iter_mut().find(|v| v.hash == value) {
            v.count += 1;
        } else if self.values.len() < MAX_VALUES {
            self.values.push(Value {
                hash: value,
                first: index,
                count: 1,
                cost,
            });
        } else {
            self.overflow = true;
            self.values = Vec::new();
        }
    }
}

#[derive(Debug, Clone)]
struct Template {
    first: u64,
    /// The exact (masked) template of the first line; only its lines feed `slots`,
    /// since merged templates may place their values differently.
    exact: u64,
    /// The template's tokens (see [`Masker::tokens`]), [`WILDCARD`] where merged
    /// templates differ.
    tokens: Vec<u64>,
    /// The positions of the wildcards in `tokens`, in order.
    wildcards: Vec<usize>,
    count: u64,
    cost: u32,
    level: Option<Level>,
    severe: bool,
    problem: bool,
    /// Query term frequencies and length of the first line, when it has any term.
    query_tf: Option<(Box<[u32]>, u32)>,
    slots: Vec<Slot>,
    /// Values of the words where merged templates differ, by token position, while
    /// they are few: each is a different wording (`connect through proxy` /
    /// `connect to proxy`) whose first line is worth showing; a position with many
    /// values (a host name) overflows and is ignored.
    words: Vec<(usize, Slot)>,
}

impl Template {
    fn must_keep(&self) -> bool {
        self.severe || self.level.is_some_and(|l| l >= Level::Warn)
    }

    /// First lines of the other wordings merged into this template, while few.
    fn variant_examples(&self) -> impl Iterator<Item = &Value> {
        self.words.iter().flat_map(|(_, slot)| &slot.values)
    }

    /// First lines of the values of low-cardinality fields, rarest first.
    fn value_examples(&self) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        if self.count < 3 {
            return out;
        }
        for slot in &self.slots {
            if slot.overflow || slot.values.len() < 2 {
                continue;
            }
            for v in &slot.values {
                if v.first != self.first && !out.iter().any(|o| o.first == v.first) {
                    out.push(*v);
                }
            }
        }
        out.sort_by_key(|v| (v.count, v.first));
        out
    }
}

/// A record with continuation lines (a stack trace, a multi-line message).
#[derive(Debug, Clone)]
struct Trace {
    head: u64,
    /// (index, cost) of the first continuation lines and of its "Caused by" lines.
    shown: Vec<(u64, u32)>,
    /// (index, cost) of the last continuation lines seen, oldest first.
    tail: Vec<(u64, u32)>,
}

/// The log compressor; see the module documentation.
pub struct LogCompressor {
    query: Query,
    /// Records start with a timestamp (decided on the input's first block).
    stamped: bool,
    templates: Vec<Template>,
    /// Exact template hash → template; the keys are hashes already.
    by_hash: HashMap<u64, usize, FastBuild>,
    /// Templates by (token count, level), the candidates for merging.
    groups: HashMap<(usize, Option<Level>), Vec<usize>>,
    untracked: u64,
    /// Lines per level, indexed by `Level as usize`.
    levels: [u64; 7],
    lines: u64,
    continuation_lines: u64,
    traces: Vec<Trace>,
    current_head: Option<(u64, usize)>,
    first_time: Option<String>,
    last_line_head: Vec<u8>,
    first_cost: u32,
    last_cost: u32,
    anchor_lines: Vec<(u64, u32)>,
    /// Continuation lines that are must-keep on their own, and their templates.
    severe_continuations: Vec<(u64, u32)>,
    severe_seen: std::collections::HashSet<u64, FastBuild>,
    /// Lines with a query word, and the BM25 statistics over every line.
    query_lines: QueryLines,
    anchor_total: u64,
    masker: Masker,
}

impl LogCompressor {
    /// A compressor for a log whose first block is `head`.
    pub fn new(query: &Query, head: &[u8]) -> LogCompressor {
        LogCompressor {
            query: query.clone(),
            stamped: mostly_stamped(head),
            templates: Vec::new(),
            by_hash: HashMap::default(),
            groups: HashMap::new(),
            untracked: 0,
            levels: [0; 7],
            lines: 0,
            continuation_lines: 0,
            traces: Vec::new(),
            current_head: None,
            first_time: None,
            last_line_head: Vec::new(),
            first_cost: 0,
            last_cost: 0,
            anchor_lines: Vec::new(),
            severe_continuations: Vec::new(),
            severe_seen: Default::default(),
            query_lines: QueryLines::new(query, MAX_QUERY_CANDIDATES),
            anchor_total: 0,
            masker: Masker::default(),
        }
    }

    fn observe_continuation(&mut self, index: u64, line: &[u8], cost: u32) {
        self.continuation_lines += 1;
        // A panic or an ERROR line that arrives without the log's timestamp (stderr
        // interleaved with the log) is must-keep on its own, once per template.
        let level = level_of(line);
        if self.severe_continuations.len() < MAX_SEVERE_CONTINUATIONS
            && (level.is_some_and(|l| l >= Level::Warn) || severe_words().is_match(line))
            && self.severe_seen.insert(self.masker.mask(line))
        {
            self.severe_continuations.push((index, cost));
        }
        if let Some(level) = level {
            self.levels[level as usize] += 1;
        }
        let Some((head, seen)) = self.current_head.as_mut() else {
            return;
        };
        *seen += 1;
        let first = *seen <= TRACE_KEEP;
        let head = *head;
        if self.traces.last().map(|t| t.head) != Some(head) {
            if self.traces.len() >= MAX_TRACES {
                return;
            }
            self.traces.push(Trace {
                head,
                shown: Vec::new(),
                tail: Vec::new(),
            });
        }
        let trace = self.traces.last_mut().expect("just pushed");
        if (first || is_cause(line)) && trace.shown.len() < TRACE_KEEP + TRACE_CAUSES {
            trace.shown.push((index, cost));
        } else {
            if trace.tail.len() == TRACE_TAIL {
                trace.tail.remove(0);
            }
            trace.tail.push((index, cost));
        }
    }

    /// A line whose exact template is new: it joins the most similar template of
    /// the same length, level and kind (Drain's idea: positions where they differ
    /// become wildcards), or starts a template of its own.
    fn new_template(&mut self, hash: u64, index: u64, line: &[u8], cost: u32) -> usize {
        let tokens = self.masker.tokens();
        let level = level_of(line);
        let severe = severe_words().is_match(line);
        let problem = problem_words().is_match(line);
        let must_keep = severe || level.is_some_and(|l| l >= Level::Warn);
        let group = self.groups.entry((tokens.len(), level)).or_default();
        // Every distinct wording of a must-keep line stays visible: those never merge.
        let best = group
            .iter()
            .rev()
            .take(MAX_MERGE_CANDIDATES)
            .filter(|&&id| {
                let t = &self.templates[id];
                !must_keep && t.severe == severe && t.problem == problem
            })
            .map(|&id| (similarity(&self.templates[id].tokens, &tokens), id))
            .filter(|&(sim, _)| sim >= MERGE_SIMILARITY)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        if let Some((_, id)) = best {
            let t = &mut self.templates[id];
            for (position, (mine, theirs)) in t.tokens.iter_mut().zip(&tokens).enumerate() {
                if mine != theirs && *mine != WILDCARD {
                    *mine = WILDCARD;
                    t.wildcards.push(position);
                }
            }
            t.wildcards.sort_unstable();
            self.by_hash.insert(hash, id);
            return id;
        }
        // `observe` has just counted this line's query terms.
        let query_tf = self.query_lines.last_line();
        let id = self.templates.len();
        group.push(id);
        self.templates.push(Template {
            first: index,
            exact: hash,
            tokens,
            wildcards: Vec::new(),
            count: 0,
            cost,
            level,
            severe,
            problem,
            query_tf,
            slots: Vec::new(),
            words: Vec::new(),
        });
        self.by_hash.insert(hash, id);
        id
    }

    /// True when `line` continues the record above it: an indented or `Caused by`
    /// line anywhere, and in a log whose records start with a timestamp, any line
    /// that does not (Java's exception line, Python's `Traceback`, a blank line).
    fn continues_record(&self, line: &[u8]) -> bool {
        is_continuation(line) || (self.stamped && !starts_with_time(line))
    }

    fn observe_template(&mut self, index: u64, line: &[u8], cost: u32) {
        let hash = self.masker.mask(line);
        let id = match self.by_hash.get(&hash) {
            Some(&id) => id,
            None if self.by_hash.len() < MAX_TEMPLATES => {
                self.new_template(hash, index, line, cost)
            }
            None => {
                self.untracked += 1;
                if let Some(level) = level_of(line) {
                    self.levels[level as usize] += 1;
                }
                return;
            }
        };
        let t = &mut self.templates[id];
        t.count += 1;
        if let Some(level) = t.level {
            self.levels[level as usize] += 1;
        }
        if t.exact != hash {
            let words = &mut t.words;
            self.masker.each_token_at(&t.wildcards, |position, value| {
                match words.iter().position(|(p, _)| *p == position) {
                    Some(k) => words[k].1.count(value, index, cost),
                    None if words.len() < MAX_SLOTS => {
                        let mut slot = Slot::default();
                        slot.count(value, index, cost);
                        words.push((position, slot));
                    }
                    None => {}
                }
            });
            self.current_head = Some((index, 0));
            return;
        }
        let n_slots = self.masker.slots().len().min(MAX_SLOTS);
        if t.slots.len() < n_slots {
            t.slots.resize(n_slots, Slot::default());
        }
        for (slot, value) in t.slots.iter_mut().zip(self.masker.slots()) {
            if value.simple {
                slot.count(value.hash, index, cost);
            }
        }
        self.current_head = Some((index, 0));
    }

    fn header(&self, shown: usize, over_budget: bool) -> String {
        let mut parts = vec![format!("{}", count_of(self.lines, "line", "lines"))];
        if let Some(first) = &self.first_time {
            if let Some(last) = find_time(&self.last_line_head) {
                parts.push(if *first == last {
                    first.clone()
                } else {
                    format!("{first} → {last}")
                });
            }
        }
        let levels: Vec<String> = Level::ALL
            .iter()
            .filter(|&&l| self.levels[l as usize] > 0)
            .map(|&l| format!("{} {}", thousands(self.levels[l as usize]), l.label()))
            .collect();
        if !levels.is_empty() {
            parts.push(levels.join(", "));
        }
        parts.push(count_of(
            self.templates.len() as u64 + u64::from(self.untracked > 0),
            "template",
            "templates",
        ));
        parts.push(format!("{} shown", thousands(shown as u64)));
        if over_budget {
            parts.push("over budget: must-keep lines".to_string());
        }
        format!("[log: {}]", parts.join(" · "))
    }
}

impl Compressor for LogCompressor {
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32) {
        self.lines += 1;
        let cost = tokens + 1;
        self.query_lines.observe(&self.query, index, cost, line);
        if !self.query.anchors().is_empty() && self.query.anchor_hits(line) > 0 {
            self.anchor_total += 1;
            if self.anchor_lines.len() < 4 * MUST_ANCHOR_LINES {
                self.anchor_lines.push((index, cost));
            }
        }
        if index == 0 {
            self.first_cost = cost;
        }
        if self.first_time.is_none() {
            self.first_time = find_time(line);
        }
        self.last_line_head.clear();
        self.last_line_head
            .extend_from_slice(&line[..line.len().min(120)]);
        self.last_cost = cost;
        if self.continues_record(line) {
            self.observe_continuation(index, line, cost);
        } else {
            self.observe_template(index, line, cost);
        }
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        let mut picker = Picker::new(ctx.budget);
        let note =
            |t: &Template| (t.count > 1).then(|| format!("[×{} similar]", thousands(t.count)));

        // 1. Must-keep.
        for t in self.templates.iter().filter(|t| t.must_keep()) {
            picker.must(t.first, u64::from(t.cost), note(t));
            for v in t.variant_examples() {
                picker.must(v.first, u64::from(v.cost), None);
            }
            let rare = t
                .value_examples()
                .into_iter()
                .filter(|v| v.count * RARE_VALUE_SHARE <= t.count)
                .take(MUST_VALUE_EXAMPLES);
            for v in rare {
                picker.must(v.first, u64::from(v.cost), None);
            }
        }
        for &(index, cost) in self.anchor_lines.iter().take(MUST_ANCHOR_LINES) {
            picker.must(index, u64::from(cost), None);
        }
        for &(index, cost) in &self.severe_continuations {
            picker.must(index, u64::from(cost), None);
        }

        // Lines that best match the query's words, wherever their words sit.
        for (index, cost) in self.query_lines.best(MAX_QUERY_LINES, QUERY_LINE_SHARE) {
            picker.offer(index, u64::from(cost), None);
        }

        // The first and the last line frame the story.
        if self.lines > 0 {
            picker.offer(0, u64::from(self.first_cost), None);
            picker.offer(self.lines - 1, u64::from(self.last_cost), None);
        }

        // 2. Problem words; 3. query matches; 4. rare templates.
        let mut order: Vec<usize> = (0..self.templates.len())
            .filter(|&i| self.templates[i].problem && !self.templates[i].must_keep())
            .collect();
        order.sort_by_key(|&i| (self.templates[i].count, self.templates[i].first));
        let mut scored: Vec<(f64, usize)> = self
            .templates
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                t.query_tf
                    .as_ref()
                    .map(|(tf, len)| (self.query_lines.bm25().score(tf, *len), i))
            })
            .filter(|(s, _)| *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        order.extend(scored.iter().take(MAX_QUERY_TEMPLATES).map(|&(_, i)| i));
        let mut rare: Vec<usize> = (0..self.templates.len()).collect();
        rare.sort_by_key(|&i| (self.templates[i].count, self.templates[i].first));
        order.extend(rare);
        for &i in &order {
            let t = &self.templates[i];
            picker.offer(t.first, u64::from(t.cost), note(t));
            if t.problem {
                for v in t.variant_examples() {
                    picker.offer(v.first, u64::from(v.cost), None);
                }
            }
            if picker.full() {
                break;
            }
        }
        for &(index, cost) in self.anchor_lines.iter().skip(MUST_ANCHOR_LINES) {
            picker.offer(index, u64::from(cost), None);
        }

        // 5. Values of low-cardinality fields.
        if !picker.full() {
            let mut examples: Vec<Value> = self
                .templates
                .iter()
                .flat_map(|t| {
                    t.value_examples()
                        .into_iter()
                        .chain(t.variant_examples().copied())
                })
                .collect();
            examples.sort_by_key(|v| (v.count, v.first));
            for v in examples {
                if !picker.offer(v.first, u64::from(v.cost), None) {
                    break;
                }
            }
        }
        // Stack traces under kept heads: the first frames and the causes.
        for trace in &self.traces {
            if picker.contains(trace.head) {
                for &(index, cost) in trace.shown.iter().chain(&trace.tail) {
                    picker.must(index, u64::from(cost), None);
                }
            }
        }
        let over = picker.over_budget();
        let mut selection = picker.finish(None);
        selection.header = Some(self.header(selection.keep.len(), over));
        selection
    }

    fn label(&self, _index: u64, line: &[u8]) -> Option<&'static str> {
        if self.continues_record(line) {
            return Some(level_of(line).map_or("trace", Level::label));
        }
        if self.levels.iter().all(|&n| n == 0) {
            return None;
        }
        level_of(line).map(Level::label)
    }
}

/// Share of a first block's lines that must start with a timestamp for unstamped
/// lines to count as continuations.
const STAMPED_SHARE: f64 = 0.8;

/// True when most lines of `head` (indented ones aside) start with a timestamp.
fn mostly_stamped(head: &[u8]) -> bool {
    let (mut lines, mut stamped) = (0usize, 0usize);
    for line in head
        .split(|&b| b == b'\n')
        .filter(|l| !is_continuation(l))
        .take(200)
    {
        lines += 1;
        stamped += usize::from(starts_with_time(line));
    }
    lines >= 5 && stamped as f64 >= STAMPED_SHARE * lines as f64
}

/// The timestamp a line starts with, in the common log formats.
fn find_time(line: &[u8]) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        crate::pattern::regex(
            r"(?x)
            \d{4}-\d{2}-\d{2}[\x20T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?  # ISO 8601
            | \d{4}/\d{1,2}/\d{1,2}[\x20:]\d{2}:\d{2}:\d{2}                             # 2016/9/27 20:30:31
            | [A-Z][a-z]{2}\ [A-Z][a-z]{2}\ +\d{1,2}\ \d{2}:\d{2}:\d{2}\ \d{4}        # Sun Dec 04 04:47:44 2005
            | \d{2}-\d{2}\ \d{2}:\d{2}:\d{2}\.\d+                                    # Android 03-17 16:13:38.811
            | [A-Z][a-z]{2}\ +\d{1,2}\ \d{2}:\d{2}:\d{2}                             # syslog Nov  9 12:01:01
            | \d{1,2}\.\d{1,2}\ \d{2}:\d{2}:\d{2}                                    # Proxifier 10.30 16:49:06
            ",
        )
    });
    let head = &line[..line.len().min(80)];
    re.find(head)
        .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(line: &str) -> u64 {
        Masker::default().mask(line.as_bytes())
    }

    fn slots(line: &str) -> Vec<Masked> {
        let mut m = Masker::default();
        m.mask(line.as_bytes());
        m.slots().to_vec()
    }

    #[test]
    fn numbers_ids_and_paths_are_masked() {
        assert_eq!(
            template("2015-10-18 18:01:47,978 INFO [main] Created attempt_1445_0020 at /tmp/a/b"),
            template("2015-10-19 09:11:02,001 INFO [main] Created attempt_9999_0001 at /var/x/y")
        );
        assert_ne!(
            template("INFO Created attempt_1 ok"),
            template("INFO Deleted attempt_1 ok")
        );
        assert_eq!(template("tag=\"View Lock\" x"), template("tag=\"Other\" x"));
    }

    #[test]
    fn similar_templates_merge_but_different_messages_do_not() {
        let lines: Vec<String> = [
            "2026-05-09 07:29:12 status unpacked libgpg-dev:amd64 1.46-1",
            "2026-05-09 07:29:12 status unpacked libssl-dev:amd64 3.0.19-1",
            "2026-05-09 07:29:13 status unpacked zlib-dev:amd64 1.2.13",
            "2026-05-09 07:29:13 status installed libssl-dev:amd64 3.0.19-1",
            "2026-05-09 07:29:14 connection refused by upstream proxy",
            "2026-05-09 07:29:14 connection accepted by upstream proxy",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let q = Query::default();
        let mut c = LogCompressor::new(&q, b"");
        for (i, l) in lines.iter().enumerate() {
            c.observe(i as u64, l.as_bytes(), 10);
        }
        let counts: Vec<u64> = c.templates.iter().map(|t| t.count).collect();
        assert_eq!(
            counts,
            [4, 1, 1],
            "unpacked and installed merge; refused stays apart"
        );
    }

    #[test]
    fn values_of_masked_fields_are_reported() {
        let a = slots("mod_jk child workerEnv in error state 6");
        let b = slots("mod_jk child workerEnv in error state 10");
        assert_eq!(a.len(), 1);
        assert!(a[0].simple);
        assert_ne!(a, b);
        let a = slots("2015-07-29 19:04:29,071 at /10.1.2.3:88 pid 42");
        let simple: Vec<bool> = a.iter().map(|m| m.simple).collect();
        assert_eq!(simple.iter().filter(|&&s| s).count(), 1);
        assert_eq!(simple.last(), Some(&true));
    }

    #[test]
    fn levels_across_formats() {
        let cases: [(&str, Option<Level>); 8] = [
            ("2015-10-18 18:01:47,978 ERROR [main] x", Some(Level::Error)),
            (
                "[Sun Dec 04 04:47:44 2005] [error] mod_jk",
                Some(Level::Error),
            ),
            (
                "03-17 16:13:38.811  1702  2395 D WindowManager: x",
                Some(Level::Debug),
            ),
            (
                "03-17 16:13:38.811  1702  2395 E ActivityManager: x",
                Some(Level::Error),
            ),
            (
                "2016-09-28 04:30:30, Info                  CBS    Loaded",
                Some(Level::Info),
            ),
            (
                "Nov 9 12:01:01 tbird sshd[1761]: error: Bind to port 22",
                Some(Level::Error),
            ),
            (
                "2015-07-29 17:41:44,747 - WARN  [Send] - x",
                Some(Level::Warn),
            ),
            ("the info we need is an error in the text", None),
        ];
        for (line, want) in cases {
            assert_eq!(level_of(line.as_bytes()), want, "{line}");
        }
    }

    #[test]
    fn timestamps_are_found() {
        assert_eq!(
            find_time(b"2015-10-18 18:01:47,978 INFO x").as_deref(),
            Some("2015-10-18 18:01:47,978")
        );
        assert_eq!(
            find_time(b"[Sun Dec 04 04:47:44 2005] [notice] x").as_deref(),
            Some("Sun Dec 04 04:47:44 2005")
        );
        assert_eq!(find_time(b"no time here"), None);
    }

    fn run(lines: &[String], budget: u64, query: &str) -> Selection {
        let q = Query::parse(query);
        let head: Vec<u8> = lines
            .iter()
            .take(200)
            .flat_map(|l| [l.as_bytes(), b"\n"].concat())
            .collect();
        let mut c = LogCompressor::new(&q, &head);
        for (i, l) in lines.iter().enumerate() {
            c.observe(
                i as u64,
                l.as_bytes(),
                crate::tokens::estimate(l.as_bytes()) as u32,
            );
        }
        c.select(&Context { query: &q, budget })
    }

    #[test]
    fn buried_errors_are_kept_and_repeats_fold() {
        let mut lines: Vec<String> = (0..5000)
            .map(|i| {
                format!(
                    "2024-01-01 00:00:{:02} INFO worker {i} finished job {}",
                    i % 60,
                    i * 7
                )
            })
            .collect();
        lines[1234] = "2024-01-01 00:20:34 ERROR disk /dev/sda1 is full".into();
        lines[4321] = "2024-01-01 01:12:01 WARN retrying upload 3".into();
        let s = run(&lines, 200, "");
        let kept: Vec<u64> = s.keep.iter().map(|k| k.index).collect();
        assert!(kept.contains(&1234) && kept.contains(&4321), "{kept:?}");
        assert!(kept.contains(&0));
        assert!(kept.len() < 40, "{}", kept.len());
        let first = s.keep.iter().find(|k| k.index == 0).unwrap();
        assert_eq!(first.note.as_deref(), Some("[×4,998 similar]"));
        let header = s.header.unwrap();
        assert!(
            header.contains("4,998 INFO, 1 WARN, 1 ERROR")
                || header.contains("1 ERROR, 1 WARN, 4,998 INFO"),
            "{header}"
        );
    }

    #[test]
    fn rare_values_of_a_field_are_shown() {
        let mut lines: Vec<String> = (0..400)
            .map(|i| format!("[t{i}] [error] mod_jk child workerEnv in error state 6"))
            .collect();
        lines[300] = "[t300] [error] mod_jk child workerEnv in error state 10".into();
        let s = run(&lines, 10_000, "");
        assert!(s.keep.iter().any(|k| k.index == 300));
    }

    #[test]
    fn stack_traces_are_trimmed_under_their_head() {
        let mut lines = vec!["2024-01-01 ERROR boom".to_string()];
        lines.extend((0..50).map(|i| format!("\tat com.example.Foo.bar{i}(Foo.java:{i})")));
        lines.push("Caused by: java.io.IOException: disk".into());
        lines.extend((0..20).map(|i| format!("\tat com.example.Baz.q{i}(Baz.java:{i})")));
        lines.push("2024-01-01 INFO done".into());
        let s = run(&lines, 100, "");
        let kept: Vec<u64> = s.keep.iter().map(|k| k.index).collect();
        assert!(kept.starts_with(&[0, 1, 2, 3]), "{kept:?}");
        assert!(kept.contains(&51), "Caused by kept: {kept:?}");
        assert!(!kept.contains(&10));
    }

    #[test]
    fn unstamped_panics_in_a_stamped_log_are_kept() {
        let mut lines: Vec<String> = (0..3000)
            .map(|i| format!("2024-01-01 12:00:{:02} INFO served request {i}", i % 60))
            .collect();
        lines.insert(1500, "thread 'worker-3' panicked at src/db.rs:42:9:".into());
        lines.insert(1501, "Error: database unavailable".into());
        let s = run(&lines, 100, "");
        let kept: Vec<u64> = s.keep.iter().map(|k| k.index).collect();
        assert!(kept.contains(&1500) && kept.contains(&1501), "{kept:?}");
    }

    #[test]
    fn distinct_error_wordings_are_never_merged_away() {
        let words = [
            "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
            "lambda", "mu",
        ];
        let mut lines: Vec<String> = (0..2000)
            .map(|i| format!("2024-01-01 INFO tick {i}"))
            .collect();
        for (k, w) in words.iter().enumerate() {
            lines[100 + k * 100] =
                format!("2024-01-01 ERROR failed to open config {w} permission denied");
        }
        let s = run(&lines, 100, "");
        let kept: Vec<u64> = s.keep.iter().map(|k| k.index).collect();
        for k in 0..words.len() {
            assert!(
                kept.contains(&(100 + k as u64 * 100)),
                "wording {k} missing: {kept:?}"
            );
        }
    }

    #[test]
    fn query_anchors_are_kept() {
        let lines: Vec<String> = (0..3000)
            .map(|i| format!("INFO block blk_{i} stored on node {}", i % 7))
            .collect();
        let s = run(&lines, 50, "what happened to blk_2718?");
        assert!(s.keep.iter().any(|k| k.index == 2718));
    }
}
