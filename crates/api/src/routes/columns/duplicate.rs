//! Duplicate a column.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::sheets::ColumnResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Copies an ingredient column with its cell values, right after it.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/columns/{column_id}/duplicate", tag = "Columns", operation_id = "duplicateColumn",
    params(("sheet_id" = i64, Path), ("column_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 201, body = ColumnResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn duplicate_column(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, column)): Path<(RawId, RawId)>,
) -> ApiResult<(StatusCode, Json<ColumnResponse>)> {
    let column = ace_app::sheets::columns::duplicate(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        column.into_id(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ColumnResponse::from(&column))))
}
