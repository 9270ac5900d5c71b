//! A server with a known cast for auth tests: one user per role, a disabled user, a victim
//! user and key for admin actions, API keys of every role plus an expired and a deleted
//! one, session cookies for the users, and one app with data. Built straight through the
//! library (precomputed password hash, minted sessions) so a fresh fixture costs a store
//! open, not a dozen argon2 hashes, and every matrix cell can start from the same state.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use base64::Engine as _;
use cinder_profile::selector::SeriesKey;
use cinder_profile::Tree;
use cinder_server::auth::{keys, password, AuthConfig, Role};
use cinder_server::base::Window;
use cinder_server::store::{Aggregation, SeriesMeta, Store, UserRecord, Write};
use cinder_server::{app, AppState, Assets, Settings};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Every fixture user's password.
pub(super) const PASSWORD: &str = "correct horse";
/// Start of the fixture app's data.
pub(super) const T0: i64 = 1_700_000_000;
/// The app every fixture holds.
pub(super) const APP: &str = "victim.cpu";

/// The four combinations of the two switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Everything open.
    Off,
    /// `auth.ingestion.enabled` only.
    IngestionOnly,
    /// `auth.internal.enabled` only.
    InternalOnly,
    /// Both.
    Both,
}

impl Mode {
    /// Whether the UI and data routes need an identity.
    pub(super) fn internal(self) -> bool {
        matches!(self, Mode::InternalOnly | Mode::Both)
    }

    /// Whether uploads need an Admin or Agent identity.
    pub(super) fn ingestion(self) -> bool {
        matches!(self, Mode::IngestionOnly | Mode::Both)
    }

    /// The switches, with signup on (so `/signup` has something to refuse) and no initial
    /// admin (the fixture makes its own).
    pub(super) fn config(self) -> AuthConfig {
        AuthConfig {
            internal: self.internal(),
            ingestion: self.ingestion(),
            signup: true,
            initial_admin: None,
            ..AuthConfig::default()
        }
    }
}

/// Who sends a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Who {
    Anonymous,
    ReadOnlySession,
    AgentSession,
    AdminSession,
    AgentKey,
    ReadOnlyKey,
    AdminKey,
    ExpiredKey,
    DeletedKey,
    DisabledUser,
    /// The Agent key as the password of `Authorization: Basic`.
    AgentKeyBasic,
}

/// Every identity of the matrix.
pub(super) const EVERYONE: [Who; 11] = [
    Who::Anonymous,
    Who::ReadOnlySession,
    Who::AgentSession,
    Who::AdminSession,
    Who::AgentKey,
    Who::ReadOnlyKey,
    Who::AdminKey,
    Who::ExpiredKey,
    Who::DeletedKey,
    Who::DisabledUser,
    Who::AgentKeyBasic,
];

/// How a request authenticates.
#[derive(Debug, Clone)]
pub(super) enum Credential {
    None,
    Cookie(String),
    Bearer(String),
    Basic(String),
}

impl Credential {
    /// Adds the credential's header to `req`.
    pub(super) fn apply(&self, req: axum::http::request::Builder) -> axum::http::request::Builder {
        match self {
            Credential::None => req,
            Credential::Cookie(t) => req.header("cookie", format!("pyroscopeJWT={t}")),
            Credential::Bearer(k) => req.header("authorization", format!("Bearer {k}")),
            Credential::Basic(k) => {
                let b = base64::engine::general_purpose::STANDARD.encode(format!("agent:{k}"));
                req.header("authorization", format!("Basic {b}"))
            }
        }
    }
}

/// A response, read.
#[derive(Debug)]
pub(super) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// A response header as text ("" when absent).
    pub(super) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The session token a `Set-Cookie` carries, if any.
    pub(super) fn session(&self) -> Option<String> {
        let c = self.header("set-cookie");
        let token = c.strip_prefix("pyroscopeJWT=")?.split(';').next()?;
        (!token.is_empty()).then(|| token.to_string())
    }
}

/// The web app files every fixture serves.
pub(super) fn dist() -> std::path::PathBuf {
    static DIST: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIST.get_or_init(|| {
        let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("auth-dist");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("index.html"), "<html>cinder</html>").unwrap();
        std::fs::write(d.join("main.css"), "body{}").unwrap();
        d
    })
    .clone()
}

/// The fixture password's hash, computed once per test binary.
pub(super) fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash(PASSWORD.as_bytes()).unwrap())
        .clone()
}

/// A server over a fresh store with the cast described in the module docs.
pub(super) struct Fixture {
    pub state: AppState,
    pub store: Arc<Store>,
    /// The only admin user, `root` (the others: `ro`, `agent`, `gone` (disabled), `victim`).
    pub admin: UserRecord,
    /// Id of `victim`, the ReadOnly user that admin actions in the matrix act on.
    pub victim: u64,
    /// Id of `victim-key`, the key the matrix deletes.
    pub victim_key: u64,
    creds: Vec<(Who, Credential)>,
    _dir: tempfile::TempDir,
}

fn user(name: &str, role: Role) -> UserRecord {
    cinder_server::auth::accounts::new_record(
        name,
        Some(&format!("{name}@example.com")),
        None,
        password_hash(),
        role,
        T0,
    )
}

/// One write of `a;b 3` to the fixture app.
pub(super) fn sample_write() -> Write {
    Write {
        key: SeriesKey::parse(&format!("{APP}{{env=test}}")).unwrap(),
        meta: SeriesMeta {
            spy_name: "pyspy".into(),
            sample_rate: 100,
            units: "samples".into(),
            aggregation: Aggregation::Sum,
        },
        window: Window::snap(T0, T0 + 10),
        tree: Tree::from_folded("a;b 3\n").0,
    }
}

impl Fixture {
    /// A fixture with the switches of `mode`.
    pub(super) fn new(mode: Mode) -> Fixture {
        Fixture::with_config(mode, mode.config())
    }

    /// A fixture with explicit switches (`_mode` only labels the call).
    pub(super) fn with_config(_mode: Mode, config: AuthConfig) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        let cast = store
            .users_transaction(|t| {
                let ids = [
                    ("root", Role::Admin),
                    ("ro", Role::ReadOnly),
                    ("agent", Role::Agent),
                    ("gone", Role::Agent),
                    ("victim", Role::ReadOnly),
                ]
                .map(|(n, r)| t.insert(user(n, r)).unwrap());
                Ok::<_, cinder_server::store::StoreError>(ids)
            })
            .unwrap();
        store.write(vec![sample_write()]).unwrap();
        let state = AppState::with_auth(
            Assets::Dir(dist()),
            Arc::clone(&store),
            Settings::default(),
            config,
        )
        .unwrap();
        let now = state.now();
        let key =
            |name: &str, role, ttl, at| keys::create(&store, name, role, ttl, at).unwrap().unwrap();
        let agent_key = key("agent-key", Role::Agent, None, now);
        let ro_key = key("ro-key", Role::ReadOnly, Some(3600), now);
        let admin_key = key("admin-key", Role::Admin, None, now);
        let expired = key("expired-key", Role::Agent, Some(10), now - 100);
        let deleted = key("deleted-key", Role::Admin, None, now);
        store.delete_api_key(deleted.record.id).unwrap();
        let victim_key = key("victim-key", Role::Agent, None, now).record.id;
        let session = |u: &UserRecord| Credential::Cookie(state.auth().issue(u, now));
        let [root, ro, agent, gone, victim] = &cast;
        let disabled = session(gone);
        store
            .users_transaction(|t| {
                let mut g = t.get(gone.id).unwrap().clone();
                g.is_disabled = true;
                t.replace(g).unwrap();
                Ok::<_, cinder_server::store::StoreError>(())
            })
            .unwrap();
        let creds = vec![
            (Who::Anonymous, Credential::None),
            (Who::ReadOnlySession, session(ro)),
            (Who::AgentSession, session(agent)),
            (Who::AdminSession, session(root)),
            (Who::AgentKey, Credential::Bearer(agent_key.key.clone())),
            (Who::ReadOnlyKey, Credential::Bearer(ro_key.key)),
            (Who::AdminKey, Credential::Bearer(admin_key.key)),
            (Who::ExpiredKey, Credential::Bearer(expired.key)),
            (Who::DeletedKey, Credential::Bearer(deleted.key)),
            (Who::DisabledUser, disabled),
            (Who::AgentKeyBasic, Credential::Basic(agent_key.key)),
        ];
        Fixture {
            state,
            admin: root.clone(),
            victim: victim.id,
            victim_key,
            store,
            creds,
            _dir: dir,
        }
    }

    /// The credential of `who`.
    pub(super) fn cred(&self, who: Who) -> Credential {
        self.creds
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, c)| c.clone())
            .unwrap()
    }

    /// Sends `req` through the whole app.
    pub(super) async fn send(&self, req: Request<Body>) -> Answer {
        let resp = app(self.state.clone()).oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Sends `method path` with a JSON (or empty) body as `cred`.
    pub(super) async fn call(
        &self,
        cred: &Credential,
        method: &str,
        path: &str,
        body: &str,
    ) -> Answer {
        let req = cred
            .apply(Request::builder().method(method).uri(path))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    /// Everything a refused request must leave alone: users (hashes and session generations
    /// included), keys, apps and series.
    pub(super) fn snapshot(&self) -> String {
        let s = &self.store;
        serde_json::json!({
            "users": s.users().unwrap(),
            "keys": s.api_keys().unwrap(),
            "apps": s.apps().unwrap(),
            "series": s.all_series().unwrap(),
        })
        .to_string()
    }
}

/// Standard base64 of `s`, as the UI sends passwords.
pub(super) fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}
