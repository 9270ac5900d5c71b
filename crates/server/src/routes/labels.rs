//! `/labels` and `/label-values` (spec §2.4, §2.5): label keys and values, for one app
//! when `query` names it, else for everything. Answers are JSON arrays (with the
//! Content-Type the original forgot).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::Json;
use cinder_profile::selector::Selector;

use crate::error::AppError;
use crate::AppState;

type Params = HashMap<String, String>;

fn app_of(q: &Params) -> Result<Option<String>, AppError> {
    match q.get("query").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(query) => Selector::parse(query)
            .map(|s| Some(s.app))
            .map_err(|e| AppError::InvalidParameter(format!("query: {e}"))),
    }
}

/// `/labels`: label keys, `__name__` included, sorted.
pub(super) async fn labels(
    State(state): State<AppState>,
    Query(q): Query<Params>,
) -> Result<Json<Vec<String>>, AppError> {
    let app = app_of(&q)?;
    Ok(Json(state.store().label_keys(app.as_deref())?))
}

/// `/label-values?label=…`: values of one label, sorted; `__name__` lists applications.
pub(super) async fn label_values(
    State(state): State<AppState>,
    Query(q): Query<Params>,
) -> Result<Json<Vec<String>>, AppError> {
    let label = q.get("label").map(|s| s.trim()).filter(|s| !s.is_empty());
    let label =
        label.ok_or_else(|| AppError::InvalidParameter("label parameter is required".into()))?;
    let app = app_of(&q)?;
    Ok(Json(state.store().label_values(label, app.as_deref())?))
}
