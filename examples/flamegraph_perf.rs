//! Native timing of the flamegraph pipeline on a benchmark profile: decode, layout, colours,
//! search, paint (root view and zoomed, into a recording painter) and hit tests.
//!
//! ```sh
//! python3 bench/gen/gen_profiles.py --out /tmp/fgprof 500000
//! cargo run --release -j 1 --example flamegraph_perf -- /tmp/fgprof/500000.json
//! ```
//! Reads `<n>.meta.json` next to the profile for the zoom target and search term.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cinder_profile::layout::Matches;
use cinder_profile::{FlamebearerProfile, Ticks};
use cinder_web::flamegraph::hit_test::{hit_test, Hit};
use cinder_web::flamegraph::paint::{paint, PaintStats, Scratch};
use cinder_web::flamegraph::painter::{Op, RecordingPainter};
use cinder_web::flamegraph::palette::NameColors;
use cinder_web::flamegraph::viewport::{CanvasSize, CssPx, Target, ViewState, Viewport};
use cinder_web::flamegraph::{FlameModel, FlameProfile, TextFit};

fn time<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    println!("{label:<34} {:>9.2} ms", ms(start.elapsed()));
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            ms(start.elapsed())
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[runs / 2]
}

fn frame(model: &FlameModel, m: Option<&Matches>, vp: &Viewport) -> (PaintStats, usize, usize) {
    let mut painter = RecordingPainter::new();
    let stats = paint(
        &model.scene(m, TextFit::Head),
        vp,
        &mut Scratch::default(),
        &mut painter,
    );
    let fills = painter.count(|op| matches!(op, Op::Fill(_)));
    (stats, painter.ops.len(), fills)
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: flamegraph_perf <profile.json>");
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(path.replace(".json", ".meta.json")).expect("meta file"),
    )
    .expect("meta json");
    let text = std::fs::read_to_string(&path).expect("profile");
    let profile = time("parse JSON (two-step path)", || {
        FlamebearerProfile::from_json(&text).expect("json")
    });
    time("  then flamebearer → tree", || {
        FlameProfile::from_flamebearer(&profile).expect("single profile")
    });
    drop(profile);
    let (profile, tree) = time("streamed JSON → tree (the app's)", || {
        FlamebearerProfile::single_from_json(text.as_bytes()).expect("single profile")
    });
    let m = &profile.metadata;
    let fp = Arc::new(FlameProfile::new(
        tree,
        &m.units,
        m.sample_rate,
        &m.spy_name,
    ));
    let model = time("layout + colours + formatter", || {
        FlameModel::new(fp.clone())
    });
    println!(
        "nodes {} rows {} names {}",
        model.layout.len(),
        model.layout.row_count(),
        model.tree().names().len()
    );
    let layout_ms = median(5, || {
        drop(cinder_profile::layout::Layout::new(model.tree()));
    });
    println!("{:<34} {layout_ms:>9.2} ms (median of 5)", "layout alone");
    let colors_ms = median(5, || drop(NameColors::new(model.tree(), fp.spy)));
    println!("{:<34} {colors_ms:>9.2} ms (median of 5)", "name colours");

    let term = meta["search"]["term"]
        .as_str()
        .unwrap_or("runtime.mallocgc");
    let matches = time("search", || {
        Matches::substring(model.tree(), term).expect("term")
    });
    println!(
        "search {term:?}: {} nodes, {:.2}% of samples",
        matches.stats(model.tree()).nodes,
        matches.stats(model.tree()).share * 100.0
    );
    let search_ms = median(15, || drop(Matches::substring(model.tree(), term)));
    let stats_ms = median(15, || {
        let _ = Matches::substring(model.tree(), term).map(|m| m.stats(model.tree()));
    });
    println!(
        "{:<34} {stats_ms:>9.2} ms (median of 15)",
        "search + counts"
    );
    println!("{:<34} {search_ms:>9.2} ms (median of 15)", "search alone");

    let size = CanvasSize {
        width: CssPx(1600.0),
        height: CssPx(900.0),
        dpr: 1.0,
    };
    let root = Viewport::new(&ViewState::default(), &model.layout, size, CssPx(0.0));
    let z = &meta["zoomTarget"];
    let (level, offset) = (
        z["level"].as_u64().unwrap_or(10),
        z["offset"].as_u64().unwrap_or(0),
    );
    let bar = model
        .layout
        .find(level as usize, Ticks(offset))
        .expect("zoom target in layout");
    let mut state = ViewState::default();
    state.click(Target::of_bar(&model.layout.bar(bar).expect("bar")));
    let zoomed = Viewport::new(&state, &model.layout, size, CssPx(0.0));
    for (name, vp, m) in [
        ("root", &root, None),
        ("root + search", &root, Some(&matches)),
        ("zoomed", &zoomed, None),
        ("zoomed + search", &zoomed, Some(&matches)),
    ] {
        let (stats, ops, fills) = frame(&model, m, vp);
        let mut scratch = Scratch::default();
        let scene = model.scene(m, TextFit::Head);
        let t = median(9, || {
            paint(&scene, vp, &mut scratch, &mut RecordingPainter::new());
        });
        println!(
            "paint {name:<16} {t:>7.2} ms  ops {ops:>6}  rects {:>5} (bars {}, runs {})  fill changes {fills:>3}  labels {:>4}",
            stats.rects, stats.bars, stats.runs, stats.labels
        );
    }
    let scene = model.scene(None, TextFit::Head);
    let hits = median(5, || {
        for i in 0..1000 {
            let x = CssPx(f64::from(i) * 1.6);
            let y = CssPx(f64::from(i % 60) * 22.0 + 5.0);
            let _: Option<Hit> = hit_test(&scene, &root, x, y);
        }
    });
    println!("{:<34} {:>9.2} µs each", "hit test (root view)", hits);
}
