//! Binary content: recognising it, and naming what it is.

/// Why `head` is not text, if it is not: a known binary signature, or more than a
/// tenth of its first block in bytes that are neither valid UTF-8 nor ordinary
/// whitespace (NUL included: a stray NUL in a test name does not make a log binary).
pub fn looks_binary(head: &[u8]) -> Option<String> {
    let sample = &head[..head.len().min(8192)];
    if let Some(kind) = sniff_kind(sample) {
        return Some(format!("{kind} signature"));
    }
    let mut bad = 0usize;
    let mut rest = sample;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(_) => break,
            Err(e) => {
                let valid = e.valid_up_to();
                let skip = e.error_len().unwrap_or(rest.len() - valid);
                // A sequence cut by the end of the sample is not an error.
                if e.error_len().is_none() && rest.len() - valid < 4 {
                    break;
                }
                bad += skip;
                rest = &rest[valid + skip..];
            }
        }
    }
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x1b | 0x0c | 0x08))
        .count();
    let odd = bad + control;
    let nul = memchr::memchr_iter(0, sample).count();
    (odd * 10 > sample.len()).then(|| {
        format!(
            "{odd} of the first {} bytes are not text ({nul} NUL)",
            sample.len()
        )
    })
}

/// The kind of a binary file by its leading signature.
pub fn sniff_kind(head: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"%PDF-", "PDF document"),
        (b"\x7fELF", "ELF executable"),
        (b"\x1f\x8b", "gzip archive"),
        (b"PK\x03\x04", "zip archive"),
        (b"SQLite format 3\0", "SQLite database"),
        (b"\0asm", "WebAssembly module"),
        (b"\xfe\xed\xfa\xce", "Mach-O executable"),
        (b"\xfe\xed\xfa\xcf", "Mach-O executable"),
        (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
        (b"\xca\xfe\xba\xbe", "Java class or Mach-O universal binary"),
        (b"BZh", "bzip2 archive"),
        (b"\xfd7zXZ\0", "xz archive"),
        (b"\x28\xb5\x2f\xfd", "zstd archive"),
        (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
        (b"MZ", "Windows executable"),
        (b"RIFF", "RIFF media (WAV/AVI/WebP)"),
        (b"OggS", "Ogg media"),
        (b"ID3", "MP3 audio"),
    ];
    if head.len() > 262 && &head[257..262] == b"ustar" {
        return Some("tar archive");
    }
    SIGNATURES
        .iter()
        .find(|(sig, _)| head.starts_with(sig))
        .map(|&(_, kind)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_a_few_bad_bytes_is_still_text() {
        let mut s = b"2024-01-01 INFO all good here, nothing to see\n".repeat(20);
        s.extend_from_slice(b"caf\xe9 latin-1 line\n");
        assert_eq!(looks_binary(&s), None);
    }

    #[test]
    fn a_stray_nul_in_text_is_still_text() {
        let mut s = b"test/normalize.test.ts > normalizeURL > ".repeat(10);
        s.extend_from_slice(b"\0http://google.com 0ms\n");
        assert_eq!(looks_binary(&s), None);
    }

    #[test]
    fn nul_and_signatures_are_binary() {
        assert!(looks_binary(b"abc\0def").is_some());
        assert_eq!(sniff_kind(b"\x89PNG\r\n\x1a\n...."), Some("PNG image"));
        assert_eq!(sniff_kind(b"\x7fELF\x02\x01"), Some("ELF executable"));
        assert_eq!(sniff_kind(b"plain"), None);
    }

    #[test]
    fn random_high_bytes_are_binary() {
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8 | 0x80)
            .collect();
        assert!(looks_binary(&noise).is_some());
    }
}
