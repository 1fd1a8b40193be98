//! Measuring a video for the quality gates (`domain::publishing::gates`): ffprobe for the
//! container, codec, picture and length, ffmpeg's `ebur128` and `astats` for loudness and
//! peak, and, for a video ace rendered, whether its layer stack has sound. The publish job
//! runs them before anything is sent to TikTok; `check` runs them on any of the agent's videos,
//! free.

use std::path::Path;

use ace_db::content_resources::{self as resources, ResourceRecord};
use ace_db::sheets::layers;
use ace_db::user_jobs;
use ace_domain::generation::JobKind;
use ace_domain::ids::{AgentId, CellId, ContentResourceId, UserJobId};
use ace_domain::publishing::gates::{self, GateReport, Measured};
use ace_domain::sheet::layer::LayerKind;

use crate::generations::outcome::WorkDir;
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
    let sound = stack_has_sound(app, &resource).await?;
    let measured = measure(app, &location, &dir, sound).await;
    Ok(gates::check(&measured, ASSUMED_MAX_SECONDS))
}

/// Measures the video at `input` (a path or a URL ffmpeg reads); `stack_has_sound` comes
/// from the stack it was rendered from, when ace rendered it.
pub(crate) async fn measure(
    app: &App,
    input: &str,
    scratch: &Path,
    stack_has_sound: Option<bool>,
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
        stack_has_sound,
    }
}

/// For a video of the agent's own storage (by its key), whether the stack it was rendered
/// from has sound layers; `None` when ace did not render it.
pub(crate) async fn stack_has_sound_of_key(
    app: &App,
    agent: AgentId,
    key: &str,
) -> AppResult<Option<bool>> {
    let mut conn = app.db.conn().await?;
    let resource = resources::find_by_key(&mut conn, agent, key).await?;
    drop(conn);
    match resource {
        Some(resource) => stack_has_sound(app, &resource).await,
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
        Some(resource) => rendered_cell(db, &resource).await,
        None => Ok(None),
    }
}

/// The video cell `resource` was rendered from, when a render made it.
async fn rendered_cell(
    db: &mut dyn ace_db::Session,
    resource: &ResourceRecord,
) -> AppResult<Option<CellId>> {
    let Some(job) = resource.user_job_id else {
        return Ok(None);
    };
    let Some(job) = user_jobs::find(db, UserJobId::new(job)).await? else {
        return Ok(None);
    };
    if job.user_job_type != JobKind::Render {
        return Ok(None);
    }
    Ok(job.data.0["video_cell_id"].as_i64().map(CellId::new))
}

async fn stack_has_sound(app: &App, resource: &ResourceRecord) -> AppResult<Option<bool>> {
    let mut conn = app.db.conn().await?;
    let Some(cell) = rendered_cell(&mut conn, resource).await? else {
        return Ok(None);
    };
    let stack = layers::list_for_cell(&mut conn, cell).await?;
    Ok(Some(
        stack.iter().any(|layer| layer.kind == LayerKind::Sound),
    ))
}
