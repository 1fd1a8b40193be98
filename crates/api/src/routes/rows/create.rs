//! Add a row.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::first_row;
use crate::dto::sheets::{RowBody, RowResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Adds a row at `position` (the end if omitted), with a cell for every column.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/rows", tag = "Rows", operation_id = "createRow",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body(content = RowBody, description = "Under `spreadsheet_row`."),
    responses((status = 201, body = RowResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn create_row(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    Wrapped(body): Wrapped<RowBody>,
) -> ApiResult<(StatusCode, Json<RowResponse>)> {
    let view =
        ace_app::sheets::rows::create(&state.app, &actor, agent, sheet.into_id(), body.position)
            .await?;
    Ok((StatusCode::CREATED, Json(first_row(&view, &state)?)))
}
