//! Delete a column.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Deletes an ingredient column and its cells. Answers 204.
#[utoipa::path(delete, path = "/v1/autocontentengine/{sheet_id}/columns/{column_id}", tag = "Columns", operation_id = "deleteColumn",
    params(("sheet_id" = i64, Path), ("column_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn delete_column(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, column)): Path<(RawId, RawId)>,
) -> ApiResult<StatusCode> {
    ace_app::sheets::columns::delete(&state.app, &actor, agent, sheet.into_id(), column.into_id())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
