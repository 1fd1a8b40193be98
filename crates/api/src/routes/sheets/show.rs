//! Read an engine.

use axum::Json;
use axum::extract::{Path, State};

use super::CostQuery;
use ace_app::sheets::assembled::Assembler;

use crate::dto::sheets::SheetResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Query;
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// The engine with all its columns, rows, cells, layers and global variables;
/// `with_execution_cost=true` adds what each row, cell and layer has cost.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}", tag = "Sheets", operation_id = "getSheet",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query), ("with_execution_cost" = Option<bool>, Query)),
    responses((status = 200, body = SheetResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::CONVERT))))]
pub async fn get_sheet(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    Query(query): Query<CostQuery>,
) -> ApiResult<Json<SheetResponse>> {
    let view = ace_app::sheets::engines::get(&state.app, &actor, agent, sheet.into_id()).await?;
    let with_cost = query.with_execution_cost.unwrap_or(false);
    Ok(Json(SheetResponse::new(
        &Assembler::new(&view, &state.app).engine(),
        with_cost,
    )))
}
