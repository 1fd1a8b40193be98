//! Get a content resource.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::files::ContentResourceEnvelope;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Returns one of an agent's files with the job that made it (`null` for uploads).
#[utoipa::path(get, path = "/v1/content_resources/{id}", tag = "Content Resources", operation_id = "getContentResource",
    params(("id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = ContentResourceEnvelope), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn get_content_resource(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(id): Path<RawId>,
) -> ApiResult<Json<ContentResourceEnvelope>> {
    let shown = ace_app::content_resources::get(&state.app, &actor, agent, id.into_id()).await?;
    Ok(Json(ContentResourceEnvelope::new(
        &shown.resource,
        shown.generator.as_ref(),
    )))
}
