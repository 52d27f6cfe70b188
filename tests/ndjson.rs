//! JSON Lines through the whole process: kept lines become table rows that hold
//! exactly the original line's members, elided lines are counted by markers, and
//! retrieval by lines or items gives the originals back.

mod common;

use common::{assert_success, bin, lines_of, marker_hash, read_fixture, run_with_input};
use serde_json::{Map, Value};

/// Reads one table row back into an object: one JSON value per column, an empty cell
/// where the line has no such key, plus the constant columns of the title.
fn row_to_object(row: &str, columns: &[String], constant: &Map<String, Value>) -> Value {
    let mut object = constant.clone();
    let mut rest = row;
    for (c, column) in columns.iter().enumerate() {
        if c > 0 {
            rest = rest
                .strip_prefix(',')
                .unwrap_or_else(|| panic!("cell {c} of {row}"));
        }
        if rest.is_empty() || rest.starts_with(',') {
            continue; // an empty cell: the key is absent
        }
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        let value = values
            .next()
            .unwrap_or_else(|| panic!("no value in {rest}"))
            .expect("a JSON cell");
        rest = &rest[values.byte_offset()..];
        object.insert(column.clone(), value);
    }
    assert!(rest.is_empty(), "row {row} has more cells than columns");
    Value::Object(object)
}

/// The `(first, last)` 1-based lines of a line marker.
fn marker_range(line: &str) -> Option<(usize, usize)> {
    let at = line.find(" -L ")? + 4;
    let (a, b) = line[at..].trim_end_matches(']').split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Checks that the view accounts for every input line: each row equals (as JSON) the
/// next unaccounted line, each marker covers the lines after it; returns the number
/// of rows shown.
fn assert_rows_account_for_every_line(input: &[u8], view: &str) -> usize {
    let originals = lines_of(input);
    let mut lines = view.lines();
    let header = lines.next().expect("header");
    assert!(header.starts_with("[json lines: "), "{header}");
    let title = lines.next().expect("title");
    let constant: Map<String, Value> = match title.split_once("; in every row ") {
        Some((_, members)) => serde_json::from_str(&format!("{{{members}}}")).expect("constants"),
        None => Map::new(),
    };
    let columns: Vec<String> =
        serde_json::from_str(&format!("[{}]", lines.next().expect("columns"))).expect("names");
    let (mut next, mut rows) = (1usize, 0);
    for line in lines {
        if let Some((a, b)) = marker_range(line).filter(|_| line.starts_with("[… ")) {
            assert_eq!(a, next, "marker {line} should start at L{next}");
            next = b + 1;
            continue;
        }
        let original: Value = serde_json::from_slice(originals[next - 1]).expect("JSON line");
        assert_eq!(
            row_to_object(line, &columns, &constant),
            original,
            "row for line {next}"
        );
        next += 1;
        rows += 1;
    }
    assert_eq!(next - 1, originals.len(), "lines accounted for");
    rows
}

#[test]
fn cargo_json_messages_become_rows_equal_to_their_lines() {
    let input = read_fixture("cargo-check-headroom.jsonl");
    let dir = tempfile::tempdir().unwrap();
    for budget in ["100000", "4000", "600"] {
        let out = run_with_input(bin("headroom", dir.path()).args(["-b", budget]), &input);
        let view = String::from_utf8(out.stdout).unwrap();
        let rows = assert_rows_account_for_every_line(&input, &view);
        if budget == "100000" {
            assert_eq!(rows, lines_of(&input).len(), "lossless: every line a row");
        } else {
            assert!(view.contains(" elided"), "budget {budget}: {view}");
        }
    }
}

#[test]
fn errors_outliers_and_query_matches_are_kept_and_markers_break_down_by_level() {
    let mut input = String::new();
    for i in 0..3000 {
        let (level, status, ms) = match i {
            1717 => ("error", 503, 31),
            2222 => ("info", 200, 9000),
            _ => (["info", "debug"][i % 2], 200, 10 + i % 30),
        };
        input.push_str(&format!(
            r#"{{"ts":"2024-05-01T10:{:02}:{:02}Z","level":"{level}","svc":"api","req":"r{i}","status":{status},"ms":{ms}}}"#,
            i / 60 % 60,
            i % 60
        ));
        input.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let out = run_with_input(
        bin("headroom", dir.path()).args(["-q", "what happened to r2500"]),
        input.as_bytes(),
    );
    let view = String::from_utf8(out.stdout).unwrap();
    assert_rows_account_for_every_line(input.as_bytes(), &view);
    assert!(view.contains(r#""error","r1717",503,31"#), "{view}");
    assert!(view.contains(r#","r2222",200,9000"#), "{view}");
    assert!(view.contains(r#","r2500","#), "{view}");
    assert!(view.contains("; in every row \"svc\":\"api\""), "{view}");
    let marker = view
        .lines()
        .find(|l| l.contains(" elided"))
        .expect("a marker");
    assert!(
        marker.contains(" \"info\"") && marker.contains(" \"debug\""),
        "{marker}"
    );

    // Items are lines: `--items A:B` is `-L A+1:B`.
    let hash = marker_hash(view.as_bytes()).expect("hash");
    let cat = |args: &[&str]| {
        let out = bin("headroom-cat", dir.path())
            .arg(&hash)
            .args(args)
            .output()
            .unwrap();
        assert_success(&out);
        out.stdout
    };
    let items = cat(&["--items", "100:200"]);
    assert_eq!(items, cat(&["-L", "101:200"]));
    assert_eq!(lines_of(&items), lines_of(input.as_bytes())[100..200]);
}

#[test]
fn lines_that_do_not_fit_the_table_are_shown_as_they_are() {
    let mut input = String::new();
    for i in 0..400 {
        input.push_str(&format!(r#"{{"id":{i},"name":"item {i}","ok":true}}"#));
        input.push('\n');
    }
    input.push_str("{\"id\":400,\"id\":401}\n"); // a repeated key
    input.push_str("not json at all\n");
    let dir = tempfile::tempdir().unwrap();
    let out = run_with_input(
        bin("headroom", dir.path()).args(["-b", "100000"]),
        input.as_bytes(),
    );
    let view = String::from_utf8(out.stdout).unwrap();
    assert!(
        view.contains("\n{\"id\":400,\"id\":401}\nnot json at all\n"),
        "{view}"
    );
    assert!(view.contains("\n399,\"item 399\",true\n"), "{view}");
}
