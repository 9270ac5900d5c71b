//! A generic canvas host (Firefox's `ChartCanvas`): it owns the `<canvas>` element, its size
//! in CSS and device pixels, vertical scrolling, animation-frame batching and pointer input.
//! A chart supplies what to track, how to draw and what to do with pointer input; it never
//! touches the element.
//!
//! The canvas is only as tall as the scroll container's visible area: it sits `sticky` at
//! the top of a spacer as tall as the whole chart, and every scroll repaints it with the
//! new offset. So a chart thousands of rows deep never needs a giant canvas. Repaints are
//! coalesced by the reactive system: all changes made by one event paint once.

use std::rc::Rc;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::painter::CanvasPainter;
use super::state::Geometry;
use super::viewport::{CanvasSize, CssPx, LINE_HEIGHT};

/// The host's elements and geometry. Created by the chart, so it can measure and scroll.
#[derive(Debug, Clone, Copy)]
pub struct ChartHandle {
    /// The canvas.
    pub canvas: NodeRef<html::Canvas>,
    /// The scroll container.
    pub scroller: NodeRef<html::Div>,
    /// Canvas size and scroll offset, kept current by the host.
    pub geometry: RwSignal<Geometry>,
}

impl Default for ChartHandle {
    fn default() -> Self {
        ChartHandle::new()
    }
}

impl ChartHandle {
    /// Handles for a host not mounted yet.
    #[must_use]
    pub fn new() -> ChartHandle {
        ChartHandle {
            canvas: NodeRef::new(),
            scroller: NodeRef::new(),
            geometry: RwSignal::new(Geometry::default()),
        }
    }

    /// Scrolls the container so that `line` is entirely visible, and updates the geometry
    /// at once (the scroll event comes later).
    pub fn reveal_line(&self, line: usize) {
        let Some(scroller) = self.scroller.get_untracked() else {
            return;
        };
        let g = self.geometry.get_untracked();
        let top = line as f64 * LINE_HEIGHT.0;
        let bottom = top + LINE_HEIGHT.0;
        let scroll = if top < g.scroll_top.0 {
            top
        } else if bottom > g.scroll_top.0 + g.size.height.0 {
            bottom - g.size.height.0
        } else {
            return;
        };
        scroller.set_scroll_top(scroll.max(0.0) as i32);
        let actual = f64::from(scroller.scroll_top());
        self.geometry.update(|g| g.scroll_top = CssPx(actual));
    }

    /// Viewport (client) coordinates of a canvas point.
    #[must_use]
    pub fn client_point(&self, x: CssPx, y: CssPx) -> Option<(f64, f64)> {
        let rect = self.canvas.get_untracked()?.get_bounding_client_rect();
        Some((rect.left() + x.0, rect.top() + y.0))
    }
}

/// Pointer input on the canvas: canvas-relative CSS pixels, plus viewport coordinates for
/// anything placed next to the pointer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pointer {
    /// The pointer moved over the canvas.
    Move {
        /// Canvas x.
        x: CssPx,
        /// Canvas y.
        y: CssPx,
        /// Viewport position.
        client: (f64, f64),
    },
    /// The pointer left the canvas.
    Leave,
    /// Primary click.
    Click {
        /// Canvas x.
        x: CssPx,
        /// Canvas y.
        y: CssPx,
    },
    /// Context click (the browser menu is suppressed).
    Context {
        /// Canvas x.
        x: CssPx,
        /// Canvas y.
        y: CssPx,
        /// Viewport position.
        client: (f64, f64),
    },
}

fn measure(handle: ChartHandle) {
    let Some(scroller) = handle.scroller.get_untracked() else {
        return;
    };
    let size = CanvasSize {
        width: CssPx(f64::from(scroller.client_width())),
        height: CssPx(f64::from(scroller.client_height())),
        dpr: window().device_pixel_ratio().max(0.1),
    };
    let scroll_top = CssPx(f64::from(scroller.scroll_top()));
    let g = Geometry { size, scroll_top };
    if handle.geometry.get_untracked() != g {
        handle.geometry.set(g);
    }
}

/// A chart's drawing function.
type DrawFn = dyn Fn(&mut CanvasPainter, Geometry);

/// The painter of the mounted canvas, kept across frames: looking up the 2D context and
/// setting its font cost more than painting a zoomed frame.
type PainterSlot = StoredValue<Option<CanvasPainter>, LocalStorage>;

fn paint_now(handle: ChartHandle, painter: PainterSlot, draw: &DrawFn) {
    let Some(canvas) = handle.canvas.get_untracked() else {
        return;
    };
    let g = handle.geometry.get_untracked();
    let (w, h) = g.size.device();
    // Assigning a size clears the canvas and its context state, so only on change.
    let resized = canvas.width() != w || canvas.height() != h;
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    if w == 0 || h == 0 {
        return;
    }
    painter.update_value(|slot| {
        match slot {
            Some(p) if p.draws_on(&canvas) => {
                if resized {
                    p.context_reset();
                }
            }
            _ => *slot = CanvasPainter::new(&canvas),
        }
        if let Some(p) = slot {
            draw(p, g);
        }
    });
}

/// Canvas-relative and viewport coordinates of a mouse event.
fn locate(handle: ChartHandle, ev: &web_sys::MouseEvent) -> Option<(CssPx, CssPx, (f64, f64))> {
    let rect = handle.canvas.get_untracked()?.get_bounding_client_rect();
    let (cx, cy) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
    Some((CssPx(cx - rect.left()), CssPx(cy - rect.top()), (cx, cy)))
}

type ObserverSlot = Option<(web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>)>;

/// Watches the scroll container's size (and the window, for devicePixelRatio changes).
fn observe_size(handle: ChartHandle) {
    let slot = StoredValue::new_local(None::<ObserverSlot>);
    crate::effect::effect(move || {
        let Some(el) = handle.scroller.get() else {
            return;
        };
        measure(handle);
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_| measure(handle));
        if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(&el);
            slot.set_value(Some(Some((observer, callback))));
        }
    });
    let resize = window_event_listener(ev::resize, move |_| measure(handle));
    on_cleanup(move || {
        resize.remove();
        slot.update_value(|s| {
            if let Some(Some((observer, _))) = s.take() {
                observer.disconnect();
            }
        });
    });
}

/// The canvas host.
#[component]
pub fn ChartCanvas(
    /// Elements and geometry, shared with the chart.
    handle: ChartHandle,
    /// Height of the whole chart (the scroll extent).
    #[prop(into)]
    content_height: Signal<CssPx>,
    /// CSS `max-height` of the scroll area, e.g. `"80vh"`.
    #[prop(into)]
    max_height: String,
    /// Reads every signal the drawing depends on; a change schedules a repaint.
    track: impl Fn() + 'static,
    /// Draws one frame.
    draw: impl Fn(&mut CanvasPainter, Geometry) + 'static,
    /// Pointer input.
    on_pointer: impl Fn(Pointer) + 'static,
    /// Overlays, absolutely positioned over the canvas.
    children: Children,
) -> impl IntoView {
    // Effects already coalesce: all the changes of one task (a click, a keystroke, a scroll
    // event) run this once, in the microtask after it. Painting right there rather than in
    // the next animation frame keeps the frame itself free of the work.
    let draw: Rc<DrawFn> = Rc::new(draw);
    let painter: PainterSlot = StoredValue::new_local(None);
    crate::effect::effect(move || {
        track();
        handle.geometry.track();
        paint_now(handle, painter, &*draw);
    });
    observe_size(handle);
    let on_pointer = Rc::new(on_pointer);
    let (p_move, p_click, p_context) = (on_pointer.clone(), on_pointer.clone(), on_pointer.clone());
    let on_scroll = move |_| {
        if let Some(el) = handle.scroller.get_untracked() {
            let top = CssPx(f64::from(el.scroll_top()));
            handle.geometry.update(|g| g.scroll_top = top);
        }
    };
    let spacer_height = move || format!("{}px", content_height.get().0);
    let canvas_height = move || format!("{}px", handle.geometry.get().size.height.0);
    view! {
        <div node_ref=handle.scroller on:scroll=on_scroll
            style="position:relative;overflow-y:auto;overflow-x:hidden"
            style:max-height=max_height>
            <div style="position:relative" style:height=spacer_height>
                <div style="position:sticky;top:0;overflow:hidden" style:height=canvas_height>
                    <canvas node_ref=handle.canvas tabindex="0"
                        style="display:block;width:100%;cursor:pointer;outline:none"
                        style:height=canvas_height
                        on:pointermove=move |ev: web_sys::PointerEvent| {
                            if let Some((x, y, client)) = locate(handle, &ev) {
                                p_move(Pointer::Move { x, y, client });
                            }
                        }
                        on:pointerleave=move |_| on_pointer(Pointer::Leave)
                        on:click=move |ev: web_sys::MouseEvent| {
                            if let Some((x, y, _)) = locate(handle, &ev) {
                                p_click(Pointer::Click { x, y });
                            }
                        }
                        on:contextmenu=move |ev: web_sys::MouseEvent| {
                            ev.prevent_default();
                            if let Some((x, y, client)) = locate(handle, &ev) {
                                p_context(Pointer::Context { x, y, client });
                            }
                        }
                    ></canvas>
                    {children()}
                </div>
            </div>
        </div>
    }
}
