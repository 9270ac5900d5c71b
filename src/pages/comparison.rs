//! Two time ranges of one app: side by side (`/comparison`) or as a diff (`/comparison-diff`).

use leptos::prelude::*;

/// `/comparison`.
#[component]
pub fn ComparisonPage() -> impl IntoView {
    view! {
        <section class="page" id="comparison-page">
            <h1>"Comparison"</h1>
            <p class="muted">"Two time ranges of the same application, side by side."</p>
        </section>
    }
}

/// `/comparison-diff`.
#[component]
pub fn DiffPage() -> impl IntoView {
    view! {
        <section class="page" id="diff-page">
            <h1>"Diff"</h1>
            <p class="muted">"What changed between two time ranges, coloured by difference."</p>
        </section>
    }
}
