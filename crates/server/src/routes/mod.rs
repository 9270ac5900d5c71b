//! The route table. Paths follow the original Pyroscope server (spec §2) plus Grafana's
//! push endpoint; each group lives in its own module. Every route carries the guard of its
//! row in the spec's Auth column ([`Access`]); only `/healthz`, `/metrics`, `/api/session`,
//! `/login`, `/logout`, `/signup` and the web app's static files are open whatever the
//! switches say. Routes added with [`Table::add_observed`] are recorded in the metrics
//! (`crate::observe`).

mod apps;
pub mod assets;
mod auth;
mod ingest;
mod json;
mod keys;
mod labels;
mod meta;
mod render;
mod table;
mod users;

use axum::Router;

use crate::auth::guard::Style;
use crate::auth::Access;
use crate::error::AppError;
use crate::observe::http::Observed;
use crate::AppState;

use table::Table;
pub use table::{RouteInfo, Verb};

/// All routes; anything unmatched goes to the web app (`assets::spa`).
pub fn router(state: &AppState) -> Router<AppState> {
    table(state).finish().fallback(assets::spa)
}

/// Every (method, path) the router of `state` answers, with its guard.
#[must_use]
pub fn route_list(state: &AppState) -> Vec<RouteInfo> {
    table(state).rows().to_vec()
}

fn table(state: &AppState) -> Table<'_> {
    let mut t = Table::new(state);
    data_routes(&mut t);
    session_routes(&mut t);
    if state.auth().required() {
        account_routes(&mut t);
    }
    t
}

/// Ingestion and queries. Upload handlers read their body themselves
/// (`ingest::body::read_body`: `max_body` and the upload memory budget); other routes keep
/// axum's 2 MB `DefaultBodyLimit`. Some are also served under `/pyroscope/…`, as the
/// original does.
fn data_routes(t: &mut Table<'_>) {
    let api = |a| Some((a, Style::Api));
    for prefix in ["", "/pyroscope"] {
        let p = |path: &str| format!("{prefix}{path}");
        t.add_observed(
            Verb::Post,
            &p("/ingest"),
            api(Access::Ingest),
            Observed::Ingest,
            ingest::ingest,
        );
        t.add_observed(
            Verb::Any,
            &p("/render"),
            api(Access::Any),
            Observed::Query("render"),
            render::render,
        );
        t.add_observed(
            Verb::Any,
            &p("/render-diff"),
            api(Access::Any),
            Observed::Query("render_diff"),
            render::render_diff,
        );
        t.add_observed(
            Verb::Any,
            &p("/label-values"),
            api(Access::Any),
            Observed::Query("label_values"),
            labels::label_values,
        );
    }
    t.add_observed(
        Verb::Post,
        "/push.v1.PusherService/Push",
        Some((Access::Ingest, Style::Connect)),
        Observed::Push,
        ingest::push,
    );
    t.add_observed(
        Verb::Any,
        "/labels",
        api(Access::Any),
        Observed::Query("labels"),
        labels::labels,
    );
    t.add_observed(
        Verb::Get,
        "/api/apps",
        api(Access::Any),
        Observed::Query("apps"),
        apps::apps_list,
    );
    t.add(
        Verb::Delete,
        "/api/apps",
        api(Access::AdminIfAnyAuth),
        apps::apps_delete,
    );
    t.add(Verb::Any, "/build", api(Access::Any), meta::build);
    t.add(Verb::Any, "/targets", api(Access::Any), meta::targets);
}

/// Open routes: health, metrics, the session, sign-in, sign-out and sign-up.
fn session_routes(t: &mut Table<'_>) {
    t.add(Verb::Any, "/healthz", None, meta::healthz);
    t.add(Verb::Any, "/metrics", None, meta::metrics);
    t.add(Verb::Get, "/api/session", None, auth::session_get);
    t.add(Verb::Get, "/login", None, assets::spa);
    t.add_observed(
        Verb::Post,
        "/login",
        None,
        Observed::Login,
        auth::session_create,
    );
    t.fallback("/login", method_not_allowed);
    t.add(Verb::Get, "/logout", None, auth::session_delete);
    t.add(Verb::Post, "/logout", None, auth::session_delete);
    t.add(Verb::Get, "/signup", None, assets::spa);
    t.add(Verb::Post, "/signup", None, auth::signup_create);
}

/// Keys and users: they exist only with internal auth.
fn account_routes(t: &mut Table<'_>) {
    let admin = Some((Access::Admin, Style::Api));
    let user = Some((Access::User, Style::Api));
    t.add(Verb::Get, "/api/keys", admin, keys::keys_list);
    t.add(Verb::Post, "/api/keys", admin, keys::keys_create);
    t.add(Verb::Delete, "/api/keys/{id}", admin, keys::keys_delete);
    t.add(Verb::Get, "/api/users", admin, users::users_list);
    t.add(Verb::Post, "/api/users", admin, users::users_create);
    // The original matches `/api/user` as a prefix, so the UI's "edit my profile" sends
    // `PATCH /api/users` and means the current user.
    t.add(Verb::Patch, "/api/users", user, users::user_update);
    let id = "/api/users/{id}";
    t.add(Verb::Get, id, admin, users::users_get);
    t.add(Verb::Patch, id, admin, users::users_update);
    t.add(Verb::Delete, id, admin, users::users_delete);
    t.add(
        Verb::Put,
        "/api/users/{id}/password",
        admin,
        users::users_password_update,
    );
    t.add(
        Verb::Put,
        "/api/users/{id}/disable",
        admin,
        users::users_disable,
    );
    t.add(
        Verb::Put,
        "/api/users/{id}/enable",
        admin,
        users::users_enable,
    );
    t.add(
        Verb::Put,
        "/api/users/{id}/role",
        admin,
        users::users_role_update,
    );
    t.add(Verb::Get, "/api/user", user, users::user_get);
    t.add(Verb::Patch, "/api/user", user, users::user_update);
    t.add(
        Verb::Put,
        "/api/user/password",
        user,
        users::user_password_update,
    );
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// Runs CPU-heavy or blocking work (password hashing, store transactions) off the async
/// workers.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
}
