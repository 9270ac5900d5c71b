//! Settings → Profile: the signed-in user's name, e-mail and full name.

use cinder_profile::api::ProfilePatch;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::app::SessionCtx;
use crate::components::form::{FieldErrors, FieldMessage};

/// The profile form, filled with the session's user.
#[component]
pub fn ProfileTab() -> impl IntoView {
    let SessionCtx(session) = expect_context();
    let user = session.with_untracked(|s| s.user().cloned());
    let Some(user) = user else {
        return view! { <p class="muted">"Not signed in."</p> }.into_any();
    };
    let name = RwSignal::new(user.name.clone());
    let email = RwSignal::new(user.email.clone().unwrap_or_default());
    let full_name = RwSignal::new(user.full_name.clone().unwrap_or_default());
    let errors = FieldErrors::new();
    let saved = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let patch = ProfilePatch {
            name: Some(name.get_untracked().trim().to_string()),
            email: Some(email.get_untracked().trim().to_string()).filter(|e| !e.is_empty()),
            full_name: Some(full_name.get_untracked()),
        };
        spawn_local(async move {
            match api::http::update_me(&patch).await {
                Ok(u) => {
                    errors.clear();
                    session.update(|s| s.set_user(u));
                    let _ = saved.try_set(true);
                }
                Err(e) => errors.server(&e),
            }
        });
    };
    let field =
        move |id: &'static str, label: &'static str, sig: RwSignal<String>, disabled: bool| {
            view! {
                <label>{label}
                    <input class="input" id=id prop:value=move || sig.get() disabled=disabled
                        on:input=move |ev| sig.set(event_target_value(&ev)) />
                    <FieldMessage errors=errors field=id/>
                </label>
            }
        };
    view! {
        <form class="settings-form" novalidate id="profile-form" on:submit=submit>
            <p class="muted">"Role: " <span id="my-role">{user.role.as_str()}</span></p>
            <FieldMessage errors=errors field=""/>
            {field("name", "User name", name, user.is_external)}
            {field("email", "E-mail", email, false)}
            {field("full-name", "Full name", full_name, false)}
            <button class="btn primary" type="submit" id="save-profile">"Save"</button>
            {move || saved.get().then(|| view! { <span id="profile-saved" role="status">"Saved."</span> })}
        </form>
    }
    .into_any()
}
