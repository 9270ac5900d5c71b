//! The time index, in the spirit of the original segment tree (spec §6.2): level `d` blocks
//! cover `10·10^d` seconds aligned to multiples of that span. Every write is added to its
//! 10 s blocks *and* to every coarser block containing them, so a read over any range
//! merges a handful of large blocks plus finer ones at the edges: a year costs about as
//! many reads as an hour.
//!
//! Pure arithmetic, no storage: which blocks a write touches, which blocks cover a read.

use crate::base::{Window, BASE_RESOLUTION};

/// Number of levels: 10 s up to 10⁸ s (about 3.2 years).
pub const LEVELS: u8 = 8;

/// Writes longer than this many 10 s slots are stored in aligned coarse blocks instead of
/// being spread over every 10 s slot (as the original does for aligned writes): a
/// sub-range read of such a block then misses it. Agents send 10 s windows.
pub const MAX_SPREAD_SLOTS: i64 = 64;

/// One aligned block of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Block {
    /// 0 = 10 s, 1 = 100 s, …
    pub level: u8,
    /// Start, unix seconds, a multiple of [`span`]`(level)`.
    pub start: i64,
}

/// Seconds covered by a block of `level`.
#[must_use]
pub fn span(level: u8) -> i64 {
    BASE_RESOLUTION * 10_i64.pow(u32::from(level))
}

impl Block {
    /// The level-`level` block containing time `t`.
    #[must_use]
    pub fn containing(level: u8, t: i64) -> Block {
        let s = span(level);
        Block {
            level,
            start: t.div_euclid(s) * s,
        }
    }

    /// End of the block (exclusive).
    #[must_use]
    pub fn end(&self) -> i64 {
        self.start + span(self.level)
    }

    /// The start as stored in keys (times before 1970 clamp to 0).
    #[must_use]
    pub fn start_u64(&self) -> u64 {
        u64::try_from(self.start).unwrap_or(0)
    }

    /// This block and every coarser block containing it.
    pub fn with_ancestors(self) -> impl Iterator<Item = Block> {
        (self.level..LEVELS).map(move |l| Block::containing(l, self.start))
    }
}

/// The largest aligned blocks that exactly tile `window` (coarse in the middle, fine at the
/// edges). `window` is on the 10 s grid.
#[must_use]
pub fn cover(window: Window) -> Vec<Block> {
    let mut out = Vec::new();
    let mut t = window.start;
    while t < window.end {
        let level = (0..LEVELS)
            .rev()
            .find(|&l| t.rem_euclid(span(l)) == 0 && t + span(l) <= window.end)
            .unwrap_or(0);
        out.push(Block { level, start: t });
        t += span(level);
    }
    out
}

/// `blocks` (as [`cover`] returns them) grouped into runs of consecutive blocks of one
/// level: `(first, last)`, each run one key range of a series' slots.
#[must_use]
pub fn runs(blocks: &[Block]) -> Vec<(Block, Block)> {
    let mut out: Vec<(Block, Block)> = Vec::new();
    for &b in blocks {
        match out.last_mut() {
            Some((_, last)) if last.level == b.level && last.end() == b.start => *last = b,
            _ => out.push((b, b)),
        }
    }
    out
}

/// The blocks a write over `window` is stored in, each with the share of the write it gets
/// (`numerator / denominator` of the write's ticks).
#[must_use]
pub fn write_targets(window: Window) -> Vec<(Block, i64)> {
    let slots = window.len() / BASE_RESOLUTION;
    let blocks: Vec<Block> = if slots <= MAX_SPREAD_SLOTS {
        (0..slots)
            .map(|i| Block {
                level: 0,
                start: window.start + i * BASE_RESOLUTION,
            })
            .collect()
    } else {
        cover(window)
    };
    blocks.into_iter().map(|b| (b, span(b.level))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cover_uses_the_largest_aligned_blocks() {
        let w = Window {
            start: 90,
            end: 1_230,
        };
        let blocks: Vec<(u8, i64)> = cover(w).iter().map(|b| (b.level, b.start)).collect();
        let mut expected = vec![(0, 90)];
        expected.extend((1..=11).map(|i| (1, i * 100)));
        expected.extend([(0, 1_200), (0, 1_210), (0, 1_220)]);
        assert_eq!(blocks, expected);
        let aligned = cover(Window {
            start: 0,
            end: 2_000,
        });
        assert_eq!(
            aligned,
            [
                Block { level: 2, start: 0 },
                Block {
                    level: 2,
                    start: 1_000
                }
            ]
        );
    }

    #[test]
    fn cover_tiles_the_window_exactly() {
        for (start, end) in [
            (0, 10),
            (10, 1_000_000),
            (123_450, 98_765_430),
            (1_700_000_000, 1_731_536_000),
        ] {
            let w = Window { start, end };
            let blocks = cover(w);
            assert_eq!(blocks.first().unwrap().start, start);
            assert_eq!(blocks.last().unwrap().end(), end);
            for pair in blocks.windows(2) {
                assert_eq!(pair[0].end(), pair[1].start);
            }
            for b in &blocks {
                assert_eq!(b.start.rem_euclid(span(b.level)), 0, "{b:?} unaligned");
            }
        }
    }

    #[test]
    fn runs_group_adjacent_blocks_of_one_level() {
        let blocks = cover(Window {
            start: 90,
            end: 1_230,
        });
        let runs: Vec<(u8, i64, i64)> = runs(&blocks)
            .iter()
            .map(|(a, b)| (a.level, a.start, b.start))
            .collect();
        assert_eq!(runs, [(0, 90, 90), (1, 100, 1_100), (0, 1_200, 1_220)]);
    }

    #[test]
    fn a_year_is_covered_by_few_blocks() {
        let w = Window {
            start: 1_700_000_000,
            end: 1_700_000_000 + 365 * 86_400,
        };
        assert!(cover(w).len() < 120, "{}", cover(w).len());
    }

    #[test]
    fn short_writes_spread_over_ten_second_slots() {
        let t = write_targets(Window {
            start: 100,
            end: 130,
        });
        assert_eq!(t.len(), 3);
        assert!(t.iter().all(|(b, share)| b.level == 0 && *share == 10));
    }

    #[test]
    fn ancestors_go_up_to_the_top_level() {
        let b = Block {
            level: 0,
            start: 1_234_560,
        };
        let a: Vec<Block> = b.with_ancestors().collect();
        assert_eq!(a.len(), usize::from(LEVELS));
        assert_eq!(
            a[1],
            Block {
                level: 1,
                start: 1_234_500
            }
        );
        assert_eq!(
            a[3],
            Block {
                level: 3,
                start: 1_230_000
            }
        );
    }
}
