//! The hash index from `(parent, name)` to child id that every tree keeps.
//!
//! Finding a child is the inner loop of building, decoding and merging trees, so this is a
//! purpose-built open-addressing table rather than a general map: keys are the packed
//! `parent << 32 | name`, stored inline next to the child id, found by Fibonacci hashing
//! and linear probing at a load factor of at most 1/2. A lookup is then one multiply and,
//! almost always, one cache line; entries are never removed.

use crate::units::NameId;

/// Marks an empty slot; no real key has `parent == u32::MAX`.
const EMPTY: u64 = u64::MAX;

/// Fibonacci hashing multiplier (2^64 / golden ratio).
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

#[derive(Clone, Copy)]
struct Slot {
    key: u64,
    child: u32,
}

const FREE: Slot = Slot {
    key: EMPTY,
    child: 0,
};

/// `(parent, name)` → child id.
#[derive(Clone)]
pub(crate) struct ChildIndex {
    slots: Vec<Slot>,
    /// `64 - log2(slots.len())`: the hash's top bits pick the slot.
    shift: u32,
    len: usize,
}

fn key(parent: u32, name: NameId) -> u64 {
    (u64::from(parent) << 32) | u64::from(name.0)
}

impl ChildIndex {
    /// An index with room for `entries` children before it grows.
    pub(crate) fn with_capacity(entries: usize) -> ChildIndex {
        let slots = (entries.saturating_mul(2)).next_power_of_two().max(16);
        ChildIndex {
            slots: vec![FREE; slots],
            shift: 64 - slots.trailing_zeros(),
            len: 0,
        }
    }

    #[inline]
    fn home(&self, key: u64) -> usize {
        (key.wrapping_mul(GOLDEN) >> self.shift) as usize
    }

    /// The child of `parent` named `name`.
    #[inline]
    pub(crate) fn get(&self, parent: u32, name: NameId) -> Option<u32> {
        let key = key(parent, name);
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let slot = self.slots.get(i)?;
            if slot.key == key {
                return Some(slot.child);
            }
            if slot.key == EMPTY {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Records `child` as the child of `parent` named `name` (which must be absent).
    pub(crate) fn insert(&mut self, parent: u32, name: NameId, child: u32) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        self.place(Slot {
            key: key(parent, name),
            child,
        });
        self.len += 1;
    }

    fn place(&mut self, entry: Slot) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(entry.key);
        while let Some(slot) = self.slots.get_mut(i) {
            if slot.key == EMPTY {
                *slot = entry;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let doubled = vec![FREE; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        self.shift -= 1;
        for entry in old.into_iter().filter(|s| s.key != EMPTY) {
            self.place(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_inserted_across_growth() {
        let mut index = ChildIndex::with_capacity(0);
        for parent in 0..300u32 {
            for name in 0..7u32 {
                index.insert(parent, NameId(name), parent * 10 + name);
            }
        }
        for parent in 0..300u32 {
            for name in 0..7u32 {
                assert_eq!(index.get(parent, NameId(name)), Some(parent * 10 + name));
            }
            assert_eq!(index.get(parent, NameId(99)), None);
        }
        assert!(index.slots.len() >= 2 * 2100);
    }
}
