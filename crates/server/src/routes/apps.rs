//! `/api/apps` (spec §2.8): list applications with their metadata, or delete one with all
//! its data. The original refuses deletion whenever authentication is off (a bug that
//! breaks its own settings page); here deletion works when auth is off. With either auth
//! switch on (even ingestion auth alone) deleting needs an Admin identity, as writing needs an
//! Agent one.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use cinder_profile::api::AppInfo;
use serde::Deserialize;

use crate::error::AppError;
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    /// `true`: add each app's label count and last data time (the settings page).
    #[serde(default)]
    details: bool,
}

/// `GET /api/apps[?details=true]`: applications in creation order.
pub(super) async fn apps_list(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<AppInfo>>, AppError> {
    let store = state.store();
    let apps = super::blocking(move || {
        let mut out = Vec::new();
        for (name, rec) in store.apps()? {
            let mut info = AppInfo {
                spy_name: rec.meta.spy_name,
                sample_rate: rec.meta.sample_rate,
                units: rec.meta.units,
                ..AppInfo::default()
            };
            if q.details {
                let keys = store.label_keys(Some(&name))?;
                let count = keys.iter().filter(|k| *k != "__name__").count();
                info.label_count = Some(u32::try_from(count).unwrap_or(u32::MAX));
                info.last_data_time = store.last_data_time(&name)?;
            }
            info.name = name;
            out.push(info);
        }
        Ok(out)
    })
    .await?;
    Ok(Json(apps))
}

#[derive(Debug, Deserialize)]
struct DeleteApp {
    name: String,
}

/// `DELETE /api/apps` with `{"name": "app.cpu"}`: removes the app's data; idempotent.
pub(super) async fn apps_delete(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    if body.is_empty() {
        return Err(AppError::ApiBadRequest("request body required".into()));
    }
    let req: DeleteApp = serde_json::from_slice(&body).map_err(|e| {
        AppError::ApiBadRequest(format!("request body contains malformed JSON: {e}"))
    })?;
    cinder_profile::selector::SeriesKey::parse(&req.name)
        .ok()
        .filter(|k| k.labels.is_empty() && k.app == req.name)
        .ok_or_else(|| {
            AppError::ApiBadRequest(format!("invalid application name: {}", req.name))
        })?;
    let store = state.store();
    tokio::task::spawn_blocking(move || store.delete_app(&req.name))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(StatusCode::OK)
}
