//! Token estimation on the hot path.
//!
//! Budgets and statistics are in tokens, but loading a real BPE vocabulary costs far
//! more than filtering a small input, so the filter estimates. The estimate follows how
//! o200k-style tokenizers split text: a letter run costs about one token per five
//! letters, digits are grouped three to a token, each punctuation mark is a token and
//! whitespace mostly merges into the next piece.

/// Byte classes for the estimator.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Space,
    Punct,
}

const fn class_table() -> [Class; 256] {
    let mut t = [Class::Punct; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphabetic() || b >= 0x80 {
            Class::Letter
        } else if b.is_ascii_digit() {
            Class::Digit
        } else if b == b' ' || b == b'\t' || b == b'\n' || b == b'\r' {
            Class::Space
        } else {
            Class::Punct
        };
        i += 1;
    }
    t
}

static CLASS: [Class; 256] = class_table();

/// Estimated o200k tokens in `bytes`.
pub fn estimate(bytes: &[u8]) -> u64 {
    let mut tokens = 0u64;
    let mut run = 0u64;
    let mut prev = Class::Space;
    let flush = |class: Class, run: u64| -> u64 {
        match class {
            Class::Letter => run.div_ceil(5),
            Class::Digit => run.div_ceil(3),
            Class::Punct => run.div_ceil(2),
            Class::Space => run / 8,
        }
    };
    for &b in bytes {
        let c = CLASS[b as usize];
        if c == prev {
            run += 1;
        } else {
            tokens += flush(prev, run);
            prev = c;
            run = 1;
        }
    }
    tokens + flush(prev, run)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(estimate(b"123456789"), 3);
    }
}
