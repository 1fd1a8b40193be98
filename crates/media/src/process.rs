//! Running ffprobe and ffmpeg.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::process::Command;
use tokio::sync::Semaphore;

use crate::probe::Probe;

/// The most of stderr kept for an error message.
const STDERR_TAIL: usize = 2_000;

/// What went wrong running a media tool.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The tool is not installed (or not on the path given).
    #[error("{0} is not installed")]
    NotInstalled(&'static str),
    /// The tool ran and failed; `stderr` is the end of what it printed.
    #[error("{tool} failed ({status}): {stderr}")]
    Failed {
        tool: &'static str,
        status: String,
        stderr: String,
    },
    /// The tool ran past its time and was killed.
    #[error("{0} took too long and was stopped")]
    TimedOut(&'static str),
    /// The tool's output could not be read.
    #[error("could not read {tool}'s output: {detail}")]
    BadOutput { tool: &'static str, detail: String },
    #[error("could not run {tool}: {source}")]
    Spawn {
        tool: &'static str,
        source: std::io::Error,
    },
}

/// How loud a file's sound is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Loudness {
    /// Integrated loudness (EBU R128), in LUFS.
    pub integrated_lufs: f64,
    /// The loudest sample, in dBFS.
    pub peak_dbfs: f64,
}

/// The media tools, with their limits. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Tools {
    ffmpeg: String,
    ffprobe: String,
    permits: Arc<Semaphore>,
    timeout: Duration,
}

impl Default for Tools {
    /// `ffmpeg` and `ffprobe` from the path, one run per core at a time, two minutes each.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self::new("ffmpeg", "ffprobe", cores, Duration::from_secs(120))
    }
}

impl Tools {
    pub fn new(ffmpeg: &str, ffprobe: &str, concurrency: usize, timeout: Duration) -> Self {
        Self {
            ffmpeg: ffmpeg.to_owned(),
            ffprobe: ffprobe.to_owned(),
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            timeout,
        }
    }

    /// Reads a media file's streams and duration. `input` is a path or a URL.
    pub async fn probe(&self, input: &str) -> Result<Probe, MediaError> {
        let args = [
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            input,
        ];
        let output = self.run("ffprobe", &self.ffprobe, &args).await?;
        Probe::parse(&output).map_err(|detail| MediaError::BadOutput {
            tool: "ffprobe",
            detail,
        })
    }

    /// The first video frame as a JPEG at most `max_side` pixels wide and high.
    pub async fn first_frame_jpeg(&self, input: &str, max_side: u32) -> Result<Bytes, MediaError> {
        let scale = format!(
            "scale='if(gt(iw,ih),min({max_side},iw),-2)':'if(gt(iw,ih),-2,min({max_side},ih))'"
        );
        let args = [
            "-nostdin",
            "-v",
            "error",
            "-i",
            input,
            "-frames:v",
            "1",
            "-vf",
            &scale,
            "-q:v",
            "4",
            "-f",
            "image2",
            "-c:v",
            "mjpeg",
            "pipe:1",
        ];
        let jpeg = self.run("ffmpeg", &self.ffmpeg, &args).await?;
        if jpeg.is_empty() {
            return Err(MediaError::BadOutput {
                tool: "ffmpeg",
                detail: "no frame was decoded".into(),
            });
        }
        Ok(Bytes::from(jpeg))
    }

    /// The sound of `input` as mono samples (-1..1) at `rate` Hz: its first audio stream,
    /// mixed down and resampled. Fails when it has no audio stream.
    pub async fn mono_pcm(&self, input: &str, rate: u32) -> Result<Vec<f32>, MediaError> {
        let rate = rate.to_string();
        let args = [
            "-i", input, "-map", "0:a:0", "-ac", "1", "-ar", &rate, "-f", "f32le", "pipe:1",
        ];
        let bytes = self.ffmpeg(&args).await?;
        Ok(bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    /// How loud `input`'s first audio stream is: EBU R128 integrated loudness (ffmpeg's
    /// `ebur128`) and the sample peak (`astats`), read from the metadata each filter writes
    /// into files under `scratch`. Fails when it has no audio stream.
    pub async fn loudness(
        &self,
        input: &str,
        scratch: &std::path::Path,
    ) -> Result<Loudness, MediaError> {
        let integrated = scratch.join("loudness.txt");
        let peak = scratch.join("peak.txt");
        let graph = format!(
            "ebur128=metadata=1,ametadata=mode=print:key=lavfi.r128.I:file={},\
             astats=metadata=1:reset=0,ametadata=mode=print:key=lavfi.astats.Overall.Peak_level:file={}",
            filter_path(&integrated),
            filter_path(&peak)
        );
        let args = [
            "-i", input, "-map", "0:a:0", "-af", &graph, "-f", "null", "-",
        ];
        self.ffmpeg(&args).await?;
        let last = |path: &std::path::Path, key: &str| -> Result<f64, MediaError> {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            text.lines()
                .rev()
                .find_map(|line| {
                    line.strip_prefix(key)?
                        .strip_prefix('=')?
                        .trim()
                        .parse()
                        .ok()
                })
                .ok_or_else(|| MediaError::BadOutput {
                    tool: "ffmpeg",
                    detail: format!("no {key} was measured"),
                })
        };
        Ok(Loudness {
            integrated_lufs: last(&integrated, "lavfi.r128.I")?,
            peak_dbfs: last(&peak, "lavfi.astats.Overall.Peak_level")?,
        })
    }

    /// Runs ffmpeg with `args` (after `-nostdin -v error`) and returns what it wrote to
    /// stdout: for the generators that make media from scratch.
    pub async fn ffmpeg(&self, args: &[&str]) -> Result<Vec<u8>, MediaError> {
        let mut all = vec!["-nostdin", "-v", "error"];
        all.extend_from_slice(args);
        self.run("ffmpeg", &self.ffmpeg, &all).await
    }

    async fn run(
        &self,
        tool: &'static str,
        program: &str,
        args: &[&str],
    ) -> Result<Vec<u8>, MediaError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| MediaError::TimedOut(tool))?;
        let child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::NotFound => MediaError::NotInstalled(tool),
                _ => MediaError::Spawn { tool, source },
            })?;
        let output = tokio::time::timeout(self.timeout, child.wait_with_output())
            .await
            .map_err(|_| MediaError::TimedOut(tool))?
            .map_err(|source| MediaError::Spawn { tool, source })?;
        if output.status.success() {
            Ok(output.stdout)
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: String = stderr
                .chars()
                .rev()
                .take(STDERR_TAIL)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            tracing::debug!(tool, status = %output.status, stderr = %tail, "media tool failed");
            Err(MediaError::Failed {
                tool,
                status: output.status.to_string(),
                stderr: tail.trim().to_owned(),
            })
        }
    }
}

/// A path as a filter option: `\`, `:` and `'` escaped, as ffmpeg's filter syntax wants.
fn filter_path(path: &std::path::Path) -> String {
    path.to_string_lossy()
        .replace('\\', "\\\\")
        .replace(':', "\\:")
        .replace('\'', "\\'")
        .replace(',', "\\,")
}
