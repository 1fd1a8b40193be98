//! Get a pipeline.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::pipelines::PipelineResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// The pipeline with its actions, its next scheduled run and, for a webhook pipeline, the URL
/// that starts a run.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/pipelines/{pipeline_id}", tag = "Pipelines", operation_id = "getPipeline",
    params(("sheet_id" = i64, Path), ("pipeline_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = PipelineResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn get_pipeline(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, pipeline)): Path<(RawId, RawId)>,
) -> ApiResult<Json<PipelineResponse>> {
    let view =
        ace_app::pipelines::get(&state.app, &actor, agent, sheet.into_id(), pipeline.0).await?;
    Ok(Json(PipelineResponse::from(&view)))
}
