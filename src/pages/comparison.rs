//! Two time ranges of one app side by side (`/comparison`); the diff of two profiles is
//! `comparison_diff`.

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
