//! The export menu: download the profile on screen as flamebearer JSON, collapsed text or
//! pprof, all produced in the browser from the loaded tree.

use leptos::prelude::*;

use crate::api::browser::download;
use crate::pages::Shown;

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
                s.profile.to_flamebearer_json().as_bytes(),
                "application/json",
            ),
            "collapsed" => download(
                &format!("{base}.collapsed.txt"),
                s.profile.to_collapsed().as_bytes(),
                "text/plain",
            ),
            _ => download(
                &format!("{base}.pprof"),
                &s.profile.to_pprof(),
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
                    <button class="link" data-export="json" on:click=move |_| export("json")>"Flamebearer JSON"</button>
                    <button class="link" data-export="collapsed" on:click=move |_| export("collapsed")>"Collapsed text"</button>
                    <button class="link" data-export="pprof" on:click=move |_| export("pprof")>"pprof"</button>
                </div>
            </Show>
            {move || error.get().map(|e| view! { <span class="error-text">{e}</span> })}
        </div>
    }
}
