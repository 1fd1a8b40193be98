//! `video_from_text`, `video_from_image` and `video_from_ingredients` through a queue-style
//! video API: submit, poll until done, download. The wire contract (paths configurable):
//!
//! - `POST {base}/{submit_path}` with `{model, prompt, negative_prompt?, image?, image_tail?,
//!   ingredients?, duration, aspect_ratio}` (images and clips as links, or `data:` URLs for
//!   files ace keeps on disk) → `{id}` (or `request_id`);
//! - `GET {base}/{status_path}` (`{id}` substituted) → `{status, output_url | video_url |
//!   output, error, cost}`, `status` one of `queued`, `running`, `succeeded` or `failed` (and
//!   the usual synonyms: `pending`, `processing`, `completed`, `canceled`, ...);
//! - when done, the MP4 at the output link is downloaded (with the key only if the link is the
//!   provider's own address);
//! - `POST {base}/{cancel_path}`, if configured, when the generation is stopped.
//!
//! Status checks start `poll_initial_ms` apart and double up to `poll_max_ms`; a video not
//! done after `max_wait_secs` fails. Dropping the future stops polling and calls the cancel
//! path, best effort. The cost is the status's `cost` (US dollars), else the video's length
//! at the configured `per_second` price.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ace_domain::sheet::card::GenerationType;
use futures::future::BoxFuture;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tracing::{info, warn};

use super::config::{ApiKey, Price, VideoQueueSettings};
use super::http::{Service, generation_error};
use super::inputs;
use super::made_video::{MAX_VIDEO_BYTES, produced, video_cost, video_seconds};
use crate::{Generator, Produced, ProviderError, Work};

/// Videos from a queue-style API.
#[derive(Debug)]
pub struct QueuedVideo {
    pub service: Arc<Service>,
    pub key: Option<ApiKey>,
    /// The provider's model id.
    pub model: String,
    pub settings: VideoQueueSettings,
    pub price: Option<Price>,
    pub tools: ace_media::Tools,
}

#[derive(Deserialize)]
struct Submitted {
    id: Option<Value>,
    request_id: Option<Value>,
}

#[derive(Deserialize)]
struct Status {
    status: Option<String>,
    output_url: Option<String>,
    video_url: Option<String>,
    output: Option<Value>,
    error: Option<Value>,
    cost: Option<f64>,
}

/// Where a queued video is.
enum Stage {
    Waiting,
    Done { url: String, cost: Option<f64> },
    Failed(String),
}

impl Status {
    fn stage(&self) -> Result<Stage, &'static str> {
        let status = self.status.as_deref().unwrap_or("").to_ascii_lowercase();
        match status.as_str() {
            "queued" | "pending" | "in_queue" | "submitted" | "starting" | "running"
            | "processing" | "in_progress" => Ok(Stage::Waiting),
            "succeeded" | "completed" | "success" | "done" => {
                let url = self
                    .output_url
                    .clone()
                    .or_else(|| self.video_url.clone())
                    .or_else(|| match &self.output {
                        Some(Value::String(url)) => Some(url.clone()),
                        Some(Value::Array(urls)) => {
                            urls.first().and_then(Value::as_str).map(str::to_owned)
                        }
                        _ => None,
                    })
                    .ok_or("it finished without an output link")?;
                Ok(Stage::Done {
                    url,
                    cost: self.cost,
                })
            }
            "failed" | "error" | "canceled" | "cancelled" => {
                let reason = match &self.error {
                    Some(Value::String(reason)) => reason.clone(),
                    Some(Value::Object(error)) => error
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    _ => String::new(),
                };
                Ok(Stage::Failed(reason.chars().take(300).collect()))
            }
            _ => Err("its status is not one ace knows"),
        }
    }
}

/// Cancels the provider's job when dropped before [`Cancel::disarm`]: a stopped generation
/// (or one ace gave up waiting for) stops paying.
struct Cancel {
    service: Arc<Service>,
    key: Option<ApiKey>,
    path: Option<String>,
}

impl Cancel {
    fn disarm(&mut self) {
        self.path = None;
    }
}

impl Drop for Cancel {
    fn drop(&mut self) {
        let Some(path) = self.path.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (service, key) = (Arc::clone(&self.service), self.key.take());
        runtime.spawn(async move {
            let request = service.request(Method::POST, &path, key.as_ref());
            match service.send(request, key.as_ref()).await {
                Ok(_) => info!(provider = %service.provider(), "asked the provider to cancel a video ace stopped waiting for"),
                Err(err) => warn!(provider = %service.provider(), error = %err, "could not cancel a video ace stopped waiting for"),
            }
        });
    }
}

impl QueuedVideo {
    async fn body(&self, work: &Work) -> Result<Value, ProviderError> {
        let mut body = Map::new();
        body.insert("model".into(), json!(self.model));
        for field in ["prompt", "negative_prompt"] {
            let text = work.text(field);
            if !text.trim().is_empty() {
                body.insert(field.into(), json!(text));
            }
        }
        match work.kind {
            GenerationType::VideoFromImage => {
                for input in &work.inputs {
                    let name = if input.field.ends_with("image_tail_resource_id") {
                        "image_tail"
                    } else {
                        "image"
                    };
                    body.insert(name.into(), json!(inputs::reference(input).await?));
                }
            }
            GenerationType::VideoFromIngredients => {
                let mut ingredients = Vec::with_capacity(work.inputs.len());
                for input in &work.inputs {
                    ingredients.push(json!(inputs::reference(input).await?));
                }
                body.insert("ingredients".into(), Value::Array(ingredients));
            }
            _ => {}
        }
        body.insert(
            "duration".into(),
            json!(
                work.request
                    .duration_seconds
                    .unwrap_or(ace_domain::generation::request::DEFAULT_DURATION_SECONDS)
            ),
        );
        body.insert(
            "aspect_ratio".into(),
            json!(work.request.aspect_ratio.as_deref().unwrap_or("9:16")),
        );
        Ok(Value::Object(body))
    }

    /// Polls until the video is done; returns its link and reported cost.
    async fn wait(&self, status_path: &str) -> Result<(String, Option<f64>), ProviderError> {
        let provider = self.service.provider();
        let started = Instant::now();
        let limit = Duration::from_secs(self.settings.max_wait_secs.max(1));
        let mut pause = Duration::from_millis(self.settings.poll_initial_ms.max(10));
        let longest = Duration::from_millis(self.settings.poll_max_ms.max(10));
        let key = self.key.as_ref();
        loop {
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(longest);
            let request = self.service.request(Method::GET, status_path, key);
            let status: Status = match self.service.json(request, key).await {
                Ok(status) => status,
                Err(err) if err.is_transient() && started.elapsed() < limit => {
                    warn!(provider, error = %err, "a video status check failed; checking again");
                    continue;
                }
                Err(err) => return Err(generation_error(err).await),
            };
            match status
                .stage()
                .map_err(|detail| self.service.bad_answer(detail))?
            {
                Stage::Waiting if started.elapsed() >= limit => {
                    return Err(ProviderError::Permanent(format!(
                        "{provider} did not finish the video within {} minutes.",
                        limit.as_secs() / 60
                    )));
                }
                Stage::Waiting => {}
                Stage::Done { url, cost } => return Ok((url, cost)),
                Stage::Failed(reason) if reason.is_empty() => {
                    return Err(ProviderError::Permanent(format!(
                        "{provider} could not make the video."
                    )));
                }
                Stage::Failed(reason) => {
                    return Err(ProviderError::Permanent(format!(
                        "{provider} could not make the video: {reason}"
                    )));
                }
            }
        }
    }
}

fn job_id(submitted: &Submitted) -> Option<String> {
    match submitted.id.as_ref().or(submitted.request_id.as_ref())? {
        Value::String(id) if !id.is_empty() => Some(id.clone()),
        Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

/// `path` with `{id}` replaced by the job's id (kept to characters safe in a path).
fn with_id(path: &str, id: &str) -> String {
    let safe: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    path.replace("{id}", &safe)
}

impl Generator for QueuedVideo {
    fn name(&self) -> &str {
        self.service.provider()
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let provider = self.service.provider();
            let key = self.key.as_ref();
            let body = self.body(work).await?;
            let request = self
                .service
                .request(Method::POST, &self.settings.submit_path, key)
                .json(&body);
            let submitted: Submitted = match self.service.json(request, key).await {
                Ok(submitted) => submitted,
                Err(err) => return Err(generation_error(err).await),
            };
            let id = job_id(&submitted).ok_or_else(|| {
                ProviderError::from(self.service.bad_answer("it gave the job no id"))
            })?;
            let mut cancel = Cancel {
                service: Arc::clone(&self.service),
                key: self.key.clone(),
                path: self
                    .settings
                    .cancel_path
                    .as_deref()
                    .map(|path| with_id(path, &id)),
            };
            // Done: nothing left to cancel. Any other way out (ace gave up waiting, the future
            // was dropped) cancels the job at the provider when `cancel` drops.
            let (url, reported_cost) = self.wait(&with_id(&self.settings.status_path, &id)).await?;
            cancel.disarm();
            let dir = work.room().await?;
            let out = dir.join("video.mp4");
            if let Err(err) = self
                .service
                .download(&url, key, &out, MAX_VIDEO_BYTES)
                .await
            {
                return Err(generation_error(err).await);
            }
            let seconds = video_seconds(&self.tools, provider, &out).await?;
            let cost = video_cost(reported_cost, self.price, seconds);
            Ok(produced(provider, &self.model, out, seconds, cost))
        })
    }
}
