//! The timeline: samples over time as bars, drawn on a canvas with plotters. Hover shows
//! the value of a step; dragging selects a range and zooms to it; buttons zoom out and pan
//! by half a window. All maths is in `state::timeline`; this only draws and forwards input.

use leptos::html;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::state::clock::format_datetime;
use crate::state::time_range::TimeRange;
use crate::state::timeline::TimelineModel;

/// Height of the plot in CSS pixels, as the original.
const HEIGHT_PX: u32 = 125;
const BAR_COLOUR: RGBColor = RGBColor(0x3b, 0x78, 0xe7);

/// Samples over time with range selection.
#[component]
pub fn Timeline(
    /// What to draw (`None` while nothing is loaded).
    model: Signal<Option<TimelineModel>>,
    /// Minutes east of UTC for labels.
    offset_min: Signal<i32>,
    /// How to format a step's value for the hover text.
    format_value: Callback<u64, String>,
    /// Called with a range selected by dragging, or from the pan and zoom-out buttons.
    on_range: Callback<TimeRange>,
    /// Zoom out (twice as wide).
    on_zoom_out: Callback<()>,
    /// Pan by half a window: -1 earlier, +1 later.
    on_pan: Callback<i64>,
) -> impl IntoView {
    let canvas = NodeRef::<html::Canvas>::new();
    let drag_start = RwSignal::new(None::<f64>);
    let drag_now = RwSignal::new(None::<f64>);
    let hover = RwSignal::new(None::<String>);
    let width = RwSignal::new(0.0_f64);

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

    let local_x = |ev: &leptos::ev::MouseEvent| f64::from(ev.offset_x());
    let on_down = move |ev: leptos::ev::MouseEvent| {
        drag_start.set(Some(local_x(&ev)));
        drag_now.set(Some(local_x(&ev)));
    };
    let on_move = move |ev: leptos::ev::MouseEvent| {
        let x = local_x(&ev);
        if drag_start.get_untracked().is_some() {
            drag_now.set(Some(x));
        }
        let text = model.with_untracked(|m| {
            m.as_ref()
                .and_then(|m| m.point_at(x, width.get_untracked()))
                .map(|p| {
                    let when = format_datetime(p.t, offset_min.get_untracked());
                    match p.value {
                        Some(v) => format!("{when}: {}", format_value.run(v)),
                        None => format!("{when}: no data"),
                    }
                })
        });
        hover.set(text);
    };
    let on_up = move |ev: leptos::ev::MouseEvent| {
        let (Some(x0), x1) = (drag_start.get_untracked(), local_x(&ev)) else {
            return;
        };
        drag_start.set(None);
        drag_now.set(None);
        let sel = model.with_untracked(|m| {
            m.as_ref()
                .and_then(|m| m.selection(x0, x1, width.get_untracked()))
        });
        if let Some(range) = sel {
            on_range.run(range);
        }
    };
    let selection_style = move || match (drag_start.get(), drag_now.get()) {
        (Some(a), Some(b)) => format!("left:{}px;width:{}px", a.min(b), (a - b).abs()),
        _ => "display:none".to_string(),
    };

    view! {
        <div class="timeline">
            <div class="timeline-buttons">
                <button class="btn ghost" title="Earlier by half a window" id="pan-left" on:click=move |_| on_pan.run(-1)>"←"</button>
                <button class="btn ghost" title="Zoom out" id="zoom-out" on:click=move |_| on_zoom_out.run(())>"Zoom out"</button>
                <button class="btn ghost" title="Later by half a window" id="pan-right" on:click=move |_| on_pan.run(1)>"→"</button>
                <span class="timeline-hover muted" id="timeline-hover">{move || hover.get().unwrap_or_default()}</span>
            </div>
            <div class="timeline-plot">
                <canvas
                    node_ref=canvas
                    id="timeline-canvas"
                    height=HEIGHT_PX
                    on:mousedown=on_down
                    on:mousemove=on_move
                    on:mouseup=on_up
                    on:mouseleave=move |_| { hover.set(None); drag_start.set(None); drag_now.set(None); }
                ></canvas>
                <div class="timeline-selection" style=selection_style></div>
            </div>
        </div>
    }
}

/// Draws the bars and axes; errors (a detached canvas) just leave it blank.
pub(crate) fn draw(canvas: web_sys::HtmlCanvasElement, m: &TimelineModel, offset_min: i32) {
    let Some(backend) = CanvasBackend::with_canvas_object(canvas) else {
        return;
    };
    let root = backend.into_drawing_area();
    let _ = root.fill(&TRANSPARENT);
    let top = m.max_value().max(1);
    let chart = ChartBuilder::on(&root)
        .margin(4)
        .x_label_area_size(18)
        .y_label_area_size(0)
        .build_cartesian_2d(m.from..m.until, 0u64..top + top / 10);
    let Ok(mut chart) = chart else { return };
    let span = m.until - m.from;
    let _ = chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_x_mesh()
        .x_labels(8)
        .x_label_formatter(&|t: &i64| axis_label(*t, span, offset_min))
        .label_style(
            ("monospace", 11)
                .into_font()
                .color(&RGBColor(128, 128, 128)),
        )
        .axis_style(RGBColor(160, 160, 160))
        .draw();
    let step = m.step;
    let _ = chart.draw_series(m.points.iter().filter_map(|p| {
        p.value
            .map(|v| Rectangle::new([(p.t, 0), (p.t + step, v)], BAR_COLOUR.filled()))
    }));
    let _ = root.present();
}

/// Axis labels adapt to the span: times within a day, dates beyond.
fn axis_label(t: i64, span: i64, offset_min: i32) -> String {
    let s = format_datetime(t, offset_min);
    if span <= 86_400 {
        s.get(11..16).unwrap_or("").to_string()
    } else if span <= 30 * 86_400 {
        format!(
            "{} {}",
            s.get(5..10).unwrap_or(""),
            s.get(11..16).unwrap_or("")
        )
    } else {
        s.get(..10).unwrap_or("").to_string()
    }
}
