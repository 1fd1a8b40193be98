//! Measuring a video for the quality gates (`domain::publishing::gates`): ffprobe for the
//! container, codec, picture and length, ffmpeg's `ebur128` and `astats` for loudness and
//! peak, and, for a video ace rendered, whether its layer stack has sound and where its text
//! and captions sit (`ace_render::placement`). The publish job
//! runs them before anything is sent to TikTok; `check` runs them on any of the agent's videos,
//! free.

use std::path::Path;

use ace_db::content_resources::{self as resources, ResourceRecord};
use ace_db::user_jobs;
use ace_domain::generation::JobKind;
use ace_domain::ids::{AgentId, CellId, ContentResourceId, SpreadsheetId, UserJobId};
use ace_domain::publishing::gates::{self, GateReport, Measured};
use ace_domain::publishing::safe_area::TextPlacement;
use ace_domain::sheet::layer::LayerKind;

use ace_render::text_placement;

use crate::generations::outcome::WorkDir;
use crate::renders::bound_stack;
use crate::{Actor, App, AppError, AppResult};

/// The longest video the free check assumes a creator may post (TikTok's usual limit).
pub const ASSUMED_MAX_SECONDS: u64 = 600;

/// Checks one of the agent's videos against the gates, as if it were posted now.
pub async fn check(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    id: ContentResourceId,
) -> AppResult<GateReport> {
    crate::content_resources::get(app, actor, agent, id).await?;
    let mut conn = app.db.conn().await?;
    let resource = resources::find(&mut conn, agent, id)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("resource {id} vanished")))?;
    drop(conn);
    let dir = app
        .settings
        .work_dir
        .join(format!("check-{}-{}", id, uuid::Uuid::new_v4().simple()));
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|err| AppError::internal(anyhow::anyhow!("creating {}: {err}", dir.display())))?;
    let _cleanup = WorkDir(dir.clone());
    let location = app.storage.readable_location(&resource.storage_key).await?;
    let stack = rendered_stack(app, &resource).await?;
    let measured = measure(app, &location, &dir, stack).await;
    Ok(gates::check(&measured, ASSUMED_MAX_SECONDS))
}

/// Measures the video at `input` (a path or a URL ffmpeg reads), with what `stack`, the stack
/// it was rendered from when ace rendered it, says of its sound and text.
pub(crate) async fn measure(
    app: &App,
    input: &str,
    scratch: &Path,
    stack: Option<RenderedStack>,
) -> Measured {
    let probe = app.media.probe(input).await.ok();
    let loudness = match probe.as_ref().filter(|probe| probe.has_audio) {
        Some(_) => app.media.loudness(input, scratch).await.ok(),
        None => None,
    };
    let video = probe.as_ref().and_then(|probe| probe.video);
    Measured {
        container: probe.as_ref().and_then(|probe| probe.container.clone()),
        video_codec: probe.as_ref().and_then(|probe| probe.video_codec.clone()),
        width: video.map(|video| video.width),
        height: video.map(|video| video.height),
        duration_ms: probe.as_ref().and_then(|probe| probe.duration_ms),
        loudness_lufs: loudness.map(|l| l.integrated_lufs),
        peak_dbfs: loudness.map(|l| l.peak_dbfs),
        stack_has_sound: stack.as_ref().map(|stack| stack.has_sound),
        text: stack.map(|stack| stack.text),
    }
}

/// What the gates learn from the stack a video was rendered from: whether it has sound, and
/// where its text and captions sit.
#[derive(Clone, Debug)]
pub(crate) struct RenderedStack {
    pub has_sound: bool,
    pub text: TextPlacement,
}

/// For a video of the agent's own storage (by its key), the stack it was rendered from;
/// `None` when ace did not render it.
pub(crate) async fn rendered_stack_of_key(
    app: &App,
    agent: AgentId,
    key: &str,
) -> AppResult<Option<RenderedStack>> {
    let mut conn = app.db.conn().await?;
    let resource = resources::find_by_key(&mut conn, agent, key).await?;
    drop(conn);
    match resource {
        Some(resource) => rendered_stack(app, &resource).await,
        None => Ok(None),
    }
}

/// The video cell a video of the agent's own storage (by its key) was rendered from; `None`
/// when ace did not render it.
pub(crate) async fn rendered_cell_of_key(
    db: &mut dyn ace_db::Session,
    agent: AgentId,
    key: &str,
) -> AppResult<Option<CellId>> {
    match resources::find_by_key(db, agent, key).await? {
        Some(resource) => Ok(rendered_from(db, &resource).await?.map(|(_, cell)| cell)),
        None => Ok(None),
    }
}

/// The engine and video cell `resource` was rendered from, when a render made it.
async fn rendered_from(
    db: &mut dyn ace_db::Session,
    resource: &ResourceRecord,
) -> AppResult<Option<(SpreadsheetId, CellId)>> {
    let Some(job) = resource.user_job_id else {
        return Ok(None);
    };
    let Some(job) = user_jobs::find(db, UserJobId::new(job)).await? else {
        return Ok(None);
    };
    if job.user_job_type != JobKind::Render {
        return Ok(None);
    }
    let cell = job.data.0["video_cell_id"].as_i64().map(CellId::new);
    Ok(job.spreadsheet_id.map(SpreadsheetId::new).zip(cell))
}

/// The stack `resource` was rendered from, read as its render reads it now.
async fn rendered_stack(app: &App, resource: &ResourceRecord) -> AppResult<Option<RenderedStack>> {
    let mut conn = app.db.conn().await?;
    let Some((sheet, cell)) = rendered_from(&mut conn, resource).await? else {
        return Ok(None);
    };
    let Some((Ok(stack), _)) = bound_stack(&mut conn, resource.agent_id, sheet, cell).await? else {
        return Ok(None);
    };
    Ok(Some(RenderedStack {
        has_sound: stack
            .layers
            .iter()
            .any(|layer| layer.kind == LayerKind::Sound),
        text: text_placement(stack.canvas, &stack.layers),
    }))
}
