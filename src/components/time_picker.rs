//! The time range picker: the current range's label, sixteen presets, a validated custom
//! range, and the choice between browser time and UTC.

use leptos::prelude::*;

use crate::state::clock::{from_input_value, to_input_value, zone_label};
use crate::state::time_range::{TimeRange, PRESETS};

/// Picks a time range and time zone.
#[component]
pub fn TimePicker(
    /// The current range.
    range: Signal<TimeRange>,
    /// The label of the current range ("Last 1 hour" or the absolute dates).
    label: Signal<String>,
    /// Minutes east of UTC used for display and custom input.
    offset_min: Signal<i32>,
    /// Whether UTC is chosen over browser time.
    utc: Signal<bool>,
    /// Browser offset, for the zone choice's label.
    browser_offset_min: i32,
    /// The current time (unix seconds), to resolve relative ranges into the inputs.
    now: Signal<i64>,
    /// Called with the chosen range.
    on_change: Callback<TimeRange>,
    /// Called with the zone choice (true = UTC).
    on_utc: Callback<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let from_input = RwSignal::new(String::new());
    let until_input = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    crate::effect::effect(move || {
        if open.get() {
            let (f, u) = range.get().resolve(now.get_untracked());
            let off = offset_min.get();
            from_input.set(to_input_value(f, off));
            until_input.set(to_input_value(u, off));
            error.set(None);
        }
    });
    let apply_custom = move |_| {
        let off = offset_min.get_untracked();
        let parsed = (
            from_input_value(&from_input.get_untracked(), off),
            from_input_value(&until_input.get_untracked(), off),
        );
        let result = match parsed {
            (Some(f), Some(u)) => TimeRange::custom(f, u).map_err(|e| e.to_string()),
            _ => Err("invalid date".to_string()),
        };
        match result {
            Ok(r) => {
                open.set(false);
                on_change.run(r);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <div class="time-picker">
            <button id="time-picker" class="btn" on:click=move |_| open.update(|o| *o = !*o)>{move || label.get()}</button>
            <Show when=move || open.get()>
                <div class="dropdown time-panel">
                    <div class="presets">
                        {PRESETS.iter().map(|(key, text)| {
                            let r = TimeRange::Relative((*key).to_string());
                            let r2 = r.clone();
                            view! {
                                <button class="link" class:active=move || range.get() == r2 data-preset=*key
                                    on:click=move |_| { open.set(false); on_change.run(r.clone()); }>{*text}</button>
                            }
                        }).collect_view()}
                    </div>
                    <div class="custom">
                        <label>"From" <input type="datetime-local" id="custom-from" prop:value=move || from_input.get()
                            on:input=move |ev| from_input.set(event_target_value(&ev)) /></label>
                        <label>"Until" <input type="datetime-local" id="custom-until" prop:value=move || until_input.get()
                            on:input=move |ev| until_input.set(event_target_value(&ev)) /></label>
                        <button class="btn primary" id="apply-range" on:click=apply_custom>"Apply range"</button>
                        {move || error.get().map(|e| view! { <p class="error-text">{e}</p> })}
                        <label class="zone">"Time zone "
                            <select on:change=move |ev| on_utc.run(event_target_value(&ev) == "utc")>
                                <option value="browser" selected=move || !utc.get()>{format!("Browser time ({})", zone_label(browser_offset_min))}</option>
                                <option value="utc" selected=move || utc.get()>"UTC"</option>
                            </select>
                        </label>
                    </div>
                </div>
            </Show>
        </div>
    }
}
