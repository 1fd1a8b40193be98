//! Add an action to a pipeline.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::pipelines::{ActionBody, PipelineActionResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Adds an action: `ideas` (`{prompt}`: the agent proposes ideas, each becomes a row),
/// `run_rows` (a row run of each new or chosen row) or `publish` (each video posted now or in
/// the next free slot of a calendar). Actions run in position order.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/pipelines/{pipeline_id}/actions", tag = "Pipelines", operation_id = "createPipelineAction",
    params(("sheet_id" = i64, Path), ("pipeline_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body(content = ActionBody, description = "Under `action`, or at the top level."),
    responses((status = 201, body = PipelineActionResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn create_pipeline_action(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, pipeline)): Path<(RawId, RawId)>,
    Wrapped(body): Wrapped<ActionBody>,
) -> ApiResult<(StatusCode, Json<PipelineActionResponse>)> {
    let action = ace_app::pipelines::actions::create(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        pipeline.0,
        body.into(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(PipelineActionResponse::from(&action)),
    ))
}
