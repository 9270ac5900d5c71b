//! `/settings/*`: the signed-in user's profile and password for everyone; API keys, users
//! and apps for admins (other roles see no such tabs, and the pages themselves say
//! "not allowed"). Each tab is a nested route rendered in the [`Outlet`].

mod apps;
mod keys;
mod password;
mod profile;
mod users;

pub use apps::AppsTab;
pub use keys::KeysTab;
pub use password::PasswordTab;
pub use profile::ProfileTab;
pub use users::UsersTab;

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use crate::app::SessionCtx;
use crate::pages::forbidden::Forbidden;

/// The tabs: path, label, admin only.
const TABS: &[(&str, &str, bool)] = &[
    ("/settings", "Profile", false),
    ("/settings/security", "Change password", false),
    ("/settings/api-keys", "API keys", true),
    ("/settings/users", "Users", true),
    ("/settings/apps", "Apps", true),
];

/// The settings frame: tabs for the user's role, then the tab's page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let SessionCtx(session) = expect_context();
    let tabs = move || {
        let admin = session.with(|s| s.is_admin());
        TABS.iter()
            .filter(|(_, _, only_admin)| admin || !only_admin)
            .map(|(path, label, _)| view! { <A href=*path exact=true>{*label}</A> })
            .collect_view()
    };
    view! {
        <section class="page settings" id="settings-page">
            <h1>"Settings"</h1>
            <nav class="settings-tabs" aria-label="Settings">{tabs}</nav>
            <Outlet/>
        </section>
    }
}

/// Renders `children` for admins, the "not allowed" message for everyone else.
#[component]
fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let SessionCtx(session) = expect_context();
    view! {
        <Show when=move || session.with(|s| s.is_admin()) fallback=|| view! { <Forbidden/> }>
            {children()}
        </Show>
    }
}
