//! Source code outlines on real source files (see fixtures/README.md): every folded
//! body comes back byte for byte with its marker's `-L` selector, every line is
//! accounted for, and files that are truncated or do not parse pass through.

mod common;

use common::{
    assert_accounts_for_every_line, assert_passed_through, bin, read_fixture, run_with_input,
};

const FIXTURES: &[&str] = &[
    "code/memchr-memmem.rs",
    "code/blake3.c",
    "code/tree-sitter-javascript-grammar.js",
];

/// `(first, last)` of every `-L A:B` marker in a view.
fn marker_ranges(view: &str) -> Vec<(usize, usize)> {
    view.lines()
        .filter_map(|l| {
            let at = l.rfind(" -L ")?;
            let (a, b) = l[at + 4..].trim_end_matches(']').split_once(':')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        })
        .collect()
}

fn outline(input: &[u8], cmd: &str, budget: &str) -> (tempfile::TempDir, Vec<u8>) {
    let store = tempfile::tempdir().unwrap();
    let out = run_with_input(
        bin("headroom", store.path()).args(["--cmd", cmd, "--budget", budget]),
        input,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (store, out.stdout)
}

#[test]
fn folded_bodies_come_back_byte_exact() {
    for name in FIXTURES {
        let input = read_fixture(name);
        let (store, view) = outline(&input, &format!("cat {name}"), "1000");
        let text = String::from_utf8(view.clone()).unwrap();
        assert!(text.starts_with("[code "), "{name}: {text}");
        assert_accounts_for_every_line(&input, &view);
        let hash = common::marker_hash(&view).expect("a marker");
        let lines: Vec<&[u8]> = input.split_inclusive(|&b| b == b'\n').collect();
        let ranges = marker_ranges(&text);
        assert!(ranges.len() >= 5, "{name}: only {} folds", ranges.len());
        for (a, b) in ranges {
            let got = bin("headroom-cat", store.path())
                .args([&hash, "-L", &format!("{a}:{b}")])
                .output()
                .unwrap();
            assert!(got.status.success());
            let want: Vec<u8> = lines[a - 1..b].concat();
            assert!(got.stdout == want, "{name}: -L {a}:{b} is not byte-exact");
        }
    }
}

#[test]
fn small_files_pass_whole() {
    let input = read_fixture("code/memchr-memmem.rs");
    let (_store, view) = outline(&input, "cat mod.rs", "100000");
    assert_passed_through(
        &std::process::Output {
            status: std::process::ExitStatus::default(),
            stdout: view,
            stderr: Vec::new(),
        },
        &input,
    );
}

/// A valid file in each language: `n` functions of ten body lines each.
fn source(ext: &str, n: usize) -> String {
    let body = |i: usize, stmt: &dyn Fn(usize) -> String| {
        (0..10)
            .map(|k| stmt(i * 10 + k))
            .collect::<Vec<_>>()
            .join("")
    };
    let mut s = String::new();
    for i in 0..n {
        let f = match ext {
            "rs" => format!(
                "fn f{i}(x: u32) -> u32 {{\n{}    x\n}}\n\n",
                body(i, &|k| format!("    let v{k} = x + {k};\n"))
            ),
            "py" => format!(
                "def f{i}(x):\n{}    return x\n\n",
                body(i, &|k| format!("    v{k} = x + {k}\n"))
            ),
            "js" | "ts" => format!(
                "function f{i}(x) {{\n{}  return x;\n}}\n\n",
                body(i, &|k| format!("  const v{k} = x + {k};\n"))
            ),
            "go" => format!(
                "func f{i}(x int) int {{\n{}\treturn x\n}}\n\n",
                body(i, &|k| format!("\tx = x + {k}\n"))
            ),
            "java" => format!(
                "  int f{i}(int x) {{\n{}    return x;\n  }}\n\n",
                body(i, &|k| format!("    int v{k} = x + {k};\n"))
            ),
            "c" | "cc" => format!(
                "int f{i}(int x) {{\n{}  return x;\n}}\n\n",
                body(i, &|k| format!("  int v{k} = x + {k};\n"))
            ),
            other => panic!("{other}"),
        };
        s.push_str(&f);
    }
    match ext {
        "go" => format!("package main\n\n{s}"),
        "java" => format!("class A {{\n{s}}}\n"),
        _ => s,
    }
}

#[test]
fn truncated_and_broken_files_pass_through_in_every_language() {
    for ext in ["rs", "py", "js", "ts", "go", "java", "c", "cc"] {
        let cmd = format!("cat src/file.{ext}");
        let whole = source(ext, 40);
        let (_s, view) = outline(whole.as_bytes(), &cmd, "500");
        let view = String::from_utf8(view).unwrap();
        assert!(view.starts_with("[code "), "{ext}: not outlined: {view}");
        assert!(view.contains(" -L "), "{ext}: nothing folded");

        // Cut in the middle of a body's statement, as a stream cut by size is
        // (a Python file cut between statements is valid Python: see README).
        let half = whole.len() / 2;
        let at = half + whole[half..].find("+ ").unwrap() + 2;
        let cut = &whole[..at];
        let (_s, out) = outline(cut.as_bytes(), &cmd, "500");
        assert!(
            out == cut.as_bytes(),
            "{ext}: truncated file was not passed through"
        );

        // A syntax error inside a body.
        let broken = whole.replacen("+ 5", "+ + ) 5 (", 1);
        let (_s, out) = outline(broken.as_bytes(), &cmd, "500");
        assert!(
            out == broken.as_bytes(),
            "{ext}: broken file was not passed through"
        );
    }
}
