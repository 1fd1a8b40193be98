//! Update several columns.

use axum::Json;
use axum::extract::{Path, State};

use super::column_edit;
use crate::dto::sheets::{ColumnResponse, ColumnsBody};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::JsonAs;
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Changes several ingredient columns; all or nothing. Returns every column.
#[utoipa::path(put, path = "/v1/autocontentengine/{sheet_id}/columns/mass_update", tag = "Columns", operation_id = "massUpdateColumns",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = ColumnsBody,
    responses((status = 200, body = [ColumnResponse]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn mass_update_columns(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    JsonAs(body): JsonAs<ColumnsBody>,
) -> ApiResult<Json<Vec<ColumnResponse>>> {
    let edits: Vec<_> = body
        .columns
        .into_iter()
        .map(|item| column_edit(item, None))
        .collect();
    let columns =
        ace_app::sheets::columns::mass_update(&state.app, &actor, agent, sheet.into_id(), &edits)
            .await?;
    Ok(Json(columns.iter().map(ColumnResponse::from).collect()))
}
