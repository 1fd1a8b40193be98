//! Rename a content resource.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::files::ContentResourceBody;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Renames a file (`content_resource[filename]`). Answers 200 with no body.
#[utoipa::path(patch, path = "/v1/content_resources/{id}", tag = "Content Resources", operation_id = "updateContentResource",
    params(("id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = ContentResourceBody,
    responses((status = 200, description = "Renamed"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn update_content_resource(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(id): Path<RawId>,
    Wrapped(body): Wrapped<ContentResourceBody>,
) -> ApiResult<StatusCode> {
    ace_app::content_resources::rename(
        &state.app,
        &actor,
        agent,
        id.into_id(),
        body.filename.as_deref(),
    )
    .await?;
    Ok(StatusCode::OK)
}
