//! A small ElevenLabs client, given the key on every call so it serves the server's own key
//! and an agent's alike: check a key (`GET /v1/user`), list voices (`GET /v1/voices`), clone a
//! voice (`POST /v1/voices/add`), design one (`POST /v1/text-to-voice/design`, then
//! `POST /v1/text-to-voice`), delete one (`DELETE /v1/voices/{id}`) and speak
//! (`POST /v1/text-to-speech/{voice_id}/with-timestamps`, an MP3 and each character's time).

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::remote::config::ApiKey;
use crate::remote::http::{CallError, Service};
use crate::words::TimedWord;

/// ElevenLabs' own address.
pub const DEFAULT_BASE_URL: &str = "https://api.elevenlabs.io";
/// The audio asked for: MP3, 44.1 kHz, 128 kb/s.
pub const OUTPUT_FORMAT: &str = "mp3_44100_128";
/// The `voice_settings.speed` range ElevenLabs accepts.
pub const SPEED_RANGE: (f64, f64) = (0.7, 1.2);

/// The ElevenLabs API at one address.
#[derive(Clone, Debug)]
pub struct ElevenLabs {
    service: Service,
}

/// A key's account, as `GET /v1/user` tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    /// `free`, `starter`, `creator`, `pro`, ...
    pub tier: String,
    pub character_count: Option<u64>,
    pub character_limit: Option<u64>,
}

/// A voice the key can speak with.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Voice {
    pub voice_id: String,
    pub name: String,
    /// `premade`, `cloned`, `generated`, `professional`, ...
    pub category: Option<String>,
    pub description: Option<String>,
    pub preview_url: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// A recording to clone a voice from.
#[derive(Clone, Debug)]
pub struct VoiceSample {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A voice to clone.
#[derive(Clone, Debug)]
pub struct NewVoice {
    pub name: String,
    pub description: Option<String>,
    pub samples: Vec<VoiceSample>,
}

/// What to say and how.
#[derive(Clone, Debug)]
pub struct Speech {
    pub text: String,
    /// Such as `eleven_multilingual_v2`.
    pub model_id: String,
    /// An ISO 639-1 code; sent only to models that take one (the v2.5 and v3 ones).
    pub language: Option<String>,
    /// 1 is the voice's own pace; clamped to [`SPEED_RANGE`].
    pub speed: Option<f64>,
    pub stability: Option<f64>,
    pub similarity_boost: Option<f64>,
}

/// Speech as ElevenLabs made it.
#[derive(Clone, Debug)]
pub struct SpokenAudio {
    pub mp3: Vec<u8>,
    /// Each word of the text and when it is spoken, from the character alignment.
    pub words: Vec<TimedWord>,
    /// The characters it billed (its `character-cost` header), when it says.
    pub characters_billed: Option<u64>,
}

#[derive(Deserialize)]
struct User {
    subscription: UserSubscription,
}

#[derive(Deserialize)]
struct UserSubscription {
    tier: String,
    character_count: Option<u64>,
    character_limit: Option<u64>,
}

#[derive(Deserialize)]
struct Voices {
    voices: Vec<Voice>,
}

#[derive(Deserialize)]
struct VoiceId {
    voice_id: String,
}

#[derive(Deserialize)]
struct Designs {
    #[serde(default)]
    previews: Vec<Design>,
}

#[derive(Deserialize)]
struct Design {
    generated_voice_id: String,
    /// The preview's audio (an MP3), base64.
    #[serde(default)]
    audio_base_64: Option<String>,
}

/// A voice ElevenLabs designed, not yet saved: its preview and the id that saves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesignedPreview {
    pub generated_voice_id: String,
    /// The preview's audio (an MP3).
    pub audio: Vec<u8>,
}

#[derive(Deserialize)]
struct Timed {
    audio_base64: String,
    alignment: Option<Alignment>,
}

#[derive(Deserialize)]
struct Alignment {
    characters: Vec<String>,
    character_start_times_seconds: Vec<f64>,
    character_end_times_seconds: Vec<f64>,
}

impl ElevenLabs {
    /// The API at `base_url` (such as [`DEFAULT_BASE_URL`]); each request may take `timeout`.
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self, String> {
        Service::new("elevenlabs", base_url, Some("xi-api-key"), timeout).map(Self::over)
    }

    /// The client over an already configured service (its name is the provider's).
    pub(crate) fn over(service: Service) -> Self {
        Self { service }
    }

    pub(crate) fn service(&self) -> &Service {
        &self.service
    }

    /// The account of `key`; fails with [`CallError::Unauthorized`] for a wrong key.
    pub async fn subscription(&self, key: &ApiKey) -> Result<Subscription, CallError> {
        let request = self.service.request(Method::GET, "v1/user", Some(key));
        let user: User = self.service.json(request, Some(key)).await?;
        Ok(Subscription {
            tier: user.subscription.tier,
            character_count: user.subscription.character_count,
            character_limit: user.subscription.character_limit,
        })
    }

    /// The voices `key` can speak with.
    pub async fn voices(&self, key: &ApiKey) -> Result<Vec<Voice>, CallError> {
        let request = self.service.request(Method::GET, "v1/voices", Some(key));
        let voices: Voices = self.service.json(request, Some(key)).await?;
        Ok(voices.voices)
    }

    /// Clones a voice from its samples; returns its `voice_id`.
    pub async fn add_voice(&self, key: &ApiKey, voice: &NewVoice) -> Result<String, CallError> {
        let mut form = Form::new().text("name", voice.name.clone());
        if let Some(description) = &voice.description {
            form = form.text("description", description.clone());
        }
        for sample in &voice.samples {
            let part = Part::bytes(sample.bytes.clone())
                .file_name(sample.file_name.clone())
                .mime_str(crate::remote::inputs::media_type(&sample.file_name))
                .map_err(|_| self.service.bad_answer("a sample's media type"))?;
            form = form.part("files", part);
        }
        let request = self
            .service
            .request(Method::POST, "v1/voices/add", Some(key))
            .multipart(form);
        let added: VoiceId = self.service.json(request, Some(key)).await?;
        Ok(added.voice_id)
    }

    /// Designs a voice from a description (20 to 1000 characters) and saves it as `name`;
    /// returns its `voice_id`.
    pub async fn design_voice(
        &self,
        key: &ApiKey,
        name: &str,
        description: &str,
    ) -> Result<String, CallError> {
        let previews = self.design_previews(key, description, None).await?;
        let design = previews
            .first()
            .ok_or_else(|| self.service.bad_answer("it designed no voice"))?;
        self.save_design(key, name, description, &design.generated_voice_id)
            .await
    }

    /// Voices designed from a description (20 to 1000 characters), each with a preview of it
    /// reading `text` (100 to 1000 characters; without it ElevenLabs writes its own).
    pub async fn design_previews(
        &self,
        key: &ApiKey,
        description: &str,
        text: Option<&str>,
    ) -> Result<Vec<DesignedPreview>, CallError> {
        let body = match text {
            Some(text) => json!({ "voice_description": description, "text": text }),
            None => json!({ "voice_description": description, "auto_generate_text": true }),
        };
        let request = self
            .service
            .request(Method::POST, "v1/text-to-voice/design", Some(key))
            .json(&body);
        let designs: Designs = self.service.json(request, Some(key)).await?;
        designs
            .previews
            .into_iter()
            .map(|design| {
                let audio = design
                    .audio_base_64
                    .as_deref()
                    .map(|encoded| base64::engine::general_purpose::STANDARD.decode(encoded))
                    .transpose()
                    .map_err(|_| self.service.bad_answer("a preview's audio is not base64"))?
                    .unwrap_or_default();
                Ok(DesignedPreview {
                    generated_voice_id: design.generated_voice_id,
                    audio,
                })
            })
            .collect()
    }

    /// Saves the designed voice `generated_voice_id` as `name`; returns its `voice_id`.
    pub async fn save_design(
        &self,
        key: &ApiKey,
        name: &str,
        description: &str,
        generated_voice_id: &str,
    ) -> Result<String, CallError> {
        let request = self
            .service
            .request(Method::POST, "v1/text-to-voice", Some(key))
            .json(&json!({
                "voice_name": name,
                "voice_description": description,
                "generated_voice_id": generated_voice_id,
            }));
        let created: VoiceId = self.service.json(request, Some(key)).await?;
        Ok(created.voice_id)
    }

    /// Deletes a voice `key` owns.
    pub async fn delete_voice(&self, key: &ApiKey, voice_id: &str) -> Result<(), CallError> {
        let path = format!("v1/voices/{}", path_segment(voice_id));
        let request = self.service.request(Method::DELETE, &path, Some(key));
        self.service.send(request, Some(key)).await.map(|_| ())
    }

    /// Speaks `speech` with `voice_id`.
    pub async fn speak(
        &self,
        key: &ApiKey,
        voice_id: &str,
        speech: &Speech,
    ) -> Result<SpokenAudio, CallError> {
        let path = format!(
            "v1/text-to-speech/{}/with-timestamps?output_format={OUTPUT_FORMAT}",
            path_segment(voice_id)
        );
        let request = self
            .service
            .request(Method::POST, &path, Some(key))
            .json(&speech_body(speech));
        let response = self.service.send(request, Some(key)).await?;
        let characters_billed = ["character-cost", "x-character-count"]
            .iter()
            .find_map(|name| response.headers().get(*name))
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse().ok());
        let bytes = self
            .service
            .read_capped(response, 256 * 1024 * 1024)
            .await?;
        let timed: Timed = serde_json::from_slice(&bytes)
            .map_err(|_| self.service.bad_answer("its speech answer did not parse"))?;
        let mp3 = base64::engine::general_purpose::STANDARD
            .decode(timed.audio_base64.trim())
            .map_err(|_| self.service.bad_answer("its audio was not valid base64"))?;
        let words = timed.alignment.as_ref().map(words_of).unwrap_or_default();
        Ok(SpokenAudio {
            mp3,
            words,
            characters_billed,
        })
    }
}

/// The request body of a speech.
fn speech_body(speech: &Speech) -> Value {
    let mut settings = serde_json::Map::new();
    if let Some(stability) = speech.stability {
        settings.insert("stability".into(), json!(stability));
    }
    if let Some(similarity) = speech.similarity_boost {
        settings.insert("similarity_boost".into(), json!(similarity));
    }
    if let Some(speed) = speech.speed {
        settings.insert(
            "speed".into(),
            json!(speed.clamp(SPEED_RANGE.0, SPEED_RANGE.1)),
        );
    }
    let mut body = json!({ "text": speech.text, "model_id": speech.model_id });
    if !settings.is_empty() {
        body["voice_settings"] = Value::Object(settings);
    }
    if let Some(language) = &speech.language
        && takes_language(&speech.model_id)
    {
        let code = language.split(['-', '_']).next().unwrap_or(language);
        body["language_code"] = json!(code.to_ascii_lowercase());
    }
    body
}

/// Whether a model takes `language_code` (others refuse the request when it is sent).
fn takes_language(model_id: &str) -> bool {
    model_id.contains("v2_5") || model_id.contains("v3")
}

/// A voice id as one path segment: ElevenLabs ids are alphanumeric, anything else is dropped.
fn path_segment(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

/// The words of an alignment: runs of non-space characters, from the first one's start to the
/// last one's end.
fn words_of(alignment: &Alignment) -> Vec<TimedWord> {
    let mut words = Vec::new();
    let mut current: Option<(String, f64, f64)> = None;
    let timed = alignment
        .characters
        .iter()
        .zip(&alignment.character_start_times_seconds)
        .zip(&alignment.character_end_times_seconds);
    for ((character, start), end) in timed {
        if character.trim().is_empty() {
            if let Some((word, start, end)) = current.take() {
                words.push(TimedWord::new(&word, start, end));
            }
            continue;
        }
        match &mut current {
            Some((word, _, last_end)) => {
                word.push_str(character);
                *last_end = *end;
            }
            None => current = Some((character.clone(), *start, *end)),
        }
    }
    if let Some((word, start, end)) = current {
        words.push(TimedWord::new(&word, start, end));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_runs_of_characters_between_spaces() {
        let text = "Hi, you.";
        let alignment = Alignment {
            characters: text.chars().map(String::from).collect(),
            character_start_times_seconds: (0..8).map(|i| f64::from(i) * 0.1).collect(),
            character_end_times_seconds: (1..9).map(|i| f64::from(i) * 0.1).collect(),
        };
        let words = words_of(&alignment);
        assert_eq!(
            words,
            [
                TimedWord::new("Hi,", 0.0, 0.3),
                TimedWord::new("you.", 0.4, 0.8)
            ]
        );
    }

    #[test]
    fn language_goes_only_to_models_that_take_it_and_speed_is_clamped() {
        let speech = Speech {
            text: "Hola".into(),
            model_id: "eleven_multilingual_v2".into(),
            language: Some("es-MX".into()),
            speed: Some(2.0),
            stability: None,
            similarity_boost: None,
        };
        let body = speech_body(&speech);
        assert_eq!(body.get("language_code"), None);
        assert_eq!(body["voice_settings"]["speed"], 1.2);
        let flash = Speech {
            model_id: "eleven_flash_v2_5".into(),
            ..speech
        };
        assert_eq!(speech_body(&flash)["language_code"], "es");
    }
}
