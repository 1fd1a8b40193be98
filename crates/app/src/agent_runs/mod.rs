//! Agent runs (Step 2): a message to the agent, answered on the job engine so the answer
//! survives a restart. Starting a run stores the user's message, reads what it asks for
//! ([`Intent`]), reserves what that costs and queues the run, all in one transaction; a run
//! whose conversation is busy waits `queued` behind the active one and starts when it ends.
//! [`worker`] plans the run's tool calls (by rules, or turn by turn by a model that calls
//! tools), executes them (pausing at gated ones until [`approve`]), and writes the answer.
//! [`cancel`] stops a run and keeps only what it used. [`daily`] researches Agent Core's
//! topics every day.
//! Runs and conversations are their starter's: anyone else gets 404.

mod answer;
pub mod conversations;
pub mod daily;
mod ideas_writer;
mod planning;
mod tool_loop;
mod tools;
pub mod worker;

use ace_db::agent_runs::{self as store, Ending, NewRun};
use ace_db::conversations::{self as talk, ConversationRecord, MessageRecord, NewMessage};
use ace_db::{Session, agents};
use ace_domain::agent_run::{Depth, Intent, RunStatus};
use ace_domain::credits::Credits;
use ace_domain::ids::{AgentId, IdeaId, LedgerEntryId, OrganizationId, UserId};
use ace_jobs::Enqueue;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::credits::{self, Reservation};
use crate::ideas::IdeaRecord;
use crate::idempotency::Idempotent;
use crate::policy::{AgentNeed, Denials, agent_not_found, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// A stored run, as the routes answer it.
pub use ace_db::agent_runs::RunRecord;
pub use worker::{AgentRunJobs, AgentTurn};

/// The longest message accepted, in characters.
pub const MAX_MESSAGE_CHARS: usize = 8_000;
/// The queue lane agent runs share.
const LANE: &str = "agent";
/// Attempts before a run that keeps failing inside ace is given up.
const ATTEMPTS: u32 = 3;

/// A message to the agent.
#[derive(Clone, Debug)]
pub struct RunRequest {
    pub agent_id: AgentId,
    pub message: String,
    /// Continue this conversation; a new one when `None`.
    pub conversation_id: Option<String>,
    pub attachments: Value,
    pub context: Value,
    pub debug: bool,
}

/// What a started run answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Started {
    pub run_id: String,
    pub conversation_id: String,
    /// The path of the run's progress stream, with its access token.
    pub firebase_path: String,
}

/// What a run's request keeps: the message, what it was read as, and the extras.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Asked {
    pub message: String,
    pub intent: Intent,
    #[serde(default)]
    pub attachments: Value,
    #[serde(default)]
    pub context: Value,
    #[serde(default)]
    pub debug: bool,
}

impl Asked {
    pub(crate) fn of(run: &RunRecord) -> AppResult<Asked> {
        serde_json::from_value(run.request.0.clone())
            .map_err(|err| AppError::internal(anyhow::anyhow!("run {} request: {err}", run.id)))
    }
}

/// A run as the caller reads it: its messages (with the ideas they carry) and, while a gate
/// waits, the call waiting.
#[derive(Clone, Debug)]
pub struct RunView {
    pub run: RunRecord,
    pub messages: Vec<MessageView>,
    pub pending_action: Option<PendingAction>,
}

/// A message with the ideas its data names.
#[derive(Clone, Debug)]
pub struct MessageView {
    pub message: MessageRecord,
    pub ideas: Vec<IdeaRecord>,
}

/// A gated call waiting for the user.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingAction {
    pub id: String,
    pub tool: String,
    pub arguments: Value,
    pub summary: String,
}

/// Starting runs: an agent that does not exist, or that the caller cannot see, is
/// `agent_not_found` (422, as GEN's run endpoint documents); a viewer may not run it.
const RUNNING: Denials = Denials {
    missing: agent_not_found,
    stranger: agent_not_found,
    role: role_too_low,
};

fn role_too_low(_: AgentId) -> AppError {
    AppError::forbidden(
        ErrorCode::PermissionDenied,
        "Your role in this workspace does not allow running this agent.",
    )
}

/// Starts a run for `request` (replayed instead when `idempotent` names a request already
/// answered).
pub async fn start(
    app: &App,
    actor: &Actor,
    request: RunRequest,
    idempotent: Option<&Idempotent>,
) -> AppResult<Started> {
    let message = request.message.trim();
    if message.is_empty() || message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("message must be 1 to {MAX_MESSAGE_CHARS} characters."),
        ));
    }
    let mut tx = app.db.begin().await?;
    if let Some(key) = idempotent
        && let Some(answer) = key.replay(&mut tx, app, actor).await?
    {
        return Ok(answer);
    }
    let view = require_agent(&mut tx, actor, request.agent_id, AgentNeed::Edit, &RUNNING).await?;
    agents::lock(&mut tx, request.agent_id).await?;
    let conversation = match &request.conversation_id {
        Some(id) => {
            let found = owned_conversation(&mut tx, actor, id).await?;
            if found.agent_id != request.agent_id {
                return Err(AppError::unprocessable(
                    ErrorCode::ValidationError,
                    format!(
                        "Conversation {id} is with agent {}, not {}.",
                        found.agent_id, request.agent_id
                    ),
                ));
            }
            found.id
        }
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            let title = Intent::title(message);
            talk::insert(
                &mut tx,
                &id,
                request.agent_id,
                actor.user_id,
                &title,
                app.clock.now(),
            )
            .await?;
            id
        }
    };
    let has_ideas = !latest_ideas(&mut tx, &conversation).await?.is_empty();
    let asked = Asked {
        message: message.to_owned(),
        intent: Intent::of(message, has_ideas),
        attachments: request.attachments,
        context: request.context,
        debug: request.debug,
    };
    let owner = Owner {
        agent: request.agent_id,
        organization: view.agent.organization_id,
        user: actor.user_id,
    };
    let started = queue_run(&mut tx, app, owner, &conversation, &asked).await?;
    if let Some(key) = idempotent
        && !key
            .remember(&mut tx, actor, &started, app.clock.now())
            .await?
    {
        drop(tx);
        let mut conn = app.db.conn().await?;
        return key
            .replay(&mut conn, app, actor)
            .await?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("idempotent answer vanished")));
    }
    tx.commit().await?;
    app.queue.wake();
    Ok(started)
}

/// Starts research on `topic` for the agent: a run of its own conversation, charged as
/// `web_research`.
pub async fn research(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    topic: &str,
    depth: Depth,
    idempotent: Option<&Idempotent>,
) -> AppResult<Started> {
    let topic = topic.trim();
    if topic.is_empty() {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "topic must not be empty.",
        ));
    }
    let request = RunRequest {
        agent_id: agent,
        message: format!("Research {topic} ({depth})"),
        conversation_id: None,
        attachments: Value::Null,
        context: json!({ "research": { "topic": topic, "depth": depth.as_str() } }),
        debug: false,
    };
    start(app, actor, request, idempotent).await
}

/// Stores the run of `asked` in `conversation` with the user's message, reserves its
/// estimate, and queues it unless the conversation is busy.
async fn queue_run(
    tx: &mut dyn Session,
    app: &App,
    owner: Owner,
    conversation: &str,
    asked: &Asked,
) -> AppResult<Started> {
    let now = app.clock.now();
    let id = uuid::Uuid::new_v4().to_string();
    let intent = research_override(asked);
    let calls_tools = tool_chat_model(app, &intent).is_some();
    let estimate = app
        .pricing
        .for_agent(planning::work_of(&intent, calls_tools));
    let request = serde_json::to_value(Asked {
        intent,
        ..asked.clone()
    })
    .map_err(|err| AppError::internal(anyhow::anyhow!("run request: {err}")))?;
    let new = NewRun {
        id: &id,
        conversation_id: conversation,
        agent_id: owner.agent,
        organization_id: owner.organization,
        user_id: owner.user,
        request: &request,
        estimate_millis: estimate.millis(),
    };
    store::insert(tx, &new, now).await?;
    let user = NewMessage {
        conversation_id: conversation,
        run_id: Some(&id),
        role: "user",
        content: &asked.message,
        data: None,
    };
    talk::add_message(tx, user, now).await?;
    let busy = store::conversation_busy(tx, conversation).await?;
    let reference = format!("agent_run:{id}");
    let held = credits::reserve(tx, owner.organization, estimate, &reference, now).await?;
    let job = if busy {
        None
    } else {
        Some(enqueue(tx, app, &id, owner.organization.get()).await?)
    };
    store::attach(tx, &id, job, Some(held.id.get()), now).await?;
    worker::event(tx, app, &id, "status", &json!({ "status": "running" })).await?;
    talk::touch(tx, conversation, now).await?;
    Ok(Started {
        firebase_path: stream_path(app, &id),
        run_id: id,
        conversation_id: conversation.to_owned(),
    })
}

/// The text model, when `intent` is chat and the model calls tools itself: it then drives
/// the run.
pub(crate) fn tool_chat_model(
    app: &App,
    intent: &Intent,
) -> Option<std::sync::Arc<dyn ace_providers::Generator>> {
    if *intent != Intent::Chat {
        return None;
    }
    let model = app.generator(ace_domain::sheet::card::GenerationType::Text, None);
    model.tool_chat().is_some().then_some(model)
}

/// A research request's topic and depth as given, not as its message reads.
fn research_override(asked: &Asked) -> Intent {
    let research = asked.context.get("research");
    let topic = research
        .and_then(|r| r.get("topic"))
        .and_then(Value::as_str);
    let depth = research
        .and_then(|r| r.get("depth"))
        .and_then(Value::as_str)
        .and_then(|depth| depth.parse().ok());
    match (topic, depth) {
        (Some(topic), Some(depth)) => Intent::Research {
            topic: topic.to_owned(),
            depth,
        },
        _ => asked.intent.clone(),
    }
}

/// Whose a run is.
#[derive(Clone, Copy, Debug)]
struct Owner {
    agent: AgentId,
    organization: OrganizationId,
    user: UserId,
}

/// Queues a turn of run `id`.
pub(crate) async fn enqueue(
    tx: &mut dyn Session,
    app: &App,
    id: &str,
    tenant: i64,
) -> AppResult<i64> {
    let payload = AgentTurn {
        run_id: id.to_owned(),
    };
    let job = Enqueue::new(&payload, LANE, tenant).attempts(ATTEMPTS);
    Ok(app.queue.enqueue(tx, &job).await?)
}

/// The path of run `id`'s progress stream, with a token that lets a browser's `EventSource`
/// read it without a key. The token is checked against the run too: it stops opening the
/// stream a day after the run ends.
fn stream_path(app: &App, id: &str) -> String {
    let expires = app.clock.now() + STREAM_TOKEN_LIFETIME;
    let token = app.signer.sign(&stream_purpose(id), 0, expires);
    format!("/v1/agent/runs/{id}/stream?token={token}")
}

fn stream_purpose(id: &str) -> String {
    format!("agent_run_stream:{id}")
}

/// The longest a stream token is good for, whatever the run does.
const STREAM_TOKEN_LIFETIME: chrono::Duration = chrono::Duration::days(30);
/// How long a run's stream stays open after the run ends.
const STREAM_AFTER_END: chrono::Duration = chrono::Duration::days(1);

/// An event of a run's progress stream.
pub use ace_db::agent_runs::EventRecord;

/// The run's stream events after event `after`, if `token` opens its stream: genuine, for
/// this run, and the run not ended more than a day ago. Also says whether the run has ended
/// (the stream closes after its last event).
pub async fn stream_events(
    app: &App,
    id: &str,
    token: &str,
    after: i64,
) -> AppResult<(Vec<EventRecord>, bool)> {
    let now = app.clock.now();
    let refused = || {
        AppError::new(
            crate::ErrorKind::Unauthorized,
            ErrorCode::Unauthorized,
            "This stream link is invalid or has expired; start a new run or poll GET /v1/agent/runs/{id}.",
        )
    };
    app.signer
        .verify(&stream_purpose(id), token, now)
        .map_err(|_| refused())?;
    let mut conn = app.db.conn().await?;
    let run = store::find(&mut conn, id).await?.ok_or_else(refused)?;
    if run
        .finished_at
        .is_some_and(|ended| ended + STREAM_AFTER_END < now)
    {
        return Err(refused());
    }
    let events = store::events_after(&mut conn, id, after).await?;
    Ok((events, run.status.is_final()))
}

/// The run, as its starter reads it.
pub async fn find(app: &App, actor: &Actor, id: &str) -> AppResult<RunView> {
    let mut conn = app.db.conn().await?;
    let run = owned_run(&mut conn, actor, id).await?;
    view(&mut conn, run).await
}

/// Builds the view of `run`.
pub(crate) async fn view(db: &mut dyn Session, run: RunRecord) -> AppResult<RunView> {
    let records = talk::messages_of_run(db, &run.id).await?;
    let messages = with_ideas(db, records).await?;
    let pending_action = if run.status == RunStatus::AwaitingApproval {
        store::calls(db, &run.id)
            .await?
            .into_iter()
            .find(|call| call.gated && call.approved.is_none() && call.result.is_none())
            .map(|call| PendingAction {
                id: call.call_id,
                tool: call.tool,
                arguments: call.arguments.0,
                summary: call.summary,
            })
    } else {
        None
    };
    Ok(RunView {
        run,
        messages,
        pending_action,
    })
}

/// The messages with the ideas their data names (those still there).
pub(crate) async fn with_ideas(
    db: &mut dyn Session,
    records: Vec<MessageRecord>,
) -> AppResult<Vec<MessageView>> {
    let mut messages = Vec::with_capacity(records.len());
    for message in records {
        let mut ideas = Vec::new();
        for id in idea_ids(message.data.as_ref().map(|data| &data.0)) {
            if let Some(idea) = ace_db::ideas::find(db, id).await? {
                ideas.push(idea);
            }
        }
        messages.push(MessageView { message, ideas });
    }
    Ok(messages)
}

/// The ideas a message's data names.
pub(crate) fn idea_ids(data: Option<&Value>) -> Vec<IdeaId> {
    data.and_then(|data| data.get("idea_ids"))
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_i64)
                .map(IdeaId::new)
                .collect()
        })
        .unwrap_or_default()
}

/// The conversation's latest set of ideas (those still there), in their numbers' order.
pub(crate) async fn latest_ideas(
    db: &mut dyn Session,
    conversation: &str,
) -> AppResult<Vec<IdeaRecord>> {
    for message in talk::latest_with_data(db, conversation, 20).await? {
        let ids = idea_ids(message.data.as_ref().map(|data| &data.0));
        if ids.is_empty() {
            continue;
        }
        let mut ideas = Vec::new();
        for id in ids {
            if let Some(idea) = ace_db::ideas::find(db, id).await? {
                ideas.push(idea);
            }
        }
        ideas.sort_by_key(|idea| idea.idea_number);
        return Ok(ideas);
    }
    Ok(Vec::new())
}

/// Stops the run: withdrawn if it waits, aborted if it runs. It keeps (and pays for) only
/// what it finished; the rest of its reservation is handed back.
pub async fn cancel(app: &App, actor: &Actor, id: &str) -> AppResult<RunView> {
    let mut tx = app.db.begin().await?;
    let run = owned_run(&mut tx, actor, id).await?;
    if run.status.is_final() {
        return Err(AppError::unprocessable(
            ErrorCode::RunStatusInvalid,
            format!("Run {id} has already ended ({}).", run.status.shown()),
        ));
    }
    let withdrawn = match run.queue_job_id {
        Some(job) if app.queue.withdraw(&mut tx, job).await? => Some(job),
        _ => None,
    };
    let ended = worker::end(&mut tx, app, &run, RunStatus::Cancelled, Some("cancelled")).await?;
    let view = view(&mut tx, ended.unwrap_or(run)).await?;
    tx.commit().await?;
    if let Some(job) = withdrawn {
        app.queue.abort_local(job);
    }
    app.queue.wake();
    Ok(view)
}

/// Decides the gated call the run waits at: approved, it runs exactly as stored (the model is
/// not asked again); refused, the run fails with the reason. A run not waiting is refused.
pub async fn approve(app: &App, actor: &Actor, id: &str, approved: bool) -> AppResult<RunView> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let run = owned_run(&mut tx, actor, id).await?;
    let waiting = store::calls(&mut tx, id)
        .await?
        .into_iter()
        .find(|call| call.gated && call.approved.is_none() && call.result.is_none());
    let (RunStatus::AwaitingApproval, Some(call)) = (run.status, waiting) else {
        return Err(AppError::unprocessable(
            ErrorCode::RunStatusInvalid,
            format!(
                "Run {id} is not awaiting approval; it is {}.",
                run.status.shown()
            ),
        ));
    };
    store::decide_call(&mut tx, id, &call.call_id, approved).await?;
    let after = if approved {
        let resumed = store::change_status(
            &mut tx,
            id,
            RunStatus::AwaitingApproval,
            RunStatus::Queued,
            now,
        )
        .await?
        .ok_or_else(|| changed_meanwhile(id))?;
        let job = enqueue(&mut tx, app, id, run.organization_id.get()).await?;
        store::attach(&mut tx, id, Some(job), None, now).await?;
        worker::event(&mut tx, app, id, "status", &json!({ "status": "running" })).await?;
        resumed
    } else {
        let reason = format!("The user rejected the {} call: {}", call.tool, call.summary);
        worker::end(&mut tx, app, &run, RunStatus::Failed, Some(&reason))
            .await?
            .ok_or_else(|| changed_meanwhile(id))?
    };
    let view = view(&mut tx, after).await?;
    tx.commit().await?;
    app.queue.wake();
    Ok(view)
}

fn changed_meanwhile(id: &str) -> AppError {
    AppError::unprocessable(
        ErrorCode::RunStatusInvalid,
        format!("Run {id} changed meanwhile; read it again."),
    )
}

/// The run `id` if the caller started it; not found otherwise.
pub(crate) async fn owned_run(
    db: &mut dyn Session,
    actor: &Actor,
    id: &str,
) -> AppResult<RunRecord> {
    store::find(db, id)
        .await?
        .filter(|run| run.user_id == actor.user_id)
        .ok_or_else(|| AppError::not_found(ErrorCode::NotFound, format!("Run {id} not found.")))
}

/// The conversation `id` if the caller started it and has not deleted it.
pub(crate) async fn owned_conversation(
    db: &mut dyn Session,
    actor: &Actor,
    id: &str,
) -> AppResult<ConversationRecord> {
    talk::find(db, id)
        .await?
        .filter(|found| found.user_id == actor.user_id)
        .ok_or_else(|| conversation_not_found(id))
}

fn conversation_not_found(id: &str) -> AppError {
    AppError::not_found(ErrorCode::NotFound, format!("Conversation {id} not found."))
}

/// The reservation a run holds, if any.
pub(crate) fn reservation_of(run: &RunRecord) -> Option<Reservation> {
    run.reservation_id.map(|id| Reservation {
        id: LedgerEntryId::new(id),
        organization_id: run.organization_id,
        amount: Credits::from_millis(run.estimate_millis),
    })
}

/// The end a run reached, with what it cost.
pub(crate) fn ending<'a>(status: RunStatus, error: Option<&'a str>, cost: Credits) -> Ending<'a> {
    Ending {
        status,
        error,
        cost_millis: cost.millis(),
    }
}
