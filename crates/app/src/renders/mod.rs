//! Renders (GEN: `renderVideo`, and the older `remotion_jobs`): a row's layer stack, the
//! layers of its video cell, composed into one MP4 by `ace_render`. A render is a
//! generation like any other (`user_job_type` `render`): charged up front by the length of
//! the stack, stoppable with a refund, announced to webhooks, followed live with progress,
//! and its MP4 becomes a video content resource that the row's final video cell shows.

pub(crate) mod binding;
pub(crate) mod media;
mod run;

use ace_db::sheets::{engines, layers, tree};
use ace_db::user_jobs::{self as store, NewJob};
use ace_domain::credits::Credits;
use ace_domain::generation::{GenerationStatus, JobKind};
use ace_domain::ids::{AgentId, CellId, SpreadsheetId};
use ace_domain::sheet::column::ColumnRole;
use ace_domain::sheet::layer::FPS;
use ace_render::stack::{Canvas, Content, LayerRecord, Stack, StackError, frames_in_ms};
use chrono::{DateTime, Utc};
use serde_json::json;

pub(crate) use run::run;

use crate::automation::delivery;
use crate::generations::trigger::{Queued, Started, Target, record_and_queue};
use crate::idempotency::Idempotent;
use crate::policy::AgentNeed;
use crate::sheets::{agent_access, not_found};
use crate::{Actor, App, AppError, AppResult, ErrorCode, credits};

/// The queue lane renders run in (capped per process, see `ACE_LANE_LIMITS`).
pub const LANE: &str = "render";

/// The length assumed for the charge when the stack's length depends on its media (the
/// final charge follows the real length).
const UNKNOWN_LENGTH_S: f64 = 60.0;

/// Starts rendering the row of `cell`: its final video cell, or its video cell.
pub async fn render(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    cell: CellId,
    idempotency: Option<Idempotent>,
) -> AppResult<Started> {
    start(app, actor, agent, sheet, cell, idempotency, Surface::Cell).await
}

/// Starts rendering the row of `cell` as the last step of row run `run`.
pub(crate) async fn render_for_run(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    cell: CellId,
    idempotency: Idempotent,
    run: i64,
) -> AppResult<Started> {
    let surface = Surface::RowRun { run };
    start(app, actor, agent, sheet, cell, Some(idempotency), surface).await
}

/// Starts a render the `remotion_jobs` way: the same render, with GEN's
/// `project_not_found` for an engine the caller cannot reach.
pub async fn render_job(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    project: SpreadsheetId,
    cell: CellId,
    input: serde_json::Value,
) -> AppResult<Started> {
    let surface = Surface::RemotionJob { input };
    start(app, actor, agent, project, cell, None, surface).await
}

/// Which of GEN's two render endpoints asked.
enum Surface {
    /// `POST …/cells/{cell_id}/render`.
    Cell,
    /// `POST /remotion_jobs`, with its render configuration.
    RemotionJob { input: serde_json::Value },
    /// The last step of a row run.
    RowRun { run: i64 },
}

impl Surface {
    /// The answer for an engine the caller cannot reach.
    fn missing(&self, err: Option<AppError>, sheet: SpreadsheetId) -> AppError {
        match (self, err) {
            (Surface::RemotionJob { .. }, Some(err)) => hide_missing(err, sheet),
            (Surface::RemotionJob { .. }, None) => project_not_found(sheet),
            (Surface::Cell | Surface::RowRun { .. }, Some(err)) => err,
            (Surface::Cell | Surface::RowRun { .. }, None) => not_found("Engine", sheet),
        }
    }
}

async fn start(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    cell: CellId,
    idempotency: Option<Idempotent>,
    surface: Surface,
) -> AppResult<Started> {
    let mut conn = app.db.conn().await?;
    let organization = agent_access(&mut conn, actor, agent, AgentNeed::Edit)
        .await
        .map_err(|err| surface.missing(Some(err), sheet))?
        .agent
        .organization_id;
    if let Some(request) = &idempotency
        && let Some(answer) = request.replay(&mut conn, app, actor).await?
    {
        return Ok(answer);
    }
    credits::require_usable(&mut conn, organization).await?;
    let engine = engines::find(&mut conn, agent, sheet)
        .await?
        .ok_or_else(|| surface.missing(None, sheet))?;
    let row = tree::row_sources(&mut conn, sheet, cell)
        .await?
        .ok_or_else(|| not_found("Cell", cell))?;
    let role_of = |cell_column| {
        row.columns
            .iter()
            .find(|column| column.id == cell_column)
            .map(|column| column.column_role)
    };
    let cell_of = |role: ColumnRole| {
        row.cells
            .iter()
            .find(|c| role_of(c.column_id) == Some(role))
    };
    let asked = row
        .cells
        .iter()
        .find(|c| c.id == cell)
        .map(|c| role_of(c.column_id));
    if !matches!(
        asked.flatten(),
        Some(ColumnRole::FinalVideo | ColumnRole::Video)
    ) {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "Cell {cell} is not a video cell: render a row's final video cell (or its video cell)."
            ),
        ));
    }
    let video = cell_of(ColumnRole::Video).ok_or_else(|| {
        AppError::unprocessable(
            ErrorCode::ValidationError,
            "This row has no video cell, so it has no layers to render.",
        )
    })?;
    let shown_in = cell_of(ColumnRole::FinalVideo).map_or(cell, |c| c.id);
    let records = layer_records(&mut conn, video.id).await?;
    let estimate = estimate(app, canvas_of(&engine.aspect_ratio), &records);
    let routes = delivery::routes(&mut conn, agent).await?;
    drop(conn);
    let mut data = json!({ "video_cell_id": video.id.get(), "cell_id": cell.get() });
    let mut row_run_id = None;
    match surface {
        Surface::RemotionJob { input } => data["input"] = input,
        Surface::RowRun { run } => row_run_id = Some(run),
        Surface::Cell => {}
    }
    let new = NewJob {
        agent_id: agent,
        organization_id: Some(organization),
        spreadsheet_id: Some(engine.id),
        cell_id: Some(shown_in),
        layer_id: None,
        user_job_type: JobKind::Render,
        status: GenerationStatus::Pending,
        data: &data,
        prompt: None,
        estimate_millis: estimate.millis(),
        row_run_id,
    };
    let queued = Queued {
        job: new,
        lane: LANE,
        target: Some(Target::Cell(shown_in)),
        routes: &routes,
        idempotency: idempotency.as_ref(),
    };
    record_and_queue(app, actor, queued).await
}

/// The canvas of an engine's aspect ratio (9:16 when it is not one ace knows).
pub(crate) fn canvas_of(aspect_ratio: &str) -> Canvas {
    Canvas::for_aspect_ratio(Some(aspect_ratio)).unwrap_or(Canvas {
        width: 1080,
        height: 1920,
    })
}

/// A video cell's stack as its render draws it: the layers filled from the row's cells on the
/// engine's canvas, with the names of those left out for want of media (or why the stack
/// cannot be read). `None` when the engine is gone.
pub(crate) async fn bound_stack(
    db: &mut dyn ace_db::Session,
    agent: AgentId,
    sheet: SpreadsheetId,
    video_cell: CellId,
) -> AppResult<Option<(Result<Stack, StackError>, Vec<String>)>> {
    let Some(engine) = engines::find(db, agent, sheet).await? else {
        return Ok(None);
    };
    let mut records = layer_records(db, video_cell).await?;
    let left_out = binding::bind(db, engine.id, video_cell, &mut records).await?;
    let stack = Stack::read(canvas_of(&engine.aspect_ratio), &records, false);
    Ok(Some((stack, left_out)))
}

/// A video cell's layers as the renderer reads them.
pub(crate) async fn layer_records(
    db: &mut dyn ace_db::Session,
    video_cell: CellId,
) -> AppResult<Vec<LayerRecord>> {
    Ok(layers::list_for_cell(db, video_cell)
        .await?
        .into_iter()
        .map(|layer| LayerRecord {
            name: layer.name,
            kind: layer.kind.as_str().to_owned(),
            position: layer.position,
            additional_attributes: layer.additional_attributes.0,
        })
        .collect())
}

/// The charge up front: the stack's length where its layers say it, else a minute; nothing
/// for a stack that cannot render (it fails without a charge).
pub(crate) fn estimate(app: &App, canvas: Canvas, records: &[LayerRecord]) -> Credits {
    let Ok(stack) = Stack::read(canvas, records, false) else {
        return Credits::ZERO;
    };
    let frames = stack
        .layers
        .iter()
        .filter_map(|layer| match (&layer.content, layer.duration) {
            (_, Some(duration)) => Some(layer.from + duration),
            (Content::Caption { lines, .. }, None) => lines
                .iter()
                .map(|line| layer.from + frames_in_ms(line.end_ms))
                .max(),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let seconds = if frames == 0 {
        UNKNOWN_LENGTH_S
    } else {
        frames as f64 / f64::from(FPS)
    };
    app.pricing.render(seconds)
}

/// A render as `GET /v1/remotion_jobs` lists it.
#[derive(Clone, Debug)]
pub struct RenderSummary {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub status: GenerationStatus,
    /// For a completed render: its video.
    pub output: Option<RenderedVideo>,
}

/// The video a render made: a content resource of the agent.
#[derive(Clone, Debug)]
pub struct RenderedVideo {
    pub resource_id: i64,
    pub url: String,
    pub thumbnail_url: Option<String>,
}

/// How many renders a page lists.
pub const PAGE_SIZE: i64 = 20;

/// An engine's renders, newest first, `PAGE_SIZE` a page from 0.
pub async fn list(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    page: i64,
) -> AppResult<Vec<RenderSummary>> {
    if page < 0 {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "page counts from 0.",
        ));
    }
    let mut conn = app.db.conn().await?;
    agent_access(&mut conn, actor, agent, AgentNeed::View)
        .await
        .map_err(|err| hide_missing(err, sheet))?;
    engines::find(&mut conn, agent, sheet)
        .await?
        .ok_or_else(|| project_not_found(sheet))?;
    let (jobs, outputs) = store::page_of_type(
        &mut conn,
        sheet,
        JobKind::Render,
        page * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let summaries = jobs
        .into_iter()
        .map(|job| {
            let completed = job.status == GenerationStatus::Completed;
            let output = outputs
                .iter()
                .find(|output| completed && output.user_job_id == job.id.get())
                .map(|output| RenderedVideo {
                    resource_id: output.id,
                    url: app.storage.public_url(&output.storage_key),
                    thumbnail_url: output
                        .thumbnail_key
                        .as_deref()
                        .map(|key| app.storage.public_url(key)),
                });
            RenderSummary {
                id: job.id.get(),
                created_at: job.created_at,
                status: job.status,
                output,
            }
        })
        .collect();
    Ok(summaries)
}

/// An agent the caller cannot see is, to them, an engine that is not there.
fn hide_missing(err: AppError, sheet: SpreadsheetId) -> AppError {
    if err.kind == crate::ErrorKind::NotFound {
        project_not_found(sheet)
    } else {
        err
    }
}

/// GEN's answer for an engine the caller cannot reach through `remotion_jobs`.
pub fn project_not_found(sheet: SpreadsheetId) -> AppError {
    AppError::not_found(
        ErrorCode::ProjectNotFound,
        format!("Project {sheet} not found."),
    )
}
