//! The chunk plan (alignment, edges, bounds), the block decomposition, the cache's budget,
//! and the merge of a selection, property-tested equal to the direct merge.

use proptest::prelude::*;

use super::*;
use crate::units::Ticks;

fn w(start: i64, end: i64) -> Window {
    Window { start, end }
}

#[test]
fn a_grid_cuts_a_range_into_at_most_max_chunks_nice_chunks() {
    let hour = w(3_600_000, 3_603_600);
    assert_eq!(ChunkGrid::for_range(hour, 360).seconds(), 10);
    assert_eq!(ChunkGrid::for_range(w(0, 86_400), 360).seconds(), 300);
    assert_eq!(
        ChunkGrid::for_range(w(0, 30 * 86_400), 360).seconds(),
        7_200
    );
    assert_eq!(
        ChunkGrid::for_range(w(0, 360 * 86_400), 360).seconds(),
        86_400
    );
    assert_eq!(
        ChunkGrid::for_range(w(0, 365 * 86_400), 360).seconds(),
        2 * 86_400
    );
    assert_eq!(
        ChunkGrid::for_range(w(0, 3_000 * 86_400), 360).seconds(),
        9 * 86_400
    );
    assert_eq!(ChunkGrid::for_range(w(0, 0), 0).seconds(), 10);
    assert_eq!(ChunkGrid::with_len(25).seconds(), 30);
}

#[test]
fn a_selection_is_whole_chunks_plus_its_edges() {
    let g = ChunkGrid::with_len(60);
    assert_eq!(
        g.plan(w(30, 250)),
        Plan {
            chunks: 1..4,
            edges: vec![w(30, 60), w(240, 250)]
        }
    );
    assert_eq!(
        g.plan(w(60, 240)),
        Plan {
            chunks: 1..4,
            edges: vec![]
        }
    );
    assert_eq!(
        g.plan(w(70, 110)),
        Plan {
            chunks: 0..0,
            edges: vec![w(70, 110)]
        }
    );
    assert_eq!(
        g.plan(w(70, 70)),
        Plan {
            chunks: 0..0,
            edges: vec![]
        }
    );
    assert_eq!(g.chunk(2), w(120, 180));
}

#[test]
fn blocks_are_aligned_powers_of_two() {
    assert_eq!(blocks(0..8), vec![(3, 0)]);
    assert_eq!(blocks(3..13), vec![(0, 3), (2, 1), (2, 2), (0, 12)]);
    assert_eq!(blocks(5..5), vec![]);
    let many = blocks(1..360);
    assert!(many.len() <= 2 * 9, "{}", many.len());
}

fn chunk_tree(i: i64) -> Tree {
    let mut t = Tree::new();
    let n = (i.rem_euclid(7) + 1) as u64;
    let leaf = format!("f{}", i % 5);
    t.insert_stack(["main", "work", leaf.as_str()], Ticks(n));
    t.insert_stack(["main", "gc"], Ticks(1));
    t
}

#[test]
fn the_store_reports_missing_chunks_and_merges_through_groups() {
    let mut s = ChunkStore::new(usize::MAX);
    assert_eq!(s.missing(0..4), vec![0, 1, 2, 3]);
    for i in [0, 1, 3] {
        s.insert(i, chunk_tree(i));
    }
    assert_eq!(s.missing(0..4), vec![2]);
    assert_eq!(s.merged(0..4), None);
    s.insert(2, chunk_tree(2));
    let direct = Tree::merge((0..4).map(chunk_tree).collect::<Vec<_>>().iter());
    assert_eq!(s.merged(0..4), Some(direct));
    // Groups of fewer than 8 chunks are not kept: without its chunks, 0..4 is missing again.
    for i in 0..4 {
        s.remove((0, i));
    }
    assert_eq!(s.missing(0..4), vec![0, 1, 2, 3]);
    // The group (3, 0) of chunks 0..8 is kept and answers alone once they are evicted.
    for i in 0..8 {
        s.insert(i, chunk_tree(i));
    }
    let direct = Tree::merge((0..8).map(chunk_tree).collect::<Vec<_>>().iter());
    assert_eq!(s.merged(0..8), Some(direct.clone()));
    for i in 0..8 {
        s.remove((0, i));
    }
    assert_eq!(s.missing(0..8), Vec::<i64>::new());
    assert_eq!(s.merged(0..8), Some(direct));
    // Replacing a chunk drops the groups built on it.
    s.insert(1, chunk_tree(100));
    assert_eq!(s.missing(0..8), vec![0, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn the_budget_evicts_least_recently_used_trees() {
    let one = tree_bytes(&chunk_tree(0));
    let mut s = ChunkStore::new(one * 3);
    for i in 0..3 {
        s.insert(i, chunk_tree(i));
    }
    assert!(s.merged(0..1).is_some()); // touches chunk 0
    s.insert(3, chunk_tree(3));
    assert!(s.used_bytes() <= one * 3);
    assert_eq!(
        s.missing(0..4),
        vec![1],
        "chunk 1 was the least recently used"
    );
}

proptest! {
    #[test]
    fn a_selection_merges_to_the_direct_merge_of_its_chunks(
        start in 0i64..40, len in 0i64..40, tight in any::<bool>(), budget_trees in 1usize..50,
        first in 0i64..40, span in 1i64..40,
    ) {
        let budget = if tight { tree_bytes(&chunk_tree(0)) * budget_trees } else { usize::MAX };
        let mut s = ChunkStore::new(budget);
        // An earlier selection builds (and may evict) groups first.
        for i in first..first + span {
            s.insert(i, chunk_tree(i));
        }
        let _ = s.merged(first..first + span);
        let range = start..start + len;
        for i in s.missing(range.clone()) {
            s.insert(i, chunk_tree(i));
        }
        let direct = Tree::merge(range.clone().map(chunk_tree).collect::<Vec<_>>().iter());
        // With a tiny budget the fetched chunks may evict each other: fetch until complete.
        let mut merged = s.merged(range.clone());
        let mut rounds = 0;
        while merged.is_none() && rounds < 3 {
            for i in s.missing(range.clone()) {
                s.insert(i, chunk_tree(i));
            }
            merged = s.merged(range.clone());
            rounds += 1;
        }
        // A budget too small for the selection may keep failing; otherwise it merges, and
        // whatever merges equals the direct merge.
        prop_assert!(tight || merged.is_some());
        if let Some(m) = merged {
            prop_assert_eq!(m, direct);
        }
    }

    #[test]
    fn a_plan_covers_the_selection_exactly(start in -1000i64..1000, len in 0i64..2000, chunk in 1i64..100) {
        let g = ChunkGrid::with_len(chunk * 10);
        let sel = Window { start: start * 10, end: (start + len) * 10 };
        let p = g.plan(sel);
        let mut parts: Vec<Window> = p.chunks.clone().map(|i| g.chunk(i)).collect();
        parts.extend(p.edges.iter().copied());
        parts.sort();
        let mut at = sel.start;
        for part in &parts {
            prop_assert_eq!(part.start, at);
            prop_assert!(!part.is_empty());
            at = part.end;
        }
        prop_assert_eq!(at, if sel.is_empty() { sel.start } else { sel.end });
        // Edges are shorter than a chunk, or the selection holds no whole chunk at all.
        if p.chunks.is_empty() {
            prop_assert!(sel.len() < 2 * g.seconds());
        } else {
            prop_assert!(p.edges.iter().all(|e| e.len() < g.seconds()));
        }
    }
}
