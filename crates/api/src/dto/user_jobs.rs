//! User jobs on the wire: the body that creates one, the answer to a create or an update, and
//! GEN's user job object (the generation object: one id space, one shape); and the setting
//! that lets Agent Core's monitored sources drive monitoring.

use ace_app::generations::{GenerationObject, GenerationView};
use ace_app::knowledge::monitored::MonitorsView;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::generations::OutputResponse;
use crate::extract::Resource;

/// `{user_job_type, data}`, wrapped under `user_job` or not; `data` is a JSON string (or an
/// object, from JSON bodies).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUserJobBody {
    /// train_social or publish_content.
    #[serde(default)]
    pub user_job_type: Option<String>,
    /// For train_social: platform, type, value, days, country, max_results, monitoring,
    /// comment_monitoring. For publish_content: platform, media_url, description, title,
    /// media_type, schedule_type, scheduled_time, thumbnail_url, timezone_offset, and (ace
    /// additions) account_id and force.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub data: Option<Value>,
}

impl Resource for CreateUserJobBody {
    const KEY: &'static str = "user_job";
}

/// A user job just created or changed: GEN's docs read `user_job_id`, its SDK `id`,
/// `user_job_type` and `status`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserJobAccepted {
    pub user_job_id: i64,
    pub id: i64,
    pub user_job_type: String,
    /// pending, processing, completed or failed.
    pub status: String,
}

impl From<&GenerationView> for UserJobAccepted {
    fn from(view: &GenerationView) -> Self {
        Self {
            user_job_id: view.id().get(),
            id: view.id().get(),
            user_job_type: view.kind().to_string(),
            status: view.status().to_string(),
        }
    }
}

/// GEN's user job: the generation object, with `result` present once there is one and
/// `failed_reason` once the job failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserJobResponse {
    pub id: i64,
    pub user_job_type: String,
    /// pending, processing, completed, failed or stopped.
    pub status: String,
    /// For a scrape or monitoring job: its last cycle (posts and comments fetched, new and
    /// already known), recent errors and `next_cycle_at`; for an import: what was kept and the
    /// records that could not be read; for a generation: its result.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_reason: Option<String>,
    pub output_resources: Vec<OutputResponse>,
    /// Credits charged.
    pub execution_cost: String,
}

impl From<GenerationObject> for UserJobResponse {
    fn from(object: GenerationObject) -> Self {
        Self {
            id: object.id,
            user_job_type: object.user_job_type,
            status: object.status,
            result: object.result,
            failed_reason: object.failed_reason,
            output_resources: object
                .output_resources
                .into_iter()
                .map(Into::into)
                .collect(),
            execution_cost: object.execution_cost,
        }
    }
}

/// Whether Agent Core's monitored sources drive content monitoring (an ace setting).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CoreMonitoringBody {
    pub enabled: bool,
}

/// The setting, and the monitoring jobs it drives.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoreMonitoringResponse {
    pub enabled: bool,
    pub monitors: Vec<MonitorResponse>,
}

/// A monitoring job watching one monitored source on one platform.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonitorResponse {
    pub user_job_id: i64,
    /// `null` once the source was removed from Agent Core.
    pub monitored_item_id: Option<i64>,
    /// tiktok, instagram or youtube.
    pub platform: String,
    /// pending, processing or completed.
    pub status: String,
}

impl From<&MonitorsView> for CoreMonitoringResponse {
    fn from(view: &MonitorsView) -> Self {
        Self {
            enabled: view.enabled,
            monitors: view
                .monitors
                .iter()
                .map(|monitor| MonitorResponse {
                    user_job_id: monitor.user_job_id.get(),
                    monitored_item_id: monitor.monitored_item_id.map(|id| id.get()),
                    platform: monitor.platform.clone(),
                    status: monitor.status.to_string(),
                })
                .collect(),
        }
    }
}
