//! The deployment files, checked without a Docker engine or systemd: the `Dockerfile`,
//! `docker-compose.yaml` and `deploy/cinder.service` are parsed and their invariants
//! checked: the image builds with exactly the commands of the Makefile's `build` recipe
//! (read from the Makefile now), runs as a non-root user with its data in the volume,
//! exposes 4040 and checks its health with a command the binary has; compose turns on
//! both auth switches and mounts a named volume at the storage path; the unit is hardened
//! and its command line is one the binary accepts, with the data in its state directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use cinder_server::config::{self, Config, ServerArgs, Sources};

const BIN: &str = env!("CARGO_BIN_EXE_cinder");

fn repo_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The commands `make build` runs: the recipes of `build`'s prerequisites that are rules
/// of this Makefile, then its own; `@` and the `$(STEP) NAME` timing wrapper removed.
fn make_build_commands(makefile: &str) -> Vec<String> {
    let mut rules: BTreeMap<&str, (Vec<&str>, Vec<String>)> = BTreeMap::new();
    let mut current: Option<&str> = None;
    for line in makefile.lines() {
        if let Some(recipe) = line.strip_prefix('\t') {
            let cmd = recipe.trim().trim_start_matches('@');
            if cmd.starts_with('#') {
                continue;
            }
            let cmd = match cmd.strip_prefix("$(STEP) ") {
                Some(rest) => rest.split_once(' ').map_or("", |(_, c)| c),
                None => cmd,
            };
            if let Some(rule) = current.and_then(|r| rules.get_mut(r)) {
                rule.1.push(cmd.to_string());
            }
        } else if let Some((target, prereqs)) = line.split_once(':') {
            let simple = !target.contains(' ') && !target.starts_with('.') && !line.contains(":=");
            current = simple.then_some(target);
            if simple && !line.starts_with('#') {
                rules.insert(target, (prereqs.split_whitespace().collect(), Vec::new()));
            }
        } else if !line.trim().is_empty() {
            current = None;
        }
    }
    fn expand(rules: &BTreeMap<&str, (Vec<&str>, Vec<String>)>, t: &str, out: &mut Vec<String>) {
        let Some((prereqs, cmds)) = rules.get(t) else {
            return;
        };
        for p in prereqs {
            expand(rules, p, out);
        }
        out.extend(cmds.iter().cloned());
    }
    let mut out = Vec::new();
    expand(&rules, "build", &mut out);
    out
}

/// A Dockerfile instruction: keyword and argument text (continuations joined).
#[derive(Debug)]
struct Instr {
    op: String,
    args: String,
}

/// The Dockerfile's stages, each a list of instructions starting with its `FROM`.
fn docker_stages(text: &str) -> Vec<Vec<Instr>> {
    let mut joined = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('#') || (t.is_empty() && cur.is_empty()) {
            continue;
        }
        match t.strip_suffix('\\') {
            Some(part) => {
                cur.push_str(part);
                cur.push(' ');
            }
            None => {
                cur.push_str(t);
                joined.push(std::mem::take(&mut cur));
            }
        }
    }
    let mut stages: Vec<Vec<Instr>> = Vec::new();
    for l in joined.into_iter().filter(|l| !l.trim().is_empty()) {
        let (op, args) = l.split_once(' ').unwrap_or((&l, ""));
        let instr = Instr {
            op: op.to_ascii_uppercase(),
            args: args.split_whitespace().collect::<Vec<_>>().join(" "),
        };
        if instr.op == "FROM" {
            stages.push(Vec::new());
        }
        stages
            .last_mut()
            .expect("instructions before FROM")
            .push(instr);
    }
    stages
}

fn args_of<'a>(stage: &'a [Instr], op: &str) -> Vec<&'a str> {
    stage
        .iter()
        .filter(|i| i.op == op)
        .map(|i| i.args.as_str())
        .collect()
}

/// `KEY=VALUE` pairs of a stage's `ENV` lines.
fn env_of(stage: &[Instr]) -> BTreeMap<String, String> {
    args_of(stage, "ENV")
        .iter()
        .flat_map(|a| a.split_whitespace())
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A JSON-array (exec form) argument list.
fn exec_form(args: &str) -> Vec<String> {
    serde_json::from_str(args).unwrap_or_else(|e| panic!("not exec form: {args}: {e}"))
}

/// The configuration `cinder` would resolve with these env vars and flags (no file).
fn config_with(env: &BTreeMap<String, String>, flags: &[&str]) -> Config {
    use clap::Parser;
    let mut argv = vec!["cinder", "server"];
    argv.extend_from_slice(flags);
    let args: ServerArgs = match config::Cli::try_parse_from(argv).unwrap().command {
        config::Command::Server(a) => *a,
        other => panic!("{other:?}"),
    };
    config::load(&Sources {
        args: &args,
        env: |k: &str| env.get(k).cloned(),
        default_file: Path::new("/nonexistent/server.yml"),
    })
    .unwrap()
}

#[test]
fn the_makefile_build_recipe_is_read_as_make_runs_it() {
    let cmds = make_build_commands(&repo_file("Makefile"));
    assert_eq!(
        cmds.first().map(String::as_str),
        Some("scripts/bootstrap.sh build")
    );
    assert!(
        cmds.iter().any(|c| c.starts_with("cargo build --release")),
        "{cmds:?}"
    );
}

#[test]
fn the_dockerfile_builds_as_make_build_and_runs_unprivileged() {
    let stages = docker_stages(&repo_file("Dockerfile"));
    let [build, runtime] = stages.as_slice() else {
        panic!("expected a build and a runtime stage, got {}", stages.len())
    };
    assert!(build[0].args.ends_with(" AS build"), "{:?}", build[0]);

    // After the sources are copied in, the build stage runs make build's commands, exactly.
    let copy_all = build
        .iter()
        .position(|i| i.op == "COPY" && i.args == ". .")
        .expect("COPY . . in the build stage");
    let runs: Vec<&str> = args_of(&build[copy_all..], "RUN");
    assert_eq!(runs, make_build_commands(&repo_file("Makefile")));
    let env = env_of(build);
    assert_eq!(
        env.get("TRUNK_SKIP_VERSION_CHECK").map(String::as_str),
        Some("true")
    );
    let workdir = args_of(build, "WORKDIR")[0];
    assert!(
        env["PATH"].contains(&format!("{workdir}/tests/e2e/node_modules/.bin")),
        "wasm-opt from npm must be on PATH, as the Makefile puts it"
    );

    // The runtime stage: non-root, data in the volume, port, health check.
    let user = args_of(runtime, "USER");
    assert_eq!(user.len(), 1, "{user:?}");
    let uid = user[0].split(':').next().unwrap();
    assert!(!["root", "0"].contains(&uid), "runs as {uid}");
    assert_eq!(args_of(runtime, "VOLUME"), ["/var/lib/pyroscope"]);
    assert_eq!(args_of(runtime, "EXPOSE"), ["4040"]);
    let copied = args_of(runtime, "COPY");
    assert!(
        copied
            .iter()
            .any(|c| c.starts_with("--from=build /src/target/release/cinder ")),
        "{copied:?}"
    );
    let rt_env = env_of(runtime);
    let config = config_with(&rt_env, &[]);
    assert_eq!(config.storage_path, PathBuf::from("/var/lib/pyroscope"));
    assert_eq!(config.bind.port(), 4040);

    let health = args_of(runtime, "HEALTHCHECK");
    assert_eq!(health.len(), 1);
    let cmd = health[0].split_once("CMD ").expect("HEALTHCHECK … CMD").1;
    let argv = exec_form(cmd);
    let entry = exec_form(args_of(runtime, "ENTRYPOINT")[0]);
    assert_eq!(
        argv[0], entry[0],
        "the health check runs the installed binary"
    );
    let out = Command::new(BIN)
        .args(&argv[1..])
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success(), "{argv:?} is not a cinder command");
    assert_eq!(exec_form(args_of(runtime, "CMD")[0]), ["server"]);
}

#[test]
fn compose_turns_both_auth_switches_on_and_keeps_data_in_a_named_volume() {
    let doc: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&repo_file("docker-compose.yaml")).unwrap();
    let services = doc["services"].as_mapping().expect("services");
    assert_eq!(services.len(), 1);
    let svc = services.values().next().unwrap();
    let env: BTreeMap<String, String> =
        serde_yaml_ng::from_value(svc["environment"].clone()).expect("environment as a map");
    assert!(env.contains_key("PYROSCOPE_AUTH_INTERNAL_ENABLED"));
    assert!(env.contains_key("PYROSCOPE_AUTH_INGESTION_ENABLED"));
    // What the server makes of it, with the image's own env underneath.
    let stages = docker_stages(&repo_file("Dockerfile"));
    let mut all = env_of(stages.last().unwrap());
    all.extend(env);
    let config = config_with(&all, &[]);
    assert!(config.auth.internal && config.auth.ingestion);

    let named: Vec<&str> = doc["volumes"]
        .as_mapping()
        .expect("top-level volumes")
        .keys()
        .filter_map(|k| k.as_str())
        .collect();
    let storage = config.storage_path.to_str().unwrap().to_string();
    let mounts: Vec<&str> = svc["volumes"]
        .as_sequence()
        .expect("service volumes")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        mounts
            .iter()
            .any(|m| named.iter().any(|n| *m == format!("{n}:{storage}"))),
        "no named volume at {storage}: {mounts:?} / {named:?}"
    );
    let ports: Vec<&str> = svc["ports"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert_eq!(ports, ["4040:4040"]);
}

/// `[Section]` → key → values (keys may repeat).
fn unit_file(text: &str) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let mut out: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let mut section = String::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("bad line {line}"));
        out.entry(section.clone())
            .or_default()
            .entry(k.trim().to_string())
            .or_default()
            .push(v.trim().to_string());
    }
    out
}

#[test]
fn the_systemd_unit_is_hardened_and_its_command_line_is_valid() {
    let unit = unit_file(&repo_file("deploy/cinder.service"));
    let svc = &unit["Service"];
    let one = |k: &str| {
        let v = svc.get(k).unwrap_or_else(|| panic!("[Service] has no {k}"));
        v.last().unwrap().as_str()
    };
    for (key, want) in [
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("ProtectKernelTunables", "yes"),
        ("ProtectKernelModules", "yes"),
        ("ProtectControlGroups", "yes"),
        ("RestrictSUIDSGID", "yes"),
        ("LockPersonality", "yes"),
        ("MemoryDenyWriteExecute", "yes"),
        ("CapabilityBoundingSet", ""),
        ("KillSignal", "SIGTERM"),
    ] {
        assert_eq!(one(key), want, "{key}");
    }
    assert!(
        svc.get("DynamicUser").is_some_and(|v| v == &["yes"]) || svc.contains_key("User"),
        "neither DynamicUser nor a dedicated User"
    );
    assert!(
        one("RestrictAddressFamilies").contains("AF_UNIX"),
        "the admin socket"
    );
    assert!(unit["Install"].contains_key("WantedBy"));

    // The command line is one the binary accepts (`config print` takes the flags of
    // `server` and checks their values), and keeps the data in StateDirectory.
    let exec: Vec<&str> = one("ExecStart").split_whitespace().collect();
    assert_eq!(exec[0], "/usr/local/bin/cinder");
    assert_eq!(exec[1], "server");
    let config = config_with(&BTreeMap::new(), &exec[2..]);
    assert_eq!(
        config.storage_path,
        Path::new("/var/lib").join(one("StateDirectory"))
    );
    let printed = Command::new(BIN)
        .args(["config", "print"])
        .args(&exec[2..])
        .env_remove("PYROSCOPE_CONFIG")
        .output()
        .unwrap();
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
}
