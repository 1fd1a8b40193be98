//! Change a monitoring job.

use ace_app::knowledge::gather;
use axum::Json;
use axum::extract::{Path, RawQuery, State};

use super::agent_named;
use crate::dto::user_jobs::UserJobAccepted;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, FormOrJson, RawId};
use crate::state::ApiState;

/// Changes a scrape or monitoring job with flat fields (`platform`, `type`, `value`, `days`,
/// `country`, `max_results`, `monitoring`, `comment_monitoring`), url-encoded, multipart or
/// JSON, while it is pending or processing. Turning `monitoring` off between cycles ends it.
#[utoipa::path(put, path = "/v1/user_jobs/{id}", tag = "Content Monitoring", operation_id = "updateMonitoringJob",
    params(("id" = i64, Path), ("agent_id" = Option<i64>, Query)),
    request_body(content = Object, description = "flat fields, url-encoded, multipart or JSON"),
    responses((status = 200, body = UserJobAccepted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn update_monitoring_job(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
    RawQuery(query): RawQuery,
    FormOrJson(form): FormOrJson,
) -> ApiResult<Json<UserJobAccepted>> {
    let agent = agent_named(query.as_deref(), &form.value)?;
    let fields = form.value.as_object().cloned().unwrap_or_default();
    let view = gather::update(&state.app, &actor, id.into_id(), agent, &fields).await?;
    Ok(Json(UserJobAccepted::from(&view)))
}
