//! The voice of a `speech_from_text` card. `my_voices` names a voice the agent has (checked
//! when the card is triggered, resolved again when it runs); `design_voice` designs one from
//! `voice_prompt` and `clone_voice` learns one from `audio_resource_id`. Both keep the new
//! voice in the agent's library, once, however often the run is retried: in the agent's
//! ElevenLabs account when it has one connected, else as ace's own voice tuned to the
//! description or the sample.

use std::sync::Arc;

use ace_db::Session;
use ace_db::agents::{self, AgentRecord};
use ace_db::user_jobs::JobRecord;
use ace_db::voices::{self as store, NewVoice, VoiceRecord};
use ace_domain::generation::{CardRequest, VoiceMethod};
use ace_domain::ids::AgentId;
use ace_domain::sheet::card::GenerationType;
use ace_domain::voice::VoiceSource;
use ace_providers::local::speech::design::from_description;
use ace_providers::local::speech::voices::LocalVoice;
use ace_providers::remote::config::ApiKey;
use ace_providers::remote::elevenlabs::{NewVoice as NewElevenLabsVoice, VoiceSample};
use ace_providers::remote::http::CallError;
use ace_providers::voice::{ElevenLabsVoice, SpeakingVoice};
use ace_providers::{Generator, Input};
use serde_json::{Value, json};

use super::clone::{measure_speech, tuned_summary};
use super::elevenlabs::refused_or_unreachable;
use super::{ELEVENLABS, LOCAL, agent_key, local_settings, resolve_card_voice, speaker};
use crate::{App, AppError, AppResult, ErrorCode};

/// Checks a triggered card's voice and says who will speak it.
pub(crate) async fn speaker_at_trigger(
    app: &App,
    db: &mut dyn Session,
    agent: AgentId,
    request: &CardRequest,
) -> AppResult<Arc<dyn Generator>> {
    let record = agent_record(db, agent).await?;
    let Some(VoiceMethod::MyVoices { voice_id }) = &request.voice else {
        // A designed or cloned voice is made where the agent's voices live.
        return Ok(match agent_key(&record) {
            Some(api_key) => Arc::new(app.elevenlabs.speaker(api_key, None, &app.media)),
            None => app.speech.clone(),
        });
    };
    match resolve_card_voice(app, db, &record, Some(voice_id)).await? {
        Ok(Some(voice)) => Ok(speaker(app, &voice)),
        Ok(None) => Ok(app.generator(GenerationType::SpeechFromText, None)),
        Err(unavailable) => Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("data.voice_id: {}", unavailable.describe(voice_id)),
        )),
    }
}

/// The voice a speech run speaks with (`None`: the default speech generator's), or why it
/// has none.
pub(crate) async fn voice_for(
    app: &App,
    record: &JobRecord,
    request: &CardRequest,
    data: &Value,
    inputs: &[Input],
) -> AppResult<Result<Option<SpeakingVoice>, String>> {
    let mut conn = app.db.conn().await?;
    let agent = agent_record(&mut conn, record.agent_id).await?;
    let voice_id = match &request.voice {
        None => return Ok(Ok(None)),
        Some(VoiceMethod::MyVoices { voice_id }) => voice_id,
        Some(VoiceMethod::DesignVoice) => {
            drop(conn);
            return designed(app, &agent, &Asked::from(data))
                .await
                .map(|v| v.map(Some));
        }
        Some(VoiceMethod::CloneVoice) => {
            drop(conn);
            let Some(sample) = inputs
                .iter()
                .find(|input| input.field == "data.audio_resource_id")
            else {
                return Ok(Err("The clone_voice card names no audio sample.".into()));
            };
            return cloned(app, &agent, &Asked::from(data), sample)
                .await
                .map(|v| v.map(Some));
        }
    };
    Ok(resolve_card_voice(app, &mut conn, &agent, Some(voice_id))
        .await?
        .map_err(|unavailable| {
            format!(
                "The voice is no longer available: {}.",
                unavailable.describe(voice_id)
            )
        }))
}

/// What a design or clone card says of its new voice.
struct Asked {
    name: Option<String>,
    gender: Option<String>,
    language: Option<String>,
    prompt: String,
}

impl Asked {
    fn from(data: &Value) -> Self {
        let text = |field: &str| {
            data.get(field)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        Self {
            name: text("name"),
            gender: text("gender"),
            language: text("language"),
            prompt: text("voice_prompt").unwrap_or_default(),
        }
    }
}

/// The voice a `design_voice` card designs.
async fn designed(
    app: &App,
    agent: &AgentRecord,
    asked: &Asked,
) -> AppResult<Result<SpeakingVoice, String>> {
    let name = asked.name.as_deref().unwrap_or("Designed voice");
    let mut kept = Kept {
        source: VoiceSource::UserDesigned,
        name,
        gender: asked.gender.as_deref(),
        language: asked.language.as_deref(),
        description: Some(&asked.prompt),
        settings: json!({}),
        sample: None,
    };
    if let Some(api_key) = agent_key(agent) {
        if let Some(voice) = kept.find(app, agent.id, ELEVENLABS).await? {
            return Ok(Ok(elevenlabs_voice(&voice, api_key)));
        }
        let description = format!(
            "{}. A {} voice.",
            asked.prompt.trim_end_matches('.'),
            asked.gender.as_deref().unwrap_or("natural")
        );
        let made = app
            .elevenlabs
            .client
            .design_voice(&api_key, name, &description)
            .await;
        return kept.made_at_elevenlabs(app, agent.id, api_key, made).await;
    }
    let voice = LocalVoice {
        base: None,
        delivery: from_description(&asked.prompt, asked.gender.as_deref()),
    };
    kept.settings = local_settings(&voice, None);
    if kept.find(app, agent.id, LOCAL).await?.is_none() {
        kept.keep(app, agent.id, LOCAL, None).await?;
    }
    Ok(Ok(SpeakingVoice::Local(voice)))
}

/// The voice a `clone_voice` card learns from `sample`.
async fn cloned(
    app: &App,
    agent: &AgentRecord,
    asked: &Asked,
    sample: &Input,
) -> AppResult<Result<SpeakingVoice, String>> {
    let Some(measured) = measure_speech(app, &sample.location).await? else {
        return Ok(Err(format!(
            "Content resource {} has too little clear speech to learn a voice from.",
            sample.resource_id
        )));
    };
    let description = tuned_summary(&measured);
    let mut kept = Kept {
        source: VoiceSource::UserTrained,
        name: asked.name.as_deref().unwrap_or("Cloned voice"),
        gender: asked.gender.as_deref(),
        language: asked.language.as_deref(),
        description: None,
        settings: json!({}),
        sample: Some(sample.resource_id),
    };
    if let Some(api_key) = agent_key(agent) {
        if let Some(voice) = kept.find(app, agent.id, ELEVENLABS).await? {
            return Ok(Ok(elevenlabs_voice(&voice, api_key)));
        }
        let bytes = app
            .storage
            .get(&sample.storage_key)
            .await?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("a voice sample vanished")))?;
        let new = NewElevenLabsVoice {
            name: kept.name.to_owned(),
            description: None,
            samples: vec![VoiceSample {
                file_name: format!("sample-{}", sample.resource_id),
                bytes: bytes.to_vec(),
            }],
        };
        let made = app.elevenlabs.client.add_voice(&api_key, &new).await;
        return kept.made_at_elevenlabs(app, agent.id, api_key, made).await;
    }
    let voice = match app
        .speech
        .tuned_to(&measured, asked.language.as_deref())
        .await
    {
        Ok(voice) => voice,
        Err(err) => return Ok(Err(err.to_string())),
    };
    let figures = json!({
        "pitch_hz": measured.pitch_hz,
        "syllables_per_second": measured.syllables_per_second,
    });
    kept.settings = local_settings(&voice, Some(figures));
    kept.description = Some(&description);
    if kept.find(app, agent.id, LOCAL).await?.is_none() {
        kept.keep(app, agent.id, LOCAL, None).await?;
    }
    Ok(Ok(SpeakingVoice::Local(voice)))
}

fn elevenlabs_voice(record: &VoiceRecord, api_key: ApiKey) -> SpeakingVoice {
    SpeakingVoice::ElevenLabs(ElevenLabsVoice {
        voice_id: record.provider_voice_id.clone().unwrap_or_default(),
        api_key,
    })
}

async fn agent_record(db: &mut dyn Session, agent: AgentId) -> AppResult<AgentRecord> {
    agents::find(db, agent)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("agent {agent} vanished")))
}

/// A voice a card made, to keep in the library.
struct Kept<'a> {
    source: VoiceSource,
    name: &'a str,
    gender: Option<&'a str>,
    language: Option<&'a str>,
    description: Option<&'a str>,
    /// How ace's engines speak it (for local voices).
    settings: Value,
    sample: Option<i64>,
}

impl Kept<'_> {
    /// The same voice, kept by an earlier run: same source, provider, name, sample, and for
    /// local voices the same settings.
    async fn find(
        &self,
        app: &App,
        agent: AgentId,
        provider: &str,
    ) -> AppResult<Option<VoiceRecord>> {
        let mut conn = app.db.conn().await?;
        let existing = store::list(&mut conn, agent, Some(self.source.as_str())).await?;
        Ok(existing.into_iter().find(|voice| {
            voice.provider == provider
                && voice.name == self.name
                && voice.sample_resource_id == self.sample
                && (provider != LOCAL
                    || voice.settings.0.get("voice") == self.settings.get("voice"))
        }))
    }

    /// Keeps the voice ElevenLabs `made` for the account of `api_key`, and speaks with it;
    /// or says why ElevenLabs did not make it.
    async fn made_at_elevenlabs(
        &self,
        app: &App,
        agent: AgentId,
        api_key: ApiKey,
        made: Result<String, CallError>,
    ) -> AppResult<Result<SpeakingVoice, String>> {
        match made {
            Ok(voice_id) => {
                self.keep(app, agent, ELEVENLABS, Some(&voice_id)).await?;
                Ok(Ok(SpeakingVoice::ElevenLabs(ElevenLabsVoice {
                    voice_id,
                    api_key,
                })))
            }
            Err(err) => Ok(Err(refused_or_unreachable(&err).message)),
        }
    }

    /// Stores the voice.
    async fn keep(
        &self,
        app: &App,
        agent: AgentId,
        provider: &str,
        provider_voice_id: Option<&str>,
    ) -> AppResult<()> {
        let new = NewVoice {
            agent_id: agent,
            source: self.source.as_str(),
            name: self.name,
            gender: self.gender,
            language: self.language,
            description: self.description,
            provider,
            provider_voice_id,
            settings: &self.settings,
            sample_resource_id: self.sample,
        };
        store::insert(&mut app.db.writer().await?, &new, app.clock.now()).await?;
        Ok(())
    }
}
