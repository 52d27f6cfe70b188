//! Structural sniffing of an input's first block.

use super::{ContentType, Detection};
use crate::compress::log::{is_continuation, level_of, starts_with_time};

/// Lines of the first block examined.
const SAMPLE_LINES: usize = 200;

/// Logs are line records that mostly start with a timestamp or carry a level.
pub fn sniff(head: &[u8]) -> Detection {
    let mut lines = 0usize;
    let mut stamped = 0usize;
    let mut levelled = 0usize;
    for line in head
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .filter(|l| !is_continuation(l))
        .take(SAMPLE_LINES)
    {
        lines += 1;
        stamped += usize::from(starts_with_time(line));
        levelled += usize::from(level_of(line).is_some());
    }
    let share = |n: usize| {
        if lines == 0 {
            0.0
        } else {
            n as f64 / lines as f64
        }
    };
    if lines >= 3 && (share(stamped) >= 0.6 || share(levelled) >= 0.6) {
        return Detection {
            kind: ContentType::Log,
            evidence: format!(
                "{stamped} of {lines} sampled lines start with a timestamp or number stamp, {levelled} carry a log level"
            ),
        };
    }
    Detection {
        kind: ContentType::Text,
        evidence: format!(
            "no structure recognised in {lines} sampled lines ({stamped} time-stamped, {levelled} with a level)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_and_prose() {
        let log =
            b"2024-01-01 12:00:00 INFO a\n2024-01-01 12:00:01 INFO b\n2024-01-01 12:00:02 WARN c\n";
        assert_eq!(sniff(log).kind, ContentType::Log);
        let apache = b"[Sun Dec 04 04:47:44 2005] [notice] a\n[Sun Dec 04 04:47:44 2005] [error] b\n[Sun Dec 04 04:47:45 2005] [notice] c\n";
        assert_eq!(sniff(apache).kind, ContentType::Log);
        let prose = b"This is a README.\nIt has sentences.\nAnd more of them.\n";
        assert_eq!(sniff(prose).kind, ContentType::Text);
    }
}
