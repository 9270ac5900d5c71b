//! The `/ingest` query string (spec §4.1–4.3): the series key, the time window and the
//! metadata every body format shares.

use std::collections::HashMap;

use cinder_profile::selector::SeriesKey;

use crate::base::time::{parse_time, UnixSecs};
use crate::base::Window;
use crate::error::AppError;
use crate::store::{Aggregation, SeriesMeta};

/// How the body is encoded, chosen from `format` and `Content-Type` (spec §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// `frame;frame count` lines (the default).
    Folded,
    /// One stack per line, no counts.
    Lines,
    /// The binary `tree` format.
    Tree,
    /// The binary `trie` format of the old Go agent.
    Trie,
    /// A raw pprof body (gzip optional).
    Pprof,
    /// `multipart/form-data` with `profile`, `prev_profile`, `sample_type_config` parts.
    Multipart,
}

impl BodyFormat {
    /// The format's name in metrics (`format` label).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            BodyFormat::Folded => "folded",
            BodyFormat::Lines => "lines",
            BodyFormat::Tree => "tree",
            BodyFormat::Trie => "trie",
            BodyFormat::Pprof => "pprof",
            BodyFormat::Multipart => "multipart",
        }
    }

    /// First matching rule wins: trie, tree, lines, pprof, multipart Content-Type, folded.
    /// A multipart Content-Type wins over `format=pprof`, since some agents send both.
    pub fn choose(format: &str, content_type: &str) -> Result<BodyFormat, AppError> {
        let multipart = content_type
            .to_ascii_lowercase()
            .contains("multipart/form-data");
        Ok(match format {
            "trie" => BodyFormat::Trie,
            "tree" => BodyFormat::Tree,
            "lines" => BodyFormat::Lines,
            _ if content_type == "binary/octet-stream+trie" => BodyFormat::Trie,
            _ if content_type == "binary/octet-stream+tree" => BodyFormat::Tree,
            "jfr" | "speedscope" => {
                return Err(AppError::BadBody(format!(
                    "format {format:?} is not supported"
                )))
            }
            _ if multipart => BodyFormat::Multipart,
            "pprof" => BodyFormat::Pprof,
            _ => BodyFormat::Folded,
        })
    }
}

/// A parsed `/ingest` request line.
#[derive(Debug, Clone)]
pub struct IngestParams {
    /// Series key from `name` (for pprof, the app name gets a per-type suffix).
    pub key: SeriesKey,
    /// Time covered, snapped to 10 s.
    pub window: Window,
    /// Metadata from `spyName`, `sampleRate`, `units`, `aggregationType`.
    pub meta: SeriesMeta,
    /// The raw `format` parameter.
    pub format: String,
}

impl IngestParams {
    /// Parses the query pairs. `now` is used for missing times.
    pub fn parse(q: &HashMap<String, String>, now: UnixSecs) -> Result<IngestParams, AppError> {
        let name = q.get("name").map(String::as_str).unwrap_or("");
        let key =
            SeriesKey::parse(name).map_err(|e| AppError::InvalidParameter(format!("name: {e}")))?;
        let from = parse_time(q.get("from").map_or("", String::as_str), now);
        let until = parse_time(q.get("until").map_or("", String::as_str), now);
        if until < from {
            return Err(AppError::InvalidParameter(format!(
                "until ({until}) is before from ({from})"
            )));
        }
        let meta = SeriesMeta {
            spy_name: q
                .get("spyName")
                .cloned()
                .unwrap_or_else(|| "unknown".into()),
            sample_rate: q
                .get("sampleRate")
                .and_then(|s| s.parse().ok())
                .unwrap_or(100),
            units: q
                .get("units")
                .filter(|u| !u.is_empty())
                .cloned()
                .unwrap_or_else(|| "samples".into()),
            aggregation: Aggregation::parse(q.get("aggregationType").map_or("", String::as_str)),
        };
        Ok(IngestParams {
            key,
            window: Window::snap(from, until),
            meta,
            format: q.get("format").cloned().unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_follow_the_original() {
        let p = IngestParams::parse(&q(&[("name", "app.cpu")]), 1_700_000_005).unwrap();
        assert_eq!(p.key.normalized(), "app.cpu{}");
        assert_eq!(
            p.window,
            Window {
                start: 1_700_000_000,
                end: 1_700_000_010
            }
        );
        assert_eq!(p.meta.spy_name, "unknown");
        assert_eq!(p.meta.sample_rate, 100);
        assert_eq!(p.meta.units, "samples");
        assert_eq!(p.meta.aggregation, Aggregation::Sum);
    }

    #[test]
    fn nanosecond_times_and_metadata() {
        let p = IngestParams::parse(
            &q(&[
                ("name", "app.inuse_space{env=prod}"),
                ("from", "1700000000000000000"),
                ("until", "1700000010000000000"),
                ("sampleRate", "oops"),
                ("aggregationType", "average"),
                ("units", "bytes"),
            ]),
            0,
        )
        .unwrap();
        assert_eq!(
            p.window,
            Window {
                start: 1_700_000_000,
                end: 1_700_000_010
            }
        );
        assert_eq!(
            p.meta.sample_rate, 100,
            "non-integer rates fall back to 100"
        );
        assert_eq!(p.meta.aggregation, Aggregation::Average);
        assert_eq!(p.meta.units, "bytes");
    }

    #[test]
    fn bad_names_and_inverted_windows_are_400() {
        for pairs in [
            vec![],
            vec![("name", "bad name")],
            vec![("name", "a"), ("from", "20"), ("until", "10")],
        ] {
            let e = IngestParams::parse(&q(&pairs), 0).unwrap_err();
            assert!(matches!(e, AppError::InvalidParameter(_)), "{e:?}");
        }
    }

    #[test]
    fn format_selection_order() {
        use BodyFormat::*;
        assert_eq!(BodyFormat::choose("", "text/plain").unwrap(), Folded);
        assert_eq!(
            BodyFormat::choose("whatever", "application/x-www-form-urlencoded").unwrap(),
            Folded
        );
        assert_eq!(
            BodyFormat::choose("", "multipart/form-data; boundary=x").unwrap(),
            Multipart
        );
        assert_eq!(
            BodyFormat::choose("pprof", "binary/octet-stream").unwrap(),
            Pprof
        );
        assert_eq!(
            BodyFormat::choose("", "binary/octet-stream+trie").unwrap(),
            Trie
        );
        assert_eq!(BodyFormat::choose("lines", "").unwrap(), Lines);
        assert!(BodyFormat::choose("jfr", "").is_err());
    }
}
