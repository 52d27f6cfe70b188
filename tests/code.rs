//! Source code outlines on real source files, one or more per language (see
//! fixtures/README.md): golden views with the query each file is asked about, every
//! folded body back byte for byte with its marker's `-L` selector (through
//! `headroom-cat`, and as a property over budgets and queries), every line
//! accounted for, and truncated or broken versions of each file passed through.
//! Review snapshot changes with `cargo insta review`.

mod common;

use common::{
    assert_accounts_for_every_line, assert_passed_through, bin, options, read_fixture,
    run_with_input,
};
use headroom::filter;
use headroom::retrieve::{self, Selector};
use headroom::store::{Hash, Store};
use proptest::prelude::*;

/// Every code fixture, with the question an engineer reading it would ask (the
/// corpus case's query for the files copied from the team corpus).
const FIXTURES: &[(&str, &str)] = &[
    (
        "code/rtk-git.rs",
        "How does rtk summarize `git status` porcelain output, and what does `git push` print on success?",
    ),
    (
        "code/memchr-memmem.rs",
        "How does Finder::find choose between the searchers?",
    ),
    (
        "code/headroom-code_compressor.py",
        "What are the default settings of CodeCompressorConfig and what is the signature of compress_code?",
    ),
    (
        "code/toml-lex.go",
        "What error does the TOML lexer produce for an empty table name or a key starting with '.'?",
    ),
    (
        "code/gson-JsonTreeWriter.java",
        "What does JsonTreeWriter.close do when the document is incomplete?",
    ),
    (
        "code/ufo-utils.ts",
        "How does withBase avoid treating '/admin-dashboard' as under base '/admin'?",
    ),
    (
        "code/excalidraw-ColorPicker.tsx",
        "How does getColor validate a hex color typed without its #?",
    ),
    (
        "code/express-response.js",
        "What validation does res.status perform, and how does res.cookie handle maxAge and signed cookies?",
    ),
    (
        "code/tree-sitter-javascript-grammar.js",
        "Which rules parse template strings?",
    ),
    (
        "code/blake3.c",
        "How does blake3_hasher_finalize_seek compute output past the first block?",
    ),
    (
        "code/leveldb-db_impl.cc",
        "Under what conditions does LevelDB slow down or stall writes in MakeRoomForWrite?",
    ),
];

/// The budget of the golden views: small enough that every fixture is outlined.
const BUDGET: u64 = 600;

/// The view of `input`, read by `cat NAME` with `query` under `budget`, and the
/// full hash of the stored original (`None` when it passed through).
fn outline(
    store: &std::path::Path,
    name: &str,
    input: &[u8],
    query: Option<&str>,
    budget: u64,
) -> (Vec<u8>, Option<String>) {
    let opts = options(store, query, Some(&format!("cat {name}")), budget);
    let mut out = Vec::new();
    let report = filter(&mut &input[..], &mut out, &opts).unwrap();
    (out, report.hash)
}

/// `(first, last)` of every `-L A:B` marker in a view, read as `headroom-cat` reads
/// them back.
fn marker_ranges(view: &[u8]) -> Vec<(usize, usize)> {
    let Some(hash) = common::marker_hash(view) else {
        return Vec::new();
    };
    headroom::marker::elided_line_ranges(view, &hash)
        .into_iter()
        .map(|(a, b)| (a as usize, b as usize))
        .collect()
}

/// Lines `a..=b` (1-based) of `input`, line endings included.
fn lines_between(input: &[u8], a: usize, b: usize) -> Vec<u8> {
    let lines: Vec<&[u8]> = input.split_inclusive(|&b| b == b'\n').collect();
    lines[a - 1..b].concat()
}

#[test]
fn golden_outlines_in_every_language() {
    for (name, query) in FIXTURES {
        let store = tempfile::tempdir().unwrap();
        let input = read_fixture(name);
        let (view, _) = outline(store.path(), name, &input, Some(query), BUDGET);
        assert_accounts_for_every_line(&input, &view);
        let view = String::from_utf8(view).expect("these fixtures are UTF-8");
        assert!(view.starts_with("[code "), "{name}: not outlined: {view}");
        assert!(view.contains(" -L "), "{name}: nothing folded");
        let snapshot = name.trim_start_matches("code/");
        insta::assert_snapshot!(snapshot, view, query);
    }
}

#[test]
fn folded_bodies_come_back_byte_exact_through_headroom_cat() {
    for (name, _) in FIXTURES {
        let input = read_fixture(name);
        let store = tempfile::tempdir().unwrap();
        let out = run_with_input(
            bin("headroom", store.path()).args(["--cmd", &format!("cat {name}"), "-b", "1000"]),
            &input,
        );
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        assert!(text.starts_with("[code "), "{name}: {text}");
        assert_accounts_for_every_line(&input, &out.stdout);
        let hash = common::marker_hash(&out.stdout).expect("a marker");
        let ranges = marker_ranges(&out.stdout);
        assert!(ranges.len() >= 3, "{name}: only {} folds", ranges.len());
        for (a, b) in ranges {
            let got = bin("headroom-cat", store.path())
                .args([&hash, "-L", &format!("{a}:{b}")])
                .output()
                .unwrap();
            assert!(got.status.success());
            assert!(
                got.stdout == lines_between(&input, a, b),
                "{name}: -L {a}:{b} is not byte-exact"
            );
        }
    }
}

/// A query of a few words picked from the fixture itself, so it names real
/// identifiers and strings there.
fn query_from(input: &[u8], picks: &[usize]) -> String {
    let text = String::from_utf8_lossy(input);
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.len() >= 3)
        .collect();
    picks
        .iter()
        .map(|&p| words[p % words.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Whatever the budget and the query, every marker's `-L` range gives back
    /// exactly the lines it hides (in process, as `headroom-cat HASH -L A:B` does).
    #[test]
    fn every_fold_is_returned_byte_exact(
        fixture in 0..FIXTURES.len(),
        budget in 200u64..6000,
        picks in prop::collection::vec(any::<usize>(), 0..4),
    ) {
        let (name, _) = FIXTURES[fixture];
        let input = read_fixture(name);
        let query = query_from(&input, &picks);
        let dir = tempfile::tempdir().unwrap();
        let (view, hash) = outline(dir.path(), name, &input, Some(&query), budget);
        let Some(hash) = hash else {
            prop_assert!(view == input);
            return Ok(());
        };
        assert_accounts_for_every_line(&input, &view);
        let store = Store::open(dir.path().to_path_buf()).unwrap();
        let original = store.read(&Hash::from_hex(&hash).unwrap()).unwrap();
        prop_assert!(original == input);
        for (a, b) in marker_ranges(&view) {
            let selector = Selector { lines: Some((a as u64, b as u64)), ..Selector::default() };
            let mut got = Vec::new();
            retrieve::print(
                &selector,
                &mut || Ok(Box::new(std::io::Cursor::new(original.clone())) as Box<dyn std::io::Read>),
                &hash,
                None,
                &mut got,
                &mut std::io::sink(),
            )
            .unwrap();
            prop_assert!(got == lines_between(&input, a, b), "{}: -L {}:{}", name, a, b);
        }
    }
}

#[test]
fn small_files_pass_whole() {
    let input = read_fixture("code/memchr-memmem.rs");
    let store = tempfile::tempdir().unwrap();
    let out = run_with_input(
        bin("headroom", store.path()).args(["--cmd", "cat mod.rs", "-b", "100000"]),
        &input,
    );
    assert_passed_through(&out, &input);
}

/// True for a line that is (part of) a comment, whatever the language.
fn is_comment(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    ["//", "/*", "*", "#"]
        .iter()
        .any(|p| t.starts_with(p.as_bytes()))
}

/// The range of the middle folded body of `input`'s outline whose last line is code
/// (comment blocks fold too), 1-based: where a cut or an error lands inside a body
/// the outline would fold.
fn middle_body(name: &str, input: &[u8]) -> (usize, usize) {
    let store = tempfile::tempdir().unwrap();
    let (view, _) = outline(store.path(), name, input, None, BUDGET);
    let lines: Vec<&[u8]> = input.split_inclusive(|&b| b == b'\n').collect();
    let bodies: Vec<(usize, usize)> = marker_ranges(&view)
        .into_iter()
        .filter(|&(_, last)| !is_comment(lines[last - 1]))
        .collect();
    assert!(!bodies.is_empty(), "{name}: no body folded");
    bodies[bodies.len() / 2]
}

#[test]
fn truncated_and_broken_files_pass_through_in_every_language() {
    for (name, _) in FIXTURES {
        let input = read_fixture(name);
        let (first, last) = middle_body(name, &input);
        let lines: Vec<&[u8]> = input.split_inclusive(|&b| b == b'\n').collect();

        // Cut inside the body, right after an opening bracket of a code line, as a
        // stream cut by size is (a Python file cut between statements is valid
        // Python: see README).
        let (row, at) = (first - 1..last)
            .rev()
            .filter(|&r| !is_comment(lines[r]))
            .find_map(|r| memchr::memchr(b'(', lines[r]).map(|p| (r, p)))
            .unwrap_or_else(|| panic!("{name}: no '(' in L{first}-{last}"));
        let mut cut = lines[..row].concat();
        cut.extend_from_slice(&lines[row][..=at]);
        let store = tempfile::tempdir().unwrap();
        let (out, _) = outline(store.path(), name, &cut, None, BUDGET);
        assert!(
            out == cut,
            "{name}: truncated at L{} was not passed through",
            row + 1
        );

        // A syntax error before the body's last line, indented like it.
        let at = last - 1;
        let indent: Vec<u8> = lines[at]
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .copied()
            .collect();
        let mut broken = lines[..at].concat();
        broken.extend_from_slice(&indent);
        broken.extend_from_slice(b") ( ] = ;\n");
        broken.extend_from_slice(&lines[at..].concat());
        let (out, _) = outline(store.path(), name, &broken, None, BUDGET);
        assert!(
            out == broken,
            "{name}: error before L{last} was not passed through"
        );
    }
}

/// A file printed with line numbers (Claude Code's Read tool: `     12→`, or
/// `cat -n`) is outlined as the file itself: gutters are not parsed, a note after
/// the file is not either, and folded bodies come back with their gutters.
#[test]
fn numbered_files_are_outlined_and_come_back_with_their_numbers() {
    let source = read_fixture("code/rtk-git.rs");
    let source = String::from_utf8(source).unwrap();
    for (gutter, name) in [("→", "claude read"), ("\t", "cat -n")] {
        let mut numbered: String = source
            .lines()
            .enumerate()
            .map(|(i, l)| format!("{:>6}{gutter}{l}\n", i + 1))
            .collect();
        numbered.push_str("\n<system-reminder>\nA note the tool adds.\n</system-reminder>\n");
        let store = tempfile::tempdir().unwrap();
        let (view, hash) = outline(
            store.path(),
            "src/git.rs",
            numbered.as_bytes(),
            None,
            BUDGET,
        );
        let view = String::from_utf8(view).unwrap();
        assert!(view.starts_with("[code rust:"), "{name}: {view}");
        assert!(view.contains("bodies folded"), "{name}: {view}");
        let ranges = marker_ranges(view.as_bytes());
        assert!(!ranges.is_empty(), "{name}");
        let hash = hash.unwrap();
        for (a, b) in ranges {
            let got = bin("headroom-cat", store.path())
                .args([&hash[..12], "-L", &format!("{a}:{b}")])
                .output()
                .unwrap();
            assert_eq!(
                got.stdout,
                lines_between(numbered.as_bytes(), a, b),
                "{name} {a}:{b}"
            );
        }
    }
}
