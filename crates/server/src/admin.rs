//! `cinder admin …`: operator commands for a locked-out installation. They work with the
//! server stopped (the command opens the store itself) and with it running: the store is
//! then locked by the server (fjall allows one process), so the command asks the server
//! through its admin socket, `<storage-path>/admin.sock`, a Unix socket only its owner
//! may connect to (mode 0600, in the server's own data directory; whoever can use it can
//! read the store anyway). The protocol is one JSON line each way.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cinder_profile::api::encode_base64;
use serde::{Deserialize, Serialize};

use crate::auth::accounts::{self, Change};
use crate::auth::password::{self, Password};
use crate::error::AppError;
use crate::store::{Store, StoreError};

/// File name of the admin socket inside the storage directory.
pub const SOCKET: &str = "admin.sock";

/// Why an admin command failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The store could not be opened or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The request was refused (unknown user, empty password, …).
    #[error("{0}")]
    Refused(String),
    /// The running server could not be reached through its admin socket.
    #[error("the store is in use by a running server, and its admin socket {path} does not answer: {source}")]
    Socket {
        /// The socket's path.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

impl From<AppError> for AdminError {
    fn from(e: AppError) -> Self {
        AdminError::Refused(e.to_string())
    }
}

/// One request on the admin socket.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
enum Request {
    /// Set `user`'s password (base64 on the wire) and end their sessions.
    ResetPassword { user: String, password: Password },
}

impl Serialize for Password {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&encode_base64(self.as_bytes()))
    }
}

/// The answer: `{"ok":true}` or `{"error":"…"}`.
#[derive(Debug, Serialize, Deserialize)]
struct Answer {
    #[serde(default)]
    ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Sets `name`'s password and starts a new session generation (their sessions end).
///
/// # Errors
/// Unknown user, invalid password, store failure.
pub fn reset_password(
    store: &Store,
    name: &str,
    pw: &Password,
    now: i64,
) -> Result<(), AdminError> {
    accounts::check_password(pw)?;
    let user = store
        .user_by_name(name)?
        .ok_or_else(|| AdminError::Refused(format!("no user named {name:?}")))?;
    if user.is_external {
        return Err(AdminError::Refused(
            "external users have no password".into(),
        ));
    }
    let hash = password::hash(pw.as_bytes()).map_err(AdminError::Refused)?;
    accounts::apply(store, user.id, Change::Password(hash), now)?;
    Ok(())
}

/// `cinder admin reset-password`: directly when no server holds the store, else through
/// the running server's admin socket. Returns how it was done, for the operator.
///
/// # Errors
/// See [`AdminError`]; a missing store is refused (a typo must not create an empty one).
pub fn reset_password_at(
    storage: &Path,
    name: &str,
    pw: Password,
    now: i64,
) -> Result<&'static str, AdminError> {
    let store_dir = storage.join("store");
    if !store_dir.is_dir() {
        return Err(AdminError::Refused(format!(
            "no Cinder store in {}",
            storage.display()
        )));
    }
    match Store::open(&store_dir) {
        Ok(store) => {
            reset_password(&store, name, &pw, now)?;
            Ok("password changed in the store (no server was running)")
        }
        Err(e) if e.is_locked() => {
            let req = Request::ResetPassword {
                user: name.to_string(),
                password: pw,
            };
            ask(&storage.join(SOCKET), &req)?;
            Ok("password changed by the running server")
        }
        Err(e) => Err(e.into()),
    }
}

fn ask(path: &Path, req: &Request) -> Result<(), AdminError> {
    let io = |source| AdminError::Socket {
        path: path.to_path_buf(),
        source,
    };
    let mut stream = std::os::unix::net::UnixStream::connect(path).map_err(io)?;
    let mut line = serde_json::to_string(req).map_err(|e| AdminError::Refused(e.to_string()))?;
    line.push('\n');
    stream.write_all(line.as_bytes()).map_err(io)?;
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer).map_err(io)?;
    let a: Answer = serde_json::from_str(&answer)
        .map_err(|e| AdminError::Refused(format!("unreadable answer from the server: {e}")))?;
    match (a.ok, a.error) {
        (true, _) => Ok(()),
        (false, e) => Err(AdminError::Refused(e.unwrap_or_else(|| "refused".into()))),
    }
}

/// Serves the admin socket at `<storage>/admin.sock` until the process ends (a stale
/// socket file from an earlier run is replaced; the file is made owner-only).
///
/// # Errors
/// Binding the socket failed.
pub fn serve(storage: &Path, store: Arc<Store>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let path = storage.join(SOCKET);
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    tokio::spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    tokio::spawn(answer(stream, Arc::clone(&store)));
                }
                Err(e) => tracing::warn!(error = %e, "admin socket accept failed"),
            }
        }
    });
    Ok(())
}

/// One connection, handled on the blocking pool (a line in, hashing, a line out).
async fn answer(stream: tokio::net::UnixStream, store: Arc<Store>) {
    let Ok(stream) = stream.into_std() else {
        return;
    };
    let done = tokio::task::spawn_blocking(move || answer_blocking(&stream, &store)).await;
    if let Ok(Err(e)) = done {
        tracing::warn!(error = %e, "admin socket exchange failed");
    }
}

fn answer_blocking(stream: &std::os::unix::net::UnixStream, store: &Store) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line)?;
    let result = match serde_json::from_str::<Request>(&line) {
        Ok(Request::ResetPassword { user, password }) => {
            let r = reset_password(store, &user, &password, crate::base::clock::unix_now());
            if r.is_ok() {
                tracing::info!(user = %user, "password reset through the admin socket");
            }
            r
        }
        Err(e) => Err(AdminError::Refused(format!("bad request: {e}"))),
    };
    let a = match result {
        Ok(()) => Answer {
            ok: true,
            error: None,
        },
        Err(e) => Answer {
            ok: false,
            error: Some(e.to_string()),
        },
    };
    let mut out = serde_json::to_string(&a).unwrap_or_default();
    out.push('\n');
    let mut w = stream;
    w.write_all(out.as_bytes())
}
