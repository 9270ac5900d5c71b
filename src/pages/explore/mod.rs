//! The single view (`/`): pick an app, labels and a time range; read the timeline, the
//! function table and the flamegraph. Everything that defines the screen lives in the URL
//! (`state::view::ExploreState`), so links reproduce it and Back/Forward undo.

mod loader;
mod sandwich;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::api;
use cinder_profile::Ticks;

use crate::components::app_selector::AppSelector;
use crate::components::export::ExportMenu;
use crate::components::open_file::OpenFile;
use crate::components::table::FunctionTable;
use crate::components::tag_bar::TagBar;
use crate::components::time_picker::TimePicker;
use crate::components::timeline::Timeline;
use crate::flamegraph::format::ValueFormatter;
use crate::flamegraph::{FlameGraph, FlameGraphState};
use crate::state::apps::default_app;
use crate::state::clock::format_datetime;
use crate::state::tags::app_of;
use crate::state::time_range::TimeRange;
use crate::state::view::{ExploreState, ViewMode};
pub use loader::Loader;
use sandwich::{sandwich_states, SandwichPanes};

/// `/` and `/explore`.
#[component]
pub fn ExplorePage() -> impl IntoView {
    let location = use_location();
    let navigate = use_navigate();
    let state = Memo::new(move |_| ExploreState::from_query_string(&location.search.get()));
    let path = location.pathname;
    let update = Callback::new(move |(next, replace): (ExploreState, bool)| {
        let url = format!("{}?{}", path.get_untracked(), next.to_query_string());
        navigate(
            &url,
            NavigateOptions {
                replace,
                scroll: false,
                ..Default::default()
            },
        );
    });
    let edit = move |f: fn(&mut ExploreState, String), value: String, replace: bool| {
        let mut s = state.get_untracked();
        f(&mut s, value);
        update.run((s, replace));
    };

    let loader = Loader::new();
    let refresh = RwSignal::new(0u32);
    let now = RwSignal::new(api::browser::now_secs());
    loader.load_apps();

    // With no app chosen, show the first CPU profile (replacing history, not adding to it).
    crate::effect::effect(move || {
        let s = state.get();
        if !s.query.is_empty() || s.profile_url.is_some() {
            return;
        }
        if let Some(Ok(apps)) = loader.apps.get() {
            if let Some(app) = default_app(&apps) {
                let mut s = s;
                s.set_query(format!("{app}{{}}"));
                update.run((s, true));
            }
        }
    });
    // Load when what is shown changes (query, range, profile URL) or on refresh; zoom,
    // search, sort and view mode change only the URL and never refetch.
    let source = Memo::new(move |_| {
        state.with(|s| (s.query.clone(), s.range.clone(), s.profile_url.clone()))
    });
    crate::effect::effect(move || {
        refresh.track();
        source.with(|_| ()); // read (not only track) so the lazy memo is computed
        let t = api::browser::now_secs();
        now.set(t);
        loader.load_profile(&state.get_untracked(), t);
    });

    api::browser::focus_on_slash("search-input");

    let browser_offset = api::browser::utc_offset_minutes(now.get_untracked());
    // A memo: the timeline redraws when the offset changes, not on every URL change.
    let offset = Signal::from(Memo::new(move |_| {
        if state.with(|s| s.utc) {
            0
        } else {
            browser_offset
        }
    }));
    let range_label = Signal::derive(move || {
        let r = state.with(|s| s.range.clone());
        r.preset_label().map(String::from).unwrap_or_else(|| {
            let (f, u) = r.resolve(now.get());
            format!(
                "{} – {}",
                format_datetime(f, offset.get()),
                format_datetime(u, offset.get())
            )
        })
    });
    let app = Signal::from(Memo::new(move |_| {
        state.with(|s| app_of(&s.query).unwrap_or_default())
    }));
    let apps = Signal::derive(move || {
        loader.apps.with(|a| {
            a.as_ref()
                .and_then(|r| r.as_ref().ok())
                .cloned()
                .unwrap_or_default()
        })
    });
    let formatter = Memo::new(move |_| {
        loader.shown.with(|s| {
            s.as_ref().map(|s| {
                ValueFormatter::new(s.flame.unit, s.tree().total_ticks(), s.flame.sample_rate)
            })
        })
    });
    let format_value = Callback::new(move |v: u64| {
        formatter.with(|f| {
            f.as_ref()
                .map_or_else(|| v.to_string(), |f| f.format(Ticks(v)))
        })
    });
    let set_range = Callback::new(move |r: TimeRange| {
        let mut s = state.get_untracked();
        s.range = r;
        update.run((s, false));
    });
    let table_model = Signal::derive(move || loader.table.get());
    let timeline = Signal::derive(move || {
        loader
            .shown
            .with(|s| s.as_ref().and_then(|s| s.timeline.clone()))
    });
    let no_data = move || {
        loader
            .shown
            .with(|s| s.as_ref().is_some_and(|s| s.tree().total_ticks().0 == 0))
    };
    let selected = Signal::from(Memo::new(move |_| state.with(|s| s.selected.clone())));
    let flame_profile =
        Signal::derive(move || loader.shown.with(|s| s.as_ref().map(|s| s.flame.clone())));
    let flame = FlameGraphState::new(flame_profile, selected);
    // Only a changed term reaches the flamegraph (setting it recomputes the matches).
    let search_term = Memo::new(move |_| state.with(|s| s.search.clone()));
    crate::effect::effect(move || flame.set_search(search_term.get()));
    // The zoomed node lives in the URL as `focus=a;b;c` (see `sync_zoom_with_url`).
    let focus = Memo::new(move |_| state.with(|s| s.focus.clone()));
    flame.sync_zoom_with_url(
        focus,
        Callback::new(move |path| {
            let mut s = state.get_untracked();
            s.focus = path;
            update.run((s, false));
        }),
    );
    let select_fn = Callback::new(move |f: Option<String>| {
        let mut s = state.get_untracked();
        s.selected = f;
        update.run((s, false));
    });
    let sandwich = sandwich_states(loader, state);

    view! {
        <section class="page explore" id="explore-page">
            <div class="toolbar">
                <AppSelector
                    apps=apps
                    current=app
                    on_select=Callback::new(move |a: String| edit(|s, v| s.set_query(format!("{v}{{}}")), a, false))
                    on_refresh=Callback::new(move |()| loader.load_apps())
                />
                <div class="spacer"></div>
                <TimePicker
                    range=Signal::derive(move || state.with(|s| s.range.clone()))
                    label=range_label
                    offset_min=offset
                    utc=Signal::derive(move || state.with(|s| s.utc))
                    browser_offset_min=browser_offset
                    now=now.into()
                    on_change=set_range
                    on_utc=Callback::new(move |utc: bool| { let mut s = state.get_untracked(); s.utc = utc; update.run((s, false)); })
                />
                <button class="btn" id="refresh" title="Refresh" on:click=move |_| refresh.update(|r| *r += 1)>"Refresh"</button>
            </div>
            <TagBar
                query=Signal::from(Memo::new(move |_| state.with(|s| s.query.clone())))
                app=app
                on_query=Callback::new(move |q: String| edit(super::super::state::view::ExploreState::set_query, q, false))
            />
            <Timeline
                model=timeline
                offset_min=offset
                format_value=format_value
                on_range=set_range
                on_zoom_out=Callback::new(move |()| set_range.run(state.with_untracked(|s| s.range.zoom_out(now.get_untracked()))))
                on_pan=Callback::new(move |d: i64| set_range.run(state.with_untracked(|s| s.range.pan(now.get_untracked(), d))))
            />
            <div class="pane-toolbar">
                <div class="view-modes" role="group" aria-label="View">
                    {ViewMode::ALL.into_iter().map(|m| view! {
                        <button class="btn" class:active=move || state.with(|s| s.view == m) data-view=m.as_str()
                            on:click=move |_| { let mut s = state.get_untracked(); s.view = m; update.run((s, false)); }>{m.label()}</button>
                    }).collect_view()}
                </div>
                <input id="search-input" class="input" placeholder="Search… ( / )" prop:value=move || state.with(|s| s.search.clone())
                    on:input=move |ev| edit(|s, v| s.search = v, event_target_value(&ev), true) />
                <span class="muted" id="search-stats">{move || flame.search_stats().map(stats_label)}</span>
                <button class="btn" id="reset-view" disabled=move || !flame.can_reset() on:click=move |_| flame.reset()>"Reset view"</button>
                <ExportMenu shown=loader.shown.into() name=Signal::derive(move || {
                    let (f, u) = state.with(|s| s.range.to_params());
                    crate::state::profile::export_name(&app.get(), &f, &u)
                }) />
                <OpenFile on_file=Callback::new(move |(name, bytes): (String, Vec<u8>)| loader.show_file(&name, &bytes)) />
            </div>
            {move || loader.error.get().map(|e| view! { <div class="banner error" id="load-error" role="alert">{e}</div> })}
            <Show when=move || loader.spinner.get()><div class="spinner" aria-label="Loading"></div></Show>
            <Show when=no_data><p class="muted empty" id="no-data">"No data available"</p></Show>
            <div class="panes" data-view=move || state.with(|s| s.view.as_str())>
                <Show when=move || state.with(|s| s.view.shows_table())>
                    <FunctionTable
                        model=table_model
                        sort=Signal::from(Memo::new(move |_| state.with(|s| s.sort)))
                        search=Signal::from(Memo::new(move |_| state.with(|s| s.search.clone())))
                        selected=Signal::from(Memo::new(move |_| state.with(|s| s.selected.clone())))
                        on_sort=Callback::new(move |c| { let mut s = state.get_untracked(); s.sort = s.sort.clicked(c); update.run((s, false)); })
                        on_select=select_fn
                        format_value=format_value
                    />
                </Show>
                <Show when=move || state.with(|s| s.view.shows_flamegraph())>
                    <div class="flame-pane" id="flamegraph-pane">
                        <FlameGraph state=flame
                            on_select_name=Callback::new(move |n: String| select_fn.run(Some(n))) />
                    </div>
                </Show>
                <Show when=move || state.with(|s| s.view == ViewMode::Sandwich)>
                    <SandwichPanes states=sandwich selected=selected />
                </Show>
            </div>
        </section>
    }
}

/// "12 matches · 34.56 % of samples" for the search box.
fn stats_label(st: crate::flamegraph::SearchStats) -> String {
    let noun = if st.nodes == 1 { "match" } else { "matches" };
    format!("{} {noun} · {:.2} % of samples", st.nodes, st.share * 100.0)
}
