//! Routing by the command that produced the input (`--cmd`, `headroom run`).

use super::{ContentType, Detection};

/// Commands whose output is a log, as (program, first argument) prefixes.
const LOG_COMMANDS: &[&[&str]] = &[
    &["docker", "logs"],
    &["docker", "compose", "logs"],
    &["docker-compose", "logs"],
    &["kubectl", "logs"],
    &["podman", "logs"],
    &["journalctl"],
    &["dmesg"],
    &["heroku", "logs"],
    &["stern"],
];

/// The type a command's output has, when the command says so; reading a file whose
/// name ends in `.log` counts too (`cat app.log`, `tail -n 500 x.log`).
pub fn route(cmd: &str) -> Option<Detection> {
    let words: Vec<&str> = cmd.split_whitespace().collect();
    let program = words.first()?.rsplit('/').next()?;
    let matched = LOG_COMMANDS.iter().find(|pattern| {
        pattern[0] == program
            && pattern[1..]
                .iter()
                .zip(words.iter().skip(1))
                .all(|(p, w)| p == w)
            && words.len() >= pattern.len()
    });
    if let Some(pattern) = matched {
        return Some(Detection {
            kind: ContentType::Log,
            evidence: format!("command `{}` produces logs", pattern.join(" ")),
        });
    }
    let reads_file = matches!(program, "cat" | "tail" | "head" | "less" | "zcat" | "bat");
    let log_file = words[1..]
        .iter()
        .find(|w| w.ends_with(".log") || w.contains(".log."));
    match (reads_file, log_file) {
        (true, Some(file)) => Some(Detection {
            kind: ContentType::Log,
            evidence: format!("command reads the log file {file}"),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_commands() {
        assert_eq!(route("docker logs -f web").unwrap().kind, ContentType::Log);
        assert_eq!(
            route("/usr/bin/journalctl -u nginx").unwrap().kind,
            ContentType::Log
        );
        assert_eq!(
            route("tail -n 100 /var/log/app.log").unwrap().kind,
            ContentType::Log
        );
        assert!(route("docker ps").is_none());
        assert!(route("cat README.md").is_none());
        assert!(route("").is_none());
    }
}
