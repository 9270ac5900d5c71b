//! The root component: app-wide contexts, the server check, and the route table. No
//! business logic lives here; it wires state to pages.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::api;
use crate::components::layout::Shell;
use crate::pages::{ComparisonPage, DiffPage, ExplorePage, LoginPage, NotFoundPage, SettingsPage};
use crate::state::{ServerStatus, Theme};

/// The user's theme preference, provided to every component.
#[derive(Debug, Clone, Copy)]
pub struct ThemeCtx(pub RwSignal<Theme>);

/// Reachability and build of the server, provided to every component.
#[derive(Debug, Clone, Copy)]
pub struct ServerCtx(pub RwSignal<ServerStatus>);

/// How long to wait before asking an unreachable server again.
const RETRY_AFTER: Duration = Duration::from_secs(5);

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let theme = RwSignal::new(Theme::parse(
        api::browser::load(Theme::STORAGE_KEY).as_deref(),
    ));
    Effect::new(move |_| {
        let t = theme.get();
        api::browser::apply_theme(t);
        api::browser::store(Theme::STORAGE_KEY, t.as_str());
    });
    let server = RwSignal::new(ServerStatus::Connecting);
    provide_context(ThemeCtx(theme));
    provide_context(ServerCtx(server));
    check_server(server);

    view! {
        <Router>
            <Shell>
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route path=path!("/") view=ExplorePage/>
                    <Route path=path!("/explore") view=ExplorePage/>
                    <Route path=path!("/comparison") view=ComparisonPage/>
                    <Route path=path!("/comparison-diff") view=DiffPage/>
                    <Route path=path!("/settings") view=SettingsPage/>
                    <Route path=path!("/settings/*any") view=SettingsPage/>
                    <Route path=path!("/login") view=LoginPage/>
                </Routes>
            </Shell>
        </Router>
    }
}

/// Asks the server for `/build`; while it cannot be reached, shows the banner and asks again
/// every [`RETRY_AFTER`].
fn check_server(server: RwSignal<ServerStatus>) {
    spawn_local(async move {
        let status = match api::http::build_info().await {
            Ok(info) => ServerStatus::Connected(info),
            Err(api::ApiError::Status(401 | 403, _)) => ServerStatus::NeedsLogin,
            Err(e) => ServerStatus::Unreachable(e.to_string()),
        };
        let retry = matches!(status, ServerStatus::Unreachable(_));
        server.set(status);
        if retry {
            set_timeout(move || check_server(server), RETRY_AFTER);
        }
    });
}
