//! Sheet pipelines on the wire. GEN documents the paths but no bodies; ace keeps them
//! GEN-like: a pipeline under `pipeline`, an action under `action` (or either at the top
//! level), runs with each action's state and the credits spent.

use ace_app::pipelines::runs::{ActionRun, PostOutcome, RowOutcome, RunView};
use ace_app::pipelines::{PipelineAction, PipelineView};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::time::{iso, iso_opt};
use crate::extract::Resource;

/// `{pipeline: {name, trigger_type, trigger_config, budget_credits, enabled}}`; on update,
/// the fields sent replace theirs.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PipelineBody {
    pub name: Option<String>,
    /// webhook, schedule_minutely, schedule_hourly, schedule_daily, schedule_weekly,
    /// schedule_monthly or schedule_once.
    pub trigger_type: Option<String>,
    /// `{every, at, weekday, day_of_month, run_at, timezone}`, as the trigger type needs:
    /// `every` N minutes or hours; `at` "HH:MM" local time; `weekday` monday to sunday;
    /// `day_of_month` 1 to 31 (the month's last day when shorter); `run_at` ISO 8601;
    /// `timezone` IANA (UTC by default).
    #[schema(value_type = Option<Object>)]
    pub trigger_config: Option<Value>,
    /// The most credits one run may spend (required on create).
    #[schema(value_type = Option<f64>)]
    pub budget_credits: Option<Value>,
    /// Off: the schedule and the webhook do not fire (true by default).
    pub enabled: Option<bool>,
}

impl Resource for PipelineBody {
    const KEY: &'static str = "pipeline";
}

impl From<PipelineBody> for ace_app::pipelines::PipelineChange {
    fn from(body: PipelineBody) -> Self {
        Self {
            name: body.name,
            trigger_type: body.trigger_type,
            trigger_config: body.trigger_config,
            budget_credits: body.budget_credits,
            enabled: body.enabled,
        }
    }
}

/// `{action: {action_type, position, config}}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ActionBody {
    /// ideas, run_rows or publish (fixed once created).
    pub action_type: Option<String>,
    /// Actions run in position order (the end, by default).
    pub position: Option<i64>,
    /// ideas: `{prompt}`. run_rows: `{row_ids?, force?, max_parallel_rows?}` (the rows the
    /// run's ideas made, by default). publish: `{description?, schedule: "now" | "next_slot",
    /// slots?: ["HH:MM"], timezone?, account_id?, force?}`; the description fills
    /// `{{title}}` and `{{COLUMN}}` from the row.
    #[schema(value_type = Option<Object>)]
    pub config: Option<Value>,
}

impl Resource for ActionBody {
    const KEY: &'static str = "action";
}

impl From<ActionBody> for ace_app::pipelines::actions::ActionChange {
    fn from(body: ActionBody) -> Self {
        Self {
            action_type: body.action_type,
            position: body.position,
            config: body.config,
        }
    }
}

/// An action of a pipeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineActionResponse {
    pub id: i64,
    pub pipeline_id: i64,
    pub action_type: String,
    pub position: i64,
    /// Every setting spelled out.
    #[schema(value_type = Object)]
    pub config: Value,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&PipelineAction> for PipelineActionResponse {
    fn from(action: &PipelineAction) -> Self {
        Self {
            id: action.id,
            pipeline_id: action.pipeline_id,
            action_type: action.action_type.clone(),
            position: action.position,
            config: action.config.0.clone(),
            created_at: iso(action.created_at),
            updated_at: iso(action.updated_at),
        }
    }
}

/// A pipeline with its actions.
#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineResponse {
    pub id: i64,
    pub agent_id: i64,
    pub spreadsheet_id: i64,
    pub name: String,
    pub trigger_type: String,
    /// The fields the trigger uses, normalised.
    #[schema(value_type = Object)]
    pub trigger_config: Value,
    pub budget_credits: f64,
    pub enabled: bool,
    /// A POST here starts a run (webhook pipelines); it needs no key, so keep it secret.
    pub webhook_url: Option<String>,
    /// When the schedule fires next.
    pub next_run_at: Option<String>,
    pub actions: Vec<PipelineActionResponse>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&PipelineView> for PipelineResponse {
    fn from(view: &PipelineView) -> Self {
        let record = &view.record;
        Self {
            id: record.id,
            agent_id: record.agent_id.get(),
            spreadsheet_id: record.spreadsheet_id,
            name: record.name.clone(),
            trigger_type: record.trigger_type.clone(),
            trigger_config: record.trigger_config.0.clone(),
            budget_credits: view.budget().as_f64(),
            enabled: record.enabled,
            webhook_url: view.webhook_url.clone(),
            next_run_at: iso_opt(record.next_at),
            actions: view.actions.iter().map(Into::into).collect(),
            created_at: iso(record.created_at),
            updated_at: iso(record.updated_at),
        }
    }
}

/// A row a run made or ran.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowOutcomeResponse {
    pub row_id: i64,
    pub idea_id: Option<i64>,
    pub row_run_id: Option<i64>,
    pub status: Option<String>,
    /// The row's final video.
    pub video_url: Option<String>,
}

impl From<&RowOutcome> for RowOutcomeResponse {
    fn from(row: &RowOutcome) -> Self {
        Self {
            row_id: row.row_id,
            idea_id: row.idea_id,
            row_run_id: row.row_run_id,
            status: row.status.clone(),
            video_url: row.video_url.clone(),
        }
    }
}

/// A post a run made: a `publish_content` user job.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostOutcomeResponse {
    pub row_id: i64,
    /// Follow it with GET /v1/user_jobs/{id}.
    pub user_job_id: Option<i64>,
    pub scheduled_time: Option<String>,
    /// Why the row was not posted.
    pub reason: Option<String>,
}

impl From<&PostOutcome> for PostOutcomeResponse {
    fn from(post: &PostOutcome) -> Self {
        Self {
            row_id: post.row_id,
            user_job_id: post.user_job_id,
            scheduled_time: iso_opt(post.scheduled_time),
            reason: post.reason.clone(),
        }
    }
}

/// An action of a run, with its state and what it made.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionRunResponse {
    pub action_id: i64,
    pub action_type: String,
    #[schema(value_type = Object)]
    pub config: Value,
    /// pending, running, completed, failed or skipped.
    pub status: String,
    pub reason: Option<String>,
    pub credits_spent: f64,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// The ideas action's agent run (GET /v1/agent/runs/{id}).
    pub agent_run_id: Option<String>,
    pub idea_ids: Vec<i64>,
    pub rows: Vec<RowOutcomeResponse>,
    /// The run_rows action's batch (GET /v1/autocontentengine/{sheet_id}/runs/{batch_id}).
    pub batch_id: Option<i64>,
    pub posts: Vec<PostOutcomeResponse>,
    /// What the action left out, and why.
    pub notes: Vec<String>,
}

impl From<&ActionRun> for ActionRunResponse {
    fn from(action: &ActionRun) -> Self {
        Self {
            action_id: action.action_id,
            action_type: action.action_type.clone(),
            config: action.config.clone(),
            status: action.status().to_string(),
            reason: action.reason.clone(),
            credits_spent: action.credits_spent().as_f64(),
            started_at: iso_opt(action.started_at),
            finished_at: iso_opt(action.finished_at),
            agent_run_id: action.agent_run_id.clone(),
            idea_ids: action.idea_ids.clone(),
            rows: action.rows.iter().map(Into::into).collect(),
            batch_id: action.batch_id,
            posts: action.posts.iter().map(Into::into).collect(),
            notes: action.notes.clone(),
        }
    }
}

/// A run of a pipeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineRunResponse {
    pub id: i64,
    pub pipeline_id: i64,
    /// running, completed, failed or cancelled.
    pub status: String,
    /// manual, schedule or webhook.
    pub started_by: String,
    /// The schedule slot it ran for.
    pub slot_at: Option<String>,
    pub failed_reason: Option<String>,
    pub budget_credits: f64,
    pub credits_spent: f64,
    /// The body a webhook brought.
    #[schema(value_type = Option<Object>)]
    pub input: Option<Value>,
    pub actions: Vec<ActionRunResponse>,
    /// Server-Sent Events of the run's changes.
    pub events_url: String,
    pub created_at: String,
    pub finished_at: Option<String>,
}

impl PipelineRunResponse {
    pub fn of(view: &RunView, sheet: i64, agent: i64) -> Self {
        let record = &view.record;
        Self {
            id: record.id,
            pipeline_id: record.pipeline_id,
            status: record.status.to_string(),
            started_by: record.started_by.to_string(),
            slot_at: iso_opt(record.slot_at),
            failed_reason: record.failed_reason.clone(),
            budget_credits: view.budget().as_f64(),
            credits_spent: view.credits_spent().as_f64(),
            input: record.input.as_ref().map(|input| input.0.clone()),
            actions: view.actions.iter().map(Into::into).collect(),
            events_url: format!(
                "/v1/autocontentengine/{sheet}/pipelines/{}/runs/{}/events?agent_id={agent}",
                record.pipeline_id, record.id
            ),
            created_at: iso(record.created_at),
            finished_at: iso_opt(record.finished_at),
        }
    }
}

/// A run just started.
#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineRunStarted {
    pub run_id: i64,
    /// running.
    pub status: String,
}

/// `{prompt}`: an ideas prompt to try alone.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TestPromptBody {
    pub prompt: String,
}
