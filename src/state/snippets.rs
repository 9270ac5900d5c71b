//! Ready-to-paste agent configurations for a new API key: this server's address and the key
//! filled in, in the form the current release of each agent accepts (checked against the
//! packages, see each template). The key travels as `Authorization: Basic` with the key as
//! password where an agent has no bearer option any more; the server accepts both.

/// One snippet: a heading, the element id suffix and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// What it is for, e.g. `Python (pip install pyroscope-io)`.
    pub title: &'static str,
    /// Short stable id (`python`, `go`, …), used for element ids.
    pub id: &'static str,
    /// The text to paste.
    pub code: String,
}

/// The application name the snippets use.
pub const APP_NAME: &str = "my.app";

/// Every snippet for `server` (e.g. `http://localhost:4040`) and the secret `key`.
#[must_use]
pub fn snippets(server: &str, key: &str) -> Vec<Snippet> {
    let server = server.trim_end_matches('/');
    vec![
        Snippet {
            title: "Go (github.com/grafana/pyroscope-go)",
            id: "go",
            code: go(server, key),
        },
        Snippet {
            title: "Python (pip install pyroscope-io)",
            id: "python",
            code: python(server, key),
        },
        Snippet {
            title: "Node.js (npm install @pyroscope/nodejs)",
            id: "node",
            code: node(server, key),
        },
        Snippet {
            title: "Rust (pyroscope = { version = \"2\", features = [\"backend-pprof-rs\"] })",
            id: "rust",
            code: rust(server, key),
        },
        Snippet {
            title: "curl (one folded profile to /ingest)",
            id: "curl",
            code: curl(server, key),
        },
    ]
}

/// Go: `pyroscope.Config` has `BasicAuthUser`/`BasicAuthPassword` (and sends them on every
/// upload); the user name is not checked.
fn go(server: &str, key: &str) -> String {
    format!(
        r#"pyroscope.Start(pyroscope.Config{{
	ApplicationName:   "{APP_NAME}",
	ServerAddress:     "{server}",
	BasicAuthUser:     "cinder",
	BasicAuthPassword: "{key}",
}})"#
    )
}

/// Python `pyroscope-io` 1.x: `configure` has no `auth_token` (a `TypeError`);
/// `basic_auth_username`/`basic_auth_password` are its credentials.
fn python(server: &str, key: &str) -> String {
    format!(
        r#"import pyroscope

pyroscope.configure(
    application_name="{APP_NAME}",
    server_address="{server}",
    basic_auth_username="cinder",
    basic_auth_password="{key}",
)"#
    )
}

/// Node `@pyroscope/nodejs` 0.6: `authToken` is sent as `Authorization: Bearer`.
fn node(server: &str, key: &str) -> String {
    format!(
        r#"const Pyroscope = require('@pyroscope/nodejs');

Pyroscope.init({{
  appName: '{APP_NAME}',
  serverAddress: '{server}',
  authToken: '{key}',
}});
Pyroscope.start();"#
    )
}

/// Rust `pyroscope` 2.x: the builder takes the backend up front and has no `auth_token`;
/// `basic_auth` sets the credentials. Checked by hand (building the crate takes about 20
/// minutes, too long for CI): pasted into a `main` with `pyroscope = { version = "2",
/// features = ["backend-pprof-rs"] }` (2.1.5, the current release on 2026-12-03), it
/// builds, and its profile reaches a server with ingestion auth as `my.app.cpu`.
fn rust(server: &str, key: &str) -> String {
    format!(
        r#"use pyroscope::backend::{{pprof_backend, BackendConfig, PprofConfig}};
use pyroscope::pyroscope::PyroscopeAgentBuilder;

let agent = PyroscopeAgentBuilder::new(
    "{server}",
    "{APP_NAME}",
    100,
    "pyroscope-rs",
    env!("CARGO_PKG_VERSION"),
    pprof_backend(PprofConfig::default(), BackendConfig::default()),
)
.basic_auth("cinder", "{key}")
.build()?;
let running = agent.start()?;"#
    )
}

/// curl: one folded stack for the last 10 s (`/ingest` defaults to folded text).
fn curl(server: &str, key: &str) -> String {
    format!(
        r#"curl -X POST -H "Authorization: Bearer {key}" \
  --data-binary 'main;work;compute 100' \
  "{server}/ingest?name={APP_NAME}.cpu&spyName=curl&sampleRate=100""#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "psx-AbC_123-xyz";

    #[test]
    fn every_snippet_has_the_server_and_the_key() {
        let all = snippets("http://localhost:4040/", KEY);
        let ids: Vec<&str> = all.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["go", "python", "node", "rust", "curl"]);
        for s in &all {
            assert!(s.code.contains(KEY), "{}: {}", s.id, s.code);
            assert!(s.code.contains("http://localhost:4040"), "{}", s.id);
            assert!(
                !s.code.contains("4040/\""),
                "trailing slash kept in {}",
                s.id
            );
        }
    }

    #[test]
    fn snippets_use_the_options_each_current_agent_has() {
        let all = snippets("http://h:1", KEY);
        let code = |id: &str| all.iter().find(|s| s.id == id).unwrap().code.clone();
        let py = code("python");
        assert!(py.contains("pyroscope.configure(") && py.contains("basic_auth_password=\"psx-"));
        assert!(
            !py.contains("auth_token"),
            "pyroscope-io 1.x has no auth_token"
        );
        assert!(code("go").contains("pyroscope.Start(pyroscope.Config{"));
        assert!(
            code("node").contains("Pyroscope.init({") && code("node").contains("authToken: 'psx-")
        );
        let rs = code("rust");
        assert!(
            rs.contains("PyroscopeAgentBuilder::new(")
                && rs.contains(".basic_auth(\"cinder\", \"psx-")
        );
        assert!(
            !rs.contains("auth_token"),
            "pyroscope 2.x has no auth_token"
        );
        assert!(code("curl").starts_with("curl -X POST -H \"Authorization: Bearer psx-"));
        assert!(code("curl").contains("\"http://h:1/ingest?name=my.app.cpu"));
    }
}
