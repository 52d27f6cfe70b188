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
//!
//! Rows of different kinds (Kubernetes objects by `kind`, events by `type`) would
//! share one wide header and leave most cells empty. When one key tells the kinds
//! apart and its own headers make the table smaller, each kind gets a header line and
//! every row starts with its kind's value, in the array's order:
//!
//! ```text
//! @.items: 3 rows of 2 kinds by "kind"
//! "kind":"Pod" (2 rows): "metadata.name","status.phase"
//! "kind":"Service" (1 row): "metadata.name","spec.clusterIP"
//! "Pod","web-1","Running"
//! "Service","web","10.0.0.7"
//! "Pod","web-2","Pending"
//! ```

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
/// Kinds a discriminating key may have.
const MAX_KINDS: usize = 8;
/// A table is split by kind only when that makes it at most this share of its size.
const KINDS_GAIN: f64 = 0.8;

/// A column: the raw keys leading from a row to its cell.
pub type Column<'a> = Vec<&'a str>;

/// How an array of objects is laid out as a table.
#[derive(Debug)]
pub struct Table<'a> {
    /// Every column, in header order (with kinds: the union of the kinds' columns).
    pub columns: Vec<Column<'a>>,
    /// Columns with the same value in every row, stated once.
    pub constant: Vec<(Column<'a>, &'a Node<'a>)>,
    /// Rows of different kinds, each with its own columns.
    pub kinds: Option<Kinds<'a>>,
}

/// A table whose rows are told apart by one key.
#[derive(Debug)]
pub struct Kinds<'a> {
    /// The discriminating key, raw (`"kind"`).
    pub key: &'a str,
    pub kinds: Vec<KindLayout<'a>>,
}

/// The layout of one kind of row.
#[derive(Debug)]
pub struct KindLayout<'a> {
    /// The key's value for this kind, raw (`"Pod"`).
    pub value: &'a str,
    pub rows: usize,
    /// Its columns, in the table's order.
    pub columns: Vec<Column<'a>>,
    /// Columns with the same value in every row of this kind, stated once.
    pub constant: Vec<(Column<'a>, &'a Node<'a>)>,
}

/// A table's layout before long columns are moved last and constants stated once.
struct Layout<'a> {
    columns: Vec<Column<'a>>,
    /// Cells the rows fill.
    cells: usize,
}

impl<'a> Layout<'a> {
    fn of(rows: &[&'a [Member<'a>]]) -> Option<Layout<'a>> {
        let mut columns = Vec::new();
        collect_columns(rows, &mut Vec::new(), &mut columns, 0)?;
        let cells = rows.iter().map(|r| count_leaves(r, 0)).sum();
        Some(Layout { columns, cells })
    }

    /// About the bytes the layout spends on structure: one comma per empty cell and
    /// the header's names.
    fn overhead(&self, rows: usize) -> usize {
        let empty = (rows * self.columns.len()).saturating_sub(self.cells);
        let names: usize = self.columns.iter().map(|c| column_name(c).len() + 1).sum();
        empty + names
    }
}

impl<'a> Table<'a> {
    /// The table layout of `items`, when they are objects that mostly share keys (or
    /// of a few kinds told apart by one key).
    pub fn detect(items: &'a [Node<'a>]) -> Option<Table<'a>> {
        if items.len() < MIN_TABLE_ROWS {
            return None;
        }
        let rows: Vec<&'a [Member<'a>]> =
            items.iter().map(Node::as_object).collect::<Option<_>>()?;
        let single = Layout::of(&rows).filter(|l| !l.columns.is_empty());
        let dense = single.as_ref().is_some_and(|l| {
            l.cells as f64 >= MIN_KEY_SHARE * (rows.len() * l.columns.len()) as f64
        });
        let by_kind = single
            .as_ref()
            .is_none_or(|l| l.cells < rows.len() * l.columns.len())
            .then(|| split_by_kind(&rows))
            .flatten();
        match (single, by_kind) {
            (single, Some((kinds, overhead)))
                if !dense
                    || single.as_ref().is_some_and(|l| {
                        (overhead as f64) < KINDS_GAIN * l.overhead(rows.len()) as f64
                    }) =>
            {
                Some(kinds)
            }
            (Some(single), _) if dense => {
                let (columns, constant) = arrange(single.columns, &rows);
                Some(Table {
                    columns,
                    constant,
                    kinds: None,
                })
            }
            _ => None,
        }
    }

    /// The `@PATH:` line: the row count, the kinds and the constant columns.
    pub fn title(&self, path: &str, rows: usize) -> String {
        let mut out = format!("@{path}: {rows} rows");
        if let Some(kinds) = &self.kinds {
            out.push_str(&format!(
                " of {} kinds by {}",
                kinds.kinds.len(),
                column_name(&[kinds.key])
            ));
        }
        push_constants(&mut out, &self.constant);
        out
    }

    /// The header: the column names, JSON-quoted; with kinds, one line per kind.
    pub fn header(&self) -> String {
        let names = |columns: &[Column]| {
            let names: Vec<String> = columns.iter().map(|c| column_name(c)).collect();
            names.join(",")
        };
        let Some(kinds) = &self.kinds else {
            return names(&self.columns);
        };
        let lines: Vec<String> = kinds
            .kinds
            .iter()
            .map(|k| {
                let mut line = format!(
                    "{}:{} ({})",
                    column_name(&[kinds.key]),
                    k.value,
                    crate::marker::count_of(k.rows as u64, "row", "rows"),
                );
                if !k.columns.is_empty() {
                    line.push_str(": ");
                    line.push_str(&names(&k.columns));
                }
                push_constants(&mut line, &k.constant);
                line
            })
            .collect();
        lines.join("\n")
    }

    /// The columns a row fills, and with kinds the kind's value that starts the row.
    pub fn layout_of(&self, row: &[Member<'a>]) -> (Option<&'a str>, &[Column<'a>]) {
        let Some(kinds) = &self.kinds else {
            return (None, &self.columns);
        };
        let value = find(row, kinds.key).and_then(Node::as_scalar);
        match kinds.kinds.iter().find(|k| Some(k.value) == value) {
            Some(k) => (Some(k.value), &k.columns),
            None => (None, &self.columns),
        }
    }

    /// Removes a column from the table and from every kind.
    pub fn remove_column(&mut self, c: usize) -> Column<'a> {
        let column = self.columns.remove(c);
        if let Some(kinds) = &mut self.kinds {
            for k in &mut kinds.kinds {
                k.columns.retain(|other| *other != column);
            }
        }
        column
    }

    /// The column that tells the kinds apart, if the rows have kinds.
    pub fn kind_column(&self) -> Option<Column<'a>> {
        self.kinds.as_ref().map(|k| vec![k.key])
    }
}

/// Appends `; in every row "a":1,"b":2` for constant columns.
fn push_constants(out: &mut String, constant: &[(Column, &Node)]) {
    if constant.is_empty() {
        return;
    }
    out.push_str("; in every row ");
    let parts: Vec<String> = constant
        .iter()
        .map(|(c, v)| format!("{}:{}", column_name(c), v.minified()))
        .collect();
    out.push_str(&parts.join(","));
}

/// Orders columns (long text such as patches and bodies last, after the columns that
/// identify a row) and takes out those with one value in every row.
fn arrange<'a>(
    columns: Vec<Column<'a>>,
    rows: &[&'a [Member<'a>]],
) -> (Vec<Column<'a>>, Vec<(Column<'a>, &'a Node<'a>)>) {
    let sample = &rows[..rows.len().min(SAMPLE_ROWS)];
    let long = |column: &Column| {
        let total: usize = sample
            .iter()
            .map(|r| lookup(r, column).map_or(0, |v| v.len))
            .sum();
        total > LONG_CELL * sample.len()
    };
    let (mut columns, long): (Vec<Column>, Vec<Column>) =
        columns.into_iter().partition(|c| !long(c));
    columns.extend(long);
    let mut constant = Vec::new();
    columns.retain(|column| match lookup(rows[0], column) {
        Some(v) if !v.is_container() && rows.iter().all(|r| lookup(r, column) == Some(v)) => {
            constant.push((column.clone(), v));
            false
        }
        _ => true,
    });
    (columns, constant)
}

/// The best split of `rows` into kinds by one top-level key present in every row
/// with a string value, 2 to [`MAX_KINDS`] of them, each kind with its own columns;
/// with its overhead (see [`Layout::overhead`]).
fn split_by_kind<'a>(rows: &[&'a [Member<'a>]]) -> Option<(Table<'a>, usize)> {
    let mut best: Option<(Table<'a>, usize)> = None;
    for member in rows[0] {
        let key = member.key;
        let mut groups: Vec<(&'a str, Vec<&'a [Member<'a>]>)> = Vec::new();
        let discriminates = rows.iter().all(|row| {
            let Some(value) = find(row, key)
                .and_then(Node::as_scalar)
                .filter(|v| v.starts_with('"'))
            else {
                return false;
            };
            match groups.iter().position(|(v, _)| *v == value) {
                Some(g) => groups[g].1.push(row),
                None if groups.len() < MAX_KINDS => groups.push((value, vec![row])),
                None => return false,
            }
            true
        });
        if !discriminates || groups.len() < 2 {
            continue;
        }
        let mut overhead = 0;
        let mut kinds = Vec::new();
        let mut union: Vec<Column<'a>> = Vec::new();
        for (value, members) in &groups {
            let Some(layout) = Layout::of(members) else {
                overhead = usize::MAX;
                break;
            };
            // The kind cell that starts each row replaces the key's own column.
            overhead += layout.overhead(members.len());
            let (mut columns, constant) = arrange(layout.columns, members);
            columns.retain(|c| c.as_slice() != [key]);
            for c in &columns {
                if !union.contains(c) {
                    union.push(c.clone());
                }
            }
            kinds.push(KindLayout {
                value,
                rows: members.len(),
                columns,
                constant: constant
                    .into_iter()
                    .filter(|(c, _)| c.as_slice() != [key])
                    .collect(),
            });
        }
        if overhead == usize::MAX || best.as_ref().is_some_and(|(_, o)| *o <= overhead) {
            continue;
        }
        let table = Table {
            columns: union,
            constant: Vec::new(),
            kinds: Some(Kinds { key, kinds }),
        };
        best = Some((table, overhead));
    }
    best
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
