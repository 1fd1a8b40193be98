//! Write several cells.

use axum::Json;
use axum::extract::{Path, State};

use super::cell_edit;
use ace_app::sheets::assembled::Assembler;
use ace_domain::ids::CellId;

use crate::dto::sheets::{CellResponse, CellsBody};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::JsonAs;
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Writes several cells; all or nothing. Returns the cells written.
#[utoipa::path(put, path = "/v1/autocontentengine/{sheet_id}/cells/mass_update", tag = "Cells", operation_id = "massUpdateCells",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = CellsBody,
    responses((status = 200, body = [CellResponse]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn mass_update_cells(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    JsonAs(body): JsonAs<CellsBody>,
) -> ApiResult<Json<Vec<CellResponse>>> {
    let edits: Vec<_> = body
        .cells
        .into_iter()
        .map(|item| cell_edit(item, None))
        .collect();
    let ids: Vec<CellId> = edits.iter().filter_map(|e| e.id).collect();
    let view =
        ace_app::sheets::cells::mass_update(&state.app, &actor, agent, sheet.into_id(), &edits)
            .await?;
    Ok(Json(
        Assembler::new(&view, &state.app)
            .cells(Some(&ids))
            .iter()
            .map(|cell| CellResponse::new(cell, false))
            .collect(),
    ))
}
