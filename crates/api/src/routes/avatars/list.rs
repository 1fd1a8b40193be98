//! List avatars.

use ace_domain::ids::AvatarId;
use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::dto::avatar::AvatarResponse;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Authenticated, Query, RawId};
use crate::state::ApiState;

/// Paging of the avatar list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AvatarPage {
    /// The id of the last avatar of the previous page.
    cursor: Option<String>,
}

/// Lists an agent's avatars, primary first, 20 a page.
#[utoipa::path(get, path = "/v1/agents/{agent_id}/avatars", tag = "Agents", operation_id = "listAgentAvatars",
    params(("agent_id" = i64, Path), AvatarPage),
    responses((status = 200, body = Vec<AvatarResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn list_agent_avatars(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    Query(page): Query<AvatarPage>,
) -> ApiResult<Json<Vec<AvatarResponse>>> {
    let cursor =
        match page.cursor.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(text.parse::<AvatarId>().map_err(|_| {
                ApiError::validation(format!("cursor {text:?} must be an avatar id."))
            })?),
        };
    let avatars = ace_app::avatars::list(&state.app, &actor, agent.into_id(), cursor).await?;
    Ok(Json(avatars.iter().map(AvatarResponse::from).collect()))
}
