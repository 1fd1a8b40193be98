//! Create a pipeline.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::pipelines::{PipelineBody, PipelineResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Creates a pipeline on the sheet: a name, a trigger (`webhook`, `schedule_minutely` to
/// `schedule_monthly`, `schedule_once`) with its `trigger_config`, and the credits one run
/// may spend. A scheduled pipeline is armed for its next slot at once; add its actions next.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/pipelines", tag = "Pipelines", operation_id = "createPipeline",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body(content = PipelineBody, description = "Under `pipeline`, or at the top level."),
    responses((status = 201, body = PipelineResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn create_pipeline(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    Wrapped(body): Wrapped<PipelineBody>,
) -> ApiResult<(StatusCode, Json<PipelineResponse>)> {
    let view =
        ace_app::pipelines::create(&state.app, &actor, agent, sheet.into_id(), body.into()).await?;
    Ok((StatusCode::CREATED, Json(PipelineResponse::from(&view))))
}
