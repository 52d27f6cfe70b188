//! Calibrates `tokens::estimate` against the real o200k tokenizer (`tokens::exact`).
//!
//! ```sh
//! cargo run --release --example calibrate_tokens -- [--holdout] FILE...
//! ```
//!
//! Each file is cut into pieces of about 2 KB with `tokens::pieces`, at line starts
//! where the exact counts of the pieces add up to the file's. Every piece gives one equation: its transition
//! counts (how often a byte of class `c` follows one of class `p`) times the unknown
//! costs should equal its exact token count. The costs minimise the squared relative
//! error over all pieces, pulled gently towards the current table so transitions the
//! corpus hardly has keep their old cost. `--holdout` fits on every other file and
//! reports the error on the files it did not see.
//!
//! Prints, per file and in total, the error of the current table and of the fitted one,
//! the fitted table as Rust, and the speed of `estimate` and `exact`.

use std::time::Instant;

use headroom::tokens::{self, CLASSES, COST, START_CLASS, UNIT};

type Table = [[i32; CLASSES]; CLASSES];
const N: usize = CLASSES * CLASSES;
const PIECE_BYTES: usize = 2048;
/// Weight of the pull towards the current table, per piece.
const PRIOR: f64 = 1e-4;

struct Piece {
    counts: [f64; N],
    exact: f64,
}

struct File {
    name: String,
    bytes: Vec<u8>,
    exact: u64,
    pieces: Vec<Piece>,
}

fn main() {
    let mut holdout = false;
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--holdout" {
            holdout = true;
        } else {
            paths.push(arg);
        }
    }
    if paths.is_empty() {
        eprintln!("usage: calibrate_tokens [--holdout] FILE...");
        std::process::exit(2);
    }
    let started = Instant::now();
    let files: Vec<File> = paths.iter().map(|p| load(p)).collect();
    let total_bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let exact_secs = started.elapsed().as_secs_f64();

    let (train, test): (Vec<&File>, Vec<&File>) = if holdout {
        let (a, b): (Vec<_>, Vec<_>) = files.iter().enumerate().partition(|(i, _)| i % 2 == 0);
        (
            a.into_iter().map(|(_, f)| f).collect(),
            b.into_iter().map(|(_, f)| f).collect(),
        )
    } else {
        (files.iter().collect(), files.iter().collect())
    };
    let fitted = fit(&train);

    println!(
        "{:<60} {:>9} {:>9} {:>8} {:>8}",
        "file", "bytes", "exact", "current", "fitted"
    );
    for f in &test {
        println!(
            "{:<60} {:>9} {:>9} {:>+7.1}% {:>+7.1}%",
            f.name,
            f.bytes.len(),
            f.exact,
            error(&COST, f),
            error(&fitted, f)
        );
    }
    for (label, table) in [("current", &COST), ("fitted", &fitted)] {
        summary(label, table, &test);
    }
    println!("\nfitted table (1/{UNIT} token):");
    println!("[");
    for row in &fitted {
        let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
        println!("    [{}],", cells.join(", "));
    }
    println!("]");

    let all: Vec<u8> = files.iter().flat_map(|f| f.bytes.iter().copied()).collect();
    let rounds = (200 << 20) / all.len().max(1) + 1;
    let t = Instant::now();
    let mut sum = 0;
    for _ in 0..rounds {
        sum += tokens::estimate(std::hint::black_box(&all));
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "\nestimate: {:.0} MB/s over {} MB ({sum} tokens)",
        (rounds * all.len()) as f64 / secs / 1e6,
        rounds * all.len() / 1_000_000
    );
    println!(
        "exact: {:.1} MB/s over {:.1} MB (each file and its pieces, vocabulary load included)",
        2.0 * total_bytes as f64 / exact_secs / 1e6,
        total_bytes as f64 / 1e6
    );
}

/// Reads a file and counts it exactly, whole and in pieces.
fn load(path: &str) -> File {
    let bytes = std::fs::read(path).unwrap_or_else(|e| {
        eprintln!("calibrate_tokens: cannot read {path}: {e}");
        std::process::exit(1)
    });
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let count = |s: &str| tokens::exact(s).expect("the o200k vocabulary loads");
    let exact = count(&text);
    let pieces: Vec<Piece> = tokens::pieces(&text, PIECE_BYTES)
        .map(|piece| Piece {
            counts: transitions(piece.as_bytes()),
            exact: count(piece) as f64,
        })
        .collect();
    let summed: f64 = pieces.iter().map(|p| p.exact).sum();
    if summed as u64 != exact {
        eprintln!("calibrate_tokens: {path}: pieces count {summed}, the whole {exact}");
    }
    File {
        name: path.rsplit('/').take(2).collect::<Vec<_>>().join(" < "),
        bytes: text.into_bytes(),
        exact,
        pieces,
    }
}

fn transitions(bytes: &[u8]) -> [f64; N] {
    let mut counts = [0.0; N];
    let mut prev = START_CLASS;
    for &b in bytes {
        let class = tokens::class_of(b);
        counts[prev * CLASSES + class] += 1.0;
        prev = class;
    }
    counts
}

/// Weighted least squares with a ridge towards the current table, solved by
/// Gaussian elimination on the normal equations.
fn fit(files: &[&File]) -> Table {
    let mut a = vec![[0.0f64; N]; N];
    let mut b = [0.0f64; N];
    let mut rows = 0.0;
    for piece in files.iter().flat_map(|f| &f.pieces) {
        if piece.exact == 0.0 {
            continue;
        }
        rows += 1.0;
        let x: Vec<f64> = piece.counts.iter().map(|c| c / piece.exact).collect();
        for i in 0..N {
            if x[i] == 0.0 {
                continue;
            }
            b[i] += x[i];
            for j in 0..N {
                a[i][j] += x[i] * x[j];
            }
        }
    }
    let lambda = PRIOR * rows;
    for i in 0..N {
        a[i][i] += lambda;
        b[i] += lambda * f64::from(COST[i / CLASSES][i % CLASSES]) / UNIT as f64;
    }
    let w = solve(a, b);
    let mut table = [[0; CLASSES]; CLASSES];
    for (i, v) in w.iter().enumerate() {
        table[i / CLASSES][i % CLASSES] = (v * UNIT as f64).round() as i32;
    }
    table
}

fn solve(mut a: Vec<[f64; N]>, mut b: [f64; N]) -> [f64; N] {
    for col in 0..N {
        let pivot = (col..N)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for row in col + 1..N {
            let f = a[row][col] / pivot_row[col];
            for (x, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; N];
    for row in (0..N).rev() {
        let s: f64 = (row + 1..N).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    x
}

/// Relative error of the estimate for the whole file, in percent.
fn error(table: &Table, f: &File) -> f64 {
    100.0 * (tokens::estimate_with(table, &f.bytes) as f64 / f.exact.max(1) as f64 - 1.0)
}

fn summary(label: &str, table: &Table, files: &[&File]) {
    let mut errors: Vec<f64> = files.iter().map(|f| error(table, f)).collect();
    errors.sort_by(f64::total_cmp);
    let estimated: u64 = files
        .iter()
        .map(|f| tokens::estimate_with(table, &f.bytes))
        .sum();
    let exact: u64 = files.iter().map(|f| f.exact).sum();
    let mid = errors.len() / 2;
    let median = if errors.len().is_multiple_of(2) {
        (errors[mid - 1] + errors[mid]) / 2.0
    } else {
        errors[mid]
    };
    let within = |p: f64| errors.iter().filter(|e| e.abs() <= p).count();
    println!(
        "{label:>8}: total {:+.1}% ({estimated} vs {exact}), median {median:+.1}%, range {:+.1}% to {:+.1}%, within ±10%: {}/{}, within ±20%: {}/{}",
        100.0 * (estimated as f64 / exact as f64 - 1.0),
        errors[0],
        errors[errors.len() - 1],
        within(10.0),
        errors.len(),
        within(20.0),
        errors.len(),
    );
}
