//! Moves a pipeline run along its actions, one advancer at a time (a lease on the run; a
//! wake-up meeting a held lease leaves word for the holder). Each action starts its work
//! within what is left of the run's budget, waits for it (an agent run, a batch of row runs)
//! without holding a worker, and records what it made; a failing action stops the chain
//! with its reason and skips the rest. The run works as the pipeline's creator, with the
//! same checks as their own calls.

use ace_db::agent_runs as agent_run_store;
use ace_db::pipeline_runs as store;
use ace_db::pipelines::{self as pipeline_store, PipelineRecord};
use ace_db::sheets::tree::{self, Scope};
use ace_domain::agent_run::RunStatus as AgentRunStatus;
use ace_domain::agent_run::intent::Intent;
use ace_domain::credits::Credits;
use ace_domain::generation::GenerationStatus;
use ace_domain::ideas::pricing::AgentWork;
use ace_domain::ids::{IdeaId, RowId, SpreadsheetId, UserJobId};
use ace_domain::pipeline::RunStatus;
use ace_domain::pipeline::action::{ActionConfig, ActionStatus, PostWhen, Publish, RunRows};
use ace_domain::pipeline::calendar::next_free_slot;
use ace_domain::sheet::variables::{Sources, substitute};
use ace_jobs::{Handler, Job, Outcome, Payload};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde_json::{Map, Value, json};
use tracing::warn;

use super::runs::{PostOutcome, RowOutcome, RunView};
use super::wakeup::{self, AdvancePipelineRun};
use crate::agent_runs::{self, RunRequest};
use crate::row_runs::RunOptions;
use crate::row_runs::batches::{self, BatchRequest};
use crate::{Actor, App, AppResult};

/// How long an advancer holds a run before another may take over.
const LEASE_MS: i64 = 10 * 60 * 1_000;

/// Moves pipeline runs along.
pub struct AdvancePipelineRuns {
    app: App,
}

impl AdvancePipelineRuns {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for AdvancePipelineRuns {
    fn kind(&self) -> &'static str {
        AdvancePipelineRun::KIND
    }

    fn run(&self, job: Job) -> BoxFuture<'static, Outcome> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(payload) = job.readable_payload::<AdvancePipelineRun>() else {
                return Outcome::Done;
            };
            match advance(&app, payload.pipeline_run_id, job.id).await {
                Ok(()) => Outcome::Done,
                Err(err) => {
                    warn!(job = job.id, run = payload.pipeline_run_id, error = %err, "a pipeline run could not move on");
                    Outcome::Retry("ace could not move the pipeline run on".into())
                }
            }
        })
    }

    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(payload) = job.readable_payload::<AdvancePipelineRun>() else {
                return;
            };
            warn!(job = job.id, run = payload.pipeline_run_id, %reason, "a pipeline run was given up");
            let now = app.clock.now();
            let ended = async {
                let mut tx = app.db.begin().await?;
                store::end(
                    &mut tx,
                    payload.pipeline_run_id,
                    RunStatus::Failed,
                    Some("ace could not carry the run on; see the server log"),
                    now,
                )
                .await?;
                tx.commit().await?;
                AppResult::Ok(())
            };
            if let Err(err) = ended.await {
                warn!(run = payload.pipeline_run_id, error = %err, "a given-up pipeline run could not be marked failed");
            }
        })
    }
}

/// Takes the run's lease, steps it until it waits or ends, and lets go, looking again while
/// wake-ups came in meanwhile.
async fn advance(app: &App, id: i64, job: i64) -> AppResult<()> {
    let now_ms = app.clock.now().timestamp_millis();
    let mut tx = app.db.begin().await?;
    let taken = store::take_lease(&mut tx, id, job, now_ms, now_ms + LEASE_MS).await?;
    tx.commit().await?;
    if !taken {
        return Ok(());
    }
    loop {
        step_until_waiting(app, id).await?;
        let mut tx = app.db.begin().await?;
        let released = store::release_lease(&mut tx, id, job).await?;
        tx.commit().await?;
        if released {
            return Ok(());
        }
    }
}

/// What one step of an action came to.
enum Step {
    /// Saved work; step again.
    Progress,
    /// The action ended well.
    Completed,
    /// Waiting on this (a wake-up names it).
    Wait(String),
    /// The action failed: the run stops.
    Failed(String),
}

/// Who the run works for and where.
struct Context {
    pipeline: PipelineRecord,
    actor: Actor,
    sheet: SpreadsheetId,
}

async fn step_until_waiting(app: &App, id: i64) -> AppResult<()> {
    let mut waited: Option<String> = None;
    loop {
        let mut conn = app.db.conn().await?;
        let Some(record) = store::find(&mut conn, id).await? else {
            return Ok(());
        };
        if record.status.has_ended() {
            return Ok(());
        }
        let Some(pipeline) = pipeline_store::find(&mut conn, record.pipeline_id).await? else {
            return Ok(());
        };
        drop(conn);
        let context = Context {
            sheet: SpreadsheetId::new(pipeline.spreadsheet_id),
            actor: Actor::on_behalf_of(record.user_id),
            pipeline,
        };
        let mut view = RunView::of(record);
        let Some(index) = view.actions.iter().position(|action| {
            matches!(
                action.status(),
                ActionStatus::Pending | ActionStatus::Running
            )
        }) else {
            return finish(app, &view, RunStatus::Completed, None).await;
        };
        let now = app.clock.now();
        if view.actions[index].status() == ActionStatus::Pending {
            view.actions[index].status = Some(ActionStatus::Running);
            view.actions[index].started_at = Some(now);
        }
        let step = match step(app, &context, &mut view, index).await {
            Ok(step) => step,
            Err(err) if err.is_client_error() => Step::Failed(err.message.clone()),
            Err(err) => return Err(err),
        };
        match step {
            Step::Progress => save(app, &view, None).await?,
            Step::Completed => {
                let action = &mut view.actions[index];
                action.status = Some(ActionStatus::Completed);
                action.finished_at = Some(now);
                save(app, &view, None).await?;
            }
            Step::Wait(what) => {
                save(app, &view, Some(&what)).await?;
                // Saved before looking again, so a wake-up after the look is not missed.
                if waited.as_deref() == Some(what.as_str()) {
                    return Ok(());
                }
                waited = Some(what);
            }
            Step::Failed(reason) => {
                let action_type = view.actions[index].action_type.clone();
                for (at, action) in view.actions.iter_mut().enumerate() {
                    if at == index {
                        action.status = Some(ActionStatus::Failed);
                        action.reason = Some(reason.clone());
                        action.finished_at = Some(now);
                    } else if action.status() == ActionStatus::Pending {
                        action.status = Some(ActionStatus::Skipped);
                        action.reason = Some(format!("the {action_type} action before it failed"));
                    }
                }
                let reason = format!("{action_type} (action {}): {reason}", index + 1);
                return finish(app, &view, RunStatus::Failed, Some(&reason)).await;
            }
        }
    }
}

/// Keeps the run's action states and spending, and what it waits on.
async fn save(app: &App, view: &RunView, waiting_on: Option<&str>) -> AppResult<()> {
    let actions = serde_json::to_value(&view.actions).map_err(crate::AppError::internal)?;
    let spent = view.spent_by_actions();
    let mut tx = app.db.begin().await?;
    store::save(
        &mut tx,
        view.record.id,
        &actions,
        spent,
        waiting_on,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn finish(
    app: &App,
    view: &RunView,
    status: RunStatus,
    reason: Option<&str>,
) -> AppResult<()> {
    save(app, view, None).await?;
    let mut tx = app.db.begin().await?;
    store::end(&mut tx, view.record.id, status, reason, app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

async fn step(app: &App, context: &Context, view: &mut RunView, index: usize) -> AppResult<Step> {
    let config = match ActionConfig::parse(
        &view.actions[index].action_type,
        &view.actions[index].config,
    ) {
        Ok(config) => config,
        Err(err) => return Ok(Step::Failed(err.to_string())),
    };
    let left = view.budget().millis() - view.spent_by_actions();
    match config {
        ActionConfig::Ideas { prompt } => ideas(app, context, view, index, &prompt, left).await,
        ActionConfig::RunRows(rows) => run_rows(app, context, view, index, &rows, left).await,
        ActionConfig::Publish(publish) => post(app, context, view, index, &publish).await,
    }
}

fn over_budget(what: &str, cost: i64, left: i64) -> String {
    format!(
        "{what} costs {} credits and the run has {} left of its budget",
        Credits::from_millis(cost),
        Credits::from_millis(left.max(0))
    )
}

/// `ideas`: an agent run of the prompt; once it completes, each idea it wrote becomes a row
/// of the sheet.
async fn ideas(
    app: &App,
    context: &Context,
    view: &mut RunView,
    index: usize,
    prompt: &str,
    left: i64,
) -> AppResult<Step> {
    let action = &mut view.actions[index];
    let Some(run_id) = action.agent_run_id.clone() else {
        let cost = match Intent::of(prompt, false) {
            Intent::Ideas {
                count,
                with_research,
                ..
            } => app.pricing.for_agent(AgentWork::Ideas {
                count,
                with_research,
            }),
            _ => Credits::ZERO,
        };
        if cost.millis() > left {
            return Ok(Step::Failed(over_budget(
                "asking for these ideas",
                cost.millis(),
                left,
            )));
        }
        let request = RunRequest {
            agent_id: context.pipeline.agent_id,
            message: prompt.to_owned(),
            conversation_id: None,
            attachments: Value::Null,
            context: json!({ "pipeline_id": context.pipeline.id, "pipeline_run_id": view.record.id }),
            debug: false,
        };
        let started = agent_runs::start(app, &context.actor, request, None).await?;
        action.agent_run_id = Some(started.run_id.clone());
        return Ok(Step::Wait(wakeup::agent_run(&started.run_id)));
    };
    let mut conn = app.db.conn().await?;
    let Some(run) = agent_run_store::find(&mut conn, &run_id).await? else {
        return Ok(Step::Failed(format!("agent run {run_id} is gone")));
    };
    match run.status {
        AgentRunStatus::Completed => {}
        AgentRunStatus::Failed | AgentRunStatus::Cancelled => {
            return Ok(Step::Failed(format!(
                "agent run {run_id} {}: {}",
                run.status,
                run.error.as_deref().unwrap_or("no reason given")
            )));
        }
        _ => return Ok(Step::Wait(wakeup::agent_run(&run_id))),
    }
    action.spent_millis = run.cost_millis.unwrap_or(0);
    let written = agent_runs::view(&mut conn, run).await?;
    drop(conn);
    let ideas: Vec<IdeaId> = written
        .messages
        .iter()
        .flat_map(|message| message.ideas.iter().map(|idea| idea.id))
        .collect();
    if ideas.is_empty() {
        return Ok(Step::Failed(format!(
            "agent run {run_id} proposed no ideas"
        )));
    }
    // One idea a step, saved at once, so a retry never makes a row twice.
    let Some(next) = ideas
        .iter()
        .find(|idea| !action.idea_ids.contains(&idea.get()))
    else {
        return Ok(Step::Completed);
    };
    action.idea_ids.push(next.get());
    match crate::ideas::vidsheet::make(app, &context.actor, *next, Some(context.sheet)).await {
        Ok((_, row)) => action.rows.push(RowOutcome {
            row_id: row.get(),
            idea_id: Some(next.get()),
            ..RowOutcome::default()
        }),
        Err(err) if err.is_client_error() => action
            .notes
            .push(format!("idea {next} made no row: {}", err.message.as_str())),
        Err(err) => return Err(err),
    }
    Ok(Step::Progress)
}

/// `run_rows`: a batch of row runs of the chosen rows (else those the run's ideas made),
/// as many as the budget covers by their dry-run prices; once it ends, the rows with their
/// final videos.
async fn run_rows(
    app: &App,
    context: &Context,
    view: &mut RunView,
    index: usize,
    config: &RunRows,
    left: i64,
) -> AppResult<Step> {
    let agent = context.pipeline.agent_id;
    let made: Vec<RowOutcome> = view.actions[..index]
        .iter()
        .filter(|action| action.action_type == "ideas")
        .flat_map(|action| action.rows.clone())
        .collect();
    let action = &mut view.actions[index];
    let Some(batch_id) = action.batch_id else {
        let wanted: Vec<RowOutcome> = match &config.row_ids {
            Some(ids) => ids
                .iter()
                .map(|id| RowOutcome {
                    row_id: *id,
                    ..RowOutcome::default()
                })
                .collect(),
            None => made,
        };
        if wanted.is_empty() {
            return Ok(Step::Failed(
                "there are no rows to run: name row_ids, or put an ideas action before this one"
                    .into(),
            ));
        }
        let options = RunOptions {
            force: config.force,
        };
        let mut budget = left;
        let mut chosen = Vec::new();
        for row in wanted {
            let plan = match crate::row_runs::dry_run(
                app,
                &context.actor,
                agent,
                context.sheet,
                RowId::new(row.row_id),
                options,
            )
            .await
            {
                Ok(plan) => plan,
                Err(err) if err.is_client_error() => {
                    action.notes.push(format!(
                        "row {} left out: {}",
                        row.row_id,
                        err.message.as_str()
                    ));
                    continue;
                }
                Err(err) => return Err(err),
            };
            let refusals = plan.refusals();
            if !refusals.is_empty() {
                action.notes.push(format!(
                    "row {} left out: {}",
                    row.row_id,
                    refusals.join("; ")
                ));
                continue;
            }
            let cost = plan.total().millis();
            if cost > budget {
                action.notes.push(format!(
                    "row {} left out: {}",
                    row.row_id,
                    over_budget("its run", cost, budget)
                ));
                continue;
            }
            budget -= cost;
            chosen.push(row);
        }
        if chosen.is_empty() {
            return Ok(Step::Failed(format!(
                "no row could run: {}",
                action.notes.join("; ")
            )));
        }
        let request = BatchRequest {
            row_ids: Some(chosen.iter().map(|row| RowId::new(row.row_id)).collect()),
            max_parallel_rows: Some(config.max_parallel_rows),
            options,
        };
        let batch = batches::start(app, &context.actor, agent, context.sheet, request).await?;
        action.batch_id = Some(batch.id);
        action.rows = chosen;
        return Ok(Step::Wait(wakeup::row_batch(batch.id)));
    };
    let batch = batches::get(app, &context.actor, agent, context.sheet, batch_id).await?;
    let spent: Credits = batch
        .runs()
        .iter()
        .fold(Credits::ZERO, |sum, run| sum + run.credits_spent());
    action.spent_millis = spent.millis();
    if !batch.status().has_ended() {
        return Ok(Step::Wait(wakeup::row_batch(batch_id)));
    }
    let mut failures = Vec::new();
    for run in batch.runs() {
        let Some(row) = action
            .rows
            .iter_mut()
            .find(|row| row.row_id == run.row_id())
        else {
            continue;
        };
        row.row_run_id = Some(run.id());
        row.status = Some(run.status().to_string());
        match run.render() {
            Some((render, _)) if run.status() == GenerationStatus::Completed => {
                row.video_url = final_video(app, &context.actor, render).await?;
            }
            _ => failures.push(format!(
                "row {}: {}",
                run.row_id(),
                run.failed_reason().unwrap_or("it did not complete")
            )),
        }
    }
    if action.rows.iter().all(|row| row.video_url.is_none()) {
        return Ok(Step::Failed(format!(
            "no row made its video ({})",
            failures.join("; ")
        )));
    }
    action.notes.extend(failures);
    Ok(Step::Completed)
}

/// The URL of a render's video.
async fn final_video(app: &App, actor: &Actor, render: UserJobId) -> AppResult<Option<String>> {
    let view = crate::generations::get(app, actor, render).await?;
    Ok(view
        .object(app)
        .output_resources
        .into_iter()
        .find(|output| output.kind == "video")
        .map(|output| output.url))
}

/// `publish`: a post of each row the run made a video of, now or in the next free slot of
/// the calendar, its description filled from the row. One post a step, saved at once.
async fn post(
    app: &App,
    context: &Context,
    view: &mut RunView,
    index: usize,
    config: &Publish,
) -> AppResult<Step> {
    let Some(made) = view.actions[..index]
        .iter()
        .rev()
        .find(|action| action.action_type == "run_rows")
        .map(|action| action.rows.clone())
    else {
        return Ok(Step::Failed(
            "there is no video to post: put a run_rows action before this one".into(),
        ));
    };
    let with_video: Vec<RowOutcome> = made
        .into_iter()
        .filter(|row| row.video_url.is_some())
        .collect();
    let taken = if matches!(config.schedule, PostWhen::NextSlot { .. }) {
        taken_slots(app, &context.pipeline, view).await?
    } else {
        Vec::new()
    };
    let action = &mut view.actions[index];
    let Some(row) = with_video
        .iter()
        .find(|row| !action.posts.iter().any(|post| post.row_id == row.row_id))
    else {
        if action.posts.iter().all(|post| post.user_job_id.is_none()) {
            let reasons: Vec<String> = action
                .posts
                .iter()
                .filter_map(|post| {
                    post.reason
                        .as_ref()
                        .map(|reason| format!("row {}: {reason}", post.row_id))
                })
                .collect();
            return Ok(Step::Failed(format!(
                "nothing was posted ({})",
                reasons.join("; ")
            )));
        }
        return Ok(Step::Completed);
    };
    let mut outcome = PostOutcome {
        row_id: row.row_id,
        ..PostOutcome::default()
    };
    let description = describe(app, context, row, &config.description).await?;
    let scheduled = match &config.schedule {
        PostWhen::Now => None,
        PostWhen::NextSlot { slots, timezone } => {
            let after = app.clock.now() + chrono::Duration::minutes(2);
            next_free_slot(slots, timezone, after, &taken)
        }
    };
    match description {
        Err(reason) => outcome.reason = Some(reason),
        Ok(description) => {
            let mut data = json!({
                "platform": "tiktok",
                "media_url": row.video_url,
                "description": description,
                "media_type": "VIDEO",
                "schedule_type": if scheduled.is_some() { "scheduled" } else { "now" },
                "force": config.force,
            });
            if let Some(at) = scheduled {
                data["scheduled_time"] =
                    json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            }
            if let Some(idea) = row.idea_id {
                data["idea_id"] = json!(idea);
            }
            if let Some(account) = config.account_id {
                data["account_id"] = json!(account);
            }
            match crate::publishing::post::create(
                app,
                &context.actor,
                context.pipeline.agent_id,
                &data,
            )
            .await
            {
                Ok(job) => {
                    outcome.user_job_id = Some(job.job.id.get());
                    outcome.scheduled_time = scheduled;
                }
                Err(err) if err.is_client_error() => {
                    outcome.reason = Some(err.message.clone());
                }
                Err(err) => return Err(err),
            }
        }
    }
    action.posts.push(outcome);
    Ok(Step::Progress)
}

/// The slots the pipeline's posts hold: those of its recent runs and of this one.
async fn taken_slots(
    app: &App,
    pipeline: &PipelineRecord,
    view: &RunView,
) -> AppResult<Vec<DateTime<Utc>>> {
    let mut conn = app.db.conn().await?;
    let mut runs: Vec<RunView> = store::for_pipeline(&mut conn, pipeline.id, super::runs::LISTED)
        .await?
        .into_iter()
        .filter(|run| run.id != view.record.id)
        .map(RunView::of)
        .collect();
    runs.push(view.clone());
    Ok(runs
        .iter()
        .flat_map(|run| run.actions.iter())
        .flat_map(|action| action.posts.iter())
        .filter_map(|post| post.scheduled_time)
        .collect())
}

/// The description for a row's post: `{{title}}` is the idea's title (else the sheet's),
/// and any other name a column of the row. A name found nowhere is an error naming it.
async fn describe(
    app: &App,
    context: &Context,
    row: &RowOutcome,
    template: &str,
) -> AppResult<Result<String, String>> {
    let mut conn = app.db.conn().await?;
    let contents = tree::load(&mut conn, context.sheet, Scope::Row(RowId::new(row.row_id))).await?;
    let title = match row.idea_id {
        Some(idea) => ace_db::ideas::find(&mut conn, IdeaId::new(idea))
            .await?
            .map(|idea| idea.title),
        None => None,
    };
    let title = match title {
        Some(title) => title,
        None => ace_db::sheets::engines::find(&mut conn, context.pipeline.agent_id, context.sheet)
            .await?
            .map(|sheet| sheet.title)
            .unwrap_or_default(),
    };
    let cells: Vec<(String, Option<String>)> = contents
        .cells
        .iter()
        .filter(|cell| cell.row_id.get() == row.row_id)
        .filter_map(|cell| {
            let column = contents.columns.iter().find(|c| c.id == cell.column_id)?;
            Some((
                column.title.clone(),
                cell.value.clone().filter(|v| !v.trim().is_empty()),
            ))
        })
        .collect();
    let mut card = Map::new();
    card.insert("title".into(), Value::String(title));
    let filled = substitute(
        template,
        &Sources {
            card: Some(&card),
            globals: &[],
            cells: &cells,
        },
    );
    if !filled.unresolved.is_empty() {
        return Ok(Err(format!(
            "the description names {}, which row {} has no value for",
            filled
                .unresolved
                .iter()
                .map(|name| format!("{{{{{name}}}}}"))
                .collect::<Vec<_>>()
                .join(", "),
            row.row_id
        )));
    }
    Ok(Ok(filled.text.trim().to_owned()))
}
