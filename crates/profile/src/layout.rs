//! Flamegraph layout: a [`Tree`] turned into rows of bars in tick space, the way Pyroscope
//! draws it, plus the queries a renderer needs every frame on 500k-node trees.
//!
//! Row `d` holds the nodes at depth `d`. The root spans `[0, total)`. A node's children
//! start after its self ticks at its left edge and follow each other sorted by name (byte
//! order), except a child named `other` (the truncation bucket), which goes last. These are
//! exactly the offsets the flamebearer encoder writes, so a bar's offset here equals its
//! `x` on the wire once the delta encoding is undone.
//!
//! Rows are struct-of-arrays sorted by offset and never overlapping, built once per tree.
//! Per frame, everything is a binary search plus a walk over the bars in view:
//! [`Layout::drawn`] yields the bars of a row that intersect a tick range and merges runs of
//! bars too thin to draw into one [`Run`]; [`Layout::hit`] answers the same question for a
//! single tick with the same merge rule, so what is drawn is what is hit. Search lives in
//! [`Matches`].

use std::cmp::Ordering;
use std::ops::Range;

use crate::tree::Tree;
use crate::units::{NameId, NodeId, Ticks};

mod drawn;
mod row;
mod search;
#[cfg(test)]
mod tests;

pub use drawn::{Detail, Drawn, DrawnIter, Run};
pub use search::{contains_ignoring_case, MatchStats, Matches};

use row::Row;

/// A half-open range of ticks, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TickRange {
    /// First tick inside.
    pub start: Ticks,
    /// First tick after.
    pub end: Ticks,
}

impl TickRange {
    /// `[start, end)`; an `end` before `start` gives the empty range at `start`.
    #[must_use]
    pub fn new(start: Ticks, end: Ticks) -> TickRange {
        TickRange {
            start,
            end: end.max(start),
        }
    }

    /// Number of ticks inside.
    #[must_use]
    pub fn len(self) -> Ticks {
        Ticks(self.end.0.saturating_sub(self.start.0))
    }

    /// True when no tick is inside.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// True when `other` lies entirely inside this range.
    #[must_use]
    pub fn contains(self, other: TickRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Where a bar sits: its row (the node's depth) and its position in that row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BarId {
    /// Row, 0 for the root.
    pub row: u32,
    /// Position in the row, left to right.
    pub index: u32,
}

/// One bar: a node of the tree placed in tick space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    /// Its address in the layout.
    pub id: BarId,
    /// The ticks it covers (its width is the node's total).
    pub range: TickRange,
    /// The tree node it draws.
    pub node: NodeId,
    /// The node's name.
    pub name: NameId,
}

/// The rows of bars of one tree. Build it once per tree with [`Layout::new`].
#[derive(Clone, Default)]
pub struct Layout {
    total: Ticks,
    rows: Vec<Row>,
    bars: usize,
}

impl std::fmt::Debug for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layout")
            .field("total", &self.total)
            .field("rows", &self.rows.len())
            .field("bars", &self.bars)
            .finish()
    }
}

impl Layout {
    /// Lays out `tree`. O(n log k) for n nodes with up to k children each; the rows are
    /// allocated at their exact size: 12 to 24 bytes per node (see the `row` module).
    ///
    /// Malformed trees (children wider than their parent) are clamped into the parent, so
    /// the row invariants hold for any input.
    #[must_use]
    pub fn new(tree: &Tree) -> Layout {
        let names = tree.names();
        let other = names.get("other");
        // Layout order of two siblings: `other` last, then by name bytes, then by id.
        let before = |a: u32, b: u32| -> Ordering {
            let (na, nb) = (tree.rec(a).name, tree.rec(b).name);
            let by_name = if na == nb {
                Ordering::Equal
            } else {
                (Some(na) == other).cmp(&(Some(nb) == other)).then_with(|| {
                    names
                        .resolve(na)
                        .as_bytes()
                        .cmp(names.resolve(nb).as_bytes())
                })
            };
            by_name.then(a.cmp(&b))
        };
        let counts = nodes_per_depth(tree);
        let root = tree.root();
        let wide = u32::try_from(root.total().0).is_err();
        let mut first = Row::with_capacity(1, wide);
        first.push(0, root.total().0, NodeId::ROOT, root.name_id());
        let mut rows = Vec::with_capacity(counts.len());
        rows.push(first);
        let mut kids: Vec<u32> = Vec::new();
        while let Some(prev) = rows.last() {
            let capacity = counts.get(rows.len()).copied().unwrap_or(0);
            if capacity == 0 {
                break;
            }
            let mut next = Row::with_capacity(capacity, wide);
            for i in 0..prev.len() {
                let Some(parent) = prev.node(i) else { continue };
                let (start, end) = (prev.start(i), prev.end(i));
                let mut x = start.saturating_add(tree.rec(parent.0).self_).min(end);
                kids.clear();
                kids.extend(tree.children_ids(parent.0));
                // Decoded flamebearers arrive in layout order, and most nodes of big
                // profiles have one child: checking the order is linear, sorting is not.
                let ordered = kids
                    .windows(2)
                    .all(|w| matches!(w, [a, b] if before(*a, *b) == Ordering::Less));
                if !ordered {
                    crate::sort::ids_by(&mut kids, &before);
                }
                for &child in &kids {
                    let rec = tree.rec(child);
                    let width = rec.total.min(end - x);
                    next.push(x, width, NodeId(child), rec.name);
                    x += width;
                }
            }
            if next.len() == 0 {
                break;
            }
            rows.push(next);
        }
        let bars = rows.iter().map(Row::len).sum();
        Layout {
            total: root.total(),
            rows,
            bars,
        }
    }

    /// Ticks of the whole graph (the root's width).
    #[must_use]
    pub fn total(&self) -> Ticks {
        self.total
    }

    /// The whole graph's range, `[0, total)`.
    #[must_use]
    pub fn full_range(&self) -> TickRange {
        TickRange::new(Ticks::ZERO, self.total)
    }

    /// Number of rows (the deepest depth plus one).
    #[must_use]
    pub fn row_count(&self) -> usize {
        self.rows.len()
    }

    /// Number of bars in all rows (the tree's node count).
    #[must_use]
    pub fn len(&self) -> usize {
        self.bars
    }

    /// True for a layout with no bars (only [`Layout::default`]).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bars == 0
    }

    /// Number of bars in `row` (0 past the last row).
    #[must_use]
    pub fn row_len(&self, row: usize) -> usize {
        self.rows.get(row).map_or(0, Row::len)
    }

    /// The bar at `id`, if it exists.
    #[must_use]
    pub fn bar(&self, id: BarId) -> Option<Bar> {
        let row = self.rows.get(id.row as usize)?;
        let i = id.index as usize;
        Some(Bar {
            id,
            range: TickRange::new(Ticks(row.start(i)), Ticks(row.end(i))),
            node: row.node(i)?,
            name: row.name(i),
        })
    }

    fn bar_at(&self, row: usize, index: usize) -> Option<Bar> {
        self.bar(BarId {
            row: u32::try_from(row).ok()?,
            index: u32::try_from(index).ok()?,
        })
    }

    /// The bars of `row`, left to right.
    pub fn bars(&self, row: usize) -> impl Iterator<Item = Bar> + '_ {
        (0..self.row_len(row)).filter_map(move |i| self.bar_at(row, i))
    }

    /// Indexes of the bars of `row` that intersect `range`.
    #[must_use]
    pub fn span(&self, row: usize, range: TickRange) -> Range<usize> {
        self.rows.get(row).map_or(0..0, |r| r.span(range))
    }

    /// The non-empty bar of `row` that starts exactly at `start`, if any.
    #[must_use]
    pub fn find(&self, row: usize, start: Ticks) -> Option<BarId> {
        let r = self.rows.get(row)?;
        let i = r.partition(|i| r.start(i) >= start.0);
        (i..r.len())
            .take_while(|&i| r.start(i) == start.0)
            .find(|&i| r.width(i) > 0)
            .and_then(|i| self.bar_at(row, i))
            .map(|bar| bar.id)
    }

    /// The bar drawing `node`. Linear in the node's row; meant for rare look-ups
    /// (restoring a zoom), not per frame.
    #[must_use]
    pub fn bar_of_node(&self, tree: &Tree, node: NodeId) -> Option<BarId> {
        let row = tree.node(node)?.depth();
        let index = self.rows.get(row)?.position(node)?;
        self.bar_at(row, index).map(|bar| bar.id)
    }

    /// The bar of `id`'s parent node, `None` for the root.
    #[must_use]
    pub fn parent(&self, tree: &Tree, id: BarId) -> Option<BarId> {
        let bar = self.bar(id)?;
        let parent = tree.node(bar.node)?.parent()?.id();
        let row = id.row.checked_sub(1)? as usize;
        let r = self.rows.get(row)?;
        // The parent starts at or before the child; zero-width neighbours may share its start.
        let at = r.partition(|i| r.start(i) > bar.range.start.0);
        (0..at)
            .rev()
            .take(64)
            .find(|&i| r.node(i) == Some(parent))
            .and_then(|i| self.bar_at(row, i))
            .map(|bar| bar.id)
    }

    /// The children of bar `id`: the bars of the next row drawing its child nodes, left to
    /// right.
    #[must_use]
    pub fn children(&self, tree: &Tree, id: BarId) -> Vec<Bar> {
        let Some(bar) = self.bar(id) else {
            return Vec::new();
        };
        let row = id.row as usize + 1;
        self.span(row, bar.range)
            .filter_map(|i| self.bar_at(row, i))
            .filter(|child| {
                tree.node(child.node)
                    .and_then(|n| n.parent())
                    .is_some_and(|p| p.id() == bar.node)
            })
            .collect()
    }
}

/// Counts nodes per depth, so every row is allocated once at its exact size.
fn nodes_per_depth(tree: &Tree) -> Vec<usize> {
    let mut counts: Vec<usize> = Vec::new();
    for node in tree.nodes() {
        let depth = node.depth();
        if counts.len() <= depth {
            counts.resize(depth + 1, 0);
        }
        if let Some(c) = counts.get_mut(depth) {
            *c += 1;
        }
    }
    counts
}
