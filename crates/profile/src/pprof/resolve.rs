//! Which series every sample type of a profile becomes, so that nothing an agent sends is
//! lost (issue 10). The original server kept only the types of its fixed table
//! (pyroscope-api.md §4.5) and silently dropped the others, among them the `cpu` and `wall`
//! nanosecond types of the Python 0.8, Rust 0.5 and Node agents; Grafana Pyroscope keeps
//! every type (grafana-querier-api.md §7.2), and so does Cinder:
//!
//! - an agent's own `sample_type_config` decides for the types it names;
//! - `cpu` and `wall` in nanoseconds become `.cpu` and `.wall`; every type measured in
//!   nanoseconds is stored *as nanoseconds* (units `samples` at [`NANOSECOND_RATE`] ticks
//!   per second), so its seconds are exact whatever the profile's period (Node measures
//!   its period per upload, Python's stack sampler adapts it);
//! - `samples` (a count taken every `period`) becomes `.cpu`, or `.wall` when the period
//!   is wall time, at the period's rate;
//! - the original's table gives the rest of the known types (`inuse_*`, `alloc_*`,
//!   `goroutine`, `contentions`, `delay`); any other type is kept under its own name and
//!   unit.
//!
//! Two types never share a series: a type whose preferred suffix is taken (Node's
//! `samples` next to its `wall` nanoseconds, Go's next to `cpu`) falls back to its own
//! name, then to `<name>_<unit>`. A type that still cannot be named, or whose name cannot
//! be part of a series key, makes the upload fail with [`DecodeError::SampleType`]: the
//! server answers 4xx instead of acknowledging data it did not store.

use std::collections::BTreeSet;

use super::decode::{DecodedProfile, SampleType};
use super::mapping::{Aggregation, SampleTypeConfig, SampleTypeConfigs};
use crate::error::DecodeError;

/// Ticks per second of a sampled type measured in nanoseconds: its ticks are nanoseconds.
pub const NANOSECOND_RATE: u32 = 1_000_000_000;

/// True for a unit of time that [`NANOSECOND_RATE`] applies to.
#[must_use]
pub fn is_nanoseconds(unit: &str) -> bool {
    unit == "nanoseconds"
}

/// True when `suffix` can follow `<app>.` in a series key (letters, digits, `_`, `.`, `-`).
fn valid_suffix(suffix: &str) -> bool {
    !suffix.is_empty()
        && suffix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Cinder's default storage of one sample type (see the module doc).
#[must_use]
pub fn default_config(t: &SampleType, period_type: Option<&SampleType>) -> SampleTypeConfig {
    let sampled = |units: &str, name: &str| SampleTypeConfig {
        units: units.into(),
        display_name: name.into(),
        aggregation: Aggregation::Sum,
        cumulative: false,
        sampled: true,
    };
    if t.name == "samples" {
        let wall = period_type.is_some_and(|p| p.name == "wall");
        return sampled("samples", if wall { "wall" } else { "cpu" });
    }
    if is_nanoseconds(&t.unit) && t.name != "delay" {
        return sampled("samples", &t.name);
    }
    if let Some(known) = SampleTypeConfigs::og_default().0.remove(&t.name) {
        return known;
    }
    SampleTypeConfig {
        units: t.unit.clone(),
        display_name: t.name.clone(),
        aggregation: Aggregation::Sum,
        cumulative: false,
        sampled: false,
    }
}

impl DecodedProfile {
    /// One storage config per sample type (same order as `sample_types`), with distinct
    /// series suffixes: `explicit` (an agent's `sample_type_config`) for the types it names,
    /// [`default_config`] for the others. Errors when a type cannot be given a valid,
    /// distinct suffix.
    pub fn resolve_configs(
        &self,
        explicit: Option<&SampleTypeConfigs>,
    ) -> Result<Vec<SampleTypeConfig>, DecodeError> {
        // (claim rank, position, type, config): the agent's own entries claim first, then
        // time types, then the rest.
        let mut entries: Vec<((bool, bool), usize, &SampleType, SampleTypeConfig)> = self
            .sample_types
            .iter()
            .enumerate()
            .map(|(i, t)| match explicit.and_then(|e| e.0.get(&t.name)) {
                Some(c) => ((false, !is_nanoseconds(&t.unit)), i, t, c.clone()),
                None => (
                    (true, !is_nanoseconds(&t.unit)),
                    i,
                    t,
                    default_config(t, self.period_type.as_ref()),
                ),
            })
            .collect();
        entries.sort_by_key(|(rank, i, _, _)| (*rank, *i));
        let mut taken = BTreeSet::new();
        for (_, _, t, config) in &mut entries {
            let preferred = match config.display_name.as_str() {
                "" => t.name.clone(),
                name => name.to_owned(),
            };
            let candidates = [preferred, t.name.clone(), format!("{}_{}", t.name, t.unit)];
            let Some(suffix) = candidates
                .into_iter()
                .find(|s| valid_suffix(s) && !taken.contains(s))
            else {
                return Err(DecodeError::SampleType(format!(
                    "sample type {:?} ({}) cannot be stored: its name is not a valid series \
                     name or is taken by another type",
                    t.name, t.unit
                )));
            };
            taken.insert(suffix.clone());
            config.display_name = suffix;
        }
        entries.sort_by_key(|(_, i, _, _)| *i);
        Ok(entries.into_iter().map(|(_, _, _, c)| c).collect())
    }
}
