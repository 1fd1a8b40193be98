//! Start a user job.

use ace_app::knowledge::gather;
use ace_app::publishing::post;
use ace_domain::generation::JobKind;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;

use super::agent_named;
use crate::dto::user_jobs::{CreateUserJobBody, UserJobAccepted};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::body::unwrap_resource;
use crate::extract::{Authenticated, FormOrJson};
use crate::state::ApiState;

/// Starts a scrape or ongoing monitoring of social content (`train_social`) into the agent's
/// knowledge, or a post to the agent's connected TikTok account (`publish_content`), now or
/// at `scheduled_time`. Takes url-encoded, multipart or JSON bodies, the fields wrapped in
/// `user_job` or not; `data` is a JSON string. Monitoring stays `processing` and fetches
/// again on its schedule until turned off; a post ends `completed` with `result.publish_id`
/// (and `result.post_id` for public posts) once TikTok publishes it.
#[utoipa::path(post, path = "/v1/user_jobs", tag = "Content Monitoring", operation_id = "createUserJob",
    params(("agent_id" = i64, Query)),
    request_body(content = CreateUserJobBody, description = "`user_job[user_job_type]=train_social` and `user_job[data]=<JSON string>`, url-encoded, multipart or JSON"),
    responses((status = 201, body = UserJobAccepted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn create_user_job(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    RawQuery(query): RawQuery,
    FormOrJson(form): FormOrJson,
) -> ApiResult<(StatusCode, Json<UserJobAccepted>)> {
    let agent = agent_named(query.as_deref(), &form.value)?.ok_or_else(|| {
        ApiError::validation("agent_id is required (as a query parameter or in the body).")
    })?;
    let body: CreateUserJobBody = unwrap_resource(&form.value)?;
    let kind = body
        .user_job_type
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    let data = body
        .data
        .ok_or_else(|| ApiError::validation("data is required: a JSON object in a string."))?;
    let view = match kind.parse::<JobKind>() {
        Ok(JobKind::TrainSocial) => gather::create(&state.app, &actor, agent, &data).await?,
        Ok(JobKind::PublishContent) => post::create(&state.app, &actor, agent, &data).await?,
        _ if kind.is_empty() => return Err(ApiError::validation("user_job_type is required.")),
        _ => {
            return Err(ApiError::validation(format!(
                "user_job_type {kind:?} cannot be created here; use train_social or publish_content."
            )));
        }
    };
    Ok((StatusCode::CREATED, Json(UserJobAccepted::from(&view))))
}
