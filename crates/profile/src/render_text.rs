//! Indented text renderings of trees and diffs, for tests (expect-test snapshots) and
//! debugging. One node per line, children indented two spaces under their parent and
//! sorted by name; the root is shown as `total`.

use std::fmt::Write as _;

use crate::diff::Diff;
use crate::tree::Tree;
use crate::units::NodeId;

impl Tree {
    /// The tree as indented text, e.g. `  main total=70 self=0`.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        walk_sorted(self, |id, depth| {
            let Some(node) = self.node(id) else { return };
            let name = if node.is_root() { "total" } else { node.name() };
            let _ = writeln!(
                out,
                "{:indent$}{name} total={} self={}",
                "",
                node.total(),
                node.self_ticks(),
                indent = depth * 2
            );
        });
        out
    }
}

impl Diff {
    /// The diff as indented text: `name left=total/self right=total/self` and a marker for
    /// nodes that exist on one side only.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let tree = self.tree();
        walk_sorted(tree, |id, depth| {
            let Some(node) = tree.node(id) else { return };
            let name = if node.is_root() { "total" } else { node.name() };
            let (l, r) = (self.left(id), self.right(id));
            let marker = match self.change(id) {
                crate::diff::Change::Added => " (added)",
                crate::diff::Change::Removed => " (removed)",
                _ => "",
            };
            let _ = writeln!(
                out,
                "{:indent$}{name} left={}/{} right={}/{}{marker}",
                "",
                l.total,
                l.self_ticks,
                r.total,
                r.self_ticks,
                indent = depth * 2
            );
        });
        out
    }
}

/// Pre-order walk with children in name order, calling `visit(node, depth)`.
pub(crate) fn walk_sorted(tree: &Tree, mut visit: impl FnMut(NodeId, usize)) {
    let mut stack = vec![(NodeId::ROOT, 0usize)];
    while let Some((id, depth)) = stack.pop() {
        visit(id, depth);
        let kids = tree.sorted_children(id);
        stack.extend(kids.into_iter().rev().map(|k| (k, depth + 1)));
    }
}
