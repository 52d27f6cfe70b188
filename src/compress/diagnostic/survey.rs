//! The evidence an input's first lines give for the build and lint signatures.

use super::parse::{self, classify, Detail, Kind, Shape};

/// What the first lines of an input show: the evidence the build and lint
/// signatures weigh.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Survey {
    /// rustc-shaped headlines followed by their `-->` location.
    pub rustc: usize,
    /// Lines naming a clippy lint.
    pub clippy: usize,
    /// `path:line:col: severity: msg` with no rule or a `-W` flag (gcc, clang, javac).
    pub compiler: usize,
    /// The same shape naming a rule of its own (mypy `[attr-defined]`, `[SC2086]`).
    pub checker: usize,
    /// `path:line:col: CODE msg` (ruff, flake8, pylint).
    pub coded: usize,
    /// tsc findings (`error TS2345`).
    pub tsc: usize,
    /// pyright findings (`path:l:c - error: msg`).
    pub pyright: usize,
    /// eslint stylish findings.
    pub stylish: usize,
    /// ruff full-format headlines followed by their location.
    pub ruff_full: usize,
    /// go findings without and with a linter name.
    pub go: usize,
    pub go_linter: usize,
    /// cargo's `Compiling x v1.2.3` and its kin.
    pub cargo_progress: usize,
    /// Installers' and build tools' progress (pip, npm, make, echoed commands).
    pub tool_progress: usize,
    /// Installers' verdicts (`npm warn`, `ERROR:`).
    pub verdicts: usize,
    pub summaries: usize,
}

impl Survey {
    /// Surveys a first block of lines (ANSI-cleaned, blank lines skipped).
    pub fn of(lines: &[&[u8]]) -> Survey {
        let mut s = Survey::default();
        let mut pending: Option<Shape> = None;
        for line in lines {
            let kind = classify(line);
            if let Kind::Detail(Detail::Location) = kind {
                match pending.take() {
                    Some(Shape::Rustc) => s.rustc += 1,
                    Some(Shape::RuffFull) => s.ruff_full += 1,
                    _ => {}
                }
            } else if !matches!(kind, Kind::Detail(_)) {
                pending = None;
            }
            if parse::lint_named_in(line).is_some_and(|l| l.starts_with(b"clippy::"))
                || memchr::memmem::find(line, b"rust-clippy/").is_some()
            {
                s.clippy += 1;
            }
            match kind {
                Kind::Finding(f) => {
                    pending = Some(f.shape);
                    match f.shape {
                        Shape::Located if f.rule.is_some_and(|r| !r.starts_with(b"-W")) => {
                            s.checker += 1
                        }
                        Shape::Located => s.compiler += 1,
                        Shape::Coded => s.coded += 1,
                        Shape::Tsc if f.rule.is_some() => s.tsc += 1,
                        Shape::Tsc => s.pyright += 1,
                        Shape::Stylish => s.stylish += 1,
                        Shape::Go if f.rule.is_some() => s.go_linter += 1,
                        Shape::Go => s.go += 1,
                        Shape::Verdict => s.verdicts += 1,
                        Shape::Rustc | Shape::RuffFull | Shape::Linker => {}
                    }
                }
                Kind::Progress(label) => {
                    let cargo = label.starts_with(|c: char| c.is_ascii_uppercase())
                        && is_cargo_status(line);
                    if cargo {
                        s.cargo_progress += 1;
                    } else {
                        s.tool_progress += 1;
                    }
                }
                Kind::Summary => s.summaries += 1,
                _ => {}
            }
        }
        s
    }
}

/// `   Compiling serde v1.0.228`: a cargo status verb, a crate and its version.
fn is_cargo_status(line: &[u8]) -> bool {
    let mut words = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    let (_, _, version) = (words.next(), words.next(), words.next());
    version.is_some_and(|v| v.len() > 1 && v[0] == b'v' && v[1].is_ascii_digit())
}
