//! List an engine's rows.

use axum::Json;
use axum::extract::{Path, State};

use ace_app::sheets::assembled::Assembler;

use crate::dto::sheets::RowResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Every row in order, each with its cells.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/rows", tag = "Rows", operation_id = "listRows",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = [RowResponse]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn list_rows(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
) -> ApiResult<Json<Vec<RowResponse>>> {
    let view = ace_app::sheets::rows::list(&state.app, &actor, agent, sheet.into_id()).await?;
    Ok(Json(
        Assembler::new(&view, &state.app)
            .rows()
            .iter()
            .map(|row| RowResponse::new(row, false))
            .collect(),
    ))
}
