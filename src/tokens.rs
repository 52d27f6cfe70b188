//! Token estimation on the hot path.
//!
//! Budgets and statistics are in tokens, but loading a real BPE vocabulary costs far
//! more than filtering a small input, so the filter estimates. The estimate follows how
//! o200k-style tokenizers split text: a letter run costs about one token per five
//! letters, digits are grouped three to a token, each punctuation mark is a token and
//! whitespace mostly merges into the next piece.

/// Byte classes: letters (and any non-ASCII byte), digits, whitespace, punctuation.
const LETTER: usize = 0;
const DIGIT: usize = 1;
const SPACE: usize = 2;
const PUNCT: usize = 3;

const fn class_table() -> [u8; 256] {
    let mut t = [PUNCT as u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphabetic() || b >= 0x80 {
            LETTER as u8
        } else if b.is_ascii_digit() {
            DIGIT as u8
        } else if b == b' ' || b == b'\t' || b == b'\n' || b == b'\r' {
            SPACE as u8
        } else {
            PUNCT as u8
        };
        i += 1;
    }
    t
}

static CLASS: [u8; 256] = class_table();

/// Cost in 1/60 token of one byte of each class: a letter run costs about a token
/// per five letters, digits a token per three, punctuation a token per two, and
/// whitespace mostly merges into the next piece.
const BYTE_COST: [u32; 4] = [12, 20, 8, 30];

/// Cost in 1/60 token of starting a new piece, by (previous class, class): each
/// letter, digit or punctuation run is at least one token.
const START_COST: [[u32; 4]; 4] = {
    let mut t = [[0u32; 4]; 4];
    let mut prev = 0;
    while prev < 4 {
        let mut next = 0;
        while next < 4 {
            if prev != next && next != SPACE {
                t[prev][next] = 30;
            }
            next += 1;
        }
        prev += 1;
    }
    t
};

/// Estimated o200k tokens in `bytes`. One table look-up and two additions per byte,
/// no branches on the data: it runs over every byte of every input.
pub fn estimate(bytes: &[u8]) -> u64 {
    let mut sixtieths = 0u64;
    let mut prev = SPACE;
    for &b in bytes {
        let class = CLASS[b as usize] as usize;
        sixtieths += u64::from(BYTE_COST[class] + START_COST[prev][class]);
        prev = class;
    }
    sixtieths.div_ceil(60)
}

/// The o200k vocabulary (`models/o200k-tokenizer.json`, see `models/README.md`),
/// embedded so the binary needs no files beside it; it is parsed only on the first
/// exact count, so filtering never pays for it.
static O200K_JSON: &[u8] = include_bytes!("../models/o200k-tokenizer.json");

/// Exact o200k token count of `text`, as OpenAI's tiktoken `o200k_base` counts it.
/// The first call parses the vocabulary (about a second); `None` if it cannot be.
pub fn exact(text: &str) -> Option<u64> {
    use std::sync::OnceLock;
    static TOKENIZER: OnceLock<Option<tokenizers::Tokenizer>> = OnceLock::new();
    let tokenizer = TOKENIZER
        .get_or_init(|| tokenizers::Tokenizer::from_bytes(O200K_JSON).ok())
        .as_ref()?;
    let encoding = tokenizer.encode_fast(text, false).ok()?;
    Some(encoding.len() as u64)
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
