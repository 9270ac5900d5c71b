//! The single view (`/`): one app, one time range, its timeline and flamegraph.

use leptos::prelude::*;

/// `/` and `/explore`.
#[component]
pub fn ExplorePage() -> impl IntoView {
    view! {
        <section class="page" id="explore-page">
            <h1>"Single view"</h1>
            <p class="muted">"Pick an application and a time range to see where it spends its time."</p>
        </section>
    }
}
