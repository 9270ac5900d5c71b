//! Storage form of many trees of one series: a [`NodeDict`] numbers every call path the
//! series ever had (names written once, when the path first appears), and each stored tree
//! is a [`SparseTree`]: only the nodes with self ticks (or a rounding gap), as
//! `(dictionary index, value)` pairs sorted by index, delta- and varint-encoded. A 200-stack
//! profile is then about 500 bytes however deep its stacks and long its names, and trees
//! of a series merge by adding values at equal indexes, without touching names.
//!
//! Layouts (integers are unsigned LEB128 varints):
//!
//! ```text
//! dictionary entries, appended in index order (index 0 is the root, never written):
//!     parent index, name byte length, UTF-8 name
//! sparse tree:
//!     u8 version = 2, entry count,
//!     entry count × (index delta << 1 | has gap, self, [gap if has gap])
//! ```
//!
//! The first delta is from 0, the others from the previous index (so ≥ 1). `gap` is what
//! [`crate::codec`] calls the gap: `total − self − children's totals`, kept so scaled trees
//! round-trip exactly. Decoders validate everything and never panic.

use std::collections::HashMap;

use crate::codec::{put_varint, Reader};
use crate::error::DecodeError;
use crate::names::Names;
use crate::tree::Tree;
use crate::units::{NameId, NodeId};

/// The version byte of [`SparseTree::to_bytes`] (1 is the self-contained [`crate::codec`]).
pub const SPARSE_VERSION: u8 = 2;

/// Every call path of a series, numbered in first-seen order; parents before children.
#[derive(Debug, Clone)]
pub struct NodeDict {
    names: Names,
    /// `(parent index, name)` of each entry; entry 0 is the root.
    keys: Vec<(u32, NameId)>,
    lookup: HashMap<(u32, NameId), u32>,
}

impl Default for NodeDict {
    fn default() -> Self {
        NodeDict::new()
    }
}

/// One stored node: dictionary index, self ticks, rounding gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    index: u32,
    self_: u64,
    gap: u64,
}

/// A tree as values at dictionary indexes, sorted by index (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SparseTree {
    entries: Vec<Entry>,
}

impl NodeDict {
    /// A dictionary holding only the root.
    #[must_use]
    pub fn new() -> NodeDict {
        NodeDict {
            names: Names::new(),
            keys: vec![(0, NameId::EMPTY)],
            lookup: HashMap::new(),
        }
    }

    /// Number of entries, the root included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether only the root is known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.len() <= 1
    }

    /// The encoded entries from index `from` on (what a writer persists after
    /// [`NodeDict::sparse`] added paths).
    #[must_use]
    pub fn entries_bytes(&self, from: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for &(parent, name) in self.keys.iter().skip(from.max(1)) {
            let text = self.names.resolve(name);
            put_varint(&mut out, u64::from(parent));
            put_varint(&mut out, text.len() as u64);
            out.extend_from_slice(text.as_bytes());
        }
        out
    }

    /// Appends entries written by [`NodeDict::entries_bytes`]. Validated in full first: on
    /// error the dictionary is unchanged.
    pub fn extend_from_bytes(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        let mut r = Reader::new(bytes, 0);
        let mut parsed: Vec<(u32, &str)> = Vec::new();
        let mut seen: HashMap<(u32, &str), ()> = HashMap::new();
        while !r.at_end() {
            let parent = r.varint()?;
            let own = self.keys.len() + parsed.len();
            let parent = match u32::try_from(parent) {
                Ok(p) if (p as usize) < own => p,
                _ => return Err(r.error("dictionary parent out of range")),
            };
            let raw = r.bytes_prefixed()?;
            let name = std::str::from_utf8(raw).map_err(|_| r.error("name is not UTF-8"))?;
            let known = self
                .names
                .get(name)
                .is_some_and(|id| self.lookup.contains_key(&(parent, id)));
            if known || seen.insert((parent, name), ()).is_some() {
                return Err(r.error("duplicate dictionary entry"));
            }
            parsed.push((parent, name));
        }
        for (parent, name) in parsed {
            let id = self.names.intern(name);
            self.push(parent, id);
        }
        Ok(())
    }

    fn push(&mut self, parent: u32, name: NameId) -> u32 {
        let index = self.keys.len() as u32;
        self.keys.push((parent, name));
        self.lookup.insert((parent, name), index);
        index
    }

    /// Forgets entries from `len` on (a writer whose commit failed rolls back with this).
    pub fn truncate(&mut self, len: usize) {
        let len = len.max(1);
        for key in self.keys.drain(len.min(self.keys.len())..) {
            self.lookup.remove(&key);
        }
    }

    /// The tree as values at dictionary indexes, adding the paths the dictionary lacks.
    pub fn sparse(&mut self, tree: &Tree) -> SparseTree {
        let mut name_map: Vec<Option<NameId>> = vec![None; tree.names().len()];
        let mut index_of: Vec<u32> = Vec::with_capacity(tree.len());
        let mut children_total: Vec<u64> = vec![0; tree.len()];
        for rec in tree.recs().skip(1) {
            if let Some(t) = children_total.get_mut(rec.parent as usize) {
                *t = t.saturating_add(rec.total);
            }
        }
        let mut entries = Vec::new();
        for (i, rec) in tree.recs().enumerate() {
            let index = if i == 0 {
                0
            } else {
                let parent = index_of.get(rec.parent as usize).copied().unwrap_or(0);
                let name = match name_map.get(rec.name.index()).copied().flatten() {
                    Some(n) => n,
                    None => {
                        let n = self.names.intern(tree.names().resolve(rec.name));
                        if let Some(slot) = name_map.get_mut(rec.name.index()) {
                            *slot = Some(n);
                        }
                        n
                    }
                };
                match self.lookup.get(&(parent, name)) {
                    Some(&index) => index,
                    None => self.push(parent, name),
                }
            };
            index_of.push(index);
            let children = children_total.get(i).copied().unwrap_or(0);
            let gap = rec.total.saturating_sub(rec.self_).saturating_sub(children);
            if rec.self_ > 0 || gap > 0 {
                entries.push(Entry {
                    index,
                    self_: rec.self_,
                    gap,
                });
            }
        }
        entries.sort_unstable_by_key(|e| e.index);
        // A tree never has two nodes on one path, but merge defensively.
        let mut out = SparseTree::default();
        for e in entries {
            out.add(e);
        }
        out
    }

    /// Number of nodes [`NodeDict::tree`] would build for `sparse` (the root included):
    /// every stored node and its ancestors. Values are not looked at, so nodes whose ticks
    /// add up to zero count too.
    #[must_use]
    pub fn node_count(&self, sparse: &SparseTree) -> usize {
        let mut seen = vec![false; self.keys.len()];
        let mut count = 1;
        if let Some(root) = seen.first_mut() {
            *root = true;
        }
        for e in &sparse.entries {
            let mut i = e.index as usize;
            while let Some(slot) = seen.get_mut(i) {
                if *slot {
                    break;
                }
                *slot = true;
                count += 1;
                i = self.keys.get(i).map_or(0, |k| k.0 as usize);
            }
        }
        count
    }

    /// Builds the tree of `sparse` (indexes beyond the dictionary are ignored; nodes with
    /// no ticks are left out).
    #[must_use]
    pub fn tree(&self, sparse: &SparseTree) -> Tree {
        let mut sums = Sums::new(self.len());
        sums.add(sparse);
        self.tree_of_sums(&sums)
    }

    /// Builds the tree of summed stored trees (see [`Sums`]).
    #[must_use]
    pub fn tree_of_sums(&self, sums: &Sums) -> Tree {
        let n = self.keys.len();
        let selfs = &sums.selfs;
        let mut totals: Vec<u64> = (0..n)
            .map(|i| {
                let s = selfs.get(i).copied().unwrap_or(0);
                s.saturating_add(sums.gaps.get(i).copied().unwrap_or(0))
            })
            .collect();
        for i in (1..n).rev() {
            let parent = self.keys.get(i).map_or(0, |k| k.0) as usize;
            let total = totals.get(i).copied().unwrap_or(0);
            if let Some(p) = totals.get_mut(parent) {
                *p = p.saturating_add(total);
            }
        }
        let stored = totals.iter().filter(|&&t| t > 0).count();
        let mut tree = Tree::with_capacity(stored);
        let mut names: Vec<Option<NameId>> = vec![None; self.names.len()];
        let mut node_of: Vec<Option<NodeId>> = vec![None; n];
        if let Some(slot) = node_of.first_mut() {
            *slot = Some(NodeId::ROOT);
        }
        tree.add_ticks(
            NodeId::ROOT,
            totals.first().copied().unwrap_or(0),
            selfs.first().copied().unwrap_or(0),
        );
        for i in 1..n {
            let total = totals.get(i).copied().unwrap_or(0);
            let (Some(&(parent, name)), true) = (self.keys.get(i), total > 0) else {
                continue;
            };
            let Some(parent) = node_of.get(parent as usize).copied().flatten() else {
                continue;
            };
            let name = match names.get(name.index()).copied().flatten() {
                Some(id) => id,
                None => {
                    let id = tree.intern(self.names.resolve(name));
                    if let Some(slot) = names.get_mut(name.index()) {
                        *slot = Some(id);
                    }
                    id
                }
            };
            // Dictionary entries are unique per (parent, name): no lookup needed.
            let node = tree.push_child_unindexed(parent, name);
            tree.add_ticks(node, total, selfs.get(i).copied().unwrap_or(0));
            if let Some(slot) = node_of.get_mut(i) {
                *slot = Some(node);
            }
        }
        tree
    }
}

impl SparseTree {
    /// Number of stored nodes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sum of every value (the tree's total).
    #[must_use]
    pub fn total(&self) -> u64 {
        self.entries
            .iter()
            .fold(0u64, |t, e| t.saturating_add(e.self_).saturating_add(e.gap))
    }

    /// Adds an entry whose index is ≥ every stored index.
    fn add(&mut self, e: Entry) {
        match self.entries.last_mut() {
            Some(last) if last.index == e.index => {
                last.self_ = last.self_.saturating_add(e.self_);
                last.gap = last.gap.saturating_add(e.gap);
            }
            _ => self.entries.push(e),
        }
    }

    /// Adds `other`'s values to this tree's.
    pub fn merge(&mut self, other: &SparseTree) {
        if other.entries.is_empty() {
            return;
        }
        let mine = std::mem::take(&mut self.entries);
        self.entries.reserve(mine.len().max(other.entries.len()));
        let (mut a, mut b) = (mine.into_iter().peekable(), other.entries.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.index <= y.index => a.next(),
                (Some(_) | None, Some(_)) => b.next().copied(),
                (Some(_), None) => a.next(),
                (None, None) => break,
            };
            if let Some(e) = next {
                self.add(e);
            }
        }
    }

    /// Every value multiplied by `num / den`, rounded down (a coarse block read for the
    /// part of its time a query covers). `den == 0` gives an empty tree.
    #[must_use]
    pub fn scaled(&self, num: u64, den: u64) -> SparseTree {
        if den == 0 {
            return SparseTree::default();
        }
        let scale = |v: u64| {
            u64::try_from(u128::from(v) * u128::from(num) / u128::from(den)).unwrap_or(u64::MAX)
        };
        SparseTree {
            entries: self
                .entries
                .iter()
                .map(|e| Entry {
                    index: e.index,
                    self_: scale(e.self_),
                    gap: scale(e.gap),
                })
                .filter(|e| e.self_ > 0 || e.gap > 0)
                .collect(),
        }
    }

    /// The versioned byte form (see the module docs).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(2 + self.entries.len() * 3);
        out.push(SPARSE_VERSION);
        put_varint(&mut out, self.entries.len() as u64);
        let mut prev = 0u32;
        for e in &self.entries {
            let delta = u64::from(e.index - prev);
            put_varint(&mut out, delta << 1 | u64::from(e.gap > 0));
            put_varint(&mut out, e.self_);
            if e.gap > 0 {
                put_varint(&mut out, e.gap);
            }
            prev = e.index;
        }
        out
    }

    /// Reads [`SparseTree::to_bytes`]'s output for a dictionary of `dict_len` entries.
    pub fn from_bytes(bytes: &[u8], dict_len: usize) -> Result<SparseTree, DecodeError> {
        let mut entries = Vec::new();
        parse(bytes, dict_len, |e| entries.push(e))?;
        Ok(SparseTree { entries })
    }
}

/// Dense per-index sums of many stored trees of one series: what a read over many blocks
/// adds up before building one tree with [`NodeDict::tree_of_sums`].
#[derive(Debug, Clone, Default)]
pub struct Sums {
    selfs: Vec<u64>,
    gaps: Vec<u64>,
}

impl Sums {
    /// Zero sums for a dictionary of `dict_len` entries.
    #[must_use]
    pub fn new(dict_len: usize) -> Sums {
        Sums {
            selfs: vec![0; dict_len],
            gaps: vec![0; dict_len],
        }
    }

    /// Adds a tree.
    pub fn add(&mut self, sparse: &SparseTree) {
        for &e in &sparse.entries {
            self.add_entry(e);
        }
    }

    fn add_entry(&mut self, e: Entry) {
        if let Some(s) = self.selfs.get_mut(e.index as usize) {
            *s = s.saturating_add(e.self_);
        }
        if e.gap > 0 {
            if let Some(g) = self.gaps.get_mut(e.index as usize) {
                *g = g.saturating_add(e.gap);
            }
        }
    }

    /// Adds a tree in its byte form without building it. On error, part of it may have
    /// been added.
    pub fn add_bytes(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        let len = self.selfs.len();
        parse(bytes, len, |e| self.add_entry(e))
    }
}

/// Decodes [`SparseTree::to_bytes`]'s output, calling `f` on each entry in order.
fn parse(bytes: &[u8], dict_len: usize, mut f: impl FnMut(Entry)) -> Result<(), DecodeError> {
    {
        let mut r = Reader::new(bytes, 0);
        let version = r.varint()?;
        if version != u64::from(SPARSE_VERSION) {
            return Err(DecodeError::BinaryVersion(version));
        }
        let count = r.varint()?;
        if count > r.remaining() as u64 {
            return Err(r.error("entry count exceeds input"));
        }
        let mut prev = 0u64;
        for i in 0..count {
            let head = r.varint()?;
            let delta = head >> 1;
            if i > 0 && delta == 0 {
                return Err(r.error("indexes not increasing"));
            }
            let index = prev.saturating_add(delta);
            if index >= dict_len as u64 {
                return Err(r.error("index beyond the dictionary"));
            }
            let self_ = r.varint()?;
            let gap = if head & 1 == 1 { r.varint()? } else { 0 };
            f(Entry {
                index: index as u32,
                self_,
                gap,
            });
            prev = index;
        }
        if !r.at_end() {
            return Err(r.error("trailing bytes after the tree"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Ticks;

    fn sample() -> Tree {
        let mut t = Tree::new();
        t.insert_stack(["main", "work", "parse"], Ticks(5));
        t.insert_stack(["main", "work"], Ticks(2));
        t.insert_stack(["main", "idle"], Ticks(3));
        t
    }

    #[test]
    fn trees_round_trip_through_bytes_and_the_dictionary() {
        let mut dict = NodeDict::new();
        let tree = sample();
        let sparse = dict.sparse(&tree);
        assert_eq!(sparse.len(), 3, "only nodes with self ticks are stored");
        let bytes = sparse.to_bytes();
        let back = SparseTree::from_bytes(&bytes, dict.len()).unwrap();
        assert_eq!(back, sparse);
        assert_eq!(dict.tree(&back).to_text(), tree.to_text());
        // The dictionary itself round-trips through its entry bytes.
        let mut copy = NodeDict::new();
        copy.extend_from_bytes(&dict.entries_bytes(0)).unwrap();
        assert_eq!(copy.tree(&back).to_text(), tree.to_text());
    }

    #[test]
    fn scaling_rounds_every_value_down_and_drops_zeros() {
        let mut dict = NodeDict::new();
        let sparse = dict.sparse(&sample());
        // parse 5, work 2, idle 3: a quarter of each, floored.
        let quarter = sparse.scaled(1, 4);
        assert_eq!(quarter.total(), 1);
        assert_eq!(quarter.len(), 1, "0.5 and 0.75 round down to nothing");
        assert_eq!(sparse.scaled(3, 3), sparse);
        assert_eq!(sparse.scaled(7, 10).total(), 3 + 1 + 2);
        assert!(sparse.scaled(1, 0).is_empty());
    }

    #[test]
    fn merging_sparse_trees_adds_values() {
        let mut dict = NodeDict::new();
        let mut other = Tree::new();
        other.insert_stack(["main", "idle"], Ticks(4));
        other.insert_stack(["main", "new"], Ticks(1));
        let mut a = dict.sparse(&sample());
        a.merge(&dict.sparse(&other));
        let mut expected = sample();
        expected.merge_from(&other);
        assert_eq!(dict.tree(&a).to_text(), expected.to_text());
        assert_eq!(a.total(), 15);
        assert_eq!(dict.node_count(&a), expected.len());
        let mut sums = Sums::new(dict.len());
        sums.add_bytes(&dict.sparse(&sample()).to_bytes()).unwrap();
        sums.add_bytes(&dict.sparse(&other).to_bytes()).unwrap();
        assert_eq!(dict.tree_of_sums(&sums).to_text(), expected.to_text());
    }

    #[test]
    fn gaps_of_scaled_trees_survive() {
        let mut tree = sample();
        tree.scale(1, 3);
        let mut dict = NodeDict::new();
        let bytes = dict.sparse(&tree).to_bytes();
        let back = SparseTree::from_bytes(&bytes, dict.len()).unwrap();
        assert_eq!(dict.tree(&back).to_text(), tree.to_text());
        assert_eq!(dict.tree(&back).total_ticks(), tree.total_ticks());
    }

    #[test]
    fn corrupt_input_is_an_error_and_leaves_the_dictionary_alone() {
        let mut dict = NodeDict::new();
        let sparse = dict.sparse(&sample());
        let bytes = sparse.to_bytes();
        assert!(SparseTree::from_bytes(&bytes, 2).is_err(), "index beyond");
        assert!(SparseTree::from_bytes(&bytes[..bytes.len() - 1], dict.len()).is_err());
        assert!(
            SparseTree::from_bytes(&[1, 0], dict.len()).is_err(),
            "version"
        );
        let mut entries = dict.entries_bytes(0);
        let before = dict.len();
        assert!(dict.extend_from_bytes(&entries).is_err(), "duplicates");
        entries.truncate(entries.len() - 1);
        let mut fresh = NodeDict::new();
        assert!(fresh.extend_from_bytes(&entries).is_err(), "cut name");
        assert!(fresh.is_empty());
        assert!(
            fresh.extend_from_bytes(&[9, 1, b'a']).is_err(),
            "bad parent"
        );
        assert_eq!(dict.len(), before);
        dict.truncate(2);
        assert_eq!(dict.len(), 2);
    }
}
