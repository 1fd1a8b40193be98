//! Change a layer.

use ace_app::sheets::layers::LayerEdit;
use axum::Json;
use axum::extract::{Path, State};

use super::layer;
use crate::dto::sheets::{LayerBody, LayerResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Renames, retypes or moves a layer, and deep-merges `additional_attributes` (so setting
/// `styles.volume` keeps the other styles; `null` removes a key).
#[utoipa::path(patch, path = "/v1/autocontentengine/{sheet_id}/cells/{cell_id}/layers/{layer_id}", tag = "Layers", operation_id = "updateLayer",
    params(("sheet_id" = i64, Path), ("cell_id" = i64, Path), ("layer_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body(content = LayerBody, description = "Under `video_layer`."),
    responses((status = 200, body = LayerResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn update_layer(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, cell, id)): Path<(RawId, RawId, RawId)>,
    Wrapped(body): Wrapped<LayerBody>,
) -> ApiResult<Json<LayerResponse>> {
    let edit = LayerEdit {
        name: body.name,
        kind: body.kind,
        position: body.position,
        additional_attributes: body.additional_attributes,
    };
    let view = ace_app::sheets::layers::update(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        cell.into_id(),
        id.into_id(),
        &edit,
    )
    .await?;
    Ok(Json(layer(&view, &state)?))
}
