//! Start connecting a TikTok account.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::social_accounts::AuthorizationResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// The TikTok authorization URL for the agent's own account (Login Kit, authorization code
/// with PKCE). The creator opens it, approves posting, and TikTok sends them back to ace's
/// callback; the account then appears in Agent Core's `linked_accounts`.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/social_accounts/tiktok/connect", tag = "Publishing",
    operation_id = "connectTiktokAccount",
    params(("agent_id" = i64, Path)),
    responses((status = 200, body = AuthorizationResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn connect_tiktok_account(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
) -> ApiResult<Json<AuthorizationResponse>> {
    let authorization =
        ace_app::publishing::accounts::connect(&state.app, &actor, agent.into_id()).await?;
    Ok(Json(authorization.into()))
}
