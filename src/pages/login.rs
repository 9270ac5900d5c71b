//! `/login`: the sign-in form, a page of its own (no app navigation). The server sends
//! signed-out page requests here with `?next=<the wanted URL>`; after signing in the
//! browser loads that URL (a full load, so the session is read afresh). Refusals say
//! why: wrong credentials, a disabled account, or too many attempts with the wait.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use crate::api::{self, ApiError};
use crate::app::SessionCtx;
use crate::state::session::{after_sign_in, sign_in_refusal};

/// The message for a refused sign-in.
fn refusal(e: &ApiError) -> String {
    match e {
        ApiError::Status(status, m) => sign_in_refusal(*status, m),
        other => other.to_string(),
    }
}

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let SessionCtx(session) = expect_context();
    let query = use_query_map();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (u, p) = (username.get_untracked(), password.get_untracked());
        let next = query.with_untracked(|q| q.get("next"));
        busy.set(true);
        spawn_local(async move {
            match api::http::login(&u, &p).await {
                Ok(()) => api::browser::go_to(after_sign_in(next.as_deref())),
                Err(e) => {
                    let _ = error.try_set(Some(refusal(&e)));
                    let _ = busy.try_set(false);
                }
            }
        });
    };
    view! {
        <section class="page login" id="login-page">
            <h1>"Sign in to Cinder"</h1>
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
                <button class="btn primary" type="submit" id="sign-in" disabled=move || busy.get()>"Sign in"</button>
            </form>
            {move || session.with(super::super::state::session::SessionState::signup_enabled).then(|| view! {
                <p class="muted">"No account? " <a href="/signup" id="signup-link">"Sign up"</a></p>
            })}
        </section>
    }
}
