//! The users and keys APIs: wire shapes (and that no hash or secret leaks), validation,
//! the rules an admin cannot break (acting on oneself, removing the last admin), session
//! invalidation on role, disable and password changes, and keys that work at once and stop
//! working at once.

use serde_json::Value;

use super::fixture::{b64, Answer, Credential, Fixture, Mode, Who, PASSWORD};

fn json(a: &Answer) -> Value {
    serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("{e}: {}", a.body))
}

fn pair(a: &Answer) -> (u16, &str) {
    (a.status.as_u16(), a.body.as_str())
}

async fn login(fx: &Fixture, name: &str, password: &str) -> Option<Credential> {
    let body = format!(r#"{{"username":"{name}","password":"{}"}}"#, b64(password));
    let a = fx.call(&Credential::None, "POST", "/login", &body).await;
    a.session().map(Credential::Cookie)
}

#[tokio::test]
async fn users_are_created_and_read_in_the_specs_shape_without_their_hash() {
    let fx = Fixture::new(Mode::InternalOnly);
    let admin = fx.cred(Who::AdminSession);
    let body = r#"{"name":"jdoe","email":"jdoe@example.com","fullName":"John Doe","password":"cXdlcnR5","role":"readonly"}"#;
    let a = fx.call(&admin, "POST", "/api/users", body).await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.header("content-type"), "application/json");
    let u = json(&a);
    let keys: Vec<&str> = u.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "createdAt",
            "email",
            "fullName",
            "id",
            "isDisabled",
            "isExternal",
            "name",
            "passwordChangedAt",
            "role",
            "updatedAt"
        ]
    );
    assert_eq!(
        (u["name"].as_str(), u["role"].as_str()),
        (Some("jdoe"), Some("ReadOnly"))
    );
    assert!(u["createdAt"].as_str().unwrap().ends_with('Z'));
    let id = u["id"].as_u64().unwrap();
    let one = fx
        .call(&admin, "GET", &format!("/api/users/{id}"), "")
        .await;
    assert_eq!(json(&one), u);
    let all = fx.call(&admin, "GET", "/api/users", "").await;
    assert!(json(&all).as_array().unwrap().contains(&u));
    assert!(!all.body.contains("argon2") && !all.body.contains("passwordHash"));
    assert_eq!(
        pair(&fx.call(&admin, "GET", "/api/users/999", "").await),
        (404, r#"{"errors":["user not found"]}"#)
    );
    assert_eq!(
        fx.call(&admin, "GET", "/api/users/abc", "").await.status,
        400
    );
    assert!(login(&fx, "jdoe", "qwerty").await.is_some());
}

#[tokio::test]
async fn user_validation_lists_every_error_then_conflicts() {
    let fx = Fixture::new(Mode::InternalOnly);
    let admin = fx.cred(Who::AdminKey);
    let bad = fx
        .call(
            &admin,
            "POST",
            "/api/users",
            r#"{"name":"","email":"nope","role":"Editor"}"#,
        )
        .await;
    assert_eq!(
        pair(&bad),
        (
            400,
            r#"{"errors":["user name can't be empty","user email is invalid","user password can't be empty","unknown role"]}"#
        )
    );
    let taken = r#"{"name":"ro","email":"agent@example.com","password":"cHc=","role":"Agent"}"#;
    assert_eq!(
        pair(&fx.call(&admin, "POST", "/api/users", taken).await),
        (400, r#"{"errors":["user with this email already exists"]}"#)
    );
    let name_taken = r#"{"name":"ro","password":"cHc=","role":"Agent"}"#;
    assert_eq!(
        pair(&fx.call(&admin, "POST", "/api/users", name_taken).await),
        (400, r#"{"errors":["user with this name already exists"]}"#)
    );
}

#[tokio::test]
async fn patch_returns_the_real_user_and_can_set_an_email() {
    let fx = Fixture::new(Mode::InternalOnly);
    let me = fx.cred(Who::ReadOnlySession);
    let a = fx
        .call(
            &me,
            "PATCH",
            "/api/users",
            r#"{"fullName":"Read Only","email":"r@o.example"}"#,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let u = json(&a);
    assert_eq!(u["name"], "ro");
    assert_eq!(u["fullName"], "Read Only");
    assert_eq!(u["email"], "r@o.example");
    assert_eq!(json(&fx.call(&me, "GET", "/api/user", "").await), u);
    let clash = fx
        .call(&me, "PATCH", "/api/user", r#"{"name":"agent"}"#)
        .await;
    assert_eq!(
        pair(&clash),
        (400, r#"{"errors":["user with this name already exists"]}"#)
    );
    let renamed = fx
        .call(&me, "PATCH", "/api/user", r#"{"name":"reader"}"#)
        .await;
    assert_eq!(json(&renamed)["name"], "reader");
    assert_eq!(
        fx.call(&me, "GET", "/api/user", "").await.status,
        200,
        "session survives a rename"
    );
}

#[tokio::test]
async fn an_admin_cannot_act_on_themself_and_the_last_admin_stays() {
    let fx = Fixture::new(Mode::InternalOnly);
    let admin = fx.cred(Who::AdminSession);
    let me = fx.admin.id;
    let denied = r#"{"errors":["permission denied"]}"#;
    let before = fx.snapshot();
    for (method, path, body) in [
        (
            "PUT",
            format!("/api/users/{me}/role"),
            r#"{"role":"ReadOnly"}"#,
        ),
        ("PUT", format!("/api/users/{me}/disable"), ""),
        ("PUT", format!("/api/users/{me}/enable"), ""),
        (
            "PUT",
            format!("/api/users/{me}/password"),
            r#"{"password":"eA=="}"#,
        ),
        ("DELETE", format!("/api/users/{me}"), ""),
    ] {
        let a = fx.call(&admin, method, &path, body).await;
        assert_eq!(pair(&a), (403, denied), "{method} {path}");
    }
    let key = fx.cred(Who::AdminKey);
    let last = r#"{"errors":["the last admin can't be removed"]}"#;
    for (method, path, body) in [
        (
            "PUT",
            format!("/api/users/{me}/role"),
            r#"{"role":"Agent"}"#,
        ),
        ("PUT", format!("/api/users/{me}/disable"), ""),
        ("DELETE", format!("/api/users/{me}"), ""),
    ] {
        let a = fx.call(&key, method, &path, body).await;
        assert_eq!(pair(&a), (400, last), "{method} {path}");
    }
    assert_eq!(fx.snapshot(), before);
    let promote = format!("/api/users/{}/role", fx.victim);
    assert_eq!(
        fx.call(&key, "PUT", &promote, r#"{"role":"admin"}"#)
            .await
            .status,
        204
    );
    assert_eq!(
        fx.call(&key, "DELETE", &format!("/api/users/{me}"), "")
            .await
            .status,
        204
    );
    assert_eq!(
        fx.call(&key, "DELETE", "/api/users/4242", "").await.status,
        204
    );
    let unknown = fx.call(&key, "PUT", &promote, r#"{"role":"Editor"}"#).await;
    assert_eq!(pair(&unknown), (400, r#"{"errors":["unknown role"]}"#));
}

#[tokio::test]
async fn role_disable_and_password_changes_end_older_sessions() {
    let fx = Fixture::new(Mode::InternalOnly);
    let admin = fx.cred(Who::AdminKey);
    let me = |c: &Credential| {
        let c = c.clone();
        let fx = &fx;
        async move { fx.call(&c, "GET", "/api/user", "").await.status.as_u16() }
    };
    let ro = login(&fx, "ro", PASSWORD).await.unwrap();
    assert_eq!(me(&ro).await, 200);
    let ro_id = json(&fx.call(&ro, "GET", "/api/user", "").await)["id"]
        .as_u64()
        .unwrap();
    let path = |what: &str| format!("/api/users/{ro_id}/{what}");
    fx.call(&admin, "PUT", &path("role"), r#"{"role":"Agent"}"#)
        .await;
    assert_eq!(me(&ro).await, 401, "role changed");

    let ro = login(&fx, "ro", PASSWORD).await.unwrap();
    fx.call(&admin, "PUT", &path("disable"), "").await;
    assert_eq!(me(&ro).await, 401, "disabled");
    fx.call(&admin, "PUT", &path("enable"), "").await;
    assert_eq!(
        me(&ro).await,
        401,
        "re-enabling does not revive older sessions"
    );

    let ro = login(&fx, "ro", PASSWORD).await.unwrap();
    fx.call(
        &admin,
        "PUT",
        &path("password"),
        &format!(r#"{{"password":"{}"}}"#, b64("reset")),
    )
    .await;
    assert_eq!(me(&ro).await, 401, "password reset by an admin");
    assert!(login(&fx, "ro", PASSWORD).await.is_none());

    let ro = login(&fx, "ro", "reset").await.unwrap();
    let change = |old: &str, new: &str| {
        format!(
            r#"{{"oldPassword":"{}","newPassword":"{}"}}"#,
            b64(old),
            b64(new)
        )
    };
    let wrong = fx
        .call(&ro, "PUT", "/api/user/password", &change("nope", "x"))
        .await;
    assert_eq!(pair(&wrong), (400, r#"{"errors":["invalid password"]}"#));
    let empty = fx
        .call(&ro, "PUT", "/api/user/password", &change("reset", ""))
        .await;
    assert_eq!(
        pair(&empty),
        (400, r#"{"errors":["user password can't be empty"]}"#)
    );
    let other_device = ro.clone();
    let ok = fx
        .call(&ro, "PUT", "/api/user/password", &change("reset", "mine"))
        .await;
    assert_eq!(ok.status, 204);
    let fresh = Credential::Cookie(ok.session().expect("a fresh cookie for this session"));
    assert_eq!(me(&fresh).await, 200);
    assert_eq!(me(&other_device).await, 401, "own password change");
    assert!(login(&fx, "ro", "mine").await.is_some());

    fx.call(&admin, "DELETE", &format!("/api/users/{ro_id}"), "")
        .await;
    assert_eq!(me(&fresh).await, 401, "deleted");
    let again = r#"{"name":"ro","password":"eA==","role":"Agent"}"#;
    assert_eq!(
        fx.call(&admin, "POST", "/api/users", again).await.status,
        201
    );
    assert_eq!(
        me(&fresh).await,
        401,
        "a new user with the old name is someone else"
    );
}

#[tokio::test]
async fn keys_are_shown_once_stored_hashed_and_listed_without_secrets() {
    let fx = Fixture::new(Mode::Both);
    let admin = fx.cred(Who::AdminSession);
    let body = r#"{"name":"ci-agent","role":"agent","ttlSeconds":360000}"#;
    let a = fx.call(&admin, "POST", "/api/keys", body).await;
    assert_eq!(
        (a.status.as_u16(), a.header("content-type")),
        (201, "application/json")
    );
    let k = json(&a);
    let secret = k["key"].as_str().unwrap().to_string();
    assert!(secret.starts_with("psx-") && secret.len() >= 40, "{secret}");
    assert_eq!(k["role"], "Agent");
    let created = humantime::parse_rfc3339(k["createdAt"].as_str().unwrap()).unwrap();
    let expires = humantime::parse_rfc3339(k["expiresAt"].as_str().unwrap()).unwrap();
    assert_eq!(expires.duration_since(created).unwrap().as_secs(), 360_000);
    let list = fx.call(&admin, "GET", "/api/keys", "").await;
    let listed = json(&list);
    let entry = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "ci-agent")
        .unwrap();
    assert_eq!(entry["id"], k["id"]);
    assert!(entry.get("key").is_none() && !list.body.contains("psx-"));
    assert!(
        !fx.snapshot().contains(&secret[4..]),
        "the secret is not stored"
    );
    let forever = fx
        .call(
            &admin,
            "POST",
            "/api/keys",
            r#"{"name":"f","role":"Admin"}"#,
        )
        .await;
    assert!(json(&forever).get("expiresAt").is_none());
    let bad = fx
        .call(
            &admin,
            "POST",
            "/api/keys",
            r#"{"name":"","role":"Editor"}"#,
        )
        .await;
    assert_eq!(
        pair(&bad),
        (
            400,
            r#"{"errors":["api key name can't be empty","unknown role"]}"#
        )
    );
    let dup = fx.call(&admin, "POST", "/api/keys", body).await;
    assert_eq!(
        pair(&dup),
        (
            400,
            r#"{"errors":["api key with this name already exists"]}"#
        )
    );
}

#[tokio::test]
async fn a_key_works_at_once_and_stops_at_once() {
    let fx = Fixture::new(Mode::Both);
    let admin = fx.cred(Who::AdminSession);
    let a = fx
        .call(
            &admin,
            "POST",
            "/api/keys",
            r#"{"name":"k","role":"Agent"}"#,
        )
        .await;
    let k = json(&a);
    let key = k["key"].as_str().unwrap().to_string();
    let ingest = "/ingest?name=k.cpu&from=1700000000&until=1700000010";
    for cred in [
        Credential::Bearer(key.clone()),
        Credential::Basic(key.clone()),
    ] {
        assert_eq!(
            fx.call(&cred, "POST", ingest, "a 1").await.status,
            200,
            "{cred:?}"
        );
    }
    let last = if key.ends_with('A') { 'B' } else { 'A' };
    let tampered = format!("{}{last}", &key[..key.len() - 1]);
    let t = fx
        .call(&Credential::Bearer(tampered), "POST", ingest, "a 1")
        .await;
    assert_eq!(pair(&t), (401, r#"{"errors":["invalid credentials"]}"#));
    let del = fx
        .call(&admin, "DELETE", &format!("/api/keys/{}", k["id"]), "")
        .await;
    assert_eq!(del.status, 204);
    let gone = fx
        .call(&Credential::Bearer(key), "POST", ingest, "a 1")
        .await;
    assert_eq!(gone.status, 401, "no cache keeps a deleted key alive");
    assert_eq!(
        fx.call(&admin, "DELETE", "/api/keys/987654", "")
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn with_ingestion_auth_only_keys_work_but_cannot_be_managed() {
    let fx = Fixture::new(Mode::IngestionOnly);
    let ingest = "/ingest?name=k.cpu&from=1700000000&until=1700000010";
    assert_eq!(
        fx.call(&fx.cred(Who::AgentKey), "POST", ingest, "a 1")
            .await
            .status,
        200
    );
    assert_eq!(
        fx.call(&Credential::None, "POST", ingest, "a 1")
            .await
            .status,
        401
    );
    assert_eq!(
        fx.call(&fx.cred(Who::AdminKey), "GET", "/api/keys", "")
            .await
            .status,
        404
    );
    assert_eq!(
        fx.call(&Credential::None, "GET", "/api/apps", "")
            .await
            .status,
        200
    );
}
