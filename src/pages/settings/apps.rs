//! Settings → Apps (admin): every application with its profile types, label count and last
//! data time; deleting one (all its types and data) needs its name typed.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::form::server_message;
use crate::state::apps::AppInfo;
use crate::state::clock::relative;
use crate::state::directory::{summarize_apps, AppSummary};
use crate::state::forms::delete_confirmed;

/// The list as last loaded (`None` while loading).
type Apps = RwSignal<Option<Result<Vec<AppInfo>, String>>>;

/// (Re)loads the list; a page left meanwhile ignores the answer.
fn load(apps: Apps) {
    spawn_local(async move {
        let _ = apps.try_set(Some(
            api::http::apps_details().await.map_err(|e| e.to_string()),
        ));
    });
}

/// The apps page.
#[component]
pub fn AppsTab() -> impl IntoView {
    view! { <AppsAdmin/> }
}

#[component]
fn AppsAdmin() -> impl IntoView {
    let apps: Apps = RwSignal::new(None);
    let search = RwSignal::new(String::new());
    load(apps);
    let rows = move || match apps.get() {
        None => view! { <p class="muted">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error-text" role="alert">{e}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="muted" id="no-apps">"No apps yet."</p> }.into_any()
        }
        Some(Ok(list)) => {
            let shown = search.with(|s| summarize_apps(&list, s));
            view! {
                <table class="settings-table" id="apps-table">
                    <thead><tr><th>"App"</th><th>"Profile types"</th><th>"Labels"</th><th>"Last data"</th><th></th></tr></thead>
                    <tbody>{shown.into_iter().map(|a| view! { <AppRow app=a apps=apps/> }).collect_view()}</tbody>
                </table>
            }.into_any()
        }
    };
    view! {
        <input class="input" id="app-search" placeholder="Search apps" type="search"
            on:input=move |ev| search.set(event_target_value(&ev)) />
        {rows}
    }
}

#[component]
fn AppRow(app: AppSummary, apps: Apps) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let name = app.name.clone();
    let full_names = app.full_names.clone();
    let delete = move |_| {
        let names = full_names.clone();
        busy.set(true);
        spawn_local(async move {
            for n in &names {
                if let Err(e) = api::http::delete_app(n).await {
                    let _ = error.try_set(Some(server_message(&e)));
                    let _ = busy.try_set(false);
                    return;
                }
            }
            load(apps);
        });
    };
    let ok_name = name.clone();
    let can_delete =
        Memo::new(move |_| typed.with(|t| delete_confirmed(&ok_name, t)) && !busy.get());
    let last = app.last_data_time.map_or_else(
        || "no data".to_string(),
        |t| relative(t, api::browser::now_secs()),
    );
    view! {
        <tr data-app=app.name.clone()>
            <td>{app.name.clone()}</td>
            <td>{app.types.join(", ")}</td>
            <td>{app.label_count}</td>
            <td>{last}</td>
            <td>
                {move || if confirming.get() {
                    Either::Left(view! {
                        <label>{format!("Type \u{201c}{name}\u{201d} to delete it and all its data:")}
                            <input class="input confirm-name" on:input=move |ev| typed.set(event_target_value(&ev)) />
                        </label>
                        <button class="btn danger confirm-delete" disabled=move || !can_delete.get() on:click=delete.clone()>"Delete"</button>
                        <button class="btn ghost" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    })
                } else {
                    Either::Right(view! { <button class="btn ghost delete-app" on:click=move |_| confirming.set(true)>"Delete"</button> })
                }}
                {move || error.get().map(|e| view! { <span class="error-text" role="alert">{e}</span> })}
            </td>
        </tr>
    }
}
