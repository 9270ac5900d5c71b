//! Units that cross module and crate boundaries, as newtypes so that mixing them fails to
//! compile. A *tick* is one unit of a profile's value: a sample for CPU profiles, a byte or
//! an object for memory profiles, a nanosecond for lock profiles. [`NodeId`] and [`NameId`]
//! are indexes into one [`crate::Tree`]'s arena and name table; they mean nothing in
//! another tree.

use serde::{Deserialize, Serialize};

/// A quantity of profile value (samples, bytes, objects, …) as stored in trees.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Ticks(pub u64);

impl Ticks {
    /// Zero ticks.
    pub const ZERO: Ticks = Ticks(0);

    /// Addition that saturates instead of overflowing: corrupt input may carry huge values,
    /// and the model never panics on input.
    #[must_use]
    pub fn saturating_add(self, other: Ticks) -> Ticks {
        Ticks(self.0.saturating_add(other.0))
    }

    /// This quantity as a share of `total`, in 0..=1 (0 when `total` is zero).
    #[must_use]
    pub fn ratio_of(self, total: Ticks) -> f64 {
        if total.0 == 0 {
            0.0
        } else {
            self.0 as f64 / total.0 as f64
        }
    }
}

/// Index of a node in one [`crate::Tree`]'s arena. The root is always [`NodeId::ROOT`].
///
/// Ids are stable for the life of a tree (nodes are never removed) and a parent's id is
/// always smaller than its children's, so iterating ids in order visits parents first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The root node of every tree: the empty stack, shown as `total`.
    pub const ROOT: NodeId = NodeId(0);

    /// The arena position, for callers that keep per-node side tables (`Vec<T>` by node).
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of an interned frame name in one [`crate::Tree`]'s name table.
///
/// [`NameId::EMPTY`] is the empty string, which is also the root's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NameId(pub(crate) u32);

impl NameId {
    /// The empty name, carried by the root (and by empty frames such as the middle of `a;;b`).
    pub const EMPTY: NameId = NameId(0);

    /// The table position, for callers that keep per-name side tables.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl std::ops::Add for Ticks {
    type Output = Ticks;
    fn add(self, rhs: Ticks) -> Ticks {
        self.saturating_add(rhs)
    }
}

impl std::ops::AddAssign for Ticks {
    fn add_assign(&mut self, rhs: Ticks) {
        *self = self.saturating_add(rhs);
    }
}

impl std::fmt::Display for Ticks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addition_saturates_instead_of_overflowing() {
        assert_eq!(Ticks(u64::MAX) + Ticks(5), Ticks(u64::MAX));
        assert_eq!(Ticks(2) + Ticks(3), Ticks(5));
    }

    #[test]
    fn ratio_of_zero_total_is_zero() {
        assert_eq!(Ticks(5).ratio_of(Ticks(0)), 0.0);
        assert_eq!(Ticks(1).ratio_of(Ticks(4)), 0.25);
    }
}
