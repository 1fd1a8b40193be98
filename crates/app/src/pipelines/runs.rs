//! Pipeline runs: started by hand, by a POST to the pipeline's signed webhook URL, or by its
//! schedule. A run takes a copy of the actions as they are, each `pending`, with the
//! pipeline's budget, and is moved along by [`super::advance`]. A pipeline has one run going
//! at a time. `run_test_prompt` tries an ideas prompt alone, as an ordinary agent run.

use ace_db::Session;
use ace_db::pipeline_runs::{self as store, NewRun, RunRecord};
use ace_db::pipelines::{self as pipeline_store, PipelineRecord};
use ace_domain::credits::Credits;
use ace_domain::ids::{AgentId, SpreadsheetId};
use ace_domain::pipeline::action::{ActionConfig, ActionStatus};
use ace_domain::pipeline::{RunStatus, Started};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::wakeup::queue_advance;
use super::{of_sheet, readable_sheet};
use crate::agent_runs::{self, RunRequest};
use crate::sheets::{not_found, open_for_change};
use crate::{Actor, App, AppError, AppResult, ErrorCode, ErrorKind};

/// How many runs a list shows.
pub const LISTED: i64 = 50;

/// One action of a run, with its state and what it made.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionRun {
    pub action_id: i64,
    pub action_type: String,
    pub config: Value,
    #[serde(with = "status_spelling")]
    pub status: Option<ActionStatus>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub spent_millis: i64,
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    /// The `ideas` action's agent run and the ideas it wrote.
    #[serde(default)]
    pub agent_run_id: Option<String>,
    #[serde(default)]
    pub idea_ids: Vec<i64>,
    /// Rows this action made (`ideas`) or ran (`run_rows`).
    #[serde(default)]
    pub rows: Vec<RowOutcome>,
    /// The `run_rows` action's batch.
    #[serde(default)]
    pub batch_id: Option<i64>,
    /// The `publish` action's posts.
    #[serde(default)]
    pub posts: Vec<PostOutcome>,
    /// What the action left out, and why.
    #[serde(default)]
    pub notes: Vec<String>,
}

impl ActionRun {
    pub fn status(&self) -> ActionStatus {
        self.status.unwrap_or(ActionStatus::Pending)
    }

    pub fn credits_spent(&self) -> Credits {
        Credits::from_millis(self.spent_millis)
    }
}

/// `ActionStatus` by its spelling.
mod status_spelling {
    use ace_domain::pipeline::action::ActionStatus;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        status: &Option<ActionStatus>,
        to: S,
    ) -> Result<S::Ok, S::Error> {
        to.serialize_str(status.unwrap_or(ActionStatus::Pending).as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        from: D,
    ) -> Result<Option<ActionStatus>, D::Error> {
        let text = String::deserialize(from)?;
        Ok(text.parse().ok())
    }
}

/// A row a run made or ran.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RowOutcome {
    pub row_id: i64,
    #[serde(default)]
    pub idea_id: Option<i64>,
    #[serde(default)]
    pub row_run_id: Option<i64>,
    #[serde(default)]
    pub status: Option<String>,
    /// The row's final video, once rendered.
    #[serde(default)]
    pub video_url: Option<String>,
}

/// A post a run made.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PostOutcome {
    pub row_id: i64,
    #[serde(default)]
    pub user_job_id: Option<i64>,
    #[serde(default)]
    pub scheduled_time: Option<DateTime<Utc>>,
    /// Why the row was not posted.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A run as shown.
#[derive(Clone, Debug)]
pub struct RunView {
    pub record: RunRecord,
    pub actions: Vec<ActionRun>,
}

impl RunView {
    pub(crate) fn of(record: RunRecord) -> RunView {
        let actions = serde_json::from_value(record.actions.0.clone()).unwrap_or_default();
        RunView { record, actions }
    }

    pub fn budget(&self) -> Credits {
        Credits::from_millis(self.record.budget_millis)
    }

    pub fn credits_spent(&self) -> Credits {
        Credits::from_millis(self.record.spent_millis)
    }

    /// What the actions have spent so far, in millicredits (the record's figure once saved).
    pub(crate) fn spent_by_actions(&self) -> i64 {
        self.actions.iter().map(|action| action.spent_millis).sum()
    }
}

/// Records a run of `pipeline` (its slot's, when scheduled) and queues its first step, in
/// `tx`. `None` when the slot has its run already. A pipeline with a run going gets a run
/// that fails at once, saying so, for a slot, and 422 otherwise.
pub(crate) async fn begin(
    tx: &mut dyn Session,
    app: &App,
    pipeline: &PipelineRecord,
    started_by: Started,
    slot: Option<DateTime<Utc>>,
    input: Option<&Value>,
) -> AppResult<Option<RunRecord>> {
    let now = app.clock.now();
    let busy = store::running_of(tx, pipeline.id).await?;
    if let Some(busy) = &busy
        && slot.is_none()
    {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "Pipeline {} has a run going (run {}); wait for it to end or cancel it.",
                pipeline.id, busy.id
            ),
        ));
    }
    let skipped = busy
        .as_ref()
        .map(|busy| format!("run {} was still going at this slot", busy.id));
    let mut actions = Vec::new();
    for action in pipeline_store::actions(tx, pipeline.id).await? {
        actions.push(ActionRun {
            action_id: action.id,
            action_type: action.action_type.clone(),
            config: action.config.0.clone(),
            status: Some(if skipped.is_some() {
                ActionStatus::Skipped
            } else {
                ActionStatus::Pending
            }),
            reason: skipped.clone(),
            ..ActionRun::default()
        });
    }
    let actions = serde_json::to_value(&actions).map_err(AppError::internal)?;
    let new = NewRun {
        pipeline_id: pipeline.id,
        organization_id: pipeline.organization_id,
        user_id: pipeline.created_by,
        started_by,
        slot_at: slot,
        budget_millis: pipeline.budget_millis,
        actions: &actions,
        input,
    };
    let Some(run) = store::insert(tx, &new, now).await? else {
        return Ok(None);
    };
    if let Some(reason) = skipped {
        store::end(tx, run.id, RunStatus::Failed, Some(&reason), now).await?;
        return Ok(store::find(tx, run.id).await?);
    }
    queue_advance(tx, app, run.id, pipeline.organization_id.get()).await?;
    Ok(Some(run))
}

/// Starts a run by hand.
pub async fn start(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    pipeline: i64,
) -> AppResult<RunView> {
    let mut tx = app.db.begin().await?;
    open_for_change(&mut tx, actor, agent, sheet).await?;
    let record = of_sheet(&mut tx, sheet, pipeline).await?;
    pipeline_store::lock(&mut tx, pipeline).await?;
    let run = runnable(&mut tx, &record).await?;
    let run = begin(&mut tx, app, &run, Started::Manual, None, None)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("a manual run has no slot")))?;
    tx.commit().await?;
    app.queue.wake();
    Ok(RunView::of(run))
}

/// Refuses a pipeline with no actions.
async fn runnable(db: &mut dyn Session, record: &PipelineRecord) -> AppResult<PipelineRecord> {
    if pipeline_store::actions(db, record.id).await?.is_empty() {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "Pipeline {} has no actions; add one with POST …/pipelines/{}/actions first.",
                record.id, record.id
            ),
        ));
    }
    Ok(record.clone())
}

/// The pipeline's runs, newest first.
pub async fn list(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    pipeline: i64,
) -> AppResult<Vec<RunView>> {
    let mut conn = app.db.conn().await?;
    readable_sheet(&mut conn, actor, agent, sheet).await?;
    of_sheet(&mut conn, sheet, pipeline).await?;
    Ok(store::for_pipeline(&mut conn, pipeline, LISTED)
        .await?
        .into_iter()
        .map(RunView::of)
        .collect())
}

/// One run of the pipeline.
pub async fn get(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    pipeline: i64,
    run: i64,
) -> AppResult<RunView> {
    let mut conn = app.db.conn().await?;
    readable_sheet(&mut conn, actor, agent, sheet).await?;
    of_sheet(&mut conn, sheet, pipeline).await?;
    let record = store::find(&mut conn, run)
        .await?
        .filter(|record| record.pipeline_id == pipeline)
        .ok_or_else(|| not_found("Pipeline run", run))?;
    Ok(RunView::of(record))
}

/// Cancels a run going: it takes no further step. What it started carries on, or can be
/// stopped where it runs (the agent run, the batch of row runs, a scheduled post).
pub async fn cancel(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    pipeline: i64,
    run: i64,
) -> AppResult<RunView> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    open_for_change(&mut tx, actor, agent, sheet).await?;
    of_sheet(&mut tx, sheet, pipeline).await?;
    let record = store::find(&mut tx, run)
        .await?
        .filter(|record| record.pipeline_id == pipeline)
        .ok_or_else(|| not_found("Pipeline run", run))?;
    if record.status.has_ended() {
        return Err(AppError::unprocessable(
            ErrorCode::RunStatusInvalid,
            format!("Pipeline run {run} has already ended ({}).", record.status),
        ));
    }
    let mut view = RunView::of(record);
    for action in &mut view.actions {
        if matches!(
            action.status(),
            ActionStatus::Pending | ActionStatus::Running
        ) {
            action.status = Some(ActionStatus::Skipped);
            action.reason = Some("the run was cancelled".into());
            action.finished_at = Some(now);
        }
    }
    let actions = serde_json::to_value(&view.actions).map_err(AppError::internal)?;
    store::save(&mut tx, run, &actions, view.record.spent_millis, None, now).await?;
    store::end(&mut tx, run, RunStatus::Cancelled, Some("cancelled"), now).await?;
    let record = store::find(&mut tx, run)
        .await?
        .ok_or_else(|| not_found("Pipeline run", run))?;
    tx.commit().await?;
    Ok(RunView::of(record))
}

/// The purpose a pipeline's webhook tokens are signed for: a new nonce retires old URLs.
fn webhook_purpose(record: &PipelineRecord) -> String {
    format!("pipeline_webhook:{}", record.webhook_nonce)
}

/// Where a POST starts a run of a `webhook` pipeline: ace's URL with a token that names the
/// pipeline, so the caller needs no key.
pub(crate) fn webhook_url(app: &App, record: &PipelineRecord) -> String {
    let expires = record.created_at + chrono::Duration::days(36_500);
    let token = app
        .signer
        .sign(&webhook_purpose(record), record.id, expires);
    format!(
        "{}/v1/pipeline_webhooks/{}?token={token}",
        app.settings.public_url.trim_end_matches('/'),
        record.id
    )
}

/// A POST to a webhook URL: a run of its pipeline, with the POST's body as the run's input.
pub async fn fire_webhook(
    app: &App,
    pipeline: i64,
    token: &str,
    input: Option<Value>,
) -> AppResult<RunView> {
    let refused = || {
        AppError::new(
            ErrorKind::Unauthorized,
            ErrorCode::Unauthorized,
            "This pipeline webhook URL is invalid; copy webhook_url from GET …/pipelines/{id} again.",
        )
    };
    let mut tx = app.db.begin().await?;
    pipeline_store::lock(&mut tx, pipeline).await?;
    let record = pipeline_store::find(&mut tx, pipeline)
        .await?
        .ok_or_else(refused)?;
    let signed = app
        .signer
        .verify(&webhook_purpose(&record), token, app.clock.now())
        .map_err(|_| refused())?;
    if signed != record.id || record.trigger_type != "webhook" {
        return Err(refused());
    }
    if !record.enabled {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("Pipeline {pipeline} is turned off."),
        ));
    }
    let record = runnable(&mut tx, &record).await?;
    let run = begin(
        &mut tx,
        app,
        &record,
        Started::Webhook,
        None,
        input.as_ref(),
    )
    .await?
    .ok_or_else(|| AppError::internal(anyhow::anyhow!("a webhook run has no slot")))?;
    tx.commit().await?;
    app.queue.wake();
    Ok(RunView::of(run))
}

/// Tries an ideas prompt without the rest of a pipeline: an ordinary agent run of the sheet's
/// agent (charged as one), whose ideas are kept like any other. `prompt` must ask for ideas.
pub async fn test_prompt(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    prompt: &str,
) -> AppResult<agent_runs::Started> {
    let mut conn = app.db.conn().await?;
    readable_sheet(&mut conn, actor, agent, sheet).await?;
    drop(conn);
    let config = serde_json::json!({ "prompt": prompt });
    let ActionConfig::Ideas { prompt } = ActionConfig::parse("ideas", &config).map_err(|err| {
        let field = ace_domain::FieldError::new("prompt", err.message);
        AppError::invalid(ErrorCode::ValidationError, &field)
    })?
    else {
        return Err(AppError::internal(anyhow::anyhow!(
            "an ideas config is not ideas"
        )));
    };
    let request = RunRequest {
        agent_id: agent,
        message: prompt,
        conversation_id: None,
        attachments: Value::Null,
        context: Value::Null,
        debug: false,
    };
    agent_runs::start(app, actor, request, None).await
}
