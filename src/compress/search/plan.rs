//! A selection of lines being built, shared by the search and listing views: lines
//! belong to groups (a file, a directory) shown under one heading, and keeping a line
//! costs what it really adds to the view.

use std::collections::{HashMap, HashSet};

use super::format::Kind;
use super::{Line, CONTEXT_AROUND};
use crate::compress::Picker;
use crate::hash::FastBuild;

/// Lines the per-group rounds aim at in all: the per-group cap is this shared out…
const TARGET_LINES: usize = 60;
/// …but never fewer than this per file…
const MIN_PER_GROUP: usize = 2;
/// …nor more.
const MAX_PER_GROUP: usize = 8;
/// Query lines kept whatever the budget, while they score at least this share of
/// the best line.
const MAX_QUERY_MUST: usize = 16;
const QUERY_SHARE: f64 = 0.5;
/// Query lines of one template kept before the rest fold into them: each is a
/// different place, but thirty alike say no more than three.
const MAX_SIMILAR_QUERY_LINES: usize = 3;
/// Further query lines offered, best first, while they score at least that share.
const MAX_QUERY_OFFERED: usize = 48;
/// Query lines offered after every group has its first line score at least this
/// share of the best line: a question in several parts matches each answer with
/// only some of its words.
const OFFER_SHARE: f64 = 0.2;
/// Share of the budget the groups' first lines may take.
const FIRST_ROUND_SHARE: f64 = 0.5;
/// Estimated tokens of one marker line.
const MARKER_COST: u64 = 30;

/// A selection being built: the picker, charged for what a kept line really adds to
/// the view (its file's heading when it is the file's first, and a marker when it
/// splits a run of left-out lines), and the templates already shown.
pub struct Plan {
    pub picker: Picker,
    /// Tokens charged so far.
    spent: u64,
    shown_files: HashSet<u32, FastBuild>,
    /// Kept lines per template.
    shown_templates: HashMap<u64, usize, FastBuild>,
    /// (index, file, cost, template) of the tracked lines, looked up by index.
    lines: Vec<Line>,
    heading_costs: Vec<u32>,
}

impl Plan {
    pub fn new(lines: &[Line], heading_costs: Vec<u32>, budget: u64) -> Plan {
        Plan {
            picker: Picker::new(budget),
            spent: 0,
            shown_files: HashSet::default(),
            shown_templates: HashMap::default(),
            lines: lines.to_vec(),
            heading_costs,
        }
    }

    pub fn new_template(&self, index: u64) -> bool {
        self.shown_like(index) == 0
    }

    /// Kept lines with the same template as `index`.
    pub fn shown_like(&self, index: u64) -> usize {
        self.lines
            .get(index as usize)
            .and_then(|l| self.shown_templates.get(&l.text))
            .copied()
            .unwrap_or(0)
    }

    /// What keeping `index` adds to the view, in tokens.
    pub fn cost(&self, index: u64) -> u64 {
        let Some(line) = self.lines.get(index as usize) else {
            return MARKER_COST;
        };
        let mut cost = u64::from(line.cost);
        if !self.shown_files.contains(&line.file) {
            cost += self
                .heading_costs
                .get(line.file as usize)
                .map_or(0, |&c| u64::from(c));
        }
        let joined =
            (index > 0 && self.picker.contains(index - 1)) || self.picker.contains(index + 1);
        if !joined {
            cost += MARKER_COST;
        }
        cost
    }

    pub fn note_kept(&mut self, index: u64) {
        if let Some(line) = self.lines.get(index as usize) {
            self.shown_files.insert(line.file);
            *self.shown_templates.entry(line.text).or_default() += 1;
        }
    }

    pub fn must(&mut self, index: u64) {
        let cost = self.cost(index);
        self.spent += cost;
        self.picker.must(index, cost, None);
        self.note_kept(index);
        self.context(index);
    }

    pub fn offer(&mut self, index: u64) -> bool {
        let cost = self.cost(index);
        if !self.picker.offer(index, cost, None) {
            return false;
        }
        self.spent += cost;
        self.note_kept(index);
        self.context(index);
        true
    }

    /// Keeps the context lines next to a kept match, within its file.
    pub fn context(&mut self, index: u64) {
        let Some(&line) = self.lines.get(index as usize) else {
            return;
        };
        let around = |lines: &[Line], i: u64| {
            lines
                .get(i as usize)
                .filter(|l| {
                    let distance = u64::from(l.number.abs_diff(line.number));
                    l.kind == Kind::Context
                        && l.file == line.file
                        && (line.number == 0 || distance == i.abs_diff(index))
                })
                .map(|l| u64::from(l.cost))
        };
        for i in (index + 1..).take(CONTEXT_AROUND) {
            let Some(cost) = around(&self.lines, i) else {
                break;
            };
            self.picker.must(i, cost, None);
        }
        for i in (index.saturating_sub(CONTEXT_AROUND as u64)..index).rev() {
            let Some(cost) = around(&self.lines, i) else {
                break;
            };
            self.picker.must(i, cost, None);
        }
    }
}

/// Chooses the lines of a view over budget, in this order until the budget is spent:
/// 1. the lines that best match the query (`ranked`, best first), with their
///    context: must-keep, a few of each template;
/// 2. every group (file, directory) not `folded`, best-matching first, gets its best
///    line (so one group with 300 lines cannot hide the 17 elsewhere), while no more
///    than a share of the budget is spent, since a listing of 2,000 directories
///    cannot show them all;
/// 3. further lines that match the query well;
/// 4. more lines per group, unlike those already shown, up to a per-group cap.
///
/// Returns the plan and the lines kept for the query.
pub fn choose(
    lines: &[Line],
    heading_costs: Vec<u32>,
    ranked: &[(f64, u64)],
    folded: &[bool],
    budget: u64,
) -> (Plan, HashSet<u64, FastBuild>) {
    let heading_count = heading_costs.len();
    let mut relevant: HashSet<u64, FastBuild> = HashSet::default();
    let mut plan = Plan::new(lines, heading_costs, budget);

    // 1. The query's best lines, with their context: must-keep.
    let best = ranked.first().map_or(0.0, |r| r.0);
    let mut file_score = vec![0.0f64; heading_count];
    let mut candidates: Vec<Vec<u64>> = vec![Vec::new(); heading_count];
    let mut strong = 0;
    for &(score, index) in ranked {
        let Some(line) = lines.get(index as usize) else {
            continue;
        };
        if !matches!(line.kind, Kind::Match | Kind::Context | Kind::Other) {
            continue;
        }
        if let Some(list) = candidates.get_mut(line.file as usize) {
            if list.len() < 4 * MAX_PER_GROUP {
                list.push(index);
            }
            file_score[line.file as usize] = file_score[line.file as usize].max(score);
        }
        if strong < MAX_QUERY_MUST
            && score >= QUERY_SHARE * best
            && plan.shown_like(index) < MAX_SIMILAR_QUERY_LINES
        {
            strong += 1;
            plan.must(index);
            relevant.insert(index);
        }
    }

    // 2. Every group, best first.
    for (i, l) in lines.iter().enumerate() {
        if let Some(list) = candidates.get_mut(l.file as usize) {
            if l.kind == Kind::Match
                && list.len() < 4 * MAX_PER_GROUP
                && !list.contains(&(i as u64))
            {
                list.push(i as u64);
            }
        }
    }
    let mut order: Vec<u32> = (0..heading_count as u32).collect();
    order.sort_by(|&a, &b| {
        file_score[b as usize]
            .total_cmp(&file_score[a as usize])
            .then(a.cmp(&b))
    });
    let per_group = (TARGET_LINES / heading_count.max(1)).clamp(MIN_PER_GROUP, MAX_PER_GROUP);
    let groups: Vec<u32> = order.into_iter().filter(|&f| !folded[f as usize]).collect();
    // Every group's best line, while a share of the budget is left for the query.
    for &group in &groups {
        if plan.spent >= (FIRST_ROUND_SHARE * budget as f64) as u64 {
            break;
        }
        let list = &candidates[group as usize];
        if list.iter().any(|&i| plan.picker.contains(i)) {
            continue;
        }
        // A group's first line need not be new.
        let first = list
            .iter()
            .find(|&&i| plan.new_template(i))
            .or(list.first());
        if let Some(&index) = first {
            plan.offer(index);
        }
    }

    // 3. Further query lines.
    let query_lines = ranked
        .iter()
        .take(MAX_QUERY_OFFERED)
        .take_while(|r| r.0 >= OFFER_SHARE * best);
    for &(_, index) in query_lines {
        if plan.shown_like(index) < MAX_SIMILAR_QUERY_LINES && plan.offer(index) {
            relevant.insert(index);
        }
    }

    // 4. More lines per group, unlike those already shown, up to the cap.
    'groups: for &group in &groups {
        let list = &candidates[group as usize];
        let mut taken = list.iter().filter(|&&i| plan.picker.contains(i)).count();
        for &index in list {
            if taken >= per_group {
                break;
            }
            if plan.picker.contains(index) || !plan.new_template(index) {
                continue;
            }
            if !plan.offer(index) {
                break 'groups;
            }
            taken += 1;
        }
    }
    // Every kept line that matches the query well is shown whole, however it came in.
    for &(_, index) in ranked.iter().take_while(|r| r.0 >= OFFER_SHARE * best) {
        if plan.picker.contains(index) {
            relevant.insert(index);
        }
    }
    (plan, relevant)
}
