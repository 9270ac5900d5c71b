//! The diff flamegraph's numbers and colours: the left (baseline) and right (comparison)
//! ticks of every node of the union tree, the change of a node under the chosen colouring,
//! and its colour (ui-features.md §1.6, §7.5, and §6.7's "diff done right").
//!
//! - **Proportional** (the default, as Pyroscope): each side is normalised by its own total,
//!   shares are rounded to 0.01 % and the change is `(right% − left%) / left%`.
//! - **Absolute**: the change of the raw ticks, `(right − left) / left`, so a frame that did
//!   not change stays grey when the rest of the profile shrank.
//!
//! Colours follow the palette's linear scale over −100 … +100 %, clamped; new and removed
//! frames get colours of their own, off the scale. Changes smaller than the noise
//! threshold (percentage points of the profile) stay neutral grey. The tooltip and table
//! print the same change unclamped (a share that triples reads +200 %).

use cinder_profile::{Diff, NodeId, Side, Ticks, Tree};

use super::palette::{side_percent, DiffPalette, Rgb};

/// How the change of a node is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffMode {
    /// Shares of each side's own total (Pyroscope's colouring).
    #[default]
    Proportional,
    /// Raw ticks.
    Absolute,
}

impl DiffMode {
    /// URL form.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DiffMode::Proportional => "proportional",
            DiffMode::Absolute => "absolute",
        }
    }

    /// Parses the URL form (unknown values give the default).
    #[must_use]
    pub fn parse(s: &str) -> DiffMode {
        match s {
            "absolute" => DiffMode::Absolute,
            _ => DiffMode::Proportional,
        }
    }
}

/// Everything the user chooses about diff colouring.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DiffStyle {
    /// Colour pair.
    pub palette: DiffPalette,
    /// Proportional or absolute.
    pub mode: DiffMode,
    /// Changes below this many percentage points of the profile stay grey (0 = off).
    pub threshold: f64,
}

impl DiffStyle {
    /// A noise threshold as typed or found in the URL: a plain decimal number of percentage
    /// points (`2`, `0.5`, `.5`); anything else, zero or negative is 0 (off). Parsed by hand:
    /// `f64::from_str` drags a 10 KB table of powers of five into the wasm bundle.
    #[must_use]
    pub fn parse_threshold(s: &str) -> f64 {
        let (int, frac) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
            return 0.0;
        }
        // 15 significant digits are exact in an f64; further ones cannot matter here.
        let (mut mantissa, mut scale) = (0_u64, 1.0_f64);
        for (i, b) in int.bytes().chain(frac.bytes()).enumerate().take(15) {
            mantissa = mantissa * 10 + u64::from(b - b'0');
            if i >= int.len() {
                scale *= 10.0;
            }
        }
        let skipped = int.len().saturating_sub(15);
        #[allow(clippy::cast_precision_loss)] // at most 15 digits: exact
        let value =
            mantissa as f64 / scale * 10_f64.powi(i32::try_from(skipped).unwrap_or(i32::MAX));
        if value.is_finite() && value > 0.0 {
            value
        } else {
            0.0
        }
    }
}

/// The colours of new and removed frames, off the change scale so they read distinctly.
#[must_use]
pub fn new_removed_colors(palette: DiffPalette) -> (Rgb, Rgb) {
    match palette {
        DiffPalette::Default => (Rgb(190, 0, 140), Rgb(0, 110, 120)),
        DiffPalette::ColorBlind => (Rgb(255, 176, 0), Rgb(120, 94, 240)),
    }
}

/// What happened to one node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// On both sides (or neither): the relative change in percent, unclamped.
    Changed(f64),
    /// Only in the comparison.
    New,
    /// Only in the baseline.
    Removed,
}

impl Change {
    /// "+200.00%", "-25.00%", "0.00%", "(new)", "(removed)".
    #[must_use]
    pub fn text(self) -> String {
        match self {
            Change::New => "(new)".to_owned(),
            Change::Removed => "(removed)".to_owned(),
            Change::Changed(p) if p > 0.0 => format!("+{p:.2}%"),
            Change::Changed(p) => format!("{:.2}%", if p == 0.0 { 0.0 } else { p }),
        }
    }

    /// The change inside a bar's label parentheses: "+200.00%", "new", "removed" (the
    /// label adds the parentheses itself, so "old_fn (removed)", never "((removed))").
    #[must_use]
    pub fn label_text(self) -> String {
        match self {
            Change::New => "new".to_owned(),
            Change::Removed => "removed".to_owned(),
            changed @ Change::Changed(_) => changed.text(),
        }
    }

    /// A number to sort by: removed lowest, new highest.
    #[must_use]
    pub fn sort_key(self) -> f64 {
        match self {
            Change::New => f64::INFINITY,
            Change::Removed => f64::NEG_INFINITY,
            Change::Changed(p) => p,
        }
    }
}

/// The baseline and comparison ticks of every node of a union tree.
#[derive(Debug, Clone, Default)]
pub struct DiffSides {
    left: Vec<Side>,
    right: Vec<Side>,
}

/// One node's two sides and what they mean under a style.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeDiff {
    /// Baseline ticks.
    pub left: Side,
    /// Comparison ticks.
    pub right: Side,
    /// Baseline share of the baseline total, percent rounded to 0.01.
    pub left_percent: f64,
    /// Comparison share of the comparison total, percent rounded to 0.01.
    pub right_percent: f64,
    /// The change under the style's mode.
    pub change: Change,
    /// Size of the change in percentage points of the profile (for the noise threshold).
    pub points: f64,
}

impl DiffSides {
    /// Takes a diff apart into its union tree and the sides.
    #[must_use]
    pub fn split(diff: Diff) -> (Tree, DiffSides) {
        let (tree, left, right) = diff.into_parts();
        (tree, DiffSides { left, right })
    }

    /// Baseline ticks of `node`.
    #[must_use]
    pub fn left(&self, node: NodeId) -> Side {
        self.left.get(node.index()).copied().unwrap_or_default()
    }

    /// Comparison ticks of `node`.
    #[must_use]
    pub fn right(&self, node: NodeId) -> Side {
        self.right.get(node.index()).copied().unwrap_or_default()
    }

    /// Baseline and comparison totals.
    #[must_use]
    pub fn totals(&self) -> (Ticks, Ticks) {
        (
            self.left(NodeId::ROOT).total,
            self.right(NodeId::ROOT).total,
        )
    }

    /// One row per function with each side's recursion-correct ticks (the diff table).
    #[must_use]
    pub fn table(&self, tree: &Tree) -> Vec<cinder_profile::DiffRow> {
        cinder_profile::table::diff_table(tree, |id| {
            let at = |v: &[Side]| v.get(id as usize).copied().unwrap_or_default();
            (at(&self.left), at(&self.right))
        })
    }

    /// `node`'s numbers under `mode`.
    #[must_use]
    pub fn node(&self, node: NodeId, mode: DiffMode) -> NodeDiff {
        let (left, right) = (self.left(node), self.right(node));
        let (lt, rt) = self.totals();
        node_diff(left, right, (lt.0, rt.0), mode)
    }

    /// The colour of `node` under `style`.
    #[must_use]
    pub fn color(&self, node: NodeId, style: &DiffStyle) -> Rgb {
        color_of(&self.node(node, style.mode), style)
    }
}

/// The numbers of a node (or a function) with `left` and `right` ticks out of `totals`.
#[must_use]
pub fn node_diff(left: Side, right: Side, totals: (u64, u64), mode: DiffMode) -> NodeDiff {
    let (l, r) = (left.total.0, right.total.0);
    let left_percent = side_percent(l, totals.0);
    let right_percent = side_percent(r, totals.1);
    let change = if l == 0 && r > 0 {
        Change::New
    } else if r == 0 && l > 0 {
        Change::Removed
    } else {
        match mode {
            DiffMode::Proportional => Change::Changed(relative(left_percent, right_percent)),
            DiffMode::Absolute => Change::Changed(relative(l as f64, r as f64)),
        }
    };
    let points = match mode {
        DiffMode::Proportional => (right_percent - left_percent).abs(),
        DiffMode::Absolute => {
            let base = totals.0.max(totals.1);
            if base == 0 {
                0.0
            } else {
                l.abs_diff(r) as f64 / base as f64 * 100.0
            }
        }
    };
    NodeDiff {
        left,
        right,
        left_percent,
        right_percent,
        change,
        points,
    }
}

/// `(to − from) / from` in percent; 0 when equal (or both zero).
fn relative(from: f64, to: f64) -> f64 {
    if from == to || from == 0.0 {
        0.0
    } else {
        (to - from) / from * 100.0
    }
}

/// The colour of a node's numbers under `style`: grey below the threshold, the new and
/// removed colours, else the palette's scale at the change clamped to ±100, quantised to
/// whole percents (a frame then has at most a few hundred fill colours).
#[must_use]
pub fn color_of(d: &NodeDiff, style: &DiffStyle) -> Rgb {
    let (_, neutral, _) = style.palette.stops();
    if style.threshold > 0.0 && d.points < style.threshold {
        return neutral;
    }
    let (new, removed) = new_removed_colors(style.palette);
    match d.change {
        Change::New => new,
        Change::Removed => removed,
        Change::Changed(p) => style.palette.color(p.clamp(-100.0, 100.0).round()),
    }
}

/// The legend's scale: `cells` colours from −100 % to +100 %, with their change.
#[must_use]
pub fn legend_cells(palette: DiffPalette, cells: usize) -> Vec<(f64, Rgb)> {
    let steps = cells.max(2) - 1;
    (0..=steps)
        .map(|i| {
            let change = -100.0 + 200.0 * i as f64 / steps as f64;
            (change, palette.color(change))
        })
        .collect()
}

#[cfg(test)]
mod tests;
