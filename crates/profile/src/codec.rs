//! Cinder's compact binary form of a tree, for storage: names written once, nodes as
//! varints, and a version byte so the format can change without breaking stored data.
//!
//! Layout, version 1 (all integers unsigned LEB128 varints unless noted):
//!
//! ```text
//! u8 version = 1
//! name_count, then name_count × (byte length, UTF-8 bytes)   names in first-use order
//! pre-order node records, root first:
//!     name index, self, gap, child count
//! ```
//!
//! `gap = total − self − sum(children's totals)`, normally 0; it keeps the rounding gaps
//! of scaled or averaged trees so a round trip is exact. Totals are rebuilt on read.
//! Trailing bytes are an error. [`Tree::merge_bytes`] merges a stored tree into an
//! accumulator without building it first, which is what queries spanning many stored
//! trees want.

use crate::error::DecodeError;
use crate::tree::Tree;
use crate::units::{NameId, NodeId};

/// The version byte written by [`Tree::to_bytes`].
pub const BINARY_VERSION: u8 = 1;

impl Tree {
    /// The tree in the versioned binary storage format.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut index = vec![u32::MAX; self.names().len()];
        let mut names: Vec<NameId> = Vec::new();
        let mut body = Vec::with_capacity(self.len() * 6);
        let mut work = vec![0u32];
        while let Some(id) = work.pop() {
            let rec = self.rec(id);
            let slot = index.get_mut(rec.name.index());
            let name = match slot {
                Some(s) if *s != u32::MAX => *s,
                Some(s) => {
                    *s = names.len() as u32;
                    names.push(rec.name);
                    *s
                }
                None => 0,
            };
            let children: u64 = self
                .children_ids(id)
                .map(|c| self.rec(c).total)
                .fold(0, u64::saturating_add);
            let gap = rec.total.saturating_sub(rec.self_).saturating_sub(children);
            let count = self.children_ids(id).count();
            for v in [u64::from(name), rec.self_, gap, count as u64] {
                put_varint(&mut body, v);
            }
            // Reversed so that the first child is popped (written) first.
            let start = work.len();
            work.extend(self.children_ids(id));
            if let Some(kids) = work.get_mut(start..) {
                kids.reverse();
            }
        }
        let mut out = vec![BINARY_VERSION];
        put_varint(&mut out, names.len() as u64);
        for name in names {
            let text = self.names().resolve(name);
            put_varint(&mut out, text.len() as u64);
            out.extend_from_slice(text.as_bytes());
        }
        out.extend_from_slice(&body);
        out
    }

    /// Reads a tree written by [`Tree::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Tree, DecodeError> {
        let mut tree = Tree::new();
        tree.merge_bytes(bytes)?;
        Ok(tree)
    }

    /// Adds a tree written by [`Tree::to_bytes`] to `self`. The input is validated in full
    /// before anything is added, so on error `self` is unchanged.
    pub fn merge_bytes(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        let (names, body) = read_header(bytes)?;
        let records = read_records(Reader::new(body, bytes.len() - body.len()), names.len())?;
        let ids: Vec<NameId> = names.iter().map(|n| self.intern(n)).collect();
        self.add_records(&records, &ids);
        Ok(())
    }

    /// Adds validated pre-order records, rebuilding totals bottom-up as subtrees close.
    fn add_records(&mut self, records: &[Record], names: &[NameId]) {
        struct Open {
            node: NodeId,
            remaining: u64,
            total: u64,
        }
        let mut open: Vec<Open> = Vec::new();
        for (i, record) in records.iter().enumerate() {
            let node = match open.last_mut() {
                None if i == 0 => NodeId::ROOT,
                None => break,
                Some(parent) => {
                    parent.remaining = parent.remaining.saturating_sub(1);
                    let name = names
                        .get(record.name as usize)
                        .copied()
                        .unwrap_or(NameId::EMPTY);
                    let parent = parent.node;
                    self.child_or_insert(parent, name)
                }
            };
            self.add_self(node, record.self_);
            let total = record.self_.saturating_add(record.gap);
            open.push(Open {
                node,
                remaining: record.children,
                total,
            });
            // Close every subtree that this record completed.
            while let Some(top) = open.last().filter(|top| top.remaining == 0) {
                let (node, total) = (top.node, top.total);
                open.pop();
                self.add_total(node, total);
                if let Some(parent) = open.last_mut() {
                    parent.total = parent.total.saturating_add(total);
                }
            }
        }
    }
}

/// One node record of the storage form.
struct Record {
    name: u32,
    self_: u64,
    gap: u64,
    children: u64,
}

/// Version byte and name table; returns the names and the remaining record bytes.
fn read_header(bytes: &[u8]) -> Result<(Vec<&str>, &[u8]), DecodeError> {
    let mut r = Reader::new(bytes, 0);
    let version = r.byte()?;
    if version != BINARY_VERSION {
        return Err(DecodeError::BinaryVersion(u64::from(version)));
    }
    let count = r.varint()?;
    // Every name takes at least one byte: a larger count is corrupt (and must not be
    // used to size an allocation).
    if count > r.remaining() as u64 {
        return Err(r.error("name count exceeds input"));
    }
    let mut names = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let raw = r.bytes_prefixed()?;
        let name = std::str::from_utf8(raw).map_err(|_| r.error("name is not UTF-8"))?;
        names.push(name);
    }
    Ok((names, r.rest()))
}

/// Reads and validates every record before anything is built: name indexes in range,
/// every child present, nothing after the root's subtree.
fn read_records(mut r: Reader<'_>, names: usize) -> Result<Vec<Record>, DecodeError> {
    let mut records = Vec::with_capacity(r.remaining() / 4);
    let mut pending: u64 = 1;
    while pending > 0 {
        let (name, self_, gap, children) = read_record(&mut r)?;
        let name = match u32::try_from(name) {
            Ok(n) if (n as usize) < names || (n == 0 && names == 0) => n,
            _ => return Err(r.error("name index out of range")),
        };
        pending = (pending - 1).saturating_add(children);
        if pending > r.remaining() as u64 {
            return Err(r.error("child count exceeds input"));
        }
        records.push(Record {
            name,
            self_,
            gap,
            children,
        });
    }
    if r.remaining() > 0 {
        return Err(r.error("trailing bytes after the tree"));
    }
    Ok(records)
}

fn read_record(r: &mut Reader<'_>) -> Result<(u64, u64, u64, u64), DecodeError> {
    Ok((r.varint()?, r.varint()?, r.varint()?, r.varint()?))
}

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A cursor over bytes that reports errors with their absolute offset.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], base: usize) -> Reader<'a> {
        Reader {
            bytes,
            pos: 0,
            base,
        }
    }

    pub(crate) fn error(&self, problem: &'static str) -> DecodeError {
        DecodeError::Binary {
            at: self.base + self.pos,
            problem,
        }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    pub(crate) fn at_end(&self) -> bool {
        self.remaining() == 0
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or(&[])
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = self
            .bytes
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.error("unexpected end of input"))?;
        self.pos += 1;
        Ok(b)
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    pub(crate) fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                if shift == 63 && b > 1 {
                    return Err(self.error("varint overflows 64 bits"));
                }
                return Ok(value);
            }
        }
        Err(self.error("varint longer than 10 bytes"))
    }

    /// A varint length followed by that many bytes.
    pub(crate) fn bytes_prefixed(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.varint()?;
        if len > self.remaining() as u64 {
            return Err(self.error("length exceeds input"));
        }
        let start = self.pos;
        self.pos += len as usize;
        self.bytes
            .get(start..self.pos)
            .ok_or_else(|| self.error("length exceeds input"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_and_reject_overflow() {
        for v in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut buf = Vec::new();
            put_varint(&mut buf, v);
            let mut r = Reader::new(&buf, 0);
            assert_eq!(r.varint(), Ok(v));
            assert!(r.at_end());
        }
        let too_long = [0xffu8; 11];
        assert!(Reader::new(&too_long, 0).varint().is_err());
        let overflow = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert!(Reader::new(&overflow, 0).varint().is_err());
    }
}
