//! The diff's always-visible legend and colouring controls: the scale from −100 % to
//! +100 % in words ("faster / slower", "new / removed"), the palette, proportional or
//! absolute colouring, and the noise threshold.

use leptos::prelude::*;

use crate::flamegraph::diff::{legend_cells, new_removed_colors, DiffMode, DiffStyle};
use crate::flamegraph::palette::{DiffPalette, Rgb};

fn chip(rgb: Rgb) -> String {
    let Rgb(r, g, b) = rgb;
    format!("background:rgb({r},{g},{b})")
}

/// Legend and colouring controls.
#[component]
pub fn DiffLegend(
    /// Current colouring.
    style: Signal<DiffStyle>,
    /// A changed colouring.
    on_change: Callback<DiffStyle>,
) -> impl IntoView {
    let cells = move || {
        let s = style.get();
        legend_cells(s.palette, 13)
            .into_iter()
            .map(|(change, rgb)| {
                let label = if change == 0.0 {
                    "0".to_owned()
                } else {
                    format!("{change:+.0}%")
                };
                let title = label.clone();
                view! { <span class="legend-cell" style=chip(rgb) title=title>{label}</span> }
            })
            .collect_view()
    };
    let new_removed = move || new_removed_colors(style.get().palette);
    let set = move |f: fn(&mut DiffStyle, String), v: String| {
        let mut s = style.get_untracked();
        f(&mut s, v);
        on_change.run(s);
    };
    let scale_word = move || match style.get().mode {
        DiffMode::Proportional => "share of each side's total",
        DiffMode::Absolute => "absolute value",
    };
    view! {
        <div class="diff-legend" id="diff-legend">
            <span class="legend-words">"◀ faster (less)"</span>
            <span class="legend-scale">{cells}</span>
            <span class="legend-words">"slower (more) ▶"</span>
            <span class="legend-cell" id="legend-new" style=move || chip(new_removed().0)>"new"</span>
            <span class="legend-cell" id="legend-removed" style=move || chip(new_removed().1)>"removed"</span>
            <span class="muted" id="legend-mode-note">{move || format!("change of the {}", scale_word())}</span>
            <select id="diff-mode" class="input" prop:value=move || style.get().mode.as_str()
                on:change=move |ev| set(|s, v| s.mode = DiffMode::parse(&v), event_target_value(&ev))>
                <option value="proportional">"Proportional"</option>
                <option value="absolute">"Absolute"</option>
            </select>
            <select id="diff-palette" class="input"
                prop:value=move || if style.get().palette == DiffPalette::ColorBlind { "colorblind" } else { "default" }
                on:change=move |ev| set(|s, v| s.palette = if v == "colorblind" { DiffPalette::ColorBlind } else { DiffPalette::Default }, event_target_value(&ev))>
                <option value="default">"Default (green / red)"</option>
                <option value="colorblind">"Colour-blind (blue / red)"</option>
            </select>
            <label class="muted" title="Changes smaller than this share of the profile stay grey">
                "Noise below "
                <input id="diff-threshold" class="input" type="number" min="0" step="0.5" style="width:5em"
                    prop:value=move || style.get().threshold.to_string()
                    on:change=move |ev| set(|s, v| s.threshold = DiffStyle::parse_threshold(&v), event_target_value(&ev)) />
                " % points"
            </label>
        </div>
    }
}
