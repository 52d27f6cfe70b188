//! ls -l, ls -R, find, fd, tree and du listings.
//!
//! Entries are grouped by the directory they are in. A path list (`find`, `fd`) is
//! shown with each directory's path printed once, as a heading, and its entries as
//! names under it; entries that match the query stay whole (`./a/b/c.rs`), ready to
//! quote. `tree` keeps its structure with plain indentation instead of box drawing,
//! and its size column without the padding. `ls -l` and `du` lines are shown as
//! they are.
//!
//! When the listing fits the budget, everything is shown. Otherwise the view keeps
//! the entries that match the query, then every directory's first entries up to a
//! per-directory cap (see [`super::search`], whose selection this shares), and
//! the summary lines (`16 directories, 94 files`, `total 120`). Heavy directories
//! (`node_modules`, `target`, `.git`, virtual environments, build output) are folded:
//! one line stands for everything under them. Each directory heading the view shows
//! says what it holds: `(48 entries: 40 .rs, 8 .json, 1.2 MB)`.

use std::collections::{HashMap, HashSet};

use super::search::plan::{self, Plan};
use super::search::rank::Scorer;
use super::search::{worth_a_heading, Kind, Line, MAX_TRACKED_LINES, NO_FILE};
use super::{Compressor, Context, Kept, Selection};
use crate::hash::{hash_bytes, FastBuild};
use crate::marker::{count_of, thousands};
use crate::relevance::Query;

/// Directories tracked at most.
const MAX_DIRS: usize = 100_000;
/// Extensions counted per directory; the rest are "other".
const MAX_EXTENSIONS: usize = 6;
/// Extensions named in a directory's heading.
const EXTENSIONS_SHOWN: usize = 3;

/// Directory names whose contents are generated or vendored: folded to one line.
const HEAVY: &[&[u8]] = &[
    b"node_modules",
    b"target",
    b".git",
    b"venv",
    b".venv",
    b"__pycache__",
    b".tox",
    b".mypy_cache",
    b".pytest_cache",
    b"build",
    b"dist",
    b".next",
    b".gradle",
    b"site-packages",
];

/// How a listing is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// One path per line: find, fd.
    Paths,
    /// `tree`, with box-drawing indentation.
    Tree,
    /// `ls -l`, with `dir:` headings for `-R`.
    Long,
    /// `du`: size, a tab, a path.
    Du,
}

/// One listing line, read.
struct Entry<'a> {
    kind: Kind,
    /// The directory the entry is in, and its name.
    dir: Vec<u8>,
    name: &'a [u8],
    size: Option<u64>,
    /// Tree: the nesting depth.
    depth: usize,
}

/// The per-directory totals a heading reports.
#[derive(Debug, Clone, Default)]
struct Dir {
    path: Vec<u8>,
    entries: u64,
    size: Option<u64>,
    extensions: Vec<(Vec<u8>, u64)>,
    other_extensions: u64,
    heavy: bool,
    heading_cost: u32,
    text_cost: u64,
    /// `ls -R`: the `./dir:` line that opens the directory's section.
    heading: Option<u64>,
    /// Set by selection.
    cut: bool,
    grouped: bool,
}

/// The listing compressor; see the module documentation.
pub struct ListingCompressor {
    layout: Layout,
    scorer: Scorer,
    lines: Vec<Line>,
    total_lines: u64,
    dirs: Vec<Dir>,
    by_path: HashMap<u64, u32, FastBuild>,
    /// Tree: the names on the path to the current entry; ls -R: the section.
    stack: Vec<Vec<u8>>,
    section: Vec<u8>,
    relevant: HashSet<u64, FastBuild>,
    /// Show: the directory whose heading the view printed last.
    open: u32,
    show_stack: Vec<Vec<u8>>,
    show_section: Vec<u8>,
}

impl ListingCompressor {
    pub fn new(query: &Query, head: &[u8]) -> ListingCompressor {
        let cleaned = crate::lines::sample(head);
        let sample: Vec<&[u8]> = cleaned.iter().map(|l| &l[..]).collect();
        ListingCompressor {
            layout: sniff_layout(&sample).map_or(Layout::Paths, |(l, _)| l),
            scorer: Scorer::new(query),
            lines: Vec::new(),
            total_lines: 0,
            dirs: Vec::new(),
            by_path: HashMap::default(),
            stack: Vec::new(),
            section: Vec::new(),
            relevant: HashSet::default(),
            open: NO_FILE,
            show_stack: Vec::new(),
            show_section: Vec::new(),
        }
    }

    fn dir_of(&mut self, path: &[u8]) -> u32 {
        // Everything under a heavy directory belongs to it.
        let heavy_end = heavy_prefix(path);
        let path = heavy_end.map_or(path, |end| &path[..end]);
        let key = hash_bytes(path, 5);
        if let Some(&id) = self.by_path.get(&key) {
            return id;
        }
        if self.dirs.len() >= MAX_DIRS {
            return NO_FILE;
        }
        let id = self.dirs.len() as u32;
        self.dirs.push(Dir {
            path: path.to_vec(),
            heavy: heavy_end.is_some(),
            heading_cost: crate::tokens::estimate(path) as u32 + 1,
            ..Dir::default()
        });
        self.by_path.insert(key, id);
        id
    }

    fn read<'a>(&self, line: &'a [u8], stack: &[Vec<u8>]) -> Entry<'a> {
        read_line(self.layout, line, stack, &self.section)
    }

    fn whole_cost(&self) -> u64 {
        self.lines.iter().map(|l| u64::from(l.cost)).sum::<u64>()
            + self
                .dirs
                .iter()
                .filter(|d| d.grouped)
                .map(|d| u64::from(d.heading_cost))
                .sum::<u64>()
    }

    /// `(48 entries: 40 .rs, 8 .json, 1.2 MB)` for a directory.
    fn summary(&self, dir: u32) -> Option<String> {
        let d = self.dirs.get(dir as usize)?;
        if !d.cut && !d.heavy {
            return None;
        }
        let mut exts: Vec<&(Vec<u8>, u64)> = d.extensions.iter().collect();
        exts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut parts: Vec<String> = exts
            .iter()
            .take(EXTENSIONS_SHOWN)
            .map(|(ext, n)| {
                if ext.is_empty() {
                    count_of(*n, "without extension", "without extension")
                } else {
                    format!("{} .{}", thousands(*n), String::from_utf8_lossy(ext))
                }
            })
            .collect();
        let rest: u64 =
            exts.iter().skip(EXTENSIONS_SHOWN).map(|e| e.1).sum::<u64>() + d.other_extensions;
        if rest > 0 {
            parts.push(format!("{} other", thousands(rest)));
        }
        if let Some(size) = d.size {
            parts.push(human_size(size));
        }
        let what = if d.heavy { "folded" } else { "" };
        Some(format!(
            "({}{}{}: {})",
            count_of(d.entries, "entry", "entries"),
            if what.is_empty() { "" } else { " " },
            what,
            parts.join(", ")
        ))
    }

    fn header(&self, shown: usize, all: bool, over: bool) -> String {
        let mut parts = vec![
            count_of(
                self.lines.iter().filter(|l| l.kind == Kind::Match).count() as u64,
                "entry",
                "entries",
            ),
            count_of(self.dirs.len() as u64, "directory", "directories"),
        ];
        let heavy: Vec<String> = self
            .dirs
            .iter()
            .filter(|d| d.heavy)
            .take(4)
            .map(|d| String::from_utf8_lossy(&d.path).into_owned())
            .collect();
        if !heavy.is_empty() {
            parts.push(format!("folded: {}", heavy.join(", ")));
        }
        parts.push(if all {
            format!("all {} shown", count_of(self.total_lines, "line", "lines"))
        } else {
            format!(
                "{} of {} shown",
                thousands(shown as u64),
                count_of(self.total_lines, "line", "lines")
            )
        });
        if over {
            parts.push("over budget: must-keep lines".into());
        }
        format!("[listing: {}]", parts.join(" · "))
    }
}

impl Compressor for ListingCompressor {
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32) {
        self.total_lines += 1;
        let stack = std::mem::take(&mut self.stack);
        let entry = self.read(line, &stack);
        self.stack = stack;
        if self.layout == Layout::Tree && entry.kind == Kind::Match {
            self.stack.truncate(entry.depth);
            self.stack.push(entry.name.to_vec());
        }
        if self.layout == Layout::Long && entry.kind == Kind::Heading {
            self.section = line[..line.len() - 1].to_vec();
            let dir = self.dir_of(&line[..line.len() - 1]);
            if let Some(d) = self.dirs.get_mut(dir as usize) {
                d.heading.get_or_insert(index);
            }
        }
        let full = full_path(&entry);
        let dir = match entry.kind {
            Kind::Match => self.dir_of(group_path(&entry, &full)),
            _ => NO_FILE,
        };
        self.scorer.observe(
            index,
            if entry.kind == Kind::Match {
                &full
            } else {
                line
            },
        );
        let cost = match (self.layout, entry.kind) {
            (Layout::Paths, Kind::Match) => crate::tokens::estimate(entry.name) as u32 + 2,
            (Layout::Tree, Kind::Match) => tokens.saturating_sub(3).max(2),
            _ => tokens + 1,
        };
        if let Some(d) = self.dirs.get_mut(dir as usize) {
            d.entries += 1;
            d.text_cost += u64::from(cost);
            if let Some(size) = entry.size {
                d.size = Some(d.size.unwrap_or(0) + size);
            }
            let ext = extension(entry.name);
            let room = d.extensions.len() < MAX_EXTENSIONS;
            match d.extensions.iter_mut().find(|(e, _)| e == ext) {
                Some((_, n)) => *n += 1,
                None if room => d.extensions.push((ext.to_vec(), 1)),
                None => d.other_extensions += 1,
            }
        }
        if self.lines.len() < MAX_TRACKED_LINES {
            self.lines.push(Line {
                file: dir,
                kind: entry.kind,
                cost,
                // Entries are all different: no two fold into one.
                text: hash_bytes(entry.name, u64::from(dir)),
                number: 0,
            });
        }
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        for d in &mut self.dirs {
            d.grouped = self.layout == Layout::Paths
                && worth_a_heading(d.heading_cost, d.entries, d.text_cost);
        }
        let tracked_all = self.lines.len() as u64 == self.total_lines;
        if tracked_all && self.whole_cost() <= ctx.budget {
            // Everything fits, but heavy directories still fold to their first line.
            let mut first_seen: HashSet<u32, FastBuild> = HashSet::default();
            let keep: Vec<Kept> = (0..self.total_lines)
                .filter(|&i| {
                    let l = &self.lines[i as usize];
                    !self.dirs.get(l.file as usize).is_some_and(|d| d.heavy)
                        || first_seen.insert(l.file)
                })
                .map(|index| Kept { index, note: None })
                .collect();
            let all = keep.len() as u64 == self.total_lines;
            for d in self.dirs.iter_mut().filter(|d| d.heavy) {
                d.cut = true;
                d.grouped = false;
            }
            return Selection {
                header: Some(self.header(keep.len(), all, false)),
                keep,
            };
        }
        let heading_costs = self.dirs.iter().map(|d| d.heading_cost).collect();
        let folded: Vec<bool> = self.dirs.iter().map(|d| d.heavy).collect();
        let (mut plan, relevant) = plan::choose(
            &self.lines,
            heading_costs,
            &self.scorer.ranked(),
            &folded,
            ctx.budget,
        );
        self.relevant = relevant;
        self.finish(&mut plan);
        let over = plan.picker.over_budget();
        let mut selection = plan.picker.finish(None);
        selection.header = Some(self.header(selection.keep.len(), false, over));
        selection
    }

    fn label(&self, _index: u64, line: &[u8]) -> Option<&'static str> {
        let entry = read_line(self.layout, line, &[], b"");
        match entry.kind {
            Kind::Match if heavy_prefix(&full_path(&entry)).is_some() => {
                Some("in folded directories")
            }
            Kind::Match => Some("entries"),
            Kind::Heading => Some("directories"),
            _ => None,
        }
    }

    fn show(&mut self, index: u64, line: &[u8], out: &mut Vec<u8>) {
        let stack = std::mem::take(&mut self.show_stack);
        let entry = read_line(self.layout, line, &stack, &self.show_section);
        self.show_stack = stack;
        if self.layout == Layout::Long && entry.kind == Kind::Heading {
            self.show_section = line[..line.len() - 1].to_vec();
        }
        if self.layout == Layout::Tree && entry.kind == Kind::Match {
            self.show_stack.truncate(entry.depth);
            self.show_stack.push(entry.name.to_vec());
        }
        let full = full_path(&entry);
        let dir = match entry.kind {
            Kind::Match => {
                let path = group_path(&entry, &full);
                let path = heavy_prefix(path).map_or(path, |end| &path[..end]);
                self.by_path
                    .get(&hash_bytes(path, 5))
                    .copied()
                    .unwrap_or(NO_FILE)
            }
            _ => NO_FILE,
        };
        let grouped = self.dirs.get(dir as usize).is_some_and(|d| d.grouped)
            && !self.relevant.contains(&index);
        match self.layout {
            Layout::Paths if grouped => {
                if self.open != dir {
                    out.extend_from_slice(&self.dirs[dir as usize].path);
                    out.push(b'/');
                    if let Some(summary) = self.summary(dir) {
                        out.extend_from_slice(b"  ");
                        out.extend_from_slice(summary.as_bytes());
                    }
                    out.push(b'\n');
                    self.open = dir;
                }
                // The entry's path below the heading: its name, or more under a
                // heavy directory, which groups everything beneath it.
                let below = self.dirs.get(dir as usize).map_or(0, |d| d.path.len() + 1);
                out.extend_from_slice(b"  ");
                out.extend_from_slice(line.get(below..).unwrap_or(entry.name));
            }
            Layout::Tree if entry.kind == Kind::Match => {
                out.extend(std::iter::repeat_n(b' ', 2 * entry.depth));
                out.extend_from_slice(&tree_rest(line));
            }
            _ => {
                self.open = NO_FILE;
                out.extend_from_slice(line);
            }
        }
        let heavy = self.dirs.get(dir as usize).is_some_and(|d| d.heavy);
        if !grouped && heavy && self.open != dir {
            // The one line standing for a folded directory says what it holds.
            if let Some(summary) = self.summary(dir) {
                out.extend_from_slice(b"  ");
                out.extend_from_slice(summary.as_bytes());
            }
            self.open = dir;
        }
    }
}

impl ListingCompressor {
    /// Keeps the summary lines, and one line standing for each heavy directory.
    fn finish(&mut self, plan: &mut Plan) {
        let mut heavy_seen: HashSet<u32, FastBuild> = HashSet::default();
        let mut kept_per_dir = vec![0u64; self.dirs.len()];
        for (i, l) in self.lines.iter().enumerate() {
            let index = i as u64;
            match l.kind {
                Kind::Summary => plan.picker.must(index, u64::from(l.cost), None),
                Kind::Match
                    if self.dirs.get(l.file as usize).is_some_and(|d| d.heavy)
                        && heavy_seen.insert(l.file) =>
                {
                    plan.must(index);
                }
                _ => {}
            }
        }
        for (i, l) in self.lines.iter().enumerate() {
            if plan.picker.contains(i as u64) {
                if let Some(n) = kept_per_dir.get_mut(l.file as usize) {
                    *n += 1;
                }
            }
        }
        let mut loose_per_dir = vec![(0u64, 0u64); self.dirs.len()];
        for (i, l) in self.lines.iter().enumerate() {
            if plan.picker.contains(i as u64) && !self.relevant.contains(&(i as u64)) {
                if let Some(loose) = loose_per_dir.get_mut(l.file as usize) {
                    loose.0 += 1;
                    loose.1 += u64::from(l.cost);
                }
            }
        }
        for (d, dir) in self.dirs.iter_mut().enumerate() {
            dir.cut = kept_per_dir[d] < dir.entries;
            let (loose, loose_cost) = loose_per_dir[d];
            dir.grouped = self.layout == Layout::Paths
                && worth_a_heading(dir.heading_cost, loose, loose_cost);
            if let (Some(index), true) = (dir.heading, kept_per_dir[d] > 0) {
                plan.picker.must(index, u64::from(dir.heading_cost), None);
            }
        }
    }
}

/// `dir/name` of an entry.
fn full_path(entry: &Entry) -> Vec<u8> {
    let mut full = entry.dir.clone();
    if !full.is_empty() && !full.ends_with(b"/") {
        full.push(b'/');
    }
    full.extend_from_slice(entry.name);
    full
}

/// The path an entry is grouped under: its directory, or the heavy directory it is
/// in or is (`./target` itself opens the folded `./target`).
fn group_path<'e>(entry: &'e Entry, full: &'e [u8]) -> &'e [u8] {
    match heavy_prefix(full) {
        Some(end) => &full[..end],
        None => &entry.dir,
    }
}

/// The end of the heavy directory component in `path` (`./a/node_modules`), if any.
fn heavy_prefix(path: &[u8]) -> Option<usize> {
    let mut at = 0;
    for part in path.split(|&b| b == b'/') {
        let end = at + part.len();
        if HEAVY.contains(&part) {
            return Some(end);
        }
        at = end + 1;
    }
    None
}

/// `rs` for `main.rs`; empty for `Makefile` and `.gitignore`.
fn extension(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b'.') {
        Some(0) | None => b"",
        Some(at) => &name[at + 1..],
    }
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit + 1 < UNITS.len() {
        size /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{size:.1} {}", UNITS[unit])
    }
}

/// Tree's box-drawing units: `│` or spaces (tree pads with non-breaking spaces),
/// then the branch `├── ` or `└── `.
const TREE_UNITS: &[&str] = &["│\u{a0}\u{a0} ", "│   ", "\u{a0}\u{a0}\u{a0} ", "    "];
const TREE_BRANCHES: &[&str] = &["├── ", "└── "];

/// (depth, rest) of a tree line: the depth of the entry, and the text after the
/// branch; `None` when the line has no branch (the root, the summary).
fn tree_split(line: &[u8]) -> Option<(usize, &[u8])> {
    let mut rest = line;
    let mut depth = 0;
    'units: loop {
        for unit in TREE_UNITS {
            if let Some(r) = rest.strip_prefix(unit.as_bytes()) {
                rest = r;
                depth += 1;
                continue 'units;
            }
        }
        break;
    }
    for branch in TREE_BRANCHES {
        if let Some(r) = rest.strip_prefix(branch.as_bytes()) {
            return Some((depth + 1, r));
        }
    }
    None
}

/// A tree entry without its indentation, the padding of its `[size]` column
/// folded: `[      48006]  git.rs` → `[ 48006] git.rs`.
fn tree_rest(line: &[u8]) -> Vec<u8> {
    let rest = tree_split(line).map_or(line, |(_, r)| r);
    let Some(close) = rest
        .starts_with(b"[")
        .then(|| memchr::memchr(b']', rest))
        .flatten()
    else {
        return rest.to_vec();
    };
    let inside: Vec<&[u8]> = rest[1..close]
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = b"[ ".to_vec();
    out.extend_from_slice(&inside.join(&b' '));
    out.extend_from_slice(b"] ");
    let name = &rest[close + 1..];
    out.extend_from_slice(name.strip_prefix(b"  ").unwrap_or(name));
    out
}

/// The name in a tree entry's text (after an optional `[size]` column), and the
/// size when the column is a plain number.
fn tree_name(rest: &[u8]) -> (&[u8], Option<u64>) {
    if rest.starts_with(b"[") {
        if let Some(close) = memchr::memchr(b']', rest) {
            let inside = std::str::from_utf8(&rest[1..close]).unwrap_or("").trim();
            let name = &rest[close + 1..];
            let name = name.strip_prefix(b"  ").unwrap_or(name);
            return (name, inside.parse().ok());
        }
    }
    (rest, None)
}

/// True for an `ls -l` line: a permission string, then the link count.
fn is_long_entry(line: &[u8]) -> bool {
    line.len() > 11
        && matches!(line[0], b'-' | b'd' | b'l' | b'c' | b'b' | b'p' | b's')
        && line[1..10]
            .iter()
            .all(|b| matches!(b, b'r' | b'w' | b'x' | b'-' | b's' | b'S' | b't' | b'T'))
}

fn read_line<'a>(layout: Layout, line: &'a [u8], stack: &[Vec<u8>], section: &[u8]) -> Entry<'a> {
    let plain = |kind| Entry {
        kind,
        dir: Vec::new(),
        name: line,
        size: None,
        depth: 0,
    };
    match layout {
        Layout::Paths => {
            if line.is_empty() {
                return plain(Kind::Other);
            }
            let trimmed = line.strip_suffix(b"/").unwrap_or(line);
            match trimmed.iter().rposition(|&b| b == b'/') {
                Some(at) => Entry {
                    kind: Kind::Match,
                    dir: trimmed[..at].to_vec(),
                    name: &line[at + 1..],
                    size: None,
                    depth: 0,
                },
                None => Entry {
                    kind: Kind::Match,
                    dir: Vec::new(),
                    name: line,
                    size: None,
                    depth: 0,
                },
            }
        }
        Layout::Tree => match tree_split(line) {
            Some((depth, rest)) => {
                let (name, size) = tree_name(rest);
                let parents = &stack[..(depth - 1).min(stack.len())];
                Entry {
                    kind: Kind::Match,
                    dir: parents.join(&b'/'),
                    name,
                    size,
                    depth,
                }
            }
            None if is_tree_summary(line) => plain(Kind::Summary),
            None => plain(Kind::Other),
        },
        Layout::Long => {
            if is_long_entry(line) {
                let fields: Vec<&[u8]> = line
                    .split(|&b| b == b' ')
                    .filter(|f| !f.is_empty())
                    .take(9)
                    .collect();
                let name_at = fields
                    .get(8)
                    .map_or(line.len(), |f| f.as_ptr() as usize - line.as_ptr() as usize);
                Entry {
                    kind: Kind::Match,
                    dir: section.to_vec(),
                    name: &line[name_at..],
                    size: fields
                        .get(4)
                        .and_then(|f| std::str::from_utf8(f).ok()?.parse().ok()),
                    depth: 0,
                }
            } else if line.ends_with(b":") {
                plain(Kind::Heading)
            } else if line.starts_with(b"total ") {
                plain(Kind::Summary)
            } else {
                plain(Kind::Other)
            }
        }
        Layout::Du => match memchr::memchr(b'\t', line) {
            Some(tab) => {
                let path = &line[tab + 1..];
                let at = path.iter().rposition(|&b| b == b'/');
                Entry {
                    kind: Kind::Match,
                    dir: at.map_or(Vec::new(), |at| path[..at].to_vec()),
                    name: at.map_or(path, |at| &path[at + 1..]),
                    size: None,
                    depth: 0,
                }
            }
            None => plain(Kind::Other),
        },
    }
}

/// `16 directories, 94 files` (tree's last line).
fn is_tree_summary(line: &[u8]) -> bool {
    let text = String::from_utf8_lossy(line);
    let words: Vec<&str> = text.split_whitespace().collect();
    words.len() >= 2
        && words[0].bytes().all(|b| b.is_ascii_digit())
        && words[1].starts_with("director")
}

/// The layout the first lines show, with the evidence.
fn sniff_layout(lines: &[&[u8]]) -> Option<(Layout, String)> {
    if lines.len() < 3 {
        return None;
    }
    let share = |n: usize| n as f64 / lines.len() as f64;
    let branches = lines.iter().filter(|l| tree_split(l).is_some()).count();
    if branches >= 2 && share(branches) >= 0.6 {
        return Some((
            Layout::Tree,
            format!("{branches} tree branches (`├──`, `└──`)"),
        ));
    }
    let long = lines.iter().filter(|l| is_long_entry(l)).count();
    let framing = lines
        .iter()
        .filter(|l| l.starts_with(b"total ") || (l.ends_with(b":") && !l.contains(&b' ')))
        .count();
    if long >= 3 && share(long + framing) >= 0.8 {
        return Some((
            Layout::Long,
            format!("{long} `ls -l` entries with permission strings"),
        ));
    }
    let du = lines
        .iter()
        .filter(|l| {
            memchr::memchr(b'\t', l).is_some_and(|tab| {
                tab > 0
                    && l[..tab].iter().all(|b| {
                        b.is_ascii_digit()
                            || matches!(b, b'.' | b',' | b'K' | b'M' | b'G' | b'T' | b'P' | b'k')
                    })
                    && l[0].is_ascii_digit()
            })
        })
        .count();
    if du >= 3 && share(du) >= 0.8 {
        return Some((Layout::Du, format!("{du} `du` lines (size, tab, path)")));
    }
    let paths = lines
        .iter()
        .filter(|l| {
            (l.starts_with(b"./") || l.starts_with(b"/")) && !l.contains(&b'\t') && l.len() > 2
        })
        .count();
    if paths >= 3 && share(paths) >= 0.9 {
        return Some((
            Layout::Paths,
            format!("{paths} paths, one per line (`find`)"),
        ));
    }
    // `find dir` and `fd`: relative paths under one top directory.
    let top = lines[0].split(|&b| b == b'/').next().unwrap_or_default();
    let under = lines
        .iter()
        .filter(|l| {
            l.starts_with(top)
                && (l.len() == top.len() || l.get(top.len()) == Some(&b'/'))
                && !l.iter().any(|b| matches!(b, b' ' | b'\t' | b':'))
        })
        .count();
    if !top.is_empty() && under >= 3 && share(under) >= 0.9 {
        return Some((
            Layout::Paths,
            format!(
                "{under} paths under {}, one per line",
                String::from_utf8_lossy(top)
            ),
        ));
    }
    None
}

/// The structural signature of a listing; see [`super::Signature`].
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    sniff_layout(lines).map(|(_, evidence)| evidence)
}
