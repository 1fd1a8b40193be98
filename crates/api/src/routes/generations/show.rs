//! Read a generation.

use axum::Json;
use axum::extract::{Path, State};

use super::response;
use crate::dto::generations::GenerationResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// The generation's status, result, outputs and cost.
#[utoipa::path(get, path = "/v1/generations/{generation_id}", tag = "Generations", operation_id = "getGeneration",
    params(("generation_id" = i64, Path)),
    responses((status = 200, body = GenerationResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn get_generation(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
) -> ApiResult<Json<GenerationResponse>> {
    let view = ace_app::generations::get(&state.app, &actor, id.into_id()).await?;
    Ok(Json(response(&view, &state)))
}
