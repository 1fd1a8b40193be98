//! The Voice API (`/v1/agents/{agent_id}/voice/*`): the library an agent can speak with (ace's
//! own public voices, the voices the agent designed or trained, and those of its connected
//! ElevenLabs account), the design and clone flows that make new voices, previews, and
//! deletion. It also resolves a card's or an agent's voice choice into the voice a speech run
//! speaks with, so every surface agrees on which voices exist.

pub(crate) mod cards;
pub mod clone;
pub mod design;
mod details;
pub mod elevenlabs;
pub mod preview;
mod resolve;

use ace_db::Session;
use ace_db::agents::AgentRecord;
use ace_db::voices::{self as store, VoiceRecord};
use ace_domain::ids::AgentId;
use ace_domain::voice::{VoiceSource, own_voice_id, parse_own_voice_id};
use ace_providers::local::speech::voices::Engine;
use ace_providers::remote::config::ApiKey;

pub use self::details::Details;
pub(crate) use self::details::{Checked, gender, given, language};
pub use self::resolve::{Unavailable, check_choice, resolve_card_voice};
pub(crate) use self::resolve::{lane_of, local_settings, source_by_id, speaker};

use crate::policy::{AgentNeed, Denials, VISIBLE, require_agent};
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

const WRITE: Denials = Denials::hidden_or(read_only);

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
    Ok(require_agent(db, actor, agent, AgentNeed::View, &VISIBLE)
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
    let key = agent_key(&record);
    if record
        .default_voice()
        .is_some_and(|voice| parse_own_voice_id(&voice.voice_id) == Some(id))
    {
        let mut record = record;
        record.default_voice = None;
        ace_db::agents::update(&mut tx, &record, app.clock.now()).await?;
    }
    tx.commit().await?;
    // Outside the transaction: ElevenLabs may be slow, and the voice is gone here either way.
    if let (Some(provider_id), Some(key)) = (&voice.provider_voice_id, key)
        && voice.provider == ELEVENLABS
        && let Err(err) = app.elevenlabs.client.delete_voice(&key, provider_id).await
    {
        tracing::warn!(error = %err, "a cloned voice could not be deleted from ElevenLabs");
    }
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
