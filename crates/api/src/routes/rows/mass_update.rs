//! Update several rows.

use ace_app::sheets::rows::RowEdit;
use ace_domain::ids::RowId;
use axum::Json;
use axum::extract::{Path, State};

use ace_app::sheets::assembled::Assembler;

use crate::dto::sheets::{RowResponse, RowsBody};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::JsonAs;
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Deep-merges `additional_attributes` into each listed row and applies positions; all or
/// nothing. Returns every row.
#[utoipa::path(put, path = "/v1/autocontentengine/{sheet_id}/rows/mass_update", tag = "Rows", operation_id = "massUpdateRows",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = RowsBody,
    responses((status = 200, body = [RowResponse]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn mass_update_rows(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    JsonAs(body): JsonAs<RowsBody>,
) -> ApiResult<Json<Vec<RowResponse>>> {
    let edits: Vec<RowEdit> = body
        .rows
        .into_iter()
        .map(|item| RowEdit {
            id: Some(RowId::new(item.id)),
            position: item.position,
            additional_attributes: item.additional_attributes,
        })
        .collect();
    let view =
        ace_app::sheets::rows::mass_update(&state.app, &actor, agent, sheet.into_id(), &edits)
            .await?;
    Ok(Json(
        Assembler::new(&view, &state.app)
            .rows()
            .iter()
            .map(|row| RowResponse::new(row, false))
            .collect(),
    ))
}
