//! Time expressions as the original server reads `from`, `until` and friends (spec §6.9):
//! unix times in s/ms/µs/ns by digit count, `YYYYMMDD` dates, and `now-1h30m`-style
//! offsets. Agents send seconds; Grafana's Go agent sends nanoseconds.

/// Unix seconds.
pub type UnixSecs = i64;

/// Parses a time expression relative to `now`. Never fails: like the original, unknown
/// units count as zero and garbage means "now".
#[must_use]
pub fn parse_time(expr: &str, now: UnixSecs) -> UnixSecs {
    let s: String = expr
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != ',')
        .collect();
    if s.is_empty() {
        return now;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return parse_digits(&s).unwrap_or(now);
    }
    let split = s.find('+').or_else(|| s.find('-'));
    match split {
        Some(i) => now.saturating_add(parse_offset(&s[i..])),
        None => now,
    }
}

fn parse_digits(s: &str) -> Option<UnixSecs> {
    if s.len() == 8 {
        if let Some(t) = parse_yyyymmdd(s) {
            return Some(t);
        }
    }
    let n: i128 = s.parse().ok()?;
    let secs = match s.len() {
        13 => n / 1_000,
        16 => n / 1_000_000,
        19 => n / 1_000_000_000,
        _ => n,
    };
    i64::try_from(secs).ok()
}

fn parse_yyyymmdd(s: &str) -> Option<UnixSecs> {
    let y: i64 = s.get(0..4)?.parse().ok()?;
    let m: i64 = s.get(4..6)?.parse().ok()?;
    let d: i64 = s.get(6..8)?.parse().ok()?;
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `-1h30m` → −5400. The leading sign applies to every `<number><unit>` group.
fn parse_offset(s: &str) -> i64 {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'-') => (-1, &s[1..]),
        Some(b'+') => (1, &s[1..]),
        _ => (1, s),
    };
    let mut total: i64 = 0;
    let mut rest = body;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: i64 = rest[..digits].parse().unwrap_or(0);
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        total = total.saturating_add(n.saturating_mul(unit_seconds(&rest[..unit_len])));
        rest = &rest[unit_len..];
        if digits == 0 && unit_len == 0 {
            break;
        }
    }
    sign * total
}

fn unit_seconds(unit: &str) -> i64 {
    const DAY: i64 = 86_400;
    if unit.starts_with("mon") || unit.starts_with('M') {
        30 * DAY
    } else if unit.starts_with("min") || unit.starts_with('m') {
        60
    } else if unit.starts_with('s') {
        1
    } else if unit.starts_with('h') {
        3_600
    } else if unit.starts_with('d') {
        DAY
    } else if unit.starts_with('w') {
        7 * DAY
    } else if unit.starts_with('y') {
        365 * DAY
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn unix_times_by_digit_count() {
        assert_eq!(parse_time("1700000123", NOW), 1_700_000_123);
        assert_eq!(parse_time("1700000123456", NOW), 1_700_000_123);
        assert_eq!(parse_time("1700000123456789", NOW), 1_700_000_123);
        assert_eq!(parse_time("1700000123456789012", NOW), 1_700_000_123);
        assert_eq!(parse_time("1_700_000_123", NOW), 1_700_000_123);
    }

    #[test]
    fn dates_as_yyyymmdd() {
        assert_eq!(parse_time("20231114", NOW), 1_699_920_000);
        assert_eq!(parse_time("20240229", NOW), 1_709_164_800);
        // Not a valid date: read as a plain number of seconds.
        assert_eq!(parse_time("20231399", NOW), 20_231_399);
    }

    #[test]
    fn relative_offsets() {
        assert_eq!(parse_time("now", NOW), NOW);
        assert_eq!(parse_time("", NOW), NOW);
        assert_eq!(parse_time("now-1h", NOW), NOW - 3_600);
        assert_eq!(parse_time("now-1h30m", NOW), NOW - 5_400);
        assert_eq!(parse_time("now-30min", NOW), NOW - 1_800);
        assert_eq!(parse_time("now-7d", NOW), NOW - 7 * 86_400);
        assert_eq!(parse_time("now+1d", NOW), NOW + 86_400);
        assert_eq!(parse_time("now-1M", NOW), NOW - 30 * 86_400);
        assert_eq!(parse_time("now-1m", NOW), NOW - 60);
        assert_eq!(parse_time("now-2y", NOW), NOW - 2 * 365 * 86_400);
        assert_eq!(parse_time("now-5q", NOW), NOW);
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "-",
            "+",
            "now--",
            "x-1h",
            "now-99999999999999999999y",
            "ééé-1h",
            "-h5",
        ] {
            let _ = parse_time(s, NOW);
        }
        assert_eq!(parse_time("x-1h", NOW), NOW - 3_600);
    }
}
