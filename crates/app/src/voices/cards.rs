//! The voice of a `speech_from_text` card. `my_voices` names a voice the agent has (checked
//! when the card is triggered, resolved again when it runs); `design_voice` designs one from
//! `voice_prompt` and `clone_voice` learns one from `audio_resource_id`, and both keep the
//! new voice in the agent's library, once, however often the run is retried.

use std::sync::Arc;

use ace_db::Session;
use ace_db::agents::{self, AgentRecord};
use ace_db::user_jobs::JobRecord;
use ace_db::voices::{self as store, NewVoice};
use ace_domain::generation::{CardRequest, VoiceMethod};
use ace_domain::ids::AgentId;
use ace_domain::voice::VoiceSource;
use ace_providers::local::speech::design::from_description;
use ace_providers::local::speech::voices::LocalVoice;
use ace_providers::voice::SpeakingVoice;
use ace_providers::{Generator, Input};
use serde_json::{Value, json};

use super::clone::measure_speech;
use super::{LOCAL, local_settings, resolve_card_voice, speaker};
use crate::{App, AppError, AppResult, ErrorCode};

/// Checks a triggered card's voice and says who will speak it.
pub(crate) async fn speaker_at_trigger(
    app: &App,
    db: &mut dyn Session,
    agent: AgentId,
    request: &CardRequest,
) -> AppResult<Arc<dyn Generator>> {
    let Some(VoiceMethod::MyVoices { voice_id }) = &request.voice else {
        // Designed and cloned voices are ace's own until a provider is connected.
        return Ok(app.speech.clone());
    };
    let record = agent_record(db, agent).await?;
    match resolve_card_voice(app, db, &record, Some(voice_id)).await? {
        Ok(Some(voice)) => Ok(speaker(app, &voice)),
        Ok(None) => Ok(app.generator(
            ace_domain::sheet::card::GenerationType::SpeechFromText,
            None,
        )),
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
    let text = |field: &str| {
        data.get(field)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let (name, gender, language) = (text("name"), text("gender"), text("language"));
    match &request.voice {
        None => Ok(Ok(None)),
        Some(VoiceMethod::MyVoices { voice_id }) => {
            Ok(resolve_card_voice(app, &mut conn, &agent, Some(voice_id))
                .await?
                .map_err(|unavailable| {
                    format!(
                        "The voice is no longer available: {}.",
                        unavailable.describe(voice_id)
                    )
                }))
        }
        Some(VoiceMethod::DesignVoice) => {
            let prompt = text("voice_prompt").unwrap_or_default();
            let voice = LocalVoice {
                base: None,
                delivery: from_description(&prompt, gender.as_deref()),
            };
            let kept = Kept {
                source: VoiceSource::UserDesigned,
                name: name.as_deref().unwrap_or("Designed voice"),
                gender: gender.as_deref(),
                language: language.as_deref(),
                description: Some(&prompt),
                settings: local_settings(&voice, None),
                sample: None,
            };
            drop(conn);
            keep_once(app, agent.id, &kept).await?;
            Ok(Ok(Some(SpeakingVoice::Local(voice))))
        }
        Some(VoiceMethod::CloneVoice) => {
            let Some(sample) = inputs
                .iter()
                .find(|input| input.field == "data.audio_resource_id")
            else {
                return Ok(Err("The clone_voice card names no audio sample.".into()));
            };
            drop(conn);
            let Some(measured) = measure_speech(app, &sample.location).await? else {
                return Ok(Err(format!(
                    "Content resource {} has too little clear speech to learn a voice from.",
                    sample.resource_id
                )));
            };
            let voice = match app.speech.tuned_to(&measured, language.as_deref()).await {
                Ok(voice) => voice,
                Err(err) => return Ok(Err(err.to_string())),
            };
            let figures = json!({
                "pitch_hz": measured.pitch_hz,
                "syllables_per_second": measured.syllables_per_second,
            });
            let description = super::clone::tuned_summary(&measured);
            let kept = Kept {
                source: VoiceSource::UserTrained,
                name: name.as_deref().unwrap_or("Cloned voice"),
                gender: gender.as_deref(),
                language: language.as_deref(),
                description: Some(&description),
                settings: local_settings(&voice, Some(figures)),
                sample: Some(sample.resource_id),
            };
            keep_once(app, agent.id, &kept).await?;
            Ok(Ok(Some(SpeakingVoice::Local(voice))))
        }
    }
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
    settings: Value,
    sample: Option<i64>,
}

/// Stores the voice unless the agent already has the same one (same source, name, settings
/// and sample): a retried run keeps one voice.
async fn keep_once(app: &App, agent: AgentId, kept: &Kept<'_>) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    let existing = store::list(&mut tx, agent, Some(kept.source.as_str())).await?;
    let already = existing.iter().any(|voice| {
        voice.name == kept.name
            && voice.settings.0.get("voice") == kept.settings.get("voice")
            && voice.sample_resource_id == kept.sample
    });
    if already {
        return Ok(());
    }
    let new = NewVoice {
        agent_id: agent,
        source: kept.source.as_str(),
        name: kept.name,
        gender: kept.gender,
        language: kept.language,
        description: kept.description,
        provider: LOCAL,
        provider_voice_id: None,
        settings: &kept.settings,
        sample_resource_id: kept.sample,
    };
    store::insert(&mut tx, &new, app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}
