//! Which blocks answer a read once retention has thinned the time index (spec §6.4). Pure
//! arithmetic over [`Marks`], the store-wide record of what retention deleted:
//! - nothing before `expired` is read (the original clamps reads to the retention
//!   boundary);
//! - blocks of level `L` that ended at or before `levels[L]` are gone, so the part of a
//!   read they would have answered is answered by their finest ancestor still there, its
//!   block scaled by the share of its time the read covers (a [`Piece`] with a partial
//!   overlap), as the original reads a coarse node by overlap; timelines fall back level
//!   by level the same way.
//!
//! Without marks, [`read_plan`] is exactly [`segments::cover`].

use super::segments::{self, Block, LEVELS};
use crate::base::Window;

/// Number of levels, as an array length.
const LEVEL_COUNT: usize = 8;
const _: () = assert!(LEVEL_COUNT == LEVELS as usize);

/// What retention has deleted, store-wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Marks {
    /// Unix seconds before which every level was deleted (0: nothing).
    pub expired: i64,
    /// Per level: blocks that ended at or before this time were deleted (0: none); never
    /// below `expired`, and never below a coarser level's mark.
    pub levels: [i64; LEVEL_COUNT],
}

impl Marks {
    /// Marks that delete at least what `self` and `other` delete.
    #[must_use]
    pub fn max(self, other: Marks) -> Marks {
        let mut levels = self.levels;
        for (mine, theirs) in levels.iter_mut().zip(other.levels) {
            *mine = (*mine).max(theirs);
        }
        Marks {
            expired: self.expired.max(other.expired),
            levels,
        }
        .normalized()
    }

    /// Each level's mark raised to `expired` and to every coarser level's mark (a level is
    /// never kept longer than a coarser one, so a missing block always has a coarser
    /// block to answer for it).
    #[must_use]
    pub fn normalized(mut self) -> Marks {
        let mut floor = self.expired;
        for mark in self.levels.iter_mut().rev() {
            floor = floor.max(*mark);
            *mark = floor;
        }
        self
    }

    /// The mark of `level` (0 past the last level).
    #[must_use]
    pub fn level(&self, level: u8) -> i64 {
        self.levels.get(usize::from(level)).copied().unwrap_or(0)
    }

    /// Whether `block` is still stored (it ended after its level's mark).
    #[must_use]
    pub fn keeps(&self, block: Block) -> bool {
        block.end() > self.level(block.level)
    }

    /// Start of the first block of `level` that is kept.
    fn first_kept(&self, level: u8) -> i64 {
        match self.level(level) {
            m if m <= 0 => i64::MIN,
            m => Block::containing(level, m).start,
        }
    }

    /// The original's timeline `watermarks`: key `k` (≥ 1) is the time before which only
    /// `10^(k+1)`-second resolution is left, i.e. level `k − 1`'s mark, for the levels
    /// thinned beyond the expiry.
    #[must_use]
    pub fn watermarks(&self) -> std::collections::BTreeMap<String, i64> {
        (0..LEVELS - 1)
            .filter(|&l| self.level(l) > self.expired && self.level(l) > self.level(l + 1))
            .map(|l| ((l + 1).to_string(), self.level(l)))
            .collect()
    }
}

/// One block a read uses and how much of it: `overlap` seconds starting at `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// The block.
    pub block: Block,
    /// First second of the block the read covers.
    pub from: i64,
    /// Seconds of the block the read covers (its span when whole).
    pub overlap: i64,
}

impl Piece {
    fn whole(block: Block) -> Piece {
        Piece {
            block,
            from: block.start,
            overlap: segments::span(block.level),
        }
    }

    /// Whether the read covers the whole block.
    #[must_use]
    pub fn is_whole(&self) -> bool {
        self.overlap >= segments::span(self.block.level)
    }
}

/// The blocks a read of `window` merges, in time order: the plain cover, each block that
/// is gone replaced by its finest kept ancestor, for the part of it the block covered.
#[must_use]
pub fn read_plan(window: Window, marks: &Marks) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let start = window.start.max(marks.expired);
    if start >= window.end {
        return out;
    }
    let cover = segments::cover(Window {
        start,
        end: window.end,
    });
    for b in cover {
        if marks.keeps(b) {
            out.push(Piece::whole(b));
            continue;
        }
        let Some(p) = b.with_ancestors().skip(1).find(|&p| marks.keeps(p)) else {
            continue;
        };
        let overlap = segments::span(b.level);
        match out.last_mut() {
            Some(last) if last.block == p && last.from + last.overlap == b.start => {
                last.overlap += overlap;
            }
            _ => out.push(Piece {
                block: p,
                from: b.start,
                overlap,
            }),
        }
    }
    out
}

/// The blocks a timeline of `level` over `window` counts: that level's blocks where they
/// are kept, coarser ones (scaled by overlap) where they are not.
#[must_use]
pub fn timeline_plan(window: Window, level: u8, marks: &Marks) -> Vec<Piece> {
    let mut out = Vec::new();
    let (a, b) = (window.start.max(marks.expired), window.end);
    plan(a, b, (level, level), marks, &mut out);
    out
}

/// `[a, b)` at `level` (`levels`: the level and the level the plan started at): the part
/// before the level's first kept block goes one level up, the rest is tiled at this level.
fn plan(a: i64, b: i64, levels: (u8, u8), marks: &Marks, out: &mut Vec<Piece>) {
    let (level, top) = levels;
    if a >= b || level >= LEVELS {
        return;
    }
    let split = marks.first_kept(level).clamp(a, b);
    plan(a, split, (level + 1, top), marks, out);
    if split < b {
        // A timeline's own level counts edge blocks whole, as without retention.
        tile(split, b, level, level > top, out);
    }
}

/// Tiles `[a, b)` with blocks of `level`; edge blocks that stick out are partial pieces
/// when `clip`, whole otherwise.
fn tile(a: i64, b: i64, level: u8, clip: bool, out: &mut Vec<Piece>) {
    let first = Block::containing(level, a);
    let last = Block::containing(level, b - 1);
    let partial = |block: Block, from: i64, to: i64| {
        if clip {
            Piece {
                block,
                from,
                overlap: to - from,
            }
        } else {
            Piece::whole(block)
        }
    };
    if first == last {
        out.push(partial(first, a, b));
        return;
    }
    let inner_start = if a > first.start {
        out.push(partial(first, a, first.end()));
        first.end()
    } else {
        a
    };
    let inner_end = if b < last.end() { last.start } else { b };
    let span = segments::span(level);
    let mut t = inner_start;
    while t < inner_end {
        out.push(Piece::whole(Block { level, start: t }));
        t += span;
    }
    if inner_end < b {
        out.push(partial(last, last.start, b));
    }
}

/// `pieces` grouped for reading: runs of whole, consecutive blocks of one level (one key
/// range each), and partial pieces alone.
#[must_use]
pub fn runs(pieces: &[Piece]) -> Vec<(Piece, Piece)> {
    let mut out: Vec<(Piece, Piece)> = Vec::new();
    for &p in pieces {
        match out.last_mut() {
            Some((first, last))
                if p.is_whole()
                    && first.is_whole()
                    && last.block.level == p.block.level
                    && last.block.end() == p.block.start =>
            {
                *last = p;
            }
            _ => out.push((p, p)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(start: i64, end: i64) -> Window {
        Window { start, end }
    }

    fn marks(expired: i64, levels: &[i64]) -> Marks {
        let mut m = Marks {
            expired,
            ..Marks::default()
        };
        m.levels[..levels.len()].copy_from_slice(levels);
        m.normalized()
    }

    fn summary(pieces: &[Piece]) -> Vec<(u8, i64, i64)> {
        pieces
            .iter()
            .map(|p| (p.block.level, p.from, p.overlap))
            .collect()
    }

    #[test]
    fn without_marks_a_read_is_the_plain_cover() {
        for (a, b) in [(90, 1_230), (0, 2_000), (1_700_000_000, 1_700_086_400)] {
            let plain: Vec<Piece> = segments::cover(w(a, b))
                .into_iter()
                .map(Piece::whole)
                .collect();
            assert_eq!(read_plan(w(a, b), &Marks::default()), plain);
        }
    }

    #[test]
    fn missing_fine_blocks_are_read_from_the_coarse_block_by_overlap() {
        // Level 0 gone up to 500: [450, 500) comes from the 100 s block [400, 500).
        let m = marks(0, &[500]);
        assert_eq!(
            summary(&read_plan(w(450, 560), &m)),
            [
                (1, 450, 50),
                (0, 500, 10),
                (0, 510, 10),
                (0, 520, 10),
                (0, 530, 10),
                (0, 540, 10),
                (0, 550, 10)
            ]
        );
        // Inside one 100 s block, all of it gone at level 0.
        assert_eq!(summary(&read_plan(w(120, 150), &m)), [(1, 120, 30)]);
        // Level 1 gone too up to 1000: the 1000 s block answers.
        let m = marks(0, &[2_000, 1_000]);
        assert_eq!(summary(&read_plan(w(120, 150), &m)), [(2, 120, 30)]);
    }

    #[test]
    fn whole_coarse_blocks_stay_whole_and_plans_tile_the_window() {
        let m = marks(0, &[5_000, 3_000]);
        let pieces = read_plan(w(90, 10_230), &m);
        let mut t = 90;
        for p in &pieces {
            assert_eq!(p.from, t, "{pieces:?}");
            assert!(m.keeps(p.block), "{p:?} was deleted");
            t += p.overlap;
        }
        assert_eq!(t, 10_230);
        assert!(pieces.iter().any(|p| p.block.level == 2 && p.is_whole()));
    }

    #[test]
    fn nothing_before_the_expiry_is_read() {
        let m = marks(1_000, &[]);
        assert_eq!(m.levels, [1_000; 8]);
        assert_eq!(
            summary(&read_plan(w(0, 1_020), &m)),
            [(0, 1_000, 10), (0, 1_010, 10)]
        );
        assert!(read_plan(w(0, 1_000), &m).is_empty());
        assert!(m.watermarks().is_empty(), "expiry alone thins nothing");
    }

    #[test]
    fn timelines_fall_back_level_by_level() {
        let m = marks(0, &[300]);
        let pieces = timeline_plan(w(100, 400), 0, &m);
        assert_eq!(
            summary(&pieces),
            [(1, 100, 100), (1, 200, 100), (0, 300, 10), (0, 310, 10)]
                .into_iter()
                .chain((32..40).map(|i| (0, i * 10, 10)))
                .collect::<Vec<_>>()
        );
        // A timeline's own level keeps its edge blocks whole (they count in the edge slots).
        let pieces = timeline_plan(w(150, 350), 1, &Marks::default());
        assert_eq!(
            summary(&pieces),
            [(1, 100, 100), (1, 200, 100), (1, 300, 100)]
        );
    }

    #[test]
    fn marks_normalise_and_report_watermarks() {
        let m = marks(100, &[5_000, 3_000, 0, 9_000]);
        assert_eq!(m.levels[..5], [9_000, 9_000, 9_000, 9_000, 100]);
        let m = marks(0, &[5_000, 3_000]);
        let expected: std::collections::BTreeMap<String, i64> =
            [("1".to_string(), 5_000), ("2".to_string(), 3_000)].into();
        assert_eq!(m.watermarks(), expected);
        assert_eq!(m.max(marks(0, &[6_000])).levels[..3], [6_000, 3_000, 0]);
        assert!(!m.keeps(Block {
            level: 0,
            start: 4_990
        }));
        assert!(m.keeps(Block {
            level: 0,
            start: 5_000
        }));
    }

    #[test]
    fn runs_group_whole_blocks_and_keep_partial_ones_apart() {
        let m = marks(0, &[500]);
        let pieces = read_plan(w(450, 560), &m);
        let runs = runs(&pieces);
        assert_eq!(runs.len(), 2);
        assert!(!runs[0].0.is_whole());
        assert_eq!((runs[1].0.block.start, runs[1].1.block.start), (500, 550));
    }
}
