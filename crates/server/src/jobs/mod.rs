//! Background work, in one place: self-profiling, retention, the metrics recorder's upkeep
//! and scraping (pull mode). Jobs start once the server's state exists and write through
//! its write queue, like uploads; [`Jobs::stop`] ends them at shutdown.

pub mod retention;
pub mod scrape;
pub mod selfprof;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::scrape::ScrapeConfig;
use crate::AppState;

/// What to run in the background.
#[derive(Debug, Clone, Default)]
pub struct JobsConfig {
    /// Profile the server itself, one profile per period (`None`: off).
    pub self_profiling: Option<Duration>,
    /// Delete data older than this (`None`: keep everything).
    pub retention: Option<Duration>,
    /// Pull mode: the `scrape-configs` jobs (empty: nothing is scraped).
    pub scrape: Vec<ScrapeConfig>,
}

/// The running jobs.
#[derive(Debug)]
pub struct Jobs {
    stop: Arc<AtomicBool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Jobs {
    /// Starts the jobs `config` asks for. Must be called inside the tokio runtime.
    #[must_use]
    pub fn start(state: &AppState, config: JobsConfig) -> Jobs {
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        if let Some(period) = config.self_profiling {
            selfprof::start(state.queue().clone(), Arc::clone(&stop), period);
        }
        if let Some(retention) = config.retention {
            tasks.push(tokio::spawn(retention::run(state.store(), retention)));
        }
        tasks.extend(scrape::start(state, &config.scrape));
        tasks.push(tokio::spawn(crate::observe::upkeep()));
        Jobs { stop, tasks }
    }

    /// Asks every job to stop; threads finish their current period.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.tasks {
            t.abort();
        }
    }
}
