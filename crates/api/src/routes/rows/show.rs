//! Read a row.

use axum::Json;
use axum::extract::{Path, State};

use super::first_row;
use crate::dto::sheets::RowResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// One row with its cells.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/rows/{row_id}", tag = "Rows", operation_id = "getRow",
    params(("sheet_id" = i64, Path), ("row_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = RowResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn get_row(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, row)): Path<(RawId, RawId)>,
) -> ApiResult<Json<RowResponse>> {
    let view =
        ace_app::sheets::rows::get(&state.app, &actor, agent, sheet.into_id(), row.into_id())
            .await?;
    Ok(Json(first_row(&view, &state)?))
}
