//! Add a layer.

use ace_app::sheets::layers::LayerInput;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::layer;
use crate::dto::sheets::{LayerBody, LayerResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Adds a layer to a video cell at `position` (the top if omitted).
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/cells/{cell_id}/layers", tag = "Layers", operation_id = "createLayer",
    params(("sheet_id" = i64, Path), ("cell_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body(content = LayerBody, description = "Under `video_layer`."),
    responses((status = 201, body = LayerResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn create_layer(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, cell)): Path<(RawId, RawId)>,
    Wrapped(body): Wrapped<LayerBody>,
) -> ApiResult<(StatusCode, Json<LayerResponse>)> {
    let input = LayerInput {
        name: body.name,
        kind: body.kind,
        position: body.position,
        additional_attributes: body.additional_attributes,
    };
    let view = ace_app::sheets::layers::create(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        cell.into_id(),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(layer(&view, &state)?)))
}
