//! A video a provider made, once ace has it on disk: probed so that only a real video becomes
//! an output, and priced by its length when the provider does not say what it cost.

use std::path::{Path, PathBuf};

use serde_json::json;
use tracing::warn;

use super::config::Price;
use crate::{Produced, ProviderError};

/// The largest video downloaded from a provider.
pub const MAX_VIDEO_BYTES: u64 = 1024 * 1024 * 1024;

/// The length in seconds of the video at `path`, or why it is not one.
pub async fn video_seconds(
    tools: &ace_media::Tools,
    provider: &str,
    path: &Path,
) -> Result<f64, ProviderError> {
    let not_video =
        || ProviderError::Permanent(format!("{provider} sent a file that is not a video."));
    let probed = tools.probe(&path.to_string_lossy()).await.map_err(|err| {
        warn!(provider, error = %err, "a provider's video did not probe");
        not_video()
    })?;
    if probed.video.is_none() {
        return Err(not_video());
    }
    Ok(probed.duration_ms.map_or(0.0, |ms| ms as f64 / 1000.0))
}

/// What the video cost: the provider's own figure, else its length at the `per_second` price.
pub fn video_cost(reported: Option<f64>, price: Option<Price>, seconds: f64) -> Option<f64> {
    reported
        .filter(|usd| usd.is_finite() && *usd >= 0.0)
        .or_else(|| price?.per_second.map(|per_second| per_second * seconds))
}

/// The output of a video made by `provider`'s `model`: the file at `out`, `seconds` long.
pub fn produced(
    provider: &str,
    model: &str,
    out: PathBuf,
    seconds: f64,
    cost: Option<f64>,
) -> Produced {
    Produced {
        result: Some(json!({ "duration": (seconds * 1000.0).round() / 1000.0 })),
        files: vec![out],
        provider: provider.to_owned(),
        model: model.to_owned(),
        cost_usd: cost,
        ..Produced::default()
    }
}
