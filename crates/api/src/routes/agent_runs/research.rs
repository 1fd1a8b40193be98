//! Research a topic.

use ace_app::agent_runs;
use ace_app::idempotency::Idempotent;
use ace_domain::agent_run::Depth;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

use crate::dto::agent_runs::{AgentRunStarted, ResearchBody};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, IdempotencyKey, JsonAs};
use crate::state::ApiState;

/// Starts research on the topic across the configured research sources, as a run of a new
/// conversation: `quick` asks each source for 5 findings from the last week, `default` for
/// 10 from the last month, `deep` for 20 at any date in two rounds (the second searching
/// again with what the first found; it waits for approval by default). Findings are kept in
/// the agent's knowledge base; the completed run's message carries the summary and the
/// cited findings. Charged as `web_research`.
#[utoipa::path(post, path = "/v1/research", tag = "Agent Chat", operation_id = "runResearch",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retrying with the same key within 24 hours returns the first answer and charges nothing more.")),
    request_body = ResearchBody,
    responses((status = 202, body = AgentRunStarted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn run_research(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    key: IdempotencyKey,
    JsonAs(body): JsonAs<ResearchBody>,
) -> ApiResult<(StatusCode, Json<AgentRunStarted>)> {
    let topic = body
        .topic
        .filter(|topic| !topic.trim().is_empty())
        .ok_or_else(|| ApiError::validation("topic is required."))?;
    let depth = match body.depth.as_deref().map(str::trim) {
        None | Some("") => Depth::Default,
        Some(text) => text
            .parse()
            .map_err(|err| ApiError::validation(format!("depth {text:?}: {err}.")))?,
    };
    let idempotent = match &key.0 {
        Some(key) => {
            let asked = json!({ "agent_id": agent.get(), "topic": topic, "depth": depth });
            Some(Idempotent::new(key, "research", &asked)?)
        }
        None => None,
    };
    let started = agent_runs::research(
        &state.app,
        &actor,
        agent,
        &topic,
        depth,
        idempotent.as_ref(),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(started.into())))
}
