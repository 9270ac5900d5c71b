//! The admin pages shown to other roles: what you may not do, said plainly. (The
//! original's `/forbidden` page exists for failed OAuth sign-ins, which Cinder does not
//! have; that path shows the not-found page.)

use leptos::prelude::*;

/// The 403 message, shown in place of an admin page.
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
