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
        ascii_matches(tree, query.as_bytes())
    } else {
        let needle = query.to_lowercase();
        names_where(tree, |name| name.to_lowercase().contains(&needle))
    })
}

/// Whether `haystack` contains `needle`, ignoring case, by the search's rule: an ASCII
/// needle is matched in place (no allocation); any other compares lowercased copies. For
/// filtering lists of names (the function table) the way the flamegraph search matches.
#[must_use]
pub fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        true
    } else if needle.is_ascii() {
        find_ignore_ascii_case(haystack.as_bytes(), 0, needle.as_bytes()).is_some()
    } else {
        haystack.to_lowercase().contains(&needle.to_lowercase())
    }
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

/// Names containing the ASCII `needle`, ignoring case: one scan over all the names' text
/// (see [`Names::packed`](crate::names::Names::packed)) rather than one search per name.
/// A hit that runs past the end of its name is not a match; after a match the scan jumps
/// to the next name.
fn ascii_matches(tree: &Tree, needle: &[u8]) -> Vec<u64> {
    let (text, ends) = tree.names().packed();
    let text = text.as_bytes();
    let mut bits = vec![0u64; ends.len().div_ceil(64)];
    let (mut pos, mut name) = (0, 0);
    while let Some(start) = find_ignore_ascii_case(text, pos, needle) {
        while ends.get(name).is_some_and(|&end| end <= start) {
            name += 1;
        }
        let Some(&end) = ends.get(name) else { break };
        if start + needle.len() <= end {
            // The root's empty name never matches, and nothing else has id 0.
            set(&mut bits, name);
            pos = end;
        } else {
            pos = start + 1;
        }
    }
    bits
}

/// First position at or after `from` where `needle` occurs in `hay`, ignoring ASCII case.
/// Eight positions are tested at once: a word of the text at the candidate start is
/// compared with the needle's first byte and a word at the candidate end with its last
/// byte (a pair that rarely matches by chance, unlike a common first letter), and only
/// positions passing both are compared in full.
fn find_ignore_ascii_case(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    let &last_byte = needle.last()?;
    let last = hay.len().checked_sub(needle.len())?;
    let (head, tail) = (Probe::new(first), Probe::new(last_byte));
    let span = needle.len() - 1;
    let full = |j: usize| {
        hay.get(j..j + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    };
    let mut i = from;
    while i + 8 <= last + 1 {
        let (Some(a), Some(b)) = (word(hay, i), word(hay, i + span)) else {
            break;
        };
        let mut hits = head.matches(a) & tail.matches(b);
        while hits != 0 {
            let j = i + (hits.trailing_zeros() / 8) as usize;
            if full(j) {
                return Some(j);
            }
            hits &= hits - 1;
        }
        i += 8;
    }
    (i..=last).find(|&j| full(j))
}

/// The eight bytes of `hay` at `at`, little end first.
#[inline]
fn word(hay: &[u8], at: usize) -> Option<u64> {
    let bytes: [u8; 8] = hay.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

/// One needle byte, ready for word-wide comparison. For a letter, OR-ing 0x20 folds both
/// cases onto the lower one and maps no other byte there; other bytes compare exactly.
#[derive(Clone, Copy)]
struct Probe {
    fold: u64,
    target: u64,
}

impl Probe {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

    fn new(byte: u8) -> Probe {
        let fold = if byte.is_ascii_alphabetic() { 0x20 } else { 0 };
        Probe {
            fold: u64::from(fold) * Self::LOW,
            target: u64::from(byte.to_ascii_lowercase() | fold) * Self::LOW,
        }
    }

    /// 0x80 in each byte of `w` equal to the probe byte, 0 elsewhere (exact).
    #[inline]
    fn matches(self, w: u64) -> u64 {
        let v = (w | self.fold) ^ self.target;
        !(((v & Self::HIGH7).wrapping_add(Self::HIGH7)) | v | Self::HIGH7)
    }
}
