//! Splitting a byte stream into lines with bounded memory.
//!
//! Lines can be arbitrarily long (a minified bundle, a 100 MB JSON line); only the
//! first [`MAX_LINE`] bytes of each are held, together with the line's full length.

use std::borrow::Cow;
use std::io::{self, Read};

/// Bytes of a line that are kept for analysis and display.
pub const MAX_LINE: usize = 2000;

/// Feeds chunks in, calls back once per line with (0-based index, prefix, full length).
/// The prefix excludes the line ending (`\n` or `\r\n`).
#[derive(Debug, Default)]
pub struct Splitter {
    index: u64,
    buf: Vec<u8>,
    len: u64,
}

impl Splitter {
    pub fn new() -> Splitter {
        Splitter::default()
    }

    /// Splits `chunk`, calling `f` for every line it completes. Lines that lie
    /// wholly inside the chunk are passed as slices of it, without a copy.
    pub fn feed(&mut self, mut chunk: &[u8], f: &mut impl FnMut(u64, &[u8], u64)) {
        while let Some(nl) = memchr::memchr(b'\n', chunk) {
            if self.len == 0 {
                Self::call(f, self.index, &chunk[..nl], nl as u64);
                self.index += 1;
            } else {
                self.push(&chunk[..nl]);
                self.emit(f);
            }
            chunk = &chunk[nl + 1..];
        }
        self.push(chunk);
    }

    /// Ends the input: a last line without a newline is still a line.
    pub fn finish(&mut self, f: &mut impl FnMut(u64, &[u8], u64)) {
        if self.len > 0 {
            self.emit(f);
        }
    }

    /// Lines completed so far.
    pub fn lines(&self) -> u64 {
        self.index
    }

    fn push(&mut self, part: &[u8]) {
        self.len += part.len() as u64;
        let room = (MAX_LINE + 1).saturating_sub(self.buf.len());
        self.buf.extend_from_slice(&part[..part.len().min(room)]);
    }

    fn emit(&mut self, f: &mut impl FnMut(u64, &[u8], u64)) {
        Self::call(f, self.index, &self.buf, self.len);
        self.index += 1;
        self.buf.clear();
        self.len = 0;
    }

    /// Calls `f` with a line's prefix (without a trailing `\r`, at most
    /// [`MAX_LINE`] bytes, never ending inside a UTF-8 character) and its full
    /// length.
    fn call(f: &mut impl FnMut(u64, &[u8], u64), index: u64, line: &[u8], mut len: u64) {
        let mut line = line;
        if line.len() as u64 == len && line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
            len -= 1;
        }
        f(index, cut_at_char(line, MAX_LINE), len);
    }
}

/// Reads `input` to its end in chunks and calls `f` once per line, as
/// [`Splitter::feed`] does; returns the number of lines.
pub fn for_each_line(input: &mut dyn Read, f: &mut impl FnMut(u64, &[u8], u64)) -> io::Result<u64> {
    let mut splitter = Splitter::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        splitter.feed(&buf[..n], f);
    }
    splitter.finish(f);
    Ok(splitter.lines())
}

/// A line as a reader sees it on a terminal: ANSI escape sequences (colours, cursor
/// moves, OSC hyperlinks) removed, and of a line redrawn with `\r` (a progress bar)
/// only its last non-empty state. Borrows when there is nothing to clean, which is
/// almost always.
pub fn clean(line: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr2(0x1b, b'\r', line).is_none() {
        return Cow::Borrowed(line);
    }
    let last_state = line
        .split(|&b| b == b'\r')
        .rev()
        .find(|part| !part.is_empty())
        .unwrap_or_default();
    let mut out = Vec::with_capacity(last_state.len());
    let mut rest = last_state;
    while let Some(esc) = memchr::memchr(0x1b, rest) {
        out.extend_from_slice(&rest[..esc]);
        rest = skip_escape(&rest[esc..]);
    }
    out.extend_from_slice(rest);
    Cow::Owned(out)
}

/// The bytes after the escape sequence `seq` starts with (`seq[0]` is ESC).
fn skip_escape(seq: &[u8]) -> &[u8] {
    match seq.get(1) {
        // CSI: parameters and intermediates, then one final byte in @..~.
        Some(b'[') => {
            let end = seq[2..]
                .iter()
                .position(|b| (0x40..=0x7e).contains(b))
                .map_or(seq.len(), |p| p + 3);
            &seq[end..]
        }
        // OSC: up to BEL or ST (ESC \).
        Some(b']') => {
            let body = &seq[2..];
            match body.iter().position(|&b| b == 0x07 || b == 0x1b) {
                Some(p) if body[p] == 0x07 => &body[p + 1..],
                Some(p) => &body[(p + 2).min(body.len())..],
                None => &[],
            }
        }
        // A two-byte escape (ESC 7, ESC =, ...) or a lone ESC at the end.
        Some(_) => &seq[2..],
        None => &[],
    }
}

/// Non-blank lines of an input's first block that detection and compressors look at.
pub const SAMPLE_LINES: usize = 200;

/// The first [`SAMPLE_LINES`] non-blank lines of `head`, cleaned as a terminal shows
/// them (see [`clean`]): what sniffing and a compressor's choice of layout read.
pub fn sample(head: &[u8]) -> Vec<Cow<'_, [u8]>> {
    head.split(|&b| b == b'\n')
        .map(clean)
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .take(SAMPLE_LINES)
        .collect()
}

/// Cuts `line` to at most `max` bytes without splitting a UTF-8 character.
pub fn cut_at_char(line: &[u8], max: usize) -> &[u8] {
    if line.len() <= max {
        return line;
    }
    let mut end = max;
    while end > 0 && (line[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    &line[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Vec<(u64, Vec<u8>, u64)> {
        let mut out = Vec::new();
        let mut s = Splitter::new();
        let mut f = |i, l: &[u8], n| out.push((i, l.to_vec(), n));
        for c in chunks {
            s.feed(c, &mut f);
        }
        s.finish(&mut f);
        out
    }

    #[test]
    fn lines_across_chunks() {
        let got = split(&[b"ab", b"c\nde\r\n", b"f"]);
        assert_eq!(
            got,
            vec![
                (0, b"abc".to_vec(), 3),
                (1, b"de".to_vec(), 2),
                (2, b"f".to_vec(), 1)
            ]
        );
    }

    #[test]
    fn trailing_newline_adds_no_empty_line() {
        assert_eq!(split(&[b"a\n"]).len(), 1);
        assert_eq!(split(&[b"a\n\n"]).len(), 2);
        assert_eq!(split(&[]).len(), 0);
    }

    #[test]
    fn long_lines_keep_a_prefix_and_their_length() {
        let long = vec![b'x'; 10 * MAX_LINE];
        let got = split(&[&long, b"\n"]);
        assert_eq!(got[0].1.len(), MAX_LINE);
        assert_eq!(got[0].2, 10 * MAX_LINE as u64);
    }

    #[test]
    fn long_lines_are_cut_between_characters() {
        let euros = "€".repeat(3000);
        let got = split(&[euros.as_bytes(), b"\n"]);
        assert!(std::str::from_utf8(&got[0].1).is_ok());
        assert_eq!(got[0].1.len(), MAX_LINE - MAX_LINE % 3);
    }

    #[test]
    fn cleaning_removes_colours_and_progress_redraws() {
        assert_eq!(&*clean(b"plain"), b"plain");
        assert_eq!(
            &*clean(b"\x1b[1m\x1b[31mFAIL\x1b[39m\x1b[22m src/a.test.ts"),
            b"FAIL src/a.test.ts"
        );
        assert_eq!(&*clean(b" 10%\r 50%\r100% done\r"), b"100% done");
        assert_eq!(
            &*clean(b"\x1b]8;;https://x.dev\x07link\x1b]8;;\x07"),
            b"link"
        );
        assert_eq!(&*clean(b"cut \x1b["), b"cut ");
    }

    #[test]
    fn cuts_respect_characters() {
        let s = "aé".as_bytes();
        assert_eq!(cut_at_char(s, 2), b"a");
    }
}
