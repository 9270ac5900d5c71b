//! `/login`: the sign-in form when the server has authentication on (the server sends
//! unauthenticated page requests here). A successful sign-in sets the session cookie and
//! reloads the app at `/`; a refused one says why.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (u, p) = (username.get_untracked(), password.get_untracked());
        spawn_local(async move {
            match api::http::login(&u, &p).await {
                Ok(()) => api::browser::go_to("/"),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="page login" id="login-page">
            <h1>"Sign in"</h1>
            {move || error.get().map(|e| view! { <p class="error-text" role="alert" id="login-error">{e}</p> })}
            <form class="login-form" on:submit=submit>
                <label>"User name"
                    <input class="input" id="username" autocomplete="username" required
                        on:input=move |ev| username.set(event_target_value(&ev)) />
                </label>
                <label>"Password"
                    <input class="input" type="password" id="password" autocomplete="current-password" required
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                </label>
                <button class="btn primary" type="submit" id="sign-in">"Sign in"</button>
            </form>
        </section>
    }
}
