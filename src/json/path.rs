//! Paths into a JSON document, in jq's syntax: `.workflow_runs[3].conclusion`,
//! `.a["x y"]`, `[0]`, and `.` for the root. The compressor writes them into markers;
//! `headroom-cat --path` reads them back.

use super::quote;

/// `.a.b` + `c` → `.a.b.c`; keys that are not identifiers are quoted: `.a["x y"]`.
pub fn key_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    let base = if path == "." { "" } else { path };
    if plain {
        format!("{base}.{key}")
    } else {
        format!("{base}[{}]", quote(key))
    }
}

/// `.a` + 3 → `.a[3]`.
pub fn index_path(path: &str, index: usize) -> String {
    let base = if path == "." { "" } else { path };
    format!("{base}[{index}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_jq() {
        assert_eq!(key_path(".", "items"), ".items");
        assert_eq!(key_path(".a", "x y"), ".a[\"x y\"]");
        assert_eq!(index_path(".items", 3), ".items[3]");
        assert_eq!(index_path(".", 0), "[0]");
    }
}
