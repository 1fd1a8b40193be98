//! Delete an idea (an ace addition).

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Removes the idea. Answers 204.
#[utoipa::path(delete, path = "/v1/agent/ideas/{id}", tag = "Ideas", operation_id = "deleteIdea",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn delete_idea(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
) -> ApiResult<StatusCode> {
    ace_app::ideas::delete(&state.app, &actor, id.into_id()).await?;
    Ok(StatusCode::NO_CONTENT)
}
