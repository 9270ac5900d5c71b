//! The per-function table: for every frame name, its self ticks and its total ticks,
//! summed over all the places it appears in the tree.
//!
//! Totals are recursion-correct: a node whose function is already on the stack above it
//! is not counted again (its ticks are inside the outer call's total already), so
//! `fib;fib;fib 10` gives `fib` a total of 10, not 30. Self ticks are always summed.

use crate::diff::{Diff, Side};
use crate::tree::Tree;
use crate::units::{NameId, Ticks};

/// Self and total ticks of one function.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FunctionTicks {
    /// Ticks spent in the function itself.
    pub self_ticks: Ticks,
    /// Ticks spent in the function and everything it called, each stack counted once.
    pub total: Ticks,
}

/// One row of [`Tree::table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionRow {
    /// The frame name.
    pub name: String,
    /// Its ticks.
    pub ticks: FunctionTicks,
}

/// One row of [`Diff::table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRow {
    /// The frame name.
    pub name: String,
    /// Its ticks in the left tree.
    pub left: FunctionTicks,
    /// Its ticks in the right tree.
    pub right: FunctionTicks,
}

impl Tree {
    /// One row per function, by decreasing total, then decreasing self, then name.
    #[must_use]
    pub fn table(&self) -> Vec<FunctionRow> {
        let [per_name] = accumulate(self, |id| [(self.rec(id).total, self.rec(id).self_)]);
        let rows: Vec<FunctionRow> = rows(self, &per_name)
            .map(|(name, ticks)| FunctionRow {
                name: name.to_owned(),
                ticks,
            })
            .collect();
        crate::sort::stable_by(rows, &|a, b| {
            (b.ticks.total, b.ticks.self_ticks, &a.name).cmp(&(
                a.ticks.total,
                a.ticks.self_ticks,
                &b.name,
            ))
        })
    }
}

impl Diff {
    /// One row per function of either side, by decreasing left + right total, then name.
    #[must_use]
    pub fn table(&self) -> Vec<DiffRow> {
        diff_table(self.tree(), |id| {
            (self.left(crate::NodeId(id)), self.right(crate::NodeId(id)))
        })
    }
}

/// [`Diff::table`] of a diff kept apart: its union `tree` and the `(left, right)` sides of
/// each node id.
#[must_use]
pub fn diff_table(tree: &Tree, sides: impl Fn(u32) -> (Side, Side)) -> Vec<DiffRow> {
    let [left, right] = accumulate(tree, |id| {
        let (l, r) = sides(id);
        [(l.total.0, l.self_ticks.0), (r.total.0, r.self_ticks.0)]
    });
    let out: Vec<DiffRow> = rows(tree, &left)
        .zip(rows(tree, &right))
        .map(|((name, left), (_, right))| DiffRow {
            name: name.to_owned(),
            left,
            right,
        })
        .collect();
    crate::sort::stable_by(out, &|a, b| {
        let key = |r: &DiffRow| r.left.total + r.right.total;
        key(b).cmp(&key(a)).then_with(|| a.name.cmp(&b.name))
    })
}

/// The non-empty rows of a per-name accumulation (the root's empty name excluded unless
/// an empty frame really occurred).
fn rows<'t>(
    tree: &'t Tree,
    per_name: &'t [Acc],
) -> impl Iterator<Item = (&'t str, FunctionTicks)> + 't {
    per_name
        .iter()
        .enumerate()
        .filter(|(_, acc)| acc.seen)
        .map(move |(i, acc)| {
            let name = tree.names().resolve(NameId(i as u32));
            (
                name,
                FunctionTicks {
                    self_ticks: Ticks(acc.self_),
                    total: Ticks(acc.total),
                },
            )
        })
}

#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    total: u64,
    self_: u64,
    seen: bool,
}

/// Walks the tree depth first, keeping a count of each name on the current stack, and sums
/// each side's ticks per name; a total is added only for the outermost occurrence.
fn accumulate<const S: usize>(
    tree: &Tree,
    ticks: impl Fn(u32) -> [(u64, u64); S],
) -> [Vec<Acc>; S] {
    let names = tree.names().len();
    let mut acc: [Vec<Acc>; S] = std::array::from_fn(|_| vec![Acc::default(); names]);
    let mut on_stack = vec![0u32; names];
    // (node, entering?) — the exit marker pops the name off the stack.
    let mut work: Vec<(u32, bool)> = tree.children_ids(0).map(|c| (c, true)).collect();
    while let Some((id, entering)) = work.pop() {
        let name = tree.rec(id).name.index();
        let Some(count) = on_stack.get_mut(name) else {
            continue;
        };
        if !entering {
            *count = count.saturating_sub(1);
            continue;
        }
        let outermost = *count == 0;
        *count += 1;
        for (side, (total, self_)) in acc.iter_mut().zip(ticks(id)) {
            if let Some(a) = side.get_mut(name) {
                a.seen = true;
                a.self_ = a.self_.saturating_add(self_);
                if outermost {
                    a.total = a.total.saturating_add(total);
                }
            }
        }
        work.push((id, false));
        work.extend(tree.children_ids(id).map(|c| (c, true)));
    }
    acc
}
