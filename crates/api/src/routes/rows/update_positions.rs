//! Reorder rows.

use ace_domain::ids::RowId;
use axum::Json;
use axum::extract::{Path, State};

use ace_app::sheets::assembled::Assembler;

use crate::dto::sheets::{RowPositionsBody, RowResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::JsonAs;
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Moves rows to the given 1-based positions; the others keep their order. Returns every row.
#[utoipa::path(put, path = "/v1/autocontentengine/{sheet_id}/rows/update_positions", tag = "Rows", operation_id = "updateRowPositions",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = RowPositionsBody,
    responses((status = 200, body = [RowResponse]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn update_row_positions(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    JsonAs(body): JsonAs<RowPositionsBody>,
) -> ApiResult<Json<Vec<RowResponse>>> {
    let moves: Vec<_> = body
        .rows
        .iter()
        .map(|m| (RowId::new(m.id), m.position))
        .collect();
    let view =
        ace_app::sheets::rows::update_positions(&state.app, &actor, agent, sheet.into_id(), &moves)
            .await?;
    Ok(Json(
        Assembler::new(&view, &state.app)
            .rows()
            .iter()
            .map(|row| RowResponse::new(row, false))
            .collect(),
    ))
}
