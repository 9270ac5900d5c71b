//! The route table. Paths follow the original Pyroscope server (spec §2) plus Grafana's
//! push endpoint; each group lives in its own module. Every route carries the guard of its
//! row in the spec's Auth column ([`Access`]); only `/healthz`, `/login`, `/logout`,
//! `/signup` and the web app's static files are open whatever the switches say.

mod apps;
pub mod assets;
mod auth;
mod ingest;
mod json;
mod keys;
mod labels;
mod meta;
mod render;
mod users;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{any, delete, get, patch, post, put};
use axum::Router;

use crate::auth::guard::{guard, Guard, Style};
use crate::auth::Access;
use crate::error::AppError;
use crate::AppState;

/// All routes; anything unmatched goes to the web app (`assets::spa`).
pub fn router(state: &AppState) -> Router<AppState> {
    let body_limit = DefaultBodyLimit::max(state.limits().max_body);
    let g = |access, style| {
        let guard_state = Guard {
            state: state.clone(),
            access,
            style,
        };
        from_fn_with_state(guard_state, guard)
    };
    let api = |access| g(access, Style::Api);
    // `any` routes have no per-method routes, so they take `layer`; method routes take
    // `route_layer`, which keeps the 405 for other methods ahead of the guard.
    // The data routes, each also under `/pyroscope/…` as the original serves them.
    let data = [
        (
            "/ingest",
            post(ingest::ingest)
                .layer(body_limit)
                .route_layer(api(Access::Ingest)),
        ),
        ("/render", any(render::render).layer(api(Access::Any))),
        (
            "/render-diff",
            any(render::render_diff).layer(api(Access::Any)),
        ),
        (
            "/label-values",
            any(labels::label_values).layer(api(Access::Any)),
        ),
    ];
    let mut router = Router::new();
    for (path, route) in data {
        router = router
            .route(&format!("/pyroscope{path}"), route.clone())
            .route(path, route);
    }
    router = router
        .route(
            "/push.v1.PusherService/Push",
            post(ingest::push)
                .layer(body_limit)
                .route_layer(g(Access::Ingest, Style::Connect)),
        )
        .route("/labels", any(labels::labels).layer(api(Access::Any)))
        .route(
            "/api/apps",
            get(apps::apps_list)
                .route_layer(api(Access::Any))
                .merge(delete(apps::apps_delete).route_layer(api(Access::AdminIfRequired))),
        )
        .route("/healthz", any(meta::healthz))
        .route("/build", any(meta::build).layer(api(Access::Any)))
        .route(
            "/login",
            get(assets::spa)
                .post(auth::session_create)
                .fallback(method_not_allowed),
        )
        .route(
            "/logout",
            get(auth::session_delete).post(auth::session_delete),
        )
        .route("/signup", get(assets::spa).post(auth::signup_create));
    if state.auth().required() {
        let admin = || api(Access::Admin);
        let user = || api(Access::User);
        router = router
            .route(
                "/api/keys",
                get(keys::keys_list)
                    .post(keys::keys_create)
                    .route_layer(admin()),
            )
            .route(
                "/api/keys/{id}",
                delete(keys::keys_delete).route_layer(admin()),
            )
            .route(
                "/api/users",
                get(users::users_list)
                    .post(users::users_create)
                    .route_layer(admin())
                    // The original matches `/api/user` as a prefix, so the UI's "edit my
                    // profile" sends `PATCH /api/users` and means the current user.
                    .merge(patch(users::user_update).route_layer(user())),
            )
            .route(
                "/api/users/{id}",
                get(users::users_get)
                    .patch(users::users_update)
                    .delete(users::users_delete)
                    .route_layer(admin()),
            )
            .route(
                "/api/users/{id}/password",
                put(users::users_password_update).route_layer(admin()),
            )
            .route(
                "/api/users/{id}/disable",
                put(users::users_disable).route_layer(admin()),
            )
            .route(
                "/api/users/{id}/enable",
                put(users::users_enable).route_layer(admin()),
            )
            .route(
                "/api/users/{id}/role",
                put(users::users_role_update).route_layer(admin()),
            )
            .route(
                "/api/user",
                get(users::user_get)
                    .patch(users::user_update)
                    .route_layer(user()),
            )
            .route(
                "/api/user/password",
                put(users::user_password_update).route_layer(user()),
            );
    }
    router.fallback(assets::spa)
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
