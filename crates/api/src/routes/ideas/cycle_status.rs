//! Cycle an idea to its next status.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::ideas::IdeaResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Moves the idea one step along `generated → approve_to_create → ready_for_review →
/// approved_to_post → posted`. From `posted`, `change_idea`, `change_video` or `rejected` it
/// is 422 `idea_status_invalid`: set a status instead.
#[utoipa::path(post, path = "/v1/agent/ideas/{id}/status", tag = "Ideas", operation_id = "cycleIdeaStatus",
    params(("id" = i64, Path)),
    responses((status = 200, body = IdeaResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn cycle_idea_status(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
) -> ApiResult<Json<IdeaResponse>> {
    let idea = ace_app::ideas::cycle(&state.app, &actor, id.into_id()).await?;
    Ok(Json(idea.into()))
}
