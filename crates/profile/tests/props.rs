//! Property tests of the algebra and the codecs, over random trees (fixed seed via
//! proptest's defaults, so runs are deterministic per case count).

use cinder_profile::flamebearer::Flamebearer;
use cinder_profile::pprof::{self, DecodeOptions, EncodeOptions};
use cinder_profile::{Diff, MaxNodes, Strategy as Truncation, Ticks, Tree};
use proptest::prelude::*;

/// Frame names: a small alphabet so stacks share prefixes, plus the names the original
/// treats specially (`other`, `total`) and the empty name.
fn frame() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a", "b", "c", "d", "main", "other", "total", "", "x y",
    ])
}

fn stacks(min_count: u64) -> impl Strategy<Value = Vec<(Vec<&'static str>, u64)>> {
    prop::collection::vec(
        (prop::collection::vec(frame(), 0..6), min_count..50u64),
        0..24,
    )
}

fn build(stacks: &[(Vec<&'static str>, u64)]) -> Tree {
    let mut tree = Tree::new();
    for (frames, count) in stacks {
        tree.insert_stack(frames.iter().copied(), Ticks(*count));
    }
    tree
}

fn tree() -> impl Strategy<Value = Tree> {
    stacks(1).prop_map(|s| build(&s))
}

fn max_nodes() -> impl Strategy<Value = MaxNodes> {
    prop_oneof![
        Just(MaxNodes::Unlimited),
        (1usize..40).prop_map(MaxNodes::Limit)
    ]
}

proptest! {
    // 256 cases by default; set PROPTEST_CASES for longer runs.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn merge_is_commutative_associative_and_adds_totals(a in tree(), b in tree(), c in tree()) {
        let ab = Tree::merge([&a, &b]);
        prop_assert_eq!(&ab, &Tree::merge([&b, &a]));
        prop_assert_eq!(ab.total_ticks(), a.total_ticks() + b.total_ticks());
        let left = Tree::merge([&ab, &c]);
        let right = Tree::merge([&a, &Tree::merge([&b, &c])]);
        prop_assert_eq!(left, right);
    }

    #[test]
    fn single_flamebearer_decode_inverts_encode(t in tree(), max in max_nodes()) {
        let fb = Flamebearer::single(&t, MaxNodes::Unlimited);
        // The original folds any node literally named `other` into the synthetic `other`
        // (subtree and all), so only trees without such subtrees come back unchanged.
        let other_subtree = t.nodes().any(|n| n.name() == "other" && !n.is_root() && n.children().next().is_some());
        if !other_subtree {
            prop_assert_eq!(&fb.to_tree().unwrap(), &t);
        }
        prop_assert_eq!(Flamebearer::single(&fb.to_tree().unwrap(), MaxNodes::Unlimited), fb);
        let truncated = Flamebearer::single(&t, max);
        let decoded = truncated.to_tree().unwrap();
        prop_assert_eq!(decoded.total_ticks(), t.total_ticks());
        prop_assert_eq!(Flamebearer::single(&decoded, MaxNodes::Unlimited), truncated);
    }

    #[test]
    fn double_flamebearer_decode_inverts_encode(a in tree(), b in tree(), max in max_nodes()) {
        let diff = Diff::new(&a, &b);
        let fb = Flamebearer::double(&diff, MaxNodes::Unlimited);
        let back = fb.to_diff().unwrap();
        prop_assert_eq!(&back, &diff);
        prop_assert_eq!(Flamebearer::double(&back, MaxNodes::Unlimited), fb);
        let truncated = Flamebearer::double(&diff, max);
        let decoded = truncated.to_diff().unwrap();
        prop_assert_eq!((decoded.left_total(), decoded.right_total()), (a.total_ticks(), b.total_ticks()));
        prop_assert_eq!(truncated.num_ticks, (a.total_ticks() + b.total_ticks()).0);
    }

    #[test]
    fn diff_sides_are_the_inputs(a in tree(), b in tree()) {
        let diff = Diff::new(&a, &b);
        prop_assert_eq!(diff.left_total(), a.total_ticks());
        prop_assert_eq!(diff.right_total(), b.total_ticks());
        prop_assert_eq!(diff.left_tree(), a);
        prop_assert_eq!(diff.right_tree(), b);
    }

    #[test]
    fn truncation_keeps_totals(t in tree(), limit in 1usize..30) {
        for strategy in [Truncation::WidestTotal, Truncation::HeaviestSelf] {
            let cut = t.truncate(MaxNodes::Limit(limit), strategy);
            prop_assert_eq!(cut.total_ticks(), t.total_ticks());
            let selves: u64 = cut.nodes().map(|n| n.self_ticks().0).sum();
            prop_assert_eq!(selves, t.total_ticks().0);
        }
    }

    #[test]
    fn storage_bytes_and_merge_bytes_round_trip(a in stacks(0), b in tree()) {
        let a = build(&a);
        prop_assert_eq!(&Tree::from_bytes(&a.to_bytes()).unwrap(), &a);
        let mut acc = b.clone();
        acc.merge_bytes(&a.to_bytes()).unwrap();
        prop_assert_eq!(acc, Tree::merge([&b, &a]));
    }

    #[test]
    fn folded_text_round_trips(s in stacks(1)) {
        // A trailing empty frame cannot be written in folded text (`a;` reads as `a`).
        let s: Vec<_> = s.into_iter().filter(|(f, _)| f.last() != Some(&"")).collect();
        let t = build(&s);
        let (back, warnings) = Tree::from_folded(&t.to_folded());
        prop_assert!(warnings.is_empty());
        prop_assert_eq!(back, t);
    }

    #[test]
    fn pprof_round_trips(t in tree()) {
        // pprof drops empty function names, so leave them out.
        let bytes = pprof::encode(&t, &EncodeOptions::default());
        let decoded = pprof::decode(&bytes, &DecodeOptions::default()).unwrap();
        let expected = t.total_ticks();
        prop_assert_eq!(decoded.merged(0).total_ticks(), expected);
        if t.names().get("").is_none() {
            prop_assert_eq!(decoded.merged(0), t);
        }
    }

    #[test]
    fn table_selves_sum_to_the_total_and_focus_matches_table_totals(t in tree()) {
        let table = t.table();
        let selves: u64 = table.iter().map(|r| r.ticks.self_ticks.0).sum();
        prop_assert_eq!(selves + t.root().self_ticks().0, t.total_ticks().0);
        for row in table {
            prop_assert!(row.ticks.total <= t.total_ticks());
            prop_assert_eq!(t.focus(&row.name).total_ticks(), row.ticks.total);
            prop_assert_eq!(t.sandwich(&row.name).callers.total_ticks(), row.ticks.total);
        }
    }

    #[test]
    fn decoders_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = Tree::from_bytes(&bytes);
        let _ = Tree::from_tree_format(&bytes);
        let _ = Tree::from_trie_format(&bytes);
        let _ = Tree::from_folded_bytes(&bytes);
        let _ = Tree::from_lines(&bytes);
        let _ = pprof::decode(&bytes, &DecodeOptions::default());
        let _ = pprof::decode_push(&bytes, 1 << 20);
    }

    #[test]
    fn flamebearer_decode_never_panics_on_arbitrary_levels(
        levels in prop::collection::vec(prop::collection::vec(0u64..12, 0..30), 0..6),
        names in 0usize..5,
    ) {
        let names = (0..names).map(|i| format!("n{i}")).collect();
        let fb = Flamebearer { names, levels, num_ticks: 0, max_self: 0 };
        if let Ok(t) = fb.to_tree() {
            let again = Flamebearer::single(&t, MaxNodes::Unlimited).to_tree().unwrap();
            prop_assert_eq!(again.total_ticks(), t.total_ticks());
        }
        let _ = fb.to_diff();
    }
}
