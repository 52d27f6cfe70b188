//! Which language a source file is in, and what its grammar calls the nodes an
//! outline cares about.
//!
//! The language comes, in order of trust, from the file name the producing command
//! reads (`cat src/x.py`, `sed -n 1,200p lib.rs`), a shebang, and the file's own
//! declaration lines. The same declaration counts decide whether unlabelled input is
//! code at all (see [`sniff`]).

use tree_sitter::Language as Grammar;

/// The languages this build outlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Rust,
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Go,
    Java,
    C,
    Cpp,
}

/// Programs whose last file argument is the source file the output shows.
const FILE_READERS: &[&str] = &[
    "cat", "head", "tail", "sed", "bat", "batcat", "less", "more", "nl",
];

/// Of those, the programs that print part of a file (a range of lines).
const PART_READERS: &[&str] = &["head", "tail", "sed"];

/// File extensions, lower-cased, and their languages.
const EXTENSIONS: &[(&str, Language)] = &[
    ("rs", Language::Rust),
    ("py", Language::Python),
    ("pyi", Language::Python),
    ("pyw", Language::Python),
    ("js", Language::JavaScript),
    ("mjs", Language::JavaScript),
    ("cjs", Language::JavaScript),
    ("jsx", Language::JavaScript),
    ("ts", Language::TypeScript),
    ("mts", Language::TypeScript),
    ("cts", Language::TypeScript),
    ("tsx", Language::Tsx),
    ("go", Language::Go),
    ("java", Language::Java),
    ("c", Language::C),
    ("h", Language::C),
    ("cc", Language::Cpp),
    ("cpp", Language::Cpp),
    ("cxx", Language::Cpp),
    ("c++", Language::Cpp),
    ("hpp", Language::Cpp),
    ("hh", Language::Cpp),
    ("hxx", Language::Cpp),
    ("ipp", Language::Cpp),
    ("inl", Language::Cpp),
];

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::Go => "go",
            Language::Java => "java",
            Language::C => "c",
            Language::Cpp => "c++",
        }
    }

    /// The language of a file name, by its extension.
    pub fn of_path(path: &str) -> Option<Language> {
        let name = path.rsplit('/').next()?;
        let (_, ext) = name.rsplit_once('.')?;
        let ext = ext.to_ascii_lowercase();
        EXTENSIONS
            .iter()
            .find(|(e, _)| *e == ext)
            .map(|&(_, lang)| lang)
    }

    /// The source file a command prints and its language: `cat src/x.py`,
    /// `sed -n 120,200p lib.rs`, `head -n 50 a.go | less`.
    pub fn of_command(cmd: &str) -> Option<(Language, &str)> {
        let mut found = None;
        for command in cmd.split(['|', ';', '&']) {
            let mut words = command.split_whitespace();
            let Some(program) = words.next() else {
                continue;
            };
            if !FILE_READERS.contains(&program.rsplit('/').next().unwrap_or(program)) {
                continue;
            }
            if let Some(file) = words.rfind(|w| !w.starts_with('-')) {
                let file = file.trim_matches(|c| c == '"' || c == '\'');
                if let Some(lang) = Language::of_path(file) {
                    found = Some((lang, file));
                }
            }
        }
        found
    }

    /// True when `cmd` prints only part of a source file (`sed -n 120,200p lib.rs`,
    /// `nl -ba a.go | head -n 50`): what it prints seldom parses on its own.
    pub fn reads_part(cmd: &str) -> bool {
        Language::of_command(cmd).is_some()
            && cmd.split(['|', ';', '&']).any(|command| {
                command
                    .split_whitespace()
                    .next()
                    .is_some_and(|p| PART_READERS.contains(&p.rsplit('/').next().unwrap_or(p)))
            })
    }

    /// The language a `#!` line names (`#!/usr/bin/env python3`, `#!/usr/bin/node`).
    pub fn of_shebang(source: &[u8]) -> Option<Language> {
        let line = source.strip_prefix(b"#!")?;
        let line = &line[..memchr::memchr(b'\n', line).unwrap_or(line.len())];
        let line = std::str::from_utf8(line).ok()?;
        let mut words = line.split_whitespace();
        let mut program = words.next()?.rsplit('/').next()?;
        if program == "env" {
            program = words.find(|w| !w.starts_with('-'))?;
        }
        match program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.') {
            "python" | "pypy" => Some(Language::Python),
            "node" | "nodejs" => Some(Language::JavaScript),
            "deno" | "ts-node" | "tsx" | "bun" => Some(Language::TypeScript),
            _ => None,
        }
    }

    /// The tree-sitter grammar.
    pub fn grammar(self) -> Grammar {
        match self {
            Language::Rust => tree_sitter_rust::LANGUAGE.into(),
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::Go => tree_sitter_go::LANGUAGE.into(),
            Language::Java => tree_sitter_java::LANGUAGE.into(),
            Language::C => tree_sitter_c::LANGUAGE.into(),
            Language::Cpp => tree_sitter_cpp::LANGUAGE.into(),
        }
    }

    /// A close relative to try when this grammar reports errors: a `.h` file may be
    /// C++, a `.ts` file may hold JSX, content sniffing may take TypeScript for
    /// JavaScript.
    pub fn sibling(self) -> Option<Language> {
        match self {
            Language::C => Some(Language::Cpp),
            Language::JavaScript => Some(Language::TypeScript),
            Language::TypeScript => Some(Language::Tsx),
            _ => None,
        }
    }

    /// Node kinds that have a body worth folding (their field `body`).
    pub fn function_kinds(self) -> &'static [&'static str] {
        match self {
            Language::Rust => &["function_item", "closure_expression"],
            Language::Python => &["function_definition"],
            Language::JavaScript | Language::TypeScript | Language::Tsx => &[
                "function_declaration",
                "generator_function_declaration",
                "function_expression",
                "generator_function",
                "arrow_function",
                "method_definition",
            ],
            Language::Go => &["function_declaration", "method_declaration", "func_literal"],
            Language::Java => &[
                "method_declaration",
                "constructor_declaration",
                "compact_constructor_declaration",
                "lambda_expression",
            ],
            Language::C => &["function_definition"],
            Language::Cpp => &["function_definition", "lambda_expression"],
        }
    }

    /// True for comment nodes (a Python docstring is recognised by the outline).
    pub fn is_comment(kind: &str) -> bool {
        matches!(kind, "comment" | "line_comment" | "block_comment")
    }

    /// True when the braces of a body sit on the lines that open and close it, so
    /// those lines stay in view and only the lines between them fold; Python's
    /// bodies have no closing line.
    pub fn braced(self) -> bool {
        self != Language::Python
    }
}

/// A line that declares something, in the style of one language: what tells source
/// code from prose or logs, and one language from another.
fn declares(lang: Language, line: &str) -> bool {
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| line.starts_with(p));
    match lang {
        Language::Rust => {
            starts(&[
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "async fn ",
                "pub async fn ",
                "impl ",
                "impl<",
                "pub struct ",
                "pub enum ",
                "pub trait ",
                "pub mod ",
                "mod ",
                "#[derive(",
                "#[cfg(",
                "#![",
                "pub use ",
                "pub(crate) ",
                "unsafe impl",
            ]) || (line.starts_with("use ") && line.contains("::") && line.ends_with(';'))
                || ((line.starts_with("struct ") || line.starts_with("enum "))
                    && line.ends_with('{'))
        }
        Language::Python => {
            (starts(&["def ", "async def ", "class "]) && line.ends_with(':'))
                || (line.starts_with("from ") && line.contains(" import "))
                || (line.starts_with("import ") && !line.ends_with(';') && !line.contains('{'))
                || line.starts_with("if __name__ ==")
        }
        Language::Go => {
            line.starts_with("package ") && !line.ends_with(';')
                || starts(&["func (", "import (", "type "]) && line.ends_with('{')
                || line.starts_with("func ") && line.ends_with('{')
                || line == "import ("
        }
        Language::Java => {
            ((line.starts_with("package ") || line.starts_with("import "))
                && line.ends_with(';')
                && !line.contains(" from ")
                && !line.contains(['"', '\''])
                && line.split_whitespace().count() <= 3)
                || starts(&[
                    "public class ",
                    "public final class ",
                    "public abstract class ",
                    "public interface ",
                    "public enum ",
                ])
        }
        Language::C | Language::Cpp => {
            starts(&[
                "#include ",
                "#include<",
                "#define ",
                "#ifndef ",
                "#ifdef ",
                "#endif",
                "typedef ",
            ]) || (lang == Language::Cpp
                && starts(&[
                    "namespace ",
                    "template <",
                    "template<",
                    "class ",
                    "using namespace ",
                ]))
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            starts(&[
                "export function ",
                "export default ",
                "export const ",
                "export class ",
                "export async function ",
                "module.exports",
                "exports.",
                "async function ",
                "'use strict'",
                "\"use strict\"",
            ]) || (line.starts_with("function ") && line.ends_with('{'))
                || (line.starts_with("import ") && line.contains(" from "))
                || (line.contains("require(") && starts(&["const ", "var ", "let "]))
                || (lang != Language::JavaScript
                    && starts(&[
                        "export interface ",
                        "export type ",
                        "interface ",
                        "import type ",
                        "export enum ",
                    ]))
        }
    }
}

/// Languages tried by content, most distinctive first (TypeScript before
/// JavaScript, C++ before C: the first is a superset of the second's lines).
const BY_CONTENT: &[Language] = &[
    Language::Rust,
    Language::Go,
    Language::Java,
    Language::Python,
    Language::TypeScript,
    Language::JavaScript,
    Language::Cpp,
    Language::C,
];

/// Declaration lines needed before unlabelled input counts as code.
const MIN_DECLARATIONS: usize = 3;

/// The language whose declaration lines are most common in `lines` (trimmed of
/// their indentation only by the caller's choice), with their count.
pub fn by_content<'a>(lines: impl Iterator<Item = &'a [u8]>) -> Option<(Language, usize)> {
    let mut counts = [0usize; BY_CONTENT.len()];
    for line in lines {
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let line = line.trim_end();
        for (count, &lang) in counts.iter_mut().zip(BY_CONTENT) {
            *count += usize::from(declares(lang, line));
        }
    }
    let (i, &n) = counts
        .iter()
        .enumerate()
        .max_by_key(|&(i, n)| (*n, std::cmp::Reverse(i)))?;
    (n > 0).then_some((BY_CONTENT[i], n))
}

/// The structural signature of source code: at least [`MIN_DECLARATIONS`] lines
/// that declare things in one language's style, making up a third of the lines that
/// start at the margin with a word (code's top level is declarations; prose and logs
/// start every line there), and no Markdown code fence (a README quoting code is
/// prose).
pub fn sniff(lines: &[&[u8]]) -> Option<String> {
    if lines.iter().any(|l| l.starts_with(b"```")) {
        return None;
    }
    if let Some(lang) = lines.first().and_then(|l| Language::of_shebang(l)) {
        return Some(format!("a {} shebang", lang.name()));
    }
    let (lang, n) = by_content(lines.iter().copied())?;
    let margin = lines
        .iter()
        .filter(|l| l.first().is_some_and(|b| b.is_ascii_alphanumeric()))
        .count();
    (n >= MIN_DECLARATIONS && n * 3 >= margin).then(|| {
        format!(
            "{n} of {margin} sampled lines at the margin declare things as {} does",
            lang.name()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_readers_print_part_of_a_source_file() {
        assert!(Language::reads_part("sed -n '70,150p' src/app.ts"));
        assert!(Language::reads_part("nl -ba src/lib.rs | head -n 50"));
        assert!(!Language::reads_part("cat src/lib.rs"));
        assert!(!Language::reads_part("sed -n 1,20p notes.txt"));
    }

    #[test]
    fn languages_from_commands() {
        let of = |c| Language::of_command(c).map(|(l, _)| l);
        assert_eq!(of("cat src/x.py"), Some(Language::Python));
        assert_eq!(of("sed -n 120,200p src/lib.rs"), Some(Language::Rust));
        assert_eq!(of("head -n 50 web/App.tsx | less"), Some(Language::Tsx));
        assert_eq!(of("bat --plain db_impl.cc"), Some(Language::Cpp));
        assert_eq!(of("cat README.md"), None);
        assert_eq!(of("cargo test"), None);
    }

    #[test]
    fn languages_from_shebangs() {
        assert_eq!(
            Language::of_shebang(b"#!/usr/bin/env python3\nimport os\n"),
            Some(Language::Python)
        );
        assert_eq!(
            Language::of_shebang(b"#!/usr/bin/node\n"),
            Some(Language::JavaScript)
        );
        assert_eq!(Language::of_shebang(b"#!/bin/sh\n"), None);
    }

    #[test]
    fn languages_from_content() {
        let rust: Vec<&[u8]> = vec![
            b"use std::io;",
            b"pub struct A {",
            b"impl A {",
            b"pub fn new() -> A {",
        ];
        assert!(sniff(&rust).is_some());
        assert_eq!(
            by_content(rust.into_iter()).map(|x| x.0),
            Some(Language::Rust)
        );
        let python: Vec<&[u8]> = vec![b"import os", b"from a import b", b"def f(x):", b"class A:"];
        assert_eq!(
            by_content(python.into_iter()).map(|x| x.0),
            Some(Language::Python)
        );
        let prose: Vec<&[u8]> = vec![b"This is prose.", b"It has no code.", b"None at all."];
        assert_eq!(sniff(&prose), None);
        let readme: Vec<&[u8]> = vec![b"```rust", b"use a::b;", b"pub fn x() {", b"impl A {"];
        assert_eq!(sniff(&readme), None);
    }
}
