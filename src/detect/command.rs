//! Routing by the command that produced the input (`--cmd`, `headroom run`).
//!
//! A command line is split into its commands (`;`, `&&`, `||`, `|`); wrappers such as
//! `npx`, `python -m`, `bundle exec`, `time` and `VAR=value` are looked through; each
//! command is matched against [`ROUTES`]. When every command that matches names the
//! same family, that family reads the output; commands of different families (a
//! script that runs `git status; git diff`) leave the choice to sniffing, which can
//! split the output into sections.

use super::{ContentType, Detection};
use crate::compress::code::Language;

/// (program, leading arguments) → family. A route matches when the program is the
/// first word and the given arguments follow it in order (options such as `-C dir` or
/// `--no-pager` between them are skipped); the first matching route wins.
const ROUTES: &[(&[&str], ContentType)] = &[
    // Logs.
    (&["docker", "logs"], ContentType::Log),
    (&["docker", "compose", "logs"], ContentType::Log),
    (&["docker-compose", "logs"], ContentType::Log),
    (&["kubectl", "logs"], ContentType::Log),
    (&["podman", "logs"], ContentType::Log),
    (&["journalctl"], ContentType::Log),
    (&["dmesg"], ContentType::Log),
    (&["heroku", "logs"], ContentType::Log),
    (&["stern"], ContentType::Log),
    // Tests.
    (&["cargo", "test"], ContentType::Test),
    (&["cargo", "nextest"], ContentType::Test),
    (&["pytest"], ContentType::Test),
    (&["py.test"], ContentType::Test),
    (&["go", "test"], ContentType::Test),
    (&["gotestsum"], ContentType::Test),
    (&["jest"], ContentType::Test),
    (&["vitest"], ContentType::Test),
    (&["mocha"], ContentType::Test),
    (&["rspec"], ContentType::Test),
    (&["npm", "test"], ContentType::Test),
    (&["npm", "run", "test"], ContentType::Test),
    (&["pnpm", "test"], ContentType::Test),
    (&["pnpm", "run", "test"], ContentType::Test),
    (&["yarn", "test"], ContentType::Test),
    (&["bun", "test"], ContentType::Test),
    (&["mvn", "test"], ContentType::Test),
    (&["gradle", "test"], ContentType::Test),
    (&["gradlew", "test"], ContentType::Test),
    (&["ctest"], ContentType::Test),
    // Lint (before build: `cargo clippy` and `go vet` are checks, not builds).
    (&["cargo", "clippy"], ContentType::Lint),
    (&["clippy-driver"], ContentType::Lint),
    (&["eslint"], ContentType::Lint),
    (&["ruff"], ContentType::Lint),
    (&["pylint"], ContentType::Lint),
    (&["flake8"], ContentType::Lint),
    (&["mypy"], ContentType::Lint),
    (&["pyright"], ContentType::Lint),
    (&["golangci-lint"], ContentType::Lint),
    (&["go", "vet"], ContentType::Lint),
    (&["staticcheck"], ContentType::Lint),
    (&["shellcheck"], ContentType::Lint),
    (&["rubocop"], ContentType::Lint),
    (&["npm", "run", "lint"], ContentType::Lint),
    (&["pnpm", "lint"], ContentType::Lint),
    (&["yarn", "lint"], ContentType::Lint),
    // Builds and installs.
    (&["cargo", "build"], ContentType::Build),
    (&["cargo", "check"], ContentType::Build),
    (&["cargo", "run"], ContentType::Build),
    (&["cargo", "install"], ContentType::Build),
    (&["rustc"], ContentType::Build),
    (&["gcc"], ContentType::Build),
    (&["g++"], ContentType::Build),
    (&["cc"], ContentType::Build),
    (&["c++"], ContentType::Build),
    (&["clang"], ContentType::Build),
    (&["clang++"], ContentType::Build),
    (&["make"], ContentType::Build),
    (&["cmake"], ContentType::Build),
    (&["ninja"], ContentType::Build),
    (&["tsc"], ContentType::Build),
    (&["go", "build"], ContentType::Build),
    (&["go", "install"], ContentType::Build),
    (&["javac"], ContentType::Build),
    (&["mvn"], ContentType::Build),
    (&["gradle"], ContentType::Build),
    (&["gradlew"], ContentType::Build),
    (&["npm", "install"], ContentType::Build),
    (&["npm", "i"], ContentType::Build),
    (&["npm", "ci"], ContentType::Build),
    (&["npm", "run", "build"], ContentType::Build),
    (&["pnpm", "install"], ContentType::Build),
    (&["pnpm", "build"], ContentType::Build),
    (&["yarn", "install"], ContentType::Build),
    (&["yarn", "build"], ContentType::Build),
    (&["pip", "install"], ContentType::Build),
    (&["pip3", "install"], ContentType::Build),
    (&["uv", "pip"], ContentType::Build),
    (&["uv", "sync"], ContentType::Build),
    // Git: patches are diffs, the rest is git's own listings.
    (&["git", "diff"], ContentType::Diff),
    (&["git", "show"], ContentType::Diff),
    (&["git", "format-patch"], ContentType::Diff),
    (&["diff"], ContentType::Diff),
    (&["git", "log"], ContentType::Git),
    (&["git", "reflog"], ContentType::Git),
    (&["git", "shortlog"], ContentType::Git),
    (&["git", "status"], ContentType::Git),
    (&["git", "blame"], ContentType::Git),
    (&["git", "grep"], ContentType::Search),
    // Search.
    (&["grep"], ContentType::Search),
    (&["egrep"], ContentType::Search),
    (&["fgrep"], ContentType::Search),
    (&["rg"], ContentType::Search),
    (&["ag"], ContentType::Search),
    (&["ack"], ContentType::Search),
    // Listings.
    (&["ls"], ContentType::Listing),
    (&["find"], ContentType::Listing),
    (&["fd"], ContentType::Listing),
    (&["tree"], ContentType::Listing),
    (&["du"], ContentType::Listing),
];

/// Words that run the command after them: `npx jest`, `python -m pytest`,
/// `bundle exec rspec`, `time make`.
const WRAPPERS: &[&[&str]] = &[
    &["npx"],
    &["bunx"],
    &["pnpm", "exec"],
    &["pnpm", "dlx"],
    &["yarn", "dlx"],
    &["bundle", "exec"],
    &["poetry", "run"],
    &["uv", "run"],
    &["pipx", "run"],
    &["python", "-m"],
    &["python3", "-m"],
    &["time"],
    &["sudo"],
    &["env"],
    &["nice"],
    &["timeout"],
    &["xargs"],
];

/// The family a command's output belongs to, when the command says so; reading a
/// file whose name ends in `.log` counts as a log (`cat app.log`, `tail x.log`).
pub fn route(cmd: &str) -> Option<Detection> {
    let mut found: Option<(ContentType, String)> = None;
    for command in commands(cmd) {
        let Some((kind, name)) = route_one(&command) else {
            continue;
        };
        match &found {
            None => found = Some((kind, name)),
            Some((seen, _)) if *seen == kind => {}
            // Several families in one script: sniffing splits it into sections.
            Some(_) => return None,
        }
    }
    let (kind, name) = found?;
    let evidence = match kind {
        ContentType::Log if name.ends_with(".log") || name.contains(".log.") => {
            format!("command reads the log file {name}")
        }
        ContentType::Code | ContentType::Html if !name.contains(' ') => {
            format!("command reads the {} file {name}", kind.name())
        }
        _ => format!("command `{name}` produces {} output", kind.name()),
    };
    Some(Detection { kind, evidence })
}

/// The words of each command in a command line, split at `;`, `&&`, `||` and `|`
/// (quotes are not interpreted: a hint only needs the program and its first words).
fn commands(cmd: &str) -> Vec<Vec<&str>> {
    let mut out = vec![Vec::new()];
    for word in cmd.split_whitespace() {
        let (word, ends) = match word.strip_suffix(';') {
            Some(w) => (w, true),
            None => (word, false),
        };
        if matches!(word, "&&" | "||" | "|" | ";") {
            out.push(Vec::new());
            continue;
        }
        if !word.is_empty() {
            out.last_mut().expect("never empty").push(word);
        }
        if ends {
            out.push(Vec::new());
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

/// The family of one command, and the words that matched, e.g. `cargo test`.
fn route_one(words: &[&str]) -> Option<(ContentType, String)> {
    let words = unwrap(words);
    let program = *words.first()?;
    let program = program.rsplit('/').next()?;
    let args = &words[1..];
    for (pattern, kind) in ROUTES {
        if pattern[0] == program && follows(&pattern[1..], args) {
            let mut name = pattern.join(" ");
            // `git log -p` and `git log --patch` print diffs.
            if *kind == ContentType::Git
                && pattern.get(1) == Some(&"log")
                && args.iter().any(|a| matches!(*a, "-p" | "-u" | "--patch"))
            {
                name.push_str(" -p");
                return Some((ContentType::Diff, name));
            }
            return Some((*kind, name));
        }
    }
    if !FILE_READERS.contains(&program) {
        return None;
    }
    args.iter()
        .rev()
        .find_map(|w| file_kind(w).map(|kind| (kind, w.to_string())))
}

/// Programs whose output is the content of the file (or URL) they are given.
const FILE_READERS: &[&str] = &[
    "cat", "tail", "head", "less", "more", "zcat", "bat", "batcat", "sed", "nl", "curl", "wget",
];

/// The family of a file's content by its name: `.log` files are logs, source files
/// (by extension) are code, `.html` pages are HTML.
fn file_kind(name: &str) -> Option<ContentType> {
    let name = name.split(['?', '#']).next().unwrap_or(name);
    if name.ends_with(".log") || name.contains(".log.") {
        return Some(ContentType::Log);
    }
    if Language::of_path(name).is_some() {
        return Some(ContentType::Code);
    }
    let lower = name.to_ascii_lowercase();
    [".html", ".htm", ".xhtml"]
        .iter()
        .any(|ext| lower.ends_with(ext))
        .then_some(ContentType::Html)
}

/// Skips variable assignments (`RUST_BACKTRACE=1`) and wrappers (`npx`, `time`),
/// with the options a wrapper takes before its command (`timeout 60`, `env -i`).
fn unwrap<'a, 'b>(mut words: &'b [&'a str]) -> &'b [&'a str] {
    loop {
        if let Some(first) = words.first() {
            if first.contains('=') && !first.starts_with('-') {
                words = &words[1..];
                continue;
            }
        }
        let Some(wrapper) = WRAPPERS.iter().find(|w| words.starts_with(w)) else {
            return words;
        };
        words = &words[wrapper.len()..];
        while words
            .first()
            .is_some_and(|w| w.starts_with('-') || w.bytes().all(|b| b.is_ascii_digit()))
        {
            words = &words[1..];
        }
    }
}

/// True when `pattern`'s words appear in `args` in order, skipping options and the
/// values of `-C`/`-c` style options before them (`git -C repo --no-pager log`).
fn follows(pattern: &[&str], args: &[&str]) -> bool {
    let mut args = args.iter();
    'words: for want in pattern {
        while let Some(arg) = args.next() {
            if arg == want {
                continue 'words;
            }
            // Options, and a toolchain such as `cargo +nightly test`.
            if !arg.starts_with('-') && !arg.starts_with('+') {
                return false;
            }
            if matches!(*arg, "-C" | "-c" | "--git-dir" | "--work-tree" | "-p") {
                args.next();
            }
        }
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(cmd: &str) -> Option<ContentType> {
        route(cmd).map(|d| d.kind)
    }

    #[test]
    fn logs() {
        assert_eq!(kind("docker logs -f web"), Some(ContentType::Log));
        assert_eq!(kind("/usr/bin/journalctl -u nginx"), Some(ContentType::Log));
        assert_eq!(kind("tail -n 100 /var/log/app.log"), Some(ContentType::Log));
        assert_eq!(kind("docker ps"), None);
        assert_eq!(kind("cat README.md"), None);
        assert_eq!(kind("cat src/x.py"), Some(ContentType::Code));
        assert_eq!(kind("sed -n 120,200p src/lib.rs"), Some(ContentType::Code));
        assert_eq!(kind("head -n 80 web/App.tsx"), Some(ContentType::Code));
        assert_eq!(kind("cat docs/index.html"), Some(ContentType::Html));
        assert_eq!(
            kind("curl -s https://example.org/doc/benchmark.html"),
            Some(ContentType::Html)
        );
        assert_eq!(kind("vim src/x.py"), None);
        assert_eq!(kind(""), None);
    }

    #[test]
    fn families() {
        assert_eq!(kind("cargo test --workspace"), Some(ContentType::Test));
        assert_eq!(kind("cargo +nightly test"), Some(ContentType::Test));
        assert_eq!(kind("RUST_BACKTRACE=1 cargo test"), Some(ContentType::Test));
        assert_eq!(kind("python -m pytest -x tests"), Some(ContentType::Test));
        assert_eq!(kind("npx vitest run"), Some(ContentType::Test));
        assert_eq!(kind("bundle exec rspec"), Some(ContentType::Test));
        assert_eq!(kind("cargo clippy --all-targets"), Some(ContentType::Lint));
        assert_eq!(kind("ruff check ."), Some(ContentType::Lint));
        assert_eq!(kind("cargo build --release"), Some(ContentType::Build));
        assert_eq!(kind("npx tsc --noEmit"), Some(ContentType::Build));
        assert_eq!(kind("make -j8"), Some(ContentType::Build));
        assert_eq!(kind("git --no-pager diff HEAD~1"), Some(ContentType::Diff));
        assert_eq!(kind("git -C repo show abc123"), Some(ContentType::Diff));
        assert_eq!(kind("git log -p -3"), Some(ContentType::Diff));
        assert_eq!(kind("git log --stat"), Some(ContentType::Git));
        assert_eq!(kind("git status --short"), Some(ContentType::Git));
        assert_eq!(kind("git grep -n foo"), Some(ContentType::Search));
        assert_eq!(kind("rg --json panic"), Some(ContentType::Search));
        assert_eq!(kind("find . -name '*.rs'"), Some(ContentType::Listing));
        assert_eq!(kind("ls -laR"), Some(ContentType::Listing));
    }

    #[test]
    fn command_lines() {
        assert_eq!(kind("cd app && cargo test"), Some(ContentType::Test));
        assert_eq!(
            kind("cargo test 2>&1 | tail -n 50"),
            Some(ContentType::Test)
        );
        // Several families: sniffing decides, section by section.
        assert_eq!(kind("git status; git diff --stat; git diff"), None);
    }
}
