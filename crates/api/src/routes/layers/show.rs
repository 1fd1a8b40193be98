//! Read a layer.

use axum::Json;
use axum::extract::{Path, State};

use super::layer;
use crate::dto::sheets::LayerResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// One layer with its generation history.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/cells/{cell_id}/layers/{layer_id}", tag = "Layers", operation_id = "getLayer",
    params(("sheet_id" = i64, Path), ("cell_id" = i64, Path), ("layer_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = LayerResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn get_layer(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, cell, id)): Path<(RawId, RawId, RawId)>,
) -> ApiResult<Json<LayerResponse>> {
    let view = ace_app::sheets::layers::get(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        cell.into_id(),
        id.into_id(),
    )
    .await?;
    Ok(Json(layer(&view, &state)?))
}
