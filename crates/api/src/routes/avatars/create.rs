//! Upload avatars.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::Value;

use crate::dto::agent::avatar_requests;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, FormOrJson, RawId};
use crate::state::ApiState;

/// Adds avatars to an agent: multipart `agent_avatars_attributes[][file]` with JPEG, PNG or
/// WebP images (checked by their bytes). Answers 200 with no body.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/avatars", tag = "Agents", operation_id = "createAgentAvatar",
    params(("agent_id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "`agent_avatars_attributes[][file]`: one or more images."),
    responses((status = 200, description = "Created"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn create_agent_avatar(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    FormOrJson(form): FormOrJson,
) -> ApiResult<StatusCode> {
    let items = form
        .value
        .get("agent_avatars_attributes")
        .or_else(|| {
            form.value
                .get("agent")
                .and_then(|a| a.get("agent_avatars_attributes"))
        })
        .cloned()
        .unwrap_or(Value::Null);
    let items = match items {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        single => vec![single],
    };
    let requests = avatar_requests(&items, &form);
    ace_app::avatars::create(&state.app, &actor, agent.into_id(), requests).await?;
    Ok(StatusCode::OK)
}
