//! Browser tests of the flamegraph renderer in headless Chromium
//! (`cargo test -p cinder-web --target wasm32-unknown-unknown --test flamegraph_browser`):
//! the real `CanvasPainter` puts the expected colours on real pixels, and the mounted
//! `<FlameGraph/>` zooms on click, greys search misses, moves its focus ring with the
//! keyboard and exposes the benchmark hooks. On the host this file is empty.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;
use std::time::Duration;

use cinder_profile::Tree;
use cinder_web::flamegraph::paint::{paint, Scratch};
use cinder_web::flamegraph::painter::CanvasPainter;
use cinder_web::flamegraph::palette::{package_color, Rgb, Spy};
use cinder_web::flamegraph::viewport::{CanvasSize, CssPx, ViewState, Viewport};
use cinder_web::flamegraph::{FlameGraph, FlameGraphState, FlameModel, FlameProfile, TextFit};
use js_sys::Reflect;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{HtmlCanvasElement, HtmlElement};

mod support;

wasm_bindgen_test_configure!(run_in_browser);

/// Row 1 is `gc` on the first fifth and `main` on the rest; `main` has two children.
fn profile() -> Arc<FlameProfile> {
    profile_of("main;work 60\nmain;idle 20\ngc 20")
}

fn profile_of(folded: &str) -> Arc<FlameProfile> {
    let tree = Tree::from_folded(folded).0;
    Arc::new(FlameProfile::new(tree, "samples", 100, "gospy"))
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn pixel(canvas: &HtmlCanvasElement, x: f64, y: f64) -> [u8; 4] {
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let data = ctx.get_image_data(x, y, 1.0, 1.0).unwrap().data();
    [data[0], data[1], data[2], data[3]]
}

fn rgb(c: Rgb) -> [u8; 4] {
    [c.0, c.1, c.2, 255]
}

/// Waits until `cond` holds, polling every 20 ms, for at most 3 s.
async fn eventually(cond: impl FnMut() -> bool) -> bool {
    support::eventually(Duration::from_secs(3), cond).await
}

#[wasm_bindgen_test]
fn canvas_painter_draws_bars_in_their_package_colour() {
    let canvas: HtmlCanvasElement = document()
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    canvas.set_width(200);
    canvas.set_height(66);
    let model = FlameModel::new(profile());
    let size = CanvasSize {
        width: CssPx(200.0),
        height: CssPx(66.0),
        dpr: 1.0,
    };
    let vp = Viewport::new(&ViewState::default(), &model.layout, size, CssPx(0.0));
    let mut painter = CanvasPainter::new(&canvas).unwrap();
    let stats = paint(
        &model.scene(None, TextFit::Head),
        &vp,
        &mut Scratch::default(),
        &mut painter,
    );
    assert_eq!(stats.bars, 5);
    // Bottom edge of each bar, below the label text.
    assert_eq!(
        pixel(&canvas, 190.0, 20.0),
        rgb(package_color(Spy::Go, "total"))
    );
    assert_eq!(
        pixel(&canvas, 190.0, 42.0),
        rgb(package_color(Spy::Go, "main"))
    );
    assert_eq!(
        pixel(&canvas, 20.0, 42.0),
        rgb(package_color(Spy::Go, "gc"))
    );
    assert_eq!(
        pixel(&canvas, 190.0, 64.0),
        rgb(package_color(Spy::Go, "work"))
    );
    // The gap between rows stays transparent, and labels are drawn dark on the bars.
    assert_eq!(pixel(&canvas, 190.0, 43.0)[3], 0);
    let dark = (3..60)
        .filter(|&x| {
            let [r, g, b, _] = pixel(&canvas, f64::from(x), 10.0);
            u32::from(r) + u32::from(g) + u32::from(b) < 150
        })
        .count();
    assert!(dark > 0, "no label pixels on the root bar");
}

#[wasm_bindgen_test]
fn canvas_painter_draws_a_diff_in_change_colours() {
    use cinder_web::flamegraph::diff::{new_removed_colors, DiffMode, DiffStyle};
    use cinder_web::flamegraph::palette::DiffPalette;
    let canvas: HtmlCanvasElement = document()
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    canvas.set_width(200);
    canvas.set_height(44);
    // Union of 200 ticks on 200 px: fresh [0,10) new, grow [10,50) 10 % → 30 %,
    // old [50,60) removed, steady [60,200) 80 % → 60 %.
    let left = Tree::from_folded("grow 10\nsteady 80\nold 10").0;
    let right = Tree::from_folded("grow 30\nsteady 60\nfresh 10").0;
    let model = FlameModel::new(Arc::new(FlameProfile::diff(
        &left, &right, "samples", 100, "gospy",
    )));
    let size = CanvasSize {
        width: CssPx(200.0),
        height: CssPx(44.0),
        dpr: 1.0,
    };
    let vp = Viewport::new(&ViewState::default(), &model.layout, size, CssPx(0.0));
    let mut painter = CanvasPainter::new(&canvas).unwrap();
    let mut draw = |style: DiffStyle| {
        let scene = model.scene(None, TextFit::Head).with_diff(style);
        paint(&scene, &vp, &mut Scratch::default(), &mut painter);
    };
    draw(DiffStyle::default());
    let (new, removed) = new_removed_colors(DiffPalette::Default);
    assert_eq!(pixel(&canvas, 5.0, 42.0), rgb(new));
    assert_eq!(pixel(&canvas, 30.0, 42.0), rgb(Rgb(200, 0, 0)));
    assert_eq!(pixel(&canvas, 55.0, 42.0), rgb(removed));
    assert_eq!(pixel(&canvas, 150.0, 42.0), rgb(Rgb(111, 149, 107)));
    assert_eq!(pixel(&canvas, 150.0, 20.0), rgb(Rgb(148, 142, 142)));
    // Absolute and colour-blind: steady lost a quarter of its ticks too; a 25-point noise
    // threshold greys grow (20 points).
    draw(DiffStyle {
        palette: DiffPalette::ColorBlind,
        mode: DiffMode::Absolute,
        threshold: 0.0,
    });
    assert_eq!(pixel(&canvas, 30.0, 42.0), rgb(Rgb(220, 50, 32)));
    assert_eq!(pixel(&canvas, 150.0, 42.0), rgb(Rgb(118, 140, 170)));
    draw(DiffStyle {
        threshold: 25.0,
        ..DiffStyle::default()
    });
    assert_eq!(pixel(&canvas, 30.0, 42.0), rgb(Rgb(148, 142, 142)));
}

/// Mounts a `<FlameGraph/>` of [`profile`] 400 px wide; returns its host and its state.
fn mount() -> (HtmlElement, FlameGraphState) {
    mount_profile(profile())
}

/// Mounts a search box and a `<FlameGraph/>` of `p`, 400 px wide, whose `/` key focuses
/// the box.
fn mount_profile(p: Arc<FlameProfile>) -> (HtmlElement, FlameGraphState) {
    let host: HtmlElement = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    host.style().set_property("width", "400px").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let inner = slot.clone();
    leptos::mount::mount_to(host.clone(), move || {
        let state = FlameGraphState::new(
            Signal::derive(move || Some(p.clone())),
            Signal::derive(|| None),
        );
        inner.set(Some(state));
        cinder_web::api::browser::focus_on_slash("fg-search");
        view! {
            <input id="fg-search" class="search"/>
            <FlameGraph state=state/>
        }
    })
    .forget();
    (host, slot.get().unwrap())
}

fn dispatch_click(canvas: &HtmlCanvasElement, x: f64, y: f64) {
    let rect = canvas.get_bounding_client_rect();
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + x) as i32);
    init.set_client_y((rect.top() + y) as i32);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    canvas.dispatch_event(&ev).unwrap();
}

fn bench_hook(name: &str) -> js_sys::Function {
    let window: JsValue = web_sys::window().unwrap().into();
    let hooks = Reflect::get(&window, &"fgBench".into()).unwrap();
    Reflect::get(&hooks, &name.into())
        .unwrap()
        .dyn_into()
        .unwrap()
}

#[wasm_bindgen_test]
async fn click_zooms_search_greys_and_keys_move_the_focus_ring() {
    let (host, state) = mount();
    let canvas: HtmlCanvasElement = host
        .query_selector("canvas")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let gc = rgb(package_color(Spy::Go, "gc"));
    let main = rgb(package_color(Spy::Go, "main"));
    assert!(eventually(|| canvas.width() == 400 && pixel(&canvas, 40.0, 42.0) == gc).await);

    // Click on `main`: it fills the width, so where `gc` was is now `main`.
    dispatch_click(&canvas, 300.0, 30.0);
    assert!(
        eventually(|| pixel(&canvas, 40.0, 42.0) == main).await,
        "zoom did not repaint"
    );
    // Clicking it again un-zooms.
    dispatch_click(&canvas, 300.0, 30.0);
    assert!(
        eventually(|| pixel(&canvas, 40.0, 42.0) == gc).await,
        "un-zoom did not repaint"
    );

    // The benchmark's search hook greys every bar that does not match.
    bench_hook("search")
        .call1(&JsValue::NULL, &"idle".into())
        .unwrap();
    assert!(
        eventually(|| {
            let [r, g, b, a] = pixel(&canvas, 40.0, 42.0);
            [r, g, b].iter().all(|c| c.abs_diff(200) <= 3) && a.abs_diff(168) <= 3
        })
        .await,
        "search did not grey gc"
    );
    // The counts follow the repaint: one `idle` node, 20 of 100 samples.
    assert!(
        eventually(|| state
            .search_stats()
            .is_some_and(|s| s.nodes == 1 && s.share == 0.2))
        .await
    );
    bench_hook("search")
        .call1(&JsValue::NULL, &"".into())
        .unwrap();
    assert!(eventually(|| pixel(&canvas, 40.0, 42.0) == gc).await);

    // zoomPoint gives the centre of `main` (level 1, ticks 20..100) in viewport coordinates.
    let target = js_sys::Object::new();
    Reflect::set(&target, &"level".into(), &1.into()).unwrap();
    Reflect::set(&target, &"offset".into(), &20.into()).unwrap();
    Reflect::set(&target, &"total".into(), &80.into()).unwrap();
    let point = bench_hook("zoomPoint")
        .call2(&JsValue::NULL, &target, &100.into())
        .unwrap();
    let rect = canvas.get_bounding_client_rect();
    let x = Reflect::get(&point, &"x".into()).unwrap().as_f64().unwrap() - rect.left();
    let y = Reflect::get(&point, &"y".into()).unwrap().as_f64().unwrap() - rect.top();
    assert_eq!((x, y), (240.0, 33.0));

    // Arrow keys move the selection (the clicked `main`) to its widest child, `work`.
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("ArrowDown");
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    canvas.dispatch_event(&ev).unwrap();
    let ring = || {
        host.query_selector_all("div[style*='box-shadow']")
            .unwrap()
            .length()
            == 1
            && host
                .inner_html()
                .contains("left:160px;top:44px;width:240px")
    };
    assert!(
        eventually(ring).await,
        "no focus ring: {}",
        host.inner_html()
    );
}

fn dispatch_mouse(canvas: &HtmlCanvasElement, kind: &str, x: f64, y: f64) {
    let rect = canvas.get_bounding_client_rect();
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + x) as i32);
    init.set_client_y((rect.top() + y) as i32);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict(kind, &init).unwrap();
    canvas.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn thin_bars_are_hoverable_and_slash_focuses_the_search_box() {
    // 1 000 ticks on 400 px: the hundred 1-tick bars merge into one 40 px sliver.
    let mut folded = String::from("wide 900\n");
    for i in 0..100 {
        folded.push_str(&format!("f{i:03} 1\n"));
    }
    let (host, _) = mount_profile(profile_of(&folded));
    let canvas: HtmlCanvasElement = host
        .query_selector("canvas")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(eventually(|| canvas.width() == 400).await);
    dispatch_mouse(&canvas, "pointermove", 20.0, 30.0);
    let tooltip = || {
        host.query_selector(".flamegraph-tooltip")
            .unwrap()
            .and_then(|t| t.text_content())
            .unwrap_or_default()
    };
    assert!(
        eventually(|| tooltip().contains("100 nodes too small to draw")).await,
        "tooltip: {:?}",
        tooltip()
    );
    assert!(tooltip().contains("Largest"), "{}", tooltip());

    // `/` anywhere outside an input focuses the page's search box (the page's shortcut).
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("/");
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    document().body().unwrap().dispatch_event(&ev).unwrap();
    let active = document().active_element().map(|e| e.class_name());
    assert_eq!(active.as_deref(), Some("search"));
}
