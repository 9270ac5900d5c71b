//! Login, logout and signup over HTTP: the UI's base64 JSON and plain form posts, the
//! original's error answers, cookie attributes, throttling per address and per user name,
//! and refusal of cross-site posts that would act with a victim's cookie.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use cinder_server::auth::limit::{LoginLimits, Rate};
use cinder_server::auth::{AuthConfig, InitialAdmin, SameSite};

use super::fixture::{b64, Answer, Credential, Fixture, Mode, Who, PASSWORD};

const NONE: Credential = Credential::None;

fn login_body(name: &str, password: &str) -> String {
    format!(r#"{{"username":"{name}","password":"{}"}}"#, b64(password))
}

async fn login(fx: &Fixture, name: &str, password: &str) -> Answer {
    fx.call(&NONE, "POST", "/login", &login_body(name, password))
        .await
}

async fn login_from(fx: &Fixture, addr: &str, name: &str, password: &str) -> Answer {
    let mut req = Request::post("/login")
        .header("content-type", "application/json")
        .body(Body::from(login_body(name, password)))
        .unwrap();
    let addr: SocketAddr = addr.parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    fx.send(req).await
}

fn pair(a: &Answer) -> (u16, &str) {
    (a.status.as_u16(), a.body.as_str())
}

#[tokio::test]
async fn login_with_the_uis_json_sets_a_session_cookie_that_works() {
    let fx = Fixture::new(Mode::InternalOnly);
    let a = login(&fx, "ro", PASSWORD).await;
    assert_eq!(pair(&a), (204, ""));
    let token = a.session().unwrap();
    assert_eq!(
        a.header("set-cookie"),
        format!("pyroscopeJWT={token}; Path=/; HttpOnly; SameSite=Lax")
    );
    let me = fx
        .call(&Credential::Cookie(token.clone()), "GET", "/api/user", "")
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.body.contains(r#""name":"ro""#), "{}", me.body);
    let again = fx
        .call(
            &Credential::Cookie(token),
            "POST",
            "/login",
            &login_body("ro", PASSWORD),
        )
        .await;
    assert_eq!(
        (again.status.as_u16(), again.header("location")),
        (307, "/")
    );
}

#[tokio::test]
async fn a_plain_form_post_logs_in_and_goes_home() {
    let fx = Fixture::new(Mode::InternalOnly);
    let req = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("username=agent&password=correct+horse"))
        .unwrap();
    let a = fx.send(req).await;
    assert_eq!((a.status.as_u16(), a.header("location")), (303, "/"));
    assert!(a.session().is_some());
}

#[tokio::test]
async fn refusals_follow_the_original_and_disabled_is_told_only_with_the_password() {
    let fx = Fixture::new(Mode::InternalOnly);
    let bad = r#"{"errors":["invalid credentials"]}"#;
    assert_eq!(pair(&login(&fx, "ro", "wrong").await), (401, bad));
    assert_eq!(pair(&login(&fx, "nobody", PASSWORD).await), (401, bad));
    assert_eq!(pair(&login(&fx, "gone", "wrong").await), (401, bad));
    assert_eq!(
        pair(&login(&fx, "gone", PASSWORD).await),
        (400, r#"{"errors":["user disabled"]}"#)
    );
    assert_eq!(
        pair(&login(&fx, "", PASSWORD).await),
        (400, r#"{"errors":["user name can't be empty"]}"#)
    );
    let not_b64 = fx
        .call(
            &NONE,
            "POST",
            "/login",
            r#"{"username":"ro","password":"ab$d"}"#,
        )
        .await;
    assert_eq!(
        pair(&not_b64),
        (400, r#"{"errors":["illegal base64 data at input byte 2"]}"#)
    );
    let truncated = fx.call(&NONE, "POST", "/login", r#"{"username":"#).await;
    assert_eq!(
        pair(&truncated),
        (
            400,
            r#"{"errors":["request body contains malformed JSON"]}"#
        )
    );
    assert_eq!(fx.call(&NONE, "DELETE", "/login", "").await.status, 405);
    let off = Fixture::new(Mode::Off);
    let a = login(&off, "ro", PASSWORD).await;
    assert_eq!((a.status.as_u16(), a.header("location")), (307, "/"));
}

#[tokio::test]
async fn logout_clears_the_cookie_and_sends_the_browser_to_login() {
    let fx = Fixture::new(Mode::InternalOnly);
    for method in ["GET", "POST"] {
        let a = fx
            .call(&fx.cred(Who::AdminSession), method, "/logout", "")
            .await;
        assert_eq!((a.status.as_u16(), a.header("location")), (307, "/login"));
        assert_eq!(
            a.header("set-cookie"),
            "pyroscopeJWT=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
        );
    }
}

#[tokio::test]
async fn cookie_attributes_and_lifetime_follow_the_switches() {
    let config = AuthConfig {
        cookie_same_site: SameSite::Strict,
        cookie_secure: true,
        login_lifetime_days: 2,
        ..Mode::InternalOnly.config()
    };
    let fx = Fixture::with_config(Mode::InternalOnly, config);
    let a = login(&fx, "ro", PASSWORD).await;
    assert!(
        a.header("set-cookie")
            .ends_with("; HttpOnly; SameSite=Strict; Secure"),
        "{}",
        a.header("set-cookie")
    );
    let payload = a.session().unwrap().split('.').nth(1).unwrap().to_string();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 2 * 86_400);
    assert_eq!(claims["role"], "ReadOnly");

    let plain = Fixture::new(Mode::InternalOnly);
    let req = Request::post("/login")
        .header("x-forwarded-proto", "https")
        .body(Body::from(login_body("ro", PASSWORD)))
        .unwrap();
    let a = plain.send(req).await;
    assert!(
        a.header("set-cookie").ends_with("; Secure"),
        "behind an https proxy"
    );
}

fn throttled() -> Fixture {
    let limits = LoginLimits {
        per_address: Rate {
            burst: 5,
            refill: Duration::from_secs(60),
        },
        per_name: Rate {
            burst: 3,
            refill: Duration::from_secs(60),
        },
    };
    let config = AuthConfig {
        login_limits: limits,
        ..Mode::InternalOnly.config()
    };
    Fixture::with_config(Mode::InternalOnly, config)
}

#[tokio::test]
async fn failed_logins_are_throttled_per_user_name() {
    let fx = throttled();
    for _ in 0..3 {
        assert_eq!(
            login_from(&fx, "10.0.0.1:1", "ro", "guess").await.status,
            401
        );
    }
    let a = login_from(&fx, "10.0.0.1:1", "ro", PASSWORD).await;
    assert_eq!(
        a.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password"
    );
    let wait: u64 = a.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(a.body.starts_with(r#"{"errors":["#), "{}", a.body);
    let elsewhere = login_from(&fx, "10.0.0.2:1", "ro", PASSWORD).await;
    assert_eq!(elsewhere.status, 429, "another address does not help");
    assert_eq!(
        login_from(&fx, "10.0.0.2:1", "agent", PASSWORD)
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn failed_logins_are_throttled_per_client_address() {
    let fx = throttled();
    for name in ["a", "b", "c", "d", "e"] {
        assert_eq!(
            login_from(&fx, "10.0.0.9:5", name, "guess").await.status,
            401
        );
    }
    let a = login_from(&fx, "10.0.0.9:6", "agent", PASSWORD).await;
    assert_eq!(a.status, 429, "the address is spent, whatever the name");
    let wait = a.header("retry-after").parse::<u64>().unwrap();
    assert!(wait >= 1);
    assert!(
        a.body.contains(&format!("try again in {wait} s")),
        "the body says the wait too (the app shows it): {}",
        a.body
    );
    assert_eq!(
        login_from(&fx, "10.0.0.10:5", "agent", PASSWORD)
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn a_parallel_burst_of_guesses_gets_no_more_tries_than_the_limit() {
    let fx = throttled();
    let mut tries = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let req = Request::post("/login")
            .body(Body::from(login_body("ro", "guess")))
            .unwrap();
        let app = cinder_server::app(fx.state.clone());
        tries.spawn(async move { tower::ServiceExt::oneshot(app, req).await.unwrap().status() });
    }
    let mut statuses: Vec<u16> = tries
        .join_all()
        .await
        .iter()
        .map(axum::http::StatusCode::as_u16)
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [[401; 3].as_slice(), &[429; 9]].concat());
}

#[tokio::test]
async fn signup_creates_a_user_with_the_default_role_and_no_session() {
    let fx = Fixture::new(Mode::InternalOnly);
    let body = r#"{"name":"jo","username":"jo","email":"jo@example.com","password":"am8tcHc="}"#;
    let a = fx.call(&NONE, "POST", "/signup", body).await;
    assert_eq!(pair(&a), (200, ""));
    assert_eq!(a.header("set-cookie"), "");
    let token = login(&fx, "jo", "jo-pw").await.session().unwrap();
    let me = fx
        .call(&Credential::Cookie(token), "GET", "/api/user", "")
        .await;
    assert!(me.body.contains(r#""role":"ReadOnly""#), "{}", me.body);
    let dup = fx.call(&NONE, "POST", "/signup", body).await;
    assert_eq!(
        pair(&dup),
        (400, r#"{"errors":["user with this email already exists"]}"#)
    );
    let invalid = fx
        .call(&NONE, "POST", "/signup", r#"{"name":"","email":""}"#)
        .await;
    assert_eq!(
        pair(&invalid),
        (
            400,
            r#"{"errors":["user name can't be empty","user email is invalid","user password can't be empty"]}"#
        )
    );
    let closed = Fixture::with_config(
        Mode::InternalOnly,
        AuthConfig {
            signup: false,
            ..Mode::InternalOnly.config()
        },
    );
    let a = closed.call(&NONE, "POST", "/signup", body).await;
    assert_eq!((a.status.as_u16(), a.header("location")), (307, "/"));
}

#[tokio::test]
async fn cross_site_posts_with_the_session_cookie_are_refused() {
    let fx = Fixture::new(Mode::InternalOnly);
    let disable = format!("/api/users/{}/disable", fx.victim);
    let send = |site: Option<&'static str>, origin: Option<&'static str>, cred: Credential| {
        let mut req = cred
            .apply(Request::put(disable.as_str()))
            .header("host", "cinder:4040");
        if let Some(s) = site {
            req = req.header("sec-fetch-site", s);
        }
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        fx.send(req.body(Body::empty()).unwrap())
    };
    let before = fx.snapshot();
    let admin = fx.cred(Who::AdminSession);
    let a = send(Some("cross-site"), None, admin.clone()).await;
    assert_eq!(
        pair(&a),
        (403, r#"{"errors":["cross-origin request refused"]}"#)
    );
    let a = send(None, Some("https://evil.example"), admin.clone()).await;
    assert_eq!(a.status, 403);
    assert_eq!(fx.snapshot(), before, "refused requests changed nothing");
    let login_csrf = Request::post("/login")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(login_body("ro", PASSWORD)))
        .unwrap();
    assert_eq!(fx.send(login_csrf).await.status, 403);
    let read = fx
        .send(
            admin
                .apply(Request::get("/api/users"))
                .header("sec-fetch-site", "cross-site")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(read.status, 200, "reads are not state changes");
    let key = send(Some("cross-site"), None, fx.cred(Who::AdminKey)).await;
    assert_eq!(key.status, 204, "API keys are not ambient credentials");
    let same = send(Some("same-origin"), Some("http://cinder:4040"), admin).await;
    assert_eq!(same.status, 204);
}

#[tokio::test]
async fn the_session_says_who_is_signed_in_and_whether_the_initial_password_is_still_set() {
    let config = AuthConfig {
        internal: true,
        initial_admin: Some(InitialAdmin::default()),
        ..AuthConfig::default()
    };
    let fx = Fixture::with_config(Mode::InternalOnly, config);
    let anon = fx.call(&NONE, "GET", "/api/session", "").await;
    assert_eq!(
        pair(&anon),
        (
            200,
            r#"{"authRequired":true,"signupEnabled":false,"defaultPassword":false}"#
        )
    );
    let a = login(&fx, "admin", "admin").await;
    let cookie = Credential::Cookie(a.session().unwrap());
    let s = fx.call(&cookie, "GET", "/api/session", "").await;
    let v: serde_json::Value = serde_json::from_str(&s.body).unwrap();
    assert_eq!(
        (&v["user"]["name"], &v["user"]["role"]),
        (&"admin".into(), &"Admin".into())
    );
    assert_eq!(v["defaultPassword"], true, "{}", s.body);
    let body = format!(
        r#"{{"oldPassword":"{}","newPassword":"{}"}}"#,
        b64("admin"),
        b64("n3w-secret")
    );
    let changed = fx.call(&cookie, "PUT", "/api/user/password", &body).await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.body);
    let cookie = Credential::Cookie(changed.session().unwrap());
    let s = fx.call(&cookie, "GET", "/api/session", "").await;
    let v: serde_json::Value = serde_json::from_str(&s.body).unwrap();
    assert_eq!(v["defaultPassword"], false, "{}", s.body);
    let ro = fx
        .call(&fx.cred(Who::ReadOnlySession), "GET", "/api/session", "")
        .await;
    let v: serde_json::Value = serde_json::from_str(&ro.body).unwrap();
    assert_eq!(
        (&v["user"]["name"], &v["defaultPassword"]),
        (&"ro".into(), &false.into())
    );
    let signup = Fixture::new(Mode::InternalOnly);
    let s = signup.call(&NONE, "GET", "/api/session", "").await;
    assert!(s.body.contains(r#""signupEnabled":true"#), "{}", s.body);
    let off = Fixture::new(Mode::Off);
    let s = off.call(&NONE, "GET", "/api/session", "").await;
    assert_eq!(
        pair(&s),
        (
            200,
            r#"{"authRequired":false,"signupEnabled":false,"defaultPassword":false}"#
        )
    );
}
