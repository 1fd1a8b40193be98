//! Try a pipeline's ideas prompt alone.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::agent_runs::AgentRunStarted;
use crate::dto::pipelines::TestPromptBody;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Runs an ideas prompt without the rest of a pipeline: an ordinary agent run of the sheet's
/// agent, charged as one, whose ideas are kept like any other and make no rows. Poll it with
/// GET /v1/agent/runs/{run_id}.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/pipelines/run_test_prompt", tag = "Pipelines", operation_id = "runPipelineTestPrompt",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = TestPromptBody,
    responses((status = 202, body = AgentRunStarted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn run_pipeline_test_prompt(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    JsonAs(body): JsonAs<TestPromptBody>,
) -> ApiResult<(StatusCode, Json<AgentRunStarted>)> {
    let started = ace_app::pipelines::runs::test_prompt(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        &body.prompt,
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(started.into())))
}
