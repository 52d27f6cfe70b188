//! JSON documents: a lossless view first, then, only while it is over budget, a
//! marked selection.
//!
//! **Lossless.** The document is written back minified, scalars exactly as they were
//! written (see [`crate::json`]), except that every array of objects that mostly share
//! keys becomes a *table* ([`table`]), pulled out of the document and printed after it
//! under its path (jq syntax):
//!
//! ```text
//! {"total_count":593,"workflow_runs":@.workflow_runs}
//! @.workflow_runs: 30 rows; in every row "event":"push","run_attempt":1
//! "id","name","head_branch","conclusion","actor.login"
//! 2802600146,"CI","main","failure","octocat"
//! ```
//!
//! **Lossy**, when the lossless view is still over the token budget. The budget is
//! handed down the tree: an object's members share it by water-filling (small
//! members keep everything, large ones split what is left), a long array keeps the
//! items [`select`] ranks highest (anchors, query matches, errors, rare values,
//! outliers, change points) and as many more from the start as fit, and a string
//! longer than its share is cut. Every elision leaves a marker in place saying what
//! is missing and how to get it back:
//!
//! ```text
//! [… 396 rows elided: 390 "success", 6 "cancelled" · headroom-cat H --path .runs --items 16:412]
//! "[… 410 items elided · headroom-cat H --items 1:411]"
//! "…":"[… 3,470 keys elided · headroom-cat H --path .time --items 4:3474]"
//! "[… array of 12 items elided · headroom-cat H --path '.packages[3].dependencies']"
//! "diff --git a/x…[+4,512 bytes · headroom-cat H --path '.files[3].patch']"
//! ```
//!
//! Item ranges are 0-based and end-exclusive, like jq's slices. Counts are exact: the
//! items shown plus the items inside markers are the array's length, and every key is
//! shown or inside a marker.
//!
//! Input that is not one JSON document returns `None`: the caller falls back to the
//! line path, never to an error. JSON Lines take the line path from the start (see
//! `detect::sniff`), which streams them with bounded memory.

pub mod select;
pub mod table;

use std::collections::{BTreeMap, BTreeSet};

use crate::json::path::{index_path, key_path};
use crate::json::{self, quote, unquote, Kind, Member, Node};
use crate::marker;
use crate::relevance::Query;
use crate::tokens;
use select::{Item, Pick};
use table::Table;

/// A container whose share of the budget is below this many bytes is replaced by
/// one marker.
const MIN_CONTAINER_BYTES: usize = 48;
/// A cut string keeps at least this many bytes of its start.
const MIN_STRING_KEEP: usize = 32;
/// Estimated bytes of one gap marker, for planning.
const GAP_BYTES: usize = 90;
/// Objects with more members than this are treated like arrays of members: a lossy
/// view keeps some members and marks the rest, instead of shrinking every value.
const MANY_KEYS: usize = 48;
/// A lossless view is only attempted when the minified document is at most this
/// many bytes per budget token (tables rarely save more than this).
const LOSSLESS_PROBE_BYTES_PER_TOKEN: usize = 12;
/// Bytes per token assumed when planning a lossy view without a lossless one to
/// measure (minified JSON runs at about 3).
const DEFAULT_BYTES_PER_TOKEN: f64 = 3.0;
/// Table columns are dropped while the must-keep rows would take more than this
/// share of the budget.
const MUST_SHARE: f64 = 0.6;
/// Columns whose cells average at most this many bytes are never dropped.
const SHORT_CELL: usize = 24;
/// Bytes of minified text sampled to measure a large document's bytes per token.
const SAMPLE_BYTES: usize = 64 * 1024;
/// Elided table rows are broken down by a status-like column with at most this
/// many distinct values.
const MAX_LABELS: usize = 8;

/// The view of a JSON input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonView {
    /// A short description for the header: `object with 2 keys`, `array of 45`.
    pub shape: String,
    /// How many tables the body holds.
    pub tables: usize,
    /// False when something was elided.
    pub lossless: bool,
    /// The view itself, ending with a newline.
    pub body: String,
}

/// The view of `bytes` within `budget` tokens (lossless if it fits), with markers
/// naming `hash`; `None` when the bytes are not one JSON document.
pub fn compress(bytes: &[u8], query: &Query, budget: u64, hash: &str) -> Option<JsonView> {
    let text = std::str::from_utf8(bytes).ok()?;
    let doc = json::document(text).ok()?;
    let shape = match &doc.root.kind {
        Kind::Array(items) => format!("array of {}", marker::thousands(items.len() as u64)),
        Kind::Object(members) => format!(
            "object with {} keys",
            marker::thousands(members.len() as u64)
        ),
        Kind::Scalar(_) => "scalar".to_string(),
    };
    let budget = budget as usize;
    let mut bytes_per_token = DEFAULT_BYTES_PER_TOKEN;
    if doc.root.len <= budget.saturating_mul(LOSSLESS_PROBE_BYTES_PER_TOKEN) {
        let mut render = Render::new(hash, query, false);
        let body = render.document(doc.banner, &doc.root, usize::MAX);
        let cost = tokens::estimate(body.as_bytes()).max(1);
        if cost as usize <= budget {
            return Some(JsonView {
                shape,
                tables: render.tables,
                lossless: true,
                body,
            });
        }
        bytes_per_token = body.len() as f64 / cost as f64;
    } else if let Some(ratio) = sampled_bytes_per_token(&doc.root) {
        bytes_per_token = ratio;
    }
    let mut target = (budget as f64 * bytes_per_token) as usize;
    let mut render = Render::new(hash, query, true);
    let mut body = render.document(doc.banner, &doc.root, target);
    // One correction when the planning ratio was off by much.
    let cost = tokens::estimate(body.as_bytes()).max(1) as f64;
    if cost > 1.25 * budget as f64 {
        target = (target as f64 * budget as f64 / cost) as usize;
        render = Render::new(hash, query, true);
        body = render.document(doc.banner, &doc.root, target);
    }
    Some(JsonView {
        shape,
        tables: render.tables,
        lossless: !render.elided,
        body,
    })
}

/// A value's path, built only when a table or a marker needs it.
type PathFn<'p> = &'p dyn Fn() -> String;

/// Writes a view: the document with tables replaced by `@PATH`, then the tables.
struct Render<'r> {
    hash: &'r str,
    query: &'r Query,
    /// May elide (a lossy view).
    lossy: bool,
    tables: usize,
    elided: bool,
    /// Tables found while writing the document, written after it.
    sections: Vec<String>,
}

impl<'r> Render<'r> {
    fn new(hash: &'r str, query: &'r Query, lossy: bool) -> Render<'r> {
        Render {
            hash,
            query,
            lossy,
            tables: 0,
            elided: false,
            sections: Vec::new(),
        }
    }

    fn document(&mut self, banner: &str, root: &Node, budget: usize) -> String {
        let mut doc = String::with_capacity(root.len.min(budget.saturating_mul(2)) + 64);
        self.value(root, &|| ".".to_string(), budget, true, &mut doc);
        let mut out = String::with_capacity(doc.len() + banner.len() + 1);
        out.push_str(banner);
        if doc != "@." {
            out.push_str(&doc);
            out.push('\n');
        }
        for section in std::mem::take(&mut self.sections) {
            out.push_str(&section);
        }
        out
    }

    /// Writes `node` into `out` within `budget` bytes (`usize::MAX`: whole). Arrays
    /// that qualify become tables when `tables` allows (not inside table cells).
    fn value(&mut self, node: &Node, path: PathFn, budget: usize, tables: bool, out: &mut String) {
        let budget = if node.len <= budget {
            usize::MAX
        } else {
            budget
        };
        let squeezed = self.lossy && budget != usize::MAX;
        match &node.kind {
            Kind::Scalar(raw) if squeezed && raw.starts_with('"') => {
                self.string(raw, path, budget, out)
            }
            Kind::Scalar(raw) => out.push_str(raw),
            Kind::Array(_) | Kind::Object(_) if squeezed && budget < MIN_CONTAINER_BYTES => {
                self.whole(node, path, out)
            }
            Kind::Array(items) => {
                if tables {
                    if let Some(table) = Table::detect(items) {
                        let at = path();
                        let section = self.table(table, items, &at, budget);
                        out.push('@');
                        out.push_str(&at);
                        self.tables += 1;
                        self.sections.push(section);
                        return;
                    }
                }
                self.array(items, path, budget, tables, out);
            }
            Kind::Object(members) if squeezed && members.len() > MANY_KEYS => {
                self.many_keys(members, path, budget, tables, out)
            }
            Kind::Object(members) => self.object(members, path, budget, tables, out),
        }
    }

    /// An object, its members' values sharing the budget.
    fn object(
        &mut self,
        members: &[Member],
        path: PathFn,
        budget: usize,
        tables: bool,
        out: &mut String,
    ) {
        let fixed: usize = 2 + members.iter().map(|m| m.key.len() + 2).sum::<usize>();
        let shares = shares(members.iter().map(|m| m.value.len), budget, fixed);
        out.push('{');
        for (i, (member, share)) in members.iter().zip(shares).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(member.key);
            out.push(':');
            let child = || key_path(&path(), &unquote(member.key));
            self.value(&member.value, &child, share, tables, out);
        }
        out.push('}');
    }

    /// An array written inline: all of it, or the picked items and markers.
    fn array(
        &mut self,
        items: &[Node],
        path: PathFn,
        budget: usize,
        tables: bool,
        out: &mut String,
    ) {
        out.push('[');
        let plan = if budget == usize::MAX {
            Plan::all(items.len())
        } else {
            let ranked: Vec<Item> = items.iter().map(|node| Item { key: None, node }).collect();
            let cost = |i: usize| (items[i].len + 1, compact_len(&items[i], 0) + 1);
            Plan::new(
                items.len(),
                cost,
                &select::rank(&ranked, self.query),
                budget,
            )
        };
        let mut first = true;
        for step in plan.steps() {
            if !std::mem::take(&mut first) {
                out.push(',');
            }
            match step {
                Step::Keep(i, share) => {
                    let child = || index_path(&path(), i);
                    self.value(&items[i], &child, share, tables, out);
                }
                Step::Gap(a, b) => {
                    let m =
                        marker::elided_items(self.hash, &path(), (a, b), ("item", "items"), &[]);
                    out.push_str(&quote(&m));
                    self.elided = true;
                }
            }
        }
        out.push(']');
    }

    /// An object with very many members (a map from versions to dates, say): the
    /// picked members, and markers for the rest.
    fn many_keys(
        &mut self,
        members: &[Member],
        path: PathFn,
        budget: usize,
        tables: bool,
        out: &mut String,
    ) {
        let ranked: Vec<Item> = members
            .iter()
            .map(|m| Item {
                key: Some(m.key),
                node: &m.value,
            })
            .collect();
        let cost = |i: usize| {
            let m = &members[i];
            (
                m.key.len() + m.value.len + 2,
                m.key.len() + compact_len(&m.value, 1) + 2,
            )
        };
        let plan = Plan::new(
            members.len(),
            cost,
            &select::rank(&ranked, self.query),
            budget,
        );
        out.push('{');
        let mut first = true;
        for step in plan.steps() {
            if !std::mem::take(&mut first) {
                out.push(',');
            }
            match step {
                Step::Keep(i, share) => {
                    let member = &members[i];
                    out.push_str(member.key);
                    out.push(':');
                    let child = || key_path(&path(), &unquote(member.key));
                    let share = share.saturating_sub(member.key.len() + 2);
                    self.value(&member.value, &child, share, tables, out);
                }
                Step::Gap(a, b) => {
                    let m = marker::elided_items(self.hash, &path(), (a, b), ("key", "keys"), &[]);
                    out.push_str("\"…\":");
                    out.push_str(&quote(&m));
                    self.elided = true;
                }
            }
        }
        out.push('}');
    }

    /// A container replaced by one marker.
    fn whole(&mut self, node: &Node, path: PathFn, out: &mut String) {
        let what = match &node.kind {
            Kind::Array(items) => format!(
                "array of {}",
                marker::count_of(items.len() as u64, "item", "items")
            ),
            Kind::Object(members) => format!(
                "object of {}",
                marker::count_of(members.len() as u64, "key", "keys")
            ),
            Kind::Scalar(_) => unreachable!("only containers are replaced whole"),
        };
        let m = quote(&marker::elided_value(self.hash, &path(), &what));
        if m.len() >= node.len {
            node.write_minified(out);
        } else {
            out.push_str(&m);
            self.elided = true;
        }
    }

    /// A string, cut to its share with a marker when it is much longer.
    fn string(&mut self, raw: &str, path: PathFn, budget: usize, out: &mut String) {
        let inner = &raw[1..raw.len() - 1];
        let keep = budget.saturating_sub(GAP_BYTES).max(MIN_STRING_KEEP);
        if inner.len() <= keep + GAP_BYTES {
            out.push_str(raw);
            return;
        }
        let cut = safe_cut(inner, keep);
        let m = marker::cut_string(self.hash, &path(), (inner.len() - cut) as u64);
        let m = quote(&m);
        out.push('"');
        out.push_str(&inner[..cut]);
        out.push_str(&m[1..]);
        self.elided = true;
    }

    /// A table section: the title, the header and the rows (all of them, or the
    /// picked rows with a marker line for each run left out).
    fn table<'a>(
        &mut self,
        mut table: Table<'a>,
        items: &'a [Node<'a>],
        path: &str,
        budget: usize,
    ) -> String {
        let rows: Vec<&[Member]> = items.iter().filter_map(Node::as_object).collect();
        let picks = (budget != usize::MAX).then(|| {
            let ranked: Vec<Item> = items.iter().map(|node| Item { key: None, node }).collect();
            select::rank(&ranked, self.query)
        });
        let dropped = match &picks {
            Some(picks) => drop_columns(&mut table, &rows, picks, budget, self.query),
            None => Vec::new(),
        };
        let mut out = table.title(path, rows.len());
        out.push('\n');
        out.push_str(&table.header());
        out.push('\n');
        if !dropped.is_empty() {
            let names: Vec<String> = dropped.iter().map(|c| table::column_name(c)).collect();
            let example = dropped[0].iter().fold(
                format!("{}[]", if path == "." { "" } else { path }),
                |p, k| key_path(&p, &unquote(k)),
            );
            out.push_str(&marker::elided_columns(self.hash, &names, &example));
            out.push('\n');
            self.elided = true;
        }
        let cell_costs = |columns: &[table::Column], row: &[Member]| -> Vec<usize> {
            columns
                .iter()
                .map(|c| table::lookup(row, c).map_or(0, |v| v.len) + 1)
                .collect()
        };
        let plan = match &picks {
            None => Plan::all(rows.len()),
            Some(picks) => {
                let cost = |i: usize| {
                    let (tag, columns) = table.layout_of(rows[i]);
                    let tag = tag.map_or(0, |t| t.len() + 1);
                    let (mut whole, mut compact) = (columns.len() + tag, columns.len() + tag);
                    for column in columns {
                        if let Some(v) = table::lookup(rows[i], column) {
                            whole += v.len;
                            compact += compact_len(v, 1);
                        }
                    }
                    (whole, compact)
                };
                Plan::new(rows.len(), cost, picks, budget.saturating_sub(out.len()))
            }
        };
        let labels = plan
            .has_gaps()
            .then(|| label_column(&table, &rows))
            .flatten();
        for step in plan.steps() {
            match step {
                Step::Keep(i, share) => {
                    let row = rows[i];
                    let (tag, columns) = table.layout_of(row);
                    let shares = if share == usize::MAX {
                        vec![usize::MAX; columns.len()]
                    } else {
                        shares(cell_costs(columns, row).into_iter(), share, 0)
                    };
                    if let Some(tag) = tag {
                        out.push_str(tag);
                        if !columns.is_empty() {
                            out.push(',');
                        }
                    }
                    for (c, (column, share)) in columns.iter().zip(shares).enumerate() {
                        if c > 0 {
                            out.push(',');
                        }
                        if let Some(cell) = table::lookup(row, column) {
                            let child = || {
                                column
                                    .iter()
                                    .fold(index_path(path, i), |p, k| key_path(&p, &unquote(k)))
                            };
                            self.value(cell, &child, share, false, &mut out);
                        }
                    }
                    out.push('\n');
                }
                Step::Gap(a, b) => {
                    let breakdown = labels
                        .as_ref()
                        .map(|c| breakdown(&rows[a..b], c))
                        .unwrap_or_default();
                    out.push_str(&marker::elided_items(
                        self.hash,
                        path,
                        (a, b),
                        ("row", "rows"),
                        &breakdown,
                    ));
                    out.push('\n');
                    self.elided = true;
                }
            }
        }
        out
    }
}

/// Bytes per estimated token of the document's minified text, measured on its first
/// children (about [`SAMPLE_BYTES`]), when they are small enough to sample.
fn sampled_bytes_per_token(root: &Node) -> Option<f64> {
    let children: Box<dyn Iterator<Item = &Node>> = match &root.kind {
        Kind::Array(items) => Box::new(items.iter()),
        Kind::Object(members) => Box::new(members.iter().map(|m| &m.value)),
        Kind::Scalar(_) => return None,
    };
    let mut sample = String::new();
    for child in children {
        if child.len > SAMPLE_BYTES {
            break;
        }
        child.write_minified(&mut sample);
        if sample.len() >= SAMPLE_BYTES {
            break;
        }
    }
    let tokens = tokens::estimate(sample.as_bytes());
    (sample.len() >= SAMPLE_BYTES / 4 && tokens > 0).then(|| sample.len() as f64 / tokens as f64)
}

/// About what a value costs once squeezed: long strings cut, containers below the
/// item's own level replaced by a marker.
fn compact_len(node: &Node, depth: usize) -> usize {
    match &node.kind {
        Kind::Scalar(raw) if raw.starts_with('"') => raw.len().min(MIN_STRING_KEEP + GAP_BYTES),
        Kind::Scalar(raw) => raw.len(),
        _ if depth > 0 => node.len.min(GAP_BYTES),
        Kind::Array(items) => {
            2 + items
                .iter()
                .map(|i| compact_len(i, depth + 1) + 1)
                .sum::<usize>()
        }
        Kind::Object(members) => {
            2 + members
                .iter()
                .map(|m| m.key.len() + compact_len(&m.value, depth + 1) + 2)
                .sum::<usize>()
        }
    }
}

/// Splits `budget` among parts of these sizes, after `fixed` bytes of structure:
/// parts that fit an equal share keep all they need, the rest share what is left
/// equally (water-filling). `usize::MAX` means whole.
fn shares(sizes: impl Iterator<Item = usize>, budget: usize, fixed: usize) -> Vec<usize> {
    let sizes: Vec<usize> = sizes.collect();
    if budget == usize::MAX {
        return vec![usize::MAX; sizes.len()];
    }
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| sizes[i]);
    let mut left = budget.saturating_sub(fixed);
    let mut out = vec![0; sizes.len()];
    for (k, &i) in order.iter().enumerate() {
        let share = left / (sizes.len() - k);
        let given = sizes[i].min(share);
        out[i] = if given == sizes[i] { usize::MAX } else { given };
        left -= given;
    }
    out
}

/// The largest byte count at most `max` at which a JSON string's inner text can be
/// cut: on a character boundary and not inside an escape.
fn safe_cut(inner: &str, max: usize) -> usize {
    let bytes = inner.as_bytes();
    let mut i = 0;
    let mut safe = 0;
    while i < bytes.len() && i <= max {
        if inner.is_char_boundary(i) {
            safe = i;
        }
        i += match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'u') => 6,
            b'\\' => 2,
            _ => 1,
        };
    }
    if i <= max && i >= bytes.len() {
        safe = bytes.len();
    }
    safe
}

/// What to write for an array or map: kept items with their byte shares, and gaps.
struct Plan {
    /// Kept items in order, with their share (`usize::MAX`: whole).
    kept: Vec<(usize, usize)>,
    len: usize,
}

enum Step {
    Keep(usize, usize),
    /// Items `a..b` left out.
    Gap(usize, usize),
}

impl Plan {
    fn all(n: usize) -> Plan {
        Plan {
            kept: (0..n).map(|i| (i, usize::MAX)).collect(),
            len: n,
        }
    }

    /// Keeps the must-keep picks, then other picks and then items from the start
    /// while their compact cost (long strings cut, nested containers marked) fits;
    /// then shares the budget among the kept items by their whole cost. `cost(i)`
    /// gives item i's (whole, compact) cost; it is asked only for the items
    /// considered, so a long array is not measured past what fits.
    fn new(
        n: usize,
        cost: impl Fn(usize) -> (usize, usize),
        picks: &[Pick],
        budget: usize,
    ) -> Plan {
        let mut kept: BTreeMap<usize, usize> = BTreeMap::new();
        let mut used = 0usize;
        let mut gaps = usize::from(n > 0);
        let mut add =
            |i: usize, whole: usize, compact: usize, used: &mut usize, gaps: &mut usize| {
                let left = i == 0 || kept.contains_key(&(i - 1));
                let right = i + 1 == n || kept.contains_key(&(i + 1));
                match (left, right) {
                    (true, true) => *gaps -= 1,
                    (false, false) => *gaps += 1,
                    _ => {}
                }
                *used += compact;
                kept.insert(i, whole);
            };
        let mut considered: BTreeSet<usize> = BTreeSet::new();
        for p in picks.iter().filter(|p| p.must) {
            if considered.insert(p.index) {
                let (whole, compact) = cost(p.index);
                add(p.index, whole, compact, &mut used, &mut gaps);
            }
        }
        let fits = |compact: usize, used: usize, gaps: usize| {
            used + compact + gaps.max(1) * GAP_BYTES <= budget
        };
        for p in picks.iter().filter(|p| !p.must) {
            if considered.insert(p.index) {
                let (whole, compact) = cost(p.index);
                if fits(compact, used, gaps) {
                    add(p.index, whole, compact, &mut used, &mut gaps);
                }
            }
        }
        for i in 0..n {
            if considered.contains(&i) {
                continue;
            }
            let (whole, compact) = cost(i);
            if !fits(compact, used, gaps) {
                break;
            }
            add(i, whole, compact, &mut used, &mut gaps);
        }
        let room = budget.saturating_sub(gaps * GAP_BYTES);
        let shares = shares(kept.values().copied(), room, 0);
        Plan {
            kept: kept.into_keys().zip(shares).collect(),
            len: n,
        }
    }

    fn has_gaps(&self) -> bool {
        self.kept.len() < self.len
    }

    /// Kept items and gaps, in order.
    fn steps(&self) -> Vec<Step> {
        let mut steps = Vec::with_capacity(self.kept.len() * 2 + 1);
        let mut next = 0;
        for &(i, share) in &self.kept {
            if i > next {
                steps.push(Step::Gap(next, i));
            }
            steps.push(Step::Keep(i, share));
            next = i + 1;
        }
        if next < self.len {
            steps.push(Step::Gap(next, self.len));
        }
        steps
    }
}

/// Drops table columns, least useful first, while the must-keep rows alone would
/// fill more than [`MUST_SHARE`] of the budget; returns the dropped columns. Kept
/// whatever: columns the query names, status-like columns and short ones (numbers,
/// flags, codes). Dropped first: columns of URLs, then the longest.
fn drop_columns<'a>(
    table: &mut Table<'a>,
    rows: &[&[Member<'a>]],
    picks: &[Pick],
    budget: usize,
    query: &Query,
) -> Vec<table::Column<'a>> {
    let must: Vec<usize> = picks.iter().filter(|p| p.must).map(|p| p.index).collect();
    let cost_of = |column: &[&str], row: usize| {
        table::lookup(rows[row], column).map_or(1, |v| compact_len(v, 1) + 1)
    };
    let mut total: usize = table
        .columns
        .iter()
        .map(|c| must.iter().map(|&r| cost_of(c, r)).sum::<usize>())
        .sum();
    let limit = (budget as f64 * MUST_SHARE) as usize;
    if total <= limit {
        return Vec::new();
    }
    let sample = &rows[..rows.len().min(200)];
    let mut candidates: Vec<(bool, std::cmp::Reverse<usize>, usize)> = Vec::new();
    for (c, column) in table.columns.iter().enumerate() {
        let name = unquote(column.last().expect("columns have a key"));
        if select::names_field(query, &name)
            || STATUS_NAMES.contains(&name.to_ascii_lowercase().as_str())
        {
            continue;
        }
        let cells: Vec<&Node> = sample
            .iter()
            .filter_map(|r| table::lookup(r, column))
            .collect();
        let bytes: usize = cells.iter().map(|v| v.len).sum();
        let avg = bytes / cells.len().max(1);
        let urls = cells
            .iter()
            .filter(|v| v.as_scalar().is_some_and(|s| s.starts_with("\"http")))
            .count();
        let opaque = cells
            .iter()
            .filter(|v| {
                v.as_scalar()
                    .is_some_and(|s| s.starts_with('"') && !s.contains(' '))
            })
            .count();
        let url_column = urls * 2 >= cells.len();
        // Text is cut to its share, not dropped: it is what a reader reads.
        if avg <= SHORT_CELL || opaque * 2 < cells.len() {
            continue;
        }
        candidates.push((!url_column, std::cmp::Reverse(avg), c));
    }
    candidates.sort();
    let mut drop = Vec::new();
    for (_, _, c) in candidates {
        if total <= limit {
            break;
        }
        total -= must
            .iter()
            .map(|&r| cost_of(&table.columns[c], r))
            .sum::<usize>();
        drop.push(c);
    }
    drop.sort_unstable();
    let mut dropped = Vec::new();
    for c in drop.into_iter().rev() {
        dropped.push(table.remove_column(c));
    }
    dropped.reverse();
    dropped
}

/// Column names that hold a status; such columns are never dropped and break
/// elided rows down.
const STATUS_NAMES: &[&str] = &[
    "conclusion",
    "status",
    "phase",
    "state",
    "level",
    "severity",
    "result",
    "outcome",
    "type",
    "kind",
    "method",
    "code",
];

/// A column to break elided rows down by: the kind of rows of different kinds, else
/// a status-like column (few distinct scalar values).
fn label_column<'a>(table: &Table<'a>, rows: &[&[Member]]) -> Option<table::Column<'a>> {
    if let Some(column) = table.kind_column() {
        return Some(column);
    }
    let mut best: Option<(usize, usize)> = None;
    for (c, column) in table.columns.iter().enumerate() {
        let name = unquote(column.last()?).to_ascii_lowercase();
        let Some(rank) = STATUS_NAMES.iter().position(|n| *n == name) else {
            continue;
        };
        let mut values: Vec<&str> = Vec::new();
        let few = rows
            .iter()
            .all(|r| match table::lookup(r, column).map(|v| v.as_scalar()) {
                Some(Some(v)) => {
                    if !values.contains(&v) {
                        values.push(v);
                    }
                    values.len() <= MAX_LABELS
                }
                Some(None) => false,
                None => true,
            });
        if few && best.is_none_or(|(r, _)| rank < r) {
            best = Some((rank, c));
        }
    }
    best.map(|(_, c)| table.columns[c].clone())
}

/// Counts of a column's values over `rows`, most common first.
fn breakdown(rows: &[&[Member]], column: &[&str]) -> Vec<(u64, String)> {
    let mut counts: Vec<(u64, String)> = Vec::new();
    for row in rows {
        let Some(value) = table::lookup(row, column).and_then(Node::as_scalar) else {
            continue;
        };
        match counts.iter_mut().find(|(_, v)| v == value) {
            Some(entry) => entry.0 += 1,
            None => counts.push((1, value.to_string())),
        }
    }
    counts.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "0123456789ab";

    fn view(text: &str) -> String {
        compress(text.as_bytes(), &Query::default(), 100_000, HASH)
            .expect("json")
            .body
    }

    fn lossy(text: &str, budget: u64, query: &str) -> JsonView {
        compress(text.as_bytes(), &Query::parse(query), budget, HASH).expect("json")
    }

    #[test]
    fn objects_are_minified_with_order_and_number_text_kept() {
        let v = view("{\n  \"b\": 1.50,\n  \"a\": [1, -0.0, 18446744073709551616, 2e3],\n  \"s\": \"x\\u00e9\",\"s\":1\n}");
        assert_eq!(
            v,
            "{\"b\":1.50,\"a\":[1,-0.0,18446744073709551616,2e3],\"s\":\"x\\u00e9\",\"s\":1}\n"
        );
    }

    #[test]
    fn arrays_of_similar_objects_become_tables() {
        let v = view(
            r#"{"total_count":3,"runs":[
                {"id":1,"status":"completed","conclusion":"success","actor":{"login":"a"},"event":"push"},
                {"id":2,"status":"completed","conclusion":"failure","actor":{"login":"b"},"event":"push"},
                {"id":3,"status":"completed","conclusion":"success","actor":{"login":"a"},"event":"push"}]}"#,
        );
        assert_eq!(
            v,
            "{\"total_count\":3,\"runs\":@.runs}\n\
             @.runs: 3 rows; in every row \"status\":\"completed\",\"event\":\"push\"\n\
             \"id\",\"conclusion\",\"actor.login\"\n\
             1,\"success\",\"a\"\n\
             2,\"failure\",\"b\"\n\
             3,\"success\",\"a\"\n"
        );
    }

    /// Kubernetes-like objects of three kinds, in an interleaved order.
    fn mixed_kinds(copies: usize) -> String {
        let pod = |n: usize, phase: &str| {
            format!(
                r#"{{"kind":"Pod","metadata":{{"name":"web-{n}"}},"spec":{{"nodeName":"node-{n}","restartPolicy":"Always"}},"status":{{"phase":"{phase}","podIP":"10.1.0.{n}"}}}}"#
            )
        };
        let service = |n: usize| {
            format!(
                r#"{{"kind":"Service","metadata":{{"name":"svc-{n}"}},"spec":{{"clusterIP":"10.0.0.{n}","type":"ClusterIP","ports":[80,443]}}}}"#
            )
        };
        let deployment = |n: usize| {
            format!(
                r#"{{"kind":"Deployment","metadata":{{"name":"dep-{n}"}},"spec":{{"replicas":{n},"strategy":{{"type":"RollingUpdate"}}}},"status":{{"readyReplicas":{n}}}}}"#
            )
        };
        let items: Vec<String> = (0..copies)
            .flat_map(|n| {
                let phase = if n == copies / 2 { "Failed" } else { "Running" };
                [pod(n, phase), service(n), deployment(n)]
            })
            .collect();
        format!(r#"{{"kind":"List","items":[{}]}}"#, items.join(","))
    }

    #[test]
    fn rows_of_different_kinds_get_a_header_per_kind_in_the_original_order() {
        let v = view(&mixed_kinds(3));
        let expected = [
            r#"{"kind":"List","items":@.items}"#,
            r#"@.items: 9 rows of 3 kinds by "kind""#,
            r#""kind":"Pod" (3 rows): "metadata.name","spec.nodeName","status.phase","status.podIP"; in every row "spec.restartPolicy":"Always""#,
            r#""kind":"Service" (3 rows): "metadata.name","spec.clusterIP","spec.ports"; in every row "spec.type":"ClusterIP""#,
            r#""kind":"Deployment" (3 rows): "metadata.name","spec.replicas","status.readyReplicas"; in every row "spec.strategy.type":"RollingUpdate""#,
            r#""Pod","web-0","node-0","Running","10.1.0.0""#,
            r#""Service","svc-0","10.0.0.0",[80,443]"#,
            r#""Deployment","dep-0",0,0"#,
            r#""Pod","web-1","node-1","Failed","10.1.0.1""#,
        ];
        let lines: Vec<&str> = v.lines().collect();
        assert_eq!(lines[..expected.len()], expected, "{v}");
        assert_eq!(lines.len(), 2 + 3 + 9, "{v}");
    }

    #[test]
    fn kinds_are_not_split_when_one_header_is_as_small() {
        // Every row has the same columns: the kind is just a column.
        let rows: Vec<String> = (0..9)
            .map(|i| {
                format!(
                    r#"{{"type":"{}","id":{i},"ok":true}}"#,
                    ["a", "b", "c"][i % 3]
                )
            })
            .collect();
        let v = view(&format!("[{}]", rows.join(",")));
        assert!(
            v.starts_with("@.: 9 rows; in every row \"ok\":true\n\"type\",\"id\"\n"),
            "{v}"
        );
    }

    #[test]
    fn elided_rows_of_kinds_are_broken_down_by_kind() {
        let json = mixed_kinds(200);
        let v = lossy(&json, 400, "").body;
        assert!(
            v.contains(r#""Pod","web-100","node-100","Failed","10.1.0.100""#),
            "{v}"
        );
        let marker = v
            .lines()
            .find(|l| l.starts_with("[… ") && l.contains("rows elided"))
            .expect("a marker");
        assert!(
            ["Pod", "Service", "Deployment"]
                .iter()
                .all(|kind| marker.contains(&format!(r#" "{kind}""#))),
            "{marker}"
        );
    }

    #[test]
    fn absent_keys_are_empty_cells_and_null_stays_null() {
        let v = view(r#"[{"a":1,"b":null},{"a":2},{"a":3,"b":"x"},{"a":4,"b":"y"}]"#);
        assert_eq!(v, "@.: 4 rows\n\"a\",\"b\"\n1,null\n2,\n3,\"x\"\n4,\"y\"\n");
    }

    #[test]
    fn empty_nested_objects_and_repeated_keys_stay_json() {
        let v = view(r#"[{"a":{"x":1}},{"a":{}},{"a":{"x":2}}]"#);
        assert_eq!(v, "@.: 3 rows\n\"a\"\n{\"x\":1}\n{}\n{\"x\":2}\n");
        let v = view(r#"[{"a":1,"a":2},{"a":3},{"a":4}]"#);
        assert_eq!(v, "[{\"a\":1,\"a\":2},{\"a\":3},{\"a\":4}]\n");
    }

    #[test]
    fn banners_are_kept_and_json_lines_declined() {
        let v =
            view("HTTP/1.1 200 OK\n\n[{\"a\":1,\"b\":2},{\"a\":2,\"b\":3},{\"a\":3,\"b\":4}]\n");
        assert!(v.starts_with("HTTP/1.1 200 OK\n\n@.: 3 rows\n"), "{v}");
        assert_eq!(
            compress(b"{\"a\":1}\n{\"a\":2}\n", &Query::default(), 10, HASH),
            None
        );
    }

    #[test]
    fn not_json_is_declined() {
        let q = Query::default();
        assert_eq!(compress(b"plain text\n{ not json", &q, 10, HASH), None);
        assert_eq!(compress(b"{\"truncated\": [1, 2", &q, 10, HASH), None);
    }

    fn runs(n: usize, failing: usize) -> String {
        let items: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"id":{},"name":"CI","conclusion":"{}","url":"https://api.example.com/repos/o/r/actions/runs/{}"}}"#,
                    1000 + i,
                    if i == failing { "failure" } else { "success" },
                    1000 + i
                )
            })
            .collect();
        format!(
            r#"{{"total_count":{n},"workflow_runs":[{}]}}"#,
            items.join(",")
        )
    }

    #[test]
    fn long_arrays_keep_anchors_and_errors_and_mark_the_rest() {
        let v = lossy(&runs(200, 120), 600, "");
        assert!(!v.lossless);
        let body = &v.body;
        assert!(body.contains("1000,\"success\""), "{body}");
        assert!(body.contains("1120,\"failure\""), "{body}");
        assert!(body.contains("1199,\"success\""), "{body}");
        assert!(body.contains("rows elided: "), "{body}");
        assert!(
            body.contains("\"success\" · headroom-cat 0123456789ab --path .workflow_runs --items "),
            "{body}"
        );
        assert!(tokens::estimate(body.as_bytes()) < 900, "{body}");
        // Every row is shown or inside exactly one marker.
        let mut covered = 0;
        for line in body.lines() {
            if let Some(at) = line.find("--items ") {
                let range = line[at + 8..].trim_end_matches(']');
                let (a, b) = range.split_once(':').unwrap();
                covered += b.parse::<usize>().unwrap() - a.parse::<usize>().unwrap();
            } else if line.starts_with(char::is_numeric) {
                covered += 1;
            }
        }
        assert_eq!(covered, 200, "{body}");
    }

    #[test]
    fn query_matches_are_kept() {
        let v = lossy(&runs(200, 120), 600, "what happened in run 1077?");
        assert!(v.body.contains("1077,\"success\""), "{}", v.body);
    }

    #[test]
    fn long_strings_are_cut_with_their_path_and_length() {
        let long = "x".repeat(5000);
        let text = format!(r#"{{"files":[{{"name":"a","patch":"{long}"}}],"n":1}}"#);
        let v = lossy(&text, 300, "");
        assert!(v.body.contains("…[+"), "{}", v.body);
        assert!(
            v.body
                .contains("bytes · headroom-cat 0123456789ab --path '.files[0].patch']\""),
            "{}",
            v.body
        );
        let shown = v.body.matches('x').count();
        let omitted: usize = v
            .body
            .split("…[+")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .replace(',', "")
            .parse()
            .unwrap();
        assert_eq!(shown + omitted, 5000);
    }

    #[test]
    fn big_maps_keep_some_keys_and_mark_the_rest() {
        let members: Vec<String> = (0..3000)
            .map(|i| format!(r#""1.{i}.0":"2020-01-01T00:00:{i:02}Z""#))
            .collect();
        let text = format!(
            r#"{{"name":"pkg","time":{{{}}},"latest":"1.2999.0"}}"#,
            members.join(",")
        );
        let v = lossy(&text, 400, "");
        let body = &v.body;
        assert!(
            body.starts_with("{\"name\":\"pkg\",\"time\":{\"1.0.0\""),
            "{body}"
        );
        assert!(
            body.contains("keys elided · headroom-cat 0123456789ab --path .time --items "),
            "{body}"
        );
        assert!(body.ends_with("\"latest\":\"1.2999.0\"}\n"), "{body}");
    }

    #[test]
    fn nested_arrays_in_kept_rows_are_cut_too() {
        let deps: Vec<String> = (0..20)
            .map(|i| format!(r#"{{"name":"dep{i}","req":"^1.{i}"}}"#))
            .collect();
        let pkgs: Vec<String> = (0..60)
            .map(|i| {
                format!(
                    r#"{{"name":"p{i}","license":"MIT","deps":[{}]}}"#,
                    deps.join(",")
                )
            })
            .collect();
        let v = lossy(&format!("[{}]", pkgs.join(",")), 500, "");
        assert!(
            v.body
                .contains("items elided · headroom-cat 0123456789ab --path '[0].deps' --items "),
            "{}",
            v.body
        );
    }

    #[test]
    fn containers_with_a_tiny_share_are_replaced_whole() {
        let deps: Vec<String> = (0..20).map(|i| format!(r#""dep{i}""#)).collect();
        let members: Vec<String> = (0..30)
            .map(|i| format!(r#""k{i}":[{}]"#, deps.join(",")))
            .collect();
        let v = lossy(&format!("{{{}}}", members.join(",")), 400, "");
        assert!(
            v.body.contains(
                "\"k0\":\"[… array of 20 items elided · headroom-cat 0123456789ab --path .k0]\""
            ),
            "{}",
            v.body
        );
    }

    #[test]
    fn cuts_never_split_escapes_or_characters() {
        let s = "ab\\u00e9\\n€x";
        for max in 0..s.len() + 2 {
            let cut = safe_cut(s, max);
            assert!(s.is_char_boundary(cut));
            assert!(
                !s[..cut].ends_with('\\') && !s[..cut].contains("\\u00e")
                    || s[..cut].contains("\\u00e9"),
                "{max}: {}",
                &s[..cut]
            );
        }
        assert_eq!(safe_cut(s, 100), s.len());
    }

    #[test]
    fn water_filling_gives_small_parts_all() {
        assert_eq!(
            shares([10, 100, 1000].into_iter(), 400, 0),
            vec![usize::MAX, usize::MAX, 290]
        );
        assert_eq!(
            shares([10, 20].into_iter(), usize::MAX, 0),
            vec![usize::MAX; 2]
        );
    }
}
