//! `/settings/*`: the user's account, API keys and users (admin).

use leptos::prelude::*;

/// `/settings` and its sub-pages.
#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <section class="page" id="settings-page">
            <h1>"Settings"</h1>
            <p class="muted">"Account, API keys and users."</p>
        </section>
    }
}
