//! Runs a run: plans its calls (once; they are stored, so a resumed run follows the same
//! plan), executes those not finished, pauses at a gated call the user has not approved, and
//! writes the answer. Ending a run (completed, failed or cancelled) settles its reservation
//! to what it used, closes its stream, and starts the next run waiting in its conversation,
//! all in one transaction.

use ace_db::Session;
use ace_db::agent_runs::{self as store, CallRecord, NewCall, RunRecord};
use ace_db::conversations::{self as talk, NewMessage};
use ace_domain::agent_run::{RunStatus, Tool};
use ace_domain::credits::Credits;
use ace_domain::ideas::pricing::AgentWork;
use ace_jobs::{Handler, Job, Outcome, Payload, StartError};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tracing::warn;

use super::planning::{self, Planned};
use super::tool_loop::{self, Next};
use super::{Asked, answer, ending, enqueue, latest_ideas, reservation_of, tool_chat_model, tools};
use crate::credits;
use crate::pipelines::wakeup;
use crate::{App, AppError, AppResult, ErrorKind};

/// The job that runs (or resumes) a run.
#[derive(Debug, Serialize, Deserialize)]
pub struct AgentTurn {
    pub run_id: String,
}

impl Payload for AgentTurn {
    const KIND: &'static str = "agent_run";
    const VERSION: u32 = 1;
}

/// Runs agent runs.
pub struct AgentRunJobs {
    app: App,
}

impl AgentRunJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for AgentRunJobs {
    fn kind(&self) -> &'static str {
        AgentTurn::KIND
    }

    fn started<'a>(
        &'a self,
        tx: &'a mut dyn Session,
        jobs: &'a mut [Job],
    ) -> BoxFuture<'a, Result<(), StartError>> {
        let now = self.app.clock.now();
        Box::pin(async move {
            for job in jobs.iter() {
                if let Some(turn) = job.readable_payload::<AgentTurn>() {
                    store::change_status(
                        tx,
                        &turn.run_id,
                        RunStatus::Queued,
                        RunStatus::Running,
                        now,
                    )
                    .await?;
                }
            }
            Ok(())
        })
    }

    fn run(&self, job: Job) -> BoxFuture<'static, Outcome> {
        let app = self.app.clone();
        Box::pin(async move {
            match turn(&app, &job).await {
                Ok(()) => Outcome::Done,
                Err(err) => {
                    warn!(job = job.id, error = %err, "an agent run failed inside ace");
                    Outcome::Retry("ace could not finish the run".into())
                }
            }
        })
    }

    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(turn) = job.readable_payload::<AgentTurn>() else {
                return;
            };
            let why = format!("ace could not finish the run: {reason}");
            if let Err(err) = fail(&app, &turn.run_id, &why).await {
                warn!(run = %turn.run_id, error = %err, "could not record a failed agent run");
            }
        })
    }
}

/// One turn of the run `job` names: on until it completes, fails or waits at a gate.
async fn turn(app: &App, job: &Job) -> AppResult<()> {
    let Some(turn) = job.readable_payload::<AgentTurn>() else {
        return Ok(());
    };
    let run = {
        let mut conn = app.db.conn().await?;
        store::find(&mut conn, &turn.run_id).await?
    };
    let Some(run) =
        run.filter(|run| run.status == RunStatus::Running && run.queue_job_id == Some(job.id))
    else {
        return Ok(());
    };
    let asked = Asked::of(&run)?;
    let driver = tool_chat_model(app, &asked.intent);
    let mut calls = planned(app, &run, &asked).await?;
    let written = loop {
        for call in calls.iter().filter(|call| call.result.is_none()) {
            if call.gated && call.approved != Some(true) {
                return pause(app, &run, call).await;
            }
            let mut tx = app.db.begin().await?;
            event(
                &mut tx,
                app,
                &run.id,
                "thinking",
                &json!({ "step": call.summary }),
            )
            .await?;
            tx.commit().await?;
            if let Err(err) = tools::execute(app, &run, call).await {
                match (users_problem(&err), &driver) {
                    // A model that calls tools reads what went wrong and carries on.
                    (Some(reason), Some(_)) => refused(app, &run, call, &reason).await?,
                    (Some(reason), None) => return fail(app, &run.id, &reason).await,
                    (None, _) => return Err(err),
                }
            }
        }
        {
            let mut conn = app.db.conn().await?;
            calls = store::calls(&mut conn, &run.id).await?;
        }
        let Some(model) = &driver else {
            break answer::compose(app, &run, &asked, &calls).await;
        };
        let chat = model.tool_chat().ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("the text model stopped calling tools"))
        })?;
        if !chat.reads_results() && !calls.is_empty() {
            break answer::from_results(app, &run, &asked, &calls).await;
        }
        match tool_loop::next(app, chat, &run, &asked, &calls).await {
            Ok(Next::Answer(text)) => break Ok(answer::from_model(text, &calls)),
            Ok(Next::Calls {
                round,
                calls: asked_for,
            }) => {
                store_plan(app, &run, &asked_for, round).await?;
                let mut conn = app.db.conn().await?;
                calls = store::calls(&mut conn, &run.id).await?;
            }
            Err(err) => break Err(err),
        }
    };
    let written = match written {
        Ok(written) => written,
        Err(err) => {
            return match users_problem(&err) {
                Some(reason) => fail(app, &run.id, &reason).await,
                None => Err(err),
            };
        }
    };
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let message = NewMessage {
        conversation_id: &run.conversation_id,
        run_id: Some(&run.id),
        role: "assistant",
        content: &written.content,
        data: written.data.as_ref(),
    };
    talk::add_message(&mut tx, message, now).await?;
    event(
        &mut tx,
        app,
        &run.id,
        "message",
        &json!({ "role": "assistant", "content": written.content, "data": written.data }),
    )
    .await?;
    if end(&mut tx, app, &run, RunStatus::Completed, None)
        .await?
        .is_none()
    {
        // Cancelled meanwhile: the answer is not kept.
        return Ok(());
    }
    tx.commit().await?;
    app.queue.wake();
    Ok(())
}

/// Records that `call` could not run, as its result, for the model to read.
async fn refused(app: &App, run: &RunRecord, call: &CallRecord, reason: &str) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    let result = json!({ "error": reason });
    store::finish_call(&mut tx, &run.id, &call.call_id, &result, app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// A failure the user should read (a model that cannot answer, an idea that is gone), as
/// opposed to one inside ace, which is retried.
fn users_problem(err: &AppError) -> Option<String> {
    match err.kind {
        ErrorKind::Internal => None,
        _ => Some(err.message.clone()),
    }
}

/// The run's calls, planned by rules now if they were not yet.
async fn planned(app: &App, run: &RunRecord, asked: &Asked) -> AppResult<Vec<CallRecord>> {
    let mut conn = app.db.conn().await?;
    let calls = store::calls(&mut conn, &run.id).await?;
    if !calls.is_empty() {
        return Ok(calls);
    }
    let latest = latest_ideas(&mut conn, &run.conversation_id).await?;
    drop(conn);
    let plan = planning::plan(&asked.intent, &latest);
    if plan.is_empty() {
        return Ok(Vec::new());
    }
    store_plan(app, run, &plan, 1).await?;
    let mut conn = app.db.conn().await?;
    Ok(store::calls(&mut conn, &run.id).await?)
}

/// Stores `plan` as the run's calls of round `round`, and tells the stream.
async fn store_plan(app: &App, run: &RunRecord, plan: &[Planned], round: i32) -> AppResult<()> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    for step in plan {
        let gated = step
            .tool
            .parse::<Tool>()
            .is_ok_and(|tool| tool.is_gated(&step.arguments, &app.settings.gated_tools));
        let call = NewCall {
            call_id: &step.call_id,
            round,
            tool: &step.tool,
            arguments: &step.arguments,
            summary: &step.summary,
            gated,
        };
        store::plan_call(&mut tx, &run.id, &call, now).await?;
    }
    let steps: Vec<String> = plan
        .iter()
        .enumerate()
        .map(|(at, step)| format!("{}. {}", at + 1, step.summary))
        .collect();
    event(
        &mut tx,
        app,
        &run.id,
        "plan",
        &json!({ "steps": steps, "round": round }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Pauses the run at `call` until the user decides.
async fn pause(app: &App, run: &RunRecord, call: &CallRecord) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    if store::pause(&mut tx, &run.id, app.clock.now())
        .await?
        .is_some()
    {
        let pending = json!({
            "id": call.call_id,
            "tool": call.tool,
            "arguments": call.arguments.0,
            "summary": call.summary,
        });
        event(
            &mut tx,
            app,
            &run.id,
            "status",
            &json!({ "status": "awaiting_approval", "pending_action": pending }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Fails run `id` with `reason`, if it has not ended.
async fn fail(app: &App, id: &str, reason: &str) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    if let Some(run) = store::find(&mut tx, id).await? {
        end(&mut tx, app, &run, RunStatus::Failed, Some(reason)).await?;
    }
    tx.commit().await?;
    app.queue.wake();
    Ok(())
}

/// Ends `run` in `tx`: its status, its charge settled to what it used, its stream closed, a
/// pipeline run waiting on it woken, and the next run waiting in its conversation queued. `None` when it had ended already.
pub(crate) async fn end(
    tx: &mut dyn Session,
    app: &App,
    run: &RunRecord,
    status: RunStatus,
    error: Option<&str>,
) -> AppResult<Option<RunRecord>> {
    let now = app.clock.now();
    let calls = store::calls(tx, &run.id).await?;
    let estimate = Credits::from_millis(run.estimate_millis);
    let used = used(app, &calls, status == RunStatus::Completed).min(estimate);
    let Some(ended) = store::end(tx, &run.id, ending(status, error, used), now).await? else {
        return Ok(None);
    };
    if let Some(reservation) = reservation_of(run) {
        credits::settle(tx, reservation, used, now).await?;
    }
    event(
        tx,
        app,
        &run.id,
        "status",
        &json!({ "status": status.shown(), "error": error }),
    )
    .await?;
    event(
        tx,
        app,
        &run.id,
        "done",
        &json!({ "status": status.shown() }),
    )
    .await?;
    wakeup::wake(tx, app, &wakeup::agent_run(&run.id)).await?;
    if !store::conversation_busy(tx, &run.conversation_id).await?
        && let Some(next) = store::next_waiting(tx, &run.conversation_id).await?
    {
        let job = enqueue(tx, app, &next.id, next.organization_id.get()).await?;
        store::attach(tx, &next.id, Some(job), None, now).await?;
    }
    Ok(Some(ended))
}

/// What the finished calls used: the ideas written (with the research before them), else
/// research (nothing when no source was there to ask), else a refinement, else (a completed
/// run) a chat.
fn used(app: &App, calls: &[CallRecord], completed: bool) -> Credits {
    let finished = |tool: Tool| {
        calls
            .iter()
            .filter(move |call| call.tool == tool.as_str() && call.result.is_some())
    };
    let proposed: u64 = finished(Tool::ProposeIdeas)
        .filter_map(|call| {
            call.result
                .as_ref()
                .and_then(|result| result.0["count"].as_u64())
        })
        .sum();
    // Research only counts when a source was there to ask.
    let researched = finished(Tool::Research).any(|call| {
        call.result
            .as_ref()
            .is_some_and(|result| result.0["sources_asked"].as_u64().unwrap_or(0) > 0)
    });
    let work = if proposed > 0 {
        AgentWork::Ideas {
            count: u32::try_from(proposed).unwrap_or(u32::MAX),
            with_research: researched,
        }
    } else if researched {
        AgentWork::Research
    } else if finished(Tool::Research).next().is_some() {
        // Research with no source to ask did nothing to pay for.
        return Credits::from_millis(0);
    } else if finished(Tool::ReviseIdeas).next().is_some() {
        AgentWork::Refine
    } else if completed {
        AgentWork::Chat
    } else {
        return Credits::from_millis(0);
    };
    app.pricing.for_agent(work)
}

/// Appends an event to the run's progress stream, in `tx`.
pub(crate) async fn event(
    tx: &mut dyn Session,
    app: &App,
    run: &str,
    name: &str,
    data: &Value,
) -> AppResult<()> {
    store::append_event(tx, run, name, data, app.clock.now()).await?;
    Ok(())
}
