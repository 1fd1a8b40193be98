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
    let rate = SAMPLE_RATE.to_string();
    let args = [
        "-i", location, "-map", "0:a:0", "-ac", "1", "-ar", &rate, "-f", "f32le", "pipe:1",
    ];
    let bytes = tools.ffmpeg(&args).await.map_err(unreadable)?;
    Ok(Some(
        bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    ))
}
