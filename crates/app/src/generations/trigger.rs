//! Starting a generation on a cell or a layer: prepare and price it, then, in one
//! transaction, record the job, reserve its estimate, queue it, point the cell (or layer) at
//! it and announce it.

use ace_db::sheets::{cells, engines, layers, tree};
use ace_db::user_jobs::{self as store, NewJob};
use ace_domain::generation::GenerationStatus;
use ace_domain::ids::{AgentId, CellId, LayerId, SpreadsheetId};
use ace_domain::sheet::card::GenerationType;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::prepare::{Place, prepare};
use super::{events, queue_run};
use crate::automation::delivery::{self, Routes};
use crate::idempotency::Idempotent;
use crate::policy::AgentNeed;
use crate::sheets::{agent_access, not_found};
use crate::{Actor, App, AppError, AppResult, ErrorCode, credits};

/// What the client asked for.
#[derive(Clone, Debug)]
pub struct Trigger {
    pub generation_type: String,
    pub data: Value,
    /// Set when the client sent an `Idempotency-Key`.
    pub idempotency: Option<Idempotent>,
}

/// What a trigger answers: the new generation, pending. A retry with the same
/// `Idempotency-Key` gets the same answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Started {
    pub generation_id: i64,
    pub status: String,
}

/// Where the generation goes.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    Cell(CellId),
    Layer(CellId, LayerId),
}

/// Starts a generation; it is pending when this returns.
pub async fn trigger(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    target: Target,
    trigger: Trigger,
) -> AppResult<Started> {
    let mut conn = app.db.conn().await?;
    // Access first, so a key says nothing about engines the caller cannot reach; then a
    // retry gets its first answer even if the credits have run out since.
    let organization = agent_access(&mut conn, actor, agent, AgentNeed::Edit)
        .await?
        .agent
        .organization_id;
    if let Some(request) = &trigger.idempotency
        && let Some(answer) = request.replay(&mut conn, app, actor).await?
    {
        return Ok(answer);
    }
    credits::require_usable(&mut conn, organization).await?;
    let kind: GenerationType = trigger.generation_type.parse().map_err(|()| {
        let names: Vec<&str> = GenerationType::ALL.iter().map(|t| t.as_str()).collect();
        AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("generation_type must be one of {}", names.join(", ")),
        )
    })?;
    let Value::Object(data) = trigger.data else {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "data must be an object",
        ));
    };
    let (cell_id, layer_id) = match target {
        Target::Cell(cell) => (cell, None),
        Target::Layer(cell, layer) => (cell, Some(layer)),
    };
    let engine = engines::find(&mut conn, agent, sheet)
        .await?
        .ok_or_else(|| not_found("Engine", sheet))?;
    let row = tree::row_sources(&mut conn, sheet, cell_id)
        .await?
        .ok_or_else(|| not_found("Cell", cell_id))?;
    let cell = row
        .cells
        .iter()
        .find(|c| c.id == cell_id)
        .ok_or_else(|| not_found("Cell", cell_id))?;
    if let Some(layer) = layer_id {
        layers::find(&mut conn, cell_id, layer)
            .await?
            .ok_or_else(|| not_found("Layer", layer))?;
    }
    let place = Place {
        agent,
        sheet,
        cell,
        on_layer: layer_id.is_some(),
    };
    let prepared = prepare(&mut conn, &place, &row, kind, data).await?;
    let routes = delivery::routes(&mut conn, agent).await?;
    let generator = match kind {
        GenerationType::SpeechFromText => {
            crate::voices::cards::speaker_at_trigger(app, &mut conn, agent, &prepared.request)
                .await?
        }
        _ => app.generator(kind, prepared.request.model.as_deref()),
    };
    drop(conn);
    generator
        .check(&prepared.request)
        .map_err(|message| AppError::unprocessable(ErrorCode::ValidationError, message))?;
    let estimate = app
        .pricing
        .estimate(&prepared.request, prepared.source_seconds);
    let new = NewJob {
        agent_id: agent,
        organization_id: Some(organization),
        spreadsheet_id: Some(engine.id),
        cell_id: Some(cell_id),
        layer_id,
        user_job_type: kind.as_str(),
        status: GenerationStatus::Pending.as_str(),
        data: &prepared.data,
        prompt: prepared.prompt.as_deref(),
        estimate_millis: estimate.millis(),
    };
    let queued = Queued {
        job: new,
        lane: generator.name(),
        target: Some(target),
        routes: &routes,
        idempotency: trigger.idempotency.as_ref(),
    };
    record_and_queue(app, actor, queued).await
}

/// A job about to be recorded.
pub(crate) struct Queued<'a> {
    pub job: NewJob<'a>,
    /// The queue lane that runs it.
    pub lane: &'a str,
    /// The cell or layer that shows it; none for a job of the agent's own.
    pub target: Option<Target>,
    /// Where its events go.
    pub routes: &'a Routes,
    pub idempotency: Option<&'a Idempotent>,
}

/// In one transaction: records the job, remembers the answer under its idempotency key,
/// reserves its estimate and queues it, points its cell (or layer) at it and announces it.
pub(crate) async fn record_and_queue(
    app: &App,
    actor: &Actor,
    queued: Queued<'_>,
) -> AppResult<Started> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let job = store::insert(&mut tx, &queued.job, now).await?;
    let started = Started {
        generation_id: job.id.get(),
        status: job.status.clone(),
    };
    if let Some(request) = queued.idempotency
        && !request.remember(&mut tx, actor, &started, now).await?
    {
        // A retry with the same key got there first: its answer is the answer.
        drop(tx);
        let mut conn = app.db.conn().await?;
        return request
            .replay(&mut conn, app, actor)
            .await?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("an idempotent answer vanished")));
    }
    queue_run(&mut tx, app, &job, queued.lane).await?;
    match queued.target {
        Some(Target::Layer(_, layer)) => {
            layers::set_default_job(&mut tx, layer, job.id, now).await?;
        }
        Some(Target::Cell(cell)) => cells::set_default_job(&mut tx, cell, job.id, now).await?,
        // A job of the agent's own (a voice preview) shows in no cell.
        None => {}
    }
    events::announce(&mut tx, app, queued.routes, &job, &[]).await?;
    tx.commit().await?;
    app.queue.wake();
    app.generation_events.poke(job.id.get());
    Ok(started)
}
