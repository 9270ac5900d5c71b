//! Sorting through one instantiation of the standard library's sort.
//!
//! Every `sort_by` call with its own closure type compiles the standard library's sort
//! anew: 2–25 KB of wasm each, about 100 KB for the web app's dozen sorts. Sorting `u32`
//! positions with a `&dyn` comparator compiles it once; the indirect call per comparison
//! is cheap next to what these comparators do (compare strings, look up ranks).

use std::cmp::Ordering;

/// Sorts `ids` by `cmp`. Not stable: `cmp` should break ties (by id) where order matters.
pub fn ids_by(ids: &mut [u32], cmp: &dyn Fn(u32, u32) -> Ordering) {
    ids.sort_unstable_by(|a, b| cmp(*a, *b));
}

/// The positions `0..len` in `cmp` order; equal items keep their order (stable).
#[must_use]
pub fn order_by(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<u32> {
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    let mut ids: Vec<u32> = (0..len).collect();
    ids_by(&mut ids, &|a, b| {
        cmp(a as usize, b as usize).then(a.cmp(&b))
    });
    ids
}

/// `items` sorted by `cmp`, stably.
#[must_use]
pub fn stable_by<T>(items: Vec<T>, cmp: &dyn Fn(&T, &T) -> Ordering) -> Vec<T> {
    let order = order_by(items.len(), &|a, b| match (items.get(a), items.get(b)) {
        (Some(x), Some(y)) => cmp(x, y),
        _ => Ordering::Equal,
    });
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&i| slots.get_mut(i as usize).and_then(Option::take))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_sort_keeps_equal_items_in_order() {
        let items = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        let sorted = stable_by(items, &|x, y| x.0.cmp(&y.0));
        assert_eq!(
            sorted,
            vec![(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]
        );
        let mut ids = vec![5, 3, 9, 1];
        ids_by(&mut ids, &|a, b| b.cmp(&a));
        assert_eq!(ids, vec![9, 5, 3, 1]);
        assert_eq!(order_by(3, &|a, b| b.cmp(&a)), vec![2, 1, 0]);
    }
}
