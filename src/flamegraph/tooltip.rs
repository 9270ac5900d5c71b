//! The hover tooltip's content and placement, as plain data: a title and rows of
//! (label, value) in the profile's units, following Pyroscope's tooltip ("Share of CPU",
//! "CPU Time", "Samples" …). A merged run of thin bars gets its own summary, so even bars
//! too small to draw can be inspected.

use cinder_profile::layout::{Bar, Drawn, Run};
use cinder_profile::{NameId, Ticks};

use super::format::{percent, with_commas};
use super::hit_test::Hit;
use super::model::Scene;
use super::viewport::CssPx;

/// What the tooltip shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tooltip {
    /// First line: the function name, or a summary.
    pub title: String,
    /// `(label, value)` rows.
    pub rows: Vec<(&'static str, String)>,
    /// A hint below the rows.
    pub hint: &'static str,
}

/// The tooltip of `hit`.
#[must_use]
pub fn tooltip(scene: &Scene<'_>, hit: &Hit) -> Tooltip {
    match hit {
        Hit::Header => header(scene),
        Hit::Item(Drawn::Bar(bar)) => bar_tooltip(scene, bar),
        Hit::Item(Drawn::Run(run)) => run_tooltip(scene, run),
    }
}

/// The name shown for a bar: the root is `total`.
#[must_use]
pub fn display_name<'a>(scene: &Scene<'a>, name: NameId) -> &'a str {
    if name == NameId::EMPTY {
        "total"
    } else {
        scene.model.tree().names().resolve(name)
    }
}

fn value_rows(scene: &Scene<'_>, ticks: Ticks) -> Vec<(&'static str, String)> {
    let model = scene.model;
    let titles = model.formatter.unit().titles();
    vec![
        (titles.share, percent(ticks.ratio_of(model.layout.total()))),
        (titles.value, model.formatter.format(ticks)),
        (titles.ticks, with_commas(ticks.0)),
    ]
}

fn bar_tooltip(scene: &Scene<'_>, bar: &Bar) -> Tooltip {
    if scene.sides().is_some() {
        return diff_tooltip(scene, bar.node, display_name(scene, bar.name));
    }
    let model = scene.model;
    let mut rows = value_rows(scene, bar.range.len());
    if let Some(node) = model.tree().node(bar.node) {
        let own = node.self_ticks();
        let share = percent(own.ratio_of(model.layout.total()));
        rows.push(("Self", format!("{} ({share})", model.formatter.format(own))));
    }
    Tooltip {
        title: display_name(scene, bar.name).to_owned(),
        rows,
        hint: "Click to zoom · right click to select in the table",
    }
}

/// A diff bar: each side's share and value, and the change (unclamped, or new/removed).
fn diff_tooltip(scene: &Scene<'_>, node: cinder_profile::NodeId, name: &str) -> Tooltip {
    let model = scene.model;
    let mut rows = Vec::new();
    if let Some(sides) = scene.sides() {
        let d = sides.node(node, scene.diff.mode);
        let side = |percent: f64, ticks: Ticks| {
            format!(
                "{percent:.2}% · {} · {}",
                model.formatter.format(ticks),
                with_commas(ticks.0)
            )
        };
        rows.push(("Baseline", side(d.left_percent, d.left.total)));
        rows.push(("Comparison", side(d.right_percent, d.right.total)));
        rows.push(("Change", d.change.text()));
    }
    Tooltip {
        title: name.to_owned(),
        rows,
        hint: "Click to zoom · right click to select in the table",
    }
}

fn run_tooltip(scene: &Scene<'_>, run: &Run) -> Tooltip {
    let layout = &scene.model.layout;
    let widest = run
        .indexes()
        .filter_map(|index| {
            layout.bar(cinder_profile::layout::BarId {
                row: run.row,
                index,
            })
        })
        .max_by_key(|b| b.range.len());
    let mut rows = value_rows(scene, run.range.len());
    if let Some(b) = widest {
        let share = percent(b.range.len().ratio_of(layout.total()));
        rows.push((
            "Largest",
            format!("{} ({share})", display_name(scene, b.name)),
        ));
    }
    Tooltip {
        title: format!(
            "{} nodes too small to draw",
            with_commas(run.count() as u64)
        ),
        rows,
        hint: "Click to zoom into them",
    }
}

fn header(scene: &Scene<'_>) -> Tooltip {
    if scene.sides().is_some() {
        return diff_tooltip(scene, cinder_profile::NodeId::ROOT, "total");
    }
    Tooltip {
        title: "total".to_owned(),
        rows: value_rows(scene, scene.model.layout.total()),
        hint: "Click to expand the collapsed levels",
    }
}

/// Where a tooltip of `size` goes for a pointer at `cursor` (viewport coordinates) in a
/// window of `window` size: 12 px right and 20 px below the cursor, flipped to the other
/// side of the cursor when it would leave the window.
#[must_use]
pub fn position(
    cursor: (CssPx, CssPx),
    size: (CssPx, CssPx),
    window: (CssPx, CssPx),
) -> (CssPx, CssPx) {
    let place = |c: f64, len: f64, room: f64, after: f64| {
        if c + after + len <= room {
            c + after
        } else {
            (c - after - len).max(0.0)
        }
    };
    (
        CssPx(place(cursor.0 .0, size.0 .0, window.0 .0, 12.0)),
        CssPx(place(cursor.1 .0, size.1 .0, window.1 .0, 20.0)),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use cinder_profile::Tree;

    use super::*;
    use crate::flamegraph::model::{FlameModel, FlameProfile, TextFit};

    fn model(folded: &str, units: &str) -> FlameModel {
        let tree = Tree::from_folded(folded).0;
        FlameModel::new(Arc::new(FlameProfile::new(tree, units, 1000, "gospy")))
    }

    #[test]
    fn bar_tooltip_has_share_time_samples_and_self() {
        let m = model("main;work 3000\nmain 1000\nidle 2000", "samples");
        let scene = m.scene(None, TextFit::Head);
        let main = m
            .layout
            .bar(m.layout.find(1, cinder_profile::Ticks(2000)).unwrap())
            .unwrap();
        let t = tooltip(&scene, &Hit::Item(Drawn::Bar(main)));
        assert_eq!(t.title, "main");
        assert_eq!(
            t.rows,
            vec![
                ("Share of CPU", "66.67%".to_owned()),
                ("CPU Time", "4.00 seconds".to_owned()),
                ("Samples", "4,000".to_owned()),
                ("Self", "1.00 second (16.67%)".to_owned()),
            ]
        );
    }

    #[test]
    fn run_tooltip_summarises_and_names_the_largest() {
        let m = model("a 1\nb 3\nc 2\nz 94", "bytes");
        let scene = m.scene(None, TextFit::Head);
        let run = Run {
            row: 1,
            first: 0,
            last: 2,
            range: cinder_profile::layout::TickRange::new(
                cinder_profile::Ticks(0),
                cinder_profile::Ticks(6),
            ),
            class: false,
        };
        let t = tooltip(&scene, &Hit::Item(Drawn::Run(run)));
        assert_eq!(t.title, "3 nodes too small to draw");
        assert_eq!(t.rows[1], ("RAM", "6.00 bytes".to_owned()));
        assert_eq!(t.rows[3], ("Largest", "b (3%)".to_owned()));
        assert_eq!(tooltip(&scene, &Hit::Header).title, "total");
    }

    #[test]
    fn diff_tooltip_has_both_sides_and_the_uncapped_change() {
        let left = Tree::from_folded("main;grow 100\nmain;rest 900\nold 0\n").0;
        let right = Tree::from_folded("main;grow 300\nmain;rest 700\nnew 5\n").0;
        let p = FlameProfile::diff(&left, &right, "samples", 100, "gospy");
        let m = FlameModel::new(Arc::new(p));
        let scene = m.scene(None, TextFit::Head);
        let node = m.tree().find(&["main", "grow"]).unwrap();
        let bar = m
            .layout
            .bar(m.layout.bar_of_node(m.tree(), node).unwrap())
            .unwrap();
        let t = tooltip(&scene, &Hit::Item(Drawn::Bar(bar)));
        assert_eq!(t.title, "grow");
        assert_eq!(
            t.rows,
            vec![
                ("Baseline", "10.00% · 1.00 second · 100".to_owned()),
                ("Comparison", "29.85% · 3.00 seconds · 300".to_owned()),
                ("Change", "+198.50%".to_owned()),
            ]
        );
        let new = m.tree().find(&["new"]).unwrap();
        let bar = m
            .layout
            .bar(m.layout.bar_of_node(m.tree(), new).unwrap())
            .unwrap();
        let t = tooltip(&scene, &Hit::Item(Drawn::Bar(bar)));
        assert_eq!(t.rows[2], ("Change", "(new)".to_owned()));
        assert_eq!(t.rows[0].1, "0.00% · 0.00 seconds · 0");
    }

    #[test]
    fn tooltip_flips_at_the_window_edges() {
        let win = (CssPx(800.0), CssPx(600.0));
        let size = (CssPx(200.0), CssPx(100.0));
        assert_eq!(
            position((CssPx(10.0), CssPx(10.0)), size, win),
            (CssPx(22.0), CssPx(30.0))
        );
        assert_eq!(
            position((CssPx(700.0), CssPx(550.0)), size, win),
            (CssPx(488.0), CssPx(430.0))
        );
    }
}
