//! Duplicate a row.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::first_row;
use crate::dto::sheets::RowResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Copies a row right after itself: values, creation cards and layer stacks.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/rows/{row_id}/duplicate", tag = "Rows", operation_id = "duplicateRow",
    params(("sheet_id" = i64, Path), ("row_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 201, body = RowResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn duplicate_row(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, row)): Path<(RawId, RawId)>,
) -> ApiResult<(StatusCode, Json<RowResponse>)> {
    let view =
        ace_app::sheets::rows::duplicate(&state.app, &actor, agent, sheet.into_id(), row.into_id())
            .await?;
    Ok((StatusCode::CREATED, Json(first_row(&view, &state)?)))
}
