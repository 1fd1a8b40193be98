//! List a pipeline's runs.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::pipelines::PipelineRunResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// The pipeline's latest 50 runs, newest first, each with its actions' state.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/pipelines/{pipeline_id}/runs", tag = "Pipelines", operation_id = "listPipelineRuns",
    params(("sheet_id" = i64, Path), ("pipeline_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = Vec<PipelineRunResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn list_pipeline_runs(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, pipeline)): Path<(RawId, RawId)>,
) -> ApiResult<Json<Vec<PipelineRunResponse>>> {
    let sheet = sheet.into_id();
    let runs = ace_app::pipelines::runs::list(&state.app, &actor, agent, sheet, pipeline.0).await?;
    Ok(Json(
        runs.iter()
            .map(|run| PipelineRunResponse::of(run, sheet.get(), agent.get()))
            .collect(),
    ))
}
