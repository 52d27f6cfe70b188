//! Linter and type-checker output: eslint, ruff, flake8, pylint, clippy, mypy,
//! pyright, golangci-lint, shellcheck.
//!
//! The view is the shared diagnostic view ([`super::diagnostic`]): findings grouped
//! by rule with exact counts and the first locations of each, errors before warnings
//! before conventions, rare rules before frequent ones; the verdict lines (`Found 12
//! errors`, the pylint score) kept.

use super::diagnostic::{DiagnosticCompressor, Family, Survey};
use crate::relevance::Query;

/// The lint view's compressor.
pub fn compressor(query: &Query) -> DiagnosticCompressor {
    DiagnosticCompressor::new(Family::Lint, query)
}

/// The structural signature of this family; see [`super::Signature`]. Linters print
/// many findings of one shape; two are needed, or one clippy lint in a rustc
/// diagnostic.
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    let s = Survey::of(lines);
    if s.clippy > 0 && s.rustc > 0 {
        return Some(format!(
            "{} clippy lints named in rustc diagnostics",
            s.clippy
        ));
    }
    let evidence = [
        (
            s.coded,
            "findings of the form path:line:col: CODE message (ruff, flake8, pylint)",
        ),
        (s.stylish, "eslint findings under file headings"),
        (s.ruff_full, "ruff findings with their locations"),
        (
            s.checker,
            "type-checker findings naming their rule (mypy, shellcheck)",
        ),
        (s.pyright, "pyright findings"),
        (s.go_linter, "golangci-lint findings"),
    ];
    let (n, what) = evidence.iter().max_by_key(|(n, _)| *n)?;
    (*n >= 2).then(|| format!("{n} {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniffed(text: &str) -> Option<String> {
        let lines: Vec<&[u8]> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::as_bytes)
            .collect();
        sniff(&lines)
    }

    #[test]
    fn linters_are_recognised() {
        assert!(sniffed("************* Module click\nsrc/a.py:1:0: C0114: Missing module docstring (missing-module-docstring)\nsrc/a.py:3:0: W0611: Unused import os (unused-import)\n").is_some());
        assert!(sniffed(
            "a.py:1:8: F401 [*] `os` imported but unused\na.py:2:1: E501 Line too long (99 > 88)\n"
        )
        .is_some());
        assert!(sniffed("/src/a.js\n   1:5  error  'x' is defined but never used  no-unused-vars\n   2:1  warning  Unexpected var  no-var\n").is_some());
        assert!(sniffed("a.py:15: error: Function is missing a return type annotation  [no-untyped-def]\na.py:22: error: Missing type  [type-arg]\n").is_some());
        assert!(sniffed("warning: this `if` has identical blocks\n --> src/a.rs:3:5\n  = help: for further information visit https://rust-lang.github.io/rust-clippy/master/index.html#if_same_then_else\n").is_some());
    }

    #[test]
    fn compilers_are_not_linters() {
        assert_eq!(sniffed("x.c:3:5: warning: unused variable ‘a’ [-Wunused-variable]\nx.c:4:5: error: expected ‘;’\n"), None);
        assert_eq!(
            sniffed("warning: unused variable: `a`\n --> src/a.rs:1:2\n"),
            None
        );
    }
}
