//! Run many rows.

use ace_app::row_runs::RunOptions;
use ace_app::row_runs::batches::BatchRequest;
use ace_domain::ids::RowId;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::row_runs::{BatchBody, BatchStarted};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Runs the rows `row_ids` (every row when left out), `max_parallel_rows` at a time (2 by
/// default), each as `POST …/rows/{row_id}/run` would. Every row is planned first: one that
/// cannot run is refused with 422 naming it, and nothing starts.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/run", tag = "Row Runs", operation_id = "runRows",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = BatchBody,
    responses((status = 202, body = BatchStarted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn run_rows(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    JsonAs(body): JsonAs<BatchBody>,
) -> ApiResult<(StatusCode, Json<BatchStarted>)> {
    let request = BatchRequest {
        row_ids: body
            .row_ids
            .map(|ids| ids.into_iter().map(|id| RowId::new(id.0)).collect()),
        max_parallel_rows: body.max_parallel_rows,
        options: RunOptions { force: body.force },
    };
    let batch =
        ace_app::row_runs::batches::start(&state.app, &actor, agent, sheet.into_id(), request)
            .await?;
    let started = BatchStarted {
        batch_id: batch.id,
        status: batch.status.to_string(),
    };
    Ok((StatusCode::ACCEPTED, Json(started)))
}
