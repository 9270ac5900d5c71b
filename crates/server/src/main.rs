//! The `cinder` binary: parse flags, set up logging, open the store, bind, serve until
//! SIGINT/SIGTERM, then let in-flight uploads finish and close the store cleanly.

use std::sync::Arc;

use anyhow::Context;
use cinder_server::config::{AdminCommand, Cli, Command, Config, ResetPasswordArgs};
use cinder_server::jobs::{Jobs, JobsConfig};
use cinder_server::store::Store;
use cinder_server::{app, AppState, Assets};
use clap::Parser;

/// mimalloc: profile parsing and merging allocate many small nodes; the system allocator
/// spent about a fifth of ingestion time in malloc/free. Built with `no_thp`: with
/// transparent huge pages every sparsely touched 2 MB of its arena was resident in full,
/// which added tens of MB to an idle server.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Server(args) => {
            init_logging(&args.log_level);
            let config = args.resolve()?;
            serve(config).await
        }
        Command::Admin(AdminCommand::ResetPassword(args)) => reset_password(&args),
    }
}

/// `cinder admin reset-password`: the new password is the first line of stdin.
fn reset_password(args: &ResetPasswordArgs) -> anyhow::Result<()> {
    use std::io::BufRead;
    eprintln!(
        "New password for {} (one line on standard input):",
        args.user
    );
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let pw = line.trim_end_matches(['\n', '\r']).as_bytes().to_vec();
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs(),
    )
    .unwrap_or(i64::MAX);
    let how = cinder_server::admin::reset_password_at(
        &args.storage_path,
        &args.user,
        cinder_server::auth::password::Password(pw),
        now,
    )?;
    eprintln!("{how}; {}'s sessions have ended", args.user);
    Ok(())
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}

async fn serve(config: Config) -> anyhow::Result<()> {
    std::fs::create_dir_all(&config.storage_path).with_context(|| {
        format!(
            "creating storage directory {}",
            config.storage_path.display()
        )
    })?;
    let store = Arc::new(
        Store::open(&config.storage_path.join("store"))
            .with_context(|| format!("opening the store in {}", config.storage_path.display()))?,
    );
    let assets = config
        .ui_dir
        .clone()
        .map_or_else(Assets::builtin, Assets::Dir);
    if matches!(assets, Assets::Missing) {
        tracing::warn!(
            "this binary has no embedded web app; build with `make build` or pass --ui-dir"
        );
    }
    cinder_server::admin::serve(&config.storage_path, Arc::clone(&store))
        .context("starting the admin socket")?;
    let shutdown = shutdown_signal();
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    tracing::info!(addr = %listener.local_addr()?, "cinder server listening");
    let state = AppState::with_auth(assets, Arc::clone(&store), config.settings, config.auth)
        .context("starting authentication")?;
    let jobs = Jobs::start(
        &state,
        JobsConfig {
            self_profiling: config
                .self_profiling
                .then_some(config.self_profiling_period),
            retention: config.settings.retention,
            // Filled from the config file's `scrape-configs` once it is read (issue 14).
            scrape: Vec::new(),
        },
    );
    // Connect info gives handlers the client address (login throttling).
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await?;
    jobs.stop();
    let closing = Arc::clone(&store);
    tokio::task::spawn_blocking(move || closing.close())
        .await
        .context("closing the store")?
        .context("flushing the store")?;
    let _ = std::fs::remove_file(config.storage_path.join(cinder_server::admin::SOCKET));
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM. The handlers are installed when this
/// is called, not when the future is first polled: `serve` may answer requests before it
/// polls the shutdown future, and a SIGTERM arriving then would otherwise take the
/// default action and kill the process without a clean shutdown.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let handlers = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        {
            match handlers {
                (Ok(mut int), Ok(mut term)) => tokio::select! {
                    _ = int.recv() => tracing::info!("SIGINT received, shutting down"),
                    _ = term.recv() => tracing::info!("SIGTERM received, shutting down"),
                },
                (int, term) => {
                    let e = int.err().or(term.err()).map(|e| e.to_string());
                    tracing::error!(error = ?e, "cannot listen for SIGINT/SIGTERM");
                    std::future::pending::<()>().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("SIGINT received, shutting down");
        }
    }
}
