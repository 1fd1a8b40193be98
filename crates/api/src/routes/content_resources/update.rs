//! Rename a content resource.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::files::{ContentResourceBody, ContentResourceEnvelope};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Renames a file (`content_resource[filename]`) and answers with it. GEN's docs promise an
/// empty body and its SDK reads the resource, so a client of either kind loses nothing.
#[utoipa::path(patch, path = "/v1/content_resources/{id}", tag = "Content Resources", operation_id = "updateContentResource",
    params(("id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = ContentResourceBody,
    responses((status = 200, body = ContentResourceEnvelope), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn update_content_resource(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(id): Path<RawId>,
    Wrapped(body): Wrapped<ContentResourceBody>,
) -> ApiResult<Json<ContentResourceEnvelope>> {
    let record = ace_app::content_resources::rename(
        &state.app,
        &actor,
        agent,
        id.into_id(),
        body.filename.as_deref(),
    )
    .await?;
    Ok(Json(ContentResourceEnvelope::new(&record, None)))
}
