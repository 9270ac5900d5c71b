//! What any unknown path shows (the server answers such paths with 404 and this app).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The 404 page.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let path = use_location().pathname;
    view! {
        <section class="page" id="not-found">
            <h1>"Page not found"</h1>
            <p>"Nothing lives at " <code>{move || path.get()}</code> "."</p>
            <p><a href="/">"Back to the single view"</a></p>
        </section>
    }
}
