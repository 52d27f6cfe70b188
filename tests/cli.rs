//! End-to-end behaviour of the `headroom` and `headroom-cat` binaries.

mod common;

use std::process::{Command, Stdio};

use common::*;

/// A 20,000-line log built from the real PostgreSQL fixture: its routine lines cycled,
/// its 5 ERROR lines buried at fixed places.
fn buried_errors_log() -> (Vec<u8>, Vec<String>) {
    let text = String::from_utf8(read_fixture("postgres-pgbench.log")).unwrap();
    let errors: Vec<String> = text
        .lines()
        .filter(|l| l.contains(" ERROR: "))
        .map(str::to_string)
        .collect();
    assert_eq!(errors.len(), 5);
    let routine: Vec<&str> = text.lines().filter(|l| l.contains(" LOG: ")).collect();
    let mut out = String::new();
    let mut errors_at = [2_000, 6_000, 10_000, 14_000, 18_000]
        .iter()
        .zip(&errors)
        .peekable();
    for i in 0..20_000 {
        match errors_at.next_if(|(at, _)| **at == i) {
            Some((_, e)) => out.push_str(e),
            None => out.push_str(routine[i % routine.len()]),
        }
        out.push('\n');
    }
    (out.into_bytes(), errors)
}

#[test]
fn buried_errors_survive_and_the_original_comes_back() {
    let store = tempfile::tempdir().unwrap();
    let (input, errors) = buried_errors_log();
    let out = run_with_input(&mut bin("headroom", store.path()), &input);
    assert_success(&out);
    let view = out.stdout;
    assert!(
        view.len() * 100 < input.len() * 15,
        "view is {} bytes of {}",
        view.len(),
        input.len()
    );
    let text = String::from_utf8_lossy(&view);
    for e in &errors {
        assert!(
            text.lines().any(|l| l.starts_with(e.as_str())),
            "missing {e}"
        );
    }
    assert_accounts_for_every_line(&input, &view);

    let hash = marker_hash(&view).expect("a marker");
    let back = bin("headroom-cat", store.path())
        .arg(&hash)
        .output()
        .unwrap();
    assert!(back.status.success());
    assert!(
        back.stdout == input,
        "headroom-cat must return the input byte for byte"
    );

    // A query made of one error's words finds it, in a small answer.
    let words = "duplicate key value violates unique constraint";
    let q = bin("headroom-cat", store.path())
        .args([&hash, "--query", words])
        .output()
        .unwrap();
    assert!(q.status.success());
    let answer = String::from_utf8_lossy(&q.stdout);
    assert!(answer.contains(&errors[2]), "{answer}");
    // The view kept the errors: the answer ranks them lower, yet (checked above) still
    // shows the one asked about, which matches far better than anything left out.
    assert!(
        answer
            .lines()
            .next()
            .unwrap()
            .contains("already in the view, ranked lower"),
        "{answer}"
    );
    assert!(
        q.stdout.len() * 100 < input.len() * 5,
        "answer is {} bytes",
        q.stdout.len()
    );

    // Same input, same view.
    let again = run_with_input(&mut bin("headroom", store.path()), &input);
    assert_eq!(again.stdout, view);
}

#[test]
fn small_input_passes_through_and_stores_nothing() {
    let store = tempfile::tempdir().unwrap();
    let input = b"hello\nworld\n";
    let out = run_with_input(&mut bin("headroom", store.path()), input);
    assert!(out.status.success());
    assert_eq!(out.stdout, input);
    assert!(
        std::fs::read_dir(store.path()).unwrap().next().is_none(),
        "store untouched"
    );
}

#[test]
fn a_view_is_not_compressed_again() {
    let store = tempfile::tempdir().unwrap();
    let (input, _) = buried_errors_log();
    let view = run_with_input(&mut bin("headroom", store.path()), &input).stdout;
    let twice = run_with_input(&mut bin("headroom", store.path()), &view).stdout;
    assert_eq!(twice, view);
}

#[test]
fn run_passes_the_exit_status_through() {
    let store = tempfile::tempdir().unwrap();
    let status = |args: &[&str]| {
        bin("headroom", store.path())
            .arg("run")
            .arg("--")
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };
    assert_eq!(status(&["sh", "-c", "exit 7"]).status.code(), Some(7));
    assert_eq!(status(&["true"]).status.code(), Some(0));
    assert_eq!(
        status(&["sh", "-c", "kill -TERM $$"]).status.code(),
        Some(128 + 15)
    );
    let missing = status(&["definitely-not-a-command-xyz"]);
    assert_eq!(missing.status.code(), Some(127));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("definitely-not-a-command-xyz"));
}

#[test]
fn run_interleaves_stdout_and_stderr_and_compresses() {
    let store = tempfile::tempdir().unwrap();
    let script = "for i in $(seq 1 3000); do echo \"2024-01-01 12:00:00 INFO tick $i\"; done; \
                  echo '2024-01-01 12:00:01 ERROR boom on stderr' >&2; echo done; exit 3";
    let out = bin("headroom", store.path())
        .args(["run", "--", "sh", "-c", script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let view = String::from_utf8_lossy(&out.stdout);
    assert!(view.contains("ERROR boom on stderr"), "{view}");
    assert!(view.lines().last() == Some("done"), "{view}");
    assert!(out.stdout.len() < 10_000, "{} bytes", out.stdout.len());
}

#[test]
fn binary_input_is_summarised_and_comes_back() {
    let store = tempfile::tempdir().unwrap();
    let mut input = b"\x89PNG\r\n\x1a\n".to_vec();
    input.extend((0..50_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8));
    let out = run_with_input(&mut bin("headroom", store.path()), &input);
    assert!(out.status.success());
    let view = String::from_utf8_lossy(&out.stdout);
    assert!(
        view.starts_with("[binary PNG image, 50,008 bytes · headroom-cat "),
        "{view}"
    );
    let hash = marker_hash(&out.stdout).unwrap();
    assert!(original(store.path(), &hash) == input);
}

#[test]
fn invalid_utf8_inside_a_log_is_kept_byte_for_byte() {
    let store = tempfile::tempdir().unwrap();
    let mut input = Vec::new();
    for i in 0..3000 {
        input.extend_from_slice(format!("2024-01-01 12:00:00 INFO request {i} ok\n").as_bytes());
        if i == 1500 {
            input.extend_from_slice(b"2024-01-01 12:00:00 ERROR bad bytes \xff\xfe\xc3 here\n");
        }
    }
    let out = run_with_input(&mut bin("headroom", store.path()), &input);
    assert!(out.status.success());
    assert!(
        out.stdout.windows(4).any(|w| w == b"\xff\xfe\xc3 "),
        "error line kept as bytes"
    );
    assert_accounts_for_every_line(&input, &out.stdout);
    let hash = marker_hash(&out.stdout).unwrap();
    assert!(original(store.path(), &hash) == input);
}

#[test]
fn concurrent_processes_share_one_store() {
    let store = tempfile::tempdir().unwrap();
    let inputs: Vec<Vec<u8>> = (0..32)
        .map(|p| {
            (0..2000)
                .map(|i| format!("2024-01-01 12:00:00 INFO process {p} line {i}\n"))
                .collect::<String>()
                .into_bytes()
        })
        .collect();
    let children: Vec<_> = inputs
        .iter()
        .map(|input| {
            let mut child = bin("headroom", store.path())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            let input = input.clone();
            let writer = std::thread::spawn(move || {
                use std::io::Write;
                stdin.write_all(&input).unwrap();
            });
            (child, writer)
        })
        .collect();
    let views: Vec<Vec<u8>> = children
        .into_iter()
        .map(|(child, writer)| {
            let out = child.wait_with_output().unwrap();
            writer.join().unwrap();
            assert_success(&out);
            assert!(
                out.stderr.is_empty(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        })
        .collect();
    for (input, view) in inputs.iter().zip(&views) {
        let hash = marker_hash(view).expect("compressed");
        assert!(&original(store.path(), &hash) == input);
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let store = tempfile::tempdir().unwrap();
    let input: String = (0..200_000).map(|i| format!("plain line {i}\n")).collect();
    let mut child = bin("headroom", store.path())
        .arg("--lossless")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 100];
    use std::io::Read;
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_unwritable_store_gives_lossless_output_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "a file where the store should be").unwrap();
    let (input, _) = buried_errors_log();
    let out = run_with_input(&mut bin("headroom", &blocker), &input);
    assert_passed_through(&out, &input);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("lossless"), "{err}");
}

#[test]
fn a_corrupt_original_is_refused() {
    let store = tempfile::tempdir().unwrap();
    let (input, _) = buried_errors_log();
    let view = run_with_input(&mut bin("headroom", store.path()), &input).stdout;
    let hash = marker_hash(&view).unwrap();
    let blob = walk(&store.path().join("blobs"))
        .into_iter()
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&hash))
        })
        .expect("blob file");
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&blob, bytes).unwrap();
    let back = bin("headroom-cat", store.path())
        .arg(&hash)
        .output()
        .unwrap();
    assert_eq!(back.status.code(), Some(2));
    assert!(back.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&back.stderr).contains("corrupt"),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn headroom_cat_selectors() {
    let store = tempfile::tempdir().unwrap();
    let input = read_fixture("postgres-pgbench.log");
    let view = run_with_input(&mut bin("headroom", store.path()), &input).stdout;
    let hash = marker_hash(&view).unwrap();
    let cat = |args: &[&str]| {
        bin("headroom-cat", store.path())
            .arg(&hash)
            .args(args)
            .output()
            .unwrap()
    };

    let lines = lines_of(&input);
    let range = cat(&["-L", "10:12"]);
    assert_eq!(
        range.stdout,
        [lines[9], lines[10], lines[11]]
            .join(&b'\n')
            .into_iter()
            .chain(*b"\n")
            .collect::<Vec<u8>>()
    );

    let grep = cat(&["--grep", "ERROR:  division"]);
    let g = String::from_utf8_lossy(&grep.stdout);
    assert_eq!(g.lines().count(), 1, "{g}");
    assert!(g.contains(":") && g.contains("division by zero"));

    let none = cat(&["--grep", "no such text anywhere"]);
    assert_eq!(none.status.code(), Some(1));

    let short = bin("headroom-cat", store.path())
        .arg(&hash[..8])
        .output()
        .unwrap();
    assert!(short.stdout == input, "8-digit prefix resolves");

    let unknown = bin("headroom-cat", store.path())
        .arg("0123456789ab")
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(!unknown.stderr.is_empty());

    let retrieve = bin("headroom", store.path())
        .args(["retrieve", &hash, "-L", "1"])
        .output()
        .unwrap();
    assert_eq!(retrieve.stdout, [lines[0], b"\n"].concat());
}

#[test]
fn stats_are_one_json_line_on_stderr() {
    let store = tempfile::tempdir().unwrap();
    let input = read_fixture("postgres-pgbench.log");
    let out = run_with_input(bin("headroom", store.path()).arg("--stats"), &input);
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(v["type"], "log");
    assert_eq!(v["bytes_in"], input.len());
    assert_eq!(v["bytes_out"], out.stdout.len());
    assert!(v["tokens_out"].as_u64().unwrap() < v["tokens_in"].as_u64().unwrap());
    assert_eq!(v["hash"].as_str().unwrap().len(), 64);
}

#[test]
fn detect_explains_its_choice() {
    let store = tempfile::tempdir().unwrap();
    let out = bin("headroom", store.path())
        .args(["detect"])
        .arg(fixture("postgres-pgbench.log"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("log: "), "{text}");
    assert!(text.contains("timestamp"), "{text}");
    let forced = bin("headroom", store.path())
        .args(["detect", "-t", "text"])
        .arg(fixture("postgres-pgbench.log"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&forced.stdout).starts_with("text: forced"));
}

#[test]
fn query_keeps_matching_lines() {
    let store = tempfile::tempdir().unwrap();
    let input = read_fixture("postgres-pgbench.log");
    let text = String::from_utf8_lossy(&input);
    let target = text
        .lines()
        .find(|l| l.contains("statement: vacuum analyze pgbench_history"))
        .unwrap();
    let out = run_with_input(
        bin("headroom", store.path()).args(["-b", "500", "-q", "vacuum analyze pgbench_history"]),
        &input,
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(target));
}

#[test]
fn gc_prunes_and_a_pruned_hash_says_so() {
    let store = tempfile::tempdir().unwrap();
    let input = read_fixture("postgres-pgbench.log");
    let view = run_with_input(&mut bin("headroom", store.path()), &input).stdout;
    let hash = marker_hash(&view).unwrap();
    let gc = bin("headroom", store.path())
        .args(["gc", "--max-size", "0"])
        .output()
        .unwrap();
    assert_success(&gc);
    assert!(String::from_utf8_lossy(&gc.stdout).contains("removed 1 original"));
    let back = bin("headroom-cat", store.path())
        .arg(&hash)
        .output()
        .unwrap();
    assert_eq!(back.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&back.stderr).contains("pruned"));
}

#[test]
fn files_are_read_in_order_with_headers() {
    let store = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    std::fs::write(&a, "alpha\n").unwrap();
    std::fs::write(&b, "beta\n").unwrap();
    let out = bin("headroom", store.path())
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("alpha\n") && text.contains("beta\n") && text.contains("==> "),
        "{text}"
    );
    let missing = bin("headroom", store.path())
        .arg(dir.path().join("nope"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn help_mentions_every_option() {
    let out = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--query",
        "--type",
        "--cmd",
        "--budget",
        "--lossless",
        "--store",
        "--stats",
        "run",
        "retrieve",
        "gc",
        "detect",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn a_store_that_fills_up_mid_stream_loses_nothing() {
    // A file-size limit makes the spool's writes fail part way, as a full disk would;
    // SIGXFSZ is ignored so the write fails with an error instead of killing us.
    let store = tempfile::tempdir().unwrap();
    let (input, _) = buried_errors_log();
    assert!(input.len() > 1_000_000);
    let script = format!(
        "trap '' XFSZ; ulimit -f 400; exec {} --store {}",
        env!("CARGO_BIN_EXE_headroom"),
        store.path().display()
    );
    let out = run_with_input(Command::new("sh").args(["-c", &script]), &input);
    assert_passed_through(&out, &input);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not store the original"), "{err}");
}

#[test]
fn a_corrupt_index_does_not_break_the_pipe() {
    let store = tempfile::tempdir().unwrap();
    let input = read_fixture("postgres-pgbench.log");
    let first = run_with_input(&mut bin("headroom", store.path()), &input);
    assert!(first.status.success());
    // The filter only drops pending records; gc opens the index (and creates it).
    let gc = bin("headroom", store.path()).arg("gc").output().unwrap();
    assert_success(&gc);
    for name in ["conf", "db"] {
        let path = store.path().join("index").join(name);
        assert!(path.exists(), "{} missing", path.display());
        std::fs::write(&path, b"\x00garbage, not sled\xff\xfe").unwrap();
    }
    let (other, _) = buried_errors_log();
    let out = run_with_input(&mut bin("headroom", store.path()), &other);
    assert_success(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines().count() <= 1,
        "at most one line of explanation: {err}"
    );
    // Either the view (its original is stored) or the input itself.
    match marker_hash(&out.stdout) {
        Some(hash) => {
            let back = bin("headroom-cat", store.path())
                .arg(&hash)
                .output()
                .unwrap();
            assert!(
                back.stdout == other,
                "original retrievable despite the index"
            );
        }
        None => assert!(out.stdout == other),
    }
}

#[test]
fn json_arrays_become_lossless_tables() {
    let store = tempfile::tempdir().unwrap();
    let runs: Vec<serde_json::Value> = (0..200)
        .map(|i| {
            serde_json::json!({
                "id": 2_802_600_000u64 + i,
                "name": "CI",
                "status": "completed",
                "conclusion": if i == 117 { "failure" } else { "success" },
                "run_number": 300 + i,
                "actor": {"login": format!("user{}", i % 7), "type": "User"},
            })
        })
        .collect();
    let input = serde_json::to_string_pretty(
        &serde_json::json!({"total_count": 593, "workflow_runs": runs}),
    )
    .unwrap();
    let out = run_with_input(&mut bin("headroom", store.path()), input.as_bytes());
    assert!(out.status.success());
    let view = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        view.starts_with("[json: object with 2 keys · 1 table · lossless · headroom-cat "),
        "{view}"
    );
    assert!(
        view.contains("{\"total_count\":593,\"workflow_runs\":@.workflow_runs}\n"),
        "{view}"
    );
    assert!(
        view.contains("\"id\",\"conclusion\",\"run_number\",\"actor.login\"\n"),
        "{view}"
    );
    assert!(
        view.contains("2802600117,\"failure\",417,\"user5\"\n"),
        "{view}"
    );
    assert!(
        view.len() * 2 < input.len(),
        "{} of {}",
        view.len(),
        input.len()
    );
    let hash = marker_hash(&out.stdout).unwrap();
    assert!(original(store.path(), &hash) == input.as_bytes());
}

#[test]
fn truncated_json_falls_back_to_the_text_path() {
    let store = tempfile::tempdir().unwrap();
    let items: Vec<String> = (0..3000)
        .map(|i| format!("  {{\"id\": {i}, \"ok\": true}}"))
        .collect();
    let input = format!("[\n{}", items.join(",\n"));
    let out = run_with_input(
        bin("headroom", store.path()).arg("--stats"),
        input.as_bytes(),
    );
    assert!(out.status.success());
    let stats: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(stats["type"], "text");
    assert_accounts_for_every_line(input.as_bytes(), &out.stdout);
}

#[test]
fn big_json_is_cut_to_budget_and_markers_bring_items_back() {
    let store = tempfile::tempdir().unwrap();
    let runs: Vec<serde_json::Value> = (0..2000)
        .map(|i| {
            serde_json::json!({
                "id": 2_802_600_000u64 + i,
                "conclusion": if i == 1234 { "failure" } else { "success" },
                "head_branch": format!("feature-{}", i % 13),
                "url": format!("https://api.example.com/repos/o/r/actions/runs/{i}"),
            })
        })
        .collect();
    let input =
        serde_json::to_string(&serde_json::json!({"total_count": 2000, "workflow_runs": runs}))
            .unwrap();
    let out = run_with_input(&mut bin("headroom", store.path()), input.as_bytes());
    let view = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(view.contains("cut to a budget of 4,000 tokens"), "{view}");
    assert!(
        view.contains("2802601234,\"failure\""),
        "the failed run is kept: {view}"
    );
    let hash = marker_hash(&out.stdout).unwrap();
    // Every row is shown or inside one marker's --items range, and the ranges
    // come back as the original items.
    let mut covered = 0;
    for line in view
        .lines()
        .filter(|l| l.starts_with("[… ") && l.contains("--items "))
    {
        let range = line
            .rsplit("--items ")
            .next()
            .unwrap()
            .trim_end_matches(']');
        let (a, b) = range.split_once(':').unwrap();
        let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
        covered += b - a;
        let back = run_with_input(
            bin("headroom-cat", store.path()).args([
                hash.as_str(),
                "--path",
                ".workflow_runs",
                "--items",
                range,
            ]),
            b"",
        );
        assert_success(&back);
        let items: Vec<serde_json::Value> = back
            .stdout
            .split(|&c| c == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(items, runs[a..b].to_vec());
    }
    let shown = view.lines().filter(|l| l.starts_with("2802")).count();
    assert_eq!(covered + shown, 2000, "{view}");
}

#[test]
fn json_nested_too_deeply_passes_the_text_path_without_a_crash() {
    let store = tempfile::tempdir().unwrap();
    let input = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let out = run_with_input(
        bin("headroom", store.path()).arg("--stats"),
        input.as_bytes(),
    );
    assert!(out.status.success());
    let stats: serde_json::Value = serde_json::from_slice(
        out.stderr
            .rsplit(|&c| c == b'\n')
            .nth(1)
            .unwrap_or(&out.stderr),
    )
    .unwrap();
    assert_ne!(stats["type"], "json");
    let hash = stats["hash"].as_str().unwrap();
    assert!(original(store.path(), hash) == input.as_bytes());
}

#[test]
fn json_numbers_and_duplicate_keys_survive_byte_for_byte() {
    let store = tempfile::tempdir().unwrap();
    let items: Vec<String> = (0..400)
        .map(|i| format!(r#"{{"id": {i}, "big": 123456789012345678901234567890, "x": 1.50e+3, "k": 1, "k": 2}}"#))
        .collect();
    let input = format!("[{}]", items.join(",\n"));
    let out = run_with_input(&mut bin("headroom", store.path()), input.as_bytes());
    let view = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        view.contains(r#""big":123456789012345678901234567890,"x":1.50e+3,"k":1,"k":2"#),
        "{view}"
    );
    let hash = marker_hash(&out.stdout).unwrap();
    assert!(original(store.path(), &hash) == input.as_bytes());
}

#[test]
fn a_spool_deleted_mid_stream_loses_nothing() {
    // Whoever removes the temp file (a gc, a person) cannot take the input away:
    // headroom reads it back through its own handle and passes it through.
    let store = tempfile::tempdir().unwrap();
    let (input, _) = buried_errors_log();
    let mut child = bin("headroom", store.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    use std::io::Write;
    let half = input.len() / 2;
    stdin.write_all(&input[..half]).unwrap();
    let tmp = store.path().join("tmp");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let spool = loop {
        let found = std::fs::read_dir(&tmp).ok().and_then(|d| {
            d.flatten()
                .find(|e| e.file_name().to_string_lossy().starts_with("spool"))
        });
        if let Some(entry) = found {
            break entry.path();
        }
        assert!(std::time::Instant::now() < deadline, "no spool appeared");
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    std::fs::remove_file(&spool).unwrap();
    stdin.write_all(&input[half..]).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_passed_through(&out, &input);
}
