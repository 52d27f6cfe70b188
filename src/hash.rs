//! A fast, non-cryptographic hasher for in-memory tables (FxHash's mixing step).
//!
//! The standard library's SipHash resists hash flooding, which costs several times
//! more per key; headroom's tables are keyed by the input's own templates, keys and
//! values, hashed millions of times per run, and a flood only slows one run down.

use std::hash::{BuildHasherDefault, Hasher};

const K: u64 = 0x517c_c1b7_2722_0a95;

fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(5) ^ w).wrapping_mul(K)
}

/// Hashes `bytes` eight at a time, so hashing costs a multiply per word rather than
/// per byte.
pub fn hash_bytes(bytes: &[u8], seed: u64) -> u64 {
    let mut h = seed;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h = mix(h, u64::from_le_bytes(c.try_into().expect("8 bytes")));
    }
    let mut tail = [0u8; 8];
    let rest = chunks.remainder();
    tail[..rest.len()].copy_from_slice(rest);
    mix(mix(h, u64::from_le_bytes(tail)), bytes.len() as u64)
}

/// The hasher; use it through [`FastMap`] and [`FastSet`].
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(bytes, self.0);
    }
    fn write_u8(&mut self, n: u8) {
        self.0 = mix(self.0, u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = mix(self.0, u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = mix(self.0, n);
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = mix(self.0, n as u64);
    }
}

pub type FastBuild = BuildHasherDefault<FastHasher>;
pub type FastMap<K, V> = std::collections::HashMap<K, V, FastBuild>;
pub type FastSet<K> = std::collections::HashSet<K, FastBuild>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_bytes_hash_equal_and_lengths_matter() {
        assert_eq!(hash_bytes(b"abcdefghij", 1), hash_bytes(b"abcdefghij", 1));
        assert_ne!(hash_bytes(b"ab", 0), hash_bytes(b"ab\0", 0));
        let mut m: FastMap<&str, u32> = FastMap::default();
        m.insert("k", 1);
        assert_eq!(m.get("k"), Some(&1));
    }
}
