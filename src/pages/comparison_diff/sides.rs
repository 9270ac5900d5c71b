//! The two side boxes of the diff view: each side's title and colour, its query with its own
//! tag bar and its window (as the original writes them: `now-1h`, unix seconds) or its
//! profile URL, and a link
//! that opens the side alone in the single view.

use leptos::prelude::*;

use crate::components::tag_bar::TagBar;
use crate::state::diff_view::{DiffViewState, Side, SideParams};
use crate::state::tags::app_of;

/// Baseline and comparison boxes.
#[component]
pub fn SideBoxes(
    /// The view's state.
    state: Memo<DiffViewState>,
    /// The time relative windows are resolved at.
    now: Signal<i64>,
    /// An edited state.
    on_change: Callback<DiffViewState>,
) -> impl IntoView {
    let side_box = move |side: Side| {
        let params = move || state.with(|s| s.side(side).clone());
        let set = move |f: fn(&mut SideParams, String), v: String| {
            let mut s = state.get_untracked();
            let p = match side {
                Side::Left => &mut s.left,
                Side::Right => &mut s.right,
            };
            f(p, v);
            s.data_changed();
            on_change.run(s);
        };
        let field = move |key: &'static str,
                          get: fn(&SideParams) -> String,
                          put: fn(&mut SideParams, String)| {
            view! {
                <input class="input" data-field=key placeholder=key prop:value=move || get(&params())
                    on:change=move |ev| set(put, event_target_value(&ev)) />
            }
        };
        let link = move || state.with(|s| s.single_view_link(side, now.get()));
        let query = Signal::derive(move || state.with(|s| s.side_query(side).to_owned()));
        let app = Signal::derive(move || query.with(|q| app_of(q).unwrap_or_default()));
        view! {
            <div class="diff-side" data-side=side.prefix() id=format!("{}-side", side.prefix())>
                <strong><span class="chip"></span>{side.title()}</strong>" "
                {move || match params().profile {
                    Some(url) => view! { <span class="muted">{url}</span> }.into_any(),
                    None => view! {
                        <span>
                            <TagBar query=query app=app
                                on_query=Callback::new(move |q| set(|p, v| p.query = v, q)) />
                            {field("from", |p| p.from.clone(), |p, v| p.from = v)}
                            {field("until", |p| p.until.clone(), |p, v| p.until = v)}
                        </span>
                    }.into_any(),
                }}
                " "<a class="link" data-single=side.prefix() href=link>"Open as single view"</a>
            </div>
        }
    };
    view! { <div class="diff-sides">{side_box(Side::Left)}{side_box(Side::Right)}</div> }
}
