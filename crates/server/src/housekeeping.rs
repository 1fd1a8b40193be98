//! Periodic clean-up every process runs: expired direct uploads and the blobs they left.
//! Each pass claims its rows atomically, so several processes can run it side by side.

use std::time::Duration;

use ace_app::App;
use tokio::task::JoinHandle;
use tracing::{info, warn};

/// How often the clean-up runs.
const PERIOD: Duration = Duration::from_secs(15 * 60);

/// Starts the clean-up loop; abort the handle to stop it.
pub fn spawn(app: App) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PERIOD);
        loop {
            ticks.tick().await;
            match ace_app::direct_uploads::sweep_expired(&app).await {
                Ok(0) => {}
                Ok(removed) => info!(removed, "removed expired direct uploads"),
                Err(err) => warn!(error = %err, "could not sweep expired direct uploads"),
            }
        }
    })
}
