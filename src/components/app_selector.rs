//! The application selector: a button naming the current app that opens a panel with a
//! search box, app groups on the left and the chosen group's profile types on the right.

use leptos::prelude::*;

use crate::state::apps::{group_apps, AppInfo};

/// Picks an application.
#[component]
pub fn AppSelector(
    /// Every app the server knows.
    apps: Signal<Vec<AppInfo>>,
    /// The app shown now (may be empty).
    current: Signal<String>,
    /// Called with the chosen app's full name.
    on_select: Callback<String>,
    /// Reloads the app list.
    on_refresh: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let chosen_group = RwSignal::new(None::<String>);
    let groups = Memo::new(move |_| apps.with(|a| group_apps(a, &search.get())));
    let active_group = Memo::new(move |_| {
        let gs = groups.get();
        let wanted = chosen_group
            .get()
            .or_else(|| current.with(|c| c.rsplit_once('.').map(|(g, _)| g.to_string())));
        gs.iter()
            .find(|g| Some(&g.name) == wanted.as_ref())
            .or(gs.first())
            .cloned()
    });
    let pick = move |app: String| {
        open.set(false);
        on_select.run(app);
    };
    view! {
        <div class="app-selector">
            <button id="app-selector" class="btn" on:click=move |_| open.update(|o| *o = !*o)>
                "Application: " <strong>{move || { let c = current.get(); if c.is_empty() { "none".to_string() } else { c } }}</strong>
            </button>
            <button class="btn ghost" title="Refresh the application list" on:click=move |_| on_refresh.run(())>"↻"</button>
            <Show when=move || open.get()>
                <div class="dropdown app-panel" role="dialog" aria-label="Select application">
                    <input
                        class="input"
                        placeholder="Type an app"
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                    <Show
                        when=move || !groups.with(Vec::is_empty)
                        fallback=|| view! { <p class="muted empty">"No Data"</p> }
                    >
                        <div class="columns">
                            <ul class="app-groups">
                                <For each=move || groups.get() key=|g| g.name.clone() let:g>
                                    {
                                        let name = g.name.clone();
                                        let single = (g.apps.len() == 1).then(|| g.apps[0].clone());
                                        let is_active = {
                                            let name = name.clone();
                                            move || active_group.with(|a| a.as_ref().is_some_and(|a| a.name == name))
                                        };
                                        view! {
                                            <li class:active=is_active>
                                                <button class="link" on:click=move |_| match single.clone() {
                                                    Some(app) => pick(app),
                                                    None => chosen_group.set(Some(name.clone())),
                                                }>{g.name}</button>
                                            </li>
                                        }
                                    }
                                </For>
                            </ul>
                            <ul class="app-types">
                                {move || active_group.get().map(|g| g.apps.iter().map(|app| {
                                    let label = g.suffix(app).to_string();
                                    let app = app.clone();
                                    let is_current = { let app = app.clone(); move || current.with(|c| *c == app) };
                                    let attr = app.clone();
                                    view! {
                                        <li class:active=is_current>
                                            <button class="link" data-app=attr on:click=move |_| pick(app.clone())>{label}</button>
                                        </li>
                                    }
                                }).collect_view())}
                            </ul>
                        </div>
                    </Show>
                </div>
            </Show>
        </div>
    }
}
