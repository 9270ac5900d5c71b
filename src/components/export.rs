//! The export menu: download the flamegraph as PNG, or the profile on screen as flamebearer
//! JSON, collapsed text or pprof, all produced in the browser from the loaded tree.

use cinder_profile::api::ProfileFormat;
use leptos::prelude::*;

use crate::api::browser::{download, download_canvas_png};
use crate::pages::Shown;
use crate::state::profile::{export, export_mime};

/// What the menu offers: the flamegraph as an image, or the profile in a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Export {
    Png,
    Profile(ProfileFormat),
}

impl Export {
    /// Menu order.
    fn all() -> impl Iterator<Item = Export> {
        std::iter::once(Export::Png).chain(ProfileFormat::ALL.into_iter().map(Export::Profile))
    }

    /// The `data-export` attribute (what tests click).
    fn id(self) -> &'static str {
        match self {
            Export::Png => "png",
            Export::Profile(f) => f.as_str(),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Export::Png => "PNG image",
            Export::Profile(ProfileFormat::Json) => "Flamebearer JSON",
            Export::Profile(ProfileFormat::Collapsed) => "Collapsed text",
            Export::Profile(ProfileFormat::Pprof) => "pprof",
        }
    }
}

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
    let run = move |kind: Export| {
        open.set(false);
        let Some(s) = shown.get_untracked() else {
            return;
        };
        let base = name.get_untracked();
        let result = match kind {
            Export::Png => download_canvas_png(&format!("{base}.png"), "#flamegraph-pane canvas"),
            Export::Profile(f) => download(
                &format!("{base}.{}", f.extension()),
                &export(f, s.tree(), &s.meta),
                export_mime(f),
            ),
        };
        error.set(result.err());
    };
    view! {
        <div class="export">
            <button class="btn" id="export" disabled=move || shown.with(Option::is_none) on:click=move |_| open.update(|o| *o = !*o)>"Export"</button>
            <Show when=move || open.get()>
                <div class="dropdown export-panel">
                    {Export::all().map(|e| view! {
                        <button class="link" data-export=e.id() on:click=move |_| run(e)>{e.label()}</button>
                    }).collect_view()}
                </div>
            </Show>
            {move || error.get().map(|e| view! { <span class="error-text">{e}</span> })}
        </div>
    }
}
