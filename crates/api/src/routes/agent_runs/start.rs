//! Send the agent a message.

use ace_app::agent_runs::{self, RunRequest};
use ace_app::idempotency::Idempotent;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::dto::agent_runs::{AgentRunBody, AgentRunStarted};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, IdempotencyKey, JsonAs};
use crate::state::ApiState;

/// Starts a run answering the message: ideas ("generate 5 content ideas", with
/// `. Requirements: …` and `. Use <type> format only.`), a refinement of the conversation's
/// latest ideas ("make idea 1 punchier, drop idea 3"), a preference (`remember: …`,
/// `forget: …`, "list all my current preferences"), research ("research …"), a vidsheet from
/// an idea ("make a vidsheet from idea 2", which waits for approval), or chat. A second
/// message to a conversation with an active run waits behind it. Poll the run, or follow
/// `firebase_path`.
#[utoipa::path(post, path = "/v1/agent/run", tag = "Agent Chat", operation_id = "startAgentRun",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retrying with the same key within 24 hours returns the first answer and charges nothing more.")),
    request_body = AgentRunBody,
    responses((status = 202, body = AgentRunStarted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn start_agent_run(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    key: IdempotencyKey,
    JsonAs(body): JsonAs<AgentRunBody>,
) -> ApiResult<(StatusCode, Json<AgentRunStarted>)> {
    let message = body
        .message
        .filter(|message| !message.trim().is_empty())
        .ok_or_else(|| ApiError::validation("message is required."))?;
    let idempotent = match &key.0 {
        Some(key) => {
            let asked = json!({
                "agent_id": agent.get(),
                "message": message,
                "conversation_id": body.conversation_id,
            });
            Some(Idempotent::new(key, "agent_run", &asked)?)
        }
        None => None,
    };
    let request = RunRequest {
        agent_id: agent,
        message,
        conversation_id: body.conversation_id,
        attachments: non_null(body.attachments),
        context: non_null(body.context),
        debug: body.debug,
    };
    let started = agent_runs::start(&state.app, &actor, request, idempotent.as_ref()).await?;
    Ok((StatusCode::ACCEPTED, Json(started.into())))
}

fn non_null(value: Value) -> Value {
    if value.is_null() { json!({}) } else { value }
}
