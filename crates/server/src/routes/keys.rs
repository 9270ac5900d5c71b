//! `/api/keys` (spec §2.9, admin only, registered only when internal auth is on): list,
//! create (the secret is in the 201 answer and nowhere else, ever), delete.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use cinder_profile::api::{ApiKey, NewApiKey};

use super::{blocking, json};
use crate::auth::{keys, Role};
use crate::base::clock;
use crate::error::AppError;
use crate::store::ApiKeyRecord;
use crate::AppState;

/// The wire form of a stored key; `key` (the secret) only in the answer to its creation.
fn key_view(k: &ApiKeyRecord, key: Option<String>) -> ApiKey {
    ApiKey {
        id: k.id,
        name: k.name.clone(),
        role: k.role,
        key,
        expires_at: k.expires_at.map(clock::rfc3339),
        created_at: clock::rfc3339(k.created_at),
    }
}

/// `GET /api/keys`.
pub(super) async fn keys_list(
    State(state): State<AppState>,
) -> Result<Json<Vec<ApiKey>>, AppError> {
    let all = state.store().api_keys()?;
    Ok(Json(all.iter().map(|k| key_view(k, None)).collect()))
}

/// `POST /api/keys` with `{"name","role","ttlSeconds"?}`: 201 with the key.
pub(super) async fn keys_create(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<ApiKey>), AppError> {
    let req: NewApiKey = json::parse(&body)?;
    let mut errors = Vec::new();
    if req.name.is_empty() {
        errors.push("api key name can't be empty".to_string());
    } else if req.name.len() > 255 {
        errors.push("api key name must not exceed 255 characters".to_string());
    }
    let role = Role::parse(&req.role);
    if role.is_none() {
        errors.push("unknown role".to_string());
    }
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let (store, now) = (state.store(), state.now());
    let issued = blocking(move || Ok(keys::create(&store, &req.name, role, req.ttl_seconds, now)?))
        .await?
        .ok_or_else(|| AppError::Invalid(vec!["api key with this name already exists".into()]))?;
    Ok((
        StatusCode::CREATED,
        Json(key_view(&issued.record, Some(issued.key))),
    ))
}

/// `DELETE /api/keys/{id}`: 204, also for unknown ids. The key stops working at once.
pub(super) async fn keys_delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let id: u64 = id
        .parse()
        .map_err(|_| AppError::ApiBadRequest("invalid api key id".into()))?;
    let store = state.store();
    blocking(move || Ok(store.delete_api_key(id)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}
