//! The diff view (`/comparison-diff`): two profiles — two windows of the server's data, two
//! URLs or two files — diffed in the browser and drawn as one flamegraph coloured by
//! change, with its legend, colouring controls and diff table. Everything that defines the
//! screen lives in the URL (`state::diff_view`), with the original's parameter names.

pub(crate) mod loader;
pub(crate) mod main_timeline;
pub(crate) mod sides;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::api;
use crate::components::diff_files::DiffFiles;
use crate::components::diff_legend::DiffLegend;
use crate::components::diff_table::DiffTable;
use crate::flamegraph::diff::DiffStyle;
use crate::flamegraph::{FlameGraph, FlameGraphState};
use crate::state::diff_view::{DiffViewState, Side};
use crate::state::profile::to_diff_json;
use loader::DiffLoader;
use main_timeline::MainTimeline;
use sides::SideBoxes;

/// What the split view (`/comparison`) and the diff view share: the URL state, the way to
/// change it, both sides' loader (each side reloads only when its own source changes) and
/// the clock the relative ranges resolve against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TwoSides {
    pub(crate) state: Memo<DiffViewState>,
    pub(crate) update: Callback<(DiffViewState, bool)>,
    pub(crate) loader: DiffLoader,
    pub(crate) now: RwSignal<i64>,
}

impl TwoSides {
    /// For the page at `path`; `diffs`: whether the loader diffs the two sides.
    pub(crate) fn new(path: &'static str, diffs: bool) -> TwoSides {
        let location = use_location();
        let navigate = use_navigate();
        let state = Memo::new(move |_| DiffViewState::from_query_string(&location.search.get()));
        let update = Callback::new(move |(next, replace): (DiffViewState, bool)| {
            let url = format!("{path}?{}", next.to_query_string());
            navigate(
                &url,
                NavigateOptions {
                    replace,
                    scroll: false,
                    ..Default::default()
                },
            );
        });
        let loader = DiffLoader::new(diffs);
        let now = RwSignal::new(api::browser::now_secs());
        for side in Side::BOTH {
            let source = Memo::new(move |_| {
                let now = now.get();
                state.with(|s| (s.source(side, now), s.range.resolve(now)))
            });
            crate::effect::effect(move || {
                let (source, range) = source.get();
                loader.load(side, source, range);
            });
        }
        TwoSides {
            state,
            update,
            loader,
            now,
        }
    }
}

/// `/comparison-diff`.
#[component]
pub fn DiffPage() -> impl IntoView {
    let TwoSides {
        state,
        update,
        loader,
        now,
    } = TwoSides::new("/comparison-diff", true);

    let selected = Signal::from(Memo::new(move |_| state.with(|s| s.selected.clone())));
    let flame = FlameGraphState::new(loader.profile.into(), selected);
    let style = Signal::from(Memo::new(move |_| state.with(|s| s.style)));
    crate::effect::effect(move || flame.set_diff_style(style.get()));
    let search_term = Memo::new(move |_| state.with(|s| s.search.clone()));
    crate::effect::effect(move || flame.set_search(search_term.get()));
    sync_focus(flame, state, update);

    let edit = move |f: &dyn Fn(&mut DiffViewState), replace: bool| {
        let mut s = state.get_untracked();
        f(&mut s);
        update.run((s, replace));
    };
    let select_fn =
        Callback::new(move |f: Option<String>| edit(&|s| s.selected.clone_from(&f), false));
    api::browser::focus_on_slash("search-input");
    let export_error = RwSignal::new(None::<String>);
    let export = move |kind: &'static str| {
        let result = match (kind, loader.both()) {
            ("png", _) => {
                api::browser::download_canvas_png("diff.png", "#diff-flamegraph-pane canvas")
            }
            (_, Some((l, r))) => api::browser::download(
                "diff.json",
                to_diff_json(l.tree(), r.tree(), &l.meta).as_bytes(),
                "application/json",
            ),
            (_, None) => Err("nothing to export yet".to_owned()),
        };
        export_error.set(result.err());
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
    let waiting = move || {
        loader.profile.with(Option::is_none).then(|| {
            let loading = loader.loading.get().iter().any(|l| *l);
            let text = if loading { "Loading both sides…" } else { "Choose two profiles: a query and two windows, two URLs (?leftProfile=…&rightProfile=…) or two files." };
            view! { <p class="muted" id="diff-waiting">{text}</p> }
        })
    };

    view! {
        <section class="page diff" id="diff-page">
            <div class="toolbar">
                <h1 class="page-title">"Diff"</h1>
                <div class="spacer"></div>
                <a class="btn" id="to-split" href=move || format!("/comparison?{}", state.with(DiffViewState::to_query_string))>"Split view"</a>
                <DiffFiles
                    on_file=Callback::new(move |(side, name, bytes): (Side, String, Vec<u8>)| loader.show_file(side, &name, &bytes))
                    has=Callback::new(move |side| loader.has(side))
                />
            </div>
            <MainTimeline state=state now=now.into() loader=loader on_change=Callback::new(move |s: DiffViewState| update.run((s, false))) />
            <SideBoxes state=state now=now.into() on_change=Callback::new(move |s: DiffViewState| update.run((s, false))) />
            <DiffLegend style=style on_change=Callback::new(move |st: DiffStyle| edit(&|s| s.style = st, false)) />
            <div class="pane-toolbar">
                <input id="search-input" class="input" placeholder="Search… ( / )" prop:value=move || state.with(|s| s.search.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); edit(&|s| s.search.clone_from(&v), true) } />
                <button class="btn" id="reset-view" disabled=move || !flame.can_reset() on:click=move |_| flame.reset()>"Reset view"</button>
                <button class="btn" id="collapse-above" disabled=move || !flame.can_reset() on:click=move |_| flame.collapse_above_zoomed()>"Collapse nodes above"</button>
                <button class="btn" data-export="png" on:click=move |_| export("png")>"Export PNG"</button>
                <button class="btn" data-export="diff-json" on:click=move |_| export("json")>"Export diff JSON"</button>
                {move || export_error.get().map(|e| view! { <span class="error-text">{e}</span> })}
            </div>
            {errors}
            {progress_view(loader)}
            {waiting}
            <div class="panes" data-view="both">
                <DiffTable
                    model=loader.table.into()
                    style=style
                    sort=Signal::from(Memo::new(move |_| state.with(|s| s.sort)))
                    search=Signal::from(search_term)
                    selected=selected
                    on_sort=Callback::new(move |c| edit(&|s| s.sort = s.sort.clicked(c), false))
                    on_select=select_fn
                />
                <div class="flame-pane" id="diff-flamegraph-pane">
                    <FlameGraph state=flame
                        on_select_name=Callback::new(move |n: String| select_fn.run(Some(n))) />
                </div>
            </div>
        </section>
    }
}

/// "Baseline: 12 / 60 chunks" while a side's chunks arrive.
pub(crate) fn progress_view(loader: DiffLoader) -> impl IntoView {
    move || {
        Side::BOTH
            .into_iter()
            .zip(loader.chunks)
            .filter_map(|(side, c)| {
                let (done, total) = c.progress.get()?;
                let text = format!("{}: {done} / {total} chunks", side.title());
                Some(view! { <span class="muted chunk-progress" data-side=side.prefix()>{text}</span> })
            })
            .collect_view()
    }
}

/// The zoomed node lives in the URL as `focus=a;b;c` (as in the single view): links open
/// zoomed and Back undoes a zoom; each side writes only when the other differs.
fn sync_focus(
    flame: FlameGraphState,
    state: Memo<DiffViewState>,
    update: Callback<(DiffViewState, bool)>,
) {
    let focus = Memo::new(move |_| state.with(|s| s.focus.clone()));
    flame.sync_zoom_with_url(
        focus,
        Callback::new(move |path| {
            let mut s = state.get_untracked();
            s.focus = path;
            update.run((s, false));
        }),
    );
}
