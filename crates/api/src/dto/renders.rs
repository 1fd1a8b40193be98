//! Render bodies and answers: `renderVideo` and the `remotion_jobs` surface.

use ace_app::renders::RenderSummary;
use ace_domain::ids::deserialize_raw_id;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::dto::time::iso;

/// What `renderVideo` answers: GEN documents the id as a string here.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RenderStarted {
    pub generation_id: String,
    /// pending.
    pub status: String,
}

/// `POST /remotion_jobs`: `{"job": {...}}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RemotionJobBody {
    pub job: RemotionJobFields,
}

/// The render a remotion job asks for.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RemotionJobFields {
    /// The engine.
    #[serde(deserialize_with = "deserialize_raw_id")]
    pub project_id: i64,
    /// The cell to render: a row's final video cell (or its video cell).
    #[serde(deserialize_with = "deserialize_raw_id")]
    pub container_id: i64,
    /// `SpreadsheetCell`.
    pub container_type: String,
    /// The render configuration, as a JSON string (an object is accepted too).
    #[schema(value_type = String)]
    pub input: Value,
}

/// A started remotion job: the generation that runs it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RemotionJobStarted {
    pub job_id: i64,
}

/// A render as `GET /remotion_jobs` lists it; the video fields only once it completed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RemotionJobResponse {
    /// The generation that runs it (an ace addition; GEN lists no id).
    pub job_id: i64,
    pub created_at: String,
    /// pending, processing, completed, failed or stopped.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_resource_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
}

impl From<&RenderSummary> for RemotionJobResponse {
    fn from(summary: &RenderSummary) -> Self {
        let output = summary.output.as_ref();
        Self {
            job_id: summary.id,
            created_at: iso(summary.created_at),
            status: summary.status.to_string(),
            content_resource_id: output.map(|o| o.resource_id),
            url: output.map(|o| o.url.clone()),
            thumbnail_url: output.and_then(|o| o.thumbnail_url.clone()),
        }
    }
}
