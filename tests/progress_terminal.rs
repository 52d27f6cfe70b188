//! `headroom transcript` draws its progress bar on a real terminal: the run happens in
//! a tmux pane, whose output tmux copies to a log (`pipe-pane`), so frames the bar
//! clears at the end are still seen. Skipped, saying so, where tmux is not installed.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// `tmux` on a private server socket, so the test never touches a user's sessions.
fn tmux(socket: &Path, args: &[&str]) -> std::process::Output {
    Command::new("tmux")
        .arg("-S")
        .arg(socket)
        .args(args)
        .output()
        .expect("tmux runs")
}

fn quoted(path: &Path) -> String {
    format!("'{}'", path.display())
}

#[test]
fn the_progress_bar_shows_on_a_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("SKIPPED: tmux is not installed (apt-get install tmux)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let session = read_fixture("transcripts/claude-python-to-rust.jsonl");
    for i in 0..12 {
        std::fs::write(inputs.join(format!("{i}.jsonl")), &session).unwrap();
    }
    let socket = dir.path().join("tmux.sock");
    let log = dir.path().join("pane.log");
    let table = dir.path().join("table.txt");
    // The pane waits for "go" so that pipe-pane is attached before anything is drawn,
    // and signals "done" when headroom has exited.
    let script = format!(
        "tmux -S {sock} wait-for go; env -u HEADROOM_QUERY -u HEADROOM_CMD HEADROOM_STORE={store} \
         {bin} transcript --dry-run -j 2 {inputs} > {table}; tmux -S {sock} wait-for -S done",
        sock = quoted(&socket),
        store = quoted(&dir.path().join("store")),
        bin = quoted(Path::new(env!("CARGO_BIN_EXE_headroom"))),
        inputs = quoted(&inputs),
        table = quoted(&table),
    );
    let started = tmux(
        &socket,
        &[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "30",
            &script,
        ],
    );
    assert!(started.status.success(), "{started:?}");
    let piped = tmux(
        &socket,
        &["pipe-pane", "-o", &format!("cat >> {}", quoted(&log))],
    );
    assert!(piped.status.success(), "{piped:?}");
    assert!(tmux(&socket, &["wait-for", "-S", "go"]).status.success());
    assert!(tmux(&socket, &["wait-for", "done"]).status.success());
    tmux(&socket, &["kill-server"]);

    let drawn = String::from_utf8_lossy(&std::fs::read(&log).unwrap()).into_owned();
    let frame = drawn
        .split(['\r', '\n'])
        .find(|l| l.contains("/12 files") && l.contains("MiB"))
        .unwrap_or_else(|| panic!("no progress frame in the pane's output: {drawn:?}"));
    assert!(frame.contains('['), "{frame:?}");
    // The report itself went to the file, not the terminal.
    let report = std::fs::read_to_string(&table).unwrap();
    assert!(report.contains("12"), "{report}");
    assert!(!drawn.contains(report.lines().next().unwrap()), "{drawn:?}");
}
