//! Authentication and authorization (spec §5): who is asking, and may they.
//!
//! - [`AuthConfig`]: the switches (internal auth, ingestion auth, signup, initial admin,
//!   JWT secret, cookie attributes, login lifetime, login throttling).
//! - [`Auth`]: the running state: config, the session signing key, the login buckets.
//!   [`Auth::identify`] turns a request's headers into an [`Identity`] in the order of
//!   spec §5.3: an `Authorization: Bearer` (or `Basic` with the key as password) API key,
//!   else the `pyroscopeJWT` session cookie, else anonymous.
//! - [`guard`]: the per-route middleware that enforces the route table's Auth column.
//! - [`accounts`]: user validation and the rules that span users (last admin, self).
//! - [`password`], [`token`], [`keys`], [`cookie`], [`csrf`], [`limit`]: the mechanisms.
//!
//! Nothing here logs a password, key, token or secret; the records that hold hashes
//! redact them from `Debug`.

pub mod accounts;
pub mod cookie;
pub mod csrf;
pub mod guard;
pub mod keys;
pub mod limit;
pub mod password;

pub mod token;

use std::net::IpAddr;
use std::time::Instant;

use axum::http::{header, HeaderMap, HeaderValue};
use base64::Engine as _;

pub use crate::base::Role;
pub use cookie::SameSite;
pub use guard::{Access, Principal};
pub use limit::LoginLimits;

use crate::error::AppError;
use crate::store::{ApiKeyRecord, Store, StoreError, UserRecord};

/// `N` bytes from the operating system's CSPRNG.
///
/// # Panics
/// If the OS has no working random source; nothing secure can be done without one.
#[must_use]
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    if let Err(e) = getrandom::fill(&mut b) {
        panic!("the operating system's random number generator failed: {e}");
    }
    b
}

/// A configured secret (password, signing key): usable as a string, redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

/// The admin user created on first start (`auth.internal.admin.*`).
#[derive(Debug, Clone)]
pub struct InitialAdmin {
    /// Login name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Password.
    pub password: Secret,
}

impl Default for InitialAdmin {
    fn default() -> Self {
        InitialAdmin {
            name: "admin".into(),
            email: "admin@localhost.local".into(),
            password: Secret("admin".into()),
        }
    }
}

/// The auth switches, resolved. The default is everything off, as in the original.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// `auth.internal.enabled`: login/password auth; makes auth required for the UI and
    /// every data route, and registers `/api/user(s)` and `/api/keys`.
    pub internal: bool,
    /// `auth.internal.signup-enabled`: `POST /signup` creates users.
    pub signup: bool,
    /// `auth.signup-default-role`: the role of signed-up users.
    pub signup_default_role: Role,
    /// The admin created once, on first start; `None` when `auth.internal.admin.create`
    /// is off.
    pub initial_admin: Option<InitialAdmin>,
    /// `auth.ingestion.enabled`: uploads need an Admin or Agent identity (works without
    /// internal auth too, with keys created earlier).
    pub ingestion: bool,
    /// `auth.jwt-secret`: the session signing key; generated and stored when absent.
    pub jwt_secret: Option<Secret>,
    /// `auth.login-maximum-lifetime-days`: sessions expire after this many days; 0 never.
    pub login_lifetime_days: u32,
    /// `auth.cookie-same-site`.
    pub cookie_same_site: SameSite,
    /// `auth.cookie-secure`.
    pub cookie_secure: bool,
    /// Login throttling.
    pub login_limits: LoginLimits,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            internal: false,
            signup: false,
            signup_default_role: Role::ReadOnly,
            initial_admin: Some(InitialAdmin::default()),
            ingestion: false,
            jwt_secret: None,
            login_lifetime_days: 0,
            cookie_same_site: SameSite::Lax,
            cookie_secure: false,
            login_limits: LoginLimits::default(),
        }
    }
}

/// Starting auth failed.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Reading or writing users or secrets failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The initial admin's password could not be hashed.
    #[error("hashing the initial admin password: {0}")]
    Hash(String),
}

/// Who a request is, as far as its credentials say.
#[derive(Debug, Clone)]
pub enum Identity {
    /// No credentials.
    Anonymous,
    /// A valid, unexpired API key.
    Key(ApiKeyRecord),
    /// A valid session of an enabled user.
    Session(UserRecord),
    /// An API key that is malformed, unknown, deleted or expired.
    BadKey,
    /// A session token that is forged, expired, outdated, or of a disabled or deleted user.
    BadSession,
}

/// The running auth state, shared by every request.
pub struct Auth {
    config: AuthConfig,
    jwt_key: Vec<u8>,
    by_address: limit::Buckets,
    by_name: limit::Buckets,
    hashing: tokio::sync::Semaphore,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Auth switched off entirely, with a throwaway signing key (no store access).
    #[must_use]
    pub fn disabled() -> Auth {
        Auth::with_key(AuthConfig::default(), random_bytes::<32>().to_vec())
    }

    fn with_key(config: AuthConfig, jwt_key: Vec<u8>) -> Auth {
        Auth {
            by_address: limit::Buckets::new(config.login_limits.per_address),
            by_name: limit::Buckets::new(config.login_limits.per_name),
            hashing: tokio::sync::Semaphore::new(MAX_HASHING),
            config,
            jwt_key,
        }
    }

    /// Creates the initial admin on the store's first start (whatever the switches say,
    /// as the original's first migration does, and never again), and loads or generates
    /// the session signing key.
    pub fn start(config: AuthConfig, store: &Store, now: i64) -> Result<Auth, StartError> {
        create_initial_admin(store, config.initial_admin.as_ref(), now)?;
        let key = match &config.jwt_secret {
            Some(s) if !s.0.is_empty() => s.0.as_bytes().to_vec(),
            _ => store.secret_or_insert(crate::store::tables::SECRET_JWT, || {
                random_bytes::<32>().to_vec()
            })?,
        };
        Ok(Auth::with_key(config, key))
    }

    /// The switches.
    #[must_use]
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// Whether the UI and data routes need an identity (`isAuthRequired`).
    #[must_use]
    pub fn required(&self) -> bool {
        self.config.internal
    }

    /// Whether uploads need an Admin or Agent identity.
    #[must_use]
    pub fn ingestion(&self) -> bool {
        self.config.ingestion
    }

    /// Works out who sent `headers` (spec §5.3). Store failures are the only errors.
    pub fn identify(
        &self,
        store: &Store,
        headers: &HeaderMap,
        now: i64,
    ) -> Result<Identity, StoreError> {
        if let Some(key) = presented_key(headers) {
            let record = keys::authenticate(store, &key, now)?;
            return Ok(record.map_or(Identity::BadKey, Identity::Key));
        }
        match cookie::get(headers, cookie::SESSION).filter(|t| !t.is_empty()) {
            Some(t) => Ok(self
                .session_user(store, t, now)?
                .map_or(Identity::BadSession, Identity::Session)),
            None => Ok(Identity::Anonymous),
        }
    }

    fn session_user(
        &self,
        store: &Store,
        token: &str,
        now: i64,
    ) -> Result<Option<UserRecord>, StoreError> {
        let Some(claims) = token::verify(token, &self.jwt_key, now) else {
            return Ok(None);
        };
        Ok(store
            .user(claims.uid)?
            .filter(|u| !u.is_disabled && u.session_epoch == claims.epoch && u.role == claims.role))
    }

    /// A signed session token for `user`.
    #[must_use]
    pub fn issue(&self, user: &UserRecord, now: i64) -> String {
        let days = i64::from(self.config.login_lifetime_days);
        let claims = token::Claims {
            name: user.name.clone(),
            role: user.role,
            iat: now,
            exp: (days > 0).then(|| now.saturating_add(days * 86_400)),
            uid: user.id,
            epoch: user.session_epoch,
        };
        token::sign(&claims, &self.jwt_key)
    }

    /// `Set-Cookie` carrying `token` (or clearing the session when `token` is `None`).
    #[must_use]
    pub fn cookie(
        &self,
        token: Option<&str>,
        request: &HeaderMap,
    ) -> (header::HeaderName, HeaderValue) {
        let secure = self.config.cookie_secure || cookie::came_over_https(request);
        let value = cookie::set_cookie(
            token.unwrap_or(""),
            self.config.cookie_same_site,
            secure,
            token.is_none().then_some(0),
        );
        (header::SET_COOKIE, value)
    }

    /// Takes a login attempt of `name` from `addr` out of both buckets; `Err` (429 with
    /// the seconds to wait) while either is empty. Give it back with [`Auth::login_ok`]
    /// when the password was right.
    pub fn login_attempt(&self, addr: Option<IpAddr>, name: &str) -> Result<(), AppError> {
        let now = Instant::now();
        let key = limit::address_key(addr);
        let by_address = self.by_address.take(&key, now);
        let by_name = self.by_name.take(name, now);
        if by_address.is_ok() && by_name.is_ok() {
            return Ok(());
        }
        if by_address.is_ok() {
            self.by_address.refund(&key, now);
        }
        if by_name.is_ok() {
            self.by_name.refund(name, now);
        }
        tracing::warn!(client = %key, "login throttled");
        Err(too_many(
            by_address.err().max(by_name.err()).unwrap_or_default(),
        ))
    }

    /// Gives back the tokens of a successful attempt.
    pub fn login_ok(&self, addr: Option<IpAddr>, name: &str) {
        let now = Instant::now();
        self.by_address.refund(&limit::address_key(addr), now);
        self.by_name.refund(name, now);
    }

    /// Throttles sign-ups per client address: each takes a token of the address's login
    /// bucket, never given back.
    pub fn signup_attempt(&self, addr: Option<IpAddr>) -> Result<(), AppError> {
        let key = limit::address_key(addr);
        self.by_address.take(&key, Instant::now()).map_err(|wait| {
            tracing::warn!(client = %key, "signup throttled");
            too_many(wait)
        })
    }

    /// Runs password hashing or verification on the blocking pool, at most
    /// [`MAX_HASHING`] at a time: each takes ~19 MiB and tens of milliseconds, so a flood
    /// of logins must queue instead of exhausting memory.
    pub async fn hashing<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .hashing
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
    }
}

/// On the store's first start only: creates `admin` (if any) and records that this was
/// done, so the admin is never created again, even after being deleted.
fn create_initial_admin(
    store: &Store,
    admin: Option<&InitialAdmin>,
    now: i64,
) -> Result<(), StartError> {
    if store.users_transaction(|t| Ok::<_, StoreError>(t.initialized()))? {
        return Ok(());
    }
    // Hashed before the transaction, which holds the users lock.
    let hashed = match admin {
        Some(a) => Some((
            a,
            password::hash(a.password.0.as_bytes()).map_err(StartError::Hash)?,
        )),
        None => None,
    };
    store.users_transaction(|t| {
        if t.initialized() {
            return Ok(());
        }
        t.set_initialized();
        let Some((a, hash)) = hashed else {
            return Ok(());
        };
        let user = accounts::new_record(&a.name, Some(&a.email), None, hash, Role::Admin, now);
        if t.insert(user).is_ok() {
            tracing::info!(name = %a.name, "created the initial admin user");
            if a.password.0 == "admin" {
                tracing::warn!("the initial admin has the default password; change it");
            }
        }
        Ok::<_, StoreError>(())
    })?;
    Ok(())
}

/// Most password hashes computed at once.
pub const MAX_HASHING: usize = 4;

fn too_many(wait: std::time::Duration) -> AppError {
    AppError::TooManyRequests {
        retry_after: wait
            .as_secs()
            .saturating_add(u64::from(wait.subsec_nanos() > 0))
            .max(1),
    }
}

/// The API key a request presents, if its `Authorization` header names one. `Bearer
/// <key>` always counts (as in the original, without falling back to the cookie). `Basic`
/// counts only when its password looks like a key (`psx-…`), so the Basic auth of a proxy
/// in front of the server does not shadow the session cookie.
fn presented_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let mut parts = value.split(' ');
    let (scheme, cred) = (parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(cred.to_string());
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(cred)
        .ok()?;
    let (_, pass) = std::str::from_utf8(&decoded).ok()?.split_once(':')?;
    pass.starts_with(keys::PREFIX).then(|| pass.to_string())
}
