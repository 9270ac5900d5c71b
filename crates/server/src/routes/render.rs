//! `/render` and `/render-diff` (spec §2.2, §2.3): flamebearer JSON with timeline, or the
//! merged profile as collapsed text or pprof. Where the original crashes (JSON with
//! `name=`, inverted ranges, negative node budgets) these answer properly instead.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use cinder_profile::api::ProfileFormat;
use cinder_profile::flamebearer::{Format, Metadata};
use cinder_profile::pprof::{self, EncodeOptions};
use cinder_profile::selector::{MatchOp, Matcher, Selector, SeriesKey};
use cinder_profile::{Diff, FlamebearerProfile, MaxNodes};

use crate::base::clock;
use crate::base::time::{parse_time, UnixSecs};
use crate::base::Window;
use crate::error::AppError;
use crate::query::render::{render as render_series, resolve, DiffPair};
use crate::AppState;

type Params = HashMap<String, String>;

fn param<'q>(q: &'q Params, name: &str) -> &'q str {
    q.get(name).map_or("", |s| s.trim())
}

/// The node budget: `maxNodes` wins over `max-nodes`; 0 or junk means the default; `-1`
/// (or any negative number, which crashes the original) means unlimited.
fn max_nodes(q: &Params, names: &[&str], default: MaxNodes) -> MaxNodes {
    names
        .iter()
        .filter_map(|n| q.get(*n).and_then(|v| v.trim().parse::<i64>().ok()))
        .find_map(MaxNodes::from_param)
        .unwrap_or(default)
}

/// Selector from `query` (FlameQL) or, winning when present, `name` (a storage key, whose
/// labels become equality matchers).
fn selector(q: &Params, query_name: &str) -> Result<Selector, AppError> {
    let name = param(q, "name");
    if !name.is_empty() {
        let key =
            SeriesKey::parse(name).map_err(|e| AppError::InvalidParameter(format!("name: {e}")))?;
        let matchers = key
            .labels
            .into_iter()
            .map(|(key, value)| Matcher {
                key,
                op: MatchOp::Eq,
                value,
            })
            .collect();
        return Ok(Selector {
            app: key.app,
            matchers,
        });
    }
    let query = param(q, query_name);
    if query.is_empty() {
        return Err(AppError::InvalidParameter(
            "'query' or 'name' parameter is required".into(),
        ));
    }
    Selector::parse(query).map_err(|e| AppError::InvalidParameter(format!("query: {e}")))
}

fn window(
    q: &Params,
    from: &str,
    until: &str,
    now: UnixSecs,
) -> Result<(UnixSecs, UnixSecs, Window), AppError> {
    let f = parse_time(param(q, from), now);
    let u = parse_time(param(q, until), now);
    let w = Window::snap(f, u);
    if f > u || w.is_empty() {
        return Err(AppError::InvalidParameter(format!(
            "{from} ({f}) is after {until} ({u})"
        )));
    }
    Ok((f, u, w))
}

fn json_response(profile: &FlamebearerProfile) -> Response {
    let mut body = profile.to_json();
    body.push('\n');
    let mut resp = body.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

fn attachment(body: Vec<u8>, filename: &str) -> Response {
    let disposition = format!("attachment; filename={filename}");
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// `GET /render`.
pub(super) async fn render(
    State(state): State<AppState>,
    Query(q): Query<Params>,
) -> Result<Response, AppError> {
    let format = ProfileFormat::parse(param(&q, "format")).ok_or_else(|| {
        AppError::InvalidParameter(format!("unknown format {:?}", param(&q, "format")))
    })?;
    let sel = selector(&q, "query")?;
    let (from, until, w) = window(&q, "from", "until", state.now())?;
    let max = max_nodes(&q, &["maxNodes", "max-nodes"], state.max_nodes_render());
    let group_by = q.get("groupBy").cloned();
    let store = state.store();
    let sel2 = sel.clone();
    let rendered = tokio::task::spawn_blocking(move || {
        let series = resolve(&store, &sel2)?;
        render_series(&store, &series, w, group_by.as_deref())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    let name = format!("{} {}", sel.app, clock::rfc3339(from));
    let file_name = format!("{name}.{}", format.extension());
    match format {
        ProfileFormat::Collapsed => Ok(attachment(
            rendered.tree.to_folded().into_bytes(),
            &file_name,
        )),
        ProfileFormat::Pprof => Ok(attachment(
            pprof::encode(
                &rendered.tree,
                &EncodeOptions::export(&rendered.meta.units, from),
            ),
            &file_name,
        )),
        ProfileFormat::Json => {
            let metadata = Metadata {
                format: Format::Single,
                spy_name: rendered.meta.spy_name.clone(),
                sample_rate: rendered.meta.sample_rate,
                units: rendered.meta.units.clone(),
                name,
                app_name: Some(sel.app.clone()),
                start_time: Some(from),
                end_time: Some(until),
                query: Some(param(&q, "query").to_string()),
                max_nodes: Some(max.to_param()),
            };
            let mut profile = FlamebearerProfile::single(&rendered.tree, max, metadata);
            profile.timeline = Some(rendered.timeline);
            profile.groups = Some(rendered.groups);
            profile.annotations = Some(Vec::new());
            Ok(json_response(&profile))
        }
    }
}

/// `GET /render-diff` (other methods: 405).
pub(super) async fn render_diff(
    method: Method,
    State(state): State<AppState>,
    Query(q): Query<Params>,
) -> Result<Response, AppError> {
    if method != Method::GET && method != Method::HEAD {
        return Err(AppError::MethodNotAllowed);
    }
    let now = state.now();
    let left_sel = selector_named(&q, "leftQuery")?;
    let right_sel = selector_named(&q, "rightQuery")?;
    let (lf, lu, lw) = window(&q, "leftFrom", "leftUntil", now)?;
    let (rf, ru, rw) = window(&q, "rightFrom", "rightUntil", now)?;
    let max = max_nodes(&q, &["max-nodes"], state.max_nodes_render());
    let store = state.store();
    let (ls, rs) = (left_sel.clone(), right_sel.clone());
    let pair = tokio::task::spawn_blocking(move || DiffPair::read(&store, (&ls, lw), (&rs, rw)))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let base = pair.base_meta();
    let app_name = if left_sel.app == right_sel.app {
        format!("diff_{}", left_sel.app)
    } else {
        format!("diff_{}_{}", left_sel.app, right_sel.app)
    };
    let metadata = Metadata {
        format: Format::Double,
        spy_name: base.spy_name.clone(),
        sample_rate: base.sample_rate,
        units: base.units.clone(),
        name: "diff".into(),
        app_name: Some(app_name),
        start_time: Some(lf.min(rf)),
        // The original always reports the left end; the whole span is what is shown.
        end_time: Some(lu.max(ru)),
        query: Some(String::new()),
        max_nodes: Some(max.to_param()),
    };
    let diff = Diff::new(&pair.left.tree, &pair.right.tree);
    Ok(json_response(&FlamebearerProfile::double(
        &diff, max, metadata,
    )))
}

fn selector_named(q: &Params, name: &str) -> Result<Selector, AppError> {
    let query = param(q, name);
    if query.is_empty() {
        return Err(AppError::InvalidParameter(format!("{name} is required")));
    }
    Selector::parse(query).map_err(|e| AppError::InvalidParameter(format!("{name}: {e}")))
}
