//! Opening a diff without the server: one picker per side, and dropping files on the page
//! (two at once: the first is the baseline; one: the side that is still empty, else the
//! comparison). JSON (flamebearer), folded text and pprof are recognised by content.

use leptos::prelude::*;

use crate::api::browser::{on_files_drop, read_file_input};
use crate::state::diff_view::Side;

/// "Baseline file" and "Comparison file" buttons; also listens for dropped files.
#[component]
pub fn DiffFiles(
    /// Called with the side, the file's name and bytes.
    on_file: Callback<(Side, String, Vec<u8>)>,
    /// Whether a side already has a profile (a single dropped file fills the other).
    has: Callback<Side, bool>,
) -> impl IntoView {
    on_files_drop(move |index, name, bytes| {
        let side = match index {
            0 if !has.run(Side::Left) => Side::Left,
            0 => Side::Right,
            _ => Side::Right,
        };
        on_file.run((side, name, bytes));
    });
    let picker = move |side: Side| {
        let input = NodeRef::<leptos::html::Input>::new();
        let on_change = move |_| {
            if let Some(el) = input.get_untracked() {
                read_file_input(&el, move |name, bytes| on_file.run((side, name, bytes)));
            }
        };
        let id = format!("open-{}-file", side.prefix());
        view! {
            <label class="btn" title="Open a JSON, folded or pprof file (or drop two files on the page)">
                {format!("{} file", side.title())}
                <input type="file" id=id class="hidden" node_ref=input on:change=on_change />
            </label>
        }
    };
    view! { <span class="diff-files">{picker(Side::Left)}{picker(Side::Right)}</span> }
}
