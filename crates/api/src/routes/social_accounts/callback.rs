//! TikTok's redirect back after a creator authorized ace.

use ace_app::publishing::accounts::Callback;
use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::dto::social_accounts::SocialAccountResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::state::ApiState;

/// What TikTok appends to the redirect.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Where TikTok sends the creator back: the one-time `state` names the agent, the code is
/// exchanged for a grant (kept sealed), and the account is connected. No API key: the state
/// is the credential, and it works once, for ten minutes.
#[utoipa::path(get, path = "/v1/social_accounts/tiktok/callback", tag = "Publishing",
    operation_id = "tiktokCallback", params(CallbackParams), security(()),
    responses((status = 200, body = SocialAccountResponse), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn tiktok_callback(
    State(state): State<ApiState>,
    Query(params): Query<CallbackParams>,
) -> ApiResult<Json<SocialAccountResponse>> {
    let callback = Callback {
        code: params.code,
        state: params.state,
        error: params.error,
        error_description: params.error_description,
    };
    let account = ace_app::publishing::accounts::complete(&state.app, &callback).await?;
    Ok(Json(account.into()))
}
