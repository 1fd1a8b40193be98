//! Delete a content resource.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Deletes a file and its stored bytes; its URLs answer 404 afterwards. Answers 200 with no
/// body.
#[utoipa::path(delete, path = "/v1/content_resources/{id}", tag = "Content Resources", operation_id = "deleteContentResource",
    params(("id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn delete_content_resource(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(id): Path<RawId>,
) -> ApiResult<StatusCode> {
    ace_app::content_resources::delete(&state.app, &actor, agent, id.into_id()).await?;
    Ok(StatusCode::OK)
}
