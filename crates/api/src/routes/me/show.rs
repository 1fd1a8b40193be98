//! Who am I.

use axum::Json;
use axum::extract::State;

use crate::dto::user::UserResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;
use crate::state::ApiState;

/// Returns the caller's profile.
#[utoipa::path(get, path = "/v1/me", tag = "Discovery", operation_id = "getMe",
    responses((status = 200, body = UserResponse), (status = 401, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn get_me(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<UserResponse>> {
    let user = ace_app::accounts::me(&state.app, &actor).await?;
    Ok(Json(UserResponse::from(&user)))
}
