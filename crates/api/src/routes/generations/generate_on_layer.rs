//! Start a generation on a layer.

use ace_app::generations::trigger::{Target, trigger};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{started, trigger_of};
use crate::dto::generations::{GenerateBody, GenerationStarted};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, IdempotencyKey, JsonAs, RawId};
use crate::state::ApiState;

/// Like the cell's, for one layer of a video cell: its output becomes the layer's source (or
/// its text).
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/cells/{cell_id}/layers/{layer_id}/generate", tag = "Generations", operation_id = "generateLayerContent",
    params(("sheet_id" = i64, Path), ("cell_id" = i64, Path), ("layer_id" = i64, Path), ("agent_id" = i64, Query), ("Idempotency-Key" = Option<String>, Header, description = "Retrying with the same key within 24 hours returns the first answer and charges nothing more.")),
    request_body = GenerateBody,
    responses((status = 201, body = GenerationStarted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn generate_layer_content(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, cell, layer)): Path<(RawId, RawId, RawId)>,
    key: IdempotencyKey,
    JsonAs(body): JsonAs<GenerateBody>,
) -> ApiResult<(StatusCode, Json<GenerationStarted>)> {
    let request = trigger_of(body, key);
    let target = Target::Layer(cell.into_id(), layer.into_id());
    let answer = trigger(&state.app, &actor, agent, sheet.into_id(), target, request).await?;
    Ok((StatusCode::CREATED, Json(started(answer))))
}
