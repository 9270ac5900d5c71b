//! The function table's model: rows from the profile crate's recursion-correct per-function
//! totals, filtered by the search term, sorted by the chosen column, and windowed so only
//! the rows in view are rendered (tens of thousands of functions stay instant).

use std::ops::Range;

use cinder_profile::layout::contains_ignoring_case;
use cinder_profile::{FunctionRow, Ticks, Tree};

use super::view::{SortColumn, TableSort};

/// Height of one table row, in CSS pixels (the stylesheet uses the same value).
pub const ROW_HEIGHT_PX: f64 = 24.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gaps.
const OVERSCAN: usize = 10;

/// All rows of a profile's table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableModel {
    rows: Vec<FunctionRow>,
    total: Ticks,
    max_self: Ticks,
}

impl TableModel {
    /// The table of `tree`.
    #[must_use]
    pub fn new(tree: &Tree) -> TableModel {
        let rows = tree.table();
        let max_self = rows
            .iter()
            .map(|r| r.ticks.self_ticks)
            .max()
            .unwrap_or_default();
        TableModel {
            rows,
            total: tree.total_ticks(),
            max_self,
        }
    }

    /// The row at `index` (an index into the unsorted rows).
    #[must_use]
    pub fn row(&self, index: usize) -> Option<&FunctionRow> {
        self.rows.get(index)
    }

    /// Total ticks of the profile (100 %).
    #[must_use]
    pub fn total(&self) -> Ticks {
        self.total
    }

    /// Largest self of any function (the self column's full bar).
    #[must_use]
    pub fn max_self(&self) -> Ticks {
        self.max_self
    }

    /// Indices of the rows matching `search` (case-insensitive substring), in `sort` order.
    #[must_use]
    pub fn view(&self, sort: TableSort, search: &str) -> Vec<usize> {
        let needle = search.trim();
        let idx: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                self.rows
                    .get(i)
                    .is_some_and(|r| contains_ignoring_case(&r.name, needle))
            })
            .collect();
        let key = |i: &usize| self.rows.get(*i);
        // Through the profile crate's one sort instantiation (see `cinder_profile::sort`).
        cinder_profile::sort::stable_by(idx, &|a, b| {
            let (Some(ra), Some(rb)) = (key(a), key(b)) else {
                return std::cmp::Ordering::Equal;
            };
            let ord = match sort.column {
                SortColumn::Name => ra.name.cmp(&rb.name),
                SortColumn::SelfTicks => ra
                    .ticks
                    .self_ticks
                    .cmp(&rb.ticks.self_ticks)
                    .then_with(|| rb.name.cmp(&ra.name)),
                SortColumn::Total => ra
                    .ticks
                    .total
                    .cmp(&rb.ticks.total)
                    .then_with(|| rb.name.cmp(&ra.name)),
            };
            if sort.descending {
                ord.reverse()
            } else {
                ord
            }
        })
    }
}

/// The rows to render for a scroll position: those in view plus an overscan margin.
#[must_use]
pub fn visible_rows(scroll_top_px: f64, viewport_px: f64, rows: usize) -> Range<usize> {
    let first = (scroll_top_px.max(0.0) / ROW_HEIGHT_PX).floor() as usize;
    let count = (viewport_px.max(0.0) / ROW_HEIGHT_PX).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(rows);
    let end = (first + count + OVERSCAN).min(rows);
    start..end
}

/// A share as the table prints it: `12.34 %`, `< 0.01 %` for tiny non-zero shares.
#[must_use]
pub fn percent(part: Ticks, total: Ticks) -> String {
    let p = part.ratio_of(total) * 100.0;
    if p > 0.0 && p < 0.01 {
        "< 0.01 %".to_string()
    } else {
        format!("{p:.2} %")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> TableModel {
        TableModel::new(
            &Tree::from_folded("main;work;fib;fib 30\nmain;alloc 50\nmain 5\ngc 15\n").0,
        )
    }

    fn names(m: &TableModel, sort: TableSort, search: &str) -> Vec<String> {
        m.view(sort, search)
            .into_iter()
            .map(|i| m.row(i).unwrap().name.clone())
            .collect()
    }

    #[test]
    fn default_sort_is_self_descending() {
        assert_eq!(
            names(&model(), TableSort::default(), ""),
            ["alloc", "fib", "gc", "main", "work"]
        );
    }

    #[test]
    fn sorting_by_total_and_name() {
        let m = model();
        let by_total = TableSort {
            column: SortColumn::Total,
            descending: true,
        };
        assert_eq!(
            names(&m, by_total, ""),
            ["main", "alloc", "fib", "work", "gc"]
        );
        let fib = m.view(by_total, "fib")[0];
        assert_eq!(
            m.row(fib).unwrap().ticks.total,
            Ticks(30),
            "recursion is not counted twice"
        );
        let by_name = TableSort {
            column: SortColumn::Name,
            descending: false,
        };
        assert_eq!(names(&m, by_name, "")[0], "alloc");
    }

    #[test]
    fn search_filters_rows() {
        assert_eq!(
            names(&model(), TableSort::default(), "A"),
            ["alloc", "main"]
        );
    }

    #[test]
    fn only_rows_in_view_are_rendered() {
        assert_eq!(visible_rows(0.0, 240.0, 100_000), 0..21);
        assert_eq!(visible_rows(24_000.0, 240.0, 100_000), 990..1_021);
        assert_eq!(visible_rows(0.0, 240.0, 5), 0..5);
        assert_eq!(visible_rows(1e9, 240.0, 5), 5..5);
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(Ticks(1), Ticks(3)), "33.33 %");
        assert_eq!(percent(Ticks(1), Ticks(1_000_000)), "< 0.01 %");
        assert_eq!(percent(Ticks(0), Ticks(0)), "0.00 %");
    }
}
