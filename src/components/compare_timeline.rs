//! The main timeline of the comparison and diff views: the main range's samples with two
//! coloured selections, baseline (purple) and comparison (blue). Dragging inside a
//! selection moves it, dragging its edge resizes it, dragging elsewhere draws a new
//! comparison (with Shift: baseline). The pointer maths is `state::selections`; the new
//! window is reported on release, and while dragging as a preview.

use leptos::html;
use leptos::prelude::*;

use super::timeline::draw;
use crate::state::diff_view::Side;
use crate::state::selections::{drag, grab, Axis, Grab};
use crate::state::timeline::TimelineModel;

const HEIGHT_PX: u32 = 125;

/// Timeline with two selections.
#[component]
pub fn CompareTimeline(
    /// The main range's samples (`None` while loading).
    model: Signal<Option<TimelineModel>>,
    /// Both windows (unix seconds); `None` for a side without one.
    windows: Signal<[Option<(i64, i64)>; 2]>,
    /// Minutes east of UTC for labels.
    offset_min: Signal<i32>,
    /// A selection moved, resized or drawn: side, from, until.
    on_select: Callback<(Side, i64, i64)>,
    /// The window under the pointer while dragging: side, from, until.
    on_preview: Callback<(Side, i64, i64)>,
) -> impl IntoView {
    let canvas = NodeRef::<html::Canvas>::new();
    let width = RwSignal::new(0.0_f64);
    let pressed = RwSignal::new(None::<Grab>);
    let preview = RwSignal::new(None::<(Side, i64, i64)>);
    crate::effect::effect(move || {
        let Some(c) = canvas.get() else { return };
        let css_width = c
            .parent_element()
            .map_or(800, |p| p.client_width().max(200));
        width.set(f64::from(css_width));
        c.set_width(u32::try_from(css_width).unwrap_or(800));
        c.set_height(HEIGHT_PX);
        model.with(|m| {
            if let Some(m) = m {
                draw(c, m, offset_min.get());
            }
        });
    });
    let axis = move || {
        model.with_untracked(|m| {
            m.as_ref().map(|m| Axis {
                from: m.from,
                until: m.until,
                width: width.get_untracked(),
            })
        })
    };
    let x_of = |ev: &leptos::ev::MouseEvent| f64::from(ev.offset_x());
    let on_down = move |ev: leptos::ev::MouseEvent| {
        let Some(a) = axis() else { return };
        let draw_side = if ev.shift_key() {
            Side::Left
        } else {
            Side::Right
        };
        pressed.set(Some(grab(
            &a,
            windows.get_untracked(),
            x_of(&ev),
            draw_side,
        )));
    };
    let on_move = move |ev: leptos::ev::MouseEvent| {
        if let (Some(g), Some(a)) = (pressed.get_untracked(), axis()) {
            let sel = drag(&a, g, x_of(&ev));
            if let Some(sel) = sel {
                on_preview.run(sel);
            }
            preview.set(sel);
        }
    };
    let on_up = move |ev: leptos::ev::MouseEvent| {
        let (Some(g), Some(a)) = (pressed.get_untracked(), axis()) else {
            return;
        };
        pressed.set(None);
        preview.set(None);
        if let Some(sel) = drag(&a, g, x_of(&ev)) {
            on_select.run(sel);
        }
    };
    // Leaving the canvas ends a drag where it was (its preview is already on screen).
    let on_leave = move |_| {
        if pressed.get_untracked().is_some() {
            pressed.set(None);
            if let Some(sel) = preview.get_untracked() {
                on_select.run(sel);
            }
        }
        preview.set(None);
    };
    let overlay = move |side: Side| {
        move || {
            let shown = match preview.get() {
                Some((s, f, u)) if s == side => Some((f, u)),
                _ => windows.get()[usize::from(side == Side::Right)],
            };
            let a = model.with(|m| {
                m.as_ref().map(|m| Axis {
                    from: m.from,
                    until: m.until,
                    width: width.get(),
                })
            });
            match (shown, a) {
                (Some((f, u)), Some(a)) => {
                    let (x0, x1) = (a.x(f).max(0.0), a.x(u).min(a.width));
                    if x1 <= x0 {
                        return "display:none".to_owned();
                    }
                    format!("left:{x0}px;width:{}px", x1 - x0)
                }
                _ => "display:none".to_owned(),
            }
        }
    };
    view! {
        <div class="timeline compare-timeline" id="compare-timeline">
            <div class="timeline-plot">
                <canvas node_ref=canvas id="compare-timeline-canvas" height=HEIGHT_PX
                    on:mousedown=on_down on:mousemove=on_move on:mouseup=on_up
                    on:mouseleave=on_leave></canvas>
                <div class="timeline-selection sel-left" data-side="left" style=overlay(Side::Left)></div>
                <div class="timeline-selection sel-right" data-side="right" style=overlay(Side::Right)></div>
            </div>
        </div>
    }
}
