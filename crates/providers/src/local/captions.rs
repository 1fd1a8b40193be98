//! `captions` offline. Audio ace spoke itself already has exact word times, recorded when it
//! was made: those are the captions. Other audio and video need transcription, which the
//! embedded Whisper model provides when it is installed.

use futures::future::BoxFuture;
use serde_json::json;

use crate::{Generator, Produced, ProviderError, Work};

/// Captions from ace's own word times.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalCaptions;

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
                return Err(ProviderError::Permanent(format!(
                    "Content resource {} was not spoken by ace, so it needs transcription, and no \
                     transcription model is installed on this server. Configure a captions \
                     provider (see the README's Providers section).",
                    source.resource_id
                )));
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
