//! Timing of the profile model compiled to wasm32, in headless Chromium: decoding a
//! 500k-node `/render` JSON, merging 360 trees of 10k nodes, a diff of two 100k-node
//! profiles to its first frame, and reselection over 360 cached chunks of 10k nodes to its
//! first frame: the operations the web app runs on large profiles. A benchmark, not a test: run it with `make bench-wasm`
//! (release build); it prints the times and checks only that the results are right.
#![cfg(target_arch = "wasm32")]

use cinder_profile::flamebearer::{FlamebearerProfile, Metadata};
use cinder_profile::{MaxNodes, Ticks, Tree};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Deterministic stacks of depth 1..=16 over a vocabulary of package-qualified names,
/// like the shared generator's profiles, until they make a tree of about `nodes` nodes.
fn synthetic_stacks(nodes: usize, seed: u64) -> Vec<(Vec<String>, u64)> {
    let mut x = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut tree = Tree::new();
    let mut stacks = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    while tree.len() < nodes {
        let keep = (next() % (stack.len() as u64 + 1)) as usize;
        stack.truncate(keep);
        let depth = 1 + (next() % 16) as usize;
        while stack.len() < depth {
            stack.push(format!(
                "pkg{}/mod{}.Func{}",
                next() % 40,
                next() % 7,
                next() % 1_000
            ));
        }
        let n = 1 + next() % 50;
        tree.insert_stack(stack.iter().map(String::as_str), Ticks(n));
        stacks.push((stack.clone(), n));
    }
    stacks
}

/// 360 consecutive 10 s profiles of one app (as the native benchmark): each keeps about two
/// thirds of one 10k-node profile's stacks, with varying counts.
fn chunk_trees() -> Vec<Tree> {
    let stacks = synthetic_stacks(10_000, 7);
    (0..360u64)
        .map(|i| {
            let kept = stacks
                .iter()
                .enumerate()
                .filter(|(j, _)| !(*j as u64 + i).is_multiple_of(3))
                .map(|(_, s)| s);
            tree_of(kept, i % 5 + 1)
        })
        .collect()
}

fn tree_of<'a>(stacks: impl Iterator<Item = &'a (Vec<String>, u64)>, scale: u64) -> Tree {
    let mut tree = Tree::new();
    for (frames, n) in stacks {
        tree.insert_stack(frames.iter().map(String::as_str), Ticks(n * scale));
    }
    tree
}

/// A detached 1600×900 canvas (devicePixelRatio 1) and its size.
fn canvas_1600x900() -> (
    web_sys::HtmlCanvasElement,
    cinder_web::flamegraph::viewport::CanvasSize,
) {
    use cinder_web::flamegraph::viewport::{CanvasSize, CssPx};
    use wasm_bindgen::JsCast;
    let canvas: web_sys::HtmlCanvasElement = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|e| e.dyn_into().ok())
        .expect("a canvas");
    canvas.set_width(1600);
    canvas.set_height(900);
    let size = CanvasSize {
        width: CssPx(1600.0),
        height: CssPx(900.0),
        dpr: 1.0,
    };
    (canvas, size)
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t0 = now_ms();
        let v = f();
        best = best.min(now_ms() - t0);
        out = Some(v);
    }
    (best, out.expect("runs > 0"))
}

#[wasm_bindgen_test]
fn decode_500k_node_json() {
    let tree = tree_of(synthetic_stacks(500_000, 1).iter(), 1);
    let json =
        FlamebearerProfile::single(&tree, MaxNodes::Unlimited, Metadata::default()).to_json();
    let (ms, decoded) = best_of(3, || {
        FlamebearerProfile::from_json(&json).and_then(|p| p.tree())
    });
    let decoded = decoded.expect("decodes");
    assert_eq!(decoded.total_ticks(), tree.total_ticks());
    console_log!(
        "wasm32: decode {} nodes ({} MB JSON): {ms:.1} ms",
        decoded.len(),
        json.len() / 1_000_000
    );
}

#[wasm_bindgen_test]
fn merge_360_trees_of_10k_nodes() {
    let trees = chunk_trees();
    let expected: u64 = trees.iter().map(|t| t.total_ticks().0).sum();
    let (ms, merged) = best_of(3, || Tree::merge(trees.iter()));
    assert_eq!(merged.total_ticks().0, expected);
    console_log!(
        "wasm32: merge 360 trees of 10k nodes ({} nodes out): {ms:.1} ms",
        merged.len()
    );
}

#[wasm_bindgen_test]
fn diff_of_two_100k_node_profiles_on_screen() {
    use cinder_web::flamegraph::paint::{paint, Scratch};
    use cinder_web::flamegraph::painter::CanvasPainter;
    use cinder_web::flamegraph::viewport::{CssPx, ViewState, Viewport};
    use cinder_web::flamegraph::{FlameModel, FlameProfile, TextFit};
    // Two profiles of one code base: the later one keeps most stacks with other counts.
    let stacks = synthetic_stacks(100_000, 11);
    let left = tree_of(stacks.iter(), 1);
    let right = tree_of(
        stacks
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 10 != 0)
            .map(|(_, s)| s),
        2,
    );
    let (canvas, size) = canvas_1600x900();
    let mut painter = CanvasPainter::new(&canvas).expect("2d context");
    // Everything between "both trees in memory" and "diff painted": the diff, the union
    // layout and the first frame (the table follows after that frame).
    let (ms, bars) = best_of(3, || {
        let p = FlameProfile::diff(&left, &right, "samples", 100, "gospy");
        let model = FlameModel::new(std::sync::Arc::new(p));
        let vp = Viewport::new(&ViewState::default(), &model.layout, size, CssPx(0.0));
        let scene = model.scene(None, TextFit::Head);
        let stats = paint(&scene, &vp, &mut Scratch::default(), &mut painter);
        (model.tree().len(), stats.bars)
    });
    assert!(bars.1 > 0, "something was drawn");
    console_log!(
        "wasm32: diff of {} + {} nodes ({} union nodes) to the first frame: {ms:.1} ms",
        left.len(),
        right.len(),
        bars.0
    );
}

/// Dragging a selection over a range of 360 cached 10k-node chunks: each step merges the
/// selection from the chunk store (aligned groups built on the way and kept) and paints the
/// first frame, for one side alone and for the diff against a fixed baseline. The chunks
/// are in memory already, as after the range's first load; the drag moves a 180-chunk
/// selection one chunk at a time, so every step is a new, unaligned selection.
#[wasm_bindgen_test]
fn reselection_over_360_cached_chunks_of_10k_nodes() {
    use cinder_profile::chunks::{tree_bytes, ChunkStore};
    use cinder_web::flamegraph::paint::{paint, Scratch};
    use cinder_web::flamegraph::painter::CanvasPainter;
    use cinder_web::flamegraph::viewport::{CssPx, ViewState, Viewport};
    use cinder_web::flamegraph::{FlameModel, FlameProfile, TextFit};
    use std::sync::Arc;

    let trees = chunk_trees();
    let chunk_bytes: usize = trees.iter().map(tree_bytes).sum();
    let mut store = ChunkStore::new(usize::MAX);
    for (i, tree) in trees.iter().enumerate() {
        store.insert(i as i64, tree.clone());
    }
    let (canvas, size) = canvas_1600x900();
    let mut painter = CanvasPainter::new(&canvas).expect("2d context");
    let mut draw = |profile: FlameProfile| {
        let model = FlameModel::new(Arc::new(profile));
        let vp = Viewport::new(&ViewState::default(), &model.layout, size, CssPx(0.0));
        let scene = model.scene(None, TextFit::Head);
        paint(&scene, &vp, &mut Scratch::default(), &mut painter).bars
    };
    let t0 = now_ms();
    let whole = store.merged(0..360).expect("all cached");
    let first_ms = now_ms() - t0;
    let expected: u64 = trees.iter().map(|t| t.total_ticks().0).sum();
    assert_eq!(whole.total_ticks().0, expected);
    let baseline = store.merged(0..120).expect("all cached");
    // The page showed the first selection before the drag: its canvas is warm.
    assert!(draw(FlameProfile::new(whole, "samples", 100, "gospy")) > 0);

    let mut single = Vec::new();
    let mut diff = Vec::new();
    for start in 100..140i64 {
        let range = start..start + 180;
        let t0 = now_ms();
        let tree = store.merged(range.clone()).expect("all cached");
        let want: u64 = trees[range.start as usize..range.end as usize]
            .iter()
            .map(|t| t.total_ticks().0)
            .sum();
        assert_eq!(tree.total_ticks().0, want, "selection {range:?}");
        let profile = if start % 2 == 0 {
            FlameProfile::new(tree, "samples", 100, "gospy")
        } else {
            FlameProfile::diff(&baseline, &tree, "samples", 100, "gospy")
        };
        let bars = draw(profile);
        assert!(bars > 0, "something was drawn");
        let ms = now_ms() - t0;
        if start % 2 == 0 {
            single.push(ms);
        } else {
            diff.push(ms);
        }
    }
    let stats = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[0], v[v.len() / 2], v[v.len() - 1])
    };
    // What the app's per-side budget holds of this range.
    let mut app_store = ChunkStore::new(cinder_web::pages::chunked::BUDGET_BYTES);
    for (i, tree) in trees.iter().enumerate() {
        app_store.insert(i as i64, tree.clone());
    }
    let evicted = app_store.missing(0..360).len();
    console_log!(
        "wasm32: the app's {} MB budget per side keeps {} of the 360 chunks",
        cinder_web::pages::chunked::BUDGET_BYTES >> 20,
        360 - evicted
    );
    let (s_best, s_med, s_worst) = stats(&mut single);
    let (d_best, d_med, d_worst) = stats(&mut diff);
    console_log!(
        "wasm32: 360 chunks of 10k nodes ({} MB of chunk trees, {} MB with groups): \
         first merge {first_ms:.1} ms; reselect 180 chunks + first frame: single \
         best {s_best:.1} / median {s_med:.1} / worst {s_worst:.1} ms, diff against 120 chunks \
         best {d_best:.1} / median {d_med:.1} / worst {d_worst:.1} ms",
        chunk_bytes >> 20,
        store.used_bytes() >> 20,
    );
}
