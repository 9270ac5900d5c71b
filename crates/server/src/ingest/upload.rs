//! The typed entry point of ingestion: an [`Upload`] (series key, time window, metadata
//! and a profile in one of the body formats) becomes the [`Write`]s it stands for, or an
//! [`IngestError`] saying why not. `/ingest` builds an `Upload` from its query string and
//! body; the scraper (`jobs::scrape`) builds one from a fetched profile, without query
//! strings or HTTP errors. Nothing is stored here: the caller hands the writes to the
//! write queue.
//!
//! Text formats keep the app name as given (agents include the `.cpu` suffix); pprof
//! appends a suffix per sample type and lifts string sample labels into series labels
//! (the key's own labels win).

use bytes::Bytes;
use cinder_profile::pprof::{
    self, DecodeOptions, DecodedProfile, FrameNames, OgSeries, SampleTypeConfigs,
};
use cinder_profile::selector::SeriesKey;
use cinder_profile::{DecodeError, Tree, WarningKind};

use super::{Limits, EXEMPLAR_LABELS};
use crate::base::Window;
use crate::error::AppError;
use crate::store::{SeriesMeta, Write};

/// One profile to ingest, however it arrived.
#[derive(Debug, Clone)]
pub struct Upload {
    /// Series key: the app name (for pprof, without the per-type suffix) and labels.
    pub key: SeriesKey,
    /// Time covered, snapped to the 10 s grid.
    pub window: Window,
    /// Spy name, sample rate, units and aggregation (pprof profiles bring their own rate,
    /// units and aggregation per sample type; only the spy name is taken from here).
    pub meta: SeriesMeta,
    /// The profile.
    pub payload: Payload,
}

/// A profile in one of the formats ingestion reads (spec §4.4).
#[derive(Debug, Clone)]
pub enum Payload {
    /// `frame;frame count` lines.
    Folded(Bytes),
    /// One stack per line, no counts.
    Lines(Bytes),
    /// The binary `tree` format.
    Tree(Bytes),
    /// The binary `trie` format of the old Go agent.
    Trie(Bytes),
    /// A pprof profile (gzip optional).
    Pprof(PprofPayload),
}

/// A pprof profile, with what decides how its sample types are stored.
#[derive(Debug, Clone, Default)]
pub struct PprofPayload {
    /// The profile (gzip optional).
    pub profile: Bytes,
    /// The previous profile of the same process: cumulative sample types are stored as
    /// the difference to it; without it they are not stored (the first only primes).
    pub previous: Option<Bytes>,
    /// Storage of the sample types it names (the rest get Cinder's defaults).
    pub sample_types: Option<SampleTypeConfigs>,
}

/// Why an upload cannot be stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// The profile cannot be parsed, or a sample type cannot be named.
    #[error("{0}")]
    BadBody(String),
    /// The profile decompresses to more than the limit.
    #[error("{0}")]
    TooLarge(String),
}

impl From<&DecodeError> for IngestError {
    fn from(e: &DecodeError) -> Self {
        match e {
            DecodeError::TooLarge { .. } => IngestError::TooLarge(e.to_string()),
            _ => IngestError::BadBody(e.to_string()),
        }
    }
}

impl From<IngestError> for AppError {
    fn from(e: IngestError) -> Self {
        match e {
            IngestError::BadBody(m) => AppError::BadBody(m),
            IngestError::TooLarge(m) => AppError::TooLarge(m),
        }
    }
}

impl Upload {
    /// The writes this upload stands for, parsed and validated completely.
    pub fn writes(&self, limits: &Limits) -> Result<Vec<Write>, IngestError> {
        let single = |tree: Tree| {
            vec![Write {
                key: self.key.clone(),
                meta: self.meta.clone(),
                window: self.window,
                tree,
            }]
        };
        match &self.payload {
            Payload::Folded(body) => Ok(single(folded(body)?)),
            Payload::Lines(body) => Ok(single(Tree::from_lines(body).0)),
            Payload::Tree(body) => Ok(single(
                Tree::from_tree_format(body).map_err(|e| IngestError::from(&e))?,
            )),
            Payload::Trie(body) => Ok(single(
                Tree::from_trie_format(body).map_err(|e| IngestError::from(&e))?,
            )),
            Payload::Pprof(p) => self.pprof_writes(p, limits),
        }
    }

    /// pprof: one write per sample type and label set (every type is kept, see
    /// `cinder_profile::pprof::resolve`). The profile's own period and units decide the
    /// sample rate; the metadata's rate is ignored (Node sends 17 or 66 for ~100 Hz).
    fn pprof_writes(&self, p: &PprofPayload, limits: &Limits) -> Result<Vec<Write>, IngestError> {
        let profile = self.decode(&p.profile, limits)?;
        let previous = p
            .previous
            .as_ref()
            .filter(|b| !b.is_empty())
            .map(|b| self.decode(b, limits))
            .transpose()?;
        let configs = profile
            .resolve_configs(p.sample_types.as_ref())
            .map_err(|e| IngestError::from(&e))?;
        let configs: Vec<_> = configs.into_iter().map(Some).collect();
        let series = profile.series_with(&configs, previous.as_ref());
        Ok(series
            .into_iter()
            .map(|s| og_write(&self.key, &self.meta.spy_name, self.window, s))
            .collect())
    }

    fn decode(&self, body: &[u8], limits: &Limits) -> Result<DecodedProfile, IngestError> {
        let frame_names = if self.meta.spy_name == "rbspy" {
            FrameNames::FileLineFunction
        } else {
            FrameNames::Function
        };
        let options = DecodeOptions {
            max_decompressed: limits.max_decompressed,
            frame_names,
        };
        pprof::decode(body, &options).map_err(|e| IngestError::from(&e))
    }
}

/// Folded text; a count that is not a number fails the whole upload (422), as in the
/// original. Blank lines, CRLF endings and lines without a count are tolerated.
fn folded(body: &[u8]) -> Result<Tree, IngestError> {
    let (tree, warnings) = Tree::from_folded_bytes(body);
    match warnings
        .iter()
        .find(|w| matches!(w.kind, WarningKind::BadCount(_)))
    {
        Some(w) => Err(IngestError::BadBody(w.to_string())),
        None => Ok(tree),
    }
}

/// Builds the write of one pprof series: `<app>.<suffix>{key labels + pprof labels}`.
pub(super) fn og_write(base: &SeriesKey, spy_name: &str, window: Window, s: OgSeries) -> Write {
    let mut key = SeriesKey::new(format!("{}.{}", base.app, s.suffix), base.labels.clone());
    key.add_missing_labels(
        s.labels
            .iter()
            .filter(|(k, _)| !EXEMPLAR_LABELS.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let meta = SeriesMeta {
        spy_name: spy_name.to_string(),
        sample_rate: s.sample_rate,
        units: s.units,
        aggregation: s.aggregation,
    };
    Write {
        key,
        meta,
        window,
        tree: s.tree,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cinder_profile::pprof::{encode, EncodeOptions};

    fn upload(payload: Payload) -> Upload {
        Upload {
            key: SeriesKey::parse("app{env=prod}").unwrap(),
            window: Window::snap(1_700_000_000, 1_700_000_010),
            meta: SeriesMeta {
                spy_name: "scrape".into(),
                ..SeriesMeta::default()
            },
            payload,
        }
    }

    fn pprof_of(folded: &str, sample_type: &str, unit: &str) -> Bytes {
        let (tree, _) = Tree::from_folded_bytes(folded.as_bytes());
        let options = EncodeOptions {
            sample_type: sample_type.into(),
            unit: unit.into(),
            ..EncodeOptions::export(unit, 1_700_000_000)
        };
        Bytes::from(encode(&tree, &options))
    }

    #[test]
    fn folded_uploads_keep_their_key_and_bad_counts_are_refused() {
        let w = upload(Payload::Folded(Bytes::from_static(b"a;b 3\n")))
            .writes(&Limits::default())
            .unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].key.normalized(), "app{env=prod}");
        assert_eq!(w[0].tree.total_ticks().0, 3);
        let e = upload(Payload::Folded(Bytes::from_static(b"a;b x\n")))
            .writes(&Limits::default())
            .unwrap_err();
        assert!(matches!(e, IngestError::BadBody(_)), "{e:?}");
    }

    #[test]
    fn cumulative_pprof_types_are_deltas_to_the_previous_profile() {
        let first = pprof_of("main;alloc 100\n", "alloc_space", "bytes");
        let second = pprof_of("main;alloc 160\nmain;other 5\n", "alloc_space", "bytes");
        let only_first = upload(Payload::Pprof(PprofPayload {
            profile: first.clone(),
            ..PprofPayload::default()
        }));
        assert!(
            only_first.writes(&Limits::default()).unwrap().is_empty(),
            "without a previous profile a cumulative type only primes"
        );
        let delta = upload(Payload::Pprof(PprofPayload {
            profile: second,
            previous: Some(first),
            sample_types: None,
        }))
        .writes(&Limits::default())
        .unwrap();
        assert_eq!(delta.len(), 1);
        assert_eq!(delta[0].key.normalized(), "app.alloc_space{env=prod}");
        assert_eq!(delta[0].meta.spy_name, "scrape");
        assert_eq!(delta[0].tree.total_ticks().0, 65);
    }

    #[test]
    fn garbage_and_oversized_profiles_are_typed_errors() {
        let garbage = upload(Payload::Pprof(PprofPayload {
            profile: Bytes::from_static(b"<html>not a profile</html>"),
            ..PprofPayload::default()
        }));
        let e = garbage.writes(&Limits::default()).unwrap_err();
        assert!(matches!(e, IngestError::BadBody(_)), "{e:?}");
        let big = pprof_of(&"main;f 1\n".repeat(10), "samples", "count");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &big).unwrap();
        let tiny = Limits {
            max_decompressed: 8,
            ..Limits::default()
        };
        let e = upload(Payload::Pprof(PprofPayload {
            profile: Bytes::from(gz.finish().unwrap()),
            ..PprofPayload::default()
        }))
        .writes(&tiny)
        .unwrap_err();
        assert!(matches!(e, IngestError::TooLarge(_)), "{e:?}");
        assert_eq!(
            AppError::from(e).to_string().split(':').next(),
            Some("request body too large")
        );
    }
}
