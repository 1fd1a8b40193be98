//! Read a user job.

use axum::Json;
use axum::extract::{Path, RawQuery, State};

use super::agent_named;
use crate::dto::user_jobs::UserJobResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Any job of the agent's: its type, status, `result` (for a scrape or monitoring job, its
/// last cycle: posts and comments fetched, new and already known, recent errors and when the
/// next cycle runs) and `failed_reason`.
#[utoipa::path(get, path = "/v1/user_jobs/{id}", tag = "Content Monitoring", operation_id = "getUserJob",
    params(("id" = i64, Path), ("agent_id" = Option<i64>, Query)),
    responses((status = 200, body = UserJobResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn get_user_job(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<UserJobResponse>> {
    let agent = agent_named(query.as_deref(), &serde_json::Value::Null)?;
    let view = ace_app::user_jobs::get(&state.app, &actor, id.into_id(), agent).await?;
    Ok(Json(view.object(&state.app).into()))
}
