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
            let mut stored: Vec<(Slice, Share)> = Vec::new();
            let mut deltas: Vec<(&Delta, Share)> = Vec::new();
            for (first, last) in &runs {
                let share = share(first);
                let range =
                    tables::slot_key(s.id, first.block)..=tables::slot_key(s.id, last.block);
                for g in self.trees.range(range.clone()) {
                    stored.push((g.value()?, share));
                }
                for g in self.counts.range(range) {
                    let w = SlotCounts::decode(&g.value()?).writes;
                    writes = writes.saturating_add(scale(w, share));
                }
                if let Some((_, delta)) = open_in(&open, s.id, first.block, last.block) {
                    deltas.push((delta, share));
                    writes = writes.saturating_add(scale(delta.counts.writes, share));
                }
            }
            if !stored.is_empty() || !deltas.is_empty() {
                let tree = self.merge_series(s.id, &stored, &deltas)?;
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

    /// One series' stored trees and open deltas added up (partial ones scaled) as a tree.
    fn merge_series(
        &self,
        series: u64,
        stored: &[(Slice, Share)],
        deltas: &[(&Delta, Share)],
    ) -> Result<Tree, StoreError> {
        // The dictionary is taken after the trees: it covers every index they use.
        let dict = self.dict(series)?;
        let dict = dicts::read(&dict);
        let mut sums = Sums::new(dict.len());
        for (bytes, share) in stored {
            match share {
                None => sums.add_bytes(bytes).map_err(|e| corrupt("tree", e))?,
                Some((n, d)) => {
                    let tree = SparseTree::from_bytes(bytes, dict.len())
                        .map_err(|e| corrupt("tree", e))?;
                    sums.add(&tree.scaled(*n, *d));
                }
            }
        }
        for (delta, share) in deltas {
            match share {
                None => sums.add(&delta.tree),
                Some((n, d)) => sums.add(&delta.tree.scaled(*n, *d)),
            }
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
