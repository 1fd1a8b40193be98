//! `lipsync` through a sync-style API: one request, one answer. The wire contract:
//!
//! - `POST {base}/{path}` (`lipsync` by default) as `multipart/form-data` with the fields
//!   `model` (the provider's model id), `video` (the card's video file) and `audio` (its audio
//!   file);
//! - the answer is the MP4 itself (`Content-Type: video/*` or `application/octet-stream`), or
//!   JSON `{output_url | video_url, cost}` whose link ace downloads.
//!
//! The cost is the answer's `cost` (US dollars), else the video's length at the configured
//! `per_second` price.

use std::sync::Arc;

use ace_domain::generation::MediaKind;
use futures::future::BoxFuture;
use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use reqwest::multipart::{Form, Part};
use serde::Deserialize;

use super::config::{ApiKey, LipsyncSettings, Price};
use super::http::{Service, generation_error};
use super::inputs;
use super::made_video::{MAX_VIDEO_BYTES, produced, video_cost, video_seconds};
use crate::{Generator, Input, Produced, ProviderError, Work};

/// Lipsynced videos from a sync-style API.
#[derive(Debug)]
pub struct SyncedLips {
    pub service: Arc<Service>,
    pub key: Option<ApiKey>,
    pub model: String,
    pub settings: LipsyncSettings,
    pub price: Option<Price>,
    pub tools: ace_media::Tools,
}

#[derive(Deserialize)]
struct Answer {
    output_url: Option<String>,
    video_url: Option<String>,
    cost: Option<f64>,
}

impl SyncedLips {
    async fn part(&self, work: &Work, kind: MediaKind) -> Result<Part, ProviderError> {
        let input: &Input = work
            .inputs
            .iter()
            .find(|input| input.kind == kind)
            .ok_or_else(|| {
                ProviderError::Permanent(format!("The card names no {} resource.", kind.as_str()))
            })?;
        let bytes = inputs::bytes(&self.service, input).await?;
        let name = inputs::file_name(input);
        Part::bytes(bytes)
            .file_name(name.clone())
            .mime_str(inputs::media_type(&name))
            .map_err(|err| ProviderError::Permanent(format!("Could not send {name}: {err}")))
    }
}

impl Generator for SyncedLips {
    fn name(&self) -> &str {
        self.service.provider()
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let provider = self.service.provider();
            let key = self.key.as_ref();
            let form = Form::new()
                .text("model", self.model.clone())
                .part("video", self.part(work, MediaKind::Video).await?)
                .part("audio", self.part(work, MediaKind::Audio).await?);
            let request = self
                .service
                .request(Method::POST, &self.settings.path, key)
                .multipart(form);
            let response = match self.service.send(request, key).await {
                Ok(response) => response,
                Err(err) => return Err(generation_error(err).await),
            };
            let dir = work.room().await?;
            let out = dir.join("lipsync.mp4");
            let is_json = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.starts_with("application/json"));
            let read = if is_json {
                async {
                    let bytes = self.service.read_capped(response, 1024 * 1024).await?;
                    let answer: Answer = serde_json::from_slice(&bytes)
                        .map_err(|_| self.service.bad_answer("its JSON did not match the API"))?;
                    let url = answer
                        .output_url
                        .or(answer.video_url)
                        .ok_or_else(|| self.service.bad_answer("it sent no output link"))?;
                    self.service
                        .download(&url, key, &out, MAX_VIDEO_BYTES)
                        .await?;
                    Ok(answer.cost)
                }
                .await
            } else {
                async {
                    let bytes = self.service.read_capped(response, MAX_VIDEO_BYTES).await?;
                    tokio::fs::write(&out, bytes)
                        .await
                        .map_err(|_| self.service.bad_answer("its video could not be saved"))?;
                    Ok(None)
                }
                .await
            };
            let reported_cost = match read {
                Ok(cost) => cost,
                Err(err) => return Err(generation_error(err).await),
            };
            let seconds = video_seconds(&self.tools, provider, &out).await?;
            let cost = video_cost(reported_cost, self.price, seconds);
            Ok(produced(provider, &self.model, out, seconds, cost))
        })
    }
}
