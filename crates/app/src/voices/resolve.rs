//! Which voice a `voice_id` is for an agent, and who speaks it: a public voice of this
//! server, one of the agent's own (designed or trained; ace's engines or its ElevenLabs
//! account speak it), or an ElevenLabs voice spoken with the agent's key (or, for ElevenLabs'
//! shared voices, the operator's). Cards, previews and default-voice choices all resolve here,
//! so every surface agrees on which voices exist.

use ace_db::Session;
use ace_db::agents::AgentRecord;
use ace_db::voices::{self as store, VoiceRecord};
use ace_domain::generation::JobKind;
use ace_domain::voice::{VoiceRef, VoiceSource, parse_own_voice_id};
use ace_providers::local::speech::voices::{Engine, LocalVoice};
use ace_providers::voice::{ElevenLabsVoice, SpeakingVoice};
use serde::Deserialize;
use serde_json::Value;

use super::{AGENT_DEFAULT, ELEVENLABS, agent_key, elevenlabs};
use crate::{App, AppResult};

/// Why a voice cannot be spoken with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// No voice of the agent has this id (in this source).
    Missing,
    /// It is an ElevenLabs voice and the agent has no ElevenLabs key.
    NeedsElevenLabs,
    /// Its source has no provider on this server.
    Unsupported(VoiceSource),
}

impl Unavailable {
    /// Says why, for a client.
    pub fn describe(&self, voice_id: &str) -> String {
        match self {
            Unavailable::Missing => {
                format!(
                    "voice {voice_id:?} is not one of this agent's voices (see GET /v1/agents/{{agent_id}}/voice/library)"
                )
            }
            Unavailable::NeedsElevenLabs => format!(
                "voice {voice_id:?} is an ElevenLabs voice: connect an ElevenLabs API key to this agent first"
            ),
            Unavailable::Unsupported(source) => format!(
                "voice {voice_id:?} is a {} voice, and this server has no provider for them",
                source.as_str()
            ),
        }
    }
}

/// The voice a card's `voice_id` names for `agent`. `agent_default` (or nothing) is the
/// agent's default voice, and with none set, `None`: ace's default voice.
pub async fn resolve_card_voice(
    app: &App,
    db: &mut dyn Session,
    agent: &AgentRecord,
    voice_id: Option<&str>,
) -> AppResult<Result<Option<SpeakingVoice>, Unavailable>> {
    let voice_id = voice_id.map(str::trim).filter(|id| !id.is_empty());
    match voice_id {
        None | Some(AGENT_DEFAULT) => match agent.default_voice() {
            None => Ok(Ok(None)),
            Some(choice) => Ok(
                resolve(app, db, agent, Some(choice.source), &choice.voice_id)
                    .await?
                    .map(Some),
            ),
        },
        Some(id) => Ok(resolve(app, db, agent, None, id).await?.map(Some)),
    }
}

/// Checks that `agent` may choose `voice` as its default.
pub async fn check_choice(
    app: &App,
    db: &mut dyn Session,
    agent: &AgentRecord,
    voice: &VoiceRef,
) -> AppResult<Result<(), Unavailable>> {
    match resolve(app, db, agent, Some(voice.source), &voice.voice_id).await? {
        Ok(SpeakingVoice::ElevenLabs(found)) => {
            let exists = elevenlabs::has_voice(app, &found.api_key, &found.voice_id).await?;
            Ok(if exists {
                Ok(())
            } else {
                Err(Unavailable::Missing)
            })
        }
        Ok(SpeakingVoice::Local(_)) => Ok(Ok(())),
        Err(unavailable) => Ok(Err(unavailable)),
    }
}

/// The voice `voice_id` names among the agent's voices (of `source`, when the caller says
/// where it is from).
async fn resolve(
    app: &App,
    db: &mut dyn Session,
    agent: &AgentRecord,
    source: Option<VoiceSource>,
    voice_id: &str,
) -> AppResult<Result<SpeakingVoice, Unavailable>> {
    let own = parse_own_voice_id(voice_id);
    let in_catalogue = Engine::of(voice_id).is_some();
    let Some(source) = source.or_else(|| source_by_id(app, agent, voice_id)) else {
        return Ok(Err(Unavailable::Missing));
    };
    match source {
        VoiceSource::Public => {
            let known = in_catalogue
                && app
                    .speech
                    .catalogue()
                    .await
                    .iter()
                    .any(|voice| voice.voice_id == voice_id);
            Ok(if known {
                Ok(SpeakingVoice::Local(LocalVoice {
                    base: Some(voice_id.to_owned()),
                    ..LocalVoice::default()
                }))
            } else {
                Err(Unavailable::Missing)
            })
        }
        VoiceSource::UserDesigned | VoiceSource::UserTrained | VoiceSource::UserVoiceResource => {
            let Some(id) = own else {
                return Ok(Err(Unavailable::Missing));
            };
            let Some(record) = store::find(db, agent.id, id).await? else {
                return Ok(Err(Unavailable::Missing));
            };
            let same_source = matches!(source, VoiceSource::UserVoiceResource)
                || record.source == source.as_str();
            if !same_source {
                return Ok(Err(Unavailable::Missing));
            }
            Ok(speaking_voice(&record, agent))
        }
        VoiceSource::UserElevenlabs | VoiceSource::ElevenLabs => {
            // The agent's own account; for ElevenLabs' shared voices, the operator's too.
            let key = agent_key(agent).or_else(|| {
                (source == VoiceSource::ElevenLabs)
                    .then(|| app.elevenlabs.server_key.clone())
                    .flatten()
            });
            Ok(match key {
                Some(api_key) => Ok(SpeakingVoice::ElevenLabs(ElevenLabsVoice {
                    voice_id: voice_id.to_owned(),
                    api_key,
                })),
                None => Err(Unavailable::NeedsElevenLabs),
            })
        }
        VoiceSource::HumeAi => Ok(Err(Unavailable::Unsupported(source))),
    }
}

/// Where a voice id given without its source comes from: the agent's own voices (`huv-<n>`,
/// designed or trained), this server's catalogue, else ElevenLabs (the agent's account when it
/// has one, else the operator's). `None` when no ElevenLabs account could speak it.
pub(crate) fn source_by_id(app: &App, agent: &AgentRecord, voice_id: &str) -> Option<VoiceSource> {
    if parse_own_voice_id(voice_id).is_some() {
        Some(VoiceSource::UserVoiceResource)
    } else if Engine::of(voice_id).is_some() {
        Some(VoiceSource::Public)
    } else if agent.eleven_lab_api_key.is_some() {
        Some(VoiceSource::UserElevenlabs)
    } else if app.elevenlabs.server_key.is_some() {
        Some(VoiceSource::ElevenLabs)
    } else {
        None
    }
}

/// Who speaks `voice`: ace's own engines for its voices. ElevenLabs voices are spoken by
/// the ElevenLabs adapter.
pub(crate) fn speaker(
    app: &App,
    voice: &SpeakingVoice,
) -> std::sync::Arc<dyn ace_providers::Generator> {
    match voice {
        SpeakingVoice::Local(_) => app.speech.clone(),
        SpeakingVoice::ElevenLabs(voice) => std::sync::Arc::new(app.elevenlabs.speaker(
            voice.api_key.clone(),
            Some(&voice.voice_id),
            &app.media,
        )),
    }
}

/// The lane of a voice preview or of a speech card naming a voice, by the voice it names:
/// ace's own voices run in the embedded engine's lane, others in ElevenLabs'. `None` when the
/// job names no voice of its own.
pub(crate) fn lane_of<'a>(app: &'a App, job: &ace_db::user_jobs::JobRecord) -> Option<&'a str> {
    let speech = JobKind::Card(ace_domain::sheet::card::GenerationType::SpeechFromText);
    if job.user_job_type != JobKind::VoicePreview && job.user_job_type != speech {
        return None;
    }
    let voice_id = job.data.0.get("voice_id").and_then(Value::as_str)?.trim();
    if voice_id.is_empty() || voice_id == AGENT_DEFAULT {
        return None;
    }
    Some(
        if parse_own_voice_id(voice_id).is_some() || Engine::of(voice_id).is_some() {
            ace_providers::Generator::name(app.speech.as_ref())
        } else {
            app.elevenlabs.name()
        },
    )
}

/// What a stored voice keeps in `settings`.
#[derive(Debug, Default, Deserialize)]
struct StoredSettings {
    #[serde(default)]
    voice: LocalVoice,
}

/// How one of the agent's own voices is spoken.
fn speaking_voice(record: &VoiceRecord, agent: &AgentRecord) -> Result<SpeakingVoice, Unavailable> {
    if record.provider == ELEVENLABS {
        let (Some(voice_id), Some(api_key)) = (&record.provider_voice_id, agent_key(agent)) else {
            return Err(Unavailable::NeedsElevenLabs);
        };
        return Ok(SpeakingVoice::ElevenLabs(ElevenLabsVoice {
            voice_id: voice_id.clone(),
            api_key,
        }));
    }
    let settings: StoredSettings =
        serde_json::from_value(record.settings.0.clone()).unwrap_or_default();
    Ok(SpeakingVoice::Local(settings.voice))
}

/// The JSON `settings` of a local voice, with what was measured to make it, if anything.
pub(crate) fn local_settings(voice: &LocalVoice, measured: Option<Value>) -> Value {
    let mut settings = serde_json::json!({ "voice": voice });
    if let (Some(measured), Some(object)) = (measured, settings.as_object_mut()) {
        object.insert("measured".into(), measured);
    }
    settings
}
