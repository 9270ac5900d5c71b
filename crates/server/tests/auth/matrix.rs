//! The access matrix: every endpoint × every identity ([`EVERYONE`]) × the four switch
//! combinations, each cell on a fresh fixture, asserting the exact status and that every
//! refused request (any non-2xx answer) changed nothing in the store. Expected statuses
//! come from the spec's rules, written once in [`expected`]; all failing cells are
//! reported together.

use axum::body::Body;
use axum::http::Request;

use cinder_server::auth::Access;
use cinder_server::routes::{route_list, RouteInfo, Verb};

use super::fixture::{b64, Answer, Fixture, Mode, Who, EVERYONE, PASSWORD};

/// The spec's Auth column, as far as the matrix needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Never needs an identity (`/healthz`, static files, `GET /login`).
    Open,
    /// Any identity when internal auth is on.
    Any,
    /// An app page: like `Any`, but a missing or bad session is a 307 to `/login`.
    Page,
    /// Admin or Agent when ingestion auth is on.
    Ingest,
    /// `DELETE /api/apps`: Admin when either switch is on, open otherwise.
    AdminIfAnyAuth,
    /// Admin; the route exists only with internal auth.
    Admin,
    /// A session user; the route exists only with internal auth.
    User,
    /// `POST /login` / `POST /signup`: 307 to `/` when internal auth is off or the request
    /// has a valid session.
    Login,
    /// `/logout`: always a 307 to `/login`.
    Logout,
}

struct Endpoint {
    method: &'static str,
    /// `{victim}` and `{victim_key}` are replaced by the fixture's ids.
    path: &'static str,
    body: &'static str,
    rule: Rule,
    /// The status of an allowed request.
    ok: u16,
}

const fn ep(
    method: &'static str,
    path: &'static str,
    body: &'static str,
    rule: Rule,
    ok: u16,
) -> Endpoint {
    Endpoint {
        method,
        path,
        body,
        rule,
        ok,
    }
}

const PUSH: &str = "/push.v1.PusherService/Push";

#[rustfmt::skip]
const ENDPOINTS: &[Endpoint] = &[
    ep("GET", "/healthz", "", Rule::Open, 200),
    ep("GET", "/metrics", "", Rule::Open, 200),
    ep("GET", "/api/session", "", Rule::Open, 200),
    ep("GET", "/main.css", "", Rule::Open, 200),
    ep("GET", "/login", "", Rule::Open, 200),
    ep("GET", "/signup", "", Rule::Open, 200),
    ep("GET", "/", "", Rule::Page, 200),
    ep("GET", "/settings/users", "", Rule::Page, 200),
    ep("GET", "/service-discovery", "", Rule::Page, 200),
    ep("GET", "/render?query=victim.cpu%7B%7D&from=1699999000&until=1700001000&format=json", "", Rule::Any, 200),
    ep("POST", "/render?query=victim.cpu%7B%7D&from=1699999000&until=1700001000&format=collapsed", "", Rule::Any, 200),
    ep("GET", "/pyroscope/render?query=victim.cpu%7B%7D&from=1699999000&until=1700001000", "", Rule::Any, 200),
    ep("GET", "/render-diff?leftQuery=victim.cpu%7B%7D&rightQuery=victim.cpu%7B%7D&leftFrom=1699999000&leftUntil=1700001000&rightFrom=1699999000&rightUntil=1700001000", "", Rule::Any, 200),
    ep("GET", "/pyroscope/render-diff?leftQuery=victim.cpu%7B%7D&rightQuery=victim.cpu%7B%7D&leftFrom=1699999000&leftUntil=1700001000&rightFrom=1699999000&rightUntil=1700001000", "", Rule::Any, 200),
    ep("GET", "/labels", "", Rule::Any, 200),
    ep("GET", "/label-values?label=__name__", "", Rule::Any, 200),
    ep("GET", "/pyroscope/label-values?label=env", "", Rule::Any, 200),
    ep("GET", "/api/apps", "", Rule::Any, 200),
    ep("GET", "/build", "", Rule::Any, 200),
    ep("GET", "/targets", "", Rule::Any, 200),
    ep("POST", "/ingest?name=new.app.cpu&from=1700000000&until=1700000010", "a;b 1\n", Rule::Ingest, 200),
    ep("POST", "/pyroscope/ingest?name=new.app.cpu&from=1700000000&until=1700000010", "a;c 1\n", Rule::Ingest, 200),
    ep("POST", PUSH, "", Rule::Ingest, 200),
    ep("DELETE", "/api/apps", r#"{"name":"victim.cpu"}"#, Rule::AdminIfAnyAuth, 200),
    ep("GET", "/api/keys", "", Rule::Admin, 200),
    ep("POST", "/api/keys", r#"{"name":"new-key","role":"Agent","ttlSeconds":3600}"#, Rule::Admin, 201),
    ep("DELETE", "/api/keys/{victim_key}", "", Rule::Admin, 204),
    ep("GET", "/api/users", "", Rule::Admin, 200),
    ep("POST", "/api/users", r#"{"name":"newbie","password":"cHc=","role":"ReadOnly"}"#, Rule::Admin, 201),
    ep("GET", "/api/users/{victim}", "", Rule::Admin, 200),
    ep("PATCH", "/api/users/{victim}", r#"{"fullName":"Vic Tim"}"#, Rule::Admin, 200),
    ep("DELETE", "/api/users/{victim}", "", Rule::Admin, 204),
    ep("PUT", "/api/users/{victim}/password", r#"{"password":"bmV3"}"#, Rule::Admin, 204),
    ep("PUT", "/api/users/{victim}/disable", "", Rule::Admin, 204),
    ep("PUT", "/api/users/{victim}/enable", "", Rule::Admin, 204),
    ep("PUT", "/api/users/{victim}/role", r#"{"role":"admin"}"#, Rule::Admin, 204),
    ep("GET", "/api/user", "", Rule::User, 200),
    ep("PATCH", "/api/user", r#"{"fullName":"Me"}"#, Rule::User, 200),
    ep("PATCH", "/api/users", r#"{"fullName":"Me"}"#, Rule::User, 200),
    ep("PUT", "/api/user/password", "{PASSWORDS}", Rule::User, 204),
    ep("POST", "/login", "{LOGIN}", Rule::Login, 204),
    ep("POST", "/signup", r#"{"name":"joiner","password":"cHc="}"#, Rule::Login, 200),
    ep("GET", "/logout", "", Rule::Logout, 307),
    ep("POST", "/logout", "", Rule::Logout, 307),
];

/// What the request presents, as the server will judge it.
enum Presented {
    Nothing,
    Bad { key: bool },
    Session(&'static str),
    Key(&'static str),
}

fn presented(who: Who) -> Presented {
    match who {
        Who::Anonymous => Presented::Nothing,
        Who::ExpiredKey | Who::DeletedKey => Presented::Bad { key: true },
        Who::DisabledUser => Presented::Bad { key: false },
        Who::ReadOnlySession => Presented::Session("ReadOnly"),
        Who::AgentSession => Presented::Session("Agent"),
        Who::AdminSession => Presented::Session("Admin"),
        Who::ReadOnlyKey => Presented::Key("ReadOnly"),
        Who::AgentKey | Who::AgentKeyBasic => Presented::Key("Agent"),
        Who::AdminKey => Presented::Key("Admin"),
    }
}

/// The status the spec gives `e` for `who` in `mode`.
fn expected(e: &Endpoint, who: Who, mode: Mode) -> u16 {
    let enforced = match e.rule {
        Rule::Open => return e.ok,
        Rule::Logout => return 307,
        Rule::Admin | Rule::User if !mode.internal() => return 404,
        Rule::Login if !mode.internal() => return 307,
        Rule::Ingest => mode.ingestion(),
        Rule::AdminIfAnyAuth => mode.internal() || mode.ingestion(),
        _ => mode.internal(),
    };
    if !enforced {
        return e.ok;
    }
    let p = presented(who);
    match (e.rule, p) {
        (Rule::Login, Presented::Session(_)) => 307,
        (Rule::Login, _) => e.ok,
        (Rule::Page, Presented::Nothing | Presented::Bad { key: false }) => 307,
        (_, Presented::Nothing | Presented::Bad { .. }) => 401,
        (rule, Presented::Session(role) | Presented::Key(role)) => {
            let session = matches!(presented(who), Presented::Session(_));
            let allowed = match rule {
                Rule::Admin | Rule::AdminIfAnyAuth => role == "Admin",
                Rule::Ingest => role != "ReadOnly",
                Rule::User => session,
                _ => true,
            };
            if allowed {
                e.ok
            } else {
                403
            }
        }
    }
}

fn push_body() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/agents/python-pyroscope-io-1.4.0-push/0001.bin"
    ))
    .unwrap()
}

fn request(fx: &Fixture, e: &Endpoint, who: Who) -> Request<Body> {
    let path = e
        .path
        .replace("{victim}", &fx.victim.to_string())
        .replace("{victim_key}", &fx.victim_key.to_string());
    let body: Vec<u8> = match e.body {
        "{LOGIN}" => format!(r#"{{"username":"ro","password":"{}"}}"#, b64(PASSWORD)).into(),
        "{PASSWORDS}" => format!(
            r#"{{"oldPassword":"{0}","newPassword":"{0}"}}"#,
            b64(PASSWORD)
        )
        .into(),
        _ if e.path == PUSH => push_body(),
        b => b.as_bytes().to_vec(),
    };
    let mut req = fx
        .cred(who)
        .apply(Request::builder().method(e.method).uri(path));
    if e.path == PUSH {
        req = req
            .header("content-type", "application/proto")
            .header("content-encoding", "gzip");
    } else if !e.body.is_empty() && !e.path.contains("ingest") {
        req = req.header("content-type", "application/json");
    }
    req.body(Body::from(body)).unwrap()
}

/// Runs every cell of `mode`; returns the failures. A fixture is reused for the next
/// identity until a request changes the store (a refused one must not), so every cell
/// starts from the same state without paying for a fresh store each time.
async fn run(mode: Mode) -> Vec<String> {
    let mut failures = Vec::new();
    for e in ENDPOINTS {
        let mut fx = Fixture::new(mode);
        let mut pristine = fx.snapshot();
        for who in EVERYONE {
            let Answer { status, body, .. } = fx.send(request(&fx, e, who)).await;
            let want = expected(e, who, mode);
            if status.as_u16() != want {
                failures.push(format!(
                    "{mode:?} {who:?} {} {}: got {status}, want {want}: {body:.120}",
                    e.method, e.path
                ));
            }
            if fx.snapshot() != pristine {
                if !status.is_success() {
                    failures.push(format!(
                        "{mode:?} {who:?} {} {}: refused with {status} but changed the store",
                        e.method, e.path
                    ));
                }
                fx = Fixture::new(mode);
                pristine = fx.snapshot();
            }
        }
    }
    failures
}

async fn check(mode: Mode) {
    let failures = run(mode).await;
    assert!(
        failures.is_empty(),
        "{} cells failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn matrix_with_auth_off() {
    check(Mode::Off).await;
}

#[tokio::test]
async fn matrix_with_ingestion_auth_only() {
    check(Mode::IngestionOnly).await;
}

#[tokio::test]
async fn matrix_with_internal_auth_only() {
    check(Mode::InternalOnly).await;
}

#[tokio::test]
async fn matrix_with_both() {
    check(Mode::Both).await;
}

/// Whether `e` exercises `row`: same method (any method for `*` routes), and the same path
/// once `{id}`-style segments and the query string are set aside.
fn covers(e: &Endpoint, row: &RouteInfo) -> bool {
    let path = e.path.split('?').next().unwrap_or_default();
    let same_path = path.split('/').count() == row.path.split('/').count()
        && path
            .split('/')
            .zip(row.path.split('/'))
            .all(|(a, b)| a == b || (a.starts_with('{') && b.starts_with('{')));
    same_path && (row.verb == Verb::Any || row.verb.as_str() == e.method)
}

/// The rule the matrix expects of a route with `access`.
fn rule_allows(rule: Rule, access: Option<Access>) -> bool {
    match access {
        None => matches!(rule, Rule::Open | Rule::Login | Rule::Logout),
        Some(Access::Any) => rule == Rule::Any,
        Some(Access::User) => rule == Rule::User,
        Some(Access::Admin) => rule == Rule::Admin,
        Some(Access::AdminIfAnyAuth) => rule == Rule::AdminIfAnyAuth,
        Some(Access::Ingest) => rule == Rule::Ingest,
    }
}

/// The matrix's endpoints come from the router: every route it has (with every switch on,
/// the most routes there are) is exercised by a row whose rule matches the route's guard,
/// so a new route cannot go unchecked.
#[test]
fn the_matrix_covers_every_route_of_the_router() {
    let fx = Fixture::new(Mode::Both);
    let rows = route_list(&fx.state);
    assert!(rows.len() > 30, "the router lists its routes: {rows:?}");
    let missing: Vec<String> = rows
        .iter()
        .filter(|row| {
            !ENDPOINTS
                .iter()
                .any(|e| covers(e, row) && rule_allows(e.rule, row.access))
        })
        .map(|row| format!("{} {} ({:?})", row.verb.as_str(), row.path, row.access))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a matching row in ENDPOINTS:\n{}",
        missing.join("\n")
    );
}

#[test]
fn refused_bodies_are_the_specs_json() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let fx = Fixture::new(Mode::Both);
        let anon = fx
            .call(&fx.cred(Who::Anonymous), "GET", "/api/apps", "")
            .await;
        assert_eq!(anon.body, r#"{"errors":["invalid credentials"]}"#);
        assert_eq!(anon.header("content-type"), "application/json");
        let ro = fx
            .call(&fx.cred(Who::ReadOnlyKey), "GET", "/api/users", "")
            .await;
        assert_eq!(
            (ro.status.as_u16(), ro.body.as_str()),
            (403, r#"{"errors":["permission denied"]}"#)
        );
        let page = fx
            .call(
                &fx.cred(Who::Anonymous),
                "GET",
                "/explore?query=a.cpu%7B%7D&from=now-1h",
                "",
            )
            .await;
        assert_eq!(
            (page.status.as_u16(), page.header("location")),
            (
                307,
                "/login?next=%2Fexplore%3Fquery%3Da.cpu%257B%257D%26from%3Dnow-1h"
            ),
            "the sign-in page gets the whole wanted URL"
        );
        let home = fx.call(&fx.cred(Who::Anonymous), "GET", "/", "").await;
        assert_eq!(
            (home.status.as_u16(), home.header("location")),
            (307, "/login")
        );
        let push = fx.call(&fx.cred(Who::ReadOnlyKey), "POST", PUSH, "").await;
        assert_eq!(
            (push.status.as_u16(), push.body.as_str()),
            (
                403,
                r#"{"code":"permission_denied","message":"permission denied"}"#
            )
        );
    });
}
