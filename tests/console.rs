//! A coding agent's console session copied as text (a real Claude Code session, see
//! fixtures/README.md) is read as exchanges: the view spreads over the whole session,
//! keeps the problems it reports and the outcomes the query asks about, and accounts
//! for every line. Review snapshot changes with `cargo insta review`.

mod common;

use common::{assert_accounts_for_every_line, assert_success, bin, read_fixture, run_with_input};

const SESSION: &str = "transcripts/claude-console-bookminder-day-005.md";
const QUERY: &str = "What problems came up in this session (pre-commit in Tower, CI/formatting \
                     failures, failing spec on the MacBook Air) and how were they resolved?";

fn view(query: Option<&str>) -> String {
    let store = tempfile::tempdir().unwrap();
    let mut cmd = bin("headroom", store.path());
    if let Some(q) = query {
        cmd.args(["--query", q]);
    }
    let input = read_fixture(SESSION);
    let out = run_with_input(&mut cmd, &input);
    assert_success(&out);
    assert_accounts_for_every_line(&input, &out.stdout);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn detected_as_a_console() {
    let store = tempfile::tempdir().unwrap();
    let out = run_with_input(
        bin("headroom", store.path()).arg("detect"),
        &read_fixture(SESSION),
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("console"), "{said}");
}

#[test]
fn problems_and_outcomes_across_the_session_are_kept() {
    let v = view(Some(QUERY));
    assert!(
        v.starts_with("[console: 3,117 lines · 47 user messages · 121 tool calls · "),
        "{v}"
    );
    for line in [
        // Problems: tool output, the agent's diagnosis, a failure the user pasted.
        "     error: externally-managed-environment",
        "  1. ruff config error: py313 is not supported, needs to be py312",
        "  E       AssertionError: Test book not found",
        // The outcome of the Tower exchange, a long line in its closing message.
        "  The commit 74c1f17 [claude-dev-log-diary] day-004 shows that Tower was able to \
         run the pre-commit hooks without errors and complete the commit.",
    ] {
        assert!(v.lines().any(|l| l == line), "missing {line:?}\n{v}");
    }
    let input = String::from_utf8(read_fixture(SESSION)).unwrap();
    assert!(
        v.len() * 100 < input.len() * 20,
        "{} of {}",
        v.len(),
        input.len()
    );
    insta::assert_snapshot!(v);
}

#[test]
fn without_a_query_each_question_and_outcome_leads() {
    let v = view(None);
    let questions = v.lines().filter(|l| l.starts_with("> ")).count();
    assert!(questions >= 20, "{questions} user messages\n{v}");
    assert!(
        v.contains("  E       AssertionError: Test book not found"),
        "{v}"
    );
}
