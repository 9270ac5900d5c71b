//! The tags bar: a "Select tag" menu whose labels and values load lazily from the server,
//! and the query input (Enter runs it). Choosing a value sets `label="value"` in the query.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::state::tags::{is_active, with_tag};

/// Lazily loaded list: not asked yet, loading, loaded, or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lazy {
    Loading,
    Loaded(Vec<String>),
    Failed(String),
}

/// Tag menu plus query input.
#[component]
pub fn TagBar(
    /// The query as it is now.
    query: Signal<String>,
    /// The app of the query (used when the query does not parse).
    app: Signal<String>,
    /// Called with a new query to run.
    on_query: Callback<String>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let labels = RwSignal::new(None::<Lazy>);
    let label = RwSignal::new(None::<String>);
    let values = RwSignal::new(None::<Lazy>);
    let filter = RwSignal::new(String::new());
    let draft = RwSignal::new(String::new());
    crate::effect::effect(move || draft.set(query.get()));

    let open_menu = move |_| {
        let now_open = !open.get_untracked();
        open.set(now_open);
        label.set(None);
        if now_open {
            labels.set(Some(Lazy::Loading));
            let q = query.get_untracked();
            spawn_local(async move {
                labels.set(Some(match api::http::labels(&q).await {
                    Ok(l) => Lazy::Loaded(l),
                    Err(e) => Lazy::Failed(e.to_string()),
                }));
            });
        }
    };
    let open_label = move |l: String| {
        label.set(Some(l.clone()));
        filter.set(String::new());
        values.set(Some(Lazy::Loading));
        let q = query.get_untracked();
        spawn_local(async move {
            values.set(Some(match api::http::label_values(&l, &q).await {
                Ok(v) => Lazy::Loaded(v),
                Err(e) => Lazy::Failed(e.to_string()),
            }));
        });
    };
    let choose = move |value: String| {
        let Some(l) = label.get_untracked() else {
            return;
        };
        open.set(false);
        on_query.run(with_tag(
            &query.get_untracked(),
            &app.get_untracked(),
            &l,
            &value,
        ));
    };

    view! {
        <div class="tag-bar">
            <div class="tag-menu">
                <button class="btn tag-select" on:click=open_menu>"Select tag"</button>
                <Show when=move || open.get()>
                    <div class="dropdown tag-panel">
                        <ul class="tag-labels">
                            {move || match labels.get() {
                                Some(Lazy::Loaded(ls)) if ls.is_empty() => view! { <li class="muted">"No tags available"</li> }.into_any(),
                                Some(Lazy::Loaded(ls)) => ls.into_iter().map(|l| {
                                    let (l2, attr) = (l.clone(), l.clone());
                                    view! { <li><button class="link" data-label=attr on:click=move |_| open_label(l2.clone())>{l}</button></li> }
                                }).collect_view().into_any(),
                                Some(Lazy::Failed(e)) => view! { <li class="error-text">{e}</li> }.into_any(),
                                _ => view! { <li class="muted">"Loading…"</li> }.into_any(),
                            }}
                        </ul>
                        <Show when=move || label.get().is_some()>
                            <div class="tag-values">
                                <input class="input" placeholder="Type a tag…" prop:value=move || filter.get()
                                    on:input=move |ev| filter.set(event_target_value(&ev)) />
                                <ul>
                                    {move || match values.get() {
                                        Some(Lazy::Loaded(vs)) => {
                                            let f = filter.get().to_lowercase();
                                            let l = label.get().unwrap_or_default();
                                            vs.into_iter().filter(|v| v.to_lowercase().contains(&f)).map(|v| {
                                                let active = is_active(&query.get_untracked(), &l, &v);
                                                let (v2, attr) = (v.clone(), v.clone());
                                                view! { <li class:active=active><button class="link" data-value=attr on:click=move |_| choose(v2.clone())>{v}</button></li> }
                                            }).collect_view().into_any()
                                        }
                                        Some(Lazy::Failed(e)) => view! { <li class="error-text">{e}</li> }.into_any(),
                                        _ => view! { <li class="muted">"Loading…"</li> }.into_any(),
                                    }}
                                </ul>
                            </div>
                        </Show>
                    </div>
                </Show>
            </div>
            <input
                class="input query"
                spellcheck="false"
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev| if ev.key() == "Enter" { on_query.run(draft.get_untracked()) }
            />
            <button class="btn primary" on:click=move |_| on_query.run(draft.get_untracked())>"Execute"</button>
        </div>
    }
}
