//! The `cinder` binary: parse flags, set up logging, bind, serve until SIGINT/SIGTERM.

use anyhow::Context;
use cinder_server::config::{Cli, Command, Config};
use cinder_server::{app, AppState, Assets};
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Cli {
        command: Command::Server(args),
    } = Cli::parse();
    init_logging(&args.log_level);
    let config = args.resolve()?;
    serve(config).await
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
    let assets = config
        .ui_dir
        .clone()
        .map_or_else(Assets::builtin, Assets::Dir);
    if matches!(assets, Assets::Missing) {
        tracing::warn!(
            "this binary has no embedded web app; build with `make build` or pass --ui-dir"
        );
    }
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    tracing::info!(addr = %listener.local_addr()?, "cinder server listening");
    axum::serve(listener, app(AppState::new(assets)))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received, shutting down"),
        () = term => tracing::info!("SIGTERM received, shutting down"),
    }
}
