//! The search and listing views on real tool output (see fixtures/README.md): golden
//! snapshots, and checks that the re-encoded views (paths printed once as headings,
//! rg's JSON rendered as `line:text`) still account for every input line.

mod common;

use common::{filter_fixture, lines_of, read_fixture};

fn view(name: &str, query: Option<&str>, budget: u64) -> String {
    let (_, out, _) = filter_fixture(name, query, budget);
    String::from_utf8(out).expect("these fixtures are UTF-8")
}

/// `[… N lines LA-B elided…]` → (A, B), checking N.
fn marker_range(line: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix("[… ")?;
    let (count, rest) = rest.split_once(' ')?;
    let count: usize = count.replace(',', "").parse().ok()?;
    let range = rest.split_once(" L")?.1.split(' ').next()?;
    let (a, b) = range.split_once('-')?;
    let (a, b): (usize, usize) = (a.parse().ok()?, b.parse().ok()?);
    assert_eq!(b - a + 1, count, "{line}");
    Some((a, b))
}

/// Drops what the view appends to a kept line: a `[×N similar]` note, a heading's
/// `(N matches)` or directory summary.
fn strip_note(line: &str) -> &str {
    let line = match line.rfind("  [×") {
        Some(at) if line.ends_with(" similar]") => &line[..at],
        _ => line,
    };
    match line.rfind("  (") {
        Some(at) if line.ends_with(')') => &line[..at],
        _ => line,
    }
}

/// Every input line is shown, in order, either as it is or re-encoded under a
/// heading (`path` then `12:text` for `path:12:text`; a directory `dir/` then
/// `  name` for `dir/name`), or lies in exactly one marker's range.
fn assert_grouped_view_accounts_for_every_line(input: &[u8], view: &str) {
    let clean: Vec<String> = lines_of(input)
        .iter()
        .map(|l| String::from_utf8_lossy(&headroom::lines::clean(l)).into_owned())
        .collect();
    let mut next = 0usize;
    let mut heading: Option<String> = None;
    for (k, line) in view.lines().enumerate() {
        if k == 0 {
            continue;
        }
        if let Some((a, b)) = marker_range(line) {
            assert_eq!(a, next + 1, "marker {line:?} out of order");
            next = b;
            continue;
        }
        let body = strip_note(line);
        let want = clean.get(next).map(String::as_str);
        if want == Some(body) {
            next += 1;
            continue;
        }
        let grouped = heading.as_ref().and_then(|h| {
            let digits = body.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && matches!(body.as_bytes().get(digits), Some(b':' | b'-')) {
                let sep = &body[digits..digits + 1];
                Some(format!(
                    "{h}{sep}{}{sep}{}",
                    &body[..digits],
                    &body[digits + 1..]
                ))
            } else {
                body.strip_prefix("  ").map(|name| format!("{h}{name}"))
            }
        });
        if grouped.is_some() && grouped.as_deref() == want {
            next += 1;
            continue;
        }
        // A heading: the next input line must start with it.
        let h = body.to_string();
        let h = if h.ends_with('/') { h } else { h + ":" };
        assert!(
            want.is_some_and(|w| w.starts_with(&h) || w.starts_with(&h[..h.len() - 1])),
            "view line {k} {line:?} is neither input line {} {want:?} nor a heading for it",
            next + 1
        );
        heading = Some(if h.ends_with('/') {
            h
        } else {
            h[..h.len() - 1].to_string()
        });
    }
    assert_eq!(
        next,
        clean.len(),
        "view accounts for {next} of {} lines",
        clean.len()
    );
}

const SEARCH_FIXTURES: [&str; 4] = [
    "search-rg-unsafe-fn.txt",
    "search-grep-context-panic.txt",
    "search-rg-heading-todo.txt",
    "search-git-grep-pub-fn.txt",
];

#[test]
fn search_views_account_for_every_line() {
    for name in SEARCH_FIXTURES {
        for budget in [300, 1500, 4000] {
            let v = view(name, None, budget);
            if v.as_bytes() == read_fixture(name) {
                // Shown as it came: the view would not have saved enough.
                assert_eq!(budget, 4000, "{name}");
                continue;
            }
            assert!(v.starts_with("[search: "), "{name}: {v}");
            assert_grouped_view_accounts_for_every_line(&read_fixture(name), &v);
        }
    }
}

#[test]
fn rg_json_is_rendered_as_headings_and_numbered_lines() {
    let input = read_fixture("search-rg-json-fn-new.jsonl");
    let v = view("search-rg-json-fn-new.jsonl", None, 4000);
    assert!(
        !v.contains("\"type\""),
        "no JSON left when everything fits:\n{v}"
    );
    // Every match record appears as `line_number:text` under its file's heading.
    let mut heading = "";
    let mut shown = Vec::new();
    for line in v.lines().skip(1) {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && line.as_bytes()[digits] == b':' {
            shown.push((
                heading.to_string(),
                line[..digits].to_string(),
                line[digits + 1..].to_string(),
            ));
        } else if digits == 0 && !line.is_empty() && !line.starts_with("rg summary") {
            heading = line;
        }
    }
    let mut expected = Vec::new();
    for line in lines_of(&input) {
        let record: serde_json::Value = serde_json::from_slice(line).unwrap();
        if record["type"] == "match" {
            let d = &record["data"];
            expected.push((
                d["path"]["text"].as_str().unwrap().to_string(),
                d["line_number"].to_string(),
                d["lines"]["text"]
                    .as_str()
                    .unwrap()
                    .trim_end_matches('\n')
                    .to_string(),
            ));
        }
    }
    assert_eq!(shown, expected);
    assert!(v.contains("rg summary: "));
    insta::assert_snapshot!(v);
}

#[test]
fn rg_json_cut_to_a_budget_keeps_counts() {
    let v = view("search-rg-json-fn-new.jsonl", Some("Serializer"), 400);
    assert!(v.contains("24 matched lines in 7 files"), "{v}");
    assert!(v.contains(" elided: "), "{v}");
    insta::assert_snapshot!(v);
}

#[test]
fn query_matches_stay_whole_and_every_file_is_represented() {
    let v = view(
        "search-rg-unsafe-fn.txt",
        Some("where is get_many_unchecked_mut defined?"),
        800,
    );
    assert!(
        v.lines()
            .any(|l| l.starts_with("hashbrown-0.17.1/src/map.rs:")
                && l.contains("get_many_unchecked_mut")),
        "{v}"
    );
    insta::assert_snapshot!(v);
}

#[test]
fn grep_context_lines_stay_with_their_match() {
    let v = view("search-grep-context-panic.txt", None, 600);
    // Line 257's match keeps the two context lines before it.
    let at = v.find("257:").expect("first match shown");
    assert!(v[..at].contains("255-") && v[..at].contains("256-"), "{v}");
    insta::assert_snapshot!(v);
}

#[test]
fn search_views_golden() {
    insta::assert_snapshot!("rg_unsafe_fn", view("search-rg-unsafe-fn.txt", None, 4000));
    insta::assert_snapshot!(
        "rg_heading_todo",
        view("search-rg-heading-todo.txt", None, 1000)
    );
    insta::assert_snapshot!(
        "git_grep_pub_fn",
        view("search-git-grep-pub-fn.txt", Some("sniff"), 1000)
    );
}

#[test]
fn detection_of_search_and_listing_output() {
    use headroom::detect::{detect, ContentType};
    for name in SEARCH_FIXTURES
        .iter()
        .chain(&["search-rg-json-fn-new.jsonl"])
    {
        let input = read_fixture(name);
        assert_eq!(
            detect(&input, None, None).kind,
            ContentType::Search,
            "{name}"
        );
    }
    for name in LISTING_FIXTURES {
        // `tree -s` opens with `[  4096]  .`, which the JSON sniff tries first; the
        // line sniffing it falls back to reads it as a listing.
        let input = read_fixture(name);
        assert_eq!(
            headroom::detect::sniff_lines(&input).kind,
            ContentType::Listing,
            "{name}"
        );
    }
    for name in [
        "dpkg.log",
        "postgres-pgbench.log",
        "python-worker.log",
        "java-orders.log",
    ] {
        let kind = detect(&read_fixture(name), None, None).kind;
        assert!(
            !matches!(kind, ContentType::Search | ContentType::Listing),
            "{name}: {kind:?}"
        );
    }
}

const LISTING_FIXTURES: [&str; 4] = [
    "listing-find-regex-syntax.txt",
    "listing-ls-laR-memchr.txt",
    "listing-tree-serde-json.txt",
    "listing-du-memchr.txt",
];

#[test]
fn find_views_account_for_every_line() {
    for budget in [300, 1500, 4000] {
        let name = "listing-find-regex-syntax.txt";
        let v = view(name, None, budget);
        assert_grouped_view_accounts_for_every_line(&read_fixture(name), &v);
    }
}

#[test]
fn listing_views_golden() {
    for name in LISTING_FIXTURES {
        let v = view(name, Some("unicode tables"), 800);
        assert!(v.starts_with("[listing: "), "{name}: {v}");
        insta::assert_snapshot!(name, v);
    }
}

#[test]
fn heavy_directories_are_folded() {
    let v = view("listing-find-with-target.txt", None, 4000);
    assert!(v.contains("entries folded"), "{v}");
    assert!(v.contains("folded: ./target"), "{v}");
    insta::assert_snapshot!(v);
}
