//! Token estimation on the hot path.
//!
//! Budgets and statistics are in tokens, but loading a real BPE vocabulary costs far
//! more than filtering a small input, so the filter estimates ([`estimate`]): each byte
//! costs what its class costs after the previous byte's class, a table fitted to the
//! real tokenizer on the corpus. The real count ([`exact`]) is for `headroom stats`,
//! which can afford it once per stored original.

/// Byte classes. Letters are split by case because o200k's pieces start at an
/// upper-case letter ("MRAppMaster" is "MR", "App", "Master"); spaces and line breaks
/// are apart because a space joins the next word while a line break is mostly a
/// token of its own; every byte of a UTF-8 sequence is `HIGH`.
pub const CLASSES: usize = 7;
const LOWER: u8 = 0;
const UPPER: u8 = 1;
const DIGIT: u8 = 2;
const SPACE: u8 = 3;
const NEWLINE: u8 = 4;
const PUNCT: u8 = 5;
const HIGH: u8 = 6;

/// Text starts as if after a line break.
pub const START_CLASS: usize = NEWLINE as usize;

const fn class_table() -> [u8; 256] {
    let mut t = [PUNCT; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_lowercase() {
            LOWER
        } else if b.is_ascii_uppercase() {
            UPPER
        } else if b.is_ascii_digit() {
            DIGIT
        } else if b == b' ' || b == b'\t' {
            SPACE
        } else if b == b'\n' || b == b'\r' {
            NEWLINE
        } else if b >= 0x80 {
            HIGH
        } else {
            PUNCT
        };
        i += 1;
    }
    t
}

static CLASS: [u8; 256] = class_table();

/// The class of byte `b` (see [`CLASSES`]); the calibration in `bench/` counts with it.
pub fn class_of(b: u8) -> usize {
    CLASS[b as usize] as usize
}

/// Costs are in 1/`UNIT` token.
pub const UNIT: i64 = 1024;

/// `COST[previous class][class]`: what a byte of `class` costs after a byte of the
/// previous class, in 1/[`UNIT`] token. Fitted by `bench/calibrate_tokens.rs` (weighted
/// least squares of the relative error over 2 KB pieces of the corpus; see
/// `bench/README.md`), so a piece's start, its length and the joins between classes
/// are all priced by the data rather than by hand.
#[rustfmt::skip]
pub const COST: [[i32; CLASSES]; CLASSES] = [
    [43, 939, 788, 160, 625, 805, 553],
    [347, 124, 1604, 198, 36, 654, 208],
    [1491, 1463, 281, 114, 515, 792, 933],
    [795, 454, 1805, 60, 261, 882, 1180],
    [737, 324, 791, 540, 428, 1132, 890],
    [669, 359, 1134, 303, -118, 145, 754],
    [542, 226, 856, 719, 266, 1192, 72],
];

/// Estimated o200k tokens in `bytes`: one class look-up, one table look-up and one
/// addition per byte, no branches on the data, because it runs over every byte of
/// every input (about 1.2 GB/s on the development machine).
///
/// Against [`exact`] on the 59 files of the team corpus (logs, diffs, listings, JSON,
/// source, Markdown, transcripts; 8.7 MB): −1.3% in total, median −0.8% per file,
/// from −15.0% to +13.8%, 55 files within ±10%. Fitted on every other file only, the
/// files left out come out at −2.6% in total, median −0.5%, from −17.1% to +24.5%.
/// The table it replaced (hand-set costs for four classes) over-counted by 25% in
/// total, median +30%, from −9% to +73%.
pub fn estimate(bytes: &[u8]) -> u64 {
    estimate_with(&COST, bytes)
}

/// [`estimate`] with another cost table: the calibration compares tables with it.
pub fn estimate_with(cost: &[[i32; CLASSES]; CLASSES], bytes: &[u8]) -> u64 {
    let mut units = 0i64;
    let mut prev = START_CLASS;
    for &b in bytes {
        let class = CLASS[b as usize] as usize;
        units += i64::from(cost[prev][class]);
        prev = class;
    }
    (units.max(0) as u64).div_ceil(UNIT as u64)
}

/// The o200k vocabulary (`models/o200k-tokenizer.json`, see `models/README.md`),
/// embedded so the binary needs no files beside it; it is parsed only on the first
/// exact count, so filtering never pays for it.
static O200K_JSON: &[u8] = include_bytes!("../models/o200k-tokenizer.json");

/// Exact o200k token count of `text`, as OpenAI's tiktoken `o200k_base` counts it.
/// The first call parses the vocabulary (about a second); `None` if it cannot be.
/// Counting runs at a few MB per second: callers count large texts in [`pieces`].
pub fn exact(text: &str) -> Option<u64> {
    use std::sync::OnceLock;
    static TOKENIZER: OnceLock<Option<tokenizers::Tokenizer>> = OnceLock::new();
    let tokenizer = TOKENIZER
        .get_or_init(|| tokenizers::Tokenizer::from_bytes(O200K_JSON).ok())
        .as_ref()?;
    let encoding = tokenizer.encode_fast(text, false).ok()?;
    Some(encoding.len() as u64)
}

/// Exact count of any bytes: invalid UTF-8 counts as U+FFFD (tiktoken counts raw
/// bytes there, so such input may differ by a few tokens), and the text is counted in
/// pieces of about a megabyte so memory stays small for a large original.
pub fn exact_bytes(bytes: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(bytes);
    pieces(&text, 1 << 20).map(exact).sum()
}

/// `text` cut into pieces of at least `size` bytes (the last may be shorter) whose
/// exact counts add up to the whole's. Cuts fall only at a line start after a line
/// break, before a byte that is neither whitespace nor `/`: the o200k split pattern
/// has no piece that spans such a point (a punctuation run may take the line breaks
/// and slashes after it, a whitespace run the whitespace), and BPE merges stay
/// inside a piece.
pub fn pieces(text: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let bytes = rest.as_bytes();
        let end = (size.max(1)..bytes.len())
            .find(|&i| {
                bytes[i - 1] == b'\n' && !(bytes[i].is_ascii_whitespace() || bytes[i] == b'/')
            })
            .unwrap_or(bytes.len());
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLES: &[(&str, u64)] = &[
        ("The quick brown fox jumps over the lazy dog.", 10),
        ("2015-10-18 18:01:47,978 INFO [main] MRAppMaster: Created MRAppMaster", 26),
        ("error[E0308]: mismatched types\n --> src/main.rs:4:18\n  |\n4 |     let x: u32 = \"five\";\n  |            ---   ^^^^^^ expected `u32`, found `&str`", 50),
        ("    Finished `test` profile [unoptimized + debuginfo] target(s) in 4m 34s\n     Running tests/transcript.rs", 31),
        ("café — naïve 日本語のテキスト 🎉 ünïcödé", 17),
        ("{\"type\":\"tool_result\",\"content\":\"     1→fn main() {\\n     2→    println!(\\\"hi\\\");\"}", 29),
        ("   \t\n\n  indented    spaces   and\ttabs  ", 12),
        ("0x7fff5fbff8c8 1234567890 3.14159 -42 1e-9", 27),
    ];

    /// Counts from Python tiktoken 0.x, `o200k_base`, on the same strings.
    #[test]
    fn exact_counts_equal_tiktoken_o200k() {
        for (text, tiktoken) in SAMPLES {
            assert_eq!(exact(text), Some(*tiktoken), "{text:?}");
        }
    }

    #[test]
    fn empty_is_zero() {
        assert_eq!(estimate(b""), 0);
    }

    #[test]
    fn english_is_about_a_token_per_word() {
        let n = estimate(b"The quick brown fox jumps over the lazy dog.");
        assert!((9..=14).contains(&n), "{n}");
    }

    #[test]
    fn digits_group_by_three() {
        assert!((3..=4).contains(&estimate(b"123456789")));
    }

    #[test]
    fn log_lines_cost_more_than_their_words() {
        let line = b"2015-10-18 18:01:47,978 INFO [main] MRAppMaster: Created MRAppMaster";
        let n = estimate(line);
        assert!((20..=32).contains(&n), "{n}");
    }
}
