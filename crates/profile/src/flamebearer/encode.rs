//! Tree and diff → levels, exactly as the original lays them out.
//!
//! One encoder serves both formats: a node has `S` sides (1 for single, 2 for double),
//! each with its own x offset, total and self. The walk is the original's: a stack-based
//! pre-order that visits the *last* child first (and the synthetic `other` before the
//! real children), assigning `names` indexes in first-visit order; each level is then
//! emitted in reverse visit order, which is left to right.

use crate::diff::Diff;
use crate::flamebearer::wire::Flamebearer;
use crate::tree::Tree;
use crate::truncate::MaxNodes;
use crate::units::NameId;

/// Total and self of one side of a node.
type Ticks2 = (u64, u64);

pub(super) fn single(tree: &Tree, max: MaxNodes) -> Flamebearer {
    let sides = |id: u32| {
        let rec = tree.rec(id);
        [(rec.total, rec.self_)]
    };
    Encoder {
        tree,
        sides,
        fold_literal_other: true,
    }
    .encode(max)
}

pub(super) fn double(diff: &Diff, max: MaxNodes) -> Flamebearer {
    let sides = |id: u32| {
        let (l, r) = (diff.left(crate::NodeId(id)), diff.right(crate::NodeId(id)));
        [(l.total.0, l.self_ticks.0), (r.total.0, r.self_ticks.0)]
    };
    // The original's diff encoder does not force-fold children literally named `other`.
    Encoder {
        tree: diff.tree(),
        sides,
        fold_literal_other: false,
    }
    .encode(max)
}

struct Encoder<'t, F> {
    tree: &'t Tree,
    sides: F,
    fold_literal_other: bool,
}

/// A node waiting to be emitted: a tree node, or the synthetic `other` (`node: None`).
struct Pending<const S: usize> {
    node: Option<u32>,
    ticks: [Ticks2; S],
    level: usize,
    x: [u64; S],
}

/// Assigns `names` indexes in first-visit order, keyed by name id as the original keyed
/// them by string.
struct NameTable<'t> {
    tree: &'t Tree,
    index: Vec<u32>,
    other: Option<NameId>,
    synthetic_other: Option<u32>,
    out: Vec<String>,
}

impl NameTable<'_> {
    fn index_of(&mut self, node: Option<u32>) -> u32 {
        let name = match node {
            Some(id) => Some(self.tree.rec(id).name),
            None => self.other,
        };
        let slot = match name {
            Some(name) => self.index.get_mut(name.index()),
            None => self.synthetic_other.as_mut(),
        };
        if let Some(&i) = slot.as_deref().filter(|i| **i != u32::MAX) {
            return i;
        }
        let i = u32::try_from(self.out.len()).unwrap_or(u32::MAX);
        let text = match (i, name) {
            (0, _) => "total",
            (_, Some(name)) if node.is_some() => self.tree.names().resolve(name),
            _ => "other",
        };
        self.out.push(text.to_owned());
        match slot {
            Some(s) => *s = i,
            None => self.synthetic_other = Some(i),
        }
        i
    }
}

impl<const S: usize, F: Fn(u32) -> [Ticks2; S]> Encoder<'_, F> {
    fn encode(&self, max: MaxNodes) -> Flamebearer {
        let min = max.min_value(
            (0..self.tree.len() as u32)
                .map(|id| (self.sides)(id).iter().map(|s| s.0).max().unwrap_or(0))
                .collect(),
        );
        let mut names = NameTable {
            tree: self.tree,
            index: vec![u32::MAX; self.tree.names().len()],
            other: self.tree.names().get("other"),
            synthetic_other: None,
            out: Vec::new(),
        };
        let ranks = self.tree.names().ranks();
        let chunk = 3 * S + 1;
        let mut levels: Vec<Vec<u64>> = Vec::new();
        let mut max_self = 0;
        let mut kids = Vec::new();
        let mut stack = vec![Pending {
            node: Some(0),
            ticks: (self.sides)(0),
            level: 0,
            x: [0; S],
        }];
        while let Some(item) = stack.pop() {
            let name = names.index_of(item.node);
            if levels.len() <= item.level {
                levels.resize_with(item.level + 1, Vec::new);
            }
            if let Some(level) = levels.get_mut(item.level) {
                for (s, &(total, self_)) in item.ticks.iter().enumerate() {
                    level.extend([item.x.get(s).copied().unwrap_or(0), total, self_]);
                    max_self = max_self.max(self_);
                }
                level.push(u64::from(name));
            }
            if let Some(id) = item.node {
                self.push_children(id, &item, min, &ranks, &mut kids, &mut stack);
            }
        }
        let num_ticks = (self.sides)(0)
            .iter()
            .fold(0u64, |a, s| a.saturating_add(s.0));
        let levels = levels
            .into_iter()
            .map(|l| finish_level(&l, chunk, S))
            .collect();
        Flamebearer {
            names: names.out,
            levels,
            num_ticks,
            max_self,
        }
    }

    /// Queues the kept children of `id` (by name) and the synthetic `other` holding the
    /// rest, each starting where the previous one ends, after the parent's self.
    fn push_children(
        &self,
        id: u32,
        parent: &Pending<S>,
        min: u64,
        ranks: &[u32],
        kids: &mut Vec<(u32, [Ticks2; S])>,
        stack: &mut Vec<Pending<S>>,
    ) {
        let other_name = self.tree.names().get("other");
        let mut x = parent.x;
        for (s, (_, self_)) in parent.ticks.iter().enumerate() {
            if let Some(x) = x.get_mut(s) {
                *x = x.saturating_add(*self_);
            }
        }
        let mut other = [0u64; S];
        kids.clear();
        for child in self.tree.children_ids(id) {
            let ticks = (self.sides)(child);
            let literal_other =
                self.fold_literal_other && Some(self.tree.rec(child).name) == other_name;
            if !literal_other && ticks.iter().any(|s| s.0 >= min) {
                kids.push((child, ticks));
            } else {
                for (sum, s) in other.iter_mut().zip(&ticks) {
                    *sum = sum.saturating_add(s.0);
                }
            }
        }
        let rank = |i: usize| {
            kids.get(i).map_or(u32::MAX, |(child, _)| {
                let name = self.tree.rec(*child).name;
                ranks.get(name.index()).copied().unwrap_or(u32::MAX)
            })
        };
        if kids.len() > 1 {
            let order = crate::sort::order_by(kids.len(), &|a, b| rank(a).cmp(&rank(b)));
            let sorted: Vec<_> = order
                .iter()
                .filter_map(|&i| kids.get(i as usize).copied())
                .collect();
            *kids = sorted;
        }
        let level = parent.level + 1;
        for &(child, ticks) in kids.iter() {
            stack.push(Pending {
                node: Some(child),
                ticks,
                level,
                x,
            });
            for (x, s) in x.iter_mut().zip(&ticks) {
                *x = x.saturating_add(s.0);
            }
        }
        if other.iter().any(|&t| t != 0) {
            let ticks = other.map(|t| (t, t));
            stack.push(Pending {
                node: None,
                ticks,
                level,
                x,
            });
        }
    }
}

/// Reverses a level's nodes (they were collected in visit order, right to left) and
/// delta-encodes each side's x offsets.
fn finish_level(level: &[u64], chunk: usize, sides: usize) -> Vec<u64> {
    let mut out: Vec<u64> = level.chunks_exact(chunk).rev().flatten().copied().collect();
    for side in 0..sides {
        let mut prev_end = 0u64;
        for node in out.chunks_exact_mut(chunk) {
            let (Some(&x), Some(&total)) = (node.get(3 * side), node.get(3 * side + 1)) else {
                continue;
            };
            if let Some(slot) = node.get_mut(3 * side) {
                *slot = x.saturating_sub(prev_end);
            }
            prev_end = x.saturating_add(total);
        }
    }
    out
}
