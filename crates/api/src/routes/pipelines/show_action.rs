//! Get a pipeline action.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::pipelines::PipelineActionResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// One action of the pipeline, its config spelled out.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/pipelines/{pipeline_id}/actions/{action_id}", tag = "Pipelines", operation_id = "getPipelineAction",
    params(("sheet_id" = i64, Path), ("pipeline_id" = i64, Path), ("action_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = PipelineActionResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn get_pipeline_action(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, pipeline, action)): Path<(RawId, RawId, RawId)>,
) -> ApiResult<Json<PipelineActionResponse>> {
    let action = ace_app::pipelines::actions::get(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        pipeline.0,
        action.0,
    )
    .await?;
    Ok(Json(PipelineActionResponse::from(&action)))
}
