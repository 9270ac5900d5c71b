//! [`Node`]: a read-only view of one node of a [`Tree`], the way the app walks trees
//! (name, ticks, parent, children, depth) without seeing the arena.

use super::{Rec, Tree, NONE};
use crate::units::{NameId, NodeId, Ticks};

/// A read-only view of one node, borrowed from its tree.
#[derive(Clone, Copy)]
pub struct Node<'t> {
    pub(super) tree: &'t Tree,
    pub(super) id: u32,
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("id", &self.id)
            .field("name", &self.name())
            .field("total", &self.total())
            .field("self", &self.self_ticks())
            .finish()
    }
}

impl<'t> Node<'t> {
    fn rec(&self) -> Rec {
        self.tree.rec(self.id)
    }

    /// This node's id.
    #[must_use]
    pub fn id(&self) -> NodeId {
        NodeId(self.id)
    }

    /// The frame name (empty for the root).
    #[must_use]
    pub fn name(&self) -> &'t str {
        self.tree.names.resolve(self.rec().name)
    }

    /// The interned frame name.
    #[must_use]
    pub fn name_id(&self) -> NameId {
        self.rec().name
    }

    /// Ticks in this node and below.
    #[must_use]
    pub fn total(&self) -> Ticks {
        Ticks(self.rec().total)
    }

    /// Ticks in this node itself.
    #[must_use]
    pub fn self_ticks(&self) -> Ticks {
        Ticks(self.rec().self_)
    }

    /// The parent, `None` for the root.
    #[must_use]
    pub fn parent(&self) -> Option<Node<'t>> {
        let parent = self.rec().parent;
        (parent != NONE).then_some(Node {
            tree: self.tree,
            id: parent,
        })
    }

    /// Distance from the root (the root is at depth 0).
    #[must_use]
    pub fn depth(&self) -> usize {
        self.tree.links(self.id).depth as usize
    }

    /// True for the root.
    #[must_use]
    pub fn is_root(&self) -> bool {
        self.id == 0
    }

    /// Children in insertion order; use [`Tree::sorted_children`] for name order.
    pub fn children(&self) -> impl Iterator<Item = Node<'t>> + 't {
        let tree = self.tree;
        tree.children_ids(self.id).map(move |id| Node { tree, id })
    }

    /// The frames from the root's child down to this node (empty for the root).
    #[must_use]
    pub fn stack(&self) -> Vec<&'t str> {
        let mut frames = Vec::with_capacity(self.depth());
        let mut node = *self;
        while let Some(parent) = node.parent() {
            frames.push(node.name());
            node = parent;
        }
        frames.reverse();
        frames
    }
}
