//! The sound of any audio or video as Whisper takes it: 16 kHz mono f32 samples, decoded by
//! ffmpeg from a path or a signed URL.

use tracing::warn;

use super::mel::SAMPLE_RATE;
use crate::ProviderError;

/// The samples of `location`'s first audio track; `None` when it has none.
pub async fn samples_of(
    tools: &ace_media::Tools,
    location: &str,
) -> Result<Option<Vec<f32>>, ProviderError> {
    let unreadable = |err: ace_media::MediaError| {
        warn!(error = %err, "could not read media to transcribe");
        ProviderError::Permanent("The audio could not be read.".into())
    };
    let probe = tools.probe(location).await.map_err(unreadable)?;
    if !probe.has_audio {
        return Ok(None);
    }
    let rate = u32::try_from(SAMPLE_RATE).unwrap_or(16_000);
    let samples = tools.mono_pcm(location, rate).await.map_err(unreadable)?;
    Ok(Some(samples))
}
