//! Invariants that must hold for any input:
//! - the store gives back the original byte for byte;
//! - every input line is either shown in the view or inside one marker's range;
//! - the output is the input whenever nothing was stored.

mod common;

use proptest::prelude::*;

use common::{assert_accounts_for_every_line, options};
use headroom::filter;
use headroom::store::{Hash, Store};

/// Runs the filter and returns (view, stored original if any).
fn compress(input: &[u8], budget: u64, query: Option<String>) -> (Vec<u8>, Option<Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    let report = filter(
        &mut &input[..],
        &mut out,
        &options(dir.path(), query.as_deref(), None, budget),
    )
    .unwrap();
    let stored = report.hash.map(|h| {
        let store = Store::open(dir.path().to_path_buf()).unwrap();
        store.read(&Hash::from_hex(&h).unwrap()).unwrap()
    });
    (out, stored)
}

/// Log-like lines: a few templates with varying fields, levels, stack frames, long
/// lines, blank lines, CRLF endings and stray invalid UTF-8.
fn log_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => (0u32..100_000, 0u8..4).prop_map(|(n, t)| format!(
            "2024-03-01 10:{:02}:{:02} INFO worker-{t} finished job {n} in {}ms",
            n % 60, n % 59, n % 997
        ).into_bytes()),
        2 => (0u32..1000).prop_map(|n| format!("2024-03-01 10:00:00 WARN slow disk sda{} latency {n}ms", n % 3).into_bytes()),
        1 => "[a-z ]{0,40}".prop_map(|s| format!("2024-03-01 10:00:00 ERROR {s}").into_bytes()),
        1 => (0u32..50).prop_map(|n| format!("\tat com.example.Service.call{n}(Service.java:{n})").into_bytes()),
        1 => Just(Vec::new()),
        1 => (0usize..6000).prop_map(|n| vec![b'x'; n]),
        1 => prop::collection::vec(any::<u8>().prop_filter("no newline", |b| *b != b'\n'), 0..80),
        1 => "[ -~]{0,100}\r".prop_map(String::into_bytes),
    ]
}

fn log_input() -> impl Strategy<Value = Vec<u8>> {
    (prop::collection::vec(log_line(), 0..1500), any::<bool>()).prop_map(|(lines, trailing)| {
        let mut out = lines.join(&b'\n');
        if trailing && !out.is_empty() {
            out.push(b'\n');
        }
        out
    })
}

/// Console-session lines: user messages, agent text, tool calls and their output,
/// continuation lines, problems, blank and long lines.
fn console_line() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "[a-z ]{0,60}".prop_map(|s| format!("> {s}")),
        4 => "[a-z ]{0,80}".prop_map(|s| format!("⏺ {s}")),
        2 => "[a-z]{1,8}".prop_map(|s| format!("⏺ Bash(make {s})…")),
        3 => "[a-z0-9 ]{0,60}".prop_map(|s| format!("  ⎿  {s}")),
        3 => "[a-z0-9 ]{0,60}".prop_map(|s| format!("     {s}")),
        3 => "[a-z ]{0,80}".prop_map(|s| format!("  {s}")),
        1 => "[a-z ]{0,20}".prop_map(|s| format!("  E       AssertionError: {s}")),
        2 => Just(String::new()),
        1 => (0usize..3000).prop_map(|n| format!("  {}", "y".repeat(n))),
    ]
}

fn console_input() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(console_line(), 0..800).prop_map(|lines| {
        let mut out = "⏺ I will look.\n⏺ Bash(ls)…\n  ⎿  a b\n⏺ Two files.\n".to_string();
        out.push_str(&lines.join("\n"));
        out.into_bytes()
    })
}

/// The original stored byte for byte and every line of it in the view or a marker's
/// range; or, when nothing was stored, the view is the input.
fn assert_stored_and_accounted(input: &[u8], view: &[u8], stored: Option<Vec<u8>>) {
    match stored {
        Some(original) => {
            assert!(original == input, "the store changed the original");
            if view != input && !view.starts_with(b"[binary ") {
                assert_accounts_for_every_line(input, view);
            }
        }
        None => assert!(view == input, "nothing stored, yet the output differs"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_console_line_is_shown_or_marked(input in console_input(), budget in 50u64..3000, q in prop::option::of("[a-z]{3,8}( [a-z]{3,8})?")) {
        let (view, stored) = compress(&input, budget, q);
        if stored.is_some() && view != input {
            prop_assert!(view.starts_with("[console: ".as_bytes()));
        }
        assert_stored_and_accounted(&input, &view, stored);
    }

    #[test]
    fn arbitrary_bytes_come_back_exactly(input in prop::collection::vec(any::<u8>(), 0..40_000)) {
        let (view, stored) = compress(&input, 300, None);
        match stored {
            Some(original) => prop_assert!(original == input),
            None => prop_assert!(view == input),
        }
    }

    #[test]
    fn every_line_is_shown_or_marked(input in log_input(), budget in 50u64..3000, q in prop::option::of("[a-z]{3,8}")) {
        let (view, stored) = compress(&input, budget, q);
        assert_stored_and_accounted(&input, &view, stored);
    }
}
