//! Golden views of real compiler, build-tool, installer and linter output (see
//! fixtures/README.md, "Build and lint fixtures", for how each was produced).
//! Review changes with `cargo insta review`, or accept them with
//! `INSTA_UPDATE=always cargo test --test diagnostics`.

mod common;

use std::collections::BTreeSet;

use common::{assert_accounts_for_every_line, filter_fixture, read_fixture};
use regex::Regex;

const DEFAULT: u64 = headroom::pipeline::DEFAULT_BUDGET;

/// The view of a fixture and the content type it was read as.
fn view_of(name: &str, query: Option<&str>, budget: u64) -> (String, String) {
    let (input, out, kind) = filter_fixture(name, query, budget);
    assert_accounts_for_every_line(&input, &out);
    (String::from_utf8(out).expect("UTF-8 fixtures"), kind)
}

fn view(name: &str, kind: &str) -> String {
    let (v, got) = view_of(name, None, DEFAULT);
    assert_eq!(got, kind, "{name} was read as {got}");
    v
}

/// The input's lines with ANSI escapes removed, as the compressor reads them.
fn clean_lines(name: &str) -> Vec<String> {
    let input = read_fixture(name);
    common::lines_of(&input)
        .iter()
        .map(|l| String::from_utf8_lossy(&headroom::lines::clean(l)).into_owned())
        .collect()
}

/// Every distinct first capture of `re` over the input's lines.
fn distinct(name: &str, re: &str) -> BTreeSet<String> {
    let re = Regex::new(re).unwrap();
    clean_lines(name)
        .iter()
        .filter_map(|l| re.captures(l).map(|c| c[1].to_string()))
        .collect()
}

fn assert_keeps(v: &str, lines: &[&str]) {
    for line in lines {
        assert!(v.contains(line), "the view lost {line:?}:\n{v}");
    }
}

#[test]
fn cargo_build_keeps_errors_whole_and_counts_progress() {
    let v = view("build-cargo-sled.log", "build");
    assert_keeps(
        &v,
        &[
            "error: unnecessary qualification  [×30 similar]",
            "  --> src/arc.rs:48:27",
            "help: remove the unnecessary path segments",
            "warning: `sled` (lib) generated 28 warnings",
            "error: could not compile `sled` (lib) due to 30 previous errors; 28 warnings emitted",
            "exit 101",
        ],
    );
    assert!(v.starts_with("[build: 30 errors, 29 warnings"), "{v}");
    assert!(
        !v.contains("   Compiling "),
        "progress lines are counted, not shown"
    );
    insta::assert_snapshot!(v);
}

#[test]
fn gcc_and_make_keep_every_kind_of_error_and_rare_warnings() {
    let v = view("build-make-gcc-blake3.log", "build");
    assert_keeps(
        &v,
        &[
            "In file included from blake3_impl.h:10,",
            "blake3.h:40:1: error: C++ style comments are not allowed in ISO C90",
            "   40 | // This struct is a private implementation detail. It has to be here because",
            "blake3_impl.h:24:31: error: comma at end of enumerator list [-Wpedantic]",
            "blake3_impl.h:148:10: error: use of C99 long long integer constant [-Wlong-long]",
            "blake3_impl.h:102:21: warning: ‘highest_one’ defined but not used [-Wunused-function]",
            "make: *** [Makefile.fx:5: blake3_portable.o] Error 1",
        ],
    );
    // Every warning flag is shown at least once.
    for flag in distinct("build-make-gcc-blake3.log", r"warning: .*\[(-W[\w=-]+)\]$") {
        assert!(v.contains(&format!("[{flag}]")), "no {flag} warning shown");
    }
    insta::assert_snapshot!(v);
}

#[test]
fn tsc_shows_every_error_code_in_both_formats() {
    for name in ["build-tsc-rxjs.log", "build-tsc-rxjs-pretty.log"] {
        let v = view(name, "build");
        let codes = distinct(name, r"error (TS\d+):");
        assert_eq!(codes.len(), 17, "{name}");
        for code in codes {
            assert!(v.contains(&format!("error {code}:")), "{name}: no {code}");
        }
        assert!(v.starts_with("[build: 156 errors (17 kinds)"), "{v}");
    }
    insta::assert_snapshot!(view("build-tsc-rxjs-pretty.log", "build"));
}

#[test]
fn installers_fold_to_their_outcome() {
    let v = view("build-npm-install.log", "build");
    assert_keeps(
        &v,
        &[
            "[build: 1 warning (1 kind) · 464 http",
            "npm warn Unknown user config \"nodedir\"",
            "added 166 packages in 5s",
            "exit 0",
        ],
    );
    insta::assert_snapshot!("npm_install", v);

    let v = view("build-pip-install-tty.log", "build");
    assert!(v.contains("Successfully installed Jinja2-3.1.6"), "{v}");
    assert!(v.contains("20 Collecting, 20 Downloading"), "{v}");
    assert!(!v.contains('━'), "progress bars are elided: {v}");
}

#[test]
fn clippy_groups_by_the_lint_it_links_to() {
    let v = view("lint-clippy-sled.log", "lint");
    assert!(
        v.starts_with("[lint: 149 errors, 125 warnings (47 rules) · most: 44 shadow_reuse,"),
        "{v}"
    );
    assert_keeps(
        &v,
        &[
            "error: could not compile `sled` (lib) due to 149 previous errors; 124 warnings emitted",
        ],
    );
    insta::assert_snapshot!(v);
}

#[test]
fn eslint_findings_keep_their_file_heading() {
    let v = view("lint-eslint-express.log", "lint");
    let rules = distinct(
        "lint-eslint-express.log",
        r"^\s+\d+:\d+\s+(?:error|warning)\s+.*  (\S+)$",
    );
    assert_eq!(rules.len(), 10);
    for rule in &rules {
        assert!(v.contains(&format!("  {rule}")), "no {rule} finding shown");
    }
    // A finding shown under the heading of the file it is in.
    let heading = v.find("/tmp/fx/node/eslintproj/lib/request.js\n").unwrap();
    let finding = v
        .find("245:38  error    Do not access Object.prototype method 'hasOwnProperty'")
        .unwrap();
    let between = &v[heading..finding];
    assert!(
        !between.lines().skip(1).any(|l| l.starts_with('/')),
        "another heading between: {between}"
    );
    assert!(v.contains("✖ 680 problems (606 errors, 74 warnings)"));
    insta::assert_snapshot!(v);
}

#[test]
fn ruff_shows_every_rule_in_both_formats() {
    let v = view("lint-ruff-requests.log", "lint");
    for code in distinct("lint-ruff-requests.log", r"^\S+:\d+:\d+: ([A-Z]+\d+) ") {
        assert!(v.contains(&format!(": {code} ")), "no {code} finding shown");
    }
    assert_keeps(&v, &["Found 251 errors."]);

    let v = view("lint-ruff-full-requests.log", "lint");
    for code in distinct("lint-ruff-full-requests.log", r"^([A-Z]+\d+) ") {
        assert!(v.contains(&format!("\n{code} ")), "no {code} finding shown");
    }
    assert_keeps(&v, &["Found 38 errors."]);
    insta::assert_snapshot!("ruff_full", v);
}

#[test]
fn pylint_shows_every_error_code_first_and_the_score() {
    let v = view("lint-pylint-requests.log", "lint");
    let codes = distinct("lint-pylint-requests.log", r": (E\d{4}): ");
    assert_eq!(codes.len(), 3);
    for code in &codes {
        assert!(v.contains(&format!(": {code}: ")), "no {code} shown");
    }
    // E0102 fires once: shown; E0401 fires 25 times: its first three are shown.
    assert_keeps(
        &v,
        &[
            "src/requests/__init__.py:43:0: E0401: Unable to import 'urllib3' (import-error)  [×25 similar]",
            "Your code has been rated at 7.81/10",
        ],
    );
    assert_eq!(v.matches(": E0401: ").count(), 3, "{v}");
    insta::assert_snapshot!(v);
}

#[test]
fn mypy_groups_by_error_code() {
    let v = view("lint-mypy-requests.log", "lint");
    assert!(
        v.starts_with(
            "[lint: 626 errors (16 rules) · most: 255 no-untyped-call, 237 no-untyped-def,"
        ),
        "{v}"
    );
    for code in distinct("lint-mypy-requests.log", r"  \[([\w-]+)\]$") {
        assert!(v.contains(&format!("[{code}]")), "no {code} finding shown");
    }
    assert_keeps(
        &v,
        &["Found 626 errors in 16 files (checked 18 source files)"],
    );
    insta::assert_snapshot!(v);
}

#[test]
fn a_query_anchor_brings_its_finding_with_its_location() {
    let (v, _) = view_of(
        "lint-ruff-full-requests.log",
        Some("what is wrong at src/requests/sessions.py:738"),
        DEFAULT,
    );
    let lines: Vec<&str> = v.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("src/requests/sessions.py:738"))
        .expect("the anchored location is shown");
    assert!(
        Regex::new(r"^[A-Z]+\d+ ").unwrap().is_match(lines[at - 1]),
        "its headline is shown above it: {}",
        lines[at - 1]
    );
}

#[test]
fn a_tight_budget_still_keeps_build_errors_and_summaries() {
    let (v, _) = view_of("build-cargo-sled.log", None, 100);
    assert!(v.contains("over budget: must-keep lines"), "{v}");
    assert_keeps(
        &v,
        &[
            "error: unnecessary qualification",
            "error: could not compile `sled` (lib) due to 30 previous errors; 28 warnings emitted",
        ],
    );
    let warnings = v.lines().filter(|l| l.starts_with("warning: ")).count();
    assert!(warnings <= 2, "warnings wait for the budget: {v}");
}
