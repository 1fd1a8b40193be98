//! Change a connected account's posting settings.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::social_accounts::{SocialAccountResponse, UpdateSocialAccountBody};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Replaces the account's posting settings: the privacy level its posts ask for and whether
/// they allow comments, duets and stitches (always within what TikTok offers the creator).
#[utoipa::path(patch, path = "/v1/agents/{agent_id}/social_accounts/{account_id}", tag = "Publishing",
    operation_id = "updateSocialAccount",
    params(("agent_id" = i64, Path), ("account_id" = i64, Path)),
    request_body = UpdateSocialAccountBody,
    responses((status = 200, body = SocialAccountResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn update_social_account(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path((agent, account)): Path<(RawId, RawId)>,
    JsonAs(body): JsonAs<UpdateSocialAccountBody>,
) -> ApiResult<Json<SocialAccountResponse>> {
    let account = ace_app::publishing::accounts::update_settings(
        &state.app,
        &actor,
        agent.into_id(),
        account.0,
        body.settings.into(),
    )
    .await?;
    Ok(Json(account.into()))
}
