//! Set an idea's status.

use ace_domain::ideas::IdeaStatus;
use axum::Json;
use axum::extract::{Path, State};

use crate::dto::ideas::IdeaResponse;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Sets the idea to any of the eight statuses; another value is 422 `validation_error`.
#[utoipa::path(put, path = "/v1/agent/ideas/{id}/status/{status}", tag = "Ideas", operation_id = "setIdeaStatus",
    params(("id" = i64, Path), ("status" = String, Path)),
    responses((status = 200, body = IdeaResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn set_idea_status(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path((id, status)): Path<(RawId, String)>,
) -> ApiResult<Json<IdeaResponse>> {
    let status = status
        .parse::<IdeaStatus>()
        .map_err(|err| ApiError::validation(format!("status {status:?}: {err}.")))?;
    let idea = ace_app::ideas::set(&state.app, &actor, id.into_id(), status).await?;
    Ok(Json(idea.into()))
}
