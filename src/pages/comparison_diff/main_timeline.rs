//! The main timeline of the comparison and diff views with both selections (a dragged one
//! previews its cached chunks in the graphs), and the warning (with "Sync timelines") when
//! a selection lies outside its range.

use leptos::prelude::*;

use super::loader::DiffLoader;
use crate::components::compare_timeline::CompareTimeline;
use crate::state::diff_view::{DiffViewState, Side};
use crate::state::source::Source;

/// Main timeline, selections and out-of-range warning.
#[component]
pub fn MainTimeline(
    /// The view's state.
    state: Memo<DiffViewState>,
    /// The time relative windows are resolved at.
    now: Signal<i64>,
    /// The data.
    loader: DiffLoader,
    /// An edited state (pushed to history).
    on_change: Callback<DiffViewState>,
) -> impl IntoView {
    let main = Memo::new(move |_| {
        let now = now.get();
        state.with(|s| (s.query.clone(), s.range.resolve(now)))
    });
    crate::effect::effect(move || {
        let (query, range) = main.get();
        loader.load_timeline(query, range);
    });
    let windows = Signal::from(Memo::new(move |_| {
        let now = now.get();
        state.with(|s| [s.window(Side::Left, now), s.window(Side::Right, now)])
    }));
    let offset = Signal::derive(move || crate::api::browser::utc_offset_minutes(now.get()));
    let select = Callback::new(move |(side, from, until): (Side, i64, i64)| {
        let mut s = state.get_untracked();
        s.set_window(side, from, until);
        if state.with_untracked(|old| *old != s) {
            on_change.run(s);
        } else {
            // Dragged away and back: the same window, but a preview may be on screen.
            let now = now.get_untracked();
            loader.settle(side, s.source(side, now), s.range.resolve(now));
        }
    });
    let preview = Callback::new(move |(side, from, until): (Side, i64, i64)| {
        let now = now.get_untracked();
        state.with_untracked(|s| {
            if let Some(Source::Query { query, .. }) = s.source(side, now) {
                loader.preview(side, &query, (from, until), s.range.resolve(now));
            }
        });
    });
    let outside = move || {
        let now = now.get();
        let sides: Vec<&str> = Side::BOTH
            .into_iter()
            .filter(|s| state.with(|st| st.outside_range(*s, now)))
            .map(Side::title)
            .collect();
        (!sides.is_empty()).then(|| {
            let text = format!("{} outside the timeline's range.", sides.join(" and "));
            view! {
                <div class="banner" id="range-warning" role="status">{text}" "
                    <button class="btn" id="sync-timelines" on:click=move |_| {
                        let mut s = state.get_untracked();
                        s.sync_range(now);
                        on_change.run(s);
                    }>"Sync timelines"</button>
                </div>
            }
        })
    };
    view! {
        {outside}
        <CompareTimeline model=loader.timeline.into() windows=windows offset_min=offset on_select=select on_preview=preview />
    }
}
