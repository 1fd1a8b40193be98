//! List an engine's columns.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::sheets::ColumnResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Every column in order.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/columns", tag = "Columns", operation_id = "listColumns",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = [ColumnResponse]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn list_columns(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
) -> ApiResult<Json<Vec<ColumnResponse>>> {
    let columns =
        ace_app::sheets::columns::list(&state.app, &actor, agent, sheet.into_id()).await?;
    Ok(Json(columns.iter().map(ColumnResponse::from).collect()))
}
