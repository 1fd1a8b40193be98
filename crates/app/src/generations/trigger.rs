//! Starting a generation on a cell or a layer: prepare and price it, then, in one
//! transaction, record the job, reserve its estimate, queue it, point the cell (or layer) at
//! it and announce it.

use ace_db::sheets::layers::LayerRecord;
use ace_db::sheets::{cells, engines, layers, tree};
use ace_db::user_jobs::{self as store, NewJob};
use ace_domain::generation::{GenerationStatus, JobKind};
use ace_domain::ids::{AgentId, CellId, LayerId, SpreadsheetId};
use ace_domain::sheet::card::{self, GenerationType, TypeName};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

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
    /// As sent: a documented type, one of GEN's internal names (which GEN's own clients send),
    /// or none to generate what the target's creation card (or a layer's type) says.
    pub generation_type: Option<String>,
    pub data: Value,
    /// The `Idempotency-Key` header, if the client sent one.
    pub idempotency_key: Option<String>,
    /// The row run this generation is a step of.
    pub row_run: Option<i64>,
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
    // Access first, so a key says nothing about engines the caller cannot reach.
    let organization = agent_access(&mut conn, actor, agent, AgentNeed::Edit)
        .await?
        .agent
        .organization_id;
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
    let layer = match layer_id {
        Some(layer) => Some(
            layers::find(&mut conn, cell_id, layer)
                .await?
                .ok_or_else(|| not_found("Layer", layer))?,
        ),
        None => None,
    };
    let card = match &layer {
        Some(layer) => layer.additional_attributes.0.get("creation_card"),
        None => cell
            .additional_attributes
            .0
            .get("creation_card")
            .or_else(|| {
                row.columns
                    .iter()
                    .find(|c| c.id == cell.column_id)
                    .and_then(|c| c.additional_attributes.0.get("creation_card"))
            }),
    };
    let kind = kind_asked(
        trigger.generation_type.as_deref(),
        &data,
        card,
        layer.as_ref(),
    )?;
    // Then a retry gets its first answer, even if the credits have run out since.
    let idempotency = match &trigger.idempotency_key {
        Some(key) => {
            let operation = match target {
                Target::Cell(cell) => format!("generate {agent}/{sheet}/cell/{cell}"),
                Target::Layer(cell, layer) => {
                    format!("generate {agent}/{sheet}/cell/{cell}/layer/{layer}")
                }
            };
            let asked = json!({ "generation_type": kind.as_str(), "data": data });
            Some(Idempotent::new(key, &operation, &asked)?)
        }
        None => None,
    };
    if let Some(request) = &idempotency
        && let Some(answer) = request.replay(&mut conn, app, actor).await?
    {
        return Ok(answer);
    }
    credits::require_usable(&mut conn, organization).await?;
    let place = Place { agent, sheet, card };
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
        user_job_type: JobKind::Card(kind),
        status: GenerationStatus::Pending,
        data: &prepared.data,
        prompt: prepared.prompt.as_deref(),
        estimate_millis: estimate.millis(),
        row_run_id: trigger.row_run,
    };
    let queued = Queued {
        job: new,
        lane: generator.name(),
        target: Some(target),
        routes: &routes,
        idempotency: idempotency.as_ref(),
    };
    record_and_queue(app, actor, queued).await
}

/// The documented type a trigger asks for: the name it sent (GEN's internal names included,
/// a name for two video types settled by the data and the card already there), else the
/// card's, else what a layer of its kind makes.
fn kind_asked(
    name: Option<&str>,
    data: &Map<String, Value>,
    card: Option<&Value>,
    layer: Option<&LayerRecord>,
) -> AppResult<GenerationType> {
    let carded = card.and_then(card::kind_of);
    if let Some(name) = name {
        let named = TypeName::parse(name).ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::ValidationError,
                format!("generation_type must be one of {}", card::accepted_names()),
            )
        })?;
        return Ok(named.resolve(data, carded));
    }
    let by_layer = layer.and_then(|layer| layer.kind.generation_type());
    carded.or(by_layer).ok_or_else(|| {
        let target = if layer.is_some() { "layer" } else { "cell" };
        AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "generation_type is required: this {target} has no creation card to generate from"
            ),
        )
    })
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
        status: job.status.to_string(),
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
