//! Update a pipeline action.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::pipelines::{ActionBody, PipelineActionResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Replaces the action's position or config (checked for its type, which stays). Runs going
/// keep the actions they started with.
#[utoipa::path(patch, path = "/v1/autocontentengine/{sheet_id}/pipelines/{pipeline_id}/actions/{action_id}", tag = "Pipelines", operation_id = "updatePipelineAction",
    params(("sheet_id" = i64, Path), ("pipeline_id" = i64, Path), ("action_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body(content = ActionBody, description = "Under `action`, or at the top level."),
    responses((status = 200, body = PipelineActionResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn update_pipeline_action(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, pipeline, action)): Path<(RawId, RawId, RawId)>,
    Wrapped(body): Wrapped<ActionBody>,
) -> ApiResult<Json<PipelineActionResponse>> {
    let action = ace_app::pipelines::actions::update(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        pipeline.0,
        action.0,
        body.into(),
    )
    .await?;
    Ok(Json(PipelineActionResponse::from(&action)))
}
