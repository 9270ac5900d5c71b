//! The comparison view (`/comparison`): two profiles side by side — two windows of the
//! server's data, two URLs or two files — each with its own flamegraph and search box
//! (synced by default), side by side from 1200 px of window width and stacked below.
//! "Compare with N prior" moves the baseline to the comparison's window N earlier. The
//! URL is the diff view's (`state::diff_view`), so the split ↔ diff toggle keeps both
//! selections.

use leptos::prelude::*;

use super::comparison_diff::main_timeline::MainTimeline;
use super::comparison_diff::sides::SideBoxes;
use super::comparison_diff::{progress_view, TwoSides};
use crate::components::diff_files::DiffFiles;
use crate::flamegraph::{FlameGraph, FlameGraphState};
use crate::state::diff_view::{DiffViewState, Side, PRIOR_PERIODS};

/// `/comparison`.
#[component]
pub fn ComparisonPage() -> impl IntoView {
    let TwoSides {
        state,
        update,
        loader,
        now,
    } = TwoSides::new("/comparison", false);
    let synced = Signal::derive(move || state.with(|s| s.right_search.is_none()));
    let prior = move |ev| {
        let value = event_target_value(&ev);
        let Some((_, period)) = PRIOR_PERIODS.iter().find(|(label, _)| *label == value) else {
            return;
        };
        let mut s = state.get_untracked();
        if s.compare_with_prior(*period, now.get_untracked()) {
            update.run((s, false));
        }
    };
    let pane = move |side: Side| {
        let flame_profile = Signal::derive(move || {
            loader
                .side(side)
                .with(|s| s.as_ref().map(|s| s.flame.clone()))
        });
        let flame = FlameGraphState::new(flame_profile, Signal::derive(|| None));
        let term = Memo::new(move |_| state.with(|s| s.search_of(side).to_owned()));
        crate::effect::effect(move || flame.set_search(term.get()));
        let p = side.prefix();
        view! {
            <div class="comparison-pane diff-side" data-side=p>
                <h3><span class="chip"></span>{side.title()}</h3>
                <input class="input" id=format!("{p}-search") placeholder="Search…" prop:value=move || term.get()
                    on:input=move |ev| {
                        let mut s = state.get_untracked();
                        s.set_search(side, event_target_value(&ev));
                        update.run((s, true));
                    } />
                <div class="flame-pane" id=format!("{p}-flamegraph-pane")>
                    <FlameGraph state=flame max_height="70vh" />
                </div>
            </div>
        }
    };
    let errors = move || {
        loader
            .errors
            .get()
            .into_iter()
            .flatten()
            .map(|e| view! { <div class="banner error" role="alert">{e}</div> })
            .collect_view()
    };
    view! {
        <section class="page comparison" id="comparison-page">
            <div class="toolbar">
                <h1 class="page-title">"Comparison"</h1>
                <div class="spacer"></div>
                <DiffFiles
                    on_file=Callback::new(move |(side, name, bytes): (Side, String, Vec<u8>)| loader.show_file(side, &name, &bytes))
                    has=Callback::new(move |side| loader.has(side))
                />
                <a class="btn" id="to-diff" href=move || format!("/comparison-diff?{}", state.with(DiffViewState::to_query_string))>"Diff view"</a>
            </div>
            <MainTimeline state=state now=now.into() loader=loader on_change=Callback::new(move |s: DiffViewState| update.run((s, false))) />
            <SideBoxes state=state now=now.into() on_change=Callback::new(move |s: DiffViewState| update.run((s, false))) />
            <div class="pane-toolbar">
                <select id="compare-prior" class="input" on:change=prior>
                    <option value="">"Compare with … prior"</option>
                    {PRIOR_PERIODS.iter().map(|(label, _)| view! { <option value=*label>{*label}</option> }).collect_view()}
                </select>
                <label>
                    <input type="checkbox" id="sync-search" prop:checked=move || synced.get()
                        on:change=move |ev| {
                            let mut s = state.get_untracked();
                            s.set_search_synced(event_target_checked(&ev));
                            update.run((s, false));
                        } />
                    " Sync search"
                </label>
            </div>
            {errors}
            {progress_view(loader)}
            <div class="comparison-panes">{pane(Side::Left)}{pane(Side::Right)}</div>
        </section>
    }
}
