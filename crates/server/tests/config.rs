//! The configuration layers (flags, env vars, the YAML file, defaults) through the
//! library's `config::load`, with the env given explicitly so tests do not touch the
//! process environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cinder_server::config::{self, Cli, Command, Config, ConfigError, ServerArgs, Sources};
use clap::Parser;

/// The original's pull-mode tutorial config (`examples/golang-pull`), extended with the
/// auth and retention keys of its docs; written for these tests in the same shape.
const TUTORIAL: &str = include_str!("fixtures/config/server.yml");

fn args(flags: &[&str]) -> ServerArgs {
    let mut argv = vec!["cinder", "server"];
    argv.extend_from_slice(flags);
    match Cli::try_parse_from(argv).unwrap().command {
        Command::Server(a) => *a,
        other => panic!("parsed {other:?}"),
    }
}

/// Loads with `flags`, the env vars of `env`, and no default file.
fn load(flags: &[&str], env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let env: BTreeMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
    config::load(&Sources {
        args: &args(flags),
        env: |k: &str| env.get(k).cloned(),
        default_file: Path::new("/nonexistent/cinder-test/server.yml"),
    })
}

fn file(dir: &tempfile::TempDir, text: &str) -> PathBuf {
    let p = dir.path().join("server.yml");
    std::fs::write(&p, text).unwrap();
    p
}

fn load_file(text: &str) -> Result<Config, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let p = file(&dir, text);
    load(&["--config", p.to_str().unwrap()], &[])
}

fn err(r: Result<Config, ConfigError>) -> String {
    match r {
        Ok(c) => panic!("expected an error, got {c:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn each_layer_wins_over_the_next_flag_env_file_default() {
    let dir = tempfile::tempdir().unwrap();
    let path = file(
        &dir,
        "api-bind-addr: ':1111'\nauth:\n  internal:\n    enabled: false\n    admin:\n      name: from-file\n",
    );
    let p = path.to_str().unwrap();
    let env = [
        ("PYROSCOPE_API_BIND_ADDR", ":2222"),
        ("PYROSCOPE_AUTH_INTERNAL_ENABLED", "true"),
    ];
    let flag = ["--config", p, "--api-bind-addr", ":3333"];
    let port = |c: &Config| c.bind.port();
    let admin = |c: &Config| c.auth.initial_admin.clone().unwrap().name;

    let all = load(&flag, &env).unwrap();
    assert_eq!(port(&all), 3333, "flag over env");
    assert!(all.auth.internal, "env over file");
    assert_eq!(admin(&all), "from-file", "file over default");

    let no_flag = load(&["--config", p], &env).unwrap();
    assert_eq!(port(&no_flag), 2222, "env over file");

    let file_only = load(&["--config", p], &[]).unwrap();
    assert_eq!(port(&file_only), 1111, "file over default");
    assert!(!file_only.auth.internal);

    let defaults = load(&[], &[]).unwrap();
    assert_eq!(port(&defaults), 4040);
    assert_eq!(admin(&defaults), "admin");
    assert!(
        !load(&["--auth.internal.enabled=false"], &env)
            .unwrap()
            .auth
            .internal,
        "a flag set to false wins over env true"
    );
}

#[test]
fn env_var_names_of_nested_keys_follow_the_original() {
    let c = load(
        &[],
        &[
            ("PYROSCOPE_AUTH_INTERNAL_ENABLED", "true"),
            ("PYROSCOPE_AUTH_INTERNAL_SIGNUP_ENABLED", "1"),
            ("PYROSCOPE_AUTH_INTERNAL_ADMIN_NAME", "root"),
            ("PYROSCOPE_AUTH_INGESTION_ENABLED", "yes"),
            ("PYROSCOPE_AUTH_SIGNUP_DEFAULT_ROLE", "agent"),
            ("PYROSCOPE_MAX_NODES_RENDER", "100"),
            ("PYROSCOPE_LOG_FORMAT", "json"),
            ("CINDER_MAX_INGEST_BODY", "1MiB"),
            ("CINDER_NO_SELF_PROFILING", "true"),
        ],
    )
    .unwrap();
    assert!(c.auth.internal && c.auth.signup && c.auth.ingestion);
    assert_eq!(c.auth.initial_admin.unwrap().name, "root");
    assert_eq!(c.auth.signup_default_role.as_str(), "Agent");
    assert_eq!(c.settings.max_nodes_render.to_param(), 100);
    assert_eq!(c.log_format, config::LogFormat::Json);
    assert_eq!(c.settings.limits.max_body, 1 << 20);
    assert!(
        !c.self_profiling,
        "the env var of before the table still works"
    );
    let empty = load(&[], &[("PYROSCOPE_API_BIND_ADDR", "")]).unwrap();
    assert_eq!(empty.bind.port(), 4040, "an empty env var is unset");
}

#[test]
fn the_defaults_are_the_servers_defaults() {
    let c = load(&[], &[]).unwrap();
    assert_eq!(c.settings.limits, cinder_server::ingest::Limits::default());
    assert_eq!(
        c.settings.max_nodes_render,
        cinder_profile::MaxNodes::RENDER_DEFAULT
    );
    assert_eq!(c.storage_path, PathBuf::from("./data"));
    assert!(c.self_profiling && c.auth.initial_admin.is_some() && !c.auth.internal);
    assert_eq!(c.retention, Default::default());
    assert!(c.scrape_configs.is_empty() && c.file.is_none());
}

#[test]
fn an_unknown_key_is_an_error_naming_it_and_its_line() {
    let e = err(load_file(
        "log-level: info\nauth:\n  internal:\n    enabeld: true\n",
    ));
    assert!(e.contains("enabeld") && e.contains("line 4"), "{e}");
    let e = err(load_file("storage-path: /x\nstorage_path: /y\n"));
    assert!(e.contains("storage_path") && e.contains("line 2"), "{e}");
}

#[test]
fn a_wrong_type_is_an_error_naming_the_key_and_its_line() {
    let e = err(load_file("api-bind-addr: ':1'\nmax-nodes-render: lots\n"));
    assert!(
        e.contains("max-nodes-render") && e.contains("lots") && e.contains("line 2"),
        "{e}"
    );
    let e = err(load_file("auth:\n  internal:\n    enabled: [true]\n"));
    assert!(
        e.contains("auth.internal.enabled") && e.contains("line 3"),
        "{e}"
    );
    let e = err(load_file("retention: soon\n"));
    assert!(e.contains("retention") && e.contains("line 1"), "{e}");
}

#[test]
fn flag_and_env_values_go_through_the_files_parsers() {
    let from_file =
        load_file("retention: 7d\nretention-levels: {0: 1d, 2: 30d}\nretention-max-size: 10GB\n")
            .unwrap()
            .retention;
    let from_flags = load(
        &[
            "--retention",
            "7d",
            "--retention-levels",
            "0=1d,2=30d",
            "--retention-max-size=10GB",
        ],
        &[],
    )
    .unwrap()
    .retention;
    assert_eq!(from_file, from_flags);
    assert_eq!(from_file.max_age, Some(Duration::from_secs(7 * 86_400)));
    assert_eq!(
        from_file.level_max_age.get(&2),
        Some(&Duration::from_secs(30 * 86_400))
    );
    assert_eq!(from_file.max_disk_bytes, Some(10_000_000_000));

    let e = err(load(&["--retention", "soon"], &[]));
    assert!(
        e.contains("invalid --retention") && e.contains("soon"),
        "{e}"
    );
    let e = err(load(&[], &[("PYROSCOPE_MAX_NODES_RENDER", "lots")]));
    assert!(
        e.contains("PYROSCOPE_MAX_NODES_RENDER") && e.contains("lots"),
        "{e}"
    );
    let e = err(load(&["--auth.cookie-same-site", "sometimes"], &[]));
    assert!(e.contains("invalid --auth.cookie-same-site"), "{e}");
    let e = err(load(&["--retention-levels", "12=1d"], &[]));
    assert!(e.contains("level 12 does not exist"), "{e}");
}

#[test]
fn the_originals_unimplemented_keys_are_refused_or_warned_about() {
    let e = err(load_file(
        "log-level: info\nremote-write:\n  enabled: true\n",
    ));
    // The line of the value (a map's first entry).
    assert!(
        e.contains("remote-write") && e.contains("not supported by Cinder") && e.contains("line 3"),
        "{e}"
    );
    let e = err(load_file("auth:\n  google:\n    enabled: true\n"));
    assert!(
        e.contains("auth.google") && e.contains("not supported"),
        "{e}"
    );
    let c = load_file("analytics-opt-out: true\nauth:\n  ingestion:\n    cache-ttl: 1s\n").unwrap();
    assert_eq!(
        c.ignored_keys,
        ["analytics-opt-out", "auth.ingestion.cache-ttl"]
    );
    assert!(c.notes().iter().any(|n| n.contains("analytics-opt-out")));
}

#[test]
fn the_original_tutorials_server_yml_is_read() {
    let c = load_file(TUTORIAL).unwrap();
    assert_eq!(c.log_level, "debug");
    assert_eq!(c.storage_path, PathBuf::from("/var/lib/pyroscope"));
    assert_eq!(c.bind.port(), 4040);
    assert!(c.auth.internal && c.auth.ingestion);
    assert_eq!(c.retention.max_age, Some(Duration::from_secs(30 * 86_400)));
    let [job] = c.scrape_configs.as_slice() else {
        panic!("{:?}", c.scrape_configs)
    };
    assert_eq!(job.job_name, "testing");
    assert_eq!(job.enabled_profiles, ["cpu", "mem"]);
    assert_eq!(job.scrape_interval.0, Duration::from_secs(15));
    let target = &job.static_configs[0];
    assert_eq!(target.application, "rideshare");
    assert_eq!(target.spy_name.as_deref(), Some("gospy"));
    assert_eq!(target.targets, ["rideshare:6060"]);
    assert_eq!(target.labels.get("env").map(String::as_str), Some("dev"));
}

#[test]
fn a_named_config_file_must_exist_the_default_one_need_not() {
    let e = err(load(&["--config", "/nonexistent/cinder.yml"], &[]));
    assert!(e.contains("/nonexistent/cinder.yml"), "{e}");
    let e = err(load(&[], &[("PYROSCOPE_CONFIG", "/nonexistent/env.yml")]));
    assert!(e.contains("/nonexistent/env.yml"), "{e}");
    assert!(load(&[], &[]).unwrap().file.is_none());

    let dir = tempfile::tempdir().unwrap();
    let default = file(&dir, "storage-path: /from/default/file\n");
    let c = config::load(&Sources {
        args: &args(&[]),
        env: |_: &str| None,
        default_file: &default,
    })
    .unwrap();
    assert_eq!(c.storage_path, PathBuf::from("/from/default/file"));
    assert_eq!(c.file.as_deref(), Some(default.as_path()));
}

#[test]
fn printing_the_configuration_redacts_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let p = file(&dir, "auth:\n  jwt-secret: file-jwt-secret\n");
    let c = load(
        &["--config", p.to_str().unwrap()],
        &[("PYROSCOPE_AUTH_INTERNAL_ADMIN_PASSWORD", "env-admin-pw")],
    )
    .unwrap();
    assert_eq!(c.auth.jwt_secret.as_ref().unwrap().0, "file-jwt-secret");
    let yaml = c.redacted_yaml().unwrap();
    let json = c.redacted_json().to_string();
    for shown in [&yaml, &json] {
        assert!(
            !shown.contains("file-jwt-secret") && !shown.contains("env-admin-pw"),
            "{shown}"
        );
        assert_eq!(shown.matches("<redacted>").count(), 2, "{shown}");
    }
    // What is printed is a valid config file again (apart from the secrets).
    let again = load_file(&yaml).unwrap();
    assert_eq!(again.bind, c.bind);
    assert_eq!(again.settings.limits, c.settings.limits);
}

#[tokio::test]
async fn get_config_shows_the_effective_configuration_without_secrets() {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let c = load(
        &["--auth.jwt-secret", "flag-jwt", "--max-nodes-render", "77"],
        &[("PYROSCOPE_AUTH_INTERNAL_ADMIN_PASSWORD", "env-pw")],
    )
    .unwrap();
    let storage = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(cinder_server::store::Store::open(storage.path()).unwrap());
    let state = cinder_server::AppState::new(cinder_server::Assets::Missing, store, c.settings);
    state.set_config_view(c.redacted_json());
    let req = Request::get("/config").body(Body::empty()).unwrap();
    let resp = cinder_server::app(state).oneshot(req).await.unwrap();
    assert_eq!(resp.status(), 200);
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(
        !text.contains("flag-jwt") && !text.contains("env-pw"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["max-nodes-render"], 77);
    assert_eq!(json["auth"]["jwt-secret"], "<redacted>");
    assert_eq!(json["auth"]["internal"]["admin"]["password"], "<redacted>");
}

#[test]
fn auth_switches_take_go_style_booleans() {
    let on = load(
        &["--auth.internal.enabled", "--auth.ingestion.enabled=1"],
        &[],
    )
    .unwrap();
    assert!(on.auth.internal && on.auth.ingestion && !on.auth.signup);
    let off = load(&["--auth.internal.admin.create=false"], &[]).unwrap();
    assert!(!off.auth.internal && off.auth.initial_admin.is_none());
    let c = load(
        &[
            "--auth.cookie-same-site",
            "strict",
            "--auth.signup-default-role=agent",
        ],
        &[],
    )
    .unwrap();
    assert_eq!(
        c.auth.cookie_same_site,
        cinder_server::auth::SameSite::Strict
    );
    assert_eq!(c.auth.signup_default_role, cinder_server::auth::Role::Agent);
    let e = err(load(&["--auth.signup-default-role", "Editor"], &[]));
    assert!(e.contains("invalid --auth.signup-default-role"), "{e}");
    let e = err(load(&["--auth.internal.enabled=maybe"], &[]));
    assert!(e.contains("not a boolean"), "{e}");
}

#[test]
fn the_readmes_sample_server_yml_is_valid() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let after = readme
        .split_once("A sample `server.yml`")
        .expect("README has the sample")
        .1;
    let sample = after
        .split_once("```yaml\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("a yaml block")
        .0;
    let c = load_file(sample).unwrap();
    assert_eq!(c.log_format, config::LogFormat::Json);
    assert_eq!(c.retention.level_max_age.len(), 2);
    assert_eq!(c.retention.max_disk_bytes, Some(10_000_000_000));
    assert!(c.auth.internal && c.auth.ingestion && c.auth.jwt_secret.is_none());
    assert_eq!(c.scrape_configs.len(), 1);
    assert!(c.ignored_keys.is_empty());
}

#[test]
fn a_scrape_config_the_scraper_cannot_plan_stops_startup() {
    let good = "scrape-configs:\n  - job-name: a\n    static-configs:\n      - application: app\n        targets: [\"127.0.0.1:6060\"]\n";
    let cfg = load_file(good).unwrap();
    assert_eq!(cfg.scrape_configs.len(), 1);
    let twice = format!("{good}  - job-name: a\n");
    assert!(
        err(load_file(&twice)).contains("scrape-configs"),
        "duplicate job"
    );
    let unknown = good.replace(
        "    static-configs:",
        "    enabled-profiles: [cpu, nope]\n    static-configs:",
    );
    assert!(err(load_file(&unknown)).contains("nope"), "unknown profile");
}
