//! Static patterns, compiled for ASCII.
//!
//! With Unicode on, `\w`, `\d`, `\s` and `.` compile into large UTF-8 automata: the
//! compressors' few dozen patterns took about 7 ms to build, paid again by every
//! process, more than compressing a typical input costs. Tool output is matched
//! byte-wise, so the patterns are built with Unicode off. Non-ASCII symbols are fine
//! as literals or alternations (`(?:✖|✕)`); a pattern that puts them in a class
//! (`[✓×]`) needs Unicode on, and so does every pattern of its set, which is then
//! several times slower on lines with non-ASCII text: write alternations.

use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// A pattern written in the source: a bad one is a bug, found by any test using it.
pub fn regex(pattern: &str) -> Regex {
    RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .or_else(|_| Regex::new(pattern))
        .unwrap_or_else(|e| panic!("static regex {pattern:?}: {e}"))
}

/// A set of patterns written in the source, as [`regex`] builds one.
pub fn regex_set<I, S>(patterns: I) -> RegexSet
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let patterns: Vec<String> = patterns
        .into_iter()
        .map(|p| p.as_ref().to_string())
        .collect();
    RegexSetBuilder::new(&patterns)
        .unicode(false)
        .build()
        .or_else(|_| RegexSet::new(&patterns))
        .unwrap_or_else(|e| panic!("static regex set: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_classes_and_unicode_literals() {
        assert!(regex(r"^\w+ \d+$").is_match(b"abc 123"));
        // Unicode symbols in a class need Unicode on, and still work.
        assert!(regex(r"^\s*[✓×] ").is_match("  × fails".as_bytes()));
        assert!(regex_set([r"^ok$", r"^[✓] done"]).is_match("✓ done".as_bytes()));
    }

    #[test]
    fn unicode_literals_do_not_need_unicode_mode() {
        // Alternations of symbols (not classes) keep a set byte-wise and fast.
        let ascii = RegexBuilder::new(r"(?:✖|✕) \d+ problems?|^⎯+ .+ ⎯+$")
            .unicode(false)
            .build()
            .expect("builds without Unicode");
        assert!(ascii.is_match("✖ 680 problems".as_bytes()));
        assert!(ascii.is_match("⎯⎯⎯ Failed ⎯⎯⎯".as_bytes()));
    }
}
