//! The diff colouring against the spec's formulas (ui-features.md §1.6, §7.5) with golden
//! values worked out by hand, both modes, the noise threshold, and new/removed colours.

use cinder_profile::{Diff, NodeId, Side, Ticks, Tree};

use super::*;

fn side(total: u64) -> Side {
    Side {
        total: Ticks(total),
        self_ticks: Ticks(total),
    }
}

fn proportional(l: u64, r: u64, totals: (u64, u64)) -> NodeDiff {
    node_diff(side(l), side(r), totals, DiffMode::Proportional)
}

#[test]
fn a_share_that_triples_reads_plus_200_and_is_drawn_at_the_top_of_the_scale() {
    // 10 of 100 → 30 of 100: 10 % → 30 %.
    let d = proportional(10, 30, (100, 100));
    assert_eq!((d.left_percent, d.right_percent), (10.0, 30.0));
    assert_eq!(d.change, Change::Changed(200.0));
    assert_eq!(d.change.text(), "+200.00%");
    assert_eq!(d.points, 20.0);
    let style = DiffStyle::default();
    assert_eq!(color_of(&d, &style), Rgb(200, 0, 0));
    let blind = DiffStyle {
        palette: DiffPalette::ColorBlind,
        ..style
    };
    assert_eq!(color_of(&d, &blind), Rgb(220, 50, 32));
}

#[test]
fn proportional_colouring_normalises_each_side_by_its_own_total() {
    // 25 of 100 → 50 of 400: 25 % → 12.5 %, −50 %: halfway from grey (148,142,142) to
    // green (0,170,0) = (74,156,71).
    let d = proportional(25, 50, (100, 400));
    assert_eq!(d.change, Change::Changed(-50.0));
    assert_eq!(d.change.text(), "-50.00%");
    assert_eq!(color_of(&d, &DiffStyle::default()), Rgb(74, 156, 71));
    // +50 %: halfway to red (200,0,0) = (174,71,71); colour-blind (184,96,87).
    let up = proportional(20, 30, (100, 100));
    assert_eq!(up.change, Change::Changed(50.0));
    assert_eq!(color_of(&up, &DiffStyle::default()), Rgb(174, 71, 71));
    let blind = DiffStyle {
        palette: DiffPalette::ColorBlind,
        ..DiffStyle::default()
    };
    assert_eq!(color_of(&up, &blind), Rgb(184, 96, 87));
}

#[test]
fn shares_round_to_a_hundredth_of_a_percent_before_the_change() {
    // 1/3 → 33.33 %, 2/3 → 66.67 %: (66.67 − 33.33) / 33.33 = 100.03 %.
    let d = proportional(1, 2, (3, 3));
    let Change::Changed(p) = d.change else {
        panic!("both sides have ticks");
    };
    assert!((p - 100.030_003).abs() < 1e-4, "{p}");
}

#[test]
fn absolute_colouring_compares_raw_ticks() {
    // Unchanged ticks in a profile that doubled: proportional says −50 %, absolute 0.
    let prop = proportional(100, 100, (1000, 2000));
    assert_eq!(prop.change, Change::Changed(-50.0));
    let abs = node_diff(side(100), side(100), (1000, 2000), DiffMode::Absolute);
    assert_eq!(abs.change, Change::Changed(0.0));
    assert_eq!(color_of(&abs, &DiffStyle::default()), Rgb(148, 142, 142));
    let grown = node_diff(side(100), side(400), (1000, 2000), DiffMode::Absolute);
    assert_eq!(grown.change.text(), "+300.00%");
    assert_eq!(grown.points, 15.0, "300 ticks of the larger 2000");
}

#[test]
fn new_and_removed_frames_have_their_own_colours_and_words() {
    let style = DiffStyle::default();
    let (new, removed) = new_removed_colors(style.palette);
    let added = proportional(0, 5, (100, 100));
    assert_eq!(added.change, Change::New);
    assert_eq!(added.change.text(), "(new)");
    assert_eq!(color_of(&added, &style), new);
    let gone = proportional(5, 0, (100, 100));
    assert_eq!(gone.change.text(), "(removed)");
    assert_eq!(gone.change.label_text(), "removed");
    assert_eq!(added.change.label_text(), "new");
    assert_eq!(Change::Changed(200.0).label_text(), "+200.00%");
    assert_eq!(color_of(&gone, &style), removed);
    let (_, neutral, _) = style.palette.stops();
    for c in [new, removed] {
        for change in [-100.0, -50.0, 0.0, 50.0, 100.0] {
            assert_ne!(c, style.palette.color(change), "off the scale");
        }
        assert_ne!(c, neutral);
    }
}

#[test]
fn changes_below_the_noise_threshold_stay_grey() {
    let style = DiffStyle {
        threshold: 5.0,
        ..DiffStyle::default()
    };
    let (_, neutral, _) = style.palette.stops();
    // 1 % → 3 %: +200 % but only 2 points of the profile.
    assert_eq!(color_of(&proportional(1, 3, (100, 100)), &style), neutral);
    assert_eq!(color_of(&proportional(0, 2, (100, 100)), &style), neutral);
    // 10 % → 30 %: 20 points, coloured.
    assert_eq!(
        color_of(&proportional(10, 30, (100, 100)), &style),
        Rgb(200, 0, 0)
    );
}

#[test]
fn sides_of_a_tree_diff_give_per_node_colours() {
    let left = Tree::from_folded("main;grow 10\nmain;steady 80\nmain;old 10\n").0;
    let right = Tree::from_folded("main;grow 30\nmain;steady 60\nmain;fresh 10\n").0;
    let (tree, sides) = DiffSides::split(Diff::new(&left, &right));
    assert_eq!(sides.totals(), (Ticks(100), Ticks(100)));
    assert_eq!(
        tree.total_ticks(),
        Ticks(200),
        "bars are baseline + comparison wide"
    );
    let node = |path: &[&str]| tree.find(path).unwrap();
    let mode = DiffMode::Proportional;
    assert_eq!(
        sides.node(node(&["main", "grow"]), mode).change.text(),
        "+200.00%"
    );
    assert_eq!(
        sides.node(node(&["main", "steady"]), mode).change.text(),
        "-25.00%"
    );
    assert_eq!(
        sides.node(node(&["main", "fresh"]), mode).change,
        Change::New
    );
    assert_eq!(
        sides.node(node(&["main", "old"]), mode).change,
        Change::Removed
    );
    assert_eq!(sides.node(NodeId::ROOT, mode).change, Change::Changed(0.0));
    assert_eq!(
        sides.color(node(&["main", "grow"]), &DiffStyle::default()),
        Rgb(200, 0, 0)
    );
}

#[test]
fn the_legend_spans_the_scale() {
    let cells = legend_cells(DiffPalette::Default, 13);
    assert_eq!(cells.len(), 13);
    assert_eq!(cells[0], (-100.0, Rgb(0, 170, 0)));
    assert_eq!(cells[6], (0.0, Rgb(148, 142, 142)));
    assert_eq!(cells[12], (100.0, Rgb(200, 0, 0)));
}

#[test]
fn modes_round_trip_through_the_url_form() {
    for m in [DiffMode::Proportional, DiffMode::Absolute] {
        assert_eq!(DiffMode::parse(m.as_str()), m);
    }
    assert_eq!(DiffMode::parse("nonsense"), DiffMode::Proportional);
    assert_eq!(Change::Changed(0.0).text(), "0.00%");
    assert!(Change::New.sort_key() > Change::Changed(1e9).sort_key());
}

#[test]
fn thresholds_parse_as_plain_decimals_and_anything_else_is_off() {
    for (text, want) in [
        ("2", 2.0),
        ("0.5", 0.5),
        (".5", 0.5),
        ("5.", 5.0),
        (" 12.25 ", 12.25),
        ("1234567890123456789", 1_234_567_890_123_456_789.0),
    ] {
        let got = DiffStyle::parse_threshold(text);
        assert!(
            (got - want).abs() <= want * 1e-12,
            "{text}: {got} != {want}"
        );
    }
    for off in [
        "", ".", "0", "0.0", "-1", "1e3", "abc", "1.2.3", "NaN", "inf",
    ] {
        assert_eq!(DiffStyle::parse_threshold(off), 0.0, "{off}");
    }
}
