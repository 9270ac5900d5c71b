//! Frames painted into a [`RecordingPainter`] and compared as text: bar geometry, colours,
//! labels and their fitting, zoom dimming, focus header, search greying, thin-bar merging,
//! device-pixel scaling and the bounds that keep big profiles cheap.

use std::sync::Arc;

use cinder_profile::layout::Matches;
use cinder_profile::{Ticks, Tree};

use super::*;
use crate::flamegraph::model::{FlameModel, FlameProfile};
use crate::flamegraph::painter::{Op, RecordingPainter};
use crate::flamegraph::palette::{package_color, Spy};
use crate::flamegraph::viewport::{CanvasSize, Target, ViewState};

fn model(folded: &str) -> FlameModel {
    let tree = Tree::from_folded(folded).0;
    FlameModel::new(Arc::new(FlameProfile::new(tree, "samples", 100, "gospy")))
}

fn size(width: f64, height: f64, dpr: f64) -> CanvasSize {
    CanvasSize {
        width: CssPx(width),
        height: CssPx(height),
        dpr,
    }
}

fn frame(
    scene: &Scene<'_>,
    state: &ViewState,
    size: CanvasSize,
    scroll: f64,
) -> (String, PaintStats) {
    let vp = Viewport::new(state, &scene.model.layout, size, CssPx(scroll));
    let mut painter = RecordingPainter::new();
    let stats = paint(scene, &vp, &mut Scratch::default(), &mut painter);
    (painter.snapshot(), stats)
}

fn css(name: &str) -> String {
    package_color(Spy::Go, name).opaque().css()
}

#[test]
fn bars_are_laid_out_in_device_pixels_with_labels() {
    let m = model("a;b 3\na 1\nc 4");
    let scene = m.scene(None, TextFit::Head);
    let (snapshot, stats) = frame(&scene, &ViewState::default(), size(80.0, 66.0, 1.0), 0.0);
    let mut expected = format!("clear 80x66\nfill {}\nrect 0,0 79x21\n", css("total"));
    let mut batch = |name: &str, rects: &str| {
        if css(name) == css("total") || (name == "c" && css("c") == css("a")) {
            panic!("palette collision makes this snapshot ambiguous: {name}");
        }
        expected.push_str(&format!("fill {}\n{rects}", css(name)));
    };
    batch("a", "rect 0,22 39x21\n");
    batch("c", "rect 40,22 39x21\n");
    batch("b", "rect 10,44 29x21\n");
    expected.push_str(
        "font 11.5\nfill rgb(0,0,0)\n\
         text 3,10.5 \"total (100%\"\n\
         text 3,32.5 \"a (50\"\n\
         text 43,32.5 \"c (50\"\n\
         text 13,54.5 \"b (\"\n",
    );
    assert_eq!(snapshot, expected);
    assert_eq!(
        (stats.lines, stats.bars, stats.runs, stats.labels),
        (3, 4, 0, 4)
    );
}

#[test]
fn wide_bars_get_the_whole_label_and_tail_fit_keeps_the_end() {
    let m = model("github.com/org/repo/pkg.(*Server).Serve 1");
    let head = m.scene(None, TextFit::Head);
    let (snapshot, _) = frame(&head, &ViewState::default(), size(600.0, 44.0, 1.0), 0.0);
    assert!(
        snapshot.contains("\"total (100%, 0.01 seconds)\""),
        "{snapshot}"
    );
    assert!(snapshot.contains("\"github.com/org/repo/pkg.(*Server).Serve (100%, 0.01 seconds)\""));
    let (narrow, _) = frame(&head, &ViewState::default(), size(100.0, 44.0, 1.0), 0.0);
    assert!(narrow.contains("text 3,32.5 \"github.com/or\""), "{narrow}");
    let tail = m.scene(None, TextFit::Tail);
    let (narrow, _) = frame(&tail, &ViewState::default(), size(100.0, 44.0, 1.0), 0.0);
    assert!(narrow.contains("text 3,32.5 \"Server).Serve\""), "{narrow}");
    let (medium, _) = frame(&tail, &ViewState::default(), size(300.0, 44.0, 1.0), 0.0);
    assert!(
        medium.contains("\"github.com/org/repo/pkg.(*Server).Serve\""),
        "{medium}"
    );
}

#[test]
fn zoom_fills_the_width_and_dims_the_ancestors() {
    let m = model("a;b 3\na 1\nc 4");
    let scene = m.scene(None, TextFit::Head);
    let mut state = ViewState::default();
    let a = m.layout.bar(m.layout.find(1, Ticks(0)).unwrap()).unwrap();
    state.click(Target::of_bar(&a));
    let (snapshot, _) = frame(&scene, &state, size(80.0, 66.0, 1.0), 0.0);
    let dim = package_color(Spy::Go, "total").with_alpha(DIM_ALPHA).css();
    let lines: Vec<&str> = snapshot.lines().collect();
    assert_eq!(
        &lines[1..3],
        &[format!("fill {dim}").as_str(), "rect 0,0 79x21"]
    );
    // a spans the width, c is out of range, b starts a quarter in.
    assert!(snapshot.contains("rect 0,22 79x21\n"), "{snapshot}");
    assert!(snapshot.contains("rect 20,44 59x21\n"), "{snapshot}");
    assert!(!snapshot.contains("\"c"), "{snapshot}");
}

#[test]
fn focus_collapses_rows_into_a_header() {
    let m = model("a;b 3\na 1\nc 4");
    let scene = m.scene(None, TextFit::Head);
    let mut state = ViewState::default();
    let a = m.layout.bar(m.layout.find(1, Ticks(0)).unwrap()).unwrap();
    state.collapse_above(Target::of_bar(&a));
    let (snapshot, stats) = frame(&scene, &state, size(300.0, 66.0, 1.0), 0.0);
    assert!(
        snapshot.contains(&format!("fill {}\nrect 0,0 300x21\n", GREY.css())),
        "{snapshot}"
    );
    assert!(
        snapshot.contains("text 3,10.5 \"total (1 level collapsed)\""),
        "{snapshot}"
    );
    assert!(
        snapshot.contains("text 3,32.5 \"a (50%, 0.04 seconds)\""),
        "{snapshot}"
    );
    assert_eq!(stats.lines, 3);
}

#[test]
fn search_greys_misses_and_keeps_matches_coloured() {
    let m = model("a;b 3\na 1\nc 4");
    let matches = Matches::substring(m.tree(), "B").unwrap();
    let scene = m.scene(Some(&matches), TextFit::Head);
    let (snapshot, stats) = frame(&scene, &ViewState::default(), size(80.0, 66.0, 1.0), 0.0);
    let expected_rects = format!(
        "fill {}\nrect 0,0 79x21\nrect 0,22 39x21\nrect 40,22 39x21\nfill {}\nrect 10,44 29x21\n",
        GREY.css(),
        css("b")
    );
    assert!(snapshot.contains(&expected_rects), "{snapshot}");
    assert_eq!(stats.colors, 2);
}

#[test]
fn thin_bars_merge_into_grey_runs_and_matched_runs_stand_out() {
    let mut folded = String::from("wide 900\n");
    for i in 0..100 {
        folded.push_str(&format!("f{i:03} 1\n"));
    }
    let m = model(&folded);
    let scene = m.scene(None, TextFit::Head);
    let (snapshot, stats) = frame(&scene, &ViewState::default(), size(100.0, 44.0, 1.0), 0.0);
    assert!(
        snapshot.contains(&format!("fill {}\nrect 0,22 10x21\n", GREY.css())),
        "{snapshot}"
    );
    assert_eq!((stats.bars, stats.runs), (2, 1));
    let matches = Matches::substring(m.tree(), "f05").unwrap();
    let scene = m.scene(Some(&matches), TextFit::Head);
    let (snapshot, stats) = frame(&scene, &ViewState::default(), size(100.0, 44.0, 1.0), 0.0);
    assert_eq!(stats.runs, 3);
    assert!(
        snapshot.contains(&format!(
            "fill {}\nrect 5,22 1x21\n",
            MATCHED_RUN.opaque().css()
        )),
        "{snapshot}"
    );
}

#[test]
fn device_pixel_ratio_scales_everything() {
    let m = model("a;b 3\na 1\nc 4");
    let scene = m.scene(None, TextFit::Head);
    let (snapshot, _) = frame(&scene, &ViewState::default(), size(80.0, 66.0, 2.0), 0.0);
    assert!(snapshot.starts_with("clear 160x132\n"), "{snapshot}");
    assert!(snapshot.contains("rect 20,88 59x43\n"), "{snapshot}");
    assert!(snapshot.contains("font 23\n"), "{snapshot}");
    let (odd, _) = frame(&scene, &ViewState::default(), size(80.0, 66.0, 1.25), 0.0);
    // `b` starts at device x 12.5: halfway pixels round to even, so at 12.
    assert!(odd.contains("rect 12,55 37x27\n"), "{odd}");
}

#[test]
fn only_lines_inside_the_canvas_are_drawn() {
    let deep: Vec<String> = (0..100).map(|i| format!("f{i}")).collect();
    let m = model(&format!("{} 5", deep.join(";")));
    let scene = m.scene(None, TextFit::Head);
    let (snapshot, stats) = frame(
        &scene,
        &ViewState::default(),
        size(200.0, 66.0, 1.0),
        1000.0,
    );
    assert_eq!(stats.lines, 4);
    // Line 45 (f44) is the first one partly inside: its top is 45 × 22 − 1000 = −10.
    assert!(snapshot.contains("text 3,0.5 \"f44 (100%"), "{snapshot}");
}

#[test]
fn a_big_profile_costs_at_most_a_few_rects_per_pixel_column() {
    // 20 000 leaves under 100 parents; 200 px of canvas.
    let mut folded = String::new();
    for p in 0..100 {
        for c in 0..200 {
            folded.push_str(&format!("p{p:03};c{c:03} {}\n", 1 + (p * c) % 7));
        }
    }
    let m = model(&folded);
    let scene = m.scene(None, TextFit::Head);
    let vp = Viewport::new(
        &ViewState::default(),
        &m.layout,
        size(200.0, 88.0, 1.0),
        CssPx(0.0),
    );
    let mut painter = RecordingPainter::new();
    let stats = paint(&scene, &vp, &mut Scratch::default(), &mut painter);
    assert_eq!(m.layout.len(), 20_101);
    assert!(stats.rects <= 3 * 200, "{stats:?}");
    let outside =
        painter.count(|op| matches!(op, Op::Rect(x, _, w, _) if *x < 0.0 || x + w > 200.0));
    assert_eq!(outside, 0);
    // Reusing the scratch gives the same frame.
    let mut scratch = Scratch::default();
    let mut again = RecordingPainter::new();
    paint(&scene, &vp, &mut scratch, &mut RecordingPainter::new());
    paint(&scene, &vp, &mut scratch, &mut again);
    assert_eq!(again.ops, painter.ops);
}

#[test]
fn diff_bars_are_baseline_plus_comparison_wide_and_coloured_by_change() {
    use crate::flamegraph::diff::{new_removed_colors, DiffMode, DiffStyle};
    use crate::flamegraph::palette::DiffPalette;
    let left = Tree::from_folded("grow 10\nsteady 80\nold 10\n").0;
    let right = Tree::from_folded("grow 30\nsteady 60\nfresh 10\n").0;
    let p = FlameProfile::diff(&left, &right, "samples", 100, "gospy");
    let m = FlameModel::new(Arc::new(p));
    let scene = m.scene(None, TextFit::Head);
    // 200 ticks over 200 px: fresh 10, grow 40, old 10, steady 140 (sorted by name).
    let (snapshot, _) = frame(&scene, &ViewState::default(), size(200.0, 44.0, 1.0), 0.0);
    let (new, removed) = new_removed_colors(DiffPalette::Default);
    let expected_fills = [
        ("rgb(148,142,142)", "rect 0,0 199x21"), // total: 100 % on both sides
        (&*new.opaque().css(), "rect 0,22 9x21"),
        ("rgb(200,0,0)", "rect 10,22 39x21"), // grow: 10 % → 30 %
        (&*removed.opaque().css(), "rect 50,22 9x21"),
        ("rgb(111,149,107)", "rect 60,22 139x21"), // steady: 80 % → 60 %, −25 %
    ];
    for (fill, rect) in expected_fills {
        let at = snapshot
            .find(&format!("fill {fill}\n{rect}\n"))
            .unwrap_or_else(|| panic!("{fill} {rect} in\n{snapshot}"));
        assert!(at > 0);
    }
    assert!(snapshot.contains("\"total (0.00%)\""), "{snapshot}");
    assert!(snapshot.contains("\"steady (-25.00%)\""), "{snapshot}");
    // Colour-blind palette, absolute mode: steady lost 20 of 80 ticks, also −25 %.
    let style = DiffStyle {
        palette: DiffPalette::ColorBlind,
        mode: DiffMode::Absolute,
        threshold: 0.0,
    };
    let blind = scene.with_diff(style);
    let (snapshot, _) = frame(&blind, &ViewState::default(), size(200.0, 44.0, 1.0), 0.0);
    assert!(
        snapshot.contains("fill rgb(220,50,32)\nrect 10,22 39x21\n"),
        "{snapshot}"
    );
    // A search still greys what does not match.
    let matches = Matches::substring(m.tree(), "grow").unwrap();
    let searched = m.scene(Some(&matches), TextFit::Head);
    let (snapshot, _) = frame(
        &searched,
        &ViewState::default(),
        size(200.0, 44.0, 1.0),
        0.0,
    );
    assert!(
        snapshot.contains(&format!("fill {}\nrect 0,0", GREY.css())),
        "{snapshot}"
    );
}
