//! A script's output with several commands after their shell prompts: each section
//! is routed on its own, every prompt stays, every line is shown or marked.

mod common;

use common::{assert_accounts_for_every_line, bin, read_fixture, run_with_input};

#[test]
fn each_command_of_a_session_is_a_section_routed_on_its_own() {
    let input = read_fixture("mixed-session.txt");
    let dir = tempfile::tempdir().unwrap();
    let detect = run_with_input(bin("headroom", dir.path()).arg("detect"), &input);
    let said = String::from_utf8_lossy(&detect.stdout);
    assert!(said.starts_with("mixed"), "{said}");

    let out = run_with_input(bin("headroom", dir.path()).args(["-b", "1000"]), &input);
    let view = String::from_utf8(out.stdout).unwrap();
    assert_accounts_for_every_line(&input, view.as_bytes());
    assert!(view.starts_with("[mixed: 4 sections · "), "{view}");
    let prompts: Vec<&str> = view.lines().filter(|l| l.starts_with("$ ")).collect();
    assert_eq!(prompts.len(), 4, "{view}");
    // Each prompt carries its own section's header: git status reads as git output,
    // the diff as a diff, wc's table as text.
    assert!(prompts[0].starts_with("$ git status  ["), "{}", prompts[0]);
    assert!(prompts[3].starts_with("$ wc -l "), "{}", prompts[3]);
    assert!(
        view.contains("+pub const DEFAULT_BUDGET: u64 = 4096;"),
        "{view}"
    );
}
