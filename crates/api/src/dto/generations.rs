//! Generations and automation on the wire: the generate body, GEN's generation object, and
//! the automation config with its test results and delivery log.

use ace_app::automation::{AutomationView, Delivery, TestResult};
use ace_app::generations::{GenerationObject, OutputObject};
use ace_domain::patch::Patch;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::time::iso;
use crate::extract::Resource;

/// `{generation_type, data}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GenerateBody {
    /// text, image_from_text, video_from_text, video_from_image, video_from_ingredients,
    /// speech_from_text, lipsync, captions or media; GEN's internal names (text_generation,
    /// eleven_labs, gemini_video_generation, ...) are read as the type they stand for. Left
    /// out, the target's creation card decides (for a layer without one, its kind).
    #[serde(default)]
    pub generation_type: Option<String>,
    /// The card's parameters; the cell's or column's creation card fills what is left out.
    #[serde(default = "empty_object")]
    #[schema(value_type = Object)]
    pub data: Value,
}

fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

/// A generation just queued (or resumed).
#[derive(Debug, Serialize, ToSchema)]
pub struct GenerationStarted {
    pub generation_id: i64,
    /// pending.
    pub status: String,
}

/// A generation (GEN: user job).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GenerationResponse {
    pub id: i64,
    /// pending, processing, completed, failed or stopped.
    pub status: String,
    pub user_job_type: String,
    /// Text for text cards, caption timings for captions, else null.
    pub result: Option<Value>,
    pub failed_reason: Option<String>,
    pub output_resources: Vec<OutputResponse>,
    /// Credits charged.
    pub execution_cost: String,
    /// How far a running render has come, from 0 to 1 (an ace addition, only on renders).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
}

/// A resource a generation produced.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutputResponse {
    pub id: i64,
    pub url: String,
    pub thumbnail_url: Option<String>,
    /// Video, Image or Audio.
    pub object_type: String,
    /// video, image or audio.
    #[serde(rename = "type")]
    pub kind: String,
    /// The same URL as `url`, under the name GEN's Voice API gives it (voice previews only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_url: Option<String>,
}

impl GenerationResponse {
    /// The object as the Voice API shows a preview: each output's URL also as `file_url`.
    #[must_use]
    pub fn with_file_urls(mut self) -> Self {
        for output in &mut self.output_resources {
            output.file_url = Some(output.url.clone());
        }
        self
    }
}

impl From<GenerationObject> for GenerationResponse {
    fn from(object: GenerationObject) -> Self {
        Self {
            id: object.id,
            status: object.status,
            user_job_type: object.user_job_type,
            result: object.result,
            failed_reason: object.failed_reason,
            output_resources: object
                .output_resources
                .into_iter()
                .map(Into::into)
                .collect(),
            execution_cost: object.execution_cost,
            progress: object.progress,
        }
    }
}

impl From<OutputObject> for OutputResponse {
    fn from(output: OutputObject) -> Self {
        Self {
            id: output.id,
            url: output.url,
            thumbnail_url: output.thumbnail_url,
            object_type: output.object_type,
            kind: output.kind,
            file_url: None,
        }
    }
}

/// A stopped or resumed generation: the generation object, with `generation_id` as well.
#[derive(Debug, Serialize, ToSchema)]
pub struct GenerationChanged {
    pub generation_id: i64,
    #[serde(flatten)]
    pub generation: GenerationResponse,
}

/// The fields of the automation config to change.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AutomationConfigBody {
    /// Receives every generation status change; `null` turns it off.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub webhook_url: Patch<String>,
    /// Receives terminal results; `null` turns it off.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub callback_url: Patch<String>,
    pub polling_enabled: Option<bool>,
}

impl Resource for AutomationConfigBody {
    const KEY: &'static str = "automation_config";
}

/// The automation config.
#[derive(Debug, Serialize, ToSchema)]
pub struct AutomationConfigResponse {
    pub webhook_url: Option<String>,
    pub callback_url: Option<String>,
    pub polling_enabled: bool,
    /// The Standard Webhooks secret (`whsec_...`) that signs deliveries. Shown only when it
    /// is created (the first change) or rotated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_secret: Option<String>,
}

impl From<AutomationView> for AutomationConfigResponse {
    fn from(view: AutomationView) -> Self {
        Self {
            webhook_url: view.webhook_url,
            callback_url: view.callback_url,
            polling_enabled: view.polling_enabled,
            signing_secret: view.signing_secret,
        }
    }
}

/// How a test send went.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestSendResponse {
    pub success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl From<TestResult> for TestSendResponse {
    fn from(result: TestResult) -> Self {
        Self {
            success: result.success,
            error: result.error,
        }
    }
}

/// One delivery of an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub id: i64,
    /// The `webhook-id` header, the same on every attempt.
    pub message_id: String,
    /// webhook or callback.
    pub target: String,
    pub event_type: String,
    pub url: String,
    /// pending (retrying), delivered or failed.
    pub status: String,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    #[schema(value_type = Object)]
    pub payload: Value,
}

impl From<Delivery> for DeliveryResponse {
    fn from(record: Delivery) -> Self {
        Self {
            id: record.id,
            message_id: record.message_id,
            target: record.target.as_str().to_owned(),
            event_type: record.event_type,
            url: record.url,
            status: record.status.as_str().to_owned(),
            attempts: record.attempts,
            last_status_code: record.last_status_code,
            last_error: record.last_error,
            created_at: iso(record.created_at),
            delivered_at: record.delivered_at.map(iso),
            payload: record.payload,
        }
    }
}

/// `{deliveries: [...]}`, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveriesResponse {
    pub deliveries: Vec<DeliveryResponse>,
}
