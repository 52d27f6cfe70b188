//! `headroom stats`: what the stored originals say about the tokens saved.
//!
//! Every original in the store carries the metadata of the run that stored it
//! ([`EntryMeta`]): when, which content type, which command, tokens in and out. This
//! module sums them: in total, per day (UTC), per content type, per program, and the
//! commands that saved the most.
//!
//! The filter records estimated counts (it cannot afford the tokenizer); the report is
//! in exact o200k tokens. Entries without them are counted here, the original from its
//! blob and the output from the view kept beside it (or the original, when the output
//! was the input), and the counts are written back into the index, so each original
//! is tokenized once however often `stats` runs.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::Serialize;

use crate::store::{EntryMeta, ExactTokens, Hash, Store, StoreError};
use crate::tokens;

/// The commands listed in "top commands" at most.
const TOP_COMMANDS: usize = 10;

/// Longest command text shown in "top commands".
const MAX_COMMAND_CHARS: usize = 60;

/// Width of the longest bar in the terminal chart.
const BAR_WIDTH: usize = 30;

/// Sums over a group of stored originals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub runs: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub tokens_saved: u64,
    /// Runs whose counts are not exact: the original could not be read, or the view
    /// was not kept (then the view's estimate is scaled by the original's exact count
    /// over its estimate).
    pub runs_estimated: u64,
}

impl Totals {
    fn add(&mut self, meta: &EntryMeta) {
        let (tokens_in, tokens_out, exact) = match meta.exact {
            Some(ExactTokens {
                tokens_in,
                tokens_out: Some(out),
            }) => (tokens_in, out, true),
            Some(ExactTokens { tokens_in, .. }) => {
                let ratio = tokens_in as f64 / meta.tokens_in.max(1) as f64;
                (
                    tokens_in,
                    (meta.tokens_out as f64 * ratio).round() as u64,
                    false,
                )
            }
            None => (meta.tokens_in, meta.tokens_out, false),
        };
        self.runs += 1;
        self.bytes_in += meta.size;
        self.bytes_out += meta.bytes_out;
        self.tokens_in += tokens_in;
        self.tokens_out += tokens_out;
        self.tokens_saved += tokens_in.saturating_sub(tokens_out);
        self.runs_estimated += u64::from(!exact);
    }

    /// Share of the tokens saved, in percent.
    pub fn saved_pct(&self) -> f64 {
        if self.tokens_in == 0 {
            0.0
        } else {
            100.0 * self.tokens_saved as f64 / self.tokens_in as f64
        }
    }
}

/// The whole report.
#[derive(Debug, Default, Serialize)]
pub struct Stats {
    pub total: Totals,
    /// By UTC day, `YYYY-MM-DD`.
    pub per_day: BTreeMap<String, Totals>,
    pub per_type: BTreeMap<String, Totals>,
    /// By program (the command's first word; `(none)` when no command was known).
    pub per_command: BTreeMap<String, Totals>,
    /// Whole command lines, most tokens saved first.
    pub top_commands: Vec<(String, Totals)>,
}

/// Inputs bigger than this in all make `count_exact` say on a terminal that it is
/// counting: the tokenizer reads a few MB per second and core.
const ANNOUNCE_BYTES: u64 = 16 << 20;

/// Gives every entry recorded at or after `since_unix` its exact counts: those that
/// lack them are counted (on all cores, largest first) and the counts cached in the
/// index. Entries whose original cannot be read keep their estimates. A failure to
/// cache is returned beside the entries, which are complete either way.
pub fn count_exact(
    store: &Store,
    mut entries: Vec<(Hash, EntryMeta)>,
    since_unix: u64,
) -> (Vec<EntryMeta>, Option<StoreError>) {
    let mut todo: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].1.time_unix >= since_unix && entries[i].1.exact.is_none())
        .collect();
    todo.sort_by_key(|&i| std::cmp::Reverse(entries[i].1.size));
    let bytes: u64 = todo.iter().map(|&i| entries[i].1.size).sum();
    if bytes > ANNOUNCE_BYTES && std::io::stderr().is_terminal() {
        eprintln!(
            "headroom stats: counting the exact tokens of {} runs ({} MB), once",
            todo.len(),
            bytes >> 20
        );
    }
    let next = AtomicUsize::new(0);
    let counted = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers.min(todo.len()) {
            scope.spawn(|| {
                while let Some(&i) = todo.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let (hash, meta) = &entries[i];
                    if let Some(exact) = exact_counts(store, hash, meta) {
                        counted
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((i, exact));
                    }
                }
            });
        }
    });
    let counted = counted.into_inner().unwrap_or_else(|e| e.into_inner());
    let updates: Vec<(Hash, EntryMeta, EntryMeta)> = counted
        .iter()
        .map(|&(i, exact)| {
            let (hash, seen) = &entries[i];
            let updated = EntryMeta {
                exact: Some(exact),
                ..seen.clone()
            };
            (*hash, seen.clone(), updated)
        })
        .collect();
    let cache_error = if updates.is_empty() {
        None
    } else {
        store.update_metas(&updates).err()
    };
    for (i, exact) in counted {
        entries[i].1.exact = Some(exact);
    }
    (entries.into_iter().map(|(_, m)| m).collect(), cache_error)
}

/// Exact counts of one run: the original's, and the output's from the kept view, or
/// the original's when the output was the input.
fn exact_counts(store: &Store, hash: &Hash, meta: &EntryMeta) -> Option<ExactTokens> {
    let tokens_in = tokens::exact_bytes(&store.read(hash).ok()?)?;
    let tokens_out = match &meta.view {
        Some(view) => Hash::from_hex(view)
            .and_then(|view| store.read(&view).ok())
            .and_then(|bytes| tokens::exact_bytes(&bytes)),
        None if meta.bytes_out == meta.size => Some(tokens_in),
        None => None,
    };
    Some(ExactTokens {
        tokens_in,
        tokens_out,
    })
}

/// Sums `entries` recorded at or after `since_unix`.
pub fn summarize(entries: &[EntryMeta], since_unix: u64) -> Stats {
    let mut stats = Stats::default();
    let mut by_line: BTreeMap<String, Totals> = BTreeMap::new();
    for meta in entries.iter().filter(|m| m.time_unix >= since_unix) {
        stats.total.add(meta);
        stats
            .per_day
            .entry(day(meta.time_unix))
            .or_default()
            .add(meta);
        stats
            .per_type
            .entry(meta.content_type.clone())
            .or_default()
            .add(meta);
        let command = meta
            .command
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let program = command
            .and_then(|c| c.split_whitespace().next())
            .unwrap_or("(none)");
        stats
            .per_command
            .entry(program.to_string())
            .or_default()
            .add(meta);
        if let Some(command) = command {
            let shown: String = command.chars().take(MAX_COMMAND_CHARS).collect();
            by_line.entry(shown).or_default().add(meta);
        }
    }
    let mut top: Vec<(String, Totals)> = by_line.into_iter().collect();
    top.sort_by(|a, b| b.1.tokens_saved.cmp(&a.1.tokens_saved).then(a.0.cmp(&b.0)));
    top.truncate(TOP_COMMANDS);
    stats.top_commands = top;
    stats
}

/// `YYYY-MM-DD` of a Unix time, in UTC (civil-from-days, Howard Hinnant's algorithm).
fn day(unix: u64) -> String {
    let days = (unix / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The report for a terminal: totals, then each grouping as rows with a bar of the
/// tokens saved.
pub fn render(stats: &Stats) -> String {
    use crate::marker::thousands;
    let t = &stats.total;
    let mut out = format!(
        "{} runs: {} → {} tokens, {} saved ({:.1}%); {} → {} bytes\n",
        thousands(t.runs),
        thousands(t.tokens_in),
        thousands(t.tokens_out),
        thousands(t.tokens_saved),
        t.saved_pct(),
        thousands(t.bytes_in),
        thousands(t.bytes_out),
    );
    let sections: [(&str, Vec<(&String, &Totals)>); 4] = [
        ("per day", stats.per_day.iter().collect()),
        ("per content type", stats.per_type.iter().collect()),
        ("per command", stats.per_command.iter().collect()),
        (
            "top commands by tokens saved",
            stats.top_commands.iter().map(|(c, t)| (c, t)).collect(),
        ),
    ];
    for (title, rows) in sections {
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}\n"));
        let most = rows
            .iter()
            .map(|(_, t)| t.tokens_saved)
            .max()
            .unwrap_or(0)
            .max(1);
        let width = rows
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        for (key, t) in rows {
            let bar = (t.tokens_saved as usize * BAR_WIDTH).div_ceil(most as usize);
            out.push_str(&format!(
                "  {key:<width$}  {:>6} runs  {:>12} saved {:>5.1}%  {}\n",
                thousands(t.runs),
                thousands(t.tokens_saved),
                t.saved_pct(),
                "█".repeat(bar),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(time_unix: u64, kind: &str, command: Option<&str>, tokens: (u64, u64)) -> EntryMeta {
        EntryMeta {
            time_unix,
            size: tokens.0 * 4,
            content_type: kind.into(),
            command: command.map(str::to_string),
            bytes_out: tokens.1 * 4,
            tokens_in: tokens.0,
            tokens_out: tokens.1,
            ..EntryMeta::default()
        }
    }

    #[test]
    fn days_are_utc_calendar_dates() {
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(951_782_400), "2000-02-29");
        assert_eq!(day(1_795_305_599), "2026-11-21");
        assert_eq!(day(1_795_305_600), "2026-11-22");
    }

    #[test]
    fn groups_sum_and_since_filters() {
        let entries = [
            entry(86_400, "log", Some("docker logs api"), (1000, 100)),
            entry(86_400 + 5, "test", Some("cargo test"), (3000, 500)),
            entry(2 * 86_400, "test", Some("cargo test -q"), (2000, 2500)),
            entry(10, "json", None, (900, 100)),
        ];
        let stats = summarize(&entries, 86_400);
        assert_eq!(stats.total.runs, 3);
        assert_eq!(stats.total.tokens_saved, 900 + 2500);
        let test = &stats.per_type["test"];
        assert_eq!(
            (
                test.runs,
                test.tokens_in,
                test.tokens_out,
                test.tokens_saved
            ),
            (2, 5000, 3000, 2500)
        );
        assert_eq!(stats.per_command["cargo"].runs, 2);
        assert_eq!(stats.per_day["1970-01-02"].tokens_saved, 3400);
        assert_eq!(stats.top_commands[0].0, "cargo test");
        assert!(!stats.per_type.contains_key("json"));
        assert!(render(&stats).contains("per content type"));
    }
}
