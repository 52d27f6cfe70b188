//! JSON Lines: one JSON value per line, compressed item by item the way JSON arrays
//! are, streamed through the line engine with bounded memory.
//!
//! Pass one parses each line once: the item goes to the JSON [`Ranker`] (first and
//! last items, query matches, error statuses, rare values, outliers, change points;
//! see `compress::json::select`), and its top-level keys teach the columns. Pass two
//! shows the kept lines as rows of one table, the way the JSON compressor writes
//! arrays of objects:
//!
//! ```text
//! @lines: 5,000 rows; in every row "service":"api"
//! "ts","level","msg"
//! "2024-05-01T10:00:00Z","info","started"
//! [… 4,998 lines L2-4999 elided: 4,950 "info", 48 "warn" · headroom-cat … -L 2:4999]
//! ```
//!
//! Line N is item N-1, so `-L A:B` and `--items A-1:B` name the same items. A line
//! that is not an object of the table's keys (a key outside the columns, a repeated
//! key, a line cut at the analysed prefix, not JSON at all) is shown as it is.

use super::json::select::{Item, Ranker};
use super::{Compressor, Context, Picker, Selection};
use crate::json::{self, quote, unquote, Kind, Member, Node};
use crate::marker::{count_of, thousands};
use crate::relevance::Query;

/// Top-level keys tracked as columns, at most.
const MAX_COLUMNS: usize = 64;
/// A table is used when at least this share of the lines fit it.
const MIN_ROW_SHARE: f64 = 0.5;
/// Distinct values of a status-like column that markers break elided lines down by.
const MAX_LABELS: usize = 8;
/// Column names whose values break elided lines down.
const LABEL_NAMES: &[&str] = &["level", "severity", "status", "state", "type", "kind"];

/// A column: a raw top-level key, the value it holds on every line that has it if
/// that is always the same, and how many lines have it.
struct Column {
    key: Box<str>,
    /// The one value seen so far, while every line agrees.
    same: Option<Box<str>>,
    varies: bool,
    present: u64,
    /// For a status-like column (see [`LABEL_NAMES`]): its first few values, raw.
    labels: Option<Vec<Box<str>>>,
}

/// The JSON Lines compressor; see the module documentation.
pub struct NdjsonCompressor {
    ranker: Ranker,
    /// Estimated tokens of each line as a row (without its keys).
    costs: Vec<u32>,
    columns: Vec<Column>,
    /// Lines that fit the columns.
    rows: u64,
    /// Lines that are objects, whether or not they fit.
    objects: u64,
    /// The table, once `select` decides there is one: columns shown, constants.
    table: Option<Layout>,
    /// The header lines still to be written before the first row.
    header_pending: bool,
    /// The column whose values label elided lines (by position).
    label: Option<usize>,
}

/// How kept lines are written as rows.
struct Layout {
    /// Raw keys of the columns shown, in order.
    shown: Vec<Box<str>>,
    /// (raw key, raw value) of the columns with one value on every line.
    constant: Vec<(Box<str>, Box<str>)>,
}

impl NdjsonCompressor {
    pub fn new(query: &Query) -> NdjsonCompressor {
        NdjsonCompressor {
            ranker: Ranker::new(query),
            costs: Vec::new(),
            columns: Vec::new(),
            rows: 0,
            objects: 0,
            table: None,
            header_pending: true,
            label: None,
        }
    }

    /// Learns an object's keys; true when they all are (or now become) columns and
    /// none repeats.
    fn learn(&mut self, members: &[Member]) -> bool {
        let mut fits = true;
        for (j, member) in members.iter().enumerate() {
            let at = match self.columns.get(j) {
                Some(c) if *c.key == *member.key => Some(j),
                _ => self.columns.iter().position(|c| *c.key == *member.key),
            };
            let at = match at {
                Some(at) => at,
                None if self.columns.len() < MAX_COLUMNS => {
                    let name = unquote(member.key);
                    let status_like = LABEL_NAMES.iter().any(|n| name.eq_ignore_ascii_case(n));
                    self.columns.push(Column {
                        key: member.key.into(),
                        same: None,
                        varies: false,
                        present: 0,
                        labels: status_like.then(Vec::new),
                    });
                    self.columns.len() - 1
                }
                None => {
                    fits = false;
                    continue;
                }
            };
            if members[..j].iter().any(|m| m.key == member.key) {
                fits = false;
            }
            let column = &mut self.columns[at];
            column.present += 1;
            if let (Some(labels), Some(value)) = (&mut column.labels, member.value.as_scalar()) {
                if labels.len() < MAX_LABELS && labels.iter().all(|l| **l != *value) {
                    labels.push(value.into());
                }
            }
            if !column.varies {
                let raw = member.value.minified();
                match &column.same {
                    None if column.present == 1 => column.same = Some(raw.into()),
                    Some(same) if **same == raw => {}
                    _ => {
                        column.varies = true;
                        column.same = None;
                    }
                }
            }
        }
        fits
    }

    /// The table layout, when most lines are objects that fit the columns.
    fn layout(&self, lines: u64) -> Option<Layout> {
        if lines < 3 || (self.rows as f64) < MIN_ROW_SHARE * lines as f64 {
            return None;
        }
        let mut layout = Layout {
            shown: Vec::new(),
            constant: Vec::new(),
        };
        for c in &self.columns {
            match &c.same {
                // On every object line, with one value: stated once.
                Some(v) if !c.varies && c.present == self.objects => {
                    layout.constant.push((c.key.clone(), v.clone()))
                }
                _ => layout.shown.push(c.key.clone()),
            }
        }
        Some(layout)
    }

    /// A status-like column most rows have, to break elided lines down by; the
    /// first in [`LABEL_NAMES`] order.
    fn label_column(&self) -> Option<usize> {
        LABEL_NAMES.iter().find_map(|name| {
            self.columns.iter().position(|c| {
                c.labels.is_some()
                    && unquote(&c.key).eq_ignore_ascii_case(name)
                    && c.present * 2 >= self.rows
            })
        })
    }
}

/// The value under a raw top-level key of a line, if the line is an object.
fn value_of<'a>(node: &'a Node<'a>, key: &str) -> Option<&'a Node<'a>> {
    node.as_object()?
        .iter()
        .rev()
        .find(|m| m.key == key)
        .map(|m| &m.value)
}

impl Compressor for NdjsonCompressor {
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32) {
        let text = std::str::from_utf8(line).unwrap_or("");
        let parsed = json::parse(text).ok();
        let mut key_bytes = 0;
        if let Some(Kind::Object(members)) = parsed.as_ref().map(|n| &n.kind) {
            self.objects += 1;
            if self.learn(members) {
                self.rows += 1;
                key_bytes = members.iter().map(|m| m.key.len() + 1).sum::<usize>();
            }
        }
        // Items are numbered by line: a line that is not JSON is an opaque item,
        // still searchable by the query.
        let opaque = Node {
            kind: Kind::Scalar(if text.is_empty() { "null" } else { text }),
            len: text.len(),
        };
        let node = parsed.as_ref().unwrap_or(&opaque);
        debug_assert_eq!(self.ranker.len() as u64, index);
        self.ranker.add(&Item { key: None, node });
        let share = 1.0 - key_bytes as f64 / line.len().max(1) as f64;
        self.costs.push((f64::from(tokens) * share) as u32 + 1);
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        let lines = self.costs.len() as u64;
        self.table = self.layout(lines);
        self.label = self.label_column();
        let mut picker = Picker::new(ctx.budget);
        let ranker = std::mem::replace(&mut self.ranker, Ranker::new(&Query::default()));
        for pick in ranker.finish() {
            let cost = u64::from(self.costs[pick.index]);
            if pick.must {
                picker.must(pick.index as u64, cost, None);
            } else {
                picker.offer(pick.index as u64, cost, None);
            }
        }
        // Then as many lines from the start as fit, as a reader skims.
        for (i, &cost) in self.costs.iter().enumerate() {
            if !picker.offer(i as u64, u64::from(cost), None) {
                break;
            }
        }
        let mut header = format!("[json lines: {}", count_of(lines, "item", "items"));
        if let Some(table) = &self.table {
            header.push_str(&format!(
                " · {} of {} columns",
                count_of(self.rows, "row", "rows"),
                thousands(table.shown.len() as u64)
            ));
        }
        if picker.over_budget() {
            header.push_str(" · over budget: must-keep items");
        }
        header.push(']');
        picker.finish(Some(header))
    }

    fn label(&self, _index: u64, line: &[u8]) -> Option<&str> {
        let column = &self.columns[self.label?];
        let node = json::parse(std::str::from_utf8(line).ok()?).ok()?;
        let value = value_of(&node, &column.key)?.as_scalar()?;
        // Labels are the column's first few values; the rest count as "other".
        column
            .labels
            .as_ref()?
            .iter()
            .find(|v| ***v == *value)
            .map(|v| &**v)
    }

    fn show(&mut self, _index: u64, line: &[u8], out: &mut Vec<u8>) {
        let Some(table) = &self.table else {
            out.extend_from_slice(line);
            return;
        };
        if std::mem::take(&mut self.header_pending) {
            let mut title = format!("@lines: {} rows", thousands(self.rows));
            if !table.constant.is_empty() {
                let parts: Vec<String> = table
                    .constant
                    .iter()
                    .map(|(k, v)| format!("{}:{v}", quote(&unquote(k))))
                    .collect();
                title.push_str("; in every row ");
                title.push_str(&parts.join(","));
            }
            let names: Vec<String> = table.shown.iter().map(|k| quote(&unquote(k))).collect();
            out.extend_from_slice(format!("{title}\n{}\n", names.join(",")).as_bytes());
        }
        match row(table, line) {
            Some(row) => out.extend_from_slice(row.as_bytes()),
            None => out.extend_from_slice(line),
        }
    }
}

/// A line as a table row: one cell per shown column, empty where the key is absent;
/// `None` when the line does not fit (then it is shown as it is).
fn row(table: &Layout, line: &[u8]) -> Option<String> {
    let node = json::parse(std::str::from_utf8(line).ok()?).ok()?;
    let members = node.as_object()?;
    let mut used = 0;
    let mut out = String::with_capacity(line.len());
    for (c, key) in table.shown.iter().enumerate() {
        if c > 0 {
            out.push(',');
        }
        if let Some(m) = members.iter().find(|m| *m.key == **key) {
            m.value.write_minified(&mut out);
            used += 1;
        }
    }
    for (key, value) in &table.constant {
        match members.iter().find(|m| *m.key == **key) {
            Some(m) if m.value.minified() == **value => used += 1,
            _ => return None,
        }
    }
    // Every member accounted for exactly once: nothing outside the columns, no
    // repeated key.
    (used == members.len()).then_some(out)
}
