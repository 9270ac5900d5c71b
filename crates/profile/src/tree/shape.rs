//! Whole-tree shape operations: structural equality (same stacks and ticks whatever the
//! ids) and projection of a tree's shape onto other ticks.

use super::{Tree, NONE};
use crate::units::NodeId;

impl Tree {
    /// A tree with this one's shape and the ticks `ticks(id) = (total, self)`, keeping only
    /// nodes with a non-zero total (and the root). Used to split a diff or a multi-valued
    /// profile into plain trees.
    pub(crate) fn project(&self, ticks: impl Fn(u32) -> (u64, u64)) -> Tree {
        let mut out = Tree::new();
        let mut map = vec![NONE; self.keys.len()];
        let mut names = vec![None; self.names.len()];
        for (i, rec) in self.recs().enumerate() {
            let (total, self_) = ticks(i as u32);
            let target = if i == 0 {
                NodeId::ROOT
            } else {
                let parent = map.get(rec.parent as usize).copied().unwrap_or(NONE);
                if parent == NONE || total == 0 {
                    continue;
                }
                let slot = names.get_mut(rec.name.index());
                let name = match slot.as_deref().copied().flatten() {
                    Some(name) => name,
                    None => {
                        let name = out.names.intern(self.names.resolve(rec.name));
                        if let Some(slot) = slot {
                            *slot = Some(name);
                        }
                        name
                    }
                };
                out.child_or_insert(NodeId(parent), name)
            };
            out.set_ticks(target, total, self_);
            if let Some(slot) = map.get_mut(i) {
                *slot = target.0;
            }
        }
        out
    }

    /// True when both trees have the same stacks with the same totals and self values,
    /// whatever their ids, name tables and insertion order.
    #[must_use]
    pub fn same_as(&self, other: &Tree) -> bool {
        let mut pending = vec![(NodeId::ROOT, NodeId::ROOT)];
        while let Some((a, b)) = pending.pop() {
            let (ra, rb) = (self.rec(a.0), other.rec(b.0));
            if ra.total != rb.total || ra.self_ != rb.self_ {
                return false;
            }
            let (ka, kb) = (self.sorted_children(a), other.sorted_children(b));
            if ka.len() != kb.len() {
                return false;
            }
            for (ca, cb) in ka.into_iter().zip(kb) {
                let na = self.names.resolve(self.rec(ca.0).name);
                if na != other.names.resolve(other.rec(cb.0).name) {
                    return false;
                }
                pending.push((ca, cb));
            }
        }
        true
    }
}

impl PartialEq for Tree {
    fn eq(&self, other: &Tree) -> bool {
        self.same_as(other)
    }
}

impl Eq for Tree {}
