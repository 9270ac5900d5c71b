//! Derived trees for exploring one function: focus (re-rooted at the function) and
//! sandwich (who calls it, and what it calls).
//!
//! A function may occur at many places, and recursively inside itself. Both views merge
//! its *outermost* occurrences only: a nested call is already part of the outer call's
//! subtree, so counting it again would double its ticks. The views' totals therefore
//! equal the function's recursion-correct total in [`Tree::table`].

use crate::tree::Tree;
use crate::units::{NameId, NodeId, Ticks};

/// The two halves of a sandwich view of one function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandwich {
    /// Inverted tree: root → function → its callers → their callers …
    pub callers: Tree,
    /// root → function → everything it calls, merged over every occurrence.
    pub callees: Tree,
}

impl Tree {
    /// The tree re-rooted at every outermost occurrence of `name`: root → `name` → the
    /// merged subtrees. Empty when the function does not occur.
    #[must_use]
    pub fn focus(&self, name: &str) -> Tree {
        let mut out = Tree::new();
        let mut map = vec![None; self.names().len()];
        let Some(target) = self.names().get(name) else {
            return out;
        };
        let top = out.intern(name);
        let top = out.child_or_insert(NodeId::ROOT, top);
        for occurrence in self.outermost(target) {
            let rec = self.rec(occurrence);
            out.add_total(NodeId::ROOT, rec.total);
            out.graft(top, self, occurrence, &mut map);
        }
        out
    }

    /// The tree reduced to one node: the path from the root to `node` (each ancestor with
    /// the node's total and no self) and the node's whole subtree.
    #[must_use]
    pub fn focus_node(&self, node: NodeId) -> Tree {
        let mut out = Tree::new();
        let mut map = vec![None; self.names().len()];
        let Some(focused) = self.node(node) else {
            return out;
        };
        let total = focused.total().0;
        let mut at = NodeId::ROOT;
        if let Some((_, ancestors)) = focused.stack().split_last() {
            out.add_total(NodeId::ROOT, total);
            for frame in ancestors {
                let name = out.intern(frame);
                at = out.child_or_insert(at, name);
                out.add_total(at, total);
            }
            let name = out.intern(focused.name());
            at = out.child_or_insert(at, name);
        }
        out.graft(at, self, node.0, &mut map);
        out
    }

    /// Callers and callees of `name`, merged over its outermost occurrences.
    #[must_use]
    pub fn sandwich(&self, name: &str) -> Sandwich {
        let mut callers = Tree::new();
        if let Some(target) = self.names().get(name) {
            for occurrence in self.outermost(target) {
                let frames = self
                    .node(NodeId(occurrence))
                    .map(|n| n.stack())
                    .unwrap_or_default();
                callers.insert_stack(frames.into_iter().rev(), Ticks(self.rec(occurrence).total));
            }
        }
        Sandwich {
            callers,
            callees: self.focus(name),
        }
    }

    /// Nodes named `name` with no ancestor of the same name, in depth-first order.
    fn outermost(&self, name: NameId) -> Vec<u32> {
        let mut found = Vec::new();
        let mut work: Vec<u32> = self.children_ids(0).collect();
        while let Some(id) = work.pop() {
            if self.rec(id).name == name {
                found.push(id);
            } else {
                work.extend(self.children_ids(id));
            }
        }
        found
    }

    /// Adds the ticks of `src_node` to `at` and merges its whole subtree below `at`.
    /// `map` caches `src` name ids translated into this tree.
    fn graft(&mut self, at: NodeId, src: &Tree, src_node: u32, map: &mut [Option<NameId>]) {
        let rec = src.rec(src_node);
        self.add_total(at, rec.total);
        self.add_self(at, rec.self_);
        let mut work = vec![(src_node, at)];
        while let Some((from, to)) = work.pop() {
            for child in src.children_ids(from) {
                let rec = src.rec(child);
                let name = match map.get(rec.name.index()).copied().flatten() {
                    Some(name) => name,
                    None => {
                        let name = self.intern(src.names().resolve(rec.name));
                        if let Some(slot) = map.get_mut(rec.name.index()) {
                            *slot = Some(name);
                        }
                        name
                    }
                };
                let id = self.child_or_insert(to, name);
                self.add_total(id, rec.total);
                self.add_self(id, rec.self_);
                work.push((child, id));
            }
        }
    }
}
