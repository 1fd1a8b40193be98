//! Reorder a cell's layers.

use ace_domain::ids::LayerId;
use axum::Json;
use axum::extract::{Path, State};

use crate::dto::sheets::{LayerPositionsBody, LayerResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::JsonAs;
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::routes::cells::first_cell;
use crate::state::ApiState;

/// Moves layers to the given 1-based z-positions (1 at the back). Returns every layer of the cell.
#[utoipa::path(put, path = "/v1/autocontentengine/{sheet_id}/cells/{cell_id}/layers/update_positions", tag = "Layers", operation_id = "updateLayerPositions",
    params(("sheet_id" = i64, Path), ("cell_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = LayerPositionsBody,
    responses((status = 200, body = [LayerResponse]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn update_layer_positions(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, cell)): Path<(RawId, RawId)>,
    JsonAs(body): JsonAs<LayerPositionsBody>,
) -> ApiResult<Json<Vec<LayerResponse>>> {
    let moves: Vec<_> = body
        .layers
        .iter()
        .map(|m| (LayerId::new(m.id), m.position))
        .collect();
    let view = ace_app::sheets::layers::update_positions(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        cell.into_id(),
        &moves,
    )
    .await?;
    Ok(Json(first_cell(&view, &state)?.video_layers))
}
