//! `speech_from_text` through ElevenLabs. The voice is the card's: `my_voices` speaks with its
//! `voice_id` (`agent_default` is the configured `default_voice_id`), `clone_voice` first clones
//! the sample in `audio_resource_id`, `design_voice` first designs one from `voice_prompt`
//! (the new voice's id is in `result.voice_id`). The speech comes from the `with-timestamps`
//! endpoint, so `result.captions` has each word's exact time, as the embedded voice's does.
//! The cost is the characters ElevenLabs billed (its `character-cost` header, else the
//! script's length) at the configured `per_1k_characters` price.

mod access;
pub mod client;

use std::sync::Arc;

use ace_domain::generation::{CardRequest, VoiceMethod};
use futures::future::BoxFuture;
use serde_json::{Value, json};
use tracing::warn;

pub use self::access::{DEFAULT_MODEL, ElevenLabsAccess};
pub use self::client::{
    DesignedPreview, ElevenLabs, NewVoice, Speech, SpokenAudio, Subscription, Voice, VoiceSample,
};
use super::config::{ApiKey, ElevenLabsSettings, Price};
use super::http::generation_error;
use super::inputs;
use crate::voice::SpeakingVoice;
use crate::{Generator, Produced, ProviderError, Work};

/// The voice id that means the agent's default voice.
const AGENT_DEFAULT: &str = "agent_default";

/// Speech from ElevenLabs.
#[derive(Debug)]
pub struct ElevenLabsSpeech {
    pub client: Arc<ElevenLabs>,
    pub key: ApiKey,
    /// Such as `eleven_multilingual_v2`.
    pub model: String,
    pub settings: ElevenLabsSettings,
    pub price: Option<Price>,
    pub tools: ace_media::Tools,
}

impl ElevenLabsSpeech {
    fn provider(&self) -> &str {
        self.client.service().provider()
    }

    /// The voice to speak with: the one the app resolved, else the card's, made first when
    /// the card asks for a new one.
    async fn voice(&self, work: &Work) -> Result<String, ProviderError> {
        if let Some(SpeakingVoice::ElevenLabs(voice)) = &work.voice {
            return Ok(voice.voice_id.clone());
        }
        let name = work.text("name");
        match &work.request.voice {
            Some(VoiceMethod::MyVoices { voice_id }) if voice_id == AGENT_DEFAULT => self
                .settings
                .default_voice_id
                .clone()
                .ok_or_else(|| ProviderError::Permanent(self.no_default_voice())),
            Some(VoiceMethod::MyVoices { voice_id }) => Ok(voice_id.clone()),
            Some(VoiceMethod::CloneVoice) => {
                let sample = work.inputs.first().ok_or_else(|| {
                    ProviderError::Permanent("The card names no voice sample.".into())
                })?;
                let bytes = inputs::bytes(self.client.service(), sample).await?;
                let voice = NewVoice {
                    name: name.to_owned(),
                    description: Some(format!(
                        "A {} voice speaking {}, cloned by ace.",
                        work.text("gender"),
                        work.text("language")
                    )),
                    samples: vec![VoiceSample {
                        file_name: inputs::file_name(sample),
                        bytes,
                    }],
                };
                match self.client.add_voice(&self.key, &voice).await {
                    Ok(voice_id) => Ok(voice_id),
                    Err(err) => Err(generation_error(err).await),
                }
            }
            Some(VoiceMethod::DesignVoice) => {
                let description = format!(
                    "{}. A {} voice speaking {}.",
                    work.text("voice_prompt").trim().trim_end_matches('.'),
                    work.text("gender"),
                    work.text("language")
                );
                let description: String = description.chars().take(1000).collect();
                match self
                    .client
                    .design_voice(&self.key, name, &description)
                    .await
                {
                    Ok(voice_id) => Ok(voice_id),
                    Err(err) => Err(generation_error(err).await),
                }
            }
            None => Err(ProviderError::Permanent("The card names no voice.".into())),
        }
    }

    fn no_default_voice(&self) -> String {
        format!(
            "voice_id agent_default needs a default voice: set default_voice_id in \
             [providers.{}] (see the README's Providers section), or name a voice_id.",
            self.provider()
        )
    }
}

impl Generator for ElevenLabsSpeech {
    fn name(&self) -> &str {
        self.provider()
    }

    fn check(&self, request: &CardRequest) -> Result<(), String> {
        match &request.voice {
            Some(VoiceMethod::MyVoices { voice_id })
                if voice_id == AGENT_DEFAULT && self.settings.default_voice_id.is_none() =>
            {
                Err(self.no_default_voice())
            }
            _ => Ok(()),
        }
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let script = work.text("script");
            if script.trim().is_empty() {
                return Err(ProviderError::Permanent(
                    "The script has no words to speak.".into(),
                ));
            }
            let voice_id = self.voice(work).await?;
            let speech = Speech {
                text: script.to_owned(),
                model_id: self.model.clone(),
                language: work
                    .data
                    .get("language")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                speed: work.data.get("speed").and_then(Value::as_f64),
                stability: self.settings.stability,
                similarity_boost: self.settings.similarity_boost,
            };
            let spoken = match self.client.speak(&self.key, &voice_id, &speech).await {
                Ok(spoken) => spoken,
                Err(err) => return Err(generation_error(err).await),
            };
            let out = work.room().await?.join("speech.mp3");
            tokio::fs::write(&out, &spoken.mp3).await.map_err(|err| {
                ProviderError::Transient(format!("Could not save the speech: {err}"))
            })?;
            let probed = self
                .tools
                .probe(&out.to_string_lossy())
                .await
                .map_err(|err| {
                    warn!(provider = %self.provider(), error = %err, "ElevenLabs audio did not probe");
                    ProviderError::Permanent(format!(
                        "{} sent audio that is not a readable MP3.",
                        self.provider()
                    ))
                })?;
            if !probed.has_audio {
                return Err(ProviderError::Permanent(format!(
                    "{} sent audio with no sound in it.",
                    self.provider()
                )));
            }
            let duration = probed.duration_ms.map_or_else(
                || spoken.words.last().map_or(0.0, |word| word.end),
                |ms| ms as f64 / 1000.0,
            );
            let characters = spoken
                .characters_billed
                .unwrap_or_else(|| script.chars().count() as u64);
            let cost_usd = self
                .price
                .and_then(|price| price.per_1k_characters)
                .map(|per_1k| per_1k * characters as f64 / 1000.0);
            Ok(Produced {
                result: Some(json!({
                    "captions": spoken.words,
                    "duration": (duration * 1000.0).round() / 1000.0,
                    "voice": format!("elevenlabs/{voice_id}"),
                    "voice_id": voice_id,
                    "timing": "synthesis",
                })),
                files: vec![out],
                provider: self.provider().to_owned(),
                model: self.model.clone(),
                cost_usd,
                ..Produced::default()
            })
        })
    }
}
