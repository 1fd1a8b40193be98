//! Voice design, GEN's four steps: a script to read (from the text service), a description of
//! the voice (from the text service), candidate samples, and keeping the chosen one as a
//! `user_designed` voice. With the agent's ElevenLabs account connected, ElevenLabs designs the
//! candidates and keeps the chosen one there; else they are ace's own voice tuned three ways to
//! the description. Candidates live a day; their ids are opaque and belong to the agent.

use std::time::Duration;

use ace_db::voices::{self as store, NewVoice};
use ace_domain::ids::AgentId;
use ace_domain::voice::VoiceSource;
use ace_providers::local::speech::design::{candidates, from_description};
use ace_providers::local::speech::voices::LocalVoice;
use ace_providers::remote::config::ApiKey;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::TimeDelta;
use serde_json::{Value, json};

use super::elevenlabs::refused_or_unreachable;
use super::{
    Details, ELEVENLABS, LOCAL, VoiceItem, agent_key, bad_request, gender, given, item, language,
    local_settings, readable, writable,
};
use crate::generations::outcome::WorkDir;
use crate::text::{self, Ask};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// The longest text the samples read, in characters.
const SAMPLE_TEXT_MAX: usize = 1_000;
/// How long a candidate can be chosen.
const CANDIDATE_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// The shortest text ElevenLabs reads in its design previews.
const ELEVENLABS_TEXT_MIN: usize = 100;
/// The longest hint a description request takes, in characters.
const HINT_MAX: usize = 1_000;

/// Step 1: a short passage to read aloud, written by the text service.
pub async fn generate_script(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    language: Option<String>,
) -> AppResult<String> {
    let language = super::language(language)?;
    readable(&mut app.db.conn().await?, actor, agent).await?;
    let mut prompt = String::from(
        "Write a short passage of two sentences, at most thirty words, for someone to read \
         aloud to try out a new voice. Make it warm and natural, about everyday things.",
    );
    if let Some(code) = language.filter(|code| !is_english(code)) {
        prompt.push_str(&format!(" Write it in the language whose code is {code}."));
    }
    prompt.push_str(" Reply with the passage only.");
    let written = text::write(
        app,
        Ask {
            prompt: &prompt,
            max_tokens: 72,
            temperature: 0.7,
        },
    )
    .await?;
    Ok(passage(&written.text))
}

/// What step 2 is asked.
#[derive(Clone, Debug, Default)]
pub struct DescriptionAsk {
    pub gender: Option<String>,
    pub voice_description: Option<String>,
    pub language: Option<String>,
    pub script: Option<String>,
}

/// Step 2: one sentence describing the voice, written by the text service from the hints.
pub async fn generate_description(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    ask: DescriptionAsk,
) -> AppResult<String> {
    let gender = gender(ask.gender)?.ok_or_else(|| bad_request("gender is required"))?;
    let language = language(ask.language)?;
    let hint = limited("voice_description", given(ask.voice_description))?;
    let script = limited("script", given(ask.script))?;
    readable(&mut app.db.conn().await?, actor, agent).await?;
    let mut prompt = format!(
        "Describe the voice of a {gender} speaker in one sentence of about twenty words, \
         covering its pitch, its pace and its tone."
    );
    if let Some(hint) = hint {
        prompt.push_str(&format!(" The voice should be: {hint}."));
    }
    if let Some(code) = language.filter(|code| !is_english(code)) {
        prompt.push_str(&format!(
            " The speaker speaks the language whose code is {code}."
        ));
    }
    if let Some(script) = script {
        let excerpt: String = script.chars().take(300).collect();
        prompt.push_str(&format!(" The voice will read: \"{excerpt}\"."));
    }
    prompt.push_str(" Reply with the sentence only, in English.");
    let written = text::write(
        app,
        Ask {
            prompt: &prompt,
            max_tokens: 60,
            temperature: 0.6,
        },
    )
    .await?;
    Ok(passage(&written.text))
}

/// A candidate of step 3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    /// Opaque; step 4 takes it.
    pub generation_id: String,
    /// The MP3, in base64.
    pub audio: String,
}

/// What step 3 is asked.
#[derive(Clone, Debug, Default)]
pub struct SamplesAsk {
    pub text: Option<String>,
    pub description: Option<String>,
    /// The language of `text` (an ace addition; English by default).
    pub language: Option<String>,
}

/// Step 3: candidates reading `text`. With the agent's ElevenLabs account connected, the
/// voices ElevenLabs designs from the description; else three takes on the description by
/// ace's own voice.
pub async fn generate_samples(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    ask: SamplesAsk,
) -> AppResult<Vec<Sample>> {
    let text = given(ask.text).ok_or_else(|| bad_request("text is required"))?;
    if text.chars().count() > SAMPLE_TEXT_MAX {
        return Err(bad_request(format!(
            "text must be at most {SAMPLE_TEXT_MAX} characters"
        )));
    }
    let description = limited("description", given(ask.description))?;
    let language = language(ask.language)?;
    let record = writable(&mut app.db.conn().await?, actor, agent).await?;
    let made = match agent_key(&record) {
        Some(key) => designed_at_elevenlabs(app, &key, &text, description.as_deref()).await?,
        None => designed_here(app, &text, description.as_deref(), language.as_deref()).await?,
    };
    let mut samples = Vec::with_capacity(made.len());
    let mut stored = Vec::with_capacity(made.len());
    for (audio, settings) in made {
        let id = format!("vdc_{}", uuid::Uuid::new_v4().simple());
        stored.push((id.clone(), settings));
        samples.push(Sample {
            generation_id: id,
            audio: STANDARD.encode(audio),
        });
    }
    let now = app.clock.now();
    let stale = now - TimeDelta::from_std(CANDIDATE_LIFETIME).unwrap_or(TimeDelta::zero());
    let mut tx = app.db.begin().await?;
    store::insert_candidates(&mut tx, agent, &stored, description.as_deref(), now, stale).await?;
    tx.commit().await?;
    Ok(samples)
}

/// Three takes on the description by ace's own voice: each MP3 and how to speak it again.
async fn designed_here(
    app: &App,
    text: &str,
    description: Option<&str>,
    language: Option<&str>,
) -> AppResult<Vec<(Vec<u8>, Value)>> {
    let design = from_description(description.unwrap_or_default(), None);
    let scratch = app
        .settings
        .work_dir
        .join(format!("voice-design-{}", uuid::Uuid::new_v4().simple()));
    let _cleanup = WorkDir(scratch.clone());
    tokio::fs::create_dir_all(&scratch)
        .await
        .map_err(AppError::internal)?;
    let mut made = Vec::with_capacity(3);
    for (index, delivery) in candidates(design).into_iter().enumerate() {
        let voice = LocalVoice {
            base: None,
            delivery,
        };
        let spoken = app
            .speech
            .speak_as(text, language, &voice)
            .await
            .map_err(|err| bad_request(format!("text could not be spoken: {err}")))?;
        let out = scratch.join(format!("sample-{index}.mp3"));
        app.speech
            .encode_mp3(&spoken, &out)
            .await
            .map_err(|err| AppError::internal(anyhow::anyhow!("encoding a voice sample: {err}")))?;
        let audio = tokio::fs::read(&out).await.map_err(AppError::internal)?;
        made.push((audio, local_settings(&voice, None)));
    }
    Ok(made)
}

/// The voices ElevenLabs designs from the description: each preview and the id that saves it.
async fn designed_at_elevenlabs(
    app: &App,
    key: &ApiKey,
    text: &str,
    description: Option<&str>,
) -> AppResult<Vec<(Vec<u8>, Value)>> {
    // ElevenLabs reads texts of 100 characters or more; for shorter ones it writes its own.
    let text = (text.chars().count() >= ELEVENLABS_TEXT_MIN).then_some(text);
    let previews = app
        .elevenlabs
        .client
        .design_previews(key, &elevenlabs_description(description), text)
        .await
        .map_err(|err| refused_or_unreachable(&err))?;
    Ok(previews
        .into_iter()
        .map(|preview| {
            let settings = json!({
                "provider": ELEVENLABS,
                "generated_voice_id": preview.generated_voice_id,
            });
            (preview.audio, settings)
        })
        .collect())
}

/// A description ElevenLabs takes: 20 characters at least.
fn elevenlabs_description(description: Option<&str>) -> String {
    const PLAIN: &str = "A clear, natural speaking voice.";
    match description.map(str::trim).filter(|d| !d.is_empty()) {
        None => PLAIN.to_owned(),
        Some(short) if short.chars().count() < 20 => format!("{short}. {PLAIN}"),
        Some(description) => description.to_owned(),
    }
}

/// Step 4: keeps the candidate `generation_id` as a `user_designed` voice (saved in the
/// agent's ElevenLabs account when ElevenLabs designed it).
pub async fn finalize(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    generation_id: Option<String>,
    details: Details,
) -> AppResult<VoiceItem> {
    let generation_id =
        given(generation_id).ok_or_else(|| bad_request("generation_id is required"))?;
    let details = details.checked()?;
    let now = app.clock.now();
    let fresh = now - TimeDelta::from_std(CANDIDATE_LIFETIME).unwrap_or(TimeDelta::zero());
    let mut conn = app.db.conn().await?;
    let record = writable(&mut conn, actor, agent).await?;
    let candidate = store::find_candidate(&mut conn, agent, &generation_id, fresh)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::NotFound,
                "generation_id is not a voice sample of this agent's from the last day: \
                 generate samples again.",
            )
        })?;
    drop(conn);
    let description = details.description.or(candidate.description);
    let settings: Value = candidate.settings.0;
    let (provider, provider_voice_id) =
        match settings.get("generated_voice_id").and_then(Value::as_str) {
            None => (LOCAL, None),
            Some(generated) => {
                let key = agent_key(&record).ok_or_else(|| {
                    bad_request(
                        "ElevenLabs designed this sample, and the agent's ElevenLabs key has been \
                     disconnected since: connect it again to keep the voice.",
                    )
                })?;
                let saved = app
                    .elevenlabs
                    .client
                    .save_design(
                        &key,
                        &details.name,
                        &elevenlabs_description(description.as_deref()),
                        generated,
                    )
                    .await
                    .map_err(|err| refused_or_unreachable(&err))?;
                (ELEVENLABS, Some(saved))
            }
        };
    let new = NewVoice {
        agent_id: agent,
        source: VoiceSource::UserDesigned.as_str(),
        name: &details.name,
        gender: details.gender.as_deref(),
        language: details.language.as_deref(),
        description: description.as_deref(),
        provider,
        provider_voice_id: provider_voice_id.as_deref(),
        settings: &settings,
        sample_resource_id: None,
    };
    let record = store::insert(&mut app.db.writer().await?, &new, now).await?;
    Ok(item(&record))
}

fn is_english(code: &str) -> bool {
    let code = code.to_ascii_lowercase();
    code == "en" || code.starts_with("en-")
}

/// A hint of at most [`HINT_MAX`] characters.
fn limited(field: &str, text: Option<String>) -> AppResult<Option<String>> {
    match text {
        Some(text) if text.chars().count() > HINT_MAX => Err(bad_request(format!(
            "{field} must be at most {HINT_MAX} characters"
        ))),
        other => Ok(other),
    }
}

/// The model's answer as a passage: without a lead-in line ("Here is a passage:") or
/// wrapping quotes.
fn passage(text: &str) -> String {
    let trimmed = text.trim();
    let body = match trimmed.split_once('\n') {
        Some((first, rest)) if first.trim_end().ends_with(':') && !rest.trim().is_empty() => rest,
        _ => trimmed,
    };
    body.trim()
        .trim_matches(|c| c == '"' || c == '“' || c == '”')
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::passage;

    #[test]
    fn a_passage_loses_its_lead_in_and_quotes() {
        assert_eq!(
            passage("Here is a passage:\n\"The kettle sings.\""),
            "The kettle sings."
        );
        assert_eq!(passage("  Morning light.  "), "Morning light.");
        assert_eq!(passage("Note: keep this."), "Note: keep this.");
    }
}
