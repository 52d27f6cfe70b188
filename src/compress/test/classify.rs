//! What one line of a test run is, across runners: a test's result, a runner's
//! summary, the start of a failure's details, a stack frame, a line of a code
//! listing, compiler progress or a compiler diagnostic.
//!
//! Every pattern here reads one line on its own (ANSI escapes and `\r` redraws already
//! removed), so the same function serves pass one (with the state machine in
//! `mod.rs` around it) and pass two's marker breakdowns (without it).

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexSet};

/// A test's outcome, as runners report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Failed,
    XPassed,
    XFailed,
    Skipped,
    Passed,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Failed,
        Outcome::XPassed,
        Outcome::XFailed,
        Outcome::Skipped,
        Outcome::Passed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Failed => "failed",
            Outcome::XPassed => "xpassed",
            Outcome::XFailed => "xfailed",
            Outcome::Skipped => "skipped",
            Outcome::Passed => "passed",
        }
    }

    fn from_word(word: &[u8]) -> Option<Outcome> {
        Some(match word {
            b"ok" | b"PASSED" | b"PASS" | b"passed" => Outcome::Passed,
            b"FAILED" | b"FAIL" | b"ERROR" | b"failed" | b"TIMEOUT" | b"SIGSEGV" | b"SIGABRT"
            | b"SIGKILL" | b"ABORT" => Outcome::Failed,
            b"SKIPPED" | b"SKIP" | b"ignored" | b"skipped" => Outcome::Skipped,
            b"XFAIL" => Outcome::XFailed,
            b"XPASS" => Outcome::XPassed,
            _ => return None,
        })
    }
}

/// What a line is, judged on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One test's result (`test x ... ok`, `x PASSED`, `--- FAIL: X`, `✓ name`).
    Result(Outcome),
    /// A file's or package's result (`PASS src/a.test.js`, `ok  pkg 0.1s`, pytest's
    /// `tests/a.py ..F.  [ 40%]`, a test binary's `Running ...` line).
    Suite(Outcome),
    /// Go's `=== RUN X`, `=== CONT X`: a test starting or resuming.
    Started,
    /// A runner's totals or verdict (`test result: …`, `Tests: 3 failed, …`,
    /// `=== 2 failed, 10 passed in 1s ===`, `FAIL`).
    Summary,
    /// A failed test repeated in a closing list (`FAILED tests/a.py::t - …`).
    Recap,
    /// The heading of one failure's details (`---- x stdout ----`, `___ test_x ___`,
    /// `● suite › test`, ` FAIL  file > test`, `1) suite`).
    FailureHeader,
    /// A heading that opens or closes a section (`failures:`, `=== FAILURES ===`,
    /// `⎯⎯ Failed Tests 2 ⎯⎯`, `Failures:`).
    Section,
    /// A stack frame or its location line.
    Frame,
    /// A numbered line of a code listing (`  36|   expect(x)`, `> 16 |   x`).
    Listing,
    /// A caret line under a listing (`   |     ^`, `      ^^^^^`).
    Caret,
    /// Toolchain progress (`Compiling x`, `Finished`, `collecting ...`).
    Progress,
    /// A compiler diagnostic's first line (`warning: unused variable`).
    Warning,
    /// A compiler error's first line, or a panic outside any failure's details.
    Error,
    /// A compiler diagnostic's location or snippet (`  --> src/a.rs:3:9`, `3 | x`).
    Snippet,
    /// A coverage table's row or rule.
    Coverage,
    /// Go's `    x_test.go:12: message`: what a test logged.
    TestLog,
    /// A hint the runner prints with every failure (`note: run with RUST_BACKTRACE=1`).
    Hint,
    Blank,
    Other,
}

macro_rules! regex {
    ($pattern:expr) => {{
        static RE: OnceLock<Regex> = OnceLock::new();
        RE.get_or_init(|| crate::pattern::regex($pattern))
    }};
}

/// Result lines that name their outcome in a word, by runner.
fn outcome_word(line: &[u8]) -> Option<Outcome> {
    // libtest: `test a::b ... ok`, `test x - should panic ... ok`, `... ignored, why`.
    if line.starts_with(b"test ") {
        let caps = regex!(r"^test \S.* \.\.\. (ok|FAILED|ignored)\b").captures(line)?;
        return Outcome::from_word(&caps[1]);
    }
    // nextest: `        PASS [   0.004s] crate tests::x`.
    if let Some(caps) =
        regex!(r"^\s+(PASS|FAIL|SKIP|TIMEOUT|SIGSEGV|SIGABRT|SIGKILL|ABORT|LEAK) \[\s*[\d.]+m?s\] ")
            .captures(line)
    {
        return Outcome::from_word(&caps[1]);
    }
    // go: `--- PASS: TestX (0.00s)`, indented for subtests.
    if let Some(caps) = regex!(r"^\s*--- (PASS|FAIL|SKIP): \S").captures(line) {
        return Outcome::from_word(&caps[1]);
    }
    // pytest -v: `tests/a.py::test_x[p] PASSED   [ 10%]`.
    if let Some(caps) =
        regex!(r"^\S+::\S.*? (PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b").captures(line)
    {
        return Outcome::from_word(&caps[1]);
    }
    // rspec documentation format.
    if regex!(r"^\s+\S.* \(FAILED - \d+\)$").is_match(line) {
        return Some(Outcome::Failed);
    }
    if regex!(r"^\s+\S.* \(PENDING: .*\)$").is_match(line) {
        return Some(Outcome::Skipped);
    }
    None
}

/// Result lines that open with a check mark or a cross (jest, vitest, mocha, node).
fn outcome_mark(line: &[u8]) -> Option<Outcome> {
    let t = trim_start(line);
    let (mark, rest) = split_mark(t)?;
    if !rest.starts_with(b" ") || rest.len() < 2 {
        return None;
    }
    Some(match mark {
        "✓" | "✔" | "√" => Outcome::Passed,
        "✕" | "✗" | "×" | "✖" => Outcome::Failed,
        "○" | "↓" | "✎" => Outcome::Skipped,
        _ => return None,
    })
}

fn split_mark(t: &[u8]) -> Option<(&'static str, &[u8])> {
    const MARKS: [&str; 10] = ["✓", "✔", "√", "✕", "✗", "×", "✖", "○", "↓", "✎"];
    MARKS
        .iter()
        .find(|m| t.starts_with(m.as_bytes()))
        .map(|m| (*m, &t[m.len()..]))
}

/// Suite-level results: a file, a package or a test binary.
fn suite(line: &[u8]) -> Option<Outcome> {
    // jest: `PASS src/a.test.js`, `FAIL src/b.test.ts (5.1 s)`.
    if let Some(caps) = regex!(r"^\s?(PASS|FAIL) +\S+\.[cm]?[jt]sx?(?: \(.*\))?$").captures(line) {
        return Outcome::from_word(&caps[1]);
    }
    // go: `ok   pkg 0.1s`, `FAIL pkg 0.2s`, `FAIL pkg [build failed]`, `?    pkg [no test files]`.
    if let Some(caps) =
        regex!(r"^(ok|FAIL|\?)\s+\S+\s+(?:[\d.]+s|\(cached\)|\[[\w ]+\])").captures(line)
    {
        return Some(match &caps[1] {
            b"ok" => Outcome::Passed,
            b"FAIL" => Outcome::Failed,
            _ => Outcome::Skipped,
        });
    }
    // pytest's default progress: `tests/test_a.py ..F.sx   [ 40%]`.
    if let Some(caps) = regex!(r"^\S+\.py ([.FEsxX]+)\s*(?:\[\s*\d+%\])?$").captures(line) {
        let marks = &caps[1];
        let has = |c: u8| marks.contains(&c);
        return Some(if has(b'F') || has(b'E') {
            Outcome::Failed
        } else {
            Outcome::Passed
        });
    }
    // vitest's default reporter: ` ✓ test/a.test.ts (12 tests) 5ms`, ` ❯ b.test.ts (3 tests | 1 failed)`.
    if let Some(caps) = regex!(r"^\s*(✓|❯|×) \S+ \(\d+ tests?(?: \| (\d+) failed)?").captures(line)
    {
        return Some(if caps.get(2).is_some() || &caps[1] != "✓".as_bytes() {
            Outcome::Failed
        } else {
            Outcome::Passed
        });
    }
    None
}

fn summary(line: &[u8]) -> bool {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        crate::pattern::regex_set([
            r"^test result: ",
            r"^error: (?:test failed|\d+ targets? failed|doctest failed)",
            r"^all doctests ran in ",
            r"^\s+Summary \[\s*[\d.]+s\] ",
            // pytest's closing line and its interruptions.
            r"^=+ .*\b(?:passed|failed|errors?|skipped|deselected|xfailed|xpassed|no tests ran)\b.* in [\d.]+s.* =+$",
            r"^!+ .* !+$",
            r"^\d+ (?:passed|failed|errors?)\b.* in [\d.]+s",
            r"^(?:PASS|FAIL|OK|FAILED \(.*\))$",
            r"^Ran \d+ tests? in ",
            r"^(?:Test Suites|Tests|Snapshots|Time):\s+\S",
            r"^Ran all test suites",
            r"^\s*(?:Test Files|Tests|Start at|Duration|Errors)  +\S",
            r"^\s+\d+ (?:passing|failing|pending)\b",
            r"^\d+ examples?, \d+ failures?",
            r"^Finished in [\d.]+ ",
            r"^(?:# )?(?:tests|pass|fail|skipped|todo|cancelled|suites) \d+$",
            r"^Tests run: \d+, Failures: \d+",
            r"^\d+% tests passed, \d+ tests failed",
            r"(?:^|: )\d+ passed, \d+ failed\b",
        ])
    })
    .is_match(line)
}

fn failure_header(line: &[u8]) -> bool {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        crate::pattern::regex_set([
            r"^---- .+ stdout ----$",
            r"^_{3,} .+ _{3,}$",
            r"^\s*● ",
            r"^ FAIL  \S",
            r"^\s+\d+\) \S",
            r"^(?:FAIL|ERROR): \w+ \(.*\)$",
            r"^\s+(?:FAIL|SIGSEGV|SIGABRT|TIMEOUT) \[\s*[\d.]+s\] ",
            r"^--- (?:STDOUT|STDERR): ",
        ])
    })
    .is_match(line)
}

fn section(line: &[u8]) -> bool {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        crate::pattern::regex_set([
            r"^failures:$",
            r"^=+ [\w ]+ =+$",
            r"^⎯+ .+ ⎯+$",
            r"^⎯+\[\d+/\d+\]⎯*$",
            r"^(?:Failures|Pending|Failed examples|Summary of all failing tests):",
            r"^[=-]{20,}$",
        ])
    })
    .is_match(line)
}

/// Cargo's and other toolchains' progress words, right-aligned in a column.
fn progress(line: &[u8]) -> bool {
    regex!(r"^\s*(?:Compiling|Checking|Downloaded|Downloading|Updating|Locking|Adding|Blocking|Fresh|Building|Finished|Running|Doc-tests|Documenting|Starting|Installing|Resolving|Packaging|Waiting)\s")
        .is_match(line)
        || regex!(r"^collect(?:ing|ed) .*\d+ (?:items?|errors?)").is_match(line)
        || regex!(r"^(?:platform|rootdir|configfile|plugins|cachedir|cwd): ").is_match(line)
        || regex!(r"^\s*running \d+ tests?$").is_match(line)
        || regex!(r"^\s*RUN\s+v\d").is_match(line)
}

fn frame(line: &[u8]) -> bool {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        crate::pattern::regex_set([
            // Rust: `  3: crate::f` and `        at ./src/a.rs:3:9`; JS and Java `at f (a.js:1:2)`.
            r"^\s+\d+: \S",
            r"^\s+at \S",
            // Python.
            r#"^\s+File ".*", line \d+"#,
            // pytest's short traceback entries: `path.py:126: in import_module`.
            r"^\S+\.py:\d+: in \S",
            // Go: `\t /path/a.go:12 +0x25` and the call above it; `created by x`.
            r"^\t\S+\.go:\d+(?: \+0x[0-9a-f]+)?$",
            r"^(?:created by |panic\()",
            r"^[\w./*()-]+\.[\w*().]+\(.*\)$",
            // Ruby, vitest and others.
            r"^\s*# [./\w].*:\d+:in ",
            r"^\s*❯ \S+:\d+:\d+",
            r"^\s+\.\.\. \d+ more$",
        ])
    })
    .is_match(line)
}

/// Frames from the toolchain or dependencies, not the project: a reader fixing a
/// test wants the frames in their own code.
pub fn is_foreign_frame(line: &[u8]) -> bool {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        crate::pattern::regex_set([
            r"/rustc/|/\.cargo/registry/|/\.rustup/|library/(?:std|core|alloc)/",
            r"^\s+\d+: (?:std::|core::|alloc::|test::|__rustc::|<(?:fn\(|std::|core::|alloc::|F as |test::))",
            r"node_modules|node:internal|\(node:|\(<anonymous>\)|\(internal/",
            r"site-packages|dist-packages|/lib/python\d|<frozen |importlib",
            r"/usr/(?:local/)?(?:lib|share)/go|/go/pkg/mod/|/src/(?:testing|runtime)/",
            r"^(?:testing\.|runtime\.|panic\(|created by testing)",
            r"/gems/|/ruby/\d|/usr/lib/ruby",
            r"^\s+at (?:java\.|javax\.|jdk\.|sun\.|org\.junit\.|org\.apache\.maven\.)",
            r"^\s+\d+: (?:doctest_runner|<doctest_runner)",
        ])
    })
    .is_match(line)
}

/// True for a frame line naming a function whose location follows on the next line
/// (Rust's `3: crate::f`, Go's `pkg.F(...)`).
pub fn is_frame_symbol(line: &[u8]) -> bool {
    regex!(r"^\s+\d+: \S").is_match(line)
        || regex!(r"^[\w./*()-]+\.[\w*().]+\(.*\)$").is_match(line)
}

/// True for a frame line that gives a location (`at ./src/a.rs:3:9`, `\t /x/a.go:9`).
pub fn is_frame_location(line: &[u8]) -> bool {
    regex!(r"^\s+at \S").is_match(line) || regex!(r"^\t\S+\.go:\d+").is_match(line)
}

fn listing(line: &[u8]) -> Option<Kind> {
    if regex!(r"^\s*>?\s*\d+\s?\|").is_match(line) {
        return Some(Kind::Listing);
    }
    if regex!(r"^\s*\|?\s*[\^~]+\s*$").is_match(line) {
        return Some(Kind::Caret);
    }
    None
}

/// The kind of `line`, judged on its own.
pub fn classify(line: &[u8]) -> Kind {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Kind::Blank;
    }
    if let Some(o) = outcome_word(line) {
        return Kind::Result(o);
    }
    if regex!(r"^(?:FAILED|ERROR|XPASS|XFAIL) \S+").is_match(line)
        || regex!(r"^rspec \./\S+:\d+ # ").is_match(line)
    {
        return Kind::Recap;
    }
    if let Some(o) = suite(line) {
        return Kind::Suite(o);
    }
    if regex!(r"^=== (?:RUN|PAUSE|CONT|NAME)\s").is_match(line) {
        return Kind::Started;
    }
    if summary(line) {
        return Kind::Summary;
    }
    if failure_header(line) {
        return Kind::FailureHeader;
    }
    if let Some(o) = outcome_mark(line) {
        return Kind::Result(o);
    }
    if section(line) {
        return Kind::Section;
    }
    if regex!(r"^\s+\S+\.go:\d+: ").is_match(line) {
        return Kind::TestLog;
    }
    if let Some(kind) = listing(line) {
        return kind;
    }
    if frame(line) {
        return Kind::Frame;
    }
    if progress(line) {
        return Kind::Progress;
    }
    if regex!(r"^warning(?:\[\w+\])?: ").is_match(line) {
        return Kind::Warning;
    }
    if regex!(r"^(?:error(?:\[\w+\])?: |panic: |fatal error: |thread '.*' panicked at )")
        .is_match(line)
    {
        return Kind::Error;
    }
    if regex!(r"^\s*(?:--> \S+:\d+|\d*\s*\|(?:\s|$)|= (?:note|help): |::: )").is_match(line) {
        return Kind::Snippet;
    }
    if regex!(r"^-+\|[-|]+$").is_match(line) || line.iter().filter(|&&b| b == b'|').count() >= 4 {
        return Kind::Coverage;
    }
    if regex!(r"^note: .*(?:RUST_BACKTRACE|backtrace)").is_match(line) {
        return Kind::Hint;
    }
    Kind::Other
}

/// The category an elided line is counted under in its marker.
pub fn label(line: &[u8]) -> Option<&'static str> {
    Some(match classify(line) {
        Kind::Result(o) | Kind::Suite(o) => o.label(),
        Kind::Started => "started",
        Kind::Frame => "frames",
        Kind::Listing | Kind::Caret => "source",
        Kind::Progress => "progress",
        Kind::Warning | Kind::Snippet => "warnings",
        Kind::Coverage => "coverage",
        Kind::TestLog => "logged",
        Kind::Hint => "hints",
        _ => return None,
    })
}

/// The name of the test a result or start line names (`TestX/sub` of `=== RUN
/// TestX/sub` or `--- FAIL: TestX/sub (0.00s)`), for go's logs.
pub fn go_test_name(line: &[u8]) -> Option<&[u8]> {
    let caps = regex!(r"^\s*(?:=== (?:RUN|CONT|PAUSE|NAME)|--- (?:PASS|FAIL|SKIP):)\s+(\S+)")
        .captures(line)?;
    let m = caps.get(1)?;
    Some(&line[m.start()..m.end()])
}

/// A compiler diagnostic's first line with its backticked names masked, so that
/// `unused variable: `a`` and `unused variable: `b`` fold into one group.
pub fn diagnostic_template(line: &[u8]) -> Vec<u8> {
    regex!(r"`[^`]*`|\d+")
        .replace_all(line, &b"#"[..])
        .into_owned()
}

/// The runner whose output `line` looks like, when it says so on its own.
pub fn runner_of(line: &[u8]) -> Option<&'static str> {
    let checks: [(&Regex, &str); 9] = [
        (
            regex!(
                r"^\s*running \d+ tests?$|^test result: |^test \S.* \.\.\. (?:ok|FAILED|ignored)"
            ),
            "cargo test",
        ),
        (
            regex!(r"^\s+(?:Starting \d+ tests? across|Summary \[)"),
            "cargo nextest",
        ),
        (
            regex!(
                r"^=+ test session starts =+$|^\S+::\S.*? (?:PASSED|FAILED|SKIPPED|XFAIL|ERROR)\b"
            ),
            "pytest",
        ),
        (
            regex!(r"^=== RUN\s|^\s*--- (?:PASS|FAIL|SKIP): |^(?:ok|FAIL)\s+\S+\s+[\d.]+s$"),
            "go test",
        ),
        (
            regex!(r"^(?:PASS|FAIL) +\S+\.[cm]?[jt]sx?\b|^Test Suites: "),
            "jest",
        ),
        (regex!(r"^\s*RUN\s+v\d|^\s*Test Files  "), "vitest"),
        (regex!(r"^\s+\d+ passing \("), "mocha"),
        (regex!(r"^\d+ examples?, \d+ failures?"), "rspec"),
        (regex!(r"^Ran \d+ tests? in "), "unittest"),
    ];
    checks
        .iter()
        .find(|(re, _)| re.is_match(line))
        .map(|(_, name)| *name)
}

fn trim_start(line: &[u8]) -> &[u8] {
    let n = line.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &line[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(line: &str) -> Kind {
        classify(line.as_bytes())
    }

    #[test]
    fn results_across_runners() {
        let cases: [(&str, Outcome); 14] = [
            ("test tests::a ... ok", Outcome::Passed),
            (
                "test src/lib.rs - parse_line (line 14) ... FAILED",
                Outcome::Failed,
            ),
            (
                "test tests::x ... ignored, needs the network",
                Outcome::Skipped,
            ),
            (
                "tests/a.py::test_b[1-2] PASSED                     [ 10%]",
                Outcome::Passed,
            ),
            (
                "tests/a.py::test_c XFAIL (negative stock i...) [ 22%]",
                Outcome::XFailed,
            ),
            (
                "    --- FAIL: TestMake/Hello,_World! (0.00s)",
                Outcome::Failed,
            ),
            ("--- SKIP: TestLong (0.00s)", Outcome::Skipped),
            ("    ✓ should convert d to ms (4 ms)", Outcome::Passed),
            ("    ✕ TENOFF never goes below zero (9 ms)", Outcome::Failed),
            (" × test/base.test.ts > withBase > x 31ms", Outcome::Failed),
            (" ↓ test/a.test.js > b > skipped one", Outcome::Skipped),
            ("    ○ skipped stacked codes", Outcome::Skipped),
            (
                "  peeks at the last pushed item (FAILED - 1)",
                Outcome::Failed,
            ),
            ("        PASS [   0.004s] crate tests::x", Outcome::Passed),
        ];
        for (line, want) in cases {
            assert_eq!(kind(line), Kind::Result(want), "{line}");
        }
    }

    #[test]
    fn suites_summaries_and_headers() {
        assert_eq!(kind("PASS src/util.test.js"), Kind::Suite(Outcome::Passed));
        assert_eq!(
            kind("ok  \texample.com/shop/slug\t0.004s"),
            Kind::Suite(Outcome::Passed)
        );
        assert_eq!(
            kind("FAIL\texample.com/shop/slug\t0.004s"),
            Kind::Suite(Outcome::Failed)
        );
        assert_eq!(
            kind("tests/test_pricing.py .......F..FEs      [100%]"),
            Kind::Suite(Outcome::Failed)
        );
        for line in [
            "test result: FAILED. 60 passed; 3 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.12s",
            "=== 2 failed, 1989 passed, 24 skipped, 31000 deselected, 1 xfailed in 9.18s ====",
            "Tests:       2 failed, 1 skipped, 1 todo, 77 passed, 81 total",
            "      Tests  4 failed | 481 passed (485)",
            "  31 passing (8ms)",
            "44 examples, 2 failures, 1 pending",
            "FAIL",
        ] {
            assert_eq!(kind(line), Kind::Summary, "{line}");
        }
        for line in [
            "---- tests::a stdout ----",
            "________________ test_make_default_short_help[-sentence < max] _________________",
            "  ● discount › TENOFF never goes below zero",
            " FAIL  test/base.test.ts > withBase > \"/admin/\"",
            "  1) Stack peeks at the last pushed item",
        ] {
            assert_eq!(kind(line), Kind::FailureHeader, "{line}");
        }
    }

    #[test]
    fn frames_are_told_from_the_project() {
        for line in [
            "             at /rustc/5980761/library/std/src/panicking.rs:689:5",
            "   0: __rustc::rust_begin_unwind",
            "      at process.processImmediate (node:internal/timers:483:21)",
            "\t/usr/lib/go-1.19/src/testing/testing.go:1446 +0x10b",
            "testing.tRunner(0xc0000d69c0, 0x5314c8)",
        ] {
            assert_eq!(kind(line), Kind::Frame, "{line}");
            assert!(is_foreign_frame(line.as_bytes()), "{line}");
        }
        for line in [
            "             at ./src/log_cmd.rs:182:9",
            "   3: rtk::log_cmd::tests::test_analyze_logs",
            "      at Context.<anonymous> (mtest/cart.spec.js:14:14)",
            "example.com/shop/mathx.Mean(...)",
            " ❯ test/base.test.ts:36:41",
        ] {
            assert_eq!(kind(line), Kind::Frame, "{line}");
            assert!(!is_foreign_frame(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn listings_and_diagnostics() {
        assert_eq!(
            kind("     36|       expect(withBase(t.input, t.base)).toBe(t.out);"),
            Kind::Listing
        );
        assert_eq!(
            kind("    > 16 |     expect(discount(4, 'TENOFF')).toBe(0);"),
            Kind::Listing
        );
        assert_eq!(
            kind("       |                                         ^"),
            Kind::Caret
        );
        assert_eq!(
            kind("warning: unused variable: `unused_total`"),
            Kind::Warning
        );
        assert_eq!(kind("  --> src/lib.rs:23:9"), Kind::Snippet);
        assert_eq!(
            diagnostic_template(b"warning: unused variable: `a1`"),
            diagnostic_template(b"warning: unused variable: `b`")
        );
    }
}
