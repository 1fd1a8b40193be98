//! Change a column.

use axum::Json;
use axum::extract::{Path, State};

use super::column_edit;
use crate::dto::sheets::{ColumnBody, ColumnResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Changes an ingredient column's title, type, description or position.
#[utoipa::path(patch, path = "/v1/autocontentengine/{sheet_id}/columns/{column_id}", tag = "Columns", operation_id = "updateColumn",
    params(("sheet_id" = i64, Path), ("column_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body(content = ColumnBody, description = "Under `spreadsheet_column`."),
    responses((status = 200, body = ColumnResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn update_column(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, column)): Path<(RawId, RawId)>,
    Wrapped(body): Wrapped<ColumnBody>,
) -> ApiResult<Json<ColumnResponse>> {
    let edit = column_edit(body, Some(column.into_id()));
    let column =
        ace_app::sheets::columns::update(&state.app, &actor, agent, sheet.into_id(), &edit).await?;
    Ok(Json(ColumnResponse::from(&column)))
}
