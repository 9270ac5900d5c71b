//! `/api/user` (the logged-in user) and `/api/users` (admin user management), spec §2.10.
//! Registered only when internal auth is on; the guards in `routes/mod.rs` decide who gets
//! here. Deviations from the original, all on purpose: `PATCH` returns the real user (not
//! a zero one), e-mail can be set on a user without one, `GET /api/users/{id}` answers the
//! user (the original shadows it with the list), an admin cannot delete themself, and the
//! last enabled admin cannot be deleted, disabled or demoted.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cinder_profile::api::User;
use serde::Deserialize;

use super::auth::ClientAddr;
use super::{blocking, json};
use crate::auth::accounts::{self, Change, NewUser, ProfilePatch};
use crate::auth::password::{self, Password};
use crate::auth::{Principal, Role};
use crate::base::clock;
use crate::error::AppError;
use crate::store::UserRecord;
use crate::AppState;

/// A user on the wire (every user endpoint; never its hash).
pub(super) fn user_view(u: &UserRecord) -> User {
    User {
        id: u.id,
        name: u.name.clone(),
        email: u.email.clone(),
        full_name: u.full_name.clone(),
        role: u.role,
        is_disabled: u.is_disabled,
        is_external: u.is_external,
        created_at: clock::rfc3339(u.created_at),
        updated_at: clock::rfc3339(u.updated_at),
        password_changed_at: clock::rfc3339(u.password_changed_at),
    }
}

fn user_id(raw: &str) -> Result<u64, AppError> {
    raw.parse()
        .map_err(|_| AppError::ApiBadRequest("invalid user id".into()))
}

/// The session user (the `user` guard lets only sessions through).
fn me(p: &Principal) -> Result<&UserRecord, AppError> {
    match p {
        Principal::User(u) => Ok(u),
        Principal::Key(_) => Err(AppError::Forbidden),
    }
}

/// `GET /api/user`.
pub(super) async fn user_get(p: Principal) -> Result<Json<User>, AppError> {
    Ok(Json(user_view(me(&p)?)))
}

/// `PATCH /api/user` (and `PATCH /api/users`): name, e-mail, full name of oneself.
pub(super) async fn user_update(
    State(state): State<AppState>,
    p: Principal,
    body: Bytes,
) -> Result<Json<User>, AppError> {
    let id = me(&p)?.id;
    update(&state, id, &body).await
}

async fn update(state: &AppState, id: u64, body: &Bytes) -> Result<Json<User>, AppError> {
    let patch: ProfilePatch = json::parse(body)?;
    let (store, now) = (state.store(), state.now());
    let user = blocking(move || accounts::update_profile(&store, id, patch, now)).await?;
    Ok(Json(user_view(&user)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OwnPassword {
    #[serde(default)]
    old_password: Password,
    #[serde(default)]
    new_password: Password,
}

/// `PUT /api/user/password`: needs the old password (a wrong one counts as a failed login
/// for throttling). Older sessions end; this one gets a fresh cookie.
pub(super) async fn user_password_update(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    p: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let user = me(&p)?.clone();
    let req: OwnPassword = json::parse(&body)?;
    let auth = state.auth();
    if user.is_external {
        return Err(AppError::ApiBadRequest(
            "external users can't be modified".into(),
        ));
    }
    auth.login_attempt(addr, &user.name)?;
    let hash = user.password_hash.clone();
    let old = req.old_password;
    let matches = auth
        .hashing(move || Ok(password::verify(old.as_bytes(), &hash)))
        .await?;
    if !matches {
        return Err(AppError::ApiBadRequest("invalid password".into()));
    }
    auth.login_ok(addr, &user.name);
    accounts::check_password(&req.new_password)?;
    let updated = set_password(&state, user.id, req.new_password).await?;
    let cookie = auth.cookie(Some(&auth.issue(&updated, state.now())), &headers);
    Ok((StatusCode::NO_CONTENT, [cookie]).into_response())
}

async fn set_password(state: &AppState, id: u64, pw: Password) -> Result<UserRecord, AppError> {
    let (store, now) = (state.store(), state.now());
    state
        .auth()
        .hashing(move || {
            let hash = password::hash(pw.as_bytes()).map_err(AppError::Internal)?;
            accounts::apply(&store, id, Change::Password(hash), now)
        })
        .await
}

/// `GET /api/users`.
pub(super) async fn users_list(State(state): State<AppState>) -> Result<Json<Vec<User>>, AppError> {
    let users = state.store().users()?;
    Ok(Json(users.iter().map(user_view).collect()))
}

/// `POST /api/users`: 201 with the new user.
pub(super) async fn users_create(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<User>), AppError> {
    let new: NewUser = json::parse(&body)?;
    let role = accounts::validate_new(&new, None)?;
    let (store, now) = (state.store(), state.now());
    let user = state
        .auth()
        .hashing(move || accounts::create_from(&store, &new, role, now))
        .await?;
    Ok((StatusCode::CREATED, Json(user_view(&user))))
}

/// `GET /api/users/{id}`.
pub(super) async fn users_get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<User>, AppError> {
    let user = state.store().user(user_id(&id)?)?;
    let user = user.ok_or_else(|| AppError::NotFound("user not found".into()))?;
    Ok(Json(user_view(&user)))
}

/// `PATCH /api/users/{id}`: as `PATCH /api/user`, for any user.
pub(super) async fn users_update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<User>, AppError> {
    update(&state, user_id(&id)?, &body).await
}

/// `DELETE /api/users/{id}`: 204, also for unknown ids; not oneself, not the last admin.
pub(super) async fn users_delete(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let id = user_id(&id)?;
    accounts::forbid_self(&p, id)?;
    let store = state.store();
    blocking(move || accounts::delete(&store, id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct NewPassword {
    #[serde(default)]
    password: Password,
}

/// `PUT /api/users/{id}/password`: 204; ends the user's sessions.
pub(super) async fn users_password_update(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let id = user_id(&id)?;
    accounts::forbid_self(&p, id)?;
    let req: NewPassword = json::parse(&body)?;
    accounts::check_password(&req.password)?;
    set_password(&state, id, req.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn change(
    state: &AppState,
    p: &Principal,
    raw_id: &str,
    c: Change,
) -> Result<StatusCode, AppError> {
    let id = user_id(raw_id)?;
    accounts::forbid_self(p, id)?;
    let (store, now) = (state.store(), state.now());
    blocking(move || accounts::apply(&store, id, c, now)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/users/{id}/disable`: 204; ends the user's sessions.
pub(super) async fn users_disable(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    change(&state, &p, &id, Change::Disabled(true)).await
}

/// `PUT /api/users/{id}/enable`: 204.
pub(super) async fn users_enable(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    change(&state, &p, &id, Change::Disabled(false)).await
}

#[derive(Deserialize)]
struct NewRole {
    #[serde(default)]
    role: String,
}

/// `PUT /api/users/{id}/role` with `{"role":"Admin"}`: 204; ends the user's sessions.
pub(super) async fn users_role_update(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    accounts::forbid_self(&p, user_id(&id)?)?;
    let req: NewRole = json::parse(&body)?;
    let role =
        Role::parse(&req.role).ok_or_else(|| AppError::Invalid(vec!["unknown role".into()]))?;
    change(&state, &p, &id, Change::Role(role)).await
}
