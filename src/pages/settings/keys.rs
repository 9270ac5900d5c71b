//! Settings → API keys (admin): the keys with role, creation and expiry; a form to create
//! one (name, role with what each allows, lifetime); the new secret shown once with a copy
//! button and agent snippets; deletion after a confirmation.

use cinder_profile::api::{ApiKey, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::form::{ConfirmDelete, FieldErrors, FieldMessage};
use crate::state::clock::{parse_rfc3339, relative};
use crate::state::forms::{self, Lifetime};
use crate::state::snippets::snippets;

/// `at` (RFC 3339) relative to now; `never` when absent.
fn when(at: Option<&str>) -> String {
    at.and_then(parse_rfc3339).map_or_else(
        || "never".to_string(),
        |t| relative(t, api::browser::now_secs()),
    )
}

/// The API keys page.
#[component]
pub fn KeysTab() -> impl IntoView {
    view! { <KeysAdmin/> }
}

/// The list as last loaded (`None` while loading).
type Keys = RwSignal<Option<Result<Vec<ApiKey>, String>>>;

/// (Re)loads the list; a page left meanwhile ignores the answer.
fn load(keys: Keys) {
    spawn_local(async move {
        let _ = keys.try_set(Some(api::http::keys().await.map_err(|e| e.to_string())));
    });
}

#[component]
fn KeysAdmin() -> impl IntoView {
    let keys: Keys = RwSignal::new(None);
    load(keys);
    let created = RwSignal::new(None::<ApiKey>);
    view! {
        <CreateKey created=created keys=keys/>
        {move || created.get().map(|k| view! { <NewSecret key=k/> })}
        <h2>"Keys"</h2>
        {move || match keys.get() {
            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error-text" role="alert">{e}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="muted" id="no-keys">"No API keys yet."</p> }.into_any(),
            Some(Ok(list)) => view! {
                <table class="settings-table" id="keys-table">
                    <thead><tr><th>"Name"</th><th>"Role"</th><th>"Created"</th><th>"Expires"</th><th></th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|k| view! { <KeyRow key=k keys=keys/> }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}

#[component]
fn KeyRow(key: ApiKey, keys: Keys) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let id = key.id;
    let delete = move |_| {
        spawn_local(async move {
            match api::http::delete_key(id).await {
                Ok(()) => load(keys),
                Err(e) => {
                    let _ = error.try_set(Some(e.to_string()));
                }
            }
        });
    };
    let name = key.name.clone();
    view! {
        <tr data-key=key.name.clone()>
            <td>{key.name.clone()}</td>
            <td>{key.role.as_str()}</td>
            <td>{when(Some(&key.created_at))}</td>
            <td>{when(key.expires_at.as_deref())}</td>
            <td>
                <ConfirmDelete class="delete-key" on_confirm=Callback::new(delete)
                    question=format!("Delete \u{201c}{name}\u{201d}? Agents using it stop at once. ")/>
                {move || error.get().map(|e| view! { <span class="error-text" role="alert">{e}</span> })}
            </td>
        </tr>
    }
}

#[component]
fn CreateKey(created: RwSignal<Option<ApiKey>>, keys: Keys) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let lifetime = RwSignal::new(Lifetime::Year);
    let errors = FieldErrors::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = forms::new_api_key(
            &name.get_untracked(),
            role.get_untracked(),
            lifetime.get_untracked(),
        );
        let Some(req) = errors.check(checked) else {
            return;
        };
        spawn_local(async move {
            match api::http::create_key(&req).await {
                Ok(k) => {
                    let _ = name.try_set(String::new());
                    let _ = created.try_set(Some(k));
                    load(keys);
                }
                Err(e) => errors.server_at(&e, ""),
            }
        });
    };
    view! {
        <h2>"Create an API key"</h2>
        <form class="settings-form" novalidate id="create-key-form" on:submit=submit>
            <FieldMessage errors=errors field=""/>
            <label>"Name"
                <input class="input" id="key-name" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
                <FieldMessage errors=errors field="key-name"/>
            </label>
            <label>"Role"
                <select class="input" id="key-role" on:change=move |ev| {
                    if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }
                }>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == r>{r.as_str()}</option>
                    }).collect_view()}
                </select>
            </label>
            <ul class="muted role-help">
                {Role::ALL.into_iter().map(|r| view! { <li>{r.explanation()}</li> }).collect_view()}
            </ul>
            <label>"Valid for"
                <select class="input" id="key-lifetime" on:change=move |ev| {
                    if let Some(l) = Lifetime::parse(&event_target_value(&ev)) { lifetime.set(l) }
                }>
                    {Lifetime::ALL.into_iter().map(|l| view! {
                        <option value=l.label() selected=move || lifetime.get() == l>{l.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <button class="btn primary" type="submit" id="create-key">"Create key"</button>
        </form>
    }
}

/// The secret of a key just created, shown once, with agent snippets.
#[component]
fn NewSecret(key: ApiKey) -> impl IntoView {
    let secret = key.key.clone().unwrap_or_default();
    let copied = RwSignal::new(false);
    let to_copy = secret.clone();
    let all = snippets(&api::browser::origin(), &secret);
    view! {
        <section class="new-key" id="new-key" role="status">
            <p>{format!("Key \u{201c}{}\u{201d} ({}) created. Copy it now: it is not shown again.", key.name, key.role)}</p>
            <p>
                <code id="new-key-secret">{secret}</code>
                " "
                <button class="btn" id="copy-key" on:click=move |_| {
                    api::browser::copy_to_clipboard(&to_copy);
                    copied.set(true);
                }>{move || if copied.get() { "Copied" } else { "Copy" }}</button>
            </p>
            {all.into_iter().map(|s| view! {
                <h3>{s.title}</h3>
                <pre class="snippet" id=format!("snippet-{}", s.id)>{s.code}</pre>
            }).collect_view()}
        </section>
    }
}
