//! Reorder columns.

use ace_domain::ids::ColumnId;
use axum::Json;
use axum::extract::{Path, State};

use crate::dto::sheets::{ColumnPositionsBody, ColumnResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::JsonAs;
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Moves ingredient columns to the given 1-based positions. Returns every column.
#[utoipa::path(patch, path = "/v1/autocontentengine/{sheet_id}/columns/update_positions", tag = "Columns", operation_id = "updateColumnPositions",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = ColumnPositionsBody,
    responses((status = 200, body = [ColumnResponse]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn update_column_positions(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    JsonAs(body): JsonAs<ColumnPositionsBody>,
) -> ApiResult<Json<Vec<ColumnResponse>>> {
    let moves: Vec<_> = body
        .columns
        .iter()
        .map(|m| (ColumnId::new(m.id), m.position))
        .collect();
    let columns = ace_app::sheets::columns::update_positions(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        &moves,
    )
    .await?;
    Ok(Json(columns.iter().map(ColumnResponse::from).collect()))
}
