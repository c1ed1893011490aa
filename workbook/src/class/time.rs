//! Report timestamps: UTC, RFC 3339 to the second (`2026-11-27T03:26:40Z`),
//! written by `report` and read back by `class` as seconds since 1970.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::workspace::civil_from_days;

/// Seconds since 1970-01-01 UTC; 0 before it.
pub fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `t` as `2026-11-27T03:26:40Z`.
pub fn rfc3339(t: SystemTime) -> String {
    format_unix(unix(t))
}

/// Seconds since 1970 as `2026-11-27T03:26:40Z`.
pub fn format_unix(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// The time of day of `secs`, `03:26`, as the view shows it.
pub fn clock(secs: u64) -> String {
    let rem = secs % 86_400;
    format!("{:02}:{:02}", rem / 3600, (rem % 3600) / 60)
}

/// Reads `2026-11-27T03:26:40Z` (also with fractional seconds, or a
/// `+hh:mm` offset) back into seconds since 1970; `None` if it is not one.
pub fn parse(text: &str) -> Option<u64> {
    let text = text.trim();
    let (date, rest) = text.split_once(['T', 't', ' '])?;
    let mut ymd = date.splitn(3, '-');
    let y: i64 = ymd.next()?.parse().ok()?;
    let m: u32 = ymd.next()?.parse().ok()?;
    let d: u32 = ymd.next()?.parse().ok()?;
    let (clock, offset) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => rest.split_at(i),
        None => (rest, "Z"),
    };
    let mut hms = clock.splitn(3, ':');
    let h: i64 = hms.next()?.parse().ok()?;
    let min: i64 = hms.next()?.parse().ok()?;
    // Whole seconds: a fraction, if any, is dropped.
    let s: i64 = hms.next().unwrap_or("0").split('.').next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || h > 23 || min > 59 || s > 60 {
        return None;
    }
    let offset_secs: i64 = match offset {
        "Z" | "z" => 0,
        o => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (oh, om) = o[1..].split_once(':')?;
            sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60)
        }
    };
    let secs = days_from_civil(y, m, d) * 86_400 + h * 3600 + min * 60 + s - offset_secs;
    u64::try_from(secs).ok()
}

/// (year, month, day) to days since 1970-01-01 (Howard Hinnant's
/// algorithm, the inverse of `civil_from_days`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        for secs in [0, 1_795_750_000, 951_782_400, 4_102_444_799] {
            assert_eq!(parse(&format_unix(secs)), Some(secs), "{secs}");
        }
        assert_eq!(format_unix(1_795_750_000), "2026-11-27T03:26:40Z");
        assert_eq!(parse("2026-11-27T04:26:40.5+01:00"), Some(1_795_750_000));
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("2026-13-01T00:00:00Z"), None);
        assert_eq!(clock(1_795_750_000), "03:26");
    }
}
