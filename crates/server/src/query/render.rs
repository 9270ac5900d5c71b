//! What `/render` computes, apart from HTTP: resolve a selector to series, merge their
//! trees over the window, and build the timeline (and per-label group timelines) from
//! the store's pre-aggregated counts at the timeline's resolution.

use std::collections::BTreeMap;

use cinder_profile::flamebearer::Timeline;
use cinder_profile::selector::Selector;
use cinder_profile::Tree;

use super::matcher::CompiledSelector;
use super::timeline::{level_of_delta, TimelineBuilder, Window};
use crate::error::AppError;
use crate::store::{ReadResult, SeriesMeta, SeriesRecord, Store};

/// The data behind a `/render` answer.
#[derive(Debug)]
pub struct Rendered {
    /// Merged tree of every matching series.
    pub tree: Tree,
    /// Metadata of the last matching series (empty when none).
    pub meta: SeriesMeta,
    /// Samples over time.
    pub timeline: Timeline,
    /// Per value of the `groupBy` label (`*` for the rest); empty when there is no data.
    pub groups: BTreeMap<String, Timeline>,
}

/// The series of `sel`'s app that its matchers select.
pub fn resolve(store: &Store, sel: &Selector) -> Result<Vec<SeriesRecord>, AppError> {
    let compiled = CompiledSelector::compile(sel)
        .map_err(|e| AppError::InvalidParameter(format!("query: {e}")))?;
    let all = store.series_of_app(&sel.app)?;
    Ok(all
        .into_iter()
        .filter(|s| compiled.matches(&s.labels))
        .collect())
}

/// Reads `series` over `window`, with a timeline and, when `group_by` is set, one
/// timeline per value of that label.
pub fn render(
    store: &Store,
    series: &[SeriesRecord],
    window: Window,
    group_by: Option<&str>,
) -> Result<Rendered, AppError> {
    let read = store.read(series, window)?;
    let timeline = timeline_of(store, series, window)?;
    let mut groups = BTreeMap::new();
    if timeline.samples.iter().any(|&v| v > 0) {
        match group_by.filter(|g| !g.is_empty()) {
            None => {
                groups.insert("*".to_string(), timeline.clone());
            }
            Some(label) => {
                let mut by_value: BTreeMap<String, Vec<SeriesRecord>> = BTreeMap::new();
                for s in series {
                    let v = s.labels.get(label).cloned().unwrap_or_else(|| "*".into());
                    by_value.entry(v).or_default().push(s.clone());
                }
                for (value, members) in by_value {
                    groups.insert(value, timeline_of(store, &members, window)?);
                }
            }
        }
    }
    Ok(Rendered {
        tree: read.tree,
        meta: read.meta,
        timeline,
        groups,
    })
}

fn timeline_of(
    store: &Store,
    series: &[SeriesRecord],
    window: Window,
) -> Result<Timeline, AppError> {
    let mut builder = TimelineBuilder::new(window);
    let level = level_of_delta(builder.delta());
    for (start, samples) in store.samples_at_level(series, window, level)? {
        builder.add(start, samples);
    }
    let mut timeline = builder.finish();
    timeline.watermarks = store.marks().watermarks();
    Ok(timeline)
}

/// The two merged profiles behind a `/render-diff` answer, checked to be comparable.
#[derive(Debug)]
pub struct DiffPair {
    /// The left (baseline) selection.
    pub left: ReadResult,
    /// The right (comparison) selection.
    pub right: ReadResult,
}

impl DiffPair {
    /// Reads both sides. Units and sample rates must agree where both sides have data
    /// (the original's error texts); an empty side takes the other's metadata.
    pub fn read(
        store: &Store,
        left: (&Selector, Window),
        right: (&Selector, Window),
    ) -> Result<DiffPair, AppError> {
        let l = store.read(&resolve(store, left.0)?, left.1)?;
        let r = store.read(&resolve(store, right.0)?, right.1)?;
        let (lm, rm) = (&l.meta, &r.meta);
        if !lm.units.is_empty() && !rm.units.is_empty() && lm.units != rm.units {
            return Err(AppError::InvalidParameter(format!(
                "left units ({}) does not match right units ({})",
                lm.units, rm.units
            )));
        }
        if lm.sample_rate != 0 && rm.sample_rate != 0 && lm.sample_rate != rm.sample_rate {
            return Err(AppError::InvalidParameter(format!(
                "left sample rate ({}) does not match right sample rate ({})",
                lm.sample_rate, rm.sample_rate
            )));
        }
        Ok(DiffPair { left: l, right: r })
    }

    /// The metadata the answer reports: the left side's, or the right's when the left is
    /// empty.
    pub fn base_meta(&self) -> &SeriesMeta {
        let left_empty = self.left.tree.total_ticks().0 == 0 || self.left.meta.sample_rate == 0;
        if left_empty {
            &self.right.meta
        } else {
            &self.left.meta
        }
    }
}
