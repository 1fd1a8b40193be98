//! Delete a pipeline action.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Removes the action from the pipeline.
#[utoipa::path(delete, path = "/v1/autocontentengine/{sheet_id}/pipelines/{pipeline_id}/actions/{action_id}", tag = "Pipelines", operation_id = "deletePipelineAction",
    params(("sheet_id" = i64, Path), ("pipeline_id" = i64, Path), ("action_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn delete_pipeline_action(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, pipeline, action)): Path<(RawId, RawId, RawId)>,
) -> ApiResult<StatusCode> {
    ace_app::pipelines::actions::delete(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        pipeline.0,
        action.0,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
