//! `/signup`: creates an account where the server allows it (`signupEnabled`), then sends
//! the user to sign in. Elsewhere the page says sign-up is off.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::app::SessionCtx;
use crate::components::form::{FieldErrors, FieldMessage};
use crate::state::forms;

/// The sign-up page.
#[component]
pub fn SignupPage() -> impl IntoView {
    let SessionCtx(session) = expect_context();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let full_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = forms::new_user(
            &name.get_untracked(),
            &email.get_untracked(),
            &full_name.get_untracked(),
            &password.get_untracked(),
            Some(&confirm.get_untracked()),
            None,
        );
        let Some(user) = errors.check(checked) else {
            return;
        };
        spawn_local(async move {
            match api::http::signup(&user).await {
                Ok(()) => {
                    let _ = done.try_set(true);
                }
                Err(e) => errors.server(&e),
            }
        });
    };
    let input = move |id: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      sig: RwSignal<String>| {
        view! {
            <label>{label}
                <input class="input" id=id type=kind on:input=move |ev| sig.set(event_target_value(&ev)) />
                <FieldMessage errors=errors field=id/>
            </label>
        }
    };
    view! {
        <section class="page login" id="signup-page">
            <h1>"Sign up"</h1>
            {move || if !session.with(super::super::state::session::SessionState::signup_enabled) {
                EitherOf3::A(view! { <p class="muted" id="signup-off">"Sign-up is not enabled on this server."</p> })
            } else if done.get() {
                EitherOf3::B(view! { <p id="signup-done">"Account created. " <a href="/login">"Sign in"</a></p> })
            } else {
                EitherOf3::C(view! {
                    <FieldMessage errors=errors field=""/>
                    <form class="login-form" novalidate on:submit=submit>
                        {input("name", "User name", "text", name)}
                        {input("email", "E-mail (optional)", "email", email)}
                        {input("full-name", "Full name (optional)", "text", full_name)}
                        {input("password", "Password", "password", password)}
                        {input("confirm-password", "Password again", "password", confirm)}
                        <button class="btn primary" type="submit" id="sign-up">"Create account"</button>
                    </form>
                })
            }}
            <p class="muted"><a href="/login">"Back to sign in"</a></p>
        </section>
    }
}
