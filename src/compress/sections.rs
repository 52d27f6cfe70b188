//! Output of a script that runs several tools in a row, split into sections at the
//! shell prompts it echoes (`$ git status`, `$ cargo test`), each section read by the
//! compressor its own command (or, failing that, its own first lines) calls for.
//!
//! Every prompt line is kept, carrying its section's header as a note; the budget is
//! shared among sections in proportion to their size. Sections see their own lines
//! numbered from 0, so each compressor works as it would on that command alone.

use super::{for_type, Compressor, Context, Selection};
use crate::detect::{self, ContentType};
use crate::relevance::Query;

/// Lines of a section buffered before its compressor is made: to sniff its type
/// when its command says nothing, and as the first block compressors look at.
const SNIFF_LINES: usize = 40;
/// Prompts in the first lines that make an input a series of sections.
const MIN_PROMPTS: usize = 2;
/// Each section's budget is at least this share of the whole.
const MIN_SHARE: f64 = 0.1;

/// The command a prompt line runs: `$ git diff` → `git diff`.
fn prompt(line: &[u8]) -> Option<&str> {
    let rest = line.strip_prefix(b"$ ")?;
    let cmd = std::str::from_utf8(rest).ok()?.trim();
    (!cmd.is_empty()).then_some(cmd)
}

/// The structural signature: at least two prompt lines, the first one first.
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    let first = prompt(lines.first()?)?;
    let prompts = lines.iter().filter(|l| prompt(l).is_some()).count();
    (prompts >= MIN_PROMPTS)
        .then(|| format!("{prompts} shell prompts in the first lines, the first `$ {first}`"))
}

/// One section: its prompt line, its compressor, and its size.
struct Section {
    /// Index of the prompt line (the section's lines follow it).
    start: u64,
    command: String,
    kind: Option<ContentType>,
    compressor: Option<Box<dyn Compressor>>,
    /// The first lines while the type is not known yet.
    pending: Vec<(Vec<u8>, u32)>,
    tokens: u64,
    lines: u64,
}

/// The sections compressor; see the module documentation.
pub struct SectionsCompressor {
    query: Query,
    sections: Vec<Section>,
    /// Lines before the first prompt, if any, go to a text section.
    current: Option<usize>,
}

impl SectionsCompressor {
    pub fn new(query: &Query) -> SectionsCompressor {
        SectionsCompressor {
            query: query.clone(),
            sections: Vec::new(),
            current: None,
        }
    }

    fn open(&mut self, start: u64, command: String) {
        self.flush_pending();
        let kind = detect::route_command(&command).map(|d| d.kind);
        self.sections.push(Section {
            start,
            command,
            kind,
            compressor: None,
            pending: Vec::new(),
            tokens: 0,
            lines: 0,
        });
        self.current = Some(self.sections.len() - 1);
    }

    /// Makes the current section's compressor, for the type its command names or
    /// else its buffered first lines show (compressors also read those first lines),
    /// and feeds it the buffered lines.
    fn flush_pending(&mut self) {
        let Some(section) = self.current.map(|c| &mut self.sections[c]) else {
            return;
        };
        if section.compressor.is_some() {
            return;
        }
        let head: Vec<u8> = section
            .pending
            .iter()
            .flat_map(|(l, _)| l.iter().copied().chain([b'\n']))
            .collect();
        let kind = match section
            .kind
            .unwrap_or_else(|| detect::sniff_lines(&head).kind)
        {
            ContentType::Mixed => ContentType::Text,
            kind => kind,
        };
        let command = (!section.command.is_empty()).then_some(section.command.as_str());
        let mut compressor = for_type(kind, &self.query, &head, command);
        for (i, (line, tokens)) in std::mem::take(&mut section.pending).iter().enumerate() {
            compressor.observe(i as u64, line, *tokens);
        }
        section.kind = Some(kind);
        section.compressor = Some(compressor);
    }

    /// The section holding line `index` (a prompt belongs to the section it opens).
    fn section_of(&self, index: u64) -> Option<&Section> {
        let at = self.sections.partition_point(|s| s.start <= index);
        self.sections.get(at.checked_sub(1)?)
    }
}

impl Compressor for SectionsCompressor {
    fn observe(&mut self, index: u64, line: &[u8], tokens: u32) {
        if let Some(command) = prompt(line) {
            self.open(index, command.to_string());
            return;
        }
        if self.current.is_none() {
            self.open(index, String::new());
            // Lines before any prompt: the section starts at the line itself.
            self.sections.last_mut().expect("just opened").start = index;
        }
        let c = self.current.expect("a section is open");
        let section = &mut self.sections[c];
        section.tokens += u64::from(tokens);
        let local = section.lines;
        section.lines += 1;
        match &mut section.compressor {
            Some(compressor) => compressor.observe(local, line, tokens),
            None => {
                section.pending.push((line.to_vec(), tokens));
                if section.pending.len() >= SNIFF_LINES {
                    self.flush_pending();
                }
            }
        }
    }

    fn select(&mut self, ctx: &Context) -> Selection {
        self.flush_pending();
        let total: u64 = self.sections.iter().map(|s| s.tokens).sum::<u64>().max(1);
        let mut keep = Vec::new();
        let mut kinds: Vec<&str> = Vec::new();
        for section in &mut self.sections {
            let Some(compressor) = section.compressor.as_mut() else {
                continue;
            };
            let share = (section.tokens as f64 / total as f64).max(MIN_SHARE);
            let budget = (ctx.budget as f64 * share) as u64;
            let chosen = compressor.select(&Context {
                query: ctx.query,
                budget,
            });
            // A prompt line opens each section (not the lines before any prompt).
            let has_prompt = !section.command.is_empty();
            let offset = section.start + u64::from(has_prompt);
            if has_prompt {
                keep.push(super::Kept {
                    index: section.start,
                    note: chosen.header.clone(),
                });
            }
            keep.extend(chosen.keep.into_iter().map(|k| super::Kept {
                index: k.index + offset,
                note: k.note,
            }));
            let name = section.kind.map_or("text", ContentType::name);
            if !kinds.contains(&name) {
                kinds.push(name);
            }
        }
        keep.sort_by_key(|k| k.index);
        Selection {
            header: Some(format!(
                "[mixed: {} sections · {}]",
                self.sections.len(),
                kinds.join(", ")
            )),
            keep,
        }
    }

    fn label(&self, index: u64, line: &[u8]) -> Option<&str> {
        let section = self.section_of(index)?;
        let offset = section.start + u64::from(!section.command.is_empty());
        section
            .compressor
            .as_ref()?
            .label(index.checked_sub(offset)?, line)
    }

    fn show(&mut self, index: u64, line: &[u8], out: &mut Vec<u8>) {
        let at = self.sections.partition_point(|s| s.start <= index);
        let Some(section) = at.checked_sub(1).map(|a| &mut self.sections[a]) else {
            out.extend_from_slice(line);
            return;
        };
        let offset = section.start + u64::from(!section.command.is_empty());
        match (index.checked_sub(offset), section.compressor.as_mut()) {
            (Some(local), Some(compressor)) => compressor.show(local, line, out),
            _ => out.extend_from_slice(line),
        }
    }
}
