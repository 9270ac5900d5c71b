//! Reads: the merged tree of some series over a window, and the samples per block of one
//! level for timelines. Both follow the [`plan`](super::plan) of the window under the
//! retention marks: whole blocks are read by key range, a coarse block standing in for
//! deleted finer ones is read alone and scaled by the share of its time the read covers.

use std::collections::HashMap;

use cinder_profile::dict::{SparseTree, Sums};
use cinder_profile::Tree;
use fjall::Slice;

use super::coarse::Delta;
use super::plan::{self, Piece};
use super::segments::Block;
use super::tables::{self, Aggregation, SeriesMeta, SeriesRecord, SlotCounts};
use super::{corrupt, dicts, Store, StoreError};
use crate::base::Window;

/// The result of reading a set of series over a window.
#[derive(Debug, Default)]
pub struct ReadResult {
    /// The merged tree (divided by the write count for averaged series).
    pub tree: Tree,
    /// Metadata of the last series read.
    pub meta: SeriesMeta,
}

/// `(overlap, span)` of a partial piece: the fraction of the block a read takes.
type Share = Option<(u64, u64)>;

fn share(piece: &Piece) -> Share {
    (!piece.is_whole()).then(|| {
        let span = super::segments::span(piece.block.level);
        (
            u64::try_from(piece.overlap).unwrap_or(0),
            u64::try_from(span).unwrap_or(1),
        )
    })
}

fn scale(v: u64, share: Share) -> u64 {
    match share {
        None => v,
        Some((n, d)) => {
            u64::try_from(u128::from(v) * u128::from(n) / u128::from(d.max(1))).unwrap_or(u64::MAX)
        }
    }
}

type OpenMap = HashMap<(u64, u8), (i64, Delta)>;

/// A partial block: its stored value, its delta if open, and the share of it read.
type Partial<'a> = (Option<Slice>, Option<&'a Delta>, (u64, u64));

/// What a read of one series adds up: whole stored blocks, open blocks' deltas, and
/// partial blocks (stored value, delta, share).
#[derive(Default)]
struct Parts<'a> {
    whole: Vec<Slice>,
    deltas: Vec<&'a Delta>,
    partial: Vec<Partial<'a>>,
}

impl Parts<'_> {
    fn is_empty(&self) -> bool {
        self.whole.is_empty() && self.deltas.is_empty() && self.partial.is_empty()
    }
}

/// The open block of `series` at the level of `first..=last`, if it is in that run.
fn open_in(open: &OpenMap, series: u64, first: Block, last: Block) -> Option<&(i64, Delta)> {
    Store::open_deltas(open, series, first, last)?;
    open.get(&(series, first.level))
}

impl Store {
    /// Merges the trees of `series` over `window`. Averaged series (per the metadata of the
    /// last one) are divided by the number of writes that contributed (fractional: a write
    /// split over several blocks counts its share in each).
    pub fn read(&self, series: &[SeriesRecord], window: Window) -> Result<ReadResult, StoreError> {
        let mut out = ReadResult::default();
        let mut writes = 0u64;
        let runs = plan::runs(&plan::read_plan(window, &self.marks()));
        // Held while reading stored blocks, so a block being closed is never seen both
        // stored and in memory.
        let open = self.open.read();
        for s in series {
            let mut parts = Parts::default();
            for (first, last) in &runs {
                let range =
                    tables::slot_key(s.id, first.block)..=tables::slot_key(s.id, last.block);
                let delta = open_in(&open, s.id, first.block, last.block).map(|(_, d)| d);
                match share(first) {
                    None => {
                        for g in self.trees.range(range.clone()) {
                            parts.whole.push(g.value()?);
                        }
                        for g in self.counts.range(range) {
                            let w = SlotCounts::decode(&g.value()?).writes;
                            writes = writes.saturating_add(w);
                        }
                        if let Some(delta) = delta {
                            parts.deltas.push(delta);
                            writes = writes.saturating_add(delta.counts.writes);
                        }
                    }
                    // A partial block: stored value and delta added up, then scaled once.
                    Some(share) => {
                        let key = tables::slot_key(s.id, first.block);
                        let stored = self.trees.get(key)?;
                        let mut w = self
                            .counts
                            .get(key)?
                            .map_or(0, |c| SlotCounts::decode(&c).writes);
                        w = w.saturating_add(delta.map_or(0, |d| d.counts.writes));
                        writes = writes.saturating_add(scale(w, Some(share)));
                        parts.partial.push((stored, delta, share));
                    }
                }
            }
            if !parts.is_empty() {
                let tree = self.merge_series(s.id, &parts)?;
                if out.tree.is_empty() {
                    out.tree = tree;
                } else {
                    out.tree.merge_from(&tree);
                }
            }
            out.meta = s.meta.clone();
        }
        drop(open);
        if out.meta.aggregation == Aggregation::Average && writes > 0 {
            out.tree.scale(tables::WRITE_UNIT, writes);
        }
        Ok(out)
    }

    /// One series' parts added up (partial blocks scaled) as a tree.
    fn merge_series(&self, series: u64, parts: &Parts<'_>) -> Result<Tree, StoreError> {
        // The dictionary is taken after the trees: it covers every index they use.
        let dict = self.dict(series)?;
        let dict = dicts::read(&dict);
        let mut sums = Sums::new(dict.len());
        for bytes in &parts.whole {
            sums.add_bytes(bytes).map_err(|e| corrupt("tree", e))?;
        }
        for delta in &parts.deltas {
            sums.add(&delta.tree);
        }
        for (stored, delta, (n, d)) in &parts.partial {
            let mut tree = match stored {
                Some(bytes) => {
                    SparseTree::from_bytes(bytes, dict.len()).map_err(|e| corrupt("tree", e))?
                }
                None => SparseTree::default(),
            };
            if let Some(delta) = delta {
                tree.merge(&delta.tree);
            }
            sums.add(&tree.scaled(*n, *d));
        }
        Ok(dict.tree_of_sums(&sums))
    }

    /// Samples per block of `level` overlapping `window`, for timelines: `(time, samples)`
    /// pairs of every series, in no particular order. Where retention deleted that level,
    /// the coarser blocks standing in for it count their share, at the first second of it.
    pub fn samples_at_level(
        &self,
        series: &[SeriesRecord],
        window: Window,
        level: u8,
    ) -> Result<Vec<(i64, u64)>, StoreError> {
        let mut out = Vec::new();
        let runs = plan::runs(&plan::timeline_plan(window, level, &self.marks()));
        let open = self.open.read();
        for s in series {
            for (first, last) in &runs {
                let share = share(first);
                let at = |start: i64| start.max(first.from);
                if let Some((start, delta)) = open_in(&open, s.id, first.block, last.block) {
                    out.push((at(*start), scale(delta.counts.samples, share)));
                }
                let range =
                    tables::slot_key(s.id, first.block)..=tables::slot_key(s.id, last.block);
                for g in self.counts.range(range) {
                    let (k, v) = g.into_inner()?;
                    if let Some(start) = tables::slot_key_start(&k) {
                        out.push((at(start), scale(SlotCounts::decode(&v).samples, share)));
                    }
                }
            }
        }
        Ok(out)
    }
}
