//! Documents read as sections (see fixtures/README.md for where each comes from): a
//! real changelog and a real man page keep the sections the query asks about whole,
//! under their headings, fold the others by line range, and account for every line.
//! Review snapshot changes with `cargo insta review`.

mod common;

use common::{assert_accounts_for_every_line, filter_bytes, read_fixture};

fn view(name: &str, query: &str, budget: u64) -> String {
    let input = read_fixture(name);
    let (out, _) = filter_bytes(&input, Some(query), None, budget);
    assert_accounts_for_every_line(&input, &out);
    String::from_utf8(out).expect("these fixtures are UTF-8")
}

/// The lines `first..=last` (1-based) of a fixture, each present in `view`.
fn assert_section_whole(view: &str, name: &str, first: usize, last: usize) {
    let input = String::from_utf8(read_fixture(name)).unwrap();
    for line in input.lines().skip(first - 1).take(last + 1 - first) {
        assert!(
            view.lines().any(|v| v == line),
            "{name}: line {line:?} of L{first}-{last} missing"
        );
    }
}

#[test]
fn changelog_keeps_the_release_that_answers_whole() {
    let name = "text/bytes-CHANGELOG.md";
    let v = view(name, "which release added BufMut::put_bytes?", 1500);
    assert!(v.starts_with("[text: 470 lines · outline:"), "{v}");
    // The `### Added` list naming put_bytes, whole, under its release's heading.
    let input = String::from_utf8(read_fixture(name)).unwrap();
    let lines: Vec<&str> = input.lines().collect();
    let put = lines
        .iter()
        .position(|l| l.contains("BufMut::put_bytes"))
        .unwrap();
    let release = lines[..put]
        .iter()
        .rposition(|l| l.starts_with("# "))
        .unwrap();
    let added = lines[..put]
        .iter()
        .rposition(|l| l.starts_with("### "))
        .unwrap();
    assert!(v.lines().any(|l| l == lines[release]), "{v}");
    assert_section_whole(&v, name, added + 1, put + 2);
    assert!(v.len() < input.len() / 3, "most releases fold");
    insta::assert_snapshot!(v);
}

#[test]
fn man_page_keeps_the_option_entry_that_answers_whole() {
    let name = "text/git-status.1.txt";
    let v = view(name, "how do I show ignored files?", 1500);
    assert!(v.contains("outline:"), "{v}");
    // The `--ignored[=<mode>]` entry, lines 82-88, under its OPTIONS section.
    assert_section_whole(&v, name, 82, 88);
    assert!(v.lines().any(|l| l == "OPTIONS"), "{v}");
    insta::assert_snapshot!(v);
}
