//! The server's one reading of the wall clock and its one time format: unix seconds (what
//! the store, sessions, keys and retention count in) and RFC 3339 (what the JSON APIs and
//! file names show).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::time::UnixSecs;

/// Now, in whole unix seconds (0 if the clock is before 1970).
#[must_use]
pub fn unix_now() -> UnixSecs {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The retention boundary at `now`: data that ended before it is dropped.
#[must_use]
pub fn retention_cutoff(now: UnixSecs, retention: Duration) -> UnixSecs {
    now.saturating_sub(i64::try_from(retention.as_secs()).unwrap_or(i64::MAX))
}

/// Unix seconds as RFC 3339 (`2023-11-14T22:13:20Z`), as Go encodes `time.Time`; times
/// before 1970 show as the epoch.
#[must_use]
pub fn rfc3339(t: UnixSecs) -> String {
    let st = UNIX_EPOCH + Duration::from_secs(u64::try_from(t).unwrap_or(0));
    humantime::format_rfc3339_seconds(st).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_cutoffs() {
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(-5), "1970-01-01T00:00:00Z");
        let day = Duration::from_secs(86_400);
        assert_eq!(retention_cutoff(1_700_000_000, day), 1_699_913_600);
        assert_eq!(retention_cutoff(10, Duration::MAX), 10 - i64::MAX);
        // A sanity bound, not a timing: the clock reads after this file was written.
        assert!(unix_now() > 1_700_000_000);
    }
}
