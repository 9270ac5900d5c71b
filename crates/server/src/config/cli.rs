//! The command line: subcommands, and the flags of `cinder server` (also taken by
//! `cinder config print` and `cinder healthcheck`), built from the option table so every
//! option has its flag, env var and default in `--help`. Flags are kept as text here; they
//! are parsed with the file's parsers when the layers are merged ([`super::load`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches, Parser, Subcommand};

use super::options::{Kind, CONFIG_ENV, DEFAULT_CONFIG_FILE, OPTIONS};

/// Cinder: continuous profiling, compatible with Pyroscope agents and its HTTP API.
#[derive(Debug, Parser)]
#[command(name = "cinder", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The binary's subcommands (as in the original, `server` runs the server).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: ingestion, storage, query API and the web app.
    Server(Box<ServerArgs>),
    /// Operator commands (work with the server stopped or running).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Configuration commands.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Ask the server configured by these options for /healthz; exit 0 if it answers 200
    /// (for container HEALTHCHECKs: slim images have no curl).
    Healthcheck(Box<ServerArgs>),
}

/// `cinder admin …`.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Set a user's password, read from standard input (one line), and end that user's
    /// sessions. With the server running, the change goes through its admin socket.
    ResetPassword(ResetPasswordArgs),
}

/// `cinder config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration (defaults, file, env vars and these flags merged)
    /// as YAML, secrets redacted.
    Print(Box<ServerArgs>),
}

/// Flags of `cinder admin reset-password`.
#[derive(Debug, Args, Clone)]
pub struct ResetPasswordArgs {
    /// The server's storage directory.
    #[arg(long, env = "PYROSCOPE_STORAGE_PATH", default_value = "./data")]
    pub storage_path: PathBuf,
    /// The user's login name.
    pub user: String,
}

/// Flags of `cinder server`, as typed: option key → text.
#[derive(Debug, Clone, Default)]
pub struct ServerArgs {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// The options given as flags, by dotted name.
    pub flags: BTreeMap<String, String>,
}

const CONFIG_ARG: &str = "config";

/// What `cinder server --help` says after the options.
const PRECEDENCE: &str = "\
Every option can be given as a flag, an environment variable or a key of the YAML config
file; a flag wins over the environment, which wins over the file, which wins over the
default. The file is --config or $PYROSCOPE_CONFIG; without either, /etc/pyroscope/server.yml
is read if it exists. In the file, dotted names nest: --auth.internal.enabled is
`auth: {internal: {enabled: true}}`. `scrape-configs` (pull mode) is set in the file only.
`cinder config print` shows the result.";

impl FromArgMatches for ServerArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let typed = |id: &str| m.value_source(id) == Some(ValueSource::CommandLine);
        let flags = OPTIONS
            .iter()
            .filter(|o| typed(o.key))
            .filter_map(|o| Some((o.key.to_string(), m.get_one::<String>(o.key)?.clone())))
            .collect();
        let config = typed(CONFIG_ARG)
            .then(|| m.get_one::<String>(CONFIG_ARG).map(PathBuf::from))
            .flatten();
        Ok(ServerArgs { config, flags })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl Args for ServerArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let config = Arg::new(CONFIG_ARG)
            .long(CONFIG_ARG)
            .env(CONFIG_ENV)
            .hide_env_values(true)
            .value_name("FILE")
            .help(format!(
                "YAML config file (the original's server.yml keys). Default: {DEFAULT_CONFIG_FILE}, read only if it exists"
            ));
        OPTIONS
            .iter()
            .fold(cmd.arg(config), |cmd, o| {
                let mut arg = Arg::new(o.key)
                    .long(o.key)
                    .env(o.env_name())
                    .hide_env_values(true)
                    .help(o.help);
                if o.key.starts_with("auth.") {
                    arg = arg.help_heading("Authentication");
                }
                if let Some(d) = o.default {
                    arg = arg.default_value(d);
                }
                arg = match o.kind {
                    Kind::Switch => arg
                        .value_name("BOOL")
                        .action(ArgAction::Set)
                        .num_args(0..=1)
                        .require_equals(true)
                        .default_missing_value("true"),
                    Kind::Value(name) => arg.value_name(name).allow_negative_numbers(true),
                    Kind::Hidden(name) => arg.value_name(name).hide(true),
                };
                cmd.arg(arg)
            })
            .after_help(PRECEDENCE)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_args(args: &[&str]) -> ServerArgs {
        let mut argv = vec!["cinder", "server"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Server(a) => *a,
            other => panic!("parsed {other:?}"),
        }
    }

    #[test]
    fn only_typed_flags_are_kept_as_text() {
        let a = server_args(&[
            "--auth.internal.enabled",
            "--auth.ingestion.enabled=0",
            "--max-nodes-render",
            "-1",
            "--config",
            "x.yml",
        ]);
        let flags: Vec<(&str, &str)> = a
            .flags
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            flags,
            [
                ("auth.ingestion.enabled", "0"),
                ("auth.internal.enabled", "true"),
                ("max-nodes-render", "-1"),
            ]
        );
        assert_eq!(a.config, Some(PathBuf::from("x.yml")));
        assert!(server_args(&[]).flags.is_empty());
    }
}
