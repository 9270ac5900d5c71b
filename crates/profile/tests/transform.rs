//! Folded stacks in, indented trees and tables out: truncation, merge, diff, the function
//! table, focus and sandwich.

use cinder_profile::{Diff, MaxNodes, NodeId, Strategy, Tree};
use expect_test::{expect, Expect};

use crate::common::{self, WORKED_EXAMPLE};

fn table_text(tree: &Tree) -> String {
    tree.table()
        .iter()
        .map(|r| {
            format!(
                "{} self={} total={}\n",
                r.name, r.ticks.self_ticks, r.ticks.total
            )
        })
        .collect()
}

fn check_table(folded: &str, expected: Expect) {
    expected.assert_eq(&table_text(&common::tree(folded)));
}

#[test]
fn truncation_folds_narrow_children_into_other() {
    let tree = common::tree(WORKED_EXAMPLE);
    let truncated = tree.truncate(MaxNodes::Limit(3), Strategy::WidestTotal);
    expect![[r#"
        total total=100 self=0
          main total=70 self=0
            other total=10 self=10
            work total=60 self=5
              other total=55 self=55
          other total=30 self=30
    "#]]
    .assert_eq(&truncated.to_text());
    assert_eq!(truncated.total_ticks(), tree.total_ticks());
    assert_eq!(
        tree.truncate(MaxNodes::Unlimited, Strategy::WidestTotal),
        tree
    );
    assert_eq!(
        tree.truncate(MaxNodes::Limit(100), Strategy::WidestTotal),
        tree
    );
}

#[test]
fn heaviest_self_truncation_keeps_hot_leaves_under_narrow_callers() {
    // `hot` has the most self ticks but sits under a narrow caller chain that the widest
    // rule drops first.
    let tree = common::tree("wide;a 20\nwide;b 20\nwide;c 20\nnarrow;hot 30\n");
    expect![[r#"
        total total=90 self=0
          other total=30 self=30
          wide total=60 self=0
            other total=60 self=60
    "#]]
    .assert_eq(
        &tree
            .truncate(MaxNodes::Limit(2), Strategy::WidestTotal)
            .to_text(),
    );
    expect![[r#"
        total total=90 self=0
          narrow total=30 self=0
            hot total=30 self=30
          other total=60 self=60
    "#]]
    .assert_eq(
        &tree
            .truncate(MaxNodes::Limit(3), Strategy::HeaviestSelf)
            .to_text(),
    );
}

#[test]
fn table_counts_recursive_totals_once() {
    check_table(
        "main;fib;fib;fib 10\nmain;fib;work;fib 5\nmain;work 2\nmain 1\n",
        expect![[r#"
            main self=1 total=18
            fib self=15 total=15
            work self=2 total=7
        "#]],
    );
}

#[test]
fn diff_table_has_both_sides() {
    let diff = Diff::new(
        &common::tree("main;a 2\nmain;b 1\n"),
        &common::tree("main;a 1\nmain;c 3\n"),
    );
    let text: String = diff
        .table()
        .iter()
        .map(|r| {
            format!(
                "{} left={}/{} right={}/{}\n",
                r.name, r.left.self_ticks, r.left.total, r.right.self_ticks, r.right.total
            )
        })
        .collect();
    expect![[r#"
        main left=0/3 right=0/4
        a left=2/2 right=1/1
        c left=0/0 right=3/3
        b left=1/1 right=0/0
    "#]]
    .assert_eq(&text);
}

const RECURSIVE: &str = "main;a;f;g;f;h 4\nmain;b;f;h 3\nmain;f 2\nmain;b;x 1\n";

#[test]
fn focus_merges_outermost_occurrences() {
    let tree = common::tree(RECURSIVE);
    let focus = tree.focus("f");
    expect![[r#"
        total total=9 self=0
          f total=9 self=2
            g total=4 self=0
              f total=4 self=0
                h total=4 self=4
            h total=3 self=3
    "#]]
    .assert_eq(&focus.to_text());
    let f_total = tree
        .table()
        .into_iter()
        .find(|r| r.name == "f")
        .unwrap()
        .ticks
        .total;
    assert_eq!(focus.total_ticks(), f_total);
    assert!(tree.focus("absent").is_empty());
}

#[test]
fn sandwich_shows_callers_inverted_and_callees() {
    let sandwich = common::tree(RECURSIVE).sandwich("f");
    expect![[r#"
        total total=9 self=0
          f total=9 self=0
            a total=4 self=0
              main total=4 self=4
            b total=3 self=0
              main total=3 self=3
            main total=2 self=2
    "#]]
    .assert_eq(&sandwich.callers.to_text());
    assert_eq!(sandwich.callees, common::tree(RECURSIVE).focus("f"));
}

#[test]
fn focus_node_keeps_the_path_and_the_subtree() {
    let tree = common::tree(WORKED_EXAMPLE);
    let work = tree.find(&["main", "work"]).unwrap();
    expect![[r#"
        total total=60 self=0
          main total=60 self=0
            work total=60 self=5
              compute total=40 self=40
              io total=15 self=15
    "#]]
    .assert_eq(&tree.focus_node(work).to_text());
    assert_eq!(tree.focus_node(NodeId::ROOT), tree);
}

#[test]
fn merge_of_shifted_inputs_matches_the_summed_folded_text() {
    let a = common::tree("a;b 1\nc 2\n");
    let b = common::tree("a;b 3\na 1\n");
    let mut acc = a.clone();
    acc.merge_from(&b);
    assert_eq!(acc, common::tree("a;b 4\nc 2\na 1\n"));
    assert_eq!(Tree::merge([&b, &a]), acc);
    assert!(Tree::merge(std::iter::empty()).is_empty());
}

/// The server keeps trees in shared state and moves them across tasks.
#[test]
fn model_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Tree>();
    check::<Diff>();
    check::<cinder_profile::FlamebearerProfile>();
    check::<cinder_profile::pprof::DecodedProfile>();
}
