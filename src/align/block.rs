//! Moving dynamic spans to the end of a prompt, so its prefix stays byte-stable.
//!
//! Each span becomes a placeholder, `{{date-1}}`, and its value goes to a block that
//! closes the prompt:
//!
//! ```text
//! …Today's date is {{date-1}}.
//!
//! <dynamic-context>
//! {{date-1}} = 2026-05-11
//! </dynamic-context>
//! ```
//!
//! The same value gets the same placeholder. The block goes before the prompt's
//! trailing whitespace, so the prompt reads back exactly by substituting each value
//! for its placeholder and dropping the block. Only the text before a block is
//! searched, so a second fix changes nothing; one after an edit adds to the block.

use super::detect::{self, Span};

/// Opens the block; the blank line keeps it apart from the prompt.
pub const OPEN: &str = "\n\n<dynamic-context>\n";
pub const CLOSE: &str = "</dynamic-context>";

/// A prompt cut into the text that is searched, its block's entries and its
/// trailing whitespace: `body + OPEN + entries + CLOSE + tail` (or `body + tail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts<'a> {
    pub body: &'a str,
    /// `(placeholder name, value)`, in block order.
    pub entries: Vec<(&'a str, &'a str)>,
    pub tail: &'a str,
}

/// Splits `text`; a block that does not parse is part of the body.
pub fn split(text: &str) -> Parts<'_> {
    let trimmed = text.trim_end();
    let tail = &text[trimmed.len()..];
    let whole = Parts {
        body: trimmed,
        entries: Vec::new(),
        tail,
    };
    let Some(inside) = trimmed.strip_suffix(CLOSE) else {
        return whole;
    };
    let Some(open) = inside.rfind(OPEN) else {
        return whole;
    };
    let entries: Option<Vec<_>> = inside[open + OPEN.len()..]
        .split_terminator('\n')
        .map(|line| {
            let rest = line.strip_prefix("{{")?;
            let (name, value) = rest.split_once("}} = ")?;
            Some((name, value))
        })
        .collect();
    match entries {
        Some(entries) if !entries.is_empty() && inside.ends_with('\n') => Parts {
            body: &inside[..open],
            entries,
            tail,
        },
        _ => whole,
    }
}

/// The placeholder written for `name`.
pub fn placeholder(name: &str) -> String {
    format!("{{{{{name}}}}}")
}

/// The dynamic spans of a prompt's body (its block and trailing whitespace excluded),
/// with ranges in the whole text.
pub fn spans(text: &str) -> Vec<Span> {
    detect::find(split(text).body)
}

/// `text` with its dynamic spans moved to the block, and how many were moved; `None`
/// when there are none.
///
/// Moving a span can reveal another: in `…490Z2026-05-11` the date is not a word of
/// its own until the timestamp before it becomes `{{timestamp-1}}`. So spans are
/// moved until none is left (a few rounds at most: each round moves one or more).
pub fn fix(text: &str) -> Option<(String, usize)> {
    let mut fixed: Option<(String, usize)> = None;
    for _ in 0..8 {
        let current = fixed.as_ref().map_or(text, |(t, _)| t.as_str());
        match fix_once(current) {
            Some((next, n)) => {
                let moved = fixed.as_ref().map_or(0, |(_, m)| *m);
                fixed = Some((next, moved + n));
            }
            None => break,
        }
    }
    fixed
}

fn fix_once(text: &str) -> Option<(String, usize)> {
    let parts = split(text);
    let found = detect::find(parts.body);
    if found.is_empty() {
        return None;
    }
    let mut entries: Vec<(String, String)> = parts
        .entries
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let mut body = String::with_capacity(parts.body.len());
    let mut at = 0;
    for span in &found {
        let value = &parts.body[span.range.clone()];
        let kind = span.kind.name();
        let same = entries
            .iter()
            .find(|(n, v)| v == value && n.rsplit_once('-').is_some_and(|(k, _)| k == kind));
        let name = match same {
            Some((name, _)) => name.clone(),
            None => {
                // A placeholder the prompt already spells is not taken.
                let name = (1..)
                    .map(|n| format!("{kind}-{n}"))
                    .find(|name| {
                        !entries.iter().any(|(n, _)| n == name)
                            && !parts.body.contains(&placeholder(name))
                    })
                    .unwrap_or_default();
                entries.push((name.clone(), value.to_string()));
                name
            }
        };
        body.push_str(&parts.body[at..span.range.start]);
        body.push_str(&placeholder(&name));
        at = span.range.end;
    }
    body.push_str(&parts.body[at..]);
    body.push_str(OPEN);
    for (name, value) in &entries {
        body.push_str(&format!("{} = {value}\n", placeholder(name)));
    }
    body.push_str(CLOSE);
    body.push_str(parts.tail);
    Some((body, found.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_values_to_the_block_and_reuses_placeholders() {
        let text =
            "Today is 2026-05-11 (2026-05-11), session 019e1625-789d-76c0-80ab-3724b5ddb799.\n";
        let (fixed, moved) = fix(text).unwrap();
        assert_eq!(moved, 3);
        assert_eq!(
            fixed,
            "Today is {{date-1}} ({{date-1}}), session {{uuid-1}}.\n\n<dynamic-context>\n\
             {{date-1}} = 2026-05-11\n{{uuid-1}} = 019e1625-789d-76c0-80ab-3724b5ddb799\n\
             </dynamic-context>\n"
        );
        assert_eq!(fix(&fixed), None, "a second fix changes nothing");
        let parts = split(&fixed);
        assert_eq!(
            parts.body,
            "Today is {{date-1}} ({{date-1}}), session {{uuid-1}}."
        );
        assert_eq!(parts.tail, "\n");
        assert_eq!(parts.entries.len(), 2);
    }

    #[test]
    fn an_edit_after_a_fix_adds_to_the_block() {
        let (fixed, _) = fix("on 2026-05-11").unwrap();
        let edited = fixed.replacen("on ", "from 2026-05-12 on ", 1);
        let (again, moved) = fix(&edited).unwrap();
        assert_eq!(moved, 1);
        assert!(again.starts_with("from {{date-2}} on {{date-1}}\n\n<dynamic-context>\n{{date-1}} = 2026-05-11\n{{date-2}} = 2026-05-12\n"), "{again}");
    }

    #[test]
    fn a_placeholder_the_prompt_spells_is_skipped() {
        let (fixed, _) = fix("template {{date-1}} then 2026-05-11").unwrap();
        assert!(
            fixed.starts_with("template {{date-1}} then {{date-2}}"),
            "{fixed}"
        );
    }

    #[test]
    fn a_span_revealed_by_moving_another_is_moved_too() {
        let (fixed, moved) = fix("2026-05-11T08:27:17.490Z2026-05-11").unwrap();
        assert_eq!(moved, 2);
        assert!(fixed.starts_with("{{timestamp-1}}{{date-1}}\n"), "{fixed}");
        assert_eq!(fix(&fixed), None);
    }

    #[test]
    fn text_that_only_looks_like_a_block_is_searched() {
        let text = "x\n\n<dynamic-context>\nnot an entry 2026-05-11\n</dynamic-context>";
        assert_eq!(split(text).body, text);
        assert_eq!(spans(text).len(), 1);
    }
}
