//! Start a pipeline run by hand.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::pipelines::PipelineRunStarted;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Starts a run of the pipeline's actions now, within its budget. A pipeline has one run
/// going at a time. Follow it with GET …/runs/{run_id} or its `events`.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/pipelines/{pipeline_id}/runs", tag = "Pipelines", operation_id = "createPipelineRun",
    params(("sheet_id" = i64, Path), ("pipeline_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 202, body = PipelineRunStarted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn create_pipeline_run(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, pipeline)): Path<(RawId, RawId)>,
) -> ApiResult<(StatusCode, Json<PipelineRunStarted>)> {
    let run =
        ace_app::pipelines::runs::start(&state.app, &actor, agent, sheet.into_id(), pipeline.0)
            .await?;
    let started = PipelineRunStarted {
        run_id: run.record.id,
        status: run.record.status.to_string(),
    };
    Ok((StatusCode::ACCEPTED, Json(started)))
}
