//! Upload avatars.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::Value;

use crate::dto::agent::avatar_requests;
use crate::dto::avatar::{AvatarResponse, CreatedAvatars};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, FormOrJson, RawId};
use crate::state::ApiState;

/// Adds avatars to an agent: JPEG, PNG or WebP images (checked by their bytes) as multipart
/// `agent_avatars_attributes[][file]`, a direct upload's signed id (`file`) or an image URL
/// (`url`, fetched under the outbound rules). Answers 200 with the first new avatar and, under
/// `avatars`, all of them (GEN documents no body; its SDK reads the avatar).
#[utoipa::path(post, path = "/v1/agents/{agent_id}/avatars", tag = "Agents", operation_id = "createAgentAvatar",
    params(("agent_id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "`agent_avatars_attributes[][file]`: one or more images."),
    responses((status = 200, body = CreatedAvatars), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn create_agent_avatar(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    FormOrJson(form): FormOrJson,
) -> ApiResult<Json<CreatedAvatars>> {
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
    let created = ace_app::avatars::create(&state.app, &actor, agent.into_id(), requests).await?;
    let avatars: Vec<AvatarResponse> = created.iter().map(AvatarResponse::from).collect();
    Ok(Json(CreatedAvatars::new(avatars)))
}
