//! Helpers shared by the integration tests: running the binaries against a private
//! store, and checking that a view accounts for every input line.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

pub fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// A command for one of the binaries, with its own store and no inherited hints.
pub fn bin(name: &str, store: &Path) -> Command {
    let path = match name {
        "headroom" => env!("CARGO_BIN_EXE_headroom"),
        "headroom-cat" => env!("CARGO_BIN_EXE_headroom-cat"),
        other => panic!("unknown binary {other}"),
    };
    let mut cmd = Command::new(path);
    cmd.env("HEADROOM_STORE", store)
        .env_remove("HEADROOM_QUERY")
        .env_remove("HEADROOM_CMD");
    cmd
}

/// Filter options for an in-process run against `store`: no forced type, not
/// lossless.
pub fn options(
    store: &Path,
    query: Option<&str>,
    cmd: Option<&str>,
    budget: u64,
) -> headroom::Options {
    headroom::Options {
        query: query.map(str::to_string),
        forced: None,
        cmd: cmd.map(str::to_string),
        budget,
        lossless: false,
        store_dir: store.to_path_buf(),
    }
}

/// `input` through the filter in process, with a store of its own that is gone
/// afterwards: the output and the report.
pub fn filter_bytes(
    input: &[u8],
    query: Option<&str>,
    cmd: Option<&str>,
    budget: u64,
) -> (Vec<u8>, headroom::Report) {
    let store = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    let opts = options(store.path(), query, cmd, budget);
    let report = headroom::filter(&mut &input[..], &mut out, &opts).unwrap();
    (out, report)
}

/// A fixture through the filter in process, with its own store and no command
/// hint: the input, the view and the content type it was read as.
pub fn filter_fixture(name: &str, query: Option<&str>, budget: u64) -> (Vec<u8>, Vec<u8>, String) {
    let input = read_fixture(name);
    let (out, report) = filter_bytes(&input, query, None, budget);
    (input, out, report.kind)
}

/// Asserts a run of a binary succeeded, showing its stderr if not.
pub fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The original stored under `hash`, as `headroom-cat HASH` prints it.
pub fn original(store: &Path, hash: &str) -> Vec<u8> {
    let out = bin("headroom-cat", store)
        .arg(hash)
        .output()
        .expect("headroom-cat");
    assert_success(&out);
    out.stdout
}

/// Asserts the run succeeded and printed exactly `input`: the fail-open promise.
pub fn assert_passed_through(out: &Output, input: &[u8]) {
    assert_success(out);
    assert!(
        out.stdout == input,
        "output must be the input, byte for byte"
    );
}

/// Runs `cmd` with `input` on stdin and returns its output.
pub fn run_with_input(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer");
    out
}

/// The 12-hex hash the view's markers name (all markers of one view name one hash).
pub fn marker_hash(view: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(view);
    let at = text.find("headroom-cat ")? + "headroom-cat ".len();
    let hash: String = text[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert!(hash.len() >= 8, "marker without hash in {text}");
    Some(hash)
}

/// Splits bytes into lines the way headroom numbers them (`\n`-terminated, a final
/// unterminated line counts, `\r` before `\n` is not part of the line).
pub fn lines_of(input: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
        .into_iter()
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect()
}

/// Parses `[… N lines LA-B elided… -L A:B]` into (A, B, N).
fn parse_marker(line: &str) -> Option<(usize, usize, usize)> {
    let rest = line.strip_prefix("[… ")?;
    let (count, rest) = rest.split_once(' ')?;
    let count: usize = count.replace(',', "").parse().ok()?;
    let rest = rest
        .strip_prefix("lines ")
        .or_else(|| rest.strip_prefix("line "))?;
    let range = rest.strip_prefix('L')?.split(' ').next()?;
    let (a, b) = range.split_once('-')?;
    let (a, b) = (a.parse().ok()?, b.parse().ok()?);
    line.contains(&format!("-L {a}:{b}]"))
        .then_some((a, b, count))
}

/// The last position of `needle` in `hay`.
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Strips what headroom appends to a kept line: a repeat note and a cut marker.
/// Works on bytes: kept lines may be invalid UTF-8.
fn strip_annotations(line: &[u8]) -> (Vec<u8>, bool) {
    let mut body = line.to_vec();
    let mut cut = false;
    if body.ends_with(b"]") {
        if let Some(at) = rfind(&body, " [… ".as_bytes()) {
            if rfind(&body[at..], b" cut \xc2\xb7 headroom-cat ").is_some() {
                body.truncate(at);
                cut = true;
            }
        }
    }
    // A section's header note on its prompt line: `$ git diff  [diff: …]`.
    if body.ends_with(b"]") {
        if let Some(at) = rfind(&body, b"  [") {
            let note = &body[at + 3..];
            let name = note
                .iter()
                .take_while(|b| b.is_ascii_lowercase() || **b == b' ')
                .count();
            if name > 0 && note[name..].starts_with(b": ") {
                body.truncate(at);
            }
        }
    }
    // A search heading's count of a file cut short: `src/lib.rs  (3 matches)`.
    if body.ends_with(b" match)") || body.ends_with(b" matches)") {
        if let Some(at) = rfind(&body, b"  (") {
            if body[at + 3..].first().is_some_and(u8::is_ascii_digit) {
                body.truncate(at);
            }
        }
    }
    for note in [&b" similar]"[..], b" identical]"] {
        if body.ends_with(note) {
            if let Some(at) = rfind(&body, "  [×".as_bytes()) {
                body.truncate(at);
            }
        }
    }
    (body, cut)
}

/// Checks that every line of `input` is either shown in `view`, in order, or inside
/// exactly one marker's stated range with an exact count. Panics with a diagnosis.
pub fn assert_accounts_for_every_line(input: &[u8], view: &[u8]) {
    let lines = lines_of(input);
    let view_lines = lines_of(view);
    let mut next = 1usize; // 1-based number of the next input line to account for
    for (k, vline) in view_lines.iter().enumerate() {
        let text = String::from_utf8_lossy(vline);
        if k == 0
            && text.starts_with('[')
            && !text.starts_with("[… ")
            && text.contains("headroom-cat ")
        {
            continue; // the header
        }
        if let Some((a, b, n)) = parse_marker(&text) {
            assert_eq!(a, next, "marker {text:?} starts at L{a}, expected L{next}");
            assert_eq!(
                b - a + 1,
                n,
                "marker {text:?} count disagrees with its range"
            );
            next = b + 1;
            continue;
        }
        assert!(
            next <= lines.len(),
            "view line {text:?} beyond the input's {} lines",
            lines.len()
        );
        let (body, cut) = strip_annotations(vline);
        // The view shows lines as a terminal would: without ANSI escapes and with
        // only the last state of a `\r` redraw.
        let original = lines[next - 1];
        if cut {
            let prefix = headroom::lines::cut_at_char(original, headroom::lines::MAX_LINE);
            assert_eq!(
                String::from_utf8_lossy(&body),
                String::from_utf8_lossy(&headroom::lines::clean(prefix)),
                "cut line {next} is not the original's shown prefix"
            );
        } else {
            assert_eq!(
                String::from_utf8_lossy(&body),
                String::from_utf8_lossy(&headroom::lines::clean(original)),
                "view line {k} should be input line {next}"
            );
        }
        next += 1;
    }
    assert_eq!(
        next,
        lines.len() + 1,
        "view accounts for {} of {} lines",
        next - 1,
        lines.len()
    );
}
