//! The root component: app-wide contexts, the server check, and the route table. No
//! business logic lives here; it wires state to pages.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Router;
use leptos_router::hooks::use_location;
use leptos_router::location::{BrowserUrl, LocationProvider};

use crate::api;
use crate::components::layout::Shell;
use crate::pages::{
    ComparisonPage, DiffPage, ExplorePage, LoginPage, NotFoundPage, ServiceDiscoveryPage,
    SettingsPage, SignupPage,
};
use crate::state::nav::Page;
use crate::state::{ServerStatus, SessionState, Theme};

/// The user's theme preference, provided to every component.
#[derive(Debug, Clone, Copy)]
pub struct ThemeCtx(pub RwSignal<Theme>);

/// Reachability and build of the server, provided to every component.
#[derive(Debug, Clone, Copy)]
pub struct ServerCtx(pub RwSignal<ServerStatus>);

/// Who is signed in and whether the server requires it, provided to every component.
#[derive(Debug, Clone, Copy)]
pub struct SessionCtx(pub RwSignal<SessionState>);

/// How long to wait before asking an unreachable server again.
const RETRY_AFTER: Duration = Duration::from_secs(5);

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let theme = RwSignal::new(Theme::parse(
        api::browser::load(Theme::STORAGE_KEY).as_deref(),
    ));
    crate::effect::effect(move || {
        let t = theme.get();
        api::browser::apply_theme(t);
        api::browser::store(Theme::STORAGE_KEY, t.as_str());
    });
    let server = RwSignal::new(ServerStatus::Connecting);
    provide_context(ThemeCtx(theme));
    provide_context(ServerCtx(server));
    let session = RwSignal::new(SessionState::Loading);
    provide_context(SessionCtx(session));
    load_session(session, server);

    view! {
        <Router>
            <Shell>
                <Pages/>
            </Shell>
        </Router>
    }
}

/// The route table: the page for the current path ([`Page::at`]), rebuilt only when the page
/// changes (not on query-string changes, nor between settings tabs). A plain match instead
/// of the router's `<Routes>`, whose nested-route machinery costs the bundle more than this
/// flat table needs.
#[component]
fn Pages() -> impl IntoView {
    let path = use_location().pathname;
    // On a new path the router writes the address bar only when the route view says it is
    // ready (`<Routes>` waits for its transitions); these pages render at once, so: at once.
    let browser_url = use_context::<BrowserUrl>();
    crate::effect::effect(move || {
        path.track();
        if let Some(url) = &browser_url {
            url.ready_to_complete();
        }
    });
    let page = Memo::new(move |_| Page::at(&path.get()));
    move || match page.get() {
        Page::Explore => view! { <ExplorePage/> }.into_any(),
        Page::Comparison => view! { <ComparisonPage/> }.into_any(),
        Page::Diff => view! { <DiffPage/> }.into_any(),
        Page::ServiceDiscovery => view! { <ServiceDiscoveryPage/> }.into_any(),
        Page::Settings => view! { <SettingsPage/> }.into_any(),
        Page::Login => view! { <LoginPage/> }.into_any(),
        Page::Signup => view! { <SignupPage/> }.into_any(),
        Page::NotFound => view! { <NotFoundPage/> }.into_any(),
    }
}

/// Asks `/api/session` who is signed in; then, if data may be read, `/build`. Signed out
/// where sign-in is required, nothing else is asked (no refused request in the console)
/// and the browser goes to the sign-in page. A server without `/api/session` (the
/// original) is treated as open.
pub fn load_session(session: RwSignal<SessionState>, server: RwSignal<ServerStatus>) {
    spawn_local(async move {
        let known = match api::http::session().await {
            Ok(s) => s,
            Err(api::ApiError::Status(404, _)) => Default::default(),
            Err(e) => {
                server.set(ServerStatus::Unreachable(e.to_string()));
                set_timeout(move || load_session(session, server), RETRY_AFTER);
                return;
            }
        };
        let state = SessionState::Known(known);
        let may_read = state.may_read();
        session.set(state);
        if may_read {
            check_server(server);
        } else {
            server.set(ServerStatus::NeedsLogin);
            api::browser::go_to_sign_in();
        }
    });
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
