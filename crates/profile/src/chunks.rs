//! Time chunks for instant reselection: a range is fetched as chunks aligned to a grid
//! (one `/render` each, untruncated), and the tree of any selection is built from the
//! cached chunks it covers plus its two unaligned edges, fetched as their own small
//! windows, so the result equals a `/render` of exactly that selection.
//!
//! - [`ChunkGrid`]: the chunk length for a range (a "nice" multiple of 10 s, at most
//!   `max_chunks` chunks over the range; chunks are aligned to multiples of the length, so
//!   the same chunk is the same key whatever the range), and the [`Plan`] of a selection.
//! - [`ChunkStore`]: chunk trees and pre-merged groups of 2^k consecutive chunks (aligned,
//!   like the server's time levels), under a byte budget with least-recently-used
//!   eviction. A selection of n chunks merges at most 2·log2(n) trees once its groups are
//!   built, instead of n.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::timegrid::{Window, BASE_RESOLUTION};
use crate::tree::Tree;

/// Chunk lengths a grid may use, in seconds; longer ranges use whole days.
const NICE: [i64; 14] = [
    10, 20, 30, 60, 120, 300, 600, 1_200, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200,
];
const DAY: i64 = 86_400;

/// `a / b` rounded up, for `b > 0`.
fn ceil_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b) + i64::from(a.rem_euclid(b) != 0)
}

/// The chunk grid of a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkGrid {
    len: i64,
}

/// What a selection needs: whole chunks, and the edge windows not aligned to chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Chunk indices fully inside the selection.
    pub chunks: Range<i64>,
    /// Windows of the selection outside those chunks (none, one or two).
    pub edges: Vec<Window>,
}

impl ChunkGrid {
    /// The grid with the shortest nice chunk length that cuts `range` into at most
    /// `max_chunks` chunks (at least one).
    #[must_use]
    pub fn for_range(range: Window, max_chunks: i64) -> ChunkGrid {
        let max_chunks = max_chunks.max(1);
        let need = ceil_div(range.len().max(BASE_RESOLUTION), max_chunks);
        let len = NICE
            .iter()
            .copied()
            .find(|&l| l >= need)
            .unwrap_or_else(|| ceil_div(need, DAY).saturating_mul(DAY));
        ChunkGrid { len }
    }

    /// A grid of chunks `len` seconds long (rounded up to the 10 s grid).
    #[must_use]
    pub fn with_len(len: i64) -> ChunkGrid {
        let len =
            ceil_div(len.max(BASE_RESOLUTION), BASE_RESOLUTION).saturating_mul(BASE_RESOLUTION);
        ChunkGrid { len }
    }

    /// Chunk length in seconds.
    #[must_use]
    pub fn seconds(&self) -> i64 {
        self.len
    }

    /// The window of chunk `index`.
    #[must_use]
    pub fn chunk(&self, index: i64) -> Window {
        let start = index.saturating_mul(self.len);
        Window {
            start,
            end: start.saturating_add(self.len),
        }
    }

    /// The chunks inside `selection` and its edges.
    #[must_use]
    pub fn plan(&self, selection: Window) -> Plan {
        if selection.is_empty() {
            return Plan {
                chunks: 0..0,
                edges: Vec::new(),
            };
        }
        let first = selection.start.div_euclid(self.len)
            + i64::from(selection.start.rem_euclid(self.len) != 0);
        let last = selection.end.div_euclid(self.len);
        if first >= last {
            return Plan {
                chunks: 0..0,
                edges: vec![selection],
            };
        }
        let (a, b) = (self.chunk(first).start, self.chunk(last).start);
        let edges = [
            Window {
                start: selection.start,
                end: a,
            },
            Window {
                start: b,
                end: selection.end,
            },
        ]
        .into_iter()
        .filter(|w| !w.is_empty())
        .collect();
        Plan {
            chunks: first..last,
            edges,
        }
    }
}

/// The aligned blocks `(level, index)` covering `range`: block `(k, i)` is the chunks
/// `i·2^k .. (i+1)·2^k`. At most about 2·log2(len) blocks.
#[must_use]
pub fn blocks(range: Range<i64>) -> Vec<(u8, i64)> {
    let mut out = Vec::new();
    let mut at = range.start;
    while at < range.end {
        let mut level = 0u8;
        while level < 40 {
            let size = 1i64 << (level + 1);
            if at.rem_euclid(size) != 0 || at.saturating_add(size) > range.end {
                break;
            }
            level += 1;
        }
        out.push((level, at >> level));
        at += 1i64 << level;
    }
    out
}

/// Bytes a tree holds in memory, roughly: 40 per node plus its names.
#[must_use]
pub fn tree_bytes(tree: &Tree) -> usize {
    tree.len().saturating_mul(40) + tree.names().len().saturating_mul(32)
}

/// Groups of fewer than `2^MIN_GROUP_LEVEL` chunks are merged when a selection needs them
/// and not kept: a selection has at most two blocks per level, so the levels below cost at
/// most `2·(2^MIN_GROUP_LEVEL - 1)` chunk merges, while keeping them would double the
/// cache (every level of groups is about as large as the chunks under it when, as usual,
/// consecutive chunks share their stacks).
const MIN_GROUP_LEVEL: u8 = 3;

#[derive(Debug, Clone)]
struct Entry {
    tree: Arc<Tree>,
    bytes: usize,
    used: u64,
}

/// Chunk trees and pre-merged groups under a byte budget.
#[derive(Debug, Clone)]
pub struct ChunkStore {
    budget: usize,
    used: usize,
    clock: u64,
    entries: HashMap<(u8, i64), Entry>,
}

impl ChunkStore {
    /// An empty store that keeps at most about `budget` bytes of trees.
    #[must_use]
    pub fn new(budget: usize) -> ChunkStore {
        ChunkStore {
            budget,
            used: 0,
            clock: 0,
            entries: HashMap::new(),
        }
    }

    /// Bytes held.
    #[must_use]
    pub fn used_bytes(&self) -> usize {
        self.used
    }

    /// Stores the tree of chunk `index` (replacing it, and the groups built on it).
    pub fn insert(&mut self, index: i64, tree: Tree) {
        let stale: Vec<(u8, i64)> = self
            .entries
            .keys()
            .filter(|(level, i)| *level > 0 && index >> level == *i)
            .copied()
            .collect();
        for key in stale {
            self.remove(key);
        }
        self.put((0, index), Arc::new(tree));
    }

    /// Chunks of `range` to fetch before [`ChunkStore::merged`] can answer: those neither
    /// cached nor inside a cached group.
    #[must_use]
    pub fn missing(&self, range: Range<i64>) -> Vec<i64> {
        let mut out = Vec::new();
        for (level, index) in blocks(range) {
            self.collect_missing(level, index, &mut out);
        }
        out
    }

    fn collect_missing(&self, level: u8, index: i64, out: &mut Vec<i64>) {
        if self.entries.contains_key(&(level, index)) {
            return;
        }
        if level == 0 {
            out.push(index);
            return;
        }
        self.collect_missing(level - 1, index * 2, out);
        self.collect_missing(level - 1, index * 2 + 1, out);
    }

    /// The merge of chunks `range` (through their groups, built and kept on the way), or
    /// `None` when some are missing.
    pub fn merged(&mut self, range: Range<i64>) -> Option<Tree> {
        let trees = blocks(range)
            .into_iter()
            .map(|(level, index)| self.group(level, index))
            .collect::<Option<Vec<_>>>()?;
        Some(Tree::merge(trees.iter().map(|t| &**t)))
    }

    fn group(&mut self, level: u8, index: i64) -> Option<Arc<Tree>> {
        self.clock += 1;
        let clock = self.clock;
        if let Some(e) = self.entries.get_mut(&(level, index)) {
            e.used = clock;
            return Some(Arc::clone(&e.tree));
        }
        if level == 0 {
            return None;
        }
        let merged = if level <= MIN_GROUP_LEVEL {
            // Few chunks: one merge of all of them, no intermediate copies.
            let first = index << level;
            let chunks = (first..first + (1 << level))
                .map(|i| self.group(0, i))
                .collect::<Option<Vec<_>>>()?;
            Tree::merge(chunks.iter().map(|t| &**t))
        } else {
            let left = self.group(level - 1, index * 2)?;
            let right = self.group(level - 1, index * 2 + 1)?;
            let mut merged = (*left).clone();
            merged.merge_from(&right);
            merged
        };
        let merged = Arc::new(merged);
        if level >= MIN_GROUP_LEVEL {
            self.put((level, index), Arc::clone(&merged));
        }
        Some(merged)
    }

    fn put(&mut self, key: (u8, i64), tree: Arc<Tree>) {
        self.remove(key);
        self.clock += 1;
        let bytes = tree_bytes(&tree);
        self.used += bytes;
        self.entries.insert(
            key,
            Entry {
                tree,
                bytes,
                used: self.clock,
            },
        );
        self.evict(key);
    }

    fn remove(&mut self, key: (u8, i64)) {
        if let Some(e) = self.entries.remove(&key) {
            self.used -= e.bytes;
        }
    }

    /// Drops least recently used entries (never `keep`) until within the budget.
    fn evict(&mut self, keep: (u8, i64)) {
        while self.used > self.budget {
            let oldest = self
                .entries
                .iter()
                .filter(|(k, _)| **k != keep)
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| *k);
            match oldest {
                Some(k) => self.remove(k),
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests;
