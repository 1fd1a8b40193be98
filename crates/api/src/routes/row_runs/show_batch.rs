//! Read a batch of row runs.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::row_runs::BatchResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// A batch as it stands: how its rows stand together, and each row's run.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/runs/{batch_id}", tag = "Row Runs", operation_id = "getRowRunBatch",
    params(("sheet_id" = i64, Path), ("batch_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = BatchResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn get_row_run_batch(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, batch)): Path<(RawId, RawId)>,
) -> ApiResult<Json<BatchResponse>> {
    let view = ace_app::row_runs::batches::get(&state.app, &actor, agent, sheet.into_id(), batch.0)
        .await?;
    Ok(Json(BatchResponse::from(&view)))
}
