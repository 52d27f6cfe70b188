//! JSON documents: the lossless stage.
//!
//! The document is parsed with its key order and the exact text of its numbers kept,
//! then written back minified, except that every array of objects that mostly share
//! keys becomes a *table*, pulled out of the document and printed after it under its
//! path (jq syntax):
//!
//! ```text
//! {"total_count":593,"workflow_runs":@.workflow_runs}
//! @.workflow_runs: 30 rows; in every row "event":"push","run_attempt":1
//! "id","name","head_branch","conclusion","actor.login"
//! 2802600146,"CI","main","failure","octocat"
//! …
//! ```
//!
//! The first line after `@PATH:` names the columns; each row holds one JSON value per
//! column, comma-separated (an empty cell: the key is absent from that item). Nested
//! objects become dotted columns (`actor.login`); values every row shares are stated
//! once. Nothing is dropped, and values keep their meaning: numbers keep their digits
//! (beyond f64 too), strings are re-encoded minimally. A table replaces the array only
//! where it costs fewer tokens.
//!
//! Known gaps, for the rest of issue 3: serde_json writes exponents in a normal form
//! (`2e3` becomes `2e+3`); duplicate keys keep only the last; nesting deeper than
//! serde_json's limit (128) declines the input, which then passes the text path. A
//! raw-text, iterative parser will close all three.
//!
//! Input that is not one JSON document returns `None`: the caller falls back to the
//! line path, never to an error. JSON Lines take the line path from the start (see
//! `detect::sniff`), which streams them with bounded memory.

use serde_json::{Map, Value};

use crate::tokens;

/// An array becomes a table from this many objects on.
const MIN_TABLE_ROWS: usize = 3;
/// Rows must carry, on average, this share of the table's columns.
const MIN_KEY_SHARE: f64 = 0.5;
/// Nested objects are flattened into dotted columns down to this depth.
const MAX_FLATTEN_DEPTH: usize = 3;
/// A nested object with more distinct keys than this stays one JSON cell.
const MAX_FLATTEN_KEYS: usize = 24;
/// Lines of banner (a curl header, a tool's first line) allowed before the JSON.
const MAX_BANNER_LINES: usize = 8;

/// The lossless view of a JSON input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonView {
    /// A short description for the header: `object with 2 keys`, `array of 45`.
    pub shape: String,
    /// How many tables the body holds.
    pub tables: usize,
    /// The view itself, ending with a newline.
    pub body: String,
}

/// The lossless view of `bytes`, or `None` when they are not one JSON document.
pub fn compress(bytes: &[u8]) -> Option<JsonView> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (banner, json) = split_banner(text)?;
    let mut writer = Writer::default();
    let value: Value = serde_json::from_str(json).ok()?;
    let shape = match &value {
        Value::Array(items) => format!("array of {}", items.len()),
        Value::Object(map) => format!("object with {} keys", map.len()),
        _ => "scalar".to_string(),
    };
    writer.document(&value, ".");
    let mut body = String::with_capacity(json.len() / 2);
    body.push_str(banner);
    body.push_str(&writer.out);
    Some(JsonView {
        shape,
        tables: writer.tables,
        body,
    })
}

/// Splits off up to [`MAX_BANNER_LINES`] lines of non-JSON before the first line that
/// opens an object or array.
fn split_banner(text: &str) -> Option<(&str, &str)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n').take(MAX_BANNER_LINES + 1) {
        if matches!(line.trim_start().as_bytes().first(), Some(b'{' | b'[')) {
            return Some((&text[..offset], &text[offset..]));
        }
        offset += line.len();
    }
    None
}

/// Writes the view: the document with tables replaced by `@PATH`, then the tables.
#[derive(Default)]
struct Writer {
    out: String,
    tables: usize,
    /// Tables found while writing the document, written after it.
    pending: Vec<(String, String)>,
}

impl Writer {
    fn document(&mut self, value: &Value, root: &str) {
        let mut doc = String::new();
        self.value(value, root, &mut doc);
        let root_is_table = doc == format!("@{root}");
        if !root_is_table {
            self.out.push_str(&doc);
            self.out.push('\n');
        }
        for (_, table) in std::mem::take(&mut self.pending) {
            self.out.push_str(&table);
        }
    }

    /// Writes `value` minified into `out`, pulling qualifying arrays out as tables.
    fn value(&mut self, value: &Value, path: &str, out: &mut String) {
        match value {
            Value::Array(items) => {
                if let Some(table) = table(items, path) {
                    let minified = minify(value);
                    if tokens::estimate(table.as_bytes()) < tokens::estimate(minified.as_bytes()) {
                        out.push('@');
                        out.push_str(path);
                        self.tables += 1;
                        self.pending.push((path.to_string(), table));
                        return;
                    }
                }
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.value(item, &index_path(path, i), out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (key, item)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&minify(&Value::String(key.clone())));
                    out.push(':');
                    self.value(item, &key_path(path, key), out);
                }
                out.push('}');
            }
            scalar => out.push_str(&minify(scalar)),
        }
    }
}

fn minify(value: &Value) -> String {
    serde_json::to_string(value).expect("a parsed value serialises")
}

/// `.a.b` + `c` → `.a.b.c`; keys that are not identifiers are quoted: `.a["x y"]`.
pub fn key_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    let base = if path == "." { "" } else { path };
    if plain {
        format!("{base}.{key}")
    } else {
        format!("{base}[{}]", minify(&Value::String(key.to_string())))
    }
}

/// `.a` + 3 → `.a[3]`.
pub fn index_path(path: &str, index: usize) -> String {
    let base = if path == "." { "" } else { path };
    format!("{base}[{index}]")
}

/// A column of a table: a dotted key path into each row.
type Column = Vec<String>;

/// The table rendering of `items` at `path`, when they are objects that mostly share
/// their keys.
fn table(items: &[Value], path: &str) -> Option<String> {
    if items.len() < MIN_TABLE_ROWS {
        return None;
    }
    let rows: Vec<&Map<String, Value>> =
        items.iter().map(Value::as_object).collect::<Option<_>>()?;
    let mut columns: Vec<Column> = Vec::new();
    collect_columns(&rows, &mut Vec::new(), &mut columns, 0);
    if columns.is_empty() {
        return None;
    }
    let cells: usize = rows.iter().map(|r| count_leaves(r, 0)).sum();
    if (cells as f64) < MIN_KEY_SHARE * (rows.len() * columns.len()) as f64 {
        return None;
    }
    // Columns with one value present in every row are stated once.
    let mut constant: Vec<(Column, &Value)> = Vec::new();
    columns.retain(|column| {
        let first = lookup(rows[0], column);
        match first {
            Some(v) if rows.iter().all(|r| lookup(r, column) == Some(v)) => {
                constant.push((column.clone(), v));
                false
            }
            _ => true,
        }
    });
    let mut out = format!("@{path}: {} rows", rows.len());
    if !constant.is_empty() {
        out.push_str("; in every row ");
        let parts: Vec<String> = constant
            .iter()
            .map(|(c, v)| format!("{}:{}", minify(&Value::String(c.join("."))), minify(v)))
            .collect();
        out.push_str(&parts.join(","));
    }
    out.push('\n');
    let header: Vec<String> = columns
        .iter()
        .map(|c| minify(&Value::String(c.join("."))))
        .collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for row in &rows {
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if let Some(v) = lookup(row, column) {
                out.push_str(&minify(v));
            }
        }
        out.push('\n');
    }
    Some(out)
}

/// The union of the rows' key paths, in first-seen order; objects nested in every
/// row where present (and not too varied) are flattened into dotted paths.
fn collect_columns(
    rows: &[&Map<String, Value>],
    prefix: &mut Vec<String>,
    columns: &mut Vec<Column>,
    depth: usize,
) {
    let mut keys: Vec<&String> = Vec::new();
    for row in rows {
        for key in row.keys() {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    for key in keys {
        let nested: Vec<&Map<String, Value>> = rows
            .iter()
            .filter_map(|r| r.get(key))
            .filter_map(Value::as_object)
            .collect();
        let present = rows.iter().filter(|r| r.contains_key(key)).count();
        let distinct: usize = {
            let mut seen: Vec<&String> = Vec::new();
            for m in &nested {
                for k in m.keys() {
                    if !seen.contains(&k) {
                        seen.push(k);
                    }
                }
            }
            seen.len()
        };
        prefix.push(key.clone());
        if depth < MAX_FLATTEN_DEPTH
            && !nested.is_empty()
            && nested.len() == present
            && distinct <= MAX_FLATTEN_KEYS
            && distinct > 0
        {
            collect_columns(&nested, prefix, columns, depth + 1);
        } else {
            columns.push(prefix.clone());
        }
        prefix.pop();
    }
}

/// How many cells a row fills, counting flattened objects' leaves.
fn count_leaves(row: &Map<String, Value>, depth: usize) -> usize {
    row.values()
        .map(|v| match v {
            Value::Object(m) if depth < MAX_FLATTEN_DEPTH && !m.is_empty() => {
                count_leaves(m, depth + 1)
            }
            _ => 1,
        })
        .sum()
}

/// The value at a dotted column in a row, if present.
fn lookup<'a>(row: &'a Map<String, Value>, column: &[String]) -> Option<&'a Value> {
    let (last, parents) = column.split_last()?;
    let mut map = row;
    for key in parents {
        map = map.get(key)?.as_object()?;
    }
    map.get(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(text: &str) -> String {
        compress(text.as_bytes()).expect("json").body
    }

    #[test]
    fn objects_are_minified_with_order_and_number_text_kept() {
        let v = view("{\n  \"b\": 1.50,\n  \"a\": [1, -0.0, 18446744073709551616],\n  \"s\": \"x\\u00e9\"\n}");
        assert_eq!(
            v,
            "{\"b\":1.50,\"a\":[1,-0.0,18446744073709551616],\"s\":\"xé\"}\n"
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

    #[test]
    fn absent_keys_are_empty_cells_and_null_stays_null() {
        let v = view(r#"[{"a":1,"b":null},{"a":2},{"a":3,"b":"x"},{"a":4,"b":"y"}]"#);
        assert_eq!(v, "@.: 4 rows\n\"a\",\"b\"\n1,null\n2,\n3,\"x\"\n4,\"y\"\n");
    }

    #[test]
    fn banners_are_kept_and_json_lines_declined() {
        let v =
            view("HTTP/1.1 200 OK\n\n[{\"a\":1,\"b\":2},{\"a\":2,\"b\":3},{\"a\":3,\"b\":4}]\n");
        assert!(v.starts_with("HTTP/1.1 200 OK\n\n@.: 3 rows\n"), "{v}");
        assert_eq!(compress(b"{\"a\":1}\n{\"a\":2}\n"), None);
    }

    #[test]
    fn not_json_is_declined() {
        assert_eq!(compress(b"plain text\n{ not json"), None);
        assert_eq!(compress(b"{\"truncated\": [1, 2"), None);
    }

    #[test]
    fn paths_follow_jq() {
        assert_eq!(key_path(".", "items"), ".items");
        assert_eq!(key_path(".a", "x y"), ".a[\"x y\"]");
        assert_eq!(index_path(".items", 3), ".items[3]");
        assert_eq!(index_path(".", 0), "[0]");
    }
}
