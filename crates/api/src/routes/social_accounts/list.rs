//! List an agent's connected accounts.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::social_accounts::SocialAccountResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// The agent's connected accounts, most recently connected first, with whether each can
/// post (`status`) and its posting settings. Linked accounts that are only URLs are not here.
#[utoipa::path(get, path = "/v1/agents/{agent_id}/social_accounts", tag = "Publishing",
    operation_id = "listSocialAccounts",
    params(("agent_id" = i64, Path)),
    responses((status = 200, body = Vec<SocialAccountResponse>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn list_social_accounts(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
) -> ApiResult<Json<Vec<SocialAccountResponse>>> {
    let accounts = ace_app::publishing::accounts::list(&state.app, &actor, agent.into_id()).await?;
    Ok(Json(accounts.into_iter().map(Into::into).collect()))
}
