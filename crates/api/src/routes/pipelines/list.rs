//! List a sheet's pipelines.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::pipelines::PipelineResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// The sheet's pipelines with their actions, oldest first.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/pipelines", tag = "Pipelines", operation_id = "listPipelines",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = Vec<PipelineResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn list_pipelines(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
) -> ApiResult<Json<Vec<PipelineResponse>>> {
    let views = ace_app::pipelines::list(&state.app, &actor, agent, sheet.into_id()).await?;
    Ok(Json(views.iter().map(PipelineResponse::from).collect()))
}
