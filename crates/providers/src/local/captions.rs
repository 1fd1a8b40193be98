//! `captions` offline. Audio ace spoke itself already has exact word times, recorded when it
//! was made: those are the captions. Any other audio or video is transcribed by the embedded
//! Whisper model (cargo feature `local-asr`, on by default): `result` is
//! `{captions, segments, language, duration, timing}`, the words timed by aligning the text to
//! the audio (`timing: "aligned"`), or by sharing each segment's span (`"segments"`). Media
//! with sound but no speech gives no captions; media with no audio track fails, saying so.

use futures::future::BoxFuture;
use serde_json::json;

use crate::local::LocalModels;
use crate::{Generator, Input, Produced, ProviderError, Work};

/// Captions from ace's own word times, or from Whisper.
#[derive(Debug)]
pub struct LocalCaptions {
    #[cfg(feature = "local-asr")]
    whisper: super::whisper::LocalWhisper,
    #[cfg(feature = "local-asr")]
    tools: ace_media::Tools,
}

impl LocalCaptions {
    pub fn new(models: LocalModels, tools: ace_media::Tools) -> Self {
        #[cfg(feature = "local-asr")]
        return Self {
            whisper: super::whisper::LocalWhisper::new(models),
            tools,
        };
        #[cfg(not(feature = "local-asr"))]
        {
            let _ = (models, tools);
            Self {}
        }
    }

    /// Captions of media ace did not speak.
    #[cfg(feature = "local-asr")]
    async fn transcribed(&self, work: &Work, source: &Input) -> Result<Produced, ProviderError> {
        use super::whisper::{MODEL, samples_of};
        self.whisper.warm_up().await?;
        let Some(samples) = samples_of(&self.tools, &source.location).await? else {
            return Err(ProviderError::Permanent(format!(
                "Content resource {} has no audio track, so there is nothing to caption.",
                source.resource_id
            )));
        };
        let language = work.data.get("language").and_then(|l| l.as_str());
        let transcript = self.whisper.transcribe(samples, language).await?;
        Ok(Produced {
            result: Some(json!({
                "captions": transcript.words,
                "segments": transcript.segments,
                "language": transcript.language,
                "duration": (transcript.seconds * 1000.0).round() / 1000.0,
                "timing": transcript.timing,
            })),
            provider: "local".into(),
            model: MODEL.into(),
            ..Produced::default()
        })
    }

    #[cfg(not(feature = "local-asr"))]
    async fn transcribed(&self, _work: &Work, source: &Input) -> Result<Produced, ProviderError> {
        Err(ProviderError::Permanent(format!(
            "Content resource {} was not spoken by ace, so it needs transcription, and this \
             server was built without its transcription model (cargo feature local-asr). \
             Configure a captions provider (see the README's Providers section).",
            source.resource_id
        )))
    }
}

impl Generator for LocalCaptions {
    fn name(&self) -> &str {
        "local"
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let source = work.inputs.first().ok_or_else(|| {
                ProviderError::Permanent("The captions card names no audio or video.".into())
            })?;
            let Some(words) = &source.words else {
                return self.transcribed(work, source).await;
            };
            Ok(Produced {
                result: Some(json!({ "captions": words })),
                provider: "local".into(),
                model: "speech-timings".into(),
                ..Produced::default()
            })
        })
    }
}
