//! An agent's own ElevenLabs account: connecting a key (checked against ElevenLabs'
//! `/v1/user` before it is saved on the agent), testing one without saving, its status with
//! the key masked, and disconnecting. A connected account adds its voices to the library
//! (`user_elevenlabs`), makes clones real clones, and speaks with the agent's own quota.

use ace_db::agents;
use ace_domain::ids::AgentId;
use ace_domain::voice::VoiceSource;
use ace_providers::remote::config::ApiKey;
use ace_providers::remote::elevenlabs::Voice;
use ace_providers::remote::http::CallError;
use tracing::warn;

use super::{ELEVENLABS, VoiceItem, bad_request, given, readable, writable};
use crate::{Actor, App, AppError, AppResult, ErrorCode, ErrorKind};

/// Whether the agent has a key, and its last characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub connected: bool,
    /// `***` and the key's last four characters.
    pub masked_key: Option<String>,
}

/// What connecting found out about the account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connected {
    /// The account's plan: `free`, `starter`, `creator`, ...
    pub tier: String,
}

/// The agent's connection.
pub async fn status(app: &App, actor: &Actor, agent: AgentId) -> AppResult<Status> {
    let record = readable(&mut app.db.conn().await?, actor, agent).await?;
    Ok(Status {
        connected: record.eleven_lab_api_key.is_some(),
        masked_key: record.eleven_lab_api_key.as_deref().map(masked),
    })
}

/// Checks `api_key` with ElevenLabs and, if it is good, saves it on the agent.
pub async fn connect(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    api_key: Option<String>,
) -> AppResult<Connected> {
    let key = key_of(api_key)?;
    writable(&mut app.db.conn().await?, actor, agent).await?;
    let subscription = match app.elevenlabs.client.subscription(&key).await {
        Ok(subscription) => subscription,
        Err(CallError::Unauthorized { .. }) => {
            return Err(AppError::new(
                ErrorKind::BadRequest,
                ErrorCode::InvalidKey,
                "ElevenLabs rejected this API key.",
            ));
        }
        Err(err) => return Err(unreachable_elevenlabs(&err)),
    };
    let mut tx = app.db.begin().await?;
    agents::lock(&mut tx, agent).await?;
    let mut record = writable(&mut tx, actor, agent).await?;
    record.eleven_lab_api_key = Some(key.expose().to_owned());
    agents::update(&mut tx, &record, app.clock.now()).await?;
    tx.commit().await?;
    Ok(Connected {
        tier: subscription.tier,
    })
}

/// Whether ElevenLabs accepts `api_key`; nothing is saved.
pub async fn test(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    api_key: Option<String>,
) -> AppResult<bool> {
    let key = key_of(api_key)?;
    writable(&mut app.db.conn().await?, actor, agent).await?;
    match app.elevenlabs.client.subscription(&key).await {
        Ok(_) => Ok(true),
        Err(CallError::Unauthorized { .. }) => Ok(false),
        Err(err) => Err(unreachable_elevenlabs(&err)),
    }
}

/// Forgets the agent's key. Its ElevenLabs voices leave the library; voices it cloned there
/// stay listed but cannot speak until a key is connected again.
pub async fn disconnect(app: &App, actor: &Actor, agent: AgentId) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    agents::lock(&mut tx, agent).await?;
    let mut record = writable(&mut tx, actor, agent).await?;
    record.eleven_lab_api_key = None;
    agents::update(&mut tx, &record, app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// The voices of the account `key` opens, as library entries; none (and a warning) when
/// ElevenLabs cannot be asked.
pub(crate) async fn account_voices(app: &App, key: &ApiKey) -> Vec<VoiceItem> {
    match app.elevenlabs.client.voices(key).await {
        Ok(voices) => voices.into_iter().map(item).collect(),
        Err(err) => {
            warn!(error = %err, "the voices of an agent's ElevenLabs account could not be listed");
            Vec::new()
        }
    }
}

/// Whether the account `key` opens has the voice `voice_id`.
pub(crate) async fn has_voice(app: &App, key: &ApiKey, voice_id: &str) -> AppResult<bool> {
    match app.elevenlabs.client.voices(key).await {
        Ok(voices) => Ok(voices.iter().any(|voice| voice.voice_id == voice_id)),
        Err(err) => Err(refused_or_unreachable(&err)),
    }
}

fn item(voice: Voice) -> VoiceItem {
    VoiceItem {
        voice_id: voice.voice_id,
        name: Some(voice.name),
        source: VoiceSource::UserElevenlabs,
        preview_url: voice.preview_url,
        language: voice.labels.get("language").cloned(),
        gender: voice.labels.get("gender").cloned(),
        description: voice.description,
        provider: ELEVENLABS,
    }
}

/// A failed call with an agent's key, for the client: a refused key says to reconnect.
pub(crate) fn refused_or_unreachable(err: &CallError) -> AppError {
    match err {
        CallError::Unauthorized { .. } => AppError::unprocessable(
            ErrorCode::ValidationError,
            "ElevenLabs refused this agent's API key: connect a valid key again.",
        ),
        CallError::Refused { message, .. } => {
            bad_request(format!("ElevenLabs refused the request: {message}"))
        }
        other => unreachable_elevenlabs(other),
    }
}

fn unreachable_elevenlabs(err: &CallError) -> AppError {
    warn!(error = %err, "ElevenLabs could not be reached");
    AppError::new(
        ErrorKind::Unavailable,
        ErrorCode::ServiceUnavailable,
        "ElevenLabs could not be reached; try again shortly.",
    )
}

fn key_of(api_key: Option<String>) -> AppResult<ApiKey> {
    let key = given(api_key).ok_or_else(|| bad_request("api_key is required"))?;
    if key.len() > 200 || key.chars().any(char::is_whitespace) {
        return Err(bad_request("api_key is not an ElevenLabs API key"));
    }
    Ok(ApiKey::new(key))
}

/// `***` and the last four characters (all stars for a short key).
fn masked(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 8 {
        return "***".to_owned();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("***{tail}")
}

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn a_masked_key_shows_only_its_last_four_characters() {
        assert_eq!(masked("sk_0123456789abcdefxyz1"), "***xyz1");
        assert_eq!(masked("short"), "***");
    }
}
