//! `image_from_text` offline: a procedural picture, not a model's. Each image is a design
//! derived from the prompt ([`design`](super::design)): a gradient and soft shapes painted
//! here, and the prompt's key phrase set in type over it by ace's renderer. The output says
//! what it is (`model: procedural`), never a model's name.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ace_render::fonts::Fonts;
use ace_render::stack::LayerRecord;
use ace_render::{Canvas, Stack};
use futures::future::BoxFuture;
use image::{Rgb, RgbImage};
use serde_json::{Value, json};
use tracing::warn;

use super::design::{Design, design};
use crate::{Generator, Produced, ProviderError, Work};

/// The model name outputs record.
pub const MODEL: &str = "procedural";
/// The background is painted at this fraction of the canvas and scaled up (it is all soft).
const PAINT_SCALE: u32 = 4;
/// How long drawing one image may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The canvas of an image of `aspect_ratio` (9:16 when none is asked for).
pub fn canvas(aspect_ratio: Option<&str>) -> Canvas {
    let (width, height) = match aspect_ratio.unwrap_or("9:16") {
        "1:1" => (1024, 1024),
        "16:9" => (1920, 1080),
        "4:3" => (1440, 1080),
        "3:4" => (1080, 1440),
        _ => (1080, 1920),
    };
    Canvas { width, height }
}

/// Procedural images.
#[derive(Clone, Debug, Default)]
pub struct LocalImages;

impl LocalImages {
    /// Draws variant `variant` of `prompt` on `canvas` into `dir`; returns the PNG's path.
    pub async fn draw(
        &self,
        prompt: &str,
        canvas: Canvas,
        variant: u32,
        dir: &Path,
    ) -> Result<PathBuf, ProviderError> {
        let look = design(prompt, variant);
        let background = dir.join(format!("background-{variant}.png"));
        paint(&look, canvas)
            .save(&background)
            .map_err(|err| ProviderError::Transient(format!("Could not write the image: {err}")))?;
        let stack =
            Stack::read(canvas, &layers(&look, canvas, &background), true).map_err(|err| {
                warn!(error = %err, "a procedural design did not make a valid stack");
                ProviderError::Permanent("The image could not be drawn.".into())
            })?;
        let media = [
            Some(ace_render::Media {
                input: background.to_string_lossy().into_owned(),
                size: Some((canvas.width / PAINT_SCALE, canvas.height / PAINT_SCALE)),
                duration_s: None,
                has_audio: false,
            }),
            None,
            None,
        ];
        let media = &media[..stack.layers.len().min(media.len())];
        let plan = ace_render::compile(&stack, media, Fonts::installed())
            .map_err(|err| ProviderError::Permanent(err.to_string()))?;
        let work = dir.join(format!("draw-{variant}"));
        std::fs::create_dir_all(&work)
            .map_err(|err| ProviderError::Transient(format!("No room to work: {err}")))?;
        let out = dir.join(format!("image-{}.png", variant + 1));
        ace_render::render_still(&plan, &work, &out, "ffmpeg", TIMEOUT)
            .await
            .map_err(|err| {
                warn!(error = %err, "drawing a procedural image failed");
                ProviderError::Transient("The image could not be drawn.".into())
            })?;
        let _ = std::fs::remove_dir_all(&work);
        let _ = std::fs::remove_file(&background);
        Ok(out)
    }
}

/// The background: a vertical gradient with soft discs of colour, at 1/[`PAINT_SCALE`] size.
fn paint(look: &Design, canvas: Canvas) -> RgbImage {
    let (width, height) = (canvas.width / PAINT_SCALE, canvas.height / PAINT_SCALE);
    let longer = f64::from(width.max(height));
    RgbImage::from_fn(width, height, |x, y| {
        let along = f64::from(y) / f64::from(height.max(1));
        let mut color: [f64; 3] = std::array::from_fn(|c| mix(look.top[c], look.bottom[c], along));
        for blob in &look.blobs {
            let dx = f64::from(x) - blob.x * f64::from(width);
            let dy = f64::from(y) - blob.y * f64::from(height);
            let distance = (dx * dx + dy * dy).sqrt() / (blob.radius * longer);
            let weight = blob.strength * (-distance * distance * 2.0).exp();
            for (c, value) in color.iter_mut().enumerate() {
                *value += (f64::from(blob.color[c]) - *value) * weight;
            }
        }
        Rgb(color.map(|v| v.clamp(0.0, 255.0).round() as u8))
    })
}

fn mix(from: u8, to: u8, along: f64) -> f64 {
    f64::from(from) + (f64::from(to) - f64::from(from)) * along
}

/// The picture as a layer stack: the painted background, a band, the phrase.
fn layers(look: &Design, canvas: Canvas, background: &Path) -> Vec<LayerRecord> {
    let (width, height) = (f64::from(canvas.width), f64::from(canvas.height));
    let font_size = (width.min(height) * 0.085).round();
    let band_height = (font_size * 3.4).round();
    let band_top = (height * look.phrase_at - band_height / 2.0).round();
    let band = format!(
        "rgba({},{},{},0.55)",
        look.band[0], look.band[1], look.band[2]
    );
    let mut records = vec![json!({
        "name": "Background", "type": "image", "position": 0,
        "additional_attributes": {
            "src": background.to_string_lossy(), "from": 0, "durationInFrames": 1,
            "left": 0, "top": 0, "width": canvas.width, "height": canvas.height, "objectFit": "fill"
        }
    })];
    if !look.phrase.is_empty() {
        records.push(json!({
            "name": "Band", "type": "shape", "position": 1,
            "additional_attributes": {
                "from": 0, "durationInFrames": 1, "left": (width * 0.06).round(), "top": band_top,
                "width": (width * 0.88).round(), "height": band_height,
                "styles": { "fill": band, "borderRadius": (font_size * 0.6).round() }
            }
        }));
        records.push(json!({
            "name": "Phrase", "type": "text", "position": 2,
            "additional_attributes": {
                "content": look.phrase, "from": 0, "durationInFrames": 1,
                "left": (width * 0.1).round(), "top": (band_top + band_height * 0.18).round(),
                "width": (width * 0.8).round(),
                "styles": { "fontSize": format!("{font_size}px"), "fontWeight": "700", "color": "#ffffff", "textAlign": "center" }
            }
        }));
    }
    records
        .into_iter()
        .filter_map(|record| serde_json::from_value(record).ok())
        .collect()
}

impl Generator for LocalImages {
    fn name(&self) -> &str {
        "local"
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let prompt = work
                .data
                .get("prompt")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let canvas = canvas(work.request.aspect_ratio.as_deref());
            let dir = work.room().await?;
            let mut files = Vec::with_capacity(work.request.images as usize);
            for variant in 0..work.request.images.max(1) {
                files.push(self.draw(prompt, canvas, variant, dir).await?);
            }
            Ok(Produced {
                result: Some(json!({
                    "renderer": "procedural",
                    "note": "Drawn by ace from the prompt (palette, shapes and its key phrase); no image model ran.",
                    "key_phrase": design(prompt, 0).phrase,
                })),
                files,
                provider: "local".into(),
                model: MODEL.into(),
                ..Produced::default()
            })
        })
    }
}
