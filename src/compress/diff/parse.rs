//! What each line of a diff is, read with a small state machine.
//!
//! The same machine runs in both passes (the compressor's `observe`, then its `show`
//! and `label` in input order), so a line's class is known in pass two without
//! remembering anything per line. Hunks are followed by their line counts, so a
//! removed line that starts with `--` or an added `++` is never taken for a file
//! header, and a hunk's end is known without a blank line.

use crate::compress::git::commit::{commit_line, header_field, is_stat_line, stat_summary};

/// The class of one line of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// `commit <hash>` (git show, git log -p) or `From <hash> …` (format-patch).
    Commit,
    /// `Author:`, `Date:`, `Merge:` under a commit line.
    CommitHeader,
    /// The first line of a commit message.
    Subject,
    /// The rest of a commit message, blank lines included.
    Message,
    /// Opens a file: `diff --git`, `diff --cc`, `diff -r …`, or a plain diff's `---`.
    File,
    /// `index`, modes, renames, copies, `---`/`+++` under a `diff` line.
    FileHeader,
    /// `Binary files … differ`, `GIT binary patch` and its data.
    Binary,
    /// `@@ -a,b +c,d @@` (or `@@@ … @@@` for merges).
    Hunk,
    /// An added or removed line.
    Changed,
    /// An unchanged line inside a hunk, or `\ No newline at end of file`.
    Context,
    /// ` path | 12 ++--` of a `--stat` block.
    Stat,
    /// ` 3 files changed, …`.
    StatSummary,
    /// Anything else (a shell prompt, a note).
    Other,
}

impl Class {
    /// The category an elided line of this class is counted under in a marker.
    pub fn label(self) -> Option<&'static str> {
        Some(match self {
            Class::Commit => "commits",
            Class::CommitHeader | Class::Subject | Class::Message => "message",
            Class::File => "files",
            Class::FileHeader => "headers",
            Class::Binary => "binary",
            Class::Hunk => "hunks",
            Class::Changed => "changed",
            Class::Context => "context",
            Class::Stat | Class::StatSummary => "stat",
            Class::Other => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Region {
    /// Between files, or before anything.
    #[default]
    Patch,
    /// Header fields under a commit line.
    CommitHeader,
    /// The indented message (and the blank lines around it).
    Message { subject_seen: bool },
    /// Under a `diff` line, before its first hunk.
    FileHeader,
    /// Inside a hunk: lines still expected from the old and the new side.
    Hunk { old: u64, new: u64, parents: u8 },
    /// The data of a `GIT binary patch`, up to its blank line.
    BinaryPatch,
}

/// The line classifier; feed it every line in order.
#[derive(Debug, Default, Clone)]
pub struct Parser {
    region: Region,
}

impl Parser {
    pub fn classify(&mut self, line: &[u8]) -> Class {
        if let Some(class) = self.continue_region(line) {
            return class;
        }
        self.region = Region::Patch;
        if commit_line(line).is_some() || is_mbox_from(line) {
            self.region = Region::CommitHeader;
            return Class::Commit;
        }
        if let Some(hunk) = hunk_header(line) {
            self.region = hunk;
            return Class::Hunk;
        }
        if line.starts_with(b"diff ") {
            self.region = Region::FileHeader;
            return Class::File;
        }
        if line.starts_with(b"Only in ") {
            return Class::File;
        }
        if line.starts_with(b"--- ") {
            // A plain unified diff has no `diff` line: its `---` opens the file.
            self.region = Region::FileHeader;
            return Class::File;
        }
        if line.starts_with(b"Binary files ") && line.ends_with(b" differ") {
            return Class::Binary;
        }
        if stat_summary(line).is_some() {
            return Class::StatSummary;
        }
        if is_stat_line(line) {
            return Class::Stat;
        }
        Class::Other
    }

    /// The class of `line` if it continues the current region; `None` when the
    /// region has ended and the line starts something new.
    fn continue_region(&mut self, line: &[u8]) -> Option<Class> {
        match &mut self.region {
            Region::Patch => None,
            Region::CommitHeader => {
                if header_field(line).is_some() {
                    Some(Class::CommitHeader)
                } else if line.is_empty() || line.starts_with(b"    ") {
                    self.region = Region::Message {
                        subject_seen: false,
                    };
                    self.continue_region(line)
                } else if line.starts_with(b"Subject: ") {
                    // format-patch: the subject is a header field.
                    self.region = Region::Message { subject_seen: true };
                    Some(Class::Subject)
                } else if line.starts_with(b"From: ") || line.starts_with(b"Date: ") {
                    Some(Class::CommitHeader)
                } else {
                    None
                }
            }
            Region::Message { subject_seen } => {
                if line.trim_ascii().is_empty() {
                    Some(Class::Message)
                } else if line.starts_with(b"    ") && !is_stat_line(line) {
                    if *subject_seen {
                        Some(Class::Message)
                    } else {
                        *subject_seen = true;
                        Some(Class::Subject)
                    }
                } else {
                    None
                }
            }
            Region::FileHeader => {
                if line.starts_with(b"GIT binary patch") {
                    self.region = Region::BinaryPatch;
                    return Some(Class::Binary);
                }
                if line.starts_with(b"Binary files ") {
                    return Some(Class::Binary);
                }
                const HEADERS: [&[u8]; 13] = [
                    b"index ",
                    b"old mode ",
                    b"new mode ",
                    b"deleted file mode ",
                    b"new file mode ",
                    b"similarity index ",
                    b"dissimilarity index ",
                    b"rename from ",
                    b"rename to ",
                    b"copy from ",
                    b"copy to ",
                    b"--- ",
                    b"+++ ",
                ];
                HEADERS
                    .iter()
                    .any(|h| line.starts_with(h))
                    .then_some(Class::FileHeader)
            }
            Region::Hunk { old, new, parents } => {
                let parents = usize::from(*parents);
                if line.starts_with(b"\\ ") {
                    return Some(Class::Context);
                }
                if *old == 0 && *new == 0 {
                    return None;
                }
                if line.is_empty() {
                    // Some tools strip the space of an empty context line.
                    *old = old.saturating_sub(1);
                    *new = new.saturating_sub(1);
                    return Some(Class::Context);
                }
                let columns = line.get(..parents)?;
                if !columns.iter().all(|b| matches!(b, b' ' | b'+' | b'-')) {
                    return None;
                }
                let removed = columns.contains(&b'-');
                let added = columns.contains(&b'+');
                if removed {
                    *old = old.saturating_sub(1);
                } else {
                    *new = new.saturating_sub(1);
                    if !added {
                        *old = old.saturating_sub(1);
                    }
                }
                Some(if removed || added {
                    Class::Changed
                } else {
                    Class::Context
                })
            }
            Region::BinaryPatch => {
                if line.is_empty() {
                    self.region = Region::Patch;
                }
                Some(Class::Binary)
            }
        }
    }
}

/// `From 50ba21e2… Mon Sep 17 00:00:00 2001`: a `git format-patch` message.
fn is_mbox_from(line: &[u8]) -> bool {
    line.starts_with(b"From ")
        && line.len() > 45
        && line[5..45].iter().all(u8::is_ascii_hexdigit)
        && line[45] == b' '
}

/// A hunk header's region: `@@ -a,b +c,d @@`, or `@@@ -a,b -c,d +e,f @@@` for a
/// merge (one `@` more per parent). For a merge, `old` counts nothing: the hunk
/// ends when the merged file's lines are used up.
fn hunk_header(line: &[u8]) -> Option<Region> {
    let ats = line.iter().take_while(|&&b| b == b'@').count();
    if ats < 2 || line.get(ats) != Some(&b' ') {
        return None;
    }
    let parents = ats - 1;
    let rest = &line[ats + 1..];
    let end = memchr::memmem::find(rest, &line[..ats])?;
    let ranges: Vec<&[u8]> = rest[..end]
        .split(|&b| b == b' ')
        .filter(|r| !r.is_empty())
        .collect();
    if ranges.len() != parents + 1 {
        return None;
    }
    let count = |range: &[u8], sign: u8| -> Option<u64> {
        let range = range.strip_prefix(&[sign])?;
        let text = std::str::from_utf8(range).ok()?;
        match text.split_once(',') {
            Some((start, n)) => {
                start.parse::<u64>().ok()?;
                n.parse().ok()
            }
            None => text.parse::<u64>().ok().map(|_| 1),
        }
    };
    let new = count(ranges[parents], b'+')?;
    let mut old = 0;
    for range in &ranges[..parents] {
        old = count(range, b'-')?;
    }
    Some(Region::Hunk {
        old: if parents == 1 { old } else { 0 },
        new,
        parents: parents.min(8) as u8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str) -> Vec<Class> {
        let mut p = Parser::default();
        text.lines().map(|l| p.classify(l.as_bytes())).collect()
    }

    #[test]
    fn a_git_show() {
        use Class::*;
        let text = r"commit 50ba21e2e5fcc2ad5a5f3792f323900d9d5dffe4
Author: A <a@b>
Date:   Mon Feb 2 00:45:19 2026 +0100

    feat: add

    body
---
 src/a.rs | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/src/a.rs b/src/a.rs
index 1..2 100644
--- a/src/a.rs
+++ b/src/a.rs
@@ -1,3 +1,3 @@
 keep
--- removed line that looks like a header
+++ added line that looks like a header
 keep
\ No newline at end of file
Binary files a/x.png and b/x.png differ
";
        assert_eq!(
            classes(text),
            [
                Commit,
                CommitHeader,
                CommitHeader,
                Message,
                Subject,
                Message,
                Message,
                Other,
                Stat,
                StatSummary,
                Other,
                File,
                FileHeader,
                FileHeader,
                FileHeader,
                Hunk,
                Context,
                Changed,
                Changed,
                Context,
                Context,
                Binary
            ]
        );
    }

    #[test]
    fn plain_and_combined_diffs() {
        use Class::*;
        let text = "--- a.txt\t2024-01-01\n+++ b.txt\t2024-01-02\n@@ -1 +1 @@\n-a\n+b\n\
diff --cc f.c\nindex 1,2..3\n--- a/f.c\n+++ b/f.c\n@@@ -1,2 -1,2 +1,3 @@@\n  x\n- y\n +z\n++w\n";
        assert_eq!(
            classes(text),
            [
                File, FileHeader, Hunk, Changed, Changed, File, FileHeader, FileHeader, FileHeader,
                Hunk, Context, Changed, Changed, Changed
            ]
        );
    }
}
