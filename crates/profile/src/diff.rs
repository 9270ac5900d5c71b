//! The typed diff of two trees: their aligned union, with the left and right ticks of
//! every node. This is what the comparison views draw and what the `double` flamebearer
//! encodes; a node that is missing on one side has zero ticks there.

use crate::tree::Tree;
use crate::units::{NodeId, Ticks};

/// Ticks of one node on one side of a diff.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Side {
    /// Ticks in the node and below.
    pub total: Ticks,
    /// Ticks in the node itself.
    pub self_ticks: Ticks,
}

/// How a node differs between the sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Ticks on both sides.
    Both,
    /// Ticks only on the right: new in the right profile.
    Added,
    /// Ticks only on the left: gone from the right profile.
    Removed,
    /// No ticks on either side (zero-valued nodes).
    Neither,
}

/// Two trees aligned node by node. The union tree's own ticks are left + right.
///
/// Equality is structural: same stacks with the same ticks on each side, whatever the
/// node ids.
#[derive(Debug, Clone)]
pub struct Diff {
    tree: Tree,
    left: Vec<Side>,
    right: Vec<Side>,
}

fn sides(tree: &Tree, len: usize) -> Vec<Side> {
    let mut out: Vec<Side> = tree
        .recs()
        .map(|r| Side {
            total: Ticks(r.total),
            self_ticks: Ticks(r.self_),
        })
        .collect();
    out.resize(len.max(out.len()), Side::default());
    out
}

impl Diff {
    /// Aligns `left` and `right`.
    #[must_use]
    pub fn new(left: &Tree, right: &Tree) -> Diff {
        let mut tree = left.clone();
        let map = tree.merge_mapped(right);
        let left_sides = sides(left, tree.len());
        let mut right_sides = vec![Side::default(); tree.len()];
        for (rec, &target) in right.recs().zip(&map) {
            if let Some(side) = right_sides.get_mut(target as usize) {
                side.total += Ticks(rec.total);
                side.self_ticks += Ticks(rec.self_);
            }
        }
        Diff {
            tree,
            left: left_sides,
            right: right_sides,
        }
    }

    /// Builds a diff from a union tree and per-node sides (indexed by node id).
    pub(crate) fn from_parts(tree: Tree, mut left: Vec<Side>, mut right: Vec<Side>) -> Diff {
        left.resize(tree.len(), Side::default());
        right.resize(tree.len(), Side::default());
        Diff { tree, left, right }
    }

    /// The union tree: structure, names, parents and depths of every aligned node.
    #[must_use]
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Left ticks of `node` (zero for an unknown id).
    #[must_use]
    pub fn left(&self, node: NodeId) -> Side {
        self.left.get(node.index()).copied().unwrap_or_default()
    }

    /// Right ticks of `node` (zero for an unknown id).
    #[must_use]
    pub fn right(&self, node: NodeId) -> Side {
        self.right.get(node.index()).copied().unwrap_or_default()
    }

    /// Whether `node` is new, removed or on both sides.
    #[must_use]
    pub fn change(&self, node: NodeId) -> Change {
        match (self.left(node).total.0 > 0, self.right(node).total.0 > 0) {
            (true, true) => Change::Both,
            (false, true) => Change::Added,
            (true, false) => Change::Removed,
            (false, false) => Change::Neither,
        }
    }

    /// Total ticks of the left tree.
    #[must_use]
    pub fn left_total(&self) -> Ticks {
        self.left(NodeId::ROOT).total
    }

    /// Total ticks of the right tree.
    #[must_use]
    pub fn right_total(&self) -> Ticks {
        self.right(NodeId::ROOT).total
    }

    /// Takes the diff apart: the union tree and the left and right sides of every node,
    /// indexed by node id (both as long as the tree), for a viewer that keeps them apart.
    #[must_use]
    pub fn into_parts(self) -> (Tree, Vec<Side>, Vec<Side>) {
        (self.tree, self.left, self.right)
    }

    /// The left tree alone (nodes with left ticks).
    #[must_use]
    pub fn left_tree(&self) -> Tree {
        self.project(&self.left)
    }

    /// The right tree alone (nodes with right ticks).
    #[must_use]
    pub fn right_tree(&self) -> Tree {
        self.project(&self.right)
    }

    fn project(&self, side: &[Side]) -> Tree {
        self.tree.project(|id| {
            let s = side.get(id as usize).copied().unwrap_or_default();
            (s.total.0, s.self_ticks.0)
        })
    }
}

impl PartialEq for Diff {
    fn eq(&self, other: &Diff) -> bool {
        let (a, b) = (&self.tree, &other.tree);
        let mut pending = vec![(NodeId::ROOT, NodeId::ROOT)];
        while let Some((x, y)) = pending.pop() {
            if self.left(x) != other.left(y) || self.right(x) != other.right(y) {
                return false;
            }
            let (kx, ky) = (a.sorted_children(x), b.sorted_children(y));
            if kx.len() != ky.len() {
                return false;
            }
            for (cx, cy) in kx.into_iter().zip(ky) {
                let same_name = a.node(cx).map(|n| n.name()) == b.node(cy).map(|n| n.name());
                if !same_name {
                    return false;
                }
                pending.push((cx, cy));
            }
        }
        true
    }
}

impl Eq for Diff {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_aligns_and_marks_new_and_removed_nodes() {
        let left = Tree::from_folded("main;a 2\nmain;b 1\n").0;
        let right = Tree::from_folded("main;a 1\nmain;c 3\n").0;
        let diff = Diff::new(&left, &right);
        expect_test::expect![[r#"
            total left=3/0 right=4/0
              main left=3/0 right=4/0
                a left=2/2 right=1/1
                b left=1/1 right=0/0 (removed)
                c left=0/0 right=3/3 (added)
        "#]]
        .assert_eq(&diff.to_text());
        assert_eq!(diff.left_tree(), left);
        let (union, l, r) = diff.clone().into_parts();
        assert_eq!((l.len(), r.len()), (union.len(), union.len()));
        assert_eq!(union.total_ticks(), Ticks(7));
        assert_eq!(diff.right_tree(), right);
        assert_eq!(
            (diff.left_total(), diff.right_total()),
            (Ticks(3), Ticks(4))
        );
    }
}
