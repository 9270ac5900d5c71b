//! What is under a point of the canvas, and where keyboard navigation goes next. Both read
//! the same [`Scene`] and [`Viewport`] as [`paint`](super::paint): a merged run is hit
//! exactly where it is drawn, and stays hoverable and clickable.

use cinder_profile::layout::{BarId, Drawn, TickRange};

use super::model::Scene;
use super::viewport::{CssPx, Line, Viewport};

/// What a point hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// The "N levels collapsed" header of a focused graph.
    Header,
    /// A bar or a merged run of thin bars.
    Item(Drawn),
}

/// The bar, run or header under `(x, y)`, canvas-relative CSS pixels.
#[must_use]
pub fn hit_test(scene: &Scene<'_>, viewport: &Viewport, x: CssPx, y: CssPx) -> Option<Hit> {
    let layout = &scene.model.layout;
    if !(x.0 >= 0.0 && x.0 < viewport.size.width.0) {
        return None;
    }
    match viewport.line_at(y, layout)? {
        Line::Header => Some(Hit::Header),
        Line::Row(row) => {
            let tick = viewport.x_to_tick(x);
            let class = scene.class();
            layout
                .hit(row, tick, viewport.range, viewport.detail(), class)
                .map(Hit::Item)
        }
    }
}

/// A keyboard move between bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The previous non-empty bar of the row.
    Left,
    /// The next non-empty bar of the row.
    Right,
    /// The parent (towards the root, which is drawn at the top).
    Up,
    /// The widest child.
    Down,
}

/// Where `step` leads from bar `from`, if anywhere. Moves stay inside `range` (the visible
/// ticks) so the focus ring never leaves the screen sideways.
#[must_use]
pub fn navigate(scene: &Scene<'_>, from: BarId, step: Step, range: TickRange) -> Option<BarId> {
    let layout = &scene.model.layout;
    let tree = scene.model.tree();
    let visible = |id: BarId| {
        layout.bar(id).is_some_and(|b| {
            !b.range.is_empty() && b.range.end > range.start && b.range.start < range.end
        })
    };
    let row_ids = |indexes: &mut dyn Iterator<Item = u32>| {
        indexes
            .map(|index| BarId {
                row: from.row,
                index,
            })
            .find(|&id| visible(id))
    };
    match step {
        Step::Left => row_ids(&mut (0..from.index).rev()),
        Step::Right => {
            let len = u32::try_from(layout.row_len(from.row as usize)).unwrap_or(u32::MAX);
            row_ids(&mut (from.index.saturating_add(1)..len))
        }
        Step::Up => layout.parent(tree, from),
        Step::Down => layout
            .children(tree, from)
            .into_iter()
            .filter(|b| visible(b.id))
            .max_by_key(|b| (b.range.len(), std::cmp::Reverse(b.id.index)))
            .map(|b| b.id),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use cinder_profile::layout::Matches;
    use cinder_profile::{Ticks, Tree};

    use super::*;
    use crate::flamegraph::model::{FlameModel, FlameProfile, TextFit};
    use crate::flamegraph::viewport::{CanvasSize, ViewState};

    fn model(folded: &str) -> FlameModel {
        let tree = Tree::from_folded(folded).0;
        FlameModel::new(Arc::new(FlameProfile::new(tree, "samples", 100, "gospy")))
    }

    fn viewport(m: &FlameModel, state: &ViewState) -> Viewport {
        let size = CanvasSize {
            width: CssPx(100.0),
            height: CssPx(220.0),
            dpr: 1.0,
        };
        Viewport::new(state, &m.layout, size, CssPx(0.0))
    }

    #[test]
    fn points_hit_the_bar_drawn_there() {
        let m = model("a;b 50\nc 50");
        let scene = m.scene(None, TextFit::Head);
        let vp = viewport(&m, &ViewState::default());
        let name = |hit: Option<Hit>| match hit {
            Some(Hit::Item(Drawn::Bar(b))) => m.tree().names().resolve(b.name).to_owned(),
            other => format!("{other:?}"),
        };
        assert_eq!(name(hit_test(&scene, &vp, CssPx(10.0), CssPx(30.0))), "a");
        assert_eq!(name(hit_test(&scene, &vp, CssPx(60.0), CssPx(30.0))), "c");
        assert_eq!(name(hit_test(&scene, &vp, CssPx(10.0), CssPx(50.0))), "b");
        assert_eq!(
            name(hit_test(&scene, &vp, CssPx(60.0), CssPx(50.0))),
            "None"
        );
        assert_eq!(
            name(hit_test(&scene, &vp, CssPx(160.0), CssPx(5.0))),
            "None"
        );
    }

    #[test]
    fn thin_bars_are_hit_as_their_run_and_the_header_as_such() {
        let mut folded = String::from("wide 900\n");
        for i in 0..100 {
            folded.push_str(&format!("f{i:03} 1\n"));
        }
        let m = model(&folded);
        let scene = m.scene(None, TextFit::Head);
        let vp = viewport(&m, &ViewState::default());
        // 1000 ticks on 100 px: each f is 0.1 px, all merged into one 10 px run.
        match hit_test(&scene, &vp, CssPx(5.0), CssPx(30.0)) {
            Some(Hit::Item(Drawn::Run(run))) => assert_eq!(run.count(), 100),
            other => panic!("expected the run, got {other:?}"),
        }
        let mut state = ViewState::default();
        let wide = m.layout.bar(m.layout.find(1, Ticks(100)).unwrap()).unwrap();
        state.collapse_above(crate::flamegraph::viewport::Target::of_bar(&wide));
        let vp = viewport(&m, &state);
        assert_eq!(
            hit_test(&scene, &vp, CssPx(5.0), CssPx(5.0)),
            Some(Hit::Header)
        );
    }

    #[test]
    fn highlight_splits_runs_like_paint() {
        let m = model("a 1\nb 1\nc 1\nwide 97");
        let matches = Matches::substring(m.tree(), "b").unwrap();
        let scene = m.scene(Some(&matches), TextFit::Head);
        let vp = viewport(&m, &ViewState::default());
        match hit_test(&scene, &vp, CssPx(1.5), CssPx(30.0)) {
            Some(Hit::Item(Drawn::Run(run))) => assert!(run.class && run.count() == 1),
            other => panic!("expected b's run, got {other:?}"),
        }
    }

    #[test]
    fn keyboard_moves_between_bars() {
        let m = model("a;x 10\na;y 30\nb 20\nc 40");
        let scene = m.scene(None, TextFit::Head);
        let full = m.layout.full_range();
        let a = m.layout.find(1, Ticks(0)).unwrap();
        let name = |id: Option<BarId>| {
            id.and_then(|id| m.layout.bar(id))
                .map(|b| m.tree().names().resolve(b.name).to_owned())
        };
        assert_eq!(
            name(navigate(&scene, a, Step::Right, full)).as_deref(),
            Some("b")
        );
        assert_eq!(navigate(&scene, a, Step::Left, full), None);
        assert_eq!(
            name(navigate(&scene, a, Step::Down, full)).as_deref(),
            Some("y")
        );
        let y = navigate(&scene, a, Step::Down, full).unwrap();
        assert_eq!(navigate(&scene, y, Step::Up, full), Some(a));
        let root = navigate(&scene, a, Step::Up, full).unwrap();
        assert_eq!(root.row, 0);
        // Moves stay in the visible range.
        let only_a = TickRange::new(Ticks(0), Ticks(40));
        assert_eq!(navigate(&scene, a, Step::Right, only_a), None);
    }
}
