//! Background deletion of data older than the retention period. Runs on the blocking pool
//! so ingestion and queries keep going while it works.

use std::sync::Arc;
use std::time::Duration;

use crate::base::clock;
use crate::store::Store;

/// How often old data is deleted when a retention period is set.
pub const INTERVAL: Duration = Duration::from_secs(600);

/// Deletes data older than `retention`, now and every [`INTERVAL`], until the task is
/// dropped.
pub async fn run(store: Arc<Store>, retention: Duration) {
    let mut tick = tokio::time::interval(INTERVAL);
    loop {
        tick.tick().await;
        let store = Arc::clone(&store);
        let cutoff = clock::retention_cutoff(clock::unix_now(), retention);
        match tokio::task::spawn_blocking(move || store.apply_retention(cutoff)).await {
            Ok(Ok(n)) if n > 0 => tracing::info!(slots = n, "retention: deleted old data"),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "retention failed"),
            Err(e) => tracing::error!(error = %e, "retention task panicked"),
        }
    }
}

/// What to delete, and when (`retention`, `retention-levels` and `retention-max-size` of
/// the config file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Data older than this is refused and deleted (`None`: kept forever).
    pub max_age: Option<Duration>,
    /// Per level of the time index (0 = 10 s blocks): blocks of that level older than
    /// this are deleted while coarser levels are kept.
    pub level_max_age: std::collections::BTreeMap<u8, Duration>,
    /// Oldest data is deleted while the store is larger than this many bytes.
    pub max_disk_bytes: Option<u64>,
}
