//! What one line of compiler, build-tool or linter output is.
//!
//! Diagnostics come in a few shapes that many tools share, so the parser knows shapes,
//! not tools:
//! - a headline that names the severity with the location on the next line (rustc,
//!   cargo, clippy, ruff's full format): `error[E0282]: msg` then `--> src/x.rs:1:2`;
//! - a located headline (gcc, clang, mypy, javac, go vet, ruff/flake8/pylint, tsc):
//!   `x.c:3:5: warning: msg [-Wconversion]`, `x.py:1:0: C0114: msg (missing-…)`,
//!   `x.ts(12,5): error TS2345: msg`, `x.ts:12:5 - error TS2345: msg`;
//! - a finding under a file heading (eslint's stylish format, pyright): `/src/a.js` then
//!   `  12:5  error  msg  no-unused-vars`;
//! - tool verdicts: `npm warn deprecated …`, `ERROR: Could not find …`, `[ERROR] …`.
//!
//! Lines after a headline that are indented, numbered source lines (`12 | code`),
//! carets, `--> file:line` or `note:`/`help:` belong to it ([`Kind::Detail`]); progress
//! lines (`Compiling x v1.2.3`, download bars, echoed compiler commands) and summaries
//! (`Finished …`, `Found 12 errors`) are recognised so they can be counted or kept.

use std::sync::OnceLock;

use regex::bytes::{Captures, Regex, RegexSet};

/// How bad a finding is, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    /// Conventions, refactoring hints, information.
    Info,
}

impl Severity {
    pub fn noun(self, n: u64) -> &'static str {
        match (self, n == 1) {
            (Severity::Error, true) => "error",
            (Severity::Error, false) => "errors",
            (Severity::Warning, true) => "warning",
            (Severity::Warning, false) => "warnings",
            (Severity::Info, _) => "info",
        }
    }
}

/// The first line of one diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding<'a> {
    pub severity: Severity,
    /// The rule or code the tool names (`E0282`, `-Wconversion`, `no-unused-vars`).
    pub rule: Option<&'a [u8]>,
    /// The message, for grouping findings without a rule by their wording.
    pub message: &'a [u8],
    /// True when the line itself says where (file and line); false when the location
    /// is on a following line (rustc) or in a heading above (eslint).
    pub located: bool,
    /// The shape it was printed in, which tells compilers from linters.
    pub shape: Shape,
}

/// The shapes of headline the parser knows (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `error[E0282]: msg` with the location below (rustc, cargo, clippy).
    Rustc,
    /// `path:line:col: severity: msg [rule]` (gcc, clang, mypy, javac, shellcheck).
    Located,
    /// `path:line:col: CODE msg` (ruff, flake8, pylint).
    Coded,
    /// `path(line,col): error TS…` and `path:line:col - error TS…` (tsc, pyright).
    Tsc,
    /// `  line:col  severity  msg  rule` under a file heading (eslint).
    Stylish,
    /// `CODE msg` with the location below (ruff's full format).
    RuffFull,
    /// `x.go:line:col: msg`, with the linter named when golangci-lint prints it.
    Go,
    /// `npm warn …`, `ERROR: …`, `[ERROR] …`, `CMake Error at …`.
    Verdict,
    /// `x.c:(.text+0x1a): undefined reference to …`.
    Linker,
}

/// What a line of a detail block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// `--> src/x.rs:1:2`: where the finding above is.
    Location,
    /// Source excerpts, carets, notes, help and continuation text.
    Body,
}

/// What a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind<'a> {
    Finding(Finding<'a>),
    /// A line that can only continue the finding above it; outside a finding the
    /// compressor treats it as [`Kind::Other`].
    Detail(Detail),
    /// Introduces the findings below it: a file heading, `In function 'f':`,
    /// `************* Module x`.
    Heading,
    /// Routine progress, counted by its label (`Compiling`, `Downloading`, `http`).
    Progress(&'static str),
    /// The outcome: `Finished …`, `Found 3 errors`, `✖ 12 problems`, a score.
    Summary,
    Blank,
    Other,
}

/// Classifies one line (ANSI escapes already removed).
pub fn classify(line: &[u8]) -> Kind<'_> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Kind::Blank;
    }
    if summaries().is_match(line) {
        return Kind::Summary;
    }
    if let Some(label) = progress(line) {
        return Kind::Progress(label);
    }
    if let Some(kind) = finding(line) {
        return kind;
    }
    if headings().is_match(line) {
        return Kind::Heading;
    }
    if let Some(detail) = detail(line) {
        return Kind::Detail(detail);
    }
    Kind::Other
}

/// The lint a detail line names, if any: rustc's `= note: `#[warn(dead_code)]` on by
/// default` (printed once per lint) or clippy's `index.html#needless_return` link.
pub fn lint_named_in(line: &[u8]) -> Option<&[u8]> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        crate::pattern::regex(
            r"#\[(?:warn|deny|forbid)\(([\w:]+)\)\]|rust-clippy/[\w/.-]*index\.html#([\w]+)",
        )
    });
    let caps = re.captures(line)?;
    caps.get(1).or_else(|| caps.get(2)).map(|m| m.as_bytes())
}

/// Words that make an unclassified line worth keeping.
pub fn is_problem(line: &[u8]) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        crate::pattern::regex(
            r"(?i)\berror\b|\bfail(ed|ure)?\b|\bfatal\b|panicked|traceback|exception|undefined reference|cannot find|not found|permission denied|segmentation fault|killed",
        )
    })
    .is_match(line)
}

/// Outcome lines of the tools this family reads.
fn summaries() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        crate::pattern::regex_set([
            // cargo and rustc
            r"^\s*Finished\s.*(profile|target)",
            r"^(warning|error): .*\bgenerated \d+ warnings?",
            r"^error: (could not compile|aborting due to|build failed|failed to (compile|run custom build))",
            r"^warning: build failed",
            r"^(Some errors have detailed explanations|For more information about (this|an) error)",
            // gcc, clang, javac, make
            r"^\d+ (warnings?|errors?)( and \d+ errors?)? generated\.?$",
            r"^\d+ (errors?|warnings?)$",
            r"^make(\[\d+\])?: \*\*\*",
            // tsc, ruff, mypy, eslint, pylint, pyright
            r"^Found \d+ errors?\b",
            r"^\[\*\] \d+ fixable",
            r"^(All checks passed!|Success: no issues found)",
            r"^Errors\s+Files$",
            r"(?:✖|✕) \d+ problems?",
            r"^\s*\d+ errors? and \d+ warnings? potentially fixable",
            r"^Your code has been rated at",
            r"^\d+ errors?, \d+ warnings?, \d+ (info|informations?)",
            // package managers
            r"^(added|removed|changed|audited) \d+ packages?",
            r"^up to date(, audited)? ",
            r"^found \d+ vulnerabilit",
            r"^\d+ (\w+ )?(severity )?vulnerabilit",
            r"^Successfully (installed|built) ",
            // maven, gradle, go
            r"BUILD (SUCCESS|FAILURE|SUCCESSFUL|FAILED)",
            r"^\[INFO\] Total time",
            r"^(ok|FAIL)\s+\S+\s+[\d.]+s$",
            // exit statuses written by wrappers and scripts
            r"^(EXIT|exit|BUILD_RC|RC|rc|status)[=: ]\s*-?\d+$",
            r"^exit status \d+$",
        ])
    })
}

/// Lines that introduce the findings below them.
fn headings() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        crate::pattern::regex_set([
            // pylint
            r"^\*{5,} Module \S",
            // gcc and clang context
            r"^\S[^:]*: (In (static |member |)function|In constructor|In destructor|At top level|In instantiation of|In lambda function|In member function)",
            r"^In file included from \S",
            r"^\s+from \S+:\d+[,:]$",
            // go's package heading
            r"^# [\w./@-]+$",
            // eslint stylish, pyright: a file path alone on its line
            r"^(?:[A-Za-z]:)?[\w.@~+-]*[/\\][\w./\\@~+-]*\.[A-Za-z][\w]{0,5}$",
            // shellcheck
            r"^In \S+ line \d+:$",
            // linker context
            r"^(/usr/bin/)?ld: \S+: in function ",
        ])
    })
}

/// Routine progress lines, by label.
fn progress(line: &[u8]) -> Option<&'static str> {
    /// cargo's status verbs, right-aligned to column 12.
    const CARGO: &[&str] = &[
        "Compiling",
        "Checking",
        "Downloading",
        "Downloaded",
        "Updating",
        "Locking",
        "Adding",
        "Removing",
        "Blocking",
        "Fresh",
        "Running",
        "Documenting",
        "Installing",
        "Installed",
        "Replacing",
        "Replaced",
        "Packaging",
        "Packaged",
        "Verifying",
        "Archiving",
        "Uploading",
        "Uploaded",
        "Unpacking",
        "Building",
        "Generated",
        "Scraping",
        "Fetching",
        "Resolving",
    ];
    /// Other tools' progress, by line prefix (after indentation).
    const PREFIXES: &[(&str, &str)] = &[
        // pip
        ("Collecting ", "Collecting"),
        ("Downloading ", "Downloading"),
        ("Using cached ", "cached"),
        ("Requirement already satisfied", "satisfied"),
        ("Obtaining ", "pip"),
        ("Processing ", "pip"),
        ("Installing build dependencies", "pip"),
        ("Installing backend dependencies", "pip"),
        ("Getting requirements", "pip"),
        ("Preparing metadata", "pip"),
        ("Building wheel", "pip"),
        ("Building wheels", "pip"),
        ("Created wheel", "pip"),
        ("Stored in directory", "pip"),
        ("Looking in ", "pip"),
        ("Attempting uninstall", "pip"),
        ("Found existing installation", "pip"),
        ("Uninstalling ", "pip"),
        ("Successfully uninstalled", "pip"),
        ("Installing collected packages", "pip"),
        // npm, pnpm, yarn
        ("npm http ", "http"),
        ("npm timing ", "timing"),
        ("npm sill ", "verbose"),
        ("npm silly ", "verbose"),
        ("npm verb ", "verbose"),
        ("npm verbose ", "verbose"),
        ("npm info ", "info"),
        ("npm notice", "notice"),
        ("Progress: resolved ", "progress"),
        ("Packages: +", "progress"),
        // make, cmake, gradle, maven, go
        ("-- ", "cmake"),
        ("> Task ", "Task"),
        ("[INFO] Download", "Downloading"),
        ("[INFO] ", "INFO"),
        ("go: downloading ", "downloading"),
        ("go: finding ", "downloading"),
        ("go: extracting ", "downloading"),
    ];
    let indent = line.iter().take_while(|&&b| b == b' ').count();
    let text = &line[indent..];
    if indent <= 12 {
        for verb in CARGO {
            if text.starts_with(verb.as_bytes()) && text.get(verb.len()) == Some(&b' ') {
                return Some(verb);
            }
        }
    }
    for (prefix, label) in PREFIXES {
        if text.starts_with(prefix.as_bytes()) {
            return Some(label);
        }
    }
    static SET: OnceLock<RegexSet> = OnceLock::new();
    let set = SET.get_or_init(|| {
        crate::pattern::regex_set([
            // progress bars: pip's rich bars, tqdm, percentages
            r"━━|██|\|#{3,}|\[[=#>-]{3,}",
            r"^\s*\[\s*\d+%\]",
            r"^\s*\d+%\s*\|",
            // make's directory changes
            r"^make(\[\d+\])?: (Entering|Leaving) directory|^make(\[\d+\])?: Nothing to be done",
            // an echoed compiler, linker or archiver command
            r"^(\S*/)?(cc|gcc|g\+\+|c\+\+|clang|clang\+\+|ld|ar|ranlib|libtool|rustc|javac|nasm|x86_64-[\w-]+-gcc)(-\d+)? .*-\S",
            // cargo: a failed build command repeated in full
            r"process didn't exit successfully: `",
        ])
    });
    let matched = set.matches(line);
    if matched.matched(0) || matched.matched(1) || matched.matched(2) {
        return Some("progress");
    }
    if matched.matched(3) {
        return Some("make");
    }
    if matched.matched(4) || matched.matched(5) {
        return Some("command");
    }
    None
}

fn severity_word(word: &[u8]) -> Option<Severity> {
    Some(match word {
        b"error" | b"fatal error" | b"Error" | b"ERROR" | b"ERR!" | b"FATAL" | b"e" => {
            Severity::Error
        }
        b"warning" | b"Warning" | b"WARNING" | b"WARN" | b"warn" | b"w" => Severity::Warning,
        b"info" | b"information" | b"hint" | b"message" => Severity::Info,
        _ => return None,
    })
}

/// pylint's message letters: Fatal and Error, Warning, Convention/Refactor/Info.
fn pylint_severity(code: &[u8]) -> Severity {
    match code[0] {
        b'F' | b'E' => Severity::Error,
        b'W' => Severity::Warning,
        _ => Severity::Info,
    }
}

/// The finding shapes, tried in order.
fn shapes() -> &'static [Regex] {
    static RES: OnceLock<Vec<Regex>> = OnceLock::new();
    RES.get_or_init(|| {
        [
            // 0: rustc, cargo, clippy: `error[E0282]: msg`, `warning: msg`
            r"^(error|warning)(?:\[([\w:-]+)\])?: (.+)$",
            // 1: gcc, clang, mypy, javac: `path:line[:col]: severity: msg [code]`
            r"^(\S(?:[^:\s]|:[\\/])*):(\d+)(?::\d+)?: (fatal error|error|warning|note|remark|info|hint)(?:\[[\w:.-]+\])?: (.+?)(?:\s+\[([\w:.=-]+)\])?\s*$",
            // 2: ruff, flake8 (`F401 msg`), pylint (`C0114: msg (symbol)`)
            r"^(\S(?:[^:\s]|:[\\/])*):(\d+):(\d+): ([A-Z]{1,4}\d{1,4})(:?) (?:\[\*\] )?(.+)$",
            // 3: tsc: `path(12,5): error TS2345: msg`
            r"^(\S.*?)\((\d+),(\d+)\): (error|warning|message) (TS\d+): (.+)$",
            // 4: tsc --pretty and pyright: `path:12:5 - error TS2345: msg`
            r"^\s*(\S.*?):(\d+):(\d+) - (error|warning|information|info)(?: (TS\d+))?: (.+)$",
            // 5: eslint stylish, under a file heading: `  12:5  error  msg  rule`
            r"^\s+(\d+):(\d+)\s+(error|warning)\s+(.+?)(?:\s{2,}(\S+))?\s*$",
            // 6: ruff's full format: `F401 [*] msg`, location on the next line
            r"^([A-Z]{1,4}\d{2,4}) (?:\[\*\] )?(.+)$",
            // 7: go build, go vet, golangci-lint: `x.go:12:5: msg (linter)`
            r"^(\S+\.go):(\d+):(\d+): (.+?)(?: \(([a-z][\w-]*)\))?$",
            // 8: npm: `npm warn deprecated x@1: msg`, `npm ERR! code E404`
            r"^npm (ERR!|error|WARN|warn) (?:(deprecated|code|peer|ERESOLVE|EBADENGINE) )?(.*)$",
            // 9: pip, maven, gradle, cmake verdicts
            r"^(?:\[(ERROR|WARNING|WARN)\]|(ERROR|WARNING):|(e|w): |CMake (Error|Warning)(?: \(dev\))? at) ?(.+)$",
            // 10: linker
            r"^(.+?): (undefined reference to|multiple definition of) (.+)$",
        ]
        .iter()
        .map(|re| crate::pattern::regex(re))
        .collect()
    })
}

/// The finding in `c`: its rule and message are capture groups `rule` and `message`.
fn found<'a>(
    c: &Captures<'a>,
    shape: Shape,
    severity: Severity,
    rule: usize,
    message: usize,
    located: bool,
) -> Option<Kind<'a>> {
    Some(Kind::Finding(Finding {
        severity,
        rule: c.get(rule).map(|m| m.as_bytes()).filter(|r| !r.is_empty()),
        message: c.get(message).map_or(&[][..], |m| m.as_bytes()),
        located,
        shape,
    }))
}

/// A capture group no shape has: the finding names no rule.
const NO_RULE: usize = usize::MAX;

/// The finding a line opens, if it opens one; notes that continue the finding above
/// (`x.c:3:5: note: …`, `x.py:3: note: …`) are details.
fn finding(line: &[u8]) -> Option<Kind<'_>> {
    let first = *line.first()?;
    let shapes = shapes();
    // Most lines match no shape: the DFA says so quickly, and only a line that does
    // match pays for the capture groups.
    let at = |i: usize| {
        let shape = &shapes[i];
        shape.is_match(line).then(|| shape.captures(line)).flatten()
    };
    if first == b'e' || first == b'w' {
        if let Some(c) = at(0) {
            return found(&c, Shape::Rustc, severity_word(&c[1])?, 2, 3, false);
        }
    }
    if first.is_ascii_whitespace() {
        if let Some(c) = at(5) {
            return found(&c, Shape::Stylish, severity_word(&c[3])?, 5, 4, false);
        }
        if let Some(c) = at(4) {
            return found(&c, Shape::Tsc, severity_word(&c[4])?, 5, 6, true);
        }
        return None;
    }
    if let Some(c) = at(1) {
        if matches!(&c[3], b"note" | b"remark") {
            return Some(Kind::Detail(Detail::Body));
        }
        return found(&c, Shape::Located, severity_word(&c[3])?, 5, 4, true);
    }
    if let Some(c) = at(2) {
        let pylint = !c[5].is_empty();
        let severity = if pylint {
            pylint_severity(&c[4])
        } else {
            Severity::Warning
        };
        return found(&c, Shape::Coded, severity, 4, 6, true);
    }
    if let Some(c) = at(3) {
        return found(&c, Shape::Tsc, severity_word(&c[4])?, 5, 6, true);
    }
    if let Some(c) = at(4) {
        return found(&c, Shape::Tsc, severity_word(&c[4])?, 5, 6, true);
    }
    if first.is_ascii_uppercase() {
        if let Some(c) = at(6) {
            return found(&c, Shape::RuffFull, Severity::Warning, 1, 2, false);
        }
    }
    if let Some(c) = at(7) {
        // golangci-lint names its linter; plain `go build` errors name none.
        let severity = if c.get(5).is_some() {
            Severity::Warning
        } else {
            Severity::Error
        };
        return found(&c, Shape::Go, severity, 5, 4, true);
    }
    if first == b'n' {
        if let Some(c) = at(8) {
            return found(&c, Shape::Verdict, severity_word(&c[1])?, 2, 3, false);
        }
    }
    if let Some(c) = at(9) {
        let word = c.get(1).or(c.get(2)).or(c.get(3)).or(c.get(4))?.as_bytes();
        return found(
            &c,
            Shape::Verdict,
            severity_word(word)?,
            NO_RULE,
            5,
            c.get(4).is_some(),
        );
    }
    if let Some(c) = at(10) {
        return found(&c, Shape::Linker, Severity::Error, 2, 3, true);
    }
    None
}

/// A line that can only be part of the finding above it.
fn detail(line: &[u8]) -> Option<Detail> {
    let indent = line.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let text = &line[indent..];
    if text.starts_with(b"--> ") || text.starts_with(b"::: ") {
        return Some(Detail::Location);
    }
    if indent > 0 {
        return Some(Detail::Body);
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        crate::pattern::regex(r"^(?:\d+ *(?:[|+-]|\s)|\.\.\.$|(?:help|note|hint|suggestion)(?:\[[\w:-]+\])?: |Caused by:$|= )")
    });
    re.is_match(line).then_some(Detail::Body)
}

/// A grouping key for a message without a rule: quoted names masked (`…`), numbers
/// and paths too (`#`), so `function `a` is never used` and `function `b` is never
/// used` agree. Also the group's name in the header.
pub fn template(message: &[u8]) -> Vec<u8> {
    const QUOTES: &[(&[u8], &[u8])] = &[
        (b"`", b"`"),
        (b"'", b"'"),
        (b"\"", b"\""),
        ("‘".as_bytes(), "’".as_bytes()),
        ("“".as_bytes(), "”".as_bytes()),
    ];
    let mut out = Vec::with_capacity(message.len());
    let mut i = 0;
    'outer: while i < message.len() {
        for (open, close) in QUOTES {
            if message[i..].starts_with(open) {
                let body = i + open.len();
                let window = &message[body..message.len().min(body + 200)];
                if let Some(end) = memchr::memmem::find(window, close) {
                    out.extend_from_slice(open);
                    out.extend_from_slice("…".as_bytes());
                    out.extend_from_slice(close);
                    i = body + end + close.len();
                    continue 'outer;
                }
            }
        }
        let start = i;
        while i < message.len() && !message[i].is_ascii_whitespace() {
            i += 1;
        }
        let word = &message[start..i];
        if word.is_empty() {
            i += 1;
            if out.last() != Some(&b' ') {
                out.push(b' ');
            }
        } else if word.iter().any(u8::is_ascii_digit) || word.contains(&b'/') {
            out.push(b'#');
        } else {
            out.extend_from_slice(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding_of(line: &str) -> (Severity, Option<String>, bool) {
        match classify(line.as_bytes()) {
            Kind::Finding(f) => (
                f.severity,
                f.rule.map(|r| String::from_utf8_lossy(r).into_owned()),
                f.located,
            ),
            other => panic!("{line:?} is {other:?}"),
        }
    }

    #[test]
    fn findings_of_each_shape() {
        use Severity::*;
        let cases: &[(&str, Severity, Option<&str>, bool)] = &[
            ("error[E0282]: type annotations needed for `Box<_>`", Error, Some("E0282"), false),
            ("warning: unused variable: `start`", Warning, None, false),
            ("lapi.c:362:29: warning: conversion to ‘size_t’ from ‘int’ may change the sign of the result [-Wsign-conversion]", Warning, Some("-Wsign-conversion"), true),
            ("blake3.h:40:1: error: C++ style comments are not allowed in ISO C90", Error, None, true),
            ("src/requests/hooks.py:15: error: Function is missing a return type annotation  [no-untyped-def]", Error, Some("no-untyped-def"), true),
            ("src/click/types.py:41:21: E1123: Unexpected keyword argument 'default' in constructor call (unexpected-keyword-arg)", Error, Some("E1123"), true),
            ("src/click/__init__.py:10:0: C0414: Import alias does not rename original package (useless-import-alias)", Info, Some("C0414"), true),
            ("src/requests/__init__.py:86:9: B028 No explicit `stacklevel` keyword argument found", Warning, Some("B028"), true),
            ("src/requests/__init__.py:101:19: UP032 [*] Use f-string instead of `format` call", Warning, Some("UP032"), true),
            ("src/client.ts(306,24): error TS2304: Cannot find name 'URLSearchParams'.", Error, Some("TS2304"), true),
            ("src/internal/Operator.ts:7:27 - error TS6133: 'T' is declared but its value is never read.", Error, Some("TS6133"), true),
            ("   16:1   error    Unexpected var, use let or const instead  no-var", Error, Some("no-var"), false),
            ("  200:10  warning  'x' is defined but never used  no-unused-vars", Warning, Some("no-unused-vars"), false),
            ("PLR2004 Magic value used in comparison, consider replacing `2` with a constant variable", Warning, Some("PLR2004"), false),
            ("main.go:10:2: Error return value of `f.Close` is not checked (errcheck)", Warning, Some("errcheck"), true),
            ("./main.go:4:2: undefined: fmt.Printn", Error, None, true),
            ("npm warn deprecated inflight@1.0.6: This module is not supported", Warning, Some("deprecated"), false),
            ("ERROR: No matching distribution found for nonexistent-pkg-zz==1.0", Error, None, false),
            ("[ERROR] /src/Main.java:[12,5] cannot find symbol", Error, None, false),
            ("Main.java:12: error: cannot find symbol", Error, None, true),
            ("main.c:(.text+0x1a): undefined reference to `foo'", Error, Some("undefined reference to"), true),
        ];
        for &(line, severity, rule, located) in cases {
            assert_eq!(
                finding_of(line),
                (severity, rule.map(str::to_string), located),
                "{line}"
            );
        }
    }

    #[test]
    fn details_headings_progress_and_summaries() {
        let cases: &[(&str, Kind)] = &[
            ("  --> src/learn/detector.rs:8:5", Kind::Detail(Detail::Location)),
            ("561 |             let start = i;", Kind::Detail(Detail::Body)),
            ("    |                 ^^^^^ help: prefix it with an underscore", Kind::Detail(Detail::Body)),
            ("    = note: `#[warn(dead_code)]` on by default", Kind::Detail(Detail::Body)),
            ("lauxlib.c:579:5: note: ...this statement, but the latter is misleadingly indented", Kind::Detail(Detail::Body)),
            ("help: consider giving `items` an explicit type", Kind::Detail(Detail::Body)),
            ("lauxlib.c: In function ‘luaL_gsub’:", Kind::Heading),
            ("************* Module click._compat", Kind::Heading),
            ("/tmp/fx/node/eslintproj/lib/application.js", Kind::Heading),
            ("   Compiling serde v1.0.228", Kind::Progress("Compiling")),
            ("     Running `/home/dev/.rustup/toolchains/stable/bin/rustc --crate-name time`", Kind::Progress("Running")),
            ("  Downloading flask-3.0.3-py3-none-any.whl (101 kB)", Kind::Progress("Downloading")),
            ("     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 101.7/101.7 kB 2.3 MB/s eta 0:00:00", Kind::Progress("progress")),
            ("npm http fetch GET 200 https://registry.npmjs.org/qs/-/qs-6.16.2.tgz 1326ms (cache miss)", Kind::Progress("http")),
            ("gcc -std=gnu99 -O2 -Wall -c lapi.c", Kind::Progress("command")),
            ("make[1]: Entering directory '/src'", Kind::Progress("make")),
            ("    Finished `dev` profile [unoptimized + debuginfo] target(s) in 1m 40s", Kind::Summary),
            ("warning: `rtk` (bin \"rtk\") generated 24 warnings", Kind::Summary),
            ("error: could not compile `time` (lib) due to 1 previous error", Kind::Summary),
            ("Found 251 errors.", Kind::Summary),
            ("✖ 680 problems (606 errors, 74 warnings)", Kind::Summary),
            ("Your code has been rated at 8.91/10", Kind::Summary),
            ("Found 626 errors in 16 files (checked 18 source files)", Kind::Summary),
            ("make: *** [Makefile.fx:5: blake3_portable.o] Error 1", Kind::Summary),
            ("added 166 packages in 5s", Kind::Summary),
            ("", Kind::Blank),
            ("The quick brown fox.", Kind::Other),
        ];
        for (line, want) in cases {
            assert_eq!(&classify(line.as_bytes()), want, "{line}");
        }
    }

    #[test]
    fn lints_named_in_notes_and_links() {
        assert_eq!(
            lint_named_in(
                b"   = note: `#[warn(dead_code)]` (part of `#[warn(unused)]`) on by default"
            ),
            Some(&b"dead_code"[..])
        );
        assert_eq!(
            lint_named_in(b"   = help: for further information visit https://rust-lang.github.io/rust-clippy/master/index.html#shadow_unrelated"),
            Some(&b"shadow_unrelated"[..])
        );
        assert_eq!(lint_named_in(b"   = note: nothing here"), None);
    }

    #[test]
    fn templates_mask_names_numbers_and_paths() {
        assert_eq!(
            template(b"function `track` is never used"),
            template(b"function `is_available` is never used")
        );
        assert_ne!(
            template(b"function `track` is never used"),
            template(b"struct `Foo` is never constructed")
        );
        assert_eq!(
            template("expected ‘,’ or ‘;’ before ‘uint32_t’".as_bytes()),
            template("expected ‘,’ or ‘;’ before ‘void’".as_bytes())
        );
        assert_eq!(
            template(b"line 12 of src/a.rs"),
            template(b"line 9 of src/b.rs")
        );
    }
}
