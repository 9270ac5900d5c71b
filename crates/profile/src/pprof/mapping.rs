//! The original server's mapping from pprof sample types to Pyroscope series
//! (pyroscope-api.md §4.5): series suffix (`cpu`, `alloc_space`, …), units, aggregation,
//! whether the type is cumulative (stored as the delta to `prev_profile`) and whether it
//! is sampled (has a sample rate). Agents may replace the table with a
//! `sample_type_config` JSON part, read by [`SampleTypeConfigs::from_json`].

use std::collections::BTreeMap;

use serde::Deserialize;

use super::decode::{DecodedProfile, LabelSet};
use super::resolve::{is_nanoseconds, NANOSECOND_RATE};
use crate::error::DecodeError;
use crate::tree::Tree;

/// How a series' trees combine over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Aggregation {
    /// Trees are summed (CPU, allocations, lock counts).
    #[default]
    Sum,
    /// Trees are summed then divided by the number of writes (in-use memory, goroutines).
    Average,
}

impl Aggregation {
    /// Reads the original's strings: `average` or `avg` is average, anything else (the
    /// empty string included) is sum.
    #[must_use]
    pub fn parse(text: &str) -> Aggregation {
        match text {
            "average" | "avg" => Aggregation::Average,
            _ => Aggregation::Sum,
        }
    }

    /// `sum` or `average`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregation::Sum => "sum",
            Aggregation::Average => "average",
        }
    }
}

impl serde::Serialize for Aggregation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Aggregation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Aggregation::parse(&String::deserialize(d)?))
    }
}

/// How one pprof sample type is stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
pub struct SampleTypeConfig {
    /// Units of the series; empty means the pprof unit string.
    pub units: String,
    /// Series suffix; empty means the sample type's own name.
    #[serde(rename = "display-name")]
    pub display_name: String,
    /// Aggregation of the series.
    pub aggregation: Aggregation,
    /// True when values only grow over a process's life, so the stored value is the
    /// difference to the previous profile.
    pub cumulative: bool,
    /// True when the values are samples taken every `period`, giving a sample rate.
    pub sampled: bool,
}

/// A mapping from pprof sample type names to their storage (in the original, types not in
/// it are dropped; Cinder resolves them with [`super::default_config`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(transparent)]
pub struct SampleTypeConfigs(pub BTreeMap<String, SampleTypeConfig>);

/// One series to write, as the original's pprof ingestion produces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OgSeries {
    /// Index of the pprof sample type.
    pub sample_type: usize,
    /// Series suffix: the key is `<app>.<suffix>{labels}`.
    pub suffix: String,
    /// Units of the series.
    pub units: String,
    /// Aggregation of the series.
    pub aggregation: Aggregation,
    /// Samples per second for sampled types, else 0.
    pub sample_rate: u32,
    /// The samples' string labels (merge them with the URL labels; URL labels win).
    pub labels: LabelSet,
    /// The data.
    pub tree: Tree,
}

fn entry(
    units: &str,
    name: &str,
    aggregation: Aggregation,
    cumulative: bool,
    sampled: bool,
) -> SampleTypeConfig {
    SampleTypeConfig {
        units: units.into(),
        display_name: name.into(),
        aggregation,
        cumulative,
        sampled,
    }
}

impl SampleTypeConfigs {
    /// The original's default table.
    #[must_use]
    pub fn og_default() -> SampleTypeConfigs {
        use Aggregation::{Average, Sum};
        let table = [
            ("samples", entry("samples", "cpu", Sum, false, true)),
            (
                "inuse_objects",
                entry("objects", "inuse_objects", Average, false, false),
            ),
            (
                "inuse_space",
                entry("bytes", "inuse_space", Average, false, false),
            ),
            (
                "alloc_objects",
                entry("objects", "alloc_objects", Sum, true, false),
            ),
            (
                "alloc_space",
                entry("bytes", "alloc_space", Sum, true, false),
            ),
            (
                "goroutine",
                entry("goroutines", "goroutines", Average, false, false),
            ),
            (
                "contentions",
                entry("lock_samples", "mutex_count", Sum, true, false),
            ),
            (
                "delay",
                entry("lock_nanoseconds", "mutex_duration", Sum, true, false),
            ),
        ];
        SampleTypeConfigs(table.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// Reads a `sample_type_config` part: `{"<type>": {"units", "display-name",
    /// "aggregation", "cumulative", "sampled"}}`, all keys optional.
    pub fn from_json(text: &str) -> Result<SampleTypeConfigs, DecodeError> {
        serde_json::from_str(text).map_err(|e| DecodeError::Json(e.to_string()))
    }
}

impl DecodedProfile {
    /// The series the original would write for this profile: one per sample type named in
    /// `configs` and label set; other types are dropped (Cinder's ingestion calls
    /// [`DecodedProfile::series_with`] with [`DecodedProfile::resolve_configs`] instead,
    /// which keeps every type). Cumulative types are written only with `previous` (the
    /// multipart `prev_profile`), as the difference to it.
    #[must_use]
    pub fn og_series(
        &self,
        configs: &SampleTypeConfigs,
        previous: Option<&DecodedProfile>,
    ) -> Vec<OgSeries> {
        let per_type: Vec<Option<SampleTypeConfig>> = self
            .sample_types
            .iter()
            .map(|t| configs.0.get(&t.name).cloned())
            .collect();
        self.series_with(&per_type, previous)
    }

    /// The series of this profile given one config per sample type (`None` skips the
    /// type). A sampled type measured in nanoseconds keeps its nanoseconds as ticks, at
    /// [`NANOSECOND_RATE`] ticks per second; other sampled types get the period's rate.
    #[must_use]
    pub fn series_with(
        &self,
        configs: &[Option<SampleTypeConfig>],
        previous: Option<&DecodedProfile>,
    ) -> Vec<OgSeries> {
        let mut out = Vec::new();
        for (index, sample_type) in self.sample_types.iter().enumerate() {
            let Some(Some(config)) = configs.get(index) else {
                continue;
            };
            if config.cumulative && previous.is_none() {
                continue;
            }
            let units = if config.units.is_empty() {
                &sample_type.unit
            } else {
                &config.units
            };
            let suffix = if config.display_name.is_empty() {
                &sample_type.name
            } else {
                &config.display_name
            };
            let sample_rate = match (config.sampled, is_nanoseconds(&sample_type.unit)) {
                (false, _) => 0,
                (true, true) => NANOSECOND_RATE,
                (true, false) => self.sample_rate(),
            };
            for series in &self.series {
                let Some(tree) = series.trees.get(index) else {
                    continue;
                };
                let tree = match previous.filter(|_| config.cumulative) {
                    Some(prev) => tree.subtract(&prev.tree_like(&sample_type.name, &series.labels)),
                    None => tree.clone(),
                };
                out.push(OgSeries {
                    sample_type: index,
                    suffix: suffix.clone(),
                    units: units.clone(),
                    aggregation: config.aggregation,
                    sample_rate,
                    labels: series.labels.clone(),
                    tree,
                });
            }
        }
        out
    }

    /// Samples per second: one second over the period in nanoseconds, rounded (the period's unit
    /// comes from `period_type`, nanoseconds by default); 0 when there is no period or it is
    /// not a time.
    #[must_use]
    pub fn sample_rate(&self) -> u32 {
        let unit = self
            .period_type
            .as_ref()
            .map_or("nanoseconds", |t| t.unit.as_str());
        let nanos_per_unit: i128 = match unit {
            "microseconds" => 1_000,
            "milliseconds" => 1_000_000,
            "seconds" => 1_000_000_000,
            "nanoseconds" | "" => 1,
            _ => return 0, // a period in bytes or counts is no rate
        };
        let period = i128::from(self.period) * nanos_per_unit;
        if period <= 0 {
            return 0;
        }
        // Rounded to the nearest rate: a measured period of 10.191 ms is 98 Hz.
        u32::try_from((1_000_000_000 + period / 2) / period).unwrap_or(u32::MAX)
    }

    /// The tree of the sample type named `name` for `labels`; empty if absent.
    fn tree_like(&self, name: &str, labels: &LabelSet) -> Tree {
        let Some(index) = self.sample_type_index(name) else {
            return Tree::new();
        };
        self.series
            .iter()
            .find(|s| &s.labels == labels)
            .and_then(|s| s.trees.get(index).cloned())
            .unwrap_or_default()
    }
}
