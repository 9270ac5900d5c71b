//! The flamegraph renderer: a profile drawn on one `<canvas>`, Pyroscope style.
//!
//! The work splits by what it may touch:
//! - pure and native-tested: [`by_ptr`] (values compared by identity), [`model`] (what is drawn, computed once per profile: the
//!   [`cinder_profile::layout`], name colours, value formatter), [`diff`] (a diff's two
//!   sides, its change and colour per node), [`viewport`] (zoom and focus
//!   state, ticks ↔ CSS ↔ device pixels), [`palette`], [`format`](mod@format), [`paint`] (one frame,
//!   through the [`painter::Painter`] trait), [`hit_test`] (pointer and keyboard), [`tooltip`];
//! - browser only: `painter::CanvasPainter` (the only canvas API user), `chart_canvas` (the
//!   canvas host: size, devicePixelRatio, scrolling, animation frames, pointer events),
//!   `state` (the signals a page drives), the `FlameGraph` component below and the `bench`
//!   hooks.
//!
//! A page plugs it in like this:
//!
//! ```text
//! let fg = FlameGraphState::new(profile_signal, selected_function_signal);
//! view! { <FlameGraph state=fg on_select_name=select_row/> }
//! // elsewhere: fg.set_search(term), fg.search_stats(), fg.reset(), fg.can_reset()
//! ```

pub mod by_ptr;
pub mod diff;
pub mod format;
pub mod hit_test;
pub mod model;
pub mod paint;
pub mod painter;
pub mod palette;
pub mod tooltip;
pub mod viewport;

#[cfg(target_arch = "wasm32")]
mod bench;
#[cfg(target_arch = "wasm32")]
pub mod chart_canvas;
#[cfg(target_arch = "wasm32")]
pub mod state;

#[cfg(target_arch = "wasm32")]
pub use component::FlameGraph;
pub use model::{FlameModel, FlameProfile, TextFit};
#[cfg(target_arch = "wasm32")]
pub use state::{FlameGraphState, SearchStats};

#[cfg(target_arch = "wasm32")]
mod component {
    use leptos::ev;
    use leptos::prelude::*;

    use super::chart_canvas::{ChartCanvas, ChartHandle, Pointer};
    use super::hit_test::Hit;
    use super::paint::{Scratch, FONT_SIZE};
    use super::painter::{CanvasPainter, Painter as _};
    use super::state::{FlameGraphState, Geometry};
    use super::tooltip::{position, Tooltip};
    use super::viewport::{CssPx, CssRect, DevicePx};

    /// Something anchored at a viewport point: the hovered or right-clicked hit.
    type Anchored = Option<(Hit, (f64, f64))>;

    /// Estimated tooltip size, to keep it inside the window.
    const TOOLTIP_SIZE: (CssPx, CssPx) = (CssPx(360.0), CssPx(150.0));

    /// The flamegraph of `state`'s profile: click to zoom, right click for more, hover for
    /// details, arrow keys to move between bars (the canvas takes focus), Esc to reset. The
    /// page owns its other shortcuts (`/` for its search box: `api::browser::focus_on_slash`).
    #[component]
    pub fn FlameGraph(
        /// The state the page drives (profile, search, zoom).
        state: FlameGraphState,
        /// Called with a function name when a bar is chosen with "Select in table".
        #[prop(optional)]
        on_select_name: Option<Callback<String>>,
        /// CSS `max-height` of the scroll area (default `80vh`).
        #[prop(optional, into)]
        max_height: Option<String>,
    ) -> impl IntoView {
        let handle = ChartHandle::new();
        let hover = RwSignal::new(None::<(Hit, (f64, f64))>);
        let menu = RwSignal::new(None::<(Hit, (f64, f64))>);
        let scratch = StoredValue::new(Scratch::default());
        let draw = move |painter: &mut CanvasPainter, g: Geometry| {
            scratch.update_value(|s| {
                let _ = state.paint(g, s, painter);
            });
            state.after_paint();
        };
        let on_pointer = move |p: Pointer| pointer(state, handle, hover, menu, p);
        // The first text measurement loads the font (about 10 ms): do it as soon as the
        // canvas exists, while the profile is still on its way, not in the first frame.
        crate::effect::effect(move || {
            if let Some(mut painter) = handle.canvas.get().as_ref().and_then(CanvasPainter::new) {
                let dpr = window().device_pixel_ratio().max(0.1);
                painter.set_font(DevicePx(FONT_SIZE.0 * dpr));
            }
        });
        global_keys(state, menu);
        super::bench::install(state, handle);
        let on_key = move |ev: web_sys::KeyboardEvent| {
            if let Some(line) = state.key(&ev.key(), handle.geometry.get_untracked()) {
                ev.prevent_default();
                menu.set(None);
                if let Some(line) = line {
                    handle.reveal_line(line);
                }
            }
        };
        let hover_style = move || {
            let rect = hover
                .get()
                .and_then(|(hit, _)| state.rect_of(handle.geometry.get(), hit));
            overlay_style(
                rect,
                "background:rgba(255,255,255,0.25);mix-blend-mode:overlay",
            )
        };
        let ring_style = move || {
            let rect = state.selected_rect(handle.geometry.get());
            overlay_style(rect, "box-shadow:inset 0 0 0 2px var(--accent, #e8590c)")
        };
        let empty = move || {
            state
                .is_empty()
                .then(|| view! { <p class="flamegraph-empty">"No data available"</p> })
        };
        view! {
            <div class="flamegraph" style="position:relative" on:keydown=on_key>
                {empty}
                <ChartCanvas
                    handle=handle
                    content_height=Signal::derive(move || state.content_height())
                    max_height=max_height.unwrap_or_else(|| "80vh".to_owned())
                    track=move || state.track_frame()
                    draw=draw
                    on_pointer=on_pointer
                >
                    <div style=hover_style></div>
                    <div style=ring_style></div>
                </ChartCanvas>
                <TooltipView state=state hover=hover/>
                <ContextMenu state=state menu=menu on_select_name=on_select_name/>
            </div>
        }
    }

    fn pointer(
        state: FlameGraphState,
        handle: ChartHandle,
        hover: RwSignal<Anchored>,
        menu: RwSignal<Anchored>,
        p: Pointer,
    ) {
        let g = handle.geometry.get_untracked();
        match p {
            Pointer::Move { x, y, client } => {
                let hit = state.hit(g, x, y).map(|h| (h, client));
                if hover.get_untracked() != hit {
                    hover.set(hit);
                }
            }
            Pointer::Leave => hover.set(None),
            Pointer::Click { x, y } => {
                menu.set(None);
                if let Some(hit) = state.hit(g, x, y) {
                    state.click(hit);
                }
            }
            Pointer::Context { x, y, client } => {
                menu.set(state.hit(g, x, y).map(|h| (h, client)));
            }
        }
    }

    /// Esc closes the menu and resets, unless the user is typing.
    fn global_keys(state: FlameGraphState, menu: RwSignal<Anchored>) {
        let listener = window_event_listener(ev::keydown, move |ev| {
            let typing = crate::api::browser::is_typing_target(ev.target());
            if typing || ev.default_prevented() || ev.key() != "Escape" {
                return;
            }
            menu.set(None);
            state.reset();
        });
        // A left click anywhere closes the menu (its own buttons act before this runs).
        let close = window_event_listener(ev::click, move |_| {
            if menu.get_untracked().is_some() {
                menu.set(None);
            }
        });
        on_cleanup(move || {
            listener.remove();
            close.remove();
        });
    }

    fn overlay_style(rect: Option<CssRect>, look: &str) -> String {
        match rect {
            Some(r) => format!(
                "position:absolute;pointer-events:none;left:{}px;top:{}px;width:{}px;height:{}px;{look}",
                r.x.0, r.y.0, r.width.0, r.height.0
            ),
            None => "display:none".to_owned(),
        }
    }

    fn fixed_at(at: (f64, f64), size: (CssPx, CssPx)) -> String {
        let win = window();
        let dim =
            |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
        let window_size = (
            CssPx(dim(win.inner_width())),
            CssPx(dim(win.inner_height())),
        );
        let (x, y) = position((CssPx(at.0), CssPx(at.1)), size, window_size);
        format!(
            "position:fixed;left:{}px;top:{}px;z-index:20;background:var(--bg-raised, #fff);\
             color:var(--fg, #000);border:1px solid var(--border, #ccc);border-radius:4px;\
             padding:6px 8px;font:12px var(--font-ui, sans-serif);box-shadow:0 2px 8px rgba(0,0,0,.2)",
            x.0, y.0
        )
    }

    /// The hover tooltip.
    #[component]
    fn TooltipView(state: FlameGraphState, hover: RwSignal<Anchored>) -> impl IntoView {
        let content = move || {
            let (hit, at) = hover.get()?;
            let Tooltip { title, rows, hint } = state.tooltip(hit)?;
            let rows = rows
                .into_iter()
                .map(|(label, value)| view! { <tr><th style="text-align:left;padding-right:12px">{label}</th><td>{value}</td></tr> })
                .collect_view();
            Some(view! {
                <div class="flamegraph-tooltip" style=fixed_at(at, TOOLTIP_SIZE) style:pointer-events="none">
                    <div style="font-weight:600;word-break:break-all;max-width:340px">{title}</div>
                    <table>{rows}</table>
                    <div style="opacity:.7">{hint}</div>
                </div>
            })
        };
        view! { {content} }
    }

    /// The right-click menu.
    #[component]
    fn ContextMenu(
        state: FlameGraphState,
        menu: RwSignal<Anchored>,
        on_select_name: Option<Callback<String>>,
    ) -> impl IntoView {
        let act = move |f: fn(FlameGraphState, Hit, Option<Callback<String>>)| {
            move |_| {
                if let Some((hit, _)) = menu.get_untracked() {
                    f(state, hit, on_select_name);
                }
                menu.set(None);
            }
        };
        let select = move |state: FlameGraphState, hit: Hit, cb: Option<Callback<String>>| {
            if let (Some(cb), Some(name)) = (cb, state.name_of(hit)) {
                cb.run(name);
            }
        };
        let can_select = on_select_name.is_some();
        let content = move || {
            let (_, at) = menu.get()?;
            Some(view! {
                <div class="flamegraph-menu" role="menu" style=fixed_at(at, (CssPx(200.0), CssPx(130.0)))>
                    <button role="menuitem" on:click=act(|s, h, _| s.click(h))>"Zoom"</button><br/>
                    <button role="menuitem" on:click=act(|s, h, _| s.collapse_above(h))>"Collapse nodes above"</button><br/>
                    <button role="menuitem" disabled=!can_select on:click=act(select)>"Select in table"</button><br/>
                    <button role="menuitem" on:click=act(|s, _, _| s.reset())>"Reset view"</button>
                </div>
            })
        };
        view! { {content} }
    }
}
