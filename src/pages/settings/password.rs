//! Settings → Change password: old, new, new again; checked before sending, the server's
//! refusal (a wrong current password) shown next to its field.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::app::SessionCtx;
use crate::components::form::{FieldErrors, FieldMessage};
use crate::state::forms;

/// The change-password form.
#[component]
pub fn PasswordTab() -> impl IntoView {
    let SessionCtx(session) = expect_context();
    let old = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let changed = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        changed.set(false);
        let checked = forms::password_change(
            &old.get_untracked(),
            &new.get_untracked(),
            &confirm.get_untracked(),
        );
        let Some(change) = errors.check(checked) else {
            return;
        };
        spawn_local(async move {
            match api::http::change_password(&change).await {
                Ok(()) => {
                    for s in [old, new, confirm] {
                        let _ = s.try_set(String::new());
                    }
                    session.update(crate::state::session::SessionState::password_changed);
                    let _ = changed.try_set(true);
                }
                Err(e) => errors.server(&e),
            }
        });
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      sig: RwSignal<String>,
                      ac: &'static str| {
        view! {
            <label>{label}
                <input class="input" type="password" id=id autocomplete=ac prop:value=move || sig.get()
                    on:input=move |ev| sig.set(event_target_value(&ev)) />
                <FieldMessage errors=errors field=id/>
            </label>
        }
    };
    view! {
        <form class="settings-form" novalidate id="password-form" on:submit=submit>
            <FieldMessage errors=errors field=""/>
            {field("old-password", "Current password", old, "current-password")}
            {field("new-password", "New password", new, "new-password")}
            {field("confirm-password", "New password again", confirm, "new-password")}
            <button class="btn primary" type="submit" id="change-password">"Change password"</button>
            {move || changed.get().then(|| view! {
                <span id="password-changed" role="status">"Password changed. Other sessions of this account have ended."</span>
            })}
        </form>
    }
}
