//! Durations as configuration writes them: `10s`, `1m30s`, `7d`, `1y` (humantime syntax,
//! which also covers Go's `time.Duration` strings the original's config files hold), and
//! `0` for "none".

use std::fmt;
use std::time::Duration;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A duration read from or written to configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    /// Parses `0`, or a humantime duration (`10s`, `15m`, `7d`, `1y`).
    pub fn parse(s: &str) -> Result<HumanDuration, String> {
        match s.trim() {
            "0" => Ok(HumanDuration(Duration::ZERO)),
            t => humantime::parse_duration(t)
                .map(HumanDuration)
                .map_err(|e| format!("invalid duration {s:?} ({e}); write e.g. 10s, 15m, 7d")),
        }
    }

    /// `None` for zero ("off"/"forever" in the original's settings).
    #[must_use]
    pub fn non_zero(self) -> Option<Duration> {
        (!self.0.is_zero()).then_some(self.0)
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_zero() {
            f.write_str("0")
        } else {
            write!(f, "{}", humantime::format_duration(self.0))
        }
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = HumanDuration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as 10s, 15m or 7d")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<HumanDuration, E> {
                HumanDuration::parse(v).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<HumanDuration, E> {
                if v == 0 {
                    Ok(HumanDuration(Duration::ZERO))
                } else {
                    Err(E::custom(format!(
                        "{v} has no unit; write e.g. {v}s or {v}m"
                    )))
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_configs_forms_and_prints_them_back() {
        for (text, secs) in [("10s", 10), ("1m30s", 90), ("7d", 7 * 86_400), ("0", 0)] {
            let d = HumanDuration::parse(text).unwrap();
            assert_eq!(d.0.as_secs(), secs, "{text}");
            assert_eq!(HumanDuration::parse(&d.to_string()).unwrap(), d);
        }
        assert!(HumanDuration::parse("ten").is_err());
        assert_eq!(HumanDuration::parse("0").unwrap().non_zero(), None);
    }
}
