//! Parsing of the `gc` flags (`--older-than 30d`, `--max-size 2G`) and the
//! date shown for pruned originals.

use anyhow::{bail, Result};
use std::time::Duration;

/// Splits "1.5GiB" into (1.5, "gib"); the unit is lowercased.
fn split_number(s: &str) -> Option<(f64, String)> {
    let s = s.trim();
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let number: f64 = s[..end].parse().ok()?;
    (number.is_finite() && number >= 0.0).then(|| (number, s[end..].trim().to_ascii_lowercase()))
}

/// Parses a duration: a non-negative number (decimals allowed) and a unit.
///
/// Units: `s`/`sec`/`second(s)`, `m`/`min`/`minute(s)`, `h`/`hr`/`hour(s)`,
/// `d`/`day(s)`, `w`/`week(s)`, case-insensitive, optionally separated by
/// spaces: `45s`, `90m`, `12h`, `30d`, `2w`, `1.5d`, `3 days`. A bare number
/// is rejected because seconds and days are both plausible readings.
pub fn parse_duration(s: &str) -> Result<Duration> {
    let hint = "expected a number and a unit (s, m, h, d, w), e.g. 30d or 12h";
    let Some((number, unit)) = split_number(s) else {
        bail!("invalid duration '{s}': {hint}");
    };
    let seconds = match unit.as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600.0,
        "d" | "day" | "days" => 86_400.0,
        "w" | "week" | "weeks" => 604_800.0,
        "" => bail!("invalid duration '{s}': missing unit; {hint}"),
        _ => bail!("invalid duration '{s}': unknown unit '{unit}'; {hint}"),
    };
    match Duration::try_from_secs_f64(number * seconds) {
        Ok(d) => Ok(d),
        Err(_) => bail!("invalid duration '{s}': too large"),
    }
}

/// Parses a size in bytes: a non-negative number (decimals allowed) and an
/// optional unit, case-insensitive, optionally separated by a space.
///
/// No unit or `B` means bytes. `K`, `M`, `G`, `T` and `KiB`, `MiB`, `GiB`,
/// `TiB` are powers of 1024 (as in `du` and `sort -S`); `KB`, `MB`, `GB`,
/// `TB` are powers of 1000. Examples: `1024`, `500M`, `2G`, `1.5GiB`,
/// `750MB`. The result is rounded to whole bytes.
pub fn parse_size(s: &str) -> Result<u64> {
    let hint = "expected bytes or a number with K, M, G, T (1024-based) or KB, MB, GB, TB, e.g. 500M or 2G";
    let Some((number, unit)) = split_number(s) else {
        bail!("invalid size '{s}': {hint}");
    };
    let factor: f64 = match unit.as_str() {
        "" | "b" => 1.0,
        "k" | "kib" => 1024.0,
        "m" | "mib" => 1024.0 * 1024.0,
        "g" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        _ => bail!("invalid size '{s}': unknown unit '{unit}'; {hint}"),
    };
    let bytes = (number * factor).round();
    if bytes >= u64::MAX as f64 {
        bail!("invalid size '{s}': too large");
    }
    Ok(bytes as u64)
}

/// `YYYY-MM-DD` (UTC) for Unix seconds, without a date library: the
/// days-to-civil algorithm from Howard Hinnant's `chrono`-compatible notes.
pub fn format_date(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
