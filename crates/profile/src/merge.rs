//! Merging trees (sum of stacks) and scaling them.
//!
//! Merge is what the server does for every query (summing the trees of many writes and
//! series) and what the app does when combining profiles, so it is a single linear pass
//! over the source: each source node maps to its accumulator node through one hash probe
//! keyed by (accumulator parent, name), and its ticks are added there.

use crate::tree::Tree;
use crate::units::{NameId, NodeId};

impl Tree {
    /// Adds every stack of `other` to `self` (in place; `other` is unchanged).
    pub fn merge_from(&mut self, other: &Tree) {
        let _ = self.merge_mapped(other);
    }

    /// Sum of `trees`; the empty tree when there are none.
    #[must_use]
    pub fn merge<'a>(trees: impl IntoIterator<Item = &'a Tree>) -> Tree {
        let mut acc = Tree::new();
        for tree in trees {
            acc.merge_from(tree);
        }
        acc
    }

    /// Merges `other` in and returns, for each node of `other` (by index), the id of the
    /// node of `self` it was added to.
    pub(crate) fn merge_mapped(&mut self, other: &Tree) -> Vec<u32> {
        let names: Vec<NameId> = self.names_mut().import(other.names());
        let mut map: Vec<u32> = Vec::with_capacity(other.len());
        for (i, rec) in other.recs().enumerate() {
            let target = if i == 0 {
                NodeId::ROOT
            } else {
                let parent = map.get(rec.parent as usize).copied().unwrap_or(0);
                let name = names
                    .get(rec.name.index())
                    .copied()
                    .unwrap_or(NameId::EMPTY);
                self.child_or_insert(NodeId(parent), name)
            };
            self.add_ticks(target, rec.total, rec.self_);
            map.push(target.0);
        }
        map
    }

    /// Multiplies every node's total and self by `numerator / denominator`, each rounded
    /// down on its own, e.g. to spread a 20 s write over two 10 s slots (1/2 each).
    ///
    /// This is exactly what the original did (`Tree.Clone(ratio)`), so rendered numbers
    /// match; a parent may then exceed the sum of its parts by the rounding (a gap, allowed
    /// by the tree invariant). A zero denominator leaves the tree unchanged.
    pub fn scale(&mut self, numerator: u64, denominator: u64) {
        if denominator == 0 {
            return;
        }
        let apply = |v: u64| {
            let scaled = u128::from(v) * u128::from(numerator) / u128::from(denominator);
            u64::try_from(scaled).unwrap_or(u64::MAX)
        };
        for id in 0..self.len() as u32 {
            let rec = self.rec(id);
            let (total, self_) = (apply(rec.total), apply(rec.self_));
            self.set_ticks(NodeId(id), total, self_);
        }
    }

    /// Divides every node by `count` (rounding down): the `average` aggregation of
    /// in-use memory and goroutine profiles over `count` writes. `count == 0` is a no-op.
    pub fn divide(&mut self, count: u64) {
        self.scale(1, count);
    }
}

#[cfg(test)]
mod tests {
    use crate::{Ticks, Tree};

    fn folded(text: &str) -> Tree {
        Tree::from_folded(text).0
    }

    #[test]
    fn merge_adds_stacks_and_totals() {
        let a = folded("main;work 3\nmain 1\n");
        let b = folded("main;work 2\nmain;idle 4\ngc 1\n");
        let merged = Tree::merge([&a, &b]);
        expect_test::expect![[r#"
            total total=11 self=0
              gc total=1 self=1
              main total=10 self=1
                idle total=4 self=4
                work total=5 self=5
        "#]]
        .assert_eq(&merged.to_text());
        assert_eq!(merged.first_inconsistent_node(), None);
    }

    #[test]
    fn scaling_rounds_each_value_down_like_the_original() {
        let mut tree = folded("a 3\na;b 1\nc 4\n");
        tree.scale(1, 2);
        expect_test::expect![[r#"
            total total=4 self=0
              a total=2 self=1
                b total=0 self=0
              c total=2 self=2
        "#]]
        .assert_eq(&tree.to_text());
        tree.scale(5, 0);
        assert_eq!(tree.total_ticks(), Ticks(4));
        tree.scale(3, 1);
        assert_eq!(tree.total_ticks(), Ticks(12));
    }
}
