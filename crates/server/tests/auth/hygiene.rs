//! No password, API key, session token or signing secret reaches the logs (or `Debug`
//! output a log line could include). The test installs a global subscriber at TRACE that
//! captures every line of this test binary (from the time it starts), drives logins, key creation, uploads,
//! password changes and a key in a query string, then searches the capture for each secret.

use std::io::Write;
use std::sync::{Arc, Mutex};

use cinder_server::auth::{AuthConfig, InitialAdmin, Secret};

use super::fixture::{b64, Credential, Fixture, Mode, Who, PASSWORD};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_is_ever_logged() {
    let capture = Capture::default();
    let writer = capture.clone();
    // Everything at TRACE except the storage engine, which never sees a secret (only
    // hashes) and is chatty enough to slow the tests running alongside.
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("trace,fjall=debug,lsm_tree=debug")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let config = AuthConfig {
        jwt_secret: Some(Secret("jwt-secret-under-test".into())),
        initial_admin: Some(InitialAdmin {
            name: "boss".into(),
            email: "boss@example.com".into(),
            password: Secret("initial-pw-789".into()),
        }),
        ..Mode::Both.config()
    };
    assert!(!format!("{config:?}").contains("initial-pw-789"));
    let fx = Fixture::with_config(Mode::Both, config);
    let none = Credential::None;
    let login = |pw: &str| format!(r#"{{"username":"ro","password":"{}"}}"#, b64(pw));
    let ok = fx.call(&none, "POST", "/login", &login(PASSWORD)).await;
    let token = ok.session().unwrap();
    assert_eq!(
        fx.call(&none, "POST", "/login", &login("wrong-pw-123"))
            .await
            .status,
        401
    );
    let admin = fx.cred(Who::AdminSession);
    let created = fx
        .call(
            &admin,
            "POST",
            "/api/keys",
            r#"{"name":"k","role":"Agent"}"#,
        )
        .await;
    let key: serde_json::Value = serde_json::from_str(&created.body).unwrap();
    let key = key["key"].as_str().unwrap().to_string();
    let ingest = "/ingest?name=h.cpu&from=1700000000&until=1700000010";
    for cred in [
        Credential::Bearer(key.clone()),
        Credential::Basic(key.clone()),
    ] {
        assert_eq!(fx.call(&cred, "POST", ingest, "a 1").await.status, 200);
    }
    let bogus = Credential::Bearer("psx-bogus-key-456".into());
    assert_eq!(fx.call(&bogus, "POST", ingest, "a 1").await.status, 401);
    // A key in the query string (no agent sends one, but a hand-written URL might) stays
    // out of the per-request log line.
    let in_query = "/render?query=h.cpu%7B%7D&api_key=psx-bogus-key-456";
    assert_eq!(fx.call(&none, "GET", in_query, "").await.status, 401);
    let change = format!(
        r#"{{"oldPassword":"{}","newPassword":"{}"}}"#,
        b64(PASSWORD),
        b64("new-pw-456")
    );
    let me = Credential::Cookie(token.clone());
    assert_eq!(
        fx.call(&me, "PUT", "/api/user/password", &change)
            .await
            .status,
        204
    );
    let newbie = format!(
        r#"{{"name":"n","password":"{}","role":"Agent"}}"#,
        b64("newbie-pw-1")
    );
    assert_eq!(
        fx.call(&admin, "POST", "/api/users", &newbie).await.status,
        201
    );
    let debug = format!(
        "{:?} {:?}",
        fx.store.users().unwrap(),
        fx.store.api_keys().unwrap()
    );
    assert!(
        !debug.contains("argon2") && !debug.contains("secretSha256"),
        "{debug}"
    );

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("login refused"), "the capture works:\n{logs}");
    assert!(
        logs.contains("uri=/render?query=h.cpu%7B%7D&api_key=<redacted> status=401"),
        "one line per request, query credentials redacted:\n{logs}"
    );
    for secret in [
        PASSWORD,
        &b64(PASSWORD),
        "wrong-pw-123",
        "new-pw-456",
        "newbie-pw-1",
        "initial-pw-789",
        "jwt-secret-under-test",
        &key,
        &key[4..],
        "psx-bogus-key-456",
        &token,
        "argon2",
    ] {
        assert!(!logs.contains(secret), "{secret:?} is in the logs:\n{logs}");
    }
}
