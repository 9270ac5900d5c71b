//! The diff table's model: per function, baseline and comparison self and total as shares
//! of their own side, and the change of the total (under the diff's colouring mode, not
//! clamped); filtered by the search, sorted by any column.

use cinder_profile::layout::contains_ignoring_case;
use cinder_profile::{DiffRow, Side, Ticks, Tree};

use crate::flamegraph::diff::{color_of, node_diff, Change, DiffSides, DiffStyle};
use crate::flamegraph::palette::{side_percent, Rgb};

/// A column of the diff table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffColumn {
    /// Function name.
    Name,
    /// Baseline self share.
    LeftSelf,
    /// Baseline total share.
    LeftTotal,
    /// Comparison self share.
    RightSelf,
    /// Comparison total share.
    RightTotal,
    /// Change of the total.
    #[default]
    Change,
}

impl DiffColumn {
    /// Every column, in table order.
    pub const ALL: [DiffColumn; 6] = [
        DiffColumn::Name,
        DiffColumn::LeftSelf,
        DiffColumn::LeftTotal,
        DiffColumn::RightSelf,
        DiffColumn::RightTotal,
        DiffColumn::Change,
    ];

    /// URL and `data-sort` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DiffColumn::Name => "name",
            DiffColumn::LeftSelf => "baseline-self",
            DiffColumn::LeftTotal => "baseline-total",
            DiffColumn::RightSelf => "comparison-self",
            DiffColumn::RightTotal => "comparison-total",
            DiffColumn::Change => "change",
        }
    }

    /// Header label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            DiffColumn::Name => "Location",
            DiffColumn::LeftSelf => "Baseline self",
            DiffColumn::LeftTotal => "Baseline total",
            DiffColumn::RightSelf => "Comparison self",
            DiffColumn::RightTotal => "Comparison total",
            DiffColumn::Change => "Change",
        }
    }
}

/// The diff table's sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiffSort {
    /// Column.
    pub column: DiffColumn,
    /// Descending (the default for numbers).
    pub descending: bool,
}

impl Default for DiffSort {
    fn default() -> Self {
        DiffSort {
            column: DiffColumn::Change,
            descending: true,
        }
    }
}

impl DiffSort {
    /// A header click: the same column flips; another starts descending (names ascending).
    #[must_use]
    pub fn clicked(self, column: DiffColumn) -> DiffSort {
        DiffSort {
            column,
            descending: if column == self.column {
                !self.descending
            } else {
                column != DiffColumn::Name
            },
        }
    }

    /// URL form, e.g. `change-desc`.
    #[must_use]
    pub fn to_param(self) -> String {
        let dir = if self.descending { "desc" } else { "asc" };
        format!("{}-{dir}", self.column.as_str())
    }

    /// Parses the URL form.
    #[must_use]
    pub fn parse(s: &str) -> Option<DiffSort> {
        let (col, dir) = s.rsplit_once('-')?;
        let column = DiffColumn::ALL.into_iter().find(|c| c.as_str() == col)?;
        let descending = match dir {
            "desc" => true,
            "asc" => false,
            _ => return None,
        };
        Some(DiffSort { column, descending })
    }
}

/// One displayed row.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffTableRow {
    /// Function name.
    pub name: String,
    /// Baseline self and total shares, percent.
    pub left: (f64, f64),
    /// Comparison self and total shares, percent.
    pub right: (f64, f64),
    /// Change of the total.
    pub change: Change,
    /// Colour of the change, as in the graph.
    pub color: Rgb,
}

/// Every row of a diff's table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DiffTableModel {
    rows: Vec<DiffRow>,
    totals: (u64, u64),
}

fn share(ticks: Ticks, total: u64) -> f64 {
    side_percent(ticks.0, total)
}

impl DiffTableModel {
    /// The table of the union `tree` with `sides`.
    #[must_use]
    pub fn new(tree: &Tree, sides: &DiffSides) -> DiffTableModel {
        let (l, r) = sides.totals();
        DiffTableModel {
            rows: sides.table(tree),
            totals: (l.0, r.0),
        }
    }

    /// Number of functions.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True without functions.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The displayed row at `index` (an index into the unsorted rows) under `style`.
    #[must_use]
    pub fn row(&self, index: usize, style: &DiffStyle) -> Option<DiffTableRow> {
        let r = self.rows.get(index)?;
        let (lt, rt) = self.totals;
        let side = |t: cinder_profile::FunctionTicks| Side {
            total: t.total,
            self_ticks: t.self_ticks,
        };
        let d = node_diff(side(r.left), side(r.right), self.totals, style.mode);
        Some(DiffTableRow {
            name: r.name.clone(),
            left: (share(r.left.self_ticks, lt), d.left_percent),
            right: (share(r.right.self_ticks, rt), d.right_percent),
            change: d.change,
            color: color_of(&d, style),
        })
    }

    /// Indices of the rows matching `search` (case-insensitive substring) in `sort` order.
    #[must_use]
    pub fn view(&self, sort: DiffSort, search: &str, style: &DiffStyle) -> Vec<usize> {
        let needle = search.trim();
        let keyed: Vec<(usize, DiffTableRow)> = (0..self.rows.len())
            .filter_map(|i| Some((i, self.row(i, style)?)))
            .filter(|(_, r)| contains_ignoring_case(&r.name, needle))
            .collect();
        let number = |r: &DiffTableRow| match sort.column {
            DiffColumn::LeftSelf => r.left.0,
            DiffColumn::LeftTotal => r.left.1,
            DiffColumn::RightSelf => r.right.0,
            DiffColumn::RightTotal => r.right.1,
            DiffColumn::Change | DiffColumn::Name => r.change.sort_key(),
        };
        // Through the profile crate's one sort instantiation (see `cinder_profile::sort`).
        let keyed = cinder_profile::sort::stable_by(keyed, &|(_, a), (_, b)| {
            let ord = if sort.column == DiffColumn::Name {
                a.name.cmp(&b.name)
            } else {
                number(a)
                    .total_cmp(&number(b))
                    .then_with(|| b.name.cmp(&a.name))
            };
            if sort.descending {
                ord.reverse()
            } else {
                ord
            }
        });
        keyed.into_iter().map(|(i, _)| i).collect()
    }
}

/// A share as the diff table prints it.
#[must_use]
pub fn percent_text(p: f64) -> String {
    if p > 0.0 && p < 0.01 {
        "< 0.01 %".to_owned()
    } else {
        format!("{p:.2} %")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flamegraph::diff::DiffMode;
    use crate::flamegraph::FlameProfile;

    fn model() -> DiffTableModel {
        let left = Tree::from_folded("main;grow 10\nmain;steady 80\nmain;old 10\n").0;
        let right = Tree::from_folded("main;grow 30\nmain;steady 60\nmain;fresh 10\n").0;
        let p = FlameProfile::diff(&left, &right, "samples", 100, "");
        DiffTableModel::new(&p.tree, p.diff.as_ref().unwrap())
    }

    fn names(m: &DiffTableModel, sort: DiffSort, search: &str) -> Vec<String> {
        let style = DiffStyle::default();
        m.view(sort, search, &style)
            .into_iter()
            .map(|i| m.row(i, &style).unwrap().name)
            .collect()
    }

    #[test]
    fn rows_have_both_sides_shares_and_the_change() {
        let m = model();
        let style = DiffStyle::default();
        let rows: Vec<DiffTableRow> = m
            .view(DiffSort::default(), "", &style)
            .into_iter()
            .map(|i| m.row(i, &style).unwrap())
            .collect();
        let grow = rows.iter().find(|r| r.name == "grow").unwrap();
        assert_eq!((grow.left, grow.right), ((10.0, 10.0), (30.0, 30.0)));
        assert_eq!(grow.change.text(), "+200.00%");
        assert_eq!(grow.color, Rgb(200, 0, 0));
        let main = rows.iter().find(|r| r.name == "main").unwrap();
        assert_eq!((main.left, main.right), ((0.0, 100.0), (0.0, 100.0)));
        assert_eq!(percent_text(0.004), "< 0.01 %");
        assert_eq!(percent_text(29.999), "30.00 %");
    }

    #[test]
    fn sorting_by_change_puts_new_first_and_removed_last() {
        let m = model();
        assert_eq!(
            names(&m, DiffSort::default(), ""),
            ["fresh", "grow", "main", "steady", "old"]
        );
        let asc = DiffSort::default().clicked(DiffColumn::Change);
        assert_eq!(names(&m, asc, "")[0], "old");
        let by_name = DiffSort::default().clicked(DiffColumn::Name);
        assert_eq!(names(&m, by_name, "E"), ["fresh", "steady"]);
        let base = DiffSort::default().clicked(DiffColumn::LeftTotal);
        assert_eq!(names(&m, base, "")[..2], ["main", "steady"]);
        let abs = DiffStyle {
            mode: DiffMode::Absolute,
            ..DiffStyle::default()
        };
        let steady = m.view(DiffSort::default(), "steady", &abs)[0];
        assert_eq!(m.row(steady, &abs).unwrap().change.text(), "-25.00%");
    }

    #[test]
    fn sort_round_trips_through_the_url() {
        for column in DiffColumn::ALL {
            for descending in [true, false] {
                let s = DiffSort { column, descending };
                assert_eq!(DiffSort::parse(&s.to_param()), Some(s));
            }
        }
        assert_eq!(DiffSort::parse("change"), None);
        assert_eq!(DiffSort::parse("bogus-desc"), None);
    }
}
