//! Hooks for the render benchmark (`bench/render/adapters/README.md`), installed on
//! `window.fgBench` while a `<FlameGraph/>` is mounted:
//!
//! - `zoomPoint({level, offset, total, name}, numTicks)`: the viewport coordinates `{x, y}`
//!   of the centre of that node's bar (absolute tick offset, Pyroscope layout), scrolling
//!   its row into view first; `null` when it is not drawn.
//! - `search(term)`: applies a search at once, without debounce (`""` clears it).
//!
//! The harness clicks the returned point itself, so a zoom goes through the real pointer
//! path. These are the only JavaScript-facing entry points of the flamegraph.

use cinder_profile::Ticks;
use js_sys::{Object, Reflect};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::chart_canvas::ChartHandle;
use super::state::FlameGraphState;
use super::viewport::{CssPx, LINE_HEIGHT};

fn number(obj: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(obj, &JsValue::from_str(key)).ok()?.as_f64()
}

fn zoom_point(state: FlameGraphState, handle: ChartHandle, target: &JsValue) -> Option<(f64, f64)> {
    let level = number(target, "level")?.max(0.0) as usize;
    let offset = Ticks(number(target, "offset")?.max(0.0) as u64);
    let total = Ticks(number(target, "total").unwrap_or(0.0).max(0.0) as u64);
    let point = state.bar_point(handle.geometry.get_untracked(), level, offset, total)?;
    handle.reveal_line(point.line);
    let g = handle.geometry.get_untracked();
    let y = CssPx(point.line as f64 * LINE_HEIGHT.0 + LINE_HEIGHT.0 / 2.0 - g.scroll_top.0);
    let (cx, cy) = handle.client_point(point.x, y)?;
    // If the row is below the fold of the page, scroll the page so it can be clicked.
    let win = window();
    let height = win.inner_height().ok()?.as_f64()?;
    if cy < 0.0 || cy >= height {
        win.scroll_by_with_x_and_y(0.0, cy - height / 2.0);
        return handle.client_point(point.x, y);
    }
    Some((cx, cy))
}

/// Installs `window.fgBench` for this component; removed again on unmount.
pub(super) fn install(state: FlameGraphState, handle: ChartHandle) {
    let hooks = Object::new();
    let zoom = Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(move |target: JsValue, _| {
        let Some((x, y)) = zoom_point(state, handle, &target) else {
            return JsValue::NULL;
        };
        let point = Object::new();
        let _ = Reflect::set(&point, &"x".into(), &x.into());
        let _ = Reflect::set(&point, &"y".into(), &y.into());
        point.into()
    });
    let search = Closure::<dyn Fn(JsValue)>::new(move |term: JsValue| {
        state.set_search(term.as_string().unwrap_or_default());
    });
    let _ = Reflect::set(&hooks, &"zoomPoint".into(), zoom.as_ref().unchecked_ref());
    let _ = Reflect::set(&hooks, &"search".into(), search.as_ref().unchecked_ref());
    let window: JsValue = window().into();
    let _ = Reflect::set(&window, &"fgBench".into(), &hooks);
    // The closures live as long as the hooks object; drop them with it on unmount.
    let owned = StoredValue::new_local(Some((zoom, search, hooks)));
    on_cleanup(move || {
        owned.update_value(|slot| {
            if let Some((_, _, hooks)) = slot.take() {
                let window: JsValue = leptos::prelude::window().into();
                let current = Reflect::get(&window, &"fgBench".into()).ok();
                if current.as_ref() == Some(hooks.as_ref()) {
                    let target: Object = window.unchecked_into();
                    let _ = Reflect::delete_property(&target, &"fgBench".into());
                }
            }
        });
    });
}
