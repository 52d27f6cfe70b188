//! Which items of a long array (or members of a very large object) a lossy view
//! keeps, in priority order.
//!
//! Every item is flattened into its scalar fields (`conclusion`, `actor.login`,
//! `labels[].name`, down to a few levels), and the fields' statistics over all the
//! items point at the ones a reader needs:
//! - the first and the last item (anchors: what the array looks like, where it ends);
//! - items matching the query: exact identifiers, numbers, paths and quoted strings,
//!   and words by BM25 with document frequencies counted over the items;
//! - items with an error-like status (`"conclusion":"failure"`, `"status":422`) or
//!   error words in a short string value;
//! - rare values of categorical fields (the one `"language":"JavaScript"` among
//!   Python repositories), rarest first;
//! - the largest values of numeric fields the query names;
//! - numeric outliers (more than 2σ from the field's mean) and change points (where
//!   a numeric series shifts its level).
//!
//! A signal that fires for many items says nothing about any one of them, so errors
//! and rare values only count while they are a minority.

use crate::hash::{FastMap, FastSet};
use std::sync::OnceLock;

use memchr::memmem;
use regex::Regex;

use crate::json::{Kind, Node};
use crate::relevance::{Bm25, Query};

/// Fields are collected down to this many levels inside an item.
const FIELD_DEPTH: usize = 3;
/// A field with more distinct values than this is not categorical.
const MAX_DISTINCT: usize = 64;
/// A value held by at most this share of the items (and at least by one) is rare.
const RARE_SHARE: f64 = 0.1;
/// Items remembered per value, for rare values.
const RARE_EXAMPLES: usize = 4;
/// Must-keep items per signal, at most.
const MAX_QUERY: usize = 12;
const MAX_ERRORS: usize = 16;
const MAX_RARE_MUST: usize = 16;
/// A value held by at most one item in this many (and at least by one) is kept
/// whatever the budget.
const RARE_MUST_PER: usize = 50;
/// Items kept for each numeric field the query names, largest values first.
const NAMED_TOP: usize = 3;
/// Errors are a signal while at most this share of the items has one.
const ERROR_SHARE: f64 = 0.25;
/// A numeric value this many standard deviations from its field's mean is an outlier.
const OUTLIER_SIGMAS: f64 = 2.0;
/// Outliers and change points kept per field, at most.
const PER_FIELD: usize = 4;
/// String values longer than this are text, not a status; their words are not
/// error signals.
const SHORT_STRING: usize = 200;
/// Weight of one exact query anchor against BM25 scores.
const ANCHOR_WEIGHT: f64 = 10.0;
/// Items with a query hit remembered for scoring, at most.
const MAX_QUERY_CANDIDATES: usize = 50_000;
/// Fields tracked, at most (items with ever new keys would grow without bound).
const MAX_FIELDS: usize = 4096;
/// Numbers remembered per field for outliers and change points, at most.
const MAX_NUMBERS: usize = 1 << 20;

/// One item to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    pub index: usize,
    /// Kept whatever the budget says.
    pub must: bool,
}

/// An item to rank: an array element, or an object member with its key.
pub struct Item<'n, 'a> {
    pub key: Option<&'a str>,
    pub node: &'n Node<'a>,
}

/// The items worth keeping, best first, each index once.
pub fn rank(items: &[Item], query: &Query) -> Vec<Pick> {
    let mut ranker = Ranker::new(query);
    for item in items {
        ranker.add(item);
    }
    ranker.finish()
}

/// Ranks items seen one at a time (the items of a JSON Lines stream), holding only
/// their statistics: memory is bounded by the caps below, not by the item count.
pub struct Ranker {
    query: Query,
    stats: Stats,
    ids: FieldIds,
    scores: QueryScores,
}

impl Ranker {
    pub fn new(query: &Query) -> Ranker {
        Ranker {
            query: query.clone(),
            stats: Stats::default(),
            ids: FieldIds::default(),
            scores: QueryScores::new(query),
        }
    }

    /// Sees the next item.
    pub fn add(&mut self, item: &Item) {
        let i = self.stats.n;
        self.stats.n += 1;
        let mut error = false;
        self.stats
            .walk(item.node, u32::MAX, i, 0, &mut self.ids, &mut error);
        if error {
            self.stats.error_count += 1;
            if self.stats.errors.len() < MAX_ERRORS {
                self.stats.errors.push(i);
            }
        }
        self.scores.add(i, item, &self.query);
    }

    /// Items seen so far.
    pub fn len(&self) -> usize {
        self.stats.n
    }

    /// True when no item was seen.
    pub fn is_empty(&self) -> bool {
        self.stats.n == 0
    }

    /// The picks, best first, each index once.
    pub fn finish(self) -> Vec<Pick> {
        let Ranker {
            query,
            stats,
            scores,
            ..
        } = self;
        let n = stats.n;
        let mut picks = Picks::new(n);
        if n == 0 {
            return Vec::new();
        }
        picks.push(0, true);
        picks.push(n - 1, true);

        let (mut matched, typical) = scores.finish(n);
        matched.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        // A match is must-keep when it stands out: near the best score and well
        // above the typical item's (a query whose words are in every item picks none).
        let best = matched.first().map_or(0.0, |m| m.1);
        for &(i, s) in matched.iter().take(MAX_QUERY) {
            picks.push(i, s >= best / 2.0 && s >= 2.0 * typical);
        }

        let selective = stats.error_count as f64 <= (ERROR_SHARE * n as f64).max(1.0);
        for &i in &stats.errors {
            picks.push(i, selective);
        }
        for i in stats.named_extremes(&query) {
            picks.push(i, true);
        }
        let must_count = (n / RARE_MUST_PER).max(1);
        let mut must_rare = 0;
        let mut rare_seen = FastSet::default();
        for (count, i) in stats.rare_items(&query) {
            let must = count <= must_count && must_rare < MAX_RARE_MUST;
            // An item rare in several fields counts once.
            if must && rare_seen.insert(i) {
                must_rare += 1;
            }
            picks.push(i, must);
        }
        for i in stats.outliers().into_iter().chain(stats.change_points()) {
            picks.push(i, false);
        }
        for &(i, _) in matched.iter().skip(MAX_QUERY) {
            picks.push(i, false);
        }
        picks.list
    }
}

/// Picks in order, each index once; a later must-keep upgrades an earlier pick.
struct Picks {
    list: Vec<Pick>,
    at: FastMap<usize, usize>,
}

impl Picks {
    fn new(n: usize) -> Picks {
        Picks {
            list: Vec::with_capacity(n.min(64)),
            at: FastMap::default(),
        }
    }

    fn push(&mut self, index: usize, must: bool) {
        match self.at.get(&index) {
            Some(&slot) => self.list[slot].must |= must,
            None => {
                self.at.insert(index, self.list.len());
                self.list.push(Pick { index, must });
            }
        }
    }
}

/// BM25 plus exact anchors, per item; nothing without a query. Each anchor weighs
/// by its own rarity among the items, so `"id"` (in every item) counts for nothing
/// next to `17`. Only items with a hit are remembered (at most
/// [`MAX_QUERY_CANDIDATES`]); the others score zero.
struct QueryScores {
    active: bool,
    bm25: Bm25,
    finders: Vec<memmem::Finder<'static>>,
    /// Items holding each anchor.
    df: Vec<usize>,
    /// (item, term frequencies, length, anchor hits) of items with a hit.
    docs: Vec<(usize, Vec<u32>, u32, Vec<bool>)>,
    /// Items with a hit, remembered or not.
    hits: usize,
    tf: Vec<u32>,
    text: String,
}

impl QueryScores {
    fn new(query: &Query) -> QueryScores {
        QueryScores {
            active: !query.is_empty(),
            bm25: Bm25::new(query),
            finders: query
                .anchors()
                .iter()
                .map(|a| memmem::Finder::new(a.as_bytes()).into_owned())
                .collect(),
            df: vec![0; query.anchors().len()],
            docs: Vec::new(),
            hits: 0,
            tf: Vec::new(),
            text: String::new(),
        }
    }

    fn add(&mut self, index: usize, item: &Item, query: &Query) {
        if !self.active {
            return;
        }
        self.text.clear();
        if let Some(key) = item.key {
            self.text.push_str(key);
            self.text.push(':');
        }
        item.node.write_minified(&mut self.text);
        let len = query.term_freqs(self.text.as_bytes(), &mut self.tf);
        self.bm25.add(&self.tf, len);
        let hits: Vec<bool> = self
            .finders
            .iter()
            .map(|f| f.find(self.text.as_bytes()).is_some())
            .collect();
        for (d, &h) in self.df.iter_mut().zip(&hits) {
            *d += usize::from(h);
        }
        if self.tf.iter().any(|&t| t > 0) || hits.contains(&true) {
            self.hits += 1;
            if self.docs.len() < MAX_QUERY_CANDIDATES {
                self.docs.push((index, self.tf.clone(), len, hits));
            }
        }
    }

    /// The items with a positive score, and the median item's score.
    fn finish(self, n: usize) -> (Vec<(usize, f64)>, f64) {
        let total = n as f64;
        let idf: Vec<f64> = self
            .df
            .iter()
            .map(|&d| ((total - d as f64 + 0.5) / (d as f64 + 0.5) + 1.0).ln())
            .collect();
        let scored: Vec<(usize, f64)> = self
            .docs
            .iter()
            .map(|(i, tf, len, hits)| {
                let anchors: f64 = hits
                    .iter()
                    .zip(&idf)
                    .filter(|(h, _)| **h)
                    .map(|(_, w)| w)
                    .sum();
                (*i, self.bm25.score(tf, *len) + anchors * ANCHOR_WEIGHT)
            })
            .collect();
        // The median over all items, the ones without a hit scoring zero.
        let zeros = n - self.hits;
        let typical = if n / 2 < zeros {
            0.0
        } else {
            let mut sorted: Vec<f64> = scored.iter().map(|s| s.1).collect();
            sorted.sort_by(f64::total_cmp);
            sorted.get(n / 2 - zeros).copied().unwrap_or(0.0)
        };
        let matched = scored.into_iter().filter(|&(_, s)| s > 0.0).collect();
        (matched, typical)
    }
}

/// Field ids by (parent field, hash of the raw key), with each parent's last-seen
/// key order as a fast path. Keys are owned: items may come and go one at a time.
#[derive(Default)]
struct FieldIds {
    map: FastMap<(u32, u64), u32>,
    /// By parent id + 1 (0: the item itself), the (key, id) seen at each position.
    at: Vec<Vec<(Box<str>, u32)>>,
}

/// Per-field statistics over the items.
#[derive(Default)]
struct Stats {
    fields: Vec<Field>,
    /// The first items with an error signal, in order.
    errors: Vec<usize>,
    /// Items with an error signal.
    error_count: usize,
    /// Items seen.
    n: usize,
}

#[derive(Default)]
struct Field {
    name: String,
    role: Role,
    /// Items that have the field.
    present: usize,
    /// Item of the last sighting, so an item counts once per field.
    last_item: Option<usize>,
    /// Distinct values: count and the first few items holding each.
    values: FastMap<String, (usize, Vec<usize>)>,
    /// Too many distinct values to be categorical.
    varied: bool,
    /// The field's numbers, by item (the first number an item holds).
    numbers: Vec<(usize, f64)>,
}

impl Stats {
    fn walk(
        &mut self,
        node: &Node,
        parent: u32,
        item: usize,
        depth: usize,
        ids: &mut FieldIds,
        error: &mut bool,
    ) {
        match &node.kind {
            Kind::Scalar(raw) if parent != u32::MAX => {
                self.record(parent as usize, item, raw, error);
            }
            Kind::Array(elements) if depth < FIELD_DEPTH => {
                let Some(id) = self.field_id(&mut ids.map, parent, "[]") else {
                    return;
                };
                for element in elements {
                    self.walk(element, id, item, depth + 1, ids, error);
                }
            }
            Kind::Object(members) if depth < FIELD_DEPTH => {
                for (j, member) in members.iter().enumerate() {
                    // Items mostly list their keys in the same order.
                    let slot = parent.wrapping_add(1) as usize;
                    let id = match ids.at.get(slot).and_then(|keys| keys.get(j)) {
                        Some((key, id)) if **key == *member.key => *id,
                        _ => {
                            let Some(id) = self.field_id(&mut ids.map, parent, member.key) else {
                                continue;
                            };
                            if ids.at.len() <= slot {
                                ids.at.resize(slot + 1, Vec::new());
                            }
                            let keys = &mut ids.at[slot];
                            if keys.len() <= j {
                                keys.resize(j + 1, (Box::from(""), u32::MAX));
                            }
                            keys[j] = (Box::from(member.key), id);
                            id
                        }
                    };
                    self.walk(&member.value, id, item, depth + 1, ids, error);
                }
            }
            _ => {}
        }
    }

    /// The id of a parent's field, new ones numbered as they come; `None` once
    /// [`MAX_FIELDS`] are tracked.
    fn field_id(
        &mut self,
        ids: &mut FastMap<(u32, u64), u32>,
        parent: u32,
        key: &str,
    ) -> Option<u32> {
        let slot = (parent, crate::hash::hash_bytes(key.as_bytes(), 0));
        if let Some(&id) = ids.get(&slot) {
            return Some(id);
        }
        if self.fields.len() >= MAX_FIELDS {
            return None;
        }
        let parent_name = self.fields.get(parent as usize).map(|f| f.name.as_str());
        let key = crate::json::unquote(key);
        let name = match parent_name {
            Some(p) if key == "[]" => format!("{p}[]"),
            Some(p) => format!("{p}.{key}"),
            None => key.into_owned(),
        };
        self.fields.push(Field {
            role: Role::of(&name),
            name,
            ..Field::default()
        });
        let id = (self.fields.len() - 1) as u32;
        ids.insert(slot, id);
        Some(id)
    }

    fn record(&mut self, field: usize, item: usize, raw: &str, error: &mut bool) {
        let f = &mut self.fields[field];
        let first_sighting = f.last_item != Some(item);
        if first_sighting {
            f.present += 1;
            f.last_item = Some(item);
        }
        if raw.starts_with('"') {
            if raw.len() <= SHORT_STRING && !*error {
                *error = f.role.error_status(raw) || f.role.error_message(raw);
            }
        } else if let Ok(x) = raw.parse::<f64>() {
            if first_sighting && f.numbers.len() < MAX_NUMBERS {
                f.numbers.push((item, x));
            }
            if !*error && f.role.error_code(x) {
                *error = true;
            }
        }
        if f.varied || raw.len() > SHORT_STRING {
            return;
        }
        let distinct = f.values.len();
        match f.values.get_mut(raw) {
            Some((count, examples)) => {
                if first_sighting {
                    *count += 1;
                    if examples.len() < RARE_EXAMPLES {
                        examples.push(item);
                    }
                }
            }
            None if distinct < MAX_DISTINCT => {
                f.values.insert(raw.to_string(), (1, vec![item]));
            }
            None => {
                f.varied = true;
                f.values = FastMap::default();
            }
        }
    }

    /// Items holding rare values of categorical fields, as (count, item): values of
    /// fields the query names first, then the rarest; among equally rare values,
    /// those of top-level fields with fewer distinct values (the more telling) first.
    fn rare_items(&self, query: &Query) -> Vec<(usize, usize)> {
        let n = self.n;
        let mut out = Vec::new();
        for f in &self.fields {
            let distinct = f.values.len();
            // A field of one kind of item only (`status.phase` of pods among services)
            // counts among the items that have it.
            if f.varied || distinct < 2 || f.present * 10 < n || distinct * 2 > f.present {
                continue;
            }
            let limit = ((RARE_SHARE * f.present as f64) as usize).max(1);
            let unnamed = !names_field(query, &f.name);
            // Fields of most items tell more than those of one kind of item.
            let nested = (f.name.contains("[]"), f.present * 2 < n);
            let most = f.values.values().map(|v| v.0).max().unwrap_or(0);
            for (raw, (count, examples)) in &f.values {
                // Numbers with few values (durations in ms, sizes) are only rare when
                // very rare: a value held by 3% of the items says little.
                let numeric = raw.starts_with(|c: char| c == '-' || c.is_ascii_digit());
                let limit = if numeric {
                    (f.present / RARE_MUST_PER).max(1)
                } else {
                    limit
                };
                if *count <= limit && *count < most {
                    out.extend(
                        examples
                            .iter()
                            .map(|&i| (unnamed, *count, nested, distinct, i)),
                    );
                }
            }
        }
        out.sort_unstable();
        out.into_iter()
            .map(|(_, count, _, _, i)| (count, i))
            .collect()
    }

    /// Items with the largest values of the numeric fields the query names ("which
    /// files changed the most" names `changes`).
    fn named_extremes(&self, query: &Query) -> Vec<usize> {
        let mut out = Vec::new();
        if query.is_empty() {
            return out;
        }
        for f in self.fields.iter().filter(|f| f.numbers.len() * 2 >= self.n) {
            if !names_field(query, &f.name) {
                continue;
            }
            let mut top = f.numbers.clone();
            top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            out.extend(top.iter().take(NAMED_TOP).map(|p| p.0));
        }
        out
    }

    /// Numeric fields worth looking at: most items have one, and they are not ids
    /// or timestamps.
    fn numeric_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields
            .iter()
            .filter(|f| f.numbers.len() >= 5 && f.numbers.len() * 2 >= self.n && !id_like(&f.name))
    }

    /// Items with values beyond [`OUTLIER_SIGMAS`], most extreme first per field.
    fn outliers(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for f in self.numeric_fields() {
            let (mean, sd) = mean_sd(f.numbers.iter().map(|p| p.1));
            if sd == 0.0 {
                continue;
            }
            let mut far: Vec<(f64, usize)> = f
                .numbers
                .iter()
                .map(|&(i, x)| ((x - mean).abs() / sd, i))
                .filter(|&(z, _)| z > OUTLIER_SIGMAS)
                .collect();
            far.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            out.extend(far.iter().take(PER_FIELD).map(|p| p.1));
        }
        out
    }

    /// Items where a numeric series shifts its level: the mean of the next few
    /// values differs from the mean of the previous few by more than 2σ.
    fn change_points(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for f in self.numeric_fields() {
            let xs: Vec<f64> = f.numbers.iter().map(|p| p.1).collect();
            let w = (xs.len() / 20).clamp(3, 50);
            if xs.len() < 4 * w || monotonic(&xs) {
                continue;
            }
            // A robust scale, so one outlier does not hide a shift.
            let sd = match robust_sd(&xs) {
                0.0 => mean_sd(xs.iter().copied()).1,
                sd => sd,
            };
            if sd == 0.0 {
                continue;
            }
            let mut shifts: Vec<(f64, usize)> = Vec::new();
            for at in w..=xs.len() - w {
                let before: f64 = xs[at - w..at].iter().sum::<f64>() / w as f64;
                let after: f64 = xs[at..at + w].iter().sum::<f64>() / w as f64;
                let shift = (after - before).abs() / sd;
                if shift > OUTLIER_SIGMAS {
                    shifts.push((shift, at));
                }
            }
            shifts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut chosen: Vec<usize> = Vec::new();
            for (_, at) in shifts {
                if chosen.len() == PER_FIELD {
                    break;
                }
                if chosen.iter().all(|&c| c.abs_diff(at) >= w) {
                    chosen.push(at);
                }
            }
            out.extend(chosen.into_iter().map(|at| f.numbers[at].0));
        }
        out
    }
}

/// True when every word of the field's own name (`open_issues`: open, issues) is a
/// query term.
pub fn names_field(query: &Query, field: &str) -> bool {
    let last = field.rsplit(['.', '[']).next().unwrap_or(field);
    let mut words = 0;
    let mut all = true;
    crate::relevance::for_each_term(last.as_bytes(), |t| {
        words += 1;
        all &= query.terms().iter().any(|q| q == t);
    });
    words > 0 && all
}

fn mean_sd(xs: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = xs.clone().count() as f64;
    if n == 0.0 {
        return (0.0, 0.0);
    }
    let mean = xs.clone().sum::<f64>() / n;
    let var = xs.map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// 1.4826 × the median absolute deviation: the standard deviation of the bulk of
/// the values, whatever a few extreme ones do.
fn robust_sd(xs: &[f64]) -> f64 {
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut sorted = xs.to_vec();
    let m = median(&mut sorted);
    let mut dev: Vec<f64> = xs.iter().map(|x| (x - m).abs()).collect();
    1.4826 * median(&mut dev)
}

/// A series that (almost) only rises or only falls: a counter, an id, a clock.
fn monotonic(xs: &[f64]) -> bool {
    let steps = xs.len().saturating_sub(1).max(1) as f64;
    let up = xs.windows(2).filter(|w| w[1] >= w[0]).count() as f64;
    let down = xs.windows(2).filter(|w| w[1] <= w[0]).count() as f64;
    up / steps >= 0.9 || down / steps >= 0.9
}

/// Field names whose numbers identify or date things rather than measure them.
fn id_like(name: &str) -> bool {
    let last = name.rsplit(['.', '[']).next().unwrap_or(name);
    let lower = last.to_ascii_lowercase();
    lower == "id"
        || lower == "number"
        || last.ends_with("Id")
        || ["_id", "_at", "time", "timestamp", "_number"]
            .iter()
            .any(|s| lower.ends_with(s))
}

fn error_words() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)\b(errors?|errored|fail(s|ed|ing|ure|ures)?|fatal|exception|panic(ked)?|denied|refused|time[ds]?[ _-]?out|invalid|unauthori[sz]ed|forbidden|conflict|crash(ed)?|abort(ed)?)\b",
        )
        .expect("valid regex")
    })
}

/// What a field's name says about its values, worked out once per field rather than
/// for every value.
#[derive(Debug, Default, Clone, Copy)]
struct Role {
    /// A status-like field (`status`, `conclusion`, `state`, `result`, `outcome`).
    status: bool,
    /// An HTTP-like status code field.
    code: bool,
    /// A message-like field (`message`, `reason`, ...).
    message: bool,
    /// A field under an error (`error`, `errors[].code`).
    under_error: bool,
}

impl Role {
    fn of(field: &str) -> Role {
        const STATUS: &[&str] = &[
            "status",
            "phase",
            "conclusion",
            "state",
            "result",
            "outcome",
            "level",
            "severity",
        ];
        const CODE: &[&str] = &[
            "status",
            "status_code",
            "statuscode",
            "http_status",
            "httpstatus",
            "code",
        ];
        const MESSAGE: &[&str] = &["message", "msg", "reason", "detail", "details"];
        let lower = field.to_ascii_lowercase();
        let last = lower.rsplit('.').next().unwrap_or(&lower);
        Role {
            status: STATUS.contains(&last),
            code: CODE.contains(&last),
            message: MESSAGE.contains(&last),
            under_error: lower.contains("error"),
        }
    }

    /// A status-like field with a value that means something went wrong.
    fn error_status(self, raw: &str) -> bool {
        const BAD: &[&str] = &[
            "\"failure\"",
            "\"failed\"",
            "\"error\"",
            "\"errored\"",
            "\"cancelled\"",
            "\"canceled\"",
            "\"timed_out\"",
            "\"startup_failure\"",
            "\"fatal\"",
            "\"critical\"",
            "\"rejected\"",
        ];
        self.status && BAD.iter().any(|b| raw.eq_ignore_ascii_case(b))
    }

    /// A message-like field saying something failed, or any value under an error
    /// field (`"error":"timeout"`, `errors[].code`).
    fn error_message(self, raw: &str) -> bool {
        (self.under_error && raw != "\"\"")
            || (self.message && raw.len() <= 120 && error_words().is_match(raw))
    }

    /// An HTTP-like status code field holding a client or server error.
    fn error_code(self, x: f64) -> bool {
        self.code && (400.0..600.0).contains(&x) && x.fract() == 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn ranked(text: &str, query: &str) -> Vec<(usize, bool)> {
        let root = parse(text).unwrap();
        let items: Vec<Item> = root
            .as_array()
            .unwrap()
            .iter()
            .map(|node| Item { key: None, node })
            .collect();
        rank(&items, &Query::parse(query))
            .into_iter()
            .map(|p| (p.index, p.must))
            .collect()
    }

    fn runs(conclusions: &[&str]) -> String {
        let items: Vec<String> = conclusions
            .iter()
            .enumerate()
            .map(|(i, c)| {
                format!(
                    r#"{{"id":{i},"conclusion":"{c}","lang":"{}"}}"#,
                    if i == 7 { "Go" } else { "Python" }
                )
            })
            .collect();
        format!("[{}]", items.join(","))
    }

    #[test]
    fn anchors_errors_and_rare_values_come_first() {
        let mut c = vec!["success"; 30];
        c[12] = "failure";
        let r = ranked(&runs(&c), "");
        assert_eq!(&r[..2], &[(0, true), (29, true)]);
        assert!(r.contains(&(12, true)), "{r:?}");
        assert!(r.contains(&(7, true)), "the one Go item: {r:?}");
    }

    #[test]
    fn common_errors_are_not_must_keep() {
        let c: Vec<&str> = (0..30)
            .map(|i| if i % 2 == 0 { "failure" } else { "success" })
            .collect();
        let r = ranked(&runs(&c), "");
        assert!(r.iter().filter(|p| p.1).count() <= 3, "{r:?}");
    }

    #[test]
    fn query_anchors_pick_items() {
        let c = vec!["success"; 30];
        let r = ranked(&runs(&c), "what about run \"id\":17?");
        assert!(r.iter().any(|&(i, must)| i == 17 && must), "{r:?}");
    }

    #[test]
    fn outliers_and_change_points() {
        let values: Vec<String> = (0..40)
            .map(|i| {
                let v = if i == 5 {
                    500
                } else if i >= 30 {
                    40
                } else {
                    10 + i % 3
                };
                format!(r#"{{"changes":{v}}}"#)
            })
            .collect();
        let r = ranked(&format!("[{}]", values.join(",")), "");
        assert!(r.iter().any(|p| p.0 == 5), "outlier: {r:?}");
        assert!(r.iter().any(|p| p.0 == 30), "change point: {r:?}");
    }

    #[test]
    fn http_errors_count() {
        let items: Vec<String> = (0..10)
            .map(|i| {
                format!(
                    r#"{{"status":{},"method":"GET"}}"#,
                    if i == 4 { 422 } else { 200 }
                )
            })
            .collect();
        let r = ranked(&format!("[{}]", items.join(",")), "");
        assert!(r.contains(&(4, true)), "{r:?}");
    }

    #[test]
    fn id_like_names() {
        assert!(id_like("id"));
        assert!(id_like("repo.node_id"));
        assert!(id_like("created_at"));
        assert!(id_like("userId"));
        assert!(!id_like("changes"));
        assert!(!id_like("paid"));
    }
}
