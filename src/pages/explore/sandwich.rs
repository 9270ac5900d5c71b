//! The sandwich view: for the function selected in the table, its callers (an inverted
//! tree: the function, then who called it) and its callees (the function, then what it
//! called), each merged over every place the function occurs, drawn as two flamegraphs.

use std::sync::Arc;

use leptos::prelude::*;

use super::Loader;
use crate::flamegraph::by_ptr::ByPtr;
use crate::flamegraph::{FlameGraph, FlameGraphState, FlameProfile};
use crate::state::view::{ExploreState, ViewMode};

/// Flamegraph states of the two halves.
#[derive(Debug, Clone, Copy)]
pub struct SandwichStates {
    callers: FlameGraphState,
    callees: FlameGraphState,
}

/// Builds both halves from the loaded profile, only while the sandwich view is shown.
pub fn sandwich_states(loader: Loader, state: Memo<ExploreState>) -> SandwichStates {
    let halves = Memo::new(move |_| {
        let name = state.with(|s| {
            (s.view == ViewMode::Sandwich)
                .then(|| s.selected.clone())
                .flatten()
        })?;
        loader.shown.with(|shown| {
            let s = shown.as_ref()?;
            let sw = s.tree().sandwich(&name);
            let half = |tree| {
                Arc::new(FlameProfile::new(
                    tree,
                    &s.meta.units,
                    s.meta.sample_rate,
                    &s.meta.spy_name,
                ))
            };
            Some((ByPtr(half(sw.callers)), ByPtr(half(sw.callees))))
        })
    });
    let none = Signal::derive(|| None::<String>);
    SandwichStates {
        callers: FlameGraphState::new(Signal::derive(move || halves.get().map(|h| h.0 .0)), none),
        callees: FlameGraphState::new(Signal::derive(move || halves.get().map(|h| h.1 .0)), none),
    }
}

/// The two stacked flamegraphs, or a hint while no function is selected.
#[component]
pub fn SandwichPanes(states: SandwichStates, selected: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show
            when=move || selected.with(Option::is_some)
            fallback=|| view! { <p class="muted empty" id="sandwich-hint">"Select a function in the table to see its callers and callees."</p> }
        >
            <div class="sandwich" id="sandwich">
                <h3>"Callers of " <code>{move || selected.get()}</code></h3>
                <FlameGraph state=states.callers max_height="40vh" />
                <h3>"Callees of " <code>{move || selected.get()}</code></h3>
                <FlameGraph state=states.callees max_height="40vh" />
            </div>
        </Show>
    }
}
