//! Opening a profile without the server: a file picker, and dropping a file anywhere on
//! the page. JSON (flamebearer), folded text and pprof are recognised by content.

use leptos::prelude::*;

use crate::api::browser::read_file_input;

/// "Open file" button; also listens for files dropped on the window.
#[component]
pub fn OpenFile(
    /// Called with the file's name and bytes.
    on_file: Callback<(String, Vec<u8>)>,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let on_change = move |_| {
        if let Some(el) = input.get_untracked() {
            read_file_input(&el, move |name, bytes| on_file.run((name, bytes)));
        }
    };
    crate::api::browser::on_file_drop(move |name, bytes| on_file.run((name, bytes)));
    view! {
        <label class="btn" title="Open a JSON, folded or pprof file (or drop it on the page)">
            "Open file"
            <input type="file" id="open-file" class="hidden" node_ref=input on:change=on_change />
        </label>
    }
}
