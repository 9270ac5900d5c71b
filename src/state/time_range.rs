//! The time range a view shows: a relative preset ("last 1 hour", which moves with time)
//! or an absolute range, its URL form (`from`/`until` as the original UI writes them:
//! `now-1h`/`now`, or unix seconds), validation, and the timeline's pan and zoom-out.

/// Unix seconds.
pub type UnixSecs = i64;

/// Quick presets, in the original's order (two columns of eight).
pub const PRESETS: &[(&str, &str)] = &[
    ("now-5m", "Last 5 minutes"),
    ("now-15m", "Last 15 minutes"),
    ("now-30m", "Last 30 minutes"),
    ("now-1h", "Last 1 hour"),
    ("now-3h", "Last 3 hours"),
    ("now-6h", "Last 6 hours"),
    ("now-12h", "Last 12 hours"),
    ("now-24h", "Last 24 hours"),
    ("now-2d", "Last 2 days"),
    ("now-7d", "Last 7 days"),
    ("now-30d", "Last 30 days"),
    ("now-90d", "Last 90 days"),
    ("now-6M", "Last 6 months"),
    ("now-1y", "Last 1 year"),
    ("now-2y", "Last 2 years"),
    ("now-5y", "Last 5 years"),
];

/// The shortest range a user can select, in seconds (one timeline step).
pub const MIN_SPAN: i64 = 10;

/// A time range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeRange {
    /// `now-<offset>` until now, e.g. `now-1h`.
    Relative(String),
    /// Fixed unix seconds `[from, until)`.
    Absolute {
        /// Start.
        from: UnixSecs,
        /// End.
        until: UnixSecs,
    },
}

impl Default for TimeRange {
    fn default() -> Self {
        TimeRange::Relative("now-1h".into())
    }
}

/// Why a custom range was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeError {
    /// From is not before until.
    Inverted,
    /// A field is not a date.
    Unreadable(String),
}

impl std::fmt::Display for RangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RangeError::Inverted => f.write_str("invalid date range: from must be before until"),
            RangeError::Unreadable(s) => write!(f, "not a date: {s:?}"),
        }
    }
}

impl TimeRange {
    /// Reads `from`/`until` URL values. `now-…` with `until=now` is relative; digits are
    /// unix seconds (or ms/µs/ns by length). Anything else falls back to the default.
    #[must_use]
    pub fn from_params(from: Option<&str>, until: Option<&str>) -> TimeRange {
        let (Some(from), until) = (from, until.unwrap_or("now")) else {
            return TimeRange::default();
        };
        if from.starts_with("now-") && until == "now" && preset_offset(from).is_some() {
            return TimeRange::Relative(from.to_string());
        }
        match (parse_unix(from), parse_unix(until)) {
            (Some(f), Some(u)) if f < u => TimeRange::Absolute { from: f, until: u },
            _ => TimeRange::default(),
        }
    }

    /// The `from` and `until` URL values.
    #[must_use]
    pub fn to_params(&self) -> (String, String) {
        match self {
            TimeRange::Relative(from) => (from.clone(), "now".into()),
            TimeRange::Absolute { from, until } => (from.to_string(), until.to_string()),
        }
    }

    /// The concrete window at time `now`.
    #[must_use]
    pub fn resolve(&self, now: UnixSecs) -> (UnixSecs, UnixSecs) {
        match self {
            TimeRange::Relative(from) => (now - preset_offset(from).unwrap_or(3_600), now),
            TimeRange::Absolute { from, until } => (*from, *until),
        }
    }

    /// The preset label ("Last 1 hour"), or `None` for absolute ranges.
    #[must_use]
    pub fn preset_label(&self) -> Option<&'static str> {
        match self {
            TimeRange::Relative(from) => PRESETS.iter().find(|(k, _)| k == from).map(|(_, l)| *l),
            TimeRange::Absolute { .. } => None,
        }
    }

    /// A custom range from two user inputs, validated.
    pub fn custom(from: UnixSecs, until: UnixSecs) -> Result<TimeRange, RangeError> {
        if from >= until {
            return Err(RangeError::Inverted);
        }
        Ok(TimeRange::Absolute { from, until })
    }

    /// The range moved by half its width; `direction` −1 is earlier, +1 later.
    #[must_use]
    pub fn pan(&self, now: UnixSecs, direction: i64) -> TimeRange {
        let (from, until) = self.resolve(now);
        let step = (until - from) / 2 * direction.signum();
        TimeRange::Absolute {
            from: from + step,
            until: until + step,
        }
    }

    /// The range twice as wide around the same centre.
    #[must_use]
    pub fn zoom_out(&self, now: UnixSecs) -> TimeRange {
        let (from, until) = self.resolve(now);
        let half = (until - from) / 2;
        TimeRange::Absolute {
            from: from - half,
            until: until + half,
        }
    }

    /// The range selected by dragging on the timeline; too-short selections widen to
    /// [`MIN_SPAN`].
    #[must_use]
    pub fn selected(a: UnixSecs, b: UnixSecs) -> TimeRange {
        let (from, until) = (a.min(b), a.max(b));
        TimeRange::Absolute {
            from,
            until: until.max(from + MIN_SPAN),
        }
    }
}

/// Seconds of a preset offset such as `now-1h`, `now-6M`, `now-5y`.
fn preset_offset(from: &str) -> Option<i64> {
    let rest = from.strip_prefix("now-")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let n: i64 = rest.get(..digits)?.parse().ok()?;
    let unit = match rest.get(digits..)? {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        "M" => 30 * 86_400,
        "y" => 365 * 86_400,
        _ => return None,
    };
    n.checked_mul(unit)
}

/// Unix seconds from digits: 13 digits are ms, 16 µs, 19 ns, else seconds.
fn parse_unix(s: &str) -> Option<UnixSecs> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    Some(match s.len() {
        13 => n / 1_000,
        16 => n / 1_000_000,
        19 => n / 1_000_000_000,
        _ => n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn presets_are_relative_and_round_trip_through_the_url() {
        for (key, _) in PRESETS {
            let r = TimeRange::from_params(Some(key), Some("now"));
            assert_eq!(r, TimeRange::Relative(key.to_string()));
            let (f, u) = r.to_params();
            assert_eq!(TimeRange::from_params(Some(&f), Some(&u)), r);
        }
        assert_eq!(
            TimeRange::from_params(Some("now-1y"), None).resolve(NOW),
            (NOW - 365 * 86_400, NOW)
        );
        assert_eq!(
            TimeRange::from_params(Some("now-6M"), Some("now")).preset_label(),
            Some("Last 6 months")
        );
    }

    #[test]
    fn absolute_ranges_round_trip_and_accept_milliseconds() {
        let r = TimeRange::from_params(Some("1700000000"), Some("1700003600"));
        assert_eq!(
            r,
            TimeRange::Absolute {
                from: NOW,
                until: NOW + 3_600
            }
        );
        let (f, u) = r.to_params();
        assert_eq!(TimeRange::from_params(Some(&f), Some(&u)), r);
        assert_eq!(
            TimeRange::from_params(Some("1700000000000"), Some("1700000060000")).resolve(0),
            (NOW, NOW + 60)
        );
    }

    #[test]
    fn garbage_falls_back_to_the_last_hour() {
        for (f, u) in [
            ("yesterday", "now"),
            ("1700000100", "1700000000"),
            ("now-3q", "now"),
        ] {
            assert_eq!(
                TimeRange::from_params(Some(f), Some(u)),
                TimeRange::default(),
                "{f} {u}"
            );
        }
        assert_eq!(TimeRange::from_params(None, None), TimeRange::default());
    }

    #[test]
    fn custom_ranges_are_validated() {
        assert_eq!(TimeRange::custom(10, 10), Err(RangeError::Inverted));
        assert!(TimeRange::custom(10, 20).is_ok());
    }

    #[test]
    fn pan_moves_by_half_a_window_and_zoom_out_doubles_it() {
        let r = TimeRange::Relative("now-1h".into());
        assert_eq!(r.pan(NOW, -1).resolve(NOW), (NOW - 5_400, NOW - 1_800));
        assert_eq!(r.pan(NOW, 1).resolve(NOW), (NOW - 1_800, NOW + 1_800));
        assert_eq!(r.zoom_out(NOW).resolve(NOW), (NOW - 5_400, NOW + 1_800));
    }

    #[test]
    fn drag_selections_are_ordered_and_never_empty() {
        assert_eq!(
            TimeRange::selected(200, 100),
            TimeRange::Absolute {
                from: 100,
                until: 200
            }
        );
        assert_eq!(
            TimeRange::selected(100, 103),
            TimeRange::Absolute {
                from: 100,
                until: 110
            }
        );
    }
}
