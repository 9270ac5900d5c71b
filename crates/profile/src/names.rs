//! The name table of a tree: every distinct frame name stored once and referred to by a
//! [`NameId`]. Profiles repeat the same few thousand function names across hundreds of
//! thousands of nodes, so interning keeps trees small and turns name comparisons (merge,
//! diff, child lookup) into integer comparisons.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::units::NameId;

/// Interned frame names. Id 0 is always the empty string (the root's name).
#[derive(Clone)]
pub struct Names {
    /// All names back to back: one allocation, and neighbouring names share cache lines.
    text: String,
    /// Where each name ends in `text` (it starts where the previous one ends).
    ends: Vec<usize>,
    /// The hash of each string, so rehashing and cross-table interning never rehash text.
    hashes: Vec<u64>,
    /// Ids keyed by the hash of their string; the strings themselves live in `text`.
    table: HashTable<NameId>,
}

impl std::fmt::Debug for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Names")
            .field("len", &self.ends.len())
            .finish()
    }
}

impl Default for Names {
    fn default() -> Self {
        Self::new()
    }
}

fn hash_str(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

/// Name `i` of a table stored as `text` and `ends`.
fn name_at<'a>(text: &'a str, ends: &[usize], i: usize) -> Option<&'a str> {
    let end = *ends.get(i)?;
    let start = match i.checked_sub(1) {
        Some(prev) => *ends.get(prev)?,
        None => 0,
    };
    text.get(start..end)
}

impl Names {
    /// A table holding only the empty name.
    #[must_use]
    pub fn new() -> Names {
        let mut names = Names {
            text: String::new(),
            ends: Vec::new(),
            hashes: Vec::new(),
            table: HashTable::new(),
        };
        names.intern("");
        names
    }

    /// The id of `name`, adding it if it is new.
    pub fn intern(&mut self, name: &str) -> NameId {
        self.intern_hashed(name, hash_str(name))
    }

    /// [`Names::intern`] with the hash already known (from another table).
    fn intern_hashed(&mut self, name: &str, hash: u64) -> NameId {
        let (text, ends) = (&self.text, &self.ends);
        let found = self
            .table
            .find(hash, |id| name_at(text, ends, id.index()) == Some(name));
        if let Some(id) = found {
            return *id;
        }
        // More than u32::MAX distinct names cannot fit in memory; saturate rather than wrap.
        let id = NameId(u32::try_from(self.ends.len()).unwrap_or(u32::MAX));
        self.text.push_str(name);
        self.ends.push(self.text.len());
        self.hashes.push(hash);
        let hashes = &self.hashes;
        self.table
            .insert_unique(hash, id, |id| hashes.get(id.index()).copied().unwrap_or(0));
        id
    }

    /// For each name of `other`, its id in `self` (interned if new), by `other`'s ids.
    pub(crate) fn import(&mut self, other: &Names) -> Vec<NameId> {
        let hashes = &self.hashes;
        self.table.reserve(other.len(), |id| {
            hashes.get(id.index()).copied().unwrap_or(0)
        });
        other
            .iter()
            .zip(&other.hashes)
            .map(|((_, s), &h)| self.intern_hashed(s, h))
            .collect()
    }

    /// The id of `name` if it is present.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<NameId> {
        let (text, ends) = (&self.text, &self.ends);
        self.table
            .find(hash_str(name), |id| {
                name_at(text, ends, id.index()) == Some(name)
            })
            .copied()
    }

    /// The string of `id`; the empty string for an id from another table.
    #[must_use]
    pub fn resolve(&self, id: NameId) -> &str {
        name_at(&self.text, &self.ends, id.index()).unwrap_or("")
    }

    /// Number of distinct names, the empty name included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Never true: the empty name is always present.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// All names with their ids, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (NameId, &str)> {
        let mut start = 0;
        self.ends.iter().enumerate().map(move |(i, &end)| {
            let name = self.text.get(start..end).unwrap_or("");
            start = end;
            (NameId(i as u32), name)
        })
    }

    /// All names back to back, and where each one ends (name `i` is
    /// `text[ends[i - 1]..ends[i]]`): a search scans this once instead of name by name.
    #[must_use]
    pub fn packed(&self) -> (&str, &[usize]) {
        (&self.text, &self.ends)
    }

    /// For each id, its position when all names are sorted byte-wise: the encoders sort
    /// siblings by rank, which equals sorting by name without string compares.
    #[must_use]
    pub fn ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.ends.len() as u32).collect();
        crate::sort::ids_by(&mut order, &|a, b| {
            self.resolve(NameId(a))
                .as_bytes()
                .cmp(self.resolve(NameId(b)).as_bytes())
        });
        let mut ranks = vec![0u32; order.len()];
        for (rank, id) in order.iter().enumerate() {
            if let Some(slot) = ranks.get_mut(*id as usize) {
                *slot = rank as u32;
            }
        }
        ranks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_returns_the_same_id_for_the_same_string() {
        let mut names = Names::new();
        let a = names.intern("main");
        let b = names.intern("work");
        assert_ne!(a, b);
        assert_eq!(names.intern("main"), a);
        assert_eq!(names.get("work"), Some(b));
        assert_eq!(names.get("absent"), None);
        assert_eq!(names.resolve(a), "main");
        assert_eq!(names.intern(""), NameId::EMPTY);
        assert_eq!(names.len(), 3);
    }

    #[test]
    fn ranks_follow_byte_order() {
        let mut names = Names::new();
        let z = names.intern("z");
        let a = names.intern("a");
        let upper = names.intern("B");
        let ranks = names.ranks();
        assert!(ranks[upper.index()] < ranks[a.index()]);
        assert!(ranks[a.index()] < ranks[z.index()]);
        assert_eq!(ranks[NameId::EMPTY.index()], 0);
    }
}
