//! Periodic work every process runs: clean-up of expired direct uploads and the blobs they
//! left and of idempotency keys past their day, and, when templates come from a directory, re-reading it. Each pass is safe to run
//! in several processes side by side.

use std::path::PathBuf;
use std::time::Duration;

use ace_app::App;
use tokio::task::JoinHandle;
use tracing::{info, warn};

/// How often the clean-up runs.
const PERIOD: Duration = Duration::from_secs(15 * 60);

/// How often a template directory is re-read (only changed files cost more than a hash).
const TEMPLATES_PERIOD: Duration = Duration::from_secs(60);

/// Starts the loops; abort the handle to stop them.
pub fn spawn(app: App, templates_dir: Option<PathBuf>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut sweeps = tokio::time::interval(PERIOD);
        let mut template_checks = tokio::time::interval(TEMPLATES_PERIOD);
        // The library was loaded at start; the first check can wait a period.
        template_checks.tick().await;
        loop {
            tokio::select! {
                _ = sweeps.tick() => {
                    match ace_app::direct_uploads::sweep_expired(&app).await {
                        Ok(0) => {}
                        Ok(removed) => info!(removed, "removed expired direct uploads"),
                        Err(err) => warn!(error = %err, "could not sweep expired direct uploads"),
                    }
                    if let Err(err) = ace_app::idempotency::sweep_expired(&app).await {
                        warn!(error = %err, "could not forget expired idempotency keys");
                    }
                }
                _ = template_checks.tick(), if templates_dir.is_some() => {
                    if let Err(err) = ace_app::templates::sync::sync_from(&app, templates_dir.as_deref()).await {
                        warn!(error = %err, "could not re-read the template library; keeping the loaded one");
                    }
                }
            }
        }
    })
}
