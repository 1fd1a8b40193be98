//! Cancel a scheduled post.

use axum::Json;
use axum::extract::{Path, RawQuery, State};

use super::agent_named;
use crate::dto::user_jobs::UserJobResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Cancels a `publish_content` job that has not started (a scheduled post before its time):
/// it ends `failed` with the reason `cancelled`, since GEN's statuses have no other end. An
/// ace addition.
#[utoipa::path(delete, path = "/v1/user_jobs/{id}", tag = "Publishing", operation_id = "cancelUserJob",
    params(("id" = i64, Path), ("agent_id" = Option<i64>, Query)),
    responses((status = 200, body = UserJobResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn cancel_user_job(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<UserJobResponse>> {
    let agent = agent_named(query.as_deref(), &serde_json::Value::Null)?;
    let view = ace_app::publishing::post::cancel(&state.app, &actor, id.into_id(), agent).await?;
    Ok(Json(view.object(&state.app).into()))
}
