//! The export menu: download the flamegraph as PNG, or the profile on screen as flamebearer
//! JSON, collapsed text or pprof, all produced in the browser from the loaded tree.

use leptos::prelude::*;

use crate::api::browser::download;
use crate::state::profile::{to_collapsed, to_flamebearer_json, to_pprof};
use crate::state::shown::Shown;

/// Export menu.
#[component]
pub fn ExportMenu(
    /// The profile on screen.
    shown: Signal<Option<Shown>>,
    /// Base file name, without extension.
    name: Signal<String>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let export = move |kind: &'static str| {
        open.set(false);
        let Some(s) = shown.get_untracked() else {
            return;
        };
        let base = name.get_untracked();
        let result = match kind {
            "json" => download(
                &format!("{base}.json"),
                to_flamebearer_json(s.tree(), &s.meta).as_bytes(),
                "application/json",
            ),
            "collapsed" => download(
                &format!("{base}.collapsed.txt"),
                to_collapsed(s.tree()).as_bytes(),
                "text/plain",
            ),
            "png" => crate::api::browser::download_canvas_png(
                &format!("{base}.png"),
                "#flamegraph-pane canvas",
            ),
            _ => download(
                &format!("{base}.pprof"),
                &to_pprof(s.tree(), &s.meta),
                "application/octet-stream",
            ),
        };
        error.set(result.err());
    };
    view! {
        <div class="export">
            <button class="btn" id="export" disabled=move || shown.with(Option::is_none) on:click=move |_| open.update(|o| *o = !*o)>"Export"</button>
            <Show when=move || open.get()>
                <div class="dropdown export-panel">
                    <button class="link" data-export="png" on:click=move |_| export("png")>"PNG image"</button>
                    <button class="link" data-export="json" on:click=move |_| export("json")>"Flamebearer JSON"</button>
                    <button class="link" data-export="collapsed" on:click=move |_| export("collapsed")>"Collapsed text"</button>
                    <button class="link" data-export="pprof" on:click=move |_| export("pprof")>"pprof"</button>
                </div>
            </Show>
            {move || error.get().map(|e| view! { <span class="error-text">{e}</span> })}
        </div>
    }
}
