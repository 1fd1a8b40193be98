//! Continue a stopped generation.

use axum::Json;
use axum::extract::{Path, State};

use super::changed;
use crate::dto::generations::GenerationChanged;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Charges a stopped generation again and queues it; it is pending when this returns.
#[utoipa::path(post, path = "/v1/generations/{generation_id}/continue", tag = "Generations", operation_id = "continueGeneration",
    params(("generation_id" = i64, Path)),
    responses((status = 200, body = GenerationChanged), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn continue_generation(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
) -> ApiResult<Json<GenerationChanged>> {
    let view = ace_app::generations::control::resume(&state.app, &actor, id.into_id()).await?;
    Ok(Json(changed(&view, &state)))
}
