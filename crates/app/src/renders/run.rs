//! Running a render on a worker: read the row's video cell layers, bind them to the row's
//! cells (`source_column`, `{{names}}`), find and probe their media, compile the stack, run ffmpeg in the run's private directory with progress
//! recorded on the generation, and hand the MP4 to the generation's completion (a video
//! content resource with a first-frame thumbnail, shown by the final video cell). A stack
//! that cannot render fails with a reason that names the layer, and nothing is charged;
//! ffmpeg's own messages go to the logs only.

use std::time::{Duration, Instant};

use ace_db::user_jobs::{self as store, JobRecord};
use ace_domain::generation::pricing::RENDER_KEY;
use ace_domain::ids::{CellId, SpreadsheetId};
use ace_jobs::{Job, Outcome};
use ace_providers::Produced;
use ace_render::fonts::{DEFAULT_FAMILY, Fonts};
use ace_render::{Progress, RenderError, compile};
use serde_json::Value;
use tracing::{info, warn};

use super::{bound_stack, media};
use crate::automation::delivery::Routes;
use crate::generations::outcome::{Priced, WorkDir, fail, finish};
use crate::{App, AppError, AppResult};

/// How often progress is written to the generation.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// Runs the render of `record` (a processing generation).
pub(crate) async fn run(
    app: &App,
    job: &Job,
    record: &JobRecord,
    routes: Option<Routes>,
) -> AppResult<Outcome> {
    let dir = app
        .settings
        .work_dir
        .join(format!("render-{}-{}", record.id, job.attempt));
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|err| AppError::internal(anyhow::anyhow!("creating {}: {err}", dir.display())))?;
    let _cleanup = WorkDir(dir.clone());
    let plan = match plan(app, record, &dir).await? {
        Ok(plan) => plan,
        Err(reason) => {
            fail(app, record.id, &reason).await?;
            return Ok(Outcome::Done);
        }
    };
    for (layer, family) in &plan.substituted_fonts {
        warn!(generation = %record.id, layer = %layer, font = %family,
            "a layer's font is not installed; it renders in {DEFAULT_FAMILY}");
    }
    let output = dir.join("render.mp4");
    let started = Instant::now();
    let recorder = ProgressRecorder::new(app.clone(), record.id);
    let rendered = ace_render::render(
        &plan,
        &dir,
        &output,
        "ffmpeg",
        app.settings.render_timeout,
        |progress| recorder.heard(progress),
    )
    .await;
    recorder.stop();
    if let Err(err) = rendered {
        let reason = match &err {
            RenderError::TimedOut(limit) => {
                format!("The render took longer than {} s and was stopped.", limit.as_secs())
            }
            RenderError::NotInstalled => "ffmpeg is not installed on this ace server.".to_owned(),
            _ => "The render failed: ffmpeg could not process this stack (the server log has the details).".to_owned(),
        };
        warn!(generation = %record.id, error = %err, "a render failed");
        fail(app, record.id, &reason).await?;
        return Ok(Outcome::Done);
    }
    let mut conn = app.db.writer().await?;
    store::set_progress(&mut conn, record.id, 1.0).await?;
    drop(conn);
    info!(generation = %record.id, seconds = plan.duration_s(), took = ?started.elapsed(), "rendered");
    let usd = app
        .pricing
        .price(RENDER_KEY)
        .map(|price| price.usd * plan.duration_s());
    let produced = Produced {
        files: vec![output],
        provider: "ace".into(),
        model: "ffmpeg".into(),
        cost_usd: usd,
        result: Some(serde_json::json!({
            "duration_s": plan.duration_s(),
            "width": plan.canvas.width,
            "height": plan.canvas.height,
        })),
        ..Produced::default()
    };
    finish(app, record, routes, Priced::Render, produced, &[]).await?;
    Ok(Outcome::Done)
}

/// The compiled stack, or why it cannot render.
async fn plan(
    app: &App,
    record: &JobRecord,
    dir: &std::path::Path,
) -> AppResult<Result<ace_render::Plan, String>> {
    let video_cell = record
        .data
        .0
        .get("video_cell_id")
        .and_then(Value::as_i64)
        .map(CellId::new);
    let (Some(video_cell), Some(sheet)) = (video_cell, record.spreadsheet_id) else {
        return Ok(Err("This render names no video cell.".into()));
    };
    let mut conn = app.db.conn().await?;
    let bound = bound_stack(
        &mut conn,
        record.agent_id,
        SpreadsheetId::new(sheet),
        video_cell,
    )
    .await?;
    drop(conn);
    let Some((stack, left_out)) = bound else {
        return Ok(Err("The engine was deleted before the render ran.".into()));
    };
    if !left_out.is_empty() {
        info!(generation = %record.id, layers = ?left_out, "layers whose columns are empty are left out of the render");
    }
    let stack = match stack {
        Ok(stack) => stack,
        Err(err) => return Ok(Err(err.to_string())),
    };
    let probed = match media::probe_all(app, record.agent_id, &stack.layers, dir).await? {
        Ok(probed) => probed,
        Err(reason) => return Ok(Err(reason)),
    };
    Ok(compile(&stack, &probed, Fonts::installed()).map_err(|err| err.to_string()))
}

/// Writes a render's progress to its generation at most every [`PROGRESS_EVERY`], from a
/// task of its own so ffmpeg's output is never held up by the database.
struct ProgressRecorder {
    latest: tokio::sync::watch::Sender<f64>,
    task: tokio::task::JoinHandle<()>,
}

impl ProgressRecorder {
    fn new(app: App, id: ace_domain::ids::UserJobId) -> Self {
        let (latest, mut heard) = tokio::sync::watch::channel(0.0);
        let task = tokio::spawn(async move {
            while heard.changed().await.is_ok() {
                let progress = *heard.borrow_and_update();
                let written = async {
                    let mut conn = app.db.writer().await?;
                    let recorded = store::set_progress(&mut conn, id, progress).await?;
                    if recorded {
                        ace_db::notify::after_commit(
                            &mut conn,
                            crate::generations::events::CHANNEL,
                            &id.to_string(),
                        );
                    }
                    Ok::<_, ace_db::DbError>(())
                }
                .await;
                if let Err(err) = written {
                    warn!(generation = %id, error = %err, "could not record render progress");
                }
                app.generation_events.poke(id.get());
                tokio::time::sleep(PROGRESS_EVERY).await;
            }
        });
        Self { latest, task }
    }

    fn heard(&self, progress: Progress) {
        let _ = self.latest.send(progress.fraction());
    }

    fn stop(self) {
        self.task.abort();
    }
}
