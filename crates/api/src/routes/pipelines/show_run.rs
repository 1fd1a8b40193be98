//! Get a pipeline run.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::pipelines::PipelineRunResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// The run with each action's state, what it made (the agent run, ideas, rows, videos,
/// posts) and the credits spent against its budget.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/pipelines/{pipeline_id}/runs/{run_id}", tag = "Pipelines", operation_id = "getPipelineRun",
    params(("sheet_id" = i64, Path), ("pipeline_id" = i64, Path), ("run_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = PipelineRunResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn get_pipeline_run(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, pipeline, run)): Path<(RawId, RawId, RawId)>,
) -> ApiResult<Json<PipelineRunResponse>> {
    let sheet = sheet.into_id();
    let run =
        ace_app::pipelines::runs::get(&state.app, &actor, agent, sheet, pipeline.0, run.0).await?;
    Ok(Json(PipelineRunResponse::of(
        &run,
        sheet.get(),
        agent.get(),
    )))
}
