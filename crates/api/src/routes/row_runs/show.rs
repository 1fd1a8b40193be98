//! Read a row run.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::row_runs::RunResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// A run as it stands: each step with its generation and status (steps that failed, were
/// skipped or kept their value say why), the render, the credits spent and the progress.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/rows/{row_id}/runs/{run_id}", tag = "Row Runs", operation_id = "getRowRun",
    params(("sheet_id" = i64, Path), ("row_id" = i64, Path), ("run_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = RunResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn get_row_run(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, row, run)): Path<(RawId, RawId, RawId)>,
) -> ApiResult<Json<RunResponse>> {
    let view = ace_app::row_runs::get(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        row.into_id(),
        run.0,
    )
    .await?;
    Ok(Json(RunResponse::from(&view)))
}
