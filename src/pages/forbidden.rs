//! `/forbidden` and the admin pages shown to other roles: what you may not do, said plainly.

use leptos::prelude::*;

/// The 403 page.
#[component]
pub fn ForbiddenPage() -> impl IntoView {
    view! { <Forbidden/> }
}

/// The 403 message, also shown in place of an admin page.
#[component]
pub fn Forbidden() -> impl IntoView {
    view! {
        <section class="page" id="forbidden-page">
            <h1>"Not allowed"</h1>
            <p>"Your account's role does not allow this page. Ask an administrator if you need it."</p>
            <p><a href="/">"Back to the single view"</a></p>
        </section>
    }
}
