//! `image_from_text` through an OpenAI-compatible image API: `POST {base}/images/generations`
//! with `n` (the card's `number_of_images`) and a `size` for the aspect ratio. Images come back
//! inline (`b64_json`) or as links ace downloads. A provider's sizes are not always the exact
//! ratio (1536×1024 for 16:9), so each image is cropped to the asked ratio around its centre
//! and saved as a PNG. The cost is `n` × the configured `per_image` price.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use futures::future::BoxFuture;
use image::{DynamicImage, ImageFormat};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use tracing::warn;

use super::config::{ApiKey, Price};
use super::http::{Service, generation_error};
use crate::{Generator, Produced, ProviderError, Work};

/// The largest image downloaded.
const MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;

/// The `size` asked for each aspect ratio unless configured: the sizes of OpenAI's
/// `gpt-image-1` (the nearest one for ratios it has no size of).
const DEFAULT_SIZES: &[(&str, &str)] = &[
    ("1:1", "1024x1024"),
    ("16:9", "1536x1024"),
    ("4:3", "1536x1024"),
    ("9:16", "1024x1536"),
    ("3:4", "1024x1536"),
];

/// Images from an image-generation model.
#[derive(Debug)]
pub struct GeneratedImages {
    pub service: Arc<Service>,
    pub key: Option<ApiKey>,
    /// The provider's model id, such as `gpt-image-1`.
    pub model: String,
    /// Sizes by aspect ratio, over [`DEFAULT_SIZES`].
    pub sizes: BTreeMap<String, String>,
    pub price: Option<Price>,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    data: Vec<Picture>,
}

#[derive(Deserialize)]
struct Picture {
    b64_json: Option<String>,
    url: Option<String>,
}

impl GeneratedImages {
    fn size(&self, aspect_ratio: &str) -> String {
        self.sizes
            .get(aspect_ratio)
            .map(String::as_str)
            .or_else(|| {
                DEFAULT_SIZES
                    .iter()
                    .find(|(ratio, _)| *ratio == aspect_ratio)
                    .map(|(_, size)| *size)
            })
            .unwrap_or("1024x1024")
            .to_owned()
    }

    /// The bytes of one picture of the answer.
    async fn picture(
        &self,
        picture: &Picture,
        dir: &Path,
        index: usize,
    ) -> Result<Vec<u8>, ProviderError> {
        if let Some(encoded) = &picture.b64_json {
            return base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .map_err(|_| {
                    self.service
                        .bad_answer("an image was not valid base64")
                        .into()
                });
        }
        let Some(url) = &picture.url else {
            return Err(self
                .service
                .bad_answer("an image had neither b64_json nor url")
                .into());
        };
        let path = dir.join(format!("download-{index}"));
        if let Err(err) = self
            .service
            .download(url, self.key.as_ref(), &path, MAX_IMAGE_BYTES)
            .await
        {
            return Err(generation_error(err).await);
        }
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|err| ProviderError::Transient(format!("Could not read an image: {err}")))?;
        let _ = tokio::fs::remove_file(&path).await;
        Ok(bytes)
    }
}

/// `picture` cut to `ratio` (width:height) around its centre.
fn cropped(picture: DynamicImage, ratio: (u32, u32)) -> DynamicImage {
    let (width, height) = (picture.width(), picture.height());
    let wanted_width = (u64::from(height) * u64::from(ratio.0) / u64::from(ratio.1)) as u32;
    if wanted_width < width {
        return picture.crop_imm((width - wanted_width) / 2, 0, wanted_width, height);
    }
    let wanted_height = (u64::from(width) * u64::from(ratio.1) / u64::from(ratio.0)) as u32;
    if wanted_height < height {
        return picture.crop_imm(0, (height - wanted_height) / 2, width, wanted_height);
    }
    picture
}

fn ratio_of(aspect_ratio: &str) -> (u32, u32) {
    aspect_ratio
        .split_once(':')
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .filter(|(w, h): &(u32, u32)| *w > 0 && *h > 0)
        .unwrap_or((9, 16))
}

/// Decodes `bytes`, crops them to `aspect_ratio` and writes a PNG at `out`.
fn save_png(bytes: &[u8], aspect_ratio: &str, out: &Path) -> Result<(), String> {
    let picture = image::load_from_memory(bytes).map_err(|err| err.to_string())?;
    let picture = cropped(picture, ratio_of(aspect_ratio));
    let mut encoded = Cursor::new(Vec::new());
    picture
        .write_to(&mut encoded, ImageFormat::Png)
        .map_err(|err| err.to_string())?;
    std::fs::write(out, encoded.into_inner()).map_err(|err| err.to_string())
}

impl Generator for GeneratedImages {
    fn name(&self) -> &str {
        self.service.provider()
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let prompt = work.prompt()?;
            let aspect_ratio = work.request.aspect_ratio.as_deref().unwrap_or("9:16");
            let count = work.request.images.max(1);
            let mut body = json!({
                "model": self.model,
                "prompt": prompt,
                "n": count,
                "size": self.size(aspect_ratio),
            });
            // gpt-image models always answer inline and refuse the parameter.
            if !self.model.starts_with("gpt-image") {
                body["response_format"] = json!("b64_json");
            }
            let key = self.key.as_ref();
            let request = self
                .service
                .request(Method::POST, "images/generations", key)
                .json(&body);
            let answer: Answer = match self.service.json(request, key).await {
                Ok(answer) => answer,
                Err(err) => return Err(generation_error(err).await),
            };
            if answer.data.is_empty() {
                return Err(self.service.bad_answer("it sent no images").into());
            }
            let dir = work.room().await?;
            let mut files: Vec<PathBuf> = Vec::with_capacity(answer.data.len());
            for (index, picture) in answer.data.iter().take(count as usize).enumerate() {
                let bytes = self.picture(picture, dir, index).await?;
                let out = dir.join(format!("image-{}.png", index + 1));
                let ratio = aspect_ratio.to_owned();
                let path = out.clone();
                tokio::task::spawn_blocking(move || save_png(&bytes, &ratio, &path))
                    .await
                    .map_err(|err| ProviderError::Transient(format!("Could not save an image: {err}")))?
                    .map_err(|err| {
                        warn!(provider = %self.service.provider(), error = %err, "a provider's image did not decode");
                        ProviderError::from(self.service.bad_answer("an image did not decode"))
                    })?;
                files.push(out);
            }
            let cost_usd = self
                .price
                .and_then(|price| price.per_image)
                .map(|per_image| per_image * files.len() as f64);
            Ok(Produced {
                files,
                provider: self.service.provider().to_owned(),
                model: self.model.clone(),
                cost_usd,
                ..Produced::default()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crops_keep_the_centre_at_the_asked_ratio() {
        let picture = DynamicImage::new_rgb8(1536, 1024);
        let cut = cropped(picture, (16, 9));
        assert_eq!((cut.width(), cut.height()), (1536, 864));
        let cut = cropped(DynamicImage::new_rgb8(1024, 1536), (9, 16));
        assert_eq!((cut.width(), cut.height()), (864, 1536));
        let cut = cropped(DynamicImage::new_rgb8(1024, 1024), (1, 1));
        assert_eq!((cut.width(), cut.height()), (1024, 1024));
    }
}
