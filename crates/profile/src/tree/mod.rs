//! The call tree: an arena of nodes with interned names, each carrying a `total` (ticks in
//! the node and below) and a `self` (ticks in the node itself).
//!
//! Everything else in the crate builds, transforms or encodes a [`Tree`]. Its invariants,
//! which every constructor in this crate upholds and the decoders check:
//!
//! - node 0 is the root (the empty stack, name [`NameId::EMPTY`]), shown as `total`;
//! - a parent's id is smaller than its children's, so id order visits parents first;
//! - siblings have distinct names (a stack has exactly one node);
//! - `total >= self + sum(children's totals)` for every node (saturating at `u64::MAX`).
//!   Trees built from stacks are exact (`==`); a *gap* appears only where the original
//!   server rounded (scaling a write across time slots, averaging), and decoded profiles
//!   keep it so that re-encoding reproduces the input.
//!
//! Nodes are never removed; transformations (truncate, focus, sandwich) build new trees.

mod node;
mod shape;

pub use node::Node;

use std::sync::OnceLock;

use crate::child_index::ChildIndex;
use crate::names::Names;
use crate::units::{NameId, NodeId, Ticks};

/// "No node" in the arena's links.
const NONE: u32 = u32::MAX;

/// A node as other modules see it: its key and ticks, by value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rec {
    pub(crate) name: NameId,
    pub(crate) parent: u32,
    pub(crate) total: u64,
    pub(crate) self_: u64,
}

/// What identifies a node among its siblings. Kept apart from ticks and links so that the
/// child lookup, the critical path of merge and decode, reads 8 dense bytes per node.
#[derive(Clone, Copy, Debug)]
struct Key {
    parent: u32,
    name: NameId,
}

/// The node's place in its parent's child list (insertion order) and its depth.
#[derive(Clone, Copy, Debug)]
struct Links {
    first_child: u32,
    last_child: u32,
    next_sibling: u32,
    depth: u32,
}

const NO_LINKS: Links = Links {
    first_child: NONE,
    last_child: NONE,
    next_sibling: NONE,
    depth: 0,
};

/// Returned for ids from another tree instead of panicking.
const MISSING: Rec = Rec {
    name: NameId::EMPTY,
    parent: NONE,
    total: 0,
    self_: 0,
};

/// A call tree. See the module documentation for its invariants.
///
/// Storage is an arena split by access pattern: `keys` (parent and name), `ticks` (total
/// and self) and `links` (child lists, depth), all indexed by node id.
#[derive(Clone)]
pub struct Tree {
    names: Names,
    keys: Vec<Key>,
    ticks: Vec<(u64, u64)>,
    links: Vec<Links>,
    /// `(parent, name)` → child, so a stack is found in O(depth) probes.
    /// Built on first use: decoders that know their input has no duplicate siblings
    /// append nodes without it (see [`Tree::push_child_unindexed`]).
    index: OnceLock<ChildIndex>,
}

impl Default for Tree {
    fn default() -> Self {
        Tree::new()
    }
}

impl std::fmt::Debug for Tree {
    /// Small trees print as indented text (readable test failures), large ones as counts.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.keys.len() <= 64 {
            return write!(f, "Tree {{\n{}}}", self.to_text());
        }
        f.debug_struct("Tree")
            .field("nodes", &self.keys.len())
            .field("names", &self.names.len())
            .field("total", &self.total_ticks())
            .finish()
    }
}

impl Tree {
    /// An empty tree: just the root, with zero ticks.
    #[must_use]
    pub fn new() -> Tree {
        Tree::with_capacity(1)
    }

    /// An empty tree with room for `nodes` nodes before reallocating.
    #[must_use]
    pub fn with_capacity(nodes: usize) -> Tree {
        let cap = nodes.max(1);
        let mut tree = Tree {
            names: Names::new(),
            keys: Vec::with_capacity(cap),
            ticks: Vec::with_capacity(cap),
            links: Vec::with_capacity(cap),
            index: OnceLock::new(),
        };
        tree.keys.push(Key {
            parent: NONE,
            name: NameId::EMPTY,
        });
        tree.ticks.push((0, 0));
        tree.links.push(NO_LINKS);
        tree
    }

    /// An empty tree that starts with a copy of `names`, so ids from `names` can be used
    /// directly (e.g. with [`Tree::insert_stack_ids`]).
    #[must_use]
    pub fn with_names(names: Names) -> Tree {
        Tree {
            names,
            ..Tree::new()
        }
    }

    /// The name table.
    #[must_use]
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// The id of `name` in this tree's table, adding it if new.
    pub fn intern(&mut self, name: &str) -> NameId {
        self.names.intern(name)
    }

    /// Number of nodes, the root included (so never 0).
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True for a fresh tree: only the root, with no ticks.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.total_ticks() == Ticks::ZERO && self.keys.len() == 1
    }

    /// Ticks of the whole tree (the root's total).
    #[must_use]
    pub fn total_ticks(&self) -> Ticks {
        Ticks(self.rec(0).total)
    }

    /// The root node.
    #[must_use]
    pub fn root(&self) -> Node<'_> {
        Node { tree: self, id: 0 }
    }

    /// The node with this id, if it belongs to this tree.
    #[must_use]
    pub fn node(&self, id: NodeId) -> Option<Node<'_>> {
        (id.index() < self.keys.len()).then_some(Node {
            tree: self,
            id: id.0,
        })
    }

    /// All nodes in id order (parents before children).
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = Node<'_>> + '_ {
        (0..self.keys.len() as u32).map(move |id| Node { tree: self, id })
    }

    /// The child of `parent` named `name`.
    #[must_use]
    pub fn child(&self, parent: NodeId, name: NameId) -> Option<NodeId> {
        self.index().get(parent.0, name).map(NodeId)
    }

    /// The node reached by following `frames` (root first) from the root.
    #[must_use]
    pub fn find(&self, frames: &[&str]) -> Option<NodeId> {
        frames.iter().try_fold(NodeId::ROOT, |node, frame| {
            self.child(node, self.names.get(frame)?)
        })
    }

    /// Adds `value` ticks to the stack `frames` (root first), creating missing nodes.
    /// Returns the leaf. An empty stack adds to the root's self.
    pub fn insert_stack<'a, I>(&mut self, frames: I, value: Ticks) -> NodeId
    where
        I: IntoIterator<Item = &'a str>,
    {
        let mut node = NodeId::ROOT;
        self.add_total(node, value.0);
        for frame in frames {
            let name = self.names.intern(frame);
            node = self.child_or_insert(node, name);
            self.add_total(node, value.0);
        }
        self.add_self(node, value.0);
        node
    }

    /// [`Tree::insert_stack`] with already interned names.
    pub fn insert_stack_ids(&mut self, frames: &[NameId], value: Ticks) -> NodeId {
        let mut node = NodeId::ROOT;
        self.add_total(node, value.0);
        for &name in frames {
            node = self.child_or_insert(node, name);
            self.add_total(node, value.0);
        }
        self.add_self(node, value.0);
        node
    }

    /// Children of `id` sorted by name (byte order), the order flamegraphs lay them out in.
    #[must_use]
    pub fn sorted_children(&self, id: NodeId) -> Vec<NodeId> {
        let mut kids: Vec<u32> = self.children_ids(id.0).collect();
        crate::sort::ids_by(&mut kids, &|a, b| {
            let (a, b) = (self.rec(a).name, self.rec(b).name);
            self.names
                .resolve(a)
                .as_bytes()
                .cmp(self.names.resolve(b).as_bytes())
        });
        kids.into_iter().map(NodeId).collect()
    }

    // ----- crate-internal building blocks -----

    pub(crate) fn rec(&self, id: u32) -> Rec {
        match (self.keys.get(id as usize), self.ticks.get(id as usize)) {
            (Some(k), Some(&(total, self_))) => Rec {
                name: k.name,
                parent: k.parent,
                total,
                self_,
            },
            _ => MISSING,
        }
    }

    /// Every node's record, in id order.
    pub(crate) fn recs(&self) -> impl ExactSizeIterator<Item = Rec> + '_ {
        self.keys
            .iter()
            .zip(&self.ticks)
            .map(|(k, &(total, self_))| Rec {
                name: k.name,
                parent: k.parent,
                total,
                self_,
            })
    }

    fn links(&self, id: u32) -> Links {
        self.links.get(id as usize).copied().unwrap_or(NO_LINKS)
    }

    pub(crate) fn children_ids(&self, id: u32) -> ChildIds<'_> {
        ChildIds {
            tree: self,
            next: self.links(id).first_child,
        }
    }

    /// The child of `parent` named `name`, created with zero ticks if missing. If the arena
    /// is full (2^32 − 1 nodes) the parent itself is returned, so ticks stay in the tree.
    #[inline]
    pub(crate) fn child_or_insert(&mut self, parent: NodeId, name: NameId) -> NodeId {
        match self.index().get(parent.0, name) {
            Some(child) => NodeId(child),
            None => {
                let child = self.append_child(parent, name);
                if let Some(index) = self.index.get_mut() {
                    index.insert(parent.0, name, child.0);
                }
                child
            }
        }
    }

    /// Appends a child without looking for an existing one: the caller guarantees that
    /// `parent` has no child named `name` yet. Skips the index (dropping it, to be rebuilt
    /// on the next lookup), which makes decoding large profiles markedly faster.
    pub(crate) fn push_child_unindexed(&mut self, parent: NodeId, name: NameId) -> NodeId {
        if self.index.get().is_some() {
            self.index = OnceLock::new();
        }
        self.push_child(parent, name)
    }

    /// The child index, built from the arena if it was dropped.
    #[inline]
    fn index(&self) -> &ChildIndex {
        self.index.get_or_init(|| {
            let mut index = ChildIndex::with_capacity(self.keys.len());
            for (id, key) in self.keys.iter().enumerate().skip(1) {
                index.insert(key.parent, key.name, id as u32);
            }
            index
        })
    }

    /// [`Tree::push_child`] out of line: for lookups, where a new child is the rare case.
    #[cold]
    fn append_child(&mut self, parent: NodeId, name: NameId) -> NodeId {
        self.push_child(parent, name)
    }

    /// Appends a child of `parent` (which must not have one named `name`).
    #[inline]
    fn push_child(&mut self, parent: NodeId, name: NameId) -> NodeId {
        let Ok(id) = u32::try_from(self.keys.len()) else {
            return parent;
        };
        if id == NONE || parent.index() >= self.keys.len() {
            return parent;
        }
        let parent_links = self.links(parent.0);
        self.keys.push(Key {
            parent: parent.0,
            name,
        });
        self.ticks.push((0, 0));
        self.links.push(Links {
            depth: parent_links.depth.saturating_add(1),
            ..NO_LINKS
        });
        if let Some(prev) = self.links.get_mut(parent_links.last_child as usize) {
            prev.next_sibling = id;
        }
        if let Some(p) = self.links.get_mut(parent.index()) {
            if p.first_child == NONE {
                p.first_child = id;
            }
            p.last_child = id;
        }
        NodeId(id)
    }

    pub(crate) fn names_mut(&mut self) -> &mut Names {
        &mut self.names
    }

    #[inline]
    pub(crate) fn add_ticks(&mut self, id: NodeId, total: u64, self_: u64) {
        if let Some(t) = self.ticks.get_mut(id.index()) {
            t.0 = t.0.saturating_add(total);
            t.1 = t.1.saturating_add(self_);
        }
    }

    pub(crate) fn add_self(&mut self, id: NodeId, value: u64) {
        self.add_ticks(id, 0, value);
    }

    pub(crate) fn add_total(&mut self, id: NodeId, value: u64) {
        self.add_ticks(id, value, 0);
    }

    pub(crate) fn set_ticks(&mut self, id: NodeId, total: u64, self_: u64) {
        if let Some(t) = self.ticks.get_mut(id.index()) {
            *t = (total, self_);
        }
    }

    /// Sets every total to `self + sum(children)`, bottom-up (children have larger ids).
    pub(crate) fn recompute_totals(&mut self) {
        for t in &mut self.ticks {
            t.0 = t.1;
        }
        for i in (1..self.keys.len()).rev() {
            let parent = self.keys.get(i).map_or(NONE, |k| k.parent);
            let total = self.ticks.get(i).map_or(0, |t| t.0);
            if let Some(p) = self.ticks.get_mut(parent as usize) {
                p.0 = p.0.saturating_add(total);
            }
        }
    }

    /// The first node whose total is not exactly `self + sum(children)`, if any.
    #[cfg(test)]
    pub(crate) fn first_inconsistent_node(&self) -> Option<NodeId> {
        let mut sums: Vec<u64> = self.recs().map(|r| r.self_).collect();
        for r in self.recs().skip(1) {
            if let Some(p) = sums.get_mut(r.parent as usize) {
                *p = p.saturating_add(r.total);
            }
        }
        self.recs()
            .zip(&sums)
            .position(|(r, s)| r.total != *s)
            .map(|i| NodeId(i as u32))
    }
}

/// Iterator over child ids in insertion order.
#[derive(Debug, Clone)]
pub(crate) struct ChildIds<'t> {
    tree: &'t Tree,
    next: u32,
}

impl Iterator for ChildIds<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.tree.links(id).next_sibling;
        Some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserting_stacks_keeps_totals_consistent() {
        let mut tree = Tree::new();
        tree.insert_stack(["main", "work"], Ticks(3));
        tree.insert_stack(["main"], Ticks(2));
        tree.insert_stack(["main", "work"], Ticks(1));
        let work = tree.find(&["main", "work"]).unwrap();
        let main = tree.find(&["main"]).unwrap();
        assert_eq!(tree.node(work).unwrap().total(), Ticks(4));
        assert_eq!(tree.node(main).unwrap().self_ticks(), Ticks(2));
        assert_eq!(tree.total_ticks(), Ticks(6));
        assert_eq!(tree.len(), 3);
        assert_eq!(tree.first_inconsistent_node(), None);
        assert_eq!(tree.node(work).unwrap().stack(), vec!["main", "work"]);
        assert_eq!(tree.node(work).unwrap().depth(), 2);
    }

    #[test]
    fn foreign_ids_are_rejected_not_panicking() {
        let tree = Tree::new();
        assert!(tree.node(NodeId(7)).is_none());
        assert_eq!(tree.rec(99).total, 0);
    }

    #[test]
    fn equality_ignores_insertion_order() {
        let mut a = Tree::new();
        a.insert_stack(["x"], Ticks(1));
        a.insert_stack(["y"], Ticks(2));
        let mut b = Tree::new();
        b.insert_stack(["y"], Ticks(2));
        b.insert_stack(["x"], Ticks(1));
        assert_eq!(a, b);
        b.insert_stack(["y", "z"], Ticks(1));
        assert_ne!(a, b);
    }
}
