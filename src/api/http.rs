//! Typed calls to the server's HTTP API, one function per endpoint. The same calls work
//! against the original Pyroscope server.

use cinder_profile::api::{
    encode_password, ApiKey, BuildInfo, NewApiKey, NewUser, PasswordChange, ProfilePatch, Role,
    RoleChange, ScrapeTarget, Session, User,
};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{reason_from_body, ApiError};
use crate::state::apps::AppInfo;

/// `GET /build`: the server's version and commit.
pub async fn build_info() -> Result<BuildInfo, ApiError> {
    get_json("/build").await
}

/// `GET /targets`: the pull-mode endpoints and their health.
pub async fn targets() -> Result<Vec<ScrapeTarget>, ApiError> {
    get_json("/targets").await
}

/// `GET /api/apps`: every application with its metadata.
pub async fn apps() -> Result<Vec<AppInfo>, ApiError> {
    get_json("/api/apps").await
}

/// `GET /labels?query=`: label keys of the query's app (without `__name__`).
pub async fn labels(query: &str) -> Result<Vec<String>, ApiError> {
    let url = format!("/labels?{}", encode(&[("query", query)]));
    let mut keys: Vec<String> = get_json(&url).await?;
    keys.retain(|k| k != "__name__");
    Ok(keys)
}

/// `GET /label-values?label=&query=`: values of one label within the query's app.
pub async fn label_values(label: &str, query: &str) -> Result<Vec<String>, ApiError> {
    get_json(&format!(
        "/label-values?{}",
        encode(&[("label", label), ("query", query)])
    ))
    .await
}

/// `GET /render?format=json`: the profile and timeline of a query over `[from, until)`.
/// Returned as text: decoding is the profile crate's job (and the caller's timing).
pub async fn render(
    query: &str,
    from: i64,
    until: i64,
    max_nodes: u32,
) -> Result<Vec<u8>, ApiError> {
    let url = format!(
        "/render?{}",
        encode(&[
            ("format", "json"),
            ("query", query),
            ("from", &from.to_string()),
            ("until", &until.to_string()),
            ("max-nodes", &max_nodes.to_string()),
        ])
    );
    fetch_bytes(&url).await
}

/// `GET /render?format=json&max-nodes=-1`: one time chunk of a query, untruncated (merging
/// trees truncated to a node budget would lose ticks into `other`).
pub async fn render_chunk(query: &str, from: i64, until: i64) -> Result<Vec<u8>, ApiError> {
    let url = format!(
        "/render?{}",
        encode(&[
            ("format", "json"),
            ("query", query),
            ("from", &from.to_string()),
            ("until", &until.to_string()),
            ("max-nodes", "-1"),
        ])
    );
    fetch_bytes(&url).await
}

/// Any URL, as bytes (inflated when gzip): profiles opened with `?profile=URL`.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, ApiError> {
    let resp = Request::get(url)
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let resp = ok_or_error(resp).await?;
    let bytes = resp
        .binary()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    Ok(super::browser::gunzip_if_gzip(bytes).await)
}

fn encode(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

async fn get_text(url: &str) -> Result<String, ApiError> {
    let resp = Request::get(url)
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let resp = ok_or_error(resp).await?;
    resp.text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let text = get_text(url).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))
}

async fn ok_or_error(resp: Response) -> Result<Response, ApiError> {
    if resp.ok() {
        return Ok(resp);
    }
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    if status == 401 && !resp.url().ends_with("/login") {
        // The session ended (or never was): sign in, then come back here.
        super::browser::go_to_sign_in();
    }
    Err(ApiError::Status(status, reason_from_body(&body)))
}

/// Sends `req` (with a JSON `body`, if any) and checks the status; the answer's body is the
/// caller's to read.
async fn send(req: RequestBuilder, body: Option<String>) -> Result<Response, ApiError> {
    let net = |e: gloo_net::Error| ApiError::Network(e.to_string());
    let resp = match body {
        Some(b) => {
            req.header("content-type", "application/json")
                .body(b)
                .map_err(net)?
                .send()
                .await
        }
        None => req.send().await,
    }
    .map_err(net)?;
    ok_or_error(resp).await
}

fn to_json(body: &impl Serialize) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Decode(e.to_string()))
}

async fn read_json<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    let text = resp
        .text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))
}

/// `POST url` with a JSON body, answer decoded as JSON.
async fn post_json<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    read_json(send(Request::post(url), Some(to_json(body)?)).await?).await
}

/// `PATCH url` with a JSON body, answer decoded as JSON.
async fn patch_json<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    read_json(send(Request::patch(url), Some(to_json(body)?)).await?).await
}

/// `PUT url` with an optional JSON body; the answer's body is ignored.
async fn put(url: &str, body: Option<&impl Serialize>) -> Result<(), ApiError> {
    let body = body.map(to_json).transpose()?;
    send(Request::put(url), body).await.map(|_| ())
}

/// `DELETE url` with an optional JSON body; the answer's body is ignored.
async fn delete(url: &str, body: Option<&impl Serialize>) -> Result<(), ApiError> {
    let body = body.map(to_json).transpose()?;
    send(Request::delete(url), body).await.map(|_| ())
}

/// `GET /api/session`: sign-in required?, who is signed in. Always 200.
pub async fn session() -> Result<Session, ApiError> {
    get_json("/api/session").await
}

/// `POST /login` with the UI's JSON (password base64); the server sets the session cookie.
pub async fn login(username: &str, password: &str) -> Result<(), ApiError> {
    #[derive(Serialize)]
    struct Login<'a> {
        username: &'a str,
        password: String,
    }
    let body = Login {
        username,
        password: encode_password(password),
    };
    send(Request::post("/login"), Some(to_json(&body)?))
        .await
        .map(|_| ())
}

/// `POST /signup`: creates an account (no sign-in).
pub async fn signup(user: &NewUser) -> Result<(), ApiError> {
    send(Request::post("/signup"), Some(to_json(user)?))
        .await
        .map(|_| ())
}

/// `PATCH /api/user`: the signed-in user's name, e-mail, full name.
pub async fn update_me(patch: &ProfilePatch) -> Result<User, ApiError> {
    patch_json("/api/user", patch).await
}

/// `PUT /api/user/password`; the server renews this session's cookie.
pub async fn change_password(change: &PasswordChange) -> Result<(), ApiError> {
    put("/api/user/password", Some(change)).await
}

/// `GET /api/keys` (admin).
pub async fn keys() -> Result<Vec<ApiKey>, ApiError> {
    get_json("/api/keys").await
}

/// `POST /api/keys` (admin): the answer holds the secret, once.
pub async fn create_key(key: &NewApiKey) -> Result<ApiKey, ApiError> {
    post_json("/api/keys", key).await
}

/// `DELETE /api/keys/{id}` (admin).
pub async fn delete_key(id: u64) -> Result<(), ApiError> {
    delete(&format!("/api/keys/{id}"), None::<&()>).await
}

/// `GET /api/users` (admin).
pub async fn users() -> Result<Vec<User>, ApiError> {
    get_json("/api/users").await
}

/// `POST /api/users` (admin).
pub async fn create_user(user: &NewUser) -> Result<User, ApiError> {
    post_json("/api/users", user).await
}

/// `PUT /api/users/{id}/role` (admin).
pub async fn set_role(id: u64, role: Role) -> Result<(), ApiError> {
    put(&format!("/api/users/{id}/role"), Some(&RoleChange { role })).await
}

/// `PUT /api/users/{id}/enable` or `/disable` (admin).
pub async fn set_enabled(id: u64, enabled: bool) -> Result<(), ApiError> {
    let what = if enabled { "enable" } else { "disable" };
    put(&format!("/api/users/{id}/{what}"), None::<&()>).await
}

/// `DELETE /api/users/{id}` (admin).
pub async fn delete_user(id: u64) -> Result<(), ApiError> {
    delete(&format!("/api/users/{id}"), None::<&()>).await
}

/// `GET /api/apps?details=true`: apps with label counts and last data times.
pub async fn apps_details() -> Result<Vec<AppInfo>, ApiError> {
    get_json("/api/apps?details=true").await
}

/// `DELETE /api/apps` (admin): one app name, with all its data.
pub async fn delete_app(name: &str) -> Result<(), ApiError> {
    #[derive(Serialize)]
    struct Name<'a> {
        name: &'a str,
    }
    delete("/api/apps", Some(&Name { name })).await
}
