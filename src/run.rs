//! `headroom run -- CMD`: run a command, compress what it prints, pass its status on.

use std::ffi::OsString;
use std::io::{self, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

use crate::pipeline::{self, Options, Report};

/// How a run ended.
pub struct Outcome {
    /// The command's exit status as a shell reports it.
    pub status: i32,
    /// What the filter did; an error if writing the output failed (e.g. closed pipe).
    pub report: io::Result<Report>,
}

/// Runs `command` with stdout and stderr on one pipe, so their lines arrive in the
/// order the command wrote them, and filters that pipe into `output` with the command
/// line as the routing hint (unless `opts.cmd` already names one).
///
/// Returns `Err` only when the command cannot be started; the error is what a shell
/// would print, with status 127 (not found) or 126 (not executable).
pub fn run(
    command: &[OsString],
    opts: &Options,
    output: &mut dyn Write,
) -> Result<Outcome, (i32, String)> {
    let (program, args) = command
        .split_first()
        .ok_or((2, "no command given".to_string()))?;
    let (reader, writer) = io::pipe().map_err(|e| (126, format!("cannot create a pipe: {e}")))?;
    let stderr_writer = writer
        .try_clone()
        .map_err(|e| (126, format!("cannot create a pipe: {e}")))?;
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::inherit())
        .stdout(writer)
        .stderr(stderr_writer);
    let mut child = cmd.spawn().map_err(|e| {
        let status = if e.kind() == io::ErrorKind::NotFound {
            127
        } else {
            126
        };
        let what = if e.kind() == io::ErrorKind::NotFound {
            "command not found".to_string()
        } else {
            e.to_string()
        };
        (status, format!("{}: {what}", program.to_string_lossy()))
    })?;
    // Our copies of the write end must close, or the pipe never reaches end of file.
    drop(cmd);

    let mut opts = opts.clone();
    if opts.cmd.is_none() {
        let line: Vec<String> = command
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        opts.cmd = Some(line.join(" "));
    }
    let mut reader = reader;
    let report = pipeline::filter(&mut reader, output, &opts);
    // Closing the read end lets a command that is still writing see a broken pipe.
    drop(reader);
    let status = match child.wait() {
        Ok(s) => s.code().unwrap_or_else(|| 128 + s.signal().unwrap_or(0)),
        Err(e) => return Err((1, format!("cannot wait for the command: {e}"))),
    };
    Ok(Outcome { status, report })
}
