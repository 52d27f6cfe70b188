//! What an outline may fold in one parsed source file: function bodies and comment
//! blocks, as row ranges. Everything else (imports, type definitions, signatures,
//! constants, module-level statements) is never a candidate, so it always stays.
//!
//! The walk descends through every node except a function, whose body is either one
//! fold or, when most of it is itself functions (a module pattern, a component
//! object, a class built in a factory), a container walked like the file itself.

use std::sync::OnceLock;

use regex::bytes::Regex;
use tree_sitter::{Node, Parser, Tree};

use crate::pattern::regex;

use super::language::Language;

/// A body folds only when it hides at least this many lines: a marker costs about
/// as much as three lines of code, and a shorter fold saves little and costs the
/// reader a round trip.
pub const MIN_FOLD_LINES: usize = 5;

/// A comment block folds (all but its summary and tagged lines) from this many lines.
const MIN_COMMENT_LINES: usize = 4;

/// A function body whose nested functions cover at least this share of its lines is
/// walked as a container instead of folded whole.
const CONTAINER_SHARE: f64 = 0.5;

/// Function nesting followed at most; deeper bodies fold whole (bounds the stack).
const MAX_NESTING: usize = 48;

/// Words that keep a comment line in view: the reader must see them before editing.
const TAGS: &str = "TODO|FIXME|SAFETY|NOTE|XXX|HACK";

/// Nodes spanning fewer rows than this are not descended into: they can hold no
/// foldable body and no foldable comment block (a walk into every expression of a
/// 10,000-line file was a fifth of the time spent after the parse).
const MIN_DESCEND_ROWS: usize = if MIN_FOLD_LINES < MIN_COMMENT_LINES {
    MIN_FOLD_LINES
} else {
    MIN_COMMENT_LINES
};

/// A function body the outline may fold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The item's name (`forward`, `MakeRoomForWrite`), when it has one.
    pub name: Option<String>,
    /// The item's first row (its signature, decorators included).
    pub item_start: usize,
    /// Rows hidden when folded, inclusive.
    pub first: usize,
    pub last: usize,
}

/// What the outline may fold, in a file that parsed without errors.
#[derive(Debug, Default)]
pub struct Foldable {
    /// Bodies in source order, never overlapping.
    pub bodies: Vec<Body>,
    /// Comment rows that fold (summary and tagged lines already left out).
    pub comment_rows: Vec<usize>,
}

/// Error nodes spanning more rows than this mean the structure itself is broken.
const MAX_ERROR_ROWS: usize = 2;

/// Parses `source` as `lang` (or its sibling grammar when `lang` reports errors) and
/// finds what may fold; `None` when the file must pass through whole: it does not
/// parse cleanly in a body it would fold, a node is missing (a truncated file), or
/// an error is large or runs to the end of the file. Small errors elsewhere (a macro
/// the grammar does not know, such as `GUARDED_BY(mu)` in a struct or `INLINE`
/// before a C function) only stay in view, as all lines outside folds do.
pub fn outline(source: &[u8], lang: Language) -> Option<(Language, Foldable)> {
    let mut parser = Parser::new();
    let mut parse = |lang: Language| {
        parser.set_language(&lang.grammar()).ok()?;
        parser.parse(source, None).map(|tree| (lang, tree))
    };
    let (lang, tree) = match parse(lang)? {
        clean if !clean.1.root_node().has_error() => clean,
        broken => lang
            .sibling()
            .and_then(&mut parse)
            .filter(|(_, tree)| !tree.root_node().has_error())
            .unwrap_or(broken),
    };
    let errors = error_rows(&tree, source)?;
    let found = foldable(&tree, source, lang);
    let in_fold = |&(first, last): &(usize, usize)| {
        found
            .bodies
            .iter()
            .any(|b| first <= b.last && last >= b.first)
    };
    (!errors.iter().any(in_fold)).then_some((lang, found))
}

/// Row spans of the tree's error nodes; `None` when one is missing, large, or runs
/// to the end of the file.
fn error_rows(tree: &Tree, source: &[u8]) -> Option<Vec<(usize, usize)>> {
    let end = tree.root_node().end_byte();
    let content_end = source.trim_ascii_end().len();
    let mut rows = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if !node.has_error() {
            continue;
        }
        if node.is_missing() {
            return None;
        }
        if node.is_error() {
            let (first, last) = (node.start_position().row, node.end_position().row);
            if last - first > MAX_ERROR_ROWS || node.end_byte().min(end) >= content_end {
                return None;
            }
            rows.push((first, last));
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    Some(rows)
}

/// The folds a parsed file offers.
fn foldable(tree: &Tree, source: &[u8], lang: Language) -> Foldable {
    let mut walk = Walk {
        source,
        lang,
        functions: lang.function_kinds(),
        comments: Vec::new(),
    };
    let bodies = walk.container(tree.root_node(), 0);
    let comment_rows = walk.comment_rows();
    Foldable {
        bodies,
        comment_rows,
    }
}

struct Walk<'a> {
    source: &'a [u8],
    lang: Language,
    functions: &'static [&'static str],
    /// Row ranges of comments that start their line, in the order met.
    comments: Vec<(usize, usize)>,
}

impl Walk<'_> {
    /// The bodies under `node`, which is walked as a container: every node is
    /// descended into except functions, which are handed to [`Walk::function`].
    fn container(&mut self, node: Node, depth: usize) -> Vec<Body> {
        let mut bodies = Vec::new();
        let mut cursor = node.walk();
        let mut descend = true;
        loop {
            if descend && cursor.goto_first_child() {
                let child = cursor.node();
                descend = self.visit(child, depth, &mut bodies);
                continue;
            }
            loop {
                if cursor.node() == node {
                    return bodies;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return bodies;
                }
            }
            let sibling = cursor.node();
            descend = self.visit(sibling, depth, &mut bodies);
        }
    }

    /// Looks at one node met in a container; returns whether to descend into it.
    fn visit(&mut self, node: Node, depth: usize, bodies: &mut Vec<Body>) -> bool {
        let kind = node.kind();
        if self.functions.contains(&kind) {
            if let Some(body) = node.child_by_field_name("body") {
                bodies.extend(self.function(node, body, depth));
                return false;
            }
            return true;
        }
        if Language::is_comment(kind) || self.is_docstring(node) {
            if self.starts_line(node) {
                self.comments
                    .push((node.start_position().row, node.end_position().row));
            }
            return false;
        }
        node.end_position().row + 1 - node.start_position().row >= MIN_DESCEND_ROWS
    }

    /// A function's body as one fold, or the folds inside it when it is mostly
    /// functions itself.
    fn function(&mut self, node: Node, body: Node, depth: usize) -> Vec<Body> {
        let item_start = item_start(node);
        let (first, last) = self.fold_rows(body);
        if last < first || last + 1 - first < MIN_FOLD_LINES {
            // Too short to fold; its nested functions are short too.
            return Vec::new();
        }
        if depth < MAX_NESTING {
            let comments_before = self.comments.len();
            let nested = self.container(body, depth + 1);
            let covered: usize = nested.iter().map(|b| b.last + 1 - b.first).sum();
            if covered as f64 >= CONTAINER_SHARE * (last + 1 - first) as f64 {
                return nested;
            }
            // Folded whole: comments inside go with it.
            self.comments.truncate(comments_before);
        }
        vec![Body {
            name: self.name(node, body),
            item_start,
            first,
            last,
        }]
    }

    /// A function's name: its own (`name` field), the name it is assigned to
    /// (`const f = () => …`, `res.status = function (…)`, `key: function (…)`), or
    /// the identifier before the parameter list (C and C++ declarators).
    fn name(&self, node: Node, body: Node) -> Option<String> {
        let text = |n: Node| std::str::from_utf8(&self.source[n.byte_range()]).ok();
        if let Some(name) = node.child_by_field_name("name") {
            return text(name).map(str::to_string);
        }
        let parent = node.parent();
        if let Some(target) = parent.and_then(|p| {
            ["name", "key", "left"]
                .iter()
                .find_map(|f| p.child_by_field_name(f))
                .filter(|t| t.end_byte() <= node.start_byte())
        }) {
            return text(target).and_then(last_identifier).map(str::to_string);
        }
        let header = &self.source[node.start_byte()..body.start_byte()];
        let header = std::str::from_utf8(header).ok()?;
        let before_params = &header[..header.find('(')?];
        last_identifier(before_params).map(str::to_string)
    }

    /// The rows a body hides: between its braces, or (Python) the whole block after
    /// the header, keeping a docstring's summary line.
    fn fold_rows(&self, body: Node) -> (usize, usize) {
        let (start, end) = (body.start_position().row, body.end_position().row);
        if self.lang.braced() {
            // An empty range (first > last) when the braces share a line or touch.
            return (start + 1, end.saturating_sub(1).max(start));
        }
        let header = body.parent().map_or(start, |p| p.start_position().row);
        let mut first = start.max(header + 1);
        if let Some(doc) = body.named_child(0).filter(|n| self.is_docstring(*n)) {
            first = first.max(doc.start_position().row + 1);
        }
        if start == header {
            return (1, 0);
        }
        (first, end)
    }

    /// A Python string standing alone as a statement: a docstring.
    fn is_docstring(&self, node: Node) -> bool {
        self.lang == Language::Python
            && node.kind() == "expression_statement"
            && node.named_child_count() == 1
            && node.named_child(0).is_some_and(|c| c.kind() == "string")
    }

    /// True when nothing but indentation precedes `node` on its first line.
    fn starts_line(&self, node: Node) -> bool {
        let at = node.start_byte();
        let line_start = self.source[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        self.source[line_start..at]
            .iter()
            .all(|b| b.is_ascii_whitespace())
    }

    /// Rows of comment blocks (runs of comments on consecutive rows) long enough to
    /// fold, less each block's summary line (and any punctuation-only opener above
    /// it) and its tagged lines.
    fn comment_rows(&self) -> Vec<usize> {
        let mut spans = self.comments.clone();
        spans.sort_unstable();
        // Split once: looking each block's rows up from the start was quadratic.
        let all_rows: Vec<&[u8]> = self.source.split(|&b| b == b'\n').collect();
        static TAGGED: OnceLock<Regex> = OnceLock::new();
        let tagged = TAGGED.get_or_init(|| regex(TAGS));
        let mut rows = Vec::new();
        let mut i = 0;
        while i < spans.len() {
            let (first, mut last) = spans[i];
            let mut j = i + 1;
            while j < spans.len() && spans[j].0 <= last + 1 {
                last = last.max(spans[j].1);
                j += 1;
            }
            i = j;
            if last + 1 - first < MIN_COMMENT_LINES {
                continue;
            }
            let lines = &all_rows[first.min(all_rows.len())..(last + 1).min(all_rows.len())];
            let summary = lines
                .iter()
                .position(|l| l.iter().filter(|b| b.is_ascii_alphanumeric()).count() >= 2)
                .unwrap_or(0);
            for (offset, line) in lines.iter().enumerate() {
                if offset > summary && !tagged.is_match(line) {
                    rows.push(first + offset);
                }
            }
        }
        rows
    }
}

/// The first row of a function's item: decorators and attributes included when the
/// grammar wraps them around it (Python's `decorated_definition`).
fn item_start(node: Node) -> usize {
    match node.parent() {
        Some(p) if p.kind() == "decorated_definition" => p.start_position().row,
        _ => node.start_position().row,
    }
}

/// The last identifier in `text` (`res.status` → `status`, `DBImpl::Get` → `Get`).
fn last_identifier(text: &str) -> Option<&str> {
    text.trim_end()
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .next()
        .filter(|w| w.chars().next().is_some_and(|c| !c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folds(source: &str, lang: Language) -> Foldable {
        outline(source.as_bytes(), lang).expect("parses").1
    }

    #[test]
    fn rust_function_bodies_fold_between_their_braces() {
        let src = "use std::io;\n\n/// Adds.\nfn add(a: u32) -> u32 {\n    let x = 1;\n    let y = 2;\n    let z = 3;\n    let w = 4;\n    a + x + y + z + w\n}\n\nfn short() {\n    1;\n}\n";
        let f = folds(src, Language::Rust);
        assert_eq!(
            f.bodies,
            vec![Body {
                name: Some("add".into()),
                item_start: 3,
                first: 4,
                last: 8
            }]
        );
    }

    #[test]
    fn python_bodies_keep_the_docstring_summary() {
        let src = "def f(x):\n    \"\"\"Summary.\n\n    More.\n    \"\"\"\n    a = 1\n    b = 2\n    c = 3\n    return a\n";
        let f = folds(src, Language::Python);
        assert_eq!(
            f.bodies,
            vec![Body {
                name: Some("f".into()),
                item_start: 0,
                first: 2,
                last: 8
            }]
        );
    }

    #[test]
    fn a_body_made_of_functions_is_a_container() {
        let mut src = String::from("function make() {\n  const n = 1;\n  return {\n");
        for m in ["a", "b", "c"] {
            src.push_str(&format!(
                "    {m}() {{\n      one();\n      two();\n      three();\n      four();\n      five();\n    }},\n"
            ));
        }
        src.push_str("  };\n}\n");
        let f = folds(&src, Language::JavaScript);
        assert_eq!(f.bodies.len(), 3, "{:?}", f.bodies);
        assert_eq!(f.bodies[0].item_start, 3);
        assert_eq!(f.bodies[2].name.as_deref(), Some("c"));
    }

    #[test]
    fn names_of_assigned_and_qualified_functions() {
        let js = "res.status = function status(code) {\n  a();\n  b();\n  c();\n  d();\n  e();\n};\nconst g = (x) => {\n  a();\n  b();\n  c();\n  d();\n  e();\n};\n";
        let names: Vec<_> = folds(js, Language::JavaScript)
            .bodies
            .into_iter()
            .map(|b| b.name)
            .collect();
        assert_eq!(names, vec![Some("status".into()), Some("g".into())]);
        let cpp = "Status DBImpl::Make(bool force) {\n  a();\n  b();\n  c();\n  d();\n  e();\n}\n";
        let body = &folds(cpp, Language::Cpp).bodies[0];
        assert_eq!(body.name.as_deref(), Some("Make"));
    }

    #[test]
    fn comment_blocks_keep_summary_and_tags() {
        let src = "/*\n * Summary line.\n * detail one\n * TODO: fix\n * detail two\n */\nint x;\n";
        let f = folds(src, Language::C);
        assert_eq!(f.comment_rows, vec![2, 4, 5]);
    }

    #[test]
    fn broken_source_does_not_outline() {
        assert!(outline(b"fn main() {\n    let x = ;\n", Language::Rust).is_none());
        assert!(outline(b"def f(:\n  pass\n", Language::Python).is_none());
    }
}
