//! Layout, hit-testing and search tests: small folded inputs with their rows spelled out,
//! agreement with the flamebearer encoder's offsets, and properties over random trees.

use proptest::prelude::*;

use super::*;
use crate::flamebearer::Flamebearer;
use crate::tree::Node;
use crate::truncate::MaxNodes;

fn tree(folded: &str) -> Tree {
    Tree::from_folded(folded).0
}

/// One line per row: `name@offset+width` for each bar.
fn dump(layout: &Layout, tree: &Tree) -> String {
    let mut out = String::new();
    for row in 0..layout.row_count() {
        let bars: Vec<String> = layout
            .bars(row)
            .map(|b| {
                let name = tree.names().resolve(b.name);
                let name = if row == 0 { "total" } else { name };
                format!("{name}@{}+{}", b.range.start, b.range.len())
            })
            .collect();
        out.push_str(&format!("{row}: {}\n", bars.join(" ")));
    }
    out
}

fn no_class(_: NameId) -> bool {
    false
}

fn detail(min_width: u64, max_gap: u64) -> Detail {
    Detail {
        min_width: Ticks(min_width),
        max_gap: Ticks(max_gap),
    }
}

#[test]
fn children_follow_the_parent_self_sorted_by_name_with_other_last() {
    let t = tree("a;c 3\na;b 2\na 1\nother 2\nd 4\nB 1");
    let layout = Layout::new(&t);
    assert_eq!(
        dump(&layout, &t),
        "0: total@0+13\n1: B@0+1 a@1+6 d@7+4 other@11+2\n2: b@2+2 c@4+3\n"
    );
    assert_eq!(layout.len(), t.len());
    assert_eq!(layout.total(), Ticks(13));
}

#[test]
fn offsets_equal_the_flamebearer_encoders() {
    let t = tree("main;work;a 5\nmain;work 2\nmain;idle 3\nmain 1\ngc;mark 4\ngc;sweep 1\nother 2");
    let layout = Layout::new(&t);
    let fb = Flamebearer::single(&t, MaxNodes::Unlimited);
    assert_eq!(fb.levels.len(), layout.row_count());
    for (row, level) in fb.levels.iter().enumerate() {
        let mut prev_end = 0;
        let wire: Vec<(u64, u64, &str)> = level
            .chunks(4)
            .map(|c| {
                let x = prev_end + c[0];
                prev_end = x + c[1];
                (x, c[1], fb.names[c[3] as usize].as_str())
            })
            .collect();
        let ours: Vec<(u64, u64, &str)> = layout
            .bars(row)
            .map(|b| {
                let name = if row == 0 {
                    "total"
                } else {
                    t.names().resolve(b.name)
                };
                (b.range.start.0, b.range.len().0, name)
            })
            .collect();
        assert_eq!(wire, ours, "row {row}");
    }
}

#[test]
fn malformed_children_are_clamped_into_the_parent() {
    let mut t = tree("a;b 4");
    let b = t.find(&["a", "b"]).unwrap();
    t.set_ticks(b, 9, 9);
    let layout = Layout::new(&t);
    assert_eq!(dump(&layout, &t), "0: total@0+4\n1: a@0+4\n2: b@0+4\n");
}

#[test]
fn empty_tree_has_only_the_root_row() {
    let t = Tree::new();
    let layout = Layout::new(&t);
    assert_eq!(layout.row_count(), 1);
    assert_eq!(layout.total(), Ticks::ZERO);
    let all = TickRange::new(Ticks(0), Ticks(10));
    assert_eq!(layout.hit(0, 0.5, all, detail(1, 0), no_class), None);
    assert_eq!(Layout::default().row_count(), 0);
    assert!(Layout::default()
        .drawn(3, all, detail(1, 0), no_class)
        .next()
        .is_none());
}

#[test]
fn thin_neighbours_merge_into_one_run_and_wide_bars_stay_alone() {
    // Row 1: a..e are 1 tick each, then w is 10 ticks wide.
    let t = tree("a 1\nb 1\nc 1\nd 1\ne 1\nw 10");
    let layout = Layout::new(&t);
    let drawn: Vec<Drawn> = layout
        .drawn(1, layout.full_range(), detail(2, 0), no_class)
        .collect();
    assert_eq!(drawn.len(), 2);
    let Drawn::Run(run) = drawn[0] else {
        panic!("expected a run, got {:?}", drawn[0]);
    };
    assert_eq!((run.first, run.last, run.count()), (0, 4, 5));
    assert_eq!(run.range, TickRange::new(Ticks(0), Ticks(5)));
    assert!(matches!(drawn[1], Drawn::Bar(bar) if bar.range.len() == Ticks(10)));
    // The same run is hit from any of its bars.
    assert_eq!(
        layout.hit(1, 3.5, layout.full_range(), detail(2, 0), no_class),
        Some(drawn[0])
    );
}

#[test]
fn runs_split_where_the_class_changes() {
    let t = tree("a 1\nb 1\nc 1\nd 1");
    let layout = Layout::new(&t);
    let b = t.names().get("b").unwrap();
    let c = t.names().get("c").unwrap();
    let class = |n: NameId| n == b || n == c;
    let runs: Vec<(u32, u32, bool)> = layout
        .drawn(1, layout.full_range(), detail(5, 0), class)
        .map(|d| match d {
            Drawn::Run(r) => (r.first, r.last, r.class),
            Drawn::Bar(_) => panic!("no bar is wide enough"),
        })
        .collect();
    assert_eq!(runs, vec![(0, 0, false), (1, 2, true), (3, 3, false)]);
}

#[test]
fn runs_bridge_small_gaps_only() {
    // Under p, children start after p's 2 self ticks: q's children and r's child are
    // separated by the self ticks of r.
    let t = tree("p;q;x 1\np;q;y 1\np;r 3\np;r;z 1");
    let layout = Layout::new(&t);
    assert_eq!(
        dump(&layout, &t),
        "0: total@0+6\n1: p@0+6\n2: q@0+2 r@2+4\n3: x@0+1 y@1+1 z@5+1\n"
    );
    let strict = layout
        .drawn(3, layout.full_range(), detail(2, 0), no_class)
        .count();
    let bridged = layout
        .drawn(3, layout.full_range(), detail(2, 3), no_class)
        .count();
    assert_eq!((strict, bridged), (2, 1));
    // A tick inside a bridged gap hits the run; inside an unbridged gap, nothing.
    assert!(matches!(
        layout.hit(3, 3.0, layout.full_range(), detail(2, 3), no_class),
        Some(Drawn::Run(r)) if r.count() == 3
    ));
    assert_eq!(
        layout.hit(3, 3.0, layout.full_range(), detail(2, 0), no_class),
        None
    );
}

#[test]
fn drawn_only_visits_the_range() {
    let t = tree("a 4\nb 4\nc 4\nd 4");
    let layout = Layout::new(&t);
    let range = TickRange::new(Ticks(5), Ticks(9));
    let names: Vec<&str> = layout
        .drawn(1, range, detail(1, 0), no_class)
        .map(|d| match d {
            Drawn::Bar(b) => t.names().resolve(b.name),
            Drawn::Run(_) => "run",
        })
        .collect();
    assert_eq!(names, vec!["b", "c"]);
    assert_eq!(layout.span(1, range), 1..3);
    assert_eq!(layout.hit(1, 12.0, range, detail(1, 0), no_class), None);
}

#[test]
fn navigation_finds_parents_children_and_bars_by_offset() {
    let t = tree("a;b 2\na;c 3\nd 1");
    let layout = Layout::new(&t);
    let c = layout.find(2, Ticks(2)).unwrap();
    let a = layout.parent(&t, c).unwrap();
    assert_eq!(t.names().resolve(layout.bar(a).unwrap().name), "a");
    let kids: Vec<&str> = layout
        .children(&t, a)
        .iter()
        .map(|b| t.names().resolve(b.name))
        .collect();
    assert_eq!(kids, vec!["b", "c"]);
    let node = t.find(&["a", "c"]).unwrap();
    assert_eq!(layout.bar_of_node(&t, node), Some(c));
    assert_eq!(layout.parent(&t, BarId { row: 0, index: 0 }), None);
    assert_eq!(layout.find(2, Ticks(1)), None);
}

#[test]
fn search_counts_nodes_and_does_not_double_count_nested_matches() {
    let t = tree("main;Decode;decodeInner 4\nmain;Decode 2\nmain;work;decode 3\nmain;idle 1");
    let m = Matches::substring(&t, "DECODE").unwrap();
    let stats = m.stats(&t);
    assert_eq!(stats.nodes, 3);
    // Decode (6, which contains decodeInner) + work;decode (3); idle is out.
    assert_eq!(stats.ticks, Ticks(9));
    assert!((stats.share - 0.9).abs() < 1e-12);
    assert_eq!(m.stats(&t), stats, "remembered");
    assert!(m.contains(t.names().get("decodeInner").unwrap()));
    assert!(!m.contains(t.names().get("idle").unwrap()));
    assert!(Matches::substring(&t, "").is_none());
    assert!(Matches::substring(&t, "zzz").unwrap().is_empty());
}

#[test]
fn exact_and_unicode_searches() {
    let t = tree("Straße;x 2\nSTRASSE 1\nmain 3");
    let exact = Matches::exact(&t, "main").unwrap();
    assert_eq!(
        (exact.stats(&t).nodes, exact.stats(&t).ticks),
        (1, Ticks(3))
    );
    assert_eq!(Matches::exact(&t, ""), None);
    assert_eq!(Matches::exact(&t, ""), None);
    let unicode = Matches::substring(&t, "SSE").unwrap();
    assert_eq!(unicode.stats(&t).nodes, 1);
    let folded = Matches::substring(&t, "straßE").unwrap();
    assert_eq!(
        (folded.stats(&t).nodes, folded.stats(&t).ticks),
        (1, Ticks(2))
    );
}

/// Random folded profiles over a small alphabet, so names repeat across depths.
fn arb_tree() -> impl proptest::strategy::Strategy<Value = Tree> {
    let frame = prop::sample::select(vec!["a", "b", "c", "other", "Z", "mid"]);
    let stack = prop::collection::vec(frame, 0..6);
    prop::collection::vec((stack, 1u64..40), 1..40).prop_map(|stacks| {
        let mut t = Tree::new();
        for (frames, n) in stacks {
            t.insert_stack(frames.iter().copied(), Ticks(n));
        }
        t
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn rows_are_sorted_disjoint_and_inside_their_parents(t in arb_tree()) {
        let layout = Layout::new(&t);
        prop_assert_eq!(layout.len(), t.len());
        for row in 0..layout.row_count() {
            let bars: Vec<Bar> = layout.bars(row).collect();
            for pair in bars.windows(2) {
                prop_assert!(pair[0].range.end <= pair[1].range.start, "overlap in row {}", row);
            }
            for bar in &bars {
                prop_assert_eq!(bar.range.len(), t.node(bar.node).unwrap().total());
                if row > 0 {
                    let parent = layout.bar(layout.parent(&t, bar.id).unwrap()).unwrap();
                    prop_assert!(parent.range.contains(bar.range));
                }
            }
        }
    }

    #[test]
    fn every_drawn_item_is_hit_at_its_centre(t in arb_tree(), min in 1u64..30, gap in 0u64..3, lo in 0u64..50, len in 1u64..400) {
        let layout = Layout::new(&t);
        let range = TickRange::new(Ticks(lo), Ticks(lo + len));
        let class = |n: NameId| n.index().is_multiple_of(2);
        let d = detail(min, gap);
        for row in 0..layout.row_count() {
            let mut covered = Vec::new();
            for item in layout.drawn(row, range, d, class) {
                let r = item.range();
                if r.is_empty() { continue; }
                let centre = (r.start.0 as f64 + r.end.0 as f64) / 2.0;
                if centre >= range.start.0 as f64 && centre < range.end.0 as f64 {
                    prop_assert_eq!(layout.hit(row, centre, range, d, class), Some(item));
                }
                if let Drawn::Bar(bar) = item {
                    prop_assert!(bar.range.len() >= d.min_width);
                    covered.push(bar.id.index..bar.id.index + 1);
                } else if let Drawn::Run(run) = item {
                    covered.push(run.indexes());
                }
            }
            // Items partition the bars of the span, in order.
            let flat: Vec<u32> = covered.into_iter().flatten().collect();
            let span: Vec<u32> = layout.span(row, range).map(|i| i as u32).collect();
            prop_assert_eq!(flat, span);
        }
    }

    #[test]
    fn search_ticks_never_exceed_the_total_and_match_a_brute_force(t in arb_tree(), q in prop::sample::select(vec!["a", "B", "mid", "o", "x"])) {
        let m = Matches::substring(&t, q).unwrap().stats(&t);
        prop_assert!(m.ticks <= t.total_ticks());
        let q = q.to_lowercase();
        let hit = |n: &Node<'_>| !n.is_root() && n.name().to_lowercase().contains(&q);
        let count = t.nodes().filter(|n| hit(n)).count();
        let outermost: u64 = t
            .nodes()
            .filter(|n| hit(n))
            .filter(|n| {
                let mut p = n.parent();
                while let Some(a) = p {
                    if hit(&a) { return false; }
                    p = a.parent();
                }
                true
            })
            .map(|n| n.total().0)
            .sum();
        prop_assert_eq!(m.nodes, count);
        prop_assert_eq!(m.ticks, Ticks(outermost));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The word-at-a-time scan over the packed names agrees with a per-name search, for
    /// needles that straddle name boundaries, repeat, differ in case or are not letters.
    #[test]
    fn packed_ascii_search_matches_a_per_name_search(
        names in prop::collection::vec("[a-cA-C.:_ ]{0,12}", 0..40),
        needle in "[a-cA-C.:_ ]{1,4}",
    ) {
        let mut t = Tree::new();
        for name in &names {
            t.insert_stack([name.as_str(), "leaf"], Ticks(1));
        }
        let expected: Vec<&str> = t
            .names()
            .iter()
            .filter(|(id, n)| {
                *id != NameId::EMPTY && n.to_ascii_lowercase().contains(&needle.to_ascii_lowercase())
            })
            .map(|(_, n)| n)
            .collect();
        let m = Matches::substring(&t, &needle).unwrap();
        let found: Vec<&str> = t
            .names()
            .iter()
            .filter(|(id, _)| m.contains(*id))
            .map(|(_, n)| n)
            .collect();
        prop_assert_eq!(found, expected);
    }
}

#[test]
fn graphs_wider_than_u32_ticks_keep_exact_offsets() {
    let big = 5_000_000_000u64;
    let t = tree(&format!("a;b {big}\na;c 7\nd {big}"));
    let layout = Layout::new(&t);
    expect_test::expect![[r#"
        0: total@0+10000000007
        1: a@0+5000000007 d@5000000007+5000000000
        2: b@0+5000000000 c@5000000000+7
    "#]]
    .assert_eq(&dump(&layout, &t));
    let hit = layout.hit(
        2,
        5_000_000_003.0,
        layout.full_range(),
        Detail::default(),
        no_class,
    );
    assert!(matches!(hit, Some(Drawn::Bar(b)) if t.names().resolve(b.name) == "c"));
}

#[test]
fn contains_ignoring_case_follows_the_search_rule() {
    assert!(contains_ignoring_case("runtime.mallocgc", "MallocGC"));
    assert!(contains_ignoring_case("anything", ""));
    assert!(!contains_ignoring_case("main", "mainx"));
    assert!(contains_ignoring_case("ÉCOLE::run", "école"));
}
