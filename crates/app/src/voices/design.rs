//! Voice design, GEN's four steps: a script to read (from the text service), a description of
//! the voice (from the text service), three candidate samples spoken by ace's own voice tuned
//! to the description, and finally keeping the chosen candidate as a `user_designed` voice.
//! Candidates live a day; their ids are opaque and belong to the agent that made them.

use std::time::Duration;

use ace_db::voices::{self as store, NewVoice};
use ace_domain::ids::AgentId;
use ace_domain::voice::VoiceSource;
use ace_providers::local::speech::design::{candidates, from_description};
use ace_providers::local::speech::voices::LocalVoice;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::TimeDelta;
use serde_json::Value;

use super::{
    Details, LOCAL, VoiceItem, bad_request, gender, given, item, language, local_settings,
    readable, writable,
};
use crate::generations::run::WorkDir;
use crate::text::{self, Ask};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// The longest text the samples read, in characters.
const SAMPLE_TEXT_MAX: usize = 1_000;
/// How long a candidate can be chosen.
const CANDIDATE_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
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
        "Write a short passage of two or three sentences, about forty words, for someone to \
         read aloud to try out a new voice. Make it warm and natural, about everyday things.",
    );
    if let Some(code) = language.filter(|code| !is_english(code)) {
        prompt.push_str(&format!(" Write it in the language whose code is {code}."));
    }
    prompt.push_str(" Reply with the passage only.");
    let written = text::write(
        app,
        Ask {
            prompt: &prompt,
            max_tokens: 120,
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

/// Step 3: three candidates reading `text`, each a different take on the description.
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
    writable(&mut app.db.conn().await?, actor, agent).await?;
    let design = from_description(description.as_deref().unwrap_or_default(), None);
    let scratch = app
        .settings
        .work_dir
        .join(format!("voice-design-{}", uuid::Uuid::new_v4().simple()));
    let _cleanup = WorkDir(scratch.clone());
    tokio::fs::create_dir_all(&scratch)
        .await
        .map_err(AppError::internal)?;
    let mut samples = Vec::with_capacity(3);
    let mut stored = Vec::with_capacity(3);
    for (index, delivery) in candidates(design).into_iter().enumerate() {
        let voice = LocalVoice {
            base: None,
            delivery,
        };
        let spoken = app
            .speech
            .speak_as(&text, language.as_deref(), &voice)
            .await
            .map_err(|err| bad_request(format!("text could not be spoken: {err}")))?;
        let out = scratch.join(format!("sample-{index}.mp3"));
        app.speech
            .encode_mp3(&spoken, &out)
            .await
            .map_err(|err| AppError::internal(anyhow::anyhow!("encoding a voice sample: {err}")))?;
        let audio = tokio::fs::read(&out).await.map_err(AppError::internal)?;
        let id = format!("vdc_{}", uuid::Uuid::new_v4().simple());
        stored.push((id.clone(), local_settings(&voice, None)));
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

/// Step 4: keeps the candidate `generation_id` as a `user_designed` voice.
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
    let mut tx = app.db.begin().await?;
    writable(&mut tx, actor, agent).await?;
    let candidate = store::find_candidate(&mut tx, agent, &generation_id, fresh)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::NotFound,
                "generation_id is not a voice sample of this agent's from the last day: \
                 generate samples again.",
            )
        })?;
    let description = details.description.or(candidate.description);
    let settings: Value = candidate.settings.0;
    let new = NewVoice {
        agent_id: agent,
        source: VoiceSource::UserDesigned.as_str(),
        name: &details.name,
        gender: details.gender.as_deref(),
        language: details.language.as_deref(),
        description: description.as_deref(),
        provider: LOCAL,
        provider_voice_id: None,
        settings: &settings,
        sample_resource_id: None,
    };
    let record = store::insert(&mut tx, &new, now).await?;
    tx.commit().await?;
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
