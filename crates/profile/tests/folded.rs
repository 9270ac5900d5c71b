//! Folded and lines text in; indented trees, folded text and warnings out.

use cinder_profile::{Ticks, Tree, Warning, WarningKind};
use expect_test::{expect, Expect};

use crate::common::{self, WORKED_EXAMPLE};

fn check(folded: &str, expected: Expect) {
    let (tree, warnings) = Tree::from_folded(folded);
    let mut out = tree.to_text();
    for w in warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    expected.assert_eq(&out);
}

#[test]
fn worked_example_builds_the_spec_tree() {
    check(
        WORKED_EXAMPLE,
        expect![[r#"
            total total=100 self=0
              gc total=30 self=30
              main total=70 self=0
                idle total=10 self=10
                work total=60 self=5
                  compute total=40 self=40
                  io total=15 self=15
        "#]],
    );
}

#[test]
fn frames_split_at_the_last_space_and_keep_empty_middle_frames() {
    check(
        "fib (a.py:2);<module> (a.py:7) 3\na;;b 1\nx; 2\n 4\n",
        expect![[r#"
            total total=10 self=4
              a total=1 self=0
                 total=1 self=0
                  b total=1 self=1
              fib (a.py:2) total=3 self=0
                <module> (a.py:7) total=3 self=3
              x total=2 self=2
        "#]],
    );
}

#[test]
fn malformed_lines_become_warnings() {
    check(
        "a 1\r\nb 2\r\n\r\nnocount\nc x\nd -3\ne 99999999999999999999\nlast",
        expect![[r#"
            total total=3 self=0
              a total=1 self=1
              b total=2 self=2
            warning: line 1: CRLF line ending; \r removed
            warning: line 3: blank line skipped
            warning: line 4: no count after the stack; line skipped
            warning: line 5: invalid count "x"; line skipped
            warning: line 6: invalid count "-3"; line skipped
            warning: line 7: invalid count "99999999999999999999"; line skipped
            warning: line 8: no count after the stack; line skipped
        "#]],
    );
}

#[test]
fn invalid_utf8_is_replaced_with_a_warning() {
    let (tree, warnings) = Tree::from_folded_bytes(b"a\xffb 2\n");
    assert_eq!(
        tree.find(&["a\u{fffd}b"])
            .map(|n| tree.node(n).unwrap().total()),
        Some(Ticks(2))
    );
    assert_eq!(
        warnings,
        vec![Warning {
            line: 1,
            kind: WarningKind::InvalidUtf8
        }]
    );
}

#[test]
fn to_folded_is_breadth_first_with_siblings_by_name() {
    let tree = common::tree(WORKED_EXAMPLE);
    expect![[r#"
        gc 30
        main;idle 10
        main;work 5
        main;work;compute 40
        main;work;io 15
    "#]]
    .assert_eq(&tree.to_folded());
    assert_eq!(common::tree(&tree.to_folded()), tree);
}

#[test]
fn root_self_round_trips_as_an_empty_stack() {
    let tree = common::tree(" 5\na 1\n");
    assert_eq!(tree.to_folded(), " 5\na 1\n");
}

#[test]
fn lines_format_counts_identical_lines() {
    let (tree, warnings) = Tree::from_lines(b"a;b\na;b\n\na;c\r\n");
    expect![[r#"
        total total=3 self=0
          a total=3 self=0
            b total=2 self=2
            c total=1 self=1
    "#]]
    .assert_eq(&tree.to_text());
    assert_eq!(
        warnings,
        vec![Warning {
            line: 4,
            kind: WarningKind::CarriageReturn
        }]
    );
}

/// Every folded body captured from real agents parses without warnings, with the line
/// count and sample sum the capture tool recorded.
#[test]
fn agent_folded_bodies_parse_cleanly() {
    let dirs = [
        "python-pyroscope-io-0.7.2-ingest-folded",
        "py-spy-0.4.3-folded-via-curl",
    ];
    let mut checked = 0;
    for dir in dirs {
        for n in 1..=8 {
            let body = common::agent_fixture(&format!("{dir}/{n:04}.bin"));
            let Ok(body) = std::fs::read(&body) else {
                continue;
            };
            let expected = common::decoded(&format!("{dir}/{n:04}.decoded.json"));
            let (tree, warnings) = Tree::from_folded_bytes(&body);
            assert!(warnings.is_empty(), "{dir}/{n}: {warnings:?}");
            let sum = expected["folded"]["sum_of_counts"].as_u64().unwrap();
            assert_eq!(tree.total_ticks(), Ticks(sum), "{dir}/{n}");
            let lines = expected["folded"]["n_lines"].as_u64().unwrap() as usize;
            assert!(tree.to_folded().lines().count() <= lines, "{dir}/{n}");
            checked += 1;
        }
    }
    assert_eq!(checked, 10);
}

#[test]
fn py_spy_thread_roots_become_top_level_frames() {
    let path = common::agent_fixture("py-spy-0.4.3-folded-via-curl/pyspy_raw_threads.txt");
    let (tree, warnings) = Tree::from_folded_bytes(&std::fs::read(path).unwrap());
    assert!(warnings.is_empty());
    assert!(tree
        .root()
        .children()
        .all(|c| c.name().starts_with("thread (")));
}
