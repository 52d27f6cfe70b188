//! Compiler, build-tool and installer output: rustc/cargo, gcc/clang, make, cmake,
//! tsc, go build, javac/maven/gradle, npm/pnpm/pip install.
//!
//! The view is the shared diagnostic view ([`super::diagnostic`]) with errors kept
//! whole: every group's first errors with their context, location and code snippet;
//! warnings grouped by rule with counts and their first locations; progress
//! (`Compiling x`, downloads, echoed commands, `npm http` lines) counted.

use super::diagnostic::{DiagnosticCompressor, Family, Survey};
use crate::relevance::Query;

/// The build view's compressor.
pub fn compressor(query: &Query) -> DiagnosticCompressor {
    DiagnosticCompressor::new(Family::Build, query)
}

/// The structural signature of this family; see [`super::Signature`]. Two pieces of
/// evidence are needed (one rustc or tsc diagnostic counts as two): a lone
/// `ERROR:` or `Downloading` line is not a build.
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    let s = Survey::of(lines);
    let evidence = [
        (2 * s.rustc, "rustc diagnostics"),
        (2 * s.tsc, "tsc errors"),
        (
            s.compiler,
            "compiler diagnostics (file:line:col: error/warning)",
        ),
        (s.go, "go build errors"),
        (s.cargo_progress, "cargo progress lines"),
        (s.tool_progress, "installer or build-tool progress lines"),
        (s.verdicts, "installer verdicts"),
    ];
    let total: usize = evidence.iter().map(|(n, _)| n).sum();
    let strong = s.rustc + s.tsc + s.compiler + s.go + s.cargo_progress;
    if total < 2 || strong == 0 && s.tool_progress < 2 {
        return None;
    }
    let (_, what) = evidence.iter().max_by_key(|(n, _)| *n)?;
    Some(format!(
        "{what} among {total} build lines in the first block"
    ))
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
    fn builds_are_recognised() {
        assert!(sniffed("   Compiling a v1.0.0\n   Compiling b v0.2.1\n").is_some());
        assert!(sniffed("error[E0282]: type annotations needed\n --> src/a.rs:1:2\n").is_some());
        assert!(sniffed("x.c: In function ‘f’:\nx.c:3:5: warning: unused variable ‘a’ [-Wunused-variable]\nx.c:4:5: error: expected ‘;’\n").is_some());
        assert!(sniffed("src/a.ts(1,31): error TS2307: Cannot find module 'x'.\n").is_some());
        assert!(
            sniffed("Collecting flask\n  Downloading flask-3.0.3-py3-none-any.whl (101 kB)\n")
                .is_some()
        );
    }

    #[test]
    fn logs_and_prose_are_not_builds() {
        assert_eq!(
            sniffed("2024-01-01 12:00:00 ERROR: disk full\n2024-01-01 12:00:01 INFO ok\n"),
            None
        );
        assert_eq!(sniffed("ERROR: something failed\nplease retry\n"), None);
        assert_eq!(sniffed("Downloading the report\nDone.\n"), None);
        assert_eq!(sniffed("This is a README.\nIt has sentences.\n"), None);
    }
}
