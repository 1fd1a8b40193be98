//! Render a row's final video (GEN: `renderVideo`).

use ace_app::idempotency::Idempotent;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::json;

use crate::dto::renders::RenderStarted;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, IdempotencyKey, RawId};
use crate::state::ApiState;

/// Composes the layers of the cell's row into one MP4, charged by its length; poll the
/// generation (or follow its events, with progress) until it completes. The MP4 becomes the
/// row's final video.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/cells/{cell_id}/render", tag = "Generations", operation_id = "renderVideo",
    params(("sheet_id" = i64, Path), ("cell_id" = i64, Path, description = "The row's final video cell (or its video cell)"), ("agent_id" = i64, Query),
        ("Idempotency-Key" = Option<String>, Header, description = "Retrying with the same key within 24 hours returns the first answer and charges nothing more.")),
    responses((status = 201, body = RenderStarted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn render_video(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, cell)): Path<(RawId, RawId)>,
    key: IdempotencyKey,
) -> ApiResult<(StatusCode, Json<RenderStarted>)> {
    let idempotency = match key.0 {
        Some(key) => {
            let operation = format!("render {agent}/{}/cell/{}", sheet.0, cell.0);
            Some(Idempotent::new(&key, &operation, &json!({}))?)
        }
        None => None,
    };
    let answer = ace_app::renders::render(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        cell.into_id(),
        idempotency,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(RenderStarted {
            generation_id: answer.generation_id.to_string(),
            status: answer.status,
        }),
    ))
}
