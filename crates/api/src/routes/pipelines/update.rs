//! Update a pipeline.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::pipelines::{PipelineBody, PipelineResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Replaces the fields sent. The schedule is armed again from now; `enabled: false` stops
/// the schedule and the webhook.
#[utoipa::path(patch, path = "/v1/autocontentengine/{sheet_id}/pipelines/{pipeline_id}", tag = "Pipelines", operation_id = "updatePipeline",
    params(("sheet_id" = i64, Path), ("pipeline_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body(content = PipelineBody, description = "Under `pipeline`, or at the top level."),
    responses((status = 200, body = PipelineResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn update_pipeline(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, pipeline)): Path<(RawId, RawId)>,
    Wrapped(body): Wrapped<PipelineBody>,
) -> ApiResult<Json<PipelineResponse>> {
    let view = ace_app::pipelines::update(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        pipeline.0,
        body.into(),
    )
    .await?;
    Ok(Json(PipelineResponse::from(&view)))
}
