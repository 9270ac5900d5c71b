//! Calendar arithmetic for display and input: unix seconds ↔ `YYYY-MM-DD HH:MM` in UTC or
//! at a fixed offset (the browser's), without a date library.

use super::time_range::UnixSecs;

/// `(year, month, day)` of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `t` as `YYYY-MM-DD HH:MM:SS` at `offset_min` minutes east of UTC.
#[must_use]
pub fn format_datetime(t: UnixSecs, offset_min: i32) -> String {
    let local = t + i64::from(offset_min) * 60;
    let (y, mo, d) = civil_from_days(local.div_euclid(86_400));
    let s = local.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3_600,
        s % 3_600 / 60,
        s % 60
    )
}

/// `t` in the form `<input type="datetime-local">` uses: `YYYY-MM-DDTHH:MM`.
#[must_use]
pub fn to_input_value(t: UnixSecs, offset_min: i32) -> String {
    let s = format_datetime(t, offset_min);
    format!(
        "{}T{}",
        s.get(..10).unwrap_or(""),
        s.get(11..16).unwrap_or("")
    )
}

/// Reads `YYYY-MM-DDTHH:MM[:SS]` at `offset_min` back to unix seconds.
#[must_use]
pub fn from_input_value(v: &str, offset_min: i32) -> Option<UnixSecs> {
    let (date, time) = v.trim().split_once(['T', ' '])?;
    let mut dp = date.split('-');
    let y: i64 = dp.next()?.parse().ok()?;
    let mo: u32 = dp.next()?.parse().ok()?;
    let d: u32 = dp.next()?.parse().ok()?;
    let mut tp = time.split(':');
    let h: i64 = tp.next()?.parse().ok()?;
    let mi: i64 = tp.next()?.parse().ok()?;
    let s: i64 = tp.next().map_or(Some(0), |x| x.parse().ok())?;
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3_600 + mi * 60 + s - i64::from(offset_min) * 60)
}

/// A short label for a time-zone choice: `UTC` or `UTC+02:00`.
#[must_use]
pub fn zone_label(offset_min: i32) -> String {
    if offset_min == 0 {
        return "UTC".into();
    }
    let sign = if offset_min < 0 { '-' } else { '+' };
    let a = offset_min.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", a / 60, a % 60)
}

/// Unix seconds of an RFC 3339 UTC time as the server writes it (`2023-11-14T22:13:20Z`,
/// fractions ignored); `None` for anything else.
#[must_use]
pub fn parse_rfc3339(s: &str) -> Option<UnixSecs> {
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    let mut d = date.splitn(3, '-').map(str::parse::<i64>);
    let (y, m, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let time = time.split('.').next()?;
    let mut t = time.splitn(3, ':').map(str::parse::<i64>);
    let (h, min, sec) = (t.next()?.ok()?, t.next()?.ok()?, t.next()?.ok()?);
    let valid = (1..=12).contains(&m) && (1..=31).contains(&day) && h < 24 && min < 60 && sec < 61;
    let days = days_from_civil(y, u32::try_from(m).ok()?, u32::try_from(day).ok()?);
    valid.then(|| days * 86_400 + h * 3_600 + min * 60 + sec)
}

/// `t` relative to `now` in words: `just now`, `5 minutes ago`, `in 3 days`.
#[must_use]
pub fn relative(t: UnixSecs, now: UnixSecs) -> String {
    let d = t - now;
    let a = d.unsigned_abs();
    if a < 60 {
        return "just now".into();
    }
    let (n, unit) = match a {
        0..3_600 => (a / 60, "minute"),
        3_600..86_400 => (a / 3_600, "hour"),
        86_400..2_592_000 => (a / 86_400, "day"),
        2_592_000..31_536_000 => (a / 2_592_000, "month"),
        _ => (a / 31_536_000, "year"),
    };
    let plural = if n == 1 { "" } else { "s" };
    if d > 0 {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_utc_and_at_an_offset() {
        assert_eq!(format_datetime(1_700_000_000, 0), "2023-11-14 22:13:20");
        assert_eq!(format_datetime(1_700_000_000, 120), "2023-11-15 00:13:20");
        assert_eq!(format_datetime(0, -60), "1969-12-31 23:00:00");
    }

    #[test]
    fn input_values_round_trip() {
        for (t, off) in [
            (1_700_000_040, 0),
            (1_700_000_040, 330),
            (951_782_400, -480),
        ] {
            let v = to_input_value(t, off);
            assert_eq!(from_input_value(&v, off), Some(t), "{v}");
        }
        assert!(
            from_input_value("2024-02-30T10:00", 0).is_some(),
            "lenient day check"
        );
        assert_eq!(from_input_value("garbage", 0), None);
        assert_eq!(from_input_value("2024-13-01T10:00", 0), None);
    }

    #[test]
    fn zone_labels() {
        assert_eq!(zone_label(0), "UTC");
        assert_eq!(zone_label(-330), "UTC-05:30");
        assert_eq!(zone_label(60), "UTC+01:00");
    }

    #[test]
    fn rfc3339_times_parse_and_read_as_relative_words() {
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00.5Z"), Some(0));
        assert_eq!(parse_rfc3339("2023-11-14 22:13:20"), None);
        assert_eq!(parse_rfc3339("2023-13-14T22:13:20Z"), None);
        let now = 1_700_000_000;
        assert_eq!(relative(now + 10, now), "just now");
        assert_eq!(relative(now - 120, now), "2 minutes ago");
        assert_eq!(relative(now + 3_600, now), "in 1 hour");
        assert_eq!(relative(now + 3 * 86_400, now), "in 3 days");
        assert_eq!(relative(now - 400 * 86_400, now), "1 year ago");
    }
}
