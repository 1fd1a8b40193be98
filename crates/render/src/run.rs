//! Running a plan: one ffmpeg process in the plan's directory, its `-progress` output read
//! as it goes, killed if the future is dropped or the time is up. ffmpeg's own messages are
//! kept for the logs only; callers show clients a plain reason.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;

use crate::compile::Plan;

/// How far a render has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub frames_done: u64,
    pub frames: u64,
}

impl Progress {
    /// From 0 to 1.
    pub fn fraction(self) -> f64 {
        if self.frames == 0 {
            return 0.0;
        }
        (self.frames_done as f64 / self.frames as f64).clamp(0.0, 1.0)
    }
}

/// Why a render failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("ffmpeg is not installed")]
    NotInstalled,
    /// ffmpeg failed; `stderr` is the end of what it said (for logs, not for clients).
    #[error("ffmpeg failed ({status}): {stderr}")]
    Failed { status: String, stderr: String },
    #[error("the render took longer than {0:?} and was stopped")]
    TimedOut(Duration),
    #[error("could not prepare or run the render: {0}")]
    Io(#[from] std::io::Error),
}

/// The most of ffmpeg's stderr kept.
const STDERR_TAIL: usize = 4_000;

/// Renders `plan` into `output`, writing its files into `dir` first. `progress` hears each
/// update ffmpeg reports (about twice a second).
pub async fn render(
    plan: &Plan,
    dir: &Path,
    output: &Path,
    ffmpeg: &str,
    timeout: Duration,
    progress: impl FnMut(Progress) + Send,
) -> Result<(), RenderError> {
    run_plan(plan, dir, plan.arguments(output), ffmpeg, timeout, progress).await
}

/// Renders the first frame of `plan` as a still image at `output` (its extension picks the
/// format, such as `.png`).
pub async fn render_still(
    plan: &Plan,
    dir: &Path,
    output: &Path,
    ffmpeg: &str,
    timeout: Duration,
) -> Result<(), RenderError> {
    run_plan(
        plan,
        dir,
        plan.still_arguments(output),
        ffmpeg,
        timeout,
        |_| {},
    )
    .await
}

async fn run_plan(
    plan: &Plan,
    dir: &Path,
    arguments: Vec<String>,
    ffmpeg: &str,
    timeout: Duration,
    mut progress: impl FnMut(Progress) + Send,
) -> Result<(), RenderError> {
    plan.write_files(dir)?;
    let mut child = Command::new(ffmpeg)
        .args(arguments)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => RenderError::NotInstalled,
            _ => RenderError::Io(err),
        })?;
    let stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let frames = plan.frames;
    let watch = async {
        let mut lines = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(done) = line
                .strip_prefix("frame=")
                .and_then(|n| n.trim().parse().ok())
            {
                progress(Progress {
                    frames_done: done,
                    frames,
                });
            }
        }
    };
    let errors = async {
        let mut text = Vec::new();
        let _ = stderr.read_to_end(&mut text).await;
        text
    };
    let run = async {
        let ((), text) = tokio::join!(watch, errors);
        let status = child.wait().await?;
        Ok::<_, std::io::Error>((status, text))
    };
    let (status, text) = tokio::time::timeout(timeout, run)
        .await
        .map_err(|_| RenderError::TimedOut(timeout))??;
    if status.success() {
        return Ok(());
    }
    let text = String::from_utf8_lossy(&text);
    let start = text.len().saturating_sub(STDERR_TAIL);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    Err(RenderError::Failed {
        status: status.to_string(),
        stderr: text[start..].trim().to_owned(),
    })
}
