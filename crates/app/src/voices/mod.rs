//! The Voice API (`/v1/agents/{agent_id}/voice/*`): the library an agent can speak with (ace's
//! own public voices, the voices the agent designed or trained, and those of its connected
//! ElevenLabs account), the design and clone flows that make new voices, previews, and
//! deletion. It also resolves a card's or an agent's voice choice into the voice a speech run
//! speaks with, so every surface agrees on which voices exist.

pub(crate) mod cards;
pub mod clone;
pub mod design;
pub mod elevenlabs;
pub mod preview;

use ace_db::Session;
use ace_db::agents::AgentRecord;
use ace_db::voices::{self as store, VoiceRecord};
use ace_domain::ids::AgentId;
use ace_domain::voice::{VoiceRef, VoiceSource, own_voice_id, parse_own_voice_id};
use ace_providers::local::speech::voices::{Engine, LocalVoice};
use ace_providers::remote::config::ApiKey;
use ace_providers::voice::{ElevenLabsVoice, SpeakingVoice};
use serde::Deserialize;
use serde_json::Value;

use crate::policy::{AgentNeed, Denials, agent_not_accessible, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode, ErrorKind};

/// The `voice_id` a card uses for the agent's default voice.
pub const AGENT_DEFAULT: &str = "agent_default";

/// Who speaks an agent's own voice.
pub(crate) const LOCAL: &str = "local";
pub(crate) const ELEVENLABS: &str = "elevenlabs";

/// A voice as the library lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct VoiceItem {
    pub voice_id: String,
    pub name: Option<String>,
    pub source: VoiceSource,
    pub preview_url: Option<String>,
    pub language: Option<String>,
    pub gender: Option<String>,
    pub description: Option<String>,
    /// Who speaks it: `local` (ace's own engines) or `elevenlabs`.
    pub provider: &'static str,
}

const READ: Denials = Denials {
    missing: agent_not_accessible,
    stranger: agent_not_accessible,
    role: agent_not_accessible,
};

const WRITE: Denials = Denials {
    missing: agent_not_accessible,
    stranger: agent_not_accessible,
    role: read_only,
};

fn read_only(agent: AgentId) -> AppError {
    AppError::forbidden(
        ErrorCode::Forbidden,
        format!("Your role in agent {agent}'s workspace may not change its voices."),
    )
}

/// Loads the agent for reading its voices.
pub(crate) async fn readable(
    db: &mut dyn Session,
    actor: &Actor,
    agent: AgentId,
) -> AppResult<AgentRecord> {
    Ok(require_agent(db, actor, agent, AgentNeed::View, &READ)
        .await?
        .agent)
}

/// Loads the agent for changing its voices.
pub(crate) async fn writable(
    db: &mut dyn Session,
    actor: &Actor,
    agent: AgentId,
) -> AppResult<AgentRecord> {
    Ok(require_agent(db, actor, agent, AgentNeed::Edit, &WRITE)
        .await?
        .agent)
}

/// A request the Voice API refuses: 400 `validation_error`, as its docs have it, with a
/// message naming the field.
pub(crate) fn bad_request(message: impl Into<String>) -> AppError {
    AppError::new(ErrorKind::BadRequest, ErrorCode::ValidationError, message)
}

/// A voice the agent cannot use or change.
pub(crate) fn voice_not_found(voice_id: &str) -> AppError {
    AppError::not_found(
        ErrorCode::NotFound,
        format!("Voice {voice_id:?} not found among this agent's voices."),
    )
}

/// Every voice the agent can speak with, of `source` if given: the public voices first, then
/// its own, oldest first.
pub async fn library(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    source: Option<&str>,
) -> AppResult<Vec<VoiceItem>> {
    let source = match source.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(
            text.parse::<VoiceSource>()
                .ok()
                .filter(|s| VoiceSource::LIBRARY.contains(s))
                .ok_or_else(|| {
                    let names = VoiceSource::LIBRARY.map(VoiceSource::as_str).join(", ");
                    bad_request(format!("source must be one of {names}"))
                })?,
        ),
    };
    let wants = |wanted: VoiceSource| source.is_none_or(|s| s == wanted);
    let mut conn = app.db.conn().await?;
    let record = readable(&mut conn, actor, agent).await?;
    let mut voices = Vec::new();
    if wants(VoiceSource::Public) {
        voices.extend(
            app.speech
                .catalogue()
                .await
                .into_iter()
                .map(|voice| VoiceItem {
                    voice_id: voice.voice_id,
                    name: Some(voice.name),
                    source: VoiceSource::Public,
                    preview_url: None,
                    language: Some(voice.language),
                    gender: voice.gender.map(str::to_owned),
                    description: None,
                    provider: LOCAL,
                }),
        );
    }
    let own_source = source
        .filter(|s| s.is_agent_owned())
        .map(VoiceSource::as_str);
    if source.is_none() || own_source.is_some() {
        let own = store::list(&mut conn, agent, own_source).await?;
        voices.extend(own.iter().map(item));
    }
    drop(conn);
    if wants(VoiceSource::UserElevenlabs)
        && let Some(key) = agent_key(&record)
    {
        voices.extend(elevenlabs::account_voices(app, &key).await);
    }
    Ok(voices)
}

/// The library entry of one of the agent's own voices.
pub(crate) fn item(record: &VoiceRecord) -> VoiceItem {
    VoiceItem {
        voice_id: own_voice_id(record.id),
        name: Some(record.name.clone()),
        source: record.source.parse().unwrap_or(VoiceSource::UserDesigned),
        preview_url: None,
        language: record.language.clone(),
        gender: record.gender.clone(),
        description: record.description.clone(),
        provider: if record.provider == ELEVENLABS {
            ELEVENLABS
        } else {
            LOCAL
        },
    }
}

/// Deletes one of the agent's own voices (a voice it cloned in its ElevenLabs account is
/// deleted there too), or a voice of its connected ElevenLabs account. The agent stops
/// defaulting to it.
pub async fn delete(app: &App, actor: &Actor, agent: AgentId, voice_id: &str) -> AppResult<()> {
    let Some(id) = parse_own_voice_id(voice_id) else {
        return delete_account_voice(app, actor, agent, voice_id).await;
    };
    let mut tx = app.db.begin().await?;
    let record = writable(&mut tx, actor, agent).await?;
    let Some(voice) = store::find(&mut tx, agent, id).await? else {
        return Err(voice_not_found(voice_id));
    };
    store::delete(&mut tx, agent, id).await?;
    if let (Some(provider_id), Some(key)) = (&voice.provider_voice_id, agent_key(&record))
        && voice.provider == ELEVENLABS
        && let Err(err) = app.elevenlabs.client.delete_voice(&key, provider_id).await
    {
        tracing::warn!(error = %err, "a cloned voice could not be deleted from ElevenLabs");
    }
    if record
        .default_voice()
        .is_some_and(|voice| parse_own_voice_id(&voice.voice_id) == Some(id))
    {
        let mut record = record;
        record.default_voice = None;
        ace_db::agents::update(&mut tx, &record, app.clock.now()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes a voice of the agent's connected ElevenLabs account.
async fn delete_account_voice(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    voice_id: &str,
) -> AppResult<()> {
    let record = writable(&mut app.db.conn().await?, actor, agent).await?;
    let key = agent_key(&record).ok_or_else(|| voice_not_found(voice_id))?;
    if Engine::of(voice_id).is_some() || !elevenlabs::has_voice(app, &key, voice_id).await? {
        return Err(voice_not_found(voice_id));
    }
    app.elevenlabs
        .client
        .delete_voice(&key, voice_id)
        .await
        .map_err(|err| elevenlabs::refused_or_unreachable(&err))?;
    forget_default(app, agent, voice_id).await
}

/// Clears the agent's default voice if it is `voice_id`.
async fn forget_default(app: &App, agent: AgentId, voice_id: &str) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    ace_db::agents::lock(&mut tx, agent).await?;
    if let Some(mut record) = ace_db::agents::find(&mut tx, agent).await?
        && record
            .default_voice()
            .is_some_and(|v| v.voice_id == voice_id)
    {
        record.default_voice = None;
        ace_db::agents::update(&mut tx, &record, app.clock.now()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The agent's own ElevenLabs key, if connected.
pub(crate) fn agent_key(agent: &AgentRecord) -> Option<ApiKey> {
    agent.eleven_lab_api_key.as_deref().map(ApiKey::new)
}

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
    let source = match source {
        Some(source) => source,
        // Any of its own voices, designed or trained.
        None if own.is_some() => VoiceSource::UserVoiceResource,
        None if in_catalogue => VoiceSource::Public,
        // Any other id can only be an ElevenLabs voice: the agent's, or one the operator's
        // account speaks.
        None if agent.eleven_lab_api_key.is_some() => VoiceSource::UserElevenlabs,
        None if app.elevenlabs.server_key.is_some() => VoiceSource::ElevenLabs,
        None => return Ok(Err(Unavailable::Missing)),
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
    let speech = ace_domain::sheet::card::GenerationType::SpeechFromText.as_str();
    if job.user_job_type != preview::USER_JOB_TYPE && job.user_job_type != speech {
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

/// The longest voice name.
const NAME_MAX: usize = 100;
/// The longest voice description.
const DESCRIPTION_MAX: usize = 1_000;

/// What a client says about a new voice, as sent.
#[derive(Clone, Debug, Default)]
pub struct Details {
    pub name: Option<String>,
    pub gender: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
}

/// The same, checked: a name, and the rest tidy when given.
#[derive(Clone, Debug)]
pub(crate) struct Checked {
    pub name: String,
    pub gender: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
}

impl Details {
    pub(crate) fn checked(self) -> AppResult<Checked> {
        let name = given(self.name).ok_or_else(|| bad_request("name is required"))?;
        if name.chars().count() > NAME_MAX || name.contains(['\n', '\r']) {
            return Err(bad_request(format!(
                "name must be one line of at most {NAME_MAX} characters"
            )));
        }
        let description = given(self.description);
        if description
            .as_ref()
            .is_some_and(|d| d.chars().count() > DESCRIPTION_MAX)
        {
            return Err(bad_request(format!(
                "description must be at most {DESCRIPTION_MAX} characters"
            )));
        }
        Ok(Checked {
            name,
            gender: gender(self.gender)?,
            language: language(self.language)?,
            description,
        })
    }
}

/// A text field that counts as given: present and not blank, trimmed.
pub(crate) fn given(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// `male` or `female`, when given.
pub(crate) fn gender(text: Option<String>) -> AppResult<Option<String>> {
    match given(text).map(|g| g.to_ascii_lowercase()) {
        None => Ok(None),
        Some(g) if g == "male" || g == "female" => Ok(Some(g)),
        Some(_) => Err(bad_request("gender must be male or female")),
    }
}

/// A language code such as `en` or `pt-BR`, when given.
pub(crate) fn language(text: Option<String>) -> AppResult<Option<String>> {
    match given(text) {
        None => Ok(None),
        Some(code) if ace_domain::generation::request::is_language_code(&code) => Ok(Some(code)),
        Some(_) => Err(bad_request(
            "language must be a language code such as en or pt-BR",
        )),
    }
}
