//! The diff and git families on real git output (see fixtures/README.md, produced by
//! fixtures/scripts/git-fixtures.sh). Review snapshot changes with `cargo insta review`.

mod common;

use common::{filter_bytes, lines_of, read_fixture};
use headroom::compress::{self, Context};
use headroom::detect::{sniff_lines, ContentType};
use headroom::relevance::Query;

fn view(name: &str, query: Option<&str>, cmd: Option<&str>, budget: u64) -> (Vec<u8>, String) {
    let input = read_fixture(name);
    let (out, _) = filter_bytes(&input, query, cmd, budget);
    let out = String::from_utf8(out).expect("these fixtures are UTF-8");
    assert_accounts_for_every_line(&input, &out);
    (input, out)
}

/// `[… N lines LA-B elided… -L A:B]` → (A, B), checking N.
fn marker_range(line: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix("[… ")?;
    let (count, rest) = rest.split_once(' ')?;
    let count: usize = count.replace(',', "").parse().ok()?;
    let range = rest.split_once('L')?.1.split(' ').next()?;
    let (a, b) = range.split_once('-')?;
    let (a, b): (usize, usize) = (a.parse().ok()?, b.parse().ok()?);
    assert_eq!(b - a + 1, count, "{line}");
    assert!(line.ends_with(&format!("-L {a}:{b}]")), "{line}");
    Some((a, b))
}

/// How a kept line may legitimately differ from its input line in these views.
fn shown_as(original: &str, shown: &str) -> bool {
    if shown == original {
        return true;
    }
    // A note appended by the compressor: `  [lockfile: +80 -27]`, `  [same change …]`.
    if let Some(note) = shown
        .strip_prefix(original)
        .and_then(|r| r.strip_prefix("  ["))
    {
        return note.ends_with(']');
    }
    // git log: a commit line shown as its synthesised one-line summary, which starts
    // with the same lanes and the hash's first eight digits.
    if let Some(at) = original.find("commit ") {
        let (lanes, rest) = original.split_at(at);
        let hash = &rest["commit ".len()..];
        return hash.len() >= 8 && shown.starts_with(&format!("{lanes}{}", &hash[..8]));
    }
    // git blame: a line of a commit already shown in full keeps its hash and number.
    if let (Some(open), Some(close)) = (original.find(" ("), original.find(") ")) {
        let number = original[open..close].rsplit(' ').next().unwrap();
        return shown == format!("{} {number}){}", &original[..open], &original[close + 1..]);
    }
    false
}

/// Every input line is shown (as [`shown_as`] allows) or inside one marker's range,
/// in order.
fn assert_accounts_for_every_line(input: &[u8], view: &str) {
    let lines = lines_of(input);
    let mut next = 1;
    for (k, line) in view.lines().enumerate() {
        if k == 0 && line.contains("headroom-cat ") && !line.starts_with("[… ") {
            continue;
        }
        if let Some((a, b)) = marker_range(line) {
            assert_eq!(a, next, "marker {line} should start at L{next}");
            next = b + 1;
            continue;
        }
        let original = headroom::lines::clean(lines[next - 1]);
        let original = String::from_utf8_lossy(&original);
        assert!(
            shown_as(&original, line),
            "view line {line:?} is not input line {next} {original:?}"
        );
        next += 1;
    }
    assert_eq!(next, lines.len() + 1, "view accounts for every line");
}

#[test]
fn diff_keeps_every_changed_line_and_summarises_lockfiles() {
    let (input, v) = view(
        "git-diff-clap-mangen.ansi",
        None,
        Some("git diff v0.2.33 v0.3.3"),
        4000,
    );
    assert!(v.contains("diff --git a/Cargo.lock b/Cargo.lock  [lockfile: +80 -27]"));
    assert!(v.contains("diff --git a/assets/app.min.js b/assets/app.min.js  [minified: +7 -7]"));
    // Every changed line outside those two files is in the view.
    let text = String::from_utf8_lossy(&headroom::lines::clean(&input)).into_owned();
    let mut file = "";
    for line in text.lines() {
        if line.starts_with("diff --git") {
            file = line;
        } else if (line.starts_with('+') || line.starts_with('-'))
            && !line.starts_with("+++")
            && !line.starts_with("---")
            && !file.contains("Cargo.lock")
            && !file.contains(".min.js")
        {
            assert!(
                v.lines().any(|l| l == line) || v.contains("[same change in"),
                "changed line lost: {line}"
            );
        }
    }
    assert!(!v.contains('\x1b'), "colours are cleaned");
    insta::assert_snapshot!(v);
}

#[test]
fn log_with_patches_shows_the_commits_the_query_names_in_full() {
    let (_, v) = view(
        "git-log-p-headroom.txt",
        Some("where was cut_value added to marker.rs?"),
        Some("git log -p -n 4"),
        1500,
    );
    assert!(v.contains("+pub fn cut_value(hash: &str, path: &str, omitted_bytes: u64) -> String {"));
    assert!(
        v.contains("reduced to file counts"),
        "older commits as counts"
    );
    assert!(v.contains("commit 98ab1c2ea1ce8d4b5a37d79ac115c5fe2bc347ce"));
    insta::assert_snapshot!(v);
}

#[test]
fn log_stat_is_one_line_per_commit_and_the_asked_commit_whole() {
    let (_, v) = view(
        "git-log-stat-headroom.txt",
        Some("which commit moved retrieve.rs to retrieve/mod.rs?"),
        None,
        1500,
    );
    // The commit the query names, as git printed it.
    assert!(v.contains("commit fcc4c812"));
    assert!(v.contains(" src/{retrieve.rs => retrieve/mod.rs} | 0"));
    // Others as one line: short hash, date, author, subject, stat totals.
    assert!(v.contains(
        "a2a9ca51 2026-11-22 Seed a2959594 maintainers: Line accounting property: view lines are compared with the input line as a terminal shows it (ANSI and \\r redraws cleaned) [1 file +8 -4]"
    ));
    assert!(v.starts_with("[git log: 29 commits"));
    insta::assert_snapshot!(v);
}

#[test]
fn graph_log_keeps_lanes_and_tags() {
    let (_, v) = view("git-log-graph-stat-bitflags.txt", None, None, 600);
    assert!(v.contains("*   bc4dda59 2026-03-05 Ann Lee: Merge branch 'up-src-traits-rs' (#59)"));
    assert!(v.contains("| * 5307c003 2026-03-05 Ann Lee: Update src/traits.rs [1 file +"));
    insta::assert_snapshot!(v);

    let (_, v) = view("git-log-graph-bitflags.txt", None, None, 300);
    assert!(
        v.contains("(tag: 1.3.2) Import bitflags 1.3.2"),
        "tags are kept"
    );
    assert!(
        v.contains(" graph, 108 commits · "),
        "markers count the commits they hold"
    );
    insta::assert_snapshot!(v);
}

#[test]
fn blame_prints_each_commit_once() {
    let (_, v) = view("git-blame-headroom.txt", None, None, 800);
    assert!(v.starts_with("[git blame: 1,274 lines · 6 commits · 1 author"));
    assert!(v.contains("^58d5ed0 2) //!"));
    insta::assert_snapshot!(v);
}

/// Runs a family's compressor straight on a small fixture (the pipeline passes
/// inputs this small through untouched).
fn compress_lines(kind: ContentType, name: &str, budget: u64) -> (Vec<String>, Vec<u64>, String) {
    let input = read_fixture(name);
    let q = Query::default();
    let mut c = compress::for_type(kind, &q, &input, None);
    let lines: Vec<String> = input
        .split(|&b| b == b'\n')
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect();
    for (i, l) in lines.iter().enumerate() {
        c.observe(
            i as u64,
            l.as_bytes(),
            headroom::tokens::estimate(l.as_bytes()) as u32,
        );
    }
    let s = c.select(&Context { query: &q, budget });
    // Pass two, as the pipeline runs it: kept lines through `show`, the others
    // through `label`, in input order.
    let mut labels = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if s.keep.iter().any(|k| k.index == i as u64) {
            c.show(i as u64, l.as_bytes(), &mut Vec::new());
        } else if let Some(label) = c.label(i as u64, l.as_bytes()) {
            labels.push(label.to_string());
        }
    }
    (
        labels,
        s.keep.iter().map(|k| k.index).collect(),
        s.header.unwrap_or_default(),
    )
}

#[test]
fn status_is_grouped_by_state_and_hints_go() {
    let (labels, kept, header) = compress_lines(ContentType::Git, "git-status-bitflags.txt", 60);
    assert_eq!(header, "[git status: 1 staged, 3 unstaged, 26 untracked]");
    assert!(
        labels.iter().filter(|l| *l == "hints").count() == 4,
        "{labels:?}"
    );
    assert!(labels.iter().any(|l| l == "untracked"));
    // Branch line, headings and the closing line always stay.
    for i in [0, 1, 5, 12] {
        assert!(kept.contains(&i), "{i} in {kept:?}");
    }
    let (_, _, header) = compress_lines(ContentType::Git, "git-status-short.txt", 4000);
    assert_eq!(header, "[git status: 2 staged, 2 unstaged, 3 untracked]");
}

#[test]
fn each_part_of_a_session_is_recognised() {
    let status = read_fixture("git-status.txt");
    assert_eq!(sniff_lines(&status).kind, ContentType::Git);
    assert_eq!(
        sniff_lines(&read_fixture("git-status-short.txt")).kind,
        ContentType::Git
    );
    let stat: Vec<u8> = read_fixture("git-log-stat-headroom.txt")
        .split(|&b| b == b'\n')
        .skip(5)
        .take(3)
        .flat_map(|l| [l, b"\n"].concat())
        .collect();
    assert!(
        String::from_utf8_lossy(&stat).contains("file changed"),
        "a diffstat"
    );
    assert_eq!(
        sniff_lines(&stat).kind,
        ContentType::Diff,
        "git diff --stat"
    );
    assert_eq!(
        sniff_lines(&read_fixture("git-diff-clap-mangen.ansi")).kind,
        ContentType::Diff
    );
    assert_eq!(
        sniff_lines(&read_fixture("git-log-p-headroom.txt")).kind,
        ContentType::Diff
    );
    for name in [
        "git-log-stat-headroom.txt",
        "git-log-graph-bitflags.txt",
        "git-log-graph-stat-bitflags.txt",
        "git-blame-headroom.txt",
    ] {
        assert_eq!(
            sniff_lines(&read_fixture(name)).kind,
            ContentType::Git,
            "{name}"
        );
    }
    // Other families' real outputs are not taken.
    for name in ["dpkg.log", "python-worker.log", "java-orders.log"] {
        assert_eq!(
            sniff_lines(&read_fixture(name)).kind,
            ContentType::Log,
            "{name}"
        );
    }
}

#[test]
fn a_route_that_is_wrong_about_the_output_is_corrected_by_its_shape() {
    // `git show --stat` is routed to diffs but prints a log.
    let (_, v) = view(
        "git-log-stat-headroom.txt",
        None,
        Some("git show --stat"),
        1000,
    );
    assert!(v.starts_with("[git log: "), "{}", &v[..80]);
    // `git diff` routed, but a log came out (a script that pipes something else).
    let (_, v) = view("dpkg.log", None, Some("git diff"), 1000);
    assert!(v.starts_with("[log: "), "{}", &v[..80]);
}
