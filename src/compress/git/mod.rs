//! git's own listings: `git log` (any format), `git status`, `git blame`.
//!
//! Each has its own view (see the submodules); the first block of the input says
//! which one reads it. [`commit`] and [`query`] are shared with the diff family,
//! which reads the same commit headers in `git show` and `git log -p`.

mod blame;
pub mod commit;
mod log;
pub mod query;
mod status;

use super::Compressor;
use crate::relevance::Query;

/// The structural signature of this family; see [`super::Signature`].
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    log::sniff(lines)
        .or_else(|| status::sniff(lines))
        .or_else(|| blame::sniff(lines))
}

/// The view for git output whose first block is `lines`, when it is one this
/// family reads.
pub fn compressor(query: &Query, lines: &[&[u8]]) -> Option<Box<dyn Compressor>> {
    if log::sniff(lines).is_some() {
        let multi_line = lines
            .iter()
            .any(|l| commit::commit_line(&l[commit::graph_prefix_len(l)..]).is_some());
        return Some(Box::new(log::LogView::new(query, !multi_line)));
    }
    if status::sniff(lines).is_some() {
        return Some(Box::new(status::StatusView::new(query)));
    }
    if blame::sniff(lines).is_some() {
        return Some(Box::new(blame::BlameView::new(query)));
    }
    None
}
