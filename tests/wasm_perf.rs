//! Timing of the profile model compiled to wasm32, in headless Chromium: decoding a
//! 500k-node `/render` JSON and merging 360 trees of 10k nodes, the two operations the web
//! app runs on large profiles. A benchmark, not a test: run it with `make bench-wasm`
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

fn tree_of<'a>(stacks: impl Iterator<Item = &'a (Vec<String>, u64)>, scale: u64) -> Tree {
    let mut tree = Tree::new();
    for (frames, n) in stacks {
        tree.insert_stack(frames.iter().map(String::as_str), Ticks(n * scale));
    }
    tree
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
    // Like consecutive 10 s profiles of one app (as the native benchmark): each keeps about
    // two thirds of one 10k-node profile's stacks, with varying counts.
    let stacks = synthetic_stacks(10_000, 7);
    let trees: Vec<Tree> = (0..360u64)
        .map(|i| {
            let kept = stacks
                .iter()
                .enumerate()
                .filter(|(j, _)| !(*j as u64 + i).is_multiple_of(3))
                .map(|(_, s)| s);
            tree_of(kept, i % 5 + 1)
        })
        .collect();
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
    use cinder_web::flamegraph::viewport::{CanvasSize, CssPx, ViewState, Viewport};
    use cinder_web::flamegraph::{FlameModel, FlameProfile, TextFit};
    use wasm_bindgen::JsCast;
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
