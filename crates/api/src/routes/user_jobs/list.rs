//! List an agent's user jobs.

use ace_app::user_jobs::ListFilter;
use axum::Json;
use axum::extract::{RawQuery, State};

use crate::dto::user_jobs::UserJobResponse;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated};
use crate::state::ApiState;

/// The agent's jobs of every type (an ace addition), newest first, 20 a page; pages count
/// from 1. Filter by `user_job_type` and `status`.
#[utoipa::path(get, path = "/v1/user_jobs", tag = "Content Monitoring", operation_id = "listUserJobs",
    params(("agent_id" = i64, Query), ("user_job_type" = Option<String>, Query), ("status" = Option<String>, Query),
        ("page" = Option<i64>, Query, description = "From 1")),
    responses((status = 200, body = Vec<UserJobResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn list_user_jobs(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Vec<UserJobResponse>>> {
    let (filter, page) = read_query(query.as_deref().unwrap_or_default())?;
    let views = ace_app::user_jobs::list(&state.app, &actor, agent, filter, page).await?;
    Ok(Json(
        views
            .iter()
            .map(|view| view.object(&state.app).into())
            .collect(),
    ))
}

fn read_query(query: &str) -> ApiResult<(ListFilter, i64)> {
    let mut filter = ListFilter::default();
    let mut page = 1;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let value = value.trim();
        match name.as_ref() {
            "user_job_type" if !value.is_empty() => {
                filter.user_job_type = Some(value.parse().map_err(|err| {
                    ApiError::validation(format!("user_job_type {value:?}: {err}."))
                })?);
            }
            "status" if !value.is_empty() => {
                filter.status =
                    Some(value.parse().map_err(|err| {
                        ApiError::validation(format!("status {value:?}: {err}."))
                    })?);
            }
            "page" if !value.is_empty() => {
                page = value
                    .parse::<i64>()
                    .ok()
                    .filter(|page| *page >= 0)
                    .ok_or_else(|| ApiError::validation(format!("page {value:?} is not valid.")))?;
            }
            _ => {}
        }
    }
    Ok((filter, page))
}
