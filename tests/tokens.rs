//! `tokens::exact` counts as OpenAI's tiktoken counts `o200k_base`, on real text: the
//! expected counts in `fixtures/tokens/o200k-counts.tsv` were computed by tiktoken
//! (`fixtures/scripts/o200k-counts.py`) on excerpts of the other fixtures.

mod common;

use common::read_fixture;
use headroom::tokens;

/// `(file, first line (1-based), lines, tiktoken's count)` from the TSV.
fn expectations() -> Vec<(String, usize, usize, u64)> {
    let tsv = String::from_utf8(read_fixture("tokens/o200k-counts.tsv")).unwrap();
    tsv.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 4, "{line}");
            (
                f[0].to_string(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect()
}

/// Lines `first..first + n` (1-based) of a fixture, line breaks kept.
fn excerpt(file: &str, first: usize, n: usize) -> String {
    let bytes = read_fixture(file);
    let text = String::from_utf8(bytes).unwrap();
    text.split_inclusive('\n').skip(first - 1).take(n).collect()
}

#[test]
fn exact_counts_equal_tiktoken_on_excerpts_of_every_fixture() {
    let expected = expectations();
    assert!(expected.len() >= 40, "{} excerpts", expected.len());
    let mut wrong = Vec::new();
    for (file, first, n, tiktoken) in &expected {
        let text = excerpt(file, *first, *n);
        assert!(!text.is_empty(), "{file}:{first}");
        let ours = tokens::exact(&text).expect("the vocabulary loads");
        if ours != *tiktoken {
            wrong.push(format!("{file}:{first}+{n}: {ours} vs tiktoken {tiktoken}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Whole files counted in pieces (`exact_bytes`) equal tiktoken's count of the whole:
/// the pieces are cut where no o200k piece spans the cut.
#[test]
fn counting_in_pieces_equals_counting_whole() {
    let mut checked = 0;
    for (file, first, n, tiktoken) in expectations() {
        let text = excerpt(&file, first, n);
        if first != 1 || text.len() != read_fixture(&file).len() {
            continue;
        }
        for size in [1000, 4096] {
            let summed: u64 = tokens::pieces(&text, size)
                .map(|p| tokens::exact(p).unwrap())
                .sum();
            assert_eq!(summed, tiktoken, "{file} in pieces of {size}");
        }
        assert_eq!(
            tokens::exact_bytes(text.as_bytes()),
            Some(tiktoken),
            "{file}"
        );
        checked += 1;
    }
    assert!(checked >= 3, "{checked} whole files");
}

/// The cut rule is what keeps the sum exact: a cut before `/` would split a piece
/// (a punctuation run takes the line breaks and slashes after it).
#[test]
fn pieces_never_cut_before_whitespace_or_a_slash() {
    let text = "fn a() {}\n// one\n  two\n\nthree\n";
    let cuts: Vec<&str> = tokens::pieces(text, 1).collect();
    assert_eq!(cuts.concat(), text);
    assert_eq!(cuts, ["fn a() {}\n// one\n  two\n\n", "three\n"]);
    let summed: u64 = cuts.iter().map(|p| tokens::exact(p).unwrap()).sum();
    assert_eq!(Some(summed), tokens::exact(text));
}
