//! Arrays of objects that mostly share keys, as tables.
//!
//! ```text
//! @.workflow_runs: 30 rows; in every row "event":"push","run_attempt":1
//! "id","name","head_branch","conclusion","actor.login"
//! 2802600146,"CI","main","failure","octocat"
//! ```
//!
//! The line after `@PATH:` names the columns; each row holds one JSON value per
//! column, comma-separated (an empty cell: the key is absent from that item). Nested
//! objects that every row has become dotted columns (`actor.login`); values every
//! row shares are stated once. Keys are written once instead of once per item, which
//! is where the saving comes from; nothing is dropped.

use crate::hash::{FastMap, FastSet};
use crate::json::{quote, Member, Node};

/// An array becomes a table from this many objects on.
const MIN_TABLE_ROWS: usize = 3;
/// Rows must carry, on average, this share of the table's columns.
const MIN_KEY_SHARE: f64 = 0.5;
/// Nested objects are flattened into dotted columns down to this depth.
const MAX_FLATTEN_DEPTH: usize = 3;
/// A nested object with more distinct keys than this stays one JSON cell.
const MAX_FLATTEN_KEYS: usize = 24;
/// Columns whose cells average more bytes than this are written last.
const LONG_CELL: usize = 120;
/// Rows looked at to judge a column's cell sizes.
const SAMPLE_ROWS: usize = 1000;
/// A table has at most this many columns; more varied objects stay JSON.
const MAX_COLUMNS: usize = 256;

/// A column: the raw keys leading from a row to its cell.
pub type Column<'a> = Vec<&'a str>;

/// How an array of objects is laid out as a table.
#[derive(Debug)]
pub struct Table<'a> {
    pub columns: Vec<Column<'a>>,
    /// Columns with the same value in every row, stated once.
    pub constant: Vec<(Column<'a>, &'a Node<'a>)>,
}

impl<'a> Table<'a> {
    /// The table layout of `items`, when they are objects that mostly share keys.
    pub fn detect(items: &'a [Node<'a>]) -> Option<Table<'a>> {
        if items.len() < MIN_TABLE_ROWS {
            return None;
        }
        let rows: Vec<&'a [Member<'a>]> =
            items.iter().map(Node::as_object).collect::<Option<_>>()?;
        let mut columns = Vec::new();
        collect_columns(&rows, &mut Vec::new(), &mut columns, 0)?;
        if columns.is_empty() {
            return None;
        }
        let cells: usize = rows.iter().map(|r| count_leaves(r, 0)).sum();
        if (cells as f64) < MIN_KEY_SHARE * (rows.len() * columns.len()) as f64 {
            return None;
        }
        // Long text (patches, bodies) goes last, after the columns that identify a row.
        let sample = &rows[..rows.len().min(SAMPLE_ROWS)];
        let long = |column: &Column| {
            let total: usize = sample
                .iter()
                .map(|r| lookup(r, column).map_or(0, |v| v.len))
                .sum();
            total > LONG_CELL * sample.len()
        };
        let (mut short, long): (Vec<Column>, Vec<Column>) =
            columns.into_iter().partition(|c| !long(c));
        short.extend(long);
        let mut columns = short;
        let mut constant = Vec::new();
        columns.retain(|column| {
            let first = lookup(rows[0], column);
            match first {
                Some(v)
                    if !v.is_container() && rows.iter().all(|r| lookup(r, column) == Some(v)) =>
                {
                    constant.push((column.clone(), v));
                    false
                }
                _ => true,
            }
        });
        Some(Table { columns, constant })
    }

    /// The `@PATH:` line: the row count and the constant columns.
    pub fn title(&self, path: &str, rows: usize) -> String {
        let mut out = format!("@{path}: {} rows", rows);
        if !self.constant.is_empty() {
            out.push_str("; in every row ");
            let parts: Vec<String> = self
                .constant
                .iter()
                .map(|(c, v)| format!("{}:{}", column_name(c), v.minified()))
                .collect();
            out.push_str(&parts.join(","));
        }
        out
    }

    /// The header line: the column names, JSON-quoted.
    pub fn header(&self) -> String {
        let names: Vec<String> = self.columns.iter().map(|c| column_name(c)).collect();
        names.join(",")
    }
}

/// A column's name: its keys, unescaped, joined by dots, as one JSON string.
pub fn column_name(column: &[&str]) -> String {
    let keys: Vec<String> = column
        .iter()
        .map(|k| crate::json::unquote(k).into_owned())
        .collect();
    quote(&keys.join("."))
}

/// The union of the rows' key paths, in first-seen order; objects nested in every
/// row where present (and not too varied) are flattened into dotted paths. `None`
/// when there are too many columns for a table.
fn collect_columns<'a>(
    rows: &[&'a [Member<'a>]],
    prefix: &mut Vec<&'a str>,
    columns: &mut Vec<Column<'a>>,
    depth: usize,
) -> Option<()> {
    /// What the rows hold under one key.
    struct Key<'a> {
        key: &'a str,
        present: usize,
        nested: Vec<&'a [Member<'a>]>,
    }
    let mut keys: Vec<Key<'a>> = Vec::new();
    let mut index: FastMap<&'a str, usize> = FastMap::default();
    for row in rows {
        // Rows mostly list their keys in the same order: try the same position
        // before the map. A row whose keys all sit where the first rows put them
        // has no repeated key; any other row is checked.
        let mut in_order = true;
        for (j, member) in row.iter().enumerate() {
            let k = match keys.get(j) {
                Some(k) if k.key == member.key => j,
                _ => {
                    in_order = false;
                    *index.entry(member.key).or_insert_with(|| {
                        keys.push(Key {
                            key: member.key,
                            present: 0,
                            nested: Vec::new(),
                        });
                        keys.len() - 1
                    })
                }
            };
            if keys.len() > MAX_COLUMNS {
                return None;
            }
            let entry = &mut keys[k];
            entry.present += 1;
            if let Some(obj) = member.value.as_object() {
                entry.nested.push(obj);
            }
        }
        if !in_order && !unique_keys(row) {
            return None;
        }
    }
    for key in keys {
        let mut names: FastSet<&str> = FastSet::default();
        for obj in &key.nested {
            names.extend(obj.iter().map(|m| m.key));
            if names.len() > MAX_FLATTEN_KEYS {
                break;
            }
        }
        let distinct = names.len();
        prefix.push(key.key);
        if depth < MAX_FLATTEN_DEPTH
            && key.nested.len() == key.present
            && distinct > 0
            && distinct <= MAX_FLATTEN_KEYS
            // An empty object would not survive as cells (nor a repeated key, which
            // the nested call declines).
            && key.nested.iter().all(|o| !o.is_empty())
        {
            collect_columns(&key.nested, prefix, columns, depth + 1)?;
        } else {
            columns.push(prefix.clone());
            if columns.len() > MAX_COLUMNS {
                return None;
            }
        }
        prefix.pop();
    }
    Some(())
}

/// True when no key repeats among `members`.
fn unique_keys(members: &[Member]) -> bool {
    if members.len() <= 16 {
        members
            .iter()
            .enumerate()
            .all(|(i, m)| members[..i].iter().all(|o| o.key != m.key))
    } else {
        let mut seen = FastSet::default();
        members.iter().all(|m| seen.insert(m.key))
    }
}

/// How many cells a row fills, counting flattened objects' leaves.
fn count_leaves(row: &[Member], depth: usize) -> usize {
    row.iter()
        .map(|m| match m.value.as_object() {
            Some(obj) if depth < MAX_FLATTEN_DEPTH && !obj.is_empty() => {
                count_leaves(obj, depth + 1)
            }
            _ => 1,
        })
        .sum()
}

/// The value at a column in a row, if present.
pub fn lookup<'a>(row: &'a [Member<'a>], column: &[&str]) -> Option<&'a Node<'a>> {
    let (last, parents) = column.split_last()?;
    let mut members = row;
    for key in parents {
        members = find(members, key)?.as_object()?;
    }
    find(members, last)
}

/// The last member with this raw key (as jq reads duplicates).
fn find<'a>(members: &'a [Member<'a>], key: &str) -> Option<&'a Node<'a>> {
    members
        .iter()
        .rev()
        .find(|m| m.key == key)
        .map(|m| &m.value)
}
