//! The binary `tree` and `trie` bodies of `POST /ingest` (pyroscope-api.md §4.4), as the
//! old Go agent sent them.
//!
//! - `tree`: pre-order records `(name length, name, self, child count)`, root first; the
//!   root's name is ignored and totals are derived. Bytes after the root's subtree are
//!   ignored, as the original does.
//! - `trie`: a prefix trie over whole stack *strings* (labels need not align with `;`):
//!   pre-order records `(label length, label, value, child count)`, possibly several
//!   roots, until the end of input. Every node with a value emits the concatenated key
//!   as a folded stack with that count.

use crate::codec::Reader;
use crate::error::DecodeError;
use crate::tree::Tree;
use crate::units::{NodeId, Ticks};

impl Tree {
    /// Decodes a `format=tree` ingestion body.
    pub fn from_tree_format(body: &[u8]) -> Result<Tree, DecodeError> {
        let mut tree = Tree::new();
        let mut r = Reader::new(body, 0);
        // (node, children still to read); the root record's name is ignored.
        let (_, self_, children) = tree_record(&mut r)?;
        tree.add_self(NodeId::ROOT, self_);
        let mut open = vec![(NodeId::ROOT, children)];
        while let Some(top) = open.last_mut() {
            if top.1 == 0 {
                open.pop();
                continue;
            }
            top.1 -= 1;
            let parent = top.0;
            let (name, self_, children) = tree_record(&mut r)?;
            let name = tree.intern(&String::from_utf8_lossy(name));
            let node = tree.child_or_insert(parent, name);
            tree.add_self(node, self_);
            open.push((node, children));
        }
        tree.recompute_totals();
        Ok(tree)
    }

    /// Decodes a `format=trie` ingestion body.
    pub fn from_trie_format(body: &[u8]) -> Result<Tree, DecodeError> {
        let mut tree = Tree::new();
        let mut r = Reader::new(body, 0);
        let mut key: Vec<u8> = Vec::new();
        // (key length before this node's label, children still to read)
        let mut open: Vec<(usize, u64)> = Vec::new();
        while !r.at_end() {
            if let Some(parent) = open.last_mut() {
                parent.1 = parent.1.saturating_sub(1);
            }
            let (label, value, children) = tree_record(&mut r)?;
            open.push((key.len(), children));
            key.extend_from_slice(label);
            if value > 0 {
                let stack = String::from_utf8_lossy(&key);
                tree.insert_stack(crate::folded::frames(&stack), Ticks(value));
            }
            while let Some(&(len, 0)) = open.last() {
                key.truncate(len);
                open.pop();
            }
        }
        if open.is_empty() {
            Ok(tree)
        } else {
            Err(r.error("trie ends before all children were read"))
        }
    }
}

/// One record of either format: a length-prefixed label, a value and a child count.
fn tree_record<'a>(r: &mut Reader<'a>) -> Result<(&'a [u8], u64, u64), DecodeError> {
    let label = r.bytes_prefixed()?;
    Ok((label, r.varint()?, r.varint()?))
}
