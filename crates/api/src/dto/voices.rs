//! The Voice API's shapes: library entries, the design flow's steps, clones, previews and the
//! ElevenLabs connection.

use ace_app::voices::{Details, VoiceItem};
use ace_domain::voice::parse_own_voice_id;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A voice the agent can speak with.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoiceResponse {
    /// Public voices are `piper-…` or `espeak-…`; the agent's own are `huv-<n>`.
    pub voice_id: String,
    /// The agent's own voices' number (`huv-<n>` is `n`), which GEN's clients read and send
    /// back as the voice id; `null` for other voices.
    pub id: Option<i64>,
    pub name: Option<String>,
    /// public, user_designed, user_trained or user_elevenlabs.
    pub source: String,
    pub preview_url: Option<String>,
    /// The same as `preview_url`, where GEN's clients read a voice's audio.
    pub file_url: Option<String>,
    /// The language it speaks, when known (an ace addition).
    pub language: Option<String>,
    /// male or female, when known (an ace addition).
    pub gender: Option<String>,
    /// What it sounds like; for a voice tuned to a sample, what was measured (an ace addition).
    pub description: Option<String>,
    /// Who speaks it: local (ace's own engines) or elevenlabs (an ace addition).
    pub provider: String,
}

impl From<VoiceItem> for VoiceResponse {
    fn from(voice: VoiceItem) -> Self {
        Self {
            id: voice
                .source
                .is_agent_owned()
                .then(|| parse_own_voice_id(&voice.voice_id))
                .flatten(),
            voice_id: voice.voice_id,
            name: voice.name,
            source: voice.source.as_str().to_owned(),
            file_url: voice.preview_url.clone(),
            preview_url: voice.preview_url,
            language: voice.language,
            gender: voice.gender,
            description: voice.description,
            provider: voice.provider.to_owned(),
        }
    }
}

/// The library filter.
#[derive(Debug, Deserialize, IntoParams)]
pub struct LibraryQuery {
    /// public, user_designed, user_trained or user_elevenlabs.
    pub source: Option<String>,
}

/// The voices of the library.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoiceLibraryResponse {
    pub voices: Vec<VoiceResponse>,
    pub total: usize,
}

/// Design step 1.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct GenerateScriptBody {
    /// A language code such as en or es.
    pub language: Option<String>,
}

/// A passage to read aloud.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoiceScriptResponse {
    pub voice_sample: String,
}

/// Design step 2.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct GenerateDescriptionBody {
    /// male or female (required).
    pub gender: Option<String>,
    pub voice_description: Option<String>,
    pub language: Option<String>,
    pub script: Option<String>,
}

/// A description of the voice.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoiceDescriptionResponse {
    pub voice_description: String,
}

/// Design step 3.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct GenerateSamplesBody {
    /// What the samples read (required).
    pub text: Option<String>,
    pub description: Option<String>,
    /// The language of `text` (an ace addition; English by default).
    pub language: Option<String>,
}

/// One candidate voice.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoiceSampleResponse {
    /// Opaque: pass it to the last step to keep this voice.
    pub generation_id: String,
    /// The sample as an MP3, in base64.
    pub audio: String,
}

/// Three candidates.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoiceSamplesResponse {
    pub samples: Vec<VoiceSampleResponse>,
}

/// What a new voice is called and is like.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct VoiceDetailsBody {
    /// The voice's name (required).
    pub name: Option<String>,
    /// male or female.
    pub gender: Option<String>,
    /// A language code such as en or pt-BR.
    pub language: Option<String>,
    pub description: Option<String>,
}

impl From<VoiceDetailsBody> for Details {
    fn from(body: VoiceDetailsBody) -> Self {
        Self {
            name: body.name,
            gender: body.gender,
            language: body.language,
            description: body.description,
        }
    }
}

/// Design step 4.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct FinalizeVoiceBody {
    /// One of step 3's candidates (required).
    pub generation_id: Option<String>,
    #[serde(flatten)]
    pub details: VoiceDetailsBody,
}

/// A clone's sample and details.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CloneVoiceBody {
    /// Where to download the sample from (give this or `audio_base64`).
    pub audio_url: Option<String>,
    /// The sample itself, base64 (or a base64 data URL).
    pub audio_base64: Option<String>,
    #[serde(flatten)]
    pub details: VoiceDetailsBody,
}

/// What a preview says.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PreviewVoiceBody {
    /// The text to say (required).
    pub text: Option<String>,
}

/// A queued preview.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewStartedResponse {
    pub user_job_id: i64,
}

/// An ElevenLabs API key.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ElevenLabsKeyBody {
    /// The key (required).
    pub api_key: Option<String>,
}

/// Whether the agent has an ElevenLabs key.
#[derive(Debug, Serialize, ToSchema)]
pub struct ElevenLabsStatusResponse {
    pub connected: bool,
    /// `***` and the key's last four characters.
    pub masked_key: Option<String>,
}

/// A connected account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ElevenLabsConnectedResponse {
    pub connected: bool,
    pub user: ElevenLabsUser,
}

/// The account behind a key.
#[derive(Debug, Serialize, ToSchema)]
pub struct ElevenLabsUser {
    pub subscription: ElevenLabsSubscription,
}

/// The account's plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ElevenLabsSubscription {
    /// free, starter, creator, pro, ...
    pub tier: String,
}

/// Whether a key works.
#[derive(Debug, Serialize, ToSchema)]
pub struct ElevenLabsTestResponse {
    pub valid: bool,
}
