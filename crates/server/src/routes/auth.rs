//! `/login`, `/logout`, `/signup` (spec §2.11). Login takes the original UI's JSON (password
//! base64) or a plain HTML form post, is throttled per client address and per user name,
//! spends the same time on unknown users as on wrong passwords, and answers a session
//! cookie. Both login and signup refuse cross-site posts (login CSRF).

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cinder_profile::api::Session;
use serde::Deserialize;

use super::json;
use crate::auth::accounts::{self, NewUser};
use crate::auth::guard::{has_session, redirect};
use crate::auth::password::{self, Password};
use crate::auth::{csrf, Auth, Identity};
use crate::error::AppError;
use crate::store::{Store, StoreError, UserRecord};
use crate::AppState;

/// The peer address of the connection, when the server was started with connect info
/// (`main.rs` does; `oneshot` tests may insert one). Proxies' `X-Forwarded-For` is not
/// trusted: any client could send one.
#[derive(Debug, Clone, Copy)]
pub(super) struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(ClientAddr(addr.map(|c| c.0.ip())))
    }
}

#[derive(Deserialize)]
struct LoginJson {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: Password,
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

/// The user called `name` if `password` is theirs (external users never log in with a
/// password). Unknown names cost one verification too.
fn check_password(
    store: &Store,
    name: &str,
    pw: &Password,
) -> Result<Option<UserRecord>, StoreError> {
    match store.user_by_name(name)? {
        Some(u) if !u.is_external => {
            Ok(password::verify(pw.as_bytes(), &u.password_hash).then_some(u))
        }
        _ => {
            password::verify_nobody(pw.as_bytes());
            Ok(None)
        }
    }
}

/// `POST /login`: 204 with the session cookie (a form post gets a 303 to `/` instead).
/// Already logged in, or internal auth off: 307 to `/`.
pub(super) async fn session_create(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let auth = state.auth();
    if !auth.config().internal || has_session(&state, &headers) {
        return Ok(redirect("/"));
    }
    if !csrf::allowed(&method, &headers) {
        return Err(AppError::CrossOrigin);
    }
    let form = is_form(&headers);
    let (name, pw) = if form {
        let f: LoginForm = serde_urlencoded::from_bytes(&body)
            .map_err(|e| AppError::ApiBadRequest(e.to_string()))?;
        (f.username, Password(f.password.into_bytes()))
    } else {
        let j: LoginJson = json::parse(&body)?;
        (j.username, j.password)
    };
    if name.is_empty() {
        return Err(AppError::ApiBadRequest("user name can't be empty".into()));
    }
    auth.login_attempt(addr, &name)?;
    let store = state.store();
    let lookup = name.clone();
    let user = auth
        .hashing(move || Ok(check_password(&store, &lookup, &pw)?))
        .await?;
    let Some(user) = user else {
        tracing::info!(client = ?addr, "login refused: invalid credentials");
        return Err(AppError::Unauthorized);
    };
    auth.login_ok(addr, &name);
    // Checked after the password (the original checks it first), so only someone who
    // knows the password learns that the account exists and is disabled.
    if user.is_disabled {
        return Err(AppError::ApiBadRequest("user disabled".into()));
    }
    Ok(logged_in(auth, &user, state.now(), &headers, form))
}

fn logged_in(
    auth: &Auth,
    user: &UserRecord,
    now: i64,
    headers: &HeaderMap,
    form: bool,
) -> Response {
    let token = auth.issue(user, now);
    let cookie = auth.cookie(Some(&token), headers);
    if form {
        let home = (header::LOCATION, HeaderValue::from_static("/"));
        (StatusCode::SEE_OTHER, [cookie, home]).into_response()
    } else {
        (StatusCode::NO_CONTENT, [cookie]).into_response()
    }
}

/// `GET|POST /logout`: clears the cookie and sends the browser to `/login`. Sessions are
/// stateless, so nothing is revoked server-side (a password change does that).
pub(super) async fn session_delete(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let cookie = state.auth().cookie(None, &headers);
    let mut resp = redirect("/login");
    resp.headers_mut().insert(cookie.0, cookie.1);
    resp
}

/// `POST /signup`: creates a user with the default signup role; 200 with an empty body,
/// no automatic login. Not allowed (or already logged in): 307 to `/`.
pub(super) async fn signup_create(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let auth = state.auth();
    let config = auth.config();
    if !config.internal || !config.signup || has_session(&state, &headers) {
        return Ok(redirect("/"));
    }
    if !csrf::allowed(&method, &headers) {
        return Err(AppError::CrossOrigin);
    }
    auth.signup_attempt(addr)?;
    let new: NewUser = json::parse(&body)?;
    let role = accounts::validate_new(&new, Some(config.signup_default_role))?;
    let store = state.store();
    let now = state.now();
    auth.hashing(move || accounts::create_from(&store, &new, role, now))
        .await?;
    Ok(StatusCode::OK.into_response())
}

/// `GET /api/session` (Cinder's own; open, always 200): whether sign-in is required and
/// possible, and who the caller is. The app asks this first, so a signed-out browser
/// sees no refused request.
pub(super) async fn session_get(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Session>, AppError> {
    let auth = state.auth();
    let config = auth.config();
    let user = match auth.identify(&state.store(), &headers, state.now()) {
        Ok(Identity::Session(u)) => Some(u),
        _ => None,
    };
    let default_password = match &user {
        Some(u) => has_initial_password(auth, u).await?,
        None => false,
    };
    Ok(Json(Session {
        auth_required: auth.required(),
        signup_enabled: config.internal && config.signup,
        user: user.as_ref().map(super::users::user_view),
        default_password,
    }))
}

/// Whether `u` is the initial admin still using the configured initial password. Only a
/// never-changed password is verified (one hash, until it is changed).
async fn has_initial_password(auth: &Auth, u: &UserRecord) -> Result<bool, AppError> {
    let Some(initial) = auth.config().initial_admin.as_ref() else {
        return Ok(false);
    };
    if initial.name != u.name || u.password_changed_at != u.created_at || u.is_external {
        return Ok(false);
    }
    let (pw, hash) = (initial.password.0.clone(), u.password_hash.clone());
    auth.hashing(move || Ok(password::verify(pw.as_bytes(), &hash)))
        .await
}
