//! Node budgets: how the original server kept profiles small, and an alternative.
//!
//! The original computes a threshold `minVal`, the `maxNodes`-th largest node total, and
//! folds every child below it into one synthetic child named `other` (at render time in
//! the flamebearer encoder, and at write time with a budget of 2048 nodes). That keeps the
//! widest nodes, which is right for a flamegraph, but it can hide a hot leaf function
//! that sits under many narrow stacks. [`Strategy::HeaviestSelf`] keeps the stacks with
//! the most self ticks instead.

use crate::tree::Tree;
use crate::units::NodeId;

/// A node budget: the `maxNodes` / `max-nodes` parameter of the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxNodes {
    /// No truncation (`-1` on the wire).
    Unlimited,
    /// Keep about this many nodes (the threshold may keep a few more on ties, plus the
    /// synthetic `other` nodes). A limit of 0 behaves like 1 (only the root survives).
    Limit(usize),
}

impl MaxNodes {
    /// The original's render default (`max-nodes-render`).
    pub const RENDER_DEFAULT: MaxNodes = MaxNodes::Limit(8192);
    /// The original's write-time default (`max-nodes-serialization`).
    pub const STORAGE_DEFAULT: MaxNodes = MaxNodes::Limit(2048);

    /// Reads a query parameter value: `-1` (and, leniently, any other negative number) is
    /// unlimited, a positive number is a limit, and 0 is `None` ("use the default"), as the
    /// original ignores zero.
    #[must_use]
    pub fn from_param(value: i64) -> Option<MaxNodes> {
        match value {
            0 => None,
            v if v < 0 => Some(MaxNodes::Unlimited),
            v => Some(MaxNodes::Limit(usize::try_from(v).unwrap_or(usize::MAX))),
        }
    }

    /// The value as the original writes it in `metadata.maxNodes` (`-1` for unlimited).
    #[must_use]
    pub fn to_param(self) -> i64 {
        match self {
            MaxNodes::Unlimited => -1,
            MaxNodes::Limit(n) => i64::try_from(n).unwrap_or(i64::MAX),
        }
    }

    /// The original's threshold over a list of node totals: the `maxNodes`-th largest
    /// value (duplicates counted) if there are that many, else the smallest; 0 when
    /// unlimited or empty.
    pub(crate) fn min_value(self, mut totals: Vec<u64>) -> u64 {
        let MaxNodes::Limit(limit) = self else {
            return 0;
        };
        let k = limit.max(1);
        if totals.len() < k {
            return totals.iter().copied().min().unwrap_or(0);
        }
        let (_, kth, _) = totals.select_nth_unstable_by(k - 1, |a, b| b.cmp(a));
        *kth
    }
}

/// Which nodes a truncation keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// The original's rule: keep nodes whose total reaches the `maxNodes`-th largest total.
    #[default]
    WidestTotal,
    /// Keep the stacks with the most self ticks: nodes are taken in decreasing order of
    /// self, each with its ancestors, until the budget is used. Hot leaves under many
    /// narrow callers survive; wide nodes with little self may be folded.
    HeaviestSelf,
}

impl Tree {
    /// A copy of the tree reduced to about `max` nodes: every child that is not kept is
    /// folded, with its subtree, into a child named `other` of its parent (merged with an
    /// existing `other` child). Totals are preserved everywhere that is kept.
    #[must_use]
    pub fn truncate(&self, max: MaxNodes, strategy: Strategy) -> Tree {
        if max == MaxNodes::Unlimited {
            return self.clone();
        }
        let keep = match strategy {
            Strategy::WidestTotal => {
                let min = max.min_value(self.recs().map(|r| r.total).collect());
                self.recs().map(|r| r.total >= min).collect()
            }
            Strategy::HeaviestSelf => self.heaviest_self_keep(max),
        };
        self.fold_unkept(&keep)
    }

    fn heaviest_self_keep(&self, max: MaxNodes) -> Vec<bool> {
        let MaxNodes::Limit(limit) = max else {
            return vec![true; self.len()];
        };
        let mut order: Vec<u32> = (1..self.len() as u32).collect();
        crate::sort::ids_by(&mut order, &|a, b| {
            self.rec(b).self_.cmp(&self.rec(a).self_).then(a.cmp(&b))
        });
        let mut keep = vec![false; self.len()];
        let mut kept = 1;
        if let Some(root) = keep.first_mut() {
            *root = true;
        }
        for id in order {
            if kept >= limit.max(1) {
                break;
            }
            let mut node = id;
            while keep.get(node as usize) == Some(&false) {
                if let Some(slot) = keep.get_mut(node as usize) {
                    *slot = true;
                }
                kept += 1;
                node = self.rec(node).parent;
            }
        }
        keep
    }

    /// Copies the nodes marked in `keep` whose parents are kept; the rest of each kept
    /// node's children become its `other` child.
    fn fold_unkept(&self, keep: &[bool]) -> Tree {
        let mut out = Tree::with_capacity(self.len().min(keep.iter().filter(|k| **k).count() + 1));
        let mut map = vec![u32::MAX; self.len()];
        let mut folded = vec![0u64; self.len()];
        for (i, rec) in self.recs().enumerate() {
            if i == 0 {
                out.set_ticks(NodeId::ROOT, rec.total, rec.self_);
                if let Some(slot) = map.first_mut() {
                    *slot = 0;
                }
                continue;
            }
            let Some(&parent) = map.get(rec.parent as usize) else {
                continue;
            };
            if parent == u32::MAX {
                continue;
            }
            if keep.get(i) == Some(&true) {
                let name = out.intern(self.names().resolve(rec.name));
                let id = out.child_or_insert(NodeId(parent), name);
                out.add_total(id, rec.total);
                out.add_self(id, rec.self_);
                if let Some(slot) = map.get_mut(i) {
                    *slot = id.0;
                }
            } else if let Some(sum) = folded.get_mut(rec.parent as usize) {
                *sum = sum.saturating_add(rec.total);
            }
        }
        let other = out.intern("other");
        for (i, sum) in folded.into_iter().enumerate() {
            let parent = map.get(i).copied().unwrap_or(u32::MAX);
            if sum > 0 && parent != u32::MAX {
                let id = out.child_or_insert(NodeId(parent), other);
                out.add_total(id, sum);
                out.add_self(id, sum);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_value_is_the_kth_largest_or_the_smallest() {
        let totals = vec![100, 70, 60, 40, 30, 15, 10];
        assert_eq!(MaxNodes::Limit(3).min_value(totals.clone()), 60);
        assert_eq!(MaxNodes::Limit(7).min_value(totals.clone()), 10);
        assert_eq!(MaxNodes::Limit(50).min_value(totals.clone()), 10);
        assert_eq!(MaxNodes::Unlimited.min_value(totals.clone()), 0);
        assert_eq!(MaxNodes::Limit(0).min_value(totals), 100);
        assert_eq!(MaxNodes::Limit(2).min_value(vec![5, 5, 5]), 5);
        assert_eq!(MaxNodes::Limit(2).min_value(vec![]), 0);
    }

    #[test]
    fn params_follow_the_original() {
        assert_eq!(MaxNodes::from_param(-1), Some(MaxNodes::Unlimited));
        assert_eq!(MaxNodes::from_param(-7), Some(MaxNodes::Unlimited));
        assert_eq!(MaxNodes::from_param(0), None);
        assert_eq!(MaxNodes::from_param(1024), Some(MaxNodes::Limit(1024)));
        assert_eq!(MaxNodes::Unlimited.to_param(), -1);
    }
}
