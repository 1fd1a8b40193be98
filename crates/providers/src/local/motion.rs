//! The three video cards offline: real MP4s made by moving stills and clips with ffmpeg, not
//! by a video model. A still gets a slow pan and zoom (Ken Burns), clips are cut to their
//! share, and consecutive pieces crossfade. `video_from_text` first draws its still with the
//! procedural image renderer. Outputs say what they are (`model: motion`).

use std::path::{Path, PathBuf};

use ace_domain::generation::MediaKind;
use ace_domain::sheet::card::GenerationType;
use futures::future::BoxFuture;
use serde_json::{Value, json};
use tracing::warn;

use super::design::design;
use super::image::{LocalImages, canvas as image_canvas};
use crate::{Generator, Produced, ProviderError, Work};

/// The model name outputs record.
pub const MODEL: &str = "motion";
const FPS: u32 = 30;
/// How long consecutive pieces crossfade, in seconds (less for short pieces).
const CROSSFADE: f64 = 0.8;
/// Stills are scaled up this much before moving over them, so the motion is smooth.
const OVERSAMPLE: f64 = 1.5;

/// The size of a generated video of `aspect_ratio` (9:16 when none is asked for).
pub fn canvas(aspect_ratio: Option<&str>) -> (u32, u32) {
    match aspect_ratio.unwrap_or("9:16") {
        "16:9" => (1280, 720),
        "1:1" => (960, 960),
        _ => (720, 1280),
    }
}

/// One piece of the video.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// A still, moved over.
    Still(String),
    /// A clip, from its start (looped if too short).
    Clip(String),
}

/// A camera move over a still: zoom and centre (fractions) at the start and at the end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Move {
    pub zoom: (f64, f64),
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Move {
    /// The move for piece `index` of a video seeded by `seed`: in or out, drifting one way.
    pub fn nth(seed: u64, index: usize) -> Move {
        let pick = seed.rotate_left((index as u32 * 7) % 64);
        let zoom_in = pick & 1 == 0;
        let drift = |bits: u64| match bits % 3 {
            0 => (0.35, 0.65),
            1 => (0.65, 0.35),
            _ => (0.5, 0.5),
        };
        Move {
            zoom: if zoom_in { (1.0, 1.18) } else { (1.18, 1.0) },
            x: drift(pick >> 1),
            y: drift(pick >> 3),
        }
    }
}

/// The ffmpeg arguments (after `-nostdin -v error`) that make a `seconds`-long video of
/// `size` from `pieces`, written to `output`.
pub fn arguments(
    pieces: &[Piece],
    size: (u32, u32),
    seconds: f64,
    seed: u64,
    output: &Path,
) -> Vec<String> {
    let (width, height) = size;
    let count = pieces.len().max(1);
    let fade = if count > 1 {
        CROSSFADE.min(seconds / count as f64 / 3.0)
    } else {
        0.0
    };
    let each = (seconds + fade * (count - 1) as f64) / count as f64;
    let frames = (each * f64::from(FPS)).round() as u64;
    let mut args: Vec<String> = vec!["-y".into()];
    let mut graph = Vec::new();
    for (index, piece) in pieces.iter().enumerate() {
        let label = format!("p{index}");
        match piece {
            Piece::Still(input) => {
                args.extend(["-loop", "1", "-framerate", "30", "-t"].map(String::from));
                args.push(format!("{each:.3}"));
                args.extend(["-i".into(), input.clone()]);
                let (big_w, big_h) = (
                    even(f64::from(width) * OVERSAMPLE),
                    even(f64::from(height) * OVERSAMPLE),
                );
                let motion = Move::nth(seed, index);
                let along = format!("on/{}", frames.max(2) - 1);
                let lerp = |(from, to): (f64, f64)| format!("({from}+({to}-{from})*{along})");
                graph.push(format!(
                    "[{index}:v]scale={big_w}:{big_h}:force_original_aspect_ratio=increase,crop={big_w}:{big_h},setsar=1,\
                     zoompan=z='{zoom}':x='(iw-iw/zoom)*{x}':y='(ih-ih/zoom)*{y}':d=1:s={width}x{height}:fps={FPS},\
                     trim=end_frame={frames},setpts=PTS-STARTPTS,format=yuv420p[{label}]",
                    zoom = lerp(motion.zoom),
                    x = lerp(motion.x),
                    y = lerp(motion.y),
                ));
            }
            Piece::Clip(input) => {
                args.extend(["-stream_loop", "-1", "-t"].map(String::from));
                args.push(format!("{each:.3}"));
                args.extend(["-i".into(), input.clone()]);
                graph.push(format!(
                    "[{index}:v]scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},setsar=1,\
                     fps={FPS},trim=end_frame={frames},setpts=PTS-STARTPTS,format=yuv420p[{label}]"
                ));
            }
        }
    }
    let mut joined = "p0".to_owned();
    for index in 1..count {
        let offset = index as f64 * (each - fade);
        let next = format!("x{index}");
        graph.push(format!(
            "[{joined}][p{index}]xfade=transition=fade:duration={fade:.3}:offset={offset:.3}[{next}]"
        ));
        joined = next;
    }
    graph.push(format!("[{joined}]null[vout]"));
    args.extend(["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo"].map(String::from));
    let silence = pieces.len();
    args.extend(["-filter_complex".into(), graph.join(";")]);
    args.extend([
        "-map".into(),
        "[vout]".into(),
        "-map".into(),
        format!("{silence}:a"),
    ]);
    args.extend(ace_render::compile::H264_AAC.map(String::from));
    args.extend(["-b:a", "64k", "-movflags", "+faststart", "-t"].map(String::from));
    args.push(format!("{seconds:.3}"));
    args.push(output.to_string_lossy().into_owned());
    args
}

fn even(value: f64) -> u32 {
    ((value / 2.0).round() as u32) * 2
}

/// Videos made by motion.
#[derive(Clone, Debug)]
pub struct LocalVideo {
    tools: ace_media::Tools,
}

impl LocalVideo {
    pub fn new(tools: ace_media::Tools) -> Self {
        Self { tools }
    }

    async fn pieces(&self, work: &Work, dir: &Path) -> Result<Vec<Piece>, ProviderError> {
        if work.kind == GenerationType::VideoFromText {
            let prompt = work
                .data
                .get("prompt")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let still = LocalImages
                .draw(
                    prompt,
                    image_canvas(work.request.aspect_ratio.as_deref()),
                    0,
                    dir,
                )
                .await?;
            return Ok(vec![Piece::Still(still.to_string_lossy().into_owned())]);
        }
        let pieces: Vec<Piece> = work
            .inputs
            .iter()
            .map(|input| match input.kind {
                MediaKind::Video => Piece::Clip(input.location.clone()),
                _ => Piece::Still(input.location.clone()),
            })
            .collect();
        if pieces.is_empty() {
            return Err(ProviderError::Permanent(
                "The card names no image or clip to move.".into(),
            ));
        }
        Ok(pieces)
    }
}

impl Generator for LocalVideo {
    fn name(&self) -> &str {
        "local"
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let dir = work.room().await?;
            let pieces = self.pieces(work, dir).await?;
            let seconds = f64::from(
                work.request
                    .duration_seconds
                    .unwrap_or(ace_domain::generation::request::DEFAULT_DURATION_SECONDS),
            );
            let size = canvas(work.request.aspect_ratio.as_deref());
            let prompt = work
                .data
                .get("prompt")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let seed = seed_of(prompt, &pieces);
            let output: PathBuf = dir.join("video.mp4");
            let args = arguments(&pieces, size, seconds, seed, &output);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            self.tools.ffmpeg(&args).await.map_err(|err| {
                warn!(error = %err, "a motion video failed");
                ProviderError::Permanent("The video could not be made from these inputs (is every one a readable image or clip?).".into())
            })?;
            Ok(Produced {
                result: Some(json!({
                    "renderer": MODEL,
                    "note": "Made by ace with pan, zoom and crossfades over the inputs; no video model ran.",
                    "duration": seconds,
                })),
                files: vec![output],
                provider: "local".into(),
                model: MODEL.into(),
                ..Produced::default()
            })
        })
    }
}

/// The seed of a video's camera moves: from its prompt and its pieces.
fn seed_of(prompt: &str, pieces: &[Piece]) -> u64 {
    let key = format!("{prompt}|{}", pieces.len());
    let look = design(&key, 0);
    u64::from_le_bytes([
        look.top[0],
        look.top[1],
        look.top[2],
        look.bottom[0],
        look.bottom[1],
        look.bottom[2],
        0,
        0,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_share_the_length_with_their_crossfades() {
        let pieces = [Piece::Still("a.png".into()), Piece::Clip("b.mp4".into())];
        let args = arguments(&pieces, (720, 1280), 5.0, 7, Path::new("out.mp4"));
        let graph = &args[args.iter().position(|a| a == "-filter_complex").unwrap() + 1];
        // Two pieces of (5 + 0.8) / 2 = 2.9 s, the second starting to fade in at 2.1 s.
        assert!(
            graph.contains("xfade=transition=fade:duration=0.800:offset=2.100"),
            "{graph}"
        );
        assert!(graph.contains("trim=end_frame=87"), "{graph}");
        assert_eq!(args.iter().filter(|a| a.as_str() == "2.900").count(), 2);
        assert_eq!(&args[args.len() - 2..], ["5.000", "out.mp4"]);
    }

    #[test]
    fn moves_differ_by_piece_and_always_zoom() {
        let first = Move::nth(42, 0);
        assert!(first.zoom.0 != first.zoom.1);
        assert!((0..6).map(|i| Move::nth(42, i)).any(|m| m != first));
    }
}
