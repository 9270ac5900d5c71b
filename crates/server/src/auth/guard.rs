//! The route table's Auth column as middleware. Each route group is wrapped in a
//! [`guard`] layer naming its [`Access`]; the guard identifies the request, refuses it
//! (401 `invalid credentials` without a valid identity, 403 `permission denied` with the
//! wrong one, 403 for cross-site use of the session cookie) or passes it on with the
//! [`Principal`] in the request extensions, where handlers find it through
//! [`Principal`]'s extractor. App pages use [`page`] instead: no session means a 307 to
//! `/login`.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{csrf, Identity, Role};
use crate::error::AppError;
use crate::store::{ApiKeyRecord, UserRecord};
use crate::AppState;

/// Who is acting, once a guard let the request through.
#[derive(Debug, Clone)]
pub enum Principal {
    /// A user with a session cookie.
    User(UserRecord),
    /// An API key.
    Key(ApiKeyRecord),
}

impl Principal {
    /// The role of the user or key.
    #[must_use]
    pub fn role(&self) -> Role {
        match self {
            Principal::User(u) => u.role,
            Principal::Key(k) => k.role,
        }
    }
}

/// Handlers behind a guard take the principal as an argument; without one (a route that
/// was not guarded, or auth off) the request is refused as unauthenticated.
impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or(AppError::Unauthorized)
    }
}

/// What a route needs (the spec's Auth column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Any identity when auth is required; open otherwise.
    Any,
    /// A logged-in user (session cookie); API keys get 403. Always enforced (these routes
    /// exist only with internal auth).
    User,
    /// Role Admin, user or key. Always enforced (these routes exist only with internal
    /// auth).
    Admin,
    /// Role Admin when either switch is on (internal or ingestion auth), open when both are
    /// off: `DELETE /api/apps`. The original refuses it without auth (breaking its own UI);
    /// Cinder allows it then, but a server that locks writing must lock deleting too.
    AdminIfAnyAuth,
    /// Role Admin or Agent when ingestion auth is on; open otherwise.
    Ingest,
}

/// How refusals are written: `{"errors":[…]}`, or Connect's `{"code","message"}` for the
/// push endpoint, whose clients are Connect clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `{"errors":["…"]}`.
    Api,
    /// `{"code":"unauthenticated","message":"…"}`.
    Connect,
}

/// State of one guard layer.
#[derive(Debug, Clone)]
pub struct Guard {
    /// The app.
    pub state: AppState,
    /// What the guarded routes need.
    pub access: Access,
    /// How refusals look.
    pub style: Style,
}

/// The middleware: see the module docs.
pub async fn guard(State(g): State<Guard>, mut req: Request, next: Next) -> Response {
    match check(&g, req.method(), req.headers()) {
        Ok(None) => next.run(req).await,
        Ok(Some(p)) => {
            req.extensions_mut().insert(p);
            next.run(req).await
        }
        Err(e) if g.style == Style::Connect => connect_error(&e),
        Err(e) => e.into_response(),
    }
}

/// `Ok(None)`: the route is open in this configuration.
fn check(g: &Guard, method: &Method, headers: &HeaderMap) -> Result<Option<Principal>, AppError> {
    let auth = g.state.auth();
    let enforced = match g.access {
        Access::Any => auth.required(),
        Access::AdminIfAnyAuth => auth.required() || auth.ingestion(),
        Access::User | Access::Admin => true,
        Access::Ingest => auth.ingestion(),
    };
    if !enforced {
        return Ok(None);
    }
    let principal = match auth.identify(&g.state.store(), headers, g.state.now())? {
        Identity::Anonymous | Identity::BadKey | Identity::BadSession => {
            return Err(AppError::Unauthorized)
        }
        Identity::Key(k) => Principal::Key(k),
        Identity::Session(u) => {
            if !csrf::allowed(method, headers) {
                return Err(AppError::CrossOrigin);
            }
            Principal::User(u)
        }
    };
    let allowed = match g.access {
        Access::Any => true,
        Access::User => matches!(principal, Principal::User(_)),
        Access::Admin | Access::AdminIfAnyAuth => principal.role() == Role::Admin,
        Access::Ingest => principal.role().may_ingest(),
    };
    if allowed {
        Ok(Some(principal))
    } else {
        Err(AppError::Forbidden)
    }
}

fn connect_error(e: &AppError) -> Response {
    let code = match e {
        AppError::Unauthorized => "unauthenticated",
        AppError::Forbidden | AppError::CrossOrigin => "permission_denied",
        _ => "internal",
    };
    let status = match e {
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        AppError::Forbidden | AppError::CrossOrigin => StatusCode::FORBIDDEN,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let body = serde_json::json!({ "code": code, "message": e.to_string() }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// For app pages when auth is required: `None` to serve the page, else the answer — 307
/// to `/login?next=<the page's path and query>` without a valid session (the sign-in page
/// returns there), 401 JSON for a bad API key (spec §5.3: no redirect).
pub fn page(state: &AppState, headers: &HeaderMap, wanted: &Uri) -> Option<Response> {
    let auth = state.auth();
    if !auth.required() {
        return None;
    }
    match auth.identify(&state.store(), headers, state.now()) {
        Ok(Identity::Key(_) | Identity::Session(_)) => None,
        Ok(Identity::BadKey) => Some(AppError::Unauthorized.into_response()),
        Ok(Identity::Anonymous | Identity::BadSession) => Some(to_login(wanted)),
        Err(e) => Some(AppError::from(e).into_response()),
    }
}

/// `307` to the sign-in page, which sends the browser back to `wanted` afterwards (`/`
/// needs no `next`).
fn to_login(wanted: &Uri) -> Response {
    let pq = wanted.path_and_query().map_or("/", |pq| pq.as_str());
    if pq == "/" {
        return redirect("/login");
    }
    let next = serde_urlencoded::to_string([("next", pq)]).unwrap_or_default();
    let location = format!("/login?{next}");
    match axum::http::HeaderValue::from_str(&location) {
        Ok(v) => (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, v)]).into_response(),
        Err(_) => redirect("/login"),
    }
}

/// `307 Temporary Redirect` to `to`, empty body.
#[must_use]
pub fn redirect(to: &'static str) -> Response {
    (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, to)]).into_response()
}

/// Whether `headers` carry a valid session (login and signup redirect such requests).
#[must_use]
pub fn has_session(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(token) = super::cookie::get(headers, super::cookie::SESSION) else {
        return false;
    };
    let mut only_cookie = HeaderMap::new();
    if let Ok(v) = format!("{}={token}", super::cookie::SESSION).parse() {
        only_cookie.insert(header::COOKIE, v);
    }
    matches!(
        state
            .auth()
            .identify(&state.store(), &only_cookie, state.now()),
        Ok(Identity::Session(_))
    )
}
