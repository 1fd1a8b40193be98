//! Voice previews: a voice saying some text, as an asynchronous user job (`voice_preview`)
//! on the job engine. It is charged as speech, can be stopped with a refund, is announced
//! to the agent's webhooks, and its audio becomes a content resource of the agent.

use ace_db::agents;
use ace_db::user_jobs::{JobRecord, NewJob};
use ace_domain::generation::request::MAX_SCRIPT_CHARS;
use ace_domain::generation::{JobKind, validate};
use ace_domain::ids::{AgentId, UserJobId};
use ace_domain::sheet::card::GenerationType;
use ace_jobs::{Job, Outcome};
use ace_providers::Work;
use serde_json::{Value, json};

use super::{bad_request, given, resolve_card_voice, speaker, voice_not_found, writable};
use crate::automation::delivery::{self, Routes};
use crate::generations::outcome::{fail, generate, workdir_of};
use crate::generations::trigger::{Queued, record_and_queue};
use crate::generations::{GenerationView, load_view};
use crate::policy::AgentNeed;
use crate::{Actor, App, AppError, AppResult, ErrorCode, credits};

/// Queues `voice_id` saying `text`; returns the user job's id.
pub async fn start(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    voice_id: &str,
    text: Option<String>,
) -> AppResult<UserJobId> {
    let text = given(text).ok_or_else(|| bad_request("text is required"))?;
    if text.chars().count() > MAX_SCRIPT_CHARS {
        return Err(bad_request(format!(
            "text must be at most {MAX_SCRIPT_CHARS} characters"
        )));
    }
    let mut conn = app.db.conn().await?;
    let record = writable(&mut conn, actor, agent).await?;
    let voice = resolve_card_voice(app, &mut conn, &record, Some(voice_id))
        .await?
        .ok()
        .flatten()
        .ok_or_else(|| voice_not_found(voice_id))?;
    credits::require_usable(&mut conn, record.organization_id).await?;
    let routes = delivery::routes(&mut conn, agent).await?;
    drop(conn);
    let data = card_data(voice_id, &text);
    let request = validate(
        GenerationType::SpeechFromText,
        data.as_object().unwrap_or(&Default::default()),
    )
    .map_err(|err| bad_request(err.to_string()))?;
    let estimate = app.pricing.estimate(&request, None);
    let generator = speaker(app, &voice);
    let queued = Queued {
        job: NewJob::of_agent(
            agent,
            record.organization_id,
            JobKind::VoicePreview,
            &data,
            Some(&text),
            estimate.millis(),
        ),
        lane: generator.name(),
        target: None,
        routes: &routes,
        idempotency: None,
    };
    let started = record_and_queue(app, actor, queued).await?;
    Ok(UserJobId::new(started.generation_id))
}

/// A preview job of the agent's.
pub async fn status(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    job: UserJobId,
) -> AppResult<GenerationView> {
    let mut conn = app.db.conn().await?;
    let record = crate::generations::open(&mut conn, actor, job, AgentNeed::View)
        .await
        .ok()
        .filter(|record| record.agent_id == agent && record.user_job_type == JobKind::VoicePreview)
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::NotFound,
                format!("Voice preview {job} not found for this agent."),
            )
        })?;
    load_view(&mut conn, record).await
}

/// Speaks a queued preview.
pub(crate) async fn run(
    app: &App,
    job: &Job,
    record: &JobRecord,
    routes: Option<Routes>,
) -> AppResult<Outcome> {
    let data = record.data.0.clone();
    let voice_id = data
        .get("voice_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut conn = app.db.conn().await?;
    let Some(agent) = agents::find(&mut conn, record.agent_id).await? else {
        return Ok(Outcome::Done);
    };
    let voice = match resolve_card_voice(app, &mut conn, &agent, Some(voice_id)).await? {
        Ok(Some(voice)) => voice,
        Ok(None) | Err(_) => {
            drop(conn);
            fail(
                app,
                record.id,
                "The voice was deleted before the preview ran.",
            )
            .await?;
            return Ok(Outcome::Done);
        }
    };
    drop(conn);
    let empty = serde_json::Map::new();
    let request = match validate(
        GenerationType::SpeechFromText,
        data.as_object().unwrap_or(&empty),
    ) {
        Ok(request) => request,
        Err(err) => {
            fail(app, record.id, &format!("The preview is not valid: {err}.")).await?;
            return Ok(Outcome::Done);
        }
    };
    let generator = speaker(app, &voice);
    let work = Work {
        kind: GenerationType::SpeechFromText,
        request,
        data,
        inputs: Vec::new(),
        voice: Some(voice),
        workdir: workdir_of(app, record, job),
    };
    generate(app, job, record, routes, generator.as_ref(), work).await
}

/// The speech card a preview is: `voice_id` saying `text`.
fn card_data(voice_id: &str, text: &str) -> Value {
    json!({
        "script": text,
        "voice_method": "my_voices",
        "voice_id": voice_id,
    })
}
