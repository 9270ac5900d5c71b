//! Search over a tree's frame names: which names match, how many nodes carry them, and
//! which share of the samples passes through a match.
//!
//! Matching is decided once per distinct name (a profile has tens of thousands of names but
//! hundreds of thousands of nodes), so a renderer asks [`Matches::contains`] per bar at the
//! cost of one bit test. The counts need a pass over every node, so they are computed
//! lazily, once, by [`Matches::stats`]: a repaint never waits for them. The share counts
//! each sample once: a match nested below another match adds nothing, since its ticks are
//! already inside the outer one.

use std::sync::OnceLock;

use crate::tree::Tree;
use crate::units::{NameId, Ticks};

/// The names matching a query in one tree.
#[derive(Clone)]
pub struct Matches {
    /// One bit per [`NameId`].
    names: Vec<u64>,
    /// Computed on first use.
    stats: OnceLock<MatchStats>,
}

/// What the matches of a query cover.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchStats {
    /// Matching nodes (the root excluded).
    pub nodes: usize,
    /// Ticks of samples whose stack passes through at least one matching node.
    pub ticks: Ticks,
    /// `ticks` as a share of the tree's total, in 0..=1.
    pub share: f64,
}

impl PartialEq for Matches {
    fn eq(&self, other: &Matches) -> bool {
        self.names == other.names
    }
}

impl Eq for Matches {}

impl std::fmt::Debug for Matches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = self.names.iter().map(|w| w.count_ones()).sum::<u32>();
        f.debug_struct("Matches")
            .field("names", &names)
            .field("stats", &self.stats.get())
            .finish()
    }
}

impl Matches {
    /// Names containing `query`, ignoring case; `None` for an empty query (no search).
    #[must_use]
    pub fn substring(tree: &Tree, query: &str) -> Option<Matches> {
        substring_names(tree, query).map(Matches::new)
    }

    /// The one name equal to `name` (a function selected in the table); `None` when empty.
    #[must_use]
    pub fn exact(tree: &Tree, name: &str) -> Option<Matches> {
        if name.is_empty() {
            return None;
        }
        Some(Matches::by_name(tree, |n| n == name))
    }

    /// Names for which `pred` holds. The root never matches.
    pub fn by_name(tree: &Tree, pred: impl FnMut(&str) -> bool) -> Matches {
        Matches::new(names_where(tree, pred))
    }

    fn new(names: Vec<u64>) -> Matches {
        Matches {
            names,
            stats: OnceLock::new(),
        }
    }

    /// True when nodes named `name` match.
    #[must_use]
    #[inline]
    pub fn contains(&self, name: NameId) -> bool {
        get(&self.names, name.index())
    }

    /// True when no name matches (so no node does).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.names.iter().all(|&w| w == 0)
    }

    /// Counts in `tree`, the tree these matches were made from: one pass over its nodes
    /// the first time, then remembered.
    pub fn stats(&self, tree: &Tree) -> MatchStats {
        *self.stats.get_or_init(|| {
            let (nodes, ticks) = coverage(tree, &self.names);
            MatchStats {
                nodes,
                ticks,
                share: ticks.ratio_of(tree.total_ticks()),
            }
        })
    }
}

fn substring_names(tree: &Tree, query: &str) -> Option<Vec<u64>> {
    if query.is_empty() {
        return None;
    }
    Some(if query.is_ascii() {
        let needle = query.as_bytes();
        names_where(tree, |name| {
            contains_ignore_ascii_case(name.as_bytes(), needle)
        })
    } else {
        let needle = query.to_lowercase();
        names_where(tree, |name| name.to_lowercase().contains(&needle))
    })
}

/// One bit per name of `tree`: whether `pred` holds for it.
fn names_where(tree: &Tree, mut pred: impl FnMut(&str) -> bool) -> Vec<u64> {
    let names = tree.names();
    let mut bits = vec![0u64; names.len().div_ceil(64)];
    for (id, name) in names.iter() {
        if pred(name) {
            set(&mut bits, id.index());
        }
    }
    bits
}

#[inline]
fn set(bits: &mut [u64], i: usize) {
    if let Some(word) = bits.get_mut(i / 64) {
        *word |= 1 << (i % 64);
    }
}

#[inline]
fn get(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

/// Counts matching nodes and the ticks under outermost matches, in one pass over the arena:
/// ids are ordered parents first, so "is this node at or below a match" is known for the
/// parent before its children are visited.
fn coverage(tree: &Tree, names: &[u64]) -> (usize, Ticks) {
    let recs = tree.recs();
    let mut hot = vec![0u64; recs.len().div_ceil(64)];
    let mut nodes = 0;
    let mut ticks = Ticks::ZERO;
    for (id, rec) in recs.enumerate().skip(1) {
        let parent_hot = get(&hot, rec.parent as usize);
        if get(names, rec.name.index()) {
            nodes += 1;
            if !parent_hot {
                ticks += Ticks(rec.total);
            }
            set(&mut hot, id);
        } else if parent_hot {
            set(&mut hot, id);
        }
    }
    (nodes, ticks)
}

/// Substring search ignoring ASCII case, without allocating. Written as a plain loop: the
/// wasm bundle is built for size, where iterator adapters and closures are not inlined.
fn contains_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let Some(last_start) = haystack.len().checked_sub(needle.len()) else {
        return false;
    };
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    for (i, &b) in haystack.iter().enumerate().take(last_start + 1) {
        if b == lower || b == upper {
            if let Some(window) = haystack.get(i + 1..i + needle.len()) {
                if window.eq_ignore_ascii_case(rest) {
                    return true;
                }
            }
        }
    }
    false
}
