//! Settings → Users (admin): search, add, change role, enable or disable, delete after a
//! confirmation. Your own row is read-only; the server's refusals (the last admin, for
//! one) are shown as messages.

use cinder_profile::api::{Role, User};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::app::SessionCtx;
use crate::components::form::{server_message, ConfirmDelete, FieldErrors, FieldMessage};
use crate::state::directory::search_users;
use crate::state::forms;

/// The list as last loaded (`None` while loading).
type Users = RwSignal<Option<Result<Vec<User>, String>>>;

/// (Re)loads the list; a page left meanwhile ignores the answer.
fn load(users: Users) {
    spawn_local(async move {
        let _ = users.try_set(Some(api::http::users().await.map_err(|e| e.to_string())));
    });
}

/// The users page.
#[component]
pub fn UsersTab() -> impl IntoView {
    view! { <UsersAdmin/> }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let SessionCtx(session) = expect_context();
    let me = session.with_untracked(|s| s.user().map(|u| u.id));
    let users: Users = RwSignal::new(None);
    let search = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    load(users);
    // Runs a user action, then shows its refusal and reloads the list.
    let act = Callback::new(move |a: Action| {
        spawn_local(async move {
            let shown = a.run().await.err().map(|e| server_message(&e));
            let _ = message.try_set(shown);
            load(users);
        });
    });
    let rows = move || match users.get() {
        None => view! { <p class="muted">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error-text" role="alert">{e}</p> }.into_any(),
        Some(Ok(list)) => {
            let shown: Vec<User> =
                search.with(|s| search_users(&list, s).into_iter().cloned().collect());
            view! {
                <table class="settings-table" id="users-table">
                    <thead><tr><th>"Name"</th><th>"E-mail"</th><th>"Full name"</th><th>"Role"</th><th>"Enabled"</th><th></th></tr></thead>
                    <tbody>
                        {shown.into_iter().map(|u| {
                            let own = Some(u.id) == me;
                            view! { <UserRow user=u own=own act=act/> }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }
    };
    view! {
        <AddUser users=users/>
        <h2>"Users"</h2>
        <input class="input" id="user-search" placeholder="Search users" type="search"
            on:input=move |ev| search.set(event_target_value(&ev)) />
        {move || message.get().map(|m| view! { <p class="error-text" role="alert" id="users-error">{m}</p> })}
        {rows}
    }
}

/// What an admin does to a user from the table.
#[derive(Debug, Clone, Copy)]
enum Action {
    Delete(u64),
    Role(u64, Role),
    Enabled(u64, bool),
}

impl Action {
    async fn run(self) -> Result<(), ApiError> {
        match self {
            Action::Delete(id) => api::http::delete_user(id).await,
            Action::Role(id, r) => api::http::set_role(id, r).await,
            Action::Enabled(id, on) => api::http::set_enabled(id, on).await,
        }
    }
}

#[component]
fn UserRow(user: User, own: bool, act: Callback<Action>) -> impl IntoView {
    let id = user.id;
    let enabled = !user.is_disabled;
    let role = user.role;
    let name = user.name.clone();
    let row_name = user.name.clone();
    let actions = move || {
        if own {
            return view! { <span class="muted">"(you)"</span> }.into_any();
        }
        view! {
            <ConfirmDelete class="delete-user" on_confirm=Callback::new(move |()| act.run(Action::Delete(id)))
                question=format!("Delete \u{201c}{name}\u{201d}? ")/>
        }.into_any()
    };
    view! {
        <tr data-user=user.name>
            <td>{row_name}</td>
            <td>{user.email.clone().unwrap_or_default()}</td>
            <td>{user.full_name.clone().unwrap_or_default()}</td>
            <td>
                <select class="input user-role" disabled=own on:change=move |ev| {
                    if let Some(r) = Role::parse(&event_target_value(&ev)) {
                        act.run(Action::Role(id, r));
                    }
                }>
                    {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r == role>{r.as_str()}</option> }).collect_view()}
                </select>
            </td>
            <td>
                <input type="checkbox" class="user-enabled" checked=enabled disabled=own
                    on:change=move |ev| act.run(Action::Enabled(id, event_target_checked(&ev))) />
            </td>
            <td>{actions}</td>
        </tr>
    }
}

#[component]
fn AddUser(users: Users) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let full_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::ReadOnly);
    let errors = FieldErrors::new();
    let added = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        added.set(None);
        let checked = forms::new_user(
            &name.get_untracked(),
            &email.get_untracked(),
            &full_name.get_untracked(),
            &password.get_untracked(),
            None,
            Some(role.get_untracked()),
        );
        let Some(new) = errors.check(checked) else {
            return;
        };
        spawn_local(async move {
            match api::http::create_user(&new).await {
                Ok(u) => {
                    for s in [name, email, full_name, password] {
                        let _ = s.try_set(String::new());
                    }
                    let _ = added.try_set(Some(u.name));
                    load(users);
                }
                Err(e) => errors.server(&e),
            }
        });
    };
    let field =
        move |id: &'static str, label: &'static str, kind: &'static str, sig: RwSignal<String>| {
            view! {
                <label>{label}
                    <input class="input" id=id type=kind prop:value=move || sig.get()
                        on:input=move |ev| sig.set(event_target_value(&ev)) />
                    <FieldMessage errors=errors field=id/>
                </label>
            }
        };
    view! {
        <h2>"Add a user"</h2>
        <form class="settings-form" novalidate id="add-user-form" on:submit=submit>
            <FieldMessage errors=errors field=""/>
            {field("name", "User name", "text", name)}
            {field("email", "E-mail (optional)", "email", email)}
            {field("full-name", "Full name (optional)", "text", full_name)}
            {field("password", "Password", "password", password)}
            <label>"Role"
                <select class="input" id="new-user-role" on:change=move |ev| {
                    if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }
                }>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == r>{r.as_str()}</option>
                    }).collect_view()}
                </select>
            </label>
            <button class="btn primary" type="submit" id="add-user">"Add user"</button>
            {move || added.get().map(|n| view! { <span id="user-added" role="status">{format!("Added {n}.")}</span> })}
        </form>
    }
}
