//! Levels → tree or diff, validating as it goes.
//!
//! Offsets are undone level by level, and each node is attached to the node of the level
//! above whose span contains it (both spans for a double profile). Both levels are sorted
//! by offset, so one forward-moving pointer finds every parent: decoding is linear.
//!
//! Rejected: a level 0 that is not exactly one node, a level length that is not a multiple
//! of the node size, `self > total`, offsets that overflow, a node that fits in no node
//! above or overlaps its parent's self, and a name index outside `names`. A node may leave
//! part of its parent empty (the original's rounding does that).
//!
//! Ambiguity: a zero-width node at the exact boundary between two parents is attached to
//! the left one. Only zero-tick nodes can hit this; all others decode exactly.

use crate::diff::{Diff, Side};
use crate::error::DecodeError;
use crate::flamebearer::wire::Flamebearer;
use crate::tree::Tree;
use crate::units::{NameId, NodeId, Ticks};

/// Total and self of one side of a node.
type Ticks2 = (u64, u64);

pub(super) fn single(fb: &Flamebearer) -> Result<Tree, DecodeError> {
    Ok(Decoder::<1>::from_wire(fb)?.finish().0)
}

pub(super) fn double(fb: &Flamebearer) -> Result<Diff, DecodeError> {
    let (tree, sides) = Decoder::<2>::from_wire(fb)?.finish();
    let side = |s: usize| -> Vec<Side> {
        sides
            .iter()
            .map(|t| {
                let (total, self_) = t.get(s).copied().unwrap_or_default();
                Side {
                    total: Ticks(total),
                    self_ticks: Ticks(self_),
                }
            })
            .collect()
    };
    let (left, right) = (side(0), side(1));
    Ok(Diff::from_parts(tree, left, right))
}

/// A decoded node of the previous level: its spans per side and its tree node.
#[derive(Clone, Copy)]
struct Placed<const S: usize> {
    /// Where children may start: `x + self`.
    inner: [u64; S],
    /// `x + total`.
    end: [u64; S],
    node: u32,
}

/// Decodes levels one at a time, top down, so a streaming reader never holds them all
/// (see [`super::stream`]). Names are interned up front with [`Decoder::set_names`].
pub(super) struct Decoder<const S: usize> {
    /// Tree name of each `names` index; index 0 (the root's) is never looked up.
    names: Vec<NameId>,
    tree: Tree,
    /// Per tree name: the last (parent, child) it was attached under. While no duplicate
    /// sibling has been seen, every tree node comes from one wire node whose children are
    /// consecutive, so this finds duplicates without the tree's hash index.
    last_child: Vec<(u32, u32)>,
    /// Set at the first duplicate sibling: from then on children are found through the
    /// tree's index, which also covers merged parents.
    indexed: bool,
    /// Per tree node, the ticks of each side (kept only for double profiles).
    sides: Vec<[Ticks2; S]>,
    /// The placed nodes of the last level decoded.
    above: Vec<Placed<S>>,
    /// Depth of the next level.
    depth: usize,
}

/// One wire node: per side (x, total, self), plus the name index.
struct Bar<const S: usize> {
    x: [u64; S],
    end: [u64; S],
    ticks: [Ticks2; S],
    name: u64,
}

impl<const S: usize> Decoder<S> {
    const CHUNK: usize = 3 * S + 1;

    /// A decoder with room for `nodes` nodes.
    pub(super) fn new(nodes: usize) -> Self {
        Decoder {
            names: Vec::new(),
            tree: Tree::with_capacity(nodes),
            last_child: Vec::new(),
            indexed: false,
            sides: Vec::new(),
            above: Vec::new(),
            depth: 0,
        }
    }

    fn from_wire(fb: &Flamebearer) -> Result<Self, DecodeError> {
        let nodes: usize = fb.levels.iter().map(|l| l.len() / Self::CHUNK).sum();
        let mut decoder = Decoder::new(nodes);
        decoder.set_names(fb.names.iter().map(String::as_str));
        for level in &fb.levels {
            decoder.push_level(level)?;
        }
        Ok(decoder)
    }

    /// Interns the symbol table, in `names` order. Index 0 is the root's `"total"`,
    /// which the tree names with the empty name instead.
    pub(super) fn set_names<'n>(&mut self, names: impl Iterator<Item = &'n str>) {
        self.names.clear();
        for name in names {
            self.push_name(name);
        }
    }

    /// Interns the next entry of the symbol table.
    pub(super) fn push_name(&mut self, name: &str) {
        let id = if self.names.is_empty() {
            NameId::EMPTY
        } else {
            self.tree.intern(name)
        };
        self.names.push(id);
    }

    /// The tree (and per-side ticks) decoded so far.
    pub(super) fn finish(self) -> (Tree, Vec<[Ticks2; S]>) {
        let sides = if self.depth == 0 {
            vec![[(0, 0); S]]
        } else {
            self.sides
        };
        (self.tree, sides)
    }

    /// Decodes the next level.
    pub(super) fn push_level(&mut self, level: &[u64]) -> Result<(), DecodeError> {
        let depth = self.depth;
        self.depth += 1;
        if depth > 0 {
            let above = std::mem::take(&mut self.above);
            self.above = self.level(depth, level, &above)?;
            return Ok(());
        }
        if level.len() != Self::CHUNK {
            return Err(err(0, 0, "level 0 must hold exactly one node"));
        }
        let root = self.bar(level, 0, 0, [0; S])?;
        self.record(NodeId::ROOT, &root.ticks);
        self.above = vec![Placed {
            inner: inner(&root),
            end: root.end,
            node: 0,
        }];
        Ok(())
    }

    fn level(
        &mut self,
        depth: usize,
        level: &[u64],
        above: &[Placed<S>],
    ) -> Result<Vec<Placed<S>>, DecodeError> {
        if !level.len().is_multiple_of(Self::CHUNK) {
            return Err(err(
                depth,
                level.len() / Self::CHUNK,
                "level length is not a whole number of nodes",
            ));
        }
        let mut placed = Vec::with_capacity(level.len() / Self::CHUNK);
        let mut prev_end = [0u64; S];
        let mut p = 0;
        for (i, chunk) in level.chunks_exact(Self::CHUNK).enumerate() {
            let bar = self.bar(chunk, depth, i, prev_end)?;
            prev_end = bar.end;
            while above
                .get(p)
                .is_some_and(|a| (0..S).any(|s| a.end.get(s) < bar.end.get(s)))
            {
                p += 1;
            }
            let Some(parent) = above.get(p) else {
                return Err(err(
                    depth,
                    i,
                    "node lies outside every node of the level above",
                ));
            };
            if (0..S).any(|s| parent.inner.get(s) > bar.x.get(s)) {
                return Err(err(depth, i, "node overlaps its parent's self ticks"));
            }
            let name = self.name(bar.name, depth, i)?;
            let id = self.attach(NodeId(parent.node), name);
            self.record(id, &bar.ticks);
            placed.push(Placed {
                inner: inner(&bar),
                end: bar.end,
                node: id.0,
            });
        }
        Ok(placed)
    }

    /// Reads one node, undoing the delta encoding against `prev_end`.
    fn bar(
        &self,
        chunk: &[u64],
        depth: usize,
        i: usize,
        prev_end: [u64; S],
    ) -> Result<Bar<S>, DecodeError> {
        let at = |k: usize| chunk.get(k).copied().unwrap_or(0);
        let mut bar = Bar {
            x: [0; S],
            end: [0; S],
            ticks: [(0, 0); S],
            name: at(3 * S),
        };
        for s in 0..S {
            let (gap, total, self_) = (at(3 * s), at(3 * s + 1), at(3 * s + 2));
            if self_ > total {
                return Err(err(depth, i, "self exceeds total"));
            }
            let start = prev_end.get(s).copied().unwrap_or(0);
            let x = start
                .checked_add(gap)
                .ok_or_else(|| err(depth, i, "offset overflows"))?;
            let end = x
                .checked_add(total)
                .ok_or_else(|| err(depth, i, "offset overflows"))?;
            if let (Some(bx), Some(be), Some(bt)) =
                (bar.x.get_mut(s), bar.end.get_mut(s), bar.ticks.get_mut(s))
            {
                (*bx, *be, *bt) = (x, end, (total, self_));
            }
        }
        Ok(bar)
    }

    /// The child of `parent` named `name`, created if new (see `last_child`).
    fn attach(&mut self, parent: NodeId, name: NameId) -> NodeId {
        if self.indexed {
            return self.tree.child_or_insert(parent, name);
        }
        if self.last_child.len() <= name.index() {
            self.last_child.resize(name.index() + 1, (u32::MAX, 0));
        }
        let Some(slot) = self.last_child.get_mut(name.index()) else {
            return self.tree.child_or_insert(parent, name);
        };
        if slot.0 == parent.0 {
            self.indexed = true;
            return NodeId(slot.1);
        }
        let child = self.tree.push_child_unindexed(parent, name);
        *slot = (parent.0, child.0);
        child
    }

    /// The tree name of a `names` index; index 0 is the root's (empty) name.
    fn name(&self, index: u64, depth: usize, i: usize) -> Result<NameId, DecodeError> {
        if index == 0 {
            return Ok(NameId::EMPTY);
        }
        usize::try_from(index)
            .ok()
            .and_then(|k| self.names.get(k))
            .copied()
            .ok_or_else(|| err(depth, i, "name index outside names"))
    }

    /// Adds a wire node's ticks to its tree node (sides summed) and, for double
    /// profiles, to the per-side record.
    fn record(&mut self, id: NodeId, ticks: &[Ticks2; S]) {
        let (total, self_) = ticks.iter().fold((0u64, 0u64), |(t, s), x| {
            (t.saturating_add(x.0), s.saturating_add(x.1))
        });
        self.tree.add_ticks(id, total, self_);
        if S > 1 {
            if self.sides.len() <= id.index() {
                self.sides.resize(id.index() + 1, [(0, 0); S]);
            }
            if let Some(sides) = self.sides.get_mut(id.index()) {
                for (acc, t) in sides.iter_mut().zip(ticks) {
                    *acc = (acc.0.saturating_add(t.0), acc.1.saturating_add(t.1));
                }
            }
        }
    }
}

fn inner<const S: usize>(bar: &Bar<S>) -> [u64; S] {
    let mut out = bar.x;
    for (x, t) in out.iter_mut().zip(&bar.ticks) {
        *x = x.saturating_add(t.1);
    }
    out
}

fn err(level: usize, node: usize, problem: &'static str) -> DecodeError {
    DecodeError::Level {
        level,
        node,
        problem,
    }
}
